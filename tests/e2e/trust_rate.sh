#!/bin/bash
# trust_rate.sh - rate limits at RCPT through real Postfix: per client
# address, per envelope sender, per project; 450 4.7.1 past the limit,
# counters visible in Redis and expiring, refused attempts not counted.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/records.sh"

INBOX=maildesk:inbox
ACCEPTED='<- *250 2\.0\.0 Ok: queued'
REFUSED='<\*\* *450[ -]4\.7\.1 '

md_start_redis
# SPF off: the XCLIENT addresses below have no DNS.  Limits that are not
# under test stay far away.
md_write_config spf_enable=no rate_ip=2/3600 rate_sender=0 rate_project=0
md_cli project add acme >/dev/null
md_cli project add beta >/dev/null
md_start_milter
md_start_postfix

# mail FROM ADDR TO [swaks args...]: one message, client ADDR via XCLIENT.
mail() {
	local from=$1 addr=$2 to=$3
	shift 3
	md_swaks --from "$from" --to "$to" --helo mail.example.org \
		--xclient-addr "$addr" --xclient-name mail.example.org "$@" 2>&1
}

# restart_milter KEY=VALUE...: new limits (counters in Redis stay).
restart_milter() {
	md_stop_milter
	md_write_config spf_enable=no "$@"
	md_start_milter
}

# keys PATTERN: matching keys, sorted, one line each
keys() {
	rcli --scan --pattern "$1" | sort
}

# newest PATTERN: the counter of the latest window (a test may straddle a
# window boundary, then there are two)
newest() {
	keys "$1" | sort -t: -k5n | tail -n 1
}

# total PATTERN: the sum of all matching counters
total() {
	local k n=0
	for k in $(keys "$1"); do
		n=$((n + $(rcli GET "$k")))
	done
	echo $n
}

# clear_of_boundary: the estimate of a burst that straddles an hour window
# boundary is a hair below the count (the previous window weighs a little
# less than 1), so a burst must not start in the last 20 s of a window.
# Waits (rarely, at most 20 s) until the next window has begun.
clear_of_boundary() {
	while [ $(($(date +%s) % 3600)) -ge 3580 ]; do
		sleep 0.5
	done
}

# --- rate_ip ------------------------------------------------------------------------
clear_of_boundary
for i in 1 2; do
	out=$(mail a$i@example.org 198.51.100.7 support+acme@desk.test --header "Subject: ip $i")
	like "$out" "$ACCEPTED" "rate_ip 2/3600: message $i from 198.51.100.7 accepted"
done
out=$(mail a3@example.org 198.51.100.7 support+acme@desk.test --header "Subject: ip 3")
like "$out" "$REFUSED" "rate_ip: the third message gets 450 4.7.1"
like "$out" "RCPT TO:.*
<\*\* *450" "rate_ip: refused at RCPT"
like "$out" "Too many messages" "rate_ip: reply says why"
is "$(md_count_field $INBOX subject 'ip 3')" 0 "rate_ip: refused message not stored"
out=$(mail a4@example.org 198.51.100.8 support+acme@desk.test --header "Subject: ip other")
like "$out" "$ACCEPTED" "rate_ip: another client address is not limited"

