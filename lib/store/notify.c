/*
 * notify.c - who of the responders hears of an event, and the mail they
 * get (notify.h has the rules).
 *
 * One statement picks the recipients and claims (event, user) in the
 * notifications table; only the users whose row it inserted are mailed,
 * so a replayed or doubled event mails nobody twice.  The mails are
 * outbox rows (kind "notify") of the caller's transaction: the event and
 * its notifications commit together or not at all.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "address.h"
#include "compose.h"
#include "notify.h"
#include "notify_keys.h"
#include "utf8.h"

#define TEXT_MAX	(16 * 1024)	/* bytes of the customer's text a mail quotes */
#define ROWS_PER_STMT	((MD_SQLP_MAX - 5) / 3)	/* outbox rows per INSERT */

static const char *const pref_names[] = { "all", "mine", "none" };
static const char *const event_names[] = { "new", "reply", "assign" };

const char *
md_notify_name(enum md_notify_pref p)
{
	return (unsigned)p < 3 ? pref_names[p] : "none";
}

int
md_notify_parse(const char *s, enum md_notify_pref *out)
{
	int i;

	for (i = 0; s != NULL && i < 3; i++)
		if (strcmp(s, pref_names[i]) == 0) {
			*out = (enum md_notify_pref)i;
			return 0;
		}
	return -1;
}

int
md_notify_desk_addr(const struct md_config *cfg, const char *addr)
{
	const struct md_addr_format fmt = {
		cfg->desk_local, cfg->desk_separator[0], cfg->desk_domain,
		cfg->reply_prefix, cfg->unsub_prefix,
	};
	char canon[MD_ADDR_MAX + 1];

	return md_addr_normalize(addr, canon, sizeof canon) < 0 || *canon == '\0' ||
	    md_addr_classify(&fmt, canon, NULL, 0) != MD_ADDR_NONE;
}

int
md_notify_record_ok(const struct md_record *rec)
{
	return *md_record_get(rec, MD_F_MAIL_FROM) != '\0' &&
	    *md_record_get(rec, MD_F_AUTO_REASON) == '\0' &&
	    strcmp(md_record_get(rec, MD_F_KIND), "automated") != 0 &&
	    !md_trk_has_token(md_record_get(rec, MD_F_FLAGS), "spam");
}

/*
 * $1 issue id, $2 event kind, $3 assignee, $4 actor, $5 event, $6 now.
 * Members with an address who want this kind of event (an assignment
 * goes to the assignee, member or site admin, unless they did it
 * themselves); never a subscriber of the issue, never a bounced address.
 * A new request's triage rule may have assigned it a moment before, in
 * the same transaction: its assignee has their mail already, and one
 * incoming mail makes at most one mail per responder.
 */
#define RCPTS_SQL \
	"WITH c AS (SELECT u.name, u.email, u.notify FROM users u " \
	"JOIN issues i ON i.id = $1::bigint " \
	"WHERE u.email <> '' AND u.notify <> 'none' AND CASE $2::text " \
	"WHEN 'assign' THEN u.name = $3::text AND u.name IS DISTINCT FROM $4::text " \
	"ELSE EXISTS (SELECT 1 FROM project_members m WHERE m.project = i.project " \
	"AND m.username = u.name) AND CASE $2::text " \
	"WHEN 'new' THEN (u.notify = 'all' OR i.assignee = u.name) AND NOT EXISTS " \
	"(SELECT 1 FROM notifications x WHERE x.issue_id = i.id AND x.username = u.name) " \
	"ELSE i.assignee = u.name OR (i.assignee IS NULL AND u.notify = 'all') END END " \
	"AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.issue_id = i.id " \
	"AND p.email = u.email) " \
	"AND NOT EXISTS (SELECT 1 FROM bounced b WHERE b.email = u.email)), " \
	"n AS (INSERT INTO notifications (event, username, issue_id, created) " \
	"SELECT $5::text, c.name, $1::bigint, $6::bigint FROM c " \
	"ON CONFLICT DO NOTHING RETURNING username) " \
	"SELECT c.name, c.email, c.notify FROM c JOIN n ON n.username = c.name " \
	"ORDER BY c.name"

/* One mail on its way. */
struct nmail {
	char	 msgid[256];
	const char *rcpt;
	md_buf	 data;
};

