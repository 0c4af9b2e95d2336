/*
 * project_store.h - what project_store.c shares with the other writers of
 * the tracker's settings side (view_rebuild.c); callers use projects.h.
 */
#ifndef MD_PROJECT_STORE_H
#define MD_PROJECT_STORE_H

#include <libpq-fe.h>

#include "projects.h"

/* The columns md_project_row() reads, in its order. */
#define MD_PROJECT_COLUMNS \
	"name, enabled, created, last_iid, verified_senders, reopen_on_reply, " \
	"notify_state, automated_policy, spam_mark, spam_reject, " \
	"coalesce(retention_days, 0), coalesce(first_response, 0), " \
	"dmarc_reject, dmarc_quarantine, desk_from_auth"

/* Fills p (without aliases) from row of a SELECT MD_PROJECT_COLUMNS. */
void	md_project_row(const PGresult *res, int row, struct md_project *p);

#endif
