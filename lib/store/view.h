/*
 * view.h - the Redis view the milter reads at RCPT time, written from the
 * tracker of record.
 *
 * Keys (doc/redis-schema.md): <p>projects (SET), <p>project:<name> (HASH:
 * enabled and the settings the milter uses), <p>aliases (HASH alias ->
 * project), <p>rkey:<key> and <p>ukey:<key> (HASH project, iid, email),
 * <p>project:<name>:block and :allow (SET), <p>responder_domains (SET).
 * The milter's readers are lib/store/projects.c (md_project_settings,
 * md_project_enabled, md_issue_key_lookup), lib/store/alias_cache.c,
 * lib/store/lists.c and md_view_responder_domain_is (view_domains.c).
 *
 * Ordering rule for callers: put before the PostgreSQL commit that makes
 * a thing valid, delete after the commit that ends it (store.h).
 * Every function: 0 or -1 with err.
 */
#ifndef MD_VIEW_H
#define MD_VIEW_H

#include <stddef.h>

#include "projects.h"
#include "redis.h"

struct md_store;

/*
 * Why a view command failed, into err: md_redis_errstr names the server
 * already; an error reply gets "redis: " in front.
 */
void	md_view_error(struct md_redis *r, const redisReply *rep, char *err, size_t errlen);

/* The whole settings hash and the projects set. */
int	md_view_project_put(struct md_redis *r, const struct md_project *p,
	    char *err, size_t errlen);
/* The hash, its lists and the set membership. */
int	md_view_project_del(struct md_redis *r, const char *name, char *err,
	    size_t errlen);
int	md_view_alias_put(struct md_redis *r, const char *alias, const char *project,
	    char *err, size_t errlen);
int	md_view_alias_del(struct md_redis *r, const char *alias, char *err,
	    size_t errlen);
/* which: MD_LIST_BLOCK or MD_LIST_ALLOW (lists.h). */
int	md_view_list_put(struct md_redis *r, const char *project, int which,
	    const char *entry, char *err, size_t errlen);
int	md_view_list_del(struct md_redis *r, const char *project, int which,
	    const char *entry, char *err, size_t errlen);

/* One subscriber's pair of keys. */
struct md_view_key {
	const char	*rkey;
	const char	*ukey;
	const char	*project;
	long		 iid;
	const char	*email;
};

/* Writes (or deletes) n pairs in one pipelined round trip. */
int	md_view_keys_put(struct md_redis *r, const struct md_view_key *k, size_t n,
	    char *err, size_t errlen);
int	md_view_keys_del(struct md_redis *r, const struct md_view_key *k, size_t n,
	    char *err, size_t errlen);

/*
 * Writes item i's width arguments at slot (num: room for a number it
 * prints); -1 with err when the item may not go into the view.
 */
typedef int md_view_group_fill(const void *items, size_t i, const char **slot,
    char *num, size_t numlen, char *err, size_t errlen);

/*
 * Runs s, a script whose ARGV is prefix, put (1/0), then groups of width
 * arguments (view_keys.lua, responder_keys.lua), over n items, at most
 * KEYS_PER_CALL of them per call so that the Lua stack stays bounded.
 * The keys it writes have no fixed names, so it takes no KEYS.
 */
int	md_view_groups_eval(struct md_redis *r, struct md_script *s, int put,
	    size_t width, const void *items, size_t n, md_view_group_fill *fill,
	    char *err, size_t errlen);

/*
 * The domains of users' registered addresses (<p>responder_domains, SET;
 * view_domains.c): put adds address's domain (before the commit that
 * registers it); sync makes the set PostgreSQL's (after every commit that
 * changes or removes addresses), *removed (may be NULL) counting what went.
 */
int	md_view_responder_domain_put(struct md_redis *r, const char *address, char *err,
	    size_t errlen);
int	md_view_responder_domains_sync(struct md_store *st, long *removed, char *err,
	    size_t errlen);
/* The milter's question: 1 domain (lower case) is one, 0 not, -1 Redis failed. */
int	md_view_responder_domain_is(struct md_redis *r, const char *domain);

struct md_view_stats {
	long	projects, aliases, list_entries, keys;	/* written */
	long	stale;					/* deleted */
};

/*
 * Writes the whole view from PostgreSQL and deletes what PostgreSQL no
 * longer has (`maildesk view rebuild`).  Safe while mail flows: it only
 * adds what is valid and removes what is not.
 */
int	md_view_rebuild(struct md_store *st, struct md_view_stats *out, char *err,
	    size_t errlen);

#endif
