/*
 * mime_headers.c - the headers maildesk keeps of a message (decoded by
 * GMime, RFC 2047 included), and md_mime_clean(), which every string
 * leaving the parser goes through.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime_charset.h"
#include "mime_int.h"
#include "utf8.h"

#define ADDRESS_MAX	1000	/* Cc addresses listed */

/* ---- cleaning strings ------------------------------------------------ */

static void
filter(char *s, int flags)
{
	char *w = s, *r;

	for (r = s; *r != '\0'; r++) {
		unsigned char c = (unsigned char)*r;

		if ((flags & CL_TEXT) && c == '\r') {
			/* "\r\r\n" is one break written through two CRLF
			   conversions (Windows tools), not a blank line */
			if (r[1] != '\n' && !(r[1] == '\r' && r[2] == '\n'))
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
char *
md_mime_clean(struct walk *w, const char *s, size_t len, size_t max, int flags)
{
	size_t lim;
	char *r;

	if (s == NULL)
		s = "", len = 0;
	/*
	 * Input past this cannot reach the output (sanitizing only ever
	 * lengthens: a bad byte becomes 3): filter() keeps at least a third
	 * of text ("\r\r\n" -> "\n").  Names and lines it shortens only by
	 * what the sender wrote to be dropped (separators, blanks at the
	 * ends), so a few such bytes more cost part of the name, no more.
	 */
	lim = (flags & CL_TEXT) ? 3 * max + 4 : max + 4;
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

char *
md_mime_clean_hdr(struct walk *w, const char *s)
{
	return md_mime_clean(w, s, s ? strlen(s) : 0, MD_MIME_MAX_HEADER, CL_LINE);
}

/* Address with its domain lower-cased (the local part is the sender's). */
static char *
clean_addr(struct walk *w, const char *s)
{
	char *r = md_mime_clean_hdr(w, s), *at;

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
from_header(struct walk *w, InternetAddressList *from)
{
	struct md_mime *m = w->out;
	InternetAddressMailbox *mb = NULL;
	md_buf b = MD_BUF_INIT;

	free(m->from);
	free(m->from_addr);
	free(m->from_name);
	m->from = m->from_addr = m->from_name = NULL;
	m->from_count = mailboxes(from, 0, &mb);
	if (mb == NULL)
		return;
	m->from_addr = clean_addr(w, internet_address_mailbox_get_addr(mb));
	m->from_name = md_mime_clean_hdr(w, internet_address_get_name(
	    INTERNET_ADDRESS(mb)));
	if (m->from_addr == NULL || m->from_name == NULL)
		return;
	if ((*m->from_name != '\0' ? md_buf_printf(&b, "%s <%s>", m->from_name,
	    m->from_addr) : md_buf_puts(&b, m->from_addr)) < 0)
		w->oom = 1;
	else
		m->from = md_mime_clean_hdr(w, md_buf_str(&b));
	md_buf_free(&b);
}

/*
 * The addresses of l's mailboxes (group members too: "Team: a@x, b@y;"
 * names real recipients) appended to b, ", " between them.  Whole
 * addresses only: the list ends before one that the header cap would
 * cut (a cut address is a wrong one).  *items counts the list entries
 * looked at, bounded by ADDRESS_MAX.
 */
static void
add_addresses(struct walk *w, md_buf *b, InternetAddressList *l, int in_group,
    int *items)
{
	int i, len = l ? internet_address_list_length(l) : 0;
	char *a;

	for (i = 0; i < len && *items < ADDRESS_MAX && !w->oom; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);

		(*items)++;
		if (INTERNET_ADDRESS_IS_GROUP(ia) && !in_group)
			add_addresses(w, b, internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)), 1, items);
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		if ((a = clean_addr(w, internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia)))) == NULL)
			return;
		if (b->len + 2 + strlen(a) > MD_MIME_MAX_HEADER)
			*items = ADDRESS_MAX;
		else if (*a != '\0' && md_buf_printf(b, "%s%s", b->len ? ", " : "",
		    a) < 0)
			w->oom = 1;
		free(a);
	}
}

