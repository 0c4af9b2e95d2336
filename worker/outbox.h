/*
 * outbox.h - the sender loop: outbox stream -> SMTP relay, with retries.
 *
 * The tracker XADDs one entry per mail to <prefix>outbox with the fields
 *   kind        confirmation | note | close | reopen | notice | forward
 *               (doc/conversation.md: which are automatic and capped)
 *   project     "acme"
 *   iid         "12"
 *   rcpt        envelope recipient, customer@example.org
 *   mail_from   envelope sender: the recipient's reply address (VERP, so
 *               a bounce names the subscriber); "" for the null sender
 *   message_id  the Message-ID inside data (without <>), for the logs
 *   data        the complete message from md_compose() (CRLF lines)
 *   created     unix time of the XADD
 * The loop consumes them in the consumer group "senders" and deletes each
 * entry once it is sent or has failed permanently.  Several loops (in one
 * or several workers) may run against the same stream.
 */
#ifndef MD_OUTBOX_H
#define MD_OUTBOX_H

#include <signal.h>

#include "conf.h"

/*
 * Sends until *stop becomes non-zero (checked between messages, so a send
 * in progress is finished and recorded first).  Redis or relay outages are
 * waited out, never busy-looped.  Returns 0 after a stop, -1 when it
 * cannot start at all (out of memory).
 */
int	md_outbox_run(const struct md_config *cfg, volatile sig_atomic_t *stop);

#endif
