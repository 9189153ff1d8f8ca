# t/25-throttle.t -- failed logins are throttled per username and per
# client address (429, Retry-After, the form's message, no password hash),
# a browser with a device token from an earlier login is judged by its
# own failures, not locked out by an attacker's (even behind one NAT),
# registrations are limited per address, `accountsctl unlock` clears it
# all, and every event lands in the audit trail (`accountsctl log`).
#
# The 'throttle' host has tight limits (3 failures per username, 6 per
# address in 60 s, waits of 1 s doubling to at most 2 s, 2 registrations an
# hour) and trusts X-Test-Client-IP from 127.0.0.1 through mod_remoteip, so
# one client can be many addresses.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Time::HiRes ();
use POSIX ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 81;

my $PW = AccountsTest::good_password();
my $BAD = 'Please enter a correct username and password. Note that both '
        . 'fields may be case-sensitive.';
my $THROTTLED = qr/Too many failed login attempts\. Please try again in \d+ seconds?\./;

sub mkuser { return AccountsTest::mkuser($_[0], $PW) }

# A fresh client on the throttle host, seen as coming from $ip.
sub from {
    my ($ip) = @_;
    my $b = AccountsTest->browser(vhost => 'throttle');
    $b->ua->default_header('X-Test-Client-IP' => $ip);
    $b->ua->agent("ThrottleTest/1.0 ($ip)");
    return $b;
}

sub attempt {
    my ($ip, $user, $pw) = @_;
    return from($ip)->login($user, $pw);
}

sub events {
    my ($user) = @_;
    my ($rc, $out) = AccountsTest::ctl('log', '--user', $user, '-n', '100');
    return [ map { [ split /\t/ ] } grep { !/^time\t/ } split /\n/, $out ];
}
sub count_events {
    my ($user, $event) = @_;
    return scalar grep { $_->[1] eq $event } @{ events($user) };
}

# ---- per username: 3 free failures, then 1 s, 2 s, capped at 2 s ----------

