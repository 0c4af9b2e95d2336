/*
 * main.c - maildesk-worker: options, signals, the two loops, reload.
 *
 *   maildesk-worker [-c config] [-f] [-n] [-d] [-h] [-V]
 *
 * The main thread consumes the inbox (records -> issues, inbox.c), serves
 * the requests of "maildesk queue retry" (retry.c) and every 10 minutes
 * applies the projects' retention; a second thread runs
 * the outbox sender (outbox.c) and a third the search indexer (indexer.c),
 * each with a configuration copy of its own, so that no two share a
 * connection or a string.  Signals reach
 * the main thread only: SIGTERM/SIGINT finish the record at hand, stop the
 * sender and exit 0; SIGHUP re-reads the configuration file and keeps the
 * old one if the new one has an error.  A database whose schema is not the
 * one this program was built for stops the worker (exit 1); an unreachable
 * database or Redis is waited for.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "daemon.h"
#include "wk_inbox.h"
#include "indexer.h"
#include "log.h"
#include "mime.h"
#include "outbox.h"
#include "retry.h"
#include "smtp.h"
#include "tracker.h"
#include "wk_metrics.h"

/* Retention of closed issues' raw messages and attachments. */
#define RETENTION_EVERY_MS	(600 * 1000)
#define RETENTION_ISSUES	500	/* per call: short transactions */
#define RETENTION_CALLS		20	/* per turn: ingest is not held up long */

static volatile sig_atomic_t stop_flag, hup_flag;

/* A helper thread: the outbox sender or the indexer. */
struct sender {
	struct md_config	 cfg;
	pthread_t		 thread;
	volatile sig_atomic_t	 stop;
	int			 running;
	const char		*name;
	int			(*run)(const struct md_config *, volatile sig_atomic_t *);
};

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		hup_flag = 1;
	else
		stop_flag = 1;
}

/* No SA_RESTART: a signal cuts the pause after a Redis error short. */
static void
setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static struct md_daemon prog = { .name = "maildesk-worker", .role = "worker" };

static void *
sender_main(void *arg)
{
	struct sender *s = arg;

	if (s->run(&s->cfg, &s->stop) < 0)
		md_log(LOG_ERR, "%s could not start", s->name);
	return NULL;
}

/* Starts the sender thread with signals blocked (they belong to main). */
static int
sender_start(struct sender *s)
{
	sigset_t all, old;
	int rc;

	s->stop = 0;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&s->thread, NULL, sender_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		md_log(LOG_ERR, "cannot start the %s thread: %s", s->name, strerror(rc));
		return -1;
	}
	s->running = 1;
	return 0;
}

static void
sender_stop(struct sender *s)
{
	if (!s->running)
		return;
	s->stop = 1;
	pthread_join(s->thread, NULL);
	s->running = 0;
}

/* SIGHUP: both copies load cleanly or nothing changes. */
static void
reload(struct md_config *cfg, struct wk_inbox *w, struct sender *s, struct sender *ix)
{
	struct md_config ncfg, scfg, icfg;
	char err[512];

	hup_flag = 0;
	if (md_daemon_config(&prog, &ncfg, err, sizeof err) < 0) {
		md_log(LOG_ERR, "reload failed, keeping the old configuration: %s", err);
		return;
	}
	if (md_daemon_config(&prog, &scfg, err, sizeof err) < 0) {
		md_config_free(&ncfg);
		md_log(LOG_ERR, "reload failed, keeping the old configuration: %s", err);
		return;
	}
	if (md_daemon_config(&prog, &icfg, err, sizeof err) < 0) {
		md_config_free(&ncfg);
		md_config_free(&scfg);
		md_log(LOG_ERR, "reload failed, keeping the old configuration: %s", err);
		return;
	}
	sender_stop(s);
	sender_stop(ix);
	md_config_free(&s->cfg);
	s->cfg = scfg;
	md_config_free(&ix->cfg);
	ix->cfg = icfg;
	wk_inbox_free(w);
	md_config_free(cfg);
	*cfg = ncfg;
	md_log_set_debug(prog.debug || cfg->log_debug);
	if (wk_inbox_init(w, cfg) < 0) {
		md_log(LOG_CRIT, "out of memory after reload");
		exit(1);
	}
	sender_start(s);
	sender_start(ix);
	md_log(LOG_INFO, "configuration reloaded from %s", prog.config_path);
}

