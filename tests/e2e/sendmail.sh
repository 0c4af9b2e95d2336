#!/bin/bash
# sendmail.sh - the SMTP ingest path through Sendmail 8.17 instead of
# Postfix: swaks -> private Sendmail (contrib/sendmail/maildesk.mc) ->
# maildesk-milter -> Redis -> worker.  The ground of ingest.sh: desk mail
# stored and filed, 550 at RCPT, the desk recipient removed from a mixed
# message, 451 while Redis is down; and what is Sendmail's own: a desk
# address with the root dot, which Sendmail delivers locally when the
# milter does not take it, the queue id Sendmail hands over at MAIL.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/records.sh"
. "$top_srcdir/tests/harness/sendmail.sh"

INBOX=maildesk:inbox

md_start_redis --appendonly yes --appendfsync always
md_start_sink
md_write_config spf_enable=no rate_ip=0 rate_sender=0 rate_project=0
md_cli project add acme >/dev/null || bail_out "project add"
md_start_milter
md_start_sendmail

fallback() { md_sendmail_delivered 'desk-fallback.*|support.*'; }

# --- a new request: 250 after the record, not delivered locally -------------------
out=$(md_swaks --from alice@example.org --to support+acme@desk.test \
	--header "Subject: Printer on fire" --header "Message-ID: <sm-plain-1@example.org>" \
	--body "The printer is on fire." 2>&1)
like "$out" "<- *250 2\.0\.0 [A-Za-z0-9]+ Message accepted for delivery" "new request accepted with 250"
qid=$(printf '%s\n' "$out" | sed -n 's/.*250 2\.0\.0 \([A-Za-z0-9]*\) Message accepted.*/\1/p')
is "$(rcli XLEN $INBOX)" 1 "one record in the inbox"
is "$(md_last_field $INBOX subject)" "Printer on fire" "subject recorded"
is "$(md_last_field $INBOX project)" acme "project recorded"
is "$(md_last_field $INBOX rcpt)" support+acme@desk.test "recipient recorded"
is "$(md_last_field $INBOX queue_id)" "$qid" "Sendmail's queue id recorded (its i macro comes at MAIL)"
like "$(md_last_field $INBOX text)" "The printer is on fire." "text recorded"
is "$(fallback)" 0 "desk recipient consumed, not delivered to the support alias"
like "$(grep "$qid: verdict=" "$T/milter.log")" \
	"verdict=accept code=250 reason=stored from=<alice@example.org> client=\[127\.0\.0\.1\] msgid=<sm-plain-1@example\.org> records=1 discarded" \
	"the milter's verdict line names the queue id, verdict and Message-ID"

# --- unknown project: 550 at RCPT --------------------------------------------------------
out=$(md_swaks --from alice@example.org --to support+nosuch@desk.test 2>&1)
like "$out" "<\*\* *550 5\.1\.1 <support\+nosuch@desk\.test>\.\.\. This support address does not exist" \
	"unknown project refused with 550 5.1.1 at RCPT"
like "$(grep 'verdict=reject code=550 xcode=5.1.1' "$T/milter.log")" \
	"reason=unknown_address from=<alice@example.org> rcpt=<support\+nosuch@desk\.test>" \
	"its verdict line names the recipient"

# --- desk + ordinary recipient: the desk one removed (smfi_delrcpt) ------------------------
out=$(md_swaks --from alice@example.org --to support+acme@desk.test,bob@example.test \
	--header "Subject: Mixed recipients" 2>&1)
like "$out" "Message accepted for delivery" "mixed recipients accepted"
md_wait_count_sm() { md_sendmail_delivered 'bob'; }
_md_wait_count md_wait_count_sm 1 10
is "$(md_sendmail_delivered bob)" 1 "ordinary recipient got the message"
is "$(md_count_field $INBOX subject 'Mixed recipients')" 1 "desk copy stored once"
is "$(fallback)" 0 "desk recipient removed, not delivered to the support alias"
like "$(cat "$T/sendmail.log")" "Milter \(maildesk\) delete: rcpt <support\+acme@desk\.test>" \
	"Sendmail logs the smfi_delrcpt"

# --- the root dot: the same desk address, not a local delivery ---------------------------------
out=$(md_swaks --from alice@example.org --to support+acme@desk.test. \
	--header "Subject: With the root dot" 2>&1)
like "$out" "Message accepted for delivery" "support+acme@desk.test. accepted"
is "$(md_count_field $INBOX subject 'With the root dot')" 1 "and stored as a desk record"
is "$(md_find_field $INBOX subject 'With the root dot' rcpt)" support+acme@desk.test \
	"recorded without the dot"
out=$(md_swaks --from alice@example.org --to support+acme@desk.test.,bob@example.test \
	--header "Subject: Root dot mixed" 2>&1)
like "$out" "Message accepted for delivery" "root dot with an ordinary recipient accepted"
_md_wait_count md_wait_count_sm 2 10
is "$(md_count_field $INBOX subject 'Root dot mixed')" 1 "desk copy stored"
is "$(fallback)" 0 "root-dot desk recipient removed too (delrcpt as sent)"
out=$(md_swaks --from alice@example.org --to support+nosuch@DESK.TEST. 2>&1)
like "$out" "<\*\* *550 5\.1\.1 " "an unknown project with the root dot: 550 too"

# --- Redis down: 451 at RCPT, ordinary mail unaffected; back: accepted once ----------------------
n=$(rcli XLEN $INBOX)
md_stop_redis
out=$(md_swaks --from alice@example.org --to support+acme@desk.test \
	--header "Subject: While Redis is down" --header "Message-ID: <sm-down-1@example.org>" 2>&1)
like "$out" "<\*\* *451 4\.3\.0 .*Support desk temporarily unavailable" "Redis down: 451 4.3.0 at RCPT"
like "$(md_swaks --from alice@example.org --to carol@example.test 2>&1)" "Message accepted" \
	"Redis down: ordinary mail still 250"
md_restart_redis
is "$(rcli XLEN $INBOX)" "$n" "nothing written while Redis was down"
out=$(md_swaks --from alice@example.org --to support+acme@desk.test \
	--header "Subject: While Redis is down" --header "Message-ID: <sm-down-1@example.org>" 2>&1)
like "$out" "Message accepted for delivery" "Redis back: the retried message is accepted"
is "$(md_count_field $INBOX message_id sm-down-1@example.org)" 1 "and stored exactly once"

# --- the worker files them: one grep by queue id follows the mail --------------------------------
md_start_worker
_md_filed() { grep -c ': created acme#' "$T/worker.log"; }
_md_wait_count _md_filed 1 20
like "$(md_cli issue list acme)" "acme#1 .*Printer on fire" "the first request became acme#1"
like "$(grep "queue_id=$qid " "$T/worker.log")" "created acme#1, confirmation queued queue_id=$qid msgid=<sm-plain-1@example\.org>" \
	"the worker's line names the same queue id and the Message-ID"
md_wait_sink 1 10
ok_rc $? "the confirmation reached the sink"

# --- what the milter cannot see: a desk address without its domain --------------------------------
out=$(md_swaks --from alice@example.org --to support+acme --header "Subject: No domain" 2>&1)
like "$out" "Message accepted for delivery" "support+acme (no domain) is Sendmail's local user"
_md_fb() { fallback; }
_md_wait_count _md_fb 1 10
is "$(fallback)" 1 "... and lands in the support alias's mailbox (contrib/sendmail/README)"
is "$(md_count_field $INBOX subject 'No domain')" 0 "no record for it"

md_milter_alive; ok_rc $? "milter survived the whole suite"
done_testing
