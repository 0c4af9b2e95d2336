/*
 * notify_keys.c - the responders' answer addresses: two 128-bit keys per
 * (responder, issue), kept in responder_keys and in the milter's view.
 *
 * The keys share the view namespace of the subscribers' reply keys,
 * <p>rkey:<key> (a HASH project, iid, email), so the milter accepts mail
 * to support+r-<key>@ without knowing the difference and files it as a
 * "reply" record.  The hash also says "responder" (the user) and "mode"
 * (public or internal) for admins reading it with redis-cli; the worker
 * trusts only PostgreSQL.  Ordering (view.h): keys go into the view before
 * the commit that makes them valid, and leave it after the commit that
 * ends them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keygen.h"
#include "lua.h"
#include "notify_keys.h"
#include "redis.h"
#include "view.h"

#define REBUILD_CHUNK	500	/* rows per page of the rebuild */

/* md_view_groups_eval fills the head of both scripts' ARGV the same way. */
#if MD_LUA_RESPONDER_KEYS_NKEYS != MD_LUA_VIEW_KEYS_NKEYS || \
    MD_LUA_RESPONDER_KEYS_ARG_PREFIX != MD_LUA_VIEW_KEYS_ARG_PREFIX || \
    MD_LUA_RESPONDER_KEYS_ARG_PUT != MD_LUA_VIEW_KEYS_ARG_PUT || \
    MD_LUA_RESPONDER_KEYS_ARG_GROUPS != MD_LUA_VIEW_KEYS_ARG_GROUPS
#error "responder_keys.lua and view_keys.lua must start ARGV alike"
#endif

/* One key for the view. */
struct vkey {
	const char	*key;
	const char	*project;
	long		 iid;
	const char	*email;
	const char	*user;
	int		 internal;
};

/* key, project, iid, email, responder, mode (responder_keys.lua). */
static int
vkey_fill(const void *items, size_t i, const char **slot, char *num, size_t numlen,
    char *err, size_t errlen)
{
	const struct vkey *v = (const struct vkey *)items + i;

	if (!md_key_valid(v->key)) {
		snprintf(err, errlen, "invalid responder key");
		return -1;
	}
	snprintf(num, numlen, "%ld", v->iid);
	slot[0] = v->key;
	slot[1] = v->project != NULL ? v->project : "";
	slot[2] = num;
	slot[3] = v->email != NULL ? v->email : "";
	slot[4] = v->user != NULL ? v->user : "";
	slot[5] = v->internal ? "internal" : "public";
	return 0;
}

static int
view_change(struct md_redis *r, int put, const struct vkey *k, size_t n,
    char *err, size_t errlen)
{
	return md_view_groups_eval(r, &md_lua_responder_keys, put, 6, k, n, vkey_fill,
	    err, errlen);
}

int
md_rkey_lookup(struct md_store *st, const char *key, struct md_rkey *out,
    char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (!md_key_valid(key))
		return 0;
	md_sqlp_init(&p);
	md_sqlp_str(&p, key);
	res = md_db_query(st->db, "SELECT i.id, i.project, i.iid, k.username, "
	    "(k.comment_key = $1)::int FROM responder_keys k "
	    "JOIN issues i ON i.id = k.issue_id "
	    "WHERE k.reply_key = $1 OR k.comment_key = $1", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		out->issue_id = (long)md_db_ll(res, 0, 0);
		snprintf(out->project, sizeof out->project, "%s", md_db_val(res, 0, 1));
		out->iid = (long)md_db_ll(res, 0, 2);
		snprintf(out->username, sizeof out->username, "%s", md_db_val(res, 0, 3));
		out->internal = md_db_ll(res, 0, 4) != 0;
		rc = 1;
	}
	PQclear(res);
	return rc;
}

