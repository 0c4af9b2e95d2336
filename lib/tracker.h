/*
 * tracker.h - the Redis-backed issue tracker: records in, issues out.
 *
 * Every change is one Lua script call, so an issue, its notes, indexes,
 * keys and the outbound mails it causes appear together or not at all, and
 * a record replayed after a crash never creates a second issue (the
 * Message-ID is the idempotency key).  Keys are listed in
 * doc/redis-schema.md ("Tracker").
 *
 * Return convention of the functions below: 0 success, MD_TRK_NOTFOUND when
 * the project, issue or queue entry does not exist, -1 on any other error
 * (Redis unreachable, bad argument, script error).  err receives a one-line
 * sentence on both failures ("no such issue acme#12").  Nothing logs.
 */
#ifndef MD_TRACKER_H
#define MD_TRACKER_H

#include <stddef.h>

#include "address.h"
#include "conf.h"
#include "record.h"
#include "redis.h"

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
 * "": the record is not in the stream, nothing is acknowledged).  On 0 the
 * result is in Redis and the entry is XACKed and XDELed in the same atomic
 * step.  On -1 nothing was written and the entry stays pending; err says
 * why (a bad record, an unknown project or key, Redis trouble).
 *
 * kind=new records that answer an existing issue of their project (by
 * In-Reply-To/References or by the "[project#n]" subject tag from a
 * subscriber) are filed as notes like kind=reply ones; see
 * doc/conversation.md for all the rules.
 */
int	md_tracker_ingest(struct md_redis *r, const struct md_config *cfg,
	    const char *entry_id, const struct md_record *rec,
	    struct md_ingest *out, char *err, size_t errlen);

/*
 * md_tracker_ingest for the records of one inbox read, in order; runs of
 * new requests that do not depend on each other share their round trips
 * to Redis (tracker_newreq.c).  Each item gets rc and out or err as
 * md_tracker_ingest would give them.
 */
struct md_ingest_item {
	const char		*entry_id;
	const struct md_record	*rec;
	struct md_ingest	 out;
	int			 rc;
	char			 err[512];
};
void	md_tracker_ingest_batch(struct md_redis *r, const struct md_config *cfg,
	    struct md_ingest_item *items, size_t n);

/* ---- reading issues ----------------------------------------------------- */

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
	char	*flags;
	char	*source;	/* inbox entry id it came from */
	int	 confidential;
	long	 created;	/* unix time */
	long	 updated;
};

struct md_note {
	char	 id[32];	/* stream id in ...:notes */
	char	*author;
	char	*author_email;
	char	*kind;		/* customer | public | internal | system */
	char	*text;
	char	*message_id;
	long	 created;
	int	 attachments;
	char	*raw;		/* customer notes: the original message */
	size_t	 raw_len;
	char	*full_text;	/* customer notes: the text before quoted history
				   was trimmed off ("" when nothing was cut) */
	char	*flags;		/* comma separated; "sender_mismatch": the From
				   address does not subscribe to the issue */
};

struct md_issue_att {
	long	 n;		/* 1, 2, ... within the issue */
	char	*filename;
	char	*content_type;
	size_t	 size;
	int	 stored;	/* 0: over attachment_max_size, data dropped */
	char	*note;		/* note stream id or "description" */
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
	char			*raw;		/* the request as received */
	size_t			 raw_len;
};

