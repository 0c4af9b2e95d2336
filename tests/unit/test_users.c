/*
 * test_users.c - web UI accounts and sessions (lib/store/users.c, lib/store/session.c)
 * in a real PostgreSQL.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pg_fixture.h"
#include "session.h"
#include "store.h"
#include "users.h"
#include "view.h"

static struct md_rfx rfx;
static struct md_config cfg;
static struct md_store st, *r = &st;
static char err[512];

static void
setup(void)
{
	ck_assert_int_eq(md_rfx_start(&rfx, NULL), 0);
	md_rfx_config(&rfx, &cfg);
	md_pgfx_config(&cfg);
	md_pgfx_fresh();
	ck_assert_msg(md_store_open(&st, &cfg, 1, err, sizeof err) == 0, "%s", err);
	err[0] = '\0';
}

static void
teardown(void)
{
	md_store_close(&st);
	md_config_free(&cfg);
	md_rfx_cleanup(&rfx);
}

START_TEST(names_and_roles)
{
	enum md_role role;

	ck_assert_int_eq(md_user_name_valid("alice"), 1);
	ck_assert_int_eq(md_user_name_valid("a.b-c_9"), 1);
	ck_assert_int_eq(md_user_name_valid("Alice"), 0);
	ck_assert_int_eq(md_user_name_valid("-x"), 0);
	ck_assert_int_eq(md_user_name_valid("a b"), 0);
	ck_assert_int_eq(md_user_name_valid("a:b"), 0);
	ck_assert_int_eq(md_user_name_valid(""), 0);
	ck_assert_int_eq(md_role_parse("admin", &role), 0);
	ck_assert_int_eq(role, MD_ROLE_ADMIN);
	ck_assert_int_eq(md_role_parse("root", &role), -1);
	ck_assert_str_eq(md_role_name(MD_ROLE_RESPONDER), "responder");
}
END_TEST

START_TEST(add_verify_passwd_del)
{
	struct md_user u, *list;
	size_t n;

	ck_assert_msg(md_user_add(r, "alice", MD_ROLE_ADMIN, "s3cret-pass", err,
	    sizeof err) == 0, "%s", err);
	ck_assert_int_eq(md_user_add(r, "alice", MD_ROLE_ADMIN, "s3cret-pass", err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "already exists"));
	ck_assert_int_eq(md_user_add(r, "bob", MD_ROLE_RESPONDER, "short", err,
	    sizeof err), -1);
	ck_assert_int_eq(md_user_add(r, "Bad Name", MD_ROLE_RESPONDER, "long enough",
	    err, sizeof err), -1);

	ck_assert_int_eq(md_user_verify(r, "alice", "s3cret-pass", &u), 1);
	ck_assert_str_eq(u.name, "alice");
	ck_assert_int_eq(u.role, MD_ROLE_ADMIN);
	ck_assert_int_gt(u.created, 0);
	ck_assert_int_eq(md_user_verify(r, "alice", "wrong-pass", &u), 0);
	ck_assert_int_eq(md_user_verify(r, "nobody", "s3cret-pass", &u), 0);
	ck_assert_int_eq(md_user_verify(r, "bad name", "s3cret-pass", &u), 0);

	ck_assert_int_eq(md_user_passwd(r, "alice", "new-password", err, sizeof err), 0);
	ck_assert_int_eq(md_user_verify(r, "alice", "s3cret-pass", &u), 0);
	ck_assert_int_eq(md_user_verify(r, "alice", "new-password", &u), 1);
	ck_assert_int_eq(md_user_passwd(r, "nobody", "new-password", err, sizeof err), -1);
	ck_assert_int_eq(md_user_set_role(r, "alice", MD_ROLE_RESPONDER, err, sizeof err), 0);
	ck_assert_int_eq(md_user_get(r, "alice", &u), 1);
	ck_assert_int_eq(u.role, MD_ROLE_RESPONDER);

	ck_assert_int_eq(md_user_add(r, "aaron", MD_ROLE_RESPONDER, "password-2", err,
	    sizeof err), 0);
	ck_assert_int_eq(md_user_list(r, &list, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(list[0].name, "aaron");
	ck_assert_str_eq(list[1].name, "alice");
	free(list);

	ck_assert_int_eq(md_user_del(r, "alice", err, sizeof err), 0);
	ck_assert_int_eq(md_user_del(r, "alice", err, sizeof err), -1);
	ck_assert_int_eq(md_user_get(r, "alice", &u), 0);
	ck_assert_int_eq(md_user_verify(r, "alice", "new-password", &u), 0);
	/* Changing a deleted user must not bring a half user back. */
	ck_assert_int_eq(md_user_set_role(r, "alice", MD_ROLE_ADMIN, err, sizeof err), -1);
	ck_assert_int_eq(md_user_get(r, "alice", &u), 0);
}
END_TEST

