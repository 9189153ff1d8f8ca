# t/43-sessions.t -- sessions/: a user's live sessions (address, browser,
# "this device"), ending one of them or all the others (and never another
# user's), `accountsctl sessions NAME` and `accountsctl logout NAME`, and
# the login form's "remember me" (a persistent cookie only when ticked).
#
# Sessions ended through the web end at once on this server; the ones
# `accountsctl` ends are checked on the 'nocache' host (no session cache),
# so nothing waits for the default host's 10 s cache TTL.
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use HTML::Entities ();
use FindBin;
use lib "$FindBin::Bin/lib";
use AccountsTest;

plan tests => 41;

my $SESSIONS = '/accounts/sessions/';
my $PW       = AccountsTest::good_password();
my $BACK     = qr{^(?:https?://[^/]+)?/accounts/sessions/$};

*lit  = \&AccountsTest::lit;
*sql1 = \&AccountsTest::sql1;
sub mkuser    { return AccountsTest::mkuser($_[0], $PW) }
sub logged_in { return AccountsTest::logged_in($_[0], $PW, @_[1 .. $#_]) }
sub page      { my $res = shift; return $res->decoded_content // '' }
sub home_code { return $_[0]->get('/home/')->code }

# The id (accounts_session.id, what the user's pages name a session by)
# of the session a browser holds.
sub session_id {
    my ($b) = @_;
    my $tok = $b->cookie('sessionid') // '';
    return sql1('SELECT id FROM accounts_session WHERE token_hash = ' . lit(sha256_hex($tok))) // -1;
}

sub session_count {
    my ($name) = @_;
    return sql1('SELECT count(*) FROM accounts_session s JOIN accounts_user u'
              . ' ON u.id = s.user_id WHERE u.username = ' . lit($name));
}

# The attributes of a tag, names lower-cased, values decoded.
sub attrs {
    my ($tag) = @_;
    my %a;
    while ($tag =~ /\s([A-Za-z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g) {
        $a{lc $1} = HTML::Entities::decode_entities($2 // $3 // $4 // '');
    }
    return \%a;
}

# The values of the inputs (or buttons) named NAME in a page.
sub values_of {
    my ($html, $name) = @_;
    my @v;
    for my $tag ($html =~ /(<(?:input|button)\b[^>]*>)/gi) {
        my $at = attrs($tag);
        push @v, $at->{value} if ($at->{name} // '') eq $name && defined $at->{value};
    }
    return @v;
}

# The session ids a sessions page offers to end.
sub offered_ids {
    my %s = map { $_ => 1 } grep { /^\d+$/ } values_of($_[0], 'session');
    return sort { $a <=> $b } keys %s;
}

sub set_cookie_for {
    my ($res, $name) = @_;
    my @sc = $res->header('Set-Cookie') ? ($res->header('Set-Cookie')) : ();
    my ($line) = grep { /^\Q$name\E=/ } map { split /\n/ } @sc;
    return $line // '';
}

# ---- login required --------------------------------------------------------

{
    my $res = AccountsTest->browser->get($SESSIONS);
    ok t_cmp($res->code, 302, 'anonymous GET sessions/: 302');
    ok t_cmp($res->header('Location') // '', "/accounts/login/?next=$SESSIONS",
             '... to the login page with next=/accounts/sessions/');
}

# ---- the list ---------------------------------------------------------------------

my $s = mkuser(AccountsTest::unique_name('ses'));
my ($A, $B, $C) = map { logged_in($s) } 1 .. 3;
my ($idA, $idB, $idC) = map { session_id($_) } $A, $B, $C;
my $z = mkuser(AccountsTest::unique_name('sesz'));
my $Z = logged_in($z);
my $idZ = session_id($Z);

{
    my $res = $A->get($SESSIONS);
    my $html = page($res);
    ok t_cmp($res->code, 200, 'logged in: GET sessions/ 200');
    my $addrs = () = $html =~ /\b127\.0\.0\.1\b/g;
    ok t_cmp($addrs >= 3 ? 'three or more' : "$addrs", 'three or more',
             'three sessions: the address 127.0.0.1 shown for each');
    ok t_cmp($html, qr/AccountsTest|Unknown browser/, 'the browser (User-Agent) is shown');
    ok t_cmp($html, qr/this device/i, 'the current session is marked "this device"');
    ok t_cmp(join(',', grep { $_ == $idB || $_ == $idC } offered_ids($html)), join(',', sort { $a <=> $b } $idB, $idC),
             'the two other sessions each have an end form (session=<id>)');
    ok t_cmp(join(',', grep { $_ != $idA && $_ != $idB && $_ != $idC } offered_ids($html)), '',
             'no session of another user is offered');
    ok t_cmp((grep { $_ eq 'end' } values_of($html, 'action')) ? 'end' : 'no action=end', 'end',
             'the end forms post action=end');
    ok t_cmp((grep { $_ eq 'others' } values_of($html, 'action')) ? 'others' : 'no action=others', 'others',
             'a form posts action=others (end all other sessions)');
    ok t_cmp($res->header('Cache-Control') // '', qr/\bno-store\b|\bprivate\b/,
             'the page is not for shared caches');
}

# ---- CSRF -------------------------------------------------------------------------

{
    $A->get($SESSIONS);
    my $res = $A->post($SESSIONS, [action => 'others']);
    ok t_cmp($res->code, 403, 'POST without csrfmiddlewaretoken: 403');
    ok t_cmp(join(' ', map { home_code($_) } $A, $B, $C), '200 200 200', '... and no session ended');
}

# ---- end one ----------------------------------------------------------------------

my @alive;
{
    my ($pick) = grep { $_ != $idA } offered_ids(page($A->get($SESSIONS)));
    $pick //= $idB;
    my $res = $A->submit($SESSIONS, action => 'end', session => $pick);
    ok t_cmp($res->code, 303, "end session $pick: 303");
    ok t_cmp($res->header('Location') // '', $BACK, '... back to sessions/');
    my %want = (A => 200, B => ($pick == $idB ? 302 : 200), C => ($pick == $idC ? 302 : 200));
    ok t_cmp(join(' ', 'A=' . home_code($A), 'B=' . home_code($B), 'C=' . home_code($C)),
             join(' ', map { "$_=$want{$_}" } qw(A B C)),
             'exactly the ended session is logged out, at once');
    ok t_cmp(sql1("SELECT count(*) FROM accounts_session WHERE id = $pick"), 0, '... and its row is gone');
    ok t_cmp(join(',', grep { $_ == $pick } offered_ids(page($A->get($SESSIONS)))), '',
             'the page no longer lists it');
    @alive = $pick == $idB ? ($C) : ($B);
}

# ---- another user's session cannot be ended ----------------------------------------

{
    ok t_cmp(home_code($Z), 200, "the other user's session is alive");
    my $res = $A->submit($SESSIONS, action => 'end', session => $idZ);
    ok t_cmp($res->code, qr/^(?:200|303|400|403|404)$/, "posting another user's session id: refused or ignored, no 5xx");
    ok t_cmp(home_code($Z), 200, "... and the other user is still logged in");
    ok t_cmp(sql1("SELECT count(*) FROM accounts_session WHERE id = $idZ"), 1, '... with the row in place');
    $res = $A->submit($SESSIONS, action => 'end', session => 'x1; DROP TABLE accounts_session');
    ok t_cmp($res->code, qr/^(?:200|303|400|403|404)$/, 'a session id that is no number: no 5xx');
}

# ---- end all others -----------------------------------------------------------------

{
    my $res = $A->submit($SESSIONS, action => 'others');
    ok t_cmp($res->code, 303, 'action=others: 303');
    ok t_cmp($res->header('Location') // '', $BACK, '... back to sessions/');
    ok t_cmp(join(' ', home_code($A), map { home_code($_) } @alive), '200 302',
             'the other session is logged out, this one is not');
    ok t_cmp(session_count($s), 1, 'one session row left for the user');
    ok t_cmp(join(',', grep { $_ != $idA } offered_ids(page($A->get($SESSIONS)))), '',
             'the page lists no other session');
    ok t_cmp(home_code($Z), 200, "another user's session is untouched");
}

# ---- accountsctl sessions / logout (checked on the host without a cache) ------------

{
    my $q = mkuser(AccountsTest::unique_name('sesq'));
    my @qb = map { logged_in($q, vhost => 'nocache') } 1 .. 2;
    my $zb = logged_in($z, vhost => 'nocache');
    my ($rc, $out, $err) = AccountsTest::ctl('sessions', $q);
    ok t_cmp($rc, 0, "accountsctl sessions NAME: exit 0 ($err)");
    ok t_cmp(scalar(grep { /\b127\.0\.0\.1\b/ } split /\n/, $out), 2,
             '... one line with the address for each of its two sessions');

    ($rc, $out, $err) = AccountsTest::ctl('logout', $q);
    ok t_cmp($rc, 0, "accountsctl logout NAME: exit 0 ($err)");
    ok t_cmp(join(' ', map { home_code($_) } @qb), '302 302', "... both of the user's browsers are logged out");
    ok t_cmp(home_code($zb), 200, "... another user's is not");
    ($rc, $out) = AccountsTest::ctl('sessions', $q);
    ok t_cmp(scalar(grep { /\b127\.0\.0\.1\b/ } split /\n/, $out), 0, 'accountsctl sessions NAME: none left');
}

# ---- remember me ---------------------------------------------------------------------

{
    my $r = mkuser(AccountsTest::unique_name('rem'));
    my $b = AccountsTest->browser;
    my $html = page($b->get('/accounts/login/'));
    my ($box) = grep { (attrs($_)->{name} // '') eq 'remember' } $html =~ /(<input\b[^>]*>)/gi;
    ok t_cmp(($box && (attrs($box)->{type} // '')) || 'no remember input', 'checkbox',
             'the login form has a "remember" checkbox');

    my $res = $b->submit('/accounts/login/', username => $r, password => $PW, remember => 'on');
    ok t_cmp($res->code, 303, 'login with remember=on: 303');
    ok t_cmp(set_cookie_for($res, 'sessionid'), qr/;\s*Max-Age=1209600(?:;|$)/i,
             '... the session cookie is persistent (Max-Age=1209600)');

    my $b2 = AccountsTest->browser;
    $res = $b2->submit('/accounts/login/', username => $r, password => $PW);
    ok t_cmp($res->code, 303, 'login without remember: 303');
    my $sc = set_cookie_for($res, 'sessionid');
    ok t_cmp($sc =~ /^sessionid=[^;]+/ ? ($sc =~ /;\s*(?:Max-Age|Expires)=/i ? 'persistent' : 'browser session')
                                       : 'no session cookie',
             'browser session', '... the session cookie has neither Max-Age nor Expires');
    ok t_cmp(home_code($b2), 200, '... and it works');
}
