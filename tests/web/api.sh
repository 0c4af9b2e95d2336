#!/bin/bash
# api.sh - maildesk-web's JSON API, sessions, CSRF, security headers,
# downloads, limits and the RFC 8058 unsubscribe endpoint, with curl
# against a real maildesk-web, PostgreSQL (the tracker) and Redis (the view).
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/web/web.sh"

XSS='<img src=x onerror=alert(1)>'

md_api_setup session_ttl=600 "web_pid_file=$T/web.pid"
md_cli project add acme --alias help@acme.test >/dev/null
printf 'correct horse battery\n' >"$T/pw"
md_cli user add alice --role admin --password-file "$T/pw"
ok_rc $? "user add (admin) with --password-file"
printf 'bob-secret-1\n' | md_cli user add bob
ok_rc $? "user add (responder) reads the password from stdin"
md_cli project member add acme bob >/dev/null	# a responder sees only their projects
like "$(md_cli user list)" "alice +admin" "user list shows the admin"
is "$(md_cli user list --json | jq -r '.[1].role')" responder "user list --json"
printf 'short\n' | md_cli user add carol 2>"$T/err"
isnt $? 0 "a too short password is refused"
like "$(md_psql "SELECT password FROM users WHERE name = :'u'" u=alice)" '^\$argon2id\$' \
	"password stored as argon2id hash"

I1=$(md_issue acme ann@example.org "Printer on fire" "The printer is on fire.")
I2=$(md_issue acme eve@example.org "$XSS" "Body with <script>alert(2)</script>")
I3=$(md_issue acme mallory@example.org "See my page" "My page is attached." \
	"$top_srcdir/tests/fixtures/web/attachment.eml")
is "$I1 $I2 $I3" "1 2 3" "three issues filed through the tracker"

md_start_web
ok "maildesk-web started on $WEB"
is "$(cat "$T/web.pid" 2>/dev/null)" "$WEB_PID" "PID file written"

# req METHOD PATH [curl args]: headers to $T/h, body to $T/b, prints the status.
req() {
	local m=$1 p=$2
	shift 2
	curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' -X "$m" "$@" "$WEB$p"
}
hdr() {
	grep -i "^$1:" "$T/h" | head -n 1 | cut -d: -f2- | sed 's/^ //; s/\r$//'
}

# --- static front-end and security headers ---------------------------------
is "$(req GET /)" 200 "GET / serves the front-end"
like "$(hdr Content-Type)" "^text/html" "index is text/html"
is "$(hdr Content-Security-Policy)" "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'" \
	"Content-Security-Policy"
