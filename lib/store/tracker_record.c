/*
 * tracker_record.c - what filing every kind of record needs: the sender,
 * the dedup key (and filing a record once by it), keys for the view,
 * attachments, the customer's visible text, reply-key lookups and the
 * prepared statements.
 *
 * The files that file records (tracker_newreq.c, tracker_reply.c,
 * tracker_auto.c, responder_reply.c) and the batch that sorts them
 * (tracker_ingest.c) all call down into this one, and it calls none of
 * them, so the tracker's files form layers instead of a circle.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <glib.h>

#include "mime.h"
#include "tracker.h"
#include "tracker_int.h"
#include "trim.h"
#include "view.h"

int
md_trk_has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, tok, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
		p = strchr(p, ',');
	}
	return 0;
}

void
md_trk_sender(const struct md_record *rec, char *out, size_t outlen)
{
	const char *a = md_record_get(rec, MD_F_FROM_ADDR);
	size_t i;

	if (*a == '\0')
		a = md_record_get(rec, MD_F_MAIL_FROM);
	/* Cut, an address would name another mailbox (even another domain). */
	snprintf(out, outlen, "%s", strlen(a) < outlen ? a : "");
	for (i = 0; out[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

int
md_trk_sender_verified(const struct md_record *rec)
{
	const char *a = md_record_get(rec, MD_F_SENDER_AUTH);

	if (*a != '\0')
		return strcmp(a, "yes") == 0;
	return strcmp(md_record_get(rec, MD_F_SPF), "pass") == 0;
}

int
md_trk_sender_unverified(const struct md_record *rec)
{
	return *md_record_get(rec, MD_F_SENDER_AUTH) != '\0' && !md_trk_sender_verified(rec);
}

/* ---- keys for the view ---------------------------------------------------- */



int
md_trk_keys_add(struct md_trk_keys *k, const char *project, long iid,
    const char *email, const char *rkey, const char *ukey)
{
	struct md_trk_key *t;

	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;

		if ((t = realloc(k->v, cap * sizeof *t)) == NULL)
			return -1;
		k->v = t;
		k->cap = cap;
	}
	t = &k->v[k->n];
	if ((t->email = strdup(email)) == NULL)
		return -1;
	snprintf(t->rkey, sizeof t->rkey, "%s", rkey);
	snprintf(t->ukey, sizeof t->ukey, "%s", ukey);
	snprintf(t->project, sizeof t->project, "%s", project);
	t->iid = iid;
	k->n++;
	return 0;
}

/* Forgets the keys past mark (their record was rolled back). */
void
md_trk_keys_truncate(struct md_trk_keys *k, size_t mark)
{
	while (k->n > mark)
		free(k->v[--k->n].email);
}

int
md_trk_keys_put(struct md_store *st, struct md_trk_keys *k, char *err, size_t errlen)
{
	struct md_view_key *v;
	size_t i;
	int rc;

	if (k->n == 0)
		return 0;
	if ((v = calloc(k->n, sizeof *v)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < k->n; i++) {
		v[i].rkey = k->v[i].rkey;
		v[i].ukey = k->v[i].ukey;
		v[i].project = k->v[i].project;
		v[i].iid = k->v[i].iid;
		v[i].email = k->v[i].email;
	}
	rc = md_view_keys_put(st->redis, v, k->n, err, errlen);
	free(v);
	return rc;
}

/* ---- what every kind needs ------------------------------------------------- */

/* 1 if the header line at p (n bytes) is a Received: field. */
static int
is_received(const char *p, size_t n)
{
	size_t i = 8;

	if (n < 9 || strncasecmp(p, "received", 8) != 0)
		return 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < n && p[i] == ':';
}

/*
 * A sender that retries after a 4xx (one that came after the record was
 * written: a lost reply, too few replicas) sends the same bytes, but our
 * own MTA's Received: line names a new queue id and time, which would make
 * the retry a second issue: the key leaves the Received: fields (with
 * their continuation lines) of the header out.
 */
char *
md_trk_msg_key(const struct md_record *rec)
{
	const char *mid = md_record_get(rec, MD_F_MESSAGE_ID);
	const char *raw = md_record_get(rec, MD_F_RAW), *p, *nl, *hend;
	size_t len = md_record_len(rec, MD_F_RAW), n;
	GChecksum *ck;
	gchar *key;
	char *out;
	int skip = 0;

	if (*mid != '\0')
		return strdup(mid);
	if ((ck = g_checksum_new(G_CHECKSUM_SHA1)) == NULL)
		return NULL;
	/* The header ends at the first line end followed by an empty line. */
	for (hend = raw; (hend = memchr(hend, '\n', len - (size_t)(hend - raw))) != NULL;
	    hend++) {
		if (hend + 1 < raw + len && hend[1] == '\n')
			break;
		if (hend + 2 < raw + len && hend[1] == '\r' && hend[2] == '\n')
			break;
	}
	hend = hend != NULL ? hend + 1 : raw + len;
	for (p = raw; p < hend; p += n) {
		nl = memchr(p, '\n', (size_t)(hend - p));
		n = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(hend - p);
		if (is_received(p, n))
			skip = 1;
		else if (!(skip && (*p == ' ' || *p == '\t'))) {
			skip = 0;
			g_checksum_update(ck, (const guchar *)p, (gssize)n);
		}
	}
	g_checksum_update(ck, (const guchar *)hend, (gssize)(raw + len - hend));
	key = g_strdup_printf("sha1:%s", g_checksum_get_string(ck));
	g_checksum_free(ck);
	out = key != NULL ? strdup(key) : NULL;
	g_free(key);
	return out;
}

/*
 * Filing a record twice (a replay after a crash between the commit and the
 * XACK) is recognised by its project and dedup key, whichever path files
 * it: customers' answers and responders' answers by email alike.
 */
int
md_trk_file_once(struct md_trk_rec *r, const char *project, long issue_id)
{
	struct md_sqlp p;
	char *key = md_trk_msg_key(r->rec);
	long n;

	if (key == NULL) {
		snprintf(r->err, r->errlen, "out of memory");
		return -1;
	}
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_str(&p, key);
	md_sqlp_long(&p, issue_id);
	n = md_db_exec_count(r->st->db, "INSERT INTO filed_messages (project, msg_key, "
	    "issue_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", &p, r->err, r->errlen);
	md_sqlp_free(&p);
	free(key);
	return n < 0 ? -1 : n > 0;
}

/*
 * The attachments of a record, parsed only when the milter counted some,
 * so plain mails cost no second MIME parse.  The issue's row lock (taken
 * by every writer of an issue) keeps the numbers n unique.
 */
int
md_trk_store_atts(struct md_store *st, const struct md_config *cfg,
    const struct md_record *rec, long issue_id, long note_id, int *n,
    char *err, size_t errlen)
{
	struct md_mime m;
	struct md_sqlp p;
	size_t i;
	int rc = 0;

	*n = 0;
	if (atoi(md_record_get(rec, MD_F_ATTACHMENTS)) <= 0 ||
	    md_record_len(rec, MD_F_RAW) == 0)
		return 0;
	if (md_mime_parse(md_record_get(rec, MD_F_RAW), md_record_len(rec, MD_F_RAW),
	    1, cfg->attachment_max_size, &m) < 0) {
		snprintf(err, errlen, "out of memory parsing the attachments");
		return -1;
	}
	for (i = 0; i < m.nattachments && rc == 0; i++) {
		const struct md_attachment *t = &m.attachments[i];

		md_sqlp_init(&p);
		md_sqlp_long(&p, issue_id);
		if (note_id > 0)
			md_sqlp_long(&p, note_id);
		else
			md_sqlp_null(&p);
		md_sqlp_str(&p, t->filename);
		md_sqlp_str(&p, t->content_type);
		md_sqlp_long(&p, (long long)t->size);
		md_sqlp_bool(&p, t->data != NULL);
		if (t->data != NULL)
			md_sqlp_bin(&p, t->data, t->size);
		else
			md_sqlp_null(&p);
		rc = md_db_exec(st->db,
		    "INSERT INTO attachments (issue_id, n, note_id, filename, content_type, "
		    "size, stored, data) VALUES ($1, (SELECT coalesce(max(n), 0) + 1 FROM "
		    "attachments WHERE issue_id = $1), $2, $3, $4, $5, $6, $7::bytea)",
		    &p, err, errlen);
		md_sqlp_free(&p);
	}
	*n = (int)i;
	md_mime_free(&m);
	return rc;
}

/* ---- prepared statements ------------------------------------------------------ */

static const char *const stmt_names[MD_TRK_NSTMT] = { "md_trk_claim", "md_trk_create",
    "md_trk_notify" };

/* One line of a libpq message ("postgres: ..."), as db.c words it. */
static void
pq_err(PGconn *c, const PGresult *res, char *err, size_t errlen)
{
	const char *m = res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(c);

	snprintf(err, errlen, "postgres: %s", m != NULL && *m ? m : "no answer");
	err[strcspn(err, "\n")] = '\0';
}

/* Which of our statements the connection has prepared already. */
int
md_trk_prepared_load(struct md_store *st, unsigned *bits, char *err, size_t errlen)
{
	PGresult *res;
	int row, k;

	*bits = 0;
	res = md_db_query(st->db, "SELECT name FROM pg_prepared_statements "
	    "WHERE name LIKE 'md\\_trk\\_%'", NULL, err, errlen);
	if (res == NULL)
		return -1;
	for (row = 0; row < PQntuples(res); row++)
		for (k = 0; k < MD_TRK_NSTMT; k++)
			if (strcmp(md_db_val(res, row, 0), stmt_names[k]) == 0)
				*bits |= 1u << k;
	PQclear(res);
	return 0;
}

PGresult *
md_trk_prep_query(struct md_trk_rec *r, enum md_trk_stmt s, const char *sql,
    const struct md_sqlp *p)
{
	PGconn *c = md_db_conn(r->st->db);
	PGresult *res;
	ExecStatusType rs;

	if (p->err) {
		snprintf(r->err, r->errlen, "out of memory");
		return NULL;
	}
	if (c == NULL) {
		snprintf(r->err, r->errlen, "postgres: not connected");
		return NULL;
	}
	if (!(*r->prepared & (1u << s))) {
		res = PQprepare(c, stmt_names[s], sql, 0, NULL);
		if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
			pq_err(c, res, r->err, r->errlen);
			PQclear(res);
			return NULL;
		}
		PQclear(res);
		*r->prepared |= 1u << s;
	}
	res = PQexecPrepared(c, stmt_names[s], p->n, p->v, p->len, p->fmt, 0);
	rs = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (rs == PGRES_TUPLES_OK || rs == PGRES_COMMAND_OK)
		return res;
	pq_err(c, res, r->err, r->errlen);
	PQclear(res);
	return NULL;
}

/*
 * What the customer wrote this time.  A mail with an HTML part is trimmed
 * at the HTML level (the clients' quote markers are reliable there, the
 * text the milter rendered from it has lost them), which needs the raw
 * message parsed once more; plain mail is trimmed from the record's text.
 */
char *
md_trk_visible_text(const struct md_record *rec)
{
	const char *raw = md_record_get(rec, MD_F_RAW);
	size_t len = md_record_len(rec, MD_F_RAW);
	struct md_mime m;
	char *v;

	if (len > 0 && (memmem(raw, len, "html", 4) != NULL ||
	    memmem(raw, len, "HTML", 4) != NULL) &&
	    md_mime_parse(raw, len, 0, 0, &m) == 0) {
		v = *m.html != '\0' ? md_reply_visible(&m) : NULL;
		md_mime_free(&m);
		if (v != NULL)
			return v;
	}
	return md_reply_trim(md_record_get(rec, MD_F_TEXT));
}

int
md_trk_key_issue(struct md_store *st, const char *key, int unsub,
    char *project, long *iid, long *issue_id, char *email, char *err,
    size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int rc = 0;

	md_sqlp_init(&p);
	md_sqlp_str(&p, key);
	res = md_db_query(st->db, unsub ?
	    "SELECT i.project, i.iid, i.id, p.email FROM participants p "
	    "JOIN issues i ON i.id = p.issue_id WHERE p.unsub_key = $1" :
	    "SELECT i.project, i.iid, i.id, p.email FROM participants p "
	    "JOIN issues i ON i.id = p.issue_id WHERE p.reply_key = $1", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		snprintf(project, MD_PROJECT_MAX + 1, "%s", md_db_val(res, 0, 0));
		*iid = (long)md_db_ll(res, 0, 1);
		*issue_id = (long)md_db_ll(res, 0, 2);
		snprintf(email, MD_ADDR_MAX + 1, "%s", md_db_val(res, 0, 3));
		rc = 1;
	}
	PQclear(res);
	return rc;
}
