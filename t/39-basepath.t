# t/39-basepath.t -- the accounts pages are where SetHandler accounts put
# them, whatever other sections hold Accounts directives.
#
# The rootfwd host has <Location /> AccountsForwardHeaders On around the
# main server's <Location /accounts/> SetHandler accounts: the innermost
# section with an Accounts directive is then "/", which once made every
# accounts page a 404.  The rootacc host serves the pages at its root.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 13;

sub body { my ($res) = @_; return $res->decoded_content // '' }

my $user = AccountsTest::mkuser(AccountsTest::unique_name('base'));

my $b = AccountsTest->browser(vhost => 'rootfwd');
my $res = $b->get('/accounts/login/');
ok t_cmp($res->code, 200, '<Location /> with an Accounts directive: the login page answers 200');
ok t_cmp(body($res), qr/name="csrfmiddlewaretoken"/, '... with its form');
ok t_cmp(body($res), qr{href="/accounts/static/accounts\.css"}, '... linking our stylesheet under /accounts/');
ok t_cmp(body($res), qr{href="/accounts/register/"}, '... and the registration page under /accounts/');
ok t_cmp($b->get('/accounts/static/accounts.css')->code, 200, 'the stylesheet answers 200');
ok t_cmp($b->get('/accounts/register/')->code, 200, 'the registration page answers 200');
$res = $b->login($user);
ok t_cmp($res->code, 303, 'a login there: 303');
ok t_cmp($b->get('/home/')->code, 200, '... and the guarded page opens');
ok t_cmp($b->get('/accounts/nosuch/')->code, 404, 'an unknown page under /accounts/: 404');

my $r = AccountsTest->browser(vhost => 'rootacc');
$res = $r->get('/login/');
ok t_cmp($res->code, 200, 'the pages at the root of a host: /login/ answers 200');
ok t_cmp(body($res), qr{href="/static/accounts\.css"}, '... linking /static/accounts.css');
ok t_cmp($r->get('/static/accounts.css')->code, 200, '... which answers 200');
ok t_cmp($r->submit('/login/', username => $user, password => AccountsTest::good_password())->code,
         303, 'a login at /login/: 303');
