#!/bin/bash
# smtp_bench.sh - what maildesk-milter costs Postfix, as ratios measured in
# one run: one private Postfix with one smtpd listener per configuration,
# runs interleaved and repeated, msgs/s = N / wall time of smtp-source.
#
#   sudo BUILD=./build tests/bench/smtp_bench.sh          (N=3000 REPS=3 S=20 L=10240)
#
# Configurations: plain Postfix; a do-nothing milter with every callback
# (the protocol's own cost) and with eom only; maildesk on desk mail (Redis
# with AOF everysec, the XADD included); maildesk on ordinary mail
# (pass-through); opendkim signing; spamass-milter + spamd (NSPAM messages).
# Not part of the test suite: it prints numbers, it does not judge them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=$(cd "${BUILD:-$top/build}" && pwd)
N=${N:-3000}; NSPAM=${NSPAM:-100}; REPS=${REPS:-3}; S=${S:-20}; L=${L:-10240}
CONFIGS=${CONFIGS:-"plain null_full null_eom desk pass dkim spamass"}

need() { command -v "$1" >/dev/null || missing="$missing $2"; }
missing=""
need smtp-source postfix; need opendkim opendkim; need opendkim-genkey opendkim-tools
need spamass-milter spamass-milter; need spamd spamd; need redis-server redis-server
if [ -n "$missing" ]; then
	echo "installing:$missing" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null
fi
[ -x "$BUILD/milter/maildesk-milter" ] || { echo "build first: no $BUILD/milter/maildesk-milter" >&2; exit 1; }

freeport() { perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen=>1,LocalAddr=>"127.0.0.1",LocalPort=>0,ReuseAddr=>1)->sockport'; }
waitport() { local i; for i in $(seq 200); do perl -MIO::Socket::INET -e 'exit !IO::Socket::INET->new("127.0.0.1:'"$1"'")' && return 0; sleep 0.05; done; return 1; }

