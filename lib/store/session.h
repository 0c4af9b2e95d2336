/*
 * session.h - web UI login sessions, in the sessions table of the tracker
 * of record (id, username, csrf, created, expires).
 *
 * The id (cookie md_session) and the CSRF token are 256 random bits each,
 * written as 64 lower-case hex characters.  The lifetime is absolute: a
 * session ends session_ttl seconds after the login, used or not, so a
 * stolen cookie cannot be kept alive forever.
 */
#ifndef MD_SESSION_H
#define MD_SESSION_H

#include <stddef.h>

#include "users.h"

struct md_store;

#define MD_SESSION_ID_LEN	64
#define MD_CSRF_LEN		64

struct md_session {
	char	id[MD_SESSION_ID_LEN + 1];
	char	user[MD_USER_MAX + 1];
	char	csrf[MD_CSRF_LEN + 1];
	long	created;
};

/* 1 if s has the form of a session id or CSRF token (64 hex digits). */
int	md_session_token_valid(const char *s);
/* Creates a session for user lasting ttl seconds; 0 or -1. */
int	md_session_create(struct md_store *st, const char *user, int ttl,
	    struct md_session *out);
/* 1 found (out filled), 0 unknown/expired/malformed id, -1 database error. */
int	md_session_get(struct md_store *st, const char *id, struct md_session *out);
/* Deletes the session; 0 (also if it did not exist) or -1. */
int	md_session_destroy(struct md_store *st, const char *id);
/* Ends every session of user (a password change, a deletion); 0 or -1. */
int	md_session_destroy_user(struct md_store *st, const char *user);
/* Compares a CSRF token with the session's in constant time: 1 equal, else 0. */
int	md_session_csrf_ok(const struct md_session *s, const char *token);

#endif
