/*
 * session.c - login sessions: random ids, a CSRF token each, rows of the
 * sessions table with an absolute expiry.
 *
 * A lookup ignores expired rows; each login also deletes the expired rows
 * (a few, as sessions last hours), so there is no sweeper.  Ids are
 * checked for their exact form before they reach the database, so cookie
 * contents are never even a parameter.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "db.h"
#include "session.h"
#include "store.h"

/* 256 random bits as 64 hex characters into out (65 bytes). */
static int
random_token(char *out, size_t outlen)
{
	unsigned char rnd[32];

	if (outlen < 2 * sizeof rnd + 1 || sodium_init() < 0)
		return -1;
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(out, outlen, rnd, sizeof rnd);
	sodium_memzero(rnd, sizeof rnd);
	return 0;
}

int
md_session_token_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < MD_SESSION_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

int
md_session_create(struct md_store *st, const char *user, int ttl,
    struct md_session *out)
{
	char err[256];
	struct md_sqlp q;
	long n;

	memset(out, 0, sizeof *out);
	if (!md_user_name_valid(user) || ttl < 1 ||
	    random_token(out->id, sizeof out->id) < 0 ||
	    random_token(out->csrf, sizeof out->csrf) < 0)
		return -1;
	snprintf(out->user, sizeof out->user, "%s", user);
	out->created = (long)time(NULL);
	md_sqlp_init(&q);
	md_sqlp_long(&q, out->created);
	if (md_db_exec(st->db, "DELETE FROM sessions WHERE expires <= $1", &q, err,
	    sizeof err) < 0) {
		md_sqlp_free(&q);
		return -1;
	}
	md_sqlp_str(&q, out->id);
	md_sqlp_str(&q, out->user);
	md_sqlp_str(&q, out->csrf);
	md_sqlp_long(&q, (long long)out->created + ttl);
	/* A user deleted meanwhile: no row (no session for nobody). */
	n = md_db_exec_count(st->db, "INSERT INTO sessions (id, username, csrf, created, "
	    "expires) SELECT $2, name, $4, $1, $5 FROM users WHERE name = $3", &q, err,
	    sizeof err);
	md_sqlp_free(&q);
	return n == 1 ? 0 : -1;
}

int
md_session_get(struct md_store *st, const char *id, struct md_session *out)
{
	char err[256];
	struct md_sqlp q;
	PGresult *res;
	int found = 0;

	memset(out, 0, sizeof *out);
	if (!md_session_token_valid(id))
		return 0;
	md_sqlp_init(&q);
	md_sqlp_str(&q, id);
	md_sqlp_long(&q, (long long)time(NULL));
	res = md_db_query(st->db, "SELECT username, csrf, created FROM sessions "
	    "WHERE id = $1 AND expires > $2", &q, err, sizeof err);
	md_sqlp_free(&q);
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0 && md_user_name_valid(md_db_val(res, 0, 0)) &&
	    md_session_token_valid(md_db_val(res, 0, 1))) {
		snprintf(out->id, sizeof out->id, "%s", id);
		snprintf(out->user, sizeof out->user, "%s", md_db_val(res, 0, 0));
		snprintf(out->csrf, sizeof out->csrf, "%s", md_db_val(res, 0, 1));
		out->created = (long)md_db_ll(res, 0, 2);
		found = 1;
	}
	PQclear(res);
	return found;
}

int
md_session_destroy(struct md_store *st, const char *id)
{
	char err[256];
	struct md_sqlp q;
	int rc;

	if (!md_session_token_valid(id))
		return 0;
	md_sqlp_init(&q);
	md_sqlp_str(&q, id);
	rc = md_db_exec(st->db, "DELETE FROM sessions WHERE id = $1", &q, err, sizeof err);
	md_sqlp_free(&q);
	return rc;
}

int
md_session_destroy_user(struct md_store *st, const char *user)
{
	char err[256];
	struct md_sqlp q;
	int rc;

	md_sqlp_init(&q);
	md_sqlp_str(&q, user);
	rc = md_db_exec(st->db, "DELETE FROM sessions WHERE username = $1", &q, err,
	    sizeof err);
	md_sqlp_free(&q);
	return rc;
}

int
md_session_csrf_ok(const struct md_session *s, const char *token)
{
	if (!md_session_token_valid(token) || !md_session_token_valid(s->csrf))
		return 0;
	return sodium_memcmp(s->csrf, token, MD_CSRF_LEN) == 0;
}
