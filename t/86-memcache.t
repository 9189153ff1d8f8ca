# t/86-memcache.t -- two httpd servers sharing one PostgreSQL and one
# memcached as their session cache (AccountsSessionCache memcache:...):
# a session cached by one is served by the other from memcached; a logout
# on one is refused by the other within a second, long before the TTL;
# and an entry altered inside memcached is refused (its HMAC), never
# trusted.
#
# memcached and both httpds are started here, from a temporary directory,
# and always stopped at the end.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use File::Temp qw(tempdir);
use IO::Socket::INET ();
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 24;

my $PW = AccountsTest::good_password();
my $TTL = 30; # long: whatever is refused before it was removed
my $httpd = Apache::Test::vars('httpd');
my $so = Apache::Test::vars('serverroot') . '/../.libs/mod_accounts.so';
my $dir = tempdir('accounts-mc.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $main_pid = $$;

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, ReuseAddr => 1) or die $!;
    my $p = $s->sockport;
    close $s;
    return $p;
}
sub slurp { my ($f) = @_; open my $fh, '<', $f or return ''; local $/; return <$fh> // '' }
sub spew { my ($f, @t) = @_; open my $fh, '>', $f or die "$f: $!"; print $fh @t; close $fh }
sub pid_in { my $p = slurp($_[0]); return $p =~ /(\d+)/ ? $1 : undef }

sub wait_port {
    my ($port) = @_;
    for (1 .. 100) {
        return 1 if IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port);
        Time::HiRes::sleep(0.1);
    }
    return 0;
}

# ---- memcached --------------------------------------------------------------

my $mcport = free_port();
my $mcbin = -x '/usr/bin/memcached' ? '/usr/bin/memcached' : 'memcached';
system($mcbin, '-d', '-l', '127.0.0.1', '-p', $mcport, '-U', '0', '-m', '16',
       '-P', "$dir/memcached.pid");
ok t_cmp(wait_port($mcport) ? 'up' : 'down', 'up', "memcached listens on $mcport");

# One memcached command, its whole answer.
sub mc {
    my ($cmd, $until) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $mcport) or return '';
    binmode $s;
    print $s $cmd;
    my $out = '';
    while (sysread $s, my $chunk, 65536) {
        $out .= $chunk;
        last if $out =~ $until;
    }
    close $s;
    return $out;
}

# ---- two httpds ---------------------------------------------------------------

