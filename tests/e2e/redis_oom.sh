#!/bin/bash
# redis_oom.sh - a Redis that refuses writes for lack of memory (maxmemory
# with noeviction: "OOM command not allowed") makes the milter answer 451
# through real Postfix, at RCPT when the rate counters cannot be counted
# and at end of data when the inbox XADD is refused, with a log line that
# says why; once memory is free again the sender's retry is accepted.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"

INBOX=maildesk:inbox
ACCEPTED='<- *250 2\.0\.0 Ok: queued'
TEMPFAIL='<\*\* *451[ -]4\.3\.0 '

md_start_redis
md_write_config spf_enable=no
md_cli project add acme >/dev/null || bail_out "project add failed"
md_start_milter
md_start_postfix

# reply_to CMD: the server's reply to the client's command CMD (swaks transcript in $out)
reply_to() {
	printf '%s\n' "$out" | awk -v c=" -> $1" 'index($0, c) == 1 { getline; print; exit }'
}

# mail N [swaks args]: desk mail number N (the same N is the same message:
# a retry)
mail() {
	local n=$1
	shift
	md_swaks --from "carol@example.org" --to support+acme@desk.test \
		--header "Subject: OOM test $n" --header "Message-ID: <oom-$n@example.org>" "$@" 2>&1
}

out=$(mail 1)
like "$out" "$ACCEPTED" "with memory to spare: 250"
is "$(rcli XLEN $INBOX)" 1 "one record in the inbox"

# Fill Redis past maxmemory: a 16 MB value, then a 4 MB limit.
rcli SETRANGE maildesk:test:ballast 16000000 x >/dev/null
is "$(rcli CONFIG SET maxmemory-policy noeviction)" OK "maxmemory-policy noeviction"
is "$(rcli CONFIG SET maxmemory 4mb)" OK "maxmemory 4mb, below what Redis holds"
like "$(rcli INCR maildesk:test:probe)" "^OOM command not allowed" "Redis refuses writes"

# --- RCPT: the rate counters cannot move -------------------------------------------
out=$(mail 2)
like "$(reply_to "RCPT TO")" "$TEMPFAIL" "rate counters refused: 451 4.3.0 at RCPT"
is "$(rcli XLEN $INBOX)" 1 "nothing was stored"
like "$(grep 'tempfail RCPT' "$T/milter.log")" \
	"tempfail RCPT support\+acme@desk.test: redis [^ ]+: OOM command not allowed when used memory.*Redis is out of memory" \
	"the milter logs the RCPT tempfail with Redis's reason"

# --- end of data: no rate limits, the inbox XADD is refused --------------------------
md_stop_milter
md_write_config spf_enable=no rate_ip=0 rate_sender=0 rate_project=0
md_start_milter
out=$(mail 3)
like "$out" "$TEMPFAIL" "inbox XADD refused: 451 4.3.0"
like "$(reply_to "RCPT TO")" "^<- +250 " "RCPT accepted (the view and the lists are only read)"
like "$(reply_to ".")" "$TEMPFAIL" "... the 451 is the answer to the end of data"
like "$out" "temporarily unavailable" "the reply says to try again later"
is "$(rcli XLEN $INBOX)" 1 "nothing was stored"
line=$(grep 'tempfail from=<carol@example.org>' "$T/milter.log" | tail -n 1)
like "$line" "Redis is out of memory and refuses writes \(maxmemory reached; see \"Sizing maxmemory\" in doc/scaling.md\): OOM command not allowed" \
	"the log line says Redis is out of memory and where to read about it"
ok_run "the milter is still running" md_milter_alive

# --- memory back: the retries are accepted ------------------------------------------
rcli DEL maildesk:test:ballast >/dev/null
md_wait_cond() {
	local n=$(($1 * 10))
	shift
	until eval "$*"; do
		[ $n -le 0 ] && return 1
		sleep 0.1
		n=$((n - 1))
	done
}
md_wait_cond 5 '[ "$(rcli INCR maildesk:test:probe 2>&1)" -ge 1 ] 2>/dev/null'
ok_rc $? "with the ballast gone Redis takes writes again"
out=$(mail 3)
like "$out" "$ACCEPTED" "the retry of the refused message: 250"
out=$(mail 2)
like "$out" "$ACCEPTED" "the retry of the message refused at RCPT: 250"
is "$(rcli XLEN $INBOX)" 3 "both are in the inbox now"
done_testing
