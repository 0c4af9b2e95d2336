/* test_address.c - SMTP path normalization and desk address classification. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "address.h"
#include "unit.h"

static const struct md_addr_format fmt = {
	"support", '+', "desk.example", "r-", "u-"
};

#define KEY	"abcdefghijklmnopqrstuvwx27"	/* 26 valid characters */

/* Inputs that normalize, and what they normalize to. */
static const struct { const char *in, *out; } good[] = {
	{ "<Foo@Example.COM>", "Foo@example.com" },
	{ "foo@example.com", "foo@example.com" },
	{ "<>", "" },
	{ "< >", "" },
	{ "  <foo@x.example>  ", "foo@x.example" },
	{ "\t< foo@x.example >\t", "foo@x.example" },
	{ "<@relay.example:user@d.example>", "user@d.example" },
	{ "<@a.example,@B.example:User@D.Example>", "User@d.example" },
	{ "@relay.example:user@d.example", "user@d.example" },
	{ "<@[IPv6:2001:db8::1]:u@d.example>", "u@d.example" },
	{ "<\"support+acme\"@desk.example>", "support+acme@desk.example" },
	{ "<\"a b\"@x.example>", "a b@x.example" },
	{ "<\"a\\\"b\\\\c\"@x.example>", "a\"b\\c@x.example" },
	{ "<\"a\\ b\"@x.example>", "a b@x.example" },
	{ "<\"a@b\"@x.example>", "a@b@x.example" },
	{ "<Support+ACME@DESK.EXAMPLE>", "Support+ACME@desk.example" },
	{ "<o'brien+tag=1/x{y}~z@x.example>", "o'brien+tag=1/x{y}~z@x.example" },
	{ "<a.b..c.@x.example>", "a.b..c.@x.example" },	/* lenient on dots */
	{ "<us@[192.0.2.1]>", "us@[192.0.2.1]" },
	{ "<us@[IPv6:2001:DB8::1]>", "us@[ipv6:2001:db8::1]" },
	{ "<j\xc3\xb6rg@b\xc3\xbc" "cher.example>", "j\xc3\xb6rg@b\xc3\xbc" "cher.example" },
	{ "<\"j\xc3\xb6rg x\"@x.example>", "j\xc3\xb6rg x@x.example" },
	{ "<\xe2\x82\xac\xf0\x9f\x98\x80@x.example>", "\xe2\x82\xac\xf0\x9f\x98\x80@x.example" },
	{ "<a@x-y.z9.example>", "a@x-y.z9.example" },
	{ "<a@localhost>", "a@localhost" },
	/* the DNS root's dot: the domain without it (Sendmail delivers it so) */
	{ "<support+demo@desk.test.>", "support+demo@desk.test" },
	{ "<Foo@X.Example.>", "Foo@x.example" },
	{ "foo@localhost.", "foo@localhost" },
	{ "<@relay.example.:u@d.example.>", "u@d.example" },
};

/* Inputs that must fail with out == "". */
static const char *const bad[] = {
	"",
	"   ",
	"<",
	">",
	"<foo@x.example",
	"foo@x.example>",
	"<<foo@x.example>>",
	"<foo>",
	"foo",
	"<@x.example>",
	"<foo@>",
	"<@relay.example:>",
	"<@relay.example>",
	"<@relay example:u@x.example>",
	"<foo @x.example>",
	"<foo@x.example> junk",
	"<foo@x .example>",
	"<fo\"o@x.example>",
	"<a\"b\"@x.example>",
	"<\"ab@x.example>",
	"<\"\"@x.example>",
	"<\"a\"b@x.example>",
	"<\"a\\\x01\"@x.example>",
	"<\"a\x01\"@x.example>",
	"<\"a\tb\"@x.example>",
	"<fo\x01o@x.example>",
	"<fo\x7fo@x.example>",
	"<fo\ro@x.example>",
	"<fo\no@x.example>",
	"<foo@x.ex\x01ample>",
	"<caf\xe9@x.example>",			/* Latin-1, not UTF-8 */
	"<\xc0\xaf@x.example>",			/* overlong */
	"<\xed\xa0\x80@x.example>",		/* surrogate */
	"<\xc2\x85@x.example>",			/* C1 control (NEL) */
	"<\xf4\x90\x80\x80@x.example>",		/* beyond U+10FFFF */
	"<\xe2\x82@x.example>",			/* truncated */
	"<\xff@x.example>",
	"<foo@x.ex\xe9mple>",
	"<foo@x_y.example>",
	"<foo@x..example>",
	"<foo@.x.example>",
	"<foo@x.example..>",		/* only one root dot */
	"<foo@.>",
	"<foo@[192.0.2.1].>",			/* no root dot after a literal */
	"<foo@-x.example>",
	"<foo@x-.example>",
	"<foo@x.example->",
	"<foo@[]>",
	"<foo@[1.2.3.4>",
	"<foo@[1.2.3.4]x>",
	"<foo@[1.2 3.4]>",
	"<foo@x@y.example>",
	"<foo,bar@x.example>",
	"<foo(c)@x.example>",
	"<foo\\@x.example>",
	"<foo;@x.example>",
	"<foo@x.example:25>",
	"<foo@x/example>",
};

