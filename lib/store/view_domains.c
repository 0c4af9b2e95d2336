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

/*
 * Reads the domains of the users' addresses from PostgreSQL and SADDs
 * them all: the result (caller clears) on success, NULL with err.
 */
static PGresult *
add_registered(struct md_store *st, char *err, size_t errlen)
{
	PGresult *res;
	const char **argv;
	int i, n;

	res = md_db_query(st->db, "SELECT DISTINCT lower(substring(email FROM '@([^@]+)$')) "
	    "FROM users WHERE email LIKE '%_@_%'", NULL, err, errlen);
	if (res == NULL)
		return NULL;
	n = PQntuples(res);
	if ((argv = calloc((size_t)n + 2, sizeof *argv)) == NULL) {
		snprintf(err, errlen, "out of memory");
		PQclear(res);
		return NULL;
	}
	for (i = 0; i < n; i++)
		argv[2 + i] = PQgetvalue(res, i, 0);
	if (set_change(st->redis, "SADD", 2 + n, argv, err, errlen) < 0) {
		PQclear(res);
		res = NULL;
	}
	free(argv);
	return res;
}

/* 1 when s is a value of res's first column. */
static int
registered(const char *s, const PGresult *res)
{
	int i;

	for (i = 0; i < PQntuples(res); i++)
		if (strcmp(s, PQgetvalue(res, i, 0)) == 0)
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
	size_t i, nargs;
	int rc = -1;

	if (removed != NULL)
		*removed = 0;
	/*
	 * The set is read first, PostgreSQL second, the stale domains
	 * SREMed, and PostgreSQL read and SADDed once more.  A domain put by
	 * a writer after the set was read is not a candidate for removal.
	 * But a writer B whose address this first query misses may commit
	 * and finish its own sync before the SREM below, which then takes
	 * B's domain out for good: the milter would accept unauthenticated
	 * mail in it.  B syncs only after its commit, so either B's commit
	 * comes before the second query, which sees it and puts the domain
	 * back, or B's sync starts after that query began, hence after the
	 * SREM, and puts it back itself.  Without the second pass nothing
	 * would.  A domain removed in between is briefly stricter, never
	 * laxer.
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
	if ((res = add_registered(st, err, errlen)) == NULL)
		goto out;
	if ((argv = calloc(cur->elements + 2, sizeof *argv)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	nargs = 2;
	for (i = 0; i < cur->elements; i++)
		if (cur->element[i]->type == REDIS_REPLY_STRING &&
		    !registered(cur->element[i]->str, res))
			argv[nargs++] = cur->element[i]->str;
	if (set_change(r, "SREM", (int)nargs, argv, err, errlen) < 0)
		goto out;
	PQclear(res);
	/* The second pass (above): what a concurrent writer committed. */
	if ((res = add_registered(st, err, errlen)) == NULL)
		goto out;
	if (removed != NULL)
		*removed = (long)nargs - 2;
	rc = 0;
out:
	free(argv);
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
