#!/bin/bash
# login_throttle.sh - login throttling without lockout, against a real
# maildesk-web and PostgreSQL: a guesser's address is refused (429 +
# Retry-After) while the owner logs in from another address at once;
# 60 parallel guesses cost at most the per-(name, address) limit of
# password checks; 30 made-up names from one address hit the address
# limit; past the per-name limit logins are delayed, never refused.
#
# maildesk-web counts the TCP peer (it does not trust X-Forwarded-For), so
# each client binds its own loopback address with curl --interface.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/web/web.sh"

command -v curl >/dev/null || skip_all "curl is not installed"
curl -s -o /dev/null --interface 127.0.0.2 http://127.0.0.1:1/ 2>/dev/null
[ $? = 45 ] && skip_all "cannot bind 127.0.0.2 (no 127/8 on lo)"

PAIR_MAX=5	# lib/policy/login_throttle.c defaults
ADDR_MAX=20
USER_MAX=50

md_start_redis
md_write_config "web_static_dir=$top_srcdir/web/static" web_trusted_proxies=127.0.0.50
printf 'correct horse battery\n' >"$T/pw"
md_cli user add admin --role admin --password-file "$T/pw" ||
	bail_out "user add failed"
md_cli project add acme >/dev/null || bail_out "project add failed"
md_start_web
ok "maildesk-web started on $WEB"

# login FROM USER PASSWORD: status; headers in $T/h.FROM, body in $T/b.FROM.
login() {
	curl -s -o "$T/b.$1" -D "$T/h.$1" -w '%{http_code}' --max-time 30 \
		--interface "$1" -d "user=$2" --data-urlencode "password=$3" "$WEB/api/login"
}
hdr() {
	grep -i "^$2:" "$T/h.$1" | head -n 1 | cut -d: -f2- | sed 's/^ //; s/\r$//'
}
# Password checks maildesk-web made so far (its debug log counts them).
checks() {
	grep -c 'login: password check' "$T/web.log"
}
counter() {
	md_psql "SELECT coalesce(sum(count), 0) FROM login_failures WHERE key = :'k'" k="$1"
}

# The counters use fixed windows (15 minutes for the address limits): ten
# attempts across a window's end would be counted in two windows.  So
# start early enough in one (a clock wait, not a guess at readiness).
left=$((900 - $(date +%s) % 900))
[ $left -gt 120 ] || { diag "waiting ${left} s for the next 15-minute window"; sleep $((left + 1)); }

# --- (a) ten wrong passwords from A do not lock the owner out ----------------
A=127.0.0.2 B=127.0.0.3
codes=
for _ in 1 2 3 4 5 6 7 8 9 10; do
	codes="$codes $(login $A admin wrong-password)"
done
is "$codes" " 401 401 401 401 401 429 429 429 429 429" \
	"A: $PAIR_MAX wrong passwords checked, then 429 without a check"
is "$(checks)" $PAIR_MAX "only $PAIR_MAX password checks for A"
ra=$(hdr $A Retry-After)
like "$ra" '^[0-9]+$' "429 carries Retry-After ($ra s)"
[ "${ra:-0}" -ge 1 ] && [ "${ra:-0}" -le 900 ]
ok_rc $? "Retry-After is within the 15-minute window"
like "$(cat "$T/b.$A")" 'too many failed logins from this address' "the answer says why"

start=$(date +%s%N)
is "$(login $B admin 'correct horse battery')" 200 \
	"B: the right password gets in at once after A's ten failures"
ms=$((($(date +%s%N) - start) / 1000000))
[ $ms -lt 2000 ]
ok_rc $? "without a delay (${ms} ms)"
like "$(hdr $B Set-Cookie)" '^md_session=' "B got a session"
is "$(counter "p:admin|$B")" 0 "a success gives its reservation back"

# --- (c) A stays refused, the right password included; other names are not ---
is "$(login $A admin 'correct horse battery')" 429 "A is refused even the right password"
like "$(hdr $A Retry-After)" '^[0-9]+$' "with Retry-After"
is "$(login $A someone-else wrong-password)" 401 "A may still try another name (address limit not reached)"
is "$(counter "p:admin|$A")" $PAIR_MAX "refused attempts are not counted as failures"
grep -q "refused for [0-9]* s" "$T/web.log"
ok_rc $? "refusals are logged with the client address"

# --- (b) 60 parallel wrong attempts: at most the limit of real checks --------
C=127.0.0.4
before=$(checks)
pids=()
for i in $(seq 1 60); do
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 --interface $C \
		-d user=admin -d password=parallel-$i "$WEB/api/login" >"$T/par.$i" &
	pids+=($!)
