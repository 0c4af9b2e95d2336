/*
 * main.c - maildesk-milter: options, configuration, daemon life cycle.
 *
 *   maildesk-milter [-c config] [-p socket] [-f] [-n] [-d] [-h] [-V]
 *
 * libmilter owns the listening socket and the worker threads; this file
 * only prepares the shared state (config, Redis pool, alias cache, GMime)
 * before smfi_main() and tears it down after.  SIGTERM/SIGINT are handled
 * by libmilter's signal thread, which makes smfi_main() return.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "milter.h"
#include "milter_metrics.h"
#include "mime.h"
#include "reply.h"
#include "milter_trust.h"

/* Shutdown: how long open sessions get to finish (under TimeoutStopSec). */
#define SESSION_WAIT_MS	8000

struct milter_globals G;

static const char *socket_arg;
static const struct md_daemon_opt milter_opts[] = {
	{ 'p', "[-p socket]", "-p socket     milter socket, inet:port@host or unix:/path "
	    "(overrides milter_socket)", &socket_arg, NULL },
	{ 0, NULL, NULL, NULL, NULL }
};

static void
setup_globals(void)
{
	G.fmt.local = G.cfg.desk_local;
	G.fmt.separator = G.cfg.desk_separator[0];
	G.fmt.domain = G.cfg.desk_domain;
	G.fmt.reply_prefix = G.cfg.reply_prefix;
	G.fmt.unsub_prefix = G.cfg.unsub_prefix;
	G.pool = md_redis_pool_new(&G.cfg, G.cfg.redis_pool_size);
	G.aliases = md_alias_cache_new(G.cfg.alias_refresh);
	if (G.pool == NULL || G.aliases == NULL) {
		md_log(LOG_CRIT, "out of memory at startup");
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	struct md_daemon prog = {
		.name = "maildesk-milter", .role = "milter", .opts = milter_opts
	};
	int rc, waited;
	char err[512];

	md_daemon_options(&prog, argc, argv);
	if (md_daemon_config(&prog, &G.cfg, err, sizeof err) < 0 ||
	    md_milter_trust_validate(&G.cfg, err, sizeof err) < 0) {
		fprintf(stderr, "maildesk-milter: %s\n", err);
		return MD_EXIT_FAIL;
	}
	if (socket_arg != NULL) {
		free(G.cfg.milter_socket);
		G.cfg.milter_socket = strdup(socket_arg);
	}
	if (prog.checkonly)
		return md_daemon_config_ok(&prog);
	md_daemon_log_open(&prog, &G.cfg);
	signal(SIGPIPE, SIG_IGN);

	/* GMime and libspf2 set up once, before libmilter starts threads. */
	md_mime_init();
	setup_globals();
	if (md_milter_trust_init(&G.cfg) < 0)
		return 1;

	if (smfi_setconn(G.cfg.milter_socket) == MI_FAILURE ||
	    smfi_register(md_milter_desc) == MI_FAILURE) {
		md_log(LOG_ERR, "cannot register milter on %s", G.cfg.milter_socket);
		return 1;
	}
	/* Bind now so a busy port fails loudly here, not inside smfi_main(). */
	if (smfi_opensocket(1) == MI_FAILURE) {
		md_log(LOG_ERR, "cannot listen on %s", G.cfg.milter_socket);
		return 1;
	}
	if (md_daemon_detach(&prog, G.cfg.milter_pid_file, err, sizeof err) < 0) {
		md_log(LOG_ERR, "%s", err);
		return 1;
	}
	if (md_milter_metrics_start(G.cfg.milter_metrics_listen) < 0)
		return 1;
	md_log(LOG_INFO, "maildesk-milter %s listening on %s, desk %s%s*@%s",
	    PACKAGE_VERSION, G.cfg.milter_socket, G.cfg.desk_local,
	    G.cfg.desk_separator, G.cfg.desk_domain);

	rc = smfi_main();

	md_log(LOG_INFO, "maildesk-milter stopping");
	md_daemon_finish(&prog);
	/*
	 * smfi_main returns without waiting for the session threads: one may
	 * be writing its records right now.  Give them time to finish, and if
	 * some do not, exit without freeing what they use.
	 */
	for (waited = 0; md_milter_sessions() > 0 && waited < SESSION_WAIT_MS; waited += 50)
		usleep(50 * 1000);
	if (md_milter_sessions() > 0) {
		md_log(LOG_WARNING, "%d sessions still open after %d ms; exiting without "
		    "waiting for them (their MTAs see the connection drop and retry)",
		    md_milter_sessions(), SESSION_WAIT_MS);
		return rc == MI_SUCCESS ? 0 : 1;
	}
	md_milter_trust_free();
	md_alias_cache_free(G.aliases);
	md_redis_pool_free(G.pool);
	md_mime_shutdown();
	md_config_free(&G.cfg);
	return rc == MI_SUCCESS ? 0 : 1;
}
