#!/bin/bash
# backup.sh - the backup procedure of doc/db-schema.md end to end: issues
# filed through Postfix, the milter and the worker (with a customer reply,
# a public and an internal comment, an attachment); pg_dump -Fc; the
# database dropped and created again; pg_restore; the CLI finds the same
# issues and notes.  Redis is lost too (restarted without persistence), so
# a reply key is refused at RCPT until `maildesk view rebuild` writes the
# milter's view from PostgreSQL again; then the reply is filed.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"
. "$top_srcdir/tests/fixtures/conversation/sink.sh"

CAROL=carol@example.test
md_start_redis
md_start_sink
md_write_config spf_enable=no rate_ip=0 rate_sender=0 rate_project=0
md_cli project add acme --alias help@acme.test >/dev/null || bail_out "project add failed"
md_cli project block acme spammer@example.org >/dev/null
md_start_milter
md_start_postfix
md_start_worker

# --- some issues through the real pipeline --------------------------------------------
for i in 1 2 3; do
	out=$(md_swaks --from "c$i@example.test" --to support+acme@desk.test \
		--header "Subject: Backup request $i" --header "Message-Id: <bk$i@example.test>" \
		--body "Request body number $i." 2>&1)
	like "$out" "<- *250 " "request $i accepted"
done
{
	printf 'From: Carol <%s>\nTo: help@acme.test\nSubject: With a file\n' $CAROL
	printf 'Message-ID: <bk4@example.test>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n'
	printf 'Content-Type: text/plain; charset=utf-8\n\nSee the log, s\303\266 k\303\266\303\266l.\n'
	printf -- '--b1\nContent-Type: text/plain; name="log.txt"\n'
	printf 'Content-Disposition: attachment; filename="log.txt"\n\nerror 42\n--b1--\n'
} >"$T/att.eml"
out=$(md_swaks --from $CAROL --to help@acme.test --data "$T/att.eml" 2>&1)
like "$out" "<- *250 " "request with an attachment through the alias accepted"
md_wait_issues acme 4
ok_rc $? "four issues filed"
cv_wait $CAROL 1
ok_rc $? "Carol got her confirmation"
iid=$(md_psql "SELECT iid FROM issues WHERE project = 'acme' AND customer_email = :'e'" e=$CAROL)
ckey=$(md_reply_key acme "$iid" $CAROL)
like "$ckey" '^[a-z2-7]{26}$' "Carol's reply key"
out=$(md_swaks --from $CAROL --to "support+r-$ckey@desk.test" \
	--header "Subject: Re: With a file [acme#$iid]" --header "Message-Id: <bk5@example.test>" \
	--body "Any news?" 2>&1)
like "$out" "<- *250 " "Carol's reply accepted"
md_cli issue comment "acme#$iid" "We are looking into it." --author Dan >/dev/null
md_cli issue comment "acme#$iid" "Internal: the log says 42" --internal >/dev/null
md_cli issue label acme#1 urgent >/dev/null
md_cli issue close acme#2 >/dev/null
md_wait_cond 20 '[ "$(md_psql "SELECT count(*) FROM notes n JOIN issues i ON i.id = n.issue_id
	WHERE i.project = '"'acme'"' AND n.kind = '"'customer'"'")" = 1 ]'
ok_rc $? "the reply is a note"
md_wait_cond 20 '[ "$(md_outbox_count queued)" = 0 ]'
ok_rc $? "every mail sent"

# What the CLI shows before the backup (the JSON has every field).
snapshot() {	# snapshot DIR
	mkdir -p "$1"
	md_cli issue list acme --state all --json >"$1/list.json" 2>&1
	md_cli project show acme --json >"$1/project.json" 2>&1
	for n in 1 2 3 4; do
		md_cli issue show "acme#$n" --json >"$1/issue$n.json" 2>&1
	done
	md_psql "SELECT count(*) FROM notes" >"$1/notes"
	md_psql "SELECT count(*) FROM attachments" >"$1/atts"
	md_psql "SELECT count(*) FROM raw_messages WHERE data IS NOT NULL" >"$1/raws"
}
snapshot "$T/before"
like "$(cat "$T/before/issue$iid.json")" "We are looking into it" "the comment is there before"
is "$(cat "$T/before/atts")" 1 "one attachment before"

