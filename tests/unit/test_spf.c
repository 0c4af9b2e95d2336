/* test_spf.c - SPF verdicts with libspf2's zone layer and with our resolver. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

#include "spf.h"
#include "unit.h"

static SPF_dns_server_t *zone;
static struct md_spf *spf;

static void
zone_setup(void)
{
	zone = SPF_dns_zone_new(NULL, "test", 0);
	ck_assert_ptr_nonnull(zone);
	SPF_dns_zone_add_str(zone, "example.test", ns_t_txt, NETDB_SUCCESS,
	    "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8:1::/48 -all");
	SPF_dns_zone_add_str(zone, "soft.test", ns_t_txt, NETDB_SUCCESS, "v=spf1 ~all");
	SPF_dns_zone_add_str(zone, "neutral.test", ns_t_txt, NETDB_SUCCESS, "v=spf1 ?all");
	SPF_dns_zone_add_str(zone, "broken.test", ns_t_txt, NETDB_SUCCESS,
	    "v=spf1 ip4:999.1.1.1 -all");
	SPF_dns_zone_add_str(zone, "tempfail.test", ns_t_any, TRY_AGAIN, NULL);
	SPF_dns_zone_add_str(zone, "helo.example.test", ns_t_txt, NETDB_SUCCESS,
	    "v=spf1 ip4:198.51.100.25 -all");
	SPF_dns_zone_add_str(zone, "pct.test", ns_t_txt, NETDB_SUCCESS,
	    "v=spf1 -all exp=why.pct.test");
	SPF_dns_zone_add_str(zone, "why.pct.test", ns_t_txt, NETDB_SUCCESS,
	    "refused%_by%_100%%%_for%_%{i}");
	spf = md_spf_new("mx.desk.test", zone);
	ck_assert_ptr_nonnull(spf);
}

static void
zone_teardown(void)
{
	md_spf_free(spf);
	SPF_dns_free(zone);
}

static struct sockaddr_storage ss;

static const struct sockaddr *
addr(const char *ip)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
	} else {
		ck_assert_int_eq(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
		s6->sin6_family = AF_INET6;
	}
	return (struct sockaddr *)&ss;
}

static enum md_spf_res
check(const char *ip, const char *helo, const char *from, struct md_spf_result *r)
{
	ck_assert_int_eq(md_spf_check(spf, ip ? addr(ip) : NULL, helo, from, r), 0);
	ck_assert_str_ne(r->received_spf, "");
	ck_assert_ptr_null(strchr(r->received_spf, '\n'));
	return r->result;
}

START_TEST(pass_and_fail)
{
	struct md_spf_result r;

	ck_assert_int_eq(check("192.0.2.1", "mail.example.test", "alice@example.test", &r),
	    MD_SPF_PASS);
	ck_assert_str_eq(r.identity, "mailfrom");
	ck_assert_str_eq(r.explanation, "");
	ck_assert_msg(strncmp(r.received_spf, "pass (mx.desk.test:", 19) == 0, "%s", r.received_spf);
	ck_assert_int_eq(check("198.51.100.7", "mail.example.test", "<alice@example.test>", &r),
	    MD_SPF_FAIL);
	ck_assert_ptr_nonnull(strstr(r.explanation, "198.51.100.7 is not allowed to send mail for example.test"));
	ck_assert_ptr_nonnull(strstr(r.received_spf, "client-ip=198.51.100.7;"));
}
END_TEST

START_TEST(softfail_neutral_none)
{
	struct md_spf_result r;

	ck_assert_int_eq(check("198.51.100.7", "h.test", "x@soft.test", &r), MD_SPF_SOFTFAIL);
	ck_assert_int_eq(check("198.51.100.7", "h.test", "x@neutral.test", &r), MD_SPF_NEUTRAL);
	ck_assert_int_eq(check("198.51.100.7", "h.test", "x@nosuch.test", &r), MD_SPF_NONE);
	ck_assert_int_eq(check(NULL, "h.test", "x@example.test", &r), MD_SPF_NONE);
}
END_TEST

START_TEST(errors_are_mapped)
{
	struct md_spf_result r;

	ck_assert_int_eq(check("198.51.100.7", "h.test", "x@broken.test", &r), MD_SPF_PERMERROR);
	ck_assert_msg(strncmp(r.received_spf, "permerror (mx.desk.test: ", 25) == 0, "%s", r.received_spf);
	ck_assert_ptr_nonnull(strstr(r.received_spf, "broken.test"));
	ck_assert_int_eq(check("198.51.100.7", "h.test", "x@tempfail.test", &r), MD_SPF_TEMPERROR);
	ck_assert_ptr_nonnull(strstr(r.received_spf, "envelope-from=x@tempfail.test; helo=h.test;"));
}
END_TEST

START_TEST(ipv6_and_mapped)
{
	struct md_spf_result r;

	ck_assert_int_eq(check("2001:db8:1::25", "h.test", "x@example.test", &r), MD_SPF_PASS);
	ck_assert_int_eq(check("2001:db8:2::25", "h.test", "x@example.test", &r), MD_SPF_FAIL);
	ck_assert_int_eq(check("::ffff:192.0.2.9", "h.test", "x@example.test", &r), MD_SPF_PASS);
	ck_assert_ptr_nonnull(strstr(r.received_spf, "client-ip=192.0.2.9;"));
	ck_assert_int_eq(check("::ffff:198.51.100.9", "h.test", "x@example.test", &r), MD_SPF_FAIL);
}
END_TEST

START_TEST(null_sender_checks_helo)
{
	struct md_spf_result r;

	ck_assert_int_eq(check("198.51.100.25", "helo.example.test", "", &r), MD_SPF_PASS);
	ck_assert_str_eq(r.identity, "helo");
	ck_assert_int_eq(check("198.51.100.26", "helo.example.test", "<>", &r), MD_SPF_FAIL);
	ck_assert_str_eq(r.identity, "helo");
	/* nothing to check: IP literal HELO and null sender */
	ck_assert_int_eq(check("198.51.100.26", "[198.51.100.26]", "", &r), MD_SPF_NONE);
	ck_assert_int_eq(check("198.51.100.26", NULL, "", &r), MD_SPF_NONE);
}
END_TEST

