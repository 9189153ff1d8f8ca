# t/46-mfa.t -- a second factor (TOTP, RFC 6238): mfa/ sets it up (a
# secret shown in base32 and as a QR code of the otpauth:// URI, kept the
# same until confirmed, sealed at rest, confirmed by a current code, ten
# recovery codes), a password login then waits at login/mfa/ with no
# session (a half-login opens nothing), a code is good once and only
# within one step either side of now, a recovery code once, wrong codes
# count against the login throttle, "trust this browser" skips the step
# until the password changes, recovery codes are renewed and the factor
# turned off (password and code), `Require account-mfa` asks a session
# for the second factor again (step-up), AccountsMfa Required sends users
# without one to mfa/, and `accountsctl mfa` / `mfa-reset`.
#
# Codes are computed by oathtool from the secret the page shows, never by
# the module; the QR code is read back with rsvg-convert and zbarimg.  A
# code is taken once, and the module may refuse any code for a step at or
# before the last one it took (RFC 6238's advice; setup takes one too), so
# each user here is given codes for steps it has not used yet (the step
# ahead when the current one is spent), and the window test waits
# (alongside everything else, up to a minute) until its user's setup step
# is two steps old.
#
# Hosts: the default one (AccountsMfa Optional, remember days 30,
# AccountsThrottleUsername 5); 'throttle' (3 failures per username);
# 'mfareq' (AccountsMfa Required); 'mfanotrust' (AccountsMfaRememberDays
# 0).  /az/mfa/ has `Require account-mfa` under /az/'s AuthType Accounts.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use HTML::Entities ();
use Time::HiRes ();
use URI ();
use URI::Escape ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 137;

my $PW        = AccountsTest::good_password();
my $NEW       = 'Saffron-Lantern-5520-gently';
my $SITE      = 'mod_accounts test';     # AccountsSiteName in extra.conf.in
my $MFA       = '/accounts/mfa/';
my $QR        = '/accounts/mfa/qr.svg';
my $RECOVERY  = '/accounts/mfa/recovery/';
my $DISABLE   = '/accounts/mfa/disable/';
my $LOGIN     = '/accounts/login/';
my $LOGIN_MFA = '/accounts/login/mfa/';
my $STEP      = 30;

my $BAD_SETUP_CODE = 'The code is not valid. Enter the current code from your authenticator app.';
my $BAD_LOGIN_CODE = 'The code is not valid. Enter the current code from your authenticator '
                   . 'app, or a recovery code.';
my $WRONG_PW       = 'Your password was entered incorrectly. Please enter it again.';
my $ON_TEXT        = 'Two-factor authentication is on.';

