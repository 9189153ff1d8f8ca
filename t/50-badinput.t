# t/50-badinput.t -- whatever a client sends gets a clear answer and
# never a 5xx: bodies over AccountsMaxBody (413), bodies that are not
# urlencoded (400), other methods (405 with Allow), malformed escapes,
# invalid UTF-8 and NUL bytes (the form with an error), repeated and
# missing fields, and huge or junk headers and cookies.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;
use HTTP::Request ();
use HTTP::Request::Common ();
use IO::Socket::INET ();
use IO::Select ();

plan tests => 183;

my @seen;    # [what, status] of every response in this file

sub body { my ($res) = @_; return $res->decoded_content // '' }

sub note_res {
    my ($what, $res) = @_;
    push @seen, [$what, ref $res ? $res->code : $res];
    return $res;
}

# A raw request through the browser (its cookies), exact body bytes.
sub raw {
    my ($b, $method, $path, $headers, $body, $what) = @_;
    my $req = HTTP::Request->new($method => $b->url($path), $headers || [], $body);
    return note_res($what || "$method $path", $b->request($req));
}

# A urlencoded POST of exactly these bytes.
sub form_post {
    my ($b, $path, $body, $what, @headers) = @_;
    return raw($b, 'POST', $path,
               ['Content-Type' => 'application/x-www-form-urlencoded', @headers], $body, $what);
}

# Bytes straight down a socket; the status code of the answer (0 if none).
sub socket_request {
    my ($hostport, $bytes) = @_;
    my ($host, $port) = split /:/, $hostport;
    my $sock = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp',
                                     Timeout => 10) or return 0;
    local $SIG{PIPE} = 'IGNORE';
    $sock->autoflush(1);
    print $sock $bytes;
    my $sel = IO::Select->new($sock);
    my $got = '';
    my $deadline = time + 20;
    while (time < $deadline && $sel->can_read(5)) {
        my $n = sysread($sock, my $buf, 65536);
        last unless $n;
        $got .= $buf;
    }
    close $sock;
    return $got =~ m{^HTTP/1\.[01] (\d{3})} ? $1 : 0;
}

my $pw = AccountsTest::good_password();
my $user = AccountsTest::unique_name('bad');
my ($rc, undef, $err) = AccountsTest::createuser($user, $pw);
ok t_cmp($rc, 0, "accountsctl createuser $user (stderr: $err)");

sub user_count {
    my ($name) = @_;
    return AccountsTest::sql("SELECT count(*) FROM accounts_user WHERE username = '$name'")->[0][0];
}

my $b = AccountsTest->browser;
my $res = note_res('login page', $b->get('/accounts/login/'));
ok t_cmp($res->code, 200, 'login page');
my $tok = AccountsTest::token_in(body($res)) // '';
ok t_cmp($tok, qr/^[A-Za-z0-9]{64}$/, 'a CSRF token to send with the forms');

# ---- bodies over AccountsMaxBody (16 KiB) → 413 -------------------------

my $max = 16 * 1024;
for my $path ('/accounts/login/', '/accounts/register/', '/accounts/logout/') {
    my $body = "csrfmiddlewaretoken=$tok&username=" . ('a' x ($max + 1024)) . "&password=x";
    $res = form_post($b, $path, $body, "POST $path 17 KiB");
    ok t_cmp($res->code, 413, "POST $path with a 17 KiB body: 413");
}
$res = form_post($b, '/accounts/login/', 'x=' . ('y' x (1024 * 1024)), 'POST login/ 1 MiB');
ok t_cmp($res->code, 413, 'POST login/ with a 1 MiB body: 413');
ok t_cmp(body($res), qr/too large/i, '... the page says the form was too large');

# Exactly at the limit is still read: the form comes back with an error.
{
    my $head = "csrfmiddlewaretoken=$tok&password=x&username=";
    my $body = $head . ('a' x ($max - length $head));
    $res = form_post($b, '/accounts/login/', $body, 'POST login/ exactly 16 KiB');
    ok t_cmp(length $body, $max, 'a body of exactly AccountsMaxBody bytes');
    ok t_cmp($res->code, 200, '... is read: the form again, not 413');
}

# The same, chunked with no Content-Length: the limit still holds.
{
    my $chunk = 'a' x 4096;
    my $bytes = "POST /accounts/login/ HTTP/1.1\r\nHost: " . $b->hostport . "\r\n"
              . "Content-Type: application/x-www-form-urlencoded\r\n"
              . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
              . join('', map { sprintf("%x\r\n%s\r\n", length $chunk, $chunk) } 1 .. 5)
              . "0\r\n\r\n";
    my $code = socket_request($b->hostport, $bytes);
    note_res('chunked 20 KiB', $code);
    ok t_cmp($code, 413, 'chunked body of 20 KiB without Content-Length: 413');
}

