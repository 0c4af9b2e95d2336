/*
 * template.c - %{NAME} expansion and the built-in texts of outbound mail.
 *
 * Expansion is a single left-to-right scan: a value is copied verbatim and
 * never scanned again, so a customer who writes "%{ISSUE_URL}" into a
 * request cannot make us expand anything.  Anything that is not a complete,
 * known placeholder ("%{TYPO}", a lone "%{", "%%") is copied as written so
 * mistakes show up in the preview instead of vanishing.
 *
 * The default texts follow GitLab Service Desk; every default subject
 * carries the "[project#iid]" tag, the last-resort threading key.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "template.h"

#define NAME_MAX_LEN	64	/* longer "%{..." runs are not placeholders */

static const char *const kind_names[MD_TPL_COUNT] = {
	[MD_TPL_THANK_YOU] = "thank_you",
	[MD_TPL_NEW_NOTE] = "new_note",
	[MD_TPL_CLOSE] = "close",
	[MD_TPL_REOPEN] = "reopen",
};

/* The standard placeholders, as documented in maildesk(1). */
static const char *const var_names[] = {
	"ISSUE_ID", "ISSUE_PATH", "ISSUE_URL", "ISSUE_DESCRIPTION",
	"NOTE_TEXT", "UNSUBSCRIBE_URL", "PROJECT", "SUBJECT",
};
#define NVARS	(sizeof var_names / sizeof var_names[0])

#define FOOTER \
	"\n-- \n" \
	"Reply to this email to add to ticket %{ISSUE_ID}.\n" \
	"To unsubscribe from this conversation, visit %{UNSUBSCRIBE_URL}\n"

static const char *const default_bodies[MD_TPL_COUNT] = {
	[MD_TPL_THANK_YOU] =
	    "Thank you for your support request! We are tracking your request "
	    "as ticket %{ISSUE_ID}, and will respond as soon as we can.\n"
	    FOOTER,
	[MD_TPL_NEW_NOTE] =
	    "%{NOTE_TEXT}\n"
	    FOOTER,
	[MD_TPL_CLOSE] =
	    "Your request %{ISSUE_ID} has been closed. If you still need help "
	    "with it, simply reply to this email.\n"
	    FOOTER,
	[MD_TPL_REOPEN] =
	    "Your request %{ISSUE_ID} has been reopened. We will respond as "
	    "soon as we can.\n"
	    FOOTER,
};

/* "Re:" keeps the customer's client threading on the original subject. */
static const char *const default_subjects[MD_TPL_COUNT] = {
	[MD_TPL_THANK_YOU] = "Re: %{SUBJECT} [%{ISSUE_PATH}]",
	[MD_TPL_NEW_NOTE] = "Re: %{SUBJECT} [%{ISSUE_PATH}]",
	[MD_TPL_CLOSE] = "Re: %{SUBJECT} [%{ISSUE_PATH}]",
	[MD_TPL_REOPEN] = "Re: %{SUBJECT} [%{ISSUE_PATH}]",
};

const char *
md_template_name(enum md_template_kind k)
{
	return (unsigned)k < MD_TPL_COUNT ? kind_names[k] : NULL;
}

int
md_template_by_name(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < MD_TPL_COUNT; i++)
		if (strcmp(kind_names[i], name) == 0)
			return i;
	return -1;
}

const char *
md_template_default(enum md_template_kind k)
{
	return (unsigned)k < MD_TPL_COUNT ? default_bodies[k] : "";
}

const char *
md_template_default_subject(enum md_template_kind k)
{
	return (unsigned)k < MD_TPL_COUNT ? default_subjects[k] : "";
}

static int
is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/*
 * If p points at a complete "%{NAME}", returns the length of NAME and sets
 * *name; otherwise 0.
 */
static size_t
placeholder_at(const char *p, const char **name)
{
	size_t n;

	if (p[0] != '%' || p[1] != '{')
		return 0;
	for (n = 0; n < NAME_MAX_LEN && is_name_char(p[2 + n]); n++)
		;
	if (n == 0 || p[2 + n] != '}')
		return 0;
	*name = p + 2;
	return n;
}

