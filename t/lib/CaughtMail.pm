# t/lib/CaughtMail.pm -- read the mail that scripts/smtpcatch caught for
# the suite (scripts/mail.sh starts it; ACC_MAIL_DIR names the directory).
#
#   use lib 't/lib'; use CaughtMail;
#   my $n   = CaughtMail::count();
#   ... make the module send something ...
#   my $msg = CaughtMail::wait_for(to => 'ann@example.com', since => $n);
#   ok $msg && $msg->{subject} =~ /reset/i;
#   my ($url) = grep { m{/reset/} } CaughtMail::links($msg);
#
#   CaughtMail::server_down(); ... CaughtMail::server_up();  # refused, back
#   CaughtMail::refuse();      ... CaughtMail::accept_mail(); # up, says 451
#
# A message is a hash:
#   file     the .eml path
#   name     its file name, "<ns>-<n>.eml"
#   time     when it arrived, in epoch seconds (fractional)
#   headers  lower-case name => value, RFC 2047 decoded, unfolded; a
#            header given more than once has its values joined with ", "
#   to, subject, from   the decoded headers ('' when absent)
#   rcpt     the envelope recipients (RCPT TO), an array ref
#   mail_from the envelope sender (MAIL FROM)
#   body     the text: the first text/plain part (else the first text/*),
#            transfer-decoded, charset-decoded, "\n" line ends
#   raw      the message's bytes as stored
# Strings are Perl character strings.
package CaughtMail;

use strict;
use warnings FATAL => 'all';

use Encode ();
use IO::Socket::INET ();
use JSON::PP ();
use MIME::Base64 ();
use MIME::QuotedPrint ();
use Time::HiRes ();

sub _dir {
    my %opt = @_;
    my $dir = $opt{dir} // $ENV{ACC_MAIL_DIR} // $ENV{MAIL_DIR};
    die "CaughtMail: no mail directory (ACC_MAIL_DIR is not set)\n" unless defined $dir;
    return $dir;
}

# The stored names, oldest first.  The nanosecond part is compared as a
# string of digits (it does not fit a double).
sub _names {
    my $dir = shift;
    opendir my $dh, $dir or die "CaughtMail: cannot open $dir: $!\n";
    my @n = map { [ $_, /^(\d+)-(\d+)\.eml\z/ ] } grep { /^\d+-\d+\.eml\z/ } readdir $dh;
    closedir $dh;
    return map { $_->[0] }
        sort { length $a->[1] <=> length $b->[1] || $a->[1] cmp $b->[1] || $a->[2] <=> $b->[2] } @n;
}

# count(dir => ...) -- how many messages were caught so far.
sub count { return scalar _names(_dir(@_)) }

# messages(dir => $ENV{ACC_MAIL_DIR}) -- every caught message, oldest first.
sub messages {
    my $dir = _dir(@_);
    return grep { defined } map { parse_file("$dir/$_") } _names($dir);
}

sub _text {    # bytes that should be UTF-8 -> characters, never dies
    my $b = shift;
    return Encode::decode('UTF-8', $b, Encode::FB_DEFAULT);
}

sub _decode_words {
    my $v = shift;
    my $d = eval { Encode::decode('MIME-Header', $v) };
    return defined $d ? $d : $v;
}

# (\%headers, $body_bytes) of one entity; headers raw (bytes), lower-case.
sub _split {
    my $text = shift;
    return ({}, substr($text, 1)) if $text =~ /\A\n/;    # no headers
    my ($head, $body) = $text =~ /\A(.*?)\n\n(.*)\z/s ? ($1, $2) : ($text, '');
    $head =~ s/\n[ \t]+/ /g;
    my %h;
    for my $line (split /\n/, $head) {
        my ($k, $v) = $line =~ /^([^:\s]+)[ \t]*:[ \t]*(.*?)\s*\z/ or next;
        $k = lc $k;
        $h{$k} = exists $h{$k} ? "$h{$k}, $v" : $v;
    }
    return (\%h, $body);
}

sub _param {
    my ($value, $name) = @_;
    return $value =~ /;\s*\Q$name\E\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]+))/i
        ? (defined $1 ? $1 : $2) : undef;
}

