# t/47-i18n.t -- pages in the visitor's language: a French, a German, an
# Arabic (right to left) and a Japanese Accept-Language each get the
# login page, its wrong-password error, the registration page and its
# validation errors (a plural one among them) and the guard's way to the
# login page in that language, with the text Django's own catalogs give
# (read from Debian's python3-django by t/i18n/django_tr.py, never from
# our data); fr-CA falls back to fr, a language we do not have gets
# English, a django_language cookie wins over the header; the answers
# say their language (Content-Language, <html lang>, dir) and vary on
# it.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test;
use Apache::TestUtil;
use Encode ();
use FindBin;
use HTML::Entities ();
use IPC::Open2 ();
use JSON::PP ();
use lib "$FindBin::Bin/lib";
use AccountsTest;
use CaughtMail;

my @LANGS = qw(fr de ar ja);
plan tests => 6 + 12 * @LANGS;

my $PW = AccountsTest::good_password();
my $MIN = 8;            # AccountsPasswordMinLength in the suite (the default)

# What Django says: each query [lang, msgid] or [lang, msgid, plural, n].
sub django {
    my @q = @_;
    my $pid = IPC::Open2::open2(my $out, my $in, '/usr/bin/python3', "$FindBin::Bin/i18n/django_tr.py");
    print $in JSON::PP->new->utf8->encode(\@q);
    close $in;
    local $/;
    my $json = <$out>;
    waitpid $pid, 0;
    die "django_tr.py failed\n" if $? || !defined $json;
    return @{ JSON::PP->new->utf8->decode($json) };
}

# The page's text as a person reads it: tags dropped, entities decoded,
# white space collapsed.
sub text_of {
    my ($res) = @_;
    my $h = $res->decoded_content // '';
    $h =~ s/<script\b.*?<\/script>//gs;
    $h =~ s/<[^>]*>/ /g;
    $h = HTML::Entities::decode_entities($h);
    $h =~ s/\s+/ /g;
    return $h;
}

sub has { my ($res, $s) = @_; return index(text_of($res), $s) >= 0 ? 1 : 0 }

sub capfirst { my ($s) = @_; return ucfirst $s }

sub browser_in {
    my ($lang, %opt) = @_;
    my $b = AccountsTest->browser(%opt);
    $b->ua->default_header('Accept-Language' => $lang) if defined $lang;
    return $b;
}

