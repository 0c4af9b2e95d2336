/*
 * mime_int.h - what mime.c (the tree and the body), mime_parts.c (one
 * part's text and file) and mime_headers.c (the headers and the string
 * cleaning everything goes through) share.
 */
#ifndef MD_MIME_INT_H
#define MD_MIME_INT_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "mime.h"

/* What md_mime_clean() does besides UTF-8 repair and the length cap. */
enum {
	CL_LINE = 1,	/* header value: controls -> space, trimmed */
	CL_TEXT = 2,	/* body text: CRLF and lone CR -> LF */
	CL_NAME = 4	/* filename: no '/', '\\' or controls */
};

#define MD_MIME_PLAIN_PARTS	16	/* body parts of a type joined into one */

/* Later body parts of one type beside the first in a multipart/mixed. */
struct body_more {
	GMimeObject	*parent;	/* the first's multipart */
	GMimeObject	*part[MD_MIME_PLAIN_PARTS];
	int		 n;
};

/* Per-call state while walking the MIME tree. */
struct walk {
	struct md_mime	*out;
	const char	*raw;		/* the message as given */
	size_t		 rawlen;
	int		 close_checks;	/* left */
	int		 want_data;
	size_t		 max_attachment;
	GMimeObject	*plain_alt;	/* first text/plain in a multipart/alternative */
	GMimeObject	*plain;		/* first text/plain anywhere */
	struct body_more plain_more;	/* its body siblings */
	GMimeObject	*named[MD_MIME_PLAIN_PARTS]; /* attachments with a
					   non-ASCII name, and their index */
	size_t		 named_at[MD_MIME_PLAIN_PARTS];
	int		 nnamed;
	GMimeObject	*named_text;	/* first text file not marked attachment */
	GMimeObject	*html;		/* first text/html */
	struct body_more html_more;
	const char	*prologue;	/* of the first multipart without parts */
	const char	*tnef_text;	/* of the first TNEF blob with text (owned
					   by its part; see md_mime_tnef_text) */
	size_t		 cap;		/* attachments allocated */
	int		 oom;
};

/*
 * What a leaf part holds with its transfer encoding undone onto st, text and
 * files alike: base64 and quoted-printable by the lenient decoders of
 * mime_decode.c, other encodings by GMime.
 */
void	 md_mime_write_decoded(GMimeObject *obj, GMimeStream *st);
/* n bytes (a copy, NUL-terminated for callers that rely on it) as a's data
 * and size; w->oom when out of memory. */
void	 md_mime_set_data(struct walk *w, struct md_attachment *a, const void *p,
	    size_t n);
/* A zeroed attachment at the end of w->out's list; NULL when full. */
struct md_attachment *md_mime_new_attachment(struct walk *w);
/*
 * Body text of a text/plain or text/html part, cleaned and capped; html 2:
 * the HTML itself, not rendered (mime_parts.c).
 */
char	*md_mime_part_text(struct walk *w, GMimeObject *obj, int html);
/* A part's filename as GMime reads it (RFC 2231 too), or its name=. */
const char *md_mime_filename(GMimeObject *obj);
/* obj into w->out's attachments: type, cleaned name, size, data if wanted. */
void	 md_mime_add_attachment(struct walk *w, GMimeObject *obj);
/*
 * The text of a TNEF blob (winmail.dat) as the message's text when it has
 * no other (mime_parts.c): body() calls it once every part is walked.
 */
void	 md_mime_tnef_text(struct walk *w);
/* Uuencoded files in w->out->text become attachments (mime_uu.c). */
void	 md_mime_uudecode_text(struct walk *w);

/* The parser options of every call (md_mime_init). */
extern GMimeParserOptions *md_mime_opts;

/*
 * s[0..len) as a bounded (max bytes), NUL-free, valid UTF-8 string with
 * the CL_* treatment; malloc'd, NULL (and w->oom set) when out of memory.
 */
char	*md_mime_clean(struct walk *w, const char *s, size_t len, size_t max, int flags);
/* A header value: one line, at most MD_MIME_MAX_HEADER bytes. */
char	*md_mime_clean_hdr(struct walk *w, const char *s);
/* RFC 3676 format=flowed text (LF line ends) unwrapped (mime_flowed.c). */
char	*md_mime_unflow(const char *s, int delsp);
/* The decoded headers of msg into w->out. */
void	 md_mime_headers(struct walk *w, GMimeMessage *msg);
/* Subject, From, Reply-To and Cc redone when raw 8-bit in the body's charset cs. */
void	 md_mime_headers_legacy(struct walk *w, GMimeMessage *msg, const char *cs);
/* A part's raw 8-bit filename decoded from cs; NULL if none (g_free). */
char	*md_mime_legacy_filename(GMimeObject *obj, const char *cs);

#endif
