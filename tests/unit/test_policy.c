/*
 * test_policy.c - the desk's answer to a sender, one table row per rule
 * and per interaction of rules (lib/policy/policy.h lists their order).
 */
#include "config.h"

#include <string.h>

#include "lists.h"
#include "policy.h"
#include "spf.h"
#include "unit.h"

/* What a row changes from the defaults. */
enum { P_NONE = -2 };			/* project: no settings */

struct row {
	const char	*name;
	/* configuration */
	int		 spf_score_only;	/* spf_fail_policy = score */
	int		 auto_reject;		/* automated_policy = reject */
	int		 spamd_tempfail;	/* spamd_fallback = tempfail */
	/* project: automated_policy (-1 = config, P_NONE = no project) */
	int		 proj_auto;
	double		 proj_reject;		/* -1 = config's */
	/* facts */
	int		 trusted, allowlisted, spf;
	enum md_gate_fact gate;
	int		 list;
	enum md_gate_over over;
	const char	*auto_reason;
	int		 all_new;
	enum md_spamd_fact spamd;
	int		 scored;
	double		 score;
	/* expected */
	enum md_policy_action action;
	const char	*code, *xcode, *reason;
	int		 spam;
};

#define AUTO	"Auto-Submitted: auto-replied"

static const struct row rows[] = {
	{ "nothing known accepts", .proj_auto = P_NONE, .spf = -1,
	  .action = MD_POLICY_ACCEPT, .reason = "accepted" },
	{ "SPF pass accepts", .proj_auto = P_NONE, .spf = MD_SPF_PASS,
	  .action = MD_POLICY_ACCEPT, .reason = "accepted" },
	{ "SPF fail rejects", .proj_auto = P_NONE, .spf = MD_SPF_FAIL,
	  .action = MD_POLICY_REJECT, .code = "550", .xcode = "5.7.23", .reason = "spf_fail" },
	{ "SPF fail scored only accepts", .spf_score_only = 1, .proj_auto = P_NONE,
	  .spf = MD_SPF_FAIL, .action = MD_POLICY_ACCEPT, .reason = "accepted" },
	{ "SPF softfail accepts", .proj_auto = P_NONE, .spf = MD_SPF_SOFTFAIL,
	  .action = MD_POLICY_ACCEPT, .reason = "accepted" },
	{ "SPF temperror tempfails", .proj_auto = P_NONE, .spf = MD_SPF_TEMPERROR,
	  .action = MD_POLICY_TEMPFAIL, .code = "451", .xcode = "4.7.24", .reason = "spf_temperror" },
	{ "SPF fail comes before a block", .proj_auto = P_NONE, .spf = MD_SPF_FAIL,
	  .gate = MD_GATE_ANSWERED, .list = MD_LIST_BLOCK,
	  .action = MD_POLICY_REJECT, .code = "550", .xcode = "5.7.23", .reason = "spf_fail" },
	{ "gate error tempfails", .proj_auto = P_NONE, .spf = -1, .gate = MD_GATE_ERROR,
	  .action = MD_POLICY_TEMPFAIL, .code = "451", .xcode = "4.3.0", .reason = "redis" },
	{ "client over its rate", .proj_auto = P_NONE, .spf = -1, .gate = MD_GATE_ANSWERED,
	  .over = MD_GATE_OVER_IP,
	  .action = MD_POLICY_TEMPFAIL, .code = "450", .xcode = "4.7.1", .reason = "rate_client" },
	{ "sender over its rate", .proj_auto = P_NONE, .spf = -1, .gate = MD_GATE_ANSWERED,
	  .over = MD_GATE_OVER_SENDER,
	  .action = MD_POLICY_TEMPFAIL, .code = "450", .xcode = "4.7.1", .reason = "rate_sender" },
	{ "blocked sender", .proj_auto = P_NONE, .spf = -1, .gate = MD_GATE_ANSWERED,
	  .list = MD_LIST_BLOCK,
	  .action = MD_POLICY_REJECT, .code = "550", .xcode = "5.7.1", .reason = "blocked" },
	{ "block comes before the project rate", .proj_auto = P_NONE, .spf = -1,
	  .gate = MD_GATE_ANSWERED, .list = MD_LIST_BLOCK, .over = MD_GATE_OVER_PROJECT,
	  .action = MD_POLICY_REJECT, .code = "550", .xcode = "5.7.1", .reason = "blocked" },
	{ "project over its rate, even allow-listed", .proj_auto = P_NONE, .spf = -1,
	  .gate = MD_GATE_ANSWERED, .list = MD_LIST_ALLOW, .over = MD_GATE_OVER_PROJECT,
	  .action = MD_POLICY_TEMPFAIL, .code = "450", .xcode = "4.7.1", .reason = "rate_project" },
	{ "allow-listed sender accepted at RCPT", .proj_auto = P_NONE, .spf = -1,
	  .gate = MD_GATE_ANSWERED, .list = MD_LIST_ALLOW,
	  .action = MD_POLICY_ACCEPT, .reason = "accepted" },
	{ "automated mail accepted by default", .proj_auto = P_NONE, .spf = -1,
	  .auto_reason = AUTO, .all_new = 1, .action = MD_POLICY_ACCEPT, .reason = "accepted" },
	{ "automated new request refused by config", .auto_reject = 1, .proj_auto = P_NONE,
	  .spf = -1, .auto_reason = AUTO, .all_new = 1,
	  .action = MD_POLICY_REJECT, .code = "550", .xcode = "5.7.1", .reason = "automated" },
	{ "automated reply to an issue is not refused", .auto_reject = 1, .proj_auto = P_NONE,
	  .spf = -1, .auto_reason = AUTO, .all_new = 0,
	  .action = MD_POLICY_ACCEPT, .reason = "accepted" },
	{ "project refuses automated mail", .proj_auto = MD_AUTO_REJECT, .proj_reject = -1,
	  .spf = -1, .auto_reason = AUTO, .all_new = 1,
	  .action = MD_POLICY_REJECT, .code = "550", .xcode = "5.7.1", .reason = "automated" },
	{ "project accepts what config refuses", .auto_reject = 1, .proj_auto = MD_AUTO_ACCEPT,
	  .proj_reject = -1, .spf = -1, .auto_reason = AUTO, .all_new = 1,
	  .action = MD_POLICY_ACCEPT, .reason = "accepted" },
	{ "automated refused even from a trusted client", .auto_reject = 1, .proj_auto = P_NONE,
	  .trusted = 1, .spf = -1, .auto_reason = AUTO, .all_new = 1,
	  .action = MD_POLICY_REJECT, .code = "550", .xcode = "5.7.1", .reason = "automated" },
	{ "spamd down, fallback ignore", .proj_auto = P_NONE, .spf = -1, .spamd = MD_SPAMD_DOWN,
	  .action = MD_POLICY_ACCEPT, .reason = "accepted" },
	{ "spamd down, fallback tempfail", .spamd_tempfail = 1, .proj_auto = P_NONE, .spf = -1,
	  .spamd = MD_SPAMD_DOWN,
	  .action = MD_POLICY_TEMPFAIL, .code = "451", .xcode = "4.7.1", .reason = "spamd_down" },
	{ "trusted client is not scored", .spamd_tempfail = 1, .proj_auto = P_NONE, .trusted = 1,
	  .spf = -1, .spamd = MD_SPAMD_DOWN, .scored = 1, .score = 100,
	  .action = MD_POLICY_ACCEPT, .reason = "accepted" },
	{ "score under the mark", .proj_auto = P_NONE, .spf = -1, .scored = 1, .score = 1,
	  .action = MD_POLICY_ACCEPT, .reason = "accepted" },
	{ "score over the mark", .proj_auto = P_NONE, .spf = -1, .scored = 1, .score = 6,
	  .action = MD_POLICY_ACCEPT, .reason = "accepted", .spam = 1 },
	{ "score over the reject threshold", .proj_auto = P_NONE, .spf = -1, .scored = 1,
	  .score = 50, .action = MD_POLICY_REJECT, .code = "550", .xcode = "5.7.1",
	  .reason = "spam" },
	{ "allow-listed spam is kept, marked", .proj_auto = P_NONE, .allowlisted = 1, .spf = -1,
	  .scored = 1, .score = 50, .action = MD_POLICY_ACCEPT, .reason = "accepted", .spam = 1 },
	{ "project's lower reject threshold", .proj_auto = -1, .proj_reject = 3, .spf = -1,
	  .scored = 1, .score = 4, .action = MD_POLICY_REJECT, .code = "550", .xcode = "5.7.1",
	  .reason = "spam" },
	{ "project's higher reject threshold", .proj_auto = -1, .proj_reject = 100, .spf = -1,
	  .scored = 1, .score = 50, .action = MD_POLICY_ACCEPT, .reason = "accepted", .spam = 1 },
};

