/*
 * redis.c - one hiredis 0.14 connection that survives Redis restarts.
 *
 * hiredis marks a context dead after any I/O error or timeout (the command
 * returns NULL) and redisReconnect() in 0.14 restores only the connect
 * timeout.  So on a NULL reply we free the context, and the next command
 * opens a fresh one and re-applies the command timeout, TCP keepalive, AUTH
 * and SELECT.  Failed connects are rate limited with a capped exponential
 * backoff: while Redis is down a caller pays one connect attempt per
 * backoff window and otherwise fails at once, instead of waiting for the
 * connect timeout on every command.
 *
 * With redis_sentinels the address comes from Sentinel (redis_sentinel.c)
 * at every connect, and a fresh connection must answer ROLE "master".  A
 * failover then looks like a short outage: the old primary's connections
 * break (or answer -READONLY once it has been turned into a replica), and
 * the next command asks the sentinels again and lands on the new primary.
 *
 * What runs on the connection is elsewhere, through redis_int.h: plain
 * commands and their replies in redis_cmd.c, the Lua scripts in redis_eval.c.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "redis.h"
#include "redis_int.h"
#include "redis_sentinel.h"

#define BACKOFF_MIN_MS	100
#define BACKOFF_MAX_MS	5000
/*
 * Behind Sentinel a failed connect usually means a failover in progress,
 * which ends within seconds; a shorter cap finds the new primary sooner,
 * and each try costs only a question to a sentinel.
 */
#define SENTINEL_BACKOFF_MAX_MS	1000
#define SENTINEL_TIMEOUT_MAX_MS	1000

/* Sentinel discovery (NULL in struct md_redis: plain redis_host). */
struct sentinel {
	struct md_sentinel_addr	 addr[MD_SENTINEL_MAX];
	struct md_sentinel_query q;
	int			 first;		/* the sentinel that answered last */
	char			*master_name;
	char			*username;
	char			*password;
};

struct md_redis {
	redisContext	*c;
	char		*host;
	int		 port;
	char		*socket;	/* NULL: TCP */
	char		*username;	/* NULL: legacy AUTH */
	char		*password;	/* NULL: no AUTH */
	int		 db;
	char		*prefix;
	int		 connect_ms;
	int		 command_ms;
	struct sentinel	*sentinel;	/* NULL: host/port or socket as configured */
	int		 stale;		/* -READONLY seen: reconnect before the next command */
	unsigned long	 epoch;		/* server_epoch when this connection was opened */

	int		 backoff_ms;	/* current window; 0 = no failure yet */
	long long	 retry_at;	/* monotonic ms before which we fail fast */
	unsigned int	 seed;		/* jitter */
	char		 err[256];	/* "redis <endpoint>: <cause>" */
	size_t		 errpfx;	/* length of "redis <endpoint>: " in err */
	char		 cause[192];	/* why the last connect failed */
};

/*
 * Bumped when any connection of the process finds its server gone (closed
 * the connection), demoted (-READONLY) or moved (Sentinel names another
 * primary).  The other connections were opened to the same server: each
 * reconnects before its next command instead of failing it, so one
 * restart or failover costs the milter's pool one failed command, not
 * one per idle connection.
 */
static unsigned long server_epoch;

static unsigned long
epoch_now(void)
{
	return __atomic_load_n(&server_epoch, __ATOMIC_RELAXED);
}

static void
server_lost(void)
{
	__atomic_add_fetch(&server_epoch, 1, __ATOMIC_RELAXED);
}

/* The server closed the connection (as opposed to a timeout). */
static int
closed_by_server(const redisContext *c)
{
	return c->err == REDIS_ERR_EOF ||
	    (c->err == REDIS_ERR_IO && (errno == EPIPE || errno == ECONNRESET));
}

static char *
dup_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? strdup(s) : NULL;
}

static void
sentinel_free(struct sentinel *s)
{
	if (s == NULL)
		return;
	free(s->master_name);
	free(s->username);
	if (s->password != NULL)
		memset(s->password, 0, strlen(s->password));
	free(s->password);
	free(s);
}

