/*
 * cmd_queue.c - "maildesk queue ...": the inbox and dead-letter streams
 * (Redis, lib/store/queue.h) and the outbound queue (the outbox table,
 * lib/store/outbox_store.h) for admins: stats, pending entries, dead records
 * and retry (which a worker carries out: lib/store/queue_retry.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "json.h"
#include "output.h"
#include "outbox_store.h"
#include "queue.h"

#define LIST_MAX	1000
#define RETRY_WAIT_S	10	/* queue retry waits this long for a worker */
#define RETRY_POLL_MS	100

struct args {
	const char	*pos[2];
	int		 npos;
	int		 json;
	int		 all;
	int		 outbox;
	int		 wait_s;	/* queue retry: -1 not given, 0 --no-wait */
};

/* "<ms>-<seq>", the form of a stream entry id. */
static int
stream_id(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n <= 20 && s[n] == '-' && strspn(s + n + 1, "0123456789") > 0 &&
	    strspn(s + n + 1, "0123456789") <= 20 && s[n + 1 + strspn(s + n + 1,
	    "0123456789")] == '\0';
}

/* "1" to "3600": seconds; anything else -1. */
static int
seconds(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 4 || s[n] != '\0' || atoi(s) > 3600)
		return -1;
	return atoi(s);
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	int i;

	memset(a, 0, sizeof *a);
	a->wait_s = -1;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--no-wait") == 0)
			a->wait_s = 0;
		else if (strcmp(argv[i], "--wait") == 0) {
			if (i + 1 == argc || (a->wait_s = seconds(argv[++i])) < 1)
				return cli_usage_error(&cli_cmd_queue,
				    "--wait needs a number of seconds from 1 to 3600");
		} else if (strcmp(argv[i], "--json") == 0)
			a->json = 1;
		else if (strcmp(argv[i], "--all") == 0)
			a->all = 1;
		else if (strcmp(argv[i], "--outbox") == 0)
			a->outbox = 1;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_usage_error(&cli_cmd_queue, "unknown option: %s", argv[i]);
		else if (a->npos == 2)
			return cli_usage_error(&cli_cmd_queue, "too many arguments");
		else
			a->pos[a->npos++] = argv[i];
	}
	return 0;
}

static void
group_json(struct md_json *j, const char *key, const struct md_group_stats *g)
{
	md_json_key(j, key);
	if (g->consumers < 0) {
		md_json_null(j);
		return;
	}
	md_json_open_object(j);
	md_json_kint(j, "consumers", g->consumers);
	md_json_kint(j, "pending", g->pending);
	md_json_key(j, "lag");
	if (g->lag < 0)
		md_json_null(j);
	else
		md_json_int(j, g->lag);
	md_json_kstr(j, "last_delivered_id", g->last_id);
	md_json_close_object(j);
}

static void
group_human(const char *key, const struct md_group_stats *g)
{
	char line[160];

	if (g->consumers < 0)
		snprintf(line, sizeof line, "no consumer group yet");
	else if (g->lag < 0)
		snprintf(line, sizeof line, "%ld consumers, %ld pending", g->consumers,
		    g->pending);
	else
		snprintf(line, sizeof line, "%ld consumers, %ld pending, %ld not yet read",
		    g->consumers, g->pending, g->lag);
	out_kv(stdout, 16, key, line);
}

static void
outbox_json(struct md_json *j, const struct md_outbox_stats *o)
{
	md_json_key(j, "outbox_state");
	md_json_open_object(j);
	md_json_kint(j, "queued", o->queued);
	md_json_kint(j, "due", o->due);
	md_json_kint(j, "deferred", o->deferred);
	md_json_kint(j, "claimed", o->claimed);
	md_json_kint(j, "handover", o->handover);
	md_json_kint(j, "sent", o->sent);
	md_json_kint(j, "failed", o->failed);
	md_json_kint(j, "dropped", o->dropped);
	md_json_kint(j, "oldest_age", o->oldest);
	md_json_close_object(j);
}

