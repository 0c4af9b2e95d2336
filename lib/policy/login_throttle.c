/*
 * login_throttle.c - the web login's failure counters and the policy on
 * them (see login_throttle.h).
 *
 * Why a reservation and not "count after a failure": with a check first
 * and an increment after it, 60 parallel attempts all read the count
 * before any of them adds to it, and all 60 check a password.  Adding
 * first and deciding on the value the upsert returns serialises them on
 * the row: each sees its own count.
 *
 * Lock order: every statement that touches several rows (reserve,
 * release) names them in the same order, a: then p: then u:, and two
 * attempts share rows only of the same kind, so two of them never wait
 * for each other in a circle.  The sweep skips rows that are locked.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "login_throttle.h"
#include "store.h"
#include "users.h"

enum { K_ADDR, K_PAIR, K_USER };

void
md_login_limits_default(struct md_login_limits *l)
{
	l->addr_max = 20;
	l->addr_window = 900;
	l->pair_max = 5;
	l->pair_window = 900;
	l->user_max = 50;
	l->user_window = 3600;
	l->delay_step_ms = 250;
	l->delay_max_ms = 3000;
}

void
md_login_decide(const struct md_login_limits *l, const struct md_login_counts *c,
    struct md_login_decision *d)
{
	long over;

	memset(d, 0, sizeof *d);
	d->verdict = MD_LOGIN_CHECK;
	if (l->addr_max > 0 && c->addr > l->addr_max) {
		d->verdict = MD_LOGIN_REFUSE;
		d->retry_after = c->addr_left;
	}
	if (l->pair_max > 0 && c->pair > l->pair_max) {
		d->verdict = MD_LOGIN_REFUSE;
		if (c->pair_left > d->retry_after)
			d->retry_after = c->pair_left;
	}
	if (d->verdict == MD_LOGIN_REFUSE) {
		if (d->retry_after < 1)
			d->retry_after = 1;
		return;
	}
	/*
	 * The per-name counter only slows down: refusing here would hand
	 * anyone the power to lock the owner out, which is what it replaces.
	 */
	if (l->user_max > 0 && c->user > l->user_max) {
		over = c->user - l->user_max;
		d->delay_ms = over * l->delay_step_ms;	/* counts are int4: no overflow */
		if (d->delay_ms > l->delay_max_ms)
			d->delay_ms = l->delay_max_ms;
		if (d->delay_ms < 0)
			d->delay_ms = 0;
	}
}

int
md_login_client(const struct sockaddr *sa, char *buf, size_t len)
{
	const struct sockaddr_in6 *s6;
	struct in6_addr net;
	char tmp[INET6_ADDRSTRLEN];

	if (sa == NULL)
		return -1;
	if (sa->sa_family == AF_INET) {
		if (inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    tmp, sizeof tmp) == NULL)
			return -1;
		return snprintf(buf, len, "%s", tmp) < (int)len ? 0 : -1;
	}
	if (sa->sa_family != AF_INET6)
		return -1;
	s6 = (const struct sockaddr_in6 *)(const void *)sa;
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		if (inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], tmp, sizeof tmp) == NULL)
			return -1;
		return snprintf(buf, len, "%s", tmp) < (int)len ? 0 : -1;
	}
	/* A subscriber gets a whole /64: counting single addresses would
	 * give one attacker 2^64 fresh ones. */
	net = s6->sin6_addr;
	memset(&net.s6_addr[8], 0, 8);
	if (inet_ntop(AF_INET6, &net, tmp, sizeof tmp) == NULL)
		return -1;
	return snprintf(buf, len, "%s/64", tmp) < (int)len ? 0 : -1;
}

/* The start of the window of length len that holds now. */
static long
window_of(long now, long len)
{
	if (len <= 0)
		len = 1;
	return now - now % len;
}

/* Binds the three (key, window) pairs as $1..$6 in lock order. */
static void
bind_slot(struct md_sqlp *q, const struct md_login_slot *slot)
{
	int i;

	for (i = 0; i < 3; i++) {
		md_sqlp_str(q, slot->key[i]);
		md_sqlp_long(q, slot->window[i]);
	}
}

