# t/05-accountsctl.t -- the admin command line against the suite's
# PostgreSQL: migrations, users, sessions, keys, and its errors; what it
# prints is escaped, whatever bytes the database holds.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use File::Temp qw(tempdir);
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 114;

my ($rc, $out, $err);

# migrate: the suite's database is already migrated; again is a no-op.
($rc, $out, $err) = AccountsTest::ctl('migrate');
ok t_cmp($rc, 0, 'migrate on a current schema exits 0');
ok t_cmp($out, qr/schema is current \(version \d+\)/, 'migrate twice is a no-op');

# Two migrations at once on a new database: both succeed, one schema.
AccountsTest::sql('CREATE DATABASE ctl_concurrent OWNER accounts', 'postgres');
(my $db2 = $ENV{ACCOUNTS_DB}) =~ s/dbname=\S+/dbname=ctl_concurrent/;
my @pids;
for my $i (1 .. 3) {
    my $pid = fork;
    if (!$pid) {
        my ($r) = AccountsTest::run(undef, $ENV{ACC_CTL}, '--db', $db2, 'migrate');
        exit $r;
    }
    push @pids, $pid;
}
my $bad = 0;
for (@pids) { waitpid $_, 0; $bad++ if $? }
ok t_cmp($bad, 0, 'three concurrent migrations all succeed');
my $v = AccountsTest::sql('SELECT count(*), max(version) FROM accounts_schema_migrations', 'ctl_concurrent');
ok t_cmp($v->[0][0], $v->[0][1], 'each migration step recorded exactly once');

# createuser, then list.
my $name = AccountsTest::unique_name('ctl');
($rc, $out, $err) = AccountsTest::createuser($name, undef, '--email', "$name\@example.com", '--staff');
ok t_cmp($rc, 0, 'createuser exits 0');
ok t_cmp($out, qr/created user '\Q$name\E'/, 'createuser says so');
($rc, $out, $err) = AccountsTest::ctl('list');
ok t_cmp($rc, 0, 'list exits 0');
my @lines = split /\n/, $out;
ok t_cmp($lines[0], "id\tusername\temail\tactive\tstaff\tsuperuser\tdate_joined\tlast_login", 'list has a tab-separated header');
my ($row) = grep { (split /\t/)[1] eq $name } @lines;
ok t_cmp(defined $row ? 1 : 0, 1, 'list shows the new user');
my @f = split /\t/, ($row // '');
ok t_cmp("$f[2] $f[3] $f[4] $f[5]", "$name\@example.com yes yes no", 'list shows email and flags');
my $hash = AccountsTest::sql("SELECT password FROM accounts_user WHERE username = '$name'")->[0][0];
ok t_cmp($hash, qr/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+\/]{22}\$[A-Za-z0-9+\/]{43}$/, 'the password is stored as an argon2id PHC string');

# Errors: exists, refused passwords, bad names.
($rc, $out, $err) = AccountsTest::createuser($name);
ok t_cmp($rc, 1, 'an existing user: exit 1');
ok t_cmp($err, qr/^accountsctl: user '\Q$name\E' already exists\n\z/, '... with one line on stderr');
($rc, $out, $err) = AccountsTest::createuser(uc $name);
ok t_cmp($rc, 1, 'an existing user in other case: exit 1');
($rc, $out, $err) = AccountsTest::createuser(AccountsTest::unique_name('ctl'), 'password');
ok t_cmp($rc, 1, 'a common password is refused: exit 1');
ok t_cmp($err, qr/password refused: .*This password is too common\./, '... with the validator message');
($rc, $out, $err) = AccountsTest::createuser(AccountsTest::unique_name('ctl'), '12345678901');
ok t_cmp($err, qr/This password is entirely numeric\./, 'a numeric password is refused');
($rc, $out, $err) = AccountsTest::createuser(AccountsTest::unique_name('ctl'), 'short');
ok t_cmp($err, qr/This password is too short\. It must contain at least 8 characters\./, 'a short password is refused');
my $weak = AccountsTest::unique_name('ctl');
($rc, $out, $err) = AccountsTest::createuser($weak, 'password', '--no-validate');
ok t_cmp($rc, 0, '--no-validate skips the rules');
ok t_cmp($err, qr/warning: --no-validate/, '... loudly');
($rc, $out, $err) = AccountsTest::createuser('bad name!');
ok t_cmp($rc, 1, 'an invalid username is refused');
ok t_cmp($err, qr/Enter a valid username/, '... with Django\'s message');