/* Appends at most max bytes of s, cut on a character boundary. */
static int
put_cut(md_buf *b, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return md_buf_puts(b, s);
	return md_buf_append(b, s, md_utf8_prefix(s, n, max)) < 0 ||
	    md_buf_puts(b, "\n[...]") < 0 ? -1 : 0;
}

/* Subject and body of one responder's mail. */
static int
render_text(const struct md_config *cfg, const struct md_trk_issue *b,
    const struct md_notify *ev, const char *user, const char *pref,
    const char *comment_addr, md_buf *subject, md_buf *body)
{
	char title[MD_TRK_QUOTED_TITLE_MAX + 1], url[1024];
	const char *who = ev->who != NULL && *ev->who != '\0' ? ev->who : NULL;
	int rc = 0;

	md_trk_quoted_title(b->title, title, sizeof title);
	md_trk_web_url(cfg, url, sizeof url, "/%s/issues/%ld", b->project, b->iid);
	switch (ev->ev) {
	case MD_NOTIFY_NEW:
		rc |= md_buf_printf(subject, "New request: %s [%s#%ld]", title,
		    b->project, b->iid);
		rc |= md_buf_printf(body, "New request %s#%ld from %s:\n\n", b->project,
		    b->iid, who != NULL ? who : "(unknown sender)");
		break;
	case MD_NOTIFY_REPLY:
		rc |= md_buf_printf(subject, "Reply: %s [%s#%ld]", title, b->project,
		    b->iid);
		rc |= md_buf_printf(body, "%s answered %s#%ld:\n\n",
		    who != NULL ? who : "The customer", b->project, b->iid);
		break;
	case MD_NOTIFY_ASSIGN:
		rc |= md_buf_printf(subject, "Assigned to you: %s [%s#%ld]", title,
		    b->project, b->iid);
		rc |= md_buf_printf(body, "%s#%ld was assigned to you%s%s.\n\n%s\n\n",
		    b->project, b->iid, who != NULL ? " by " : "", who != NULL ? who : "",
		    title);
		break;
	}
	if (ev->flags != NULL && *ev->flags != '\0')
		rc |= md_buf_printf(body, "[flagged %s: the sender is not proven; "
		    "see the issue before you trust it]\n\n", ev->flags);
	if (ev->text != NULL && *ev->text != '\0')
		rc |= put_cut(body, ev->text, TEXT_MAX);
	else if (ev->ev != MD_NOTIFY_ASSIGN)
		rc |= md_buf_puts(body, "(no new text: the mail was only quotation)");
	rc |= md_buf_printf(body, "\n\n-- \n"
	    "Answer this mail to reply to the customer: your answer becomes a public\n"
	    "comment and is mailed to them (quoted text is cut off).  Write to\n"
	    "%s to add an internal note instead.\n"
	    "Issue: %s\n"
	    "You get this mail as %s (notifications: %s); change it with\n"
	    "\"maildesk user set %s notify all|mine|none\" or in the web UI.\n",
	    comment_addr, url, user, pref, user);
	return rc < 0 ? -1 : 0;
}

/* The whole message for one responder. */
static int
render(struct md_store *st, const struct md_trk_issue *b, const struct md_notify *ev,
    const char *user, const char *email, const char *pref, struct nmail *m,
    char *err, size_t errlen)
{
	const struct md_config *cfg = st->cfg;
	char reply[MD_KEY_LEN + 1], comment[MD_KEY_LEN + 1], path[160];
	char from[MD_ADDR_MAX + 1], raddr[MD_ADDR_MAX + 1], caddr[MD_ADDR_MAX + 1];
	md_buf subject = MD_BUF_INIT, body = MD_BUF_INIT;
	struct md_outmail o;
	int rc = -1;

	if (md_rkey_get(st, b->id, b->project, b->iid, user, email, reply, comment,
	    err, errlen) < 0)
		return -1;
	md_trk_desk_addr(cfg, "", b->project, from, sizeof from);
	md_trk_desk_addr(cfg, cfg->reply_prefix, reply, raddr, sizeof raddr);
	md_trk_desk_addr(cfg, cfg->reply_prefix, comment, caddr, sizeof caddr);
	snprintf(path, sizeof path, "%s#%ld", b->project, b->iid);
	if (render_text(cfg, b, ev, user, pref, caddr, &subject, &body) < 0 ||
	    md_compose_message_id(cfg->desk_domain, m->msgid, sizeof m->msgid) < 0) {
		snprintf(err, errlen, "cannot render the notification for %s", path);
		goto out;
	}
	memset(&o, 0, sizeof o);
	o.from_name = cfg->from_name;
	o.from_addr = from;
	o.to_addr = email;
	o.reply_to = raddr;
	o.subject = md_buf_str(&subject);
	o.body = md_buf_str(&body);
	o.message_id = m->msgid;
	/* Threads the notifications of one issue together in the responder's
	 * client (they never saw the request itself). */
	if (b->message_id != NULL && *b->message_id != '\0' &&
	    strpbrk(b->message_id, " \t\r\n") == NULL)
		o.references = b->message_id;
	o.auto_submitted = "auto-generated";
	o.issue_path = path;
	if (md_compose(&o, &m->data) < 0) {
		snprintf(err, errlen, "cannot compose the notification for %s", path);
		goto out;
	}
	rc = 0;
out:
	md_buf_free(&subject);
	md_buf_free(&body);
	return rc;
}

