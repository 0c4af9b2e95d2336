/*
 * view_rebuild.c - md_view_rebuild (view.h): the whole view written again
 * from PostgreSQL, and what PostgreSQL no longer has removed.
 *
 * Safe while mail flows and admins work, because of the order:
 *   1. the view's current entries are read (SCAN, SMEMBERS, HKEYS);
 *   2. everything PostgreSQL has is put (only adds what is valid);
 *   3. the entries of step 1 that PostgreSQL lacks are candidates; after a
 *      grace period they are looked up again, and only those still absent
 *      are deleted.
 * An entry a writer puts into the view just before its commit (store.h's
 * ordering rule) is either not in step 1's snapshot, or committed by the
 * time of the second look: the grace period is far longer than the few
 * milliseconds between a writer's put and its commit.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "db.h"
#include "lists.h"
#include "notify.h"
#include "notify_keys.h"
#include "project_store.h"
#include "store.h"
#include "view.h"

#define GRACE_MS	1500	/* between finding a stale entry and deleting it */
#define SCAN_COUNT	"1000"
#define CHUNK		1000	/* names per PostgreSQL lookup, keys per page */

/* A growable list of malloc'd strings. */
struct strv {
	char	**v;
	size_t	  n, cap;
};

static int
strv_add(struct strv *s, const char *p)
{
	char **nv;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		if ((nv = realloc(s->v, s->cap * sizeof *nv)) == NULL)
			return -1;
		s->v = nv;
	}
	if ((s->v[s->n] = strdup(p)) == NULL)
		return -1;
	s->n++;
	return 0;
}

static void
strv_free(struct strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static int
redis_fail(struct md_redis *r, const redisReply *rep, char *err, size_t errlen)
{
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR)
		snprintf(err, errlen, "redis: %s", rep->str);
	else
		snprintf(err, errlen, "%s", md_redis_errstr(r));
	return -1;
}

/*
 * Every key matching <prefix><what>* (the prefix's glob characters
 * escaped), without <prefix><what>, into out.
 */
static int
scan(struct md_redis *r, const char *what, struct strv *out, char *err, size_t errlen)
{
	const char *prefix = md_redis_prefix(r), *p;
	size_t plen = strlen(prefix) + strlen(what), i;
	md_buf pat = MD_BUF_INIT;
	char cursor[32] = "0";
	redisReply *rep;
	int rc = 0;

	for (p = prefix; *p != '\0'; p++)
		if ((strchr("*?[]\\", *p) != NULL && md_buf_putc(&pat, '\\') < 0) ||
		    md_buf_putc(&pat, *p) < 0)
			rc = -1;
	if (rc < 0 || md_buf_puts(&pat, what) < 0 || md_buf_putc(&pat, '*') < 0) {
		md_buf_free(&pat);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	do {
		const char *argv[6] = { "SCAN", cursor, "MATCH", md_buf_str(&pat), "COUNT",
		    SCAN_COUNT };

		rep = md_redis_cmdv(r, 6, argv, NULL);
		if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
		    rep->element[0]->type != REDIS_REPLY_STRING ||
		    rep->element[1]->type != REDIS_REPLY_ARRAY) {
			rc = redis_fail(r, rep, err, errlen);
		} else {
			snprintf(cursor, sizeof cursor, "%s", rep->element[0]->str);
			for (i = 0; i < rep->element[1]->elements && rc == 0; i++) {
				const redisReply *k = rep->element[1]->element[i];

				if (k->type == REDIS_REPLY_STRING && k->len > plen &&
				    strv_add(out, k->str + plen) < 0) {
					snprintf(err, errlen, "out of memory");
					rc = -1;
				}
			}
		}
		if (rep != NULL)
			freeReplyObject(rep);
	} while (rc == 0 && strcmp(cursor, "0") != 0);
	md_buf_free(&pat);
	return rc;
}

/* The members of a set (SMEMBERS) or the fields of a hash (HKEYS). */
static int
members(struct md_redis *r, const char *cmd, const char *key, struct strv *out,
    char *err, size_t errlen)
{
	md_buf k = MD_BUF_INIT;
	redisReply *rep = NULL;
	size_t i;
	int rc = 0;

	if (md_key(r, &k, "%s", key) != NULL) {
		const char *argv[2] = { cmd, md_buf_str(&k) };

		rep = md_redis_cmdv(r, 2, argv, NULL);
	}
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY)
		rc = redis_fail(r, rep, err, errlen);
	for (i = 0; rc == 0 && i < rep->elements; i++)
		if (rep->element[i]->type == REDIS_REPLY_STRING &&
		    strv_add(out, rep->element[i]->str) < 0) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	if (rep != NULL)
		freeReplyObject(rep);
	md_buf_free(&k);
	return rc;
}

