# t/42-password-reset.t -- password/reset/ and the link it mails: the
# same answer (303 to password/reset/done/, same page, same time) for a
# known, an unknown and an inactive address; the mail and its link; the
# link moving its token out of the URL to .../set-password/; setting the
# password (mismatch, success, the old password and every old session
# gone); links that must be refused (used, after a login, wrong uid,
# damaged token, expired) with the "invalid" page and never a 5xx; the
# per-address mail throttle; header injection; mail queued while the SMTP
# server is down and delivered once it is back.
#
# Hosts: the default one; 'resetshort' (AccountsPasswordResetTimeout 2);
# 'mailthrottle' (AccountsThrottleMail 2 10); 'mailretry'
# (AccountsMailRetry 1, AccountsMailInterval 1).  Mail is caught by
# scripts/smtpcatch (t/lib/CaughtMail.pm); ACC_MAIL_STOP / ACC_MAIL_START
# stop and start it (else CaughtMail::server_down / server_up).
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use HTML::Entities ();
use MIME::Base64 ();
use Time::HiRes ();
use URI ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;
use CaughtMail;

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 60;

my $RESET    = '/accounts/password/reset/';
my $PW       = AccountsTest::good_password();
my $NEW      = 'Saffron-Lantern-5520-gently';
my $DONE_LOC = qr{^(?:https?://[^/]+)?/accounts/password/reset/done/$};
my $LINK_RE  = qr{/accounts/password/reset/([A-Za-z0-9_-]+)/([0-9a-z]+-[0-9a-f]{32})/$};
my $INVALID  = qr/The password reset link was invalid/;
my $MISMATCH = "The two password fields didn\x{2019}t match.";
my $BADEMAIL = 'Enter a valid email address.';
my $BAD_LOGIN = 'Please enter a correct username and password. Note that both '
              . 'fields may be case-sensitive.';

*lit  = \&AccountsTest::lit;
*mkuser_email = \&AccountsTest::mkuser_email;
*sql1 = \&AccountsTest::sql1;
sub page      { my $res = shift; return $res->decoded_content // '' }
sub home_code { return $_[0]->get('/home/')->code }
sub logged_in { return AccountsTest::logged_in($_[0], $PW, @_[1 .. $#_]) }


sub pw_hash {
    return sql1('SELECT password FROM accounts_user WHERE username = ' . lit($_[0])) // '';
}
sub user_id {
    return sql1('SELECT id FROM accounts_user WHERE username = ' . lit($_[0])) // '';
}

# Ask for a reset of EMAIL from a fresh browser on VHOST.
sub reset_request {
    my ($email, $vhost) = @_;
    return AccountsTest->browser(vhost => $vhost || 'default')->submit($RESET, email => $email);
}

# "303 done" or what came instead.
sub outcome {
    my ($res) = @_;
    my $loc = $res->header('Location') // '';
    return $res->code == 303 && $loc =~ $DONE_LOC ? '303 done' : $res->code . " $loc";
}

# The response with what may differ between two requests taken out: the
# Date, cookies, and LWP's own Client-* headers.
sub normalised {
    my ($res) = @_;
    my @h;
    $res->headers->scan(sub {
        my ($k, $v) = @_;
        push @h, "$k: $v" unless $k =~ /^(?:Date|Set-Cookie|Client-.*)$/i;
    });
    return join "\n", $res->code, sort(@h), '', $res->content // '';
}

# The reset link mailed to EMAIL after message number SINCE:
# (url, uidb64, token), or ('') when none came within TIMEOUT seconds.
sub mailed_link {
    my ($email, $since, $timeout) = @_;
    my $msg = CaughtMail::wait_for(to => $email, since => $since, timeout => $timeout // 20)
        or return ('');
    for my $url (CaughtMail::links($msg)) {
        return ($url, $1, $2) if $url =~ $LINK_RE;
    }
    return ('');
}

sub abs_url { my ($loc, $base) = @_; return URI->new_abs($loc, $base)->as_string }

# Open a link the way a browser does (up to 4 redirects): ("200 invalid"
# or the codes and what the page is, final response).
sub open_link {
    my ($url, $b) = @_;
    $b //= AccountsTest->browser;
    my (@codes, $res);
    for (1 .. 5) {
        $res = $b->get($url);
        push @codes, $res->code;
        my $loc = $res->header('Location');
        last unless $res->code =~ /^30[1237]$/ && defined $loc;
        $url = abs_url($loc, $url);
    }
    my $what = page($res) =~ $INVALID ? 'invalid' : 'not the invalid page';
    return (join('->', @codes) . " $what", $res);
}
my $INVALID_OUTCOME = qr/^(?:30[1237]->)*200 invalid$/;

# Addresses among @addrs that any message after number SINCE went to
# (envelope, To, Cc or Bcc).
sub mailed_to_any {
    my ($since, @addrs) = @_;
    my @msgs = CaughtMail::messages();
    @msgs = @msgs[$since .. $#msgs];
    my %hit;
    for my $m (@msgs) {
        my $to = lc join ',', @{ $m->{rcpt} || [] },
            map { $m->{headers}{$_} // '' } qw(to cc bcc);
        for my $addr (@addrs) { $hit{$addr} = 1 if index($to, lc $addr) >= 0 }
    }
    return sort keys %hit;
}

# How many messages after number SINCE went to ADDR.
sub count_to {
    my ($since, $addr) = @_;
    my @msgs = CaughtMail::messages();
    @msgs = @msgs[$since .. $#msgs];
    return scalar grep {
        my $m = $_;
        grep { lc($_) eq lc $addr } @{ $m->{rcpt} || [] }, ($m->{to} =~ /([^\s<>,"]+@[^\s<>,"]+)/g)
    } @msgs;
}

sub median { my @s = sort { $a <=> $b } @_; return $s[$#s / 2] }

sub to_b36 {
    my ($n) = @_;
    my $s = '';
    do { $s = (0 .. 9, 'a' .. 'z')[$n % 36] . $s; $n = int($n / 36) } while $n > 0;
    return $s;
}
sub from_b36 {
    my $n = 0;
    $n = $n * 36 + index('0123456789abcdefghijklmnopqrstuvwxyz', $_) for split //, lc shift;
    return $n;
}

# ---- the form -----------------------------------------------------------------

{
    my $res = AccountsTest->browser->get($RESET);
    ok t_cmp($res->code . (page($res) =~ /<input\b[^>]*\bname="email"/ ? ' email input' : ''),
             '200 email input', 'GET password/reset/: 200 with an email input');
}

# ---- known, unknown and inactive addresses get the same answer --------------

my ($known, $known_email) = mkuser_email('rk');
my $before_reset = logged_in($known);     # a session the reset must end
my ($inactive, $inactive_email) = mkuser_email('ri');
{
    my ($rc, $out, $err) = AccountsTest::ctl('deactivate', $inactive);
    ok t_cmp($rc, 0, "accountsctl deactivate: exit 0 ($err)");
}
my $unknown_email = lc(AccountsTest::unique_name('nobody')) . '@example.com';

my $n0 = CaughtMail::count();
my %res;
for my $case (['known', $known_email], ['unknown', $unknown_email], ['inactive', $inactive_email]) {
    my ($what, $email) = @$case;
    $res{$what} = reset_request($email);
    ok t_cmp(outcome($res{$what}), '303 done', "$what address: 303 to password/reset/done/");
}
ok t_cmp(normalised($res{unknown}), normalised($res{known}),
         'unknown and known address: the same response but for Date and cookies');
ok t_cmp(normalised($res{inactive}), normalised($res{known}),
         'inactive and known address: the same response but for Date and cookies');

my ($link, $uid, $token) = mailed_link($known_email, $n0);
ok t_cmp($link, $LINK_RE, 'the known address gets a mail with a reset link');
# Without a link the tests below fail, one by one, rather than die.
$uid //= 'MQ';
$token //= '1-' . ('0' x 32);

# ---- ... in the same time ---------------------------------------------------

{
    my @users = map { [mkuser_email('rt')] } 1 .. 7;
    my @unknown = map { lc(AccountsTest::unique_name('nobody')) . '@example.com' } 1 .. 7;
    my $n1 = CaughtMail::count();
    my (@tk, @tu, @codes);
    my $timed = sub {
        my ($email) = @_;
        my $b = AccountsTest->browser;
        my $tok = AccountsTest::token_in(page($b->get($RESET))) // '';
        my $t0 = Time::HiRes::time();
        my $res = $b->post($RESET, [csrfmiddlewaretoken => $tok, email => $email]);
        my $dt = Time::HiRes::time() - $t0;
        push @codes, $res->code;
        return $dt;
    };
    for my $i (0 .. 6) {            # interleaved, alternating which goes first
        if ($i % 2) {
            push @tu, $timed->($unknown[$i]);
            push @tk, $timed->($users[$i][1]);
        } else {
            push @tk, $timed->($users[$i][1]);
            push @tu, $timed->($unknown[$i]);
        }
    }
    ok t_cmp(join(' ', @codes), join(' ', ('303') x 14), 'fourteen timed requests: 303 each');
    my ($mk, $mu) = (median(@tk), median(@tu));
    my $diff = abs($mk - $mu);
    ok t_cmp($diff < 0.050 ? 'alike' : sprintf('differ by %.0f ms', $diff * 1000), 'alike',
             sprintf('median time known %.1f ms, unknown %.1f ms: within 50 ms', $mk * 1000, $mu * 1000));

    my $got = grep { CaughtMail::wait_for(to => $_->[1], since => $n1, timeout => 20) } @users;
    ok t_cmp($got, 7, 'each of the seven known addresses gets its mail');
    Time::HiRes::sleep(3);          # the others had as long, and then some
    ok t_cmp(join(', ', mailed_to_any($n0, @unknown, $unknown_email, $inactive_email)), '',
             'no mail to an unknown or an inactive address');
}

# ---- links that must be refused (while the real one is still good) ---------

{
    my ($origin) = ($link || 'http://localhost') =~ m{^(https?://[^/]+)};
    my $base = "$origin/accounts/password/reset";
    my ($ts, $mac) = split /-/, $token, 2;
    my ($other_user) = mkuser_email('ro');
    my $other = MIME::Base64::encode_base64url(user_id($other_user));

    my @bad = (
        ['the token less its last character', "$base/$uid/" . substr($token, 0, -1) . '/'],
        ['the token with another timestamp',  "$base/$uid/" . to_b36(from_b36($ts) + 1) . "-$mac/"],
        ['a garbage token',                   "$base/$uid/not-a-token/"],
        ["another user's uid",                "$base/$other/$token/"],
        ['uid "Zm9v" ("foo")',                "$base/Zm9v/$token/"],
        ['uid "!!"',                          "$base/!!/$token/"],
        ['a huge uid',                        "$base/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5/$token/"],
    );
    for my $case (@bad) {
        my ($what, $url) = @$case;
        ok t_cmp((open_link($url))[0], $INVALID_OUTCOME, "$what: 200, the invalid-link page");
    }
}

# ---- the real link: token out of the URL, then a new password ----------------

my $r = AccountsTest->browser;
{
    my $hash_before = pw_hash($known);
    my $res = $r->get($link || "http://localhost/none/");
    my $loc = $res->header('Location') // '';
    ok t_cmp($res->code, qr/^30[23]$/, 'following the link: a redirect');
    ok t_cmp($loc, qr{/accounts/password/reset/\Q$uid\E/set-password/$},
             '... to password/reset/<uidb64>/set-password/');
    ok t_cmp(index($loc, $token), -1, '... which no longer holds the token');

    my $set = abs_url($loc || '/none/', $link || 'http://localhost/');
    $res = $r->get($set);
    my $html = page($res);
    ok t_cmp($res->code . join('', map { $html =~ /<input\b[^>]*\bname="$_"/ ? " $_" : '' }
                                   qw(new_password1 new_password2)),
             '200 new_password1 new_password2', 'set-password: 200, a form with new_password1 and new_password2');

    $res = $r->submit($set, new_password1 => 'Velvet-Harbor-3318-slowly',
                      new_password2 => 'Velvet-Harbor-3318-slowlx');
    ok t_cmp($res->code . (page($res) =~ /\Q$MISMATCH\E/ ? " $MISMATCH" : ''), "200 $MISMATCH",
             'passwords that differ: 200, the mismatch message');
    ok t_cmp(index(page($res), 'Velvet-Harbor'), -1, '... and neither is echoed');

    ok t_cmp(home_code($before_reset), 200, 'the session from before the reset is alive (and cached)');
    $res = $r->submit($set, new_password1 => $NEW, new_password2 => $NEW);
    ok t_cmp($res->code, 303, 'a good new password: 303');
    ok t_cmp($res->header('Location') // '', qr{^(?:https?://[^/]+)?/accounts/password/reset/complete/$},
             '... to password/reset/complete/');
    $res = $r->get(abs_url('/accounts/password/reset/complete/', $set));
    ok t_cmp($res->code . (page($res) =~ /Your password has been set\./ ? ' set' : ''), '200 set',
             'password/reset/complete/: 200, "Your password has been set."');

    ok t_cmp(home_code($before_reset), 302, 'every session the user had is ended');
    ok t_cmp(AccountsTest->browser->login($known, $NEW)->code, 303, 'the new password logs in');
    $res = AccountsTest->browser->login($known, $PW);
    ok t_cmp($res->code . (page($res) =~ /\Q$BAD_LOGIN\E/ ? ' refused' : ''), '200 refused',
             'the old password does not');

    ok t_cmp((open_link($link || 'http://localhost/none/'))[0], $INVALID_OUTCOME,
             'the used link in a fresh browser: the invalid-link page');
    my $hash = pw_hash($known);
    $res = $r->submit($set, new_password1 => 'Another-Quiet-Harbour-77', new_password2 => 'Another-Quiet-Harbour-77');
    ok t_cmp(($res->code =~ /^(?:303|5\d\d)$/ ? $res->code : 'refused') . ' '
             . (pw_hash($known) eq $hash ? 'unchanged' : 'changed'), 'refused unchanged',
             'set-password again in the same browser: refused, the password stays');
}

# ---- a login spends the link ---------------------------------------------------

{
    my ($v, $email) = mkuser_email('rl');
    my $n = CaughtMail::count();
    reset_request($email);
    my ($url) = mailed_link($email, $n);
    ok t_cmp(AccountsTest->browser->get($url || 'http://localhost/none/')->code, qr/^30[23]$/,
             'a fresh link works before the user logs in');
    logged_in($v);
    ok t_cmp((open_link($url || 'http://localhost/none/'))[0], $INVALID_OUTCOME,
             'after a login the same link is invalid');
}

# ---- an expired link (resetshort: AccountsPasswordResetTimeout 2) -----------

{
    my ($w, $email) = mkuser_email('rx');
    my $n = CaughtMail::count();
    ok t_cmp(outcome(reset_request($email, 'resetshort')), '303 done', 'resetshort: reset requested');
    my ($url) = mailed_link($email, $n);
    ok t_cmp(AccountsTest->browser(vhost => 'resetshort')->get($url || 'http://localhost/none/')->code,
             qr/^30[23]$/, 'resetshort: the link works at once');
    Time::HiRes::sleep(4);
    ok t_cmp((open_link($url || 'http://localhost/none/', AccountsTest->browser(vhost => 'resetshort')))[0],
             $INVALID_OUTCOME, 'resetshort: 4 s later the link has expired (the invalid-link page)');
}

# ---- mails per address (mailthrottle: AccountsThrottleMail 2 10) ------------

{
    my ($m, $email) = mkuser_email('rm');
    my $n = CaughtMail::count();
    my @c = map { outcome(reset_request($email, 'mailthrottle')) } 1 .. 3;
    ok t_cmp(join(', ', @c), '303 done, 303 done, 303 done',
             'mailthrottle: three requests for one address within the hour: 303 each');
    my $deadline = Time::HiRes::time() + 20;
    Time::HiRes::sleep(0.2) while count_to($n, $email) < 2 && Time::HiRes::time() < $deadline;
    Time::HiRes::sleep(4);          # time for a third, if one were coming
    ok t_cmp(count_to($n, $email), 2, '... but only two mails are sent');
}

# ---- header injection -----------------------------------------------------------

{
    my $evil = 'evil@example.com';
    my $n = CaughtMail::count();

    my (undef, $victim_email) = mkuser_email('rv');
    my $b = AccountsTest->browser;
    my $res = $b->submit($RESET, email => "$victim_email\r\nBcc: $evil");
    my @e = map { HTML::Entities::decode_entities($_) }
        page($res) =~ m{<span\b[^>]*\bclass="(?:[^"]*\s)?error(?:\s[^"]*)?"[^>]*>(.*?)</span>}gs;
    ok t_cmp($res->code . ((grep { $_ eq $BADEMAIL } @e) ? " $BADEMAIL" : ' [' . join(' | ', @e) . ']'),
             "200 $BADEMAIL", 'an address with CR LF and a Bcc: 200, "Enter a valid email address."');

    # A first name with a header in it, set through the profile page (or,
    # if the page will not store it, behind its back).
    my ($h, $h_email) = mkuser_email('rh');
    my $hb = logged_in($h);
    $res = $hb->submit('/accounts/profile/', first_name => "Eve\r\nBcc: $evil",
                       last_name => 'Mallory', email => $h_email, city => 'Paris');
    ok t_cmp($res->code, qr/^(?:200|303)$/, 'profile: a first name with CR LF is taken or refused, never a 5xx');
    if ((sql1("SELECT position(E'\\n' in first_name) > 0 FROM accounts_user WHERE username = " . lit($h)) // 'f') ne 't') {
        AccountsTest::sql("UPDATE accounts_user SET first_name = E'Eve\\r\\nBcc: evil\@example.com'"
                        . ' WHERE username = ' . lit($h));
    }
    my $hn = CaughtMail::count();
    reset_request($h_email);
    my $msg = CaughtMail::wait_for(to => $h_email, since => $hn, timeout => 20);
    ok t_cmp($msg ? 'mail' : 'no mail', 'mail', 'the user with CR LF in the first name gets the reset mail');
    ok t_cmp($msg && exists $msg->{headers}{bcc} ? "Bcc: $msg->{headers}{bcc}" : 'no Bcc', 'no Bcc',
             '... with no Bcc header');
    ok t_cmp(join(', ', map { lc } @{ ($msg && $msg->{rcpt}) || [] }), lc $h_email,
             '... and only the user as its envelope recipient');
    Time::HiRes::sleep(2);
    ok t_cmp(join(', ', mailed_to_any($n, $evil)), '', 'nothing at all went to evil@example.com');
}

# ---- a link dies when the password changes another way ---------------------

{
    my ($c, $email) = mkuser_email('rc');
    my $n = CaughtMail::count();
    reset_request($email);
    my ($url) = mailed_link($email, $n);
    ok t_cmp($url, $LINK_RE, 'a reset link for the password-change test');
    # Changed on the password change page, logged in.
    my $b = logged_in($c);
    my $res = $b->submit('/accounts/password/change/', old_password => $PW,
                         new_password1 => $NEW, new_password2 => $NEW);
    ok t_cmp($res->code, 303, 'the password changed on password/change/');
    my ($what) = $url ? open_link($url) : ('no link');
    ok t_cmp($what, qr/^(?:30[1237]->)*200 invalid$/,
             'the reset link mailed before the change is invalid after it');
    my ($rc, $out) = AccountsTest::ctl('log', '--user', $c, '-n', '20');
    ok t_cmp($out, qr/\tpassword_change\t/, 'audit: password_change recorded');
}

# ---- the audit trail of a reset ---------------------------------------------

{
    my ($a, $email) = mkuser_email('ra');
    my $n = CaughtMail::count();
    reset_request($email);
    my ($url, $uid) = mailed_link($email, $n);
    my $b = AccountsTest->browser;
    my (undef, $res) = $url ? open_link($url, $b) : ('', undef);
    my $set = '/accounts/password/reset/' . ($uid // 'x') . '/set-password/';
    $res = $b->submit($set, new_password1 => $NEW, new_password2 => $NEW);
    ok t_cmp($res->code, 303, 'audit test: the reset completes');
    my ($rc, $out) = AccountsTest::ctl('log', '--user', $a, '-n', '20');
    ok t_cmp($out, qr/\tpassword_reset\t/, 'audit: password_reset recorded for the user');
    ($rc, $out) = AccountsTest::ctl('log', '--user', $email, '-n', '20');
    ok t_cmp($out, qr/\tpassword_reset_request\t/, 'audit: the request recorded under the address asked');
}

# ---- SMTP down: the mail waits in the queue (mailretry) -- keep this last ---

my $smtp_stopped = 0;
sub smtp_stop {
    return system($ENV{ACC_MAIL_STOP}) == 0 if defined $ENV{ACC_MAIL_STOP} && length $ENV{ACC_MAIL_STOP};
    return CaughtMail::server_down();
}
sub smtp_start {
    return system($ENV{ACC_MAIL_START}) == 0 if defined $ENV{ACC_MAIL_START} && length $ENV{ACC_MAIL_START};
    return CaughtMail::server_up();
}
END {
    if ($smtp_stopped) {            # never leave the suite without mail
        my $status = $?;
        eval { smtp_start() };
        $? = $status;
    }
}

{
    my ($s, $email) = mkuser_email('rq');
    my $n = CaughtMail::count();
    $smtp_stopped = 1;
    ok t_cmp(smtp_stop() ? 'stopped' : 'still running', 'stopped', 'the SMTP catcher is stopped');
    ok t_cmp(outcome(reset_request($email, 'mailretry')), '303 done',
             'mailretry, SMTP down: the reset request still answers 303');
    Time::HiRes::sleep(3);
    my ($rc, $out, $err) = AccountsTest::ctl('mail');
    ok t_cmp($rc, 0, "accountsctl mail: exit 0 ($err)");
    my @lines = grep { index(lc $_, lc $email) >= 0 } split /\n/, $out;
    ok t_cmp(join(' | ', @lines), qr/\bqueued\b/, '... lists the message to the user as queued');
    ok t_cmp(smtp_start() ? 'started' : 'not started', 'started', 'the SMTP catcher is started again');
    $smtp_stopped = 0;
    my $msg = CaughtMail::wait_for(to => $email, since => $n, timeout => 20);
    my ($url) = grep { $_ =~ $LINK_RE } ($msg ? CaughtMail::links($msg) : ());
    ok t_cmp($url // 'no mail', $LINK_RE, 'the queued mail arrives within 20 s, with its link');
}
