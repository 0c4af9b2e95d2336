/*
 * policy.h - what the desk answers a sender, as a pure function of the
 * configuration, the project and the facts the milter gathered.
 *
 * The milter collects facts (SPF result, the Redis gate's answer, whether
 * the mail is automated, the spam score) and asks md_policy_decide() what
 * to do; it only maps the decision onto libmilter.  Keeping the decision
 * here means every rule and its order is in one table-driven unit test
 * (tests/unit/test_policy.c) rather than spread over callbacks that also
 * talk SMTP.
 *
 * Facts that are not known yet are "unknown" and never refuse, so the same
 * function serves at RCPT time (sender and gate facts) and at end of
 * message (content facts).  The order of the rules, first match wins:
 *
 *   1. SPF fail (when spf_fail_policy = reject) -> 550 5.7.23
 *      SPF temperror                            -> 451 4.7.24
 *   2. Redis gate unusable                      -> 451 4.3.0
 *      client address or sender over its rate   -> 450 4.7.1
 *      sender on the project's block list       -> 550 5.7.1
 *      project over its rate                    -> 450 4.7.1
 *   3. automated mail to new-request addresses only, when the project (or
 *      the configuration) says reject           -> 550 5.7.1
 *   4. trusted clients (SMTP AUTH, trusted_networks) stop here
 *   5. spamd down and spamd_fallback = tempfail -> 451 4.7.1
 *   6. score over the reject threshold, unless allow-listed -> 550 5.7.1
 *      score over the mark threshold            -> accept, marked as spam
 */
#ifndef MD_POLICY_H
#define MD_POLICY_H

#include "conf.h"
#include "projects.h"
#include "rcpt_gate.h"

#define MD_POLICY_TEXT_MAX	400

/* The sentence of every 451 for Redis trouble (the gate, the pool, the XADD). */
#define MD_POLICY_UNAVAILABLE	"Support desk temporarily unavailable, please try again later"

/* The gate's answer as a fact: not asked, unusable, or its result. */
enum md_gate_fact { MD_GATE_NOT_ASKED = 0, MD_GATE_ERROR, MD_GATE_ANSWERED };
/* spamd as a fact: not asked (or not configured), answered, unreachable. */
enum md_spamd_fact { MD_SPAMD_NOT_ASKED = 0, MD_SPAMD_ANSWERED, MD_SPAMD_DOWN };

struct md_policy_facts {
	int			 trusted;	/* SMTP AUTH or trusted_networks */
	int			 allowlisted;	/* the project's allow list matched */
	/* SPF: an enum md_spf_result, or -1 when not checked. */
	int			 spf;
	const char		*spf_explanation;	/* the domain's exp=, "" if none */
	const char		*client_ip;
	const char		*spf_identity;	/* MAIL FROM, or the HELO name for <> */
	enum md_gate_fact	 gate;
	struct md_gate_res	 gate_res;	/* when gate == MD_GATE_ANSWERED */
	const char		*auto_reason;	/* non-NULL: automated mail */
	int			 all_new_requests;	/* every desk rcpt asks for a new issue */
	enum md_spamd_fact	 spamd;
	int			 scored;	/* score below is known */
	double			 score;
};

enum md_policy_action { MD_POLICY_ACCEPT = 0, MD_POLICY_REJECT, MD_POLICY_TEMPFAIL };

struct md_decision {
	enum md_policy_action	 action;
	const char		*code;		/* "550", "451", "450"; NULL on accept */
	const char		*xcode;		/* enhanced status code */
	const char		*reason;	/* one word for logs and metrics */
	int			 spam;		/* accept, but over the mark threshold */
	char			 text[MD_POLICY_TEXT_MAX];	/* the human sentence */
};

/* Initialises facts to "nothing known". */
void	md_policy_facts_init(struct md_policy_facts *f);

/* Decides; proj may be NULL (no project settings: the configuration's). */
void	md_policy_decide(const struct md_config *cfg, const struct md_project *proj,
	    const struct md_policy_facts *f, struct md_decision *d);

#endif
