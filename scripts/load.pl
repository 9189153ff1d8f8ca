# scripts/load.pl -- the load generator behind scripts/load (run by it,
# not by hand): LOAD_CLIENTS browsers (forked processes, each with its own
# cookie jar and one keep-alive connection) loop through whole flows for
# LOAD_SECONDS while this process samples the httpd's memory every 0.5 s.
#
# Flows, each step checked for its exact status (and Location or page text):
#   new user:  GET register/ -> POST register/ (303) -> GET login/ ->
#              [POST login/, wrong password (200, the form's error)] ->
#              POST login/ (303 /home/) -> GET /home/ 2-4 times (200,
#              "Hello, NAME!") ->
#              GET logout/ -> POST logout/ with the CSRF token (303) ->
#              GET /home/ (302 to the login page)
#   returning: GET /home/ (302) -> GET login/?next=/home/ -> [wrong password]
#              -> POST login/ with next (303 /home/) -> the same home, logout
#              and closed-home steps; the user is one this client
#              registered earlier (the shared one made before the run for
#              a client's first wrong passwords).
# Every other flow is a returning one.  Wrong passwords are rationed
# (LOAD_FAILS in all, spread over the run; at most 2 on the shared user,
# one per new user) to stay under login throttling's limits.  Each flow
# is a new visitor (cookie jar, keep-alive connection) from its own
# loopback address, 127.(client+1).x.y, as registrations (20 an hour) and
# failed logins are throttled per address.
#
# Input (environment): LOAD_BASE, LOAD_HTTPD_PID, LOAD_CLIENTS,
# LOAD_SECONDS, LOAD_DIR (a scratch directory), LOAD_USER, LOAD_PASSWORD,
# LOAD_FAILS.  Output: the report on stdout, and LOAD_DIR/summary
# ("key value" lines) for scripts/load's database check.  Exit status 1
# when any response was not the expected one.
use strict;
use warnings;
use HTTP::Cookies ();
use HTTP::Request::Common ();
use LWP::UserAgent ();
use POSIX ();
use Time::HiRes ();

my $base     = $ENV{LOAD_BASE}      or die "LOAD_BASE?\n";
my $httpd    = $ENV{LOAD_HTTPD_PID} or die "LOAD_HTTPD_PID?\n";
my $clients  = $ENV{LOAD_CLIENTS}  || 8;
my $seconds  = $ENV{LOAD_SECONDS}  || 60;
my $dir      = $ENV{LOAD_DIR}       or die "LOAD_DIR?\n";
my $shared   = $ENV{LOAD_USER}      or die "LOAD_USER?\n";
my $password = $ENV{LOAD_PASSWORD}  or die "LOAD_PASSWORD?\n";
my $fails    = $ENV{LOAD_FAILS} // 30;    # scripts/load: min(30, seconds / 2)
my $wrong    = 'Plum-Kettle-9417-loudly';
# AccountsThrottleUsername lets 5 attempts through, and an attempt counts
# from its claim (before the hash) until it succeeds: failures on the
# shared user plus the logins of it in flight at that moment must stay
# under 5.
my $shared_fails_max = 2;
my $grace    = 30;           # seconds a client may take to finish its flow
my $max_errors = 50;         # a client with this many errors stops

my @steps = qw(register_form register login_form login_bad login home
               logout_form logout home_closed);
my %label = (
    register_form => 'GET register/',
    register      => 'POST register/ (303)',
    login_form    => 'GET login/',
    login_bad     => 'POST login/, wrong password (200)',
    login         => 'POST login/ (303)',
    home          => 'GET /home/, logged in (200)',
    logout_form   => 'GET logout/',
    logout        => 'POST logout/ (303)',
    home_closed   => 'GET /home/, anonymous (302)',
);

# ---- one client ---------------------------------------------------------

my ($ua, $cid, %n, %lat, @err, $t_start, $t_end);

