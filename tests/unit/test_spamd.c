/*
 * test_spamd.c - the SPAMC/1.5 client against a scripted fake spamd (bad,
 * slow and partial replies) and against a real spamd when one is installed.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spamd.h"
#include "unit.h"

#define SPAMD_BIN	"/usr/sbin/spamd"

/* --- fake spamd --------------------------------------------------------- */

enum mode { HAM, SYMBOLS, GARBAGE, EX_ERROR, SILENT, PARTIAL, PONG };

static volatile enum mode mode;
static volatile int stop;
static volatile long got_length;	/* Content-length of the last request */
static volatile long got_body;		/* body bytes actually received */
static int lfd = -1;
static pthread_t thr;
static char addr[128];
static char sockdir[64];

static const char *const replies[] = {
	[HAM] = "SPAMD/1.1 0 EX_OK\r\nSpam: False ; -0.0 / 5.0\r\n\r\n",
	[SYMBOLS] = "SPAMD/1.1 0 EX_OK\r\nContent-length: 16\r\n"
	    "Spam: True ; 7.5 / 5.0\r\n\r\nGTUBE,NO_RELAYS\n",
	[GARBAGE] = "HTTP/1.0 400 Bad Request\r\n\r\n",
	[EX_ERROR] = "SPAMD/1.0 76 Bad header line: (EOF)\r\n",
	[SILENT] = "",
	[PARTIAL] = "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 10",
	[PONG] = "SPAMD/1.5 0 PONG\r\n",
};

/* Reads the request head and body with a short timeout per read. */
static void
read_request(int fd)
{
	char buf[8192], *p;
	size_t len = 0;
	ssize_t r;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	got_length = -1;
	got_body = 0;
	while (len + 1 < sizeof buf && poll(&pfd, 1, 2000) > 0 &&
	    (r = read(fd, buf + len, sizeof buf - 1 - len)) > 0) {
		len += (size_t)r;
		buf[len] = '\0';
		if ((p = strstr(buf, "\r\n\r\n")) != NULL) {
			char *cl = strstr(buf, "Content-length: ");

			got_length = cl ? atol(cl + 16) : 0;
			got_body = (long)(len - (size_t)(p + 4 - buf));
			while (got_body < got_length && poll(&pfd, 1, 2000) > 0 &&
			    (r = read(fd, buf, sizeof buf)) > 0)
				got_body += r;
			return;
		}
	}
}

static void *
serve(void *arg)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int fd, i;

	(void)arg;
	while (!stop) {
		if (poll(&pfd, 1, 50) <= 0 || (fd = accept(lfd, NULL, NULL)) < 0)
			continue;
		read_request(fd);
		if (write(fd, replies[mode], strlen(replies[mode])) < 0)
			(void)0;
		for (i = 0; mode == SILENT && !stop && i < 100; i++)
			poll(NULL, 0, 50);	/* hold the connection open */
		close(fd);
	}
	return NULL;
}

static void
start_tcp(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(listen(lfd, 8), 0);
	getsockname(lfd, (struct sockaddr *)&sa, &len);
	snprintf(addr, sizeof addr, "inet:%d@127.0.0.1", ntohs(sa.sin_port));
	stop = 0;
	ck_assert_int_eq(pthread_create(&thr, NULL, serve, NULL), 0);
}

static void
stop_fake(void)
{
	stop = 1;
	pthread_join(thr, NULL);
	close(lfd);
	if (sockdir[0] != '\0') {
		char path[128];

		snprintf(path, sizeof path, "%s/spamd.sock", sockdir);
		unlink(path);
		rmdir(sockdir);
		sockdir[0] = '\0';
	}
}

static const char msg[] = "From: a@example.org\r\nSubject: hi\r\n\r\nHello\r\n";

START_TEST(ham_with_negative_zero)
{
	struct md_spamd_result r;
	char err[256] = "";

	mode = HAM;
	ck_assert_int_eq(md_spamd_check(addr, msg, strlen(msg), 0, 2000, 0, &r, err, sizeof err), 0);
	ck_assert_int_eq(r.ok, 1);
	ck_assert_int_eq(r.is_spam, 0);
	ck_assert(r.score == 0.0);
	ck_assert(r.threshold == 5.0);
	ck_assert_str_eq(r.symbols, "");
	ck_assert_int_eq(got_length, (long)strlen(msg));
	ck_assert_int_eq(got_body, (long)strlen(msg));
}
END_TEST

