/*
 * conf.h - maildesk.conf: one "key = value" file shared by all programs.
 *
 * The loader (conf.c) is table driven: each key has a type, bounds and a
 * place in struct md_config (conf_keys.c).  Errors name the file, the line
 * and the key, e.g. "/etc/maildesk/maildesk.conf:12: spam_reject: not a
 * number".  Projects are not configured here: they live in Redis (see
 * maildesk(1)).
 *
 * This is the header to include; it brings in its parts:
 *   conf_keys.h         struct md_config, defaults, the line a key was set on;
 *   conf_check.h        the rules between keys, run by md_config_load();
 *   conf_credentials.h  per-program credentials, the secrets warning.
 */
#ifndef MD_CONF_H
#define MD_CONF_H

#include <stddef.h>

#include "conf_keys.h"
#include "conf_check.h"
#include "conf_credentials.h"

#define MD_DEFAULT_CONFIG	SYSCONFDIR "/maildesk/maildesk.conf"

/*
 * Loads path on top of the defaults.  On error returns -1 and writes
 * "path:line: key: reason" into err.  A missing file is an error.
 */
int	md_config_load(struct md_config *cfg, const char *path, char *err, size_t errlen);
/* Parses one "key = value" assignment (used by -o style overrides and tests). */
int	md_config_set(struct md_config *cfg, const char *key, const char *value,
	    char *err, size_t errlen);

/* Parses "N/S" ("20/3600", "20/1h", "0" = off) into a rate. */
int	md_rate_parse(const char *s, struct md_rate *out);
/* Parses "10M", "512k", "1048576" into bytes. */
int	md_size_parse(const char *s, size_t *out);

#endif
