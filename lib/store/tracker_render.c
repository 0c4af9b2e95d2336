/*
 * tracker_render.c - outbound mail rendering and the small text helpers of
 * the tracker: titles, Message-ID chains, array literals.
 *
 * Mails are rendered in C with the project's template (read by the caller
 * in the statement it needed anyway) and inserted into the outbox in the
 * transaction of the change that caused them.
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

#define SUBJECT_MAX	900	/* bytes of a rendered subject (a line is 998) */

void
md_trk_desk_addr(const struct md_config *cfg, const char *prefix,
    const char *arg, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%s%s%s@%s", cfg->desk_local, cfg->desk_separator,
	    prefix, arg, cfg->desk_domain);
}

void
md_trk_web_url(const struct md_config *cfg, char *out, size_t outlen,
    const char *fmt, ...)
{
	size_t n = strlen(cfg->base_url), used;
	va_list ap;

	while (n > 0 && cfg->base_url[n - 1] == '/')
		n--;
	snprintf(out, outlen, "%.*s", (int)n, cfg->base_url);
	used = strlen(out);
	va_start(ap, fmt);
	vsnprintf(out + used, outlen - used, fmt, ap);
	va_end(ap);
}

void
md_trk_quoted_title(const char *title, char *out, size_t outlen)
{
	const char *t = title != NULL ? title : "";
	size_t max = outlen - 1 < MD_TRK_QUOTED_TITLE_MAX ? outlen - 1 :
	    MD_TRK_QUOTED_TITLE_MAX;

	snprintf(out, outlen, "%.*s", (int)md_utf8_prefix(t, strlen(t), max), t);
}

int
md_trk_render(const struct md_config *cfg, const struct md_trk_mail *m,
    char *msgid, size_t msgidlen, md_buf *out, char *err, size_t errlen)
{
	char url[1024], unsub[1024], from[MD_ADDR_MAX + 1];
	char reply[MD_ADDR_MAX + 1], umail[MD_ADDR_MAX + 1], path[160];
	char title[MD_TRK_QUOTED_TITLE_MAX + 1];
	md_buf subject = MD_BUF_INIT, body = MD_BUF_INIT;
	int have_keys = m->rkey != NULL && *m->rkey != '\0' &&
	    m->ukey != NULL && *m->ukey != '\0';
	struct md_tctx t;
	struct md_outmail o;
	int rc = -1;

	md_trk_web_url(cfg, url, sizeof url, "/%s/issues/%ld", m->project, m->iid);
	md_trk_web_url(cfg, unsub, sizeof unsub, "/unsubscribe/%s",
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
	md_trk_quoted_title(m->title, title, sizeof title);
	t.subject = title;
	if ((m->prefix != NULL && *m->prefix != '\0' &&
	    md_buf_printf(&body, "%s\n\n", m->prefix) < 0) ||
	    md_template_render(m->kind, m->tpl_subject, m->tpl_body, &t, &subject,
	    &body) < 0 ||
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
	md_buf_free(&subject);
	md_buf_free(&body);
	return rc;
}

void
md_trk_mail_from(const struct md_config *cfg, const char *project,
    const char *rkey, char *out, size_t outlen)
{
	if (rkey != NULL && *rkey != '\0')
		md_trk_desk_addr(cfg, cfg->reply_prefix, rkey, out, outlen);
	else
		md_trk_desk_addr(cfg, "", project, out, outlen);
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

char *
md_trk_title(const char *subject, int *cut)
{
	size_t i, chars = 0;

	*cut = 0;
	if (subject == NULL || *subject == '\0')
		return strdup("(no subject)");
	/* Count characters by their lead bytes: a continuation byte
	 * (10xxxxxx) never starts one, so the cut lands on a boundary. */
	for (i = 0; subject[i] != '\0'; i++) {
		if (((unsigned char)subject[i] & 0xc0) == 0x80)
			continue;
		if (chars++ == MD_TRK_TITLE_MAX) {
			*cut = 1;
			break;
		}
	}
	return md_strndup(subject, i);
}

int
md_trk_chain_add(const char *chain, const char *mid, md_buf *out)
{
	const char *ids[MD_TRK_CHAIN_MAX + 1], *p = chain != NULL ? chain : "", *s;
	size_t lens[MD_TRK_CHAIN_MAX + 1], n = 0, k, ml = strlen(mid), first;

	md_buf_reset(out);
	/* An id with a blank would split into two: such ids are not kept. */
	if (*mid == '\0' || strpbrk(mid, " \t\r\n") != NULL)
		return md_buf_puts(out, p);
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		for (s = p; *p != '\0' && *p != ' '; p++)
			;
		if (p == s || ((size_t)(p - s) == ml && strncmp(s, mid, ml) == 0))
			continue;
		if (n == MD_TRK_CHAIN_MAX) {	/* keep the newest */
			memmove(ids, ids + 1, (n - 1) * sizeof ids[0]);
			memmove(lens, lens + 1, (n - 1) * sizeof lens[0]);
			n--;
		}
		ids[n] = s;
		lens[n++] = (size_t)(p - s);
	}
	first = n >= MD_TRK_CHAIN_MAX ? n - MD_TRK_CHAIN_MAX + 1 : 0;
	for (k = first; k < n; k++)
		if (md_buf_append(out, ids[k], lens[k]) < 0 || md_buf_putc(out, ' ') < 0)
			return -1;
	return md_buf_puts(out, mid);
}

int
md_trk_array(md_buf *b, const char *const *v, size_t n)
{
	const char *p;
	size_t i;

	if (md_buf_putc(b, '{') < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((i > 0 && md_buf_putc(b, ',') < 0) || md_buf_putc(b, '"') < 0)
			return -1;
		for (p = v[i] != NULL ? v[i] : ""; *p != '\0'; p++)
			if (((*p == '"' || *p == '\\') && md_buf_putc(b, '\\') < 0) ||
			    md_buf_putc(b, *p) < 0)
				return -1;
		if (md_buf_putc(b, '"') < 0)
			return -1;
	}
	return md_buf_putc(b, '}');
}
