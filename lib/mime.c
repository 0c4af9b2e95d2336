/*
 * mime.c - a raw message turned into struct md_mime with GMime 3.
 *
 * GMime parses; this file decides what maildesk keeps: the decoded headers,
 * one body text (first text/plain, else rendered text/html), and the list
 * of attachments.  Everything leaving here goes through clean(), so it is
 * bounded, valid UTF-8 and NUL-free no matter what the sender did.
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

#include <gmime/gmime.h>

#include "buf.h"
#include "mime.h"
#include "mime_input.h"

#define CHARSET_MAX	64	/* longer charset names are not looked up */
#define ADDRESS_MAX	1000	/* Cc addresses listed */
#define CLOSE_CHECKS	8	/* multiparts checked for their close delimiter */

/* What clean() does besides UTF-8 repair and the length cap. */
enum {
	CL_LINE = 1,	/* header value: controls -> space, trimmed */
	CL_TEXT = 2,	/* body text: CRLF and lone CR -> LF */
	CL_NAME = 4	/* filename: no '/', '\\' or controls */
};

/* Per-call state while walking the MIME tree. */
struct walk {
	struct md_mime	*out;
	const char	*raw;		/* the message as given */
	size_t		 rawlen;
	int		 close_checks;	/* left */
	int		 want_data;
	size_t		 max_attachment;
	GMimeObject	*plain_alt;	/* first text/plain in a multipart/alternative */
	GMimeObject	*plain;		/* first text/plain anywhere */
	GMimeObject	*html;		/* first text/html */
	const char	*prologue;	/* of the first multipart without parts */
	size_t		 cap;		/* attachments allocated */
	int		 oom;
};

static GMimeParserOptions *md_opts;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void
init_once(void)
{
	static const char *fallback[] = { "UTF-8", "windows-1252", NULL };

	g_mime_init();
	md_opts = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(md_opts, fallback);
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
	if (md_opts != NULL) {
		g_mime_parser_options_free(md_opts);
		md_opts = NULL;
		g_mime_shutdown();
	}
}

/* ---- cleaning strings ------------------------------------------------ */

static void
filter(char *s, int flags)
{
	char *w = s, *r;

	for (r = s; *r != '\0'; r++) {
		unsigned char c = (unsigned char)*r;

		if ((flags & CL_TEXT) && c == '\r') {
			if (r[1] != '\n')
				*w++ = '\n';
		} else if ((flags & CL_NAME) && (c < 0x20 || c == 0x7f ||
		    c == '/' || c == '\\')) {
			continue;
		} else if ((flags & CL_LINE) && (c < 0x20 || c == 0x7f))
			*w++ = ' ';
		else
			*w++ = (char)c;
	}
	*w = '\0';
}

/* Cuts valid UTF-8 s to at most max bytes without splitting a character. */
static void
cut(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

static void
trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	while (s[i] == ' ')
		i++;
	memmove(s, s + i, n - i + 1);
}

/* The one exit for strings: malloc'd, valid UTF-8, no NUL, <= max bytes. */
static char *
clean(struct walk *w, const char *s, size_t len, size_t max, int flags)
{
	size_t lim;
	char *r;

	if (s == NULL)
		s = "", len = 0;
	/*
	 * Input past this cannot reach the output: filter() at most halves
	 * text (CRLF -> LF) and keeps other strings' length.
	 */
	lim = (flags & CL_TEXT) ? 2 * max + 4 : max + 4;
	r = md_utf8_sanitize(s, len > lim ? lim : len);
	if (r == NULL) {
		w->oom = 1;
		return NULL;
	}
	filter(r, flags);
	cut(r, max);
	if (flags & (CL_LINE | CL_NAME))
		trim(r);
	return r;
}

static char *
clean_hdr(struct walk *w, const char *s)
{
	return clean(w, s, s ? strlen(s) : 0, MD_MIME_MAX_HEADER, CL_LINE);
}

