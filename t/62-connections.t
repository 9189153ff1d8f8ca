# t/62-connections.t -- who owns a database connection, and when.
#
# - DBDPersist Off: mod_dbd opens a connection per request and frees it
#   with the request's pool; registering, logging in, guarded pages and
#   logging out all work, and no child crashes.
# - A session lookup that fails once (made to, with a row-level security
#   policy that raises on its first use) is retried on another connection,
#   and the page then runs on the connection the request holds, not on the
#   one it gave back.
# - The retry prepares our statements again without dropping anyone
#   else's: mod_authn_dbd's, on the same single pooled connection, still
#   answers.
# - A session lookup never reads the password hash: a database role that
#   may not read that column still serves guarded pages.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;
use Digest::SHA ();
use MIME::Base64 ();

plan tests => 29;

sub body { my ($res) = @_; return $res->decoded_content // '' }

my $log_start = length AccountsTest::error_log();
my $pw = AccountsTest::good_password();

# The failure on demand: the first statement that reads accounts_session
# after fail_once() is armed raises, every later one passes.
my $armed = 0;
END {
    if ($armed) {
        eval {
            AccountsTest::sql('DROP POLICY IF EXISTS acc_test_fail ON accounts_session');
            AccountsTest::sql('ALTER TABLE accounts_session NO FORCE ROW LEVEL SECURITY');
            AccountsTest::sql('ALTER TABLE accounts_session DISABLE ROW LEVEL SECURITY');
        };
    }
}
AccountsTest::sql(q{CREATE SEQUENCE IF NOT EXISTS acc_test_fail_seq});
AccountsTest::sql(q{CREATE OR REPLACE FUNCTION acc_test_fail_once() RETURNS boolean
    LANGUAGE plpgsql VOLATILE AS $f$ BEGIN
      IF nextval('acc_test_fail_seq') = 1 THEN RAISE EXCEPTION 'a test failure'; END IF;
      RETURN true; END $f$});
AccountsTest::sql(q{GRANT USAGE ON SEQUENCE acc_test_fail_seq TO accounts});
sub fail_once {
    AccountsTest::sql(q{SELECT setval('acc_test_fail_seq', 1, false)});
    AccountsTest::sql(q{DROP POLICY IF EXISTS acc_test_fail ON accounts_session});
    AccountsTest::sql(q{CREATE POLICY acc_test_fail ON accounts_session USING (acc_test_fail_once())});
    AccountsTest::sql(q{ALTER TABLE accounts_session ENABLE ROW LEVEL SECURITY});
    AccountsTest::sql(q{ALTER TABLE accounts_session FORCE ROW LEVEL SECURITY});
    $armed = 1;
}
sub fired {
    my $n = AccountsTest::sql1(q{SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM acc_test_fail_seq});
    AccountsTest::sql(q{DROP POLICY IF EXISTS acc_test_fail ON accounts_session});
    AccountsTest::sql(q{ALTER TABLE accounts_session NO FORCE ROW LEVEL SECURITY});
    AccountsTest::sql(q{ALTER TABLE accounts_session DISABLE ROW LEVEL SECURITY});
    $armed = 0;
    return $n >= 1;
}

# ---- DBDPersist Off ----------------------------------------------------
my $np = AccountsTest->browser(vhost => 'nopersist');
my $nu = AccountsTest::unique_name('np');
my $res = $np->register($nu, $pw);
ok t_cmp($res->code, 303, 'DBDPersist Off: registration: 303');
$res = $np->login($nu, $pw);
ok t_cmp($res->code, 303, '... login: 303');
$res = $np->get('/home/');
ok t_cmp($res->code, 200, '... the guarded page: 200');
ok t_cmp(body($res), qr/Hello, \Q$nu\E!/, '... greets the user');
$res = $np->get('/accounts/login/');
ok t_cmp($res->code, 200, '... the login page while logged in: 200');

# The session lookup fails once; the login page's POST then works on the
# connection the request holds.
fail_once();
$res = $np->login($nu, $pw);
ok t_cmp(fired() ? 'fired' : 'not fired', 'fired', 'DBDPersist Off: the armed failure happened');
ok t_cmp($res->code, 303, '... and the login after the failed session lookup still succeeds: 303');
$res = $np->get('/home/');
ok t_cmp($res->code, 200, '... with a session that opens the guarded page');
$res = $np->logout;
ok t_cmp($res->code, 303, 'DBDPersist Off: logout: 303');
ok t_cmp($np->get('/home/')->code, 302, '... and the guarded page is closed again');

# ---- one pooled connection shared with mod_authn_dbd --------------------
AccountsTest::sql(q{CREATE TABLE IF NOT EXISTS test_basic (name text PRIMARY KEY, pw text NOT NULL)});
AccountsTest::sql(q{GRANT SELECT ON test_basic TO accounts});
my $basic_pw = 'basic-secret';
my $sha = '{SHA}' . MIME::Base64::encode_base64(Digest::SHA::sha1($basic_pw), '');
AccountsTest::sql("INSERT INTO test_basic VALUES ('basicuser', '$sha') ON CONFLICT DO NOTHING");

# One keep-alive connection: every request below reaches the same httpd
# process, hence the same pooled database connection.
my $ob = AccountsTest->browser(vhost => 'onedb', keep_alive => 1);
my $auth = 'Basic ' . MIME::Base64::encode_base64("basicuser:$basic_pw", '');
$res = $ob->get('/basic/', Authorization => $auth);
ok t_cmp($res->code, 200, 'mod_authn_dbd on the one pooled connection: 200');
my $ou = AccountsTest::mkuser(AccountsTest::unique_name('one'));
$res = $ob->login($ou);
ok t_cmp($res->code, 303, 'a login on the same connection: 303');
ok t_cmp($ob->get('/home/')->code, 200, '... the guarded page: 200');
fail_once();
$res = $ob->get('/home/');
ok t_cmp(fired() ? 'fired' : 'not fired', 'fired', 'the session lookup failed once');
ok t_cmp($res->code, 200, '... was retried, and the guarded page answered 200');
$res = $ob->get('/basic/', Authorization => $auth);
ok t_cmp($res->code, 200, 'mod_authn_dbd still answers: our statements were prepared again, not theirs dropped');
$res = $ob->get('/basic/', Authorization => 'Basic ' . MIME::Base64::encode_base64("basicuser:wrong", ''));
ok t_cmp($res->code, 401, '... and still refuses a wrong password');
ok t_cmp($ob->get('/home/')->code, 200, 'the guarded page again: 200');

# ---- a first preparing that fails half-way --------------------------------
# The prepfail host's one connection is opened while a function one of our
# statements calls is missing: the statements before it prepare, that one
# fails (503).  Once the function is back, that connection must prepare
# them all again, not trip over the ones left from the first try.
AccountsTest::sql(q{ALTER FUNCTION accounts_login_begin(text, text, int, int, text, int, int, int, text, bigint, bigint)
                    RENAME TO accounts_login_begin_away});
my $pf = AccountsTest->browser(vhost => 'prepfail');
my $pfres = $pf->get('/accounts/login/');
AccountsTest::sql(q{ALTER FUNCTION accounts_login_begin_away(text, text, int, int, text, int, int, int, text, bigint, bigint)
                    RENAME TO accounts_login_begin});
ok t_cmp($pfres->code, 503, 'a statement that cannot be prepared: 503');
# A 503 closes the client's connection, and either httpd process may take
# the next one: ten tries reach the one whose connection failed.
my @pf = grep { $_ != 200 } map { AccountsTest->browser(vhost => 'prepfail')->get('/accounts/login/')->code } 1 .. 10;
ok t_cmp("@pf", '', '... and once it can, every connection prepares them all: 10 times 200');

# ---- a role that may not read password hashes ---------------------------
AccountsTest::sql(q{DO $d$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'acc_nopw') THEN
      CREATE ROLE acc_nopw LOGIN PASSWORD 'nopw-test-only';
    END IF; END $d$});
