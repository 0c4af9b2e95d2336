/*
 * alias_cache.c - the <p>aliases hash held in memory for RCPT-time lookups.
 *
 * Most recipients a milter sees are ordinary mail.  The cache keeps the
 * alias table and the set of domains aliases live in, so that a recipient
 * in any other domain is passed without a Redis round trip.  The table is
 * reloaded with one HGETALL when it is older than refresh seconds (0: on
 * every lookup).
 *
 * Failure policy (Redis down or no connection at hand):
 *   - a table that loaded once is kept and used, however old, until a
 *     reload succeeds: aliases change rarely and mail keeps flowing;
 *   - if the table never loaded we cannot tell an alias from ordinary
 *     mail, so every domain counts as "maybe an alias domain"
 *     (domain_known answers 1) and lookups answer -1; the resolver then
 *     lets the recipient pass, so that ordinary mail keeps flowing while
 *     Redis is down (doc/design.md: give every alias a real destination).
 * A table that is due for a reload also answers domain_known 1, so the next
 * lookup reloads it and learns domains of aliases added in the meantime.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "projects.h"

struct alias_entry {
	char	*addr;		/* canonical: lower case (older entries: domain only) */
	char	*project;
};

struct alias_table {
	struct alias_entry	*v;	/* sorted by addr (strcmp) */
	size_t			 n;
	char			**domains;	/* sorted, unique, lower case */
	size_t			 ndomains;
};

struct md_alias_cache {
	pthread_mutex_t		 mu;
	int			 refresh;	/* seconds */
	int			 loaded;	/* a reload ever succeeded */
	int			 reloading;	/* one thread at a time asks Redis */
	time_t			 loaded_at;	/* monotonic seconds */
	struct alias_table	 t;
};

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
table_free(struct alias_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].addr);
		free(t->v[i].project);
	}
	for (i = 0; i < t->ndomains; i++)
		free(t->domains[i]);
	free(t->v);
	free(t->domains);
	memset(t, 0, sizeof *t);
}

struct md_alias_cache *
md_alias_cache_new(int refresh_seconds)
{
	struct md_alias_cache *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	pthread_mutex_init(&c->mu, NULL);
	c->refresh = refresh_seconds > 0 ? refresh_seconds : 0;
	return c;
}

void
md_alias_cache_free(struct md_alias_cache *c)
{
	if (c == NULL)
		return;
	table_free(&c->t);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct alias_entry *)a)->addr,
	    ((const struct alias_entry *)b)->addr);
}

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Builds the sorted unique domain list from the entries. */
static int
build_domains(struct alias_table *t)
{
	size_t i, k = 0;
	char *d, *p;

	if ((t->domains = calloc(t->n + 1, sizeof *t->domains)) == NULL)
		return -1;
	for (i = 0; i < t->n; i++) {
		if ((d = strrchr(t->v[i].addr, '@')) == NULL)
			continue;
		if ((t->domains[k] = strdup(d + 1)) == NULL)
			return -1;
		for (p = t->domains[k]; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		t->ndomains = ++k;
	}
	qsort(t->domains, k, sizeof *t->domains, cmp_strp);
	for (i = 0, k = 0; i < t->ndomains; i++) {
		if (k > 0 && strcmp(t->domains[k - 1], t->domains[i]) == 0)
			free(t->domains[i]);
		else
			t->domains[k++] = t->domains[i];
	}
	t->ndomains = k;
	return 0;
}

/* One HGETALL into a fresh table; 0 or -1. */
static int
table_load(struct md_redis *r, struct alias_table *t)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	size_t i;
	int rc = -1;

	memset(t, 0, sizeof *t);
	if (md_key(r, &key, "aliases") == NULL ||
	    (rep = md_redis_cmd(r, "HGETALL %s", md_buf_str(&key))) == NULL) {
		md_buf_free(&key);
		return -1;
	}
	md_buf_free(&key);
	if (rep->type != REDIS_REPLY_ARRAY ||
	    (t->v = calloc(rep->elements / 2 + 1, sizeof *t->v)) == NULL)
		goto out;
	for (i = 0; i + 1 < rep->elements; i += 2) {
		if (rep->element[i]->str == NULL || rep->element[i + 1]->str == NULL)
			continue;
		t->v[t->n].addr = strdup(rep->element[i]->str);
		t->v[t->n].project = strdup(rep->element[i + 1]->str);
		t->n++;
		if (t->v[t->n - 1].addr == NULL || t->v[t->n - 1].project == NULL)
			goto out;
	}
	qsort(t->v, t->n, sizeof *t->v, cmp_entry);
	rc = build_domains(t);
out:
	freeReplyObject(rep);
	if (rc < 0)
		table_free(t);
	return rc;
}

