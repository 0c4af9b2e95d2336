/*
 * mime_input.c - the bytes GMime gets: a copy of the raw message made safe
 * to parse (GMime has no limits of its own on some inputs, see below).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

#include "mime_charset.h"
#include "mime_input.h"

#define CFWS_MAX	256	/* blanks and comments around an RFC 2231 '*' */
#define OPEN_WORDS_MAX	16	/* encoded words without "?=" in one field */

static int
is_lwsp(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* End of a header field at d[j]: a line break not followed by a fold. */
static int
field_end(const unsigned char *d, size_t len, size_t j)
{
	if (d[j] == '\r' && j + 1 < len && d[j + 1] == '\n')
		j++;
	return d[j] == '\n' && (j + 1 == len || (d[j + 1] != ' ' && d[j + 1] != '\t'));
}

/*
 * Past blanks, folds and (nested) comments from j; stops at a field's
 * end.  CFWS_MAX bytes at most, so that a body full of "*(" stays linear:
 * SIZE_MAX when there is more (the caller then assumes the worst).
 */
static size_t
skip_cfws(const unsigned char *d, size_t len, size_t j)
{
	size_t end = len - j > CFWS_MAX ? j + CFWS_MAX : len;
	int depth = 0;

	for (; j < len && !field_end(d, len, j); j++) {
		if (j == end)
			return SIZE_MAX;
		if (d[j] == '(')
			depth++;
		else if (d[j] == ')' && depth > 0)
			depth--;
		else if (d[j] == '\\' && depth > 0 && j + 1 < len)
			j++;
		else if (depth == 0 && !is_lwsp(d[j]))
			break;
	}
	return j;
}

/*
 * Bytes before the charset's closing '\'' of an RFC 2231 value starting at
 * j, the way GMime reads it: a quoted value runs to its unescaped closing
 * quote, an unquoted one (GMime is lenient) to the next ';', both at most
 * to the end of the field.  More than MD_CHARSET_MAX means "too long"; a value
 * without '\'' within it returns 0 (no charset).
 */
static size_t
rfc2231_charset_len(const unsigned char *d, size_t len, size_t j)
{
	int quoted = j < len && d[j] == '"';
	size_t n;

	for (j += quoted, n = 0; j < len && n <= MD_CHARSET_MAX; j++, n++) {
		if (d[j] == '\'')
			return n;
		if (field_end(d, len, j) || (quoted ? d[j] == '"' : d[j] == ';'))
			return 0;
		if (quoted && d[j] == '\\' && j + 1 < len) {
			j++;
			n++;
		}
	}
	return n > MD_CHARSET_MAX ? n : 0;
}

/* A Content-Type or Content-Disposition field starts at p[0..n). */
static int
param_field(const unsigned char *p, size_t n)
{
	static const char *const names[] = { "content-type",
	    "content-disposition" };
	size_t i, k, l;

	for (k = 0; k < sizeof names / sizeof names[0]; k++) {
		l = strlen(names[k]);
		if (n <= l || g_ascii_strncasecmp((const char *)p, names[k], l) != 0)
			continue;
		for (i = l; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
			;
		return i < n && p[i] == ':';
	}
	return 0;
}

/*
 * GMime copies charset names it meets in RFC 2047 words ("=?charset?")
 * and RFC 2231 values ("name*=charset'lang'...") onto the stack with
 * alloca, unbounded: a megabyte-long charset name overflows a thread's
 * stack.  No charset name is longer than MD_CHARSET_MAX, so such would-be
 * charsets are broken up before GMime sees them: defang_words, then
 * defang_params (a '?' it turns into a blank is a blank to the latter).
 * Every line is looked at, bodies too: which lines GMime takes for
 * headers (parts, attached messages) is GMime's to decide, and a field
 * missed here would be a crash.
 */

/*
 * "=?" starting a charset longer than MD_CHARSET_MAX becomes "= ".  Text
 * rarely has that shape; a body that does loses that '?' in md_mime.
 */
static void
defang_words(unsigned char *d, size_t len)
{
	size_t i, j, n;

	for (i = 0; i + 1 < len; i++) {
		if (d[i] != '=' || d[i + 1] != '?')
			continue;
		/* GMime lets these charsets hold spaces, even folds */
		for (j = i + 2, n = 0; j < len && n <= MD_CHARSET_MAX &&
		    d[j] != '?'; j++, n++)
			;
		if (n > MD_CHARSET_MAX) {
			d[i + 1] = ' ';
		} else if (j + 2 < len && d[j + 2] == '?') {
			/*
			 * A real encoded word: skip to its "?=" so base64
			 * padding before it ("...==?=") is not read as the
			 * start of another word.
			 */
			for (j += 3; j + 1 < len && !is_lwsp(d[j]) &&
			    !(d[j] == '?' && d[j + 1] == '='); j++)
				;
			i = j;
		}
	}
}

/*
 * A '*' followed by '=' and a value whose charset part is longer than
 * MD_CHARSET_MAX, in a Content-Type or Content-Disposition field (the only
 * fields GMime reads parameters of), becomes an 'X'.  GMime's parameter
 * grammar is looser than RFC 2231 (blanks and comments around the '*'
 * and the '=', unquoted values with blanks in them), so each such '*' is
 * judged the way GMime would read the value after it.  Elsewhere a '*' is
 * text and stays ("**=> Note: ..." in a body was cut to "*X=> Note").
 */
static void
defang_params(unsigned char *d, size_t len)
{
	size_t i, j;
	int params = 0;		/* inside such a field */

	for (i = 0; i < len; i++) {
		if ((i == 0 || d[i - 1] == '\n') && d[i] != ' ' && d[i] != '\t')
			params = param_field(d + i, len - i);
		if (d[i] != '*' || !params)
			continue;
		if ((j = skip_cfws(d, len, i + 1)) == SIZE_MAX ||
		    (j < len && d[j] == '=' &&
		    ((j = skip_cfws(d, len, j + 1)) == SIZE_MAX ||
		    rfc2231_charset_len(d, len, j) > MD_CHARSET_MAX)))
			d[i] = 'X';
	}
}

/* ---- header blocks without their blank line ---------------------------- */

#define MAX_BOUNDARIES	32	/* multipart boundaries remembered */
#define BOUNDARY_MAX	200	/* longer ones are not repaired after */
#define CT_MAX		1024	/* Content-Type header bytes looked at */

struct blocks {
	char	b[MAX_BOUNDARIES][BOUNDARY_MAX];
	size_t	blen[MAX_BOUNDARIES];
	int	nb;
	char	ct[CT_MAX];	/* the Content-Type field being read */
	size_t	ctlen;
	int	in_ct;
};

/* "Name:" (also "Name :"): printable ASCII up to the colon. */
static int
field_line(const unsigned char *p, size_t n)
{
	size_t i, j;

	for (i = 0; i < n && p[i] > 32 && p[i] < 127 && p[i] != ':'; i++)
		;
	for (j = i; j < n && (p[j] == ' ' || p[j] == '\t'); j++)
		;
	return i > 0 && j < n && p[j] == ':';
}

/* Remembers the boundary= of the Content-Type field just read. */
static void
take_boundary(struct blocks *k)
{
	const char *v = k->ct, *end = k->ct + k->ctlen;
	size_t n = 0;
	char q = 0;

	k->in_ct = 0;
	for (; v + 9 <= end; v++)
		if (g_ascii_strncasecmp(v, "boundary=", 9) == 0 &&
		    (v == k->ct || v[-1] == ';' || v[-1] == ' ' || v[-1] == '\t'))
			break;
	if (v + 9 > end || k->nb == MAX_BOUNDARIES)
		return;
	v += 9;
	if (v < end && *v == '"')
		q = *v++;
	while (v + n < end && n < BOUNDARY_MAX && (q ? v[n] != q :
	    v[n] != ';' && v[n] != ' ' && v[n] != '\t' && v[n] != '\r' &&
	    v[n] != '\n'))
		n++;
	if (n == 0 || n == BOUNDARY_MAX)
		return;
	memcpy(k->b[k->nb], v, n);
	k->blen[k->nb++] = n;
}

/* A "--boundary" line of a known one: 1, its closing "--boundary--": 2. */
static int
delimiter(const struct blocks *k, const unsigned char *p, size_t n)
{
	int i;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' ||
	    p[n - 1] == '\n'))
		n--;
	if (n < 3 || p[0] != '-' || p[1] != '-')
		return 0;
	for (i = 0; i < k->nb; i++) {
		if (n == k->blen[i] + 2 && memcmp(p + 2, k->b[i], k->blen[i]) == 0)
			return 1;
		if (n == k->blen[i] + 4 && memcmp(p + 2, k->b[i], k->blen[i]) == 0 &&
		    p[n - 2] == '-' && p[n - 1] == '-')
			return 2;
	}
	return 0;
}

