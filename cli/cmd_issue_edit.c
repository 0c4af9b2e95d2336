/*
 * cmd_issue_edit.c - the responders' changes of "maildesk issue" (issue
 * 18): assign, take, unassign, priority, title, participant add|del,
 * block.  Each is one tracker call that also leaves the system note;
 * cmd_issue.c parses the options and dispatches here.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lists.h"
#include "tracker.h"
#include "validate.h"

static const char *const subs[] = {
	"assign", "take", "unassign", "priority", "title", "participant", "block",
};

int
cli_issue_change_known(const char *sub)
{
	size_t i;

	for (i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(sub, subs[i]) == 0)
			return 1;
	return 0;
}

/* "P#N" -> project, iid; 0 or a usage exit status. */
static int
ref(const char *s, char *project, long *iid)
{
	if (md_issue_ref_parse(s, project, MD_PROJECT_MAX + 1, iid) < 0)
		return cli_usage_error(&cli_cmd_issue,
		    "bad issue reference '%s' (want project#number)", s);
	return 0;
}

/* The user to assign: USER, --me (the --as user), --none; NULL: unassign. */
static int
assignee(struct cli *c, const char *sub, const char *const *pos, int npos, int me,
    int none, const char **user)
{
	const struct md_user *who;
	int rc;

	*user = NULL;
	if (strcmp(sub, "unassign") == 0 || (strcmp(sub, "assign") == 0 && none))
		return npos == 1 && !me ? 0 : cli_usage_error(&cli_cmd_issue,
		    "issue %s needs PROJECT#N", sub);
	if (strcmp(sub, "assign") == 0 && !me) {
		if (npos != 2)
			return cli_usage_error(&cli_cmd_issue,
			    "issue assign needs PROJECT#N and USER, --me or --none");
		*user = pos[1];
		return 0;
	}
	if (npos != 1)		/* take, assign --me */
		return cli_usage_error(&cli_cmd_issue, "issue %s needs PROJECT#N", sub);
	if ((rc = cli_who(c, &who)) != 0)
		return rc;
	if (who == NULL)
		return cli_usage_error(&cli_cmd_issue, "issue %s needs --as USER (who is 'me'?)",
		    sub);
	*user = who->name;
	return 0;
}

static int
do_assign(struct cli *c, struct md_store *st, const char *sub, const char *const *pos,
    int npos, const char *author, int me, int none)
{
	char project[MD_PROJECT_MAX + 1], err[512];
	const char *user;
	long iid;
	int rc, changed;

	if ((rc = assignee(c, sub, pos, npos, me, none, &user)) != 0 ||
	    (rc = ref(pos[0], project, &iid)) != 0 ||
	    (rc = cli_access(c, st, project, 0)) != 0)
		return rc;
	if (md_tracker_assign(st, project, iid, user, author, &changed, err, sizeof err) != 0)
		return cli_error("%s", err);
	if (user == NULL)
		printf("%s#%ld %s\n", project, iid, changed ? "unassigned" : "was not assigned");
	else
		printf("%s#%ld %s %s\n", project, iid, changed ? "assigned to" :
		    "was already assigned to", user);
	return CLI_EXIT_OK;
}

int
cli_issue_change(struct cli *c, const char *sub, const char *const *pos, int npos,
    const char *author, int me, int none)
{
	char project[MD_PROJECT_MAX + 1], err[512], entry[MD_LIST_ENTRY_MAX + 2];
	struct md_store *st;
	int participant = strcmp(sub, "participant") == 0, add = 0, rc, changed = 0;
	long iid;

	if (participant) {
		if (npos != 3 || (strcmp(pos[0], "add") != 0 && strcmp(pos[0], "del") != 0))
			return cli_usage_error(&cli_cmd_issue,
			    "issue participant needs add|del PROJECT#N ADDR");
		add = strcmp(pos[0], "add") == 0;
		pos++;
		npos--;
	}
	if (npos < 1)
		return cli_usage_error(&cli_cmd_issue, "issue %s needs PROJECT#N", sub);
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	if (strcmp(sub, "assign") == 0 || strcmp(sub, "take") == 0 ||
	    strcmp(sub, "unassign") == 0)
		return do_assign(c, st, sub, pos, npos, author, me, none);
	if (npos != (strcmp(sub, "block") == 0 ? 1 : 2))
		return cli_usage_error(&cli_cmd_issue, "issue %s: wrong number of arguments", sub);
	if ((rc = ref(pos[0], project, &iid)) != 0 ||
	    (rc = cli_access(c, st, project, strcmp(sub, "block") == 0)) != 0)
		return rc;
	if (strcmp(sub, "priority") == 0)
		rc = md_tracker_set_priority(st, project, iid, pos[1], author, &changed, err,
		    sizeof err);
	else if (strcmp(sub, "title") == 0)
		rc = md_tracker_set_title(st, project, iid, pos[1], author, &changed, err,
		    sizeof err);
	else if (participant)
		rc = md_tracker_participant(st, &c->cfg, project, iid, pos[1], add, author,
		    &changed, err, sizeof err);
	else
		rc = md_tracker_block_sender(st, project, iid, author, entry, sizeof entry,
		    &changed, err, sizeof err);
	if (rc != 0)
		return cli_error("%s", err);
	if (strcmp(sub, "block") == 0)
		printf("%s %s the block list of %s\n", entry, changed ? "added to" :
		    "already on", project);
	else if (participant)
		printf("%s#%ld: participant %s %s\n", project, iid, pos[1], !changed ?
		    "unchanged" : add ? "added" : "removed");
	else
		printf("%s#%ld: %s %s\n", project, iid, sub, changed ? "changed" : "unchanged");
	return CLI_EXIT_OK;
}
