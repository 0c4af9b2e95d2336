#!/bin/bash
# worker_bench.sh - how fast maildesk-worker turns inbox records into issues,
# against plain 10 KB XADDs on the same Redis (AOF everysec) in the same run.
#
#   sudo BUILD=/path/to/build tests/bench/worker_bench.sh      (NREC=5000 NX=50000 WORKERS=1)
#
# The inbox is filled with NREC records shaped like the milter's (10 KB text
# and 10 KB raw message, distinct Message-IDs and 100 customers) while the
# worker is stopped; then the worker starts and issues/s = records / time
# from the first issue to the last.  Confirmations go to a local smtp-sink.
# The XADD baseline is redis-benchmark, 20 clients, no pipelining, run
# before and after the worker.  Prints numbers, judges nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=$(cd "${BUILD:-$top/build}" && pwd)
NREC=${NREC:-5000}; NX=${NX:-50000}; L=${L:-10240}; WORKERS=${WORKERS:-1}
RAW_BODY=${RAW_BODY:-1}	# 0: the raw field holds only the headers (what the body costs)
# Redis' automatic AOF rewrite (a fork with copy-on-write, mid-measurement:
# the 300 MB of baseline XADDs and the filled inbox trigger it at random
# points of either phase).  0 = off for both (the default), 100 = Redis' own.
AOF_REWRITE=${AOF_REWRITE:-0}
WORKER_PREFIX=${WORKER_PREFIX:-}	# e.g. "strace -c -f -o FILE"; PERF=file: perf record
for b in worker/maildesk-worker cli/maildesk; do
	[ -x "$BUILD/$b" ] || { echo "build first: no $BUILD/$b" >&2; exit 1; }
done

W=$(mktemp -d /tmp/mdwbench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
log() { echo "[$(date +%T)] $*" >&2; }
read -r RPORT SPORT < <(perl -MIO::Socket::INET -e 'my @s = map { IO::Socket::INET->new(Listen => 1,
	LocalAddr => "127.0.0.1", LocalPort => 0, ReuseAddr => 1) } 1..2;
	print join(" ", map { $_->sockport } @s), "\n"')

redis-server --bind 127.0.0.1 --port "$RPORT" --dir "$W" --save '' --appendonly yes \
	--appendfsync everysec --auto-aof-rewrite-percentage "$AOF_REWRITE" \
	--logfile "$W/redis.log" & pids+=($!); REDIS_PID=$!
rcli() { redis-cli -p "$RPORT" "$@"; }
until rcli ping 2>/dev/null | grep -q PONG; do sleep 0.02; done
smtp-sink -u nobody "127.0.0.1:$SPORT" 100 & pids+=($!)
waitfor() {	# seconds command... : poll until the command succeeds
	local end=$((SECONDS + $1)); shift
	until "$@"; do [ "$SECONDS" -lt "$end" ] || { echo "timed out: $*" >&2; exit 1; }; sleep 0.02; done
}
listening() { ss -ltnH "sport = :$1" | grep -q LISTEN; }
waitfor 10 listening "$SPORT"

cat > "$W/maildesk.conf" <<CF
redis_port = $RPORT
desk_domain = desk.test
relay = smtp://127.0.0.1:$SPORT
CF
"$BUILD/cli/maildesk" -c "$W/maildesk.conf" project add bench >/dev/null

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

log "XADD baseline before ($NX x $L bytes)"
x0=$(xadd_baseline)

# Records as the milter writes them (field names from lib/record.c).
log "filling the inbox with $NREC records"
perl -e '
	my ($n, $len, $rawbody) = @ARGV;
	my $body = ("x" x 76 . "\r\n") x int($len / 78);
	sub cmd { my $s = "*" . scalar(@_) . "\r\n"; $s .= "\$" . length($_) . "\r\n$_\r\n" for @_; $s }
	for my $i (1 .. $n) {
		my $c = "customer" . ($i % 100) . "\@example.org";
		my $mid = "<bench$i.$$\@example.org>";
		my $raw = "From: Customer <$c>\r\nTo: support+bench\@desk.test\r\nSubject: request $i\r\n" .
		    "Message-ID: $mid\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\n$body";
		(my $text = $body) =~ s/\r\n/\n/g;
		print cmd("XADD", "maildesk:inbox", "*", v => 1, id => "Q$i:support+bench\@desk.test",
		    queue_id => "Q$i", received => "2026-11-25T10:00:00Z", client_ip => "192.0.2.1",
		    helo => "mx.example.org", mail_from => $c, rcpt => "support+bench\@desk.test",
		    kind => "new", project => "bench", key => "", spf => "pass", received_spf => "",
		    score => "0.00", rules => "", auto_reason => "", message_id => $mid,
		    in_reply_to => "", references => "", from => "Customer <$c>", from_addr => $c,
		    from_name => "Customer", reply_to => "", cc => "", subject => "request $i",
		    text => $text, attachments => 0, flags => "",
		    raw => $rawbody ? $raw : substr($raw, 0, index($raw, "\r\n\r\n") + 4));
	}' "$NREC" "$L" "$RAW_BODY" | rcli --pipe >/dev/null
