#!/bin/bash
# doctor.sh - `maildesk doctor` against real servers: first a healthy
# installation (every line ok, exit 0, --json parses), then one fault at a
# time, each seen on its own line with FAIL or warn and exit status 1 for
# a FAIL: a wrong Redis password, a login with too few or too many rights,
# no AOF, everysec, an evicting memory policy, missing replicas, backlog
# and dead letters, Redis found through Sentinel (one sentinel silent,
# none answering), the milter missing from main.cf (and a milter after
# ours, default_action=accept), Sendmail .mc/.cf lines, the milter down,
# spamd up and down, the relay, base_url, DNS, PostgreSQL and Redis down,
# a config that does not load and one open to others.
#
# In a private network namespace: dnsmasq serves the SPF record the DNS
# check asks for.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"

MD_DNS_RECORDS='local=/test/
txt-record=spf.test,"v=spf1 ip4:192.0.2.1 -all"'
md_reexec_in_netns "$0" "$@"

md_start_redis --appendonly yes --appendfsync always --maxmemory 64mb \
	--maxmemory-policy noeviction
md_start_sink
# base_url: any HTTP server will do.
WEB_PORT=$(md_free_port)
mkdir -p "$T/www"
echo hello >"$T/www/index.html"
md_spawn perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ARGV[0],
	    Listen => 5, ReuseAddr => 1) or die "listen: $!";
	while (my $c = $s->accept) {
		my $req = <$c> // "";
		while (defined(my $l = <$c>)) { last if $l =~ /^\r?\n$/ }
		my $st = $req =~ m{ /down } ? "503 Down" : $req =~ m{ /gone } ? "404 Gone" : "200 OK";
		print $c "HTTP/1.0 $st\r\nContent-Length: 3\r\n\r\nok\n";
		close $c;
	}' "$WEB_PORT"
WEB_PID=$MD_SPAWN_PID
md_wait_port "$WEB_PORT" 10 "$WEB_PID" || bail_out "the HTTP server did not start"
BASE=("base_url=http://127.0.0.1:$WEB_PORT/")
md_write_config "${BASE[@]}"
md_start_milter
md_start_postfix
# What the worker does first: the consumer group (no worker needed here).
rcli XGROUP CREATE maildesk:inbox workers '$' MKSTREAM >/dev/null

export REDISCLI_AUTH=$MD_REDIS_ADMIN_PASSWORD
ARGS=(-C "$T/postfix/etc" --dns-name spf.test --timeout 3000 --redis-user admin)

# doctor [ARGS...]: runs it with the common arguments first; OUT, RC, and
# per check name its status (ST) and its line (LN).
declare -A ST LN
doctor() {
	OUT=$(md_cli doctor "${ARGS[@]}" "$@" 2>"$T/doctor.err")
	RC=$?
	parse
}

# parse: ST and LN from $OUT, without a process per check.
parse() {
	local s n rest
	ST=()
	LN=()
	while read -r s n rest; do
		ST[$n]=$s
		LN[$n]="$s $n $rest"
	done <<<"$OUT"
}

# expect NAME STATUS [REGEX]: the check's line says STATUS (and matches
# REGEX); STATUS "" means no such line.
expect() {
	is "${ST[$1]:-}" "$2" "$DESC: $1 is ${2:-absent}" ||
		diag "$(printf '%s\n' "$OUT" | tail -n 40)"
	[ -z "${3:-}" ] || like "${LN[$1]:-}" "$3" "$DESC: $1 says /$3/"
}

# --- a healthy installation ----------------------------------------------------------------
DESC=healthy
doctor
is "$RC" 0 "healthy: exit 0"
for c in config config.mode redis redis.login.milter redis.acl.milter \
	redis.login.worker redis.acl.worker redis.login.web redis.acl.web \
	redis.login.cli redis.acl.cli redis.persistence redis.aof_replay redis.memory redis.replicas \
	redis.inbox redis.dead db.worker db.web db.cli dns mta.postfix \
	mta.default_action mta.milter_order mta.in_flow_delay milter spamd relay base_url; do
	expect "$c" ok
