/*
 * html_trim.c - reply trimming at the HTML level, and the choice between
 * the HTML and the plain text of a reply.
 *
 * Mail clients mark the quoted history in their HTML far more reliably
 * than any text rendering shows it: Gmail's blockquote.gmail_quote after
 * a div.gmail_attr, Outlook's div#divRplyFwdMsg / #appendonsend and the
 * border-top separator div, Apple Mail's blockquote type="cite",
 * Thunderbird's div.moz-cite-prefix, Yahoo's div.yahoo_quoted, Proton's
 * div.protonmail_quote, Zimbra's hr#zwchr, Zoho's div.zmail_extra.  One
 * forward pass over the tags finds them; the
 * HTML is then rendered in slices with md_html_to_text (quotes the
 * customer answered between get "> " prefixes) and the text rules of
 * trim.c finish the job.  No tree and no recursion: hostile HTML costs
 * linear time and constant stack.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "html_tag.h"
#include "mime.h"
#include "trim.h"
#include "trim_int.h"

#define MAX_QUOTES	256	/* outermost quotes told apart; later ones merge */
#define NAME_MAX_	16
#define ATTR_VAL_MAX	512	/* attribute values looked at */

struct quote {
	size_t	start;		/* '<' of the blockquote */
	size_t	end;		/* past its closing tag */
	size_t	lead;		/* where its attribution element starts */
};

struct scan {
	const char	*h;
	size_t		 len;
	int		 markers;	/* cut at the "rest is history" markers */
	size_t		 cut;		/* everything from here is history */
	size_t		 last_vis;	/* end of the last text outside quotes */
	struct quote	 q[MAX_QUOTES];
	size_t		 nq;
	unsigned	 bq_depth;
	unsigned	 div_depth;
	unsigned	 attr_depth;	/* div depth of an open attribution, or 0 */
	size_t		 attr_start;
	size_t		 pending;	/* start of a closed attribution, or -1 */
	unsigned	 wrap_depth;	/* div depth of an open quote wrapper, or 0 */
	size_t		 wrap_start;
	int		 wrap_quoted;	/* ...which holds a blockquote */
	unsigned	 qdiv_depth;	/* div depth of an open div name=quote, or 0 */
};

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Does the text run [p, e) show anything (not only blanks and &nbsp;)? */
static int
visible(const char *p, const char *e)
{
	static const char *const blanks[] = { "&nbsp;", "&#160;", "&#xa0;",
	    "\xc2\xa0", "\xe2\x80\x8b", "\xef\xbb\xbf", "&zwnj;", "&#8203;" };
	size_t i, k;

	while (p < e) {
		if (is_ws(*p)) {
			p++;
			continue;
		}
		for (i = 0; i < sizeof blanks / sizeof blanks[0]; i++) {
			k = strlen(blanks[i]);
			if ((size_t)(e - p) >= k && strncasecmp(p, blanks[i], k) == 0)
				break;
		}
		if (i == sizeof blanks / sizeof blanks[0])
			return 1;
		p += k;
	}
	return 0;
}

/* Case-insensitive substring test on a bounded attribute value. */
static int
has_ci(const char *v, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp(v + i, needle, k) == 0)
			return 1;
	return 0;
}

/* Is name one of the space-separated class names in v? */
static int
has_class(const char *v, size_t n, const char *name)
{
	size_t k = strlen(name), i = 0, w;

	while (i < n) {
		while (i < n && is_ws(v[i]))
			i++;
		for (w = i; i < n && !is_ws(v[i]); i++)
			;
		if (i - w == k && strncasecmp(v + w, name, k) == 0)
			return 1;
	}
	return 0;
}

/*
 * Outlook's separator above its header block: a border-top declaration,
 * solid, in #E1E1E1 (or #B5C4DF of older versions), written in any order
 * and spacing ("solid #E1E1E1 1.0pt", "1pt solid rgb(225, 225, 225)").
 */