/* Appends a PostgreSQL array literal of v[0..n) to b. */
static int
array_literal(md_buf *b, char **v, size_t n)
{
	size_t i;
	const char *p;

	md_buf_reset(b);
	if (md_buf_putc(b, '{') < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((i > 0 && md_buf_putc(b, ',') < 0) || md_buf_putc(b, '"') < 0)
			return -1;
		for (p = v[i]; *p != '\0'; p++)
			if (((*p == '"' || *p == '\\') && md_buf_putc(b, '\\') < 0) ||
			    md_buf_putc(b, *p) < 0)
				return -1;
		if (md_buf_putc(b, '"') < 0)
			return -1;
	}
	return md_buf_putc(b, '}');
}

/*
 * Keeps in s only the names PostgreSQL does not have: sql selects, from
 * unnest($1::text[]), those absent; a2 and a3 (may be NULL) are $2, $3.
 */
static int
keep_absent(struct md_store *st, const char *sql, const char *a2, const char *a3,
    struct strv *s, char *err, size_t errlen)
{
	struct strv out = { NULL, 0, 0 };
	md_buf arr = MD_BUF_INIT;
	struct md_sqlp q;
	PGresult *res;
	size_t i, n;
	int j, rc = 0;

	for (i = 0; i < s->n && rc == 0; i += n) {
		n = s->n - i < CHUNK ? s->n - i : CHUNK;
		if (array_literal(&arr, s->v + i, n) < 0) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
			break;
		}
		md_sqlp_init(&q);
		md_sqlp_str(&q, md_buf_str(&arr));
		if (a2 != NULL)
			md_sqlp_str(&q, a2);
		if (a3 != NULL)
			md_sqlp_str(&q, a3);
		res = md_db_query(st->db, sql, &q, err, errlen);
		md_sqlp_free(&q);
		if (res == NULL) {
			rc = -1;
			break;
		}
		for (j = 0; j < PQntuples(res) && rc == 0; j++)
			if (strv_add(&out, md_db_val(res, j, 0)) < 0) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
			}
		PQclear(res);
	}
	md_buf_free(&arr);
	if (rc < 0) {
		strv_free(&out);
		return -1;
	}
	strv_free(s);
	*s = out;
	return 0;
}

/* ---- what the view holds now ------------------------------------------- */

/* One list set seen in the view: its project, which list, its members. */
struct seen_list {
	char		project[MD_PROJECT_MAX + 1];
	int		which;
	struct strv	entries;
};

struct seen {
	struct strv	 projects;	/* hashes and set members */
	struct strv	 aliases;
	struct strv	 rkeys, ukeys;
	struct seen_list *lists;
	size_t		 nlists;
};

static void
seen_free(struct seen *s)
{
	size_t i;

	strv_free(&s->projects);
	strv_free(&s->aliases);
	strv_free(&s->rkeys);
	strv_free(&s->ukeys);
	for (i = 0; i < s->nlists; i++)
		strv_free(&s->lists[i].entries);
	free(s->lists);
	memset(s, 0, sizeof *s);
}

/* Sorts the names after "project:" into project hashes and list sets. */
static int
seen_project_keys(struct md_redis *r, struct strv *keys, struct seen *s, char *err,
    size_t errlen)
{
	struct seen_list *l;
	md_buf k = MD_BUF_INIT;
	size_t i;
	char *name, *colon;
	int which, rc = 0;

	if ((s->lists = calloc(keys->n + 1, sizeof *s->lists)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < keys->n && rc == 0; i++) {
		name = keys->v[i];
		if ((colon = strchr(name, ':')) == NULL) {
			if (strv_add(&s->projects, name) < 0) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
			}
			continue;
		}
		*colon = '\0';
		if ((which = md_list_parse(colon + 1)) < 0 || !md_project_name_valid(name))
			continue;	/* not ours to judge */
		l = &s->lists[s->nlists++];
		snprintf(l->project, sizeof l->project, "%s", name);
		l->which = which;
		if (md_key(r, &k, "project:%s:%s", name, colon + 1) == NULL)
			rc = -1;
		else {
			const char *key = md_buf_str(&k) + strlen(md_redis_prefix(r));

			rc = members(r, "SMEMBERS", key, &l->entries, err, errlen);
		}
	}
	md_buf_free(&k);
	return rc;
}

static int
read_view(struct md_redis *r, struct seen *s, char *err, size_t errlen)
{
	struct strv keys = { NULL, 0, 0 };
	int rc;

	rc = scan(r, "project:", &keys, err, errlen);
	if (rc == 0)
		rc = seen_project_keys(r, &keys, s, err, errlen);
	strv_free(&keys);
	if (rc == 0)
		rc = members(r, "SMEMBERS", "projects", &s->projects, err, errlen);
	if (rc == 0)
		rc = members(r, "HKEYS", "aliases", &s->aliases, err, errlen);
	if (rc == 0)
		rc = scan(r, "rkey:", &s->rkeys, err, errlen);
	if (rc == 0)
		rc = scan(r, "ukey:", &s->ukeys, err, errlen);
	return rc;
}

