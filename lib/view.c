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
#include "view.h"

/* KEYS: projects set, project hash.  ARGV: name, then field/value pairs. */
static struct md_script project_put_script = { .source =
	"redis.call('HSET', KEYS[2], unpack(ARGV, 2))\n"
	"redis.call('SADD', KEYS[1], ARGV[1])\n"
	"return 1\n",
	.sha = "" };

/* KEYS: projects set, project hash, block set, allow set.  ARGV: name. */
static struct md_script project_del_script = { .source =
	"redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])\n"
	"redis.call('SREM', KEYS[1], ARGV[1])\n"
	"return 1\n",
	.sha = "" };

/*
 * No KEYS (the key names are built here from the prefix in ARGV[1], as
 * the set of keys is not known in advance; single-instance Redis).
 * ARGV: prefix, put (1/0), then groups of rkey, ukey, project, iid, email.
 */
static struct md_script keys_script = { .source =
	"local p = ARGV[1]\n"
	"for i = 3, #ARGV - 4, 5 do\n"
	"  local r, u = p .. 'rkey:' .. ARGV[i], p .. 'ukey:' .. ARGV[i + 1]\n"
	"  if ARGV[2] == '1' then\n"
	"    redis.call('HSET', r, 'project', ARGV[i + 2], 'iid', ARGV[i + 3],\n"
	"      'email', ARGV[i + 4])\n"
	"    redis.call('HSET', u, 'project', ARGV[i + 2], 'iid', ARGV[i + 3],\n"
	"      'email', ARGV[i + 4])\n"
	"  else\n"
	"    redis.call('DEL', r, u)\n"
	"  end\n"
	"end\n"
	"return 1\n",
	.sha = "" };

#define KEYS_PER_CALL	200	/* pairs per script call: bounded Lua stack */

static const char *const policy_names[] = { "default", "accept", "reject" };

/*
 * Why a command failed: md_redis_errstr names the server already; an error
 * reply gets "redis: " in front.
 */
static void
view_error(struct md_redis *r, const redisReply *rep, char *err, size_t errlen)
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
		view_error(r, rep, err, errlen);
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
	const char *argv[21];
	int rc = -1, pol;

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
	argv[0] = md_key(r, &set, "projects");
	argv[1] = md_key(r, &hash, "project:%s", p->name);
	argv[2] = p->name;
	argv[3] = "enabled";		argv[4] = p->enabled ? "1" : "0";
	argv[5] = "created";		argv[6] = created;
	argv[7] = "last_iid";		argv[8] = last;
	argv[9] = "verified_senders";	argv[10] = p->verified_senders ? "1" : "0";
	argv[11] = "reopen_on_reply";	argv[12] = p->reopen_on_reply ? "1" : "0";
	argv[13] = "notify_state";	argv[14] = p->notify_state ? "1" : "0";
	argv[15] = "automated_policy";	argv[16] = policy_names[pol];
	argv[17] = "spam_mark";		argv[18] = mark;
	argv[19] = "spam_reject";	argv[20] = reject;
	if (argv[0] == NULL || argv[1] == NULL)
		snprintf(err, errlen, "out of memory");
	else
		rc = eval_ok(r, &project_put_script, 2, 21, argv, err, errlen);
	md_buf_free(&set);
	md_buf_free(&hash);
	return rc;
}

int
md_view_project_del(struct md_redis *r, const char *name, char *err, size_t errlen)
{
	md_buf k[4] = { MD_BUF_INIT, MD_BUF_INIT, MD_BUF_INIT, MD_BUF_INIT };
	const char *argv[5];
	int rc = -1, i;

	if (!md_project_name_valid(name)) {
		snprintf(err, errlen, "invalid project name");
		return -1;
	}
	argv[0] = md_key(r, &k[0], "projects");
	argv[1] = md_key(r, &k[1], "project:%s", name);
	argv[2] = md_key(r, &k[2], "project:%s:block", name);
	argv[3] = md_key(r, &k[3], "project:%s:allow", name);
	argv[4] = name;
	if (argv[0] == NULL || argv[1] == NULL || argv[2] == NULL || argv[3] == NULL)
		snprintf(err, errlen, "out of memory");
	else
		rc = eval_ok(r, &project_del_script, 4, 5, argv, err, errlen);
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
		view_error(r, rep, err, errlen);
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

/* Writes or deletes n pairs, KEYS_PER_CALL at a time. */
static int
keys_change(struct md_redis *r, int put, const struct md_view_key *k, size_t n,
    char *err, size_t errlen)
{
	const char **argv;
	char (*iid)[24];
	size_t i, j, chunk;
	int argc, rc = 0;

	if (n == 0)
		return 0;
	chunk = n < KEYS_PER_CALL ? n : KEYS_PER_CALL;
	argv = calloc(2 + 5 * chunk, sizeof *argv);
	iid = calloc(chunk, sizeof *iid);
	if (argv == NULL || iid == NULL) {
		snprintf(err, errlen, "out of memory");
		free(argv);
		free(iid);
		return -1;
	}
	argv[0] = md_redis_prefix(r);
	argv[1] = put ? "1" : "0";
	for (i = 0; i < n && rc == 0; i += chunk) {
		argc = 2;
		for (j = 0; j < chunk && i + j < n; j++) {
			const struct md_view_key *v = &k[i + j];

			if (!md_key_valid(v->rkey) || !md_key_valid(v->ukey)) {
				snprintf(err, errlen, "invalid reply or unsubscribe key");
				rc = -1;
				break;
			}
			snprintf(iid[j], sizeof iid[j], "%ld", v->iid);
			argv[argc++] = v->rkey;
			argv[argc++] = v->ukey;
			argv[argc++] = v->project != NULL ? v->project : "";
			argv[argc++] = iid[j];
			argv[argc++] = v->email != NULL ? v->email : "";
		}
		if (rc == 0)
			rc = eval_ok(r, &keys_script, 0, argc, argv, err, errlen);
	}
	free(argv);
	free(iid);
	return rc;
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
