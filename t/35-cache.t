# t/35-cache.t -- the session cache (AccountsSessionCache, default shmcb)
# in front of the store: a valid session is answered from the cache; a
# change anywhere (SQL, accountsctl, another server) reaches it within a
# moment through the database's change notices (schema step 7, LISTEN),
# which let an entry last up to 15 minutes; without them
# (AccountsSessionCacheNotify Off, or the listener down) an entry lasts
# AccountsSessionCacheTTL.  Logout and a new login on this server drop the
# old token's entry at once.  last_seen of a cached session is written
# behind, by the listener's connection.
#
# The default host keeps the default TTL (10 s); 'ttl2' has 2 s with
# notices, 'ttl2quiet' 2 s without; 'nocache' has no cache, and shows what
# the database says.  "Behind the server's back" without a notice is SQL
# with session_replication_role = replica (triggers do not fire).
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 50;

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

# SQL whose triggers do not fire: a change no server hears about.
sub quietly {
    AccountsTest::sql("SET session_replication_role = replica; $_[0]");
}

# The code of GET path for browser b, asked every 0.1 s until it is want
# or secs have passed; and how long that took.
sub code_within {
    my ($b, $path, $want, $secs) = @_;
    my $t0 = Time::HiRes::time();
    my $code;
    while (1) {
        $code = $b->get($path)->code;
        last if $code == $want || Time::HiRes::time() - $t0 > $secs;
        Time::HiRes::sleep(0.1);
    }
    return ($code, Time::HiRes::time() - $t0);
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
    quietly('DELETE FROM accounts_session WHERE token_hash = ' . lit(sha256_hex($tok)));
    ok t_cmp(sql1('SELECT count(*) FROM accounts_session WHERE token_hash = '
                  . lit(sha256_hex($tok))), 0, 'its row deleted behind the server\'s back, unannounced');
    my $res = $b->get('/home/');
    ok t_cmp($res->code, 200, 'the cached session is still served (no database lookup)');
    ok t_cmp($res->decoded_content, qr/Hello, \Q$name\E!/, '... as the same user');
    ok t_cmp(with_session($tok, vhost => 'nocache')->get('/home/')->code, 302,
             'the host without a cache asks the database: 302');
}

# ---- with notices an entry outlives the TTL, and a change counts at once -

{
    my $name = mkuser(AccountsTest::unique_name('n'));
    my $b = logged_in($name, vhost => 'ttl2');
    my $tok = token($b);
    my $q = mkuser(AccountsTest::unique_name('q'));
    my $bq = logged_in($q, vhost => 'ttl2quiet');
    ok t_cmp($b->get('/home/')->code, 200, 'ttl2: cached');
    ok t_cmp($bq->get('/home/')->code, 200, 'ttl2quiet: cached');
    # Unannounced: only the end of an entry's life can refuse them.
    quietly('DELETE FROM accounts_session WHERE token_hash IN ('
            . lit(sha256_hex($tok)) . ', ' . lit(sha256_hex(token($bq))) . ')');
    Time::HiRes::sleep($TTL + 0.5);
    ok t_cmp($b->get('/home/')->code, 200,
             'ttl2: past the TTL, nothing heard about the user: the entry still stands');
    ok t_cmp($bq->get('/home/')->code, 302,
             'ttl2quiet (no notices): past the TTL the database is asked: 302');

    # Announced changes, each checked well inside the default host's TTL
    # (10 s): a notice, not the TTL, refuses the entry.
    my $d = mkuser(AccountsTest::unique_name('d'));
    my $bd = logged_in($d);
    ok t_cmp($bd->get('/home/')->code, 200, 'default host: cached');
    AccountsTest::sql('DELETE FROM accounts_session WHERE token_hash = ' . lit(sha256_hex(token($bd))));
    my ($code, $took) = code_within($bd, '/home/', 302, 5);
    ok t_cmp($code, 302, 'a session deleted in SQL is refused within a moment');
    t_debug("took $took s");

    my $x = mkuser(AccountsTest::unique_name('x'));
    my $bx = logged_in($x);
    ok t_cmp($bx->get('/home/')->code, 200, 'before deactivation: 200 (cached)');
    my ($rc, undef, $err) = AccountsTest::ctl('deactivate', $x);
    ok t_cmp($rc, 0, "accountsctl deactivate: exit 0 ($err)");
    ($code) = code_within($bx, '/home/', 302, 5);
    ok t_cmp($code, 302, 'deactivated: refused within a moment');

    my $g = mkuser(AccountsTest::unique_name('g'));
    ($rc) = AccountsTest::ctl('group', 'add', 'editors', $g);
    ok t_cmp($rc, 0, 'accountsctl group add editors');
    my $bg = logged_in($g);
    ok t_cmp($bg->get('/az/group/env.cgi')->code, 200, 'in editors: /az/group/ 200 (cached)');
    ($rc) = AccountsTest::ctl('group', 'remove', 'editors', $g);
    ok t_cmp($rc, 0, 'accountsctl group remove editors');
    ($code) = code_within($bg, '/az/group/env.cgi', 403, 5);
    ok t_cmp($code, 403, 'the group removal counts within a moment');

    # A change to many users at once ('*'): a group renamed.
    my $h = mkuser(AccountsTest::unique_name('h'));
    ($rc) = AccountsTest::ctl('group', 'add', 'editors', $h);
    my $bh = logged_in($h);
    ok t_cmp($bh->get('/az/group/env.cgi')->code, 200, 'in editors again: 200 (cached)');
    AccountsTest::sql("UPDATE accounts_group SET name = 'editors_old' WHERE name = 'editors'");
    ($code) = code_within($bh, '/az/group/env.cgi', 403, 5);
    AccountsTest::sql("UPDATE accounts_group SET name = 'editors' WHERE name = 'editors_old'");
    ok t_cmp($code, 403, 'a group renamed in SQL counts within a moment');
}

