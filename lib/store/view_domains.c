/*
 * view_domains.c - the responder domains in the Redis view (view.h):
 * <p>responder_domains, a SET of the domains (lower case) of the users'
 * registered addresses.  The milter refuses an unauthenticated From: in
 * one of them at end of data, as it does for desk_domain (issue 17:
 * otherwise anyone could write as a responder).
 *
 * Writers follow store.h's order: a domain goes in before the commit
 * that registers an address in it (md_view_responder_domain_put), and
 * after every commit that changes users' addresses the set is made equal
 * to PostgreSQL's (md_view_responder_domains_sync), which is also what
 * `maildesk view rebuild` does.  A domain left over after a crash only
 * makes the milter stricter for it until the next sync.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "store.h"
#include "view.h"

#define DOMAINS_KEY	"responder_domains"

/* The domain of address, lower case, into out; 0, or -1 if it has none. */
static int
addr_domain(const char *address, char *out, size_t outlen)
{
	const char *at = address != NULL ? strrchr(address, '@') : NULL;
	size_t i;

	if (at == NULL || at[1] == '\0' || strlen(at + 1) >= outlen)
		return -1;
	for (i = 0; at[1 + i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)at[1 + i]);
	out[i] = '\0';
	return 0;
}

/* SADD or SREM of argv[2..argc) on the set; argv[0..1] are filled here. */
static int
set_change(struct md_redis *r, const char *cmd, int argc, const char **argv, char *err,
    size_t errlen)
{
	md_buf k = MD_BUF_INIT;
	redisReply *rep = NULL;
	int rc = 0;

	if (argc <= 2)
		return 0;
	if (md_key(r, &k, DOMAINS_KEY) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	argv[0] = cmd;
	argv[1] = md_buf_str(&k);
	rep = md_redis_cmdv(r, argc, argv, NULL);
	if (rep == NULL || rep->type != REDIS_REPLY_INTEGER) {
		md_view_error(r, rep, err, errlen);
		rc = -1;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	md_buf_free(&k);
	return rc;
}

int
md_view_responder_domain_put(struct md_redis *r, const char *address, char *err,
    size_t errlen)
{
	char domain[256];
	const char *argv[3];

	if (addr_domain(address, domain, sizeof domain) < 0)
		return 0;	/* no domain: nothing the milter could match */
	argv[2] = domain;
	return set_change(r, "SADD", 3, argv, err, errlen);
}

/* 1 when s is among the n strings of v. */
static int
among(const char *s, char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, v[i]) == 0)
			return 1;
	return 0;
}

int
md_view_responder_domains_sync(struct md_store *st, long *removed, char *err,
    size_t errlen)
{
	struct md_redis *r = st->redis;
	md_buf k = MD_BUF_INIT;
	redisReply *cur = NULL;
	PGresult *res = NULL;
	const char **argv = NULL;
	char **want = NULL;
	size_t i, nwant = 0, nargs;
	int rc = -1;

	if (removed != NULL)
		*removed = 0;
	/*
	 * The set first, PostgreSQL second: a domain put by a writer after
	 * this read is not a candidate for removal; one put before it whose
	 * commit this query misses is removed here and put back by that
	 * writer's own sync after its commit.
	 */
	if (md_key(r, &k, DOMAINS_KEY) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	} else {
		const char *cmd[2] = { "SMEMBERS", md_buf_str(&k) };

		cur = md_redis_cmdv(r, 2, cmd, NULL);
	}
	if (cur == NULL || cur->type != REDIS_REPLY_ARRAY) {
		md_view_error(r, cur, err, errlen);
		goto out;
	}
	res = md_db_query(st->db, "SELECT DISTINCT lower(substring(email FROM '@([^@]+)$')) "
	    "FROM users WHERE email LIKE '%_@_%'", NULL, err, errlen);
	if (res == NULL)
		goto out;
	nwant = (size_t)PQntuples(res);
	nargs = 2 + (nwant > cur->elements ? nwant : cur->elements);
	if ((want = calloc(nwant + 1, sizeof *want)) == NULL ||
	    (argv = calloc(nargs, sizeof *argv)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < nwant; i++) {
		want[i] = PQgetvalue(res, (int)i, 0);
		argv[2 + i] = want[i];
	}
	if (set_change(r, "SADD", 2 + (int)nwant, argv, err, errlen) < 0)
		goto out;
	nargs = 2;
	for (i = 0; i < cur->elements; i++)
		if (cur->element[i]->type == REDIS_REPLY_STRING &&
		    !among(cur->element[i]->str, want, nwant))
			argv[nargs++] = cur->element[i]->str;
	if (set_change(r, "SREM", (int)nargs, argv, err, errlen) < 0)
		goto out;
	if (removed != NULL)
		*removed = (long)nargs - 2;
	rc = 0;
out:
	free(argv);
	free(want);
	if (res != NULL)
		PQclear(res);
	if (cur != NULL)
		freeReplyObject(cur);
	md_buf_free(&k);
	return rc;
}

int
md_view_responder_domain_is(struct md_redis *r, const char *domain)
{
	md_buf k = MD_BUF_INIT;
	redisReply *rep = NULL;
	int rc = -1;

	if (md_key(r, &k, DOMAINS_KEY) != NULL) {
		const char *argv[3] = { "SISMEMBER", md_buf_str(&k), domain };

		rep = md_redis_cmdv(r, 3, argv, NULL);
	}
	if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
		rc = rep->integer != 0;
	if (rep != NULL)
		freeReplyObject(rep);
	md_buf_free(&k);
	return rc;
}
