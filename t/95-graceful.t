# t/95-graceful.t -- a graceful restart of httpd (what `apachectl -k
# graceful` does: SIGUSR1 to the parent) in the middle of a login load.
#
# Six forked clients, each with its own user, loop for about six seconds
# over keep-alive connections: the login page, the login POST, the
# guarded /home/ with the new session, the logout POST.  Two graceful
# restarts land in the middle.  A request that meets a keep-alive
# connection the old generation has just closed (no byte of an answer) is
# "in flight": it is retried once on a fresh connection and counted
# apart.  Anything else -- a status other than the expected one, an
# answer cut short, a fresh connection with no answer -- is a failure.
# Sessions live in PostgreSQL, so one made before the restarts still
# opens /home/ after them, with the same cookie.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use File::Temp qw(tempdir);
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;
use IO::Select ();
use IO::Socket::INET ();
use POSIX ();
use Time::HiRes ();
use URI::Escape qw(uri_escape);

plan tests => 17;

my $CLIENTS = 6;
my $SECONDS = 6;
my @RESTART_AT = (2, 4);     # seconds into the load
my $PW = AccountsTest::good_password();
my %EXPECT = (page => 200, login => 303, home => 200, logout => 303);

my $logs = Apache::Test::vars('t_logs');
my $log_start = length AccountsTest::error_log();

sub server_pid {
    open my $fh, '<', "$logs/httpd.pid" or return 0;
    my $pid = <$fh> // '';
    return $pid =~ /(\d+)/ ? $1 : 0;
}

my $hostport = AccountsTest->browser->hostport;
my ($HOST, $PORT) = split /:/, $hostport;

# ---- a minimal keep-alive HTTP client ------------------------------------

