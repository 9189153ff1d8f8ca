# t/96-browser.t -- the pages in a real browser (t/browser/run.mjs):
# Debian's Chromium driven by playwright-core, against this suite's httpd
# and PostgreSQL; axe-core on every page reached, light and dark; any
# console error fails.  One test here for each of run.mjs's tests.
# Screenshots of each test's last page go to t/logs/screenshots/ (phone
# and desktop width, light and dark).
use strict;
use warnings FATAL => 'all';
use Apache::Test;
use Apache::TestRequest ();
use Apache::TestUtil;
use File::Path ();
use FindBin;
use IPC::Open3 ();
use Symbol ();

my $dir = "$FindBin::Bin/browser";
my $shots = Apache::Test::vars('t_logs') . '/screenshots';
my $chromium = $ENV{ACC_CHROMIUM} // '/usr/bin/chromium';

my @missing;
push @missing, 'node' unless grep { -x "$_/node" } split /:/, $ENV{PATH};
push @missing, $chromium unless -x $chromium;
push @missing, "$dir/node_modules (npm ci in t/browser)"
    unless -d "$dir/node_modules/playwright-core" && -d "$dir/node_modules/axe-core";
if (@missing) {
    # scripts/test installs all three; a run without them is a failure,
    # not a skip.
    plan tests => 1;
    ok t_cmp('missing: ' . join(', ', @missing), 'nothing missing',
             'the browser tests can run (node, Chromium, playwright-core, axe-core)');
    exit 0;
}

File::Path::rmtree($shots);
File::Path::mkpath($shots);
Apache::TestRequest::module('default');
my $base = 'http://' . Apache::TestRequest::hostport();

local $ENV{ACC_BASE} = $base;
local $ENV{ACC_SCREENSHOTS} = $shots;
local $ENV{ACC_CHROMIUM} = $chromium;
local $ENV{HOME} = $ENV{HOME} // $dir;
my $pid = IPC::Open3::open3(my $in, my $out, undef, 'node', "$dir/run.mjs");
close $in;
# Bounded: a browser that hangs fails the run instead of holding it.
my @lines;
my $rc;
eval {
    local $SIG{ALRM} = sub { die "timeout\n" };
    alarm 600;
    @lines = <$out>;
    waitpid $pid, 0;
    $rc = $? >> 8;
    alarm 0;
};
if ($@) {
    kill 'TERM', $pid;
    waitpid $pid, 0;
    push @lines, 'the browser tests took over 600 s and were stopped';
    $rc = 124;
}

my (@results, @notes, $i);
for my $line (@lines) {
    chomp $line;
    if ($line =~ /^(not )?ok \d+ - (.*)$/) {
        push @results, { ok => !$1, name => $2, diag => [] };
    }
    elsif ($line =~ /^# (.*)$/ && @results) {
        push @{ $results[-1]{diag} }, $1;
    }
    elsif ($line !~ /^1\.\.\d+$/) {
        push @notes, $line;
    }
}

if (!@results) {
    plan tests => 1;
    ok t_cmp("node exited $rc with no result: " . join(' | ', @lines[0 .. ($#lines > 20 ? 20 : $#lines)]),
             'results', 'the browser tests ran');
    exit 0;
}
plan tests => scalar(@results) + 1;
for my $r (@results) {
    print "# $_\n" for @{ $r->{diag} };
    ok t_cmp($r->{ok} ? 'ok' : 'not ok', 'ok', $r->{name});
    print "# screenshots of this test: t/logs/screenshots/ (its number first)\n" unless $r->{ok};
}
ok t_cmp($rc, 0, "the browser runner's exit status" . (@notes ? ' (' . join(' | ', @notes[0 .. ($#notes > 5 ? 5 : $#notes)]) . ')' : ''));
