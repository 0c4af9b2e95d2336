/*
 * main.c - maildesk-milter: options, configuration, daemon life cycle.
 *
 *   maildesk-milter [-c config] [-p socket] [-f] [-n] [-d] [-V]
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

#include "log.h"
#include "pidfile.h"
#include "milter.h"
#include "mime.h"
#include "reply.h"
#include "milter_trust.h"

/* Shutdown: how long open sessions get to finish (under TimeoutStopSec). */
#define SESSION_WAIT_MS	8000

struct milter_globals G;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: maildesk-milter [-c config] [-p socket] [-f] [-n] [-d] [-V]\n"
	    "  -c config  configuration file (default %s)\n"
	    "  -p socket  milter socket, inet:port@host or unix:/path (overrides milter_socket)\n"
	    "  -f         stay in the foreground and log to stderr\n"
	    "  -n         check the configuration and exit\n"
	    "  -d         debug logging\n"
	    "  -V         print the version and exit\n", MD_DEFAULT_CONFIG);
	exit(2);
}

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
	const char *conffile = MD_DEFAULT_CONFIG, *sock = NULL;
	int foreground = 0, checkonly = 0, debug = 0, ch, rc, waited;
	char err[512];

	while ((ch = getopt(argc, argv, "c:p:fndV")) != -1) {
		switch (ch) {
		case 'c': conffile = optarg; break;
		case 'p': sock = optarg; break;
		case 'f': foreground = 1; break;
		case 'n': checkonly = 1; break;
		case 'd': debug = 1; break;
		case 'V':
			printf("maildesk-milter %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	md_config_defaults(&G.cfg);
	if (md_config_load(&G.cfg, conffile, err, sizeof err) < 0 ||
	    md_milter_trust_validate(&G.cfg, err, sizeof err) < 0) {
		fprintf(stderr, "maildesk-milter: %s\n", err);
		return 1;
	}
	md_config_use_role(&G.cfg, "milter");	/* its own Redis ACL user, if set */
	if (sock != NULL) {
		free(G.cfg.milter_socket);
		G.cfg.milter_socket = strdup(sock);
	}
	if (checkonly) {
		printf("maildesk-milter: %s: configuration OK\n", conffile);
		return 0;
	}
	md_log_open("maildesk-milter", foreground, G.cfg.syslog_facility);
	md_log_set_debug(debug || G.cfg.log_debug);
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
	if (!foreground && daemon(0, 0) < 0) {
		md_log(LOG_ERR, "daemon: %s", strerror(errno));
		return 1;
	}
	md_pidfile_write(G.cfg.milter_pid_file);
	md_log(LOG_INFO, "maildesk-milter %s listening on %s, desk %s%s*@%s",
	    PACKAGE_VERSION, G.cfg.milter_socket, G.cfg.desk_local,
	    G.cfg.desk_separator, G.cfg.desk_domain);

	rc = smfi_main();

	md_log(LOG_INFO, "maildesk-milter stopping");
	md_pidfile_remove(G.cfg.milter_pid_file);
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
