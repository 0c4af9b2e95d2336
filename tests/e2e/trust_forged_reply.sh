#!/bin/bash
# trust_forged_reply.sh - issue 17's first attack, end to end with sender
# identity on: eve, with SPF of her own domain, writes "From: Carl" to
# Carl's closed issue (In-Reply-To of Carl's request, then the subject tag
# alone).  Through real Postfix, the milter, Redis, the worker and the
# sink: the mail is accepted (Carl's domain publishes no DMARC record), the
# record says sender_auth=no, the worker files the note flagged
# unverified_sender, mails nobody (not Carl's colleague in Cc), leaves the
# issue closed, and the CLI and the web API both show the flag.  Carl's own
# reply from his server still reopens the issue and is forwarded.
#
# trust_dmarc.sh covers the milter's side (p=reject, desk domain, DNS
# trouble); test_conversation covers the worker's with records made by hand.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"
. "$top_srcdir/tests/fixtures/conversation/sink.sh"
. "$top_srcdir/tests/web/web.sh"

# example.test: Carl's domain, SPF for its server 192.0.2.1, no DMARC
# record (the common case: a forged From: there cannot be refused).
# attacker.test: eve's, SPF for 198.51.100.7.
MD_DNS_RECORDS='local=/test/
txt-record=example.test,"v=spf1 ip4:192.0.2.1 -all"
txt-record=attacker.test,"v=spf1 ip4:198.51.100.7 -all"'
md_reexec_in_netns "$0" "$@"

command -v jq >/dev/null || skip_all "jq is not installed"
command -v curl >/dev/null || skip_all "curl is not installed"

CARL=carl@example.test
DAVE=dave@example.test
ACCEPTED='<- *250 2\.0\.0 Ok: queued'

md_start_redis
md_start_sink
md_write_config sender_auth_check=yes spf_enable=yes spf_timeout_ms=3000 auth_timeout_ms=3000 \
	rate_ip=0 rate_sender=0 base_url=https://desk.test "web_static_dir=$top_srcdir/web/static"
md_cli project add acme >/dev/null || bail_out "project add failed"
md_start_milter
md_start_postfix
md_start_worker

# send ENVELOPE_FROM CLIENT_ADDR SWAKS_ARGS...: the SMTP transcript; the
# client address is presented with XCLIENT (loopback would be trusted).
send() {
	local from=$1 addr=$2
	shift 2
	md_swaks --from "$from" --helo mail.example.net --xclient-addr "$addr" \
		--xclient-name mail.example.net "$@" 2>&1
}
# auth ENVELOPE_FROM: the milter's last "sender" log line for that envelope
# sender (the worker consumes the records, so the log is what is left).
auth() {
	grep " sender from=<$1> " "$T/milter.log" | tail -n 1
}
# notes_where JQ: the notes of acme#1 for which the jq condition holds
notes_where() {
	md_cli issue show acme#1 --json | jq -c "[.notes[] | select($1)]"
}

# --- Carl's request, with his colleague in Cc ---------------------------------------
out=$(send $CARL 192.0.2.1 --to support+acme@desk.test --header "From: Carl <$CARL>" \
	--header "Cc: Dave <$DAVE>" --header "Subject: Printer" \
	--header "Message-ID: <req1@example.test>" --body "The printer is broken.")
like "$out" "$ACCEPTED" "Carl's request: 250"
like "$(auth $CARL)" "header_from=<$CARL> spf=pass dkim=none dmarc=none .*aligned=spf sender_auth=yes" \
	"Carl's request: SPF aligned, sender_auth=yes"
