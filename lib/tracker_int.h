/*
 * tracker_int.h - what the tracker_*.c files share and nobody else needs.
 *
 * The Lua scripts live in tracker_scripts.c (the conversation ones in
 * tracker_conv_scripts.c); argv building and the outbound-mail rendering
 * in tracker_util.c; who gets which mail about an issue in tracker_mail.c;
 * customer replies, bounces and threading in tracker_reply.c.
 */
#ifndef MD_TRACKER_INT_H
#define MD_TRACKER_INT_H

#include <stddef.h>

#include "buf.h"
#include "conf.h"
#include "record.h"
#include "redis.h"
#include "template.h"
#include "tracker.h"

extern struct md_script md_trk_create_script;
extern struct md_script md_trk_reserve_script;
extern struct md_script md_trk_reply_script;
extern struct md_script md_trk_automated_script;
extern struct md_script md_trk_note_script;
extern struct md_script md_trk_state_script;
extern struct md_script md_trk_label_script;
extern struct md_script md_trk_list_script;
extern struct md_script md_trk_bury_script;
extern struct md_script md_trk_retry_script;
extern struct md_script md_trk_answer_script;

/* Chain of Message-IDs kept per subscriber (References stays short). */
#define MD_TRK_CHAIN_MAX	10

/* A growable argument vector for md_redis_eval; strings are copied. */
struct md_args {
	const char	**v;
	size_t		 *len;
	int		  n;
	int		  cap;
	char		**owned;	/* copies to free */
	int		  nowned;
	int		  err;		/* sticky ENOMEM */
};