my $n = 0;
for my $lang (@LANGS) {
    my ($login, $password, $username, $confirm, $same, $required, $bad, $short1) = django(
        [$lang, 'Log in'], [$lang, 'Password'], [$lang, 'username'],
        [$lang, 'Password confirmation'],
        [$lang, 'Enter the same password as before, for verification.'],
        [$lang, 'This field is required.'],
        [$lang, 'Please enter a correct %(username)s and password. Note that both fields may be case-sensitive.'],
        [$lang, 'This password is too short. It must contain at least %(min_length)d character.',
                'This password is too short. It must contain at least %(min_length)d characters.', $MIN],
    );
    (my $badmsg = $bad) =~ s/%\(username\)s/$username/;
    (my $shortmsg = $short1) =~ s/%\(min_length\)d/$MIN/;

    my $b = browser_in($lang);
    my $res = $b->get('/accounts/login/');
    ok t_cmp($res->code . ' ' . ($res->header('Content-Language') // '-'), "200 $lang",
             "$lang: the login page, Content-Language $lang");
    ok t_cmp(($res->header('Vary') // '') =~ /Accept-Language/ && ($res->header('Vary') // '') =~ /Cookie/ ? 1 : 0, 1,
             "$lang: ... Vary: Accept-Language, Cookie");
    my $html = $res->decoded_content // '';
    my ($lang_attr, $dir) = $html =~ /<html lang="([^"]*)"(?: dir="([^"]*)")?/;
    ok t_cmp(($lang_attr // '-') . ' ' . ($dir // 'ltr'), "$lang " . ($lang eq 'ar' ? 'rtl' : 'ltr'),
             "$lang: ... <html lang> and dir");
    ok t_cmp(has($res, $login) + has($res, $password) + has($res, capfirst($username)), 3,
             "$lang: ... Django's words for Log in, Password and the Username label");
    $res = $b->login('nobody-' . $lang, 'wrong-password-1');
    ok t_cmp(has($res, $badmsg), 1, "$lang: a wrong password: Django's message, with its word for username");

    $res = $b->get('/accounts/register/');
    ok t_cmp(has($res, $confirm) + has($res, $same), 2,
             "$lang: the registration page in Django's words");
    $res = $b->post('/accounts/register/', [
        csrfmiddlewaretoken => AccountsTest::token_in($res->content // '') // '',
        username => '', email => '', password1 => 'x7Qz', password2 => 'x7Qz']);
    ok t_cmp(has($res, $required), 1, "$lang: ... a missing username: Django's message");
    ok t_cmp(has($res, $shortmsg), 1, "$lang: ... a short password: Django's plural form for $MIN");
    ok t_cmp(text_of($res) =~ /\bThis (field|password)\b/ ? 'English left' : 'none', 'none',
             "$lang: ... and no English message among them");

    # The guard's redirect is the same for every language; the login page
    # it leads to is in the visitor's.
    $res = $b->get('/home/');
    ok t_cmp($res->code . ' ' . (($res->header('Location') // '') =~ m{/accounts/login/\?next=} ? 'login' : 'elsewhere'),
             '302 login', "$lang: a guarded page sends to the login page");
    $res = $b->get($res->header('Location'));
    ok t_cmp(has($res, $login), 1, "$lang: ... which is in $lang");
    ok t_cmp(($res->header('Content-Language') // ''), $lang, "$lang: ... and says so");
}

# ---- which language ------------------------------------------------------

{
    my ($fr_login, $de_login) = django(['fr', 'Log in'], ['de', 'Log in']);
    my $res = browser_in('fr-CA,en;q=0.5')->get('/accounts/login/');
    ok t_cmp(($res->header('Content-Language') // '') . ' ' . has($res, $fr_login), 'fr 1',
             'fr-CA falls back to fr');
    $res = browser_in('xx-YY, tlh;q=0.9')->get('/accounts/login/');
    ok t_cmp(($res->header('Content-Language') // '') . ' ' . has($res, 'Log in'), 'en 1',
             'languages we do not have: English');
    $res = browser_in('en;q=0.1, de;q=0.8, fr;q=0.5')->get('/accounts/login/');
    ok t_cmp(($res->header('Content-Language') // ''), 'de', 'q-values decide');
    my $b = browser_in('fr');
    $b->set_cookie('django_language', 'de');
    $res = $b->get('/accounts/login/');
    ok t_cmp(($res->header('Content-Language') // '') . ' ' . has($res, $de_login), 'de 1',
             'a django_language cookie wins over the header');
}

# ---- mail in the language of the page that asked for it -------------------

{
    my ($name, $email) = AccountsTest::mkuser_email('i18nmail');
    my ($subject, $thanks) = django(['fr', 'Password reset on %(site_name)s'],
                                    ['fr', 'Thanks for using our site!']);
    $subject =~ s/%\(site_name\)s/mod_accounts test/;
    my $since = CaughtMail::count();
    my $b = browser_in('fr');
    my $res = $b->submit('/accounts/password/reset/', email => $email);
    my $msg = CaughtMail::wait_for(to => $email, since => $since, timeout => 20);
    ok t_cmp($msg ? $msg->{subject} : '(no mail)', $subject,
             "a reset asked for on a French page: the mail's subject is Django's French");
    ok t_cmp($msg && index($msg->{body}, $thanks) >= 0 ? 1 : 0, 1, '... and so is its text');
}
