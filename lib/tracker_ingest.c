/*
 * tracker_ingest.c - one inbox read becomes issues, notes and archive rows.
 *
 * md_tracker_ingest_batch files the records of one inbox read in one
 * PostgreSQL transaction (one commit, so one WAL flush, for the read),
 * each record under a savepoint: a record that fails is rolled back to its
 * savepoint and the others go on.  Records are sorted by kind here:
 * unsubscribe requests and automated mail (tracker_auto.c), replies through
 * a reply key, and new requests, which may still answer an existing issue
 * (tracker_reply.c finds it) and are then filed as a note; new requests
 * proper are tracker_newreq.c's.
 *
 * Keys made for new subscribers go into the milter's view in one pipelined
 * call just before the commit (a key in the view whose commit then fails
 * is harmless: the worker looks keys up in PostgreSQL).  The inbox stream
 * is not touched: the worker acknowledges after the commit, and a replay
 * finds the record in filed_messages.
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

/* ---- keys for the view ---------------------------------------------------- */

struct trk_key {
	char	 rkey[MD_KEY_LEN + 1];
	char	 ukey[MD_KEY_LEN + 1];
	char	 project[MD_PROJECT_MAX + 1];
	long	 iid;
	char	*email;
};

struct md_trk_keys {
	struct trk_key	*v;
	size_t		 n, cap;
};

