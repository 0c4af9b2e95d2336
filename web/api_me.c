/*
 * api_me.c - GET and POST /api/me: who is logged in, and what they set for
 * notifications and answers by email (issue 18, lib/store/notify.h): their
 * address, notify (all, mine, none) and the signature under their public
 * replies.  A user changes only their own; the rules are lib/store/users.c's.
 */
#include "config.h"

#include "json.h"
#include "users.h"
#include "web.h"

web_result
api_me(struct req *rq, char **args, int nargs)
{
	struct md_user_prefs p;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[256];
	web_result rc;
	int found;

	(void)args;
	(void)nargs;
	if ((found = md_user_prefs_get(rq->st, rq->user.name, &p, err, sizeof err)) < 0)
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	if (found == 0)		/* deleted since the session was loaded */
		return web_error(rq, MHD_HTTP_UNAUTHORIZED, "not logged in");
	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_json_kstr(&j, "user", rq->user.name);
	md_json_kstr(&j, "role", md_role_name(rq->user.role));
	md_json_kstr(&j, "csrf", rq->sess.csrf);
	md_json_kstr(&j, "email", p.email);
	md_json_kstr(&j, "notify", p.notify);
	md_json_kstr(&j, "signature", p.signature);
	md_json_close_object(&j);
	rc = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	md_user_prefs_free(&p);
	return rc;
}

web_result
api_me_set(struct req *rq, char **args, int nargs)
{
	const char *email = web_field(rq, "email"), *notify = web_field(rq, "notify");
	const char *sig = web_field(rq, "signature");
	char err[256];
	int rc;

	if (email == NULL && notify == NULL && sig == NULL)
		return web_error(rq, MHD_HTTP_BAD_REQUEST,
		    "nothing to change (email, notify, signature)");
	rc = md_user_set_prefs(rq->st, rq->user.name, email, notify, sig, err,
	    sizeof err);
	if (rc < 0)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, err);
	/* Saved, but the milter's view is stale: said, not hidden (err
	 * names the fix for an admin). */
	if (rc > 0)
		return web_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, err);
	return api_me(rq, args, nargs);
}
