#!/bin/bash
# loops.sh - mail loops and floods die out by themselves.  A scripted
# autoresponder answers every mail the desk sends, through the real
# Postfix + milter + worker + sink:
#   - two badly behaved ones (no Auto-Submitted) in one conversation, the
#     customer and a Cc participant, bounce the conversation to each other
#     until the per-recipient cap on automatic mails stops it;
#   - a bad one that writes to the From address with a subject of its own
#     (every answer is a new request) is stopped by the same cap;
#   - a well-behaved one (Auto-Submitted: auto-replied) stops after the
#     first mail;
#   - a bounce storm (DSNs from the null sender to reply and project
#     addresses) produces no mail at all and marks the address bounced;
#   - automated mail with a human envelope sender (From: MAILER-DAEMON,
#     Precedence: auto_reply) gets no confirmation and is kept.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/records.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"
. "$top_srcdir/tests/fixtures/conversation/sink.sh"

CAP=3
md_start_redis
md_start_sink
# The test's own relay (loopback) is trusted, so its customers' replies
# count as authenticated (sender_auth=yes) and are forwarded and reopen;
# trust_forged_reply.sh tests the unauthenticated side.
md_write_config spf_enable=no rate_ip=0 rate_sender=0 rate_project=0 \
	max_auto_mails_per_hour=$CAP trusted_networks=127.0.0.0/8
md_cli project add acme >/dev/null || bail_out "project add failed"
md_start_milter
md_start_postfix
md_start_worker
mkdir -p "$T/ar"
md_spawn "$top_srcdir/tests/fixtures/conversation/autoresponder.sh" \
	"$T/sink/Maildir/new" "$SMTP_PORT" "$T/ar"

# quiet: every mail in the sink was seen by the autoresponder, everything it
# sent was filed, nothing waits in a stream or in the sink's queue.
quiet() {
	[ "$(wc -l <"$T/ar/seen")" = "$(md_sink_count)" ] &&
		[ "$(rcli XLEN maildesk:inbox)" = 0 ] &&
		[ "$(md_outbox_count queued)" = 0 ] &&
		[ -z "$(find "$T/sinkpf/spool/incoming" "$T/sinkpf/spool/active" \
			"$T/sinkpf/spool/deferred" -type f 2>/dev/null)" ] &&
		[ -z "$(find "$T/postfix/spool/incoming" "$T/postfix/spool/active" \
			"$T/postfix/spool/deferred" -type f 2>/dev/null)" ]
}

# settle [TIMEOUT_S]: waits until quiet holds twice, 1 s apart, with the
# same number of mails in the sink (a mail between the checks shows).
settle() {
	local n1 end=$((SECONDS + ${1:-60}))
	while [ $SECONDS -lt $end ]; do
		if quiet; then
			n1=$(md_sink_count)
			sleep 1
			quiet && [ "$(md_sink_count)" = "$n1" ] && return 0
		else
			sleep 0.2
		fi
	done
	diag "not quiet after ${1:-60} s: sink $(md_sink_count), seen $(wc -l <"$T/ar/seen"), inbox $(rcli XLEN maildesk:inbox), outbox $(md_outbox_count queued) queued"
	return 1
}

automated() {	# automated mail kept for admins (the automated table)
	md_psql "SELECT count(*) FROM automated"
}

auto_reason() {	# auto_reason SUBJECT: why that automated mail was kept
	md_psql "SELECT auto_reason FROM automated WHERE subject = :'s'" s="$1"
}

notes() {	# notes REF KIND: how many notes of that kind
	md_cli issue show "$1" --json | jq "[.notes[] | select(.kind == \"$2\")] | length"
}

# --- two bad autoresponders in one conversation --------------------------------------------
out=$(md_swaks --from bad-a@example.test --to support+acme@desk.test \
	--header "Cc: bad-b@example.test" --header "Subject: Printer" \
	--body "Printer broken." 2>&1)
like "$out" "<- *250 " "request from an autoresponder's address accepted"
settle 90
ok_rc $? "the exchange stopped by itself"
a=$(cv_count bad-a@example.test)
b=$(cv_count bad-b@example.test)
note "bad-a got $a mails, bad-b got $b, autoresponder sent $(wc -l <"$T/ar/sent")"
is "$a" $CAP "customer got exactly the cap (confirmation + forwards)"
is "$b" $CAP "participant got exactly the cap"
is "$(md_issue_count acme)" 1 "no new issues: every auto-reply threaded to acme#1"
is "$(notes acme#1 customer)" $((a + b)) "every auto-reply filed as a note"
like "$(md_cli issue show acme#1 --json | jq -r '.notes[].text')" \
	"Mail loop protection: bad-a@example.test already got $CAP automatic mails" \
	"system note says why the mail was not sent"
is "$(md_psql "SELECT extract(epoch FROM now())::bigint - window_start BETWEEN 0 AND 3600
	FROM automail WHERE email = 'bad-a@example.test'")" t \
	"the counter's window is the current hour"

# --- a bad autoresponder writing to the From address: new requests, capped --------------------
issues0=$(md_issue_count acme)
out=$(md_swaks --from badfrom@example.test --to support+acme@desk.test \
	--header "Subject: Hello" --body "Hello." 2>&1)
