/*
 * mime_parts.c - what one MIME part holds: its text (decoded, converted to
 * UTF-8, HTML rendered, format=flowed unwrapped) and, for a file, its
 * entry in the attachment list.  mime.c walks the tree and decides which
 * part is the body and which are files; this file reads them.  A TNEF
 * blob (winmail.dat) is opened here and listed as the files it holds
 * (tnef.c reads it); an attached message without a name is named after
 * its Subject.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mime_charset.h"
#include "mime_int.h"
#include "file_type.h"
#include "tnef.h"

#define FORWARD_NAME_MAX	100	/* bytes of a Subject in a file name */

/* Writes what a leaf part or an attached message holds, decoded. */
static void
write_content(GMimeObject *obj, GMimeStream *st)
{
	GMimeMessage *inner;

	if (GMIME_IS_MESSAGE_PART(obj)) {
		inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (inner != NULL)
			g_mime_object_write_to_stream(GMIME_OBJECT(inner),
			    NULL, st);
	} else
		md_mime_write_decoded(obj, st);	/* lenient, as for text */
}

/* Decoded (transfer encoding undone) bytes; g_byte_array_free them. */
static GByteArray *
decoded(GMimeObject *obj)
{
	GMimeStream *st = g_mime_stream_mem_new();
	GByteArray *a;

	write_content(obj, st);
	a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(st));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
	g_object_unref(st);
	return a;
}

/* Decoded size, counted without keeping the bytes. */
static size_t
decoded_size(GMimeObject *obj)
{
	GMimeStream *st = g_mime_stream_null_new();
	size_t n;

	write_content(obj, st);
	n = GMIME_STREAM_NULL(st)->written;
	g_object_unref(st);
	return n;
}

/* 1 for text/plain; format=flowed, 2 if also DelSp=yes (RFC 3676). */
static int
flowed(GMimeObject *obj)
{
	const char *f = g_mime_object_get_content_type_parameter(obj, "format");
	const char *d = g_mime_object_get_content_type_parameter(obj, "delsp");

	if (f == NULL || g_ascii_strncasecmp(f, "flowed", 6) != 0)
		return 0;
	return d != NULL && g_ascii_strncasecmp(d, "yes", 3) == 0 ? 2 : 1;
}

/*
 * Body text of a text/plain or text/html part, cleaned and capped; html 2:
 * the HTML itself, not rendered.
 */
char *
md_mime_part_text(struct walk *w, GMimeObject *obj, int html)
{
	GByteArray *a = decoded(obj);
	char *u, *h, *r = NULL, meta[MD_CHARSET_MAX];
	const char *cs;

	cs = g_mime_object_get_content_type_parameter(obj, "charset");
	if (cs == NULL && html)
		cs = md_charset_html_meta((const char *)a->data, a->len, meta,
		    sizeof meta);
	u = md_charset_to_utf8(a->len ? (const char *)a->data : "", a->len, cs);
	g_byte_array_free(a, TRUE);
	if (u != NULL && html == 1) {
		h = md_html_to_text(u, strlen(u));
		free(u);
		u = h;
	}
	if (u != NULL)
		r = md_mime_clean(w, u, strlen(u), MD_MIME_MAX_TEXT, CL_TEXT);
	else
		w->oom = 1;
	free(u);
	if (r != NULL && html == 0 && flowed(obj)) {
		u = md_mime_unflow(r, flowed(obj) == 2);
		free(r);
		r = u != NULL ? md_mime_clean(w, u, strlen(u), MD_MIME_MAX_TEXT,
		    CL_TEXT) : NULL;
		w->oom |= u == NULL;
		free(u);
	}
	return r;
}

/* ---- attachments ----------------------------------------------------- */

static const char *
either(const char *a, const char *b)
{
	return a != NULL ? a : b;
}

const char *
md_mime_filename(GMimeObject *obj)
{
	if (GMIME_IS_PART(obj))
		return g_mime_part_get_filename(GMIME_PART(obj));
	return either(g_mime_object_get_content_disposition_parameter(obj,
	    "filename"), g_mime_object_get_content_type_parameter(obj, "name"));
}

void
md_mime_set_data(struct walk *w, struct md_attachment *a, const void *p, size_t n)
{
	if ((a->data = malloc(n + 1)) == NULL) {
		w->oom = 1;
		return;
	}
	if (n > 0)
		memcpy(a->data, p, n);
	a->data[n] = '\0';
	a->size = n;
}

