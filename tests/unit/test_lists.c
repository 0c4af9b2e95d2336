/*
 * test_lists.c - per-project block/allow lists: the writers on a real
 * PostgreSQL with the view in a real redis-server, the milter's check on
 * that view.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "lists.h"
#include "pg_fixture.h"
#include "projects.h"
#include "redis.h"
#include "store.h"

static struct md_rfx rfx;
static struct md_config cfg;
static struct md_store st, *sp = &st;
static struct md_redis *r;

static void
setup(void)
{
	char err[256];

	ck_assert_int_eq(md_rfx_start(&rfx, NULL), 0);
	md_rfx_config(&rfx, &cfg);
	md_pgfx_config(&cfg);
	md_pgfx_fresh();
	ck_assert_msg(md_store_open(&st, &cfg, 1, err, sizeof err) == 0, "%s", err);
	r = st.redis;
	ck_assert_msg(md_project_add(&st, "acme", err, sizeof err) == 0, "%s", err);
	ck_assert_msg(md_project_add(&st, "other", err, sizeof err) == 0, "%s", err);
}

static void
teardown(void)
{
	md_store_close(&st);
	md_config_free(&cfg);
	md_rfx_cleanup(&rfx);
}

/* 1 if the view's set <p>project:acme:<list> has entry. */
static int
in_view(const char *list, const char *entry)
{
	redisReply *rep = md_rfx_cmd(&rfx, "SISMEMBER maildesk:project:acme:%s %s", list,
	    entry);
	int v = (int)rep->integer;

	freeReplyObject(rep);
	return v;
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

	ck_assert_int_eq(md_lists_add(sp, "acme", MD_LIST_BLOCK, "Spammer@Bad.Example", err, sizeof err), 1);
	ck_assert_int_eq(md_lists_add(sp, "acme", MD_LIST_BLOCK, "spammer@bad.example", err, sizeof err), 0);
	ck_assert_int_eq(md_lists_add(sp, "acme", MD_LIST_BLOCK, "@junk.example", err, sizeof err), 1);
	ck_assert_int_eq(md_lists_add(sp, "acme", MD_LIST_BLOCK, "x y", err, sizeof err), -1);
	ck_assert_str_eq(err, "not an address or @domain: x y");
	ck_assert_int_eq(md_lists_add(sp, "", MD_LIST_BLOCK, "a@b.c", err, sizeof err), -1);
	ck_assert_int_eq(md_lists_get(sp, "acme", MD_LIST_BLOCK, &v, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0], "@junk.example");
	ck_assert_str_eq(v[1], "spammer@bad.example");
	ck_assert_ptr_null(v[2]);
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	ck_assert_int_eq(md_lists_del(sp, "acme", MD_LIST_BLOCK, "SPAMMER@bad.example", err, sizeof err), 1);
	ck_assert_int_eq(md_lists_del(sp, "acme", MD_LIST_BLOCK, "spammer@bad.example", err, sizeof err), 0);
	ck_assert_int_eq(md_lists_get(sp, "acme", MD_LIST_ALLOW, &v, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 0);
	free(v);
	{
		redisReply *rep = md_rfx_cmd(&rfx, "SMEMBERS maildesk:project:acme:block");

		ck_assert_uint_eq(rep->elements, 1);
		ck_assert_str_eq(rep->element[0]->str, "@junk.example");
		freeReplyObject(rep);
	}
	ck_assert_int_eq(md_pgfx_num("SELECT count(*) FROM sender_lists WHERE project = $1",
	    "acme"), 1);
	ck_assert_int_eq(md_lists_add(sp, "nosuch", MD_LIST_BLOCK, "a@b.example", err,
	    sizeof err), -1);
	ck_assert_str_eq(err, "no such project: nosuch");
}
END_TEST

/*
 * The view follows the table; when Redis is down, what lets mail in
 * (an allow entry added, a block entry removed) is not committed, and
 * what shuts mail out is committed and the caller told to rebuild.
 */
START_TEST(view_order)
{
	char err[256];

	ck_assert_int_eq(md_lists_add(sp, "acme", MD_LIST_ALLOW, "a@ok.example", err,
	    sizeof err), 1);
	ck_assert_int_eq(in_view("allow", "a@ok.example"), 1);
	ck_assert_int_eq(md_lists_add(sp, "acme", MD_LIST_BLOCK, "@bad.example", err,
	    sizeof err), 1);
	ck_assert_int_eq(in_view("block", "@bad.example"), 1);
	/* A lost view entry comes back with the next add. */
	freeReplyObject(md_rfx_cmd(&rfx, "DEL maildesk:project:acme:block"));
	ck_assert_int_eq(md_lists_add(sp, "acme", MD_LIST_BLOCK, "@bad.example", err,
	    sizeof err), 0);
	ck_assert_int_eq(in_view("block", "@bad.example"), 1);
	ck_assert_int_eq(md_lists_del(sp, "acme", MD_LIST_ALLOW, "a@ok.example", err,
	    sizeof err), 1);
	ck_assert_int_eq(in_view("allow", "a@ok.example"), 0);

	md_rfx_kill(&rfx);
	ck_assert_int_eq(md_lists_add(sp, "acme", MD_LIST_ALLOW, "b@ok.example", err,
	    sizeof err), -1);
	ck_assert_int_eq(md_pgfx_num("SELECT count(*) FROM sender_lists WHERE list = $1",
	    "allow"), 0);
	ck_assert_int_eq(md_lists_del(sp, "acme", MD_LIST_BLOCK, "@bad.example", err,
	    sizeof err), -1);
	ck_assert_int_eq(md_pgfx_num("SELECT count(*) FROM sender_lists WHERE list = $1",
	    "block"), 1);
	ck_assert_int_eq(md_lists_add(sp, "acme", MD_LIST_BLOCK, "@worse.example", err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "view rebuild"));
	ck_assert_int_eq(md_pgfx_num("SELECT count(*) FROM sender_lists WHERE list = $1",
	    "block"), 2);
}
END_TEST

START_TEST(check)
{
	char err[256];

	ck_assert_int_eq(md_lists_check(r, "acme", "bob@example.org"), MD_LIST_NONE);
	md_lists_add(sp, "acme", MD_LIST_BLOCK, "@example.org", err, sizeof err);
	md_lists_add(sp, "acme", MD_LIST_ALLOW, "ceo@example.org", err, sizeof err);
	md_lists_add(sp, "acme", MD_LIST_ALLOW, "@partner.example", err, sizeof err);
	md_lists_add(sp, "acme", MD_LIST_BLOCK, "mallory@partner.example", err, sizeof err);

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
	tcase_add_test(tc, view_order);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(lists_suite)
