/*
 * trim_lines.c - a reply's lines and what they are: each line normalised
 * (trim_norm.c) and classified once (quote, signature separator, header
 * field, separator, "Sent from" line ...), and the structures that span a
 * few lines recognised: reply headers wrapped over up to ATTR_LINES_MAX
 * lines, in the languages of trim_words.c or any other (Outlook-style
 * header blocks are trim_blocks.c's).  trim.c decides from these where
 * the history starts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "trim_int.h"

#define ATTR_LINES	3	/* a reply header wraps over this many lines freely */
#define ATTR_LINES_MAX	8	/* and over at most this when it looks like one */
#define ATTR_BUF	512	/* bytes of a wrapped reply header, joined */
#define WRAPPED_WORDS	24	/* words of a header over more than ATTR_LINES */
#define WRAPPED_PROSE	6	/* ... and of them lower-case words (see below) */
#define WRAPPED_TAIL	2	/* ... of those on its last line */
#define SENDER_WORDS	8	/* a "From:" without address names at most this */
#define WRAP_MIN	60	/* a line this long with the next word was folded */

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
classify(struct md_trim_line *l)
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

int
md_trim_split(const char *text, struct md_trim_text *t)
{
	size_t cap = 64, len = strlen(text), used = 0;
	const char *p = text, *end = text + len, *e;

	if ((t->norm = malloc(len + 1)) == NULL ||
	    (t->l = malloc(cap * sizeof *t->l)) == NULL)
		return -1;
	while (p < end) {
		struct md_trim_line *l;

		if (t->n == cap) {
			struct md_trim_line *nl = realloc(t->l, 2 * cap * sizeof *nl);

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

/* ---- reply headers ------------------------------------------------------ */

int
md_trim_ends_colon(const struct md_trim_line *l)
{
	return l->nlen > 0 && (l->np[l->nlen - 1] == ':' || (l->nlen >= 3 &&
	    memcmp(l->np + l->nlen - 3, "\xef\xbc\x9a", 3) == 0));
}

/*
 * Lines a..e joined with spaces into buf (ATTR_BUF bytes): the length, or
 * 0 if they do not fit (md_trim_attribution takes no more anyway).
 */
static size_t
join_span(const struct md_trim_text *t, size_t a, size_t e, char *buf)
{
	size_t k = 0, i;

	for (i = a; i <= e; i++) {
		if (k + t->l[i].nlen + 1 > ATTR_BUF)
			return 0;
		if (i > a)
			buf[k++] = ' ';
		memcpy(buf + k, t->l[i].np, t->l[i].nlen);
		k += t->l[i].nlen;
	}
	return k;
}

/* Attribution strength of lines a..e joined with spaces. */
static int
attribution_span(const struct md_trim_text *t, size_t a, size_t e)
{
	char buf[ATTR_BUF];
	size_t k;

	if (a == e)
		return md_trim_attribution(t->l[a].np, t->l[a].nlen);
	k = join_span(t, a, e, buf);
	return k > 0 ? md_trim_attribution(buf, k) : MD_ATTR_NO;
}

/*
 * Could line l begin a reply header that wraps: it starts with an opener
 * ("On ", "Am "), or carries a clock time or an address and ends like no
 * sentence (Gmail's date-first headers in Polish, Russian, Czech ...,
 * "pon., 23 lis 2026 o 16:15 Acme Support" above "<addr> napisał(a):";
 * "Name <addr> 于2026年11月23日周一" above "16:15写道：").
 */
static int
header_start(const struct md_trim_line *l)
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
continued(const struct md_trim_line *l, const struct md_trim_line *n)
{
	size_t w;

	if (n->nlen > 1 && (n->np[0] == '<' || (n->np[0] == '(' &&
	    n->np[1] == '<')))
		return 1;
	for (w = 0; w < n->nlen && n->np[w] != ' '; w++)
		;
	return l->nlen + 1 + w >= WRAP_MIN;
}

/* A word of prose: four lower-case letters or more, no digit, no '@'. */
static int
prose_word(const char *s, size_t n)
{
	size_t k;

	if (memchr(s, '@', n) != NULL)
		return 0;
	for (k = 0; k < n; k++)
		if (s[k] >= '0' && s[k] <= '9')
			return 0;
	for (k = 0; k < n && s[k] >= 'a' && s[k] <= 'z'; k++)
		;
	return k >= 4;
}

/*
 * The words of prose in s: a reply header has its verb and a few small
 * words ("heeft", "volgende", "maart"), a sentence has many ("called",
 * "would").
 */
static size_t
prose_words(const char *s, size_t n)
{
	size_t i, w, prose = 0;

	for (i = 0; i < n; i = w + 1) {
		for (w = i; w < n && s[w] != ' '; w++)
			;
		prose += w > i && prose_word(s + i, w - i);
	}
	return prose;
}

/*
 * The words of a reply header wrapped over more than ATTR_LINES lines
 * (narrow clients, long names and addresses; joined in s): an address or
 * a time, a date, names, a verb, a few small words.  Not a paragraph that
 * happens to hold a date and "wrote" ("On Monday I called at 10:15 and
 * ... I wrote to x@y and got this:"): prose gives itself away by its
 * length, its sentences (a question, an exclamation, "... the label. He
 * ...") and its words of prose, also on the last line (from byte tail
 * on), where a header has only its verb, names, an address or a date
 * ("... Peter (peter@x) / wrote in the shared / document these notes:").
 */
static int
wrapped_shape(const char *s, size_t n, size_t tail)
{
	size_t i, w, k, words = 0;

	if (memchr(s, '@', n) == NULL && !md_trim_has_time(s, n))
		return 0;
	for (i = 0; i < n; i = w + 1) {
		for (w = i; w < n && s[w] != ' '; w++)
			;
		if (w == i)
			continue;
		words++;
		if (memchr(s + i, '?', w - i) != NULL ||
		    memchr(s + i, '!', w - i) != NULL)
			return 0;
		/* a sentence ends: "label. He" (not "Corp. Support", "mrt. 2025") */
		for (k = i; k < w && s[k] >= 'a' && s[k] <= 'z'; k++)
			;
		if (k - i >= 4 && k == w - 1 && s[k] == '.' && w + 1 < n &&
		    s[w + 1] >= 'A' && s[w + 1] <= 'Z')
			return 0;
	}
	return words <= WRAPPED_WORDS && prose_words(s, n) <= WRAPPED_PROSE &&
	    prose_words(s + tail, n - tail) <= WRAPPED_TAIL;
}

/*
 * Line l ends with a sender's address ("... <x@y>", "(x@y)"): an opener on
 * the next line is the date of a name-first header ("Name <x@y>" above
 * "于2025年3月3日 10:15写道："), not the start of one.
 */
static int
after_sender(const struct md_trim_line *l)
{
	return l->nlen > 0 && (l->np[l->nlen - 1] == '>' ||
	    l->np[l->nlen - 1] == ')') && memchr(l->np, '@', l->nlen) != NULL;
}

/*
 * A reply header over lines i..e, more than ATTR_LINES of them (see
 * md_trim_attribution_at): its strength (strong or guessed), or
 * MD_ATTR_NO, with *below set when it starts at a line further down.
 * The joined lines' buffer lives here, not on every line's call.
 */
static int
wrapped_span(const struct md_trim_text *t, size_t i, size_t e, int *below)
{
	char buf[ATTR_BUF];
	size_t k;
	int s;

	if ((k = join_span(t, i, e, buf)) == 0 ||
	    ((s = md_trim_attribution(buf, k)) != MD_ATTR_STRONG &&
	    s != MD_ATTR_GUESS) ||
	    (!header_start(&t->l[i]) && i > 0 && t->l[i - 1].cls != L_BLANK) ||
	    !wrapped_shape(buf, k, k - t->l[e].nlen))
		return MD_ATTR_NO;
	if (!md_trim_opener(t->l[i].np, t->l[i].nlen))
		for (k = i + 1; k <= e; k++)
			if (md_trim_opener(t->l[k].np, t->l[k].nlen) &&
			    !after_sender(&t->l[k - 1])) {
				*below = 1;
				return MD_ATTR_NO;
			}
	return s;
}

/*
 * A reply header starting at line i: its last line's index in *last, its
 * strength returned.  A header that spans lines is taken from line i only
 * if i could begin one (header_start), was folded onto the next
 * (continued), or the lines after i are no reply header by themselves
 * (then "I tried 3 times" above "On ... wrote:" stays text), and its
 * last line is no sentence (wrapped_shape).  Over more than ATTR_LINES
 * lines (a narrow client wraps the name, the address and the date) it
 * must begin like one or begin a paragraph, have a header's words
 * (wrapped_shape) and hold no line that begins one itself ("Call me at
 * 10:30" right above "On ...", but see after_sender); up to
 * ATTR_LINES_MAX lines and ATTR_BUF bytes: bounded.
 */
int
md_trim_attribution_at(const struct md_trim_text *t, size_t i, size_t *last)
{
	size_t e, len = 0;
	int s, rest, below = 0;

	for (e = i; e < t->n && e < i + ATTR_LINES_MAX; e++) {
		if (t->l[e].cls != L_TEXT && t->l[e].cls != L_FIELD)
			return MD_ATTR_NO;
		if ((len += t->l[e].nlen + 1) > ATTR_BUF)
			return MD_ATTR_NO;
		if (!md_trim_ends_colon(&t->l[e]))
			continue;
		if (e - i < ATTR_LINES) {
			if ((s = attribution_span(t, i, e)) == MD_ATTR_NO ||
			    (e > i && prose_words(t->l[e].np, t->l[e].nlen) >
			    WRAPPED_TAIL))
				continue;
		} else {
			if ((s = wrapped_span(t, i, e, &below)) == MD_ATTR_NO) {
				if (below)
					return MD_ATTR_NO;
				continue;
			}
			*last = e;
			return s;
		}
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

void
md_trim_free(struct md_trim_text *t)
{
	free(t->l);
	free(t->norm);
	free(t->drop);
}