# passwd, deactivate, activate.
($rc, $out, $err) = AccountsTest::ctl_in("Another-Good-Passw0rd\n", 'passwd', $name);
ok t_cmp($rc, 0, 'passwd exits 0');
my $hash2 = AccountsTest::sql("SELECT password FROM accounts_user WHERE username = '$name'")->[0][0];
ok t_cmp($hash2 ne $hash ? 'changed' : 'same', 'changed', 'passwd stores a new hash');
($rc, $out, $err) = AccountsTest::ctl_in("Another-Good-Passw0rd\n", 'passwd', 'no_such_user_xyz');
ok t_cmp($rc, 1, 'passwd of no such user: exit 1');
ok t_cmp($err, qr/no such user 'no_such_user_xyz'/, '... says so');
($rc) = AccountsTest::ctl('deactivate', $name);
ok t_cmp($rc, 0, 'deactivate exits 0');
ok t_cmp(AccountsTest::sql("SELECT is_active FROM accounts_user WHERE username = '$name'")->[0][0], 'f', 'deactivate clears is_active');
($rc) = AccountsTest::ctl('activate', $name);
ok t_cmp(AccountsTest::sql("SELECT is_active FROM accounts_user WHERE username = '$name'")->[0][0], 't', 'activate sets it again');
($rc, $out, $err) = AccountsTest::ctl('deactivate', 'no_such_user_xyz');
ok t_cmp($rc, 1, 'deactivate of no such user: exit 1');

# clearsessions deletes only expired rows.
my $uid = AccountsTest::sql("SELECT id FROM accounts_user WHERE username = '$name'")->[0][0];
AccountsTest::sql("INSERT INTO accounts_session (token_hash, user_id, expires) VALUES (repeat('a', 64), $uid, now() - interval '1 hour'), (repeat('b', 64), $uid, now() + interval '1 hour')");
($rc, $out, $err) = AccountsTest::ctl('clearsessions');
ok t_cmp($out, qr/deleted 1 expired session/, 'clearsessions deletes the expired session');
ok t_cmp(AccountsTest::sql("SELECT count(*) FROM accounts_session WHERE token_hash = repeat('b', 64)")->[0][0], 1, '... and keeps the live one');

# list pages through the users (1,000 at a time): 1,234 made in SQL, all
# listed once, in id order; --search, --limit, --json.
{
    my $pfx = "page$$" . 'x';
    AccountsTest::sql("INSERT INTO accounts_user (username, username_key, password, email)"
        . " SELECT '$pfx' || g, '$pfx' || g, '!', '$pfx' || g || '\@example.com'"
        . " FROM generate_series(1, 1234) g");
    my ($lrc, $lout) = AccountsTest::ctl('list', '--search', $pfx);
    my @rows = grep { /\t\Q$pfx\E\d+\t/ } split /\n/, $lout;
    my %seen;
    $seen{(split /\t/)[1]}++ for @rows;
    ok t_cmp(scalar(@rows) . ' rows, ' . scalar(keys %seen) . ' names', '1234 rows, 1234 names',
             'list --search: every matching user once, across pages');
    my @ids = map { (split /\t/)[0] } @rows;
    ok t_cmp(join(',', @ids) eq join(',', sort { $a <=> $b } @ids) ? 'in id order' : 'out of order',
             'in id order', '... in id order');
    ($lrc, $lout) = AccountsTest::ctl('list', '--search', uc($pfx) . '12', '--limit', '5');
    ok t_cmp(scalar(grep { /\t\Q$pfx\E12\d*\t/ } split /\n/, $lout), 5,
             'list --search (any case) --limit 5: five rows');
    ($lrc, $lout) = AccountsTest::ctl('list', '--search', $pfx . '100', '--json');
    require JSON::PP;
    my $list = eval { JSON::PP::decode_json($lout) };
    ok t_cmp(ref $list eq 'ARRAY' ? join(',', map { $_->{username} } @$list) : "not JSON: $@",
             join(',', map { "$pfx$_" } 100, 1000 .. 1009),
             'list --json: a JSON array of the users');
    ok t_cmp(ref $list eq 'ARRAY' && @$list ? ($list->[0]{is_active} ? 'true' : 'false') . ' '
             . (defined $list->[0]{last_login} ? 'a time' : 'null') : '', 'true null',
             '... with booleans and a null last login');
    AccountsTest::sql("DELETE FROM accounts_user WHERE username LIKE '$pfx%'");
}

