/*
 * test_projects.c - projects, aliases, issue keys and the alias cache
 * against a real redis-server.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "projects.h"
#include "redis_fixture.h"
#include "unit.h"

static struct md_rfx rfx;
static struct md_config cfg;
static struct md_redis *r;
static char err[512];

static void
setup(void)
{
	ck_assert_int_eq(md_rfx_start(&rfx, NULL), 0);
	md_rfx_config(&rfx, &cfg);
	r = md_redis_new(&cfg);
	ck_assert_ptr_nonnull(r);
	err[0] = '\0';
}

static void
teardown(void)
{
	md_redis_free(r);
	md_config_free(&cfg);
	md_rfx_cleanup(&rfx);
}

static void
add(const char *name)
{
	ck_assert_msg(md_project_add(r, name, err, sizeof err) == 0, "add %s: %s", name, err);
}

static void
alias(const char *name, const char *addr)
{
	ck_assert_msg(md_project_alias_add(r, name, addr, err, sizeof err) == 0,
	    "alias %s %s: %s", name, addr, err);
}

START_TEST(add_duplicate_invalid)
{
	add("acme");
	ck_assert_int_eq(md_project_add(r, "acme", err, sizeof err), -1);
	ck_assert_str_eq(err, "project acme already exists");
	ck_assert_int_eq(md_project_add(r, "Bad Name", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "invalid project name 'Bad Name'"));
	ck_assert_int_eq(md_project_add(r, "", err, sizeof err), -1);
}
END_TEST

START_TEST(list_is_sorted)
{
	char **names;
	size_t n, i;

	ck_assert_int_eq(md_project_list(r, &names, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(names[0]);
	free(names);
	add("zeta");
	add("acme");
	add("beta-2");
	ck_assert_int_eq(md_project_list(r, &names, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(names[0], "acme");
	ck_assert_str_eq(names[1], "beta-2");
	ck_assert_str_eq(names[2], "zeta");
	ck_assert_ptr_null(names[3]);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
END_TEST

START_TEST(get_defaults)
{
	struct md_project p;
	long now = (long)time(NULL);

	add("acme");
	ck_assert_int_eq(md_project_get(r, "acme", &p), 1);
	ck_assert_str_eq(p.name, "acme");
	ck_assert_int_eq(p.enabled, 1);
	ck_assert_int_le(labs(p.created - now), 5);
	ck_assert_int_eq(p.last_iid, 0);
	ck_assert_int_eq(p.verified_senders, 0);
	ck_assert_int_eq(p.reopen_on_reply, 1);
	ck_assert_int_eq(p.notify_state, 1);
	ck_assert_int_eq(p.automated_policy, -1);
	ck_assert(p.spam_mark < 0 && p.spam_reject < 0);
	ck_assert_uint_eq(p.naliases, 0);
	ck_assert_ptr_null(p.aliases[0]);
	md_project_free(&p);
	md_project_free(&p);	/* idempotent */
	ck_assert_int_eq(md_project_get(r, "nosuch", &p), 0);
	ck_assert_int_eq(md_project_get(r, "../etc", &p), 0);
}
END_TEST

START_TEST(enable_disable)
{
	add("acme");
	ck_assert_int_eq(md_project_enabled(r, "acme"), 1);
	ck_assert_int_eq(md_project_set_enabled(r, "acme", 0), 1);
	ck_assert_int_eq(md_project_enabled(r, "acme"), 0);
	ck_assert_int_eq(md_project_set_enabled(r, "acme", 1), 1);
	ck_assert_int_eq(md_project_enabled(r, "acme"), 1);
	ck_assert_int_eq(md_project_set_enabled(r, "nosuch", 1), 0);
	ck_assert_int_eq(md_project_enabled(r, "nosuch"), 0);
	md_rfx_kill(&rfx);
	ck_assert_int_eq(md_project_enabled(r, "acme"), -1);
	ck_assert_int_eq(md_project_set_enabled(r, "acme", 1), -1);
}
END_TEST

