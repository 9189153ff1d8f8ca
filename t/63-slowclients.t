# t/63-slowclients.t -- slow clients hold worker threads, never database
# connections, and a request that cannot have a connection soon gets 503.
#
# The slowdb host has two connections per process and no session cache
# (every guarded request asks the database).  More slow form bodies
# (a byte a second) and slow-reading downloads of a guarded file than
# there are connections run while a normal login and a guarded page must
# still answer.  Then the database itself is made slow (a row lock the
# login's throttle waits on): with every connection busy, a request waits
# AccountsDBWait (2 s) for one and gets 503 with Retry-After instead of
# waiting as long as the database does.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;
use IO::Socket::INET ();
use POSIX ();

plan tests => 13;

sub body { my ($res) = @_; return $res->decoded_content // '' }

my $user = AccountsTest::mkuser(AccountsTest::unique_name('slow'));
my $probe = AccountsTest->browser(vhost => 'slowdb');
my ($host, $port) = split /:/, $probe->hostport;
$probe->ua->timeout(8);

# A guarded file too big for the socket buffers.
my $dir = Apache::Test::vars('documentroot') . '/slowfiles';
mkdir $dir;
open my $fh, '>', "$dir/big.bin" or die "big.bin: $!";
print $fh 'x' x (1 << 20) for 1 .. 32;
close $fh;

my $holder = AccountsTest::logged_in($user, undef, vhost => 'slowdb');
my $sid = $holder->cookie('sessionid');

my @kids;
sub spawn {
    my ($code) = @_;
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if ($pid == 0) { $code->(); POSIX::_exit(0) }
    push @kids, $pid;
}
sub reap { kill 'KILL', @kids; waitpid $_, 0 for @kids; @kids = () }
END { reap() if @kids }

# Eight form bodies a byte a second, four downloads nobody reads.
for (1 .. 8) {
    spawn(sub {
        my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port) or return;
        print $s "POST /accounts/login/ HTTP/1.1\r\nHost: $host:$port\r\n"
            . "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\n";
        for (1 .. 60) { sleep 1; print $s 'a' or last }
    });
}
for (1 .. 4) {
    spawn(sub {
        my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port) or return;
        print $s "GET /slowfiles/big.bin HTTP/1.1\r\nHost: $host:$port\r\nCookie: sessionid=$sid\r\n\r\n";
        sleep 60;
    });
}
sleep 2;

my ($logins, $pages) = (0, 0);
for (1 .. 3) {
    my $b = AccountsTest->browser(vhost => 'slowdb');
    $b->ua->timeout(8);
    my $res = $b->login($user);
    $logins++ if $res->code == 303;
    $res = $b->get('/home/');
    $pages++ if $res->code == 200 && body($res) =~ /Hello, \Q$user\E!/;
}
ok t_cmp($logins, 3, 'with 8 slow bodies and 4 slow downloads running, 3 of 3 logins succeed');
ok t_cmp($pages, 3, '... and 3 of 3 guarded pages answer 200');
my $res = $probe->get('/slowfiles/big.bin', Cookie => "sessionid=$sid");
ok t_cmp($res->code, 200, '... and so does the big guarded file for a client that reads it');
ok t_cmp(length(body($res)), 32 << 20, '... all of it');
reap();

# ---- the database is slow: every connection waits on a row lock --------
# The throttle row of 127.0.0.1 is locked for 10 s; logins (which claim an
# attempt on that row first) block holding their connection.
AccountsTest::sql(q{INSERT INTO accounts_throttle (kind, key, failures, last_failure)
                    VALUES ('addr', '127.0.0.1', 0, now()) ON CONFLICT DO NOTHING});
spawn(sub {
    AccountsTest::run(undef, "$ENV{ACC_PGBIN}/psql", '-X', '-q', '-h', $ENV{ACC_PGSOCK},
        '-p', $ENV{ACC_PGPORT}, '-U', 'postgres', '-d', $ENV{ACC_PGDATABASE}, '-c',
        q{BEGIN; SELECT 1 FROM accounts_throttle WHERE kind = 'addr' AND key = '127.0.0.1' FOR UPDATE;
          SELECT pg_sleep(10); COMMIT;});
});
sleep 1;
my $locked = AccountsTest::sql1(q{SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                                 WHERE a.query LIKE '%pg_sleep(10)%' AND l.mode = 'RowShareLock'});
ok t_cmp(($locked ? 'locked' : 'not locked'), 'locked', 'the throttle row is locked');
# Sixteen logins, their forms loaded before, are sent at once: each claims
# its attempt on that row first, so those that get a connection wait on
# the lock holding it.  Two processes with two connections each: at most
# four can be waiting there; the others must not wait for the database
# too, but give up after AccountsDBWait with 503.
my @forms;
for (1 .. 16) {
    my $b = AccountsTest->browser(vhost => 'slowdb');
    $b->ua->timeout(30);
    my $tok = AccountsTest::token_in(body($b->get('/accounts/login/'))) // '';
    push @forms, [$b, $tok];
}
my $tmp = Apache::Test::vars('t_logs') . "/slow.$$";
mkdir $tmp;
for my $i (0 .. $#forms) {
    spawn(sub {
        my ($b, $tok) = @{$forms[$i]};
        my $r = $b->post('/accounts/login/', [csrfmiddlewaretoken => $tok, username => $user,
                                              password => AccountsTest::good_password()]);
        open my $o, '>', "$tmp/$i" or return;
        print $o $r->code, ' ', $r->header('Retry-After') // '', "\n";
        close $o;
    });
}
waitpid $_, 0 for @kids;
@kids = ();
my %codes;
my $retry_ok = 1;
for my $i (0 .. $#forms) {
    open my $in, '<', "$tmp/$i" or next;
    my ($code, $retry) = split ' ', scalar(<$in>) // '';
    $codes{$code // 'none'}++;
    $retry_ok = 0 if ($code // '') eq '503' && ($retry // '') !~ /^\d+$/;
}
my $summary = join ', ', map { "$_: $codes{$_}" } sort keys %codes;
ok t_cmp((($codes{503} // 0) >= 12 ? 'bounded' : 'waited'), 'bounded',
         "with every connection busy, the logins that found none got 503 ($summary)");
ok t_cmp((($codes{303} // 0) >= 1 ? 'some' : 'none'), 'some', '... and those holding one logged in once the lock was gone');
ok t_cmp($retry_ok, 1, '... every 503 with Retry-After');
my $log = AccountsTest::error_log();
ok t_cmp($log, qr/ACC0007: no database connection came free within 2 s \(DBDMax 2\)/,
         'the error log says why');

# When the database is fast again, so is everything.
$res = $probe->get('/accounts/login/');
ok t_cmp($res->code, 200, 'once the lock is gone, the login page answers 200');
my $after = AccountsTest->browser(vhost => 'slowdb');
ok t_cmp($after->login($user)->code, 303, '... and a login succeeds');
ok t_cmp(($log =~ /exit signal/ ? 'crashed' : 'no crash'), 'no crash', 'no httpd child crashed');
# Those logins, all of one user from one address, lock the same throttle
# rows before and after their hashes: always in the same order.
ok t_cmp(($log =~ /deadlock detected/ ? 'deadlock' : 'none'), 'none',
         'logins of one user at once never deadlock');