/* Address with its domain lower-cased (the local part is the sender's). */
static char *
clean_addr(struct walk *w, const char *s)
{
	char *r = clean_hdr(w, s), *at;

	if (r != NULL && (at = strrchr(r, '@')) != NULL)
		for (; *at; at++)
			if (*at >= 'A' && *at <= 'Z')
				*at += 'a' - 'A';
	return r;
}

/* ---- headers --------------------------------------------------------- */

/* Counts mailboxes (group members too) and finds the first one. */
static int
mailboxes(InternetAddressList *l, int in_group, InternetAddressMailbox **first)
{
	int i, n = 0, len = l ? internet_address_list_length(l) : 0;

	for (i = 0; i < len && i < ADDRESS_MAX; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
			if (*first == NULL)
				*first = INTERNET_ADDRESS_MAILBOX(a);
			n++;
		} else if (INTERNET_ADDRESS_IS_GROUP(a) && !in_group)
			n += mailboxes(internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(a)), 1, first);
	}
	return n;
}

static void
from_header(struct walk *w, GMimeMessage *msg)
{
	struct md_mime *m = w->out;
	InternetAddressMailbox *mb = NULL;
	md_buf b = MD_BUF_INIT;

	m->from_count = mailboxes(g_mime_message_get_from(msg), 0, &mb);
	if (mb == NULL)
		return;
	m->from_addr = clean_addr(w, internet_address_mailbox_get_addr(mb));
	m->from_name = clean_hdr(w, internet_address_get_name(
	    INTERNET_ADDRESS(mb)));
	if (m->from_addr == NULL || m->from_name == NULL)
		return;
	if ((*m->from_name != '\0' ? md_buf_printf(&b, "%s <%s>", m->from_name,
	    m->from_addr) : md_buf_puts(&b, m->from_addr)) < 0)
		w->oom = 1;
	else
		m->from = clean_hdr(w, md_buf_str(&b));
	md_buf_free(&b);
}

static char *
address_list(struct walk *w, InternetAddressList *l)
{
	int i, len = l ? internet_address_list_length(l) : 0;
	md_buf b = MD_BUF_INIT;
	char *r = NULL, *a;

	for (i = 0; i < len && i < ADDRESS_MAX && b.len < MD_MIME_MAX_HEADER;
	    i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);

		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		a = clean_addr(w, internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia)));
		if (a != NULL && *a != '\0' && md_buf_printf(&b, "%s%s",
		    b.len ? ", " : "", a) < 0)
			w->oom = 1;
		free(a);
	}
	if (!w->oom)
		r = clean_hdr(w, md_buf_str(&b));
	md_buf_free(&b);
	return r;
}

/* Message ids of References/In-Reply-To, space separated, without <>. */
static char *
msgids(struct walk *w, const char *value, int only_first)
{
	GMimeReferences *refs;
	md_buf b = MD_BUF_INIT;
	char *r = NULL, *id;
	int i, n;

	if (value == NULL)
		return clean_hdr(w, "");
	refs = g_mime_references_parse(md_opts, value);
	n = refs ? g_mime_references_length(refs) : 0;
	for (i = 0; i < n && !w->oom; i++) {
		id = clean_hdr(w, g_mime_references_get_message_id(refs, i));
		/* whole ids only: stop before the cap would cut one */
		if (id != NULL && b.len + strlen(id) + 1 > MD_MIME_MAX_HEADER) {
			free(id);
			break;
		}
		if (id != NULL && *id != '\0' && strchr(id, ' ') == NULL &&
		    md_buf_printf(&b, "%s%s", b.len ? " " : "", id) < 0)
			w->oom = 1;
		free(id);
		if (only_first && b.len > 0)
			break;
	}
	if (refs != NULL)
		g_mime_references_free(refs);
	if (!w->oom)
		r = clean_hdr(w, md_buf_str(&b));
	md_buf_free(&b);
	return r;
}

static const char *
header(GMimeMessage *msg, const char *name)
{
	return g_mime_object_get_header(GMIME_OBJECT(msg), name);
}

static const char *
either(const char *a, const char *b)
{
	return a != NULL ? a : b;
}

