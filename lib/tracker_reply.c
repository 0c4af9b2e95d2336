/*
 * tracker_reply.c - customers answering: replies, threading, bounces.
 *
 * A mail belongs to an existing issue when (in this order) it came to a
 * reply address support+r-<key>@ (the key names issue and subscriber),
 * when its In-Reply-To or References name a Message-ID of the issue's
 * conversation (<p>thread:<id>, written for every mail we sent and every
 * customer mail filed), or when its subject carries the issue's tag
 * "[project#n]" and the sender subscribes to that issue.  The answer
 * becomes a customer note with the quoted history trimmed (the full text
 * and the raw message stay in the note), is forwarded to the issue's other
 * subscribers, and reopens a closed issue when the project allows it;
 * otherwise the mail starts a new issue that names the old one.  doc/
 * conversation.md explains the policies.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "projects.h"
#include "tracker.h"
#include "tracker_int.h"
#include "utf8.h"
#include "trim.h"

#define MAX_THREAD_IDS	50	/* References entries looked up, newest first */
#define MAX_STATE_TRIES	5

/* "acme#12" in <p>thread:<id> for an issue of project; 1 found, 0, -1. */
static int
thread_lookup(struct md_redis *r, const char *project, const char *id, size_t n,
    long *iid)
{
	md_buf key = MD_BUF_INIT;
	char proj[MD_PROJECT_MAX + 1];
	redisReply *rep;
	int rc = 0;

	rep = md_redis_cmd(r, "GET %s", md_key(r, &key, "thread:%.*s", (int)n, id));
	md_buf_free(&key);
	if (rep == NULL || rep->type == REDIS_REPLY_ERROR)
		rc = -1;
	else if (rep->type == REDIS_REPLY_STRING &&
	    md_issue_ref_parse(rep->str, proj, sizeof proj, iid) == 0 &&
	    strcmp(proj, project) == 0)
		rc = 1;
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

/* 1 if email is a subscriber (in any state) of the issue, 0, -1. */
static int
subscriber_state(struct md_redis *r, const char *project, long iid,
    const char *email, char *state, size_t statelen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	int rc;

	*state = '\0';
	rep = md_redis_cmd(r, "HGET %s %s",
	    md_key(r, &key, "issue:%s:%ld:subscribers", project, iid), email);
	md_buf_free(&key);
	rc = rep == NULL || rep->type == REDIS_REPLY_ERROR ? -1 :
	    rep->type == REDIS_REPLY_STRING;
	if (rc == 1)
		snprintf(state, statelen, "%s", rep->str);
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

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

int
md_trk_may_thread(const struct md_record *rec)
{
	return *md_record_get(rec, MD_F_IN_REPLY_TO) != '\0' ||
	    *md_record_get(rec, MD_F_REFERENCES) != '\0' ||
	    subject_tag(md_record_get(rec, MD_F_SUBJECT),
	    md_record_get(rec, MD_F_PROJECT)) != 0;
}

int
md_trk_find_thread(struct md_redis *r, const struct md_record *rec, long *iid,
    char *err, size_t errlen)
{
	const char *project = md_record_get(rec, MD_F_PROJECT);
	const char *refs = md_record_get(rec, MD_F_REFERENCES);
	const char *irt = md_record_get(rec, MD_F_IN_REPLY_TO);
	char sender[MD_ADDR_MAX + 1], st[32];
	const char *end, *s;
	int rc, n;

	/* In-Reply-To first, then References from the newest (last) one. */
	if (*irt != '\0' && strchr(irt, ' ') == NULL &&
	    (rc = thread_lookup(r, project, irt, strlen(irt), iid)) != 0)
		goto done;
	end = refs + strlen(refs);
	for (n = 0, rc = 0; end > refs && n < MAX_THREAD_IDS && rc == 0; n++) {
		while (end > refs && end[-1] == ' ')
			end--;
		for (s = end; s > refs && s[-1] != ' '; s--)
			;
		if (end > s)
			rc = thread_lookup(r, project, s, (size_t)(end - s), iid);
		end = s;
	}
	if (rc != 0)
		goto done;
	if ((*iid = subject_tag(md_record_get(rec, MD_F_SUBJECT), project)) == 0)
		return 0;
	md_trk_sender(rec, sender, sizeof sender);
	rc = *sender != '\0' ? subscriber_state(r, project, *iid, sender, st, sizeof st) : 0;
done:
	if (rc < 0)
		md_trk_redis_err(r, NULL, err, errlen);
	return rc;
}

/* What one answer is made of. */
struct answer {
	const struct md_record	*rec;
	const char		*entry;
	const char		*project;
	long			 iid;
	char			 sender[MD_ADDR_MAX + 1];
	const char		*chain;		/* whose Message-ID chain it continues */
	int			 member;	/* the sender subscribes to the issue */
	int			 own_key;	/* came through the sender's own key */
	char			*text;		/* trimmed */
	char			*forward;	/* "<who> wrote:" + text */
};

static void
note_fields(struct md_args *a, const struct answer *q)
{
	const struct md_record *rec = q->rec;
	const char *name = md_record_get(rec, MD_F_FROM_NAME);
	const char *full = md_record_get(rec, MD_F_TEXT);
	int slot = md_args_slot(a), n = 9;

	md_args_add(a, "author");
	md_args_add(a, *name != '\0' ? name : q->sender);
	md_args_add(a, "author_email");
	md_args_add(a, q->sender);
	md_args_add(a, "kind");
	md_args_add(a, "customer");
	md_args_add(a, "text");
	md_args_add(a, q->text);
	md_args_add(a, "created");
	md_args_addf(a, "%ld", (long)time(NULL));
	md_trk_add_field(a, "message_id", rec, MD_F_MESSAGE_ID);
	md_trk_add_field(a, "attachments", rec, MD_F_ATTACHMENTS);
	md_trk_add_field(a, "raw", rec, MD_F_RAW);
	md_args_add(a, "via");
	md_args_add(a, *md_record_get(rec, MD_F_KEY) != '\0' ? "reply key" : "thread");
	if (strcmp(full, q->text) != 0) {
		md_args_add(a, "full_text");
		md_args_add(a, full);
		n++;
	}
	if (!q->member) {
		md_args_add(a, "flags");
		md_args_add(a, "sender_mismatch");
		n++;
	}
	md_args_setf(a, slot, "%d", 2 * n);
}

/*
 * The mails an answer causes: to the sender, a notice that the answer
 * reopened the issue; to every other subscriber, the answer itself.  Only
 * for a sender who subscribes: a stranger's mail is shown to the
 * responders but not passed on.
 */
static int
answer_mails(struct md_redis *r, const struct md_config *cfg, const struct answer *q,
    const struct md_trk_issue *b, int reopen, struct md_args *a, char *err,
    size_t errlen)
{
	struct md_trk_rcpts who;
	int slot = md_args_slot(a), n = 0, m = 0;

	if (q->member && reopen) {
		who.only = q->sender;
		who.except = NULL;
		if (md_trk_mails(r, cfg, q->project, q->iid, b, MD_TPL_REOPEN, "notice",
		    NULL, "Your reply reopened this ticket.", &who, a, &n, err,
		    errlen) < 0)
			return -1;
	}
	if (q->member) {
		who.only = NULL;
		who.except = q->sender;
		if (md_trk_mails(r, cfg, q->project, q->iid, b, MD_TPL_NEW_NOTE, "forward",
		    q->forward, NULL, &who, a, &m, err, errlen) < 0)
			return -1;
	}
	md_args_setf(a, slot, "%d", (n + m) * 5);
	return 0;
}

/* One attempt: 1 done, 0 the state changed meanwhile, 2 closed: new issue, -1. */
static int
answer_once(struct md_redis *r, const struct md_config *cfg, struct answer *q,
    int reopen_on_reply, struct md_ingest *out, char *err, size_t errlen)
{
	const struct md_record *rec = q->rec;
	struct md_trk_issue b;
	struct md_args a;
	redisReply *rep = NULL;
	int rc, closed;

	if ((rc = md_trk_issue_load(r, q->project, q->iid, &b, err, errlen)) != 0) {
		if (rc == MD_TRK_NOTFOUND)
			snprintf(err, errlen, "redis: NOISSUE no issue %s#%ld", q->project,
			    q->iid);
		return -1;
	}
	closed = strcmp(b.state, "closed") == 0;
	if (closed && !reopen_on_reply) {
		md_trk_issue_free(&b);
		return 2;
	}
	md_args_init(&a);
	md_args_add(&a, cfg->redis_prefix);
	md_args_add(&a, q->project);
	md_args_addf(&a, "%ld", q->iid);
	md_args_add(&a, closed ? "closed" : "opened");
	md_args_add(&a, q->entry);
	md_args_addn(&a, md_record_get(rec, MD_F_MESSAGE_ID),
	    md_record_len(rec, MD_F_MESSAGE_ID));
	md_args_addf(&a, "%ld", (long)time(NULL));
	md_args_add(&a, q->sender);
	md_args_add(&a, q->chain);
	md_args_add(&a, q->own_key ? "1" : "");
	md_args_addf(&a, "%d", cfg->max_auto_mails_per_hour);
	note_fields(&a, q);
	rc = -1;
	if (md_trk_add_atts(&a, cfg, rec) < 0) {
		snprintf(err, errlen, "cannot read the attachments");
		goto out;
	}
	if (answer_mails(r, cfg, q, &b, closed, &a, err, errlen) < 0)
		goto out;
	if ((rep = md_trk_run(r, &md_trk_answer_script, &a, 3, err, errlen)) == NULL)
		goto out;
	if (strcmp(rep->element[0]->str, "retry") == 0) {
		rc = 0;
		goto out;
	}
	out->kind = strcmp(rep->element[0]->str, "dup") == 0 ? MD_INGEST_DUP :
	    MD_INGEST_NOTE;
	out->iid = q->iid;
	out->mailed = md_reply_int(rep->element[2], 0) > 0;
	rc = 1;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	md_args_free(&a);
	md_trk_issue_free(&b);
	return rc;
}

int
md_trk_ingest_answer(struct md_redis *r, const struct md_config *cfg,
    const char *entry, const struct md_record *rec, const char *project,
    long iid, const char *key_email, struct md_ingest *out, char *err,
    size_t errlen)
{
	const char *name = md_record_get(rec, MD_F_FROM_NAME);
	struct md_project p;
	struct answer q;
	char st[32];
	md_buf fw = MD_BUF_INIT;
	int rc, i, reopen;

	memset(&q, 0, sizeof q);
	q.rec = rec;
	q.entry = entry;
	q.project = project;
	q.iid = iid;
	snprintf(out->project, sizeof out->project, "%s", project);
	md_trk_sender(rec, q.sender, sizeof q.sender);
	if ((rc = md_project_settings(r, project, &p)) <= 0) {
		if (rc < 0)
			snprintf(err, errlen, "%s", md_redis_errstr(r));
		else
			snprintf(err, errlen, "no such project: %s", project);
		return -1;
	}
	reopen = p.reopen_on_reply;
	md_project_free(&p);
	if ((rc = subscriber_state(r, project, iid, q.sender, st, sizeof st)) < 0) {
		md_trk_redis_err(r, NULL, err, errlen);
		return -1;
	}
	q.member = rc == 1 && *q.sender != '\0';
	q.own_key = q.member && strcmp(q.sender, key_email) == 0;
	q.chain = q.member ? q.sender : key_email;
	if ((q.text = md_reply_trim(md_record_get(rec, MD_F_TEXT))) == NULL ||
	    md_buf_printf(&fw, "%s%s%s%s wrote:\n\n%s", name, *name ? " <" : "",
	    q.sender, *name ? ">" : "", q.text) < 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
		goto out;
	}
	q.forward = fw.data;
	for (i = 0, rc = 0; i < MAX_STATE_TRIES && rc == 0; i++)
		rc = answer_once(r, cfg, &q, reopen, out, err, errlen);
	if (rc == 2)
		rc = md_trk_ingest_new(r, cfg, entry, rec, iid, out, err, errlen);
	else if (rc == 0) {
		snprintf(err, errlen, "state of %s#%ld kept changing", project, iid);
		rc = -1;
	} else if (rc == 1)
		rc = 0;
out:
	free(q.text);
	md_buf_free(&fw);
	return rc;
}

/* ---- automated mail ------------------------------------------------------- */

#define AUTO_TEXT_MAX	(64 * 1024)	/* text kept of an automated mail */

/* The fields of an automated record worth keeping for admins (and its text). */
static const enum md_field auto_fields[] = {
	MD_F_RECEIVED, MD_F_MAIL_FROM, MD_F_FROM, MD_F_SUBJECT, MD_F_PROJECT,
	MD_F_RCPT, MD_F_AUTO_REASON, MD_F_MESSAGE_ID,
};

/* Length of the line at p (without the line end), at most end - p. */
static size_t
line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

	return n > 0 && p[n - 1] == '\r' ? n - 1 : n;
}

/* The value of a "Name: value" line, or NULL. */
static const char *
line_value(const char *p, size_t n, const char *name, size_t *vlen)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(p, name, k) != 0)
		return NULL;
	for (p += k, n -= k; n > 0 && (*p == ' ' || *p == '\t'); p++, n--)
		;
	*vlen = n;
	return p;
}

