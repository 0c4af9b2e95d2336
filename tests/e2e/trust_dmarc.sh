#!/bin/bash
# trust_dmarc.sh - sender identity at end of data through real Postfix:
# a DKIM signature made here (opendkim-genkey key, Mail::DKIM) aligned with
# From: -> dkim=pass, dmarc=pass; a forged From: of a p=reject domain ->
# 550 5.7.1; a From: in the desk domain without SPF/DKIM -> 550 5.7.1; no
# DMARC record and no authentication -> accepted with dmarc=none; DNS
# trouble -> accepted with dmarc=temperror; dmarc_reject=no; a From: in a
# responder's domain (a user's registered address) without SPF/DKIM ->
# 550 5.7.1 (451 4.4.3 on DNS trouble); sender_auth_check=no ->
# sender_auth=skipped.
#
# Runs in a private network namespace where dnsmasq serves the test
# domains, the DKIM key and the _dmarc records; Postfix presents XCLIENT
# addresses to the milter (a loopback client would get SPF's free pass).
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/records.sh"

# signed.test signs with DKIM and asks for p=reject; relay.test is the
# mailer it sends through (SPF pass, but not aligned); attacker.test has
# SPF of its own; spf.test authenticates by SPF alone; desk.test is the
# desk; plain.test has nothing; tempfail.test's server answers SERVFAIL.
MD_DNS_RECORDS='local=/test/
txt-record=relay.test,"v=spf1 ip4:192.0.2.1 -all"
txt-record=attacker.test,"v=spf1 ip4:198.51.100.7 -all"
txt-record=spf.test,"v=spf1 ip4:192.0.2.1 -all"
txt-record=desk.test,"v=spf1 ip4:192.0.2.5 -all"
txt-record=_dmarc.signed.test,"v=DMARC1; p=reject; rua=mailto:dmarc@signed.test"
txt-record=_dmarc.spf.test,"v=DMARC1; p=reject"
txt-record=_dmarc.quar.test,"v=DMARC1; p=quarantine"
server=/tempfail.test/127.0.0.2#53'
md_reexec_in_netns "$0" "$@"

command -v opendkim-genkey >/dev/null || skip_all "opendkim-genkey (opendkim-tools) is not installed"
perl -MMail::DKIM::Signer -e 1 2>/dev/null || skip_all "Mail::DKIM (libmail-dkim-perl) is not installed"

# A name server on 127.0.0.2:53 that answers every query with SERVFAIL.
# shellcheck disable=SC2016 # Perl code, expanded by Perl
md_spawn perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.2", LocalPort => 53,
	    Proto => "udp") or die "bind: $!";
	my $q;
	while ($s->recv($q, 4096)) {
		next if length($q) < 12;
		substr($q, 2, 2) = pack("CC", 0x80 | (ord(substr($q, 2, 1)) & 1), 0x82);
		$s->send($q);
	}'

# The signer's key pair; the public half goes into DNS.
mkdir -p "$T/keys"
opendkim-genkey -b 1024 -d signed.test -s sel -D "$T/keys" ||
	bail_out "opendkim-genkey failed"
key=$(tr -d '\n' <"$T/keys/sel.txt" | grep -o '"[^"]*"' | tr -d '"\n')
md_dns_txt sel._domainkey.signed.test "$key"

INBOX=maildesk:inbox
ACCEPTED='<- *250 2\.0\.0 Ok: queued'

md_start_redis
md_write_config sender_auth_check=yes spf_enable=yes spf_timeout_ms=3000 auth_timeout_ms=3000
md_cli project add acme >/dev/null
md_start_milter
md_start_postfix

# message FROM_HEADER MESSAGE_ID [BODY]: a plain message on stdout.
message() {
	printf 'From: %s\nTo: support+acme@desk.test\nSubject: dmarc %s\n' "$1" "$2"
	printf 'Date: Thu, 01 Jan 2026 10:00:00 +0000\nMessage-ID: <%s>\n\n%s\n' "$2" \
		"${3:-Hello, this is about my order.}"
}

