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
 *   tracker_record.c  what all of those need (sender, dedup key, keys for
 *                     the view, attachments, visible text, key lookups,
 *                     prepared statements); it calls none of them;
 *   tracker_render.c  templates and composing a mail;
 *   tracker_get.c     reading one issue, tracker_bytes.c its bytes,
 *                     tracker_rows.c issue rows (tracker_rows.h);
 *   tracker.c         freeing what tracker.h hands out, issue references;
 *   tracker_edit.c    responders' changes (their frame and system notes:
 *                     tracker_change.c);
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

/* A page of the web UI: base_url without its trailing slashes, then the
 * path fmt makes ("/%s/issues/%ld"). */
void	md_trk_web_url(const struct md_config *cfg, char *out, size_t outlen,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The start of an issue's title that the subjects of our mails quote:
 * at most MD_TRK_QUOTED_TITLE_MAX bytes, cut on a character boundary. */
#define MD_TRK_QUOTED_TITLE_MAX	200
void	md_trk_quoted_title(const char *title, char *out, size_t outlen);

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

/* The customer's reply as responders should see it: quoted history and
 * signatures trimmed (HTML-aware).  "" for a quote-only reply; NULL: ENOMEM. */
char	*md_trk_visible_text(const struct md_record *rec);

/* The sender's address, lower case: From, else the envelope sender. */
void	md_trk_sender(const struct md_record *rec, char *out, size_t outlen);
/*
 * Whether the record's From: is authenticated (sender_auth, issue 17):
 * 1 yes, 0 no.  A record from a milter older than the field counts as
 * authenticated when SPF passed, as before.
 */
int	md_trk_sender_verified(const struct md_record *rec);
/*
 * 1 when the record says its From: is not authenticated (sender_auth set
 * and not "yes"): such mail is flagged MD_TRK_FLAG_UNVERIFIED on the note
 * or the new issue, reopens nothing and is mailed on to nobody.
 */
int	md_trk_sender_unverified(const struct md_record *rec);

/* ---- filing inbox records (tracker_ingest/newreq/reply/auto.c) ---------- */

/* Keys made while filing one inbox read, written to the view before the
 * commit (one pipelined call for the read). */
struct md_trk_key {
	char	 rkey[MD_KEY_LEN + 1];
	char	 ukey[MD_KEY_LEN + 1];
	char	 project[MD_PROJECT_MAX + 1];
	long	 iid;
	char	*email;
};

struct md_trk_keys {
	struct md_trk_key	*v;
	size_t		 n, cap;
};

/* Forgets the keys past mark (their record was rolled back). */
void	md_trk_keys_truncate(struct md_trk_keys *k, size_t mark);
/* Puts the keys into the milter's view, one pipelined call. */
int	md_trk_keys_put(struct md_store *st, struct md_trk_keys *k, char *err,
	    size_t errlen);
/* Which md_trk statements this connection has prepared (bits). */
int	md_trk_prepared_load(struct md_store *st, unsigned *bits, char *err,
	    size_t errlen);

/* One record being filed, inside the batch's transaction and savepoint. */
struct md_trk_rec {
	struct md_store		*st;
	const struct md_config	*cfg;
	const char		*entry;		/* inbox entry id, "" none */
	const struct md_record	*rec;
	long			 now;
	struct md_trk_keys	*keys;
	unsigned		*prepared;	/* md_trk_stmt bits prepared on the
						   batch's connection */
	struct md_ingest	*out;
	char			*err;
	size_t			 errlen;
};

/*
 * The statements every new request runs, prepared once per connection
 * (their planning cost as much as their execution).  Which ones the
 * connection has is read at the start of each batch's transaction, inside
 * which a transaction-mode pooler keeps the same server connection.
 */
/* MD_TRK_NOTIFY: who is notified of a new request or reply (notify.c). */
enum md_trk_stmt { MD_TRK_CLAIM, MD_TRK_CREATE, MD_TRK_NOTIFY, MD_TRK_NSTMT };

/* md_db_query for statement s (text sql), prepared first if need be. */
PGresult *md_trk_prep_query(struct md_trk_rec *r, enum md_trk_stmt s,
	    const char *sql, const struct md_sqlp *p);

/* Remembers a subscriber's pair of keys for the view; 0 or -1 (ENOMEM). */
int	md_trk_keys_add(struct md_trk_keys *k, const char *project, long iid,
	    const char *email, const char *rkey, const char *ukey);

/* A new request for project (follows > 0: the closed issue of project it
 * answers, the reply's text trimmed); 0 or -1. */
int	md_trk_new_request(struct md_trk_rec *r, const char *project, long follows);
/* 1 if the record has anything that may thread it to an issue. */
int	md_trk_may_thread(const struct md_record *rec);
/* The Message-IDs a mail may answer, as a PostgreSQL array literal
 * appended to arr; 0 or -1 (ENOMEM). */
int	md_trk_thread_ids(const struct md_record *rec, md_buf *arr);
/* The iid of the record's "[project#n]" subject tag, 0 if none. */
long	md_trk_subject_tag(const struct md_record *rec);
/* Takes the row locks a batch of records needs, in the one order every
 * writer follows (tracker_lock.c); 0 or -1. */
int	md_trk_lock_batch(struct md_store *st, const struct md_ingest_item *items,
	    size_t n, char *err, size_t errlen);
/* The issue (of the record's project) a new mail answers: 1 (iid set), 0, -1. */
int	md_trk_find_thread(struct md_trk_rec *r, long *iid);
/* Claims the record for issue_id of project in filed_messages: 1 new,
 * 0 filed before (a replay), -1 (tracker_record.c). */
int	md_trk_file_once(struct md_trk_rec *r, const char *project, long issue_id);
/* An answer to project's issue iid; key_email: whose reply key it came
 * through ("" none).  0 or -1. */
int	md_trk_answer(struct md_trk_rec *r, const char *project, long iid,
	    const char *key_email);
/* Unsubscribe requests and automated mail (tracker_auto.c); 0 or -1. */
int	md_trk_unsubscribe(struct md_trk_rec *r);
int	md_trk_automated(struct md_trk_rec *r);

/*
 * The issue a reply (unsub = 0) or unsubscribe key names, from PostgreSQL
 * (a key only the view has is unknown): 1 found, 0 unknown, -1 error.
 * email receives MD_ADDR_MAX + 1 bytes.
 */
int	md_trk_key_issue(struct md_store *st, const char *key, int unsub,
	    char *project, long *iid, long *issue_id, char *email, char *err,
	    size_t errlen);

/*
 * The idempotency key of a record: its Message-ID, else "sha1:" and the
 * hex SHA-1 of the raw message without its Received: header fields
 * (malloc'd; NULL on ENOMEM).
 */
char	*md_trk_msg_key(const struct md_record *rec);

/*
 * The title for a customer's subject: at most MD_TRK_TITLE_MAX characters,
 * cut on a character boundary, "(no subject)" for none (malloc'd; NULL on
 * ENOMEM).  *cut = 1 when something was cut off.
 */
#define MD_TRK_TITLE_MAX	255
char	*md_trk_title(const char *subject, int *cut);

/* chain with mid appended (moved to the end when there), oldest dropped
 * past MD_TRK_CHAIN_MAX.  0 or -1 (ENOMEM). */
int	md_trk_chain_add(const char *chain, const char *mid, md_buf *out);

/* What one outbound mail about an issue needs (tracker_render.c). */
struct md_trk_mail {
	enum md_template_kind kind;
	const char	*project;
	long		 iid;
	const char	*title;
	const char	*description;
	const char	*note_text;
	const char	*rcpt;
	const char	*rcpt_name;
	const char	*rkey;
	const char	*ukey;
	const char	*thread_id;	/* In-Reply-To (the customer's Message-ID
					   when nothing later is known) */
	const char	*refs;		/* References, space separated; NULL:
					   thread_id */
	const char	*prefix;	/* text put above the template's body, or NULL */
	const char	*tpl_body;	/* the project's template; NULL or "": the
					   built-in one */
	const char	*tpl_subject;
};

/* Renders and composes one mail: out the RFC 5322 text, msgid the new
 * Message-ID (without <>).  0 or -1 with err. */
int	md_trk_render(const struct md_config *cfg, const struct md_trk_mail *m,
	    char *msgid, size_t msgidlen, md_buf *out, char *err, size_t errlen);

/* The envelope sender of a mail to a subscriber: their reply address (VERP)
 * when rkey is set, else the project address. */
void	md_trk_mail_from(const struct md_config *cfg, const char *project,
	    const char *rkey, char *out, size_t outlen);

/*
 * Counts one automatic mail to email against max_auto_mails_per_hour
 * (the automail table, a fixed window of an hour): *over = 1 when this
 * one is past the cap.  cap <= 0: no cap, nothing counted.  0 or -1.
 */
int	md_trk_automail(struct md_store *st, const char *email, int cap, long now,
	    int *over, char *err, size_t errlen);

/* Appends the PostgreSQL array literal of the n strings to b; 0 or -1. */
int	md_trk_array(md_buf *b, const char *const *v, size_t n);

/* Stores the attachments of a record (parsed only when the milter counted
 * some) for issue_id and note_id (0: the request); *n the count.  0 or -1. */
int	md_trk_store_atts(struct md_store *st, const struct md_config *cfg,
	    const struct md_record *rec, long issue_id, long note_id, int *n,
	    char *err, size_t errlen);

#endif
