/*
 * outbox_fate.c - how one outbound mail ends (outbox_fate.h).
 */
#include "config.h"

#include <string.h>

#include "outbox_fate.h"
#include "tracker.h"

long
md_outbox_backoff_s(const struct md_config *cfg, int attempts)
{
	long s = cfg->retry_base_s;

	while (--attempts > 0 && s < cfg->retry_max_s)
		s *= 2;
	return s < cfg->retry_max_s ? s : cfg->retry_max_s;
}

int
md_outbox_relay_unreachable(const char *err)
{
	return !(err[0] >= '2' && err[0] <= '5' && err[1] >= '0' &&
	    err[1] <= '9' && err[2] >= '0' && err[2] <= '9') ||
	    strncmp(err, "421", 3) == 0;
}

void
md_outbox_fate_before(const struct md_fate_facts *f, struct md_fate_decision *d)
{
	memset(d, 0, sizeof *d);
	/*
	 * The previous sender stopped inside the final ".": the mail may have
	 * arrived.  A machine-made mail twice is what loops are made of; a
	 * person's answer is never lost, even if it arrives twice.
	 */
	if (f->handover_marked)
		d->fate = md_mail_kind_automatic(f->kind) ? MD_FATE_DROP_HANDED_OVER :
		    MD_FATE_RESEND;
	else if (f->malformed)
		d->fate = MD_FATE_DROP_MALFORMED;
	else
		d->fate = MD_FATE_SEND;
}

void
md_outbox_fate_after(const struct md_config *cfg, const struct md_fate_facts *f,
    struct md_fate_decision *d)
{
	memset(d, 0, sizeof *d);
	switch (f->result) {
	case MD_SMTP_SENT:
		d->fate = MD_FATE_SENT;
		return;
	case MD_SMTP_PERMFAIL:
		d->fate = MD_FATE_BOUNCE;
		return;
	case MD_SMTP_REFUSED:
		d->fate = MD_FATE_REFUSED;
		return;
	case MD_SMTP_TEMPFAIL:
		break;
	}
	if (f->lost) {
		d->fate = MD_FATE_TAKEN;
		return;
	}
	/* No final "." without the marker: nothing delivered, marker cleared. */
	d->delay_s = md_outbox_backoff_s(cfg, f->attempts);
	if (f->hook_failed) {
		d->fate = MD_FATE_RETRY;
		return;
	}
	/* No verdict on the data: the marker stays, the next claim decides. */
	if (f->uncertain) {
		d->fate = MD_FATE_RETRY;
		d->keep_handover = 1;
		return;
	}
	d->fate = f->age_s > MD_OUTBOX_LIFETIME_S ? MD_FATE_GIVE_UP : MD_FATE_RETRY;
}