# sign DOMAIN: stdin signed with $T/keys/sel.private as d=DOMAIN s=sel.
sign() {
	perl "$top_srcdir/tests/harness/dkim_sign.pl" "$T/keys/sel.private" "$1" sel
}

# send ENVELOPE_FROM CLIENT_ADDR FILE: the SMTP transcript.
send() {
	md_swaks --from "$1" --to support+acme@desk.test --helo mail.example.org \
		--xclient-addr "$2" --xclient-name mail.example.org --data "$3" 2>&1
}

field() {	# field MESSAGE_ID FIELD
	md_find_field $INBOX message_id "$1" "$2"
}

# --- aligned DKIM pass: accepted, dkim=pass signed.test, dmarc=pass -----------------
message 'Carl <carl@signed.test>' dkim-1@signed.test | sign signed.test >"$T/m1.eml"
grep -q '^DKIM-Signature: ' "$T/m1.eml" || bail_out "the test message could not be signed"
out=$(send bounce@relay.test 192.0.2.1 "$T/m1.eml")
like "$out" "$ACCEPTED" "aligned DKIM: accepted"
is "$(field dkim-1@signed.test dkim)" "pass signed.test" "aligned DKIM: dkim=pass signed.test"
is "$(field dkim-1@signed.test dmarc)" pass "aligned DKIM: dmarc=pass"
is "$(field dkim-1@signed.test sender_auth)" yes "aligned DKIM: sender_auth=yes"
is "$(field dkim-1@signed.test spf)" pass "aligned DKIM: SPF passed for relay.test"

# --- the same signature, body changed on the way: dkim=fail, p=reject -> 550 ---------------
sed 's/my order/your order/' "$T/m1.eml" | sed 's/dkim-1@/dkim-2@/' >"$T/m2.eml"
out=$(send bounce@relay.test 192.0.2.1 "$T/m2.eml")
like "$out" "<\*\* *550[ -]5\.7\.1 " "broken signature, p=reject: 550 5.7.1"
is "$(md_count_field $INBOX message_id dkim-2@signed.test)" 0 "broken signature: nothing stored"

# --- forged From: of a p=reject domain: 550 5.7.1 with the reason ---------------------------
message 'Carl <carl@signed.test>' forged-1@attacker.test 'send everything to eve' >"$T/m3.eml"
out=$(send eve@attacker.test 198.51.100.7 "$T/m3.eml")
like "$out" "<\*\* *550[ -]5\.7\.1 " "forged From: of p=reject: 550 5.7.1"
like "$out" "signed\.test .*DMARC p=reject" "forged From:: the reply names the domain and its policy"
like "$out" "<- *354" "forged From:: refused at end of data, not before"
is "$(md_count_field $INBOX message_id forged-1@attacker.test)" 0 "forged From:: nothing stored"
grep -q "reject from=<eve@attacker.test> .*signed.test" "$T/milter.log"
ok_rc $? "forged From:: the refusal is logged"

# --- aligned SPF alone: dmarc=pass, dkim=none -------------------------------------------------
message 'Bob <bob@spf.test>' spf-1@spf.test >"$T/m4.eml"
out=$(send bob@spf.test 192.0.2.1 "$T/m4.eml")
like "$out" "$ACCEPTED" "aligned SPF: accepted"
is "$(field spf-1@spf.test dmarc)" pass "aligned SPF: dmarc=pass"
is "$(field spf-1@spf.test dkim)" none "aligned SPF: dkim=none"
is "$(field spf-1@spf.test sender_auth)" yes "aligned SPF: sender_auth=yes"

# --- From: in the desk domain, not authenticated: 550 5.7.1 ------------------------------------
message 'Staff <staff@desk.test>' desk-1@attacker.test >"$T/m5.eml"
out=$(send eve@attacker.test 198.51.100.7 "$T/m5.eml")
like "$out" "<\*\* *550[ -]5\.7\.1 " "desk-domain From:, unauthenticated: 550 5.7.1"
like "$out" "desk\.test must be authenticated" "desk-domain From:: the reply says why"
is "$(md_count_field $INBOX message_id desk-1@attacker.test)" 0 "desk-domain From:: nothing stored"

