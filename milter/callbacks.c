/*
 * callbacks.c - the libmilter callbacks: thin glue between the SMTP dialogue
 * and lib/.  Decisions live in lib/ (resolve, ingest, inbox) and eom.c.
 *
 * Cost model: for a message without desk recipients the milter answers
 * ACCEPT at DATA, so Postfix sends neither headers nor body.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "address.h"
#include "log.h"
#include "milter.h"
#include "milter_metrics.h"
#include "policy.h"
#include "reply.h"

static struct conn_ctx *
conn_of(SMFICTX *ctx)
{
	return (struct conn_ctx *)smfi_getpriv(ctx);
}

void
msg_free(struct conn_ctx *cc)
{
	struct msg_ctx *m;

	if (cc == NULL || cc->msg == NULL)
		return;
	m = cc->msg;
	/* Once per message, whatever its end: SPF ran at its first desk recipient. */
	if (m->spf[0] != '\0')
		md_milter_count_spf(m->spf);
	md_buf_free(&m->raw);
	free(m->received_spf);
	free(m);
	cc->msg = NULL;
}

/* Connection contexts alive (main.c waits for them at shutdown). */
static int live_sessions;

int
md_milter_sessions(void)
{
	return __atomic_load_n(&live_sessions, __ATOMIC_SEQ_CST);
}

/* A new connection context for ctx, counted; NULL when out of memory. */
static struct conn_ctx *
conn_new(SMFICTX *ctx)
{
	struct conn_ctx *cc = calloc(1, sizeof *cc);

	if (cc != NULL) {
		__atomic_add_fetch(&live_sessions, 1, __ATOMIC_SEQ_CST);
		smfi_setpriv(ctx, cc);
	}
	return cc;
}

/*
 * SMFIS_NOREPLY is only legal for steps negotiated as no-reply; an MTA that
 * did not offer the flag (old Sendmail, miltertest) gets CONTINUE instead.
 */
static sfsistat
noreply(const struct conn_ctx *cc, unsigned long nr_bit)
{
	return (cc != NULL && (cc->pflags & nr_bit) != 0) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat
mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	unsigned long want = SMFIF_DELRCPT;
	/* Steps we never answer save a round trip each; steps we never need are skipped. */
	unsigned long steps = SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL |
	    SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NOUNKNOWN | SMFIP_HDR_LEADSPC;
	struct conn_ctx *cc;

	(void)f2; (void)f3;
	if ((f0 & want) != want) {
		md_log(LOG_ERR, "MTA does not offer SMFIF_DELRCPT; refusing to run");
		return SMFIS_REJECT;
	}
	*pf0 = want;
	*pf1 = steps & f1;
	if ((cc = conn_of(ctx)) == NULL && (cc = conn_new(ctx)) == NULL)
		return SMFIS_TEMPFAIL;
	cc->pflags = *pf1;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat
mlfi_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	struct conn_ctx *cc = conn_of(ctx);

	(void)hostname;
	/* negotiate normally allocates it; stay usable if it did not run */
	if (cc == NULL && (cc = conn_new(ctx)) == NULL)
		return SMFIS_CONTINUE;	/* envfrom tempfails without a context */
	msg_free(cc);
	cc->has_addr = 0;
	cc->client_ip[0] = '\0';
	cc->helo[0] = '\0';
	/* hostaddr is NULL for local submissions and unknown address families. */
	if (hostaddr != NULL && hostaddr->sa_family == AF_INET) {
		memcpy(&cc->addr, hostaddr, sizeof(struct sockaddr_in));
		inet_ntop(AF_INET, &((struct sockaddr_in *)hostaddr)->sin_addr,
		    cc->client_ip, sizeof cc->client_ip);
		cc->has_addr = 1;
	} else if (hostaddr != NULL && hostaddr->sa_family == AF_INET6) {
		memcpy(&cc->addr, hostaddr, sizeof(struct sockaddr_in6));
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)hostaddr)->sin6_addr,
		    cc->client_ip, sizeof cc->client_ip);
		cc->has_addr = 1;
	}
	return noreply(cc, SMFIP_NR_CONN);
}