/* A pause after a Redis failure; a signal ends it early. */
static void
pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Every RETENTION_EVERY_MS: removes raw messages and attachments of issues
 * closed longer than their project's retention, in calls of at most
 * RETENTION_ISSUES issues until nothing is left (or RETENTION_CALLS, the
 * rest waits for the next turn).
 */
static void
retention(struct wk_inbox *w, long long *last)
{
	long raws, atts, traws = 0, tatts = 0;
	char err[512];
	int calls;

	if (!w->st_open || (*last != 0 && md_now_ms() - *last < RETENTION_EVERY_MS))
		return;
	*last = md_now_ms();
	for (calls = 0; calls < RETENTION_CALLS && !stop_flag; calls++) {
		if (md_tracker_retention(&w->st, (long)time(NULL), RETENTION_ISSUES,
		    &raws, &atts, err, sizeof err) < 0) {
			md_log(LOG_WARNING, "retention: %s", err);
			break;
		}
		traws += raws;
		tatts += atts;
		if (raws == 0 && atts == 0)
			break;
	}
	if (traws > 0 || tatts > 0)
		md_log(LOG_INFO, "retention: removed %ld raw messages and %ld "
		    "attachments of closed issues", traws, tatts);
}

int
main(int argc, char **argv)
{
	struct md_config cfg;
	struct sender s, ix;
	struct wk_inbox w;
	struct wk_retry retry = { 0 };
	long long last_retention = 0;
	char err[512];
	int rc;

	md_daemon_options(&prog, argc, argv);
	memset(&s, 0, sizeof s);
	memset(&ix, 0, sizeof ix);
	s.name = "outbox";
	s.run = md_outbox_run;
	ix.name = "indexer";
	ix.run = md_indexer_run;
	if (md_daemon_config(&prog, &cfg, err, sizeof err) < 0 ||
	    md_daemon_config(&prog, &s.cfg, err, sizeof err) < 0 ||
	    md_daemon_config(&prog, &ix.cfg, err, sizeof err) < 0) {
		fprintf(stderr, "maildesk-worker: %s\n", err);
		return MD_EXIT_FAIL;
	}
	if (prog.checkonly)
		return md_daemon_config_ok(&prog);
	md_daemon_log_open(&prog, &cfg);
	if (wk_inbox_init(&w, &cfg) < 0) {
		md_log(LOG_CRIT, "cannot start: out of memory");
		return 1;
	}
	/*
	 * The schema is checked before detaching, so whoever starts it sees
	 * why it refuses; a database that is down is waited for instead.
	 */
	if ((rc = wk_inbox_open(&w, err, sizeof err)) == -2) {
		md_log(LOG_CRIT, "cannot start: %s", err);
		if (!prog.foreground)
			fprintf(stderr, "maildesk-worker: %s\n", err);
		return 1;
	}
	if (rc < 0)
		md_log(LOG_WARNING, "%s; waiting for the database", err);
	if (md_daemon_detach(&prog, cfg.worker_pid_file, err, sizeof err) < 0) {
		md_log(LOG_ERR, "%s", err);
		return 1;
	}
	if (wk_metrics_start(&cfg) < 0)
		return 1;
	setup_signals();
	/* GMime and libcurl global state, before any thread exists. */
	md_mime_init();
	md_smtp_global_init();
	if (sender_start(&s) < 0 || sender_start(&ix) < 0) {
		md_log(LOG_CRIT, "cannot start");
		return 1;
	}
	md_log(LOG_INFO, "maildesk-worker %s started as consumer %s of %s",
	    PACKAGE_VERSION, w.consumer, w.stream);

	while (!stop_flag && !w.fatal) {
		if (hup_flag)
			reload(&cfg, &w, &s, &ix);
		if ((rc = wk_inbox_step(&w, &stop_flag)) < 0 && !w.fatal)
			pause_ms(500);
		md_indexer_defer = rc >= WK_INBOX_READ;
		if (rc >= 0)
			wk_retry_step(&retry, &w);
		retention(&w, &last_retention);
	}

	md_log(LOG_INFO, "maildesk-worker stopping");
	sender_stop(&s);
	sender_stop(&ix);
	wk_inbox_leave(&w);
	wk_inbox_free(&w);
	md_daemon_finish(&prog);
	md_config_free(&s.cfg);
	md_config_free(&ix.cfg);
	md_config_free(&cfg);
	md_mime_shutdown();
	return w.fatal ? 1 : 0;
}
