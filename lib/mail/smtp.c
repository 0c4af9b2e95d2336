/*
 * smtp.c - hand one message to the relay with libcurl and classify the
 * outcome for the outbox.
 *
 * libcurl does the SMTP dialogue (EHLO, MAIL, RCPT, DATA) and the
 * dot-stuffing; it needs the data to end in CRLF before its "." line, so
 * the read callback adds one when the caller's data lacks it.  curl's own
 * error strings say "RCPT failed: 550", which tells a responder little, so
 * a debug callback keeps the relay's last failure reply ("550 5.1.1
 * <x@y>: Recipient address rejected: ...") for the error text.
 *
 * A struct md_smtp keeps one curl handle, and with it the connection to
 * the relay, from one mail to the next: no new TCP connection, EHLO and
 * QUIT per mail.  curl closes the connection itself after a failed
 * transfer, so a refused RCPT never leaves a half-open transaction behind.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "smtp.h"

#define REPLY_MAX	512	/* enough for any sane reply, bounded anyway */

/* The message being uploaded. */
struct upload {
	const char	*data;
	size_t		 len;
	size_t		 off;
	int		 add_crlf;	/* data lacks the final CRLF */
	size_t		 tail;		/* bytes of that CRLF already sent */
	md_smtp_commit_fn commit;	/* before the final dot, once */
	void		*commit_arg;
	int		 committed;	/* the hook ran */
	int		 commit_failed;	/* ... and refused: no "." follows */
};

/* The relay's replies as seen by the debug callback. */
/* What a reply answers: the command curl sent last. */
enum stage { ST_GREETING, ST_SESSION, ST_MAIL, ST_RCPT, ST_DATA };

struct replies {
	char	cur[REPLY_MAX];		/* reply being assembled (multi-line) */
	char	fail[REPLY_MAX];	/* last complete 4xx/5xx reply */
	int	in_multi;
	enum stage stage;		/* of the command sent last */
	enum stage fail_stage;		/* of the reply in fail */
};

static int smtp_initialized;

void
md_smtp_global_init(void)
{
	if (!smtp_initialized && curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
		smtp_initialized = 1;
}

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t room = size * nitems, n = 0;

	if (u->off < u->len) {
		n = u->len - u->off < room ? u->len - u->off : room;
		memcpy(buf, u->data + u->off, n);
		u->off += n;
	}
	for (; u->off == u->len && u->add_crlf && u->tail < 2 && n < room; n++)
		buf[n] = "\r\n"[u->tail++];
	/*
	 * This hands curl the last bytes (it stops asking once it has the
	 * announced size), after which it sends the final "." that makes the
	 * relay take the message: the commit point.
	 */
	if (u->off == u->len && (!u->add_crlf || u->tail == 2) && !u->committed &&
	    u->commit != NULL) {
		u->committed = 1;
		if (u->commit(u->commit_arg) < 0) {
			u->commit_failed = 1;
			return CURL_READFUNC_ABORT;
		}
	}
	return n;
}

/* Appends at most what fits, never more. */
static void
append(char *dst, size_t dstlen, const char *s, size_t n)
{
	size_t have = strlen(dst);

	if (have + 1 >= dstlen)
		return;
	if (n > dstlen - have - 1)
		n = dstlen - have - 1;
	memcpy(dst + have, s, n);
	dst[have + n] = '\0';
}

/* One reply line "NNN-text" or "NNN text" (without CRLF). */
static void
reply_line(struct replies *rp, const char *line, size_t n)
{
	int final = !(n >= 4 && line[3] == '-');

	if (n < 3 || !isdigit((unsigned char)line[0]) ||
	    !isdigit((unsigned char)line[1]) || !isdigit((unsigned char)line[2]))
		return;
	if (!rp->in_multi) {
		rp->cur[0] = '\0';
		append(rp->cur, sizeof rp->cur, line, 3);
	}
	if (n > 4) {
		append(rp->cur, sizeof rp->cur, " ", 1);
		append(rp->cur, sizeof rp->cur, line + 4, n - 4);
	}
	rp->in_multi = !final;
	if (final && (line[0] == '4' || line[0] == '5')) {
		memcpy(rp->fail, rp->cur, sizeof rp->fail);
		rp->fail_stage = rp->stage;
	}
}

