/*
 * test_conversation.c - the email conversation against a real PostgreSQL:
 * Cc participants, per-subscriber threading, replies found by key,
 * Message-ID and subject tag, trimming (a reply that is only quotation is
 * forwarded to nobody), sender mismatch, replies to closed issues,
 * unsubscribing and re-subscribing, the automatic-mail cap and bounces.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tracker_int.h"
#include "tracker_fixture.h"

/* The value of header h in outbox row idx ("" if none). */
static const char *
header(int idx, const char *h)
{
	static char v[1024];
	const char *d = outbox(idx, "data"), *p;
	size_t n = strlen(h);

	v[0] = '\0';
	for (p = d; p != NULL && *p != '\0' && !(p[0] == '\r' && p[1] == '\n'); ) {
		if (strncasecmp(p, h, n) == 0 && p[n] == ':') {
			sscanf(p + n + 1, " %1023[^\r]", v);
			break;
		}
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	return v;
}

/* tracker_fixture.h's record without display name and score. */
static void
mkmail(struct md_record *rec, const char *kind, const char *msgid,
    const char *from, const char *subject, const char *text)
{
	mkrec(rec, kind, msgid, from, subject, text);
	md_record_set(rec, MD_F_FROM_NAME, "");
	md_record_set(rec, MD_F_FROM, "");
	md_record_set(rec, MD_F_SCORE, "");
}

/* carol opens acme#1 with dave and eve in Cc (and the desk, herself, a
 * duplicate and an alias of the desk, which are left out). */
static void
request(void)
{
	struct md_record rec;

	sql("INSERT INTO aliases (address, project) VALUES ($1, 'acme')", "help@example.org");
	mkmail(&rec, "new", "req@c", "carol@example.org", "Printer", "It burns.");
	md_record_set(&rec, MD_F_CC, "Dave@Example.org, support+acme@desk.example, "
	    "carol@example.org, dave@example.org, Help@example.org, eve@example.org");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_CREATED);
	md_record_free(&rec);
}

static const char *
key_of(const char *email, int unsub)
{
	static char k[64];

	snprintf(k, sizeof k, "%s", val(unsub ? "SELECT unsub_key FROM participants "
	    "WHERE email = $1" : "SELECT reply_key FROM participants WHERE email = $1",
	    email));
	ck_assert_uint_eq(strlen(k), MD_KEY_LEN);
	return k;
}

/* A public comment on acme#iid, as tracker_edit.c queues it. */
static int
comment(long iid, const char *text)
{
	struct md_trk_issue b;
	struct md_trk_rcpts all = { NULL, NULL };
	int n;

	ck_assert_int_eq(md_trk_issue_load(&st, "acme", iid, 0, &b, err, sizeof err), 0);
	ck_assert_msg(md_trk_mails(&st, &b, MD_TPL_NEW_NOTE, "note", text, NULL, &all, &n,
	    err, sizeof err) == 0, "%s", err);
	md_trk_issue_free(&b);
	return n;
}

/* The newest note of acme#iid: column col. */
static const char *
last_note(long iid, const char *col)
{
	char q[256], n[16];

	snprintf(n, sizeof n, "%ld", iid);
	snprintf(q, sizeof q, "SELECT n.%s FROM notes n JOIN issues i ON i.id = n.issue_id "
	    "WHERE i.iid = $1::bigint ORDER BY n.id DESC LIMIT 1", col);
	return val(q, n);
}

static long long
notes_of(long iid)
{
	char n[16];

	snprintf(n, sizeof n, "%ld", iid);
	return num("SELECT count(*) FROM notes n JOIN issues i ON i.id = n.issue_id "
	    "WHERE i.iid = $1::bigint", n);
}