START_TEST(normalize_good)
{
	char out[MD_ADDR_MAX + 1];

	memset(out, 'X', sizeof out);
	ck_assert_msg(md_addr_normalize(good[_i].in, out, sizeof out) == 0,
	    "normalize failed: %s", good[_i].in);
	ck_assert_str_eq(out, good[_i].out);
}
END_TEST

START_TEST(normalize_bad)
{
	char out[MD_ADDR_MAX + 1];

	memset(out, 'X', sizeof out);
	ck_assert_msg(md_addr_normalize(bad[_i], out, sizeof out) == -1,
	    "accepted: %s -> %s", bad[_i], out);
	ck_assert_str_eq(out, "");
}
END_TEST

/* An embedded NUL ends the C string: what follows is never seen. */
START_TEST(normalize_nul)
{
	static const char in[] = "<foo\0@x.example>";
	static const char in2[] = "foo@x.ex\0ample";
	char out[MD_ADDR_MAX + 1];

	ck_assert_int_eq(md_addr_normalize(in, out, sizeof out), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(md_addr_normalize(in2, out, sizeof out), 0);
	ck_assert_str_eq(out, "foo@x.ex");
}
END_TEST

static void
repeat(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
}

START_TEST(normalize_limits)
{
	char local[100], label[80], in[1200], out[MD_ADDR_MAX + 1], dom[400];

	/* Local part: 64 octets fine, 65 not. */
	repeat(local, 'a', 64);
	snprintf(in, sizeof in, "<%s@x.example>", local);
	ck_assert_int_eq(md_addr_normalize(in, out, sizeof out), 0);
	ck_assert_uint_eq(strlen(out), 64 + 10);
	repeat(local, 'a', 65);
	snprintf(in, sizeof in, "<%s@x.example>", local);
	ck_assert_int_eq(md_addr_normalize(in, out, sizeof out), -1);
	ck_assert_str_eq(out, "");

	/* Quotes count: 62 + 2 quotes = 64 fine, 63 + 2 not. */
	repeat(local, 'b', 62);
	snprintf(in, sizeof in, "<\"%s\"@x.example>", local);
	ck_assert_int_eq(md_addr_normalize(in, out, sizeof out), 0);
	repeat(local, 'b', 63);
	snprintf(in, sizeof in, "<\"%s\"@x.example>", local);
	ck_assert_int_eq(md_addr_normalize(in, out, sizeof out), -1);

	/* Labels: 63 fine, 64 not. */
	repeat(label, 'c', 63);
	snprintf(in, sizeof in, "<u@%s.example>", label);
	ck_assert_int_eq(md_addr_normalize(in, out, sizeof out), 0);
	repeat(label, 'c', 64);
	snprintf(in, sizeof in, "<u@%s.example>", label);
	ck_assert_int_eq(md_addr_normalize(in, out, sizeof out), -1);

	/* Domain: 255 octets fine (4 x 63 + 3 dots), 256 not. */
	repeat(label, 'D', 63);
	snprintf(dom, sizeof dom, "%s.%s.%s.%s", label, label, label, label);
	ck_assert_uint_eq(strlen(dom), 255);
	repeat(local, 'a', 64);
	snprintf(in, sizeof in, "<%s@%s>", local, dom);
	ck_assert_int_eq(md_addr_normalize(in, out, sizeof out), 0);
	ck_assert_uint_eq(strlen(out), MD_ADDR_MAX);
	ck_assert_int_eq(out[65], 'd');
	snprintf(in, sizeof in, "<%s@%sd>", local, dom);
	ck_assert_int_eq(md_addr_normalize(in, out, sizeof out), -1);
	ck_assert_str_eq(out, "");

	/* Output buffer too small: -1 and "", never a truncated address. */
	ck_assert_int_eq(md_addr_normalize("<abc@x.example>", out, 13), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(md_addr_normalize("<abc@x.example>", out, 14), 0);
	ck_assert_str_eq(out, "abc@x.example");
	ck_assert_int_eq(md_addr_normalize("<abc@x.example>", NULL, 0), -1);
	ck_assert_int_eq(md_addr_normalize(NULL, out, sizeof out), -1);
	ck_assert_str_eq(out, "");

	/* A long input is bounded by the limits, not by its length. */
	memset(in, 'a', sizeof in - 1);
	in[sizeof in - 1] = '\0';
	ck_assert_int_eq(md_addr_normalize(in, out, sizeof out), -1);
}
END_TEST

/* classify: input, kind, arg. */
static const struct {
	const char		*addr;
	enum md_addr_kind	 kind;
	const char		*arg;
} cls[] = {
	{ "support+acme@desk.example", MD_ADDR_PROJECT, "acme" },
	{ "Support+ACME@desk.example", MD_ADDR_PROJECT, "acme" },
	{ "SUPPORT+Acme@DESK.Example", MD_ADDR_PROJECT, "acme" },
	{ "support+a@desk.example", MD_ADDR_PROJECT, "a" },
	{ "support+0.9_x-y@desk.example", MD_ADDR_PROJECT, "0.9_x-y" },
	{ "support+rx@desk.example", MD_ADDR_PROJECT, "rx" },
	{ "support+r@desk.example", MD_ADDR_PROJECT, "r" },
	{ "support+u@desk.example", MD_ADDR_PROJECT, "u" },
	{ "support@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "SUPPORT@Desk.Example", MD_ADDR_UNKNOWN, "" },
	{ "support+@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "support+-acme@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "support+.acme@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "support+ac me@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "support+ac+me@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "support+j\xc3\xb6rg@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "support+r-" KEY "@desk.example", MD_ADDR_REPLY, KEY },
	{ "support+R-ABCDEFGHIJKLMNOPQRSTUVWX27@desk.example", MD_ADDR_REPLY, KEY },
	{ "support+r-AbCdEfGhIjKlMnOpQrStUvWx27@desk.example", MD_ADDR_REPLY, KEY },
	{ "support+u-" KEY "@desk.example", MD_ADDR_UNSUB, KEY },
	{ "support+U-" KEY "@DESK.EXAMPLE", MD_ADDR_UNSUB, KEY },
	{ "support+r-@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "support+r-abcdefghijklmnopqrstuvwx2@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "support+r-abcdefghijklmnopqrstuvwx277@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "support+r-abcdefghijklmnopqrstuvwx18@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "support+u-abcdefghijklmnopqrstuvwx2=@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "support+r-docs@desk.example", MD_ADDR_UNKNOWN, "" },	/* never a project */
	{ "support+u-nsub@desk.example", MD_ADDR_UNKNOWN, "" },
	{ "support+acme@other.example", MD_ADDR_NONE, "" },
	{ "support+acme@desk.example.org", MD_ADDR_NONE, "" },
	{ "support+acme@sub.desk.example", MD_ADDR_NONE, "" },
	{ "support+acme@desk.exampl", MD_ADDR_NONE, "" },
	{ "supporter@desk.example", MD_ADDR_NONE, "" },
	{ "support-acme@desk.example", MD_ADDR_NONE, "" },
	{ "suppor@desk.example", MD_ADDR_NONE, "" },
	{ "help@desk.example", MD_ADDR_NONE, "" },
	{ "help@acme.example", MD_ADDR_NONE, "" },
	{ "", MD_ADDR_NONE, "" },
	{ "support", MD_ADDR_NONE, "" },
	{ "@desk.example", MD_ADDR_NONE, "" },
	{ "support+acme@desk.example@x.example", MD_ADDR_NONE, "" },
};

START_TEST(classify_table)
{
	char arg[MD_ADDR_MAX + 1];
	enum md_addr_kind k;

	memset(arg, 'X', sizeof arg);
	k = md_addr_classify(&fmt, cls[_i].addr, arg, sizeof arg);
	ck_assert_msg(k == cls[_i].kind, "%s: kind %d, want %d", cls[_i].addr,
	    (int)k, (int)cls[_i].kind);
	ck_assert_str_eq(arg, cls[_i].arg);
}
END_TEST

START_TEST(classify_names_and_edges)
{
	char name[80], addr[200], arg[MD_ADDR_MAX + 1];

	/* 64-character project name is the longest. */
	repeat(name, 'p', 64);
	snprintf(addr, sizeof addr, "support+%s@desk.example", name);
	ck_assert_int_eq(md_addr_classify(&fmt, addr, arg, sizeof arg), MD_ADDR_PROJECT);
	ck_assert_str_eq(arg, name);
	repeat(name, 'p', 65);
	snprintf(addr, sizeof addr, "support+%s@desk.example", name);
	ck_assert_int_eq(md_addr_classify(&fmt, addr, arg, sizeof arg), MD_ADDR_UNKNOWN);
	ck_assert_str_eq(arg, "");

	/* arg is optional; a too-small arg is never overrun. */
	ck_assert_int_eq(md_addr_classify(&fmt, "support+acme@desk.example", NULL, 0),
	    MD_ADDR_PROJECT);
	ck_assert_int_eq(md_addr_classify(&fmt, "support+acme@desk.example", arg, 4),
	    MD_ADDR_UNKNOWN);
	ck_assert_str_eq(arg, "");
	ck_assert_int_eq(md_addr_classify(&fmt, "support+acme@desk.example", arg, 5),
	    MD_ADDR_PROJECT);
	ck_assert_str_eq(arg, "acme");
	ck_assert_int_eq(md_addr_classify(NULL, "support@desk.example", arg, sizeof arg),
	    MD_ADDR_NONE);
	ck_assert_int_eq(md_addr_classify(&fmt, NULL, arg, sizeof arg), MD_ADDR_NONE);
}
END_TEST

START_TEST(classify_other_format)
{
	static const struct md_addr_format f2 = {
		"Help", '-', "Help.Example.ORG", "Reply.", "stop."
	};
	char arg[MD_ADDR_MAX + 1];

	ck_assert_int_eq(md_addr_classify(&f2, "help-acme@help.example.org", arg,
	    sizeof arg), MD_ADDR_PROJECT);
	ck_assert_str_eq(arg, "acme");
	ck_assert_int_eq(md_addr_classify(&f2, "help-reply." KEY "@help.example.org",
	    arg, sizeof arg), MD_ADDR_REPLY);
	ck_assert_str_eq(arg, KEY);
	ck_assert_int_eq(md_addr_classify(&f2, "HELP-STOP." KEY "@help.example.org",
	    arg, sizeof arg), MD_ADDR_UNSUB);
	ck_assert_int_eq(md_addr_classify(&f2, "help+acme@help.example.org", arg,
	    sizeof arg), MD_ADDR_NONE);
	ck_assert_int_eq(md_addr_classify(&f2, "help@help.example.org", arg,
	    sizeof arg), MD_ADDR_UNKNOWN);
}
END_TEST

/* Normalize then classify: the path the milter takes. */
START_TEST(normalize_then_classify)
{
	char norm[MD_ADDR_MAX + 1], arg[MD_ADDR_MAX + 1];

	ck_assert_int_eq(md_addr_normalize("<\"Support+Acme\"@Desk.Example>", norm,
	    sizeof norm), 0);
	ck_assert_int_eq(md_addr_classify(&fmt, norm, arg, sizeof arg), MD_ADDR_PROJECT);
	ck_assert_str_eq(arg, "acme");
	ck_assert_int_eq(md_addr_normalize("<@relay.example:support+R-" KEY "@DESK.example>",
	    norm, sizeof norm), 0);
	ck_assert_int_eq(md_addr_classify(&fmt, norm, arg, sizeof arg), MD_ADDR_REPLY);
	ck_assert_str_eq(arg, KEY);
	/* The trailing root dot names the same desk address (issue 19). */
	ck_assert_int_eq(md_addr_normalize("<support+acme@desk.example.>", norm,
	    sizeof norm), 0);
	ck_assert_int_eq(md_addr_classify(&fmt, norm, arg, sizeof arg), MD_ADDR_PROJECT);
	ck_assert_str_eq(arg, "acme");
}
END_TEST

START_TEST(project_names)
{
	char name[80];

	ck_assert(md_project_name_valid("acme"));
	ck_assert(md_project_name_valid("a"));
	ck_assert(md_project_name_valid("0"));
	ck_assert(md_project_name_valid("web-2.0_beta"));
	ck_assert(md_project_name_valid("a-"));
	ck_assert(md_project_name_valid("a."));
	repeat(name, 'z', 64);
	ck_assert(md_project_name_valid(name));
	repeat(name, 'z', 65);
	ck_assert(!md_project_name_valid(name));
	ck_assert(!md_project_name_valid(""));
	ck_assert(!md_project_name_valid(NULL));
	ck_assert(!md_project_name_valid("Acme"));
	ck_assert(!md_project_name_valid("acmE"));
	ck_assert(!md_project_name_valid("-acme"));
	ck_assert(!md_project_name_valid(".acme"));
	ck_assert(!md_project_name_valid("_acme"));
	ck_assert(!md_project_name_valid("ac me"));
	ck_assert(!md_project_name_valid("ac+me"));
	ck_assert(!md_project_name_valid("ac/me"));
	ck_assert(!md_project_name_valid("ac:me"));
	ck_assert(!md_project_name_valid("ac\nme"));
	ck_assert(!md_project_name_valid("j\xc3\xb6rg"));
}
END_TEST

START_TEST(keys)
{
	ck_assert(md_key_valid(KEY));
	ck_assert(md_key_valid("22222222222222222222222222"));
	ck_assert(md_key_valid("aaaaaaaaaaaaaaaaaaaaaaaaaa"));
	ck_assert(!md_key_valid(NULL));
	ck_assert(!md_key_valid(""));
	ck_assert(!md_key_valid("abcdefghijklmnopqrstuvwx2"));	/* 25 */
	ck_assert(!md_key_valid("abcdefghijklmnopqrstuvwx277"));	/* 27 */
	ck_assert(!md_key_valid("Abcdefghijklmnopqrstuvwx27"));	/* upper case */
	ck_assert(!md_key_valid("ABCDEFGHIJKLMNOPQRSTUVWX27"));
	ck_assert(!md_key_valid("abcdefghijklmnopqrstuvwx28"));	/* 8 */
	ck_assert(!md_key_valid("abcdefghijklmnopqrstuvwx01"));	/* 0, 1 */
	ck_assert(!md_key_valid("abcdefghijklmnopqrstuvwx2="));	/* padding */
	ck_assert(!md_key_valid("abcdefghijklm-opqrstuvwx27"));
}
END_TEST

START_TEST(build_and_round_trip)
{
	static const char *const names[] = { "acme", "a", "web-2.0_beta", "rx", "u" };
	char out[MD_ADDR_MAX + 1], norm[MD_ADDR_MAX + 1], arg[MD_ADDR_MAX + 1];
	size_t i;

	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_PROJECT, "acme", out, sizeof out), 0);
	ck_assert_str_eq(out, "support+acme@desk.example");
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_REPLY, KEY, out, sizeof out), 0);
	ck_assert_str_eq(out, "support+r-" KEY "@desk.example");
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_UNSUB, KEY, out, sizeof out), 0);
	ck_assert_str_eq(out, "support+u-" KEY "@desk.example");

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_PROJECT, names[i], out,
		    sizeof out), 0);
		ck_assert_int_eq(md_addr_normalize(out, norm, sizeof norm), 0);
		ck_assert_str_eq(norm, out);
		ck_assert_int_eq(md_addr_classify(&fmt, norm, arg, sizeof arg),
		    MD_ADDR_PROJECT);
		ck_assert_str_eq(arg, names[i]);
	}
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_REPLY, KEY, out, sizeof out), 0);
	ck_assert_int_eq(md_addr_classify(&fmt, out, arg, sizeof arg), MD_ADDR_REPLY);
	ck_assert_str_eq(arg, KEY);
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_UNSUB, KEY, out, sizeof out), 0);
	ck_assert_int_eq(md_addr_classify(&fmt, out, arg, sizeof arg), MD_ADDR_UNSUB);
	ck_assert_str_eq(arg, KEY);
}
END_TEST