like "$out" "<- *250 " "request accepted"
settle 90
ok_rc $? "the request loop stopped by itself"
is "$(cv_count badfrom@example.test)" $CAP "confirmations stop at the cap"
is "$(md_issue_count acme)" $((issues0 + CAP + 1)) "the last auto-reply became an issue without a confirmation"

# --- a well-behaved autoresponder ------------------------------------------------------------
auto0=$(automated)
issues0=$(md_issue_count acme)
out=$(md_swaks --from good@example.test --to support+acme@desk.test \
	--header "Subject: Scanner" --body "Scanner broken." 2>&1)
settle 60
ok_rc $? "quiet again"
is "$(cv_count good@example.test)" 1 "one confirmation, nothing after the auto-reply"
is "$(md_issue_count acme)" $((issues0 + 1)) "the auto-reply made no issue"
is "$(notes "acme#$((issues0 + 1))" customer)" 0 "and no note"
is "$(automated)" $((auto0 + 1)) "it is kept in the automated table"

# --- bounce storm ----------------------------------------------------------------------------
md_swaks --from victim@example.test --to support+acme@desk.test \
	--header "Subject: Storm" --body "Hi." >/dev/null 2>&1
md_wait_issues acme $((issues0 + 2))
iv=$((issues0 + 2))
cv_wait victim@example.test 1
vkey=$(md_reply_key acme "$iv" victim@example.test)
akey=$(md_reply_key acme 1 bad-a@example.test)
settle 30
sink0=$(md_sink_count)
issues0=$(md_issue_count acme)
auto0=$(automated)
dsn() {		# dsn RCPT N
	cat <<-EOF
	From: Mail Delivery System <MAILER-DAEMON@mx.example.test>
	To: $1
	Subject: Undelivered Mail Returned to Sender ($2)
	Message-Id: <dsn-$2@mx.example.test>
	MIME-Version: 1.0
	Content-Type: multipart/report; report-type=delivery-status; boundary="B"

	--B
	Content-Type: text/plain

	I'm sorry to have to inform you that your message could not be delivered.

	--B
	Content-Type: message/delivery-status

	Reporting-MTA: dns; mx.example.test

	Final-Recipient: rfc822; victim@example.test
	Action: failed
	Status: 5.1.1
	Diagnostic-Code: smtp; 550 5.1.1 <victim@example.test>: Recipient address rejected

	--B--
	EOF
}
fails=0
for i in $(seq 1 12); do
	case $((i % 3)) in
	0) to=support+r-$vkey@desk.test ;;
	1) to=support+acme@desk.test ;;
	2) to=support+r-$akey@desk.test ;;
	esac
	dsn "$to" "$i" >"$T/dsn.eml"
	out=$(md_swaks --from '<>' --to "$to" --data "$T/dsn.eml" 2>&1)
	grep -q '<- *250 .*queued' <<<"$out" || fails=$((fails + 1))
done
is "$fails" 0 "all 12 delivery reports accepted"
settle 30
ok_rc $? "quiet after the storm"
is "$(md_sink_count)" "$sink0" "the storm produced no mail at all"
is "$(md_issue_count acme)" "$issues0" "and no issue"
is "$(automated)" $((auto0 + 12)) "all kept in the automated table"
like "$(md_psql "SELECT reason FROM bounced WHERE email = 'victim@example.test'")" "5\.1\.1" \
	"the reply key's subscriber is marked bounced"
is "$(md_cli issue show acme#$iv --json | jq '[.notes[] | select(.text | test("bounced"))] | length')" 1 \
	"one system note, however many reports"
out=$(md_cli issue comment "acme#$iv" "Are you there?")
like "$out" "0 mails queued" "a bounced address gets no more mail"

# --- automated, though the envelope sender looks human ---------------------------------------
# The confirmation goes to the From: address, so a machine there (a bounce
# forwarded by a relay) must stop it whatever MAIL FROM says; likewise a
# Precedence: auto_reply from an ordinary mailbox.
settle 30
sink0=$(md_sink_count)
issues0=$(md_issue_count acme)
auto0=$(automated)
out=$(md_swaks --from relay@example.test --to support+acme@desk.test \
	--header "From: Mail Delivery System <MAILER-DAEMON@mx.example.test>" \
	--header "Subject: Delayed via relay" --body "Your message was delayed." 2>&1)
like "$out" "<- *250 " "From: MAILER-DAEMON with a human envelope sender accepted"
out=$(md_swaks --from holiday@example.test --to support+acme@desk.test \
	--header "Precedence: auto_reply" --header "Subject: Away until Monday" \
	--body "I am away." 2>&1)
like "$out" "<- *250 " "Precedence: auto_reply accepted"
settle 30
ok_rc $? "quiet after the two"
is "$(md_sink_count)" "$sink0" "neither got a confirmation"
is "$(cv_count mailer-daemon@mx.example.test)" 0 "nothing to the From: MAILER-DAEMON"
is "$(cv_count holiday@example.test)" 0 "nothing to the auto_reply sender"
is "$(md_issue_count acme)" "$issues0" "and no issue"
is "$(automated)" $((auto0 + 2)) "both kept in the automated table"
is "$(auto_reason "Delayed via relay")" \
	"mailer-daemon From:" "kept with the reason: From: header"
is "$(auto_reason "Away until Monday")" \
	"precedence: auto_reply" "kept with the reason: Precedence"

is "$(rcli XLEN maildesk:dead)" 0 "no dead letters"
done_testing
