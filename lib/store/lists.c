/*
 * lists.c - block/allow lists per project (semantics in lists.h): the
 * writers keep the sender_lists table and the view in step; the milter's
 * check reads the view.
 *
 * Ordering (store.h): what lets mail in goes into the view before the
 * commit and leaves it after; for block entries that is the other way
 * round, as a block shuts mail out: a block entry goes into the view
 * after its commit and leaves it before the commit that removes it.  A
 * crash in between errs on the side of delivering the mail.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "lists.h"
#include "lua.h"
#include "store.h"
#include "view.h"

#define MAX_LABELS	32	/* parent domains tried per lookup */

const char *
md_list_name(int which)
{
	return which == MD_LIST_BLOCK ? "block" : which == MD_LIST_ALLOW ? "allow" : NULL;
}

int
md_list_parse(const char *name)
{
	if (name != NULL && strcmp(name, "block") == 0)
		return MD_LIST_BLOCK;
	if (name != NULL && strcmp(name, "allow") == 0)
		return MD_LIST_ALLOW;
	return -1;
}

int
md_list_entry(const char *in, char *out, size_t outlen)
{
	size_t len, i, o = 0;
	const char *at;

	if (in == NULL || outlen == 0)
		return -1;
	len = strlen(in);
	if (len >= 2 && in[0] == '<' && in[len - 1] == '>') {
		in++;
		len -= 2;
	}
	if (len == 0 || len > MD_LIST_ENTRY_MAX || len + 2 > outlen)
		return -1;
	at = memchr(in, '@', len);
	if (at == NULL)
		out[o++] = '@';		/* a bare domain */
	else if (memchr(at + 1, '@', len - (size_t)(at + 1 - in)) != NULL ||
	    at + 1 == in + len)
		return -1;		/* two '@' or nothing after it */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c <= 0x20 || c == 0x7f)
			return -1;
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[o] = '\0';
	return 0;
}

static int
project_ok(const char *p)
{
	size_t i;

	if (p == NULL || *p == '\0' || strlen(p) > 64)
		return 0;
	for (i = 0; p[i] != '\0'; i++)
		if ((unsigned char)p[i] <= 0x20 || p[i] == 0x7f || p[i] == ':')
			return 0;
	return 1;
}

/*
 * The statement in its own transaction, with the view changed before
 * (view_first) or after the commit.  Returns the rows the statement
 * changed (0 or 1) or -1.
 */
static int
change(struct md_store *st, int add, const char *project, int which,
    const char *entry, char *err, size_t errlen)
{
	char norm[MD_LIST_ENTRY_MAX + 2];
	int allow = which == MD_LIST_ALLOW;
	int view_first = add ? allow : !allow;	/* what lets mail in: first */
	struct md_sqlp q, qp;
	PGresult *res;
	long n;
	int rc = -1;

	if (!project_ok(project) || md_list_name(which) == NULL) {
		snprintf(err, errlen, "bad project or list name");
		return -1;
	}
	if (md_list_entry(entry, norm, sizeof norm) < 0) {
		snprintf(err, errlen, "not an address or @domain: %.80s", entry ? entry : "");
		return -1;
	}
	md_sqlp_init(&qp);
	md_sqlp_str(&qp, project);
	md_sqlp_init(&q);
	md_sqlp_str(&q, project);
	md_sqlp_str(&q, md_list_name(which));
	md_sqlp_str(&q, norm);
	if (md_db_begin(st->db, err, errlen) < 0)
		goto out;
	if ((res = md_db_query(st->db, "SELECT 1 FROM projects WHERE name = $1 FOR SHARE",
	    &qp, err, errlen)) == NULL)
		goto fail;
	n = PQntuples(res);
	PQclear(res);
	if (n == 0) {
		snprintf(err, errlen, "no such project: %s", project);
		goto fail;
	}
	n = md_db_exec_count(st->db, add ? "INSERT INTO sender_lists (project, list, entry) "
	    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING" : "DELETE FROM sender_lists "
	    "WHERE project = $1 AND list = $2 AND entry = $3", &q, err, errlen);
	if (n < 0)
		goto fail;
	/* The view changes even when the table did not: it may have lost it. */
	if (view_first && (add ? md_view_list_put : md_view_list_del)(st->redis,
	    project, which, norm, err, errlen) < 0)
		goto fail;
	if (md_db_commit(st->db, err, errlen) < 0)
		goto out;
	if (!view_first && (add ? md_view_list_put : md_view_list_del)(st->redis,
	    project, which, norm, err, errlen) < 0) {
		size_t len = strlen(err);

		snprintf(err + len, errlen - len, " (the change is saved: run `maildesk "
		    "view rebuild` once Redis is back)");
		goto out;
	}
	rc = n > 0 ? 1 : 0;
	goto out;
fail:
	md_db_rollback(st->db);
out:
	md_sqlp_free(&q);
	md_sqlp_free(&qp);
	return rc;
}