# exchange(CONN, BYTES) -- send a request on CONN and read one response:
# (status, {lc name => [values]}, body) or (undef, error, got_any_byte).
sub exchange {
    my ($conn, $bytes) = @_;
    my $sock = $conn->{sock};
    local $SIG{PIPE} = 'IGNORE';
    my $off = 0;
    while ($off < length $bytes) {
        my $n = syswrite $sock, $bytes, length($bytes) - $off, $off;
        return (undef, "write: $!", 0) unless defined $n;
        $off += $n;
    }
    my $sel = IO::Select->new($sock);
    my $buf = '';
    my $need;               # total bytes the response needs, once known
    my ($code, %h, $hlen, $chunked);
    while (1) {
        if (defined $hlen) {
            if ($chunked) {
                my $body = decode_chunked(substr $buf, $hlen);
                return ($code, \%h, $body) if defined $body;
            }
            elsif (defined $need && length($buf) >= $need) {
                return ($code, \%h, substr($buf, $hlen, $need - $hlen));
            }
        }
        return (undef, 'no answer within 20 s', length $buf) unless $sel->can_read(20);
        my $n = sysread $sock, my $chunk, 65536;
        if (!$n) {
            my $why = defined $n ? 'closed' : "read: $!";
            # A close-delimited body ends here.
            return ($code, \%h, substr($buf, $hlen)) if defined $hlen && !$chunked && !defined $need;
            return (undef, $why, length $buf);
        }
        $buf .= $chunk;
        if (!defined $hlen && (my $end = index $buf, "\r\n\r\n") >= 0) {
            my @lines = split /\r\n/, substr($buf, 0, $end);
            my $status = shift @lines;
            return (undef, "bad status line '$status'", 1) unless $status =~ m{^HTTP/1\.[01] (\d{3}) };
            $code = $1;
            for (@lines) { push @{ $h{ lc $1 } }, $2 if /^([^:]+):\s*(.*?)\s*$/ }
            $hlen = $end + 4;
            $chunked = ($h{'transfer-encoding'}[0] // '') =~ /chunked/i;
            if ($code == 204 || $code == 304) { $need = $hlen }
            elsif (!$chunked && defined $h{'content-length'}) { $need = $hlen + $h{'content-length'}[0] }
        }
    }
}

# The body of a complete chunked encoding, or undef while it is not complete.
sub decode_chunked {
    my ($s) = @_;
    my ($p, $body) = (0, '');
    while (1) {
        my $eol = index $s, "\r\n", $p;
        return undef if $eol < 0;
        my $size = hex substr($s, $p, $eol - $p);
        $p = $eol + 2;
        if ($size == 0) {
            return index($s, "\r\n", $p) >= 0 ? $body : undef;   # (no trailers from httpd)
        }
        return undef if length($s) < $p + $size + 2;
        $body .= substr $s, $p, $size;
        $p += $size + 2;
    }
}

# A client: its cookie jar, its connection and what it saw.
sub new_client {
    return { jar => {}, conn => undef, retries => 0, log => [] };
}

sub connect_fresh {
    my $s = IO::Socket::INET->new(PeerAddr => $HOST, PeerPort => $PORT, Proto => 'tcp', Timeout => 10)
        or return undef;
    return { sock => $s, served => 0 };
}

# request(CLIENT, METHOD, PATH, BODY) -- over the client's keep-alive
# connection; a connection that had served requests and closes with no
# byte of an answer is retried once on a fresh one.  Returns (status or
# 0, headers, body, note).
sub request {
    my ($c, $method, $path, $body) = @_;
    my $cookie = join '; ', map { "$_=$c->{jar}{$_}" } sort keys %{ $c->{jar} };
    my $bytes = "$method $path HTTP/1.1\r\nHost: $hostport\r\nUser-Agent: graceful/1.0\r\n"
              . (length $cookie ? "Cookie: $cookie\r\n" : '')
              . (defined $body ? "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                                 . length($body) . "\r\n" : '')
              . "\r\n" . ($body // '');
    for my $attempt (1, 2) {
        $c->{conn} ||= connect_fresh() or return (0, {}, '', "connect: $!");
        my $conn = $c->{conn};
        my $reused = $conn->{served} > 0;
        my ($code, $h, $b) = exchange($conn, $bytes);
        if (defined $code) {
            $conn->{served}++;
            if (grep { /close/i } @{ $h->{connection} || [] }) { close $conn->{sock}; $c->{conn} = undef }
            for my $sc (@{ $h->{'set-cookie'} || [] }) {
                next unless $sc =~ /^\s*([^=;\s]+)=([^;]*)/;
                my ($n, $v) = ($1, $2);
                if ($sc =~ /;\s*Max-Age=0\b/i || $v eq '') { delete $c->{jar}{$n} } else { $c->{jar}{$n} = $v }
            }
            return ($code, $h, $b, $attempt == 2 ? 'after a retry' : '');
        }
        my ($err, $got) = ($h, $b);
        close $conn->{sock};
        $c->{conn} = undef;
        if ($attempt == 1 && $reused && !$got) {
            $c->{retries}++;
            push @{ $c->{log} }, [Time::HiRes::time(), 'retry', 0, "$method $path: $err on a keep-alive connection"];
            next;
        }
        return (0, {}, '', "$method $path: $err" . ($got ? " after $got bytes" : '') . ($reused ? '' : ' (fresh connection)'));
    }
}

# One step: record it; true when the status was the expected one.
sub step {
    my ($c, $kind, $user, $method, $path, $body) = @_;
    my $t = Time::HiRes::time();
    my ($code, $h, $b, $note) = request($c, $method, $path, $body);
    my $good = $code == $EXPECT{$kind};
    if ($good && $kind eq 'home' && $b !~ /Hello, \Q$user\E!/) {
        ($good, $note) = (0, '200 without the greeting');
    }
    push @{ $c->{log} }, [$t, $kind, $code, $note // ''];
    return $good ? ($b // '') : undef;
}

# The client loop, in a child: writes what it saw to FILE.
sub run_client {
    my ($user, $until, $file) = @_;
    my $c = new_client();
    my $iterations = 0;
    while (Time::HiRes::time() < $until) {
        my $t0 = Time::HiRes::time();
        my $page = step($c, 'page', $user, 'GET', '/accounts/login/');
        next unless defined $page;
        my $token = AccountsTest::token_in($page) // '';
        next unless defined step($c, 'login', $user, 'POST', '/accounts/login/',
                                 'csrfmiddlewaretoken=' . uri_escape($token) . '&username=' . uri_escape($user)
                                 . '&password=' . uri_escape($PW));
        next unless defined step($c, 'home', $user, 'GET', '/home/');
        next unless defined step($c, 'logout', $user, 'POST', '/accounts/logout/',
                                 'csrfmiddlewaretoken=' . uri_escape($c->{jar}{csrftoken} // ''));
        $iterations++;
        push @{ $c->{log} }, [$t0, 'iteration', 1, ''];
    }
    open my $fh, '>', $file or POSIX::_exit(2);
    for my $e (@{ $c->{log} }) {
        (my $note = $e->[3]) =~ s/[\t\n]/ /g;
        printf $fh "%.3f\t%s\t%s\t%s\n", $e->[0], $e->[1], $e->[2], $note;
    }
    printf $fh "%.3f\tdone\t%d\t%d retries\n", Time::HiRes::time(), $iterations, $c->{retries};
    close $fh;
}

# ---- fixtures ------------------------------------------------------------

my @users = map { AccountsTest::mkuser(AccountsTest::unique_name("gr$_"), $PW) } 1 .. $CLIENTS;
my $early_user = AccountsTest::mkuser(AccountsTest::unique_name('grpre'), $PW);
my $early = AccountsTest::logged_in($early_user, $PW);
my $early_sid = $early->cookie('sessionid') // '';
my $res = $early->get('/home/');
ok t_cmp($res->code . ' ' . (($res->decoded_content // '') =~ /Hello, \Q$early_user\E!/ ? 'greeted' : 'not greeted'),
         '200 greeted', "$CLIENTS users, and a session made before the restarts opens /home/");

my $pid_start = server_pid();
ok t_cmp(($pid_start && kill(0, $pid_start)) ? 'running' : 'no pid', 'running', "httpd's parent pid is known ($pid_start)");

# ---- the load, and the restarts in the middle -----------------------------

my $dir = tempdir('accounts-graceful.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $t_start = Time::HiRes::time();
my $until = $t_start + $SECONDS;
my @kids;
for my $i (0 .. $CLIENTS - 1) {
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        eval { run_client($users[$i], $until, "$dir/client$i"); 1 } or do {
            if (open my $fh, '>>', "$dir/client$i") { print $fh "0\tdied\t0\t$@\n" }
        };
        POSIX::_exit(0);
    }
    push @kids, $pid;
}

my (@signalled, @restart_times);
for my $at (@RESTART_AT) {
    my $wait = $t_start + $at - Time::HiRes::time();
    Time::HiRes::sleep($wait) if $wait > 0;
    push @restart_times, Time::HiRes::time();
    push @signalled, kill('USR1', $pid_start) ? 1 : 0;
}
waitpid $_, 0 for @kids;
my $t_end = Time::HiRes::time();

# ---- what the clients saw ------------------------------------------------

my (%count, @unexpected, @noanswer, @retries, %iters, %after_last, @died);
my $last_restart = $restart_times[-1] // $t_start;
for my $i (0 .. $CLIENTS - 1) {
    open my $fh, '<', "$dir/client$i" or do { push @died, "client $i wrote nothing"; next };
    my $done = 0;
    while (my $line = <$fh>) {
        chomp $line;
        my ($t, $kind, $code, $note) = split /\t/, $line, 4;
        $note //= '';
        if ($kind eq 'done') { $done = 1; next }
        if ($kind eq 'died') { push @died, "client $i: $note"; next }
        if ($kind eq 'retry') { push @retries, sprintf('client %d at +%.2f s: %s', $i, $t - $t_start, $note); next }
        if ($kind eq 'iteration') {
            $iters{$i}++;
            $after_last{$i}++ if $t > $last_restart + 0.5;
            next;
        }
        $count{$kind}++;
        my $what = sprintf 'client %d at +%.2f s: %s got %s%s', $i, $t - $t_start, $kind, $code, length $note ? " ($note)" : '';
        if ($code == 0) { push @noanswer, $what }
        elsif ($code != $EXPECT{$kind} || length $note && $note ne 'after a retry') { push @unexpected, $what }
    }
    push @died, "client $i did not finish" unless $done;
}
my $requests = 0;
$requests += $_ for values %count;
my $iterations = 0;
$iterations += $_ for values %iters;
t_debug(sprintf '%d requests (%s), %d full iterations, %d retries, load %.1f s, restarts at %s',
        $requests, join(', ', map { "$_ $count{$_}" } sort keys %count), $iterations, scalar @retries,
        $t_end - $t_start, join(', ', map { sprintf '+%.2f s', $_ - $t_start } @restart_times));
t_debug("retried: $_") for @retries;

sub listing { my @l = @_; return @l ? join("\n", scalar(@l) . ' of them:', @l[0 .. ($#l < 30 ? $#l : 29)]) : '' }

ok t_cmp(join(',', @signalled), join(',', (1) x @RESTART_AT),
         'a graceful restart (SIGUSR1, as apachectl -k graceful) was sent ' . scalar(@RESTART_AT) . ' times');
ok t_cmp(listing(@died), '', 'every client ran to the end');
ok t_cmp(listing(@unexpected), '', 'no unexpected status: 200 for the login page and /home/, 303 for login and logout');
ok t_cmp(listing(@noanswer), '', 'no request went unanswered beyond the in-flight ones retried');
my $bound = $CLIENTS * @RESTART_AT;
ok t_cmp(scalar(@retries) <= $bound ? 'within bound' : scalar(@retries) . ' retries',
         'within bound', 'in-flight retries (' . scalar(@retries) . ") at most one per client per restart ($bound)");
my @idle = grep { ($iters{$_} // 0) < 3 } 0 .. $CLIENTS - 1;
ok t_cmp(join(',', map { "client $_: " . ($iters{$_} // 0) } @idle), '',
         "every client completed at least 3 full login-home-logout rounds ($iterations in all)");
my @stalled = grep { !$after_last{$_} } 0 .. $CLIENTS - 1;
ok t_cmp(join(',', map { "client $_" } @stalled), '',
         'every client completed a full round that started after the last restart');

# ---- afterwards ------------------------------------------------------------

# The new generation is up (a restart takes a moment to settle).
my $ready = 0;
for (1 .. 50) {
    if (AccountsTest->browser->get('/accounts/login/')->code == 200) { $ready = 1; last }
    Time::HiRes::sleep(0.1);
}
ok t_cmp($ready ? 'answering' : 'not answering', 'answering', 'after the restarts the login page answers 200');

$res = $early->get('/home/');
ok t_cmp($res->code . ' ' . (($res->decoded_content // '') =~ /Hello, \Q$early_user\E!/ ? 'greeted' : 'not greeted'),
         '200 greeted', 'the session made before the restarts still opens /home/');
ok t_cmp($early->cookie('sessionid') // '', $early_sid, '... with the same session cookie');

my $fresh = AccountsTest->browser;
$res = $fresh->login($users[0], $PW);
ok t_cmp($res->code . ' ' . $fresh->get('/home/')->code, '303 200', 'a new login after the restarts works (303, then /home/ 200)');

my $log = substr AccountsTest::error_log(), $log_start;
my @lines = split /\n/, $log;
my $requested = grep { /AH00493|AH00171|Graceful restart requested/ } @lines;
my $resumed = grep { /AH00489|resuming normal operations/ } @lines;
ok t_cmp("$requested requested, $resumed resumed",
         scalar(@RESTART_AT) . ' requested, ' . scalar(@RESTART_AT) . ' resumed',
         'the error log shows each graceful restart requested and a new generation resuming');
# The children serving requests after the restarts are new processes.
my ($first) = grep { $lines[$_] =~ /AH00493|AH00171|Graceful restart requested/ } 0 .. $#lines;
my ($last) = reverse grep { $lines[$_] =~ /AH00489|resuming normal operations/ } 0 .. $#lines;
my (%before, %after);
if (defined $first && defined $last) {
    for my $i (0 .. $#lines) {
        next unless $lines[$i] =~ /\[pid (\d+):tid \d+\] \[client /;
        $before{$1} = 1 if $i < $first;
        $after{$1} = 1 if $i > $last;
    }
}
my @new = grep { !$before{$_} } sort keys %after;
ok t_cmp(@new ? 'new children' : 'before: ' . join(',', sort keys %before) . ' after: ' . join(',', sort keys %after),
         'new children', 'requests after the restarts were served by children that did not exist before ('
         . join(',', @new) . ')');
my $pid_end = server_pid();
ok t_cmp(($pid_end == $pid_start && kill(0, $pid_end)) ? 'same' : "was $pid_start, now $pid_end", 'same',
         'the same parent process still runs (a graceful restart, not a crash and start)');
my @crash = grep { /segfault|Segmentation fault|exit signal|AH00052|Sanitizer|runtime error:|double free|stack smashing/i }
            @lines;
ok t_cmp(listing(@crash), '', 'no crash or sanitizer line in the error log');
