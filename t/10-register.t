# t/10-register.t -- register/: the form, Django's UserCreationForm rules
# and messages, what is stored, concurrent registrations of one name,
# AccountsRegisterLogin and AccountsRegistration.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test;
use Apache::TestUtil;
use AccountsTest;
use Encode ();
use HTML::Entities ();
use POSIX ();
use Time::HiRes ();

# Messages carry U+2019 and names are Unicode: keep Test.pm's prints sane.
binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 101;

my $REGISTER = '/accounts/register/';
my $GOOD     = AccountsTest::good_password();

my $REQUIRED  = 'This field is required.';
my $INVALID   = 'Enter a valid username. This value may contain only letters, '
              . 'numbers, and @/./+/-/_ characters.';
my $DUP       = 'A user with that username already exists.';
my $BADEMAIL  = 'Enter a valid email address.';
my $MISMATCH  = "The two password fields didn\x{2019}t match.";
my $SHORT     = 'This password is too short. It must contain at least 8 characters.';
my $SIM_USER  = 'The password is too similar to the username.';
my $SIM_EMAIL = 'The password is too similar to the email address.';
my $COMMON    = 'This password is too common.';
my $NUMERIC   = 'This password is entirely numeric.';

my $LOGIN_LOC = qr{^(?:https?://[^/]+)?/accounts/login/$};
my $HOME_LOC  = qr{^(?:https?://[^/]+)?/home/$};

# ---- helpers -------------------------------------------------------------

sub page { my $res = shift; return $res->decoded_content // '' }

# The part of the page that belongs to one field: from the <label> before
# its input up to the next <label>.  The error summary at the top is not
# in any field's part.
sub field_block {
    my ($html, $field) = @_;
    for my $seg (split /(?=<label\b)/i, $html) {
        next unless $seg =~ /^<label\b/i;
        return $seg if $seg =~ /<(?:input|textarea|select)\b[^>]*\bname="\Q$field\E"/;
    }
    return '';
}

# The error messages shown next to one field, entities decoded.
sub field_errors {
    my ($html, $field) = @_;
    my $block = field_block($html, $field);
    my @m = $block =~ m{<span\b[^>]*\bclass="(?:[^"]*\s)?error(?:\s[^"]*)?"[^>]*>(.*?)</span>}gs;
    return map { HTML::Entities::decode_entities($_) } @m;
}

# The error summary at the top of the form.
sub summary {
    my ($html) = @_;
    return $html =~ m{(<div\b[^>]*class="[^"]*errorsummary[^"]*".*?</div>)}s ? $1 : '';
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

# "303", or the status and every message on the page, for a diagnostic.
sub outcome {
    my ($res) = @_;
    return '303' if $res->code == 303;
    my $html = page($res);
    my @e = map { HTML::Entities::decode_entities($_) }
        $html =~ m{<span\b[^>]*\bclass="(?:[^"]*\s)?error(?:\s[^"]*)?"[^>]*>(.*?)</span>}gs;
    return $res->code . ' [' . join(' | ', @e) . ']';
}

# The <input> tag for NAME, and an attribute of a tag (decoded).
sub input_tag {
    my ($html, $name) = @_;
    return $html =~ /(<input\b[^>]*\bname="\Q$name\E"[^>]*>)/ ? $1 : '';
}
sub attr {
    my ($tag, $attr) = @_;
    return $tag =~ /\s\Q$attr\E="([^"]*)"/ ? HTML::Entities::decode_entities($1) : undef;
}

# Fill and post the registration form the way a person does.  Values go
# in as character strings: URI encodes them as UTF-8.  (Pre-encoded bytes
# would be encoded a second time, because submit() mixes in the CSRF token
# taken from decoded_content, a character string.)
sub reg {
    my ($b, %f) = @_;
    my %d = (username => '', email => '', password1 => $GOOD, password2 => $GOOD, %f);
    return $b->submit($REGISTER, map { $_ => $d{$_} } qw(username email password1 password2));
}

# Rows of accounts_user whose username is exactly NAME (compared as UTF-8
# bytes, so no quoting or client-encoding games).
sub user_rows {
    my ($name) = @_;
    my $hex = unpack 'H*', Encode::encode_utf8($name);
    return AccountsTest::sql(
        "SELECT password, is_active, email FROM accounts_user"
      . " WHERE encode(convert_to(username, 'UTF8'), 'hex') = '$hex'");
}
sub user_count { return scalar @{ user_rows($_[0]) } }
sub all_users  { return AccountsTest::sql('SELECT count(*) FROM accounts_user')->[0][0] }

# The fullwidth twin of an ASCII string (NFKC folds it back).
sub fullwidth {
    my ($s) = @_;
    return join '', map { my $o = ord; ($o >= 0x21 && $o <= 0x7e) ? chr($o + 0xFEE0) : $_ }
        split //, $s;
}

my @failed_names;   # valid usernames whose registration had to fail

# ---- GET shows the form ----------------------------------------------------

my $b = AccountsTest->browser;
my $res = $b->get($REGISTER);
my $html = page($res);
ok t_cmp($res->code, 200, 'GET register/: 200');
{
    my $t = input_tag($html, 'username');
    ok t_cmp(attr($t, 'autocomplete') // '(no username input or no autocomplete)', 'username',
             'username input with autocomplete="username"');
    ok t_cmp(input_tag($html, 'email'), qr/<input\b/, 'email input present');
    $t = input_tag($html, 'password1');
    ok t_cmp((attr($t, 'type') // '') . ' ' . (attr($t, 'autocomplete') // ''),
             'password new-password', 'password1: type=password, autocomplete="new-password"');
    $t = input_tag($html, 'password2');
    ok t_cmp((attr($t, 'type') // '') . ' ' . (attr($t, 'autocomplete') // ''),
             'password new-password', 'password2: type=password, autocomplete="new-password"');
    $t = input_tag($html, 'csrfmiddlewaretoken');
    ok t_cmp((attr($t, 'type') // '') . ' ' . (attr($t, 'value') // ''),
             qr/^hidden \S{32,}$/, 'hidden csrfmiddlewaretoken input with a token');
}
ok t_cmp($res->header('Cache-Control') // '', qr/\bno-store\b/, 'form page: Cache-Control no-store');
ok t_cmp($res->header('X-Frame-Options') // '', qr/^DENY$/i, 'form page: X-Frame-Options DENY');
ok t_cmp(scalar(() = $html =~ /<span\b[^>]*class="error"/g), 0, 'a fresh form shows no errors');

# ---- success ---------------------------------------------------------------

my $alice = AccountsTest::unique_name('alice');
my $alice_email = "$alice\@example.com";
$res = reg($b, username => $alice, email => $alice_email);
ok t_cmp(outcome($res), '303', 'valid registration: 303');
ok t_cmp($res->header('Location') // '', $LOGIN_LOC, 'valid registration: Location is the login page');
ok t_cmp(defined $b->cookie('sessionid') ? 'session cookie' : 'none', 'none',
         'AccountsRegisterLogin Off: registering does not log in');
{
    my $rows = user_rows($alice);
    ok t_cmp(scalar @$rows, 1, 'the user row exists');
    my ($pw, $active, $email) = @{ $rows->[0] || [] };
    ok t_cmp($pw // '', qr{^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]{22,}={0,2}$},
             'password stored as an argon2id PHC string');
    ok t_cmp(($pw // '') =~ /\Q$GOOD\E/ ? 'plaintext in the row' : 'hashed', 'hashed',
             'the plaintext password is not stored');
    ok t_cmp($active // '', 't', 'is_active is true');
    ok t_cmp($email // '', $alice_email, 'email stored');
}
$res = AccountsTest->browser->login($alice, $GOOD);
ok t_cmp(outcome($res), '303', 'the new user can log in with the registered password');

# ---- username rules --------------------------------------------------------

$res = reg($b, username => '');
has_error($res, 'username', $REQUIRED, 'empty username: required');
$res = reg($b, username => "   \t ");
has_error($res, 'username', $REQUIRED, 'blank username (stripped to nothing): required');

$res = reg($b, username => 'a' x 151);
has_error($res, 'username', 'Ensure this value has at most 150 characters (it has 151).',
          '151 characters: too long, with the count');
ok t_cmp(user_count('a' x 151), 0, '151-character name: no row');

{
    my $u = AccountsTest::unique_name('m');
    my $name150 = $u . ('a' x (150 - length $u));
    $res = reg($b, username => $name150);
    ok t_cmp(outcome($res), '303', '150 ASCII characters: accepted');
    ok t_cmp(user_count($name150), 1, '150-character name stored');

    # Length is counted in characters, not UTF-8 bytes.
    my $u2 = AccountsTest::unique_name('m');
    my $wide150 = ('é' x (150 - length $u2)) . $u2;
    $res = reg($b, username => $wide150);
    ok t_cmp(outcome($res), '303', '150 characters of two-byte letters (over 150 bytes): accepted');
    ok t_cmp(user_count($wide150), 1, 'the two-byte 150-character name stored whole');

    $res = reg($b, username => 'ж' x 151);
    has_error($res, 'username', 'Ensure this value has at most 150 characters (it has 151).',
              '151 two-byte letters: "(it has 151)", counted in characters');
}

$res = reg($b, username => 'bad name!');
has_error($res, 'username', $INVALID, '"bad name!": invalid username message');
for my $bad ('semi;colon', 'slash/name', 'quote"name') {
    $res = reg($b, username => $bad);
    has_error($res, 'username', $INVALID, "\"$bad\": invalid username message");
}

{
    my $ok = AccountsTest::unique_name('a.b@c+d-e_');
    $res = reg($b, username => $ok);
    ok t_cmp(outcome($res), '303', 'letters, digits and @ . + - _ accepted');

    my $zoe = 'Zoë' . AccountsTest::unique_name('_');
    $res = reg($b, username => $zoe);
    ok t_cmp(outcome($res), '303', 'Unicode letters accepted (Zoë)');
    ok t_cmp(user_count($zoe), 1, 'Zoë stored as entered');

    my $boris = 'Борис' . AccountsTest::unique_name('_');
    $res = reg($b, username => $boris);
    ok t_cmp(outcome($res), '303', 'Unicode letters accepted (Борис)');
    ok t_cmp(user_count($boris), 1, 'Борис stored as entered');

    # Same name, other case, in Cyrillic: still a duplicate.
    $res = reg($b, username => uc $boris);
    has_error($res, 'username', $DUP, 'Cyrillic name in upper case: duplicate (case-insensitive beyond ASCII)');

    my $spaced = AccountsTest::unique_name('sp');
    $res = reg($b, username => "  $spaced  ");
    ok t_cmp(outcome($res), '303', 'surrounding spaces: accepted');
    ok t_cmp(user_count($spaced) . '/' . user_count("  $spaced  "), '1/0',
             'surrounding spaces stripped before storing');

    # NFKC: a fullwidth name is stored in its compatibility form.
    my $plain = AccountsTest::unique_name('wide');
    $res = reg($b, username => fullwidth($plain));
    ok t_cmp(outcome($res), '303', 'fullwidth name: accepted');
    ok t_cmp(user_count($plain) . '/' . user_count(fullwidth($plain)), '1/0',
             'fullwidth name stored NFKC-normalised (as ASCII)');
}

# ---- duplicates ------------------------------------------------------------

{
    my $before = all_users();
    $res = reg($b, username => $alice);
    has_error($res, 'username', $DUP, 'same username again: duplicate');
    $res = reg($b, username => uc $alice);
    has_error($res, 'username', $DUP, 'upper-case twin ("ALICE" after "alice"): duplicate');
    $res = reg($b, username => fullwidth($alice));
    has_error($res, 'username', $DUP, 'fullwidth (NFKC) twin: duplicate');
    $res = reg($b, username => " $alice ");
    has_error($res, 'username', $DUP, 'same name with surrounding spaces: duplicate');
    ok t_cmp(all_users(), $before, 'no duplicate attempt created a row');
}

# ---- email -----------------------------------------------------------------

{
    my $u = AccountsTest::unique_name('em');
    push @failed_names, $u;
    $res = reg($b, username => $u, email => 'not-an-email');
    has_error($res, 'email', $BADEMAIL, 'invalid email: message on email');
    $res = reg($b, username => $u, email => 'a@b@example.com');
    has_error($res, 'email', $BADEMAIL, 'two @ signs: invalid email');

    my $noemail = AccountsTest::unique_name('ne');
    $res = reg($b, username => $noemail, email => '');
    ok t_cmp(outcome($res), '303', 'email is optional');
    my $row = user_rows($noemail)->[0] || [];
    ok t_cmp(defined $row->[2] ? "'$row->[2]'" : '(no row)', "''", 'no email: stored empty');
}

# ---- passwords -------------------------------------------------------------

{
    my $u = AccountsTest::unique_name('mm');
    my $email = "$u\@example.org";
    push @failed_names, $u;
    my ($p1, $p2) = ('Velvet-Harbor-3318-slowly', 'Velvet-Harbor-3318-slowlx');
    $res = reg($b, username => $u, email => $email, password1 => $p1, password2 => $p2);
    my $page = page($res);
    has_error($res, 'password2', $MISMATCH, 'mismatch: message (with U+2019) on password2');
    ok t_cmp(scalar(field_errors($page, 'password1')), 0, 'mismatch: nothing on password1');
    ok t_cmp(summary($page), qr/\Q$MISMATCH\E/, 'mismatch: also in the summary at the top');
    ok t_cmp(($page =~ /Velvet-Harbor/ ? 'password echoed' : 'not echoed'), 'not echoed',
             'neither password appears in the page');
    ok t_cmp(attr(input_tag($page, 'password1'), 'value') // '', '', 'password1 input has no value');
    ok t_cmp(attr(input_tag($page, 'password2'), 'value') // '', '', 'password2 input has no value');
    ok t_cmp(attr(input_tag($page, 'username'), 'value') // '(none)', $u, 'username kept in the form');
    ok t_cmp(attr(input_tag($page, 'email'), 'value') // '(none)', $email, 'email kept in the form');
    ok t_cmp(AccountsTest::token_in($page) // '', qr/\S/, 'the form again carries a CSRF token');

    # Re-posting the form with a fresh token works (the form is usable).
    $res = reg($b, username => $u, email => $email, password1 => $p1, password2 => $p1);
    ok t_cmp(outcome($res), '303', 'same data with matching passwords: registered');
    pop @failed_names;
}

{
    my $u = AccountsTest::unique_name('sh');
    push @failed_names, $u;
    $res = reg($b, username => $u, password1 => 'Zx9!qW', password2 => 'Zx9!qW');
    has_error($res, 'password2', $SHORT, 'six characters: too short');

    # Seven two-byte characters are 14 bytes but 7 characters.
    $res = reg($b, username => $u, password1 => 'ÅßÇđéƒĝ', password2 => 'ÅßÇđéƒĝ');
    has_error($res, 'password2', $SHORT, 'seven two-byte characters: too short (characters, not bytes)');

    my $u8 = AccountsTest::unique_name('e8');
    $res = reg($b, username => $u8, password1 => 'ÅßÇđéƒĝħ', password2 => 'ÅßÇđéƒĝħ');
    ok t_cmp(outcome($res), '303', 'eight two-byte characters: long enough, registered');
}

{
    my $u = AccountsTest::unique_name('Marmalade');
    push @failed_names, $u;
    my $pw = lc($u) . '!';
    $res = reg($b, username => $u, password1 => $pw, password2 => $pw);
    has_error($res, 'password2', $SIM_USER, 'password like the username: too similar to the username');

    my $v = AccountsTest::unique_name('x');
    push @failed_names, $v;
    $res = reg($b, username => $v, email => 'grapefruitbasket@example.com',
               password1 => 'grapefruitbasket', password2 => 'grapefruitbasket');
    has_error($res, 'password2', $SIM_EMAIL, 'password like the email: too similar to the email address');
}

{
    my $u = AccountsTest::unique_name('cm');
    push @failed_names, $u;
    $res = reg($b, username => $u, password1 => 'qwertyuiop', password2 => 'qwertyuiop');
    has_error($res, 'password2', $COMMON, '"qwertyuiop": too common');
    $res = reg($b, username => $u, password1 => 'QwertyUIOP', password2 => 'QwertyUIOP');
    has_error($res, 'password2', $COMMON, '"QwertyUIOP": too common (compared in lower case)');

    $res = reg($b, username => $u, password1 => '12345678', password2 => '12345678');
    has_error($res, 'password2', $COMMON, '"12345678": too common');
    has_error($res, 'password2', $NUMERIC, '"12345678": entirely numeric');

    $res = reg($b, username => $u, password1 => '90417263581', password2 => '90417263581');
    has_error($res, 'password2', $NUMERIC, '"90417263581": entirely numeric');

    # Every failing validator is reported at once.
    $res = reg($b, username => $u, password1 => '123', password2 => '123');
    my @e = field_errors(page($res), 'password2');
    ok t_cmp(join(' | ', sort grep { $_ eq $SHORT || $_ eq $COMMON || $_ eq $NUMERIC } @e),
             join(' | ', sort $SHORT, $COMMON, $NUMERIC),
             '"123": too short, too common and entirely numeric, all shown');
    ok t_cmp((page($res) =~ /value="123"/ ? 'echoed' : 'not echoed'), 'not echoed',
             'a failing password is not echoed');
}

# ---- escaping --------------------------------------------------------------

{
    my $evil_email = '"><i>y@example.com';
    $res = reg($b, username => '<b>x', email => $evil_email);
    my $page = page($res);
    has_error($res, 'username', $INVALID, '"<b>x": invalid username message');
    ok t_cmp($page, qr/&lt;b&gt;x/, 'entered username shown HTML-escaped');
    ok t_cmp(($page =~ /<b>x/ ? 'raw <b>x in page' : 'escaped'), 'escaped', 'raw <b>x never in the page');
    ok t_cmp(($page =~ /<i>y/ ? 'raw <i>y in page' : 'escaped'), 'escaped', 'entered email escaped too');
    ok t_cmp(attr(input_tag($page, 'email'), 'value') // '(none)', $evil_email,
             'the escaped email still round-trips in its input');
    ok t_cmp(($page =~ /\Q$GOOD\E/ ? 'password echoed' : 'not echoed'), 'not echoed',
             'a valid password is not echoed on an error page either');
}

# ---- CSRF ------------------------------------------------------------------

{
    my $u = AccountsTest::unique_name('nocsrf');
    push @failed_names, $u;
    my $nb = AccountsTest->browser;
    $nb->get($REGISTER);
    $res = $nb->post($REGISTER, [username => $u, email => '', password1 => $GOOD, password2 => $GOOD]);
    ok t_cmp($res->code, 403, 'POST without csrfmiddlewaretoken: 403');
}

# ---- failed registrations left nothing behind -------------------------------

{
    my $in = join ',', map { "'$_'" } @failed_names;   # unique_name: [A-Za-z0-9_] only
    my $found = AccountsTest::sql("SELECT username FROM accounts_user WHERE username IN ($in)");
    ok t_cmp(join(',', map { $_->[0] } @$found), '', 'no registration that failed created a row');
}

# ---- 20 simultaneous registrations of one name -----------------------------

{
    my $n = 20;
    my $race = AccountsTest::unique_name('race');
    my @bs = map { AccountsTest->browser } 1 .. $n;
    my @tokens = map { AccountsTest::token_in(page($_->get($REGISTER))) // '' } @bs;
    pipe(my $rd, my $wr) or die "pipe: $!";
    my $start = Time::HiRes::time() + 1.0;
    my @pids;
    for my $i (0 .. $n - 1) {
        my $pid = fork;
        die "fork: $!" unless defined $pid;
        if (!$pid) {
            close $rd;
            my $line = "error 0\n";
            eval {
                my $wait = $start - Time::HiRes::time();
                Time::HiRes::sleep($wait) if $wait > 0;
                my $r = $bs[$i]->post($REGISTER, [csrfmiddlewaretoken => $tokens[$i],
                    username => $race, email => '', password1 => $GOOD, password2 => $GOOD]);
                my $code = $r->code;
                $code = "client-$code" if ($r->header('Client-Warning') // '') eq 'Internal response';
                my $dup = grep { $_ eq $DUP } field_errors(page($r), 'username');
                $line = sprintf "%s %d\n", $code, $dup ? 1 : 0;
                1;
            };
            syswrite $wr, $line;
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    close $wr;
    my @results = map { [split ' '] } <$rd>;
    close $rd;
    waitpid $_, 0 for @pids;

    my $created = grep { $_->[0] eq '303' } @results;
    my $dups    = grep { $_->[0] eq '200' && $_->[1] } @results;
    my @other   = map { $_->[0] } grep { !($_->[0] eq '303' || ($_->[0] eq '200' && $_->[1])) } @results;
    ok t_cmp(scalar @results, $n, "all $n parallel requests answered");
    ok t_cmp($created, 1, 'exactly one parallel registration got 303');
    ok t_cmp($dups, $n - 1, 'every other one got the form with the duplicate message');
    ok t_cmp(join(',', @other), '', 'no 5xx or other answers among the parallel requests');
    ok t_cmp(user_count($race), 1, 'exactly one row for the raced username');
}

# ---- AccountsRegisterLogin On (vhost openreg) --------------------------------

{
    my $ob = AccountsTest->browser(vhost => 'openreg');
    my $u = AccountsTest::unique_name('open');
    $res = reg($ob, username => $u, email => "$u\@example.com");
    ok t_cmp(outcome($res), '303', 'openreg: registration 303');
    ok t_cmp($res->header('Location') // '', $HOME_LOC, 'openreg: redirected to AccountsLoginRedirect');
    ok t_cmp($ob->cookie('sessionid') // '', qr/\S/, 'openreg: a sessionid cookie is set');
    my ($sc) = grep { /^sessionid=/ } $res->header('Set-Cookie');
    $sc //= '';
    ok t_cmp(join(' ', map { $sc =~ $_->[1] ? $_->[0] : "no-$_->[0]" }
                  ['HttpOnly', qr/;\s*HttpOnly\b/i], ['SameSite=Lax', qr/;\s*SameSite=Lax\b/i],
                  ['Path=/', qr{;\s*Path=/(?:;|$)}i]),
             'HttpOnly SameSite=Lax Path=/', 'openreg: session cookie is HttpOnly, SameSite=Lax, Path=/');
    ok t_cmp(user_count($u), 1, 'openreg: the user row exists');
    $res = $ob->get('/home/');
    ok t_cmp($res->code, 200, 'openreg: the new session opens /home/');
    ok t_cmp(page($res), qr/Hello, \Q$u\E!/, 'openreg: /home/ greets the new user');

    my $fb = AccountsTest->browser(vhost => 'openreg');
    my $v = AccountsTest::unique_name('openfail');
    $res = reg($fb, username => $v, password1 => $GOOD, password2 => 'nope-nope-nope');
    has_error($res, 'password2', $MISMATCH, 'openreg: a failing registration shows the form');
    ok t_cmp(defined $fb->cookie('sessionid') ? 'logged in' : 'not logged in', 'not logged in',
             'openreg: a failing registration logs nobody in');
    ok t_cmp(user_count($v), 0, 'openreg: a failing registration creates no row');
}

# ---- AccountsRegistration Off (vhost closed) ---------------------------------

{
    my $cb = AccountsTest->browser(vhost => 'closed');
    $res = $cb->get($REGISTER);
    ok t_cmp($res->code, 404, 'closed: GET register/ is 404');
    my $login = $cb->get('/accounts/login/');
    ok t_cmp($login->code, 200, 'closed: the login page still works');
    ok t_cmp((page($login) =~ m{href="[^"]*register/"} ? 'register link' : 'no link'), 'no link',
             'closed: pages do not link to register/');
    my $u = AccountsTest::unique_name('closed');
    $res = $cb->post($REGISTER, [csrfmiddlewaretoken => AccountsTest::token_in(page($login)) // '',
        username => $u, email => '', password1 => $GOOD, password2 => $GOOD]);
    ok t_cmp($res->code, 404, 'closed: POST register/ is 404');
    ok t_cmp(user_count($u), 0, 'closed: nothing created');
}

# ---- the server survived -------------------------------------------------------

ok t_cmp((AccountsTest::error_log() =~ /exit signal|Segmentation fault/ ? 'crashed' : 'no crash'),
         'no crash', 'no httpd child crashed');
