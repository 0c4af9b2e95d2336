/*
 * tracker.c - what every user of tracker.h needs whichever part of the
 * tracker they call: freeing the issues, notes and attachments it hands
 * out, and parsing an issue reference ("acme#12").
 *
 * The tracker's work is in tracker_*.c (tracker_int.h lists them): reading
 * one issue is tracker_get.c, its bytes tracker_bytes.c, the list
 * tracker_search.c.  These few functions stand below all of them, since
 * every reader fills and frees the same structs.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"

void
md_issue_free(struct md_issue *i)
{
	char **const s[] = {
		&i->title, &i->description, &i->author, &i->customer_email,
		&i->customer_name, &i->state, &i->labels, &i->message_id,
		&i->reply_key, &i->unsub_key, &i->spf, &i->score, &i->rules,
		&i->flags, &i->source, &i->assignee, &i->priority,
	};
	size_t k;

	for (k = 0; k < sizeof s / sizeof s[0]; k++) {
		free(*s[k]);
		*s[k] = NULL;
	}
}

void
md_issue_list_free(struct md_issue_list *l)
{
	size_t k;

	for (k = 0; k < l->n; k++)
		md_issue_free(&l->items[k]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

static void
note_free(struct md_note *n)
{
	free(n->author);
	free(n->author_email);
	free(n->kind);
	free(n->text);
	free(n->message_id);
	free(n->raw);
	free(n->full_text);
	free(n->flags);
	free(n->via);
}

void
md_issue_att_free(struct md_issue_att *a)
{
	free(a->filename);
	free(a->content_type);
	free(a->note);
	a->filename = a->content_type = a->note = NULL;
}

void
md_issue_full_free(struct md_issue_full *f)
{
	size_t k;

	md_issue_free(&f->issue);
	for (k = 0; k < f->nnotes; k++)
		note_free(&f->notes[k]);
	free(f->notes);
	for (k = 0; k < f->natts; k++)
		md_issue_att_free(&f->atts[k]);
	free(f->atts);
	for (k = 0; k < f->nsubs; k++)
		free(f->subs[k].email);
	free(f->subs);
	free(f->raw);
	memset(f, 0, sizeof *f);
}

int
md_issue_ref_parse(const char *ref, char *project, size_t projlen, long *iid)
{
	const char *hash = strrchr(ref, '#');
	char *end;
	size_t n;
	long v;

	if (hash == NULL || hash == ref)
		return -1;
	n = (size_t)(hash - ref);
	if (n >= projlen || n > MD_PROJECT_MAX)
		return -1;
	errno = 0;
	v = strtol(hash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == hash + 1 || v <= 0)
		return -1;
	memcpy(project, ref, n);
	project[n] = '\0';
	*iid = v;
	return 0;
}
