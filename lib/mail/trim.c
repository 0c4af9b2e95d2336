/*
 * trim.c - reply trimming: keep what the customer wrote, drop the history.
 *
 * Works line by line on the text.  Each line is normalised (invisible
 * characters out, odd spaces made plain) and classified once, reply
 * headers and header blocks are recognised over a few lines (trim_lines.c,
 * trim_blocks.c); the decisions here are loops over those (the phrases of
 * the clients are trim_lang.c's).  The rules, in the order they apply, are described
 * in doc/conversation.md, "Reply trimming".  Every step is linear in the
 * text (reply headers are looked for over at most eight lines, header
 * blocks over a bounded window), so hostile input costs no more than mail.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "trim.h"
#include "trim_int.h"

#define RULE_GAP	3	/* lines between a separator and its header block */

/* ---- deciding ----------------------------------------------------------- */

/*
 * "----- anything -----" (any decoration) or a rule right above line i (a
 * header block or a reply header): its start, so that the decoration goes
 * with the history.
 */
static size_t
decorated_above(const struct md_trim_text *t, size_t i)
{
	const struct md_trim_line *l;
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
next_nonblank(const struct md_trim_text *t, size_t i)
{
	while (i < t->n && t->l[i].cls == L_BLANK)
		i++;
	return i;
}

/* Does one of lines a..e have the byte c? */
static int
span_has(const struct md_trim_text *t, size_t a, size_t e, char c)
{
	for (; a <= e; a++)
		if (memchr(t->l[a].np, c, t->l[a].nlen) != NULL)
			return 1;
	return 0;
}

/* After the quotes from i on, does the customer write again? */
static int
text_after_quotes(const struct md_trim_text *t, size_t i)
{
	while (i < t->n && (t->l[i].cls == L_QUOTE || t->l[i].cls == L_BLANK))
		i++;
	return i < t->n && t->l[i].cls != L_SIGSEP && t->l[i].cls != L_SENTFROM;
}

/*
 * Nothing kept before line i: a header here is the first thing.  *seen
 * counts the lines from the top known to be nothing (dropped, blank, a
 * "Sent from" line): find_cut asks for ever later lines and drops only
 * lines from i on, so each line is looked at once (asking from the top
 * each time was quadratic: a reply of 80,000 header lines took seconds).
 */
static int
nothing_before(const struct md_trim_text *t, size_t i, size_t *seen)
{
	while (*seen < i && (t->drop[*seen] || t->l[*seen].cls == L_BLANK ||
	    t->l[*seen].cls == L_SENTFROM))
		(*seen)++;
	return *seen >= i;
}

/*
 * Walks down the text to where the history starts and returns that line
 * (t->n if none); marks reply headers to drop on the way.  *fwd gets the
 * line after which everything is a deliberately forwarded message.
 */
static size_t
find_cut(struct md_trim_text *t, size_t *fwd)
{
	size_t i, j, k, e, subject, seen = 0;
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
			if (md_trim_header_block(t, j, &subject))
				fw = md_trim_forward_block(t, subject);
			else if (t->l[i].np[0] == '_' && j == i + 1 &&
			    md_trim_unknown_block(t, j, &fw))
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
			if (md_trim_header_block(t, i, &subject)) {
				if (md_trim_forward_block(t, subject)) {
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
		if (md_trim_bare_block(t, i, &fw)) {
			if (fw) {
				*fwd = i;
				return t->n;
			}
			return decorated_above(t, i);
		}
		if ((s = md_trim_attribution_at(t, i, &e)) == MD_ATTR_NO)
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
		} else if (j >= t->n || !nothing_before(t, i, &seen)) {
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


int
md_trim_forward_start(const char *text)
{
	struct md_trim_text t;
	size_t fwd = 0, i;
	int r = 0, fw;

	memset(&t, 0, sizeof t);
	if (md_trim_split(text, &t) < 0) {
		md_trim_free(&t);
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
		r = i < t.n && md_trim_unknown_block(&t, i, &fw) && fw;
	}
	md_trim_free(&t);
	return r;
}

int
md_trim_header_start(const char *text)
{
	struct md_trim_text t;
	size_t i, subject;
	int r = 0, fw;

	memset(&t, 0, sizeof t);
	if (md_trim_split(text, &t) == 0) {
		for (i = 0; i < t.n && t.l[i].cls == L_BLANK; i++)
			;
		r = i < t.n && (md_trim_header_block(&t, i, &subject) != 0 ||
		    md_trim_unknown_block(&t, i, &fw));
	}
	md_trim_free(&t);
	return r;
}

/*
 * The forward an HTML reply showed by its structure: the line before the
 * text at keep_at (its marker) becomes the forward's start, and goes.
 */
static void
forward_at(struct md_trim_text *t, const char *text, size_t keep_at, size_t cut,
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
	struct md_trim_text t;
	md_buf out = MD_BUF_INIT;
	size_t cut, fwd, i, last = 0, first;
	int have = 0, blank_run = 0;
	char *res = NULL;

	memset(&t, 0, sizeof t);
	if (text == NULL)
		text = "";
	if (md_trim_split(text, &t) < 0)
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
		const struct md_trim_line *l = &t.l[i];

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
	md_trim_free(&t);
	return res;
}
