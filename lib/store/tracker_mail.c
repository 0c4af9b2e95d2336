/*
 * tracker_mail.c - who gets which mail about an issue, and how it threads.
 *
 * Every subscriber has their own reply and unsubscribe keys (so a reply
 * names its author) and their own chain of Message-IDs (participants.chain):
 * the ids of the mails we sent them and of the mails they sent us, newest
 * last, at most MD_TRK_CHAIN_MAX.  A new mail answers the newest
 * (In-Reply-To) and lists the request's Message-ID followed by the chain
 * (References), so every client threads it under the conversation it
 * already shows, while the header stays short.
 *
 * Who may be mailed is decided here, inside the caller's transaction,
 * against the rows the same transaction sees: an unsubscribe or a bounce
 * committed a moment before is honoured.  Mails are written in a few
 * multi-row statements, not one per recipient: a forward to ten
 * participants costs four round trips, not forty.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tracker_int.h"
#include "tracker_rows.h"

/* Outbox rows per INSERT: 8 parameters shared, 4 per row, MD_SQLP_MAX. */
#define ROWS_PER_STMT	((MD_SQLP_MAX - 8) / 4)

void
md_trk_issue_free(struct md_trk_issue *b)
{
	free(b->title);
	free(b->description);
	free(b->message_id);
	free(b->customer_email);
	free(b->customer_name);
	free(b->state);
	memset(b, 0, sizeof *b);
}

int
md_trk_issue_load(struct md_store *st, const char *project, long iid,
    int lock, struct md_trk_issue *b, char *err, size_t errlen)
{
	PGresult *res;
	char **dst[] = { &b->title, &b->description, &b->message_id,
	    &b->customer_email, &b->customer_name, &b->state };
	size_t k;
	int rc;

	memset(b, 0, sizeof *b);
	res = md_trk_issue_select(st, lock ?
	    "SELECT id, title, description, message_id, customer_email, customer_name, "
	    "state FROM issues WHERE project = $1 AND iid = $2 FOR UPDATE" :
	    "SELECT id, title, description, message_id, customer_email, customer_name, "
	    "state FROM issues WHERE project = $1 AND iid = $2", project, iid, &rc, err, errlen);
	if (res == NULL)
		return rc;
	rc = 0;
	b->id = (long)md_db_ll(res, 0, 0);
	snprintf(b->project, sizeof b->project, "%s", project);
	b->iid = iid;
	for (k = 0; k < sizeof dst / sizeof dst[0]; k++)
		if ((*dst[k] = md_db_dup(res, 0, (int)k + 1)) == NULL)
			rc = -1;
	if (rc < 0)
		snprintf(err, errlen, "out of memory");
	PQclear(res);
	if (rc != 0)
		md_trk_issue_free(b);
	return rc;
}

int
md_trk_is_desk(const struct md_config *cfg, const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at != NULL && strcasecmp(at + 1, cfg->desk_domain) == 0;
}

/*
 * The automail upsert: a fixed window of an hour per address that starts
 * with its first automatic mail.  Every attempt counts, also the ones past
 * the cap, so a loop stays stopped while it keeps knocking.
 */
#define AUTOMAIL_SQL \
	"INSERT INTO automail AS a (email, window_start, count) " \
	"SELECT e, $2, 1 FROM unnest($1::text[]) AS e " \
	"ON CONFLICT (email) DO UPDATE SET " \
	"count = CASE WHEN a.window_start <= $2 - 3600 THEN 1 ELSE a.count + 1 END, " \
	"window_start = CASE WHEN a.window_start <= $2 - 3600 THEN $2 " \
	"ELSE a.window_start END RETURNING email, count"

/* Counts one automatic mail for each of emails[0..n); rows (email, count). */
static PGresult *
count_automail(struct md_store *st, const char **emails, size_t n, long now,
    char *err, size_t errlen)
{
	md_buf arr = MD_BUF_INIT;
	struct md_sqlp p;
	PGresult *res;

	if (md_trk_array(&arr, emails, n) < 0) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	md_sqlp_init(&p);
	md_sqlp_str(&p, md_buf_str(&arr));
	md_sqlp_long(&p, now);
	res = md_db_query(st->db, AUTOMAIL_SQL, &p, err, errlen);
	md_sqlp_free(&p);
	md_buf_free(&arr);
	return res;
}

int
md_trk_automail(struct md_store *st, const char *email, int cap, long now,
    int *over, char *err, size_t errlen)
{
	PGresult *res;

	*over = 0;
	if (cap <= 0)
		return 0;
	if ((res = count_automail(st, &email, 1, now, err, errlen)) == NULL)
		return -1;
	*over = md_db_ll(res, 0, 1) > cap;
	PQclear(res);
	return 0;
}

/*
 * In-Reply-To and References for one subscriber: the last id of the chain
 * (else the request's), and the request's id followed by the chain.
 */
