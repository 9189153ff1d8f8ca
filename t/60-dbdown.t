# t/60-dbdown.t -- PostgreSQL goes away while httpd runs: accounts pages
# and guarded pages with a session answer 503 (never an open door), and
# when PostgreSQL comes back everything works again without an httpd
# restart, with no user or session lost.  Meant to run after the other
# files (sorted order): it stops the suite's database twice (and always
# starts it again, even when an assertion dies).
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;
use POSIX ();
use Digest::SHA ();

plan tests => 52;

my $pg_down = 0;
# Whatever happens below, the database comes back for whoever runs next.
END { AccountsTest::pg_start() if $pg_down }

sub body { my ($res) = @_; return $res->decoded_content // '' }

my $log_start = length AccountsTest::error_log();

my $pw = AccountsTest::good_password();
my $user = AccountsTest::unique_name('down');
my ($rc, $out, $err) = AccountsTest::createuser($user, $pw);
ok t_cmp($rc, 0, "accountsctl createuser $user (stderr: $err)");

# A logged-in browser, and one holding a login form with its token.
my $b = AccountsTest->browser;
my $res = $b->login($user, $pw);
ok t_cmp($res->code, 303, 'logged in before the outage');
my $sid = $b->cookie('sessionid') // '';
ok t_cmp($sid, qr/^[A-Za-z0-9_-]{43}$/, '... with a session cookie');
$res = $b->get('/home/');
ok t_cmp($res->code, 200, '/home/ with the session: 200');
ok t_cmp(body($res), qr/Hello, \Q$user\E!/, '... greets the user');

my $f = AccountsTest->browser;
my $ftok = AccountsTest::token_in(body($f->get('/accounts/login/'))) // '';
ok t_cmp($ftok, qr/^[A-Za-z0-9]{64}$/, 'a login form loaded before the outage');
my $rtok = AccountsTest::token_in(body($f->get('/accounts/register/'))) // '';

# Fill the connection pools: concurrent requests make each child open
# several connections, which the outage then leaves stale.
my @kids;
for (1 .. 12) {
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        my $w = AccountsTest->browser;
        $w->set_cookie(sessionid => $sid);
        $w->get('/home/') for 1 .. 5;
        POSIX::_exit(0);
    }
    push @kids, $pid;
}
waitpid $_, 0 for @kids;
ok t_cmp($b->get('/home/')->code, 200, '/home/ still 200 after filling the pools');

# ---- the database goes away -------------------------------------------

$pg_down = 1;
ok t_cmp(AccountsTest::pg_stop() ? 'stopped' : 'still running', 'stopped', 'PostgreSQL stopped');

# The same session on the host without a session cache, so that each
# request below asks the database.
my $bn = AccountsTest->browser(vhost => 'nocache');
$bn->set_cookie(sessionid => $sid);

