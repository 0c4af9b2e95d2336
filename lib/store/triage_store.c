/*
 * triage_store.c - triage rules in PostgreSQL, and applying them to a new
 * issue while the worker files it (triage_store.h).
 *
 * Filing costs one indexed SELECT when the project has no rule that
 * matches, and one more statement (labels and notes together) when one
 * does; the matching itself is lib/store/triage.c, in C, so a slow pattern
 * never holds a database lock longer than its bounded run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "db.h"
#include "notify.h"
#include "store.h"
#include "tracker.h"
#include "tracker_assign.h"
#include "tracker_change.h"
#include "tracker_int.h"
#include "triage_store.h"
#include "users.h"
#include "validate.h"

#define RULE_COLS \
	"id, position, field, match, pattern, array_to_string(labels, ','), " \
	"coalesce(assign, ''), coalesce(priority, '')"

/* Serialises the changes of one project's rules (not its filing). */
#define LOCK_SQL "SELECT pg_advisory_xact_lock(hashtext('maildesk triage ' || $1))"

void
md_triage_rules_free(struct md_triage_rule *rules, size_t n)
{
	size_t i;

	for (i = 0; rules != NULL && i < n; i++) {
		free(rules[i].pattern);
		free(rules[i].labels);
		free(rules[i].assign);
		free(rules[i].priority);
	}
	free(rules);
}

/* The rules of a result of RULE_COLS; 0 or -1 (ENOMEM). */
static int
rules_from(const PGresult *res, struct md_triage_rule **out, size_t *n)
{
	struct md_triage_rule *v;
	int i, rows = PQntuples(res);

	*out = NULL;
	*n = 0;
	if (rows == 0)
		return 0;
	if ((v = calloc((size_t)rows, sizeof *v)) == NULL)
		return -1;
	for (i = 0; i < rows; i++) {
		v[i].id = (long)md_db_ll(res, i, 0);
		v[i].position = (int)md_db_ll(res, i, 1);
		v[i].field = (enum md_triage_field)md_triage_field_parse(md_db_val(res, i, 2));
		v[i].match = (enum md_triage_match)md_triage_match_parse(md_db_val(res, i, 3));
		if ((v[i].pattern = md_db_dup(res, i, 4)) == NULL ||
		    (v[i].labels = md_db_dup(res, i, 5)) == NULL ||
		    (v[i].assign = md_db_dup(res, i, 6)) == NULL ||
		    (v[i].priority = md_db_dup(res, i, 7)) == NULL) {
			md_triage_rules_free(v, (size_t)i + 1);
			return -1;
		}
	}
	*out = v;
	*n = (size_t)rows;
	return 0;
}

