/*
 * tracker_lock.c - the row locks of one inbox read, taken first and in one
 * order: projects by name, then issues by id.
 *
 * A new request takes its project's next number (UPDATE projects, kept to
 * the commit); a reply locks its issue (FOR UPDATE, md_trk_issue_load)
 * and, when the issue is closed and its project does not reopen on
 * replies, then takes the project's number for the follow-up issue.  A
 * read files its records in the order they arrived, so two workers could
 * take one issue and one project in opposite order (worker A: a reply to
 * acme#7, then a new request for acme; worker B: a new request for acme,
 * then a reply to acme#7) and wait for each other until PostgreSQL's
 * deadlock detector (deadlock_timeout, 1 s) fails one record, which is
 * filed again when it is claimed later.  Unsubscribes and bounce reports
 * (a participant's or a bounced row, then the note on the issue) against
 * replies (the issue, then the participant's row) made more such cycles.
 *
 * So before its first record a read locks every project whose number its
 * records may take and then every issue they may write to, each kind in a
 * fixed order; the records then find their locks held.  Projects come
 * first as in the other writers that take both (removing a member locks
 * the project, then unassigns its issues).  Which issues: those of the
 * records' reply, unsubscribe and responder keys, of their In-Reply-To and
 * References and of their subject tags (a few more than the records will
 * write to is harmless: only writers of those issues wait).
 * doc/reliability.md, "Lock order", has every path's locks.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"
#include "tracker_int.h"

/*
 * The issues a read's records point at.  $1 keys; $2, $3 per threading
 * record: its project and its Message-IDs (an array literal); $4, $5
 * subject tags: project and iid.
 */
#define TARGETS_SQL \
	"SELECT issue_id FROM participants " \
	"WHERE reply_key = ANY ($1::text[]) OR unsub_key = ANY ($1::text[]) " \
	"UNION SELECT issue_id FROM responder_keys " \
	"WHERE reply_key = ANY ($1::text[]) OR comment_key = ANY ($1::text[]) " \
	"UNION SELECT t.issue_id FROM unnest($2::text[], $3::text[]) AS r(project, ids) " \
	"CROSS JOIN LATERAL unnest(r.ids::text[]) AS m(id) " \
	"JOIN threads t ON t.message_id = m.id " \
	"JOIN issues x ON x.id = t.issue_id AND x.project = r.project " \
	"UNION SELECT x.id FROM unnest($4::text[], $5::bigint[]) AS g(project, iid) " \
	"JOIN issues x ON x.project = g.project AND x.iid = g.iid"

/* $6: the new requests' projects; and those where a reply to a closed
 * issue becomes a new request (no reopen_on_reply). */
#define LOCK_PROJECTS_SQL \
	"SELECT 1 FROM projects WHERE name = ANY ($6::text[]) OR name IN (" \
	"SELECT x.project FROM issues x JOIN projects pr ON pr.name = x.project " \
	"WHERE x.id IN (" TARGETS_SQL ") AND x.state = 'closed' AND NOT pr.reopen_on_reply) " \
	"ORDER BY name FOR NO KEY UPDATE"

#define LOCK_ISSUES_SQL \
	"SELECT 1 FROM issues WHERE id IN (" TARGETS_SQL ") ORDER BY id FOR UPDATE"

