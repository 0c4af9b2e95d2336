/*
 * milter.h - state shared by the maildesk-milter callbacks.
 *
 * Two small structs with one owner each: struct conn_ctx lives from connect
 * to close (smfi_setpriv), struct msg_ctx from MAIL FROM to end of message
 * or abort.  msg_free() is idempotent because libmilter may call abort after
 * a completed eom, and close without connect.
 */
#ifndef MD_MILTER_H
#define MD_MILTER_H

#include <sys/socket.h>
#include <netinet/in.h>

#include <libmilter/mfapi.h>

#include "buf.h"
#include "conf.h"
#include "projects.h"
#include "resolve.h"

#define MAX_DESK_RCPTS	50	/* desk recipients per message; more get 452 */
/*
 * Each distinct desk recipient is a record with its own copy of the raw
 * message and text, built and sent at end of message at once: their raw
 * bytes together may not pass this (per message; the SIZE= of MAIL FROM,
 * else max_message_size, is the size counted).  Past it RCPT gets 452 and
 * the client sends the rest in another transaction.
 */
#define RECORD_BUDGET	(64UL * 1024 * 1024)

struct msg_ctx {
	char		 mail_from[MD_ADDR_MAX + 1];	/* normalized, "" = null sender */
	int		 authenticated;			/* {auth_authen} was set */
	int		 bad_sender;			/* MAIL FROM we cannot parse */
	size_t		 size_hint;			/* SIZE= of MAIL FROM, 0 = none */
	struct md_desk_rcpt rcpts[MAX_DESK_RCPTS];	/* distinct desk recipients */
	size_t		 nrcpts;
	char		 rcpt_args[MAX_DESK_RCPTS][MD_ADDR_MAX + 8];	/* every desk RCPT as
							   sent, for smfi_delrcpt */
	size_t		 ndel;
	size_t		 nother;			/* ordinary recipients */
	md_buf		 raw;				/* headers + body as received */
	int		 oversize;
	/* trust.c: per-message checks run once, at the first desk recipient */
	int		 checked;
	int		 trusted;			/* authenticated or trusted network */
	sfsistat	 sender_verdict;		/* SPF/rate result replayed for later rcpts */
	const char	*sender_code, *sender_xcode;
	char		 sender_text[600];
	char		 spf[16];			/* result name, "" = not checked */
	char		*received_spf;
	int		 allowlisted;			/* some project allow-lists the sender */
	/* for the verdict line (reply.c) */
	const char	*cur_rcpt;			/* RCPT argument being judged, or NULL */
	char		 message_id[256];		/* known at end of message, "" before */
};

struct conn_ctx {
	char		 client_ip[64];		/* "" when unknown (local submission) */
	struct sockaddr_storage addr;
	int		 has_addr;
	char		 helo[256];
	unsigned long	 pflags;		/* negotiated protocol flags (SMFIP_NR_*) */
	struct msg_ctx	*msg;
};

/* Process-wide state, set up by main() before smfi_main(). */
struct milter_globals {
	struct md_config	 cfg;
	struct md_redis_pool	*pool;
	struct md_alias_cache	*aliases;
	struct md_addr_format	 fmt;
};
extern struct milter_globals G;

void	msg_free(struct conn_ctx *cc);
/* Connections whose context is still alive (open or finishing). */
int	md_milter_sessions(void);

/* callbacks.c */
extern struct smfiDesc md_milter_desc;

#endif
