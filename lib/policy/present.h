/*
 * present.h - issues and projects as JSON, written once for both
 * front-ends (issue 21): the CLI's --json output (cli/cmd_issue.c,
 * cli/cmd_project.c) and the web UI's JSON API (web/api_issues.c,
 * web/api_projects.c) call these, so a field cannot exist in one and be
 * missing or spelled otherwise in the other.  Each front-end only wraps
 * them in its own envelope (the API's {"issue": ...}, the CLI's flat
 * object).  Fields are only ever added.  Times are Unix seconds; "no
 * value" is null.
 */
#ifndef MD_PRESENT_H
#define MD_PRESENT_H

#include "conf.h"
#include "json.h"
#include "canned_store.h"
#include "projects.h"
#include "tracker.h"
#include "triage.h"

/*
 * The issue's members into the open object: project, iid, title, state,
 * labels, author, customer_email, customer_name, confidential, created,
 * updated, message_id, spf, score, flags, assignee, priority, due,
 * overdue, first_response_at; full adds description and rules.
 */
void	md_present_issue_members(struct md_json *j, const struct md_issue *i, int full);
/* The same as an object of its own. */
void	md_present_issue(struct md_json *j, const struct md_issue *i, int full);
/* "issues": [...] of a list (without description and rules). */
void	md_present_issue_list(struct md_json *j, const struct md_issue_list *l);
/* "notes", "attachments", "subscribers" and "has_raw" of one issue. */
void	md_present_issue_parts(struct md_json *j, const struct md_issue_full *f);

/*
 * The project's members into the open object: name, enabled, created,
 * last_iid, address (the desk address, from cfg), aliases and the
 * settings (verified_senders, reopen_on_reply, notify_state,
 * automated_policy, spam_mark, spam_reject, retention_days,
 * first_response).
 */
void	md_present_project_members(struct md_json *j, const struct md_config *cfg,
	    const struct md_project *p);
/* {"members": [{"user": ..., "role": ...}, ...]} */
struct md_member;
void	md_present_members(struct md_json *j, const struct md_member *m, size_t n);
/* The settings alone (the API also nests them as "settings"). */
void	md_present_project_settings(struct md_json *j, const struct md_project *p);
/* What "default" means for override o: maildesk.conf's key of the same
 * name, as o's on or off word. */
const char *md_present_override_default(const struct md_config *cfg,
	    const struct md_override_field *o);

/*
 * {"canned": [{"name", "text"}, ...]} and {"rules": [{"id", "position",
 * "field", "match", "pattern", "labels", "assign", "priority"}, ...]}: the
 * JSON API's and the CLI's --json shapes (doc/maildesk-web.8).
 */
void	md_canned_json(struct md_json *j, const struct md_canned *v, size_t n);
void	md_triage_json(struct md_json *j, const struct md_triage_rule *rules, size_t n);

#endif
