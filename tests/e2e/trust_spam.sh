#!/bin/bash
# trust_spam.sh - the content verdict at end of DATA through real Postfix:
# built-in rules and their weights, spam_mark / spam_reject (global and per
# project), and a real spamd: GTUBE refused, scores added, and both
# spamd_fallback modes when spamd is down.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/records.sh"

INBOX=maildesk:inbox
ACCEPTED='<- *250 2\.0\.0 Ok: queued'
GTUBE='XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'

md_start_redis
md_write_config spf_enable=no
md_cli project add acme >/dev/null
md_start_milter
# Postfix adds a missing Date and Message-ID for clients that match
# local_header_rewrite_clients, before the milter sees the headers.
md_start_postfix local_header_rewrite_clients=

# restart_milter KEY=VALUE...: the milter with another configuration.
restart_milter() {
	md_stop_milter
	md_write_config spf_enable=no "$@"
	md_start_milter
}

# msg ID [HEADER...]: writes $T/ID.eml, a message with the given extra
# headers; Date and Message-ID (<ID@example.org>) unless NODATE/NOMSGID
# are among the headers; the body comes from $BODY (and $CTYPE).
msg() {
	local id=$1 h nodate=0 nomsgid=0
	shift
	for h in "$@"; do
		case $h in
		NODATE) nodate=1 ;;
		NOMSGID) nomsgid=1 ;;
		esac
	done
	{
		printf 'From: Customer <customer@example.org>\r\n'
		printf 'To: support+acme@desk.test\r\n'
		printf 'Subject: %s\r\n' "$id"
		[ $nodate = 1 ] || printf 'Date: %s\r\n' "$(date -R)"
		[ $nomsgid = 1 ] || printf 'Message-ID: <%s@example.org>\r\n' "$id"
		for h in "$@"; do
			case $h in
			NODATE | NOMSGID) ;;
			*) printf '%s\r\n' "$h" ;;
			esac
		done
		printf 'MIME-Version: 1.0\r\n'
		printf 'Content-Type: %s\r\n\r\n' "${CTYPE:-text/plain; charset=utf-8}"
		printf '%s\r\n' "${BODY:-Hello, my order 1234 has not arrived yet. Can you check? Thanks, Carol}" |
			sed 's/\r*$/\r/'
	} >"$T/$id.eml"
}

# send ID: sends $T/ID.eml, prints the transcript
send() {
	md_swaks --from customer@example.org --to support+acme@desk.test \
		--helo mail.example.org --data "@$T/$1.eml" 2>&1
}

field() {
	md_find_field $INBOX message_id "$1@example.org" "$2"
}

# --- built-in rules ------------------------------------------------------------------
msg clean
out=$(send clean)
like "$out" "$ACCEPTED" "complete plain message accepted"
is "$(field clean score)" 0.00 "complete message: score 0.00"
is "$(field clean rules)" "" "complete message: no rules"
unlike "$(field clean flags)" "spam" "complete message: not flagged spam"

msg nodate NODATE NOMSGID
out=$(send nodate)
like "$out" "$ACCEPTED" "message without Date and Message-ID accepted"
is "$(md_find_field $INBOX subject nodate rules)" "MISSING_DATE=1.0,MISSING_MESSAGE_ID=1.0" \
	"missing Date/Message-ID: rules with their weights"
is "$(md_find_field $INBOX subject nodate score)" 2.00 "missing Date/Message-ID: score 2.00"

CTYPE='text/html; charset=utf-8' BODY='<html><body><p>My order <b>1234</b> is late.</p></body></html>' \
	msg html
out=$(send html)
like "$out" "$ACCEPTED" "HTML-only message accepted"
is "$(field html rules)" "HTML_ONLY=0.5" "HTML only: HTML_ONLY=0.5"
like "$(field html flags)" "(^|,)html_only(,|$)" "HTML only: html_only flag"

EXE_BODY='--b1
Content-Type: text/plain

Please see the invoice.
--b1
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="invoice.pdf.exe"
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
--b1--'
CTYPE='multipart/mixed; boundary="b1"' BODY=$EXE_BODY msg exe
out=$(send exe)
like "$out" "$ACCEPTED" "message with an .exe attachment accepted"
is "$(field exe rules)" "SUSPICIOUS_ATTACHMENT=3.0" "exe: SUSPICIOUS_ATTACHMENT=3.0"
is "$(field exe attachments)" 1 "exe: attachment counted"
unlike "$(field exe flags)" "spam" "exe: 3.0 is below spam_mark 5"

# --- spam_mark / spam_reject ---------------------------------------------------------------
CTYPE='multipart/mixed; boundary="b1"' BODY=$EXE_BODY msg marked NODATE NOMSGID
out=$(send marked)
like "$out" "$ACCEPTED" "score 5.0 (spam_mark) accepted"
is "$(md_find_field $INBOX subject marked score)" 5.00 "score 5.00 = 3 + 1 + 1"
like "$(md_find_field $INBOX subject marked flags)" "(^|,)spam(,|$)" "spam_mark reached: flags has spam"