/*
 * A delimiter line ending like the line before it.  GMime takes the line
 * break before a delimiter as part of the delimiter, and measures it by
 * the delimiter line's own ending: a bare-LF line before a CRLF delimiter
 * lost its last character, a CRLF line before a bare-LF delimiter kept a
 * stray CR (mixed endings: gateways, scripts, pasted text).
 */
static void
put_delimiter(GByteArray *o, const unsigned char *p, size_t n, int prev_crlf)
{
	size_t body = n;

	if (body > 0 && p[body - 1] == '\n') {
		body--;
		if (body > 0 && p[body - 1] == '\r')
			body--;
	} else {
		g_byte_array_append(o, p, (guint)n);	/* the last line */
		return;
	}
	g_byte_array_append(o, p, (guint)body);
	g_byte_array_append(o, (const guint8 *)"\r\n" + !prev_crlf,
	    prev_crlf ? 2 : 1);
}

/*
 * Whether the encoded word whose charset ends at j is a B word with base64
 * padding ("=?utf-8?B?ww==?=") or without the padding it needs ("w6k");
 * *e is then where its "?=" is.
 */
static int
padded_b_word(const unsigned char *p, size_t end, size_t j, size_t *e)
{
	size_t k = j;

	while (k < end && k - j < MD_CHARSET_MAX && p[k] != '?' && !is_lwsp(p[k]))
		k++;			/* past an RFC 2231 "*language" */
	if (k + 3 >= end || p[k] != '?' || (p[k + 1] != 'B' && p[k + 1] != 'b') ||
	    p[k + 2] != '?')
		return 0;
	/* base64 only: a scan that stopped only at "?=" would, over a line of
	   "=?a?B?AAAA=?a?B?AAAA...", start again at every word: quadratic */
	for (*e = k + 3; *e < end && (g_ascii_isalnum(p[*e]) || p[*e] == '+' ||
	    p[*e] == '/' || p[*e] == '='); (*e)++)
		;
	return *e + 1 < end && p[*e] == '?' && p[*e + 1] == '=' &&
	    (p[*e - 1] == '=' || (*e - (k + 3)) % 4 != 0);
}

