#!/bin/bash
# api_members.sh - the responders' JSON API (issue 18) with curl against a
# real maildesk-web, PostgreSQL and Redis: a non-member gets 404 for a
# project's issues, attachments and raw messages; membership; assign, take,
# unassign; priority, title, participants, block; filters; my work; the
# system note every change leaves.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/web/web.sh"

md_api_setup
md_cli project add acme >/dev/null
md_cli project add beta >/dev/null
md_web_users ann:admin bob:responder max:responder
I1=$(md_issue acme carol@example.org "Printer on fire" "It burns.")
I2=$(md_issue acme dave@example.org "Second" "Again." \
	"$top_srcdir/tests/fixtures/web/attachment.eml")
I3=$(md_issue beta erin@example.org "Beta issue" "Hi.")
is "$I1 $I2 $I3" "1 2 1" "issues filed"
md_start_web

for u in ann bob max; do md_web_login $u "password-$u"; done

# --- a stranger sees nothing of acme ---------------------------------------------
is "$(md_web_req GET /api/projects "${bob[@]}")" 200 "bob's project list"
is "$(jq -r '.projects | length' "$T/b")" 0 "bob is in no project: none listed"
for p in /api/projects/acme /api/projects/acme/issues /api/projects/acme/issues/1 \
	/api/projects/acme/issues/2/attachments/1 /api/projects/acme/issues/2/raw \
	/api/projects/acme/members; do
	is "$(md_web_req GET "$p" "${bob[@]}")" 404 "non-member: GET $p is 404"
done
is "$(md_web_req POST /api/projects/acme/issues/1/notes "${bob[@]}" -d text=hi \
	-d visibility=internal)" 404 "non-member cannot comment (404)"
is "$(md_web_req GET /api/projects/nosuch/issues "${bob[@]}")" 404 \
	"a project that does not exist answers the same"

# --- membership ------------------------------------------------------------------
is "$(md_web_req POST /api/projects/acme/members "${ann[@]}" -d user=bob -d role=responder)" 200 \
	"admin adds bob as responder"
is "$(jq -c '.members' "$T/b")" '[{"user":"bob","role":"responder"}]' "members listed"
is "$(md_web_req POST /api/projects/acme/members "${ann[@]}" -d user=max -d role=maintainer)" 200 \
	"admin adds max as maintainer"
is "$(md_web_req POST /api/projects/acme/members "${ann[@]}" -d user=nobody -d role=responder)" 400 \
	"an unknown user: 400"
is "$(md_web_req POST /api/projects/acme/members "${bob[@]}" -d user=bob -d role=maintainer)" 403 \
	"a responder cannot change membership"
is "$(md_web_req GET /api/projects "${bob[@]}")" 200 "bob's list again"
is "$(jq -r '[.projects[] | .name + ":" + .my_role] | join(",")' "$T/b")" "acme:responder" \
	"bob sees acme as responder"
md_web_req GET /api/projects "${ann[@]}" >/dev/null
is "$(jq -r '[.projects[] | .my_role] | join(",")' "$T/b")" "admin,admin" "the admin sees all"
is "$(md_web_req GET /api/projects/acme/issues/2/attachments/1 "${bob[@]}")" 200 \
	"a member downloads the attachment"
is "$(md_web_req GET /api/projects/acme/issues/2/raw "${bob[@]}")" 200 "and the original message"
is "$(md_web_req GET /api/projects/beta/issues/1 "${max[@]}")" 404 "max is not in beta"

# --- settings: maintainer or admin -----------------------------------------------
is "$(md_web_req POST /api/projects/acme "${bob[@]}" -d first_response=8h)" 403 \
	"a responder cannot change settings"
is "$(md_web_req POST /api/projects/acme "${max[@]}" -d first_response=1h)" 200 \
	"the maintainer sets first_response"
is "$(jq -r '.first_response' "$T/b") $(jq -r '.settings.first_response' "$T/b")" "3600 3600" \
	"first_response in seconds"
is "$(md_web_req POST /api/projects/acme "${max[@]}" -d first_response=soon)" 400 "bad duration: 400"
is "$(md_web_req POST /api/projects/beta "${max[@]}" -d first_response=1h)" 404 \
	"settings of a project max is not in: 404"

# --- assign, take, unassign ---------------------------------------------------------
is "$(md_web_req POST /api/projects/acme/issues/1/assignee "${max[@]}" -d user=bob)" 200 \
	"max assigns acme#1 to bob"
is "$(jq -r .issue.assignee "$T/b")" bob "the answer is the changed issue"
is "$(md_web_req POST /api/projects/acme/issues/2/assignee "${bob[@]}" -d user=me)" 200 "bob takes acme#2"
is "$(jq -r .issue.assignee "$T/b")" bob "acme#2 is bob's"
is "$(md_web_req POST /api/projects/acme/issues/2/assignee "${bob[@]}" -d user=)" 200 "bob unassigns"
is "$(jq -r .issue.assignee "$T/b")" null "acme#2 unassigned"
is "$(jq -r '[.notes[] | select(.kind == "system") | .author + ": " + .text] | join("|")' \
	"$T/b")" "bob: assigned to bob|bob: unassigned bob" "each change left a system note"
is "$(md_web_req POST /api/projects/acme/issues/2/assignee "${bob[@]}" -d user=carol)" 400 \
	"a non-member cannot be assigned (400)"
is "$(md_web_req POST /api/projects/acme/issues/9/assignee "${bob[@]}" -d user=me)" 404 "no such issue"

# --- priority, title, participants, block ------------------------------------------
is "$(md_web_req POST /api/projects/acme/issues/1/priority "${bob[@]}" -d priority=urgent)" 200 \
	"priority urgent"
