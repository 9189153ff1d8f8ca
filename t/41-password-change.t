# t/41-password-change.t -- password/change/: login required, the form,
# Django's PasswordChangeForm messages and the registration validators,
# CSRF, success (303 to password/change/done/, this browser kept logged
# in with a new session token, every other session of the user ended at
# once, the old password dead), wrong old passwords counted by the login
# throttle, and the audit trail.
#
# The default host: AccountsThrottleUsername 5 (the default), session
# cache TTL 10 s -- the server must drop the user's other sessions from
# its own cache at once, so nothing here waits.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use HTML::Entities ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

# Messages carry U+2019: keep Test.pm's prints sane.
binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 40;

my $CHANGE = '/accounts/password/change/';
my $PW     = AccountsTest::good_password();
my $NEW    = 'Saffron-Lantern-5520-gently';

my $WRONG_OLD = 'Your old password was entered incorrectly. Please enter it again.';
my $MISMATCH  = "The two password fields didn\x{2019}t match.";
my $SHORT     = 'This password is too short. It must contain at least 8 characters.';
my $COMMON    = 'This password is too common.';
my $NUMERIC   = 'This password is entirely numeric.';
my $BAD_LOGIN = 'Please enter a correct username and password. Note that both '
              . 'fields may be case-sensitive.';