static int
outlook_border(const char *v, size_t n)
{
	static const char *const colours[] = { "#e1e1e1", "#b5c4df",
	    "rgb(225,225,225)", "rgb(181,196,223)" };
	char s[ATTR_VAL_MAX];
	size_t i, k = 0, d, e;

	for (i = 0; i < n && k < sizeof s; i++)
		if (!is_ws(v[i]))
			s[k++] = v[i];
	for (d = 0; d + 11 <= k; d++) {
		if (strncasecmp(s + d, "border-top:", 11) != 0)
			continue;
		for (e = d + 11; e < k && s[e] != ';'; e++)
			;
		if (!has_ci(s + d, e - d, "solid"))
			continue;
		for (i = 0; i < sizeof colours / sizeof colours[0]; i++)
			if (has_ci(s + d, e - d, colours[i]))
				return 1;
	}
	return 0;
}

/*
 * M_CUT: the history starts here.  M_WRAP: a container of the history
 * (Proton's div.protonmail_quote, Yahoo's div.yahoo_quoted, Zoho's
 * div.zmail_extra) that holds the attribution and, in some versions, the
 * quote as a <blockquote>: then it is that quote's attribution, and what
 * the customer writes after the blockquote inside it was answered inline.
 * Without a blockquote its content is unquoted history, cut.
 * M_ATTR: the attribution element right before a blockquote.
 * M_QUOTE: GMX's and web.de's <div name="quote">, their blockquote.
 */
enum { M_NONE, M_QUOTE, M_ATTR, M_WRAP, M_CUT };

/* What the attribute name=value makes of its element. */
static int
judge_attr(const char *name, size_t nlen, const char *v, size_t vlen)
{
	if (vlen > ATTR_VAL_MAX)
		vlen = ATTR_VAL_MAX;
	if (nlen == 2 && strncasecmp(name, "id", 2) == 0 &&
	    (has_ci(v, vlen, "divRplyFwdMsg") || has_ci(v, vlen, "appendonsend") ||
	    has_ci(v, vlen, "mail-editor-reference-message-container") ||
	    has_ci(v, vlen, "stopSpelling") ||
	    has_ci(v, vlen, "OLK_SRC_BODY_SECTION") || has_ci(v, vlen, "zwchr") ||
	    has_ci(v, vlen, "divRpF")))	/* Exchange 2010's OWA: divRpF262540 */
		return M_CUT;
	if (nlen == 2 && strncasecmp(name, "id", 2) == 0 &&
	    has_ci(v, vlen, "yahoo_quoted"))
		return M_WRAP;
	if (nlen == 11 && strncasecmp(name, "data-marker", 11) == 0 &&
	    has_ci(v, vlen, "__DIVIDER__"))
		return M_CUT;	/* Zimbra's rule above its header block */
	if (nlen == 5 && strncasecmp(name, "class", 5) == 0) {
		if (has_ci(v, vlen, "OutlookMessageHeader"))
			return M_CUT;
		if (has_ci(v, vlen, "yahoo_quoted") ||
		    has_ci(v, vlen, "protonmail_quote") ||
		    has_class(v, vlen, "zmail_extra"))
			return M_WRAP;	/* (not Zoho's rule div.zmail_extra_hr above) */
		if (has_ci(v, vlen, "gmail_attr") || has_ci(v, vlen, "moz-cite-prefix"))
			return M_ATTR;
	}
	if (nlen == 5 && strncasecmp(name, "style", 5) == 0 &&
	    outlook_border(v, vlen))
		return M_CUT;
	if (nlen == 4 && strncasecmp(name, "name", 4) == 0 && vlen == 5 &&
	    strncasecmp(v, "quote", 5) == 0)
		return M_QUOTE;
	return M_NONE;
}

/* *mark (an int) gets the strongest marker among a tag's attributes. */
static void
mark_attr(void *mark, const char *name, size_t nlen, const char *v, size_t vlen)
{
	int m = judge_attr(name, nlen, v, vlen), *best = mark;

	if (m > *best)
		*best = m;
}