AccountsTest::sql(q{GRANT SELECT (id, username, username_key, email, first_name, last_name,
    is_active, is_staff, is_superuser, date_joined, last_login) ON accounts_user TO acc_nopw});
AccountsTest::sql(q{GRANT SELECT, UPDATE ON accounts_session TO acc_nopw});
AccountsTest::sql(q{GRANT SELECT ON accounts_group, accounts_user_groups, accounts_permission,
    accounts_user_permissions, accounts_group_permissions, accounts_schema_migrations,
    accounts_mfa TO acc_nopw});
my $pu = AccountsTest::mkuser(AccountsTest::unique_name('nopw'));
my $main = AccountsTest::logged_in($pu);
my $sid = $main->cookie('sessionid');
my $nb = AccountsTest->browser(vhost => 'nopw');
$nb->set_cookie(sessionid => $sid);
$res = $nb->get('/home/');
ok t_cmp($res->code, 200, 'a role without SELECT on the password column: the guarded page answers 200');
ok t_cmp(body($res), qr/Hello, \Q$pu\E!/, '... and greets the user');
ok t_cmp(AccountsTest::sql1("SELECT has_column_privilege('acc_nopw', 'accounts_user', 'password', 'SELECT')"),
         'f', '... (the role really cannot read the column)');
$res = $nb->get('/home/', Cookie => 'sessionid=' . ('A' x 43));
ok t_cmp($res->code, 302, '... and an unknown session still redirects to the login page');

# ---- nothing went wrong on the way ---------------------------------------
my $log = substr AccountsTest::error_log(), $log_start;
ok t_cmp(($log =~ /exit signal/ ? 'crashed' : 'no crash'), 'no crash', 'no httpd child crashed');
ok t_cmp(($log =~ /given back to the pool/ ? 'misused' : 'ok'), 'ok',
         'no statement was sent on a connection given back');
ok t_cmp(($log =~ /AddressSanitizer|runtime error:/ ? 'reported' : 'clean'), 'clean',
         'no sanitizer report');
ok t_cmp(($log =~ /prepared statement "authn_dbd\w*" does not exist/ ? 'dropped' : 'kept'), 'kept',
         "mod_authn_dbd's statement was never dropped");
ok t_cmp(($log =~ /permission denied for column password/ ? 'read' : 'not read'), 'not read',
         'the session lookup never asked for the password column');
