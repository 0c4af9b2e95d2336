/*
 * tracker_util.c - script arguments and outbound mail rendering for the tracker.
 *
 * Mails are rendered in C before the script runs (templates and MIME are no
 * job for Lua) and handed to the script, which queues them in the outbox in
 * the same atomic step as the change that caused them.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "compose.h"
#include "template.h"
#include "tracker_int.h"
#include "utf8.h"

#define TITLE_MAX	200	/* bytes of the customer's subject our subjects quote */
#define SUBJECT_MAX	900	/* bytes of a rendered subject (a line is 998) */

void
md_args_init(struct md_args *a)
{
	memset(a, 0, sizeof *a);
}

void
md_args_free(struct md_args *a)
{
	int i;

	for (i = 0; i < a->nowned; i++)
		free(a->owned[i]);
	free(a->owned);
	free(a->v);
	free(a->len);
	md_args_init(a);
}

static int
grow(struct md_args *a)
{
	const char **v;
	size_t *len;
	char **owned;
	int cap;

	if (a->err)
		return -1;
	if (a->n < a->cap)
		return 0;
	cap = a->cap ? a->cap * 2 : 32;
	v = realloc(a->v, (size_t)cap * sizeof *v);
	if (v != NULL)
		a->v = v;
	len = realloc(a->len, (size_t)cap * sizeof *len);
	if (len != NULL)
		a->len = len;
	owned = realloc(a->owned, (size_t)cap * sizeof *owned);
	if (owned != NULL)
		a->owned = owned;
	if (v == NULL || len == NULL || owned == NULL) {
		a->err = 1;
		return -1;
	}
	a->cap = cap;
	return 0;
}

void
md_args_addn(struct md_args *a, const char *p, size_t n)
{
	char *c;

	if (grow(a) < 0)
		return;
	if ((c = malloc(n + 1)) == NULL) {
		a->err = 1;
		return;
	}
	if (n > 0)
		memcpy(c, p, n);
	c[n] = '\0';
	a->owned[a->nowned++] = c;
	a->v[a->n] = c;
	a->len[a->n] = n;
	a->n++;
}

void
md_args_add(struct md_args *a, const char *s)
{
	if (s == NULL)
		s = "";
	md_args_addn(a, s, strlen(s));
}

void
md_args_addf(struct md_args *a, const char *fmt, ...)
{
	md_buf b = MD_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	if (md_buf_vprintf(&b, fmt, ap) < 0)
		a->err = 1;
	va_end(ap);
	md_args_addn(a, md_buf_str(&b), b.len);
	md_buf_free(&b);
}

int
md_args_slot(struct md_args *a)
{
	md_args_add(a, "0");
	return a->err ? -1 : a->n - 1;
}

void
md_args_setf(struct md_args *a, int slot, const char *fmt, ...)
{
	char tmp[32], *c;
	va_list ap;
	int j;

	if (a->err || slot < 0 || slot >= a->n)
		return;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if ((c = strdup(tmp)) == NULL) {
		a->err = 1;
		return;
	}
	for (j = 0; j < a->nowned; j++) {
		if (a->owned[j] == a->v[slot]) {
			free(a->owned[j]);
			a->owned[j] = c;
			break;
		}
	}
	a->v[slot] = c;
	a->len[slot] = strlen(c);
}

void
md_trk_desk_addr(const struct md_config *cfg, const char *prefix,
    const char *arg, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%s%s%s@%s", cfg->desk_local, cfg->desk_separator,
	    prefix, arg, cfg->desk_domain);
}

void
md_trk_redis_err(struct md_redis *r, const redisReply *rep, char *err, size_t errlen)
{
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR)
		snprintf(err, errlen, "redis: %s", rep->str);
	else if (rep != NULL)
		snprintf(err, errlen, "redis: unexpected reply (type %d)", rep->type);
	else
		snprintf(err, errlen, "%s", md_redis_errstr(r));
}

