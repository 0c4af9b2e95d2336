/*
 * trim.c - reply trimming: keep what the customer wrote, drop the history.
 *
 * Works line by line on the text.  Each line is normalised (invisible
 * characters out, odd spaces made plain) and classified once; the
 * decisions are then loops over the classes (the phrases of the clients
 * are trim_lang.c's).  The rules, in the order they apply, are described
 * in doc/conversation.md, "Reply trimming".  Every step is linear in the
 * text (reply headers are looked for over at most three lines, header
 * blocks over a bounded window), so hostile input costs no more than mail.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "trim.h"
#include "trim_int.h"

#define ATTR_LINES	3	/* a reply header wraps over at most this */
#define BLOCK_WINDOW	14	/* lines an Outlook header block may span */
#define RULE_GAP	3	/* lines between a separator and its header block */
#define SENDER_WORDS	8	/* a "From:" without address names at most this */
#define WRAP_MIN	60	/* a line this long with the next word was folded */
#define LABEL_MAX	32	/* bytes of a header field's label */
#define UNKNOWN_FIELDS	3	/* labelled lines of a header block in any language */

enum line_class {
	L_TEXT,
	L_BLANK,
	L_QUOTE,	/* "> ..." */
	L_SIGSEP,	/* "-- " */
	L_SENTFROM,	/* "Sent from my iPhone" */
	L_ORIGINAL,	/* "-----Original Message-----" */
	L_FORWARD,	/* "---------- Forwarded message ---------" */
	L_RULE,		/* "______________" */
	L_FIELD		/* "From: ..." (kind in .field) */
};

struct line {
	const char	*p;	/* as written, without the line break */
	size_t		 len;
	const char	*np;	/* normalised (trim_int.h) */
	size_t		 nlen;
	unsigned char	 cls;
	unsigned char	 field;	/* enum md_hf (also a "From:" taken for text) */
	size_t		 value;	/* offset of the field's value in np */
};

struct text {
	struct line	*l;
	size_t		 n;
	char		*norm;	/* storage of every np */
	unsigned char	*drop;
};

/* ---- classifying (lines normalised by trim_norm.c) ---------------------- */

/*
 * A "From:" field names a sender: an address, or a name of a few words.
 * A sentence ("From: the warehouse the parcel went back to you") is text.
 */
static int
sender_value(const char *v, size_t n)
{
	size_t i, words = 0;

	if (memchr(v, '@', n) != NULL)
		return 1;
	for (i = 0; i < n; i++)
		if (v[i] != ' ' && (i == 0 || v[i - 1] == ' '))
			words++;
	return words <= SENDER_WORDS;
}

static enum line_class
classify(struct line *l)
{
	const char *s = l->np;
	size_t n = l->nlen;
	enum md_hf f;

	if (n == 0)
		return L_BLANK;
	if (s[0] == '>' || (n >= 3 && memcmp(s, "\xef\xbc\x9e", 3) == 0))
		return L_QUOTE;		/* also Japanese mailers' fullwidth '＞' */
	if (n == 2 && s[0] == '-' && s[1] == '-')
		return L_SIGSEP;	/* "-- " and its mangled forms */
	if (n == 3 && memcmp(s, "\xe2\x80", 2) == 0 &&
	    ((unsigned char)s[2] == 0x93 || (unsigned char)s[2] == 0x94))
		return L_SIGSEP;	/* "--" made a dash by smart punctuation */
	if ((f = md_trim_header_field(s, n, &l->value)) != MD_HF_NONE) {
		l->field = (unsigned char)f;	/* kept: a block may take it */
		if (f != MD_HF_FROM || sender_value(s + l->value, n - l->value))
			return L_FIELD;
	}
	switch (md_trim_separator(s, n)) {
	case MD_SEP_RULE:
		return L_RULE;
	case MD_SEP_ORIGINAL:
		return L_ORIGINAL;
	case MD_SEP_FORWARD:
		return L_FORWARD;
	default:
		break;
	}
	if (md_trim_sent_from(s, n))
		return L_SENTFROM;
	return L_TEXT;
}