START_TEST(loopback_and_percent)
{
	struct md_spf_result r;

	/* libspf2 gives localhost a free pass, whatever the record says */
	ck_assert_int_eq(check("127.0.0.1", "localhost", "x@pct.test", &r), MD_SPF_PASS);
	ck_assert_int_eq(check("198.51.100.7", "h.test", "x@pct.test", &r), MD_SPF_FAIL);
	ck_assert_msg(strstr(r.explanation, "refused by 100%% for 198.51.100.7") != NULL, "%s",
	    r.explanation);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(md_spf_result_name(MD_SPF_SOFTFAIL), "softfail");
	ck_assert_str_eq(md_spf_result_name(MD_SPF_PERMERROR), "permerror");
	ck_assert_int_eq(md_spf_result_parse("TempError"), MD_SPF_TEMPERROR);
	ck_assert_int_eq(md_spf_result_parse("bogus"), -1);
}
END_TEST

static void *
hammer(void *arg)
{
	struct md_spf_result r;
	struct sockaddr_in sa;
	long bad = 0;
	int i;

	(void)arg;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	for (i = 0; i < 2000; i++) {
		int pass = i % 2 == 0;

		inet_pton(AF_INET, pass ? "192.0.2.77" : "198.51.100.77", &sa.sin_addr);
		md_spf_check(spf, (struct sockaddr *)&sa, "h.test", "x@example.test", &r);
		if (r.result != (pass ? MD_SPF_PASS : MD_SPF_FAIL))
			bad++;
	}
	return (void *)bad;
}

START_TEST(four_threads)
{
	pthread_t t[4];
	void *bad;
	int i;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, NULL), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &bad);
		ck_assert_int_eq((long)bad, 0);
	}
}
END_TEST

/* --- a tiny UDP DNS server for the built-in resolver -------------------- */

static int dns_fd = -1;
static int dns_port;
static volatile int dns_stop;
static pthread_t dns_thread;

/* Appends a TXT answer made of the given character-strings. */
static size_t
put_txt(unsigned char *p, const char *const *strs)
{
	size_t n = 12, rdlen = 0, i;

	memcpy(p, "\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x3c", 10);
	for (i = 0; strs[i] != NULL; i++) {
		size_t l = strlen(strs[i]);

		p[n++] = (unsigned char)l;
		memcpy(p + n, strs[i], l);
		n += l;
		rdlen += l + 1;
	}
	p[10] = (unsigned char)(rdlen >> 8);
	p[11] = (unsigned char)rdlen;
	return n;
}

