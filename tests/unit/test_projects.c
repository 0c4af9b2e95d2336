/*
 * test_projects.c - projects and aliases in PostgreSQL with the Redis view
 * kept in step (project_store.c, view.c, view_rebuild.c), and the
 * milter's readers of that view (issue keys, the alias cache), against a
 * real PostgreSQL and a real redis-server.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lists.h"
#include "pg_fixture.h"
#include "projects.h"
#include "store.h"
#include "template_store.h"
#include "validate.h"
#include "view.h"

static struct md_rfx rfx;
static struct md_config cfg;
static struct md_store st;
static struct md_redis *r;	/* the store's: the view */
static char err[512];

static void
setup(void)
{
	char e[256];

	ck_assert_int_eq(md_rfx_start(&rfx, NULL), 0);
	md_rfx_config(&rfx, &cfg);
	md_pgfx_config(&cfg);
	ck_assert_int_eq(md_config_set(&cfg, "desk_domain", "desk.example", e, sizeof e), 0);
	md_pgfx_fresh();
	ck_assert_msg(md_store_open(&st, &cfg, 1, err, sizeof err) == 0, "%s", err);
	r = st.redis;
	err[0] = '\0';
}

static void
teardown(void)
{
	md_store_close(&st);
	md_config_free(&cfg);
	md_rfx_cleanup(&rfx);
}

static void
add(const char *name)
{
	ck_assert_msg(md_project_add(&st, name, err, sizeof err) == 0, "add %s: %s", name, err);
}

static void
alias(const char *name, const char *addr)
{
	ck_assert_msg(md_project_alias_add(&st, name, addr, err, sizeof err) == 0,
	    "alias %s %s: %s", name, addr, err);
}

/* A Redis reply as a string ("" nil, "(int) N" integers); for assertions. */
static char *
view(const char *fmt, const char *arg)
{
	static char out[512];
	redisReply *rep = md_rfx_cmd(&rfx, fmt, arg);

	ck_assert_ptr_nonnull(rep);
	if (rep->type == REDIS_REPLY_STRING)
		snprintf(out, sizeof out, "%s", rep->str);
	else if (rep->type == REDIS_REPLY_INTEGER)
		snprintf(out, sizeof out, "(int) %lld", rep->integer);
	else
		out[0] = '\0';
	freeReplyObject(rep);
	return out;
}

static int
get(const char *name, struct md_project *p)
{
	return md_project_get(&st, name, p, err, sizeof err);
}

START_TEST(add_duplicate_invalid)
{
	add("acme");
	ck_assert_int_eq(md_project_add(&st, "acme", err, sizeof err), -1);
	ck_assert_str_eq(err, "project acme already exists");
	ck_assert_int_eq(md_project_add(&st, "Bad Name", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "invalid project name 'Bad Name'"));
	ck_assert_int_eq(md_project_add(&st, "", err, sizeof err), -1);
}
END_TEST