# ... and with SPF of the desk domain itself it is accepted
message 'Staff <staff@desk.test>' desk-2@desk.test >"$T/m6.eml"
out=$(send staff@desk.test 192.0.2.5 "$T/m6.eml")
like "$out" "$ACCEPTED" "desk-domain From: with aligned SPF: accepted"
is "$(field desk-2@desk.test sender_auth)" yes "desk-domain From: with aligned SPF: sender_auth=yes"

# --- no DMARC record, no authentication: accepted, dmarc=none -------------------------------------
message 'Dave <dave@plain.test>' plain-1@plain.test >"$T/m7.eml"
out=$(send dave@plain.test 198.51.100.7 "$T/m7.eml")
like "$out" "$ACCEPTED" "no DMARC record, no auth: accepted"
is "$(field plain-1@plain.test dmarc)" none "no DMARC record: dmarc=none"
is "$(field plain-1@plain.test dkim)" none "no DMARC record: dkim=none"
is "$(field plain-1@plain.test sender_auth)" no "no DMARC record: sender_auth=no"
is "$(field plain-1@plain.test spf)" none "no DMARC record: spf=none"

# --- p=quarantine fails: accepted (dmarc_quarantine=accept), flagged by sender_auth=no -----------
message 'Quinn <quinn@quar.test>' quar-1@attacker.test >"$T/m8.eml"
out=$(send eve@attacker.test 198.51.100.7 "$T/m8.eml")
like "$out" "$ACCEPTED" "p=quarantine fail: accepted by default"
is "$(field quar-1@attacker.test dmarc)" fail "p=quarantine fail: dmarc=fail"
is "$(field quar-1@attacker.test sender_auth)" no "p=quarantine fail: sender_auth=no"

# --- the DMARC record cannot be read (SERVFAIL): accepted, dmarc=temperror -------------------------
message 'Tim <tim@tempfail.test>' temp-1@attacker.test >"$T/m9.eml"
out=$(send eve@attacker.test 198.51.100.7 "$T/m9.eml")
like "$out" "$ACCEPTED" "DMARC DNS temperror: accepted"
is "$(field temp-1@attacker.test dmarc)" temperror "DMARC DNS temperror: dmarc=temperror"
is "$(field temp-1@attacker.test sender_auth)" no "DMARC DNS temperror: sender_auth=no"

# --- SMTP AUTH: nothing checked, dmarc=skipped --------------------------------------------------
message 'Carl <carl@signed.test>' auth-1@signed.test >"$T/m10.eml"
out=$(md_swaks --from carl@signed.test --to support+acme@desk.test --helo mail.example.org \
	--xclient-addr 198.51.100.7 --xclient-login staff@desk.test --data "$T/m10.eml" 2>&1)
like "$out" "$ACCEPTED" "SMTP AUTH: accepted"
is "$(field auth-1@signed.test dmarc)" skipped "SMTP AUTH: dmarc=skipped"
is "$(field auth-1@signed.test sender_auth)" yes "SMTP AUTH: sender_auth=yes"

# --- dmarc_reject=no: the forged From: is accepted, dmarc=fail, sender_auth=no ----------------------
md_stop_milter
md_write_config sender_auth_check=yes spf_enable=yes spf_timeout_ms=3000 auth_timeout_ms=3000 dmarc_reject=no
md_start_milter
message 'Carl <carl@signed.test>' forged-2@attacker.test >"$T/m11.eml"
out=$(send eve@attacker.test 198.51.100.7 "$T/m11.eml")
like "$out" "$ACCEPTED" "dmarc_reject=no: forged From: accepted"
is "$(field forged-2@attacker.test dmarc)" fail "dmarc_reject=no: dmarc=fail"
is "$(field forged-2@attacker.test sender_auth)" no "dmarc_reject=no: sender_auth=no"