W=$(mktemp -d /tmp/mdbench.XXXXXX); chmod 755 "$W"
pids=()
cleanup() {
	postfix -c "$W/pf/etc" stop >/dev/null 2>&1 || true
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

# --- servers -----------------------------------------------------------------------
RPORT=$(freeport)
redis-server --bind 127.0.0.1 --port "$RPORT" --dir "$W" --save '' --appendonly yes \
	--appendfsync everysec --logfile "$W/redis.log" & pids+=($!)
until redis-cli -p "$RPORT" ping 2>/dev/null | grep -q PONG; do sleep 0.02; done

cat > "$W/maildesk.conf" <<CF
redis_port = $RPORT
desk_domain = desk.test
inbox_max_backlog = 100000000
rate_ip = 0
rate_sender = 0
rate_project = 0
spf_enable = no
redis_pool_size = 32
CF
"$BUILD/cli/maildesk" -c "$W/maildesk.conf" project add bench >/dev/null

cc -O2 -o "$W/nullmilter" "$here/nullmilter.c" $(pkg-config --cflags --libs milter) -lpthread
declare -A MPORT
start_milter() {	# name command...
	local name=$1; shift
	MPORT[$name]=$(freeport)
	"$@" "inet:${MPORT[$name]}@127.0.0.1" >"$W/$name.log" 2>&1 & pids+=($!)
	eval "PID_$name=$!"
	waitport "${MPORT[$name]}"
}
start_milter null_full "$W/nullmilter" full
start_milter null_eom "$W/nullmilter" eom
MPORT[desk]=$(freeport)
"$BUILD/milter/maildesk-milter" -f -c "$W/maildesk.conf" -p "inet:${MPORT[desk]}@127.0.0.1" \
	2>"$W/maildesk.log" & pids+=($!); MD_PID=$!
waitport "${MPORT[desk]}"
MPORT[pass]=${MPORT[desk]}

install -d -m 700 "$W/dkim"
opendkim-genkey --bits=2048 --domain=example.test --selector=bench -D "$W/dkim"
chown -R opendkim "$W/dkim" 2>/dev/null || true
MPORT[dkim]=$(freeport)
# opendkim refuses config files under world-writable directories such as /tmp.
DK=/run/mdbench_dkim.$$; install -d -m 700 "$DK"; cp "$W/dkim/bench.private" "$DK/"
cat > "$DK/opendkim.conf" <<CF
Mode s
Domain example.test
Selector bench
KeyFile $DK/bench.private
Socket inet:${MPORT[dkim]}@127.0.0.1
Background no
UserID root
CF
opendkim -f -x "$DK/opendkim.conf" >"$W/dkim.log" 2>&1 & pids+=($!)
waitport "${MPORT[dkim]}"

SPAMD_PORT=$(freeport)
spamd --listen=127.0.0.1:$SPAMD_PORT --allowed-ips=127.0.0.1 --local --nouser-config \
	--username=nobody --helper-home-dir="$W" --max-children=2 --min-children=1 \
	--cf='use_bayes 0' --cf='bayes_auto_learn 0' --syslog=stderr 2>"$W/spamd.log" & pids+=($!)
until spamc -d 127.0.0.1 -p $SPAMD_PORT -K >/dev/null 2>&1; do sleep 0.1; done
MPORT[spamass]=$(freeport)
spamass-milter -p "inet:${MPORT[spamass]}@127.0.0.1" -- -d 127.0.0.1 -p $SPAMD_PORT \
	>"$W/spamass.log" 2>&1 & pids+=($!)
waitport "${MPORT[spamass]}"

# One Postfix, one listener per configuration.
PF=$W/pf; mkdir -p "$PF/etc" "$PF/spool"; install -d -o postfix -m 700 "$PF/data"
cp /etc/postfix/master.cf "$PF/etc/"
cat > "$PF/etc/main.cf" <<CF
compatibility_level = 3.7
queue_directory = $PF/spool
data_directory = $PF/data
maillog_file = $W/maillog
maillog_file_prefixes = $W
myhostname = mx.example.test
mydomain = example.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination = example.test, desk.test
local_recipient_maps =
alias_maps =
local_transport = discard:bench
default_process_limit = 100
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
milter_default_action = tempfail
smtpd_milters =
non_smtpd_milters =
biff = no
CF
postconf -c "$PF/etc" -F '*/*/chroot = n'
postconf -c "$PF/etc" -MX smtp/inet
declare -A SPORT
for c in $CONFIGS; do
	SPORT[$c]=$(freeport)
	m=""
	[ "$c" != plain ] && m="inet:127.0.0.1:${MPORT[$c]}"
	postconf -c "$PF/etc" -M "${SPORT[$c]}/inet = ${SPORT[$c]} inet n - n - - smtpd -o smtpd_milters=$m"
done
postfix -c "$PF/etc" start >/dev/null 2>&1
for c in $CONFIGS; do waitport "${SPORT[$c]}"; done

rcpt_of() { case $1 in desk) echo support+bench@desk.test ;; *) echo user@example.test ;; esac; }
count_of() { case $1 in spamass) echo "$NSPAM" ;; *) echo "$N" ;; esac; }
drain() { local i; for i in $(seq 600); do [ -z "$(find "$PF/spool/incoming" "$PF/spool/active" -type f 2>/dev/null | head -1)" ] && return; sleep 0.1; done; }

run_one() {	# config count sessions -> msgs/s
	local c=$1 n=$2 s=$3 t0 t1
	drain
	t0=$(date +%s%N)
	smtp-source -s "$s" -l "$L" -m "$n" -f sender@example.test -t "$(rcpt_of "$c")" \
		"127.0.0.1:${SPORT[$c]}" >"$W/source.$c.log" 2>&1 || echo "smtp-source failed for $c" >&2
	t1=$(date +%s%N)
	perl -e 'printf "%.1f", $ARGV[0] / (($ARGV[2] - $ARGV[1]) / 1e9)' "$n" "$t0" "$t1"
}

echo "# warm-up" >&2
for c in $CONFIGS; do run_one "$c" 100 "$S" >/dev/null; done
xlen0=$(redis-cli -p "$RPORT" XLEN maildesk:inbox)

