/*
 * projects.c - the milter's readers of projects and issue keys in the
 * Redis view (projects.h; the key layout is in doc/redis-schema.md).
 *
 * The RCPT-time lookups are single HGETs; the alias table is kept in
 * memory (alias_cache.c) so ordinary mail costs no round trip.  What
 * writes the view is project_store.c and view.c.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "projects.h"

static int
parse_bool01(const char *v)
{
	return v != NULL && strcmp(v, "1") == 0;
}

/* "default" or absent -> -1 (use the config value). */
static double
parse_threshold(const char *v)
{
	char *end;
	double d;

	if (v == NULL || *v == '\0')
		return -1;
	d = strtod(v, &end);
	return *end == '\0' && isfinite(d) && d >= 0 ? d : -1;
}

/* The sender identity overrides and their on / off words. */
const struct md_override_field md_override_fields[MD_OVERRIDE_NFIELDS + 1] = {
	{ "dmarc_reject", "yes", "no", offsetof(struct md_project, dmarc_reject) },
	{ "dmarc_quarantine", "reject", "accept",
	    offsetof(struct md_project, quarantine_reject) },
	{ "desk_from_auth", "yes", "no", offsetof(struct md_project, desk_from_auth) },
	{ NULL, NULL, NULL, 0 },
};

int
md_override_of(const struct md_project *p, const struct md_override_field *o)
{
	int v;

	memcpy(&v, (const char *)p + o->member, sizeof v);
	return v;
}

void
md_override_set(struct md_project *p, const struct md_override_field *o, int v)
{
	memcpy((char *)p + o->member, &v, sizeof v);
}

const char *
md_override_word(const struct md_project *p, const struct md_override_field *o)
{
	return md_override_name(md_override_of(p, o), o->on, o->off);
}

const struct md_override_field *
md_override_field(const char *field)
{
	const struct md_override_field *o;

	for (o = md_override_fields; o->field != NULL; o++)
		if (strcmp(field, o->field) == 0)
			return o;
	return NULL;
}

int
md_setting_bool(const char *v)
{
	static const char *const yes[] = { "1", "yes", "on", "true", NULL };
	static const char *const no[] = { "0", "no", "off", "false", NULL };
	int i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
	for (i = 0; no[i] != NULL; i++)
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	return -1;
}

int
md_override_setting_parse(const struct md_override_field *o, const char *v)
{
	int b = md_override_parse(v, o->on, o->off);

	/* A yes/no override takes every spelling a yes/no setting does. */
	if (b < 0 && strcmp(o->on, "yes") == 0 && (b = md_setting_bool(v)) >= 0)
		b = b ? MD_OVERRIDE_ON : MD_OVERRIDE_OFF;
	return b;
}

int
md_project_setting_needs_admin(const char *field, const char *value, char *err,
    size_t errlen)
{
	const struct md_override_field *o = md_override_field(field);

	/*
	 * Off pins the project below maildesk.conf even when the config is
	 * later made strict, so it counts as relaxing whatever the config
	 * says now: forged From: mail would be accepted.  On and default
	 * never are weaker than the config.  Parsed as md_project_set does,
	 * so no other spelling of off ("off", "false", "0") gets past.
	 */
	if (o == NULL || md_override_setting_parse(o, value) != MD_OVERRIDE_OFF)
		return 0;
	snprintf(err, errlen, "%s %s turns off a forged-sender check: only a site "
	    "admin may set it (a maintainer may set %s or default)", field, o->off, o->on);
	return 1;
}

const char *
md_override_name(int v, const char *on, const char *off)
{
	return v == MD_OVERRIDE_ON ? on : v == MD_OVERRIDE_OFF ? off : "default";
}

int
md_override_parse(const char *v, const char *on, const char *off)
{
	if (strcmp(v, "default") == 0)
		return MD_OVERRIDE_DEFAULT;
	if (strcmp(v, on) == 0)
		return MD_OVERRIDE_ON;
	if (strcmp(v, off) == 0)
		return MD_OVERRIDE_OFF;
	return -1;
}

/* An override from the view: anything unknown follows the configuration. */
static int
view_override(const char *v, const char *on, const char *off)
{
	int o = md_override_parse(v, on, off);

	return o < 0 ? MD_OVERRIDE_DEFAULT : o;
}

