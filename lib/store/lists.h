/*
 * lists.h - per-project block and allow lists of senders: the
 * sender_lists table of the tracker of record, and in the Redis view
 * (lib/store/view.h) the sets the milter reads:
 *
 *   <p>project:<name>:block   SET of entries
 *   <p>project:<name>:allow   SET of entries
 *
 * An entry is a lower-cased address ("bob@example.org") or a domain
 * ("@example.org"; given without '@' it is taken as a domain too).  A
 * domain entry also covers every subdomain: "@example.org" matches
 * bob@example.org and bob@mail.sales.example.org, not bob@badexample.org.
 * A block entry wins over an allow entry, whichever is more specific, so a
 * block can never be undone by accident.  The milter checks the envelope
 * sender at RCPT (md_lists_check, md_lists_args: the view); the CLI
 * manages the lists (md_lists_add, _del, _get: PostgreSQL, then the view).
 */
#ifndef MD_LISTS_H
#define MD_LISTS_H

#include <stddef.h>

#include "buf.h"
#include "lua.h"
#include "redis.h"

struct md_store;

/* What the list lookup (lib/lua/listed.lua) answers: lib/lua/constants.def. */
#define MD_LIST_NONE	MD_LUA_LIST_NONE
#define MD_LIST_BLOCK	MD_LUA_LIST_BLOCK
#define MD_LIST_ALLOW	MD_LUA_LIST_ALLOW

/* "block" / "allow"; NULL for other values. */
const char *md_list_name(int which);
/* "block" -> MD_LIST_BLOCK, "allow" -> MD_LIST_ALLOW, else -1. */
int	md_list_parse(const char *name);

/*
 * Normalizes an entry ("<Bob@Example.ORG>" -> "bob@example.org",
 * "Example.org" -> "@example.org").  0, or -1 if it is not an address or
 * domain (empty, blanks, control characters, two '@', too long).
 */
int	md_list_entry(const char *in, char *out, size_t outlen);

/*
 * 1 added, 0 already there, -1 error (err says why: bad entry, no such
 * project, the database or Redis).
 */
int	md_lists_add(struct md_store *st, const char *project, int which,
	    const char *entry, char *err, size_t errlen);
/* 1 removed, 0 was not there, -1 error. */
int	md_lists_del(struct md_store *st, const char *project, int which,
	    const char *entry, char *err, size_t errlen);
/* Sorted, malloc'd, NULL-terminated entries; caller frees each and the array. */
int	md_lists_get(struct md_store *st, const char *project, int which,
	    char ***entries, size_t *n, char *err, size_t errlen);

/*
 * MD_LIST_BLOCK, MD_LIST_ALLOW or MD_LIST_NONE for addr (an envelope or
 * header address, <> allowed; "" -> MD_LIST_NONE without a lookup),
 * -1 on a Redis error.  One round trip.
 */
int	md_lists_check(struct md_redis *r, const char *project, const char *addr);

/*
 * For scripts that combine the lookup with other checks (rcpt_gate.c): the
 * two set keys and the ARGV.  Returns 1 filled in, 0 nothing can match
 * (null sender, not an address: addr ""), -1 ENOMEM.
 */
#define MD_LIST_ENTRY_MAX	320	/* 64 + @ + 255 */
struct md_lists_args {
	md_buf	block, allow;
	char	addr[MD_LIST_ENTRY_MAX + 2];
	char	maxlabels[8];
};
int	md_lists_args(struct md_redis *r, const char *project, const char *addr,
	    struct md_lists_args *a);
void	md_lists_args_free(struct md_lists_args *a);


#endif
