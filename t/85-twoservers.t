# t/85-twoservers.t -- two httpd instances on different ports sharing one
# PostgreSQL: a session made by logging in on one is accepted by the
# other; a logout on one is refused by the other within a moment (the
# database's change notices), or once that one's session cache entry has
# expired (its TTL) at the latest; a user
# registered on one logs in on the other.
#
# The second server is started here, from its own configuration in a
# temporary directory (its own port, secret key, error log and pid file),
# with the same module, the same database and a two-second session cache.
# It is always stopped at the end, and its error log must be clean.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use File::Temp qw(tempdir);
use HTTP::Cookies ();
use IO::Socket::INET ();
use LWP::UserAgent ();
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 46;

my $PW = AccountsTest::good_password();
my $TTL = 2; # the second server's AccountsSessionCacheTTL, and the suite's ttl2 host's
my $LOGIN = '/accounts/login/';
*lit = \&AccountsTest::lit;
*sql1 = \&AccountsTest::sql1;

sub mkuser { return AccountsTest::mkuser($_[0], $PW) }
sub token { return $_[0]->cookie('sessionid') // '' }

# ---- the second server --------------------------------------------------

my $httpd = Apache::Test::vars('httpd');
my $so = Apache::Test::vars('serverroot') . '/../.libs/mod_accounts.so';
my $dir = tempdir('accounts-two.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $conf = "$dir/httpd.conf";
my $pidfile = "$dir/httpd.pid";
my $errlog = "$dir/error_log";
my $main_pid = $$;

# A port nobody listens on now.
sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, ReuseAddr => 1)
        or die "no free port: $!";
    my $port = $s->sockport;
    close $s;
    return $port;
}

sub server_pid {
    open my $fh, '<', $pidfile or return undef;
    my $pid = <$fh> // '';
    return $pid =~ /^\s*(\d+)/ ? $1 : undef;
}

sub alive { my ($pid) = @_; return defined $pid && kill(0, $pid) }

# stop_server() -- ask httpd to stop, then make sure it has: true once no
# process of it is left.
sub stop_server {
    my $pid = server_pid();
    return 1 unless alive($pid);
    AccountsTest::run(undef, $httpd, '-f', $conf, '-k', 'stop');
    for (1 .. 100) {
        return 1 unless alive($pid);
        Time::HiRes::sleep(0.1);
    }
    kill 'KILL', $pid;
    Time::HiRes::sleep(0.2);
    return !alive($pid);
}

END {
    # Whatever happened above, leave no httpd behind (before File::Temp
    # removes its directory).
    stop_server() if defined $main_pid && $$ == $main_pid && -e $pidfile;
}

sub slurp {
    my ($file) = @_;
    open my $fh, '<', $file or return '';
    local $/;
    return <$fh> // '';
}

sub spew {
    my ($file, @text) = @_;
    open my $fh, '>', $file or die "$file: $!";
    print $fh @text;
    close $fh or die "$file: $!";
}

my $port = free_port();
my $hostport2 = "127.0.0.1:$port";

my ($rc, $out, $err) = AccountsTest::ctl('genkey', "$dir/accounts.key");
ok t_cmp($rc, 0, "accountsctl genkey for the second server ($err)");

mkdir "$dir/htdocs" or die $!;
mkdir "$dir/htdocs/home" or die $!;
spew("$dir/htdocs/home/index.html", <<'HTML');
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Home</title></head>
<body>
<h1>Hello, <!--#echo var="REMOTE_USER" -->!</h1>
<p>The second server.</p>
</body>
</html>
HTML

my $dbd_params = join ' ',
    "host=$ENV{ACC_PGHOST}", "port=$ENV{ACC_PGPORT}", "dbname=$ENV{ACC_PGDATABASE}",
    "user=$ENV{ACC_PGUSER}", "password=$ENV{ACC_PGPASSWORD}", 'connect_timeout=3';

