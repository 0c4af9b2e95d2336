/*
 * template_json.c - the "templates" member of a project's JSON (GET
 * /api/projects/NAME): each kind's body and subject, the project's own
 * text or the built-in one.  Below both api_projects.c, which writes it,
 * and api_templates.c, which answers a save with the project's JSON.
 */
#include "config.h"

#include "json.h"
#include "template.h"
#include "template_store.h"
#include "web.h"

/*
 * Reads the project's body and subject template of kind k (appended to
 * body and subj; empty when the project has none); 0 or -1.
 */
static int
template_get(struct req *rq, const char *project, int k, md_buf *body, md_buf *subj)
{
	char err[256];

	return md_template_load(rq->st, project, (enum md_template_kind)k, body, subj,
	    err, sizeof err);
}

/* {"text":..,"custom":..,"default":..} for one body or subject template. */
static void
one_json(struct md_json *j, const char *key, const md_buf *own, const char *dflt)
{
	md_json_key(j, key);
	md_json_open_object(j);
	md_json_kstr(j, "text", own->len > 0 ? md_buf_str(own) : dflt);
	md_json_key(j, "custom");
	md_json_bool(j, own->len > 0);
	md_json_kstr(j, "default", dflt);
	md_json_close_object(j);
}

int
api_templates_json(struct req *rq, const char *project, struct md_json *j)
{
	md_buf body = MD_BUF_INIT, subj = MD_BUF_INIT;
	enum md_template_kind k;
	int rc = 0;

	md_json_key(j, "templates");
	md_json_open_object(j);
	for (k = 0; k < MD_TPL_COUNT && rc == 0; k++) {
		md_buf_reset(&body);
		md_buf_reset(&subj);
		if ((rc = template_get(rq, project, (int)k, &body, &subj)) < 0)
			break;
		md_json_key(j, md_template_name(k));
		md_json_open_object(j);
		one_json(j, "body", &body, md_template_default(k));
		one_json(j, "subject", &subj, md_template_default_subject(k));
		md_json_close_object(j);
	}
	md_json_close_object(j);
	md_buf_free(&body);
	md_buf_free(&subj);
	return rc;
}