/* The sentinel settings of cfg; NULL on ENOMEM or a list md_sentinel_check refused. */
static struct sentinel *
sentinel_new(const struct md_config *cfg, int connect_ms)
{
	struct sentinel *s = calloc(1, sizeof *s);
	const char *why;
	int n;

	if (s == NULL)
		return NULL;
	n = md_sentinel_parse(cfg->redis_sentinels, s->addr, MD_SENTINEL_MAX, &why);
	s->master_name = strdup(cfg->redis_master_name ? cfg->redis_master_name : "");
	s->username = dup_or_null(cfg->redis_sentinel_username);
	s->password = dup_or_null(cfg->redis_sentinel_password);
	if (n < 0 || s->master_name == NULL ||
	    (cfg->redis_sentinel_username && *cfg->redis_sentinel_username &&
	    s->username == NULL) ||
	    (cfg->redis_sentinel_password && *cfg->redis_sentinel_password &&
	    s->password == NULL)) {
		sentinel_free(s);
		return NULL;
	}
	s->q.sentinels = s->addr;
	s->q.n = n;
	s->q.master_name = s->master_name;
	s->q.username = s->username;
	s->q.password = s->password;
	s->q.timeout_ms = connect_ms < SENTINEL_TIMEOUT_MAX_MS ? connect_ms :
	    SENTINEL_TIMEOUT_MAX_MS;
	return s;
}

struct md_redis *
md_redis_new(const struct md_config *cfg)
{
	struct md_redis *r;

	if (cfg == NULL || (r = calloc(1, sizeof *r)) == NULL)
		return NULL;
	r->host = strdup(cfg->redis_host ? cfg->redis_host : "127.0.0.1");
	r->port = cfg->redis_port;
	r->socket = dup_or_null(cfg->redis_socket);
	r->username = dup_or_null(cfg->redis_username);
	r->password = dup_or_null(cfg->redis_password);
	r->db = cfg->redis_db;
	r->prefix = strdup(cfg->redis_prefix ? cfg->redis_prefix : "");
	r->connect_ms = cfg->redis_connect_timeout_ms > 0 ? cfg->redis_connect_timeout_ms : 1000;
	r->command_ms = cfg->redis_command_timeout_ms > 0 ? cfg->redis_command_timeout_ms : 2000;
	r->seed = (unsigned int)(md_now_ms() ^ (long long)(size_t)r);
	if (cfg->redis_sentinels != NULL &&
	    cfg->redis_sentinels[strspn(cfg->redis_sentinels, " \t,")] != '\0' &&
	    (r->sentinel = sentinel_new(cfg, r->connect_ms)) == NULL) {
		md_redis_free(r);
		return NULL;
	}
	if (r->sentinel != NULL)
		r->port = 0;	/* unknown until a sentinel names it */
	if (r->host == NULL || r->prefix == NULL ||
	    (cfg->redis_socket && *cfg->redis_socket && r->socket == NULL) ||
	    (cfg->redis_username && *cfg->redis_username && r->username == NULL) ||
	    (cfg->redis_password && *cfg->redis_password && r->password == NULL)) {
		md_redis_free(r);
		return NULL;
	}
	return r;
}

void
md_redis_drop(struct md_redis *r)
{
	if (r->c != NULL) {
		redisFree(r->c);
		r->c = NULL;
	}
}

void
md_redis_free(struct md_redis *r)
{
	if (r == NULL)
		return;
	md_redis_drop(r);
	free(r->host);
	free(r->socket);
	free(r->username);
	if (r->password != NULL)
		memset(r->password, 0, strlen(r->password));
	free(r->password);
	free(r->prefix);
	sentinel_free(r->sentinel);
	free(r);
}

const char *
md_redis_errstr(const struct md_redis *r)
{
	if (r == NULL)
		return "no Redis connection";
	return r->err[0] ? r->err : "no error";
}

const char *
md_redis_prefix(const struct md_redis *r)
{
	return r->prefix;
}

redisContext *
md_redis_ctx(struct md_redis *r)
{
	return r->c;
}

