/*
 * compose.c - render one outbound mail: RFC 5322 headers + a QP text body.
 *
 * Every value that reaches a header goes through clean() first: CR, LF and
 * other control characters become spaces, so no input (a customer's name,
 * a subject, an address) can start a header of its own.  Headers are
 * written token by token through a small folder that breaks lines at
 * whitespace before they pass 78 characters; words that cannot be written
 * as plain ASCII, or that are too long to fit a line, become RFC 2047
 * encoded words ("=?UTF-8?B?...?=", at most 75 characters each, cut only
 * between UTF-8 characters), which can always be split to fit.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "compose.h"
#include "utf8.h"
#include "keygen.h"

#define LINE_MAX_LEN	78	/* RFC 5322 2.1.1 "SHOULD" */
#define QP_LINE_MAX	76	/* RFC 2045 6.7 (5) */
#define EW_OVERHEAD	12	/* "=?UTF-8?B?" + "?=" */
#define EW_MAX_BYTES	45	/* 60 base64 chars: a 72-char encoded word */
#define EW_MIN_BYTES	9	/* don't start a tiny word at a line end */
#define WS_MAX		16	/* longer blank runs in a Subject become one blank */
#define MSGID_MAX	250	/* longer Message-IDs are left out of a thread */

/* A header being written: where we are on the current line. */
struct hdr {
	md_buf	*out;
	size_t	 col;
	int	 ntok;		/* tokens written so far */
	int	 err;
};

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * Copies s into b (reset first) with control characters (CR and LF above
 * all) turned into spaces and surrounding whitespace trimmed.
 */
static const char *
clean(const char *s, md_buf *b)
{
	const unsigned char *p;
	size_t start;

	md_buf_reset(b);
	if (md_buf_puts(b, "") < 0)
		return NULL;
	for (p = (const unsigned char *)(s ? s : ""); *p == ' ' || *p == '\t' ||
	    *p == '\r' || *p == '\n'; p++)
		;
	start = b->len;
	for (; *p != '\0'; p++)
		if (md_buf_putc(b, (char)(*p < 0x20 || *p == 0x7f ? ' ' : *p)) < 0)
			return NULL;
	while (b->len > start && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
	return b->data;
}

static void
emit(struct hdr *h, const char *s, size_t n)
{
	if (!h->err && md_buf_append(h->out, s, n) < 0)
		h->err = 1;
	h->col += n;
}

static void
hdr_begin(struct hdr *h, md_buf *out, const char *name)
{
	h->out = out;
	h->col = 0;
	h->ntok = 0;
	h->err = 0;
	emit(h, name, strlen(name));
	emit(h, ":", 1);
}

/* Writes ws (at least one blank) and tok, folding before them if needed. */
static void
hdr_token(struct hdr *h, const char *ws, size_t wslen, const char *tok,
    size_t len)
{
	if (h->ntok > 0 && h->col + wslen + len > LINE_MAX_LEN) {
		emit(h, "\r\n", 2);
		h->col = 0;
		ws = " ";	/* the fold's blank; more would only waste the line */
		wslen = 1;
	}
	emit(h, ws, wslen);
	emit(h, tok, len);
	h->ntok++;
}

static int
hdr_end(struct hdr *h)
{
	emit(h, "\r\n", 2);
	return h->err ? -1 : 0;
}

/*
 * Where to end an encoded word that is not the last: on a character
 * boundary and, when one exists, on a multiple of 3 bytes so the base64
 * needs no "=" padding (GMime joins adjacent words before decoding and
 * stops at padding in the middle).
 */
static size_t
ew_cut(const unsigned char *s, size_t len, size_t n)
{
	size_t k;

	if (n >= len)
		return len;
	for (k = n - n % 3; k >= 3; k -= 3)
		if ((s[k] & 0xc0) != 0x80)
			return k;
	return md_utf8_prefix((const char *)s, len, n);
}

static void
base64(const unsigned char *s, size_t n, char *out)
{
	size_t i;
	unsigned v;

	for (i = 0; i + 2 < n; i += 3, out += 4) {
		v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		out[0] = b64[v >> 18];
		out[1] = b64[(v >> 12) & 63];
		out[2] = b64[(v >> 6) & 63];
		out[3] = b64[v & 63];
	}
	if (i < n) {
		v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0);
		out[0] = b64[v >> 18];
		out[1] = b64[(v >> 12) & 63];
		out[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[3] = '=';
		out += 4;
	}
	*out = '\0';
}

/* Formats one encoded word of s[0..n) (n <= EW_MAX_BYTES) into w. */
static size_t
encoded_word(const unsigned char *s, size_t n, char *w)
{
	memcpy(w, "=?UTF-8?B?", 10);
	base64(s, n, w + 10);
	strcat(w, "?=");
	return strlen(w);
}

/*
 * Writes s[0..len) as encoded words.  The first word follows ws; the
 * others follow a single space, which decoders drop between encoded words.
 * Each word is sized to fill the current line, so lines stay <= 78.
 */
static void
hdr_encoded(struct hdr *h, const char *ws, size_t wslen, const char *s,
    size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char w[EW_OVERHEAD + 4 * (EW_MAX_BYTES / 3) + 1];
	size_t room, n, wn;

	while (len > 0) {
		room = LINE_MAX_LEN - (h->col + wslen < LINE_MAX_LEN ?
		    h->col + wslen : LINE_MAX_LEN);
		n = room > EW_OVERHEAD ? (room - EW_OVERHEAD) / 4 * 3 : 0;
		if (n > EW_MAX_BYTES)
			n = EW_MAX_BYTES;
		if (h->ntok > 0 && n < EW_MIN_BYTES && n < len) {
			emit(h, "\r\n", 2);	/* fold: next word gets a full line */
			h->col = 0;
			/* after the fold one blank: a long run before the word
			 * would leave no room on any line, and fold forever */
			ws = " ";
			wslen = 1;
			continue;
		}
		if (n < 4)
			n = 4;		/* first token: never loop forever */
		n = ew_cut(p, len, n);
		wn = encoded_word(p, n, w);
		emit(h, ws, wslen);
		emit(h, w, wn);
		h->ntok++;
		p += n;
		len -= n;
		ws = " ";
		wslen = 1;
	}
}

/* Needs an encoded word: not printable ASCII, or looks like one already. */
static int
needs_encoding(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return 1;
		if (s[i] == '=' && i + 1 < n && s[i + 1] == '?')
			return 1;
	}
	return 0;
}