static void
dns_answer(unsigned char *q, ssize_t len, struct sockaddr *from, socklen_t flen)
{
	static const char *const one[] = { "v=spf1 ip4:192.0.2.1 -all", NULL };
	static const char *const splitrec[] = { "v=spf1 ip4:192.0.2.2", " -all", NULL };
	unsigned char out[1024];
	char name[256];
	size_t o, n = 12, nl = 0;
	int type;

	while (n < (size_t)len && q[n] != 0 && nl + q[n] + 1 < sizeof name) {
		if (nl > 0)
			name[nl++] = '.';
		memcpy(name + nl, q + n + 1, q[n]);
		nl += q[n];
		n += q[n] + 1;
	}
	name[nl] = '\0';
	if (n + 5 > (size_t)len)
		return;
	type = (q[n + 1] << 8) | q[n + 2];
	o = n + 5;			/* header + question */
	memcpy(out, q, o);
	out[2] = 0x81;
	out[3] = 0x80;			/* QR RD RA, NOERROR */
	memset(out + 6, 0, 6);		/* an, ns, ar = 0 */
	if (type == ns_t_txt && strcasecmp(name, "example.test") == 0) {
		o += put_txt(out + o, one);
		out[7] = 1;
	} else if (type == ns_t_txt && strcasecmp(name, "split.test") == 0) {
		o += put_txt(out + o, (const char *const[]){ "not spf", NULL });
		o += put_txt(out + o, splitrec);
		out[7] = 2;
	} else if (type == ns_t_txt && strcasecmp(name, "cut.test") == 0) {
		/* two answers announced, one sent: the other may be a second SPF record */
		o += put_txt(out + o, (const char *const[]){ "v=spf1 ip4:192.0.2.4 -all", NULL });
		out[7] = 2;
	} else if (strcasecmp(name, "example.test") != 0 && strcasecmp(name, "split.test") != 0 &&
	    strcasecmp(name, "cut.test") != 0)
		out[3] = 0x83;		/* NXDOMAIN */
	sendto(dns_fd, out, o, 0, from, flen);
}

static void *
dns_loop(void *arg)
{
	struct pollfd pfd = { .events = POLLIN };
	unsigned char q[512];
	struct sockaddr_storage from;
	socklen_t flen;
	ssize_t len;

	(void)arg;
	pfd.fd = dns_fd;
	while (!dns_stop) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		flen = sizeof from;
		len = recvfrom(dns_fd, q, sizeof q, 0, (struct sockaddr *)&from, &flen);
		if (len > 12)
			dns_answer(q, len, (struct sockaddr *)&from, flen);
	}
	return NULL;
}

static int
udp_socket(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	dns_port = ntohs(sa.sin_port);
	return fd;
}

START_TEST(real_resolver)
{
	struct md_spf_result r;

	dns_fd = udp_socket();
	dns_stop = 0;
	ck_assert_int_eq(pthread_create(&dns_thread, NULL, dns_loop, NULL), 0);
	spf = md_spf_new("mx.desk.test", NULL);
	ck_assert_ptr_nonnull(spf);
	ck_assert_int_eq(md_spf_set_nameserver(spf, "127.0.0.1", dns_port), 0);
	ck_assert_int_eq(check("192.0.2.1", "h.test", "x@example.test", &r), MD_SPF_PASS);
	ck_assert_int_eq(check("192.0.2.9", "h.test", "x@example.test", &r), MD_SPF_FAIL);
	ck_assert_int_eq(check("192.0.2.2", "h.test", "x@split.test", &r), MD_SPF_PASS);
	ck_assert_int_eq(check("192.0.2.3", "h.test", "x@split.test", &r), MD_SPF_FAIL);
	ck_assert_int_eq(check("192.0.2.3", "h.test", "x@nosuch.test", &r), MD_SPF_NONE);
	/* a reply that does not add up is a temporary error, not the records it held */
	ck_assert_int_eq(check("192.0.2.4", "h.test", "x@cut.test", &r), MD_SPF_TEMPERROR);
	/* second time from the cache */
	ck_assert_int_eq(check("192.0.2.1", "h.test", "x@example.test", &r), MD_SPF_PASS);
	md_spf_free(spf);
	dns_stop = 1;
	pthread_join(dns_thread, NULL);
	close(dns_fd);
}
END_TEST

START_TEST(dns_timeout_is_bounded)
{
	struct md_spf_result r;
	struct timespec t0, t1;
	double secs;
	int fd = udp_socket();	/* bound, never read: a black hole */

	spf = md_spf_new("mx.desk.test", NULL);
	ck_assert_ptr_nonnull(spf);
	md_spf_set_timeout(spf, 1500);
	ck_assert_int_eq(md_spf_set_nameserver(spf, "127.0.0.1", dns_port), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(check("192.0.2.1", "h.test", "x@example.test", &r), MD_SPF_TEMPERROR);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(secs < 4.0, "took %.1f s", secs);
	ck_assert_msg(strncmp(r.received_spf, "temperror", 9) == 0, "%s", r.received_spf);
	md_spf_free(spf);
	close(fd);
}
END_TEST

static Suite *
spf_suite(void)
{
	Suite *s = suite_create("spf");
	TCase *tc = tcase_create("zone");

	tcase_add_checked_fixture(tc, zone_setup, zone_teardown);
	tcase_add_test(tc, pass_and_fail);
	tcase_add_test(tc, softfail_neutral_none);
	tcase_add_test(tc, errors_are_mapped);
	tcase_add_test(tc, ipv6_and_mapped);
	tcase_add_test(tc, null_sender_checks_helo);
	tcase_add_test(tc, loopback_and_percent);
	tcase_add_test(tc, four_threads);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	tc = tcase_create("resolver");
	tcase_add_test(tc, names);
	tcase_add_test(tc, real_resolver);
	tcase_add_test(tc, dns_timeout_is_bounded);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(spf_suite)
