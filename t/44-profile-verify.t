# t/44-profile-verify.t -- profile/ (login required; names, email and the
# site's own AccountsProfileField fields with their limits; a register
# field on the registration form), and email verification on the
# 'verified' host (AccountsRequireVerifiedEmail On): the mail and its
# link, login refused until verified (but a wrong password still gets the
# ordinary message), verify/resend/, links spent once used, a changed
# address kept pending until the new one is verified, `accountsctl verify`.
#
# The host $FIELDS (the default one) has
#   AccountsProfileField company "Company" maxlength 40
#   AccountsProfileField city "City" required register
# so every registration and profile post here sends a city.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use HTML::Entities ();
use URI ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;
use CaughtMail;

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 57;

# The host with the two profile fields; the profile and registration
# tests run there.
my $FIELDS    = 'profilefields';
my $PROFILE   = '/accounts/profile/';
my $REGISTER  = '/accounts/register/';
my $PW        = AccountsTest::good_password();
my $REQUIRED  = 'This field is required.';
my $BADEMAIL  = 'Enter a valid email address.';
my $BAD_LOGIN = 'Please enter a correct username and password. Note that both '
              . 'fields may be case-sensitive.';
my $VERIFY_RE = qr{/accounts/verify/([A-Za-z0-9_-]+)/([0-9a-z]+-[0-9a-f]{32})/$};
my $SENT_LOC  = qr{^(?:https?://[^/]+)?/accounts/verify/sent/$};

*lit  = \&AccountsTest::lit;
*mkuser_email = \&AccountsTest::mkuser_email;
*input_tag = \&AccountsTest::input_tag;
*field_errors = \&AccountsTest::field_errors;
*field_block = \&AccountsTest::field_block;
*sql1 = \&AccountsTest::sql1;
sub page      { my $res = shift; return $res->decoded_content // '' }
sub home_code { return $_[0]->get('/home/')->code }
sub logged_in { return AccountsTest::logged_in($_[0], $PW, @_[1 .. $#_]) }


sub user_field {
    my ($name, $col) = @_;
    die "no such column $col" unless $col =~ /\A(?:email|first_name|last_name|email_verified|pending_email)\z/;
    return sql1("SELECT $col FROM accounts_user WHERE username = " . lit($name)) // '(no row)';
}

sub has_error {
    my ($res, $field, $msg, $label) = @_;
    my @e = field_errors(page($res), $field);
    my $got = $res->code . ' '
        . ((grep { $_ eq $msg } @e) ? $msg
           : "no such message; $field has: [" . join(' | ', @e) . ']');
    ok t_cmp($got, "200 $msg", $label);
}

# The value an input shows (decoded), or '(no input)'.
sub input_value {
    my ($html, $name) = @_;
    my $tag = input_tag($html, $name);
    return '(no input)' unless $tag;
    if ($tag =~ /^<textarea/) {
        return $html =~ /<textarea\b[^>]*\bname="\Q$name\E"[^>]*>(.*?)<\/textarea>/s
            ? HTML::Entities::decode_entities($1) : '';
    }
    return $tag =~ /\svalue="([^"]*)"/ ? HTML::Entities::decode_entities($1) : '';
}

# Post the profile form with every field, FIELDS overriding.
sub save_profile {
    my ($b, %f) = @_;
    my %d = (first_name => '', last_name => '', email => '', company => '', city => 'Paris', %f);
    return $b->submit($PROFILE, map { $_ => $d{$_} } qw(first_name last_name email company city));
}

sub register {
    my ($b, %f) = @_;
    my %d = (email => '', password1 => $PW, password2 => $PW, city => 'Paris', %f);
    return $b->submit($REGISTER, map { $_ => $d{$_} }
                      grep { exists $d{$_} } qw(username email password1 password2 city));
}

# The verification link mailed to EMAIL after message number SINCE, or ''.
sub mailed_link {
    my ($email, $since) = @_;
    my $msg = CaughtMail::wait_for(to => $email, since => $since, timeout => 20) or return '';
    my ($url) = grep { $_ =~ $VERIFY_RE } CaughtMail::links($msg);
    return $url // '';
}

# "200 verified", "200 invalid" or what came instead (redirects followed).
sub open_verify {
    my ($url, $b) = @_;
    my (@codes, $res);
    for (1 .. 5) {
        $res = $b->get($url);
        push @codes, $res->code;
        my $loc = $res->header('Location');
        last unless $res->code =~ /^30[1237]$/ && defined $loc;
        $url = URI->new_abs($loc, $url)->as_string;
    }
    my $html = page($res);
    my $what = $html =~ /invalid/i ? 'invalid' : $html =~ /verified/i ? 'verified' : 'neither';
    return join('->', @codes) . " $what";
}

# ---- profile: login required, the page ----------------------------------------

{
    my $res = AccountsTest->browser(vhost => $FIELDS)->get($PROFILE);
    ok t_cmp($res->code . ' ' . ($res->header('Location') // ''), "302 /accounts/login/?next=$PROFILE",
             'anonymous GET profile/: 302 to the login page with next');
}

my ($p, $p_email) = mkuser_email('prof');
my $pb = logged_in($p, vhost => $FIELDS);
{
    my $res = $pb->get($PROFILE);
    my $html = page($res);
    ok t_cmp($res->code, 200, 'logged in: GET profile/ 200');
    ok t_cmp(index($html, $p) >= 0 && index($html, $p_email) >= 0 ? 'both' : 'missing', 'both',
             'the page shows the username and the email');
    ok t_cmp(join(' ', map { input_tag($html, $_) ? $_ : "no-$_" } qw(first_name last_name email company city)),
             'first_name last_name email company city',
             'inputs first_name, last_name, email and the site fields company and city');
    ok t_cmp($res->header('Cache-Control') // '', qr/\bno-store\b/, 'form page: Cache-Control no-store');
}

# ---- profile: saving --------------------------------------------------------------

{
    my $res = save_profile($pb, first_name => 'Ada', last_name => 'Lovelace', email => $p_email,
                           company => 'Analytical Engines', city => 'London');
    ok t_cmp($res->code, 303, 'a good profile: 303');
    ok t_cmp($res->header('Location') // '', qr{^(?:https?://[^/]+)?/accounts/profile/(?:\?saved=1)?$}, '... back to profile/');
    my $html = page($pb->get($PROFILE));
    ok t_cmp(join('|', map { input_value($html, $_) } qw(first_name last_name)), 'Ada|Lovelace',
             'the page shows the new names');
    ok t_cmp(join('|', map { input_value($html, $_) } qw(company city)), 'Analytical Engines|London',
             '... and the saved site fields');
    ok t_cmp(user_field($p, 'first_name') . ' ' . user_field($p, 'last_name'), 'Ada Lovelace',
             'the names are stored');

    $pb->get($PROFILE);
    $res = $pb->post($PROFILE, [first_name => 'Mallory', last_name => 'X', email => $p_email, city => 'Paris']);
    ok t_cmp($res->code, 403, 'POST without csrfmiddlewaretoken: 403');
    ok t_cmp(user_field($p, 'first_name'), 'Ada', '... nothing changed');
}

# ---- profile: errors --------------------------------------------------------------

{
    my $res = save_profile($pb, first_name => 'x' x 151, last_name => 'Lovelace', email => $p_email);
    has_error($res, 'first_name', 'Ensure this value has at most 150 characters (it has 151).',
              'first_name of 151 characters: too long');
    ok t_cmp(user_field($p, 'first_name'), 'Ada', '... and not stored');

    $res = save_profile($pb, first_name => 'Ada', last_name => 'L' x 151, email => $p_email);
    has_error($res, 'last_name', 'Ensure this value has at most 150 characters (it has 151).',
              'last_name of 151 characters: too long');

    $res = save_profile($pb, first_name => 'Ada', last_name => 'Lovelace', email => 'not-an-email');
    has_error($res, 'email', $BADEMAIL, 'a bad email: "Enter a valid email address."');
    ok t_cmp(input_value(page($res), 'email'), 'not-an-email', '... the entered email kept in the form');

    $res = save_profile($pb, first_name => 'Ada', last_name => 'Lovelace', email => $p_email, city => '');
    has_error($res, 'city', $REQUIRED, 'city (required) left empty: "This field is required."');

    $res = save_profile($pb, first_name => 'Ada', last_name => 'Lovelace', email => $p_email,
                        company => 'c' x 41);
    has_error($res, 'company', 'Ensure this value has at most 40 characters (it has 41).',
              'company of 41 characters: its maxlength 40');
    $res = save_profile($pb, first_name => 'Ada', last_name => 'Lovelace', email => $p_email,
                        company => 'c' x 40);
    ok t_cmp($res->code, 303, 'company of 40 characters: saved');
    ok t_cmp(input_value(page($pb->get($PROFILE)), 'company'), 'c' x 40, '... and shown');

    # Values are escaped.
    $res = save_profile($pb, first_name => '<b>Bo</b>', last_name => 'Lovelace', email => $p_email,
                        company => '"><i>co');
    ok t_cmp($res->code, 303, 'names with markup: saved');
    my $html = page($pb->get($PROFILE));
    ok t_cmp(($html =~ /<b>Bo|<i>co/ ? 'raw markup' : 'escaped'), 'escaped', '... and shown escaped');
    ok t_cmp(input_value($html, 'first_name'), '<b>Bo</b>', '... round-tripping in the input');

    # Without AccountsRequireVerifiedEmail a new address counts at once.
    my $new = lc(AccountsTest::unique_name('pnew')) . '@example.com';
    $res = save_profile($pb, first_name => 'Ada', last_name => 'Lovelace', email => $new);
    ok t_cmp($res->code . ' ' . user_field($p, 'email'), "303 $new", 'without AccountsRequireVerifiedEmail: a new email is saved at once');
}

# ---- registration asks for the register field ------------------------------------

{
    my $b = AccountsTest->browser(vhost => $FIELDS);
    ok t_cmp(input_tag(page($b->get($REGISTER)), 'city') ? 'city' : 'no city input', 'city',
             'the registration form has the city input (AccountsProfileField ... register)');
    my $u = AccountsTest::unique_name('regc');
    my $res = register($b, username => $u, email => lc($u) . '@example.com', city => '');
    has_error($res, 'city', $REQUIRED, 'registering without a city: "This field is required." on city');
    ok t_cmp(sql1('SELECT count(*) FROM accounts_user WHERE username = ' . lit($u)), 0, '... and no account');
    $res = register($b, username => $u, email => lc($u) . '@example.com', city => 'Lyon');
    ok t_cmp($res->code, 303, 'registering with a city: 303');
    ok t_cmp(input_value(page(logged_in($u, vhost => $FIELDS)->get($PROFILE)), 'city'), 'Lyon',
             "... and the profile shows the city given at registration");
}

# ---- email verification ('verified' host) -------------------------------------------

my $v = AccountsTest::unique_name('ver');
my $v_email = lc($v) . '@example.com';
my $first_link;
{
    my $b = AccountsTest->browser(vhost => 'verified');
    my $n = CaughtMail::count();
    my $res = register($b, username => $v, email => $v_email);
    ok t_cmp($res->code, 303, 'verified host: registering: 303');
    ok t_cmp($res->header('Location') // '', $SENT_LOC, '... to verify/sent/');
    $first_link = mailed_link($v_email, $n);
    ok t_cmp($first_link, $VERIFY_RE, 'a mail with a verification link arrives');
}

{
    my $b = AccountsTest->browser(vhost => 'verified');
    my $res = $b->login($v, $PW);
    my $html = page($res);
    ok t_cmp($res->code, 200, 'unverified, the right password: 200, no login');
    ok t_cmp($html, qr/not verified/i, '... the page says the address is not verified');
    ok t_cmp($html, qr{href="[^"]*/accounts/verify/resend/[^"]*"}, '... with a link to verify/resend/');
    ok t_cmp(home_code($b), 302, '... and the browser is not logged in');

    $res = AccountsTest->browser(vhost => 'verified')->login($v, 'Wrong-Password-4711');
    $html = page($res);
    ok t_cmp($res->code . ($html =~ /\Q$BAD_LOGIN\E/ ? ' bad login' : ''), '200 bad login',
             'unverified, a wrong password: the ordinary message');
    ok t_cmp($html =~ /not verified/i ? 'tells' : 'silent', 'silent',
             '... which does not say whether the address is verified');
}

my $link;
{
    my $b = AccountsTest->browser(vhost => 'verified');
    my $n = CaughtMail::count();
    my $res = $b->submit('/accounts/verify/resend/', email => $v_email);
    ok t_cmp($res->code, 303, 'verify/resend/: 303');
    ok t_cmp($res->header('Location') // '', $SENT_LOC, '... to verify/sent/');
    $link = mailed_link($v_email, $n);
    ok t_cmp($link, $VERIFY_RE, 'a second mail with a link arrives');
}

{
    ok t_cmp(open_verify($link || 'http://localhost/none/', AccountsTest->browser(vhost => 'verified')),
             qr/^(?:30[1237]->)*200 verified$/, 'following the link: 200, the address is verified');
    ok t_cmp(AccountsTest->browser(vhost => 'verified')->login($v, $PW)->code, 303, 'now the login works');
    ok t_cmp(open_verify($link || 'http://localhost/none/', AccountsTest->browser(vhost => 'verified')),
             qr/^(?:30[1237]->)*200 invalid$/, 'the same link again: 200, invalid');
}

{
    my $b = AccountsTest->browser(vhost => 'verified');
    my $res = register($b, username => AccountsTest::unique_name('vne'), email => '');
    has_error($res, 'email', $REQUIRED, 'verified host: registering without an email: "This field is required."');
}

# ---- accountsctl verify -----------------------------------------------------------

{
    my $w = AccountsTest::unique_name('verc');
    my $b = AccountsTest->browser(vhost => 'verified');
    register($b, username => $w, email => lc($w) . '@example.com');
    my $res = AccountsTest->browser(vhost => 'verified')->login($w, $PW);
    ok t_cmp($res->code . (page($res) =~ /not verified/i ? ' not verified' : ''), '200 not verified',
             'a new unverified user cannot log in');
    my ($rc, $out, $err) = AccountsTest::ctl('verify', $w);
    ok t_cmp($rc, 0, "accountsctl verify NAME: exit 0 ($err)");
    ok t_cmp(AccountsTest->browser(vhost => 'verified')->login($w, $PW)->code, 303, '... then the login works');
}

# ---- a new address waits for its own verification --------------------------------

{
    my $b = logged_in($v, vhost => 'verified');
    my $new = lc(AccountsTest::unique_name('vnew')) . '@example.com';
    my $n = CaughtMail::count();
    my $res = save_profile($b, first_name => 'Vera', last_name => 'Fied', email => $new);
    ok t_cmp($res->code, 303, 'verified host: a new email on the profile: 303');
    my $html = page($b->get($PROFILE));
    ok t_cmp(user_field($v, 'email'), $v_email, 'the old address stays the account\'s');
    ok t_cmp(index($html, $v_email) >= 0 ? 'shown' : 'missing', 'shown', 'the profile still shows the old address');
    ok t_cmp(index($html, $new) >= 0 ? 'shown' : 'missing', 'shown', '... and the new one, waiting for verification');
    my $url = mailed_link($new, $n);
    ok t_cmp($url, $VERIFY_RE, 'a verification link goes to the new address');
    ok t_cmp(open_verify($url || 'http://localhost/none/', AccountsTest->browser(vhost => 'verified')),
             qr/^(?:30[1237]->)*200 verified$/, 'following it: 200, verified');
    ok t_cmp(user_field($v, 'email'), $new, 'now the new address is the account\'s');
    ok t_cmp(input_value(page($b->get($PROFILE)), 'email'), $new, '... and the profile shows it');
}
