/*
 * users.c - web UI accounts: argon2id password hashes in Redis hashes.
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

#include "users.h"

/* Creating is one Lua call so that two admins cannot race on one name. */
static struct md_script add_script = {
	"if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end\n"
	"redis.call('HSET', KEYS[1], 'password', ARGV[1], 'role', ARGV[2],"
	" 'created', ARGV[3])\n"
	"redis.call('SADD', KEYS[2], ARGV[4])\n"
	"return 1\n", ""
};

/* Updates one field only if the user still exists (no resurrection). */
static struct md_script set_script = {
	"if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
	"redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
	"return 1\n", ""
};

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

/* Runs a script returning 0/1; maps a Redis failure onto err. */
static long long
run_script(struct md_redis *r, struct md_script *s, int nkeys, int argc,
    const char **argv, char *err, size_t errlen)
{
	redisReply *rep;
	long long v;

	rep = md_redis_eval(r, s, nkeys, argc, argv, NULL);
	if (md_reply_is_error(rep) || rep->type != REDIS_REPLY_INTEGER) {
		snprintf(err, errlen, "redis: %s", rep && rep->type == REDIS_REPLY_ERROR ?
		    rep->str : md_redis_errstr(r));
		if (rep != NULL)
			freeReplyObject(rep);
		return -1;
	}
	v = rep->integer;
	freeReplyObject(rep);
	return v;
}

int
md_user_add(struct md_redis *r, const char *name, enum md_role role,
    const char *password, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES], created[32];
	md_buf k1 = MD_BUF_INIT, k2 = MD_BUF_INIT;
	const char *argv[6];
	long long v = -1;

	if (!md_user_name_valid(name)) {
		snprintf(err, errlen, "invalid user name (use a-z 0-9 . _ -)");
		return -1;
	}
	if (check_password(password, err, errlen) < 0 ||
	    hash_password(password, hash, err, errlen) < 0)
		return -1;
	snprintf(created, sizeof created, "%lld", (long long)time(NULL));
	argv[0] = md_key(r, &k1, "user:%s", name);
	argv[1] = md_key(r, &k2, "users");
	argv[2] = hash;
	argv[3] = md_role_name(role);
	argv[4] = created;
	argv[5] = name;
	if (argv[0] == NULL || argv[1] == NULL)
		snprintf(err, errlen, "out of memory");
	else if ((v = run_script(r, &add_script, 2, 6, argv, err, errlen)) == 0)
		snprintf(err, errlen, "user %s already exists", name);
	sodium_memzero(hash, sizeof hash);
	md_buf_free(&k1);
	md_buf_free(&k2);
	return v == 1 ? 0 : -1;
}

/* Sets one field of an existing user. */
static int
set_field(struct md_redis *r, const char *name, const char *field,
    const char *value, char *err, size_t errlen)
{
	md_buf k = MD_BUF_INIT;
	const char *argv[3];
	long long v = -1;

	if (!md_user_name_valid(name)) {
		snprintf(err, errlen, "invalid user name");
		return -1;
	}
	argv[0] = md_key(r, &k, "user:%s", name);
	argv[1] = field;
	argv[2] = value;
	if (argv[0] == NULL)
		snprintf(err, errlen, "out of memory");
	else if ((v = run_script(r, &set_script, 1, 3, argv, err, errlen)) == 0)
		snprintf(err, errlen, "no such user: %s", name);
	md_buf_free(&k);
	return v == 1 ? 0 : -1;
}

