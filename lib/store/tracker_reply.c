/*
 * tracker_reply.c - customers answering: replies and threading.
 *
 * A mail belongs to an existing issue when (in this order) it came to a
 * reply address support+r-<key>@ (the key names issue and subscriber),
 * when its In-Reply-To or References name a Message-ID of the issue's
 * conversation (the threads table: every mail we sent and every customer
 * mail filed), or when its subject carries the issue's tag "[project#n]"
 * and the sender subscribes to that issue.  The answer becomes a customer
 * note with the quoted history trimmed (the full text and the raw message
 * stay with the note), is forwarded to the issue's other subscribers, and
 * reopens a closed issue when the project allows it; otherwise the mail
 * starts a new issue that names the old one.  doc/conversation.md explains
 * the policies.
 *
 * Keys are looked up in PostgreSQL, never in the view: a key the view has
 * but PostgreSQL does not (a crash between the two) is unknown.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "notify.h"
#include "tracker.h"
#include "tracker_int.h"
#include "trim.h"

#define MAX_THREAD_IDS	50	/* References entries looked up, newest first */

/*
 * The iid of the last "[project#n]" tag in the subject, 0 if none.  The
 * last: our subjects put the tag after the customer's own text ("Re:
 * %{SUBJECT} [%{ISSUE_PATH}]"), which may quote the tag of another issue.
 */
static long
subject_tag(const char *subject, const char *project)
{
	char tag[MD_PROJECT_MAX + 3];
	const char *p;
	char *end;
	long v, last = 0;

	snprintf(tag, sizeof tag, "[%s#", project);
	for (p = subject; (p = strstr(p, tag)) != NULL; p++) {
		v = strtol(p + strlen(tag), &end, 10);
		if (v > 0 && *end == ']' && isdigit((unsigned char)p[strlen(tag)]))
			last = v;
	}
	return last;
}

long
md_trk_subject_tag(const struct md_record *rec)
{
	return subject_tag(md_record_get(rec, MD_F_SUBJECT), md_record_get(rec, MD_F_PROJECT));
}

int
md_trk_may_thread(const struct md_record *rec)
{
	return *md_record_get(rec, MD_F_IN_REPLY_TO) != '\0' ||
	    *md_record_get(rec, MD_F_REFERENCES) != '\0' ||
	    subject_tag(md_record_get(rec, MD_F_SUBJECT),
	    md_record_get(rec, MD_F_PROJECT)) != 0;
}

/* The Message-IDs to look up, in the order they count: In-Reply-To, then
 * References from the newest (last) one.  Also what the batch's locks
 * are taken for (tracker_lock.c). */
int
md_trk_thread_ids(const struct md_record *rec, md_buf *arr)
{
	const char *refs = md_record_get(rec, MD_F_REFERENCES);
	const char *irt = md_record_get(rec, MD_F_IN_REPLY_TO);
	const char *ids[MAX_THREAD_IDS + 1], *end, *s;
	char *copy[MAX_THREAD_IDS + 1];
	size_t n = 0, i;
	int rc;

	if (*irt != '\0' && strchr(irt, ' ') == NULL)
		ids[n++] = irt;
	end = refs + strlen(refs);
	for (i = 0; end > refs && i < MAX_THREAD_IDS; i++) {
		while (end > refs && end[-1] == ' ')
			end--;
		for (s = end; s > refs && s[-1] != ' '; s--)
			;
		if (end > s) {
			if ((copy[n] = strndup(s, (size_t)(end - s))) == NULL)
				break;
			ids[n] = copy[n];
			n++;
		}
		end = s;
	}
	rc = md_trk_array(arr, ids, n);
	for (i = *irt != '\0' && strchr(irt, ' ') == NULL ? 1 : 0; i < n; i++)
		free(copy[i]);
	return rc;
}