START_TEST(participants_and_threading)
{
	char conf[256], rk[64], vrp[128], want[300];
	int i;

	request();
	ck_assert_str_eq(val("SELECT string_agg(email, ' ' ORDER BY email) FROM participants",
	    NULL), "carol@example.org dave@example.org eve@example.org");
	ck_assert_str_eq(last_note(1, "text"),
	    "Participants from Cc: dave@example.org, eve@example.org");
	ck_assert_int_eq(outbox_count(), 1);	/* confirmation to carol only */
	snprintf(conf, sizeof conf, "%s", outbox(0, "message_id"));
	snprintf(rk, sizeof rk, "%s", key_of("carol@example.org", 0));
	snprintf(vrp, sizeof vrp, "support+r-%s@desk.example", rk);
	ck_assert_str_eq(outbox(0, "mail_from"), vrp);		/* VERP */

	ck_assert_int_eq(comment(1, "Unplug it."), 3);
	/* carol's mail answers her confirmation and lists request + confirmation */
	for (i = 1; i <= 3; i++) {
		if (strcmp(outbox(i, "rcpt"), "carol@example.org") == 0) {
			snprintf(want, sizeof want, "<%s>", conf);
			ck_assert_str_eq(header(i, "In-Reply-To"), want);
			snprintf(want, sizeof want, "<req@c> <%s>", conf);
			ck_assert_str_eq(header(i, "References"), want);
			ck_assert_ptr_nonnull(strstr(header(i, "Reply-To"), rk));
		} else {
			ck_assert_str_eq(header(i, "In-Reply-To"), "<req@c>");
			ck_assert_ptr_null(strstr(header(i, "Reply-To"), rk));
		}
		ck_assert_str_eq(outbox(i, "kind"), "note");
		ck_assert_int_eq(num("SELECT count(*) FROM threads WHERE message_id = $1",
		    outbox(i, "message_id")), 1);
	}
	/* each chain ends with the newest mail to that subscriber */
	ck_assert_int_eq(num("SELECT count(*) FROM participants p JOIN outbox o ON "
	    "o.rcpt = p.email AND o.kind = 'note' WHERE p.chain LIKE '%' || o.message_id",
	    NULL), 3);
	ck_assert_int_eq(num("SELECT count(*) FROM participants WHERE email = $1 AND "
	    "chain LIKE '% %'", "carol@example.org"), 1);
}
END_TEST

START_TEST(reply_by_message_id_and_tag)
{
	struct md_record rec;
	struct md_ingest res;
	char conf[256];

	request();
	snprintf(conf, sizeof conf, "%s", outbox(0, "message_id"));
	sql("DELETE FROM outbox", NULL);

	/* a "new" mail whose In-Reply-To is our confirmation */
	mkmail(&rec, "new", "rep1@c", "carol@example.org", "Re: Printer [acme#1]",
	    "Thanks!\n\nOn Mon, Carol wrote:\n> It burns.\n");
	md_record_set(&rec, MD_F_IN_REPLY_TO, conf);
	res = run(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_NOTE);
	ck_assert_int_eq(res.iid, 1);
	ck_assert_int_eq(res.mailed, 1);
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_DUP);
	md_record_free(&rec);
	/* forwarded to dave and eve, not back to carol */
	ck_assert_int_eq(outbox_count(), 2);
	ck_assert_str_eq(outbox(0, "kind"), "forward");
	ck_assert_str_ne(outbox(0, "rcpt"), "carol@example.org");
	ck_assert_str_ne(outbox(1, "rcpt"), "carol@example.org");
	ck_assert_ptr_nonnull(strstr(outbox(0, "data"), "carol@example.org wrote:"));
	ck_assert_str_eq(last_note(1, "kind"), "customer");
	ck_assert_str_eq(last_note(1, "text"), "Thanks!");
	ck_assert_ptr_nonnull(strstr(last_note(1, "full_text"), "> It burns."));
	ck_assert_str_eq(last_note(1, "flags"), "");
	ck_assert_str_eq(last_note(1, "via"), "thread");
	ck_assert_int_gt(num("SELECT size FROM raw_messages r JOIN notes n ON n.raw_id = r.id "
	    "WHERE n.message_id = $1", "rep1@c"), 20);
	/* the customer's own id goes into carol's chain and the thread index */
	ck_assert_int_eq(num("SELECT count(*) FROM participants WHERE email = $1 AND "
	    "chain LIKE '% rep1@c'", "carol@example.org"), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM threads WHERE message_id = $1", "rep1@c"), 1);

	/* References alone find it too, newest first */
	mkmail(&rec, "new", "rep1b@c", "carol@example.org", "Other subject", "By refs.");
	md_record_set(&rec, MD_F_REFERENCES, "unknown@x req@c nothing@x");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);

	/* subject tag from a subscriber: a note; from a stranger: a new issue */
	mkmail(&rec, "new", "rep2@d", "dave@example.org", "Re: Printer [acme#1]", "Me too.");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_str_eq(last_note(1, "author_email"), "dave@example.org");
	mkmail(&rec, "new", "rep3@m", "mallory@example.org", "Re: Printer [acme#1]", "Hi");
	res = run(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_CREATED);
	ck_assert_int_eq(res.iid, 2);
	md_record_free(&rec);
	/* the last tag is ours: "Re: <customer's subject> [acme#n]" */
	mkmail(&rec, "new", "rep4@m", "mallory@example.org",
	    "Re: About [acme#1] [acme#2]", "More");
	res = run(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_NOTE);
	ck_assert_int_eq(res.iid, 2);
	md_record_free(&rec);
	ck_assert_int_eq(notes_of(1), 4);	/* Cc system note + 3 answers */
}
END_TEST