done
like "$OUT" '^STATUS +CHECK +RESULT' "healthy: a header line"
like "$(printf '%s\n' "$OUT" | tail -n 1)" '^29 ok, 0 warn, 0 FAIL$' "healthy: the count"
expect redis.acl.milter ok 'user maildesk-milter may do the [0-9]+ things maildesk-milter needs and none of [0-9]+ others'
expect redis ok "Redis at 127.0.0.1:$REDIS_PORT answers in [0-9]+ ms"
expect redis.persistence ok 'appendfsync always'
expect db.cli ok "schema version [0-9]+"
expect dns ok 'SPF record of spf.test in [0-9]+ ms'
expect milter ok "maildesk-milter answers on inet:$MILTER_PORT@127.0.0.1 \\(milter protocol 6\\)"
expect relay ok "smtp://127.0.0.1:$SINK_PORT answers EHLO"
expect base_url ok 'answers HTTP 200'

# The probes did nothing: no key, no record, no dead letter.
is "$(rcli --scan --pattern '*doctor*' | wc -l)" 0 "healthy: the probes left no key"
is "$(rcli XLEN maildesk:inbox):$(rcli XLEN maildesk:dead)" "0:0" \
	"healthy: the probes added no record"

OUT=$(md_cli doctor "${ARGS[@]}" --json 2>/dev/null)
RC=$?
parse
is "$RC" 0 "--json: exit 0"
ok_run "--json: parses" jq empty <<<"$OUT"
is "$(jq -r '[.checks[] | select(.status == "ok")] | length' <<<"$OUT")" 29 "--json: 29 checks ok"
is "$(jq -r '.fail' <<<"$OUT")" 0 "--json: fail 0"
is "$(jq -r '.checks[0] | keys | join(",")' <<<"$OUT")" "advice,message,name,status" \
	"--json: name, status, message, advice"

# --- Redis: logins and rights ----------------------------------------------------------------
# One run, several faults: the milter's password is wrong, the worker logs
# in as admin (too many rights), the CLI as maildesk-web (too few), the
# default user could not replay the AOF's scripts (redis/redis#14541), the
# relay's TLS, base_url answers 503, a libpq passfile open to others.
DESC=logins
rcli ACL SETUSER default -@all >/dev/null
md_write_config "${BASE[@]}" milter_redis_password=wrong \
	worker_redis_username=admin "worker_redis_password=$MD_REDIS_ADMIN_PASSWORD" \
	cli_redis_username=maildesk-web "cli_redis_password=$(md_redis_password maildesk-web)" \
	"relay=smtps://127.0.0.1:$SINK_PORT" "base_url=http://127.0.0.1:$WEB_PORT/down" \
	"database=$PG_CONNINFO passfile=$T/pgpass"
echo '*:*:*:*:unused' >"$T/pgpass"
chmod 644 "$T/pgpass"
doctor
is "$RC" 1 "logins: exit 1"
expect redis.login.milter FAIL 'maildesk-milter cannot log in as user maildesk-milter: .*WRONGPASS'
expect redis.acl.milter ""
expect redis.acl.worker warn 'user admin may do more than maildesk-worker needs: GET <p>rate:.*CONFIG GET.*XADD <p>retry'
expect redis.acl.cli FAIL 'user maildesk-web may not do what maildesk-cli needs: XLEN <p>inbox, XRANGE <p>inbox.*XADD <p>retry'
expect redis.acl.web ok
expect redis.aof_replay FAIL 'replays the AOF.s scripts with the default user.s rights, and it may not XADD, HSET'
rcli ACL SETUSER default +@write -@dangerous >/dev/null
# The sink speaks plain SMTP: no TLS handshake on its port.
expect relay FAIL "smtps://127.0.0.1:$SINK_PORT: "
expect base_url FAIL "http://127.0.0.1:$WEB_PORT/down answers HTTP 503"
expect config.passfile FAIL "database names passfile $T/pgpass of mode 644: libpq ignores"

DESC="no admin"
md_write_config "${BASE[@]}"
OUT=$(REDISCLI_AUTH= md_cli doctor -C "$T/postfix/etc" --dns-name spf.test 2>/dev/null)
RC=$?
parse
is "$RC" 0 "no admin login: exit 0"
expect redis.server warn 'user maildesk-worker \(redis_username\) may not read the server.s settings.*NOPERM'
expect redis.persistence ''

