/*
 * doctor.c - the configuration checks, and the order in which the
 * families run (see doctor.h; the list of results is doctor_report.c).
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "conf.h"
#include "doctor.h"
#include "doctor_checks.h"

/*
 * Loads the file; 0, or -1 after a FAIL line (nothing else can be judged
 * against a configuration no program would start with).
 */
static int
check_config(struct md_doctor *d, struct md_config *cfg, const char *path)
{
	char err[1024], warning[1024];
	struct stat st;

	md_config_defaults(cfg);
	if (path == NULL) {
		md_doctor_add(d, "config", MD_CHECK_WARN,
		    "write " MD_DEFAULT_CONFIG " from contrib/maildesk.conf.example (maildesk.conf(5))",
		    "no configuration file: the built-in defaults (desk_domain = %s)",
		    cfg->desk_domain);
		return 0;
	}
	if (md_config_load(cfg, path, err, sizeof err) < 0) {
		md_doctor_add(d, "config", MD_CHECK_FAIL,
		    "fix the line named; `maildesk-milter -n` checks the file again", "%s", err);
		return -1;
	}
	md_doctor_add(d, "config", MD_CHECK_OK, NULL, "%s loaded", path);
	if (stat(path, &st) < 0) {
		md_doctor_add(d, "config.mode", MD_CHECK_WARN, NULL, "%s: %s", path, strerror(errno));
		return 0;
	}
	/* The same sentence every program logs at start (conf.c). */
	if (md_config_secret_warning(cfg, (unsigned int)st.st_mode, warning, sizeof warning))
		md_doctor_add(d, "config.mode", MD_CHECK_WARN,
		    "chmod 600 the file and run the programs as its owner, or keep the "
		    "secrets elsewhere (maildesk.conf(5), FILE MODE)", "%s", warning);
	else
		md_doctor_add(d, "config.mode", MD_CHECK_OK, NULL,
		    "mode %03o, owner uid %u: no secrets open to others",
		    (unsigned int)(st.st_mode & 0777), (unsigned int)st.st_uid);
	return 0;
}

/*
 * A libpq passfile named in a conninfo must be its owner's alone: libpq
 * ignores one open to group or others (with a warning on stderr nobody
 * reads), and the program logs in without its password.
 */
static void
check_passfile(struct md_doctor *d, const char *key, const char *conninfo)
{
	PQconninfoOption *opts, *o;
	struct stat st;
	char *err = NULL;

	if (conninfo == NULL || *conninfo == '\0' ||
	    (opts = PQconninfoParse(conninfo, &err)) == NULL) {
		PQfreemem(err);	/* db.* says what is wrong with the string */
		return;
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "passfile") != 0 || o->val == NULL || *o->val == '\0')
			continue;
		if (stat(o->val, &st) < 0)
			md_doctor_add(d, "config.passfile", MD_CHECK_FAIL,
			    "create it (host:port:db:user:password lines, mode 600) or fix the "
			    "conninfo", "%s names passfile %s: %s", key, o->val, strerror(errno));
		else if ((st.st_mode & 077) != 0)
			md_doctor_add(d, "config.passfile", MD_CHECK_FAIL,
			    "chmod 600 it, owned by the user the program runs as",
			    "%s names passfile %s of mode %03o: libpq ignores a password file "
			    "open to group or others", key, o->val, (unsigned int)(st.st_mode & 0777));
		else
			md_doctor_add(d, "config.passfile", MD_CHECK_OK, NULL,
			    "%s names passfile %s, mode %03o", key, o->val,
			    (unsigned int)(st.st_mode & 0777));
	}
	PQconninfoFree(opts);
}

int
md_doctor_run(struct md_doctor *d, const char *config_path, const struct md_doctor_opts *in)
{
	struct md_doctor_opts opts = *in;
	struct md_config cfg;
	size_t i;
	int fails = 0;

	memset(d, 0, sizeof *d);
	if (opts.dns_name == NULL || *opts.dns_name == '\0')
		opts.dns_name = "gmail.com";
	if (opts.timeout_ms <= 0)
		opts.timeout_ms = 5000;
	if (check_config(d, &cfg, config_path) == 0) {
		check_passfile(d, "database", cfg.database);
		check_passfile(d, "worker_database", cfg.worker_database);
		check_passfile(d, "web_database", cfg.web_database);
		check_passfile(d, "cli_database", cfg.cli_database);
		md_doctor_check_redis(d, &cfg, &opts);
		md_doctor_check_db(d, &cfg);
		md_doctor_check_dns(d, &cfg, &opts);
		md_doctor_check_mta(d, &cfg, &opts);
		md_doctor_check_spamd(d, &cfg, &opts);
		md_doctor_check_relay(d, &cfg, &opts);
		md_doctor_check_base_url(d, &cfg, &opts);
	}
	md_config_free(&cfg);
	for (i = 0; i < d->n; i++)
		fails += d->checks[i].status == MD_CHECK_FAIL;
	return fails + d->oom;
}