static int
thread_headers(const char *root, const char *chain, md_buf *refs, char *irt,
    size_t irtlen)
{
	const char *p = chain != NULL ? chain : "", *s;
	size_t n;

	md_buf_reset(refs);
	/* cut, an id would name another message: then none (compose drops it) */
	snprintf(irt, irtlen, "%s", strlen(root) < irtlen ? root : "");
	if (md_buf_puts(refs, root) < 0)
		return -1;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		for (s = p; *p != '\0' && *p != ' '; p++)
			;
		if ((n = (size_t)(p - s)) == 0 || (strlen(root) == n &&
		    strncmp(root, s, n) == 0))
			continue;
		if ((refs->len > 0 && md_buf_putc(refs, ' ') < 0) ||
		    md_buf_append(refs, s, n) < 0)
			return -1;
		if (n < irtlen)
			snprintf(irt, irtlen, "%.*s", (int)n, s);
	}
	return 0;
}

/* One rendered mail waiting to be written. */
struct pending {
	const char	*email;
	char		 mail_from[MD_ADDR_MAX + 1];
	char		 msgid[256];
	md_buf		 data;
	md_buf		 chain;		/* the recipient's chain with msgid */
};

/* Writes mails [from, from + k): outbox rows, thread index, chains. */
static int
write_mails(struct md_store *st, const struct md_trk_issue *b, const char *ok,
    long now, struct pending *m, size_t k, char *err, size_t errlen)
{
	const char *ids[ROWS_PER_STMT], *emails[ROWS_PER_STMT], *chains[ROWS_PER_STMT];
	md_buf sql = MD_BUF_INIT, aid = MD_BUF_INIT, aem = MD_BUF_INIT, ach = MD_BUF_INIT;
	struct md_sqlp p;
	size_t i;
	int rc = -1;

	for (i = 0; i < k; i++) {
		ids[i] = m[i].msgid;
		emails[i] = m[i].email;
		chains[i] = md_buf_str(&m[i].chain);
	}
	md_sqlp_init(&p);
	md_sqlp_str(&p, b->project);
	md_sqlp_long(&p, b->iid);
	md_sqlp_str(&p, ok);
	md_sqlp_long(&p, now);
	md_sqlp_long(&p, b->id);
	if (md_trk_array(&aid, ids, k) < 0 || md_trk_array(&aem, emails, k) < 0 ||
	    md_trk_array(&ach, chains, k) < 0 ||
	    md_buf_puts(&sql, "WITH o AS (INSERT INTO outbox (project, iid, kind, "
	    "created, rcpt, mail_from, message_id, data) VALUES ") < 0)
		goto oom;
	md_sqlp_str(&p, md_buf_str(&aid));
	md_sqlp_str(&p, md_buf_str(&aem));
	md_sqlp_str(&p, md_buf_str(&ach));
	for (i = 0; i < k; i++) {
		if (md_buf_printf(&sql, "%s($1, $2, $3, $4, $%d, $%d, $%d, $%d)",
		    i > 0 ? ", " : "", p.n + 1, p.n + 2, p.n + 3, p.n + 4) < 0)
			goto oom;
		md_sqlp_str(&p, m[i].email);
		md_sqlp_str(&p, m[i].mail_from);
		md_sqlp_str(&p, m[i].msgid);
		md_sqlp_bin(&p, m[i].data.data, m[i].data.len);
	}
	if (md_buf_puts(&sql, "), t AS (INSERT INTO threads (message_id, issue_id, "
	    "created) SELECT m, $5, $4 FROM unnest($6::text[]) AS m "
	    "ON CONFLICT DO NOTHING) UPDATE participants SET chain = c.chain "
	    "FROM unnest($7::text[], $8::text[]) AS c(email, chain) "
	    "WHERE participants.issue_id = $5 AND participants.email = c.email") < 0)
		goto oom;
	rc = md_db_exec(st->db, md_buf_str(&sql), &p, err, errlen);
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	md_sqlp_free(&p);
	md_buf_free(&sql);
	md_buf_free(&aid);
	md_buf_free(&aem);
	md_buf_free(&ach);
	return rc;
}

/*
 * Counts automatic mails for the n candidates at once; over[i] = 1 for
 * those past the cap, each with its system note.
 */
static int
cap_check(struct md_store *st, const struct md_trk_issue *b, const char *ok,
    const char **emails, size_t n, int *over, long now, char *err, size_t errlen)
{
	int cap = st->cfg->max_auto_mails_per_hour;
	md_buf note = MD_BUF_INIT;
	PGresult *res;
	size_t i;
	int row, rc = 0;

	memset(over, 0, n * sizeof *over);
	if (cap <= 0 || !md_mail_kind_automatic(ok) || n == 0)
		return 0;
	if ((res = count_automail(st, emails, n, now, err, errlen)) == NULL)
		return -1;
	for (row = 0; row < PQntuples(res); row++) {
		if (md_db_ll(res, row, 1) <= cap)
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(emails[i], md_db_val(res, row, 0)) == 0)
				over[i] = 1;
	}
	PQclear(res);
	for (i = 0; i < n && rc == 0; i++) {
		if (!over[i])
			continue;
		md_buf_reset(&note);
		if (md_buf_printf(&note, "Mail loop protection: %s already got %d "
		    "automatic mails within the hour, this %s mail was not sent",
		    emails[i], cap, ok) < 0) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		} else {
			rc = md_trk_system_note(st, b->id, b->project, md_buf_str(&note),
			    err, errlen);
		}
	}
	md_buf_free(&note);
	return rc;
}