struct md_issue_filter {
	const char	*state;		/* "opened", "closed", NULL or "all" */
	const char	*label;		/* NULL: any */
	const char	*customer;	/* NULL: any (address, case-insensitive) */
	const char	*search;	/* NULL: any; ASCII case-insensitive substring
					   of title or description */
	int		 sort_updated;	/* 0: newest created first; 1: recently updated first */
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

int	md_tracker_list(struct md_redis *r, const char *project,
	    const struct md_issue_filter *f, struct md_issue_list *out,
	    char *err, size_t errlen);
void	md_issue_list_free(struct md_issue_list *l);

int	md_tracker_get(struct md_redis *r, const char *project, long iid,
	    struct md_issue_full *out, char *err, size_t errlen);
void	md_issue_full_free(struct md_issue_full *f);
void	md_issue_free(struct md_issue *i);

/* One attachment with its bytes (*data malloc'd; NULL when not stored);
 * with data, att->size is the length of *data. */
int	md_tracker_attachment(struct md_redis *r, const char *project, long iid,
	    long n, struct md_issue_att *att, char **data, char *err, size_t errlen);
void	md_issue_att_free(struct md_issue_att *a);

/* "acme#12" -> project, iid.  0 or -1. */
int	md_issue_ref_parse(const char *ref, char *project, size_t projlen, long *iid);

/* ---- changing issues (CLI, web) ------------------------------------------ */

/*
 * Adds a note.  A public note queues a "new_note" mail to every subscribed
 * subscriber (not to bounced or unsubscribed addresses) in the same atomic
 * step; internal notes mail nobody.  author NULL: "Support".  note_id (may
 * be NULL) receives the stream id; *mailed the number of mails queued.
 */
int	md_tracker_note(struct md_redis *r, const struct md_config *cfg,
	    const char *project, long iid, const char *text, int internal,
	    const char *author, char *note_id, size_t idlen, int *mailed,
	    char *err, size_t errlen);

/*
 * Closes (close = 1) or reopens an issue and records a system note.  When
 * the project has notify_state = 1 a close/reopen notice is queued for each
 * subscribed subscriber.  *changed = 0 when it already was in that state.
 */
int	md_tracker_set_state(struct md_redis *r, const struct md_config *cfg,
	    const char *project, long iid, int close, const char *author,
	    int *changed, int *mailed, char *err, size_t errlen);

/* Adds (add = 1) or removes a label; *changed = 0 when nothing changed. */
int	md_tracker_label(struct md_redis *r, const char *project, long iid,
	    const char *label, int add, int *changed, char *err, size_t errlen);
/* 1 if label is acceptable (non-empty, <= MD_LABEL_MAX, no ',' or controls). */
int	md_label_valid(const char *label);

/* ---- queues ------------------------------------------------------------------ */

struct md_group_stats {
	long	consumers;	/* -1: the group does not exist */
	long	pending;
	long	lag;		/* entries not yet delivered; -1 unknown */
	char	last_id[32];
};

struct md_queue_stats {
	long	inbox;		/* XLEN */
	long	outbox;
	long	dead;
	long	automated;
	struct md_group_stats workers;	/* <p>inbox group "workers" */
	struct md_group_stats senders;	/* <p>outbox group "senders" */
};

int	md_queue_stats(struct md_redis *r, struct md_queue_stats *out,
	    char *err, size_t errlen);

struct md_pending {
	char		id[32];
	char		consumer[128];
	long long	idle_ms;
	long		deliveries;
};

/* Pending entries of <p>inbox (outbox = 0) or <p>outbox, oldest first. */
int	md_queue_pending(struct md_redis *r, int outbox, size_t max,
	    struct md_pending **out, size_t *n, char *err, size_t errlen);

struct md_dead {
	char	 id[32];	/* in <p>dead */
	char	*orig_id;	/* the inbox id it had */
	char	*error;
	char	*project;
	char	*kind;
	char	*from;
	char	*subject;
	char	*received;
	long	 failures;
	long	 dead_at;	/* unix time */
};

int	md_queue_dead(struct md_redis *r, size_t max, struct md_dead **out,
	    size_t *n, char *err, size_t errlen);
void	md_dead_free(struct md_dead *d, size_t n);

/*
 * Moves an inbox entry to <p>dead (XADD with error, orig_id, failures,
 * then XACK + XDEL), atomically.  An entry already gone is only XACKed.
 */
int	md_queue_bury(struct md_redis *r, const char *entry_id, const char *error,
	    long failures, char *err, size_t errlen);

/* Puts a dead record back into <p>inbox with its original fields. */
int	md_queue_retry(struct md_redis *r, const char *dead_id, char *new_id,
	    size_t idlen, char *err, size_t errlen);
/* Retries every dead record; *count says how many moved. */
int	md_queue_retry_all(struct md_redis *r, long *count, char *err, size_t errlen);

/*
 * Outbox kinds of automatic mail: caused by incoming mail, not written by
 * a responder.  They count against max_auto_mails_per_hour (the tracker
 * scripts) and are never sent twice (worker/outbox.c).  X(kind) per kind,
 * so the C test and the scripts' Lua table come from this one list.
 */
#define MD_AUTOMATIC_KINDS(X)	X(confirmation) X(notice) X(forward)

/* 1 if an outbox entry of this kind is automatic mail. */
int	md_mail_kind_automatic(const char *kind);

#endif
