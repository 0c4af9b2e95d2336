/*
 * mime_charset.h - internal to the MIME parser: charset labels as senders
 * write them, and text in them turned into UTF-8.
 */
#ifndef MD_MIME_CHARSET_H
#define MD_MIME_CHARSET_H

#include <stddef.h>

#define MD_CHARSET_MAX	64	/* longer charset names are not looked up */

/*
 * The iconv name to decode text labelled cs with (NULL if cs is empty or
 * too long).  The label is cleaned first (quotes, blanks and a trailing
 * "(comment)" dropped), then mapped the way browsers do (WHATWG Encoding):
 * a legacy label means its Windows superset, because that is what the
 * sender's machine produced ("ks_c_5601-1987" and "euc-kr" are cp949,
 * "shift_jis" is cp932, "gb2312" is gb18030, "big5" is big5-hkscs...).
 * buf (at least MD_CHARSET_MAX bytes) holds the result when it is not a
 * constant.
 */
const char *md_charset_decoder(const char *cs, char *buf, size_t bufsz);

/*
 * The decoder for an exact label of len bytes (an RFC 2047 word's charset)
 * when it is one that lies (see md_charset_decoder), else NULL.  Latin-1
 * and ASCII labels give CP1252.
 */
const char *md_charset_alias(const char *label, size_t len);

/* 1 if cs names UTF-8; 2 if it names ASCII or Latin-1 (windows-1252). */
int	 md_charset_kind(const char *cs);

/*
 * n bytes in charset cs (may be NULL) as malloc'd, NUL-free UTF-8, never
 * failing on bad input (NULL only on ENOMEM); see mime_charset.c for the
 * guesses made when the label lies.
 */
char	*md_charset_to_utf8(const char *p, size_t n, const char *cs);

/*
 * The charset an HTML text declares in its first <meta> with "charset="
 * (<meta charset="..."> or http-equiv's content="text/html; charset=...")
 * within its first bytes, copied to buf; NULL if none.  For HTML parts
 * whose Content-Type has no charset: Outlook and web forms often leave it
 * to the markup.
 */
const char *md_charset_html_meta(const char *p, size_t n, char *buf,
	    size_t bufsz);

/* The iconv label for Windows code page cp ("CP1252", "UTF-8"...), in buf
 * when not a constant. */
const char *md_charset_of_codepage(unsigned cp, char *buf, size_t bufsz);

#endif
