/*
 * triage.c - does a triage rule match a new request, and what follows
 * (triage.h).  No database here, so every case is a line of a table in
 * tests/unit/test_triage.c.
 *
 * Work per request is bounded whatever a customer sends: each field is
 * looked at up to MD_TRIAGE_TEXT_MAX bytes, patterns are short, and the
 * regular expressions that would make glibc's matcher exponential
 * (back-references) or its automaton huge (large or nested repetition
 * bounds) are refused when the rule is saved.
 */
#include "config.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "json.h"
#include "tracker.h"
#include "triage.h"

static const char *const field_names[MD_TRIAGE_NFIELDS] = {
	[MD_TRIAGE_RECIPIENT] = "recipient",
	[MD_TRIAGE_SENDER] = "sender",
	[MD_TRIAGE_SUBJECT] = "subject",
	[MD_TRIAGE_BODY] = "body",
};

static const char *const match_names[] = {
	[MD_TRIAGE_SUBSTRING] = "substring",
	[MD_TRIAGE_REGEX] = "regex",
};

const char *
md_triage_field_name(enum md_triage_field f)
{
	return (unsigned)f < MD_TRIAGE_NFIELDS ? field_names[f] : NULL;
}

const char *
md_triage_match_name(enum md_triage_match m)
{
	return (unsigned)m <= MD_TRIAGE_REGEX ? match_names[m] : NULL;
}

