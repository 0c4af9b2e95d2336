/*
 * triage_store.h - triage rules in the tracker of record (the triage_rules
 * table, doc/db-schema.md) and their application when a request is filed.
 *
 * Rules are numbered 1, 2, ... per project without gaps; add appends,
 * delete closes the gap, move shifts the rules in between.  Every change
 * is one transaction under a per-project advisory lock, so two editors
 * never produce two rules at one position.
 *
 * Return convention: 0, MD_TRK_NOTFOUND (no such project or rule),
 * MD_TRIAGE_REFUSED (the input is wrong: err says what, for a 400 or a
 * usage message), -1 (database).
 */
#ifndef MD_TRIAGE_STORE_H
#define MD_TRIAGE_STORE_H

#include <stddef.h>

#include "record.h"
#include "triage.h"

#define MD_TRIAGE_REFUSED	(-4)

struct md_store;

/* The project's rules in position order (*rules malloc'd, free with
 * md_triage_rules_free). */
int	md_triage_list(struct md_store *st, const char *project,
	    struct md_triage_rule **rules, size_t *n, char *err, size_t errlen);
void	md_triage_rules_free(struct md_triage_rule *rules, size_t n);

/*
 * Appends a rule (r's id and position are ignored; *id receives the new
 * id, may be NULL).  Refused: a bad pattern (md_triage_pattern_problem),
 * bad labels, an unknown priority, an assignee who is not a user, a rule
 * that does nothing, more than MD_TRIAGE_RULES_MAX rules.
 */
int	md_triage_add(struct md_store *st, const char *project,
	    const struct md_triage_rule *r, long *id, char *err, size_t errlen);
int	md_triage_delete(struct md_store *st, const char *project, long id,
	    char *err, size_t errlen);
/* Moves rule id to position (clamped to 1 .. the number of rules). */
int	md_triage_move(struct md_store *st, const char *project, long id,
	    int position, char *err, size_t errlen);

/*
 * Applies the project's rules to issue iid (issues.id issue_id), just
 * filed from rec, in the caller's transaction (the worker's ingest):
 * labels, assignee, priority, and a system note per action naming the
 * rule.  sender is the customer's address as the tracker took it (lower
 * case, From: else the envelope sender).  0 or -1.
 */
int	md_triage_file(struct md_store *st, const char *project, long iid,
	    long issue_id, const struct md_record *rec, const char *sender, long now, char *err,
	    size_t errlen);

#endif
