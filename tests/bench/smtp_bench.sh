#!/bin/bash
# smtp_bench.sh - what maildesk-milter costs Postfix, as ratios measured in
# one run: one private Postfix with one smtpd listener per configuration,
# runs interleaved and repeated, msgs/s = N / wall time of smtp-source.
#
#   sudo BUILD=/path/to/build tests/bench/smtp_bench.sh   (N=3000 REPS=3 S=20 L=10240)
#
# Configurations: plain Postfix; a do-nothing milter with every callback
# (the protocol's own cost), with eom only, and with every callback ending
# in DISCARD (what maildesk does with desk mail); maildesk on desk mail (Redis
# with AOF everysec, the XADD included); maildesk on ordinary mail
# (pass-through); opendkim signing; spamass-milter + spamd, and maildesk on
# desk mail with its own spamd call (desk_spamd), NSPAM messages each;
# maildesk on DKIM-signed desk mail with sender identity on (desk_dkim: DKIM
# verification and DMARC, the key and records served by dnsmasq in a private
# network namespace, so the whole run then happens in that namespace).
# Then: client-side latency (one session at a time), maildesk-milter RSS
# with 200 concurrent sessions and over a long run.  See doc/performance.md.
#
# Knobs (environment): N NSPAM REPS S L WARM CONFIGS, LAT_N (latency
# samples, 0 = skip), MEM=0 (skip the memory part), LONG (desk messages in the
# long run, 0 = skip), R (directory to keep results.tsv and logs),
# HOLD=file (after the set-up, wait while file exists),
# KEEP=1 (keep the work directory), MILTER_PREFIX (e.g. "valgrind
# --tool=callgrind ..."), PERF=dir (perf record maildesk-milter during the
# desk and pass runs of the first repetition).
# Not part of the test suite: it prints numbers, it does not judge them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=$(cd "${BUILD:-$top/build}" && pwd)
N=${N:-3000}; NSPAM=${NSPAM:-100}; REPS=${REPS:-3}; S=${S:-20}; L=${L:-10240}
WARM=${WARM:-200}; LAT_N=${LAT_N:-300}; MEM=${MEM:-1}; LONG=${LONG:-20000}
CONFIGS=${CONFIGS:-"plain null_full null_eom null_discard desk desk_dkim pass dkim spamass desk_spamd"}
PERF=${PERF:-}; MILTER_PREFIX=${MILTER_PREFIX:-}

need() { command -v "$1" >/dev/null || missing="$missing $2"; }
missing=""
need smtp-source postfix; need opendkim opendkim; need opendkim-genkey opendkim-tools
need spamass-milter spamass-milter; need spamd spamd; need spamc spamc
need redis-server redis-server
case " $CONFIGS " in *" desk_dkim "*)
	need dnsmasq dnsmasq-base
	perl -MMail::DKIM::Signer -e 1 2>/dev/null || missing="$missing libmail-dkim-perl" ;;
esac
if [ -n "$missing" ]; then
	echo "installing:$missing" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null
fi
[ -x "$BUILD/milter/maildesk-milter" ] || { echo "build first: no $BUILD/milter/maildesk-milter" >&2; exit 1; }

# desk_dkim: the verifier asks DNS for the selector's key and the _dmarc
# record.  This machine's forwarder drops bursts, so the run re-executes
# itself in a private network namespace where dnsmasq serves them (the e2e
# harness's tests/harness/netns.sh; every server here listens on loopback
# only, so the other configurations do not notice).  SPF stays off: from
# 127.0.0.1 libspf2 answers pass without asking DNS, which would measure
# nothing; the SPF record is published for completeness.
DNS=0
case " $CONFIGS " in *" desk_dkim "*)
	DNS=1
	export top_srcdir=$top top_builddir=$BUILD BUILD MD_TEST_TIMEOUT=0
	export MD_DNS_RECORDS='local=/test/
txt-record=example.test,"v=spf1 ip4:127.0.0.0/8 -all"
txt-record=_dmarc.example.test,"v=DMARC1; p=reject"'
	# shellcheck source=tests/harness/lib.sh
	. "$top/tests/harness/lib.sh"
	md_reexec_in_netns "$0" "$@"
	;;
