#!/usr/bin/perl
# records.pl N LEN RAWBODY NOCONF - prints, as Redis protocol for
# `redis-cli --pipe`, N inbox records shaped like the milter's (field names
# from lib/record.c): LEN bytes of text and the same as the raw message
# (only its headers when RAWBODY is 0), distinct Message-IDs, 100
# customers, project "bench"; NOCONF 1 leaves the envelope sender empty,
# so no confirmation is mailed.  Used by the benchmarks in this directory.
use strict;
use warnings;

my ($n, $len, $rawbody, $noconf) = @ARGV;
my $body = ("x" x 76 . "\r\n") x int($len / 78);
sub cmd { my $s = "*" . scalar(@_) . "\r\n"; $s .= "\$" . length($_) . "\r\n$_\r\n" for @_; $s }
for my $i (1 .. $n) {
	my $c = "customer" . ($i % 100) . "\@example.org";
	my $mid = "<bench$i.$$\@example.org>";
	my $raw = "From: Customer <$c>\r\nTo: support+bench\@desk.test\r\nSubject: request $i\r\n" .
	    "Message-ID: $mid\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\n$body";
	(my $text = $body) =~ s/\r\n/\n/g;
	print cmd("XADD", "maildesk:inbox", "*", v => 1, id => "Q$i:support+bench\@desk.test",
	    queue_id => "Q$i", received => "2026-11-25T10:00:00Z", client_ip => "192.0.2.1",
	    helo => "mx.example.org", mail_from => $noconf ? "" : $c,
	    rcpt => "support+bench\@desk.test",
	    kind => "new", project => "bench", key => "", spf => "pass", received_spf => "",
	    score => "0.00", rules => "", auto_reason => "", message_id => $mid,
	    in_reply_to => "", references => "", from => "Customer <$c>", from_addr => $c,
	    from_name => "Customer", reply_to => "", cc => "", subject => "request $i",
	    text => $text, attachments => 0, flags => "",
	    raw => $rawbody ? $raw : substr($raw, 0, index($raw, "\r\n\r\n") + 4));
}
