# lib.sh - the end-to-end test harness (sourced by tests/e2e/*.sh, bash).
#
# Every test gets a private directory $T and private servers on free
# 127.0.0.1 ports: Redis, the milter, a Postfix instance wired to the
# milter, a second Postfix acting as the outbound relay ("sink"), spamd,
# the worker, and dnsmasq inside a private network namespace.  An EXIT
# trap stops everything that was started (SIGKILL for what does not stop
# in time) and removes $T (MD_KEEP=1 keeps it).  Nothing touches the
# machine's own services, ports 25/6379 or systemd.
#
# Typical test:
#	. "$top_srcdir/tests/harness/tap.sh"
#	. "$top_srcdir/tests/harness/lib.sh"
#	md_start_redis
#	md_start_sink
#	md_write_config spf_enable=no	# also starts PostgreSQL and migrates
#	md_cli project add acme
#	md_start_milter
#	md_start_postfix
#	md_start_worker
#	md_swaks --to support+acme@desk.test --header "Subject: hi"
#	md_wait_sink 1
#	done_testing
#
# Variables set (all exported):
#	T		per-test directory (mode 755, removed at exit)
#	REDIS_PORT REDIS_SOCK REDIS_PID
#	PG_DIR PG_CONNINFO	the private PostgreSQL cluster ($T/pg, unix socket
#			only) and its libpq conninfo (database "maildesk")
#	MD_CONF		$T/maildesk.conf
#	MILTER_PORT MILTER_PID	(MILTER_WRAPPER="valgrind ..." is put in front)
#	SMTP_PORT	the Postfix that runs the milter
#	SINK_PORT	the Postfix that takes outbound mail (relay = smtp://127.0.0.1:SINK_PORT)
#	WORKER_PID	(WORKER_WRAPPER like MILTER_WRAPPER)
#	SPAMD_PORT SPAMD_PID
#	DNSMASQ_PID	(inside md_reexec_in_netns only)
# Logs: $T/redis.log pg/postgres.log milter.log worker.log postfix.log sink.log spamd.log
# dnsmasq.log; their tails are printed as TAP comments when a test fails.
#
# Redis runs with the users of contrib/redis-users.acl (a copy in
# $T/redis-users.acl with a generated password per user; "user default off"
# as shipped) and md_write_config gives each program its own user
# (milter_/worker_/web_/cli_redis_username and _password): a command or key a
# program's user lacks fails the test like any other bug.  The harness's own
# redis-cli calls (rcli, and the pings and SHUTDOWN here) log in as "admin".
# MD_REDIS_ACL=no (set before md_start_redis) runs Redis without users and
# the programs without credentials, for tests that need something else.
# md_redis_password USER prints a user's password; MD_REDIS_ADMIN_PASSWORD
# is admin's.
#
# Knobs: MD_KEEP=1 (keep $T), MD_TEST_TIMEOUT (seconds, default 300: the
# whole script bails out after it; 0 = no limit), MD_MILTER_BIN and
# MD_WORKER_BIN (other binaries with the same -f -c CONF interface).
#
# Order: md_start_redis before md_write_config (the config names its
# port); md_write_config before the programs that read it.  The first
# md_write_config starts PostgreSQL (md_start_postgres) unless it runs
# already and applies the schema with `maildesk db migrate`; MD_PG=no skips
# PostgreSQL altogether (milter-only tests), MD_PG_MIGRATE=no leaves the
# database empty (tests of the migration itself).  Helpers whose
# name starts with _md_ are internal, but tests/web/web.sh and some suites
# use _md_reap, _md_gone, _md_start_failed, _md_extra_pids and _md_started:
# keep those stable.

[ -n "${_MD_LIB_LOADED:-}" ] && return 0
_MD_LIB_LOADED=1

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=${BUILD_DIR:-$top_srcdir/build}}"
export top_srcdir top_builddir

