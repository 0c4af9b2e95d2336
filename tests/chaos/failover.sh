#!/bin/bash
# failover.sh - the primary dies under SMTP load and a replica takes over
# (doc/scaling.md).  FAILOVER=redis (default) or pg:
#
# redis: a Redis primary with two replicas and three redis-sentinels on
#	loopback ports, every program configured with redis_sentinels and
#	redis_min_replicas = 1.  The primary is SIGKILLed mid-load; Sentinel
#	promotes a replica and the milter and the workers follow it.
# pg:	the tracker's PostgreSQL with a synchronous streaming standby
#	(pg-cluster standby), every program on a multi-host conninfo with
#	target_session_attrs=read-write.  The primary is SIGKILLed mid-load
#	and the standby promoted (pg_ctl promote); the workers and maildesk-web
#	reconnect.  The milter never notices: it does not use PostgreSQL.
#
# Then the refused messages are resent and the chaos test's checks
# (tests/chaos/verify.sh) run: every message that got 250 is exactly one
# issue or note, the refused ones got 4xx (no connection errors, no 5xx),
# no confirmation went out twice.  Printed: how long the desk answered 4xx
# (redis), how long filing stood still (pg).
#
# Run alone (TAP on stdout), from a build directory:
#	top_srcdir=/path/to/src top_builddir=. FAILOVER=redis tests/chaos/failover.sh
# Knobs: FAILOVER_N (3000 messages), FAILOVER_SESSIONS (12), FAILOVER_PACE_MS
# (a session's mean pause between messages, 40), FAILOVER_REPLY_PCT (20),
# FAILOVER_KILL_AT (kill when
# this many answers are in, N/3), FAILOVER_DOWN_AFTER_MS (the sentinels'
# down-after-milliseconds, 1000), CHAOS_RETRY_S.
# tests/e2e/redis_failover.sh and pg_failover.sh are the CI sizes.
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/harness/tap.sh"
: "${MD_TEST_TIMEOUT:=0}"
export MD_TEST_TIMEOUT
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"
. "$top_srcdir/tests/web/web.sh"

MODE=${FAILOVER:-redis}
N=${FAILOVER_N:-3000}
S=${FAILOVER_SESSIONS:-12}
KILL_AT=${FAILOVER_KILL_AT:-$((N / 3))}
DOWN_AFTER=${FAILOVER_DOWN_AFTER_MS:-1000}
RPCT=${FAILOVER_REPLY_PCT:-20}
SEEDS=10
C=$top_srcdir/tests/chaos
PGC=$top_srcdir/tests/harness/pg-cluster
t0=$(date +%s)
. "$C/verify.sh"

# elapsed T0 T1: seconds between two `date +%s.%N` stamps, 2 decimals.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
now() { date +%s.%N; }

# --- Redis: primary, two replicas, three sentinels -------------------------------------
declare -a RPORT SPORT
SENTINEL_PW=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
# as_admin PORT ARGS: redis-cli on a data server as the harness's admin.
as_admin() { REDISCLI_AUTH=$MD_REDIS_ADMIN_PASSWORD redis-cli -p "$1" --user admin "${@:2}"; }
scli() { REDISCLI_AUTH=$SENTINEL_PW redis-cli -p "$1" "${@:2}"; }
linked() { as_admin "$1" INFO replication 2>/dev/null | grep -q '^master_link_status:up'; }
# sentinel_field PORT FIELD: one field of SENTINEL MASTER desk.
sentinel_field() { scli "$1" SENTINEL MASTER desk 2>/dev/null | sed -n "/^$2\$/{n;p;q}"; }
sentinels_ready() {
	local p
	for p in "${SPORT[@]}"; do
		[ "$(sentinel_field "$p" num-slaves)" = 2 ] &&
			[ "$(sentinel_field "$p" num-other-sentinels)" = 2 ] || return 1
	done
}
# master_port [OLD]: the primary's port as the first sentinel naming one
# other than OLD says (the leader of a failover knows first).
master_port() {
	local p
	for p in "${SPORT[@]}"; do
		scli "$p" SENTINEL get-master-addr-by-name desk 2>/dev/null | sed -n 2p
	done | grep -vx -- "${1:-}" | head -n 1
}