static int
lookup(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

int
md_triage_field_parse(const char *name)
{
	return lookup(field_names, MD_TRIAGE_NFIELDS, name);
}

int
md_triage_match_parse(const char *name)
{
	return lookup(match_names, sizeof match_names / sizeof match_names[0], name);
}

#define COST_CAP	(MD_TRIAGE_REPEAT_TOTAL + 1)
#define GROUPS_MAX	32

static long
capped(long v)
{
	return v > COST_CAP ? COST_CAP : v;
}

/* The length of the bracket expression at p ('[') through its ']', 0 if
 * it has none (regcomp then refuses the pattern). */
static size_t
bracket_len(const char *p)
{
	const char *s = p + 1, *e;

	if (*s == '^')
		s++;
	if (*s == ']')
		s++;
	for (; *s != '\0'; s++) {
		if (*s == '[' && (s[1] == ':' || s[1] == '.' || s[1] == '=')) {
			for (e = s + 2; *e != '\0' && !(e[0] == s[1] && e[1] == ']'); e++)
				;
			if (*e == '\0')
				return 0;
			s = e + 1;
		} else if (*s == ']')
			return (size_t)(s - p) + 1;
	}
	return 0;
}

/* An interval "{n}", "{n,}" or "{n,m}" at p: its length, and in *hi the
 * larger bound; 0 when p is no interval. */
static size_t
interval_len(const char *p, long *hi)
{
	char *end;
	long v;

	if (p[0] != '{' || !isdigit((unsigned char)p[1]))
		return 0;
	*hi = strtol(p + 1, &end, 10);
	if (*end == ',' && isdigit((unsigned char)end[1])) {
		v = strtol(end + 1, &end, 10);
		*hi = v > *hi ? v : *hi;
	} else if (*end == ',')
		end++;
	return *end == '}' ? (size_t)(end - p) + 1 : 0;
}

/* A repetition operator at p: its length (1, or an interval's), 0 if none. */
static size_t
repetition_len(const char *p, long *hi)
{
	size_t n;

	*hi = 1;
	if (*p == '*' || *p == '?')
		return 1;
	if (*p == '+') {
		*hi = 2;
		return 1;
	}
	if ((n = interval_len(p, hi)) > 0 && *hi < 1)
		*hi = 1;
	return n;
}

/*
 * What makes a regex too costly or not what it says, or NULL.  glibc
 * compiles "x+" as "xx*" and "x{n,m}" as m copies of x, so nested
 * repetitions multiply the automaton ("((a{50}){50}){50}"); the estimate
 * follows the groups: every atom costs 1, "+" doubles what it repeats,
 * {n,m} multiplies it by m, a group costs the sum of what it holds, and
 * the whole must stay within MD_TRIAGE_REPEAT_TOTAL.  A '|' costs 1 as
 * well: glibc copies the alternation with the group, and empty branches
 * are worse ("(ab|||||||||||||||||){100}" took 12 s and a gigabyte to
 * compile, found by fuzz_triage), so an empty alternative ("a||b", "(|a)",
 * "a|", "()"), which would match everything anyway, is refused.  A
 * repetition right after another ("a++", "a+?": no such thing in POSIX)
 * is refused: glibc takes seconds to compile long runs of them.  A ')' without its '('
 * would change meaning inside the wrapper matches() puts around the
 * pattern, and so would a '^' past its start (glibc lets it match after
 * a newline there).  Back-references make matching exponential.
 */
static const char *
regex_cost_problem(const char *pattern)
{
	long sum[GROUPS_MAX + 1], last = 0, hi;
	int depth = 0, repeated = 0, branch_empty = 1;
	const char *p;
	size_t n;

	sum[0] = 0;
	for (p = pattern; *p != '\0'; p++) {
		if ((n = repetition_len(p, &hi)) > 0) {
			if (repeated)
				return "a repetition (* + ? {n,m}) cannot follow another: "
				    "group it, as in (a+)?";
			if (hi > MD_TRIAGE_REPEAT_MAX)
				return "a repetition bound {n,m} may be at most 100";
			last = capped(last * hi);
			repeated = 1;
			p += n - 1;
			continue;
		}
		/* Anything else ends the element the repetitions applied to. */
		repeated = 0;
		sum[depth] = capped(sum[depth] + last);
		last = 1;
		if ((*p == '|' || *p == ')') && branch_empty)
			return "an empty alternative ('a||b', '(|a)', 'a|', '()') would "
			    "match everything";
		branch_empty = *p == '(' || *p == '|';
		if (*p == '\\' && p[1] >= '1' && p[1] <= '9')
			return "back-references (\\1 ... \\9) are not allowed in a pattern";
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '[' && (n = bracket_len(p)) > 0)
			p += n - 1;
		else if (*p == '(') {
			if (depth == GROUPS_MAX)
				return "a pattern nests at most 32 groups";
			sum[++depth] = 0;
			last = 0;
		} else if (*p == ')') {
			if (depth == 0)
				return "a ')' without its '(': write \\) for the character";
			last = sum[depth--];
		} else if (*p == '^' && p != pattern) {
			return "'^' anchors only at the start of the pattern: write "
			    "^(a|b), not ^a|^b";
		} else if (*p == '^' || *p == '$')
			last = 0;
	}
	if (branch_empty && depth == 0)	/* an open group: regcomp says so */
		return "an empty alternative ('a||b', '(|a)', 'a|', '()') would "
		    "match everything";
	for (sum[depth] = capped(sum[depth] + last); depth > 0; depth--)
		sum[depth - 1] = capped(sum[depth - 1] + sum[depth]);
	if (sum[0] > MD_TRIAGE_REPEAT_TOTAL)
		return "the pattern's repetitions (+ and {n,m}, which glibc expands "
		    "into copies) make it too large";
	return NULL;
}

/*
 * Compiles a pattern as it is matched: "^.*(" pattern ")", or as it is
 * when it starts with '^'.  glibc's regexec tries every start position in
 * turn and runs to the end of the text from each, quadratic in the text
 * ("[0-9]+x" against 64 KiB of digits took 20 s); anchored at the start,
 * with a leading ".*", one pass covers every start position (the same
 * text: 0.3 ms).  The meaning is the same: '.' matches newlines too
 * without REG_NEWLINE.  0 or regcomp's error code.
 */