# --- Redis: the server's settings and the queues ------------------------------------------------
DESC=server
rcli CONFIG SET appendonly no >/dev/null
rcli CONFIG SET maxmemory-policy allkeys-lru >/dev/null
rcli XADD maildesk:dead '*' error "no such project" project gone >/dev/null
rcli XADD maildesk:inbox '*' v 1 >/dev/null
rcli XADD maildesk:inbox '*' v 1 >/dev/null
md_write_config "${BASE[@]}" redis_min_replicas=1 redis_replica_timeout_ms=200 inbox_max_backlog=2
doctor
is "$RC" 1 "server: exit 1"
expect redis.persistence FAIL 'AOF is off'
expect redis.memory FAIL 'allkeys-lru may evict inbox records'
expect redis.replicas FAIL '0 replica\(s\) online, redis_min_replicas = 1: the milter answers 451'
expect redis.inbox FAIL '2 records waiting, inbox_max_backlog = 2: the milter answers 451'
expect redis.dead warn '1 dead letters'

DESC="server warnings"
rcli XGROUP DESTROY maildesk:inbox workers >/dev/null
rcli CONFIG SET appendonly yes >/dev/null
rcli CONFIG SET appendfsync everysec >/dev/null
rcli CONFIG SET maxmemory 0 >/dev/null
rcli CONFIG SET maxmemory-policy noeviction >/dev/null
md_write_config "base_url=http://127.0.0.1:$WEB_PORT/gone"
doctor --dns-name nospf.test
is "$RC" 0 "server warnings: exit 0"
expect redis.persistence warn 'appendfsync everysec: a power loss'
expect redis.memory warn 'no maxmemory'
expect redis.inbox warn '2 records waiting; no worker has ever read the inbox'
expect base_url warn "http://127.0.0.1:$WEB_PORT/gone answers HTTP 404"
expect dns warn 'the resolver answered for nospf.test in [0-9]+ ms, but with no SPF record'
rcli CONFIG SET appendfsync always >/dev/null
rcli XGROUP CREATE maildesk:inbox workers '$' >/dev/null
md_write_config "${BASE[@]}"

# --- Redis through Sentinel -----------------------------------------------------------------------
# One sentinel watches this Redis as "desk"; a second is not there, and
# redis_port names a dead port: doctor asks each sentinel, says which
# answered and what they named, and checks the master they name.
DESC=sentinel
SENTINEL_PORT=$(md_free_port)
SENTINEL_DEAD=$(md_free_port)
SENTINEL_PW=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
# start_sentinel PORT NAME MASTER_PORT: a sentinel watching 127.0.0.1:MASTER_PORT
# as desk (its file in $T/NAME: sentinels rewrite it); MD_SPAWN_PID is its PID.
start_sentinel() {
	mkdir -p "$T/$2"
	cat >"$T/$2/sentinel.conf" <<-EOF
	port $1
	bind 127.0.0.1
	dir $T/$2
	logfile $T/$2.log
	requirepass $SENTINEL_PW
	sentinel monitor desk 127.0.0.1 $3 1
	sentinel auth-user desk admin
	sentinel auth-pass desk $MD_REDIS_ADMIN_PASSWORD
	EOF
	# Debian's redis-sentinel; the same program is redis-server --sentinel.
	if command -v redis-sentinel >/dev/null; then
		md_spawn redis-sentinel "$T/$2/sentinel.conf"
	else
		md_spawn redis-server "$T/$2/sentinel.conf" --sentinel
	fi
	md_wait_port "$1" 10 "$MD_SPAWN_PID" || bail_out "redis-sentinel $2 did not start"
}
start_sentinel "$SENTINEL_PORT" sentinel "$REDIS_PORT"
SENTINEL_PID=$MD_SPAWN_PID
SENT=(redis_master_name=desk "redis_sentinel_password=$SENTINEL_PW" "redis_port=$SENTINEL_DEAD")
md_write_config "${BASE[@]}" "${SENT[@]}" \
	"redis_sentinels=127.0.0.1:$SENTINEL_PORT, 127.0.0.1:$SENTINEL_DEAD"
