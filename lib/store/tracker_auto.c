/*
 * tracker_auto.c - mail no person wrote: automated mail, delivery reports,
 * unsubscribe requests.
 *
 * Automated mail never becomes an issue and is never answered; it is kept
 * in the automated table for the admins, with its text (a person's reply
 * sent through a mailing list is automated by its List-Id, and can still
 * be read there).  A delivery report that comes back to a subscriber's
 * reply address (our envelope sender, VERP) marks that address bounced.
 * Unsubscribe requests (mail to support+u-<key>@) take one subscriber off
 * one issue.  Each is idempotent: a replay adds no second archive row,
 * note or mark.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tracker_int.h"
#include "utf8.h"

#define AUTO_TEXT_MAX	(64 * 1024)	/* text kept of an automated mail */

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


/*
 * The archive row.  A replay of the same inbox entry (a crash between the
 * commit and the acknowledgement) finds its row by source and adds none.
 */
static int
archive(struct md_trk_rec *r)
{
	const struct md_record *rec = r->rec;
	const char *text = md_record_get(rec, MD_F_TEXT);
	struct md_sqlp p;
	int rc;

	md_sqlp_init(&p);
	md_sqlp_str(&p, md_record_get(rec, MD_F_RECEIVED));
	md_sqlp_str(&p, md_record_get(rec, MD_F_MAIL_FROM));
	md_sqlp_str(&p, md_record_get(rec, MD_F_FROM));
	md_sqlp_str(&p, md_record_get(rec, MD_F_SUBJECT));
	md_sqlp_str(&p, md_record_get(rec, MD_F_PROJECT));
	md_sqlp_str(&p, md_record_get(rec, MD_F_RCPT));
	md_sqlp_str(&p, md_record_get(rec, MD_F_AUTO_REASON));
	md_sqlp_str(&p, md_record_get(rec, MD_F_MESSAGE_ID));
	/* Cut, so that a flood of large automated mail stays small. */
	md_sqlp_strn(&p, text, md_utf8_prefix(text, md_record_len(rec, MD_F_TEXT),
	    AUTO_TEXT_MAX));
	md_sqlp_str(&p, r->entry);
	md_sqlp_long(&p, r->now);
	rc = md_db_exec(r->st->db,
	    "INSERT INTO automated (received, mail_from, from_hdr, subject, project, rcpt, "
	    "auto_reason, message_id, text, source, created) "
	    "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text, $11::bigint "
	    "WHERE $10::text = '' OR NOT EXISTS "
	    "(SELECT 1 FROM automated WHERE source = $10::text)", &p, r->err, r->errlen);
	md_sqlp_free(&p);
	return rc;
}

/* Marks the subscriber of reply key bounced, with a note the first time
 * (a storm of reports writes one).  1 marked (or was), 0 unknown key, -1. */
static int
bounce(struct md_trk_rec *r, const char *key, const char *reason)
{
	char project[MD_PROJECT_MAX + 1], email[MD_ADDR_MAX + 1];
	md_buf note = MD_BUF_INIT;
	struct md_sqlp p;
	long iid, issue_id, n;
	int rc;

	if ((rc = md_trk_key_issue(r->st, key, 0, project, &iid, &issue_id, email,
	    r->err, r->errlen)) <= 0 || *email == '\0')
		return rc < 0 ? -1 : 0;
	md_sqlp_init(&p);
	md_sqlp_str(&p, email);
	md_sqlp_str(&p, reason);
	md_sqlp_long(&p, r->now);
	n = md_db_exec_count(r->st->db, "INSERT INTO bounced (email, reason, created) "
	    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", &p, r->err, r->errlen);
	md_sqlp_free(&p);
	if (n < 0)
		return -1;
	if (n > 0) {
		if (md_buf_printf(&note, "Mail to %s bounced (%s): no more mail goes to "
		    "this address", email, reason) < 0) {
			snprintf(r->err, r->errlen, "out of memory");
			return -1;
		}
		rc = md_trk_system_note(r->st, issue_id, project, md_buf_str(&note),
		    r->err, r->errlen);
		md_buf_free(&note);
		if (rc < 0)
			return -1;
	}
	r->out->kind = MD_INGEST_BOUNCE;
	snprintf(r->out->project, sizeof r->out->project, "%s", project);
	r->out->iid = iid;
	return 1;
}

int
md_trk_automated(struct md_trk_rec *r)
{
	const struct md_config *cfg = r->cfg;
	const struct md_addr_format fmt = {
		cfg->desk_local, cfg->desk_separator[0], cfg->desk_domain,
		cfg->reply_prefix, cfg->unsub_prefix,
	};
	const struct md_record *rec = r->rec;
	const char *key = md_record_get(rec, MD_F_KEY);
	char arg[MD_PROJECT_MAX + 1], reason[256] = "";
	enum md_addr_kind ak;

	ak = md_addr_classify(&fmt, md_record_get(rec, MD_F_RCPT), arg, sizeof arg);
	/* RFC 8058 mailto unsubscribes may look automated: still honoured. */
	if (ak == MD_ADDR_UNSUB && md_key_valid(key))
		return md_trk_unsubscribe(r);
	r->out->kind = MD_INGEST_AUTOMATED;
	snprintf(r->out->project, sizeof r->out->project, "%s",
	    md_record_get(rec, MD_F_PROJECT));
	if (archive(r) < 0)
		return -1;
	if (ak == MD_ADDR_REPLY && md_key_valid(key) && is_report(rec) &&
	    report_failed(md_record_get(rec, MD_F_RAW), md_record_len(rec, MD_F_RAW),
	    reason, sizeof reason) && bounce(r, key, reason) < 0)
		return -1;
	return 0;
}

int
md_trk_unsubscribe(struct md_trk_rec *r)
{
	const char *key = md_record_get(r->rec, MD_F_KEY);
	char project[MD_PROJECT_MAX + 1], email[MD_ADDR_MAX + 1];
	md_buf text = MD_BUF_INIT;
	struct md_trk_note note = { .author = "Support Bot", .kind = "system",
	    .message_id = md_record_get(r->rec, MD_F_MESSAGE_ID) };
	struct md_sqlp p;
	long iid, issue_id, n;
	int rc;

	if ((rc = md_trk_key_issue(r->st, key, 1, project, &iid, &issue_id, email,
	    r->err, r->errlen)) <= 0) {
		if (rc == 0)
			snprintf(r->err, r->errlen, "unknown unsubscribe key %s", key);
		return -1;
	}
	md_sqlp_init(&p);
	md_sqlp_long(&p, issue_id);
	md_sqlp_str(&p, email);
	n = md_db_exec_count(r->st->db, "UPDATE participants SET subscribed = false "
	    "WHERE issue_id = $1 AND email = $2 AND subscribed", &p, r->err, r->errlen);
	md_sqlp_free(&p);
	if (n < 0)
		return -1;
	if (n > 0) {		/* twice changes nothing, and says nothing */
		if (md_buf_printf(&text, "%s unsubscribed", email) < 0) {
			snprintf(r->err, r->errlen, "out of memory");
			return -1;
		}
		note.text = md_buf_str(&text);
		rc = md_trk_note_add(r->st, issue_id, project, &note, NULL, r->err,
		    r->errlen);
		md_buf_free(&text);
		if (rc < 0)
			return -1;
	}
	r->out->kind = MD_INGEST_UNSUBSCRIBED;
	snprintf(r->out->project, sizeof r->out->project, "%s", project);
	r->out->iid = iid;
	return 0;
}
