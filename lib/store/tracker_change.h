/*
 * tracker_change.h - the frame of every change to an existing issue
 * (tracker_change.c): the transaction with the issue locked, the system
 * note that says what changed, the first-response clock.
 *
 * Runs in the caller's PostgreSQL transaction except md_trk_edit_begin and
 * md_trk_edit_end, which open and close it.  0 or -1 with err unless said.
 */
#ifndef MD_TRACKER_CHANGE_H
#define MD_TRACKER_CHANGE_H

#include <stddef.h>

#include "tracker_int.h"

/* Who a change is by in its notes: author, or "Support" when none is known. */
#define MD_TRK_AUTHOR(a)	((a) != NULL && *(a) != '\0' ? (a) : "Support")

/*
 * A responder's change starts with md_trk_edit_begin (a transaction, issue
 * locked; on failure nothing is open; 0, MD_TRK_NOTFOUND or -1) and ends
 * with md_trk_edit_end, which commits when rc is 0 (else rolls back),
 * frees b and returns the result.
 */
int	md_trk_edit_begin(struct md_store *st, const char *project, long iid,
	    struct md_trk_issue *b, char *err, size_t errlen);
int	md_trk_edit_end(struct md_store *st, struct md_trk_issue *b, int rc,
	    char *err, size_t errlen);

/* A system note by author (NULL or "": "Support") on issue b. */
int	md_trk_change_note(struct md_store *st, const struct md_trk_issue *b,
	    const char *author, const char *text, char *err, size_t errlen);

/* A public reply by a responder: stops the issue's first-response clock
 * (issues.first_response_at, set once). */
int	md_trk_first_response(struct md_store *st, long issue_id, char *err,
	    size_t errlen);

#endif