static int
do_stats(struct md_store *st, const struct args *a)
{
	struct md_queue_stats s;
	struct md_outbox_stats o;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[512], n[160];
	int rc = CLI_EXIT_OK;

	if (md_queue_stats(st->redis, &s, err, sizeof err) < 0 ||
	    md_outbox_stats(st, &o, err, sizeof err) < 0)
		return cli_error("%s", err);
	if (a->json) {
		md_json_init(&j, &b);
		md_json_open_object(&j);
		md_json_kint(&j, "inbox", s.inbox);
		md_json_kint(&j, "outbox", o.queued);
		md_json_kint(&j, "dead", s.dead);
		group_json(&j, "workers", &s.workers);
		outbox_json(&j, &o);
		md_json_close_object(&j);
		rc = cli_print_json(&j);
		md_buf_free(&b);
		return rc;
	}
	snprintf(n, sizeof n, "%ld", s.inbox);
	out_kv(stdout, 16, "inbox", n);
	group_human("  workers", &s.workers);
	snprintf(n, sizeof n, "%ld queued (%ld due, %ld tried before, %ld being sent)",
	    o.queued, o.due, o.deferred, o.claimed);
	out_kv(stdout, 16, "outbox", n);
	if (o.oldest > 0) {
		snprintf(n, sizeof n, "%lds", o.oldest);
		out_kv(stdout, 16, "  oldest", n);
	}
	if (o.handover > 0) {
		snprintf(n, sizeof n, "%ld (a sender stopped inside the final dot)",
		    o.handover);
		out_kv(stdout, 16, "  handover", n);
	}
	snprintf(n, sizeof n, "%ld sent (last week), %ld failed, %ld dropped", o.sent,
	    o.failed, o.dropped);
	out_kv(stdout, 16, "  done", n);
	snprintf(n, sizeof n, "%ld", s.dead);
	out_kv(stdout, 16, "dead", n);
	return rc;
}

static void
fmt_time(long t, char *out, size_t outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
		snprintf(out, outlen, "-");
}

static int
do_pending_outbox(struct md_store *st, const struct args *a)
{
	struct md_outbox_pending *p;
	struct out_table *t;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[512], id[32], issue[96], att[16], next[32];
	size_t n, k;
	int rc = CLI_EXIT_OK;

	if (md_outbox_pending(st, LIST_MAX, &p, &n, err, sizeof err) < 0)
		return cli_error("%s", err);
	if (a->json) {
		md_json_init(&j, &b);
		md_json_open_array(&j);
		for (k = 0; k < n; k++) {
			md_json_open_object(&j);
			md_json_kint(&j, "id", p[k].id);
			md_json_kstr(&j, "project", p[k].project);
			md_json_kint(&j, "iid", p[k].iid);
			md_json_kstr(&j, "kind", p[k].kind);
			md_json_kstr(&j, "rcpt", p[k].rcpt);
			md_json_kint(&j, "attempts", p[k].attempts);
			md_json_kint(&j, "next_attempt", p[k].next_attempt);
			md_json_kint(&j, "created", p[k].created);
			md_json_kstr(&j, "claimed_by", p[k].claimed_by);
			md_json_kstr(&j, "handover", p[k].handover);
			md_json_kstr(&j, "last_error", p[k].last_error);
			md_json_close_object(&j);
		}
		md_json_close_array(&j);
		rc = cli_print_json(&j);
		md_buf_free(&b);
	} else if ((t = out_table_new(7, "ID", "ISSUE", "KIND", "RCPT", "ATTEMPTS",
	    "NEXT", "LAST ERROR")) != NULL) {
		for (k = 0; k < n; k++) {
			snprintf(id, sizeof id, "%lld", p[k].id);
			snprintf(issue, sizeof issue, "%s#%ld", p[k].project, p[k].iid);
			snprintf(att, sizeof att, "%d", p[k].attempts);
			fmt_time(p[k].next_attempt, next, sizeof next);
			out_table_add(t, id, issue, p[k].kind, p[k].rcpt, att,
			    *p[k].claimed_by ? "sending" : next, p[k].last_error);
		}
		if (n > 0)
			out_table_print(t, stdout);
		printf("%zu queued in the outbox\n", n);
		out_table_free(t);
	}
	md_outbox_pending_free(p, n);
	return rc;
}

