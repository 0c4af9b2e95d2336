/*
 * auth.c - login, logout, the session cookie and the CSRF check.
 *
 * The cookie md_session holds only the random session id; it is HttpOnly
 * (no script can read it), SameSite=Strict (no other site can make the
 * browser send it) and Secure when base_url is https.  The CSRF token is
 * handed to the page in the JSON of /api/login and /api/me and must come
 * back in X-CSRF-Token (or a "csrf" form field) on every state-changing
 * request: SameSite alone is not enough for older browsers.
 *
 * Failed logins are counted per user name for 15 minutes (a rate-limit
 * counter in Redis, like the milter's); past
 * LOGIN_MAX_FAILS the name is refused with 429 without checking the
 * password, which caps guessing at a few attempts per minute per account.
 */
#include "config.h"

#include <string.h>

#include "json.h"
#include "log.h"
#include "web.h"

#define LOGIN_MAX_FAILS		10
#define LOGIN_FAIL_WINDOW	900	/* seconds */

int
web_auth_load(struct req *rq)
{
	const char *id;
	int rc;

	id = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, "md_session");
	if (id == NULL)
		return 0;
	if ((rc = md_session_get(rq->st, id, &rq->sess)) != 1)
		return rc;
	/* A deleted user's sessions end at once; a role change applies now. */
	if ((rc = md_user_get(rq->st, rq->sess.user, &rq->user)) == 0)
		md_session_destroy(rq->st, id);
	if (rc != 1)
		return rc;
	rq->authed = 1;
	return 1;
}

int
web_csrf_ok(struct req *rq)
{
	const char *tok;

	tok = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "X-CSRF-Token");
	if (tok == NULL)
		tok = web_field(rq, "csrf");
	return rq->authed && tok != NULL && md_session_csrf_ok(&rq->sess, tok);
}

/* Answers {"user":..,"role":..,"csrf":..}. */
static web_result
session_json(struct req *rq, const struct md_session *s, const struct md_user *u)
{
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	web_result rc;

	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_json_kstr(&j, "user", u->name);
	md_json_kstr(&j, "role", md_role_name(u->role));
	md_json_kstr(&j, "csrf", s->csrf);
	md_json_close_object(&j);
	rc = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	return rc;
}

/* Counts a failed login for name; returns the count so far (0 on error). */
static long long
login_failures(struct req *rq, const char *name, int add)
{
	md_buf k = MD_BUF_INIT;
	redisReply *rep;
	long long n = 0;

	if (!md_user_name_valid(name) || md_key(rq->st->redis, &k, "loginfail:%s", name) == NULL)
		goto out;
	if (add) {
		rep = md_redis_cmd(rq->st->redis, "EVAL %s 1 %s %d",
		    "local n = redis.call('INCR', KEYS[1])"
		    " if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end"
		    " return n", md_buf_str(&k), LOGIN_FAIL_WINDOW);
	} else
		rep = md_redis_cmd(rq->st->redis, "GET %s", md_buf_str(&k));
	n = md_reply_int(rep, 0);
	if (rep != NULL)
		freeReplyObject(rep);
out:
	md_buf_free(&k);
	return n;
}

web_result
web_login(struct req *rq, char **args, int nargs)
{
	const char *name = web_field(rq, "user"), *pw = web_field(rq, "password");
	struct md_session s;
	struct md_user u;
	int rc;

	(void)args;
	(void)nargs;
	if (name == NULL || pw == NULL)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "user and password required");
	if (login_failures(rq, name, 0) >= LOGIN_MAX_FAILS)
		return web_error(rq, MHD_HTTP_TOO_MANY_REQUESTS,
		    "too many failed logins; try again later");
	if ((rc = md_user_verify(rq->st, name, pw, &u)) < 0)
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	if (rc == 0) {
		login_failures(rq, name, 1);
		md_log(LOG_NOTICE, "failed login for user \"%.64s\"",
		    md_user_name_valid(name) ? name : "(invalid name)");
		return web_error(rq, MHD_HTTP_UNAUTHORIZED, "invalid user name or password");
	}
	if (md_session_create(rq->st, u.name, rq->w->cfg.session_ttl, &s) < 0)
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	web_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE,
	    "md_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d%s",
	    s.id, rq->w->cfg.session_ttl, rq->w->secure_cookie ? "; Secure" : "");
	md_log(LOG_INFO, "user %s logged in", u.name);
	return session_json(rq, &s, &u);
}

web_result
web_logout(struct req *rq, char **args, int nargs)
{
	(void)args;
	(void)nargs;
	if (md_session_destroy(rq->st, rq->sess.id) < 0)
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	web_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE,
	    "md_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0%s",
	    rq->w->secure_cookie ? "; Secure" : "");
	return web_reply(rq, MHD_HTTP_OK, "application/json", "{}\n", 3);
}

web_result
web_me(struct req *rq, char **args, int nargs)
{
	(void)args;
	(void)nargs;
	return session_json(rq, &rq->sess, &rq->user);
}
