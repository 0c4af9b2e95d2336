#!/bin/bash
# chaos.sh - the reliability promises under SIGKILL (doc/reliability.md).
#
# Two Postfix instances, each with its own maildesk-milter, two workers,
# one Redis (AOF, appendfsync always) and one PostgreSQL (the tracker of
# record).  A client sends CHAOS_N messages (new requests with odd charsets
# and attachments, and replies to existing issues) over CHAOS_SESSIONS
# concurrent SMTP sessions while this script SIGKILLs the milters, the
# workers, redis-server and the postmaster at random moments and starts
# them again.  Afterwards every message the client saw refused is
# sent again until accepted, the worker drains, and the checks (on what
# PostgreSQL holds) are: every
# accepted Message-ID is exactly one issue (new requests) or one note
# (replies), no Message-ID twice, no confirmation twice in the sink, and
# every issue confirmed or noted as possibly not (a sender killed at the
# handover, see reliability.md promise 3).
#
# Run alone (TAP on stdout), from a build directory:
#	top_srcdir=/path/to/src top_builddir=. tests/chaos/chaos.sh
# Knobs: CHAOS_N (10000), CHAOS_SESSIONS (16), CHAOS_KILL_MIN_MS /
# CHAOS_KILL_MAX_MS (pause between kills, 300 / 2000), CHAOS_REPLY_PCT (20),
# CHAOS_PACE_MS (a session's mean pause between messages, 40), CHAOS_SEED,
# CHAOS_FSYNC (always), CHAOS_RETRY_S (how long refused
# messages are retried, 120).  tests/e2e/chaos_short.sh is the CI size.
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/harness/tap.sh"
: "${MD_TEST_TIMEOUT:=0}"
export MD_TEST_TIMEOUT
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"

N=${CHAOS_N:-10000}
S=${CHAOS_SESSIONS:-16}
KMIN=${CHAOS_KILL_MIN_MS:-300}
KMAX=${CHAOS_KILL_MAX_MS:-2000}
RPCT=${CHAOS_REPLY_PCT:-20}
SEEDS=20
C=$top_srcdir/tests/chaos
RANDOM=${CHAOS_SEED:-4242}
t0=$(date +%s)

md_start_redis --appendonly yes --appendfsync "${CHAOS_FSYNC:-always}"
md_start_sink
md_write_config spf_enable=no rate_ip=0 rate_sender=0 rate_project=0 \
	max_auto_mails_per_hour=0 worker_claim_idle_ms=1000 retry_base_s=1 \
	retry_max_s=2 relay_timeout_ms=5000
md_cli project add acme >/dev/null || bail_out "project add failed"

# --- two milters, two MTAs, two workers ---------------------------------------
declare -a MPORT MCONF MPID WPID SPORT
declare -A KILLS=([milter]=0 [worker]=0 [redis]=0 [postgres]=0)
MPORT[0]=$MILTER_PORT
MCONF[0]=$MD_CONF
MPORT[1]=$(md_free_port)
MCONF[1]=$T/maildesk2.conf
sed "s/^milter_socket = .*/milter_socket = inet:${MPORT[1]}@127.0.0.1/" \
	"$MD_CONF" >"${MCONF[1]}"

start_milter() {
	MD_CONF=${MCONF[$1]} MILTER_PORT=${MPORT[$1]} md_start_milter
	MPID[$1]=$MILTER_PID
	MILTER_PID=
}

start_worker() {
	md_start_worker
	WPID[$1]=$WORKER_PID
	WORKER_PID=
}

start_milter 0
start_milter 1
md_start_postfix smtpd_milters=inet:127.0.0.1:${MPORT[0]}
SPORT[0]=$SMTP_PORT
# The second MTA: the same instance setup in its own directory.
SPORT[1]=$(md_free_port)
_md_pf_prepare "$T/postfix2" "${SPORT[1]}" postfix2
sed -n '/^myhostname = mx/,$p' "$T/postfix/etc/main.cf" |
	sed "s/^smtpd_milters = .*/smtpd_milters = inet:127.0.0.1:${MPORT[1]}/" \
	>>"$T/postfix2/etc/main.cf"
_md_pf_start "$T/postfix2" "${SPORT[1]}" postfix2
md_at_exit '_md_pf_stop "$T/postfix2"'
start_worker 0
start_worker 1
md_at_exit 'for p in "${MPID[@]}" "${WPID[@]}"; do _md_stop_pid "$p" 5 KILL; done'

# --- seed issues (their reply keys are the replies' targets), the messages ---------
. "$C/verify.sh"
chaos_seed "${SPORT[0]}" $SEEDS "$N" "$RPCT"

# --- the storm -------------------------------------------------------------------
CHAOS_PACE_MS=${CHAOS_PACE_MS:-40} perl "$C/client.pl" "$T/all.list" "$S" "${SPORT[0]},${SPORT[1]}" "$T/client.log" &
client=$!
ts=$(date +%s)
while ! _md_gone $client; do
	sleep "$(printf '0.%03d' $((RANDOM % 1000)))"
	ms=$((KMIN + RANDOM % (KMAX - KMIN + 1)))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	_md_gone $client && break
	r=$((RANDOM % 10))
	if [ $r -lt 3 ]; then
		i=$((RANDOM % 2))
		kill -KILL "${MPID[$i]}" 2>/dev/null
		_md_reap "${MPID[$i]}" 5
		KILLS[milter]=$((KILLS[milter] + 1))
		start_milter $i
	elif [ $r -lt 6 ]; then
		i=$((RANDOM % 2))
		kill -KILL "${WPID[$i]}" 2>/dev/null
		_md_reap "${WPID[$i]}" 5
		KILLS[worker]=$((KILLS[worker] + 1))
		start_worker $i
	elif [ $r -lt 8 ]; then
		kill -KILL "$REDIS_PID" 2>/dev/null
		KILLS[redis]=$((KILLS[redis] + 1))
		md_restart_redis
	else
		# The postmaster and its backends die; the workers' transactions
		# in flight are lost and must be redone from the inbox.
		md_kill_postgres
		KILLS[postgres]=$((KILLS[postgres] + 1))
		md_restart_postgres
	fi
	echo "$(date +%s.%N) kill $r" >>"$T/kills.log"
done
wait $client
storm_s=$(($(date +%s) - ts))
note "storm: $storm_s s, kills: milter ${KILLS[milter]}, worker ${KILLS[worker]}, redis ${KILLS[redis]}, postgres ${KILLS[postgres]}"
ok_run "something was killed" test $((KILLS[milter] + KILLS[worker] + KILLS[redis] + KILLS[postgres])) -gt 0

# --- retry what was refused (as a real MTA would), drain, judge ----------------------
chaos_retry_refused "${SPORT[0]},${SPORT[1]}"
chaos_verify "kills: milter ${KILLS[milter]} worker ${KILLS[worker]} redis ${KILLS[redis]} postgres ${KILLS[postgres]}"
done_testing
