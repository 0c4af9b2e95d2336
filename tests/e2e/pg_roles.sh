#!/bin/bash
# pg_roles.sh - contrib/postgresql-roles.sql: the schema is owned and
# migrated by maildesk_owner; maildesk_worker, maildesk_web and
# maildesk_cli change rows but no tables, never write md_schema, and the
# worker cannot see accounts or sessions; tables of later migrations get
# the same grants.  Then the CLI and the worker run as their roles.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"

ROLES=$top_srcdir/contrib/postgresql-roles.sql
DENIED='permission denied|must be owner'

md_start_postgres
roles() {
	psql "$PG_CONNINFO" -X -q -v ON_ERROR_STOP=1 -f "$ROLES" 2>&1
}
out=$(roles)
ok_rc $? "the roles script runs on an empty database"
out=$(roles)
ok_rc $? "... and again (idempotent)"
[ -z "$out" ] || diag "$out"

# conninfo ROLE: the cluster's conninfo as maildesk_ROLE (it trusts local users)
conninfo() {
	local base=${PG_CONNINFO% user=*}
	echo "$base user=maildesk_$1"
}
# as ROLE SQL: psql as maildesk_ROLE
as() {
	printf '%s\n' "$2" | psql "$(conninfo "$1")" -X -q -At -v ON_ERROR_STOP=1 2>&1
}
may() {
	local out
	out=$(as "$1" "$3")
	ok_rc $? "$1 may $2" || diag "$out"
}
may_not() {
	like "$(as "$1" "$3")" "$DENIED" "$1 may not $2"
}

# Migrations as the owner.
md_write_config database="$(conninfo owner)"
is "$(md_psql "SELECT tableowner FROM pg_tables WHERE tablename = 'issues'")" maildesk_owner \
	"maildesk db migrate as maildesk_owner: it owns the tables"
out=$(roles)
ok_rc $? "the roles script after the migration"

may_not worker "create a table" "CREATE TABLE evil (x int)"
may_not web "create a table" "CREATE TABLE evil (x int)"
may_not cli "create a table" "CREATE TABLE evil (x int)"
may_not worker "drop a table" "DROP TABLE audit_log"
may_not cli "alter a table" "ALTER TABLE issues ADD COLUMN x int"
may_not web "truncate a table" "TRUNCATE outbox"
for r in worker web cli; do
	may $r "read md_schema (the schema check)" "SELECT max(version) FROM md_schema"
	may_not $r "write md_schema" "INSERT INTO md_schema VALUES (999, 'evil', 0)"
done
may worker "write rows and use a sequence" \
	"BEGIN; INSERT INTO projects (name, created) VALUES ('roletest', 0);
	 INSERT INTO audit_log (at, actor, action) VALUES (0, 'w', 'test'); ROLLBACK"
may_not worker "read users (password hashes)" "SELECT * FROM users"
may_not worker "read password hashes" "SELECT password FROM users"
may worker "read who the responders are (notifications)" \
	"SELECT name, role, email, notify, signature FROM users"
may_not worker "read sessions" "SELECT * FROM sessions"
may_not worker "read login_failures" "SELECT * FROM login_failures"
may web "read users" "SELECT count(*) FROM users"
may web "write sessions" "BEGIN; DELETE FROM sessions; ROLLBACK"
may cli "read users" "SELECT count(*) FROM users"

# A later migration's table: the default privileges cover it.
may owner "create a table (a later migration)" \
	"CREATE TABLE later_t (id bigserial PRIMARY KEY, v text)"
is "$(as web "INSERT INTO later_t (v) VALUES ('x') RETURNING id")" 1 \
	"web may write the later table and its sequence"
may_not worker "create an index on it" "CREATE INDEX ON later_t (v)"
may owner "drop it" "DROP TABLE later_t"

# --- end to end: the CLI and the worker as their roles ------------------------------
if [ ! -x "$top_builddir/worker/maildesk-worker" ] || [ ! -x "$top_builddir/cli/maildesk" ]; then
	skip "the programs are not built" 5
	done_testing
	exit 0
fi
md_start_redis
md_start_sink
# cli_database / worker_database do the same once those programs call
# md_config_use_role; the shared key works for both already.
md_write_config database="$(conninfo cli)"
out=$(md_cli project add acme 2>&1)
ok_rc $? "maildesk project add as maildesk_cli" || diag "$out"
md_put_record acme 1 subject "Filed by the worker role"
md_write_config database="$(conninfo worker)"
md_start_worker
md_wait_issues acme 1
ok_rc $? "the worker as maildesk_worker filed the record"
md_wait_sink 1 20
ok_rc $? "... and sent the confirmation"
md_write_config database="$(conninfo cli)"
like "$(md_cli issue list acme 2>&1)" "acme#1 .*Filed by the worker role" \
	"maildesk issue list as maildesk_cli"
unlike "$(cat "$T/worker.log")" "permission denied" "no permission error in the worker's log"
done_testing