START_TEST(build_refuses)
{
	static const struct md_addr_format upper = {
		"support", '+', "Desk.EXAMPLE", "r-", "u-"
	};
	static const struct md_addr_format nosep = {
		"support", '\0', "desk.example", "r-", "u-"
	};
	char out[MD_ADDR_MAX + 1], name[80];

	memset(out, 'X', sizeof out);
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_PROJECT, "Acme", out, sizeof out), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_PROJECT, "", out, sizeof out), -1);
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_PROJECT, NULL, out, sizeof out), -1);
	/* Would classify as a (bad) key, so not a project address. */
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_PROJECT, "r-docs", out, sizeof out), -1);
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_PROJECT, "u-x", out, sizeof out), -1);
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_REPLY, "ABCDEFGHIJKLMNOPQRSTUVWX27",
	    out, sizeof out), -1);
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_REPLY, "abc", out, sizeof out), -1);
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_UNSUB, "acme", out, sizeof out), -1);
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_NONE, "acme", out, sizeof out), -1);
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_UNKNOWN, "acme", out, sizeof out), -1);
	ck_assert_int_eq(md_addr_build(&nosep, MD_ADDR_PROJECT, "acme", out, sizeof out), -1);
	ck_assert_int_eq(md_addr_build(NULL, MD_ADDR_PROJECT, "acme", out, sizeof out), -1);
	/* Too small a buffer: -1 and "", never truncated. */
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_PROJECT, "acme", out, 25), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_PROJECT, "acme", out, 26), 0);
	/* Local part over 64 octets would not normalize back: refused. */
	repeat(name, 'n', 56);
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_PROJECT, name, out, sizeof out), 0);
	repeat(name, 'n', 57);
	ck_assert_int_eq(md_addr_build(&fmt, MD_ADDR_PROJECT, name, out, sizeof out), -1);
	/* The configured domain is written lower case. */
	ck_assert_int_eq(md_addr_build(&upper, MD_ADDR_PROJECT, "acme", out, sizeof out), 0);
	ck_assert_str_eq(out, "support+acme@desk.example");
}
END_TEST

