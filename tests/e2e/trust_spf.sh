#!/bin/bash
# trust_spf.sh - SPF at RCPT through real Postfix: fail -> 550 5.7.23 with
# the explanation, pass/softfail/none recorded, temperror -> 451 4.7.24,
# IPv6 clients, and the exemptions (trusted_networks, SMTP AUTH).
#
# Runs in a private network namespace where dnsmasq serves the test
# domains; Postfix presents XCLIENT addresses to the milter (a loopback
# client would get libspf2's free pass).
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/records.sh"

# local=/test/: every other .test name is NXDOMAIN (SPF none), not REFUSED.
# tempfail.test goes to a server that answers SERVFAIL, slow.test to one that
# never answers (both started below).
MD_DNS_RECORDS='local=/test/
txt-record=example.test,"v=spf1 ip4:192.0.2.1 -all"
txt-record=exp.test,"v=spf1 ip4:192.0.2.1 exp=why.exp.test -all"
txt-record=why.exp.test,"%{c}%_may%_not%_send%_for%_%{d}"
txt-record=soft.test,"v=spf1 ip4:192.0.2.1 ~all"
txt-record=v6.test,"v=spf1 ip6:2001:db8::7 -all"
host-record=none.test,192.0.2.9
server=/tempfail.test/127.0.0.2#53
server=/slow.test/127.0.0.3#53'
md_reexec_in_netns "$0" "$@"

# dns_stub IP RCODE: a UDP "name server" on IP:53 that answers every query
# with RCODE (2 = SERVFAIL), or never answers when RCODE is "none".
dns_stub() {
	# shellcheck disable=SC2016 # Perl code, expanded by Perl
	md_spawn perl -MIO::Socket::INET -e '
		my ($ip, $rcode) = @ARGV;
		my $s = IO::Socket::INET->new(LocalAddr => $ip, LocalPort => 53,
		    Proto => "udp") or die "bind $ip: $!";
		my $q;
		while ($s->recv($q, 4096)) {
			next if $rcode eq "none" || length($q) < 12;
			# same id and question; QR=1, RD copied, RA=1, RCODE
			substr($q, 2, 2) = pack("CC", 0x80 | (ord(substr($q, 2, 1)) & 1),
			    0x80 | $rcode);
			$s->send($q);
		}' "$1" "$2"
}
dns_stub 127.0.0.2 2
dns_stub 127.0.0.3 none

INBOX=maildesk:inbox
# Postfix's answer to the end of DATA (not "250 CHUNKING" after EHLO).
ACCEPTED='<- *250 2\.0\.0 Ok: queued'

md_start_redis
md_write_config spf_enable=yes spf_timeout_ms=3000
md_cli project add acme >/dev/null
md_start_milter
# inet_protocols=all: Postfix refuses XCLIENT ADDR=IPV6:... otherwise.
md_start_postfix inet_protocols=all

# mail FROM ADDR [swaks args...]: one message to the desk from a client that
# Postfix presents as ADDR (XCLIENT); prints the transcript.
mail() {
	local from=$1 addr=$2
	shift 2
	md_swaks --from "$from" --to support+acme@desk.test --helo mail.example.org \
		--xclient-addr "$addr" --xclient-name mail.example.org "$@" 2>&1
}

# --- fail -------------------------------------------------------------------------
out=$(mail bob@example.test 198.51.100.7 --header "Subject: forged")
like "$out" "<\*\* *550[ -]5\.7\.23 " "SPF fail: 550 5.7.23 at RCPT"
like "$out" "198\.51\.100\.7 is not allowed to send mail for example\.test" \
	"SPF fail: reply carries the explanation"
unlike "$out" "<- *354" "SPF fail: refused before DATA"
is "$(rcli XLEN $INBOX)" 0 "SPF fail: nothing stored"

out=$(mail carol@exp.test 198.51.100.7 --header "Subject: forged 2")
like "$out" "<\*\* *550[ -]5\.7\.23 " "SPF fail with exp=: 550 5.7.23"
like "$out" "198\.51\.100\.7 may not send for exp\.test" \
	"SPF fail with exp=: the domain's own explanation"

# --- pass ---------------------------------------------------------------------------
out=$(mail bob@example.test 192.0.2.1 --header "Subject: spf pass" \
	--header "Message-ID: <pass-1@example.test>")
like "$out" "$ACCEPTED" "SPF pass: accepted"
is "$(md_find_field $INBOX message_id pass-1@example.test spf)" pass "SPF pass: spf=pass"
like "$(md_find_field $INBOX message_id pass-1@example.test received_spf)" \
	"^pass .*client-ip=192\.0\.2\.1" "SPF pass: Received-SPF line recorded"
is "$(md_find_field $INBOX message_id pass-1@example.test client_ip)" 192.0.2.1 \
	"SPF pass: the XCLIENT address is the client"
unlike "$(md_find_field $INBOX message_id pass-1@example.test rules)" "SPF_" \
	"SPF pass: no SPF rule in the score"

# --- softfail and none: accepted, scored --------------------------------------------------
out=$(mail dave@soft.test 198.51.100.7 --header "Subject: soft" \
	--header "Message-ID: <soft-1@example.test>")
like "$out" "$ACCEPTED" "SPF softfail: accepted"
is "$(md_find_field $INBOX message_id soft-1@example.test spf)" softfail "SPF softfail: spf=softfail"
like "$(md_find_field $INBOX message_id soft-1@example.test rules)" "(^|,)SPF_SOFTFAIL=2\.0(,|$)" \
	"SPF softfail: SPF_SOFTFAIL=2.0 in the rules"