static const struct md_tvar *
find_var(const struct md_tvar *vars, size_t nvars, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < nvars; i++)
		if (vars[i].name != NULL && strlen(vars[i].name) == len &&
		    memcmp(vars[i].name, name, len) == 0)
			return &vars[i];
	return NULL;
}

int
md_template_expand(const char *tpl, const struct md_tvar *vars, size_t nvars,
    md_buf *out)
{
	const char *p, *start, *name;
	const struct md_tvar *v;
	size_t n;

	if (tpl == NULL)
		return md_buf_puts(out, "");
	for (p = start = tpl; *p != '\0'; p++) {
		if ((n = placeholder_at(p, &name)) == 0)
			continue;
		if ((v = find_var(vars, nvars, name, n)) == NULL)
			continue;	/* unknown: stays in the literal run */
		if (md_buf_append(out, start, (size_t)(p - start)) < 0 ||
		    md_buf_puts(out, v->value ? v->value : "") < 0)
			return -1;
		p += n + 2;		/* the loop's p++ skips the '}' */
		start = p + 1;
	}
	return md_buf_append(out, start, (size_t)(p - start));
}

int
md_template_unknown(const char *tpl, md_buf *out)
{
	const char *p, *name;
	size_t n, i;
	int count = 0, known;

	for (p = tpl; p != NULL && *p != '\0'; p++) {
		if ((n = placeholder_at(p, &name)) == 0)
			continue;
		for (known = 0, i = 0; i < NVARS && !known; i++)
			known = strlen(var_names[i]) == n &&
			    memcmp(var_names[i], name, n) == 0;
		if (!known) {
			if ((count > 0 && md_buf_putc(out, ' ') < 0) ||
			    md_buf_append(out, name, n) < 0)
				return -1;
			count++;
		}
		p += n + 2;
	}
	return count;
}

/* The request's subject without leading "Re:" markers, never empty. */
static const char *
clean_subject(const char *s)
{
	if (s == NULL)
		s = "";
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (strncasecmp(s, "re:", 3) != 0)
			break;
		s += 3;
	}
	return *s != '\0' ? s : "(no subject)";
}

int
md_template_render(enum md_template_kind k, const char *subject_tpl,
    const char *body_tpl, const struct md_tctx *c, md_buf *subject,
    md_buf *body)
{
	char id[32], path[160], tag[164];
	size_t start;
	const struct md_tvar vars[] = {
		{ "ISSUE_ID", id }, { "ISSUE_PATH", path },
		{ "ISSUE_URL", c->issue_url },
		{ "ISSUE_DESCRIPTION", c->description },
		{ "NOTE_TEXT", c->note_text },
		{ "UNSUBSCRIBE_URL", c->unsubscribe_url },
		{ "PROJECT", c->project },
		{ "SUBJECT", clean_subject(c->subject) },
	};
	const size_t nv = sizeof vars / sizeof vars[0];

	if ((unsigned)k >= MD_TPL_COUNT || c->project == NULL)
		return -1;
	snprintf(id, sizeof id, "#%ld", c->iid);
	snprintf(path, sizeof path, "%s#%ld", c->project, c->iid);
	snprintf(tag, sizeof tag, "[%s]", path);
	if (subject_tpl == NULL || *subject_tpl == '\0')
		subject_tpl = default_subjects[k];
	if (body_tpl == NULL || *body_tpl == '\0')
		body_tpl = default_bodies[k];

	start = subject->len;
	if (md_template_expand(subject_tpl, vars, nv, subject) < 0)
		return -1;
	if (strstr(md_buf_str(subject) + start, tag) == NULL &&
	    md_buf_printf(subject, "%s%s", subject->len > start ? " " : "",
	    tag) < 0)
		return -1;
	return md_template_expand(body_tpl, vars, nv, body);
}
