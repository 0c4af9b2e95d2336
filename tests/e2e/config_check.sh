#!/bin/bash
# config_check.sh - "maildesk-milter -n -c FILE": 0 and "configuration OK"
# for a good file; 1 and "FILE:LINE: key: reason" for each kind of mistake.
# No servers: -n neither connects to Redis nor opens the milter socket.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"

MILTER=${MD_MILTER_BIN:-$top_builddir/milter/maildesk-milter}
[ -x "$MILTER" ] || bail_out "no milter binary $MILTER (build first)"

# check LINE...: writes $T/c.conf (a header line, then LINE...), runs the
# check; sets OUT (stdout + stderr) and RC.
check() {
	{
		echo "# config_check.sh"
		printf '%s\n' "$@"
	} >"$T/c.conf"
	OUT=$("$MILTER" -n -c "$T/c.conf" 2>&1)
	RC=$?
}

# bad DESC WANT_LINE WANT_KEY REASON_RE LINE...: the check must fail with
# "c.conf:WANT_LINE: WANT_KEY: reason" (one line).
bad() {
	local desc=$1 line=$2 key=$3 why=$4
	shift 4
	check "$@"
	is "$RC" 1 "$desc: exit 1"
	like "$OUT" "^(maildesk-milter: )?$T/c\.conf:$line: $key: $why\$" "$desc: file:line: key: reason"
	is "$(printf '%s\n' "$OUT" | wc -l)" 1 "$desc: one line"
}

# --- a good file ------------------------------------------------------------------
check "redis_host = 127.0.0.1" "redis_port = 6380" "desk_domain = desk.example" \
	"spf_enable = yes" "spf_fail_policy = reject" \
	"trusted_networks = 10.0.0.0/8, 192.168.0.0/16 2001:db8::/32" \
	"spam_mark = 4" "spam_reject = 8" "rule.missing_date = 7" "rule.GTUBE = 50" \
	"spamd_address = inet:783@127.0.0.1" "spamd_fallback = tempfail" \
	"rate_ip = 20/1h" "rate_sender = 10/600" "rate_project = 0" \
	"automated_policy = reject"
is "$RC" 0 "good file: exit 0"
like "$OUT" "configuration OK" "good file: configuration OK"
check "# nothing but a comment"
is "$RC/$(printf '%s' "$OUT" | grep -c 'configuration OK')" 0/1 "empty file: defaults are OK"
"$MILTER" -n -c "$T/no-such.conf" >"$T/out" 2>&1
is "$?" 1 "missing file: exit 1"
like "$(cat "$T/out")" "no-such\.conf" "missing file: named in the error"

# --- mistakes -------------------------------------------------------------------------
bad "spam_mark > spam_reject" 3 spam_mark "spam_mark must not exceed spam_reject.*" \
	"spam_reject = 4" "spam_mark = 6"
bad "unknown rule" 3 rule.no_such_rule "unknown rule" \
	"rule.missing_date = 2" "rule.no_such_rule = 1"
bad "rule weight not a number" 2 rule.missing_date "not a number" \
	"rule.missing_date = lots"
bad "unparsable trusted_networks" 3 trusted_networks ".+" \
	"spam_mark = 5" "trusted_networks = 10.0.0.0/8, 10.1.2.300/24"
bad "trusted_networks prefix too long" 2 trusted_networks ".+" \
	"trusted_networks = 192.0.2.0/33"
bad "bad spamd_address" 4 spamd_address ".+" \
	"spam_mark = 5" "" "spamd_address = 127.0.0.1"
bad "spamd_address port out of range" 2 spamd_address ".+" \
	"spamd_address = inet:99999@127.0.0.1"
bad "unknown key" 4 no_such_key "unknown key" \
	"spam_mark = 5" "# a comment" "no_such_key = 1"
bad "bad rate syntax" 2 rate_ip "expected COUNT/SECONDS.*" \
	"rate_ip = 20 per hour"
bad "bad rate unit" 2 rate_sender "expected COUNT/SECONDS.*" \
	"rate_sender = 20/1y"
bad "bad spamd_fallback" 2 spamd_fallback "value not allowed" \
	"spamd_fallback = maybe"
bad "bad automated_policy" 2 automated_policy "value not allowed" \
	"automated_policy = bounce"

done_testing