/*
 * The B word from j (after its charset) to its "?=" at e, as "?Q?...?=".
 * GMime joins the bytes of adjacent words in one charset before decoding,
 * so a character split across two words (encoders that cut at a byte
 * count do that) comes out whole, but not after a word with base64
 * padding: its decoder stops at the '='.  Q has no such state.
 */
static void
put_as_q(GByteArray *o, const unsigned char *p, size_t j, size_t e)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = j, n, i;
	guchar *bytes;
	gint state = 0;
	guint save = 0;
	char q[3] = { '=', 0, 0 };

	while (p[k] != '?')
		k++;
	k += 3;				/* "?B?" */
	bytes = g_malloc((e - k) * 3 / 4 + 6);
	n = g_base64_decode_step((const gchar *)p + k, e - k, bytes, &state, &save);
	/* missing padding: GMime drops the last bytes, glib waits for it */
	n += g_base64_decode_step("===", (4 - (e - k) % 4) % 4, bytes + n, &state,
	    &save);
	g_byte_array_append(o, (const guint8 *)"?Q?", 3);
	for (i = 0; i < n; i++) {
		q[1] = hex[bytes[i] >> 4];
		q[2] = hex[bytes[i] & 15];
		g_byte_array_append(o, (const guint8 *)q, 3);
	}
	g_byte_array_append(o, (const guint8 *)"?=", 2);
	g_free(bytes);
}

