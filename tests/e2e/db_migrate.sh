#!/bin/bash
# db_migrate.sh - the schema migrations (db/migrations, compiled into the
# programs) against a real, empty PostgreSQL: `maildesk db migrate` applies
# every migration once, a second run changes nothing, two at once do not
# collide, the result is what the SQL files say; and every program started
# on a database without the schema, or with a newer one, refuses with a
# message that tells the admin what to do.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"

MD_PG_MIGRATE=no	# md_write_config leaves the database empty
md_start_redis
md_write_config

migrations=("$top_srcdir"/db/migrations/[0-9]*.sql)
last=$(basename "${migrations[-1]}" .sql)
newest=$((10#${last%%_*}))
note "${#migrations[@]} migrations, newest $last"

worker_bin=$top_builddir/worker/maildesk-worker
web_bin=$top_builddir/web/maildesk-web

# refuses NAME WANT CMD...: CMD must exit non-zero within 20 s (not run
# on) and say WANT (an ERE) on stdout or stderr.
refuses() {
	local name=$1 want=$2 rc out
	shift 2
	timeout 20 "$@" </dev/null >"$T/refuse.out" 2>&1
	rc=$?
	out=$(cat "$T/refuse.out")
	if [ $rc = 124 ]; then
		not_ok "$name: refuses to start (it ran on for 20 s)"
	else
		isnt "$rc" 0 "$name: refuses to start (exit $rc)"
	fi
	like "$out" "$want" "$name: says why"
	unlike "$out" "dbname=|user=postgres" "$name: the conninfo is not shown"
}

# --- an empty database ----------------------------------------------------------------
is "$(md_psql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0 \
	"the database starts empty"
refuses "maildesk project list (empty database)" "maildesk db migrate" \
	"$top_builddir/cli/maildesk" -c "$MD_CONF" project list
refuses "maildesk-worker (empty database)" "maildesk db migrate" "$worker_bin" -f -c "$MD_CONF"
if [ -x "$web_bin" ]; then
	refuses "maildesk-web (empty database)" "maildesk db migrate" \
		"$web_bin" -f -c "$MD_CONF" -l "127.0.0.1:$(md_free_port)"
else
	skip "maildesk-web is not built" 3
fi

# --- migrate ------------------------------------------------------------------------------
out=$(md_cli db migrate 2>&1)
is "$?" 0 "maildesk db migrate on the empty database exits 0"
note "first migrate: $out"
is "$(md_psql 'SELECT max(version) FROM md_schema')" "$newest" "the schema is at version $newest"
want=""
for f in "${migrations[@]}"; do
	b=$(basename "$f" .sql)
	want="$want$((10#${b%%_*})) $b
"
done
is "$(md_psql "SELECT version || ' ' || name FROM md_schema ORDER BY version")" "${want%
}" "one md_schema row per migration file, with its name"
# Every table a migration creates exists.
tables=$(sed -n 's/^CREATE TABLE \(IF NOT EXISTS \)\{0,1\}\([a-z_]*\).*/\2/p' "${migrations[@]}" | sort -u)
have=$(md_psql "SELECT tablename FROM pg_tables WHERE schemaname = 'public'" | sort)
missing=$(comm -23 <(printf '%s\n' "$tables") <(printf '%s\n' "$have"))
is "$missing" "" "every table of the migrations exists ($(printf '%s\n' "$tables" | wc -l) tables)"
md_psql "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'" | sort >"$T/indexes"
want_idx=$(sed -n 's/^CREATE \(UNIQUE \)\{0,1\}INDEX \([a-z_]*\).*/\2/p' "${migrations[@]}" | sort -u)
is "$(comm -23 <(printf '%s\n' "$want_idx") "$T/indexes")" "" "every index of the migrations exists"
md_psql "SELECT version || ' ' || applied FROM md_schema ORDER BY version" >"$T/applied1"
# schema_of CONNINFO: the schema as SQL, without comments, pg_dump's random
# \restrict keys and runs of blank lines.
schema_of() {
	pg_dump -s -x -O "$1" | grep -Ev '^--|^\\(un)?restrict ' | cat -s
}
schema_of "$PG_CONNINFO" >"$T/schema1.sql"

# --- a second migrate is a no-op ---------------------------------------------------------------
out=$(md_cli db migrate 2>&1)
is "$?" 0 "a second maildesk db migrate exits 0"
note "second migrate: $out"
md_psql "SELECT version || ' ' || applied FROM md_schema ORDER BY version" >"$T/applied2"
ok_run "the second migrate applied nothing (md_schema unchanged)" cmp -s "$T/applied1" "$T/applied2"
schema_of "$PG_CONNINFO" >"$T/schema2.sql"
ok_run "the second migrate changed no table, index or function" cmp -s "$T/schema1.sql" "$T/schema2.sql"

# --- the compiled-in migrations are the files ---------------------------------------------------
# A second database gets the files applied with psql, one transaction each;
# its schema must be the one `maildesk db migrate` made.
md_psql 'CREATE DATABASE from_files'
md_psql 'CREATE DATABASE twice'
files_ci=${PG_CONNINFO/dbname=maildesk/dbname=from_files}
for f in "${migrations[@]}"; do
	{ echo "BEGIN;"; cat "$f"; echo "COMMIT;"; } |
		psql "$files_ci" -X -q -v ON_ERROR_STOP=1 >/dev/null 2>"$T/psql.err" ||
		{ diag "$(basename "$f"): $(cat "$T/psql.err")"; break; }
done
schema_of "$files_ci" >"$T/schema_files.sql"
# md_schema is the migrator's own table, not part of a migration.
sed '/md_schema/,/^$/d' "$T/schema1.sql" | cat -s >"$T/schema1.nomd"
sed '/md_schema/,/^$/d' "$T/schema_files.sql" | cat -s >"$T/schema_files.nomd"
if cmp -s "$T/schema1.nomd" "$T/schema_files.nomd"; then
	ok "the schema from maildesk db migrate is the one the SQL files make"
else
	not_ok "the schema from maildesk db migrate is the one the SQL files make"
	diag "$(diff "$T/schema_files.nomd" "$T/schema1.nomd" | head -n 30)"
fi

# --- two migrators at once ----------------------------------------------------------------------
sed "s|^database = .*|database = ${PG_CONNINFO/dbname=maildesk/dbname=twice}|" "$MD_CONF" >"$T/twice.conf"
"$top_builddir/cli/maildesk" -c "$T/twice.conf" db migrate >"$T/m1.out" 2>&1 &
p1=$!
"$top_builddir/cli/maildesk" -c "$T/twice.conf" db migrate >"$T/m2.out" 2>&1 &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
is "$r1/$r2" 0/0 "two maildesk db migrate at once both succeed"
[ "$r1/$r2" = 0/0 ] || diag "$(cat "$T/m1.out" "$T/m2.out")"
is "$(psql "${PG_CONNINFO/dbname=maildesk/dbname=twice}" -X -At -c "SELECT count(*) || ' ' || max(version) FROM md_schema")" \
	"${#migrations[@]} $newest" "and the migrations ran once"

# --- the programs start on the migrated database ---------------------------------------------------
out=$(md_cli project add acme 2>&1)
is "$?" 0 "maildesk works on the migrated database"
md_start_worker
ok "maildesk-worker starts on the migrated database"
md_stop_worker

# --- a newer schema than the programs know ----------------------------------------------------------
md_psql "INSERT INTO md_schema (version, name, applied) VALUES (999, '999_from_the_future', 0)"
refuses "maildesk project list (newer schema)" "newer|upgrade" \
	"$top_builddir/cli/maildesk" -c "$MD_CONF" project list
like "$(cat "$T/refuse.out")" "999" "the message names the database's version"
refuses "maildesk-worker (newer schema)" "newer|upgrade" "$worker_bin" -f -c "$MD_CONF"
if [ -x "$web_bin" ]; then
	refuses "maildesk-web (newer schema)" "newer|upgrade" \
		"$web_bin" -f -c "$MD_CONF" -l "127.0.0.1:$(md_free_port)"
else
	skip "maildesk-web is not built" 3
fi
md_cli db migrate >"$T/m.out" 2>&1
rc=$?
is "$(md_psql 'SELECT max(version) FROM md_schema')" 999 \
	"maildesk db migrate never downgrades (exit $rc: $(head -c 200 "$T/m.out"))"

# --- an older schema (a migration missing) -----------------------------------------------------------
if [ "$newest" -gt 1 ]; then
	md_psql "DELETE FROM md_schema WHERE version >= $newest"
	refuses "maildesk-worker (older schema)" "maildesk db migrate" "$worker_bin" -f -c "$MD_CONF"
else
	skip "only one migration: no older schema to start on" 3
fi
done_testing
