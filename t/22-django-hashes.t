# t/22-django-hashes.t -- users whose password hashes Django made log in:
# every hasher Django can be configured with (Debian's python3-django,
# run through the suite's own project, t/django/manage.py), re-hashed to
# argon2id at the first login; Django's unusable passwords, malformed
# hashes, unknown algorithms and hashes over a cost ceiling fail like a
# wrong password, with a line in the error log.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

my @HASHERS = qw(pbkdf2_sha256 pbkdf2_sha1 argon2 bcrypt_sha256 bcrypt scrypt);

plan tests => 2 + 7 * @HASHERS + 4 * 4 + 2;

my $BAD = 'Please enter a correct username and password. Note that both '
        . 'fields may be case-sensitive.';
my $PW = AccountsTest::good_password();
my $MANAGE = "$FindBin::Bin/django/manage.py";
*lit = \&AccountsTest::lit;
*sql1 = \&AccountsTest::sql1;

# Django, the real one: manage.py COMMAND ARGS with STDIN.
sub django {
    my ($stdin, @args) = @_;
    my ($rc, $out, $err) = AccountsTest::run($stdin, '/usr/bin/python3', $MANAGE, @args);
    die "manage.py @args failed ($rc): $err" if $rc;
    chomp $out;
    return $out;
}

sub set_hash {
    my ($name, $hash) = @_;
    die "a quote in '$hash'" if $hash =~ /'/;
    AccountsTest::sql("UPDATE accounts_user SET password = '$hash' WHERE username = " . lit($name));
}

sub stored { sql1('SELECT password FROM accounts_user WHERE username = ' . lit($_[0])) }

my $version = eval { django(undef, 'version') } // '';
ok t_cmp($version, qr/^\d+\.\d+/, "Django runs (version $version)");
ok t_cmp(django("$PW\n" . django("$PW\n", 'makehash', 'pbkdf2_sha256') . "\n", 'checkpassword'),
         'True', "Django's check_password accepts its own hash (the harness works)");

for my $alg (@HASHERS) {
    my $name = AccountsTest::mkuser(AccountsTest::unique_name("dj$alg"));
    my $hash = django("$PW\n", 'makehash', $alg);
    set_hash($name, $hash);
    my $prefix = $alg eq 'argon2' ? 'argon2$argon2id$' : "$alg\$";
    ok t_cmp(substr($hash, 0, length $prefix), $prefix, "$alg: Django made a $alg hash");

    my $res = AccountsTest->browser->login($name, 'Wrong-Password-4711');
    ok t_cmp($res->code, 200, "$alg: a wrong password fails (200)");
    ok t_cmp($res->decoded_content, qr/\Q$BAD\E/, "$alg: ... with the generic message");
    ok t_cmp(stored($name), $hash, "$alg: ... and the stored hash is left as it was");

    my $b = AccountsTest->browser;
    $res = $b->login($name, $PW);
    ok t_cmp($res->code, 303, "$alg: the right password logs in (303)");
    my $after = stored($name) // '';
    ok t_cmp($after, qr/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/,
             "$alg: ... and the hash is re-made as argon2id at the configured cost");
    $res = AccountsTest->browser->login($name, $PW);
    ok t_cmp($res->code, 303, "$alg: the password still works with the new hash");
}

# Hashes that cannot be checked: each fails like a wrong password, and all
# but Django's deliberate "!" leave a line in the error log.
my @cases = (
    [ 'unusable', '!' . ('Xk1sJ0WfqTpZ9yq3rGmQ' x 2), undef ],
    [ 'malformed', 'pbkdf2_sha256$260000$salt$bm90IGEgaGFzaA==',
      qr/not checked: a malformed pbkdf2_sha256 hash/ ],
    [ 'unknown', 'md5$salt$0123456789abcdef0123456789abcdef',
      qr/not checked: an unknown algorithm 'md5'/ ],
    [ 'costly', 'pbkdf2_sha256$1000000000$salt$hW4R8i20vdIMM/7npjGmULZMsfm9fSYORiPQQZt7rm0=',
      qr/not checked: its pbkdf2_sha256 cost is over the ceiling/ ],
);
for my $c (@cases) {
    my ($what, $hash, $logged) = @$c;
    my $name = AccountsTest::mkuser(AccountsTest::unique_name("dj$what"));
    set_hash($name, $hash);
    my $t0 = Time::HiRes::time();
    my $res = AccountsTest->browser->login($name, $PW);
    my $took = Time::HiRes::time() - $t0;
    ok t_cmp($res->code, 200, "$what hash: the login fails (200)");
    ok t_cmp($res->decoded_content, qr/\Q$BAD\E/, "$what hash: ... with the generic message");
    ok t_cmp($took < 10 ? 'at once' : sprintf('after %.0f s', $took), 'at once',
             "$what hash: ... without hashing what it names");
    my ($line) = grep { /ACC0055: password hash of '\Q$name\E'/ } split /\n/, AccountsTest::error_log();
    if ($logged) {
        ok t_cmp($line // 'no line', $logged, "$what hash: ... and the error log says why");
    }
    else {
        ok t_cmp($line // 'no line', 'no line', "$what hash: ... and nothing is logged (Django's own marker)");
    }
}

# The unknown algorithm is said once per process: a second user with
# another unknown hash in the same process adds no line (two processes at
# most serve the suite, so at most one more line in all).
{
    my $before = () = AccountsTest::error_log() =~ /an unknown algorithm/g;
    for my $i (1 .. 4) {
        my $name = AccountsTest::mkuser(AccountsTest::unique_name("djunk$i"));
        set_hash($name, 'sha1$salt$0123456789abcdef0123456789abcdef01234567');
        AccountsTest->browser->login($name, $PW);
    }
    my $after = () = AccountsTest::error_log() =~ /an unknown algorithm/g;
    ok t_cmp($after - $before <= 1 ? 'at most once more' : ($after - $before) . ' more lines',
             'at most once more', 'an unknown algorithm is logged once per process');
    my $name = AccountsTest::mkuser(AccountsTest::unique_name('djok'));
    ok t_cmp(AccountsTest->browser->login($name, $PW)->code, 303,
             'users with our own hashes log in as before');
}