/* Loads the rules; with check_project, MD_TRK_NOTFOUND for no project. */
static int
load(struct md_store *st, const char *project, int check_project,
    struct md_triage_rule **rules, size_t *n, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int rc = 0;

	*rules = NULL;
	*n = 0;
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	res = md_db_query(st->db, check_project ?
	    "SELECT " RULE_COLS " FROM projects pr LEFT JOIN triage_rules t "
	    "ON t.project = pr.name WHERE pr.name = $1 ORDER BY t.position" :
	    "SELECT " RULE_COLS " FROM triage_rules WHERE project = $1 ORDER BY position",
	    &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (check_project && PQntuples(res) == 0) {
		snprintf(err, errlen, "no such project: %.80s", project);
		rc = MD_TRK_NOTFOUND;
	} else if (check_project && PQgetisnull(res, 0, 0)) {
		rc = 0;			/* the project, without rules */
	} else if (rules_from(res, rules, n) < 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	PQclear(res);
	return rc;
}

int
md_triage_list(struct md_store *st, const char *project,
    struct md_triage_rule **rules, size_t *n, char *err, size_t errlen)
{
	return load(st, project, 1, rules, n, err, errlen);
}

/* Opens the transaction of a change with the project's lock taken and
 * the project checked: the number of rules it has, or MD_TRK_NOTFOUND or
 * -1 (nothing open then). */
static int
begin_change(struct md_store *st, const char *project, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int rc = 0;

	if (md_db_begin(st->db, err, errlen) < 0)
		return -1;
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	if (md_db_exec(st->db, LOCK_SQL, &p, err, errlen) < 0 ||
	    (res = md_db_query(st->db, "SELECT (SELECT count(*) FROM triage_rules "
	    "WHERE project = $1) FROM projects WHERE name = $1", &p, err, errlen)) == NULL)
		rc = -1;
	else {
		if (PQntuples(res) == 0) {
			snprintf(err, errlen, "no such project: %.80s", project);
			rc = MD_TRK_NOTFOUND;
		} else
			rc = (int)md_db_ll(res, 0, 0);	/* the number of rules */
		PQclear(res);
	}
	md_sqlp_free(&p);
	if (rc < 0)
		md_db_rollback(st->db);
	return rc;
}

/* Commits when rc == 0, else rolls back; returns rc (or -1). */
static int
end_change(struct md_store *st, int rc, char *err, size_t errlen)
{
	if (rc == 0 && md_db_commit(st->db, err, errlen) < 0)
		return -1;
	if (rc != 0)
		md_db_rollback(st->db);
	return rc;
}

/* Why the rule cannot be stored, or NULL; the labels as an array
 * literal into labels. */
static const char *
rule_problem(struct md_store *st, const char *project,
    const struct md_triage_rule *r, md_buf *labels, char *buf, size_t buflen)
{
	char v[MD_TRIAGE_LABELS_MAX][MD_LABEL_MAX + 1];
	const char *why, *pv[MD_TRIAGE_LABELS_MAX];
	struct md_user u;
	int nlabels, found, i;

	if ((unsigned)r->field >= MD_TRIAGE_NFIELDS)
		return "field must be recipient, sender, subject or body";
	if (md_triage_match_name(r->match) == NULL)
		return "match must be substring or regex";
	if ((why = md_triage_pattern_problem(r->match, r->pattern, buf, buflen)) != NULL)
		return why;
	if ((nlabels = md_triage_labels_split(r->labels, v, MD_TRIAGE_LABELS_MAX,
	    &why)) < 0)
		return why;
	for (i = 0; i < nlabels; i++)
		pv[i] = v[i];
	if (md_trk_array(labels, pv, (size_t)nlabels) < 0)
		return "out of memory";
	if (r->priority != NULL && *r->priority != '\0' && !md_priority_valid(r->priority))
		return "priority must be low, normal, high or urgent";
	if (r->assign != NULL && *r->assign != '\0') {
		/* Who may own the project's issues: a member, or a site admin. */
		found = md_user_name_valid(r->assign) ? md_user_get(st, r->assign, &u) : 0;
		if (found > 0) {
			found = md_access_issue(st, &u, project, buf, buflen);
			found = found == 0 ? 1 : found == MD_TRK_NOTFOUND ? 0 : -1;
		}
		if (found < 0)
			return "database unavailable";
		if (found == 0) {
			snprintf(buf, buflen, "no such member of %.80s: %.64s", project, r->assign);
			return buf;
		}
	}
	if (nlabels == 0 && (r->assign == NULL || *r->assign == '\0') &&
	    (r->priority == NULL || *r->priority == '\0'))
		return "a rule needs an action: labels, assign or priority";
	return NULL;
}

int
md_triage_add(struct md_store *st, const char *project,
    const struct md_triage_rule *r, long *id, char *err, size_t errlen)
{
	md_buf labels = MD_BUF_INIT;
	const char *why;
	struct md_sqlp p;
	PGresult *res;
	int rc, count;

	if ((why = rule_problem(st, project, r, &labels, err, errlen)) != NULL) {
		if (why != err)
			snprintf(err, errlen, "%s", why);
		md_buf_free(&labels);
		return MD_TRIAGE_REFUSED;
	}
	if ((count = begin_change(st, project, err, errlen)) < 0) {
		md_buf_free(&labels);
		return count;
	}
	if (count >= MD_TRIAGE_RULES_MAX) {
		snprintf(err, errlen, "a project has at most %d triage rules",
		    MD_TRIAGE_RULES_MAX);
		md_buf_free(&labels);
		return end_change(st, MD_TRIAGE_REFUSED, err, errlen);
	}
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_long(&p, count + 1);
	md_sqlp_str(&p, md_triage_field_name(r->field));
	md_sqlp_str(&p, md_triage_match_name(r->match));
	md_sqlp_str(&p, r->pattern);
	md_sqlp_str(&p, md_buf_str(&labels));
	md_sqlp_str(&p, r->assign != NULL && *r->assign != '\0' ? r->assign : NULL);
	md_sqlp_str(&p, r->priority != NULL && *r->priority != '\0' ? r->priority : NULL);
	md_sqlp_long(&p, (long long)time(NULL));
	res = md_db_query(st->db, "INSERT INTO triage_rules (project, position, field, "
	    "match, pattern, labels, assign, priority, created) VALUES ($1, $2, $3, $4, "
	    "$5, $6::text[], $7, $8, $9) RETURNING id", &p, err, errlen);
	md_sqlp_free(&p);
	md_buf_free(&labels);
	rc = res != NULL ? 0 : -1;
	if (res != NULL && id != NULL)
		*id = (long)md_db_ll(res, 0, 0);
	PQclear(res);
	return end_change(st, rc, err, errlen);
}

/* The position of rule id of the project (locked by the change), 0 when
 * there is none, -1. */
static int
position_of(struct md_store *st, const char *project, long id, char *err,
    size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int pos;

	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_long(&p, id);
	res = md_db_query(st->db, "SELECT position FROM triage_rules "
	    "WHERE project = $1 AND id = $2", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	pos = PQntuples(res) > 0 ? (int)md_db_ll(res, 0, 0) : 0;
	PQclear(res);
	if (pos == 0)
		snprintf(err, errlen, "no such triage rule: %.80s %ld", project, id);
	return pos;
}

/* Moves the rules of project from position lo to hi by delta (+1/-1), and
 * rule id (when > 0) to position to. */
static int
shift(struct md_store *st, const char *project, int lo, int hi, int delta,
    long id, int to, char *err, size_t errlen)
{
	struct md_sqlp p;
	int rc;

	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_long(&p, lo);
	md_sqlp_long(&p, hi);
	md_sqlp_long(&p, delta);
	md_sqlp_long(&p, id);
	md_sqlp_long(&p, to);
	/* One statement: the unique position is checked at its end. */
	rc = md_db_exec(st->db, "UPDATE triage_rules SET position = CASE WHEN id = $5 "
	    "THEN $6::int ELSE position + $4::int END WHERE project = $1 AND "
	    "(id = $5 OR (position BETWEEN $2 AND $3 AND id <> $5))", &p, err, errlen);
	md_sqlp_free(&p);
	return rc;
}

int
md_triage_delete(struct md_store *st, const char *project, long id,
    char *err, size_t errlen)
{
	struct md_sqlp p;
	int rc, count, pos;

	if ((count = begin_change(st, project, err, errlen)) < 0)
		return count;
	if ((pos = position_of(st, project, id, err, errlen)) <= 0)
		return end_change(st, pos == 0 ? MD_TRK_NOTFOUND : -1, err, errlen);
	md_sqlp_init(&p);
	md_sqlp_long(&p, id);
	rc = md_db_exec(st->db, "DELETE FROM triage_rules WHERE id = $1", &p, err, errlen);
	md_sqlp_free(&p);
	if (rc == 0)
		rc = shift(st, project, pos + 1, count, -1, 0, 0, err, errlen);
	return end_change(st, rc, err, errlen);
}

int
md_triage_move(struct md_store *st, const char *project, long id,
    int position, char *err, size_t errlen)
{
	int rc, count, pos;

	if ((count = begin_change(st, project, err, errlen)) < 0)
		return count;
	if ((pos = position_of(st, project, id, err, errlen)) <= 0)
		return end_change(st, pos == 0 ? MD_TRK_NOTFOUND : -1, err, errlen);
	if (position < 1)
		position = 1;
	if (position > count)
		position = count;
	if (position < pos)
		rc = shift(st, project, position, pos - 1, 1, id, position, err, errlen);
	else if (position > pos)
		rc = shift(st, project, pos + 1, position, -1, id, position, err, errlen);
	else
		rc = 0;
	return end_change(st, rc, err, errlen);
}

/*
 * The labels and their notes, one statement: a label the issue already
 * has (the spam mark) is neither added twice nor noted.
 */
#define FILE_SQL \
	"WITH o AS (SELECT labels FROM issues WHERE id = $1), " \
	"u AS (UPDATE issues SET labels = ARRAY(SELECT l FROM (SELECT DISTINCT l FROM " \
	"unnest(labels || $2::text[]) AS l) d ORDER BY l COLLATE \"C\") WHERE id = $1) " \
	"INSERT INTO notes (issue_id, project, author, kind, text, created) " \
	"SELECT $1, $3, 'Support Bot', 'system', s.txt, $6::bigint " \
	"FROM o, unnest($4::text[], $5::text[]) WITH ORDINALITY AS s(txt, label, n) " \
	"WHERE s.label = '' OR NOT s.label = ANY (o.labels) ORDER BY s.n"

/*
 * The assignee and the priority, through the functions every assignment
 * and priority change goes through (tracker_assign.c: the system note, the
 * "assigned to you" notification), by "Support Bot (triage rule N)".  An
 * assignee who is no longer a member is not assigned, and a note says so:
 * a rule gone stale must not stop requests from being filed.  notify 0:
 * nobody is told of the assignment (automated mail or spam, which notify
 * nobody; doc/conversation.md).  0 or -1.
 */
static int
apply_other(struct md_store *st, const struct md_trk_issue *b,
    const struct md_triage_action *a, int notify, char *err, size_t errlen)
{
	char author[64], text[256];
	int rc;

	snprintf(author, sizeof author, "Support Bot (triage rule %d)", a->rule->position);
	if (a->kind == MD_TRIAGE_PRIORITY)
		return md_trk_set_priority(st, b, a->value, author, NULL, err, errlen);
	if ((rc = md_trk_assign(st, b, a->value, author, notify, NULL, err,
	    errlen)) != MD_TRK_NOTFOUND)
		return rc;
	snprintf(text, sizeof text, "not assigned to %s, who is no longer a member of %s",
	    a->value, b->project);
	return md_trk_change_note(st, b, author, text, err, errlen);
}

int
md_triage_file(struct md_store *st, const char *project, long iid, long issue_id,
    const struct md_record *rec, const char *sender, long now, char *err,
    size_t errlen)
{
	struct md_triage_facts facts = { .field = {
		[MD_TRIAGE_RECIPIENT] = md_record_get(rec, MD_F_RCPT),
		[MD_TRIAGE_SENDER] = sender,
		[MD_TRIAGE_SUBJECT] = md_record_get(rec, MD_F_SUBJECT),
		[MD_TRIAGE_BODY] = md_record_get(rec, MD_F_TEXT),
	} };
	const struct md_triage_facts *f = &facts;
	struct md_triage_rule *rules;
	struct md_triage_action *acts = NULL;
	const char **texts = NULL, **nlab = NULL, **labels = NULL;
	char (*notes)[MD_TRIAGE_PATTERN_MAX + 256] = NULL;
	md_buf at = MD_BUF_INIT, an = MD_BUF_INIT, al = MD_BUF_INIT;
	size_t n, nacts = 0, i, k = 0, nl = 0;
	struct md_trk_issue b;
	struct md_sqlp p;
	int rc = -1, loaded = 0;

	if (load(st, project, 0, &rules, &n, err, errlen) < 0)
		return -1;
	if (n == 0)
		return 0;
	if (md_triage_decide(rules, n, f, &acts, &nacts) < 0)
		goto oom;
	if (nacts == 0) {
		rc = 0;
		goto out;
	}
	/* Per note: its text and its label ("" for the other kinds). */
	if ((texts = calloc(nacts, sizeof *texts)) == NULL ||
	    (nlab = calloc(nacts, sizeof *nlab)) == NULL ||
	    (labels = calloc(nacts, sizeof *labels)) == NULL ||
	    (notes = calloc(nacts, sizeof *notes)) == NULL)
		goto oom;
	for (i = 0; i < nacts; i++) {
		if (acts[i].kind != MD_TRIAGE_LABEL)
			continue;	/* after the labels, below */
		labels[nl++] = nlab[k] = acts[i].value;
		md_triage_note(&acts[i], notes[k], sizeof notes[k]);
		texts[k] = notes[k];
		k++;
	}
	if (md_trk_array(&at, texts, k) < 0 || md_trk_array(&an, nlab, k) < 0 ||
	    md_trk_array(&al, labels, nl) < 0)
		goto oom;
	md_sqlp_init(&p);
	md_sqlp_long(&p, issue_id);
	md_sqlp_str(&p, md_buf_str(&al));
	md_sqlp_str(&p, project);
	md_sqlp_str(&p, md_buf_str(&at));
	md_sqlp_str(&p, md_buf_str(&an));
	md_sqlp_long(&p, now);
	rc = md_db_exec(st->db, FILE_SQL, &p, err, errlen);
	md_sqlp_free(&p);
	for (i = 0; i < nacts && rc == 0; i++) {
		if (acts[i].kind == MD_TRIAGE_LABEL)
			continue;
		if (!loaded && (rc = md_trk_issue_load(st, project, iid, 1, &b, err,
		    errlen)) == 0)
			loaded = 1;
		if (rc == 0)
			rc = apply_other(st, &b, &acts[i], md_notify_record_ok(rec), err,
			    errlen);
	}
	if (loaded)
		md_trk_issue_free(&b);
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
	rc = -1;
out:
	md_triage_rules_free(rules, n);
	free(acts);
	free(texts);
	free(nlab);
	free(labels);
	free(notes);
	md_buf_free(&at);
	md_buf_free(&an);
	md_buf_free(&al);
	return rc;
}