# shellcheck source=tap.sh
. "$top_srcdir/tests/harness/tap.sh"

PATH=$PATH:/usr/sbin:/sbin
export PATH

T=$(mktemp -d "${TMPDIR:-/tmp}/maildesk-test.XXXXXX") || bail_out "mktemp failed"
# Postfix daemons and the Maildir owner (nobody) must traverse it.
chmod 755 "$T"
export T

# State inherited from a parent test (these are exported) must not make us
# use or stop its servers.
unset REDIS_PORT REDIS_SOCK REDIS_PID MD_CONF MILTER_PORT MILTER_PID SMTP_PORT \
	SINK_PORT WORKER_PID SPAMD_PORT SPAMD_PID DNSMASQ_PID MD_SPAWN_PID \
	PG_DIR PG_CONNINFO MD_REDIS_ADMIN_PASSWORD

_md_ports=" "
_md_extra_pids=()
_md_at_exit=()
_md_started=0
_md_pg_running=0
_md_pg_migrated=0
_md_redis_acl=0

# --- small tools -------------------------------------------------------------

# md_free_port: prints a free TCP port on 127.0.0.1, never one handed out
# before in this test (the kernel may offer a just-closed port again).
md_free_port() {
	local p i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		p=$(perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1,
		    LocalAddr => "127.0.0.1", LocalPort => 0, ReuseAddr => 1)->sockport')
		case $_md_ports in
		*" $p "*) continue ;;
		esac
		_md_ports="$_md_ports$p "
		echo "$p"
		return 0
	done
	bail_out "no free port found"
}

# md_wait_port PORT [TIMEOUT_S [PID]]: polls a TCP connect to 127.0.0.1:PORT;
# fails early when PID (the server being waited for) has died.
md_wait_port() {
	perl -MIO::Socket::INET -MTime::HiRes=sleep,time -e '
		my ($port, $timeout, $pid) = @ARGV;
		my $end = time + $timeout;
		while (time < $end) {
			exit 0 if IO::Socket::INET->new(PeerAddr => "127.0.0.1",
			    PeerPort => $port, Timeout => 1);
			if ($pid) {
				exit 2 unless kill 0, $pid;
				if (open my $fh, "<", "/proc/$pid/status") {
					local $/; exit 2 if <$fh> =~ /^State:\s*Z/m;
				}
			}
			sleep 0.02;
		}
		exit 1' "$1" "${2:-10}" "${3:-}"
}

