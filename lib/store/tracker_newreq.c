/*
 * tracker_newreq.c - new requests become issues.
 *
 * Two statements per request, whatever the request carries:
 *
 *  1. the claim: the record's key goes into filed_messages (a replay finds
 *     it and is a duplicate), the project's next number is taken with
 *     UPDATE projects ... RETURNING last_iid (the row lock serialises the
 *     workers and a rollback gives the number back, so numbers have no
 *     gaps), and what rendering needs comes back with it: the
 *     verified_senders setting, the thank-you template, whether the
 *     customer bounced or unsubscribed, the automatic-mail count, which
 *     Cc addresses are aliases;
 *  2. the issue with everything that belongs to it: raw message,
 *     subscribers with their keys, thread index, system notes and the
 *     confirmation, rendered in C for the number the claim returned.
 *
 * Attachments (rare) and follow-ups of closed issues add statements of
 * their own.  Addresses in Cc of a new request become participants with
 * keys of their own (tracker_mail.c mails them the conversation).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keygen.h"
#include "notify.h"
#include "trim.h"
#include "tracker.h"
#include "tracker_int.h"
#include "triage_store.h"

#define MAX_CC_SEEN	1000	/* Cc entries looked at */

#define CLAIM_SQL \
	"WITH f AS (INSERT INTO filed_messages (project, msg_key) VALUES ($1, $2) " \
	"ON CONFLICT DO NOTHING RETURNING 1), " \
	"p AS (UPDATE projects SET last_iid = last_iid + 1 " \
	"WHERE name = $1 AND enabled AND EXISTS (SELECT 1 FROM f) " \
	"RETURNING last_iid, verified_senders), " \
	"b AS (SELECT EXISTS (SELECT 1 FROM bounced WHERE email = $3::text) OR " \
	"EXISTS (SELECT 1 FROM unsubscribed WHERE email = $3::text) AS blocked), " \
	"a AS (INSERT INTO automail AS a (email, window_start, count) " \
	"SELECT $3::text, $5::bigint, 1 FROM p, b WHERE $6::int > 0 AND $7::boolean " \
	"AND NOT b.blocked AND (NOT p.verified_senders OR $8::boolean) " \
	"ON CONFLICT (email) DO UPDATE SET " \
	"count = CASE WHEN a.window_start <= $5::bigint - 3600 THEN 1 " \
	"ELSE a.count + 1 END, " \
	"window_start = CASE WHEN a.window_start <= $5::bigint - 3600 THEN $5::bigint " \
	"ELSE a.window_start END RETURNING count) " \
	"SELECT (SELECT count(*) FROM f), p.last_iid, p.verified_senders, b.blocked, " \
	"(SELECT count FROM a), t.body, t.subject, " \
	"array_to_string(ARRAY(SELECT u.o FROM unnest($4::text[]) WITH ORDINALITY " \
	"AS u(addr, o) WHERE EXISTS (SELECT 1 FROM aliases WHERE address = u.addr)), ','), " \
	"(SELECT i.iid FROM filed_messages fm JOIN issues i ON i.id = fm.issue_id " \
	"WHERE fm.project = $1 AND fm.msg_key = $2) " \
	"FROM b LEFT JOIN p ON true " \
	"LEFT JOIN templates t ON t.project = $1 AND t.kind = 'thank_you'"

