/*
 * router.c - the URL table and the checks every route declares.
 *
 * Each route says what it needs (Redis, a session, the CSRF token, the
 * admin role); the checks run here, in one place, before the handler, so
 * a handler cannot forget one.  Every POST except login and the RFC 8058
 * unsubscribe endpoint needs the CSRF token: login has no session yet,
 * and unsubscribe is authorised by its 128-bit key alone (see unsub.c).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "access.h"
#include "tracker.h"
#include "web.h"

#define R_STORE	0x01	/* borrow a store (PostgreSQL + Redis) */
#define R_AUTH	0x02	/* a valid session (implies R_STORE) */
#define R_CSRF	0x04	/* the session's CSRF token (implies R_AUTH) */
#define R_ADMIN	0x08	/* the admin role (implies R_AUTH) */
#define R_RAWBODY 0x10	/* any body, not parsed (RFC 8058 allows multipart) */
#define R_MAINT	0x20	/* maintainer of the project in the first '*', or admin
			   (implies R_AUTH; lib/store/access.c; a stranger gets 404) */

struct route {
	const char	*method;
	const char	*pattern;	/* '*' matches one non-empty path segment */
	web_handler	 handler;
	int		 flags;
};

static const struct route routes[] = {
	{ "GET",  "/", web_index, 0 },
	{ "GET",  "/static/*", web_static, 0 },
	{ "GET",  "/metrics", web_metrics, 0 },
	/* Pages of the front-end (it routes on location.pathname). */
	{ "GET",  "/*/issues", web_index, 0 },
	{ "GET",  "/*/issues/*", web_index, 0 },
	{ "GET",  "/*/settings", web_index, 0 },
	{ "GET",  "/mywork", web_index, 0 },
	{ "GET",  "/me", web_index, 0 },
	{ "POST", "/api/login", web_login, R_STORE },
	{ "POST", "/api/logout", web_logout, R_CSRF },
	{ "GET",  "/api/me", api_me, R_AUTH },
	{ "POST", "/api/me", api_me_set, R_CSRF },
	{ "POST", "/api/preview", api_template_preview, R_CSRF },
	{ "GET",  "/api/projects", api_projects, R_AUTH },
	{ "GET",  "/api/projects/*", api_project, R_AUTH },
	{ "POST", "/api/projects/*", api_project_set, R_CSRF | R_MAINT },
	{ "POST", "/api/projects/*/aliases", api_project_alias, R_CSRF | R_MAINT },
	{ "POST", "/api/projects/*/templates/*", api_template_set, R_CSRF | R_MAINT },
	{ "GET",  "/api/projects/*/members", api_members, R_AUTH },
	{ "POST", "/api/projects/*/members", api_member_set, R_CSRF | R_MAINT },
	{ "GET",  "/api/projects/*/triage", api_triage, R_AUTH },
	{ "POST", "/api/projects/*/triage", api_triage_add, R_CSRF | R_MAINT },
	{ "POST", "/api/projects/*/triage/*/delete", api_triage_delete, R_CSRF | R_MAINT },
	{ "POST", "/api/projects/*/triage/*/move", api_triage_move, R_CSRF | R_MAINT },
	{ "GET",  "/api/projects/*/canned", api_canned, R_AUTH },
	{ "POST", "/api/projects/*/canned", api_canned_set, R_CSRF | R_MAINT },
	{ "GET",  "/api/projects/*/issues/*/canned/*", api_issue_canned, R_AUTH },
	{ "GET",  "/api/mywork", api_mywork, R_AUTH },
	{ "POST", "/api/projects/*/issues/*/assignee", api_issue_assignee, R_CSRF },
	{ "POST", "/api/projects/*/issues/*/priority", api_issue_priority, R_CSRF },
	{ "POST", "/api/projects/*/issues/*/title", api_issue_title, R_CSRF },
	{ "POST", "/api/projects/*/issues/*/participants", api_issue_participants, R_CSRF },
	{ "POST", "/api/projects/*/issues/*/block", api_issue_block, R_CSRF | R_MAINT },
	{ "GET",  "/api/projects/*/issues", api_issues, R_AUTH },
	{ "GET",  "/api/projects/*/issues/*", api_issue, R_AUTH },
	{ "POST", "/api/projects/*/issues/*/notes", api_issue_note, R_CSRF },
	{ "POST", "/api/projects/*/issues/*/state", api_issue_state, R_CSRF },
	{ "POST", "/api/projects/*/issues/*/labels", api_issue_label, R_CSRF },
	{ "GET",  "/api/projects/*/issues/*/raw", api_issue_raw, R_AUTH },
	{ "GET",  "/api/projects/*/issues/*/attachments/*", api_issue_attachment, R_AUTH },
	{ "GET",  "/unsubscribe/*", web_unsubscribe, R_STORE },
	{ "POST", "/unsubscribe/*", web_unsubscribe, R_STORE | R_RAWBODY },
};

