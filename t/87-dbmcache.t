# t/87-dbmcache.t -- the session cache in a dbm file: entries carry a MAC.
#
# Anything that runs as the httpd user (a CGI script, PHP) can open the
# dbm file mod_socache_dbm keeps.  An entry written there without the
# secret key -- a session for a token the database never issued, marked
# superuser -- must be refused, never trusted.  A second httpd is started
# here with AccountsSessionCache dbm:..., and stopped at the end.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use File::Temp qw(tempdir);
use IO::Socket::INET ();
use Time::HiRes ();
use Fcntl;
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 9;

my $httpd = Apache::Test::vars('httpd');
my $so = Apache::Test::vars('serverroot') . '/../.libs/mod_accounts.so';
my $dir = tempdir('accounts-dbm.XXXXXX', TMPDIR => 1, CLEANUP => 1);
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

my ($rc, undef, $err) = AccountsTest::ctl('genkey', "$dir/accounts.key");
die "genkey: $err" if $rc;
mkdir "$dir/htdocs"; mkdir "$dir/htdocs/home";
spew("$dir/htdocs/home/index.html", qq{<h1>Hello, <!--#echo var="REMOTE_USER" -->!</h1>\n});
my $dbd = join ' ', "host=$ENV{ACC_PGHOST}", "port=$ENV{ACC_PGPORT}",
    "dbname=$ENV{ACC_PGDATABASE}", "user=$ENV{ACC_PGUSER}",
    "password=$ENV{ACC_PGPASSWORD}", 'connect_timeout=3';
my $port = free_port();
my $conf = "$dir/httpd.conf";
spew($conf, <<CONF);
ServerRoot /usr/lib/apache2
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile $dir/httpd.pid
ErrorLog $dir/error_log
LogLevel info
DefaultRuntimeDir $dir
DocumentRoot $dir/htdocs
Timeout 5
StartServers 1
LoadModule mpm_event_module      modules/mod_mpm_event.so
LoadModule authn_core_module     modules/mod_authn_core.so
LoadModule authz_core_module     modules/mod_authz_core.so
LoadModule dbd_module            modules/mod_dbd.so
LoadModule socache_dbm_module    modules/mod_socache_dbm.so
LoadModule mime_module           modules/mod_mime.so
LoadModule dir_module            modules/mod_dir.so
LoadModule include_module        modules/mod_include.so
LoadModule alias_module          modules/mod_alias.so
LoadModule accounts_module       $so
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
AccountsSessionCache dbm:$dir/sesscache
AccountsSessionCacheTTL 60
AccountsSecretKeyFile $dir/accounts.key
AccountsPasswordHash argon2id m=1024 t=1 p=1
AccountsCookieSecure Off
AccountsLoginRedirect /home/
<Location /accounts/>
    SetHandler accounts
</Location>
<Location /home/>
    AccountsLoginRequired On
</Location>
<Location /super/>
    AuthType Accounts
    Require account-superuser
</Location>
Alias /super/ $dir/htdocs/home/
CONF
my ($src, $sout, $serr) = AccountsTest::run(undef, $httpd, '-f', $conf, '-k', 'start');
print STDERR "# httpd start: $src $sout $serr\n" if $src;
my $up = 0;
for (1 .. 100) {
    if (IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port)) { $up = 1; last }
    Time::HiRes::sleep(0.1);
}
ok t_cmp($up ? 'up' : 'down', 'up', 'an httpd with the session cache in a dbm file answers');
END {
    return unless defined $main_pid && $$ == $main_pid;
    my $pid = slurp("$dir/httpd.pid") =~ /(\d+)/ ? $1 : undef;
    return unless $pid;
    AccountsTest::run(undef, $httpd, '-f', $conf, '-k', 'stop');
    for (1 .. 50) { last unless kill 0, $pid; Time::HiRes::sleep(0.1) }
    kill 'KILL', $pid if kill 0, $pid;
}

my $b = AccountsTest->browser;
$b->{hostport} = "127.0.0.1:$port";
$b->{base} = "http://$b->{hostport}";
my $user = AccountsTest::mkuser(AccountsTest::unique_name('dbm'));
my $res = $b->login($user);
ok t_cmp($res->code, 303, 'a login');
$res = $b->get('/home/');
ok t_cmp($res->code, 200, '... the guarded page (its session now cached in the dbm file)');
$res = $b->get('/super/');
ok t_cmp($res->code, 403, '... and an ordinary user is refused the superuser page');

# Which dbm flavour APR wrote: Berkeley DB (one file) or SDBM (.dir/.pag).
my ($tie_class, $file) = -e "$dir/sesscache.pag" ? ('SDBM_File', "$dir/sesscache")
                       : ('DB_File', "$dir/sesscache");
eval "require $tie_class" or die $@;
my %db;
my $tied = tie %db, $tie_class, $file, O_RDWR, 0600;
ok t_cmp($tied ? 'opened' : 'not opened', 'opened', "the cache file opens as $tie_class for anyone who can write it");
my $real = grep { /^acc\d+:[0-9a-f]{64}$/ } keys %db;
ok t_cmp(($real ? 'has entries' : 'empty'), 'has entries', '... and holds our entries');

# A session the database never issued: superuser, valid for a minute.
my $token = 'F' x 43;
my $key = 'acc0:' . sha256_hex($token);
my $now = int Time::HiRes::time();
my $id = AccountsTest::sql1("SELECT id FROM accounts_user WHERE username = '$user'");
my @fields = ($id, $user, '', '', '', 1, 1, 1, $now, $now, $now, $now, $now + 3600,
              '', '', ($now + 60) * 1000000, 1);
my $entry = 'acu2' . join('', map { "$_\0" } @fields);
$db{$key} = pack('q<', ($now + 60) * 1000000) . $entry;
undef $tied;
untie %db;

my $forged = AccountsTest->browser;
$forged->{hostport} = "127.0.0.1:$port";
$forged->{base} = "http://$forged->{hostport}";
$forged->set_cookie(sessionid => $token);
$res = $forged->get('/super/');
ok t_cmp($res->code, 302, 'the forged entry is refused: the superuser page sends it to the login page');
$res = $forged->get('/home/');
ok t_cmp($res->code, 302, '... and so does the guarded page');
ok t_cmp(slurp("$dir/error_log"), qr/ACC0116: a session cache entry failed its check/,
         'the error log says an entry failed its check');
