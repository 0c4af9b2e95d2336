/*
 * compose.h - build the outbound mails maildesk sends (RFC 5322 + MIME).
 *
 * Every mail we send is automatic in the RFC 3834 sense, so it carries
 * Auto-Submitted and X-Auto-Response-Suppress (stops Exchange/Outlook
 * autoreplies), a Reply-To with the issue's reply address, and RFC 2369/8058
 * List-Unsubscribe headers.  Text is UTF-8, quoted-printable; header words
 * are RFC 2047 encoded when not ASCII.  Lines end with CRLF.
 */
#ifndef MD_COMPOSE_H
#define MD_COMPOSE_H

#include <stddef.h>

#include "buf.h"

struct md_outmail {
	const char	*from_name;		/* "Acme Support" */
	const char	*from_addr;		/* support+acme@desk.example */
	const char	*to_name;		/* customer's display name or NULL */
	const char	*to_addr;
	const char	*reply_to;		/* support+r-<key>@desk.example */
	const char	*subject;		/* UTF-8 */
	const char	*body;			/* UTF-8 text, \n or \r\n line ends */
	const char	*message_id;		/* without <>; see md_compose_message_id */
	const char	*in_reply_to;		/* without <>, or NULL */
	const char	*references;		/* space separated ids without <>, or NULL */
	const char	*unsubscribe_mailto;	/* support+u-<key>@desk.example or NULL */
	const char	*unsubscribe_url;	/* https://.../unsubscribe/<key> or NULL */
	const char	*auto_submitted;	/* "auto-replied" or "auto-generated" */
	const char	*issue_path;		/* "acme#12": X-Maildesk-Issue header */
	long		 date;			/* unix time; 0 = now */
};

/* Appends the complete message (headers, blank line, body) to out. 0 / -1. */
int	md_compose(const struct md_outmail *m, md_buf *out);

/* A fresh Message-ID "<random>@<domain>" without the angle brackets. */
int	md_compose_message_id(const char *domain, char *out, size_t outlen);

/* RFC 2047 B-encodes s if it is not plain printable ASCII (for headers). */
int	md_compose_header_word(const char *s, md_buf *out);

#endif
