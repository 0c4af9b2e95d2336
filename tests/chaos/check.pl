#!/usr/bin/perl
# check.pl - the chaos test's verdict (tests/chaos/chaos.sh).
#
#   check.pl LIST CLIENTLOG DUMP CONFIRMATIONS
#
# LIST: gen.pl's lines; CLIENTLOG: client.pl's attempts; DUMP: "I iid mid"
# (an issue and its Message-ID) and "N iid mid" (a customer note) lines from
# PostgreSQL; CONFIRMATIONS: one X-Maildesk-Issue value per confirmation found in
# the sink.  Prints "key value" lines (counts) and "BAD ..." lines with the
# evidence for every broken promise.
use strict;
use warnings;

my ($list, $clog, $dump, $conf) = @ARGV;
my (%kind, %res, %stored_issue, %stored_note, %bad);
my %n = map { $_ => 0 } qw(sent new replies accepted tempfailed_then_accepted
    never_accepted refused_perm conn_errors temp_replies issues notes
    confirmations duplicate_confirmations missing_confirmations
    stored_but_refused);

open my $fh, '<', $list or die "$list: $!\n";
while (<$fh>) {
	chomp;
	my (undef, undef, undef, $mid, $k) = split /\t/;
	$kind{$mid} = $k;
	$n{sent}++;
	$n{$k eq "new" ? "new" : "replies"}++;
}
open $fh, '<', $clog or die "$clog: $!\n";
while (<$fh>) {
	chomp;
	my ($mid, $r) = split /\t/;
	push @{$res{$mid}}, $r;
	$n{temp_replies}++ if $r eq "temp";
	$n{conn_errors}++ if $r eq "conn";
}
open $fh, '<', $dump or die "$dump: $!\n";
my %issue_of;
while (<$fh>) {
	chomp;
	my ($t, $iid, $mid) = split / /, $_, 3;
	$mid //= "";
	$mid =~ s/^<|>$//g;
	if ($t eq "I") {
		$n{issues}++;
		push @{$stored_issue{$mid}}, $iid;
		$issue_of{$iid} = $mid;
	} else {
		$n{notes}++;
		push @{$stored_note{$mid}}, $iid;
	}
}
for my $mid (sort keys %kind) {
	my @r = @{$res{$mid} // []};
	my $acc = grep { $_ eq "ok" } @r;
	my $si = @{$stored_issue{$mid} // []};
	my $sn = @{$stored_note{$mid} // []};
	if ($acc) {
		$n{accepted}++;
		$n{tempfailed_then_accepted}++ if $r[0] ne "ok";
		print "BAD accepted $acc times by SMTP: $mid (@r)\n" if $acc > 1;
		if ($kind{$mid} eq "new") {
			print "BAD new request $mid stored as $si issues (@{$stored_issue{$mid} // []}), $sn notes\n"
			    unless $si == 1 && $sn == 0;
		} else {
			print "BAD reply $mid stored as $sn notes (@{$stored_note{$mid} // []}), $si issues\n"
			    unless $sn == 1 && $si == 0;
		}
	} else {
		$n{never_accepted}++;
		$n{refused_perm}++ if grep { $_ eq "perm" } @r;
		print "BAD never accepted: $mid (@r)\n";
		if ($si + $sn) {
			$n{stored_but_refused}++;
			print "NOTE refused ($mid: @r) but stored: the milter wrote it, then its answer was lost\n";
		}
	}
}
for my $mid (keys %stored_issue) {
	my $c = @{$stored_issue{$mid}};
	print "BAD $c issues share Message-ID $mid: @{$stored_issue{$mid}}\n" if $c > 1;
}
my %confs;
open $fh, '<', $conf or die "$conf: $!\n";
while (<$fh>) {
	chomp;
	s/^\S+#//;
	$confs{$_}++;
	$n{confirmations}++;
}
for my $iid (sort { $a <=> $b } keys %issue_of) {
	my $c = $confs{$iid} // 0;
	if ($c == 0) {
		# judged by chaos.sh: allowed only with a "may not have been
		# delivered" note (a sender died at the handover)
		$n{missing_confirmations}++;
		print "MISSING $iid ($issue_of{$iid}) got no confirmation\n";
	} elsif ($c > 1) {
		$n{duplicate_confirmations} += $c - 1;
		print "DUP issue $iid got $c confirmations\n";
	}
}
print "$_ $n{$_}\n" for sort keys %n;
