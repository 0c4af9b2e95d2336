#!/usr/bin/perl
# gen.pl - writes the chaos test's messages (tests/chaos/chaos.sh).
#
#   gen.pl DIR N REPLY_PCT KEYFILE >LIST
#
# N messages in DIR: new requests to support+acme@desk.test (plain ASCII,
# Latin-1 quoted-printable, UTF-8 and Shift_JIS base64, windows-1252, with
# and without a small attachment) and REPLY_PCT percent replies to
# support+r-<key>@desk.test, the keys taken from KEYFILE (lines
# "<key> <customer address>").  Every message has a unique Message-ID.
# Prints one line per message: "file<TAB>mail_from<TAB>rcpt<TAB>message-id
# <TAB>kind" (kind = new or reply).
use strict;
use warnings;
use MIME::Base64;

my ($dir, $n, $reply_pct, $keyfile) = @ARGV;
die "usage: gen.pl DIR N REPLY_PCT KEYFILE\n" unless defined $keyfile;
open my $kf, '<', $keyfile or die "$keyfile: $!\n";
my @keys = map { chomp; [split / /] } grep { /\S/ } <$kf>;
close $kf;
srand($ENV{CHAOS_SEED} // 4242);

my @bodies = (
	["us-ascii", "7bit", "The printer in room %d is on fire again.\n"],
	["iso-8859-1", "quoted-printable", "Gr=FC=DFe aus M=FCnchen, Ticket %d: der Drucker br=E4nnt.\n"],
	["utf-8", "base64", "Привет, заявка %d: 打印机着火了 — ça brûle.\n"],
	["windows-1252", "8bit", "Caf\x{e9} \x{93}quoted\x{94} \x{80}%d\n"],
	["shift_jis", "base64", "\x{83}\x{65}\x{83}\x{58}\x{83}\x{67} %d\n"],
);

for my $i (1 .. $n) {
	my $reply = @keys && rand(100) < $reply_pct;
	my $mid = sprintf "chaos-%06d.%d\@client.example.test", $i, $$;
	my ($from, $rcpt, $kind);
	if ($reply) {
		my $k = $keys[int rand @keys];
		($from, $rcpt, $kind) = ($k->[1], "support+r-$k->[0]\@desk.test", "reply");
	} else {
		($from, $rcpt, $kind) = ("c$i\@example.test", "support+acme\@desk.test", "new");
	}
	my ($cs, $cte, $text) = @{$bodies[$i % @bodies]};
	$text = sprintf $text, $i;
	my $body;
	if ($cte eq "base64") {
		utf8::encode($text) if $cs eq "utf-8";
		$body = encode_base64($text);
	} elsif ($cte eq "8bit") {
		utf8::downgrade($text);
		$body = $text;
	} else {
		$body = $text;
	}
	my $subj = $kind eq "reply" ? "Re: chaos $i" :
	    ($i % 3 ? "chaos request $i" : "=?UTF-8?B?" .
	    encode_base64("Zažluťoučký kůň $i", "") . "?=");
	utf8::encode($subj);
	my $hdr = "From: Customer $i <$from>\r\nTo: <$rcpt>\r\n" .
	    "Subject: $subj\r\nMessage-ID: <$mid>\r\n" .
	    "Date: Mon, 01 Jan 2024 00:00:00 +0000\r\nMIME-Version: 1.0\r\n";
	my $msg;
	if ($i % 7 == 0) {		# with an attachment
		my $b = "=_chaos_$i";
		my $att = encode_base64(join("", map { chr(($_ * 7 + $i) % 256) } 1 .. 2000));
		$msg = $hdr . "Content-Type: multipart/mixed; boundary=\"$b\"\r\n\r\n" .
		    "--$b\r\nContent-Type: text/plain; charset=$cs\r\n" .
		    "Content-Transfer-Encoding: $cte\r\n\r\n$body\r\n" .
		    "--$b\r\nContent-Type: application/octet-stream; name=\"data$i.bin\"\r\n" .
		    "Content-Disposition: attachment; filename=\"data$i.bin\"\r\n" .
		    "Content-Transfer-Encoding: base64\r\n\r\n$att\r\n--$b--\r\n";
	} else {
		$msg = $hdr . "Content-Type: text/plain; charset=$cs\r\n" .
		    "Content-Transfer-Encoding: $cte\r\n\r\n$body";
	}
	$msg =~ s/\r?\n/\r\n/g;
	my $file = sprintf "%s/m%06d.eml", $dir, $i;
	open my $fh, '>:raw', $file or die "$file: $!\n";
	print $fh $msg;
	close $fh;
	print "$file\t$from\t$rcpt\t$mid\t$kind\n";
}