declare -A RES
set -- $CONFIGS; ncfg=$#
cfgs=($CONFIGS)
for rep in $(seq "$REPS"); do
	for k in $(seq 0 $((ncfg - 1))); do
		c=${cfgs[$(( (k + rep - 1) % ncfg ))]}
		r=$(run_one "$c" "$(count_of "$c")" "$S")
		RES[$c]="${RES[$c]:-} $r"
		echo "rep $rep $c $r msgs/s" >&2
	done
done
xlen1=$(redis-cli -p "$RPORT" XLEN maildesk:inbox)

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(echo "${RES[plain]}" | median)
printf '\n%-12s %12s %8s   %s\n' config "msgs/s" ratio "runs"
for c in $CONFIGS; do
	m=$(echo "${RES[$c]}" | median)
	printf '%-12s %12s %8s   %s\n' "$c" "$m" "$(perl -e 'printf "%.3f", $ARGV[0]/$ARGV[1]' "$m" "$base")" "${RES[$c]}"
done
echo
echo "desk records written: $((xlen1 - xlen0)) (expected $((N * REPS)) if desk ran)"
echo "maillog: $(grep -c 'status=sent' "$W/maillog" || true) sent, $(grep -c 'milter-discard' "$W/maillog" || true) discarded by milter, $(grep -cE 'reject|deferred' "$W/maillog" || true) reject/deferred"

# --- latency at the client, one session at a time -------------------------------------
latency() {	# config -> "p50 p99" in ms
	perl -MIO::Socket::INET -MTime::HiRes=time -e '
		my ($port, $rcpt, $n, $len) = @ARGV; my @t;
		my $body = ("x" x 76 . "\r\n") x int($len / 78);
		for (1..$n) {
			my $s = IO::Socket::INET->new("127.0.0.1:$port") or die;
			my $rd = sub { my $l; do { $l = <$s> } while ($l =~ /^\d\d\d-/); $l };
			$rd->(); print $s "EHLO bench.example\r\n"; $rd->();
			my $t0 = time;
			print $s "MAIL FROM:<sender\@example.test>\r\n"; $rd->();
			print $s "RCPT TO:<$rcpt>\r\n"; $rd->();
			print $s "DATA\r\n"; $rd->();
			print $s "From: sender\@example.test\r\nSubject: latency $_\r\nMessage-ID: <lat$_.$$\@example.test>\r\n\r\n$body.\r\n";
			my $r = $rd->(); push @t, (time - $t0) * 1000;
			die "not accepted: $r" unless $r =~ /^250/;
			print $s "QUIT\r\n"; close $s;
		}
		@t = sort { $a <=> $b } @t;
		printf "%.2f %.2f", $t[int(@t * 0.5)], $t[int(@t * 0.99)];
	' "${SPORT[$1]}" "$(rcpt_of "$1")" "${LAT_N:-300}" "$L"
}
echo
printf '%-12s %10s %10s\n' config "p50 ms" "p99 ms"
for c in plain null_full desk pass; do
	case " $CONFIGS " in *" $c "*) read -r p50 p99 <<<"$(latency "$c")"; printf '%-12s %10s %10s\n' "$c" "$p50" "$p99" ;; esac
done

# --- memory: 200 concurrent sessions, and flat over a long run --------------------------
rss() { awk '/^VmRSS/ {print $2}' "/proc/$MD_PID/status"; }
case " $CONFIGS " in *" desk "*)
	rss_before=$(rss); peak=$rss_before
	smtp-source -s 200 -l "$L" -m 2000 -f sender@example.test -t support+bench@desk.test \
		"127.0.0.1:${SPORT[desk]}" >"$W/source.200.log" 2>&1 & sp=$!
	while kill -0 $sp 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.1; done
	wait $sp || true
	echo
	echo "maildesk-milter RSS: start of run ${rss_before} kB, peak with 200 sessions ${peak} kB, after $(rss) kB"
	;;
esac
