/*
 * cmd_customer.c - "maildesk customer purge ADDR": erase one customer's
 * personal data everywhere (a GDPR erasure request), via
 * md_tracker_purge_customer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "cli.h"
#include "tracker.h"

static int
do_purge(struct cli *c, const char *addr)
{
	char norm[MD_ADDR_MAX + 1], err[512];
	struct md_purge_stats ps;
	struct md_store *st;
	const char *actor = getenv("SUDO_USER");

	if (md_addr_normalize(addr, norm, sizeof norm) < 0 || strchr(norm, '@') == NULL)
		return cli_error("not an address: '%s'", addr);
	if (actor == NULL || *actor == '\0')
		actor = getenv("USER");
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	memset(&ps, 0, sizeof ps);
	if (md_tracker_purge_customer(st, norm, actor != NULL && *actor ? actor : "cli",
	    &ps, err, sizeof err) != 0)
		return cli_error("%s", err);
	printf("purged %s: %ld issue%s, %ld note%s, %ld attachment%s, %ld raw message%s\n",
	    norm, ps.issues, ps.issues == 1 ? "" : "s", ps.notes, ps.notes == 1 ? "" : "s",
	    ps.attachments, ps.attachments == 1 ? "" : "s", ps.raws, ps.raws == 1 ? "" : "s");
	return CLI_EXIT_OK;
}

static int
run(struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(&cli_cmd_customer, "customer needs a subcommand");
	if (strcmp(argv[1], "purge") != 0)
		return cli_usage_error(&cli_cmd_customer, "unknown customer subcommand: %s",
		    argv[1]);
	if (argc != 3)
		return cli_usage_error(&cli_cmd_customer, "customer purge needs one ADDR");
	return do_purge(c, argv[2]);
}

const struct cli_command cli_cmd_customer = {
	"customer", run,
	"  maildesk customer purge ADDR\n",
};
