# t/37-subrequests.t -- the session looked up first by a subrequest: an
# open SSI page including guarded fragments, and an open listing
# (mod_autoindex) of a folder whose files are guarded.  A subrequest's
# pool ends before its page does, so whatever the lookup keeps for the
# rest of the request must not live there: every fragment sees the same
# user and groups, and nothing reads freed memory (scripts/test --asan
# fails on any sanitizer report).
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 12;

sub body { my ($res) = @_; return $res->decoded_content // '' }

my $user = AccountsTest::mkuser(AccountsTest::unique_name('sub'));
my $group = AccountsTest::unique_name('sg');
my ($rc, $out, $err) = AccountsTest::ctl('group', 'add', $group, $user);
die "group add: $err" if $rc;

my $b = AccountsTest::logged_in($user);

# Three includes of a guarded CGI from an open page, many times over: the
# first include resolves the session, the next ones reuse its answer.
my ($good, $bad) = (0, 0);
my $sample = '';
for (1 .. 20) {
    my $res = $b->get('/sub/two.html');
    my $html = body($res);
    my @users = $html =~ /^(?:<pre>)?REMOTE_USER=(.*)$/mg;
    my @groups = $html =~ /^(?:<pre>)?REMOTE_GROUPS=(.*)$/mg;
    if ($res->code == 200 && @users == 3
        && !grep({ $_ ne $user } @users) && !grep({ $_ ne $group } @groups)
        && @groups == 3) {
        $good++;
    }
    else {
        $bad++;
        $sample ||= $res->code . "\n" . $html;
    }
}
ok t_cmp($bad, 0, 'every guarded fragment of the page saw the same user and groups')
    or print STDERR "# first bad page: $sample\n";
ok t_cmp($good, 20, '... 20 pages of three fragments each');

# Anonymous: the fragments are refused, the open page is still served.
my $anon = AccountsTest->browser;
my $res = $anon->get('/sub/two.html');
ok t_cmp($res->code, 200, 'anonymous: the open page is served');
ok t_cmp(body($res) !~ /REMOTE_USER=/, 1, '... without any guarded fragment');

# A listing of a folder of guarded files: mod_autoindex looks each file up
# with a subrequest, which runs the guard.
my $listed = 0;
for (1 .. 10) {
    $res = $b->get('/sub/list/');
    my $html = body($res);
    $listed++ if $res->code == 200 && 4 == grep { $html =~ /\Q$_\E/ } qw(g1.txt g2.txt g3.txt o.txt);
}
ok t_cmp($listed, 10, 'logged in: the listing of guarded files is whole, 10 times');
$res = $b->get('/sub/list/g2.txt');
ok t_cmp($res->code, 200, '... and a guarded file in it opens');
ok t_cmp(body($res), qr/guarded g2/, '... with its content');
$res = $anon->get('/sub/list/');
ok t_cmp($res->code, 200, 'anonymous: the listing is served');
$res = $anon->get('/sub/list/g2.txt');
ok t_cmp($res->code, 302, '... but a guarded file in it redirects to the login page');

# The session survives all that: a guarded page still knows the user, and
# a logout ends it for the fragments too.
$res = $b->get('/home/');
ok t_cmp(body($res), qr/Hello, \Q$user\E!/, 'the guarded home page still greets the user');
$b->logout;
$res = $b->get('/sub/two.html');
ok t_cmp(body($res) !~ /REMOTE_USER=/, 1, 'after logout the fragments are refused');
ok t_cmp(AccountsTest::error_log() !~ /AddressSanitizer|runtime error:/, 1,
         'no sanitizer report in the error log');
