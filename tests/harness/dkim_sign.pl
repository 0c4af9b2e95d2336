#!/usr/bin/perl
# dkim_sign.pl KEYFILE DOMAIN SELECTOR [--lf] < message > signed message
#
# Signs a message (Mail::DKIM, rsa-sha256, relaxed/relaxed) with a key made
# by opendkim-genkey: for tests/e2e/trust_dmarc.sh (lines end in CRLF, as
# swaks sends them) and tests/bench/smtp_bench.sh's desk_dkim configuration
# (--lf: smtp-source -F appends CRLF to every line itself).
#
# Not opendkim-testmsg: it signs with rsa-sha1 (RFC 8301 forbids it for
# verification) and, in 2.11.0~beta2, repeats the tail of b= when it folds
# the header, so the signature does not verify.
use strict;
use warnings;
use Mail::DKIM::Signer;
use Mail::DKIM::PrivateKey;
use Crypt::OpenSSL::RSA;

my ($keyfile, $domain, $selector, $lf) = @ARGV;
die "usage: $0 KEYFILE DOMAIN SELECTOR [--lf]\n" unless defined $selector;
local $/;
open(my $kf, "<", $keyfile) or die "$keyfile: $!\n";
# Mail::DKIM's KeyFile reader wants "BEGIN RSA PRIVATE KEY"; opendkim-genkey
# writes PKCS#8, which Crypt::OpenSSL::RSA reads.
my $rsa = Crypt::OpenSSL::RSA->new_private_key(<$kf>);
my $m = <STDIN>;
$m =~ s/\r?\n/\r\n/g;
my $s = Mail::DKIM::Signer->new(Algorithm => "rsa-sha256", Method => "relaxed",
    Domain => $domain, Selector => $selector,
    Key => Mail::DKIM::PrivateKey->load(Cork => $rsa));
$s->PRINT($m);
$s->CLOSE;
my $out = $s->signature->as_string . "\r\n" . $m;
$out =~ s/\r\n/\n/g if defined $lf && $lf eq "--lf";
print $out;
