/*
 * tracker.h - the tracker of record: records in, issues out.
 *
 * The one interface the worker, the CLI and the web UI use for issues; the
 * implementation (lib/tracker_*.c) keeps them in PostgreSQL (tables in
 * doc/db-schema.md) and keeps the milter's Redis view (lib/store/view.h) in step.
 * No caller sees SQL, so another backend can replace these files.
 *
 * Every change is one PostgreSQL transaction: an issue, its notes, keys,
 * thread index and the outbound mails it causes (the outbox table) appear
 * together or not at all.  A record replayed after a crash is recognised
 * by its project and Message-ID (or dedup key) and only acknowledged.
 *
 * Return convention of the functions below: 0 success, MD_TRK_NOTFOUND when
 * the project, issue or entry does not exist, -1 on any other error
 * (database unreachable, bad argument).  err receives a one-line sentence
 * on both failures ("no such issue acme#12").  Nothing logs.
 */
#ifndef MD_TRACKER_H
#define MD_TRACKER_H

#include <stddef.h>

#include "address.h"
#include "conf.h"
#include "record.h"
#include "store.h"

#define MD_TRK_NOTFOUND	(-2)
#define MD_LABEL_MAX	64	/* bytes; no ',' and no control characters */

/* ---- processing inbox records (the worker) ---------------------------- */

enum md_ingest_kind {
	MD_INGEST_CREATED,	/* new issue */
	MD_INGEST_DUP,		/* Message-ID seen before: only acknowledged */
	MD_INGEST_NOTE,		/* reply filed as a note */
	MD_INGEST_UNSUBSCRIBED,	/* unsubscribe request applied */
	MD_INGEST_AUTOMATED,	/* kept in <p>automated, no issue */
	MD_INGEST_BOUNCE	/* delivery report: a subscriber marked bounced
				   (also kept in <p>automated) */
};

struct md_ingest {
	enum md_ingest_kind kind;
	char	project[MD_PROJECT_MAX + 1];
	long	iid;		/* 0 for automated; for a reply to a closed issue
				   that may not be reopened, the new issue */
	int	mailed;		/* an outbound mail was queued */
	int	retries;	/* optimistic-concurrency retries needed */
};

/*
 * Processes one record read from <p>inbox with stream id entry_id (NULL or
 * "": the record is not in the stream).  On 0 the result is committed in
 * PostgreSQL; the caller then acknowledges the entry (XACK + XDEL), and a
 * replay of it (a crash between commit and XACK) comes out MD_INGEST_DUP.
 * On -1 nothing was written; err says why (a bad record, an unknown
 * project or key, the database unreachable).
 *
 * kind=new records that answer an existing issue of their project (by
 * In-Reply-To/References or by the "[project#n]" subject tag from a
 * subscriber) are filed as notes like kind=reply ones; see
 * doc/conversation.md for all the rules.
 */
int	md_tracker_ingest(struct md_store *st, const struct md_config *cfg,
	    const char *entry_id, const struct md_record *rec,
	    struct md_ingest *out, char *err, size_t errlen);

/*
 * md_tracker_ingest for the records of one inbox read, in order, in one
 * transaction (one commit, so one WAL flush, for the whole read); each
 * record runs under a savepoint, so one that fails writes nothing and does
 * not stop the others.  Each item gets rc and out or err as
 * md_tracker_ingest would give them.  When the commit itself fails every
 * item fails.
 */
struct md_ingest_item {
	const char		*entry_id;
	const struct md_record	*rec;
	struct md_ingest	 out;
	int			 rc;
	char			 err[512];
};
void	md_tracker_ingest_batch(struct md_store *st, const struct md_config *cfg,
	    struct md_ingest_item *items, size_t n);

/* ---- reading issues ----------------------------------------------------- */

/* Flag of an issue or note whose From: neither SPF nor DKIM authenticated
 * (issue 17, doc/sender-identity.md): it may be forged. */
#define MD_TRK_FLAG_UNVERIFIED	"unverified_sender"

/* 1 if the comma separated list (an issue's or note's flags) has the token. */
int	md_trk_has_token(const char *list, const char *tok);

/* Strings are malloc'd and never NULL ("" when the field is absent). */
struct md_issue {
	char	 project[MD_PROJECT_MAX + 1];
	long	 iid;
	char	*title;
	char	*description;
	char	*author;
	char	*customer_email;
	char	*customer_name;
	char	*state;		/* opened | closed */
	char	*labels;	/* comma separated, sorted */
	char	*message_id;	/* the customer's */
	char	*reply_key;
	char	*unsub_key;
	char	*spf;
	char	*score;
	char	*rules;
	char	*flags;		/* comma separated: the milter's ("spam"), and
				   MD_TRK_FLAG_UNVERIFIED */
	char	*source;	/* inbox entry id it came from */
	int	 confidential;
	long	 created;	/* unix time */
	long	 updated;
	/* Responders (issue 18, lib/store/tracker_assign.c). */
	char	*assignee;	/* user name, "" when unassigned */
	char	*priority;	/* low | normal | high | urgent */
	long	 due;		/* first response due (created + the project's
				   first_response), 0: no target */
	long	 first_response_at;	/* the first public reply, 0: none yet */
	int	 overdue;	/* open, unanswered and past due (at reading) */
};