# The text of an entity: the first text/plain part, else the first text/*.
sub _body {
    my ($h, $body, $depth) = @_;
    my $type = lc($h->{'content-type'} // 'text/plain');
    if ($type =~ m{^multipart/} && $depth < 5) {
        my $boundary = _param($h->{'content-type'}, 'boundary');
        return (undef, 0) unless defined $boundary;
        $body =~ s/^--\Q$boundary\E--.*\z//ms;    # the epilogue
        my @parts = split /^--\Q$boundary\E[ \t]*\n/m, $body;
        shift @parts;                               # the preamble
        s/\n\z// for @parts;                        # belongs to the delimiter
        my $fallback;
        for my $p (@parts) {
            my ($ph, $pb) = _split($p);
            my ($t, $plain) = _body($ph, $pb, $depth + 1);
            next unless defined $t;
            return ($t, 1) if $plain;
            $fallback //= $t;
        }
        return ($fallback, 0);
    }
    return (undef, 0) unless $type =~ m{^text/};
    my $cte = lc($h->{'content-transfer-encoding'} // '');
    if ($cte eq 'quoted-printable') {
        $body = MIME::QuotedPrint::decode_qp($body);
    } elsif ($cte eq 'base64') {
        $body = MIME::Base64::decode_base64($body);
        $body =~ s/\r\n/\n/g;
    }
    my $charset = _param($h->{'content-type'} // '', 'charset') // 'utf-8';
    my $text = eval { Encode::decode($charset, $body, Encode::FB_DEFAULT) };
    $text = _text($body) unless defined $text;
    return ($text, $type =~ m{^text/plain});
}

# parse_file(PATH) -- one message as described above (undef if it vanished).
sub parse_file {
    my $file = shift;
    open my $fh, '<:raw', $file or return undef;
    my $raw = do { local $/; <$fh> };
    close $fh;
    (my $text = $raw) =~ s/\r\n/\n/g;
    my ($h, $body) = _split($text);
    my %headers = map { $_ => _decode_words(_text($h->{$_})) } keys %$h;
    my ($btext) = _body($h, $body, 0);

    my $env = {};
    (my $envfile = $file) =~ s/\.eml\z/.env/;
    if (open my $efh, '<:raw', $envfile) {
        my $json = do { local $/; <$efh> };
        $env = eval { JSON::PP->new->utf8->decode($json) } || {};
    }
    my ($name) = $file =~ m{([^/]+)\z};
    my ($ns) = $name =~ /^(\d+)-/;
    $ns = ('0' x (10 - length $ns)) . $ns if length $ns < 10;
    return {
        file      => $file,
        name      => $name,
        time      => substr($ns, 0, -9) + ('0.' . substr($ns, -9)),
        headers   => \%headers,
        to        => $headers{to} // '',
        from      => $headers{from} // '',
        subject   => $headers{subject} // '',
        rcpt      => $env->{rcpt_tos} || [],
        mail_from => $env->{mail_from},
        body      => $btext // '',
        raw       => $raw,
    };
}

# Is $msg addressed to $addr (envelope, else To/Cc)?  Case-insensitive.
sub _is_to {
    my ($msg, $addr) = @_;
    $addr = lc $addr;
    return 1 if grep { lc($_) eq $addr } @{ $msg->{rcpt} };
    my $hdr = lc join ',', grep { defined } @{ $msg->{headers} }{qw(to cc)};
    return $hdr =~ /(?:^|[\s<,:])\Q$addr\E(?:$|[\s>,;])/;
}

# wait_for(to => ADDR, since => N_OR_TIME, subject => qr/../, timeout => 20,
#          dir => ...) -- poll until a message to ADDR (and with a matching
# subject) arrives; return the first such message, or undef at the
# timeout.  since: a count (from count()) skips that many messages; a
# number above 10**9 is an epoch time (Time::HiRes::time() taken before
# the action) and skips messages that arrived earlier.
sub wait_for {
    my %opt = @_;
    my $dir = _dir(%opt);
    my $since = $opt{since} // 0;
    my $deadline = Time::HiRes::time() + ($opt{timeout} // 20);
    while (1) {
        my @names = _names($dir);
        splice @names, 0, $since if $since < 1e9;
        for my $name (@names) {
            my $m = parse_file("$dir/$name") or next;
            next if $since >= 1e9 && $m->{time} < $since;
            next if defined $opt{to} && !_is_to($m, $opt{to});
            next if defined $opt{subject} && $m->{subject} !~ $opt{subject};
            return $m;
        }
        return undef if Time::HiRes::time() >= $deadline;
        Time::HiRes::sleep(0.1);
    }
}

# links($msg) -- the http(s) URLs in the body, in order.
sub links {
    my $msg = shift;
    my @urls = $msg->{body} =~ m{(https?://[^\s<>"']+)}g;
    for (@urls) {    # sentence punctuation after a URL is not part of it
        1 while s/[.,;:!?\]}]\z// || (/\)\z/ && tr/(// < tr/)// && chop);
    }
    return @urls;
}

# The server's pid and port, from the files smtpcatch writes.
sub _server {
    my $dir = _dir(@_);
    my %s;
    for my $k (qw(pid port)) {
        open my $fh, '<', "$dir/.smtpcatch/$k" or die "CaughtMail: smtpcatch is not running ($dir/.smtpcatch/$k: $!)\n";
        ($s{$k}) = <$fh> =~ /(\d+)/;
    }
    return \%s;
}

sub _listening {
    my $port = shift;
    return IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 2) ? 1 : 0;
}

# server_down(), server_up() -- make smtpcatch stop listening (clients get
# "connection refused") or listen again, on the same port; return once it
# is so (true) or after 10 s (false).
sub server_down { return _toggle('USR1', 0, @_) }
sub server_up   { return _toggle('USR2', 1, @_) }

sub _toggle {
    my ($sig, $want, @opt) = @_;
    my $s = _server(@opt);
    kill $sig, $s->{pid} or die "CaughtMail: cannot signal smtpcatch ($s->{pid}): $!\n";
    my $deadline = Time::HiRes::time() + 10;
    while (Time::HiRes::time() < $deadline) {
        return 1 if _listening($s->{port}) == $want;
        Time::HiRes::sleep(0.05);
    }
    return 0;
}

# refuse(REPLY), accept_mail() -- the server stays up but answers MAIL FROM
# with REPLY ("451 4.3.0 ..." by default), or takes mail again.
sub refuse {
    my ($reply, @opt) = @_;
    my $dir = _dir(@opt);
    open my $fh, '>', "$dir/.refuse" or die "CaughtMail: cannot write $dir/.refuse: $!\n";
    print $fh ($reply // '451 4.3.0 smtpcatch: not accepting mail now, try again later'), "\n";
    close $fh or die "CaughtMail: cannot write $dir/.refuse: $!\n";
    return 1;
}

sub accept_mail {
    my $dir = _dir(@_);
    unlink "$dir/.refuse" or $!{ENOENT} or die "CaughtMail: cannot remove $dir/.refuse: $!\n";
    return 1;
}

1;