/* Elements whose content is no text: skipped to their closing tag. */
static int
raw_element(const char *name)
{
	return strcmp(name, "script") == 0 || strcmp(name, "style") == 0 ||
	    strcmp(name, "title") == 0 || strcmp(name, "xml") == 0 ||
	    strcmp(name, "template") == 0;
}

static void
open_tag(struct scan *s, const char *name, size_t at, int mark)
{
	struct quote *q;
	int qdiv = mark == M_QUOTE && strcmp(name, "div") == 0;

	if (qdiv && s->bq_depth == 0)
		s->qdiv_depth = ++s->div_depth;	/* the quote ends with it */
	else
		qdiv = 0;	/* a quote inside a quote is just a div */
	if (strcmp(name, "blockquote") == 0 || (qdiv && s->bq_depth == 0)) {
		if (s->bq_depth++ > 0)
			return;
		if (s->nq == MAX_QUOTES) {
			s->q[s->nq - 1].end = s->len;	/* merged into the last */
			return;
		}
		q = &s->q[s->nq++];
		q->start = at;
		q->end = s->len;
		q->lead = s->pending != (size_t)-1 ? s->pending : at;
		/*
		 * The wrapper's own quote sits at its top level or one div
		 * below (Yahoo); a deeper one belongs to the unquoted message
		 * it holds, whose later text is no answer of the customer's.
		 */
		if (s->wrap_depth > 0 && !s->wrap_quoted &&
		    s->div_depth <= s->wrap_depth + 1) {
			q->lead = s->wrap_start;
			s->wrap_quoted = 1;
		}
		s->pending = (size_t)-1;
		return;
	}
	if (mark == M_WRAP && strcmp(name, "div") != 0)
		mark = M_CUT;	/* only a div's end is followed */
	if (strcmp(name, "div") != 0 && mark != M_CUT)
		return;
	if (strcmp(name, "div") == 0)
		s->div_depth++;
	if (s->bq_depth > 0 || !s->markers)
		return;
	if (mark == M_CUT && at < s->cut)
		s->cut = at;
	else if (mark == M_WRAP && s->wrap_depth == 0) {
		s->wrap_depth = s->div_depth;
		s->wrap_start = at;
		s->wrap_quoted = 0;
	}
	else if (mark == M_ATTR && s->attr_depth == 0 &&
	    strcmp(name, "div") == 0) {
		s->attr_depth = s->div_depth;
		s->attr_start = at;
	}
}

static void
close_tag(struct scan *s, const char *name, size_t after)
{
	if (strcmp(name, "blockquote") == 0) {
		if (s->bq_depth > 0 && --s->bq_depth == 0 && s->nq > 0)
			s->q[s->nq - 1].end = after;
	} else if (strcmp(name, "div") == 0 && s->div_depth > 0) {
		if (s->qdiv_depth == s->div_depth) {
			/* GMX's quote: blockquotes left open inside end too */
			s->qdiv_depth = 0;
			s->bq_depth = 0;
			if (s->nq > 0)
				s->q[s->nq - 1].end = after;
		}
		if (s->attr_depth == s->div_depth) {
			s->attr_depth = 0;
			s->pending = s->attr_start;
		}
		if (s->wrap_depth == s->div_depth) {
			if (!s->wrap_quoted && s->wrap_start < s->cut)
				s->cut = s->wrap_start;	/* unquoted history */
			s->wrap_depth = 0;
		}
		s->div_depth--;
	}
}

/* p at '<': one tag, comment or stray '<'; returns where scanning resumes. */
static const char *
tag(struct scan *s, const char *p, const char *end)
{
	char name[NAME_MAX_];
	const char *r;
	int closing, mark = M_NONE;

	if (md_html_is_decl(p, end))
		return md_html_skip_decl(p, end);
	if ((r = md_html_tag_name(p, end, name, sizeof name, &closing)) == NULL)
		return p + 1;	/* a literal '<' */
	r = md_html_attributes(r, end, mark_attr, &mark);
	if (closing)
		close_tag(s, name, (size_t)(r - s->h));
	else if (raw_element(name))
		return md_html_skip_raw(r, end, name);
	else
		open_tag(s, name, (size_t)(p - s->h), mark);
	return r;
}

