/*
 * mime_charset.c - body text in whatever charset the sender declared (or
 * failed to declare) turned into UTF-8.
 *
 * Real mail lies about its charset in a few well-known ways, and a desk
 * that shows mojibake to its agents loses the request.  The rules follow
 * what browsers settled on (WHATWG Encoding Standard) plus what mail adds:
 *  - a legacy label means the Windows superset the sender's machine really
 *    used (Outlook writes "ks_c_5601-1987" or "gb2312" and sends cp949 or
 *    GBK characters beyond them; Japanese Windows writes "Shift_JIS" and
 *    sends cp932's circled digits);
 *  - "us-ascii" and "iso-8859-1" mean windows-1252, or UTF-8 when the bytes
 *    are valid UTF-8 (mailers that never look at what they send);
 *  - "utf-8" over bytes that hold no UTF-8 sequence at all is windows-1252
 *    (old scripts that label everything utf-8);
 *  - ISO-2022-JP escapes under no or an ASCII label are ISO-2022-JP;
 *  - one bad byte costs one U+FFFD, not the whole text.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "buf.h"
#include "mime.h"
#include "mime_charset.h"
#include "utf8.h"

static const struct {
	const char	*label;
	const char	*decoder;
} aliases[] = {
	/* Korean: Outlook's label, and EUC-KR senders using UHC syllables */
	{ "ks_c_5601-1987", "CP949" }, { "ks_c_5601-1989", "CP949" },
	{ "ksc5601", "CP949" }, { "ksc_5601", "CP949" }, { "euc-kr", "CP949" },
	{ "cseuckr", "CP949" }, { "csksc56011987", "CP949" },
	{ "iso-ir-149", "CP949" }, { "korean", "CP949" },
	{ "windows-949", "CP949" }, { "uhc", "CP949" },
	/* Simplified Chinese: GB2312 and GBK are subsets of GB18030 */
	{ "gb2312", "GB18030" }, { "gb_2312", "GB18030" },
	{ "gb_2312-80", "GB18030" }, { "csgb2312", "GB18030" },
	{ "euc-cn", "GB18030" }, { "x-euc-cn", "GB18030" }, { "chinese", "GB18030" },
	{ "gbk", "GB18030" }, { "x-gbk", "GB18030" }, { "cp936", "GB18030" },
	{ "ms936", "GB18030" }, { "windows-936", "GB18030" },
	{ "iso-ir-58", "GB18030" }, { "csiso58gb231280", "GB18030" },
	/* Traditional Chinese */
	{ "big5", "BIG5-HKSCS" }, { "big-5", "BIG5-HKSCS" },
	{ "cn-big5", "BIG5-HKSCS" }, { "csbig5", "BIG5-HKSCS" },
	{ "x-x-big5", "BIG5-HKSCS" }, { "big5-hkscs", "BIG5-HKSCS" },
	/* Japanese: Windows' Shift_JIS is cp932 (NEC and IBM extensions) */
	{ "shift_jis", "CP932" }, { "shift-jis", "CP932" }, { "sjis", "CP932" },
	{ "x-sjis", "CP932" }, { "ms_kanji", "CP932" }, { "csshiftjis", "CP932" },
	{ "windows-31j", "CP932" }, { "ms932", "CP932" }, { "cp932", "CP932" },
	{ "x-ms-cp932", "CP932" },
	{ "euc-jp", "EUC-JP-MS" }, { "x-euc-jp", "EUC-JP-MS" },
	{ "cseucpkdfmtjapanese", "EUC-JP-MS" },
	/* ISO labels whose Windows sibling has more letters */
	{ "iso-8859-9", "CP1254" }, { "iso8859-9", "CP1254" },
	{ "iso_8859-9", "CP1254" }, { "latin5", "CP1254" },
	{ "tis-620", "CP874" }, { "iso-8859-11", "CP874" },
	{ "windows-874", "CP874" }, { "dos-874", "CP874" },
	{ "iso-8859-8-i", "ISO-8859-8" }, { "logical", "ISO-8859-8" },
	{ "iso-8859-6-i", "ISO-8859-6" }, { "iso-8859-6-e", "ISO-8859-6" },
	{ "x-mac-roman", "MACINTOSH" }, { "macintosh", "MACINTOSH" },
	{ "x-mac-cyrillic", "MAC-CYRILLIC" }, { "koi8-ru", "KOI8-U" },
	{ "cp-850", "CP850" }, { "cp-866", "CP866" }, { "dos-866", "CP866" },
	{ "x-mac-ce", "MAC-CENTRALEUROPE" }, { "x-mac-japanese", "CP932" },
	{ "ms949", "CP949" }, { "x-windows-949", "CP949" },
	{ "cp20936", "GB18030" }, { "x-euc-tw", "EUC-TW" },
	{ "unicode-1-1-utf-7", "UTF-7" }, { "x-unicode-2-0-utf-7", "UTF-7" },
};