#define CREATE_SQL \
	"WITH i AS (INSERT INTO issues (project, iid, title, description, author, " \
	"customer_email, customer_name, labels, message_id, spf, score, rules, flags, " \
	"received, source, follows, raw_id, created, updated) VALUES ($1, $2, $3, $4, " \
	"'Support Bot', $5, $6, $7::text[], $8, $9, $10, $11, $12, $13, $14, $15::bigint, " \
	"CASE WHEN $16::bytea IS NULL THEN NULL ELSE nextval('raw_messages_id_seq') END, " \
	"$17::bigint, $17::bigint) RETURNING id, raw_id), " \
	"r AS (INSERT INTO raw_messages (id, issue_id, size, data) " \
	"SELECT i.raw_id, i.id, length($16::bytea), $16::bytea FROM i " \
	"WHERE i.raw_id IS NOT NULL), " \
	"p AS (INSERT INTO participants (issue_id, email, reply_key, unsub_key, chain) " \
	"SELECT i.id, u.e, u.rk, u.uk, u.ch FROM i, unnest($18::text[], $19::text[], " \
	"$20::text[], $21::text[]) AS u(e, rk, uk, ch)), " \
	"t AS (INSERT INTO threads (message_id, issue_id, created) " \
	"SELECT DISTINCT m, i.id, $17::bigint FROM i, unnest($22::text[]) AS m " \
	"ON CONFLICT DO NOTHING), " \
	"f AS (UPDATE filed_messages fm SET issue_id = i.id FROM i " \
	"WHERE fm.project = $1 AND fm.msg_key = $23::text), " \
	"n AS (INSERT INTO notes (issue_id, project, author, kind, text, created) " \
	"SELECT i.id, $1::text, 'Support Bot', 'system', s.txt, $17::bigint " \
	"FROM i, unnest($24::text[]) WITH ORDINALITY AS s(txt, o) ORDER BY s.o), " \
	"o AS (INSERT INTO outbox (project, iid, kind, rcpt, mail_from, message_id, " \
	"data, created) SELECT $1::text, $2::bigint, 'confirmation', $5::text, " \
	"$25::text, $26::text, $27::bytea, $17::bigint WHERE $27::bytea IS NOT NULL) " \
	"SELECT id FROM i"

/* Growable list of strings (owned). */
struct strs {
	char	**v;
	size_t	  n, cap;
};

static int
strs_add(struct strs *s, const char *v)
{
	char **nv;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;

		if ((nv = realloc(s->v, cap * sizeof *nv)) == NULL)
			return -1;
		s->v = nv;
		s->cap = cap;
	}
	if ((s->v[s->n] = strdup(v)) == NULL)
		return -1;
	s->n++;
	return 0;
}

static void
strs_free(struct strs *s)
{
	while (s->n > 0)
		free(s->v[--s->n]);
	free(s->v);
	s->v = NULL;
	s->cap = 0;
}

static int
strs_has(const struct strs *s, const char *v)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return 1;
	return 0;
}

/* One request on its way. */
struct newreq {
	struct md_trk_rec	*r;
	const char		*project;
	long			 follows;
	char			 email[MD_ADDR_MAX + 1];
	char			 rkey[MD_KEY_LEN + 1];
	char			 ukey[MD_KEY_LEN + 1];
	char			*msg_key;
	char			*title;
	char			*description;
	int			 may_confirm;
	struct strs		 cc;		/* Cc candidates, before the alias check */
	/* from the claim */
	long			 iid;
	int			 verified, blocked, over;
	long			 automail;
	/* the issue's rows */
	struct strs		 p_email, p_rkey, p_ukey, p_chain, threads, notes;
	char			 msgid[256];
	md_buf			 mail;
};

/*
 * The confirmation may go at all, as far as the record says: not to the
 * null sender, not to anything the milter judged automated (such records
 * normally have kind "automated"; the check is for records written by
 * other paths), not to the desk itself.
 */
static int
may_confirm(const struct md_config *cfg, const struct md_record *rec,
    const char *email)
{
	if (*md_record_get(rec, MD_F_MAIL_FROM) == '\0' || *email == '\0' ||
	    md_trk_is_desk(cfg, email))
		return 0;
	return *md_record_get(rec, MD_F_AUTO_REASON) == '\0';
}

/* The Cc addresses that may become participants: not the desk's own
 * addresses, not the customer, no duplicates (aliases: the claim says). */
static int
cc_candidates(struct newreq *q)
{
	const char *p = md_record_get(q->r->rec, MD_F_CC), *s;
	char addr[MD_ADDR_MAX + 1];
	size_t n, i;
	int seen = 0;

	while (*p != '\0' && seen++ < MAX_CC_SEEN) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		for (s = p; *p != '\0' && *p != ','; p++)
			;
		for (n = (size_t)(p - s); n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'); n--)
			;
		if (n == 0 || n > MD_ADDR_MAX || memchr(s, '@', n) == NULL)
			continue;
		for (i = 0; i < n; i++)
			addr[i] = (char)tolower((unsigned char)s[i]);
		addr[n] = '\0';
		md_addr_canon_alias(addr);
		if (strcmp(addr, q->email) == 0 || md_trk_is_desk(q->r->cfg, addr) ||
		    strs_has(&q->cc, addr))
			continue;
		if (strs_add(&q->cc, addr) < 0)
			return -1;
	}
	return 0;
}

