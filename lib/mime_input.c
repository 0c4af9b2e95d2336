/*
 * mime_input.c - the bytes GMime gets: a copy of the raw message made safe
 * to parse (GMime has no limits of its own on some inputs, see below).
 */
#include "config.h"

#include <string.h>
#include <gmime/gmime.h>

#include "mime_input.h"

#define CHARSET_MAX	64	/* longer charset names are not looked up */

static int
is_lwsp(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * GMime copies charset names it meets in RFC 2047 words ("=?charset?")
 * and RFC 2231 values ("name*=charset'lang'...") onto the stack with
 * alloca, unbounded: a megabyte-long charset name overflows a thread's
 * stack.  No charset name is longer than CHARSET_MAX, so such would-be
 * charsets are broken up before GMime sees them (the '?' or the '*'
 * becomes a space or an 'X').  Text rarely has this shape; when a body
 * does ("=?" and no '?' for 64 bytes), it loses that '?' in md_mime.
 */
static void
defang_charsets(unsigned char *d, size_t len)
{
	size_t i, j, n;
	int quoted;

	for (i = 0; i + 1 < len; i++) {
		if (d[i] == '=' && d[i + 1] == '?') {
			/* GMime lets these charsets hold spaces, even folds */
			for (j = i + 2, n = 0; j < len && n <= CHARSET_MAX &&
			    d[j] != '?'; j++, n++)
				;
			if (n > CHARSET_MAX) {
				d[i + 1] = ' ';
			} else if (j + 2 < len && d[j + 2] == '?') {
				/*
				 * A real encoded word: skip to its "?=" so base64
				 * padding before it ("...==?=") is not read as the
				 * start of another word.
				 */
				for (j += 3; j + 1 < len && !is_lwsp(d[j]) &&
				    !(d[j] == '?' && d[j + 1] == '='); j++)
					;
				i = j;
			}
		} else if (d[i] == '*' && d[i + 1] == '=' && i > 0 &&
		    g_ascii_isalnum(d[i - 1])) {
			for (j = i + 2; j < len && is_lwsp(d[j]); j++)
				;
			quoted = j < len && d[j] == '"';
			for (j += quoted, n = 0; j < len && n <= CHARSET_MAX &&
			    d[j] != '\'' && d[j] != '"' &&
			    (quoted || (d[j] != ';' && !is_lwsp(d[j]))); j++, n++)
				;
			if (n > CHARSET_MAX)
				d[i] = 'X';
		}
	}
}

/*
 * GMime's stream over a copy of raw, made safe to parse.  NUL bytes in
 * the top-level header block become spaces: GMime keeps header values as
 * C strings, so a NUL would silently cut a From or Subject short.
 */
GMimeStream *
md_mime_input_stream(const char *raw, size_t len)
{
	GByteArray *a = g_byte_array_sized_new(len);
	unsigned char *d;
	size_t i;

	g_byte_array_append(a, (const guint8 *)raw, len);
	d = a->data;
	for (i = 0; i < len; i++) {
		if (d[i] == '\0')
			d[i] = ' ';
		else if (d[i] == '\n' && (i + 1 == len || d[i + 1] == '\n' ||
		    (d[i + 1] == '\r' && i + 2 < len && d[i + 2] == '\n')))
			break;
	}
	defang_charsets(d, len);
	return g_mime_stream_mem_new_with_byte_array(a);
}