doctor
is "$RC" 0 "sentinel: exit 0 (a silent sentinel is a warning)"
expect redis.sentinel warn "1 of 2 sentinels answered: 127.0.0.1:$SENTINEL_PORT names 127.0.0.1:$REDIS_PORT; sentinel 127.0.0.1:$SENTINEL_DEAD: connect: Connection refused"
expect redis ok "Redis at 127.0.0.1:$REDIS_PORT \\(master desk, from Sentinel\\) answers in [0-9]+ ms"
for c in redis.login.milter redis.acl.cli redis.persistence redis.replicas redis.inbox; do
	expect "$c" ok
done

DESC="sentinel answers"
md_write_config "${BASE[@]}" "${SENT[@]}" "redis_sentinels=127.0.0.1:$SENTINEL_PORT"
doctor
is "$RC" 0 "sentinel answers: exit 0"
expect redis.sentinel ok "1 sentinel\\(s\\) answered: 127.0.0.1:$SENTINEL_PORT names 127.0.0.1:$REDIS_PORT \\(master desk\\)"

# A second sentinel that names another address for desk (a failover
# under way, or sentinels that do not see each other): a warning, and the
# address the first named is checked (a tie goes to the first listed).
DESC="sentinels disagree"
start_sentinel "$SENTINEL_DEAD" sentinel2 "$(md_free_port)"
SENTINEL2_PID=$MD_SPAWN_PID
md_write_config "${BASE[@]}" "${SENT[@]}" \
	"redis_sentinels=127.0.0.1:$SENTINEL_PORT, 127.0.0.1:$SENTINEL_DEAD"
doctor
is "$RC" 0 "sentinels disagree: exit 0"
expect redis.sentinel warn "the sentinels disagree on master desk: 127.0.0.1:$SENTINEL_PORT names 127.0.0.1:$REDIS_PORT, 127.0.0.1:$SENTINEL_DEAD names 127.0.0.1:[0-9]+; checking 127.0.0.1:$REDIS_PORT, named by 1 of 2"
expect redis ok "Redis at 127.0.0.1:$REDIS_PORT "
_md_stop_pid "$SENTINEL2_PID" 5

DESC="no sentinel answers"
md_write_config "${BASE[@]}" "${SENT[@]}" redis_master_name=other \
	"redis_sentinels=127.0.0.1:$SENTINEL_PORT, 127.0.0.1:$SENTINEL_DEAD"
doctor
is "$RC" 1 "no sentinel answers: exit 1"
expect redis.sentinel FAIL "none of the 2 sentinel\\(s\\) named master other: sentinel 127.0.0.1:$SENTINEL_PORT: does not know a master named 'other', sentinel 127.0.0.1:$SENTINEL_DEAD: connect: Connection refused"
expect redis ""
expect redis.login.milter ""
_md_stop_pid "$SENTINEL_PID" 5
md_write_config "${BASE[@]}"

# --- the MTA ---------------------------------------------------------------------------------------
DESC="not in main.cf"
postconf -c "$T/postfix/etc" -e 'smtpd_milters=inet:127.0.0.1:9'
doctor
is "$RC" 1 "milter not in main.cf: exit 1"
expect mta.postfix FAIL "smtpd_milters = inet:127.0.0.1:9 does not name maildesk-milter"
like "${LN[mta.postfix]}" "add \\{ inet:127.0.0.1:$MILTER_PORT, default_action=tempfail \\}" \
	"not in main.cf: the line to add"
expect mta.default_action ""

# Services of master.cf with their own smtpd_milters (never started here):
# one without ours is a warning; once one names it, main.cf's lack is too.
DESC="master.cf"
printf '127.0.0.1:%s inet n - n - - smtpd\n  -o smtpd_milters=inet:127.0.0.1:9\n' \
	"$(md_free_port)" >>"$T/postfix/etc/master.cf"
doctor
expect mta.master_cf warn "master.cf service 127.0.0.1:[0-9]+/inet sets smtpd_milters = inet:127.0.0.1:9 without maildesk-milter"
expect mta.postfix FAIL
printf '127.0.0.1:%s inet n - n - - smtpd\n  -o smtpd_milters=inet:127.0.0.1:%s\n' \
	"$(md_free_port)" "$MILTER_PORT" >>"$T/postfix/etc/master.cf"
