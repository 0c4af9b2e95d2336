/*
 * mime.c - a raw message turned into struct md_mime with GMime 3.
 *
 * GMime parses; this file decides what maildesk keeps: the decoded headers,
 * one body text (first text/plain, else rendered text/html), and the list
 * of attachments (the headers are mime_headers.c's; reading one part's
 * text or file is mime_parts.c's).  Everything leaving
 * here goes through md_mime_clean(), so it is bounded, valid UTF-8 and
 * NUL-free no matter what the sender did.
 *
 * Threads: the milter parses on many threads at once.  GMime objects are
 * not thread-safe, so each call owns its parser and message; the only
 * shared GMime state is the parser options, built once in md_mime_init and
 * never changed afterwards.  They carry no warning callback on purpose:
 * with one set, GMime checks every parameter against all earlier ones, and
 * 40 000 parameters then take 20 seconds.  Structural damage is detected
 * here instead (see walk_multipart).
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime_charset.h"
#include "mime_input.h"
#include "mime_int.h"

#define CLOSE_CHECKS	8	/* multiparts checked for their close delimiter */

GMimeParserOptions *md_mime_opts;	/* built once, read-only after */
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void
init_once(void)
{
	static const char *fallback[] = { "UTF-8", "windows-1252", NULL };

	g_mime_init();
	md_mime_opts = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(md_mime_opts, fallback);
}

void
md_mime_init(void)
{
	pthread_once(&md_once, init_once);
}

/* After this no thread may parse any more. */
void
md_mime_shutdown(void)
{
	if (md_mime_opts != NULL) {
		g_mime_parser_options_free(md_mime_opts);
		md_mime_opts = NULL;
		g_mime_shutdown();
	}
}

/* ---- walking the tree ------------------------------------------------ */

static int
is_type(GMimeObject *obj, const char *type, const char *subtype)
{
	return g_mime_content_type_is_type(g_mime_object_get_content_type(obj),
	    type, subtype);
}

/*
 * "Content-Type: text" without a subtype: RFC 2045 makes that text/plain
 * (an unrecognised subtype of text is treated as plain), but GMime reads
 * it as application/octet-stream, so the raw header is looked at.
 */
static int
bare_text(GMimeObject *obj)
{
	const char *ct = g_mime_object_get_header(obj, "Content-Type");

	if (ct == NULL)
		return 0;
	while (*ct == ' ' || *ct == '\t' || *ct == '\r' || *ct == '\n')
		ct++;
	if (g_ascii_strncasecmp(ct, "text", 4) != 0)
		return 0;
	for (ct += 4; *ct == ' ' || *ct == '\t' || *ct == '\r' || *ct == '\n'; ct++)
		;
	return *ct == '\0' || *ct == ';';
}

/*
 * The first body part of a type (text/plain, text/html), and later ones
 * beside it in the same multipart/mixed: Apple Mail sends "text, inline
 * image, more text" as sibling parts (and list servers add their footer
 * so), and the reader sees all of them, so the text is all of them.
 */
static void
body_part(GMimeObject **first, struct body_more *more, GMimeObject *obj,
    GMimeObject *parent)
{
	if (*first == NULL) {
		*first = obj;
		more->parent = parent;
	} else if (parent != NULL && parent == more->parent &&
	    is_type(parent, "multipart", "mixed") && more->n < MD_MIME_PLAIN_PARTS)
		more->part[more->n++] = obj;
}

/*
 * RFC 2046 4.1.4: a text subtype the reader does not know is read as
 * text/plain (text/x-log, text/x-diff, text/csv, text/markdown...).  Not
 * the ones that are another form of the body (HTML, enriched, Apple
 * Watch, AMP), data (calendar, vCard, XML, code) or report parts, and
 * none inside a multipart/related: those are the HTML's resources (Word
 * and Outlook put filelist.xml and colorschememapping.xml there).
 */
static int
other_text(GMimeObject *obj, GMimeObject *parent)
{
	static const char *const not_prose[] = { "plain", "html", "calendar",
	    "vcard", "x-vcard", "x-vcalendar", "rfc822-headers", "enriched",
	    "richtext", "watch-html", "x-watch-html", "x-amp-html", "css",
	    "javascript", "x-javascript", "ecmascript", "xml", NULL };
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
	size_t i;

	if (!is_type(obj, "text", "*") || sub == NULL || (parent != NULL &&
	    is_type(parent, "multipart", "related")))
		return 0;
	for (i = 0; not_prose[i] != NULL; i++)
		if (g_ascii_strcasecmp(sub, not_prose[i]) == 0)
			return 0;
	return 1;
}

