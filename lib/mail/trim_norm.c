/*
 * trim_norm.c - making a line of a reply comparable: invisible characters
 * (zero widths, bidi controls, soft hyphens) removed, the many spaces of
 * Unicode made one plain space, the digits of other scripts made ASCII.  The clients put such characters into
 * their markers ("a écrit\xc2\xa0:", "\xe2\x80\x8b-- ", RTL headers in
 * embeddings), so the phrase tables need only one spelling.
 */
#include "config.h"

#include <stddef.h>

#include "trim_int.h"

/*
 * Bytes of an invisible character at p (removed), or 0.  The bidi controls
 * are among them: Gmail and Outlook wrap Arabic, Hebrew and Persian reply
 * headers, names and addresses in embeddings and marks.
 */
static size_t
invisible(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0xc2 && p[1] == 0xad)
		return 2;	/* soft hyphen */
	if (n >= 2 && p[0] == 0xd8 && p[1] == 0x9c)
		return 2;	/* U+061C Arabic letter mark */
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0x8b && p[2] <= 0x8f)
		return 3;	/* U+200B..U+200F, zero widths, LRM, RLM */
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae)
		return 3;	/* U+202A..U+202E, bidi embeddings */
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0xa0)
		return 3;	/* word joiner */
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
		return 3;	/* U+2066..U+2069, bidi isolates */
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return 3;	/* BOM, zero width no-break space */
	return 0;
}

/* Bytes of a space character at p (made ' '), or 0. */
static size_t
spacech(const unsigned char *p, size_t n)
{
	if (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\v' ||
	    p[0] == '\f')
		return 1;
	if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0)
		return 2;	/* no-break space */
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
	    ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xaf))
		return 3;	/* U+2000..U+200A, U+202F (not a broken one's next byte) */
	if (n >= 3 && p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;	/* ideographic space */
	return 0;
}

/*
 * Bytes of a digit of another script at p (Arabic-Indic, Persian,
 * Devanagari, Bengali, Thai, fullwidth), its value in *d; or 0.  Clients
 * write dates and times in them, the rules look for ASCII digits.
 */
static size_t
digit(const unsigned char *p, size_t n, char *d)
{
	static const struct {
		unsigned char	b0, b1, zero;	/* lead bytes, third/second of 0 */
		size_t		len;
	} scripts[] = {
		{ 0xd9, 0, 0xa0, 2 },		/* U+0660 Arabic-Indic */
		{ 0xdb, 0, 0xb0, 2 },		/* U+06F0 Persian */
		{ 0xe0, 0xa5, 0xa6, 3 },	/* U+0966 Devanagari */
		{ 0xe0, 0xa7, 0xa6, 3 },	/* U+09E6 Bengali */
		{ 0xe0, 0xb9, 0x90, 3 },	/* U+0E50 Thai */
		{ 0xef, 0xbc, 0x90, 3 },	/* U+FF10 fullwidth */
	};
	size_t i;
	unsigned char c;

	for (i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
		if (n < scripts[i].len || p[0] != scripts[i].b0 ||
		    (scripts[i].len == 3 && p[1] != scripts[i].b1))
			continue;
		c = p[scripts[i].len - 1];
		if (c >= scripts[i].zero && c <= scripts[i].zero + 9) {
			*d = (char)('0' + (c - scripts[i].zero));
			return scripts[i].len;
		}
	}
	return 0;
}

size_t
md_trim_normalise(const char *src, size_t len, char *dst)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t i = 0, k = 0, w;
	int space = 0;
	char d;

	while (i < len) {
		if ((w = invisible(p + i, len - i)) > 0) {
			i += w;
		} else if ((w = spacech(p + i, len - i)) > 0) {
			i += w;
			space = 1;
		} else {
			if (space && k > 0)
				dst[k++] = ' ';
			space = 0;
			if ((w = digit(p + i, len - i, &d)) > 0) {
				dst[k++] = d;
				i += w;
			} else
				dst[k++] = (char)p[i++];
		}
	}
	return k;
}

/* Drops trailing blanks and invisible characters from p[0, *len). */
void
md_trim_rstrip(const char *p, size_t *len)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t n = *len;

	for (;;) {
		if (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
		    p[n - 1] == '\r'))
			n--;
		else if (n >= 2 && (spacech(u + n - 2, 2) == 2 ||
		    invisible(u + n - 2, 2) == 2))
			n -= 2;
		else if (n >= 3 && (spacech(u + n - 3, 3) == 3 ||
		    invisible(u + n - 3, 3) == 3))
			n -= 3;
		else
			break;
	}
	*len = n;
}
