/*
 * tracker_notes.c - note rows: what customers, responders and the desk
 * itself say on an issue.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tracker_int.h"

int
md_trk_note_add(struct md_store *st, long issue_id, const char *project,
    const struct md_trk_note *n, long *id, char *err, size_t errlen)
{
	(void)st; (void)issue_id; (void)project; (void)n; (void)id;
	snprintf(err, errlen, "not implemented yet");
	return -1;
}

int
md_trk_system_note(struct md_store *st, long issue_id, const char *project,
    const char *text, char *err, size_t errlen)
{
	struct md_trk_note n = {
		.author = "Support Bot", .kind = "system", .text = text,
	};

	return md_trk_note_add(st, issue_id, project, &n, NULL, err, errlen);
}
