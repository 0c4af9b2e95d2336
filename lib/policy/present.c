/*
 * present.c - issues and projects as JSON for the CLI and the web UI
 * (present.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "address.h"
#include "members.h"
#include "present.h"

/* "a,b,c" -> "labels": ["a","b","c"] */
static void
labels(struct md_json *j, const char *s)
{
	const char *comma;

	md_json_key(j, "labels");
	md_json_open_array(j);
	while (s != NULL && *s != '\0') {
		comma = strchr(s, ',');
		md_json_stringn(j, s, comma ? (size_t)(comma - s) : strlen(s));
		s = comma ? comma + 1 : NULL;
	}
	md_json_close_array(j);
}

/* "key": v, or null when v is 0 (a time not reached, a value not set). */
static void
kint_or_null(struct md_json *j, const char *key, long long v)
{
	md_json_key(j, key);
	if (v != 0)
		md_json_int(j, v);
	else
		md_json_null(j);
}

static void
kbool(struct md_json *j, const char *key, int v)
{
	md_json_key(j, key);
	md_json_bool(j, v);
}

void
md_present_issue_members(struct md_json *j, const struct md_issue *i, int full)
{
	md_json_kstr(j, "project", i->project);
	md_json_kint(j, "iid", i->iid);
	md_json_kstr(j, "title", i->title);
	md_json_kstr(j, "state", i->state);
	labels(j, i->labels);
	md_json_kstr(j, "author", i->author);
	md_json_kstr(j, "customer_email", i->customer_email);
	md_json_kstr(j, "customer_name", i->customer_name);
	kbool(j, "confidential", i->confidential);
	md_json_kint(j, "created", i->created);
	md_json_kint(j, "updated", i->updated);
	md_json_kstr(j, "message_id", i->message_id);
	md_json_kstr(j, "spf", i->spf);
	md_json_kstr(j, "score", i->score);
	md_json_kstr(j, "flags", i->flags);
	md_json_kstr(j, "assignee", i->assignee != NULL && *i->assignee != '\0' ?
	    i->assignee : NULL);
	md_json_kstr(j, "priority", i->priority != NULL && *i->priority != '\0' ?
	    i->priority : "normal");
	kint_or_null(j, "due", i->due);
	kbool(j, "overdue", i->overdue);
	kint_or_null(j, "first_response_at", i->first_response_at);
	if (full) {
		md_json_kstr(j, "description", i->description);
		md_json_kstr(j, "rules", i->rules);
	}
}

void
md_present_issue(struct md_json *j, const struct md_issue *i, int full)
{
	md_json_open_object(j);
	md_present_issue_members(j, i, full);
	md_json_close_object(j);
}

void
md_present_issue_list(struct md_json *j, const struct md_issue_list *l)
{
	size_t k;

	md_json_key(j, "issues");
	md_json_open_array(j);
	for (k = 0; k < l->n; k++)
		md_present_issue(j, &l->items[k], 0);
	md_json_close_array(j);
}

static void
notes(struct md_json *j, const struct md_issue_full *f)
{
	const struct md_note *n;
	size_t k;

	md_json_key(j, "notes");
	md_json_open_array(j);
	for (k = 0; k < f->nnotes; k++) {
		n = &f->notes[k];
		md_json_open_object(j);
		md_json_kstr(j, "id", n->id);
		md_json_kstr(j, "kind", n->kind);
		md_json_kstr(j, "author", n->author);
		md_json_kstr(j, "author_email", n->author_email);
		md_json_kint(j, "created", n->created);
		md_json_kstr(j, "text", n->text);
		md_json_kstr(j, "full_text", n->full_text);
		md_json_kstr(j, "flags", n->flags);
		md_json_kstr(j, "via", n->via);
		md_json_kint(j, "attachments", n->attachments);
		md_json_kstr(j, "message_id", n->message_id);
		/* raw_len is the stored original's size (md_tracker_get leaves
		 * raw itself unread). */
		kbool(j, "has_raw", n->raw_len > 0);
		md_json_close_object(j);
	}
	md_json_close_array(j);
}

static void
atts(struct md_json *j, const struct md_issue_full *f)
{
	const struct md_issue_att *a;
	size_t k;

	md_json_key(j, "attachments");
	md_json_open_array(j);
	for (k = 0; k < f->natts; k++) {
		a = &f->atts[k];
		md_json_open_object(j);
		md_json_kint(j, "n", a->n);
		md_json_kstr(j, "filename", a->filename);
		md_json_kstr(j, "content_type", a->content_type);
		md_json_kint(j, "size", (long long)a->size);
		kbool(j, "stored", a->stored);
		md_json_kstr(j, "note", a->note);
		md_json_close_object(j);
	}
	md_json_close_array(j);
}

static void
subs(struct md_json *j, const struct md_issue_full *f)
{
	size_t k;

	md_json_key(j, "subscribers");
	md_json_open_array(j);
	for (k = 0; k < f->nsubs; k++) {
		md_json_open_object(j);
		md_json_kstr(j, "email", f->subs[k].email);
		kbool(j, "subscribed", f->subs[k].subscribed);
		md_json_close_object(j);
	}
	md_json_close_array(j);
}

