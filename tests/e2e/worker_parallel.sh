#!/bin/bash
# worker_parallel.sh - two workers on one inbox: 500 records become
# issues 1..500 with no gap and no duplicate.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"

N=500
md_start_redis
md_write_config
md_cli project add acme >/dev/null || bail_out "project add failed"

md_start_worker
first=$WORKER_PID
md_start_worker
second=$WORKER_PID
for i in $(seq 1 $N); do
	md_put_record acme "$i"
done
md_wait_issues acme $N 120
ok_rc $? "$N issues"
md_wait_cond 20 '[ "$(rcli XLEN maildesk:inbox)" = 0 ]'
ok_rc $? "inbox drained"
is "$(md_psql "SELECT last_iid FROM projects WHERE name = 'acme'")" $N "last issue number is $N"
is "$(md_psql "SELECT iid FROM issues WHERE project = 'acme' ORDER BY iid" | uniq | tr '\n' ' ')" \
	"$(seq 1 $N | tr '\n' ' ')" "numbers 1..$N without gaps"
is "$(md_psql "SELECT count(*) FROM filed_messages WHERE project = 'acme'")" $N "one issue per request"
is "$(md_psql "SELECT count(DISTINCT message_id) FROM issues WHERE project = 'acme'")" $N \
	"every request's Message-ID once"
is "$(md_psql "SELECT count(*) FROM outbox WHERE kind = 'confirmation'")" $N "one confirmation per issue"
a=$(grep -c ': created acme#' "$T/worker.log")
is "$a" $N "$N creations logged in total"
is "$(rcli XINFO CONSUMERS maildesk:inbox workers | grep -c "$(hostname)-")" 2 \
	"two consumers in the group"
kill -TERM "$first" "$second"
_md_reap "$first" 10
ok_rc $? "first worker stops on SIGTERM"
_md_reap "$second" 10
ok_rc $? "second worker stops on SIGTERM"
WORKER_PID=
done_testing
