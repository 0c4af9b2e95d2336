/*
 * test_users.c - web UI accounts and sessions (lib/users.c, lib/session.c)
 * against a real redis-server.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "redis_fixture.h"
#include "session.h"
#include "unit.h"
#include "users.h"

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
	ck_assert_int_eq(md_user_list(r, &list, &n), 0);
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
	struct md_session s, t;
	redisReply *rep;

	ck_assert_int_eq(md_session_create(r, "alice", 100, &s), 0);
	ck_assert_int_eq(md_session_token_valid(s.id), 1);
	ck_assert_int_eq(md_session_token_valid(s.csrf), 1);
	ck_assert_str_ne(s.id, s.csrf);
	ck_assert_int_eq(md_session_get(r, s.id, &t), 1);
	ck_assert_str_eq(t.user, "alice");
	ck_assert_str_eq(t.csrf, s.csrf);

	rep = md_redis_cmd(r, "TTL maildesk:session:%s", s.id);
	ck_assert_ptr_nonnull(rep);
	ck_assert(rep->integer > 0 && rep->integer <= 100);
	freeReplyObject(rep);

	ck_assert_int_eq(md_session_csrf_ok(&t, s.csrf), 1);
	ck_assert_int_eq(md_session_csrf_ok(&t, s.id), 0);
	ck_assert_int_eq(md_session_csrf_ok(&t, ""), 0);
	ck_assert_int_eq(md_session_csrf_ok(&t, NULL), 0);

	/* Ids of the wrong form never reach Redis. */
	ck_assert_int_eq(md_session_get(r, "../../x", &t), 0);
	ck_assert_int_eq(md_session_get(r, "", &t), 0);
	ck_assert_int_eq(md_session_token_valid(
	    "ABCDEF0000000000000000000000000000000000000000000000000000000000"), 0);

	ck_assert_int_eq(md_session_destroy(r, s.id), 0);
	ck_assert_int_eq(md_session_get(r, s.id, &t), 0);
	ck_assert_int_eq(md_session_destroy(r, s.id), 0);
	ck_assert_int_eq(md_session_create(r, "not valid", 100, &s), -1);
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
	suite_add_tcase(s, tc);
	return s;
}

MD_RFX_MAIN(users_suite)
