/* test_ratelimit.c - sliding-window limits against a real redis-server. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "ratelimit.h"
#include "redis.h"
#include "redis_fixture.h"
#include "unit.h"

static struct md_rfx rfx;
static struct md_config cfg;
static struct md_redis *r;

static void
setup(void)
{
	ck_assert_int_eq(md_rfx_start(&rfx, NULL), 0);
	md_rfx_config(&rfx, &cfg);
	r = md_redis_new(&cfg);
	ck_assert_ptr_nonnull(r);
}

static void
teardown(void)
{
	md_redis_free(r);
	md_config_free(&cfg);
	md_rfx_cleanup(&rfx);
}

START_TEST(fixed_limit_in_one_window)
{
	struct md_rate rate = { 3, 60 };
	long now = 6000;	/* window start */
	redisReply *rep;

	ck_assert_int_eq(md_ratelimit_hit(r, "sender", "Bob@Example.ORG", &rate, now), 0);
	ck_assert_int_eq(md_ratelimit_hit(r, "sender", "bob@example.org", &rate, now + 1), 0);
	ck_assert_int_eq(md_ratelimit_hit(r, "sender", "bob@example.org", &rate, now + 2), 0);
	ck_assert_int_eq(md_ratelimit_hit(r, "sender", "bob@example.org", &rate, now + 3), 1);
	ck_assert_int_eq(md_ratelimit_hit(r, "sender", "bob@example.org", &rate, now + 4), 1);
	/* other ids and kinds are independent */
	ck_assert_int_eq(md_ratelimit_hit(r, "sender", "eve@example.org", &rate, now + 4), 0);
	ck_assert_int_eq(md_ratelimit_hit(r, "ip", "bob@example.org", &rate, now + 4), 0);
	/* refused attempts are not counted; the counter expires by itself */
	rep = md_rfx_cmd(&rfx, "GET maildesk:rate:sender:bob@example.org:6000");
	ck_assert_str_eq(rep->str, "3");
	freeReplyObject(rep);
	rep = md_rfx_cmd(&rfx, "TTL maildesk:rate:sender:bob@example.org:6000");
	ck_assert_int_gt(rep->integer, 60);
	ck_assert_int_le(rep->integer, 120);
	freeReplyObject(rep);
	ck_assert(md_ratelimit_peek(r, "sender", "BOB@example.org", &rate, now + 5) == 3.0);
}
END_TEST

START_TEST(sliding_window)
{
	struct md_rate rate = { 4, 100 };

	/* 4 messages late in window [1000,1100) */
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(md_ratelimit_hit(r, "ip", "198.51.100.7", &rate, 1090), 0);
	ck_assert_int_eq(md_ratelimit_hit(r, "ip", "198.51.100.7", &rate, 1099), 1);
	/* at 1110 the old window still weighs 0.9: 3.6 -> one more fits (3.6 < 4) */
	ck_assert_int_eq(md_ratelimit_hit(r, "ip", "198.51.100.7", &rate, 1110), 0);
	/* 1 + 3.6 = 4.6 */
	ck_assert_int_eq(md_ratelimit_hit(r, "ip", "198.51.100.7", &rate, 1110), 1);
	/* at 1180 the old window weighs 0.2: 1 + 0.8 = 1.8 */
	ck_assert(md_ratelimit_peek(r, "ip", "198.51.100.7", &rate, 1180) > 1.79);
	ck_assert(md_ratelimit_peek(r, "ip", "198.51.100.7", &rate, 1180) < 1.81);
	/* 1.8 -> 2.8 -> 3.8 fit, 4.8 does not */
	ck_assert_int_eq(md_ratelimit_hit(r, "ip", "198.51.100.7", &rate, 1180), 0);
	ck_assert_int_eq(md_ratelimit_hit(r, "ip", "198.51.100.7", &rate, 1180), 0);
	ck_assert_int_eq(md_ratelimit_hit(r, "ip", "198.51.100.7", &rate, 1180), 0);
	ck_assert_int_eq(md_ratelimit_hit(r, "ip", "198.51.100.7", &rate, 1180), 1);
	/* two windows later everything is forgotten */
	ck_assert(md_ratelimit_peek(r, "ip", "198.51.100.7", &rate, 1300) == 0.0);
}
END_TEST

START_TEST(disabled_and_ids)
{
	struct md_rate off = { 0, 1 };
	char id[64], longid[400];
	redisReply *rep;

	ck_assert_int_eq(md_ratelimit_hit(r, "ip", "x", &off, 100), 0);
	ck_assert_int_eq(md_ratelimit_hit(r, "ip", "x", NULL, 100), 0);
	rep = md_rfx_cmd(&rfx, "DBSIZE");
	ck_assert_int_eq(rep->integer, 0);
	freeReplyObject(rep);

	md_ratelimit_id("Acme", id, sizeof id);
	ck_assert_str_eq(id, "acme");
	memset(longid, 'a', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	md_ratelimit_id(longid, id, sizeof id);
	ck_assert_uint_eq(strlen(id), 18);
	ck_assert(strncmp(id, "h:", 2) == 0);
	md_ratelimit_id("a b", id, sizeof id);
	ck_assert(strncmp(id, "h:", 2) == 0);
	{
		char id2[64];

		md_ratelimit_id("A B", id2, sizeof id2);
		ck_assert_str_eq(id, id2);	/* hashing is case-insensitive too */
	}
}
END_TEST

START_TEST(redis_down)
{
	struct md_rate rate = { 3, 60 };

	md_rfx_kill(&rfx);
	ck_assert_int_eq(md_ratelimit_hit(r, "ip", "198.51.100.7", &rate, 100), -1);
	ck_assert(md_ratelimit_peek(r, "ip", "198.51.100.7", &rate, 100) < 0);
}
END_TEST

static Suite *
ratelimit_suite(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("ratelimit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fixed_limit_in_one_window);
	tcase_add_test(tc, sliding_window);
	tcase_add_test(tc, disabled_and_ids);
	tcase_add_test(tc, redis_down);
	suite_add_tcase(s, tc);
	return s;
}

MD_RFX_MAIN(ratelimit_suite)
