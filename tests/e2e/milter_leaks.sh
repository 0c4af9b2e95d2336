#!/bin/bash
# milter_leaks.sh - the milter end to end under a leak checker: mail through
# real Postfix (accepted, refused at RCPT, too big, malformed, Redis down),
# then a graceful stop.  On a normal build the checker is valgrind
# (definite leaks and invalid accesses fail the test); on an ASan build it
# is LeakSanitizer itself, which reports at exit.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"

FIX=$top_srcdir/tests/fixtures/e2e
bin=$top_builddir/milter/maildesk-milter
if ldd "$bin" 2>/dev/null | grep -q libasan; then
	checker=lsan
	export ASAN_OPTIONS=detect_leaks=1:exitcode=23
else
	command -v valgrind >/dev/null || skip_all "valgrind is not installed"
	checker=valgrind
	# libmilter's own threads leave "possibly lost" blocks; definite leaks
	# and memory errors are ours.
	export MILTER_WRAPPER="valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --log-file=$T/valgrind.log"
fi
note "leak checker: $checker"

md_start_redis --appendonly yes --appendfsync always
md_write_config max_message_size=200k
md_cli project add acme >/dev/null
md_start_milter
md_start_postfix

n=0
for f in latin1 utf8 html attachment broken_boundary no_headers junk; do
	md_swaks --from customer@example.org --to support+acme@desk.test --data "$FIX/$f.eml" >/dev/null 2>&1
	n=$((n + 1))
done
md_swaks --from a@example.org --to support+nosuch@desk.test >/dev/null 2>&1
md_swaks --from a@example.org --to support+acme@desk.test,bob@example.test \
	--header "Subject: mixed" >/dev/null 2>&1
head -c 300000 /dev/zero | tr '\0' 'x' | fold -w 76 >"$T/big"
md_swaks --from a@example.org --to support+acme@desk.test --body "@$T/big" >/dev/null 2>&1
md_stop_redis
md_swaks --from a@example.org --to support+acme@desk.test --header "Subject: down" >/dev/null 2>&1
md_restart_redis
md_swaks --from a@example.org --to support+acme@desk.test --header "Subject: back" >/dev/null 2>&1
is "$(rcli XLEN maildesk:inbox)" "$((n + 2))" "the milter stored what it accepted"

md_stop_postfix
md_stop_milter --graceful
rc=$?
is "$rc" 0 "milter exits cleanly with no leak or memory error ($checker)"
if [ "$rc" -ne 0 ]; then
	[ -f "$T/valgrind.log" ] && diag "$(head -60 "$T/valgrind.log")"
	diag "$(grep -A20 'ERROR: LeakSanitizer' "$T/milter.log" | head -40)"
fi
done_testing
