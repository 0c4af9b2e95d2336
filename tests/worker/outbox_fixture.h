/*
 * outbox_fixture.h - what the outbox tests share: a fresh schema and a
 * connection of their own, outbox rows made with SQL, readers of row
 * state, and sender loops (worker/outbox.c) run in threads against the
 * scripted SMTP peer.  Static inline, so each test program takes what it
 * uses.
 */
#ifndef MD_OUTBOX_FIXTURE_H
#define MD_OUTBOX_FIXTURE_H

#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "log.h"
#include "outbox.h"
#include "outbox_store.h"
#include "pg_fixture.h"
#include "smtp_peer.h"
#include "store.h"

static const char msg[] __attribute__((unused)) =
    "From: support+acme@desk.example\r\nTo: c@example.org\r\n"
    "Subject: Re: help [acme#12]\r\nMessage-ID: <m1@desk.example>\r\n\r\n"
    "Thank you!\r\n";

static struct md_db *db __attribute__((unused));	/* the test's own connection */

struct runner {
	pthread_t		 thr;
	struct md_config	 cfg;
	volatile sig_atomic_t	 stop;
	int			 rc;
};

static inline void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static inline long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Runs one statement with up to two text arguments; aborts on failure. */
static inline void
sql(const char *q, const char *a1, const char *a2)
{
	struct md_sqlp p;
	char e[512];

	md_sqlp_init(&p);
	if (a1 != NULL)
		md_sqlp_str(&p, a1);
	if (a2 != NULL)
		md_sqlp_str(&p, a2);
	ck_assert_msg(md_db_exec(db, q, a1 != NULL ? &p : NULL, e, sizeof e) == 0,
	    "%s: %s", q, e);
	md_sqlp_free(&p);
}

static inline long long
num(const char *q, const char *arg)
{
	return md_pgfx_num(q, arg);
}

/* The row's state ("" when it is gone). */
static inline char *
state_of(long long id)
{
	char s[32];

	snprintf(s, sizeof s, "%lld", id);
	return md_pgfx_value("SELECT state FROM outbox WHERE id = $1::bigint", s);
}

static inline int
state_is(long long id, const char *want)
{
	char *s = state_of(id);
	int ok = strcmp(s, want) == 0;

	free(s);
	return ok;
}

/* Polls the row's state until it is want (or ms pass). */
static inline int
wait_state(long long id, const char *want, int ms)
{
	while (!state_is(id, want)) {
		if (ms <= 0)
			return 0;
		sleep_ms(20);
		ms -= 20;
	}
	return 1;
}

static inline long long
rows_in(const char *state)
{
	return num("SELECT count(*) FROM outbox WHERE state = $1", state);
}

/* Inserts one outbox row the way the tracker does; returns its id. */
static inline long long
add_row(const char *kind, const char *rcpt)
{
	struct md_sqlp p;
	PGresult *res;
	long long id;
	char e[512];

	md_sqlp_init(&p);
	md_sqlp_str(&p, kind);
	md_sqlp_str(&p, rcpt);
	md_sqlp_bin(&p, msg, strlen(msg));
	res = md_db_query(db, "INSERT INTO outbox (project, iid, kind, rcpt, mail_from,"
	    " message_id, data, created) VALUES ('acme', 12, $1, $2, '',"
	    " 'm1@desk.example', $3, extract(epoch FROM now())::bigint) RETURNING id",
	    &p, e, sizeof e);
	md_sqlp_free(&p);
	ck_assert_msg(res != NULL, "%s", e);
	id = md_db_ll(res, 0, 0);
	PQclear(res);
	return id;
}

static inline long long
add(const char *rcpt)
{
	return add_row("confirmation", rcpt);
}

/* A row as a sender that died left it (claim expired, maybe a marker). */
static inline void
left_by_dead_sender(long long id, const char *handover)
{
	char s[32];

	snprintf(s, sizeof s, "%lld", id);
	sql("UPDATE outbox SET claimed_by = 'dead-1', attempts = 1,"
	    " claimed_until = extract(epoch FROM now())::bigint - 5, handover = $2"
	    " WHERE id = $1::bigint", s, handover);
}

static inline long long
notes_like(const char *pattern)
{
	return num("SELECT count(*) FROM notes WHERE kind = 'system' AND text LIKE $1",
	    pattern);
}

static inline void
setup(void)
{
	md_log_open("test_outbox", 1, LOG_MAIL);
	md_pgfx_fresh();
	db = md_db_new(md_pgfx_conninfo);
	ck_assert_ptr_nonnull(db);
	/* acme#12, the issue the mails are about */
	sql("INSERT INTO projects (name, created) VALUES ('acme', 1700000000)", NULL, NULL);
	sql("INSERT INTO issues (project, iid, title, author, created, updated)"
	    " VALUES ('acme', 12, 'help', 'c@example.org', 1700000000, 1700000000)",
	    NULL, NULL);
}

static inline void
teardown(void)
{
	md_db_free(db);
	db = NULL;
}

static inline void *
run(void *arg)
{
	struct runner *rn = arg;

	rn->rc = md_outbox_run(&rn->cfg, &rn->stop);
	return NULL;
}

static inline void
set(struct md_config *cfg, const char *k, const char *v)
{
	char err[256];

	ck_assert_msg(md_config_set(cfg, k, v, err, sizeof err) == 0, "%s", err);
}

static inline struct runner *
start_with(const struct smtp_peer *p, const char *relay_timeout_ms,
    const char *block_ms)
{
	struct runner *rn = calloc(1, sizeof *rn);
	char relay[64];

	ck_assert_ptr_nonnull(rn);
	snprintf(relay, sizeof relay, "smtp://127.0.0.1:%d", smtp_peer_port(p));
	md_config_defaults(&rn->cfg);
	md_pgfx_config(&rn->cfg);
	set(&rn->cfg, "relay", relay);
	set(&rn->cfg, "relay_timeout_ms", relay_timeout_ms);
	set(&rn->cfg, "retry_base_s", "1");
	set(&rn->cfg, "retry_max_s", "2");
	set(&rn->cfg, "worker_block_ms", block_ms);
	ck_assert_int_eq(pthread_create(&rn->thr, NULL, run, rn), 0);
	return rn;
}

static inline struct runner *
start(const struct smtp_peer *p, const char *relay_timeout_ms)
{
	return start_with(p, relay_timeout_ms, "100");
}

static inline void
stop(struct runner *rn)
{
	long t0 = now_ms();

	rn->stop = 1;
	pthread_join(rn->thr, NULL);
	ck_assert_int_lt(now_ms() - t0, 2000);	/* within a wait or a pause */
	ck_assert_int_eq(rn->rc, 0);
	md_config_free(&rn->cfg);
	free(rn);
}

#endif
