#!/bin/bash
# conversation.sh - the email conversation end to end, through the private
# Postfix, the milter, Redis, the worker and the sink: request ->
# confirmation -> public comment -> customer reply with quoted history ->
# trimmed note -> internal note (not mailed) -> close -> notice -> reply
# after close -> reopen, or a new issue with reopen_on_reply off ->
# unsubscribe -> the next comment is not mailed to that address.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"
. "$top_srcdir/tests/fixtures/conversation/sink.sh"

FIX=$top_srcdir/tests/fixtures
CAROL=carol@example.test
DAVE=dave@example.test

md_start_redis
md_start_sink
# The test's own relay (loopback) is trusted, so its customers' replies
# count as authenticated (sender_auth=yes) and are forwarded and reopen;
# trust_forged_reply.sh tests the unauthenticated side.
md_write_config spf_enable=no rate_ip=0 rate_sender=0 base_url=https://desk.test \
	"web_static_dir=$top_srcdir/web/static" worker_claim_idle_ms=2000 \
	trusted_networks=127.0.0.0/8
md_cli project add acme >/dev/null || bail_out "project add failed"
md_start_milter
md_start_postfix
md_start_worker

# md_wait_json REF JQ [TIMEOUT_S]: polls issue show --json until the jq
# expression is true.
md_wait_json() {
	local n=$((${3:-20} * 10))
	until md_cli issue show "$1" --json 2>/dev/null | jq -e "$2" >/dev/null; do
		[ $n -le 0 ] && { diag "timeout waiting for $1: $2"; return 1; }
		sleep 0.1
		n=$((n - 1))
	done
}

# --- request with a Cc participant -> confirmation ------------------------------------
out=$(md_swaks --from $CAROL --to support+acme@desk.test \
	--header "From: Carol Customer <$CAROL>" --header "Cc: Dave <$DAVE>" \
	--header "Subject: Printer on fire" --header "Message-Id: <req1@example.test>" \
	--body "The printer is on fire." 2>&1)