static int
do_pending(struct md_store *st, const struct args *a)
{
	struct md_pending *p;
	struct out_table *t;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[512], idle[32], dl[32];
	size_t n, k;
	int rc = CLI_EXIT_OK;

	if (a->outbox)
		return do_pending_outbox(st, a);
	if (md_queue_pending(st->redis, LIST_MAX, &p, &n, err, sizeof err) < 0)
		return cli_error("%s", err);
	if (a->json) {
		md_json_init(&j, &b);
		md_json_open_array(&j);
		for (k = 0; k < n; k++) {
			md_json_open_object(&j);
			md_json_kstr(&j, "id", p[k].id);
			md_json_kstr(&j, "consumer", p[k].consumer);
			md_json_kint(&j, "idle_ms", p[k].idle_ms);
			md_json_kint(&j, "deliveries", p[k].deliveries);
			md_json_close_object(&j);
		}
		md_json_close_array(&j);
		rc = cli_print_json(&j);
		md_buf_free(&b);
	} else if ((t = out_table_new(4, "ID", "CONSUMER", "IDLE", "DELIVERIES")) != NULL) {
		for (k = 0; k < n; k++) {
			snprintf(idle, sizeof idle, "%.1fs", (double)p[k].idle_ms / 1000.0);
			snprintf(dl, sizeof dl, "%ld", p[k].deliveries);
			out_table_add(t, p[k].id, p[k].consumer, idle, dl);
		}
		if (n > 0)
			out_table_print(t, stdout);
		printf("%zu pending in inbox\n", n);
		out_table_free(t);
	}
	free(p);
	return rc;
}

static int
do_dead(struct md_redis *r, const struct args *a)
{
	struct md_dead *d;
	struct out_table *t;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[512], fl[32];
	size_t n, k;
	int rc = CLI_EXIT_OK;

	if (md_queue_dead(r, LIST_MAX, &d, &n, err, sizeof err) < 0)
		return cli_error("%s", err);
	if (a->json) {
		md_json_init(&j, &b);
		md_json_open_array(&j);
		for (k = 0; k < n; k++) {
			md_json_open_object(&j);
			md_json_kstr(&j, "id", d[k].id);
			md_json_kstr(&j, "orig_id", d[k].orig_id);
			md_json_kstr(&j, "error", d[k].error);
			md_json_kint(&j, "failures", d[k].failures);
			md_json_kint(&j, "dead_at", d[k].dead_at);
			md_json_kstr(&j, "kind", d[k].kind);
			md_json_kstr(&j, "project", d[k].project);
			md_json_kstr(&j, "from", d[k].from);
			md_json_kstr(&j, "subject", d[k].subject);
			md_json_kstr(&j, "received", d[k].received);
			md_json_close_object(&j);
		}
		md_json_close_array(&j);
		rc = cli_print_json(&j);
		md_buf_free(&b);
	} else if ((t = out_table_new(6, "ID", "KIND", "PROJECT", "FAILURES", "SUBJECT",
	    "ERROR")) != NULL) {
		for (k = 0; k < n; k++) {
			snprintf(fl, sizeof fl, "%ld", d[k].failures);
			out_table_add(t, d[k].id, d[k].kind, d[k].project, fl, d[k].subject,
			    d[k].error);
		}
		if (n > 0)
			out_table_print(t, stdout);
		printf("%zu dead record%s\n", n, n == 1 ? "" : "s");
		out_table_free(t);
	}
	md_dead_free(d, n);
	return rc;
}

/* Sleeps ms milliseconds. */
static void
nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * The CLI's Redis user may not write the inbox: it asks (a request in
 * <p>retry), a worker moves the records and leaves the outcome, which is
 * polled for up to wait_s seconds.  Not served by then: the request stays
 * and a worker serves it when one runs.  --all moves 100 records per
 * worker step (200 ms): a long dead stream may still be moving when the
 * wait ends, which is said with the count so far (exit 0: it carries on).
 */
