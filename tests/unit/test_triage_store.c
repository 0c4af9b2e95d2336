/*
 * test_triage_store.c - triage rules and canned replies in a real
 * PostgreSQL: rules kept in order through add, move and delete, bad input
 * refused, the rules applied when the worker files a request (labels and
 * system notes in the same transaction), and canned replies stored and
 * rendered for an issue.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canned_store.h"
#include "triage_store.h"
#include "tracker_fixture.h"

/* A user who is a responder of acme. */
static void
member(const char *name)
{
	sql("INSERT INTO users (name, password, role, created) VALUES ($1, 'x', "
	    "'responder', 1)", name);
	sql("INSERT INTO project_members (project, username, role, created) "
	    "VALUES ('acme', $1, 'responder', 1)", name);
}

static long
add(const char *field, const char *match, const char *pattern, const char *labels,
    const char *assign, const char *priority)
{
	struct md_triage_rule r;
	long id = 0;

	memset(&r, 0, sizeof r);
	r.field = (enum md_triage_field)md_triage_field_parse(field);
	r.match = (enum md_triage_match)md_triage_match_parse(match);
	r.pattern = (char *)pattern;
	r.labels = (char *)labels;
	r.assign = (char *)assign;
	r.priority = (char *)priority;
	ck_assert_msg(md_triage_add(&st, "acme", &r, &id, err, sizeof err) == 0, "%s", err);
	return id;
}

/* "id:position:pattern ..." of acme's rules, through md_triage_list. */
static const char *
rules_str(void)
{
	static char out[1024];
	struct md_triage_rule *v;
	size_t n, i, len = 0;

	ck_assert_int_eq(md_triage_list(&st, "acme", &v, &n, err, sizeof err), 0);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%d:%s", i ? " " : "",
		    v[i].position, v[i].pattern);
	md_triage_rules_free(v, n);
	return out;
}