/*
 * One header line into o, with two repairs GMime cannot make itself:
 *  - an RFC 2047 word's charset that lies (=?ks_c_5601-1987?, =?gb2312?,
 *    =?iso-8859-1? carrying windows-1252 quotes) is renamed to the
 *    decoder md_charset_alias gives, since GMime decodes the words with
 *    the label as written and loses the characters beyond it;
 *  - raw ISO-2022-JP (ESC $ B ... ESC ( B, no RFC 2047: older Japanese
 *    mailers and gateways) becomes UTF-8, which GMime takes as it is;
 *    left alone, the "(B" of the escapes opens a comment in From: and
 *    the address is lost.
 * And one guard: GMime looks for the "?=" of every "=?charset?" it meets
 * up to the end of the field, so a field of many words that never close
 * ("=?a?B?AAAA =?a?B?AAAA ...") costs it quadratic time (200 KB: 2 s).
 * Past OPEN_WORDS_MAX such words in a field (*open_words counts them),
 * their "=?" becomes "= ".  Real mail has one or two (raw blanks inside a
 * word, a word cut at a fold).
 * Linear: every byte is looked at a bounded number of times.
 */
static void
put_header_line(GByteArray *o, const unsigned char *p, size_t n,
    int *open_words)
{
	size_t i = 0, run = 0, j, k, end = n, last_close = 0;
	const char *dec;
	char *u;

	while (end > 0 && (p[end - 1] == '\r' || p[end - 1] == '\n'))
		end--;
	for (k = end; k >= 2 && last_close == 0; k--)
		if (p[k - 2] == '?' && p[k - 1] == '=')
			last_close = k;		/* just past the line's last "?=" */
	while (i < end) {
		if (p[i] == '=' && i + 1 < end && p[i + 1] == '?') {
			for (j = i + 2; j < end && j - (i + 2) < MD_CHARSET_MAX &&
			    p[j] != '?' && p[j] != '*' && !is_lwsp(p[j]); j++)
				;
			if (j < end && p[j] == '?' && last_close < i + 4 &&
			    ++*open_words > OPEN_WORDS_MAX) {
				g_byte_array_append(o, p + run, (guint)(i + 1 - run));
				g_byte_array_append(o, (const guint8 *)" ", 1);
				run = i + 2;
				i = j;
				continue;
			}
			dec = j < end && (p[j] == '?' || p[j] == '*') ?
			    md_charset_alias((const char *)p + i + 2, j - (i + 2)) :
			    NULL;
			if (j < end && (p[j] == '?' || p[j] == '*') &&
			    padded_b_word(p, end, j, &k)) {
				g_byte_array_append(o, p + run, (guint)(i + 2 - run));
				if (dec != NULL)
					g_byte_array_append(o, (const guint8 *)dec,
					    (guint)strlen(dec));
				else
					g_byte_array_append(o, p + i + 2,
					    (guint)(j - (i + 2)));
				put_as_q(o, p, j, k);
				run = j = k + 2;
			} else if (dec != NULL) {
				g_byte_array_append(o, p + run, (guint)(i + 2 - run));
				g_byte_array_append(o, (const guint8 *)dec,
				    (guint)strlen(dec));
				run = j;
			}
			i = j;
		} else if (p[i] == 0x1b && i + 2 < end && p[i + 1] == '$' &&
		    (p[i + 2] == 'B' || p[i + 2] == '@')) {
			/* to the last switch back to ASCII on this line */
			for (k = end, j = i + 3; j + 2 < end; j++)
				if (p[j] == 0x1b && p[j + 1] == '(' &&
				    (p[j + 2] == 'B' || p[j + 2] == 'J'))
					k = j + 3;
			if ((u = md_charset_to_utf8((const char *)p + i, k - i,
			    "iso-2022-jp")) != NULL) {
				g_byte_array_append(o, p + run, (guint)(i - run));
				g_byte_array_append(o, (const guint8 *)u,
				    (guint)strlen(u));
				free(u);
				run = k;
			}
			i = k;
		} else
			i++;
	}
	g_byte_array_append(o, p + run, (guint)(n - run));
}