/* Plain words longer than a line are encoded too, so they can be split. */
static int
word_needs_encoding(const char *s, size_t n)
{
	return n > LINE_MAX_LEN - 2 || needs_encoding(s, n);
}

/*
 * Unstructured text (Subject): plain words stay readable (the "[acme#12]"
 * tag in particular); each run of words that need encoding, with the
 * blanks between them, becomes one sequence of encoded words.
 */
static void
hdr_text(struct hdr *h, const char *s)
{
	const char *ws = " ", *w, *e, *run_end;
	size_t wslen = 1;

	while (*s != '\0') {
		for (w = s; *w == ' '; w++)
			;
		if (w > s) {
			ws = s;
			wslen = (size_t)(w - s);
			if (wslen > WS_MAX) {	/* a line of blanks says nothing */
				ws = " ";
				wslen = 1;
			}
		}
		for (e = w; *e != '\0' && *e != ' '; e++)
			;
		if (!word_needs_encoding(w, (size_t)(e - w))) {
			hdr_token(h, ws, wslen, w, (size_t)(e - w));
			s = e;
			continue;
		}
		/* extend the run over following words that need encoding */
		for (run_end = e;;) {
			const char *nw, *ne;

			for (nw = run_end; *nw == ' '; nw++)
				;
			for (ne = nw; *ne != '\0' && *ne != ' '; ne++)
				;
			if (ne == nw || !word_needs_encoding(nw, (size_t)(ne - nw)))
				break;
			run_end = ne;
		}
		hdr_encoded(h, ws, wslen, w, (size_t)(run_end - w));
		s = run_end;
	}
}

/* A display name: a quoted string, or encoded words when that won't do. */
static void
hdr_phrase(struct hdr *h, const char *name)
{
	md_buf q = MD_BUF_INIT;
	const char *p;
	size_t n = strlen(name);

	if (needs_encoding(name, n) || n > 60) {
		hdr_encoded(h, " ", 1, name, n);
		return;
	}
	if (md_buf_putc(&q, '"') < 0)
		h->err = 1;
	for (p = name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			h->err |= md_buf_putc(&q, '\\') < 0;
		h->err |= md_buf_putc(&q, *p) < 0;
	}
	if (md_buf_putc(&q, '"') < 0)
		h->err = 1;
	hdr_token(h, " ", 1, md_buf_str(&q), q.len);
	md_buf_free(&q);
}