int
md_trk_find_thread(struct md_trk_rec *r, long *iid)
{
	const struct md_record *rec = r->rec;
	const char *project = md_record_get(rec, MD_F_PROJECT);
	char sender[MD_ADDR_MAX + 1];
	md_buf arr = MD_BUF_INIT;
	struct md_sqlp p;
	PGresult *res;
	int rc = 0;

	if (md_trk_thread_ids(rec, &arr) < 0) {
		snprintf(r->err, r->errlen, "out of memory");
		md_buf_free(&arr);
		return -1;
	}
	md_sqlp_init(&p);
	md_sqlp_str(&p, md_buf_str(&arr));
	md_sqlp_str(&p, project);
	res = md_db_query(r->st->db,
	    "SELECT i.iid FROM unnest($1::text[]) WITH ORDINALITY AS m(id, ord) "
	    "JOIN threads t ON t.message_id = m.id JOIN issues i ON i.id = t.issue_id "
	    "WHERE i.project = $2 ORDER BY m.ord, t.created DESC, t.issue_id DESC LIMIT 1",
	    &p, r->err, r->errlen);
	md_sqlp_free(&p);
	md_buf_free(&arr);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		*iid = (long)md_db_ll(res, 0, 0);
		rc = 1;
	}
	PQclear(res);
	if (rc == 1)
		return 1;
	/* The tag counts from a subscriber only: anyone can type a subject. */
	if ((*iid = subject_tag(md_record_get(rec, MD_F_SUBJECT), project)) == 0)
		return 0;
	md_trk_sender(rec, sender, sizeof sender);
	if (*sender == '\0')
		return 0;
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_long(&p, *iid);
	md_sqlp_str(&p, sender);
	res = md_db_query(r->st->db,
	    "SELECT 1 FROM participants p JOIN issues i ON i.id = p.issue_id "
	    "WHERE i.project = $1 AND i.iid = $2 AND p.email = $3", &p, r->err, r->errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	rc = PQntuples(res) > 0;
	PQclear(res);
	return rc;
}

/* What one answer is made of. */
struct answer {
	struct md_trk_rec	*r;
	struct md_trk_issue	 b;
	char			 sender[MD_ADDR_MAX + 1];
	const char		*key_email;
	int			 reopen_on_reply;
	int			 member;	/* the sender subscribes to the issue */
	int			 unsubscribed;	/* ... but had unsubscribed */
	int			 own_key;	/* came through the sender's own key */
	int			 unverified;	/* From: not authenticated (sender_auth) */
	char			*chain;		/* the chain owner's chain, or NULL */
	char			*text;		/* trimmed */
};

/* Settings and the sender's (and key owner's) subscription. */
static int
load_answer(struct answer *q)
{
	struct md_trk_rec *r = q->r;
	struct md_sqlp p;
	PGresult *res;
	int rc = 0;

	md_sqlp_init(&p);
	md_sqlp_long(&p, q->b.id);
	md_sqlp_str(&p, q->sender);
	md_sqlp_str(&p, q->key_email);
	md_sqlp_str(&p, q->b.project);
	res = md_db_query(r->st->db,
	    "SELECT pr.reopen_on_reply, s.subscribed, s.chain, k.chain "
	    "FROM projects pr "
	    "LEFT JOIN participants s ON s.issue_id = $1 AND s.email = $2 "
	    "LEFT JOIN participants k ON k.issue_id = $1 AND k.email = $3 "
	    "WHERE pr.name = $4", &p, r->err, r->errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		snprintf(r->err, r->errlen, "no such project: %s", q->b.project);
		rc = -1;
	} else {
		q->reopen_on_reply = strcmp(md_db_val(res, 0, 0), "t") == 0;
		q->member = *q->sender != '\0' && *md_db_val(res, 0, 1) != '\0';
		q->unsubscribed = q->member && strcmp(md_db_val(res, 0, 1), "f") == 0;
		q->own_key = q->member && strcmp(q->sender, q->key_email) == 0;
		if (q->member || *q->key_email != '\0')
			q->chain = md_db_dup(res, 0, q->member ? 2 : 3);
	}
	PQclear(res);
	return rc;
}

/* A system note of the answer's issue: before, the sender, after. */
static int
sysnote(struct answer *q, const char *before, const char *after)
{
	md_buf t = MD_BUF_INIT;
	int rc;

	if (md_buf_printf(&t, "%s%s%s", before, q->sender, after) < 0) {
		snprintf(q->r->err, q->r->errlen, "out of memory");
		return -1;
	}
	rc = md_trk_system_note(q->r->st, q->b.id, q->b.project, md_buf_str(&t),
	    q->r->err, q->r->errlen);
	md_buf_free(&t);
	return rc;
}

