# t/70-seed-flow.t -- the seed tutorial's whole flow, as one person in one
# browser: the start of the site, register, log in, the guarded home page,
# log out, and the home page closed again.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 16;

my $b = AccountsTest->browser;
my $name = AccountsTest::unique_name('seed');
my $pw = AccountsTest::good_password();

# Visit /home/ first, like someone following a link.
my $res = $b->get('/home/');
ok t_cmp($res->code, 302, 'home sends an anonymous visitor away');
ok t_cmp($res->header('Location'), '/accounts/login/?next=/home/', '... to the login page with next');

# "Create a new account" link on the login page.
$res = $b->get('/accounts/login/?next=/home/');
ok t_cmp($res->content, qr{href="/accounts/register/"}, 'the login page links to registration');

$res = $b->register($name, $pw, "$name\@example.com");
ok t_cmp($res->code, 303, 'registration succeeds');
ok t_cmp($res->header('Location'), '/accounts/login/', '... and sends you to log in (the seed\'s redirect)');

$res = $b->get('/accounts/login/?next=/home/');
ok t_cmp($res->content, qr{name="next" value="/home/"}, 'the login form carries next');
my $token = AccountsTest::token_in($res->content);
$res = $b->post('/accounts/login/', [csrfmiddlewaretoken => $token,
                                     username => $name, password => $pw,
                                     next => '/home/']);
ok t_cmp($res->code, 303, 'login succeeds');
ok t_cmp($res->header('Location'), '/home/', '... back to where you were going');

$res = $b->get('/home/');
ok t_cmp($res->code, 200, 'home is open to you now');
ok t_cmp($res->content, qr{Hello, \Q$name\E!}, '... and greets you by name');

$res = $b->get('/accounts/login/');
ok t_cmp($res->content, qr{Logged in as <strong>\Q$name\E</strong>}, 'pages know who you are');

$res = $b->get('/accounts/logout/');
ok t_cmp($res->code, 200, 'the logout page asks first');
ok t_cmp($b->get('/home/')->code, 200, '... and looking at it logs nobody out');

$res = $b->logout;
ok t_cmp($res->code, 303, 'logout');
ok t_cmp($res->header('Location'), '/accounts/login/', '... back to the login page (the seed\'s LOGOUT_REDIRECT_URL)');
ok t_cmp($b->get('/home/')->code, 302, 'home is closed again');
