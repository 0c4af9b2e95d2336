#!/bin/bash
# worker_bench.sh - how fast maildesk-worker turns inbox records into issues
# in PostgreSQL (fsync and synchronous_commit on, one transaction per inbox
# read), against two baselines of the same run: plain 10 KB XADDs on the
# same kind of Redis (AOF everysec), and one MTA's desk SMTP path (Postfix +
# maildesk-milter, tests/bench/smtp_bench.sh CONFIGS=desk; DESK=0 skips it).
# The worker should never be what limits a mail server: issues/s over the
# desk path's msgs/s is the number to watch (expected >= 2).
#
#   sudo BUILD=/path/to/build tests/bench/worker_bench.sh
#   sudo BUILDS="/tmp/old /tmp/new" REPS=5 tests/bench/worker_bench.sh   (A/B)
#
# One run = a fresh redis-server (new directory, empty AOF), the XADD
# baseline (redis-benchmark, 20 clients, no pipelining), NREC records shaped
# like the milter's (10 KB text and 10 KB raw message, distinct
# Message-IDs, 100 customers) put into the inbox while no worker runs, then
# WORKERS workers started, and the XADD baseline again.  issues/s = NREC /
# time from starting the workers to the last issue filed; ratio = issues/s
# over the mean of the two baselines of the same run.  Confirmations go to a
# local smtp-sink (one per issue until max_auto_mails_per_hour holds back a
# customer's 21st); the outbox may still be sending when the last issue is
# filed.  Each repetition runs every build of BUILDS once, the first build
# rotating; the summary gives medians per build.  Prints numbers, judges
# nothing.  The machine's speed drifts (other guests share its CPUs): only
# ratios within one run and builds compared in one invocation mean much.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILDS=${BUILDS:-${BUILD:-$top/build}}
NREC=${NREC:-10000}; NX=${NX:-20000}; L=${L:-10240}; WORKERS=${WORKERS:-2}; REPS=${REPS:-3}
RAW_BODY=${RAW_BODY:-1}	# 0: the raw field holds only the headers (what the body costs)
NOCONF=${NOCONF:-0}	# 1: records without envelope sender, so no confirmations
# Redis' automatic AOF rewrite (a fork with copy-on-write, mid-measurement).
# 0 = off (the default), 100 = Redis' own.
AOF_REWRITE=${AOF_REWRITE:-0}
WORKER_PREFIX=${WORKER_PREFIX:-}	# e.g. "strace -c -f -o FILE"
ATT=${ATT:-0}		# bytes of attachment per record (0: none)
DESK=${DESK:-1}		# 1: measure the desk SMTP path once, as the second baseline
VERBOSE=${VERBOSE:-0}	# 1: Redis commands per issue after each run
builds=()
for b in $BUILDS; do
	b=$(cd "$b" && pwd)
	for p in worker/maildesk-worker cli/maildesk; do
		[ -x "$b/$p" ] || { echo "build first: no $b/$p" >&2; exit 1; }
	done
	builds+=("$b")
done

W=$(mktemp -d /tmp/mdwbench.XXXXXX)
pids=()
REDIS_PID=
PGC="$top/tests/harness/pg-cluster"
cleanup() {
	"$PGC" stop "$W/pg" >/dev/null 2>&1 || true
	for p in "${pids[@]}" $REDIS_PID; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
log() { echo "[$(date +%T)] $*" >&2; }
read -r RPORT SPORT < <(perl -MIO::Socket::INET -e 'my @s = map { IO::Socket::INET->new(Listen => 1,
	LocalAddr => "127.0.0.1", LocalPort => 0, ReuseAddr => 1) } 1..2;
	print join(" ", map { $_->sockport } @s), "\n"')
rcli() { redis-cli -p "$RPORT" "$@"; }
waitfor() {	# seconds command... : poll until the command succeeds
	local end=$((SECONDS + $1)); shift
	until "$@"; do [ "$SECONDS" -lt "$end" ] || { echo "timed out: $*" >&2; exit 1; }; sleep 0.02; done
}
listening() { ss -ltnH "sport = :$1" | grep -q LISTEN; }
smtp-sink -u nobody "127.0.0.1:$SPORT" 100 & pids+=($!)
waitfor 10 listening "$SPORT"

chmod 755 "$W"	# the postgres user must reach its cluster directory
conf() {	# the config for the cluster started last
	cat > "$W/maildesk.conf" <<-CF
	redis_port = $RPORT
	database = $PG
	desk_domain = desk.test
	relay = smtp://127.0.0.1:$SPORT
	CF
}