like "$(md_find_field $INBOX message_id soft-1@example.test score)" "^2\.00$" \
	"SPF softfail: score 2.00"
like "$(md_find_field $INBOX message_id soft-1@example.test received_spf)" "^softfail " \
	"SPF softfail: Received-SPF line recorded"

out=$(mail erin@none.test 198.51.100.7 --header "Subject: none" \
	--header "Message-ID: <none-1@example.test>")
like "$out" "$ACCEPTED" "SPF none: accepted"
is "$(md_find_field $INBOX message_id none-1@example.test spf)" none "SPF none: spf=none"
like "$(md_find_field $INBOX message_id none-1@example.test rules)" "(^|,)SPF_NONE=0\.5(,|$)" \
	"SPF none: SPF_NONE=0.5 in the rules"

# --- temperror: DNS answers SERVFAIL ------------------------------------------------------
t0=$(date +%s%N)
out=$(mail frank@tempfail.test 198.51.100.7 --header "Subject: temp")
note "SERVFAIL answered after $((($(date +%s%N) - t0) / 1000000)) ms"
like "$out" "<\*\* *451[ -]4\.7\.24 " "SPF temperror: 451 4.7.24 at RCPT"
is "$(md_count_field $INBOX subject temp)" 0 "SPF temperror: nothing stored"

# --- IPv6 client -----------------------------------------------------------------------------
out=$(mail grace@v6.test IPV6:2001:db8::7 --header "Subject: v6 pass" \
	--header "Message-ID: <v6-1@example.test>")
like "$out" "$ACCEPTED" "IPv6 SPF pass: accepted"
is "$(md_find_field $INBOX message_id v6-1@example.test spf)" pass "IPv6: spf=pass"
is "$(md_find_field $INBOX message_id v6-1@example.test client_ip)" 2001:db8::7 \
	"IPv6: client address recorded"
out=$(mail grace@v6.test IPV6:2001:db8::8 --header "Subject: v6 fail")
like "$out" "<\*\* *550[ -]5\.7\.23 " "IPv6 SPF fail: 550 5.7.23"
like "$out" "2001:db8::8 is not allowed to send mail for v6\.test" \
	"IPv6 SPF fail: the explanation shows the address readably"

# --- SMTP AUTH (XCLIENT LOGIN) skips SPF --------------------------------------------------------
out=$(mail bob@example.test 198.51.100.7 --xclient-login staff@desk.test \
	--header "Subject: authenticated" --header "Message-ID: <auth-1@example.test>")
like "$out" "$ACCEPTED" "authenticated submission: accepted despite SPF fail"
is "$(md_find_field $INBOX message_id auth-1@example.test spf)" skipped \
	"authenticated submission: spf=skipped"

# --- trusted_networks skip SPF ---------------------------------------------------------------
md_stop_milter
md_write_config spf_enable=yes spf_timeout_ms=3000 "trusted_networks=203.0.113.0/24, 2001:db8:1::/48"
md_start_milter
out=$(mail bob@example.test 203.0.113.5 --header "Subject: trusted" \
	--header "Message-ID: <trusted-1@example.test>")
like "$out" "$ACCEPTED" "trusted network: accepted despite SPF fail"
is "$(md_find_field $INBOX message_id trusted-1@example.test spf)" skipped \
	"trusted network: spf=skipped"
is "$(md_find_field $INBOX message_id trusted-1@example.test rules)" "" \
	"trusted network: not scored"
out=$(mail bob@example.test 198.51.100.7 --header "Subject: untrusted")
like "$out" "<\*\* *550[ -]5\.7\.23 " "address outside trusted_networks: still checked"

# --- spf_fail_policy=score: SPF fail is only scored ---------------------------------------------
md_stop_milter
md_write_config spf_enable=yes spf_timeout_ms=3000 spf_fail_policy=score
md_start_milter
out=$(mail bob@example.test 198.51.100.7 --header "Subject: scored fail" \
	--header "Message-ID: <scored-1@example.test>")
like "$out" "$ACCEPTED" "spf_fail_policy=score: SPF fail accepted"
is "$(md_find_field $INBOX message_id scored-1@example.test spf)" fail \
	"spf_fail_policy=score: spf=fail recorded"
like "$(md_find_field $INBOX message_id scored-1@example.test rules)" "(^|,)SPF_FAIL=5\.0(,|$)" \
	"spf_fail_policy=score: SPF_FAIL=5.0 in the rules"
like "$(md_find_field $INBOX message_id scored-1@example.test flags)" "(^|,)spam(,|$)" \
	"spf_fail_policy=score: score 5 reaches spam_mark"

# --- temperror by timeout: a short spf_timeout_ms and a server that never answers ------------------
md_stop_milter
md_write_config spf_enable=yes spf_timeout_ms=300
md_start_milter
t0=$(date +%s%N)
out=$(mail henry@slow.test 198.51.100.7 --header "Subject: slow")
ms=$((($(date +%s%N) - t0) / 1000000))
like "$out" "<\*\* *451[ -]4\.7\.24 " "SPF DNS timeout: 451 4.7.24"
note "SPF timeout answered after $ms ms"
[ "$ms" -lt 15000 ]
ok_rc $? "SPF DNS timeout: answered well before Postfix's milter timeout"

md_milter_alive; ok_rc $? "milter survived"
done_testing
