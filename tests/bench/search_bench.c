/*
 * search_bench.c - times md_tracker_list for tests/bench/search_bench.sh.
 *
 *	search_bench CONNINFO ROUNDS < queries
 *
 * Each line of the input is one list request, tab separated:
 *	class  search  state  label  customer  offset  sort_updated
 * (empty fields: not set).  One warm-up round, then ROUNDS rounds over
 * all of them on one connection, as a web or CLI process holds it.
 * Prints, per class and over all: requests, p50, p95, p99 and max in
 * milliseconds, and the matches the first request of each class found.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "store.h"
#include "tracker.h"

#define MAXQ	256

struct req {
	char			*line;
	const char		*cls;
	struct md_issue_filter	 f;
};

struct series {
	const char	*cls;
	double		*ms;
	size_t		 n, cap;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const char *
field(char **p)
{
	char *s = *p, *tab;

	if (s == NULL)
		return NULL;
	if ((tab = strchr(s, '\t')) != NULL) {
		*tab = '\0';
		*p = tab + 1;
	} else
		*p = NULL;
	return *s != '\0' ? s : NULL;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
add(struct series *s, double ms)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		if ((s->ms = realloc(s->ms, s->cap * sizeof *s->ms)) == NULL) {
			perror("realloc");
			exit(1);
		}
	}
	s->ms[s->n++] = ms;
}

static double
pct(const struct series *s, double p)
{
	size_t k = (size_t)(p / 100.0 * (double)s->n + 0.999999);

	return s->ms[k > 0 ? k - 1 : 0];
}

static void
report(struct series *s)
{
	qsort(s->ms, s->n, sizeof *s->ms, cmp);
	printf("%-14s %6zu %8.1f %8.1f %8.1f %8.1f\n", s->cls, s->n, pct(s, 50),
	    pct(s, 95), pct(s, 99), s->ms[s->n - 1]);
}

int
main(int argc, char **argv)
{
	static struct req q[MAXQ];
	static struct series cls[MAXQ], all = { "all", NULL, 0, 0 };
	struct md_config cfg;
	struct md_store st;
	struct md_issue_list l;
	char buf[4096], err[512], *p;
	const char *o;
	size_t nq = 0, ncls = 0, i, c;
	int rounds, r;

	if (argc != 3) {
		fprintf(stderr, "usage: search_bench CONNINFO ROUNDS < queries\n");
		return 2;
	}
	rounds = atoi(argv[2]);
	md_config_defaults(&cfg);
	if (md_config_set(&cfg, "database", argv[1], err, sizeof err) < 0 ||
	    md_store_open(&st, &cfg, 1, err, sizeof err) < 0) {
		fprintf(stderr, "search_bench: %s\n", err);
		return 1;
	}
	while (nq < MAXQ && fgets(buf, sizeof buf, stdin) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0] == '\0' || buf[0] == '#')
			continue;
		p = q[nq].line = strdup(buf);
		q[nq].cls = field(&p);
		q[nq].f.search = field(&p);
		q[nq].f.state = field(&p);
		q[nq].f.label = field(&p);
		q[nq].f.customer = field(&p);
		o = field(&p);
		q[nq].f.offset = o != NULL ? atol(o) : 0;
		o = field(&p);
		q[nq].f.sort_updated = o != NULL && atoi(o) != 0;
		nq++;
	}
	printf("%-14s %6s %8s %8s %8s %8s   (ms)\n", "class", "n", "p50", "p95", "p99", "max");
	for (r = -1; r < rounds; r++)
		for (i = 0; i < nq; i++) {
			double t0 = now_ms(), ms;

			if (md_tracker_list(&st, "bench", &q[i].f, &l, err, sizeof err) < 0) {
				fprintf(stderr, "search_bench: %s: %s\n",
				    q[i].f.search ? q[i].f.search : "(list)", err);
				return 1;
			}
			ms = now_ms() - t0;
			if (r < 0) {	/* warm-up: say what each class finds */
				fprintf(stderr, "%-12s %-28s total %6ld (opened %ld, closed %ld)\n",
				    q[i].cls, q[i].f.search ? q[i].f.search : "-", l.total,
				    l.opened, l.closed);
			} else {
				for (c = 0; c < ncls && strcmp(cls[c].cls, q[i].cls) != 0; c++)
					;
				if (c == ncls)
					cls[ncls++].cls = q[i].cls;
				add(&cls[c], ms);
				add(&all, ms);
			}
			md_issue_list_free(&l);
		}
	for (c = 0; c < ncls; c++)
		report(&cls[c]);
	report(&all);
	md_store_close(&st);
	return 0;
}
