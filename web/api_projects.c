/*
 * api_projects.c - GET/POST /api/projects[/<name>[/aliases]].
 *
 * Reading is open to the project's members and admins (responders need
 * the addresses to tell customers; lib/store/access.c, web_issue_args), the list
 * shows only the caller's projects; changing settings and aliases is for
 * its maintainers and admins (the router's R_MAINT), except that turning
 * a sender check off is an admin's (md_project_setting_needs_admin).  The JSON is
 * lib/policy/present.c's, as the CLI's.  Validation of settings is projects.c's job:
 * its error sentence is passed back to the page as is.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "address.h"
#include "json.h"
#include "members.h"
#include "present.h"
#include "projects.h"
#include "tracker.h"
#include "web.h"

/* Settings an admin may change, in the order the page shows them. */
static const char *const settings[] = {
	"enabled", "verified_senders", "reopen_on_reply", "notify_state",
	"automated_policy", "spam_mark", "spam_reject", "retention", "first_response",
	"dmarc_reject", "dmarc_quarantine", "desk_from_auth",
};

/* "opened"/"closed" counts; both -1 when the tracker cannot say. */
static void
issue_counts(struct req *rq, const char *name, long *opened, long *closed)
{
	struct md_issue_filter f;
	struct md_issue_list l;
	char err[256];

	memset(&f, 0, sizeof f);
	f.limit = 1;
	*opened = *closed = -1;
	if (md_tracker_list(rq->st, name, &f, &l, err, sizeof err) == 0) {
		*opened = l.opened;
		*closed = l.closed;
		md_issue_list_free(&l);
	}
}

/* The fields both the list and the detail view show. */
static void
summary_json(struct req *rq, struct md_json *j, const struct md_project *p,
    enum md_member_role role)
{
	long opened, closed;

	issue_counts(rq, p->name, &opened, &closed);
	md_present_project_members(j, &rq->w->cfg, p);
	md_json_kint(j, "opened", opened);
	md_json_kint(j, "closed", closed);
	md_json_kstr(j, "my_role", md_member_role_name(role));
}

web_result
api_projects(struct req *rq, char **args, int nargs)
{
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	struct md_project p;
	char **names, err[256];
	int *roles;
	size_t i, n;
	web_result rc;

	(void)args;
	(void)nargs;
	if (md_member_projects(rq->st, &rq->user, &names, &roles, &n, err, sizeof err) < 0)
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_json_key(&j, "projects");
	md_json_open_array(&j);
	for (i = 0; i < n; i++) {
		if (md_project_get(rq->st, names[i], &p, err, sizeof err) == 1) {
			md_json_open_object(&j);
			summary_json(rq, &j, &p, (enum md_member_role)roles[i]);
			md_json_close_object(&j);
			md_project_free(&p);
		}
		free(names[i]);
	}
	free(names);
	free(roles);
	md_json_close_array(&j);
	md_json_close_object(&j);
	rc = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	return rc;
}

static void
settings_json(struct req *rq, struct md_json *j, const struct md_project *p)
{
	const struct md_config *c = &rq->w->cfg;
	const struct md_override_field *o;

	md_json_key(j, "settings");
	md_json_open_object(j);
	md_present_project_settings(j, p);
	md_json_close_object(j);
	/* What "default" means, so the page can show the effective values. */
	md_json_key(j, "defaults");
	md_json_open_object(j);
	md_json_kstr(j, "automated_policy", c->automated_policy == MD_AUTO_REJECT ?
	    "reject" : "accept");
	md_json_key(j, "spam_mark");
	md_json_double(j, c->spam_mark);
	md_json_key(j, "spam_reject");
	md_json_double(j, c->spam_reject);
	for (o = md_override_fields; o->field != NULL; o++)
		md_json_kstr(j, o->field, md_present_override_default(c, o));
	md_json_close_object(j);
}

web_result
api_project(struct req *rq, char **args, int nargs)
{
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	struct md_project p;
	enum md_member_role role;
	char err[256];
	web_result rc;
	int found;

	if (web_issue_args(rq, args, nargs, NULL, &rc) < 0)
		return rc;
	if (md_access_role(rq->st, &rq->user, args[0], &role, err, sizeof err) < 0 ||
	    (found = md_project_get(rq->st, args[0], &p, err, sizeof err)) < 0)
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	if (found == 0)
		return web_error(rq, MHD_HTTP_NOT_FOUND, "no such project");
	md_json_init(&j, &b);
	md_json_open_object(&j);
	summary_json(rq, &j, &p, role);
	settings_json(rq, &j, &p);
	md_project_free(&p);
	if (api_templates_json(rq, args[0], &j) < 0) {
		md_buf_free(&b);
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	}
	md_json_close_object(&j);
	rc = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	return rc;
}

web_result
api_project_set(struct req *rq, char **args, int nargs)
{
	const char *v;
	char err[256];
	size_t i;
	int changed = 0;
	web_result rc;

	if (web_issue_args(rq, args, nargs, NULL, &rc) < 0)
		return rc;
	/* Before any is set: a maintainer's request that relaxes a sender
	 * check changes nothing. */
	for (i = 0; rq->user.role != MD_ROLE_ADMIN &&
	    i < sizeof settings / sizeof settings[0]; i++)
		if ((v = web_field(rq, settings[i])) != NULL &&
		    md_project_setting_needs_admin(settings[i], v, err, sizeof err))
			return web_error(rq, MHD_HTTP_FORBIDDEN, err);
	for (i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		if ((v = web_field(rq, settings[i])) == NULL)
			continue;
		if (md_project_set(rq->st, args[0], settings[i], v, err, sizeof err) < 0)
			return web_error(rq, MHD_HTTP_BAD_REQUEST, err);
		changed++;
	}
	if (changed == 0)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "no setting given");
	return api_project(rq, args, nargs);
}

web_result
api_project_alias(struct req *rq, char **args, int nargs)
{
	const char *add = web_field(rq, "add"), *del = web_field(rq, "del");
	char err[256];
	web_result rc;
	int r;

	if (web_issue_args(rq, args, nargs, NULL, &rc) < 0)
		return rc;
	if ((add == NULL) == (del == NULL))
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "give one of add or del");
	r = add != NULL ?
	    md_project_alias_add(rq->st, args[0], add, err, sizeof err) :
	    md_project_alias_del(rq->st, args[0], del, err, sizeof err);
	if (r < 0)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, err);
	return api_project(rq, args, nargs);
}
