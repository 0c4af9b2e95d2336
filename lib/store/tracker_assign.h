/*
 * tracker_assign.h - who owns an issue and how urgent it is, changed in
 * the caller's transaction (tracker_assign.c): for triage rules while a
 * request is filed (triage_store.c); the CLI and the web UI use
 * md_tracker_assign and md_tracker_set_priority (tracker.h).  0,
 * MD_TRK_NOTFOUND or -1 with err.
 */
#ifndef MD_TRACKER_ASSIGN_H
#define MD_TRACKER_ASSIGN_H

#include <stddef.h>

#include "tracker_int.h"

/*
 * Sets issue b's assignee (user NULL or "": none) with a system note by
 * author; b must be locked (md_trk_issue_load with lock = 1).  The user
 * must be a member of b's project or a site admin (MD_TRK_NOTFOUND, err
 * "no such member").  The one place an assignment happens: the CLI, the
 * web UI and triage rules all come here, and so does what follows one
 * (the "assigned to you" notification, unless notify is 0: a triage rule
 * on a request nobody may be told of, automated mail or spam, see
 * md_notify_record_ok).  *changed may be NULL.
 */
int	md_trk_assign(struct md_store *st, const struct md_trk_issue *b,
	    const char *user, const char *author, int notify, int *changed,
	    char *err, size_t errlen);
/* The same for the priority (low, normal, high, urgent). */
int	md_trk_set_priority(struct md_store *st, const struct md_trk_issue *b,
	    const char *priority, const char *author, int *changed, char *err,
	    size_t errlen);

#endif
