/*
 * tracker_signature.h - responders' signatures under their public notes
 * (tracker_signature.c; users.signature).
 */
#ifndef MD_TRACKER_SIGNATURE_H
#define MD_TRACKER_SIGNATURE_H

#include <stddef.h>

struct md_store;

/*
 * The registered address and the signature of user author (both "" when
 * author is no user), malloc'd.  0, or -1 with err (nothing allocated).
 */
int	md_trk_user_signature(struct md_store *st, const char *author,
	    char **email, char **sig, char *err, size_t errlen);

/* text with sig under it after a blank line (sig "": a copy), malloc'd;
 * NULL on ENOMEM. */
char	*md_trk_sign(const char *text, const char *sig);

/*
 * text with author's signature under it when author is a user with one,
 * else a copy (malloc'd); NULL with err.  For the public notes of
 * md_tracker_note (web, CLI).
 */
char	*md_trk_signed(struct md_store *st, const char *author, const char *text,
	    char *err, size_t errlen);

#endif