struct md_note {
	char	 id[32];	/* notes.id, decimal */
	char	*author;
	char	*author_email;
	char	*kind;		/* customer | public | internal | system */
	char	*text;
	char	*message_id;
	long	 created;
	int	 attachments;
	char	*raw;		/* NULL: md_tracker_raw() reads it */
	size_t	 raw_len;	/* customer notes: size of the original message
				   (0: none, or removed by retention/purge) */
	char	*full_text;	/* customer notes: the text before quoted history
				   was trimmed off ("" when nothing was cut) */
	char	*flags;		/* comma separated; "sender_mismatch": the From
				   address does not subscribe to the issue;
				   MD_TRK_FLAG_UNVERIFIED */
	char	*via;		/* "email": a responder's answer by email
				   (notify.h); "reply key", "thread": how a
				   customer's mail found the issue; "" */
};

struct md_issue_att {
	long	 n;		/* 1, 2, ... within the issue */
	char	*filename;
	char	*content_type;
	size_t	 size;
	int	 stored;	/* 0: over attachment_max_size, data dropped */
	char	*note;		/* note id or "description" */
};

struct md_subscriber {
	char	*email;
	int	 subscribed;
};

struct md_issue_full {
	struct md_issue		 issue;
	struct md_note		*notes;
	size_t			 nnotes;
	struct md_issue_att	*atts;
	size_t			 natts;
	struct md_subscriber	*subs;
	size_t			 nsubs;
	char			*raw;		/* NULL: md_tracker_raw() reads it */
	size_t			 raw_len;	/* size of the request as received
						   (0: none or removed) */
};

struct md_issue_filter {
	const char	*state;		/* "opened", "closed", NULL or "all" */
	const char	*label;		/* NULL: any */
	const char	*customer;	/* NULL: any (address, case-insensitive) */
	const char	*search;	/* NULL or "": any; else full-text words that
					   must all occur in the title, the description
					   or any note of the issue; results ranked */
	int		 sort_updated;	/* 0: newest created first; 1: recently updated
					   first (a search is ordered by rank) */
	const char	*assignee;	/* NULL: any; "" unassigned; else that user */
	const char	*priority;	/* NULL: any */
	int		 overdue;	/* 1: only overdue issues */
	long		 offset;
	long		 limit;		/* <= 0: 20 */
};

struct md_issue_list {
	struct md_issue	*items;
	size_t		 n;
	long		 total;		/* matches in the requested state */
	long		 opened;	/* matches ignoring the state filter ... */
	long		 closed;	/* ... split by state */
};

int	md_tracker_list(struct md_store *st, const char *project,
	    const struct md_issue_filter *f, struct md_issue_list *out,
	    char *err, size_t errlen);
void	md_issue_list_free(struct md_issue_list *l);

int	md_tracker_get(struct md_store *st, const char *project, long iid,
	    struct md_issue_full *out, char *err, size_t errlen);
void	md_issue_full_free(struct md_issue_full *f);
void	md_issue_free(struct md_issue *i);

/* One attachment with its bytes (*data malloc'd; NULL when not stored);
 * with data, att->size is the length of *data. */
int	md_tracker_attachment(struct md_store *st, const char *project, long iid,
	    long n, struct md_issue_att *att, char **data, char *err, size_t errlen);
void	md_issue_att_free(struct md_issue_att *a);

/*
 * The original message of the request (note_id NULL or "") or of a
 * customer note, *data malloc'd.  MD_TRK_NOTFOUND when there is none (or
 * retention removed it).
 */
int	md_tracker_raw(struct md_store *st, const char *project, long iid,
	    const char *note_id, char **data, size_t *len, char *err, size_t errlen);

/* "acme#12" -> project, iid.  0 or -1. */
int	md_issue_ref_parse(const char *ref, char *project, size_t projlen, long *iid);

/* ---- retention and erasure ------------------------------------------------- */

/*
 * Removes raw messages and attachment bytes of issues closed more than
 * their project's retention_days ago (projects without one keep all).
 * *raws and *atts receive the numbers removed.  At most limit issues per
 * call (<= 0: 500), so a big backlog is worked off in short transactions.
 */
int	md_tracker_retention(struct md_store *st, long now, long limit, long *raws,
	    long *atts, char *err, size_t errlen);

/*
 * The search index's catch-up: writes issues.search for up to limit issues
 * filed without it (ingest leaves it to this, so that filing stays cheap;
 * searches compute it meanwhile).  Several indexers may run: rows are
 * taken with SKIP LOCKED.  *done receives the number indexed.
 */
int	md_tracker_index(struct md_store *st, long limit, long *done, char *err,
	    size_t errlen);

struct md_purge_stats {
	long	issues;		/* issues whose customer it was */
	long	notes;		/* notes by that address, text erased */
	long	attachments;
	long	raws;
};

