/*
 * html2text.c - HTML into readable UTF-8 text.
 *
 * The HTML to text renderer mime.c uses for HTML-only mail (the UTF-8 and
 * windows-1252 repair it builds on are in utf8.c).  The renderer is a single forward pass over the markup with
 * no tree and no recursion, so hostile or truncated HTML costs linear time
 * and constant stack; it only has to produce something a responder can read.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "html_tag.h"
#include "mime.h"
#include "utf8.h"

#define REPLACEMENT	0xfffdu
#define HREF_MAX	2048	/* longer link targets are not shown */
#define TAG_NAME_MAX	16
#define HIDDEN_MAX	(64 * 1024)	/* bytes searched for a hidden element's end */

/* ---- HTML entities -------------------------------------------------- */

/* HTML 4 names of U+00A0..U+00FF, in code point order. */
static const char *const latin1_names[96] = {
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
	"uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
	"deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
	"cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
	"Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil",
	"Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml",
	"ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
	"Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig",
	"agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
	"egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml",
	"eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
	"oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml"
};

static const struct {
	const char	*name;
	uint32_t	 cp;
} other_names[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "euro", 0x20ac }, { "ndash", 0x2013 },
	{ "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "sbquo", 0x201a }, { "ldquo", 0x201c }, { "rdquo", 0x201d },
	{ "bdquo", 0x201e }, { "hellip", 0x2026 }, { "bull", 0x2022 },
	{ "trade", 0x2122 }, { "dagger", 0x2020 }, { "Dagger", 0x2021 },
	{ "permil", 0x2030 }, { "lsaquo", 0x2039 }, { "rsaquo", 0x203a },
	{ "OElig", 0x0152 }, { "oelig", 0x0153 }, { "Scaron", 0x0160 },
	{ "scaron", 0x0161 }, { "Yuml", 0x0178 }, { "fnof", 0x0192 },
	{ "circ", 0x02c6 }, { "tilde", 0x02dc }, { "ensp", 0x2002 },
	{ "emsp", 0x2003 }, { "thinsp", 0x2009 }, { "zwnj", 0x200c },
	{ "zwj", 0x200d }, { "lrm", 0x200e }, { "rlm", 0x200f },
	{ "larr", 0x2190 }, { "uarr", 0x2191 }, { "rarr", 0x2192 },
	{ "darr", 0x2193 }, { "hearts", 0x2665 }
};

static uint32_t
entity_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof latin1_names / sizeof latin1_names[0]; i++)
		if (strcmp(name, latin1_names[i]) == 0)
			return 0xa0 + (uint32_t)i;
	for (i = 0; i < sizeof other_names / sizeof other_names[0]; i++)
		if (strcmp(name, other_names[i].name) == 0)
			return other_names[i].cp;
	return 0;
}

/* Numeric reference: digits after "&#" or "&#x"; browsers' rules for C1. */
static size_t
entity_number(const char *p, const char *end, int hex, uint32_t *cp)
{
	const char *q = p;
	uint32_t v = 0;
	int d;

	for (; q < end; q++) {
		if (*q >= '0' && *q <= '9')
			d = *q - '0';
		else if (hex && *q >= 'a' && *q <= 'f')
			d = *q - 'a' + 10;
		else if (hex && *q >= 'A' && *q <= 'F')
			d = *q - 'A' + 10;
		else
			break;
		v = v > 0x10ffff ? v : v * (hex ? 16 : 10) + (uint32_t)d;
	}
	if (q == p)
		return 0;
	if (v >= 0x80 && v < 0xa0)
		v = md_cp1252_char((unsigned char)v);
	*cp = v;	/* 0, surrogates, > 0x10ffff: utf8_put makes U+FFFD */
	return (size_t)(q - p) + (q < end && *q == ';');
}

/*
 * Decodes the reference at p ('&'); returns the bytes consumed, or 0 when
 * this '&' starts no known reference and is literal text.
 */
