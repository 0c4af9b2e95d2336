/*
 * conf_table.h - the table of maildesk.conf keys (conf_keys.c), shared by
 * the loader (conf.c), which parses a value by its key's type, and
 * conf_credentials.c, which looks for secrets among the string keys.
 * Nobody outside lib/util/conf*.c needs it: callers see struct md_config.
 */
#ifndef MD_CONF_TABLE_H
#define MD_CONF_TABLE_H

#include <stddef.h>

#include "conf_keys.h"

enum cfg_type { T_STR, T_INT, T_BOOL, T_SIZE, T_DOUBLE, T_RATE, T_FACILITY, T_ENUM };

struct cfg_key {
	const char	*name;
	enum cfg_type	 type;
	size_t		 off;		/* of the member in struct md_config */
	long		 min, max;	/* T_INT bounds; T_SIZE: min only */
	const char	*const *enums;	/* T_ENUM: values, index = stored int */
	int		(*check)(const char *, const char **);	/* T_STR, optional */
};

/* Every key; a key's index is also its slot in md_config.key_lines. */
extern const struct cfg_key md_conf_keys[];
extern const size_t md_conf_nkeys;

/* The key called name, or NULL ("rule.<name>" keys are not in the table). */
const struct cfg_key *md_conf_key(const char *name);
/* The member of a T_STR key. */
char	**md_conf_str_at(struct md_config *cfg, const struct cfg_key *k);
/* Replaces *dst with a copy of v; out of memory aborts (no half-loaded config). */
void	md_conf_set_str(char **dst, const char *v);

#endif
