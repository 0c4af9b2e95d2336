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
is "$(rcli HGET maildesk:project:acme last_iid)" $N "last issue number is $N"
is "$(rcli ZRANGE maildesk:issues:acme 0 -1 | sort -n | uniq | tr '\n' ' ')" \
	"$(seq 1 $N | tr '\n' ' ')" "numbers 1..$N without gaps"
is "$(rcli HLEN maildesk:msgid:acme)" $N "one issue per request"
is "$(rcli XLEN maildesk:outbox)" $N "one confirmation per issue"
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
