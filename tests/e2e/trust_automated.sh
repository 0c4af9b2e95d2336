#!/bin/bash
# trust_automated.sh - automated mail (bounces, auto-replies, lists) through
# real Postfix: accepted as kind=automated with auto_reason, or refused with
# 550 5.7.1 at end of data under automated_policy = reject (configuration or
# project) when it is addressed to new-request addresses only.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/records.sh"

INBOX=maildesk:inbox
ACCEPTED='<- *250 2\.0\.0 Ok: queued'
REFUSED='<\*\* *550[ -]5\.7\.1 '
RKEY=abcdefghijklmnopqrstuvwxyz		# a reply key (26 base32 characters)

md_start_redis
md_write_config spf_enable=no
md_cli project add acme >/dev/null
md_cli project add beta >/dev/null
rcli HSET maildesk:rkey:$RKEY project acme iid 1 email customer@example.org >/dev/null
md_start_milter
md_start_postfix

# send SUBJECT FROM [swaks args...]: to the acme address unless --to is given
send() {
	local subj=$1 from=$2
	shift 2
	case " $* " in
	*" --to "*) ;;
	*) set -- --to support+acme@desk.test "$@" ;;
	esac
	md_swaks --from "$from" --helo mail.example.org --header "Subject: $subj" "$@" 2>&1
}

# automated SUBJECT REASON FROM [swaks args...]: accepted, kind=automated,
# auto_reason = REASON
automated() {
	local subj=$1 reason=$2 out
	shift 2
	out=$(send "$subj" "$@")
	like "$out" "$ACCEPTED" "$subj: accepted"
	is "$(md_find_field $INBOX subject "$subj" kind)" automated "$subj: kind=automated"
	is "$(md_find_field $INBOX subject "$subj" auto_reason)" "$reason" "$subj: auto_reason"
}

# A delivery status notification (RFC 3464) from a bounce address.
cat >"$T/dsn.eml" <<'EOF'
From: Mail Delivery System <postmaster@example.org>
To: support+acme@desk.test
Subject: dsn
Date: Wed, 25 Nov 2026 10:00:00 +0000
Message-ID: <dsn-1@example.org>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="r1"

--r1
Content-Type: text/plain

Your message could not be delivered.
--r1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; nobody@example.org
Action: failed
Status: 5.1.1
--r1--
EOF

# --- accept policy (default): recorded as automated ------------------------------------
out=$(send ordinary customer@example.org)
like "$out" "$ACCEPTED" "ordinary mail accepted"
is "$(md_find_field $INBOX subject ordinary kind)" new "ordinary mail: kind=new"
is "$(md_find_field $INBOX subject ordinary auto_reason)" "" "ordinary mail: no auto_reason"

automated "null sender" "null sender" '<>'
is "$(md_find_field $INBOX subject 'null sender' mail_from)" "" "null sender: mail_from empty"
automated "mailer-daemon" "mailer-daemon sender" MAILER-DAEMON@example.org
automated "auto-replied" "auto-submitted: auto-replied" customer@example.org \
	--header "Auto-Submitted: auto-replied"
automated "precedence bulk" "precedence: bulk" news@example.org --header "Precedence: bulk"
automated "x-autoreply" "x-autoreply" customer@example.org --header "X-Autoreply: yes"
automated "list-id" "list mail (List-Id)" list@example.org \
	--header "List-Id: Users <users.lists.example.org>"
automated "no-reply" "no-reply sender" no-reply@example.org
out=$(md_swaks --from '<>' --to support+acme@desk.test --helo mail.example.org \
	--data "@$T/dsn.eml" 2>&1)
like "$out" "$ACCEPTED" "DSN: accepted"
is "$(md_find_field $INBOX message_id dsn-1@example.org kind)" automated "DSN: kind=automated"
# The null sender comes first in the checks; the report is recognised from a
# real address too.
sed 's/dsn-1@/dsn-2@/' "$T/dsn.eml" >"$T/dsn2.eml"
out=$(md_swaks --from postmaster-relay@example.org --to support+acme@desk.test \
	--helo mail.example.org --data "@$T/dsn2.eml" 2>&1)
like "$out" "$ACCEPTED" "multipart/report: accepted"
is "$(md_find_field $INBOX message_id dsn-2@example.org auto_reason)" \
	"delivery report (multipart/report)" "multipart/report: auto_reason"
out=$(send "auto-submitted no" customer@example.org --header "Auto-Submitted: no")
is "$(md_find_field $INBOX subject 'auto-submitted no' kind)" new "Auto-Submitted: no is not automated"

# --- automated_policy = reject in the configuration -------------------------------------------
md_stop_milter
md_write_config spf_enable=no automated_policy=reject
md_start_milter
out=$(send "rejected null" '<>')
like "$out" "$REFUSED" "automated_policy=reject: null sender refused with 550 5.7.1"
like "$out" "<- *354 " "automated_policy=reject: refused at end of data"
like "$out" "does not accept automated mail" "automated_policy=reject: reply says why"
is "$(md_count_field $INBOX subject 'rejected null')" 0 "automated_policy=reject: nothing stored"
out=$(send "rejected bulk" news@example.org --header "Precedence: bulk")
like "$out" "$REFUSED" "automated_policy=reject: Precedence: bulk refused"
out=$(md_swaks --from '<>' --to support+acme@desk.test --helo mail.example.org \
	--data "@$T/dsn.eml" 2>&1)
like "$out" "$REFUSED" "automated_policy=reject: DSN refused"
out=$(send "ordinary under reject" customer@example.org)
like "$out" "$ACCEPTED" "automated_policy=reject: ordinary mail still accepted"

# replies to an issue are not new requests: still taken (and never answered)
out=$(send "bounce of a reply" '<>' --to support+r-$RKEY@desk.test)
like "$out" "$ACCEPTED" "automated_policy=reject: automated reply to an issue accepted"
is "$(md_find_field $INBOX subject 'bounce of a reply' kind)" automated \
	"automated reply to an issue: kind=automated"
is "$(md_find_field $INBOX subject 'bounce of a reply' key)" $RKEY \
	"automated reply to an issue: the key is kept"

# --- per project --------------------------------------------------------------------------------
md_stop_milter
md_write_config spf_enable=no
md_start_milter
md_cli project set acme automated_policy reject >/dev/null
out=$(send "acme rejects" no-reply@example.org)
like "$out" "$REFUSED" "project automated_policy=reject: refused for acme"
out=$(send "beta accepts" no-reply@example.org --to support+beta@desk.test)
like "$out" "$ACCEPTED" "project automated_policy: beta follows the configuration (accept)"
is "$(md_find_field $INBOX subject 'beta accepts' kind)" automated "beta: kind=automated"
md_cli project set acme automated_policy default >/dev/null
md_cli project set beta automated_policy reject >/dev/null
md_stop_milter
md_write_config spf_enable=no automated_policy=reject
md_start_milter
md_cli project set acme automated_policy accept >/dev/null
out=$(send "acme overrides" no-reply@example.org)
like "$out" "$ACCEPTED" "project automated_policy=accept wins over the configuration's reject"

md_milter_alive; ok_rc $? "milter survived"
done_testing
