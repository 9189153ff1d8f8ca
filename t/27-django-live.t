# t/27-django-live.t -- live tables (AccountsUserSchema django): a
# database where Django's own `migrate` made its tables (Debian's
# python3-django, the suite's project t/django/manage.py, run as the
# module's own role, as one role owns both on a real site) and
# `accountsctl migrate --django` switched mod_accounts to them.  What
# proves it: the switch works, again too, and refuses (changing nothing)
# a database without Django's tables or with usernames that differ only
# in case; a user registered here is Django's user, with a hash Django's
# check_password takes; a user Django made logs in here, and names are
# unique whatever their case, also under concurrent registrations;
# Django's groups and permissions count for Require; Django's hashes are
# kept at login unless AccountsDjangoRehash is On; a password change or
# deactivation on the Django side ends our sessions; reset tokens made
# here pass Django's check_token, and Django's open our reset page;
# accountsctl lists and creates Django's users and refuses import-django;
# a host that asks for live tables of a database not switched answers 503.
#
# Hosts: 'djlive' (the live database, reset tokens under the Django
# site's SECRET_KEY); 'djliverehash' (the same with AccountsDjangoRehash
# On); 'djnotlive' (AccountsUserSchema django on the suite's main
# database, never migrated with --django).  Mail is caught as in
# t/42-password-reset.t (t/lib/CaughtMail.pm).
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use POSIX ();
use Time::HiRes ();
use URI ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;
use CaughtMail;

plan tests => 55;