/* A command curl sent (CURLINFO_HEADER_OUT): which stage its reply answers. */
static void
command_out(struct replies *rp, const char *data, size_t size)
{
	if (size >= 4 && strncasecmp(data, "RCPT", 4) == 0)
		rp->stage = ST_RCPT;
	else if (size >= 4 && strncasecmp(data, "MAIL", 4) == 0)
		rp->stage = ST_MAIL;
	else if (size >= 4 && strncasecmp(data, "DATA", 4) == 0)
		rp->stage = ST_DATA;
	else if (rp->stage != ST_DATA)	/* EHLO, STARTTLS, AUTH, RSET, QUIT */
		rp->stage = ST_SESSION;
}

static int
debug_cb(CURL *c, curl_infotype type, char *data, size_t size, void *arg)
{
	struct replies *rp = arg;
	size_t i, start = 0;

	(void)c;
	if (type == CURLINFO_HEADER_OUT)
		command_out(rp, data, size);
	if (type != CURLINFO_HEADER_IN)
		return 0;
	for (i = 0; i <= size; i++) {
		if (i == size || data[i] == '\n') {
			size_t end = i;

			while (end > start && (data[end - 1] == '\r' ||
			    data[end - 1] == '\n'))
				end--;
			if (end > start)
				reply_line(rp, data + start, end - start);
			start = i + 1;
		}
	}
	return 0;
}

/* Copies s into err without control characters. */
static void
set_err(char *err, size_t errlen, const char *s)
{
	size_t i;

	if (err == NULL || errlen == 0)
		return;
	snprintf(err, errlen, "%s", s);
	for (i = 0; err[i] != '\0'; i++)
		if ((unsigned char)err[i] < 0x20)
			err[i] = ' ';
}

/*
 * A 5xx is about the recipient only when it answers RCPT; at DATA or after
 * the data it refuses this message; at the greeting, EHLO, STARTTLS, AUTH
 * or MAIL it says the relay will not take our mail at all (a relay that
 * wants TLS or a login, a blocked sender): a setup problem to retry, not
 * a reason to give up on every recipient queued meanwhile.
 */
static enum md_smtp_result
classify(CURLcode rc, long code, const struct replies *rp)
{
	if (rc == CURLE_OK)
		return MD_SMTP_SENT;
	if (code < 500 || code > 599 || rp->fail[0] == '\0')
		return MD_SMTP_TEMPFAIL;	/* 4xx, timeouts, refused, TLS, ... */
	switch (rp->fail_stage) {
	case ST_RCPT:
		return MD_SMTP_PERMFAIL;
	case ST_DATA:
		return MD_SMTP_REFUSED;
	default:
		return MD_SMTP_TEMPFAIL;
	}
}

