/*
 * test_rcpt_gate.c - the combined RCPT checks against a real redis-server:
 * the same answers, counts and order as the separate rate and list checks.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "lists.h"
#include "ratelimit.h"
#include "rcpt_gate.h"
#include "redis.h"
#include "redis_fixture.h"
#include "unit.h"
#include "view.h"

#define NOW	1700000000L	/* a window start for 60 s windows */

static struct md_rfx rfx;
static struct md_config cfg;
static struct md_redis *r;
static const struct md_rate two = { 2, 60 }, three = { 3, 60 }, off = { 0, 60 };

static void
setup(void)
{
	char err[256];

	ck_assert_int_eq(md_rfx_start(&rfx, NULL), 0);
	md_rfx_config(&rfx, &cfg);
	r = md_redis_new(&cfg);
	ck_assert_ptr_nonnull(r);
	/* The gate reads only the milter's view: write it directly. */
	ck_assert_int_eq(md_view_list_put(r, "acme", MD_LIST_BLOCK, "@spam.example", err,
	    sizeof err), 0);
	ck_assert_int_eq(md_view_list_put(r, "acme", MD_LIST_ALLOW, "vip@example.org", err,
	    sizeof err), 0);
}

static void
teardown(void)
{
	md_redis_free(r);
	md_config_free(&cfg);
	md_rfx_cleanup(&rfx);
}

static struct md_gate_res
gate(const char *ip, const char *sender, const struct md_rate *rip,
    const struct md_rate *rsnd, const struct md_rate *rproj)
{
	struct md_gate_req q = { ip, sender, "acme", rip, rsnd, rproj, NOW };
	struct md_gate_res res;

	ck_assert_int_eq(md_rcpt_gate(r, &q, &res), 0);
	return res;
}

/* Estimate without counting, through the plain rate API. */
static double
peek(const char *kind, const char *id, const struct md_rate *rate)
{
	return md_ratelimit_peek(r, kind, id, rate, NOW);
}

START_TEST(rates_in_order)
{
	struct md_gate_res g;

	g = gate("192.0.2.1", "a@example.org", &two, &three, NULL);
	ck_assert_int_eq(g.over, MD_GATE_UNDER);
	ck_assert_int_eq(g.list, MD_LIST_NONE);
	g = gate("192.0.2.1", "a@example.org", &two, &three, NULL);
	ck_assert_int_eq(g.over, MD_GATE_UNDER);
	/* the client is over: the sender is neither asked nor counted */
	g = gate("192.0.2.1", "a@example.org", &two, &three, NULL);
	ck_assert_int_eq(g.over, MD_GATE_OVER_IP);
	ck_assert(peek("ip", "192.0.2.1", &two) == 2.0);
	ck_assert(peek("sender", "a@example.org", &three) == 2.0);
	/* another client, same sender: the sender's third is allowed, then over */
	ck_assert_int_eq(gate("192.0.2.2", "A@Example.org", &two, &three, NULL).over,
	    MD_GATE_UNDER);
	ck_assert_int_eq(gate("192.0.2.3", "a@example.org", &two, &three, NULL).over,
	    MD_GATE_OVER_SENDER);
	ck_assert(peek("ip", "192.0.2.3", &two) == 1.0);	/* counted before */
	/* not asked (later recipients of a message): nothing counted */
	ck_assert_int_eq(gate("192.0.2.1", "a@example.org", NULL, NULL, NULL).over,
	    MD_GATE_UNDER);
	ck_assert_int_eq(gate("192.0.2.1", "a@example.org", &off, &off, NULL).over,
	    MD_GATE_UNDER);
	/* the null sender is counted as "<>" */
	ck_assert_int_eq(gate("", "", &two, &two, NULL).over, MD_GATE_UNDER);
	ck_assert(peek("sender", "<>", &two) == 1.0);
	ck_assert(peek("ip", "<>", &two) == 1.0);
}
END_TEST

START_TEST(lists_and_project_rate)
{
	struct md_gate_res g;

	/* blocked: the project rate is not counted */
	g = gate("192.0.2.1", "x@mx.spam.example", NULL, NULL, &two);
	ck_assert_int_eq(g.list, MD_LIST_BLOCK);
	ck_assert_int_eq(g.over, MD_GATE_UNDER);
	ck_assert(peek("project", "acme", &two) == 0.0);
	/* allowed senders still count against the project */
	g = gate("192.0.2.1", "VIP@example.org", NULL, NULL, &two);
	ck_assert_int_eq(g.list, MD_LIST_ALLOW);
	ck_assert_int_eq(g.over, MD_GATE_UNDER);
	ck_assert_int_eq(gate("192.0.2.1", "b@example.org", NULL, NULL, &two).over,
	    MD_GATE_UNDER);
	g = gate("192.0.2.1", "vip@example.org", NULL, NULL, &two);
	ck_assert_int_eq(g.list, MD_LIST_ALLOW);
	ck_assert_int_eq(g.over, MD_GATE_OVER_PROJECT);
	/* a sender over its rate never reaches the lists */
	g = gate("192.0.2.9", "y@spam.example", &(struct md_rate){ 1, 60 }, NULL, NULL);
	ck_assert_int_eq(g.list, MD_LIST_BLOCK);
	g = gate("192.0.2.9", "y@spam.example", &(struct md_rate){ 1, 60 }, NULL, NULL);
	ck_assert_int_eq(g.over, MD_GATE_OVER_IP);
	ck_assert_int_eq(g.list, MD_LIST_NONE);
	/* the same answers as the separate list check */
	ck_assert_int_eq(md_lists_check(r, "acme", "x@mx.spam.example"), MD_LIST_BLOCK);
	ck_assert_int_eq(md_lists_check(r, "acme", "vip@example.org"), MD_LIST_ALLOW);
	/* Redis gone: an error, not a verdict */
	md_rfx_kill(&rfx);
	{
		struct md_gate_req q = { "192.0.2.1", "a@b.example", "acme", &two, &two,
		    &two, NOW };
		struct md_gate_res res;

		ck_assert_int_eq(md_rcpt_gate(r, &q, &res), -1);
		/* nothing to check (no limits, null sender): no round trip at all */
		q.sender = "";
		q.rate_ip = q.rate_sender = q.rate_project = NULL;
		ck_assert_int_eq(md_rcpt_gate(r, &q, &res), 0);
		ck_assert_int_eq(res.list, MD_LIST_NONE);
		ck_assert_int_eq(res.over, MD_GATE_UNDER);
	}
}
END_TEST

static Suite *
gate_suite(void)
{
	Suite *s = suite_create("rcpt_gate");
	TCase *tc = tcase_create("rcpt_gate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rates_in_order);
	tcase_add_test(tc, lists_and_project_rate);
	suite_add_tcase(s, tc);
	return s;
}

MD_RFX_MAIN(gate_suite)