# ---- not urlencoded → 400 ---------------------------------------------

$res = note_res('multipart', $b->request(HTTP::Request::Common::POST($b->url('/accounts/login/'),
    Content_Type => 'form-data',
    Content => [csrfmiddlewaretoken => $tok, username => $user, password => $pw])));
ok t_cmp($res->request->header('Content-Type'), qr{^multipart/form-data}, 'sent as multipart/form-data');
ok t_cmp($res->code, 400, 'login as multipart/form-data: 400');
ok t_cmp(body($res), qr/application\/x-www-form-urlencoded/, '... the page says what is expected');
ok t_cmp(($b->cookie('sessionid') ? 'logged in' : 'not logged in'), 'not logged in', '... not logged in');

for my $ct ('application/json', 'text/plain', 'application/x-www-form-urlencodedx',
            'application/xml', 'multipart/form-data; boundary=xyz') {
    $res = raw($b, 'POST', '/accounts/login/', ['Content-Type' => $ct],
               $ct eq 'application/json' ? qq({"csrfmiddlewaretoken":"$tok","username":"$user","password":"$pw"})
                                         : "csrfmiddlewaretoken=$tok&username=$user&password=$pw",
               "POST $ct");
    ok t_cmp($res->code, 400, "login as $ct: 400");
}
$res = raw($b, 'POST', '/accounts/register/', [], "csrfmiddlewaretoken=$tok&username=x", 'POST no Content-Type');
ok t_cmp($res->code, 400, 'register with no Content-Type: 400');
$res = raw($b, 'POST', '/accounts/login/', [], "csrfmiddlewaretoken=$tok&username=$user&password=$pw",
           'POST login no Content-Type');
ok t_cmp($res->code, 400, 'login with no Content-Type: 400');
ok t_cmp(($b->cookie('sessionid') ? 'logged in' : 'not logged in'), 'not logged in', '... not logged in');

# A charset parameter is still urlencoded.
{
    my $b2 = AccountsTest->browser;
    my $t2 = AccountsTest::token_in(body($b2->get('/accounts/login/'))) // '';
    $res = raw($b2, 'POST', '/accounts/login/',
               ['Content-Type' => 'application/x-www-form-urlencoded; charset=UTF-8'],
               "csrfmiddlewaretoken=$t2&username=$user&password=$pw", 'POST urlencoded; charset');
    ok t_cmp($res->code, 303, 'application/x-www-form-urlencoded; charset=UTF-8 is accepted');
}

# ---- other methods → 405 with Allow -----------------------------------

