# t/40-csrf.t -- CSRF protection of the accounts pages, as Django does it:
# the csrftoken cookie, per-form masked tokens, rotation at login, the
# X-CSRFToken header, and the Sec-Fetch-Site and Origin checks.  A POST
# that fails any of them answers 403 and changes nothing.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 100;

my $CHARS = join '', 'a' .. 'z', 'A' .. 'Z', '0' .. '9';
my %IDX;
@IDX{ split //, $CHARS } = 0 .. 61;

# Django's unmasking: secret[i] = chars[(idx(cipher[i]) - idx(mask[i])) % 62].
sub unmask {
    my ($tok) = @_;
    return undef unless defined $tok && $tok =~ /^[A-Za-z0-9]{64}$/;
    my ($mask, $cipher) = (substr($tok, 0, 32), substr($tok, 32));
    return join '', map {
        substr($CHARS, ($IDX{ substr($cipher, $_, 1) } - $IDX{ substr($mask, $_, 1) }) % 62, 1)
    } 0 .. 31;
}

# The token with the character at pos replaced by another of the 62.
sub change_char {
    my ($tok, $pos) = @_;
    my $c = substr($tok, $pos, 1);
    my $other = substr($CHARS, ($IDX{$c} + 1) % 62, 1);
    substr($tok, $pos, 1) = $other;
    return $tok;
}

# The Set-Cookie line for name in a response, or ''.
sub set_cookie_line {
    my ($res, $name) = @_;
    my @lines = grep { /^\s*\Q$name\E=/ } $res->headers->header('Set-Cookie');
    return @lines ? $lines[-1] : '';
}

sub page_token {
    my ($res) = @_;
    return AccountsTest::token_in($res->decoded_content // '') // '';
}

sub body { my ($res) = @_; return $res->decoded_content // '' }

# A new browser that has loaded path: (browser, token of that page).
sub fresh {
    my ($path) = @_;
    my $b = AccountsTest->browser;
    my $res = $b->get($path || '/accounts/login/');
    return ($b, page_token($res));
}

sub logged_in {
    my ($b) = @_;
    return $b->get('/home/')->code == 200 ? 1 : 0;
}

sub user_count {
    my ($name) = @_;
    return AccountsTest::sql("SELECT count(*) FROM accounts_user WHERE username = '$name'")->[0][0];
}

my $pw = AccountsTest::good_password();
my $user = AccountsTest::unique_name('csrf');
my ($rc, $out, $err) = AccountsTest::createuser($user, $pw);
ok t_cmp($rc, 0, "accountsctl createuser $user (stderr: $err)");

my @login = (username => $user, password => $pw);

# ---- the cookie and the tokens ----------------------------------------

my $b = AccountsTest->browser;
my $res = $b->get('/accounts/login/');
ok t_cmp($res->code, 200, 'login page');
my $line = set_cookie_line($res, 'csrftoken');
ok t_cmp($line, qr/^csrftoken=[A-Za-z0-9]{32};/, 'csrftoken cookie holds a 32-character secret');
ok t_cmp($line, qr/;\s*HttpOnly(;|$)/i, 'csrftoken cookie is HttpOnly');
ok t_cmp($line, qr/;\s*SameSite=Lax(;|$)/i, 'csrftoken cookie is SameSite=Lax');
ok t_cmp($line, qr/;\s*Path=\/(;|$)/i, 'csrftoken cookie has Path=/');
ok t_cmp(($line =~ /;\s*Domain=/i ? 'Domain' : 'no Domain'), 'no Domain', 'csrftoken cookie has no Domain');
my $secret = $b->cookie('csrftoken') // '';
ok t_cmp($secret, qr/^[A-Za-z0-9]{32}$/, 'browser keeps the secret');

my $tok1 = page_token($res);
ok t_cmp($tok1, qr/^[A-Za-z0-9]{64}$/, 'form carries a 64-character masked token');
ok t_cmp(unmask($tok1), $secret, 'masked token unmasks to the secret in the cookie');
ok t_cmp((index($tok1, $secret) < 0 ? 'hidden' : 'visible'), 'hidden', 'the bare secret is not in the form');

$res = $b->get('/accounts/login/');
my $tok2 = page_token($res);
ok t_cmp($tok2, qr/^[A-Za-z0-9]{64}$/, 'second render has a masked token');
ok t_cmp(($tok1 ne $tok2 ? 'different' : 'same'), 'different', 'the token is masked afresh on every render');
ok t_cmp(unmask($tok2), $secret, 'second token unmasks to the same secret');
ok t_cmp($b->cookie('csrftoken'), $secret, 'the secret is kept between renders');

# GET is never CSRF-checked: a link from another site must work.
$res = $b->get('/accounts/login/', 'Sec-Fetch-Site' => 'cross-site', Origin => 'http://evil.example');
ok t_cmp($res->code, 200, 'GET from another site is fine');

# Both masked tokens are good: the first with a wrong password (the form
# comes back, so the CSRF check passed), the second for the real login.
$res = $b->post('/accounts/login/', [csrfmiddlewaretoken => $tok1, username => $user, password => 'wrong']);
ok t_cmp($res->code, 200, 'first masked token accepted (wrong password: the form again)');
ok t_cmp(body($res), qr/Please enter a correct username and password/, '... with the login error');
$res = $b->post('/accounts/login/', [csrfmiddlewaretoken => $tok2, @login]);
ok t_cmp($res->code, 303, 'second masked token accepted: logged in');
ok t_cmp(set_cookie_line($res, 'sessionid'), qr/^sessionid=[A-Za-z0-9_-]{20,}/, '... session cookie set');

# The secret rotates at login.
my $rotated = set_cookie_line($res, 'csrftoken');
ok t_cmp($rotated, qr/^csrftoken=[A-Za-z0-9]{32};/, 'login sends a new csrftoken cookie');
my $secret2 = $b->cookie('csrftoken') // '';
ok t_cmp(($secret2 ne $secret && $secret2 =~ /^[A-Za-z0-9]{32}$/ ? 'rotated' : "not rotated ($secret2)"),
         'rotated', 'the CSRF secret rotated at login');
ok t_cmp($rotated, qr/;\s*HttpOnly;.*SameSite=Lax/i, 'rotated cookie keeps HttpOnly and SameSite=Lax');
ok t_cmp(logged_in($b), 1, 'logged in');

# A token from before the login no longer works (here on logout).
$res = $b->post('/accounts/logout/', [csrfmiddlewaretoken => $tok1]);
ok t_cmp($res->code, 403, 'a token masked with the old secret fails after login');
ok t_cmp(logged_in($b), 1, '... and the user is still logged in');

# ---- login: tokens that must fail -------------------------------------

my ($lb, $ltok) = fresh('/accounts/login/');
my ($other, $otok) = fresh('/accounts/login/');

$res = $lb->post('/accounts/login/', [@login]);
ok t_cmp($res->code, 403, 'login without a token: 403');
ok t_cmp(body($res), qr/CSRF verification failed/, '... the 403 page says CSRF verification failed');
ok t_cmp($res->header('Content-Type'), qr{^text/html}i, '... as an HTML page');
ok t_cmp(set_cookie_line($res, 'sessionid'), '', '... no session cookie');

$res = $lb->post('/accounts/login/', [csrfmiddlewaretoken => '', @login]);
ok t_cmp($res->code, 403, 'login with an empty token: 403');

$res = $lb->post('/accounts/login/', [csrfmiddlewaretoken => $otok, @login]);
ok t_cmp($res->code, 403, "login with a token from another browser's cookie: 403");
ok t_cmp(set_cookie_line($res, 'sessionid'), '', '... no session cookie');

$res = $lb->post('/accounts/login/', [csrfmiddlewaretoken => change_char($ltok, 45), @login]);
ok t_cmp($res->code, 403, 'login with one character of the cipher changed: 403');
$res = $lb->post('/accounts/login/', [csrfmiddlewaretoken => change_char($ltok, 3), @login]);
ok t_cmp($res->code, 403, 'login with one character of the mask changed: 403');
$res = $lb->post('/accounts/login/', [csrfmiddlewaretoken => substr($ltok, 0, 63), @login]);
ok t_cmp($res->code, 403, 'login with a 63-character token: 403');
$res = $lb->post('/accounts/login/', [csrfmiddlewaretoken => substr($ltok, 0, 63) . '!', @login]);
ok t_cmp($res->code, 403, 'login with a token holding a bad character: 403');
$res = $lb->post('/accounts/login/', [csrfmiddlewaretoken => change_char($lb->cookie('csrftoken'), 0), @login]);
ok t_cmp($res->code, 403, 'login with a wrong bare secret: 403');
$res = $lb->post('/accounts/login/', [@login], 'X-CSRFToken' => change_char($ltok, 40));
ok t_cmp($res->code, 403, 'login with a wrong X-CSRFToken header: 403');

# The right token, but no cookie to match it.
my $nocookie = AccountsTest->browser;
$res = $nocookie->post('/accounts/login/', [csrfmiddlewaretoken => $ltok, @login]);
ok t_cmp($res->code, 403, 'login with a token but no csrftoken cookie: 403');
ok t_cmp(set_cookie_line($res, 'sessionid'), '', '... no session cookie');

# Fetch metadata and Origin, with a good token.
for my $site ('cross-site', 'same-site') {
    $res = $lb->post('/accounts/login/', [csrfmiddlewaretoken => $ltok, @login], 'Sec-Fetch-Site' => $site);
    ok t_cmp($res->code, 403, "login with Sec-Fetch-Site: $site: 403");
}
my $hostport = $lb->hostport;
my ($host, $port) = split /:/, $hostport;
for my $origin ('http://evil.example', 'null', "http://$host:" . ($port + 1), "https://$hostport",
                "http://$hostport.evil.example") {
    $res = $lb->post('/accounts/login/', [csrfmiddlewaretoken => $ltok, @login], Origin => $origin);
    ok t_cmp($res->code, 403, "login with Origin: $origin: 403");
}
ok t_cmp(($lb->cookie('sessionid') ? 'session' : 'no session'), 'no session', 'none of those logged the browser in');
ok t_cmp(logged_in($lb), 0, '... /home/ is still closed to it');

# ---- login: what must be accepted -------------------------------------

($b) = fresh('/accounts/login/');
$res = $b->post('/accounts/login/', [csrfmiddlewaretoken => $b->cookie('csrftoken'), @login]);
ok t_cmp($res->code, 303, 'login with the bare 32-character secret: accepted');

my $tok;
($b, $tok) = fresh('/accounts/login/');
$res = $b->post('/accounts/login/', [@login], 'X-CSRFToken' => $tok);
ok t_cmp($res->code, 303, 'login with the token in X-CSRFToken: accepted');
ok t_cmp(logged_in($b), 1, '... logged in');

($b, $tok) = fresh('/accounts/login/');
$res = $b->post('/accounts/login/', [@login], 'X-CSRFToken' => $b->cookie('csrftoken'));
ok t_cmp($res->code, 303, 'login with the bare secret in X-CSRFToken: accepted');

for my $site ('same-origin', 'none') {
    ($b, $tok) = fresh('/accounts/login/');
    $res = $b->post('/accounts/login/', [csrfmiddlewaretoken => $tok, @login], 'Sec-Fetch-Site' => $site);
    ok t_cmp($res->code, 303, "login with Sec-Fetch-Site: $site: accepted");
}

($b, $tok) = fresh('/accounts/login/');
$res = $b->post('/accounts/login/', [csrfmiddlewaretoken => $tok, @login], Origin => $b->base,
                'Sec-Fetch-Site' => 'same-origin');
ok t_cmp($res->code, 303, 'login with this site as Origin: accepted (' . $b->base . ')');
ok t_cmp(logged_in($b), 1, '... logged in');

# ---- register ---------------------------------------------------------

my ($rb, $rtok) = fresh('/accounts/register/');
ok t_cmp($rtok, qr/^[A-Za-z0-9]{64}$/, 'register form carries a masked token');
ok t_cmp(unmask($rtok), $rb->cookie('csrftoken'), '... of the cookie secret');
my ($rother, $rotok) = fresh('/accounts/register/');

my @cases = (
    ['no token',                      []],
    ['a wrong token',                 [csrfmiddlewaretoken => change_char($rtok, 50)]],
    ["another browser's token",       [csrfmiddlewaretoken => $rotok]],
    ['Sec-Fetch-Site: cross-site',    [csrfmiddlewaretoken => $rtok], 'Sec-Fetch-Site' => 'cross-site'],
    ['Sec-Fetch-Site: same-site',     [csrfmiddlewaretoken => $rtok], 'Sec-Fetch-Site' => 'same-site'],
    ['Origin: http://evil.example',   [csrfmiddlewaretoken => $rtok], Origin => 'http://evil.example'],
    ['Origin: null',                  [csrfmiddlewaretoken => $rtok], Origin => 'null'],
);
for my $case (@cases) {
    my ($what, $tokfield, @headers) = @$case;
    my $name = AccountsTest::unique_name('csrfreg');
    $res = $rb->post('/accounts/register/',
                     [@$tokfield, username => $name, email => '', password1 => $pw, password2 => $pw],
                     @headers);
    ok t_cmp($res->code, 403, "register with $what: 403");
    ok t_cmp(user_count($name), 0, "... no user $name created");
}

my $rname = AccountsTest::unique_name('csrfreg');
$res = $rb->post('/accounts/register/',
                 [csrfmiddlewaretoken => $rtok, username => $rname, email => '', password1 => $pw, password2 => $pw],
                 Origin => $rb->base, 'Sec-Fetch-Site' => 'same-origin');
ok t_cmp($res->code, 303, 'register with the right token, Origin and Sec-Fetch-Site: 303');
ok t_cmp(user_count($rname), 1, "... user $rname created");

($rb, $rtok) = fresh('/accounts/register/');
$rname = AccountsTest::unique_name('csrfreg');
$res = $rb->post('/accounts/register/',
                 [username => $rname, email => '', password1 => $pw, password2 => $pw],
                 'X-CSRFToken' => $rtok);
ok t_cmp($res->code, 303, 'register with the token in X-CSRFToken: 303');
ok t_cmp(user_count($rname), 1, "... user $rname created");

# ---- logout -----------------------------------------------------------

my $ob = AccountsTest->browser;
$res = $ob->login($user, $pw);
ok t_cmp($res->code, 303, 'log in for the logout tests');
my $session = $ob->cookie('sessionid') // '';
$res = $ob->get('/accounts/logout/');
ok t_cmp($res->code, 200, 'logout page');
my $otok2 = page_token($res);
ok t_cmp(unmask($otok2), $ob->cookie('csrftoken'), 'logout form carries a masked token of the secret');
my (undef, $strangertok) = fresh('/accounts/logout/');

@cases = (
    ['no token',                    []],
    ['a wrong token',               [csrfmiddlewaretoken => change_char($otok2, 33)]],
    ["another browser's token",     [csrfmiddlewaretoken => $strangertok]],
    ['Sec-Fetch-Site: cross-site',  [csrfmiddlewaretoken => $otok2], 'Sec-Fetch-Site' => 'cross-site'],
    ['Sec-Fetch-Site: same-site',   [csrfmiddlewaretoken => $otok2], 'Sec-Fetch-Site' => 'same-site'],
    ['Origin: http://evil.example', [csrfmiddlewaretoken => $otok2], Origin => 'http://evil.example'],
    ['Origin: null',                [csrfmiddlewaretoken => $otok2], Origin => 'null'],
);
for my $case (@cases) {
    my ($what, $tokfield, @headers) = @$case;
    $res = $ob->post('/accounts/logout/', [@$tokfield], @headers);
    ok t_cmp($res->code, 403, "logout with $what: 403");
    ok t_cmp(logged_in($ob) && ($ob->cookie('sessionid') // '') eq $session ? 'logged in' : 'logged out',
             'logged in', '... still logged in, same session');
}

$res = $ob->post('/accounts/logout/', [csrfmiddlewaretoken => $otok2], Origin => $ob->base,
                 'Sec-Fetch-Site' => 'same-origin');
ok t_cmp($res->code, 303, 'logout with the right token: 303');
ok t_cmp(logged_in($ob), 0, '... logged out');

# Nothing above crashed a child.
my $log = AccountsTest::error_log();
ok t_cmp(($log =~ /exit signal/ ? 'crashed' : 'no crash'), 'no crash', 'no httpd child crashed');
ok t_cmp(($log =~ /ACC0040: CSRF verification failed/ ? "logged" : "not logged"), "logged", "CSRF failures are logged");
ok t_cmp((grep({ index($log, $_) >= 0 } $secret, $secret2, $tok1, $tok2, $session) ? 'leaked' : 'clean'),
         'clean', 'no CSRF secret, token or session cookie value in the error log');
