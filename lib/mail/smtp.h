/*
 * smtp.h - submit one message to the configured relay (libcurl SMTP).
 *
 * The result tells the outbox what to do: SENT (ack it), TEMPFAIL (keep it,
 * retry later with backoff: 4xx, connection refused, timeout, TLS trouble)
 * or PERMFAIL (5xx from the relay: record on the issue, never retry).
 */
#ifndef MD_SMTP_H
#define MD_SMTP_H

#include <stddef.h>

/*
 * SENT: the relay took it.  TEMPFAIL: try again later (4xx, no answer, and
 * a 5xx before RCPT: the relay refuses our session or sender, which is
 * ours to fix).  PERMFAIL: the relay refused the recipient (5xx to RCPT).
 * REFUSED: the relay refused this message for good (5xx to DATA or to the
 * data), which says nothing about the recipient.
 */
enum md_smtp_result { MD_SMTP_SENT = 0, MD_SMTP_TEMPFAIL = 1, MD_SMTP_PERMFAIL = 2,
	MD_SMTP_REFUSED = 3 };

/* Once per process, before threads (curl_global_init). */
void	md_smtp_global_init(void);

/*
 * relay: "smtp://host:port" (or smtps://; a path names the EHLO domain,
 * e.g. "smtp://127.0.0.1:25/desk.example").  timeout_ms bounds the whole
 * submission.  mail_from may be "" (null sender).  err receives a one-line
 * reason: the relay's reply when it refused (starting with its 3-digit
 * code, e.g. "550 5.1.1 <x@y>: Recipient address rejected"), else curl's
 * description ("Failed to connect to ...", "Timeout was reached").
 */
enum md_smtp_result md_smtp_send(const char *relay, int timeout_ms,
	    const char *mail_from, const char *rcpt,
	    const char *data, size_t len, char *err, size_t errlen);

/*
 * The same over a kept connection: an outbox thread sends every mail
 * through one struct md_smtp (not shared between threads).  A connection
 * the relay closed while idle is replaced without counting as a failure.
 */
struct md_smtp;
struct md_smtp *md_smtp_new(void);

/*
 * fn(arg) runs once per transfer, after the whole message went to curl and
 * before the final "." that makes the relay take it: the last moment at
 * which the caller can still be sure nothing was delivered.  Returning -1
 * aborts the transfer (TEMPFAIL; without the dot the relay drops it).
 */
typedef int (*md_smtp_commit_fn)(void *arg);
void	md_smtp_set_commit(struct md_smtp *s, md_smtp_commit_fn fn, void *arg);

/*
 * After a failed md_smtp_submit: 1 when the hook had let the "." go and no
 * 4xx/5xx answer to the data came back (timeout, connection lost), so the
 * relay may have taken the message; 0 when it certainly did not.
 */
int	md_smtp_uncertain(const struct md_smtp *s);
void	md_smtp_free(struct md_smtp *s);
enum md_smtp_result md_smtp_submit(struct md_smtp *s, const char *relay,
	    int timeout_ms, const char *mail_from, const char *rcpt,
	    const char *data, size_t len, char *err, size_t errlen);

#endif