is "$(hdr X-Frame-Options)" DENY "X-Frame-Options DENY"
is "$(hdr Referrer-Policy)" no-referrer "Referrer-Policy no-referrer"
is "$(hdr X-Content-Type-Options)" nosniff "X-Content-Type-Options nosniff"
is "$(req GET /static/app.js)" 200 "app.js served"
like "$(hdr Content-Type)" "^text/javascript" "app.js is text/javascript"
is "$(req GET /acme/issues/1)" 200 "issue URLs from mail open the front-end"
is "$(req GET /static/..%2fweb.h --path-as-is)" 404 "no path traversal (encoded)"
is "$(req GET /static/../web/web.h --path-as-is)" 404 "no path traversal (plain)"
is "$(req GET /static/web.h)" 404 "only known file types are served"
! grep -Eq 'innerHTML[[:space:]]*=|outerHTML|insertAdjacentHTML|document\.write' \
	"$top_srcdir"/web/static/*.js
ok_rc $? "the front-end never uses innerHTML"

# --- login -------------------------------------------------------------------
is "$(req GET /api/me)" 401 "no session: 401"
is "$(req GET /api/projects)" 401 "API needs a session"
is "$(req POST /api/login -d user=alice -d password=wrong)" 401 "wrong password: 401"
is "$(hdr Set-Cookie)" "" "no cookie for a wrong password"
is "$(req POST /api/login -d user=nobody -d password=whatever1)" 401 "unknown user: 401"
is "$(jq -r .error "$T/b")" "invalid user name or password" "same answer for unknown user"
is "$(req POST /api/login -d user=alice --data-urlencode 'password=correct horse battery')" 200 \
	"right password: 200"
cookie=$(hdr Set-Cookie)
like "$cookie" "^md_session=[0-9a-f]{64};" "session cookie md_session (256-bit id)"
like "$cookie" "; HttpOnly" "cookie is HttpOnly"
like "$cookie" "; SameSite=Strict" "cookie is SameSite=Strict"
like "$cookie" "; Path=/" "cookie Path=/"
like "$cookie" "; Secure" "cookie Secure (base_url is https)"
CSRF=$(jq -r .csrf "$T/b")
like "$CSRF" "^[0-9a-f]{64}$" "login returns a CSRF token"
is "$(jq -r .role "$T/b")" admin "login returns the role"
SID=${cookie#md_session=}
SID=${SID%%;*}
C=(-H "Cookie: md_session=$SID")
X=(-H "X-CSRF-Token: $CSRF")
is "$(md_psql "SELECT expires - created FROM sessions WHERE id = :'s'" s="$SID")" 600 \
	"session expires after session_ttl"
is "$(md_psql "SELECT username FROM sessions WHERE id = :'s'" s="$SID")" alice \
	"session row names the user"
is "$(req GET /api/me "${C[@]}")" 200 "session cookie accepted"
is "$(jq -r .user "$T/b")" alice "/api/me says who"
is "$(req GET /api/me -H 'Cookie: md_session=0000000000000000000000000000000000000000000000000000000000000000')" \
	401 "made-up session id refused"

# --- projects ------------------------------------------------------------------
is "$(req GET /api/projects "${C[@]}")" 200 "project list"
is "$(jq -r '.projects[0].name' "$T/b")" acme "project acme listed"
is "$(jq -r '.projects[0].address' "$T/b")" support+acme@desk.test "desk address shown"
is "$(jq -r '.projects[0].aliases[0]' "$T/b")" help@acme.test "alias shown"
is "$(jq -r '.projects[0].opened' "$T/b")" 3 "open count"
is "$(req GET /api/projects/acme "${C[@]}")" 200 "project detail"
is "$(jq -r '.templates.thank_you.body.custom' "$T/b")" false "default template reported"
is "$(req GET /api/projects/nosuch "${C[@]}")" 404 "unknown project: 404"
is "$(req GET '/api/projects/a%20b' "${C[@]}")" 404 "invalid project name: 404"

# --- CSRF ------------------------------------------------------------------------
is "$(req POST /api/projects/acme/issues/1/notes "${C[@]}" -d text=hi -d visibility=public)" 403 \
	"POST without CSRF token: 403"
badcsrf=$([ "${CSRF:0:1}" = a ] && echo b || echo a)${CSRF:1}
is "$(req POST /api/projects/acme/issues/1/notes "${C[@]}" -H "X-CSRF-Token: $badcsrf" \
	-d text=hi -d visibility=public)" 403 "POST with a wrong CSRF token: 403"
notes1() {
	md_psql "SELECT count(*) FROM notes n JOIN issues i ON i.id = n.issue_id
		WHERE i.project = 'acme' AND i.iid = 1 AND n.kind IN ('public', 'internal')"
}
is "$(notes1)" 0 "nothing was written"
is "$(req POST /api/projects/acme/issues/1/notes "${C[@]}" -d "csrf=$CSRF" \
	-d text=first -d visibility=internal)" 200 "CSRF token as form field accepted"

# --- issues ------------------------------------------------------------------------
is "$(req GET '/api/projects/acme/issues' "${C[@]}")" 200 "issue list"
is "$(jq -r '.total' "$T/b")" 3 "three open issues"
is "$(jq -r '[.issues[].iid] | join(",")' "$T/b")" "3,2,1" "newest first"
is "$(req GET '/api/projects/acme/issues?search=PRINTER' "${C[@]}")" 200 "text filter"
is "$(jq -r '[.issues[].iid] | join(",")' "$T/b")" 1 "text filter finds the printer"
is "$(req GET '/api/projects/acme/issues?customer=eve@example.org' "${C[@]}")" 200 "customer filter"
is "$(jq -r '[.issues[].iid] | join(",")' "$T/b")" 2 "customer filter"
is "$(req GET '/api/projects/acme/issues?per_page=2&page=2' "${C[@]}")" 200 "second page"
is "$(jq -r '[.issues[].iid] | join(",")' "$T/b")" 1 "pagination"
is "$(req GET '/api/projects/acme/issues?state=bogus' "${C[@]}")" 400 "bad filter: 400"

is "$(req GET /api/projects/acme/issues/2 "${C[@]}")" 200 "issue with hostile subject"
like "$(hdr Content-Type)" "^application/json" "served as JSON"
is "$(jq -r .issue.title "$T/b")" "$XSS" "hostile subject returned as a JSON string, unchanged"
grep -q '"title":"<img src=x onerror=alert(1)>"' "$T/b"
ok_rc $? "hostile subject is data inside a JSON string"
is "$(req GET /api/projects/acme/issues/99 "${C[@]}")" 404 "unknown issue: 404"
is "$(req GET /api/projects/acme/issues/x1 "${C[@]}")" 404 "bad issue number: 404"

is "$(req POST /api/projects/acme/issues/1/notes "${C[@]}" "${X[@]}" \
	--data-urlencode 'text=We are on it.' -d visibility=public)" 200 "public comment"
is "$(jq -r '.notes[-1].kind + "|" + .notes[-1].text + "|" + .notes[-1].author' "$T/b")" \
	"public|We are on it.|alice" "public comment stored with its author"
is "$(req POST /api/projects/acme/issues/1/notes "${C[@]}" "${X[@]}" \
	--data-urlencode 'text=Customer seems upset' -d visibility=internal)" 200 "internal comment"
is "$(jq -r '.notes[-1].kind' "$T/b")" internal "internal comment stored as internal"
is "$(req POST /api/projects/acme/issues/1/notes "${C[@]}" "${X[@]}" -d text=x)" 400 \
	"a comment must say public or internal"
is "$(req POST /api/projects/acme/issues/1/notes "${C[@]}" "${X[@]}" -d 'text=%20' \
	-d visibility=public)" 400 "empty comment refused"
is "$(req POST /api/projects/acme/issues/1/notes "${C[@]}" "${X[@]}" -d 'text=%FF%FE' \
	-d visibility=public)" 400 "a comment that is not UTF-8 is refused"
is "$(jq -r .error "$T/b")" "the note text is not valid UTF-8" "... with the CLI's words"
is "$(req POST /api/projects/acme/issues/1/notes "${C[@]}" "${X[@]}" -d 'text=a%00b' \
	-d visibility=public)" 400 "a comment with a NUL is refused"
is "$(req POST /api/projects/acme/issues/1/notes "${C[@]}" "${X[@]}" \
	-H 'Content-Type: application/json' -d '{"text":"x"}')" 415 "JSON bodies are refused"
is "$(req POST /api/projects/acme/issues/1/state "${C[@]}" "${X[@]}" -d action=close)" 200 "close"
is "$(jq -r .issue.state "$T/b")" closed "issue closed"
is "$(req GET '/api/projects/acme/issues?state=closed' "${C[@]}")" 200 "closed list"
is "$(jq -r '([.issues[].iid] | join(",")) + " " + (.opened|tostring) + " " + (.closed|tostring)' "$T/b")" \
	"1 2 1" "closed filter and counts"
is "$(req POST /api/projects/acme/issues/1/state "${C[@]}" "${X[@]}" -d action=reopen)" 200 "reopen"
is "$(jq -r .issue.state "$T/b")" opened "issue reopened"
is "$(req POST /api/projects/acme/issues/1/labels "${C[@]}" "${X[@]}" --data-urlencode 'add=spam?')" \
	200 "add label"
is "$(jq -r '.issue.labels | join(",")' "$T/b")" "spam?" "label stored"
is "$(req GET '/api/projects/acme/issues?label=spam%3F' "${C[@]}")" 200 "label filter"
is "$(jq -r '[.issues[].iid] | join(",")' "$T/b")" 1 "label filter finds it"
is "$(req POST /api/projects/acme/issues/1/labels "${C[@]}" "${X[@]}" --data-urlencode 'del=spam?')" \
	200 "remove label"
is "$(jq -r '.issue.labels | length' "$T/b")" 0 "label removed"
is "$(req POST /api/projects/acme/issues/1/labels "${C[@]}" "${X[@]}" -d 'add=a,b')" 400 \
	"invalid label refused"

# --- attachments and the original message ---------------------------------------------
is "$(req GET /api/projects/acme/issues/3 "${C[@]}")" 200 "issue with attachment"
is "$(jq -r '.attachments | length' "$T/b")" 1 "one attachment listed"
n=$(jq -r '.attachments[0].n' "$T/b")
is "$(req GET "/api/projects/acme/issues/3/attachments/$n" "${C[@]}")" 200 "attachment download"
is "$(hdr Content-Type)" application/octet-stream "attachment is application/octet-stream"
like "$(hdr Content-Disposition)" '^attachment; filename="evil__page_.html"' \
	"Content-Disposition: attachment with a sanitized name"
is "$(hdr X-Content-Type-Options)" nosniff "attachment has nosniff"
is "$(cat "$T/b")" "<script>alert(1)</script>" "attachment bytes unchanged"
is "$(req GET /api/projects/acme/issues/3/attachments/9 "${C[@]}")" 404 "unknown attachment: 404"
is "$(req GET /api/projects/acme/issues/3/raw "${C[@]}")" 200 "original message"
like "$(hdr Content-Type)" "^text/plain" "original message is text/plain"
like "$(cat "$T/b")" "Content-Type: multipart/mixed" "original message is the raw mail"

# --- roles, settings, templates ---------------------------------------------------------------
req POST /api/login -d user=bob -d password=bob-secret-1 >/dev/null
bcookie=$(hdr Set-Cookie)
B=(-H "Cookie: ${bcookie%%;*}" -H "X-CSRF-Token: $(jq -r .csrf "$T/b")")
is "$(req GET /api/projects/acme "${B[@]}")" 200 "responder reads project settings"
is "$(req POST /api/projects/acme "${B[@]}" -d enabled=no)" 403 "responder cannot change settings"
is "$(req POST /api/projects/acme/templates/close "${B[@]}" -d text=x)" 403 \
	"responder cannot change templates"
is "$(req POST /api/projects/acme/issues/2/notes "${B[@]}" -d text=ok -d visibility=internal)" 200 \
	"responder can comment"
# A maintainer may tighten a sender check, not turn one off (projects.h).
md_cli project member add acme bob --role maintainer >/dev/null
is "$(req POST /api/projects/acme "${B[@]}" -d dmarc_quarantine=reject -d desk_from_auth=no)" 403 \
	"maintainer turning a sender check off: 403"
is "$(jq -r .error "$T/b")" "desk_from_auth no turns off a forged-sender check: only a site admin may set it (a maintainer may set yes or default)" \
	"... with why"
is "$(md_psql "SELECT coalesce(dmarc_quarantine, 'null') FROM projects WHERE name = 'acme'")" null \
	"... and nothing of that request was set"
is "$(req POST /api/projects/acme "${B[@]}" -d dmarc_reject=false)" 403 \
	"... also spelt false"
is "$(req POST /api/projects/acme "${B[@]}" -d dmarc_reject=yes -d dmarc_quarantine=reject)" 200 \
	"maintainer tightening: 200"
is "$(req POST /api/projects/acme "${B[@]}" -d dmarc_reject=default -d dmarc_quarantine=default)" 200 \
	"maintainer back to the defaults: 200"
is "$(req POST /api/projects/acme "${C[@]}" "${X[@]}" -d dmarc_quarantine=accept)" 200 \
	"admin turning a sender check off: 200"
req POST /api/projects/acme "${C[@]}" "${X[@]}" -d dmarc_quarantine=default >/dev/null
md_cli project member add acme bob >/dev/null
is "$(req POST /api/projects/acme "${C[@]}" "${X[@]}" -d enabled=no -d spam_mark=4.5)" 200 \
	"admin changes settings"
is "$(jq -r '.enabled|tostring' "$T/b") $(jq -r '.settings.spam_mark' "$T/b")" "false 4.5" \
	"settings stored"
is "$(req POST /api/projects/acme "${C[@]}" "${X[@]}" -d spam_mark=lots)" 400 "bad setting: 400"
req POST /api/projects/acme "${C[@]}" "${X[@]}" -d enabled=yes -d spam_mark=default >/dev/null
is "$(jq -r '.enabled|tostring' "$T/b")" true "project enabled again"
is "$(req POST /api/projects/acme/aliases "${C[@]}" "${X[@]}" -d add=desk@acme.test)" 200 "alias added"
is "$(jq -r '.aliases | join(",")' "$T/b")" "desk@acme.test,help@acme.test" "aliases"
is "$(rcli HGET maildesk:aliases desk@acme.test)" acme "the alias is in the milter's view"
is "$(req POST /api/projects/acme/aliases "${C[@]}" "${X[@]}" -d add=sales@desk.test)" 400 \
	"an alias in the desk domain is refused"
like "$(jq -r .error "$T/b")" "is in the desk domain" "... with the CLI's words"
is "$(req POST /api/projects/acme "${C[@]}" "${X[@]}" -d retention=180d)" 200 "retention set"
is "$(jq -r '.settings.retention_days' "$T/b")" 180 "retention_days shown"
is "$(md_psql "SELECT retention_days FROM projects WHERE name = 'acme'")" 180 "retention stored"
req POST /api/projects/acme "${C[@]}" "${X[@]}" -d retention=off >/dev/null
is "$(jq -r '.settings.retention_days' "$T/b")" null "retention off: kept"
is "$(req POST /api/projects/acme "${C[@]}" "${X[@]}" -d dmarc_reject=no -d dmarc_quarantine=reject)" \
	200 "sender identity overrides set"
is "$(jq -r '[.settings.dmarc_reject, .settings.dmarc_quarantine, .settings.desk_from_auth,
	.defaults.dmarc_reject] | join(" ")' "$T/b")" "no reject default yes" \
	"overrides and the config's defaults shown"
is "$(rcli HGET maildesk:project:acme dmarc_quarantine)" reject "... and in the milter's view"
is "$(req POST /api/projects/acme "${C[@]}" "${X[@]}" -d desk_from_auth=sometimes)" 400 \
	"bad override: 400"
req POST /api/projects/acme "${C[@]}" "${X[@]}" -d dmarc_reject=default -d dmarc_quarantine=default >/dev/null
is "$(req POST /api/projects/acme/templates/thank_you "${C[@]}" "${X[@]}" \
	--data-urlencode 'text=Thanks! Your ticket is %{ISSUE_PATH}.' \
	--data-urlencode 'subject=Got it: %{SUBJECT}')" 200 "template saved"
is "$(md_psql "SELECT body FROM templates WHERE project = 'acme' AND kind = 'thank_you'")" \
	'Thanks! Your ticket is %{ISSUE_PATH}.' "template stored where the worker reads it"
is "$(jq -r '.templates.thank_you.body.custom' "$T/b")" true "template reported as custom"
is "$(req POST /api/preview "${C[@]}" "${X[@]}" -d kind=thank_you -d project=acme \
	--data-urlencode 'text=Hi %{ISSUE_PATH} %{ISSUE_URL} %{TYPO}' --data-urlencode 'subject=%{SUBJECT}')" \
	200 "template preview"
is "$(jq -r .body "$T/b")" "Hi acme#12 https://desk.test/acme/issues/12 %{TYPO}" "preview expands placeholders"
is "$(jq -r .subject "$T/b")" "Printer on fire [acme#12]" "preview subject"
is "$(jq -r .unknown "$T/b")" "TYPO" "preview names unknown placeholders"
is "$(req POST /api/projects/acme/templates/thank_you "${C[@]}" "${X[@]}" -d text= -d subject=)" 200 \
	"template reset"
is "$(md_psql "SELECT count(*) FROM templates WHERE project = 'acme' AND kind = 'thank_you'
	AND (body <> '' OR subject <> '')")" 0 "reset removes the project's template"

# --- unsubscribe (RFC 8058) --------------------------------------------------------------------
subscribed() {
	md_psql "SELECT p.subscribed FROM participants p JOIN issues i ON i.id = p.issue_id
		WHERE i.project = 'acme' AND i.iid = 2 AND p.email = :'e'" e="$1"
}
ukey=$(md_psql "SELECT p.unsub_key FROM participants p JOIN issues i ON i.id = p.issue_id
	WHERE i.project = 'acme' AND i.iid = 2 AND p.email = 'eve@example.org'")
like "$ukey" "^[a-z2-7]{26}$" "issue has an unsubscribe key"
is "$(req GET "/unsubscribe/$ukey")" 200 "GET shows the confirmation page (no session)"
like "$(cat "$T/b")" '<form method="post">' "page has a POST form"
like "$(cat "$T/b")" "eve@example.org" "page names the address"
is "$(subscribed eve@example.org)" t "GET does not unsubscribe"
is "$(req POST "/unsubscribe/$ukey" -H 'Content-Type: multipart/form-data; boundary=x' \
	--data-binary $'--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n')" \
	200 "one-click POST (multipart, no session, no CSRF token)"
is "$(subscribed eve@example.org)" f "POST unsubscribes"
req GET /api/projects/acme/issues/2 "${C[@]}" >/dev/null
is "$(jq -r '[.notes[] | select(.kind == "system") | .text] | join("|")' "$T/b")" \
	"eve@example.org unsubscribed" "a system note records it"
is "$(jq -r '.subscribers[0].subscribed' "$T/b")" false "subscriber shown as unsubscribed"
is "$(req POST "/unsubscribe/$ukey" -d List-Unsubscribe=One-Click)" 200 "second POST is harmless"
is "$(jq -r '[.notes[] | select(.kind == "system")] | length' < <(curl -s "${C[@]}" \
	"$WEB/api/projects/acme/issues/2"))" 1 "no second note"
is "$(req POST /unsubscribe/aaaaaaaaaaaaaaaaaaaaaaaaaa -d List-Unsubscribe=One-Click)" 404 \
	"unknown key: 404"
is "$(req GET /unsubscribe/short)" 404 "malformed key: 404"

# --- limits ------------------------------------------------------------------------------------
head -c 2000000 /dev/zero | tr '\0' a >"$T/big"
is "$(req POST /api/login --data-binary "@$T/big")" 413 "body over 1 MiB: 413 (Content-Length)"
is "$(req POST /api/login -H 'Transfer-Encoding: chunked' --data-binary "@$T/big")" 413 \
	"body over 1 MiB: 413 (chunked)"
is "$(req GET "/api/projects/$(head -c 3000 /dev/zero | tr '\0' a)" "${C[@]}")" 414 \
	"URL over 2 KiB: 414"
is "$(req PUT /api/projects "${C[@]}")" 405 "unknown method: 405"
is "$(req GET /nowhere)" 404 "unknown path: 404"

# --- logout, deleted users ----------------------------------------------------------------------
is "$(req POST /api/logout "${C[@]}")" 403 "logout needs the CSRF token"
is "$(req POST /api/logout "${C[@]}" "${X[@]}")" 200 "logout"
like "$(hdr Set-Cookie)" "^md_session=;.*Max-Age=0" "logout clears the cookie"
is "$(md_psql "SELECT count(*) FROM sessions WHERE id = :'s'" s="$SID")" 0 "session deleted"
is "$(req GET /api/me "${C[@]}")" 401 "old cookie no longer works"
req POST /api/login -d user=bob -d password=bob-secret-1 >/dev/null
bcookie2=$(hdr Set-Cookie)
printf 'bob-secret-2\n' | md_cli user passwd bob
ok_rc $? "user passwd"
is "$(req GET /api/me -H "Cookie: ${bcookie2%%;*}")" 401 "a password change ends the user's sessions"
is "$(req POST /api/login -d user=bob -d password=bob-secret-2)" 200 "the new password works"
bcookie3=$(hdr Set-Cookie)
md_cli user del bob
ok_rc $? "user del"
is "$(req GET /api/me -H "Cookie: ${bcookie3%%;*}")" 401 "a deleted user's session ends"
is "$(md_psql "SELECT count(*) FROM sessions WHERE username = 'bob'")" 0 "no session row left"
for i in 1 2 3 4 5 6 7 8 9 10; do
	req POST /api/login -d user=alice -d password=guess$i >/dev/null
done
is "$(req POST /api/login -d user=alice --data-urlencode 'password=correct horse battery')" 429 \
	"too many failed logins: 429"

# --- configuration check and clean stop ----------------------------------------------------------
"$top_builddir/web/maildesk-web" -n -c "$MD_CONF" >/dev/null
ok_rc $? "-n checks the configuration"
"$top_builddir/web/maildesk-web" -n -c "$MD_CONF" -l nonsense >/dev/null 2>&1
isnt $? 0 "-n rejects a bad listen address"
kill -TERM "$WEB_PID"
_md_reap "$WEB_PID" 10
ok_rc $? "SIGTERM stops maildesk-web"
wait "$WEB_PID" 2>/dev/null
[ ! -e "$T/web.pid" ]
ok_rc $? "PID file removed"

done_testing
