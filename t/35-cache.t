# t/35-cache.t -- the session cache (AccountsSessionCache, default shmcb)
# in front of the store: a valid session is answered from the cache for
# up to AccountsSessionCacheTTL; logout and a new login on this server drop
# the old token's entry at once; changes behind the server's back (SQL,
# accountsctl) take effect when the entry's TTL ends.
#
# The default host keeps the default TTL (10 s); 'ttl2' has 2 s, to watch
# entries expire; 'nocache' has none, and shows what the database says.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 31;

my $PW = AccountsTest::good_password();
my $TTL = 2; # the ttl2 host's
*lit = \&AccountsTest::lit;
*sql1 = \&AccountsTest::sql1;

sub mkuser { return AccountsTest::mkuser($_[0], $PW) }
sub logged_in { return AccountsTest::logged_in($_[0], $PW, @_[1 .. $#_]) }

sub token { return $_[0]->cookie('sessionid') // '' }

sub drop_row {
    my ($tok) = @_;
    AccountsTest::sql('DELETE FROM accounts_session WHERE token_hash = ' . lit(sha256_hex($tok)));
}

sub with_session {
    my ($tok, %opt) = @_;
    my $b = AccountsTest->browser(%opt);
    $b->set_cookie(sessionid => $tok);
    return $b;
}

my $log_start = length AccountsTest::error_log();

# ---- a cached session needs no database round trip ---------------------

{
    my $name = mkuser(AccountsTest::unique_name('c'));
    my $b = logged_in($name);
    my $tok = token($b);
    ok t_cmp($b->get('/home/')->code, 200, 'a fresh session: /home/ 200 (and now cached)');
    drop_row($tok);
    ok t_cmp(sql1('SELECT count(*) FROM accounts_session WHERE token_hash = '
                  . lit(sha256_hex($tok))), 0, 'its row deleted behind the server\'s back');
    my $res = $b->get('/home/');
    ok t_cmp($res->code, 200, 'within the TTL the cached session is still served (no database lookup)');
    ok t_cmp($res->decoded_content, qr/Hello, \Q$name\E!/, '... as the same user');
    ok t_cmp(with_session($tok, vhost => 'nocache')->get('/home/')->code, 302,
             'the host without a cache asks the database: 302');
}

# ---- entries live for the TTL; changes behind the server's back (SQL,
# accountsctl) count once it has passed (one wait for all three) ----------

{
    my $name = mkuser(AccountsTest::unique_name('t'));
    my $b = logged_in($name, vhost => 'ttl2');
    my $tok = token($b);
    my $x = mkuser(AccountsTest::unique_name('x'));
    my $bx = logged_in($x, vhost => 'ttl2');
    my $g = mkuser(AccountsTest::unique_name('g'));
    my ($rc) = AccountsTest::ctl('group', 'add', 'editors', $g);
    ok t_cmp($rc, 0, 'accountsctl group add editors');
    my $bg = logged_in($g, vhost => 'ttl2');

    ok t_cmp($b->get('/home/')->code, 200, 'ttl2: a fresh session: 200');
    ok t_cmp($bx->get('/home/')->code, 200, 'ttl2: before deactivation: 200');
    ok t_cmp($bg->get('/az/group/env.cgi')->code, 200, 'ttl2: in editors: /az/group/ 200');

    my $t0 = Time::HiRes::time();
    drop_row($tok);
    my $code = $b->get('/home/')->code;
    # Only meaningful if the request came inside the TTL.
    ok t_cmp(Time::HiRes::time() - $t0 < $TTL ? $code : 200, 200,
             'ttl2: row gone, entry cached: still 200');
    my $err;
    ($rc, undef, $err) = AccountsTest::ctl('deactivate', $x);
    ok t_cmp($rc, 0, "accountsctl deactivate: exit 0 ($err)");
    ($rc) = AccountsTest::ctl('group', 'remove', 'editors', $g);
    ok t_cmp($rc, 0, 'accountsctl group remove editors');

    Time::HiRes::sleep($TTL + 0.5);
    ok t_cmp($b->get('/home/')->code, 302, 'ttl2: after the TTL the database is asked: 302');
    ok t_cmp($b->get('/home/')->code, 302, 'ttl2: and stays refused');
    ok t_cmp($bx->get('/home/')->code, 302, 'ttl2: deactivated: refused once the TTL has passed');
    ok t_cmp($bg->get('/az/group/env.cgi')->code, 403, 'ttl2: the group removal counts once the TTL has passed');
}

# ---- logout drops the entry at once -------------------------------------

{
    my $name = mkuser(AccountsTest::unique_name('o'));
    my $b = logged_in($name);
    my $tok = token($b);
    ok t_cmp($b->get('/home/')->code, 200, 'before logout: /home/ 200 (cached)');
    ok t_cmp($b->get('/home/')->code, 200, 'again: 200');
    my $res = $b->logout;
    ok t_cmp($res->code, 303, 'logout: 303');
    # Within the TTL, so only the removal of the entry can refuse it.
    my $old = with_session($tok);
    ok t_cmp($old->get('/home/')->code, 302, 'the logged-out token is refused at once');
    ok t_cmp($old->get('/cgi/env.cgi')->code, 302, '... on every guarded location');
    ok t_cmp($old->get('/az/valid/env.cgi')->code, 302, '... and through AuthType Accounts');
}

# ---- a new login replaces the old token, in the cache too --------------

{
    my $n1 = mkuser(AccountsTest::unique_name('r'));
    my $n2 = mkuser(AccountsTest::unique_name('r'));
    my $b = logged_in($n1);
    my $tok1 = token($b);
    ok t_cmp($b->get('/home/')->code, 200, 'first login: /home/ 200 (cached)');
    my $res = $b->login($n2, $PW);
    ok t_cmp($res->code, 303, 'a second login in the same browser: 303');
    my $tok2 = token($b);
    ok t_cmp($tok2 ne $tok1 ? 'new' : 'same', 'new', '... with a new token');
    ok t_cmp($b->get('/home/')->decoded_content, qr/Hello, \Q$n2\E!/, '... as the second user');
    ok t_cmp(with_session($tok1)->get('/home/')->code, 302, 'the first token is refused at once');
}

# ---- last_seen is written at most once a minute --------------------------

{
    my $name = mkuser(AccountsTest::unique_name('s'));
    my $b = logged_in($name);
    my $h = lit(sha256_hex(token($b)));
    AccountsTest::sql("UPDATE accounts_session SET last_seen = now() - interval '30 seconds'"
                    . " WHERE token_hash = $h");
    $b->get('/home/') for 1 .. 3;
    ok t_cmp(sql1("SELECT (now() - last_seen) > interval '25 seconds' FROM accounts_session"
                . " WHERE token_hash = $h"), 't', 'seen 30 s ago: three requests write nothing');
    AccountsTest::sql("UPDATE accounts_session SET last_seen = now() - interval '90 seconds'"
                    . " WHERE token_hash = $h");
    # The default host may hold an entry; the cache-less one asks the store.
    my $n = with_session(token($b), vhost => 'nocache');
    ok t_cmp($n->get('/home/')->code, 200, 'seen 90 s ago: 200');
    ok t_cmp(sql1("SELECT (now() - last_seen) < interval '10 seconds' FROM accounts_session"
                . " WHERE token_hash = $h"), 't', '... and last_seen is written');
}

# ---- nothing went wrong on the way ----------------------------------------

my $log = substr AccountsTest::error_log(), $log_start;
ok t_cmp(($log =~ /ACC0116|ACC011[1-5]/ ? 'cache errors' : 'clean'), 'clean',
         'no session cache errors or refused entries in the error log');