# _md_gone PID: true when PID no longer runs (absent or a zombie).
_md_gone() {
	[ -e "/proc/$1" ] || return 0
	grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# _md_reap PID TIMEOUT_S: waits for PID to end, SIGKILLs it after the
# timeout.  Returns 0 when it ended by itself.
_md_reap() {
	_md_reap2 "$@" 2>/dev/null	# no "Killed" job notices in the log
}

_md_reap2() {
	local pid=$1 n=$(($2 * 20)) rc=0
	while [ $n -gt 0 ] && ! _md_gone "$pid"; do
		sleep 0.05
		n=$((n - 1))
	done
	if ! _md_gone "$pid"; then
		kill -KILL "$pid" 2>/dev/null
		rc=1
		n=100
		while [ $n -gt 0 ] && ! _md_gone "$pid"; do
			sleep 0.05
			n=$((n - 1))
		done
	fi
	wait "$pid" 2>/dev/null
	return $rc
}

# _md_stop_pid PID TIMEOUT_S [SIGNAL]: signal (TERM), then _md_reap.
_md_stop_pid() {
	[ -n "$1" ] || return 0
	kill -"${3:-TERM}" "$1" 2>/dev/null
	_md_reap "$1" "$2"
}

# _md_start_failed NAME LOG: reports why a server did not come up and stops.
_md_start_failed() {
	diag "$1 did not start; last lines of $2:"
	[ -f "$2" ] && diag "$(tail -n 30 "$2")"
	bail_out "$1 did not start"
}

# md_spawn CMD [ARG...]: runs CMD in the background (output to
# $T/spawn.log), stopped at exit like the servers; prints nothing, sets
# MD_SPAWN_PID.
md_spawn() {
	"$@" </dev/null >>"$T/spawn.log" 2>&1 &
	MD_SPAWN_PID=$!
	_md_extra_pids+=("$MD_SPAWN_PID")
	_md_started=1
}

# md_at_exit CMD: runs CMD (a string, eval'd) during cleanup, before the
# servers are stopped.
md_at_exit() {
	_md_at_exit+=("$1")
}

# --- Redis ---------------------------------------------------------------------

# The programs' users, each named by its config key prefix.
_md_redis_roles="milter worker web cli"

# md_start_redis [redis-server ARGS]: TCP 127.0.0.1:$REDIS_PORT plus the unix
# socket $REDIS_SOCK, no persistence unless ARGS say otherwise (later
# arguments win, e.g. --appendonly yes --appendfsync always).  Unless
# MD_REDIS_ACL=no, with the users of contrib/redis-users.acl.
md_start_redis() {
	_md_redis_args=("$@")
	[ -n "${REDIS_PORT:-}" ] || REDIS_PORT=$(md_free_port)
	REDIS_SOCK=$T/redis.sock
	export REDIS_PORT REDIS_SOCK
	mkdir -p "$T/redis"
	if [ "${MD_REDIS_ACL:-yes}" != no ]; then
		_md_redis_acl_file
		_md_redis_args=(--aclfile "$T/redis-users.acl" "${_md_redis_args[@]}")
	fi
	_md_redis_launch
}

# _md_redis_acl_file: $T/redis-users.acl, the shipped file with a random
# password added at the end of each user that is "on" (after its
# "resetpass"); sets MD_REDIS_ADMIN_PASSWORD.  Made once per test, so a
# restarted Redis has the same users.
_md_redis_acl_file() {
	local src=$top_srcdir/contrib/redis-users.acl line
	_md_redis_acl=1
	[ -s "$T/redis-users.acl" ] || {
		[ -r "$src" ] || bail_out "no $src"
		(
			umask 077
			while IFS= read -r line; do
				case $line in
				"user "*" on "*)
					printf '%s >%s\n' "$line" \
						"$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" ;;
				*)	printf '%s\n' "$line" ;;
				esac
			done <"$src" >"$T/redis-users.acl"
		) || bail_out "cannot write $T/redis-users.acl"
	}
	MD_REDIS_ADMIN_PASSWORD=$(md_redis_password admin)
	[ -n "$MD_REDIS_ADMIN_PASSWORD" ] || bail_out "$src has no user admin"
	export MD_REDIS_ADMIN_PASSWORD
}

# md_redis_password USER: USER's password in $T/redis-users.acl (nothing
# when Redis runs without users).
md_redis_password() {
	[ -f "$T/redis-users.acl" ] || return 0
	sed -n "s/^user $1 on .* >\([0-9a-f]*\)\$/\1/p" "$T/redis-users.acl"
}

_md_redis_launch() {
	redis-server --bind 127.0.0.1 --port "$REDIS_PORT" \
		--unixsocket "$REDIS_SOCK" --unixsocketperm 770 \
		--dir "$T/redis" --save '' --appendonly no --daemonize no \
		--logfile "$T/redis.log" "${_md_redis_args[@]}" \
		</dev/null >>"$T/redis.log" 2>&1 &
	REDIS_PID=$!
	export REDIS_PID
	_md_started=1
	local n=500
	until rcli ping 2>/dev/null | grep -q PONG; do
		n=$((n - 1))
		if [ $n -le 0 ] || _md_gone "$REDIS_PID"; then
			_md_start_failed redis "$T/redis.log"
		fi
		sleep 0.02
	done
}

