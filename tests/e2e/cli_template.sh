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
is "$(rcli HGET maildesk:templates:acme thank_you)" "$(cat "$T/t.txt")" "body stored in maildesk:templates:acme"

md_cli project template acme thank_you --subject 'We got it [%{ISSUE_PATH}]' >/dev/null
ok_rc $? "subject set"
is "$(rcli HGET maildesk:templates:acme thank_you_subject)" 'We got it [%{ISSUE_PATH}]' "subject stored"

printf 'Update on %%{ISSUE_PATH}:\n%%{NOTE_TEXT}\n' | md_cli project template acme new_note - >/dev/null
ok_rc $? "body set from stdin"

out=$(printf 'bad %%{ISSU_ID}\n' | md_cli project template acme close - 2>&1)
is "$?" 1 "unknown placeholder refused with exit 1"
like "$out" "unknown placeholder\(s\): ISSU_ID" "error names the placeholder"
is "$(rcli HEXISTS maildesk:templates:acme close)" 0 "nothing stored on error"

md_cli project template acme bogus x >/dev/null 2>&1
is "$?" 2 "unknown kind is a usage error"
md_cli project template nosuch thank_you >/dev/null 2>&1
is "$?" 1 "unknown project refused"

md_cli project template acme thank_you --reset >/dev/null
ok_rc $? "reset"
is "$(rcli HEXISTS maildesk:templates:acme thank_you)$(rcli HEXISTS maildesk:templates:acme thank_you_subject)" 00 \
	"reset removes body and subject"
done_testing
