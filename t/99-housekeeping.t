# t/99-housekeeping.t -- expired sessions, old throttle rows and old mail
# are deleted by httpd's background thread, in batches, outside any
# request; live rows stay.  Last in the suite: its host looks every second
# and deletes expired rows of the whole database.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 8;

*sql1 = \&AccountsTest::sql1;
*lit  = \&AccountsTest::lit;

my $name = AccountsTest::unique_name('hk');
AccountsTest::mkuser($name);
my $uid = sql1('SELECT id FROM accounts_user WHERE username = ' . lit($name));
my $tag = "hk$$";

# 2,500 expired sessions (more than one batch), 3 live ones; an old
# throttle row and a fresh one; an old sent mail and a queued one.
AccountsTest::sql("INSERT INTO accounts_session (token_hash, user_id, expires)"
    . " SELECT md5('$tag' || g) || md5('x$tag' || g), $uid, now() - interval '1 hour'"
    . " FROM generate_series(1, 2500) g");
AccountsTest::sql("INSERT INTO accounts_session (token_hash, user_id, expires)"
    . " SELECT md5('live$tag' || g) || md5('y$tag' || g), $uid, now() + interval '1 hour'"
    . " FROM generate_series(1, 3) g");
AccountsTest::sql("INSERT INTO accounts_throttle (kind, key, failures, last_failure) VALUES"
    . " ('user', 'old$tag', 3, now() - interval '2 days'), ('user', 'new$tag', 3, now())");
AccountsTest::sql("INSERT INTO accounts_mail (kind, recipient, state, created, message) VALUES"
    . " ('mail', 'old$tag\@example.com', 'sent', now() - interval '40 days', ''),"
    . " ('mail', 'q$tag\@example.com', 'queued', now() - interval '40 days', 'x')");
ok t_cmp(sql1("SELECT count(*) FROM accounts_session WHERE user_id = $uid"), 2503,
         'the sessions are there');

# A page of the host: its process looks after the host from now on.
my $b = AccountsTest->browser(vhost => 'housekeep');
ok t_cmp($b->get('/accounts/login/')->code, 200, 'a page of the housekeeping host');

my $deadline = Time::HiRes::time() + 40;
my $left;
while (Time::HiRes::time() < $deadline) {
    $left = sql1("SELECT count(*) FROM accounts_session WHERE user_id = $uid AND expires <= now()");
    last if $left == 0;
    Time::HiRes::sleep(0.5);
    # Another process may have taken the first request: keep visiting.
    $b->get('/accounts/login/');
}
ok t_cmp($left, 0, 'the 2,500 expired sessions are gone, without a request deleting them');
ok t_cmp(sql1("SELECT count(*) FROM accounts_session WHERE user_id = $uid"), 3,
         '... and the live ones stay');
ok t_cmp(sql1("SELECT count(*) FROM accounts_throttle WHERE key = 'old$tag'"), 0,
         'a throttle row that ended two days ago is gone');
ok t_cmp(sql1("SELECT count(*) FROM accounts_throttle WHERE key = 'new$tag'"), 1, '... a fresh one stays');
ok t_cmp(sql1("SELECT string_agg(state, ',') FROM accounts_mail WHERE recipient LIKE '%$tag\@example.com'"),
         'queued', 'old sent mail is gone, queued mail stays');
ok t_cmp(sql1("SELECT count(*) FROM pg_indexes WHERE indexname IN"
              . " ('accounts_session_expires', 'accounts_session_last_seen',"
              . " 'accounts_throttle_last_failure', 'accounts_mail_created')"), 4,
         'each deletion has its index');
