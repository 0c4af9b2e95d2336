/*
 * test_login_throttle.c - the web login's throttling policy
 * (md_login_decide, table driven), client keys, and the counters in a
 * real PostgreSQL: reservations, giving them back, windows, the sweep,
 * and 60 parallel reservations that each see their own count.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "login_throttle.h"
#include "pg_fixture.h"
#include "store.h"

static struct md_config cfg;
static struct md_store st;
static struct md_login_limits lim;
static char err[512];

/* 2026-11-01 00:00:00 UTC: a multiple of 3600, so every window starts here. */
#define T0	1793491200L

static void
setup(void)
{
	md_config_defaults(&cfg);
	md_pgfx_config(&cfg);
	md_pgfx_fresh();
	ck_assert_msg(md_store_open(&st, &cfg, 1, err, sizeof err) == 0, "%s", err);
	md_login_limits_default(&lim);
	err[0] = '\0';
}

static void
teardown(void)
{
	md_store_close(&st);
	md_config_free(&cfg);
}

/* ---- the policy -------------------------------------------------------- */

static const struct {
	const char	*what;
	long		 addr, pair, user;	/* counts, this attempt included */
	enum md_login_verdict verdict;
	long		 retry_after, delay_ms;
} cases[] = {
	{ "first attempt",			  1,  1,   1, MD_LOGIN_CHECK,     0,    0 },
	{ "pair at its limit",			  5,  5,   5, MD_LOGIN_CHECK,     0,    0 },
	{ "pair past its limit",		  6,  6,   6, MD_LOGIN_REFUSE,  300,    0 },
	{ "address at its limit",		 20,  1,   1, MD_LOGIN_CHECK,     0,    0 },
	{ "address past it (31st name)",	 21,  1,   1, MD_LOGIN_REFUSE,  600,    0 },
	{ "both past: the later end",		 21,  6,   9, MD_LOGIN_REFUSE,  600,    0 },
	{ "name at its limit",			  1,  1,  50, MD_LOGIN_CHECK,     0,    0 },
	{ "name past: delayed, not refused",	  1,  1,  51, MD_LOGIN_CHECK,     0,  250 },
	{ "name 4 past",			  1,  1,  54, MD_LOGIN_CHECK,     0, 1000 },
	{ "name far past: delay bounded",	  1,  1, 5000, MD_LOGIN_CHECK,    0, 3000 },
	{ "huge counts do not overflow",	  1,  1, 2147483647L, MD_LOGIN_CHECK, 0, 3000 },
	{ "refusal wins over delay",		  1,  6, 500, MD_LOGIN_REFUSE,  300,    0 },
};

START_TEST(decide_table)
{
	struct md_login_counts c;
	struct md_login_decision d;
	size_t i;

	md_login_limits_default(&lim);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&c, 0, sizeof c);
		c.addr = cases[i].addr;
		c.pair = cases[i].pair;
		c.user = cases[i].user;
		c.addr_left = 600;
		c.pair_left = 300;
		c.user_left = 3000;
		md_login_decide(&lim, &c, &d);
		ck_assert_msg(d.verdict == cases[i].verdict, "%s: verdict %d", cases[i].what,
		    d.verdict);
		ck_assert_msg(d.retry_after == cases[i].retry_after, "%s: retry_after %ld",
		    cases[i].what, d.retry_after);
		ck_assert_msg(d.delay_ms == cases[i].delay_ms, "%s: delay_ms %ld",
		    cases[i].what, d.delay_ms);
	}
}
END_TEST

START_TEST(decide_edges)
{
	struct md_login_counts c = { 99, 99, 99, 0, 0, 0 };
	struct md_login_decision d;
	struct md_login_limits off;

	md_login_limits_default(&lim);
	off = lim;
	/* A window ending now still tells the client to wait a second. */
	md_login_decide(&lim, &c, &d);
	ck_assert_int_eq(d.verdict, MD_LOGIN_REFUSE);
	ck_assert_int_eq(d.retry_after, 1);
	/* 0 turns a counter off. */
	off.addr_max = off.pair_max = off.user_max = 0;
	md_login_decide(&off, &c, &d);
	ck_assert_int_eq(d.verdict, MD_LOGIN_CHECK);
	ck_assert_int_eq(d.delay_ms, 0);
}
END_TEST

