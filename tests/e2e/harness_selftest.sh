#!/bin/bash
# harness_selftest.sh - tests the test harness itself (tests/harness/*.sh):
# TAP helpers, Redis up/down/restart, PostgreSQL (start, migrate, kill,
# restart, md_psql), the config writer, a private Postfix
# wired to a throw-away milter (built here, so this runs without
# maildesk-milter), the sink instance as relay, spamd, the worker hooks,
# the cleanup trap, the watchdog, and DNS in a private network namespace.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (private Postfix instances)"
for c in cc pkg-config redis-server swaks postfix; do
	command -v $c >/dev/null || skip_all "$c is not installed"
done

# ms: milliseconds since the epoch, for the timing notes.
ms() { echo $(($(date +%s%N) / 1000000)); }

# --- TAP helpers -------------------------------------------------------------------
out=$(bash -c '. "$top_srcdir/tests/harness/tap.sh"
	is a a "same"; is a b "differs"; isnt a b "isnt"; like "foo bar" "^foo" "like"
	unlike foo "x+" "unlike"; ok_rc 3 "rc"; skip "no reason" 2; ok "with # hash"
	done_testing; echo "failed=$TAP_FAILED"')
is "$(printf '%s\n' "$out" | grep -c '^ok ')" 7 "tap: passing assertions print ok"
like "$out" "^not ok 2 - differs" "tap: is prints not ok with the number"
like "$out" "# +got: 'a'" "tap: failure diagnostics show what was got"
like "$out" "^not ok 6 - rc" "tap: ok_rc fails on a non-zero status"
like "$out" "^ok 7 - skipped # SKIP no reason" "tap: skip directive"
like "$out" "^ok 9 - with _ hash" "tap: '#' in a description cannot start a directive"
like "$out" "^1\.\.9$" "tap: done_testing prints the plan"
like "$out" "failed=2" "tap: TAP_FAILED counts failures"
out=$(bash -c '. "$top_srcdir/tests/harness/tap.sh"; skip_all "nothing here"; echo after')
is "$out" "1..0 # SKIP nothing here" "tap: skip_all prints the skip plan and exits"

# --- Redis -------------------------------------------------------------------------
t0=$(ms)
md_start_redis
note "redis up in $(($(ms) - t0)) ms (port $REDIS_PORT)"
is "$(rcli ping)" PONG "redis answers on TCP port $REDIS_PORT"
is "$(REDISCLI_AUTH=$MD_REDIS_ADMIN_PASSWORD redis-cli -s "$REDIS_SOCK" --user admin ping)" PONG \
	"redis answers on the unix socket"
is "$(rcli config get appendonly | tail -n 1)" no "no AOF by default"
is "$(rcli ACL WHOAMI)" admin "rcli logs in as admin"
like "$(redis-cli -p "$REDIS_PORT" ping 2>&1)" "NOAUTH" \
	"the ACL file's 'user default off': no command without a user"
is "$(rcli ACL USERS | sort | tr '\n' ' ')" \
	"admin default maildesk-cli maildesk-milter maildesk-web maildesk-worker " \
	"Redis runs with the users of contrib/redis-users.acl"
is "$(grep -c '>' "$top_srcdir/contrib/redis-users.acl")/$(grep -c ' >[0-9a-f]\{32\}$' "$T/redis-users.acl")" \
	"0/5" "the test's copy gives each user that is on a password of its own"
rcli set k v >/dev/null
md_stop_redis
rcli ping >/dev/null 2>&1
isnt $? 0 "md_stop_redis: redis is gone"
md_restart_redis
is "$(rcli ping)" PONG "md_restart_redis: back on the same port"
is "$(rcli exists k)" 0 "without persistence nothing survives a restart"
md_stop_redis
md_start_redis --appendonly yes --appendfsync always
rcli set k v >/dev/null
rcli shutdown >/dev/null 2>&1	# as a miltertest script does
md_restart_redis
is "$(rcli get k)" v "with --appendonly yes data survives a restart"

# --- config --------------------------------------------------------------------------
md_write_config log_debug=no spf_enable=no
like "$(cat "$MD_CONF")" "redis_port = $REDIS_PORT" "config: redis port"
like "$(cat "$MD_CONF")" "milter_socket = inet:$MILTER_PORT@127.0.0.1" "config: milter socket"
like "$(cat "$MD_CONF")" "relay = smtp://127.0.0.1:$SINK_PORT" "config: relay is the sink"
is "$(grep -c '^log_debug' "$MD_CONF")" 1 "config: an override replaces the default line"
like "$(cat "$MD_CONF")" "log_debug = no" "config: override value"
like "$(cat "$MD_CONF")" "spf_enable = no" "config: extra keys are appended"
p=$MILTER_PORT
md_write_config
is "$MILTER_PORT" "$p" "config: ports stay the same when rewritten"
for r in milter worker web cli; do
	u=$(sed -n "s/^${r}_redis_username = //p" "$MD_CONF")
	pw=$(sed -n "s/^${r}_redis_password = //p" "$MD_CONF")
	is "$u" "maildesk-$r" "config: the $r runs as its own Redis user"
	is "$(REDISCLI_AUTH=$pw redis-cli -p "$REDIS_PORT" --user "$u" ping)" PONG \
		"config: ... with its password"
done
is "$(stat -c %a "$MD_CONF")" 600 "config: mode 600 (it holds passwords)"
out=$(MD_REDIS_ACL=no bash -c '. "$top_srcdir/tests/harness/tap.sh"
	. "$top_srcdir/tests/harness/lib.sh"; MD_PG=no
	md_start_redis; md_write_config
	echo "whoami=$(rcli ACL WHOAMI) users=$(grep -c _redis_ "$MD_CONF")"; done_testing')
like "$out" "whoami=default users=0" "MD_REDIS_ACL=no: no users, no credentials in the config"

# --- PostgreSQL (started and migrated by the first md_write_config) ---------------------------
like "$(cat "$MD_CONF")" "database = host=$T/pg port=[0-9]+ dbname=maildesk user=" \
	"config: database is the private cluster (unix socket in \$T/pg)"
is "$PG_DIR" "$T/pg" "postgres: PG_DIR"
last=$(basename "$(ls "$top_srcdir"/db/migrations/[0-9]*.sql | tail -n 1)" .sql)
is "$(md_psql 'SELECT max(version) FROM md_schema')" "$((10#${last%%_*}))" \
	"postgres: the schema is migrated to the newest version"
is "$(md_psql "SELECT :'v' || '!'" "v=it's; DROP TABLE x")" "it's; DROP TABLE x!" \
	"md_psql: values are variables, quoted by psql"
md_psql "SELECT nosuchcolumn FROM md_schema" >/dev/null 2>&1
isnt $? 0 "md_psql: an SQL error is a non-zero exit"
md_psql "INSERT INTO audit_log (at, actor, action) VALUES (1, 'selftest', 'before the kill')"
pm=$(head -n 1 "$PG_DIR/data/postmaster.pid")
t0=$(ms)
md_kill_postgres
_md_gone "$pm"
ok_rc $? "md_kill_postgres: the postmaster is gone"
is "$(pgrep -f -- "-D $PG_DIR/data" | wc -l)" 0 "md_kill_postgres: its backends are gone"
md_psql 'SELECT 1' >/dev/null 2>&1
isnt $? 0 "md_kill_postgres: nothing answers"
md_restart_postgres
note "postgres killed and up again in $(($(ms) - t0)) ms"
is "$(md_psql "SELECT action FROM audit_log WHERE actor = 'selftest'")" "before the kill" \
	"md_restart_postgres: crash recovery kept the committed row"
md_stop_postgres
md_psql 'SELECT 1' >/dev/null 2>&1
isnt $? 0 "md_stop_postgres: stopped"
md_restart_postgres
md_postgres_alive
ok_rc $? "md_restart_postgres after a stop"

# --- a throw-away milter standing in for maildesk-milter ---------------------------------
cat >"$T/selftest_milter.c" <<'EOF'
/* selftest_milter.c - rejects <nobody@example.test>, tags accepted mail with
 * the client address it saw and the queue id.  Takes -f -c CONF like
 * maildesk-milter and reads milter_socket from CONF. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <libmilter/mfapi.h>

static sfsistat
t_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	char addr[INET6_ADDRSTRLEN] = "unknown";

	(void)host;
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, addr, sizeof addr);
	free(smfi_getpriv(ctx));
	smfi_setpriv(ctx, strdup(addr));
	return SMFIS_CONTINUE;
}

static sfsistat
t_envrcpt(SMFICTX *ctx, char **argv)
{
	if (strcasecmp(argv[0], "<nobody@example.test>") == 0) {
		smfi_setreply(ctx, "550", "5.1.1", "User unknown (selftest milter)");
		return SMFIS_REJECT;
	}
	return SMFIS_CONTINUE;
}

static sfsistat
t_eom(SMFICTX *ctx)
{
	char *qid = smfi_getsymval(ctx, "i");
	char *addr = smfi_getpriv(ctx);

	smfi_addheader(ctx, "X-Selftest-Milter", qid ? qid : "unknown");
	smfi_addheader(ctx, "X-Selftest-Client", addr ? addr : "none");
	return SMFIS_ACCEPT;
}

static sfsistat
t_close(SMFICTX *ctx)
{
	free(smfi_getpriv(ctx));
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
	.xxfi_name = "selftest", .xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS, .xxfi_connect = t_connect,
	.xxfi_envrcpt = t_envrcpt, .xxfi_eom = t_eom, .xxfi_close = t_close,
};

int
main(int argc, char **argv)
{
	static char sock[256];
	char line[512];
	FILE *fp;
	int ch;

	while ((ch = getopt(argc, argv, "fc:")) != -1)
		if (ch == 'c' && (fp = fopen(optarg, "r")) != NULL) {
			while (fgets(line, sizeof line, fp) != NULL)
				if (sscanf(line, "milter_socket = %255s", sock) == 1)
					break;
			fclose(fp);
		}
	if (sock[0] == '\0' || smfi_setconn(sock) == MI_FAILURE ||
	    smfi_register(desc) == MI_FAILURE || smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "selftest milter: cannot listen on '%s'\n", sock);
		return 1;
	}
	fprintf(stderr, "selftest milter listening on %s\n", sock);
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
EOF
# shellcheck disable=SC2046
ok_run "throw-away milter compiles" cc -Wall -Wextra -o "$T/selftest_milter" \
	"$T/selftest_milter.c" $(pkg-config --cflags --libs milter) -lpthread
export MD_MILTER_BIN=$T/selftest_milter
md_start_milter
md_milter_alive; ok_rc $? "md_start_milter: milter runs and listens on $MILTER_PORT"

# --- Postfix with the milter, and the sink ---------------------------------------------------
t0=$(ms)
md_start_sink
note "sink postfix up in $(($(ms) - t0)) ms (port $SINK_PORT)"
t0=$(ms)
md_start_postfix
note "postfix up in $(($(ms) - t0)) ms (port $SMTP_PORT)"

out=$(md_swaks --from s@example.org --to alice@example.test --header "Subject: selftest 1" 2>&1)
like "$out" "<- *250 .*queued as" "postfix accepts mail for a local recipient"
md_wait_mail 1
ok_rc $? "md_wait_mail: delivered to the Maildir sink"
f=$(md_maildir_files alice@example.test | head -n 1)
like "$(cat "$f" 2>/dev/null)" "X-Selftest-Milter: [0-9A-F]+" "the milter saw the message (queue id header)"
like "$(cat "$f" 2>/dev/null)" "X-Selftest-Client: 127\.0\.0\.1" "the milter saw the client address"

out=$(md_swaks --from s@example.org --to nobody@example.test 2>&1)
like "$out" "<\*\* *550 5\.1\.1 User unknown \(selftest milter\)" "milter rejection reaches the client"

out=$(md_swaks --from s@example.org --to bob@example.test,support+x@desk.test \
	--xclient-addr 198.51.100.7 --xclient-name mail.example.org --header "Subject: xclient" 2>&1)
like "$out" "<- *250 .*queued as" "XCLIENT is allowed from loopback"
md_wait_mail 3
is "$(md_maildir_files support+x@desk.test | wc -l)" 1 "an unconsumed desk recipient is delivered (md_maildir_files ADDRESS)"
like "$(cat "$(md_maildir_files bob@example.test)" 2>/dev/null)" "X-Selftest-Client: 198\.51\.100\.7" \
	"with XCLIENT the milter sees the presented address"

# Outbound: mail for a remote domain goes to the sink through the relayhost.
out=$(md_swaks --from s@example.test --to customer@example.org --header "Subject: to the sink" 2>&1)
like "$out" "<- *250 " "remote recipient accepted from mynetworks"
md_wait_sink 1
ok_rc $? "md_wait_sink: relayed mail arrives in the sink"
like "$(cat "$(md_sink_files | head -n 1)" 2>/dev/null)" "Subject: to the sink" "sink file holds the message"

# The worker's path: straight SMTP to the sink (relay = smtp://127.0.0.1:SINK_PORT).
out=$(swaks --server "127.0.0.1:$SINK_PORT" --from support@desk.test --to anyone@any.where \
	--header "Subject: direct" 2>&1)
like "$out" "<- *250 " "the sink takes mail for any domain"
md_wait_sink 2
is "$(md_sink_count)" 2 "md_sink_count"

t0=$(ms)
md_stop_sink
note "sink stopped in $(($(ms) - t0)) ms"
md_wait_port "$SINK_PORT" 0.3
isnt $? 0 "md_stop_sink: relay refuses connections (outage)"
t0=$(ms)
md_start_sink
note "sink restarted in $(($(ms) - t0)) ms"
md_wait_port "$SINK_PORT" 1
ok_rc $? "md_start_sink again: relay is back on the same port"

md_stop_milter
md_milter_alive
isnt $? 0 "md_stop_milter: milter gone"
out=$(md_swaks --from s@example.org --to alice@example.test 2>&1)
like "$out" "<\*\* *451 4\.7\.1 " "milter down: Postfix tempfails (milter_default_action)"
md_start_milter
out=$(md_swaks --from s@example.org --to alice@example.test 2>&1)
like "$out" "<- *250 .*queued as" "milter restarted: mail flows again"

# --- worker hooks, with a stand-in that joins the consumer group -------------------------------
cat >"$T/fake_worker" <<'EOF'
#!/bin/bash
# stands in for maildesk-worker: -f -c CONF, blocks in XREADGROUP
while getopts fc: o; do [ $o = c ] && conf=$OPTARG; done
port=$(sed -n 's/^redis_port = //p' "$conf")
user=$(sed -n 's/^worker_redis_username = //p' "$conf")
export REDISCLI_AUTH=$(sed -n 's/^worker_redis_password = //p' "$conf")
redis-cli -p "$port" --user "$user" XGROUP CREATE maildesk:inbox workers '$' MKSTREAM >/dev/null
# The group may exist already with records of the milter tests above
# undelivered: take them first, or the blocking read below would return
# them at once and end.
while redis-cli -p "$port" --user "$user" XREADGROUP GROUP workers w1 COUNT 1000 \
    STREAMS maildesk:inbox '>' | grep -q .; do :; done
exec redis-cli -p "$port" --user "$user" XREADGROUP GROUP workers w1 BLOCK 0 STREAMS maildesk:inbox '>'
EOF
chmod +x "$T/fake_worker"
MD_WORKER_BIN=$T/fake_worker md_start_worker
# md_start_worker returns once the consumer exists, which the stand-in's
# draining reads create before its blocking one starts: give it a moment.
for _ in $(seq 100); do rcli CLIENT LIST | grep -q cmd=xreadgroup && break; sleep 0.05; done
like "$(rcli CLIENT LIST)" "cmd=xreadgroup" "md_start_worker waits until the worker reads"
md_stop_worker
ok_rc $? "md_stop_worker: stopped by SIGTERM"
MD_WORKER_BIN=$T/fake_worker md_start_worker
p=$WORKER_PID
md_kill_worker
_md_gone "$p"
ok_rc $? "md_kill_worker: gone"

if [ -x "$top_builddir/cli/maildesk" ]; then
	md_cli --help >/dev/null 2>&1
	ok "md_cli runs $top_builddir/cli/maildesk"
else
	skip "cli/maildesk is not built yet"
fi

# --- spamd ----------------------------------------------------------------------------------------
if command -v spamd >/dev/null && command -v spamc >/dev/null; then
	t0=$(ms)
	md_start_spamd
	note "spamd up in $(($(ms) - t0)) ms (port $SPAMD_PORT)"
	is "$(printf 'PING SPAMC/1.5\r\n\r\n' | perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new("127.0.0.1:'"$SPAMD_PORT"'") or exit 1;
		local $/; print $s <STDIN>; my $r = <$s>; $r =~ s/\r?\n.*//s; print $r')" \
		"SPAMD/1.5 0 PONG" "spamd answers PING"
	{
		printf 'From: spammer@example.org\nTo: alice@example.test\nSubject: GTUBE\n'
		printf 'Message-ID: <gtube-1@example.org>\nDate: Wed, 25 Nov 2026 09:00:00 +0000\n\n'
		printf 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\n'
	} >"$T/gtube.eml"
	out=$(spamc -d 127.0.0.1 -p "$SPAMD_PORT" -c <"$T/gtube.eml")
	like "$out" "^1000(\.0)?/" "spamd scores GTUBE offline"
	md_stop_spamd
	spamc -d 127.0.0.1 -p "$SPAMD_PORT" -K >/dev/null 2>&1
	isnt $? 0 "md_stop_spamd: gone"
else
	skip "spamd is not installed" 3
fi

# --- cleanup trap: a child test starts servers and exits ----------------------------------------
cat >"$T/child.sh" <<'EOF'
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
md_start_redis
md_start_postgres
md_start_postfix smtpd_milters=
md_spawn sleep 300
echo "c_T=$T c_REDIS_PID=$REDIS_PID c_SLEEP_PID=$MD_SPAWN_PID c_SMTP_PORT=$SMTP_PORT"
echo "c_PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")"
echo "c_MASTER_PID=$(sed -n '1s/ //gp' "$T/postfix/spool/pid/master.pid")"
done_testing
EOF
out=$(bash "$T/child.sh")
eval "$(printf '%s\n' "$out" | grep '^c_')"
[ -n "${c_T:-}" ] && [ ! -e "$c_T" ]
ok_rc $? "cleanup removes \$T"
gone=yes
for p in $c_REDIS_PID $c_SLEEP_PID $c_MASTER_PID $c_PG_PID; do
	_md_gone "$p" || gone="no ($p)"
done
is "$gone" yes "cleanup stopped redis, postgres, postfix and spawned processes"
md_wait_port "${c_SMTP_PORT:-1}" 0.2
isnt $? 0 "cleanup: the child's postfix port is closed"

# --- watchdog ------------------------------------------------------------------------------------
t0=$(ms)
out=$(MD_TEST_TIMEOUT=1 bash -c '. "$top_srcdir/tests/harness/lib.sh"; ok "started"; sleep 30; ok "never"' 2>/dev/null)
like "$out" "Bail out! SIGTERM" "watchdog bails out a hung test"
unlike "$out" "never" "the hung test did not go on"
note "watchdog ended a hung test in $(($(ms) - t0)) ms"

# --- DNS in a private network namespace ---------------------------------------------------------
cat >"$T/txt.c" <<'EOF'
/* txt.c - prints the TXT records of a name through the system resolver. */
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	unsigned char ans[4096];
	ns_msg msg;
	ns_rr rr;
	int len, i;

	if (argc < 2 || (len = res_query(argv[1], ns_c_in, ns_t_txt, ans, sizeof ans)) < 0 ||
	    ns_initparse(ans, len, &msg) < 0)
		return 1;
	for (i = 0; i < ns_msg_count(msg, ns_s_an); i++)
		if (ns_parserr(&msg, ns_s_an, i, &rr) == 0 && ns_rr_type(rr) == ns_t_txt)
			printf("%.*s\n", ns_rr_rdata(rr)[0], (const char *)ns_rr_rdata(rr) + 1);
	return 0;
}
EOF
cat >"$T/netns.sh" <<'EOF'
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
MD_DNS_RECORDS='txt-record=example.test,"v=spf1 ip4:192.0.2.1 -all"'
md_reexec_in_netns "$0" "$@"
is "$(TXT example.test)" "v=spf1 ip4:192.0.2.1 -all" "TXT record from MD_DNS_RECORDS"
md_dns_txt soft.test "v=spf1 ~all"
is "$(TXT soft.test)" "v=spf1 ~all" "md_dns_txt adds a record"
is "$(TXT example.test)" "v=spf1 ip4:192.0.2.1 -all" "earlier records stay"
is "$(ip -o link show | grep -vc ': lo:')" 0 "only loopback in the namespace"
md_start_redis
is "$(rcli ping)" PONG "servers start inside the namespace"
done_testing
EOF
if ok_run "resolver test program compiles" cc -Wall -o "$T/TXT" "$T/txt.c" -lresolv; then
	resolv_before=$(cat /etc/resolv.conf 2>/dev/null)
	t0=$(ms)
	out=$(PATH=$T:$PATH bash "$T/netns.sh")
	note "netns test took $(($(ms) - t0)) ms"
	if printf '%s\n' "$out" | grep -q '^1\.\.0 # SKIP'; then
		skip "$(printf '%s\n' "$out" | sed -n 's/^1\.\.0 # SKIP //p')" 4
	else
		is "$(printf '%s\n' "$out" | grep -c '^ok ')" 5 "netns: all child assertions pass"
		like "$out" "^1\.\.5$" "netns: child completed its plan"
		[ $? = 0 ] || diag "$out"
		is "$(cat /etc/resolv.conf 2>/dev/null)" "$resolv_before" "the machine's resolv.conf is untouched"
		TXT example.test >/dev/null 2>&1 && r=answered || r=none
		is "$r" none "the machine's resolver does not know the test zone"
	fi
fi

done_testing
