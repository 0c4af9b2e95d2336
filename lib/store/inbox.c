/*
 * inbox.c - all-or-nothing XADD of a message's records with a backlog check.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "inbox.h"
#include "lua.h"
#include "stream_names.h"

enum md_inbox_result
md_inbox_append(struct md_redis *r, long max_backlog, struct md_record *const *recs,
    size_t n, char (*ids)[32], char *err, size_t errlen)
{
	const size_t per = 2 * MD_F_COUNT;
	size_t argc = MD_LUA_ARGC(INBOX_APPEND) + n * per, i;
	const char **argv;
	size_t *lens;
	char maxs[32], pers[16];
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	enum md_inbox_result res = MD_INBOX_ERROR;

	argv = calloc(argc, sizeof *argv);
	lens = calloc(argc, sizeof *lens);
	if (argv == NULL || lens == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	snprintf(maxs, sizeof maxs, "%ld", max_backlog);
	snprintf(pers, sizeof pers, "%zu", per);
	argv[MD_LUA_KEY(INBOX_APPEND, INBOX)] = md_key(r, &key, MD_STREAM_INBOX);
	lens[MD_LUA_KEY(INBOX_APPEND, INBOX)] = key.len;
	argv[MD_LUA_ARG(INBOX_APPEND, MAX)] = maxs;
	lens[MD_LUA_ARG(INBOX_APPEND, MAX)] = strlen(maxs);
	argv[MD_LUA_ARG(INBOX_APPEND, PER)] = pers;
	lens[MD_LUA_ARG(INBOX_APPEND, PER)] = strlen(pers);
	/* The tail: the records' name/value lists back to back. */
	for (i = 0; i < n; i++)
		md_record_to_argv(recs[i], argv + MD_LUA_ARG(INBOX_APPEND, RECORDS) + i * per,
		    lens + MD_LUA_ARG(INBOX_APPEND, RECORDS) + i * per, (int)per);

	rep = md_redis_eval(r, &md_lua_inbox_append, MD_LUA_NKEYS(INBOX_APPEND), (int)argc,
	    argv, lens);
	if (rep == NULL) {
		snprintf(err, errlen, "%s", md_redis_errstr(r));
	} else if (rep->type == REDIS_REPLY_ERROR) {
		if (strstr(rep->str, "FULL") != NULL) {
			res = MD_INBOX_FULL;
			snprintf(err, errlen, "inbox backlog over %ld entries", max_backlog);
		} else if (strncmp(rep->str, "OOM", 3) == 0) {
			/* maxmemory with noeviction: the admin must act, say how. */
			snprintf(err, errlen, "Redis is out of memory and refuses writes "
			    "(maxmemory reached; see \"Sizing maxmemory\" in doc/scaling.md): "
			    "%s", rep->str);
		} else {
			snprintf(err, errlen, "redis: %s", rep->str);
		}
	} else if (rep->type == REDIS_REPLY_ARRAY && rep->elements == n) {
		for (i = 0; ids != NULL && i < n; i++)
			snprintf(ids[i], 32, "%s", rep->element[i]->str ? rep->element[i]->str : "");
		res = MD_INBOX_OK;
	} else {
		snprintf(err, errlen, "unexpected reply to inbox append");
	}
	if (rep != NULL)
		freeReplyObject(rep);
out:
	md_buf_free(&key);
	free(argv);
	free(lens);
	return res;
}
