/*
 * outbox_fate.h - how one outbound mail ends, as a pure function of what
 * happened to it.  The worker's sender loop (worker/outbox.c) gathers the
 * facts, asks here and carries the answer out in the database; the rules
 * and why are at the top of worker/outbox.c, their table-driven test is
 * tests/unit/test_outbox_fate.c.
 */
#ifndef MD_OUTBOX_FATE_H
#define MD_OUTBOX_FATE_H

#include "conf.h"
#include "smtp.h"

#define MD_OUTBOX_LIFETIME_S	(5 * 86400)	/* like Postfix maximal_queue_lifetime */

enum md_fate {
	MD_FATE_SEND = 0,	/* before: go ahead and send it */
	MD_FATE_RESEND,		/* before: a dead sender was handing over a person's mail */
	MD_FATE_DROP_HANDED_OVER,	/* before: ... automatic mail: never twice */
	MD_FATE_DROP_MALFORMED,	/* before: no recipient or no message (our bug) */
	MD_FATE_SENT,		/* the relay took it */
	MD_FATE_BOUNCE,		/* the relay refused the recipient: failed, bounced */
	MD_FATE_REFUSED,	/* the relay refused the message: dropped, nobody marked */
	MD_FATE_TAKEN,		/* our claim ran out and another sender has it */
	MD_FATE_RETRY,		/* queued again after delay_s */
	MD_FATE_GIVE_UP,	/* temporary failures for too long: a bounce */
};

struct md_fate_facts {
	const char		*kind;		/* outbox kind (md_mail_kind_automatic) */
	int			 handover_marked;	/* claimed with a handover marker set */
	int			 malformed;	/* no recipient or an empty message */
	enum md_smtp_result	 result;	/* after sending */
	int			 lost;		/* the handover found the claim gone */
	int			 hook_failed;	/* the handover marker could not be set */
	int			 uncertain;	/* handed over, no verdict on the data */
	long			 age_s;		/* since the row was created */
	int			 attempts;	/* including this one */
};

struct md_fate_decision {
	enum md_fate	 fate;
	long		 delay_s;	/* MD_FATE_RETRY */
	int		 keep_handover;	/* MD_FATE_RETRY: the marker stays (uncertain) */
};

/* Before sending a claimed row. */
void	md_outbox_fate_before(const struct md_fate_facts *f, struct md_fate_decision *d);
/* After md_smtp_submit(). */
void	md_outbox_fate_after(const struct md_config *cfg, const struct md_fate_facts *f,
	    struct md_fate_decision *d);
/* Seconds before attempt number attempts + 1: retry_base_s doubling, at most retry_max_s. */
long	md_outbox_backoff_s(const struct md_config *cfg, int attempts);
/* 1 when err is no answer from the relay (or its 421), not a reply of its own. */
int	md_outbox_relay_unreachable(const char *err);

#endif
