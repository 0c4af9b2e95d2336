/*
 * responder_reply.h - responders' notes and their answers by email
 * (responder_reply.c; the rules are notify.h's).  In the caller's
 * transaction, issue b locked; 0 or -1 with err.
 */
#ifndef MD_RESPONDER_REPLY_H
#define MD_RESPONDER_REPLY_H

#include <stddef.h>

#include "tracker_int.h"

struct md_rkey;

/*
 * A responder's note on issue b: internal, or public and mailed to every
 * subscriber like a comment typed in the web UI, with the author's
 * signature (users.signature) under the text when author is a user who
 * has one.  via: "" (web, CLI) or "email"; flags (NULL ok).  *id the
 * note's id, *mailed the mails queued (both may be NULL).
 */
struct md_resp_note {
	const char	*author;	/* user name (or "Support") */
	const char	*author_email;	/* NULL: the user's */
	const char	*text;
	int		 internal;
	const char	*via;
	const char	*flags;
	long		 raw_id;	/* raw_messages.id, 0: none */
};
int	md_trk_responder_note(struct md_store *st, const struct md_trk_issue *b,
	    const struct md_resp_note *n, long *id, int *mailed, char *err,
	    size_t errlen);

/* A responder's answer by email (record kind "reply" through a responder
 * key k, looked up by md_rkey_lookup): files it under notify.h's rules. */
int	md_trk_responder_answer(struct md_trk_rec *r, const struct md_rkey *k);

#endif