/* ---- what PostgreSQL has ------------------------------------------------ */

static int
put_projects(struct md_store *st, struct md_view_stats *vs, char *err, size_t errlen)
{
	struct md_project p;
	PGresult *res;
	int i, rc = 0;

	if ((res = md_db_query(st->db, "SELECT " MD_PROJECT_COLUMNS " FROM projects",
	    NULL, err, errlen)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res) && rc == 0; i++) {
		md_project_row(res, i, &p);
		if ((rc = md_view_project_put(st->redis, &p, err, errlen)) == 0)
			vs->projects++;
	}
	PQclear(res);
	if (rc < 0 || (res = md_db_query(st->db, "SELECT address, project FROM aliases",
	    NULL, err, errlen)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res) && rc == 0; i++)
		if ((rc = md_view_alias_put(st->redis, md_db_val(res, i, 0),
		    md_db_val(res, i, 1), err, errlen)) == 0)
			vs->aliases++;
	PQclear(res);
	if (rc < 0 || (res = md_db_query(st->db, "SELECT project, list, entry FROM "
	    "sender_lists", NULL, err, errlen)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res) && rc == 0; i++)
		if ((rc = md_view_list_put(st->redis, md_db_val(res, i, 0),
		    md_list_parse(md_db_val(res, i, 1)), md_db_val(res, i, 2), err,
		    errlen)) == 0)
			vs->list_entries++;
	PQclear(res);
	return rc;
}

/* Where put_keys' pages go. */
struct keys_to {
	struct md_store		*st;
	struct md_view_stats	*vs;
};

static int
put_keys_page(void *ctx, PGresult *res, char *err, size_t errlen)
{
	const struct keys_to *to = ctx;
	struct md_view_key k[CHUNK];
	int i, n = PQntuples(res), rc;

	for (i = 0; i < n; i++) {
		k[i].rkey = md_db_val(res, i, 0);
		k[i].ukey = md_db_val(res, i, 1);
		k[i].project = md_db_val(res, i, 2);
		k[i].iid = (long)md_db_ll(res, i, 3);
		k[i].email = md_db_val(res, i, 4);
	}
	rc = md_view_keys_put(to->st->redis, k, (size_t)n, err, errlen);
	to->vs->keys += 2L * n;
	return rc;
}

/* Every subscriber's pair of keys, a page at a time. */
static int
put_keys(struct md_store *st, struct md_view_stats *vs, char *err, size_t errlen)
{
	struct keys_to to = { st, vs };

	return md_db_keyset_pages(st->db, "SELECT p.reply_key, p.unsub_key, i.project, "
	    "i.iid, p.email FROM participants p JOIN issues i ON i.id = p.issue_id "
	    /* purged participants keep placeholder keys, never valid ones */
	    "WHERE p.reply_key COLLATE \"C\" > $1 AND p.reply_key ~ '^[a-z2-7]{26}$' "
	    "ORDER BY p.reply_key COLLATE \"C\" LIMIT $2", CHUNK, put_keys_page, &to,
	    err, errlen);
}

/* ---- what is stale -------------------------------------------------------- */

#define ABSENT_PROJECTS	"SELECT DISTINCT x FROM unnest($1::text[]) x " \
	"WHERE NOT EXISTS (SELECT 1 FROM projects WHERE name = x)"
#define ABSENT_ALIASES	"SELECT x FROM unnest($1::text[]) x " \
	"WHERE NOT EXISTS (SELECT 1 FROM aliases WHERE address = x)"
#define ABSENT_ENTRIES	"SELECT x FROM unnest($1::text[]) x WHERE NOT EXISTS " \
	"(SELECT 1 FROM sender_lists WHERE project = $2 AND list = $3 AND entry = x)"
#define ABSENT_RKEYS	"SELECT x FROM unnest($1::text[]) x " \
	"WHERE NOT EXISTS (SELECT 1 FROM participants WHERE reply_key = x) " \
	"AND NOT EXISTS (SELECT 1 FROM responder_keys WHERE reply_key = x " \
	"OR comment_key = x)"
#define ABSENT_UKEYS	"SELECT x FROM unnest($1::text[]) x " \
	"WHERE NOT EXISTS (SELECT 1 FROM participants WHERE unsub_key = x)"