my $THROTTLED = qr/Too many failed login attempts/;
my $DONE_LOC  = qr{^(?:https?://[^/]+)?/accounts/password/change/done/$};

*lit  = \&AccountsTest::lit;
*input_tag = \&AccountsTest::input_tag;
*field_errors = \&AccountsTest::field_errors;
*field_block = \&AccountsTest::field_block;
*sql1 = \&AccountsTest::sql1;
sub mkuser    { return AccountsTest::mkuser($_[0], $PW) }
sub logged_in { return AccountsTest::logged_in($_[0], $PW, @_[1 .. $#_]) }
sub page      { my $res = shift; return $res->decoded_content // '' }
sub home_code { return $_[0]->get('/home/')->code }

# The stored password hash of NAME.
sub pw_hash {
    return sql1('SELECT password FROM accounts_user WHERE username = ' . lit($_[0])) // '';
}

# A fresh browser holding only the session cookie VALUE.
sub browser_with_session {
    my ($value) = @_;
    my $b = AccountsTest->browser;
    $b->set_cookie(sessionid => $value);
    return $b;
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


sub change {
    my ($b, $old, $new1, $new2) = @_;
    return $b->submit($CHANGE, old_password => $old, new_password1 => $new1,
                      new_password2 => $new2 // $new1);
}

sub events {
    my ($user) = @_;
    my ($rc, $out) = AccountsTest::ctl('log', '--user', $user, '-n', '100');
    return [ map { [ split /\t/ ] } grep { !/^time\t/ } split /\n/, $out ];
}
sub count_events {
    my ($user, $event) = @_;
    return scalar grep { ($_->[1] // '') eq $event } @{ events($user) };
}

# ---- login required ---------------------------------------------------------

{
    my $res = AccountsTest->browser->get($CHANGE);
    ok t_cmp($res->code, 302, 'anonymous GET password/change/: 302');
    ok t_cmp($res->header('Location') // '', "/accounts/login/?next=$CHANGE",
             '... to the login page with next=/accounts/password/change/');
}

# ---- the form ---------------------------------------------------------------

my $u1 = mkuser(AccountsTest::unique_name('pwc'));
my $b1 = logged_in($u1);
{
    my $res = $b1->get($CHANGE);
    my $html = page($res);
    ok t_cmp($res->code, 200, 'logged in: GET password/change/ 200');
    ok t_cmp(join(' ', map { input_tag($html, $_) =~ /\btype="password"/ ? $_ : "no-$_" }
                  qw(old_password new_password1 new_password2)),
             'old_password new_password1 new_password2',
             'three password inputs: old_password, new_password1, new_password2');
    ok t_cmp(AccountsTest::token_in($html) // '', qr/\S/, 'the form carries a CSRF token');
    ok t_cmp($res->header('Cache-Control') // '', qr/\bno-store\b/,
             'form page: Cache-Control no-store');
}

# ---- CSRF ---------------------------------------------------------------------

{
    my $before = pw_hash($u1);
    $b1->get($CHANGE);
    my $res = $b1->post($CHANGE, [old_password => $PW, new_password1 => $NEW,
                                  new_password2 => $NEW]);
    ok t_cmp($res->code, 403, 'POST without csrfmiddlewaretoken: 403');
    ok t_cmp(pw_hash($u1) eq $before ? 'unchanged' : 'changed', 'unchanged',
             '... and the password is not changed');
}

# ---- errors -------------------------------------------------------------------

{
    my $before = pw_hash($u1);
    my @pages;

    my $res = change($b1, 'Not-My-Password-8812', $NEW);
    push @pages, page($res);
    has_error($res, 'old_password', $WRONG_OLD, 'wrong old password: Django\'s message on old_password');
    ok t_cmp($res->decoded_content, qr/class="errorsummary"/, '... and the summary at the top');

    $res = change($b1, $PW, 'Velvet-Harbor-3318-slowly', 'Velvet-Harbor-3318-slowlx');
    push @pages, page($res);
    has_error($res, 'new_password2', $MISMATCH, 'new passwords differ: the mismatch message (U+2019) on new_password2');

    $res = change($b1, $PW, 'Zx9!qW');
    push @pages, page($res);
    has_error($res, 'new_password2', $SHORT, 'six characters: too short');

    $res = change($b1, $PW, 'qwertyuiop');
    push @pages, page($res);
    has_error($res, 'new_password2', $COMMON, '"qwertyuiop": too common');

    $res = change($b1, $PW, '90417263581');
    push @pages, page($res);
    has_error($res, 'new_password2', $NUMERIC, '"90417263581": entirely numeric');

    my @echoed = grep { my $p = $_; grep { index($_, $p) >= 0 } @pages }
        ($PW, 'Not-My-Password-8812', 'Velvet-Harbor-3318', 'qwertyuiop', '90417263581', 'Zx9!qW');
    ok t_cmp(join(', ', @echoed), '', 'no password (old or new) is echoed in the error pages');
    ok t_cmp(join(' ', map { my $t = input_tag($pages[1], $_); $t =~ /\bvalue="[^"]+"/ ? 'value' : 'empty' }
                  qw(old_password new_password1 new_password2)),
             'empty empty empty', 'the inputs come back empty');
    ok t_cmp(pw_hash($u1) eq $before ? 'unchanged' : 'changed', 'unchanged',
             'no failed change touched the stored password');
    ok t_cmp(home_code($b1), 200, 'failed changes leave the user logged in');
}

# ---- success ------------------------------------------------------------------

{
    my $u2 = mkuser(AccountsTest::unique_name('pwok'));
    my $mine = logged_in($u2);
    my $other = logged_in($u2);
    ok t_cmp(home_code($other), 200, 'another browser of the same user: 200 (and cached)');
    my $tok_before = $mine->cookie('sessionid') // '';
    my $hash_before = pw_hash($u2);

    my $res = change($mine, $PW, $NEW);
    ok t_cmp($res->code, 303, 'good change: 303');
    ok t_cmp($res->header('Location') // '', $DONE_LOC, '... to password/change/done/');
    ok t_cmp(index($res->as_string, $NEW), -1, '... and the new password is not in the response');

    $res = $mine->get('/accounts/password/change/done/');
    ok t_cmp($res->code, 200, 'password/change/done/: 200');
    ok t_cmp(page($res), qr/Your password was changed\./, '... "Your password was changed."');

    ok t_cmp(pw_hash($u2) ne $hash_before ? 'changed' : 'unchanged', 'changed', 'the stored hash changed');
    my $tok_after = $mine->cookie('sessionid') // '';
    ok t_cmp(length $tok_after && $tok_after ne $tok_before ? 'new token' : 'same token', 'new token',
             'this browser got a new session token');
    ok t_cmp(home_code($mine), 200, 'this browser stays logged in');
    ok t_cmp(home_code($other), 302, 'the other browser is logged out at once (not after the cache TTL)');
    ok t_cmp(home_code(browser_with_session($tok_before)), 302,
             "this browser's previous token no longer opens /home/");
    ok t_cmp(sql1('SELECT count(*) FROM accounts_session WHERE token_hash = '
                  . lit(sha256_hex($tok_before))), 0, '... and its row is gone');

    $res = AccountsTest->browser->login($u2, $PW);
    ok t_cmp($res->code . (page($res) =~ /\Q$BAD_LOGIN\E/ ? ' refused' : ''), '200 refused',
             'the old password no longer logs in');
    ok t_cmp(AccountsTest->browser->login($u2, $NEW)->code, 303, 'the new password does');

    ok t_cmp(count_events($u2, 'password_change'), 1, 'audit: one password_change event for the user');
    ok t_cmp(count_events($u1, 'password_change'), 0, '... and none for the user whose changes failed');
}

# ---- wrong old passwords count against the login throttle ------------------

{
    my $u3 = mkuser(AccountsTest::unique_name('pwthr'));
    my $b = logged_in($u3);
    my $before = pw_hash($u3);
    my @codes = map { change($b, "Wrong-Old-$_-Password", $NEW)->code } 1 .. 5;
    ok t_cmp("@codes", '200 200 200 200 200', 'five wrong old passwords: the form again each time');
    my $res = change($b, $PW, $NEW);
    my $refused = $res->code == 429 || page($res) =~ $THROTTLED;
    ok t_cmp($res->code . ($refused ? ' refused' : ''), qr/^(?:429|200) refused$/,
             'the sixth attempt, even with the right old password, is throttled (429 or the throttle message)');
    ok t_cmp(pw_hash($u3) eq $before ? 'unchanged' : 'changed', 'unchanged',
             '... and the password is not changed');
    # The lock after five failures lasts a second (doubling after): what
    # shows it is the login throttle is the username's count.
    # (A browser that logged in as the user carries its device token, and
    # its attempts count against that instead of the username: throttle.h.)
    ok t_cmp(AccountsTest::sql("SELECT max(failures) FROM accounts_throttle WHERE"
                               . " ((kind = 'user' AND key = '" . lc($u3) . "')"
                               . " OR kind = 'device') AND last_failure > now()"
                               . " - interval '20 seconds'")->[0][0] // 0,
             qr/^[5-9]$/, 'it is the login throttle: the username has five failures counted');
    ok t_cmp(home_code($b), 200, 'the throttled browser itself is still logged in');
}

# ---- the site-wide well-known URL (DESIGN.md's contract) --------------------

{
    my $res = AccountsTest->browser->get('/.well-known/change-password');
    ok t_cmp($res->code . ' ' . ($res->header('Location') // ''),
             qr{^30[1237] (?:https?://[^/]+)?/accounts/password/change/$},
             '/.well-known/change-password redirects to password/change/');
}
