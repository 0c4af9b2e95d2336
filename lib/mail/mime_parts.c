/*
 * mime_parts.c - what one MIME part holds: its text (decoded, converted to
 * UTF-8, HTML rendered, format=flowed unwrapped) and, for a file, its
 * entry in the attachment list.  mime.c walks the tree and decides which
 * part is the body and which are files; this file reads them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mime_charset.h"
#include "mime_int.h"

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
	} else if (g_mime_part_get_content(GMIME_PART(obj)) != NULL)
		g_mime_data_wrapper_write_to_stream(
		    g_mime_part_get_content(GMIME_PART(obj)), st);
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
	GByteArray *a = md_mime_decode_text(obj);
	char *u, *h, *r = NULL, meta[MD_CHARSET_MAX];
	const char *cs;

	if (a == NULL)
		a = decoded(obj);

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

static void
keep_data(struct walk *w, GMimeObject *obj, struct md_attachment *a)
{
	GByteArray *bytes;

	if (!w->want_data || a->size > w->max_attachment)
		return;
	bytes = decoded(obj);
	if ((a->data = malloc(bytes->len + 1)) == NULL)
		w->oom = 1;
	else {
		if (bytes->len > 0)
			memcpy(a->data, bytes->data, bytes->len);
		a->data[bytes->len] = '\0';
		a->size = bytes->len;
	}
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

void
md_mime_add_attachment(struct walk *w, GMimeObject *obj)
{
	struct md_mime *m = w->out;
	struct md_attachment *a;
	const char *name;
	char *type;

	if ((a = md_mime_new_attachment(w)) == NULL)
		return;
	type = g_mime_content_type_get_mime_type(
	    g_mime_object_get_content_type(obj));
	a->content_type = md_mime_clean(w, type, strlen(type), MD_MIME_MAX_FILENAME,
	    CL_LINE);
	g_free(type);
	name = md_mime_filename(obj);
	a->filename = md_mime_clean(w, name, name ? strlen(name) : 0,
	    MD_MIME_MAX_FILENAME, CL_NAME);
	if (a->filename != NULL && !ascii(a->filename) &&
	    w->nnamed < MD_MIME_PLAIN_PARTS) {
		w->named[w->nnamed] = obj;	/* legacy_headers may redo it */
		w->named_at[w->nnamed++] = m->nattachments - 1;
	}
	a->size = decoded_size(obj);
	keep_data(w, obj, a);
}