# rcli ARGS: redis-cli on $REDIS_PORT, as "admin" when Redis has users (the
# password goes in the environment, not on the command line).
rcli() {
	if [ -n "${MD_REDIS_ADMIN_PASSWORD:-}" ]; then
		REDISCLI_AUTH=$MD_REDIS_ADMIN_PASSWORD redis-cli -p "$REDIS_PORT" --user admin "$@"
	else
		redis-cli -p "$REDIS_PORT" "$@"
	fi
}

# md_stop_redis: SHUTDOWN NOSAVE and wait; also reaps a Redis that was
# shut down by someone else (e.g. a miltertest script).
md_stop_redis() {
	[ -n "${REDIS_PID:-}" ] || return 0
	_md_gone "$REDIS_PID" || rcli shutdown nosave >/dev/null 2>&1
	_md_reap "$REDIS_PID" 10
	REDIS_PID=
}

# md_restart_redis: same port, socket, directory and arguments (so an AOF
# written before is loaded again).
md_restart_redis() {
	md_stop_redis
	_md_redis_launch
}

# --- PostgreSQL ------------------------------------------------------------------

# md_start_postgres: a private cluster in $PG_DIR ($T/pg) made and run by
# tests/harness/pg-cluster (initdb the first time, unix socket inside the
# directory, no TCP), with an empty database "maildesk"; sets PG_CONNINFO.
# pg_ctl -w returns once the server accepts connections.  Stopped at exit.
md_start_postgres() {
	[ -n "${PG_CONNINFO:-}" ] && return 0
	PG_DIR=$T/pg
	_md_started=1
	_md_pg_running=1
	PG_CONNINFO=$("$top_srcdir/tests/harness/pg-cluster" start "$PG_DIR" 2>"$T/pg-cluster.log") ||
		_md_start_failed postgres "$T/pg-cluster.log"
	export PG_DIR PG_CONNINFO
}

# md_stop_postgres: fast shutdown (open connections are cut), waits.
md_stop_postgres() {
	[ -n "${PG_DIR:-}" ] && [ "${_md_pg_running:-0}" = 1 ] || return 0
	"$top_srcdir/tests/harness/pg-cluster" stop "$PG_DIR" 2>>"$T/pg-cluster.log"
	_md_pg_running=0
}

# md_kill_postgres: SIGKILL of the postmaster (a crash); returns when its
# backends are gone too.
md_kill_postgres() {
	[ -n "${PG_DIR:-}" ] || return 0
	"$top_srcdir/tests/harness/pg-cluster" kill "$PG_DIR" 2>>"$T/pg-cluster.log"
	_md_pg_running=0
}

# md_restart_postgres: starts the same cluster again (after a stop or a
# kill: crash recovery runs first); returns when it accepts connections.
md_restart_postgres() {
	[ -n "${PG_DIR:-}" ] || bail_out "md_restart_postgres before md_start_postgres"
	[ "${_md_pg_running:-0}" = 1 ] && md_stop_postgres
	_md_pg_running=1
	"$top_srcdir/tests/harness/pg-cluster" restart "$PG_DIR" 2>>"$T/pg-cluster.log" ||
		_md_start_failed postgres "$PG_DIR/postgres.log"
}

md_postgres_alive() {
	[ "${_md_pg_running:-0}" = 1 ] && md_psql 'SELECT 1' >/dev/null 2>&1
}

# md_psql SQL [NAME=VALUE ...]: runs SQL in the maildesk database, unaligned
# and tuples only (-At), stops at the first error (exit status 3).  Values
# are passed as psql variables, so quote them in the SQL as :'NAME' (a
# literal) and never paste them in:
#	md_psql "SELECT count(*) FROM issues WHERE project = :'p'" p=acme
md_psql() {
	local sql=$1 kv
	local -a vars=()
	shift
	for kv in "$@"; do
		vars+=(-v "$kv")
	done
	printf '%s\n' "$sql" |
		psql "${PG_CONNINFO:?md_psql before md_start_postgres}" -X -q -At \
			-v ON_ERROR_STOP=1 "${vars[@]}"
}