/* a if it has more than blanks, else b (so an empty List-Id hides nothing). */
static const char *
nonblank(const char *a, const char *b)
{
	return a != NULL && a[strspn(a, " \t\r\n")] != '\0' ? a : b;
}

static void
headers(struct walk *w, GMimeMessage *msg)
{
	struct md_mime *m = w->out;
	InternetAddressMailbox *mb;

	m->subject = clean_hdr(w, g_mime_message_get_subject(msg));
	from_header(w, msg);
	mb = NULL;
	if (mailboxes(g_mime_message_get_reply_to(msg), 0, &mb) > 0)
		m->reply_to = clean_addr(w, internet_address_mailbox_get_addr(mb));
	m->cc = address_list(w, g_mime_message_get_cc(msg));
	m->message_id = clean_hdr(w, g_mime_message_get_message_id(msg));
	m->in_reply_to = msgids(w, header(msg, "In-Reply-To"), 1);
	m->references = msgids(w, header(msg, "References"), 0);
	m->has_date = header(msg, "Date") != NULL;
	/* GMime gives "" for a header without value, NULL for none at all */
	m->has_auto_submitted = header(msg, "Auto-Submitted") != NULL;
	m->auto_submitted = clean_hdr(w, header(msg, "Auto-Submitted"));
	m->precedence = clean_hdr(w, header(msg, "Precedence"));
	m->x_autoreply = clean_hdr(w, header(msg, "X-Autoreply"));
	m->x_autorespond = clean_hdr(w, header(msg, "X-Autorespond"));
	m->list_id = clean_hdr(w, nonblank(header(msg, "List-Id"),
	    header(msg, "List-Unsubscribe")));
	m->return_path = clean_hdr(w, header(msg, "Return-Path"));
}

/* ---- content --------------------------------------------------------- */

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

static int
label_is(const char *cs, const char *const *names)
{
	for (; *names != NULL; names++)
		if (g_ascii_strcasecmp(cs, *names) == 0)
			return 1;
	return 0;
}

/*
 * Bytes in the declared charset to UTF-8 (malloc'd, NUL-free).  Declared
 * UTF-8 is taken as UTF-8 with errors (bad bytes become U+FFFD).  Other
 * declared charsets are converted, except the labels that lie in practice
 * (WHATWG: latin1 and ascii mean windows-1252).  What remains is UTF-8 if
 * it validates, else windows-1252, which always decodes.
 */
static char *
to_utf8(const char *p, size_t n, const char *cs)
{
	static const char *const utf8[] = { "utf-8", "utf8", NULL };
	static const char *const latin1[] = { "iso-8859-1", "iso8859-1",
	    "iso_8859-1", "latin1", "l1", "us-ascii", "ascii",
	    "windows-1252", "cp1252", NULL };
	gsize outlen = 0;
	gchar *conv;
	char *r;

	if (cs != NULL && label_is(cs, utf8))
		return md_utf8_sanitize(p, n);
	if (cs != NULL && *cs != '\0' && strlen(cs) < CHARSET_MAX &&
	    !label_is(cs, latin1)) {
		conv = g_convert(p, (gssize)n, "UTF-8",
		    g_mime_charset_iconv_name(cs), NULL, &outlen, NULL);
		if (conv != NULL) {
			r = md_utf8_sanitize(conv, outlen);
			g_free(conv);
			return r;
		}
	}
	if (md_utf8_valid(p, n))
		return md_utf8_sanitize(p, n);
	return md_cp1252_to_utf8(p, n);
}

/* Body text of a text/plain or text/html part, cleaned and capped. */
static char *
part_text(struct walk *w, GMimeObject *obj, int html)
{
	GByteArray *a = decoded(obj);
	char *u, *h, *r = NULL;

	u = to_utf8(a->len ? (const char *)a->data : "", a->len,
	    g_mime_object_get_content_type_parameter(obj, "charset"));
	g_byte_array_free(a, TRUE);
	if (u != NULL && html) {
		h = md_html_to_text(u, strlen(u));
		free(u);
		u = h;
	}
	if (u != NULL)
		r = clean(w, u, strlen(u), MD_MIME_MAX_TEXT, CL_TEXT);
	else
		w->oom = 1;
	free(u);
	return r;
}

