/*
 * resolve.h - what an SMTP recipient means to maildesk, decided at RCPT.
 *
 * Ordinary recipients must cost nothing: the address is classified in
 * memory, and Redis is only asked when the address is in the desk domain or
 * an alias domain.  Redis trouble never turns into a 550: the caller answers
 * 451 and the sender retries.
 */
#ifndef MD_RESOLVE_H
#define MD_RESOLVE_H

#include "address.h"
#include "projects.h"
#include "redis.h"

enum md_rcpt_verdict {
	MD_RCPT_PASS = 0,	/* not ours: deliver normally, no further work */
	MD_RCPT_DESK,		/* a desk recipient: resolved filled */
	MD_RCPT_UNKNOWN,	/* desk address naming nothing valid: 550 5.1.1 */
	MD_RCPT_TEMPFAIL	/* could not decide (Redis): 451 4.3.0 */
};

struct md_desk_rcpt {
	char	addr[MD_ADDR_MAX + 1];		/* normalized recipient */
	enum md_addr_kind kind;			/* PROJECT (also for aliases), REPLY, UNSUB */
	char	project[MD_PROJECT_MAX + 1];
	char	key[MD_KEY_LEN + 1];		/* REPLY/UNSUB */
	int	via_alias;
};

/* Everything resolution needs; the redis connection is fetched lazily. */
struct md_resolver {
	struct md_addr_format	 fmt;
	struct md_alias_cache	*aliases;
	/* Called only when Redis must be asked; returns NULL if none available. */
	struct md_redis		*(*get_redis)(void *arg);
	void			*arg;
};

/*
 * Resolves the SMTP argument rcpt ("<user@domain>").  why receives a short
 * reason for UNKNOWN/TEMPFAIL verdicts (for the log and the reply text).
 */
/* An address that cannot be parsed is MD_RCPT_PASS with out->addr "". */
enum md_rcpt_verdict md_resolve_rcpt(const struct md_resolver *res, const char *rcpt,
	    struct md_desk_rcpt *out, char *why, size_t whylen);

#endif