/*
 * Erases a customer's personal data everywhere: bodies and titles of their
 * issues, their notes' text and raw messages, attachments, their address
 * (replaced by "purged-<n>@invalid"), their keys (also from the view),
 * bounce/unsubscribe/automail rows, queued mail to them.  Writes one
 * audit_log line (actor, counts, no address).  0 (also when nothing
 * matched) or -1.
 */
int	md_tracker_purge_customer(struct md_store *st, const char *addr,
	    const char *actor, struct md_purge_stats *out, char *err, size_t errlen);

/* ---- changing issues (CLI, web) ------------------------------------------ */

/*
 * Adds a note.  A public note queues a "new_note" mail to every subscribed
 * subscriber (not to bounced or unsubscribed addresses) in the same atomic
 * step; internal notes mail nobody.  author NULL: "Support".  note_id (may
 * be NULL) receives the stream id; *mailed the number of mails queued.
 */
int	md_tracker_note(struct md_store *st, const struct md_config *cfg,
	    const char *project, long iid, const char *text, int internal,
	    const char *author, char *note_id, size_t idlen, int *mailed,
	    char *err, size_t errlen);

/*
 * Closes (close = 1) or reopens an issue and records a system note.  When
 * the project has notify_state = 1 a close/reopen notice is queued for each
 * subscribed subscriber.  *changed = 0 when it already was in that state.
 */
int	md_tracker_set_state(struct md_store *st, const struct md_config *cfg,
	    const char *project, long iid, int close, const char *author,
	    int *changed, int *mailed, char *err, size_t errlen);

/* Adds (add = 1) or removes a label; *changed = 0 when nothing changed. */
int	md_tracker_label(struct md_store *st, const char *project, long iid,
	    const char *label, int add, int *changed, char *err, size_t errlen);
/* 1 if label is acceptable (non-empty, <= MD_LABEL_MAX, no ',' or controls). */
int	md_label_valid(const char *label);
/* md_tracker_label with the author of the system note (NULL: "Support"). */
int	md_tracker_label_by(struct md_store *st, const char *project, long iid,
	    const char *label, int add, const char *author, int *changed, char *err,
	    size_t errlen);

/* ---- responders: ownership, priority, title, participants (issue 18) ------ */

/*
 * Every change below is one transaction that locks the issue, writes the
 * change and a system note by author (NULL: "Support") saying what changed;
 * *changed = 0 (may be NULL) when it already was so (no note then).
 */

/*
 * Sets the assignee (user NULL or "": unassigns).  The user must be a
 * member of the project or a site admin: MD_TRK_NOTFOUND otherwise ("no
 * such member"), as for a missing issue.  lib/store/tracker_assign.c.
 */
int	md_tracker_assign(struct md_store *st, const char *project, long iid,
	    const char *user, const char *author, int *changed, char *err,
	    size_t errlen);
/* low | normal | high | urgent (md_priority_valid, validate.h). */
int	md_tracker_set_priority(struct md_store *st, const char *project, long iid,
	    const char *priority, const char *author, int *changed, char *err,
	    size_t errlen);
/* A new title (md_title_problem, validate.h, says what is refused). */
int	md_tracker_set_title(struct md_store *st, const char *project, long iid,
	    const char *title, const char *author, int *changed, char *err,
	    size_t errlen);
/*
 * Adds (add = 1) or removes a participant (Cc): a subscriber with their own
 * keys, mailed like the customer.  The customer cannot be removed (they
 * unsubscribe themselves); desk addresses are refused.
 */
int	md_tracker_participant(struct md_store *st, const struct md_config *cfg,
	    const char *project, long iid, const char *email, int add,
	    const char *author, int *changed, char *err, size_t errlen);
/*
 * Puts the issue's customer address on the project's block list
 * (lib/store/lists.c, the view too) and leaves a system note.  *entry (may be
 * NULL) receives the address blocked.
 */
int	md_tracker_block_sender(struct md_store *st, const char *project, long iid,
	    const char *author, char *entry, size_t entrylen, int *changed,
	    char *err, size_t errlen);

/*
 * "My work" of user (admin: sees every project): their assigned open
 * issues and the unassigned open issues of their projects, oldest due
 * first (issues without a due time last, oldest first).  At most limit
 * (<= 0: 200).
 */
int	md_tracker_mywork(struct md_store *st, const char *user, int admin,
	    long limit, struct md_issue_list *out, char *err, size_t errlen);

/*
 * Outbox kinds of automatic mail: caused by incoming mail, not written by
 * a responder.  They count against max_auto_mails_per_hour (the automail
 * table; not "notify", the responders' notifications of lib/store/notify.c, which
 * are capped by their events) and are never sent twice (worker/outbox.c).
 * X(kind) per kind,
 * so the C test and the scripts' Lua table come from this one list.
 */
#define MD_AUTOMATIC_KINDS(X)	X(confirmation) X(notice) X(forward) X(notify)

/* 1 if an outbox entry of this kind is automatic mail. */
int	md_mail_kind_automatic(const char *kind);

#endif