# md_db_migrate: applies the schema with `maildesk db migrate` (the
# migrations compiled into the programs).  Called by md_write_config.
md_db_migrate() {
	local out rc
	# Without a built CLI (the harness's own test) psql does it.
	[ -x "$top_builddir/cli/maildesk" ] || { _md_db_migrate_psql; return; }
	out=$(md_cli db migrate 2>&1)
	rc=$?
	if [ $rc = 2 ] && printf '%s' "$out" | grep -q 'unknown command'; then
		# A CLI without the command yet: the same, done with psql.
		_md_db_migrate_psql
		return
	fi
	[ $rc = 0 ] || { diag "maildesk db migrate: $out"; return 1; }
}

_md_db_migrate_psql() {
	local f base v
	md_psql 'CREATE TABLE IF NOT EXISTS md_schema (version integer PRIMARY KEY,
		name text NOT NULL, applied bigint NOT NULL)' || return 1
	for f in "$top_srcdir"/db/migrations/[0-9]*.sql; do
		base=$(basename "$f" .sql)
		v=$((10#${base%%_*}))
		[ "$(md_psql "SELECT count(*) FROM md_schema WHERE version = $v")" = 0 ] ||
			continue
		{
			echo "BEGIN;"
			cat "$f"
			echo "INSERT INTO md_schema VALUES ($v, '$base', extract(epoch FROM now())::bigint);"
			echo "COMMIT;"
		} | psql "$PG_CONNINFO" -X -q -v ON_ERROR_STOP=1 >/dev/null || return 1
	done
}

# --- configuration ---------------------------------------------------------------

# md_write_config [key=value ...]: (re)writes $MD_CONF.  Ports stay the same
# across calls; the relay always points at the sink port, even before the
# sink runs, so outbound mail never reaches a real MTA.
md_write_config() {
	local kv key line i found
	local -a lines
	MD_CONF=$T/maildesk.conf
	[ "${MD_PG:-yes}" = no ] || md_start_postgres
	[ -n "${MILTER_PORT:-}" ] || MILTER_PORT=$(md_free_port)
	[ -n "${SINK_PORT:-}" ] || SINK_PORT=$(md_free_port)
	export MD_CONF MILTER_PORT SINK_PORT
	lines=(
		"redis_host = 127.0.0.1"
		"redis_port = ${REDIS_PORT:-6379}"
		"database = ${PG_CONNINFO:-}"
		"milter_socket = inet:$MILTER_PORT@127.0.0.1"
		"desk_domain = desk.test"
		"relay = smtp://127.0.0.1:$SINK_PORT"
		"worker_block_ms = 200"
		"redis_command_timeout_ms = 1000"
		"log_debug = yes"
		# No DKIM/DMARC DNS outside the tests that give it a resolver
		# (trust_dmarc.sh): the machine's resolver may never answer.
		# Records then say sender_auth=skipped, which the worker treats
		# as unauthenticated (replies flagged unverified_sender, never
		# forwarded; no answer by email posted).  A test about something
		# else that needs authenticated mail through Postfix sets
		# trusted_networks=127.0.0.0/8 (sender_auth=yes for loopback).
		"sender_auth_check = no"
	)
	[ -n "${REDIS_PORT:-}" ] || lines[1]="# redis_port: md_start_redis was not called"
	# Each program as its own Redis user.  The shared keys serve only
	# what has no role of its own: tests/web/mkissue, which files requests
	# in-process as the worker does, so they name the worker's user (a
	# program that forgot its role would then lack the view's or the
	# inbox's rights and fail).
	if [ "$_md_redis_acl" = 1 ]; then
		lines+=("redis_username = maildesk-worker"
			"redis_password = $(md_redis_password maildesk-worker)")
		for i in $_md_redis_roles; do
			lines+=("${i}_redis_username = maildesk-$i"
				"${i}_redis_password = $(md_redis_password "maildesk-$i")")
		done
	fi
	[ -n "${PG_CONNINFO:-}" ] || lines[2]="# database: PostgreSQL was not started (MD_PG=no)"
	for kv in "$@"; do
		case $kv in
		*=*) ;;
		*) bail_out "md_write_config: '$kv' is not key=value" ;;
		esac
		key=${kv%%=*}
		found=0
		for i in "${!lines[@]}"; do
			line=${lines[$i]}
			if [ "${line%% = *}" = "$key" ]; then
				lines[$i]="$key = ${kv#*=}"
				found=1
			fi
		done
		[ $found = 1 ] || lines+=("$key = ${kv#*=}")
	done
	# Mode 600: it holds passwords (the programs warn otherwise).
	(
		umask 077
		{
			echo "# written by tests/harness/lib.sh"
			printf '%s\n' "${lines[@]}"
		} >"$MD_CONF"
	)
	if [ -n "${PG_CONNINFO:-}" ] && [ "${MD_PG_MIGRATE:-yes}" != no ] &&
	    [ "${_md_pg_migrated:-0}" = 0 ]; then
		md_db_migrate || bail_out "the schema could not be applied"
		_md_pg_migrated=1
	fi
}

