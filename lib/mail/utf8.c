/*
 * utf8.c - foreign bytes into clean UTF-8: strict UTF-8 repair (what the
 * rest of maildesk relies on: no invalid sequences, no NUL) and
 * windows-1252 decoding (the last-resort charset for 8-bit text that is
 * not UTF-8).  Public entry points are declared in mime.h.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime.h"
#include "utf8.h"

#define REPLACEMENT	0xfffdu

/* ---- UTF-8 ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if it is invalid. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	uint32_t cp, min;
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2, cp = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3, cp = p[0] & 0x0f, min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4, cp = p[0] & 0x07, min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond-Unicode are all invalid */
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Encodes a code point (invalid ones as U+FFFD); returns the length. */
size_t
md_utf8_encode(uint32_t cp, char out[4])
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int
md_utf8_put_cp(md_buf *b, uint32_t cp)
{
	char u[4];

	return md_buf_append(b, u, md_utf8_encode(cp, u));
}

int
md_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (p != NULL && i < len) {
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

/*
 * Valid multibyte sequences in s: text declared UTF-8 that has none but
 * does have 8-bit bytes was written in a legacy charset (mime_charset.c).
 */
size_t
md_utf8_multibyte(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, count = 0;

	while (p != NULL && i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_seq(p + i, len - i);
		count += n > 1;
		i += n > 0 ? n : 1;
	}
	return count;
}

char *
md_utf8_sanitize(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	md_buf b = MD_BUF_INIT;
	size_t i = 0, run = 0, n;
	int rc;

	if (s == NULL)
		len = 0;
	rc = md_buf_reserve(&b, len);

	/* Copy runs of valid bytes in one append; fix up what breaks a run. */
	while (rc == 0 && i < len) {
		n = utf8_seq(p + i, len - i);
		if (n > 0 && p[i] != '\0') {
			i += n;
			continue;
		}
		rc = md_buf_append(&b, p + run, i - run);
		if (rc == 0 && n == 0)
			rc = md_utf8_put_cp(&b, REPLACEMENT);
		i++;
		run = i;
	}
	if (rc == 0)
		rc = md_buf_append(&b, p + run, i - run);
	if (rc < 0) {
		md_buf_free(&b);
		return NULL;
	}
	return md_buf_detach(&b);
}

/* ---- windows-1252 --------------------------------------------------- */

/* 0x80-0x9f; the five unassigned bytes become U+FFFD. */
static const uint16_t cp1252_c1[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178
};

uint32_t
md_cp1252_char(unsigned char c)
{
	return c >= 0x80 && c < 0xa0 ? cp1252_c1[c - 0x80] : c;
}

char *
md_cp1252_to_utf8(const char *s, size_t len)
{
	md_buf b = MD_BUF_INIT;
	size_t i;
	int rc = md_buf_reserve(&b, len);

	for (i = 0; s != NULL && rc == 0 && i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			continue;
		rc = c < 0x80 ? md_buf_putc(&b, (char)c) :
		    md_utf8_put_cp(&b, md_cp1252_char(c));
	}
	if (rc < 0) {
		md_buf_free(&b);
		return NULL;
	}
	return md_buf_detach(&b);
}

size_t
md_utf8_prefix(const char *s, size_t len, size_t n)
{
	size_t k;

	if (n >= len)
		return len;
	for (k = n; k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80; k--)
		;
	return k > 0 ? k : n;
}