static char *
address_list(struct walk *w, InternetAddressList *l)
{
	md_buf b = MD_BUF_INIT;
	char *r = NULL;
	int items = 0;

	add_addresses(w, &b, l, 0, &items);
	if (!w->oom)
		r = md_mime_clean_hdr(w, md_buf_str(&b));
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
		return md_mime_clean_hdr(w, "");
	refs = g_mime_references_parse(md_mime_opts, value);
	n = refs ? g_mime_references_length(refs) : 0;
	for (i = 0; i < n && !w->oom; i++) {
		id = md_mime_clean_hdr(w, g_mime_references_get_message_id(refs, i));
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
		r = md_mime_clean_hdr(w, md_buf_str(&b));
	md_buf_free(&b);
	return r;
}

static const char *
header(GMimeMessage *msg, const char *name)
{
	return g_mime_object_get_header(GMIME_OBJECT(msg), name);
}

/* a if it has more than blanks, else b (so an empty List-Id hides nothing). */
static const char *
nonblank(const char *a, const char *b)
{
	return a != NULL && a[strspn(a, " \t\r\n")] != '\0' ? a : b;
}

/* The first Reply-To mailbox's address: where the customer wants answers. */
static void
reply_to_header(struct walk *w, InternetAddressList *l)
{
	InternetAddressMailbox *mb = NULL;

	free(w->out->reply_to);
	w->out->reply_to = NULL;
	if (mailboxes(l, 0, &mb) > 0)
		w->out->reply_to = clean_addr(w,
		    internet_address_mailbox_get_addr(mb));
}

/* The Cc addresses: they become the participants. */
static void
cc_header(struct walk *w, InternetAddressList *l)
{
	free(w->out->cc);
	w->out->cc = address_list(w, l);
}

void
md_mime_headers(struct walk *w, GMimeMessage *msg)
{
	struct md_mime *m = w->out;

	m->subject = md_mime_clean_hdr(w, g_mime_message_get_subject(msg));
	from_header(w, g_mime_message_get_from(msg));
	reply_to_header(w, g_mime_message_get_reply_to(msg));
	cc_header(w, g_mime_message_get_cc(msg));
	m->message_id = md_mime_clean_hdr(w, g_mime_message_get_message_id(msg));
	m->in_reply_to = msgids(w, header(msg, "In-Reply-To"), 1);
	m->references = msgids(w, header(msg, "References"), 0);
	m->has_date = header(msg, "Date") != NULL;
	/* GMime gives "" for a header without value, NULL for none at all */
	m->has_auto_submitted = header(msg, "Auto-Submitted") != NULL;
	m->auto_submitted = md_mime_clean_hdr(w, header(msg, "Auto-Submitted"));
	m->precedence = md_mime_clean_hdr(w, header(msg, "Precedence"));
	m->x_autoreply = md_mime_clean_hdr(w, header(msg, "X-Autoreply"));
	m->x_autorespond = md_mime_clean_hdr(w, header(msg, "X-Autorespond"));
	m->list_id = md_mime_clean_hdr(w, nonblank(header(msg, "List-Id"),
	    header(msg, "List-Unsubscribe")));
	m->return_path = md_mime_clean_hdr(w, header(msg, "Return-Path"));
}

/*
 * The raw bytes of header name, unfolded and decoded from charset cs,
 * when they hold 8-bit text that is not UTF-8; else NULL.  g_free it.
 */
static char *
legacy_header(GMimeObject *obj, const char *name, const char *cs)
{
	GMimeHeader *h = g_mime_header_list_get_header(
	    g_mime_object_get_header_list(obj), name);
	const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;
	size_t i, n = raw ? strlen(raw) : 0;
	char *u, *r;

	for (i = 0; i < n && (unsigned char)raw[i] < 0x80; i++)
		;
	if (i == n || n > MD_MIME_MAX_HEADER || md_utf8_valid(raw, n))
		return NULL;
	if ((u = md_charset_to_utf8(raw, n, cs)) == NULL)
		return NULL;
	r = g_mime_utils_header_unfold(u);
	free(u);
	return r;
}

/*
 * The address headers a record keeps, and how each is read from a list.
 * In raw 8-bit text the display names matter even where only addresses
 * are kept: a Shift_JIS, Big5 or GBK name has '\', '@', '[' or ']' as the
 * second byte of many characters ("表" is 0x95 0x5C), and read as
 * windows-1252 that byte escapes the closing quote, so GMime loses the
 * address after the name: a Cc participant or the Reply-To vanished.
 */
static const struct {
	const char	*name;
	InternetAddressList *(*get)(GMimeMessage *);
	void		(*set)(struct walk *, InternetAddressList *);
} address_headers[] = {
	{ "From", g_mime_message_get_from, from_header },
	{ "Reply-To", g_mime_message_get_reply_to, reply_to_header },
	{ "Cc", g_mime_message_get_cc, cc_header },
};

/*
 * Subject and the address headers again when they hold raw 8-bit text that
 * is not UTF-8 (no RFC 2047: old and bulk mailers in Chinese, Japanese,
 * Russian...): GMime could only guess windows-1252, but such a sender
 * wrote the headers in the charset it declares for the body, as
 * Thunderbird assumes too.  An address header is only replaced when the
 * new reading finds at least as many mailboxes: a wrong guess must not
 * lose one GMime found.  cs: the charset of the text part; ASCII, Latin-1
 * and UTF-8 change nothing (GMime's own fallback reads those right).
 */
void
md_mime_headers_legacy(struct walk *w, GMimeMessage *msg, const char *cs)
{
	InternetAddressMailbox *mb;
	InternetAddressList *l;
	char *v, *d;
	size_t i;
	int had;

	if (cs == NULL || md_charset_kind(cs) != 0)
		return;
	if ((v = legacy_header(GMIME_OBJECT(msg), "Subject", cs)) != NULL) {
		d = g_mime_utils_header_decode_text(md_mime_opts, v);
		free(w->out->subject);
		w->out->subject = md_mime_clean_hdr(w, d);
		g_free(d);
		g_free(v);
	}
	for (i = 0; i < G_N_ELEMENTS(address_headers) && !w->oom; i++) {
		v = legacy_header(GMIME_OBJECT(msg), address_headers[i].name, cs);
		if (v == NULL)
			continue;
		mb = NULL;
		had = mailboxes(address_headers[i].get(msg), 0, &mb);
		if ((l = internet_address_list_parse(md_mime_opts, v)) != NULL) {
			mb = NULL;
			if (mailboxes(l, 0, &mb) >= (had > 1 ? had : 1))
				address_headers[i].set(w, l);
			g_object_unref(l);
		}
		g_free(v);
	}
}

/*
 * A part's filename again from raw 8-bit parameters that are not UTF-8
 * (filename="<GB2312 bytes>": Chinese and Japanese mailers), decoded with
 * the body's charset cs like Subject; NULL if there is no such name.
 * g_free it.
 */
char *
md_mime_legacy_filename(GMimeObject *obj, const char *cs)
{
	GMimeContentDisposition *d;
	GMimeContentType *t;
	char *v, *r = NULL;

	if ((v = legacy_header(obj, "Content-Disposition", cs)) != NULL) {
		if ((d = g_mime_content_disposition_parse(md_mime_opts, v)) != NULL) {
			r = g_strdup(g_mime_content_disposition_get_parameter(d,
			    "filename"));
			g_object_unref(d);
		}
		g_free(v);
	}
	if (r == NULL && (v = legacy_header(obj, "Content-Type", cs)) != NULL) {
		if ((t = g_mime_content_type_parse(md_mime_opts, v)) != NULL) {
			r = g_strdup(g_mime_content_type_get_parameter(t, "name"));
			g_object_unref(t);
		}
		g_free(v);
	}
	return r;
}