START_TEST(symbols_and_truncation)
{
	struct md_spamd_result r;
	char err[256] = "";

	mode = SYMBOLS;
	ck_assert_int_eq(md_spamd_check(addr, msg, strlen(msg), 10, 2000, 1, &r, err, sizeof err), 0);
	ck_assert_int_eq(r.is_spam, 1);
	ck_assert(r.score == 7.5);
	ck_assert_str_eq(r.symbols, "GTUBE,NO_RELAYS");
	ck_assert_int_eq(got_length, 10);
	ck_assert_int_eq(got_body, 10);
}
END_TEST

START_TEST(bad_replies)
{
	struct md_spamd_result r;
	char err[256];

	mode = GARBAGE;
	ck_assert_int_eq(md_spamd_check(addr, msg, strlen(msg), 0, 2000, 0, &r, err, sizeof err), -1);
	ck_assert_int_eq(r.ok, 0);
	ck_assert_str_eq(err, "spamd: bad reply: \"HTTP/1.0 400 Bad Request\"");
	mode = EX_ERROR;
	ck_assert_int_eq(md_spamd_check(addr, msg, strlen(msg), 0, 2000, 0, &r, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "SPAMD/1.0 76 Bad header line"));
	mode = PARTIAL;
	ck_assert_int_eq(md_spamd_check(addr, msg, strlen(msg), 0, 2000, 0, &r, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "no usable Spam: header"));
}
END_TEST

START_TEST(timeout_is_bounded)
{
	struct md_spamd_result r;
	struct timespec t0, t1;
	char err[256];
	double secs;

	mode = SILENT;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(md_spamd_check(addr, msg, strlen(msg), 0, 400, 0, &r, err, sizeof err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(secs >= 0.35 && secs < 1.5, "took %.2f s", secs);
	ck_assert_str_eq(err, "spamd: receive: timeout");
}
END_TEST

START_TEST(ping_and_refused)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	char err[256], dead[64];
	int fd;

	mode = PONG;
	ck_assert_int_eq(md_spamd_ping(addr, 2000, err, sizeof err), 0);
	mode = HAM;
	ck_assert_int_eq(md_spamd_ping(addr, 2000, err, sizeof err), -1);
	/* a port nobody listens on */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sa, sizeof sa);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	close(fd);
	snprintf(dead, sizeof dead, "127.0.0.1:%d", ntohs(sa.sin_port));
	ck_assert_int_eq(md_spamd_ping(dead, 2000, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "Connection refused") != NULL, "%s", err);
}
END_TEST

