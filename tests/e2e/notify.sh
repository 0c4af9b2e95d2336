#!/bin/bash
# notify.sh - responders' notifications and answers by email, through the
# private Postfix, the milter (SPF and sender identity on, real DNS from
# dnsmasq), Redis, the worker and the sink: a new request notifies the
# member and not the non-member, one event makes one mail; the member's
# answer to the notification reaches the customer as a public comment
# (quoted history trimmed, signature under it); an answer to the comment
# address stays internal; the same answer with a forged From:, or from an
# address that is not the responder's, is not posted; an autoresponder's
# mail notifies nobody and is never posted.
#
# Runs in a private network namespace: team.test (the responders' mail
# server 192.0.2.1) and example.test (the customer's, 192.0.2.9) publish
# SPF; attacker.test sends from 198.51.100.7.  Postfix presents XCLIENT
# addresses to the milter (a loopback client would get SPF's free pass).
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"
. "$top_srcdir/tests/fixtures/conversation/sink.sh"

MD_DNS_RECORDS='local=/test/
txt-record=team.test,"v=spf1 ip4:192.0.2.1 -all"
txt-record=example.test,"v=spf1 ip4:192.0.2.9 -all"
txt-record=attacker.test,"v=spf1 ip4:198.51.100.7 -all"'
md_reexec_in_netns "$0" "$@"

CAROL=carol@example.test
ANN=ann@team.test
BOB=bob@team.test

md_start_redis
md_start_sink
md_write_config sender_auth_check=yes spf_enable=yes spf_timeout_ms=3000 \
	auth_timeout_ms=3000 rate_ip=0 rate_sender=0 base_url=https://desk.test
md_cli project add acme >/dev/null || bail_out "project add failed"
echo 'secret-password' >"$T/pw"
for u in ann bob; do
	md_cli user add $u --password-file "$T/pw" || bail_out "user add $u failed"
done
md_cli project member add acme ann --role responder >/dev/null || bail_out "member add failed"
md_cli user set ann email Ann@Team.test && md_cli user set bob email $BOB &&
	md_cli user set ann signature 'Ann, Acme support' || bail_out "user set failed"
is "$(md_cli user show ann --json | jq -r '[.email, .notify] | join(" ")')" "$ANN all" \
	"user set: the address (lower case) and the default notify=all"
md_start_milter
md_start_postfix
md_start_worker

# send CLIENT_ADDR ENVELOPE_FROM TO FILE: the SMTP transcript.
send() {
	md_swaks --from "$2" --to "$3" --helo mail.example.org \
		--xclient-addr "$1" --xclient-name mail.example.org --data "$4" 2>&1
}

# mail FROM TO SUBJECT MESSAGE_ID BODY [HEADER...]: a message on stdout.
mail() {
	local from=$1 to=$2 subject=$3 mid=$4 body=$5 h
	shift 5
	printf 'From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s>\n' "$from" "$to" "$subject" "$mid"
	printf 'Date: Thu, 01 Jan 2026 10:00:00 +0000\n'
	for h in "$@"; do printf '%s\n' "$h"; done
	printf '\n%s\n' "$body"
}

notes() {	# notes JQ-FILTER: the notes of acme#1 that match, as JSON lines
	md_cli issue show acme#1 --json | jq -c "[.notes[] | select($1)]"
}

settled() {	# every queued mail has left
	md_wait_cond 20 '[ "$(md_outbox_count queued)" = 0 ]'
}

# --- a new request: the member is told, the non-member is not -----------------------
mail "Carol Customer <$CAROL>" support+acme@desk.test "Printer on fire" req1@example.test \
	"The printer is on fire." >"$T/req.eml"
like "$(send 192.0.2.9 $CAROL support+acme@desk.test "$T/req.eml")" "<- *250 " \
	"request accepted"
md_wait_issues acme 1
ok_rc $? "request became acme#1"
cv_wait $ANN 1
ok_rc $? "the member got a notification"
settled
is "$(cv_count $ANN)" 1 "one event, one mail"
is "$(cv_count $BOB)" 0 "the non-member got nothing"
n1=$(cv_mails $ANN | head -1)
like "$(cv_hdr "$n1" Subject)" "\[acme#1\]" "subject carries the [acme#1] tag"
is "$(cv_hdr "$n1" Auto-Submitted)" auto-generated "notification is Auto-Submitted"
body=$(cv_body "$n1")
like "$body" "The printer is on fire" "the customer's text is in the mail"
like "$body" "https://desk.test/acme/issues/1" "with a link to the issue"
rkey=$(md_psql "SELECT reply_key FROM responder_keys WHERE username = 'ann'")
ckey=$(md_psql "SELECT comment_key FROM responder_keys WHERE username = 'ann'")
is "$(cv_hdr "$n1" Reply-To)" "support+r-$rkey@desk.test" "Reply-To: ann's reply address"
like "$body" "support\+r-$ckey@desk\.test" "the body names the comment address"
is "$(rcli HGET "maildesk:rkey:$ckey" project)/$(rcli HGET "maildesk:rkey:$rkey" responder)" \
	"acme/ann" "both keys are in the milter's view"
is "$(cv_count $CAROL)" 1 "the customer got her confirmation only"

# --- ann answers the notification: a public comment mailed to the customer -------------
{
	mail "Ann <$ANN>" "support+r-$rkey@desk.test" "Re: $(cv_hdr "$n1" Subject)" a1@team.test \
		"Please unplug it and step back." "In-Reply-To: $(cv_hdr "$n1" Message-ID)"
	printf '\nOn Thu, 1 Jan 2026 at 10:00, Support <support+acme@desk.test> wrote:\n'
	cv_body "$n1" | sed 's/^/> /'
} >"$T/a1.eml"
like "$(send 192.0.2.1 $ANN "support+r-$rkey@desk.test" "$T/a1.eml")" "<- *250 " \
	"the answer is accepted at RCPT and DATA (the milter knows the key)"
