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

/* "thank_you", "new_note", "close", "reopen"; -1 if unknown. */
const char *md_template_name(enum md_template_kind k);
int	md_template_by_name(const char *name);
/* The built-in text used when a project has no template of this kind. */
const char *md_template_default(enum md_template_kind k);
/* The built-in subject line (also a template). */
const char *md_template_default_subject(enum md_template_kind k);

/* Appends the expansion of tpl to out.  0 or -1 (ENOMEM). */
int	md_template_expand(const char *tpl, const struct md_tvar *vars, size_t nvars,
	    md_buf *out);

#endif