START_TEST(decides_each_row)
{
	const struct row *r = &rows[_i];
	struct md_config cfg;
	struct md_project proj;
	struct md_policy_facts f;
	struct md_decision d;

	md_config_defaults(&cfg);
	cfg.spam_mark = 5;
	cfg.spam_reject = 10;
	if (r->spf_score_only)
		cfg.spf_fail_policy = MD_SPF_FAIL_SCORE;
	if (r->auto_reject)
		cfg.automated_policy = MD_AUTO_REJECT;
	if (r->spamd_tempfail)
		cfg.spamd_fallback = MD_FALLBACK_TEMPFAIL;
	memset(&proj, 0, sizeof proj);
	proj.automated_policy = r->proj_auto;
	proj.spam_reject = r->proj_reject;
	proj.spam_mark = -1;

	md_policy_facts_init(&f);
	f.trusted = r->trusted;
	f.allowlisted = r->allowlisted;
	f.spf = r->spf;
	f.client_ip = "192.0.2.1";
	f.spf_identity = "eve@example.org";
	f.gate = r->gate;
	f.gate_res.list = r->list;
	f.gate_res.over = r->over;
	f.auto_reason = r->auto_reason;
	f.all_new_requests = r->all_new;
	f.spamd = r->spamd;
	f.scored = r->scored;
	f.score = r->score;
	md_policy_decide(&cfg, r->proj_auto == P_NONE ? NULL : &proj, &f, &d);

	ck_assert_msg(d.action == r->action, "%s: action %d", r->name, d.action);
	ck_assert_msg(strcmp(d.reason, r->reason) == 0, "%s: reason %s", r->name, d.reason);
	ck_assert_msg(d.spam == r->spam, "%s: spam %d", r->name, d.spam);
	if (r->code != NULL) {
		ck_assert_msg(d.code != NULL && strcmp(d.code, r->code) == 0, "%s: code", r->name);
		ck_assert_msg(strcmp(d.xcode, r->xcode) == 0, "%s: xcode %s", r->name, d.xcode);
		/* Every refusal is a sentence for the human who sent it. */
		ck_assert_msg(strlen(d.text) > 20, "%s: text '%s'", r->name, d.text);
		/* The enhanced code's class matches the reply's. */
		ck_assert_msg(d.xcode[0] == d.code[0], "%s: %s vs %s", r->name, d.code, d.xcode);
	} else {
		ck_assert_ptr_null(d.code);
	}
	md_config_free(&cfg);
}
END_TEST