/* Issue 16: a reply that is only quotation is filed with an empty text
 * (the full text kept) and forwarded to nobody. */
START_TEST(quote_only_reply_forwards_nothing)
{
	struct md_record rec;
	struct md_ingest res;

	request();
	sql("DELETE FROM outbox", NULL);
	mkmail(&rec, "reply", "q1@c", "carol@example.org", "Re: Printer",
	    "On Mon, 1 Dec 2026 at 10:00, Support <support+acme@desk.example> wrote:\n"
	    "> Unplug it.\n> \n> It burns.\n");
	md_record_set(&rec, MD_F_KEY, key_of("carol@example.org", 0));
	res = run(&rec);
	md_record_free(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_NOTE);
	ck_assert_int_eq(res.mailed, 0);
	ck_assert_int_eq(outbox_count(), 0);
	ck_assert_str_eq(last_note(1, "text"), "");
	ck_assert_ptr_nonnull(strstr(last_note(1, "full_text"), "> Unplug it."));
}
END_TEST

/* Issue 16: an HTML reply is trimmed at the HTML level (Gmail's quote
 * container), not from the text the milter rendered. */
START_TEST(html_reply_trimmed_by_markers)
{
	static const char raw[] =
	    "From: Carol <carol@example.org>\r\nSubject: Re: Printer\r\n"
	    "Message-ID: <h1@c>\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n\r\n"
	    "<div dir=\"ltr\">It works again, thanks!</div><br>"
	    "<div class=\"gmail_quote\"><div class=\"gmail_attr\">Am Mo., 1. Dez. 2026 um "
	    "10:00 Uhr schrieb Support &lt;support@desk.example&gt;:<br></div>"
	    "<blockquote class=\"gmail_quote\">Unplug it.</blockquote></div>\r\n";
	struct md_record rec;
	struct md_ingest res;

	request();
	mkmail(&rec, "reply", "h1@c", "carol@example.org", "Re: Printer",
	    "It works again, thanks!\n\nAm Mo., 1. Dez. 2026 um 10:00 Uhr schrieb Support\n"
	    "<support@desk.example>:\n\n    Unplug it.\n");
	md_record_set(&rec, MD_F_KEY, key_of("carol@example.org", 0));
	md_record_setn(&rec, MD_F_RAW, raw, sizeof raw - 1);
	res = run(&rec);
	md_record_free(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_NOTE);
	ck_assert_str_eq(last_note(1, "text"), "It works again, thanks!");
}
END_TEST