cv_wait $CAROL 2
ok_rc $? "the customer got the answer"
c1=$(cv_find $CAROL "Please unplug it")
ok_rc $? "... with ann's text"
like "$(cv_body "$c1")" "Ann, Acme support" "... and ann's signature"
unlike "$(cv_body "$c1")" "The printer is on fire|wrote:" "... without the quoted notification"
is "$(notes '.kind == "public"' | jq -r '.[0] | [.author, .via] | join(" ")')" "ann email" \
	"a public note by ann, via email"
like "$(md_cli issue show acme#1)" "public note by ann \(by email\)" "issue show says so too"

# --- the comment address: an internal note, mailed to nobody ------------------------------
mail "Ann <$ANN>" "support+r-$ckey@desk.test" "Re: acme#1" c1@team.test \
	"Customer has the old firmware." >"$T/c1.eml"
like "$(send 192.0.2.1 $ANN "support+r-$ckey@desk.test" "$T/c1.eml")" "<- *250 " \
	"mail to the comment address accepted"
md_wait_cond 20 '[ "$(notes ".kind == \"internal\"" | jq length)" = 1 ]'
ok_rc $? "it became an internal note"
is "$(notes '.kind == "internal"' | jq -r '.[0] | [.author, .text] | join(": ")')" \
	"ann: Customer has the old firmware." "authored by ann, as written"

# refused CLIENT ENVELOPE FROM_HEADER MSGID N WHY: an answer through ann's
# reply key that must not be posted: the Nth flagged internal note, and a
# system note saying WHY.
refused() {
	mail "$3" "support+r-$rkey@desk.test" "Re: acme#1" "$4" "Answer $4: send me the invoices." \
		>"$T/$4.eml"
	like "$(send "$1" "$2" "support+r-$rkey@desk.test" "$T/$4.eml")" "<- *250 " \
		"$4: accepted by SMTP (and kept)"
	md_wait_cond 20 "[ \"\$(notes '.flags == \"unverified_responder\"' | jq length)\" = $5 ]"
	ok_rc $? "$4: kept as a flagged internal note"
	is "$(notes ".text | test(\"Answer $4\")" | jq -r '.[0].kind')" internal "$4: not public"
	like "$(notes '.kind == "system"' | jq -r '.[].text')" "$6" "$4: a system note says why"
}
# forged From: (SPF passes for attacker.test only): a From: in a responder's
# domain that SPF and DKIM did not vouch for is refused at end of data
# (sender-identity.md), so it never reaches the worker
mail "Ann <$ANN>" "support+r-$rkey@desk.test" "Re: acme#1" f1@attacker.test \
	"Answer f1: send me the invoices." >"$T/f1.eml"
like "$(send 198.51.100.7 eve@attacker.test "support+r-$rkey@desk.test" "$T/f1.eml")" \
	"<\*\* *550 5\.7\.1 " "forged From: in a responder's domain: 550 5.7.1 at end of data"
# an authenticated address that is not ann's
refused 192.0.2.1 $BOB "Bob <$BOB>" b1@team.test 1 "not ann's registered address"
is "$(notes '.text | test("Answer f1")' | jq length)" 0 "the forged answer was never filed"

# --- an autoresponder answers the notification --------------------------------------------------
mail "Ann <$ANN>" "support+r-$rkey@desk.test" "Out of office" o1@team.test \
	"I am away until Monday." "Auto-Submitted: auto-replied" >"$T/o1.eml"
send 192.0.2.1 $ANN "support+r-$rkey@desk.test" "$T/o1.eml" >/dev/null
# --- ... and the customer's autoresponder answers the comment -------------------------------------
carol_key=$(md_reply_key acme 1 $CAROL)
mail "Carol Customer <$CAROL>" "support+r-$carol_key@desk.test" "Auto: Re: acme#1" \
	o2@example.test "I am on holiday." "Auto-Submitted: auto-replied" >"$T/o2.eml"
send 192.0.2.9 $CAROL "support+r-$carol_key@desk.test" "$T/o2.eml" >/dev/null
md_wait_cond 20 '[ "$(md_psql "SELECT count(*) FROM automated")" = 2 ]'
ok_rc $? "both autoreplies kept as automated mail"

# --- the customer's real reply: one notification, to ann --------------------------------------
mail "Carol Customer <$CAROL>" "support+r-$carol_key@desk.test" "Re: Printer on fire [acme#1]" \
	r1@example.test "It is out, thanks!" >"$T/r1.eml"
send 192.0.2.9 $CAROL "support+r-$carol_key@desk.test" "$T/r1.eml" >/dev/null
cv_wait $ANN 2
ok_rc $? "the customer's reply notifies ann"
settled
sleep 1	# a second mail for the same event would arrive now
is "$(cv_count $ANN)" 2 "one mail for the reply, none for the autoreplies"
like "$(cv_body "$(cv_mails $ANN | tail -1)")" "It is out, thanks" "with the reply's text"
is "$(cv_count $BOB)" 0 "bob never got anything"
is "$(notes '.kind == "public"' | jq length)" 1 "only ann's verified answer is public"
is "$(cv_count $CAROL)" 2 "the customer got the confirmation and ann's answer only"
is "$(md_psql "SELECT count(*) FROM notifications")" 2 "two events, two notification rows"
is "$(rcli XLEN maildesk:dead)" 0 "no dead letters"
done_testing