START_TEST(unix_socket)
{
	struct md_spamd_result r;
	struct sockaddr_un sun;
	char err[256];

	stop_fake();
	snprintf(sockdir, sizeof sockdir, "/tmp/md-spamd-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sockdir));
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s/spamd.sock", sockdir);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sun, sizeof sun), 0);
	ck_assert_int_eq(listen(lfd, 8), 0);
	stop = 0;
	ck_assert_int_eq(pthread_create(&thr, NULL, serve, NULL), 0);
	snprintf(addr, sizeof addr, "unix:%s", sun.sun_path);
	mode = HAM;
	ck_assert_int_eq(md_spamd_check(addr, msg, strlen(msg), 0, 2000, 0, &r, err, sizeof err), 0);
	ck_assert_int_eq(r.ok, 1);
}
END_TEST

START_TEST(addresses)
{
	char err[128];

	ck_assert_int_eq(md_spamd_address_check("inet:783@127.0.0.1", err, sizeof err), 0);
	ck_assert_int_eq(md_spamd_address_check("localhost:783", err, sizeof err), 0);
	ck_assert_int_eq(md_spamd_address_check("[::1]:783", err, sizeof err), 0);
	ck_assert_int_eq(md_spamd_address_check("unix:/run/spamd.sock", err, sizeof err), 0);
	ck_assert_int_eq(md_spamd_address_check("/run/spamd.sock", err, sizeof err), 0);
	ck_assert_int_eq(md_spamd_address_check("inet:99999@127.0.0.1", err, sizeof err), -1);
	ck_assert_int_eq(md_spamd_address_check("127.0.0.1", err, sizeof err), -1);
	ck_assert_int_eq(md_spamd_address_check("unix:relative", err, sizeof err), -1);
	ck_assert_int_eq(md_spamd_address_check("inet:783@", err, sizeof err), -1);
	ck_assert_int_eq(md_spamd_address_check("", err, sizeof err), -1);
	ck_assert_str_eq(err, "spamd_address: expected inet:PORT@HOST, HOST:PORT or unix:/path");
}
END_TEST

/* --- real spamd ----------------------------------------------------------- */

static pid_t spamd_pid;
static char spamd_dir[64];
static char spamd_addr[64];

static char *
slurp(const char *name, size_t *len)
{
	char path[512], *buf;
	FILE *fp;

	snprintf(path, sizeof path, "%s/tests/fixtures/spam/%s", md_fixture_dir(), name);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	buf = malloc(65536);
	*len = fread(buf, 1, 65535, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

static void
start_spamd(void)
{
	char listen_arg[64], home[96], pidf[96], logf[96], err[256];
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd, i;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sa, sizeof sa);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	close(fd);
	snprintf(spamd_dir, sizeof spamd_dir, "/tmp/md-spamd-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(spamd_dir));
	chmod(spamd_dir, 0755);
	snprintf(listen_arg, sizeof listen_arg, "--listen=127.0.0.1:%d", ntohs(sa.sin_port));
	snprintf(home, sizeof home, "--helper-home-dir=%s", spamd_dir);
	snprintf(pidf, sizeof pidf, "--pidfile=%s/spamd.pid", spamd_dir);
	snprintf(logf, sizeof logf, "%s/spamd.log", spamd_dir);
	snprintf(spamd_addr, sizeof spamd_addr, "127.0.0.1:%d", ntohs(sa.sin_port));
	if ((spamd_pid = fork()) == 0) {
		int lf = open(logf, O_WRONLY | O_CREAT | O_APPEND, 0644);

		/* dies with the test process, even when an assertion ends it */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(lf, 2);
		dup2(lf, 1);
		execl(SPAMD_BIN, "spamd", listen_arg, "--allowed-ips=127.0.0.1", "--local",
		    "--nouser-config", home, "--max-children=1", "--min-children=1",
		    "--cf=use_bayes 0", "--cf=bayes_auto_learn 0", pidf, "--syslog=stderr",
		    getuid() == 0 ? "--username=nobody" : NULL, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(spamd_pid, 0);
	/* ready when it answers PING; give up after 60 s */
	for (i = 0; i < 600; i++) {
		if (md_spamd_ping(spamd_addr, 1000, err, sizeof err) == 0)
			return;
		if (waitpid(spamd_pid, NULL, WNOHANG) == spamd_pid)
			ck_abort_msg("spamd exited early, see %s", logf);
		poll(NULL, 0, 100);
	}
	ck_abort_msg("spamd not ready: %s", err);
}

static void
stop_spamd(void)
{
	char path[128];

	if (spamd_pid > 0) {
		kill(spamd_pid, SIGTERM);
		waitpid(spamd_pid, NULL, 0);
		spamd_pid = 0;
	}
	snprintf(path, sizeof path, "rm -rf '%s'", spamd_dir);
	if (spamd_dir[0] != '\0' && system(path) != 0)
		(void)0;
}

START_TEST(real_spamd_gtube_and_ham)
{
	struct md_spamd_result r;
	char err[256] = "", *m;
	size_t len;

	start_spamd();
	m = slurp("gtube.eml", &len);
	ck_assert_msg(md_spamd_check(spamd_addr, m, len, 512 * 1024, 30000, 0, &r,
	    err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(r.is_spam, 1);
	ck_assert_msg(r.score >= 1000.0, "score %.1f", r.score);
	ck_assert_msg(md_spamd_check(spamd_addr, m, len, 512 * 1024, 30000, 1, &r,
	    err, sizeof err) == 0, "%s", err);
	ck_assert_msg(strstr(r.symbols, "GTUBE") != NULL, "%s", r.symbols);
	free(m);
	m = slurp("ham.eml", &len);
	ck_assert_msg(md_spamd_check(spamd_addr, m, len, 512 * 1024, 30000, 0, &r,
	    err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(r.is_spam, 0);
	ck_assert_msg(r.score < 5.0, "score %.1f", r.score);
	free(m);
	stop_spamd();
}
END_TEST

static Suite *
spamd_suite(void)
{
	Suite *s = suite_create("spamd");
	TCase *tc = tcase_create("fake");

	tcase_add_checked_fixture(tc, start_tcp, stop_fake);
	tcase_add_test(tc, ham_with_negative_zero);
	tcase_add_test(tc, symbols_and_truncation);
	tcase_add_test(tc, bad_replies);
	tcase_add_test(tc, timeout_is_bounded);
	tcase_add_test(tc, ping_and_refused);
	tcase_add_test(tc, unix_socket);
	tcase_add_test(tc, addresses);
	suite_add_tcase(s, tc);
	if (access(SPAMD_BIN, X_OK) == 0) {
		tc = tcase_create("real");
		tcase_add_test(tc, real_spamd_gtube_and_ham);
		tcase_set_timeout(tc, 120);
		suite_add_tcase(s, tc);
	} else
		printf("# SKIP real spamd tests: %s not installed\n", SPAMD_BIN);
	return s;
}

MD_UNIT_MAIN(spamd_suite)
