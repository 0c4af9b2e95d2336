#!/bin/bash
# replica_wait.sh - redis_min_replicas: the milter answers 250 only after a
# replica has the record too (WAIT), and 451 4.3.0 when none confirms in
# redis_replica_timeout_ms, through real Postfix, a real primary and a real
# replica.  A stopped replica (SIGSTOP: connected, silent) is the lagging
# case; its records arrive when it wakes up.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/records.sh"

INBOX=maildesk:inbox
ACCEPTED='<- *250 2\.0\.0 Ok: queued'
TEMPFAIL='<\*\* *451[ -]4\.3\.0 '

md_start_redis
REPLICA_PORT=$(md_free_port)
# The primary has the users of contrib/redis-users.acl: the replica syncs as
# its admin.  The replica itself has none (replica() needs no login).
md_spawn redis-server --bind 127.0.0.1 --port "$REPLICA_PORT" --save '' \
	--appendonly no --dir "$T" --replicaof 127.0.0.1 "$REDIS_PORT" \
	--masteruser admin --masterauth "$MD_REDIS_ADMIN_PASSWORD" \
	--logfile "$T/replica.log"
REPLICA_PID=$MD_SPAWN_PID
md_at_exit 'kill -CONT $REPLICA_PID 2>/dev/null'
replica() { redis-cli -p "$REPLICA_PORT" "$@"; }
# poll SECONDS CMD...: until CMD succeeds
poll() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}
linked() { replica INFO replication 2>/dev/null | grep -q '^master_link_status:up'; }
ok_run "the replica is in sync with the primary" poll 20 linked
replica_len() { [ "$(replica XLEN $INBOX 2>/dev/null)" = "$1" ]; }

md_write_config redis_min_replicas=1 redis_replica_timeout_ms=300 spf_enable=no
md_cli project add acme >/dev/null
md_start_milter
md_start_postfix

mail() {
	md_swaks --from customer@example.org --to support+acme@desk.test \
		--header "Subject: $1" 2>&1
}

out=$(mail "with a replica")
like "$out" "$ACCEPTED" "replica up: 250"
is "$(md_count_field $INBOX subject 'with a replica')" 1 "record on the primary"
ok_run "and on the replica (WAIT returned after it had it)" poll 5 replica_len 1

kill -STOP "$REPLICA_PID"
out=$(mail "replica silent")
like "$out" "$TEMPFAIL" "replica silent: 451 4.3.0, the sender keeps its copy"
like "$(cat "$T/milter.log")" "only 0 of 1 replicas confirmed the records within 300 ms" \
	"the milter says why"
kill -CONT "$REPLICA_PID"
ok_run "the replica catches up" poll 10 replica_len 2

out=$(mail "replica back")
like "$out" "$ACCEPTED" "replica back: 250"
ok_run "on the replica" poll 5 replica_len 3

# The setting is checked against the socket timeout WAIT must fit in.
{
	echo "redis_min_replicas = 1"
	echo "redis_command_timeout_ms = 400"
	echo "redis_replica_timeout_ms = 500"
} >"$T/bad.conf"
out=$("$top_builddir/milter/maildesk-milter" -n -c "$T/bad.conf" 2>&1)
like "$out" "bad\.conf:3: redis_replica_timeout_ms: must be below redis_command_timeout_ms" \
	"a WAIT longer than the command timeout is a config error with file:line:key"

done_testing
