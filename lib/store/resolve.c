/*
 * resolve.c - recipient -> project / issue key, cheap for ordinary mail.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "resolve.h"

static struct md_redis *
need_redis(const struct md_resolver *res, char *why, size_t whylen)
{
	struct md_redis *r = res->get_redis ? res->get_redis(res->arg) : NULL;

	if (r == NULL)
		snprintf(why, whylen, "no Redis connection available");
	return r;
}

static enum md_rcpt_verdict
resolve_project(const struct md_resolver *res, struct md_desk_rcpt *out,
    char *why, size_t whylen)
{
	struct md_redis *r = need_redis(res, why, whylen);
	int rc;

	if (r == NULL)
		return MD_RCPT_TEMPFAIL;
	rc = md_project_enabled(r, out->project);
	if (rc < 0) {
		snprintf(why, whylen, "%s", md_redis_errstr(r));
		return MD_RCPT_TEMPFAIL;
	}
	if (rc == 0) {
		snprintf(why, whylen, "no such project or project disabled: %s", out->project);
		return MD_RCPT_UNKNOWN;
	}
	return MD_RCPT_DESK;
}

static enum md_rcpt_verdict
resolve_key(const struct md_resolver *res, struct md_desk_rcpt *out,
    char *why, size_t whylen)
{
	struct md_redis *r = need_redis(res, why, whylen);
	int rc;

	if (r == NULL)
		return MD_RCPT_TEMPFAIL;
	rc = md_issue_key_lookup(r, out->kind, out->key, out->project, sizeof out->project);
	if (rc < 0) {
		snprintf(why, whylen, "%s", md_redis_errstr(r));
		return MD_RCPT_TEMPFAIL;
	}
	if (rc == 0) {
		snprintf(why, whylen, "unknown or expired %s key",
		    out->kind == MD_ADDR_REPLY ? "reply" : "unsubscribe");
		return MD_RCPT_UNKNOWN;
	}
	return MD_RCPT_DESK;
}

static enum md_rcpt_verdict
resolve_alias(const struct md_resolver *res, struct md_desk_rcpt *out,
    char *why, size_t whylen)
{
	const char *at = strrchr(out->addr, '@');
	struct md_redis *r;
	int rc;

	/* The in-memory domain set keeps ordinary mail away from Redis. */
	if (res->aliases == NULL || at == NULL ||
	    !md_alias_cache_domain_known(res->aliases, at + 1))
		return MD_RCPT_PASS;
	/* A fresh table answers from memory: no connection needed. */
	r = (md_alias_cache_due(res->aliases) && res->get_redis) ? res->get_redis(res->arg) : NULL;
	rc = md_alias_cache_lookup(res->aliases, r, out->addr, out->project,
	    sizeof out->project);
	if (rc < 0) {
		/*
		 * The table never loaded (Redis down since start-up): we cannot
		 * tell aliases from ordinary addresses.  Ordinary mail must keep
		 * flowing, so the MTA delivers it to the alias's own destination.
		 */
		snprintf(why, whylen, "alias table not loaded yet; passing %s through", out->addr);
		return MD_RCPT_PASS;
	}
	if (rc == 0)
		return MD_RCPT_PASS;
	out->kind = MD_ADDR_PROJECT;
	out->via_alias = 1;
	return resolve_project(res, out, why, whylen);
}

enum md_rcpt_verdict
md_resolve_rcpt(const struct md_resolver *res, const char *rcpt,
    struct md_desk_rcpt *out, char *why, size_t whylen)
{
	char arg[MD_ADDR_MAX + 1];

	memset(out, 0, sizeof *out);
	*why = '\0';
	if (md_addr_normalize(rcpt, out->addr, sizeof out->addr) < 0 || out->addr[0] == '\0') {
		out->addr[0] = '\0';	/* tells the caller it could not be parsed */
		return MD_RCPT_PASS;	/* not ours to judge; the MTA checks syntax */
	}
	out->kind = md_addr_classify(&res->fmt, out->addr, arg, sizeof arg);
	switch (out->kind) {
	case MD_ADDR_NONE:
		return resolve_alias(res, out, why, whylen);
	case MD_ADDR_UNKNOWN:
		snprintf(why, whylen, "no project or key in the address");
		return MD_RCPT_UNKNOWN;
	case MD_ADDR_PROJECT:
		snprintf(out->project, sizeof out->project, "%.*s", MD_PROJECT_MAX, arg);
		return resolve_project(res, out, why, whylen);
	case MD_ADDR_REPLY:
	case MD_ADDR_UNSUB:
		snprintf(out->key, sizeof out->key, "%.*s", MD_KEY_LEN, arg);
		return resolve_key(res, out, why, whylen);
	}
	return MD_RCPT_PASS;
}