spew($conf, <<CONF);
# The second server of t/85-twoservers.t.
ServerRoot /usr/lib/apache2
ServerName 127.0.0.1
Listen $hostport2
PidFile $pidfile
ErrorLog $errlog
LogLevel info
DefaultRuntimeDir $dir
DocumentRoot $dir/htdocs
Timeout 5
KeepAlive On
HostnameLookups Off

LoadModule mpm_event_module       modules/mod_mpm_event.so
LoadModule authn_core_module      modules/mod_authn_core.so
LoadModule authz_core_module      modules/mod_authz_core.so
LoadModule dbd_module             modules/mod_dbd.so
LoadModule socache_shmcb_module   modules/mod_socache_shmcb.so
LoadModule mime_module            modules/mod_mime.so
LoadModule alias_module           modules/mod_alias.so
LoadModule dir_module             modules/mod_dir.so
LoadModule include_module         modules/mod_include.so
LoadModule accounts_module        $so
TypesConfig /etc/mime.types

StartServers 1
ServerLimit 2
ThreadsPerChild 10
MinSpareThreads 10
MaxSpareThreads 20
MaxRequestWorkers 20

DBDriver pgsql
DBDParams "$dbd_params"
DBDMin 0
DBDKeep 2
DBDMax 10
DBDExptime 60

AccountsPasswordHash argon2id m=1024 t=1 p=1
AccountsLoginRedirect /home/
AccountsLogoutRedirect /accounts/login/
AccountsCookieSecure Off
AccountsSiteName "mod_accounts second server"
AccountsSecretKeyFile $dir/accounts.key
AccountsSessionCacheTTL $TTL
# As the suite's server: it registers far more than 20 accounts an hour
# from 127.0.0.1, and the registration throttle is shared through the
# database.
AccountsThrottleRegistrations 1000

<Directory />
    Options FollowSymLinks
    AllowOverride None
</Directory>
<Location /accounts/>
    SetHandler accounts
</Location>
<Location /home/>
    AccountsLoginRequired On
</Location>
<Directory "$dir/htdocs/home">
    Options +Includes
    AddOutputFilter INCLUDES .html
    DirectoryIndex index.html
</Directory>
CONF

($rc, $out, $err) = AccountsTest::run(undef, $httpd, '-f', $conf, '-k', 'start');
my $up = 0;
if ($rc == 0) {
    for (1 .. 150) {
        if (IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Timeout => 1)) {
            $up = 1;
            last;
        }
        Time::HiRes::sleep(0.1);
    }
}
ok t_cmp($up ? 'up' : "down (exit $rc: $out$err)", 'up',
         "the second httpd starts and listens on $hostport2");
t_debug("second server's error log:\n" . slurp($errlog)) unless $up;

# browser2() -- like AccountsTest->browser, for the second server: own
# cookie jar, no redirects.
sub browser2 {
    my $ua = LWP::UserAgent->new(
        cookie_jar            => HTTP::Cookies->new,
        max_redirect          => 0,
        requests_redirectable => [],
        timeout               => 30,
        agent                 => 'AccountsTest/1.0',
    );
    return bless { ua => $ua, base => "http://$hostport2", hostport => $hostport2,
                   last => undef }, 'AccountsTest';
}

# with_session(TOKEN, BROWSER) -- BROWSER (a fresh one) sending TOKEN.
sub with_session {
    my ($tok, $b) = @_;
    $b->set_cookie(sessionid => $tok);
    return $b;
}
sub suite_with { my ($tok, %opt) = @_; return with_session($tok, AccountsTest->browser(%opt)) }
sub second_with { my ($tok) = @_; return with_session($tok, browser2()) }

{
    my $res = browser2()->get($LOGIN);
    ok t_cmp($res->code, 200, 'the second server: its login page answers 200');
    ok t_cmp($res->decoded_content, qr/name="csrfmiddlewaretoken"/,
             '... with a CSRF-protected form');
}