static int
compile(regex_t *re, const char *pattern)
{
	char wrapped[MD_TRIAGE_PATTERN_MAX + 8];

	memset(re, 0, sizeof *re);	/* regfree-able whatever happens */
	if (snprintf(wrapped, sizeof wrapped, pattern[0] == '^' ? "%s" : "^.*(%s)",
	    pattern) >= (int)sizeof wrapped)
		return REG_ESIZE;
	return regcomp(re, wrapped, REG_EXTENDED | REG_ICASE | REG_NOSUB);
}

const char *
md_triage_pattern_problem(enum md_triage_match m, const char *pattern,
    char *buf, size_t buflen)
{
	const char *s, *why;
	regex_t re;
	size_t n;
	int rc;

	if (pattern == NULL || (n = strlen(pattern)) == 0)
		return "empty pattern";
	if (n > MD_TRIAGE_PATTERN_MAX)
		return "a pattern is at most 256 bytes";
	for (s = pattern; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return "a pattern has no control characters";
	if (m == MD_TRIAGE_SUBSTRING)
		return NULL;
	if (m != MD_TRIAGE_REGEX)
		return "unknown match kind";
	if ((why = regex_cost_problem(pattern)) != NULL)
		return why;
	if ((rc = compile(&re, pattern)) != 0) {
		n = (size_t)snprintf(buf, buflen, "bad regular expression: ");
		if (n < buflen)
			regerror(rc, &re, buf + n, buflen - n);
		regfree(&re);
		return buf;
	}
	regfree(&re);
	return NULL;
}

/* The next label of a list from *p on (spaces around it dropped); its
 * length, 0 at the end. */
static size_t
next_label(const char **p, const char **label)
{
	const char *s, *e;

	while (**p != '\0') {
		for (s = *p; *s == ' '; s++)
			;
		for (*p = s; **p != '\0' && **p != ','; (*p)++)
			;
		for (e = *p; e > s && e[-1] == ' '; e--)
			;
		if (**p == ',')
			(*p)++;
		if (e > s) {
			*label = s;
			return (size_t)(e - s);
		}
	}
	return 0;
}

int
md_triage_labels_split(const char *labels, char out[][MD_LABEL_MAX + 1], int max,
    const char **why)
{
	const char *p = labels != NULL ? labels : "", *s;
	size_t len;
	int n = 0, i;

	*why = NULL;
	while ((len = next_label(&p, &s)) > 0) {
		if (len > MD_LABEL_MAX) {
			*why = "a label is at most 64 bytes";
			return -1;
		}
		if (n == max) {
			*why = "a rule adds at most 10 labels";
			return -1;
		}
		memcpy(out[n], s, len);
		out[n][len] = '\0';
		if (!md_label_valid(out[n])) {
			*why = "a label has no control characters";
			return -1;
		}
		for (i = 0; i < n && strcmp(out[i], out[n]) != 0; i++)
			;
		if (i == n)
			n++;		/* a repeated label counts once */
	}
	return n;
}

/* "@example.com" against an address: its domain or a subdomain of it. */
static int
domain_matches(const char *addr, const char *pat)
{
	const char *at = strrchr(addr, '@'), *dom = pat + 1;
	size_t dl, pl = strlen(dom);

	if (at == NULL || pl == 0)
		return 0;
	at++;
	dl = strlen(at);
	if (dl == pl)
		return strncasecmp(at, dom, pl) == 0;
	return dl > pl && at[dl - pl - 1] == '.' && strncasecmp(at + dl - pl, dom, pl) == 0;
}

int
md_triage_matches(const struct md_triage_rule *r, const struct md_triage_facts *f)
{
	const char *text;
	char *copy = NULL;
	size_t len;
	regex_t re;
	int hit = 0;

	if ((unsigned)r->field >= MD_TRIAGE_NFIELDS || r->pattern == NULL ||
	    *r->pattern == '\0')
		return 0;
	text = f->field[r->field] != NULL ? f->field[r->field] : "";
	if (r->match == MD_TRIAGE_SUBSTRING && r->pattern[0] == '@' &&
	    (r->field == MD_TRIAGE_SENDER || r->field == MD_TRIAGE_RECIPIENT))
		return domain_matches(text, r->pattern);
	/* Both matchers want a string; a copy of the first bytes is the bound. */
	len = strnlen(text, MD_TRIAGE_TEXT_MAX);
	if (text[len] != '\0' && (text = copy = md_strndup(text, len)) == NULL)
		return 0;
	/* glibc's strcasestr is linear (two-way), whatever the pattern. */
	if (r->match == MD_TRIAGE_SUBSTRING)
		hit = strcasestr(text, r->pattern) != NULL;
	else if (r->match == MD_TRIAGE_REGEX && strlen(r->pattern) <= MD_TRIAGE_PATTERN_MAX &&
	    regex_cost_problem(r->pattern) == NULL && compile(&re, r->pattern) == 0) {
		hit = regexec(&re, text, 0, NULL, 0) == 0;
		regfree(&re);
	}
	free(copy);
	return hit;
}

/* Appends one action unless one of its kind (and value, for labels) is
 * there; 0 or -1. */
static int
add_action(struct md_triage_action **v, size_t *n, size_t *cap,
    enum md_triage_action_kind kind, const char *value, size_t vlen,
    const struct md_triage_rule *r)
{
	struct md_triage_action *nv;
	size_t i;

	if (vlen == 0 || vlen >= sizeof nv->value)
		return 0;
	for (i = 0; i < *n; i++)
		if ((*v)[i].kind == kind && (kind != MD_TRIAGE_LABEL ||
		    (strlen((*v)[i].value) == vlen && memcmp((*v)[i].value, value, vlen) == 0)))
			return 0;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		if ((nv = realloc(*v, *cap * sizeof *nv)) == NULL)
			return -1;
		*v = nv;
	}
	(*v)[*n].kind = kind;
	memcpy((*v)[*n].value, value, vlen);
	(*v)[*n].value[vlen] = '\0';
	(*v)[*n].rule = r;
	(*n)++;
	return 0;
}

