/*
 * test_trim.c - reply trimming against fixtures imitating real mail clients.
 *
 * tests/fixtures/replies holds two kinds of cases: a pair of files
 * NAME.txt (or NAME.html) and NAME.expected, and *.cases files with many
 * cases each, in this form (lines outside a case are comments):
 *
 *	%%% name [html]
 *	the reply as the client wrote it
 *	%%% expect
 *	what the responder should see (no trailing newline)
 *	%%% end
 *
 * Every case is run; the test prints "N/M exact" and fails unless all are.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trim.h"
#include "unit.h"

#define DIR_	"tests/fixtures/replies"

static char *
slurp_path(const char *path, size_t *len)
{
	FILE *fp;
	char *buf;
	long n;

	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

static char *
slurp(const char *name, const char *ext)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/" DIR_ "/%s.%s", md_fixture_dir(), name, ext);
	return slurp_path(path, NULL);
}

struct tally {
	int	total;
	int	exact;
};

static void
check_case(struct tally *t, const char *name, const char *in, size_t inlen,
    int html, const char *want)
{
	char *got = html ? md_reply_trim_html(in, inlen) : md_reply_trim(in);

	ck_assert_ptr_nonnull(got);
	t->total++;
	if (strcmp(got, want) == 0)
		t->exact++;
	else
		printf("# MISS %s\n# --- got ---\n%s\n# --- want ---\n%s\n# ---\n",
		    name, got, want);
	free(got);
}

/* A pair NAME.txt / NAME.html + NAME.expected. */
static void
run_pair(struct tally *t, const char *file)
{
	char name[512];
	const char *dot = strrchr(file, '.');
	int html = strcmp(dot, ".html") == 0;
	char *in, *want;
	size_t len;

	snprintf(name, sizeof name, "%.*s", (int)(dot - file), file);
	in = slurp(name, html ? "html" : "txt");
	len = strlen(in);
	want = slurp(name, "expected");
	check_case(t, name, in, len, html, want);
	free(in);
	free(want);
}

/* Lines from p up to a line starting with "%%% " ; returns that line. */
static char *
section(char *p, char **start, size_t *len)
{
	char *q = p;

	*start = p;
	while (*q != '\0' && strncmp(q, "%%% ", 4) != 0) {
		char *nl = strchr(q, '\n');

		q = nl ? nl + 1 : q + strlen(q);
	}
	*len = (size_t)(q - p);
	return q;
}

