# t/80-authz.t -- AuthType Accounts under httpd's own authorization: every
# Require form of the /az/ locations (user, account-group, account-perm,
# account-staff, account-superuser, RequireAll/Any/None with Require ip),
# anonymous redirects and 401s, our 403 page for logged-in users refused,
# group changes seen at once, and the identity headers (stripped when sent
# by a client, forwarded with AccountsForwardHeaders On).
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use JSON::PP ();
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 183;

my $PW = AccountsTest::good_password();

sub mkuser { my ($name, @opt) = @_; return AccountsTest::mkuser($name, $PW, @opt) }
sub logged_in { return AccountsTest::logged_in($_[0], $PW, @_[1 .. $#_]) }
my $LOGIN = '/accounts/login/';
my $SITE = 'mod_accounts test';

# ---- helpers ----------------------------------------------------------------

# accountsctl for the setup; a failure here is a broken fixture, not a test.
sub ctl_ok {
    my ($rc, $out, $err) = AccountsTest::ctl(@_);
    die "accountsctl @_ failed ($rc): $err" if $rc;
    return $out;
}

sub az { my ($b, $loc, @h) = @_; return $b->get("/az/$loc/env.cgi", @h) }

# A user who satisfies the Require: 200 from the CGI, which sees the user.
# (2 tests)
sub granted {
    my ($b, $loc, $name, $label) = @_;
    my $res = az($b, $loc);
    ok t_cmp($res->code, 200, "$label: 200");
    ok t_cmp($res->content, qr/^REMOTE_USER=\Q$name\E\nAUTH_TYPE=Accounts$/m,
             "$label: the CGI sees REMOTE_USER=$name, AUTH_TYPE=Accounts");
    return $res;
}

# A logged-in user who fails the Require: our 403 page, not a redirect to
# the login page, and the CGI never runs.  (6 tests)
sub forbidden {
    my ($b, $loc, $label) = @_;
    my $res = az($b, $loc);
    ok t_cmp($res->code, 403, "$label: 403");
    ok t_cmp($res->header('Location') // '', '', "$label: no redirect (no Location)");
    ok t_cmp($res->header('Content-Type') // '', qr{^text/html\b}i,
             "$label: Content-Type text/html");
    ok t_cmp($res->content, qr/Forbidden/, "$label: the page says Forbidden");
    ok t_cmp($res->content, qr/\Q$SITE\E/, "$label: our template (the site name)");
    ok t_cmp($res->content =~ /REMOTE_USER=/ ? 'ran' : 'not run', 'not run',
             "$label: the CGI did not run");
    return $res;
}

# ---- the cast -----------------------------------------------------------------

my $plain   = mkuser(AccountsTest::unique_name('azp'));
my $ed      = mkuser(AccountsTest::unique_name('aze'));
my $wr      = mkuser(AccountsTest::unique_name('azw'));
my $staff   = mkuser(AccountsTest::unique_name('azs'), '--staff');
my $edstaff = mkuser(AccountsTest::unique_name('azes'), '--staff');
my $su      = mkuser(AccountsTest::unique_name('azsu'), '--superuser');
my $both    = mkuser(AccountsTest::unique_name('azb'));   # publish via group + delete direct
my $del     = mkuser(AccountsTest::unique_name('azd'));   # delete only
my $direct  = mkuser(AccountsTest::unique_name('azdp'));  # publish granted directly
my $leaver  = mkuser(AccountsTest::unique_name('azl'));   # leaves editors mid-session
my $banned  = mkuser(AccountsTest::unique_name('azx'));
my $fw      = AccountsTest::unique_name('azf');
my $fwmail  = "$fw\@example.com";
mkuser($fw, '--email', $fwmail);

my $ALICE = 'authz_alice';
{
    local $ENV{ACCOUNTS_PASSWORD_HASH} = 'm=1024 t=1 p=1';
    my ($rc, $out, $err) = AccountsTest::createuser($ALICE, $PW);
    die "createuser $ALICE failed ($rc): $err" if $rc && $err !~ /already exists/;
}

ctl_ok('group', 'add', 'editors', $ed, $edstaff, $both, $leaver, $fw);
ctl_ok('group', 'add', 'writers', $wr, $fw);
ctl_ok('group', 'add', 'banned', $banned);
ctl_ok('perm', 'grant', 'blog.publish', '--group', 'editors');
ctl_ok('perm', 'grant', 'blog.delete', '--user', $both);
ctl_ok('perm', 'grant', 'blog.delete', '--user', $del);
ctl_ok('perm', 'grant', 'blog.publish', '--user', $direct);

# ---- anonymous: 302 to the login page, 401 JSON for XHR ----------------------

{
    my $b = AccountsTest->browser;
    for my $loc (qw(valid user group groups perm perms staff super all any none fwd)) {
        my $res = az($b, $loc);
        ok t_cmp($res->code, 302, "anonymous /az/$loc/: 302");
        ok t_cmp($res->header('Location') // '', "$LOGIN?next=/az/$loc/env.cgi",
                 "anonymous /az/$loc/: to the login page with next");
    }

    my $res = $b->get('/az/perm/env.cgi?x=1&y=2');
    ok t_cmp($res->header('Location') // '', "$LOGIN?next=/az/perm/env.cgi%3Fx%3D1%26y%3D2",
             'anonymous: next carries the query, encoded');

    for my $loc (qw(valid group)) {
        $res = az($b, $loc, 'X-Requested-With' => 'XMLHttpRequest');
        ok t_cmp($res->code, 401, "anonymous XHR /az/$loc/: 401");
        ok t_cmp($res->header('Content-Type') // '', qr{^application/json\b}i,
                 "anonymous XHR /az/$loc/: JSON");
        my $json = eval { JSON::PP->new->decode($res->content) };
        ok t_cmp($json && $json->{error} // '', 'login required',
                 "anonymous XHR /az/$loc/: error \"login required\"");
        ok t_cmp($json && $json->{login_url} // '', "$LOGIN?next=/az/$loc/env.cgi",
                 "anonymous XHR /az/$loc/: login_url");
    }

    # Require ip 127.0.0.1 is our client: in without a login.
    $res = az($b, 'anyip');
    ok t_cmp($res->code, 200, 'anonymous /az/anyip/ (Require ip 127.0.0.1): 200');
    ok t_cmp($res->content, qr/^REMOTE_USER=$/m, 'anonymous /az/anyip/: no REMOTE_USER');
}

# ---- Require valid-user and Require user --------------------------------------

my $bp = logged_in($plain);
granted($bp, 'valid', $plain, 'valid-user, any logged-in user');

my $ba = logged_in($ALICE);
granted($ba, 'user', $ALICE, "Require user $ALICE: $ALICE");
forbidden($bp, 'user', "Require user $ALICE: another user");

# ---- account-group -------------------------------------------------------------

my $be = logged_in($ed);
my $bw = logged_in($wr);
granted($be, 'group', $ed, 'account-group editors: a member');
forbidden($bw, 'group', 'account-group editors: a writer only');
forbidden($bp, 'group', 'account-group editors: no groups');
granted($be, 'groups', $ed, 'account-group editors writers: an editor');
granted($bw, 'groups', $wr, 'account-group editors writers: a writer');
forbidden($bp, 'groups', 'account-group editors writers: neither');

# ---- account-perm ----------------------------------------------------------------

my $bsu = logged_in($su);
my $bboth = logged_in($both);
my $bdel = logged_in($del);
my $bdirect = logged_in($direct);
granted($be, 'perm', $ed, 'account-perm blog.publish: granted through group editors');
granted($bdirect, 'perm', $direct, 'account-perm blog.publish: granted to the user');
forbidden($bp, 'perm', 'account-perm blog.publish: no grant');
forbidden($bdel, 'perm', 'account-perm blog.publish: only blog.delete');
granted($bsu, 'perm', $su, 'account-perm blog.publish: a superuser without grants');
forbidden($be, 'perms', 'account-perm blog.publish blog.delete: only blog.publish');
forbidden($bdel, 'perms', 'account-perm blog.publish blog.delete: only blog.delete');
granted($bboth, 'perms', $both, 'account-perm blog.publish blog.delete: both (group + user)');
granted($bsu, 'perms', $su, 'account-perm blog.publish blog.delete: a superuser');

# ---- account-staff, account-superuser, RequireAll ------------------------------

my $bs = logged_in($staff);
my $bes = logged_in($edstaff);
granted($bs, 'staff', $staff, 'account-staff: staff');
forbidden($bp, 'staff', 'account-staff: not staff');
granted($bsu, 'super', $su, 'account-superuser: a superuser');
forbidden($bs, 'super', 'account-superuser: staff only');
granted($bes, 'all', $edstaff, 'RequireAll editors + staff: both');
forbidden($be, 'all', 'RequireAll editors + staff: an editor, not staff');
forbidden($bs, 'all', 'RequireAll editors + staff: staff, not an editor');

# ---- RequireAny with Require ip ---------------------------------------------------

forbidden($bp, 'any', 'RequireAny superuser / ip 127.0.0.2: not a superuser');
granted($bsu, 'any', $su, 'RequireAny superuser / ip 127.0.0.2: a superuser');
{
    my $res = az($bp, 'anyip');
    ok t_cmp($res->code, 200, 'RequireAny superuser / ip 127.0.0.1: a non-superuser gets in');
}

# ---- RequireNone -------------------------------------------------------------------

my $bx = logged_in($banned);
granted($bp, 'none', $plain, 'RequireNone banned: not a member');
forbidden($bx, 'none', 'RequireNone banned: a member of banned');

# ---- group removal takes effect at once (without a session cache; with one,
# within its TTL: t/35-cache.t) ---------------------------------------------

{
    my $bl = logged_in($leaver, vhost => 'nocache');
    granted($bl, 'group', $leaver, 'before leaving editors: /az/group/');
    ctl_ok('group', 'remove', 'editors', $leaver);
    forbidden($bl, 'group', 'after group remove, same session: /az/group/');
    forbidden($bl, 'perm', 'after group remove: the group permission is gone too');
}

# ---- identity headers ----------------------------------------------------------------

my @forged = (
    'X-Remote-User'   => 'mallory',
    'X-Remote-Email'  => 'mallory@evil.example',
    'X-Remote-Groups' => 'mallory-admins,editors',
    ':X_Remote_User'  => 'mallory',   # ':' keeps LWP from rewriting the name
    ':x-REMOTE-user'  => 'mallory',
);

{
    my $res = $bp->get('/az/valid/env.cgi', @forged);
    ok t_cmp($res->code, 200, 'forged identity headers, no forwarding: 200');
    ok t_cmp($res->content, qr/^REMOTE_USER=\Q$plain\E$/m, '... REMOTE_USER is the real user');
    ok t_cmp($res->content =~ /mallory/i ? 'forged' : 'clean', 'clean',
             '... no forged value reaches the CGI');
    ok t_cmp($res->content, qr/^HTTP_X_REMOTE_USER=$/m, '... no X-Remote-User at all');

    my $bf = logged_in($fw);
    $res = $bf->get('/az/fwd/env.cgi', @forged);
    ok t_cmp($res->code, 200, 'forged identity headers, AccountsForwardHeaders On: 200');
    ok t_cmp($res->content =~ /mallory/i ? 'forged' : 'clean', 'clean',
             'forwarding: no forged value reaches the CGI');
    ok t_cmp($res->content, qr/^REMOTE_USER=\Q$fw\E$/m, 'forwarding: REMOTE_USER');
    ok t_cmp($res->content, qr/^HTTP_X_REMOTE_USER=\Q$fw\E$/m,
             'forwarding: X-Remote-User is the real user');
    ok t_cmp($res->content, qr/^HTTP_X_REMOTE_EMAIL=\Q$fwmail\E$/m,
             'forwarding: X-Remote-Email is the user\'s email');
    ok t_cmp($res->content, qr/^HTTP_X_REMOTE_GROUPS=editors,writers$/m,
             'forwarding: X-Remote-Groups lists the groups in name order');
    ok t_cmp($res->content, qr/^REMOTE_EMAIL=\Q$fwmail\E$/m, 'forwarding: REMOTE_EMAIL');
    ok t_cmp($res->content, qr/^REMOTE_GROUPS=editors,writers$/m, 'forwarding: REMOTE_GROUPS');

    $res = $bp->get('/az/fwd/env.cgi', @forged);
    ok t_cmp($res->content, qr/^HTTP_X_REMOTE_USER=\Q$plain\E$/m,
             'forwarding, a user without groups: X-Remote-User');
    ok t_cmp($res->content, qr/^HTTP_X_REMOTE_GROUPS=$/m,
             'forwarding, a user without groups: X-Remote-Groups empty, not forged');

    $res = $bp->get('/cgi/env.cgi', @forged);
    ok t_cmp($res->code, 200, 'forged identity headers on the guarded /cgi/: 200');
    ok t_cmp($res->content, qr/^REMOTE_USER=\Q$plain\E$/m, '/cgi/: REMOTE_USER is the real user');
    ok t_cmp($res->content =~ /mallory/i ? 'forged' : 'clean', 'clean',
             '/cgi/: no forged value reaches the CGI');
}

# ---- the access log names the user -----------------------------------------------------

{
    my $mark = 'azmark' . int(Time::HiRes::time() * 1000) . $$;
    my $res = $be->get("/az/group/env.cgi?$mark");
    ok t_cmp($res->code, 200, 'a marked /az/ request: 200');
    my $log = Apache::Test::vars('t_logs') . '/access_log';
    my $line = '';
    for (1 .. 50) {
        if (open my $fh, '<', $log) {
            ($line) = grep { index($_, "/az/group/env.cgi?$mark ") >= 0 } <$fh>;
            $line //= '';
        }
        last if length $line;
        Time::HiRes::sleep(0.1);
    }
    ok t_cmp((split / /, $line)[2] // '', $ed, 'the access log names the user (%u) for /az/');
}