/* 1 if position pos (1-based) is in the comma separated list. */
static int
in_list(const char *list, size_t pos)
{
	const char *p = list;
	char *end;

	while (*p != '\0') {
		if ((size_t)strtoul(p, &end, 10) == pos)
			return 1;
		p = *end == ',' ? end + 1 : end;
		if (end == p && *p != '\0')
			p++;
	}
	return 0;
}

/* Takes the number; 1 claimed, 0 a duplicate (out filled), -1. */
static int
claim(struct newreq *q, char **tpl_body, char **tpl_subject, char **aliases)
{
	struct md_trk_rec *r = q->r;
	md_buf cc = MD_BUF_INIT;
	struct md_sqlp p;
	PGresult *res;
	int rc = -1;

	if (md_trk_array(&cc, (const char *const *)q->cc.v, q->cc.n) < 0) {
		snprintf(r->err, r->errlen, "out of memory");
		return -1;
	}
	md_sqlp_init(&p);
	md_sqlp_str(&p, q->project);
	md_sqlp_str(&p, q->msg_key);
	md_sqlp_str(&p, q->email);
	md_sqlp_str(&p, md_buf_str(&cc));
	md_sqlp_long(&p, r->now);
	md_sqlp_long(&p, r->cfg->max_auto_mails_per_hour);
	md_sqlp_bool(&p, q->may_confirm);
	md_sqlp_bool(&p, md_trk_sender_verified(r->rec));
	res = md_trk_prep_query(r, MD_TRK_CLAIM, CLAIM_SQL, &p);
	md_sqlp_free(&p);
	md_buf_free(&cc);
	if (res == NULL)
		return -1;
	if (md_db_ll(res, 0, 0) == 0) {		/* filed before */
		r->out->kind = MD_INGEST_DUP;
		r->out->iid = (long)md_db_ll(res, 0, 8);
		rc = 0;
	} else if (*md_db_val(res, 0, 1) == '\0') {
		rc = -2;			/* no such project, or disabled */
	} else {
		q->iid = (long)md_db_ll(res, 0, 1);
		q->verified = strcmp(md_db_val(res, 0, 2), "t") == 0;
		q->blocked = strcmp(md_db_val(res, 0, 3), "t") == 0;
		q->automail = (long)md_db_ll(res, 0, 4);
		if ((*tpl_body = md_db_dup(res, 0, 5)) == NULL ||
		    (*tpl_subject = md_db_dup(res, 0, 6)) == NULL ||
		    (*aliases = md_db_dup(res, 0, 7)) == NULL)
			snprintf(r->err, r->errlen, "out of memory");
		else
			rc = 1;
	}
	PQclear(res);
	if (rc == -2) {
		md_sqlp_init(&p);
		md_sqlp_str(&p, q->project);
		res = md_db_query(r->st->db, "SELECT enabled FROM projects WHERE name = $1",
		    &p, r->err, r->errlen);
		md_sqlp_free(&p);
		rc = -1;
		if (res != NULL && PQntuples(res) == 0)
			snprintf(r->err, r->errlen, "no such project: %s", q->project);
		else if (res != NULL)
			snprintf(r->err, r->errlen, "project %s is disabled", q->project);
		PQclear(res);
	}
	return rc;
}

/* The subscribers: the customer, then the Cc participants with keys. */
static int
subscribers(struct newreq *q, const char *aliases, md_buf *notes)
{
	const struct md_config *cfg = q->r->cfg;
	char rkey[MD_KEY_LEN + 1], ukey[MD_KEY_LEN + 1];
	size_t i;
	int taken = 0;

	if (*q->email != '\0' &&
	    (strs_add(&q->p_email, q->email) < 0 || strs_add(&q->p_rkey, q->rkey) < 0 ||
	    strs_add(&q->p_ukey, q->ukey) < 0 ||
	    strs_add(&q->p_chain, *q->msgid ? q->msgid : "") < 0 ||
	    md_trk_keys_add(q->r->keys, q->project, q->iid, q->email, q->rkey,
	    q->ukey) < 0))
		return -1;
	for (i = 0; i < q->cc.n && taken < cfg->max_participants; i++) {
		if (in_list(aliases, i + 1))
			continue;
		if (md_keygen(rkey, sizeof rkey) < 0 || md_keygen(ukey, sizeof ukey) < 0)
			return -1;
		if (strs_add(&q->p_email, q->cc.v[i]) < 0 || strs_add(&q->p_rkey, rkey) < 0 ||
		    strs_add(&q->p_ukey, ukey) < 0 || strs_add(&q->p_chain, "") < 0 ||
		    md_trk_keys_add(q->r->keys, q->project, q->iid, q->cc.v[i], rkey,
		    ukey) < 0 ||
		    md_buf_printf(notes, "%s%s", taken > 0 ? ", " :
		    "Participants from Cc: ", q->cc.v[i]) < 0)
			return -1;
		taken++;
	}
	if (notes->len > 0 && strs_add(&q->notes, md_buf_str(notes)) < 0)
		return -1;
	return 0;
}