my $u = mkuser(AccountsTest::unique_name('thr'));
for my $i (1 .. 3) {
    my $res = attempt("10.1.0.$i", $u, 'wrong-password');
    ok t_cmp($res->code, 200, "failure $i from its own address: 200, the form again");
}
my $res = attempt('10.1.0.9', $u, 'wrong-password');
ok t_cmp($res->code, 429, 'after 3 failures: the next attempt gets 429');
ok t_cmp($res->header('Retry-After') // '', 1, '... with Retry-After: 1');
ok t_cmp($res->decoded_content, $THROTTLED, '... and the login form\'s message');
ok t_cmp($res->decoded_content, qr/name="csrfmiddlewaretoken"/, '... on the login form');
ok t_cmp($res->decoded_content =~ /\Q$BAD\E/ ? 'checked' : 'not checked', 'not checked',
         '... without checking the password');
$res = attempt('10.1.0.10', $u, $PW);
ok t_cmp($res->code, 429, 'the right password while locked: 429 too');
ok t_cmp(count_events($u, 'login_failed'), 3, 'audit: three login_failed (locked attempts are not checked or counted)');
ok t_cmp(count_events($u, 'login_throttled'), 2, 'audit: two login_throttled');

Time::HiRes::sleep(1.3);
$res = attempt('10.1.0.11', $u, 'wrong-password');
ok t_cmp($res->code, 200, 'after the wait: one more attempt is checked (and fails)');
$res = attempt('10.1.0.12', $u, 'wrong-password');
ok t_cmp($res->code, 429, 'then locked again');
ok t_cmp($res->header('Retry-After') // '', 2, '... for 2 s (doubled)');
Time::HiRes::sleep(2.3);
attempt('10.1.0.13', $u, 'wrong-password');
$res = attempt('10.1.0.14', $u, 'wrong-password');
ok t_cmp($res->header('Retry-After') // '', 2, 'the wait stops at AccountsThrottleMaxDelay (2 s)');

# Usernames are throttled case-insensitively, as they log in.
$res = attempt('10.1.0.15', uc $u, $PW);
ok t_cmp($res->code, 429, 'the same username in upper case is locked too');

# accountsctl unlock forgets the username's failures.
my ($rc, $out, $err) = AccountsTest::ctl('unlock', $u);
ok t_cmp($rc, 0, "accountsctl unlock NAME: exit 0 ($err)");
ok t_cmp($out, qr/unlocked/, '... says so');
$res = attempt('10.1.0.16', $u, $PW);
ok t_cmp($res->code, 303, 'after unlock: the right password logs in');

# ---- a browser the user logged in from is not locked out by others ------
# A successful login gives the browser a signed device token; failures
# from browsers without one count against the username, but a browser with
# one is judged by its own failures.  Sharing the address (a NAT) earns an
# attacker nothing.

my $v = mkuser(AccountsTest::unique_name('home'));
my $home = from('10.2.0.1');
ok t_cmp($home->login($v, $PW)->code, 303, 'the user logs in from 10.2.0.1');
my $dev = $home->cookie('accounts_device') // '';
# "<user id>.<join time>.<issued>.<nonce>.<mac>"
ok t_cmp($dev, qr/^\d+\.\d+\.\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/, '... and the browser gets a device token');
my @g = map { attempt('10.2.0.1', $v, 'guess')->code } 1 .. 3;
ok t_cmp("@g", '200 200 200', 'an attacker behind the same address: 3 failures, checked');
ok t_cmp(attempt('10.2.0.1', $v, $PW)->code, 429,
         '... then the same address without the token is refused, even with the password');
ok t_cmp($home->login($v, $PW)->code, 303, "but the user's own browser, showing its token, logs in");
ok t_cmp(attempt('10.2.0.1', $v, 'guess')->code, 429,
         "... and that does not clear the username's failures for the others");
ok t_cmp(($home->cookie('accounts_device') // '') ne $dev ? 'renewed' : 'same', 'renewed',
         'each login gives the browser a fresh token');

# The token is one user's: it does not help another.
my $v2 = mkuser(AccountsTest::unique_name('home2'));
attempt('10.2.0.5', $v2, 'guess') for 1 .. 3;
ok t_cmp($home->login($v2, $PW)->code, 429, "a device token for one user does not unlock another");
# A token altered, or copied under another name, is worthless.
# Its nonce altered, or the account it names (the id and join time the
# database compares) changed: worthless.
(my $altered = $home->cookie('accounts_device')) =~ s/^((?:[^.]+\.){3})(.)/$1 . ($2 eq 'A' ? 'B' : 'A')/e;
my $forger = from('10.2.0.6');
$forger->set_cookie(accounts_device => $altered);
ok t_cmp($forger->login($v, $PW)->code, 429, 'an altered device token is not trusted');
(my $moved = $home->cookie('accounts_device')) =~ s/^(\d+)\./($1 + 1) . '.'/e;
$forger->set_cookie(accounts_device => $moved);
ok t_cmp($forger->login($v, $PW)->code, 429, '... nor one naming another account id');

# A token is one account's: after the name is deleted and registered
# again, by someone else, the old token is worth nothing.
my $re = mkuser(AccountsTest::unique_name('re'));
my $old = from('10.2.0.7');
ok t_cmp($old->login($re, $PW)->code, 303, 'a user logs in (a token for that account)');
AccountsTest::sql('DELETE FROM accounts_user WHERE username = ' . AccountsTest::lit($re));
mkuser($re);
attempt('10.2.0.8', $re, 'guess') for 1 .. 3;
ok t_cmp($old->login($re, $PW)->code, 429,
         "the name deleted and registered again: the old account's token does not unlock the new one");

# The device is throttled by its own failures.
$home->ua->default_header('X-Test-Client-IP' => '10.2.0.2');
my @d = map { $home->login($v, 'typo')->code } 1 .. 3;
ok t_cmp("@d", '200 200 200', "three wrong passwords from the user's browser: checked");
ok t_cmp($home->login($v, $PW)->code, 429, '... then that browser waits too (its token is locked)');

# ---- a successful login resets the username's count -------------------

my $w = mkuser(AccountsTest::unique_name('reset'));
attempt("10.4.0.$_", $w, 'typo') for 1 .. 2;
ok t_cmp(attempt('10.4.0.3', $w, $PW)->code, 303, 'two typos, then the right password: 303');
my @codes = map { attempt("10.4.0.1$_", $w, 'typo')->code } 1 .. 2;
ok t_cmp("@codes", '200 200', 'two more typos afterwards: counted from zero, not locked');

# ---- per address: 6 failures in 60 s, whatever the usernames ------------

my $ip = '10.5.0.1';
@codes = map { attempt($ip, AccountsTest::unique_name('nobody'), 'x')->code } 1 .. 6;
ok t_cmp("@codes", '200 200 200 200 200 200', 'six failures on six usernames from one address: 200 each');
my $x = mkuser(AccountsTest::unique_name('xuser'));
$res = attempt($ip, $x, $PW);
ok t_cmp($res->code, 429, 'then that address is refused, even for a real user and password');
ok t_cmp($res->header('Retry-After') // '', qr/^[12]$/, '... with Retry-After');
ok t_cmp(attempt('10.5.0.2', $x, $PW)->code, 303, 'another address is not affected');

# X-Forwarded-For is never read: only mod_remoteip's idea of the client.
my $b = from($ip);
$b->ua->default_header('X-Forwarded-For' => '192.0.2.77');
ok t_cmp($b->login($x, $PW)->code, 429, 'a forged X-Forwarded-For does not change the address');

($rc, $out, $err) = AccountsTest::ctl('unlock', $ip);
ok t_cmp($rc, 0, "accountsctl unlock ADDRESS: exit 0 ($err)");
ok t_cmp(attempt($ip, $x, $PW)->code, 303, 'after unlock: the address logs in again');

# ---- registrations: 2 attempts an hour per address ----------------------
# Every attempt that gets as far as asking whether the username is taken
# counts, created or not: the answer is what a script trying names wants.

sub register_from {
    my ($ip, $name, $pw2) = @_;
    return from($ip)->submit('/accounts/register/', username => $name, email => '',
                             password1 => $PW, password2 => $pw2 // $PW);
}
my $rip = '10.6.0.1';
my $taken = mkuser(AccountsTest::unique_name('tk'));
$res = register_from($rip, 'bad name!');
ok t_cmp($res->code, 200, 'a malformed username: 200, the form again');
ok t_cmp($res->decoded_content, qr/Enter a valid username/, '... with its error (no name was looked up)');
ok t_cmp(register_from($rip, 'also bad!')->code, 200, '... and again: malformed names are not counted');
$res = register_from($rip, $taken, 'mismatch');
ok t_cmp($res->decoded_content, qr/A user with that username already exists/,
         'a taken name: the form says so (first attempt counted)');
my $dup = AccountsTest::unique_name('r');
ok t_cmp(register_from($rip, $dup)->code, 303, 'an account from the address: 303 (second attempt)');
my $third = AccountsTest::unique_name('r');
$res = register_from($rip, $third);
ok t_cmp($res->code, 429, 'a third attempt within the hour: 429');
ok t_cmp($res->header('Retry-After') // 0, qr/^\d+$/, '... with Retry-After');
ok t_cmp(($res->header('Retry-After') // 0) > 3000 ? 'about an hour' : 'short', 'about an hour',
         '... of about an hour');
ok t_cmp($res->decoded_content, qr/Too many sign-up attempts have come from your network/,
         '... and a message on the form');
ok t_cmp($res->decoded_content, qr/value="\Q$third\E"/, '... which keeps the username typed');
ok t_cmp(AccountsTest::sql1('SELECT count(*) FROM accounts_user WHERE username = '
                            . AccountsTest::lit($third)), 0, '... and creates no user');
$res = register_from($rip, $taken);
ok t_cmp($res->code, 429, 'a taken name from the throttled address: 429');
ok t_cmp($res->decoded_content !~ /already exists/ ? 'silent' : 'told', 'silent',
         '... which says nothing about whether the name exists');

# Trying names: no more answers than the limit, taken or free.
my $eip = '10.6.0.3';
my $told = 0;
for (1 .. 8) {
    my $r = register_from($eip, $taken, 'mismatch');
    $told++ if $r->decoded_content =~ /A user with that username already exists/;
}
ok t_cmp($told, 2, '8 tries of a taken name from one address: only 2 are answered');

ok t_cmp(register_from('10.6.0.2', AccountsTest::unique_name('r'))->code, 303,
         'another address may still register');
AccountsTest::ctl('unlock', $rip);
ok t_cmp(register_from($rip, $third)->code, 303, 'after accountsctl unlock ADDRESS: registration works');

# ---- attempts sent at the same moment are counted one by one ---------------

# parallel(N, CODE) -- run CODE(i) in N processes at once; their results.
sub parallel {
    my ($n, $code) = @_;
    my $file = Apache::Test::vars('t_logs') . "/throttle-parallel.$$";
    unlink $file;
    my @kids;
    for my $i (1 .. $n) {
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            my $r = $code->($i);
            open my $fh, '>>', $file; print $fh "$r\n"; close $fh;
            POSIX::_exit(0);
        }
        push @kids, $pid;
    }
    waitpid $_, 0 for @kids;
    open my $fh, '<', $file or return ();
    my @r = map { chomp; $_ } <$fh>;
    unlink $file;
    return @r;
}

{
    my $p = mkuser(AccountsTest::unique_name('par'));
    # Each from its own address, so only the username's limit applies.
    my @c = parallel(20, sub { attempt("10.8.0.$_[0]", $p, 'wrong-password')->code });
    my $checked = grep { $_ == 200 } @c;
    my $refused = grep { $_ == 429 } @c;
    ok t_cmp("$checked checked, $refused refused", '3 checked, 17 refused',
             '20 simultaneous wrong passwords for one username: only the 3 free ones are checked');
    ok t_cmp(count_events($p, 'login_failed'), 3, '... and only 3 were hashed (audit)');
    my $rip2 = '10.9.0.1';
    my @r = parallel(6, sub { register_from($rip2, AccountsTest::unique_name("pr$_[0]"))->code });
    ok t_cmp(join(',', sort @r), '303,303,429,429,429,429',
             '6 simultaneous registrations from one address: exactly 2 accounts');
}

# ---- the audit trail -------------------------------------------------------

my @ev = @{ events($u) };
ok t_cmp(scalar(@ev) >= 8 ? 'some' : 'few', 'some', 'accountsctl log --user shows the user\'s events');
my %seen = map { $_->[1] => 1 } @ev;
ok t_cmp(join(',', sort keys %seen), 'login_failed,login_ok,login_throttled',
         '... failed, throttled and successful logins');
my ($ok) = grep { $_->[1] eq 'login_ok' } @ev;
ok t_cmp($ok->[0], qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d/, '... each with a time');
ok t_cmp($ok->[3], '10.1.0.16', '... the client address (as mod_remoteip gave it)');
ok t_cmp($ok->[4], 'ThrottleTest/1.0 (10.1.0.16)', '... and the user agent');
ok t_cmp($ev[0][1], 'login_ok', '... newest first');
my %reg = map { $_->[1] => 1 } @{ events($dup) };
ok t_cmp($reg{register} ? 'yes' : 'no', 'yes', 'registrations are audited');

# logout is audited too.
my $lb = from('10.7.0.1');
$lb->login($x, $PW);
my $lsid = $lb->cookie('sessionid') // '';
ok t_cmp($lb->logout->code, 303, 'logout: 303');
ok t_cmp(count_events($x, 'logout'), 1, 'audit: logout');
my ($lo) = grep { $_->[1] eq 'logout' } @{ events($x) };
ok t_cmp($lo && $lo->[3], '10.7.0.1', '... with the client address');
ok t_cmp($lo && $lo->[4], 'ThrottleTest/1.0 (10.7.0.1)', '... and the user agent');
ok t_cmp(AccountsTest::sql("SELECT count(*) FROM accounts_session WHERE token_hash = encode(sha256('"
                           . $lsid =~ s/[^A-Za-z0-9_-]//gr . "'::bytea), 'hex')")->[0][0],
         0, '... and the session row went with it');
# The ended session's cookie, sent again: nothing more is ended or recorded.
my $ltok = AccountsTest::token_in($lb->get('/accounts/login/')->content // '') // '';
$lb->set_cookie(sessionid => $lsid);
ok t_cmp($lb->post('/accounts/logout/', [csrfmiddlewaretoken => $ltok])->code, 303,
         'logout replayed with the ended session\'s cookie: 303');
ok t_cmp(count_events($x, 'logout'), 1, '... and no second logout event');

# A hostile user agent is stored escaped, never breaks the insert.
my $hb = from('10.7.0.2');
$hb->ua->agent("evil\xff\xfe\"'; DROP TABLE accounts_audit; --");
ok t_cmp($hb->login($x, $PW)->code, 303, 'login with a hostile User-Agent: 303');
my ($last) = grep { $_->[3] eq '10.7.0.2' } @{ events($x) };
ok t_cmp($last && $last->[4], qr/^evil\\xff\\xfe\\"'; DROP TABLE accounts_audit; --$/,
         '... recorded, escaped');

($rc, $out) = AccountsTest::ctl('log', '-n', '3');
my @lines = split /\n/, $out;
ok t_cmp(scalar(@lines), 4, 'accountsctl log -n 3: a header and three events');
ok t_cmp($lines[0], "time\tevent\tusername\taddress\tuser_agent", '... tab-separated with a header');
($rc) = AccountsTest::ctl('log', '-n', 'lots');
ok t_cmp($rc, 2, 'accountsctl log -n lots: usage error (2)');
($rc) = AccountsTest::ctl('unlock');
ok t_cmp($rc, 2, 'accountsctl unlock without an argument: usage error (2)');
