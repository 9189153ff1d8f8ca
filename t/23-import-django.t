# t/23-import-django.t -- accountsctl import-django: a real Django site's
# users, groups and permissions (Debian's python3-django, the suite's
# project t/django/manage.py, its tables made by its own `migrate` in a
# database of their own) copied into ours; the users log in with the
# passwords Django hashed; a second import updates and never duplicates;
# what is not Django's, and names that differ only in case, are refused
# with nothing imported.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 32;

my $PW = AccountsTest::good_password();
my $MANAGE = "$FindBin::Bin/django/manage.py";
my $DB = 'dj_' . lc(AccountsTest::unique_name('imp'));
*lit = \&AccountsTest::lit;
*sql1 = \&AccountsTest::sql1;

sub django {
    my ($code) = @_;
    local $ENV{ACC_DJANGO_DBNAME} = $DB;
    my ($rc, $out, $err) = AccountsTest::run(undef, '/usr/bin/python3', $MANAGE,
                                             'shell', '-c', $code);
    die "manage.py shell failed ($rc): $err" if $rc;
    return $out;
}

sub import_from {
    my ($db) = @_;
    return AccountsTest::ctl('import-django', '--from',
        "host=$ENV{ACC_PGSOCK} port=$ENV{ACC_PGPORT} dbname=$db user=postgres");
}

# Our tables' view of a user: "active superuser staff email groups perms".
sub ours {
    my ($name) = @_;
    return sql1(
        "SELECT concat_ws(' ', u.is_active, u.is_superuser, u.is_staff, u.email,"
      . " coalesce((SELECT string_agg(g.name, ',' ORDER BY g.name) FROM accounts_user_groups ug"
      . "  JOIN accounts_group g ON g.id = ug.group_id WHERE ug.user_id = u.id), '-'),"
      . " coalesce((SELECT string_agg(p.codename, ',' ORDER BY p.codename) FROM accounts_user_permissions up"
      . "  JOIN accounts_permission p ON p.id = up.permission_id WHERE up.user_id = u.id), '-'))"
      . ' FROM accounts_user u WHERE u.username = ' . lit($name));
}

sub count_of { sql1("SELECT count(*) FROM $_[0]") }

sub stored { sql1('SELECT password FROM accounts_user WHERE username = ' . lit($_[0])) }

my $p = lc(AccountsTest::unique_name('dj'));
my ($alice, $bob, $carol, $dave, $eve) = map { "${p}_$_" } qw(alice bob carol dave eve);
my ($editors, $readers) = ("${p}_editors", "${p}_readers");

# ---- a Django site ---------------------------------------------------------

AccountsTest::sql("CREATE DATABASE $DB", 'postgres');
{
    local $ENV{ACC_DJANGO_DBNAME} = $DB;
    my ($rc, $out, $err) = AccountsTest::run(undef, '/usr/bin/python3', $MANAGE, 'migrate', '--noinput');
    ok t_cmp($rc, 0, "Django's own migrate made its tables") or t_debug($err);
}
django(<<"PY");
from django.contrib.auth.models import User, Group, Permission
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
a = User.objects.create_user('$alice', '$alice\@example.com', '$PW', first_name='Alice', last_name='A')
b = User.objects.create_user('$bob', '$bob\@example.com')
b.password = make_password('$PW', hasher='argon2'); b.save()
c = User.objects.create_user('$carol', '$carol\@example.com')
c.password = make_password('$PW', hasher='bcrypt_sha256'); c.save()
User.objects.create_user('$dave', '', '$PW', is_active=False)
User.objects.create_superuser('$eve', '$eve\@example.com', '$PW')
ct = ContentType.objects.create(app_label='blog', model='${p}post')
publish = Permission.objects.create(codename='${p}_publish', name='Can publish', content_type=ct)
ed = Group.objects.create(name='$editors'); ed.user_set.add(a, b); ed.permissions.add(publish)
rd = Group.objects.create(name='$readers'); rd.user_set.add(c)
c.user_permissions.add(Permission.objects.get(codename='view_group'))
PY

# ---- refusals first: nothing is imported ----------------------------------

my $users_before = count_of('accounts_user');
AccountsTest::sql("CREATE DATABASE ${DB}_empty", 'postgres');
my ($rc, $out, $err) = import_from("${DB}_empty");
ok t_cmp($rc, 1, 'a database that is not Django\'s: exit 1');
ok t_cmp($err, qr/nothing imported: the source is not a Django auth schema: it has no table 'auth_user'/,
         '... saying what is missing');
($rc, $out, $err) = import_from('no_such_database');
ok t_cmp("$rc $err", qr/^1 .*cannot connect to the Django database/, 'a database that cannot be reached: exit 1, and why');
ok t_cmp(count_of('accounts_user'), $users_before, '... and no user was added');

# ---- the import -------------------------------------------------------------

($rc, $out, $err) = import_from($DB);
ok t_cmp($rc, 0, 'import-django: exit 0') or t_debug($err);
ok t_cmp($out, qr/^imported from Django: 5 users \(5 new\), 2 groups \(2 new\), \d+ permissions \(\d+ new\), 3 group memberships, 1 group permissions, 1 user permissions, 0 changed passwords \(0 sessions ended\)$/,
         'it says what it imported');
my $after_first = join ' ', map { count_of($_) } qw(accounts_user accounts_group accounts_permission
    accounts_user_groups accounts_group_permissions accounts_user_permissions);

ok t_cmp(ours($alice), "t f f $alice\@example.com $editors -", 'alice: her address and group');
ok t_cmp(sql1('SELECT first_name || \' \' || last_name FROM accounts_user WHERE username = ' . lit($alice)),
         'Alice A', '... and her names');
