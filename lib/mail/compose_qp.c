/*
 * compose_qp.c - the body of an outbound mail as quoted-printable (RFC
 * 2045 6.7) with CRLF line ends.
 *
 * Split from compose.c, which writes the headers and puts the mail
 * together: encoding the body is a job of its own, and one that also keeps
 * the text safe in transit (a lone "." would end the SMTP DATA, "From "
 * at a line start becomes ">From " in an mbox, trailing blanks get
 * stripped), which is why some bytes are escaped that QP itself allows.
 */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "compose_int.h"

#define QP_LINE_MAX	76	/* RFC 2045 6.7 (5) */

/* Does the output line need this byte written as =XX? */
static int
qp_escape(const char *l, size_t i, size_t n, size_t col)
{
	unsigned char c = (unsigned char)l[i];

	if (c == '=' || c >= 0x7f || (c < 0x20 && c != '\t'))
		return 1;
	if ((c == ' ' || c == '\t') && i + 1 == n)
		return 1;	/* trailing blanks get stripped in transit */
	if (col == 0 && c == '.')
		return 1;	/* a lone "." ends the SMTP DATA */
	if (col == 0 && c == 'F' && n - i >= 5 && memcmp(l + i, "From ", 5) == 0)
		return 1;	/* mbox would turn it into ">From " */
	return 0;
}

/*
 * One input line (without its line end) as QP lines of <= 76 chars.  When
 * soft_end is set the caller ends the line with "=", so the last token may
 * not take column 76 either.
 */
static int
qp_line(const char *l, size_t n, int soft_end, md_buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, col = 0, tl;
	char tok[3];
	int esc;

	for (i = 0; i < n; i++) {
		esc = qp_escape(l, i, n, col);
		tl = esc ? 3 : 1;
		/* the last token may use column 76; others leave room for "=" */
		if (col + tl > QP_LINE_MAX - 1 &&
		    !(i + 1 == n && !soft_end && col + tl <= QP_LINE_MAX)) {
			if (md_buf_puts(out, "=\r\n") < 0)
				return -1;
			col = 0;
			esc = qp_escape(l, i, n, col);
			tl = esc ? 3 : 1;
		}
		tok[0] = esc ? '=' : l[i];
		tok[1] = hex[(unsigned char)l[i] >> 4];
		tok[2] = hex[(unsigned char)l[i] & 15];
		if (md_buf_append(out, tok, tl) < 0)
			return -1;
		col += tl;
	}
	return 0;
}

/*
 * The body as quoted-printable with CRLF line ends.  A body that does not
 * end in a newline ends in a soft line break, so it decodes back exactly.
 */
int
md_qp_body(const char *body, md_buf *out)
{
	const char *l = body ? body : "", *nl;
	size_t n;

	while (*l != '\0') {
		nl = strchr(l, '\n');
		n = nl ? (size_t)(nl - l) : strlen(l);
		if (nl != NULL && n > 0 && l[n - 1] == '\r')
			n--;
		if (qp_line(l, n, nl == NULL, out) < 0 ||
		    md_buf_puts(out, nl ? "\r\n" : "=\r\n") < 0)
			return -1;
		if (nl == NULL)
			break;
		l = nl + 1;
	}
	return 0;
}