esac

W=$(mktemp -d /tmp/mdbench.XXXXXX); chmod 755 "$W"	# uid postfix must traverse it
R=${R:-$W}; mkdir -p "$R"
pids=(); DK=""; SPAMD_PID=""
cleanup() {
	postfix -c "$W/pf/etc" stop >/dev/null 2>&1 || true
	"$top/tests/harness/pg-cluster" stop "$W/pg" >/dev/null 2>&1 || true
	if [ -n "$SPAMD_PID" ]; then	# TERM the parent so that it stops its children
		local kids; kids=$(ps -o pid= --ppid "$SPAMD_PID" 2>/dev/null || true)
		kill -TERM "$SPAMD_PID" 2>/dev/null || true
		for k in $kids; do kill -KILL "$k" 2>/dev/null || true; done
	fi
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	# dnsmasq is a child too, so it goes before the wait; lib.sh's own EXIT
	# trap was replaced by this one.  (|| true: lib.sh is not set -e safe.)
	if [ "$DNS" = 1 ]; then
		md_stop_dns || true
		[ -n "${KEEP:-}" ] || rm -rf "$T"
	fi
	wait 2>/dev/null || true
	[ -n "$DK" ] && rm -rf "$DK"
	[ "$R" != "$W" ] && cp "$W"/*.log "$W/maillog" "$R/" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
log() { echo "[$(date +%T)] $*" | tee -a "$R/progress.log" >&2; }

# All ports are taken at once so they are distinct: 0 Redis, 1 maildesk, 2 opendkim,
# 3 spamd, 4 spamass-milter, 5-7 nullmilter, 8-22 the smtpd listeners, 23 the
# maildesk-milter that asks spamd, 24 the one with sender identity on.
read -r -a PORTS < <(perl -MIO::Socket::INET -e 'my @s = map { IO::Socket::INET->new(Listen => 1,
	LocalAddr => "127.0.0.1", LocalPort => 0, ReuseAddr => 1) } 1..25;
	print join(" ", map { $_->sockport } @s), "\n"')
port() { echo "${PORTS[$1]}"; }
waitport() {	# port: poll until something listens (up to 60 s, for valgrind)
	local i
	for i in $(seq 1200); do
		ss -ltnH "sport = :$1" | grep -q LISTEN && return 0
		sleep 0.05
	done
	echo "nothing listens on port $1" >&2; return 1
}

# --- Redis and maildesk --------------------------------------------------------------
RPORT=$(port 0)
redis-server --bind 127.0.0.1 --port "$RPORT" --dir "$W" --save '' --appendonly yes \
	--appendfsync everysec --logfile "$W/redis.log" & pids+=($!)
REDIS_PID=$!
until redis-cli -p "$RPORT" ping 2>/dev/null | grep -q PONG; do sleep 0.02; done
rcli() { redis-cli -p "$RPORT" "$@"; }

# Rate limits on (each costs a Redis round trip) but far above the load;
# SPF and sender identity (DMARC, DKIM) off: their cost is the resolver's
# latency, and this machine's forwarder drops bursts of queries (desk fell
# from 225 to 50 msgs/s with them on); no trusted networks, so the
# built-in scoring runs.
# PostgreSQL only for `maildesk project add`: the milter never reads it.
PG=$("$top/tests/harness/pg-cluster" start "$W/pg")
cat > "$W/maildesk.conf" <<CF
redis_port = $RPORT
database = $PG
desk_domain = desk.test
inbox_max_backlog = 100000000
rate_ip = 100000000/3600
rate_sender = 100000000/3600
rate_project = 100000000/3600
spf_enable = no
sender_auth_check = no
redis_pool_size = 32
CF
"$BUILD/cli/maildesk" -c "$W/maildesk.conf" db migrate >/dev/null
"$BUILD/cli/maildesk" -c "$W/maildesk.conf" project add bench >/dev/null

declare -A MPORT MPID
cc -O2 -Wall -o "$W/nullmilter" "$here/nullmilter.c" $(pkg-config --cflags --libs milter) -lpthread
k=5
for mode in full eom discard; do
	MPORT[null_$mode]=$(port $k); k=$((k + 1))
	"$W/nullmilter" $mode "inet:${MPORT[null_$mode]}@127.0.0.1" 2>"$W/null_$mode.log" & pids+=($!)
	MPID[null_$mode]=$!
done
MPORT[desk]=$(port 1); MPORT[pass]=$(port 1); MPORT[desk_flow]=$(port 1)
$MILTER_PREFIX "$BUILD/milter/maildesk-milter" -f -c "$W/maildesk.conf" \
	-p "inet:${MPORT[desk]}@127.0.0.1" 2>"$W/maildesk.log" & pids+=($!)
MD_PID=$!; MPID[desk]=$MD_PID; MPID[pass]=$MD_PID; MPID[desk_flow]=$MD_PID

# --- opendkim: refuses a config or key below a world-writable directory (/tmp)
DK=/run/mdbench_dkim.$$; install -d -m 700 "$DK"
opendkim-genkey --bits=2048 --domain=example.test --selector=bench -D "$DK"
cp "$DK/bench.txt" "$W/"
if [ "$DNS" = 1 ]; then
	# The same key signs desk_dkim's message; its public half goes into DNS
	# as the character-strings opendkim-genkey split it into (each <= 255).
	md_dns_line "txt-record=bench._domainkey.example.test,$(grep -o '"[^"]*"' "$DK/bench.txt" | paste -sd,)"
	# One message of L bytes, like smtp-source's own but with the headers
	# a signer covers; every desk_dkim message is this one.
	perl -e 'my ($len) = @ARGV;
		print "From: Sender <sender\@example.test>\nTo: <support+bench\@desk.test>\n",
		    "Subject: bench signed\nDate: Thu, 01 Jan 2026 10:00:00 +0000\n",
		    "Message-ID: <signed.$$\@example.test>\n\n", ("x" x 76 . "\n") x int($len / 78)' "$L" |
		perl "$here/../harness/dkim_sign.pl" "$DK/bench.private" example.test bench --lf \
			>"$W/signed.eml"
	grep -q '^DKIM-Signature: ' "$W/signed.eml" || { echo "could not sign the desk_dkim message" >&2; exit 1; }
fi
MPORT[dkim]=$(port 2)
cat > "$DK/opendkim.conf" <<CF
Mode s
Domain example.test
Selector bench
KeyFile $DK/bench.private
Socket inet:${MPORT[dkim]}@127.0.0.1
Background no
Syslog no
CF
opendkim -f -x "$DK/opendkim.conf" >"$W/dkim.log" 2>&1 & pids+=($!); MPID[dkim]=$!

# --- spamd + spamass-milter (spamd logs as the unprivileged user)
SPAMD_PORT=$(port 3); MPORT[spamass]=$(port 4)
install -o nobody -g nogroup -m 644 /dev/null "$W/spamd.log"
spamd --listen="127.0.0.1:$SPAMD_PORT" --allowed-ips=127.0.0.1 --local --nouser-config \
	--username=nobody --max-children=2 --cf='use_bayes 0' --syslog="$W/spamd.log" \
	2>"$W/spamd.err.log" & SPAMD_PID=$!
spamass-milter -p "inet:${MPORT[spamass]}@127.0.0.1" -- -d 127.0.0.1 -p "$SPAMD_PORT" \
	>"$W/spamass.log" 2>&1 & pids+=($!); MPID[spamass]="$! $SPAMD_PID"
# desk_spamd: a second maildesk-milter, the same but with spamd_address set
# (the same spamd, so its CPU counts for both spam configurations).
{ cat "$W/maildesk.conf"; echo "spamd_address = inet:$SPAMD_PORT@127.0.0.1"; } >"$W/maildesk_spamd.conf"
MPORT[desk_spamd]=$(port 23)
"$BUILD/milter/maildesk-milter" -f -c "$W/maildesk_spamd.conf" \
	-p "inet:${MPORT[desk_spamd]}@127.0.0.1" 2>"$W/maildesk_spamd.log" & pids+=($!)
MPID[desk_spamd]="$! $SPAMD_PID"
# desk_dkim: a third maildesk-milter with sender identity on (DKIM verify,
# DMARC with the default dmarc_reject = yes, so a signature that does not
# verify shows up as 550s in the errs column).
sed 's/^sender_auth_check = no$/sender_auth_check = yes/' "$W/maildesk.conf" >"$W/maildesk_dkim.conf"
MPORT[desk_dkim]=$(port 24)
"$BUILD/milter/maildesk-milter" -f -c "$W/maildesk_dkim.conf" \
	-p "inet:${MPORT[desk_dkim]}@127.0.0.1" 2>"$W/maildesk_dkim.log" & pids+=($!)
MPID[desk_dkim]=$!
for p in "${MPORT[@]}" "$SPAMD_PORT"; do waitport "$p"; done

# --- one Postfix, one listener per configuration ------------------------------------
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
alias_database =
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
# Desk-only mail is discarded by maildesk in cleanup, so the queue manager never
# hands back the in_flow_delay token that cleanup took: with the default 1s every
# desk message then waits a second for a token.  The desk listener therefore uses
# a cleanup without flow control; desk_flow (not run by default) shows the default.
postconf -c "$PF/etc" -M "cleanup_noflow/unix = cleanup_noflow unix n - n - 0 cleanup -o in_flow_delay=0"
declare -A SPORT
i=8
for c in $CONFIGS; do
	SPORT[$c]=$(port $i); i=$((i + 1))
	o="-o smtpd_milters="
	[ "$c" != plain ] && o="$o""inet:127.0.0.1:${MPORT[$c]}"
	case $c in desk|desk_spamd|desk_dkim|null_discard) o="$o -o cleanup_service_name=cleanup_noflow" ;; esac
	# maxproc 250: the RSS check needs 200 concurrent sessions on one listener
	postconf -c "$PF/etc" -M "${SPORT[$c]}/inet = ${SPORT[$c]} inet n - n - 250 smtpd $o"
done
postfix -c "$PF/etc" start >/dev/null 2>&1
for c in $CONFIGS; do waitport "${SPORT[$c]}"; done
MASTER=$(head -1 "$PF/spool/pid/master.pid" | tr -d ' ')
log "up: work dir $W, maildesk-milter pid $MD_PID, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -n "${HOLD:-}" ]; then	# for poking at the set-up by hand
	touch "$HOLD"
	log "holding while $HOLD exists: redis $RPORT, maildesk-milter $MD_PID; listeners: $(for c in $CONFIGS; do printf '%s=%s ' "$c" "${SPORT[$c]}"; done)"
	while [ -e "$HOLD" ]; do sleep 1; done
fi

# --- measuring helpers ---------------------------------------------------------------
rcpt_of() { case $1 in desk*|null_discard) echo support+bench@desk.test ;; *) echo user@example.test ;; esac; }
count_of() { case $1 in spamass|desk_spamd) echo "$NSPAM" ;; *) echo "$N" ;; esac; }
drain() { local i; for i in $(seq 600); do [ -z "$(find "$PF/spool/incoming" "$PF/spool/active" -type f 2>/dev/null | head -1)" ] && return; sleep 0.1; done; log "WARN: queue not drained"; }
# pids... -> "ticks rss_kb": utime+stime+cutime+cstime and VmRSS summed over the
# pids and all their descendants (spamd's children, the smtpd processes, ...)
proctree() {
	perl -e 'my (%kids, $t, $rss);
		for my $d (glob "/proc/[0-9]*") {
			open my $f, "<", "$d/stat" or next; my $st = <$f>; close $f;
			$st =~ s/.*\) //s or next; my @f = split / /, $st;
			push @{$kids{$f[1]}}, $d =~ s{/proc/}{}r;
		}
		my @todo = @ARGV;
		while (defined(my $p = shift @todo)) {
			open my $f, "<", "/proc/$p/stat" or next; my $st = <$f>; close $f;
			$st =~ s/.*\) //s; my @f = split / /, $st;
			$t += $f[11] + $f[12] + $f[13] + $f[14];
			if (open my $s, "<", "/proc/$p/status") { /^VmRSS:\s+(\d+)/ and $rss += $1 while <$s> }
			push @todo, @{$kids{$p} // []};
		}
		printf "%d %d\n", $t // 0, $rss // 0' "$@"
}
cputree() { proctree "$@" | cut -d' ' -f1; }
rsstree() { proctree "$@" | cut -d' ' -f2; }
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
added() {	# XADDs to the inbox since Redis started, trimmed or not
	rcli --json XINFO STREAM maildesk:inbox | perl -MJSON::PP -0ne 'print decode_json($_)->{"entries-added"}'
}
logged() {	# since-line pattern -> count of maillog lines after line since
	tail -n +"$(($1 + 1))" "$W/maillog" 2>/dev/null | grep -cE "$2" || true
}

# One run: prints a TSV line (CPU in ms per message, RSS of the milter's processes after the run)
run_one() {	# rep config count
	local rep=$1 c=$2 n=$3 ml0 t0 t1 b0 w0 b1 w1 mi0=0 mi1=0 pf0 pf1 rd0 rd1 rc=0 ok err load perfpid=""
	drain
	ml0=$(wc -l < "$W/maillog" 2>/dev/null || echo 0)
	load=$(cut -d' ' -f1 /proc/loadavg)
	read -r b0 w0 < <(busy); pf0=$(cputree "$MASTER"); rd0=$(cputree "$REDIS_PID")
	[ "$c" != plain ] && mi0=$(cputree ${MPID[$c]})
	if [ -n "$PERF" ] && [ "$rep" = 1 ] && { [ "$c" = desk ] || [ "$c" = pass ] || [ "$c" = desk_dkim ]; }; then
		mkdir -p "$PERF"
		perf record -q -e cpu-clock -F 499 --call-graph dwarf,16384 -p "${MPID[$c]}" \
			-o "$PERF/perf.$c.data" 2>"$PERF/perf.$c.log" & perfpid=$!
		sleep 0.5
	fi
	local body=(-l "$L")
	[ "$c" = desk_dkim ] && body=(-F "$W/signed.eml")
	t0=$(date +%s%N)
	smtp-source -s "$S" "${body[@]}" -m "$n" -f sender@example.test -t "$(rcpt_of "$c")" \
		"127.0.0.1:${SPORT[$c]}" >"$W/source.$c.log" 2>&1 || rc=$?
	t1=$(date +%s%N)
	[ -n "$perfpid" ] && { kill -INT "$perfpid"; wait "$perfpid" || true; }
	drain
	read -r b1 w1 < <(busy); pf1=$(cputree "$MASTER"); rd1=$(cputree "$REDIS_PID")
	[ "$c" != plain ] && mi1=$(cputree ${MPID[$c]})
	# every message must show up: delivered (discard transport) or discarded by maildesk
	local want='status=sent'
	case $c in desk*|null_discard) want='milter-discard' ;; esac
	for _ in $(seq 100); do ok=$(logged "$ml0" "$want"); [ "$ok" -ge "$n" ] && break; sleep 0.05; done
	err=$(logged "$ml0" 'reject|status=deferred|status=bounced|warning')
	[ "$rc" = 0 ] && [ ! -s "$W/source.$c.log" ] || { err=$((err + 1)); log "WARN: smtp-source $c rc=$rc: $(head -c 300 "$W/source.$c.log")"; }
	perl -e 'my ($rep, $c, $n, $t0, $t1, $mi, $pf, $rd, $db, $dw, $load, $ok, $err, $rss) = @ARGV;
		my $s = ($t1 - $t0) / 1e9; my $hz = 100;
		printf "%s\t%s\t%d\t%.2f\t%.1f\t%.2f\t%.2f\t%.2f\t%.0f\t%s\t%d\t%d\t%d\n", $rep, $c, $n, $s,
		    $n / $s, $mi * 1000 / $hz / $n, $pf * 1000 / $hz / $n, $rd * 1000 / $hz / $n,
		    $dw ? 100 * $db / $dw : 0, $load, $ok, $err, $rss' \
		"$rep" "$c" "$n" "$t0" "$t1" "$((mi1 - mi0))" "$((pf1 - pf0))" "$((rd1 - rd0))" \
		"$((b1 - b0))" "$((w1 - w0))" \
		"$load" "$ok" "$err" "$([ "$c" = plain ] && echo 0 || rsstree ${MPID[$c]})"
}

# --- throughput: warm-up, then REPS interleaved repetitions, rotating the start ------
log "warm-up ($WARM messages per configuration, $NSPAM/5 for spamass and desk_spamd)"
for c in $CONFIGS; do
	n=$WARM; case $c in spamass|desk_spamd) n=$((NSPAM / 5 + 1)) ;; esac
	run_one warm "$c" "$n" >/dev/null
	case $c in desk|desk_dkim)
		f=$R/desk_record.txt; [ "$c" = desk ] || f=$R/${c}_record.txt
		rcli --json XREVRANGE maildesk:inbox + - COUNT 1 | perl -MJSON::PP -0ne '
			my %f = @{decode_json($_)->[0][1]};
			print join(" ", map { "$_=" . ($f{$_} // "(none)") }
			    qw(v kind project rcpt score rules flags spf dkim dmarc sender_auth)),
			    " raw=", length($f{raw} // ""), "B text=", length($f{text} // ""), "B\n"' >"$f"
		log "one $c record: $(cat "$f")" ;;
	esac
done
cmd0=$(rcli INFO commandstats | tr -d '\r' | grep '^cmdstat_' | sort)
add0=$(added)

TSV=$R/results.tsv
printf 'rep\tconfig\tmsgs\tsecs\tmsgs_s\tmilter_ms\tpostfix_ms\tredis_ms\tbusy_pct\tload1\tok\terrs\tmilter_rss_kb\n' >"$TSV"
cfgs=($CONFIGS); ncfg=${#cfgs[@]}
for rep in $(seq "$REPS"); do
	for k in $(seq 0 $((ncfg - 1))); do
		c=${cfgs[$(( (k + rep - 1) % ncfg ))]}
		line=$(run_one "$rep" "$c" "$(count_of "$c")")
		echo "$line" >>"$TSV"; echo "$line" >&2
		# The worker would consume the inbox; trimming keeps AOF rewrites small.
		[ "${c#desk}" != "$c" ] && rcli XTRIM maildesk:inbox MAXLEN 0 >/dev/null
	done
done
add1=$(added)

echo
echo "== throughput: N=$N (spamass $NSPAM) x REPS=$REPS, $S sessions, $L-byte messages; medians"
perl -e '
	my (%v, %ms, %pf, %rd, %rss, %err, %byrep, @order);
	<STDIN>;
	while (<STDIN>) {
		chomp; my ($rep, $c, $n, $s, $r, $mi, $pf, $rd, $b, $ld, $ok, $e, $rss) = split /\t/;
		push @order, $c unless $v{$c};
		push @{$v{$c}}, $r; push @{$ms{$c}}, $mi; push @{$pf{$c}}, $pf; push @{$rd{$c}}, $rd;
		$rss{$c} = $rss;
		$err{$c} += $e; $byrep{$rep}{$c} = $r;
	}
	sub med { my @a = sort { $a <=> $b } @_; $a[$#a / 2] }
	my $base = $v{plain} ? med(@{$v{plain}}) : 0;
	print "CPU in ms per message (milter includes spamd; redis only matters for desk)\n";
	printf "%-12s %8s %6s  %-17s %7s %8s %6s %8s %5s  %s\n", "config", "msgs/s", "ratio",
	    "ratio per rep", "milter", "postfix", "redis", "RSS kB", "errs", "runs (msgs/s)";
	for my $c (@order) {
		my $m = med(@{$v{$c}});
		my @rr = map { $byrep{$_}{plain} ? sprintf("%.2f", $byrep{$_}{$c} / $byrep{$_}{plain}) : "-" } sort keys %byrep;
		printf "%-12s %8.1f %6s  %-17s %7.2f %8.2f %6.2f %8d %5d  %s\n", $c, $m,
		    $base ? sprintf("%.3f", $m / $base) : "-", join("/", @rr), med(@{$ms{$c}}),
		    med(@{$pf{$c}}), med(@{$rd{$c}}), $rss{$c}, $err{$c}, join(" ", @{$v{$c}});
	}
	# the target of issue 17: desk paths against the do-nothing full milter
	for my $c (grep { /^desk/ && $v{null_full} } @order) {
		printf "%s / null_full: %.3f (per rep %s)\n", $c, med(@{$v{$c}}) / med(@{$v{null_full}}),
		    join("/", map { $byrep{$_}{null_full} ? sprintf("%.2f", $byrep{$_}{$c} / $byrep{$_}{null_full}) : "-" }
		    sort keys %byrep);
	}' <"$TSV" | tee "$R/summary.txt"
{
	echo
	want=0
	for c in $CONFIGS; do
		case $c in desk*) want=$((want + $(count_of "$c") * REPS)) ;; esac
	done
	echo "desk records written in the measured runs: $((add1 - add0)) (expected $want)"
	echo "maillog totals: $(grep -c 'status=sent' "$W/maillog" || true) sent, $(grep -c 'milter-discard' "$W/maillog" || true) discarded by a milter, $(grep -cE 'reject|status=deferred|status=bounced' "$W/maillog" || true) reject/deferred/bounced"
	echo "Redis commands per desk message (measured runs, INFO commandstats; the script's own few left out):"
	perl -e 'my ($n, $a, $b) = @ARGV; my (%x, %y);
		for (split /\n/, $a) { $x{$1} = $2 if /^cmdstat_(\S+?):calls=(\d+)/ }
		for (split /\n/, $b) { $y{$1} = $2 if /^cmdstat_(\S+?):calls=(\d+)/ }
		for (sort keys %y) { my $d = $y{$_} - ($x{$_} // 0);
			printf "  %-10s %6.2f\n", $_, $d / $n if $n > 0 && $d / $n >= 0.05 }' \
		"$((add1 - add0))" "$cmd0" "$(rcli INFO commandstats | tr -d '\r' | grep '^cmdstat_')"
} | tee -a "$R/summary.txt"

# --- latency at the client, one session at a time: TCP connect to the 250 after DATA ---
# One write per command and TCP_NODELAY: otherwise Nagle plus delayed ACKs add 40 ms.
latency() {	# config -> "p50 p99" in ms
	perl -MIO::Socket::INET -MSocket=IPPROTO_TCP,TCP_NODELAY -MTime::HiRes=time -e '
		my ($port, $rcpt, $n, $len) = @ARGV; my @t;
		my $body = ("x" x 76 . "\r\n") x int($len / 78);
		for my $i (1 .. $n) {
			my $t0 = time;
			my $s = IO::Socket::INET->new("127.0.0.1:$port") or die "connect: $!";
			setsockopt($s, IPPROTO_TCP, TCP_NODELAY, 1);
			my $rd = sub { my $l; do { $l = <$s> // die "connection closed" } while ($l =~ /^\d\d\d-/); $l };
			my $msg = "From: <sender\@example.test>\r\nTo: <$rcpt>\r\nSubject: latency $i\r\n" .
			    "Message-ID: <lat$i.$$\@example.test>\r\n\r\n$body.\r\n";
			for my $cmd (undef, "EHLO bench.example\r\n", "MAIL FROM:<sender\@example.test>\r\n",
			    "RCPT TO:<$rcpt>\r\n", "DATA\r\n", $msg) {
				syswrite($s, $cmd) == length($cmd) or die "write: $!" if defined $cmd;
				my $r = $rd->(); die "not accepted: $r" unless $r =~ /^[23]/;
			}
			push @t, (time - $t0) * 1000;
			syswrite($s, "QUIT\r\n"); close $s;
		}
		@t = sort { $a <=> $b } @t;
		printf "%.2f %.2f\n", $t[int($#t * 0.5)], $t[int($#t * 0.99)];
	' "${SPORT[$1]}" "$(rcpt_of "$1")" "$LAT_N" "$L"
}
{
	echo
	echo "== latency, $LAT_N messages one after another, TCP connect to 250 after DATA"
	printf '%-12s %8s %8s\n' config "p50 ms" "p99 ms"
	for c in $CONFIGS; do
		case $c in spamass|desk_spamd) continue ;; esac	# 0.1-1 s per scan
		[ "$c" = desk_dkim ] && continue	# the client sends unsigned mail: 550
		[ "$LAT_N" = 0 ] && continue
		drain
		read -r p50 p99 <<<"$(latency "$c")"
		printf '%-12s %8s %8s\n' "$c" "$p50" "$p99"
	done
} | tee -a "$R/summary.txt"
rcli XTRIM maildesk:inbox MAXLEN 0 >/dev/null

# --- memory: 200 concurrent sessions, then flat over a long run -------------------------
# hold_sessions: open NS sessions to the desk, take each up to the end of the message
# text, then send the final dots together, so that maildesk holds NS connections
# and works on NS messages at once.  ROUNDS times.
hold_sessions() {	# port rcpt sessions length rounds
	perl -MIO::Socket::INET -e '
		my ($port, $rcpt, $ns, $len, $rounds) = @ARGV;
		my $body = ("x" x 76 . "\r\n") x int($len / 78);
		my $rd = sub { my $s = shift; my $l; do { $l = <$s> // die "connection closed" } while ($l =~ /^\d\d\d-/); $l };
		for my $round (1 .. $rounds) {
			my @s;
			for my $i (1 .. $ns) {
				my $s = IO::Socket::INET->new("127.0.0.1:$port") or die "connect: $!";
				for my $cmd (undef, "EHLO bench.example", "MAIL FROM:<sender\@example.test>",
				    "RCPT TO:<$rcpt>", "DATA") {
					print $s "$cmd\r\n" if defined $cmd;
					my $r = $rd->($s); die "$cmd: $r" unless $r =~ /^[23]/;
				}
				print $s "From: <sender\@example.test>\r\nSubject: held $round.$i\r\n\r\n$body";
				push @s, $s;
			}
			print STDERR "round $round: $ns sessions open\n";
			print $_ ".\r\n" for @s;
			for my $s (@s) { my $r = $rd->($s); die "not accepted: $r" unless $r =~ /^250/; print $s "QUIT\r\n"; }
			close $_ for @s;
		}' "$@"
}
rss() { awk '/^VmRSS/ {print $2}' "/proc/$MD_PID/status"; }
threads() { awk '/^Threads/ {print $2}' "/proc/$MD_PID/status"; }
conns() { ss -tnH state established "( sport = :${MPORT[desk]} )" | wc -l; }	# Postfix -> milter
case "$MEM: $CONFIGS " in 1:*" desk "*)
	drain
	rss0=$(rss); peak=$rss0; tpeak=0; cpeak=0
	hold_sessions "${SPORT[desk]}" support+bench@desk.test 200 "$L" 5 2>"$W/hold.log" & hp=$!
	while kill -0 "$hp" 2>/dev/null; do
		r=$(rss); t=$(threads); n=$(conns)
		[ "$r" -gt "$peak" ] && peak=$r
		[ "$t" -gt "$tpeak" ] && tpeak=$t
		[ "$n" -gt "$cpeak" ] && cpeak=$n
		sleep 0.05
	done
	wait "$hp" || log "WARN: 200 sessions: $(tail -3 "$W/hold.log")"
	drain
	{
		echo
		echo "== maildesk-milter memory (VmRSS)"
		echo "200 concurrent sessions, 5 rounds: before ${rss0} kB, peak ${peak} kB with up to $cpeak milter connections and $tpeak threads, after $(rss) kB"
	} | tee -a "$R/summary.txt"
	rcli XTRIM maildesk:inbox MAXLEN 0 >/dev/null
	if [ "$LONG" -gt 0 ]; then
		series=""
		for k in 1 2 3 4 5; do
			smtp-source -s "$S" -l "$L" -m $((LONG / 5)) -f sender@example.test \
				-t support+bench@desk.test "127.0.0.1:${SPORT[desk]}" >"$W/source.long.log" 2>&1 ||
				log "WARN: long run: $(head -c 300 "$W/source.long.log")"
			rcli XTRIM maildesk:inbox MAXLEN 0 >/dev/null
			series="$series $(rss)"
		done
		echo "long run, $LONG desk messages in 5 parts: RSS after each part (kB):$series" | tee -a "$R/summary.txt"
	fi
	;;
esac
echo "results: $TSV, summary: $R/summary.txt" >&2
