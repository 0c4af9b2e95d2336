#!/bin/bash
# ingest.sh - the SMTP ingest path end to end: swaks -> private Postfix ->
# maildesk-milter -> Redis stream.  Asserts SMTP replies and the records.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/records.sh"

FIX=$top_srcdir/tests/fixtures/e2e
INBOX=maildesk:inbox

md_start_redis --appendonly yes --appendfsync always
md_write_config max_message_size=3M
md_cli project add acme --alias help@acme.test >/dev/null
md_start_milter
md_start_postfix

# send FILE [RCPT...]: sends a raw message, prints swaks' transcript
send() {
	local file=$1; shift
	local to
	to=$(IFS=,; echo "$*")
	md_swaks --from customer@example.org --to "${to:-support+acme@desk.test}" \
		--data "$file" 2>&1
}

# --- a plain new request -------------------------------------------------
out=$(md_swaks --from alice@example.org --to support+acme@desk.test \
	--header "Subject: Printer on fire" --header "Message-ID: <plain-1@example.org>" \
	--body "The printer is on fire." 2>&1)
like "$out" "<- *250 2\.0\.0 Ok: queued" "new request accepted with 250"
is "$(rcli XLEN $INBOX)" 1 "one record in the inbox"
is "$(md_last_field $INBOX subject)" "Printer on fire" "subject recorded"
is "$(md_last_field $INBOX kind)" new "kind new"
is "$(md_last_field $INBOX project)" acme "project recorded"
like "$(md_last_field $INBOX text)" "The printer is on fire." "text recorded"
like "$(md_last_field $INBOX queue_id)" "^[0-9A-F]+$" "Postfix queue id recorded"
is "$(md_maildir_count)" 0 "desk recipient is consumed, not delivered to a mailbox"

# --- alias --------------------------------------------------------------------
out=$(md_swaks --from alice@example.org --to help@acme.test --header "Subject: Via alias" 2>&1)
like "$out" "<- *250 2\.0\.0 Ok: queued" "mail to a project alias accepted"
is "$(md_find_field $INBOX subject 'Via alias' project)" acme "alias resolved to its project"

# --- unknown project ------------------------------------------------------------
out=$(md_swaks --from alice@example.org --to support+nosuch@desk.test 2>&1)
like "$out" "<\*\* *550 5\.1\.1 " "unknown project refused with 550 5.1.1 at RCPT"
like "$out" "support address does not exist" "refusal has a human sentence"

# --- mixed desk + ordinary recipients -----------------------------------------
out=$(md_swaks --from alice@example.org --to support+acme@desk.test,bob@example.test \
	--header "Subject: Mixed recipients" 2>&1)
like "$out" "<- *250 2\.0\.0 Ok: queued" "mixed recipients accepted"
md_wait_mail 1 10
is "$(md_maildir_count)" 1 "ordinary recipient got the message"
is "$(md_count_field $INBOX subject 'Mixed recipients')" 1 "desk copy stored once"
is "$(grep -l 'Subject: Mixed recipients' "$T"/mail/*/new/* 2>/dev/null | wc -l)" 1 \
	"only one mailbox copy (desk recipient removed)"

# --- charsets, HTML, attachment ---------------------------------------------------
out=$(send "$FIX/latin1.eml"); like "$out" "<- *250 2\.0\.0 Ok: queued" "ISO-8859-1 message accepted"
is "$(md_find_field $INBOX message_id latin1-1@example.org subject)" "Grüße aus Köln" \
	"ISO-8859-1 RFC 2047 subject decoded to UTF-8"
like "$(md_find_field $INBOX message_id latin1-1@example.org text)" "nur noch Ärger" \
	"ISO-8859-1 body converted to UTF-8"
like "$(md_find_field $INBOX message_id latin1-1@example.org from)" "Jürgen Müller" \
	"ISO-8859-1 From name decoded"

out=$(send "$FIX/utf8.eml"); like "$out" "<- *250 2\.0\.0 Ok: queued" "UTF-8 message accepted"
is "$(md_find_field $INBOX message_id utf8-1@example.org subject)" "提交失败 — café" \
	"UTF-8 base64 subject decoded"
like "$(md_find_field $INBOX message_id utf8-1@example.org text)" "café est froid ☕" \
	"UTF-8 body kept"

out=$(send "$FIX/html.eml"); like "$out" "<- *250 2\.0\.0 Ok: queued" "HTML-only message accepted"
t=$(md_find_field $INBOX message_id html-1@example.org text)
like "$t" "The login page is broken & slow." "HTML converted to text"
unlike "$t" "alert|<p>|color:red" "no markup, script or style in the text"
like "$(md_find_field $INBOX message_id html-1@example.org flags)" "html_only" "html_only flag"