*lit          = \&AccountsTest::lit;
*sql1         = \&AccountsTest::sql1;
*field_errors = \&AccountsTest::field_errors;
*input_tag    = \&AccountsTest::input_tag;
*token_in     = \&AccountsTest::token_in;
sub mkuser    { return AccountsTest::mkuser($_[0], $PW) }
sub logged_in { return AccountsTest::logged_in($_[0], $PW, @_[1 .. $#_]) }
sub page      { my $res = shift; return $res->content // '' }
sub home_code { return $_[0]->get('/home/')->code }

# ---- helpers: pages ---------------------------------------------------------

# The Location of a redirect as a path (and query): the scheme and host
# taken off when the server gave them.
sub loc {
    my ($res) = @_;
    (my $l = $res->header('Location') // '') =~ s{^https?://[^/]+}{};
    return $l;
}
sub loc_path { my $l = loc($_[0]); $l =~ s/\?.*//s; return $l }

# The decoded value of the query parameter NAME in a Location, or undef.
sub loc_param {
    my ($res, $name) = @_;
    my $l = loc($res);
    return undef unless $l =~ /\?(.*)$/s;
    for my $pair (split /&/, $1) {
        my ($k, $v) = split /=/, $pair, 2;
        next unless URI::Escape::uri_unescape($k // '') eq $name;
        ($v //= '') =~ tr/+/ /;
        return URI::Escape::uri_unescape($v);
    }
    return undef;
}

# A redirect (302 or 303) to PATH whose next is NEXT: "ok" or what it was.
sub redirect_to {
    my ($res, $path, $next) = @_;
    my $got = $res->code =~ /^30[23]$/ && loc_path($res) eq $path
              && (!defined $next || (loc_param($res, 'next') // '') eq $next);
    return $got ? 'ok' : $res->code . ' ' . loc($res);
}

sub set_cookie_for {
    my ($res, $name) = @_;
    my @sc = $res->header('Set-Cookie') ? ($res->header('Set-Cookie')) : ();
    my ($line) = grep { /^\Q$name\E=/ } map { split /\n/ } @sc;
    return $line // '';
}
# Does the response set cookie NAME to a value (not just expire it)?
sub sets_cookie { return set_cookie_for($_[0], $_[1]) =~ /^\Q$_[1]\E=[^;\s]/ ? 1 : 0 }

# The attributes of a tag, names lower-cased, values decoded.
sub attrs {
    my ($tag) = @_;
    my %a;
    while ($tag =~ /\s([A-Za-z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g) {
        $a{lc $1} = HTML::Entities::decode_entities($2 // $3 // $4 // '');
    }
    return \%a;
}

# The decoded value of the input named NAME, or undef.
sub value_of {
    my ($html, $name) = @_;
    my $tag = input_tag($html, $name);
    return length $tag ? attrs($tag)->{value} // '' : undef;
}

# The POST form of a page (at PAGE) whose action resolves to TARGET: its
# inner HTML, or ''.  (action="" posts to the page itself.)
sub form_to {
    my ($html, $page, $target) = @_;
    while ($html =~ /(<form\b[^>]*>)(.*?)<\/form>/gis) {
        my ($a, $inner) = (attrs($1), $2);
        next unless lc($a->{method} // 'get') eq 'post';
        my $to = URI->new_abs($a->{action} // '', "http://host$page")->path;
        return $inner if $to eq $target;
    }
    return '';
}

# post_from(BROWSER, PAGE, TARGET, FIELD => VALUE...) -- load PAGE, then
# post the fields to TARGET with PAGE's CSRF token.
sub post_from {
    my ($b, $page, $target, @fields) = @_;
    my $token = token_in($b->get($page)->content // '') // '';
    return $b->post($target, [csrfmiddlewaretoken => $token, @fields]);
}

# The secret a setup page shows, as shown ('' if none).
sub secret_in {
    my ($html) = @_;
    return $html =~ m{<code\b[^>]*\bid="mfa-secret"[^>]*>([^<]*)</code>} ? $1 : '';
}

# The recovery codes a page shows.
sub recovery_in {
    my ($html) = @_;
    return $html =~ m{<code\b[^>]*\bclass="recovery-code"[^>]*>\s*([^<]*?)\s*</code>}g;
}

# One assertion: status 200 and MSG among FIELD's messages.
sub has_error {
    my ($res, $field, $msg, $label) = @_;
    my @e = field_errors(page($res), $field);
    my $got = $res->code . ' '
        . ((grep { $_ eq $msg } @e) ? $msg
           : "no such message; $field has: [" . join(' | ', @e) . ']');
    ok t_cmp($got, "200 $msg", $label);
}

# ---- helpers: codes ---------------------------------------------------------

my %secret;    # user => base32 secret
my %last;      # user => the last step a code was (or may have been) taken for
my $slept = 0;

sub now_step { return int(Time::HiRes::time() / $STEP) }

# Make sure at least NEED seconds of the current step are left.
sub wait_fresh {
    my ($need) = @_;
    my $t = Time::HiRes::time();
    my $left = $STEP * (int($t / $STEP) + 1) - $t;
    return if $left >= $need;
    $slept += $left + 0.05;
    Time::HiRes::sleep($left + 0.05);
}

# Wait until step STEP has begun.
sub wait_step {
    my ($step) = @_;
    my $d = $step * $STEP - Time::HiRes::time();
    return if $d <= 0;
    $slept += $d + 0.05;
    Time::HiRes::sleep($d + 0.05);
}

# The code of SECRET for STEP, from oathtool.
sub totp {
    my ($secret, $step) = @_;
    my ($rc, $out, $err) = AccountsTest::run(undef, 'oathtool', '--totp', '-b',
        '-N', '@' . ($step * $STEP + $STEP / 2), $secret);
    die "oathtool failed ($rc): $err" if $rc;
    $out =~ s/\s+\z//;
    die "oathtool gave '$out'" unless $out =~ /\A\d{6}\z/;
    return $out;
}

# The current code (clear of the step's last two seconds) and its step.
sub current_code {
    my ($secret) = @_;
    wait_fresh(2);
    my $step = now_step();
    return (totp($secret, $step), $step);
}

# A code of USER's the module has not taken yet: the current step's, or
# the step ahead's when the current one is spent (waiting when that is
# spent too).  Recorded as taken.
sub fresh_code {
    my ($user) = @_;
    my $last = $last{$user} // -1;
    wait_step($last) if $last > now_step();
    my $now = now_step();
    my $step = $now > $last ? $now : $now + 1;
    $last{$user} = $step;
    return totp($secret{$user}, $step);
}

# Six digits that are no code of SECRET's anywhere near now.
sub not_a_code {
    my ($secret) = @_;
    my $now = now_step();
    my %near = map { totp($secret, $_) => 1 } $now - 3 .. $now + 3;
    my ($c) = grep { !$near{$_} } qw(123456 000000 999999 314159 271828 161803 141421);
    return $c;
}

# ---- helpers: flows ---------------------------------------------------------

# setup(BROWSER, USER) -- set up USER's second factor in a logged-in
# browser with the current code; the answer and the recovery codes.  A
# fixture: dies when it fails.
sub setup {
    my ($b, $user) = @_;
    my $secret = secret_in(page($b->get($MFA)));
    die "no secret on mfa/ for $user" unless length $secret;
    my ($code, $step) = current_code($secret);
    my $res = post_from($b, $MFA, $MFA, code => $code);
    my @codes = recovery_in(page($res));
    die "setting up $user failed: " . $res->code unless $res->code == 200 && @codes == 10;
    $secret{$user} = $secret;
    $last{$user} = $step;
    return ($res, @codes);
}

# with_mfa(PREFIX) -- a new user with a second factor: (name, recovery
# codes, the browser that set it up).
sub with_mfa {
    my ($prefix, %opt) = @_;
    my $user = mkuser(AccountsTest::unique_name($prefix));
    my $b = logged_in($user, %opt);
    my (undef, @codes) = setup($b, $user);
    return ($user, \@codes, $b);
}

# mfa_step(BROWSER, URL, FIELD => VALUE...) -- what a person does at
# login/mfa/: load the page at URL, then post its form back to it with
# the CSRF token, the hidden next it carries, and the fields given.
sub mfa_step {
    my ($b, $url, @fields) = @_;
    my $html = $b->get($url)->content // '';
    my %given = @fields;
    my $next = value_of($html, 'next');
    return $b->post($url, [csrfmiddlewaretoken => token_in($html) // '',
                           ((defined $next && !exists $given{next}) ? (next => $next) : ()),
                           @fields]);
}

# mfa_login(USER, CODE, NEXT, BROWSER) -- a password login, then CODE at
# login/mfa/: (the second answer, the browser).  A fixture: dies when the
# password step does not lead to login/mfa/.
sub mfa_login {
    my ($user, $code, $next, $b) = @_;
    $b //= AccountsTest->browser;
    my $res = $b->login($user, $PW, $next);
    die "password step of $user: " . $res->code . ' ' . loc($res)
        unless $res->code == 303 && loc_path($res) eq $LOGIN_MFA;
    return (mfa_step($b, loc($res), code => $code), $b);
}

# accountsctl mfa NAME: (exit code, output).
sub ctl_mfa {
    my ($rc, $out, $err) = AccountsTest::ctl('mfa', @_);
    return ($rc, $out . $err);
}
sub mfa_state {
    my ($rc, $out) = ctl_mfa(@_);
    return $rc ? "exit $rc" : $out =~ /\boff\b/ ? 'off' : $out =~ /\bon\b/ ? 'on' : "? $out";
}

# The text of the QR code in an SVG as zbarimg reads it ('' if none):
# rsvg-convert draws it on white with a margin (a quiet zone), first
# without anti-aliasing (the seams between squares drawn one by one
# confuse the reader), then as it is.
sub qr_text {
    my ($svg) = @_;
    my $dir = Apache::Test::vars('t_logs');
    my ($in, $png) = ("$dir/mfa-qr.$$.svg", "$dir/mfa-qr.$$.png");
    (my $crisp = $svg) =~ s/<svg\b(?![^>]*\bshape-rendering=)/<svg shape-rendering="crispEdges"/;
    my $text = '';
    for my $v ($crisp, $svg) {
        open my $fh, '>', $in or die "$in: $!";
        print $fh $v;
        close $fh;
        my ($rc, undef, $err) = AccountsTest::run(undef, 'rsvg-convert', '-w', 400, '-h', 400,
            '--page-width', 480, '--page-height', 480, '--left', 40, '--top', 40,
            '-b', 'white', '-o', $png, $in);
        t_debug("rsvg-convert: $rc $err") if $rc;
        next if $rc;
        my ($zrc, $out) = AccountsTest::run(undef, 'zbarimg', '--raw', '-q', $png);
        $out =~ s/\s+\z//;
        if ($zrc == 0 && length $out) { $text = $out; last }
    }
    unlink $in, $png;
    return $text;
}

# RFC 3986: everything but the unreserved characters percent-encoded
# (bytes, so UTF-8 goes as its bytes).
sub pct {
    my ($s) = @_;
    utf8::encode($s) if utf8::is_utf8($s);
    $s =~ s/([^A-Za-z0-9._~-])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

# ---- not logged in ----------------------------------------------------------

{
    my $res = AccountsTest->browser->get($MFA);
    ok t_cmp($res->code, 302, 'anonymous GET mfa/: 302');
    ok t_cmp($res->header('Location') // '', "$LOGIN?next=$MFA",
             '... to the login page with next=/accounts/mfa/');
}

# The window test's user (last in this file), set up now: its setup code's
# step must be two steps old by then, and everything else runs meanwhile.
my ($W) = with_mfa('mfw');

# ---- setting up: the page, the QR code, a wrong code, the right one ---------

# A name with characters the URI must encode: '+', '@' and a UTF-8 letter.
my $U = 'q.r+' . AccountsTest::unique_name('mfq') . "\@ex-\xc3\xa9";
mkuser($U);
my $bu = logged_in($U);
my $secret;
{
    my $res = $bu->get($MFA);
    my $html = page($res);
    ok t_cmp($res->code, 200, 'logged in, no second factor: GET mfa/ 200');
    $secret = secret_in($html);
    ok t_cmp($secret, qr/^[A-Z2-7]{32}$/,
             'the secret is shown in <code id="mfa-secret">: 32 characters of base32, no padding');
    ok t_cmp($html, qr{<img\b[^>]*\bsrc="/accounts/mfa/qr\.svg"}, 'an <img> of mfa/qr.svg');
    my $form = form_to($html, $MFA, $MFA);
    ok t_cmp(length $form ? 'form' : 'no form', 'form', 'a form that posts to mfa/');
    ok t_cmp(join(' ', (token_in($form) ? 'csrf' : 'no-csrf'),
                  (input_tag($form, 'code') =~ /\btype="text"/ ? 'code' : 'no-code')),
             'csrf code', '... with the CSRF token and a text field "code"');
    ok t_cmp(secret_in(page($bu->get($MFA))), $secret, 'GET mfa/ again: the same secret');

    $res = $bu->get($QR);
    ok t_cmp($res->code, 200, 'GET mfa/qr.svg: 200');
    ok t_cmp($res->header('Content-Type') // '', qr{^image/svg\+xml\b}i,
             '... Content-Type image/svg+xml');
    ok t_cmp($res->header('Cache-Control') // '', qr/\bno-store\b/, '... Cache-Control no-store');
    my $want = 'otpauth://totp/' . pct($SITE) . ':' . pct($U) . "?secret=$secret&issuer="
             . pct($SITE) . '&algorithm=SHA1&digits=6&period=30';
    ok t_cmp(qr_text($res->content // ''), $want,
             '... a QR code of the otpauth:// URI (issuer and name percent-encoded)');

    # Not confirmed: nothing is asked at login.
    my $b = AccountsTest->browser;
    $res = $b->login($U, $PW);
    ok t_cmp(join(' ', $res->code, loc($res)), '303 /home/',
             'a secret never confirmed: the password login is a plain one (303 to /home/)');

    $res = post_from($bu, $MFA, $MFA, code => not_a_code($secret));
    has_error($res, 'code', $BAD_SETUP_CODE, 'a wrong code: the form again, the error on "code"');
    ok t_cmp(mfa_state($U), 'off', '... and nothing is switched on (accountsctl mfa: off)');
    ok t_cmp(secret_in(page($res)) || secret_in(page($bu->get($MFA))), $secret,
             '... the same secret still offered');

    my ($code, $step) = current_code($secret);
    $res = post_from($bu, $MFA, $MFA, code => $code);
    $secret{$U} = $secret;
    $last{$U} = $step;
    ok t_cmp($res->code, 200, 'the right current code (oathtool): 200');
    my @rc = recovery_in(page($res));
    ok t_cmp(scalar @rc, 10, '... and the page shows 10 recovery codes');
    ok t_cmp(scalar(grep { /^[a-z2-7]{5}-[a-z2-7]{5}$/ } @rc), 10,
             '... each two groups of five of lowercase base32 ("abcde-fghij")');
    my %u = map { $_ => 1 } @rc;
    ok t_cmp(scalar keys %u, 10, '... all different');
    ok t_cmp(mfa_state($U), 'on', 'accountsctl mfa NAME: on');
    ok t_cmp($bu->get($QR)->code, 404, 'confirmed: mfa/qr.svg is a 404');
}

# ---- login: the password step, then the code --------------------------------

{
    my $next = '/home/?via=mfa';
    my $b = AccountsTest->browser;
    my $res = $b->login($U, $PW, $next);
    ok t_cmp(redirect_to($res, $LOGIN_MFA, $next), 'ok',
             'the right password: 303 to login/mfa/?next=... (next kept)');
    ok t_cmp($res->code, 303, '... a 303');
    ok t_cmp(sets_cookie($res, 'sessionid') ? 'session cookie' : 'none', 'none',
             '... no session cookie is set');
    ok t_cmp(sets_cookie($res, 'accounts_mfa') ? 'set' : 'not set', 'set',
             '... the pending step\'s cookie accounts_mfa is');
    my $pending_url = loc($res);

    # A half-login opens nothing.
    $res = $b->get('/home/');
    ok t_cmp(redirect_to($res, $LOGIN, '/home/'), 'ok', 'half-login: /home/ redirects to login');
    $res = $b->get('/az/plain/env.cgi');
    ok t_cmp(redirect_to($res, $LOGIN, '/az/plain/env.cgi'), 'ok',
             'half-login: /az/plain/ (Require valid-user, AuthType Accounts) redirects to login');
    ok t_cmp(($res->content // '') =~ /REMOTE_USER=\S/ ? 'ran' : 'not run', 'not run',
             '... and the CGI did not run');
    for my $p ('/accounts/profile/', '/accounts/password/change/') {
        ok t_cmp(redirect_to($b->get($p), $LOGIN, $p), 'ok', "half-login: $p redirects to login");
    }

    $res = $b->get($pending_url);
    my $html = page($res);
    ok t_cmp($res->code, 200, 'GET login/mfa/ with the pending cookie: 200');
    my $form = form_to($html, $pending_url, $LOGIN_MFA);
    ok t_cmp(length $form ? 'form' : 'no form', 'form', '... a form that posts to login/mfa/');
    ok t_cmp(join(' ', (token_in($form) ? 'csrf' : 'no-csrf'),
                  (length input_tag($form, 'code') ? 'code' : 'no-code')),
             'csrf code', '... with the CSRF token and a field "code"');
    ok t_cmp(input_tag($form, 'next') =~ /\btype="hidden"/ ? value_of($form, 'next') : 'no hidden next',
             $next, '... and a hidden "next" carrying the login\'s next');
    ok t_cmp(input_tag($form, 'remember') =~ /\btype="checkbox"/ ? 'checkbox' : 'none', 'checkbox',
             '... and a "remember" checkbox');
    ok t_cmp($html, qr/Trust this browser for 30 days/, '... "Trust this browser for 30 days"');

    $res = $b->post($pending_url, [code => not_a_code($secret), next => $next]);
    ok t_cmp($res->code, 403, 'POST login/mfa/ without csrfmiddlewaretoken: 403');

    $res = mfa_step($b, $pending_url, code => not_a_code($secret));
    has_error($res, 'code', $BAD_LOGIN_CODE, 'a wrong code: 200, the error on "code"');
    ok t_cmp(($b->cookie('sessionid') // '') eq '' ? 'no session' : 'session', 'no session',
             '... and still no session');

    # The right code, then the same code again (within its step).
    wait_fresh(8);
    my $code = fresh_code($U);
    $res = mfa_step($b, $pending_url, code => $code);
    ok t_cmp(join(' ', $res->code, loc($res)), "303 $next", 'the right code: 303 to next');
    ok t_cmp(sets_cookie($res, 'sessionid') ? 'session cookie' : 'none', 'session cookie',
             '... with the session cookie');
    ok t_cmp(home_code($b), 200, '... the user is logged in (/home/ 200)');
    ok t_cmp($b->last->content, qr/Hello, \Q$U\E!/, '... /home/ greets the user');

    my $b2 = AccountsTest->browser;
    $res = $b2->login($U, $PW);
    ok t_cmp(join(' ', $res->code, loc($res)), "303 $LOGIN_MFA",
             'a login without next: 303 to login/mfa/');
    $res = mfa_step($b2, loc($res), code => $code);
    has_error($res, 'code', $BAD_LOGIN_CODE, 'the same code again (same step): refused');
    ok t_cmp(home_code($b2), 302, '... and that browser is not logged in');

    # A session that passed the second factor passes Require account-mfa.
    $res = $b->get('/az/mfa/env.cgi');
    ok t_cmp($res->code, 200, 'Require account-mfa: a session that passed the code gets 200');
    ok t_cmp($res->content, qr/^REMOTE_USER=\Q$U\E$/m, '... and the CGI sees the user');
}

# ---- login/mfa/ without a pending step --------------------------------------

{
    my $b = AccountsTest->browser;
    ok t_cmp(redirect_to($b->get($LOGIN_MFA), $LOGIN), 'ok',
             'login/mfa/ without the pending cookie: redirect to login/');
    $b->set_cookie(accounts_mfa => 'forged.' . ('A' x 43));
    ok t_cmp(redirect_to($b->get($LOGIN_MFA), $LOGIN), 'ok',
             'login/mfa/ with a forged pending cookie: redirect to login/');
}

# ---- on: the page, new recovery codes, a recovery code once, stored sealed --

{
    my ($g, $old, $bg) = with_mfa('mfg');
    my $res = $bg->get($MFA);
    my $html = page($res);
    ok t_cmp($res->code, 200, 'second factor on: GET mfa/ 200');
    ok t_cmp($html, qr/\Q$ON_TEXT\E/, "... \"$ON_TEXT\"");
    ok t_cmp(index($html, $secret{$g}) < 0 && !length secret_in($html) ? 'hidden' : 'shown',
             'hidden', '... and the secret is not shown again');
    my $rform = form_to($html, $MFA, $RECOVERY);
    ok t_cmp(length $rform && token_in($rform) ? 'form' : 'no form', 'form',
             '... a form that posts to mfa/recovery/ with the CSRF token');
    my $dform = form_to($html, $MFA, $DISABLE);
    ok t_cmp(join(' ', (length $dform ? 'form' : 'no-form'), (token_in($dform) ? 'csrf' : 'no-csrf'),
                  (input_tag($dform, 'password') =~ /\btype="password"/ ? 'password' : 'no-password'),
                  (length input_tag($dform, 'code') ? 'code' : 'no-code')),
             'form csrf password code',
             '... and one to mfa/disable/ with the CSRF token, "password" and "code"');

    my $stored = sql1('SELECT secret FROM accounts_mfa WHERE user_id = '
                      . '(SELECT id FROM accounts_user WHERE username = ' . lit($g) . ')') // '';
    ok t_cmp($stored, qr/^v1\./, 'accounts_mfa.secret is sealed ("v1.")');
    ok t_cmp(index($stored, $secret{$g}) < 0 && index($stored, lc $secret{$g}) < 0 ? 'sealed' : 'plain',
             'sealed', '... and holds the base32 secret in neither case');

    my ($rc, $out) = ctl_mfa($g);
    ok t_cmp("$rc $out", qr/^0 .*(?:\bon\b.*\b10\b|\b10\b.*\bon\b)/s,
             'accountsctl mfa NAME: exit 0, on, 10 recovery codes unused');

    $res = post_from($bg, $MFA, $RECOVERY);
    my @new = recovery_in(page($res));
    ok t_cmp(join(' ', $res->code, scalar @new), '200 10', 'POST mfa/recovery/: 200 and 10 new codes');
    my %old = map { $_ => 1 } @$old;
    ok t_cmp(scalar(grep { /^[a-z2-7]{5}-[a-z2-7]{5}$/ && !$old{$_} } @new), 10,
             '... all of the recovery-code shape, none of them an old one');

    ($res) = mfa_login($g, $old->[0]);
    has_error($res, 'code', $BAD_LOGIN_CODE, 'a code of the old set: refused (the old set is dead)');
    my $b;
    ($res, $b) = mfa_login($g, $new[0]);
    ok t_cmp(join(' ', $res->code, loc($res)), '303 /home/',
             'a recovery code in the "code" field: 303 to the default redirect');
    ok t_cmp(home_code($b), 200, '... logged in');
    ok t_cmp((ctl_mfa($g))[1], qr/\b9\b/, 'accountsctl mfa NAME: 9 recovery codes left');
    ($res, $b) = mfa_login($g, $new[0]);
    has_error($res, 'code', $BAD_LOGIN_CODE, 'the same recovery code again: refused');
    ok t_cmp(home_code($b), 302, '... not logged in');
}

# ---- turning it off ---------------------------------------------------------

{
    # A wrong password (with a right code): nothing changes.
    my ($d1, undef, $b1) = with_mfa('mfd');
    my $res = post_from($b1, $MFA, $DISABLE, password => 'Not-My-Password-8812',
                        code => fresh_code($d1));
    has_error($res, 'password', $WRONG_PW, 'mfa/disable/ with a wrong password: the error on "password"');
    ok t_cmp(mfa_state($d1), 'on', '... and the second factor stays on');

    my ($d, undef, $b) = with_mfa('mfd');
    my $old_secret = $secret{$d};
    $res = post_from($b, $MFA, $DISABLE, password => $PW, code => not_a_code($old_secret));
    has_error($res, 'code', $BAD_SETUP_CODE, 'mfa/disable/ with a wrong code: the error on "code"');
    ok t_cmp(mfa_state($d), 'on', '... and the second factor stays on');

    $res = post_from($b, $MFA, $DISABLE, password => $PW, code => fresh_code($d));
    ok t_cmp(redirect_to($res, $MFA), 'ok', 'the password and a right code: redirect to mfa/');
    ok t_cmp($res->code, 303, '... a 303');
    ok t_cmp(mfa_state($d), 'off', '... and it is off (accountsctl mfa)');
    my $s = secret_in(page($b->get($MFA)));
    ok t_cmp($s =~ /^[A-Z2-7]{32}$/ && $s ne $old_secret ? 'a new secret' : "'$s'", 'a new secret',
             'mfa/ offers a setup again, with a new secret');
    $res = AccountsTest->browser->login($d, $PW);
    ok t_cmp(join(' ', $res->code, loc($res)), '303 /home/', 'a password login is a plain one again');
}

# ---- trust this browser -----------------------------------------------------

{
    # (A recovery code for the unticked login keeps the TOTP code of
    # this step for the ticked one.)
    my ($r, $rcodes) = with_mfa('mfr');
    my $b = AccountsTest->browser;
    my ($res) = mfa_login($r, $rcodes->[0], undef, $b);
    ok t_cmp(join(' ', $res->code, loc($res)), '303 /home/', 'logged in, the box not ticked: 303');
    ok t_cmp(sets_cookie($res, 'accounts_mfa_trust') ? 'trust cookie' : 'none', 'none',
             '... no accounts_mfa_trust cookie');
    $b->logout;

    $res = $b->login($r, $PW);
    ok t_cmp(loc_path($res), $LOGIN_MFA, 'logged out, the password again: login/mfa/ again');
    $res = mfa_step($b, loc($res), code => fresh_code($r), remember => 'on');
    ok t_cmp(join(' ', $res->code, loc($res)), '303 /home/', 'the code with remember=on: 303');
    ok t_cmp(sets_cookie($res, 'accounts_mfa_trust') ? 'trust cookie' : 'none', 'trust cookie',
             '... and an accounts_mfa_trust cookie');
    $b->logout;

    my $next = '/home/?trusted=1';
    $res = $b->login($r, $PW, $next);
    ok t_cmp(join(' ', $res->code, loc($res)), "303 $next",
             'that browser, the password again: straight to next (no login/mfa/)');
    ok t_cmp(sets_cookie($res, 'sessionid') ? 'session cookie' : 'none', 'session cookie',
             '... with the session cookie');
    ok t_cmp(home_code($b), 200, '... logged in');

    $res = AccountsTest->browser->login($r, $PW);
    ok t_cmp(loc_path($res), $LOGIN_MFA, 'another browser: still login/mfa/');

    $res = $b->submit('/accounts/password/change/', old_password => $PW,
                      new_password1 => $NEW, new_password2 => $NEW);
    ok t_cmp($res->code, 303, 'the user changes the password (password/change/): 303');
    $b->logout;
    $res = $b->login($r, $NEW);
    ok t_cmp(join(' ', $res->code, loc_path($res)), "303 $LOGIN_MFA",
             'after the password change the trust cookie no longer skips the step');
}

{
    my ($n) = with_mfa('mfn');
    my $b = AccountsTest->browser(vhost => 'mfanotrust');
    my $res = $b->login($n, $PW);
    ok t_cmp(loc_path($res), $LOGIN_MFA, 'AccountsMfaRememberDays 0: the password leads to login/mfa/');
    my $url = loc($res);
    ok t_cmp(length input_tag(page($b->get($url)), 'remember') ? 'box' : 'no box', 'no box',
             '... whose form has no "remember" box');
    $res = mfa_step($b, $url, code => fresh_code($n), remember => 'on');
    ok t_cmp($res->code, 303, '... the code logs in (303)');
    ok t_cmp(sets_cookie($res, 'accounts_mfa_trust') ? 'trust cookie' : 'none', 'none',
             '... and remember=on sets no trust cookie');
}

# ---- step-up: Require account-mfa -------------------------------------------

{
    my $res = AccountsTest->browser->get('/az/mfa/env.cgi');
    ok t_cmp(redirect_to($res, $LOGIN, '/az/mfa/env.cgi'), 'ok',
             'anonymous /az/mfa/: to the login page, as every /az/ location');

    # A user with no second factor: sent to login/mfa/, which sends them to set one up.
    my $p = mkuser(AccountsTest::unique_name('mfp'));
    my $bp = logged_in($p);
    $res = $bp->get('/az/mfa/env.cgi');
    ok t_cmp(redirect_to($res, $LOGIN_MFA, '/az/mfa/env.cgi'), 'ok',
             'no second factor: /az/mfa/ redirects to login/mfa/?next=/az/mfa/env.cgi');
    ok t_cmp(($res->content // '') =~ /REMOTE_USER=\S/ ? 'ran' : 'not run', 'not run',
             '... the CGI did not run');
    ok t_cmp(redirect_to($bp->get(loc($res)), $MFA), 'ok', '... and login/mfa/ redirects to mfa/');

    # A session from before the user set up a second factor (in another browser).
    my $q = mkuser(AccountsTest::unique_name('mfs'));
    my $before = logged_in($q);
    setup(logged_in($q), $q);
    $res = $before->get('/az/mfa/env.cgi');
    ok t_cmp(redirect_to($res, $LOGIN_MFA, '/az/mfa/env.cgi'), 'ok',
             'a session without a second factor: /az/mfa/ redirects to login/mfa/?next=...');
    my $url = loc($res);
    ok t_cmp(defined $before->cookie('accounts_mfa') ? 'pending' : 'none', 'none',
             '... (the browser holds no pending cookie)');
    $res = $before->get($url);
    ok t_cmp(join(' ', $res->code, (length input_tag(page($res), 'code') ? 'code' : 'no-code')),
             '200 code', '... login/mfa/ answers 200 with the code field (the session names the user)');
    $res = mfa_step($before, $url, code => fresh_code($q));
    ok t_cmp(join(' ', $res->code, loc($res)), '303 /az/mfa/env.cgi', '... the code: 303 back to /az/mfa/');
    $res = $before->get('/az/mfa/env.cgi');
    ok t_cmp($res->code, 200, '... which now answers 200');
    ok t_cmp($res->content, qr/^REMOTE_USER=\Q$q\E$/m, '... to the user');
}

# ---- AccountsMfa Required ---------------------------------------------------

{
    my $m = mkuser(AccountsTest::unique_name('mfm'));
    my $b = logged_in($m, vhost => 'mfareq');
    my $res = $b->get('/home/');
    ok t_cmp(redirect_to($res, $MFA, '/home/'), 'ok',
             'AccountsMfa Required, no second factor: /home/ redirects to mfa/?next=/home/');
    $res = $b->get($MFA);
    ok t_cmp(join(' ', $res->code, (secret_in(page($res)) =~ /^[A-Z2-7]{32}$/ ? 'secret' : 'no secret')),
             '200 secret', '... mfa/ offers the setup');
    $res = $b->get('/accounts/password/change/');
    ok t_cmp(redirect_to($res, $MFA, '/accounts/password/change/'), 'ok',
             '... and our own pages wait too: password/change/ redirects to mfa/?next=');
    setup($b, $m);
    ok t_cmp(home_code($b), 200, '... set up: /home/ answers 200');
    ok t_cmp($b->last->content, qr/Hello, \Q$m\E!/, '... and greets the user');
    ok t_cmp($b->get('/accounts/password/change/')->code, 200, '... and password/change/ opens');
}

# ---- a login in a browser that holds another user's session ------------------
# The pending step is the new login's, not a step-up of the old session.

{
    my ($x) = with_mfa('mfx');
    my $y = mkuser(AccountsTest::unique_name('mfy'));
    my $b = logged_in($y);
    my ($res) = mfa_login($x, fresh_code($x), undef, $b);
    ok t_cmp($res->code, 303, "another user's login in a browser with y's session: the code logs x in");
    ok t_cmp($b->get('/home/')->content, qr/Hello, \Q$x\E!/, '... as x, not y');
}

# ---- wrong codes count against the login throttle ---------------------------
# The 'throttle' host: 3 failures per username, then 1 s (doubling to 2).

{
    my ($t) = with_mfa('mft');
    my $b = AccountsTest->browser(vhost => 'throttle');
    $b->ua->default_header('X-Test-Client-IP' => '10.46.0.1');
    my $res = $b->login($t, $PW);
    ok t_cmp(loc_path($res), $LOGIN_MFA, 'throttle host: the password leads to login/mfa/');
    my $url = loc($res);
    my $wrong = not_a_code($secret{$t});
    my @codes;
    for (1 .. 7) {
        push @codes, mfa_step($b, $url, code => $wrong)->code;
        last if $codes[-1] == 429;
    }
    ok t_cmp("@codes", qr/^(?:200 )+429$/, 'wrong codes: the form again, then 429');
    $res = mfa_step($b, $url, code => fresh_code($t));
    ok t_cmp($res->code, 429, '... and then the right code gets 429 too');
    ok t_cmp(($b->cookie('sessionid') // '') eq '' ? 'no session' : 'session', 'no session',
             '... no session');
}

# ---- a setup belongs to the session that began it -------------------------
# Another session of the user (a stolen cookie, say) never reads the key
# the user is about to confirm.

{
    my $u = mkuser(AccountsTest::unique_name('mfs'));
    my $a = logged_in($u);
    my $b = logged_in($u);
    my $pa = page($a->get($MFA));
    my $sa = secret_in($pa);
    my $sb = secret_in(page($b->get($MFA)));
    ok t_cmp(($sa ne '' && $sb ne '' && $sa ne $sb) ? 'two keys' : "'$sa' '$sb'", 'two keys',
             "two sessions of one user each get their own setup key");
    ok t_cmp($a->get($QR)->code, 404, "... the first session's QR code is gone once the second began one");
    my ($code) = current_code($sa);
    # Posted from the page it had (a new visit would begin a new setup).
    my $res = $a->post($MFA, [csrfmiddlewaretoken => token_in($pa) // '', code => $code]);
    ok t_cmp(join(' ', $res->code, mfa_state($u)), '303 off',
             "... and its key, confirmed with a right code, switches nothing on");
    ($code) = current_code($sb);
    $res = post_from($b, $MFA, $MFA, code => $code);
    my @shown = recovery_in(page($res));
    ok t_cmp(join(' ', $res->code, scalar(@shown), mfa_state($u)), '200 10 on',
             "... the second session's key does");
}

# ---- new recovery codes only for a session that just passed the factor ------

{
    my $u = mkuser(AccountsTest::unique_name('mfc'));
    my $old = logged_in($u);    # logged in before the factor was set up
    my $b = logged_in($u);
    setup($b, $u);
    my $res = post_from($old, $MFA, $RECOVERY);
    ok t_cmp(join(' ', $res->code, loc_path($res)), "303 $LOGIN_MFA",
             'a session that never passed the factor asking for new recovery codes is sent to pass it');
    my @shown = recovery_in(page($res));
    ok t_cmp(scalar(@shown), 0, '... and is shown no codes');
    my ($rc, $out) = ctl_mfa($u);
    ok t_cmp($out, qr/\b10 recovery codes left\b/, '... and the ten codes stand');
}

# ---- removing the factor ends what passing it gave -----------------------------

{
    my ($u, $codes, $b) = with_mfa('mfr');
    ok t_cmp($b->get('/az/mfa/env.cgi')->code, 200, 'the session that set the factor up enters Require account-mfa');
    my ($rc) = AccountsTest::ctl('mfa-reset', $u);
    my $res = $b->get('/az/mfa/env.cgi');
    ok t_cmp(join(' ', $rc, $res->code), '0 302',
             '... and after accountsctl mfa-reset no longer does (sent to set one up)');
}

# ---- a right password does not clear the count of wrong codes -----------------

{
    my ($u) = with_mfa('mfg');
    my $secret = $secret{$u};
    my $b = AccountsTest->browser;
    my @codes;
    for (1 .. 8) {
        my $res = $b->login($u, $PW);
        push @codes, $res->code;
        next unless $res->code == 303 && loc_path($res) eq $LOGIN_MFA;
        push @codes, mfa_step($b, loc($res), code => not_a_code($secret))->code;
    }
    ok t_cmp((grep { $_ == 429 } @codes) ? 'throttled' : "@codes", 'throttled',
             'wrong codes between right passwords are throttled (a password does not reset their count)');
}

# ---- accountsctl mfa / mfa-reset --------------------------------------------

{
    my $x = mkuser(AccountsTest::unique_name('mfx'));
    my ($rc, $out) = ctl_mfa($x);
    ok t_cmp($rc, 0, 'accountsctl mfa NAME (none set up): exit 0');
    ok t_cmp(mfa_state($x), 'off', '... off');
    setup(logged_in($x), $x);
    ok t_cmp(mfa_state($x), 'on', 'set up: on');
    ($rc, $out, my $err) = AccountsTest::ctl('mfa-reset', $x);
    ok t_cmp($rc, 0, "accountsctl mfa-reset NAME: exit 0 ($err)");
    ok t_cmp(mfa_state($x), 'off', '... then mfa NAME: off');
    my $res = AccountsTest->browser->login($x, $PW);
    ok t_cmp(join(' ', $res->code, loc($res)), '303 /home/', '... and a password login is a plain one');
    ok t_cmp(sql1("SELECT count(*) FROM accounts_audit WHERE event = 'mfa_reset' AND username = "
                  . lit($x)), 1, '... audited: one mfa_reset row');
    ($rc) = AccountsTest::ctl('mfa-reset', AccountsTest::unique_name('nobody'));
    ok t_cmp($rc, 1, 'accountsctl mfa-reset of no such user: exit 1');
}

# ---- the window: one step either side of now, not two -----------------------
# $W's setup took a code for its step; now that step is two steps old, so
# the code from one step ago is taken for its time alone.  (The one from
# two steps ago may be that very step, refused twice over; the one from
# two steps ahead is refused for its time alone.)

{
    wait_step($last{$W} + 2);
    wait_fresh(8);
    my $now = now_step();
    my ($res) = mfa_login($W, totp($secret{$W}, $now - 2));
    has_error($res, 'code', $BAD_LOGIN_CODE, 'a code from two steps ago (60 s): refused');
    ($res) = mfa_login($W, totp($secret{$W}, $now + 2));
    has_error($res, 'code', $BAD_LOGIN_CODE, 'a code from two steps ahead (+60 s): refused');
    my $b;
    ($res, $b) = mfa_login($W, totp($secret{$W}, $now - 1));
    ok t_cmp(join(' ', $res->code, loc($res)), '303 /home/', 'a code from one step ago (30 s): accepted');
    ok t_cmp(home_code($b), 200, '... logged in');
    ($res, $b) = mfa_login($W, totp($secret{$W}, $now + 1));
    ok t_cmp(join(' ', $res->code, loc($res)), '303 /home/', 'a code from one step ahead (+30 s): accepted');
    ok t_cmp(home_code($b), 200, '... logged in');
}

t_debug(sprintf 'slept %.1f s waiting for TOTP steps', $slept);
