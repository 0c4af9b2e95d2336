/*
 * who.c - who runs a command (issue 18): the operator, or --as USER.
 *
 * The CLI runs on the server, where whoever can run it can read the
 * configuration and its database password: without --as it acts as an
 * admin, as it always has.  --as USER lets a responder's view be checked
 * (and scripts act for a responder): their role and memberships then
 * decide what they see, through the same lib/store/access.c rule as the web UI.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cli.h"
#include "tracker.h"

int
cli_who(struct cli *c, const struct md_user **who)
{
	struct md_store *st;
	int rc;

	*who = NULL;
	if (c->as_user == NULL)
		return 0;
	if (!c->as_loaded) {
		if ((st = cli_store(c)) == NULL)
			return CLI_EXIT_FAIL;
		if ((rc = md_user_get(st, c->as_user, &c->as)) < 0)
			return cli_error("cannot read user %s from the database", c->as_user);
		if (rc == 0)
			return cli_error("no such user: %s", c->as_user);
		c->as_loaded = 1;
	}
	*who = &c->as;
	return 0;
}

int
cli_as_allowed(struct cli *c, const char *command)
{
	static const char *const narrowed[] = { "project", "issue", "mywork",
	    "triage", "canned" };
	const struct md_user *who;
	size_t i;
	int rc;

	if (c->as_user == NULL)
		return 0;
	for (i = 0; i < sizeof narrowed / sizeof narrowed[0]; i++)
		if (strcmp(command, narrowed[i]) == 0)
			return 0;
	if ((rc = cli_who(c, &who)) != 0)
		return rc;
	if (who->role != MD_ROLE_ADMIN)
		return cli_error("%s commands are for admins (%s is a responder)", command,
		    who->name);
	return 0;
}

const char *
cli_author(const struct cli *c, const char *explicit_author)
{
	if (explicit_author != NULL && *explicit_author != '\0')
		return explicit_author;
	if (c->as_user != NULL)
		return c->as_user;
	return getenv("USER");
}

int
cli_access(struct cli *c, struct md_store *st, const char *project, int may_change)
{
	const struct md_user *who;
	char err[512];
	int rc;

	if ((rc = cli_who(c, &who)) != 0)
		return rc;
	rc = may_change ? md_access_maintain(st, who, project, err, sizeof err) :
	    md_access_issue(st, who, project, err, sizeof err);
	return rc == 0 ? 0 : cli_error("%s", err);
}