static sfsistat
mlfi_helo(SMFICTX *ctx, char *helohost)
{
	struct conn_ctx *cc = conn_of(ctx);

	if (cc != NULL && helohost != NULL)
		snprintf(cc->helo, sizeof cc->helo, "%s", helohost);
	return noreply(cc, SMFIP_NR_HELO);
}

/* The SIZE= the client declared at MAIL FROM (RFC 1870), 0 if none. */
static size_t
size_param(char **argv)
{
	unsigned long long v;
	char *end;
	int i;

	for (i = 1; argv[i] != NULL; i++)
		if (strncasecmp(argv[i], "SIZE=", 5) == 0 && argv[i][5] >= '0' &&
		    argv[i][5] <= '9') {
			errno = 0;
			v = strtoull(argv[i] + 5, &end, 10);
			if (errno == 0 && *end == '\0' && v <= SIZE_MAX)
				return (size_t)v;
		}
	return 0;
}

/*
 * Two recipients that would make the same record: the same project (by
 * its address in any case, or an alias of it), or the same key.
 */
static int
same_desk(const struct md_desk_rcpt *a, const struct md_desk_rcpt *b)
{
	return a->kind == b->kind && strcmp(a->project, b->project) == 0 &&
	    strcmp(a->key, b->key) == 0;
}

/* Distinct desk recipients one message may have, given its size. */
static size_t
max_records(const struct msg_ctx *m)
{
	size_t size = m->size_hint > 0 ? m->size_hint : G.cfg.max_message_size, n;

	if (size < 64 * 1024)
		size = 64 * 1024;
	n = RECORD_BUDGET / size;
	return n < 1 ? 1 : n > MAX_DESK_RCPTS ? MAX_DESK_RCPTS : n;
}

static sfsistat
mlfi_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn_ctx *cc = conn_of(ctx);
	struct msg_ctx *m;
	const char *auth;

	/*
	 * MAIL is a no-reply step: a failure here (no memory) leaves cc->msg
	 * NULL and every recipient then gets 451, so nothing is lost.
	 */
	if (cc == NULL)
		return SMFIS_CONTINUE;
	msg_free(cc);	/* a second message on the same connection starts clean */
	m = calloc(1, sizeof *m);
	if (m == NULL)
		return noreply(cc, SMFIP_NR_MAIL);
	md_buf_init(&m->raw);
	if (md_addr_normalize(argv[0], m->mail_from, sizeof m->mail_from) < 0) {
		/*
		 * Postfix accepts forms we do not (e.g. "<<a@b>>"); its own
		 * parse is in {mail_addr}.  Without one, the sender must not
		 * pass as the null sender (that would skip block lists).
		 */
		const char *pa = smfi_getsymval(ctx, "{mail_addr}");

		if (pa == NULL || md_addr_normalize(pa, m->mail_from, sizeof m->mail_from) < 0 ||
		    m->mail_from[0] == '\0') {
			m->mail_from[0] = '\0';
			m->bad_sender = 1;	/* refused for desk recipients only */
		}
	}
	auth = smfi_getsymval(ctx, "{auth_authen}");
	m->authenticated = auth != NULL && *auth != '\0';
	m->size_hint = size_param(argv);
	cc->msg = m;
	return noreply(cc, SMFIP_NR_MAIL);
}

static struct md_redis *
lease_redis(void *arg)
{
	struct md_redis **lease = arg;

	if (*lease == NULL)
		*lease = md_redis_pool_acquire(G.pool, G.cfg.redis_command_timeout_ms);
	return *lease;
}