int
md_login_reserve(struct md_store *st, const struct md_login_limits *l,
    const char *user, const char *client, long now, struct md_login_slot *slot,
    char *err, size_t errlen)
{
	const long lens[3] = { l->addr_window, l->pair_window, l->user_window };
	long *count[3], *left[3];
	struct md_sqlp q;
	PGresult *res;
	const char *name;
	int i, row, n;

	memset(slot, 0, sizeof *slot);
	/* Any name that cannot be a user's is one name: "!". */
	name = user != NULL && md_user_name_valid(user) ? user : "!";
	if (client == NULL || strlen(client) >= MD_LOGIN_CLIENT_MAX) {
		snprintf(err, errlen, "login throttle: bad client address");
		return -1;
	}
	snprintf(slot->key[K_ADDR], MD_LOGIN_KEY_MAX, "a:%s", client);
	snprintf(slot->key[K_PAIR], MD_LOGIN_KEY_MAX, "p:%s|%s", name, client);
	snprintf(slot->key[K_USER], MD_LOGIN_KEY_MAX, "u:%s", name);
	for (i = 0; i < 3; i++)
		slot->window[i] = window_of(now, lens[i]);

	md_sqlp_init(&q);
	bind_slot(&q, slot);
	res = md_db_query(st->db,
	    "INSERT INTO login_failures AS f (key, window_start, count)"
	    " VALUES ($1, $2::bigint, 1), ($3, $4::bigint, 1), ($5, $6::bigint, 1)"
	    " ON CONFLICT (key) DO UPDATE SET"
	    "  count = CASE WHEN f.window_start >= EXCLUDED.window_start"
	    "   THEN f.count + 1 ELSE 1 END,"
	    "  window_start = GREATEST(f.window_start, EXCLUDED.window_start)"
	    " RETURNING key, window_start, count", &q, err, errlen);
	md_sqlp_free(&q);
	if (res == NULL)
		return -1;
	count[K_ADDR] = &slot->counts.addr;
	count[K_PAIR] = &slot->counts.pair;
	count[K_USER] = &slot->counts.user;
	left[K_ADDR] = &slot->counts.addr_left;
	left[K_PAIR] = &slot->counts.pair_left;
	left[K_USER] = &slot->counts.user_left;
	n = 0;
	for (row = 0; row < PQntuples(res); row++)
		for (i = 0; i < 3; i++)
			if (strcmp(md_db_val(res, row, 0), slot->key[i]) == 0) {
				/* Another instance's clock may be ahead: count in its window. */
				slot->window[i] = (long)md_db_ll(res, row, 1);
				*count[i] = (long)md_db_ll(res, row, 2);
				*left[i] = slot->window[i] + (lens[i] > 0 ? lens[i] : 1) - now;
				n++;
			}
	PQclear(res);
	if (n != 3) {
		snprintf(err, errlen, "login throttle: %d of 3 counters came back", n);
		return -1;
	}
	slot->held = 1;
	return 0;
}

int
md_login_release(struct md_store *st, struct md_login_slot *slot, char *err,
    size_t errlen)
{
	struct md_sqlp q;
	int rc;

	if (!slot->held)
		return 0;
	/*
	 * An upsert, not an UPDATE, so that the rows are locked in the same
	 * order as md_login_reserve() locks them.  A window that has moved on
	 * since the reservation is left alone: it no longer holds it.
	 */
	md_sqlp_init(&q);
	bind_slot(&q, slot);
	rc = md_db_exec(st->db,
	    "INSERT INTO login_failures AS f (key, window_start, count)"
	    " VALUES ($1, $2::bigint, 0), ($3, $4::bigint, 0), ($5, $6::bigint, 0)"
	    " ON CONFLICT (key) DO UPDATE SET count = GREATEST(f.count - 1, 0)"
	    " WHERE f.window_start = EXCLUDED.window_start", &q, err, errlen);
	md_sqlp_free(&q);
	if (rc == 0)
		slot->held = 0;
	return rc;
}

long
md_login_sweep(struct md_store *st, const struct md_login_limits *l, long now,
    char *err, size_t errlen)
{
	long longest = l->addr_window;
	struct md_sqlp q;
	long n;

	if (l->pair_window > longest)
		longest = l->pair_window;
	if (l->user_window > longest)
		longest = l->user_window;
	md_sqlp_init(&q);
	md_sqlp_long(&q, now - longest);
	/* SKIP LOCKED: a sweep never makes a login wait, nor deadlocks with one. */
	n = md_db_exec_count(st->db,
	    "DELETE FROM login_failures WHERE key IN (SELECT key FROM login_failures"
	    " WHERE window_start < $1::bigint ORDER BY key LIMIT 10000"
	    " FOR UPDATE SKIP LOCKED)", &q, err, errlen);
	md_sqlp_free(&q);
	return n;
}
