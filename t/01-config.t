# t/01-config.t -- httpd refuses to start, with a message that says what to
# do, when the configuration is wrong: no mod_dbd, a broken template, a bad
# directive value.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use File::Temp qw(tempdir);
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 31;

my $httpd = Apache::Test::vars('httpd');
my $so = Apache::Test::vars('serverroot') . '/../.libs/mod_accounts.so';
my $dir = tempdir(CLEANUP => 1);

# configtest(LINES...) -- `httpd -t` on a minimal config: (exit, output).
sub configtest {
    my $conf = "$dir/httpd.conf";
    open my $fh, '>', $conf or die $!;
    print $fh join("\n",
        'ServerRoot /usr/lib/apache2',
        'ServerName 127.0.0.1',
        'LoadModule mpm_event_module modules/mod_mpm_event.so',
        'LoadModule authz_core_module modules/mod_authz_core.so',
        "PidFile $dir/pid", "ErrorLog $dir/error_log", 'Listen 127.0.0.1:1',
        @_), "\n";
    close $fh;
    my ($rc, $out, $err) = AccountsTest::run(undef, $httpd, '-t', '-f', $conf);
    return ($rc, $out . $err);
}

my $dbd = 'LoadModule dbd_module modules/mod_dbd.so';
my $acc = "LoadModule accounts_module $so";
my $shm = 'LoadModule socache_shmcb_module modules/mod_socache_shmcb.so';

my ($rc, $out) = configtest($dbd, $shm, $acc, 'DBDriver pgsql');
ok t_cmp($rc, 0, 'a correct configuration passes httpd -t');

($rc, $out) = configtest($shm, $acc);
ok t_cmp($rc, qr/^[1-9]/, 'without mod_dbd httpd refuses the configuration');
ok t_cmp($out, qr/LoadModule dbd_module/, '... and says LoadModule dbd_module is needed');

# A template with a syntax error stops httpd and names file and line.
mkdir "$dir/tpl";
open my $t, '>', "$dir/tpl/login.html" or die $!;
print $t "{% extends \"base.html\" %}\n{% block content %}\n<p>hi</p>\n{% if x %}\n{% endblock %}\n";
close $t;
($rc, $out) = configtest($dbd, $shm, $acc, "AccountsTemplateDir $dir/tpl");
ok t_cmp($rc, qr/^[1-9]/, 'a broken template stops httpd');
ok t_cmp($out, qr{\Q$dir\E/tpl/login\.html:\d+}, '... naming the file and line');

# A template that includes one that does not exist.
open $t, '>', "$dir/tpl/login.html" or die $!;
print $t "{% include \"nothere.html\" %}\n";
close $t;
($rc, $out) = configtest($dbd, $shm, $acc, "AccountsTemplateDir $dir/tpl");
ok t_cmp($rc, qr/^[1-9]/, 'an include of a missing template stops httpd');
ok t_cmp($out, qr/nothere\.html/, '... naming the missing template');

# A good override is accepted.
open $t, '>', "$dir/tpl/login.html" or die $!;
print $t "{% extends \"base.html\" %}{% block content %}<p>custom</p>{% endblock %}\n";
close $t;
($rc, $out) = configtest($dbd, $shm, $acc, "AccountsTemplateDir $dir/tpl");
ok t_cmp($rc, 0, 'a good template override is accepted');

# Bad directive values name the directive.
($rc, $out) = configtest($dbd, $shm, $acc, 'AccountsPasswordHash argon2id m=4 t=1 p=1');
ok t_cmp($out, qr/AccountsPasswordHash/, 'a bad hash cost names AccountsPasswordHash');
($rc, $out) = configtest($dbd, $shm, $acc, 'AccountsSessionMaxAge two-weeks');
ok t_cmp($out, qr/AccountsSessionMaxAge/, 'a bad max age names AccountsSessionMaxAge');
($rc, $out) = configtest($dbd, $shm, $acc, 'AccountsSessionMaxAge 0');
ok t_cmp($rc, qr/^[1-9]/, 'AccountsSessionMaxAge 0 (sessions that end at once) stops httpd');
ok t_cmp($out, qr/AccountsSessionMaxAge takes a number of seconds from 60/, '... saying what it takes');
($rc, $out) = configtest($dbd, $shm, $acc, 'DBDriver pgsql', 'AccountsSessionMaxAge 60');
ok t_cmp($rc, 0, 'AccountsSessionMaxAge 60 is accepted');
($rc, $out) = configtest($dbd, $shm, $acc, 'AccountsDBWait 0');
ok t_cmp($out, qr/AccountsDBWait takes a number from 1 to 600/, 'AccountsDBWait 0 is refused, naming the directive');
($rc, $out) = configtest($dbd, $shm, $acc, 'AccountsLoginURL //evil.example/login');
ok t_cmp($out, qr/AccountsLoginURL/, 'a login URL that is not a local path is refused');
($rc, $out) = configtest($dbd, $shm, $acc, "AccountsSecretKeyFile $dir/missing.key");
ok t_cmp($out, qr/accountsctl genkey/, 'a missing key file says how to make one');
my ($krc, undef, $kerr) = AccountsTest::ctl('genkey', "$dir/open.key");
die "genkey: $kerr" if $krc;
($rc, $out) = configtest($dbd, $shm, $acc, 'DBDriver pgsql', "AccountsSecretKeyFile $dir/open.key");
ok t_cmp($out !~ /can be read by others/ ? 'quiet' : 'warned', 'quiet', "genkey's 0600 key file: no warning");
chmod 0640, "$dir/open.key";
($rc, $out) = configtest($dbd, $shm, $acc, 'DBDriver pgsql', "AccountsSecretKeyFile $dir/open.key");
ok t_cmp($rc, 0, 'a key file others can read still works');
ok t_cmp($out, qr/AccountsSecretKeyFile .* can be read by others than its owner: make it 0600/,
         '... with a warning to make it 0600');