static void
scan(struct scan *s, const char *h, size_t len, int markers)
{
	const char *p = h, *end = h + len, *t;

	memset(s, 0, sizeof *s);
	s->h = h;
	s->len = len;
	s->cut = len;
	s->markers = markers;
	s->pending = (size_t)-1;
	while (p < end && (size_t)(p - h) < s->cut) {
		if (*p == '<') {
			p = tag(s, p, end);
			continue;
		}
		for (t = p; p < end && *p != '<'; p++)
			;
		if (s->bq_depth == 0 && s->attr_depth == 0 &&
		    (s->wrap_depth == 0 || s->wrap_quoted) && visible(t, p)) {
			s->last_vis = (size_t)(p - h);
			s->pending = (size_t)-1;
		}
	}
	if (s->wrap_depth > 0 && !s->wrap_quoted && s->wrap_start < s->cut)
		s->cut = s->wrap_start;	/* a wrapper never closed */
	if (s->cut > len)
		s->cut = len;
}

/* Appends html[a, b) rendered, with "> " before each line if quoted. */
static int
render(md_buf *out, const char *h, size_t a, size_t b, int quoted)
{
	char *t, *p, *nl;
	int rc = 0;

	if (b <= a)
		return 0;
	if ((t = md_html_to_text(h + a, b - a)) == NULL)
		return -1;
	if (*t != '\0') {
		if (out->len > 0 && md_buf_append(out, "\n\n", 2) < 0)
			rc = -1;
		for (p = t; rc == 0 && p != NULL; p = nl ? nl + 1 : NULL) {
			nl = strchr(p, '\n');
			if (quoted && md_buf_append(out, nl == p ? ">" : "> ",
			    nl == p ? 1 : 2) < 0)
				rc = -1;
			if (md_buf_append(out, p, nl ? (size_t)(nl - p) + 1 :
			    strlen(p)) < 0)
				rc = -1;
		}
	}
	free(t);
	return rc;
}

enum { FWD_NO, FWD_MARKER, FWD_HEADERS };

/*
 * Does the quote q begin a forward: is the last line of html[a, q->lead) a
 * forward marker ("Begin forwarded message:", FWD_MARKER), or a line
 * ending in a colon that is no reply header, with the quote starting with
 * a mail's header block (Apple Mail's marker in a language without a
 * table: FWD_HEADERS, the text rules must be told)?
 */
static int
forward_before(const char *h, size_t a, const struct quote *q)
{
	char *t, *l, *e, *body;
	size_t n;
	int r = 0;

	/*
	 * Proton puts its forward's marker and header block where a reply's
	 * attribution stands, in the wrapper above the blockquote.
	 */
	if (q->lead < q->start &&
	    (t = md_html_to_text(h + q->lead, q->start - q->lead)) != NULL) {
		r = md_trim_forward_start(t);
		free(t);
		if (r)
			return FWD_MARKER;
	}
	if (q->lead <= a || (t = md_html_to_text(h + a, q->lead - a)) == NULL)
		return 0;
	e = t + strlen(t);
	while (e > t && (e[-1] == '\n' || e[-1] == ' '))
		e--;
	for (l = e; l > t && l[-1] != '\n'; l--)
		;
	while (l < e && *l == ' ')
		l++;
	n = (size_t)(e - l);
	if (md_trim_separator(l, n) == MD_SEP_FORWARD)
		r = FWD_MARKER;
	else if (n > 0 && (l[n - 1] == ':' || (n >= 3 &&
	    memcmp(l + n - 3, "\xef\xbc\x9a", 3) == 0)) &&
	    md_trim_attribution(l, n) == MD_ATTR_NO &&
	    (body = md_html_to_text(h + q->start, q->end - q->start)) != NULL) {
		r = md_trim_header_start(body) ? FWD_HEADERS : 0;
		free(body);
	}
	free(t);
	return r;
}

