/*
 * redis_fixture.h - a throwaway redis-server for unit tests.
 *
 * Starts redis-server as a child on a unix socket in a private mkdtemp
 * directory (no TCP listener, no persistence), waits until it answers PING
 * and removes everything again.  The server dies with the test process
 * (PR_SET_PDEATHSIG and an atexit hook), so a failed assertion in a forked
 * check test leaves nothing behind.  Typical use:
 *
 *	static struct md_rfx rfx;
 *	static void setup(void) { ck_assert_int_eq(md_rfx_start(&rfx, NULL), 0); }
 *	static void teardown(void) { md_rfx_cleanup(&rfx); }
 *	tcase_add_checked_fixture(tc, setup, teardown);
 *	... md_rfx_config(&rfx, &cfg); r = md_redis_new(&cfg); ...
 *
 * and MD_RFX_MAIN(suite_fn) instead of MD_UNIT_MAIN: it prints a TAP skip
 * when there is no redis-server on this machine, and puts every server's
 * directory under one base directory that it removes after the run (a
 * failed check assertion _exit()s the forked test, skipping teardown).
 */
#ifndef MD_REDIS_FIXTURE_H
#define MD_REDIS_FIXTURE_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <hiredis.h>

#include "conf.h"

#define MD_RFX_MAX_ARGS	16

struct md_rfx {
	char	 dir[64];		/* private directory, "" when not made */
	char	 sock[128];		/* dir/redis.sock */
	pid_t	 pid;			/* 0 when not running */
	const char *extra[MD_RFX_MAX_ARGS];	/* extra arguments, kept for restarts */
	int	 nextra;
};

static struct md_rfx *md_rfx_active;
static char md_rfx_base[32];	/* set by MD_RFX_MAIN; "" = /tmp */

static inline int
md_rfx_available(void)
{
	return system("redis-server --version >/dev/null 2>&1") == 0;
}


/* A direct connection for setup and inspection (NULL if it fails). */
static inline redisContext *
md_rfx_connect(const struct md_rfx *f)
{
	struct timeval tv = { 1, 0 };
	redisContext *c = redisConnectUnixWithTimeout(f->sock, tv);

	if (c != NULL && c->err) {
		redisFree(c);
		c = NULL;
	}
	return c;
}

/* Runs one admin command on a fresh connection (caller frees the reply). */
static inline redisReply *
md_rfx_cmd(const struct md_rfx *f, const char *fmt, ...)
{
	redisContext *c = md_rfx_connect(f);
	redisReply *rep;
	va_list ap;

	if (c == NULL)
		return NULL;
	va_start(ap, fmt);
	rep = redisvCommand(c, fmt, ap);
	va_end(ap);
	redisFree(c);
	return rep;
}

static inline int
md_rfx_ready(const struct md_rfx *f)
{
	redisReply *rep = md_rfx_cmd(f, "PING");
	/* NOAUTH (requirepass) also means the server is up. */
	int ok = rep != NULL && (rep->type == REDIS_REPLY_STATUS || rep->type == REDIS_REPLY_ERROR);

	if (rep != NULL)
		freeReplyObject(rep);
	return ok;
}

/* SIGKILLs the server (the socket file stays, as after a crash). */
static inline void
md_rfx_kill(struct md_rfx *f)
{
	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		while (waitpid(f->pid, NULL, 0) < 0 && errno == EINTR)
			;
		f->pid = 0;
	}
}

static inline void
md_rfx_cleanup(struct md_rfx *f)
{
	char cmd[128];

	md_rfx_kill(f);
	if (f->dir[0] != '\0') {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "redis_fixture: could not remove %s\n", f->dir);
		f->dir[0] = '\0';
	}
	if (md_rfx_active == f)
		md_rfx_active = NULL;
}

static inline void
md_rfx_atexit(void)
{
	if (md_rfx_active != NULL)
		md_rfx_cleanup(md_rfx_active);
}

