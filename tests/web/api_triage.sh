#!/bin/bash
# api_triage.sh - triage rules and canned replies in the JSON API (issue 18)
# with curl against a real maildesk-web, PostgreSQL and Redis: members read,
# maintainers and admins change, a stranger gets 404; bad rules answered
# 400 with the reason; the whole list after each change; rules applied to
# the next request; a canned reply filled in for an issue.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/web/web.sh"

md_api_setup
md_cli project add acme --alias help@acme.test >/dev/null
md_cli project add beta >/dev/null
md_web_users ann:admin bob:responder max:responder eve:responder
md_cli project member add acme bob >/dev/null
md_cli project member add acme max --role maintainer >/dev/null
is "$(md_issue acme carol@example.org "Printer on fire" "It burns.")" 1 "an issue filed"
md_start_web

for u in ann bob max eve; do md_web_login $u "password-$u"; done
J() { jq -r "$1" "$T/b"; }

# --- triage rules ----------------------------------------------------------------------
is "$(md_web_req GET /api/projects/acme/triage "${bob[@]}")" 200 "a member reads the rules"
is "$(J '.rules | length')" 0 "none yet"
is "$(md_web_req GET /api/projects/acme/triage "${eve[@]}")" 404 "a stranger gets 404"
is "$(md_web_req GET /api/projects/nosuch/triage "${ann[@]}")" 404 "an unknown project: 404"
is "$(md_web_req POST /api/projects/acme/triage "${bob[@]}" -d field=subject -d match=substring \
	-d pattern=x -d labels=y)" 403 "a responder may not add a rule"
is "$(md_web_req POST /api/projects/acme/triage "${eve[@]}" -d field=subject -d match=substring \
	-d pattern=x -d labels=y)" 404 "a stranger gets 404 for a POST too"
is "$(md_web_req POST /api/projects/acme/triage -H "${max[1]}" -H 'X-CSRF-Token: wrong' \
	-d field=subject -d match=substring -d pattern=x -d labels=y)" 403 \
	"no POST without the right CSRF token"

is "$(md_web_req POST /api/projects/acme/triage "${max[@]}" -d field=recipient -d match=substring \
	--data-urlencode pattern=help@acme.test -d labels=via-help)" 200 "a maintainer adds a rule"
is "$(J '.rules[0] | "\(.position) \(.field) \(.match) \(.pattern) \(.labels | join(",")) \(.assign) \(.priority)"')" \
	"1 recipient substring help@acme.test via-help null null" "the answer is the whole list"
is "$(md_web_req POST /api/projects/acme/triage "${ann[@]}" -d field=subject -d match=regex \
	--data-urlencode 'pattern=^(refund|return)' -d 'labels=billing, money' -d assign=bob \
	-d priority=high)" 200 "an admin adds a rule"
is "$(J '.rules[1] | "\(.labels | join(",")) \(.assign) \(.priority)"')" "billing,money bob high" \
	"labels, assignee and priority stored"
is "$(md_web_req POST /api/projects/acme/triage "${ann[@]}" -d field=sender -d match=substring \
	--data-urlencode pattern=@example.org -d priority=urgent -d assign=)" 200 "a domain rule"
R1=$(J '.rules[0].id')
R3=$(J '.rules[2].id')

is "$(md_web_req POST /api/projects/acme/triage "${ann[@]}" -d field=subject -d match=regex \
	--data-urlencode 'pattern=(unclosed' -d labels=x)" 400 "a bad regex: 400"
like "$(J .error)" "^bad regular expression: " "... with the reason"
is "$(md_web_req POST /api/projects/acme/triage "${ann[@]}" -d field=subject -d match=regex \
	--data-urlencode 'pattern=(a{50}){50}' -d labels=x)" 400 "a costly regex: 400"
is "$(md_web_req POST /api/projects/acme/triage "${ann[@]}" -d field=from -d match=substring \
	-d pattern=x -d labels=x)" 400 "an unknown field: 400"
is "$(md_web_req POST /api/projects/acme/triage "${ann[@]}" -d field=subject -d match=glob \
	-d pattern=x -d labels=x)" 400 "an unknown match: 400"
is "$(md_web_req POST /api/projects/acme/triage "${ann[@]}" -d field=subject -d match=substring \
	-d pattern=x -d assign=eve)" 400 "assigning to a non-member: 400"
is "$(J .error)" "no such member of acme: eve" "... with the reason"
is "$(md_web_req POST /api/projects/acme/triage "${ann[@]}" -d field=subject -d match=substring \
	-d pattern=x -d priority=asap)" 400 "a bad priority: 400"
is "$(md_web_req POST /api/projects/acme/triage "${ann[@]}" -d field=subject -d match=substring \
	--data-urlencode "pattern=$(head -c 300 /dev/zero | tr '\0' a)" -d labels=x)" 400 \
	"a pattern over 256 bytes: 400"