/* ---- attachments ----------------------------------------------------- */

static const char *
filename_of(GMimeObject *obj)
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

static void
add_attachment(struct walk *w, GMimeObject *obj)
{
	struct md_mime *m = w->out;
	struct md_attachment *a;
	const char *name;
	char *type;

	if (m->nattachments >= MD_MIME_MAX_ATTACHMENTS)
		return;
	if (m->nattachments == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4;

		if ((a = realloc(m->attachments, cap * sizeof *a)) == NULL) {
			w->oom = 1;
			return;
		}
		m->attachments = a;
		w->cap = cap;
	}
	a = &m->attachments[m->nattachments++];
	memset(a, 0, sizeof *a);
	type = g_mime_content_type_get_mime_type(
	    g_mime_object_get_content_type(obj));
	a->content_type = clean(w, type, strlen(type), MD_MIME_MAX_FILENAME,
	    CL_LINE);
	g_free(type);
	name = filename_of(obj);
	a->filename = clean(w, name, name ? strlen(name) : 0,
	    MD_MIME_MAX_FILENAME, CL_NAME);
	a->size = decoded_size(obj);
	keep_data(w, obj, a);
}

/* ---- walking the tree ------------------------------------------------ */

static int
is_type(GMimeObject *obj, const char *type, const char *subtype)
{
	return g_mime_content_type_is_type(g_mime_object_get_content_type(obj),
	    type, subtype);
}

static void
leaf(struct walk *w, GMimeObject *obj, GMimeObject *parent)
{
	const char *disp = g_mime_object_get_disposition(obj);
	int attached = disp != NULL && g_ascii_strcasecmp(disp, "attachment") == 0;
	int named = filename_of(obj) != NULL;
	int plain = is_type(obj, "text", "plain");

	/* A named text part is a body only if explicitly inline. */
	if ((plain || is_type(obj, "text", "html")) && !attached &&
	    (!named || disp != NULL)) {
		if (!plain)
			w->html = w->html ? w->html : obj;
		else {
			w->plain = w->plain ? w->plain : obj;
			if (parent != NULL && is_type(parent, "multipart",
			    "alternative") && w->plain_alt == NULL)
				w->plain_alt = obj;
		}
		return;
	}
	if (attached || named || !is_type(obj, "text", "*"))
		add_attachment(w, obj);
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
		add_attachment(w, obj);		/* not descended into */
	else if (GMIME_IS_PART(obj))
		leaf(w, obj, parent);
}

static int
blank(const char *s)
{
	return s[strspn(s, " \t\n")] == '\0';
}

static void
body(struct walk *w, GMimeMessage *msg)
{
	GMimeObject *plain;

	walk(w, g_mime_message_get_mime_part(msg), NULL, 0);
	plain = w->plain_alt ? w->plain_alt : w->plain;
	if (plain != NULL)
		w->out->text = part_text(w, plain, 0);
	if (w->oom)
		return;
	/* an empty text/plain beside HTML is a mailer's placeholder */
	if (w->html != NULL && (plain == NULL || blank(w->out->text))) {
		free(w->out->text);
		w->out->text = part_text(w, w->html, 1);
		w->out->html_only = 1;
	} else if (plain == NULL && w->prologue != NULL)
		w->out->text = clean(w, w->prologue, strlen(w->prologue),
		    MD_MIME_MAX_TEXT, CL_TEXT);
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
	w->out->text = clean(w, body, (size_t)(end - body), MD_MIME_MAX_TEXT,
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
	    &m->references, &m->text, &m->auto_submitted, &m->precedence,
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
	msg = g_mime_parser_construct_message(parser, md_opts);
	g_object_unref(parser);
	if (msg == NULL)
		raw_fallback(&w, raw, len);
	else {
		headers(&w, msg);
		body(&w, msg);
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
