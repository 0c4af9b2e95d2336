#!/bin/bash
# cli_template.sh - maildesk project template: show, set from file/stdin,
# subject, unknown placeholders refused, reset; stored where the worker reads.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"

md_start_redis
md_write_config
md_cli project add acme >/dev/null

out=$(md_cli project template acme thank_you)
like "$out" "\(default\)" "no own template: the default is shown and marked"
like "$out" "tracking your request as ticket %\{ISSUE_ID\}" "default body shown"

printf 'Hi, ticket %%{ISSUE_ID} received.\n%%{UNSUBSCRIBE_URL}\n' >"$T/t.txt"
md_cli project template acme thank_you "$T/t.txt" >/dev/null
ok_rc $? "body set from a file"
tpl() {	# tpl KIND COLUMN: a column of the project's template row
	md_psql "SELECT $2 FROM templates WHERE project = 'acme' AND kind = :'k'" k="$1"
}
is "$(tpl thank_you body)" "$(cat "$T/t.txt")" "body stored in the templates table"

md_cli project template acme thank_you --subject 'We got it [%{ISSUE_PATH}]' >/dev/null
ok_rc $? "subject set"
is "$(tpl thank_you subject)" 'We got it [%{ISSUE_PATH}]' "subject stored"
is "$(tpl thank_you body)" "$(cat "$T/t.txt")" "the body is kept"

printf 'Update on %%{ISSUE_PATH}:\n%%{NOTE_TEXT}\n' | md_cli project template acme new_note - >/dev/null
ok_rc $? "body set from stdin"

out=$(printf 'bad %%{ISSU_ID}\n' | md_cli project template acme close - 2>&1)
is "$?" 1 "unknown placeholder refused with exit 1"
like "$out" "unknown placeholder\(s\): ISSU_ID" "error names the placeholder"
is "$(md_psql "SELECT count(*) FROM templates WHERE kind = 'close'")" 0 "nothing stored on error"

md_cli project template acme bogus x >/dev/null 2>&1
is "$?" 2 "unknown kind is a usage error"
md_cli project template nosuch thank_you >/dev/null 2>&1
is "$?" 1 "unknown project refused"

md_cli project template acme thank_you --reset >/dev/null
ok_rc $? "reset"
is "$(md_psql "SELECT count(*) FROM templates WHERE kind = 'thank_you' AND (body <> '' OR subject <> '')")" 0 \
	"reset removes body and subject"
like "$(md_cli project template acme thank_you)" "\(default\)" "the default is back"
done_testing
