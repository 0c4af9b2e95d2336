/*
 * record.h - the structured record the milter writes to the inbox stream.
 *
 * One XADD per accepted message per desk recipient.  Fields are flat
 * name/value pairs so "redis-cli XRANGE maildesk:inbox - +" is readable;
 * doc/redis-schema.md describes each one.  Values are binary safe (raw
 * holds the message as received, NULs included).
 */
#ifndef MD_RECORD_H
#define MD_RECORD_H

#include <stddef.h>

#define MD_RECORD_VERSION "1"

enum md_field {
	MD_F_V = 0,		/* schema version */
	MD_F_ID,		/* <queue id>:<rcpt> */
	MD_F_QUEUE_ID,
	MD_F_RECEIVED,		/* RFC 3339 UTC */
	MD_F_CLIENT_IP,
	MD_F_HELO,
	MD_F_MAIL_FROM,		/* envelope sender, "" = null sender */
	MD_F_RCPT,		/* the desk recipient, normalized */
	MD_F_KIND,		/* new | reply | unsubscribe | automated */
	MD_F_PROJECT,
	MD_F_KEY,		/* reply/unsubscribe key from the address */
	MD_F_SPF,		/* pass | fail | softfail | neutral | none | temperror | permerror | skipped */
	MD_F_RECEIVED_SPF,	/* Received-SPF style line */
	MD_F_DKIM,		/* "pass <d=>" | fail | none | temperror | skipped */
	MD_F_DMARC,		/* pass | fail | none | temperror | permerror | skipped */
	MD_F_SENDER_AUTH,	/* yes | no: SPF or DKIM pass aligned with From: */
	MD_F_SCORE,		/* decimal */
	MD_F_RULES,		/* "NAME=weight,NAME=weight" */
	MD_F_AUTO_REASON,	/* why the message counts as automated */
	MD_F_MESSAGE_ID,
	MD_F_IN_REPLY_TO,
	MD_F_REFERENCES,
	MD_F_FROM,		/* "Name <addr>" */
	MD_F_FROM_ADDR,
	MD_F_FROM_NAME,
	MD_F_REPLY_TO,
	MD_F_CC,
	MD_F_SUBJECT,
	MD_F_TEXT,
	MD_F_ATTACHMENTS,	/* count */
	MD_F_FLAGS,		/* comma separated: parse_error, html_only, spam, ... */
	MD_F_RAW,		/* full message as received */
	MD_F_COUNT
};

struct md_record {
	char	*val[MD_F_COUNT];	/* NULL = unset (encoded as "") */
	size_t	 len[MD_F_COUNT];
};

/* Field name on the wire ("subject"). */
const char *md_record_field_name(enum md_field f);
/* Field by name, or -1. */
int	 md_record_field_by_name(const char *name, size_t len);

void	 md_record_init(struct md_record *r);
void	 md_record_free(struct md_record *r);
/* Copies; 0 or -1 (ENOMEM). */
int	 md_record_set(struct md_record *r, enum md_field f, const char *s);
int	 md_record_setn(struct md_record *r, enum md_field f, const char *p, size_t n);
int	 md_record_setf(struct md_record *r, enum md_field f, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Never NULL: "" when unset. */
const char *md_record_get(const struct md_record *r, enum md_field f);
size_t	 md_record_len(const struct md_record *r, enum md_field f);

/*
 * Fills argv/lens with name,value pairs of every field (2*MD_F_COUNT
 * entries) for redisCommandArgv; returns the number of entries written.
 * The pointers stay owned by r.
 */
int	 md_record_to_argv(const struct md_record *r, const char **argv,
	    size_t *lens, int max);
/* Sets the fields from a flat name,value,... list (an XREADGROUP entry). */
int	 md_record_from_pairs(struct md_record *r, size_t n,
	    const char *const *items, const size_t *lens);

#endif
