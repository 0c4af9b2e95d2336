/*
 * milter_trust.h - set-up of the trust machinery (SPF server, score rules)
 * shared by all milter threads.
 */
#ifndef MD_MILTER_TRUST_H
#define MD_MILTER_TRUST_H

#include <stddef.h>

#include "conf.h"

/* Checks what conf.c cannot (rule names, networks): "file:line: key: why". */
int	md_milter_trust_validate(const struct md_config *cfg, char *err, size_t errlen);
int	md_milter_trust_init(const struct md_config *cfg);
void	md_milter_trust_free(void);

#endif