START_TEST(canon_alias)
{
	char a[] = "Help.Desk@Acme.EXAMPLE";
	char b[] = "\"A@B\"@X.Example";
	char c[] = "no-at-Sign";
	char d[] = "a@b@C.D";

	md_addr_canon_alias(a);
	ck_assert_str_eq(a, "help.desk@acme.example");
	md_addr_canon_alias(b);
	ck_assert_str_eq(b, "\"a@b\"@x.example");
	md_addr_canon_alias(c);
	ck_assert_str_eq(c, "no-at-Sign");	/* not an address: untouched */
	md_addr_canon_alias(d);
	ck_assert_str_eq(d, "a@b@c.d");
	md_addr_canon_alias(NULL);
}
END_TEST

static Suite *
address_suite(void)
{
	Suite *s = suite_create("address");
	TCase *tc = tcase_create("address");

	tcase_add_loop_test(tc, normalize_good, 0, sizeof good / sizeof good[0]);
	tcase_add_loop_test(tc, normalize_bad, 0, sizeof bad / sizeof bad[0]);
	tcase_add_test(tc, normalize_nul);
	tcase_add_test(tc, normalize_limits);
	tcase_add_loop_test(tc, classify_table, 0, sizeof cls / sizeof cls[0]);
	tcase_add_test(tc, classify_names_and_edges);
	tcase_add_test(tc, classify_other_format);
	tcase_add_test(tc, normalize_then_classify);
	tcase_add_test(tc, project_names);
	tcase_add_test(tc, keys);
	tcase_add_test(tc, build_and_round_trip);
	tcase_add_test(tc, build_refuses);
	tcase_add_test(tc, canon_alias);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(address_suite)