# genkey: a new file, mode 0600, never overwritten.
my $dir = tempdir(CLEANUP => 1);
($rc, $out, $err) = AccountsTest::ctl('genkey', "$dir/k");
ok t_cmp($rc, 0, 'genkey exits 0');
ok t_cmp(sprintf('%04o', (stat "$dir/k")[2] & 07777), '0600', 'the key file is mode 0600');
ok t_cmp(-s "$dir/k" > 32 ? 'long' : 'short', 'long', 'the key is long');
($rc, $out, $err) = AccountsTest::ctl('genkey', "$dir/k");
ok t_cmp($rc, 1, 'genkey refuses to overwrite a key');

# --version, and --help's exit statuses (help2man makes man accountsctl
# of them).
($rc, $out, $err) = AccountsTest::ctl('--version');
ok t_cmp("$rc $out", qr/^0 accountsctl \(mod_accounts\) \d+\.\d+\.\d+\n\z/, '--version');
($rc, $out, $err) = AccountsTest::ctl('--help');
ok t_cmp("$rc " . ($out =~ /Exit status: 0 on success, 1 on a failure/ ? 'says' : 'silent'), '0 says',
         '--help says the exit statuses');

# check: one line each, exit 1 when anything is wrong.
($rc, $out, $err) = AccountsTest::ctl('check', '--key', "$dir/k");
ok t_cmp("$rc " . join(',', map { /^(ok|problem|skipped):/ ? $1 : "?$_" } split /\n/, $out), '0 ok,ok,ok',
         'check: the database, the schema and a private key file are fine');
chmod 0644, "$dir/k";
($rc, $out, $err) = AccountsTest::ctl('check', '--key', "$dir/k");
ok t_cmp("$rc $out", qr/^1 .*problem: the secret key file \S+ can be read by others: chmod 600/s,
         '... a key file others can read: exit 1, and the fix');
($rc, $out, $err) = AccountsTest::ctl('check', '--key', "$dir/nothere");
ok t_cmp("$rc $out", qr/^1 .*problem: the secret key file \S+ is not there/s, '... a missing key file');
($rc, $out, $err) = AccountsTest::run(undef, $ENV{ACC_CTL}, '--db',
    "host=$ENV{ACC_PGHOST} port=$ENV{ACC_PGPORT} dbname=$ENV{ACC_PGDATABASE_FRESH} user=$ENV{ACC_PGUSER} password=$ENV{ACC_PGPASSWORD}",
    'check');
ok t_cmp("$rc $out", qr/^1 .*problem: the schema is at version 0, this build needs \d+: accountsctl migrate/s,
         '... a database without our schema: says to migrate');

# Connection errors: one line, exit 1.
($rc, $out, $err) = AccountsTest::run(undef, $ENV{ACC_CTL}, '--db', 'host=127.0.0.1 port=9 dbname=x user=x connect_timeout=2', 'list');
ok t_cmp("$rc $err", qr/^1 accountsctl: cannot connect to the database: .+\n\z/, 'server down: exit 1 and one line');
($rc, $out, $err) = AccountsTest::run(undef, $ENV{ACC_CTL}, '--db', 'nonsense_option=1', 'list');
ok t_cmp("$rc $err", qr/^1 accountsctl: cannot connect to the database: .*nonsense_option/, 'bad conninfo: exit 1 and names the problem');