/* "Name" <addr>, or a bare addr when there is no name. */
static int
put_mailbox(md_buf *out, const char *field, const char *name, const char *addr)
{
	md_buf nb = MD_BUF_INIT, ab = MD_BUF_INIT, t = MD_BUF_INIT;
	struct hdr h;
	const char *n, *a;

	n = clean(name, &nb);
	a = clean(addr, &ab);
	if (n == NULL || a == NULL || *a == '\0') {
		md_buf_free(&nb);
		md_buf_free(&ab);
		return -1;
	}
	hdr_begin(&h, out, field);
	if (*n != '\0') {
		hdr_phrase(&h, n);
		if (md_buf_printf(&t, "<%s>", a) < 0)
			h.err = 1;
		hdr_token(&h, " ", 1, md_buf_str(&t), t.len);
	} else
		hdr_token(&h, " ", 1, a, strlen(a));
	md_buf_free(&nb);
	md_buf_free(&ab);
	md_buf_free(&t);
	return hdr_end(&h);
}

/*
 * Whether s[0..n) can stand in In-Reply-To/References: printable ASCII with
 * an '@' (RFC 5322 msg-id), short enough for a line.  A customer's
 * Message-ID may be anything; a broken one is left out of the thread
 * rather than break the header (a 64 KB id, raw UTF-8 without SMTPUTF8).
 */
static int
msgid_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > MSGID_MAX || memchr(s, '@', n) == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/*
 * A header of "<id>" tokens from a blank separated list (<> optional).
 * Without one usable id: -1 when required (our Message-ID), else no
 * header at all (a thread header of customers' ids only).
 */
static int
put_ids(md_buf *out, const char *field, const char *ids, int required)
{
	md_buf cb = MD_BUF_INIT, t = MD_BUF_INIT;
	size_t start = out->len;
	struct hdr h;
	const char *s, *e;

	if ((s = clean(ids, &cb)) == NULL)
		return -1;
	hdr_begin(&h, out, field);
	while (*s != '\0') {
		while (*s == ' ' || *s == '<' || *s == '>')
			s++;
		for (e = s; *e != '\0' && *e != ' ' && *e != '<' && *e != '>'; e++)
			;
		if (msgid_ok(s, (size_t)(e - s))) {
			md_buf_reset(&t);
			if (md_buf_printf(&t, "<%.*s>", (int)(e - s), s) < 0)
				h.err = 1;
			hdr_token(&h, " ", 1, md_buf_str(&t), t.len);
		}
		s = e;
	}
	md_buf_free(&cb);
	md_buf_free(&t);
	if (h.ntok > 0)
		return hdr_end(&h);
	if (required || h.err)
		return -1;
	out->len = start;	/* take the field name back */
	out->data[start] = '\0';
	return 0;
}

/* A header whose value is a single cleaned string (no folding needed). */
static int
put_simple(md_buf *out, const char *field, const char *value)
{
	md_buf cb = MD_BUF_INIT;
	const char *v = clean(value, &cb);
	int rc = v == NULL ? -1 : md_buf_printf(out, "%s: %s\r\n", field, v);

	md_buf_free(&cb);
	return rc;
}

static int
put_subject(md_buf *out, const char *subject)
{
	md_buf cb = MD_BUF_INIT;
	struct hdr h;
	const char *s;
	char *p;

	if ((s = clean(subject, &cb)) == NULL)
		return -1;
	for (p = cb.data; p != NULL && *p != '\0'; p++)
		if (*p == '\t')
			*p = ' ';
	hdr_begin(&h, out, "Subject");
	if (*s == '\0')
		emit(&h, " ", 1);
	hdr_text(&h, s);
	md_buf_free(&cb);
	return hdr_end(&h);
}