/* The confirmation for the claimed number, if it goes; 0 or -1. */
static int
confirmation(struct newreq *q, const char *tpl_body, const char *tpl_subject)
{
	struct md_trk_rec *r = q->r;
	const struct md_record *rec = r->rec;
	char notice[256] = "";
	int cap = r->cfg->max_auto_mails_per_hour;
	struct md_trk_mail m = {
		.kind = MD_TPL_THANK_YOU, .project = q->project, .iid = q->iid,
		.title = q->title, .description = q->description,
		.rcpt = q->email, .rcpt_name = md_record_get(rec, MD_F_FROM_NAME),
		.rkey = q->rkey, .ukey = q->ukey,
		.thread_id = md_record_get(rec, MD_F_MESSAGE_ID),
		.prefix = notice, .tpl_body = tpl_body, .tpl_subject = tpl_subject,
	};
	md_buf note = MD_BUF_INIT;

	if (!q->may_confirm || q->blocked ||
	    (q->verified && !md_trk_sender_verified(rec)))
		return 0;
	if (cap > 0 && q->automail > cap) {
		if (md_buf_printf(&note, "Mail loop protection: %s already got %d "
		    "automatic mails within the hour, this confirmation mail was not "
		    "sent", q->email, cap) < 0 || strs_add(&q->notes, note.data) < 0) {
			md_buf_free(&note);
			return -1;
		}
		md_buf_free(&note);
		return 0;
	}
	if (q->follows > 0)
		snprintf(notice, sizeof notice, "You wrote to ticket #%ld, which is "
		    "closed, so we opened a new ticket #%ld for your message.",
		    q->follows, q->iid);
	return md_trk_render(r->cfg, &m, q->msgid, sizeof q->msgid, &q->mail, r->err,
	    r->errlen);
}

/*
 * The issue's flags: the milter's (spam), and unverified_sender when
 * neither SPF nor DKIM vouched for the From: (issue 17), so that the web
 * UI and the CLI show that the customer may not be who the mail says.
 */
static int
issue_flags(const struct md_record *rec, md_buf *out)
{
	const char *milter = md_record_get(rec, MD_F_FLAGS);

	if (md_buf_puts(out, milter) < 0)
		return -1;
	if (md_trk_sender_unverified(rec) && md_buf_printf(out, "%s" MD_TRK_FLAG_UNVERIFIED,
	    *milter != '\0' ? "," : "") < 0)
		return -1;
	return 0;
}