/*
 * Is this delivery report a permanent failure?  Yes when a per-recipient
 * "Action: failed" is there, or no Action at all (a report without the
 * RFC 3464 fields); no for delays, successes and read receipts (MDN).  The
 * reason is the Status and Diagnostic-Code, cut short.
 */
static int
report_failed(const char *raw, size_t len, char *reason, size_t rlen)
{
	const char *p = raw, *end = raw + len, *v;
	size_t n, vl;
	int actions = 0, failed = 0;
	char status[32] = "", diag[160] = "";

	while (p < end) {
		n = line_len(p, end);
		if ((v = line_value(p, n, "Action:", &vl)) != NULL) {
			actions++;
			failed |= vl >= 6 && strncasecmp(v, "failed", 6) == 0;
		} else if ((v = line_value(p, n, "Status:", &vl)) != NULL && !*status) {
			snprintf(status, sizeof status, "%.*s", (int)(vl < 20 ? vl : 20), v);
		} else if ((v = line_value(p, n, "Diagnostic-Code:", &vl)) != NULL && !*diag) {
			snprintf(diag, sizeof diag, "%.*s", (int)(vl < 150 ? vl : 150), v);
		} else if (line_value(p, n, "Disposition:", &vl) != NULL) {
			return 0;	/* a read receipt */
		}
		p += n;
		while (p < end && (*p == '\r' || *p == '\n'))
			p++;
	}
	if (actions > 0 && !failed)
		return 0;
	snprintf(reason, rlen, "delivery report%s%s%s%s", *status ? ", status " : "",
	    status, *diag ? ": " : "", diag);
	for (v = reason; *v != '\0'; v++)	/* no control characters in notes */
		if ((unsigned char)*v < 0x20)
			reason[v - reason] = ' ';
	return 1;
}

