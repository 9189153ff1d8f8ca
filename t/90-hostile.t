# t/90-hostile.t -- a hostile-request sweep: hundreds of malformed requests
# (bad encodings, NUL bytes, huge headers and cookies, truncated and slow
# bodies, wrong content types, oversized bodies and fields, duplicated
# fields, SQL and template injection strings, absurd methods and request
# lines, header injection and open-redirect attempts in `next`) against
# every accounts page and the guarded locations, anonymous, with a CSRF
# token and with a live session.  Whatever comes in: never a 5xx, always
# a well-formed HTTP answer (or a clean close where a close is the right
# answer), nothing injected into the response headers, no redirect off
# the site, no template code run and no markup reflected unescaped, no
# crash in the error log -- and afterwards the server works normally.
#
# Most requests go down raw sockets (IO::Socket::INET) so that every byte
# is ours; the ordinary form posts go through LWP.  Failed-login POSTs
# (past the CSRF check, wrong credentials) are kept under 60, clear of the
# per-address login throttle, and the final flow uses a fresh user.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;
use Errno ();
use HTTP::Request ();
use IO::Select ();
use IO::Socket::INET ();
use LWP::UserAgent ();
use Time::HiRes ();
use URI::Escape qw(uri_escape uri_unescape);

plan tests => 28;

my $t_start = Time::HiRes::time();
my $log_start = length AccountsTest::error_log();
my $pidfile = Apache::Test::vars('t_logs') . '/httpd.pid';

sub server_pid {
    open my $fh, '<', $pidfile or return 0;
    my $pid = <$fh> // '';
    return $pid =~ /(\d+)/ ? $1 : 0;
}
my $pid_start = server_pid();

my $PW = AccountsTest::good_password();
my $MAX = 16384;          # AccountsMaxBody (the default)
my $FIELD_LIMIT = 8190;   # httpd's LimitRequestFieldSize

my $anon = AccountsTest->browser;
my $HP = $anon->hostport;
my ($HOST, $PORT) = split /:/, $HP;