k=$(newest 'maildesk:rate:ip:198.51.100.7:*')
like "$k" '^maildesk:rate:ip:198\.51\.100\.7:[0-9]+$' "rate_ip: counter key in Redis"
is "$(total 'maildesk:rate:ip:198.51.100.7:*')" 2 "rate_ip: counter is 2 (the refused attempt is not counted)"
ttl=$(rcli TTL "$k")
[ "$ttl" -gt 0 ] && [ "$ttl" -le 7200 ]
ok_rc $? "rate_ip: counter expires (TTL $ttl, at most 2 windows)"
start=${k##*:}
is "$((start % 3600))" 0 "rate_ip: window start is a multiple of the window"

# Mail to an ordinary recipient is not counted and not limited.
out=$(mail a5@example.org 198.51.100.7 bob@example.test --header "Subject: ordinary")
like "$out" "$ACCEPTED" "rate_ip: ordinary recipients are never limited"
is "$(total 'maildesk:rate:ip:198.51.100.7:*')" 2 "rate_ip: ordinary mail is not counted"

# --- rate_sender --------------------------------------------------------------------
restart_milter rate_ip=0 rate_sender=2/1h rate_project=0
clear_of_boundary
for i in 1 2; do
	out=$(mail Spammy@Example.ORG 203.0.113.$i support+acme@desk.test --header "Subject: sender $i")
	like "$out" "$ACCEPTED" "rate_sender 2/1h: message $i accepted (client 203.0.113.$i)"
done
out=$(mail spammy@example.org 203.0.113.3 support+acme@desk.test --header "Subject: sender 3")
like "$out" "$REFUSED" "rate_sender: third message from the same sender gets 450 4.7.1"
out=$(mail other@example.org 203.0.113.3 support+acme@desk.test --header "Subject: sender other")
like "$out" "$ACCEPTED" "rate_sender: another sender is not limited"
k=$(newest 'maildesk:rate:sender:spammy@example.org:*')
like "$k" '^maildesk:rate:sender:spammy@example\.org:[0-9]+$' \
	"rate_sender: counter key with the lower-cased sender"
is "$(total 'maildesk:rate:sender:spammy@example.org:*')" 2 "rate_sender: counter is 2"
ttl=$(rcli TTL "$k")
[ "$ttl" -gt 0 ] && [ "$ttl" -le 7200 ]
ok_rc $? "rate_sender: counter expires (TTL $ttl)"

# The limit is per message, not per recipient: one message to two desk
# addresses counts once.
out=$(mail multi@example.org 203.0.113.9 support+acme@desk.test,support+beta@desk.test \
	--header "Subject: two desks")
like "$out" "$ACCEPTED" "rate_sender: a message to two desk addresses accepted"
is "$(total 'maildesk:rate:sender:multi@example.org:*')" 1 \
	"rate_sender: counted once per message, not per recipient"

# --- rate_project ---------------------------------------------------------------------
restart_milter rate_ip=0 rate_sender=0 rate_project=2/3600
before=$(md_count_field $INBOX project acme)
clear_of_boundary
for i in 1 2; do
	out=$(mail p$i@example.org 192.0.2.$i support+acme@desk.test --header "Subject: project $i")
	like "$out" "$ACCEPTED" "rate_project 2/3600: message $i to acme accepted"
done
out=$(mail p3@example.org 192.0.2.3 support+acme@desk.test --header "Subject: project 3")
like "$out" "$REFUSED" "rate_project: third message to acme gets 450 4.7.1"
like "$out" "receives too much mail" "rate_project: reply says why"
is "$(md_count_field $INBOX project acme)" $((before + 2)) "rate_project: only two stored for acme"
out=$(mail p4@example.org 192.0.2.4 support+beta@desk.test --header "Subject: project beta")
like "$out" "$ACCEPTED" "rate_project: another project is not limited"
# Mixed: acme is over its limit, beta is not -> acme refused, beta accepted.
out=$(mail p5@example.org 192.0.2.5 support+acme@desk.test,support+beta@desk.test \
	--header "Subject: project mixed")
like "$out" "RCPT TO:<support\+acme@desk\.test>
<\*\* *450[ -]4\.7\.1 " "rate_project: per recipient, acme refused"
like "$out" "$ACCEPTED" "rate_project: and beta in the same message accepted"
is "$(md_find_field $INBOX subject 'project mixed' rcpt)" support+beta@desk.test \
	"rate_project: record only for beta"
k=$(newest 'maildesk:rate:project:acme:*')
like "$k" '^maildesk:rate:project:acme:[0-9]+$' "rate_project: counter key per project"
is "$(total 'maildesk:rate:project:acme:*')" 2 "rate_project: acme counter is 2"
ttl=$(rcli TTL "$k")
[ "$ttl" -gt 0 ] && [ "$ttl" -le 7200 ]
ok_rc $? "rate_project: counter expires (TTL $ttl)"

# --- the limit lifts: counters gone -> accepted again ------------------------------------
for k in $(keys 'maildesk:rate:project:acme:*'); do
	rcli DEL "$k" >/dev/null
done
out=$(mail p6@example.org 192.0.2.6 support+acme@desk.test --header "Subject: project again")
like "$out" "$ACCEPTED" "rate_project: accepted again once the counters expired"

# --- trusted clients are not limited -----------------------------------------------------
restart_milter rate_ip=1/3600 rate_sender=0 rate_project=0 trusted_networks=198.18.0.0/15
for i in 1 2 3; do
	out=$(mail t@example.org 198.18.0.1 support+acme@desk.test --header "Subject: trusted $i")
	like "$out" "$ACCEPTED" "trusted network: message $i not rate limited"
done
is "$(keys 'maildesk:rate:ip:198.18.0.1:*')" "" "trusted network: no counter"

md_milter_alive; ok_rc $? "milter survived"
done_testing