out=$(send "$FIX/attachment.eml"); like "$out" "<- *250 2\.0\.0 Ok: queued" "message with attachment accepted"
is "$(md_find_field $INBOX message_id att-1@example.org attachments)" 1 "attachment counted"
is "$(md_find_field $INBOX message_id att-1@example.org text)" "See the attached log." \
	"text part chosen over the attachment"

# --- malformed input: accepted, flagged or best effort, never a crash ---------------
out=$(send "$FIX/broken_boundary.eml"); like "$out" "<- *250 2\.0\.0 Ok: queued" "broken MIME boundary accepted"
like "$(md_find_field $INBOX message_id broken-1@example.org text)" "never closed" \
	"broken boundary: best-effort text"
out=$(send "$FIX/no_headers.eml"); like "$out" "<- *250 2\.0\.0 Ok: queued" "message without From/Subject/Date/Message-ID accepted"
out=$(send "$FIX/junk.eml"); like "$out" "<- *250 2\.0\.0 Ok: queued" "8-bit junk, NUL and unknown charset accepted"
t=$(md_find_field $INBOX message_id junk-1@example.org text)
like "$t" "body with 8-bit" "unknown charset: text recovered"
is "$(printf '%s' "$t" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 && echo valid)" valid \
	"unknown charset: text is valid UTF-8"

# deeply nested multiparts
{
	printf 'From: deep@example.org\r\nTo: support+acme@desk.test\r\nSubject: Deep\r\nMessage-ID: <deep-1@example.org>\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="d0"\r\n\r\n'
	for i in $(seq 0 299); do
		printf -- '--d%d\r\nContent-Type: multipart/mixed; boundary="d%d"\r\n\r\n' $i $((i + 1))
	done
	printf -- '--d300\r\nContent-Type: text/plain\r\n\r\ndeep inside\r\n--d300--\r\n'
} > "$T/deep.eml"
out=$(send "$T/deep.eml"); like "$out" "<- *250 2\.0\.0 Ok: queued" "300 nested multiparts accepted"
is "$(md_count_field $INBOX message_id deep-1@example.org)" 1 "deeply nested message stored"

# a 1 MB header (folded)
{
	printf 'From: big@example.org\r\nTo: support+acme@desk.test\r\nSubject: Huge header\r\nMessage-ID: <hugeheader-1@example.org>\r\nX-Huge: start'
	for i in $(seq 1 13000); do printf '\r\n\tfolded-line-%06d-abcdefghijklmnopqrstuvwxyz' $i; done
	printf '\r\n\r\nbody after a huge header\r\n'
} > "$T/hugeheader.eml"
out=$(send "$T/hugeheader.eml")
like "$out" "<- *250 2\.0\.0 Ok: queued|<\*\* *5[0-9][0-9] " "1 MB header answered (accepted or refused by Postfix), no crash"
md_milter_alive; ok_rc $? "milter still running after the huge header"

# over the size limit (3M here)
head -c 4000000 /dev/zero | tr '\0' 'x' | fold -w 76 | sed 's/$/\r/' > "$T/bigbody"
{ printf 'From: big@example.org\r\nTo: support+acme@desk.test\r\nSubject: Too big\r\n\r\n'; cat "$T/bigbody"; } > "$T/big.eml"
out=$(send "$T/big.eml")
like "$out" "<\*\* *552 5\.3\.4 " "message over the size limit refused with 552 5.3.4"
is "$(md_count_field $INBOX subject 'Too big')" 0 "oversized message not stored"

# --- Redis down: 451, nothing half-written; back: accepted once ------------------------
n=$(rcli XLEN $INBOX)
md_stop_redis
out=$(md_swaks --from alice@example.org --to support+acme@desk.test \
	--header "Subject: While Redis is down" --header "Message-ID: <down-1@example.org>" 2>&1)
like "$out" "<\*\* *451 4\.3\.0 " "Redis down: 451 4.3.0"
md_restart_redis
is "$(rcli XLEN $INBOX)" "$n" "nothing written while Redis was down"
out=$(md_swaks --from alice@example.org --to support+acme@desk.test \
	--header "Subject: While Redis is down" --header "Message-ID: <down-1@example.org>" 2>&1)
like "$out" "<- *250 2\.0\.0 Ok: queued" "Redis back: the retried message is accepted"
is "$(md_count_field $INBOX message_id down-1@example.org)" 1 "and stored exactly once"

# --- backlog over the limit -------------------------------------------------------------
rcli CONFIG SET appendfsync everysec >/dev/null
md_stop_milter
md_write_config max_message_size=3M inbox_max_backlog=$(rcli XLEN $INBOX)
md_start_milter
out=$(md_swaks --from alice@example.org --to support+acme@desk.test --header "Subject: Backlog" 2>&1)
like "$out" "<\*\* *451 4\.3\.0 " "backlog over the limit: 451 4.3.0"
is "$(md_count_field $INBOX subject Backlog)" 0 "nothing written over the backlog limit"

md_milter_alive; ok_rc $? "milter survived the whole suite"
done_testing