# ---- without notices, changes count once the TTL has passed -------------

{
    my $name = mkuser(AccountsTest::unique_name('t'));
    my $b = logged_in($name, vhost => 'ttl2quiet');
    my $x = mkuser(AccountsTest::unique_name('x'));
    my $bx = logged_in($x, vhost => 'ttl2quiet');
    ok t_cmp($b->get('/home/')->code, 200, 'ttl2quiet: a fresh session: 200');
    ok t_cmp($bx->get('/home/')->code, 200, 'ttl2quiet: before deactivation: 200');
    my $t0 = Time::HiRes::time();
    AccountsTest::sql('DELETE FROM accounts_session WHERE token_hash = ' . lit(sha256_hex(token($b))));
    my $code = $b->get('/home/')->code;
    # Only meaningful if the request came inside the TTL.
    ok t_cmp(Time::HiRes::time() - $t0 < $TTL ? $code : 200, 200,
             'ttl2quiet: row gone, entry cached: still 200');
    my ($rc, undef, $err) = AccountsTest::ctl('deactivate', $x);
    ok t_cmp($rc, 0, "accountsctl deactivate: exit 0 ($err)");
    Time::HiRes::sleep($TTL + 0.5);
    ok t_cmp($b->get('/home/')->code, 302, 'ttl2quiet: after the TTL the database is asked: 302');
    ok t_cmp($b->get('/home/')->code, 302, 'ttl2quiet: and stays refused');
    ok t_cmp($bx->get('/home/')->code, 302, 'ttl2quiet: deactivated: refused once the TTL has passed');
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

# ---- last_seen is written at most once every five minutes (no idle
# timeout here) -------------------------------------------------------------

{
    my $name = mkuser(AccountsTest::unique_name('s'));
    my $b = logged_in($name);
    my $h = lit(sha256_hex(token($b)));
    AccountsTest::sql("UPDATE accounts_session SET last_seen = now() - interval '290 seconds'"
                    . " WHERE token_hash = $h");
    my $n0 = with_session(token($b), vhost => 'nocache');
    $n0->get('/home/') for 1 .. 3;
    ok t_cmp(sql1("SELECT (now() - last_seen) > interval '280 seconds' FROM accounts_session"
                . " WHERE token_hash = $h"), 't', 'seen 290 s ago: three requests write nothing');
    AccountsTest::sql("UPDATE accounts_session SET last_seen = now() - interval '310 seconds'"
                    . " WHERE token_hash = $h");
    # The default host may hold an entry; the cache-less one asks the store.
    my $n = with_session(token($b), vhost => 'nocache');
    ok t_cmp($n->get('/home/')->code, 200, 'seen 310 s ago: 200');
    ok t_cmp(sql1("SELECT (now() - last_seen) < interval '10 seconds' FROM accounts_session"
                . " WHERE token_hash = $h"), 't', '... and last_seen is written');
}

# ---- ... and for a cached session, written behind ---------------------

{
    my $name = mkuser(AccountsTest::unique_name('w'));
    my $b = logged_in($name);
    my $h = lit(sha256_hex(token($b)));
    # Cached as seen 299 s ago: an announced change makes the next request
    # read the row again (expires = expires fires the trigger).
    AccountsTest::sql("UPDATE accounts_session SET last_seen = now() - interval '299 seconds',"
                    . " expires = expires WHERE token_hash = $h");
    my ($code) = code_within($b, '/home/', 200, 1);
    ok t_cmp($code, 200, 'read again as seen 299 s ago: 200');
    Time::HiRes::sleep(2.2);
    # Now more than five minutes: due.  The row says expired, unannounced,
    # so a request that asked the database would be refused.
    quietly("UPDATE accounts_session SET expires = now() - interval '1 second',"
          . " last_seen = now() - interval '301 seconds' WHERE token_hash = $h");
    # 5,000 other sessions last seen long ago, and what reading
    # accounts_session has cost so far (sequential scans, and the
    # last_seen index: the write must find its rows by their key).
    my $other = mkuser(AccountsTest::unique_name('wo'));
    AccountsTest::sql("INSERT INTO accounts_session (token_hash, user_id, expires, last_seen)"
        . " SELECT md5('wb$$' || g) || md5('wc$$' || g), u.id, now() + interval '1 hour',"
        . " now() - interval '1 hour' FROM generate_series(1, 5000) g, accounts_user u"
        . " WHERE u.username = " . lit($other));
    AccountsTest::sql("ANALYZE accounts_session");
    my $reads = "SELECT t.seq_tup_read + coalesce(i.idx_tup_read, 0) || ' ' || t.n_tup_upd"
        . " FROM pg_stat_user_tables t LEFT JOIN pg_stat_user_indexes i"
        . " ON i.indexrelname = 'accounts_session_last_seen'"
        . " WHERE t.relname = 'accounts_session'";
    Time::HiRes::sleep(1.1); # this test's own reads counted by now
    my ($read0, $upd0) = split ' ', sql1($reads);
    ok t_cmp($b->get('/home/')->code, 200, 'due for last_seen: served from the cache (the row would refuse it)');
    my $fresh = 'f';
    for (1 .. 30) {
        $fresh = sql1("SELECT (now() - last_seen) < interval '10 seconds' FROM accounts_session"
                    . " WHERE token_hash = $h");
        last if $fresh eq 't';
        Time::HiRes::sleep(0.1);
    }
    ok t_cmp($fresh, 't', '... and last_seen is written behind within 3 s');
    # The writer's statistics reach the views when its backend next goes
    # idle (at most about 10 s later).
    my ($read1, $upd1) = ($read0, $upd0);
    for (1 .. 150) {
        ($read1, $upd1) = split ' ', sql1($reads);
        last if $upd1 > $upd0;
        Time::HiRes::sleep(0.1);
    }
    ok t_cmp($upd1 > $upd0 ? 'counted' : 'not counted', 'counted',
             '... the write shows in the statistics');
    ok t_cmp($read1 - $read0 < 1000 ? 'by key' : "read @{[$read1 - $read0]} rows", 'by key',
             '... and found its row by its key, not by reading the 5,000 old sessions');
    AccountsTest::sql("DELETE FROM accounts_session WHERE user_id ="
        . " (SELECT id FROM accounts_user WHERE username = " . lit($other) . ")");
}

# ---- many due at once: still found by their keys ----------------------

{
    # 300 sessions last seen six minutes ago, beside 5,000 others: the
    # first request of each reads its row and finds it due, and the
    # listener writes them behind, a few hundred keys in one statement.
    # Planned as it comes, a statement that large reads the whole table
    # (the cheaper plan for the planner on a small table, a read of every
    # session each second on a large one): it must find its rows by key.
    my $u = mkuser(AccountsTest::unique_name('wm'));
    my $uid = sql1("SELECT id FROM accounts_user WHERE username = " . lit($u));
    AccountsTest::sql("INSERT INTO accounts_session (token_hash, user_id, expires, last_seen)"
        . " SELECT md5('wm$$' || g) || md5('wn$$' || g), $uid, now() + interval '1 hour',"
        . " now() - interval '1 hour' FROM generate_series(1, 5000) g");
    my @toks = map { sprintf 'wm%041d', $$ * 1000 + $_ } 1 .. 300;
    AccountsTest::sql("INSERT INTO accounts_session (token_hash, user_id, expires, last_seen) VALUES "
        . join(',', map { '(' . lit(sha256_hex($_)) . ", $uid, now() + interval '1 hour',"
                          . " now() - interval '6 minutes')" } @toks));
    AccountsTest::sql("ANALYZE accounts_session");
    my $stats = "SELECT seq_tup_read || ' ' || n_tup_upd FROM pg_stat_user_tables"
        . " WHERE relname = 'accounts_session'";
    Time::HiRes::sleep(1.1); # this test's own reads counted by now
    my ($read0, $upd0) = split ' ', sql1($stats);
    my $served = 0;
    for my $t (@toks) {
        $served++ if with_session($t)->get('/home/')->code == 200;
    }
    ok t_cmp($served, 300, '300 sessions due for last_seen, one request each: all served');
    my $written = 0;
    for (1 .. 50) {
        $written = sql1("SELECT count(*) FROM accounts_session WHERE user_id = $uid"
                      . " AND last_seen > now() - interval '1 minute'");
        last if $written == 300;
        Time::HiRes::sleep(0.1);
    }
    ok t_cmp($written, 300, '... their last_seen written behind');
    my ($read1, $upd1) = ($read0, $upd0);
    for (1 .. 150) {
        ($read1, $upd1) = split ' ', sql1($stats);
        last if $upd1 >= $upd0 + 300;
        Time::HiRes::sleep(0.1);
    }
    ok t_cmp($read1 - $read0 < 1000 ? 'by key' : "read @{[$read1 - $read0]} rows", 'by key',
             '... found by their keys, not by reading the table');
    AccountsTest::sql("DELETE FROM accounts_session WHERE user_id = $uid");
}

# ---- nothing went wrong on the way ----------------------------------------

my $log = substr AccountsTest::error_log(), $log_start;
ok t_cmp(($log =~ /ACC0116|ACC011[1-5]/ ? 'cache errors' : 'clean'), 'clean',
         'no session cache errors or refused entries in the error log');
