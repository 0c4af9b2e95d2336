/*
 * compose_int.h - what compose.c (which header fields a mail carries)
 * takes from compose_fold.c (how a header field is written) and from
 * compose_qp.c (how the body is encoded).  lib/mail only; programs use
 * compose.h.
 */
#ifndef MD_COMPOSE_INT_H
#define MD_COMPOSE_INT_H

#include <stddef.h>

#include "buf.h"

/* A header field being written: where we are on the current line. */
struct md_hdr {
	md_buf	*out;
	size_t	 col;
	int	 ntok;		/* tokens written so far */
	int	 err;		/* sticky: out of memory */
};

/*
 * Copies s (NULL: "") into b (reset first) with control characters (CR
 * and LF above all) turned into spaces and surrounding whitespace
 * trimmed; returns b's text, NULL on ENOMEM.  Every value that reaches a
 * header goes through it, so no input can start a header of its own.
 */
const char *md_hdr_clean(const char *s, md_buf *b);

/* Starts the field "name:" on out. */
void	md_hdr_begin(struct md_hdr *h, md_buf *out, const char *name);
/* n bytes as they are, no folding (col still counts them). */
void	md_hdr_emit(struct md_hdr *h, const char *s, size_t n);
/* Writes ws (at least one blank) and tok, folding before them if needed. */
void	md_hdr_token(struct md_hdr *h, const char *ws, size_t wslen, const char *tok,
	    size_t len);
/* Unstructured text (Subject): plain words as they are, the rest encoded. */
void	md_hdr_text(struct md_hdr *h, const char *s);
/* A display name: a quoted string, or encoded words when that won't do. */
void	md_hdr_phrase(struct md_hdr *h, const char *name);
/* Ends the field with CRLF: 0, or -1 if anything ran out of memory. */
int	md_hdr_end(struct md_hdr *h);

/*
 * The body as quoted-printable with CRLF line ends, appended to out.  A
 * body that does not end in a newline ends in a soft line break, so it
 * decodes back exactly.  0 / -1.
 */
int	md_qp_body(const char *body, md_buf *out);

#endif