START_TEST(set_fields)
{
	struct md_project p;

	add("acme");
	ck_assert_int_eq(md_project_set(r, "acme", "verified_senders", "yes", err, sizeof err), 0);
	ck_assert_int_eq(md_project_set(r, "acme", "reopen_on_reply", "off", err, sizeof err), 0);
	ck_assert_int_eq(md_project_set(r, "acme", "automated_policy", "reject", err, sizeof err), 0);
	ck_assert_int_eq(md_project_set(r, "acme", "spam_mark", "4.5", err, sizeof err), 0);
	ck_assert_int_eq(md_project_set(r, "acme", "spam_reject", "12", err, sizeof err), 0);
	ck_assert_int_eq(md_project_get(r, "acme", &p), 1);
	ck_assert_int_eq(p.verified_senders, 1);
	ck_assert_int_eq(p.reopen_on_reply, 0);
	ck_assert_int_eq(p.automated_policy, MD_AUTO_REJECT);
	ck_assert_double_eq(p.spam_mark, 4.5);
	ck_assert_double_eq(p.spam_reject, 12);
	md_project_free(&p);
	ck_assert_int_eq(md_project_set(r, "acme", "spam_mark", "default", err, sizeof err), 0);
	ck_assert_int_eq(md_project_set(r, "acme", "automated_policy", "default", err, sizeof err), 0);
	ck_assert_int_eq(md_project_get(r, "acme", &p), 1);
	ck_assert(p.spam_mark < 0);
	ck_assert_int_eq(p.automated_policy, -1);
	md_project_free(&p);

	ck_assert_int_eq(md_project_set(r, "acme", "verified_senders", "maybe", err, sizeof err), -1);
	ck_assert_str_eq(err, "verified_senders: expected yes or no");
	ck_assert_int_eq(md_project_set(r, "acme", "spam_mark", "-1", err, sizeof err), -1);
	ck_assert_str_eq(err, "spam_mark: expected a number >= 0 or default");
	ck_assert_int_eq(md_project_set(r, "acme", "automated_policy", "bounce", err, sizeof err), -1);
	ck_assert_int_eq(md_project_set(r, "acme", "last_iid", "7", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown setting 'last_iid'"));
	ck_assert_int_eq(md_project_set(r, "nosuch", "notify_state", "no", err, sizeof err), -1);
	ck_assert_str_eq(err, "no such project: nosuch");
}
END_TEST

START_TEST(alias_add_del_conflict)
{
	struct md_project p;

	add("acme");
	add("beta");
	alias("acme", "<Help@ACME.Example>");
	alias("acme", "sales@acme.example");
	alias("acme", "Help@acme.example");	/* again: fine */
	ck_assert_int_eq(md_project_get(r, "acme", &p), 1);
	ck_assert_uint_eq(p.naliases, 2);
	ck_assert_str_eq(p.aliases[0], "help@acme.example");	/* stored in lower case */
	ck_assert_str_eq(p.aliases[1], "sales@acme.example");
	ck_assert_ptr_null(p.aliases[2]);
	md_project_free(&p);

	ck_assert_int_eq(md_project_alias_add(r, "beta", "Help@acme.example", err, sizeof err), -1);
	ck_assert_str_eq(err, "alias help@acme.example is already used by project acme");
	/* any case is the same alias, for add and del */
	ck_assert_int_eq(md_project_alias_add(r, "beta", "HELP@ACME.example", err, sizeof err), -1);
	ck_assert_int_eq(md_project_alias_del(r, "beta", "hElP@acme.example", err, sizeof err), -1);
	ck_assert_int_eq(md_project_alias_add(r, "nosuch", "x@y.example", err, sizeof err), -1);
	ck_assert_str_eq(err, "no such project: nosuch");
	ck_assert_int_eq(md_project_alias_add(r, "beta", "not an address", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "invalid alias address"));
	ck_assert_int_eq(md_project_alias_add(r, "beta", "nodomain", err, sizeof err), -1);

	ck_assert_int_eq(md_project_alias_del(r, "beta", "sales@acme.example", err, sizeof err), -1);
	ck_assert_str_eq(err, "alias sales@acme.example belongs to project acme, not beta");
	ck_assert_int_eq(md_project_alias_del(r, "acme", "sales@ACME.example", err, sizeof err), 0);
	ck_assert_int_eq(md_project_alias_del(r, "acme", "sales@acme.example", err, sizeof err), -1);
	ck_assert_str_eq(err, "no such alias: sales@acme.example");
	alias("beta", "sales@acme.example");	/* free again */
	ck_assert_int_eq(md_project_get(r, "beta", &p), 1);
	ck_assert_uint_eq(p.naliases, 1);
	md_project_free(&p);
}
END_TEST

#define KEY1 "abcdefghijklmnopqrstuvwxyz"
#define KEY2 "zzzzzzzzzzzzzzzzzzzzzzzzzz"

START_TEST(issue_key_lookup)
{
	redisReply *rep;
	char proj[MD_PROJECT_MAX + 1];

	add("acme");
	rep = md_rfx_cmd(&rfx, "HSET maildesk:rkey:" KEY1 " project acme iid 3 email a@b.example");
	freeReplyObject(rep);
	rep = md_rfx_cmd(&rfx, "HSET maildesk:ukey:" KEY2 " project acme iid 3 email a@b.example");
	freeReplyObject(rep);

	ck_assert_int_eq(md_issue_key_lookup(r, MD_ADDR_REPLY, KEY1, proj, sizeof proj), 1);
	ck_assert_str_eq(proj, "acme");
	ck_assert_int_eq(md_issue_key_lookup(r, MD_ADDR_UNSUB, KEY2, proj, sizeof proj), 1);
	ck_assert_int_eq(md_issue_key_lookup(r, MD_ADDR_UNSUB, KEY1, proj, sizeof proj), 0);
	ck_assert_int_eq(md_issue_key_lookup(r, MD_ADDR_REPLY, KEY2, proj, sizeof proj), 0);
	ck_assert_int_eq(md_issue_key_lookup(r, MD_ADDR_PROJECT, KEY1, proj, sizeof proj), 0);
	ck_assert_int_eq(md_issue_key_lookup(r, MD_ADDR_REPLY, "short", proj, sizeof proj), 0);
	ck_assert_int_eq(md_project_set_enabled(r, "acme", 0), 1);
	ck_assert_int_eq(md_issue_key_lookup(r, MD_ADDR_REPLY, KEY1, proj, sizeof proj), 0);
	md_rfx_kill(&rfx);
	ck_assert_int_eq(md_issue_key_lookup(r, MD_ADDR_REPLY, KEY1, proj, sizeof proj), -1);
}
END_TEST

START_TEST(alias_cache_lookup_and_domains)
{
	struct md_alias_cache *c = md_alias_cache_new(3600);
	char proj[MD_PROJECT_MAX + 1];

	add("acme");
	alias("acme", "Help@acme.example");
	/* Never loaded: everything is "maybe", and without Redis we cannot say. */
	ck_assert_int_eq(md_alias_cache_domain_known(c, "other.example"), 1);
	ck_assert_int_eq(md_alias_cache_lookup(c, NULL, "Help@acme.example", proj, sizeof proj), -1);

	ck_assert_int_eq(md_alias_cache_lookup(c, r, "Help@acme.example", proj, sizeof proj), 1);
	ck_assert_str_eq(proj, "acme");
	ck_assert_int_eq(md_alias_cache_lookup(c, r, "help@ACME.example", proj, sizeof proj), 1);
	ck_assert_int_eq(md_alias_cache_lookup(c, r, "nobody@acme.example", proj, sizeof proj), 0);
	ck_assert_int_eq(md_alias_cache_domain_known(c, "acme.example"), 1);
	ck_assert_int_eq(md_alias_cache_domain_known(c, "ACME.Example"), 1);
	ck_assert_int_eq(md_alias_cache_domain_known(c, "other.example"), 0);
	ck_assert_int_eq(md_alias_cache_domain_known(c, "example"), 0);

	/* Not due for an hour: a new alias is not seen yet, even with r. */
	alias("acme", "desk@new.example");
	ck_assert_int_eq(md_alias_cache_domain_known(c, "new.example"), 0);
	ck_assert_int_eq(md_alias_cache_lookup(c, r, "desk@new.example", proj, sizeof proj), 0);
	md_alias_cache_free(c);
}
END_TEST

START_TEST(alias_cache_refresh)
{
	struct md_alias_cache *c0 = md_alias_cache_new(0), *c1 = md_alias_cache_new(1);
	char proj[MD_PROJECT_MAX + 1];
	struct timespec t0, t;

	add("acme");
	alias("acme", "help@acme.example");
	ck_assert_int_eq(md_alias_cache_lookup(c0, r, "help@acme.example", proj, sizeof proj), 1);
	ck_assert_int_eq(md_alias_cache_lookup(c1, r, "help@acme.example", proj, sizeof proj), 1);
	ck_assert_int_eq(md_alias_cache_domain_known(c1, "new.example"), 0);
	alias("acme", "desk@new.example");

	/* refresh 0 reloads on every lookup. */
	ck_assert_int_eq(md_alias_cache_domain_known(c0, "new.example"), 1);
	ck_assert_int_eq(md_alias_cache_lookup(c0, r, "desk@new.example", proj, sizeof proj), 1);

	/* refresh 1: the table becomes due within about a second, then reloads. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		usleep(20 * 1000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (md_alias_cache_domain_known(c1, "new.example") == 0 && t.tv_sec - t0.tv_sec < 5);
	ck_assert_int_eq(md_alias_cache_lookup(c1, r, "desk@new.example", proj, sizeof proj), 1);
	ck_assert_int_eq(md_alias_cache_domain_known(c1, "new.example"), 1);
	ck_assert_int_eq(md_alias_cache_domain_known(c1, "other.example"), 0);

	/* Redis gone: the stale table still answers. */
	md_rfx_kill(&rfx);
	ck_assert_int_eq(md_alias_cache_lookup(c0, r, "desk@new.example", proj, sizeof proj), 1);
	ck_assert_int_eq(md_alias_cache_lookup(c0, r, "other@new.example", proj, sizeof proj), 0);
	md_alias_cache_free(c0);
	md_alias_cache_free(c1);

	/* ... but a cache that never loaded cannot. */
	c0 = md_alias_cache_new(10);
	ck_assert_int_eq(md_alias_cache_lookup(c0, r, "desk@new.example", proj, sizeof proj), -1);
	md_alias_cache_free(c0);
}
END_TEST

static Suite *
projects_suite(void)
{
	Suite *s = suite_create("projects");
	TCase *tc = tcase_create("projects");

	tcase_set_timeout(tc, 20);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, add_duplicate_invalid);
	tcase_add_test(tc, list_is_sorted);
	tcase_add_test(tc, get_defaults);
	tcase_add_test(tc, enable_disable);
	tcase_add_test(tc, set_fields);
	tcase_add_test(tc, alias_add_del_conflict);
	tcase_add_test(tc, issue_key_lookup);
	tcase_add_test(tc, alias_cache_lookup_and_domains);
	tcase_add_test(tc, alias_cache_refresh);
	suite_add_tcase(s, tc);
	return s;
}

MD_RFX_MAIN(projects_suite)
