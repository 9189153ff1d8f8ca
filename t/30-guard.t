# t/30-guard.t -- AccountsLoginRequired: redirect or 401 for anonymous
# requests, the user for logged-in ones (r->user, REMOTE_USER, the access
# log), private caching, logout, and sessions that end server-side.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use JSON::PP ();
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 77;

my $PW = AccountsTest::good_password();

sub mkuser { my ($name, @opt) = @_; return AccountsTest::mkuser($name, $PW, @opt) }
*lit = \&AccountsTest::lit;
*sql1 = \&AccountsTest::sql1;
sub logged_in { return AccountsTest::logged_in($_[0], $PW, @_[1 .. $#_]) }
my $BAD = 'Please enter a correct username and password. Note that both '
        . 'fields may be case-sensitive.';
my $LOGIN = '/accounts/login/';

sub session_count {
    my ($name) = @_;
    return sql1('SELECT count(*) FROM accounts_session s JOIN accounts_user u'
              . ' ON u.id = s.user_id WHERE u.username = ' . lit($name));
}

sub browser_with_session {
    my ($value, %opt) = @_;
    my $b = AccountsTest->browser(%opt);
    $b->set_cookie(sessionid => $value);
    return $b;
}

sub set_cookie_for {
    my ($res, $name) = @_;
    my @sc = $res->header('Set-Cookie') ? ($res->header('Set-Cookie')) : ();
    my ($line) = grep { /^\Q$name\E=/ } map { split /\n/ } @sc;
    return $line // '';
}

# ---- anonymous navigation: 302 to the login page ------------------------

{
    my $b = AccountsTest->browser;
    my $res = $b->get('/home/');
    ok t_cmp($res->code, 302, 'anonymous GET /home/: 302');
    ok t_cmp($res->header('Location') // '', "$LOGIN?next=/home/",
             'Location is the login URL with next=/home/');
    ok t_cmp($res->header('Vary') // '', qr/\bCookie\b/i,
             'anonymous redirect: Vary: Cookie');

    # Python: quote("/home/?x=1&y=a%20b", safe="/")
    $res = $b->get('/home/?x=1&y=a%20b');
    ok t_cmp($res->header('Location') // '',
             "$LOGIN?next=/home/%3Fx%3D1%26y%3Da%2520b",
             'path and query percent-encoded as quote(safe="/")');

    # Python: quote("/cgi/env.cgi?a=/b&c=%7e~", safe="/")
    $res = $b->get('/cgi/env.cgi?a=/b&c=%7e~');
    ok t_cmp($res->code, 302, 'anonymous GET of the CGI: 302');
    ok t_cmp($res->header('Location') // '',
             "$LOGIN?next=/cgi/env.cgi%3Fa%3D/b%26c%3D%257e~",
             'CGI path and query encoded, "/" and "~" kept');
    ok t_cmp($res->content =~ /REMOTE_USER/ ? 'ran' : 'not run', 'not run',
             'the CGI did not run for an anonymous request');

    $res = $b->get('/home/', Accept => 'text/html');
    ok t_cmp($res->code, 302, 'Accept: text/html: 302');
    $res = $b->get('/home/', Accept =>
        'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        'Sec-Fetch-Mode' => 'navigate');
    ok t_cmp($res->code, 302, 'a browser navigation: 302');
    $res = $b->get('/home/', Accept => 'text/html, application/json;q=0.5');
    ok t_cmp($res->code, 302, 'Accept preferring HTML over JSON: 302');

    # Cookies that name no session are anonymous, not errors.
    $res = browser_with_session('not-a-token')->get('/home/');
    ok t_cmp($res->code, 302, 'malformed session cookie: 302');
    $res = browser_with_session('A' x 43)->get('/home/');
    ok t_cmp($res->code, 302, 'unknown well-formed session cookie: 302');
}

# ---- anonymous XHR/API: 401 with JSON ------------------------------------

{
    my $b = AccountsTest->browser;
    my $res = $b->get('/home/', 'X-Requested-With' => 'XMLHttpRequest');
    ok t_cmp($res->code, 401, 'XHR: 401');
    ok t_cmp($res->header('Content-Type') // '', qr{^application/json\b}i,
             'XHR: Content-Type application/json');
    ok t_cmp($res->header('Location') // '', '', 'XHR: no Location');
    my $json = eval { JSON::PP->new->decode($res->content) };
    ok t_cmp(ref $json, 'HASH', 'XHR: the body is a JSON object');
    ok t_cmp($json && $json->{error} // '', 'login required', 'XHR: error "login required"');
    ok t_cmp($json && $json->{login_url} // '', "$LOGIN?next=/home/",
             'XHR: login_url carries next');

    $res = $b->get('/home/?x=1', 'X-Requested-With' => 'XMLHttpRequest');
    $json = eval { JSON::PP->new->decode($res->content) };
    ok t_cmp($json && $json->{login_url} // '', "$LOGIN?next=/home/%3Fx%3D1",
             'XHR: login_url encodes the query');

    $res = $b->get('/home/', 'Sec-Fetch-Mode' => 'cors');
    ok t_cmp($res->code, 401, 'Sec-Fetch-Mode: cors: 401');
    $res = $b->get('/home/', Accept => 'application/json');
    ok t_cmp($res->code, 401, 'Accept: application/json: 401');
    $json = eval { JSON::PP->new->decode($res->content) };
    ok t_cmp($json && $json->{error} // '', 'login required', 'Accept JSON: JSON body');
    $res = $b->get('/home/', Accept => 'application/json, text/html;q=0.5');
    ok t_cmp($res->code, 401, 'Accept preferring JSON over HTML: 401');
    $res = $b->get('/cgi/env.cgi', 'X-Requested-With' => 'XMLHttpRequest');
    ok t_cmp($res->code, 401, 'XHR to the CGI: 401');
}

# ---- logged in: the page, the user, private caching ---------------------

my $name = mkuser(AccountsTest::unique_name('g'));
my $b = logged_in($name);
{
    my $res = $b->get('/home/');
    ok t_cmp($res->code, 200, 'logged in: /home/ 200');
    ok t_cmp($res->content, qr/Hello, \Q$name\E!/, '/home/ greets the user by name');
    ok t_cmp($res->header('Cache-Control') // '', qr/\bprivate\b/i,
             '/home/: Cache-Control private');
    ok t_cmp($res->header('Vary') // '', qr/\bCookie\b/i, '/home/: Vary: Cookie');

    my $mark = 'mark' . int(Time::HiRes::time() * 1000) . $$;
    $res = $b->get("/cgi/env.cgi?$mark");
    ok t_cmp($res->code, 200, 'logged in: the CGI runs');
    ok t_cmp($res->content, qr/^REMOTE_USER=\Q$name\E$/m, 'CGI sees REMOTE_USER');
    ok t_cmp($res->content, qr/^AUTH_TYPE=Accounts$/m, 'CGI sees AUTH_TYPE=Accounts');
    ok t_cmp($res->header('Cache-Control') // '', qr/\bprivate\b/i,
             'CGI response: Cache-Control private');
    ok t_cmp($res->header('Vary') // '', qr/\bCookie\b/i, 'CGI response: Vary: Cookie');

    # The access log's %u field (LogFormat common: %h %l %u %t "%r" %>s %b).
    my $log = Apache::Test::vars('t_logs') . '/access_log';
    my $line = '';
    for (1 .. 50) {
        if (open my $fh, '<', $log) {
            ($line) = grep { index($_, "/cgi/env.cgi?$mark ") >= 0 } <$fh>;
            $line //= '';
        }
        last if length $line;
        Time::HiRes::sleep(0.1);
    }
    my $user = (split / /, $line)[2] // '';
    ok t_cmp($user, $name, 'the access log names the user (%u)');

    $res = $b->get('/home/', 'X-Requested-With' => 'XMLHttpRequest');
    ok t_cmp($res->code, 200, 'logged in: an XHR gets the page too');
}

# ---- logout ---------------------------------------------------------------

{
    my $old = $b->cookie('sessionid') // '';
    ok t_cmp($old, qr/^[A-Za-z0-9_-]{43}$/, 'the browser holds a session token');

    my $res = $b->get('/accounts/logout/');
    ok t_cmp($res->code, 200, 'GET logout/: 200');
    ok t_cmp($res->content, qr{<form method="post"[^>]*>.*?<button[^>]*>Log out</button>}s,
             'GET logout/: a POST form with a Log out button');
    ok t_cmp(set_cookie_for($res, 'sessionid'), '', 'GET logout/: the cookie is kept');
    ok t_cmp($b->get('/home/')->code, 200, 'GET logout/ does not log out');
    ok t_cmp(session_count($name), 1, 'GET logout/: the session row is kept');

    $res = $b->post('/accounts/logout/', []);
    ok t_cmp($res->code, 403, 'POST logout/ without a CSRF token: 403');
    ok t_cmp($b->get('/home/')->code, 200, 'still logged in after the refused POST');
    $res = $b->post('/accounts/logout/', [csrfmiddlewaretoken => 'x' x 64]);
    ok t_cmp($res->code, 403, 'POST logout/ with a wrong CSRF token: 403');
    ok t_cmp(session_count($name), 1, 'refused logouts: the session row is kept');

    $res = $b->logout;
    ok t_cmp($res->code, 303, 'POST logout/ with the token: 303');
    ok t_cmp($res->header('Location') // '', '/accounts/login/',
             'logout: Location is AccountsLogoutRedirect');
    my $sc = set_cookie_for($res, 'sessionid');
    ok t_cmp($sc, qr/^sessionid=;/, 'logout: the session cookie is emptied');
    ok t_cmp($sc, qr/;\s*Max-Age=0(;|$)/i, 'logout: the session cookie expires (Max-Age=0)');
    ok t_cmp($sc, qr/;\s*Path=\/(;|$)/i, 'logout: the expiring cookie has Path=/');
    ok t_cmp(sql1('SELECT count(*) FROM accounts_session WHERE token_hash = '
                  . lit(sha256_hex($old))), 0, 'logout: the session row is deleted');
    ok t_cmp($b->cookie('sessionid') // '', '', 'logout: the browser dropped the cookie');
    ok t_cmp($b->get('/home/')->code, 302, 'after logout: /home/ redirects');
    ok t_cmp(browser_with_session($old)->get('/home/')->code, 302,
             'the cookie saved before logout is dead');
    ok t_cmp(browser_with_session($old)->get('/cgi/env.cgi')->content =~ /REMOTE_USER=\Q$name\E/
             ? 'user' : 'anonymous', 'anonymous', 'the old cookie does not reach the CGI');
    $res = $b->get('/accounts/logout/');
    ok t_cmp($res->code, 200, 'GET logout/ when logged out: 200');
    ok t_cmp($res->content =~ /<button[^>]*>Log out</ ? 'button' : 'no button', 'no button',
             'GET logout/ when logged out: no Log out button');
}

# ---- expiry enforced by the server ----------------------------------------
# (Changed behind the server's back, so on the host without a session
# cache: t/35-cache.t covers how long a cached entry outlives such a
# change.)

{
    my $b2 = logged_in($name, vhost => 'nocache');
    my $tok = $b2->cookie('sessionid') // '';
    ok t_cmp($b2->get('/home/')->code, 200, 'a fresh session opens /home/');
    AccountsTest::sql("UPDATE accounts_session SET expires = now() - interval '1 second'"
                    . ' WHERE token_hash = ' . lit(sha256_hex($tok)));
    my $res = $b2->get('/home/');
    ok t_cmp($res->code, 302, 'session past its expiry (row still there): /home/ redirects');
    ok t_cmp($res->header('Location') // '', "$LOGIN?next=/home/",
             'expired session: to the login page');
    $res = $b2->get('/home/', 'X-Requested-With' => 'XMLHttpRequest');
    ok t_cmp($res->code, 401, 'expired session, XHR: 401');
    $res = $b2->get('/cgi/env.cgi');
    ok t_cmp($res->code, 302, 'expired session: the CGI is not run');

    # Another session of the same user is untouched.
    my $b3 = logged_in($name, vhost => 'nocache');
    ok t_cmp($b3->get('/home/')->code, 200, 'another session of the user still works');
    ok t_cmp($b2->get('/home/')->code, 302, 'the expired one stays dead');
}

# ---- a deactivated user ---------------------------------------------------

{
    my $who = mkuser(AccountsTest::unique_name('d'));
    my $b4 = logged_in($who, vhost => 'nocache');
    my $b5 = logged_in($who, vhost => 'nocache');
    ok t_cmp($b4->get('/home/')->code, 200, 'before deactivation: /home/ 200');
    ok t_cmp(session_count($who), 2, 'two sessions before deactivation');
    my ($rc, $out, $err) = AccountsTest::ctl('deactivate', $who);
    ok t_cmp($rc, 0, "accountsctl deactivate: exit 0 ($err)");
    ok t_cmp(session_count($who), 0, 'deactivation deletes the sessions');
    ok t_cmp($b4->get('/home/')->code, 302, 'deactivated: the existing session stops working');
    ok t_cmp($b5->get('/cgi/env.cgi')->code, 302, 'deactivated: the other session too');

    my $b6 = AccountsTest->browser;
    my $res = $b6->login($who, $PW);
    ok t_cmp($res->code, 200, 'deactivated: login refused (200, the form again)');
    ok t_cmp($res->decoded_content, qr/\Q$BAD\E/, 'deactivated: the generic message');
    ok t_cmp(set_cookie_for($res, 'sessionid'), '', 'deactivated: no session cookie');

    # A session that survives in the table (say, written before the flag
    # flipped) still opens nothing for an inactive user.
    AccountsTest::sql('UPDATE accounts_user SET is_active = true WHERE username = ' . lit($who));
    my $b7 = logged_in($who, vhost => 'nocache');
    AccountsTest::sql('UPDATE accounts_user SET is_active = false WHERE username = ' . lit($who));
    ok t_cmp(session_count($who), 1, 'is_active cleared behind the module: the row remains');
    ok t_cmp($b7->get('/home/')->code, 302, 'but an inactive user\'s session opens nothing');

    ($rc, $out, $err) = AccountsTest::ctl('activate', $who);
    ok t_cmp($rc, 0, 'accountsctl activate: exit 0');
    ok t_cmp(AccountsTest->browser->login($who, $PW)->code, 303, 'activated again: login works');
}