static void
run_cases(struct tally *t, const char *file)
{
	char path[1024], name[256];
	char *buf, *p, *in, *want, *nl;
	size_t inlen, wantlen;
	int html;

	snprintf(path, sizeof path, "%s/" DIR_ "/%s", md_fixture_dir(), file);
	buf = slurp_path(path, NULL);
	for (p = strstr(buf, "%%% "); p != NULL && *p != '\0';) {
		nl = strchr(p, '\n');
		ck_assert_msg(nl != NULL, "%s: case header without body", file);
		*nl = '\0';
		if (strcmp(p, "%%% end") == 0 || strcmp(p, "%%% expect") == 0) {
			p = strstr(nl + 1, "%%% ");
			continue;
		}
		html = strlen(p) > 9 && strcmp(p + strlen(p) - 5, " html") == 0;
		if (snprintf(name, sizeof name, "%s:%.*s", file,
		    (int)(strlen(p) - 4 - (html ? 5 : 0)), p + 4) >= (int)sizeof name)
			name[sizeof name - 1] = '\0';	/* a long name is cut */
		p = section(nl + 1, &in, &inlen);
		ck_assert_msg(strncmp(p, "%%% expect\n", 11) == 0,
		    "%s: no %%%%%% expect", name);
		p = section(p + 11, &want, &wantlen);
		ck_assert_msg(strncmp(p, "%%% end", 7) == 0, "%s: no %%%%%% end", name);
		in[inlen] = '\0';
		while (wantlen > 0 && want[wantlen - 1] == '\n')
			wantlen--;
		want[wantlen] = '\0';
		check_case(t, name, in, inlen, html, want);
		p = strstr(p + 1, "%%% ");
	}
	free(buf);
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

START_TEST(fixtures)
{
	char path[1024];
	struct dirent **ents;
	struct tally t = { 0, 0 };
	int i, n;

	snprintf(path, sizeof path, "%s/" DIR_, md_fixture_dir());
	n = scandir(path, &ents, NULL, by_name);
	ck_assert_int_gt(n, 0);
	for (i = 0; i < n; i++) {
		const char *f = ents[i]->d_name, *dot = strrchr(f, '.');

		if (dot != NULL && (strcmp(dot, ".txt") == 0 || strcmp(dot, ".html") == 0))
			run_pair(&t, f);
		else if (dot != NULL && strcmp(dot, ".cases") == 0)
			run_cases(&t, f);
		free(ents[i]);
	}
	free(ents);
	printf("# reply trimming: %d/%d exact\n", t.exact, t.total);
	fflush(stdout);
	ck_assert_int_ge(t.total, 150);
	ck_assert_msg(t.exact == t.total, "%d/%d exact", t.exact, t.total);
}
END_TEST

START_TEST(crlf_and_edge_cases)
{
	char *t;

	t = md_reply_trim("Fine now.\r\n\r\nOn Tue, Bob wrote:\r\n> old\r\n");
	ck_assert_str_eq(t, "Fine now.");
	free(t);
	t = md_reply_trim("");
	ck_assert_str_eq(t, "");
	free(t);
	t = md_reply_trim("\n\n\n");
	ck_assert_str_eq(t, "");	/* nothing written: nothing to show */
	free(t);
	t = md_reply_trim("no newline at all");
	ck_assert_str_eq(t, "no newline at all");
	free(t);
	t = md_reply_trim("a\n\n\n\nb");
	ck_assert_str_eq(t, "a\n\nb");
	free(t);
	t = md_reply_trim("> only\n> quotes\n");
	ck_assert_str_eq(t, "");	/* only quotation: empty, not the history */
	free(t);
	t = md_reply_trim_html("", 0);
	ck_assert_str_eq(t, "");
	free(t);
	t = md_reply_trim_html("<blockquote>", 12);
	ck_assert_str_eq(t, "");
	free(t);
}
END_TEST

START_TEST(huge_input)
{
	size_t n = 4 * 1024 * 1024, i;
	char *in = malloc(n + 1), *t;

	for (i = 0; i < n; i++)
		in[i] = (i % 61 == 60) ? '\n' : (i % 122 < 61 ? '>' : 'x');
	in[n] = '\0';
	t = md_reply_trim(in);
	ck_assert_ptr_nonnull(t);
	free(t);
	free(in);
}
END_TEST

/* Deep nesting, many quotes, unclosed everything: linear and bounded. */
START_TEST(huge_html)
{
	static const char *const unit[] = {
		"<blockquote>", "<div class=\"gmail_attr\">On x wrote:",
		"<div>", "text ", "</blockquote>", "<!--",
	};
	size_t n = 4 * 1024 * 1024, k = 0, i;
	char *in = malloc(n + 64), *t;

	for (i = 0; k < n; i++) {
		const char *u = unit[(i * 7 + i / 3) % 6];

		memcpy(in + k, u, strlen(u));
		k += strlen(u);
	}
	in[k] = '\0';
	t = md_reply_trim_html(in, k);
	ck_assert_ptr_nonnull(t);
	free(t);
	memset(in, '<', n);
	t = md_reply_trim_html(in, n);
	ck_assert_ptr_nonnull(t);
	free(t);
	free(in);
}
END_TEST

static Suite *
trim_suite(void)
{
	Suite *s = suite_create("trim");
	TCase *tc = tcase_create("trim");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, fixtures);
	tcase_add_test(tc, crlf_and_edge_cases);
	tcase_add_test(tc, huge_input);
	tcase_add_test(tc, huge_html);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(trim_suite)
