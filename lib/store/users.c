/*
 * users.c - web UI accounts: argon2id password hashes in the users table.
 *
 * The hash string from crypto_pwhash_str() carries its own salt and cost
 * parameters, so raising the cost later only affects new passwords and old
 * ones keep verifying.  A login for an unknown user verifies against a
 * dummy hash so that the answer takes as long as a wrong password.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "address.h"
#include "db.h"
#include "notify.h"
#include "notify_keys.h"
#include "session.h"
#include "store.h"
#include "users.h"
#include "validate.h"
#include "view.h"

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

int
md_user_name_valid(const char *name)
{
	size_t i, n;

	if (name == NULL || (n = strlen(name)) == 0 || n > MD_USER_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '.' || c == '_' || c == '-'))
			continue;
		return 0;
	}
	return 1;
}

const char *
md_role_name(enum md_role role)
{
	return role == MD_ROLE_ADMIN ? "admin" : "responder";
}

int
md_role_parse(const char *s, enum md_role *out)
{
	if (s != NULL && strcmp(s, "admin") == 0)
		*out = MD_ROLE_ADMIN;
	else if (s != NULL && strcmp(s, "responder") == 0)
		*out = MD_ROLE_RESPONDER;
	else
		return -1;
	return 0;
}

static int
check_password(const char *pw, char *err, size_t errlen)
{
	size_t n = pw ? strlen(pw) : 0;

	if (n < MD_PASSWORD_MIN) {
		snprintf(err, errlen, "password too short (at least %d characters)",
		    MD_PASSWORD_MIN);
		return -1;
	}
	if (n > MD_PASSWORD_MAX) {
		snprintf(err, errlen, "password too long (at most %d bytes)",
		    MD_PASSWORD_MAX);
		return -1;
	}
	return 0;
}

/* Hashes pw into out; -1 with err when sodium fails (out of memory). */
static int
hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], char *err,
    size_t errlen)
{
	if (sodium_init() < 0 ||
	    crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		snprintf(err, errlen, "cannot hash password (out of memory)");
		return -1;
	}
	return 0;
}

int
md_user_add(struct md_store *st, const char *name, enum md_role role,
    const char *password, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];
	struct md_sqlp q;
	long n = -1;

	if (!md_user_name_valid(name)) {
		snprintf(err, errlen, "invalid user name (use a-z 0-9 . _ -)");
		return -1;
	}
	if (check_password(password, err, errlen) < 0 ||
	    hash_password(password, hash, err, errlen) < 0)
		return -1;
	md_sqlp_init(&q);
	md_sqlp_str(&q, name);
	md_sqlp_str(&q, hash);
	md_sqlp_str(&q, md_role_name(role));
	md_sqlp_long(&q, (long long)time(NULL));
	/* The primary key settles two admins racing on one name. */
	n = md_db_exec_count(st->db, "INSERT INTO users (name, password, role, created) "
	    "VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING", &q, err, errlen);
	md_sqlp_free(&q);
	sodium_memzero(hash, sizeof hash);
	if (n == 0)
		snprintf(err, errlen, "user %s already exists", name);
	return n == 1 ? 0 : -1;
}

/*
 * One statement on an existing user: name is $1, arg (if not NULL) $2.
 * Exactly one row must change; none means there is no such user.
 */
static int
change_user(struct md_store *st, const char *name, const char *sql,
    const char *arg, char *err, size_t errlen)
{
	struct md_sqlp q;
	long n;

	if (!md_user_name_valid(name)) {
		snprintf(err, errlen, "invalid user name");
		return -1;
	}
	md_sqlp_init(&q);
	md_sqlp_str(&q, name);
	if (arg != NULL)
		md_sqlp_str(&q, arg);
	n = md_db_exec_count(st->db, sql, &q, err, errlen);
	md_sqlp_free(&q);
	if (n == 0)
		snprintf(err, errlen, "no such user: %s", name);
	return n == 1 ? 0 : -1;
}

