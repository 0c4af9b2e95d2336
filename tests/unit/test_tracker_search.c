/*
 * test_tracker_search.c - the issue list in a real PostgreSQL: filters,
 * paging, the counts, and full-text search over titles, descriptions and
 * every kind of note, ranked.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "issue_rows.h"

static struct md_issue_list l;

/* Lists with f; returns the iids of the page as "3,1,2". */
static const char *
list(const struct md_issue_filter *f)
{
	static char buf[1024];
	size_t k, o = 0;

	md_issue_list_free(&l);
	ck_assert_msg(md_tracker_list(&st, "acme", f, &l, err, sizeof err) == 0, "%s", err);
	buf[0] = '\0';
	for (k = 0; k < l.n && o < sizeof buf - 24; k++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%ld", k ? "," : "",
		    l.items[k].iid);
	return buf;
}

/* Three issues: 1 and 3 by ann, 3 closed, labels bug on 1 and 3. */
static void
three(void)
{
	rows_issue(1, "ann@example.org", "Printer jam", "paper stuck", 1000);
	rows_issue(2, "bob@example.org", "Login fails", "the PRINTER page too", 1000);
	rows_issue(3, "ann@example.org", "Invoice", "wrong amount", 1000);
	free(rows_sql("UPDATE issues SET labels = '{bug}' WHERE iid IN (1, 3)", NULL));
	free(rows_sql("UPDATE issues SET state = 'closed', closed_at = 2000 WHERE iid = 3", NULL));
	free(rows_sql("UPDATE issues SET updated = 5000 WHERE iid = 2", NULL));
}

