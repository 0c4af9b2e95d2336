/*
 * tracker_int.h - what the tracker_*.c files share and nobody else needs.
 *
 * The Lua scripts live in tracker_scripts.c; argv building and the
 * outbound-mail rendering in tracker_util.c.
 */
#ifndef MD_TRACKER_INT_H
#define MD_TRACKER_INT_H

#include <stddef.h>

#include "buf.h"
#include "conf.h"
#include "redis.h"
#include "template.h"

extern struct md_script md_trk_create_script;
extern struct md_script md_trk_reply_script;
extern struct md_script md_trk_automated_script;
extern struct md_script md_trk_note_script;
extern struct md_script md_trk_state_script;
extern struct md_script md_trk_label_script;
extern struct md_script md_trk_list_script;
extern struct md_script md_trk_bury_script;
extern struct md_script md_trk_retry_script;

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
	const char	*thread_id;	/* customer's Message-ID: In-Reply-To */
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
 * mail_from, kind) to a.
 */
void	md_trk_add_mail(struct md_args *a, const struct md_config *cfg,
	    const char *project, const char *kind, const char *rcpt,
	    const char *msgid, const md_buf *data);

/* The envelope sender of our mail: the project's desk address. */
void	md_trk_desk_addr(const struct md_config *cfg, const char *prefix,
	    const char *arg, char *out, size_t outlen);

/* err <- "redis: <why>" for a NULL or error reply. */
void	md_trk_redis_err(struct md_redis *r, const redisReply *rep, char *err,
	    size_t errlen);

/* A copy of n bytes, or of "" for NULL; NULL only on ENOMEM. */
char	*md_trk_strndup(const char *s, size_t n);

#endif