like "$out" "<- *250 " "request accepted"
md_wait_issues acme 1
ok_rc $? "request became acme#1"
json=$(cv_show acme#1)
is "$(jq -r '[.subscribers[].email] | sort | join(",")' <<<"$json")" "$CAROL,$DAVE" \
	"customer and Cc participant subscribe"
cv_wait $CAROL 1
ok_rc $? "confirmation delivered"
conf=$(cv_mails $CAROL | head -1)
conf_mid=$(cv_hdr "$conf" Message-ID)
ckey=$(md_reply_key acme 1 $CAROL)
cukey=$(md_unsub_key acme 1 $CAROL)
is "$(rcli HGET "maildesk:rkey:$ckey" email)/$(rcli HGET "maildesk:ukey:$cukey" iid)" "$CAROL/1" \
	"the customer's keys are in the milter's view"
like "$(cv_hdr "$conf" Subject)" "\[acme#1\]" "confirmation subject tag"
is "$(cv_hdr "$conf" Reply-To)" "support+r-$ckey@desk.test" "Reply-To: the customer's reply key"
is "$(cv_hdr "$conf" In-Reply-To)" "<req1@example.test>" "confirmation threads to the request"
is "$(cv_hdr "$conf" Auto-Submitted)" "auto-replied" "confirmation Auto-Submitted: auto-replied"
like "$(cv_hdr "$conf" List-Unsubscribe)" "<mailto:support\+u-$cukey@desk.test>, *<https://desk.test/unsubscribe/$cukey>" \
	"List-Unsubscribe mailto and https"
is "$(cv_hdr "$conf" Return-Path)" "<support+r-$ckey@desk.test>" "envelope sender is the reply key (VERP)"
is "$(cv_count $DAVE)" 0 "the participant gets no confirmation"

# --- responder's public comment -> both subscribers -------------------------------------
out=$(md_cli issue comment acme#1 "Unplug it and step back." --author Dan)
like "$out" "2 mails queued" "public comment queued for customer and participant"
cv_wait $CAROL 2 && cv_wait $DAVE 1
ok_rc $? "comment delivered to both"
c1=$(cv_find $CAROL "Unplug it and step back")
ok_rc $? "customer got the comment text"
c1_mid=$(cv_hdr "$c1" Message-ID)
is "$(cv_hdr "$c1" In-Reply-To)" "$conf_mid" "comment answers the confirmation"
is "$(cv_hdr "$c1" References)" "<req1@example.test> $conf_mid" "References: request, confirmation"
is "$(cv_hdr "$c1" Auto-Submitted)" "auto-generated" "comment Auto-Submitted: auto-generated"
d1=$(cv_mails $DAVE | head -1)
dkey=$(md_reply_key acme 1 $DAVE)
is "$(cv_hdr "$d1" Reply-To)" "support+r-$dkey@desk.test" "participant has a reply key of his own"
isnt "$dkey" "$ckey" "keys differ per subscriber"
is "$(cv_hdr "$d1" In-Reply-To)" "<req1@example.test>" "participant's mail threads to the request"

# --- customer reply with quoted history (MIME, attachment) -> trimmed note ------------------
{
	printf 'From: Carol Customer <%s>\nTo: support+r-%s@desk.test\n' $CAROL "$ckey"
	printf 'Subject: Re: Printer on fire [acme#1]\nMessage-ID: <reply1@example.test>\n'
	printf 'In-Reply-To: %s\nReferences: <req1@example.test> %s %s\n' "$c1_mid" "$conf_mid" "$c1_mid"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n'
	printf -- '--b1\nContent-Type: text/plain; charset=utf-8\n\n'
	cat "$FIX/replies/gmail_top.txt"
	printf -- '\n--b1\nContent-Type: text/plain; name="log.txt"\n'
	printf 'Content-Disposition: attachment; filename="log.txt"\n\nerror 42\n--b1--\n'
} >"$T/reply1.eml"
out=$(md_swaks --from $CAROL --to "support+r-$ckey@desk.test" --data "$T/reply1.eml" 2>&1)
like "$out" "<- *250 " "reply accepted"
md_wait_json acme#1 '[.notes[] | select(.kind == "customer")] | length == 1'
ok_rc $? "reply filed as a customer note"
json=$(cv_show acme#1)
note=$(jq -c '[.notes[] | select(.kind == "customer")][0]' <<<"$json")
is "$(jq -r .text <<<"$note")" "$(cat "$FIX/replies/gmail_top.expected")" "quoted history trimmed"
like "$(jq -r .full_text <<<"$note")" "Acme Support <support\+r-" "full text kept in the note"
is "$(jq -r .author_email <<<"$note")" $CAROL "authored by the customer"
is "$(jq -r .flags <<<"$note")" "" "no sender flag"
is "$(jq -r .attachments <<<"$note")" 1 "attachment counted"
is "$(jq -r '.attachments[0].filename' <<<"$json")" log.txt "attachment stored"
cv_wait $DAVE 2
ok_rc $? "participant gets the customer's answer"
fw=$(cv_find $DAVE "Carol Customer <$CAROL> wrote:")
ok_rc $? "forward names the customer"
like "$(cv_body "$fw")" "Thanks, that fixed it" "forward carries the trimmed text"
unlike "$(cv_body "$fw")" "Thank you for your support request" "forward has no quoted history"
is "$(cv_count $CAROL)" 2 "the customer does not get her own answer back"

# --- internal note: mailed to nobody ----------------------------------------------------------
out=$(md_cli issue comment acme#1 "Customer seems nervous" --internal)
like "$out" "0 mails queued" "internal note queues nothing"

# --- close -> notice ---------------------------------------------------------------------------
md_cli issue close acme#1 --author Dan >/dev/null
cv_wait $CAROL 3
ok_rc $? "close notice delivered"
cl=$(cv_find $CAROL "has been closed")
ok_rc $? "close notice text"
is "$(cv_hdr "$cl" In-Reply-To)" "<reply1@example.test>" "notice answers the customer's last mail"
like "$(cv_hdr "$cl" References)" "^<req1@example.test> .*<reply1@example.test>$" "References chain"
grep -l "nervous" "$T"/sink/Maildir/new/* >/dev/null 2>&1
is "$?" 1 "internal note never reached the sink"

# --- reply after close: reopened ---------------------------------------------------------------
cl_mid=$(cv_hdr "$cl" Message-ID)
out=$(md_swaks --from $CAROL --to "support+r-$ckey@desk.test" \
	--header "Subject: Re: Printer on fire [acme#1]" --header "Message-Id: <reply2@example.test>" \
	--header "In-Reply-To: $cl_mid" --body "It is burning again." 2>&1)
md_wait_json acme#1 '.state == "opened"'
ok_rc $? "reply reopened acme#1"
cv_wait $CAROL 4
rn=$(cv_find $CAROL "Your reply reopened this ticket")
ok_rc $? "customer told the reply reopened the ticket"
like "$(cv_hdr "$rn" Subject)" "\[acme#1\]" "reopen notice subject tag"
like "$(jq -r '.notes[].text' <<<"$(cv_show acme#1)")" "reopened by a reply from $CAROL" \
	"system note on the reopen"

# --- reopen_on_reply = no: a new issue ------------------------------------------------------
md_cli project set acme reopen_on_reply no >/dev/null
md_cli issue close acme#1 >/dev/null
cv_wait $CAROL 5
out=$(md_swaks --from $CAROL --to support+acme@desk.test \
	--header "Subject: Re: Printer on fire [acme#1]" --header "Message-Id: <reply3@example.test>" \
	--header "In-Reply-To: $cl_mid" --body "Now the scanner burns." 2>&1)
md_wait_issues acme 2
ok_rc $? "reply to the closed issue (threaded by In-Reply-To) opened acme#2"
is "$(md_cli issue show acme#1 --json | jq -r .state)" closed "acme#1 stays closed"
like "$(md_cli issue show acme#2 --json | jq -r '.notes[].text')" "Follow-up of acme#1" \
	"system note on the new issue"
like "$(md_cli issue show acme#1 --json | jq -r '.notes[].text')" "became acme#2" \
	"system note on the old issue"
md_wait_cond 20 'cv_find $CAROL "we opened a new ticket #2" >/dev/null'
ok_rc $? "customer told a new ticket was opened"

# --- unsubscribe -> no more mail --------------------------------------------------------------
md_cli project set acme reopen_on_reply yes >/dev/null
n=$(cv_count $CAROL)
md_cli issue reopen acme#1 >/dev/null
cv_wait $CAROL $((n + 1))
ok_rc $? "reopen notice delivered"
before=$(cv_count $CAROL)
if [ -x "$top_builddir/web/maildesk-web" ]; then
	. "$top_srcdir/tests/web/web.sh"
	md_start_web
	code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
		-H 'Content-Type: application/x-www-form-urlencoded' \
		--data 'List-Unsubscribe=One-Click' "$WEB/unsubscribe/$cukey")
	is "$code" 200 "one-click unsubscribe POST (RFC 8058) answered 200"
else
	out=$(md_swaks --from $CAROL --to "support+u-$cukey@desk.test" \
		--header "Subject: unsubscribe" --body "unsubscribe" 2>&1)
	like "$out" "<- *250 " "unsubscribe mail accepted"
fi
md_wait_json acme#1 "[.subscribers[] | select(.email == \"$CAROL\" and .subscribed == false)] | length == 1"
ok_rc $? "customer unsubscribed from acme#1"
like "$(jq -r '.notes[].text' <<<"$(cv_show acme#1)")" "$CAROL unsubscribed" "system note"
dbefore=$(cv_count $DAVE)
out=$(md_cli issue comment acme#1 "Replacement printer is on its way.")
like "$out" "1 mail queued" "next comment queued for the participant only"
cv_wait $DAVE $((dbefore + 1))
ok_rc $? "participant still gets comments"
md_wait_cond 10 '[ "$(md_outbox_count queued)" = 0 ]'
is "$(cv_count $CAROL)" "$before" "unsubscribed customer got nothing"

# --- writing again re-subscribes ------------------------------------------------------------
out=$(md_swaks --from $CAROL --to "support+r-$ckey@desk.test" \
	--header "Subject: Re: Printer on fire [acme#1]" --header "Message-Id: <reply4@example.test>" \
	--body "Please keep me posted after all." 2>&1)
md_wait_json acme#1 "[.subscribers[] | select(.email == \"$CAROL\" and .subscribed)] | length == 1"
ok_rc $? "writing again re-subscribes"

# --- identity: someone else through the customer's key ----------------------------------------
out=$(md_swaks --from mallory@example.test --to "support+r-$ckey@desk.test" \
	--header "Subject: Re: Printer on fire [acme#1]" --header "Reply-To: $CAROL" \
	--header "Message-Id: <m1@example.test>" --body "Send the printer to me." 2>&1)
md_wait_json acme#1 '[.notes[] | select(.flags == "sender_mismatch")] | length == 1'
ok_rc $? "note from a non-subscriber flagged sender_mismatch"
like "$(md_cli issue show acme#1)" "customer note by mallory@example.test \[sender_mismatch\]" \
	"flag visible in issue show"
is "$(md_cli issue show acme#1 --json | jq -r .customer_email)" $CAROL "the customer is unchanged"

is "$(rcli XLEN maildesk:dead)" 0 "no dead letters"
is "$(md_psql "SELECT count(*) FROM threads t JOIN issues i ON i.id = t.issue_id
	WHERE i.project = 'acme' AND i.iid = 1 AND t.message_id IN
	('<req1@example.test>', 'req1@example.test', '<reply1@example.test>', 'reply1@example.test')")" 2 \
	"the thread index has the customer's Message-IDs"
is "$(md_psql "SELECT count(*) FROM outbox WHERE state NOT IN ('sent', 'dropped')")" 0 \
	"every outbound mail sent"
done_testing
