# t/48-i18n-walk.t -- no English left in French: every page this test can
# reach (logged out and logged in, forms sent empty or wrong so that their
# errors show) is fetched in English and in French, and no piece of text
# the English page shows (a text node, or an alt, aria-label, title or
# placeholder) appears unchanged in the French one -- but for names
# (the site's, the user's), what a browser sent (its user agent, its
# address) and the few words French writes as English does.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test;
use Apache::TestUtil;
use HTML::Entities ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

my $PW = AccountsTest::good_password();
my $SITE = 'mod_accounts test';

# Words French writes as English does (checked against Django's French
# and ours): a page may show them in both.
my %SAME = map { $_ => 1 } ('Sessions', 'Django', 'OK', 'QR', 'Action', 'Code');

my @ANON = ('/accounts/login/', '/accounts/register/', '/accounts/logout/',
            '/accounts/password/reset/', '/accounts/password/reset/done/',
            '/accounts/password/reset/complete/',
            '/accounts/password/reset/MQ/1-00000000000000000000000000000000/',
            '/accounts/verify/resend/', '/accounts/verify/sent/',
            '/accounts/verify/MQ/1-00/', '/accounts/no-such-page/');
my @USER = ('/accounts/profile/', '/accounts/sessions/', '/accounts/password/change/',
            '/accounts/password/change/done/', '/accounts/mfa/', '/accounts/logout/',
            '/accounts/login/');
# Forms sent empty (their errors), logged out and in.
my @ANON_POST = ('/accounts/login/', '/accounts/register/', '/accounts/password/reset/',
                 '/accounts/verify/resend/');
my @USER_POST = ('/accounts/password/change/');

plan tests => @ANON + @USER + @ANON_POST + @USER_POST;

# The pieces of text a person reads or hears on a page.
sub pieces {
    my ($html, @skip) = @_;
    my @p;
    $html =~ s/<(script|style)\b.*?<\/\1>//gis;
    $html =~ s/<!--.*?-->//gs;
    while ($html =~ /\b(?:alt|aria-label|title|placeholder)="([^"]*)"/g) {
        push @p, $1;
    }
    $html =~ s/<title>.*?<\/title>//s;    # "<page> | <site>": its words are in the h1
    push @p, split /<[^>]*>/, $html;
    my %seen;
    return grep { !$seen{$_}++ }
           grep { /[A-Za-z]{2}/ && !$SAME{$_} }
           # dates and times as the pages print them, a base32 key
           grep { !/^\d{4}-\d\d-\d\d/ && !/^[A-Z2-7]{32}$/ }
           map { my $t = HTML::Entities::decode_entities($_); $t =~ s/\s+/ /g; $t =~ s/^ | $//g; $t }
           @p;
}

sub fetch {
    my ($b, $lang, $method, $path) = @_;
    $b->ua->default_header('Accept-Language' => $lang);
    my $res = $method eq 'GET' ? $b->get($path) : $b->submit($path);
    return $res->decoded_content // '';
}

sub check {
    my ($b, $method, $path, @names) = @_;
    my $en = fetch($b, 'en', $method, $path);
    my $fr = fetch($b, 'fr', $method, $path);
    my %fr = map { $_ => 1 } pieces($fr);
    my @left = grep {
        my $t = $_;
        $fr{$t} && !grep { index($t, $_) >= 0 } $SITE, @names, 'AccountsTest', '127.0.0.1', 'libwww'
    } pieces($en);
    ok t_cmp(join(' | ', @left), '', "$method $path: no English left in French");
}

my $name = AccountsTest::unique_name('walk');
AccountsTest::mkuser($name, $PW);

my $anon = AccountsTest->browser;
check($anon, 'GET', $_, $name) for @ANON;
check($anon, 'POST', $_, $name) for @ANON_POST;

my $b = AccountsTest::logged_in($name, $PW);
check($b, 'GET', $_, $name) for @USER;
check($b, 'POST', $_, $name) for @USER_POST;
