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

/*
 * The repetition bounds of a regex ("{n}", "{n,}", "{n,m}"): each at most
 * MD_TRIAGE_REPEAT_MAX and all of them multiplied at most
 * MD_TRIAGE_REPEAT_TOTAL (counting every bound as if nested, which
 * overestimates and keeps the check simple).  NULL or the problem.
 */
static const char *
repeat_problem(const char *p)
{
	long total = 1, v, hi;
	char *end;

	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p != '{' || !isdigit((unsigned char)p[1]))
			continue;
		hi = strtol(p + 1, &end, 10);
		if (*end == ',' && isdigit((unsigned char)end[1])) {
			v = strtol(end + 1, &end, 10);
			hi = v > hi ? v : hi;
		} else if (*end == ',') {
			end++;
		}
		if (*end != '}')
			continue;	/* regcomp judges it */
		if (hi > MD_TRIAGE_REPEAT_MAX)
			return "a repetition bound {n,m} may be at most 100";
		if (hi > 1 && (total *= hi) > MD_TRIAGE_REPEAT_TOTAL)
			return "the repetition bounds {n,m} of a pattern may multiply "
			    "to at most 1000";
	}
	return NULL;
}

/* What makes a regex too costly to run: NULL or the problem. */
static const char *
regex_cost_problem(const char *pattern)
{
	const char *s;

	for (s = pattern; *s != '\0'; s++) {
		if (*s != '\\' || s[1] == '\0')
			continue;
		if (s[1] >= '1' && s[1] <= '9')
			return "back-references (\\1 ... \\9) are not allowed in a pattern";
		s++;
	}
	return repeat_problem(pattern);
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
	if ((rc = regcomp(&re, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB)) != 0) {
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
	else if (r->match == MD_TRIAGE_REGEX && regex_cost_problem(r->pattern) == NULL &&
	    regcomp(&re, r->pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0) {
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

void
md_triage_json(struct md_json *j, const struct md_triage_rule *rules, size_t n)
{
	char labels[MD_TRIAGE_LABELS_MAX][MD_LABEL_MAX + 1];
	const struct md_triage_rule *r;
	const char *why;
	size_t i;
	int k, nl;

	md_json_open_object(j);
	md_json_key(j, "rules");
	md_json_open_array(j);
	for (i = 0; i < n; i++) {
		r = &rules[i];
		md_json_open_object(j);
		md_json_kint(j, "id", r->id);
		md_json_kint(j, "position", r->position);
		md_json_kstr(j, "field", md_triage_field_name(r->field));
		md_json_kstr(j, "match", md_triage_match_name(r->match));
		md_json_kstr(j, "pattern", r->pattern);
		md_json_key(j, "labels");
		md_json_open_array(j);
		nl = md_triage_labels_split(r->labels, labels, MD_TRIAGE_LABELS_MAX, &why);
		for (k = 0; k < nl; k++)
			md_json_string(j, labels[k]);
		md_json_close_array(j);
		md_json_kstr(j, "assign", r->assign != NULL && *r->assign ? r->assign : NULL);
		md_json_kstr(j, "priority", r->priority != NULL && *r->priority ?
		    r->priority : NULL);
		md_json_close_object(j);
	}
	md_json_close_array(j);
	md_json_close_object(j);
}