static void
keep_data(struct walk *w, GMimeObject *obj, struct md_attachment *a)
{
	GByteArray *bytes;

	if (!w->want_data || a->size > w->max_attachment)
		return;
	bytes = decoded(obj);
	md_mime_set_data(w, a, bytes->data, bytes->len);
	g_byte_array_free(bytes, TRUE);
}

struct md_attachment *
md_mime_new_attachment(struct walk *w)
{
	struct md_mime *m = w->out;
	struct md_attachment *a;

	if (m->nattachments >= MD_MIME_MAX_ATTACHMENTS)
		return NULL;
	if (m->nattachments == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4;

		if ((a = realloc(m->attachments, cap * sizeof *a)) == NULL) {
			w->oom = 1;
			return NULL;
		}
		m->attachments = a;
		w->cap = cap;
	}
	a = &m->attachments[m->nattachments++];
	memset(a, 0, sizeof *a);
	return a;
}

static int
ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* ---- attached messages ------------------------------------------------ */

/*
 * An attached message (a forward) comes without a filename; the desk would
 * list it as "" and offer it for download as such.  Its Subject, made a
 * safe file name (no path separators or controls, no leading dots,
 * bounded), + ".eml" says what it is.
 */
static char *
forward_name(struct walk *w, GMimeObject *obj)
{
	GMimeMessage *inner = g_mime_message_part_get_message(
	    GMIME_MESSAGE_PART(obj));
	const char *subj = inner ? g_mime_message_get_subject(inner) : NULL;
	char *name, *s, *r;
	size_t n;

	name = md_mime_clean(w, subj, subj ? strlen(subj) : 0,
	    FORWARD_NAME_MAX, CL_NAME);
	if (name == NULL)
		return NULL;
	for (s = name; *s == '.' || *s == ' '; s++)
		;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ' '))
		n--;
	if (n == 0)
		r = strdup("forwarded-message.eml");
	else if ((r = malloc(n + 5)) != NULL) {
		memcpy(r, s, n);
		memcpy(r + n, ".eml", 5);
	}
	free(name);
	w->oom |= r == NULL;
	return r;
}

/* ---- TNEF (winmail.dat) ---------------------------------------------- */

static int
tnef_part(GMimeObject *obj)
{
	const char *name = md_mime_filename(obj);

	return GMIME_IS_PART(obj) && (g_mime_content_type_is_type(
	    g_mime_object_get_content_type(obj), "application", "ms-tnef") ||
	    g_mime_content_type_is_type(g_mime_object_get_content_type(obj),
	    "application", "vnd.ms-tnef") || (name != NULL &&
	    g_ascii_strcasecmp(name, "winmail.dat") == 0));
}

/* A string out of the blob as UTF-8 (malloc'd; NULL: out of memory). */
static char *
tnef_utf8(const struct md_tnef_str *s, unsigned cp)
{
	char buf[MD_CHARSET_MAX];

	if (!s->eight_bit)
		return strdup(s->s);
	return md_charset_to_utf8(s->s, s->len, md_charset_of_codepage(cp, buf,
	    sizeof buf));
}

/* A declared type is used when it looks like one, else the name's. */
static const char *
tnef_type(const char *declared, const char *name)
{
	const char *slash = declared ? strchr(declared, '/') : NULL;

	if (slash != NULL && slash > declared && slash[1] != '\0' &&
	    declared[strcspn(declared, " ;\t")] == '\0')
		return declared;
	return md_file_type_guess(name);
}

/* One file of the blob into the list; -1 when full or out of memory. */
static int
tnef_file(struct walk *w, const struct md_tnef_file *f, unsigned cp)
{
	struct md_attachment *a;
	char *name = NULL, *type = NULL;
	const char *t;

	if ((a = md_mime_new_attachment(w)) == NULL)
		return -1;
	if ((f->name.s != NULL && (name = tnef_utf8(&f->name, cp)) == NULL) ||
	    (f->mime_type.s != NULL &&
	    (type = tnef_utf8(&f->mime_type, cp)) == NULL))
		w->oom = 1;
	a->filename = md_mime_clean(w, name, name ? strlen(name) : 0,
	    MD_MIME_MAX_FILENAME, CL_NAME);
	t = tnef_type(type, a->filename);
	a->content_type = md_mime_clean(w, t, strlen(t), MD_MIME_MAX_FILENAME,
	    CL_LINE);
	free(name);
	free(type);
	a->size = f->size;
	if (w->want_data && f->size <= w->max_attachment)
		md_mime_set_data(w, a, f->data, f->size);
	return w->oom ? -1 : 0;
}

