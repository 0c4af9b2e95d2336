/*
 * projects.h - projects, aliases and issue keys.
 *
 * The tracker of record (PostgreSQL tables projects and aliases) holds
 * them; the milter reads a copy in Redis, the view (lib/store/view.h), at RCPT
 * time.  Two halves:
 *
 *   readers of the view (projects.c, alias_cache.c): md_project_settings,
 *   md_project_enabled, md_issue_key_lookup, md_alias_cache_*: one HGET or
 *   HGETALL each, -1 on a Redis failure (the milter then answers 451);
 *
 *   management (project_store.c; CLI and web): read and write PostgreSQL
 *   and keep the view in step (store.h's ordering rule).
 *
 * View keys (see doc/redis-schema.md; <p> is redis_prefix, "maildesk:"):
 *   <p>projects                 SET of project names
 *   <p>project:<name>           HASH enabled (0/1), created (unix time), last_iid,
 *                               verified_senders, reopen_on_reply, notify_state (0/1),
 *                               automated_policy (default|accept|reject),
 *                               spam_mark, spam_reject (number or "default")
 *   <p>aliases                  HASH alias address -> project name
 *                               (address as md_addr_canon_alias leaves it)
 *   <p>rkey:<key>               HASH project, iid, email  (reply address key)
 *   <p>ukey:<key>               HASH project, iid, email  (unsubscribe key)
 *
 * Nothing here logs.
 */
#ifndef MD_PROJECTS_H
#define MD_PROJECTS_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "address.h"
#include "redis.h"

struct md_store;

/*
 * A per-project override of a maildesk.conf switch.  DEFAULT is 0 so that a
 * zeroed struct follows the configuration and never relaxes it.
 */
enum md_override { MD_OVERRIDE_DEFAULT = 0, MD_OVERRIDE_ON, MD_OVERRIDE_OFF };

/* A project's settings (table projects; the view's hash has all but retention). */
struct md_project {
	char	name[MD_PROJECT_MAX + 1];
	int	enabled;
	long	created;
	long	last_iid;
	int	verified_senders;	/* only SPF pass senders get mail from us */
	int	reopen_on_reply;	/* reply to closed issue reopens it (else new issue) */
	int	notify_state;		/* send close/reopen notices */
	int	automated_policy;	/* -1 = config default, else enum md_automated_policy */
	double	spam_mark;		/* < 0: config default */
	double	spam_reject;		/* < 0: config default */
	int	retention_days;		/* 0: keep raw messages and attachments */
	long	first_response;		/* seconds to the first reply, 0: no target */
	/* Sender identity overrides (enum md_override; 0 follows maildesk.conf). */
	int	dmarc_reject;		/* on: refuse DMARC fail of p=reject */
	int	quarantine_reject;	/* dmarc_quarantine: on = reject, off = accept */
	int	desk_from_auth;		/* on: refuse unauthenticated desk/responder From: */
	char	**aliases;		/* NULL-terminated, md_project_free */
	size_t	naliases;
};

/* ---- management (project_store.c): PostgreSQL, then the view --------- */

/*
 * Management calls return 0, or -1 with a sentence in err ("project acme
 * already exists", "no such project: x", "alias a@b is already used by
 * project y", or the database's or Redis's error).  md_project_add creates
 * the project enabled, with every setting at its default.
 */
int	md_project_add(struct md_store *st, const char *name, char *err, size_t errlen);
/* With the aliases.  1 found, 0 no such project, -1 error (err). */
int	md_project_get(struct md_store *st, const char *name, struct md_project *out,
	    char *err, size_t errlen);
void	md_project_free(struct md_project *p);

/*
 * An override's word: "default", or on/off ("yes"/"no"; dmarc_quarantine
 * "reject"/"accept").  md_override_parse: the enum md_override, -1 for a
 * word that is none of them.
 */
const char *md_override_name(int v, const char *on, const char *off);
int	md_override_parse(const char *v, const char *on, const char *off);
/*
 * The override settings, their words and where struct md_project keeps
 * them: the one table the store, the view, the milter's reader, the CLI
 * and the JSON use.  It ends in a NULL field; md_override_field: field's
 * entry, or NULL when it is none of them.  md_override_of: project p's
 * value for o (enum md_override), md_override_word: its word,
 * md_override_set: sets it.
 */
struct md_override_field {
	const char	*field, *on, *off;
	size_t		 member;	/* offsetof(struct md_project, ...) */
};
#define MD_OVERRIDE_NFIELDS	3
extern const struct md_override_field md_override_fields[MD_OVERRIDE_NFIELDS + 1];
const struct md_override_field *md_override_field(const char *field);
int	md_override_of(const struct md_project *p, const struct md_override_field *o);
void	md_override_set(struct md_project *p, const struct md_override_field *o, int v);
const char *md_override_word(const struct md_project *p, const struct md_override_field *o);
/* yes/no spellings an admin might type (1 yes, on, true; 0 no, off,
 * false; any case): 1, 0, or -1 for none of them. */