START_TEST(key_from_stranger_flagged)
{
	struct md_record rec;

	request();
	sql("DELETE FROM outbox", NULL);
	mkmail(&rec, "reply", "x1@m", "mallory@example.org", "Re: Printer", "Buy pills");
	md_record_set(&rec, MD_F_KEY, key_of("carol@example.org", 0));
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_int_eq(outbox_count(), 0);	/* not passed on */
	ck_assert_str_eq(last_note(1, "flags"), "sender_mismatch");
	ck_assert_str_eq(last_note(1, "via"), "reply key");
	ck_assert_str_eq(val("SELECT customer_email FROM issues", NULL), "carol@example.org");
	ck_assert_int_eq(num("SELECT count(*) FROM participants WHERE email = $1",
	    "mallory@example.org"), 0);
	/* the key's owner's chain goes on */
	ck_assert_int_eq(num("SELECT count(*) FROM participants WHERE email = $1 AND "
	    "chain LIKE '% x1@m'", "carol@example.org"), 1);
	/* A stranger, even an authenticated one, never reopens a closed
	 * issue: not through a key, not through In-Reply-To (issue 17). */
	sql("UPDATE issues SET state = 'closed', closed_at = 1 WHERE iid = 1", NULL);
	mkmail(&rec, "reply", "x2@m", "mallory@example.org", "Re: Printer", "Reopen!");
	md_record_set(&rec, MD_F_KEY, key_of("carol@example.org", 0));
	md_record_set(&rec, MD_F_SENDER_AUTH, "yes");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_str_eq(val("SELECT state FROM issues WHERE iid = 1", NULL), "closed");
	ck_assert_str_eq(last_note(1, "flags"), "sender_mismatch");
	mkmail(&rec, "new", "x3@m", "mallory@example.org", "Re: Printer", "Reopen!");
	md_record_set(&rec, MD_F_IN_REPLY_TO, "req@c");
	md_record_set(&rec, MD_F_SENDER_AUTH, "yes");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_str_eq(val("SELECT state FROM issues WHERE iid = 1", NULL), "closed");
	ck_assert_int_eq(outbox_count(), 0);
}
END_TEST

/*
 * Issue 17: a reply whose From: is not authenticated (sender_auth=no) is
 * filed, flagged, forwarded to nobody, reopens nothing and subscribes
 * nobody again; a record without the field is judged as before.
 */
