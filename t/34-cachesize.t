# t/34-cachesize.t -- the default session cache holds what it says.
#
# shmcb files an entry in one of its subcaches by the key's first byte;
# when every key began with the same bytes, a cache was one subcache, a
# 128th of its memory: about 850 sessions, whatever
# AccountsSessionCacheSize said (and the default cache, 128 instances,
# held about 9,700).  Here 12,000 sessions (more than that, and more than
# a process's own copies, 4,096) are each looked up once, their rows are
# then deleted without a change notice (session_replication_role =
# replica: no trigger fires), and every one must still open the guarded
# page -- which only the shared cache can answer.  On the 'longttl' host
# (an hour, no notices): what the cache holds, not how long it trusts it.
# Then the same for a user in 40 groups with long names, whose entries
# (some 4 KiB) take many of the default table's 512-byte slots.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 7;

my $N = 12000;
my $user = AccountsTest::mkuser(AccountsTest::unique_name('sz'));
my $id = AccountsTest::sql1('SELECT id FROM accounts_user WHERE username = ' . AccountsTest::lit($user));
my $tag = sprintf '%06d', $$ % 1000000;
my @tokens = map { sprintf 'Z%s%036d', $tag, $_ } 1 .. $N;

AccountsTest::sql('INSERT INTO accounts_session (token_hash, user_id, expires, address, user_agent)'
    . " SELECT encode(sha256(convert_to('Z$tag' || lpad(i::text, 36, '0'), 'UTF8')), 'hex'),"
    . " $id, now() + interval '1 day', '127.0.0.1', 'cachesize' FROM generate_series(1, $N) i");
ok t_cmp(AccountsTest::sql1("SELECT count(*) FROM accounts_session WHERE user_id = $id"
                            . " AND token_hash = " . AccountsTest::lit(sha256_hex($tokens[-1]))),
         1, "$N sessions made in SQL (the tokens hash as the module's do)");

# One client, one connection: requests go to as few processes as possible,
# which is where a process's own copies would hide a shared cache that
# lost entries -- hence more sessions than those copies hold.
my $b = AccountsTest->browser(keep_alive => 1, vhost => 'longttl');
my $ua = $b->ua;
my $url = $b->url('/home/');

sub pass {
    my $ok = 0;
    for my $t (@tokens) {
        my $res = $ua->get($url, Cookie => "sessionid=$t");
        $ok++ if $res->code == 200;
    }
    return $ok;
}

ok t_cmp(pass(), $N, "each of the $N sessions opens the guarded page once (and is cached)");
AccountsTest::sql("SET session_replication_role = replica; DELETE FROM accounts_session WHERE user_id = $id");
ok t_cmp(AccountsTest::sql1("SELECT count(*) FROM accounts_session WHERE user_id = $id"), 0,
         'their rows deleted behind the server\'s back, unannounced');
ok t_cmp(pass(), $N, "all $N are still answered from the cache");

# A user in many groups: each entry spans consecutive slots of a set.
my $big = AccountsTest::mkuser(AccountsTest::unique_name('szg'));
my $bid = AccountsTest::sql1('SELECT id FROM accounts_user WHERE username = ' . AccountsTest::lit($big));
my $M = 300;
my @btokens = map { sprintf 'Y%s%036d', $tag, $_ } 1 .. $M;
AccountsTest::sql("INSERT INTO accounts_group (name) SELECT 'szg$tag-' || i || '-' || repeat('x', 90)"
    . ' FROM generate_series(1, 40) i');
AccountsTest::sql("INSERT INTO accounts_user_groups (user_id, group_id) SELECT $bid, id FROM accounts_group"
    . " WHERE name LIKE 'szg$tag-%'");
AccountsTest::sql('INSERT INTO accounts_session (token_hash, user_id, expires, address, user_agent)'
    . " SELECT encode(sha256(convert_to('Y$tag' || lpad(i::text, 36, '0'), 'UTF8')), 'hex'),"
    . " $bid, now() + interval '1 day', '127.0.0.1', 'cachesize' FROM generate_series(1, $M) i");
@tokens = @btokens;
ok t_cmp(pass(), $M, "each of $M sessions of a user in 40 groups opens the guarded page once");
AccountsTest::sql("SET session_replication_role = replica; DELETE FROM accounts_session WHERE user_id = $bid");
ok t_cmp(AccountsTest::sql1("SELECT count(*) FROM accounts_session WHERE user_id = $bid"), 0,
         'their rows deleted unannounced');
ok t_cmp(pass(), $M, "all $M are still answered from the cache, entries of many slots");
AccountsTest::sql("DELETE FROM accounts_group WHERE name LIKE 'szg$tag-%'");
