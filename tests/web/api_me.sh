#!/bin/bash
# api_me.sh - GET and POST /api/me (issue 18): a user's notification
# address, notify preference and signature, with curl against a real
# maildesk-web and PostgreSQL; the CSRF token, the checks (one address per
# user, the desk's own refused, all or nothing), and the signature under
# the user's public comment.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/web/web.sh"

md_api_setup
md_cli project add acme >/dev/null
printf 'ann-secret-1\n' | md_cli user add ann
printf 'bob-secret-1\n' | md_cli user add bob
md_cli project member add acme ann >/dev/null
md_cli user set bob email bob@team.test
I1=$(md_issue acme carol@example.org "Printer on fire" "The printer is on fire.")
md_start_web

md_web_login ann ann-secret-1
C=("${ann[@]:0:2}")	# the session cookie alone
X=("${ann[@]:2:2}")	# the CSRF token

is "$(md_web_req GET /api/me "${C[@]}")" 200 "GET /api/me"
is "$(jq -c '[.user, .email, .notify, .signature, (.csrf | length)]' "$T/b")" \
	'["ann","","all","",64]' "it carries email, notify (default all) and signature"
is "$(md_web_req POST /api/me "${C[@]}" -d notify=mine)" 403 "POST without the CSRF token: 403"
is "$(md_web_req POST /api/me "${C[@]}" "${X[@]}" -d email=Ann@Team.test -d notify=mine \
	--data-urlencode $'signature=Ann\r\nAcme support')" 200 "POST email, notify, signature"
is "$(jq -c '[.email, .notify, .signature]' "$T/b")" '["ann@team.test","mine","Ann\nAcme support"]' \
	"answers with the changed user (address lower case, lines with LF)"
is "$(md_cli user show ann --json | jq -r .notify)" mine "stored (the CLI sees it)"

is "$(md_web_req POST /api/me "${C[@]}" "${X[@]}" -d email=bob@team.test -d notify=none)" 400 \
	"another user's address: 400"
like "$(jq -r .error "$T/b")" "another user" "... saying why"
is "$(md_web_req POST /api/me "${C[@]}" "${X[@]}" -d email=support+acme@desk.test)" 400 \
	"a desk address: 400"
is "$(md_web_req POST /api/me "${C[@]}" "${X[@]}" -d notify=loud)" 400 "notify=loud: 400"
is "$(md_web_req POST /api/me "${C[@]}" "${X[@]}")" 400 "nothing to change: 400"
is "$(md_web_req GET /api/me "${C[@]}")" 200 "GET again"
is "$(jq -c '[.email, .notify]' "$T/b")" '["ann@team.test","mine"]' "refused changes changed nothing"

is "$(md_web_req POST "/api/projects/acme/issues/$I1/notes" "${C[@]}" "${X[@]}" \
	-d visibility=public -d text=Unplug%20it.)" 200 "ann comments in the web UI"
is "$(jq -r '.issue.notes // .notes | map(select(.kind == "public"))[0].text' "$T/b")" \
	"$(printf 'Unplug it.\n\nAnn\nAcme support')" "her signature is under it"
done_testing