char *
md_trk_strndup(const char *s, size_t n)
{
	char *c;

	if (s == NULL)
		s = "", n = 0;
	if ((c = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/* The project's own subject and body template of kind k, or "" each. */
static int
load_templates(struct md_redis *r, const char *project, enum md_template_kind k,
    char **subj, char **body)
{
	md_buf key = MD_BUF_INIT;
	char sf[64];
	redisReply *rep;
	const char *name = md_template_name(k);

	*subj = *body = NULL;
	snprintf(sf, sizeof sf, "%s_subject", name);
	rep = md_redis_cmd(r, "HMGET %s %s %s",
	    md_key(r, &key, "templates:%s", project), name, sf);
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements != 2) {
		if (rep != NULL)
			freeReplyObject(rep);
		return -1;
	}
	*body = md_trk_strndup(rep->element[0]->str, rep->element[0]->len);
	*subj = md_trk_strndup(rep->element[1]->str, rep->element[1]->len);
	freeReplyObject(rep);
	return *body != NULL && *subj != NULL ? 0 : -1;
}

/* base_url without a trailing slash. */
static void
base_url(const struct md_config *cfg, char *out, size_t outlen)
{
	size_t n;

	snprintf(out, outlen, "%s", cfg->base_url);
	n = strlen(out);
	while (n > 0 && out[n - 1] == '/')
		out[--n] = '\0';
}

int
md_trk_render(struct md_redis *r, const struct md_config *cfg,
    const struct md_trk_mail *m, char *msgid, size_t msgidlen, md_buf *out,
    char *err, size_t errlen)
{
	char base[512], url[1024], unsub[1024], from[MD_ADDR_MAX + 1];
	char reply[MD_ADDR_MAX + 1], umail[MD_ADDR_MAX + 1], path[160];
	char title[TITLE_MAX + 1];
	const char *tt;
	char *stpl = NULL, *btpl = NULL;
	md_buf subject = MD_BUF_INIT, body = MD_BUF_INIT;
	int have_keys = m->rkey != NULL && *m->rkey != '\0' &&
	    m->ukey != NULL && *m->ukey != '\0';
	struct md_tctx t;
	struct md_outmail o;
	int rc = -1;

	if (m->tpl_given) {
		stpl = md_trk_strndup(m->tpl_subject, m->tpl_subject ? strlen(m->tpl_subject) : 0);
		btpl = md_trk_strndup(m->tpl_body, m->tpl_body ? strlen(m->tpl_body) : 0);
		if (stpl == NULL || btpl == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	} else if (load_templates(r, m->project, m->kind, &stpl, &btpl) < 0) {
		md_trk_redis_err(r, NULL, err, errlen);
		goto out;
	}
	base_url(cfg, base, sizeof base);
	snprintf(url, sizeof url, "%s/%s/issues/%ld", base, m->project, m->iid);
	snprintf(unsub, sizeof unsub, "%s/unsubscribe/%s", base,
	    have_keys ? m->ukey : "");
	snprintf(path, sizeof path, "%s#%ld", m->project, m->iid);
	md_trk_desk_addr(cfg, "", m->project, from, sizeof from);
	if (have_keys) {
		md_trk_desk_addr(cfg, cfg->reply_prefix, m->rkey, reply, sizeof reply);
		md_trk_desk_addr(cfg, cfg->unsub_prefix, m->ukey, umail, sizeof umail);
	}
	memset(&t, 0, sizeof t);
	t.project = m->project;
	t.iid = m->iid;
	t.issue_url = url;
	t.description = m->description;
	t.note_text = m->note_text;
	t.unsubscribe_url = have_keys ? unsub : "";
	/* A customer's subject may be 64 KB: ours quotes its start. */
	tt = m->title != NULL ? m->title : "";
	snprintf(title, sizeof title, "%.*s", (int)md_utf8_prefix(tt, strlen(tt),
	    sizeof title - 1), tt);
	t.subject = title;
	if ((m->prefix != NULL && *m->prefix != '\0' &&
	    md_buf_printf(&body, "%s\n\n", m->prefix) < 0) ||
	    md_template_render(m->kind, stpl, btpl, &t, &subject, &body) < 0 ||
	    md_compose_message_id(cfg->desk_domain, msgid, msgidlen) < 0) {
		snprintf(err, errlen, "cannot render the %s mail for %s",
		    md_template_name(m->kind), path);
		goto out;
	}
	/* A project template may put the description into the subject. */
	if (subject.len > SUBJECT_MAX) {
		subject.len = md_utf8_prefix(subject.data, subject.len, SUBJECT_MAX);
		subject.data[subject.len] = '\0';
	}
	memset(&o, 0, sizeof o);
	o.from_name = cfg->from_name;
	o.from_addr = from;
	o.to_name = m->rcpt_name != NULL && *m->rcpt_name != '\0' ? m->rcpt_name : NULL;
	o.to_addr = m->rcpt;
	o.reply_to = have_keys ? reply : from;
	o.subject = md_buf_str(&subject);
	o.body = md_buf_str(&body);
	o.message_id = msgid;
	if (m->thread_id != NULL && *m->thread_id != '\0')
		o.in_reply_to = o.references = m->thread_id;
	if (m->refs != NULL && *m->refs != '\0')
		o.references = m->refs;
	o.unsubscribe_mailto = have_keys ? umail : NULL;
	o.unsubscribe_url = have_keys ? unsub : NULL;
	o.auto_submitted = m->kind == MD_TPL_THANK_YOU ? "auto-replied" : "auto-generated";
	o.issue_path = path;
	if (md_compose(&o, out) < 0) {
		snprintf(err, errlen, "cannot compose the %s mail for %s",
		    md_template_name(m->kind), path);
		goto out;
	}
	rc = 0;
out:
	free(stpl);
	free(btpl);
	md_buf_free(&subject);
	md_buf_free(&body);
	return rc;
}

void
md_trk_add_mail(struct md_args *a, const struct md_config *cfg,
    const char *project, const char *kind, const char *rcpt,
    const char *rkey, const char *msgid, const md_buf *data)
{
	char from[MD_ADDR_MAX + 1];

	if (rkey != NULL && *rkey != '\0')
		md_trk_desk_addr(cfg, cfg->reply_prefix, rkey, from, sizeof from);
	else
		md_trk_desk_addr(cfg, "", project, from, sizeof from);
	md_args_add(a, rcpt);
	md_args_add(a, msgid);
	md_args_addn(a, md_buf_str(data), data->len);
	md_args_add(a, from);
	md_args_add(a, kind);
}

int
md_mail_kind_automatic(const char *kind)
{
#define KIND_NAME(k)	#k,
	static const char *const kinds[] = { MD_AUTOMATIC_KINDS(KIND_NAME) };
#undef KIND_NAME
	size_t i;

	for (i = 0; kind != NULL && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return 1;
	return 0;
}
