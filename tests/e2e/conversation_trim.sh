#!/bin/bash
# conversation_trim.sh - reply trimming end to end: replies built from the
# fixtures of tests/fixtures/replies (*.cases, the format of
# tests/unit/test_trim.c) go through the private Postfix, the milter,
# Redis and the worker to the customer's reply key, and each one's note in
# PostgreSQL must hold exactly the case's expected visible text.  HTML as a
# lone text/html part and inside multipart/alternative (the HTML part is
# the one trimmed), text in German, Russian and Japanese, and a reply that
# is only quotation: its note is empty and nothing is forwarded for it.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"
. "$top_srcdir/tests/fixtures/conversation/sink.sh"

CASES=$top_srcdir/tests/fixtures/replies
CAROL=carol@example.test
DAVE=dave@example.test

# fx FILE NAME in|expect: one part of a case, as test_trim.c reads it (the
# reply with its final newline; the expected text without trailing ones).
fx() {
	perl -e 'my ($f, $name, $part) = @ARGV; open my $fh, "<", $f or die "$f: $!\n";
		local $/; my $all = <$fh>;
		$all =~ /^%%% \Q$name\E(?: html)?\n(.*?)^%%% expect\n(.*?)^%%% end$/ms
			or die "no case $name in $f\n";
		my ($in, $want) = ($1, $2);
		$want =~ s/\n+\z//;
		print $part eq "in" ? $in : $want' "$CASES/$1" "$2" "$3"
}

# b64 TEXT: base64 in lines of 76 (no line of the message gets long).
b64() {
	printf '%s' "$1" | base64 -w 76
}

md_start_redis
md_start_sink
# The test's own relay (loopback) is trusted, so its customers' replies
# count as authenticated (sender_auth=yes) and are forwarded and reopen;
# trust_forged_reply.sh tests the unauthenticated side.
md_write_config spf_enable=no rate_ip=0 rate_sender=0 base_url=https://desk.test \
	trusted_networks=127.0.0.0/8
md_cli project add acme >/dev/null || bail_out "project add failed"
md_start_milter
md_start_postfix
md_start_worker

# --- the customer's request, with a colleague in Cc (who gets the forwards) -------------
out=$(md_swaks --from $CAROL --to support+acme@desk.test \
	--header "From: Carol Customer <$CAROL>" --header "Cc: Dave <$DAVE>" \
	--header "Subject: Printer on fire" --header "Message-Id: <trim-req@example.test>" \
	--body "The printer is on fire." 2>&1)
like "$out" "<- *250 " "request accepted"
md_wait_issues acme 1
ok_rc $? "request became acme#1"
key=$(md_reply_key acme 1 $CAROL)
like "$key" '^[a-z2-7]{26}$' "the customer's reply key, from PostgreSQL"
cv_wait $CAROL 1
ok_rc $? "confirmation delivered"

# reply N FILE CASE KIND: sends case CASE of FILE as reply number N through
# Postfix to the reply key, KIND: text (text/plain), html (text/html) or
# alt (multipart/alternative: a plain rendering, then the HTML).
reply() {
	local n=$1 file=$2 name=$3 kind=$4 in
	in=$(fx "$file" "$name" in) || bail_out "fixture $file:$name"
	{
		printf 'From: Carol Customer <%s>\nTo: support+r-%s@desk.test\n' $CAROL "$key"
		printf 'Subject: Re: Printer on fire [acme#1]\nMessage-ID: <trim-%s@example.test>\n' "$n"
		printf 'In-Reply-To: <trim-req@example.test>\nMIME-Version: 1.0\n'
		case $kind in
		text)
			printf 'Content-Type: text/plain; charset=utf-8\n'
			printf 'Content-Transfer-Encoding: base64\n\n'
			b64 "$in"
			;;
		html)
			printf 'Content-Type: text/html; charset=utf-8\n'
			printf 'Content-Transfer-Encoding: base64\n\n'
			b64 "$in"
			;;
		alt)
			# The plain part as the client renders it: the text it wrote
			# and the history quoted with "> " (not what the test expects
			# word for word, so only the HTML part can give the note).
			printf 'Content-Type: multipart/alternative; boundary="alt-%s"\n\n' "$n"
			printf -- '--alt-%s\nContent-Type: text/plain; charset=utf-8\n' "$n"
			printf 'Content-Transfer-Encoding: base64\n\n'
			b64 "$(fx "$file" "$name" expect)
