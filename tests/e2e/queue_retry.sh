#!/bin/bash
# queue_retry.sh - "maildesk queue retry" asks and the worker moves: the
# CLI's Redis user may not write the inbox, so the CLI leaves a request in
# maildesk:retry and waits for the worker's outcome.  With no worker
# running the request is kept (and said so); a record asked for twice is
# filed once and the second request answers "not dead"; an unknown id is
# refused at once; a malformed request is dropped by the worker.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"

md_start_redis
md_write_config worker_max_failures=1 worker_claim_idle_ms=300
md_cli project add acme >/dev/null || bail_out "project add failed"

for n in 1 2 3; do
	md_put_record ghost "$n" subject "Ghost request $n"
done
md_start_worker
md_wait_cond 30 '[ "$(rcli XLEN maildesk:dead)" = 3 ]'
ok_rc $? "three records for a missing project are dead"
md_stop_worker
ok_rc $? "worker stopped"
mapfile -t ids < <(md_cli queue dead --json | grep -o '"id":"[0-9-]*"' | cut -d'"' -f4)
is "${#ids[@]}" 3 "three dead ids"
id1=${ids[0]}

# --- no worker: the request stays ----------------------------------------------
md_cli_run queue retry "$id1" --wait 1
is "$RC" 1 "no worker within --wait 1: exit 1"
like "$ERR" "no maildesk-worker took up the retry of $id1 within 1 s; the request [0-9]+-[0-9]+ stays" \
	"... and says the request stays"
is "$(rcli XLEN maildesk:retry)/$(rcli XLEN maildesk:dead)/$(rcli XLEN maildesk:inbox)" "1/3/0" \
	"the CLI wrote only the request: the record is still dead, the inbox empty"
md_cli_run queue retry "$id1" --no-wait
is "$RC" 0 "--no-wait: exit 0 at once"
like "$OUT" "retry of $id1 requested \\([0-9]+-[0-9]+\\)" "... naming the request"
req2=$(echo "$OUT" | sed -n 's/.*requested (\([0-9-]*\)).*/\1/p')
md_cli_run queue retry 1-1
is "$RC/$ERR" "1/maildesk: no dead record 1-1" "an id that is not dead is refused at once"
is "$(rcli XLEN maildesk:retry)" 2 "... without a request"
md_cli_run queue retry "$id1" --wait 0
is "$RC" 2 "--wait 0 is a usage error"
md_cli_run queue stats --no-wait
is "$RC" 2 "--no-wait goes with queue retry only"

# --- the worker serves both requests: the record moves once ------------------------
md_cli project add ghost >/dev/null
md_start_worker
md_wait_cond 30 '[ "$(rcli XLEN maildesk:retry)" = 0 ]'
ok_rc $? "the worker served both requests"
md_wait_issues ghost 1
ok_rc $? "the retried record became an issue"
sleep 0.5
is "$(md_issue_count ghost)" 1 "asked twice, filed once"
is "$(rcli XLEN maildesk:dead)" 2 "two records still dead"
like "$(cat "$T/worker.log")" "queue retry [0-9-]+: dead record $id1 back in the inbox as [0-9]+-[0-9]+" \
	"the worker logs the move"
like "$(cat "$T/worker.log")" "queue retry $req2: $id1 is not a dead record \\(any more\\)" \
	"... and that the second request found it gone"
is "$(rcli HGET "maildesk:retry:$req2" state)" nosuch "the second request's outcome: nosuch"
like "$(rcli TTL "maildesk:retry:$req2")" '^[1-9][0-9]*$' "outcomes expire"
md_cli_run queue retry "$id1"
is "$RC/$ERR" "1/maildesk: no dead record $id1" "retrying it again: not dead any more"

# --- with the worker running: the CLI waits and reports ------------------------------
md_cli_run queue retry "${ids[1]}"
is "$RC" 0 "queue retry ID with a worker: exit 0"
like "$OUT" "^${ids[1]} back in the inbox as [0-9]+-[0-9]+$" "... reports the new inbox id"
md_cli_run queue retry --all
is "$RC/$OUT" "0/1 dead record back in the inbox" "queue retry --all moves the last one"
md_wait_issues ghost 3
ok_rc $? "all three filed"
is "$(rcli XLEN maildesk:dead)/$(md_issue_count ghost)" "0/3" "nothing dead, three issues"

# --- a request the worker cannot read is dropped, not retried forever -----------------
rcli XADD maildesk:retry '*' id 'bogus' >/dev/null
md_wait_cond 10 '[ "$(rcli XLEN maildesk:retry)" = 0 ]'
ok_rc $? "a malformed request is dropped"
like "$(cat "$T/worker.log")" 'malformed request \(id "bogus"' "... and logged"
unlike "$(cat "$T/worker.log")" "NOPERM|no permissions" "the worker's user had every right it needed"
done_testing
