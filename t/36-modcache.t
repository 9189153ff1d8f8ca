# t/36-modcache.t -- mod_cache in front of guarded locations never serves
# one user's page to another, nor to an anonymous request.
#
# /mc/<name>/page.cgi (see t/conf/extra.conf.in) is a CGI whose body names
# REMOTE_USER and a per-request serial, and which sends Cache-Control:
# public, max-age=600, so a cache would keep it.  mod_cache (disk store,
# CacheHeader and CacheDetailHeader On) covers all of /mc/:
#
#   /mc/open/   not guarded: the control, which the cache does keep
#   /mc/guard/  AccountsLoginRequired On
#   /mc/authz/  AuthType Accounts, Require valid-user
#   /mc/leaky/  guarded, but mod_headers takes our Cache-Control: private
#               and Vary: Cookie off again: what a leak looks like, so we
#               know these requests would see one
#
# The default host runs the cache as a quick handler (mod_cache's default:
# the cache is asked before any access check or authentication); the
# 'mcslow' host runs it as a normal handler, after them.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

# 2 hosts x (control 5 + 2 guarded locations x 24 + leaky 4) + logout 4 + log 1
plan tests => 2 * (5 + 2 * 24 + 4) + 4 + 1;

my $PW = AccountsTest::good_password();
my $LOGIN = '/accounts/login/';