# --- milter ------------------------------------------------------------------------

# md_start_milter [extra args]: maildesk-milter -f -c $MD_CONF in the
# foreground, output to $T/milter.log; returns when it accepts connections.
md_start_milter() {
	local bin=${MD_MILTER_BIN:-$top_builddir/milter/maildesk-milter} timeout=15
	[ -n "${MD_CONF:-}" ] || md_write_config
	[ -x "$bin" ] || bail_out "no milter binary $bin (build first)"
	[ -n "${MILTER_WRAPPER:-}" ] && timeout=120
	# shellcheck disable=SC2086 # the wrapper is a command line
	${MILTER_WRAPPER:-} "$bin" -f -c "$MD_CONF" "$@" </dev/null >>"$T/milter.log" 2>&1 &
	MILTER_PID=$!
	export MILTER_PID
	_md_started=1
	md_wait_port "$MILTER_PORT" "$timeout" "$MILTER_PID" ||
		_md_start_failed milter "$T/milter.log"
}

# md_stop_milter [--graceful]: SIGKILL by default (libmilter needs ~5 s to
# leave smfi_main after SIGTERM); SIGTERM and a wait with --graceful or when
# MILTER_WRAPPER is set (valgrind must write its report).  Returns the
# milter's exit status when graceful.
md_stop_milter() {
	local rc=0
	[ -n "${MILTER_PID:-}" ] || return 0
	if [ "${1:-}" = --graceful ] || [ -n "${MILTER_WRAPPER:-}" ]; then
		kill -TERM "$MILTER_PID" 2>/dev/null
		_md_reap "$MILTER_PID" 30 || diag "milter needed SIGKILL"
		wait "$MILTER_PID" 2>/dev/null
		rc=$?
	else
		_md_stop_pid "$MILTER_PID" 5 KILL
	fi
	MILTER_PID=
	return $rc
}

md_milter_alive() {
	[ -n "${MILTER_PID:-}" ] && ! _md_gone "$MILTER_PID"
}

# --- worker -----------------------------------------------------------------------------

