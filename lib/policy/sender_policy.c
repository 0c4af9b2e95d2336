/*
 * sender_policy.c - the sender-identity policy of one message
 * (sender_policy.h).  A switch is "on" when it refuses something, so the
 * strictest of several projects is the OR of their switches: one project
 * that wants forged From: addresses refused gets them refused for the
 * whole message, which is all a milter can do at end of data.
 */
#include "config.h"

#include "sender_policy.h"

int
md_sender_policy_switch(int project, int config)
{
	switch (project) {
	case MD_OVERRIDE_ON:
		return 1;
	case MD_OVERRIDE_OFF:
		return 0;
	default:
		return config != 0;
	}
}

void
md_sender_policy_tighten(struct md_auth_policy *pol, const struct md_auth_policy *cfg,
    const struct md_project *p)
{
	pol->dmarc_reject |= md_sender_policy_switch(p->dmarc_reject, cfg->dmarc_reject);
	pol->quarantine_reject |= md_sender_policy_switch(p->quarantine_reject,
	    cfg->quarantine_reject);
	pol->desk_from_auth |= md_sender_policy_switch(p->desk_from_auth,
	    cfg->desk_from_auth);
}
