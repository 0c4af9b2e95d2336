#!/bin/bash
# worker_basic.sh - records XADDed to the inbox become issues the CLI
# shows; the confirmation reaches the relay with the right headers;
# automated mail makes no issue; SIGHUP and SIGTERM behave.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"

md_start_redis
md_start_sink
md_write_config worker_pid_file="$T/worker.pid"
md_cli project add acme >/dev/null || bail_out "project add failed"
md_cli project set acme notify_state no >/dev/null

md_put_record acme 1 subject "Printer on fire" text "It is really burning."
md_put_record acme 2 subject "Login fails"
md_put_record acme 3 kind automated auto_reason auto-submitted subject "Out of office"
md_start_worker

md_wait_issues acme 2
ok_rc $? "two requests became issues"
md_wait_cond 10 '[ "$(rcli XLEN maildesk:inbox)" = 0 ]'
ok_rc $? "inbox drained (processed entries are deleted)"
is "$(md_psql "SELECT count(*) FROM automated WHERE subject = 'Out of office'")" 1 \
	"automated record kept in the automated table"
is "$(md_issue_count acme)" 2 "automated record made no issue"
is "$(rcli XPENDING maildesk:inbox workers | head -1)" 0 "nothing left pending"
ok_run "worker wrote its PID file" test "$(cat "$T/worker.pid")" = "$WORKER_PID"

out=$(md_cli issue list acme)
like "$out" "acme#1 +opened .*c1@example.test .*Printer on fire" "issue list shows issue 1"
like "$out" "acme#2 .*Login fails" "issue list shows issue 2"
like "$out" "2 opened, 0 closed" "issue list counts"
json=$(md_cli issue list acme --json)
like "$json" '"total":2' "JSON list total"
like "$json" '"iid":1,"title":"Printer on fire","state":"opened"' "JSON list issue"
out=$(md_cli issue show acme#1)
like "$out" "It is really burning." "issue show has the description"

md_wait_sink 2 20
ok_rc $? "two confirmations delivered to the relay"
mail=$(grep -l "c1@example.test" $(md_sink_files) | head -1)
hdrs=$(sed '/^\r\?$/q' "$mail")
like "$hdrs" "Subject: .*\[acme#1\]" "confirmation subject carries [acme#1]"
like "$hdrs" "From: .*support\+acme@desk.test" "from the project address"
like "$hdrs" "Reply-To: .*support\+r-[a-z2-7]{26}@desk.test" "Reply-To is the reply key address"
like "$hdrs" "In-Reply-To: <req-1@example.test>" "threads to the request"
like "$hdrs" "Auto-Submitted: auto-replied" "Auto-Submitted: auto-replied"
like "$hdrs" "List-Unsubscribe: .*support\+u-" "List-Unsubscribe mailto"
key=$(md_reply_key acme 1 c1@example.test)
like "$hdrs" "r-$key@" "reply key in the mail is the issue's key"
like "$(cat "$mail")" "ticket #1" "body names the ticket"
is "$(rcli HGET "maildesk:rkey:$key" iid)" 1 "the reply key is in the milter's view"
is "$(md_psql "SELECT count(*) FROM outbox WHERE state = 'sent' AND kind = 'confirmation'")" 2 \
	"both confirmations marked sent in the outbox"

# responder actions through the CLI
out=$(md_cli issue comment acme#1 "Turn it off and on again" --author Dan)
like "$out" "public note .* added to acme#1, 1 mail queued" "public comment queues a mail"
md_wait_sink 3 20
ok_rc $? "comment mailed to the customer"
out=$(echo "internal remark" | md_cli issue comment acme#1 - --internal)
like "$out" "internal note .*0 mails queued" "internal comment from stdin mails nobody"
md_cli issue label acme#1 hardware >/dev/null
md_cli issue close acme#2 >/dev/null
is "$(md_cli issue list acme --label hardware --json | grep -o '"iid":[0-9]*')" '"iid":1' "label filter"
like "$(md_cli issue list acme --state closed)" "acme#2 +closed" "closed filter"
md_cli issue show acme#9 >/dev/null 2>"$T/err"
is "$?/$(cat "$T/err")" "1/maildesk: no such issue acme#9" "unknown issue: one-line error, exit 1"

# SIGHUP with a broken file keeps the old configuration; a good one is loaded
cp "$MD_CONF" "$T/good.conf"
echo "worker_block_ms = lots" >>"$MD_CONF"
kill -HUP "$WORKER_PID"
md_wait_cond 5 'grep -q "reload failed" "$T/worker.log"'
ok_rc $? "broken config on SIGHUP is reported"
like "$(grep 'reload failed' "$T/worker.log")" "maildesk.conf:[0-9]+: worker_block_ms" "with file:line"
cp "$T/good.conf" "$MD_CONF"
kill -HUP "$WORKER_PID"
md_wait_cond 5 'grep -q "configuration reloaded" "$T/worker.log"'
ok_rc $? "good config reloaded"
md_put_record acme 4
md_wait_issues acme 3
ok_rc $? "worker still works after reloads"

pid=$WORKER_PID
md_stop_worker
ok_rc $? "SIGTERM stops the worker"
wait "$pid" 2>/dev/null
is "$?" 0 "exit status 0"
ok_run "PID file removed" test ! -e "$T/worker.pid"
is "$(rcli XINFO CONSUMERS maildesk:inbox workers | grep -c "$(hostname)-$pid")" 0 \
	"idle consumer left the group"
done_testing
