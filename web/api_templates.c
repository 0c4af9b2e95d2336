/*
 * api_templates.c - per-project mail templates: read, save, preview.
 *
 * A project's own templates are fields of the hash <p>templates:<project>:
 * <kind> holds the body and <kind>_subject the subject line (the worker
 * reads them there, tracker_util.c); an absent or empty field means the
 * built-in text.  Saving an empty text, or the default itself, deletes the
 * field, so a later change of the built-in text reaches the project.
 * (The templates' part of a project's JSON is template_json.c.)
 * The preview renders with md_template_render() and fixed sample values,
 * exactly as the worker renders real mail, and lists placeholders that
 * are not known (a typo shows up before a customer sees it).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "address.h"
#include "json.h"
#include "projects.h"
#include "template.h"
#include "template_store.h"
#include "web.h"

#define TEMPLATE_MAX	(64 * 1024)	/* bytes of one template */

/* Stores (or, for "" and the default, deletes) one field; 0 or -1. */
static int
template_put(struct req *rq, const char *project, const char *field,
    const char *text, const char *dflt)
{
	char err[256];

	return md_template_store(rq->st, project, field, text, dflt, err, sizeof err);
}

web_result
api_template_set(struct req *rq, char **args, int nargs)
{
	const char *text = web_field(rq, "text"), *subject = web_field(rq, "subject");
	struct md_project p;
	char field[64], err[256];
	web_result rc;
	int k, found;

	if (web_issue_args(rq, args, nargs, NULL, &rc) < 0)
		return rc;
	if (nargs < 2 || (k = md_template_by_name(args[1])) < 0)
		return web_error(rq, MHD_HTTP_NOT_FOUND, "no such template kind");
	if (text == NULL && subject == NULL)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "text or subject required");
	if ((text != NULL && strlen(text) > TEMPLATE_MAX) ||
	    (subject != NULL && (strlen(subject) > 998 || strpbrk(subject, "\r\n") != NULL)))
		return web_error(rq, MHD_HTTP_BAD_REQUEST,
		    "template too long, or a subject with a line break");
	if ((found = md_project_get(rq->st, args[0], &p, err, sizeof err)) < 0)
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	if (found == 0)
		return web_error(rq, MHD_HTTP_NOT_FOUND, "no such project");
	md_project_free(&p);
	snprintf(field, sizeof field, "%s_subject", args[1]);
	if ((text != NULL && template_put(rq, args[0], args[1], text,
	    md_template_default((enum md_template_kind)k)) < 0) ||
	    (subject != NULL && template_put(rq, args[0], field, subject,
	    md_template_default_subject((enum md_template_kind)k)) < 0))
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	return api_project(rq, args, 1);
}

/* Adds the subject template's unknown placeholders to those of the body. */
static int
unknown_subject(const char *stpl, md_buf *unknown)
{
	md_buf more = MD_BUF_INIT;
	int n;

	if (stpl == NULL)
		return 0;
	if ((n = md_template_unknown(stpl, &more)) > 0 &&
	    ((unknown->len > 0 && md_buf_putc(unknown, ' ') < 0) ||
	    md_buf_append(unknown, more.data, more.len) < 0))
		n = -1;
	md_buf_free(&more);
	return n < 0 ? -1 : 0;
}

web_result
api_template_preview(struct req *rq, char **args, int nargs)
{
	const char *kind = web_field(rq, "kind"), *text = web_field(rq, "text");
	const char *project = web_field(rq, "project"), *stpl = web_field(rq, "subject");
	char url[512], unsub[512];
	md_buf subject = MD_BUF_INIT, body = MD_BUF_INIT, unknown = MD_BUF_INIT;
	md_buf b = MD_BUF_INIT;
	struct md_tctx c;
	struct md_json j;
	web_result rc;
	int k;

	(void)args;
	(void)nargs;
	if ((k = md_template_by_name(kind)) < 0)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "unknown template kind");
	if (text == NULL || strlen(text) > TEMPLATE_MAX)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "text required (at most 64 KiB)");
	if (project == NULL || !md_project_name_valid(project))
		project = "acme";
	snprintf(url, sizeof url, "%s/%s/issues/12", rq->w->cfg.base_url, project);
	snprintf(unsub, sizeof unsub, "%s/unsubscribe/%s", rq->w->cfg.base_url,
	    "abcdefghijklmnopqrstuvwxyz");
	memset(&c, 0, sizeof c);
	c.project = project;
	c.iid = 12;
	c.issue_url = url;
	c.subject = "Printer on fire";
	c.description = "Hello,\n\nmy printer is on fire. What should I do?\n\nAlice";
	c.note_text = "Hello Alice,\n\nplease unplug it and step back.";
	c.unsubscribe_url = unsub;
	md_json_init(&j, &b);
	if (md_template_render((enum md_template_kind)k, stpl, text, &c, &subject,
	    &body) < 0 || md_template_unknown(text, &unknown) < 0 ||
	    unknown_subject(stpl, &unknown) < 0) {
		rc = web_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
		goto out;
	}
	md_json_open_object(&j);
	md_json_kstr(&j, "subject", md_buf_str(&subject));
	md_json_kstr(&j, "body", md_buf_str(&body));
	md_json_kstr(&j, "unknown", md_buf_str(&unknown));
	md_json_close_object(&j);
	rc = web_json_done(rq, &j, &b);
out:
	md_buf_free(&subject);
	md_buf_free(&body);
	md_buf_free(&unknown);
	md_buf_free(&b);
	return rc;
}