my @down;
eval {
    $res = AccountsTest->browser->get('/accounts/login/');
    push @down, $res->code;
    ok t_cmp($res->code, 503, 'database down: GET login/ answers 503');
    ok t_cmp(body($res), qr/temporarily unavailable/i, '... a page saying the service is temporarily unavailable');
    ok t_cmp($res->header('Content-Type') // '', qr{^text/html}i, '... as HTML');

    $res = $f->post('/accounts/login/', [csrfmiddlewaretoken => $ftok, username => $user, password => $pw]);
    push @down, $res->code;
    ok t_cmp($res->code, 503, 'database down: POST login/ answers 503');
    ok t_cmp(($f->cookie('sessionid') ? 'session' : 'no session'), 'no session', '... and sets no session');

    my $name = AccountsTest::unique_name('downreg');
    $res = $f->post('/accounts/register/', [csrfmiddlewaretoken => $rtok, username => $name, email => '',
                                            password1 => $pw, password2 => $pw]);
    push @down, $res->code;
    ok t_cmp($res->code, 503, 'database down: POST register/ answers 503');

    # (On the host without a session cache: a cached session keeps
    # working for at most the cache's TTL, then gets the same 503.)
    $res = $bn->get('/home/');
    push @down, $res->code;
    ok t_cmp($res->code, 503, 'database down: /home/ with a valid session cookie answers 503, not an open door');
    ok t_cmp((body($res) =~ /Hello,/ ? 'page shown' : 'page withheld'), 'page withheld',
             '... the guarded page is not shown');
    ok t_cmp(body($res), qr/mod_accounts test.*temporarily unavailable/s,
             '... but our 503 page, from the templates, as the accounts pages say it');
    ok t_cmp($res->header('Retry-After') // '', qr/^\d+$/, '... with Retry-After');

    $res = AccountsTest->browser->get('/home/');
    push @down, $res->code;
    ok t_cmp($res->code, 302, 'database down: /home/ without a cookie still redirects to login (no database needed)');
    ok t_cmp($res->header('Location') // '', qr{/accounts/login/\?next=%2Fhome%2F|/accounts/login/\?next=/home/},
             '... to the login page');

    # Again: the answer does not depend on which child or pooled
    # connection a request meets.
    my @more = map { AccountsTest->browser->get('/accounts/login/')->code } 1 .. 3;
    ok t_cmp(join(',', @more), '503,503,503', 'database down: three more GET login/ all answer 503');
    1;
} or print STDERR "# while the database was down: $@\n";

# ---- it comes back ----------------------------------------------------

ok t_cmp(AccountsTest::pg_start() ? 'started' : 'not started', 'started', 'PostgreSQL started again');
$pg_down = 0;

$res = AccountsTest->browser->get('/accounts/login/');
ok t_cmp($res->code, 200, 'the very first request after the restart: login/ answers 200');
ok t_cmp(body($res), qr/name="csrfmiddlewaretoken"/, '... with the form');

$res = $bn->get('/home/');
ok t_cmp($res->code, 200, '/home/ with the session from before the outage: 200');
ok t_cmp(body($res), qr/Hello, \Q$user\E!/, '... greets the user');
ok t_cmp($bn->cookie('sessionid') // '', $sid, '... with the same session cookie');

# The next requests all work too, whichever child and pooled connection
# they meet.
my (@bad_login, @bad_home);
for (1 .. 20) {
    my $code = AccountsTest->browser->get('/accounts/login/')->code;
    push @bad_login, $code if $code != 200;
    $code = $bn->get('/home/')->code;
    push @bad_home, $code if $code != 200;
}
ok t_cmp(join(',', @bad_login), '', 'twenty more GET login/ after the restart: all 200');
ok t_cmp(join(',', @bad_home), '', 'twenty more /home/ with the old session: all 200');

# Logging in works again, with the old form's token too.
my $n = AccountsTest->browser;
$res = $n->login($user, $pw);
ok t_cmp($res->code, 303, 'login after the restart: 303');
$res = $n->get('/home/');
ok t_cmp($res->code, 200, '... and /home/ for the new session: 200');
ok t_cmp(body($res), qr/Hello, \Q$user\E!/, '... greets the user');
$res = $f->post('/accounts/login/', [csrfmiddlewaretoken => $ftok, username => $user, password => $pw]);
ok t_cmp($res->code, 303, 'the form loaded before the outage logs in after it');

# Nothing was lost.
($rc, $out, $err) = AccountsTest::ctl('list');
ok t_cmp($rc, 0, "accountsctl list (stderr: $err)");
ok t_cmp(scalar(grep { (split /\t/)[0] eq $user || /(^|\t)\Q$user\E(\t|$)/ } split /\n/, $out), 1,
         "... lists $user");
my $rows = AccountsTest::sql("SELECT count(*) FROM accounts_session s JOIN accounts_user u ON u.id = s.user_id "
                             . "WHERE u.username = '$user'");
ok t_cmp($rows->[0][0], 3, "$user has the three sessions made before and after the outage");
ok t_cmp(AccountsTest::sql("SELECT count(*) FROM accounts_user WHERE username LIKE 'downreg%'")->[0][0], 0,
         'the registration during the outage left nothing behind');

# Logging out works again.
$res = $b->logout;
ok t_cmp($res->code, 303, 'logout of the old session after the restart: 303');
ok t_cmp($b->get('/home/')->code, 302, '... and /home/ is closed again');

# ---- a restart while idle ----------------------------------------------
# The database restarts while nobody asks: every pooled connection is
# stale and nothing has noticed.  The next requests that need the
# database must still work.

my $lb = AccountsTest->browser;
$res = $lb->login($user, $pw);
ok t_cmp($res->code, 303, 'a second session before the idle restart');
my @kids2;
for (1 .. 12) {
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        my $w = AccountsTest->browser;
        $w->set_cookie(sessionid => $lb->cookie('sessionid'));
        $w->get('/home/') for 1 .. 10;
        POSIX::_exit(0);
    }
    push @kids2, $pid;
}
waitpid $_, 0 for @kids2;
my $pooled = AccountsTest::sql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'accounts' "
                               . "AND datname = '$ENV{ACC_PGDATABASE}'")->[0][0];
ok t_cmp(($pooled >= 1 ? 'pooled' : 'none'), 'pooled', "httpd holds pooled connections ($pooled)");

$pg_down = 1;
my $cycled = AccountsTest::pg_stop() && AccountsTest::pg_start();
$pg_down = 0 if $cycled;
ok t_cmp(($cycled ? 'restarted' : 'failed'), 'restarted', 'PostgreSQL stopped and started with no request between');

$res = $lb->get('/home/');
ok t_cmp($res->code, 200, 'the first request after an idle restart that needs the database (/home/ with a session): 200');
# However the first one went, the module must recover by itself.
my $recovered = 0;
for (1 .. 40) {
    if ($lb->get('/home/')->code == 200) { $recovered = 1; last }
    select undef, undef, undef, 0.25;
}
ok t_cmp(($recovered ? 'recovered' : 'still failing after 10 s'), 'recovered',
         'after an idle restart /home/ with a session recovers by itself within 10 s');
my @bad_idle;
for (1 .. 20) {
    my $code = $lb->get('/home/')->code;
    push @bad_idle, $code if $code != 200;
}
ok t_cmp(join(',', @bad_idle), '', 'twenty more /home/ after the idle restart: all 200');
$res = AccountsTest->browser->login($user, $pw);
ok t_cmp($res->code, 303, 'login after the idle restart: 303');

# ---- the session cache's change listener comes back too -----------------
# Each process's listener lost its connection at each restart (the log
# says so) and connects again by itself; then a change reaches the cache
# within a moment again, not only once the TTL (10 s) has passed.
my $heard = 0;
for (1 .. 60) {
    if ((substr AccountsTest::error_log(), $log_start) =~ /ACC0231/) { $heard = 1; last }
    select undef, undef, undef, 0.25;
}
my $outage_log = substr AccountsTest::error_log(), $log_start;
ok t_cmp($outage_log, qr/ACC0230: the session cache stopped hearing/,
         'the error log says the listener lost the change notices');
ok t_cmp(($heard ? 'hears again' : 'silent'), 'hears again', '... and that it hears them again');
# Every process listens again within a few seconds of the first.
select undef, undef, undef, 3;
my $cb = AccountsTest->browser;
ok t_cmp($cb->login($user, $pw)->code, 303, 'a new session after the restarts');
ok t_cmp($cb->get('/home/')->code, 200, '... /home/ 200 (cached)');
AccountsTest::sql('DELETE FROM accounts_session WHERE token_hash = '
                  . AccountsTest::lit(Digest::SHA::sha256_hex($cb->cookie('sessionid'))));
my $gone = 0;
for (1 .. 30) {
    if ($cb->get('/home/')->code == 302) { $gone = 1; last }
    select undef, undef, undef, 0.1;
}
ok t_cmp(($gone ? 'refused' : 'still served'), 'refused',
         'its row deleted in SQL: refused within 3 s (the notice, not the 10 s TTL)');

my $log = substr AccountsTest::error_log(), $log_start;
ok t_cmp(($log =~ /exit signal/ ? 'crashed' : 'no crash'), 'no crash', 'no httpd child crashed during the outage');