/* Outbox rows for mails [0, k). */
static int
write_rows(struct md_store *st, const struct md_trk_issue *b, struct nmail *m,
    size_t k, char *err, size_t errlen)
{
	char from[MD_ADDR_MAX + 1];
	md_buf sql = MD_BUF_INIT;
	struct md_sqlp p;
	size_t i;
	int rc = -1;

	/* Bounces come back to the project address as automated mail: a
	 * responder's bounce is no customer's business. */
	md_trk_desk_addr(st->cfg, "", b->project, from, sizeof from);
	md_sqlp_init(&p);
	md_sqlp_str(&p, b->project);
	md_sqlp_long(&p, b->iid);
	md_sqlp_str(&p, "notify");
	md_sqlp_long(&p, (long long)time(NULL));
	md_sqlp_str(&p, from);
	if (md_buf_puts(&sql, "INSERT INTO outbox (project, iid, kind, created, "
	    "mail_from, rcpt, message_id, data) VALUES ") < 0)
		goto oom;
	for (i = 0; i < k; i++) {
		if (md_buf_printf(&sql, "%s($1, $2, $3, $4, $5, $%d, $%d, $%d)",
		    i > 0 ? ", " : "", p.n + 1, p.n + 2, p.n + 3) < 0)
			goto oom;
		md_sqlp_str(&p, m[i].rcpt);
		md_sqlp_str(&p, m[i].msgid);
		md_sqlp_bin(&p, m[i].data.data, m[i].data.len);
	}
	rc = md_db_exec(st->db, md_buf_str(&sql), &p, err, errlen);
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	md_sqlp_free(&p);
	md_buf_free(&sql);
	return rc;
}