# Usage errors: exit 2.
($rc, $out, $err) = AccountsTest::ctl('frobnicate');
ok t_cmp($rc, 2, 'an unknown command: exit 2');
($rc, $out, $err) = AccountsTest::ctl('createuser');
ok t_cmp($rc, 2, 'createuser without a name: exit 2');

# Everything accountsctl prints is escaped: a web visitor chooses the
# username of a failed login, and it must not forge a line or reach the
# terminal as control codes.
# Control bytes other than the TAB between fields and the newline
# between lines (a newline inside a field shows as an extra line).
sub raw_controls {
    my ($text) = @_;
    return scalar(() = $text =~ /[\x00-\x08\x0b-\x1f\x7f]/g);
}
my $tag = AccountsTest::unique_name('nobody');
my $forged = "$tag\n2026-12-01T20:30:00+00\tlogin_ok\tadmin\t203.0.113.7\e[31m";
my $res = AccountsTest->browser->login($forged, 'not-the-password');
ok t_cmp($res->code, 200, 'a failed login with a forged line in its username');
($rc, $out, $err) = AccountsTest::ctl('log', '-n', '50');
ok t_cmp($rc, 0, 'log exits 0');
ok t_cmp(raw_controls($out), 0, 'log prints no raw control bytes');
my @hits = grep { /\Q$tag\E/ } split /\n/, $out;
ok t_cmp(scalar @hits, 1, 'the forged login is one line of the log');
ok t_cmp(scalar(grep { /^2026-12-01T20:30:00/ } split /\n/, $out), 0,
         'no line starts with the forged timestamp');
