/*
 * conf_check.h - the rules between keys of maildesk.conf, which only the
 * whole file can break (conf.c checks each line on its own).  Part of conf.h.
 */
#ifndef MD_CONF_CHECK_H
#define MD_CONF_CHECK_H

#include <stddef.h>

#include "conf_keys.h"

/*
 * The cross-key rules, which md_config_load() runs: 0, or -1 and
 * "path:line: key: reason" naming the key the file set.
 */
int	md_config_validate(const struct md_config *cfg, char *err, size_t errlen);

#endif
