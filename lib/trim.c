/*
 * trim.c - reply trimming: keep what the customer wrote, drop the history.
 *
 * Works line by line on a copy of the text.  Each line is classified once;
 * the decisions (cut here, skip this line) are then simple loops over the
 * classes, which keeps the heuristics readable and testable.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "trim.h"

enum line_class {
	L_TEXT,
	L_BLANK,
	L_QUOTE,	/* "> ..." */
	L_ATTRIB,	/* "On ... wrote:" (complete) */
	L_ATTRIB_START,	/* "On ..." whose "wrote:" is on the next line */
	L_HISTORY,	/* Outlook-style history starts here: cut the rest */
	L_SIGSEP,	/* "-- " */
	L_SENTFROM	/* "Sent from my iPhone" */
};

struct line {
	const char	*p;
	size_t		 len;
	enum line_class	 cls;
};

static int
starts_ci(const char *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp(p, prefix, n) == 0;
}

static int
ends_with(const char *p, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	return len >= n && memcmp(p + len - n, suffix, n) == 0;
}

/* Attribution openers and closers, per language: "On ... wrote:". */
static const struct { const char *open, *close; } attributions[] = {
	{ "On ", "wrote:" },
	{ "Am ", "schrieb:" },
	{ "Am ", ":" },			/* "Am 25.11.2026 um 10:00 schrieb X <x@y>:" */
	{ "Le ", "a écrit :" },
	{ "Le ", "a écrit:" },
	{ "El ", "escribió:" },
	{ "Il ", "ha scritto:" },
	{ "Em ", "escreveu:" },
	{ "Op ", "geschreven:" },
	{ "Op ", "schreef:" },
	{ "Den ", "skrev:" },
	{ "På ", "skrev:" },
};

static int
attribution_open(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof attributions / sizeof attributions[0]; i++)
		if (starts_ci(p, len, attributions[i].open))
			return (int)i;
	return -1;
}

static int
attribution_closes(const char *p, size_t len, int opener)
{
	size_t i;

	for (i = 0; i < sizeof attributions / sizeof attributions[0]; i++) {
		if (strcmp(attributions[i].open, attributions[opener].open) != 0)
			continue;
		/* the German ":" closer needs a "schrieb" somewhere in the line pair */
		if (strcmp(attributions[i].close, ":") == 0)
			continue;
		if (ends_with(p, len, attributions[i].close))
			return 1;
	}
	return 0;
}

static int
is_blank(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isspace((unsigned char)p[i]))
			return 0;
	return 1;
}

static const char *const sent_from[] = {
	"Sent from my ", "Sent from Mail for Windows", "Get Outlook for ",
	"Sent from Yahoo Mail", "Sent via ", "Von meinem ", "Gesendet von ",
	"Envoyé de mon ", "Enviado desde mi ", "Inviato da ", "Verstuurd vanaf mijn ",
	"Skickat från min ",
};

static enum line_class
classify(const char *p, size_t len)
{
	size_t i;
	int o;

	if (is_blank(p, len))
		return L_BLANK;
	if (p[0] == '>')
		return L_QUOTE;
	if ((len == 3 && memcmp(p, "-- ", 3) == 0) || (len == 2 && memcmp(p, "--", 2) == 0))
		return L_SIGSEP;
	for (i = 0; i < sizeof sent_from / sizeof sent_from[0]; i++)
		if (starts_ci(p, len, sent_from[i]) && len < 80)
			return L_SENTFROM;
	if (starts_ci(p, len, "-----Original Message-----") ||
	    starts_ci(p, len, "----- Original Message -----") ||
	    starts_ci(p, len, "-----Ursprüngliche Nachricht-----") ||
	    starts_ci(p, len, "-----Message d'origine-----") ||
	    starts_ci(p, len, "-----Mensaje original-----") ||
	    (len >= 20 && strspn(p, "_") >= 20))
		return L_HISTORY;
	o = attribution_open(p, len);
	if (o >= 0 && len < 300) {
		if (attribution_closes(p, len, o))
			return L_ATTRIB;
		if (strcmp(attributions[o].open, "Am ") == 0 && ends_with(p, len, ":") &&
		    memmem(p, len, "schrieb", 7) != NULL)
			return L_ATTRIB;
		return L_ATTRIB_START;
	}
	return L_TEXT;
}

