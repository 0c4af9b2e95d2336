#!/bin/bash
# sandbox.sh - maildesk running for real in a throw-away sandbox, in one
# command, on a fresh Debian 12 (as root):
#
#   sudo contrib/sandbox.sh          run until Ctrl-C
#   sudo contrib/sandbox.sh --once   show the demo and stop
#
# It installs the missing packages, builds into ./build (BUILD_DIR), and
# starts private instances on free 127.0.0.1 ports: Redis, PostgreSQL (a
# cluster of its own in the sandbox directory, unix socket only, schema
# applied with `maildesk db migrate`), a Postfix with maildesk-milter in
# front of it, maildesk-worker, and a second Postfix that plays the outside
# world (outbound mail lands in a Maildir).  Redis runs with the users of
# contrib/redis-users.acl (a copy with a generated password per user; the
# default user is off) and every program logs in as its own user, as in
# production; MD_REDIS_ACL=no runs it without.  Then it creates the project
# "demo", sends a customer's mail to support+demo@desk.test and shows each
# step: the SMTP dialogue, the record in the Redis stream, the issue in
# PostgreSQL, and the confirmation mail the customer gets.  Nothing outside the sandbox directory is touched; Ctrl-C stops it
# all and removes it.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
once=0
[ "${1:-}" = --once ] && once=1

if [ "$(id -u)" != 0 ]; then
	exec sudo --preserve-env=BUILD_DIR,MD_REDIS_ACL "$0" "$@"
fi

BUILD_DIR=${BUILD_DIR:-$top/build}
"$top/tests/run-suite" --build-only || exit 1
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)

# The test harness does the starting and the cleaning up.
export top_srcdir=$top top_builddir=$BUILD_DIR MD_TEST_TIMEOUT=0
# shellcheck source=../tests/harness/lib.sh
. "$top/tests/harness/lib.sh"
# Not a test: no log tails at exit (the logs are in $T while it runs).
_md_tap_done=1

say() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

say "starting Redis, PostgreSQL, the relay sink, the milter, Postfix and the worker in $T"
md_start_redis
md_start_sink
md_write_config base_url=http://127.0.0.1:8080
md_cli project add demo || bail_out "maildesk project add demo failed"
md_start_milter
md_start_postfix
echo "Redis      127.0.0.1:$REDIS_PORT"
[ -n "${MD_REDIS_ADMIN_PASSWORD:-}" ] &&
	echo "           users of $T/redis-users.acl; each program's in $MD_CONF"
echo "PostgreSQL $PG_DIR (unix socket; log $PG_DIR/postgres.log)"
echo "milter     127.0.0.1:$MILTER_PORT   (log $T/milter.log)"
echo "Postfix    127.0.0.1:$SMTP_PORT   (log $T/postfix.log)"
echo "sink       127.0.0.1:$SINK_PORT   (mail in $T/sink/Maildir/new)"
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
# Waiting on a spawned child keeps the trap responsive to Ctrl-C; the
# harness stops the child with everything else.
md_spawn sleep infinity
wait "$MD_SPAWN_PID"