static void
apply_field(struct md_project *p, const char *f, const char *v)
{
	const struct md_override_field *o;

	if (strcmp(f, "enabled") == 0)
		p->enabled = parse_bool01(v);
	else if (strcmp(f, "created") == 0)
		p->created = strtol(v, NULL, 10);
	else if (strcmp(f, "last_iid") == 0)
		p->last_iid = strtol(v, NULL, 10);
	else if (strcmp(f, "verified_senders") == 0)
		p->verified_senders = parse_bool01(v);
	else if (strcmp(f, "reopen_on_reply") == 0)
		p->reopen_on_reply = parse_bool01(v);
	else if (strcmp(f, "notify_state") == 0)
		p->notify_state = parse_bool01(v);
	else if (strcmp(f, "automated_policy") == 0)
		p->automated_policy = strcmp(v, "accept") == 0 ? MD_AUTO_ACCEPT :
		    strcmp(v, "reject") == 0 ? MD_AUTO_REJECT : -1;
	else if (strcmp(f, "spam_mark") == 0)
		p->spam_mark = parse_threshold(v);
	else if (strcmp(f, "spam_reject") == 0)
		p->spam_reject = parse_threshold(v);
	else if ((o = md_override_field(f)) != NULL)
		md_override_set(p, o, view_override(v, o->on, o->off));
}

int
md_project_settings(struct md_redis *r, const char *name, struct md_project *out)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof *out);
	out->automated_policy = -1;
	out->spam_mark = out->spam_reject = -1;
	if (!md_project_name_valid(name))
		return 0;
	snprintf(out->name, sizeof out->name, "%s", name);
	if (md_key(r, &key, "project:%s", name) == NULL ||
	    (rep = md_redis_cmd(r, "HGETALL %s", md_buf_str(&key))) == NULL) {
		md_buf_free(&key);
		return -1;
	}
	if (rep->type == REDIS_REPLY_ARRAY) {
		for (i = 0; i + 1 < rep->elements; i += 2)
			if (rep->element[i]->str && rep->element[i + 1]->str)
				apply_field(out, rep->element[i]->str, rep->element[i + 1]->str);
		rc = rep->elements == 0 ? 0 : 1;
	}
	freeReplyObject(rep);
	md_buf_free(&key);
	return rc;
}

void
md_project_free(struct md_project *p)
{
	size_t i;

	if (p == NULL || p->aliases == NULL)
		return;
	for (i = 0; p->aliases[i] != NULL; i++)
		free(p->aliases[i]);
	free(p->aliases);
	p->aliases = NULL;
	p->naliases = 0;
}

/* HGET <p><fmt> field into out; 1 found, 0 nil, -1 error. */
static int
hget(struct md_redis *r, const char *prefix, const char *id, const char *field,
    char *out, size_t outlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	int rc = -1;

	if (md_key(r, &key, "%s%s", prefix, id) == NULL)
		return -1;
	rep = md_redis_cmd(r, "HGET %s %s", md_buf_str(&key), field);
	md_buf_free(&key);
	if (rep == NULL)
		return -1;
	if (rep->type == REDIS_REPLY_NIL)
		rc = 0;
	else if (rep->type == REDIS_REPLY_STRING) {
		snprintf(out, outlen, "%s", rep->str);
		rc = 1;
	}
	freeReplyObject(rep);
	return rc;
}

int
md_project_enabled(struct md_redis *r, const char *name)
{
	char v[8];
	int rc;

	if (!md_project_name_valid(name))
		return 0;
	rc = hget(r, "project:", name, "enabled", v, sizeof v);
	return rc <= 0 ? rc : strcmp(v, "1") == 0;
}

int
md_issue_key_lookup(struct md_redis *r, enum md_addr_kind kind,
    const char *key, char *project, size_t projlen)
{
	char name[MD_PROJECT_MAX + 2];
	int rc;

	if ((kind != MD_ADDR_REPLY && kind != MD_ADDR_UNSUB) || !md_key_valid(key))
		return 0;
	rc = hget(r, kind == MD_ADDR_REPLY ? "rkey:" : "ukey:", key, "project",
	    name, sizeof name);
	if (rc <= 0)
		return rc;
	if ((rc = md_project_enabled(r, name)) != 1)
		return rc;
	snprintf(project, projlen, "%s", name);
	return 1;
}