doctor
expect mta.master_cf ok "sets its own smtpd_milters, with maildesk-milter"
expect mta.postfix warn "only the master.cf services that name it pass mail to it"

DESC="accept, not last"
postconf -c "$T/postfix/etc" -e \
	"smtpd_milters={ inet:localhost:$MILTER_PORT, default_action=accept } inet:127.0.0.1:9" \
	in_flow_delay=1s "non_smtpd_milters=inet:127.0.0.1:$MILTER_PORT"
doctor
is "$RC" 1 "default_action=accept: exit 1"
expect mta.postfix ok "names maildesk-milter \\(inet:localhost:$MILTER_PORT\\)"
expect mta.default_action FAIL 'default_action = accept: .* delivered unjudged'
expect mta.milter_order warn 'inet:127.0.0.1:9 comes after maildesk-milter'
expect mta.non_smtpd warn 'non_smtpd_milters names maildesk-milter'
expect mta.in_flow_delay ok 'in_flow_delay = 1s: .* -> where most mail goes to the desk, set in_flow_delay = 0'
postconf -c "$T/postfix/etc" -e "smtpd_milters=inet:127.0.0.1:9, { inet:127.0.0.1:$MILTER_PORT, default_action=tempfail }" \
	milter_default_action=accept in_flow_delay=0 non_smtpd_milters=
doctor
is "$RC" 0 "per-milter tempfail, last: exit 0"
expect mta.default_action ok
expect mta.milter_order ok 'last milter \(of 2\)'

DESC="no Postfix here"
OUT=$(md_cli doctor --dns-name spf.test --redis-user admin -C "$T/nowhere" 2>/dev/null)
RC=$?
parse
expect mta.postfix warn "cannot read $T/nowhere/main.cf"

DESC=sendmail
printf '%s\n' "# aliases" "postmaster: root" "support : desk-fallback" >"$T/aliases"
printf '%s\n' "dnl maildesk" "LOCAL_DOMAIN(\`desk.test')dnl" \
	"define(\`ALIAS_FILE', \`$T/aliases')dnl" \
	"INPUT_MAIL_FILTER(\`other', \`S=inet:9@127.0.0.1, F=T')dnl" \
	"INPUT_MAIL_FILTER(\`maildesk', \`S=inet:$MILTER_PORT@127.0.0.1, F=T, T=C:10s;S:30s;R:60s;E:5m')dnl" \
	>"$T/sendmail.mc"
doctor --sendmail "$T/sendmail.mc"
is "$RC" 0 "sendmail.mc: exit 0"
expect mta.sendmail ok 'filter maildesk is maildesk-milter'
expect mta.default_action ok 'F=T'
expect mta.milter_order ok
expect mta.local_domain ok 'desk.test is one of Sendmail.s local domains \(LOCAL_DOMAIN\)'
expect mta.alias ok "$T/aliases has an alias for support"
expect mta.postfix ""
# A .cf: X lines, InputMailFilters, class w from a file, the alias file.
echo "localhost desk.test" >"$T/local-host-names"
echo "postmaster: root" >"$T/aliases.cf"
printf '%s\n' "Xmaildesk, S=inet:$MILTER_PORT@localhost, T=S:30s" "Xother, S=unix:/x, F=T" \
	"O InputMailFilters=maildesk, other" "Cwlocalhost" "Fw-o $T/local-host-names" \
	"O AliasFile=hash:$T/aliases.cf" >"$T/sendmail.cf"
doctor --sendmail "$T/sendmail.cf"
is "$RC" 1 "sendmail.cf without F=T: exit 1"
expect mta.default_action FAIL 'F=\(none\): .* delivered unjudged'
expect mta.milter_order warn 'filter other comes after maildesk-milter'
expect mta.local_domain ok "desk.test is one of Sendmail.s local domains \\($T/local-host-names\\)"
expect mta.alias FAIL "$T/aliases.cf has no alias for support: Sendmail answers 550 5.1.1 User unknown"
mkdir -p "$T/sm2"
printf '%s\n' "INPUT_MAIL_FILTER(\`other', \`S=inet:9@127.0.0.1, F=T')dnl" >"$T/sm2/sendmail.mc"
doctor --sendmail "$T/sm2/sendmail.mc"
expect mta.sendmail FAIL 'no INPUT_MAIL_FILTER names maildesk-milter'
expect mta.local_domain FAIL 'desk.test is not one of Sendmail.s local domains'