static void
leaf(struct walk *w, GMimeObject *obj, GMimeObject *parent)
{
	const char *disp = g_mime_object_get_disposition(obj);
	int attached = disp != NULL && g_ascii_strcasecmp(disp, "attachment") == 0;
	int named = md_mime_filename(obj) != NULL;
	int plain = is_type(obj, "text", "plain") || bare_text(obj) ||
	    other_text(obj, parent);

	/*
	 * A named text part is a body only if explicitly inline, or if it is
	 * the message's only part: a single text/plain with a name= (some
	 * mailers add one) and no Content-Disposition is what was written.
	 * A named inline one after the body, outside a multipart/alternative,
	 * is a file shown inline (mutt attaches text files so), not more of
	 * the body.
	 */
	if ((plain || is_type(obj, "text", "html")) && !attached &&
	    (!named || ((disp != NULL || parent == NULL) &&
	    ((w->plain == NULL && w->html == NULL) || (parent != NULL &&
	    is_type(parent, "multipart", "alternative")))))) {
		if (!plain)
			body_part(&w->html, &w->html_more, obj, parent);
		else {
			body_part(&w->plain, &w->plain_more, obj, parent);
			if (parent != NULL && is_type(parent, "multipart",
			    "alternative") && w->plain_alt == NULL)
				w->plain_alt = obj;
		}
		return;
	}
	/* calendar invites and contact cards are data, not prose: listed */
	if (attached || named || !is_type(obj, "text", "*") ||
	    is_type(obj, "text", "calendar") || is_type(obj, "text", "vcard") ||
	    is_type(obj, "text", "x-vcard") || is_type(obj, "text", "x-vcalendar"))
		md_mime_add_attachment(w, obj);
	/* no body at all but a text file not marked as one (VM, old Eudora) */
	if (plain && named && !attached && w->named_text == NULL)
		w->named_text = obj;
}

static void walk(struct walk *, GMimeObject *, GMimeObject *, int);

/*
 * A multipart is broken if it has no parts (boundary never used, or none
 * declared: GMime keeps the text as prologue) or if its close delimiter
 * never comes (GMime then runs the last part to the end).  The latter is
 * a search through the raw message, so only the first few are checked.
 */
static void
walk_multipart(struct walk *w, GMimeObject *obj, int depth)
{
	GMimeMultipart *mp = GMIME_MULTIPART(obj);
	const char *boundary;
	char *close;
	int i, n = g_mime_multipart_get_count(mp);

	if (n == 0) {
		w->out->parse_error = 1;
		if (w->prologue == NULL)
			w->prologue = g_mime_multipart_get_prologue(mp);
	} else if (w->close_checks > 0) {
		w->close_checks--;
		boundary = g_mime_object_get_content_type_parameter(obj,
		    "boundary");
		close = g_strdup_printf("--%s--", boundary ? boundary : "");
		if (memmem(w->raw, w->rawlen, close, strlen(close)) == NULL)
			w->out->parse_error = 1;
		g_free(close);
	}
	for (i = 0; i < n; i++)
		walk(w, g_mime_multipart_get_part(mp, i), obj, depth + 1);
}

static void
walk(struct walk *w, GMimeObject *obj, GMimeObject *parent, int depth)
{
	if (obj == NULL || w->oom)
		return;
	if (depth > MD_MIME_MAX_DEPTH) {
		w->out->parse_error = 1;
		return;
	}
	if (is_type(obj, "multipart", "report") ||
	    is_type(obj, "message", "delivery-status") ||
	    is_type(obj, "message", "global-delivery-status") ||
	    is_type(obj, "message", "disposition-notification"))
		w->out->is_report = 1;
	if (GMIME_IS_MULTIPART(obj))
		walk_multipart(w, obj, depth);
	else if (GMIME_IS_MESSAGE_PART(obj))
		md_mime_add_attachment(w, obj);		/* not descended into */
	else if (GMIME_IS_PART(obj))
		leaf(w, obj, parent);
}

static int
blank(const char *s)
{
	return s[strspn(s, " \t\n")] == '\0';
}