/* Sets every option of one submission; CURLE_OK or the first failure. */
static CURLcode
setup(CURL *c, const char *relay, int timeout_ms, const char *from,
    struct curl_slist *rcpts, struct upload *u, struct replies *rp,
    char *curlerr)
{
	CURLcode rc = CURLE_OK;

#define SET(opt, val) if (rc == CURLE_OK) rc = curl_easy_setopt(c, opt, val)
	SET(CURLOPT_URL, relay);
	/* Whatever the URL says, curl speaks nothing but SMTP (conf_keys.c checks too). */
	SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	SET(CURLOPT_PROXY, "");		/* no proxy, whatever the environment says */
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	SET(CURLOPT_MAIL_FROM, from);
	SET(CURLOPT_MAIL_RCPT, rcpts);
	SET(CURLOPT_MAIL_RCPT_ALLLOWFAILS, 0L);
	SET(CURLOPT_UPLOAD, 1L);
	SET(CURLOPT_READFUNCTION, read_cb);
	SET(CURLOPT_READDATA, u);
	/*
	 * No CURLOPT_INFILESIZE: curl 7.88 counts the upload as done when the
	 * bytes it wrote (after dot-stuffing, so more than the message) reach
	 * the announced size, and then sends the "." early - truncating a
	 * large message with leading dots, and skipping the commit hook.  The
	 * read callback's 0 ends the data instead.
	 */
	SET(CURLOPT_ERRORBUFFER, curlerr);
	SET(CURLOPT_DEBUGFUNCTION, debug_cb);
	SET(CURLOPT_DEBUGDATA, rp);
	SET(CURLOPT_VERBOSE, 1L);	/* feeds debug_cb; nothing is printed */
	/* Kept open between mails, but never idle long enough for the relay's
	 * own timeout (Postfix: 300 s) to close it under us. */
	SET(CURLOPT_MAXAGE_CONN, 30L);
#undef SET
	return rc;
}

struct md_smtp {
	CURL		*c;
	struct replies	 rp;	/* lives as long as c: curl may talk at cleanup */
	md_smtp_commit_fn commit;
	void		*commit_arg;
	int		 uncertain;	/* last submit: see md_smtp_uncertain() */
};

int
md_smtp_uncertain(const struct md_smtp *s)
{
	return s->uncertain;
}

void
md_smtp_set_commit(struct md_smtp *s, md_smtp_commit_fn fn, void *arg)
{
	s->commit = fn;
	s->commit_arg = arg;
}

struct md_smtp *
md_smtp_new(void)
{
	struct md_smtp *s = calloc(1, sizeof *s);

	md_smtp_global_init();
	if (s != NULL && (s->c = curl_easy_init()) == NULL) {
		free(s);
		s = NULL;
	}
	return s;
}

void
md_smtp_free(struct md_smtp *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->c);	/* QUIT on an open connection */
	free(s);
}

/* What one transfer did, for md_smtp_submit's retry decision. */
struct outcome {
	CURLcode	rc;
	int		reused;		/* over a connection kept from before */
	int		committed;	/* the commit hook ran: the "." may follow */
	curl_off_t	sent;		/* message bytes uploaded */
	long		elapsed_ms;
};

