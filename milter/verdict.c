/*
 * verdict.c - automated-mail detection and spam score at end of message.
 */
#include "config.h"

#include <string.h>

#include "verdict.h"

sfsistat
md_eom_verdict(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m,
    const struct md_mime *mime, const char *qid, struct md_verdict *v)
{
	(void)ctx; (void)cc; (void)mime; (void)qid;
	memset(v, 0, sizeof *v);
	v->spf = m->spf;
	v->received_spf = m->received_spf;
	return SMFIS_CONTINUE;
}

void
md_verdict_free(struct md_verdict *v)
{
	(void)v;
}