START_TEST(rules_in_order)
{
	struct md_triage_rule r;
	struct md_triage_rule *v;
	long a, b, c;
	size_t n;
	int i;

	ck_assert_int_eq(md_triage_list(&st, "acme", &v, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(md_triage_list(&st, "nosuch", &v, &n, err, sizeof err),
	    MD_TRK_NOTFOUND);
	member("ann");
	a = add("subject", "substring", "A", "x", NULL, NULL);
	b = add("sender", "substring", "@b.example", "", "ann", "");
	c = add("body", "regex", "c+", "", "", "urgent");
	ck_assert_str_eq(rules_str(), "1:A 2:@b.example 3:c+");
	ck_assert_int_eq(md_triage_list(&st, "acme", &v, &n, err, sizeof err), 0);
	ck_assert_int_eq(v[1].id, b);
	ck_assert_int_eq(v[1].field, MD_TRIAGE_SENDER);
	ck_assert_str_eq(v[1].assign, "ann");
	ck_assert_str_eq(v[2].priority, "urgent");
	ck_assert_int_eq(v[2].match, MD_TRIAGE_REGEX);
	md_triage_rules_free(v, n);

	ck_assert_int_eq(md_triage_move(&st, "acme", c, 1, err, sizeof err), 0);
	ck_assert_str_eq(rules_str(), "1:c+ 2:A 3:@b.example");
	ck_assert_int_eq(md_triage_move(&st, "acme", c, 99, err, sizeof err), 0);
	ck_assert_str_eq(rules_str(), "1:A 2:@b.example 3:c+");
	ck_assert_int_eq(md_triage_move(&st, "acme", a, 2, err, sizeof err), 0);
	ck_assert_str_eq(rules_str(), "1:@b.example 2:A 3:c+");
	ck_assert_int_eq(md_triage_delete(&st, "acme", a, err, sizeof err), 0);
	ck_assert_str_eq(rules_str(), "1:@b.example 2:c+");
	ck_assert_int_eq(md_triage_delete(&st, "acme", a, err, sizeof err), MD_TRK_NOTFOUND);
	ck_assert_int_eq(md_triage_move(&st, "acme", 9999, 1, err, sizeof err),
	    MD_TRK_NOTFOUND);
	sql("INSERT INTO projects (name, created) VALUES ($1, 1)", "other");
	ck_assert_int_eq(md_triage_delete(&st, "other", b, err, sizeof err), MD_TRK_NOTFOUND);
	ck_assert_str_eq(rules_str(), "1:@b.example 2:c+");

	/* refused, and nothing stored */
	memset(&r, 0, sizeof r);
	r.field = MD_TRIAGE_SUBJECT;
	r.match = MD_TRIAGE_REGEX;
	r.pattern = "(unclosed";
	r.labels = "x";
	ck_assert_int_eq(md_triage_add(&st, "acme", &r, NULL, err, sizeof err),
	    MD_TRIAGE_REFUSED);
	ck_assert_ptr_nonnull(strstr(err, "bad regular expression"));
	r.pattern = "ok";
	r.labels = "";
	ck_assert_int_eq(md_triage_add(&st, "acme", &r, NULL, err, sizeof err),
	    MD_TRIAGE_REFUSED);
	ck_assert_ptr_nonnull(strstr(err, "needs an action"));
	r.assign = "nobody";
	ck_assert_int_eq(md_triage_add(&st, "acme", &r, NULL, err, sizeof err),
	    MD_TRIAGE_REFUSED);
	ck_assert_str_eq(err, "no such member of acme: nobody");
	sql("INSERT INTO users (name, password, role, created) VALUES ($1, 'x', "
	    "'responder', 1)", "stranger");
	r.assign = "stranger";
	ck_assert_int_eq(md_triage_add(&st, "acme", &r, NULL, err, sizeof err),
	    MD_TRIAGE_REFUSED);
	ck_assert_str_eq(err, "no such member of acme: stranger");
	r.assign = "";
	r.priority = "asap";
	ck_assert_int_eq(md_triage_add(&st, "acme", &r, NULL, err, sizeof err),
	    MD_TRIAGE_REFUSED);
	r.priority = "low";
	ck_assert_int_eq(md_triage_add(&st, "nosuch", &r, NULL, err, sizeof err),
	    MD_TRK_NOTFOUND);
	ck_assert_int_eq(num("SELECT count(*) FROM triage_rules", NULL), 2);

	/* at most MD_TRIAGE_RULES_MAX per project */
	for (i = 2; i < MD_TRIAGE_RULES_MAX; i++)
		ck_assert_int_eq(md_triage_add(&st, "acme", &r, NULL, err, sizeof err), 0);
	ck_assert_int_eq(md_triage_add(&st, "acme", &r, NULL, err, sizeof err),
	    MD_TRIAGE_REFUSED);
	ck_assert_int_eq(num("SELECT max(position) FROM triage_rules", NULL),
	    MD_TRIAGE_RULES_MAX);
}
END_TEST

/* A new request through the tracker's ingest, as the worker files it. */
static struct md_ingest
file(const char *msgid, const char *rcpt, const char *from, const char *subject,
    const char *text)
{
	struct md_record rec;
	struct md_ingest res;

	mkrec(&rec, "new", msgid, from, subject, text);
	md_record_set(&rec, MD_F_RCPT, rcpt);
	res = run(&rec);
	md_record_free(&rec);
	return res;
}

static const char *
labels_of(const char *iid)
{
	return val("SELECT array_to_string(labels, ',') FROM issues WHERE iid = $1::bigint",
	    iid);
}

static const char *
notes_of(const char *iid)
{
	return val("SELECT string_agg(n.author || ': ' || n.text, E'\\n' ORDER BY n.id) "
	    "FROM notes n JOIN issues i ON i.id = n.issue_id WHERE i.iid = $1::bigint "
	    "AND n.kind = 'system'", iid);
}

START_TEST(applied_at_filing)
{
	/* no rules: nothing happens */
	ck_assert_int_eq(file("m0@x", "help@acme.example", "carol@example.com", "Refund",
	    "t").kind, MD_INGEST_CREATED);
	ck_assert_str_eq(labels_of("1"), "");

	add("recipient", "substring", "help@acme.example", "via-help", NULL, NULL);
	add("sender", "substring", "@example.com", "vip", NULL, NULL);
	add("subject", "regex", "^(refund|return)", "billing, vip", NULL, NULL);
	add("body", "substring", "PRINTER", "hardware", NULL, NULL);

	ck_assert_int_eq(file("m1@x", "help@acme.example", "carol@eu.example.com",
	    "Refund please", "My printer broke.").iid, 2);
	ck_assert_str_eq(labels_of("2"), "billing,hardware,via-help,vip");
	ck_assert_str_eq(notes_of("2"),
	    "Support Bot: added label via-help (triage rule 1: recipient contains "
	    "\"help@acme.example\")\n"
	    "Support Bot: added label vip (triage rule 2: sender contains \"@example.com\")\n"
	    "Support Bot: added label billing (triage rule 3: subject matches "
	    "\"^(refund|return)\")\n"
	    "Support Bot: added label hardware (triage rule 4: body contains \"PRINTER\")");

	/* the desk address, a look-alike domain, another subject */
	ck_assert_int_eq(file("m2@x", "support+acme@desk.example", "eve@example.com.evil.test",
	    "Where is my refund", "hello").iid, 3);
	ck_assert_str_eq(labels_of("3"), "");
	ck_assert_str_eq(notes_of("3"), "");

	/* a replay files nothing twice */
	ck_assert_int_eq(file("m1@x", "help@acme.example", "carol@eu.example.com",
	    "Refund please", "My printer broke.").kind, MD_INGEST_DUP);
	ck_assert_int_eq(num("SELECT count(*) FROM notes WHERE author = 'Support Bot' AND "
	    "text LIKE 'added label%'", NULL), 4);

	/* the spam mark is kept, and a rule adding it again writes no note */
	add("subject", "substring", "cheap", "spam?", NULL, NULL);
	{
		struct md_record rec;

		mkrec(&rec, "new", "m3@x", "x@spam.test", "cheap pills", "buy");
		md_record_set(&rec, MD_F_FLAGS, "spam");
		ck_assert_int_eq(run(&rec).iid, 4);
		md_record_free(&rec);
	}
	ck_assert_str_eq(labels_of("4"), "spam?");
	ck_assert_str_eq(notes_of("4"), "");
}
END_TEST

/* Assignee and priority: the first matching rule that sets one wins; the
 * notes name the rule; a stale assignee does not stop the filing. */
START_TEST(assign_and_priority)
{
	member("ann");
	member("bob");
	add("subject", "substring", "refund", "billing", "ann", "high");
	add("sender", "substring", "@example.com", "", "bob", "urgent");
	ck_assert_int_eq(file("a1@x", "support+acme@desk.example", "carol@example.com",
	    "Refund", "t").iid, 1);
	ck_assert_str_eq(val("SELECT assignee || ' ' || priority FROM issues WHERE iid = 1",
	    NULL), "ann high");
	ck_assert_str_eq(notes_of("1"),
	    "Support Bot: added label billing (triage rule 1: subject contains \"refund\")\n"
	    "Support Bot (triage rule 1): assigned to ann\n"
	    "Support Bot (triage rule 1): priority high (was normal)");
	/* only the second rule matches */
	ck_assert_int_eq(file("a2@x", "support+acme@desk.example", "dave@example.com",
	    "Hello", "t").iid, 2);
	ck_assert_str_eq(val("SELECT assignee || ' ' || priority FROM issues WHERE iid = 2",
	    NULL), "bob urgent");
	/* bob leaves the project: the request is filed, unassigned, with a note */
	sql("DELETE FROM project_members WHERE username = $1", "bob");
	ck_assert_int_eq(file("a3@x", "support+acme@desk.example", "erin@example.com",
	    "Hello", "t").kind, MD_INGEST_CREATED);
	ck_assert_str_eq(val("SELECT coalesce(assignee, '-') || ' ' || priority FROM issues "
	    "WHERE iid = 3", NULL), "- urgent");
	ck_assert_ptr_nonnull(strstr(notes_of("3"), "Support Bot (triage rule 2): not "
	    "assigned to bob, who is no longer a member of acme"));
}
END_TEST

/* The transaction that files the request is the one that applies the
 * rules: when applying fails, no issue is filed and its number is not
 * used (the worker tries the record again). */
START_TEST(rolled_back_together)
{
	struct md_record rec;
	struct md_ingest res;

	add("subject", "substring", "x", "y", NULL, NULL);
	sql("ALTER TABLE notes ADD CONSTRAINT no_labels CHECK (text NOT LIKE 'added label%')",
	    NULL);
	mkrec(&rec, "new", "r1@x", "carol@example.org", "x", "t");
	ck_assert_int_eq(md_tracker_ingest(&st, &cfg, "1-9", &rec, &res, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "no_labels"));
	ck_assert_int_eq(num("SELECT count(*) FROM issues", NULL), 0);
	ck_assert_int_eq(num("SELECT last_iid FROM projects WHERE name = $1", "acme"), 0);
	sql("ALTER TABLE notes DROP CONSTRAINT no_labels", NULL);
	ck_assert_int_eq(md_tracker_ingest(&st, &cfg, "1-9", &rec, &res, err, sizeof err), 0);
	ck_assert_int_eq(res.iid, 1);
	ck_assert_str_eq(labels_of("1"), "y");
	md_record_free(&rec);
}
END_TEST

START_TEST(canned_replies)
{
	struct md_canned *v;
	md_buf out = MD_BUF_INIT;
	size_t n;

	ck_assert_int_eq(md_canned_list(&st, "acme", &v, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(md_canned_list(&st, "nosuch", &v, &n, err, sizeof err),
	    MD_TRK_NOTFOUND);
	ck_assert_int_eq(md_canned_set(&st, "acme", "refund", "Hello,\n\nyour refund for "
	    "\"%{SUBJECT}\" (%{ISSUE_PATH}) is on its way: %{ISSUE_URL}\n", err, sizeof err), 0);
	ck_assert_int_eq(md_canned_set(&st, "acme", "bye", "Closing %{ISSUE_ID}.", err,
	    sizeof err), 0);
	ck_assert_int_eq(md_canned_set(&st, "acme", "bye", "Closing %{ISSUE_ID} now.", err,
	    sizeof err), 0);
	ck_assert_int_eq(md_canned_list(&st, "acme", &v, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].name, "bye");
	ck_assert_str_eq(v[0].text, "Closing %{ISSUE_ID} now.");
	ck_assert_str_eq(v[1].name, "refund");
	md_canned_free(v, n);

	/* refused */
	ck_assert_int_eq(md_canned_set(&st, "acme", "Bad Name", "t", err, sizeof err),
	    MD_CANNED_REFUSED);
	ck_assert_int_eq(md_canned_set(&st, "acme", "x", "Hi %{ISSU_ID}", err, sizeof err),
	    MD_CANNED_REFUSED);
	ck_assert_str_eq(err, "unknown placeholder(s): ISSU_ID");
	ck_assert_int_eq(md_canned_set(&st, "acme", "x", "%{NOTE_TEXT}", err, sizeof err),
	    MD_CANNED_REFUSED);
	ck_assert_int_eq(md_canned_set(&st, "acme", "x", "bad \xff utf-8", err, sizeof err),
	    MD_CANNED_REFUSED);
	ck_assert_int_eq(md_canned_set(&st, "acme", "x", " \n ", err, sizeof err),
	    MD_CANNED_REFUSED);
	ck_assert_int_eq(md_canned_set(&st, "nosuch", "x", "t", err, sizeof err),
	    MD_TRK_NOTFOUND);

	/* rendered for an issue */
	ck_assert_int_eq(md_config_set(&cfg, "base_url", "https://desk.example/", err,
	    sizeof err), 0);
	ck_assert_int_eq(new_issue("c1@x", "carol@example.org", "Re: Printer on fire",
	    "help").iid, 1);
	ck_assert_int_eq(md_canned_render(&st, &cfg, "acme", 1, "refund", &out, err,
	    sizeof err), 0);
	ck_assert_str_eq(md_buf_str(&out), "Hello,\n\nyour refund for \"Printer on fire\" "
	    "(acme#1) is on its way: https://desk.example/acme/issues/1\n");
	ck_assert_int_eq(md_canned_render(&st, &cfg, "acme", 1, "nope", &out, err,
	    sizeof err), MD_TRK_NOTFOUND);
	ck_assert_str_eq(err, "no such canned reply: acme nope");
	ck_assert_int_eq(md_canned_render(&st, &cfg, "acme", 7, "refund", &out, err,
	    sizeof err), MD_TRK_NOTFOUND);
	ck_assert_str_eq(err, "no such issue acme#7");

	/* an empty text deletes */
	ck_assert_int_eq(md_canned_set(&st, "acme", "bye", "", err, sizeof err), 0);
	ck_assert_int_eq(md_canned_set(&st, "acme", "bye", "", err, sizeof err),
	    MD_TRK_NOTFOUND);
	ck_assert_int_eq(num("SELECT count(*) FROM canned_replies", NULL), 1);
	md_buf_free(&out);
}
END_TEST

static Suite *
triage_store_suite(void)
{
	Suite *s = suite_create("triage_store");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rules_in_order);
	tcase_add_test(tc, applied_at_filing);
	tcase_add_test(tc, assign_and_priority);
	tcase_add_test(tc, rolled_back_together);
	tcase_add_test(tc, canned_replies);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(triage_store_suite)