static int
split_lines(const char *text, struct text *t)
{
	size_t cap = 64, len = strlen(text), used = 0;
	const char *p = text, *end = text + len, *e;

	if ((t->norm = malloc(len + 1)) == NULL ||
	    (t->l = malloc(cap * sizeof *t->l)) == NULL)
		return -1;
	while (p < end) {
		struct line *l;

		if (t->n == cap) {
			struct line *nl = realloc(t->l, 2 * cap * sizeof *nl);

			if (nl == NULL)
				return -1;
			t->l = nl;
			cap *= 2;
		}
		e = memchr(p, '\n', (size_t)(end - p));
		l = &t->l[t->n++];
		memset(l, 0, sizeof *l);
		l->p = p;
		l->len = e ? (size_t)(e - p) : (size_t)(end - p);
		if (l->len > 0 && p[l->len - 1] == '\r')
			l->len--;
		l->np = t->norm + used;
		l->nlen = md_trim_normalise(l->p, l->len, t->norm + used);
		used += l->nlen;
		l->cls = (unsigned char)classify(l);
		p = e ? e + 1 : end;
	}
	return (t->drop = calloc(t->n + 1, 1)) == NULL ? -1 : 0;
}

/* ---- reply headers and header blocks ------------------------------------ */

static int
ends_colon(const struct line *l)
{
	return l->nlen > 0 && (l->np[l->nlen - 1] == ':' || (l->nlen >= 3 &&
	    memcmp(l->np + l->nlen - 3, "\xef\xbc\x9a", 3) == 0));
}

/* Attribution strength of lines a..e joined with spaces. */
static int
attribution_span(const struct text *t, size_t a, size_t e)
{
	char buf[4 * 128 + 8];
	size_t k = 0, i;

	if (a == e)
		return md_trim_attribution(t->l[a].np, t->l[a].nlen);
	for (i = a; i <= e; i++) {
		if (k + t->l[i].nlen + 1 > sizeof buf)
			return MD_ATTR_NO;
		if (i > a)
			buf[k++] = ' ';
		memcpy(buf + k, t->l[i].np, t->l[i].nlen);
		k += t->l[i].nlen;
	}
	return md_trim_attribution(buf, k);
}

/*
 * Could line l begin a reply header that wraps: it starts with an opener
 * ("On ", "Am "), or carries a clock time or an address and ends like no
 * sentence (Gmail's date-first headers in Polish, Russian, Czech ...,
 * "pon., 23 lis 2026 o 16:15 Acme Support" above "<addr> napisał(a):";
 * "Name <addr> 于2026年11月23日周一" above "16:15写道：").
 */
static int
header_start(const struct line *l)
{
	char c;

	if (md_trim_opener(l->np, l->nlen))
		return 1;
	c = l->nlen > 0 ? l->np[l->nlen - 1] : '.';
	return c != '.' && c != '!' && c != '?' &&
	    (md_trim_has_time(l->np, l->nlen) ||
	    memchr(l->np, '@', l->nlen) != NULL);
}

/*
 * Does line l continue on line n: n starts with "<addr>" (the name before
 * it is on l), or l was folded by a mailer, its next word would not have
 * fitted (l plus that word reach WRAP_MIN).  "I tried 3 times" above "On
 * ... wrote:" is neither.
 */
static int
continued(const struct line *l, const struct line *n)
{
	size_t w;

	if (n->nlen > 1 && (n->np[0] == '<' || (n->np[0] == '(' &&
	    n->np[1] == '<')))
		return 1;
	for (w = 0; w < n->nlen && n->np[w] != ' '; w++)
		;
	return l->nlen + 1 + w >= WRAP_MIN;
}

/*
 * A reply header starting at line i, over at most ATTR_LINES lines: its
 * last line's index in *last, its strength returned.  A header that spans
 * lines is taken from line i only if i could begin one (header_start),
 * was folded onto the next (continued), or the lines after i are no reply
 * header by themselves (then "I tried 3 times" above "On ... wrote:"
 * stays text).
 */
static int
attribution_at(const struct text *t, size_t i, size_t *last)
{
	size_t e;
	int s, rest;

	for (e = i; e < t->n && e < i + ATTR_LINES; e++) {
		if (t->l[e].cls != L_TEXT && t->l[e].cls != L_FIELD)
			return MD_ATTR_NO;
		if (!ends_colon(&t->l[e]))
			continue;
		if ((s = attribution_span(t, i, e)) == MD_ATTR_NO)
			continue;
		/*
		 * A guess for the rest ("23. Nov. 2026 um 16:15:") is no
		 * rival to a sure header from i; between guesses the
		 * shorter wins.
		 */
		if (e > i && !header_start(&t->l[i]) &&
		    !continued(&t->l[i], &t->l[i + 1]) &&
		    (rest = attribution_span(t, i + 1, e)) != MD_ATTR_NO &&
		    (rest != MD_ATTR_GUESS || s == MD_ATTR_GUESS))
			return MD_ATTR_NO;
		*last = e;
		return s;
	}
	return MD_ATTR_NO;
}

