#!/bin/bash
# worker_crash.sh - a worker SIGKILLed in the middle of a backlog of 1000
# records (large enough that the kill lands mid-run): the
# next worker claims what was pending, and every request ends up as
# exactly one issue with exactly one confirmation.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"

N=1000
md_start_redis
# The relay stays down until both workers are done: the mails in flight
# when a sender is killed are the outbox's business (an SMTP send cannot
# be exactly-once); here every confirmation must be queued exactly once.
md_write_config worker_claim_idle_ms=500 retry_base_s=1 retry_max_s=2 relay_timeout_ms=2000
md_cli project add acme >/dev/null || bail_out "project add failed"

for i in $(seq 1 $N); do
	md_put_record acme "$i"
done
is "$(rcli XLEN maildesk:inbox)" $N "$N records preloaded"

md_start_worker
# Poll without sleeping: a fast worker gets through the backlog in well
# under a second, and the kill must land while it is busy.
deadline=$(($(date +%s) + 30))
while [ "$(md_issue_count acme)" -lt 20 ] && [ "$(date +%s)" -lt "$deadline" ]; do :; done
md_kill_worker
killed_at=$(md_issue_count acme)
ok_run "first worker got going" test "$killed_at" -ge 20
note "worker killed after $killed_at issues"
if [ "$killed_at" -lt $N ]; then
	ok "the crash left work undone"
else
	skip "the worker finished all $N records before the kill landed"
fi

md_start_worker
md_wait_issues acme $N 120
ok_rc $? "second worker finished the backlog"
md_wait_cond 20 '[ "$(rcli XLEN maildesk:inbox)" = 0 ]'
ok_rc $? "inbox empty"
is "$(rcli XPENDING maildesk:inbox workers | head -1)" 0 "nothing pending"
is "$(md_issue_count acme)" $N "exactly $N issues"
is "$(md_psql "SELECT last_iid FROM projects WHERE name = 'acme'")" $N "issue numbers 1..$N, none wasted"
is "$(md_psql "SELECT count(DISTINCT iid) || ' ' || min(iid) || ' ' || max(iid) FROM issues WHERE project = 'acme'")" \
	"$N 1 $N" "the issues are numbered 1..$N"
is "$(md_psql "SELECT count(*) FROM filed_messages WHERE project = 'acme'")" $N "one Message-ID per issue"
is "$(rcli XLEN maildesk:dead)" 0 "nothing dead"

is "$(md_psql "SELECT count(*) FROM outbox WHERE kind = 'confirmation'")" $N \
	"exactly one confirmation queued per issue"
is "$(md_psql "SELECT count(*) FROM (SELECT iid FROM outbox GROUP BY iid HAVING count(*) > 1) d")" 0 \
	"no issue has two"
md_start_sink
md_wait_sink $N 180
ok_rc $? "$N confirmations delivered"
sleep 3	# a duplicate would arrive now; there is no event to wait for
is "$(md_sink_count)" $N "no duplicate mail"
dups=$(cat $(md_sink_files) | sed -n 's/^To: .*<\?\(c[0-9]*@example.test\)>\?.*/\1/p' |
	sort | uniq -d | head -3)
is "$dups" "" "no customer got two confirmations"
done_testing