/* Does the HTML from a marker on begin a deliberately forwarded message? */
static int
forward_tail(const char *h, size_t from, size_t len)
{
	char *t = md_html_to_text(h + from, len - from);
	int r = t != NULL && md_trim_forward_start(t);

	free(t);
	return r;
}

char *
md_reply_trim_html(const char *html, size_t len)
{
	struct scan *s;
	md_buf out = MD_BUF_INIT;
	size_t i, at = 0, cut, fwd = (size_t)-1, fwd_quote = (size_t)-1;
	size_t keep_at = (size_t)-1, stop;
	char *res = NULL;
	int quoted_tail = 0, how;

	if (html == NULL)
		html = "", len = 0;
	if ((s = malloc(sizeof *s)) == NULL)
		return NULL;
	scan(s, html, len, 1);
	if (s->cut < len && forward_tail(html, s->cut, len)) {
		/* Outlook's forward: the tail is content, set apart */
		fwd = s->cut;
		scan(s, html, len, 0);
	}
	cut = s->cut;
	for (i = 0; i < s->nq && s->q[i].start < cut; i++) {
		if (s->q[i].start < s->last_vis)
			continue;
		/* trailing quotes are history, unless forwarded (Apple Mail) */
		how = forward_before(html, i > 0 ? s->q[i - 1].end : 0, &s->q[i]);
		if (how == FWD_NO) {
			cut = s->q[i].lead;
			quoted_tail = 1;
		} else if (how == FWD_HEADERS)
			fwd_quote = i;
		break;
	}
	for (i = 0; i < s->nq && s->q[i].start < cut; i++) {
		/*
		 * A quote answered inline goes without its attribution
		 * element: the text rules would read Zoho's decorated "---- On
		 * ... wrote ----" as the start of the history.
		 */
		stop = s->q[i].start < s->last_vis && s->q[i].lead >= at ?
		    s->q[i].lead : s->q[i].start;
		if (render(&out, html, at, stop, 0) < 0)
			goto done;
		if (i == fwd_quote)
			keep_at = out.len;
		if (render(&out, html, s->q[i].start,
		    s->q[i].end < cut ? s->q[i].end : cut, 1) < 0)
			goto done;
		at = s->q[i].end;
	}
	if (fwd > at && fwd < cut) {
		if (render(&out, html, at, fwd, 0) < 0)
			goto done;
		at = fwd;
	}
	if (at < cut && render(&out, html, at, cut, 0) < 0)
		goto done;
	/*
	 * The text rules see that quotes followed: a reply header they do not
	 * know for sure ("Bob wrote:", a language without a table) goes then.
	 */
	if (quoted_tail && md_buf_append(&out, "\n\n>", 3) < 0)
		goto done;
	res = md_trim_reply_keep(md_buf_str(&out), keep_at);
done:
	md_buf_free(&out);
	free(s);
	return res;
}

/*
 * What the responder sees of a reply: the HTML part when there is one
 * that shows anything (its quote markers are reliable), else the plain
 * text.  An HTML reply that trims to nothing falls back to the trimmed
 * plain text only if that has something: either may be all quotation.
 */
char *
md_reply_visible(const struct md_mime *m)
{
	char *full, *r, *plain;

	if (m->html != NULL && m->html_len > 0) {
		full = md_html_to_text(m->html, m->html_len);
		if (full == NULL)
			return NULL;
		if (full[strspn(full, " \t\n")] != '\0') {
			free(full);
			if ((r = md_reply_trim_html(m->html, m->html_len)) == NULL ||
			    *r != '\0' || m->html_only || m->text == NULL)
				return r;
			if ((plain = md_reply_trim(m->text)) == NULL)
				return r;
			free(r);
			return plain;
		}
		free(full);
	}
	return md_reply_trim(m->text ? m->text : "");
}
