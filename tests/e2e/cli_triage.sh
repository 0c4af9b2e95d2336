#!/bin/bash
# cli_triage.sh - maildesk triage and canned (issue 18) against a private
# PostgreSQL and Redis: rules added, listed, moved and deleted, bad patterns
# refused with a clear message, only maintainers may change them, the rules
# applied to the next request (labels per alias, assignee, priority, system
# notes); canned replies set, listed, shown filled in, inserted with
# `issue comment --canned`, deleted.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/web/web.sh"

command -v jq >/dev/null || skip_all "jq is not installed"

md_start_redis
md_write_config base_url=https://desk.test

md_cli project add acme --alias help@acme.test >/dev/null
for u in ann bob; do
	printf 'password-%s\n' "$u" | md_cli user add "$u" || bail_out "user add $u"
done
md_cli project member add acme ann --role maintainer >/dev/null
md_cli project member add acme bob >/dev/null

# --- rules ---------------------------------------------------------------------------
md_cli_run triage list acme
is "$OUT" "acme has no triage rules" "no rules yet"
md_cli_run triage add acme recipient substring help@acme.test --labels via-help
is "$RC" 0 "a rule for the alias"
like "$OUT" "^triage rule [0-9]+ added to acme$" "add names the new rule"
md_cli_run --as ann triage add acme subject regex '^(refund|return)' --labels billing,money \
	--assign bob --priority high
is "$RC" 0 "a maintainer adds a rule"
md_cli_run triage add acme sender substring @example.com --priority urgent --assign ann
is "$RC" 0 "a domain rule"
md_cli_run triage add acme subject regex '(unclosed'
is "$RC" 1 "a bad regex is refused"
like "$ERR" "^maildesk: bad regular expression: " "... saying why"
md_cli_run triage add acme subject regex '(a)\1' --labels x
like "$ERR" "back-references" "back-references refused"
md_cli_run triage add acme subject substring x --assign nobody
is "$ERR" "maildesk: no such member of acme: nobody" "the assignee must be a member"
md_cli_run triage add acme subject substring x
like "$ERR" "needs an action" "a rule without an action is refused"
md_cli_run triage add acme from substring x --labels y
is "$RC" 2 "an unknown field is a usage error"
md_cli_run --as bob triage add acme subject substring x --labels y
is "$RC" 1 "a responder may not add rules"
like "$ERR" "needs its maintainer or an admin" "... and is told why"
md_cli_run triage add nosuch subject substring x --labels y
is "$ERR" "maildesk: no such project: nosuch" "unknown project"
is "$(md_psql "SELECT count(*) FROM triage_rules")" 3 "only the good rules stored"

md_cli_run --as bob triage list acme --json
is "$RC" 0 "a responder may read the rules"
is "$(jq -r '[.rules[] | "\(.position):\(.field):\(.match)"] | join(" ")' <<<"$OUT")" \
	"1:recipient:substring 2:subject:regex 3:sender:substring" "list --json in order"
is "$(jq -c '.rules[1] | [.labels, .assign, .priority]' <<<"$OUT")" \
	'[["billing","money"],"bob","high"]' "a rule's actions"
is "$(jq -c '.rules[0] | [.assign, .priority]' <<<"$OUT")" '[null,null]' "no action is null"
R3=$(jq -r '.rules[2].id' <<<"$OUT")
R1=$(jq -r '.rules[0].id' <<<"$OUT")
md_cli_run triage list acme
like "$OUT" "labels billing,money; assign bob; priority high" "the table shows the actions"

md_cli_run triage move acme "$R3" 1
is "$RC" 0 "move"
is "$(md_cli triage list acme --json | jq -r '[.rules[].field] | join(" ")')" \
	"sender recipient subject" "the moved rule is first"
md_cli_run --as bob triage move acme "$R3" 3
is "$RC" 1 "a responder may not move rules"
md_cli_run triage move acme 99999 1
is "$ERR" "maildesk: no such triage rule: acme 99999" "moving an unknown rule"