/* One transfer on s's handle. */
static enum md_smtp_result
transfer(struct md_smtp *s, const char *relay, int timeout_ms, const char *from,
    struct curl_slist *rcpts, const char *data, size_t len, struct outcome *o,
    char *err, size_t errlen)
{
	struct upload u = { data, len, 0, 0, 0, s->commit, s->commit_arg, 0, 0 };
	char curlerr[CURL_ERROR_SIZE];
	long code = 0, fresh = 1;
	curl_off_t usec = 0;
	enum md_smtp_result res;

	memset(&s->rp, 0, sizeof s->rp);
	memset(o, 0, sizeof *o);
	curlerr[0] = '\0';
	set_err(err, errlen, "");
	u.add_crlf = len < 2 || memcmp(data + len - 2, "\r\n", 2) != 0;
	o->rc = setup(s->c, relay, timeout_ms, from, rcpts, &u, &s->rp, curlerr);
	if (o->rc == CURLE_OK)
		o->rc = curl_easy_perform(s->c);
	curl_easy_getinfo(s->c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(s->c, CURLINFO_NUM_CONNECTS, &fresh);
	curl_easy_getinfo(s->c, CURLINFO_SIZE_UPLOAD_T, &o->sent);
	curl_easy_getinfo(s->c, CURLINFO_TOTAL_TIME_T, &usec);
	/* The handle outlives this frame: no pointers into it stay behind. */
	curl_easy_setopt(s->c, CURLOPT_READDATA, NULL);
	curl_easy_setopt(s->c, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(s->c, CURLOPT_MAIL_RCPT, NULL);
	o->reused = fresh == 0;
	o->committed = u.committed;
	o->elapsed_ms = (long)(usec / 1000);
	res = classify(o->rc, code, &s->rp);
	/*
	 * Failed after the hook let the "." go, without the relay's verdict
	 * on the data (a timeout or a reset while waiting for it: the last
	 * reply is still the 354): the relay may have the message.
	 */
	s->uncertain = res != MD_SMTP_SENT && u.committed && !u.commit_failed &&
	    (code < 400 || code > 599);
	if (res != MD_SMTP_SENT) {
		if (s->rp.fail[0] != '\0' && (code < 200 || code >= 400))
			set_err(err, errlen, s->rp.fail);
		else
			set_err(err, errlen, curlerr[0] ? curlerr :
			    curl_easy_strerror(o->rc));
	}
	return res;
}

/*
 * A kept connection the relay dropped while idle: it fails at once, on
 * the first command, with a broken connection or the relay's "421" on its
 * way out, before any of the message went out.
 */
static int
dead_kept_connection(const struct md_smtp *s, const struct outcome *o)
{
	if (!o->reused || o->committed || o->sent != 0)
		return 0;
	if (s->rp.fail[0] != '\0')
		return strncmp(s->rp.fail, "421", 3) == 0;
	return o->rc == CURLE_SEND_ERROR || o->rc == CURLE_RECV_ERROR ||
	    o->rc == CURLE_GOT_NOTHING;
}

enum md_smtp_result
md_smtp_submit(struct md_smtp *s, const char *relay, int timeout_ms,
    const char *mail_from, const char *rcpt, const char *data, size_t len,
    char *err, size_t errlen)
{
	struct curl_slist *rcpts = NULL;
	char from[512], to[512];
	enum md_smtp_result res;
	struct outcome o;

	set_err(err, errlen, "");
	if (s != NULL)
		s->uncertain = 0;
	if (s == NULL || relay == NULL || rcpt == NULL || *rcpt == '\0' || data == NULL) {
		set_err(err, errlen, "bad arguments");
		return MD_SMTP_PERMFAIL;
	}
	if (snprintf(from, sizeof from, "<%s>", mail_from ? mail_from : "") >=
	    (int)sizeof from || snprintf(to, sizeof to, "<%s>", rcpt) >=
	    (int)sizeof to || strpbrk(to, "\r\n") != NULL ||
	    strpbrk(from, "\r\n") != NULL) {
		set_err(err, errlen, "invalid sender or recipient address");
		return MD_SMTP_PERMFAIL;
	}
	if ((rcpts = curl_slist_append(NULL, to)) == NULL) {
		set_err(err, errlen, "out of memory");
		return MD_SMTP_TEMPFAIL;
	}
	res = transfer(s, relay, timeout_ms, from, rcpts, data, len, &o, err, errlen);
	/*
	 * Nothing of the message went out, so one more try on a new
	 * connection cannot deliver it twice.  It gets only the time left, so
	 * a submission never takes longer than timeout_ms: the outbox lets
	 * other senders claim an entry only after that.
	 */
	if (res == MD_SMTP_TEMPFAIL && dead_kept_connection(s, &o) &&
	    o.elapsed_ms + 10 < timeout_ms)
		res = transfer(s, relay, timeout_ms - (int)o.elapsed_ms, from, rcpts,
		    data, len, &o, err, errlen);
	curl_slist_free_all(rcpts);
	return res;
}

enum md_smtp_result
md_smtp_send(const char *relay, int timeout_ms, const char *mail_from,
    const char *rcpt, const char *data, size_t len, char *err, size_t errlen)
{
	struct md_smtp *s = md_smtp_new();
	enum md_smtp_result res;

	if (s == NULL) {
		set_err(err, errlen, "out of memory");
		return MD_SMTP_TEMPFAIL;
	}
	res = md_smtp_submit(s, relay, timeout_ms, mail_from, rcpt, data, len, err,
	    errlen);
	md_smtp_free(s);
	return res;
}
