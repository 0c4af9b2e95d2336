# web.sh - helpers for the maildesk-web suites (sourced after lib.sh).
#
#	md_start_web [extra args]	maildesk-web -f on 127.0.0.1:$WEB_PORT,
#					static files from the source tree
#	md_issue PROJECT FROM SUBJECT TEXT [RAWFILE]
#					files a request through the tracker,
#					prints the issue number
#	WEB				http://127.0.0.1:$WEB_PORT

md_start_web() {
	local bin=${MD_WEB_BIN:-$top_builddir/web/maildesk-web}
	[ -x "$bin" ] || bail_out "no web binary $bin (build first)"
	[ -n "${WEB_PORT:-}" ] || WEB_PORT=$(md_free_port)
	WEB=http://127.0.0.1:$WEB_PORT
	export WEB_PORT WEB
	# shellcheck disable=SC2086 # the wrapper is a command line
	${WEB_WRAPPER:-} "$bin" -f -c "$MD_CONF" -l "127.0.0.1:$WEB_PORT" "$@" \
		</dev/null >>"$T/web.log" 2>&1 &
	WEB_PID=$!
	export WEB_PID
	_md_extra_pids+=("$WEB_PID")
	_md_started=1
	md_wait_port "$WEB_PORT" 15 "$WEB_PID" || _md_start_failed maildesk-web "$T/web.log"
}

md_stop_web() {
	[ -n "${WEB_PID:-}" ] || return 0
	kill -TERM "$WEB_PID" 2>/dev/null
	_md_reap "$WEB_PID" 10
}

md_issue() {
	"$top_builddir/tests/web/mkissue" "$MD_CONF" "$@"
}
