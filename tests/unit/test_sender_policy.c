/*
 * test_sender_policy.c - which sender-identity policy one message gets:
 * the configuration's switches, a project's overrides, and the strictest
 * of several projects (lib/policy/sender_policy.c; the same through
 * Postfix in tests/e2e/trust_dmarc.sh).  One table row per case.
 */
#include "config.h"

#include <string.h>

#include "sender_policy.h"
#include "unit.h"

#define D	MD_OVERRIDE_DEFAULT
#define ON	MD_OVERRIDE_ON
#define OFF	MD_OVERRIDE_OFF

struct row {
	const char		*name;
	struct md_auth_policy	 cfg;
	int			 nprojects;
	int			 project[2][3];	/* dmarc_reject, quarantine, desk_from_auth */
	struct md_auth_policy	 want;
};

static const struct row rows[] = {
	{ "no overrides: the configuration", { 1, 0, 1 }, 1, { { D, D, D } }, { 1, 0, 1 } },
	{ "a project turns DMARC reject off", { 1, 0, 1 }, 1, { { OFF, D, D } }, { 0, 0, 1 } },
	{ "a project turns quarantine reject on", { 1, 0, 1 }, 1, { { D, ON, D } },
	  { 1, 1, 1 } },
	{ "a project turns desk_from_auth off", { 1, 0, 1 }, 1, { { D, D, OFF } },
	  { 1, 0, 0 } },
	{ "a project turns everything on over a lax configuration", { 0, 0, 0 }, 1,
	  { { ON, ON, ON } }, { 1, 1, 1 } },
	{ "two projects: the stricter wins each switch", { 1, 0, 1 }, 2,
	  { { OFF, D, OFF }, { D, ON, D } }, { 1, 1, 1 } },
	{ "two projects both relaxing: relaxed", { 1, 1, 1 }, 2,
	  { { OFF, OFF, OFF }, { OFF, OFF, OFF } }, { 0, 0, 0 } },
	{ "one relaxes, one follows the configuration: the configuration", { 1, 0, 1 }, 2,
	  { { OFF, D, OFF }, { D, D, D } }, { 1, 0, 1 } },
};

START_TEST(decides_each_row)
{
	const struct row *r = &rows[_i];
	struct md_auth_policy pol;
	struct md_project p;
	int k;

	memset(&pol, 0, sizeof pol);
	for (k = 0; k < r->nprojects; k++) {
		memset(&p, 0, sizeof p);
		p.dmarc_reject = r->project[k][0];
		p.quarantine_reject = r->project[k][1];
		p.desk_from_auth = r->project[k][2];
		md_sender_policy_tighten(&pol, &r->cfg, &p);
	}
	ck_assert_msg(pol.dmarc_reject == r->want.dmarc_reject &&
	    pol.quarantine_reject == r->want.quarantine_reject &&
	    pol.desk_from_auth == r->want.desk_from_auth,
	    "%s: got %d %d %d", r->name, pol.dmarc_reject, pol.quarantine_reject,
	    pol.desk_from_auth);
}
END_TEST

/* A zeroed project follows the configuration: it never relaxes it. */
START_TEST(zeroed_project_follows_the_configuration)
{
	ck_assert_int_eq(md_sender_policy_switch(0, 1), 1);
	ck_assert_int_eq(md_sender_policy_switch(0, 0), 0);
	ck_assert_int_eq(md_sender_policy_switch(ON, 0), 1);
	ck_assert_int_eq(md_sender_policy_switch(OFF, 1), 0);
}
END_TEST

static Suite *
sender_policy_suite(void)
{
	Suite *s = suite_create("sender_policy");
	TCase *tc = tcase_create("sender_policy");

	tcase_add_loop_test(tc, decides_each_row, 0, (int)(sizeof rows / sizeof rows[0]));
	tcase_add_test(tc, zeroed_project_follows_the_configuration);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(sender_policy_suite)