/* Narrows every list of s to what PostgreSQL lacks. */
static int
narrow(struct md_store *st, struct seen *s, char *err, size_t errlen)
{
	size_t i;
	int rc;

	rc = keep_absent(st, ABSENT_PROJECTS, NULL, NULL, &s->projects, err, errlen);
	if (rc == 0)
		rc = keep_absent(st, ABSENT_ALIASES, NULL, NULL, &s->aliases, err, errlen);
	for (i = 0; i < s->nlists && rc == 0; i++)
		rc = keep_absent(st, ABSENT_ENTRIES, s->lists[i].project,
		    md_list_name(s->lists[i].which), &s->lists[i].entries, err, errlen);
	if (rc == 0)
		rc = keep_absent(st, ABSENT_RKEYS, NULL, NULL, &s->rkeys, err, errlen);
	if (rc == 0)
		rc = keep_absent(st, ABSENT_UKEYS, NULL, NULL, &s->ukeys, err, errlen);
	return rc;
}

/* DEL of <p><what><name> for every name, a few hundred per command. */
static int
del_keys(struct md_redis *r, const char *what, const struct strv *names, long *count,
    char *err, size_t errlen)
{
	const char *argv[1 + 200];
	md_buf kb[200];
	redisReply *rep;
	size_t i, j, n;
	int rc = 0;

	for (j = 0; j < 200; j++)
		md_buf_init(&kb[j]);
	argv[0] = "DEL";
	for (i = 0; i < names->n && rc == 0; i += n) {
		n = names->n - i < 200 ? names->n - i : 200;
		for (j = 0; j < n; j++)
			if ((argv[1 + j] = md_key(r, &kb[j], "%s%s", what,
			    names->v[i + j])) == NULL)
				rc = -1;
		if (rc < 0) {
			snprintf(err, errlen, "out of memory");
			break;
		}
		rep = md_redis_cmdv(r, (int)(1 + n), argv, NULL);
		if (rep == NULL || rep->type != REDIS_REPLY_INTEGER)
			rc = redis_fail(r, rep, err, errlen);
		else
			*count += (long)rep->integer;
		if (rep != NULL)
			freeReplyObject(rep);
	}
	for (j = 0; j < 200; j++)
		md_buf_free(&kb[j]);
	return rc;
}

static size_t
count_seen(const struct seen *s)
{
	size_t i, n = s->projects.n + s->aliases.n + s->rkeys.n + s->ukeys.n;

	for (i = 0; i < s->nlists; i++)
		n += s->lists[i].entries.n;
	return n;
}

static int
delete_stale(struct md_redis *r, const struct seen *s, long *count, char *err,
    size_t errlen)
{
	size_t i, j;
	int rc = 0;

	for (i = 0; i < s->projects.n && rc == 0; i++)
		if (md_project_name_valid(s->projects.v[i])) {
			rc = md_view_project_del(r, s->projects.v[i], err, errlen);
			(*count)++;
		}
	for (i = 0; i < s->aliases.n && rc == 0; i++) {
		rc = md_view_alias_del(r, s->aliases.v[i], err, errlen);
		(*count)++;
	}
	for (i = 0; i < s->nlists && rc == 0; i++)
		for (j = 0; j < s->lists[i].entries.n && rc == 0; j++) {
			rc = md_view_list_del(r, s->lists[i].project, s->lists[i].which,
			    s->lists[i].entries.v[j], err, errlen);
			(*count)++;
		}
	if (rc == 0)
		rc = del_keys(r, "rkey:", &s->rkeys, count, err, errlen);
	if (rc == 0)
		rc = del_keys(r, "ukey:", &s->ukeys, count, err, errlen);
	return rc;
}

int
md_view_rebuild(struct md_store *st, struct md_view_stats *out, char *err,
    size_t errlen)
{
	struct timespec grace = { GRACE_MS / 1000, (GRACE_MS % 1000) * 1000000L };
	struct seen s;
	long nrkeys, ndomains;
	int rc;

	memset(out, 0, sizeof *out);
	memset(&s, 0, sizeof s);
	rc = read_view(st->redis, &s, err, errlen);
	if (rc == 0)
		rc = put_projects(st, out, err, errlen);
	if (rc == 0)
		rc = put_keys(st, out, err, errlen);
	if (rc == 0 && (rc = md_rkey_view_rebuild(st, &nrkeys, err, errlen)) == 0)
		out->keys += nrkeys;	/* responders' answer addresses (notify.h) */
	if (rc == 0 && (rc = md_view_responder_domains_sync(st, &ndomains, err, errlen)) == 0)
		out->stale += ndomains;	/* domains no user's address has any more */
	if (rc == 0)
		rc = narrow(st, &s, err, errlen);
	if (rc == 0 && count_seen(&s) > 0) {
		nanosleep(&grace, NULL);
		rc = narrow(st, &s, err, errlen);
		if (rc == 0)
			rc = delete_stale(st->redis, &s, &out->stale, err, errlen);
	}
	seen_free(&s);
	return rc;
}