/* (Re)starts the server on f->sock; polls PING for up to 5 s. */
static inline int
md_rfx_launch(struct md_rfx *f)
{
	const char *argv[16 + MD_RFX_MAX_ARGS];
	char logf[160];
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int argc = 0, i, status;
	pid_t parent = getpid();

	snprintf(logf, sizeof logf, "%s/redis.log", f->dir);
	argv[argc++] = "redis-server";
	argv[argc++] = "--port";
	argv[argc++] = "0";
	argv[argc++] = "--unixsocket";
	argv[argc++] = f->sock;
	argv[argc++] = "--unixsocketperm";
	argv[argc++] = "700";
	argv[argc++] = "--dir";
	argv[argc++] = f->dir;
	argv[argc++] = "--save";
	argv[argc++] = "";
	argv[argc++] = "--appendonly";
	argv[argc++] = "no";
	argv[argc++] = "--logfile";
	argv[argc++] = logf;
	for (i = 0; i < f->nextra; i++)
		argv[argc++] = f->extra[i];
	argv[argc] = NULL;

	if ((f->pid = fork()) < 0)
		return -1;
	if (f->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		execvp("redis-server", (char *const *)(void *)argv);
		_exit(127);
	}
	for (i = 0; i < 500; i++) {
		if (md_rfx_ready(f))
			return 0;
		if (waitpid(f->pid, &status, WNOHANG) == f->pid) {
			f->pid = 0;
			return -1;
		}
		nanosleep(&pause, NULL);
	}
	md_rfx_kill(f);
	return -1;
}

/* extra: NULL-terminated list of more redis-server arguments, or NULL. */
static inline int
md_rfx_start(struct md_rfx *f, const char *const *extra)
{
	static int hooked;

	memset(f, 0, sizeof *f);
	while (extra != NULL && *extra != NULL && f->nextra < MD_RFX_MAX_ARGS)
		f->extra[f->nextra++] = *extra++;
	snprintf(f->dir, sizeof f->dir, "%.31s/r-XXXXXX",
	    md_rfx_base[0] ? md_rfx_base : "/tmp");
	if (mkdtemp(f->dir) == NULL) {
		f->dir[0] = '\0';
		return -1;
	}
	snprintf(f->sock, sizeof f->sock, "%s/redis.sock", f->dir);
	if (!hooked) {
		/* Like every program using hiredis: a dead server must not kill us. */
		signal(SIGPIPE, SIG_IGN);
		atexit(md_rfx_atexit);
		hooked = 1;
	}
	md_rfx_active = f;
	if (md_rfx_launch(f) < 0) {
		md_rfx_cleanup(f);
		return -1;
	}
	return 0;
}

/* Starts the server again on the same socket after md_rfx_kill(). */
static inline int
md_rfx_restart(struct md_rfx *f)
{
	md_rfx_kill(f);
	return md_rfx_launch(f);
}

/* Defaults pointed at this server (caller md_config_free()s). */
static inline void
md_rfx_config(const struct md_rfx *f, struct md_config *cfg)
{
	char err[256];

	md_config_defaults(cfg);
	md_config_set(cfg, "redis_socket", f->sock, err, sizeof err);
	md_config_set(cfg, "redis_connect_timeout_ms", "500", err, sizeof err);
	md_config_set(cfg, "redis_command_timeout_ms", "1000", err, sizeof err);
}

static inline int
md_rfx_run(Suite *(*suite_fn)(void))
{
	SRunner *sr;
	char cmd[96];
	int failed;

	if (!md_rfx_available()) {
		printf("1..0 # SKIP redis-server not installed\n");
		return EXIT_SUCCESS;
	}
	snprintf(md_rfx_base, sizeof md_rfx_base, "/tmp/md-rfx-XXXXXX");
	if (mkdtemp(md_rfx_base) == NULL) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	sr = srunner_create(suite_fn());
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", md_rfx_base);
	if (system(cmd) != 0)
		fprintf(stderr, "redis_fixture: could not remove %s\n", md_rfx_base);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * For a hand-written main(): prints the TAP skip and returns when there is
 * no redis-server (servers then live directly under /tmp).  MD_RFX_MAIN is
 * better: it also removes what a failed test left behind.
 */
#define MD_RFX_SKIP_IF_MISSING() do {					\
	if (!md_rfx_available()) {					\
		printf("1..0 # SKIP redis-server not installed\n");	\
		return EXIT_SUCCESS;					\
	}								\
} while (0)

#define MD_RFX_MAIN(suite_fn)						\
int									\
main(void)								\
{									\
	return md_rfx_run(suite_fn);					\
}

#endif
