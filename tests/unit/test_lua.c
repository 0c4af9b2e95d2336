/*
 * test_lua.c - every Redis Lua script compiled into the programs
 * (the .lua files in lib/lua, embedded by lib/lua/embed-lua.sh) loads into a real
 * redis-server: a syntax error fails here, in CI, and not at the first
 * message that needs the script.  Also checks that the named slots the C
 * side uses line up with what the scripts read.
 */
#include "config.h"

#include <string.h>

#include "lua.h"
#include "redis_fixture.h"
#include "unit.h"

static struct md_rfx srv;

static void
setup(void)
{
	ck_assert_int_eq(md_rfx_start(&srv, NULL), 0);
}

static void
teardown(void)
{
	md_rfx_cleanup(&srv);
}

START_TEST(every_script_loads)
{
	redisContext *c = md_rfx_connect(&srv);
	size_t i;

	ck_assert_ptr_nonnull(c);
	for (i = 0; md_lua_all[i] != NULL; i++) {
		redisReply *rep = redisCommand(c, "SCRIPT LOAD %s", md_lua_all[i]->source);

		ck_assert_ptr_nonnull(rep);
		ck_assert_msg(rep->type == REDIS_REPLY_STRING && rep->len == 40,
		    "%s.lua does not load: %s", md_lua_names[i],
		    rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
		freeReplyObject(rep);
	}
	ck_assert_uint_ge(i, 8);
	redisFree(c);
}
END_TEST

/* The gate script names its slots; each is where the C side puts it. */
START_TEST(slots_are_named_in_order)
{
	ck_assert_int_eq(MD_LUA_NKEYS(RCPT_GATE), 8);
	ck_assert_int_eq(MD_LUA_KEY(RCPT_GATE, IP_CUR), 0);
	ck_assert_int_eq(MD_LUA_KEY(RCPT_GATE, PROJECT_PREV), 7);
	ck_assert_int_eq(MD_LUA_ARG(RCPT_GATE, IP_LIMIT), 8);
	ck_assert_int_eq(MD_LUA_ARG(RCPT_GATE, ADDR), 14);
	ck_assert_int_eq(MD_LUA_ARGC(RCPT_GATE), 19);
	/* A variable tail starts after the fixed arguments. */
	ck_assert_int_eq(MD_LUA_ARG(INBOX_APPEND, RECORDS), MD_LUA_ARGC(INBOX_APPEND));
	ck_assert_int_eq(MD_LUA_ARG(VIEW_KEYS, GROUPS), 2);
	ck_assert_str_eq(MD_LUA_GROUP_WORKERS, "workers");
	ck_assert_ptr_nonnull(strstr(md_lua_queue_ack.source, "local GROUP_WORKERS = 'workers'"));
	ck_assert_ptr_nonnull(strstr(md_lua_rcpt_gate.source, "local addr = ARGV[7]"));
}
END_TEST

static Suite *
lua_suite(void)
{
	Suite *s = suite_create("lua");
	TCase *tc = tcase_create("lua");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_script_loads);
	tcase_add_test(tc, slots_are_named_in_order);
	suite_add_tcase(s, tc);
	return s;
}

MD_RFX_MAIN(lua_suite)