/* RFC 5322 3.3 date in local time with its numeric offset. */
static int
put_date(md_buf *out, long when)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = when != 0 ? (time_t)when : time(NULL);
	struct tm tm;
	long off;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	off = tm.tm_gmtoff / 60;
	return md_buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
	    (off < 0 ? -off : off) % 60);
}

/* RFC 2369 List-Unsubscribe; RFC 8058 one-click only for https. */
static int
put_unsubscribe(md_buf *out, const char *mailto, const char *url)
{
	md_buf mb = MD_BUF_INIT, ub = MD_BUF_INIT, t = MD_BUF_INIT;
	struct hdr h;
	const char *m = clean(mailto, &mb), *u = clean(url, &ub);
	int rc = 0;

	if (m == NULL || u == NULL)
		rc = -1;
	else if (*m != '\0' || *u != '\0') {
		hdr_begin(&h, out, "List-Unsubscribe");
		if (*m != '\0') {
			if (md_buf_printf(&t, "<mailto:%s>%s", m, *u ? "," : "") < 0)
				h.err = 1;
			hdr_token(&h, " ", 1, md_buf_str(&t), t.len);
		}
		if (*u != '\0') {
			md_buf_reset(&t);
			if (md_buf_printf(&t, "<%s>", u) < 0)
				h.err = 1;
			hdr_token(&h, " ", 1, md_buf_str(&t), t.len);
		}
		rc = hdr_end(&h);
		if (rc == 0 && strncmp(u, "https://", 8) == 0)
			rc = md_buf_puts(out,
			    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	}
	md_buf_free(&mb);
	md_buf_free(&ub);
	md_buf_free(&t);
	return rc;
}

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
static int
qp_body(const char *body, md_buf *out)
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

int
md_compose(const struct md_outmail *m, md_buf *out)
{
	const char *as = m->auto_submitted;

	if (m->from_addr == NULL || m->to_addr == NULL ||
	    m->message_id == NULL || *m->message_id == '\0')
		return -1;
	if (put_date(out, m->date) < 0 ||
	    put_mailbox(out, "From", m->from_name, m->from_addr) < 0 ||
	    put_mailbox(out, "To", m->to_name, m->to_addr) < 0 ||
	    (m->reply_to && *m->reply_to &&
	    put_mailbox(out, "Reply-To", NULL, m->reply_to) < 0) ||
	    put_subject(out, m->subject) < 0 ||
	    put_ids(out, "Message-ID", m->message_id, 1) < 0 ||
	    (m->in_reply_to && *m->in_reply_to &&
	    put_ids(out, "In-Reply-To", m->in_reply_to, 0) < 0) ||
	    (m->references && *m->references &&
	    put_ids(out, "References", m->references, 0) < 0))
		return -1;
	if (md_buf_puts(out, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n") < 0 ||
	    put_simple(out, "Auto-Submitted",
	    as && *as ? as : "auto-generated") < 0 ||
	    md_buf_puts(out, "X-Auto-Response-Suppress: All\r\n") < 0 ||
	    put_unsubscribe(out, m->unsubscribe_mailto, m->unsubscribe_url) < 0 ||
	    (m->issue_path && *m->issue_path &&
	    put_simple(out, "X-Maildesk-Issue", m->issue_path) < 0))
		return -1;
	if (md_buf_puts(out, "\r\n") < 0)
		return -1;
	return qp_body(m->body, out);
}

int
md_compose_message_id(const char *domain, char *out, size_t outlen)
{
	unsigned char rnd[16];
	char key[40];
	const char *p;
	int n;

	if (domain == NULL || *domain == '\0')
		return -1;
	for (p = domain; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return -1;
	if (md_random_bytes(rnd, sizeof rnd) < 0 ||
	    md_base32(rnd, sizeof rnd, key, sizeof key) < 0)
		return -1;
	n = snprintf(out, outlen, "%s@%s", key, domain);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
md_compose_header_word(const char *s, md_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	char w[EW_OVERHEAD + 4 * (EW_MAX_BYTES / 3) + 1];
	size_t len = strlen(s), n;

	if (!needs_encoding(s, len))
		return md_buf_append(out, s, len);
	while (len > 0) {
		n = ew_cut(p, len, EW_MAX_BYTES);
		encoded_word(p, n, w);
		if (md_buf_puts(out, w) < 0 ||
		    (len > n && md_buf_putc(out, ' ') < 0))
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}