/*
 * A delivery report?  The milter names the first signal it saw, which for
 * a DSN is usually the null sender, so the top-level Content-Type of the
 * raw message is looked at too.
 */
static int
is_report(const struct md_record *rec)
{
	const char *raw = md_record_get(rec, MD_F_RAW), *p, *v;
	const char *end = raw + md_record_len(rec, MD_F_RAW);
	size_t n, vl;

	if (strstr(md_record_get(rec, MD_F_AUTO_REASON), "report") != NULL)
		return 1;
	for (p = raw; p < end && (n = line_len(p, end)) > 0; ) {
		if ((v = line_value(p, n, "Content-Type:", &vl)) != NULL)
			return vl >= 16 && strncasecmp(v, "multipart/report", 16) == 0;
		p += n;
		p += p < end && *p == '\r';
		p += p < end && *p == '\n';
	}
	return 0;
}

int
md_trk_ingest_automated(struct md_redis *r, const struct md_config *cfg,
    const char *entry, const struct md_record *rec, struct md_ingest *out,
    char *err, size_t errlen)
{
	const struct md_addr_format fmt = {
		cfg->desk_local, cfg->desk_separator[0], cfg->desk_domain,
		cfg->reply_prefix, cfg->unsub_prefix,
	};
	char arg[MD_PROJECT_MAX + 1], reason[256] = "";
	enum md_addr_kind ak;
	struct md_args a;
	redisReply *rep;
	size_t i;
	int rc = -1, slot, bounce = 0;

	ak = md_addr_classify(&fmt, md_record_get(rec, MD_F_RCPT), arg, sizeof arg);
	/* RFC 8058 mailto unsubscribes may look automated: still honoured. */
	if (ak == MD_ADDR_UNSUB && md_key_valid(md_record_get(rec, MD_F_KEY)))
		return md_trk_ingest_unsub(r, cfg, entry, rec, out, err, errlen);
	if (ak == MD_ADDR_REPLY && md_key_valid(md_record_get(rec, MD_F_KEY)) &&
	    is_report(rec))
		bounce = report_failed(md_record_get(rec, MD_F_RAW),
		    md_record_len(rec, MD_F_RAW), reason, sizeof reason);
	md_args_init(&a);
	md_args_add(&a, cfg->redis_prefix);
	md_args_add(&a, entry);
	slot = md_args_slot(&a);
	for (i = 0; i < sizeof auto_fields / sizeof auto_fields[0]; i++)
		md_trk_add_field(&a, md_record_field_name(auto_fields[i]), rec,
		    auto_fields[i]);
	/*
	 * The text too, so that nothing a person may have written is gone
	 * (a customer's reply sent through a list is automated by its
	 * List-Id); cut so the capped stream stays small.
	 */
	md_args_add(&a, "text");
	md_args_addn(&a, md_record_get(rec, MD_F_TEXT), md_utf8_prefix(md_record_get(rec,
	    MD_F_TEXT), md_record_len(rec, MD_F_TEXT), AUTO_TEXT_MAX));
	md_args_setf(&a, slot, "%zu", 2 * i + 2);
	md_args_add(&a, bounce ? md_record_get(rec, MD_F_KEY) : "");
	md_args_add(&a, reason);
	md_args_addf(&a, "%ld", (long)time(NULL));
	if (a.err) {
		snprintf(err, errlen, "out of memory");
		md_args_free(&a);
		return -1;
	}
	rep = md_redis_eval(r, &md_trk_automated_script, 0, a.n, a.v, a.len);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements < 1 ||
	    rep->element[0]->type != REDIS_REPLY_STRING) {
		md_trk_redis_err(r, rep, err, errlen);
	} else {
		out->kind = MD_INGEST_AUTOMATED;
		if (strcmp(rep->element[0]->str, "bounced") == 0 && rep->elements == 3) {
			out->kind = MD_INGEST_BOUNCE;
			snprintf(out->project, sizeof out->project, "%s",
			    rep->element[1]->str);
			out->iid = (long)md_reply_int(rep->element[2], 0);
		}
		rc = 0;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	md_args_free(&a);
	return rc;
}
