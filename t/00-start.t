# t/00-start.t -- the module loads and answers; schema and database
# trouble give clear 503 pages, never a crash.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Apache::TestRequest qw(GET);

plan tests => 13;

my $res = GET '/accounts/login/';
ok t_cmp($res->code, 200, 'login page answers 200');
ok t_cmp($res->content, qr/name="csrfmiddlewaretoken"/, 'login form has a CSRF token');
ok t_cmp($res->header('Content-Type'), qr{^text/html; charset=utf-8}i, 'pages are UTF-8 HTML');

# An unmigrated database: every accounts page says to run migrate.
Apache::TestRequest::module('fresh');
$res = GET '/accounts/login/';
ok t_cmp($res->code, 503, 'unmigrated database: 503');
ok t_cmp($res->content, qr/accountsctl migrate/, '503 page names accountsctl migrate');
$res = GET '/accounts/register/';
ok t_cmp($res->code, 503, 'unmigrated database: register also 503');

# A database that is not there: a 503 page, not a crash.
Apache::TestRequest::module('baddb');
$res = GET '/accounts/login/';
ok t_cmp($res->code, 503, 'unreachable database: 503');
ok t_cmp($res->content, qr/temporarily unavailable/i, 'unreachable database: says so');
$res = GET '/home/', redirect_ok => 0;
ok t_cmp($res->code, 302, 'guarded page, no cookie: redirect without asking the database');
$res = GET '/home/', redirect_ok => 0, Cookie => 'sessionid=' . ('A' x 43);
ok t_cmp($res->code, 503, 'guarded page with a cookie and the database down: 503, not an open door');

Apache::TestRequest::module('default');
$res = GET '/accounts/login/';
ok t_cmp($res->code, 200, 'still answering after the errors');

# The error log names the fix.
my $log = do { local (@ARGV, $/) = (Apache::Test::vars('t_logs') . '/error_log'); <> };
ok t_cmp($log, qr/run 'accountsctl migrate'/, 'error log says to run accountsctl migrate');
ok t_cmp(($log =~ /exit signal/ ? 'crashed' : 'no crash'), 'no crash', 'no httpd child crashed');
