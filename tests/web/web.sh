# web.sh - helpers for the maildesk-web suites (sourced after lib.sh).
#
#	md_start_web [extra args]	maildesk-web -f on 127.0.0.1:$WEB_PORT,
#					static files from the source tree
#	md_issue PROJECT FROM SUBJECT TEXT [RAWFILE]
#					files a request through the tracker,
#					prints the issue number
#	WEB				http://127.0.0.1:$WEB_PORT
#	md_node_dir SCRIPT.mjs...	NODE_DIR with playwright-core and the scripts
#	md_web_req METHOD PATH [curl args]
#					the body to $T/b, prints the status
#	md_web_login USER PASSWORD	the array named USER: cookie and CSRF
#					headers of a new session
#	md_api_setup [KEY=VALUE...]	skip_all without curl or jq; Redis, and a
#					config for the API suites (the static
#					files, base_url https://desk.test, then
#					the given keys)
#	md_web_users NAME:ROLE...	adds each user, password password-NAME
#	md_browser_run SCRIPT.mjs	runs it in NODE_DIR, its checks become TAP

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

# md_node_dir SCRIPT.mjs...: sets NODE_DIR to a directory with playwright-core
# (no browser download) and the given scripts plus chromium.mjs: the source
# tree's tests/web, or the build tree's when the source is read-only, where
# it installs from the committed lock file.  skip_all without Chromium, node
# or npm, or when npm cannot install.
md_node_dir() {
	local f
	[ -x /usr/bin/chromium ] || skip_all "no /usr/bin/chromium"
	command -v node >/dev/null || skip_all "node is not installed"
	command -v npm >/dev/null || skip_all "npm is not installed"
	NODE_DIR=$top_srcdir/tests/web
	if [ ! -d "$NODE_DIR/node_modules/playwright-core" ]; then
		if [ ! -w "$NODE_DIR" ]; then
			NODE_DIR=$top_builddir/tests/web
			mkdir -p "$NODE_DIR"
			cp "$top_srcdir/tests/web/package.json" \
				"$top_srcdir/tests/web/package-lock.json" "$NODE_DIR/"
		fi
		if [ ! -d "$NODE_DIR/node_modules/playwright-core" ] &&
		    ! (cd "$NODE_DIR" && npm ci --no-audit --no-fund >"$T/npm.log" 2>&1); then
			diag "$(tail -n 20 "$T/npm.log")"
			skip_all "npm could not install playwright-core"
		fi
	fi
	[ "$NODE_DIR" = "$top_srcdir/tests/web" ] && return 0
	for f in "$@" chromium.mjs; do
		cp "$top_srcdir/tests/web/$f" "$NODE_DIR/"
	done
}

# md_browser_run SCRIPT.mjs: runs the script (after md_node_dir) with the
# environment the caller exported; each "PASS\tdesc" / "FAIL\tdesc\twhy"
# line it prints becomes an ok / not ok, and its exit status one more.
md_browser_run() {
	local status desc why rc
	(cd "$NODE_DIR" && timeout 300 node "$1") >"$T/browser.out" 2>"$T/browser.err"
	rc=$?
	while IFS=$'\t' read -r status desc why; do
		case $status in
		PASS) ok "$desc" ;;
		FAIL) not_ok "$desc"; diag "$why" ;;
		esac
	done <"$T/browser.out"
	[ $rc = 0 ] || diag "node exit status $rc: $(tail -n 20 "$T/browser.err")"
	ok_rc $rc "browser run completed"
}

md_web_req() {
	local m=$1 p=$2
	shift 2
	curl -s -o "$T/b" -w '%{http_code}' -X "$m" "$@" "$WEB$p"
}

md_web_login() {
	local c
	curl -s -o "$T/b" -D "$T/h" -X POST "$WEB/api/login" -d "user=$1" \
		--data-urlencode "password=$2" >/dev/null
	c=$(grep -i '^Set-Cookie:' "$T/h" | sed 's/^[^:]*: //; s/;.*//')
	eval "$1=(-H \"Cookie: $c\" -H \"X-CSRF-Token: $(jq -r .csrf "$T/b")\")"
}

md_web_users() {
	local u
	for u in "$@"; do
		printf 'password-%s\n' "${u%%:*}" | md_cli user add "${u%%:*}" --role "${u#*:}" ||
			bail_out "user add ${u%%:*}"
	done
}

md_api_setup() {
	command -v curl >/dev/null || skip_all "curl is not installed"
	command -v jq >/dev/null || skip_all "jq is not installed"
	md_start_redis
	md_write_config "web_static_dir=$top_srcdir/web/static" base_url=https://desk.test "$@"
}