/* Reopening, subscribing again, forgetting a bounce: each with its note. */
static int
state_changes(struct answer *q, int closed)
{
	struct md_trk_rec *r = q->r;
	struct md_sqlp p;
	long n;

	if (closed) {
		md_sqlp_init(&p);
		md_sqlp_long(&p, q->b.id);
		md_sqlp_long(&p, r->now);
		n = md_db_exec_count(r->st->db, "UPDATE issues SET state = 'opened', "
		    "closed_at = NULL, updated = $2 WHERE id = $1", &p, r->err, r->errlen);
		md_sqlp_free(&p);
		if (n < 0 || sysnote(q, "reopened by a reply from ", "") < 0)
			return -1;
	}
	if (q->unsubscribed && !q->unverified) {
		md_sqlp_init(&p);
		md_sqlp_long(&p, q->b.id);
		md_sqlp_str(&p, q->sender);
		n = md_db_exec_count(r->st->db, "UPDATE participants SET subscribed = true "
		    "WHERE issue_id = $1 AND email = $2", &p, r->err, r->errlen);
		md_sqlp_free(&p);
		if (n < 0 || sysnote(q, "", " subscribed again by writing to this issue") < 0)
			return -1;
	}
	if (q->own_key) {
		/* The key proves our mail reached them. */
		md_sqlp_init(&p);
		md_sqlp_str(&p, q->sender);
		n = md_db_exec_count(r->st->db, "DELETE FROM bounced WHERE email = $1", &p,
		    r->err, r->errlen);
		md_sqlp_free(&p);
		if (n < 0 || (n > 0 && sysnote(q, "", " wrote again: no longer marked as "
		    "bounced") < 0))
			return -1;
	}
	return 0;
}

/* The note's flags: who the sender is not. */
static const char *
answer_flags(const struct answer *q)
{
	return !q->member && q->unverified ? "sender_mismatch," MD_TRK_FLAG_UNVERIFIED :
	    !q->member ? "sender_mismatch" : q->unverified ? MD_TRK_FLAG_UNVERIFIED : "";
}

/* The customer note with its raw message, thread entry and chain. */
static int
add_note(struct answer *q, long *note_id)
{
	struct md_trk_rec *r = q->r;
	const struct md_record *rec = r->rec;
	const char *name = md_record_get(rec, MD_F_FROM_NAME);
	const char *full = md_record_get(rec, MD_F_TEXT);
	const char *mid = md_record_get(rec, MD_F_MESSAGE_ID);
	md_buf chain = MD_BUF_INIT;
	struct md_sqlp p;
	PGresult *res;

	if (q->chain != NULL && md_trk_chain_add(q->chain, mid, &chain) < 0) {
		snprintf(r->err, r->errlen, "out of memory");
		return -1;
	}
	md_sqlp_init(&p);
	md_sqlp_long(&p, q->b.id);
	if (md_record_len(rec, MD_F_RAW) > 0)
		md_sqlp_bin(&p, md_record_get(rec, MD_F_RAW), md_record_len(rec, MD_F_RAW));
	else
		md_sqlp_null(&p);
	md_sqlp_str(&p, q->b.project);
	md_sqlp_str(&p, *name != '\0' ? name : q->sender);
	md_sqlp_str(&p, q->sender);
	md_sqlp_str(&p, q->text);
	md_sqlp_str(&p, strcmp(full, q->text) != 0 ? full : "");
	md_sqlp_str(&p, mid);
	md_sqlp_str(&p, *md_record_get(rec, MD_F_KEY) != '\0' ? "reply key" : "thread");
	md_sqlp_str(&p, answer_flags(q));
	md_sqlp_long(&p, atoi(md_record_get(rec, MD_F_ATTACHMENTS)));
	md_sqlp_long(&p, r->now);
	md_sqlp_str(&p, md_buf_str(&chain));
	md_sqlp_str(&p, q->chain != NULL ? (q->member ? q->sender : q->key_email) : "");
	res = md_db_query(r->st->db,
	    "WITH r AS (INSERT INTO raw_messages (issue_id, size, data) "
	    "SELECT $1::bigint, length($2::bytea), $2::bytea WHERE $2::bytea IS NOT NULL "
	    "RETURNING id), "
	    "n AS (INSERT INTO notes (issue_id, project, author, author_email, kind, text, "
	    "full_text, message_id, via, flags, attachments, raw_id, created) "
	    "SELECT $1::bigint, $3::text, $4::text, $5::text, 'customer', $6::text, "
	    "$7::text, $8::text, $9::text, $10::text, $11::int, (SELECT id FROM r), "
	    "$12::bigint RETURNING id), "
	    "u AS (UPDATE issues SET updated = $12::bigint WHERE id = $1::bigint), "
	    "t AS (INSERT INTO threads (message_id, issue_id, created) "
	    "SELECT $8::text, $1::bigint, $12::bigint WHERE $8::text <> '' "
	    "ON CONFLICT DO NOTHING), "
	    "c AS (UPDATE participants SET chain = $13::text "
	    "WHERE issue_id = $1::bigint AND email = $14::text AND $14::text <> '') "
	    "SELECT id FROM n", &p, r->err, r->errlen);
	md_sqlp_free(&p);
	md_buf_free(&chain);
	if (res == NULL)
		return -1;
	*note_id = (long)md_db_ll(res, 0, 0);
	PQclear(res);
	return 0;
}