void
md_present_issue_parts(struct md_json *j, const struct md_issue_full *f)
{
	notes(j, f);
	atts(j, f);
	subs(j, f);
	kbool(j, "has_raw", f->raw_len > 0);
}

void
md_present_project_settings(struct md_json *j, const struct md_project *p)
{
	const struct md_override_field *o;

	kbool(j, "verified_senders", p->verified_senders);
	kbool(j, "reopen_on_reply", p->reopen_on_reply);
	kbool(j, "notify_state", p->notify_state);
	md_json_kstr(j, "automated_policy", p->automated_policy < 0 ? "default" :
	    p->automated_policy == MD_AUTO_REJECT ? "reject" : "accept");
	md_json_key_setting(j, "spam_mark", p->spam_mark);
	md_json_key_setting(j, "spam_reject", p->spam_reject);
	kint_or_null(j, "retention_days", p->retention_days);	/* null: kept */
	kint_or_null(j, "first_response", p->first_response);	/* null: no target */
	/* sender identity: "default" follows maildesk.conf */
	for (o = md_override_fields; o->field != NULL; o++)
		md_json_kstr(j, o->field, md_override_word(p, o));
}

const char *
md_present_override_default(const struct md_config *cfg, const struct md_override_field *o)
{
	int on;

	if (strcmp(o->field, "dmarc_quarantine") == 0)
		on = cfg->dmarc_quarantine == MD_QUARANTINE_REJECT;
	else if (strcmp(o->field, "dmarc_reject") == 0)
		on = cfg->dmarc_reject;
	else
		on = cfg->desk_from_auth;
	return on ? o->on : o->off;
}

void
md_present_project_members(struct md_json *j, const struct md_config *cfg,
    const struct md_project *p)
{
	char addr[MD_ADDR_MAX + 1];
	size_t k;

	snprintf(addr, sizeof addr, "%s%s%s@%s", cfg->desk_local, cfg->desk_separator,
	    p->name, cfg->desk_domain);
	md_json_kstr(j, "name", p->name);
	kbool(j, "enabled", p->enabled);
	md_json_kint(j, "created", p->created);
	md_json_kint(j, "last_iid", p->last_iid);
	md_json_kstr(j, "address", addr);
	md_json_key(j, "aliases");
	md_json_open_array(j);
	for (k = 0; p->aliases != NULL && p->aliases[k] != NULL; k++)
		md_json_string(j, p->aliases[k]);
	md_json_close_array(j);
	md_present_project_settings(j, p);
}

void
md_present_members(struct md_json *j, const struct md_member *m, size_t n)
{
	size_t k;

	md_json_open_object(j);
	md_json_key(j, "members");
	md_json_open_array(j);
	for (k = 0; k < n; k++) {
		md_json_open_object(j);
		md_json_kstr(j, "user", m[k].user);
		md_json_kstr(j, "role", m[k].role);
		md_json_close_object(j);
	}
	md_json_close_array(j);
	md_json_close_object(j);
}

/* A project's canned replies: {"canned": [{name, text}...]}. */
void
md_canned_json(struct md_json *j, const struct md_canned *v, size_t n)
{
	size_t i;

	md_json_open_object(j);
	md_json_key(j, "canned");
	md_json_open_array(j);
	for (i = 0; i < n; i++) {
		md_json_open_object(j);
		md_json_kstr(j, "name", v[i].name);
		md_json_kstr(j, "text", v[i].text);
		md_json_close_object(j);
	}
	md_json_close_array(j);
	md_json_close_object(j);
}

/* A project's triage rules in order: {"rules": [...]} (api18.md). */
void
md_triage_json(struct md_json *j, const struct md_triage_rule *rules, size_t n)
{
	char labels[MD_TRIAGE_LABELS_MAX][MD_LABEL_MAX + 1];
	const struct md_triage_rule *r;
	const char *why;
	size_t i;
	int k, nl;

	md_json_open_object(j);
	md_json_key(j, "rules");
	md_json_open_array(j);
	for (i = 0; i < n; i++) {
		r = &rules[i];
		md_json_open_object(j);
		md_json_kint(j, "id", r->id);
		md_json_kint(j, "position", r->position);
		md_json_kstr(j, "field", md_triage_field_name(r->field));
		md_json_kstr(j, "match", md_triage_match_name(r->match));
		md_json_kstr(j, "pattern", r->pattern);
		md_json_key(j, "labels");
		md_json_open_array(j);
		nl = md_triage_labels_split(r->labels, labels, MD_TRIAGE_LABELS_MAX, &why);
		for (k = 0; k < nl; k++)
			md_json_string(j, labels[k]);
		md_json_close_array(j);
		md_json_kstr(j, "assign", r->assign != NULL && *r->assign ? r->assign : NULL);
		md_json_kstr(j, "priority", r->priority != NULL && *r->priority ?
		    r->priority : NULL);
		md_json_close_object(j);
	}
	md_json_close_array(j);
	md_json_close_object(j);
}
