/*
 * users.h - web UI accounts, in the users table of the tracker of record:
 * name, password (libsodium crypto_pwhash_str, argon2id), role
 * (admin|responder), created (unix time).
 *
 * Passwords never leave this file in clear and are never logged.  All
 * functions return -1 on a database failure and never log; functions
 * taking err write a one-line reason there.  A password change or the
 * deletion of a user ends every session of that user (session.h).
 */
#ifndef MD_USERS_H
#define MD_USERS_H

#include <stddef.h>


struct md_store;

#define MD_USER_MAX	64	/* names: [a-z0-9][a-z0-9._-]{0,63} */
#define MD_PASSWORD_MIN	8	/* bytes */
#define MD_PASSWORD_MAX	1024	/* bytes; bounds the hashing work per login */

enum md_role {
	MD_ROLE_RESPONDER = 0,	/* comment, close/reopen, label */
	MD_ROLE_ADMIN		/* also project settings and templates */
};

struct md_user {
	char		name[MD_USER_MAX + 1];
	enum md_role	role;
	long		created;
};

/* 1 if name is a valid user name. */
int	md_user_name_valid(const char *name);
/* "admin" / "responder". */
const char *md_role_name(enum md_role role);
/* 0 and *out set, or -1 for an unknown role name. */
int	md_role_parse(const char *s, enum md_role *out);

/* 0 created; -1 with err (exists, invalid name/password, database error). */
int	md_user_add(struct md_store *st, const char *name, enum md_role role,
	    const char *password, char *err, size_t errlen);
/* 0 changed; -1 with err (no such user, invalid password, database error);
 * ends the user's sessions. */
int	md_user_passwd(struct md_store *st, const char *name, const char *password,
	    char *err, size_t errlen);
/* 0 changed; -1 with err. */
int	md_user_set_role(struct md_store *st, const char *name, enum md_role role,
	    char *err, size_t errlen);
/* 0 deleted; -1 with err (no such user, database error); 1 deleted, but
 * the view's responder domains could not be synced (err says so and that
 * `maildesk view rebuild` mends it).  The user's sessions go with it. */
int	md_user_del(struct md_store *st, const char *name, char *err, size_t errlen);
/* 1 found (out filled), 0 no such user, -1 database error. */
int	md_user_get(struct md_store *st, const char *name, struct md_user *out);
/* malloc'd array sorted by name (caller frees); 0 or -1 with err. */
int	md_user_list(struct md_store *st, struct md_user **users, size_t *n,
	    char *err, size_t errlen);
/*
 * What a responder set for notifications and answers by email (issue 18,
 * notify.h): their address ("" none: no notifications, no answers by
 * email), notify (all, mine or none) and the signature under their public
 * replies ("" none).  Strings malloc'd.
 */
#define MD_SIGNATURE_MAX	2000	/* bytes */
struct md_user_prefs {
	char	*email;
	char	*notify;
	char	*signature;
};
/* 1 found (out filled), 0 no such user, -1 with err. */
int	md_user_prefs_get(struct md_store *st, const char *name,
	    struct md_user_prefs *out, char *err, size_t errlen);
void	md_user_prefs_free(struct md_user_prefs *p);
/*
 * Sets what is not NULL of email, notify and signature in one statement,
 * after checking them all: 0 changed, -1 with err, 1 changed but the
 * view's responder domains could not be synced (err says so and that
 * `maildesk view rebuild` mends it).  An address is stored
 * lower case, "" removes it, one address belongs to one user, and the
 * desk's own addresses are refused; notify is all, mine or none; a
 * signature ("" none) is UTF-8 without NUL, at most MD_SIGNATURE_MAX.
 */
int	md_user_set_prefs(struct md_store *st, const char *name, const char *email,
	    const char *notify, const char *signature, char *err, size_t errlen);

/*
 * Checks a login: 1 the password matches (out filled), 0 unknown user or
 * wrong password (indistinguishable, also in time), -1 database error.
 */
int	md_user_verify(struct md_store *st, const char *name, const char *password,
	    struct md_user *out);

#endif
