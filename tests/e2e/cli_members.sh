#!/bin/bash
# cli_members.sh - the responders' CLI (issue 18) against a private
# PostgreSQL and Redis: --as USER, project member add|remove|list, a
# non-member told "no such project", assign/take/unassign, priority, title,
# participants, block, list filters and OVERDUE, mywork, system notes.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/web/web.sh"

command -v jq >/dev/null || skip_all "jq is not installed"

md_start_redis
md_write_config

md_cli project add acme >/dev/null
md_cli project add beta >/dev/null
for u in ann bob max; do
	printf 'password-%s\n' "$u" | md_cli user add "$u" || bail_out "user add $u"
done
is "$(md_issue acme carol@example.org 'Printer on fire' 'It burns.') \
$(md_issue acme dave@example.org 'Second' 'Again.') \
$(md_issue beta erin@example.org 'Beta' 'Hi.')" "1 2 1" "issues filed"

# --- membership --------------------------------------------------------------------
md_cli_run --as bob issue show acme#1
is "$RC" 1 "a non-member: exit 1"
is "$ERR" "maildesk: no such project: acme" "a non-member is told there is no such project"
md_cli_run --as bob issue list acme
is "$ERR" "maildesk: no such project: acme" "issue list too"
md_cli_run --as nobody issue list acme
is "$ERR" "maildesk: no such user: nobody" "--as an unknown user"
md_cli_run --as bob user list
is "$RC/$ERR" "1/maildesk: user commands are for admins (bob is a responder)" \
	"--as a responder: the admins' commands are refused"
md_cli_run project member add acme bob
is "$RC" 0 "member add (operator) exits 0"
is "$OUT" "bob is now responder of acme" "member add confirms"
md_cli_run project member add acme max --role maintainer
is "$OUT" "max is now maintainer of acme" "member add --role maintainer"
md_cli_run project member add acme ann --role boss
is "$RC" 1 "a bad role exits 1"
md_cli_run --as bob project member add acme ann
is "$RC" 1 "a responder cannot add members"
like "$ERR" "needs its maintainer or an admin" "and is told why"
md_cli_run --as max project member add acme ann
is "$RC" 0 "the maintainer adds ann"
md_cli_run project member list acme
is "$OUT" "USER  ROLE
ann   responder
bob   responder
max   maintainer" "member list"
is "$(md_cli project member list acme --json | jq -c '.members[0]')" \
	'{"user":"ann","role":"responder"}' "member list --json"
md_cli_run --as bob project list
is "$(echo "$OUT" | awk 'NR > 1 {print $1}' | paste -sd,)" acme "bob lists only acme"
md_cli_run --as bob issue show acme#1
is "$RC" 0 "a member sees the issue"
md_cli_run --as bob project set acme first_response 1h
is "$RC" 1 "a responder cannot change settings"
md_cli_run --as max project set acme first_response 1h
is "$RC" 0 "the maintainer sets first_response"
is "$(md_psql "SELECT first_response FROM projects WHERE name = 'acme'")" 3600 "stored in seconds"
md_cli_run --as max project set acme desk_from_auth no
is "$RC" 1 "a maintainer cannot turn a sender check off"
is "$ERR" "maildesk: desk_from_auth no turns off a forged-sender check: only a site admin may set it (a maintainer may set yes or default)" \
	"and is told why"
md_cli_run --as max project set acme desk_from_auth Off
is "$RC" 1 "nor with another spelling of no"
md_cli_run --as max project set acme desk_from_auth yes
is "$RC" 0 "the maintainer tightens desk_from_auth"
md_cli_run project set acme desk_from_auth no
is "$RC" 0 "the operator (no --as) turns it off"
is "$(md_psql "SELECT desk_from_auth FROM projects WHERE name = 'acme'")" f "stored"
md_cli_run project set acme desk_from_auth default
md_cli_run --as max project set beta first_response 1h
is "$ERR" "maildesk: no such project: beta" "not in beta: no such project"
md_cli_run project show acme --json
is "$(echo "$OUT" | jq -r '.first_response, .address' | paste -sd' ')" \
	"3600 support+acme@desk.test" "project --json (lib/policy/present.c) has first_response, address"

