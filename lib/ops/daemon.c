/*
 * daemon.c - the daemons' shared command line and life cycle (daemon.h).
 *
 * Before this, maildesk-milter, maildesk-worker and maildesk-web each had
 * their own getopt loop, usage text, configuration loading, daemon() call
 * and PID file handling, and had started to differ.  Only what is the same
 * for all three lives here; what differs (the milter binds through
 * libmilter, the web binds before loading its store pool, the worker
 * checks the schema before detaching) stays in each main.c, which calls
 * these in its own order.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "pidfile.h"

static void
usage(const struct md_daemon *d, FILE *fp, int status)
{
	const struct md_daemon_opt *o;

	fprintf(fp, "usage: %s [-c config]", d->name);
	for (o = d->opts; o != NULL && o->letter != 0; o++)
		fprintf(fp, " %s", o->synopsis);
	fprintf(fp, " [-f] [-n] [-d] [-h] [-V]\n"
	    "  -c config     configuration file (default %s)\n", MD_DEFAULT_CONFIG);
	for (o = d->opts; o != NULL && o->letter != 0; o++)
		fprintf(fp, "  %s\n", o->help);
	fprintf(fp,
	    "  -f            stay in the foreground and log to stderr\n"
	    "  -n            check the configuration and exit\n"
	    "  -d            debug logging\n"
	    "  -h, --help    print this help and exit\n"
	    "  -V, --version print the version and exit\n"
	    "Exit status: 0 success, 1 configuration or run-time error, 2 usage error.\n");
	exit(status);
}

/* The program's own option for letter ch, or NULL. */
static const struct md_daemon_opt *
own_option(const struct md_daemon *d, int ch)
{
	const struct md_daemon_opt *o;

	for (o = d->opts; o != NULL && o->letter != 0; o++)
		if (o->letter == ch)
			return o;
	return NULL;
}

void
md_daemon_options(struct md_daemon *d, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct md_daemon_opt *o;
	char optstring[64] = "c:fndhV";
	size_t len = strlen(optstring);
	int ch;

	for (o = d->opts; o != NULL && o->letter != 0; o++) {
		if (len + 3 > sizeof optstring)
			abort();	/* a programming error: far too many options */
		optstring[len++] = (char)o->letter;
		if (o->arg != NULL)
			optstring[len++] = ':';
		optstring[len] = '\0';
	}
	d->config_path = MD_DEFAULT_CONFIG;
	while ((ch = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': d->config_path = optarg; break;
		case 'f': d->foreground = 1; break;
		case 'n': d->checkonly = 1; break;
		case 'd': d->debug = 1; break;
		case 'h':
			usage(d, stdout, MD_EXIT_OK);
			break;
		case 'V':
			printf("%s %s\n", d->name, PACKAGE_VERSION);
			exit(fflush(stdout) == 0 ? MD_EXIT_OK : MD_EXIT_FAIL);
		default:
			if ((o = own_option(d, ch)) == NULL)
				usage(d, stderr, MD_EXIT_USAGE);
			if (o->arg != NULL)
				*o->arg = optarg;
			else
				*o->flag = 1;
		}
	}
	if (optind != argc)
		usage(d, stderr, MD_EXIT_USAGE);
}

int
md_daemon_config(const struct md_daemon *d, struct md_config *cfg, char *err,
    size_t errlen)
{
	md_config_defaults(cfg);
	if (md_config_load(cfg, d->config_path, err, errlen) < 0) {
		md_config_free(cfg);
		return -1;
	}
	md_config_use_role(cfg, d->role);
	return 0;
}

int
md_daemon_config_ok(const struct md_daemon *d)
{
	printf("%s: %s: configuration OK\n", d->name, d->config_path);
	return MD_EXIT_OK;
}

void
md_daemon_log_open(const struct md_daemon *d, const struct md_config *cfg)
{
	md_log_open(d->name, d->foreground, cfg->syslog_facility);
	md_log_set_debug(d->debug || cfg->log_debug);
}

int
md_daemon_detach(struct md_daemon *d, const char *pid_file, char *err, size_t errlen)
{
	if (!d->foreground && daemon(0, 0) < 0) {
		snprintf(err, errlen, "daemon: %s", strerror(errno));
		return -1;
	}
	/* A copy: the worker frees its configuration on SIGHUP. */
	if ((d->pid_file = strdup(pid_file)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	md_pidfile_write(d->pid_file);	/* it says why it failed; the daemon runs on */
	return 0;
}

void
md_daemon_finish(struct md_daemon *d)
{
	if (d->pid_file != NULL)
		md_pidfile_remove(d->pid_file);
	free(d->pid_file);
	d->pid_file = NULL;
}
