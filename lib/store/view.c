/*
 * view.c - writes the Redis view the milter reads (view.h): one Lua call
 * per change, so each change is atomic in Redis.  md_view_rebuild is in
 * view_rebuild.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lists.h"
#include "lua.h"
#include "view.h"

#define KEYS_PER_CALL	200	/* items per script call: bounded Lua stack */

static const char *const policy_names[] = { "default", "accept", "reject" };

void
md_view_error(struct md_redis *r, const redisReply *rep, char *err, size_t errlen)
{
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR && rep->str != NULL)
		snprintf(err, errlen, "redis: %s", rep->str);
	else
		snprintf(err, errlen, "%s", md_redis_errstr(r));
}

/* Runs a script whose success is any non-error reply. */
static int
eval_ok(struct md_redis *r, struct md_script *s, int nkeys, int argc,
    const char **argv, char *err, size_t errlen)
{
	redisReply *rep = md_redis_eval(r, s, nkeys, argc, argv, NULL);
	int rc = 0;

	if (md_reply_is_error(rep)) {
		md_view_error(r, rep, err, errlen);
		rc = -1;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

static void
threshold(char *out, size_t outlen, double v)
{
	if (v < 0)
		snprintf(out, outlen, "default");
	else
		snprintf(out, outlen, "%g", v);
}

int
md_view_project_put(struct md_redis *r, const struct md_project *p, char *err,
    size_t errlen)
{
	md_buf set = MD_BUF_INIT, hash = MD_BUF_INIT;
	char created[32], last[32], mark[40], reject[40];
	const char *argv[MD_LUA_ARGC(VIEW_PROJECT_PUT) + 18 + 2 * MD_OVERRIDE_NFIELDS], **f;
	const struct md_override_field *o;
	int rc = -1, pol, i;

	if (!md_project_name_valid(p->name)) {
		snprintf(err, errlen, "invalid project name");
		return -1;
	}
	snprintf(created, sizeof created, "%ld", p->created);
	snprintf(last, sizeof last, "%ld", p->last_iid);
	threshold(mark, sizeof mark, p->spam_mark);
	threshold(reject, sizeof reject, p->spam_reject);
	pol = p->automated_policy == MD_AUTO_ACCEPT ? 1 :
	    p->automated_policy == MD_AUTO_REJECT ? 2 : 0;
	argv[MD_LUA_KEY(VIEW_PROJECT_PUT, PROJECTS)] = md_key(r, &set, "projects");
	argv[MD_LUA_KEY(VIEW_PROJECT_PUT, PROJECT)] = md_key(r, &hash, "project:%s", p->name);
	argv[MD_LUA_ARG(VIEW_PROJECT_PUT, NAME)] = p->name;
	/* The tail: the settings hash's field/value pairs. */
	f = &argv[MD_LUA_ARG(VIEW_PROJECT_PUT, FIELDS)];
	f[0] = "enabled";		f[1] = p->enabled ? "1" : "0";
	f[2] = "created";		f[3] = created;
	f[4] = "last_iid";		f[5] = last;
	f[6] = "verified_senders";	f[7] = p->verified_senders ? "1" : "0";
	f[8] = "reopen_on_reply";	f[9] = p->reopen_on_reply ? "1" : "0";
	f[10] = "notify_state";		f[11] = p->notify_state ? "1" : "0";
	f[12] = "automated_policy";	f[13] = policy_names[pol];
	f[14] = "spam_mark";		f[15] = mark;
	f[16] = "spam_reject";		f[17] = reject;
	/* sender identity overrides, read by the milter at end of data */
	for (o = md_override_fields, i = 18; o->field != NULL; o++) {
		f[i++] = o->field;
		f[i++] = md_override_word(p, o);
	}
	if (md_buf_failed(&set) || md_buf_failed(&hash))
		snprintf(err, errlen, "out of memory");
	else
		rc = eval_ok(r, &md_lua_view_project_put, MD_LUA_NKEYS(VIEW_PROJECT_PUT),
		    (int)(sizeof argv / sizeof argv[0]), argv, err, errlen);
	md_buf_free(&set);
	md_buf_free(&hash);
	return rc;
}

int
md_view_project_del(struct md_redis *r, const char *name, char *err, size_t errlen)
{
	md_buf k[4] = { MD_BUF_INIT, MD_BUF_INIT, MD_BUF_INIT, MD_BUF_INIT };
	const char *argv[MD_LUA_ARGC(VIEW_PROJECT_DEL)];
	int rc = -1, i;

	if (!md_project_name_valid(name)) {
		snprintf(err, errlen, "invalid project name");
		return -1;
	}
	argv[MD_LUA_KEY(VIEW_PROJECT_DEL, PROJECTS)] = md_key(r, &k[0], "projects");
	argv[MD_LUA_KEY(VIEW_PROJECT_DEL, PROJECT)] = md_key(r, &k[1], "project:%s", name);
	argv[MD_LUA_KEY(VIEW_PROJECT_DEL, BLOCK)] = md_key(r, &k[2], "project:%s:block", name);
	argv[MD_LUA_KEY(VIEW_PROJECT_DEL, ALLOW)] = md_key(r, &k[3], "project:%s:allow", name);
	argv[MD_LUA_ARG(VIEW_PROJECT_DEL, NAME)] = name;
	if (md_buf_failed(&k[0]) || md_buf_failed(&k[1]) || md_buf_failed(&k[2]) ||
	    md_buf_failed(&k[3]))
		snprintf(err, errlen, "out of memory");
	else
		rc = eval_ok(r, &md_lua_view_project_del,
		    MD_LUA_NKEYS(VIEW_PROJECT_DEL), MD_LUA_ARGC(VIEW_PROJECT_DEL), argv, err, errlen);
	for (i = 0; i < 4; i++)
		md_buf_free(&k[i]);
	return rc;
}

/* One command whose reply is an integer (HSET, HDEL, SADD, SREM). */
static int
cmd_int(struct md_redis *r, const char *cmd, const char *key, const char *a,
    const char *b, char *err, size_t errlen)
{
	const char *argv[4] = { cmd, key, a, b };
	redisReply *rep = md_redis_cmdv(r, b != NULL ? 4 : 3, argv, NULL);
	int rc = 0;

	if (rep == NULL || rep->type != REDIS_REPLY_INTEGER) {
		md_view_error(r, rep, err, errlen);
		rc = -1;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

int
md_view_alias_put(struct md_redis *r, const char *alias, const char *project,
    char *err, size_t errlen)
{
	md_buf k = MD_BUF_INIT;
	int rc = -1;

	if (md_key(r, &k, "aliases") == NULL)
		snprintf(err, errlen, "out of memory");
	else
		rc = cmd_int(r, "HSET", md_buf_str(&k), alias, project, err, errlen);
	md_buf_free(&k);
	return rc;
}

int
md_view_alias_del(struct md_redis *r, const char *alias, char *err, size_t errlen)
{
	md_buf k = MD_BUF_INIT;
	int rc = -1;

	if (md_key(r, &k, "aliases") == NULL)
		snprintf(err, errlen, "out of memory");
	else
		rc = cmd_int(r, "HDEL", md_buf_str(&k), alias, NULL, err, errlen);
	md_buf_free(&k);
	return rc;
}

static int
list_change(struct md_redis *r, const char *cmd, const char *project, int which,
    const char *entry, char *err, size_t errlen)
{
	md_buf k = MD_BUF_INIT;
	int rc = -1;

	if (!md_project_name_valid(project) || md_list_name(which) == NULL) {
		snprintf(err, errlen, "bad project or list name");
		return -1;
	}
	if (md_key(r, &k, "project:%s:%s", project, md_list_name(which)) == NULL)
		snprintf(err, errlen, "out of memory");
	else
		rc = cmd_int(r, cmd, md_buf_str(&k), entry, NULL, err, errlen);
	md_buf_free(&k);
	return rc;
}

int
md_view_list_put(struct md_redis *r, const char *project, int which,
    const char *entry, char *err, size_t errlen)
{
	return list_change(r, "SADD", project, which, entry, err, errlen);
}

int
md_view_list_del(struct md_redis *r, const char *project, int which,
    const char *entry, char *err, size_t errlen)
{
	return list_change(r, "SREM", project, which, entry, err, errlen);
}

int
md_view_groups_eval(struct md_redis *r, struct md_script *s, int put,
    size_t width, const void *items, size_t n, md_view_group_fill *fill,
    char *err, size_t errlen)
{
	const char **argv;
	char (*num)[24];
	size_t i, j, chunk;
	int argc, rc = 0;

	if (n == 0)
		return 0;
	chunk = n < KEYS_PER_CALL ? n : KEYS_PER_CALL;
	argv = calloc(MD_LUA_ARGC(VIEW_KEYS) + width * chunk, sizeof *argv);
	num = calloc(chunk, sizeof *num);
	if (argv == NULL || num == NULL) {
		snprintf(err, errlen, "out of memory");
		free(argv);
		free(num);
		return -1;
	}
	argv[MD_LUA_ARG(VIEW_KEYS, PREFIX)] = md_redis_prefix(r);
	argv[MD_LUA_ARG(VIEW_KEYS, PUT)] = put ? "1" : "0";
	for (i = 0; i < n && rc == 0; i += chunk) {
		argc = MD_LUA_ARG(VIEW_KEYS, GROUPS);	/* the tail: width per item */
		for (j = 0; j < chunk && i + j < n && rc == 0; j++) {
			rc = fill(items, i + j, &argv[argc], num[j], sizeof num[j], err,
			    errlen);
			argc += (int)width;
		}
		if (rc == 0)
			rc = eval_ok(r, s, 0, argc, argv, err, errlen);
	}
	free(argv);
	free(num);
	return rc;
}

/* One subscriber's pair: rkey, ukey, project, iid, email (view_keys.lua). */
static int
pair_fill(const void *items, size_t i, const char **slot, char *num, size_t numlen,
    char *err, size_t errlen)
{
	const struct md_view_key *v = (const struct md_view_key *)items + i;

	if (!md_key_valid(v->rkey) || !md_key_valid(v->ukey)) {
		snprintf(err, errlen, "invalid reply or unsubscribe key");
		return -1;
	}
	snprintf(num, numlen, "%ld", v->iid);
	slot[0] = v->rkey;
	slot[1] = v->ukey;
	slot[2] = v->project != NULL ? v->project : "";
	slot[3] = num;
	slot[4] = v->email != NULL ? v->email : "";
	return 0;
}

/* Writes or deletes n pairs, KEYS_PER_CALL at a time. */
static int
keys_change(struct md_redis *r, int put, const struct md_view_key *k, size_t n,
    char *err, size_t errlen)
{
	return md_view_groups_eval(r, &md_lua_view_keys, put, 5, k, n, pair_fill, err,
	    errlen);
}

int
md_view_keys_put(struct md_redis *r, const struct md_view_key *k, size_t n,
    char *err, size_t errlen)
{
	return keys_change(r, 1, k, n, err, errlen);
}

int
md_view_keys_del(struct md_redis *r, const struct md_view_key *k, size_t n,
    char *err, size_t errlen)
{
	return keys_change(r, 0, k, n, err, errlen);
}