int
md_lists_add(struct md_store *st, const char *project, int which,
    const char *entry, char *err, size_t errlen)
{
	return change(st, 1, project, which, entry, err, errlen);
}

int
md_lists_del(struct md_store *st, const char *project, int which,
    const char *entry, char *err, size_t errlen)
{
	return change(st, 0, project, which, entry, err, errlen);
}

int
md_lists_get(struct md_store *st, const char *project, int which,
    char ***entries, size_t *n, char *err, size_t errlen)
{
	struct md_sqlp q;
	PGresult *res;

	*entries = NULL;
	*n = 0;
	if (!project_ok(project) || md_list_name(which) == NULL) {
		snprintf(err, errlen, "bad project or list name");
		return -1;
	}
	md_sqlp_init(&q);
	md_sqlp_str(&q, project);
	md_sqlp_str(&q, md_list_name(which));
	res = md_db_query(st->db, "SELECT entry FROM sender_lists WHERE project = $1 "
	    "AND list = $2", &q, err, errlen);
	md_sqlp_free(&q);
	if (res == NULL)
		return -1;
	return md_db_strings(res, 0, entries, n, err, errlen);
}

int
md_lists_args(struct md_redis *r, const char *project, const char *addr,
    struct md_lists_args *a)
{
	memset(a, 0, sizeof *a);
	snprintf(a->maxlabels, sizeof a->maxlabels, "%d", MAX_LABELS);
	if (addr == NULL || *addr == '\0' || strcmp(addr, "<>") == 0)
		return 0;
	if (!project_ok(project) || md_list_entry(addr, a->addr, sizeof a->addr) < 0 ||
	    a->addr[0] == '@') {
		a->addr[0] = '\0';
		return 0;	/* not an address: nothing can match */
	}
	if (md_key(r, &a->block, "project:%s:block", project) == NULL ||
	    md_key(r, &a->allow, "project:%s:allow", project) == NULL)
		return -1;
	return 1;
}

void
md_lists_args_free(struct md_lists_args *a)
{
	md_buf_free(&a->block);
	md_buf_free(&a->allow);
}

int
md_lists_check(struct md_redis *r, const char *project, const char *addr)
{
	struct md_lists_args a;
	const char *argv[MD_LUA_ARGC(LISTS_CHECK)];
	redisReply *rep = NULL;
	int rc;

	if ((rc = md_lists_args(r, project, addr, &a)) <= 0)
		goto out;	/* MD_LIST_NONE or -1 */
	argv[MD_LUA_KEY(LISTS_CHECK, BLOCK)] = md_buf_str(&a.block);
	argv[MD_LUA_KEY(LISTS_CHECK, ALLOW)] = md_buf_str(&a.allow);
	argv[MD_LUA_ARG(LISTS_CHECK, ADDR)] = a.addr;
	argv[MD_LUA_ARG(LISTS_CHECK, MAXLABELS)] = a.maxlabels;
	rep = md_redis_eval(r, &md_lua_lists_check, MD_LUA_NKEYS(LISTS_CHECK),
	    MD_LUA_ARGC(LISTS_CHECK), argv, NULL);
	rc = rep != NULL && rep->type == REDIS_REPLY_INTEGER ? (int)rep->integer : -1;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	md_lists_args_free(&a);
	return rc;
}
