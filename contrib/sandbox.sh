#!/bin/bash
# sandbox.sh - maildesk running for real in a throw-away sandbox, in one
# command, on a fresh Debian 12 (as root):
#
#   sudo contrib/sandbox.sh             run until Ctrl-C (or SIGTERM)
#   sudo contrib/sandbox.sh --once      show the demo and stop
#   contrib/sandbox.sh --no-build       use the programs already built in
#                                       BUILD_DIR (tests/e2e/sandbox.sh)
#
# It installs the missing packages, builds into ./build (BUILD_DIR), and
# starts private instances on free 127.0.0.1 ports: Redis, PostgreSQL (a
# cluster of its own in the sandbox directory, unix socket only, schema
# applied with `maildesk db migrate`), a Postfix with maildesk-milter in
# front of it, maildesk-worker, maildesk-web, and a second Postfix that
# plays the outside world (outbound mail lands in a Maildir).  Redis runs
# with the users of contrib/redis-users.acl (a copy with a generated
# password per user; the default user is off) and every program logs in as
# its own user, as in production; MD_REDIS_ACL=no runs it without.  Then it
# creates the project "demo", sends a customer's mail to
# support+demo@desk.test and shows each step: the SMTP dialogue, the record
# in the Redis stream, the issue in PostgreSQL, and the confirmation mail
# the customer gets.  A few more requests (one with an attachment, a
# customer's reply, an internal note) fill the web UI; it prints the web
# URL and a responder's user name and generated password (base_url points
# at it, so the links in the mails work).  Nothing outside the sandbox
# directory is touched; Ctrl-C or SIGTERM stops it all and removes it.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
once=0
build=1
for arg in "$@"; do
	case $arg in
	--once) once=1 ;;
	--no-build) build=0 ;;
	-h | --help)
		sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "sandbox.sh: unknown option: $arg (see --help)" >&2
		exit 2
		;;
	esac
done

if [ "$(id -u)" != 0 ]; then
	exec sudo --preserve-env=BUILD_DIR,MD_REDIS_ACL "$0" "$@"
fi

BUILD_DIR=${BUILD_DIR:-$top/build}
if [ $build = 1 ]; then
	"$top/tests/run-suite" --build-only || exit 1
elif [ ! -x "$BUILD_DIR/web/maildesk-web" ]; then
	echo "sandbox.sh: --no-build, but nothing is built in $BUILD_DIR" >&2
	exit 1
fi
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)

# The test harness does the starting and the cleaning up.
export top_srcdir=$top top_builddir=$BUILD_DIR MD_TEST_TIMEOUT=0
# shellcheck source=../tests/harness/lib.sh
. "$top/tests/harness/lib.sh"
# shellcheck source=../tests/web/web.sh
. "$top/tests/web/web.sh"
# Not a test: no log tails at exit (the logs are in $T while it runs), and
# SIGTERM is the ordinary way to stop it.
_md_tap_done=1
trap 'exit 143' TERM
md_at_exit 'echo; echo "sandbox: stopping everything and removing $T"'

say() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

say "starting Redis, PostgreSQL, the relay sink, the milter, Postfix, the worker and the web UI in $T"
md_start_redis
md_start_sink
# The web UI's port first: base_url, in every mail's links, names it.
WEB_PORT=$(md_free_port)
# Sender identity on, as in production (the test harness turns it off):
# a forged From: is flagged unverified_sender, never forwarded and never
# reopens an issue, and a responder's answer by mail needs an authenticated
# From: (doc/sender-identity.md).  The demo customers' mail is only as
# authenticated as their domains' SPF says from this machine (without
# DNS: not at all, and then filed unverified too).  The DNS budget is
# short so that a resolver that never answers costs seconds, not ten.
md_write_config "base_url=http://127.0.0.1:$WEB_PORT" "web_static_dir=$top/web/static" \
	sender_auth_check=yes auth_timeout_ms=2000 spf_timeout_ms=2000
md_cli project add demo || bail_out "maildesk project add demo failed"
# A responder for the web UI, with a password made here (never a fixed one).
WEB_USER=demo
WEB_PASSWORD=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 16)
printf '%s\n' "$WEB_PASSWORD" >"$T/web-password"
md_cli user add "$WEB_USER" --role responder --password-file "$T/web-password" >/dev/null ||
	bail_out "maildesk user add $WEB_USER failed"
# A responder sees the projects it is a member of.
md_cli project member add demo "$WEB_USER" --role responder >/dev/null ||
	bail_out "maildesk project member add demo $WEB_USER failed"
md_start_milter
md_start_postfix
echo "Redis      127.0.0.1:$REDIS_PORT"
[ -n "${MD_REDIS_ADMIN_PASSWORD:-}" ] &&
	echo "           users of $T/redis-users.acl; each program's in $MD_CONF"
echo "PostgreSQL $PG_DIR (unix socket; log $PG_DIR/postgres.log)"
echo "milter     127.0.0.1:$MILTER_PORT   (log $T/milter.log)"
echo "Postfix    127.0.0.1:$SMTP_PORT   (log $T/postfix.log)"
echo "sink       127.0.0.1:$SINK_PORT   (mail in $T/sink/Maildir/new)"
echo "web UI     127.0.0.1:$WEB_PORT   (log $T/web.log; started below)"
echo "config     $MD_CONF"

say "a customer writes to support+demo@desk.test"
md_swaks --from customer@example.org --to support+demo@desk.test \
	--header "Subject: The printer is on fire" \
	--body "Hello, our printer in room 2 is on fire again. Please help." 2>&1 |
	grep -E '^ *(->|<-|<\*\*) ' | grep -Ev -- '-> [A-Za-z0-9+/=]{40,}$'