# md_start_worker [extra args]: maildesk-worker -f -c $MD_CONF, output to
# $T/worker.log.  Waits until the worker reads the inbox (a client blocked
# in XREADGROUP, or a consumer in the group), at most 5 s; a worker that
# dies is fatal.
md_start_worker() {
	# Up to 20 s: on a loaded CI machine the worker may take a while.
	local bin=${MD_WORKER_BIN:-$top_builddir/worker/maildesk-worker} n=400 prefix
	[ -n "${MD_CONF:-}" ] || md_write_config
	[ -x "$bin" ] || bail_out "no worker binary $bin (build first)"
	# shellcheck disable=SC2086 # the wrapper is a command line
	${WORKER_WRAPPER:-} "$bin" -f -c "$MD_CONF" "$@" </dev/null >>"$T/worker.log" 2>&1 &
	WORKER_PID=$!
	export WORKER_PID
	_md_started=1
	prefix=$(sed -n 's/^redis_prefix = //p' "$MD_CONF")
	[ -n "${WORKER_WRAPPER:-}" ] && n=1200
	while [ $n -gt 0 ]; do
		_md_gone "$WORKER_PID" && _md_start_failed worker "$T/worker.log"
		# Redis 7.0 creates the consumer only once it is served, so a
		# worker blocked in XREADGROUP is seen in CLIENT LIST instead.
		rcli CLIENT LIST 2>/dev/null | grep -q 'cmd=xreadgroup' && return 0
		rcli XINFO CONSUMERS "${prefix:-maildesk:}inbox" workers 2>/dev/null |
			grep -q . && return 0
		sleep 0.05
		n=$((n - 1))
	done
	note "worker runs but was not seen reading ${prefix:-maildesk:}inbox yet"
}

# md_stop_worker: SIGTERM, wait up to 10 s (then SIGKILL, returns 1).
md_stop_worker() {
	local rc=0
	[ -n "${WORKER_PID:-}" ] || return 0
	kill -TERM "$WORKER_PID" 2>/dev/null
	_md_reap "$WORKER_PID" 10 || { diag "worker needed SIGKILL"; rc=1; }
	WORKER_PID=
	return $rc
}

# md_kill_worker: SIGKILL (a crash).
md_kill_worker() {
	[ -n "${WORKER_PID:-}" ] || return 0
	_md_stop_pid "$WORKER_PID" 5 KILL
	WORKER_PID=
}

md_worker_alive() {
	[ -n "${WORKER_PID:-}" ] && ! _md_gone "$WORKER_PID"
}

# --- spamd ----------------------------------------------------------------------------------

# md_start_spamd: SpamAssassin's spamd on 127.0.0.1:$SPAMD_PORT, offline
# (-L), no Bayes, no user config, one child; ready when it answers PING.
md_start_spamd() {
	local n=600
	command -v spamd >/dev/null || bail_out "spamd is not installed"
	[ -n "${SPAMD_PORT:-}" ] || SPAMD_PORT=$(md_free_port)
	export SPAMD_PORT
	install -d -m 755 "$T/spamd"
	spamd --listen="127.0.0.1:$SPAMD_PORT" --allowed-ips=127.0.0.1 --local \
		--nouser-config --username=nobody --helper-home-dir="$T/spamd" \
		--max-children=1 --min-children=1 \
		--cf='use_bayes 0' --cf='bayes_auto_learn 0' \
		--pidfile="$T/spamd/spamd.pid" --syslog=stderr \
		</dev/null >>"$T/spamd.log" 2>&1 &
	SPAMD_PID=$!
	export SPAMD_PID
	_md_started=1
	until spamc -d 127.0.0.1 -p "$SPAMD_PORT" -K >/dev/null 2>&1; do
		n=$((n - 1))
		if [ $n -le 0 ] || _md_gone "$SPAMD_PID"; then
			_md_start_failed spamd "$T/spamd.log"
		fi
		sleep 0.05
	done
}

md_stop_spamd() {
	[ -n "${SPAMD_PID:-}" ] || return 0
	_md_stop_pid "$SPAMD_PID" 10
	SPAMD_PID=
}

# Postfix (MTA under test and sink) and DNS namespaces live in their own files.
# shellcheck source=postfix.sh
. "$top_srcdir/tests/harness/postfix.sh"
# shellcheck source=netns.sh
. "$top_srcdir/tests/harness/netns.sh"