/* "From: x" followed within four lines by Sent:/Date: and To:/Subject:. */
static int
outlook_header_at(const struct line *l, size_t n, size_t i)
{
	int when = 0, who = 0;
	size_t j;

	if (!starts_ci(l[i].p, l[i].len, "From:") && !starts_ci(l[i].p, l[i].len, "Von:") &&
	    !starts_ci(l[i].p, l[i].len, "De :") && !starts_ci(l[i].p, l[i].len, "De:"))
		return 0;
	for (j = i + 1; j < n && j <= i + 4; j++) {
		if (starts_ci(l[j].p, l[j].len, "Sent:") || starts_ci(l[j].p, l[j].len, "Date:") ||
		    starts_ci(l[j].p, l[j].len, "Gesendet:") || starts_ci(l[j].p, l[j].len, "Envoyé :"))
			when = 1;
		if (starts_ci(l[j].p, l[j].len, "To:") || starts_ci(l[j].p, l[j].len, "Subject:") ||
		    starts_ci(l[j].p, l[j].len, "An:") || starts_ci(l[j].p, l[j].len, "Betreff:") ||
		    starts_ci(l[j].p, l[j].len, "À :") || starts_ci(l[j].p, l[j].len, "Objet :"))
			who = 1;
	}
	return when && who;
}

static size_t
split_lines(const char *text, struct line **out)
{
	size_t n = 0, cap = 64;
	struct line *l = malloc(cap * sizeof *l);
	const char *p = text;

	if (l == NULL)
		return (size_t)-1;
	while (*p != '\0') {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (n == cap) {
			struct line *nl = realloc(l, 2 * cap * sizeof *l);

			if (nl == NULL) {
				free(l);
				return (size_t)-1;
			}
			l = nl;
			cap *= 2;
		}
		l[n].p = p;
		l[n].len = (len > 0 && p[len - 1] == '\r') ? len - 1 : len;
		l[n].cls = classify(l[n].p, l[n].len);
		n++;
		p = e ? e + 1 : p + len;
	}
	*out = l;
	return n;
}

/* Marks lines to drop; returns the index where everything after is history. */
static size_t
mark(struct line *l, size_t n, unsigned char *drop)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (l[i].cls == L_ATTRIB_START && i + 1 < n &&
		    attribution_closes(l[i + 1].p, l[i + 1].len, attribution_open(l[i].p, l[i].len))) {
			l[i].cls = L_ATTRIB;
			drop[i + 1] = 1;
			l[i + 1].cls = L_BLANK;
		}
		if (l[i].cls == L_ATTRIB) {
			/* Quotes follow: an interleaved reply, keep reading after them. */
			for (j = i + 1; j < n && (l[j].cls == L_BLANK || drop[j]); j++)
				;
			if (j < n && l[j].cls == L_QUOTE) {
				drop[i] = 1;
				continue;
			}
			return i;	/* unquoted history (top posting): cut */
		}
		if (l[i].cls == L_HISTORY || outlook_header_at(l, n, i))
			return i;
		if (l[i].cls == L_SIGSEP)
			return i;
		if (l[i].cls == L_QUOTE || l[i].cls == L_SENTFROM)
			drop[i] = 1;
	}
	return n;
}

char *
md_reply_trim(const char *text)
{
	struct line *l = NULL;
	unsigned char *drop;
	size_t n, end, i, first, last;
	md_buf out = MD_BUF_INIT;
	int blank_run = 0;

	n = split_lines(text, &l);
	if (n == (size_t)-1)
		return NULL;
	drop = calloc(n + 1, 1);
	if (drop == NULL) {
		free(l);
		return NULL;
	}
	end = mark(l, n, drop);
	/* Leading and trailing blank or dropped lines go too. */
	for (first = 0; first < end && (drop[first] || l[first].cls == L_BLANK); first++)
		;
	for (last = end; last > first && (drop[last - 1] || l[last - 1].cls == L_BLANK); last--)
		;
	for (i = first; i < last; i++) {
		if (drop[i])
			continue;
		if (l[i].cls == L_BLANK) {
			if (blank_run++ >= 1)
				continue;	/* at most one blank line in a row */
		} else {
			blank_run = 0;
		}
		md_buf_append(&out, l[i].p, l[i].len);
		md_buf_putc(&out, '\n');
	}
	if (out.len > 0)
		out.data[--out.len] = '\0';	/* no trailing newline */
	free(drop);
	free(l);
	if (out.len == 0) {
		md_buf_free(&out);
		return strdup(text);	/* nothing left: better the whole text than none */
	}
	return md_buf_detach(&out);
}
