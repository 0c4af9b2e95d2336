/*
 * tracker_edit.c - what responders do to an issue: notes, close/reopen, labels.
 *
 * Mails to subscribers are rendered here, one per subscribed address, and
 * queued by the same script that makes the change; the script skips
 * addresses that unsubscribed or bounced in the meantime.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "projects.h"
#include "tracker.h"
#include "tracker_int.h"

/*
 * Appends the counted list of mails of template kind tk (outbox kind ok) to
 * every subscribed address.  0 or -1.
 */
static int
subscriber_mails(struct md_redis *r, const struct md_config *cfg,
    const char *project, long iid, const struct md_trk_issue *b,
    enum md_template_kind tk, const char *ok, const char *note_text,
    struct md_args *a, char *err, size_t errlen)
{
	struct md_trk_rcpts all = { NULL, NULL };
	int slot = md_args_slot(a), n;

	if (md_trk_mails(r, cfg, project, iid, b, tk, ok, note_text, NULL, &all, a,
	    &n, err, errlen) < 0)
		return -1;
	md_args_setf(a, slot, "%d", n * 5);
	return 0;
}

int
md_tracker_note(struct md_redis *r, const struct md_config *cfg,
    const char *project, long iid, const char *text, int internal,
    const char *author, char *note_id, size_t idlen, int *mailed,
    char *err, size_t errlen)
{
	struct md_trk_issue b;
	struct md_args a;
	redisReply *rep;
	int rc;

	if (mailed != NULL)
		*mailed = 0;
	if (text == NULL || *text == '\0') {
		snprintf(err, errlen, "empty note");
		return -1;
	}
	if ((rc = md_trk_issue_load(r, project, iid, &b, err, errlen)) != 0)
		return rc;
	md_args_init(&a);
	md_args_add(&a, md_redis_prefix(r));
	md_args_add(&a, project);
	md_args_addf(&a, "%ld", iid);
	md_args_addf(&a, "%ld", (long)time(NULL));
	md_args_add(&a, internal ? "internal" : "public");
	md_args_add(&a, author != NULL && *author != '\0' ? author : "Support");
	md_args_add(&a, "");
	md_args_add(&a, text);
	rc = -1;
	if (internal)
		md_args_add(&a, "0");
	else if (subscriber_mails(r, cfg, project, iid, &b, MD_TPL_NEW_NOTE, "note",
	    text, &a, err, errlen) < 0)
		goto out;
	if ((rep = md_trk_run(r, &md_trk_note_script, &a, 1, err, errlen)) == NULL)
		goto out;
	if (strcmp(rep->element[0]->str, "ok") != 0 || rep->elements != 3) {
		snprintf(err, errlen, "no such issue %s#%ld", project, iid);
		rc = MD_TRK_NOTFOUND;
	} else {
		if (note_id != NULL)
			snprintf(note_id, idlen, "%s", rep->element[1]->str);
		if (mailed != NULL)
			*mailed = (int)md_reply_int(rep->element[2], 0);
		rc = 0;
	}
	freeReplyObject(rep);
out:
	md_args_free(&a);
	md_trk_issue_free(&b);
	return rc;
}

int
md_tracker_set_state(struct md_redis *r, const struct md_config *cfg,
    const char *project, long iid, int close, const char *author,
    int *changed, int *mailed, char *err, size_t errlen)
{
	struct md_trk_issue b;
	struct md_project p;
	struct md_args a;
	redisReply *rep;
	int rc, notify;

	*changed = 0;
	if (mailed != NULL)
		*mailed = 0;
	if ((rc = md_project_settings(r, project, &p)) <= 0) {
		if (rc < 0)
			snprintf(err, errlen, "%s", md_redis_errstr(r));
		else
			snprintf(err, errlen, "no such project: %s", project);
		return rc < 0 ? -1 : MD_TRK_NOTFOUND;
	}
	notify = p.notify_state;
	md_project_free(&p);
	if ((rc = md_trk_issue_load(r, project, iid, &b, err, errlen)) != 0)
		return rc;
	md_args_init(&a);
	md_args_add(&a, md_redis_prefix(r));
	md_args_add(&a, project);
	md_args_addf(&a, "%ld", iid);
	md_args_addf(&a, "%ld", (long)time(NULL));
	md_args_add(&a, close ? "closed" : "opened");
	md_args_add(&a, author != NULL && *author != '\0' ? author : "Support");
	rc = -1;
	if (!notify)
		md_args_add(&a, "0");
	else if (subscriber_mails(r, cfg, project, iid, &b,
	    close ? MD_TPL_CLOSE : MD_TPL_REOPEN, close ? "close" : "reopen", NULL,
	    &a, err, errlen) < 0)
		goto out;
	if ((rep = md_trk_run(r, &md_trk_state_script, &a, 1, err, errlen)) == NULL)
		goto out;
	if (strcmp(rep->element[0]->str, "nosuch") == 0) {
		snprintf(err, errlen, "no such issue %s#%ld", project, iid);
		rc = MD_TRK_NOTFOUND;
	} else {
		*changed = strcmp(rep->element[0]->str, "ok") == 0;
		if (mailed != NULL && rep->elements > 1)
			*mailed = (int)md_reply_int(rep->element[1], 0);
		rc = 0;
	}
	freeReplyObject(rep);
out:
	md_args_free(&a);
	md_trk_issue_free(&b);
	return rc;
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
md_tracker_label(struct md_redis *r, const char *project, long iid,
    const char *label, int add, int *changed, char *err, size_t errlen)
{
	struct md_args a;
	redisReply *rep;
	int rc;

	*changed = 0;
	if (!md_label_valid(label)) {
		snprintf(err, errlen, "bad label (1-%d bytes, no commas or control characters)",
		    MD_LABEL_MAX);
		return -1;
	}
	md_args_init(&a);
	md_args_add(&a, md_redis_prefix(r));
	md_args_add(&a, project);
	md_args_addf(&a, "%ld", iid);
	md_args_addf(&a, "%ld", (long)time(NULL));
	md_args_add(&a, add ? "add" : "del");
	md_args_add(&a, label);
	rep = md_trk_run(r, &md_trk_label_script, &a, 1, err, errlen);
	md_args_free(&a);
	if (rep == NULL)
		return -1;
	if (strcmp(rep->element[0]->str, "nosuch") == 0) {
		snprintf(err, errlen, "no such issue %s#%ld", project, iid);
		rc = MD_TRK_NOTFOUND;
	} else {
		*changed = strcmp(rep->element[0]->str, "ok") == 0;
		rc = 0;
	}
	freeReplyObject(rep);
	return rc;
}