static sfsistat
envrcpt(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m, char **argv)
{
	struct md_redis *lease = NULL;
	struct md_resolver res = { G.fmt, G.aliases, lease_redis, &lease };
	struct md_desk_rcpt rcpt;
	enum md_rcpt_verdict v;
	const char *addr;
	char why[256];
	size_t i;

	/*
	 * The decision is made on the RCPT argument as the client sent it
	 * (md_addr_normalize drops a trailing root dot of the domain).  The
	 * MTA's {rcpt_addr} is no substitute: Sendmail puts only the user
	 * part there for its local mailer, so "support+x@desk.example." would
	 * pass as "support+x".  It is asked only when the argument does not
	 * parse (Postfix accepts forms we do not, e.g. "<<a@b>>"), and counts
	 * only when it is a whole address.
	 */
	v = md_resolve_rcpt(&res, argv[0], &rcpt, why, sizeof why);
	if (v == MD_RCPT_PASS && rcpt.addr[0] == '\0' &&
	    (addr = smfi_getsymval(ctx, "{rcpt_addr}")) != NULL && strchr(addr, '@') != NULL)
		v = md_resolve_rcpt(&res, addr, &rcpt, why, sizeof why);
	if (lease != NULL)
		md_redis_pool_release(G.pool, lease);
	switch (v) {
	case MD_RCPT_PASS:
		m->nother++;
		return SMFIS_CONTINUE;
	case MD_RCPT_UNKNOWN:
		md_log(LOG_INFO, "reject RCPT %s from %s [%s]: %s", rcpt.addr,
		    m->mail_from, cc->client_ip, why);
		return md_reject(ctx, "550", "5.1.1",
		    "This support address does not exist or is no longer in use");
	case MD_RCPT_TEMPFAIL:
		md_log(LOG_WARNING, "tempfail RCPT %s: %s", rcpt.addr, why);
		return md_tempfail(ctx, "4.3.0",
		    MD_POLICY_UNAVAILABLE);
	case MD_RCPT_DESK:
		break;
	}
	if (m->bad_sender)
		return md_reject(ctx, "550", "5.1.7",
		    "The sender address is not valid, the support desk cannot answer it");
	/* It must be deleted as sent (smfi_delrcpt): a cut copy would miss. */
	if (strlen(argv[0]) >= sizeof m->rcpt_args[0])
		return md_reject(ctx, "501", "5.1.3", "Recipient address too long");
	for (i = 0; i < m->nrcpts && !same_desk(&m->rcpts[i], &rcpt); i++)
		;
	if (m->ndel == MAX_DESK_RCPTS || (i == m->nrcpts && m->nrcpts == max_records(m)))
		return md_reply(ctx, "452", "4.5.3", "Too many support recipients, send the rest later",
		    SMFIS_TEMPFAIL);
	/* The same desk address again: one record, checked once, deleted each time. */
	if (i == m->nrcpts) {
		sfsistat trust = md_rcpt_trust(ctx, cc, m, &rcpt);

		if (trust != SMFIS_CONTINUE)
			return trust;
		m->rcpts[m->nrcpts++] = rcpt;
	}
	snprintf(m->rcpt_args[m->ndel++], sizeof m->rcpt_args[0], "%s", argv[0]);
	return SMFIS_CONTINUE;
}

static sfsistat
mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn_ctx *cc = conn_of(ctx);
	struct msg_ctx *m = cc ? cc->msg : NULL;
	sfsistat st;

	if (m == NULL)
		return md_tempfail(ctx, "4.3.0", "maildesk: no message state");
	m->cur_rcpt = argv[0];		/* named in the verdict line of a refusal */
	st = envrcpt(ctx, cc, m, argv);
	m->cur_rcpt = NULL;
	return st;
}

static sfsistat
mlfi_data(SMFICTX *ctx)
{
	struct conn_ctx *cc = conn_of(ctx);

	/* Nothing for the desk: let the MTA deliver without us seeing the content. */
	if (cc == NULL || cc->msg == NULL || cc->msg->nrcpts == 0) {
		msg_free(cc);
		return SMFIS_ACCEPT;
	}
	return SMFIS_CONTINUE;
}