static const char *const utf8_labels[] = { "utf-8", "utf8",
	"unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8",
	"x-unicode20utf8", "x-utf-8", NULL };
/* WHATWG: all of these decode as windows-1252 */
static const char *const latin1_labels[] = { "iso-8859-1", "iso8859-1",
	"iso_8859-1", "iso_8859-1:1987", "iso-ir-100", "csisolatin1",
	"latin1", "l1", "cp819", "ibm819", "us-ascii", "ascii", "us",
	"ansi_x3.4-1968", "iso646-us", "csascii", "windows-1252", "cp1252",
	"x-cp1252", NULL };

/*
 * The bare label: GMime hands over parameter values as written, so
 * "big5 (Traditional Chinese)" (RFC 2045's own example has a comment
 * there), "\"utf-8\"" or " utf-8 " arrive too.  Lower case; 0 if empty or
 * too long.
 */
static size_t
bare_label(const char *cs, char *out, size_t outsz)
{
	size_t n = 0;

	if (cs == NULL)
		return 0;
	while (*cs == ' ' || *cs == '\t' || *cs == '"' || *cs == '\'')
		cs++;
	for (; *cs != '\0' && strchr(" \t\r\n\"'(;", *cs) == NULL; cs++) {
		if (n + 1 >= outsz || n + 1 >= MD_CHARSET_MAX)
			return 0;
		out[n++] = g_ascii_tolower(*cs);
	}
	out[n] = '\0';
	return n;
}

static int
listed(const char *label, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcmp(label, *names) == 0)
			return 1;
	return 0;
}

int
md_charset_kind(const char *cs)
{
	char label[MD_CHARSET_MAX];

	if (bare_label(cs, label, sizeof label) == 0)
		return 0;
	if (listed(label, utf8_labels))
		return 1;
	return listed(label, latin1_labels) ? 2 : 0;
}

const char *
md_charset_decoder(const char *cs, char *buf, size_t bufsz)
{
	size_t i;

	if (bufsz < MD_CHARSET_MAX || bare_label(cs, buf, bufsz) == 0)
		return NULL;
	for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(buf, aliases[i].label) == 0)
			return aliases[i].decoder;
	return g_mime_charset_iconv_name(buf);
}

const char *
md_charset_alias(const char *label, size_t len)
{
	char buf[MD_CHARSET_MAX];
	size_t i;

	if (len == 0 || len >= sizeof buf)
		return NULL;
	for (i = 0; i < len; i++)
		buf[i] = g_ascii_tolower(label[i]);
	buf[len] = '\0';
	for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(buf, aliases[i].label) == 0)
			return aliases[i].decoder;
	return listed(buf, latin1_labels) && strcmp(buf, "cp1252") != 0 ?
	    "CP1252" : NULL;
}

/*
 * n bytes from charset `from` appended to b as UTF-8; every byte iconv
 * rejects becomes one U+FFFD and decoding goes on after it.  Returns the
 * number of such bytes, or -1 if iconv does not know `from`.
 */