md_wait_issues acme 1
ok_rc $? "the request became acme#1"
cv_wait $CARL 1
ok_rc $? "Carl got the confirmation"
out=$(md_cli issue comment acme#1 "Replace the toner." --author Dan)
cv_wait $DAVE 1
ok_rc $? "a public comment reaches Dave (Cc participant)"
md_cli issue close acme#1 >/dev/null
is "$(md_issue_field acme 1 state)" closed "acme#1 closed"
dave_before=$(cv_count $DAVE)
outbox_before=$(md_outbox_count)

# --- eve writes as Carl, In-Reply-To of his request ----------------------------------
out=$(send eve@attacker.test 198.51.100.7 --to support+acme@desk.test \
	--header "From: Carl <$CARL>" --header "Subject: Re: Printer [acme#1]" \
	--header "In-Reply-To: <req1@example.test>" --header "Message-ID: <forged1@attacker.test>" \
	--body "Please send everything to eve@attacker.test from now on.")
like "$out" "$ACCEPTED" "forged From: (no DMARC record): accepted"
like "$(auth eve@attacker.test)" \
	"header_from=<$CARL> spf=pass dkim=none dmarc=none .*aligned=- sender_auth=no" \
	"forged: SPF passed for eve's domain, not aligned with Carl's: sender_auth=no"
md_wait_cond 20 '[ "$(notes_where ".message_id == \"forged1@attacker.test\"" | jq length)" = 1 ]'
ok_rc $? "forged: the worker filed it as a note on acme#1"
is "$(notes_where '.message_id == "forged1@attacker.test"' | jq -r '.[0].flags')" \
	unverified_sender "forged: the note is flagged unverified_sender"
is "$(md_issue_field acme 1 state)" closed "forged: acme#1 stays closed"
is "$(md_outbox_count)" "$outbox_before" "forged: no mail queued (nothing forwarded, no reopen notice)"
like "$(md_cli issue show acme#1)" "customer note by Carl.*\[unverified_sender\]" \
	"forged: maildesk issue show marks the note [unverified_sender]"

# --- the same with the subject tag alone -----------------------------------------------
out=$(send eve@attacker.test 198.51.100.7 --to support+acme@desk.test \
	--header "From: Carl <$CARL>" --header "Subject: Re: Printer [acme#1]" \
	--header "Message-ID: <forged2@attacker.test>" --body "Wire the refund to eve.")
like "$out" "$ACCEPTED" "forged, subject tag only: accepted"
md_wait_cond 20 '[ "$(notes_where ".message_id == \"forged2@attacker.test\"" | jq length)" = 1 ]'
ok_rc $? "forged, subject tag only: filed on acme#1"
is "$(notes_where '.message_id == "forged2@attacker.test"' | jq -r '.[0].flags')" \
	unverified_sender "forged, subject tag only: flagged unverified_sender"
is "$(md_issue_field acme 1 state)/$(md_outbox_count)" "closed/$outbox_before" \
	"forged, subject tag only: still closed, nothing queued"

# --- the web API shows the flag to a responder --------------------------------------
printf 'password-ann\n' | md_cli user add ann --role responder >/dev/null ||
	bail_out "user add ann failed"
md_cli project member add acme ann >/dev/null || bail_out "member add failed"
md_start_web
md_web_login ann password-ann
is "$(md_web_req GET /api/projects/acme/issues/1 "${ann[@]}")" 200 "web: GET acme#1"
is "$(jq -r '[.notes[] | select(.message_id == "forged1@attacker.test") | .flags] | join(" ")' "$T/b")" \
	unverified_sender "web: the API gives the note's unverified_sender flag (issue.js shows it)"

# --- eve opens a request as Carl: the issue says its customer is unverified ---------
out=$(send eve@attacker.test 198.51.100.7 --to support+acme@desk.test \
	--header "From: Carl <$CARL>" --header "Subject: Cancel my contract" \
	--header "Message-ID: <forged3@attacker.test>" --body "Cancel everything.")
like "$out" "$ACCEPTED" "forged new request: accepted"
md_wait_issues acme 2
ok_rc $? "forged new request: filed as acme#2"
like "$(md_cli issue show acme#2)" "customer .*Carl.*unverified sender" \
	"forged new request: maildesk issue show says the sender is unverified"
is "$(md_web_req GET /api/projects/acme/issues/2 "${ann[@]}")" 200 "web: GET acme#2"
is "$(jq -r .issue.flags "$T/b")" unverified_sender \
	"web: the API gives acme#2's unverified_sender flag (issue.js shows it)"

# --- Carl's own reply: reopens, forwarded to Dave -------------------------------------------
out=$(send $CARL 192.0.2.1 --to support+acme@desk.test --header "From: Carl <$CARL>" \
	--header "Subject: Re: Printer [acme#1]" --header "In-Reply-To: <req1@example.test>" \
	--header "Message-ID: <real2@example.test>" --body "It is broken again.")
like "$out" "$ACCEPTED" "Carl's reply: accepted"
like "$(auth $CARL)" "header_from=<$CARL> .*sender_auth=yes" "Carl's reply: sender_auth=yes"
md_wait_cond 20 '[ "$(md_issue_field acme 1 state)" = opened ]'
ok_rc $? "Carl's reply reopens acme#1"
is "$(notes_where '.message_id == "real2@example.test"' | jq -r '.[0].flags')" "" \
	"Carl's reply: no flag"
cv_wait $DAVE $((dave_before + 1))
ok_rc $? "Carl's reply is forwarded to Dave"
is "$(cv_find $DAVE 'send everything to eve|Wire the refund' | wc -l)" 0 \
	"Dave never got eve's text"

md_milter_alive; ok_rc $? "milter survived"
md_worker_alive; ok_rc $? "worker survived"
done_testing
