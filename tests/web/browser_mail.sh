#!/bin/bash
# browser_mail.sh - the whole loop with a browser in it: a request mailed
# through Postfix + milter + worker becomes an issue; a responder finds it
# in maildesk-web (headless Chromium), posts a public and an internal
# comment; the customer's mailbox (the sink) gets the public one only.
. "$top_srcdir/tests/harness/tap.sh"
command -v swaks >/dev/null || skip_all "swaks is not installed"

. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/records.sh"
. "$top_srcdir/tests/web/web.sh"

md_node_dir browser_mail.mjs

CUSTOMER=customer@example.org
SUBJECT="Printer on fire"
PUBLIC_TEXT="We are on it"
INTERNAL_TEXT="internal only"
ARTIFACTS=$top_builddir/tests/artifacts
mkdir -p "$ARTIFACTS"

md_start_redis
md_write_config spf_enable=no rate_ip=0 rate_sender=0 \
	"web_static_dir=$top_srcdir/web/static" base_url=http://127.0.0.1
md_cli project add acme >/dev/null || bail_out "project add failed"
printf 'correct horse battery\n' | md_cli user add alice --role admin ||
	bail_out "user add failed"
md_start_milter
md_start_sink
md_start_postfix
md_start_worker

# --- the request, by mail ----------------------------------------------------------------
out=$(md_swaks --from $CUSTOMER --to support+acme@desk.test \
	--header "Subject: $SUBJECT" --body "It is smoking and beeping." 2>&1)
like "$out" "<- *250 " "request accepted over SMTP"

# Poll `issue list acme --json` until the subject shows up.
n=300
until md_cli issue list acme --json 2>/dev/null |
    jq -e --arg s "$SUBJECT" '[.. | objects | select(.title? == $s)] | length == 1' \
    >/dev/null 2>&1; do
	n=$((n - 1))
	[ $n -le 0 ] && break
	sleep 0.1
done
[ $n -gt 0 ]
ok_rc $? "the worker filed the request as an issue"
md_wait_sink 1 20
ok_rc $? "confirmation delivered to the customer"

# --- the responder, in the browser -------------------------------------------------------
md_start_web
export WEB ARTIFACTS SUBJECT PUBLIC_TEXT INTERNAL_TEXT PROJECT=acme \
	MD_USER=alice MD_PASSWORD='correct horse battery' PROFILE=$T/profile
mkdir -p "$PROFILE"
md_browser_run browser_mail.mjs

# --- what reached the customer's mailbox -------------------------------------------------
md_wait_sink 2 20
ok_rc $? "a second mail reached the sink"
pub=
for f in $(md_sink_files); do
	grep -qF "$PUBLIC_TEXT" "$f" && { pub=$f; break; }
done
isnt "$pub" "" "the public comment was mailed"
[ -n "$pub" ] && grep -qixF "To: $CUSTOMER" "$pub"
ok_rc $? "... to $CUSTOMER"

# Before looking for the internal note, let everything queued drain: the
# outbox has no queued row and nothing is left in the sink's Postfix queue.
sink_queue() {
	find "$T/sinkpf/spool/incoming" "$T/sinkpf/spool/active" \
		"$T/sinkpf/spool/deferred" "$T/sinkpf/spool/maildrop" -type f 2>/dev/null | wc -l
}
n=100
while [ $n -gt 0 ]; do
	[ "$(md_psql "SELECT count(*) FROM outbox WHERE state = 'queued'")" = 0 ] &&
		[ "$(sink_queue)" = 0 ] && break
	sleep 0.1
	n=$((n - 1))
done
[ $n -gt 0 ]
ok_rc $? "outbox and relay queue drained"
is "$(md_sink_count)" 2 "exactly two mails delivered (confirmation, public comment)"
leaked=$(md_sink_files | xargs -r grep -lF "$INTERNAL_TEXT")
is "$leaked" "" "the internal comment was not mailed"
is "$(md_psql "SELECT count(*) FROM notes n JOIN issues i ON i.id = n.issue_id
	WHERE i.project = 'acme' AND i.iid = 1 AND n.kind IN ('public', 'internal')")" 2 \
	"both comments stored"
done_testing
