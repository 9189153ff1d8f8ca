# t/81-authz-final.t -- Require account-* decide about the user httpd
# authenticated, and our 403 page is the answer to the final decision
# only.
#
# - Under AuthType Basic, `Require account-group editors` judges the Basic
#   user, never whoever owns the session cookie sent alongside.
# - Inside <RequireAny>, an account-* line that fails before a line that
#   grants leaves nothing behind: a later 403 of the content itself (a CGI
#   httpd may not run) is httpd's own, not our "your account is not
#   allowed" page.
# - A logged-in user refused at the end still gets our 403 page, with no
#   WWW-Authenticate challenge.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;
use Digest::SHA ();
use MIME::Base64 ();

plan tests => 20;

sub body { my ($res) = @_; return $res->decoded_content // '' }
sub ctl_ok {
    my ($rc, $out, $err) = AccountsTest::ctl(@_);
    die "accountsctl @_ failed ($rc): $err" if $rc;
    return $out;
}

my $editor = AccountsTest::mkuser(AccountsTest::unique_name('ed'));
my $plain = AccountsTest::mkuser(AccountsTest::unique_name('pl'));
ctl_ok('group', 'add', 'editors', $editor);

# A Basic user, not an accounts user, and one with the editor's name.
my $htpasswd = Apache::Test::vars('t_logs') . '/htpasswd';
open my $fh, '>', $htpasswd or die "$htpasswd: $!";
for my $u ('basicbob', $editor) {
    print $fh "$u:{SHA}" . MIME::Base64::encode_base64(Digest::SHA::sha1('basic-pw'), '') . "\n";
}
close $fh;
sub basic { return 'Basic ' . MIME::Base64::encode_base64("$_[0]:basic-pw", '') }

my $b = AccountsTest::logged_in($editor);
my $res = $b->get('/az/group/env.cgi');
ok t_cmp($res->code, 200, 'the editor passes Require account-group editors under AuthType Accounts');

# ---- another AuthType ----------------------------------------------------
$res = $b->get('/azbasic/env.cgi', Authorization => basic('basicbob'));
ok t_cmp($res->code, qr/^40[13]$/, "Basic user basicbob with the editor's session cookie is refused");
ok t_cmp(body($res) =~ /REMOTE_USER=/ ? 'ran' : 'not run', 'not run', '... and the CGI did not run');
$res = $b->get('/azbasic/env.cgi', Authorization => basic($editor));
ok t_cmp($res->code, 200, "the Basic user who is the session's user is judged by the session's groups: 200");
ok t_cmp(body($res), qr/^REMOTE_USER=\Q$editor\E$/m, '... as that user');
my $anon = AccountsTest->browser;
$res = $anon->get('/azbasic/env.cgi', Authorization => basic('basicbob'));
ok t_cmp($res->code, qr/^40[13]$/, 'Basic user basicbob with no session is refused');

# ---- AccountsLoginRequired around AuthType Basic -------------------------
# The session must not stand in for the Basic user: with the editor's
# cookie and no Basic credentials, 'Require user basicbob' still asks for
# them.
$res = $b->get('/lrbasic/env.cgi');
ok t_cmp($res->code, 401, "AccountsLoginRequired + AuthType Basic: a session alone gets the Basic challenge");
ok t_cmp(body($res) =~ /REMOTE_USER=/ ? 'ran' : 'not run', 'not run', '... and the CGI did not run');
AccountsTest::mkuser('basicbob')
    unless AccountsTest::sql1("SELECT 1 FROM accounts_user WHERE username = 'basicbob'");
my $bob = AccountsTest::logged_in('basicbob');
$res = $bob->get('/lrbasic/env.cgi');
ok t_cmp($res->code, 401, "... even when the session's user has the required user's name");
$res = $b->get('/lrbasic/env.cgi', Authorization => basic('basicbob'));
ok t_cmp($res->code, 200, 'a session and the Basic login: 200');
ok t_cmp(body($res), qr/^REMOTE_USER=basicbob$/m, '... as the Basic user');
$res = $anon->get('/lrbasic/env.cgi', Authorization => basic('basicbob'));
ok t_cmp($res->code, 302, 'the Basic login without a session: sent to the login page');

# ---- RequireAny granting on its second line -------------------------------
# /az/anygrp/: RequireAny of account-superuser (the editor fails it) and
# account-group editors (the editor passes).
$res = $b->get('/az/anygrp/env.cgi');
ok t_cmp($res->code, 200, 'RequireAny: account-superuser fails, account-group editors grants: 200');
ok t_cmp(body($res), qr/^REMOTE_USER=\Q$editor\E$/m, '... as the editor');
# The location itself is the CGI directory: mod_cgid refuses to run it,
# with a 403 of its own.
$res = $b->get('/az/anygrp/');
ok t_cmp($res->code, 403, 'a 403 of the content behind that RequireAny (a directory run as a CGI)');
ok t_cmp(body($res) !~ /not allowed to see this page/ ? 'httpd' : 'ours', 'httpd',
         "... is httpd's own page, not our account page");

my $p = AccountsTest::logged_in($plain);
# ---- refused at the end ----------------------------------------------------
$res = $p->get('/az/super/env.cgi');
ok t_cmp($res->code, 403, 'a logged-in user refused by Require account-superuser: 403');
ok t_cmp(body($res), qr/not allowed to see this page/, '... with our page');
ok t_cmp($res->header('WWW-Authenticate') // '', '', '... and no WWW-Authenticate challenge');
my $log = AccountsTest::error_log();
ok t_cmp(($log =~ /exit signal/ ? 'crashed' : 'no crash'), 'no crash', 'no httpd child crashed');
