/* tracker_search.c - the issue list query (stub until the real one lands). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tracker.h"
#include "tracker_int.h"

int
md_tracker_list(struct md_store *st, const char *project,
    const struct md_issue_filter *f, struct md_issue_list *out,
    char *err, size_t errlen)
{
	(void)st;
	(void)project;
	(void)f;
	memset(out, 0, sizeof *out);
	snprintf(err, errlen, "not implemented yet");
	return -1;
}
