/*
 * projects.c - projects, aliases and issue keys in Redis (see projects.h
 * and doc/redis-schema.md for the key layout).
 *
 * Management calls (CLI, web) run their check-and-write steps as small Lua
 * scripts so that two admins racing on the same name or alias cannot both
 * win.  The RCPT-time lookups are single HGETs; the alias table is kept in
 * memory (md_alias_cache) so ordinary mail costs no round trip.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "projects.h"

/* KEYS: projects set, project hash.  ARGV: name, created. */
static struct md_script add_script = { .source =
	"if redis.call('EXISTS', KEYS[2]) == 1 or\n"
	"   redis.call('SADD', KEYS[1], ARGV[1]) == 0 then\n"
	"  return {err='EXISTS'}\n"
	"end\n"
	"redis.call('HSET', KEYS[2], 'enabled', '1', 'created', ARGV[2],\n"
	"  'last_iid', '0', 'verified_senders', '0', 'reopen_on_reply', '1',\n"
	"  'notify_state', '1', 'automated_policy', 'default',\n"
	"  'spam_mark', 'default', 'spam_reject', 'default')\n"
	"return 1\n",
	.sha = "" };

/* KEYS: project hash.  ARGV: field, value.  Only touches existing projects. */
static struct md_script set_script = { .source =
	"if redis.call('EXISTS', KEYS[1]) == 0 then return {err='NOPROJECT'} end\n"
	"redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
	"return 1\n",
	.sha = "" };

/*
 * KEYS: aliases hash, project hash.  ARGV: alias (canonical: lower case),
 * project.  Addresses are compared without regard to case, so that one
 * written in another case is the same alias (and an old entry stored in
 * mixed case is rewritten in lower case).  The table is small: a scan.
 */
static struct md_script alias_add_script = { .source =
	"if redis.call('EXISTS', KEYS[2]) == 0 then return {err='NOPROJECT'} end\n"
	"local all = redis.call('HGETALL', KEYS[1])\n"
	"for j = 1, #all - 1, 2 do\n"
	"  if string.lower(all[j]) == ARGV[1] then\n"
	"    if all[j + 1] ~= ARGV[2] then return {err='TAKEN ' .. all[j + 1]} end\n"
	"    if all[j] ~= ARGV[1] then\n"
	"      redis.call('HDEL', KEYS[1], all[j])\n"
	"      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
	"    end\n"
	"    return 0\n"
	"  end\n"
	"end\n"
	"redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
	"return 1\n",
	.sha = "" };

/* KEYS: aliases hash.  ARGV: alias (lower case), project. */
static struct md_script alias_del_script = { .source =
	"local all = redis.call('HGETALL', KEYS[1])\n"
	"for j = 1, #all - 1, 2 do\n"
	"  if string.lower(all[j]) == ARGV[1] then\n"
	"    if all[j + 1] ~= ARGV[2] then return {err='OTHER ' .. all[j + 1]} end\n"
	"    redis.call('HDEL', KEYS[1], all[j])\n"
	"    return 1\n"
	"  end\n"
	"end\n"
	"return {err='NOALIAS'}\n",
	.sha = "" };

static const char *const policy_names[] = { "accept", "reject" };	/* md_automated_policy */

/* Runs a script; NULL with err filled on a transport failure. */
static redisReply *
run(struct md_redis *r, struct md_script *s, int nkeys, int argc, const char **argv,
    char *err, size_t errlen)
{
	redisReply *rep = md_redis_eval(r, s, nkeys, argc, argv, NULL);

	if (rep == NULL)
		snprintf(err, errlen, "%s", md_redis_errstr(r));
	return rep;
}