static size_t
entity(const char *p, const char *end, uint32_t *cp)
{
	char name[12];
	size_t n = 0, used;

	if (end - p >= 3 && p[1] == '#') {
		if (p[2] == 'x' || p[2] == 'X')
			used = entity_number(p + 3, end, 1, cp);
		else
			used = entity_number(p + 2, end, 0, cp);
		return used == 0 ? 0 : used + (p[2] == 'x' || p[2] == 'X' ? 3 : 2);
	}
	for (p++; p + n < end && n < sizeof name - 1; n++) {
		char c = p[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')))
			break;
		name[n] = c;
	}
	name[n] = '\0';
	if (n == 0 || (*cp = entity_by_name(name)) == 0)
		return 0;
	if (p + n < end && p[n] == ';')
		return n + 2;
	/*
	 * Without its ';', as sloppy generators write "&nbsp" and "&copy
	 * 2026": browsers take the legacy Latin-1 names so, unless an '='
	 * follows ("?a=1&not=2" is a URL).  ("&amp" stays text: a literal
	 * '&' before a word is likelier than a forgotten ';' there.)
	 */
	if (*cp >= 0xa0 && *cp <= 0xff)
		return p + n < end && p[n] == '=' ? 0 : n + 1;
	return 0;
}

/* ---- HTML rendering ------------------------------------------------- */

struct h2t {
	md_buf	 out;
	int	 space;		/* a collapsed space is pending */
	int	 nl;		/* newlines at the end of out */
	int	 nbsp_line;	/* a line of only &nbsp; is open: a blank line */
	int	 pre;		/* inside <pre>: whitespace is kept */
	int	 err;		/* ENOMEM seen */
	md_buf	 href;		/* target of the open <a>, empty if none */
	size_t	 link_at;	/* out.len where that link's text began */
	int	 want_href;	/* the tag being read is an <a> */
	int	 hidden;	/* ...and has display:none */
	size_t	 hide_budget;	/* bytes hidden elements may still be
				   searched for their end */
};

enum tag_kind {
	T_OTHER, T_SKIP, T_BR, T_PARA, T_LINE, T_LI, T_CELL, T_PRE, T_A
};

static const struct {
	const char	*name;
	enum tag_kind	 kind;
} tag_kinds[] = {
	{ "script", T_SKIP }, { "style", T_SKIP }, { "title", T_SKIP },
	{ "xml", T_SKIP }, { "template", T_SKIP },
	{ "br", T_BR },
	{ "p", T_PARA }, { "h1", T_PARA }, { "h2", T_PARA }, { "h3", T_PARA },
	{ "h4", T_PARA }, { "h5", T_PARA }, { "h6", T_PARA },
	{ "blockquote", T_PARA }, { "table", T_PARA },
	{ "div", T_LINE }, { "tr", T_LINE }, { "ul", T_LINE }, { "ol", T_LINE },
	{ "dl", T_LINE }, { "dt", T_LINE }, { "dd", T_LINE }, { "hr", T_LINE },
	{ "section", T_LINE }, { "article", T_LINE }, { "header", T_LINE },
	{ "footer", T_LINE }, { "nav", T_LINE }, { "aside", T_LINE },
	{ "address", T_LINE }, { "center", T_LINE }, { "form", T_LINE },
	{ "caption", T_LINE }, { "figure", T_LINE }, { "body", T_LINE },
	{ "li", T_LI }, { "td", T_CELL }, { "th", T_CELL },
	{ "pre", T_PRE }, { "a", T_A }
};

static enum tag_kind
tag_kind(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof tag_kinds / sizeof tag_kinds[0]; i++)
		if (strcmp(name, tag_kinds[i].name) == 0)
			return tag_kinds[i].kind;
	return T_OTHER;
}

static void
out_bytes(struct h2t *h, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (h->space && h->out.len > 0 && h->nl == 0 &&
	    md_buf_putc(&h->out, ' ') < 0)
		h->err = 1;
	h->space = 0;
	h->nl = 0;
	h->nbsp_line = 0;
	if (md_buf_append(&h->out, p, n) < 0)
		h->err = 1;
}

/*
 * Ensures the output ends in at least n (at most 2) line breaks.  A line
 * that held only non-breaking spaces ("<div>&nbsp;</div>", how GMX, web.de
 * and many editors write an empty line between paragraphs) is shown by a
 * browser as a blank line, so it counts as one.
 */
static void
out_break(struct h2t *h, int n)
{
	if (h->nbsp_line && n < 2)
		n = h->nl + 1 < 2 ? h->nl + 1 : 2;
	h->nbsp_line = 0;
	h->space = 0;
	if (h->out.len == 0)
		return;
	while (h->nl < n) {
		if (md_buf_putc(&h->out, '\n') < 0)
			h->err = 1;
		h->nl++;
	}
}

