#!/bin/bash
# worker_poison.sh - records the worker cannot process go to
# maildesk:dead after worker_max_failures deliveries, the rest flows on,
# and "maildesk queue retry" brings them back once the cause is fixed.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"

md_start_redis
md_write_config worker_max_failures=3 worker_claim_idle_ms=300
md_cli project add acme >/dev/null || bail_out "project add failed"

md_put_record ghost 1 subject "For a project that does not exist yet"
md_put_record acme 2 kind ""
md_put_record acme 3
md_start_worker

md_wait_issues acme 1
ok_rc $? "a good record is not held up by bad ones"
md_wait_cond 30 '[ "$(rcli XLEN maildesk:dead)" = 2 ]'
ok_rc $? "both bad records moved to maildesk:dead"
is "$(rcli XLEN maildesk:inbox)" 0 "inbox empty"
is "$(rcli XPENDING maildesk:inbox workers | head -1)" 0 "nothing pending"
like "$(grep -c 'delivery [0-9]* failed' "$T/worker.log")" "^[6-9]$" "3 tries each"
like "$(cat "$T/worker.log")" "moved to maildesk:dead after 3 deliveries: no such project: ghost" \
	"the move is logged with the error"

out=$(md_cli queue dead)
like "$out" "ghost +3 +For a project" "queue dead lists the record"
like "$out" "no such project: ghost" "with its error"
json=$(md_cli queue dead --json)
like "$json" '"error":"no such project: ghost","failures":3' "JSON dead list"
like "$(md_cli queue stats)" "dead +2" "queue stats counts dead records"
like "$(md_cli queue stats --json)" '"dead":2' "queue stats JSON"

id=$(md_cli queue dead --json | grep -o '"id":"[0-9-]*","orig_id":"[0-9-]*","error":"no such project: ghost"' |
	sed 's/"id":"\([0-9-]*\)".*/\1/')
md_cli project add ghost >/dev/null
out=$(md_cli queue retry "$id")
like "$out" "back in the inbox" "queue retry ID"
md_wait_issues ghost 1
ok_rc $? "retried record became an issue"
is "$(md_cli issue list ghost --json | grep -o '"title":"[^"]*"')" \
	'"title":"For a project that does not exist yet"' "with its original fields"
is "$(rcli XLEN maildesk:dead)" 1 "one dead record left"
md_cli queue retry 1-1 >/dev/null 2>"$T/err"
is "$?/$(cat "$T/err")" "1/maildesk: no dead record 1-1" "retry of an unknown id"
md_cli queue retry >/dev/null 2>&1
is "$?" 2 "retry without an id is a usage error"
out=$(md_cli queue retry --all)
like "$out" "1 dead record back in the inbox" "queue retry --all"
md_wait_cond 30 '[ "$(rcli XLEN maildesk:dead)" = 1 ]'
ok_rc $? "still broken: dead again"
done_testing
