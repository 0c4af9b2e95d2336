/*
 * tracker_int.h - what the tracker_*.c files share and nobody else needs.
 *
 * Every function here runs inside the caller's PostgreSQL transaction
 * (md_db_begin .. md_db_commit on st->db) unless it says otherwise; none
 * commits.  Who owns what:
 *   tracker_mail.c    who gets which mail about an issue, rendering
 *                     (templates), the outbox rows, threading chains;
 *   tracker_notes.c   note rows and system notes;
 *   tracker_ingest.c  records sorted by kind; the batch transaction;
 *   tracker_newreq.c  new requests -> issues;
 *   tracker_reply.c   answers, threading lookups;
 *   tracker_auto.c    automated mail, delivery reports, unsubscribes;
 *   tracker.c         reading issues; tracker_edit.c responders' changes;
 *   tracker_purge.c   retention and erasure; tracker_search.c the list query.
 */
#ifndef MD_TRACKER_INT_H
#define MD_TRACKER_INT_H

#include <stddef.h>

#include "buf.h"
#include "conf.h"
#include "db.h"
#include "record.h"
#include "store.h"
#include "template.h"
#include "tracker.h"

/* Chain of Message-IDs kept per subscriber (References stays short). */
#define MD_TRK_CHAIN_MAX	10

/* What mails about an issue need (issues row); strings never NULL. */
struct md_trk_issue {
	long	 id;		/* issues.id */
	char	 project[MD_PROJECT_MAX + 1];
	long	 iid;
	char	*title;
	char	*description;
	char	*message_id;
	char	*customer_email;
	char	*customer_name;
	char	*state;
};

/*
 * Loads the issue; lock = 1 takes its row lock (SELECT ... FOR UPDATE),
 * which every writer of an existing issue does first, so changes to one
 * issue are serialised.  0, MD_TRK_NOTFOUND (err "no such issue p#n"), -1.
 */
int	md_trk_issue_load(struct md_store *st, const char *project, long iid,
	    int lock, struct md_trk_issue *b, char *err, size_t errlen);
void	md_trk_issue_free(struct md_trk_issue *b);

/* Which subscribers md_trk_mails renders for. */
struct md_trk_rcpts {
	const char	*only;		/* just this address (if it may be mailed),
					   or NULL: every subscribed address */
	const char	*except;	/* skip this address, or NULL */
};

/*
 * Renders a mail of template tk (outbox kind ok: confirmation, note,
 * close, reopen, notice, forward) for the chosen subscribers of issue b
 * that may be mailed (subscribed, not in bounced or unsubscribed, not a
 * desk address; automatic kinds also under max_auto_mails_per_hour, else
 * a system note says why), each with their own keys and their own
 * In-Reply-To/References chain, and inserts one outbox row per mail.  The
 * new Message-IDs go into threads and the chains.  prefix (or NULL) goes
 * above the template's body.  *n receives the number of mails queued.
 */
int	md_trk_mails(struct md_store *st, const struct md_trk_issue *b,
	    enum md_template_kind tk, const char *ok, const char *note_text,
	    const char *prefix, const struct md_trk_rcpts *who, int *n, char *err,
	    size_t errlen);

/* 1 if addr is in the desk domain (never a recipient, never a participant). */
int	md_trk_is_desk(const struct md_config *cfg, const char *addr);

/* A desk address: <local><sep><prefix><arg>@<domain>. */
void	md_trk_desk_addr(const struct md_config *cfg, const char *prefix,
	    const char *arg, char *out, size_t outlen);

/* A note row (tracker_notes.c). */
struct md_trk_note {
	const char	*author;
	const char	*author_email;	/* NULL: "" */
	const char	*kind;		/* customer | public | internal | system */
	const char	*text;
	const char	*full_text;	/* NULL: "" */
	const char	*message_id;	/* NULL: "" */
	const char	*via;		/* NULL: "" */
	const char	*flags;		/* NULL: "" */
	int		 attachments;
	long		 raw_id;	/* raw_messages.id, 0: none */
};

/* Inserts the note and sets the issue's updated time; *id (may be NULL). */
int	md_trk_note_add(struct md_store *st, long issue_id, const char *project,
	    const struct md_trk_note *n, long *id, char *err, size_t errlen);
/* A system note by "Support Bot". */
int	md_trk_system_note(struct md_store *st, long issue_id, const char *project,
	    const char *text, char *err, size_t errlen);

/* The sender's address, lower case: From, else the envelope sender. */
void	md_trk_sender(const struct md_record *rec, char *out, size_t outlen);
/* 1 if the comma separated list has the token. */
int	md_trk_has_token(const char *list, const char *tok);

/* A copy of n bytes, or of "" for NULL; NULL only on ENOMEM. */
char	*md_trk_strndup(const char *s, size_t n);

#endif
