#!/bin/bash
# check-layers.sh - the layering of the sources, from their #include lines
# (README "Layout" says which layer may call which).  TAP, one line per rule.
#
#   lib/util    no maildesk dependencies: buffers, logging, config, JSON
#   lib/mail    mail formats and protocols: MIME, SPF, DKIM, SMTP, trimming
#   lib/store   Redis and PostgreSQL: the view, the queues, the tracker
#   lib/policy  pure decisions over facts (may use store's types, no I/O)
#   lib/ops     what operators run: daemon start-up, doctor checks
# A file may include headers of its own layer and of layers before it in
# that list.  lib/ never includes libmilter or a program's header; each
# program (milter, worker, web, cli) includes lib/ and its own headers only.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
layers="util mail store policy ops"
rank() {
	local i=0 l
	for l in $layers; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo 99
}
# header name -> directory it lives in (lib/<layer> or a program)
declare -A home
# programs first: a header name lib/ also has means lib's (the -I order)
for d in milter worker web cli lib/util lib/mail lib/store lib/policy lib/ops; do
	for h in "$d"/*.h; do
		[ -e "$h" ] && home[$(basename "$h")]=$d
	done
done
home[lua_scripts.h]=lib/store		# generated into the build tree
home[db_migrations.h]=lib/store

n=0
bad=0
check() {	# check DESCRIPTION VIOLATIONS
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "$2" | sed 's/^/# /'
		bad=$((bad + 1))
	fi
}

for l in $layers; do
	v=""
	for f in lib/$l/*.[ch]; do
		[ -e "$f" ] || continue
		while read -r h; do
			d=${home[$h]:-}
			[ -e "lib/$l/$h" ] && d=lib/$l	# its own directory comes first
			case $d in
			lib/*)
				if [ "$(rank "${d#lib/}")" -gt "$(rank "$l")" ]; then
					v="$v$f includes $h (lib/${d#lib/}, a later layer)"$'\n'
				fi ;;
			"") ;;		# system header
			*) v="$v$f includes $h of $d"$'\n' ;;
			esac
		done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
		if grep -q '^#include <libmilter/' "$f"; then
			v="$v$f includes libmilter"$'\n'
		fi
	done
	check "lib/$l includes only itself and earlier layers" "${v%$'\n'}"
done
for p in milter worker web cli; do
	v=""
	for f in $p/*.[ch]; do
		[ -e "$f" ] || continue
		while read -r h; do
			d=${home[$h]:-}
			[ -e "$p/$h" ] && d=$p	# its own directory comes first
			case $d in
			lib/* | "" | "$p") ;;
			*) v="$v$f includes $h of $d"$'\n' ;;
			esac
		done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
	done
	check "$p includes lib/ and its own headers only" "${v%$'\n'}"
done
n=$((n + 1))
if ls lib/*.c lib/*.h >/dev/null 2>&1; then
	echo "not ok $n - every source of lib/ is in a layer's directory"
	ls lib/*.c lib/*.h | sed 's/^/# /'
	bad=$((bad + 1))
else
	echo "ok $n - every source of lib/ is in a layer's directory"
fi
echo "1..$n"
[ $bad -eq 0 ]
