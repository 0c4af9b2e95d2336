/*
 * mime_uu.c - files uuencoded into a plain text body.
 *
 * Before MIME attachments were everywhere, and still from Outlook Express,
 * old Outlook "plain text" mode, scripts and some scanners, files came
 * inside the text as "begin 644 name" ... "end" blocks.  Left there, the
 * text is pages of "M..." lines and the file is not listed; so each valid
 * block becomes an attachment and leaves the text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "file_type.h"
#include "mime_int.h"

#define UU(c)	(((unsigned char)(c) - 0x20) & 0x3f)

/* "begin 644 name": the name's start, or NULL. */
static const char *
begin_line(const char *p, const char *eol)
{
	const char *q = p + 6;
	int digits = 0;

	if (eol - p < 11 || strncmp(p, "begin ", 6) != 0)
		return NULL;
	for (; q < eol && *q >= '0' && *q <= '7'; q++)
		digits++;
	if (digits < 3 || digits > 4 || q >= eol || *q != ' ' || q + 1 >= eol)
		return NULL;
	return q + 1;
}

static const char *
line_end(const char *p)
{
	const char *e = strchr(p, '\n');

	return e ? e : p + strlen(p);
}

/*
 * One data line p..eol decoded onto b: 0 when valid, 1 when it is the
 * empty line that ends the data, -1 when it is no uuencode.  Encoders
 * drop trailing blanks (a blank is 0) and some add a check character, so
 * the length may be a little short or long.
 */
static int
data_line(const char *p, const char *eol, md_buf *b)
{
	size_t len = (size_t)(eol - p), n, i, need;
	unsigned char g[4];
	const char *q;

	if (len == 0 || (n = UU(p[0])) == 0)
		return 1;		/* "`", " " or a blank stripped to "" */
	need = (n + 2) / 3 * 4;
	if (len - 1 < (n * 4 + 2) / 3 || len - 1 > need + 2)
		return -1;
	for (q = p + 1; q < eol; q++)
		if (*q < 0x20 || *q > 0x60)
			return -1;
	for (i = 0; i < need; i += 4) {
		size_t k;

		for (k = 0; k < 4; k++)
			g[k] = 1 + i + k < len ? UU(p[1 + i + k]) : 0;
		md_buf_putc(b, (char)(g[0] << 2 | g[1] >> 4));
		md_buf_putc(b, (char)(g[1] << 4 | g[2] >> 2));
		md_buf_putc(b, (char)(g[2] << 6 | g[3]));
	}
	if (!md_buf_failed(b))
		b->len -= need / 4 * 3 - n;	/* the last group's padding */
	return 0;
}

/* "end", maybe with blanks after it. */
static int
end_line(const char *p, const char *eol)
{
	if (eol - p < 3 || strncmp(p, "end", 3) != 0)
		return 0;
	for (p += 3; p < eol && (*p == ' ' || *p == '\t'); p++)
		;
	return p == eol;
}

/*
 * The block whose begin line is at p: decoded into an attachment named
 * name..name_end; returns past its "end" line, or NULL when it is no
 * valid block (or the list is full) and stays text.
 */
static const char *
block(struct walk *w, const char *p, const char *name, const char *name_end)
{
	md_buf b = MD_BUF_INIT;
	struct md_attachment *a;
	const char *type;
	const char *eol = line_end(p), *past = NULL;
	int rc = 0;

	for (p = *eol ? eol + 1 : eol; *p != '\0' && rc == 0; ) {
		eol = line_end(p);
		if (end_line(p, eol)) {		/* some encoders skip the "`" line */
			past = *eol ? eol + 1 : eol;
			break;
		}
		rc = data_line(p, eol, &b);
		p = *eol ? eol + 1 : eol;
		if (rc == 1 && end_line(p, eol = line_end(p)))
			past = *eol ? eol + 1 : eol;
	}
	if (past == NULL || md_buf_failed(&b) ||
	    (a = md_mime_new_attachment(w)) == NULL) {
		md_buf_free(&b);
		return NULL;
	}
	a->filename = md_mime_clean(w, name, (size_t)(name_end - name),
	    MD_MIME_MAX_FILENAME, CL_NAME);
	type = md_file_type_guess(a->filename);
	a->content_type = md_mime_clean(w, type, strlen(type),
	    MD_MIME_MAX_FILENAME, CL_LINE);
	a->size = b.len;
	if (w->want_data && a->size <= w->max_attachment)
		md_mime_set_data(w, a, b.data, b.len);
	md_buf_free(&b);
	return past;
}

void
md_mime_uudecode_text(struct walk *w)
{
	char *t = w->out->text;
	const char *p, *run, *eol, *name, *past;
	md_buf keep = MD_BUF_INIT;
	int found = 0;

	if (t == NULL || strstr(t, "begin ") == NULL)
		return;
	for (p = run = t; *p != '\0' && !w->oom; ) {
		eol = line_end(p);
		if ((p == t || p[-1] == '\n') && (name = begin_line(p, eol)) != NULL &&
		    (past = block(w, p, name, eol)) != NULL) {
			md_buf_append(&keep, run, (size_t)(p - run));
			p = run = past;
			found = 1;
			continue;
		}
		p = *eol ? eol + 1 : eol;
	}
	if (!found || w->oom) {
		md_buf_free(&keep);
		return;
	}
	md_buf_puts(&keep, run);
	if (md_buf_failed(&keep)) {
		w->oom = 1;
		md_buf_free(&keep);
		return;
	}
	free(w->out->text);
	w->out->text = md_buf_detach(&keep);
}
