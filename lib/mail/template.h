/*
 * template.h - per-project mail templates with %{NAME} placeholders.
 *
 * Placeholders (GitLab Service Desk names): %{ISSUE_ID} %{ISSUE_PATH}
 * %{ISSUE_URL} %{ISSUE_DESCRIPTION} %{NOTE_TEXT} %{UNSUBSCRIBE_URL}
 * %{PROJECT} %{SUBJECT}.  Unknown placeholders are left as written, so a
 * typo shows up in the preview instead of vanishing.  Values are inserted
 * verbatim (templates are plain text; nothing is re-expanded).
 */
#ifndef MD_TEMPLATE_H
#define MD_TEMPLATE_H

#include <stddef.h>

#include "buf.h"

struct md_tvar {
	const char	*name;	/* "ISSUE_ID" */
	const char	*value;	/* NULL is treated as "" */
};

enum md_template_kind {
	MD_TPL_THANK_YOU = 0,	/* confirmation of a new request */
	MD_TPL_NEW_NOTE,	/* a public comment */
	MD_TPL_CLOSE,		/* issue closed notice */
	MD_TPL_REOPEN,		/* issue reopened notice */
	MD_TPL_COUNT
};

/* "thank_you", "new_note", "close", "reopen" (NULL if out of range). */
const char *md_template_name(enum md_template_kind k);
/* The kind for a name, -1 if unknown. */
int	md_template_by_name(const char *name);
/* The built-in text used when a project has no template of this kind. */
const char *md_template_default(enum md_template_kind k);
/* The built-in subject line (also a template). */
const char *md_template_default_subject(enum md_template_kind k);

/* Appends the expansion of tpl to out.  0 or -1 (ENOMEM). */
int	md_template_expand(const char *tpl, const struct md_tvar *vars, size_t nvars,
	    md_buf *out);

/*
 * Appends the names of the placeholders in tpl that are not among the
 * standard ones above, space separated (for "template set" warnings and the
 * preview).  Returns how many there were, or -1 (ENOMEM).
 */
int	md_template_unknown(const char *tpl, md_buf *out);

/* What a standard mail about one issue is made of; NULL strings are "". */
struct md_tctx {
	const char	*project;		/* "acme" */
	long		 iid;			/* 12 */
	const char	*issue_url;		/* https://desk.example/acme/issues/12 */
	const char	*description;		/* the issue description */
	const char	*note_text;		/* the public note (new_note) */
	const char	*unsubscribe_url;	/* https://desk.example/unsubscribe/<key> */
	const char	*subject;		/* the request's subject (issue title) */
};

/*
 * Renders one kind of mail: subject_tpl / body_tpl are the project's own
 * templates, NULL or "" for the built-in ones.  Sets ISSUE_ID ("#12"),
 * ISSUE_PATH ("acme#12"), PROJECT, ISSUE_URL, ISSUE_DESCRIPTION, NOTE_TEXT,
 * UNSUBSCRIBE_URL and SUBJECT (leading "Re:" dropped, "(no subject)" when
 * empty).  The subject always ends up carrying the "[acme#12]" tag that
 * threads replies whose In-Reply-To was lost: it is appended when a custom
 * subject template left it out.  Appends to subject and body; 0 or -1.
 */
int	md_template_render(enum md_template_kind k, const char *subject_tpl,
	    const char *body_tpl, const struct md_tctx *c, md_buf *subject,
	    md_buf *body);

#endif
