#!/bin/bash
# queue_retry.sh - "maildesk queue retry" asks and the worker moves: the
# CLI's Redis user may not write the inbox, so the CLI leaves a request in
# maildesk:retry and waits for the worker's outcome.  With no worker
# running the request is kept (and said so); a record asked for twice is
# filed once and the second request answers "not dead"; an unknown id is
# refused at once; a malformed request is dropped by the worker, and so is
# one whose ids are too long (never cut short into another record's id).
# --all moves 100 records per worker step: a long dead stream moves in
# rounds, the CLI reports the total (or the count so far when its wait
# ends first); a request Redis keeps refusing is given up without holding
# up the requests behind it.
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

# --- ids too long to be stream ids: refused by the CLI, dropped by the worker ---------
long_id=1700000000000-$(printf '%041d' 1)
md_cli_run queue retry "$long_id"
is "$RC" 2 "the CLI refuses a 55-character id"
rcli XADD maildesk:retry '*' id "$long_id" >/dev/null
rcli XADD maildesk:retry '*' upto "$long_id" >/dev/null
md_wait_cond 10 '[ "$(rcli XLEN maildesk:retry)" = 0 ]'
ok_rc $? "requests with ids too long are dropped"
like "$(cat "$T/worker.log")" 'malformed request \(id "1700000000000-0{20,}\.\.\.", upto ""\)' \
	"... as malformed, the id shown cut short with ..."
like "$(cat "$T/worker.log")" 'malformed request \(id "", upto "1700000000000-0{20,}\.\.\."\)' \
	"... upto too"

# bury_many N: N dead records (admin EVAL) for project limbo, which does not
# exist: moved back, each one dies again with a later id.
bury_many() {
	rcli EVAL "for i = 1, tonumber(ARGV[1]) do
		redis.call('XADD', KEYS[1], '*', 'v', '1', 'id', 'L' .. i .. ':support+limbo@desk.test',
		    'queue_id', 'L' .. i, 'received', '2026-01-01T00:00:00Z', 'client_ip', '192.0.2.1',
		    'helo', 'client.example.test', 'mail_from', 'l@example.test',
		    'rcpt', 'support+limbo@desk.test', 'kind', 'new', 'project', 'limbo',
		    'spf', 'pass', 'score', '0.0', 'message_id', 'limbo-' .. i .. '@example.test',
		    'from', 'l@example.test', 'from_addr', 'l@example.test', 'subject', 'Limbo ' .. i,
		    'text', 'x', 'attachments', '0',
		    'raw', 'From: l@example.test\r\nSubject: Limbo ' .. i .. '\r\n\r\nx\r\n',
		    'error', 'no project limbo', 'orig_id', '1-' .. i, 'failures', '1', 'dead_at', '1')
		end return 1" 1 maildesk:dead "$1" >/dev/null
}

# --- --all over several rounds: everything moves, the CLI reports the total ----------
bury_many 250
md_cli_run queue retry --all --wait 60
is "$RC/$OUT" "0/250 dead records back in the inbox" "--all over three rounds: the total"
like "$(cat "$T/worker.log")" "queue retry [0-9-]+: 250 dead records up to [0-9-]+ back in the inbox" \
	"... one line in the worker's log"
md_wait_cond 60 '[ "$(rcli XLEN maildesk:dead)" = 250 ] && [ "$(rcli XLEN maildesk:inbox)" = 0 ]'
ok_rc $? "... all filed again (and dead again: project limbo does not exist)"
rcli DEL maildesk:dead >/dev/null

# --- the wait ends first: the count so far, not "no worker" --------------------------
# (1500 records: 15 rounds, at least 2.8 s apart from the first to the last)
bury_many 1500
md_cli_run queue retry --all --wait 2
is "$RC" 0 "--all still moving when the wait ends: exit 0"
like "$OUT" "^[0-9]+ dead records back in the inbox so far; maildesk-worker moves the rest \(request [0-9-]+\)$" \
	"... with the count so far"
req_all=$(echo "$OUT" | sed -n 's/.*(request \([0-9-]*\)).*/\1/p')
md_wait_cond 60 '[ "$(rcli HGET "maildesk:retry:$req_all" state)" = done ]'
ok_rc $? "... and the worker carries on to the end"
is "$(rcli HGET "maildesk:retry:$req_all" count)" 1500 "... moving all 1500"
md_wait_cond 60 '[ "$(rcli XLEN maildesk:inbox)" = 0 ]'
rcli DEL maildesk:dead >/dev/null

# --- a request Redis keeps refusing does not hold up the ones behind it --------------
md_stop_worker
bury_many 2
mapfile -t dids < <(md_cli queue dead --json | grep -o '"id":"[0-9-]*"' | cut -d'"' -f4)
poison=$(rcli XADD maildesk:retry '*' id "${dids[0]}")
rcli SET "maildesk:retry:$poison" not-a-hash >/dev/null
md_cli_run queue retry "${dids[1]}" --no-wait
is "$RC/${#dids[@]}" 0/2 "a good request after it"
good=$(echo "$OUT" | sed -n 's/.*requested (\([0-9-]*\)).*/\1/p')
md_start_worker
md_wait_cond 10 '[ "$(rcli HGET "maildesk:retry:$good" state)" = done ]'
ok_rc $? "the request behind a poisoned one is served"
md_wait_cond 10 '[ "$(rcli XLEN maildesk:retry)" = 0 ]'
ok_rc $? "the poisoned request is given up and dropped"
like "$(cat "$T/worker.log")" "queue retry $poison: refused 3 times \(redis: WRONGTYPE" \
	"... logged once with why"
is "$(grep -c "queue retry $poison: refused" "$T/worker.log")" 1 "... once"
is "$(rcli XRANGE maildesk:dead "${dids[0]}" "${dids[0]}" | head -1)" "${dids[0]}" \
	"... its record never moved (the script fails before it writes)"

unlike "$(cat "$T/worker.log")" "NOPERM|no permissions" "the worker's user had every right it needed"
done_testing