PLAIN RENDERING

Am Mo., 23. Nov. 2026 um 16:15 Uhr schrieb Acme Support <support@desk.example>:
> Funktioniert der Zugang?
"
			printf -- '--alt-%s\nContent-Type: text/html; charset=utf-8\n' "$n"
			printf 'Content-Transfer-Encoding: base64\n\n'
			b64 "$in"
			printf -- '--alt-%s--\n' "$n"
			;;
		esac
	} >"$T/reply$n.eml"
	md_swaks --from $CAROL --to "support+r-$key@desk.test" --data "$T/reply$n.eml" 2>&1
}

# note_of N: the id of reply N's note (empty until the worker filed it).
note_of() {
	md_psql "SELECT n.id FROM notes n JOIN issues i ON i.id = n.issue_id
		WHERE i.project = 'acme' AND i.iid = 1 AND n.kind = 'customer'
		AND n.message_id IN (:'m', :'b')" m="<trim-$1@example.test>" b="trim-$1@example.test"
}

forwards() {
	md_psql "SELECT count(*) FROM outbox WHERE project = 'acme' AND iid = 1
		AND kind = 'forward' AND rcpt = :'r'" r=$DAVE
}

# check N FILE CASE KIND DESC: reply N is filed with exactly the expected
# visible text; a reply with visible text is forwarded to Dave, one without
# is not.
check() {
	local n=$1 file=$2 name=$3 kind=$4 desc=$5 want id fw_before out
	want=$(fx "$file" "$name" expect) || bail_out "fixture $file:$name"
	fw_before=$(forwards)
	out=$(reply "$n" "$file" "$name" "$kind")
	like "$out" "<- *250 " "$desc ($name): accepted"
	md_wait_cond 20 "[ -n \"\$(note_of $n)\" ]"	# md_wait_cond has an n of its own
	ok_rc $? "$desc: filed as a customer note"
	id=$(note_of "$n")
	is "$(md_psql "SELECT text FROM notes WHERE id = :'id'" id="$id")" "$want" \
		"$desc: the note's text is the expected visible text"
	is "$(md_psql "SELECT text = :'w' FROM notes WHERE id = :'id'" id="$id" w="$want")" t \
		"$desc: ... exactly (to the last newline)"
	# The forward is queued in the transaction that adds the note.
	if [ -n "$want" ]; then
		is "$(forwards)" $((fw_before + 1)) "$desc: forwarded to the other participant"
	else
		is "$(forwards)" "$fw_before" "$desc: nothing forwarded"
		isnt "$(md_psql "SELECT full_text FROM notes WHERE id = :'id'" id="$id")" "" \
			"$desc: the full text is kept"
	fi
}

check 1 html.cases html_gmail_fr html "Gmail HTML in French, text/html alone"
check 2 html.cases html_outlook_web_de alt "Outlook on the web in German, multipart/alternative"
check 3 de.cases de_outlook text "German Outlook header block, plain text"
check 4 pl_ru_uk_cs_tr.cases ru_thunderbird_pishet text "Russian Thunderbird, plain text"
check 5 cjk.cases ja_thunderbird text "Japanese Thunderbird, plain text"
check 6 de.cases de_only_quote text "a German reply that is only quotation"
check 7 en.cases gmail_top_posting text "English Gmail, after the quote-only one"

# Everything queued went out: Dave got the request's forwards and no more.
md_wait_cond 20 '[ "$(md_outbox_count queued)" = 0 ]'
ok_rc $? "the outbox is empty"
cv_wait $DAVE 6
ok_rc $? "the other participant got the six forwards"
is "$(cv_count $DAVE)" 6 "... and nothing for the quote-only reply"
unlike "$(for f in $(cv_mails $DAVE); do cv_body "$f"; done)" "Ist Ihr Problem gelöst" \
	"no quoted history of the quote-only reply was forwarded"
is "$(md_cli issue show acme#1 --json | jq -r .state)" opened "the issue is open"
is "$(rcli XLEN maildesk:dead)" 0 "no dead letters"
unlike "$(cat "$T/milter.log" "$T/worker.log")" "NOPERM|WRONGPASS|no permissions" \
	"no Redis permission error in the milter's or the worker's log"
done_testing
