/*
 * mime.h - a raw RFC 5322 message turned into the facts maildesk needs.
 *
 * GMime 3 does the parsing.  Everything returned is valid UTF-8 without NUL
 * bytes (invalid sequences are replaced), whatever charset or garbage the
 * sender used, so the strings can go into Redis, JSON and HTML safely.
 * A message GMime cannot make sense of still yields a result: parse_error
 * is set and text holds a best-effort rendering of the raw body.
 */
#ifndef MD_MIME_H
#define MD_MIME_H

#include <stddef.h>

/*
 * Bounds on what one message can make md_mime_parse produce.  Longer
 * header-derived strings and texts are cut at a character boundary; parts
 * nested deeper than MD_MIME_MAX_DEPTH are ignored (and parse_error set);
 * attachments past MD_MIME_MAX_ATTACHMENTS are not listed.
 */
#define MD_MIME_MAX_HEADER	(64 * 1024)	/* any header-derived string */
#define MD_MIME_MAX_TEXT	(1024 * 1024)	/* text, after HTML rendering */
#define MD_MIME_MAX_FILENAME	255
#define MD_MIME_MAX_DEPTH	64		/* multipart levels walked */
#define MD_MIME_MAX_ATTACHMENTS	1000

/*
 * Must be called once before threads start (wraps g_mime_init and builds
 * the parser options every thread then shares read-only).  Calling it again
 * is harmless; md_mime_parse calls it too.
 */
void	md_mime_init(void);
void	md_mime_shutdown(void);

struct md_attachment {
	char	*filename;	/* UTF-8, never NULL ("" if none); path separators
				   removed; an attached message without one:
				   its Subject + ".eml" */
	char	*content_type;	/* "application/pdf" */
	char	*data;		/* decoded bytes (plus a NUL), only when want_data
				   and size <= max_attachment; else NULL */
	size_t	 size;		/* decoded size */
};

struct md_mime {
	char	*subject;	/* decoded, "" if missing */
	char	*from;		/* first From mailbox as "Name <addr>", "" if none */
	char	*from_addr;	/* addr only, lower-cased domain, "" if none */
	char	*from_name;	/* display name, "" if none */
	int	 from_count;	/* number of From mailboxes (0, 1, or more = suspicious) */
	char	*reply_to;	/* first Reply-To address, "" */
	char	*cc;		/* Cc addresses, comma separated, "" */
	char	*message_id;	/* without <>, "" if missing */
	char	*in_reply_to;	/* without <>, "" */
	char	*references;	/* space separated ids without <>, "" */
	int	 has_date;
	char	*text;		/* text/plain body (or HTML rendered to text), UTF-8,
				   "\n" line ends, at most MD_MIME_MAX_TEXT bytes */
	int	 html_only;	/* text came from an HTML part */
	char	*html;		/* the first text/html part as it came (not
				   rendered), UTF-8, at most MD_MIME_MAX_TEXT
				   bytes, "" if none: md_reply_visible trims
				   by its quote markers */
	size_t	 html_len;	/* strlen(html) */
	int	 parse_error;	/* GMime could not parse the structure, or it
				   is broken (unclosed or unused boundary,
				   nesting beyond MD_MIME_MAX_DEPTH) */

	/* automated-mail signals (raw header values, "" when absent) */
	char	*auto_submitted;
	int	 has_auto_submitted;	/* the header is there, even if empty:
				   only "no" means a human (RFC 3834 5.) */
	char	*precedence;
	char	*x_autoreply;	/* X-Autoreply */
	char	*x_autorespond;	/* X-Autorespond (judged apart: "X-Autoreply:
				   no" must not hide "X-Autorespond: yes") */
	char	*list_id;	/* List-Id, else List-Unsubscribe (first
				   that is not blank) */
	char	*return_path;	/* Return-Path already in the message: set
				   by an earlier delivery, "<>" = a bounce */
	int	 is_report;	/* multipart/report (DSN, MDN), message/delivery-status
				   or message/disposition-notification anywhere */

	size_t	 nattachments;
	struct md_attachment *attachments;
};

/*
 * Parses len bytes of raw message (CRLF or LF line ends).  Safe to call
 * from many threads at once, each with its own out.
 * An attached message/rfc822 is one attachment; its body is never the text.
 * A TNEF part (winmail.dat) is listed as the files it holds, and is kept
 * itself when it cannot be read completely (mime_parts.c).
 * want_data: also keep attachment bytes.
 * max_attachment: attachments bigger than this are listed with data NULL.
 * Returns 0 (out filled; free with md_mime_free) or -1 only on ENOMEM.
 */
int	md_mime_parse(const char *raw, size_t len, int want_data,
	    size_t max_attachment, struct md_mime *out);
void	md_mime_free(struct md_mime *m);

/*
 * Renders HTML to plain text: drops tags, script/style contents and
 * comments, decodes entities, turns <br>, <p>, <div>, <li>, <tr> into line
 * breaks.  Input need not be valid.  Returns a malloc'd UTF-8 string.
 */
char	*md_html_to_text(const char *html, size_t len);

/* Makes s valid UTF-8 (bad bytes -> U+FFFD, NUL -> dropped); malloc'd. */
char	*md_utf8_sanitize(const char *s, size_t len);

/* 1 if s is valid UTF-8 (NUL bytes allowed: md_utf8_sanitize drops them). */
int	md_utf8_valid(const char *s, size_t len);

/* Decodes windows-1252 (never fails; NUL dropped); malloc'd, NULL on ENOMEM. */
char	*md_cp1252_to_utf8(const char *s, size_t len);

#endif