for my $path ('/accounts/login/', '/accounts/register/', '/accounts/logout/') {
    for my $method ('PUT', 'DELETE', 'PATCH') {
        $res = raw($b, $method, $path, ['Content-Type' => 'application/x-www-form-urlencoded'],
                   "csrfmiddlewaretoken=$tok&username=$user&password=$pw");
        ok t_cmp($res->code, 405, "$method $path: 405");
        ok t_cmp($res->header('Allow') // '', qr/\bGET\b.*\bPOST\b|\bPOST\b.*\bGET\b/, "... Allow names GET and POST");
    }
}
ok t_cmp(($b->cookie('sessionid') ? 'logged in' : 'not logged in'), 'not logged in', 'none of those logged in');

# ---- malformed fields → the form with an error -------------------------

my $NUL = 'Null characters are not allowed.';
my $BAD = qr/^Enter a valid value/;
my @bad = (
    ['%zz',         $BAD, 'a malformed escape (%zz)'],
    ['ab%4',        $BAD, 'a truncated escape (%4)'],
    ['ab%4g',       $BAD, 'a non-hex escape (%4g)'],
    ['%C3%28',      $BAD, 'invalid UTF-8 (%C3%28)'],
    ['%ED%A0%80',   $BAD, 'a UTF-8 surrogate (%ED%A0%80)'],
    ['%FF',         $BAD, 'a 0xFF byte'],
    ['%C0%AF',      $BAD, 'overlong UTF-8 (%C0%AF)'],
    ['%F4%90%80%80', $BAD, 'UTF-8 above U+10FFFF'],
    ['%E2%82',      $BAD, 'truncated UTF-8 (%E2%82)'],
    ['ab%00cd',     $NUL, 'a NUL byte (%00)'],
    ['%00',         $NUL, 'only a NUL byte'],
);

for my $case (@bad) {
    my ($val, $msg, $what) = @$case;
    # login: username, then password
    for my $field ('username', 'password') {
        my %f = (username => $user, password => $pw, $field => $val);
        my $body = "csrfmiddlewaretoken=$tok&username=$f{username}&password=$f{password}";
        $res = form_post($b, '/accounts/login/', $body, "login $field $what");
        ok t_cmp($res->code, 200, "login, $field with $what: 200");
        my @errs = AccountsTest::errors_in(body($res));
        ok t_cmp((grep { ref $msg ? $_ =~ $msg : $_ eq $msg } @errs) ? 'error shown' : "errors: @errs",
                 'error shown', "... with the error next to the field");
    }
}
ok t_cmp(($b->cookie('sessionid') ? 'logged in' : 'not logged in'), 'not logged in',
         'no malformed login logged in (not even with a good password in the other field)');

# register: each field in turn, the others good; nothing is created.
for my $case (@bad[0, 3, 4, 5, 9]) {
    my ($val, $msg, $what) = @$case;
    for my $field ('username', 'email', 'password1', 'password2') {
        my $name = AccountsTest::unique_name('badreg');
        my %f = (username => $name, email => 'x%40example.com', password1 => $pw, password2 => $pw,
                 $field => $val);
        my $body = join '&', "csrfmiddlewaretoken=$tok",
                   map { "$_=$f{$_}" } qw(username email password1 password2);
        $res = form_post($b, '/accounts/register/', $body, "register $field $what");
        my @errs = AccountsTest::errors_in(body($res));
        my $shown = (grep { ref $msg ? $_ =~ $msg : $_ eq $msg } @errs) ? 1 : 0;
        ok t_cmp($res->code . ($shown ? ' with error' : " errors: @errs") . (user_count($name) ? ' created' : ''),
                 '200 with error', "register, $field with $what: the form with the error, no user");
    }
}

# A malformed name of a field is harmless too.
$res = form_post($b, '/accounts/login/', "csrfmiddlewaretoken=$tok&user%00name=$user&pass%zzword=x&%FF=1",
                 'login malformed names');
ok t_cmp($res->code, 200, 'malformed field names: the form again');

# A malformed token is a CSRF failure, not a crash.
$res = form_post($b, '/accounts/login/', "csrfmiddlewaretoken=%FF%00$tok&username=$user&password=$pw",
                 'login malformed token');
ok t_cmp($res->code, 403, 'a malformed CSRF token: 403');

# ---- repeated and missing fields ---------------------------------------

{
    my $b2 = AccountsTest->browser;
    my $t2 = AccountsTest::token_in(body($b2->get('/accounts/login/'))) // '';
    $res = form_post($b2, '/accounts/login/',
                     "csrfmiddlewaretoken=$t2&username=$user&username=nobody_here&password=$pw",
                     'login repeated username, last wrong');
    ok t_cmp($res->code, 200, 'repeated username, the last one wrong: the last wins, not logged in');
    ok t_cmp(body($res), qr/Please enter a correct username and password/, '... with the login error');
    $res = form_post($b2, '/accounts/login/',
                     "csrfmiddlewaretoken=$t2&username=nobody_here&username=$user&password=wrong&password=$pw",
                     'login repeated, last right');
    ok t_cmp($res->code, 303, 'repeated username and password, the last ones right: logged in');

    my $b3 = AccountsTest->browser;
    my $t3 = AccountsTest::token_in(body($b3->get('/accounts/login/'))) // '';
    $res = form_post($b3, '/accounts/login/',
                     "csrfmiddlewaretoken=wrongwrong&csrfmiddlewaretoken=$t3&username=$user&password=$pw",
                     'login repeated token, last right');
    ok t_cmp($res->code, 303, 'repeated CSRF token, the last one right: accepted (as Django)');
    my $b4 = AccountsTest->browser;
    my $t4 = AccountsTest::token_in(body($b4->get('/accounts/login/'))) // '';
    $res = form_post($b4, '/accounts/login/',
                     "csrfmiddlewaretoken=$t4&csrfmiddlewaretoken=wrongwrong&username=$user&password=$pw",
                     'login repeated token, last wrong');
    ok t_cmp($res->code, 403, 'repeated CSRF token, the last one wrong: 403');

    my $name = AccountsTest::unique_name('rep');
    $res = form_post($b, '/accounts/register/',
                     "csrfmiddlewaretoken=$tok&username=$name&email=&password1=$pw&password2=other-$pw&password2=$pw",
                     'register repeated password2');
    ok t_cmp($res->code, 303, 'register with password2 repeated, the last matching: 303');
    ok t_cmp(user_count($name), 1, "... user $name created");
}

$res = form_post($b, '/accounts/login/', "csrfmiddlewaretoken=$tok", 'login no fields');
ok t_cmp($res->code, 200, 'login with no fields: the form');
ok t_cmp(scalar(grep { $_ eq 'This field is required.' } AccountsTest::errors_in(body($res))), 2,
         '... both fields required');
$res = form_post($b, '/accounts/login/', "csrfmiddlewaretoken=$tok&username&password", 'login names only');
ok t_cmp($res->code, 200, 'login with names but no "=": the form');
ok t_cmp(scalar(grep { $_ eq 'This field is required.' } AccountsTest::errors_in(body($res))), 2,
         '... both fields required');
$res = form_post($b, '/accounts/login/', "csrfmiddlewaretoken=$tok&password=$pw", 'login no username');
ok t_cmp($res->code, 200, 'login without username: the form');
ok t_cmp([AccountsTest::errors_in(body($res))], ['This field is required.'], '... username required');
$res = form_post($b, '/accounts/register/', "csrfmiddlewaretoken=$tok", 'register no fields');
ok t_cmp($res->code, 200, 'register with no fields: the form');
ok t_cmp(scalar(grep { $_ eq 'This field is required.' } AccountsTest::errors_in(body($res))), 3,
         '... username, password1 and password2 required');
$res = form_post($b, '/accounts/register/', "csrfmiddlewaretoken=$tok&&&&=&=x&&", 'register empty pieces');
ok t_cmp($res->code, 200, 'register with empty pieces and names: the form');
$res = form_post($b, '/accounts/login/', '', 'login empty body');
ok t_cmp($res->code, 403, 'login with an empty body: 403 (no token)');
$res = form_post($b, '/accounts/login/', '&&&===%%%+++', 'login junk body');
ok t_cmp($res->code, 403, 'login with a junk body: 403 (no token)');
$res = form_post($b, '/accounts/login/', "csrfmiddlewaretoken=$tok&username=" . ('%' x 5000) . '&password=x',
                 'login 5000 percent signs');
ok t_cmp($res->code, 200, 'a username of 5000 "%": the form with an error');

# ---- headers and cookies ----------------------------------------------

srand(4711);
my @junkchars = (map { chr } 0x21 .. 0x7e, 0x20, 0x20, 0x3b, 0x3d);
my $junk = join '', map { $junkchars[rand @junkchars] } 1 .. 6000;
my %cookie_cases = (
    '6 KB of junk'                    => "junk=$junk",
    'junk around the cookies'         => "a=b; " . substr($junk, 0, 3000) . "; sessionid=" . substr($junk, 3000),
    'a sessionid that is not base64url' => 'sessionid=' . ('!@#$%^&*()' x 5),
    'a sessionid of 43 bad characters'  => 'sessionid=' . ('.' x 43),
    'a well-formed unknown sessionid'   => 'sessionid=' . ('A' x 43),
    'a sessionid of 4 KB'               => 'sessionid=' . ('A' x 4096),
    'an empty sessionid'                => 'sessionid=',
    'a quoted sessionid'                => 'sessionid="' . ('B' x 43) . '"',
    'a csrftoken that is not 32 chars'  => 'csrftoken=' . ('x' x 1000),
    'ten sessionids'                    => join('; ', map { "sessionid=" . ($_ x 43) } 'a' .. 'j'),
    '1000 cookies'                      => join('; ', map { "c$_=1" } 1 .. 1000),
    'a NUL-looking and control-free mess' => 'sessionid=%00%00; csrftoken=%FF; =; ==; ;;;; ,,,,',
);
for my $what (sort keys %cookie_cases) {
    my $cookie = $cookie_cases{$what};
    my $anon = AccountsTest->browser;
    $res = note_res("login/ cookie $what", $anon->get('/accounts/login/', Cookie => $cookie));
    ok t_cmp($res->code, 200, "login page with $what (" . length($cookie) . " bytes): 200");
    ok t_cmp(body($res), qr/name="csrfmiddlewaretoken"/, '... the form, anonymous');
    $res = note_res("home cookie $what", $anon->get('/home/', Cookie => $cookie));
    ok t_cmp($res->code, 302, "/home/ with $what: 302 to login (anonymous)");
}

# A valid login session survives junk around it in the Cookie header.
{
    my $lb = AccountsTest->browser;
    $res = note_res('login for cookie junk', $lb->login($user, $pw));
    ok t_cmp($res->code, 303, 'log in');
    my $sid = $lb->cookie('sessionid') // '';
    my $csrf = $lb->cookie('csrftoken') // '';
    my $plain = AccountsTest->browser;    # an empty jar: only the header below
    my $cookie = join '; ', (map { "c$_=1" } 1 .. 300), "junk=" . substr($junk, 0, 2000),
                 "sessionid=$sid", "csrftoken=$csrf";
    # the junk may hold ';' or ',' and so cookies of its own; only ours are named sessionid
    $res = note_res('home with junk + valid', $plain->get('/home/', Cookie => $cookie));
    ok t_cmp($res->code, 200, '/home/ with a valid session among 300 cookies and junk: 200');
    ok t_cmp(body($res), qr/Hello, \Q$user\E!/, '... as the user');
    # and a CSRF-checked POST still finds its cookie among them
    $res = note_res('logout with junk + valid',
                    $plain->post('/accounts/logout/', [csrfmiddlewaretoken => $csrf], Cookie => $cookie));
    ok t_cmp($res->code, 303, 'logout with the CSRF cookie among 300 cookies and junk: 303');
}

# Big headers that are not cookies, and headers over httpd's own limits.
$res = note_res('X-Junk 6 KB', $b->get('/accounts/login/', 'X-Junk' => $junk));
ok t_cmp($res->code, 200, 'a 6 KB X-Junk header: 200');
$res = note_res('Origin 6 KB', form_post($b, '/accounts/login/', "csrfmiddlewaretoken=$tok&username=x&password=y",
                                         'login long Origin', Origin => "http://$junk"));
ok t_cmp($res->code, 403, 'a 6 KB Origin: 403');
$res = note_res('Sec-Fetch-Site 6 KB', form_post($b, '/accounts/login/', "csrfmiddlewaretoken=$tok&username=x&password=y",
                                                 'login long Sec-Fetch-Site', 'Sec-Fetch-Site' => $junk));
ok t_cmp($res->code, 403, 'a 6 KB Sec-Fetch-Site: 403');
$res = note_res('X-CSRFToken 6 KB', form_post($b, '/accounts/login/', 'username=x&password=y',
                                              'login long X-CSRFToken', 'X-CSRFToken' => $junk));
ok t_cmp($res->code, 403, 'a 6 KB X-CSRFToken: 403');
$res = note_res('Cookie 20 KB', AccountsTest->browser->get('/accounts/login/', Cookie => 'a=' . ('b' x 20000)));
ok t_cmp($res->code, 400, 'a 20 KB Cookie header (over LimitRequestFieldSize): 400 from httpd');
$res = note_res('/home/ Cookie 20 KB', AccountsTest->browser->get('/home/', Cookie => 'sessionid=' . ('b' x 20000)));
ok t_cmp($res->code, 400, '/home/ with a 20 KB Cookie header: 400 from httpd');

# Malformed HTTP straight down a socket.
{
    my $hp = $b->hostport;
    my @raw = (
        ['a Content-Length that is not a number', 400,
         "POST /accounts/login/ HTTP/1.1\r\nHost: $hp\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         . "Content-Length: abc\r\nConnection: close\r\n\r\nusername=x"],
        ['a negative Content-Length', 400,
         "POST /accounts/login/ HTTP/1.1\r\nHost: $hp\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         . "Content-Length: -5\r\nConnection: close\r\n\r\nusername=x"],
        ['a bad chunk size', 400,
         "POST /accounts/login/ HTTP/1.1\r\nHost: $hp\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nusername=x\r\n0\r\n\r\n"],
        ['a huge Content-Length', 413,
         "POST /accounts/login/ HTTP/1.1\r\nHost: $hp\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         . "Content-Length: 99999999999999\r\nConnection: close\r\n\r\nusername=x"],
    );
    for my $r (@raw) {
        my ($what, $want, $bytes) = @$r;
        my $code = socket_request($hp, $bytes);
        note_res("raw $what", $code);
        ok t_cmp($code, $want, "raw request with $what: $want");
    }
}

# ---- never a 5xx -------------------------------------------------------

my @fives = map { "$_->[0] => $_->[1]" } grep { !$_->[1] || $_->[1] >= 500 } @seen;
ok t_cmp(scalar(@seen) > 100 ? 'many' : scalar(@seen), 'many', 'many responses checked');
ok t_cmp(join('; ', @fives), '', 'no response was a 5xx (or missing)');

$res = AccountsTest->browser->get('/accounts/login/');
ok t_cmp($res->code, 200, 'still answering GET /accounts/login/ with 200');
my $log = AccountsTest::error_log();
ok t_cmp(($log =~ /exit signal/ ? 'crashed' : 'no crash'), 'no crash', 'no httpd child crashed');