/*
 * An Outlook-style header block from line i: "From:" (or "Sent:", which
 * GMX puts first) with, within BLOCK_WINDOW lines, a date or a subject
 * (from first) or both a subject and a recipient; a block that starts
 * with another field (Thunderbird's and WP's "Subject:" first) needs both
 * a sender and a date.  Blank lines between fields are allowed (HTML
 * renderings), and a long value may wrap onto one unlabelled line.
 * Returns the kinds seen (0: no block); *subject gets the subject line's
 * index.
 */
static unsigned
header_block(const struct text *t, size_t i, size_t *subject)
{
	unsigned kinds = 0, nkinds = 0, k;
	size_t j, loose = 0;
	int address = 0, time = 0;

	if (t->l[i].cls != L_FIELD)
		return 0;
	*subject = (size_t)-1;
	for (j = i; j < t->n && j < i + BLOCK_WINDOW; j++) {
		const struct line *l = &t->l[j];

		if (l->cls == L_BLANK)
			continue;
		if (l->cls != L_FIELD) {
			if (++loose > 1 || j == i + 1)
				break;
			continue;
		}
		loose = 0;
		if (l->field == MD_HF_SUBJECT && *subject == (size_t)-1)
			*subject = j;
		kinds |= l->field;
		address |= memchr(l->np, '@', l->nlen) != NULL ||
		    memchr(l->np, '<', l->nlen) != NULL;
		time |= l->field == MD_HF_DATE &&
		    md_trim_has_time(l->np + l->value, l->nlen - l->value);
	}
	for (k = kinds; k != 0; k &= k - 1)
		nkinds++;
	/*
	 * Without an address the block must look like a mail's: a sent time
	 * and three kinds of field ("From: Mustermann, Max / Sent: ... 16:15
	 * / To: ..."), not a route ("From: London / To: Paris / Date: 23.11.").
	 */
	if (!address && (!time || nkinds < 3))
		return 0;
	if (!(t->l[i].field & (MD_HF_FROM | MD_HF_DATE)))
		return (kinds & MD_HF_FROM) && (kinds & MD_HF_DATE) ? kinds : 0;
	if ((kinds & MD_HF_FROM) && (kinds & (MD_HF_DATE | MD_HF_SUBJECT)))
		return kinds;
	if ((kinds & MD_HF_DATE) && (kinds & MD_HF_SUBJECT) && (kinds & MD_HF_TO))
		return kinds;
	return 0;
}

/*
 * "Label: value" with a label of at most three words and no digits, bold
 * or not: a header field in any language.  *value gets the value's offset.
 */
static int
labelled(const struct line *l, size_t *value)
{
	size_t i, spaces = 0, a = 0;
	const char *s = l->np;

	while (a < l->nlen && s[a] == '*')
		a++;
	for (i = a; i < l->nlen && i < a + LABEL_MAX; i++) {
		if (s[i] == ':' || (l->nlen - i >= 3 &&
		    memcmp(s + i, "\xef\xbc\x9a", 3) == 0)) {
			if (i == a || s[i - 1] == ' ')
				return 0;
			i += s[i] == ':' ? 1 : 3;
			while (i < l->nlen && (s[i] == ' ' || s[i] == '*'))
				i++;
			*value = i;
			return 1;
		}
		if ((s[i] >= '0' && s[i] <= '9') || s[i] == '/' || s[i] == '<' ||
		    (s[i] == ' ' && ++spaces > 2))
			return 0;
	}
	return 0;
}

/*
 * Outlook's header block in a language the field table lacks, where a
 * marker announces one (its line of underscores, its HTML marker):
 * UNKNOWN_FIELDS or more labelled lines in a row from line j, one of them
 * with an address and one with a time (the "Sent:" date), which the
 * customers' own "Name: / Email: / Phone:" lists lack.  1 if found;
 * *forward when a value says FW:/Fwd: (a forwarded message starts).
 */
static int
unknown_block(const struct text *t, size_t j, int *forward)
{
	size_t k, v, rows = 0;
	int address = 0, time = 0;

	*forward = 0;
	for (k = j; k < t->n && k < j + BLOCK_WINDOW; k++, rows++) {
		if (!labelled(&t->l[k], &v))
			break;
		address |= memchr(t->l[k].np, '@', t->l[k].nlen) != NULL;
		time |= md_trim_has_time(t->l[k].np + v, t->l[k].nlen - v);
		if (md_trim_forward_subject(t->l[k].np + v, t->l[k].nlen - v))
			*forward = 1;
	}
	return rows >= UNKNOWN_FIELDS && address && time;
}

