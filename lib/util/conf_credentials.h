/*
 * conf_credentials.h - the secrets in maildesk.conf: which program logs in
 * with which of them, and the warning for a file that shows them to others.
 * Part of conf.h.
 */
#ifndef MD_CONF_CREDENTIALS_H
#define MD_CONF_CREDENTIALS_H

#include <stddef.h>

#include "conf_keys.h"

/*
 * Makes role's own credentials the ones used: "milter", "worker", "web" or
 * "cli" copies <role>_redis_username, <role>_redis_password and (not for the
 * milter, which has no database) <role>_database over redis_username,
 * redis_password and database, each only when it is set (non-empty).
 * Call once, right after md_config_load(); an unknown role changes nothing.
 */
void	md_config_use_role(struct md_config *cfg, const char *role);
/*
 * The warning for a configuration file of mode st_mode that holds secrets
 * (redis_password, *_redis_password, a relay URL with a password, a
 * database conninfo with a password) and is open to group or others:
 * returns 1 with "path: mode 644: the file holds secrets (KEY on line N)
 * ...; chmod 600 it" in buf, 0 when there is nothing to say.
 * md_config_load() logs it with md_log(LOG_WARNING).
 */
int	md_config_secret_warning(const struct md_config *cfg, unsigned int st_mode,
	    char *buf, size_t len);

#endif
