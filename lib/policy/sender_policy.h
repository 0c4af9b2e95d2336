/*
 * sender_policy.h - which sender-identity policy applies to one message:
 * maildesk.conf's switches, overridden per project (db migration 005,
 * carried to the milter in the view's project hashes), the strictest of
 * the message's projects when its recipients belong to several.  Pure:
 * the milter reads the projects and asks here (milter/auth.c); the table
 * test is tests/unit/test_sender_policy.c.
 */
#ifndef MD_SENDER_POLICY_H
#define MD_SENDER_POLICY_H

#include "dmarc.h"
#include "projects.h"

/* One switch: the project's override (enum md_override), else the
 * configuration's. */
int	md_sender_policy_switch(int project, int config);

/*
 * Makes *pol at least as strict as project p's policy (cfg: maildesk.conf's).
 * Start from a zeroed policy and call it once per distinct project of the
 * message; a message to no known project uses cfg itself.
 */
void	md_sender_policy_tighten(struct md_auth_policy *pol,
	    const struct md_auth_policy *cfg, const struct md_project *p);

#endif