/* A header block of a forward: its subject says FW:/WG:/TR: ... */
static int
forward_block(const struct text *t, size_t subject)
{
	const struct line *l;

	if (subject == (size_t)-1)
		return 0;
	l = &t->l[subject];
	return md_trim_forward_subject(l->np + l->value, l->nlen - l->value);
}

/* ---- deciding ----------------------------------------------------------- */

/*
 * "----- anything -----" (any decoration) or a rule right above line i (a
 * header block or a reply header): its start, so that the decoration goes
 * with the history.
 */
static size_t
decorated_above(const struct text *t, size_t i)
{
	const struct line *l;
	size_t j = i;

	while (j > 0 && t->l[j - 1].cls == L_BLANK && j + 2 > i)
		j--;
	if (j == 0)
		return i;
	l = &t->l[j - 1];
	if (l->cls == L_RULE ||
	    (l->cls == L_TEXT && md_trim_decorated(l->np, l->nlen)))
		return j - 1;
	return i;
}

static size_t
next_nonblank(const struct text *t, size_t i)
{
	while (i < t->n && t->l[i].cls == L_BLANK)
		i++;
	return i;
}

/* Does one of lines a..e have the byte c? */
static int
span_has(const struct text *t, size_t a, size_t e, char c)
{
	for (; a <= e; a++)
		if (memchr(t->l[a].np, c, t->l[a].nlen) != NULL)
			return 1;
	return 0;
}

/* After the quotes from i on, does the customer write again? */
static int
text_after_quotes(const struct text *t, size_t i)
{
	while (i < t->n && (t->l[i].cls == L_QUOTE || t->l[i].cls == L_BLANK))
		i++;
	return i < t->n && t->l[i].cls != L_SIGSEP && t->l[i].cls != L_SENTFROM;
}

/* Nothing kept before line i: a header here is the first thing. */
static int
nothing_before(const struct text *t, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (!t->drop[j] && t->l[j].cls != L_BLANK &&
		    t->l[j].cls != L_SENTFROM)
			return 0;
	return 1;
}

/*
 * Walks down the text to where the history starts and returns that line
 * (t->n if none); marks reply headers to drop on the way.  *fwd gets the
 * line after which everything is a deliberately forwarded message.
 */
static size_t
find_cut(struct text *t, size_t *fwd)
{
	size_t i, j, k, e, subject;
	int s, fw;

	*fwd = t->n;
	for (i = 0; i < t->n; i++) {
		switch (t->l[i].cls) {
		case L_BLANK:
		case L_QUOTE:
		case L_SENTFROM:
			continue;
		case L_SIGSEP:
		case L_ORIGINAL:
			return i;
		case L_FORWARD:
			t->drop[i] = 1;
			*fwd = i;
			return t->n;
		case L_RULE:
			j = next_nonblank(t, i + 1);
			if (j >= t->n || j > i + RULE_GAP)
				continue;
			if (header_block(t, j, &subject))
				fw = forward_block(t, subject);
			else if (t->l[i].np[0] == '_' && j == i + 1 &&
			    unknown_block(t, j, &fw))
				;
			else
				continue;
			if (fw) {
				t->drop[i] = 1;
				*fwd = i;
				return t->n;
			}
			return i;
		case L_FIELD:
			if (header_block(t, i, &subject)) {
				if (forward_block(t, subject)) {
					*fwd = i;
					return t->n;
				}
				/* a long "From: X on behalf of Y" right above */
				k = i;
				if (k > 0 && t->l[k - 1].field == MD_HF_FROM)
					k--;
				return decorated_above(t, k);
			}
			break;
		default:
			break;
		}
		if ((s = attribution_at(t, i, &e)) == MD_ATTR_NO)
			continue;
		j = next_nonblank(t, e + 1);
		if (j < t->n && t->l[j].cls == L_QUOTE) {
			if (!text_after_quotes(t, j))	/* top posting */
				return decorated_above(t, i);
			if (s == MD_ATTR_GUESS)
				continue;
		} else if (s == MD_ATTR_WEAK || s == MD_ATTR_GUESS) {
			continue;		/* "Bob wrote:" without quotes: text */
		} else if (j < t->n && !span_has(t, i, e, '@')) {
			/*
			 * "On Monday your technician wrote:" and his words:
			 * clients that leave the history unquoted name the
			 * sender's address.
			 */
			continue;
		} else if (j >= t->n || !nothing_before(t, i)) {
			/* unquoted history (HTML renderings) */
			return decorated_above(t, i);
		}
		/* inline answers or bottom posting: only the header goes */
		for (j = i; j <= e; j++)
			t->drop[j] = 1;
		i = e;
	}
	return t->n;
}