int	md_setting_bool(const char *v);
/* value for override o as md_project_set takes it: the enum md_override,
 * -1 for none (a yes/no override also takes md_setting_bool's words). */
int	md_override_setting_parse(const struct md_override_field *o, const char *v);
/*
 * Who may relax a sender check (issue: maintainers turning off forged-From:
 * refusals): setting an override to its off word ("no", "accept") needs a
 * site admin; a maintainer may only tighten or go back to the default.
 * 1 when field = value needs a site admin (err says so), else 0.  The web
 * API and `maildesk project set --as` ask it before md_project_set.
 */
int	md_project_setting_needs_admin(const char *field, const char *value,
	    char *err, size_t errlen);
/* 1 done, 0 no such project, -1 error (err). */
int	md_project_set_enabled(struct md_store *st, const char *name, int enabled,
	    char *err, size_t errlen);
/*
 * Sets one field: enabled, verified_senders, reopen_on_reply, notify_state
 * (yes/no/on/off/true/false/1/0), automated_policy (default|accept|reject),
 * spam_mark, spam_reject (number >= 0 or default), retention (or
 * retention_days: "180d", "180" or off), dmarc_reject and desk_from_auth
 * (yes/no/default), dmarc_quarantine (accept|reject|default).
 */
int	md_project_set(struct md_store *st, const char *name, const char *field,
	    const char *value, char *err, size_t errlen);
/* The project alias (any case) belongs to: 1 (project filled), 0 none, -1 err. */
int	md_project_alias_owner(struct md_store *st, const char *alias, char *project,
	    size_t projlen, char *err, size_t errlen);
/*
 * Adding an alias the project already has is not an error.  An address in
 * the desk domain is refused (md_alias_check, validate.h).
 */
int	md_project_alias_add(struct md_store *st, const char *name, const char *alias,
	    char *err, size_t errlen);
int	md_project_alias_del(struct md_store *st, const char *name, const char *alias,
	    char *err, size_t errlen);
/* Fills a malloc'd, sorted, NULL-terminated list of names; caller frees each + array. */
int	md_project_list(struct md_store *st, char ***names, size_t *n, char *err,
	    size_t errlen);

/* ---- readers of the view (projects.c) ------------------------------------ */

/*
 * The settings from the view's hash, without aliases and retention: one
 * HGETALL (the milter's EOM).  1 found, 0 no such project, -1 Redis error.
 */
int	md_project_settings(struct md_redis *r, const char *name, struct md_project *out);

/*
 * RCPT-time lookups.  md_project_enabled: 1 enabled, 0 unknown or disabled,
 * -1 Redis error.  md_issue_key_lookup: kind is MD_ADDR_REPLY or
 * MD_ADDR_UNSUB; 1 valid (project filled), 0 unknown, -1 error.
 */
int	md_project_enabled(struct md_redis *r, const char *name);
int	md_issue_key_lookup(struct md_redis *r, enum md_addr_kind kind,
	    const char *key, char *project, size_t projlen);

/*
 * Alias table cached in memory so that mail for ordinary recipients costs
 * no Redis round trip: reloaded when older than refresh seconds (0: every
 * lookup).  Thread safe.  Matching: exact canonical address, else ignoring
 * the case of the local part.  Failure policy (see alias_cache.c): a table
 * that loaded once is used however stale while Redis is unreachable; before
 * the first successful load every domain counts as known and lookups say -1.
 */
struct md_alias_cache;
struct md_alias_cache *md_alias_cache_new(int refresh_seconds);
void	md_alias_cache_free(struct md_alias_cache *c);
/*
 * 1 alias found (project filled), 0 not an alias, -1 the table could not be
 * loaded and the domain is one aliases may use (caller tempfails).
 * r may be NULL if no connection is at hand: a stale table is then used.
 */
int	md_alias_cache_lookup(struct md_alias_cache *c, struct md_redis *r,
	    const char *addr, char *project, size_t projlen);
/*
 * Cheap pre-filter, no Redis: 1 if some alias lives in this domain, and also
 * when the table is due for a reload or never loaded (the lookup decides).
 */
int	md_alias_cache_domain_known(struct md_alias_cache *c, const char *domain);
/* 1 when the next lookup would reload the table (so it needs a connection). */
int	md_alias_cache_due(struct md_alias_cache *c);

#endif