done
wait "${pids[@]}"	# not a bare wait: the servers are children too
after=$(checks)
n=$((after - before))
cat "$T"/par.* | sort | uniq -c | sed 's/^/# /'
[ $n -ge 1 ] && [ $n -le $PAIR_MAX ]
ok_rc $? "60 parallel attempts: $n real password checks (at most $PAIR_MAX)"
is "$(cat "$T"/par.* | grep -c 401)" $n "one 401 per check"
is "$(cat "$T"/par.* | grep -Evc '^(401|429|503)$')" 0 "the rest are 429 (or 503: no free argon2 slot)"
[ "$(counter "p:admin|$C")" -le $PAIR_MAX ]
ok_rc $? "the counter never passes the limit"
is "$(login $B admin 'correct horse battery')" 200 "B still gets in"

# --- unknown names cost a check and count against the address -----------------
D=127.0.0.5
before=$(checks)
codes=
for i in $(seq 1 30); do
	codes="$codes $(login $D nobody$i whatever1)"
done
is "$(echo $codes | tr ' ' '\n' | grep -c 401)" $ADDR_MAX "the first $ADDR_MAX made-up names get 401"
is "$(echo $codes | tr ' ' '\n' | grep -c 429)" $((30 - ADDR_MAX)) "then the address is refused"
is "$(($(checks) - before))" $ADDR_MAX "each checked against the dummy hash"
is "$(login $D admin 'correct horse battery')" 429 "D is refused for every name now"
is "$(login $B admin 'correct horse battery')" 200 "and B is not"

# --- past the per-name limit: delayed, never refused ---------------------------
# Spread failures over fresh addresses, at most PAIR_MAX each, until the
# name's counter passes USER_MAX (as a botnet would).
ip=10
while [ "$(counter u:admin)" -le $USER_MAX ]; do
	for _ in $(seq 1 $PAIR_MAX); do
		login 127.0.0.$ip admin wrong-password >/dev/null
	done
	ip=$((ip + 1))
	[ $ip -lt 60 ] || break
done
u=$(counter u:admin)
[ "$u" -gt $USER_MAX ]
ok_rc $? "$u failures for admin, at most $PAIR_MAX per address (limit $USER_MAX)"
E=127.0.0.100
start=$(date +%s%N)
is "$(login $E admin 'correct horse battery')" 200 \
	"the right password from a clean address still gets in"
ms=$((($(date +%s%N) - start) / 1000000))
[ $ms -ge 200 ] && [ $ms -lt 5000 ]
ok_rc $? "after a bounded delay (${ms} ms)"
grep -q "login for user \"admin\" from $E delayed" "$T/web.log"
ok_rc $? "the delay is logged"
is "$(login 127.0.0.101 admin wrong-password)" 401 "a wrong one from a clean address: delayed, checked, 401"

# --- behind a trusted proxy the client is its X-Real-IP ------------------------
# plogin PEER REALIP USER PASSWORD: through "the proxy" (or a client faking it)
plogin() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 30 --interface "$1" \
		-H "X-Real-IP: $2" -d "user=$3" --data-urlencode "password=$4" "$WEB/api/login"
}
P=127.0.0.50
codes=
for _ in 1 2 3 4 5 6; do
	codes="$codes $(plogin $P 198.51.100.7 admin wrong-password)"
done
is "$codes" " 401 401 401 401 401 429" "via the proxy: the guesser 198.51.100.7 is limited"
is "$(counter "p:admin|198.51.100.7")" $PAIR_MAX "counted under the client's address, not the proxy's"
is "$(plogin $P 198.51.100.8 admin 'correct horse battery')" 200 \
	"another client through the same proxy still gets in"
is "$(plogin 127.0.0.51 198.51.100.9 admin wrong-password)" 401 "a client that is not a proxy ..."
is "$(counter "p:admin|198.51.100.9")" 0 "... cannot choose its address with X-Real-IP"
is "$(counter "p:admin|127.0.0.51")" 1 "it is counted under its own"

# --- nothing in Redis any more -------------------------------------------------
redis_keys() {
	# rcli logs in as admin when the harness runs Redis with users.
	if declare -F rcli >/dev/null; then
		rcli --scan --pattern "$1"
	else
		redis-cli -p "$REDIS_PORT" --scan --pattern "$1"
	fi
}
is "$(redis_keys 'maildesk:projects' 2>&1 | grep -c .)" 1 "Redis answers the scan (the view lists the project)"
is "$(redis_keys '*loginfail*' 2>&1 | grep -c .)" 0 "no loginfail keys in Redis"

done_testing