is "$(jq -r .issue.priority "$T/b")" urgent "priority stored"
is "$(md_web_req POST /api/projects/acme/issues/1/priority "${bob[@]}" -d priority=asap)" 400 \
	"bad priority: 400"
is "$(md_web_req POST /api/projects/acme/issues/1/title "${bob[@]}" --data-urlencode \
	'title=Printer fire (3rd floor)')" 200 "title changed"
is "$(jq -r .issue.title "$T/b")" "Printer fire (3rd floor)" "new title"
is "$(md_web_req POST /api/projects/acme/issues/1/title "${bob[@]}" -d title=)" 400 "empty title: 400"
is "$(md_web_req POST /api/projects/acme/issues/1/title "${bob[@]}" \
	-d "title=$(printf 'x%.0s' $(seq 256))")" 400 "256 characters: 400"
is "$(md_web_req POST /api/projects/acme/issues/1/participants "${bob[@]}" -d add=frank@example.org)" \
	200 "participant added"
is "$(jq -r '[.subscribers[].email] | join(",")' "$T/b")" \
	"carol@example.org,frank@example.org" "subscribers"
is "$(md_web_req POST /api/projects/acme/issues/1/participants "${bob[@]}" -d del=frank@example.org)" \
	200 "participant removed"
is "$(md_web_req POST /api/projects/acme/issues/1/participants "${bob[@]}" -d add=x@desk.test)" 400 \
	"a desk address is never a participant"
is "$(md_web_req POST /api/projects/acme/issues/1/block "${bob[@]}")" 403 \
	"a responder cannot block (the block list is a project setting)"
is "$(md_web_req POST /api/projects/acme/issues/1/block "${max[@]}")" 200 "the maintainer blocks the sender"
is "$(md_psql "SELECT entry FROM sender_lists WHERE project = 'acme' AND list = 'block'")" \
	carol@example.org "carol is on acme's block list"
is "$(jq -r '[.notes[] | select(.kind == "system") | .author + ": " + .text] | join("|")' \
	"$T/b")" "max: assigned to bob|bob: priority urgent (was normal)|bob: changed title from \"Printer on fire\" to \"Printer fire (3rd floor)\"|bob: added participant frank@example.org|bob: removed participant frank@example.org|max: blocked sender carol@example.org" \
	"every change on acme#1 left a system note by its author"
is "$(md_web_req POST /api/projects/acme/issues/1/labels "${bob[@]}" -d add=hardware)" 200 "label added"
is "$(jq -r '.notes[-1].author + ": " + .notes[-1].text' "$T/b")" "bob: added label hardware" \
	"a label change names who made it"

# --- filters, overdue, my work --------------------------------------------------------
md_psql "UPDATE issues SET created = created - 7200 WHERE project = 'acme' AND iid = 2" >/dev/null
is "$(md_web_req GET '/api/projects/acme/issues?assignee=me' "${bob[@]}")" 200 "assignee=me"
is "$(jq -r '[.issues[].iid] | join(",")' "$T/b")" 1 "bob's: acme#1"
md_web_req GET '/api/projects/acme/issues?assignee=none' "${bob[@]}" >/dev/null
is "$(jq -r '[.issues[].iid] | join(",")' "$T/b")" 2 "unassigned: acme#2"
md_web_req GET '/api/projects/acme/issues?assignee=bob&priority=urgent' "${max[@]}" >/dev/null
is "$(jq -r '[.issues[].iid] | join(",")' "$T/b")" 1 "by assignee and priority"
md_web_req GET '/api/projects/acme/issues?overdue=1' "${bob[@]}" >/dev/null
is "$(jq -r '[.issues[] | "\(.iid) \(.overdue)"] | join(",")' "$T/b")" "2 true" \
	"overdue: acme#2 (filed two hours ago, target one hour)"
is "$(md_web_req GET '/api/projects/acme/issues?priority=asap' "${bob[@]}")" 400 "bad filter: 400"
is "$(md_web_req GET /api/mywork "${bob[@]}")" 200 "my work"
is "$(jq -r '[.issues[] | "\(.project)#\(.iid)"] | join(",")' "$T/b")" "acme#2,acme#1" \
	"bob's work: the overdue unassigned one first, then his"
is "$(md_web_req POST /api/projects/acme/issues/2/notes "${bob[@]}" -d text=Looking \
	-d visibility=public)" 200 "a public reply"
is "$(jq -r '.issue.overdue, (.issue.first_response_at > 0)' "$T/b" | tr '\n' ' ')" \
	"false true " "the first public reply stops the clock"
md_web_req GET /api/mywork "${max[@]}" >/dev/null
is "$(jq -r '[.issues[] | "\(.project)#\(.iid)"] | join(",")' "$T/b")" "acme#2" \
	"max's work: the unassigned one of acme only"

# --- removing a member -----------------------------------------------------------------
is "$(md_web_req POST /api/projects/acme/members "${max[@]}" -d user=bob -d role=none)" 200 \
	"the maintainer removes bob"
is "$(md_web_req GET /api/projects/acme/issues/1 "${bob[@]}")" 404 "bob sees acme#1 no more"
md_web_req GET /api/projects/acme/issues/1 "${ann[@]}" >/dev/null
is "$(jq -r '.issue.assignee' "$T/b")" null "his issue lost its assignee"
is "$(md_psql "SELECT actor || ' ' || detail FROM audit_log WHERE action = 'member' ORDER BY id DESC LIMIT 1")" \
	"max acme: bob removed" "the audit log says who removed whom"

done_testing