START_TEST(sessions)
{
	struct md_session s, t, u;
	char *exp;
	long now, after;

	/* A session needs a user. */
	ck_assert_int_eq(md_session_create(r, "alice", 100, &s), -1);
	ck_assert_int_eq(md_user_add(r, "alice", MD_ROLE_ADMIN, "s3cret-pass", err,
	    sizeof err), 0);
	/* The password hash before took a while under load: time this one. */
	now = (long)time(NULL);
	ck_assert_int_eq(md_session_create(r, "alice", 100, &s), 0);
	after = (long)time(NULL);
	ck_assert_int_eq(md_session_token_valid(s.id), 1);
	ck_assert_int_eq(md_session_token_valid(s.csrf), 1);
	ck_assert_str_ne(s.id, s.csrf);
	ck_assert_int_eq(md_session_get(r, s.id, &t), 1);
	ck_assert_str_eq(t.user, "alice");
	ck_assert_str_eq(t.csrf, s.csrf);

	exp = md_pgfx_value("SELECT expires FROM sessions WHERE id = $1", s.id);
	ck_assert(atol(exp) >= now + 100 && atol(exp) <= after + 100);
	free(exp);

	ck_assert_int_eq(md_session_csrf_ok(&t, s.csrf), 1);
	ck_assert_int_eq(md_session_csrf_ok(&t, s.id), 0);
	ck_assert_int_eq(md_session_csrf_ok(&t, ""), 0);
	ck_assert_int_eq(md_session_csrf_ok(&t, NULL), 0);

	/* Ids of the wrong form never reach the database. */
	ck_assert_int_eq(md_session_get(r, "../../x", &t), 0);
	ck_assert_int_eq(md_session_get(r, "", &t), 0);
	ck_assert_int_eq(md_session_token_valid(
	    "ABCDEF0000000000000000000000000000000000000000000000000000000000"), 0);

	ck_assert_int_eq(md_session_destroy(r, s.id), 0);
	ck_assert_int_eq(md_session_get(r, s.id, &t), 0);
	ck_assert_int_eq(md_session_destroy(r, s.id), 0);
	ck_assert_int_eq(md_session_create(r, "not valid", 100, &s), -1);

	/* An expired session is unknown, and the next login sweeps it. */
	ck_assert_int_eq(md_session_create(r, "alice", 100, &s), 0);
	ck_assert_int_eq(md_pgfx_num("UPDATE sessions SET expires = 1 WHERE id = $1 "
	    "RETURNING 1", s.id), 1);
	ck_assert_int_eq(md_session_get(r, s.id, &t), 0);
	ck_assert_int_eq(md_session_create(r, "alice", 100, &u), 0);
	ck_assert_int_eq(md_pgfx_num("SELECT count(*) FROM sessions WHERE id = $1", s.id), 0);
}
END_TEST