int
md_project_add(struct md_redis *r, const char *name, char *err, size_t errlen)
{
	md_buf set = MD_BUF_INIT, hash = MD_BUF_INIT;
	const char *argv[4];
	char created[32];
	redisReply *rep;
	int rc = -1;

	if (!md_project_name_valid(name)) {
		snprintf(err, errlen, "invalid project name '%.*s': use 1-%d of a-z 0-9 . _ - "
		    "starting with a letter or digit", MD_PROJECT_MAX + 8, name, MD_PROJECT_MAX);
		return -1;
	}
	snprintf(created, sizeof created, "%lld", (long long)time(NULL));
	argv[0] = md_key(r, &set, "projects");
	argv[1] = md_key(r, &hash, "project:%s", name);
	argv[2] = name;
	argv[3] = created;
	if (argv[0] == NULL || argv[1] == NULL)
		snprintf(err, errlen, "out of memory");
	else if ((rep = run(r, &add_script, 2, 4, argv, err, errlen)) != NULL) {
		if (rep->type != REDIS_REPLY_ERROR)
			rc = 0;
		else if (strcmp(rep->str, "EXISTS") == 0)
			snprintf(err, errlen, "project %s already exists", name);
		else
			snprintf(err, errlen, "redis: %s", rep->str);
		freeReplyObject(rep);
	}
	md_buf_free(&set);
	md_buf_free(&hash);
	return rc;
}

static int
parse_bool01(const char *v)
{
	return v != NULL && strcmp(v, "1") == 0;
}

/* "default" or absent -> -1 (use the config value). */
static double
parse_threshold(const char *v)
{
	char *end;
	double d;

	if (v == NULL || *v == '\0')
		return -1;
	d = strtod(v, &end);
	return *end == '\0' && isfinite(d) && d >= 0 ? d : -1;
}

static void
apply_field(struct md_project *p, const char *f, const char *v)
{
	if (strcmp(f, "enabled") == 0)
		p->enabled = parse_bool01(v);
	else if (strcmp(f, "created") == 0)
		p->created = strtol(v, NULL, 10);
	else if (strcmp(f, "last_iid") == 0)
		p->last_iid = strtol(v, NULL, 10);
	else if (strcmp(f, "verified_senders") == 0)
		p->verified_senders = parse_bool01(v);
	else if (strcmp(f, "reopen_on_reply") == 0)
		p->reopen_on_reply = parse_bool01(v);
	else if (strcmp(f, "notify_state") == 0)
		p->notify_state = parse_bool01(v);
	else if (strcmp(f, "automated_policy") == 0)
		p->automated_policy = strcmp(v, "accept") == 0 ? MD_AUTO_ACCEPT :
		    strcmp(v, "reject") == 0 ? MD_AUTO_REJECT : -1;
	else if (strcmp(f, "spam_mark") == 0)
		p->spam_mark = parse_threshold(v);
	else if (strcmp(f, "spam_reject") == 0)
		p->spam_reject = parse_threshold(v);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fills p->aliases from the aliases hash (every alias whose value is name). */
static int
load_aliases(struct md_redis *r, const char *name, struct md_project *p)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	size_t i, n = 0;
	int rc = -1;

	if (md_key(r, &key, "aliases") == NULL ||
	    (rep = md_redis_cmd(r, "HGETALL %s", md_buf_str(&key))) == NULL) {
		md_buf_free(&key);
		return -1;
	}
	if (rep->type != REDIS_REPLY_ARRAY)
		goto out;
	if ((p->aliases = calloc(rep->elements / 2 + 1, sizeof *p->aliases)) == NULL)
		goto out;
	for (i = 0; i + 1 < rep->elements; i += 2) {
		if (rep->element[i + 1]->str == NULL ||
		    strcmp(rep->element[i + 1]->str, name) != 0)
			continue;
		if ((p->aliases[n] = strdup(rep->element[i]->str)) == NULL)
			goto out;
		n++;
	}
	p->naliases = n;
	qsort(p->aliases, n, sizeof *p->aliases, cmp_str);
	rc = 0;
out:
	freeReplyObject(rep);
	md_buf_free(&key);
	return rc;
}

