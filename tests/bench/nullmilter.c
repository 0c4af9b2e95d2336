/*
 * nullmilter.c - a do-nothing milter for benchmarks: the protocol's own cost.
 *
 *   nullmilter full|discard|eom inet:PORT@127.0.0.1
 *
 * "full" registers every callback maildesk-milter registers and keeps the
 * message in memory (as maildesk does); "discard" is "full" but ends with
 * DISCARD, as maildesk does with mail for the desk only (Postfix then skips
 * queueing and delivery); "eom" registers only end of message.  None asks
 * Redis or parses anything, so the difference to maildesk is maildesk's own
 * work.  It replies to every step it registers: no negotiation.
 */
#include <libmilter/mfapi.h>
#include <stdlib.h>
#include <string.h>

struct buf { char *p; size_t len, cap; };

static void
put(SMFICTX *ctx, const void *p, size_t n)
{
	struct buf *b = smfi_getpriv(ctx);

	if (b == NULL) {
		b = calloc(1, sizeof *b);
		if (b == NULL)
			return;
		smfi_setpriv(ctx, b);
	}
	if (b->len + n > b->cap) {
		size_t cap = (b->len + n) * 2;
		char *q = realloc(b->p, cap);

		if (q == NULL)
			return;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
reset(SMFICTX *ctx)
{
	struct buf *b = smfi_getpriv(ctx);

	if (b != NULL)
		b->len = 0;
}

static sfsistat cont_connect(SMFICTX *c, char *h, _SOCK_ADDR *a) { (void)c; (void)h; (void)a; return SMFIS_CONTINUE; }
static sfsistat cont_helo(SMFICTX *c, char *h) { (void)c; (void)h; return SMFIS_CONTINUE; }
static sfsistat cont_from(SMFICTX *c, char **v) { (void)v; reset(c); return SMFIS_CONTINUE; }
static sfsistat cont_rcpt(SMFICTX *c, char **v) { (void)c; (void)v; return SMFIS_CONTINUE; }
static sfsistat cont_data(SMFICTX *c) { (void)c; return SMFIS_CONTINUE; }

static sfsistat
keep_header(SMFICTX *c, char *n, char *v)
{
	put(c, n, strlen(n));
	put(c, ":", 1);
	put(c, v, strlen(v));
	put(c, "\r\n", 2);
	return SMFIS_CONTINUE;
}

static sfsistat cont_eoh(SMFICTX *c) { put(c, "\r\n", 2); return SMFIS_CONTINUE; }
static sfsistat keep_body(SMFICTX *c, unsigned char *p, size_t n) { put(c, p, n); return SMFIS_CONTINUE; }
static sfsistat accept_eom(SMFICTX *c) { reset(c); return SMFIS_ACCEPT; }
static sfsistat discard_eom(SMFICTX *c) { reset(c); return SMFIS_DISCARD; }
static sfsistat cont_abort(SMFICTX *c) { reset(c); return SMFIS_CONTINUE; }

static sfsistat
free_close(SMFICTX *c)
{
	struct buf *b = smfi_getpriv(c);

	if (b != NULL) {
		free(b->p);
		free(b);
		smfi_setpriv(c, NULL);
	}
	return SMFIS_CONTINUE;
}

int
main(int argc, char **argv)
{
	struct smfiDesc d = { .xxfi_name = "nullmilter", .xxfi_version = SMFI_VERSION,
	    .xxfi_eom = accept_eom, .xxfi_close = free_close };

	if (argc != 3)
		return 2;
	if (strcmp(argv[1], "full") == 0 || strcmp(argv[1], "discard") == 0) {
		d.xxfi_connect = cont_connect;
		d.xxfi_helo = cont_helo;
		d.xxfi_envfrom = cont_from;
		d.xxfi_envrcpt = cont_rcpt;
		d.xxfi_data = cont_data;
		d.xxfi_header = keep_header;
		d.xxfi_eoh = cont_eoh;
		d.xxfi_body = keep_body;
		d.xxfi_abort = cont_abort;
		if (strcmp(argv[1], "discard") == 0)
			d.xxfi_eom = discard_eom;
	} else if (strcmp(argv[1], "eom") != 0) {
		return 2;
	}
	if (smfi_setconn(argv[2]) == MI_FAILURE || smfi_register(d) == MI_FAILURE ||
	    smfi_opensocket(1) == MI_FAILURE)
		return 1;
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