/* The issue row and all that comes with it; issue_id receives its id. */
static int
create(struct newreq *q, long *issue_id)
{
	struct md_trk_rec *r = q->r;
	const struct md_record *rec = r->rec;
	md_buf a[8] = { MD_BUF_INIT, MD_BUF_INIT, MD_BUF_INIT, MD_BUF_INIT, MD_BUF_INIT,
	    MD_BUF_INIT, MD_BUF_INIT, MD_BUF_INIT };
	const char *spam = "spam?";
	char from[MD_ADDR_MAX + 1];
	struct md_sqlp p;
	PGresult *res;
	size_t k;
	int spammy = md_trk_has_token(md_record_get(rec, MD_F_FLAGS), "spam");
	int rc = -1;

	if (md_trk_array(&a[0], &spam, spammy ? 1 : 0) < 0 ||
	    md_trk_array(&a[1], (const char *const *)q->p_email.v, q->p_email.n) < 0 ||
	    md_trk_array(&a[2], (const char *const *)q->p_rkey.v, q->p_rkey.n) < 0 ||
	    md_trk_array(&a[3], (const char *const *)q->p_ukey.v, q->p_ukey.n) < 0 ||
	    md_trk_array(&a[4], (const char *const *)q->p_chain.v, q->p_chain.n) < 0 ||
	    md_trk_array(&a[5], (const char *const *)q->threads.v, q->threads.n) < 0 ||
	    md_trk_array(&a[6], (const char *const *)q->notes.v, q->notes.n) < 0 ||
	    issue_flags(rec, &a[7]) < 0) {
		snprintf(r->err, r->errlen, "out of memory");
		goto out;
	}
	md_trk_mail_from(r->cfg, q->project, q->rkey, from, sizeof from);
	md_sqlp_init(&p);
	md_sqlp_str(&p, q->project);
	md_sqlp_long(&p, q->iid);
	md_sqlp_str(&p, q->title);
	md_sqlp_str(&p, q->description);
	md_sqlp_str(&p, q->email);
	md_sqlp_str(&p, md_record_get(rec, MD_F_FROM_NAME));
	md_sqlp_str(&p, md_buf_str(&a[0]));
	md_sqlp_str(&p, md_record_get(rec, MD_F_MESSAGE_ID));
	md_sqlp_str(&p, md_record_get(rec, MD_F_SPF));
	md_sqlp_str(&p, md_record_get(rec, MD_F_SCORE));
	md_sqlp_str(&p, md_record_get(rec, MD_F_RULES));
	md_sqlp_str(&p, md_buf_str(&a[7]));
	md_sqlp_str(&p, md_record_get(rec, MD_F_RECEIVED));
	md_sqlp_str(&p, r->entry);
	if (q->follows > 0)
		md_sqlp_long(&p, q->follows);
	else
		md_sqlp_null(&p);
	if (md_record_len(rec, MD_F_RAW) > 0)
		md_sqlp_bin(&p, md_record_get(rec, MD_F_RAW), md_record_len(rec, MD_F_RAW));
	else
		md_sqlp_null(&p);
	md_sqlp_long(&p, r->now);
	for (k = 1; k <= 5; k++)
		md_sqlp_str(&p, md_buf_str(&a[k]));
	md_sqlp_str(&p, q->msg_key);
	md_sqlp_str(&p, md_buf_str(&a[6]));
	md_sqlp_str(&p, from);
	md_sqlp_str(&p, q->msgid);
	if (*q->msgid != '\0')
		md_sqlp_bin(&p, q->mail.data, q->mail.len);
	else
		md_sqlp_null(&p);
	res = md_trk_prep_query(r, MD_TRK_CREATE, CREATE_SQL, &p);
	md_sqlp_free(&p);
	if (res != NULL) {
		*issue_id = (long)md_db_ll(res, 0, 0);
		PQclear(res);
		rc = 0;
	}
out:
	for (k = 0; k < sizeof a / sizeof a[0]; k++)
		md_buf_free(&a[k]);
	return rc;
}

/* The closed issue an answer came to: a note naming the new one. */
static int
note_on_followed(struct newreq *q)
{
	struct md_trk_rec *r = q->r;
	md_buf text = MD_BUF_INIT;
	struct md_sqlp p;
	int rc = -1;

	if (md_buf_printf(&text, "%s wrote to this closed issue; the mail became %s#%ld",
	    q->email, q->project, q->iid) < 0) {
		snprintf(r->err, r->errlen, "out of memory");
		return -1;
	}
	md_sqlp_init(&p);
	md_sqlp_str(&p, q->project);
	md_sqlp_long(&p, q->follows);
	md_sqlp_str(&p, md_buf_str(&text));
	md_sqlp_long(&p, r->now);
	rc = md_db_exec(r->st->db,
	    "WITH o AS (SELECT id FROM issues WHERE project = $1 AND iid = $2), "
	    "n AS (INSERT INTO notes (issue_id, project, author, kind, text, created) "
	    "SELECT o.id, $1, 'Support Bot', 'system', $3, $4::bigint FROM o) "
	    "UPDATE issues SET updated = $4::bigint WHERE id IN (SELECT id FROM o)",
	    &p, r->err, r->errlen);
	md_sqlp_free(&p);
	md_buf_free(&text);
	return rc;
}

