/*
 * notify_keys.h - responders' reply and comment keys (notify_keys.c): the
 * addresses in a notification through which a responder answers by mail
 * (a public comment or an internal note), kept in PostgreSQL and put into
 * the milter's view like customers' reply keys.
 */
#ifndef MD_NOTIFY_KEYS_H
#define MD_NOTIFY_KEYS_H

#include <stddef.h>
#include <libpq-fe.h>

#include "store.h"
#include "tracker.h"

struct md_rkey {
	long	 issue_id;
	char	 project[MD_PROJECT_MAX + 1];
	long	 iid;
	char	 username[64 + 1];
	int	 internal;		/* came through the comment key */
};

/*
 * The responder key: 1 found (out filled), 0 not a responder key, -1.
 * Looked up in PostgreSQL, never in the view.
 */
int	md_rkey_lookup(struct md_store *st, const char *key, struct md_rkey *out,
	    char *err, size_t errlen);

/*
 * The keys of user for issue_id, made (and put into the view, before the
 * caller's commit) when there are none yet.  reply and comment receive
 * MD_KEY_LEN + 1 bytes.  project, iid and email for the view.
 */
int	md_rkey_get(struct md_store *st, long issue_id, const char *project,
	    long iid, const char *user, const char *email, char *reply, char *comment,
	    char *err, size_t errlen);

/* Every responder key into the view (view rebuild); *n the keys written. */
int	md_rkey_view_rebuild(struct md_store *st, long *n, char *err, size_t errlen);
/*
 * Takes keys out of the view, after the commit that ended them: the rows
 * of res are (reply_key, comment_key, project, iid, email, username).
 */
int	md_rkey_view_del_rows(struct md_store *st, PGresult *res, char *err,
	    size_t errlen);

#endif