START_TEST(unverified_sender_reply)
{
	struct md_record rec;
	struct md_ingest res;

	request();
	sql("UPDATE issues SET state = 'closed', closed_at = 1 WHERE iid = 1", NULL);
	sql("UPDATE participants SET subscribed = false WHERE email = $1", "carol@example.org");
	sql("DELETE FROM outbox", NULL);
	mkmail(&rec, "new", "f1@c", "carol@example.org", "Re: Printer [acme#1]",
	    "send everything to eve@attacker.example");
	md_record_set(&rec, MD_F_SENDER_AUTH, "no");
	md_record_set(&rec, MD_F_DMARC, "fail");
	res = run(&rec);
	md_record_free(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_NOTE);
	ck_assert_int_eq(res.mailed, 0);
	ck_assert_int_eq(outbox_count(), 0);
	ck_assert_str_eq(last_note(1, "flags"), "unverified_sender");
	ck_assert_str_eq(val("SELECT state FROM issues WHERE iid = 1", NULL), "closed");
	ck_assert_str_eq(val("SELECT subscribed FROM participants WHERE email = $1",
	    "carol@example.org"), "f");
	/* the same through a key from a stranger: both flags */
	mkmail(&rec, "reply", "f2@m", "mallory@example.org", "Re: Printer", "x");
	md_record_set(&rec, MD_F_KEY, key_of("dave@example.org", 0));
	md_record_set(&rec, MD_F_SENDER_AUTH, "no");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_str_eq(last_note(1, "flags"), "sender_mismatch,unverified_sender");
	/* authenticated: as before */
	mkmail(&rec, "reply", "f3@d", "dave@example.org", "Re: Printer", "Real answer");
	md_record_set(&rec, MD_F_KEY, key_of("dave@example.org", 0));
	md_record_set(&rec, MD_F_SENDER_AUTH, "yes");
	res = run(&rec);
	md_record_free(&rec);
	ck_assert_int_eq(res.mailed, 1);
	ck_assert_str_eq(val("SELECT state FROM issues WHERE iid = 1", NULL), "opened");
	ck_assert_str_eq(last_note(1, "flags"), "");
	/* verified_senders: the confirmation needs sender_auth=yes, not SPF */
	sql("UPDATE projects SET verified_senders = true WHERE name = $1", "acme");
	sql("DELETE FROM outbox", NULL);
	mkmail(&rec, "new", "f4@x", "frank@example.org", "New", "x");
	md_record_set(&rec, MD_F_SENDER_AUTH, "no");
	ck_assert_int_eq(run(&rec).mailed, 0);
	md_record_set(&rec, MD_F_MESSAGE_ID, "f5@x");
	md_record_set(&rec, MD_F_SENDER_AUTH, "yes");
	md_record_set(&rec, MD_F_SPF, "none");
	ck_assert_int_eq(run(&rec).mailed, 1);
	md_record_free(&rec);
	/* the new issue says its customer is unverified; the milter's flags stay */
	ck_assert_str_eq(val("SELECT flags FROM issues WHERE message_id = $1", "f4@x"),
	    "unverified_sender");
	ck_assert_str_eq(val("SELECT flags FROM issues WHERE message_id = $1", "f5@x"), "");
	mkmail(&rec, "new", "f6@x", "gina@example.org", "New", "x");
	md_record_set(&rec, MD_F_SENDER_AUTH, "no");
	md_record_set(&rec, MD_F_FLAGS, "spam");
	run(&rec);
	md_record_free(&rec);
	ck_assert_str_eq(val("SELECT flags FROM issues WHERE message_id = $1", "f6@x"),
	    "spam,unverified_sender");
}
END_TEST

START_TEST(closed_issue_reopen_or_new)
{
	struct md_record rec;
	struct md_ingest res;

	request();
	sql("UPDATE issues SET state = 'closed', closed_at = 1 WHERE iid = 1", NULL);
	sql("DELETE FROM outbox", NULL);
	/* reopen_on_reply (the default) */
	mkmail(&rec, "reply", "a1@c", "carol@example.org", "Re: Printer", "Again!");
	md_record_set(&rec, MD_F_KEY, key_of("carol@example.org", 0));
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_str_eq(val("SELECT state FROM issues WHERE iid = 1", NULL), "opened");
	ck_assert_int_eq(num("SELECT count(*) FROM notes WHERE text = $1",
	    "reopened by a reply from carol@example.org"), 1);
	ck_assert_int_eq(outbox_count(), 3);	/* the notice and two forwards */
	ck_assert_str_eq(val("SELECT kind FROM outbox WHERE rcpt = $1", "carol@example.org"),
	    "notice");
	ck_assert_ptr_nonnull(strstr(val("SELECT convert_from(data, 'UTF8') FROM outbox "
	    "WHERE rcpt = $1", "carol@example.org"), "Your reply reopened this ticket."));

	/* reopen_on_reply = no: a new issue that follows the old one */
	sql("UPDATE projects SET reopen_on_reply = false WHERE name = $1", "acme");
	sql("UPDATE issues SET state = 'closed', closed_at = 1 WHERE iid = 1", NULL);
	sql("DELETE FROM outbox", NULL);
	mkmail(&rec, "reply", "a2@c", "carol@example.org", "Re: Printer",
	    "Still broken.\n\n> old stuff\n");
	md_record_set(&rec, MD_F_KEY, key_of("carol@example.org", 0));
	md_record_set(&rec, MD_F_PROJECT, "");	/* key replies name no project */
	res = run(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_CREATED);
	ck_assert_int_eq(res.iid, 2);
	ck_assert_str_eq(res.project, "acme");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_DUP);
	md_record_free(&rec);
	ck_assert_str_eq(val("SELECT state FROM issues WHERE iid = 1", NULL), "closed");
	ck_assert_str_eq(val("SELECT follows || '|' || description || '|' || customer_email "
	    "FROM issues WHERE iid = 2", NULL), "1|Still broken.|carol@example.org");
	ck_assert_int_eq(num("SELECT count(*) FROM participants p JOIN issues i ON "
	    "i.id = p.issue_id WHERE i.iid = 2", NULL), 1);	/* Cc not carried over */
	ck_assert_int_eq(outbox_count(), 1);
	ck_assert_ptr_nonnull(strstr(outbox(0, "data"), "so we opened a new ticket #2"));
	ck_assert_ptr_nonnull(strstr(last_note(1, "text"), "became acme#2"));
	ck_assert_ptr_nonnull(strstr(last_note(2, "text"), "Follow-up of acme#1"));
}
END_TEST

