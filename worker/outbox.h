/*
 * outbox.h - the sender loop: the outbox table -> SMTP relay, with retries.
 *
 * The tracker inserts one row per mail into the PostgreSQL table outbox
 * (lib/store/outbox_store.h) in the transaction of the issue or note it belongs
 * to: kind (confirmation | note | close | reopen | notice | forward, see
 * doc/conversation.md for which are automatic and capped), project, iid,
 * rcpt, mail_from (the recipient's reply address, VERP, so a bounce names
 * the subscriber; "" for the null sender), message_id, data (the complete
 * message from md_compose(), CRLF lines) and created.  The loop claims due
 * rows, sends them and records how each ended; sent rows are kept a week
 * for admins.  Several loops (threads of one worker, or several workers on
 * several hosts) may run against the same table.
 */
#ifndef MD_OUTBOX_H
#define MD_OUTBOX_H

#include <signal.h>

#include "conf.h"

/*
 * Sends until *stop becomes non-zero (checked between messages, so a send
 * in progress is finished and recorded first).  Database or relay outages
 * are waited out, never busy-looped.  Returns 0 after a stop, -1 when it
 * cannot start at all (out of memory).
 */
int	md_outbox_run(const struct md_config *cfg, volatile sig_atomic_t *stop);

#endif