int
md_rkey_get(struct md_store *st, long issue_id, const char *project, long iid,
    const char *user, const char *email, char *reply, char *comment, char *err,
    size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	struct vkey v[2];
	int found;

	md_sqlp_init(&p);
	md_sqlp_long(&p, issue_id);
	md_sqlp_str(&p, user);
	res = md_db_query(st->db, "SELECT reply_key, comment_key FROM responder_keys "
	    "WHERE issue_id = $1 AND username = $2", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if ((found = PQntuples(res) == 1)) {
		snprintf(reply, MD_KEY_LEN + 1, "%s", md_db_val(res, 0, 0));
		snprintf(comment, MD_KEY_LEN + 1, "%s", md_db_val(res, 0, 1));
	}
	PQclear(res);
	if (found)
		return 0;
	if (md_keygen(reply, MD_KEY_LEN + 1) < 0 || md_keygen(comment, MD_KEY_LEN + 1) < 0) {
		snprintf(err, errlen, "cannot generate responder keys");
		return -1;
	}
	/* Valid in the view before the commit that makes them valid. */
	v[0] = (struct vkey){ reply, project, iid, email, user, 0 };
	v[1] = (struct vkey){ comment, project, iid, email, user, 1 };
	if (view_change(st->redis, 1, v, 2, err, errlen) < 0)
		return -1;
	md_sqlp_init(&p);
	md_sqlp_long(&p, issue_id);
	md_sqlp_str(&p, user);
	md_sqlp_str(&p, reply);
	md_sqlp_str(&p, comment);
	md_sqlp_long(&p, (long long)time(NULL));
	/* The caller holds the issue's row lock: nobody makes them meanwhile. */
	found = md_db_exec(st->db, "INSERT INTO responder_keys (issue_id, username, "
	    "reply_key, comment_key, created) VALUES ($1, $2, $3, $4, $5)", &p, err, errlen);
	md_sqlp_free(&p);
	return found;
}

/* The keys of the rows of res (key columns 0 and 1; project, iid, email,
 * user 2..5) into the view, or out of it. */
static int
view_rows(struct md_store *st, int put, PGresult *res, long *n, char *err,
    size_t errlen)
{
	struct vkey *v;
	int row, rows = PQntuples(res), rc;

	if (rows == 0)
		return 0;
	if ((v = calloc(2 * (size_t)rows, sizeof *v)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (row = 0; row < rows; row++) {
		struct vkey k = {
			.project = md_db_val(res, row, 2),
			.iid = (long)md_db_ll(res, row, 3),
			.email = md_db_val(res, row, 4),
			.user = md_db_val(res, row, 5),
		};

		v[2 * row] = v[2 * row + 1] = k;
		v[2 * row].key = md_db_val(res, row, 0);
		v[2 * row + 1].key = md_db_val(res, row, 1);
		v[2 * row + 1].internal = 1;
	}
	rc = view_change(st->redis, put, v, 2 * (size_t)rows, err, errlen);
	if (rc == 0 && n != NULL)
		*n += 2L * rows;
	free(v);
	return rc;
}

/* Where md_rkey_view_rebuild's pages go. */
struct rebuild {
	struct md_store	*st;
	long		*n;
};

static int
rebuild_page(void *ctx, PGresult *res, char *err, size_t errlen)
{
	const struct rebuild *to = ctx;

	return view_rows(to->st, 1, res, to->n, err, errlen);
}

int
md_rkey_view_rebuild(struct md_store *st, long *n, char *err, size_t errlen)
{
	struct rebuild to = { st, n };

	*n = 0;
	return md_db_keyset_pages(st->db, "SELECT k.reply_key, k.comment_key, i.project, "
	    "i.iid, u.email, k.username FROM responder_keys k "
	    "JOIN issues i ON i.id = k.issue_id JOIN users u ON u.name = k.username "
	    "WHERE k.reply_key COLLATE \"C\" > $1 "
	    "ORDER BY k.reply_key COLLATE \"C\" LIMIT $2", REBUILD_CHUNK, rebuild_page, &to,
	    err, errlen);
}

int
md_rkey_view_del_rows(struct md_store *st, PGresult *res, char *err, size_t errlen)
{
	return view_rows(st, 0, res, NULL, err, errlen);
}
