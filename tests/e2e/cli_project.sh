#!/bin/bash
# cli_project.sh - "maildesk project ..." against a private PostgreSQL and
# Redis: output, exit codes (0 ok, 1 failure, 2 usage), what lands in
# PostgreSQL (the record) and in the milter's Redis view, config lookup.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"

md_start_redis
md_write_config

# --- add ----------------------------------------------------------------------
md_cli_run project add acme --alias help@ACME.test --alias=sales@acme.test
is "$RC" 0 "project add exits 0"
like "$OUT" "^project acme added" "project add confirms"
is "$(md_psql "SELECT enabled FROM projects WHERE name = 'acme'")" t "new project is enabled"
is "$(rcli HGET maildesk:project:acme enabled)" 1 "enabled in the view"
is "$(rcli SISMEMBER maildesk:projects acme)" 1 "name in the projects set"
is "$(md_psql "SELECT address FROM aliases WHERE project = 'acme' ORDER BY 1" | paste -sd' ')" \
	"help@acme.test sales@acme.test" "aliases stored in lower case"
is "$(rcli HGET maildesk:aliases help@acme.test)" acme "alias in the view in lower case"
is "$(rcli HGET maildesk:aliases sales@acme.test)" acme "--alias=ADDR form works"

md_cli_run project add acme
is "$RC" 1 "duplicate project exits 1"
is "$ERR" "maildesk: project acme already exists" "duplicate project message"
md_cli_run project add 'Bad Name'
is "$RC" 1 "invalid name exits 1"
like "$ERR" "^maildesk: invalid project name 'Bad Name'" "invalid name message"
md_cli_run project add beta --alias 'not an address'
is "$RC" 1 "invalid alias exits 1"
is "$(md_psql "SELECT count(*) FROM projects WHERE name = 'beta'")/$(rcli EXISTS maildesk:project:beta)" \
	0/0 "invalid alias leaves no half-made project"
md_cli_run project add beta
is "$RC" 0 "second project"

# --- alias ----------------------------------------------------------------------
md_cli_run project alias add beta help@acme.test
is "$RC" 1 "alias of another project exits 1"
is "$ERR" "maildesk: alias help@acme.test is already used by project acme" "conflict message"
md_cli_run project alias add beta desk@beta.test
is "$RC" 0 "alias add"
md_cli_run project alias del acme desk@beta.test
is "$RC" 1 "deleting another project's alias exits 1"
md_cli_run project alias del beta desk@beta.test
is "$RC" 0 "alias del"
is "$(md_psql "SELECT count(*) FROM aliases WHERE address = 'desk@beta.test'")" 0 "alias deleted"
is "$(rcli HEXISTS maildesk:aliases desk@beta.test)" 0 "alias gone from the view"
md_cli_run project alias frob beta x@y.test
is "$RC" 2 "alias with a bad verb is a usage error"
md_cli_run project alias add beta HELP@acme.test
is "$RC/$ERR" "1/maildesk: alias help@acme.test is already used by project acme" \
	"an alias in another case is the same alias"
md_cli_run project alias add acme Sales@ACME.test
is "$RC" 0 "re-adding an own alias in another case is not an error"
md_cli_run project alias add beta support+x@desk.test
like "$RC/$ERR" "^1/maildesk: alias support\+x@desk.test is in the desk domain" \
	"an alias in the desk domain is refused"
md_cli_run project add gamma --alias ok@gamma.test --alias help@acme.test
is "$RC/$ERR" "1/maildesk: alias help@acme.test is already used by project acme" \
	"project add with a taken alias"
is "$(md_psql "SELECT count(*) FROM projects WHERE name = 'gamma'")/$(md_psql "SELECT count(*) FROM aliases WHERE address = 'ok@gamma.test'")" \
	"0/0" "a taken alias leaves no half-made project"
is "$(rcli EXISTS maildesk:project:gamma)/$(rcli HEXISTS maildesk:aliases ok@gamma.test)" "0/0" \
	"nor anything in the view"
md_cli_run project alias add beta Mixed@Beta.test
is "$(md_psql "SELECT project FROM aliases WHERE address = 'mixed@beta.test'")/$(rcli HGET maildesk:aliases mixed@beta.test)" \
	beta/beta "aliases are stored in lower case"
md_cli_run project alias del beta MIXED@beta.test
is "$RC" 0 "alias del in another case"

# --- enable / disable / set --------------------------------------------------------
md_cli_run project disable beta
is "$RC/$OUT" "0/project beta disabled" "disable"
is "$(md_psql "SELECT enabled FROM projects WHERE name = 'beta'")" f "disabled in PostgreSQL"
is "$(rcli HGET maildesk:project:beta enabled)" 0 "disabled in the view"
md_cli_run project enable nosuch
is "$RC/$ERR" "1/maildesk: no such project: nosuch" "enable unknown project"
md_cli_run project set acme spam_mark 3.5
is "$RC" 0 "set spam_mark"
is "$(md_psql "SELECT spam_mark FROM projects WHERE name = 'acme'")" 3.5 "spam_mark stored"
is "$(rcli HGET maildesk:project:acme spam_mark)" 3.5 "spam_mark in the view"
md_cli_run project set acme verified_senders yes
is "$(md_psql "SELECT verified_senders FROM projects WHERE name = 'acme'")" t "yes stored as true"
is "$(rcli HGET maildesk:project:acme verified_senders)" 1 "and as 1 in the view"
md_cli_run project set acme verified_senders perhaps
is "$RC/$ERR" "1/maildesk: verified_senders: expected yes or no" "bad boolean"
md_cli_run project set acme colour blue
is "$RC" 1 "unknown field exits 1"
like "$ERR" "unknown setting 'colour'" "unknown field message"

