/*
 * sender_auth.h - the whole sender-identity check of one message: DKIM
 * (dkim_verify.h), the DMARC record (dmarc.h), alignment and policy.
 * The milter calls md_auth_check() at end of message for desk mail and
 * maps the result to its reply; doc/sender-identity.md explains it.
 */
#ifndef MD_SENDER_AUTH_H
#define MD_SENDER_AUTH_H

#include <stddef.h>

#include "dkim_verify.h"
#include "dmarc.h"
#include "dns_txt.h"

struct md_auth_env {
	struct md_dkim			*dkim;		/* NULL: no DKIM verification */
	const struct md_txt_resolver	*dns;		/* DMARC records */
	struct md_auth_policy		 policy;
	const char			*desk_domain;
	int				 timeout_ms;	/* DNS budget of one message */
};

/*
 * raw: the message as the milter holds it.  from_addr/from_count: the
 * parsed From: (mime.h).  spf: enum md_spf_res or -1; spf_domain: the
 * identity SPF checked (MAIL FROM domain, or HELO for the null sender).
 * Fills out, and dkim with the per-signature results (for the log).
 */
void	md_auth_check(const struct md_auth_env *env, const char *raw, size_t rawlen,
	    const char *from_addr, int from_count, int spf, const char *spf_domain,
	    struct md_auth_result *out, struct md_dkim_result *dkim);

#endif