/* A password change or a deletion ends the user's sessions, not others'. */
START_TEST(sessions_end_with_password_or_user)
{
	struct md_session a1, a2, b, t;

	ck_assert_int_eq(md_user_add(r, "alice", MD_ROLE_ADMIN, "s3cret-pass", err,
	    sizeof err), 0);
	ck_assert_int_eq(md_user_add(r, "bob", MD_ROLE_RESPONDER, "s3cret-pass", err,
	    sizeof err), 0);
	ck_assert_int_eq(md_session_create(r, "alice", 100, &a1), 0);
	ck_assert_int_eq(md_session_create(r, "alice", 100, &a2), 0);
	ck_assert_int_eq(md_session_create(r, "bob", 100, &b), 0);

	ck_assert_int_eq(md_user_passwd(r, "alice", "another-pass", err, sizeof err), 0);
	ck_assert_int_eq(md_session_get(r, a1.id, &t), 0);
	ck_assert_int_eq(md_session_get(r, a2.id, &t), 0);
	ck_assert_int_eq(md_session_get(r, b.id, &t), 1);
	/* A role change does not log anybody out (the web reads the role each time). */
	ck_assert_int_eq(md_session_create(r, "alice", 100, &a1), 0);
	ck_assert_int_eq(md_user_set_role(r, "alice", MD_ROLE_RESPONDER, err, sizeof err), 0);
	ck_assert_int_eq(md_session_get(r, a1.id, &t), 1);

	ck_assert_int_eq(md_user_del(r, "alice", err, sizeof err), 0);
	ck_assert_int_eq(md_session_get(r, a1.id, &t), 0);
	ck_assert_int_eq(md_session_get(r, b.id, &t), 1);
	ck_assert_int_eq(md_session_destroy_user(r, "bob"), 0);
	ck_assert_int_eq(md_session_get(r, b.id, &t), 0);
	ck_assert_int_eq(md_pgfx_num("SELECT count(*) FROM sessions", NULL), 0);
}
END_TEST

/* 1 when domain is in <p>responder_domains. */
static int
domain_in_view(const char *domain)
{
	return md_view_responder_domain_is(st.redis, domain);
}

START_TEST(responder_domains_sync)
{
	long removed;

	/*
	 * A concurrent sync's SREM can take out the domain of an address
	 * committed after its first query (view_domains.c): simulated by an
	 * address in PostgreSQL whose domain is not in the set.  The sync
	 * puts it back and removes only what no address is in.
	 */
	ck_assert_int_eq(md_user_add(r, "bob", MD_ROLE_RESPONDER, "s3cret-pass", err,
	    sizeof err), 0);
	md_pgfx_str_eq("UPDATE users SET email = 'bob@team.example' WHERE name = $1 "
	    "RETURNING name", "bob", "bob");
	ck_assert_int_eq(md_view_responder_domain_put(st.redis, "x@gone.example", err,
	    sizeof err), 0);
	ck_assert_int_eq(domain_in_view("team.example"), 0);
	ck_assert_msg(md_view_responder_domains_sync(&st, &removed, err, sizeof err) == 0,
	    "%s", err);
	ck_assert_int_eq(removed, 1);
	ck_assert_int_eq(domain_in_view("team.example"), 1);
	ck_assert_int_eq(domain_in_view("gone.example"), 0);
}
END_TEST

START_TEST(stale_view_is_told)
{
	struct md_user u;

	ck_assert_int_eq(md_user_add(r, "bob", MD_ROLE_RESPONDER, "s3cret-pass", err,
	    sizeof err), 0);
	ck_assert_msg(md_user_set_prefs(r, "bob", "bob@team.example", NULL, NULL, err,
	    sizeof err) == 0, "%s", err);
	ck_assert_int_eq(domain_in_view("team.example"), 1);
	/* Redis gone after the commit: the change stands, and is told stale. */
	md_rfx_cleanup(&rfx);
	ck_assert_int_eq(md_user_set_prefs(r, "bob", "", NULL, NULL, err, sizeof err), 1);
	ck_assert_msg(strstr(err, "address saved, but the milter's view is stale") != NULL &&
	    strstr(err, "run maildesk view rebuild") != NULL, "%s", err);
	ck_assert_int_eq(md_user_del(r, "bob", err, sizeof err), 1);
	ck_assert_msg(strstr(err, "user deleted, but") != NULL, "%s", err);
	ck_assert_int_eq(md_user_get(r, "bob", &u), 0);
}
END_TEST

static Suite *
users_suite(void)
{
	Suite *s = suite_create("users");
	TCase *tc = tcase_create("users");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, names_and_roles);
	tcase_add_test(tc, add_verify_passwd_del);
	tcase_add_test(tc, sessions);
	tcase_add_test(tc, sessions_end_with_password_or_user);
	tcase_add_test(tc, responder_domains_sync);
	tcase_add_test(tc, stale_view_is_told);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(users_suite)
