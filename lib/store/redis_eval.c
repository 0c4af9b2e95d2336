/*
 * redis_eval.c - running the Lua scripts (lib/lua) on a connection of
 * redis.c: EVALSHA after one SCRIPT LOAD per process, EVAL again when the
 * server lost its script cache (flushed, restarted, failed over), and a
 * pipeline of calls, each with its own MULTI/EXEC commands around it.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis.h"
#include "redis_int.h"

/* Scripts are shared by all threads of a program; only their sha changes. */
static pthread_mutex_t script_lock = PTHREAD_MUTEX_INITIALIZER;

/* SCRIPT LOAD once per process; fills sha (41 bytes). */
static int
script_sha(struct md_redis *r, struct md_script *s, char *sha)
{
	redisReply *rep;

	pthread_mutex_lock(&script_lock);
	memcpy(sha, s->sha, 41);
	pthread_mutex_unlock(&script_lock);
	if (sha[0] != '\0')
		return 0;
	rep = md_redis_cmd(r, "SCRIPT LOAD %s", s->source);
	if (rep == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_STRING || rep->len != 40) {
		md_redis_set_err(r, "SCRIPT LOAD failed: %s",
		    rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
		freeReplyObject(rep);
		return -1;
	}
	memcpy(sha, rep->str, 40);
	sha[40] = '\0';
	freeReplyObject(rep);
	pthread_mutex_lock(&script_lock);
	memcpy(s->sha, sha, 41);
	pthread_mutex_unlock(&script_lock);
	return 0;
}

/* "EVALSHA sha nkeys args..." in av/al (argc + 3 slots each, caller frees). */
static int
eval_argv(struct md_redis *r, const char *sha, char *nk, size_t nklen, int nkeys,
    int argc, const char *const *argv, const size_t *lens, const char ***avp,
    size_t **alp)
{
	const char **av = calloc((size_t)argc + 3, sizeof *av);
	size_t *al = calloc((size_t)argc + 3, sizeof *al);
	int i;

	if (av == NULL || al == NULL) {
		free(av);
		free(al);
		md_redis_set_err(r, "out of memory");
		return -1;
	}
	snprintf(nk, nklen, "%d", nkeys);
	av[0] = "EVALSHA", al[0] = 7;
	av[1] = sha, al[1] = 40;
	av[2] = nk, al[2] = strlen(nk);
	for (i = 0; i < argc; i++) {
		av[i + 3] = argv[i];
		al[i + 3] = lens ? lens[i] : strlen(argv[i]);
	}
	*avp = av;
	*alp = al;
	return 0;
}

static int
is_noscript(const redisReply *rep)
{
	return rep != NULL && rep->type == REDIS_REPLY_ERROR &&
	    strncmp(rep->str, "NOSCRIPT", 8) == 0;
}

/* Flushed or restarted server: EVAL runs the script and caches it again. */
static redisReply *
eval_source(struct md_redis *r, struct md_script *s, int argc, const char **av,
    size_t *al)
{
	av[0] = "EVAL", al[0] = 4;
	av[1] = s->source, al[1] = strlen(s->source);
	return md_redis_cmdv(r, argc + 3, av, al);
}

redisReply *
md_redis_eval(struct md_redis *r, struct md_script *s, int nkeys,
    int argc, const char **argv, const size_t *lens)
{
	const char **av;
	size_t *al;
	char sha[41], nk[16];
	redisReply *rep;

	if (r == NULL || s == NULL || argc < 0 || nkeys < 0 || nkeys > argc)
		return NULL;
	if (script_sha(r, s, sha) < 0 ||
	    eval_argv(r, sha, nk, sizeof nk, nkeys, argc, argv, lens, &av, &al) < 0)
		return NULL;
	rep = md_redis_cmdv(r, argc + 3, av, al);
	if (is_noscript(rep)) {
		freeReplyObject(rep);
		rep = eval_source(r, s, argc, av, al);
	}
	free(av);
	free(al);
	return rep;
}

/* Appends call c: EVALSHA (or EVAL), inside MULTI/EXEC with its pre commands. */
static int
append_call(struct md_redis *r, struct md_script *s, const char *sha,
    const struct md_eval_call *c, int by_source)
{
	const char **av;
	size_t *al;
	char nk[16];
	int i, rc = REDIS_OK, multi = c->npre + c->npost > 0;

	if (multi)
		rc = redisAppendCommand(md_redis_ctx(r), "MULTI");
	for (i = 0; i < c->npre && rc == REDIS_OK; i++)
		rc = redisAppendCommandArgv(md_redis_ctx(r), c->pre[i].argc, c->pre[i].argv,
		    c->pre[i].lens);
	if (rc != REDIS_OK ||
	    eval_argv(r, sha, nk, sizeof nk, 0, c->argc, c->argv, c->lens, &av, &al) < 0)
		goto oom;
	if (by_source) {
		av[0] = "EVAL", al[0] = 4;
		av[1] = s->source, al[1] = strlen(s->source);
	}
	rc = redisAppendCommandArgv(md_redis_ctx(r), c->argc + 3, av, al);
	free(av);
	free(al);
	for (i = 0; i < c->npost && rc == REDIS_OK; i++)
		rc = redisAppendCommandArgv(md_redis_ctx(r), c->post[i].argc, c->post[i].argv,
		    c->post[i].lens);
	if (rc == REDIS_OK && multi)
		rc = redisAppendCommand(md_redis_ctx(r), "EXEC");
	if (rc == REDIS_OK)
		return 0;
oom:
	/* Half a transaction may sit in the output buffer: never send it. */
	md_redis_set_err(r, "out of memory");
	md_redis_drop(r);
	return -1;
}

/*
 * The script's reply to an appended call: the last element of EXEC's
 * array when it ran in a transaction, else its own.  NULL: connection lost.
 */
static redisReply *
read_call(struct md_redis *r, const struct md_eval_call *c)
{
	int multi = c->npre + c->npost > 0;
	int i, n = multi ? c->npre + c->npost + 3 : 1;
	redisReply *rep = NULL, *first_err = NULL, *script;

	for (i = 0; i < n && md_redis_ctx(r) != NULL; i++) {
		void *one = NULL;

		if (rep != NULL && rep != first_err)
			freeReplyObject(rep);
		if (redisGetReply(md_redis_ctx(r), &one) != REDIS_OK)
			one = NULL;
		rep = md_redis_checked(r, one);
		if (first_err == NULL && rep != NULL && rep->type == REDIS_REPLY_ERROR)
			first_err = rep;
	}
	/* A command refused while queueing (NOSCRIPT, OOM) says more than EXECABORT. */
	if (first_err != NULL && rep != first_err) {
		if (rep != NULL)
			freeReplyObject(rep);
		if (md_redis_ctx(r) == NULL) {	/* and then the connection was lost */
			freeReplyObject(first_err);
			return NULL;
		}
		md_redis_set_err(r, "%s", first_err->str);
		return first_err;
	}
	if (rep == NULL || !multi || rep->type != REDIS_REPLY_ARRAY)
		return rep;	/* the script's reply or error */
	if (rep->elements != (size_t)(c->npre + 1 + c->npost)) {
		freeReplyObject(rep);
		md_redis_set_err(r, "unexpected reply to EXEC");
		return NULL;
	}
	script = rep->element[c->npre];
	rep->element[c->npre] = NULL;	/* freeReplyObject skips it */
	freeReplyObject(rep);
	if (script->type == REDIS_REPLY_ERROR)
		md_redis_set_err(r, "%s", script->str);
	return script;
}

int
md_redis_eval_pipe(struct md_redis *r, struct md_script *s, int ncalls,
    const struct md_eval_call *calls, redisReply **out)
{
	char sha[41];
	int i, sent = 0, ok = 0;

	for (i = 0; i < ncalls; i++)
		out[i] = NULL;
	if (r == NULL || s == NULL || ncalls <= 0 || script_sha(r, s, sha) < 0 ||
	    md_redis_ensure(r) < 0)
		return 0;
	while (sent < ncalls && append_call(r, s, sha, &calls[sent], 0) == 0)
		sent++;
	if (sent < ncalls)	/* out of memory: the connection is gone */
		sent = 0;
	/* A lost connection (md_redis_drop()) leaves this call and the rest NULL. */
	for (i = 0; i < sent && md_redis_ctx(r) != NULL; i++)
		out[i] = read_call(r, &calls[i]);
	for (i = 0; i < sent; i++) {
		if (!is_noscript(out[i]))
			continue;
		/* Its pre and post commands ran; the whole call again is harmless. */
		freeReplyObject(out[i]);
		out[i] = NULL;
		if (md_redis_ensure(r) == 0 && append_call(r, s, sha, &calls[i], 1) == 0)
			out[i] = read_call(r, &calls[i]);
	}
	for (i = 0; i < ncalls; i++)
		ok += out[i] != NULL;
	return ok;
}
