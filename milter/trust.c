/*
 * trust.c - trust checks at RCPT time for desk recipients: SPF, rate
 * limits, block lists.  Ordinary recipients never get here.
 */
#include "config.h"

#include "milter_trust.h"
#include "reply.h"

sfsistat
md_rcpt_trust(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m,
    const struct md_desk_rcpt *rcpt)
{
	(void)ctx; (void)cc; (void)m; (void)rcpt;
	return SMFIS_CONTINUE;
}

int
md_milter_trust_validate(const struct md_config *cfg, char *err, size_t errlen)
{
	(void)cfg; (void)err; (void)errlen;
	return 0;
}

int
md_milter_trust_init(const struct md_config *cfg)
{
	(void)cfg;
	return 0;
}

void
md_milter_trust_free(void)
{
}
