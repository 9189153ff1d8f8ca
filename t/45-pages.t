# t/45-pages.t -- what the pages carry for browsers: the strict default
# Content-Security-Policy (and its directive), our static files (stylesheet,
# script, icon) with their types, no inline script or style in any
# template, one-time messages in a signed cookie, the accessibility
# attributes of a form with errors, and /.well-known/change-password (and
# the directive that turns it off).
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 27;

my $CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
        . "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

# ---- the policy ----------------------------------------------------------------

my $b = AccountsTest->browser;
my $res = $b->get('/accounts/login/');
ok t_cmp($res->header('Content-Security-Policy') // '', $CSP, 'login page: the strict default policy');
$res = $b->get('/accounts/no-such-page/');
ok t_cmp($res->header('Content-Security-Policy') // '', $CSP, 'the 404 page too');

my $other = AccountsTest->browser(vhost => 'otherorigin');
ok t_cmp($other->get('/accounts/login/')->header('Content-Security-Policy') // '',
         qr/form-action 'self' https:\/\/app\.example\.org;/,
         'a login redirect to another site: its origin in form-action');

my $off = AccountsTest->browser(vhost => 'pagesoff');
$res = $off->get('/accounts/login/');
ok t_cmp(defined $res->header('Content-Security-Policy') ? 'a policy' : 'none', 'none',
         'AccountsContentSecurityPolicy none: no header');
ok t_cmp($res->header('X-Frame-Options') // '', 'DENY', '... the other headers stay');

# ---- no inline script or style anywhere ---------------------------------------

my @inline;
for my $file (glob "$FindBin::Bin/../templates/*.html") {
    open my $fh, '<', $file or die "$file: $!";
    my $text = do { local $/; <$fh> };
    push @inline, "$file: <script> without src" if $text =~ /<script(?![^>]*\bsrc=)[^>]*>/i;
    push @inline, "$file: <style>" if $text =~ /<style\b/i;
    push @inline, "$file: style=" if $text =~ /\sstyle\s*=/i;
    push @inline, "$file: on...= handler" if $text =~ /\son[a-z]+\s*=/i;
}
ok t_cmp(join(' | ', @inline), '', 'no template holds inline script, style or handlers');

# ---- our static files ---------------------------------------------------------------

for (['accounts.css', qr{^text/css}], ['accounts.js', qr{^text/javascript}],
     ['favicon.svg', qr{^image/svg\+xml}]) {
    my ($name, $type) = @$_;
    $res = $b->get("/accounts/static/$name");
    ok t_cmp($res->code . ' ' . ($res->header('Content-Type') // ''), qr/^200 /, "static/$name: 200");
    ok t_cmp($res->header('Content-Type') // '', $type, "static/$name: its type");
}
my $page = $b->get('/accounts/login/')->decoded_content // '';
ok t_cmp($page, qr{<link rel="icon" href="/accounts/static/favicon\.svg"}, 'pages name their icon');
ok t_cmp($page, qr{<script src="/accounts/static/accounts\.js" defer></script>}, 'and our one script');

# ---- one-time messages ----------------------------------------------------------------

my $name = AccountsTest::unique_name('flash');
my $nb = AccountsTest->browser;
$res = $nb->register($name);
ok t_cmp($res->code, 303, 'register: 303');
ok t_cmp(join(' ', $res->header('Set-Cookie')), qr/\baccounts_msg=registered\.[^;]+; Max-Age=60;/,
         '... with a short-lived message cookie');
ok t_cmp(join(' ', $res->header('Location')), qr{^/accounts/login/}, '... to the login page');
$page = $nb->get('/accounts/login/')->decoded_content // '';
ok t_cmp($page, qr/Your account has been created\. You can log in now\./, 'the login page says the account was made');
$page = $nb->get('/accounts/login/')->decoded_content // '';
ok t_cmp($page =~ /Your account has been created/ ? 'again' : 'once', 'once', '... once');

my $forger = AccountsTest->browser;
$forger->get('/accounts/login/');
# Issued now, so only the signature can refuse it.
$forger->set_cookie(accounts_msg => 'logged_out.' . time() . '.AAAAAAAAAAAAAAAAAAAAAA.' . ('A' x 43));
$page = $forger->get('/accounts/login/')->decoded_content // '';
ok t_cmp($page =~ /You have been logged out/ ? 'shown' : 'not shown', 'not shown',
         'a forged message cookie shows nothing');

$nb->login($name);
$res = $nb->logout;
ok t_cmp($res->code, 303, 'logout: 303');
$page = $nb->get('/accounts/login/')->decoded_content // '';
ok t_cmp($page, qr/You have been logged out\./, 'the next page says so');

# ---- a form with errors, for assistive technology -------------------------------------------

$res = AccountsTest->browser->submit('/accounts/login/', username => '', password => '');
$page = $res->decoded_content // '';
ok t_cmp($page, qr/<div class="errorsummary" role="alert" id="errors" tabindex="-1" autofocus>/,
         'the error summary is announced and takes the focus');
my ($user) = $page =~ /(<input type="text" name="username"[^>]*>)/;
ok t_cmp($user // '', qr/aria-invalid="true" aria-describedby="id_username_errors"/,
         'the failing field is aria-invalid, described by its errors');
ok t_cmp($page, qr/<div id="id_username_errors"><span class="error">This field is required\.<\/span><\/div>/,
         '... which sit next to it');

# ---- /.well-known/change-password --------------------------------------------------------------

$res = AccountsTest->browser->get('/.well-known/change-password');
ok t_cmp($res->code . ' ' . ($res->header('Location') // ''), '302 /accounts/password/change/',
         '/.well-known/change-password: 302 to the change page');
ok t_cmp($off->get('/.well-known/change-password')->code, 404,
         'AccountsWellKnownChangePassword Off: not ours (404)');
