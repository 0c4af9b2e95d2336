/*
 * trim_blocks.c - Outlook-style header blocks in a reply's lines
 * ("From: / Sent: / To: / Subject:"): with the field names of
 * trim_words.c, and in languages without them by their structure, after
 * Outlook's line of underscores or on their own.  The lines are
 * trim_lines.c's; trim.c decides from these where the history starts.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "trim_int.h"

#define LABEL_MAX	32	/* characters of a header field's label */
#define UNKNOWN_FIELDS	3	/* labelled lines of a header block in any language */
#define BARE_FIELDS_MAX	6	/* ... and at most this without its underscores */

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
unsigned
md_trim_header_block(const struct md_trim_text *t, size_t i, size_t *subject)
{
	unsigned kinds = 0, nkinds = 0, k;
	size_t j, loose = 0;
	int address = 0, time = 0;

	if (t->l[i].cls != L_FIELD)
		return 0;
	*subject = (size_t)-1;
	for (j = i; j < t->n && j < i + BLOCK_WINDOW; j++) {
		const struct md_trim_line *l = &t->l[j];

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
labelled(const struct md_trim_line *l, size_t *value)
{
	size_t i, spaces = 0, a = 0, chars = 0;
	const char *s = l->np;

	while (a < l->nlen && s[a] == '*')
		a++;
	for (i = a; i < l->nlen; i++) {
		/* characters, not bytes: Georgian's "გაგზავნილია" is 33 */
		if (((unsigned char)s[i] & 0xc0) != 0x80 && ++chars > LABEL_MAX)
			return 0;
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

/* The rows of a block of labelled lines ("Label: value"). */
struct rows {
	size_t	n;		/* labelled lines in a row, at most max + 1 */
	size_t	line[BARE_FIELDS_MAX + 1];	/* the first ones' lines */
	size_t	value[BARE_FIELDS_MAX + 1];	/* and their values' offsets */
	int	address;	/* a value has an '@' */
	int	time;		/* a value has a clock time */
	int	forward;	/* a value says FW:/Fwd: */
};

/*
 * Labelled lines from line j on, at most max + 1 of them: every line
 * (step 1), or every other with a blank line between (step 2: HTML
 * renderings that make each field a paragraph).
 */
static void
scan_rows(const struct md_trim_text *t, size_t j, size_t max, size_t step,
    struct rows *r)
{
	const struct md_trim_line *l;
	size_t v;

	memset(r, 0, sizeof *r);
	for (; j < t->n && r->n <= max; j += step, r->n++) {
		l = &t->l[j];
		if (!labelled(l, &v) || (r->n > 0 && step == 2 &&
		    t->l[j - 1].cls != L_BLANK))
			break;
		if (r->n < sizeof r->value / sizeof r->value[0]) {
			r->line[r->n] = j;
			r->value[r->n] = v;
		}
		r->address |= memchr(l->np, '@', l->nlen) != NULL;
		r->time |= md_trim_has_time(l->np + v, l->nlen - v);
		r->forward |= md_trim_forward_subject(l->np + v, l->nlen - v);
	}
}

/*
 * Outlook's header block in a language the field table lacks, where a
 * marker announces one (its line of underscores, its HTML marker):
 * UNKNOWN_FIELDS or more labelled lines in a row from line j, one of them
 * with an address and one with a time (the "Sent:" date), which the
 * customers' own "Name: / Email: / Phone:" lists lack.  1 if found;
 * *forward when a value says FW:/Fwd: (a forwarded message starts).
 */
int
md_trim_unknown_block(const struct md_trim_text *t, size_t j, int *forward)
{
	struct rows r;

	scan_rows(t, j, BLOCK_WINDOW - 1, 1, &r);
	*forward = r.forward;
	return r.n >= UNKNOWN_FIELDS && r.address && r.time;
}

/*
 * A sender as mail clients write one: an address in brackets, "Name
 * <x@y>", "Name [mailto:x@y]", "(x@y)", not a bare one as in a form's
 * "Email: x@y".
 */
static int
bracketed_sender(const char *v, size_t n)
{
	size_t at, a, b;

	for (at = 0; at < n; at++) {
		if (v[at] != '@')
			continue;
		for (a = at; a > 0 && v[a - 1] != ' ' && strchr("<[(", v[a - 1]) ==
		    NULL; a--)
			;
		for (b = at + 1; b < n && v[b] != ' ' && strchr(">])", v[b]) ==
		    NULL; b++)
			;
		if (a > 0 && v[a - 1] != ' ' && b < n && v[b] != ' ')
			return 1;
	}
	return 0;
}

/*
 * A sent date as clients write one, for people: a clock time, a year (a
 * number of four digits: also Buddhist and Persian years) and a word (a
 * day's or month's name, "年"), not a log's "2026-11-23 16:15:02".
 */
static int
sent_date(const char *v, size_t n)
{
	size_t i, digits = 0;
	int year = 0, word = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && v[i] >= '0' && v[i] <= '9') {
			digits++;
			continue;
		}
		year |= digits == 4;
		digits = 0;
		if (i < n && (((v[i] | 0x20) >= 'a' && (v[i] | 0x20) <= 'z') ||
		    (unsigned char)v[i] >= 0x80))
			word = 1;
	}
	return year && word && md_trim_has_time(v, n);
}

/* The label of line l, whose value starts at v (its colon and blanks off). */
static size_t
label_len(const struct md_trim_line *l, size_t v)
{
	while (v > 0 && (l->np[v - 1] == ' ' || l->np[v - 1] == '*'))
		v--;
	return v > 0 && l->np[v - 1] == ':' ? v - 1 : v > 3 ? v - 3 : 0;
}

/*
 * Outlook's header block in a language the field table lacks and without
 * its line of underscores (Outlook's plain text, HTML renderings), told
 * by its structure alone: at line i, after a blank line, a rule or an
 * "Original Message" line in any language, a paragraph of UNKNOWN_FIELDS
 * to BARE_FIELDS_MAX labelled lines (or as many paragraphs of one each)
 * with distinct labels, its first two the sender ("Name <x@y>", "Name
 * [mailto:x@y]") and the sent date (a time, a year, a day's or month's
 * name), in either order.  A customer's own lines are not: a form's
 * "Email: x@y" has no brackets, a log's time has no words, a longer list
 * is no header, and lines introduced by a colon ("The bounce said:") are
 * a paste.  1 if found, *forward as above.
 */
int
md_trim_bare_block(const struct md_trim_text *t, size_t i, int *forward)
{
	const struct md_trim_line *a, *b;
	struct rows r;
	size_t j, k, la, lb;

	*forward = 0;
	/* a paragraph of its own, or after a rule or "-----Xyz xyz-----" */
	if (i > 0 && t->l[i - 1].cls != L_BLANK && t->l[i - 1].cls != L_RULE &&
	    (t->l[i - 1].cls != L_TEXT ||
	    !md_trim_decorated(t->l[i - 1].np, t->l[i - 1].nlen)))
		return 0;
	if (!labelled(&t->l[i], &la))
		return 0;	/* most lines: before anything else */
	scan_rows(t, i, BARE_FIELDS_MAX, i + 1 < t->n &&
	    t->l[i + 1].cls == L_BLANK ? 2 : 1, &r);
	if (r.n < UNKNOWN_FIELDS || r.n > BARE_FIELDS_MAX)
		return 0;
	a = &t->l[r.line[0]];
	b = &t->l[r.line[1]];
	if (!(bracketed_sender(a->np + r.value[0], a->nlen - r.value[0]) &&
	    sent_date(b->np + r.value[1], b->nlen - r.value[1])) &&
	    !(sent_date(a->np + r.value[0], a->nlen - r.value[0]) &&
	    bracketed_sender(b->np + r.value[1], b->nlen - r.value[1])))
		return 0;
	for (j = 0; j < r.n; j++)
		for (k = j + 1; k < r.n; k++) {
			a = &t->l[r.line[j]];
			b = &t->l[r.line[k]];
			la = label_len(a, r.value[j]);
			lb = label_len(b, r.value[k]);
			if (la == lb && strncasecmp(a->np, b->np, la) == 0)
				return 0;
		}
	for (j = i; j > 0 && t->l[j - 1].cls == L_BLANK; j--)
		;
	if (j > 0 && md_trim_ends_colon(&t->l[j - 1]))
		return 0;
	*forward = r.forward;
	return 1;
}

/* A header block of a forward: its subject says FW:/WG:/TR: ... */
int
md_trim_forward_block(const struct md_trim_text *t, size_t subject)
{
	const struct md_trim_line *l;

	if (subject == (size_t)-1)
		return 0;
	l = &t->l[subject];
	return md_trim_forward_subject(l->np + l->value, l->nlen - l->value);
}