static void
out_cp(struct h2t *h, uint32_t cp)
{
	char u[4];

	if (cp == 0xa0 || cp == 0x2002 || cp == 0x2003 || cp == 0x2009) {
		if (h->pre) {
			out_bytes(h, " ", 1);
		} else {
			h->space = 1;
			if (cp == 0xa0 && h->nl > 0)
				h->nbsp_line = 1;	/* nothing else on it yet */
		}
		return;
	}
	out_bytes(h, u, md_utf8_encode(cp, u));
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* Text between tags: collapse whitespace, decode references. */
static const char *
text_run(struct h2t *h, const char *p, const char *end)
{
	const char *run = p;
	uint32_t cp;
	size_t n;

	while (p < end && *p != '<') {
		if (*p == '\0') {	/* dropped here, not later: it is no text */
			out_bytes(h, run, (size_t)(p - run));
			run = ++p;
		} else if (*p == '&' && (n = entity(p, end, &cp)) > 0) {
			out_bytes(h, run, (size_t)(p - run));
			out_cp(h, cp);
			p += n;
			run = p;
		} else if (is_ws(*p)) {
			out_bytes(h, run, (size_t)(p - run));
			if (!h->pre)
				h->space = 1;
			else if (*p == '\n')
				out_break(h, h->nl + 1 > 2 ? 2 : h->nl + 1);
			else if (*p != '\r')
				out_bytes(h, " ", 1);
			run = ++p;
		} else
			p++;
	}
	out_bytes(h, run, (size_t)(p - run));
	return p;
}

/* Stores the (reference-decoded) value of an href attribute. */
static void
set_href(struct h2t *h, const char *v, size_t n)
{
	const char *end = v + n;
	uint32_t cp;
	size_t used;

	md_buf_reset(&h->href);
	if (n > HREF_MAX)
		return;
	while (v < end) {
		if (*v == '&' && (used = entity(v, end, &cp)) > 0) {
			if (md_utf8_put_cp(&h->href, cp) < 0)
				h->err = 1;
			v += used;
		} else if (md_buf_putc(&h->href, *v++) < 0)
			h->err = 1;
	}
}

/*
 * CSS that hides an element: "display:none".  (Not Outlook's mso-hide:all:
 * it marks what every other client shows, while Outlook's own version
 * sits in an <!--[if mso]> comment, which this renderer skips as browsers
 * do; honouring both would lose the content.)
 */
static int
hiding_style(const char *v, size_t n)
{
	char css[1024];
	size_t i, k = 0;

	for (i = 0; i < n && k + 1 < sizeof css; i++)
		if (!is_ws(v[i]))
			css[k++] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
	css[k] = '\0';
	return strstr(css, "display:none") != NULL;
}

/* href (on <a>: the target shown after its text) and a hiding style. */
static void
tag_attr(void *ctx, const char *name, size_t nlen, const char *val, size_t vlen)
{
	struct h2t *h = ctx;

	if (h->want_href && nlen == 4 && strncasecmp(name, "href", 4) == 0)
		set_href(h, val, vlen);
	else if (nlen == 5 && strncasecmp(name, "style", 5) == 0 &&
	    hiding_style(val, vlen))
		h->hidden = 1;
}

static void
ignore_attr(void *ctx, const char *name, size_t nlen, const char *val, size_t vlen)
{
	(void)ctx, (void)name, (void)nlen, (void)val, (void)vlen;
}

/* At </a>: show the target when it adds something to the link text. */
static void
close_link(struct h2t *h)
{
	const char *href = md_buf_str(&h->href), *text, *shown = href;
	size_t tlen;

	if (h->href.len == 0)
		return;
	if (strncasecmp(href, "mailto:", 7) == 0)
		shown = href + 7;
	else if (strncasecmp(href, "http://", 7) != 0 &&
	    strncasecmp(href, "https://", 8) != 0)
		shown = NULL;
	text = h->link_at <= h->out.len ? md_buf_str(&h->out) + h->link_at : "";
	tlen = strlen(text);
	while (tlen > 0 && is_ws(text[tlen - 1]))
		tlen--;
	while (tlen > 0 && is_ws(*text))
		text++, tlen--;
	if (shown != NULL && *shown != '\0' &&
	    !(tlen == strlen(shown) && memcmp(text, shown, tlen) == 0) &&
	    !(tlen == h->href.len && memcmp(text, href, tlen) == 0)) {
		h->space = 1;
		out_bytes(h, "(", 1);
		out_bytes(h, href, h->href.len);
		out_bytes(h, ")", 1);
	}
	md_buf_reset(&h->href);
}

static void
apply_tag(struct h2t *h, enum tag_kind kind, int closing)
{
	switch (kind) {
	case T_BR:
		out_break(h, h->nl + 1 > 2 ? 2 : h->nl + 1);
		break;
	case T_PARA:
		out_break(h, 2);
		break;
	case T_LINE:
		out_break(h, 1);
		break;
	case T_LI:
		out_break(h, 1);
		if (!closing) {
			out_bytes(h, "-", 1);
			h->space = 1;
		}
		break;
	case T_CELL:
		h->space = 1;
		break;
	case T_PRE:
		out_break(h, 2);
		h->pre = !closing;
		break;
	case T_A:
		if (closing)
			close_link(h);
		else
			h->link_at = h->out.len + (h->space && h->nl == 0);
		break;
	default:
		break;
	}
}

/*
 * An element hidden by its style: a newsletter's preheader ("preview
 * text" padded with hundreds of &zwnj;&nbsp;), the mobile copy of a
 * layout.  A reader never sees it, so neither does the text.  Returns past its
 * closing tag (nesting of the same name counted), or NULL to render it
 * after all: a void element, or no end within HIDDEN_MAX bytes (sloppy
 * markup must not hide the rest of the mail).  The searches of one
 * rendering share a budget of its length, so they stay linear.
 */
static const char *
past_hidden(struct h2t *h, const char *q, const char *end, const char *name)
{
	static const char *const voids[] = { "area", "base", "br", "col",
	    "embed", "hr", "img", "input", "link", "meta", "param", "source",
	    "track", "wbr", NULL };
	const char *p = q, *lim, *lt, *a;
	char nm[TAG_NAME_MAX];
	int depth = 1, closing, i;

	for (i = 0; voids[i] != NULL; i++)
		if (strcmp(name, voids[i]) == 0)
			return NULL;
	lim = (size_t)(end - q) > HIDDEN_MAX ? q + HIDDEN_MAX : end;
	if ((size_t)(lim - q) > h->hide_budget)
		lim = q + h->hide_budget;
	while (p < lim && (lt = memchr(p, '<', (size_t)(lim - p))) != NULL) {
		if (md_html_is_decl(lt, end)) {
			p = md_html_skip_decl(lt, end);
			continue;
		}
		if ((a = md_html_tag_name(lt, end, nm, sizeof nm, &closing)) == NULL) {
			p = lt + 1;
			continue;
		}
		p = md_html_attributes(a, end, ignore_attr, NULL);
		if (tag_kind(nm) == T_SKIP && !closing)
			p = md_html_skip_raw(p, end, nm);
		else if (strcmp(nm, name) == 0 && (depth += closing ? -1 : 1) == 0)
			break;
	}
	h->hide_budget -= (size_t)((p < lim ? p : lim) - q);
	return depth == 0 && p <= lim ? p : NULL;
}

/* p is at '<'; returns where text resumes. */
static const char *
tag(struct h2t *h, const char *p, const char *end)
{
	char name[TAG_NAME_MAX];
	const char *q, *r;
	enum tag_kind kind;
	int closing;

	if (md_html_is_decl(p, end))
		return md_html_skip_decl(p, end);
	if ((q = md_html_tag_name(p, end, name, sizeof name, &closing)) == NULL) {
		out_bytes(h, "<", 1);	/* "a < b": not markup */
		return p + 1;
	}
	kind = tag_kind(name);
	if (kind == T_A && !closing)
		md_buf_reset(&h->href);
	h->want_href = kind == T_A && !closing;
	h->hidden = 0;
	q = md_html_attributes(q, end, tag_attr, h);
	if (kind == T_SKIP && !closing)
		return md_html_skip_raw(q, end, name);
	if (h->hidden && !closing && (r = past_hidden(h, q, end, name)) != NULL)
		return r;
	apply_tag(h, kind, closing);
	return q;
}

char *
md_html_to_text(const char *html, size_t len)
{
	struct h2t h;
	const char *p = html ? html : "", *end = p + (html ? len : 0);
	char *res = NULL;

	memset(&h, 0, sizeof h);
	md_buf_init(&h.out);
	md_buf_init(&h.href);
	h.hide_budget = (size_t)(end - p);
	while (p < end && !h.err)
		p = *p == '<' ? tag(&h, p, end) : text_run(&h, p, end);
	while (h.out.len > 0 && h.out.data[h.out.len - 1] == '\n')
		h.out.data[--h.out.len] = '\0';
	if (!h.err)
		res = md_utf8_sanitize(md_buf_str(&h.out), h.out.len);
	md_buf_free(&h.out);
	md_buf_free(&h.href);
	return res;
}
