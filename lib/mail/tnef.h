/*
 * tnef.h - the files and the text inside a TNEF blob (winmail.dat,
 * application/ms-tnef), as Outlook and Exchange wrap them (MS-OXTNEF).
 *
 * A pure reader: bytes in, no GMime, no iconv, no logging.  Every length
 * in the blob is checked against what is left of it, so nothing is read
 * outside buf[0..len); the output is bounded by the input (file contents
 * point into buf) and by MD_TNEF_MAX_FILES.  The caller (mime_parts.c)
 * converts 8-bit strings from the blob's code page and keeps the original
 * winmail.dat whenever the result is not complete.
 */
#ifndef MD_TNEF_H
#define MD_TNEF_H

#include <stddef.h>

#define MD_TNEF_SIGNATURE	0x223E9F78u
#define MD_TNEF_MAX_FILES	256	/* more: the blob is malformed */
#define MD_TNEF_MAX_PROPS	4096	/* MAPI properties in one attribute */

enum {
	MD_TNEF_OK = 0,
	MD_TNEF_MALFORMED = -1,	/* no TNEF, truncated, a length that lies... */
	MD_TNEF_NOMEM = -2
};

/* A string out of the blob: UTF-8 (from UTF-16), or 8-bit in cp. */
struct md_tnef_str {
	char	*s;		/* malloc'd, NUL-terminated; NULL if absent */
	size_t	 len;		/* bytes before the NUL (8-bit text may hold NULs) */
	int	 eight_bit;	/* 1: in the blob's code page, not UTF-8 */
};

struct md_tnef_file {
	struct md_tnef_str name;	/* long name, else attAttachTitle */
	struct md_tnef_str mime_type;	/* PR_ATTACH_MIME_TAG, often absent */
	const unsigned char *data;	/* into the caller's buffer */
	size_t	 size;
	int	 has_data;
};

struct md_tnef {
	struct md_tnef_file *files;
	size_t	 nfiles;
	struct md_tnef_str body;	/* attBody, else PR_BODY, else PR_BODY_HTML */
	int	 body_html;		/* body is HTML (PR_BODY_HTML) */
	unsigned codepage;		/* of 8-bit names and attBody (attOemCodepage,
					   1252 when absent) */
	unsigned body_codepage;		/* of an 8-bit body */
	int	 bad_checksum;		/* some attribute's checksum did not add up */
	int	 incomplete;		/* something is not in files: an embedded
					   message, an OLE object, a file without data */
	int	 has_rtf;		/* the text as compressed RTF (not decoded;
					   Outlook sends it beside a text/plain) */
};

/*
 * Reads len bytes of TNEF.  MD_TNEF_OK: out is filled (md_tnef_free it);
 * otherwise out is empty.  Compressed RTF (PR_RTF_COMPRESSED) is not
 * decoded: a blob whose only text is RTF has no body, only has_rtf.
 */
int	 md_tnef_parse(const void *buf, size_t len, struct md_tnef *out);
void	 md_tnef_free(struct md_tnef *t);

/* 1 if buf starts with the TNEF signature. */
int	 md_tnef_is_tnef(const void *buf, size_t len);

#endif