/* Keys, title, text and Cc: what does not depend on the number. */
static int
prepare(struct newreq *q)
{
	const struct md_record *rec = q->r->rec;
	const char *subject = md_record_get(rec, MD_F_SUBJECT);
	char *text;
	md_buf d = MD_BUF_INIT;
	int cut;

	md_trk_sender(rec, q->email, sizeof q->email);
	q->may_confirm = may_confirm(q->r->cfg, rec, q->email);
	if (md_keygen(q->rkey, sizeof q->rkey) < 0 || md_keygen(q->ukey, sizeof q->ukey) < 0) {
		snprintf(q->r->err, q->r->errlen, "cannot generate issue keys");
		return -1;
	}
	if ((q->msg_key = md_trk_msg_key(rec)) == NULL ||
	    (q->title = md_trk_title(subject, &cut)) == NULL)
		goto oom;
	text = q->follows > 0 ? md_trk_visible_text(rec) :
	    strdup(md_record_get(rec, MD_F_TEXT));
	if (text == NULL)
		goto oom;
	/* A title cut to its limit: the whole subject stays readable on top
	 * of the description (issue 17). */
	if (cut && md_buf_printf(&d, "Subject: %s\n\n%s", subject, text) < 0) {
		free(text);
		goto oom;
	}
	if (cut) {
		free(text);
		text = md_buf_detach(&d);
	}
	q->description = text;
	if (q->description == NULL || (q->follows == 0 && cc_candidates(q) < 0))
		goto oom;
	return 0;
oom:
	snprintf(q->r->err, q->r->errlen, "out of memory");
	return -1;
}

int
md_trk_new_request(struct md_trk_rec *r, const char *project, long follows)
{
	const struct md_record *rec = r->rec;
	const char *mid = md_record_get(rec, MD_F_MESSAGE_ID);
	struct newreq q;
	md_buf notes = MD_BUF_INIT;
	char *tpl_body = NULL, *tpl_subject = NULL, *aliases = NULL;
	long issue_id = 0;
	int rc = -1, n;

	memset(&q, 0, sizeof q);
	q.r = r;
	q.project = project;
	q.follows = follows;
	snprintf(r->out->project, sizeof r->out->project, "%s", project);
	if (prepare(&q) < 0)
		goto out;
	if ((rc = claim(&q, &tpl_body, &tpl_subject, &aliases)) <= 0)
		goto out;
	rc = -1;
	if (confirmation(&q, tpl_body, tpl_subject) < 0)
		goto out;
	if (subscribers(&q, aliases, &notes) < 0)
		goto oom;
	md_buf_reset(&notes);
	if (follows > 0 && (md_buf_printf(&notes, "Follow-up of %s#%ld, which is closed: "
	    "%s wrote to it again", project, follows, q.email) < 0 ||
	    strs_add(&q.notes, notes.data) < 0))
		goto oom;
	/* The capped-mail note (if any) was added first: it goes last. */
	if (q.notes.n > 1 && strncmp(q.notes.v[0], "Mail loop", 9) == 0) {
		char *first = q.notes.v[0];

		memmove(q.notes.v, q.notes.v + 1, (q.notes.n - 1) * sizeof q.notes.v[0]);
		q.notes.v[q.notes.n - 1] = first;
	}
	if ((*mid != '\0' && strs_add(&q.threads, mid) < 0) ||
	    (*q.msgid != '\0' && strs_add(&q.threads, q.msgid) < 0))
		goto oom;
	if (create(&q, &issue_id) < 0 ||
	    md_triage_file(r->st, project, q.iid, issue_id, rec, q.email, r->now,
	    r->err, r->errlen) < 0 ||
	    md_trk_store_atts(r->st, r->cfg, rec, issue_id, 0, &n, r->err, r->errlen) < 0 ||
	    (follows > 0 && note_on_followed(&q) < 0) ||
	    md_trk_notify_new(r, issue_id, project, q.iid, q.title) < 0)
		goto out;
	r->out->kind = MD_INGEST_CREATED;
	r->out->iid = q.iid;
	r->out->mailed = *q.msgid != '\0';
	rc = 0;
	goto out;
oom:
	snprintf(r->err, r->errlen, "out of memory");
out:
	free(tpl_body);
	free(tpl_subject);
	free(aliases);
	free(q.msg_key);
	free(q.title);
	free(q.description);
	strs_free(&q.cc);
	strs_free(&q.p_email);
	strs_free(&q.p_rkey);
	strs_free(&q.p_ukey);
	strs_free(&q.p_chain);
	strs_free(&q.threads);
	strs_free(&q.notes);
	md_buf_free(&q.mail);
	md_buf_free(&notes);
	return rc;
}
