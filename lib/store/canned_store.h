/*
 * canned_store.h - per-project canned replies (the canned_replies table,
 * doc/db-schema.md): saved texts a responder inserts into a comment, with
 * the template placeholders of template.h filled in for the issue.
 *
 * Return convention: 0, MD_TRK_NOTFOUND (no such project, issue or reply),
 * MD_CANNED_REFUSED (the input is wrong; err says what), -1 (database).
 */
#ifndef MD_CANNED_STORE_H
#define MD_CANNED_STORE_H

#include <stddef.h>

#include "buf.h"
#include "conf.h"

#define MD_CANNED_REFUSED	(-4)
#define MD_CANNED_NAME_MAX	64		/* [a-z0-9][a-z0-9._-]{0,63} */
#define MD_CANNED_TEXT_MAX	(64 * 1024)	/* bytes */

struct md_store;

struct md_canned {
	char	 name[MD_CANNED_NAME_MAX + 1];
	char	*text;
};

/* 1 if name may name a canned reply. */
int	md_canned_name_valid(const char *name);

/* The project's replies by name (*v malloc'd; md_canned_free). */
int	md_canned_list(struct md_store *st, const char *project,
	    struct md_canned **v, size_t *n, char *err, size_t errlen);
void	md_canned_free(struct md_canned *v, size_t n);


/*
 * Creates or replaces reply name; an empty text deletes it (deleting one
 * that is not there: MD_TRK_NOTFOUND).  Refused: a bad name, more than
 * MD_CANNED_TEXT_MAX bytes, what md_note_text_problem refuses, placeholders
 * that are not known, and %{NOTE_TEXT} (a canned reply is the note).
 */
int	md_canned_set(struct md_store *st, const char *project, const char *name,
	    const char *text, char *err, size_t errlen);

/*
 * Appends reply name of project, its placeholders filled in for issue
 * project#iid (ISSUE_URL and UNSUBSCRIBE_URL from cfg's base_url and the
 * customer's key), to out.
 */
int	md_canned_render(struct md_store *st, const struct md_config *cfg,
	    const char *project, long iid, const char *name, md_buf *out,
	    char *err, size_t errlen);

#endif