DESC="milter and spamd down"
md_stop_milter
md_write_config "${BASE[@]}" "spamd_address=inet:$(md_free_port)@127.0.0.1" spamd_fallback=tempfail
doctor
is "$RC" 1 "milter and spamd down: exit 1"
expect milter FAIL "no milter answers on inet:$MILTER_PORT@127.0.0.1: connect 127.0.0.1:$MILTER_PORT: Connection refused"
expect spamd FAIL 'does not answer PING .*Connection refused.*answers 451 to desk mail'

# A port that takes connections and never answers is no milter either.
SILENT_PORT=$(md_free_port)
md_spawn perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ARGV[0],
	    Listen => 5, ReuseAddr => 1) or die; my @c;
	while (my $c = $s->accept) { push @c, $c }' "$SILENT_PORT"
md_wait_port "$SILENT_PORT" 10 "$MD_SPAWN_PID"
md_write_config "${BASE[@]}" "milter_socket=inet:$SILENT_PORT@127.0.0.1"
OUT=$(md_cli doctor "${ARGS[@]}" --timeout 500 2>/dev/null)
RC=$?
parse
DESC="silent port"
expect milter FAIL 'no answer within 500 ms'

# --- spamd ---------------------------------------------------------------------------------------------
DESC="spamd up"
md_start_spamd
md_write_config "${BASE[@]}" "spamd_address=inet:$SPAMD_PORT@127.0.0.1"
doctor
expect spamd ok "inet:$SPAMD_PORT@127.0.0.1 answers PING"
md_stop_spamd

# --- relay, base_url, DNS, PostgreSQL ------------------------------------------------------------------
DESC="all down"
md_stop_sink
_md_stop_pid "$WEB_PID" 5
md_stop_dns
md_write_config "${BASE[@]}" "cli_database=$PG_CONNINFO user=nosuchrole"
doctor
is "$RC" 1 "all down: exit 1"
expect relay FAIL "smtp://127.0.0.1:$SINK_PORT: .*(refused|connect)"
expect base_url FAIL "http://127.0.0.1:$WEB_PORT/: "
expect dns FAIL 'no answer for TXT spf.test within [0-9]+ ms'
expect db.cli FAIL 'maildesk-cli cannot reach the database: .*nosuchrole'
expect db.worker ok

# --- Redis and PostgreSQL down, then the configuration itself ----------------------------------------
DESC="PostgreSQL and Redis down, mode 644"
md_stop_postgres
md_stop_redis
chmod 644 "$MD_CONF"
doctor
is "$RC" 1 "Redis down: exit 1"
expect redis FAIL "Redis at 127.0.0.1:$REDIS_PORT does not answer: .*the milter answers 451"
expect redis.login.milter ""
expect db.worker FAIL 'cannot reach the database'
expect config.mode warn 'mode 644: the file holds secrets \(redis_password on line [0-9]+\)'

DESC="bad config"
printf 'spam_mark = lots\n' >"$T/bad.conf"
OUT=$("$top_builddir/cli/maildesk" -c "$T/bad.conf" doctor --json 2>/dev/null)
is "$?" 1 "bad config: exit 1"
is "$(jq -r '.checks | length' <<<"$OUT")" 1 "bad config: one check"
is "$(jq -r '.checks[0].status + " " + .checks[0].message' <<<"$OUT")" \
	"FAIL $T/bad.conf:1: spam_mark: not a number" "bad config: the loader's error"

DESC=usage
OUT=$(md_cli doctor --bogus 2>&1)
is "$?" 2 "unknown option: exit 2"
like "$OUT" 'unknown option: --bogus' "unknown option: says so"
OUT=$(md_cli doctor --dns-name 2>&1)
is "$?" 2 "a missing value: exit 2"
like "$OUT" '--dns-name needs a value' "a missing value: says so"
REDISCLI_AUTH= md_cli doctor --redis-user admin >/dev/null 2>&1
is "$?" 2 "--redis-user without REDISCLI_AUTH: exit 2"

done_testing