my $PW      = AccountsTest::good_password();
my $NEW     = 'Saffron-Lantern-5520-gently';
my $MANAGE  = "$FindBin::Bin/django/manage.py";
my $LIVE    = $ENV{ACC_PGDATABASE_LIVE} // die "ACC_PGDATABASE_LIVE is not set (t/with-pg.sh)\n";
my $SCRATCH = 'dl_' . lc(AccountsTest::unique_name('s'));
my ($NODJ, $CASES) = ("${SCRATCH}_nodj", "${SCRATCH}_cases");
my $DUP     = 'A user with that username already exists.';
my $LOGIN_LOC = qr{^(?:https?://[^/]+)?/accounts/login/};
my $LINK_RE = qr{/accounts/(?:password/)?reset/([A-Za-z0-9_-]+)/([0-9a-z]+-[0-9a-f]{32})/$};
# Our argon2id at the suite's AccountsPasswordHash, in Django's form.
my $OUR_ARGON2 = qr/^argon2\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+\/]+\$[A-Za-z0-9+\/]+$/;
*lit = \&AccountsTest::lit;
*field_errors = \&AccountsTest::field_errors;

sub page { my $res = shift; return $res->decoded_content // '' }

# Django on database DB (the live one unless given) as the module's role
# over TCP: the superuser would own Django's tables, the module's role not.
sub django_run {
    my ($db, @args) = @_;
    local $ENV{ACC_DJANGO_DBNAME}     = $db // $LIVE;
    local $ENV{ACC_DJANGO_DBUSER}     = $ENV{ACC_PGUSER};
    local $ENV{ACC_DJANGO_DBPASSWORD} = $ENV{ACC_PGPASSWORD};
    local $ENV{ACC_DJANGO_DBHOST}     = $ENV{ACC_PGHOST};
    return AccountsTest::run(undef, '/usr/bin/python3', $MANAGE, @args);
}

# A fixture made with Django's ORM; dies if Django does, since a broken
# fixture is not a test result.
sub django {
    my ($code, $db) = @_;
    my ($rc, $out, $err) = django_run($db, 'shell', '-c', $code);
    die "manage.py shell failed ($rc): $err" if $rc;
    chomp $out;
    return $out;
}

# What Django says, as lines: a failure is a line saying so (and the
# test that reads it fails), not the end of the file.
sub django_says {
    my ($code) = @_;
    my ($rc, $out, $err) = django_run(undef, 'shell', '-c', $code);
    return ('django failed: ' . ((grep { /\S/ } split /\n/, $err)[-1] // "exit $rc")) if $rc;
    return split /\n/, $out;
}

# Django's own check_password (django.contrib.auth.hashers), which never
# re-saves the hash: User.check_password would, in Django's preferred
# hasher (PBKDF2 here), and change what the test looks at.
sub django_checks {
    my ($name, $password) = @_;
    my ($says) = django_says(<<"PY");
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import User
print(check_password('$password', User.objects.get(username='$name').password))
PY
    return $says;
}

# accountsctl on database DB (the live one unless given).
sub conninfo {
    my ($db) = @_;
    (my $c = $ENV{ACCOUNTS_DB}) =~ s/\bdbname=\S+/dbname=$db/;
    return $c;
}
sub ctl_on {
    my ($db, @args) = @_;
    local $ENV{ACCOUNTS_DB} = conninfo($db);
    return AccountsTest::ctl(@args);
}

# SQL on the live database (or DB) as the superuser: the first column of
# the first row, or undef; what failed, when it did (a table that is not
# there is a test result, not the end of the file).
sub live1 {
    my ($statement, $db) = @_;
    my $rows = eval { AccountsTest::sql($statement, $db // $LIVE) };
    return $@ unless $rows;
    return @$rows ? $rows->[0][0] : undef;
}
sub stored { return live1('SELECT password FROM auth_user WHERE username = ' . lit($_[0])) // '' }

sub live_browser { return AccountsTest->browser(vhost => $_[0] // 'djlive') }
sub live_login {
    my ($name, $password, $vhost) = @_;
    my $b = live_browser($vhost);
    return ($b, $b->login($name, $password // $PW));
}

# GET path for browser b, asked every 0.1 s until its code is want or
# secs have passed (a change reaches the session cache through the
# database's notices, within a moment): "<code> to login" when it
# redirects to the login page, else "<code> <Location>".
sub within {
    my ($b, $path, $want, $secs) = @_;
    my $t0 = Time::HiRes::time();
    my $res;
    while (1) {
        $res = $b->get($path);
        last if $res->code == $want || Time::HiRes::time() - $t0 > $secs;
        Time::HiRes::sleep(0.1);
    }
    my $loc = $res->header('Location') // '';
    return $res->code . ' ' . ($loc =~ $LOGIN_LOC ? 'to login' : $loc);
}

# ---- the switch ---------------------------------------------------------------

{
    my ($rc, $out, $err) = django_run($LIVE, 'migrate', '--noinput');
    ok t_cmp($rc, 0, "Django's own migrate made its tables in $LIVE, as the module's role") or t_debug($err);
    ($rc, $out, $err) = ctl_on($LIVE, 'migrate', '--django');
    ok t_cmp($rc, 0, 'accountsctl migrate --django switched it to live tables') or t_debug($err);
    ok t_cmp(live1("SELECT count(*) FROM pg_indexes WHERE tablename = 'auth_user'"
                 . " AND indexname = 'accounts_auth_user_username_upper'"
                 . " AND indexdef ~* 'unique' AND indexdef ~* 'upper'"), 1,
             '... with a unique index on upper(username) on auth_user');
    ($rc, $out, $err) = ctl_on($LIVE, 'migrate', '--django');
    ok t_cmp($rc, 0, 'running it again is harmless') or t_debug($err);
}

# ---- what it refuses, changing nothing ------------------------------------------

AccountsTest::sql("CREATE DATABASE $_ OWNER $ENV{ACC_PGUSER}", 'postgres') for $NODJ, $CASES;
{
    my ($rc, $out, $err) = ctl_on($NODJ, 'migrate', '--django');
    ok t_cmp($rc, 1, "a database without Django's tables: exit 1");
    ok t_cmp($err, qr/(?=.*auth_user)(?=.*migrate)/s,
             "... saying auth_user is missing and Django's migrate makes it");

    my ($mrc, $mout, $merr) = django_run($CASES, 'migrate', '--noinput');
    die "Django's migrate on $CASES failed ($mrc): $merr" if $mrc;
    django(<<"PY", $CASES);
from django.contrib.auth.models import User
User.objects.create_user('Zed')
User.objects.create_user('zed')
User.objects.create_user('amy')
PY
    ($rc, $out, $err) = ctl_on($CASES, 'migrate', '--django');
    ok t_cmp($rc, 1, 'Django users whose names differ only in case: exit 1');
    ok t_cmp($err, qr/(?=.*\bZed\b)(?=.*\bzed\b)/s, '... naming them');
    ok t_cmp(live1("SELECT (SELECT count(*) FROM pg_indexes WHERE indexname = 'accounts_auth_user_username_upper')"
                 . " || ' ' || (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'auth_user'::regclass"
                 . " AND NOT tgisinternal)", $CASES), '0 0',
             "... and Django's tables are as they were: no index, no trigger");
    # A Django database with nothing to refuse, for import-django below.
    django("from django.contrib.auth.models import User\nUser.objects.filter(username='zed').delete()", $CASES);
}

# ---- Django's users, made here and there -----------------------------------------

my $p = lc(AccountsTest::unique_name('dl'));
my ($dj, $ed, $pu, $pc, $ia, $rs, $rs2) = map { "${p}_$_" } qw(dj ed pu pc ia rs rs2);
django(<<"PY");
from django.contrib.auth.models import User, Group, Permission
from django.contrib.contenttypes.models import ContentType
User.objects.create_user('$dj', '$dj\@example.com', '$PW')
g, _ = Group.objects.get_or_create(name='editors')
ct, _ = ContentType.objects.get_or_create(app_label='blog', model='post')
pub, _ = Permission.objects.get_or_create(codename='publish', content_type=ct, defaults={'name': 'Can publish'})
g.permissions.add(pub)
g.user_set.add(User.objects.create_user('$ed', '', '$PW'))
User.objects.create_user('$pu', '', '$PW').user_permissions.add(pub)
for name in ('$pc', '$ia', '$rs', '$rs2'):
    User.objects.create_user(name, name + '\@example.com', '$PW')
PY

# Registered here: Django's user, with a hash Django verifies.
my $reg = AccountsTest::unique_name('dlreg');
{
    my $res = live_browser()->register($reg, $PW, "$reg\@example.com");
    ok t_cmp($res->code, 303, 'a registration on the live host: 303');
    my ($email, $checks, $hash) = django_says(<<"PY");
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import User
u = User.objects.get(username='$reg')
print(u.email)
print(check_password('$PW', u.password))
print(u.password)
PY
    ok t_cmp($email, "$reg\@example.com", "Django's ORM has the user, with the address given");
    ok t_cmp($checks, 'True', "... and Django's check_password takes the password");
    ok t_cmp($hash // '', qr/^argon2\$argon2id\$/, "... hashed in Django's argon2 form");
}

# A user Django made logs in here.
{
    my $before = stored($dj);
    my ($b, $login) = live_login($dj);
    ok t_cmp($login->code, 303, "a user made by Django's create_user logs in on the live host");
    my $res = $b->get('/home/');
    ok t_cmp($res->code . ' ' . (page($res) =~ /Hello, \Q$dj\E!/ ? 'greeted' : 'not greeted'),
             '200 greeted', '... opens /home/, greeted by name');
    ok t_cmp($b->get('/az/plain/env.cgi')->content, qr/^REMOTE_USER=\Q$dj\E$/m,
             '... and a CGI under AuthType Accounts sees REMOTE_USER');
    my $after = stored($dj);
    ok t_cmp($login->code . ' ' . ($after eq $before && $after =~ /^pbkdf2_sha256\$/ ? 'unchanged' : "now $after"),
             '303 unchanged', "... and his Django hash (PBKDF2) stays as it was: AccountsDjangoRehash is off");
}

# ---- one name whatever its case ---------------------------------------------------

{
    my $res = live_browser()->register(uc $dj, $PW, '');
    ok t_cmp($res->code . ' ' . ((grep { $_ eq $DUP } field_errors(page($res), 'username')) ? 'taken' : 'not taken'),
             '200 taken', "registering a Django user's name in another case: refused as taken");
    ok t_cmp(live1('SELECT count(*) FROM auth_user WHERE upper(username) = upper(' . lit($dj) . ')'), 1,
             '... and no user was made');
}

{
    my $n = 8;
    my $race = lc(AccountsTest::unique_name('race_'));
    # race_..., racE_..., raCe_..., ... RACE_...: names that differ only in case.
    my @names = map { my $i = $_; my $v = $race; substr($v, $_, 1) = uc substr($v, $_, 1) for grep { $i & (1 << $_) } 0 .. 3; $v } 0 .. $n - 1;
    my @bs = map { live_browser() } 1 .. $n;
    my @tokens = map { AccountsTest::token_in(page($_->get('/accounts/register/'))) // '' } @bs;
    pipe(my $rd, my $wr) or die "pipe: $!";
    my $start = Time::HiRes::time() + 1.0;
    my @pids;
    for my $i (0 .. $n - 1) {
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            close $rd;
            my $line = "error 0\n";
            eval {
                my $wait = $start - Time::HiRes::time();
                Time::HiRes::sleep($wait) if $wait > 0;
                my $r = $bs[$i]->post('/accounts/register/', [csrfmiddlewaretoken => $tokens[$i],
                    username => $names[$i], email => '', password1 => $PW, password2 => $PW]);
                my $dup = grep { $_ eq $DUP } field_errors(page($r), 'username');
                $line = sprintf "%s %d\n", $r->code, $dup ? 1 : 0;
                1;
            };
            syswrite $wr, $line;
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    close $wr;
    my @results = map { [split ' '] } <$rd>;
    close $rd;
    waitpid $_, 0 for @pids;
    my $created = grep { $_->[0] eq '303' } @results;
    my $dups    = grep { $_->[0] eq '200' && $_->[1] } @results;
    ok t_cmp("$created made, $dups taken", '1 made, ' . ($n - 1) . ' taken',
             "$n simultaneous registrations of one name in $n cases: one made, the others refused as taken");
    ok t_cmp(live1('SELECT count(*) FROM auth_user WHERE upper(username) = upper(' . lit($race) . ')'), 1,
             '... and exactly one auth_user row for the name');
}

# ---- Django's groups and permissions ------------------------------------------------

{
    my ($be) = live_login($ed);
    my ($bp) = live_login($pu);
    ok t_cmp($be->get('/az/group/env.cgi')->code, 200, "a member of Django's group 'editors' passes Require account-group editors");
    ok t_cmp($be->get('/az/perm/env.cgi')->code, 200, '... and, through the group, Require account-perm blog.publish');
    ok t_cmp($bp->get('/az/perm/env.cgi')->code, 200, "a user with Django's permission blog.publish of his own passes account-perm");
    ok t_cmp($bp->get('/az/group/env.cgi')->code, 403, '... but not account-group editors, not being in it');
}

# ---- AccountsDjangoRehash On ---------------------------------------------------------

{
    my $before = stored($dj);
    my ($b, $res) = live_login($dj, $PW, 'djliverehash');
    ok t_cmp($res->code, 303, 'the Django user logs in on the host with AccountsDjangoRehash On');
    my $deadline = Time::HiRes::time() + 2;
    my $hash;
    Time::HiRes::sleep(0.1) while ($hash = stored($dj)) eq $before && Time::HiRes::time() < $deadline;
    ok t_cmp($hash, $OUR_ARGON2, '... and his hash is re-made as argon2id at AccountsPasswordHash');
    ok t_cmp(django_checks($dj, $PW) . ' ' . ($hash =~ /^argon2\$/ ? 'argon2' : $hash), 'True argon2',
             "... which Django's check_password takes");
    # Our own re-made hash is not a change on the Django site: the session
    # row stays (deleted, if at all, with the hash's change) and opens /home/.
    my $tok = $b->cookie('sessionid') // 'none';
    ok t_cmp(live1('SELECT count(*) FROM accounts_session WHERE token_hash = ' . lit(sha256_hex($tok)))
             . ' ' . $b->get('/home/')->code, '1 200',
             '... and the re-made hash does not end the session it came with');
}

# ---- hashes we write: password change, accountsctl -----------------------------------

{
    my ($b, $res) = live_login($reg);
    $res = $b->submit('/accounts/password/change/', old_password => $PW,
                      new_password1 => $NEW, new_password2 => $NEW);
    ok t_cmp($res->code, 303, 'a password change on our page (the user registered here): 303');
    ok t_cmp(django_checks($reg, $NEW) . ' ' . (stored($reg) =~ /^argon2\$argon2id\$/ ? 'argon2' : stored($reg)),
             'True argon2', "... to a hash in Django's argon2 form that Django's check_password takes");

    my $made = AccountsTest::unique_name('dlctl');
    my ($rc, $out, $err);
    {
        local $ENV{ACCOUNTS_DB} = conninfo($LIVE);
        local $ENV{ACCOUNTS_PASSWORD_HASH} = 'm=1024 t=1 p=1';
        ($rc, $out, $err) = AccountsTest::createuser($made, $PW, '--email', "$made\@example.com");
    }
    ok t_cmp($rc, 0, 'accountsctl createuser on the live database: exit 0') or t_debug($err);
    ok t_cmp(django_checks($made, $PW) . ' ' . (stored($made) =~ /^argon2\$argon2id\$/ ? 'argon2' : stored($made)),
             'True argon2', "... a Django user whose argon2 hash Django's check_password takes");
}

# ---- changes on the Django side end our sessions ---------------------------------------

{
    my ($b, $res) = live_login($pc);
    my $before = $b->get('/home/')->code;
    django("from django.contrib.auth.models import User\nu = User.objects.get(username='$pc'); u.set_password('$NEW'); u.save()");
    ok t_cmp("$before " . within($b, '/home/', 302, 5), '200 302 to login',
             "a password change on the Django site (set_password, save) ends the user's session here");
    ok t_cmp((live_login($pc, $NEW))[1]->code, 303, '... and the new password logs in here');

    ($b, $res) = live_login($ia);
    $before = $b->get('/home/')->code;
    django("from django.contrib.auth.models import User\nu = User.objects.get(username='$ia'); u.is_active = False; u.save()");
    ok t_cmp("$before " . within($b, '/home/', 302, 5), '200 302 to login',
             'is_active set False on the Django site ends the session here');
    ok t_cmp((live_login($ia))[1]->code, 200, '... and the user no longer logs in');
}

# ---- reset links both sites take -----------------------------------------------------------

my $reset_base = '/accounts/password/reset/';
{
    my $email = "$rs\@example.com";
    my $n = CaughtMail::count();
    my $res = live_browser()->submit('/accounts/password/reset/', email => $email);
    ok t_cmp($res->code, 303, "a reset asked on the live host for a Django user's address: 303");
    my $msg = CaughtMail::wait_for(to => $email, since => $n, timeout => 20);
    my ($link) = grep { $_ =~ $LINK_RE } ($msg ? CaughtMail::links($msg) : ());
    ok t_cmp($link // 'no link', $LINK_RE, '... and the mail holds a reset link');
    my ($uid, $token) = ($link // '') =~ $LINK_RE;
    $reset_base = substr(URI->new($link)->path, 0, -length("$uid/$token/")) if defined $token;
    $token //= 'none-0';
    my ($says) = django_says(<<"PY");
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
print(default_token_generator.check_token(User.objects.get(username='$rs'), '$token'))
PY
    ok t_cmp($says, 'True', "Django's default_token_generator.check_token takes the mailed token");
}

{
    my ($uid, $token) = split ' ', django(<<"PY");
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
u = User.objects.get(username='$rs2')
print(urlsafe_base64_encode(force_bytes(u.pk)), default_token_generator.make_token(u))
PY
    my $b = live_browser();
    my $res = $b->get("$reset_base$uid/$token/");
    my $loc = $res->header('Location') // '';
    ok t_cmp($res->code . ' ' . $loc, qr{^30[23] \S*/reset/\Q$uid\E/set-password/$},
             "a token Django made opens our reset page: a redirect to .../reset/<uidb64>/set-password/");
    my $set = URI->new_abs($loc || '/none/', $b->url($reset_base))->as_string;
    $res = $b->submit($set, new_password1 => $NEW, new_password2 => $NEW);
    ok t_cmp($res->code, 303, '... whose form sets a new password');
    ok t_cmp((live_login($rs2, $NEW))[1]->code, 303, '... which logs in here');
    ok t_cmp(django_checks($rs2, $NEW), 'True', "... and which Django's check_password takes");
}

# ---- accountsctl on the live database --------------------------------------------------------

{
    my ($rc, $out, $err) = ctl_on($LIVE, 'list', '--search', $dj);
    ok t_cmp("$rc " . ($out =~ /^\d+\t\Q$dj\E\t\Q$dj\E\@example\.com\t/m ? 'listed' : 'not listed'), '0 listed',
             'accountsctl list on the live database shows the user Django made') or t_debug($err);
    ($rc, $out, $err) = ctl_on($LIVE, 'import-django', '--from',
        "host=$ENV{ACC_PGSOCK} port=$ENV{ACC_PGPORT} dbname=$CASES user=postgres");
    ok t_cmp($rc, 1, 'accountsctl import-django into a live database: refused, exit 1') or t_debug("$out$err");
    ok t_cmp(live1("SELECT count(*) FROM auth_user WHERE username IN ('Zed', 'amy')"), 0,
             '... and nothing of the source is there');
}

# ---- what the step must not allow ----------------------------------------------------------

{
    # One name in any case, also beyond ASCII (ICU's case mapping).
    my $p2 = lc(AccountsTest::unique_name('u'));
    django("from django.contrib.auth.models import User\nUser.objects.create_user('${p2}_stra\\u00dfe', '', '$PW')\nUser.objects.create_user('${p2}_\\u00e9mile', '', '$PW')");
    my $b = live_browser();
    my $res = $b->register(uc("${p2}_strasse"), $PW, '');
    ok t_cmp((grep { $_ eq $DUP } field_errors(page($res), 'username')) ? 'taken' : 'not taken', 'taken',
             'STRASSE is taken when Django has straße');
    my $emile = "${p2}_\x{c9}MILE";
    utf8::upgrade($emile);    # a character string: sent as UTF-8
    $res = live_browser()->register($emile, $PW, '');
    ok t_cmp((grep { $_ eq $DUP } field_errors(page($res), 'username')) ? 'taken' : 'not taken', 'taken',
             '... and ÉMILE when Django has émile');

    # Our own user table is retired: nothing can be put there.
    my $r = live1("INSERT INTO accounts_user (username, username_key, password) VALUES ('x', 'x', '') RETURNING id");
    ok t_cmp($r, qr/retired/, 'an insert into the retired accounts_user fails, saying why');

    # The trigger that ends sessions runs as its owner, with a fixed
    # search_path, and nobody may call it.
    my $fn = live1("SELECT prosecdef::text || ' ' || array_to_string(proconfig, ';') || ' '"
                 . " || has_function_privilege('public', oid, 'EXECUTE')::text FROM pg_proc"
                 . " WHERE proname = 'accounts_django_user_changed'");
    ok t_cmp($fn, 'true search_path=pg_catalog, pg_temp false',
             'the auth_user trigger function: SECURITY DEFINER, search_path fixed, EXECUTE not for PUBLIC');

    # Django's migrations can still change auth_user's columns.
    $r = live1('ALTER TABLE auth_user ALTER COLUMN first_name TYPE varchar(151), ALTER COLUMN password TYPE varchar(129);'
             . ' ALTER TABLE auth_user ALTER COLUMN first_name TYPE varchar(150), ALTER COLUMN password TYPE varchar(128);'
             . ' SELECT 1');
    ok t_cmp($r, 1, "Django's migrations may still change the types of auth_user's columns");

    # accountsctl deletes a Django group that has members and permissions.
    my $g = "${p2}_grp";
    django(<<"PY");
from django.contrib.auth.models import User, Group, Permission
g = Group.objects.create(name='$g')
g.user_set.add(User.objects.get(username='${p2}_stra\\u00dfe'))
g.permissions.add(Permission.objects.get(codename='publish', content_type__app_label='blog'))
PY
    my ($rc, $out, $err) = ctl_on($LIVE, 'group', 'remove', $g);
    ok t_cmp("$rc " . live1('SELECT count(*) FROM auth_group WHERE name = ' . lit($g)), '0 0',
             'accountsctl group remove deletes a Django group with members and permissions') or t_debug($err);
}

# ---- live tables asked of a database not switched --------------------------------------------

{
    my $res = live_browser('djnotlive')->get('/accounts/login/');
    ok t_cmp($res->code, 503, 'AccountsUserSchema django on a database not migrated with --django: 503');
    ok t_cmp(AccountsTest::error_log(), qr/migrate --django/, '... and the error log says to run accountsctl migrate --django');
}

END {
    local $?;
    eval { AccountsTest::sql("DROP DATABASE IF EXISTS $_ WITH (FORCE)", 'postgres') } for $NODJ, $CASES;
}
