/*
 * params.c - checks on path segments and form values before they are used.
 *
 * Everything in a URL is untrusted; a project name or issue number that is
 * not of the right form is answered with 404 before it comes near a Redis
 * key.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "address.h"
#include "tracker.h"
#include "web.h"

int
web_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0' || strspn(s, "0123456789-") != strlen(s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * A project the user may not see (lib/store/access.c: not a member, not an
 * admin) is answered exactly as one that does not exist.
 */
int
web_issue_args(struct req *rq, char **args, int nargs, long *iid, web_result *rc)
{
	char err[256];
	int acc;

	if (nargs < 1 || !md_project_name_valid(args[0]) ||
	    (iid != NULL && (nargs < 2 || web_parse_long(args[1], 1, 1000000000L, iid) < 0))) {
		*rc = web_error(rq, MHD_HTTP_NOT_FOUND, "no such project or issue");
		return -1;
	}
	/* Fail closed: who NULL would be the operator (an admin). */
	acc = rq->authed ? md_access_issue(rq->st, &rq->user, args[0], err, sizeof err) :
	    MD_TRK_NOTFOUND;
	if (acc != 0) {
		*rc = acc == MD_TRK_NOTFOUND ?
		    web_error(rq, MHD_HTTP_NOT_FOUND, "no such project or issue") :
		    web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
		return -1;
	}
	return 0;
}

int
web_tracker_status(int trk_rc)
{
	return trk_rc == -2 ? MHD_HTTP_NOT_FOUND : MHD_HTTP_INTERNAL_SERVER_ERROR;
}