int
md_project_settings(struct md_redis *r, const char *name, struct md_project *out)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof *out);
	out->automated_policy = -1;
	out->spam_mark = out->spam_reject = -1;
	if (!md_project_name_valid(name))
		return 0;
	snprintf(out->name, sizeof out->name, "%s", name);
	if (md_key(r, &key, "project:%s", name) == NULL ||
	    (rep = md_redis_cmd(r, "HGETALL %s", md_buf_str(&key))) == NULL) {
		md_buf_free(&key);
		return -1;
	}
	if (rep->type == REDIS_REPLY_ARRAY) {
		for (i = 0; i + 1 < rep->elements; i += 2)
			if (rep->element[i]->str && rep->element[i + 1]->str)
				apply_field(out, rep->element[i]->str, rep->element[i + 1]->str);
		rc = rep->elements == 0 ? 0 : 1;
	}
	freeReplyObject(rep);
	md_buf_free(&key);
	return rc;
}

int
md_project_get(struct md_redis *r, const char *name, struct md_project *out)
{
	int rc = md_project_settings(r, name, out);

	if (rc == 1 && load_aliases(r, name, out) < 0) {
		md_project_free(out);
		rc = -1;
	}
	return rc;
}

void
md_project_free(struct md_project *p)
{
	size_t i;

	if (p == NULL || p->aliases == NULL)
		return;
	for (i = 0; p->aliases[i] != NULL; i++)
		free(p->aliases[i]);
	free(p->aliases);
	p->aliases = NULL;
	p->naliases = 0;
}

