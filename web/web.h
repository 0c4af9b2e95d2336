/*
 * web.h - maildesk-web: shared state and the request context.
 *
 * One struct web for the daemon (config, store pool), one struct req per
 * HTTP request.  http.c collects the request, router.c picks a handler,
 * the handlers (auth.c, api_*.c, static.c, unsub.c) answer through the
 * helpers in reply.c, which add the security headers to every response.
 */
#ifndef MD_WEB_H
#define MD_WEB_H

#include <stddef.h>
#include <microhttpd.h>

#include "buf.h"
#include "conf.h"
#include "redis.h"
#include "store.h"
#include "session.h"
#include "users.h"
#include "form.h"

#define WEB_MAX_BODY	(1024 * 1024)	/* request bodies; 413 past it */
#define WEB_MAX_URL	2048		/* request targets; 414 past it */
#define WEB_MAX_ARGS	8		/* path segments a route may capture */
#define WEB_MAX_HDRS	4		/* extra response headers per request */

/* 413 has had three names across libmicrohttpd versions. */
#define WEB_HTTP_TOO_LARGE	413

/* MHD before 0.9.71 returned int from callbacks. */
#if MHD_VERSION < 0x00097100
typedef int web_result;
#else
typedef enum MHD_Result web_result;
#endif

struct web_store_pool;
struct md_netlist;

struct web {
	struct md_config	 cfg;
	struct web_store_pool	*pool;
	const char		*static_dir;
	int			 secure_cookie;	/* base_url is https */
	struct md_netlist	*proxies;	/* web_trusted_proxies, NULL: none */
	int			 threads;
};

struct req {
	struct web		*w;
	struct MHD_Connection	*conn;
	const char		*method;
	const char		*url;
	md_buf			 body;
	int			 too_big;	/* body passed WEB_MAX_BODY */
	int			 responded;	/* a response was queued early */
	struct form		 form;		/* parsed urlencoded body */
	struct md_store		*st;		/* borrowed for the handler */
	int			 authed;
	struct md_session	 sess;
	struct md_user		 user;
	const char		*hdr_name[WEB_MAX_HDRS];
	char			*hdr_value[WEB_MAX_HDRS];
	int			 nhdrs;
};

/* A handler gets the captured path segments (URL-decoded). */
typedef web_result (*web_handler)(struct req *rq, char **args, int nargs);

/* store_pool.c: one store per request being handled. */
struct web_store_pool *web_store_pool_new(const struct md_config *cfg, int size,
	    char *err, size_t errlen);
/* NULL when none is free within wait_ms. */
struct md_store *web_store_acquire(struct web_store_pool *p, int wait_ms);
void	web_store_release(struct web_store_pool *p, struct md_store *st);
void	web_store_pool_free(struct web_store_pool *p);

/* http.c */
web_result web_access(void *cls, struct MHD_Connection *c, const char *url,
	    const char *method, const char *version, const char *upload,
	    size_t *upload_size, void **con_cls);
void	web_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	    enum MHD_RequestTerminationCode toe);

/* router.c: dispatches a fully received request. */
web_result web_route(struct req *rq);

