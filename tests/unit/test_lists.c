/* test_lists.c - per-project block/allow lists against a real redis-server. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "lists.h"
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

START_TEST(entries)
{
	char out[400];

	ck_assert_int_eq(md_list_entry("<Bob@Example.ORG>", out, sizeof out), 0);
	ck_assert_str_eq(out, "bob@example.org");
	ck_assert_int_eq(md_list_entry("Example.org", out, sizeof out), 0);
	ck_assert_str_eq(out, "@example.org");
	ck_assert_int_eq(md_list_entry("@Spam.Example", out, sizeof out), 0);
	ck_assert_str_eq(out, "@spam.example");
	ck_assert_int_eq(md_list_entry("", out, sizeof out), -1);
	ck_assert_int_eq(md_list_entry("a@b@c", out, sizeof out), -1);
	ck_assert_int_eq(md_list_entry("bob@", out, sizeof out), -1);
	ck_assert_int_eq(md_list_entry("bo b@x.org", out, sizeof out), -1);
	ck_assert_int_eq(md_list_entry("bob@x.org\r\n", out, sizeof out), -1);
	ck_assert_int_eq(md_list_parse("block"), MD_LIST_BLOCK);
	ck_assert_int_eq(md_list_parse("allow"), MD_LIST_ALLOW);
	ck_assert_int_eq(md_list_parse("deny"), -1);
	ck_assert_str_eq(md_list_name(MD_LIST_ALLOW), "allow");
}
END_TEST

START_TEST(add_del_get)
{
	char err[256], **v;
	size_t n, i;

	ck_assert_int_eq(md_lists_add(r, "acme", MD_LIST_BLOCK, "Spammer@Bad.Example", err, sizeof err), 1);
	ck_assert_int_eq(md_lists_add(r, "acme", MD_LIST_BLOCK, "spammer@bad.example", err, sizeof err), 0);
	ck_assert_int_eq(md_lists_add(r, "acme", MD_LIST_BLOCK, "@junk.example", err, sizeof err), 1);
	ck_assert_int_eq(md_lists_add(r, "acme", MD_LIST_BLOCK, "x y", err, sizeof err), -1);
	ck_assert_str_eq(err, "not an address or @domain: x y");
	ck_assert_int_eq(md_lists_add(r, "", MD_LIST_BLOCK, "a@b.c", err, sizeof err), -1);
	ck_assert_int_eq(md_lists_get(r, "acme", MD_LIST_BLOCK, &v, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0], "@junk.example");
	ck_assert_str_eq(v[1], "spammer@bad.example");
	ck_assert_ptr_null(v[2]);
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	ck_assert_int_eq(md_lists_del(r, "acme", MD_LIST_BLOCK, "SPAMMER@bad.example", err, sizeof err), 1);
	ck_assert_int_eq(md_lists_del(r, "acme", MD_LIST_BLOCK, "spammer@bad.example", err, sizeof err), 0);
	ck_assert_int_eq(md_lists_get(r, "acme", MD_LIST_ALLOW, &v, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(v);
	{
		redisReply *rep = md_rfx_cmd(&rfx, "SMEMBERS maildesk:project:acme:block");

		ck_assert_uint_eq(rep->elements, 1);
		ck_assert_str_eq(rep->element[0]->str, "@junk.example");
		freeReplyObject(rep);
	}
}
END_TEST

START_TEST(check)
{
	char err[256];

	ck_assert_int_eq(md_lists_check(r, "acme", "bob@example.org"), MD_LIST_NONE);
	md_lists_add(r, "acme", MD_LIST_BLOCK, "@example.org", err, sizeof err);
	md_lists_add(r, "acme", MD_LIST_ALLOW, "ceo@example.org", err, sizeof err);
	md_lists_add(r, "acme", MD_LIST_ALLOW, "@partner.example", err, sizeof err);
	md_lists_add(r, "acme", MD_LIST_BLOCK, "mallory@partner.example", err, sizeof err);

	ck_assert_int_eq(md_lists_check(r, "acme", "<Bob@Example.org>"), MD_LIST_BLOCK);
	ck_assert_int_eq(md_lists_check(r, "acme", "bob@mail.sales.example.org"), MD_LIST_BLOCK);
	ck_assert_int_eq(md_lists_check(r, "acme", "bob@badexample.org"), MD_LIST_NONE);
	/* block wins over allow */
	ck_assert_int_eq(md_lists_check(r, "acme", "ceo@example.org"), MD_LIST_BLOCK);
	ck_assert_int_eq(md_lists_check(r, "acme", "anna@partner.example"), MD_LIST_ALLOW);
	ck_assert_int_eq(md_lists_check(r, "acme", "anna@eu.partner.example"), MD_LIST_ALLOW);
	ck_assert_int_eq(md_lists_check(r, "acme", "mallory@partner.example"), MD_LIST_BLOCK);
	/* lists are per project */
	ck_assert_int_eq(md_lists_check(r, "other", "bob@example.org"), MD_LIST_NONE);
	/* nothing to look up */
	ck_assert_int_eq(md_lists_check(r, "acme", ""), MD_LIST_NONE);
	ck_assert_int_eq(md_lists_check(r, "acme", "<>"), MD_LIST_NONE);
	ck_assert_int_eq(md_lists_check(r, "acme", "a@b@c"), MD_LIST_NONE);
	ck_assert_int_eq(md_lists_check(r, "acme", "x@a..example.org"), MD_LIST_BLOCK);
	md_rfx_kill(&rfx);
	ck_assert_int_eq(md_lists_check(r, "acme", "bob@example.org"), -1);
}
END_TEST

static Suite *
lists_suite(void)
{
	Suite *s = suite_create("lists");
	TCase *tc = tcase_create("lists");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, entries);
	tcase_add_test(tc, add_del_get);
	tcase_add_test(tc, check);
	suite_add_tcase(s, tc);
	return s;
}

MD_RFX_MAIN(lists_suite)
