# t/lib/AccountsTest.pm -- a browser-like client and admin helpers for the
# mod_accounts suite.
#
#   use lib 't/lib'; use AccountsTest;
#   my $b = AccountsTest->browser;            # own cookie jar, no redirects
#   my $res = $b->get('/accounts/login/');
#   $res = $b->submit('/accounts/login/', username => 'u', password => 'p');
#   my ($rc, $out, $err) = AccountsTest::ctl('list');
#   my $rows = AccountsTest::sql("SELECT ...");
package AccountsTest;

use strict;
use warnings FATAL => 'all';

use Apache::Test ();
use Apache::TestRequest ();
use HTML::Entities ();
use HTTP::Cookies ();
use HTTP::Request::Common ();
use LWP::UserAgent ();
use IPC::Open3 ();
use Symbol ();
use Time::HiRes ();

my $counter = 0;

# A username nobody has used in this run.
sub unique_name {
    my $prefix = shift || 'u';
    $counter++;
    return sprintf '%s%d_%d_%d', $prefix, $$, int(Time::HiRes::time() * 1000) % 100000000, $counter;
}

# A password that passes every validator.
sub good_password { 'Plum-Kettle-9417-quietly' }

# browser(vhost => 'default', keep_alive => 0) -- a fresh client with its
# own cookie jar that never follows redirects.  With keep_alive it keeps
# one connection open, so its requests reach the same httpd process.
sub browser {
    my ($class, %opt) = @_;
    my $vhost = $opt{vhost} || 'default';
    my $old = Apache::TestRequest::module();
    Apache::TestRequest::module($vhost);
    my $hostport = Apache::TestRequest::hostport();
    Apache::TestRequest::module($old);
    my $ua = LWP::UserAgent->new(
        cookie_jar            => HTTP::Cookies->new,
        max_redirect          => 0,
        requests_redirectable => [],
        timeout               => 30,
        agent                 => 'AccountsTest/1.0',
        ($opt{keep_alive} ? (keep_alive => 1) : ()),
    );
    return bless { ua => $ua, base => "http://$hostport", hostport => $hostport,
                   last => undef }, $class;
}

sub ua       { $_[0]{ua} }
sub base     { $_[0]{base} }
sub hostport { $_[0]{hostport} }
sub last     { $_[0]{last} }

sub url { my ($self, $path) = @_; return $path =~ m{^https?://} ? $path : $self->{base} . $path }

sub request {
    my ($self, $req) = @_;
    my $res = $self->{ua}->request($req);
    $self->{last} = $res;
    return $res;
}

# get(PATH, HEADER => VALUE, ...)
sub get {
    my ($self, $path, @headers) = @_;
    return $self->request(HTTP::Request::Common::GET($self->url($path), @headers));
}

# post(PATH, [FIELD => VALUE, ...], HEADER => VALUE, ...) -- a raw form post.
sub post {
    my ($self, $path, $fields, @headers) = @_;
    return $self->request(HTTP::Request::Common::POST($self->url($path), $fields, @headers));
}

# The CSRF token in a page, or undef.
sub token_in {
    my ($html) = @_;
    return $html =~ /name="csrfmiddlewaretoken" value="([^"]*)"/ ? $1 : undef;
}

# The value of a cookie in the jar, or undef.
sub cookie {
    my ($self, $name) = @_;
    my $value;
    $self->{ua}->cookie_jar->scan(sub { $value = $_[2] if $_[1] eq $name });
    return $value;
}

# Set (or, with undef, drop) a cookie for this server.
sub set_cookie {
    my ($self, $name, $value) = @_;
    my ($host, $port) = split /:/, $self->{hostport};
    my $jar = $self->{ua}->cookie_jar;
    if (defined $value) {
        $jar->set_cookie(0, $name, $value, '/', "$host.local", $port, 1, 0, 3600, 0);
        $jar->set_cookie(0, $name, $value, '/', $host, $port, 1, 0, 3600, 0);
    }
    else {
        $jar->clear($host, '/', $name);
        eval { $jar->clear("$host.local", '/', $name) };
    }
}