static int
do_retry(struct md_redis *r, const struct args *a)
{
	const char *id = a->all ? NULL : a->pos[1];
	struct md_retry_outcome o;
	char err[512], req[64];
	long long waited_ms = 0;
	int wait_s = a->wait_s < 0 ? RETRY_WAIT_S : a->wait_s, rc;

	if (a->all == (a->npos == 2))
		return cli_usage_error(&cli_cmd_queue, "queue retry needs one ID or --all");
	rc = md_queue_retry_ask(r, id, req, sizeof req, err, sizeof err);
	if (rc == MD_QUEUE_NOTFOUND && a->all) {
		printf("0 dead records back in the inbox\n");
		return CLI_EXIT_OK;
	}
	if (rc != 0)
		return cli_error("%s", err);
	if (wait_s == 0) {
		printf("retry of %s requested (%s); maildesk-worker moves it back to "
		    "the inbox\n", a->all ? "every dead record" : id, req);
		return CLI_EXIT_OK;
	}
	for (;;) {
		if (md_queue_retry_outcome(r, req, &o, err, sizeof err) < 0)
			return cli_error("%s (the retry request %s stays)", err, req);
		if (o.state != MD_RETRY_WAITING || waited_ms >= wait_s * 1000LL)
			break;
		nap_ms(RETRY_POLL_MS);
		waited_ms += RETRY_POLL_MS;
	}
	switch (o.state) {
	case MD_RETRY_WAITING:
		if (o.count > 0) {
			printf("%ld dead record%s back in the inbox so far; maildesk-worker "
			    "moves the rest (request %s)\n", o.count, o.count == 1 ? "" : "s",
			    req);
			return CLI_EXIT_OK;
		}
		return cli_error("no maildesk-worker took up the retry of %s within %d s; "
		    "the request %s stays and a running worker moves the record%s back",
		    a->all ? "every dead record" : id, wait_s, req, a->all ? "s" : "");
	case MD_RETRY_NOSUCH:
		return cli_error("no dead record %s (retried already?)", id);
	case MD_RETRY_DONE:
		if (a->all)
			printf("%ld dead record%s back in the inbox\n", o.count,
			    o.count == 1 ? "" : "s");
		else
			printf("%s back in the inbox as %s\n", id, o.new_id);
		return CLI_EXIT_OK;
	case MD_RETRY_FAILED:
		return cli_error("maildesk-worker gave up the retry request %s: %s%s",
		    req, o.error, o.count > 0 ? " (some records had moved)" : "");
	default:
		return cli_error("the worker could not read the retry request %s", req);
	}
}

static int
run(struct cli *c, int argc, char **argv)
{
	struct md_redis *r;
	struct md_store *st;
	struct args a;
	int rc;

	if (argc < 2)
		return cli_usage_error(&cli_cmd_queue, "queue needs a subcommand");
	if ((rc = parse_args(argc - 1, argv + 1, &a)) != 0)
		return rc;
	if (a.npos == 0)
		return cli_usage_error(&cli_cmd_queue, "queue needs a subcommand");
	if (strcmp(a.pos[0], "stats") != 0 && strcmp(a.pos[0], "pending") != 0 &&
	    strcmp(a.pos[0], "dead") != 0 && strcmp(a.pos[0], "retry") != 0)
		return cli_usage_error(&cli_cmd_queue, "unknown queue subcommand: %s", a.pos[0]);
	if (strcmp(a.pos[0], "retry") != 0 && a.npos != 1)
		return cli_usage_error(&cli_cmd_queue, "too many arguments");
	if (a.outbox && strcmp(a.pos[0], "pending") != 0)
		return cli_usage_error(&cli_cmd_queue, "--outbox goes with queue pending");
	if (a.all && strcmp(a.pos[0], "retry") != 0)
		return cli_usage_error(&cli_cmd_queue, "--all goes with queue retry");
	if (a.json && strcmp(a.pos[0], "retry") == 0)
		return cli_usage_error(&cli_cmd_queue, "queue retry has no --json");
	if (a.wait_s >= 0 && strcmp(a.pos[0], "retry") != 0)
		return cli_usage_error(&cli_cmd_queue, "--wait and --no-wait go with queue retry");
	if (a.npos == 2 && !stream_id(a.pos[1]))
		return cli_usage_error(&cli_cmd_queue, "not a dead record id: %s "
		    "(ids look like 1700000000000-0; see queue dead)", a.pos[1]);
	if ((r = cli_redis(c)) == NULL)
		return CLI_EXIT_FAIL;
	st = cli_store(c);
	if (strcmp(a.pos[0], "stats") == 0)
		return do_stats(st, &a);
	if (strcmp(a.pos[0], "pending") == 0)
		return do_pending(st, &a);
	if (strcmp(a.pos[0], "dead") == 0)
		return do_dead(r, &a);
	return do_retry(r, &a);
}

const struct cli_command cli_cmd_queue = {
	"queue", run,
	"  maildesk queue stats [--json]\n"
	"  maildesk queue pending [--outbox] [--json]\n"
	"  maildesk queue dead [--json]\n"
	"  maildesk queue retry ID|--all [--wait SECONDS|--no-wait]\n",
};