static void
free_text(struct text *t)
{
	free(t->l);
	free(t->norm);
	free(t->drop);
}

int
md_trim_forward_start(const char *text)
{
	struct text t;
	size_t fwd = 0, i;
	int r = 0, fw;

	memset(&t, 0, sizeof t);
	if (split_lines(text, &t) < 0) {
		free_text(&t);
		return 0;
	}
	if (find_cut(&t, &fwd) == t.n && fwd < t.n) {
		for (i = 0; i < fwd && (t.l[i].cls == L_BLANK ||
		    t.l[i].cls == L_RULE); i++)
			;
		r = i == fwd;
	} else {
		/* the marker stands right before it: labels in any language */
		for (i = 0; i < t.n && t.l[i].cls == L_BLANK; i++)
			;
		r = i < t.n && unknown_block(&t, i, &fw) && fw;
	}
	free_text(&t);
	return r;
}

int
md_trim_header_start(const char *text)
{
	struct text t;
	size_t i, subject;
	int r = 0, fw;

	memset(&t, 0, sizeof t);
	if (split_lines(text, &t) == 0) {
		for (i = 0; i < t.n && t.l[i].cls == L_BLANK; i++)
			;
		r = i < t.n && (header_block(&t, i, &subject) != 0 ||
		    unknown_block(&t, i, &fw));
	}
	free_text(&t);
	return r;
}

/*
 * The forward an HTML reply showed by its structure: the line before the
 * text at keep_at (its marker) becomes the forward's start, and goes.
 */
static void
forward_at(struct text *t, const char *text, size_t keep_at, size_t cut,
    size_t *fwd)
{
	size_t i, m;

	for (i = 0; i < t->n && (size_t)(t->l[i].p - text) < keep_at; i++)
		;
	for (m = i; m > 0 && t->l[m - 1].cls == L_BLANK; m--)
		;
	if (m > 0 && m - 1 < *fwd && m - 1 < cut) {
		*fwd = m - 1;
		t->drop[m - 1] = 1;
	}
}

char *
md_reply_trim(const char *text)
{
	return md_trim_reply_keep(text, (size_t)-1);
}

char *
md_trim_reply_keep(const char *text, size_t keep_at)
{
	struct text t;
	md_buf out = MD_BUF_INIT;
	size_t cut, fwd, i, last = 0, first;
	int have = 0, blank_run = 0;
	char *res = NULL;

	memset(&t, 0, sizeof t);
	if (text == NULL)
		text = "";
	if (split_lines(text, &t) < 0)
		goto done;
	cut = find_cut(&t, &fwd);
	if (keep_at != (size_t)-1)
		forward_at(&t, text, keep_at, cut, &fwd);
	/* a forward's marker lines go, also those closing its header (Zoho) */
	for (i = fwd; i < cut; i++)
		if (t.l[i].cls == L_FORWARD)
			t.drop[i] = 1;
	/*
	 * The text ends at the last line the customer wrote: quotes after it
	 * are the trailing history, quotes before it were answered inline.
	 * A forwarded message is kept whole.
	 */
	for (i = 0; i < cut; i++) {
		const struct line *l = &t.l[i];

		if (t.drop[i] || l->cls == L_BLANK)
			continue;
		if ((l->cls != L_QUOTE && l->cls != L_SENTFROM) || i > fwd) {
			last = i;
			have = 1;
		}
	}
	for (first = 0; have && first <= last; first++)
		if (!t.drop[first] && t.l[first].cls != L_BLANK &&
		    (t.l[first].cls != L_SENTFROM || first > fwd))
			break;
	for (i = first; have && i <= last; i++) {
		size_t len = t.l[i].len;

		if (t.drop[i] || (t.l[i].cls == L_SENTFROM && i <= fwd))
			continue;
		if (t.l[i].cls == L_BLANK) {
			if (blank_run++ >= 1)
				continue;	/* at most one blank line in a row */
		} else
			blank_run = 0;
		md_trim_rstrip(t.l[i].p, &len);
		if (t.l[i].cls == L_BLANK)
			len = 0;
		if (md_buf_append(&out, t.l[i].p, len) < 0 ||
		    md_buf_putc(&out, '\n') < 0)
			goto done;
	}
	while (out.len > 0 && out.data[out.len - 1] == '\n')
		out.data[--out.len] = '\0';
	res = out.len > 0 ? md_buf_detach(&out) : strdup("");
done:
	md_buf_free(&out);
	free_text(&t);
	return res;
}
