/*
 * tracker_edit.c - what responders do to an issue: notes, close/reopen,
 * labels (stubs until the PostgreSQL versions land).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"
#include "tracker_int.h"

int
md_tracker_note(struct md_store *st, const struct md_config *cfg,
    const char *project, long iid, const char *text, int internal,
    const char *author, char *note_id, size_t idlen, int *mailed,
    char *err, size_t errlen)
{
	(void)st;
	(void)cfg;
	(void)project;
	(void)iid;
	(void)text;
	(void)internal;
	(void)author;
	(void)note_id;
	(void)idlen;
	if (mailed != NULL)
		*mailed = 0;
	snprintf(err, errlen, "not implemented yet");
	return -1;
}

int
md_tracker_set_state(struct md_store *st, const struct md_config *cfg,
    const char *project, long iid, int close, const char *author,
    int *changed, int *mailed, char *err, size_t errlen)
{
	(void)st;
	(void)cfg;
	(void)project;
	(void)iid;
	(void)close;
	(void)author;
	*changed = 0;
	if (mailed != NULL)
		*mailed = 0;
	snprintf(err, errlen, "not implemented yet");
	return -1;
}

int
md_label_valid(const char *label)
{
	size_t n, i;

	if (label == NULL || (n = strlen(label)) == 0 || n > MD_LABEL_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)label[i] < 0x20 || label[i] == 0x7f || label[i] == ',')
			return 0;
	return 1;
}

int
md_tracker_label(struct md_store *st, const char *project, long iid,
    const char *label, int add, int *changed, char *err, size_t errlen)
{
	(void)st;
	(void)project;
	(void)iid;
	(void)label;
	(void)add;
	*changed = 0;
	snprintf(err, errlen, "not implemented yet");
	return -1;
}