static int
due(const struct md_alias_cache *c)
{
	return !c->loaded || c->refresh == 0 || mono_now() - c->loaded_at >= c->refresh;
}

/* Reloads when due; the Redis call runs without holding the lock. */
static void
maybe_reload(struct md_alias_cache *c, struct md_redis *r)
{
	struct alias_table fresh, old;
	int go;

	pthread_mutex_lock(&c->mu);
	/* Someone else is already asking: use what we have, unless it is nothing. */
	go = r != NULL && due(c) && !(c->reloading && c->loaded);
	if (go)
		c->reloading++;
	pthread_mutex_unlock(&c->mu);
	if (!go)
		return;
	if (table_load(r, &fresh) < 0)
		memset(&fresh, 0, sizeof fresh), go = 0;
	pthread_mutex_lock(&c->mu);
	c->reloading--;
	if (go) {
		old = c->t;
		c->t = fresh;
		c->loaded = 1;
		c->loaded_at = mono_now();
	}
	pthread_mutex_unlock(&c->mu);
	if (go)
		table_free(&old);
}

/* Exact canonical match first, then ignoring the case of the local part. */
static const struct alias_entry *
find(const struct alias_table *t, const char *addr)
{
	struct alias_entry k = { (char *)(uintptr_t)addr, NULL };
	const struct alias_entry *e;
	size_t i;

	e = bsearch(&k, t->v, t->n, sizeof *t->v, cmp_entry);
	for (i = 0; e == NULL && i < t->n; i++)
		if (strcasecmp(t->v[i].addr, addr) == 0)
			e = &t->v[i];
	return e;
}

int
md_alias_cache_lookup(struct md_alias_cache *c, struct md_redis *r,
    const char *addr, char *project, size_t projlen)
{
	char canon[MD_ADDR_MAX + 1];
	const struct alias_entry *e;
	int rc;

	if (c == NULL || addr == NULL || strlen(addr) > MD_ADDR_MAX)
		return 0;
	snprintf(canon, sizeof canon, "%s", addr);
	md_addr_canon_alias(canon);
	maybe_reload(c, r);
	pthread_mutex_lock(&c->mu);
	if (!c->loaded) {
		rc = -1;
	} else if ((e = find(&c->t, canon)) != NULL) {
		snprintf(project, projlen, "%s", e->project);
		rc = 1;
	} else {
		rc = 0;
	}
	pthread_mutex_unlock(&c->mu);
	return rc;
}

int
md_alias_cache_due(struct md_alias_cache *c)
{
	int rc;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->mu);
	rc = due(c);
	pthread_mutex_unlock(&c->mu);
	return rc;
}

int
md_alias_cache_domain_known(struct md_alias_cache *c, const char *domain)
{
	size_t lo, hi, mid;
	int rc = 0, cmp;

	if (c == NULL || domain == NULL)
		return 0;
	pthread_mutex_lock(&c->mu);
	if (due(c)) {
		rc = 1;	/* unknown or stale: let the lookup (re)load and decide */
	} else {
		for (lo = 0, hi = c->t.ndomains; lo < hi && !rc; ) {
			mid = lo + (hi - lo) / 2;
			cmp = strcasecmp(domain, c->t.domains[mid]);
			if (cmp == 0)
				rc = 1;
			else if (cmp < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return rc;
}