/*
 * The blob's text, kept for a message with no other (mime.c asks
 * md_mime_tnef_text).  The part owns it, so it lives as long as the
 * message being walked and needs no freeing of its own.
 */
static void
tnef_body(struct walk *w, GMimeObject *obj, const struct md_tnef *t)
{
	char *u, *h, *r;

	if (t->body.s == NULL || w->tnef_text != NULL)
		return;
	if ((u = tnef_utf8(&t->body, t->body_codepage)) == NULL) {
		w->oom = 1;
		return;
	}
	if (t->body_html) {
		h = md_html_to_text(u, strlen(u));
		free(u);
		if ((u = h) == NULL) {
			w->oom = 1;
			return;
		}
	}
	r = md_mime_clean(w, u, strlen(u), MD_MIME_MAX_TEXT, CL_TEXT);
	free(u);
	if (r == NULL)
		return;
	g_object_set_data_full(G_OBJECT(obj), "md-tnef-text", r, free);
	w->tnef_text = r;
}

/*
 * A TNEF part listed as the files it holds.  Returns 1 when they replace
 * it, 0 when winmail.dat must be listed too:
 *  - it is no TNEF we can read (then nothing was added);
 *  - a checksum was wrong (the files may be damaged);
 *  - it holds what we do not extract (an embedded message, an OLE object);
 *  - it holds text (attBody, PR_BODY, RTF) and no text part came before
 *    it: its text may be the message's only one.  Outlook puts its
 *    text/plain first, and the blob's text (mostly RTF, not decoded) is
 *    then that text again with formatting;
 *  - it holds nothing we know at all.
 */
static int
expand_tnef(struct walk *w, GMimeObject *obj)
{
	GByteArray *bytes = decoded(obj);
	struct md_tnef t;
	size_t i;
	int rc, whole, text;

	rc = md_tnef_parse(bytes->data, bytes->len, &t);
	if (rc != MD_TNEF_OK) {
		g_byte_array_free(bytes, TRUE);
		w->oom |= rc == MD_TNEF_NOMEM;
		return 0;
	}
	text = t.body.s != NULL || t.has_rtf;
	whole = !t.bad_checksum && !t.incomplete && (t.nfiles > 0 || text) &&
	    (!text || w->plain != NULL || w->html != NULL);
	for (i = 0; i < t.nfiles; i++)
		if (tnef_file(w, &t.files[i], t.codepage) < 0) {
			whole = 0;
			break;
		}
	if (!w->oom)
		tnef_body(w, obj, &t);
	md_tnef_free(&t);
	g_byte_array_free(bytes, TRUE);
	return whole && !w->oom;
}

/* Outlook may send an empty text/plain beside a blob that has the text. */
void
md_mime_tnef_text(struct walk *w)
{
	const char *t = w->out->text;

	if (w->tnef_text == NULL || w->oom ||
	    (t != NULL && t[strspn(t, " \t\n")] != '\0'))
		return;
	free(w->out->text);
	w->out->text = md_mime_clean(w, w->tnef_text, strlen(w->tnef_text),
	    MD_MIME_MAX_TEXT, CL_TEXT);
}

/* ---- one file -------------------------------------------------------- */

void
md_mime_add_attachment(struct walk *w, GMimeObject *obj)
{
	struct md_mime *m = w->out;
	struct md_attachment *a;
	const char *name;
	char *type;

	if (tnef_part(obj) && expand_tnef(w, obj))
		return;
	if (w->oom || (a = md_mime_new_attachment(w)) == NULL)
		return;
	type = g_mime_content_type_get_mime_type(
	    g_mime_object_get_content_type(obj));
	a->content_type = md_mime_clean(w, type, strlen(type), MD_MIME_MAX_FILENAME,
	    CL_LINE);
	g_free(type);
	name = md_mime_filename(obj);
	a->filename = md_mime_clean(w, name, name ? strlen(name) : 0,
	    MD_MIME_MAX_FILENAME, CL_NAME);
	if (a->filename != NULL && *a->filename == '\0' &&
	    GMIME_IS_MESSAGE_PART(obj)) {
		free(a->filename);
		a->filename = forward_name(w, obj);
	} else if (a->filename != NULL && !ascii(a->filename) &&
	    w->nnamed < MD_MIME_PLAIN_PARTS) {
		w->named[w->nnamed] = obj;	/* legacy_headers may redo it */
		w->named_at[w->nnamed++] = m->nattachments - 1;
	}
	a->size = decoded_size(obj);
	keep_data(w, obj, a);
}