start_redis_ha() {
	local i bin
	md_start_redis --repl-diskless-sync-delay 0
	RPORT[0]=$REDIS_PORT
	for i in 1 2; do
		RPORT[$i]=$(md_free_port)
		mkdir -p "$T/replica$i"
		# The same users as the primary: a replica may become the primary.
		md_spawn redis-server --bind 127.0.0.1 --port "${RPORT[$i]}" --save '' \
			--appendonly no --dir "$T/replica$i" --logfile "$T/replica$i.log" \
			--aclfile "$T/redis-users.acl" --repl-diskless-sync-delay 0 \
			--replicaof 127.0.0.1 "$REDIS_PORT" \
			--masteruser admin --masterauth "$MD_REDIS_ADMIN_PASSWORD"
	done
	for i in 1 2; do
		md_wait_cond 20 "linked ${RPORT[$i]}" || bail_out "replica $i did not sync"
	done
	# Debian's redis-sentinel; the same program is redis-server --sentinel.
	bin=(redis-sentinel)
	command -v redis-sentinel >/dev/null || bin=(redis-server)
	for i in 0 1 2; do
		SPORT[$i]=$(md_free_port)
		mkdir -p "$T/sentinel$i"
		# Sentinels rewrite their file: one each, in their own directory.
		cat >"$T/sentinel$i/sentinel.conf" <<-EOF
		port ${SPORT[$i]}
		bind 127.0.0.1
		dir $T/sentinel$i
		logfile $T/sentinel$i.log
		requirepass $SENTINEL_PW
		sentinel sentinel-pass $SENTINEL_PW
		sentinel monitor desk 127.0.0.1 $REDIS_PORT 2
		sentinel down-after-milliseconds desk $DOWN_AFTER
		sentinel failover-timeout desk 10000
		sentinel parallel-syncs desk 2
		sentinel auth-user desk admin
		sentinel auth-pass desk $MD_REDIS_ADMIN_PASSWORD
		EOF
		if [ "${bin[0]}" = redis-server ]; then
			md_spawn redis-server "$T/sentinel$i/sentinel.conf" --sentinel
		else
			md_spawn redis-sentinel "$T/sentinel$i/sentinel.conf"
		fi
	done
	md_wait_cond 30 sentinels_ready || bail_out "the sentinels did not find each other and both replicas"
	ok "three sentinels watch the primary and both replicas"
}

# --- PostgreSQL: primary and a synchronous standby ---------------------------------------
start_pg_ha() {
	local port user
	md_start_postgres
	PG2=$T/pg2
	"$PGC" standby "$PG_DIR" "$PG2" >/dev/null 2>>"$T/pg-cluster.log" ||
		_md_start_failed standby "$T/pg-cluster.log"
	md_at_exit '"$PGC" stop "$PG2" 2>/dev/null'
	# Synchronous: a commit the worker saw (and acknowledged in the inbox
	# for) is on the standby too, or promoting it would lose issues.
	md_psql "ALTER SYSTEM SET synchronous_standby_names = '*'" >/dev/null
	md_psql "SELECT pg_reload_conf()" >/dev/null
	md_wait_cond 20 '[ "$(md_psql "SELECT sync_state FROM pg_stat_replication")" = sync ]' ||
		bail_out "the standby did not become synchronous"
	ok "streaming standby, synchronous"
	port=$(cat "$PG_DIR/port")
	user=$(cat "$PG_DIR/user")
	PG_CONNINFO="host=$PG_DIR,$PG2 port=$port,$port dbname=maildesk user=$user target_session_attrs=read-write connect_timeout=2"
	export PG_CONNINFO
}

common=(spf_enable=no rate_ip=0 rate_sender=0 rate_project=0 max_auto_mails_per_hour=0
	worker_claim_idle_ms=1000 retry_base_s=1 retry_max_s=2 relay_timeout_ms=5000)
case $MODE in
redis)
	start_redis_ha
	md_start_sink
	md_write_config "${common[@]}" redis_min_replicas=1 redis_replica_timeout_ms=500 \
		"redis_sentinels=127.0.0.1:${SPORT[0]}, 127.0.0.1:${SPORT[1]}, 127.0.0.1:${SPORT[2]}" \
		redis_master_name=desk "redis_sentinel_password=$SENTINEL_PW"
	# Nothing may reach the primary but through the sentinels.
	sed -i 's/^redis_port = .*/redis_port = 1/' "$MD_CONF"
	;;
pg)
	start_pg_ha
	md_start_redis
	md_start_sink
	md_write_config "${common[@]}" "web_static_dir=$top_srcdir/web/static"
	;;
*)	bail_out "FAILOVER must be redis or pg" ;;
esac
md_cli project add acme >/dev/null || bail_out "project add failed"

md_start_milter
md_start_postfix
declare -a WPID
for i in 0 1; do
	md_start_worker
	WPID[$i]=$WORKER_PID
	WORKER_PID=
done
md_at_exit 'for p in "${WPID[@]}"; do _md_stop_pid "$p" 5; done'