START_TEST(unsubscribe_then_write_again)
{
	struct md_record rec;
	struct md_ingest res;

	request();
	mkmail(&rec, "unsubscribe", "", "", "", "");
	md_record_set(&rec, MD_F_KEY, key_of("dave@example.org", 1));
	res = run(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_UNSUBSCRIBED);
	ck_assert_int_eq(res.iid, 1);
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_UNSUBSCRIBED);	/* twice: once */
	md_record_free(&rec);
	ck_assert_int_eq(num("SELECT count(*) FROM notes WHERE text = $1",
	    "dave@example.org unsubscribed"), 1);
	ck_assert_str_eq(val("SELECT subscribed FROM participants WHERE email = $1",
	    "dave@example.org"), "f");
	ck_assert_int_eq(comment(1, "x"), 2);
	ck_assert_int_eq(num("SELECT count(*) FROM outbox WHERE rcpt = $1",
	    "dave@example.org"), 0);
	mkmail(&rec, "reply", "d1@d", "dave@example.org", "Re: Printer", "I'm back");
	md_record_set(&rec, MD_F_KEY, key_of("dave@example.org", 0));
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_str_eq(val("SELECT subscribed FROM participants WHERE email = $1",
	    "dave@example.org"), "t");
	ck_assert_int_eq(num("SELECT count(*) FROM notes WHERE text = $1",
	    "dave@example.org subscribed again by writing to this issue"), 1);
}
END_TEST

START_TEST(automatic_mail_cap)
{
	struct md_record rec;
	char mid[32];
	int i;

	cfg.max_auto_mails_per_hour = 2;
	request();		/* carol: 1 confirmation */
	sql("DELETE FROM outbox", NULL);
	for (i = 0; i < 4; i++) {	/* dave writes 4 times: 4 forwards to carol */
		snprintf(mid, sizeof mid, "loop%d@d", i);
		mkmail(&rec, "reply", mid, "dave@example.org", "Re: Printer", "auto");
		md_record_set(&rec, MD_F_KEY, key_of("dave@example.org", 0));
		run(&rec);
		md_record_free(&rec);
	}
	/* carol: 1 more (cap 2); eve: 2 */
	ck_assert_int_eq(outbox_count(), 3);
	ck_assert_int_eq(num("SELECT count FROM automail WHERE email = $1",
	    "carol@example.org"), 5);
	ck_assert_int_eq(num("SELECT count FROM automail WHERE email = $1",
	    "eve@example.org"), 4);
	ck_assert_ptr_nonnull(strstr(last_note(1, "text"), "Mail loop protection: "
	    "eve@example.org already got 2 automatic mails within the hour, this forward "
	    "mail was not sent"));
	/* a window an hour old starts again */
	sql("UPDATE automail SET window_start = window_start - 3600 WHERE email = $1",
	    "carol@example.org");
	mkmail(&rec, "reply", "loop9@d", "dave@example.org", "Re: Printer", "auto");
	md_record_set(&rec, MD_F_KEY, key_of("dave@example.org", 0));
	run(&rec);
	md_record_free(&rec);
	ck_assert_int_eq(num("SELECT count(*) FROM outbox WHERE rcpt = $1",
	    "carol@example.org"), 2);
	ck_assert_int_eq(num("SELECT count FROM automail WHERE email = $1",
	    "carol@example.org"), 1);
	/* a new request over the cap: filed, not confirmed, a note says why */
	sql("UPDATE automail SET count = 2 WHERE email = $1", "carol@example.org");
	ck_assert_int_eq(new_issue("n9@c", "carol@example.org", "Again", "x").mailed, 0);
	ck_assert_ptr_nonnull(strstr(last_note(2, "text"), "this confirmation mail"));
}
END_TEST