START_TEST(client_keys)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	char buf[MD_LOGIN_CLIENT_MAX];

	memset(&s4, 0, sizeof s4);
	s4.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.7", &s4.sin_addr);
	ck_assert_int_eq(md_login_client((struct sockaddr *)&s4, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "192.0.2.7");

	memset(&s6, 0, sizeof s6);
	s6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", &s6.sin6_addr);
	ck_assert_int_eq(md_login_client((struct sockaddr *)&s6, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "2001:db8:1:2::/64");	/* the whole /64 is one client */
	inet_pton(AF_INET6, "::ffff:198.51.100.1", &s6.sin6_addr);
	ck_assert_int_eq(md_login_client((struct sockaddr *)&s6, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "198.51.100.1");

	s4.sin_family = AF_UNIX;
	ck_assert_int_eq(md_login_client((struct sockaddr *)&s4, buf, sizeof buf), -1);
	ck_assert_int_eq(md_login_client(NULL, buf, sizeof buf), -1);
}
END_TEST

/* ---- the counters in PostgreSQL ---------------------------------------- */

static long long
row_count(const char *key)
{
	return md_pgfx_num("SELECT count FROM login_failures WHERE key = $1", key);
}

START_TEST(reserve_release)
{
	struct md_login_slot s;
	int i;

	for (i = 1; i <= 3; i++) {
		ck_assert_msg(md_login_reserve(&st, &lim, "admin", "192.0.2.1", T0 + 10, &s,
		    err, sizeof err) == 0, "%s", err);
		ck_assert_int_eq(s.counts.addr, i);
		ck_assert_int_eq(s.counts.pair, i);
		ck_assert_int_eq(s.counts.user, i);
	}
	ck_assert_int_eq(s.counts.addr_left, 890);
	ck_assert_int_eq(s.counts.pair_left, 890);
	ck_assert_int_eq(s.counts.user_left, 3590);
	ck_assert_str_eq(s.key[0], "a:192.0.2.1");
	ck_assert_str_eq(s.key[1], "p:admin|192.0.2.1");
	ck_assert_str_eq(s.key[2], "u:admin");

	/* Another address: its own address and pair counters, the same name's. */
	ck_assert(md_login_reserve(&st, &lim, "admin", "192.0.2.2", T0 + 11, &s, err,
	    sizeof err) == 0);
	ck_assert_int_eq(s.counts.addr, 1);
	ck_assert_int_eq(s.counts.pair, 1);
	ck_assert_int_eq(s.counts.user, 4);

	/* A success gives its reservation back, once. */
	ck_assert(md_login_release(&st, &s, err, sizeof err) == 0);
	ck_assert_int_eq(s.held, 0);
	ck_assert(md_login_release(&st, &s, err, sizeof err) == 0);
	ck_assert_int_eq(row_count("a:192.0.2.2"), 0);
	ck_assert_int_eq(row_count("p:admin|192.0.2.2"), 0);
	ck_assert_int_eq(row_count("u:admin"), 3);
	ck_assert_int_eq(row_count("a:192.0.2.1"), 3);
}
END_TEST

START_TEST(windows)
{
	struct md_login_slot s, old;

	ck_assert(md_login_reserve(&st, &lim, "bob", "192.0.2.1", T0 + 899, &old, err,
	    sizeof err) == 0);
	ck_assert_int_eq(old.counts.pair_left, 1);
	/* The 15-minute counters start again; the hour's goes on. */
	ck_assert(md_login_reserve(&st, &lim, "bob", "192.0.2.1", T0 + 900, &s, err,
	    sizeof err) == 0);
	ck_assert_int_eq(s.counts.addr, 1);
	ck_assert_int_eq(s.counts.pair, 1);
	ck_assert_int_eq(s.counts.user, 2);
	ck_assert_int_eq(s.counts.pair_left, 900);
	/* A reservation of the old window given back now takes nothing from
	 * the new window's counters, only from the hour's. */
	ck_assert(md_login_release(&st, &old, err, sizeof err) == 0);
	ck_assert_int_eq(row_count("p:bob|192.0.2.1"), 1);
	ck_assert_int_eq(row_count("u:bob"), 1);
	/* A clock behind the database's newest window counts in that window. */
	ck_assert(md_login_reserve(&st, &lim, "bob", "192.0.2.1", T0 + 5, &s, err,
	    sizeof err) == 0);
	ck_assert_int_eq(s.counts.pair, 2);
	ck_assert_int_eq(s.window[1], T0 + 900);
}
END_TEST

START_TEST(invalid_names_and_sweep)
{
	struct md_login_slot s;
	char name[40];
	int i;

	ck_assert(md_login_reserve(&st, &lim, "Robert'); DROP TABLE users;--", "192.0.2.9",
	    T0, &s, err, sizeof err) == 0);
	ck_assert_str_eq(s.key[1], "p:!|192.0.2.9");
	ck_assert(md_login_reserve(&st, &lim, NULL, "192.0.2.9", T0, &s, err, sizeof err) == 0);
	ck_assert_int_eq(s.counts.pair, 2);
	/* 30 made-up names from one address all count for the address. */
	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof name, "nobody%d", i);
		ck_assert(md_login_reserve(&st, &lim, name, "192.0.2.9", T0, &s, err,
		    sizeof err) == 0);
	}
	ck_assert_int_eq(s.counts.addr, 32);
	ck_assert_int_eq(s.counts.pair, 1);
	ck_assert(md_login_reserve(&st, &lim, "x", "", T0, &s, err, sizeof err) == 0);
	ck_assert_int_eq(md_login_reserve(&st, &lim, "x",
	    "0123456789012345678901234567890123456789012345678901234567890123456789",
	    T0, &s, err, sizeof err), -1);

	/* Nothing is swept while a window may still be running ... */
	ck_assert_int_eq(md_login_sweep(&st, &lim, T0 + 3600, err, sizeof err), 0);
	/* ... everything once the longest has ended. */
	ck_assert_int_gt(md_login_sweep(&st, &lim, T0 + 3601, err, sizeof err), 60);
	ck_assert_int_eq(md_pgfx_num("SELECT count(*) FROM login_failures", NULL), 0);
}
END_TEST