int
md_triage_decide(const struct md_triage_rule *rules, size_t n,
    const struct md_triage_facts *f, struct md_triage_action **out, size_t *nout)
{
	char labels[MD_TRIAGE_LABELS_MAX][MD_LABEL_MAX + 1];
	const struct md_triage_rule *r;
	const char *why;
	size_t i, cap = 0;
	int k, nl;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < n; i++) {
		r = &rules[i];
		if (!md_triage_matches(r, f))
			continue;
		nl = md_triage_labels_split(r->labels, labels, MD_TRIAGE_LABELS_MAX, &why);
		for (k = 0; k < nl; k++)
			if (add_action(out, nout, &cap, MD_TRIAGE_LABEL, labels[k],
			    strlen(labels[k]), r) < 0)
				goto oom;
		if ((r->assign != NULL && add_action(out, nout, &cap, MD_TRIAGE_ASSIGN,
		    r->assign, strlen(r->assign), r) < 0) ||
		    (r->priority != NULL && add_action(out, nout, &cap, MD_TRIAGE_PRIORITY,
		    r->priority, strlen(r->priority), r) < 0))
			goto oom;
	}
	return 0;
oom:
	free(*out);
	*out = NULL;
	*nout = 0;
	return -1;
}

void
md_triage_note(const struct md_triage_action *a, char *out, size_t outlen)
{
	const struct md_triage_rule *r = a->rule;
	const char *what = a->kind == MD_TRIAGE_LABEL ? "added label" :
	    a->kind == MD_TRIAGE_ASSIGN ? "assigned to" : "set priority to";

	snprintf(out, outlen, "%s %s (triage rule %d: %s %s \"%s\")", what, a->value,
	    r->position, md_triage_field_name(r->field) ? md_triage_field_name(r->field) : "?",
	    r->match == MD_TRIAGE_REGEX ? "matches" : "contains", r->pattern);
}

