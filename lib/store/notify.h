/*
 * notify.h - responders hear of their issues by mail and answer by mail
 * (issue 18; doc/conversation.md, "Responders").
 *
 * Notifications go to project members (project_members) with an address
 * (users.email), as their preference says (users.notify):
 *   all   new requests in their projects, customer replies on issues
 *         assigned to them or unassigned, assignments to them;
 *   mine  customer replies on issues assigned to them, assignments to them
 *         (and new requests already assigned to them);
 *   none  nothing.
 * Never for automated mail or spam, never to the issue's subscribers (the
 * customer), never to the desk's own addresses, never twice for one event
 * (the notifications table has one row per event and user).  Each mail is
 * an outbox row (kind "notify") written in the transaction of the event.
 *
 * A notification's Reply-To is the responder's reply address for the issue
 * (support+r-<reply_key>@): an answer there becomes a public comment,
 * mailed to the customer as one typed in the web UI.  Its body names the
 * comment address (support+r-<comment_key>@): an answer there becomes an
 * internal note.  Both keys live in the milter's view as <p>rkey:<key>
 * like the subscribers' reply keys (the milter accepts them unchanged),
 * with the fields "responder" and "mode"; the worker resolves them in
 * PostgreSQL (responder_keys).  An answer is taken only when its From: is
 * the responder's registered address and the milter authenticated it
 * (sender_auth=yes: SPF or DKIM aligned with the From: domain) and the
 * responder is still a member; anything else becomes an internal note
 * flagged "unverified_responder" and mails nobody.
 *
 * Functions taking a struct md_trk_issue run inside the caller's
 * transaction, with the issue's row locked.  0 or -1 with err.
 */
#ifndef MD_NOTIFY_H
#define MD_NOTIFY_H

#include <stddef.h>

#include "tracker_int.h"

enum md_notify_pref {
	MD_NOTIFY_ALL = 0,
	MD_NOTIFY_MINE,
	MD_NOTIFY_NONE
};

/* "all" / "mine" / "none". */
const char *md_notify_name(enum md_notify_pref p);
/* 0 and *out set, or -1 for an unknown name. */
int	md_notify_parse(const char *s, enum md_notify_pref *out);

enum md_notify_event {
	MD_NOTIFY_NEW = 0,	/* a new request (ref: issues.id) */
	MD_NOTIFY_REPLY,	/* a customer's answer (ref: its notes.id) */
	MD_NOTIFY_ASSIGN	/* assigned to someone (ref: the system note's id) */
};

struct md_notify {
	enum md_notify_event	 ev;
	long			 ref;		/* event identity, see above */
	const char		*who;		/* the customer ("Name <addr>") or,
						   for ASSIGN, the actor (NULL ok) */
	const char		*text;		/* the customer's text, trimmed; NULL:
						   rec's, trimmed when somebody is to
						   be mailed */
	const struct md_record	*rec;		/* NULL ok */
	struct md_trk_rec	*batch;		/* filing a record: the statement is
						   prepared on its connection; NULL ok */
	const char		*assignee;	/* ASSIGN: the user assigned */
	const char		*flags;		/* the note's flags, shown (NULL ok) */
};

/*
 * Queues the notifications of one event about issue b.  *n (may be NULL)
 * receives the number of mails queued.
 */
int	md_trk_notify(struct md_store *st, const struct md_trk_issue *b,
	    const struct md_notify *ev, int *n, char *err, size_t errlen);

/*
 * The hooks of the tracker's paths, each inside its transaction: a new
 * issue (tracker_newreq.c) and a customer's answer filed as note_id with
 * its trimmed text and flags (tracker_reply.c).  Nothing for records that
 * md_notify_record_ok refuses.
 */
int	md_trk_notify_new(struct md_trk_rec *r, long issue_id, const char *project,
	    long iid, const char *title);
int	md_trk_notify_reply(struct md_trk_rec *r, const struct md_trk_issue *b,
	    long note_id, const char *text, const char *flags);

/*
 * "Assigned to you" for md_tracker_assign: assignee was just assigned by
 * actor (NULL: nobody known); nothing when they assigned themselves.
 * note_id: the id of the assignment's system note (the event).
 */
int	md_trk_notify_assigned(struct md_store *st, const struct md_trk_issue *b,
	    const char *assignee, const char *actor, long note_id, char *err,
	    size_t errlen);

/* 1 if addr cannot be a responder's address: unparsable, or one of the
 * desk's own (support+...@desk_domain). */
int	md_notify_desk_addr(const struct md_config *cfg, const char *addr);

/* 1 if the record may cause notifications at all (not automated, not
 * spam, not from the null sender). */
int	md_notify_record_ok(const struct md_record *rec);

/* Responder keys: notify_keys.h. */

/* Responders' notes and their answers by email: responder_reply.h. */

#endif