/*
 * Matches path against pattern, copying captured segments into buf and
 * pointing args at them.  1 on a match.
 */
static int
match(const char *pattern, const char *path, char *buf, size_t buflen,
    char **args, int *nargs)
{
	size_t used = 0, n;

	*nargs = 0;
	while (*pattern != '\0') {
		if (*pattern != '*') {
			if (*pattern++ != *path++)
				return 0;
			continue;
		}
		n = strcspn(path, "/");
		if (n == 0 || *nargs == WEB_MAX_ARGS || used + n + 1 > buflen)
			return 0;
		memcpy(buf + used, path, n);
		buf[used + n] = '\0';
		args[(*nargs)++] = buf + used;
		used += n + 1;
		path += n;
		pattern++;
	}
	return *path == '\0';
}

/* Parses an urlencoded body; 0, or -1 after answering 400/415. */
static int
parse_body(struct req *rq, web_result *rc)
{
	const char *ct;

	if (rq->body.len == 0)
		return 0;
	ct = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0 ||
	    (ct[33] != '\0' && ct[33] != ';')) {
		*rc = web_error(rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		    "expected application/x-www-form-urlencoded");
		return -1;
	}
	if (form_parse(&rq->form, rq->body.data, rq->body.len) < 0) {
		*rc = web_error(rq, MHD_HTTP_BAD_REQUEST, "malformed form body");
		return -1;
	}
	return 0;
}

/* Runs the checks a route declares; 0, or -1 after answering. */
static int
check(struct req *rq, int flags, char **args, int nargs, web_result *rc)
{
	char err[256];
	int auth, acc;

	if (flags & (R_CSRF | R_ADMIN | R_MAINT))
		flags |= R_AUTH;
	if (flags & R_AUTH)
		flags |= R_STORE;
	if ((flags & R_STORE) &&
	    (rq->st = web_store_acquire(rq->w->pool, 5000)) == NULL) {
		*rc = web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "server busy");
		return -1;
	}
	if (!(flags & R_AUTH))
		return 0;
	if ((auth = web_auth_load(rq)) < 0) {
		*rc = web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
		return -1;
	}
	if (auth == 0) {
		*rc = web_error(rq, MHD_HTTP_UNAUTHORIZED, "not logged in");
		return -1;
	}
	if ((flags & R_CSRF) && !web_csrf_ok(rq)) {
		*rc = web_error(rq, MHD_HTTP_FORBIDDEN, "missing or wrong CSRF token");
		return -1;
	}
	if ((flags & R_ADMIN) && rq->user.role != MD_ROLE_ADMIN) {
		*rc = web_error(rq, MHD_HTTP_FORBIDDEN, "admin role required");
		return -1;
	}
	if ((flags & R_MAINT) && (nargs < 1 || (acc = md_access_maintain(rq->st, &rq->user,
	    args[0], err, sizeof err)) != 0)) {
		*rc = nargs < 1 || acc == MD_TRK_NOTFOUND ?
		    web_error(rq, MHD_HTTP_NOT_FOUND, "no such project or issue") :
		    acc == MD_ACCESS_DENIED ? web_error(rq, MHD_HTTP_FORBIDDEN,
		    "maintainer or admin role required") :
		    web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
		return -1;
	}
	return 0;
}

web_result
web_route(struct req *rq)
{
	char buf[WEB_MAX_URL + 1], *args[WEB_MAX_ARGS];
	const char *method = rq->method;
	const struct route *rt;
	web_result rc = MHD_NO;
	size_t i;
	int nargs, path_found = 0;

	/* libmicrohttpd drops the body of HEAD answers itself. */
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		rt = &routes[i];
		if (!match(rt->pattern, rq->url, buf, sizeof buf, args, &nargs))
			continue;
		path_found = 1;
		if (strcmp(rt->method, method) != 0)
			continue;
		if (strcmp(method, "POST") == 0 && !(rt->flags & R_RAWBODY) &&
		    parse_body(rq, &rc) < 0)
			return rc;
		if (check(rq, rt->flags, args, nargs, &rc) < 0)
			return rc;
		rc = rt->handler(rq, args, nargs);
		if (rq->st != NULL) {
			web_store_release(rq->w->pool, rq->st);
			rq->st = NULL;
		}
		return rc;
	}
	if (path_found) {
		web_add_header(rq, "Allow", "GET, HEAD, POST");
		return web_error(rq, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed");
	}
	return web_error(rq, MHD_HTTP_NOT_FOUND, "not found");
}
