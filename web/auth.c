/*
 * auth.c - login, logout, the session cookie and the CSRF check.
 *
 * The cookie md_session holds only the random session id; it is HttpOnly
 * (no script can read it), SameSite=Strict (no other site can make the
 * browser send it) and Secure when base_url is https.  The CSRF token is
 * handed to the page in the JSON of /api/login and /api/me and must come
 * back in X-CSRF-Token (or a "csrf" form field) on every state-changing
 * request: SameSite alone is not enough for older browsers.
 *
 * Password guessing is throttled without locking anyone out
 * (lib/policy/login_throttle.h has the policy): failures are counted per client
 * address and per (name, address), and past those limits only that
 * address gets 429 with Retry-After; the count per name across all
 * addresses only delays the check (a bounded sleep), so the right password
 * from an address without failures gets in (a flood may make it retry
 * after a 503, below, but never locks it out).  A slot is reserved
 * before the password is checked, so parallel attempts cannot exceed a
 * limit.  The argon2 work itself is bounded: at most half the CPUs (at
 * least one) verify at once, and at most half the threads sleep on a
 * delay; a login that finds either full within a moment gets 503 with
 * Retry-After instead of queueing, so a flood cannot starve the other
 * requests.  Unknown names cost the same as known ones (md_user_verify
 * checks a dummy hash) and count against the address like any other.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "login_throttle.h"
#include "netlist.h"
#include "web.h"

#define VERIFY_WAIT_MS		500	/* for a free argon2 slot, then 503 */
#define SWEEP_EVERY		60	/* seconds between sweeps of old counters */

static pthread_once_t gates_once = PTHREAD_ONCE_INIT;
static sem_t verify_gate;		/* argon2 verifications running at once */
static int verify_slots;
static atomic_int delayed;		/* logins sleeping on a delay */
static atomic_ulong checks;		/* password checks since the start (log) */
static atomic_long last_sweep;

static void
gates_init(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	verify_slots = ncpu / 2 > 0 ? (int)(ncpu / 2) : 1;
	if (sem_init(&verify_gate, 0, (unsigned)verify_slots) != 0)
		verify_slots = 0;	/* cannot happen for small values */
}

int
web_auth_load(struct req *rq)
{
	const char *id;
	int rc;

	id = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, "md_session");
	if (id == NULL)
		return 0;
	if ((rc = md_session_get(rq->st, id, &rq->sess)) != 1)
		return rc;
	/* A deleted user's sessions end at once; a role change applies now. */
	if ((rc = md_user_get(rq->st, rq->sess.user, &rq->user)) == 0)
		md_session_destroy(rq->st, id);
	if (rc != 1)
		return rc;
	rq->authed = 1;
	return 1;
}

int
web_csrf_ok(struct req *rq)
{
	const char *tok;

	tok = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "X-CSRF-Token");
	if (tok == NULL)
		tok = web_field(rq, "csrf");
	return rq->authed && tok != NULL && md_session_csrf_ok(&rq->sess, tok);
}

/* Answers {"user":..,"role":..,"csrf":..}. */
static web_result
session_json(struct req *rq, const struct md_session *s, const struct md_user *u)
{
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	web_result rc;

	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_json_kstr(&j, "user", u->name);
	md_json_kstr(&j, "role", md_role_name(u->role));
	md_json_kstr(&j, "csrf", s->csrf);
	md_json_close_object(&j);
	rc = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	return rc;
}

/* Waits up to ms for a free argon2 slot: 1 got one, 0 not. */
static int
verify_enter(long ms)
{
	struct timespec ts;

	if (verify_slots == 0)
		return 1;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (sem_timedwait(&verify_gate, &ts) != 0)
		if (errno != EINTR)
			return 0;
	return 1;
}

static void
verify_leave(void)
{
	if (verify_slots > 0)
		sem_post(&verify_gate);
}

/*
 * Sleeps ms before a check of a name under attack; 0, or -1 when too many
 * logins sleep already: a sleeping login holds one of the few threads.
 */
static int
login_delay(struct req *rq, long ms)
{
	int most = rq->w->threads / 2 > 0 ? rq->w->threads / 2 : 1;
	struct timespec ts;

	if (atomic_fetch_add(&delayed, 1) >= most) {
		atomic_fetch_sub(&delayed, 1);
		return -1;
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	atomic_fetch_sub(&delayed, 1);
	return 0;
}

/* The client's address as the throttle counts it ("?" if unknown). */
/* A literal IPv4 or IPv6 address into ss: 0, or -1. */
static int
parse_ip(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, s, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		return 0;
	}
	return -1;
}

static void
client_of(struct req *rq, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	const char *real;
	struct sockaddr_storage ss;

	/*
	 * The TCP peer; behind a proxy named in web_trusted_proxies, the
	 * X-Real-IP it sets (else every client would share the proxy's
	 * counters, and twenty wrong guesses would lock everyone out).  Never
	 * X-Forwarded-For, and never a header from anyone else: a client
	 * could pick a fresh address for every guess.
	 */
	ci = MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && rq->w->proxies != NULL &&
	    md_netlist_match(rq->w->proxies, ci->client_addr) == 1 &&
	    (real = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
	    "X-Real-IP")) != NULL && parse_ip(real, &ss) == 0 &&
	    md_login_client((const struct sockaddr *)&ss, buf, len) == 0)
		return;
	if (ci == NULL || md_login_client(ci->client_addr, buf, len) < 0)
		snprintf(buf, len, "?");
}