/* An empty line ending like the line p[0..n) does; 1 if that is CRLF. */
static int
put_blank_line(GByteArray *o, const unsigned char *p, size_t n)
{
	int crlf = n >= 2 && p[n - 2] == '\r';

	g_byte_array_append(o, (const guint8 *)"\r\n" + !crlf, crlf ? 2 : 1);
	return crlf;
}

/*
 * A header block must end with an empty line; mailers that forget it
 * ("Content-Type: text/plain" and the text right below) make GMime read
 * the text as broken headers and lose it.  So where a header block (the
 * message's, or a part's after its "--boundary" line) meets a line that
 * is neither a field nor a fold, an empty line is put before that line.
 * A leading mbox "From " line is left alone.  Linear: each line is looked
 * at once, against at most MAX_BOUNDARIES boundaries.
 */
static GByteArray *
close_header_blocks(GByteArray *a)
{
	struct blocks *k = g_malloc0(sizeof *k);
	GByteArray *o = g_byte_array_sized_new(a->len + 64);
	const unsigned char *d = a->data, *e;
	size_t i = 0, n, len = a->len;
	int headers = 1, hdr_line, delim, prev_crlf = 0, open_words = 0;

	while (i < len) {
		e = memchr(d + i, '\n', len - i);
		n = e ? (size_t)(e - (d + i)) + 1 : len - i;
		hdr_line = delim = 0;
		if (headers) {
			int empty = e != NULL && (n == 1 || (n == 2 &&
			    d[i] == '\r'));
			int fold = d[i] == ' ' || d[i] == '\t';

			if (k->in_ct && !fold)
				take_boundary(k);
			if (empty)
				headers = 0;
			else if (fold) {
				hdr_line = 1;
				if (k->in_ct && k->ctlen + n <= CT_MAX) {
					memcpy(k->ct + k->ctlen, d + i, n);
					k->ctlen += n;
				}
			} else if ((delim = delimiter(k, d + i, n)) != 0) {
				/*
				 * A part with headers and no body at all: its
				 * block ends at the next delimiter, which must
				 * still open the next part's block (else that
				 * part's missing blank line goes unrepaired).
				 */
				prev_crlf = put_blank_line(o, d + i, n);
				headers = delim == 1;
			} else if (field_line(d + i, n)) {
				hdr_line = 1;
				open_words = 0;
				if (g_ascii_strncasecmp((const char *)d + i,
				    "Content-Type", 12) == 0) {
					k->in_ct = 1;
					k->ctlen = n < CT_MAX ? n : CT_MAX;
					memcpy(k->ct, d + i, k->ctlen);
				}
			} else if (!(i == 0 && n >= 5 && memcmp(d, "From ", 5) == 0)) {
				put_blank_line(o, d + i, n);
				headers = 0;
			}
		} else if ((delim = delimiter(k, d + i, n)) != 0) {
			headers = delim == 1;
		}
		if (hdr_line)
			put_header_line(o, d + i, n, &open_words);
		else if (delim)
			put_delimiter(o, d + i, n, prev_crlf);
		else
			g_byte_array_append(o, d + i, (guint)n);
		prev_crlf = e != NULL && n >= 2 && d[i + n - 2] == '\r';
		i += n;
	}
	if (headers && k->in_ct)
		take_boundary(k);
	g_free(k);
	g_byte_array_free(a, TRUE);
	return o;
}

/*
 * GMime's stream over a copy of raw, made safe to parse.  NUL bytes in
 * the top-level header block become spaces: GMime keeps header values as
 * C strings, so a NUL would silently cut a From or Subject short.
 */
GMimeStream *
md_mime_input_stream(const char *raw, size_t len)
{
	GByteArray *a = g_byte_array_sized_new(len);
	unsigned char *d;
	size_t i;

	g_byte_array_append(a, (const guint8 *)raw, len);
	d = a->data;
	for (i = 0; i < len; i++) {
		if (d[i] == '\0')
			d[i] = ' ';
		else if (d[i] == '\n' && (i + 1 == len || d[i + 1] == '\n' ||
		    (d[i + 1] == '\r' && i + 2 < len && d[i + 2] == '\n')))
			break;
	}
	a = close_header_blocks(a);
	defang_words(a->data, a->len);
	defang_params(a->data, a->len);
	return g_mime_stream_mem_new_with_byte_array(a);
}