/* "redis /run/redis.sock: why" or "redis 127.0.0.1:6379: why". */
void
md_redis_set_err(struct md_redis *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->sentinel != NULL && r->port == 0)
		n = snprintf(r->err, sizeof r->err, "redis master %s: ",
		    r->sentinel->master_name);
	else if (r->sentinel != NULL)
		n = snprintf(r->err, sizeof r->err, "redis master %s at %s:%d: ",
		    r->sentinel->master_name, r->host, r->port);
	else if (r->socket != NULL)
		n = snprintf(r->err, sizeof r->err, "redis %s: ", r->socket);
	else
		n = snprintf(r->err, sizeof r->err, "redis %s:%d: ", r->host, r->port);
	if (n < 0 || (size_t)n >= sizeof r->err)
		return;
	r->errpfx = (size_t)n;
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof r->err - (size_t)n, fmt, ap);
	va_end(ap);
}

/* The message of md_redis_set_err() without the endpoint. */
static const char *
err_cause(const struct md_redis *r)
{
	return r->errpfx < sizeof r->err ? r->err + r->errpfx : "";
}

/* Records why the context died, in words an admin understands. */
static void
set_ctx_err(struct md_redis *r, const char *what)
{
	if (r->c == NULL)
		md_redis_set_err(r, "%s: out of memory", what);
	else if (r->c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK))
		md_redis_set_err(r, "%s: timed out after %d ms", what, r->command_ms);
	else if (closed_by_server(r->c))
		md_redis_set_err(r, "%s: connection closed by server", what);
	else
		md_redis_set_err(r, "%s: %s", what, r->c->errstr[0] ? r->c->errstr : "I/O error");
}