static int
raw_add(struct msg_ctx *m, const void *p, size_t n)
{
	if (m->oversize)
		return 0;
	if (m->raw.len + n > G.cfg.max_message_size) {
		m->oversize = 1;
		md_buf_free(&m->raw);	/* no use keeping half a message */
		return 0;
	}
	return md_buf_append(&m->raw, p, n);
}

static sfsistat
mlfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn_ctx *cc = conn_of(ctx);
	struct msg_ctx *m = cc ? cc->msg : NULL;

	/* Replies are negotiated away (NR_HDR): failures surface at eom. */
	if (m != NULL) {
		/* With SMFIP_HDR_LEADSPC the value keeps its original leading space. */
		if (raw_add(m, name, strlen(name)) < 0 || raw_add(m, ":", 1) < 0 ||
		    raw_add(m, value, strlen(value)) < 0 || raw_add(m, "\r\n", 2) < 0)
			m->oversize = -1;	/* ENOMEM: eom tempfails */
	}
	return noreply(cc, SMFIP_NR_HDR);
}

static sfsistat
mlfi_eoh(SMFICTX *ctx)
{
	struct conn_ctx *cc = conn_of(ctx);

	if (cc != NULL && cc->msg != NULL && raw_add(cc->msg, "\r\n", 2) < 0)
		cc->msg->oversize = -1;
	return noreply(cc, SMFIP_NR_EOH);
}

static sfsistat
mlfi_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct conn_ctx *cc = conn_of(ctx);
	struct msg_ctx *m = cc ? cc->msg : NULL;

	if (m == NULL)
		return md_tempfail(ctx, "4.3.0", "maildesk: no message state");
	/* The chunk is only valid during this call: raw_add copies it. */
	if (raw_add(m, chunk, len) < 0)
		return md_tempfail(ctx, "4.3.0", "maildesk: out of memory");
	if (m->oversize > 0) {
		sfsistat st;

		md_log(LOG_INFO, "reject message from %s [%s]: larger than %zu bytes",
		    m->mail_from, cc->client_ip, G.cfg.max_message_size);
		/* Answered before msg_free: the verdict line names the sender. */
		st = md_reject(ctx, "552", "5.3.4", "Message is too big for the support desk");
		msg_free(cc);
		return st;
	}
	return SMFIS_CONTINUE;
}

static sfsistat
mlfi_abort(SMFICTX *ctx)
{
	msg_free(conn_of(ctx));
	return SMFIS_CONTINUE;
}

static sfsistat
mlfi_close(SMFICTX *ctx)
{
	struct conn_ctx *cc = conn_of(ctx);

	/* close can come without connect (e.g. a monitoring probe): cc may be NULL. */
	if (cc != NULL) {
		msg_free(cc);
		free(cc);
		smfi_setpriv(ctx, NULL);
		__atomic_sub_fetch(&live_sessions, 1, __ATOMIC_SEQ_CST);
	}
	return SMFIS_CONTINUE;
}

struct smfiDesc md_milter_desc = {
	.xxfi_name = "maildesk",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_DELRCPT,
	.xxfi_connect = mlfi_connect,
	.xxfi_helo = mlfi_helo,
	.xxfi_envfrom = mlfi_envfrom,
	.xxfi_envrcpt = mlfi_envrcpt,
	.xxfi_header = mlfi_header,
	.xxfi_eoh = mlfi_eoh,
	.xxfi_body = mlfi_body,
	.xxfi_eom = md_milter_eom,
	.xxfi_abort = mlfi_abort,
	.xxfi_close = mlfi_close,
	.xxfi_unknown = NULL,
	.xxfi_data = mlfi_data,
	.xxfi_negotiate = mlfi_negotiate,
};
