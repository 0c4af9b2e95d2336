#!/bin/bash
# miltertest.sh - drive maildesk-milter with OpenDKIM's miltertest (Lua):
# accept / 550 / 552 / 451 paths, IPv6 client, two messages on one
# connection, abort after RCPT, mixed recipients.  One milter for the whole
# suite (libmilter takes ~5 s to stop), one Lua script per scenario.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/records.sh"

command -v miltertest >/dev/null || skip_all "miltertest is not installed"

md_start_redis --appendonly yes --appendfsync always
md_write_config max_message_size=2M
md_cli project add acme >/dev/null
md_cli project add sleepy >/dev/null
md_cli project add beta >/dev/null
md_cli project disable sleepy >/dev/null
md_start_milter
export MILTER_PORT

INBOX=maildesk:inbox

# run_lua NAME: runs one scenario; its output in $out, its exit status in $rc.
run_lua() {
	out=$(miltertest -s "$top_srcdir/tests/milter/$1.lua" 2>&1)
	rc=$?
	[ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = OK ] && return 0
	[ $rc -ne 0 ] || rc=1
	return 1
}

lua() {
	local out rc
	if run_lua "$1"; then
		ok "miltertest $1"
	else
		not_ok "miltertest $1 (rc=$rc)"
		diag "$out"
	fi
}

# lua_retried NAME: after Redis came back each of the milter's connections
# may still be inside its reconnect backoff window (up to 5 s) and answer
# 451 at once, so the scenario is run again every 100 ms until it passes,
# as the sending MTA retries a 4xx.
lua_retried() {
	local out rc i
	for i in $(seq 60); do
		if run_lua "$1"; then
			ok "miltertest $1 (attempt $i)"
			return
		fi
		sleep 0.1
	done
	not_ok "miltertest $1 (rc=$rc, 60 attempts)"
	diag "$out"
}

lua accept
is "$(rcli XLEN $INBOX)" 1 "accepted message is one inbox record"
is "$(md_last_field $INBOX subject)" "Printer on fire" "record subject"
is "$(md_last_field $INBOX project)" acme "record project"
is "$(md_last_field $INBOX kind)" new "record kind"
is "$(md_last_field $INBOX client_ip)" 198.51.100.7 "record client ip"
is "$(md_last_field $INBOX mail_from)" alice@example.org "record envelope sender"
is "$(md_last_field $INBOX queue_id)" QACCEPT1 "record queue id from the i macro"
is "$(md_last_field $INBOX message_id)" accept-1@example.org "record message id"
like "$(md_last_field $INBOX raw)" "the printer is on fire" "record keeps the raw message"

lua unknown
is "$(rcli XLEN $INBOX)" 1 "refused recipients write nothing"

lua oversize
is "$(rcli XLEN $INBOX)" 1 "oversized message writes nothing"

lua ipv6
is "$(md_last_field $INBOX client_ip)" 2001:db8::7 "IPv6 client address recorded"

lua recipients
is "$(md_count_field $INBOX subject 'Twice to acme')" 1 "one record for the same desk address twice"
is "$(md_count_field $INBOX subject 'Big one')" 1 "one record within the budget of a large message"

lua two_messages
is "$(md_count_field $INBOX subject 'First of two')" 1 "first of two messages stored once"
is "$(md_count_field $INBOX subject 'Second of two')" 1 "second of two messages stored once"
is "$(md_find_field $INBOX subject 'Second of two' mail_from)" carol@example.org \
	"second message has its own envelope sender"

lua abort
is "$(md_count_field $INBOX subject 'After abort')" 1 "message after abort stored"

lua mixed
is "$(md_find_field $INBOX subject Mixed project)" acme \
	"mixed message stored for the desk recipient (case-insensitive match)"

before=$(rcli XLEN $INBOX)
# Redis runs with AOF here, so what it held survives the restart.
# Redis has users (tests/harness/lib.sh): SHUTDOWN as its admin.
export REDIS_STOP_CMD="REDISCLI_AUTH=\$MD_REDIS_ADMIN_PASSWORD redis-cli -p $REDIS_PORT \${MD_REDIS_ADMIN_PASSWORD:+--user admin} shutdown >/dev/null 2>&1; true"
lua redis_down_eom
md_restart_redis
is "$(rcli XLEN $INBOX)" "$before" "Redis down at EOM: 451 and nothing half-written"

md_stop_redis
lua redis_down_rcpt
md_restart_redis
lua_retried accept
is "$(rcli XLEN $INBOX)" $((before + 1)) "Redis back: the retried message is stored once"

done_testing