int
md_user_passwd(struct md_redis *r, const char *name, const char *password,
    char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc;

	if (check_password(password, err, errlen) < 0 ||
	    hash_password(password, hash, err, errlen) < 0)
		return -1;
	rc = set_field(r, name, "password", hash, err, errlen);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

int
md_user_set_role(struct md_redis *r, const char *name, enum md_role role,
    char *err, size_t errlen)
{
	return set_field(r, name, "role", md_role_name(role), err, errlen);
}

int
md_user_del(struct md_redis *r, const char *name, char *err, size_t errlen)
{
	md_buf k = MD_BUF_INIT, ks = MD_BUF_INIT;
	redisReply *rep;
	int rc = -1;

	if (!md_user_name_valid(name)) {
		snprintf(err, errlen, "invalid user name");
		return -1;
	}
	if (md_key(r, &k, "user:%s", name) == NULL ||
	    md_key(r, &ks, "users") == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* Sessions of a deleted user die on their next request (web checks). */
	rep = md_redis_cmd(r, "DEL %s", md_buf_str(&k));
	if (md_reply_is_error(rep)) {
		snprintf(err, errlen, "redis: %s", md_redis_errstr(r));
	} else if (rep->integer == 0) {
		snprintf(err, errlen, "no such user: %s", name);
	} else
		rc = 0;
	if (rep != NULL)
		freeReplyObject(rep);
	/* The set entry goes even if the hash was already gone. */
	rep = md_redis_cmd(r, "SREM %s %s", md_buf_str(&ks), name);
	if (rep != NULL)
		freeReplyObject(rep);
out:
	md_buf_free(&k);
	md_buf_free(&ks);
	return rc;
}

/*
 * Reads the user's hash; 1 found, 0 not, -1 error.  hash (may be NULL)
 * receives the password hash string.
 */
static int
load_user(struct md_redis *r, const char *name, struct md_user *out,
    char *hash, size_t hashlen)
{
	md_buf k = MD_BUF_INIT;
	redisReply *rep;
	size_t i;
	int found = 0;

	if (!md_user_name_valid(name))
		return 0;
	if (md_key(r, &k, "user:%s", name) == NULL)
		return -1;
	rep = md_redis_cmd(r, "HMGET %s password role created", md_buf_str(&k));
	md_buf_free(&k);
	if (md_reply_is_error(rep) || rep->type != REDIS_REPLY_ARRAY ||
	    rep->elements != 3) {
		if (rep != NULL)
			freeReplyObject(rep);
		return -1;
	}
	for (i = 0; i < 3; i++)
		if (rep->element[i]->type == REDIS_REPLY_STRING)
			found = 1;
	if (found && out != NULL) {
		memset(out, 0, sizeof *out);
		snprintf(out->name, sizeof out->name, "%s", name);
		if (rep->element[1]->type != REDIS_REPLY_STRING ||
		    md_role_parse(rep->element[1]->str, &out->role) < 0)
			out->role = MD_ROLE_RESPONDER;	/* least privilege */
		out->created = (long)md_reply_int(rep->element[2], 0);
	}
	if (found && hash != NULL) {
		hash[0] = '\0';
		if (rep->element[0]->type == REDIS_REPLY_STRING &&
		    rep->element[0]->len < hashlen)
			memcpy(hash, rep->element[0]->str, rep->element[0]->len + 1);
	}
	freeReplyObject(rep);
	return found;
}

int
md_user_get(struct md_redis *r, const char *name, struct md_user *out)
{
	return load_user(r, name, out, NULL, 0);
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
md_user_verify(struct md_redis *r, const char *name, const char *password,
    struct md_user *out)
{
	char hash[crypto_pwhash_STRBYTES];
	size_t n = password ? strlen(password) : 0;
	int found;

	if (sodium_init() < 0)
		return -1;
	pthread_once(&dummy_once, make_dummy);
	if ((found = load_user(r, name, out, hash, sizeof hash)) < 0)
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
md_user_list(struct md_redis *r, struct md_user **users, size_t *n)
{
	md_buf k = MD_BUF_INIT;
	redisReply *rep;
	struct md_user *v;
	size_t i, cnt = 0;

	*users = NULL;
	*n = 0;
	if (md_key(r, &k, "users") == NULL)
		return -1;
	rep = md_redis_cmd(r, "SMEMBERS %s", md_buf_str(&k));
	md_buf_free(&k);
	if (md_reply_is_error(rep) || rep->type != REDIS_REPLY_ARRAY) {
		if (rep != NULL)
			freeReplyObject(rep);
		return -1;
	}
	if ((v = calloc(rep->elements + 1, sizeof *v)) == NULL) {
		freeReplyObject(rep);
		return -1;
	}
	for (i = 0; i < rep->elements; i++) {
		int rc;

		if (rep->element[i]->type != REDIS_REPLY_STRING)
			continue;
		rc = load_user(r, rep->element[i]->str, &v[cnt], NULL, 0);
		if (rc < 0) {
			free(v);
			freeReplyObject(rep);
			return -1;
		}
		if (rc == 1)
			cnt++;
	}
	freeReplyObject(rep);
	qsort(v, cnt, sizeof *v, cmp_user);
	*users = v;
	*n = cnt;
	return 0;
}