/*
 * The mails an answer causes: to the sender, a notice that the answer
 * reopened the issue; to every other subscriber, the answer itself.  Only
 * for a sender who subscribes: a stranger's mail is shown to the
 * responders but not passed on.  Nor is an answer that was only quotation
 * (its trimmed text is empty): the history is no news to anyone.
 */
static int
answer_mails(struct answer *q, int reopened, int *mailed)
{
	struct md_trk_rec *r = q->r;
	const char *name = md_record_get(r->rec, MD_F_FROM_NAME);
	struct md_trk_rcpts who;
	md_buf fw = MD_BUF_INIT;
	const char *s;
	int n = 0, m = 0, rc = -1;

	*mailed = 0;
	if (!q->member || q->unverified)
		return 0;
	if (reopened) {
		who.only = q->sender;
		who.except = NULL;
		if (md_trk_mails(r->st, &q->b, MD_TPL_REOPEN, "notice", NULL,
		    "Your reply reopened this ticket.", &who, &n, r->err, r->errlen) < 0)
			return -1;
	}
	for (s = q->text; *s != '\0' && isspace((unsigned char)*s); s++)
		;
	if (*s != '\0') {
		who.only = NULL;
		who.except = q->sender;
		if (md_buf_printf(&fw, "%s%s%s%s wrote:\n\n%s", name, *name ? " <" : "",
		    q->sender, *name ? ">" : "", q->text) < 0) {
			snprintf(r->err, r->errlen, "out of memory");
			goto out;
		}
		if (md_trk_mails(r->st, &q->b, MD_TPL_NEW_NOTE, "forward", fw.data, NULL,
		    &who, &m, r->err, r->errlen) < 0)
			goto out;
	}
	*mailed = n + m;
	rc = 0;
out:
	md_buf_free(&fw);
	return rc;
}

int
md_trk_answer(struct md_trk_rec *r, const char *project, long iid,
    const char *key_email)
{
	struct answer q;
	long note_id;
	int rc, closed, natts, mailed;

	memset(&q, 0, sizeof q);
	q.r = r;
	q.key_email = key_email;
	snprintf(r->out->project, sizeof r->out->project, "%s", project);
	md_trk_sender(r->rec, q.sender, sizeof q.sender);
	/* The row lock serialises every writer of this issue. */
	if ((rc = md_trk_issue_load(r->st, project, iid, 1, &q.b, r->err,
	    r->errlen)) != 0)
		return -1;
	rc = -1;
	if (load_answer(&q) < 0)
		goto out;
	q.unverified = md_trk_sender_unverified(r->rec);
	closed = strcmp(q.b.state, "closed") == 0;
	if (closed && !q.reopen_on_reply) {
		rc = md_trk_new_request(r, project, iid);
		goto out;
	}
	if ((rc = md_trk_file_once(r, project, q.b.id)) <= 0) {
		if (rc == 0) {
			r->out->kind = MD_INGEST_DUP;
			r->out->iid = iid;
		}
		goto out;
	}
	rc = -1;
	if ((q.text = md_trk_visible_text(r->rec)) == NULL) {
		snprintf(r->err, r->errlen, "out of memory");
		goto out;
	}
	/* A mail that may be forged never reopens: it is filed on the closed
	 * issue for the responders to judge (issue 17).  Nor does a stranger's
	 * mail, authenticated or not: a reply key or a Message-ID of the
	 * conversation may have been passed on (forwarded mail, a mailing list
	 * archive), and only the issue's own participants reopen it. */
	if (q.unverified || !q.member)
		closed = 0;
	if (state_changes(&q, closed) < 0 || add_note(&q, &note_id) < 0 ||
	    md_trk_store_atts(r->st, r->cfg, r->rec, q.b.id, note_id, &natts, r->err,
	    r->errlen) < 0 || answer_mails(&q, closed, &mailed) < 0 ||
	    md_trk_notify_reply(r, &q.b, note_id, q.text, answer_flags(&q)) < 0)
		goto out;
	r->out->kind = MD_INGEST_NOTE;
	r->out->iid = iid;
	r->out->mailed = mailed > 0;
	rc = 0;
out:
	md_trk_issue_free(&q.b);
	free(q.chain);
	free(q.text);
	return rc;
}