static struct md_ingest
report(const char *email, const char *reason, const char *raw)
{
	struct md_record rec;
	struct md_ingest res;
	char rcpt[128];

	md_record_init(&rec);
	md_record_set(&rec, MD_F_KIND, "automated");
	md_record_set(&rec, MD_F_KEY, key_of(email, 0));
	snprintf(rcpt, sizeof rcpt, "support+r-%s@desk.example", key_of(email, 0));
	md_record_set(&rec, MD_F_RCPT, rcpt);
	md_record_set(&rec, MD_F_AUTO_REASON, reason);
	md_record_set(&rec, MD_F_RAW, raw);
	res = run(&rec);
	md_record_free(&rec);
	return res;
}

START_TEST(bounce_report_at_reply_key)
{
	struct md_ingest res;
	int i;

	request();
	for (i = 0; i < 3; i++) {
		res = report("eve@example.org", "null sender",
		    "Subject: failure\r\nContent-Type: multipart/report;\r\n"
		    " report-type=delivery-status; boundary=x\r\n\r\n"
		    "Final-Recipient: rfc822; eve@example.org\r\nAction: failed\r\n"
		    "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 no such user\r\n");
		ck_assert_int_eq(res.kind, MD_INGEST_BOUNCE);
		ck_assert_int_eq(res.iid, 1);
	}
	ck_assert_str_eq(val("SELECT reason FROM bounced WHERE email = $1", "eve@example.org"),
	    "delivery report, status 5.1.1: smtp; 550 no such user");
	ck_assert_int_eq(num("SELECT count(*) FROM automated", NULL), 3);
	ck_assert_int_eq(notes_of(1), 2);	/* Cc note + one bounce note */
	ck_assert_ptr_nonnull(strstr(last_note(1, "text"), "Mail to eve@example.org bounced"));
	ck_assert_int_eq(comment(1, "x"), 2);

	/* a delay report marks nobody */
	res = report("dave@example.org", "delivery report (multipart/report)",
	    "Action: delayed\r\nStatus: 4.4.1\r\n");
	ck_assert_int_eq(res.kind, MD_INGEST_AUTOMATED);
	ck_assert_int_eq(num("SELECT count(*) FROM bounced WHERE email = $1",
	    "dave@example.org"), 0);

	/* writing through the own key proves the address works again */
	{
		struct md_record rec;

		mkmail(&rec, "reply", "e1@e", "eve@example.org", "Re: Printer", "I'm here");
		md_record_set(&rec, MD_F_KEY, key_of("eve@example.org", 0));
		ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
		md_record_free(&rec);
	}
	ck_assert_int_eq(num("SELECT count(*) FROM bounced", NULL), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM notes WHERE text = $1",
	    "eve@example.org wrote again: no longer marked as bounced"), 1);
}
END_TEST