my ($rc, undef, $err) = AccountsTest::ctl('genkey', "$dir/accounts.key");
die "genkey: $err" if $rc;
mkdir "$dir/htdocs"; mkdir "$dir/htdocs/home";
spew("$dir/htdocs/home/index.html", qq{<h1>Hello, <!--#echo var="REMOTE_USER" -->!</h1>\n});
my $dbd = join ' ', "host=$ENV{ACC_PGHOST}", "port=$ENV{ACC_PGPORT}",
    "dbname=$ENV{ACC_PGDATABASE}", "user=$ENV{ACC_PGUSER}",
    "password=$ENV{ACC_PGPASSWORD}", 'connect_timeout=3';

my %srv;
for my $name ('a', 'b') {
    my $port = free_port();
    my $conf = "$dir/$name.conf";
    spew($conf, <<CONF);
ServerRoot /usr/lib/apache2
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile $dir/$name.pid
ErrorLog $dir/$name.error_log
LogLevel info
DefaultRuntimeDir $dir
DocumentRoot $dir/htdocs
Timeout 5
StartServers 1
LoadModule mpm_event_module         modules/mod_mpm_event.so
LoadModule authn_core_module        modules/mod_authn_core.so
LoadModule authz_core_module        modules/mod_authz_core.so
LoadModule dbd_module               modules/mod_dbd.so
LoadModule socache_memcache_module  modules/mod_socache_memcache.so
LoadModule mime_module              modules/mod_mime.so
LoadModule dir_module               modules/mod_dir.so
LoadModule include_module           modules/mod_include.so
LoadModule accounts_module          $so
TypesConfig /etc/mime.types
<Directory $dir/htdocs>
    Options +Includes
    AddOutputFilter INCLUDES .html
    DirectoryIndex index.html
    Require all granted
</Directory>
DBDriver pgsql
DBDParams "$dbd"
DBDMin 0
DBDKeep 2
DBDMax 8
AccountsSessionCache memcache:127.0.0.1:$mcport
AccountsSessionCacheTTL $TTL
AccountsSecretKeyFile $dir/accounts.key
AccountsPasswordHash argon2id m=1024 t=1 p=1
AccountsThrottleRegistrations 1000
AccountsCookieSecure Off
AccountsLoginRedirect /home/
<Location /accounts/>
    SetHandler accounts
</Location>
<Location /home/>
    AccountsLoginRequired On
</Location>
CONF
    AccountsTest::run(undef, $httpd, '-f', $conf, '-k', 'start');
    $srv{$name} = { port => $port, conf => $conf, log => "$dir/$name.error_log",
                    pid => "$dir/$name.pid" };
}
ok t_cmp((wait_port($srv{a}{port}) && wait_port($srv{b}{port})) ? 'up' : 'down', 'up',
         'both httpds answer');

END {
    return unless defined $main_pid && $$ == $main_pid;
    for my $s (values %srv) {
        my $pid = pid_in($s->{pid}) or next;
        AccountsTest::run(undef, $httpd, '-f', $s->{conf}, '-k', 'stop');
        for (1 .. 50) { last unless kill 0, $pid; Time::HiRes::sleep(0.1) }
        kill 'KILL', $pid if kill 0, $pid;
    }
    my $mpid = pid_in("$dir/memcached.pid");
    kill 'TERM', $mpid if $mpid;
}

# A browser for server $name (AccountsTest's, pointed at another port).
sub browser_on {
    my ($name) = @_;
    my $b = AccountsTest->browser;
    $b->{hostport} = "127.0.0.1:$srv{$name}{port}";
    $b->{base} = "http://$b->{hostport}";
    return $b;
}
sub with_token {
    my ($name, $tok) = @_;
    my $b = browser_on($name);
    $b->set_cookie(sessionid => $tok);
    return $b;
}
sub home { my ($name, $tok) = @_; return with_token($name, $tok)->get('/home/') }

my $user = AccountsTest::mkuser(AccountsTest::unique_name('mc'), $PW);
my $other = AccountsTest::mkuser(AccountsTest::unique_name('mcx'), $PW);

# ---- a session cached by one server is served by the other --------------

my $b = browser_on('a');
ok t_cmp($b->login($user, $PW)->code, 303, 'login on server A: 303');
my $tok = $b->cookie('sessionid') // '';
my $res = home('b', $tok);
ok t_cmp($res->code, 200, 'the session on server B: 200 (and now in memcached)');
ok t_cmp($res->decoded_content, qr/Hello, \Q$user\E!/, '... as the user');
AccountsTest::sql('DELETE FROM accounts_session WHERE token_hash = '
                . AccountsTest::lit(sha256_hex($tok)));
Time::HiRes::sleep(1.3); # past every process's own one-second copy
ok t_cmp(home('a', $tok)->code, 200,
         'row deleted behind both: server A still serves it, from memcached');
ok t_cmp(home('b', $tok)->code, 200, '... and so does server B');

# ---- a logout on one is refused by the other within a second ------------

my $b2 = browser_on('a');
$b2->login($user, $PW);
my $tok2 = $b2->cookie('sessionid') // '';
ok t_cmp(home('b', $tok2)->code, 200, 'a second session, used on server B');
ok t_cmp(home('b', $tok2)->code, 200, '... twice (in B\'s own copy now)');
ok t_cmp($b2->logout->code, 303, 'logout on server A: 303');
ok t_cmp(home('a', $tok2)->code, 302, 'server A refuses the token at once');
Time::HiRes::sleep(1.3);
$res = home('b', $tok2);
ok t_cmp($res->code, 302, "server B refuses it a second later, long before the ${TTL} s TTL");
ok t_cmp($res->header('Location') // '', qr{^/accounts/login/\?next=}, '... to the login page');

# ---- an entry altered inside memcached is refused -----------------------

my $b3 = browser_on('a');
$b3->login($user, $PW);
my $tok3 = $b3->cookie('sessionid') // '';
ok t_cmp(home('b', $tok3)->code, 200, 'a third session, cached through server B');
my $key = 'mod_accounts:' . unpack('H*', 'acc0:' . sha256_hex($tok3));
my $got = mc("get $key\r\n", qr/END\r\n\z/);
my ($flags, $len) = $got =~ /^VALUE \S+ (\d+) (\d+)\r\n/;
ok t_cmp(defined $len ? 'found' : 'missing', 'found', 'its entry is in memcached under the module\'s key');
my $value = defined $len ? substr($got, index($got, "\n") + 1, $len) : '';
ok t_cmp($value =~ /\x00\Q$user\E\x00/ ? 'has it' : 'not there', 'has it', '... holding the username');
ok t_cmp($value =~ /\$argon2/ ? 'hash' : 'no hash', 'no hash', '... and never the password hash');
# Someone with access to memcached swaps in another user's name.
(my $forged = $value) =~ s/\x00\Q$user\E\x00/\x00$other\x00/;
my $set = mc("set $key " . ($flags // 0) . " 60 " . length($forged) . "\r\n$forged\r\n", qr/\r\n\z/);
ok t_cmp($set, "STORED\r\n", 'the forged entry is stored in memcached');
Time::HiRes::sleep(1.3);
my $log_start = length slurp($srv{b}{log});
$res = home('b', $tok3);
ok t_cmp($res->code, 200, 'server B still answers 200 for the session');
ok t_cmp($res->decoded_content, qr/Hello, \Q$user\E!/, '... as the real user (from the database)');
ok t_cmp($res->decoded_content =~ /\Q$other\E/ ? 'forged user' : 'not forged', 'not forged',
         '... never as the name forged into the cache');
ok t_cmp(substr(slurp($srv{b}{log}), $log_start), qr/ACC0116/,
         '... and logs that a cache entry failed its check');

# ---- clean logs ------------------------------------------------------------

for my $name ('a', 'b') {
    my $log = slurp($srv{$name}{log});
    my @bad = grep { /:(emerg|alert|crit)\]|segfault|exit signal/ } split /\n/, $log;
    ok t_cmp(@bad ? $bad[0] : 'clean', 'clean', "server \u$name: no crash or critical line in its error log");
}