# A new visitor: a fresh cookie jar and connection, from ADDRESS.
sub new_browser {
    my ($address) = @_;
    $ua = LWP::UserAgent->new(
        cookie_jar            => HTTP::Cookies->new,
        keep_alive            => 1,
        local_address         => $address,
        max_redirect          => 0,
        requests_redirectable => [],
        timeout               => 30,
        agent => 'Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0',
    );
    $ua->default_header(Accept => 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
    $ua->default_header('Accept-Language' => 'en-US,en;q=0.5');
}

sub excerpt {
    my ($res) = @_;
    my $c = $res->decoded_content // $res->content // '';
    $c = $1 if $c =~ m{<main>(.*)}s;
    $c =~ s/<[^>]*>/ /g;
    $c =~ s/\s+/ /g;
    $c =~ s/^ //;
    return substr($c, 0, 160);
}

# step(NAME, REQUEST, STATUS, CHECK) -- send, time, check; the response, or
# undef when it was not the expected one (recorded as an error).
sub step {
    my ($name, $req, $want, $check) = @_;
    my $t0 = Time::HiRes::time();
    my $res = $ua->request($req);
    # A kept-alive connection the server closed (its keep-alive timeout, a
    # child told to stop) just as the request went out: nothing came back,
    # the server never saw it, and a browser sends it again on a new
    # connection (POSTs too, in this case).  So does this client, once;
    # the report counts these.
    if (($res->header('Client-Warning') // '') eq 'Internal response'
        && $res->status_line =~ /Server closed connection without sending any data back/) {
        $n{retries}++;
        $res = $ua->request($req);
    }
    push @{ $lat{$name} }, (Time::HiRes::time() - $t0) * 1000;
    $n{$name}++;
    my $why;
    if (($res->header('Client-Warning') // '') eq 'Internal response') {
        ($why = 'client: ' . $res->status_line) =~ s/ at \S+ line \d+\.?\s*$//;
    }
    elsif ($res->code != $want) {
        $why = 'status ' . $res->code
             . (defined $res->header('Location') ? ' Location ' . $res->header('Location') : '')
             . ': ' . excerpt($res);
    }
    elsif ($check) {
        my $bad = $check->($res);
        $why = "status $want but $bad: " . excerpt($res) if $bad;
    }
    return $res unless $why;
    $n{"err_$name"}++;
    $n{errors}++;
    $n{err_5xx}++ if $res->code >= 500 && !$res->header('Client-Warning');
    push @err, sprintf('%.1fs client %d %s: %s', $t0 - $t_start, $cid, $name, $why) if @err < 5;
    return undef;
}

sub origin_headers {
    my ($path) = @_;
    return (Origin => $base, Referer => "$base$path", 'Sec-Fetch-Site' => 'same-origin',
            'Sec-Fetch-Mode' => 'navigate', 'Sec-Fetch-Dest' => 'document');
}

sub get {
    my ($path, $referer) = @_;
    return HTTP::Request::Common::GET("$base$path", 'Sec-Fetch-Mode' => 'navigate',
        'Sec-Fetch-Dest' => 'document', 'Sec-Fetch-Site' => $referer ? 'same-origin' : 'none',
        $referer ? (Referer => "$base$referer") : ());
}

sub post {
    my ($path, $fields) = @_;
    return HTTP::Request::Common::POST("$base$path", $fields, origin_headers($path));
}

sub token_in {
    my ($res) = @_;
    return $res->decoded_content =~ /name="csrfmiddlewaretoken" value="([^"]+)"/ ? $1 : undef;
}

sub with_token {
    my ($res) = @_;
    return token_in($res) ? undef : 'no csrfmiddlewaretoken in the page';
}

sub redirect_to {
    my ($where) = @_;
    return sub {
        my $loc = $_[0]->header('Location') // '(none)';
        $loc =~ s{^\Q$base\E}{};
        return $loc eq $where ? undef : "Location $loc, not $where";
    };
}

my $bad_login = 'Please enter a correct username and password.';

# The logged-in part of a flow: home pages, logout, the closed home page.
sub logged_in_part {
    my ($user) = @_;
    my $homes = 2 + int(rand(3));    # 2 to 4 page views
    for (1 .. $homes) {
        step('home', get('/home/', '/home/'), 200, sub {
            $_[0]->decoded_content =~ /Hello, \Q$user\E!/ ? undef : "no 'Hello, $user!'";
        }) or return 0;
    }
    my $res = step('logout_form', get('/accounts/logout/', '/home/'), 200, sub {
        my $c = $_[0]->decoded_content;
        # "You are logged in as NAME." (and the header's "Logged in as
        # <strong>NAME</strong>"), in whichever words the page's language
        # has: the default's, English, here.
        return "not 'logged in as $user'" unless $c =~ m{logged in as (?:<strong>)?\Q$user\E(?:</strong>|\.)}i;
        return with_token($_[0]);
    }) or return 0;
    step('logout', post('/accounts/logout/', [csrfmiddlewaretoken => token_in($res)]),
         303, redirect_to('/accounts/login/')) or return 0;
    step('home_closed', get('/home/', '/accounts/login/'), 302,
         redirect_to('/accounts/login/?next=/home/')) or return 0;
    return 1;
}

# log_in(USER, NEXT, FAIL_FIRST) -- the login form, maybe a wrong password,
# then the right one.
sub log_in {
    my ($user, $next, $fail_first) = @_;
    my $path = '/accounts/login/' . ($next ? "?next=$next" : '');
    my $res = step('login_form', get($path, $next ? '/home/' : '/accounts/register/'), 200, sub {
        return "no next field" if $next && $_[0]->decoded_content !~ /name="next" value="\Q$next\E"/;
        return with_token($_[0]);
    }) or return 0;
    my @next = $next ? (next => $next) : ();
    if ($fail_first) {
        $n{fails}++;
        $n{fails_shared}++ if $user eq $shared;
        $res = step('login_bad', post($path, [csrfmiddlewaretoken => token_in($res),
            username => $user, password => $wrong, @next]), 200, sub {
            return "no '$bad_login'" unless $_[0]->decoded_content =~ /\Q$bad_login\E/;
            return with_token($_[0]);
        }) or return 0;
    }
    step('login', post($path, [csrfmiddlewaretoken => token_in($res),
        username => $user, password => $password, @next]), 303,
        redirect_to('/home/')) or return 0;
    $n{logged_in}++;
    return 1;
}

sub client {
    srand($$ ^ int(Time::HiRes::time() * 1000));
    my $quota = int($fails / $clients) + ($cid < $fails % $clients ? 1 : 0);
    my $used = 0;
    my $shared_fail = $cid < $shared_fails_max;    # this client's first failure is on the shared user
    my @mine;
    my $iter = 0;
    while (Time::HiRes::time() < $t_end && ($n{errors} // 0) < $max_errors) {
        # The k-th wrong password of this client comes after (k + 1/2)/quota
        # of the run: not all at the start.
        my $fail = $used < $quota
            && Time::HiRes::time() - $t_start >= ($used + 0.5) * $seconds / $quota;
        my $ok;
        # Each flow is a new visitor, from its own loopback address
        # 127.(client+1).x.y: registrations and failed logins are
        # throttled per address, as for people on the internet.
        new_browser(sprintf '127.%d.%d.%d', $cid + 1, int($iter / 254) % 256, 1 + $iter % 254);
        if ($iter % 2 == 1) {
            # A returning user: one registered earlier, the shared one for
            # its rationed wrong passwords (and when there is none yet).
            # Not the shared one at random: people do not log in to one
            # account from eight browsers at once, and the throttle counts
            # an attempt from its claim to its success.
            my $user = (!@mine || ($fail && $shared_fail)) ? $shared : $mine[rand @mine];
            $fail = 0 if $user eq $shared && !$shared_fail;
            $n{flow_returning}++;
            $ok = step('home_closed', get('/home/'), 302, redirect_to('/accounts/login/?next=/home/'))
                && log_in($user, '/home/', $fail) && logged_in_part($user);
            if ($fail) { $used++; $shared_fail = 0 if $user eq $shared; }
        }
        else {
            my $user = sprintf 'load%d_%d_%d', $cid, $$, $iter;
            $fail = 0 if $shared_fail;    # kept for a returning flow
            $n{flow_new}++;
            my $res = step('register_form', get('/accounts/register/', '/accounts/login/'), 200, \&with_token);
            $ok = $res && step('register', post('/accounts/register/', [
                    csrfmiddlewaretoken => token_in($res), username => $user,
                    email => "$user\@example.com", password1 => $password,
                    password2 => $password]), 303, redirect_to('/accounts/login/'));
            if ($ok) {
                $n{registered}++;
                push @mine, $user;
            }
            $ok = $ok && log_in($user, undef, $fail) && logged_in_part($user);
            $used++ if $fail;
        }
        $iter++;
    }
    write_result();
}

# What this client did, for the parent to add up.
sub write_result {
    open my $fh, '>', "$dir/client.$cid" or die "$dir/client.$cid: $!\n";
    print $fh "N $_ $n{$_}\n" for sort keys %n;
    print $fh "L $_ @{ $lat{$_} }\n" for sort keys %lat;
    print $fh "E $_\n" for @err;
    close $fh or die "$dir/client.$cid: $!\n";
}

# ---- httpd's memory ------------------------------------------------------

# (sum of VmRSS in KiB, process count, sum of Pss in KiB) of the httpd and
# its descendants.  RSS counts a page shared by several processes (what a
# child inherited from the parent, copy-on-write) in each of them; PSS
# divides it among them.
sub httpd_rss {
    my (%kids, @todo, $kib, $count, $pss);
    opendir my $d, '/proc' or return (0, 0);
    for my $pid (grep { /^\d+$/ } readdir $d) {
        open my $fh, '<', "/proc/$pid/stat" or next;
        my $stat = <$fh> // next;
        my ($ppid) = substr($stat, rindex($stat, ')') + 2) =~ /^\S+ (\d+)/ or next;
        push @{ $kids{$ppid} }, $pid;
    }
    closedir $d;
    @todo = ($httpd);
    ($kib, $count, $pss) = (0, 0, 0);
    while (defined(my $pid = shift @todo)) {
        open my $fh, '<', "/proc/$pid/status" or next;
        while (<$fh>) {
            if (/^VmRSS:\s+(\d+)/) { $kib += $1; $count++; last; }
        }
        if (open my $sm, '<', "/proc/$pid/smaps_rollup") {
            while (<$sm>) {
                if (/^Pss:\s+(\d+)/) { $pss += $1; last; }
            }
        }
        push @todo, @{ $kids{$pid} || [] };
    }
    return ($kib, $count, $pss);
}

# ---- the run ---------------------------------------------------------------

sub pct {
    my ($p, @v) = @_;
    return 0 unless @v;
    return $v[ int($p / 100 * $#v + 0.5) ];
}

my ($idle_kib, $idle_count, $idle_pss) = httpd_rss();
die "no httpd process $httpd\n" unless $idle_count;
$t_start = Time::HiRes::time() + 0.2;
$t_end = $t_start + $seconds;
my %pids;
# Stopped (Ctrl-C, or scripts/load's trap): stop the clients too.
$SIG{$_} = sub { kill 'TERM', keys %pids; exit 130 } for qw(INT TERM);
for my $c (0 .. $clients - 1) {
    my $pid = fork // die "fork: $!\n";
    if (!$pid) {
        $SIG{INT} = 'DEFAULT';
        # Stopped by the parent: say so, and what was done until then.
        $SIG{TERM} = sub {
            $n{err_stopped}++;
            push @err, sprintf('client %d stopped by scripts/load', $cid);
            write_result();
            POSIX::_exit(1);
        };
        Time::HiRes::sleep($t_start - Time::HiRes::time()) if $t_start > Time::HiRes::time();
        $cid = $c;
        my $ok = eval { client(); 1 };
        print STDERR "load: client $c: $@" unless $ok;
        POSIX::_exit($ok ? 0 : 1);
    }
    $pids{$pid} = $c;
}

my ($peak_kib, $peak_count, $peak_at, $peak_pss, %window, $killed, $httpd_died) = (0, 0, 0, 0);
my $next_sample = Time::HiRes::time();
while (%pids) {
    while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
        print STDERR "load: client $pids{$pid} failed (status $?)\n" if $?;
        delete $pids{$pid};
    }
    my $now = Time::HiRes::time();
    if ($now >= $next_sample) {
        my ($kib, $count, $pss) = httpd_rss();
        if ($kib > $peak_kib) { ($peak_kib, $peak_at) = ($kib, $now - $t_start); }
        $peak_count = $count if $count > $peak_count;
        $peak_pss = $pss if $pss > $peak_pss;
        if ($now < $t_end) {
            my $w = $now < $t_start ? 0 : int(($now - $t_start) / 10);
            $window{$w} = $kib if $kib > ($window{$w} // 0);
        }
        $next_sample += 0.5;
    }
    if (!$killed && %pids && $now > $t_end + $grace) {
        print STDERR "load: clients still running ${grace}s after the end; stopping them\n";
        kill 'TERM', keys %pids;
        $killed = 1;
    }
    if (!$killed && %pids && !kill(0, $httpd)) {
        print STDERR "load: httpd ($httpd) exited during the run; stopping the clients\n";
        $httpd_died = 1;
        kill 'TERM', keys %pids;
        $killed = 1;
    }
    Time::HiRes::sleep(0.05);
}
my $elapsed = Time::HiRes::time() - $t_start;
my ($end_kib, $end_count, $end_pss) = httpd_rss();
($peak_kib, $peak_at) = ($end_kib, $elapsed) if $end_kib > $peak_kib;
$peak_count = $end_count if $end_count > $peak_count;
$peak_pss = $end_pss if $end_pss > $peak_pss;

# Merge what the clients wrote.
my (%N, %L, @E);
($N{err_httpd}, @E) = (1, 'httpd exited during the run') if $httpd_died;
for my $c (0 .. $clients - 1) {
    open my $fh, '<', "$dir/client.$c" or do { $N{err_client}++; push @E, "client $c wrote no result"; next };
    while (<$fh>) {
        chomp;
        if (/^N (\S+) (\d+)$/) { $N{$1} += $2 }
        elsif (/^L (\S+) ?(.*)$/) { push @{ $L{$1} }, split ' ', $2 }
        elsif (/^E (.*)$/) { push @E, $1 }
    }
}
my $total = 0;
$total += $N{$_} // 0 for @steps;
my $errs = 0;
$errs += $N{"err_$_"} // 0 for @steps, qw(client httpd stopped);
my $cpus = () = grep { /^processor\s*:/ } do { open my $f, '<', '/proc/cpuinfo'; <$f> };
my $mib = sub { sprintf '%.1f', $_[0] / 1024 };

printf "\nmod_accounts load: %d clients, %d s, %d CPUs; each flow a new visitor (cookie jar,"
     . " keep-alive connection, address 127.C.x.y)\n", $clients, $seconds, $cpus;
printf "%-36s %9s %8s %8s %8s %7s\n", 'step', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors';
my @all;
for my $s (@steps) {
    my @v = sort { $a <=> $b } @{ $L{$s} || [] };
    push @all, @v;
    printf "%-36s %9d %8.1f %8.1f %8.1f %7d\n", $label{$s}, $N{$s} // 0,
        ($N{$s} // 0) / $elapsed, pct(50, @v), pct(99, @v), $N{"err_$s"} // 0;
}
@all = sort { $a <=> $b } @all;
printf "%-36s %9d %8.1f %8.1f %8.1f %7d\n", 'all requests', $total, $total / $elapsed,
    pct(50, @all), pct(99, @all), $errs;
printf "\nrequests done: %d in %.1f s, %.1f req/s\n", $total, $elapsed, $total / $elapsed;
printf "flows: %d new user, %d returning user; users registered: %d; logins: %d;"
     . " wrong passwords: %d (%d on the shared user)\n",
    $N{flow_new} // 0, $N{flow_returning} // 0, $N{registered} // 0, $N{logged_in} // 0,
    $N{fails} // 0, $N{fails_shared} // 0;
printf "re-sent on a new connection (the server had closed the kept-alive one): %d\n",
    $N{retries} // 0;
printf "errors: %d (5xx: %d)%s\n", $errs, $N{err_5xx} // 0, $errs ? ', the first ones:' : '';
my $at = sub { $_[0] =~ /^([\d.]+)s / ? $1 : -1 };
@E = sort { $at->($a) <=> $at->($b) } @E;
print "  $_\n" for @E[0 .. ($#E < 9 ? $#E : 9)];
printf "httpd memory, VmRSS summed over the parent and its children, sampled every 0.5 s:\n"
     . "  peak %s MiB at %.0f s, peak process count %d; before the run %s MiB (%d processes),"
     . " after it %s MiB (%d)\n",
    $mib->($peak_kib), $peak_at, $peak_count, $mib->($idle_kib), $idle_count,
    $mib->($end_kib), $end_count;
print '  peak in each 10 s of the run: ',
    join(' ', map { $mib->($window{$_}) } sort { $a <=> $b } keys %window), " MiB\n";
printf "  PSS (shared pages divided among the processes): peak %s MiB; before %s MiB, after %s MiB\n",
    $mib->($peak_pss), $mib->($idle_pss), $mib->($end_pss) if $peak_pss;

open my $sum, '>', "$dir/summary" or die "$dir/summary: $!\n";
print $sum "requests $total\nerrors $errs\nregistered ", $N{registered} // 0,
    "\nlogins ", $N{logged_in} // 0, "\nlogouts ", ($N{logout} // 0) - ($N{err_logout} // 0), "\n";
close $sum;
exit($errs ? 1 : 0);
