#!/bin/bash
# redis_cost.sh - what an issue costs Redis, counted in instructions
# (valgrind callgrind), against one 10 KB XADD counted the same way.
#
#   sudo BUILDS="/tmp/old /tmp/new" NREC=1000 tests/bench/redis_cost.sh
#
# Wall-clock ratios on a shared 2-vCPU guest drift by a factor of two within
# minutes (steal time, other guests); instruction counts do not: the same
# binaries and inputs give the same count within about 1 %, whatever else the
# machine does.  Per build: redis-server runs under callgrind (AOF
# everysec), NREC records (tests/bench/records.pl) are put into the inbox,
# the counters are zeroed, one worker files them and the outbox sends the
# confirmations to a local smtp-sink, then the counters are dumped:
# instructions per issue, confirmation included.  The baseline is
# redis-benchmark's 10 KB XADD (20 clients) under the same callgrind.
# User space only: the kernel's share (socket and AOF writes) is not in it.
# REDIS=path uses another redis-server (one built from source with symbols
# lets callgrind_annotate show where the instructions go; KEEP=dir keeps
# the profiles).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILDS=${BUILDS:-${BUILD:-$top/build}}
NREC=${NREC:-1000}; NX=${NX:-5000}; L=${L:-10240}
REDIS=${REDIS:-redis-server}
command -v callgrind_control >/dev/null || { echo "needs valgrind" >&2; exit 1; }

W=$(mktemp -d /tmp/mdrcost.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT
read -r RPORT SPORT < <(perl -MIO::Socket::INET -e 'my @s = map { IO::Socket::INET->new(Listen => 1,
	LocalAddr => "127.0.0.1", LocalPort => 0, ReuseAddr => 1) } 1..2;
	print join(" ", map { $_->sockport } @s), "\n"')
rcli() { redis-cli -p "$RPORT" "$@"; }
waitfor() {	# seconds command...
	local end=$((SECONDS + $1)); shift
	until "$@"; do [ "$SECONDS" -lt "$end" ] || { echo "timed out: $*" >&2; exit 1; }; sleep 0.05; done
}
pong() { rcli ping 2>/dev/null | grep -q PONG; }
smtp-sink -u nobody "127.0.0.1:$SPORT" 100 & pids+=($!)
perl "$here/records.pl" "$NREC" "$L" 1 0 >"$W/records.resp"
cat > "$W/maildesk.conf" <<CF
redis_port = $RPORT
desk_domain = desk.test
relay = smtp://127.0.0.1:$SPORT
CF

# redis-server under callgrind; counters are zeroed before and dumped after
# what is measured.
REDIS_PID=
redis_up() {
	rm -rf "$W/redis"; mkdir "$W/redis"
	valgrind --tool=callgrind --callgrind-out-file="$W/redis/cg.out" "$REDIS" \
		--bind 127.0.0.1 --port "$RPORT" --dir "$W/redis" --save '' --appendonly yes \
		--appendfsync everysec --auto-aof-rewrite-percentage 0 --logfile "$W/redis/log" \
		>/dev/null 2>"$W/redis/valgrind.log" & REDIS_PID=$!
	waitfor 60 pong
}
counted() {	# -> instructions since the zero
	local f
	callgrind_control -d "$REDIS_PID" >/dev/null
	f=$(ls -t "$W"/redis/cg.out.* | head -1)
	[ -z "${KEEP:-}" ] || cp "$f" "$KEEP/"
	callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}'
}
redis_down() {
	rcli shutdown nosave >/dev/null 2>&1 || true
	wait "$REDIS_PID" 2>/dev/null || true
}
issues_filed() { [ "$(rcli ZCARD maildesk:issues:bench)" -ge "$NREC" ]; }
outbox_empty() { [ "$(rcli XLEN maildesk:outbox)" = 0 ]; }

redis_up
v=$(head -c "$L" /dev/zero | tr '\0' x)
callgrind_control -z "$REDIS_PID" >/dev/null
redis-benchmark -p "$RPORT" -n "$NX" -c 20 -P 1 -q XADD mdbench:xadd '*' f "$v" >/dev/null
xadd=$(( $(counted) / NX ))
redis_down
echo "10 KB XADD: $xadd instructions in Redis per command"

for b in $BUILDS; do
	redis_up
	"$b/cli/maildesk" -c "$W/maildesk.conf" project add bench >/dev/null
	rcli --pipe <"$W/records.resp" >/dev/null
	callgrind_control -z "$REDIS_PID" >/dev/null
	"$b/worker/maildesk-worker" -f -c "$W/maildesk.conf" 2>"$W/worker.log" & wk=$!
	waitfor 600 issues_filed
	waitfor 600 outbox_empty
	n=$(counted)
	kill -TERM "$wk"; wait "$wk" 2>/dev/null || true
	redis_down
	perl -e 'my ($b, $n, $per, $x) = @ARGV;
		printf "%s: %d instructions in Redis per issue (%d records), %.1f XADDs; ratio %.3f\n",
		    $b, $per, $n, $per / $x, $x / $per' "$b" "$NREC" "$((n / NREC))" "$xadd"
done