# ---- a session made on the suite server works on the second --------------

{
    my $name = mkuser(AccountsTest::unique_name('a'));
    my $b = AccountsTest->browser;
    ok t_cmp($b->login($name, $PW)->code, 303, 'suite server: login 303');
    my $tok = token($b);
    ok t_cmp($tok, qr/^[A-Za-z0-9_-]{43}$/, '... and a session token');
    my $res = second_with($tok)->get('/home/');
    ok t_cmp($res->code, 200, 'the suite\'s token on the second server: /home/ 200');
    ok t_cmp($res->decoded_content, qr/Hello, \Q$name\E!/, '... greeting the same user');
    ok t_cmp($res->decoded_content, qr/The second server\./, '... from the second server\'s page');
}

# ---- and one made on the second server works on the suite's ---------------

{
    my $name = mkuser(AccountsTest::unique_name('b'));
    my $b = browser2();
    my $res = $b->login($name, $PW);
    ok t_cmp($res->code, 303, 'second server: login 303');
    ok t_cmp($res->header('Location') // '', '/home/', '... to its AccountsLoginRedirect');
    my $tok = token($b);
    ok t_cmp($tok, qr/^[A-Za-z0-9_-]{43}$/, '... with a session token');
    ok t_cmp($b->get('/home/')->decoded_content, qr/Hello, \Q$name\E!/,
             'second server: its own /home/ greets the user');
    $res = suite_with($tok)->get('/home/');
    ok t_cmp($res->code, 200, 'the second server\'s token on the suite server: /home/ 200');
    ok t_cmp($res->decoded_content, qr/Hello, \Q$name\E!/, '... greeting the same user');
    ok t_cmp(suite_with($tok, vhost => 'nocache')->get('/home/')->code, 200,
             '... and on the suite\'s host without a cache');
}

# ---- logout on the suite server; the second server has it cached ----------

{
    my $name = mkuser(AccountsTest::unique_name('c'));
    my $b = AccountsTest->browser;
    ok t_cmp($b->login($name, $PW)->code, 303, 'suite server: login 303');
    my $tok = token($b);
    my $other = second_with($tok);
    ok t_cmp($other->get('/home/')->code, 200,
             'second server: /home/ 200 with the suite\'s token (now cached there)');
    my $res = $b->logout;
    ok t_cmp($res->code, 303, 'suite server: logout 303');
    my $t0 = Time::HiRes::time();
    ok t_cmp(suite_with($tok, vhost => 'nocache')->get('/home/')->code, 302,
             'the suite\'s host without a cache refuses the token at once');
    ok t_cmp(suite_with($tok)->get('/home/')->code, 302,
             'the suite\'s own cached entry is gone at once');
    # Whatever the second server's entry says, it ends with its TTL.
    my $left = $t0 + $TTL + 0.5 - Time::HiRes::time();
    Time::HiRes::sleep($left) if $left > 0;
    $res = $other->get('/home/');
    ok t_cmp($res->code, 302, "second server: refused once its TTL ($TTL s) has passed");
    ok t_cmp($res->header('Location') // '', "$LOGIN?next=/home/", '... to its login page');
    ok t_cmp($res->decoded_content =~ /Hello, \Q$name\E!/ ? 'page' : 'no page', 'no page',
             '... and the page is not shown');
}

# ---- logout on the second server; the suite has it cached -----------------

{
    my $name = mkuser(AccountsTest::unique_name('d'));
    my $b = browser2();
    ok t_cmp($b->login($name, $PW)->code, 303, 'second server: login 303');
    my $tok = token($b);
    ok t_cmp($b->get('/home/')->code, 200, 'second server: /home/ 200 (cached there)');
    my $ttl2 = suite_with($tok, vhost => 'ttl2');
    ok t_cmp($ttl2->get('/home/')->code, 200,
             'the suite\'s ttl2 host: /home/ 200 with the second\'s token (now cached)');
    ok t_cmp(suite_with($tok)->get('/home/')->code, 200,
             'the suite\'s default host: 200 too (cached for its 10 s)');
    my $res = $b->logout;
    ok t_cmp($res->code, 303, 'second server: logout 303');
    my $t0 = Time::HiRes::time();
    ok t_cmp(second_with($tok)->get('/home/')->code, 302,
             'second server: its own cached entry is gone at once');
    ok t_cmp(suite_with($tok, vhost => 'nocache')->get('/home/')->code, 302,
             'the suite\'s host without a cache refuses the token at once');
    # The suite's default host holds it for up to 10 s without notices.
    my $refused = 0;
    for (1 .. 20) {
        if (suite_with($tok)->get('/home/')->code == 302) { $refused = 1; last }
        Time::HiRes::sleep(0.1);
    }
    ok t_cmp(($refused ? 'refused' : 'still served'), 'refused',
             'the suite\'s default host (TTL 10 s): refused within 2 s, told by the database\'s notice');
    my $left = $t0 + $TTL + 0.5 - Time::HiRes::time();
    Time::HiRes::sleep($left) if $left > 0;
    ok t_cmp($ttl2->get('/home/')->code, 302,
             "the suite's ttl2 host: refused once its TTL ($TTL s) has passed");
    ok t_cmp(sql1('SELECT count(*) FROM accounts_session s JOIN accounts_user u'
                . ' ON u.id = s.user_id WHERE u.username = ' . lit($name)), 0,
             'the session row is gone from the shared database');
}

# ---- users registered on one server log in on the other -------------------

{
    my $name = AccountsTest::unique_name('r');
    my $res = browser2()->register($name, $PW, "$name\@example.com");
    ok t_cmp($res->code, 303, 'second server: registration 303');
    ok t_cmp($res->header('Location') // '', qr{^\Q$LOGIN\E}, '... to its login page');
    ok t_cmp(sql1('SELECT count(*) FROM accounts_user WHERE username = ' . lit($name)), 1,
             '... and the user is in the shared database');
    my $b = AccountsTest->browser;
    ok t_cmp($b->login($name, $PW)->code, 303,
             'the user registered on the second server logs in on the suite server');
    ok t_cmp($b->get('/home/')->decoded_content, qr/Hello, \Q$name\E!/,
             '... and the suite\'s /home/ greets them');
}

{
    my $name = AccountsTest::unique_name('s');
    my $res = AccountsTest->browser->register($name, $PW, "$name\@example.com");
    ok t_cmp($res->code, 303, 'suite server: registration 303');
    my $b = browser2();
    ok t_cmp($b->login($name, $PW)->code, 303,
             'the user registered on the suite server logs in on the second server');
    ok t_cmp($b->get('/home/')->decoded_content, qr/Hello, \Q$name\E!/,
             '... and the second server\'s /home/ greets them');
    # The same name, differently cased, is taken on the other server too.
    $res = browser2()->register(uc $name, $PW, '');
    ok t_cmp($res->code, 200, 'the name in upper case on the second server: the form again (200)');
    ok t_cmp(join('|', AccountsTest::errors_in($res->decoded_content)),
             qr/A user with that username already exists\./, '... saying the name is taken');
}

# ---- the second server stops cleanly, with a clean log --------------------

{
    ok t_cmp(stop_server() ? 'stopped' : 'still running', 'stopped',
             'the second httpd stops');
    my $log = slurp($errlog);
    my @bad = grep { /:(?:emerg|alert|crit)\]|Segmentation fault|exit signal|AddressSanitizer|runtime error:/ }
              split /\n/, $log;
    ok t_cmp(scalar(@bad) ? join("\n", @bad) : 'clean', 'clean',
             'its error log has no emerg/alert/crit lines and no crashed child');
}
