/*
 * compose_fold.c - writing one header field of an outbound mail: values
 * cleaned of control characters, lines folded before 78 characters, and
 * RFC 2047 encoded words for what cannot stand as plain ASCII.
 *
 * Split from compose.c, which decides which fields a desk mail carries and
 * puts them together (compose_int.h has what it takes from here): how a
 * field is written is one job, the same for every field, and needs to know
 * nothing of mails.
 *
 * Every value that reaches a header goes through md_hdr_clean() first: CR,
 * LF and other control characters become spaces, so no input (a
 * customer's name, a subject, an address) can start a header of its own.
 * Headers are written token by token through a small folder that breaks
 * lines at whitespace before they pass 78 characters; words that cannot be
 * written as plain ASCII, or that are too long to fit a line, become RFC
 * 2047 encoded words ("=?UTF-8?B?...?=", at most 75 characters each, cut
 * only between UTF-8 characters), which can always be split to fit.
 */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "compose.h"
#include "compose_int.h"
#include "utf8.h"

#define LINE_MAX_LEN	78	/* RFC 5322 2.1.1 "SHOULD" */
#define EW_OVERHEAD	12	/* "=?UTF-8?B?" + "?=" */
#define EW_MAX_BYTES	45	/* 60 base64 chars: a 72-char encoded word */
#define EW_MIN_BYTES	9	/* don't start a tiny word at a line end */
#define WS_MAX		16	/* longer blank runs in a Subject become one blank */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * Copies s into b (reset first) with control characters (CR and LF above
 * all) turned into spaces and surrounding whitespace trimmed.
 */
const char *
md_hdr_clean(const char *s, md_buf *b)
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

void
md_hdr_emit(struct md_hdr *h, const char *s, size_t n)
{
	if (!h->err && md_buf_append(h->out, s, n) < 0)
		h->err = 1;
	h->col += n;
}

void
md_hdr_begin(struct md_hdr *h, md_buf *out, const char *name)
{
	h->out = out;
	h->col = 0;
	h->ntok = 0;
	h->err = 0;
	md_hdr_emit(h, name, strlen(name));
	md_hdr_emit(h, ":", 1);
}

/* Writes ws (at least one blank) and tok, folding before them if needed. */
void
md_hdr_token(struct md_hdr *h, const char *ws, size_t wslen, const char *tok,
    size_t len)
{
	if (h->ntok > 0 && h->col + wslen + len > LINE_MAX_LEN) {
		md_hdr_emit(h, "\r\n", 2);
		h->col = 0;
		ws = " ";	/* the fold's blank; more would only waste the line */
		wslen = 1;
	}
	md_hdr_emit(h, ws, wslen);
	md_hdr_emit(h, tok, len);
	h->ntok++;
}

int
md_hdr_end(struct md_hdr *h)
{
	md_hdr_emit(h, "\r\n", 2);
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
hdr_encoded(struct md_hdr *h, const char *ws, size_t wslen, const char *s,
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
			md_hdr_emit(h, "\r\n", 2);	/* fold: next word gets a full line */
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
		md_hdr_emit(h, ws, wslen);
		md_hdr_emit(h, w, wn);
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
void
md_hdr_text(struct md_hdr *h, const char *s)
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
			md_hdr_token(h, ws, wslen, w, (size_t)(e - w));
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
void
md_hdr_phrase(struct md_hdr *h, const char *name)
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
	md_hdr_token(h, " ", 1, md_buf_str(&q), q.len);
	md_buf_free(&q);
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