int
md_trk_notify(struct md_store *st, const struct md_trk_issue *b,
    const struct md_notify *ev, int *n, char *err, size_t errlen)
{
	struct md_notify one;
	char event[64], *text = NULL;
	struct md_sqlp p;
	struct nmail *m = NULL;
	PGresult *res;
	size_t nm = 0, i, done;
	int row, rows, rc = -1;

	if (n != NULL)
		*n = 0;
	if ((unsigned)ev->ev > MD_NOTIFY_ASSIGN) {
		snprintf(err, errlen, "bad notification event");
		return -1;
	}
	snprintf(event, sizeof event, "%s:%ld", event_names[ev->ev], ev->ref);
	md_sqlp_init(&p);
	md_sqlp_long(&p, b->id);
	md_sqlp_str(&p, event_names[ev->ev]);
	md_sqlp_str(&p, ev->assignee != NULL ? ev->assignee : "");
	md_sqlp_str(&p, ev->ev == MD_NOTIFY_ASSIGN ? ev->who : NULL);
	md_sqlp_str(&p, event);
	md_sqlp_long(&p, (long long)time(NULL));
	/* Filing runs it for every request: prepared once per connection. */
	res = ev->batch != NULL ? md_trk_prep_query(ev->batch, MD_TRK_NOTIFY, RCPTS_SQL, &p) :
	    md_db_query(st->db, RCPTS_SQL, &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if ((rows = PQntuples(res)) == 0) {
		PQclear(res);
		return 0;
	}
	if ((m = calloc((size_t)rows, sizeof *m)) == NULL ||
	    (ev->text == NULL && ev->rec != NULL &&
	    (text = md_trk_visible_text(ev->rec)) == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (text != NULL) {
		one = *ev;
		one.text = text;
		ev = &one;
	}
	for (row = 0; row < rows; row++) {
		const char *email = md_db_val(res, row, 1);

		/* The desk's own addresses would mail the desk itself. */
		if (md_notify_desk_addr(st->cfg, email))
			continue;
		m[nm].rcpt = email;
		if (render(st, b, ev, md_db_val(res, row, 0), email,
		    md_db_val(res, row, 2), &m[nm], err, errlen) < 0) {
			nm++;
			goto out;
		}
		nm++;
	}
	for (done = 0; done < nm; done += ROWS_PER_STMT)
		if (write_rows(st, b, m + done, nm - done < ROWS_PER_STMT ? nm - done :
		    ROWS_PER_STMT, err, errlen) < 0)
			goto out;
	if (n != NULL)
		*n = (int)nm;
	rc = 0;
out:
	for (i = 0; m != NULL && i < nm; i++)
		md_buf_free(&m[i].data);
	free(m);
	free(text);
	PQclear(res);
	return rc;
}

int
md_trk_notify_assigned(struct md_store *st, const struct md_trk_issue *b,
    const char *assignee, const char *actor, long note_id, char *err,
    size_t errlen)
{
	struct md_notify ev = {
		.ev = MD_NOTIFY_ASSIGN, .ref = note_id, .who = actor,
		.assignee = assignee, .text = b->description,
	};
	struct md_sqlp p;
	PGresult *res;

	if (assignee == NULL || *assignee == '\0')
		return 0;
	if (note_id <= 0) {
		/* The event is the assignment's system note, the issue's newest. */
		md_sqlp_init(&p);
		md_sqlp_long(&p, b->id);
		res = md_db_query(st->db, "SELECT max(id) FROM notes WHERE issue_id = $1",
		    &p, err, errlen);
		md_sqlp_free(&p);
		if (res == NULL)
			return -1;
		ev.ref = (long)md_db_ll(res, 0, 0);
		PQclear(res);
	}
	return md_trk_notify(st, b, &ev, NULL, err, errlen);
}

/* "Name <addr>", or the address alone. */
static void
sender_of(const struct md_record *rec, char *out, size_t outlen)
{
	const char *name = md_record_get(rec, MD_F_FROM_NAME);
	char addr[MD_ADDR_MAX + 1];

	md_trk_sender(rec, addr, sizeof addr);
	if (*name != '\0')
		snprintf(out, outlen, "%.200s <%s>", name, addr);
	else
		snprintf(out, outlen, "%s", addr);
}

int
md_trk_notify_new(struct md_trk_rec *r, long issue_id, const char *project, long iid,
    const char *title)
{
	const struct md_record *rec = r->rec;
	char who[MD_ADDR_MAX + 256];
	struct md_trk_issue b;
	struct md_notify ev = { .ev = MD_NOTIFY_NEW, .ref = issue_id, .rec = rec,
	    .who = who, .batch = r };

	if (!md_notify_record_ok(rec))
		return 0;
	sender_of(rec, who, sizeof who);
	/* What rendering reads of the issue; nothing here is freed. */
	memset(&b, 0, sizeof b);
	b.id = issue_id;
	snprintf(b.project, sizeof b.project, "%s", project);
	b.iid = iid;
	b.title = (char *)title;
	b.message_id = (char *)md_record_get(rec, MD_F_MESSAGE_ID);
	return md_trk_notify(r->st, &b, &ev, NULL, r->err, r->errlen);
}

int
md_trk_notify_reply(struct md_trk_rec *r, const struct md_trk_issue *b, long note_id,
    const char *text, const char *flags)
{
	char who[MD_ADDR_MAX + 256];
	struct md_notify ev = { .ev = MD_NOTIFY_REPLY, .ref = note_id, .who = who,
	    .text = text, .flags = flags, .batch = r };

	if (!md_notify_record_ok(r->rec))
		return 0;
	sender_of(r->rec, who, sizeof who);
	return md_trk_notify(r->st, b, &ev, NULL, r->err, r->errlen);
}