ok t_cmp(ours($carol), "t f f $carol\@example.com $readers auth.view_group",
         'carol: her group and her own permission, as app_label.codename');
ok t_cmp(ours($eve), "t t t $eve\@example.com - -", 'eve: a superuser and staff');
ok t_cmp(ours($dave), "f f f  - -", 'dave: inactive');
ok t_cmp(sql1("SELECT string_agg(p.codename, ',') FROM accounts_group_permissions gp JOIN accounts_group g"
            . " ON g.id = gp.group_id JOIN accounts_permission p ON p.id = gp.permission_id WHERE g.name = "
            . lit($editors)), "blog.${p}_publish", "the editors' permission");

for my $who ([$alice, 'pbkdf2_sha256'], [$bob, 'argon2'], [$carol, 'bcrypt_sha256']) {
    my ($name, $alg) = @$who;
    ok t_cmp(AccountsTest->browser->login($name, $PW)->code, 303,
             "$name logs in with the password Django hashed ($alg)");
}
ok t_cmp(AccountsTest->browser->login($dave, $PW)->code, 200, 'the inactive user does not');

# ---- again: updates, never duplicates --------------------------------------

my $alice_b = AccountsTest::logged_in($alice, $PW);
my $bob_b = AccountsTest::logged_in($bob, $PW);
my $alice_hash = stored($alice);
($rc, $out, $err) = import_from($DB);
ok t_cmp("$rc $out", qr/^0 imported from Django: 5 users \(0 new\), 2 groups \(0 new\), \d+ permissions \(0 new\), 3 group .* 0 changed passwords \(0 sessions ended\)$/,
         'a second import: nothing new, no password changed');
ok t_cmp(stored($alice), $alice_hash,
         "... alice's hash, re-made here at her login, is kept (Django's did not change)");
ok t_cmp($alice_b->get('/home/')->code, 200, '... and her session goes on');
ok t_cmp(join(' ', map { count_of($_) } qw(accounts_user accounts_group accounts_permission
    accounts_user_groups accounts_group_permissions accounts_user_permissions)),
         $after_first, '... and no row twice');

# A group of ours, not Django's: an import leaves alice in it.
my ($lrc) = AccountsTest::ctl('group', 'add', "${p}_local", $alice);
django(<<"PY");
from django.contrib.auth.models import User, Group
b = User.objects.get(username='$bob'); Group.objects.get(name='$editors').user_set.remove(b)
b.set_password('Other-Kettle-5521-slowly'); b.save()
c = User.objects.get(username='$carol'); c.email = 'carol.new\@example.com'; c.user_permissions.clear(); c.save()
User.objects.create_user('${p}_frank', '', '$PW')
PY
($rc, $out, $err) = import_from($DB);
ok t_cmp("$rc $out", qr/^0 imported from Django: 6 users \(1 new\), 2 groups \(0 new\), \d+ permissions \(0 new\), 2 group memberships, 1 group permissions, 0 user permissions, 1 changed passwords \(\d+ sessions ended\)$/,
         'after changes on the Django site: one new user, one membership, one grant fewer, one password changed');
ok t_cmp(ours($bob), "t f f $bob\@example.com - -", 'bob left the editors here too');
ok t_cmp($bob_b->get('/home/')->code, 302, "bob's password changed on Django: his session here ended");
ok t_cmp(AccountsTest->browser->login($bob, 'Other-Kettle-5521-slowly')->code, 303, '... and his new password logs him in');
ok t_cmp("$lrc " . ours($alice), "0 t f f $alice\@example.com ${editors},${p}_local -",
         "alice is still in a group of ours that Django does not have");
ok t_cmp(ours($carol), "t f f carol.new\@example.com $readers -", "carol's new address, and her permission gone");
ok t_cmp(AccountsTest->browser->login("${p}_frank", $PW)->code, 303, 'the new user logs in');

# ---- names that differ only in case ----------------------------------------

# From a user of ours who did not come from Django: maybe someone else.
my $hank = AccountsTest::mkuser("${p}_Hank");
django("from django.contrib.auth.models import User\nUser.objects.create_user('${p}_hank', '', 'x')");
($rc, $out, $err) = import_from($DB);
ok t_cmp("$rc $err", qr/^1 .*nothing imported: Django users whose names differ only in case from users of ours who did not come from Django.*'\Q${p}_hank\E' \(here: '\Q${p}_Hank\E'\)/,
         'a Django name that differs only in case from a user of ours: refused, naming both');
django("from django.contrib.auth.models import User\nUser.objects.filter(username='${p}_hank').delete()");

my $before = join ' ', map { count_of($_) } qw(accounts_user accounts_group accounts_user_groups);
django(<<"PY");
from django.contrib.auth.models import User
User.objects.create_user('${p}_Zed', '', '$PW')
User.objects.create_user('${p}_zed', '', '$PW')
User.objects.create_user('${p}_gina', '', '$PW')
PY
($rc, $out, $err) = import_from($DB);
ok t_cmp($rc, 1, 'two Django users whose names differ only in case: exit 1');
ok t_cmp($err, qr/nothing imported: Django users whose names differ only in case .*'\Q${p}_Zed\E', '\Q${p}_zed\E'/,
         '... naming them');
ok t_cmp(join(' ', map { count_of($_) } qw(accounts_user accounts_group accounts_user_groups)), $before,
         '... and nothing imported, not even the other new user');

END {
    # The Django site's database goes; our tables keep what was imported.
    eval { AccountsTest::sql("DROP DATABASE IF EXISTS $DB", 'postgres') };
    eval { AccountsTest::sql("DROP DATABASE IF EXISTS ${DB}_empty", 'postgres') };
}
