/*
 * lists.c - block/allow lists per project (semantics in lists.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lists.h"

#define MAX_LABELS	32	/* parent domains tried per lookup */

/* KEYS block, allow; ARGV the normalized address, the most parent domains. */
static struct md_script check_script = {
	MD_LISTS_LUA
	"return listed(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]))\n",
	""
};

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

/* SADD/SREM of one normalized entry; returns the integer reply or -1. */
static int
change(struct md_redis *r, const char *cmd, const char *project, int which,
    const char *entry, char *err, size_t errlen)
{
	char norm[MD_LIST_ENTRY_MAX + 2];
	md_buf key = MD_BUF_INIT;
	redisReply *rep = NULL;
	int rc = -1;

	if (!project_ok(project) || md_list_name(which) == NULL) {
		snprintf(err, errlen, "bad project or list name");
		return -1;
	}
	if (md_list_entry(entry, norm, sizeof norm) < 0) {
		snprintf(err, errlen, "not an address or @domain: %.80s", entry ? entry : "");
		return -1;
	}
	if (md_key(r, &key, "project:%s:%s", project, md_list_name(which)) != NULL)
		rep = md_redis_cmd(r, "%s %s %s", cmd, md_buf_str(&key), norm);
	if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
		rc = rep->integer > 0 ? 1 : 0;
	else
		snprintf(err, errlen, "%s", md_redis_errstr(r));
	if (rep != NULL)
		freeReplyObject(rep);
	md_buf_free(&key);
	return rc;
}

int
md_lists_add(struct md_redis *r, const char *project, int which,
    const char *entry, char *err, size_t errlen)
{
	return change(r, "SADD", project, which, entry, err, errlen);
}

int
md_lists_del(struct md_redis *r, const char *project, int which,
    const char *entry, char *err, size_t errlen)
{
	return change(r, "SREM", project, which, entry, err, errlen);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
md_lists_get(struct md_redis *r, const char *project, int which,
    char ***entries, size_t *n)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep = NULL;
	char **v = NULL;
	size_t i, k = 0;
	int rc = -1;

	*entries = NULL;
	*n = 0;
	if (!project_ok(project) || md_list_name(which) == NULL)
		return -1;
	if (md_key(r, &key, "project:%s:%s", project, md_list_name(which)) != NULL)
		rep = md_redis_cmd(r, "SMEMBERS %s", md_buf_str(&key));
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY)
		goto out;
	if ((v = calloc(rep->elements + 1, sizeof *v)) == NULL)
		goto out;
	for (i = 0; i < rep->elements; i++) {
		if (rep->element[i]->type != REDIS_REPLY_STRING)
			continue;
		if ((v[k] = strdup(rep->element[i]->str)) == NULL)
			goto out;
		k++;
	}
	qsort(v, k, sizeof *v, cmp);
	*entries = v;
	*n = k;
	v = NULL;
	rc = 0;
out:
	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
	if (rep != NULL)
		freeReplyObject(rep);
	md_buf_free(&key);
	return rc;
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
	const char *argv[4];
	redisReply *rep = NULL;
	int rc;

	if ((rc = md_lists_args(r, project, addr, &a)) <= 0)
		goto out;	/* MD_LIST_NONE or -1 */
	argv[0] = md_buf_str(&a.block);
	argv[1] = md_buf_str(&a.allow);
	argv[2] = a.addr;
	argv[3] = a.maxlabels;
	rep = md_redis_eval(r, &check_script, 2, 4, argv, NULL);
	rc = rep != NULL && rep->type == REDIS_REPLY_INTEGER ? (int)rep->integer : -1;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	md_lists_args_free(&a);
	return rc;
}