/* Runs one setup command on a fresh context; 0 when it answered OK. */
static int
setup_cmd(struct md_redis *r, const char *what, int argc, const char **argv)
{
	redisReply *rep = redisCommandArgv(r->c, argc, argv, NULL);
	int rc = -1;

	if (rep == NULL)
		set_ctx_err(r, what);
	else if (rep->type == REDIS_REPLY_ERROR)
		md_redis_set_err(r, "%s failed: %s", what, rep->str);
	else
		rc = 0;
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

/* Sentinel mode: r->host and r->port become the master's current address. */
static int
discover(struct md_redis *r)
{
	char host[MD_SENTINEL_HOST_MAX], why[sizeof r->cause];
	char *h;
	int port;

	if (md_sentinel_get_master(&r->sentinel->q, &r->sentinel->first, host,
	    sizeof host, &port, why, sizeof why) < 0) {
		r->port = 0;
		md_redis_set_err(r, "no sentinel answered: %s", why);
		return -1;
	}
	if (r->port != 0 && (port != r->port || strcmp(host, r->host) != 0))
		server_lost();	/* a failover: others still talk to the old one */
	if (strcmp(host, r->host) != 0) {
		if ((h = strdup(host)) == NULL) {
			md_redis_set_err(r, "out of memory");
			return -1;
		}
		free(r->host);
		r->host = h;
	}
	r->port = port;
	return 0;
}

/* Sentinel mode: a sentinel may still name the old primary; ROLE knows. */
static int
verify_master(struct md_redis *r)
{
	char role[32], why[160];
	int rc = md_redis_role_is_master(r->c, role, sizeof role, why, sizeof why);

	if (rc < 0)
		md_redis_set_err(r, "%s", why);
	else if (rc == 0)
		md_redis_set_err(r, "is a %s, not the master (failover in progress?)", role);
	return rc == 1 ? 0 : -1;
}

static int
open_ctx(struct md_redis *r)
{
	struct timeval ctv = md_ms_timeval(r->connect_ms);
	char db[16];
	const char *argv[3];

	r->stale = 0;
	if (r->sentinel != NULL && discover(r) < 0)
		return -1;
	if (r->socket != NULL && r->sentinel == NULL)
		r->c = redisConnectUnixWithTimeout(r->socket, ctv);
	else
		r->c = redisConnectWithTimeout(r->host, r->port, ctv);
	if (r->c == NULL || r->c->err) {
		set_ctx_err(r, "connect");
		return -1;
	}
	if (redisSetTimeout(r->c, md_ms_timeval(r->command_ms)) != REDIS_OK) {
		set_ctx_err(r, "set timeout");
		return -1;
	}
	if ((r->socket == NULL || r->sentinel != NULL) &&
	    redisEnableKeepAlive(r->c) != REDIS_OK) {
		set_ctx_err(r, "keepalive");
		return -1;
	}
	if (r->password != NULL) {
		argv[0] = "AUTH";
		argv[1] = r->username ? r->username : r->password;
		argv[2] = r->password;
		if (setup_cmd(r, "AUTH", r->username ? 3 : 2, argv) < 0)
			return -1;
	}
	if (r->sentinel != NULL && verify_master(r) < 0)
		return -1;
	if (r->db != 0) {
		snprintf(db, sizeof db, "%d", r->db);
		argv[0] = "SELECT";
		argv[1] = db;
		if (setup_cmd(r, "SELECT", 2, argv) < 0)
			return -1;
	}
	return 0;
}

/* Next window: doubled each failure, capped, with up to 25% jitter off. */
static void
schedule_retry(struct md_redis *r)
{
	int jitter, max = r->sentinel != NULL ? SENTINEL_BACKOFF_MAX_MS : BACKOFF_MAX_MS;

	if (r->backoff_ms == 0)
		r->backoff_ms = BACKOFF_MIN_MS;
	else if (r->backoff_ms < max / 2)
		r->backoff_ms *= 2;
	else
		r->backoff_ms = max;
	jitter = (int)(rand_r(&r->seed) % (unsigned int)(r->backoff_ms / 4 + 1));
	r->retry_at = md_now_ms() + r->backoff_ms - jitter;
}

int
md_redis_connect(struct md_redis *r)
{
	if (r == NULL)
		return -1;
	md_redis_drop(r);
	if (open_ctx(r) < 0) {
		md_redis_drop(r);
		snprintf(r->cause, sizeof r->cause, "%s", err_cause(r));
		schedule_retry(r);
		return -1;
	}
	r->backoff_ms = 0;
	r->retry_at = 0;
	r->epoch = epoch_now();
	r->err[0] = '\0';
	return 0;
}

/* Connected, or a fresh attempt made unless inside the backoff window. */
int
md_redis_ensure(struct md_redis *r)
{
	long long now;

	/*
	 * A replica now (failover), or another connection found the server
	 * gone: a new connection finds the (new) primary.
	 */
	if (r->c != NULL && (r->stale || r->epoch != epoch_now()))
		md_redis_drop(r);
	if (r->c != NULL)
		return 0;
	now = md_now_ms();
	if (r->retry_at > now) {
		md_redis_set_err(r, "unavailable (retrying in %lldms): %s", r->retry_at - now,
		    r->cause);
		return -1;
	}
	return md_redis_connect(r);
}

/*
 * "-READONLY You can't write against a read only replica.", also as the
 * error of a script whose redis.call() wrote.
 */
static int
is_readonly(const char *msg)
{
	return strncmp(msg, "READONLY ", 9) == 0 ||
	    strstr(msg, "against a read only replica") != NULL;
}

/*
 * A NULL reply leaves the context unusable: forget it.  An error reply is
 * also noted, so md_redis_errstr() explains whatever went wrong last.
 */
redisReply *
md_redis_checked(struct md_redis *r, redisReply *rep)
{
	if (rep == NULL) {
		int closed = r->c != NULL && closed_by_server(r->c);

		set_ctx_err(r, "command");
		if (closed)
			server_lost();
		md_redis_drop(r);
	} else if (rep->type == REDIS_REPLY_ERROR) {
		md_redis_set_err(r, "%s", rep->str ? rep->str : "error reply");
		/*
		 * The server we write to was turned into a replica: a failover
		 * (Sentinel), or a virtual IP / proxy still pointing at the old
		 * primary.  Not dropped here: a pipeline may still have replies
		 * to read on this connection; md_redis_ensure() reconnects.
		 */
		if (rep->str != NULL && is_readonly(rep->str)) {
			r->stale = 1;
			server_lost();
		}
	}
	return rep;
}
