/*
 * responder_reply.c - responders' notes (signed by tracker_signature.c),
 * and answers to a notification by email (notify.h).
 *
 * An answer by email is posted only when everything vouches for it: the
 * key names the responder and the issue, the From: is the responder's
 * registered address, the milter authenticated that From: (sender_auth=yes:
 * SPF or DKIM aligned with its domain), the mail is no autoreply, and the
 * responder is still a member of the project (or a site admin).  Keys leak
 * (forwarded notifications, a shared mailbox), so the key alone never
 * suffices; a mail that fails any test is kept as an internal note flagged
 * "unverified_responder", with a system note saying why, and nothing is
 * mailed to anyone: a forger must not reach the customer, nor get an
 * answer from us.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "notify.h"
#include "notify_keys.h"
#include "responder_reply.h"
#include "tracker_change.h"
#include "tracker_signature.h"

/*
 * Public answers by email per responder and issue and hour.  An
 * autoresponder that ignores Auto-Submitted on both sides (the customer's
 * and the responder's) would otherwise answer our mails forever: each
 * customer mail notifies, each answer to the notification is mailed to
 * the customer.  No person answers one customer ten times an hour by mail.
 */
#define MAX_ANSWERS_PER_HOUR	10

int
md_trk_responder_note(struct md_store *st, const struct md_trk_issue *b,
    const struct md_resp_note *n, long *id, int *mailed, char *err, size_t errlen)
{
	struct md_trk_rcpts all = { NULL, NULL };
	struct md_trk_note note;
	char *email = NULL, *sig = NULL, *text = NULL;
	long nid = 0;
	int sent = 0, rc = -1;

	if (mailed != NULL)
		*mailed = 0;
	if (md_trk_user_signature(st, n->author, &email, &sig, err, errlen) < 0)
		return -1;
	if ((text = md_trk_sign(n->text, n->internal ? "" : sig)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	memset(&note, 0, sizeof note);
	note.author = n->author;
	note.author_email = n->author_email != NULL ? n->author_email : email;
	note.kind = n->internal ? "internal" : "public";
	note.text = text;
	note.via = n->via;
	note.flags = n->flags;
	note.raw_id = n->raw_id;
	if (md_trk_note_add(st, b->id, b->project, &note, &nid, err, errlen) < 0)
		goto out;
	if (!n->internal && (md_trk_first_response(st, b->id, err, errlen) < 0 ||
	    md_trk_mails(st, b, MD_TPL_NEW_NOTE, "note", text, NULL, &all, &sent, err,
	    errlen) < 0))
		goto out;
	if (id != NULL)
		*id = nid;
	if (mailed != NULL)
		*mailed = sent;
	rc = 0;
out:
	free(text);
	free(email);
	free(sig);
	return rc;
}

/* ---- answers by email ------------------------------------------------------ */

struct ranswer {
	struct md_trk_rec	*r;
	const struct md_rkey	*k;
	struct md_trk_issue	 b;
	char			*email;		/* the responder's registered address */
	int			 member;	/* still a member (or a site admin) */
	long			 recent;	/* their public answers by email to this
						   issue within the hour */
	char			 why[512];	/* why it is not posted, "" if it is */
};

/* The responder's address and membership. */
static int
load_responder(struct ranswer *a)
{
	struct md_trk_rec *r = a->r;
	struct md_sqlp p;
	PGresult *res;
	int rc = 0;

	md_sqlp_init(&p);
	md_sqlp_str(&p, a->k->username);
	md_sqlp_str(&p, a->k->project);
	md_sqlp_long(&p, a->b.id);
	md_sqlp_long(&p, r->now - 3600);
	res = md_db_query(r->st->db, "SELECT u.email, (u.role = 'admin' OR EXISTS "
	    "(SELECT 1 FROM project_members m WHERE m.project = $2 AND "
	    "m.username = u.name))::int, (SELECT count(*) FROM notes n WHERE "
	    "n.issue_id = $3 AND n.author = u.name AND n.via = 'email' AND "
	    "n.kind = 'public' AND n.created > $4) FROM users u WHERE u.name = $1", &p,
	    r->err, r->errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		snprintf(r->err, r->errlen, "no such user: %s", a->k->username);
		rc = -1;
	} else {
		a->member = md_db_ll(res, 0, 1) != 0;
		a->recent = (long)md_db_ll(res, 0, 2);
		if ((a->email = md_db_dup(res, 0, 0)) == NULL) {
			snprintf(r->err, r->errlen, "out of memory");
			rc = -1;
		}
	}
	PQclear(res);
	return rc;
}

/* Fills why when the mail may not speak for the responder. */
static void
judge(struct ranswer *a)
{
	const struct md_record *rec = a->r->rec;
	const char *from = md_record_get(rec, MD_F_FROM_ADDR);
	const char *auth = md_record_get(rec, MD_F_SENDER_AUTH);
	const char *user = a->k->username;

	if (*from == '\0')
		snprintf(a->why, sizeof a->why, "it has no From: address");
	else if (*a->email == '\0')
		snprintf(a->why, sizeof a->why, "%s has no registered address", user);
	else if (strcasecmp(from, a->email) != 0)
		snprintf(a->why, sizeof a->why, "its From: %.320s is not %s's "
		    "registered address", from, user);
	else if (strcmp(auth, "yes") != 0)
		snprintf(a->why, sizeof a->why, "its From: %.320s is not authenticated "
		    "(SPF %s, DKIM %s, DMARC %s)", from,
		    *md_record_get(rec, MD_F_SPF) ? md_record_get(rec, MD_F_SPF) : "-",
		    *md_record_get(rec, MD_F_DKIM) ? md_record_get(rec, MD_F_DKIM) : "-",
		    *md_record_get(rec, MD_F_DMARC) ? md_record_get(rec, MD_F_DMARC) : "-");
	else if (!md_notify_record_ok(rec))
		snprintf(a->why, sizeof a->why, "it looks automated (%s)",
		    *md_record_get(rec, MD_F_AUTO_REASON) ?
		    md_record_get(rec, MD_F_AUTO_REASON) : "no sender");
	else if (!a->member)
		snprintf(a->why, sizeof a->why, "%s is no longer a member of %s", user,
		    a->k->project);
	else if (!a->k->internal && a->recent >= MAX_ANSWERS_PER_HOUR)
		snprintf(a->why, sizeof a->why, "%s already answered %d times by email "
		    "within the hour (mail loop protection)", user, MAX_ANSWERS_PER_HOUR);
}

/* The raw message as received, for "view original"; *id 0 without one. */
static int
store_raw(struct ranswer *a, long *id)
{
	const struct md_record *rec = a->r->rec;
	struct md_sqlp p;
	PGresult *res;

	*id = 0;
	if (md_record_len(rec, MD_F_RAW) == 0)
		return 0;
	md_sqlp_init(&p);
	md_sqlp_long(&p, a->b.id);
	md_sqlp_bin(&p, md_record_get(rec, MD_F_RAW), md_record_len(rec, MD_F_RAW));
	res = md_db_query(a->r->st->db, "INSERT INTO raw_messages (issue_id, size, data) "
	    "VALUES ($1, length($2::bytea), $2::bytea) RETURNING id", &p, a->r->err,
	    a->r->errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	*id = (long)md_db_ll(res, 0, 0);
	PQclear(res);
	return 0;
}

/* The refused mail: an internal note flagged, and a system note why. */
static int
refuse(struct ranswer *a, const char *text, long raw_id, long *note_id)
{
	struct md_trk_rec *r = a->r;
	const char *name = md_record_get(r->rec, MD_F_FROM_NAME);
	char sender[MD_ADDR_MAX + 1];
	struct md_trk_note n;
	md_buf why = MD_BUF_INIT;
	int rc;

	md_trk_sender(r->rec, sender, sizeof sender);
	memset(&n, 0, sizeof n);
	n.author = *name != '\0' ? name : *sender != '\0' ? sender : "unknown sender";
	n.author_email = sender;
	n.kind = "internal";
	n.text = text;
	n.message_id = md_record_get(r->rec, MD_F_MESSAGE_ID);
	n.via = "email";
	n.flags = "unverified_responder";
	n.raw_id = raw_id;
	if (md_trk_note_add(r->st, a->b.id, a->b.project, &n, note_id, r->err,
	    r->errlen) < 0)
		return -1;
	if (md_buf_printf(&why, "A mail to %s's %s address was not posted%s: %s",
	    a->k->username, a->k->internal ? "comment" : "reply",
	    a->k->internal ? "" : " and not mailed to the customer", a->why) < 0) {
		snprintf(r->err, r->errlen, "out of memory");
		return -1;
	}
	rc = md_trk_system_note(r->st, a->b.id, a->b.project, md_buf_str(&why), r->err,
	    r->errlen);
	md_buf_free(&why);
	return rc;
}

int
md_trk_responder_answer(struct md_trk_rec *r, const struct md_rkey *k)
{
	struct ranswer a;
	struct md_resp_note rn;
	char *text = NULL;
	const char *t;
	long raw_id, note_id = 0;
	int rc, natts, mailed = 0;

	memset(&a, 0, sizeof a);
	a.r = r;
	a.k = k;
	snprintf(r->out->project, sizeof r->out->project, "%s", k->project);
	/* The row lock serialises every writer of this issue. */
	if (md_trk_issue_load(r->st, k->project, k->iid, 1, &a.b, r->err, r->errlen) != 0)
		return -1;
	if ((rc = md_trk_file_once(r, k->project, a.b.id)) <= 0) {
		if (rc == 0) {
			r->out->kind = MD_INGEST_DUP;
			r->out->iid = k->iid;
		}
		goto out;
	}
	rc = -1;
	if (load_responder(&a) < 0)
		goto out;
	judge(&a);
	/* The responder's quoted history (our notification) goes. */
	if ((text = md_trk_visible_text(r->rec)) == NULL) {
		snprintf(r->err, r->errlen, "out of memory");
		goto out;
	}
	for (t = text; *t != '\0' && isspace((unsigned char)*t); t++)
		;
	if (*a.why == '\0' && *t == '\0')
		snprintf(a.why, sizeof a.why, "it has no text of its own (only quotation)");
	if (store_raw(&a, &raw_id) < 0)
		goto out;
	if (*a.why != '\0') {
		if (refuse(&a, text, raw_id, &note_id) < 0)
			goto out;
	} else {
		memset(&rn, 0, sizeof rn);
		rn.author = k->username;
		rn.author_email = a.email;
		rn.text = text;
		rn.internal = k->internal;
		rn.via = "email";
		rn.raw_id = raw_id;
		if (md_trk_responder_note(r->st, &a.b, &rn, &note_id, &mailed, r->err,
		    r->errlen) < 0)
			goto out;
	}
	if (md_trk_store_atts(r->st, r->cfg, r->rec, a.b.id, note_id, &natts, r->err,
	    r->errlen) < 0)
		goto out;
	r->out->kind = MD_INGEST_NOTE;
	r->out->iid = k->iid;
	r->out->mailed = mailed > 0;
	rc = 0;
out:
	md_trk_issue_free(&a.b);
	free(a.email);
	free(text);
	return rc;
}
