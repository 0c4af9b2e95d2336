#!/bin/bash
# sandbox.sh - contrib/sandbox.sh as a new user runs it, without a terminal:
# it comes up, prints the web URL and a responder's credentials; those log
# in (POST /api/login) and see the demo requests (one with an attachment,
# a customer's reply, an internal note); the mails' links point at that
# URL; SIGTERM stops every process it started and removes its directory.
. "$top_srcdir/tests/harness/tap.sh"
command -v swaks >/dev/null || skip_all "swaks is not installed"
command -v jq >/dev/null || skip_all "jq is not installed"
. "$top_srcdir/tests/harness/lib.sh"

OUT=$T/sandbox.out
# Its own harness, its own directory: the programs built for this suite.
BUILD_DIR=$top_builddir "$top_srcdir/contrib/sandbox.sh" --no-build </dev/null >"$OUT" 2>&1 &
SB_PID=$!
_md_extra_pids+=("$SB_PID")
_md_started=1

# Up: "sandbox ready" (or it died, or 150 s on a loaded machine).
end=$((SECONDS + 150))
until grep -q '^sandbox ready$' "$OUT"; do
	if _md_gone "$SB_PID" || [ $SECONDS -ge $end ]; then
		diag "$(tail -n 40 "$OUT")"
		bail_out "the sandbox did not come up"
	fi
	sleep 0.2
done
ok "the sandbox came up in $SECONDS s"
SBT=$(sed -n 's/^.*== starting .* in \(\/[^ ]*maildesk-test\.[A-Za-z0-9]*\).*$/\1/p' "$OUT" | head -n 1)
like "$SBT" "^/.+/maildesk-test\.[A-Za-z0-9]+$" "it names its directory"
URL=$(sed -n 's/^  URL  *//p' "$OUT" | head -n 1)
USER_NAME=$(sed -n 's/^  user  *//p' "$OUT" | head -n 1)
PASSWORD=$(sed -n 's/^  password  *//p' "$OUT" | head -n 1)
like "$URL" "^http://127\.0\.0\.1:[0-9]+/$" "it prints the web URL"
like "$USER_NAME" "^[a-z]+$" "it prints a user name"
like "$PASSWORD" "^[A-Za-z0-9]{12,}$" "it prints a generated password"
WEB=${URL%/}
like "$(grep '^base_url' "$SBT/maildesk.conf")" "^base_url = $WEB\$" \
	"base_url (the links in the mails) is that URL"
is "$(grep '^sender_auth_check' "$SBT/maildesk.conf")" "sender_auth_check = yes" \
	"sender identity is on (forged From: flagged, as in production)"
conf=$(find "$SBT/sink/Maildir/new" -type f | head -n 1)
like "$(tr -d '\r' <"$conf" | sed -e ':a' -e '/=$/{N;s/=\n//;ba' -e '}')" "$WEB/unsubscribe/" \
	"the confirmation's unsubscribe link points at it"

# --- the printed credentials in the web API --------------------------------------
req() {
	local m=$1 p=$2
	shift 2
	curl -s -o "$T/b" -w '%{http_code}' -b "$T/jar" -c "$T/jar" -X "$m" "$@" "$WEB$p"
}
is "$(req GET /)" 200 "the front-end is served"
is "$(req POST /api/login --data-urlencode "user=$USER_NAME" \
	--data-urlencode "password=$PASSWORD")" 200 "login with the printed credentials"
is "$(req POST /api/login --data-urlencode "user=$USER_NAME" \
	--data-urlencode "password=$PASSWORD-wrong")" 401 "a wrong password is refused"
is "$(req GET /api/projects/demo/issues)" 200 "issue list of project demo"
is "$(jq -r '[.issues[].iid] | sort | join(",")' "$T/b")" 1,2 "both demo requests listed"
is "$(req GET /api/projects/demo/issues/1)" 200 "issue demo 1"
is "$(jq -r '[.notes[].kind] | sort | join(",")' "$T/b")" customer,internal \
	"issue demo 1 has the customer's reply and an internal note"
is "$(req GET /api/projects/demo/issues/2)" 200 "issue demo 2"
is "$(jq -r '[.attachments[].filename] | join(",")' "$T/b")" printer-log.txt \
	"issue demo 2 has its attachment"

# --- SIGTERM stops everything ---------------------------------------------------------
# What runs for it: its descendants, whatever names its directory (the
# Postfix masters and PostgreSQL detach), and the ports it listed.
descendants() {
	local p
	for p in $(ps -o pid= --ppid "$1"); do
		echo "$p"
		descendants "$p"
	done
}
in_dir() {
	ps -eo pid=,args= | grep -F -- "$SBT" | grep -v -e ' grep ' -e "^ *$$ " | awk '{print $1}'
}
pids=$(for p in "$SB_PID" $(in_dir) $(cat "$SBT"/postfix/spool/pid/master.pid \
	"$SBT"/sinkpf/spool/pid/master.pid 2>/dev/null); do
	echo "$p"
	descendants "$p"
done | sort -un)
ports=$(sed -n 's/^[A-Za-z][A-Za-z ]*  127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$OUT" | sort -u | tr '\n' ' ')
note "sandbox pids: $(echo $pids); ports: $ports"
[ "$(echo "$pids" | wc -w)" -ge 15 ]
ok_rc $? "it runs its servers ($(echo "$pids" | wc -w) processes)"
kill -TERM "$SB_PID"
_md_reap "$SB_PID" 60
ok_rc $? "it ends on SIGTERM"
# still_running: the pids of it that run (a process may take a moment to
# finish exiting after the sandbox has reaped or stopped it).
still_running() {
	local p
	for p in $pids; do
		_md_gone "$p" || echo "$p($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-60))"
	done
}
end=$((SECONDS + 10))
while left=$(still_running) && [ -n "$left" ] && [ $SECONDS -lt $end ]; do
	sleep 0.2
done
is "$left" "" "no process of it is left"
is "$(in_dir | wc -l)" 0 "nothing runs in its directory"
busy=
for p in $ports; do
	md_wait_port "$p" 0.1 && busy="$busy $p"
done
is "$busy" "" "none of its ports is still open"
[ ! -e "$SBT" ]
ok_rc $? "its directory is removed"
like "$(tail -n 3 "$OUT")" "stopping everything and removing" "it says so"

done_testing