# --- CLI ----------------------------------------------------------------------------------------

md_cli() {
	"$top_builddir/cli/maildesk" -c "$MD_CONF" "$@"
}

# md_cli_run CMD...: runs md_cli, sets OUT (stdout), ERR (stderr) and RC.
md_cli_run() {
	OUT=$(md_cli "$@" 2>"$T/stderr")
	RC=$?
	ERR=$(cat "$T/stderr")
}

# --- watchdog and cleanup ----------------------------------------------------------------------

# A hung test must not hang `make check`: after MD_TEST_TIMEOUT seconds the
# watchdog sends SIGTERM to the test script (whose trap prints a bail-out
# line and cleans up) and, 2 s later, SIGKILL to the script's children so a
# blocked foreground command cannot delay that.  It never holds the TAP
# pipe open (stdout is /dev/null).
_md_watchdog_start() {
	local me=$$ limit=${MD_TEST_TIMEOUT:-300}
	(
		s=
		trap '[ -n "$s" ] && kill -TERM "$s" 2>/dev/null; exit 0' TERM
		sleep "$limit" &
		s=$!
		wait "$s"
		kill -TERM "$me" 2>/dev/null
		sleep 2 &
		s=$!
		wait "$s"
		for p in $(ps -o pid= --ppid "$me"); do
			[ "$p" = "$BASHPID" ] || kill -KILL "$p" 2>/dev/null
		done
	) </dev/null >/dev/null 2>&1 &
	_md_watchdog=$!
}

_md_watchdog_stop() {
	[ -n "${_md_watchdog:-}" ] || return 0
	kill -TERM "$_md_watchdog" 2>/dev/null
	wait "$_md_watchdog" 2>/dev/null
	_md_watchdog=
}

# When a test failed or died, the tails of the logs go into its .log.
_md_dump_logs() {
	local f
	for f in "$T"/*.log "$T"/pg/postgres.log; do
		[ -s "$f" ] || continue
		diag "---- last lines of ${f##*/} ----"
		diag "$(tail -n 25 "$f")"
	done
}

_md_cleanup() {
	local rc=$? c p
	trap - EXIT INT TERM HUP
	trap '' PIPE	# stdout may be gone; cleaning up matters more
	for c in "${_md_at_exit[@]}"; do
		eval "$c"
	done
	if [ "$TAP_FAILED" -gt 0 ] || [ "$_md_tap_done" = 0 ]; then
		_md_dump_logs
	fi
	[ -n "${WORKER_PID:-}" ] && _md_stop_pid "$WORKER_PID" 5
	if [ -n "${MILTER_PID:-}" ]; then
		if [ -n "${MILTER_WRAPPER:-}" ]; then	# let valgrind report
			_md_stop_pid "$MILTER_PID" 30 TERM
		else
			_md_stop_pid "$MILTER_PID" 5 KILL
		fi
	fi
	_md_pf_stop "$T/postfix"
	_md_pf_stop "$T/sinkpf"
	[ -n "${SPAMD_PID:-}" ] && _md_stop_pid "$SPAMD_PID" 5
	for p in "${_md_extra_pids[@]}"; do
		_md_stop_pid "$p" 5
	done
	md_stop_redis
	md_stop_postgres
	md_stop_dns
	_md_watchdog_stop
	if [ -n "${MD_KEEP:-}" ]; then
		echo "# kept $T" >&2
	else
		rm -rf "$T"
	fi
	exit $rc
}

trap _md_cleanup EXIT
trap 'echo "Bail out! SIGTERM (MD_TEST_TIMEOUT is ${MD_TEST_TIMEOUT:-300} s)"; exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP
trap 'exit 141' PIPE
[ "${MD_TEST_TIMEOUT:-300}" = 0 ] || _md_watchdog_start