int
md_trk_mails(struct md_store *st, const struct md_trk_issue *b,
    enum md_template_kind tk, const char *ok, const char *note_text,
    const char *prefix, const struct md_trk_rcpts *who, int *n, char *err,
    size_t errlen)
{
	const struct md_config *cfg = st->cfg;
	md_buf refs = MD_BUF_INIT;
	struct md_sqlp p;
	PGresult *res;
	struct pending *m = NULL;
	const char **cand = NULL;
	int *over = NULL, row, nrows, rc = -1;
	size_t nm = 0, nc = 0, i, done;
	char irt[256];
	long now = (long)time(NULL);

	*n = 0;
	md_sqlp_init(&p);
	md_sqlp_long(&p, b->id);
	md_sqlp_str(&p, b->project);
	md_sqlp_str(&p, md_template_name(tk));
	res = md_db_query(st->db,
	    "SELECT p.email, p.reply_key, p.unsub_key, p.chain, t.body, t.subject, "
	    "EXISTS (SELECT 1 FROM bounced x WHERE x.email = p.email) OR "
	    "EXISTS (SELECT 1 FROM unsubscribed u WHERE u.email = p.email) "
	    "FROM participants p LEFT JOIN templates t ON t.project = $2 AND t.kind = $3 "
	    "WHERE p.issue_id = $1 AND p.subscribed ORDER BY p.email", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	nrows = PQntuples(res);
	if (nrows == 0) {
		PQclear(res);
		return 0;
	}
	if ((m = calloc((size_t)nrows, sizeof *m)) == NULL ||
	    (cand = calloc((size_t)nrows, sizeof *cand)) == NULL ||
	    (over = calloc((size_t)nrows, sizeof *over)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* Who may be mailed at all. */
	for (row = 0; row < nrows; row++) {
		const char *email = md_db_val(res, row, 0);

		if (who->only != NULL && strcmp(email, who->only) != 0)
			continue;
		if ((who->except != NULL && strcmp(email, who->except) == 0) ||
		    *email == '\0' || md_trk_is_desk(cfg, email) ||
		    strcmp(md_db_val(res, row, 6), "t") == 0)
			continue;
		cand[nc++] = email;
	}
	if (cap_check(st, b, ok, cand, nc, over, now, err, errlen) < 0)
		goto out;
	for (row = 0, i = 0; row < nrows && i < nc; row++) {
		const char *email = md_db_val(res, row, 0);
		struct pending *q = &m[nm];
		struct md_trk_mail mm = {
			.kind = tk, .project = b->project, .iid = b->iid,
			.title = b->title, .description = b->description,
			.note_text = note_text, .rcpt = email,
			.rkey = md_db_val(res, row, 1), .ukey = md_db_val(res, row, 2),
			.thread_id = irt, .prefix = prefix,
			.tpl_body = md_db_val(res, row, 4),
			.tpl_subject = md_db_val(res, row, 5),
		};

		if (email != cand[i])
			continue;
		if (over[i++])
			continue;
		if (strcmp(email, b->customer_email) == 0)
			mm.rcpt_name = b->customer_name;
		if (thread_headers(b->message_id, md_db_val(res, row, 3), &refs, irt,
		    sizeof irt) < 0) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		mm.refs = md_buf_str(&refs);
		q->email = email;
		nm++;
		if (md_trk_render(cfg, &mm, q->msgid, sizeof q->msgid, &q->data, err,
		    errlen) < 0)
			goto out;
		if (md_trk_chain_add(md_db_val(res, row, 3), q->msgid, &q->chain) < 0) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		md_trk_mail_from(cfg, b->project, mm.rkey, q->mail_from,
		    sizeof q->mail_from);
	}
	for (done = 0; done < nm; done += ROWS_PER_STMT)
		if (write_mails(st, b, ok, now, m + done, nm - done < ROWS_PER_STMT ?
		    nm - done : ROWS_PER_STMT, err, errlen) < 0)
			goto out;
	*n = (int)nm;
	rc = 0;
out:
	for (i = 0; m != NULL && i < (size_t)nrows; i++) {
		md_buf_free(&m[i].data);
		md_buf_free(&m[i].chain);
	}
	free(m);
	free(cand);
	free(over);
	md_buf_free(&refs);
	PQclear(res);
	return rc;
}
