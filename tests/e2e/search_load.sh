#!/bin/bash
# search_load.sh - searching the tracker never costs the SMTP edge: 20
# concurrent `maildesk issue list --search` loops (and web API searches
# when maildesk-web is built) run while desk SMTP load goes through
# Postfix, the milter and the worker; not one SMTP answer is a tempfail
# (the Redis tracker's search was one Lua call that blocked Redis and made
# the milter answer 451).  At a small size; doc/performance.md has the
# big one.  Also: the search covers notes of every kind, and is ranked.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"

N=${SEARCH_LOAD_N:-300}		# SMTP messages
S=${SEARCH_LOAD_SESSIONS:-8}	# concurrent SMTP sessions
Q=${SEARCH_LOAD_SEARCHERS:-20}	# concurrent searchers
PRE=${SEARCH_LOAD_PRELOAD:-400}	# issues filed before the load
C=$top_srcdir/tests/chaos

md_start_redis
md_start_sink
md_write_config spf_enable=no rate_ip=0 rate_sender=0 rate_project=0 \
	max_auto_mails_per_hour=0
md_cli project add acme >/dev/null || bail_out "project add failed"
md_start_milter
md_start_postfix
md_start_worker

# --- a project with something to search ---------------------------------------------
words=(printer scanner monitor keyboard router invoice password laptop)
for i in $(seq 1 $PRE); do
	w=${words[$((i % ${#words[@]}))]}
	md_put_record acme "$i" subject "The $w does not work ($i)" \
		text "Our $w in room $i is broken. $(printf 'Some more words %.0s' $(seq 1 20))"
done
md_wait_issues acme $PRE 120
ok_rc $? "$PRE issues filed before the load"
# A word only a note has, and a title match that must rank first.
md_cli issue comment acme#7 "The flux capacitor is misaligned." --internal >/dev/null
md_cli issue comment acme#9 "Replaced the capacitor." >/dev/null
md_put_record acme $((PRE + 1)) subject "capacitor capacitor everywhere" text "capacitor"
md_wait_issues acme $((PRE + 1))
out=$(md_cli issue list acme --search capacitor --json)
like "$out" '"total":3' "search finds a title, an internal note and a public note"
is "$(grep -o '"iid":[0-9]*' <<<"$out" | head -n 1)" "\"iid\":$((PRE + 1))" \
	"the issue whose title matches ranks first"
out=$(md_cli issue list acme --search 'flux capacitor' --json)
like "$out" '"total":1' "all words must occur"
like "$(md_cli issue list acme --search printer --state closed --json)" '"total":0' \
	"search combines with the state filter"

# --- the load --------------------------------------------------------------------------------
mkdir -p "$T/msg"
: >"$T/nokeys"
perl "$C/gen.pl" "$T/msg" "$N" 0 "$T/nokeys" >"$T/all.list"
web=0
if [ -x "$top_builddir/web/maildesk-web" ] && [ -f "$top_srcdir/tests/web/web.sh" ]; then
	. "$top_srcdir/tests/web/web.sh"
	md_start_web
	printf 'search-load-pw-1\n' | md_cli user add searcher >/dev/null 2>&1 &&
		curl -s -c "$T/cookies" -o /dev/null -d user=searcher -d password=search-load-pw-1 \
			"$WEB/api/login" &&
		curl -s -b "$T/cookies" "$WEB/api/projects/acme/issues?search=printer" |
		grep -q '"total"' && web=1
	[ $web = 1 ] || note "web API search not usable here; CLI searches only"
fi

# searcher N: searches until $T/stop exists; one line per search:
# "rc milliseconds".
searcher() {
	local n=$1 i=0 w t0 rc
	while [ ! -e "$T/stop" ]; do
		w=${words[$(((n + i) % ${#words[@]}))]}
		t0=$(date +%s%N)
		if [ $web = 1 ] && [ $((i % 2)) = 1 ]; then
			curl -sf -b "$T/cookies" "$WEB/api/projects/acme/issues?search=$w" |
				grep -q '"total":[1-9]'
		else
			md_cli issue list acme --search "$w" --json | grep -q '"total":[1-9]'
		fi
		rc=$?
		echo "$rc $((($(date +%s%N) - t0) / 1000000))"
		i=$((i + 1))
	done >"$T/search.$n"
}

searchers=()
for n in $(seq 1 "$Q"); do
	searcher "$n" &
	searchers+=($!)
	_md_extra_pids+=($!)
done
t0=$(date +%s)
CHAOS_PACE_MS=0 perl "$C/client.pl" "$T/all.list" "$S" "$SMTP_PORT" "$T/client.log"
load_s=$(($(date +%s) - t0))
touch "$T/stop"
wait "${searchers[@]}" 2>/dev/null

searches=$(cat "$T"/search.* | wc -l)
failed=$(cat "$T"/search.* | awk '$1 != 0' | wc -l)
slowest=$(cat "$T"/search.* | awk '{print $2}' | sort -n | tail -n 1)
median=$(cat "$T"/search.* | awk '{print $2}' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
note "$N messages over $S sessions in $load_s s while $Q searchers ran $searches searches (web: $web): median $median ms, slowest $slowest ms (a search here includes starting the CLI)"
is "$(awk -F'\t' '$2 == "ok"' "$T/client.log" | wc -l)" "$N" "every message accepted"
is "$(awk -F'\t' '$2 == "temp"' "$T/client.log" | wc -l)" 0 "no tempfail (4xx) during the searches"
is "$(awk -F'\t' '$2 != "ok" && $2 != "temp"' "$T/client.log" | wc -l)" 0 "no refusal and no broken session"
awk -F'\t' '$2 != "ok"' "$T/client.log" | head -n 5 | while read -r l; do diag "$l"; done
ok_run "the searchers searched during the load ($searches searches)" test "$searches" -ge "$Q"
is "$failed" 0 "every search succeeded and found something"
md_wait_issues acme $((PRE + 1 + N)) 120
ok_rc $? "every message became an issue"
is "$(rcli XLEN maildesk:dead)" 0 "no dead letters"
done_testing