/* reply.c */
int	web_add_header(struct req *rq, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Adds the security and extra headers, queues resp and drops our reference. */
web_result web_queue(struct req *rq, unsigned status, struct MHD_Response *resp);
web_result web_reply(struct req *rq, unsigned status, const char *ctype,
	    const void *data, size_t len);
web_result web_json(struct req *rq, unsigned status, const md_buf *b);
web_result web_error(struct req *rq, unsigned status, const char *msg);
web_result web_html(struct req *rq, unsigned status, const md_buf *b);
/* Answers the document in b unless j recorded an error (then 500). */
struct md_json;
web_result web_json_done(struct req *rq, const struct md_json *j, const md_buf *b);
/* A query-string argument or NULL. */
const char *web_query(struct req *rq, const char *name);
/* A form field from the body or NULL. */
const char *web_field(struct req *rq, const char *name);

/* params.c */
/* Parses a decimal in [min, max]; 0 or -1. */
int	web_parse_long(const char *s, long min, long max, long *out);
/*
 * Checks args[0] (project) and, when iid is not NULL, args[1] (issue
 * number); 0, or -1 after answering 404.
 */
int	web_issue_args(struct req *rq, char **args, int nargs, long *iid,
	    web_result *rc);
/* The HTTP status for a failed tracker call (404 for MD_TRK_NOTFOUND). */
int	web_tracker_status(int trk_rc);

/* auth.c */
/* Loads the session from the cookie; 1 logged in, 0 not, -1 database error. */
int	web_auth_load(struct req *rq);
/* 1 if the request carries the session's CSRF token. */
int	web_csrf_ok(struct req *rq);
web_result web_login(struct req *rq, char **args, int nargs);
web_result web_logout(struct req *rq, char **args, int nargs);
web_result web_me(struct req *rq, char **args, int nargs);

/* api_projects.c */
web_result api_projects(struct req *rq, char **args, int nargs);
web_result api_project(struct req *rq, char **args, int nargs);
web_result api_project_set(struct req *rq, char **args, int nargs);
web_result api_project_alias(struct req *rq, char **args, int nargs);

/* api_templates.c */
web_result api_template_set(struct req *rq, char **args, int nargs);
web_result api_template_preview(struct req *rq, char **args, int nargs);
/* template_json.c: writes "templates":{kind:{text,custom},...} for project; 0 or -1. */
struct md_json;
int	api_templates_json(struct req *rq, const char *project, struct md_json *j);

/* api_issues.c */
web_result api_issues(struct req *rq, char **args, int nargs);
web_result api_issue(struct req *rq, char **args, int nargs);
/* api_issue_edit.c */
web_result api_issue_note(struct req *rq, char **args, int nargs);
web_result api_issue_state(struct req *rq, char **args, int nargs);
web_result api_issue_label(struct req *rq, char **args, int nargs);
web_result api_issue_assignee(struct req *rq, char **args, int nargs);
web_result api_issue_priority(struct req *rq, char **args, int nargs);
web_result api_issue_title(struct req *rq, char **args, int nargs);
web_result api_issue_participants(struct req *rq, char **args, int nargs);
web_result api_issue_block(struct req *rq, char **args, int nargs);
/* api_members.c, api_mywork.c (issue 18) */
web_result api_members(struct req *rq, char **args, int nargs);
web_result api_member_set(struct req *rq, char **args, int nargs);
web_result api_mywork(struct req *rq, char **args, int nargs);
/* api_triage.c: triage rules and canned replies (issue 18) */
web_result api_triage(struct req *rq, char **args, int nargs);
web_result api_triage_add(struct req *rq, char **args, int nargs);
web_result api_triage_delete(struct req *rq, char **args, int nargs);
web_result api_triage_move(struct req *rq, char **args, int nargs);
web_result api_canned(struct req *rq, char **args, int nargs);
web_result api_canned_set(struct req *rq, char **args, int nargs);
web_result api_issue_canned(struct req *rq, char **args, int nargs);
/* api_download.c */
web_result api_issue_attachment(struct req *rq, char **args, int nargs);
web_result api_issue_raw(struct req *rq, char **args, int nargs);

/* api_me.c: the logged-in user and their notification settings. */
web_result api_me(struct req *rq, char **args, int nargs);
web_result api_me_set(struct req *rq, char **args, int nargs);

/* static.c */
web_result web_static(struct req *rq, char **args, int nargs);
/* metrics.c: GET /metrics (loopback, not proxied); login results counted. */
web_result web_metrics(struct req *rq, char **args, int nargs);
void	web_metrics_login(const char *result);
web_result web_index(struct req *rq, char **args, int nargs);

/* unsub.c */
web_result web_unsubscribe(struct req *rq, char **args, int nargs);

#endif
