#!/usr/bin/perl
# records.pl N LEN RAWBODY NOCONF [ATT] - prints, as Redis protocol for
# `redis-cli --pipe`, N inbox records shaped like the milter's (field names
# from lib/mail/record.c): LEN bytes of text and the same as the raw message
# (only its headers when RAWBODY is 0), distinct Message-IDs, 100
# customers, project "bench"; NOCONF 1 leaves the envelope sender empty,
# so no confirmation is mailed; ATT > 0 adds an attachment of ATT bytes
# (base64 in a multipart/mixed raw message, as a screenshot would come).
# Used by the benchmarks in this directory.
use strict;
use warnings;

my ($n, $len, $rawbody, $noconf, $att) = @ARGV;
$att //= 0;
my $body = ("x" x 76 . "\r\n") x int($len / 78);
# One attachment body for all records, pseudo-random bytes (a screenshot
# does not compress either; a periodic pattern would, and the database's
# lz4 would store nothing of it).  Generated once: per record it would
# dominate the run.
my $b64 = "";
if ($att > 0) {
	srand(42);
	my $bin = join "", map { chr(int(rand(256))) } 1 .. $att;
	require MIME::Base64;
	$b64 = MIME::Base64::encode_base64($bin, "\r\n");
}
sub cmd { my $s = "*" . scalar(@_) . "\r\n"; $s .= "\$" . length($_) . "\r\n$_\r\n" for @_; $s }
for my $i (1 .. $n) {
	my $c = "customer" . ($i % 100) . "\@example.org";
	my $mid = "<bench$i.$$\@example.org>";
	my $raw = "From: Customer <$c>\r\nTo: support+bench\@desk.test\r\nSubject: request $i\r\n" .
	    "Message-ID: $mid\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n";
	if ($att > 0) {
		$raw .= "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b$i\"\r\n\r\n" .
		    "--b$i\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n$body" .
		    "--b$i\r\nContent-Type: image/png; name=\"shot$i.png\"\r\n" .
		    "Content-Disposition: attachment; filename=\"shot$i.png\"\r\n" .
		    "Content-Transfer-Encoding: base64\r\n\r\n$b64--b$i--\r\n";
	} else {
		$raw .= "\r\n$body";
	}
	(my $text = $body) =~ s/\r\n/\n/g;
	print cmd("XADD", "maildesk:inbox", "*", v => 1, id => "Q$i:support+bench\@desk.test",
	    queue_id => "Q$i", received => "2026-11-25T10:00:00Z", client_ip => "192.0.2.1",
	    helo => "mx.example.org", mail_from => $noconf ? "" : $c,
	    rcpt => "support+bench\@desk.test",
	    kind => "new", project => "bench", key => "", spf => "pass", received_spf => "",
	    score => "0.00", rules => "", auto_reason => "", message_id => $mid,
	    in_reply_to => "", references => "", from => "Customer <$c>", from_addr => $c,
	    from_name => "Customer", reply_to => "", cc => "", subject => "request $i",
	    text => $text, attachments => ($att > 0 ? 1 : 0), flags => "",
	    raw => $rawbody ? $raw : substr($raw, 0, index($raw, "\r\n\r\n") + 4));
}
