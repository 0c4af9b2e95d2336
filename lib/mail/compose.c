/*
 * compose.c - render one outbound mail: which header fields a desk mail
 * carries, in which form, and the mail put together (RFC 5322 headers, a
 * quoted-printable text body), plus fresh Message-IDs.
 *
 * How a field is written (cleaning, folding, encoded words) is
 * compose_fold.c's, the body's encoding compose_qp.c's, both through
 * compose_int.h; neither calls back here.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "compose.h"
#include "compose_int.h"
#include "keygen.h"

#define MSGID_MAX	250	/* longer Message-IDs are left out of a thread */

/* "Name" <addr>, or a bare addr when there is no name. */
static int
put_mailbox(md_buf *out, const char *field, const char *name, const char *addr)
{
	md_buf nb = MD_BUF_INIT, ab = MD_BUF_INIT, t = MD_BUF_INIT;
	struct md_hdr h;
	const char *n, *a;

	n = md_hdr_clean(name, &nb);
	a = md_hdr_clean(addr, &ab);
	if (n == NULL || a == NULL || *a == '\0') {
		md_buf_free(&nb);
		md_buf_free(&ab);
		return -1;
	}
	md_hdr_begin(&h, out, field);
	if (*n != '\0') {
		md_hdr_phrase(&h, n);
		if (md_buf_printf(&t, "<%s>", a) < 0)
			h.err = 1;
		md_hdr_token(&h, " ", 1, md_buf_str(&t), t.len);
	} else
		md_hdr_token(&h, " ", 1, a, strlen(a));
	md_buf_free(&nb);
	md_buf_free(&ab);
	md_buf_free(&t);
	return md_hdr_end(&h);
}

/*
 * Whether s[0..n) can stand in In-Reply-To/References: printable ASCII with
 * an '@' (RFC 5322 msg-id), short enough for a line.  A customer's
 * Message-ID may be anything; a broken one is left out of the thread
 * rather than break the header (a 64 KB id, raw UTF-8 without SMTPUTF8).
 */
static int
msgid_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > MSGID_MAX || memchr(s, '@', n) == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/*
 * A header of "<id>" tokens from a blank separated list (<> optional).
 * Without one usable id: -1 when required (our Message-ID), else no
 * header at all (a thread header of customers' ids only).
 */
static int
put_ids(md_buf *out, const char *field, const char *ids, int required)
{
	md_buf cb = MD_BUF_INIT, t = MD_BUF_INIT;
	size_t start = out->len;
	struct md_hdr h;
	const char *s, *e;

	if ((s = md_hdr_clean(ids, &cb)) == NULL)
		return -1;
	md_hdr_begin(&h, out, field);
	while (*s != '\0') {
		while (*s == ' ' || *s == '<' || *s == '>')
			s++;
		for (e = s; *e != '\0' && *e != ' ' && *e != '<' && *e != '>'; e++)
			;
		if (msgid_ok(s, (size_t)(e - s))) {
			md_buf_reset(&t);
			if (md_buf_printf(&t, "<%.*s>", (int)(e - s), s) < 0)
				h.err = 1;
			md_hdr_token(&h, " ", 1, md_buf_str(&t), t.len);
		}
		s = e;
	}
	md_buf_free(&cb);
	md_buf_free(&t);
	if (h.ntok > 0)
		return md_hdr_end(&h);
	if (required || h.err)
		return -1;
	out->len = start;	/* take the field name back */
	out->data[start] = '\0';
	return 0;
}

/* A header whose value is a single cleaned string (no folding needed). */
static int
put_simple(md_buf *out, const char *field, const char *value)
{
	md_buf cb = MD_BUF_INIT;
	const char *v = md_hdr_clean(value, &cb);
	int rc = v == NULL ? -1 : md_buf_printf(out, "%s: %s\r\n", field, v);

	md_buf_free(&cb);
	return rc;
}

static int
put_subject(md_buf *out, const char *subject)
{
	md_buf cb = MD_BUF_INIT;
	struct md_hdr h;
	const char *s;
	char *p;

	if ((s = md_hdr_clean(subject, &cb)) == NULL)
		return -1;
	for (p = cb.data; p != NULL && *p != '\0'; p++)
		if (*p == '\t')
			*p = ' ';
	md_hdr_begin(&h, out, "Subject");
	if (*s == '\0')
		md_hdr_emit(&h, " ", 1);
	md_hdr_text(&h, s);
	md_buf_free(&cb);
	return md_hdr_end(&h);
}

