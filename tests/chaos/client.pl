#!/usr/bin/perl
# client.pl - the chaos test's SMTP client (tests/chaos/chaos.sh).
#
#   client.pl LIST SESSIONS PORT[,PORT...] LOG
#
# Sends every message of LIST (lines from gen.pl) over SESSIONS concurrent
# connections, round robin over the PORTs (one Postfix each), one SMTP
# transaction per connection; with CHAOS_PACE_MS set, a session pauses a
# random 0..2*CHAOS_PACE_MS ms between messages (so kills land mid-run).  Appends to LOG one line per attempt:
# "message-id<TAB>result<TAB>port<TAB>reply<TAB>time", result = ok (250 after DATA),
# temp (4xx), perm (5xx), conn (connect failed or the connection broke
# before the final reply; the message may or may not have been taken), time =
# when the answer came (epoch seconds with fractions; the failover tests
# measure how long the desk answered 4xx from it).
use strict;
use warnings;
use IO::Socket::INET;
use Time::HiRes qw(sleep time);

my ($list, $sessions, $ports, $log) = @ARGV;
die "usage: client.pl LIST SESSIONS PORTS LOG\n" unless defined $log;
my @ports = split /,/, $ports;
my $pace = ($ENV{CHAOS_PACE_MS} // 0) / 1000;
open my $lf, '<', $list or die "$list: $!\n";
my @jobs = map { chomp; [split /\t/] } grep { /\S/ } <$lf>;
close $lf;

sub reply {
	my ($s) = @_;
	my ($line, $all) = ("", "");
	while (defined($line = <$s>)) {
		$all .= $line;
		return ($1, $all) if $line =~ /^(\d{3}) /;
	}
	return (undef, $all);
}

sub send_one {
	my ($port, $file, $from, $rcpt) = @_;
	my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port,
	    Timeout => 30) or return ("conn", "connect: $!");
	$s->timeout(60);
	my ($code, $txt) = reply($s);
	for my $cmd ("EHLO client.example.test", "MAIL FROM:<$from>",
	    "RCPT TO:<$rcpt>", "DATA") {
		last unless defined $code && $code =~ /^[23]/;
		print $s "$cmd\r\n";
		($code, $txt) = reply($s);
	}
	if (defined $code && $code eq "354") {
		open my $fh, '<:raw', $file or die "$file: $!\n";
		my $data = do { local $/; <$fh> };
		close $fh;
		$data =~ s/^\./../mg;
		print $s $data, ".\r\n";
		($code, $txt) = reply($s);
		print $s "QUIT\r\n" if defined $code;
	}
	close $s;
	$txt =~ s/\r?\n/ /g;
	return ("conn", "broken: $txt") unless defined $code;
	return ("ok", $txt) if $code eq "250";
	return ("temp", $txt) if $code =~ /^4/;
	return ("perm", $txt) if $code =~ /^5/;
	return ("conn", "unexpected: $txt");
}

$| = 1;
my @kids;
for my $k (0 .. $sessions - 1) {
	my $pid = fork // die "fork: $!\n";
	if ($pid == 0) {
		open my $out, '>>', $log or die "$log: $!\n";
		$out->autoflush(1);
		srand($$);
		for (my $i = $k; $i < @jobs; $i += $sessions) {
			sleep(rand(2 * $pace)) if $pace > 0;
			my ($file, $from, $rcpt, $mid) = @{$jobs[$i]};
			my $port = $ports[$i % @ports];
			my ($res, $txt) = send_one($port, $file, $from, $rcpt);
			# one write per line: the children share LOG (O_APPEND)
			syswrite $out, sprintf("%s\t%s\t%s\t%s\t%.3f\n", $mid, $res,
			    $port, $txt, time);
		}
		exit 0;
	}
	push @kids, $pid;
}
waitpid $_, 0 for @kids;