my @ev = split /\t/, ($hits[0] // ''), -1;
ok t_cmp(scalar @ev, 5, '... with five tab-separated fields');
push @ev, ('') x 5;
# (A form sends a newline as CR LF, as browsers do.)
ok t_cmp("$ev[1] $ev[2]", "login_failed $tag\\r\\n2026-12-01T20:30:00+00\\tlogin_ok\\tadmin\\t203.0.113.7\\x1b[31m",
         '... the username escaped as httpd escapes log items');

# Rows that reached the database some other way (an older version, SQL,
# another application sharing it) are escaped the same in list, group
# list and perm list.
my $odd = AccountsTest::unique_name('odd');
AccountsTest::sql("INSERT INTO accounts_user (password, username, username_key, email) VALUES ('!', E'$odd\\nforged\\x1b[2J', '$odd', E'a\\tb\\\\c\"d\@example.com')");
AccountsTest::sql("INSERT INTO accounts_group (name) VALUES (E'$odd\\r\\ngroup\\tx')");
AccountsTest::sql("INSERT INTO accounts_permission (codename) VALUES (E'$odd\\x7fperm\\u009b')");
AccountsTest::sql("INSERT INTO accounts_user_groups (user_id, group_id) SELECT u.id, g.id FROM accounts_user u, accounts_group g WHERE u.username_key = '$odd' AND g.name LIKE '$odd%'");
AccountsTest::sql("INSERT INTO accounts_group_permissions (group_id, permission_id) SELECT g.id, p.id FROM accounts_group g, accounts_permission p WHERE g.name LIKE '$odd%' AND p.codename LIKE '$odd%'");
($rc, $out, $err) = AccountsTest::ctl('list');
ok t_cmp(raw_controls($out), 0, 'list prints no raw control bytes');
@hits = grep { /\Q$odd\E/ } split /\n/, $out;
ok t_cmp(scalar @hits, 1, 'an odd user is one line of list');
my @uf = (split(/\t/, ($hits[0] // ''), -1), ('') x 8);
ok t_cmp("$uf[1] | $uf[2]", "$odd\\nforged\\x1b[2J | a\\tb\\\\c\\\"d\@example.com",
         '... username and email escaped');
($rc, $out, $err) = AccountsTest::ctl('group', 'list');
ok t_cmp(raw_controls($out), 0, 'group list prints no raw control bytes');
@hits = grep { /\Q$odd\E/ } split /\n/, $out;
ok t_cmp(join('|', @hits), "$odd\\r\\ngroup\\tx\t$odd\\nforged\\x1b[2J",
         '... one line, group and member escaped');
($rc, $out, $err) = AccountsTest::ctl('perm', 'list');
ok t_cmp(raw_controls($out) . ' ' . ($out =~ /\xc2\x9b/ ? 'C1' : 'no C1'), '0 no C1',
         'perm list prints no raw control bytes, nor C1 controls');
@hits = grep { /\Q$odd\E/ } split /\n/, $out;
ok t_cmp(join('|', @hits), "group\t$odd\\r\\ngroup\\tx\t$odd\\x7fperm\\xc2\\x9b",
         '... one line, every field escaped');

# Messages that echo a name given on the command line.
($rc, $out, $err) = AccountsTest::ctl('deactivate', "ghost\n\e[31mforged");
ok t_cmp($err, qr/^accountsctl: no such user 'ghost\\n\\x1b\[31mforged'\n\z/,
         'an unknown user is echoed escaped, on one line');
($rc, $out, $err) = AccountsTest::ctl('group', 'remove', "ghost\r\e]0;x\a");
ok t_cmp($err, qr/^accountsctl: no such group 'ghost\\r\\x1b\]0;x\\x07'\n\z/,
         'an unknown group is echoed escaped');
($rc, $out, $err) = AccountsTest::ctl("frob\e[2J");
ok t_cmp($err, qr/^accountsctl: unknown command or arguments: 'frob\\x1b\[2J'\n/,
         'an unknown command is echoed escaped');

# Group and permission names: nothing that breaks the module's lists
# (\x1f inside session rows, "," in X-Remote-Groups), a header (CR, LF)
# or a Require line (a permission with a space could never be required).
my $badn = AccountsTest::unique_name('bad');
my @badgroups = (
    ['a comma', "$badn,x"], ['a newline', "$badn\nx"], ['a CR', "$badn\rx"],
    ['the list separator \\x1f', "$badn\x1fx"], ['DEL', "$badn\x7fx"],
    ['a C1 control (U+0085)', "$badn\xc2\x85x"], ['a leading space', " $badn"],
    ['a trailing space', "$badn "], ['a trailing tab', "$badn\t"],
    ['invalid UTF-8', "$badn\xff"], ['151 characters', $badn . ('g' x (151 - length $badn))],
);
for (@badgroups) {
    my ($what, $g) = @$_;
    ($rc, $out, $err) = AccountsTest::ctl('group', 'add', $g, $name);
    ok t_cmp("$rc $err", qr/^1 accountsctl: [^\n]*group name[^\n]*\n\z/,
             "group add refuses a name with $what: exit 1, one line");
}
my @badperms = (
    ['a comma', "$badn,x"], ['a space', "$badn x"], ['a tab', "$badn\tx"],
    ['a newline', "$badn\nx"], ['\\x1f', "$badn\x1fx"],
    ['a no-break space', "$badn\xc2\xa0x"], ['a leading space', " $badn"],
    ['101 characters', $badn . ('p' x (101 - length $badn))],
);
for (@badperms) {
    my ($what, $perm) = @$_;
    ($rc, $out, $err) = AccountsTest::ctl('perm', 'grant', $perm, '--user', $name);
    ok t_cmp("$rc $err", qr/^1 accountsctl: [^\n]*permission name[^\n]*\n\z/,
             "perm grant refuses a name with $what: exit 1, one line");
}
ok t_cmp(AccountsTest::sql1("SELECT count(*) FROM accounts_group WHERE name LIKE '%$badn%'")
         . ' ' . AccountsTest::sql1("SELECT count(*) FROM accounts_permission WHERE codename LIKE '%$badn%'"),
         '0 0', 'no refused group or permission was created');
# A group that got a bad name before (see above) takes no new grants, but
# can still be removed.
my ($oddgroup) = "$odd\r\ngroup\tx";
($rc, $out, $err) = AccountsTest::ctl('perm', 'grant', "$badn.ok", '--group', $oddgroup);
ok t_cmp("$rc $err", qr/^1 accountsctl: [^\n]*group name[^\n]*\n\z/,
         'perm grant to a group with a bad name is refused');
($rc, $out, $err) = AccountsTest::ctl('group', 'remove', $oddgroup);
ok t_cmp("$rc $out", "0 deleted group '$odd\\r\\ngroup\\tx'\n",
         'a group with a bad name can be removed');
# Names that are fine: spaces inside a group name, any script, up to
# 150 characters (not bytes).
my $wide = $badn . ("\xc3\xa9" x (150 - length $badn));
($rc, $out, $err) = AccountsTest::ctl('group', 'add', "$badn team", $name);
ok t_cmp($rc, 0, "a group name with a space inside is accepted ($err)");
($rc, $out, $err) = AccountsTest::ctl('group', 'add', $wide);
ok t_cmp($rc, 0, "a group name of 150 two-byte characters is accepted ($err)");
($rc, $out, $err) = AccountsTest::ctl('perm', 'grant', "blog.$badn", '--group', "$badn team");
ok t_cmp($rc, 0, "a dotted permission name is accepted ($err)");

# The password policy is the operator's: ACCOUNTS_PASSWORD_MIN_LENGTH and
# ACCOUNTS_PASSWORD_VALIDATORS, as AccountsPasswordMinLength and
# AccountsPasswordValidators; a refusal says which policy applied.
sub createuser_env {
    my ($env, $password, @opt) = @_;
    local @ENV{keys %$env} = values %$env;
    return AccountsTest::createuser(AccountsTest::unique_name('pol'), $password, @opt);
}
($rc, $out, $err) = createuser_env({}, 'short');
ok t_cmp($err, qr/^accountsctl: password refused: This password is too short\. It must contain at least 8 characters\.[^\n]* \(policy: min length 8; validators: similarity, length, common, numeric\)\n\z/,
         'a refusal names the default policy');
($rc, $out, $err) = createuser_env({ ACCOUNTS_PASSWORD_VALIDATORS => 'none' }, 'password');
ok t_cmp("$rc $err", '0 ', 'ACCOUNTS_PASSWORD_VALIDATORS=none: a common password is accepted');
($rc, $out, $err) = createuser_env({ ACCOUNTS_PASSWORD_MIN_LENGTH => '20' }, 'Plum-Kettle-94!');
ok t_cmp("$rc $err", qr/^1 accountsctl: password refused: This password is too short\. It must contain at least 20 characters\. \(policy: min length 20; /,
         'ACCOUNTS_PASSWORD_MIN_LENGTH=20: a 15-character password is refused');
($rc, $out, $err) = createuser_env({ ACCOUNTS_PASSWORD_MIN_LENGTH => '20' }, 'Plum-Kettle-9417-quietly');
ok t_cmp("$rc $err", '0 ', '... and a 24-character one accepted');
($rc, $out, $err) = createuser_env({ ACCOUNTS_PASSWORD_VALIDATORS => 'common  numeric' }, 'short');
ok t_cmp("$rc $err", '0 ', 'validators "common numeric": no minimum length');
($rc, $out, $err) = createuser_env({ ACCOUNTS_PASSWORD_VALIDATORS => 'CommonPasswordValidator' }, 'password');
ok t_cmp("$rc $err", qr/^1 accountsctl: password refused: This password is too common\. \(policy: validators: common\)\n\z/,
         "Django's class names are accepted");
for my $bad (['ACCOUNTS_PASSWORD_MIN_LENGTH', '0'], ['ACCOUNTS_PASSWORD_MIN_LENGTH', '4097'],
             ['ACCOUNTS_PASSWORD_MIN_LENGTH', '8 chars'], ['ACCOUNTS_PASSWORD_VALIDATORS', 'similarity bogus'],
             ['ACCOUNTS_PASSWORD_VALIDATORS', ' ']) {
    my ($var, $val) = @$bad;
    ($rc, $out, $err) = createuser_env({ $var => $val });
    ok t_cmp("$rc $err", qr/^2 accountsctl: \Q$var\E[^\n]*\n/, "$var='$val': usage error naming it");
}
my $polname = AccountsTest::unique_name('pol');
AccountsTest::mkuser($polname);
{
    local $ENV{ACCOUNTS_PASSWORD_MIN_LENGTH} = '30';
    ($rc, $out, $err) = AccountsTest::ctl_in("Another-Good-Passw0rd\n", 'passwd', $polname);
}
ok t_cmp("$rc $err", qr/^1 accountsctl: password refused: .*at least 30 characters/, 'passwd applies the policy too');
($rc, $out, $err) = AccountsTest::ctl('--help');
ok t_cmp($out, qr/ACCOUNTS_PASSWORD_MIN_LENGTH.*ACCOUNTS_PASSWORD_VALIDATORS/s, 'the usage text names both variables');

# A password in --db shows in ps to every user of the machine: one warning
# line that says what to use instead; the command still runs.
my $warn = qr/accountsctl: warning: [^\n]*--db[^\n]*ps[^\n]*ACCOUNTS_DB[^\n]*pgpass[^\n]*PGPASSFILE[^\n]*pg_service\.conf[^\n]*\n/;
my %pg = (host => $ENV{ACC_PGHOST}, port => $ENV{ACC_PGPORT}, pw => $ENV{ACC_PGPASSWORD});
my $nopw = "host=$pg{host} port=$pg{port} dbname=accounts user=accounts connect_timeout=5";
($rc, $out, $err) = AccountsTest::run(undef, $ENV{ACC_CTL}, '--db', $ENV{ACCOUNTS_DB}, 'migrate');
ok t_cmp("$rc $out", qr/^0 schema is current/, '--db with password=: the command still runs');
ok t_cmp($err, qr/^$warn\z/, '... with one warning line on stderr');
($rc, $out, $err) = AccountsTest::run(undef, $ENV{ACC_CTL}, "--db=PassWord = 'x y' host=127.0.0.1 port=9 connect_timeout=2", 'list');
ok t_cmp("$rc $err", qr/^1 $warn[^\n]*cannot connect/, '--db=, any case, spaces and quotes: warned, then tried');
($rc, $out, $err) = AccountsTest::run(undef, $ENV{ACC_CTL}, '--db', "postgresql://accounts:$pg{pw}\@$pg{host}:$pg{port}/accounts", 'migrate');
ok t_cmp("$rc $err", qr/^0 $warn\z/, 'a postgresql:// URI with a password: warned, and it connects');
($rc, $out, $err) = AccountsTest::run(undef, $ENV{ACC_CTL}, '--db', "postgres://accounts\@127.0.0.1:9/accounts?connect_timeout=2&password=x", 'list');
ok t_cmp("$rc $err", qr/^1 $warn/, 'a URI with ?password=: warned');
{
    local $ENV{PGPASSWORD} = $pg{pw};
    ($rc, $out, $err) = AccountsTest::run(undef, $ENV{ACC_CTL}, '--db', "$nopw application_name='password=x'", 'migrate');
    ok t_cmp("$rc $err", '0 ', 'no password in --db (one in a value is not one): no warning');
    ($rc, $out, $err) = AccountsTest::run(undef, $ENV{ACC_CTL}, '--db', "postgresql://accounts\@$pg{host}:$pg{port}/accounts", 'migrate');
    ok t_cmp("$rc $err", '0 ', 'a URI without a password: no warning');
}
($rc, $out, $err) = AccountsTest::ctl('migrate');
ok t_cmp("$rc $err", '0 ', 'a password in ACCOUNTS_DB: no warning');