/* first and its body siblings as one text (html: see part_text), capped. */
static char *
joined_text(struct walk *w, GMimeObject *first, const struct body_more *more,
    int html)
{
	md_buf b = MD_BUF_INIT;
	char *t, *r = NULL;
	int i;

	if (more->n == 0)
		return md_mime_part_text(w, first, html);
	for (i = -1; i < more->n && !w->oom; i++) {
		t = md_mime_part_text(w, i < 0 ? first : more->part[i], html);
		if (t == NULL)
			break;
		if (b.len > 0 && b.data[b.len - 1] != '\n' && *t != '\0')
			md_buf_putc(&b, '\n');
		md_buf_puts(&b, t);
		free(t);
	}
	if (md_buf_failed(&b))
		w->oom = 1;
	else if (!w->oom)
		r = md_mime_clean(w, b.data ? b.data : "", b.len, MD_MIME_MAX_TEXT,
		    CL_TEXT);
	md_buf_free(&b);
	return r;
}

/*
 * A whole HTML document (starts with <!DOCTYPE html> or <html>, has a
 * <body> or </html>) in a text/plain part: scripts that send HTML
 * without saying so (mail() with the default Content-Type).  Shown as it
 * came, the text is all tags.
 */
static int
html_document(const char *s)
{
	s += strspn(s, " \t\n");
	if (g_ascii_strncasecmp(s, "<!doctype html", 14) != 0 &&
	    g_ascii_strncasecmp(s, "<html", 5) != 0)
		return 0;
	for (; (s = strchr(s + 1, '<')) != NULL; )
		if (g_ascii_strncasecmp(s, "<body", 5) == 0 ||
		    g_ascii_strncasecmp(s, "</html", 6) == 0)
			return 1;
	return 0;
}

/* The text is such a document: it becomes the html, rendered for text. */
static void
html_as_plain(struct walk *w)
{
	char *t = md_html_to_text(w->out->text, strlen(w->out->text));

	if (t == NULL) {
		w->oom = 1;
		return;
	}
	w->out->html = w->out->text;
	w->out->html_len = strlen(w->out->html);
	w->out->text = md_mime_clean(w, t, strlen(t), MD_MIME_MAX_TEXT, CL_TEXT);
	w->out->html_only = 1;
	free(t);
}

static void
body(struct walk *w, GMimeMessage *msg)
{
	GMimeObject *plain;

	walk(w, g_mime_message_get_mime_part(msg), NULL, 0);
	plain = w->plain_alt ? w->plain_alt : w->plain;
	if (plain != NULL)
		w->out->text = plain == w->plain ?
		    joined_text(w, plain, &w->plain_more, 0) : md_mime_part_text(w, plain, 0);
	if (w->oom)
		return;
	if (w->html != NULL) {
		w->out->html = joined_text(w, w->html, &w->html_more, 2);
		if (w->out->html != NULL)
			w->out->html_len = strlen(w->out->html);
	}
	/* an empty text/plain beside HTML is a mailer's placeholder */
	if (w->html != NULL && (plain == NULL || blank(w->out->text))) {
		free(w->out->text);
		w->out->text = joined_text(w, w->html, &w->html_more, 1);
		w->out->html_only = 1;
	} else if (plain == NULL && w->prologue != NULL)
		w->out->text = md_mime_clean(w, w->prologue, strlen(w->prologue),
		    MD_MIME_MAX_TEXT, CL_TEXT);
	else if (plain == NULL && w->named_text != NULL)
		w->out->text = md_mime_part_text(w, w->named_text, 0);	/* also a file */
	else if (w->html == NULL && w->out->text != NULL &&
	    html_document(w->out->text))
		html_as_plain(w);
	md_mime_tnef_text(w);	/* no text but winmail.dat's (mime_parts.c) */
	if (!w->out->html_only && !w->oom)
		md_mime_uudecode_text(w);
}

/* The declared charset of the part the text came from, NULL if none. */
static const char *
text_charset(struct walk *w)
{
	GMimeObject *t = w->plain_alt ? w->plain_alt : w->plain;

	if (t == NULL || w->out->html_only)
		t = w->html;
	return t ? g_mime_object_get_content_type_parameter(t, "charset") : NULL;
}

/*
 * Headers in raw 8-bit text that is not UTF-8 were written in the body's
 * charset (see md_mime_headers_legacy): Subject, the address headers,
 * filenames.
 */