/* 1 set, 0 no such project, -1 error (err filled). */
static int
set_field(struct md_redis *r, const char *name, const char *field, const char *value,
    char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	const char *argv[3];
	redisReply *rep;
	int rc = -1;

	if (!md_project_name_valid(name))
		return 0;
	if ((argv[0] = md_key(r, &key, "project:%s", name)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	argv[1] = field;
	argv[2] = value;
	if ((rep = run(r, &set_script, 1, 3, argv, err, errlen)) != NULL) {
		if (rep->type != REDIS_REPLY_ERROR)
			rc = 1;
		else if (strcmp(rep->str, "NOPROJECT") == 0)
			rc = 0;
		else
			snprintf(err, errlen, "redis: %s", rep->str);
		freeReplyObject(rep);
	}
	md_buf_free(&key);
	return rc;
}

int
md_project_set_enabled(struct md_redis *r, const char *name, int enabled)
{
	char err[8];

	return set_field(r, name, "enabled", enabled ? "1" : "0", err, sizeof err);
}

/* yes/no spellings an admin might type; -1 if none. */
static int
bool_word(const char *v)
{
	static const char *const yes[] = { "1", "yes", "on", "true", NULL };
	static const char *const no[] = { "0", "no", "off", "false", NULL };
	int i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
	for (i = 0; no[i] != NULL; i++)
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	return -1;
}

/* Turns value into its stored form (out), or explains in err. */
static int
canon_setting(const char *field, const char *value, char *out, size_t outlen,
    char *err, size_t errlen)
{
	char *end;
	double d;
	int b;

	if (strcmp(field, "enabled") == 0 || strcmp(field, "verified_senders") == 0 ||
	    strcmp(field, "reopen_on_reply") == 0 || strcmp(field, "notify_state") == 0) {
		if ((b = bool_word(value)) < 0) {
			snprintf(err, errlen, "%s: expected yes or no", field);
			return -1;
		}
		snprintf(out, outlen, "%d", b);
	} else if (strcmp(field, "automated_policy") == 0) {
		if (strcmp(value, "default") != 0 && strcmp(value, policy_names[0]) != 0 &&
		    strcmp(value, policy_names[1]) != 0) {
			snprintf(err, errlen, "%s: expected default, accept or reject", field);
			return -1;
		}
		snprintf(out, outlen, "%s", value);
	} else if (strcmp(field, "spam_mark") == 0 || strcmp(field, "spam_reject") == 0) {
		if (strcmp(value, "default") == 0) {
			snprintf(out, outlen, "default");
			return 0;
		}
		errno = 0;
		d = strtod(value, &end);
		if (*value == '\0' || *end != '\0' || errno != 0 || !isfinite(d) || d < 0) {
			snprintf(err, errlen, "%s: expected a number >= 0 or default", field);
			return -1;
		}
		snprintf(out, outlen, "%g", d);
	} else {
		snprintf(err, errlen, "unknown setting '%.64s' (one of enabled, verified_senders, "
		    "reopen_on_reply, notify_state, automated_policy, spam_mark, spam_reject)",
		    field);
		return -1;
	}
	return 0;
}

int
md_project_set(struct md_redis *r, const char *name, const char *field,
    const char *value, char *err, size_t errlen)
{
	char stored[64];
	int rc;

	if (canon_setting(field, value, stored, sizeof stored, err, errlen) < 0)
		return -1;
	rc = set_field(r, name, field, stored, err, errlen);
	if (rc == 0)
		snprintf(err, errlen, "no such project: %.*s", MD_PROJECT_MAX + 8, name);
	return rc == 1 ? 0 : -1;
}

/* Syntax check and canonical form of an alias address. */
static int
canon_alias(const char *alias, char *out, size_t outlen, char *err, size_t errlen)
{
	const char *at;

	if (md_addr_normalize(alias, out, outlen) < 0 || (at = strrchr(out, '@')) == NULL ||
	    at == out || at[1] == '\0') {
		snprintf(err, errlen, "invalid alias address '%.*s'", MD_ADDR_MAX, alias);
		return -1;
	}
	md_addr_canon_alias(out);
	return 0;
}

int
md_project_alias_owner(struct md_redis *r, const char *alias, char *project,
    size_t projlen, char *err, size_t errlen)
{
	char addr[MD_ADDR_MAX + 1];
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	size_t i;
	int rc = -1;

	if (canon_alias(alias, addr, sizeof addr, err, errlen) < 0)
		return -1;
	rep = md_redis_cmd(r, "HGETALL %s", md_key(r, &key, "aliases"));
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
		snprintf(err, errlen, "redis: %s", md_redis_errstr(r));
	} else {
		rc = 0;
		for (i = 0; i + 1 < rep->elements && rc == 0; i += 2)
			if (strcasecmp(rep->element[i]->str, addr) == 0) {
				snprintf(project, projlen, "%s", rep->element[i + 1]->str);
				rc = 1;
			}
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

int
md_project_alias_add(struct md_redis *r, const char *name, const char *alias,
    char *err, size_t errlen)
{
	md_buf akey = MD_BUF_INIT, pkey = MD_BUF_INIT;
	char addr[MD_ADDR_MAX + 1];
	const char *argv[4];
	redisReply *rep;
	int rc = -1;

	if (canon_alias(alias, addr, sizeof addr, err, errlen) < 0)
		return -1;
	if (!md_project_name_valid(name)) {
		snprintf(err, errlen, "no such project: %.*s", MD_PROJECT_MAX + 8, name);
		return -1;
	}
	argv[0] = md_key(r, &akey, "aliases");
	argv[1] = md_key(r, &pkey, "project:%s", name);
	argv[2] = addr;
	argv[3] = name;
	if (argv[0] == NULL || argv[1] == NULL)
		snprintf(err, errlen, "out of memory");
	else if ((rep = run(r, &alias_add_script, 2, 4, argv, err, errlen)) != NULL) {
		if (rep->type != REDIS_REPLY_ERROR)
			rc = 0;
		else if (strcmp(rep->str, "NOPROJECT") == 0)
			snprintf(err, errlen, "no such project: %s", name);
		else if (strncmp(rep->str, "TAKEN ", 6) == 0)
			snprintf(err, errlen, "alias %s is already used by project %.*s",
			    addr, MD_PROJECT_MAX, rep->str + 6);
		else
			snprintf(err, errlen, "redis: %s", rep->str);
		freeReplyObject(rep);
	}
	md_buf_free(&akey);
	md_buf_free(&pkey);
	return rc;
}

int
md_project_alias_del(struct md_redis *r, const char *name, const char *alias,
    char *err, size_t errlen)
{
	md_buf akey = MD_BUF_INIT;
	char addr[MD_ADDR_MAX + 1];
	const char *argv[3];
	redisReply *rep;
	int rc = -1;

	if (canon_alias(alias, addr, sizeof addr, err, errlen) < 0)
		return -1;
	if ((argv[0] = md_key(r, &akey, "aliases")) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	argv[1] = addr;
	argv[2] = name;
	if ((rep = run(r, &alias_del_script, 1, 3, argv, err, errlen)) != NULL) {
		if (rep->type != REDIS_REPLY_ERROR)
			rc = 0;
		else if (strcmp(rep->str, "NOALIAS") == 0)
			snprintf(err, errlen, "no such alias: %s", addr);
		else if (strncmp(rep->str, "OTHER ", 6) == 0)
			snprintf(err, errlen, "alias %s belongs to project %.*s, not %.*s",
			    addr, MD_PROJECT_MAX, rep->str + 6, MD_PROJECT_MAX + 8, name);
		else
			snprintf(err, errlen, "redis: %s", rep->str);
		freeReplyObject(rep);
	}
	md_buf_free(&akey);
	return rc;
}

int
md_project_list(struct md_redis *r, char ***names, size_t *n)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	char **v;
	size_t i, k = 0;

	*names = NULL;
	*n = 0;
	if (md_key(r, &key, "projects") == NULL ||
	    (rep = md_redis_cmd(r, "SMEMBERS %s", md_buf_str(&key))) == NULL) {
		md_buf_free(&key);
		return -1;
	}
	md_buf_free(&key);
	if (rep->type != REDIS_REPLY_ARRAY ||
	    (v = calloc(rep->elements + 1, sizeof *v)) == NULL) {
		freeReplyObject(rep);
		return -1;
	}
	for (i = 0; i < rep->elements; i++) {
		if (rep->element[i]->str == NULL)
			continue;
		if ((v[k] = strdup(rep->element[i]->str)) == NULL) {
			while (k-- > 0)
				free(v[k]);
			free(v);
			freeReplyObject(rep);
			return -1;
		}
		k++;
	}
	freeReplyObject(rep);
	qsort(v, k, sizeof *v, cmp_str);
	*names = v;
	*n = k;
	return 0;
}

/* HGET <p><fmt> field into out; 1 found, 0 nil, -1 error. */
static int
hget(struct md_redis *r, const char *prefix, const char *id, const char *field,
    char *out, size_t outlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	int rc = -1;

	if (md_key(r, &key, "%s%s", prefix, id) == NULL)
		return -1;
	rep = md_redis_cmd(r, "HGET %s %s", md_buf_str(&key), field);
	md_buf_free(&key);
	if (rep == NULL)
		return -1;
	if (rep->type == REDIS_REPLY_NIL)
		rc = 0;
	else if (rep->type == REDIS_REPLY_STRING) {
		snprintf(out, outlen, "%s", rep->str);
		rc = 1;
	}
	freeReplyObject(rep);
	return rc;
}

int
md_project_enabled(struct md_redis *r, const char *name)
{
	char v[8];
	int rc;

	if (!md_project_name_valid(name))
		return 0;
	rc = hget(r, "project:", name, "enabled", v, sizeof v);
	return rc <= 0 ? rc : strcmp(v, "1") == 0;
}

int
md_issue_key_lookup(struct md_redis *r, enum md_addr_kind kind,
    const char *key, char *project, size_t projlen)
{
	char name[MD_PROJECT_MAX + 2];
	int rc;

	if ((kind != MD_ADDR_REPLY && kind != MD_ADDR_UNSUB) || !md_key_valid(key))
		return 0;
	rc = hget(r, kind == MD_ADDR_REPLY ? "rkey:" : "ukey:", key, "project",
	    name, sizeof name);
	if (rc <= 0)
		return rc;
	if ((rc = md_project_enabled(r, name)) != 1)
		return rc;
	snprintf(project, projlen, "%s", name);
	return 1;
}
