/*
 * template_store.c - read and write per-project templates in the
 * templates table (template_store.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "template_store.h"

int
md_template_load(struct md_store *st, const char *project, enum md_template_kind k,
    md_buf *body, md_buf *subj, char *err, size_t errlen)
{
	const char *name = md_template_name(k);
	struct md_sqlp q;
	PGresult *res;
	int rc = 0;

	if (name == NULL) {
		snprintf(err, errlen, "unknown template kind");
		return -1;
	}
	md_sqlp_init(&q);
	md_sqlp_str(&q, project);
	md_sqlp_str(&q, name);
	res = md_db_query(st->db, "SELECT body, subject FROM templates "
	    "WHERE project = $1 AND kind = $2", &q, err, errlen);
	md_sqlp_free(&q);
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0 &&
	    (md_buf_puts(body, md_db_val(res, 0, 0)) < 0 ||
	    md_buf_puts(subj, md_db_val(res, 0, 1)) < 0)) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	PQclear(res);
	return rc;
}

int
md_template_store(struct md_store *st, const char *project, const char *field,
    const char *text, const char *dflt, char *err, size_t errlen)
{
	char kind[64];
	const char *column = "body", *sfx;
	struct md_sqlp q;
	size_t n = strlen(field);
	long rows;
	int k;

	sfx = n > 8 ? field + n - 8 : "";
	if (strcmp(sfx, "_subject") == 0) {
		column = "subject";
		n -= 8;
	}
	snprintf(kind, sizeof kind, "%.*s", (int)n, field);
	if (n >= sizeof kind || (k = md_template_by_name(kind)) < 0) {
		snprintf(err, errlen, "unknown template: %.64s", field);
		return -1;
	}
	if (dflt != NULL && strcmp(text, dflt) == 0)
		text = "";	/* the default: stored as none, so it follows upgrades */
	md_sqlp_init(&q);
	md_sqlp_str(&q, project);
	md_sqlp_str(&q, kind);
	md_sqlp_str(&q, text);
	if (strcmp(column, "body") == 0)
		rows = md_db_exec_count(st->db, "INSERT INTO templates (project, kind, body) "
		    "SELECT name, $2, $3 FROM projects WHERE name = $1 ON CONFLICT (project, "
		    "kind) DO UPDATE SET body = excluded.body", &q, err, errlen);
	else
		rows = md_db_exec_count(st->db, "INSERT INTO templates (project, kind, "
		    "subject) SELECT name, $2, $3 FROM projects WHERE name = $1 ON CONFLICT "
		    "(project, kind) DO UPDATE SET subject = excluded.subject", &q, err, errlen);
	md_sqlp_free(&q);
	if (rows == 0)
		snprintf(err, errlen, "no such project: %.80s", project);
	return rows == 1 ? 0 : -1;
}