is "$(md_psql "SELECT count(*) FROM triage_rules")" 3 "only the good rules stored"

is "$(md_web_req POST "/api/projects/acme/triage/$R3/move" "${max[@]}" -d position=1)" 200 "move"
is "$(J '[.rules[] | .field] | join(" ")')" "sender recipient subject" "the moved rule is first"
is "$(md_web_req POST "/api/projects/acme/triage/$R3/move" "${max[@]}" -d position=zero)" 400 \
	"a bad position: 400"
is "$(md_web_req POST "/api/projects/acme/triage/$R3/move" "${bob[@]}" -d position=2)" 403 \
	"a responder may not move"
is "$(md_web_req POST /api/projects/beta/triage/$R3/delete "${ann[@]}")" 404 \
	"another project's rule: 404"
is "$(md_web_req POST /api/projects/acme/triage/999999/delete "${ann[@]}")" 404 "an unknown rule: 404"

# --- applied to the next request ------------------------------------------------------
is "$(MKISSUE_RCPT=help@acme.test md_issue acme dan@example.org "Return of my order" "Hi")" 2 \
	"a request to the alias"
is "$(md_web_req GET /api/projects/acme/issues/2 "${bob[@]}")" 200 "the issue"
is "$(J '.issue.labels | join(",")')" \
	"billing,money,via-help" "labels from every matching rule"
is "$(md_psql "SELECT coalesce(assignee, '-') || ' ' || priority FROM issues WHERE iid = 2")" \
	"bob urgent" "assignee from the only rule that sets one, priority from the first"
is "$(md_psql "SELECT count(*) FROM notes n JOIN issues i ON i.id = n.issue_id
	WHERE i.iid = 2 AND n.kind = 'system' AND n.author LIKE 'Support Bot%'")" 5 \
	"a system note per action"

is "$(md_web_req POST "/api/projects/acme/triage/$R1/delete" "${max[@]}")" 200 "delete"
is "$(J '[.rules[] | "\(.position):\(.field)"] | join(" ")')" "1:sender 2:subject" \
	"positions close up"

# --- canned replies -------------------------------------------------------------------
is "$(md_web_req GET /api/projects/acme/canned "${bob[@]}")" 200 "a member reads canned replies"
is "$(J '.canned | length')" 0 "none yet"
is "$(md_web_req GET /api/projects/acme/canned "${eve[@]}")" 404 "a stranger gets 404"
is "$(md_web_req POST /api/projects/acme/canned "${bob[@]}" -d name=x -d text=y)" 403 \
	"a responder may not save one"
is "$(md_web_req POST /api/projects/acme/canned "${max[@]}" -d name=refund \
	--data-urlencode 'text=Your refund for "%{SUBJECT}" (%{ISSUE_PATH}): %{ISSUE_URL}')" 200 \
	"a maintainer saves one"
is "$(J '.canned[0].name + " " + .canned[0].text')" \
	'refund Your refund for "%{SUBJECT}" (%{ISSUE_PATH}): %{ISSUE_URL}' "the whole list back"
is "$(md_web_req POST /api/projects/acme/canned "${ann[@]}" -d name=oops \
	--data-urlencode 'text=%{ISSU_ID}')" 400 "an unknown placeholder: 400"
is "$(J .error)" "unknown placeholder(s): ISSU_ID" "... saying which"
is "$(md_web_req POST /api/projects/acme/canned "${ann[@]}" -d 'name=Bad Name' -d text=x)" 400 \
	"a bad name: 400"
is "$(md_web_req POST /api/projects/acme/canned "${ann[@]}" -d name=x)" 400 "text is required"

is "$(md_web_req GET /api/projects/acme/issues/1/canned/refund "${bob[@]}")" 200 "filled in for an issue"
is "$(J '.name + " " + .text')" \
	'refund Your refund for "Printer on fire" (acme#1): https://desk.test/acme/issues/1' \
	"placeholders filled in"
is "$(md_web_req GET /api/projects/acme/issues/1/canned/refund "${eve[@]}")" 404 "a stranger: 404"
is "$(md_web_req GET /api/projects/acme/issues/1/canned/nope "${bob[@]}")" 404 "an unknown reply: 404"
is "$(md_web_req GET /api/projects/acme/issues/99/canned/refund "${bob[@]}")" 404 "an unknown issue: 404"

is "$(md_web_req POST /api/projects/acme/canned "${max[@]}" -d name=refund -d text=)" 200 \
	"an empty text deletes"
is "$(J '.canned | length')" 0 "gone"
is "$(md_web_req POST /api/projects/acme/canned "${max[@]}" -d name=refund -d text=)" 404 \
	"deleting it again: 404"
done_testing