# --- dump, drop, create, restore ---------------------------------------------------------
admin=${PG_CONNINFO/dbname=maildesk/dbname=postgres}
pg_dump -Fc -f "$T/maildesk.dump" "$PG_CONNINFO" 2>"$T/pg_dump.err"
ok_rc $? "pg_dump -Fc"
[ -s "$T/pg_dump.err" ] && diag "$(cat "$T/pg_dump.err")"
note "dump: $(stat -c %s "$T/maildesk.dump") bytes"
md_stop_worker
psql "$admin" -X -q -c 'DROP DATABASE maildesk WITH (FORCE)'
ok_rc $? "database dropped"
psql "$admin" -X -q -c 'CREATE DATABASE maildesk'
ok_rc $? "database created again, empty"
out=$(md_cli issue list acme 2>&1)
is "$?" 1 "on the empty database the CLI refuses"
like "$out" "maildesk db migrate" "and says what is missing"
pg_restore -d "$PG_CONNINFO" --exit-on-error "$T/maildesk.dump" 2>"$T/pg_restore.err"
ok_rc $? "pg_restore"
[ -s "$T/pg_restore.err" ] && diag "$(cat "$T/pg_restore.err")"

snapshot "$T/after"
for f in list.json project.json issue1.json issue2.json issue3.json issue4.json notes atts raws; do
	if cmp -s "$T/before/$f" "$T/after/$f"; then
		ok "after the restore: $f is the same"
	else
		not_ok "after the restore: $f is the same"
		diag "$(diff "$T/before/$f" "$T/after/$f" | head -n 10)"
	fi
done
md_cli issue list acme --search looking >"$T/search.out" 2>&1
like "$(cat "$T/search.out")" "acme#$iid" "full-text search works on the restored database"

# --- Redis lost as well: the view is rebuilt from PostgreSQL --------------------------------------
md_stop_redis
md_restart_redis	# no persistence: the view, the inbox and the counters are gone
is "$(rcli EXISTS maildesk:project:acme "maildesk:rkey:$ckey")" 0 "the view is gone"
# swaks_after_restart ARGS: md_swaks, again while the answer is 451: the
# milter's pooled Redis connections each fail once after Redis restarted
# (as a real MTA would, the client retries).
swaks_after_restart() {
	local i out
	for i in 1 2 3 4 5 6 7 8; do
		out=$(md_swaks "$@" 2>&1)
		grep -q '<\*\* *451 ' <<<"$out" || break
	done
	printf '%s\n' "$out"
}
out=$(swaks_after_restart --from $CAROL --to "support+r-$ckey@desk.test" \
	--header "Subject: Re: With a file" --header "Message-Id: <bk6@example.test>" \
	--body "Hello again.")
like "$out" "<\*\* *550" "without the view the reply key is refused at RCPT"
like "$out" "RCPT TO:<support\+r-$ckey@desk.test>
<\*\* *550" "(at RCPT)"
rcli HSET maildesk:rkey:zzzzzzzzzzzzzzzzzzzzzzzzzz project acme iid 9 email x@example.test >/dev/null
out=$(md_cli view rebuild 2>&1)
is "$?" 0 "maildesk view rebuild"
note "view rebuild: $out"
is "$(rcli HGET "maildesk:rkey:$ckey" iid)" "$iid" "the reply key is in the view again"
is "$(rcli HGET maildesk:aliases help@acme.test)" acme "the alias too"
is "$(rcli SMEMBERS maildesk:project:acme:block)" spammer@example.org "and the block list"
is "$(rcli EXISTS maildesk:rkey:zzzzzzzzzzzzzzzzzzzzzzzzzz)" 0 "a key PostgreSQL does not know is removed"
md_start_worker
out=$(md_swaks --from $CAROL --to "support+r-$ckey@desk.test" \
	--header "Subject: Re: With a file" --header "Message-Id: <bk7@example.test>" \
	--body "Hello once more." 2>&1)
like "$out" "<- *250 " "after the rebuild the reply key works at RCPT"
md_wait_cond 20 '[ "$(md_psql "SELECT count(*) FROM notes WHERE message_id IN ('"'bk7@example.test', '<bk7@example.test>'"')")" = 1 ]'
ok_rc $? "and the reply is filed on acme#$iid"
out=$(md_swaks --from spammer@example.org --to support+acme@desk.test --header "Subject: x" 2>&1)
like "$out" "<\*\* *550" "the block list works again"
out=$(md_swaks --from new@example.test --to support+acme@desk.test \
	--header "Subject: After the restore" --body "New." 2>&1)
like "$out" "<- *250 " "a new request after the restore"
md_wait_issues acme 5
ok_rc $? "it becomes an issue"
is "$(md_psql "SELECT max(iid) FROM issues WHERE project = 'acme'")" 5 "numbered after the restored ones"
is "$(rcli XLEN maildesk:dead)" 0 "no dead letters"
done_testing
