# t/38-cachelock.t -- the session cache's lock survives the death of a
# process holding it.
#
# A process killed while it holds the lock (the OOM killer, next to an
# argon2 hash, is a plausible killer) must not leave every guarded request
# of every other process waiting on it.  A test hook (ACC_TEST_HOOKS, set
# by t/run.sh) makes one request hold the lock; its process is killed with
# SIGKILL; fresh sessions, whose first lookup needs a lock, must still
# open guarded pages, and so must the session whose lookup held it.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;
use POSIX ();
use Time::HiRes ();

plan tests => 6;

sub body { my ($res) = @_; return $res->decoded_content // '' }
my $log_start = length AccountsTest::error_log();

my $user = AccountsTest::mkuser(AccountsTest::unique_name('lk'));

# A fresh session's first guarded request looks it up in the shared cache
# under the lock; the hook holds the lock for 60 s there.
my $holder = AccountsTest::logged_in($user);
my $sid = $holder->cookie('sessionid');
my $kid = fork;
die "fork: $!" unless defined $kid;
if ($kid == 0) {
    my $b = AccountsTest->browser;
    $b->ua->timeout(90);
    $b->set_cookie(sessionid => $sid);
    $b->get('/home/', 'X-Accounts-Test-Hold-Lock' => 60);
    POSIX::_exit(0);
}
my $pid;
for (1 .. 100) {
    my $log = substr AccountsTest::error_log(), $log_start;
    if ($log =~ /ACC0199: test hook: pid (\d+) holds the session cache lock/) { $pid = $1; last }
    Time::HiRes::sleep(0.1);
}
ok t_cmp(($pid ? 'held' : 'not held'), 'held', 'a request holds the session cache lock');
ok t_cmp(($pid && kill('KILL', $pid)) ? 'killed' : 'not killed', 'killed',
         '... and its process is killed with SIGKILL');
waitpid $kid, 0;

# Fresh sessions: each first lookup takes the lock, in whichever process.
my ($ok, $codes) = (0, '');
for (1 .. 6) {
    my $b = AccountsTest::logged_in($user);
    $b->ua->timeout(10);
    my $res = $b->get('/home/');
    $codes .= $res->code . ' ';
    $ok++ if $res->code == 200 && body($res) =~ /Hello, \Q$user\E!/;
}
ok t_cmp($ok, 6, "after the kill, 6 of 6 fresh sessions open the guarded page ($codes)");
# The first session's entry lives in the part of the cache whose lock the
# dead process held (the default table has a lock for each of its
# stripes): its lookup must take that lock over.
my $res = $holder->get('/home/');
ok t_cmp($res->code, 200, 'the first session still opens the guarded page');
my $log = substr AccountsTest::error_log(), $log_start;
ok t_cmp($log, qr/ACC0119: .*died holding the session cache lock/,
         'the error log says a process died holding the lock and it was taken over');
ok t_cmp(($log =~ /exit signal/ ? 'crashed' : 'no crash'), 'no crash', 'no other child crashed');