# The records, built once: the same bytes for every run.
perl "$here/records.pl" "$NREC" "$L" "$RAW_BODY" "$NOCONF" "$ATT" >"$W/records.resp"

# The desk SMTP path of one MTA, measured once for the whole invocation.
desk_rate=0
if [ "$DESK" = 1 ]; then
	log "desk SMTP path baseline (smtp_bench.sh CONFIGS=desk)"
	BUILD=${builds[0]} CONFIGS=desk REPS=1 MEM=0 LAT_N=0 LONG=0 N=${DESK_N:-3000} R="$W/smtp" \
		"$here/smtp_bench.sh" >"$W/smtp.log" 2>&1 || log "WARN: smtp_bench failed: $(tail -3 "$W/smtp.log")"
	desk_rate=$(awk -F'\t' '$2 == "desk" {print $5}' "$W/smtp/results.tsv" 2>/dev/null | head -1 || true)
	desk_rate=${desk_rate:-0}
	log "desk SMTP path: $desk_rate msgs/s"
fi

ticks() {	# pids... -> utime+stime summed
	local p t=0
	for p in "$@"; do t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}'))); done
	echo "$t"
}
xadd_baseline() {	# -> ops/s of 10 KB XADDs, 20 clients
	local v; v=$(head -c "$L" /dev/zero | tr '\0' x)
	redis-benchmark -p "$RPORT" -n "$NX" -c 20 -P 1 --csv XADD mdbench:xadd '*' f "$v" |
		awk -F'"' 'NR == 2 {print $4}'
	rcli DEL mdbench:xadd >/dev/null
}
redis_start() {
	rm -rf "$W/redis"; mkdir "$W/redis"
	redis-server --bind 127.0.0.1 --port "$RPORT" --dir "$W/redis" --save '' --appendonly yes \
		--appendfsync everysec --auto-aof-rewrite-percentage "$AOF_REWRITE" \
		--logfile "$W/redis.log" & REDIS_PID=$!
	until rcli ping 2>/dev/null | grep -q PONG; do sleep 0.02; done
}
redis_stop() {
	kill -TERM "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null || true; REDIS_PID=
}
pg_start() {	# a fresh cluster per run, durable commits
	"$PGC" stop "$W/pg" >/dev/null 2>&1 || true
	rm -rf "$W/pg"
	PG=$(MD_PG_FSYNC=on "$PGC" start "$W/pg")
	conf
}
psqlq() { psql "$PG" -Atq "$@"; }
issues() { psqlq -c "SELECT count(*) FROM issues WHERE project = 'bench'"; }