static long
iconv_lossy(const char *p, size_t n, const char *from, md_buf *b)
{
	GIConv cd = g_iconv_open("UTF-8", from);
	gchar *in = (gchar *)p, *o;
	gsize inleft = n, oleft;
	char out[4096];
	long errors = 0;

	if (cd == (GIConv)-1)
		return -1;
	while (inleft > 0 && !md_buf_failed(b)) {
		gsize r;
		int err;

		o = out, oleft = sizeof out;
		r = g_iconv(cd, &in, &inleft, &o, &oleft);
		err = r == (gsize)-1 ? errno : 0;	/* before realloc's */
		md_buf_append(b, out, (size_t)(o - out));
		if (err == 0 || err == E2BIG)
			continue;
		errors++;
		md_utf8_put_cp(b, 0xfffd);
		if (err != EILSEQ)
			break;		/* EINVAL: cut off at the end */
		in++, inleft--;
	}
	o = out, oleft = sizeof out;
	g_iconv(cd, NULL, NULL, &o, &oleft);	/* stateful ones: back to ASCII */
	md_buf_append(b, out, (size_t)(o - out));
	g_iconv_close(cd);
	return errors;
}

/* ---- ISO-2022-JP ----------------------------------------------------- */

/* ESC $ B / ESC $ @: the JIS X 0208 designations ISO-2022-JP text has. */
static int
has_jis_escapes(const char *p, size_t n)
{
	const char *e = p, *end = p + n;

	while ((e = memchr(e, 0x1b, (size_t)(end - e))) != NULL && end - e >= 3) {
		if (e[1] == '$' && (e[2] == 'B' || e[2] == '@'))
			return 1;
		e++;
	}
	return 0;
}

/*
 * ISO-2022-JP as Windows writes it (Microsoft's CP50220/50221, which iconv
 * lacks): JIS X 0208 plus the NEC and IBM rows (circled digits, ㈱) and
 * half-width katakana (ESC ( I, SO/SI).  Every two-byte JIS code maps to
 * cp932 arithmetically, and iconv's cp932 knows all of those rows; strict
 * ISO-2022-JP refuses the whole text for one circled digit.
 */
static void
jis_to_sjis(const unsigned char *p, size_t n, md_buf *b)
{
	enum { ASCII, KANJI, KANA } mode = ASCII;
	size_t i;

	for (i = 0; i < n && !md_buf_failed(b); i++) {
		unsigned char c = p[i], j1, j2;

		if (c == 0x1b && i + 2 < n) {
			if (p[i + 1] == '$' && (p[i + 2] == 'B' || p[i + 2] == '@')) {
				mode = KANJI, i += 2;
				continue;
			}
			if (p[i + 1] == '(' && (p[i + 2] == 'B' || p[i + 2] == 'J')) {
				mode = ASCII, i += 2;
				continue;
			}
			if (p[i + 1] == '(' && p[i + 2] == 'I') {
				mode = KANA, i += 2;
				continue;
			}
		}
		if (c == 0x0e || c == 0x0f) {
			mode = c == 0x0e ? KANA : ASCII;
			continue;
		}
		if (mode == KANJI && c >= 0x21 && c <= 0x7e && i + 1 < n &&
		    p[i + 1] >= 0x21 && p[i + 1] <= 0x7e) {
			j1 = c, j2 = p[++i];
			md_buf_putc(b, (char)((j1 + 1) / 2 + (j1 <= 0x5e ? 0x70 : 0xb0)));
			md_buf_putc(b, (char)(j2 + (j1 & 1 ? (j2 < 0x60 ? 0x1f : 0x20) :
			    0x7e)));
		} else if (mode == KANA && c >= 0x21 && c <= 0x5f)
			md_buf_putc(b, (char)(c + 0x80));
		else
			md_buf_putc(b, (char)c);
	}
}

/* b empty on entry. */
static long
jis_to_utf8(const char *p, size_t n, md_buf *b)
{
	md_buf sj = MD_BUF_INIT;
	long errors = iconv_lossy(p, n, "ISO-2022-JP", b);

	if (errors == 0)
		return 0;
	md_buf_reset(b);	/* again, through cp932 */
	jis_to_sjis((const unsigned char *)p, n, &sj);
	errors = md_buf_failed(&sj) ? -1 :
	    iconv_lossy(sj.data ? sj.data : "", sj.len, "CP932", b);
	md_buf_free(&sj);
	return errors;
}

/* ---- HTML's own declaration ------------------------------------------ */

#define META_SCAN	4096	/* bytes of an HTML part searched for <meta> */