# --- the rules at filing ----------------------------------------------------------
I=$(MKISSUE_RCPT=help@acme.test md_issue acme carol@eu.example.com "Refund for order 7" "Hi")
is "$I" 1 "a request to the alias filed"
is "$(md_psql "SELECT array_to_string(labels, ',') || ' ' || coalesce(assignee, '-') || ' ' ||
	priority FROM issues WHERE iid = 1")" "billing,money,via-help ann urgent" \
	"labels from every rule, assignee and priority from the first that sets them"
is "$(md_psql "SELECT count(*) FROM notes WHERE kind = 'system' AND author LIKE 'Support Bot%'")" \
	5 "a system note per action (three labels, assignee, priority)"
like "$(md_cli issue show acme#1)" "added label via-help \(triage rule 2: recipient contains" \
	"the notes name the rule"
I=$(md_issue acme dave@other.test "Hello" "Hi")
is "$(md_psql "SELECT array_to_string(labels, ',') || ' ' || coalesce(assignee, '-') || ' ' ||
	priority FROM issues WHERE iid = 2")" " - normal" "no rule matches the desk address"

md_cli_run triage delete acme "$R1"
is "$RC" 0 "delete"
is "$(md_cli triage list acme --json | jq -r '[.rules[] | "\(.position):\(.field)"] | join(" ")')" \
	"1:sender 2:subject" "positions close up"
md_cli_run triage delete acme "$R1"
is "$RC" 1 "deleting it again fails"

# --- canned replies ----------------------------------------------------------------
md_cli_run canned list acme
is "$OUT" "acme has no canned replies" "no canned replies yet"
md_cli_run --as ann canned set acme refund 'Hello, your refund for "%{SUBJECT}" (%{ISSUE_PATH}) is on its way.
See %{ISSUE_URL}'
is "$RC" 0 "a maintainer saves a canned reply"
printf 'Closing %%{ISSUE_ID}, thanks!\n' | md_cli canned set acme bye - >/dev/null
ok_rc $? "a canned reply from stdin"
md_cli_run canned set acme oops 'Hi %{ISSU_ID}'
is "$ERR" "maildesk: unknown placeholder(s): ISSU_ID" "unknown placeholders refused"
md_cli_run canned set acme 'Bad Name' 'x'
is "$RC" 1 "a bad name is refused"
md_cli_run --as bob canned set acme x 'y'
is "$RC" 1 "a responder may not save canned replies"
md_cli_run --as bob canned list acme --json
is "$(jq -r '[.canned[].name] | join(" ")' <<<"$OUT")" "bye refund" "a responder lists them"
md_cli_run canned show acme bye
is "$OUT" "Closing %{ISSUE_ID}, thanks!" "show as stored"
md_cli_run --as bob canned show acme refund acme#1
is "$OUT" 'Hello, your refund for "Refund for order 7" (acme#1) is on its way.
See https://desk.test/acme/issues/1' "show filled in for an issue"

md_cli_run --as bob issue comment acme#1 --canned refund
is "$RC" 0 "issue comment --canned"
is "$(md_psql "SELECT text FROM notes WHERE kind = 'public' ORDER BY id DESC LIMIT 1")" \
	'Hello, your refund for "Refund for order 7" (acme#1) is on its way.
See https://desk.test/acme/issues/1' "the note is the filled-in reply"
is "$(md_psql "SELECT count(*) FROM outbox WHERE kind = 'note'")" 1 "and it is mailed"
md_cli_run issue comment acme#1 --canned bye --internal
is "$(md_psql "SELECT kind || ': ' || text FROM notes WHERE kind = 'internal'")" \
	"internal: Closing #1, thanks!" "--canned with --internal"
md_cli_run issue comment acme#1 --canned nope
is "$ERR" "maildesk: no such canned reply: acme nope" "an unknown canned reply"
md_cli_run issue comment acme#1 'text' --canned bye
is "$RC" 2 "--canned and a TEXT is a usage error"

md_cli_run canned delete acme bye
is "$RC" 0 "delete a canned reply"
md_cli_run canned delete acme bye
is "$RC" 1 "deleting it again fails"
is "$(md_psql "SELECT string_agg(name, ' ') FROM canned_replies")" refund "one is left"
done_testing
