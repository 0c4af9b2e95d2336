# tap.sh - TAP output for the shell test suites (sourced, bash).
#
# automake's tap-driver.sh reads what these functions print: one "ok N" or
# "not ok N" line per assertion and the plan "1..N", printed at the end by
# done_testing.  A script that dies before done_testing has no plan, which
# the driver reports as an ERROR, so a crash can never pass as success.
#
#   ok DESC                      passes
#   not_ok DESC                  fails
#   ok_rc RC DESC                passes when RC is 0 (ok_rc $? "...")
#   ok_run DESC CMD [ARG...]     runs CMD, passes when it exits 0
#   is GOT WANT DESC             string equality
#   isnt GOT UNWANTED DESC       string inequality
#   like GOT ERE DESC            GOT matches the extended regex (grep -E)
#   unlike GOT ERE DESC          GOT does not match
#   skip REASON [N]              N skipped assertions (default 1)
#   diag MSG... / note MSG...    "# " comment lines (diag for failures)
#   skip_all REASON              "1..0 # SKIP REASON", exit 0 (before any test)
#   bail_out REASON              "Bail out! REASON", exit 1
#   done_testing                 prints the plan
#
# TAP_FAILED holds the number of failed assertions so far.

[ -n "${_MD_TAP_LOADED:-}" ] && return 0
_MD_TAP_LOADED=1

TAP_COUNT=0
TAP_FAILED=0
_md_tap_done=0

# _tap_result OK|NOT DESC [DIRECTIVE]
_tap_result() {
	local desc
	TAP_COUNT=$((TAP_COUNT + 1))
	# '#' would start a directive and newlines would break the line.
	desc=$(printf '%s' "$2" | tr '\n#' ' _')
	if [ "$1" = OK ]; then
		printf 'ok %d - %s%s\n' "$TAP_COUNT" "$desc" "${3:+ # $3}"
	else
		TAP_FAILED=$((TAP_FAILED + 1))
		printf 'not ok %d - %s%s\n' "$TAP_COUNT" "$desc" "${3:+ # $3}"
	fi
}

ok() {
	_tap_result OK "$1"
}

not_ok() {
	_tap_result NOT "$1"
}

ok_rc() {
	if [ "$1" -eq 0 ] 2>/dev/null; then
		ok "$2"
	else
		not_ok "$2"
		diag "exit status $1"
	fi
}

ok_run() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "command failed (exit $rc): $*"
		[ -n "$out" ] && diag "$(printf '%s\n' "$out" | tail -n 20)"
	fi
	return $rc
}

is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "     got: '$(_tap_clip "$1")'"
		diag "expected: '$(_tap_clip "$2")'"
		return 1
	fi
}

isnt() {
	if [ "$1" != "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "     got: '$(_tap_clip "$1")'"
		diag "expected anything else"
		return 1
	fi
}

like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok "$3"
	else
		not_ok "$3"
		diag "     got: '$(_tap_clip "$1")'"
		diag "expected to match: /$2/"
		return 1
	fi
}

unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		not_ok "$3"
		diag "     got: '$(_tap_clip "$1")'"
		diag "expected not to match: /$2/"
		return 1
	else
		ok "$3"
	fi
}

skip() {
	local i n=${2:-1}
	for i in $(seq "$n"); do
		_tap_result OK "skipped" "SKIP $1"
	done
}

# Long values (whole SMTP transcripts, raw messages) are cut for the log.
_tap_clip() {
	if [ ${#1} -gt 2000 ]; then
		printf '%s...[%d bytes]' "${1:0:2000}" ${#1}
	else
		printf '%s' "$1"
	fi
}

# Both go to stdout: the driver copies stdout into the test's .log, and
# stderr lands there too, so printing both would double every line.
diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

note() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

skip_all() {
	printf '1..0 # SKIP %s\n' "$1"
	_md_tap_done=1
	exit 0
}

bail_out() {
	printf 'Bail out! %s\n' "$1"
	_md_tap_done=1
	exit 1
}

done_testing() {
	printf '1..%d\n' "$TAP_COUNT"
	_md_tap_done=1
	return 0
}

# configure --disable-system-tests (make distcheck): the suites that start
# servers are skipped; a suite that starts none sets MD_NO_SERVERS=1 first.
if [ "${MD_SYSTEM_TESTS:-yes}" = no ] && [ -z "${MD_NO_SERVERS:-}" ]; then
	skip_all "system tests are off (configure --disable-system-tests)"
fi