void	md_args_init(struct md_args *a);
void	md_args_free(struct md_args *a);
/* Binary-safe copy of p[0..n). */
void	md_args_addn(struct md_args *a, const char *p, size_t n);
void	md_args_add(struct md_args *a, const char *s);	/* NULL adds "" */
void	md_args_addf(struct md_args *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Reserves one slot and returns its index (for counts filled in later). */
int	md_args_slot(struct md_args *a);
void	md_args_setf(struct md_args *a, int slot, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* What one outbound mail about an issue needs. */
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
	int		 tpl_given;	/* the project's templates are below (the
					   reserve step read them), not in Redis */
	const char	*tpl_body;	/* NULL or "": the built-in one */
	const char	*tpl_subject;
};

/*
 * Renders the template (the project's own from <p>templates:<project>, else
 * the built-in one) and composes the mail: out receives the RFC 5322 text,
 * msgid the new Message-ID (without <>).  0 or -1 with err.
 */
int	md_trk_render(struct md_redis *r, const struct md_config *cfg,
	    const struct md_trk_mail *m, char *msgid, size_t msgidlen,
	    md_buf *out, char *err, size_t errlen);

/*
 * Adds the five outbox arguments of one mail (rcpt, message_id, data,
 * mail_from, kind) to a.  The envelope sender is the recipient's own reply
 * address when rkey is set (VERP: a bounce names the subscriber), else the
 * project address.
 */
void	md_trk_add_mail(struct md_args *a, const struct md_config *cfg,
	    const char *project, const char *kind, const char *rcpt,
	    const char *rkey, const char *msgid, const md_buf *data);

/* What mails about an issue need from its hash; strings never NULL. */
struct md_trk_issue {
	char	*title;
	char	*description;
	char	*message_id;
	char	*customer_email;
	char	*customer_name;
	char	*state;
};

/* 0, MD_TRK_NOTFOUND (err "no such issue p#n") or -1. */
int	md_trk_issue_load(struct md_redis *r, const char *project, long iid,
	    struct md_trk_issue *b, char *err, size_t errlen);
void	md_trk_issue_free(struct md_trk_issue *b);

/* Which subscribers md_trk_mails renders for. */
struct md_trk_rcpts {
	const char	*only;		/* just this address, whatever its state
					   (the script re-checks), or NULL: every
					   subscribed address */
	const char	*except;	/* skip this address, or NULL */
};

/*
 * Renders a mail of template tk (outbox kind ok) for the chosen
 * subscribers, each with its own keys and its own In-Reply-To/References
 * chain, and appends the 5-tuples to a (no count: *n gets the number of
 * mails, the caller fills its slot).  prefix (or NULL) goes above the
 * template's body.  Desk addresses are never mailed.
 */
int	md_trk_mails(struct md_redis *r, const struct md_config *cfg,
	    const char *project, long iid, const struct md_trk_issue *b,
	    enum md_template_kind tk, const char *ok, const char *note_text,
	    const char *prefix, const struct md_trk_rcpts *who, struct md_args *a,
	    int *n, char *err, size_t errlen);

/* 1 if addr is in the desk domain (never a recipient, never a participant). */
int	md_trk_is_desk(const struct md_config *cfg, const char *addr);

/* Runs a script whose reply is an array starting with a status string. */
redisReply *md_trk_run(struct md_redis *r, struct md_script *s, struct md_args *a,
	    size_t minel, char *err, size_t errlen);

/* A desk address: <local><sep><prefix><arg>@<domain>. */
void	md_trk_desk_addr(const struct md_config *cfg, const char *prefix,
	    const char *arg, char *out, size_t outlen);

/* ---- records (tracker_ingest.c, tracker_reply.c) ---- */

/* The sender's address, lower case: From, else the envelope sender. */
void	md_trk_sender(const struct md_record *rec, char *out, size_t outlen);
/* name, value of a record field. */
void	md_trk_add_field(struct md_args *a, const char *name,
	    const struct md_record *rec, enum md_field f);
/* The counted attachment 5-tuples of the record's raw message.  0 / -1. */
int	md_trk_add_atts(struct md_args *a, const struct md_config *cfg,
	    const struct md_record *rec);
/* 1 if the comma separated list has the token. */
int	md_trk_has_token(const char *list, const char *tok);

/*
 * New requests that do not depend on each other (tracker_newreq.c), their
 * script calls pipelined.  Each gets rc 0 (result in *out) or -1 (err).
 * out->project must be set and valid.
 */
struct md_trk_newreq {
	const char		*entry;
	const struct md_record	*rec;
	long			 follows;	/* as for md_trk_ingest_new */
	struct md_ingest	*out;
	char			*err;
	size_t			 errlen;
	int			 rc;
};
void	md_trk_ingest_new_batch(struct md_redis *r, const struct md_config *cfg,
	    struct md_trk_newreq *in, size_t n);
/*
 * A new issue from rec.  follows > 0: the sender wrote to that closed
 * issue of the same project, which may not be reopened; both issues get a
 * system note and the confirmation says so.
 */
int	md_trk_ingest_new(struct md_redis *r, const struct md_config *cfg,
	    const char *entry, const struct md_record *rec, long follows,
	    struct md_ingest *out, char *err, size_t errlen);
/* kind=unsubscribe (also the web's one-click). */
int	md_trk_ingest_unsub(struct md_redis *r, const struct md_config *cfg,
	    const char *entry, const struct md_record *rec, struct md_ingest *out,
	    char *err, size_t errlen);
/* kind=reply, or kind=new threaded to an issue (tracker_reply.c). */
int	md_trk_ingest_answer(struct md_redis *r, const struct md_config *cfg,
	    const char *entry, const struct md_record *rec, const char *project,
	    long iid, const char *key_email, struct md_ingest *out, char *err,
	    size_t errlen);
/*
 * For kind=new: the issue of the same project the record answers, by
 * In-Reply-To/References (<p>thread:<mid>), then by the subject tag
 * "[project#iid]" when the sender subscribes to that issue.  1 found
 * (*iid set), 0 none, -1 Redis error.
 */
int	md_trk_find_thread(struct md_redis *r, const struct md_record *rec,
	    long *iid, char *err, size_t errlen);
/* 0 when md_trk_find_thread would find nothing without asking Redis (no
 * In-Reply-To, no References, no subject tag of the record's project). */
int	md_trk_may_thread(const struct md_record *rec);
/* kind=automated: archived; a delivery report at a reply key marks the
 * subscriber bounced; at an unsubscribe key it unsubscribes. */
int	md_trk_ingest_automated(struct md_redis *r, const struct md_config *cfg,
	    const char *entry, const struct md_record *rec, struct md_ingest *out,
	    char *err, size_t errlen);

/* err <- "redis: <why>" for a NULL or error reply. */
void	md_trk_redis_err(struct md_redis *r, const redisReply *rep, char *err,
	    size_t errlen);

/* A copy of n bytes, or of "" for NULL; NULL only on ENOMEM. */
char	*md_trk_strndup(const char *s, size_t n);

#endif