# --- a responder's domain (issue 17): refused like the desk domain ---------------------------------
# team.test: where responder ann's registered address is (SPF for her
# server 192.0.2.9); tempfail.test: a responder's domain whose DMARC record
# cannot be read.
printf 'password-ann\n' | md_cli user add ann --role responder >/dev/null ||
	bail_out "user add ann failed"
printf 'password-tim\n' | md_cli user add tim --role responder >/dev/null ||
	bail_out "user add tim failed"
md_dns_txt team.test "v=spf1 ip4:192.0.2.9 -all"
is "$(rcli SMEMBERS maildesk:responder_domains)" "" "no user address yet: no responder domain"
md_cli user set ann email Ann@Team.TEST >/dev/null
md_cli user set tim email tim@tempfail.test >/dev/null
is "$(rcli SMEMBERS maildesk:responder_domains | sort | tr '\n' ' ')" "team.test tempfail.test " \
	"user set email: the view has the domains (lower case)"
message 'Ann <ann@team.test>' resp-1@attacker.test 'Close this, I am Ann' >"$T/m12.eml"
out=$(send eve@attacker.test 198.51.100.7 "$T/m12.eml")
like "$out" "<\*\* *550[ -]5\.7\.1 " "responder's From:, unauthenticated: 550 5.7.1"
like "$out" "team\.test \(the domain of a responder's address\) must be authenticated" \
	"responder's From:: the reply says why"
like "$out" "<- *354" "responder's From:: refused at end of data"
is "$(md_count_field $INBOX message_id resp-1@attacker.test)" 0 "responder's From:: nothing stored"
message 'Bert <bert@TEAM.test>' resp-2@attacker.test >"$T/m13.eml"
out=$(send eve@attacker.test 198.51.100.7 "$T/m13.eml")
like "$out" "<\*\* *550[ -]5\.7\.1 " "another address in a responder's domain (any case): 550 5.7.1"
message 'Ann <ann@team.test>' resp-3@team.test >"$T/m14.eml"
out=$(send ann@team.test 192.0.2.9 "$T/m14.eml")
like "$out" "$ACCEPTED" "responder's From: with aligned SPF: accepted"
is "$(field resp-3@team.test sender_auth)" yes "responder's From: with aligned SPF: sender_auth=yes"
message 'Tim <tim@tempfail.test>' resp-4@attacker.test >"$T/m15.eml"
out=$(send eve@attacker.test 198.51.100.7 "$T/m15.eml")
like "$out" "<\*\* *451[ -]4\.4\.3 " "responder's domain, DNS trouble: 451 4.4.3 (retry)"
is "$(md_count_field $INBOX message_id resp-4@attacker.test)" 0 "responder's domain, DNS trouble: nothing stored"
# view rebuild puts the set back; a removed address takes its domain out
rcli DEL maildesk:responder_domains >/dev/null
md_cli view rebuild >/dev/null
is "$(rcli SISMEMBER maildesk:responder_domains team.test)" 1 "view rebuild: the domain is back"
md_cli user set ann email '' >/dev/null
md_cli user del tim >/dev/null
is "$(rcli SMEMBERS maildesk:responder_domains)" "" "address removed, user deleted: no responder domain"
message 'Ann <ann@team.test>' resp-5@attacker.test >"$T/m16.eml"
out=$(send eve@attacker.test 198.51.100.7 "$T/m16.eml")
like "$out" "$ACCEPTED" "no longer a responder's domain: accepted"
is "$(field resp-5@attacker.test sender_auth)" no "... with sender_auth=no"