# --- list / show ---------------------------------------------------------------------
md_cli_run project list
is "$RC" 0 "list exits 0"
is "$OUT" "NAME  STATE     ISSUES  ALIASES
acme  enabled   0       help@acme.test, sales@acme.test
beta  disabled  0       -" "list is an aligned table"
md_cli_run project list --json
like "$OUT" '^\[\{"name":"acme","enabled":true,' "list --json starts with acme"
like "$OUT" '"aliases":\["help@acme.test","sales@acme.test"\]' "list --json has aliases"
like "$OUT" '\{"name":"beta","enabled":false,' "list --json has beta disabled"
md_cli_run project show acme
is "$RC" 0 "show exits 0"
like "$OUT" "^spam_mark +3\.5$" "show: own spam_mark"
like "$OUT" "^spam_reject +default \(" "show: default spam_reject"
like "$OUT" "^verified_senders +yes$" "show: verified_senders"
like "$OUT" "^aliases +help@acme.test$" "show: first alias"
like "$OUT" "^ +sales@acme.test$" "show: second alias on its own line"
md_cli_run project show acme --json
like "$OUT" '"spam_mark":3.5,"spam_reject":null' "show --json thresholds"
md_cli_run project show nosuch
is "$RC/$ERR" "1/maildesk: no such project: nosuch" "show unknown project"

# --- usage errors ------------------------------------------------------------------------
md_cli_run project
is "$RC" 2 "project without subcommand exits 2"
md_cli_run project list extra
is "$RC" 2 "extra argument exits 2"
md_cli_run project show acme --bogus
is "$RC" 2 "unknown option exits 2"
like "$ERR" "^maildesk: unknown option: --bogus" "unknown option message"
md_cli_run frobnicate
is "$RC" 2 "unknown command exits 2"

# --- issue, queue and global usage errors ---------------------------------------------
md_cli_run issue list nosuch
is "$RC/$ERR" "1/maildesk: no such project: nosuch" "issue list of an unknown project exits 1"
md_cli_run issue list acme
is "$RC" 0 "issue list of an empty project exits 0"
printf 'a\0b' >"$T/nul.txt"
OUT=$(md_cli issue comment acme#1 - <"$T/nul.txt" 2>"$T/stderr"); RC=$?; ERR=$(cat "$T/stderr")
is "$RC/$ERR" "1/maildesk: the note text contains a NUL byte" "a note with a NUL is refused"
printf 'caf\351' >"$T/latin1.txt"
OUT=$(md_cli issue comment acme#1 - <"$T/latin1.txt" 2>"$T/stderr"); RC=$?; ERR=$(cat "$T/stderr")
is "$RC/$ERR" "1/maildesk: the note text is not valid UTF-8" "a note that is not UTF-8 is refused"
md_cli_run issue comment acme#1 "   "
is "$RC/$ERR" "1/maildesk: the note text is empty" "a blank note is refused"
md_cli_run queue stats --outbox
is "$RC" 2 "queue stats --outbox is a usage error"
md_cli_run queue retry foo
is "$RC" 2 "queue retry of a malformed id is a usage error"
like "$ERR" "^maildesk: not a dead record id: foo" "queue retry names the bad id"
md_cli_run queue retry --all
is "$RC/$OUT" "0/0 dead records back in the inbox" "queue retry --all with nothing dead"
OUT=$("$top_builddir/cli/maildesk" -x 2>"$T/stderr"); RC=$?; ERR=$(head -n 1 "$T/stderr")
is "$RC/$ERR" "2/maildesk: unknown option: -x" "an unknown global option is one maildesk: line"

# --- configuration lookup --------------------------------------------------------------
out=$("$top_builddir/cli/maildesk" -c "$T/nonexistent.conf" project list 2>&1)
is "$?/$out" "1/maildesk: $T/nonexistent.conf: cannot open: No such file or directory" \
	"explicit missing config is an error"
out=$(MAILDESK_CONFIG=$MD_CONF "$top_builddir/cli/maildesk" project list 2>&1)
like "$out" "^acme +enabled" "\$MAILDESK_CONFIG is used without -c"

# --- Redis down: what changes the view fails, nothing half-made -----------------------------
md_stop_redis
md_cli_run project add delta --alias help@delta.test
is "$RC" 1 "Redis down: project add exits 1"
like "$ERR" "^maildesk: redis 127\.0\.0\.1:$REDIS_PORT: connect: " "Redis down message names the server"
is "$(md_psql "SELECT count(*) FROM projects WHERE name = 'delta'")" 0 \
	"Redis down: the project is not in PostgreSQL either"
md_cli_run project list
is "$RC" 0 "Redis down: project list still works (PostgreSQL has it)"

# --- PostgreSQL down ------------------------------------------------------------------------
md_stop_postgres
md_cli_run project list
is "$RC" 1 "PostgreSQL down exits 1"
is "$(printf '%s\n' "$ERR" | grep -c .)" 1 "one line"
like "$ERR" "^maildesk: " "it starts with maildesk:"
unlike "$ERR" "dbname=|user=postgres" "the conninfo is not shown"

done_testing
