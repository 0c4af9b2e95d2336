/*
 * ingest.h - assemble the inbox record for one message and one desk recipient.
 *
 * The milter collects the envelope (SMTP dialogue), the parsed message
 * (mime.h) and the trust verdict (SPF, score, automated) and hands them
 * here; this is the only place that knows how those facts map onto the
 * record fields documented in doc/redis-schema.md.
 */
#ifndef MD_INGEST_H
#define MD_INGEST_H

#include <stddef.h>

#include "mime.h"
#include "record.h"
#include "resolve.h"

struct md_envelope {
	const char	*queue_id;	/* MTA queue id ("i" macro), may be "" */
	const char	*client_ip;	/* "198.51.100.7", "2001:db8::1", "" if unknown */
	const char	*helo;
	const char	*mail_from;	/* normalized, "" = null sender */
	long		 received;	/* unix time the message was accepted */
};

struct md_verdict {
	const char	*spf;		/* "pass" ... or "" when not checked */
	const char	*received_spf;
	double		 score;
	const char	*rules;		/* "NAME=w,NAME=w" */
	const char	*auto_reason;	/* non-NULL: automated mail */
	int		 spam;		/* score >= mark threshold */
};

/* "new", "reply", "unsubscribe" or "automated". */
const char *md_ingest_kind(const struct md_desk_rcpt *rcpt, const struct md_verdict *v);

/* Fills out (initialised by the caller) with every field.  0 or -1 (ENOMEM). */
int	md_ingest_record(const struct md_envelope *env, const struct md_desk_rcpt *rcpt,
	    const struct md_mime *m, const char *raw, size_t rawlen,
	    const struct md_verdict *v, struct md_record *out);

/* RFC 3339 UTC timestamp of t into out (>= 21 bytes). */
void	md_rfc3339(long t, char *out, size_t outlen);

#endif