START_TEST(filters_counts_paging)
{
	struct md_issue_filter f;

	three();
	memset(&f, 0, sizeof f);
	ck_assert_str_eq(list(&f), "3,2,1");	/* newest first; same second: by iid */
	ck_assert_int_eq(l.total, 3);
	ck_assert_int_eq(l.opened, 2);
	ck_assert_int_eq(l.closed, 1);
	ck_assert_str_eq(l.items[0].title, "Invoice");
	ck_assert_str_eq(l.items[0].state, "closed");
	ck_assert_str_eq(l.items[0].labels, "bug");
	ck_assert_str_eq(l.items[0].reply_key, "r3");

	f.state = "opened";
	ck_assert_str_eq(list(&f), "2,1");
	ck_assert_int_eq(l.total, 2);
	ck_assert_int_eq(l.opened, 2);
	ck_assert_int_eq(l.closed, 1);		/* counts ignore the state filter */
	f.state = "closed";
	ck_assert_str_eq(list(&f), "3");
	ck_assert_int_eq(l.total, 1);

	f.state = "all";
	f.label = "bug";
	ck_assert_str_eq(list(&f), "3,1");
	ck_assert_int_eq(l.total, 2);
	f.label = "nope";
	ck_assert_str_eq(list(&f), "");
	ck_assert_int_eq(l.total, 0);

	f.label = NULL;
	f.customer = "ANN@example.org";
	ck_assert_str_eq(list(&f), "3,1");
	ck_assert_int_eq(l.opened, 1);
	ck_assert_int_eq(l.closed, 1);
	f.state = "opened";
	f.label = "bug";
	ck_assert_str_eq(list(&f), "1");

	memset(&f, 0, sizeof f);
	f.sort_updated = 1;
	ck_assert_str_eq(list(&f), "2,3,1");
	f.limit = 1;
	f.offset = 1;
	ck_assert_str_eq(list(&f), "3");
	ck_assert_int_eq(l.total, 3);
	f.offset = 3;
	ck_assert_str_eq(list(&f), "");
	ck_assert_int_eq(l.total, 3);

	f.state = "bogus";
	ck_assert_int_eq(md_tracker_list(&st, "acme", &f, &l, err, sizeof err), -1);
	memset(&f, 0, sizeof f);
	ck_assert_int_eq(md_tracker_list(&st, "nosuch", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 0);
	md_issue_list_free(&l);
}
END_TEST

START_TEST(search_titles_descriptions)
{
	struct md_issue_filter f;

	three();
	memset(&f, 0, sizeof f);
	f.search = "printer";			/* any case; title ranks above description */
	ck_assert_str_eq(list(&f), "1,2");
	ck_assert_int_eq(l.total, 2);
	ck_assert_int_eq(l.opened, 2);
	ck_assert_int_eq(l.closed, 0);
	f.search = "PRINTER stuck";		/* all words */
	ck_assert_str_eq(list(&f), "1");
	f.search = "printer or invoice";
	/* titles first (the same rank: newest first), then the description */
	ck_assert_str_eq(list(&f), "3,1,2");
	ck_assert_int_eq(l.closed, 1);
	f.search = "printer -jam";
	ck_assert_str_eq(list(&f), "2");
	f.search = "\"paper stuck\"";
	ck_assert_str_eq(list(&f), "1");
	f.search = "\"stuck paper\"";
	ck_assert_str_eq(list(&f), "");
	f.search = "!!! ...";			/* no words: nothing */
	ck_assert_str_eq(list(&f), "");
	ck_assert_int_eq(l.total, 0);
	f.search = "printer";
	f.state = "closed";
	ck_assert_str_eq(list(&f), "");
	ck_assert_int_eq(l.opened, 2);
	f.state = NULL;
	f.customer = "bob@example.org";
	ck_assert_str_eq(list(&f), "2");
	f.customer = NULL;
	f.label = "bug";
	ck_assert_str_eq(list(&f), "1");
	md_issue_list_free(&l);
}
END_TEST

/*
 * Filing leaves issues.search to the indexer: a search finds issues before
 * and after it ran, in the same order, and the indexer takes each once.
 */
START_TEST(search_before_and_after_indexer)
{
	struct md_issue_filter f;
	long done;

	three();
	memset(&f, 0, sizeof f);
	f.search = "printer or invoice";
	ck_assert_int_eq(rows_num("SELECT count(*) FROM issues WHERE search IS NULL",
	    NULL), 3);
	ck_assert_str_eq(list(&f), "3,1,2");
	ck_assert_int_eq(md_tracker_index(&st, 2, &done, err, sizeof err), 0);
	ck_assert_int_eq(done, 2);
	ck_assert_str_eq(list(&f), "3,1,2");		/* two indexed, one not */
	ck_assert_int_eq(md_tracker_index(&st, 500, &done, err, sizeof err), 0);
	ck_assert_int_eq(done, 1);
	ck_assert_int_eq(md_tracker_index(&st, 500, &done, err, sizeof err), 0);
	ck_assert_int_eq(done, 0);
	ck_assert_str_eq(list(&f), "3,1,2");
	ck_assert_int_eq(l.total, 3);
	f.search = "stuck";
	ck_assert_str_eq(list(&f), "1");
	md_issue_list_free(&l);
}
END_TEST

START_TEST(search_notes_every_kind)
{
	struct md_issue_filter f;
	char nid[24];
	long id;
	int mailed, changed;

	three();
	rows_note(1, "customer", "ann@example.org", "the toner cartridge is empty", 1);
	rows_note(2, "internal", "", "ask facilities about the toner", 0);
	rows_note(3, "system", "", "zebra closed by Dan", 0);
	memset(&f, 0, sizeof f);
	f.search = "toner";
	ck_assert_str_eq(list(&f), "2,1");	/* same rank: newest first */
	ck_assert_int_eq(l.total, 2);
	f.label = "bug";			/* filters on notes-only matches */
	ck_assert_str_eq(list(&f), "1");
	ck_assert_int_eq(md_tracker_label(&st, "acme", 2, "bug", 1, &changed, err, sizeof err),
	    0);
	ck_assert_str_eq(list(&f), "2,1");
	f.label = NULL;
	f.customer = "BOB@example.org";
	ck_assert_str_eq(list(&f), "2");
	f.customer = NULL;
	f.search = "zebra";
	ck_assert_str_eq(list(&f), "3");
	ck_assert_int_eq(l.closed, 1);
	/* a note added through the tracker is found too */
	ck_assert_msg(md_tracker_note(&st, &cfg, "acme", 3, "xylophone delivered", 0, "Dan", nid,
	    sizeof nid, &mailed, err, sizeof err) == 0, "%s", err);
	f.search = "xylophone";
	ck_assert_str_eq(list(&f), "3");
	/* title beats notes: "invoice" in 2's note, in 3's title */
	rows_note(2, "public", "", "your invoice is attached", 0);
	f.search = "invoice";
	ck_assert_str_eq(list(&f), "3,2");
	f.limit = 1;				/* pages across the two tiers */
	ck_assert_str_eq(list(&f), "3");
	f.offset = 1;
	ck_assert_str_eq(list(&f), "2");
	ck_assert_int_eq(l.total, 2);
	f.offset = 2;
	ck_assert_str_eq(list(&f), "");
	f.offset = f.limit = 0;
	/* the state of a match in the notes follows the issue's */
	ck_assert_int_eq(md_tracker_set_state(&st, &cfg, "acme", 2, 1, "Dan", &changed, NULL,
	    err, sizeof err), 0);
	f.state = "closed";
	ck_assert_str_eq(list(&f), "3,2");
	ck_assert_int_eq(l.opened, 0);
	ck_assert_int_eq(l.closed, 2);
	f.state = NULL;
	/* the words all in one document: title + note do not combine */
	f.search = "login toner";
	ck_assert_str_eq(list(&f), "");
	/* a note's text changed (a purge): its words are gone */
	id = rows_num("SELECT id FROM notes WHERE text LIKE 'the toner%'", NULL);
	snprintf(nid, sizeof nid, "%ld", id);
	free(rows_sql("UPDATE notes SET text = '[purged]' WHERE id = $1::bigint", nid, NULL));
	f.search = "toner";
	ck_assert_str_eq(list(&f), "2");
	f.search = "cartridge";
	ck_assert_str_eq(list(&f), "");
	md_issue_list_free(&l);
}
END_TEST

static Suite *
tracker_search_suite(void)
{
	Suite *s = suite_create("tracker_search");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, filters_counts_paging);
	tcase_add_test(tc, search_titles_descriptions);
	tcase_add_test(tc, search_before_and_after_indexer);
	tcase_add_test(tc, search_notes_every_kind);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(tracker_search_suite)