if [ "$MODE" = pg ]; then
	printf 'correct horse battery\n' >"$T/pw"
	md_cli user add alice --role admin --password-file "$T/pw" >/dev/null
	md_start_web
	curl -s -o /dev/null -D "$T/h" -d user=alice --data-urlencode 'password=correct horse battery' \
		"$WEB/api/login"
	cookie=$(sed -n 's/^Set-Cookie: *\(md_session=[^;]*\).*/\1/Ip' "$T/h" | tr -d '\r')
	web_me() { curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$WEB/api/me"; }
	is "$(web_me)" 200 "maildesk-web answers with a session"
fi

chaos_seed "$SMTP_PORT" $SEEDS "$N" "$RPCT"

# --- the load, and the kill ----------------------------------------------------------------
: >"$T/client.log"
CHAOS_PACE_MS=${FAILOVER_PACE_MS:-40} perl "$C/client.pl" "$T/all.list" "$S" "$SMTP_PORT" \
	"$T/client.log" &
client=$!
while ! _md_gone $client && [ "$(wc -l <"$T/client.log")" -lt "$KILL_AT" ]; do
	sleep 0.02
done
_md_gone $client && bail_out "the load ended before the kill (raise FAILOVER_N)"
if [ "$MODE" = redis ]; then
	old=$REDIS_PORT
	t_kill=$(now)
	kill -KILL "$REDIS_PID"
	_md_reap "$REDIS_PID" 5	# quietly: no "Killed" job notice in the TAP
	note "SIGKILL of the Redis primary (port $old) after $(wc -l <"$T/client.log") answers"
	md_wait_cond 60 '[ -n "$(master_port "$old")" ]'
	ok_rc $? "Sentinel promoted a replica"
	t_switch=$(now)
	REDIS_PORT=$(master_port "$old")
	REDIS_PID=
	note "new primary: port $REDIS_PORT, named by Sentinel $(elapsed "$t_kill" "$t_switch") s after the kill"
	# The old primary is gone for good: the harness must not stop it again.
else
	t_kill=$(now)
	md_kill_postgres
	# What the standby has is what counts (synchronous: every commit the
	# workers saw); it answers reads while it is still a standby.
	filed0=$(psql "host=$PG2 port=$(cat "$PG2/port") dbname=maildesk user=$(cat "$PG2/user")" \
		-X -At -c "SELECT count(*) FROM filed_messages")
	note "SIGKILL of the PostgreSQL primary after $(wc -l <"$T/client.log") answers ($filed0 messages filed)"
	( "$PGC" promote "$PG2" 2>>"$T/pg-cluster.log" && now >"$T/promoted" ) &
	promoter=$!
	# The first message filed on the new primary is the workers' reconnect.
	filed() { md_psql "SELECT count(*) FROM filed_messages" 2>/dev/null || echo 0; }
	md_wait_cond 60 '[ "$(filed)" -gt "$filed0" ]'
	ok_rc $? "the workers file again on the new primary"
	t_filing=$(now)
	wait $promoter
	ok_rc $? "standby promoted (pg_ctl promote)"
	t_switch=$(cat "$T/promoted")
	web_ok() { [ "$(web_me)" = 200 ]; }
	web_fail=0
	until web_ok; do
		web_fail=$((web_fail + 1))
		[ $web_fail -lt 50 ] || break
		sleep 0.1
	done
	t_web=$(now)
	ok_run "maildesk-web answers again with the same session ($web_fail failed requests first)" web_ok
	note "PostgreSQL failover: pg_ctl promote returned $(elapsed "$t_kill" "$t_switch") s after the kill, the workers filed again after $(elapsed "$t_kill" "$t_filing") s, maildesk-web answered after $(elapsed "$t_kill" "$t_web") s"
fi
wait $client
note "load done $(elapsed "$t_kill" "$(now)") s after the kill"

# How long the desk answered 4xx: first and last 4xx after the kill.
read -r first last n4xx < <(awk -F'\t' -v k="$t_kill" '$2 == "temp" && $NF >= k {
	if (!f) f = $NF; l = $NF; n++ } END { printf "%.2f %.2f %d\n", f ? f - k : 0, l ? l - k : 0, n }' \
	"$T/client.log")
first_ok=$(awk -F'\t' -v k="$t_kill" -v l="$last" '$2 == "ok" && $NF >= k + l { printf "%.2f\n", $NF - k }' \
	"$T/client.log" | sort -n | head -1)
if [ "$MODE" = redis ]; then
	note "Redis failover: the desk answered 4xx from +$first s to +$last s after the kill ($n4xx answers), next 250 at +${first_ok:-?} s"
	echo "$MODE down_after=$DOWN_AFTER kill_to_switch=$(elapsed "$t_kill" "$t_switch") first_4xx=$first last_4xx=$last next_250=${first_ok:-?} n4xx=$n4xx" >>"${FAILOVER_RESULTS:-/dev/null}"
	ok_run "the milter and the workers use the new primary" \
		test "$(rcli CLIENT LIST | grep -c 'user=maildesk-')" -gt 0
else
	is "$n4xx" 0 "the milter never noticed (it does not use PostgreSQL): no 4xx"
	echo "$MODE kill_to_promote=$(elapsed "$t_kill" "$t_switch") kill_to_filing=$(elapsed "$t_kill" "$t_filing") kill_to_web=$(elapsed "$t_kill" "$t_web")" >>"${FAILOVER_RESULTS:-/dev/null}"
fi
is "$(awk -F'\t' '$2 == "conn" || $2 == "perm"' "$T/client.log" | wc -l)" 0 \
	"every refusal was a 4xx (no 5xx, no broken connection)"

# --- resend what was refused, drain, judge ----------------------------------------------------
chaos_retry_refused "$SMTP_PORT"
chaos_verify "$MODE failover"
done_testing
