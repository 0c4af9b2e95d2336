#!/bin/bash
# search_bench.sh - the issue list and search (md_tracker_list) over a
# generated project of ISSUES issues and NOTES notes in a private
# PostgreSQL cluster.
#
#   BUILD=/path/to/build tests/bench/search_bench.sh
#   DIR=/tmp/sb KEEP=1 ... (keep the cluster and its data; a second run
#   with the same DIR reuses them and starts measuring at once)
#
# One run: a cluster (tests/harness/pg-cluster) with the memory a desk's
# database server would have (shared_buffers 1GB), schema 001 (psql, plus
# the md_schema row `maildesk db migrate` writes), the data from
# search_data.sql (GIN indexes built after the load, as a restore does),
# VACUUM ANALYZE, then tests/bench/search_bench: one warm-up round and
# ROUNDS rounds of the requests below on one connection, p50/p95/p99 per
# class and over all.  Also the cost of the notes' search trigger: NNEW
# notes inserted one statement each.  Prints numbers, judges nothing; the
# machine's load average is printed with them (other work on the machine
# moves every number).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=$(cd "${BUILD:-$top/build}" && pwd)
ISSUES=${ISSUES:-100000}; NOTES=${NOTES:-1000000}; ROUNDS=${ROUNDS:-20}; NNEW=${NNEW:-2000}
make -s -C "$BUILD" tests/bench/search_bench
W=${DIR:-$(mktemp -d /tmp/mdsbench.XXXXXX)}
cleanup() {
	"$top/tests/harness/pg-cluster" stop "$W/pg" || true
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
log() { echo "[$(date +%T)] $*" >&2; }

fresh=0
[ -d "$W/pg/data" ] || fresh=1
C=$("$top/tests/harness/pg-cluster" start "$W/pg")
if [ $fresh = 1 ]; then
	cat >>"$W/pg/data/postgresql.conf" <<-CONF
	shared_buffers = 1GB
	work_mem = 32MB
	maintenance_work_mem = 512MB
	max_wal_size = 4GB
	CONF
	"$top/tests/harness/pg-cluster" stop "$W/pg"
	"$top/tests/harness/pg-cluster" restart "$W/pg"
fi
q() { psql "$C" -X -q -v ON_ERROR_STOP=1 "$@"; }

if [ "$(q -Atc "SELECT to_regclass('md_schema') IS NOT NULL")" != t ]; then
	log "schema"
	q -c "CREATE TABLE md_schema (version integer PRIMARY KEY, name text NOT NULL,
		applied bigint NOT NULL)"
	for m in "$top"/db/migrations/[0-9]*.sql; do
		name=$(basename "$m" .sql)
		q -1 -f "$m" -c "INSERT INTO md_schema VALUES (${name%%_*}, '$name', 0)"
	done
fi
if [ "$(q -Atc "SELECT count(*) FROM projects WHERE name = 'bench'")" = 0 ]; then
	# GIN indexes are built once after the load, not row by row.
	gin=$(q -Atc "SELECT string_agg(pg_get_indexdef(i.indexrelid), '; ')
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin'")
	drop=$(q -Atc "SELECT string_agg('DROP INDEX ' || c.relname, '; ')
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin'")
	q -c "$drop"
	log "generating $ISSUES issues, $NOTES notes"
	t0=$SECONDS
	q -v issues="$ISSUES" -v notes="$NOTES" -f "$here/search_data.sql" >/dev/null
	log "indexes"
	q -c "$gin"
	q -c "VACUUM ANALYZE"
	log "data ready in $((SECONDS - t0)) s"
fi
q -c "SELECT (SELECT count(*) FROM issues) AS issues, (SELECT count(*) FROM notes) AS notes,
	pg_size_pretty(pg_database_size(current_database())) AS database,
	pg_size_pretty(pg_total_relation_size('issue_notes_search')) AS notes_documents,
	pg_size_pretty(pg_relation_size('issue_notes_search_gin')) AS their_gin,
	pg_size_pretty(pg_relation_size('issues_search')) AS issues_gin"

# Made-up words of the vocabulary's tail, as search_data.sql makes them.
tailword() { printf %s "$1" | md5sum | cut -c1-7 | tr 0-9 aeioulnrst; }
ord() { printf 'ord%06d' $(( ($1 * 104729) % 1000000 )); }
{
	printf 'list\t\t\t\t\t0\t0\n'
	printf 'list\t\topened\t\t\t0\t1\n'
	printf 'list\t\t\tbug\t\t0\t0\n'
	printf 'list\t\t\t\tcustomer4711@example.org\t0\t0\n'
	printf 'list\t\tclosed\t\t\t2000\t0\n'
	for i in 17 4242 31337 77777 99991; do printf 'rare\t%s\n' "$(ord $i)"; done
	printf 'rare\terr0100\nrare\tcust1234\nrare\terr0777 or err0778\n'
	for i in 5 123 4567 15000 19999; do printf 'tail\t%s\n' "$(tailword $i)"; done
	printf 'tail\t%s %s\n' "$(tailword 77)" "$(tailword 78)"
	for w in 'printer jam' 'refund card' 'password reset' 'invoice vat' \
	    'wifi connection slow' 'order missing package' 'login locked account'; do
		printf 'words\t%s\n' "$w"
	done
	for w in printer refund invoice password login; do printf 'common\t%s\n' "$w"; done
	printf 'phrase\t"password reset"\nphrase\t"paper jam"\n'
	printf 'filtered\tinvoice\topened\tbilling\nfiltered\tprinter\tclosed\tbug\n'
	printf 'filtered\trefund\t\t\tcustomer42@example.org\n'
	printf 'deep\tprinter jam\t\t\t\t3000\n'
} >"$W/queries"

log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD/tests/bench/search_bench" "$C" "$ROUNDS" <"$W/queries"
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# What the notes' search trigger costs a writer: single-row inserts, rolled
# back so the data stays as generated.
ins="DO \$\$ BEGIN FOR k IN 1..$NNEW LOOP
	INSERT INTO notes (issue_id, project, author, kind, text, created)
	SELECT id, 'bench', 'Dan', 'public', 'Please try the new driver version ' || k ||
	    ' and restart the printer; the paper tray may need a reset', 1
	FROM issues WHERE project = 'bench' AND iid = 1 + (k * 7919) % $ISSUES;
	END LOOP; END \$\$"
t0=$(date +%s.%N)
q -c "BEGIN" -c "$ins" -c "ROLLBACK"
t1=$(date +%s.%N)
q -c "BEGIN" -c "ALTER TABLE notes DISABLE TRIGGER notes_search_add" -c "$ins" -c "ROLLBACK"
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$NNEW" 'BEGIN {
	printf "note insert: %.3f ms with the search trigger, %.3f ms without\n",
	    (b - a) * 1000 / n, (c - b) * 1000 / n }'