# run BUILD: one measurement, one line of results.tsv.
run() {
	local b=$1 x0 x1 t0 t1 w1 r0 r1 k n last still cmd0 cmd1 wks=()
	redis_start
	pg_start
	x0=$(xadd_baseline)
	"$b/cli/maildesk" -c "$W/maildesk.conf" db migrate >/dev/null
	"$b/cli/maildesk" -c "$W/maildesk.conf" project add bench >/dev/null
	rcli --pipe <"$W/records.resp" >/dev/null
	[ "$(rcli XLEN maildesk:inbox)" = "$NREC" ] || { echo "inbox not filled" >&2; exit 1; }
	cmd0=$(rcli INFO commandstats | tr -d '\r' | grep '^cmdstat_')
	r0=$(ticks "$REDIS_PID")
	t0=$(date +%s%N)
	for k in $(seq "$WORKERS"); do
		$WORKER_PREFIX "$b/worker/maildesk-worker" -f -c "$W/maildesk.conf" 2>>"$W/worker.log" &
		wks+=($!)
	done
	last=0; still=0
	# Polled every 0.1 s: each poll is a psql process and a backend, which
	# would take the CPU the worker is measured on if done more often.
	while n=$(issues); [ "$n" -lt "$NREC" ]; do
		sleep 0.1
		if [ "$n" = "$last" ]; then still=$((still + 1)); else still=0; last=$n; fi
		[ "$still" -lt 100 ] || { log "WARN: no progress for 10 s at $n issues"; break; }
	done
	t1=$(date +%s%N); w1=$(ticks "${wks[@]}"); r1=$(ticks "$REDIS_PID")
	cmd1=$(rcli INFO commandstats | tr -d '\r' | grep '^cmdstat_')
	kill -TERM "${wks[@]}"; wait "${wks[@]}" 2>/dev/null || true
	x1=$(xadd_baseline)
	[ "$(rcli XLEN maildesk:dead)" = 0 ] || log "WARN: dead letters: $(rcli XLEN maildesk:dead)"
	log "redis used_memory after draining: $(rcli INFO memory | tr -d '\r' | sed -n 's/^used_memory_human://p');" \
		"PostgreSQL: $(psqlq -c "SELECT pg_size_pretty(pg_database_size(current_database()))")," \
		"$(psqlq -c "SELECT pg_database_size(current_database()) / greatest(count(*), 1) FROM issues") bytes/issue"
	redis_stop
	perl -e 'my ($rep, $b, $n, $t0, $t1, $w, $r, $x0, $x1) = @ARGV;
		my $s = ($t1 - $t0) / 1e9; my $rate = $n / $s;
		my $d = $ARGV[9];
		printf "%d\t%s\t%d\t%.0f\t%.2f\t%.3f\t%.3f\t%.0f\t%.0f\t%.3f\t%.0f\t%.2f\n", $rep, $b, $n, $rate, $s,
		    $w * 10 / $n, $r * 10 / $n, $x0, $x1, $rate / (($x0 + $x1) / 2), $d, $d > 0 ? $rate / $d : 0' \
		"$rep" "$b" "$(issues 2>/dev/null || echo "$n")" "$t0" "$t1" "$w1" "$((r1 - r0))" \
		"$x0" "$x1" "$desk_rate" | tee -a "$W/results.tsv"
	[ "$VERBOSE" = 1 ] || return 0
	perl -e 'my ($n, $a, $b) = @ARGV; my (%x, %y, %xu, %yu);
		for (split /\n/, $a) { ($x{$1}, $xu{$1}) = ($2, $3) if /^cmdstat_(\S+?):calls=(\d+),usec=(\d+)/ }
		for (split /\n/, $b) { ($y{$1}, $yu{$1}) = ($2, $3) if /^cmdstat_(\S+?):calls=(\d+),usec=(\d+)/ }
		printf "  %-12s %6s %10s\n", "command", "calls", "usec/issue";
		for (sort keys %y) { my $d = $y{$_} - ($x{$_} // 0); my $u = $yu{$_} - ($xu{$_} // 0);
			printf "  %-12s %6.2f %10.1f\n", $_, $d / $n, $u / $n if $d / $n >= 0.05 }' \
		"$NREC" "$cmd0" "$cmd1"
}

log "$REPS x ${#builds[@]} runs: $NREC records, $WORKERS worker(s), XADD baseline $NX x $L bytes"
echo "# rep	build	issues	issues/s	s	worker_ms	redis_ms	xadd_before	xadd_after	ratio	desk_msgs_s	vs_desk"
nb=${#builds[@]}
for rep in $(seq "$REPS"); do
	for i in $(seq 0 $((nb - 1))); do
		run "${builds[$(((i + rep - 1) % nb))]}"
	done
done

echo "== medians over $REPS runs ($WORKERS worker(s), $NREC records of 2 x $L bytes, AOF everysec," \
	"auto-aof-rewrite-percentage $AOF_REWRITE)"
perl -e 'my %by; open my $f, "<", $ARGV[0] or die;
	while (<$f>) { chomp; my @c = split /\t/; push @{$by{$c[1]}}, \@c }
	sub med { my @s = sort { $a <=> $b } @_; my $n = @s; $n % 2 ? $s[$n / 2] : ($s[$n / 2 - 1] + $s[$n / 2]) / 2 }
	for my $b (@ARGV[1 .. $#ARGV]) { my @r = @{$by{$b}};
		printf "%s: issues/s %.0f, worker %.3f ms/issue, redis %.3f ms/issue, XADD/s %.0f, " .
		    "ratio %.3f (per run %s); desk SMTP path %.0f msgs/s, issues/s over it %.2f\n", $b,
		    med(map { $_->[3] } @r), med(map { $_->[5] } @r),
		    med(map { $_->[6] } @r), med(map { ($_->[7] + $_->[8]) / 2 } @r),
		    med(map { $_->[9] } @r), join("/", map { sprintf "%.2f", $_->[9] } @r),
		    $r[0][10], med(map { $_->[11] } @r) }' \
	"$W/results.tsv" "${builds[@]}"