/* RFC 5322 3.3 date in local time with its numeric offset. */
static int
put_date(md_buf *out, long when)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = when != 0 ? (time_t)when : time(NULL);
	struct tm tm;
	long off;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	off = tm.tm_gmtoff / 60;
	return md_buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
	    (off < 0 ? -off : off) % 60);
}

/* RFC 2369 List-Unsubscribe; RFC 8058 one-click only for https. */
static int
put_unsubscribe(md_buf *out, const char *mailto, const char *url)
{
	md_buf mb = MD_BUF_INIT, ub = MD_BUF_INIT, t = MD_BUF_INIT;
	struct md_hdr h;
	const char *m = md_hdr_clean(mailto, &mb), *u = md_hdr_clean(url, &ub);
	int rc = 0;

	if (m == NULL || u == NULL)
		rc = -1;
	else if (*m != '\0' || *u != '\0') {
		md_hdr_begin(&h, out, "List-Unsubscribe");
		if (*m != '\0') {
			if (md_buf_printf(&t, "<mailto:%s>%s", m, *u ? "," : "") < 0)
				h.err = 1;
			md_hdr_token(&h, " ", 1, md_buf_str(&t), t.len);
		}
		if (*u != '\0') {
			md_buf_reset(&t);
			if (md_buf_printf(&t, "<%s>", u) < 0)
				h.err = 1;
			md_hdr_token(&h, " ", 1, md_buf_str(&t), t.len);
		}
		rc = md_hdr_end(&h);
		if (rc == 0 && strncmp(u, "https://", 8) == 0)
			rc = md_buf_puts(out,
			    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	}
	md_buf_free(&mb);
	md_buf_free(&ub);
	md_buf_free(&t);
	return rc;
}

int
md_compose(const struct md_outmail *m, md_buf *out)
{
	const char *as = m->auto_submitted;

	if (m->from_addr == NULL || m->to_addr == NULL ||
	    m->message_id == NULL || *m->message_id == '\0')
		return -1;
	if (put_date(out, m->date) < 0 ||
	    put_mailbox(out, "From", m->from_name, m->from_addr) < 0 ||
	    put_mailbox(out, "To", m->to_name, m->to_addr) < 0 ||
	    (m->reply_to && *m->reply_to &&
	    put_mailbox(out, "Reply-To", NULL, m->reply_to) < 0) ||
	    put_subject(out, m->subject) < 0 ||
	    put_ids(out, "Message-ID", m->message_id, 1) < 0 ||
	    (m->in_reply_to && *m->in_reply_to &&
	    put_ids(out, "In-Reply-To", m->in_reply_to, 0) < 0) ||
	    (m->references && *m->references &&
	    put_ids(out, "References", m->references, 0) < 0))
		return -1;
	if (md_buf_puts(out, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n") < 0 ||
	    put_simple(out, "Auto-Submitted",
	    as && *as ? as : "auto-generated") < 0 ||
	    md_buf_puts(out, "X-Auto-Response-Suppress: All\r\n") < 0 ||
	    put_unsubscribe(out, m->unsubscribe_mailto, m->unsubscribe_url) < 0 ||
	    (m->issue_path && *m->issue_path &&
	    put_simple(out, "X-Maildesk-Issue", m->issue_path) < 0))
		return -1;
	if (md_buf_puts(out, "\r\n") < 0)
		return -1;
	return md_qp_body(m->body, out);
}

int
md_compose_message_id(const char *domain, char *out, size_t outlen)
{
	unsigned char rnd[16];
	char key[40];
	const char *p;
	int n;

	if (domain == NULL || *domain == '\0')
		return -1;
	for (p = domain; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return -1;
	if (md_random_bytes(rnd, sizeof rnd) < 0 ||
	    md_base32(rnd, sizeof rnd, key, sizeof key) < 0)
		return -1;
	n = snprintf(out, outlen, "%s@%s", key, domain);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
