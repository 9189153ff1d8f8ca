# t/20-login.t -- login/: the form, checking the password, the session it
# starts (cookie, stored hash, no fixation), re-hashing at login, CSRF
# rotation, which `next` values are followed, and a stored hash whose cost
# is over the ceiling.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 137;

my $BAD = 'Please enter a correct username and password. Note that both '
        . 'fields may be case-sensitive.';
my $REQUIRED = 'This field is required.';
my $PW = AccountsTest::good_password();

sub mkuser {
    my ($name, $password, $cost) = @_;
    local $ENV{ACCOUNTS_PASSWORD_HASH} = $cost if $cost;
    return AccountsTest::mkuser($name, $password // $PW);
}
*lit = \&AccountsTest::lit;
*sql1 = \&AccountsTest::sql1;

# The session token hashes stored for a user.
sub session_hashes {
    my ($name) = @_;
    my $rows = AccountsTest::sql(
        'SELECT s.token_hash FROM accounts_session s JOIN accounts_user u'
      . ' ON u.id = s.user_id WHERE u.username = ' . lit($name)
      . ' ORDER BY s.created');
    return map { $_->[0] } @$rows;
}

sub set_cookies {
    my ($res) = @_;
    return $res->header('Set-Cookie') ? ($res->header('Set-Cookie')) : ();
}

# The Set-Cookie line for cookie NAME, or ''.
sub set_cookie_for {
    my ($res, $name) = @_;
    my ($line) = grep { /^\Q$name\E=/ } map { split /\n/ } set_cookies($res);
    return $line // '';
}

# Is this browser's session alive?  A guarded page answers 200 if so.
sub home_code {
    my ($b) = @_;
    return $b->get('/home/')->code;
}

# A fresh browser holding only the session cookie VALUE.
sub browser_with_session {
    my ($value) = @_;
    my $b = AccountsTest->browser;
    $b->set_cookie(sessionid => $value);
    return $b;
}

# Log in with every field sent as the UTF-8 bytes of the given text.
# (HTTP::Request::Common mixes a character-string token with byte
# strings badly, so everything here is bytes.)
sub login_bytes {
    my ($b, $name, $password, $next) = @_;
    my $page = $b->get('/accounts/login/');
    my $token = AccountsTest::token_in($page->content) // '';
    my @f = (csrfmiddlewaretoken => $token, username => $name,
             password => $password, (defined $next ? (next => $next) : ()));
    for (@f) { utf8::encode($_) if utf8::is_utf8($_) || /[^\x00-\x7f]/ }
    return $b->post('/accounts/login/', \@f);
}

# ---- the form -----------------------------------------------------------

{
    my $b = AccountsTest->browser;
    my $res = $b->get('/accounts/login/');
    my $html = $res->decoded_content // '';
    ok t_cmp($res->code, 200, 'GET login/: 200');
    ok t_cmp($html, qr/<input[^>]*name="username"[^>]*autocomplete="username"/,
             'username field has autocomplete="username"');
    ok t_cmp($html, qr/<input[^>]*type="password"[^>]*name="password"[^>]*autocomplete="current-password"/,
             'password field has autocomplete="current-password"');
    ok t_cmp($res->header('Cache-Control') // '', qr/no-store/,
             'login page: Cache-Control no-store');
    ok t_cmp(AccountsTest::token_in($html), qr/\S/, 'login page carries a CSRF token');
    ok t_cmp($html =~ /name="next"/ ? 'next' : 'no next', 'no next',
             'no next parameter: no hidden next field');

    $res = $b->get('/accounts/login/?next=%2Fhome%2F%3Fa%3D1%26b%3D2');
    ok t_cmp($res->content,
             qr{<input type="hidden" name="next" value="/home/\?a=1&amp;b=2">},
             'safe next is carried in a hidden field, escaped');

    $res = $b->get('/accounts/login/?next=/home/sub/');
    ok t_cmp($res->content, qr{name="next" value="/home/sub/"},
             'unencoded safe next carried');

    for my $bad ('%2F%2Fevil.example%2F', 'https%3A%2F%2Fevil.example%2F',
                 'javascript%3Aalert(1)') {
        $res = $b->get("/accounts/login/?next=$bad");
        ok t_cmp(($res->content =~ /name="next"/ ? 'carried' : 'dropped')
                 . ' ' . $res->code, 'dropped 200',
                 "unsafe next $bad is dropped from the form");
    }
}

# ---- a successful login -------------------------------------------------

my $alice = mkuser(AccountsTest::unique_name('alice'));
{
    ok t_cmp(sql1('SELECT last_login IS NULL FROM accounts_user WHERE username = '
                  . lit($alice)), 't', 'a new user has never logged in');

    my $b = AccountsTest->browser;
    $b->get('/accounts/login/');
    my $csrf_before = $b->cookie('csrftoken') // '';
    ok t_cmp($csrf_before, qr/\S/, 'login page set a csrftoken cookie');

    # "Remember me" ticked: the cookie outlives the browser.
    my $res = $b->submit('/accounts/login/', username => $alice,
                         password => $PW, remember => 'on');
    ok t_cmp($res->code, 303, 'login: 303');
    ok t_cmp($res->header('Location') // '', '/home/',
             'login without next: Location is AccountsLoginRedirect');

    my $sc = set_cookie_for($res, 'sessionid');
    ok t_cmp($sc, qr/^sessionid=[A-Za-z0-9_-]{43};/, 'Set-Cookie sessionid with a 256-bit token');
    ok t_cmp($sc, qr/;\s*HttpOnly(;|$)/i, 'session cookie is HttpOnly');
    ok t_cmp($sc, qr/;\s*SameSite=Lax(;|$)/i, 'session cookie is SameSite=Lax');
    ok t_cmp($sc, qr/;\s*Path=\/(;|$)/i, 'session cookie has Path=/');
    ok t_cmp($sc =~ /;\s*Domain=/i ? 'Domain' : 'no Domain', 'no Domain',
             'session cookie has no Domain');
    ok t_cmp($sc =~ /;\s*Secure(;|$)/i ? 'Secure' : 'not Secure', 'not Secure',
             'AccountsCookieSecure Off: no Secure attribute');
    ok t_cmp($sc, qr/;\s*Max-Age=1209600(;|$)/i, 'session cookie lives two weeks');

    my $token = $b->cookie('sessionid') // '';
    my @hashes = session_hashes($alice);
    ok t_cmp(scalar @hashes, 1, 'one session row for the user');
    ok t_cmp($hashes[0] // '', qr/\A[0-9a-f]{64}\z/, 'stored token_hash is 64 hex characters');
    ok t_cmp($hashes[0] // '', sha256_hex($token),
             'stored token_hash is SHA-256 of the cookie value');
    ok t_cmp(sql1('SELECT count(*) FROM accounts_session s WHERE'
                  . ' position(' . lit($token) . ' in s::text) > 0'), 0,
             'the raw token is stored nowhere in accounts_session');
    ok t_cmp(sql1('SELECT last_login IS NOT NULL AND last_login > now() - interval '
                  . "'5 minutes' FROM accounts_user WHERE username = " . lit($alice)),
             't', 'last_login stamped at login');
    ok t_cmp(sql1("SELECT expires > now() + interval '13 days' AND expires <= now()"
                  . " + interval '14 days 1 minute' FROM accounts_session WHERE"
                  . ' token_hash = ' . lit($hashes[0] // 'x')),
             't', 'session row expires in two weeks');

    # Unticked (or a client that knows nothing of the box): a cookie the
    # browser drops when it closes, and a server-side session of a day.
    {
        my $b2 = AccountsTest->browser;
        my $r2 = $b2->login($alice, $PW);
        my $sc2 = set_cookie_for($r2, 'sessionid');
        ok t_cmp($sc2, qr/^sessionid=[A-Za-z0-9_-]{43};/, 'unticked: a session cookie');
        ok t_cmp($sc2 =~ /Max-Age|Expires/i ? 'lasting' : 'browser session',
                 'browser session', 'unticked: no Max-Age, no Expires');
        ok t_cmp(sql1("SELECT bool_and(expires <= now() + interval '1 day 1 minute')"
                      . ' FROM accounts_session WHERE token_hash = '
                      . lit(sha256_hex($b2->cookie('sessionid') // ''))),
                 't', 'unticked: the session ends within a day');
        my $form = $b2->get('/accounts/login/')->content // '';
        ok t_cmp($form, qr/<input type="checkbox" name="remember"/,
                 'the login form offers "Remember me"');
    }

    my $csrf_after = $b->cookie('csrftoken');
    ok t_cmp(set_cookie_for($res, 'csrftoken'), qr/^csrftoken=\S/,
             'login response sets a new csrftoken cookie');
    ok t_cmp(defined $csrf_after && $csrf_after ne $csrf_before ? 'rotated' : 'same',
             'rotated', 'CSRF secret rotates at login');

    ok t_cmp(home_code($b), 200, 'the new session opens /home/');
    ok t_cmp($b->last->content, qr/Hello, \Q$alice\E!/, '/home/ greets the user');
    ok t_cmp(index($res->content . join('', set_cookies($res)), $PW), -1,
             'the password is never echoed');
}

# ---- failing logins look alike ------------------------------------------

{
    my $active   = mkuser(AccountsTest::unique_name('fa'));
    my $inactive = mkuser(AccountsTest::unique_name('fi'));
    my ($rc, $out, $err) = AccountsTest::ctl('deactivate', $inactive);
    ok t_cmp($rc, 0, "accountsctl deactivate: exit 0 ($err)");
    my $unknown = AccountsTest::unique_name('fu');

    my %case = (
        'wrong password' => [$active,   'Not-The-Password-123'],
        'unknown user'   => [$unknown,  $PW],
        'inactive user'  => [$inactive, $PW],
    );
    my %norm;
    for my $what (sort keys %case) {
        my ($name, $pw) = @{ $case{$what} };
        my $b = AccountsTest->browser;
        my $res = $b->login($name, $pw);
        my $html = $res->decoded_content // '';
        ok t_cmp($res->code, 200, "$what: 200");
        ok t_cmp($html, qr/\Q$BAD\E/, "$what: the generic message");
        ok t_cmp(join('|', AccountsTest::errors_in($html)), '',
                 "$what: no field is blamed");
        ok t_cmp($html, qr/class="errorsummary"/, "$what: summary at the top");
        ok t_cmp($html, qr/name="username"[^>]*value="\Q$name\E"/,
                 "$what: username kept in the form");
        ok t_cmp(index($html, $pw), -1, "$what: password not echoed");
        ok t_cmp(set_cookie_for($res, 'sessionid'), '', "$what: no session cookie");
        ok t_cmp(home_code($b), 302, "$what: still anonymous");
        (my $n = $html) =~ s/\Q$name\E/USERNAME/g;
        $n =~ s/name="csrfmiddlewaretoken" value="[^"]*"/name="csrfmiddlewaretoken" value="TOKEN"/g;
        $norm{$what} = [$res->code, $n];
    }
    ok t_cmp($norm{'unknown user'}[1], $norm{'wrong password'}[1],
             'unknown user and wrong password: same page but for the username');
    ok t_cmp($norm{'inactive user'}[1], $norm{'wrong password'}[1],
             'inactive user and wrong password: same page but for the username');
    ok t_cmp(join(',', map { $norm{$_}[0] } sort keys %norm), '200,200,200',
             'the same status for all three');
    ok t_cmp(scalar(() = session_hashes($inactive)), 0, 'no session for the inactive user');
}

# ---- missing fields -----------------------------------------------------

{
    my $b = AccountsTest->browser;
    my $res = $b->submit('/accounts/login/', username => '', password => '');
    ok t_cmp($res->code, 200, 'empty form: 200');
    ok t_cmp(join('|', AccountsTest::errors_in($res->decoded_content)),
             "$REQUIRED|$REQUIRED", 'empty form: both fields required');

    $res = $b->submit('/accounts/login/', username => $alice, password => '');
    ok t_cmp(join('|', AccountsTest::errors_in($res->decoded_content)), $REQUIRED,
             'no password: "This field is required."');
    ok t_cmp($res->content, qr/name="username"[^>]*value="\Q$alice\E"/,
             'no password: username kept');

    $res = $b->submit('/accounts/login/', password => $PW);
    ok t_cmp($res->code, 200, 'no username field at all: 200');
    ok t_cmp(join('|', AccountsTest::errors_in($res->decoded_content)), $REQUIRED,
             'no username field: "This field is required."');
    ok t_cmp(set_cookie_for($res, 'sessionid'), '', 'missing fields: no session');
}

# ---- usernames are case-sensitive ---------------------------------------

{
    my $bob = AccountsTest::unique_name('Bob');
    my $b = AccountsTest->browser;
    my $res = $b->register($bob, $PW, '');
    if ($res->code != 303) {          # no register page yet: accountsctl
        mkuser($bob);
    }
    ok t_cmp(sql1('SELECT count(*) FROM accounts_user WHERE username = ' . lit($bob)),
             1, "user $bob exists");
    $b = AccountsTest->browser;
    $res = $b->login(lc $bob, $PW);
    ok t_cmp($res->code, 200, 'lower-cased username: no login');
    ok t_cmp($res->decoded_content, qr/\Q$BAD\E/,
             'lower-cased username: the generic message');
    $res = $b->login($bob, $PW);
    ok t_cmp($res->code, 303, 'exact username: login');
}

# ---- session fixation ---------------------------------------------------

{
    my $name = mkuser(AccountsTest::unique_name('fix'));
    my $planted = 'Fixated' . ('x' x 36);            # 43 base64url chars
    my $b = AccountsTest->browser;
    $b->set_cookie(sessionid => $planted);
    my $res = $b->login($name, $PW);
    ok t_cmp($res->code, 303, 'fixation: login with a planted cookie: 303');
    my $got = $b->cookie('sessionid') // '';
    ok t_cmp($got ne $planted && length $got ? 'new' : 'planted', 'new',
             'fixation: the browser gets a new token');
    ok t_cmp(set_cookie_for($res, 'sessionid'), qr/^sessionid=(?!\Q$planted\E;)[A-Za-z0-9_-]{43};/,
             'fixation: Set-Cookie carries the new token');
    ok t_cmp(sql1('SELECT count(*) FROM accounts_session WHERE token_hash = '
                  . lit(sha256_hex($planted))), 0,
             'fixation: the planted value is not a stored session');
    ok t_cmp(home_code(browser_with_session($planted)), 302,
             'fixation: the planted value does not open /home/');
    ok t_cmp(home_code(browser_with_session($got)), 200,
             'fixation: the new token does');

    # Logging in again from a logged-in browser: a new token, the old dead.
    $res = $b->login($name, $PW);
    ok t_cmp($res->code, 303, 'second login from a logged-in browser: 303');
    my $again = $b->cookie('sessionid') // '';
    ok t_cmp($again ne $got && length $again ? 'new' : 'same', 'new',
             'second login: a new token');
    ok t_cmp(home_code(browser_with_session($got)), 302,
             'second login: the previous token is dead');
    ok t_cmp(sql1('SELECT count(*) FROM accounts_session WHERE token_hash = '
                  . lit(sha256_hex($got))), 0,
             'second login: the previous row is deleted');
    ok t_cmp(home_code($b), 200, 'second login: the browser is logged in');
}

# ---- re-hash at login when the cost changed -----------------------------

{
    my $name = mkuser(AccountsTest::unique_name('rh'), $PW, 'm=2048 t=1 p=1');
    my $q = 'SELECT password FROM accounts_user WHERE username = ' . lit($name);
    my $before = sql1($q) // '';
    ok t_cmp($before, qr/^\$argon2id\$v=19\$m=2048,t=1,p=1\$/,
             'accountsctl with ACCOUNTS_PASSWORD_HASH m=2048: stored with m=2048');
    my $b = AccountsTest->browser;
    my $res = $b->login($name, $PW);
    ok t_cmp($res->code, 303, 'rehash: login with the old-cost hash works');
    my $after = sql1($q) // '';
    ok t_cmp($after, qr/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/,
             'rehash: stored hash re-made with the configured m=1024');
    ok t_cmp($after ne $before ? 'changed' : 'same', 'changed', 'rehash: a new hash string');
    $res = AccountsTest->browser->login($name, $PW);
    ok t_cmp($res->code, 303, 'rehash: the password still works afterwards');
    ok t_cmp(sql1($q), $after, 'rehash: a hash at the right cost is left alone');
    $res = AccountsTest->browser->login($name, 'Wrong-Password-4711');
    ok t_cmp($res->code, 200, 'rehash: a wrong password still fails');
}

# ---- a stored hash over the cost ceiling ---------------------------------

# A planted or corrupt row naming a cost of 2 GiB and 1000 passes is
# refused without hashing: the login fails like a wrong password, at once.
{
    my $name = mkuser(AccountsTest::unique_name('ceil'));
    my $planted = '$argon2id$v=19$m=2097152,t=1000,p=1$c29tZXNhbHRzb21lc2FsdA'
                . '$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4';
    AccountsTest::sql("UPDATE accounts_user SET password = '$planted'"
                    . ' WHERE username = ' . lit($name));
    my $t0 = Time::HiRes::time();
    my $res = AccountsTest->browser->login($name, $PW);
    my $took = Time::HiRes::time() - $t0;
    ok t_cmp($res->code, 200, 'a stored hash over the cost ceiling: the login fails (200)');
    ok t_cmp($res->decoded_content, qr/\Q$BAD\E/, '... with the generic message');
    ok t_cmp($took < 10 ? 'at once' : sprintf('after %.0f s', $took), 'at once',
             '... without hashing (a 2 GiB, 1000-pass hash would take an hour)');
    ok t_cmp(AccountsTest::error_log(),
             qr/ACC0055: password hash of '\Q$name\E' not checked: its cost m=2097152 t=1000 p=1 is over the ceiling/,
             '... and the error log says why');
}

# ---- next ---------------------------------------------------------------

{
    my $name = mkuser(AccountsTest::unique_name('nx'));

    # Safe: followed exactly.
    my %safe = (
        '/home/?a=1&b=2'  => '/home/?a=1&b=2',
        '/home/sub/page'  => '/home/sub/page',
        '/%0a/evil'       => '/%0a/evil',       # a percent-escape in a path
        '/%2F%2Fevil'     => '/%2F%2Fevil',     # is just path text
        '  /home/x  '     => '/home/x',         # stripped, as Django does
        '/home/a b'       => '/home/a%20b',     # escaped for the header
        "/home/caf\x{e9}" => '/home/caf%C3%A9',
    );
    for my $next (sort keys %safe) {
        (my $show = $next) =~ s/([^\x20-\x7e])/sprintf('\\x{%x}', ord $1)/ge;
        my $res = login_bytes(AccountsTest->browser, $name, $PW, $next);
        ok t_cmp($res->code, 303, "safe next '$show': 303");
        ok t_cmp($res->header('Location') // '', $safe{$next},
                 "safe next '$show': Location is exactly it");
    }

    # next from the query string (the form posts to its own URL).
    {
        my $b = AccountsTest->browser;
        my $res = $b->submit('/accounts/login/?next=%2Fhome%2F%3Fq%3D1',
                             username => $name, password => $PW);
        ok t_cmp($res->header('Location') // '', '/home/?q=1',
                 'next from the query string is followed');
        $b = AccountsTest->browser;
        $res = $b->submit('/accounts/login/?next=%2F%2Fevil.example%2F',
                          username => $name, password => $PW);
        ok t_cmp($res->header('Location') // '', '/home/',
                 'unsafe next in the query string: AccountsLoginRedirect');
    }

    my @unsafe = (
        '//evil.example/',
        '///evil.example/',
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        'https://evil.example/',
        'http://evil.example',
        'HTTPS://evil.example/',
        'javascript:alert(1)',
        ' javascript:alert(1)',
        'http:evil.example',
        "\t//evil.example",
        "/\t/evil.example",
        ' //evil.example',
        "/\n/evil.example",
        "\r\n//evil.example",
        "//evil.example\@home",
        "/\x{3000}/evil.example",
        "\x{202E}//evil.example",
        'data:text/html,hi',
        '   ',
    );
    for my $next (@unsafe) {
        (my $show = $next) =~ s/([^\x21-\x7e])/sprintf('\\x{%x}', ord $1)/ge;
        my $res = login_bytes(AccountsTest->browser, $name, $PW, $next);
        my $loc = $res->header('Location') // '';
        ok t_cmp($res->code . " $loc", '303 /home/',
                 "unsafe next '$show': 303 to AccountsLoginRedirect");
    }

    # Whatever comes in, the Location never names another host.
    my @all = (keys %safe, @unsafe);
    my @leaks;
    for my $next (@all) {
        my $res = login_bytes(AccountsTest->browser, $name, $PW, $next);
        my $loc = $res->header('Location') // '';
        push @leaks, "$next => $loc"
            if $loc !~ m{^/} || $loc =~ m{^[/\\]{2}}
            || $loc =~ m{^[a-z][a-z0-9+.-]*:}i;
    }
    ok t_cmp(join("\n", @leaks), '', 'no Location starts with // or names a host');
}