BODY="Please ignore: $GTUBE" msg gtube
out=$(send gtube)
like "$out" "<- *354 " "GTUBE: refused only after the data"
like "$out" "<\*\* *550[ -]5\.7\.1 " "GTUBE (built-in rule): 550 5.7.1 at end of data"
like "$out" "looks like spam" "GTUBE: reply says why"
unlike "$out" "GTUBE=|score" "GTUBE: the score is not shown to the sender"
is "$(md_count_field $INBOX subject gtube)" 0 "GTUBE: nothing stored"
like "$(grep 'reject.*spam score' "$T/milter.log")" "GTUBE=100\.0" "GTUBE: score and rule logged"

# per-project thresholds win over the configuration
md_cli project set acme spam_mark 1 >/dev/null
msg pmark NODATE
out=$(send pmark)
like "$out" "$ACCEPTED" "project spam_mark 1: accepted"
like "$(md_find_field $INBOX subject pmark flags)" "(^|,)spam(,|$)" \
	"project spam_mark 1: score 1.0 flagged spam"
md_cli project set acme spam_reject 2 >/dev/null
msg preject NODATE NOMSGID
out=$(send preject)
like "$out" "<\*\* *550[ -]5\.7\.1 " "project spam_reject 2: score 2.0 refused with 550 5.7.1"
is "$(md_count_field $INBOX subject preject)" 0 "project spam_reject: nothing stored"
md_cli project set acme spam_reject default >/dev/null
md_cli project set acme spam_mark default >/dev/null
out=$(send preject)
like "$out" "$ACCEPTED" "project thresholds back to default: accepted"

# --- rule weights from the configuration ------------------------------------------------------
restart_milter rule.missing_date=7 rule.missing_message_id=0
msg weights NODATE NOMSGID
out=$(send weights)
like "$out" "$ACCEPTED" "rule.missing_date = 7: accepted (below spam_reject 10)"
is "$(md_find_field $INBOX subject weights rules)" "MISSING_DATE=7.0" \
	"rule.missing_date = 7 and rule.missing_message_id = 0 in the rules"
is "$(md_find_field $INBOX subject weights score)" 7.00 "configured weights change the score"
like "$(md_find_field $INBOX subject weights flags)" "(^|,)spam(,|$)" "and the score reaches spam_mark"
restart_milter rule.missing_date=10
out=$(send weights)
like "$out" "<\*\* *550[ -]5\.7\.1 " "rule.missing_date = 10 alone reaches spam_reject: 550 5.7.1"

# --- spamd ------------------------------------------------------------------------------------
md_start_spamd
SPAMD="spamd_address=inet:$SPAMD_PORT@127.0.0.1"
restart_milter "$SPAMD" spamd_fallback=tempfail

BODY="Please ignore: $GTUBE" msg gtube2
out=$(send gtube2)
like "$out" "<\*\* *550[ -]5\.7\.1 " "spamd: GTUBE refused with 550 5.7.1 at end of data"
is "$(md_count_field $INBOX subject gtube2)" 0 "spamd: GTUBE not stored"
like "$(grep 'reject.*spam score' "$T/milter.log" | tail -n 1)" "SPAMD=[0-9]{3,}" \
	"spamd: spamd's GTUBE score is part of the verdict"

msg spamd_ok NODATE
out=$(send spamd_ok)
like "$out" "$ACCEPTED" "spamd: an ordinary message is accepted"
r=$(md_find_field $INBOX subject spamd_ok rules)
like "$r" "(^|,)MISSING_DATE=1\.0(,|$)" "spamd: built-in rules still in the record"
like "$r" "(^|,)SPAMD=-?[0-9]+\.[0-9]+(,|$)" "spamd: spamd's score in the rules"
s=$(md_find_field $INBOX subject spamd_ok score)
want=$(printf '%s\n' "$r" | tr ',' '\n' | awk -F= '{ t += $2 } END { printf "%.2f", t }')
is "$s" "$want" "spamd: score is the sum of the rules"

# spamd stopped: tempfail ...
md_stop_spamd
msg down1
out=$(send down1)
like "$out" "<\*\* *451[ -]4\.7\.1 " "spamd down, spamd_fallback=tempfail: 451 4.7.1"
is "$(md_count_field $INBOX subject down1)" 0 "spamd down, tempfail: nothing stored"
like "$(grep 'tempfail: spamd' "$T/milter.log")" "tempfail: spamd: connect" "spamd down, tempfail: logged"

# ... or ignore
restart_milter "$SPAMD" spamd_fallback=ignore
msg down2 NODATE
out=$(send down2)
like "$out" "$ACCEPTED" "spamd down, spamd_fallback=ignore: accepted"
is "$(md_find_field $INBOX subject down2 rules)" "MISSING_DATE=1.0" \
	"spamd down, ignore: scored with the built-in rules only"
like "$(grep 'spamd unavailable' "$T/milter.log")" "scoring without it" \
	"spamd down, ignore: logged"

md_milter_alive; ok_rc $? "milter survived"
done_testing