# --- ownership -----------------------------------------------------------------------
md_cli_run --as max issue assign acme#1 bob
is "$OUT" "acme#1 assigned to bob" "assign"
md_cli_run --as bob issue take acme#2
is "$OUT" "acme#2 assigned to bob" "take"
md_cli_run --as bob issue assign acme#2 --none
is "$OUT" "acme#2 unassigned" "assign --none"
md_cli_run issue take acme#2
is "$RC" 2 "take without --as is a usage error (who is me?)"
md_cli_run --as bob issue assign acme#2 carol
is "$RC" 1 "a non-member cannot be assigned"
is "$ERR" "maildesk: no such member of acme: carol" "and the message says so"
md_cli_run --as bob issue priority acme#1 urgent
is "$OUT" "acme#1: priority changed" "priority"
md_cli_run --as bob issue title acme#1 "Printer fire"
is "$OUT" "acme#1: title changed" "title"
md_cli_run --as bob issue title acme#1 "$(printf 'x%.0s' $(seq 256))"
is "$ERR" "maildesk: the title is longer than 255 characters" "title validation (lib)"
md_cli_run --as bob issue participant add acme#1 frank@example.org
is "$OUT" "acme#1: participant frank@example.org added" "participant add"
md_cli_run --as bob issue participant del acme#1 frank@example.org
is "$OUT" "acme#1: participant frank@example.org removed" "participant del"
md_cli_run --as bob issue block acme#1
is "$RC" 1 "a responder cannot block the sender"
md_cli_run --as max issue block acme#1
is "$OUT" "carol@example.org added to the block list of acme" "the maintainer blocks"
is "$(rcli SISMEMBER maildesk:project:acme:block carol@example.org)" 1 "in the milter's view"
md_cli_run --as bob issue label acme#1 hardware
is "$RC" 0 "label"
is "$(md_cli issue show acme#1 --json | jq -r '[.notes[] | select(.kind == "system") |
	.author + ": " + .text] | join("|")')" "max: assigned to bob|bob: priority urgent (was normal)|bob: changed title from \"Printer on fire\" to \"Printer fire\"|bob: added participant frank@example.org|bob: removed participant frank@example.org|max: blocked sender carol@example.org|bob: added label hardware" \
	"every change left a system note by who made it"

# --- lists, overdue, mywork ------------------------------------------------------------
md_psql "UPDATE issues SET created = created - 7200 WHERE project = 'acme' AND iid = 2" >/dev/null
md_cli_run --as bob issue list acme --mine
is "$(echo "$OUT" | awk 'NR == 2 {print $1, $3, $4}')" "acme#1 urgent bob" "--mine"
md_cli_run --as bob issue list acme --unassigned
like "$(echo "$OUT" | awk 'NR == 2')" "^acme#2 .* OVERDUE" "--unassigned, marked OVERDUE"
md_cli_run issue list acme --overdue --json
is "$(echo "$OUT" | jq -r '[.issues[] | "\(.iid) \(.overdue)"] | join(",")')" "2 true" \
	"--overdue --json"
md_cli_run issue list acme --assignee bob --priority urgent --json
is "$(echo "$OUT" | jq -r '[.issues[].iid] | join(",")')" 1 "--assignee and --priority"
md_cli_run --as bob mywork --json
is "$(echo "$OUT" | jq -r '[.issues[] | "\(.project)#\(.iid)"] | join(",")')" "acme#2,acme#1" \
	"mywork: the overdue unassigned issue first, then bob's"
md_cli_run mywork
is "$RC" 2 "mywork needs --as"
md_cli_run --as bob issue comment acme#2 "Looking at it"
is "$RC" 0 "a public reply"
is "$(md_cli issue show acme#2 --json | jq -r '.overdue, (.first_response_at > 0)' | paste -sd' ')" \
	"false true" "stops the clock"

# --- removing a member -------------------------------------------------------------------
md_cli_run --as max project member remove acme bob
is "$OUT" "bob removed from acme" "member remove"
is "$(md_psql "SELECT coalesce(assignee, '-') FROM issues WHERE project = 'acme' AND iid = 1")" \
	- "his open issue lost its assignee"
md_cli_run --as bob issue show acme#1
is "$RC" 1 "and he sees acme no more"

done_testing
