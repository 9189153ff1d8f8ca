# t/24-django-sessions.t -- AccountsDjangoSessions: a user logged in on a
# Django site (Debian's python3-django, the suite's project
# t/django/manage.py, its tables in the suite's database, its own login
# view run by Django's test client) opens the locations mod_accounts
# guards with Django's session cookie, as Django's user with Django's
# groups and permissions; Django's logout and a password change there end
# it here at once; a tampered, expired or wrongly signed session, or an
# inactive user, opens nothing; our own pages never take it.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 29;

my $PW = AccountsTest::good_password();
my $MANAGE = "$FindBin::Bin/django/manage.py";
*sql1 = \&AccountsTest::sql1;

# Django on the suite's own database, as the superuser over its socket.
sub django {
    my ($code) = @_;
    local $ENV{ACC_DJANGO_DBNAME} = $ENV{ACC_PGDATABASE};
    my ($rc, $out, $err) = AccountsTest::run(undef, '/usr/bin/python3', $MANAGE, 'shell', '-c', $code);
    die "manage.py shell failed ($rc): $err" if $rc;
    chomp $out;
    return $out;
}

# A browser on host VHOST carrying Django's session cookie.
sub with_django {
    my ($key, $vhost) = @_;
    my $b = AccountsTest->browser(vhost => $vhost // 'djsess');
    $b->set_cookie('sessionid', $key);
    return $b;
}

# Log NAME in through Django's own login view; the session key.
sub django_login {
    my ($name, $password) = @_;
    return django(<<"PY");
from django.test import Client
c = Client()
r = c.post('/accounts/login/', {'username': '$name', 'password': '$password'})
assert r.status_code == 302, r.status_code
print(c.cookies['sessionid'].value)
PY
}

{
    local $ENV{ACC_DJANGO_DBNAME} = $ENV{ACC_PGDATABASE};
    my ($rc, $out, $err) = AccountsTest::run(undef, '/usr/bin/python3', $MANAGE, 'migrate', '--noinput');
    ok t_cmp($rc, 0, "Django's own migrate made its tables beside ours") or t_debug($err);
}
# The module's role reads Django's tables (in a real site one role owns
# both; here Django ran as the superuser).
AccountsTest::sql("GRANT SELECT ON django_session, auth_user, auth_group, auth_user_groups,"
                . " auth_permission, django_content_type, auth_group_permissions,"
                . " auth_user_user_permissions TO $ENV{ACC_PGUSER}");

my $p = lc(AccountsTest::unique_name('ds'));
my ($dana, $ed, $off) = ("${p}_dana", "${p}_ed", "${p}_off");
django(<<"PY");
from django.contrib.auth.models import User, Group, Permission
from django.contrib.contenttypes.models import ContentType
User.objects.create_user('$dana', '$dana\@example.com', '$PW')
e = User.objects.create_user('$ed', '', '$PW')
g, _ = Group.objects.get_or_create(name='editors'); g.user_set.add(e)
ct, _ = ContentType.objects.get_or_create(app_label='blog', model='post')
pub, _ = Permission.objects.get_or_create(codename='publish', content_type=ct, defaults={'name': 'Can publish'})
e.user_permissions.add(pub)
User.objects.create_user('$off', '', '$PW')
PY

# ---- a Django login opens the guarded locations ----------------------------

my $key = django_login($dana, $PW);
ok t_cmp($key, qr/^[a-z0-9]{32}$/, "Django's login view made a session");
my $res = with_django($key)->get('/home/');
ok t_cmp($res->code . ' ' . (($res->decoded_content // '') =~ /Hello, \Q$dana\E!/ ? 'greeted' : 'not greeted'),
         '200 greeted', 'its cookie opens a guarded location, as the Django user');
$res = with_django($key)->get('/az/plain/env.cgi');
ok t_cmp($res->code, 200, '... and Require valid-user under AuthType Accounts');
ok t_cmp($res->content, qr/^REMOTE_USER=\Q$dana\E\nAUTH_TYPE=Accounts$/m,
         '... where the CGI sees REMOTE_USER and AUTH_TYPE');
ok t_cmp(with_django($key)->get('/az/group/env.cgi')->code, 403, '... but not a group she is not in');
ok t_cmp(with_django($key, 'default')->get('/home/')->code, 302, 'a host without AccountsDjangoSessions ignores it');
ok t_cmp(with_django($key)->get('/accounts/password/change/')->code, 302,
         'our own pages do not take it (their user is one of ours): login first');

my $ekey = django_login($ed, $PW);
ok t_cmp(with_django($ekey)->get('/az/group/env.cgi')->code, 200, "Django's groups count for Require account-group");
ok t_cmp(with_django($ekey)->get('/az/perm/env.cgi')->code, 200, "... and its permissions (app_label.codename) for account-perm");

# ---- what ends it ---------------------------------------------------------

django(<<"PY");
from django.test import Client
c = Client()
c.cookies['sessionid'] = '$key'
r = c.post('/accounts/logout/')
assert r.status_code == 302, r.status_code
PY
ok t_cmp(with_django($key)->get('/home/')->code, 302, "Django's logout ends it here at once");

$key = django_login($dana, $PW);
ok t_cmp(with_django($key)->get('/home/')->code, 200, 'a new Django login opens it again');
django("from django.contrib.auth.models import User\nu = User.objects.get(username='$dana'); u.set_password('Other-Kettle-5521-slowly'); u.save()");
ok t_cmp(with_django($key)->get('/home/')->code, 302, 'a password change on the Django site ends it here');

$key = django_login($dana, 'Other-Kettle-5521-slowly');
ok t_cmp(with_django($key)->get('/home/')->code, 200, '(the new password logs in on Django, and opens it)');
AccountsTest::sql("UPDATE django_session SET expire_date = now() - interval '1 second' WHERE session_key = '$key'");
ok t_cmp(with_django($key)->get('/home/')->code, 302, 'an expired Django session opens nothing');

$key = django_login($dana, 'Other-Kettle-5521-slowly');
my $data = sql1("SELECT session_data FROM django_session WHERE session_key = '$key'");
(my $tampered = $data) =~ s/^(.)(.)/$1 . ($2 eq 'A' ? 'B' : 'A')/e;
AccountsTest::sql("UPDATE django_session SET session_data = '$tampered' WHERE session_key = '$key'")
    if $tampered =~ /\A[A-Za-z0-9_.:-]+\z/;
ok t_cmp(with_django($key)->get('/home/')->code, 302, 'a session whose data was altered opens nothing');
ok t_cmp(AccountsTest::error_log(), qr/ACC0026: a Django session's data failed its signature check/,
         '... and the error log says so');
AccountsTest::sql("UPDATE django_session SET session_data = '$data' WHERE session_key = '$key'")
    if $data =~ /\A[A-Za-z0-9_.:-]+\z/;
ok t_cmp(with_django($key)->get('/home/')->code, 200, '(the same row as Django signed it opens it)');
ok t_cmp(with_django($key, 'djwrongkey')->get('/home/')->code, 302,
         'under a SECRET_KEY that is not the site\'s, nothing opens');

my $okey = django_login($off, $PW);
django("from django.contrib.auth.models import User\nUser.objects.filter(username='$off').update(is_active=False)");
ok t_cmp(with_django($okey)->get('/home/')->code, 302, 'an inactive user opens nothing');

# Registration here refuses a name the Django site's users have (in any
# case): nobody shuts a Django user out by taking their name first.
{
    my $b = AccountsTest->browser(vhost => 'djsess');
    my $res = $b->register(uc $dana, $PW, '');
    ok t_cmp($res->code . ' ' . ($res->decoded_content =~ /A user with that username already exists\./ ? 'taken' : 'not taken'),
             '200 taken', "registering a Django user's name (another case) is refused as taken");
    ok t_cmp(sql1('SELECT count(*) FROM accounts_user WHERE lower(username) = lower(' . AccountsTest::lit($dana) . ')'),
             0, '... and no user was made');
}

# A Django group whose name holds our separator or X-Remote-Groups' comma
# counts for nothing (it would read as two groups).
my $sly = "${p}_sly";
django(<<"PY");
from django.contrib.auth.models import User, Group
u = User.objects.create_user('$sly', '', '$PW')
Group.objects.create(name='zz\x1feditors').user_set.add(u)
Group.objects.create(name='zz,editors').user_set.add(u)
PY
my $skey = django_login($sly, $PW);
ok t_cmp(with_django($skey)->get('/az/plain/env.cgi')->code, 200, 'a user in oddly named Django groups is logged in');
ok t_cmp(with_django($skey)->get('/az/group/env.cgi')->code, 403,
         '... but "zz\\x1feditors" does not pass for editors');

# A Django user with the name of a user of ours who did not come from
# them may be someone else: REMOTE_USER must not name two people.
my $twin = AccountsTest::mkuser("${p}_twin");
django("from django.contrib.auth.models import User\nUser.objects.create_user('$twin', '', '$PW')");
my $tkey = django_login($twin, $PW);
ok t_cmp(with_django($tkey)->get('/home/')->code, 302,
         'a Django user with the name of one of ours (not imported from them) opens nothing');
ok t_cmp(AccountsTest::error_log(), qr/ACC0029: Django user '\Q$twin\E' has the name of a user of ours/,
         '... and the error log says why');
my ($irc, $iout, $ierr) = AccountsTest::ctl('import-django', '--from',
    "host=$ENV{ACC_PGSOCK} port=$ENV{ACC_PGPORT} dbname=$ENV{ACC_PGDATABASE} user=postgres");
ok t_cmp("$irc $ierr", qr/^1 .*Django groups whose names hold a control character or a comma.*'zz,editors'/,
         'import-django refuses group names ours cannot be (naming them)');
django("from django.contrib.auth.models import Group\nGroup.objects.filter(name__startswith='zz').delete()");
($irc, $iout, $ierr) = AccountsTest::ctl('import-django', '--from',
    "host=$ENV{ACC_PGSOCK} port=$ENV{ACC_PGPORT} dbname=$ENV{ACC_PGDATABASE} user=postgres");
ok t_cmp($irc . ' ' . with_django($tkey)->get('/home/')->code, '0 200',
         'once import-django made ours the Django user, the name is one person and the session opens');

# Our own login still works on the same host, under its own cookie name.
my $ours = AccountsTest::mkuser(AccountsTest::unique_name('dsours'));
my $b = AccountsTest->browser(vhost => 'djsess');
ok t_cmp($b->login($ours, $PW)->code . ' ' . $b->get('/home/')->code, '303 200',
         'our own login on that host, under AccountsCookieName, as before');