START_TEST(spf_text_names_client_or_explanation)
{
	struct md_config cfg;
	struct md_policy_facts f;
	struct md_decision d;

	md_config_defaults(&cfg);
	md_policy_facts_init(&f);
	f.spf = MD_SPF_FAIL;
	f.client_ip = "192.0.2.1";
	f.spf_identity = "eve@example.org";
	md_policy_decide(&cfg, NULL, &f, &d);
	ck_assert_str_eq(d.text,
	    "SPF check failed: 192.0.2.1 is not allowed to send for eve@example.org");
	/* spf.c doubled the '%' for libmilter; the policy's text has them single. */
	f.spf_explanation = "See http://example.org/why?ip=192.0.2.1%%20now";
	md_policy_decide(&cfg, NULL, &f, &d);
	ck_assert_str_eq(d.text, "SPF check failed: See http://example.org/why?ip=192.0.2.1%20now");
	md_config_free(&cfg);
}
END_TEST

START_TEST(long_explanation_is_cut)
{
	struct md_config cfg;
	struct md_policy_facts f;
	struct md_decision d;
	char exp[2000];

	md_config_defaults(&cfg);
	memset(exp, 'x', sizeof exp - 1);
	exp[sizeof exp - 1] = '\0';
	md_policy_facts_init(&f);
	f.spf = MD_SPF_FAIL;
	f.spf_explanation = exp;
	md_policy_decide(&cfg, NULL, &f, &d);
	ck_assert_uint_eq(strlen(d.text), MD_POLICY_TEXT_MAX - 1);
	md_config_free(&cfg);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");

	tcase_add_loop_test(tc, decides_each_row, 0, (int)(sizeof rows / sizeof rows[0]));
	tcase_add_test(tc, spf_text_names_client_or_explanation);
	tcase_add_test(tc, long_explanation_is_cut);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(policy_suite)