/* Deletes old counters, at most once a minute across all threads. */
static void
maybe_sweep(struct req *rq, const struct md_login_limits *l, long now)
{
	long last = atomic_load(&last_sweep);
	char err[256];

	if (now - last < SWEEP_EVERY ||
	    !atomic_compare_exchange_strong(&last_sweep, &last, now))
		return;
	if (md_login_sweep(rq->st, l, now, err, sizeof err) < 0)
		md_log(LOG_WARNING, "login counters not swept: %s", err);
}

/* Answers without a password check, giving the reservation back. */
static web_result
login_unchecked(struct req *rq, struct md_login_slot *slot, unsigned status,
    long retry_after, const char *msg)
{
	char err[256];

	if (md_login_release(rq->st, slot, err, sizeof err) < 0)
		md_log(LOG_WARNING, "login reservation not given back: %s", err);
	if (retry_after > 0)
		web_add_header(rq, MHD_HTTP_HEADER_RETRY_AFTER, "%ld", retry_after);
	return web_error(rq, status, msg);
}

web_result
web_login(struct req *rq, char **args, int nargs)
{
	const char *name = web_field(rq, "user"), *pw = web_field(rq, "password");
	const char *shown;
	struct md_login_limits lim;
	struct md_login_decision d;
	struct md_login_slot slot;
	struct md_session s;
	struct md_user u;
	char client[MD_LOGIN_CLIENT_MAX], err[256];
	long now;
	int rc;

	(void)args;
	(void)nargs;
	if (name == NULL || pw == NULL)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "user and password required");
	pthread_once(&gates_once, gates_init);
	md_login_limits_default(&lim);
	shown = md_user_name_valid(name) ? name : "(invalid name)";
	client_of(rq, client, sizeof client);
	now = (long)time(NULL);
	if (md_login_reserve(rq->st, &lim, name, client, now, &slot, err, sizeof err) < 0) {
		md_log(LOG_ERR, "login throttle: %s", err);
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	}
	md_login_decide(&lim, &slot.counts, &d);
	if (d.verdict == MD_LOGIN_REFUSE) {
		md_log(LOG_INFO, "login for user \"%.64s\" from %s refused for %ld s: "
		    "%ld failures from the address, %ld for the name from it",
		    shown, client, d.retry_after, slot.counts.addr - 1, slot.counts.pair - 1);
		web_metrics_login("throttled");
		return login_unchecked(rq, &slot, MHD_HTTP_TOO_MANY_REQUESTS, d.retry_after,
		    "too many failed logins from this address; try again later");
	}
	if (d.delay_ms > 0) {
		md_log(LOG_INFO, "login for user \"%.64s\" from %s delayed %ld ms: "
		    "%ld failures for the name", shown, client, d.delay_ms, slot.counts.user - 1);
		if (login_delay(rq, d.delay_ms) < 0)
			return login_unchecked(rq, &slot, MHD_HTTP_SERVICE_UNAVAILABLE, 1,
			    "server busy; try again in a moment");
	}
	if (!verify_enter(VERIFY_WAIT_MS))
		return login_unchecked(rq, &slot, MHD_HTTP_SERVICE_UNAVAILABLE, 1,
		    "server busy; try again in a moment");
	md_log(LOG_DEBUG, "login: password check %lu (user \"%.64s\" from %s)",
	    atomic_fetch_add(&checks, 1) + 1, shown, client);
	rc = md_user_verify(rq->st, name, pw, &u);
	verify_leave();
	if (rc < 0)
		return login_unchecked(rq, &slot, MHD_HTTP_SERVICE_UNAVAILABLE, 0,
		    "database unavailable");
	if (rc == 0) {
		/* The reservation stays: it is the failure. */
		md_log(LOG_NOTICE, "failed login for user \"%.64s\" from %s", shown, client);
		web_metrics_login("failure");
		maybe_sweep(rq, &lim, now);
		return web_error(rq, MHD_HTTP_UNAUTHORIZED, "invalid user name or password");
	}
	if (md_login_release(rq->st, &slot, err, sizeof err) < 0)
		md_log(LOG_WARNING, "login reservation not given back: %s", err);
	if (md_session_create(rq->st, u.name, rq->w->cfg.session_ttl, &s) < 0)
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	web_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE,
	    "md_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d%s",
	    s.id, rq->w->cfg.session_ttl, rq->w->secure_cookie ? "; Secure" : "");
	md_log(LOG_INFO, "user %s logged in from %s", u.name, client);
	web_metrics_login("success");
	return session_json(rq, &s, &u);
}

web_result
web_logout(struct req *rq, char **args, int nargs)
{
	(void)args;
	(void)nargs;
	if (md_session_destroy(rq->st, rq->sess.id) < 0)
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	web_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE,
	    "md_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0%s",
	    rq->w->secure_cookie ? "; Secure" : "");
	return web_reply(rq, MHD_HTTP_OK, "application/json", "{}\n", 3);
}

web_result
web_me(struct req *rq, char **args, int nargs)
{
	(void)args;
	(void)nargs;
	return session_json(rq, &rq->sess, &rq->user);
}