START_TEST(list_is_sorted)
{
	char **names;
	size_t n, i;

	ck_assert_int_eq(md_project_list(&st, &names, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(names[0]);
	free(names);
	add("zeta");
	add("acme");
	add("beta-2");
	ck_assert_int_eq(md_project_list(&st, &names, &n, err, sizeof err), 0);
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
	ck_assert_int_eq(get("acme", &p), 1);
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
	ck_assert_int_eq(get("nosuch", &p), 0);
	ck_assert_int_eq(get("../etc", &p), 0);
}
END_TEST

START_TEST(enable_disable)
{
	add("acme");
	ck_assert_int_eq(md_project_enabled(r, "acme"), 1);
	ck_assert_int_eq(md_project_set_enabled(&st, "acme", 0, err, sizeof err), 1);
	ck_assert_int_eq(md_project_enabled(r, "acme"), 0);
	md_pgfx_str_eq("SELECT enabled FROM projects WHERE name = $1",
	    "acme", "f");
	ck_assert_int_eq(md_project_set_enabled(&st, "acme", 1, err, sizeof err), 1);
	ck_assert_int_eq(md_project_enabled(r, "acme"), 1);
	ck_assert_int_eq(md_project_set_enabled(&st, "nosuch", 1, err, sizeof err), 0);
	ck_assert_str_eq(err, "no such project: nosuch");
	ck_assert_int_eq(md_project_enabled(r, "nosuch"), 0);

	/* Enabling puts into the view before the commit: no view, no commit. */
	ck_assert_int_eq(md_project_set_enabled(&st, "acme", 0, err, sizeof err), 1);
	md_rfx_kill(&rfx);
	ck_assert_int_eq(md_project_enabled(r, "acme"), -1);
	ck_assert_int_eq(md_project_set_enabled(&st, "acme", 1, err, sizeof err), -1);
	md_pgfx_str_eq("SELECT enabled FROM projects WHERE name = $1",
	    "acme", "f");
	/* Disabling commits first, then says the view is behind. */
	ck_assert_int_eq(md_project_set(&st, "acme", "enabled", "no", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "view rebuild"));
}
END_TEST

START_TEST(set_fields)
{
	struct md_project p;

	add("acme");
	ck_assert_int_eq(md_project_set(&st, "acme", "verified_senders", "yes", err, sizeof err), 0);
	ck_assert_int_eq(md_project_set(&st, "acme", "reopen_on_reply", "off", err, sizeof err), 0);
	ck_assert_int_eq(md_project_set(&st, "acme", "automated_policy", "reject", err, sizeof err), 0);
	ck_assert_int_eq(md_project_set(&st, "acme", "spam_mark", "4.5", err, sizeof err), 0);
	ck_assert_int_eq(md_project_set(&st, "acme", "spam_reject", "12", err, sizeof err), 0);
	ck_assert_int_eq(get("acme", &p), 1);
	ck_assert_int_eq(p.verified_senders, 1);
	ck_assert_int_eq(p.reopen_on_reply, 0);
	ck_assert_int_eq(p.automated_policy, MD_AUTO_REJECT);
	ck_assert_double_eq(p.spam_mark, 4.5);
	ck_assert_double_eq(p.spam_reject, 12);
	md_project_free(&p);
	ck_assert_int_eq(md_project_set(&st, "acme", "spam_mark", "default", err, sizeof err), 0);
	ck_assert_int_eq(md_project_set(&st, "acme", "automated_policy", "default", err, sizeof err), 0);
	ck_assert_int_eq(get("acme", &p), 1);
	ck_assert(p.spam_mark < 0);
	ck_assert_int_eq(p.automated_policy, -1);
	md_project_free(&p);

	ck_assert_int_eq(md_project_set(&st, "acme", "verified_senders", "maybe", err, sizeof err), -1);
	ck_assert_str_eq(err, "verified_senders: expected yes or no");
	ck_assert_int_eq(md_project_set(&st, "acme", "spam_mark", "-1", err, sizeof err), -1);
	ck_assert_str_eq(err, "spam_mark: expected a number >= 0 or default");
	ck_assert_int_eq(md_project_set(&st, "acme", "automated_policy", "bounce", err, sizeof err), -1);
	ck_assert_int_eq(md_project_set(&st, "acme", "last_iid", "7", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown setting 'last_iid'"));
	ck_assert_int_eq(md_project_set(&st, "nosuch", "notify_state", "no", err, sizeof err), -1);
	ck_assert_str_eq(err, "no such project: nosuch");

	/* Retention: days, "180d", off; the view's hash does not carry it. */
	ck_assert_int_eq(md_project_set(&st, "acme", "retention", "180d", err, sizeof err), 0);
	ck_assert_int_eq(get("acme", &p), 1);
	ck_assert_int_eq(p.retention_days, 180);
	md_project_free(&p);
	ck_assert_int_eq(md_project_set(&st, "acme", "retention_days", "30", err, sizeof err), 0);
	md_pgfx_str_eq("SELECT retention_days FROM projects WHERE name = $1",
	    "acme", "30");
	ck_assert_int_eq(md_project_set(&st, "acme", "retention", "off", err, sizeof err), 0);
	ck_assert_int_eq(get("acme", &p), 1);
	ck_assert_int_eq(p.retention_days, 0);
	md_project_free(&p);
	ck_assert_int_eq(md_project_set(&st, "acme", "retention", "-3", err, sizeof err), -1);
	ck_assert_int_eq(md_project_set(&st, "acme", "retention", "soon", err, sizeof err), -1);
	ck_assert_int_eq(md_project_set(&st, "acme", "retention", "0d", err, sizeof err), 0);
	ck_assert_str_eq(view("HGET maildesk:project:%s retention_days", "acme"), "");

	/* The view's hash has the settings in today's spelling. */
	ck_assert_int_eq(md_project_set(&st, "acme", "spam_mark", "4.5", err, sizeof err), 0);
	ck_assert_str_eq(view("HGET maildesk:project:%s spam_mark", "acme"), "4.5");
	ck_assert_str_eq(view("HGET maildesk:project:%s spam_reject", "acme"), "12");
	ck_assert_int_eq(md_project_set(&st, "acme", "spam_reject", "default", err,
	    sizeof err), 0);
	ck_assert_str_eq(view("HGET maildesk:project:%s spam_reject", "acme"), "default");
	ck_assert_str_eq(view("HGET maildesk:project:%s verified_senders", "acme"), "1");
	ck_assert_str_eq(view("HGET maildesk:project:%s automated_policy", "acme"), "default");
	ck_assert_int_eq(md_project_settings(r, "acme", &p), 1);
	ck_assert_double_eq(p.spam_mark, 4.5);
	ck_assert_int_eq(p.verified_senders, 1);

	/* Sender identity overrides: NULL / "default" follow maildesk.conf. */
	ck_assert_int_eq(p.dmarc_reject, MD_OVERRIDE_DEFAULT);
	ck_assert_str_eq(view("HGET maildesk:project:%s dmarc_reject", "acme"), "default");
	md_pgfx_str_eq("SELECT coalesce(dmarc_reject::text, 'null') FROM projects "
	    "WHERE name = $1", "acme", "null");
	ck_assert_int_eq(md_project_set(&st, "acme", "dmarc_reject", "no", err, sizeof err), 0);
	ck_assert_int_eq(md_project_set(&st, "acme", "dmarc_quarantine", "reject", err,
	    sizeof err), 0);
	ck_assert_int_eq(md_project_set(&st, "acme", "desk_from_auth", "on", err, sizeof err), 0);
	ck_assert_int_eq(get("acme", &p), 1);
	ck_assert_int_eq(p.dmarc_reject, MD_OVERRIDE_OFF);
	ck_assert_int_eq(p.quarantine_reject, MD_OVERRIDE_ON);
	ck_assert_int_eq(p.desk_from_auth, MD_OVERRIDE_ON);
	md_project_free(&p);
	ck_assert_str_eq(view("HGET maildesk:project:%s dmarc_reject", "acme"), "no");
	ck_assert_str_eq(view("HGET maildesk:project:%s dmarc_quarantine", "acme"), "reject");
	ck_assert_str_eq(view("HGET maildesk:project:%s desk_from_auth", "acme"), "yes");
	ck_assert_int_eq(md_project_settings(r, "acme", &p), 1);
	ck_assert_int_eq(p.dmarc_reject, MD_OVERRIDE_OFF);
	ck_assert_int_eq(p.quarantine_reject, MD_OVERRIDE_ON);
	ck_assert_int_eq(p.desk_from_auth, MD_OVERRIDE_ON);
	ck_assert_int_eq(md_project_set(&st, "acme", "dmarc_quarantine", "default", err,
	    sizeof err), 0);
	md_pgfx_str_eq("SELECT coalesce(dmarc_quarantine, 'null') FROM projects "
	    "WHERE name = $1", "acme", "null");
	ck_assert_int_eq(md_project_set(&st, "acme", "dmarc_quarantine", "yes", err,
	    sizeof err), -1);
	ck_assert_str_eq(err, "dmarc_quarantine: expected reject, accept or default");
	ck_assert_int_eq(md_project_set(&st, "acme", "dmarc_reject", "maybe", err,
	    sizeof err), -1);
	ck_assert_str_eq(err, "dmarc_reject: expected yes, no or default");
}
END_TEST

START_TEST(relaxing_needs_admin)
{
	static const struct {
		const char *field, *value;
		int needs_admin;
	} rows[] = {
		{ "dmarc_reject", "no", 1 },
		{ "dmarc_quarantine", "accept", 1 },
		{ "desk_from_auth", "no", 1 },
		{ "desk_from_auth", "off", 1 },		/* md_project_set's other spellings */
		{ "dmarc_reject", "FALSE", 1 },
		{ "dmarc_reject", "0", 1 },
		{ "desk_from_auth", "On", 0 },
		{ "dmarc_reject", "yes", 0 },		/* tightening */
		{ "dmarc_quarantine", "reject", 0 },
		{ "desk_from_auth", "default", 0 },	/* back to maildesk.conf */
		{ "dmarc_reject", "sometimes", 0 },	/* md_project_set refuses it */
		{ "verified_senders", "no", 0 },	/* not a sender identity override */
		{ "automated_policy", "accept", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		err[0] = '\0';
		ck_assert_msg(md_project_setting_needs_admin(rows[i].field, rows[i].value,
		    err, sizeof err) == rows[i].needs_admin, "%s %s", rows[i].field,
		    rows[i].value);
		ck_assert_int_eq(err[0] != '\0', rows[i].needs_admin);
	}
	md_project_setting_needs_admin("dmarc_quarantine", "accept", err, sizeof err);
	ck_assert_str_eq(err, "dmarc_quarantine accept turns off a forged-sender check: "
	    "only a site admin may set it (a maintainer may set reject or default)");
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
	ck_assert_int_eq(get("acme", &p), 1);
	ck_assert_uint_eq(p.naliases, 2);
	ck_assert_str_eq(p.aliases[0], "help@acme.example");	/* stored in lower case */
	ck_assert_str_eq(p.aliases[1], "sales@acme.example");
	ck_assert_ptr_null(p.aliases[2]);
	md_project_free(&p);

	ck_assert_int_eq(md_project_alias_add(&st, "beta", "Help@acme.example", err, sizeof err), -1);
	ck_assert_str_eq(err, "alias help@acme.example is already used by project acme");
	/* any case is the same alias, for add and del */
	ck_assert_int_eq(md_project_alias_add(&st, "beta", "HELP@ACME.example", err, sizeof err), -1);
	ck_assert_int_eq(md_project_alias_del(&st, "beta", "hElP@acme.example", err, sizeof err), -1);
	ck_assert_int_eq(md_project_alias_add(&st, "nosuch", "x@y.example", err, sizeof err), -1);
	ck_assert_str_eq(err, "no such project: nosuch");
	ck_assert_int_eq(md_project_alias_add(&st, "beta", "not an address", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "invalid alias address"));
	ck_assert_int_eq(md_project_alias_add(&st, "beta", "nodomain", err, sizeof err), -1);
	/* Addresses of the desk domain are the desk's own (issue 17). */
	ck_assert_int_eq(md_project_alias_add(&st, "beta", "Help@Desk.Example", err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "is in the desk domain desk.example"));

	ck_assert_int_eq(md_project_alias_del(&st, "beta", "sales@acme.example", err, sizeof err), -1);
	ck_assert_str_eq(err, "alias sales@acme.example belongs to project acme, not beta");
	ck_assert_int_eq(md_project_alias_del(&st, "acme", "sales@ACME.example", err, sizeof err), 0);
	ck_assert_int_eq(md_project_alias_del(&st, "acme", "sales@acme.example", err, sizeof err), -1);
	ck_assert_str_eq(err, "no such alias: sales@acme.example");
	alias("beta", "sales@acme.example");	/* free again */
	ck_assert_int_eq(get("beta", &p), 1);
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
	ck_assert_int_eq(md_project_set_enabled(&st, "acme", 0, err, sizeof err), 1);
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

START_TEST(view_follows_store)
{
	struct md_project p;

	/* After add, the view has the hash and the set member. */
	add("acme");
	ck_assert_str_eq(view("HGET maildesk:project:%s enabled", "acme"), "1");
	ck_assert_str_eq(view("SISMEMBER maildesk:projects %s", "acme"), "(int) 1");
	alias("acme", "Help@ACME.example");
	ck_assert_str_eq(view("HGET maildesk:aliases %s", "help@acme.example"), "acme");
	/* After alias del, the view entry is gone. */
	ck_assert_int_eq(md_project_alias_del(&st, "acme", "help@acme.example", err,
	    sizeof err), 0);
	ck_assert_str_eq(view("HEXISTS maildesk:aliases %s", "help@acme.example"), "(int) 0");
	ck_assert_int_eq(md_pgfx_num("SELECT count(*) FROM aliases WHERE project = $1",
	    "acme"), 0);

	/* A view entry that got lost is put back by adding the alias again. */
	alias("acme", "sales@acme.example");
	freeReplyObject(md_rfx_cmd(&rfx, "HDEL maildesk:aliases sales@acme.example"));
	alias("acme", "sales@acme.example");
	ck_assert_str_eq(view("HGET maildesk:aliases %s", "sales@acme.example"), "acme");

	/* No view, no commit: nothing valid exists only in PostgreSQL. */
	md_rfx_kill(&rfx);
	ck_assert_int_eq(md_project_add(&st, "beta", err, sizeof err), -1);
	ck_assert_int_eq(md_pgfx_num("SELECT count(*) FROM projects WHERE name = $1",
	    "beta"), 0);
	ck_assert_int_eq(md_project_alias_add(&st, "acme", "new@acme.example", err,
	    sizeof err), -1);
	ck_assert_int_eq(md_pgfx_num("SELECT count(*) FROM aliases WHERE address = $1",
	    "new@acme.example"), 0);
	/* Reading needs only PostgreSQL. */
	ck_assert_int_eq(get("acme", &p), 1);
	ck_assert_uint_eq(p.naliases, 1);
	md_project_free(&p);
}
END_TEST

#define RKEY "reply2keyabcdefghijklmnopq"
#define UKEY "unsub2keyabcdefghijklmnopq"

/* An issue of project with one subscriber holding RKEY and UKEY. */
static void
subscriber(const char *project)
{
	char *id = md_pgfx_value("INSERT INTO issues (project, iid, title, author, created, "
	    "updated) VALUES ($1, 7, 'help', 'c', 0, 0) RETURNING id", project);

	ck_assert_int_eq(md_pgfx_num("INSERT INTO participants (issue_id, email, reply_key, "
	    "unsub_key) VALUES ($1::bigint, 'c@cust.example', '" RKEY "', '" UKEY "') "
	    "RETURNING 1", id), 1);
	free(id);
}

START_TEST(view_rebuild)
{
	struct md_view_stats vs;
	char proj[MD_PROJECT_MAX + 1];

	add("acme");
	add("beta");
	ck_assert_int_eq(md_project_set_enabled(&st, "beta", 0, err, sizeof err), 1);
	alias("acme", "help@acme.example");
	ck_assert_int_eq(md_lists_add(&st, "acme", MD_LIST_BLOCK, "@spam.example", err,
	    sizeof err), 1);
	ck_assert_int_eq(md_lists_add(&st, "acme", MD_LIST_ALLOW, "Boss@Partner.example",
	    err, sizeof err), 1);
	subscriber("acme");
	/* Something that is not the view, which a rebuild must not touch. */
	freeReplyObject(md_rfx_cmd(&rfx, "XADD maildesk:inbox * kind new"));

	/* The view lost: a rebuild brings it all back. */
	freeReplyObject(md_rfx_cmd(&rfx, "DEL maildesk:projects maildesk:project:acme "
	    "maildesk:project:beta maildesk:aliases maildesk:project:acme:block "
	    "maildesk:project:acme:allow"));
	ck_assert_int_eq(md_project_enabled(r, "acme"), 0);
	ck_assert_msg(md_view_rebuild(&st, &vs, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(vs.projects, 2);
	ck_assert_int_eq(vs.aliases, 1);
	ck_assert_int_eq(vs.list_entries, 2);
	ck_assert_int_eq(vs.keys, 2);
	ck_assert_int_eq(vs.stale, 0);
	ck_assert_int_eq(md_project_enabled(r, "acme"), 1);
	ck_assert_int_eq(md_project_enabled(r, "beta"), 0);
	ck_assert_str_eq(view("SISMEMBER maildesk:projects %s", "beta"), "(int) 1");
	ck_assert_str_eq(view("HGET maildesk:aliases %s", "help@acme.example"), "acme");
	ck_assert_int_eq(md_lists_check(r, "acme", "x@mail.spam.example"), MD_LIST_BLOCK);
	ck_assert_int_eq(md_lists_check(r, "acme", "boss@partner.example"), MD_LIST_ALLOW);
	ck_assert_int_eq(md_issue_key_lookup(r, MD_ADDR_REPLY, RKEY, proj, sizeof proj), 1);
	ck_assert_str_eq(proj, "acme");
	ck_assert_int_eq(md_issue_key_lookup(r, MD_ADDR_UNSUB, UKEY, proj, sizeof proj), 1);
	ck_assert_str_eq(view("HGET maildesk:rkey:%s iid", RKEY), "7");
	ck_assert_str_eq(view("HGET maildesk:ukey:%s email", UKEY), "c@cust.example");

	/* Stale extra entries go; what PostgreSQL has stays. */
	freeReplyObject(md_rfx_cmd(&rfx, "HSET maildesk:project:ghost enabled 1"));
	freeReplyObject(md_rfx_cmd(&rfx, "SADD maildesk:projects ghost"));
	freeReplyObject(md_rfx_cmd(&rfx, "SADD maildesk:project:ghost:allow a@b.example"));
	freeReplyObject(md_rfx_cmd(&rfx, "HSET maildesk:aliases old@acme.example acme"));
	freeReplyObject(md_rfx_cmd(&rfx, "SADD maildesk:project:acme:block @ok.example"));
	freeReplyObject(md_rfx_cmd(&rfx, "HSET maildesk:rkey:zzzzzzzzzzzzzzzzzzzzzzzzzz "
	    "project acme iid 1 email x@y.example"));
	freeReplyObject(md_rfx_cmd(&rfx, "HSET maildesk:ukey:zzzzzzzzzzzzzzzzzzzzzzzzzz "
	    "project acme iid 1 email x@y.example"));
	ck_assert_msg(md_view_rebuild(&st, &vs, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(view("EXISTS maildesk:project:%s", "ghost"), "(int) 0");
	ck_assert_str_eq(view("EXISTS maildesk:project:%s:allow", "ghost"), "(int) 0");
	ck_assert_str_eq(view("SISMEMBER maildesk:projects %s", "ghost"), "(int) 0");
	ck_assert_str_eq(view("HEXISTS maildesk:aliases %s", "old@acme.example"), "(int) 0");
	ck_assert_str_eq(view("SISMEMBER maildesk:project:acme:block %s", "@ok.example"),
	    "(int) 0");
	ck_assert_str_eq(view("EXISTS maildesk:rkey:%s", "zzzzzzzzzzzzzzzzzzzzzzzzzz"),
	    "(int) 0");
	ck_assert_str_eq(view("EXISTS maildesk:ukey:%s", "zzzzzzzzzzzzzzzzzzzzzzzzzz"),
	    "(int) 0");
	ck_assert_str_eq(view("HGET maildesk:aliases %s", "help@acme.example"), "acme");
	ck_assert_int_eq(md_lists_check(r, "acme", "x@spam.example"), MD_LIST_BLOCK);
	ck_assert_int_eq(md_issue_key_lookup(r, MD_ADDR_REPLY, RKEY, proj, sizeof proj), 1);
	ck_assert_str_eq(view("EXISTS %s", "maildesk:inbox"), "(int) 1");
	ck_assert_int_ge(vs.stale, 6);

	/* A third run finds nothing stale. */
	ck_assert_msg(md_view_rebuild(&st, &vs, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(vs.stale, 0);
}
END_TEST

START_TEST(templates_stored)
{
	md_buf body = MD_BUF_INIT, subj = MD_BUF_INIT;
	const char *dflt = md_template_default(MD_TPL_CLOSE);

	add("acme");
	ck_assert_int_eq(md_template_load(&st, "acme", MD_TPL_CLOSE, &body, &subj, err,
	    sizeof err), 0);
	ck_assert_uint_eq(body.len + subj.len, 0);	/* none: the defaults */
	ck_assert_int_eq(md_template_store(&st, "acme", "close", "Closed: %{ISSUE_PATH}",
	    dflt, err, sizeof err), 0);
	ck_assert_int_eq(md_template_store(&st, "acme", "close_subject", "Done",
	    NULL, err, sizeof err), 0);
	ck_assert_int_eq(md_template_load(&st, "acme", MD_TPL_CLOSE, &body, &subj, err,
	    sizeof err), 0);
	ck_assert_str_eq(md_buf_str(&body), "Closed: %{ISSUE_PATH}");
	ck_assert_str_eq(md_buf_str(&subj), "Done");
	/* The default text is stored as none, so it follows upgrades. */
	ck_assert_int_eq(md_template_store(&st, "acme", "close", dflt, dflt, err,
	    sizeof err), 0);
	md_buf_reset(&body);
	md_buf_reset(&subj);
	ck_assert_int_eq(md_template_load(&st, "acme", MD_TPL_CLOSE, &body, &subj, err,
	    sizeof err), 0);
	ck_assert_uint_eq(body.len, 0);
	ck_assert_str_eq(md_buf_str(&subj), "Done");
	ck_assert_int_eq(md_template_store(&st, "nosuch", "close", "x", NULL, err,
	    sizeof err), -1);
	ck_assert_str_eq(err, "no such project: nosuch");
	ck_assert_int_eq(md_template_store(&st, "acme", "bogus", "x", NULL, err,
	    sizeof err), -1);
	md_buf_free(&body);
	md_buf_free(&subj);
}
END_TEST

/* Issue 17's rules, shared by the CLI and the web UI. */
START_TEST(input_rules)
{
	char out[MD_ADDR_MAX + 1];

	ck_assert_ptr_null(md_note_text_problem("fine", 4));
	ck_assert_ptr_null(md_note_text_problem("gr\xc3\xbc\xc3\x9f", 6));
	ck_assert_str_eq(md_note_text_problem("a\0b", 3), "the note text contains a NUL byte");
	ck_assert_str_eq(md_note_text_problem("\xff\xfe", 2), "the note text is not valid UTF-8");
	ck_assert_str_eq(md_note_text_problem(" \t\r\n ", 5), "the note text is empty");
	ck_assert_str_eq(md_note_text_problem("", 0), "the note text is empty");
	ck_assert_str_eq(md_note_text_problem(NULL, 0), "the note text is empty");

	ck_assert_int_eq(md_alias_check(&cfg, "<Help@ACME.example>", out, sizeof out, err,
	    sizeof err), 0);
	ck_assert_str_eq(out, "help@acme.example");
	ck_assert_int_eq(md_alias_check(&cfg, "x@DESK.example", out, sizeof out, err,
	    sizeof err), -1);
	ck_assert_str_eq(err, "alias x@desk.example is in the desk domain desk.example: "
	    "addresses there are the desk's own");
	ck_assert_int_eq(md_alias_check(&cfg, "x@sub.desk.example", NULL, 0, err,
	    sizeof err), 0);
	ck_assert_int_eq(md_alias_check(&cfg, "nodomain", NULL, 0, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "invalid alias address"));
	ck_assert_int_eq(md_alias_check(NULL, "x@desk.example", NULL, 0, err, sizeof err), 0);
}
END_TEST

static Suite *
projects_suite(void)
{
	Suite *s = suite_create("projects");
	TCase *tc = tcase_create("projects");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, add_duplicate_invalid);
	tcase_add_test(tc, list_is_sorted);
	tcase_add_test(tc, get_defaults);
	tcase_add_test(tc, enable_disable);
	tcase_add_test(tc, set_fields);
	tcase_add_test(tc, relaxing_needs_admin);
	tcase_add_test(tc, alias_add_del_conflict);
	tcase_add_test(tc, issue_key_lookup);
	tcase_add_test(tc, alias_cache_lookup_and_domains);
	tcase_add_test(tc, alias_cache_refresh);
	tcase_add_test(tc, view_follows_store);
	tcase_add_test(tc, view_rebuild);
	tcase_add_test(tc, templates_stored);
	tcase_add_test(tc, input_rules);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(projects_suite)