# The session cache: the default is the module's own table, which needs
# no socache module; a socache provider does, and its LoadModule line is
# named.
($rc, $out) = configtest($dbd, $acc, 'DBDriver pgsql');
ok t_cmp($rc, 0, 'the default session cache needs no socache module');
($rc, $out) = configtest($dbd, $acc, 'DBDriver pgsql', "AccountsSessionCache shmcb:$dir/c(65536)");
ok t_cmp($rc != 0 && $out =~ /'shmcb'.*LoadModule socache_shmcb_module/ ? 'refused' : "rc $rc: $out", 'refused',
         'shmcb with arguments, its module not loaded: refused, the LoadModule line named');
($rc, $out) = configtest($dbd, $acc, 'DBDriver pgsql', 'AccountsSessionCache shm:/tmp/x');
ok t_cmp($rc != 0 && $out =~ /shm takes no arguments/ ? 'refused' : "rc $rc: $out", 'refused',
         'the table takes no arguments, and says so');
($rc, $out) = configtest($dbd, $acc, 'DBDriver pgsql', 'AccountsSessionCache none');
ok t_cmp($rc, 0, 'AccountsSessionCache none needs no socache module');
($rc, $out) = configtest($dbd, $shm, $acc, 'AccountsSessionCache nosuch:/tmp/x');
ok t_cmp($out, qr/'nosuch'.*LoadModule socache_nosuch_module/, 'an unknown cache provider is named');
($rc, $out) = configtest($dbd, $shm, $acc, 'DBDriver pgsql',
                         "AccountsSessionCache shmcb:$dir/cache(65536)");
ok t_cmp($rc, 0, 'shmcb with a path and size is accepted');
($rc, $out) = configtest($dbd, $shm, $acc,
    '<VirtualHost 127.0.0.1:1>', 'AccountsSessionCache none', '</VirtualHost>');
ok t_cmp($out, qr/AccountsSessionCache.*not allowed|cannot occur within/i,
         'AccountsSessionCache is server-wide only');
($rc, $out) = configtest($dbd, $shm, $acc, 'AccountsSessionCacheTTL soon');
ok t_cmp($out, qr/AccountsSessionCacheTTL/, 'a bad cache TTL names the directive');
($rc, $out) = configtest($dbd, $shm, $acc, 'AccountsSessionIdleTimeout 30');
ok t_cmp($out, qr/AccountsSessionIdleTimeout.*120/, 'an idle timeout under two minutes is refused');

# The password policy's words (shared with accountsctl's
# ACCOUNTS_PASSWORD_VALIDATORS) and the minimum length's range.
($rc, $out) = configtest($dbd, $shm, $acc, 'DBDriver pgsql',
                         'AccountsPasswordValidators common NumericPasswordValidator',
                         'AccountsPasswordMinLength 4096');
ok t_cmp($rc, 0, 'validator names, ours and Django\'s, and a 4096 minimum are accepted');
($rc, $out) = configtest($dbd, $shm, $acc, 'AccountsPasswordValidators common bogus');
ok t_cmp($out, qr/AccountsPasswordValidators: unknown validator 'bogus' \(use similarity, length, common, numeric, all or none\)/,
         'an unknown validator names the directive and the words');
($rc, $out) = configtest($dbd, $shm, $acc, 'AccountsPasswordMinLength 4097');
ok t_cmp($out, qr/AccountsPasswordMinLength takes a number of characters from 1 to 4096, not '4097'/,
         'a minimum over 4096 is refused');