# submit(PATH, FIELD => VALUE, ...) -- what a person does: load the form
# page, then post it with its CSRF token and the given fields (a field
# given as csrfmiddlewaretoken overrides the token).
sub submit {
    my ($self, $path, @fields) = @_;
    my $page = $self->get($path);
    my $token = token_in($page->content // '') // '';
    my %given = @fields;
    my @post = exists $given{csrfmiddlewaretoken} ? @fields
             : (csrfmiddlewaretoken => $token, @fields);
    return $self->post($path, \@post);
}

# register(NAME, PASSWORD, EMAIL) -- 303 on success.
sub register {
    my ($self, $name, $password, $email) = @_;
    $password //= good_password();
    return $self->submit('/accounts/register/', username => $name,
                         email => $email // '', password1 => $password,
                         password2 => $password);
}

# login(NAME, PASSWORD, NEXT) -- 303 on success.
sub login {
    my ($self, $name, $password, $next) = @_;
    $password //= good_password();
    return $self->submit('/accounts/login/', username => $name,
                         password => $password,
                         (defined $next ? (next => $next) : ()));
}

sub logout {
    my ($self) = @_;
    return $self->submit('/accounts/logout/');
}

# The error messages shown in a page's error lists, decoded.
sub errors_in {
    my ($html) = @_;
    my @m = $html =~ m{<span class="error">(.*?)</span>}g;
    return @m;
}

# run(CMD, ARGS...) with optional stdin: (exit code, stdout, stderr).
# The part of a page that belongs to one form field: from the <label>
# before its input up to the next <label>.
sub field_block {
    my ($html, $field) = @_;
    for my $seg (split /(?=<label\b)/i, $html) {
        next unless $seg =~ /^<label\b/i;
        return $seg if $seg =~ /<(?:input|textarea|select)\b[^>]*\bname="\Q$field\E"/;
    }
    return '';
}

# The error messages shown next to one form field, decoded.
sub field_errors {
    my ($html, $field) = @_;
    my @m = field_block($html, $field)
        =~ m{<span\b[^>]*\bclass="(?:[^"]*\s)?error(?:\s[^"]*)?"[^>]*>(.*?)</span>}gs;
    return map { HTML::Entities::decode_entities($_) } @m;
}

# The <input> (or <textarea>) tag named NAME, or ''.
sub input_tag {
    my ($html, $name) = @_;
    return $html =~ /(<(?:input|textarea)\b[^>]*\bname="\Q$name\E"[^>]*>)/ ? $1 : '';
}

# A new user with an address of its own: (name, email).
sub mkuser_email {
    my ($prefix, $password) = @_;
    my $name = unique_name($prefix);
    my $email = lc($name) . '@example.com';
    mkuser($name, $password // good_password(), '--email', $email);
    return ($name, $email);
}

sub run {
    my ($stdin, @cmd) = @_;
    # The command may exit before reading its stdin (a refused name).
    local $SIG{PIPE} = 'IGNORE';
    my $err = Symbol::gensym();
    my $pid = IPC::Open3::open3(my $in, my $out, $err, @cmd);
    print $in $stdin if defined $stdin;
    close $in;
    my $o = do { local $/; <$out> } // '';
    my $e = do { local $/; <$err> } // '';
    waitpid $pid, 0;
    return ($? >> 8, $o, $e);
}

# ctl(ARGS...) / ctl_in(STDIN, ARGS...) -- accountsctl on the suite's database.
sub ctl    { return run(undef, $ENV{ACC_CTL}, @_) }
sub ctl_in { my $stdin = shift; return run($stdin, $ENV{ACC_CTL}, @_) }

# createuser(NAME, PASSWORD, OPTIONS...) -- through accountsctl.
sub createuser {
    my ($name, $password, @opt) = @_;
    return ctl_in(($password // good_password()) . "\n", 'createuser', $name, @opt);
}

# mkuser(NAME, PASSWORD, OPTIONS...) -- createuser at the suite's cheap
# cost (or $ENV{ACCOUNTS_PASSWORD_HASH} when the caller set it); dies on
# failure, since a broken fixture is not a test result.
sub mkuser {
    my ($name, $password, @opt) = @_;
    local $ENV{ACCOUNTS_PASSWORD_HASH} = $ENV{ACCOUNTS_PASSWORD_HASH} // 'm=1024 t=1 p=1';
    my ($rc, $out, $err) = createuser($name, $password, @opt);
    die "createuser $name failed ($rc): $err" if $rc;
    return $name;
}

# logged_in(NAME, PASSWORD, vhost => V) -- a fresh browser logged in as
# NAME (on the default host unless V is given).
sub logged_in {
    my ($name, $password, %opt) = @_;
    my $b = AccountsTest->browser(%opt);
    my $res = $b->login($name, $password);
    die "login of $name failed: " . $res->status_line if $res->code != 303;
    return $b;
}

# lit(VALUE) -- VALUE as a quoted SQL literal; only names, base64url
# tokens and hex hashes are allowed, so nothing odd is ever spliced.
sub lit {
    my ($s) = @_;
    die "refusing to splice '$s' into SQL" unless $s =~ /\A[A-Za-z0-9_-]+\z/;
    return "'$s'";
}

# sql1(STATEMENT) -- the first column of the first row, or undef.
sub sql1 {
    my $rows = sql(shift);
    return @$rows ? $rows->[0][0] : undef;
}

# sql(STATEMENT, DB) -- run SQL as the superuser; rows as arrays of fields.
sub sql {
    my ($statement, $db) = @_;
    my ($rc, $out, $err) = run(undef, "$ENV{ACC_PGBIN}/psql", '-X', '-q', '-A',
        '-t', '-F', "\t", '-v', 'ON_ERROR_STOP=1', '-h', $ENV{ACC_PGSOCK},
        '-p', $ENV{ACC_PGPORT}, '-U', 'postgres', '-d', $db || $ENV{ACC_PGDATABASE},
        '-c', $statement);
    die "sql failed (" . substr($statement, 0, 60) . "...): $err" if $rc;
    return [ map { [ split /\t/, $_, -1 ] } grep { length } split /\n/, $out ];
}

# pg_stop / pg_start -- take the database away and bring it back.
sub pg_stop {
    my ($rc, $out, $err) = run(undef, "$ENV{ACC_PGBIN}/pg_ctl", '-D', $ENV{ACC_PGDATA},
        '-m', 'fast', '-w', 'stop');
    return $rc == 0;
}
sub pg_start {
    my ($rc, $out, $err) = run(undef, "$ENV{ACC_PGBIN}/pg_ctl", '-D', $ENV{ACC_PGDATA},
        '-l', $ENV{ACC_PGLOG}, '-w', '-t', '60', 'start');
    return $rc == 0;
}

# The server's error log so far.
sub error_log {
    my $file = Apache::Test::vars('t_logs') . '/error_log';
    open my $fh, '<', $file or return '';
    local $/;
    return <$fh>;
}

1;