[ "$(rcli XLEN maildesk:inbox)" = "$NREC" ] || { echo "inbox not filled" >&2; exit 1; }

cmd0=$(rcli INFO commandstats | tr -d '\r' | grep '^cmdstat_')
wks=()
for k in $(seq "$WORKERS"); do
	$WORKER_PREFIX "$BUILD/worker/maildesk-worker" -f -c "$W/maildesk.conf" 2>"$W/worker.$k.log" &
	pids+=($!); wks+=($!)
done
iid() { rcli HGET maildesk:project:bench last_iid; }
started() { [ "$(iid)" -ge 1 ] 2>/dev/null; }
waitfor 30 started
if [ -n "${PERF:-}" ]; then	# PERF=file: perf record of redis-server and the worker(s)
	perf record -g -o "$PERF" -p "$(IFS=,; echo "$REDIS_PID,${wks[*]}")" 2>/dev/null & PERF_PID=$!
fi
t0=$(date +%s%N); w0=$(ticks "${wks[@]}"); r1=$(ticks "$REDIS_PID")
last=1; still=0
while [ "$(iid)" -lt "$NREC" ]; do
	sleep 0.05
	now=$(iid)
	if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; last=$now; fi
	[ "$still" -lt 200 ] || { log "WARN: no progress for 10 s at $now issues"; break; }
done
t1=$(date +%s%N); w1=$(ticks "${wks[@]}"); r2=$(ticks "$REDIS_PID")
[ -z "${PERF_PID:-}" ] || { kill -INT "$PERF_PID"; wait "$PERF_PID" || true; }
done_n=$(iid)
cmd1=$(rcli INFO commandstats | tr -d '\r' | grep '^cmdstat_')
kill -TERM "${wks[@]}"; wait "${wks[@]}" 2>/dev/null || true

log "XADD baseline after"
x1=$(xadd_baseline)

echo "== maildesk-worker x $WORKERS: $done_n of $NREC records -> issues (AOF everysec, auto-aof-rewrite-percentage $AOF_REWRITE, $L-byte messages)"
perl -e 'my ($n, $t0, $t1, $w, $r, $x0, $x1) = @ARGV;
	my $s = ($t1 - $t0) / 1e9; my $rate = ($n - 1) / $s; my @x = sort { $a <=> $b } ($x0, $x1);
	printf "issues/s %.0f (%.1f s); worker CPU %.2f ms/issue, redis CPU %.2f ms/issue\n",
	    $rate, $s, $w * 10 / $n, $r * 10 / $n;
	printf "10 KB XADD, 20 clients: %.0f ops/s before, %.0f after; ratio issues/XADD %.2f (to the lower %.2f)\n",
	    $x0, $x1, $rate / (($x0 + $x1) / 2), $rate / $x[0];' \
	"$done_n" "$t0" "$t1" "$((w1 - w0))" "$((r2 - r1))" "$x0" "$x1"
echo "dead letters: $(rcli XLEN maildesk:dead), inbox pending: $(rcli XPENDING maildesk:inbox workers | head -1)"
echo "Redis commands per issue (worker only):"
perl -e 'my ($n, $a, $b) = @ARGV; my (%x, %y);
	my (%xu, %yu);
	for (split /\n/, $a) { ($x{$1}, $xu{$1}) = ($2, $3) if /^cmdstat_(\S+?):calls=(\d+),usec=(\d+)/ }
	for (split /\n/, $b) { ($y{$1}, $yu{$1}) = ($2, $3) if /^cmdstat_(\S+?):calls=(\d+),usec=(\d+)/ }
	printf "  %-12s %6s %10s\n", "command", "calls", "usec/issue";
	for (sort keys %y) { my $d = $y{$_} - ($x{$_} // 0); my $u = $yu{$_} - ($xu{$_} // 0);
		printf "  %-12s %6.2f %10.1f\n", $_, $d / $n, $u / $n if $n > 0 && $d / $n >= 0.05 }' "$done_n" "$cmd0" "$cmd1"
