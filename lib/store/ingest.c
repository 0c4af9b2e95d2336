/*
 * ingest.c - envelope + parsed message + verdict -> inbox record.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "ingest.h"

const char *
md_ingest_kind(const struct md_desk_rcpt *rcpt, const struct md_verdict *v)
{
	if (v != NULL && v->auto_reason != NULL)
		return "automated";
	switch (rcpt->kind) {
	case MD_ADDR_REPLY:
		return "reply";
	case MD_ADDR_UNSUB:
		return "unsubscribe";
	default:
		return "new";
	}
}

void
md_rfc3339(long t, char *out, size_t outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
flags_of(const struct md_mime *m, const struct md_verdict *v, md_buf *b)
{
	const char *sep = "";

	if (m->parse_error) {
		if (md_buf_printf(b, "%sparse_error", sep) < 0)
			return -1;
		sep = ",";
	}
	if (m->html_only) {
		if (md_buf_printf(b, "%shtml_only", sep) < 0)
			return -1;
		sep = ",";
	}
	if (v->spam && md_buf_printf(b, "%sspam", sep) < 0)
		return -1;
	return 0;
}

int
md_ingest_record(const struct md_envelope *env, const struct md_desk_rcpt *rcpt,
    const struct md_mime *m, const char *raw, size_t rawlen,
    const struct md_verdict *v, struct md_record *out)
{
	char when[32];
	md_buf flags = MD_BUF_INIT;
	int rc = 0;

	md_rfc3339(env->received, when, sizeof when);
	rc |= md_record_set(out, MD_F_V, MD_RECORD_VERSION);
	rc |= md_record_setf(out, MD_F_ID, "%s:%s", env->queue_id, rcpt->addr);
	rc |= md_record_set(out, MD_F_QUEUE_ID, env->queue_id);
	rc |= md_record_set(out, MD_F_RECEIVED, when);
	rc |= md_record_set(out, MD_F_CLIENT_IP, env->client_ip);
	rc |= md_record_set(out, MD_F_HELO, env->helo);
	rc |= md_record_set(out, MD_F_MAIL_FROM, env->mail_from);
	rc |= md_record_set(out, MD_F_RCPT, rcpt->addr);
	rc |= md_record_set(out, MD_F_KIND, md_ingest_kind(rcpt, v));
	rc |= md_record_set(out, MD_F_PROJECT, rcpt->project);
	rc |= md_record_set(out, MD_F_KEY, rcpt->key);
	rc |= md_record_set(out, MD_F_SPF, v->spf ? v->spf : "");
	rc |= md_record_set(out, MD_F_RECEIVED_SPF, v->received_spf ? v->received_spf : "");
	rc |= md_record_setf(out, MD_F_SCORE, "%.2f", v->score);
	rc |= md_record_set(out, MD_F_RULES, v->rules ? v->rules : "");
	rc |= md_record_set(out, MD_F_AUTO_REASON, v->auto_reason ? v->auto_reason : "");
	rc |= md_record_set(out, MD_F_MESSAGE_ID, m->message_id);
	rc |= md_record_set(out, MD_F_IN_REPLY_TO, m->in_reply_to);
	rc |= md_record_set(out, MD_F_REFERENCES, m->references);
	rc |= md_record_set(out, MD_F_FROM, m->from);
	rc |= md_record_set(out, MD_F_FROM_ADDR, m->from_addr);
	rc |= md_record_set(out, MD_F_FROM_NAME, m->from_name);
	rc |= md_record_set(out, MD_F_REPLY_TO, m->reply_to);
	rc |= md_record_set(out, MD_F_CC, m->cc);
	rc |= md_record_set(out, MD_F_SUBJECT, m->subject);
	rc |= md_record_set(out, MD_F_TEXT, m->text);
	rc |= md_record_setf(out, MD_F_ATTACHMENTS, "%zu", m->nattachments);
	rc |= flags_of(m, v, &flags);
	rc |= md_record_setn(out, MD_F_FLAGS, md_buf_str(&flags), flags.len);
	rc |= md_record_setn(out, MD_F_RAW, raw, rawlen);
	md_buf_free(&flags);
	return rc == 0 ? 0 : -1;
}
