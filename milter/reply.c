/*
 * reply.c - escaped, bounded smfi_setreply.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "reply.h"

sfsistat
md_reply(SMFICTX *ctx, const char *code, const char *xcode, const char *text,
    sfsistat status)
{
	char buf[512];
	size_t o = 0;
	const char *p;

	for (p = text; *p != '\0' && o + 2 < sizeof buf; p++) {
		if (*p == '%') {
			buf[o++] = '%';
			buf[o++] = '%';
		} else if (*p == '\r' || *p == '\n' || (unsigned char)*p < 0x20) {
			buf[o++] = ' ';
		} else if ((unsigned char)*p >= 0x7f) {
			/* SMTP replies are ASCII; an SPF explanation from the
			 * sender's DNS may be anything. */
			buf[o++] = '?';
		} else {
			buf[o++] = *p;
		}
	}
	buf[o] = '\0';
	if (smfi_setreply(ctx, (char *)code, (char *)xcode, buf) != MI_SUCCESS)
		md_log(LOG_WARNING, "smfi_setreply(%s %s) failed; the MTA uses its default text",
		    code, xcode);
	return status;
}

sfsistat
md_reject(SMFICTX *ctx, const char *code, const char *xcode, const char *text)
{
	return md_reply(ctx, code, xcode, text, SMFIS_REJECT);
}

sfsistat
md_tempfail(SMFICTX *ctx, const char *xcode, const char *text)
{
	return md_reply(ctx, "451", xcode, text, SMFIS_TEMPFAIL);
}
