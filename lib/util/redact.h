/*
 * redact.h - secrets out of strings that are about to be logged or shown.
 *
 * The relay URL (smtps://user:password@host) and the database conninfo
 * ("host=db password=...", postgresql://user:password@db/maildesk) are
 * worth logging for their host and user, never for their password.
 */
#ifndef MD_REDACT_H
#define MD_REDACT_H

#include <stddef.h>

/*
 * Copies url into out with every password replaced by "***": the one in
 * a URL's user information (smtps://user:secret@host becomes
 * smtps://user:***@host) and the value of each "password=" parameter
 * (libpq's key=value form, quoted or not, and URL queries; "sslpassword="
 * too).  out is always NUL-terminated when outlen > 0; a cut-off copy
 * ends early but never shows part of a password.
 */
void	md_url_redact(const char *url, char *out, size_t outlen);
/* 1 when md_url_redact() would hide something in url, else 0. */
int	md_url_has_secret(const char *url);

#endif