static void
legacy_headers(struct walk *w, GMimeMessage *msg)
{
	const char *cs = text_charset(w);
	struct md_attachment *a;
	char *name;
	int i;

	if (cs == NULL || md_charset_kind(cs) != 0)
		return;
	md_mime_headers_legacy(w, msg, cs);
	for (i = 0; i < w->nnamed && !w->oom; i++) {
		if ((name = md_mime_legacy_filename(w->named[i], cs)) == NULL)
			continue;
		a = &w->out->attachments[w->named_at[i]];
		free(a->filename);
		a->filename = md_mime_clean(w, name, strlen(name),
		    MD_MIME_MAX_FILENAME, CL_NAME);
		g_free(name);
	}
}

/* GMime gave up: the body is whatever follows the first blank line. */
static void
raw_fallback(struct walk *w, const char *raw, size_t len)
{
	const char *p = raw, *end = raw + len, *body = NULL;
	const char *eol = memchr(raw, '\n', len);

	if (len > 0 && memchr(raw, ':', eol ? (size_t)(eol - raw) : len) == NULL)
		body = raw;	/* does not even start with a header */
	for (; body == NULL && p < end; p++) {
		if (*p != '\n')
			continue;
		if (p + 1 < end && p[1] == '\n')
			body = p + 2;
		else if (p + 2 < end && p[1] == '\r' && p[2] == '\n')
			body = p + 3;
		if (body != NULL)
			break;
	}
	if (body == NULL)
		body = end;
	w->out->text = md_mime_clean(w, body, (size_t)(end - body), MD_MIME_MAX_TEXT,
	    CL_TEXT);
	w->out->parse_error = 1;
}

/* Absent strings become "" so callers never see NULL. */
static void
fill_empty(struct walk *w)
{
	struct md_mime *m = w->out;
	char **f[] = { &m->subject, &m->from, &m->from_addr, &m->from_name,
	    &m->reply_to, &m->cc, &m->message_id, &m->in_reply_to,
	    &m->references, &m->text, &m->html, &m->auto_submitted, &m->precedence,
	    &m->x_autoreply, &m->x_autorespond, &m->list_id, &m->return_path };
	size_t i;

	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		if (*f[i] == NULL && (*f[i] = strdup("")) == NULL)
			w->oom = 1;
	for (i = 0; i < m->nattachments; i++) {
		if (m->attachments[i].filename == NULL &&
		    (m->attachments[i].filename = strdup("")) == NULL)
			w->oom = 1;
		if (m->attachments[i].content_type == NULL &&
		    (m->attachments[i].content_type = strdup("")) == NULL)
			w->oom = 1;
	}
}

int
md_mime_parse(const char *raw, size_t len, int want_data,
    size_t max_attachment, struct md_mime *out)
{
	struct walk w;
	GMimeStream *st;
	GMimeParser *parser;
	GMimeMessage *msg;

	md_mime_init();
	if (raw == NULL)
		raw = "", len = 0;
	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	w.out = out;
	w.raw = raw;
	w.rawlen = len;
	w.close_checks = CLOSE_CHECKS;
	w.want_data = want_data;
	w.max_attachment = max_attachment;
	st = md_mime_input_stream(raw, len);
	parser = g_mime_parser_new_with_stream(st);
	g_object_unref(st);
	msg = g_mime_parser_construct_message(parser, md_mime_opts);
	g_object_unref(parser);
	if (msg == NULL)
		raw_fallback(&w, raw, len);
	else {
		md_mime_headers(&w, msg);
		body(&w, msg);
		if (!w.oom)
			legacy_headers(&w, msg);
		g_object_unref(msg);
	}
	fill_empty(&w);
	if (w.oom) {
		md_mime_free(out);
		return -1;
	}
	return 0;
}

void
md_mime_free(struct md_mime *m)
{
	size_t i;

	free(m->subject);
	free(m->from);
	free(m->from_addr);
	free(m->from_name);
	free(m->reply_to);
	free(m->cc);
	free(m->message_id);
	free(m->in_reply_to);
	free(m->references);
	free(m->text);
	free(m->html);
	free(m->auto_submitted);
	free(m->precedence);
	free(m->x_autoreply);
	free(m->x_autorespond);
	free(m->list_id);
	free(m->return_path);
	for (i = 0; i < m->nattachments; i++) {
		free(m->attachments[i].filename);
		free(m->attachments[i].content_type);
		free(m->attachments[i].data);
	}
	free(m->attachments);
	memset(m, 0, sizeof *m);
}