sub body_of { my ($res) = @_; return $res->decoded_content // '' }

# ---- fixtures: a CSRF token, a live session, a second one to log out ----

my $res = $anon->get('/accounts/login/');
my $ATOK = AccountsTest::token_in(body_of($res)) // '';
my $ACS = $anon->cookie('csrftoken') // '';
ok t_cmp("$ATOK $ACS", qr/^[A-Za-z0-9]{64} [A-Za-z0-9]{32}$/, 'an anonymous CSRF token and its cookie');

my $victim = AccountsTest::mkuser(AccountsTest::unique_name('hv'), $PW);
my $sb = AccountsTest::logged_in($victim, $PW);
my $SID = $sb->cookie('sessionid') // '';
my $SCS = $sb->cookie('csrftoken') // '';
my $STOK = AccountsTest::token_in(body_of($sb->get('/accounts/logout/'))) // '';
$res = $sb->get('/home/');
ok t_cmp($res->code . ' ' . ($STOK =~ /^[A-Za-z0-9]{64}$/ ? 'token' : 'no token')
         . (body_of($res) =~ /Hello, \Q$victim\E!/ ? ' greeted' : ''),
         '200 token greeted', "a live session for $victim (/home/ greets it) and its CSRF token");

my $lb = AccountsTest::logged_in($victim, $PW);
my $SID2 = $lb->cookie('sessionid') // '';
my $SCS2 = $lb->cookie('csrftoken') // '';
my $STOK2 = AccountsTest::token_in(body_of($lb->get('/accounts/logout/'))) // '';
ok t_cmp(($SID2 =~ /^[A-Za-z0-9_-]{43}$/ && $SID2 ne $SID && $STOK2 =~ /^[A-Za-z0-9]{64}$/) ? 'yes' : 'no',
         'yes', 'a second session (for the logout attacks) and its CSRF token');

my $users_before = AccountsTest::sql1('SELECT count(*) FROM accounts_user') // 0;

# Contexts: A anonymous (no cookies), C anonymous with the CSRF cookie,
# S the live session, L the session the logout attacks may end.
my %COOKIE = (A => undef, C => "csrftoken=$ACS", S => "sessionid=$SID; csrftoken=$SCS",
              L => "sessionid=$SID2; csrftoken=$SCS2");
my %TOKEN = (A => $ATOK, C => $ATOK, S => $STOK, L => $STOK2);

# ---- recording ------------------------------------------------------------

my @requests;        # one record per request sent
my $failed_logins = 0;

# A record: cat, what, status (first final response; 0 none), codes (all
# responses), resps ([{code, headers => [[name, value]...], body}]), ok
# (well-formed or a legitimate close), why (when not), dur, and flags:
# allow_close, anon_guard, expect413, slow_long, trickle, m405, csrf_ok.
sub record {
    my ($rec) = @_;
    push @requests, $rec;
    return $rec;
}

# ---- raw sockets ------------------------------------------------------------

my $HALF = ['half-close'];   # part: shutdown the write side
my $CLOSE = {close => 1};    # part: close the socket, read nothing

# run_raw(SPEC...) -- send each spec's parts (strings; \SECONDS to pause;
# $HALF; $CLOSE) down its own connection, all at once, and read what
# comes back until the server closes.  A spec: cat, what, parts, and
# optional heads (arrayref: which responses answer HEAD), http09 (an
# answer without a status line is fine), n (responses expected,
# pipelining) and the flags above.
sub run_raw {
    my @specs = @_;
    local $SIG{PIPE} = 'IGNORE';
    my @st;
    for my $spec (@specs) {
        my $s = IO::Socket::INET->new(PeerAddr => $HOST, PeerPort => $PORT, Proto => 'tcp', Timeout => 10);
        my $st = { spec => $spec, sock => $s, queue => [ @{ $spec->{parts} } ], out => '', in => '',
                   wait => 0, t0 => Time::HiRes::time(), last => Time::HiRes::time(), done => 0 };
        if (!$s) { $st->{done} = 1; $st->{err} = "connect: $!" }
        else { $s->blocking(0) }
        push @st, $st;
    }
    my $deadline = Time::HiRes::time() + 40;
    while (grep { !$_->{done} } @st) {
        my $now = Time::HiRes::time();
        last if $now > $deadline;
        my (@rd, @wr);
        for my $st (grep { !$_->{done} } @st) {
            while (!length $st->{out} && @{ $st->{queue} } && $now >= $st->{wait}) {
                my $x = shift @{ $st->{queue} };
                if (ref $x eq 'SCALAR') { $st->{wait} = $now + $$x }
                elsif (ref $x eq 'ARRAY') { shutdown($st->{sock}, 1) }
                elsif (ref $x eq 'HASH') { close $st->{sock}; $st->{done} = 1; $st->{client_closed} = 1; last }
                else { $st->{out} .= $x }
            }
            next if $st->{done};
            if (length $st->{out}) {
                my $n = syswrite($st->{sock}, $st->{out});
                if (defined $n) { substr($st->{out}, 0, $n) = ''; $st->{last} = $now }
                elsif (!$!{EAGAIN} && !$!{EWOULDBLOCK} && !$!{EINTR}) {
                    # The server stopped reading (a 413, a 400): read its answer.
                    $st->{out} = ''; $st->{queue} = []; $st->{write_err} = "$!";
                }
            }
            push @rd, $st;
            push @wr, $st if length $st->{out};
        }
        my $rsel = IO::Select->new(map { $_->{sock} } @rd);
        my $wsel = IO::Select->new(map { $_->{sock} } @wr);
        my ($r) = IO::Select->select($rsel, $wsel, undef, 0.02);
        my %readable = map { fileno($_) => 1 } @{ $r || [] };
        $now = Time::HiRes::time();
        for my $st (@rd) {
            next if $st->{done};
            if ($readable{ fileno $st->{sock} }) {
                my $n = sysread($st->{sock}, my $buf, 65536);
                if ($n) { $st->{in} .= $buf; $st->{last} = $now }
                elsif (defined $n) { $st->{done} = 1; $st->{eof} = 1 }
                elsif (!$!{EAGAIN} && !$!{EWOULDBLOCK} && !$!{EINTR}) { $st->{done} = 1; $st->{reset} = "$!" }
            }
            # Nothing more to send and nothing heard for 15 s: no answer.
            if (!$st->{done} && !@{ $st->{queue} } && !length $st->{out} && $now - $st->{last} > 15) {
                $st->{done} = 1; $st->{timed_out} = 1;
            }
        }
    }
    my @recs;
    for my $st (@st) {
        close $st->{sock} if $st->{sock} && !$st->{client_closed};
        push @recs, finish_raw($st);
    }
    return wantarray ? @recs : $recs[0];
}

# Split DATA into HTTP responses: (list of {code, headers, body}, error).
sub parse_responses {
    my ($data, $heads) = @_;
    my @out;
    my $pos = 0;
    while ($pos < length $data) {
        my $rest = substr $data, $pos;
        return (\@out, 'no status line' . (@out ? ' after response ' . scalar @out : ''))
            unless $rest =~ m{\AHTTP/1\.[01] ([1-5]\d\d) [^\r\n]*\r\n};
        my $code = $1;
        my $hend = index $rest, "\r\n\r\n";
        return (\@out, 'headers not terminated') if $hend < 0;
        my @lines = split /\r\n/, substr($rest, 0, $hend);
        shift @lines;
        my @hdrs;
        for my $l (@lines) {
            return (\@out, "bad header line '" . substr($l, 0, 60) . "'")
                unless $l =~ /\A([!#\$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*\z/;
            push @hdrs, [$1, $2];
        }
        my %h = map { lc($_->[0]) => $_->[1] } @hdrs;
        my $p = $hend + 4;
        if ($code =~ /^1/) { $pos += $p; next }
        my $body = '';
        if ($heads->[scalar @out] || $code == 204 || $code == 304) { }
        elsif (($h{'transfer-encoding'} // '') =~ /chunked/i) {
            while (1) {
                pos($rest) = $p;
                return (\@out, 'bad chunk header') unless $rest =~ /\G([0-9a-fA-F]+)[^\r\n]*\r\n/gc;
                my $size = hex $1;
                $p = pos $rest;
                if ($size == 0) {
                    my $tend = index $rest, "\r\n", $p;
                    while ($tend > $p) { $p = $tend + 2; $tend = index $rest, "\r\n", $p }  # trailers
                    return (\@out, 'chunked body not terminated') if $tend < 0;
                    $p = $tend + 2;
                    last;
                }
                return (\@out, 'chunk cut short') if length($rest) < $p + $size + 2
                    || substr($rest, $p + $size, 2) ne "\r\n";
                $body .= substr $rest, $p, $size;
                $p += $size + 2;
            }
        }
        elsif (defined $h{'content-length'}) {
            return (\@out, 'bad Content-Length') unless $h{'content-length'} =~ /^\d+$/;
            return (\@out, 'body shorter than Content-Length') if length($rest) - $p < $h{'content-length'};
            $body = substr $rest, $p, $h{'content-length'};
            $p += $h{'content-length'};
        }
        else { $body = substr $rest, $p; $p = length $rest }
        push @out, { code => $code, headers => \@hdrs, body => $body };
        $pos += $p;
    }
    return (\@out, undef);
}

sub finish_raw {
    my ($st) = @_;
    my $spec = $st->{spec};
    my $rec = { %$spec, kind => 'raw', dur => $st->{last} - $st->{t0}, resps => [], status => 0, ok => 1 };
    delete $rec->{parts};
    if ($st->{err}) { @$rec{qw(ok why)} = (0, $st->{err}) }
    elsif ($st->{client_closed}) {
        $rec->{status} = 'client-closed';
        @$rec{qw(ok why)} = (0, 'closed by the client where no close was planned') unless $spec->{allow_close};
    }
    elsif (!length $st->{in}) {
        my $how = $st->{timed_out} ? 'no answer within 15 s' : $st->{reset} ? "reset ($st->{reset})" : 'closed';
        $rec->{status} = $st->{timed_out} ? 'timeout' : 'closed';
        @$rec{qw(ok why)} = (0, "$how without an answer") unless $spec->{allow_close} && !$st->{timed_out};
    }
    elsif ($spec->{http09} && $st->{in} !~ m{\AHTTP/}) {
        $rec->{status} = 'http0.9';
        $rec->{resps} = [ { code => 0, headers => [], body => $st->{in} } ];
    }
    else {
        my ($resps, $err) = parse_responses($st->{in}, $spec->{heads} || []);
        $rec->{resps} = $resps;
        $rec->{status} = @$resps ? $resps->[0]{code} : 0;
        if ($err) { @$rec{qw(ok why)} = (0, $err) }
        elsif ($st->{timed_out}) { @$rec{qw(ok why)} = (0, 'the connection stayed open after the answer') }
        elsif (@$resps != ($spec->{n} || 1) && !($spec->{n} && @$resps >= 1)) {
            @$rec{qw(ok why)} = (0, scalar(@$resps) . ' responses');
        }
    }
    $rec->{codes} = [ map { $_->{code} } @{ $rec->{resps} } ];
    return record($rec);
}

# The head of a request.  Options: proto ('' for none), eol, nohost, host,
# cookie, ctype, cl (a Content-Length to claim), headers (lines), keepalive.
sub head {
    my ($method, $path, %o) = @_;
    my $eol = $o{eol} // "\r\n";
    my $proto = $o{proto} // 'HTTP/1.1';
    my @h;
    push @h, 'Host: ' . ($o{host} // $HP) unless $o{nohost};
    push @h, "Cookie: $o{cookie}" if defined $o{cookie};
    push @h, "Content-Type: $o{ctype}" if defined $o{ctype};
    push @h, "Content-Length: $o{cl}" if defined $o{cl};
    push @h, @{ $o{headers} || [] };
    push @h, 'Connection: close' unless $o{keepalive};
    return "$method $path" . (length $proto ? " $proto" : '') . $eol . join('', map { "$_$eol" } @h) . $eol;
}

# One ordinary request down a socket.
sub raw1 {
    my ($cat, $what, $method, $path, %o) = @_;
    my $body = delete $o{body};
    my %flags = map { $_ => delete $o{$_} } grep { exists $o{$_} }
                qw(allow_close anon_guard expect413 m405 csrf_ok http09 login_fail core501);
    $o{cl} = length $body if defined $body && !exists $o{cl};
    $failed_logins++ if $flags{login_fail};
    return run_raw({ cat => $cat, what => $what, parts => [ head($method, $path, %o) . ($body // '') ],
                     heads => [ $method eq 'HEAD' ? 1 : 0 ], %flags });
}

# A urlencoded POST of BODY in context CTX: its cookies, and its CSRF
# token first in the body.
sub form_raw {
    my ($cat, $what, $ctx, $path, $body, %o) = @_;
    my $full = "csrfmiddlewaretoken=$TOKEN{$ctx}" . (length $body ? "&$body" : '');
    $o{csrf_ok} = 1 if $ctx ne 'A' && !exists $o{csrf_ok};
    return raw1($cat, $what, 'POST', $path, cookie => $COOKIE{$ctx},
                ctype => 'application/x-www-form-urlencoded', body => $full, %o);
}

# ---- LWP, for the ordinary form posts -------------------------------------

my $ua = LWP::UserAgent->new(max_redirect => 0, requests_redirectable => [], timeout => 30,
                             keep_alive => 0, agent => 'Hostile/1.0');

sub lwp {
    my ($cat, $what, $method, $path, $ctx, $body, %flags) = @_;
    my @h;
    push @h, Cookie => $COOKIE{$ctx} if defined $COOKIE{$ctx};
    push @h, 'Content-Type' => 'application/x-www-form-urlencoded' if defined $body;
    my $req = HTTP::Request->new($method => "http://$HP$path", \@h, $body);
    $flags{csrf_ok} = 1 if defined $body && $ctx ne 'A' && !exists $flags{csrf_ok};
    $failed_logins++ if $flags{login_fail};
    my $t0 = Time::HiRes::time();
    my $r = $ua->request($req);
    my $internal = ($r->header('Client-Warning') // '') =~ /Internal response/;
    my @hdrs;
    $r->headers->scan(sub { push @hdrs, [@_] unless $_[0] =~ /^Client-/ });
    return record({ cat => $cat, what => $what, kind => 'lwp', %flags, dur => Time::HiRes::time() - $t0,
                    status => $internal ? 0 : $r->code, codes => [ $internal ? 0 : $r->code ],
                    resps => $internal ? [] : [ { code => $r->code, headers => \@hdrs, body => $r->content } ],
                    ok => $internal ? 0 : 1, why => $internal ? 'no answer: ' . $r->message : undef });
}

# A form post through LWP: the context's token first.
sub form_lwp {
    my ($cat, $what, $ctx, $path, $body, %flags) = @_;
    return lwp($cat, $what, 'POST', $path, $ctx, "csrfmiddlewaretoken=$TOKEN{$ctx}&$body", %flags);
}

sub esc { return uri_escape($_[0], '^A-Za-z0-9._~-') }

my @PAGES = ('/accounts/login/', '/accounts/register/', '/accounts/logout/');
sub uname { return AccountsTest::unique_name('hx') }

# ---- 1. bad encodings in form fields ---------------------------------------

my @BADVALS = ('%zz', 'ab%4', 'ab%4g', '%', '%%41', '%C3%28', '%ED%A0%80', '%FF', '%FE%FF', '%C0%AF',
               '%C0%80', '%E0%80%AF', '%F0%80%80%AF', '%F8%88%80%80%80', '%F4%90%80%80', '%E2%82',
               '%80', 'ab%00cd', "\xff\xfe", "\xc0\xaf", "caf\xe9", '%u0041', '%2500');
{
    # login: a dozen of them in username or password, past the CSRF check
    my $i = 0;
    for my $v (@BADVALS[0, 2, 5, 6, 9, 10, 11, 14, 15, 17, 18, 21]) {
        my $body = $i++ % 2 ? "username=nosuch_hx&password=$v" : "username=$v&password=x";
        form_raw('encoding-field', "login C $body", 'C', '/accounts/login/', $body, login_fail => 1);
    }
    # login without a CSRF cookie: 403 whatever the fields
    form_raw('encoding-field', "login A username=$_", 'A', '/accounts/login/', "username=$_&password=x")
        for @BADVALS[0, 5, 9, 17];
    # register: every value, in two different fields each
    my @rf = qw(username email password1 password2);
    $i = 0;
    for my $v (@BADVALS) {
        for my $k (0, 2) {
            my %f = (username => uname(), email => 'hx%40example.com', password1 => $PW, password2 => $PW);
            $f{ $rf[($i + $k) % 4] } = $v;
            form_raw('encoding-field', "register C $rf[($i + $k) % 4]=$v", 'C', '/accounts/register/',
                     join('&', map { "$_=$f{$_}" } @rf));
        }
        $i++;
    }
    # logout: `next` (read by logout) and a junk field, with the session
    # that may be ended
    form_raw('encoding-field', "logout L next=$_", 'L', '/accounts/logout/', "next=$_&x=$_") for @BADVALS;
    # a malformed CSRF token is a 403
    raw1('encoding-field', "login token=$_", 'POST', '/accounts/login/', cookie => $COOKIE{C},
         ctype => 'application/x-www-form-urlencoded', body => "csrfmiddlewaretoken=$_$ATOK&username=x")
        for @BADVALS[0, 5, 9, 17, 18, 22];
}

# ---- 2. bad encodings in the path and the query ----------------------------

for my $v (@BADVALS) {
    raw1('encoding-url', "GET login ?next=$v", 'GET', "/accounts/login/?next=$v", cookie => $COOKIE{C});
    raw1('encoding-url', "GET /home/?q=$v (session)", 'GET', "/home/?q=$v&next=$v", cookie => $COOKIE{S});
}
for my $v (@BADVALS[0, 3, 5, 7, 9, 11, 13, 17, 18, 20, 22]) {
    raw1('encoding-url', "GET /accounts/register/$v", 'GET', "/accounts/register/$v");
    raw1('encoding-url', "GET /accounts/login$v", 'GET', "/accounts/login$v/", cookie => $COOKIE{C});
    raw1('encoding-url', "GET /home/$v (anonymous)", 'GET', "/home/$v", anon_guard => 1);
    raw1('encoding-url', "GET /cgi/env.cgi?$v (session)", 'GET', "/cgi/env.cgi?$v", cookie => $COOKIE{S});
    raw1('encoding-url', "GET /az/valid/env.cgi?x=$v (session)", 'GET', "/az/valid/env.cgi?x=$v",
         cookie => $COOKIE{S});
    raw1('encoding-url', "GET /accounts/static/$v", 'GET', "/accounts/static/$v");
    raw1('encoding-url', "GET /az/valid/$v (anonymous)", 'GET', "/az/valid/$v", anon_guard => 1);
}

# ---- 3. NUL bytes ------------------------------------------------------------

raw1('nul', 'NUL in a header value', 'GET', '/accounts/login/', headers => ["X-Junk: a\0b"]);
raw1('nul', 'NUL in the Cookie header (session)', 'GET', '/home/', cookie => "sessionid=$SID\0; csrftoken=$SCS");
raw1('nul', 'NUL in the Cookie header before the session', 'GET', '/home/', cookie => "x=\0; sessionid=$SID");
raw1('nul', 'NUL in the path', 'GET', "/accounts/login/\0x");
raw1('nul', 'NUL in the query', 'GET', "/accounts/login/?next=/home/\0x");
raw1('nul', 'NUL in the method', "G\0T", '/accounts/login/');
raw1('nul', '%00 in the path, guarded', 'GET', '/home/%00', anon_guard => 1);
raw1('nul', '%00 in the path, session', 'GET', '/home/%00.html', cookie => $COOKIE{S});
form_raw('nul', 'raw NUL in a login field', 'C', '/accounts/login/', "username=ab\0cd&password=x", login_fail => 1);
form_raw('nul', 'raw NUL in register fields', 'C', '/accounts/register/',
         "username=\0&email=\0&password1=\0&password2=\0");
form_raw('nul', 'raw NUL in the logout body', 'L', '/accounts/logout/', "next=/home/\0x");
form_raw('nul', 'raw NUL in a field name', 'C', '/accounts/register/', "user\0name=x&\0=\0");
raw1('nul', 'NUL in the Content-Type', 'POST', '/accounts/login/', cookie => $COOKIE{C},
     ctype => "application/x-www-form-urlencoded\0junk", body => "csrfmiddlewaretoken=$ATOK&username=x");
raw1('nul', 'a body of NULs', 'POST', '/accounts/register/', cookie => $COOKIE{C},
     ctype => 'application/x-www-form-urlencoded', body => "\0" x 2000);

# ---- 4. huge and malformed headers -------------------------------------------

{
    # Header lines around LimitRequestFieldSize (the line without CRLF).
    for my $len (4000, $FIELD_LIMIT - 10, $FIELD_LIMIT, $FIELD_LIMIT + 1, $FIELD_LIMIT + 200, 20000, 100000) {
        my $line = 'X-Junk: ' . ('j' x ($len - 8));
        raw1('headers', "a $len-byte header line on login/", 'GET', '/accounts/login/', headers => [$line]);
        raw1('headers', "a $len-byte header line on /home/ (session)", 'GET', '/home/', cookie => $COOKIE{S},
             headers => [$line]);
    }
    # LimitRequestFields is 100; Host and Connection are two of them.
    for my $count (97, 98, 99, 500) {
        raw1('headers', ($count + 2) . ' header lines', 'GET', '/accounts/login/',
             headers => [ map { "X-H$_: " . ('v' x 50) } 1 .. $count ]);
    }
    my @odd = (
        ['a header line without a colon',  ['NoColonHere']],
        ['a space before the colon',       ['X-Junk : v']],
        ['an obs-fold continuation',       ['X-Junk: a', ' folded']],
        ['an empty header name',           [': v']],
        ['a 9000-byte header name',        [('N' x 9000) . ': v']],
        ['a header name with a space',     ['X Junk: v']],
        ['a header name of UTF-8',         ["X-\xc3\xa9: v"]],
        ['two Host headers',               ["Host: $HP"]],
        ['a Host with a space',            [], host => 'a b'],
        ['a Host of evil.example',         [], host => 'evil.example'],
        ['a Host of 5000 bytes',           [], host => 'h' x 5000],
        ['a Host with a path',             [], host => "$HP/../x"],
        ['Expect: bogus',                  ['Expect: bogus']],
        ['If-Modified-Since junk',         ['If-Modified-Since: yesterday{{7*7}}']],
        ['Range junk on login',            ['Range: bytes=a-b,--,5-1']],
        ['Accept: 5000 bytes',             ['Accept: ' . join(',', ('text/x;q=0.1') x 400)]],
        ['Accept-Language junk',           ['Accept-Language: ' . ('zz-ZZ;q=0.' x 300)]],
        ['X-Forwarded-For junk',           ["X-Forwarded-For: ' OR 1=1 --, {{7*7}}, \xff"]],
        ['X-Remote-User spoof',            ['X-Remote-User: hostile_admin', 'X_Remote_User: hostile_admin']],
        ['Content-Length on a GET',        ['Content-Length: 5']],
    );
    for my $o (@odd) {
        my ($what, $lines, %x) = @$o;
        raw1('headers', "$what (login/)", 'GET', '/accounts/login/', headers => $lines, %x);
        raw1('headers', "$what (/cgi/env.cgi, session)", 'GET', '/cgi/env.cgi', cookie => $COOKIE{S},
             headers => $lines, %x);
    }
    raw1('headers', 'HTTP/1.1 without Host', 'GET', '/accounts/login/', nohost => 1);
    raw1('headers', 'Range: many ranges on static', 'GET', '/accounts/static/accounts.css',
         headers => ['Range: bytes=' . join(',', map { "$_-" . ($_ + 1) } 0 .. 300)]);
    raw1('headers', 'Range: beyond the end on static', 'GET', '/accounts/static/accounts.css',
         headers => ['Range: bytes=999999-']);
    raw1('headers', 'Accept: JSON, /home/ anonymous', 'GET', '/home/', anon_guard => 1,
         headers => ['Accept: application/json', 'X-Requested-With: XMLHttpRequest', 'Sec-Fetch-Mode: cors']);
    raw1('headers', 'Sec-Fetch-Mode junk, /az/ anonymous', 'GET', '/az/valid/env.cgi', anon_guard => 1,
         headers => ['Sec-Fetch-Mode: ' . ('c' x 6000), 'Accept: application/json;q=' . ('9' x 100)]);
    raw1('headers', 'X-Remote-User spoof, /az/fwd/ session', 'GET', '/az/fwd/env.cgi', cookie => $COOKIE{S},
         headers => ['X-Remote-User: hostile_admin', 'x-remote-groups: hostile_admins',
                     'X-REMOTE-EMAIL: hostile@evil.example']);
    for my $h ('Origin: ' . ('o' x 7000), 'Origin: null', "Referer: \xff\xfe", 'Sec-Fetch-Site: ' . ('s' x 7000),
               'X-CSRFToken: ' . ('t' x 7000), "X-CSRFToken: $ATOK$ATOK", "X-CSRFToken: \0$ATOK") {
        form_raw('headers', 'login C with ' . substr($h, 0, 30), 'C', '/accounts/login/',
                 'username=&password=', headers => [$h], csrf_ok => 0);
    }
}

# ---- 5. cookies ----------------------------------------------------------------

{
    my @junk = map { chr(33 + ($_ * 7919) % 94) } 1 .. 7000;
    my $junk = join '', grep { $_ ne ';' } @junk;
    my %cookies = (
        'a hundred cookies'                 => join('; ', map { "c$_=v$_" } 1 .. 100),
        'a hundred cookies and the session' => join('; ', (map { "c$_=v$_" } 1 .. 100), "sessionid=$SID"),
        'a Cookie header just under the limit' => 'a=' . ('b' x ($FIELD_LIMIT - 20)),
        'a Cookie header just over the limit'  => 'a=' . ('b' x ($FIELD_LIMIT + 10)),
        'a 30 KB Cookie header'             => 'a=' . ('b' x 30000),
        '7 KB of junk'                      => "junk=$junk",
        'fifty sessionid cookies'           => join('; ', map { 'sessionid=' . sprintf('%043d', $_) } 1 .. 50),
        'fifty sessionids, the valid last'  => join('; ', (map { 'sessionid=' . sprintf('%043d', $_) } 1 .. 50), "sessionid=$SID"),
        'the valid sessionid, fifty after'  => join('; ', "sessionid=$SID", map { 'sessionid=' . sprintf('%043d', $_) } 1 .. 50),
        'sessionid empty'                   => 'sessionid=',
        'sessionid without ='               => 'sessionid',
        'sessionid=='                       => 'sessionid==x',
        'sessionid ""'                      => 'sessionid=""',
        'sessionid quoted'                  => qq(sessionid="$SID"),
        'sessionid of 42'                   => 'sessionid=' . substr($SID, 0, 42),
        'sessionid of 44'                   => "sessionid=${SID}A",
        'sessionid with + and /'            => 'sessionid=' . ('+/' x 21) . '+',
        'sessionid padded'                  => "sessionid=$SID=",
        'sessionid of 4000'                 => 'sessionid=' . ('A' x 4000),
        'sessionid raw bytes'               => "sessionid=\xff\xfe\xc0\xaf" . ('A' x 39),
        'sessionid %-escaped'               => 'sessionid=' . join('', map { sprintf '%%%02X', ord } split //, $SID),
        'sessionid %00'                     => "sessionid=%00$SID",
        'sessionid SQL'                     => "sessionid=' OR 1=1 --",
        'sessionid SQL drop'                => "sessionid='; DROP TABLE accounts_session; --",
        'sessionid template'                => 'sessionid={{ 7*7 }}{% csrf_token %}',
        'sessionid spaces'                  => "sessionid = $SID",
        'SessionID upper case'              => "SESSIONID=$SID",
        'sessionid, comma'                  => "sessionid=$SID, sessionid=bogus",
        'junk semicolons'                   => ';;;; ; =; ==; sessionid; ;=;',
        'csrftoken of 1000'                 => 'csrftoken=' . ('x' x 1000),
    );
    for my $what (sort keys %cookies) {
        my $c = $cookies{$what};
        # Only a cookie holding the live session's exact value may open a
        # guarded page (quoted, with spaces or a comma after it, the value
        # is still there; whether those count is the module's choice).
        my $has = index($c, $SID) >= 0 ? 1 : 0;
        for my $path ('/home/', '/az/valid/env.cgi', '/cgi/env.cgi') {
            raw1('cookies', "$what ($path)", 'GET', $path, cookie => $c, anon_guard => !$has);
        }
        raw1('cookies', "$what (login/)", 'GET', '/accounts/login/', cookie => $c);
        form_raw('cookies', "$what (register/ POST)", 'A', '/accounts/register/', 'username=x', cookie => $c);
    }
}

# ---- 6. content types on POST ---------------------------------------------------

{
    my $boundary = 'HostileBoundary4711';
    my $mp = join '', map { "--$boundary\r\nContent-Disposition: form-data; name=\"$_->[0]\"\r\n\r\n$_->[1]\r\n" }
             [csrfmiddlewaretoken => $ATOK], [username => ''], [password => ''];
    $mp .= "--$boundary--\r\n";
    my @ct = (
        ['no Content-Type',            undef,                                          undef],
        ['text/plain',                 'text/plain',                                   undef],
        ['application/json',           'application/json',                             qq({"csrfmiddlewaretoken":"$ATOK","username":"","password":""})],
        ['multipart/form-data',        "multipart/form-data; boundary=$boundary",      $mp],
        ['multipart without boundary', 'multipart/form-data',                          $mp],
        ['urlencodedx',                'application/x-www-form-urlencodedx',           undef],
        ['urlencoded; charset=latin1', 'application/x-www-form-urlencoded; charset=ISO-8859-1', undef],
        ['URLENCODED upper case',      'APPLICATION/X-WWW-FORM-URLENCODED',            undef],
        ['urlencoded, text/plain',     'application/x-www-form-urlencoded, text/plain', undef],
        ['a 5000-byte parameter',      'application/x-www-form-urlencoded; x=' . ('p' x 5000), undef],
        ['empty Content-Type',         '',                                             undef],
        ['*/*',                        '*/*',                                          undef],
        ['application/xml with XXE',   'application/xml',                              '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'],
        ['text/html',                  'text/html',                                    '<script>alert(1)</script>'],
    );
    my %ctx = ('/accounts/login/' => 'C', '/accounts/register/' => 'C', '/accounts/logout/' => 'L');
    for my $c (@ct) {
        my ($what, $type, $body) = @$c;
        for my $path (@PAGES) {
            my $cx = $ctx{$path};
            my $b = $body // "csrfmiddlewaretoken=$TOKEN{$cx}&username=&password=&next=/home/";
            $b =~ s/\Q$ATOK\E/$TOKEN{$cx}/g;
            raw1('content-type', "$what ($path)", 'POST', $path, cookie => $COOKIE{$cx},
                 (defined $type ? (ctype => $type) : ()), body => $b);
        }
    }
    raw1('content-type', 'POST /home/ (session) as JSON', 'POST', '/home/', cookie => $COOKIE{S},
         ctype => 'application/json', body => '{"a":1}');
    # (No body to the CGI: env.cgi never reads its stdin, and mod_cgid
    # cuts such a response short -- httpd's doing, not the module's.)
    raw1('content-type', 'POST /cgi/env.cgi (session) as multipart, empty', 'POST', '/cgi/env.cgi',
         cookie => $COOKIE{S}, ctype => "multipart/form-data; boundary=$boundary", body => '');
}

# ---- 7. bodies over AccountsMaxBody ------------------------------------------

{
    my $over = 'x=' . ('y' x ($MAX - 1));   # MAX + 1 bytes
    for my $path (@PAGES) {
        for my $cx ('A', 'C') {
            raw1('body-size', "$path $cx Content-Length MAX+1", 'POST', $path, cookie => $COOKIE{$cx},
                 ctype => 'application/x-www-form-urlencoded', body => $over, expect413 => 1);
        }
        raw1('body-size', "$path 1 MiB", 'POST', $path, cookie => $COOKIE{C},
             ctype => 'application/x-www-form-urlencoded', body => 'x=' . ('y' x (1 << 20)), expect413 => 1);
        my $chunk = 'z' x 4096;
        raw1('body-size', "$path chunked 20 KiB", 'POST', $path, cookie => $COOKIE{C},
             ctype => 'application/x-www-form-urlencoded', headers => ['Transfer-Encoding: chunked'],
             body => join('', map { sprintf("%x\r\n%s\r\n", length $chunk, $chunk) } 1 .. 5) . "0\r\n\r\n",
             cl => undef, expect413 => 1);
    }
    # Expect: 100-continue with a huge length: refused before any body.
    run_raw({ cat => 'body-size', what => 'Expect: 100-continue, 1 GB claimed', expect413 => 1,
              parts => [ head('POST', '/accounts/login/', cookie => $COOKIE{C}, cl => 1 << 30,
                              ctype => 'application/x-www-form-urlencoded', headers => ['Expect: 100-continue']) ] });
    raw1('body-size', 'a Content-Length of 20 digits', 'POST', '/accounts/register/', cookie => $COOKIE{C},
         ctype => 'application/x-www-form-urlencoded', body => 'x=1', cl => '99999999999999999999');
    raw1('body-size', 'a negative Content-Length', 'POST', '/accounts/register/', cookie => $COOKIE{C},
         ctype => 'application/x-www-form-urlencoded', body => 'x=1', cl => '-1');
    raw1('body-size', 'Content-Length twice, different', 'POST', '/accounts/register/', cookie => $COOKIE{C},
         ctype => 'application/x-www-form-urlencoded', body => 'x=1', headers => ['Content-Length: 2']);
    raw1('body-size', 'Content-Length and Transfer-Encoding', 'POST', '/accounts/register/', cookie => $COOKIE{C},
         ctype => 'application/x-www-form-urlencoded', body => "3\r\nx=1\r\n0\r\n\r\n",
         headers => ['Transfer-Encoding: chunked']);
    # Exactly AccountsMaxBody is still read.
    my $fixed = length("csrfmiddlewaretoken=$ATOK&") + length('pad=') + length('&username=');
    form_raw('body-size', 'register/ exactly MAX', 'C', '/accounts/register/',
             'pad=' . ('p' x ($MAX - $fixed)) . '&username=');
}

# ---- 8. truncated bodies -------------------------------------------------------

{
    my @targets = (['/accounts/login/', 'C'], ['/accounts/register/', 'C'], ['/accounts/logout/', 'L'],
                   ['/cgi/env.cgi', 'S'], ['/home/', 'S'], ['/accounts/static/accounts.css', 'A']);
    for my $t (@targets) {
        my ($path, $cx) = @$t;
        my $h = head('POST', $path, cookie => $COOKIE{$cx}, ctype => 'application/x-www-form-urlencoded', cl => 500);
        my $part = "csrfmiddlewaretoken=$TOKEN{$cx}&username=trunc";
        run_raw({ cat => 'truncated', what => "$path: 500 claimed, " . length($part) . ' sent, half-close',
                  allow_close => 1, parts => [ $h . $part, $HALF ] });
        run_raw({ cat => 'truncated', what => "$path: 500 claimed, 10 sent, close",
                  allow_close => 1, parts => [ $h . substr($part, 0, 10), \0.05, $CLOSE ] });
        my $hc = head('POST', $path, cookie => $COOKIE{$cx}, ctype => 'application/x-www-form-urlencoded',
                      headers => ['Transfer-Encoding: chunked']);
        run_raw({ cat => 'truncated', what => "$path: chunk of 100 claimed, 20 sent, half-close",
                  allow_close => 1, parts => [ $hc . "64\r\n" . substr($part, 0, 20), $HALF ] });
    }
    for my $cut ("POST /accounts/login/ HTTP/1.1\r\nHost: $HP\r\nContent-Le",
                 "GET /home/ HTTP/1.1\r\nHost: $HP\r\nCookie: sessionid=$SID",
                 "GET /accounts/regis") {
        run_raw({ cat => 'truncated', what => 'request cut off: ' . substr($cut, 0, 30), allow_close => 1,
                  parts => [ $cut, $HALF ] });
    }
}

# ---- 9. slow bodies and headers, all at once ------------------------------------

{
    my @slow;
    my $fb = sub { my ($cx) = @_; return "csrfmiddlewaretoken=$TOKEN{$cx}&username=&password=&next=/home/" };
    # A pause longer than httpd's Timeout (5 s) in the middle of the body.
    for my $t (['/accounts/login/', 'C'], ['/accounts/register/', 'C'], ['/accounts/logout/', 'L'],
               ['/cgi/env.cgi', 'S']) {
        my ($path, $cx) = @$t;
        my $b = $fb->($cx);
        push @slow, { cat => 'slow', what => "$path: 6.5 s pause mid-body", slow_long => 1, allow_close => 1,
                      parts => [ head('POST', $path, cookie => $COOKIE{$cx}, cl => length $b,
                                      ctype => 'application/x-www-form-urlencoded') . substr($b, 0, 15),
                                 \6.5, substr($b, 15) ] };
    }
    for my $path ('/accounts/login/', '/home/') {
        my $h = head('GET', $path, cookie => $COOKIE{S});
        push @slow, { cat => 'slow', what => "$path: 6.5 s pause mid-headers", slow_long => 1, allow_close => 1,
                      parts => [ substr($h, 0, 30), \6.5, substr($h, 30) ] };
    }
    # Trickled, each pause well under Timeout: a normal answer.
    for my $t (['/accounts/login/', 'C', 200], ['/accounts/register/', 'C', 200], ['/accounts/logout/', 'A', 403]) {
        my ($path, $cx, $want) = @$t;
        my $b = $fb->($cx);
        my @pieces = map { substr($b, $_ * 12, 12) } 0 .. int((length($b) - 1) / 12);
        push @slow, { cat => 'slow', what => "$path: body trickled over ~3 s", trickle => $want,
                      csrf_ok => $cx ne 'A',
                      parts => [ head('POST', $path, cookie => $COOKIE{$cx}, cl => length $b,
                                      ctype => 'application/x-www-form-urlencoded'),
                                 map { ($_, \(3 / @pieces)) } @pieces ] };
    }
    my $h = head('GET', '/home/', cookie => $COOKIE{S});
    push @slow, { cat => 'slow', what => '/home/: headers trickled over ~3 s', trickle => 200,
                  parts => [ map { (substr($h, $_ * 20, 20), \0.25) } 0 .. int((length($h) - 1) / 20) ] };
    run_raw(@slow);
}

# ---- 10. overlong fields ------------------------------------------------------------

{
    my @login = (['username of 151', 'a' x 151, 'x'], ['username of 5000', 'a' x 5000, 'x'],
                 ['password of 5000', 'nosuch_hx', 'p' x 5000], ['password of 15000', 'nosuch_hx', 'p' x 15000]);
    for my $l (@login) {
        form_lwp('overlong', "login $l->[0]", 'C', '/accounts/login/', "username=$l->[1]&password=$l->[2]",
                 login_fail => 1);
    }
    my $name = sub { uname() };
    my @reg = (['username of 151', sub { 'u' x 151 }, 'hx%40example.com', $PW],
               ['username of 1000', sub { 'u' x 1000 }, '', $PW],
               ['username of 15000', sub { 'u' x 15000 }, '', $PW],
               ['email of 255', $name, ('e' x 243) . '%40example.com', $PW],
               ['email of 5000', $name, ('e' x 4988) . '%40example.com', $PW],
               ['email local part of 65', $name, ('e' x 65) . '%40example.com', $PW],
               ['email domain label of 64', $name, 'e%40' . ('d' x 64) . '.com', $PW],
               ['password of 5000', $name, '', 'Pq9-' x 1250],
               ['password of 7800, twice', $name, '', 'Pq9-' x 1950]);
    for my $r (@reg) {
        my ($what, $u, $e, $p) = @$r;
        form_lwp('overlong', "register $what", 'C', '/accounts/register/',
                 'username=' . $u->() . "&email=$e&password1=$p&password2=$p");
    }
    form_lwp('overlong', 'register, four fields of 4000', 'C', '/accounts/register/',
             join '&', map { "$_=" . ('f' x 3990) } qw(username email password1 password2));
    lwp('overlong', 'GET login ?next= of 6000', 'GET', '/accounts/login/?next=/home/' . ('n' x 6000), 'C');
    form_raw('overlong', 'logout next of 15000', 'L', '/accounts/logout/', 'next=/home/' . ('n' x 15000));
}

# ---- 11. duplicated fields --------------------------------------------------------------

{
    form_lwp('duplicates', 'login, username twice', 'C', '/accounts/login/',
             'username=nosuch_hx&username=nosuch_hx2&password=x&password=y', login_fail => 1);
    lwp('duplicates', 'login, 100 tokens, the last valid', 'POST', '/accounts/login/', 'C',
        join('&', (map { "csrfmiddlewaretoken=$_" } 1 .. 99), "csrfmiddlewaretoken=$ATOK", 'username=', 'password='),
        csrf_ok => 1);
    form_lwp('duplicates', 'login, 3000 fields', 'C', '/accounts/login/', join('&', ('a=1') x 3000) . '&username=&password=');
    form_lwp('duplicates', 'login, 1500 distinct fields', 'C', '/accounts/login/',
             join('&', map { "f$_=$_" } 1 .. 1500) . '&username=&password=');
    my $u = uname();
    form_lwp('duplicates', 'register, every field three times', 'C', '/accounts/register/',
             join '&', map { my $f = $_; map { "$f=" . ($f eq 'username' ? "$u$_" : "v$_") } 1 .. 3 }
                           qw(username email password1 password2));
    form_lwp('duplicates', 'register, empty names', 'C', '/accounts/register/', '=&=&==&&&=x&username=&' . ('=' x 2000));
    form_lwp('duplicates', 'logout, next twice (evil last)', 'L', '/accounts/logout/',
             'next=/home/&next=%2F%2Fevil.example%2F');
    form_lwp('duplicates', 'logout, next twice (evil first)', 'L', '/accounts/logout/',
             'next=%2F%2Fevil.example%2F&next=/home/');
}

# ---- 12. SQL injection ---------------------------------------------------------------------

my @SQLI = ("' OR 1=1 --", "' OR '1'='1", "admin'--", "'; DROP TABLE accounts_user; --",
            "\"; DROP TABLE accounts_session; --", "1'; SELECT pg_sleep(9); --",
            "' UNION SELECT password, 1 FROM accounts_user --", "\\'; DELETE FROM accounts_user WHERE ''='",
            "%27%20OR%201%3D1--", "1) OR (1=1");
{
    for my $s (@SQLI) {
        my $e = esc($s);
        form_lwp('sqli', "login username $s", 'C', '/accounts/login/', "username=$e&password=$e", login_fail => 1);
        form_lwp('sqli', "register username $s", 'C', '/accounts/register/',
                 "username=$e&email=&password1=$PW&password2=$PW");
        form_lwp('sqli', "register email $s", 'C', '/accounts/register/',
                 'username=' . uname() . '&email=' . esc("x$s\@example.com") . "&password1=$PW&password2=$PW");
        form_lwp('sqli', "logout next $s", 'L', '/accounts/logout/', "next=$e");
        lwp('sqli', "GET login ?next=$s", 'GET', "/accounts/login/?next=$e", 'C');
        raw1('sqli', "GET /home/?q=$s (session)", 'GET', "/home/?q=$e", cookie => $COOKIE{S});
    }
    form_lwp('sqli', "login victim with password ' OR 1=1 --", 'C', '/accounts/login/',
             'username=nosuch_hx3&password=' . esc("' OR 1=1 --"), login_fail => 1);
}

# ---- 13. template injection -----------------------------------------------------------------

# Each is sent between the markers ~zq~...~qz~; wherever the markers come back
# the text between them must be the payload itself, escaped for HTML (or
# for a URL), never what a template engine would make of it.
my @TPL = ('{{ 7*7 }}', '{{7*7}}', '{% csrf_token %}', '{{ csrf_token }}', '{% include "base.html" %}',
           '{{ block.super }}', '{% for x in form %}{{ x }}{% endfor %}', '{{ form.password.value }}',
           '<script>alert(1)</script>', '"><svg onload=alert(1)>', '${7*7}', '<%= 7*7 %>',
           '{{ site_name|safe }}', '{# c #}x', '{% extends "base.html" %}', "'><img src=x onerror=alert(1)>");
{
    my $i = 0;
    for my $p (@TPL) {
        my $m = esc("~zq~${p}~qz~");
        form_lwp('template', "login username $p", 'C', '/accounts/login/', "username=$m&password=x", login_fail => 1)
            if $i++ % 2 == 0;
        form_lwp('template', "register username $p", 'C', '/accounts/register/',
                 "username=$m&email=&password1=$PW&password2=$PW");
        form_lwp('template', "register email $p", 'C', '/accounts/register/',
                 'username=' . uname() . "&email=$m&password1=x&password2=y");
        lwp('template', "GET login ?next=/home/$p", 'GET', '/accounts/login/?next=' . esc("/home/~zq~${p}~qz~"), 'C');
        lwp('template', "GET logout ?next=/home/$p (session)", 'GET',
            '/accounts/logout/?next=' . esc("/home/~zq~${p}~qz~"), 'S');
        raw1('template', "GET /home/$p (anonymous)", 'GET', '/home/' . esc("~zq~${p}~qz~"), anon_guard => 1);
        raw1('template', "GET /accounts/$p/", 'GET', '/accounts/' . esc("~zq~${p}~qz~") . '/');
    }
}

# ---- 14. methods -----------------------------------------------------------------------------

{
    my @m405 = qw(PROPFIND BREW PUT DELETE PATCH MKCOL LOCK);
    my @other = ('TRACE', 'OPTIONS', 'HEAD', 'get', 'CONNECT', 'M' x 1000, 'GET/POST');
    my @targets = (['/accounts/login/', 'C', 1], ['/accounts/register/', 'C', 1], ['/accounts/logout/', 'L', 1],
                   ['/accounts/static/accounts.css', 'A', 1], ['/home/', 'S', 0], ['/cgi/env.cgi', 'S', 0],
                   ['/az/valid/env.cgi', 'S', 0], ['/home/', 'A', 0]);
    for my $t (@targets) {
        my ($path, $cx, $ours) = @$t;
        for my $m (@m405, @other) {
            my $is405 = $ours && grep { $_ eq $m } @m405;
            my $cgi = $path =~ /\.cgi$/;
            raw1('methods', substr($m, 0, 12) . " $path ($cx)", $m, $path, cookie => $COOKIE{$cx},
                 ctype => 'application/x-www-form-urlencoded',
                 body => $cgi ? '' : "csrfmiddlewaretoken=$TOKEN{$cx}&x=1",
                 m405 => $is405 ? 1 : 0, anon_guard => $cx eq 'A' && $path eq '/home/' && $m ne 'TRACE',
                 # httpd's default handler answers 501 to a method it does not
                 # know (AH00135) once the guard has let the request through
                 core501 => $path eq '/home/' && $cx eq 'S' && !grep { $_ eq $m } qw(PUT DELETE PATCH
                            PROPFIND MKCOL LOCK OPTIONS HEAD TRACE CONNECT));
        }
    }
}

# ---- 15. request lines and protocol versions ----------------------------------------------

{
    for my $t (['/accounts/login/', undef], ['/accounts/register/', undef], ['/home/', undef],
               ['/home/', $COOKIE{S}], ['/accounts/static/accounts.css', undef]) {
        my ($path, $c) = @$t;
        raw1('protocol', "HTTP/1.0 GET $path" . ($c ? ' (session)' : ''), 'GET', $path, proto => 'HTTP/1.0',
             nohost => 1, cookie => $c, anon_guard => !$c && $path eq '/home/');
        next if $c;    # HTTP/0.9 has no headers, so no cookie
        run_raw({ cat => 'protocol', what => "HTTP/0.9 GET $path", http09 => 1, allow_close => 1,
                  anon_guard => $path eq '/home/', parts => [ "GET $path\r\n" ] });
    }
    form_raw('protocol', 'HTTP/1.0 POST logout', 'C', '/accounts/logout/', 'next=/home/', proto => 'HTTP/1.0',
             nohost => 1);
    my @lines = (
        ['HTTP/2.0',              "GET /accounts/login/ HTTP/2.0\r\nHost: $HP\r\n\r\n"],
        ['HTTP/1.1x',             "GET /accounts/login/ HTTP/1.1x\r\nHost: $HP\r\n\r\n"],
        ['HTTP/9.9',              "GET /accounts/login/ HTTP/9.9\r\nHost: $HP\r\n\r\n"],
        ['http/1.1 lower case',   "GET /accounts/login/ http/1.1\r\nHost: $HP\r\n\r\n"],
        ['HTTP/01.1',             "GET /accounts/login/ HTTP/01.1\r\nHost: $HP\r\n\r\n"],
        ['double spaces',         "GET  /accounts/login/  HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['tab separators',        "GET\t/accounts/login/\tHTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['LF line ends',          "GET /accounts/login/ HTTP/1.1\nHost: $HP\nConnection: close\n\n"],
        ['CR line ends',          "GET /accounts/login/ HTTP/1.1\rHost: $HP\r\r"],
        ['a 9000-byte request line', 'GET /accounts/login/?next=/home/' . ('x' x 9000) . " HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['an absolute URI, another host', "GET http://evil.example/accounts/login/ HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['an absolute URI, this host', "GET http://$HP/home/ HTTP/1.1\r\nHost: $HP\r\nCookie: sessionid=$SID\r\n\r\n"],
        ['a target of *',         "GET * HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['OPTIONS *',             "OPTIONS * HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['a relative target',     "GET accounts/login/ HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['a target of ../',       "GET /../../../etc/passwd HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['static ../ escapes',    "GET /accounts/static/..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['static ../ plain',      "GET /accounts/static/../../../../etc/passwd HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['static %2e%2e',         "GET /accounts/static/%2e%2e/%2e%2e/templates/base.html HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['static template name',  "GET /accounts/static/base.html HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['raw UTF-8 junk in the path', "GET /accounts/login/\xff\xfe\x80?next=\xc0\xaf HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['raw control bytes in the path', "GET /home/\x01\x7f HTTP/1.1\r\nHost: $HP\r\n\r\n"],
        ['a TLS ClientHello',     "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" . ("\x00" x 40) . "\r\n\r\n"],
        ['a bare CRLF CRLF',      "\r\n\r\n"],
        ['garbage',               join('', map { chr(($_ * 37) % 256) } 1 .. 300) . "\r\n\r\n"],
        ['a request line only, no version, with headers', "GET /accounts/login/\r\nHost: $HP\r\n\r\n"],
    );
    for my $l (@lines) {
        my ($what, $bytes) = @$l;
        $bytes =~ s/\r\n\r\n\z/\r\nConnection: close\r\n\r\n/ if $bytes =~ /HTTP\/1\.1\r\n/ && $bytes !~ /Connection:/;
        run_raw({ cat => 'protocol', what => $what, parts => [ $bytes, \0.3, $HALF ], allow_close => 1,
                  http09 => $what =~ /no version|CR line|garbage|TLS|bare/ ? 1 : 0,
                  anon_guard => $what eq 'raw control bytes in the path' });
    }
    # Pipelined: three requests on one connection, the second malformed.
    run_raw({ cat => 'protocol', what => 'three pipelined, the second malformed', n => 3,
              parts => [ head('GET', '/accounts/login/', keepalive => 1)
                         . "GET /home/ HTTP/1.1\r\nHost: $HP\r\nCookie: sessionid=$SID\r\nX-Bad\r\n\r\n"
                         . head('GET', '/accounts/logout/') ] });
    run_raw({ cat => 'protocol', what => 'three pipelined, all good', n => 3,
              parts => [ head('GET', '/home/', keepalive => 1, cookie => $COOKIE{S})
                         . head('HEAD', '/accounts/login/', keepalive => 1)
                         . head('GET', '/az/valid/env.cgi', cookie => $COOKIE{S}) ],
              heads => [0, 1, 0] });
}

# ---- 16. header injection through `next` -------------------------------------------------

my @CRLF = ("/home/\r\nX-Injected: 1", "/home/\nX-Injected: 1", "/home/\rX-Injected: 1",
            "/home/%0d%0aX-Injected:%201", "/home/%0D%0ASet-Cookie:%20evil=1",
            "/home/\r\n\r\n<script>alert(1)</script>", "/home/\x{2028}X-Injected: 1",
            "/home/\x{85}X-Injected: 1", "/home/\x{560a}\x{560d}X-Injected: 1",
            "\r\nLocation: http://evil.example/", "/home/%E5%98%8A%E5%98%8DX-Injected:1");
{
    for my $nx (@CRLF) {
        my $v = $nx;
        utf8::encode($v) if $v =~ /[^\x00-\xff]/ || $v =~ /\x85/;
        my $e = esc($v);
        (my $show = $nx) =~ s/([^\x21-\x7e])/sprintf('\\x{%x}', ord $1)/ge;
        # a successful login: the Location is made from next
        form_raw('crlf-next', "login (success) next=$show", 'C', '/accounts/login/',
                 'username=' . esc($victim) . '&password=' . esc($PW) . "&next=$e");
        form_raw('crlf-next', "logout next=$show", 'C', '/accounts/logout/', "next=$e");
        raw1('crlf-next', "GET login ?next=$show", 'GET', "/accounts/login/?next=$e", cookie => $COOKIE{C});
        raw1('crlf-next', "GET /home/$show (anonymous)", 'GET', '/home/' . esc(substr($v, 6)) . '?' . $e,
             anon_guard => 1);
    }
    # CR LF in the request line itself splits it: httpd's problem, never ours.
    run_raw({ cat => 'crlf-next', what => 'raw CRLF in the request line', allow_close => 1,
              parts => [ "GET /home/\r\nX-Injected: 1 HTTP/1.1\r\nHost: $HP\r\nConnection: close\r\n\r\n", \0.3, $HALF ],
              http09 => 1, anon_guard => 1 });
}

# ---- 17. open redirects through `next` ------------------------------------------------------

my @EVIL = ('//evil.example', '///evil.example', '/\\evil.example', '\\\\evil.example', '\\/evil.example',
            'https:evil.example', 'https://evil.example/', 'http:/evil.example', 'HTTPS://evil.example',
            'javascript:alert(1)', '//evil.example@home', "\t//evil.example", ' //evil.example',
            "/\t/evil.example", '%2F%2Fevil.example', '/%2F%2Fevil.example', "\x{ff0f}\x{ff0f}evil.example",
            '\\\\\\evil.example', "//evil.example\\\@$HOST", 'http://evil.example%23@' . $HP . '/',
            "http://$HP\@evil.example/", '/.//evil.example', "\x0b//evil.example", 'data:text/html,<script>x</script>');
{
    for my $nx (@EVIL) {
        my $v = $nx;
        utf8::encode($v) if $v =~ /[^\x00-\xff]/;
        my $e = esc($v);
        (my $show = $nx) =~ s/([^\x21-\x7e])/sprintf('\\x{%x}', ord $1)/ge;
        form_raw('open-redirect', "login (success) next=$show", 'C', '/accounts/login/',
                 'username=' . esc($victim) . '&password=' . esc($PW) . "&next=$e");
        form_raw('open-redirect', "logout next=$show", 'C', '/accounts/logout/', "next=$e");
        raw1('open-redirect', "GET login ?next=$show", 'GET', "/accounts/login/?next=$e", cookie => $COOKIE{C});
        raw1('open-redirect', "GET logout ?next=$show (session)", 'GET', "/accounts/logout/?next=$e",
             cookie => $COOKIE{S});
    }
    # next in the query string of the POST (the form posts to its own URL)
    for my $nx (@EVIL[0, 2, 5, 9]) {
        form_raw('open-redirect', "login (success) ?next=$nx in the URL", 'C', '/accounts/login/?next=' . esc($nx),
                 'username=' . esc($victim) . '&password=' . esc($PW));
    }
}

# ---- checks over every response ----------------------------------------------------------

sub html_unescape {
    my ($s) = @_;
    $s =~ s/&lt;/</g; $s =~ s/&gt;/>/g; $s =~ s/&quot;/"/g; $s =~ s/&#x27;/'/g; $s =~ s/&#39;/'/g;
    $s =~ s/&#x2F;/\//gi; $s =~ s/&#(\d+);/chr $1/ge; $s =~ s/&amp;/&/g;
    return $s;
}

# Would a browser at this site go elsewhere when sent to URL?
sub offsite {
    my ($url) = @_;
    return 0 unless defined $url;
    return 1 if $url =~ /[\x00-\x1f\x7f]/;
    (my $u = $url) =~ s/^\s+//;
    $u =~ tr{\\}{/};
    return 0 if $u =~ m{^https?://(?:localhost|127\.0\.0\.1):\Q$PORT\E(?:[/?#]|$)}i;
    return 1 if $u =~ m{^//};
    return 1 if $u =~ m{^[a-z][a-z0-9+.-]*:}i;
    return 0;
}

my (@core501, @fives, @malformed, @injected, @offsite, @executed, @scripts, @leaks, @opened, @csrf_blocked,
    @not413, @not405, @slow_bad, @trickle_bad, @too_long);
for my $r (@requests) {
    my $tag = "[$r->{cat}] $r->{what} => " . join(',', @{ $r->{codes} || [] }, ($r->{status} =~ /\D/ ? $r->{status} : ()));
    $tag =~ s/([^\x20-\x7e])/sprintf('\\x%02x', ord $1)/ge;
    $tag = substr($tag, 0, 300);
    push @malformed, "$tag ($r->{why})" unless $r->{ok};
    if ($r->{core501} && "@{ $r->{codes} || [] }" eq '501'
        && ($r->{resps}[0]{body} // '') =~ m{<title>501 Not Implemented</title>}) {
        push @core501, $tag;
    }
    elsif (grep { $_ >= 500 } @{ $r->{codes} || [] }) { push @fives, $tag }
    push @too_long, sprintf('%s (%.1f s)', $tag, $r->{dur}) if !$r->{slow_long} && !$r->{trickle} && $r->{dur} >= 8;
    for my $resp (@{ $r->{resps} || [] }) {
        my %hn;
        for my $h (@{ $resp->{headers} }) {
            my ($name, $value) = @$h;
            push @injected, "$tag: $name: $value" if $name =~ /^(x-injected|x-evil)$/i
                || ($name =~ /^set-cookie$/i && $value =~ /^\s*evil=/i) || $value =~ /[\r\n]/;
            push @offsite, "$tag: Location: $value" if lc $name eq 'location' && offsite($value);
            $hn{ lc $name }++;
        }
        push @injected, "$tag: two Location headers" if ($hn{location} // 0) > 1;
        my $body = $resp->{body} // '';
        my ($ctype) = map { $_->[1] } grep { lc $_->[0] eq 'content-type' } @{ $resp->{headers} };
        next if ($ctype // '') =~ m{^message/http}i;    # TRACE echoes the request, as sent
        while ($body =~ /name="next" value="([^"]*)"/g) {
            push @offsite, "$tag: hidden next '$1'" if offsite(html_unescape($1));
        }
        while ($body =~ /~zq~(.*?)~qz~/gs) {
            my $c = $1;
            my $u = html_unescape($c);
            my @forms = ($u);
            push @forms, uri_unescape($forms[-1]) for 1 .. 3;    # a path carried in a query: twice
            next if $c !~ /[<>"]/ && grep { my $f = $_; grep { $f eq $_ } @TPL } @forms;
            push @executed, "$tag: ~zq~${c}~qz~";
        }
        push @scripts, "$tag: " . substr($1, 0, 60)
            if $body =~ /(<script>alert\(1\)|<svg onload=alert|<img src=x onerror=alert)/i;
        push @leaks, "$tag: $1" if $body =~ /(\$argon2id\$v=\d+\$m=\d+|root:x:0:0:|BEGIN [A-Z ]*PRIVATE KEY)/;
        if ($r->{anon_guard}) {
            push @opened, "$tag: greeted" if $body =~ /Hello, .+!/;
            push @opened, "$tag: REMOTE_USER=$1" if $body =~ /^REMOTE_USER=(\S+)/m;
        }
        push @opened, "$tag: shows another identity" if $body =~ /^(?:REMOTE_USER|HTTP_X_REMOTE_USER|REMOTE_GROUPS|ENV:\S*)=.*hostile/m;
    }
    push @csrf_blocked, $tag if $r->{csrf_ok} && $r->{status} eq '403';
    push @not413, $tag if $r->{expect413} && $r->{status} ne '413';
    push @not405, $tag if $r->{m405} && $r->{status} ne '405';
    push @slow_bad, $tag if $r->{slow_long} && $r->{status} ne '408' && !($r->{status} =~ /^(closed|client-closed)$/);
    push @trickle_bad, $tag if $r->{trickle} && $r->{status} ne $r->{trickle};
}

# Every request and what it got, for whoever reads the logs.
if (open my $dump, '>', Apache::Test::vars('t_logs') . '/hostile-requests.txt') {
    for my $r (@requests) {
        (my $w = $r->{what}) =~ s/([^\x20-\x7e])/sprintf('\\x%02x', ord $1)/ge;
        printf $dump "%-14s %-14s %5.2fs %s%s\n", $r->{cat}, join(',', @{ $r->{codes} || [] }) || $r->{status},
               $r->{dur}, substr($w, 0, 200), $r->{ok} ? '' : "  [NOT OK: $r->{why}]";
    }
    close $dump;
}
t_debug("httpd's own 501 for an unknown method on the static /home/ (not counted as a 5xx): $_") for @core501;

sub listing { my @l = @_; return @l ? join("\n", scalar(@l) . ' of them:', @l[0 .. ($#l < 40 ? $#l : 39)]) : '' }

# Per category: how many requests, and what they got.
my %bycat;
for my $r (@requests) {
    my $c = $bycat{ $r->{cat} } //= { n => 0, st => {} };
    $c->{n}++;
    $c->{st}{ $r->{status} }++;
}
for my $cat (sort keys %bycat) {
    my $c = $bycat{$cat};
    t_debug(sprintf '%-15s %4d requests: %s', $cat, $c->{n},
            join ' ', map { "$_ x$c->{st}{$_}" } sort keys %{ $c->{st} });
}
{
    my $so_far = substr AccountsTest::error_log(), $log_start;
    my $failed = grep { /ACC0052|login failed for/ } split /\n/, $so_far;
    my $throttled = grep { $_->{status} eq '429' } @requests;
    t_debug(sprintf '%d requests in %.1f s; %d login POSTs past the CSRF check with bad credentials or fields, '
            . '%d of them failed logins by the error log; %d answered 429', scalar @requests,
            Time::HiRes::time() - $t_start, $failed_logins, $failed, $throttled);
}

ok t_cmp(scalar(@requests) >= 200 ? 'at least 200' : scalar(@requests), 'at least 200',
         'the sweep sent at least 200 hostile requests (' . scalar(@requests) . ')');
ok t_cmp(listing(@fives), '', 'no response was a 5xx (503 included: the database is up; only httpd\'s '
         . 'own 501 for an unknown method on a static file is let through)');
ok t_cmp(listing(@malformed), '', 'every request got a well-formed HTTP answer, or a clean close where one is legitimate');
ok t_cmp(listing(@injected), '', 'no header was injected into a response');
ok t_cmp(listing(@offsite), '', 'no Location and no carried next points off the site');
ok t_cmp(listing(@executed), '', 'template syntax sent in was never executed, and came back escaped');
ok t_cmp(listing(@scripts), '', 'no <script>, <svg onload> or onerror payload came back unescaped');
ok t_cmp(listing(@leaks), '', 'no response carried a password hash, a system file or a key');
ok t_cmp(listing(@opened), '', 'no guarded page opened without the live session, nor showed a spoofed identity');
ok t_cmp(listing(@csrf_blocked), '', 'the real CSRF token got the bad-input POSTs past the CSRF check');
ok t_cmp(listing(@not413), '', 'every body over AccountsMaxBody got 413');
ok t_cmp(listing(@not405), '', 'absurd methods on the accounts pages got 405');
ok t_cmp(listing(@slow_bad), '', 'a pause longer than Timeout got 408 or a closed connection');
ok t_cmp(listing(@trickle_bad), '', 'bodies and headers trickled in under Timeout got their normal answer');
ok t_cmp(listing(@too_long), '', 'no request took 8 s or more (no pg_sleep ran, nothing hung)');

# ---- afterwards --------------------------------------------------------------------------------

my $log = substr AccountsTest::error_log(), $log_start;
my @crash = grep { /segfault|Segmentation fault|exit signal|AH00052|Sanitizer|runtime error:|double free|stack smashing/i }
            split /\n/, $log;
ok t_cmp(listing(@crash), '', 'the error log gained no crash or sanitizer line');
my $pid_now = server_pid();
ok t_cmp(($pid_now && $pid_now == $pid_start && kill(0, $pid_now)) ? 'same' : "was $pid_start, now $pid_now",
         'same', 'the same httpd parent is still running');
$res = AccountsTest->browser->get('/accounts/login/');
ok t_cmp($res->code . (body_of($res) =~ /name="csrfmiddlewaretoken"/ ? ' form' : ''), '200 form',
         'GET /accounts/login/ still answers 200 with the form');
my @tables = qw(accounts_user accounts_session accounts_group accounts_user_groups accounts_permission
                accounts_group_permissions accounts_user_permissions accounts_schema_migrations);
my @missing = grep { (AccountsTest::sql1("SELECT to_regclass('public.$_') IS NOT NULL") // '') ne 't' } @tables;
ok t_cmp(join(' ', @missing), '', 'every accounts table still exists');
my $users_after = AccountsTest::sql1('SELECT count(*) FROM accounts_user') // 0;
my $victim_rows = AccountsTest::sql1('SELECT count(*) FROM accounts_user WHERE username = ' . AccountsTest::lit($victim));
ok t_cmp(($users_after >= $users_before && $victim_rows == 1) ? 'kept' : "before $users_before, after $users_after, victim $victim_rows",
         'kept', 'no user was deleted');

# A normal flow with a fresh user.
my $fresh = AccountsTest::unique_name('hfresh');
my $fb = AccountsTest->browser;
$res = $fb->register($fresh, $PW, "$fresh\@example.com");
ok t_cmp($res->code, 303, "register $fresh afterwards: 303");
$res = $fb->login($fresh, $PW);
t_debug('the final login was throttled (429): the sweep\'s failed logins from 127.0.0.1 counted against it')
    if $res->code == 429;
ok t_cmp($res->code, 303, "log in as $fresh: 303");
$res = $fb->get('/home/');
ok t_cmp($res->code . (body_of($res) =~ /Hello, \Q$fresh\E!/ ? ' greeted' : ''), '200 greeted',
         '/home/ greets the fresh user');
$res = $fb->logout;
ok t_cmp($res->code, 303, 'log out: 303');
ok t_cmp($fb->get('/home/')->code, 302, '/home/ after logout: 302 to the login page');