int
md_trk_keys_add(struct md_trk_keys *k, const char *project, long iid,
    const char *email, const char *rkey, const char *ukey)
{
	struct trk_key *t;

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
static void
keys_truncate(struct md_trk_keys *k, size_t mark)
{
	while (k->n > mark)
		free(k->v[--k->n].email);
}

static int
keys_put(struct md_store *st, struct md_trk_keys *k, char *err, size_t errlen)
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

static const char *const stmt_names[MD_TRK_NSTMT] = { "md_trk_claim", "md_trk_create" };

/* One line of a libpq message ("postgres: ..."), as db.c words it. */
static void
pq_err(PGconn *c, const PGresult *res, char *err, size_t errlen)
{
	const char *m = res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(c);

	snprintf(err, errlen, "postgres: %s", m != NULL && *m ? m : "no answer");
	err[strcspn(err, "\n")] = '\0';
}

/* Which of our statements the connection has prepared already. */
static int
prepared_load(struct md_store *st, unsigned *bits, char *err, size_t errlen)
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

/* ---- one record -------------------------------------------------------------- */

static int
ingest_one(struct md_trk_rec *r)
{
	const char *kind = md_record_get(r->rec, MD_F_KIND);
	const char *project = md_record_get(r->rec, MD_F_PROJECT);
	const char *key = md_record_get(r->rec, MD_F_KEY);
	char kproj[MD_PROJECT_MAX + 1], email[MD_ADDR_MAX + 1];
	long iid, issue_id;
	int rc;

	if (strcmp(kind, "automated") == 0)
		return md_trk_automated(r);
	if (strcmp(kind, "reply") == 0 || strcmp(kind, "unsubscribe") == 0) {
		if (!md_key_valid(key)) {
			snprintf(r->err, r->errlen, "bad record: %s without a valid key", kind);
			return -1;
		}
		if (*kind == 'u')
			return md_trk_unsubscribe(r);
		if ((rc = md_trk_key_issue(r->st, key, 0, kproj, &iid, &issue_id, email,
		    r->err, r->errlen)) < 0)
			return -1;
		if (rc == 0) {
			snprintf(r->err, r->errlen, "unknown reply key %s", key);
			return -1;
		}
		return md_trk_answer(r, kproj, iid, email);
	}
	if (strcmp(kind, "new") != 0) {
		snprintf(r->err, r->errlen, "bad record: kind \"%.32s\"", kind);
		return -1;
	}
	if (!md_project_name_valid(project)) {
		snprintf(r->err, r->errlen, "bad record: project \"%.64s\"", project);
		return -1;
	}
	snprintf(r->out->project, sizeof r->out->project, "%s", project);
	if (md_trk_may_thread(r->rec)) {
		if ((rc = md_trk_find_thread(r, &iid)) < 0)
			return -1;
		if (rc == 1)
			return md_trk_answer(r, project, iid, "");
	}
	return md_trk_new_request(r, project, 0);
}

/* 1 if the connection's transaction is still usable. */
static int
tx_ok(struct md_store *st)
{
	PGconn *c = md_db_conn(st->db);

	return c != NULL && PQstatus(c) == CONNECTION_OK &&
	    PQtransactionStatus(c) == PQTRANS_INTRANS;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * New requests take their project's row lock (the number) and keep it to
 * the commit.  Two workers whose reads name the same projects in another
 * order would wait for each other until the deadlock detector fails one
 * record; taking the locks in name order first avoids that.  Only worth a
 * statement when a read names two projects or more.
 */
static int
lock_projects(struct md_store *st, const struct md_ingest_item *items, size_t n,
    char *err, size_t errlen)
{
	const char **names;
	md_buf arr = MD_BUF_INIT;
	struct md_sqlp p;
	size_t i, k = 0, u = 0;
	int rc = 0;

	if ((names = calloc(n, sizeof *names)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (strcmp(md_record_get(items[i].rec, MD_F_KIND), "new") == 0 &&
		    md_project_name_valid(md_record_get(items[i].rec, MD_F_PROJECT)))
			names[k++] = md_record_get(items[i].rec, MD_F_PROJECT);
	qsort(names, k, sizeof *names, cmp_str);
	for (i = 0; i < k; i++)
		if (u == 0 || strcmp(names[u - 1], names[i]) != 0)
			names[u++] = names[i];
	if (u >= 2) {
		if (md_trk_array(&arr, names, u) < 0) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		} else {
			md_sqlp_init(&p);
			md_sqlp_str(&p, md_buf_str(&arr));
			rc = md_db_exec(st->db, "SELECT 1 FROM projects WHERE name = "
			    "ANY($1::text[]) ORDER BY name FOR NO KEY UPDATE", &p, err, errlen);
			md_sqlp_free(&p);
		}
	}
	md_buf_free(&arr);
	free(names);
	return rc;
}

static void
fail_all(struct md_ingest_item *items, size_t n, const char *why)
{
	size_t i;

	for (i = 0; i < n; i++) {
		items[i].rc = -1;
		snprintf(items[i].err, sizeof items[i].err, "%s", why);
	}
}

void
md_tracker_ingest_batch(struct md_store *st, const struct md_config *cfg,
    struct md_ingest_item *items, size_t n)
{
	struct md_trk_keys keys = { NULL, 0, 0 };
	unsigned prepared = 0;
	char err[512];
	size_t i, mark;
	long now = (long)time(NULL);

	for (i = 0; i < n; i++) {
		memset(&items[i].out, 0, sizeof items[i].out);
		items[i].err[0] = '\0';
		items[i].rc = -1;
	}
	if (n == 0)
		return;
	if (md_db_begin(st->db, err, sizeof err) < 0 ||
	    prepared_load(st, &prepared, err, sizeof err) < 0 ||
	    lock_projects(st, items, n, err, sizeof err) < 0) {
		md_db_rollback(st->db);
		fail_all(items, n, err);
		return;
	}
	for (i = 0; i < n; i++) {
		struct md_trk_rec r = {
			.st = st, .cfg = cfg,
			.entry = items[i].entry_id != NULL ? items[i].entry_id : "",
			.rec = items[i].rec, .now = now, .keys = &keys,
			.prepared = &prepared,
			.out = &items[i].out, .err = items[i].err,
			.errlen = sizeof items[i].err,
		};

		if (md_db_exec(st->db, i == 0 ? "SAVEPOINT rec" :
		    "RELEASE SAVEPOINT rec; SAVEPOINT rec", NULL, err, sizeof err) < 0) {
			md_db_rollback(st->db);
			fail_all(items, n, err);
			goto out;
		}
		mark = keys.n;
		items[i].rc = ingest_one(&r);
		if (items[i].rc == 0)
			continue;
		items[i].rc = -1;
		memset(&items[i].out, 0, sizeof items[i].out);
		if (items[i].err[0] == '\0')
			snprintf(items[i].err, sizeof items[i].err, "failed");
		keys_truncate(&keys, mark);
		if (md_db_exec(st->db, "ROLLBACK TO SAVEPOINT rec", NULL, err,
		    sizeof err) < 0) {
			/* The connection went away: the whole read is lost. */
			md_db_rollback(st->db);
			fail_all(items, n, items[i].err);
			goto out;
		}
	}
	/* Keys become valid in the view before the commit that makes them
	 * valid (store.h); a failed commit leaves harmless extra keys. */
	if (!tx_ok(st)) {
		md_db_rollback(st->db);
		fail_all(items, n, "postgres: the transaction was lost");
	} else if (keys_put(st, &keys, err, sizeof err) < 0) {
		md_db_rollback(st->db);
		fail_all(items, n, err);
	} else if (md_db_commit(st->db, err, sizeof err) < 0) {
		fail_all(items, n, err);
	}
out:
	keys_truncate(&keys, 0);
	free(keys.v);
}

int
md_tracker_ingest(struct md_store *st, const struct md_config *cfg,
    const char *entry_id, const struct md_record *rec, struct md_ingest *out,
    char *err, size_t errlen)
{
	struct md_ingest_item it;

	memset(&it, 0, sizeof it);
	it.entry_id = entry_id;
	it.rec = rec;
	md_tracker_ingest_batch(st, cfg, &it, 1);
	*out = it.out;
	if (it.rc < 0)
		snprintf(err, errlen, "%s", it.err);
	return it.rc;
}
