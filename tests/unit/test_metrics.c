/*
 * test_metrics.c - lib/util/metrics.c (registry, text exposition) and the pure
 * part of lib/util/metrics_http.c (listen addresses, answers), plus one scrape
 * of a real listener on a loopback port.
 */
#include "config.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "metrics.h"
#include "metrics_http.h"
#include "unit.h"

static char *
format(struct md_metrics *m)
{
	md_buf b = MD_BUF_INIT;

	ck_assert_int_eq(md_metrics_format(m, &b), 0);
	return md_buf_detach(&b);
}

START_TEST(counter_with_labels)
{
	struct md_metrics *m = md_metrics_new();
	char *text;

	ck_assert_int_eq(md_metrics_declare(m, "md_replies_total", MD_METRIC_COUNTER,
	    "Replies by code.", NULL, 0), 0);
	md_metrics_add(m, "md_replies_total", 1, "code", "550", "reason", "unknown_address",
	    (char *)NULL);
	md_metrics_add(m, "md_replies_total", 2, "code", "550", "reason", "unknown_address",
	    (char *)NULL);
	md_metrics_add(m, "md_replies_total", 1, "code", "250", "reason", "stored", (char *)NULL);
	ck_assert(md_metrics_value(m, "md_replies_total",
	    "code=\"550\",reason=\"unknown_address\"") == 3);
	text = format(m);
	ck_assert_ptr_nonnull(strstr(text, "# HELP md_replies_total Replies by code.\n"
	    "# TYPE md_replies_total counter\n"
	    "md_replies_total{code=\"550\",reason=\"unknown_address\"} 3\n"
	    "md_replies_total{code=\"250\",reason=\"stored\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(text, "maildesk_metrics_series_dropped_total 0\n"));
	free(text);
	md_metrics_free(m);
}
END_TEST

START_TEST(escaping_and_unlabelled)
{
	struct md_metrics *m = md_metrics_new();
	char *text;

	md_metrics_declare(m, "md_x_total", MD_METRIC_COUNTER, "back\\slash\nnewline", NULL, 0);
	md_metrics_add(m, "md_x_total", 5, (char *)NULL);
	md_metrics_add(m, "md_x_total", 1, "v", "a\"b\\c\nd", (char *)NULL);
	text = format(m);
	ck_assert_ptr_nonnull(strstr(text, "# HELP md_x_total back\\\\slash\\nnewline\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nmd_x_total 5\n"));
	ck_assert_ptr_nonnull(strstr(text, "md_x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"));
	free(text);
	md_metrics_free(m);
}
END_TEST

START_TEST(undeclared_and_wrong_type_ignored)
{
	struct md_metrics *m = md_metrics_new();
	char *text;

	md_metrics_add(m, "md_nope_total", 1, (char *)NULL);
	ck_assert_int_eq(md_metrics_declare(m, "md_g", MD_METRIC_GAUGE, "g", NULL, 0), 0);
	ck_assert_int_eq(md_metrics_declare(m, "md_g", MD_METRIC_GAUGE, "again", NULL, 0), 0);
	ck_assert_int_eq(md_metrics_declare(m, "md_g", MD_METRIC_COUNTER, "g", NULL, 0), -1);
	ck_assert_int_eq(md_metrics_declare(m, "1bad", MD_METRIC_COUNTER, "", NULL, 0), -1);
	ck_assert_int_eq(md_metrics_declare(m, "md bad", MD_METRIC_COUNTER, "", NULL, 0), -1);
	md_metrics_add(m, "md_g", 1, (char *)NULL);		/* a gauge is set, not added */
	md_metrics_add(m, "md_g2", 1, "bad label", "x", (char *)NULL);
	ck_assert(md_metrics_value(m, "md_g", "") == -1);
	md_metrics_set(m, "md_g", 2.5, "queue", "outbox", (char *)NULL);
	md_metrics_set(m, "md_g", 3.25, "queue", "outbox", (char *)NULL);
	text = format(m);
	ck_assert_ptr_null(strstr(text, "md_nope_total"));
	ck_assert_ptr_nonnull(strstr(text, "# TYPE md_g gauge\nmd_g{queue=\"outbox\"} 3.25\n"));
	free(text);
	md_metrics_free(m);
}
END_TEST

START_TEST(histogram_buckets_are_cumulative)
{
	static const double bounds[] = { 0.001, 0.01, 0.1 };
	struct md_metrics *m = md_metrics_new();
	char *text;

	ck_assert_int_eq(md_metrics_declare(m, "md_lat_seconds", MD_METRIC_HISTOGRAM,
	    "Latency.", bounds, 3), 0);
	/* bounds must increase, and only histograms have them */
	ck_assert_int_eq(md_metrics_declare(m, "md_h2", MD_METRIC_HISTOGRAM, "", NULL, 0), -1);
	ck_assert_int_eq(md_metrics_declare(m, "md_h3", MD_METRIC_COUNTER, "", bounds, 3), -1);
	md_metrics_observe(m, "md_lat_seconds", 0.0005, (char *)NULL);
	md_metrics_observe(m, "md_lat_seconds", 0.001, (char *)NULL);	/* le is inclusive */
	md_metrics_observe(m, "md_lat_seconds", 0.05, (char *)NULL);
	md_metrics_observe(m, "md_lat_seconds", 2, (char *)NULL);
	md_metrics_observe(m, "md_lat_seconds", NAN, (char *)NULL);
	text = format(m);
	ck_assert_ptr_nonnull(strstr(text, "# TYPE md_lat_seconds histogram\n"
	    "md_lat_seconds_bucket{le=\"0.001\"} 2\n"
	    "md_lat_seconds_bucket{le=\"0.01\"} 2\n"
	    "md_lat_seconds_bucket{le=\"0.1\"} 3\n"
	    "md_lat_seconds_bucket{le=\"+Inf\"} 4\n"
	    "md_lat_seconds_sum 2.0515\n"
	    "md_lat_seconds_count 4\n"));
	free(text);
	md_metrics_free(m);
}
END_TEST

static int
gauge_fn(void *arg, double *v)
{
	int *calls = arg;

	if (++*calls == 2)
		return -1;	/* unknown on the second scrape */
	*v = 42;
	return 0;
}

START_TEST(gauge_computed_at_scrape)
{
	struct md_metrics *m = md_metrics_new();
	int calls = 0;
	char *text;

	ck_assert_int_eq(md_metrics_gauge_fn(m, "md_lag_seconds", "Lag.", gauge_fn, &calls), 0);
	md_metrics_set(m, "md_lag_seconds", 1, (char *)NULL);	/* computed: not settable */
	text = format(m);
	ck_assert_ptr_nonnull(strstr(text, "# TYPE md_lag_seconds gauge\nmd_lag_seconds 42\n"));
	free(text);
	text = format(m);
	ck_assert_ptr_nonnull(strstr(text, "# TYPE md_lag_seconds gauge\n# HELP"));
	free(text);
	ck_assert_int_eq(calls, 2);
	md_metrics_free(m);
}
END_TEST

START_TEST(series_are_bounded)
{
	struct md_metrics *m = md_metrics_new();
	char v[16], *text;
	int i;

	md_metrics_declare(m, "md_many_total", MD_METRIC_COUNTER, "", NULL, 0);
	for (i = 0; i < MD_METRICS_MAX_SERIES + 10; i++) {
		snprintf(v, sizeof v, "%d", i);
		md_metrics_add(m, "md_many_total", 1, "n", v, (char *)NULL);
	}
	ck_assert(md_metrics_value(m, "md_many_total", "n=\"0\"") == 1);
	ck_assert(md_metrics_value(m, "md_many_total", "n=\"600\"") == -1);
	text = format(m);
	ck_assert_ptr_nonnull(strstr(text, "maildesk_metrics_series_dropped_total 10\n"));
	free(text);
	md_metrics_free(m);
}
END_TEST

struct hammer {
	struct md_metrics	*m;
	int			 id;
};

static void *
hammer_main(void *arg)
{
	struct hammer *h = arg;
	char v[8];
	int i;

	for (i = 0; i < 20000; i++) {
		snprintf(v, sizeof v, "%d", i % 7);
		md_metrics_add(h->m, "md_par_total", 1, "k", v, (char *)NULL);
		md_metrics_observe(h->m, "md_par_seconds", 0.5, (char *)NULL);
	}
	return NULL;
}

/* Four threads creating and updating the same series: nothing lost. */
START_TEST(parallel_updates)
{
	static const double b[] = { 1 };
	struct md_metrics *m = md_metrics_new();
	struct hammer h[4];
	pthread_t t[4];
	double sum = 0;
	char lbl[16];
	int i;

	md_metrics_declare(m, "md_par_total", MD_METRIC_COUNTER, "", NULL, 0);
	md_metrics_declare(m, "md_par_seconds", MD_METRIC_HISTOGRAM, "", b, 1);
	for (i = 0; i < 4; i++) {
		h[i].m = m;
		h[i].id = i;
		ck_assert_int_eq(pthread_create(&t[i], NULL, hammer_main, &h[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 7; i++) {
		snprintf(lbl, sizeof lbl, "k=\"%d\"", i);
		sum += md_metrics_value(m, "md_par_total", lbl);
	}
	ck_assert(sum == 80000);
	ck_assert(md_metrics_value(m, "md_par_seconds", "") == 80000);
	md_metrics_free(m);
}
END_TEST

/* Listen addresses: what parses, into which host and port, and what not. */
static const struct { const char *in, *host, *port; } listens[] = {
	{ "127.0.0.1:9631", "127.0.0.1", "9631" },
	{ "[::1]:80", "::1", "80" },
	{ "localhost:9", "localhost", "9" },
	{ "9631", NULL, NULL },
	{ ":9631", NULL, NULL },
	{ "a:0", NULL, NULL },
	{ "a:65536", NULL, NULL },
	{ "a:12x", NULL, NULL },
	{ "::1:80", NULL, NULL },		/* IPv6 wants brackets */
	{ "[::1]80", NULL, NULL },
	{ "", NULL, NULL },
};

START_TEST(listen_parse)
{
	char host[64], port[8], err[128];
	int rc = md_metrics_listen_parse(listens[_i].in, host, sizeof host, port,
	    sizeof port, err, sizeof err);

	if (listens[_i].host == NULL) {
		ck_assert_msg(rc == -1, "%s parsed", listens[_i].in);
		return;
	}
	ck_assert_msg(rc == 0, "%s: %s", listens[_i].in, err);
	ck_assert_str_eq(host, listens[_i].host);
	ck_assert_str_eq(port, listens[_i].port);
}
END_TEST

static char *
answer(struct md_metrics *m, const char *req)
{
	md_buf b = MD_BUF_INIT;

	ck_assert_int_eq(md_metrics_http_answer(m, req, strlen(req), &b), 0);
	return md_buf_detach(&b);
}

START_TEST(http_answers)
{
	struct md_metrics *m = md_metrics_new();
	char *r;

	md_metrics_declare(m, "md_a_total", MD_METRIC_COUNTER, "A.", NULL, 0);
	md_metrics_add(m, "md_a_total", 7, (char *)NULL);
	r = answer(m, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(r, "HTTP/1.0 200 OK\r\n"));
	ck_assert_ptr_nonnull(strstr(r, "Content-Type: text/plain; version=0.0.4"));
	ck_assert_ptr_nonnull(strstr(r, "\r\n\r\n# HELP md_a_total A.\n"));
	ck_assert_ptr_nonnull(strstr(r, "md_a_total 7\n"));
	free(r);
	r = answer(m, "GET /metrics?x=1 HTTP/1.0\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(r, "200 OK"));
	free(r);
	r = answer(m, "HEAD /metrics HTTP/1.0\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(r, "200 OK"));
	ck_assert_ptr_null(strstr(r, "md_a_total"));
	free(r);
	r = answer(m, "GET /metricsx HTTP/1.0\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(r, "HTTP/1.0 404 "));
	free(r);
	r = answer(m, "GET / HTTP/1.0\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(r, "HTTP/1.0 404 "));
	free(r);
	r = answer(m, "POST /metrics HTTP/1.0\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(r, "HTTP/1.0 405 "));
	free(r);
	r = answer(m, "garbage");
	ck_assert_ptr_nonnull(strstr(r, "HTTP/1.0 400 "));
	free(r);
	md_metrics_free(m);
}
END_TEST

/* A real listener on a free loopback port: one scrape, then stopped. */
START_TEST(http_listener)
{
	struct md_metrics *m = md_metrics_new();
	struct md_metrics_http *h = NULL;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	char addr[32], err[256], buf[8192];
	size_t got = 0;
	ssize_t n;
	int fd, port, tries;

	md_metrics_declare(m, "md_b_total", MD_METRIC_COUNTER, "B.", NULL, 0);
	md_metrics_add(m, "md_b_total", 3, (char *)NULL);
	/* A port the kernel just handed out and we let go: retried if taken since. */
	for (tries = 0; h == NULL && tries < 10; tries++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		memset(&sa, 0, sizeof sa);
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
		getsockname(fd, (struct sockaddr *)&sa, &sl);
		port = ntohs(sa.sin_port);
		close(fd);
		snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
		h = md_metrics_http_start(addr, m, err, sizeof err);
	}
	ck_assert_msg(h != NULL, "%s", err);
	ck_assert_ptr_null(md_metrics_http_start(addr, m, err, sizeof err));	/* in use */
	ck_assert_ptr_nonnull(strstr(err, "in use"));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(write(fd, "GET /metrics HTTP/1.0\r\n\r\n", 25), 25);
	while (got < sizeof buf - 1 && (n = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
	ck_assert_ptr_nonnull(strstr(buf, "200 OK"));
	ck_assert_ptr_nonnull(strstr(buf, "md_b_total 3\n"));
	md_metrics_http_stop(h);
	md_metrics_free(m);
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, counter_with_labels);
	tcase_add_test(tc, escaping_and_unlabelled);
	tcase_add_test(tc, undeclared_and_wrong_type_ignored);
	tcase_add_test(tc, histogram_buckets_are_cumulative);
	tcase_add_test(tc, gauge_computed_at_scrape);
	tcase_add_test(tc, series_are_bounded);
	tcase_add_test(tc, parallel_updates);
	tcase_add_loop_test(tc, listen_parse, 0, sizeof listens / sizeof listens[0]);
	tcase_add_test(tc, http_answers);
	tcase_add_test(tc, http_listener);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(metrics_suite)