/*
 * One inbox read filed as a batch: whatever depends on an earlier record
 * of the read comes out as it would one by one: a second copy is a
 * duplicate that takes no number, a reply to a request of the same read
 * becomes its note, a record of an unknown project fails alone.
 */
START_TEST(one_read_filed_as_batch)
{
	static const char *const spec[][4] = {	/* msgid, from, subject, project */
		{ "a@x", "carol@example.org", "Printer", "acme" },
		{ "b@x", "dave@example.org", "Scanner", "acme" },
		{ "a@x", "carol@example.org", "Printer", "acme" },	/* copy */
		{ "d@x", "carol@example.org", "Re: Printer", "acme" },	/* reply to a@x */
		{ "", "erin@example.org", "No id", "acme" },
		{ "f@x", "frank@example.org", "Lost", "ghost" },	/* no such project */
		{ "g@x", "gina@example.org", "Fax", "acme" },
	};
	enum { N = sizeof spec / sizeof spec[0] };
	struct md_record recs[N];
	struct md_ingest_item it[N];
	size_t i;

	memset(it, 0, sizeof it);
	for (i = 0; i < N; i++) {
		mkmail(&recs[i], "new", spec[i][0], spec[i][1], spec[i][2], "Help.");
		md_record_set(&recs[i], MD_F_PROJECT, spec[i][3]);
		it[i].entry_id = "";
		it[i].rec = &recs[i];
	}
	md_record_set(&recs[3], MD_F_IN_REPLY_TO, "a@x");
	md_tracker_ingest_batch(&st, &cfg, it, N);

	ck_assert_msg(it[0].rc == 0 && it[0].out.kind == MD_INGEST_CREATED &&
	    it[0].out.iid == 1, "a: %s", it[0].err);
	ck_assert(it[1].rc == 0 && it[1].out.kind == MD_INGEST_CREATED && it[1].out.iid == 2);
	ck_assert(it[2].rc == 0 && it[2].out.kind == MD_INGEST_DUP && it[2].out.iid == 1);
	ck_assert_msg(it[3].rc == 0 && it[3].out.kind == MD_INGEST_NOTE && it[3].out.iid == 1,
	    "reply: rc %d kind %d iid %ld %s", it[3].rc, it[3].out.kind, it[3].out.iid, it[3].err);
	ck_assert(it[4].rc == 0 && it[4].out.kind == MD_INGEST_CREATED && it[4].out.iid == 3);
	ck_assert_int_eq(it[5].rc, -1);
	ck_assert_str_eq(it[5].err, "no such project: ghost");
	ck_assert(it[6].rc == 0 && it[6].out.kind == MD_INGEST_CREATED && it[6].out.iid == 4);
	ck_assert_int_eq(num("SELECT last_iid FROM projects", NULL), 4);	/* no gap */
	ck_assert_int_eq(outbox_count(), 4);	/* one confirmation each */
	ck_assert_str_eq(val("SELECT title FROM issues WHERE iid = 2", NULL), "Scanner");
	ck_assert_str_eq(val("SELECT description FROM issues WHERE iid = 3", NULL), "Help.");
	for (i = 0; i < N; i++)
		md_record_free(&recs[i]);
}
END_TEST

static Suite *
conversation_suite(void)
{
	Suite *s = suite_create("conversation");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, participants_and_threading);
	tcase_add_test(tc, reply_by_message_id_and_tag);
	tcase_add_test(tc, quote_only_reply_forwards_nothing);
	tcase_add_test(tc, html_reply_trimmed_by_markers);
	tcase_add_test(tc, key_from_stranger_flagged);
	tcase_add_test(tc, unverified_sender_reply);
	tcase_add_test(tc, closed_issue_reopen_or_new);
	tcase_add_test(tc, unsubscribe_then_write_again);
	tcase_add_test(tc, automatic_mail_cap);
	tcase_add_test(tc, bounce_report_at_reply_key);
	tcase_add_test(tc, one_read_filed_as_batch);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(conversation_suite)
