/*
 * session.c - login sessions: random ids, a CSRF token each, Redis TTL.
 *
 * Expiry is left to Redis (EXPIRE at creation), so there is no sweeper and
 * a logout is one DEL.  Ids are checked for their exact form before they
 * are put into a key, so cookie contents never shape a Redis key.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "session.h"

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
md_session_create(struct md_redis *r, const char *user, int ttl,
    struct md_session *out)
{
	md_buf k = MD_BUF_INIT;
	redisReply *rep;
	char created[32];
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!md_user_name_valid(user) || ttl < 1 ||
	    random_token(out->id, sizeof out->id) < 0 ||
	    random_token(out->csrf, sizeof out->csrf) < 0)
		return -1;
	snprintf(out->user, sizeof out->user, "%s", user);
	out->created = (long)time(NULL);
	snprintf(created, sizeof created, "%ld", out->created);
	if (md_key(r, &k, "session:%s", out->id) == NULL)
		return -1;
	/* One transaction: a session never exists without its expiry. */
	rep = md_redis_cmd(r, "EVAL %s 1 %s %s %s %s %d",
	    "redis.call('HSET', KEYS[1], 'user', ARGV[1], 'csrf', ARGV[2],"
	    " 'created', ARGV[3]) redis.call('EXPIRE', KEYS[1], ARGV[4])"
	    " return 1", md_buf_str(&k), out->user, out->csrf, created, ttl);
	if (!md_reply_is_error(rep))
		rc = 0;
	if (rep != NULL)
		freeReplyObject(rep);
	md_buf_free(&k);
	return rc;
}

int
md_session_get(struct md_redis *r, const char *id, struct md_session *out)
{
	md_buf k = MD_BUF_INIT;
	redisReply *rep;
	redisReply **e;

	memset(out, 0, sizeof *out);
	if (!md_session_token_valid(id))
		return 0;
	if (md_key(r, &k, "session:%s", id) == NULL)
		return -1;
	rep = md_redis_cmd(r, "HMGET %s user csrf created", md_buf_str(&k));
	md_buf_free(&k);
	if (md_reply_is_error(rep) || rep->type != REDIS_REPLY_ARRAY ||
	    rep->elements != 3) {
		if (rep != NULL)
			freeReplyObject(rep);
		return -1;
	}
	e = rep->element;
	if (e[0]->type != REDIS_REPLY_STRING || e[1]->type != REDIS_REPLY_STRING ||
	    !md_user_name_valid(e[0]->str) || !md_session_token_valid(e[1]->str)) {
		freeReplyObject(rep);
		return 0;
	}
	snprintf(out->id, sizeof out->id, "%s", id);
	snprintf(out->user, sizeof out->user, "%s", e[0]->str);
	snprintf(out->csrf, sizeof out->csrf, "%s", e[1]->str);
	out->created = (long)md_reply_int(e[2], 0);
	freeReplyObject(rep);
	return 1;
}

int
md_session_destroy(struct md_redis *r, const char *id)
{
	md_buf k = MD_BUF_INIT;
	redisReply *rep;
	int rc;

	if (!md_session_token_valid(id))
		return 0;
	if (md_key(r, &k, "session:%s", id) == NULL)
		return -1;
	rep = md_redis_cmd(r, "DEL %s", md_buf_str(&k));
	md_buf_free(&k);
	rc = md_reply_is_error(rep) ? -1 : 0;
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

int
md_session_csrf_ok(const struct md_session *s, const char *token)
{
	if (!md_session_token_valid(token) || !md_session_token_valid(s->csrf))
		return 0;
	return sodium_memcmp(s->csrf, token, MD_CSRF_LEN) == 0;
}