/* 60 threads, each with its own connection, reserve for the same pair. */
#define PAR	60

static long par_counts[PAR];
static pthread_barrier_t par_go;

static void *
par_reserve(void *arg)
{
	long i = (long)(intptr_t)arg;
	struct md_store mine;
	struct md_login_slot s;
	char e[256];

	if (md_store_open(&mine, &cfg, 0, e, sizeof e) < 0) {
		pthread_barrier_wait(&par_go);
		return NULL;
	}
	md_db_connect(mine.db, e, sizeof e);
	pthread_barrier_wait(&par_go);
	if (md_login_reserve(&mine, &lim, "admin", "192.0.2.66", T0, &s, e, sizeof e) == 0)
		par_counts[i] = s.counts.pair;
	md_store_close(&mine);
	return NULL;
}

START_TEST(parallel_reservations)
{
	pthread_t t[PAR];
	int seen[PAR + 1], checks = 0;
	struct md_login_decision d;
	struct md_login_counts c;
	long i;

	memset(seen, 0, sizeof seen);
	pthread_barrier_init(&par_go, NULL, PAR);
	for (i = 0; i < PAR; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, par_reserve, (void *)(intptr_t)i), 0);
	for (i = 0; i < PAR; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&par_go);
	/* Every attempt saw its own count: 1..60, each once. */
	for (i = 0; i < PAR; i++) {
		ck_assert_msg(par_counts[i] >= 1 && par_counts[i] <= PAR, "count %ld",
		    par_counts[i]);
		ck_assert_msg(seen[par_counts[i]]++ == 0, "count %ld seen twice", par_counts[i]);
		memset(&c, 0, sizeof c);
		c.addr = c.pair = c.user = par_counts[i];
		md_login_decide(&lim, &c, &d);
		checks += d.verdict == MD_LOGIN_CHECK;
	}
	ck_assert_int_eq(checks, lim.pair_max);
	ck_assert_int_eq(row_count("p:admin|192.0.2.66"), PAR);
}
END_TEST

static Suite *
login_throttle_suite(void)
{
	Suite *s = suite_create("login_throttle");
	TCase *pure = tcase_create("policy");
	TCase *db = tcase_create("counters");

	tcase_add_test(pure, decide_table);
	tcase_add_test(pure, decide_edges);
	tcase_add_test(pure, client_keys);
	suite_add_tcase(s, pure);
	tcase_set_timeout(db, 60);
	tcase_add_checked_fixture(db, setup, teardown);
	tcase_add_test(db, reserve_release);
	tcase_add_test(db, windows);
	tcase_add_test(db, invalid_names_and_sweep);
	tcase_add_test(db, parallel_reservations);
	suite_add_tcase(s, db);
	return s;
}

MD_PGFX_MAIN(login_throttle_suite)