say "the milter accepted it only after Redis stored this record (redis-cli XRANGE maildesk:inbox - +)"
rcli --no-raw XRANGE maildesk:inbox - + | cut -c1-160 | head -n 80

say "the worker turns the record into an issue and mails the customer"
md_start_worker
md_wait_sink 1 30 || echo "(no confirmation mail yet; see $T/worker.log)"
if [ -n "${MD_REDIS_ADMIN_PASSWORD:-}" ]; then
	echo "Redis clients by ACL user (redis-cli CLIENT LIST): the milter and the worker"
	echo "each as their own, none as the default user:"
	rcli CLIENT LIST | grep -o ' user=[^ ]*' | sort | uniq -c
fi
echo "\$ maildesk issue list demo"
md_cli issue list demo
echo
echo "\$ psql -c 'SELECT project, iid, state, customer_email, title FROM issues'"
md_psql "SELECT project, iid, state, customer_email, title FROM issues ORDER BY id" |
	sed 's/|/  /g'
echo "\$ psql -c 'SELECT id, kind, rcpt, state FROM outbox'"
md_psql "SELECT id, kind, rcpt, state FROM outbox ORDER BY id" | sed 's/|/  /g'

say "the confirmation the customer received (from the sink's Maildir)"
f=$(md_sink_files | head -n 1)
if [ -n "$f" ]; then
	sed -n '1,/^\r\{0,1\}$/{/^\(From\|To\|Subject\|Reply-To\|Auto-Submitted\|List-Unsubscribe\):/p}' "$f"
	echo
	sed '1,/^\r\{0,1\}$/d' "$f" | head -n 30
fi

say "more for the web UI: a request with an attachment, the customer's reply, an internal note"
# sb_count SQL: a number from the tracker (0 while the query fails).
sb_count() {
	local n
	n=$(md_psql "$1" 2>>"$T/demo-psql.log")
	echo "${n:-0}"
}
# sb_wait SQL WANT: waits up to 30 s until the number reaches WANT.
sb_wait() {
	local end=$((SECONDS + 30))
	until [ "$(sb_count "$1")" -ge "$2" ]; do
		[ $SECONDS -ge $end ] && { echo "(still waiting for the worker; see $T/worker.log)"; return 1; }
		sleep 0.1
	done
}
printf 'paper jam at 10:02\nfuser temperature 412 C\nsmoke detector: on\n' >"$T/printer-log.txt"
md_swaks --from another.customer@example.net --to support+demo@desk.test \
	--header "Subject: Scanner output attached" \
	--body "The scanner log is attached; it stopped after the fire." \
	--attach-type text/plain --attach "@$T/printer-log.txt" >"$T/demo-swaks.log" 2>&1 &&
	echo "a second customer's request, printer-log.txt attached: accepted"
reply_to=
[ -n "$f" ] && reply_to=$(sed -n '1,/^\r\{0,1\}$/{/^Reply-To:/p}' "$f" |
	grep -o '[^<> ]*@[^<> ]*[^<> \r]' | head -n 1)
if [ -n "$reply_to" ]; then
	md_swaks --from customer@example.org --to "$reply_to" \
		--header "Subject: Re: The printer is on fire" \
		--body "Thanks. It is out now, but the room smells of toner." >>"$T/demo-swaks.log" 2>&1 &&
		echo "the first customer's reply to $reply_to: accepted"
fi
sb_wait "SELECT count(*) FROM issues WHERE project = 'demo'" 2
[ -n "$reply_to" ] && sb_wait "SELECT count(*) FROM notes n JOIN issues i ON i.id = n.issue_id
    WHERE i.project = 'demo' AND i.iid = 1 AND n.kind = 'customer'" 1
md_cli issue comment demo#1 "Internal: the fire brigade has the details; do not promise a new printer yet." \
	--internal --author "$WEB_USER" >/dev/null &&
	echo "an internal note on demo#1 (responders see it, the customer does not)"
echo "\$ maildesk issue list demo"
md_cli issue list demo

md_start_web
cat <<EOF

The desk in a browser (maildesk-web; the links in the mails point here too):
  URL       $WEB/
  user      $WEB_USER
  password  $WEB_PASSWORD
EOF

if [ $once = 1 ]; then
	say "done (--once): stopping everything"
	exit 0
fi

say "the sandbox keeps running; Ctrl-C stops it and removes $T"
# redis-cli for people: the admin user, its password in the environment.
rcli_hint="redis-cli -p $REDIS_PORT"
[ -n "${MD_REDIS_ADMIN_PASSWORD:-}" ] &&
	rcli_hint="REDISCLI_AUTH=$MD_REDIS_ADMIN_PASSWORD redis-cli -p $REDIS_PORT --user admin"
cat <<EOF
Open $WEB/ and log in as $WEB_USER (the password above).
Send more mail (a new request, or a reply to the Reply-To address of the
confirmation above):
  swaks --server 127.0.0.1:$SMTP_PORT --from you@example.org \\
        --to support+demo@desk.test --header 'Subject: Another problem'
Look at the desk:
  $BUILD_DIR/cli/maildesk -c $MD_CONF issue list demo
  $BUILD_DIR/cli/maildesk -c $MD_CONF issue show demo#1
  $BUILD_DIR/cli/maildesk -c $MD_CONF issue comment demo#1 "On our way."
  $rcli_hint XRANGE maildesk:inbox - +
  psql "$PG_CONNINFO"        (tables: doc/db-schema.md)
Outbound mail:  ls $T/sink/Maildir/new
Logs:           $T/*.log
EOF
echo "sandbox ready"
# Waiting on a spawned child keeps the traps responsive to Ctrl-C and
# SIGTERM; the harness stops the child with everything else.
md_spawn sleep infinity
wait "$MD_SPAWN_PID"
