/*
 * canned_store.c - canned replies in PostgreSQL, and filling one in for an
 * issue (canned_store.h).
 *
 * A reply is rendered with md_template_render, the function that renders
 * every mail, so a placeholder means in a canned reply exactly what it
 * means in a template, and the set of names cannot drift apart.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "canned_store.h"
#include "db.h"
#include "json.h"
#include "store.h"
#include "template.h"
#include "tracker.h"
#include "tracker_int.h"
#include "validate.h"

int
md_canned_name_valid(const char *name)
{
	size_t n, i;

	if (name == NULL || (n = strlen(name)) == 0 || n > MD_CANNED_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '.' || c == '_' || c == '-'))))
			return 0;
	}
	return 1;
}

void
md_canned_free(struct md_canned *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i].text);
	free(v);
}

int
md_canned_list(struct md_store *st, const char *project,
    struct md_canned **v, size_t *n, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int rows, i, rc = 0;

	*v = NULL;
	*n = 0;
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	res = md_db_query(st->db, "SELECT c.name, c.text FROM projects pr "
	    "LEFT JOIN canned_replies c ON c.project = pr.name WHERE pr.name = $1 "
	    "ORDER BY c.name COLLATE \"C\"", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if ((rows = PQntuples(res)) == 0) {
		snprintf(err, errlen, "no such project: %.80s", project);
		rc = MD_TRK_NOTFOUND;
	} else if (!PQgetisnull(res, 0, 0)) {
		if ((*v = calloc((size_t)rows, sizeof **v)) == NULL)
			rc = -1;
		for (i = 0; rc == 0 && i < rows; i++) {
			snprintf((*v)[i].name, sizeof (*v)[i].name, "%s", md_db_val(res, i, 0));
			if (((*v)[i].text = md_db_dup(res, i, 1)) == NULL)
				rc = -1;
			*n = (size_t)i + 1;
		}
		if (rc < 0) {
			snprintf(err, errlen, "out of memory");
			md_canned_free(*v, *n);
			*v = NULL;
			*n = 0;
		}
	}
	PQclear(res);
	return rc;
}

/* Why text cannot be a canned reply, or NULL (buf may receive the answer). */
static const char *
text_problem(const char *text, char *buf, size_t buflen)
{
	md_buf unknown = MD_BUF_INIT;
	const char *why;
	size_t len = strlen(text);
	int n;

	if (len > MD_CANNED_TEXT_MAX)
		return "a canned reply is at most 64 KiB";
	if ((why = md_note_text_problem(text, len)) != NULL)
		return why;
	if (strstr(text, "%{NOTE_TEXT}") != NULL)
		return "%{NOTE_TEXT} has no meaning in a canned reply: it is the note";
	if ((n = md_template_unknown(text, &unknown)) != 0) {
		snprintf(buf, buflen, n < 0 ? "out of memory" :
		    "unknown placeholder(s): %.200s", md_buf_str(&unknown));
		why = buf;
	}
	md_buf_free(&unknown);
	return why;
}

int
md_canned_set(struct md_store *st, const char *project, const char *name,
    const char *text, char *err, size_t errlen)
{
	const char *why;
	struct md_sqlp p;
	PGresult *res;
	long rows;
	int rc;

	if (!md_canned_name_valid(name)) {
		snprintf(err, errlen, "a canned reply's name is 1-64 characters: a-z, 0-9, "
		    "and . _ - after the first");
		return MD_CANNED_REFUSED;
	}
	if (text == NULL)
		text = "";
	if (*text != '\0' && (why = text_problem(text, err, errlen)) != NULL) {
		if (why != err)
			snprintf(err, errlen, "%s", why);
		return MD_CANNED_REFUSED;
	}
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_str(&p, name);
	if (*text == '\0') {
		rows = md_db_exec_count(st->db, "DELETE FROM canned_replies "
		    "WHERE project = $1 AND name = $2", &p, err, errlen);
		md_sqlp_free(&p);
		if (rows == 0)
			snprintf(err, errlen, "no such canned reply: %.80s %s", project, name);
		return rows > 0 ? 0 : rows == 0 ? MD_TRK_NOTFOUND : -1;
	}
	md_sqlp_str(&p, text);
	md_sqlp_long(&p, (long long)time(NULL));
	res = md_db_query(st->db, "INSERT INTO canned_replies (project, name, text, updated) "
	    "SELECT name, $2, $3, $4 FROM projects WHERE name = $1 "
	    "ON CONFLICT (project, name) DO UPDATE SET text = excluded.text, "
	    "updated = excluded.updated RETURNING 1", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	rc = PQntuples(res) > 0 ? 0 : MD_TRK_NOTFOUND;
	if (rc != 0)
		snprintf(err, errlen, "no such project: %.80s", project);
	PQclear(res);
	return rc;
}

int
md_canned_render(struct md_store *st, const struct md_config *cfg,
    const char *project, long iid, const char *name, md_buf *out,
    char *err, size_t errlen)
{
	char url[1024], unsub[1024];
	md_buf subject = MD_BUF_INIT;
	struct md_sqlp p;
	struct md_tctx t;
	PGresult *res;
	int rc = 0;

	/* The issue and the reply in one query: which one is missing. */
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_long(&p, iid);
	md_sqlp_str(&p, name);
	res = md_db_query(st->db, "SELECT i.title, i.description, "
	    "coalesce(pa.unsub_key, ''), c.text IS NOT NULL, c.text FROM issues i "
	    "LEFT JOIN participants pa ON pa.issue_id = i.id AND pa.email = i.customer_email "
	    "LEFT JOIN canned_replies c ON c.project = i.project AND c.name = $3 "
	    "WHERE i.project = $1 AND i.iid = $2", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0 || strcmp(md_db_val(res, 0, 3), "t") != 0) {
		if (PQntuples(res) == 0)
			snprintf(err, errlen, "no such issue %.80s#%ld", project, iid);
		else
			snprintf(err, errlen, "no such canned reply: %.80s %.64s", project, name);
		PQclear(res);
		return MD_TRK_NOTFOUND;
	}
	/* The same links as the mails' (tracker_render.c). */
	md_trk_web_url(cfg, url, sizeof url, "/%s/issues/%ld", project, iid);
	md_trk_web_url(cfg, unsub, sizeof unsub, "/unsubscribe/%s", md_db_val(res, 0, 2));
	memset(&t, 0, sizeof t);
	t.project = project;
	t.iid = iid;
	t.issue_url = url;
	t.description = md_db_val(res, 0, 1);
	t.unsubscribe_url = *md_db_val(res, 0, 2) != '\0' ? unsub : "";
	t.subject = md_db_val(res, 0, 0);
	/* The subject is rendered too (a non-empty template, so the built-in
	 * one is not) and dropped: only the body is the reply. */
	if (md_template_render(MD_TPL_NEW_NOTE, "-", md_db_val(res, 0, 4), &t,
	    &subject, out) < 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	md_buf_free(&subject);
	PQclear(res);
	return rc;
}