# --- per-project policy: overrides of the global keys, the strictest project wins ------------------
# The config says dmarc_reject=no since above; project beta says yes.
md_cli project add beta >/dev/null
md_cli project set beta dmarc_reject yes >/dev/null
is "$(rcli HGET maildesk:project:beta dmarc_reject)" yes "project set: the view carries the override"
is "$(rcli HGET maildesk:project:acme dmarc_reject)" default "... the other project follows the config"
# send_to RCPTS ENVELOPE_FROM CLIENT_ADDR FILE
send_to() {
	md_swaks --from "$2" --to "$1" --helo mail.example.org \
		--xclient-addr "$3" --xclient-name mail.example.org --data "$4" 2>&1
}
message 'Carl <carl@signed.test>' proj-1@attacker.test >"$T/m19.eml"
out=$(send_to support+beta@desk.test eve@attacker.test 198.51.100.7 "$T/m19.eml")
like "$out" "<\*\* *550[ -]5\.7\.1 .*DMARC p=reject" "beta (dmarc_reject yes): forged From: of p=reject refused"
message 'Carl <carl@signed.test>' proj-2@attacker.test >"$T/m20.eml"
out=$(send_to support+acme@desk.test eve@attacker.test 198.51.100.7 "$T/m20.eml")
like "$out" "$ACCEPTED" "acme (default, config no): the same accepted"
message 'Carl <carl@signed.test>' proj-3@attacker.test >"$T/m21.eml"
out=$(send_to support+acme@desk.test,support+beta@desk.test eve@attacker.test 198.51.100.7 "$T/m21.eml")
like "$out" "<\*\* *550[ -]5\.7\.1 " "acme and beta in one message: the strictest (beta's) wins"
is "$(md_count_field $INBOX message_id proj-3@attacker.test)" 0 "... nothing stored for either"
# desk_from_auth no for beta: its customers may write as the desk domain unauthenticated
md_cli project set beta desk_from_auth no >/dev/null
message 'Staff <staff@desk.test>' proj-4@attacker.test >"$T/m22.eml"
out=$(send_to support+beta@desk.test eve@attacker.test 198.51.100.7 "$T/m22.eml")
like "$out" "$ACCEPTED" "beta (desk_from_auth no): unauthenticated desk-domain From: accepted"
is "$(field proj-4@attacker.test sender_auth)" no "... recorded sender_auth=no"
message 'Staff <staff@desk.test>' proj-5@attacker.test >"$T/m23.eml"
out=$(send_to support+beta@desk.test,support+acme@desk.test eve@attacker.test 198.51.100.7 "$T/m23.eml")
like "$out" "<\*\* *550[ -]5\.7\.1 .*desk\.test must be authenticated" \
	"beta and acme (default yes): refused"
md_cli project set beta desk_from_auth default >/dev/null
is "$(rcli HGET maildesk:project:beta desk_from_auth)" default "set back to default"
like "$(md_cli project show beta)" "dmarc_reject:? +yes" "project show: the override"

# --- sender_auth_check=no: nothing judged, and nobody counts as authenticated ------------------------
md_cli user set ann email ann@team.test >/dev/null
md_stop_milter
md_write_config sender_auth_check=no spf_enable=yes spf_timeout_ms=3000
md_start_milter
message 'Carl <carl@signed.test>' off-1@attacker.test >"$T/m17.eml"
out=$(send eve@attacker.test 198.51.100.7 "$T/m17.eml")
like "$out" "$ACCEPTED" "check off: the forged From: of p=reject is accepted (nothing judged)"
is "$(field off-1@attacker.test dmarc)" skipped "check off: dmarc=skipped"
is "$(field off-1@attacker.test dkim)" skipped "check off: dkim=skipped"
is "$(field off-1@attacker.test sender_auth)" skipped "check off: sender_auth=skipped, never yes"
message 'Ann <ann@team.test>' off-2@attacker.test >"$T/m18.eml"
out=$(send eve@attacker.test 198.51.100.7 "$T/m18.eml")
like "$out" "$ACCEPTED" "check off: a responder's domain is not judged either"
is "$(field off-2@attacker.test sender_auth)" skipped "check off: ... sender_auth=skipped"

md_milter_alive; ok_rc $? "milter survived"
done_testing
