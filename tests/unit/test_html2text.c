/* test_html2text.c - md_html_to_text: tags, entities, blocks, links, junk. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "mime.h"
#include "unit.h"

static const struct {
	const char	*html;
	const char	*text;
} cases[] = {
	{ "", "" },
	{ "plain", "plain" },
	{ "<b>bold</b> and <i>italic</i>", "bold and italic" },
	{ "  lots \t of\n\n   space  ", "lots of space" },
	{ "a<br>b<br/>c<BR />d", "a\nb\nc\nd" },
	{ "a<br><br><br><br>b", "a\n\nb" },
	{ "<p>one</p><p>two</p>\n\n<p></p><p>three</p>", "one\n\ntwo\n\nthree" },
	{ "<div>x</div><div>y</div>", "x\ny" },
	{ "<ul><li>a</li><li>b</li></ul>after", "- a\n- b\nafter" },
	{ "<table><tr><td>1</td><td>2</td></tr><tr><th>3</th></tr></table>",
	    "1 2\n3" },
	{ "&amp;&lt;&gt;&quot;&#39;&apos;", "&<>\"''" },
	{ "a&nbsp;b&nbsp;&nbsp;c", "a b c" },
	/* a line of only &nbsp; is the blank line a browser shows */
	{ "<div>Hi,</div><div>&nbsp;</div><div>text</div><div>&nbsp;</div>", "Hi,\n\ntext" },
	{ "<div>a</div><div>&nbsp;&nbsp;</div><div>&nbsp;</div><div>b</div>", "a\n\nb" },
	{ "<div>a</div><div>&nbsp;b</div>", "a\nb" },
	{ "<p>a</p><p>&nbsp;</p><p>b</p>", "a\n\nb" },
	{ "a&nbsp;<br>b", "a\nb" },
	{ "&#65;&#x42;&#X43;&#0068", "ABCD" },
	{ "&#0;&#xD800;&#x110000;&#99999999999;",
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	{ "&#150;&#x80;", "–€" },			/* C1 refs mean windows-1252 */
	{ "&eacute;&Uuml;&szlig;&euro;&hellip;", "éÜß€…" },
	{ "&bogus; &amp &", "&bogus; &amp &" },		/* unknown stays literal */
	{ "a < b > c", "a < b > c" },
	{ "x<!-- <p>gone</p> -->y", "xy" },
	{ "x<!-- never closed <p>gone", "x" },
	{ "a<!-->b<!--->c<!-- x --!>d", "abcd" },	/* as browsers end them */
	{ "<!--[if !mso]><!-->shown<!--<![endif]-->", "shown" },
	{ "<script>s = '</scripts>';</script>ok", "ok" },
	{ "a</ div>b</>c", "abc" },			/* bogus comments */
	{ "<!DOCTYPE html><?xml version=\"1.0\"?>ok", "ok" },
	{ "<script>if (a < b) alert('x');</script>ok", "ok" },
	{ "<SCRIPT type=x>var s = '</p>';</SCRIPT >ok", "ok" },
	{ "<style>p { color: red }</style><title>T</title>ok", "ok" },
	{ "ok<script>never closed", "ok" },
	{ "<a href=\"https://x.example/a?b=1&amp;c=2\">link</a>",
	    "link (https://x.example/a?b=1&c=2)" },
	{ "<a href='https://x.example/'>https://x.example/</a>", "https://x.example/" },
	{ "<a href=mailto:a@b.example>a@b.example</a>", "a@b.example" },
	{ "<a href=\"mailto:a@b.example\">write us</a>", "write us (mailto:a@b.example)" },
	{ "<a href=\"javascript:void(0)\">js</a>", "js" },
	{ "<a href=\"#top\">top</a>", "top" },
	{ "<img alt=\"a > b\" src=x>after", "after" },
	{ "<p title='>'>quoted gt</p>", "quoted gt" },
	{ "<pre>  keep\n    this</pre>", "  keep\n    this" },
	{ "<p", "" },
	{ "<", "<" },
	{ "text</", "text</" },
	{ "<h1>Title</h1>Body", "Title\n\nBody" },
	{ "<blockquote>q</blockquote>r", "q\n\nr" },
	{ "bad \xff\xfe bytes", "bad \xef\xbf\xbd\xef\xbf\xbd bytes" },
};

START_TEST(render)
{
	char *t = md_html_to_text(cases[_i].html, strlen(cases[_i].html));

	ck_assert_ptr_nonnull(t);
	ck_assert_msg(strcmp(t, cases[_i].text) == 0, "case %d: [%s] -> [%s], "
	    "want [%s]", _i, cases[_i].html, t, cases[_i].text);
	free(t);
}
END_TEST

START_TEST(nul_bytes)
{
	char *t = md_html_to_text("a\0b<p>\0</p>c", 12);

	ck_assert_str_eq(t, "ab\n\nc");
	free(t);
}
END_TEST

/* Random markup fragments: valid UTF-8 out, and no crash. */
START_TEST(garbage)
{
	static const char *const tok[] = {
		"<", ">", "</", "<a href=\"", "\"", "'", "&", "&#", "&#x", ";",
		"<!--", "-->", "<script>", "</script", "<pre>", "</pre>", "<li>",
		"\xf0\x9f", "\x80", "amp", "1234", " ", "\n", "<br>", "=", "\0"
	};
	unsigned seed = 42;
	int round, i;

	for (round = 0; round < 3000; round++) {
		char buf[512];
		size_t len = 0;
		char *t;

		for (i = (int)(rand_r(&seed) % 40); i > 0; i--) {
			const char *s = tok[rand_r(&seed) % (sizeof tok / sizeof tok[0])];
			size_t n = *s ? strlen(s) : 1;

			memcpy(buf + len, s, n);
			len += n;
		}
		t = md_html_to_text(buf, len);
		ck_assert_ptr_nonnull(t);
		ck_assert(g_utf8_validate(t, -1, NULL));
		free(t);
	}
}
END_TEST

START_TEST(large_input_linear)
{
	size_t n = 4 * 1024 * 1024, i;
	char *html = malloc(n), *t;

	/* an unterminated attribute quote and many '<' must not go quadratic */
	for (i = 0; i < n; i++)
		html[i] = "<a href=\"x <p"[i % 13];
	t = md_html_to_text(html, n);
	ck_assert_ptr_nonnull(t);
	free(t);
	for (i = 0; i < n; i++)
		html[i] = i % 2 ? '<' : ' ';
	t = md_html_to_text(html, n);
	ck_assert_ptr_nonnull(t);
	free(t);
	free(html);
}
END_TEST

static Suite *
html_suite(void)
{
	Suite *s = suite_create("html2text");
	TCase *tc = tcase_create("html2text");

	tcase_add_loop_test(tc, render, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, nul_bytes);
	tcase_add_test(tc, garbage);
	tcase_add_test(tc, large_input_linear);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(html_suite)