sub mkuser { return AccountsTest::mkuser($_[0], $PW) }
sub logged_in { return AccountsTest::logged_in($_[0], $PW, @_[1 .. $#_]) }

my $log_start = length AccountsTest::error_log();

# mod_cache_disk's CacheRoot (t/logs/cachedisk, see extra.conf.in): httpd
# needs it only once it stores something, so it is made here.
my $cache_root = Apache::Test::vars('t_logs') . '/cachedisk';
-d $cache_root or mkdir $cache_root or die "mkdir $cache_root: $!";

# A tag per URL, so no two sections (or runs) share a cache entry.
my $n = 0;
sub fresh_url {
    my ($loc) = @_;
    $n++;
    return "/mc/$loc/page.cgi?t=$$" . 'x' . int(Time::HiRes::time() * 1000) . "x$n";
}

sub user_of   { return $_[0]->content =~ /^REMOTE_USER=(.*)$/m ? $1 : '(none)' }
sub serial_of { return $_[0]->content =~ /^SERIAL=(\S+)$/m ? $1 : '' }
sub x_cache   { return $_[0]->header('X-Cache') // '' }
sub cc        { return $_[0]->header('Cache-Control') // '' }
sub vary      { return $_[0]->header('Vary') // '' }

my %seen; # every serial any response carried

# A logged-in user's page: their own, fresh, and not from the cache.
# (4 tests)
sub own_fresh_page {
    my ($b, $url, $name, $label) = @_;
    my $res = $b->get($url);
    my $serial = serial_of($res);
    ok t_cmp($res->code, 200, "$label: 200");
    ok t_cmp(user_of($res), $name, "$label: the page is $name\'s own");
    ok t_cmp(($serial ne '' && !$seen{$serial}) ? 'fresh' : "seen before ($serial)", 'fresh',
             "$label: a fresh page (a serial no earlier response had)");
    ok t_cmp(x_cache($res), qr/^MISS\b/, "$label: X-Cache MISS");
    $seen{$serial} = 1 if $serial ne '';
    return $res;
}

# ---- one host: the control, both guarded locations, the leak ---------------

sub host_tests {
    my ($vhost) = @_;
    my $quick = $vhost eq 'default';
    my $h = $quick ? 'quick handler' : 'normal handler (mcslow)';

    my $alice = mkuser(AccountsTest::unique_name('mca'));
    my $bob = mkuser(AccountsTest::unique_name('mcb'));
    my $ba = logged_in($alice, vhost => $vhost);
    my $bb = logged_in($bob, vhost => $vhost);
    my $anon = AccountsTest->browser(vhost => $vhost);

    # -- the control: the same CGI, not guarded, is cached, for anyone ------
    {
        my $url = fresh_url('open');
        my $r1 = $anon->get($url);
        my $r2 = $anon->get($url);
        my $ra = $ba->get($url);
        ok t_cmp($r1->code, 200, "$h, control /mc/open/: 200");
        ok t_cmp(x_cache($r1), qr/^MISS\b/, "$h, control: first request X-Cache MISS");
        ok t_cmp(x_cache($r2), qr/^HIT\b/, "$h, control: second request X-Cache HIT");
        ok t_cmp(serial_of($r2), serial_of($r1),
                 "$h, control: the second anonymous request gets the cached body");
        ok t_cmp(serial_of($ra), serial_of($r1),
                 "$h, control: so does a logged-in user's (the cache alone tells nobody apart)");
        $seen{serial_of($r1)} = 1;
    }

    # -- the guarded locations ----------------------------------------------
    for my $loc ('guard', 'authz') {
        my $l = "$h, /mc/$loc/";
        my $url = fresh_url($loc);
        (my $path = $url) =~ s/\?.*//;

        my $res = own_fresh_page($ba, $url, $alice, "$l alice");
        ok t_cmp(cc($res), qr/\bprivate\b/i, "$l alice: Cache-Control private");
        ok t_cmp(vary($res), qr/\bCookie\b/i, "$l alice: Vary: Cookie");
        ok t_cmp($res->header('X-Cache-Detail') // '', qr/Cache-Control: private present/,
                 "$l alice: mod_cache declined to store it because of private");

        own_fresh_page($bb, $url, $bob, "$l bob after alice, same URL");

        $res = $anon->get($url);
        ok t_cmp($res->code, 302, "$l anonymous after both: 302");
        ok t_cmp($res->header('Location') // '', qr/^\Q$LOGIN?next=$path\E%3F/,
                 "$l anonymous: to the login page, next= this URL");
        ok t_cmp($res->content =~ /REMOTE_USER=|SERIAL=/ ? 'a page' : 'no page', 'no page',
                 "$l anonymous: nobody's page in the body");
        ok t_cmp(x_cache($res) =~ /^HIT/ ? 'HIT' : 'not from the cache', 'not from the cache',
                 "$l anonymous: not served from the cache");
        ok t_cmp(cc($res), qr/\bno-store\b/i, "$l anonymous: Cache-Control no-store");
        ok t_cmp(vary($res), qr/\bCookie\b/i, "$l anonymous: Vary: Cookie");

        $res = $anon->get($url, Accept => 'application/json');
        ok t_cmp($res->code, 401, "$l anonymous script: 401");
        ok t_cmp($res->content =~ /REMOTE_USER=|SERIAL=/ ? 'a page' : 'no page', 'no page',
                 "$l anonymous script: nobody's page in the body");

        my $forged = AccountsTest->browser(vhost => $vhost);
        $forged->set_cookie(sessionid => 'not-a-session-' . $$);
        $res = $forged->get($url);
        ok t_cmp($res->code, 302, "$l an unknown session cookie: 302, no cached page");

        own_fresh_page($ba, $url, $alice, "$l alice again");
    }

    # -- the leak these requests would see: our two headers taken away ------
    {
        my $l = "$h, /mc/leaky/ (no private, no Vary: Cookie)";
        my $url = fresh_url('leaky');
        my $ra = $ba->get($url);
        my $rb = $bb->get($url);
        my $rn = $anon->get($url);
        ok t_cmp(user_of($ra), $alice, "$l: alice gets her page");
        ok t_cmp(x_cache($rb), qr/^HIT\b/, "$l: bob's request is answered from the cache");
        ok t_cmp(user_of($rb), $alice, "$l: ... with alice's page (the leak)");
        if ($quick) {
            ok t_cmp(user_of($rn), $alice,
                     "$l: even an anonymous request gets alice's page: the quick handler runs before the guard");
        }
        else {
            ok t_cmp($rn->code, 302,
                     "$l: an anonymous request is still sent to log in: the guard runs before the cache");
        }
    }

    return ($ba, $vhost);
}

my @logged = (host_tests('default'), host_tests('mcslow'));

# ---- after logout, the old cookie gets no page from any cache -------------

while (my ($b, $vhost) = splice @logged, 0, 2) {
    my $token = $b->cookie('sessionid');
    my $res = $b->logout;
    die "logout failed: " . $res->status_line if $res->code != 303;
    my $old = AccountsTest->browser(vhost => $vhost);
    $old->set_cookie(sessionid => $token);
    for my $loc ('guard', 'authz') {
        $res = $old->get(fresh_url($loc) =~ s/\?.*//r);
        ok t_cmp($res->code, 302, "$vhost: after logout alice's old cookie on /mc/$loc/: 302");
    }
}

# ---- nothing went wrong on the way ----------------------------------------

my $log = substr AccountsTest::error_log(), $log_start;
my @bad = grep { /\[(?:cache|cache_socache|socache_shmcb|accounts):(?:error|crit|alert|emerg)\]/ }
          split /\n/, $log;
ok t_cmp(scalar(@bad) ? $bad[0] : 'clean', 'clean',
         'no mod_cache or mod_accounts errors in the error log');
