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
#include "trim_int.h"
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

/*
 * Many lines that are each a reply header with nothing kept above them:
 * whether anything was kept before was asked from the top for each
 * (quadratic: 80,000 lines took seconds, minutes under ASan).  Lines that
 * each end in a colon and could begin a header (every one joins the next
 * seven), and paragraph after paragraph of labelled lines: linear too.
 */
START_TEST(many_lines)
{
	static const char *const unit[] = {
		"On 1 Jan 2020 10:00 a@b.example wrote:\n",
		"On Mon, 3 Mar 2025 at 10:15, a@b.example Name:\n",
		"Nga: A <a@b.example>\nDergua: e hene, 3 mars 2025 10:15\n\n",
	};
	size_t n = 4 * 1024 * 1024, k, i;
	char *in = malloc(n + 64), *t;

	for (i = 0; i < sizeof unit / sizeof unit[0]; i++) {
		for (k = 0; k + strlen(unit[i]) < n; k += strlen(unit[i]))
			memcpy(in + k, unit[i], strlen(unit[i]));
		in[k] = '\0';
		t = md_reply_trim(in);
		ck_assert_ptr_nonnull(t);
		free(t);
	}
	free(in);
}
END_TEST

/*
 * Normalising keeps every byte it does not understand: a broken UTF-8
 * sequence that starts like a space ("\xe2\x80") does not swallow the
 * ASCII byte after it (it took the colon of "wrote\xe2\x80:" and the
 * last letter of a line), truncated sequences at the end are copied.
 */
START_TEST(normalise_invalid_utf8)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "a\xe2\x80:b", "a\xe2\x80:b" },
		{ "a\xe2\x80\x83" "b", "a b" },		/* em space */
		{ "x\xe2\x80", "x\xe2\x80" },
		{ "x\xef\xbc", "x\xef\xbc" },
		{ "\xd9", "\xd9" },
		{ "\xd9\xa3\xef\xbc\x91", "31" },	/* Arabic-Indic, fullwidth */
		{ "\xc2", "\xc2" },
		{ " \xc2\xa0" "a\xe2\x80\x8b \xe3\x80\x80 ", "a" },
	};
	char out[64];
	size_t i, n;
	char *t;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = md_trim_normalise(cases[i].in, strlen(cases[i].in), out);
		ck_assert_uint_le(n, strlen(cases[i].in));
		out[n] = '\0';
		ck_assert_msg(strcmp(out, cases[i].want) == 0, "case %zu", i);
	}
	n = 4;
	md_trim_rstrip("ab\xe2\x80" "A", &n);	/* no blank at the end */
	ck_assert_uint_eq(n, 4);
	n = 6;
	md_trim_rstrip("ab\xe2\x80\x8a ", &n);
	ck_assert_uint_eq(n, 2);
	t = md_reply_trim("Fixed.\n\nOn Mon, 3 Mar 2025, Bob <b@x.example> wrote\xe2\x80:\n> old\n");
	ck_assert_str_eq(t, "Fixed.");	/* the header keeps its colon */
	free(t);
	t = md_reply_trim("Line one\xe2\x80" "A\n");
	ck_assert_str_eq(t, "Line one\xe2\x80" "A");
	free(t);
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
	tcase_add_test(tc, many_lines);
	tcase_add_test(tc, normalise_invalid_utf8);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(trim_suite)
