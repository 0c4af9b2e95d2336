/*
 * mime_flowed.c - text/plain; format=flowed (RFC 3676) undone.
 *
 * Thunderbird, Apple Mail, K-9 and many webmailers send flowed text: each
 * paragraph is cut into lines of about 72 characters, a line that goes on
 * ends in a space, and with DelSp=yes (Japanese, Chinese: no spaces between
 * words) that space is not part of the text.  Kept as it came, the record's
 * text has a break in the middle of every sentence, and a quoted
 * "On ... wrote:" line that was cut is no longer one line.
 */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "mime_int.h"

/*
 * s (LF line ends) with its flowed lines joined; malloc'd, NULL on ENOMEM.
 * Quoted lines keep their depth as ">> " marks (so ">x" grows by one).
 */
char *
md_mime_unflow(const char *s, int delsp)
{
	md_buf b = MD_BUF_INIT;
	const char *p = s, *eol, *q;
	size_t depth, open_depth = 0, len, i;
	int open = 0, flowed, sig, joins;

	md_buf_reserve(&b, strlen(s));
	while (*p != '\0') {
		if ((eol = strchr(p, '\n')) == NULL)
			eol = p + strlen(p);
		for (depth = 0; p + depth < eol && p[depth] == '>'; depth++)
			;
		q = p + depth;
		if (q < eol && *q == ' ')	/* space-stuffed, or "> " */
			q++;
		len = (size_t)(eol - q);
		/*
		 * The signature separator is never flowed (RFC 3676 4.3), and
		 * an empty line never continues a paragraph: many mailers
		 * leave a space at the end of every paragraph, and joining the
		 * blank line after it would lose the paragraph break.
		 */
		sig = len == 3 && memcmp(q, "-- ", 3) == 0;
		flowed = len > 0 && q[len - 1] == ' ' && !sig;
		joins = open && depth == open_depth && len > 0 && !sig;
		if (open && !joins)
			md_buf_putc(&b, '\n');	/* that paragraph ended */
		if (!joins && depth > 0) {
			for (i = 0; i < depth; i++)
				md_buf_putc(&b, '>');
			md_buf_putc(&b, ' ');
		}
		if (flowed && delsp)
			len--;
		md_buf_append(&b, q, len);
		open = flowed;
		open_depth = depth;
		if (!flowed && *eol == '\n')
			md_buf_putc(&b, '\n');
		p = *eol == '\n' ? eol + 1 : eol;
	}
	if (open && p > s && p[-1] == '\n')
		md_buf_putc(&b, '\n');
	if (md_buf_failed(&b)) {
		md_buf_free(&b);
		return NULL;
	}
	return md_buf_detach(&b);
}