/* What a read's records point at. */
struct targets {
	const char	**keys;		/* reply, unsubscribe, responder keys */
	const char	**tproject;	/* threading records: project ... */
	char		**tids;		/* ... and Message-IDs (array literal) */
	const char	**gproject;	/* subject tags: project ... */
	char		**giid;		/* ... and iid */
	const char	**projects;	/* of new requests, distinct */
	size_t		 nkeys, nthread, ntag, nprojects;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
targets_free(struct targets *t)
{
	size_t i;

	for (i = 0; i < t->nthread; i++)
		free(t->tids[i]);
	for (i = 0; i < t->ntag; i++)
		free(t->giid[i]);
	free(t->keys);
	free(t->tproject);
	free(t->tids);
	free(t->gproject);
	free(t->giid);
	free(t->projects);
}

/* One record's references into t. */
static int
collect_one(struct targets *t, const struct md_record *rec, md_buf *ids)
{
	const char *kind = md_record_get(rec, MD_F_KIND);
	const char *project = md_record_get(rec, MD_F_PROJECT);
	const char *key = md_record_get(rec, MD_F_KEY);
	char iid[24];
	long tag;

	if (strcmp(kind, "new") != 0) {
		if (md_key_valid(key))
			t->keys[t->nkeys++] = key;
		return 0;
	}
	if (!md_project_name_valid(project))
		return 0;
	t->projects[t->nprojects++] = project;
	if (!md_trk_may_thread(rec))
		return 0;
	md_buf_reset(ids);
	if (md_trk_thread_ids(rec, ids) < 0 ||
	    (t->tids[t->nthread] = strdup(md_buf_str(ids))) == NULL)
		return -1;
	t->tproject[t->nthread++] = project;
	if ((tag = md_trk_subject_tag(rec)) > 0) {
		snprintf(iid, sizeof iid, "%ld", tag);
		if ((t->giid[t->ntag] = strdup(iid)) == NULL)
			return -1;
		t->gproject[t->ntag++] = project;
	}
	return 0;
}

/* The records' references into t, the projects sorted and distinct. */
static int
collect(struct targets *t, const struct md_ingest_item *items, size_t n)
{
	md_buf ids = MD_BUF_INIT;
	size_t i, u = 0;
	int rc = 0;

	if ((t->keys = calloc(n, sizeof *t->keys)) == NULL ||
	    (t->tproject = calloc(n, sizeof *t->tproject)) == NULL ||
	    (t->tids = calloc(n, sizeof *t->tids)) == NULL ||
	    (t->gproject = calloc(n, sizeof *t->gproject)) == NULL ||
	    (t->giid = calloc(n, sizeof *t->giid)) == NULL ||
	    (t->projects = calloc(n, sizeof *t->projects)) == NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++)
		rc = collect_one(t, items[i].rec, &ids);
	md_buf_free(&ids);
	qsort(t->projects, t->nprojects, sizeof *t->projects, cmp_str);
	for (i = 0; i < t->nprojects; i++)
		if (u == 0 || strcmp(t->projects[u - 1], t->projects[i]) != 0)
			t->projects[u++] = t->projects[i];
	t->nprojects = u;
	return rc;
}

/* Binds the array of n strings v as the next parameter (a copy). */
static int
bind_array(struct md_sqlp *p, const char *const *v, size_t n)
{
	md_buf lit = MD_BUF_INIT;
	int rc = md_trk_array(&lit, v, n);

	if (rc == 0)
		md_sqlp_strn(p, lit.data, lit.len);
	md_buf_free(&lit);
	return rc;
}

/* Runs one of the two locking statements: $1..$5 the targets, $6 the
 * projects when with_projects. */
static int
lock(struct md_store *st, const struct targets *t, const char *sql,
    int with_projects, char *err, size_t errlen)
{
	struct md_sqlp p;
	int rc;

	md_sqlp_init(&p);
	if (bind_array(&p, t->keys, t->nkeys) < 0 ||
	    bind_array(&p, t->tproject, t->nthread) < 0 ||
	    bind_array(&p, (const char *const *)t->tids, t->nthread) < 0 ||
	    bind_array(&p, t->gproject, t->ntag) < 0 ||
	    bind_array(&p, (const char *const *)t->giid, t->ntag) < 0 ||
	    (with_projects && bind_array(&p, t->projects, t->nprojects) < 0)) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	} else {
		rc = md_db_exec(st->db, sql, &p, err, errlen);
	}
	md_sqlp_free(&p);
	return rc;
}

int
md_trk_lock_batch(struct md_store *st, const struct md_ingest_item *items, size_t n,
    char *err, size_t errlen)
{
	struct targets t;
	int refs, rc = 0;

	memset(&t, 0, sizeof t);
	if (collect(&t, items, n) < 0) {
		snprintf(err, errlen, "out of memory");
		targets_free(&t);
		return -1;
	}
	/*
	 * A read of new requests for one project needs no statement: its
	 * first claim takes the one lock, before any other.  With issues to
	 * lock, a reply may still become a new request (of its issue's
	 * project), so the projects are asked for first.
	 */
	refs = t.nkeys > 0 || t.nthread > 0;
	if (refs || t.nprojects >= 2)
		rc = lock(st, &t, LOCK_PROJECTS_SQL, 1, err, errlen);
	if (rc == 0 && refs)
		rc = lock(st, &t, LOCK_ISSUES_SQL, 0, err, errlen);
	targets_free(&t);
	return rc;
}