int
md_user_passwd(struct md_store *st, const char *name, const char *password,
    char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc;

	if (!md_user_name_valid(name)) {	/* before the costly hashing */
		snprintf(err, errlen, "invalid user name");
		return -1;
	}
	if (check_password(password, err, errlen) < 0 ||
	    hash_password(password, hash, err, errlen) < 0)
		return -1;
	/*
	 * One statement: the new password and the end of every session that
	 * the old one opened (someone who knew it may be logged in).
	 */
	rc = change_user(st, name, "WITH u AS (UPDATE users SET password = $2 "
	    "WHERE name = $1 RETURNING name), s AS (DELETE FROM sessions WHERE "
	    "username IN (SELECT name FROM u)) SELECT 1 FROM u", hash, err, errlen);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

int
md_user_set_role(struct md_store *st, const char *name, enum md_role role,
    char *err, size_t errlen)
{
	return change_user(st, name, "UPDATE users SET role = $2 WHERE name = $1",
	    md_role_name(role), err, errlen);
}

/*
 * After a committed change: synced (a view sync's result) 0 gives 0;
 * otherwise 1 with err saying what was done, that the milter's view is
 * stale (why) and how to mend it.
 */
static int
view_stale(int synced, const char *done, const char *why, char *err, size_t errlen)
{
	if (synced == 0)
		return 0;
	snprintf(err, errlen, "%s, but the milter's view is stale (%s): "
	    "run maildesk view rebuild", done, why);
	return 1;
}

int
md_user_del(struct md_store *st, const char *name, char *err, size_t errlen)
{
	struct md_sqlp q;
	PGresult *keys;
	char e[256];
	int rc;

	/* The answer addresses it had leave the view after the commit. */
	md_sqlp_init(&q);
	md_sqlp_str(&q, name);
	keys = md_db_query(st->db, "SELECT k.reply_key, k.comment_key, i.project, "
	    "i.iid, '', k.username FROM responder_keys k JOIN issues i "
	    "ON i.id = k.issue_id WHERE k.username = $1", &q, err, errlen);
	md_sqlp_free(&q);
	if (keys == NULL)
		return -1;
	/* Its sessions and keys go with it (ON DELETE CASCADE). */
	rc = change_user(st, name, "DELETE FROM users WHERE name = $1", NULL, err,
	    errlen);
	/* A key left behind is harmless: the worker finds no user for it and
	 * `maildesk view rebuild` removes it. */
	if (rc == 0) {
		(void)md_rkey_view_del_rows(st, keys, e, sizeof e);
		rc = view_stale(md_view_responder_domains_sync(st, NULL, e, sizeof e),
		    "user deleted", e, err, errlen);
	}
	PQclear(keys);
	return rc;
}

/* Fills u from row (name, role, created). */
static void
user_row(const PGresult *res, int row, struct md_user *u)
{
	memset(u, 0, sizeof *u);
	snprintf(u->name, sizeof u->name, "%s", md_db_val(res, row, 0));
	if (md_role_parse(md_db_val(res, row, 1), &u->role) < 0)
		u->role = MD_ROLE_RESPONDER;	/* least privilege */
	u->created = (long)md_db_ll(res, row, 2);
}

/*
 * Reads the user; 1 found, 0 not, -1 error.  hash (may be NULL) receives
 * the password hash string.
 */
static int
load_user(struct md_store *st, const char *name, struct md_user *out,
    char *hash, size_t hashlen)
{
	char err[256];
	struct md_sqlp q;
	PGresult *res;
	int found;

	if (!md_user_name_valid(name))
		return 0;
	md_sqlp_init(&q);
	md_sqlp_str(&q, name);
	res = md_db_query(st->db, "SELECT name, role, created, password FROM users "
	    "WHERE name = $1", &q, err, sizeof err);
	md_sqlp_free(&q);
	if (res == NULL)
		return -1;
	if ((found = PQntuples(res) > 0)) {
		if (out != NULL)
			user_row(res, 0, out);
		if (hash != NULL) {
			hash[0] = '\0';
			if (strlen(md_db_val(res, 0, 3)) < hashlen)
				snprintf(hash, hashlen, "%s", md_db_val(res, 0, 3));
		}
	}
	PQclear(res);
	return found;
}

int
md_user_get(struct md_store *st, const char *name, struct md_user *out)
{
	return load_user(st, name, out, NULL, 0);
}

static void
make_dummy(void)
{
	unsigned char rnd[32];
	char pw[65];

	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(pw, sizeof pw, rnd, sizeof rnd);
	if (crypto_pwhash_str(dummy_hash, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

int
md_user_verify(struct md_store *st, const char *name, const char *password,
    struct md_user *out)
{
	char hash[crypto_pwhash_STRBYTES];
	size_t n = password ? strlen(password) : 0;
	int found;

	if (sodium_init() < 0)
		return -1;
	pthread_once(&dummy_once, make_dummy);
	if ((found = load_user(st, name, out, hash, sizeof hash)) < 0)
		return -1;
	if (n > MD_PASSWORD_MAX)
		return 0;
	if (!found || hash[0] == '\0') {
		/* Same work as a real check, so timing does not reveal names. */
		if (dummy_hash[0] != '\0' &&
		    crypto_pwhash_str_verify(dummy_hash, password ? password : "", n) == 0)
			return 0;	/* cannot happen: nobody knows the dummy */
		return 0;
	}
	return crypto_pwhash_str_verify(hash, password, n) == 0 ? 1 : 0;
}

static int
cmp_user(const void *a, const void *b)
{
	return strcmp(((const struct md_user *)a)->name,
	    ((const struct md_user *)b)->name);
}

int
md_user_list(struct md_store *st, struct md_user **users, size_t *n, char *err,
    size_t errlen)
{
	struct md_user *v;
	PGresult *res;
	int i, k;

	*users = NULL;
	*n = 0;
	if ((res = md_db_query(st->db, "SELECT name, role, created FROM users", NULL,
	    err, errlen)) == NULL)
		return -1;
	k = PQntuples(res);
	if ((v = calloc((size_t)k + 1, sizeof *v)) == NULL) {
		PQclear(res);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < k; i++)
		user_row(res, i, &v[i]);
	PQclear(res);
	/* Byte order, whatever the database's collation. */
	qsort(v, (size_t)k, sizeof *v, cmp_user);
	*users = v;
	*n = (size_t)k;
	return 0;
}

/* ---- notifications and answers by email ------------------------------------ */

void
md_user_prefs_free(struct md_user_prefs *p)
{
	free(p->email);
	free(p->notify);
	free(p->signature);
	memset(p, 0, sizeof *p);
}

int
md_user_prefs_get(struct md_store *st, const char *name, struct md_user_prefs *out,
    char *err, size_t errlen)
{
	struct md_sqlp q;
	PGresult *res;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (!md_user_name_valid(name))
		return 0;
	md_sqlp_init(&q);
	md_sqlp_str(&q, name);
	res = md_db_query(st->db, "SELECT email, notify, signature FROM users "
	    "WHERE name = $1", &q, err, errlen);
	md_sqlp_free(&q);
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		out->email = md_db_dup(res, 0, 0);
		out->notify = md_db_dup(res, 0, 1);
		out->signature = md_db_dup(res, 0, 2);
		rc = 1;
		if (out->email == NULL || out->notify == NULL || out->signature == NULL) {
			md_user_prefs_free(out);
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	}
	PQclear(res);
	return rc;
}

int
md_user_set_prefs(struct md_store *st, const char *name, const char *email,
    const char *notify, const char *signature, char *err, size_t errlen)
{
	char canon[MD_ADDR_MAX + 1] = "";
	enum md_notify_pref pref = MD_NOTIFY_ALL;
	size_t n = signature != NULL ? strlen(signature) : 0;
	const char *why;
	struct md_sqlp q;
	char *sig = NULL;
	size_t i, k;
	long rows;

	if (!md_user_name_valid(name)) {
		snprintf(err, errlen, "invalid user name");
		return -1;
	}
	/* Everything is checked before anything is written. */
	if (email != NULL && *email != '\0') {
		if (md_addr_normalize(email, canon, sizeof canon) < 0 ||
		    strchr(canon, '@') == NULL || canon[0] == '@') {
			snprintf(err, errlen, "not a mail address: %.*s", MD_ADDR_MAX, email);
			return -1;
		}
		md_addr_canon_alias(canon);
		if (md_notify_desk_addr(st->cfg, canon)) {
			snprintf(err, errlen, "%s is an address of the desk itself", canon);
			return -1;
		}
	}
	if (notify != NULL && md_notify_parse(notify, &pref) < 0) {
		snprintf(err, errlen, "notify is all, mine or none");
		return -1;
	}
	if (n > MD_SIGNATURE_MAX) {
		snprintf(err, errlen, "signature too long (at most %d bytes)",
		    MD_SIGNATURE_MAX);
		return -1;
	}
	if (n > 0 && (why = md_note_text_problem(signature, n)) != NULL) {
		snprintf(err, errlen, "signature: %s", why);
		return -1;
	}
	/* Browsers send a textarea's lines with CRLF: stored with LF, as the
	 * notes it goes under are. */
	if (signature != NULL && (sig = strdup(signature)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* The milter refuses unauthenticated mail from the address's domain
	 * before the address counts as this responder's (view_domains.c). */
	if (*canon != '\0' && md_view_responder_domain_put(st->redis, canon, err, errlen) < 0) {
		free(sig);
		return -1;
	}
	for (i = k = 0; sig != NULL && sig[i] != '\0'; i++)
		if (!(sig[i] == '\r' && sig[i + 1] == '\n'))
			sig[k++] = sig[i];
	if (sig != NULL)
		sig[k] = '\0';
	md_sqlp_init(&q);
	md_sqlp_str(&q, name);
	md_sqlp_str(&q, email != NULL ? canon : NULL);
	md_sqlp_str(&q, notify != NULL ? md_notify_name(pref) : NULL);
	md_sqlp_str(&q, sig);
	rows = md_db_exec_count(st->db, "UPDATE users SET email = coalesce($2, email), "
	    "notify = coalesce($3, notify), signature = coalesce($4, signature) "
	    "WHERE name = $1", &q, err, errlen);
	md_sqlp_free(&q);
	free(sig);
	if (rows < 0 && md_db_unique_violation(st->db))
		snprintf(err, errlen, "%s is the address of another user", canon);
	else if (rows == 0)
		snprintf(err, errlen, "no such user: %s", name);
	if (email != NULL) {
		char e[256];
		int synced;

		/* A domain no address is in any more leaves the set.  The
		 * sync also puts back a domain a concurrent sync removed
		 * (view_domains.c), so its failure is told, not ignored. */
		synced = md_view_responder_domains_sync(st, NULL, e, sizeof e);
		if (rows == 1)
			return view_stale(synced, "address saved", e, err, errlen);
	}
	return rows == 1 ? 0 : -1;
}
