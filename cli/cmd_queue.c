/*
 * cmd_queue.c - "maildesk queue ...": the inbox, outbox and dead-letter
 * streams for admins: stats, pending entries, dead records and retry.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "json.h"
#include "output.h"
#include "tracker.h"

#define LIST_MAX	1000

struct args {
	const char	*pos[2];
	int		 npos;
	int		 json;
	int		 all;
	int		 outbox;
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

static int
parse_args(int argc, char **argv, struct args *a)
{
	int i;

	memset(a, 0, sizeof *a);
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
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

static int
print_json(struct md_json *j)
{
	if (out_json_print(j, stdout) < 0)
		return cli_error("could not build the JSON output");
	return CLI_EXIT_OK;
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

static int
do_stats(struct md_redis *r, const struct args *a)
{
	struct md_queue_stats s;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[512], n[32];
	int rc = CLI_EXIT_OK;

	if (md_queue_stats(r, &s, err, sizeof err) < 0)
		return cli_error("%s", err);
	if (a->json) {
		md_json_init(&j, &b);
		md_json_open_object(&j);
		md_json_kint(&j, "inbox", s.inbox);
		md_json_kint(&j, "outbox", s.outbox);
		md_json_kint(&j, "dead", s.dead);
		md_json_kint(&j, "automated", s.automated);
		group_json(&j, "workers", &s.workers);
		group_json(&j, "senders", &s.senders);
		md_json_close_object(&j);
		rc = print_json(&j);
		md_buf_free(&b);
		return rc;
	}
	snprintf(n, sizeof n, "%ld", s.inbox);
	out_kv(stdout, 16, "inbox", n);
	group_human("  workers", &s.workers);
	snprintf(n, sizeof n, "%ld", s.outbox);
	out_kv(stdout, 16, "outbox", n);
	group_human("  senders", &s.senders);
	snprintf(n, sizeof n, "%ld", s.dead);
	out_kv(stdout, 16, "dead", n);
	snprintf(n, sizeof n, "%ld", s.automated);
	out_kv(stdout, 16, "automated", n);
	return rc;
}

static int
do_pending(struct md_redis *r, const struct args *a)
{
	struct md_pending *p;
	struct out_table *t;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[512], idle[32], dl[32];
	size_t n, k;
	int rc = CLI_EXIT_OK;

	if (md_queue_pending(r, a->outbox, LIST_MAX, &p, &n, err, sizeof err) < 0)
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
		rc = print_json(&j);
		md_buf_free(&b);
	} else if ((t = out_table_new(4, "ID", "CONSUMER", "IDLE", "DELIVERIES")) != NULL) {
		for (k = 0; k < n; k++) {
			snprintf(idle, sizeof idle, "%.1fs", (double)p[k].idle_ms / 1000.0);
			snprintf(dl, sizeof dl, "%ld", p[k].deliveries);
			out_table_add(t, p[k].id, p[k].consumer, idle, dl);
		}
		if (n > 0)
			out_table_print(t, stdout);
		printf("%zu pending in %s\n", n, a->outbox ? "outbox" : "inbox");
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
		rc = print_json(&j);
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

static int
do_retry(struct md_redis *r, const struct args *a)
{
	char err[512], nid[32];
	long count;

	if (a->all == (a->npos == 2))
		return cli_usage_error(&cli_cmd_queue, "queue retry needs one ID or --all");
	if (a->all) {
		if (md_queue_retry_all(r, &count, err, sizeof err) < 0)
			return cli_error("%s", err);
		printf("%ld dead record%s back in the inbox\n", count, count == 1 ? "" : "s");
		return CLI_EXIT_OK;
	}
	if (md_queue_retry(r, a->pos[1], nid, sizeof nid, err, sizeof err) != 0)
		return cli_error("%s", err);
	printf("%s back in the inbox as %s\n", a->pos[1], nid);
	return CLI_EXIT_OK;
}

static int
run(struct cli *c, int argc, char **argv)
{
	struct md_redis *r;
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
	if (a.npos == 2 && !stream_id(a.pos[1]))
		return cli_usage_error(&cli_cmd_queue, "not a dead record id: %s "
		    "(ids look like 1700000000000-0; see queue dead)", a.pos[1]);
	if ((r = cli_redis(c)) == NULL)
		return CLI_EXIT_FAIL;
	if (strcmp(a.pos[0], "stats") == 0)
		return do_stats(r, &a);
	if (strcmp(a.pos[0], "pending") == 0)
		return do_pending(r, &a);
	if (strcmp(a.pos[0], "dead") == 0)
		return do_dead(r, &a);
	return do_retry(r, &a);
}

const struct cli_command cli_cmd_queue = {
	"queue", run,
	"  maildesk queue stats [--json]\n"
	"  maildesk queue pending [--outbox] [--json]\n"
	"  maildesk queue dead [--json]\n"
	"  maildesk queue retry ID|--all\n",
};