const char *
md_charset_html_meta(const char *p, size_t n, char *buf, size_t bufsz)
{
	const char *end, *t, *gt, *c;
	size_t len = 0;

	if (p == NULL)
		return NULL;
	end = p + (n < META_SCAN ? n : META_SCAN);
	for (t = p; t + 5 < end; t++) {
		if (*t != '<' || g_ascii_strncasecmp(t + 1, "meta", 4) != 0)
			continue;
		if ((gt = memchr(t, '>', (size_t)(end - t))) == NULL)
			break;
		for (c = t + 5; c + 7 < gt; c++)
			if (g_ascii_strncasecmp(c, "charset", 7) == 0)
				break;
		if (c + 7 >= gt)
			continue;
		for (c += 7; c < gt && (*c == ' ' || *c == '\t'); c++)
			;
		if (c == gt || *c != '=')
			continue;
		for (c++; c < gt && strchr(" \t\"'", *c) != NULL; c++)
			;
		while (c + len < gt && len + 1 < bufsz &&
		    strchr(" \t\"';/>", c[len]) == NULL)
			len++;
		if (len == 0 || len + 1 >= bufsz)
			return NULL;
		memcpy(buf, c, len);
		buf[len] = '\0';
		return buf;
	}
	return NULL;
}

/* ---- choosing ------------------------------------------------------- */

static char *
finish(md_buf *b)
{
	char *r = NULL;

	if (!md_buf_failed(b))
		r = md_utf8_sanitize(b->data ? b->data : "", b->len);
	md_buf_free(b);
	return r;
}

static char *
to_utf8(const char *p, size_t n, const char *cs);

/*
 * A leading byte order mark (Windows tools write one) is no text.  r may
 * be shorter than the mark: strncmp, not memcmp.
 */
char *
md_charset_to_utf8(const char *p, size_t n, const char *cs)
{
	char *r = to_utf8(p, n, cs);

	if (r != NULL && strncmp(r, "\xef\xbb\xbf", 3) == 0)
		memmove(r, r + 3, strlen(r + 3) + 1);
	return r;
}

static char *
to_utf8(const char *p, size_t n, const char *cs)
{
	char buf[MD_CHARSET_MAX];
	const char *dec = md_charset_decoder(cs, buf, sizeof buf);
	int kind = md_charset_kind(cs);
	md_buf b = MD_BUF_INIT;
	long errors;

	if (kind == 1) {
		if (md_utf8_valid(p, n) || md_utf8_multibyte(p, n) > 0)
			return md_utf8_sanitize(p, n);
		return md_cp1252_to_utf8(p, n);
	}
	if ((dec == NULL || kind == 2) && has_jis_escapes(p, n) &&
	    jis_to_utf8(p, n, &b) >= 0)
		return finish(&b);
	md_buf_reset(&b);
	if (dec != NULL && kind == 0) {
		if (g_ascii_strcasecmp(dec, "ISO-2022-JP") == 0)
			errors = jis_to_utf8(p, n, &b);
		else
			errors = iconv_lossy(p, n, dec, &b);
		/* a clean decode, or a bad one of text that is not UTF-8 either */
		if (errors == 0 || (errors > 0 && !md_utf8_valid(p, n)))
			return finish(&b);
		md_buf_free(&b);
	}
	if (md_utf8_valid(p, n))
		return md_utf8_sanitize(p, n);
	return md_cp1252_to_utf8(p, n);
}

/*
 * Windows code pages by number (TNEF strings, Outlook): the few whose iconv
 * name is not "CP" and the number.
 */
const char *
md_charset_of_codepage(unsigned cp, char *buf, size_t bufsz)
{
	if (cp == 65001)
		return "UTF-8";
	if (cp == 20127)
		return "US-ASCII";
	if (cp >= 28591 && cp <= 28606)
		snprintf(buf, bufsz, "ISO-8859-%u", cp - 28590);
	else if (cp >= 50220 && cp <= 50222)
		return "ISO-2022-JP";
	else if (cp == 51932)
		return "EUC-JP";
	else if (cp == 936)
		return "GBK";
	else
		snprintf(buf, bufsz, "CP%u", cp);
	return buf;
}
