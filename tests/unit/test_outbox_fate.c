/*
 * test_outbox_fate.c - how an outbound mail ends, one table row per case
 * (lib/policy/outbox_fate.c; the sender loop that carries it out is tested
 * against real PostgreSQL and a real SMTP peer in tests/worker/).
 */
#include "config.h"

#include <string.h>

#include "outbox_fate.h"
#include "unit.h"

#define DAY	86400L

struct row {
	const char		*name;
	struct md_fate_facts	 f;
	int			 before;	/* ask md_outbox_fate_before */
	enum md_fate		 fate;
	long			 delay_s;
	int			 keep_handover;
};

static const struct row rows[] = {
	{ "a fresh row is sent", { .kind = "confirmation" }, 1, MD_FATE_SEND, 0, 0 },
	{ "automatic mail a dead sender was handing over is dropped",
	  { .kind = "confirmation", .handover_marked = 1 }, 1, MD_FATE_DROP_HANDED_OVER, 0, 0 },
	{ "a responder's note a dead sender was handing over is sent again",
	  { .kind = "note", .handover_marked = 1 }, 1, MD_FATE_RESEND, 0, 0 },
	{ "a row without recipient or message is dropped",
	  { .kind = "note", .malformed = 1 }, 1, MD_FATE_DROP_MALFORMED, 0, 0 },
	{ "the relay took it", { .result = MD_SMTP_SENT }, 0, MD_FATE_SENT, 0, 0 },
	{ "5xx to RCPT bounces", { .result = MD_SMTP_PERMFAIL }, 0, MD_FATE_BOUNCE, 0, 0 },
	{ "5xx to the data: refused, nobody marked", { .result = MD_SMTP_REFUSED }, 0,
	  MD_FATE_REFUSED, 0, 0 },
	{ "claim lost during the handover", { .result = MD_SMTP_TEMPFAIL, .lost = 1 }, 0,
	  MD_FATE_TAKEN, 0, 0 },
	{ "first temporary failure waits retry_base_s",
	  { .result = MD_SMTP_TEMPFAIL, .attempts = 1 }, 0, MD_FATE_RETRY, 60, 0 },
	{ "the wait doubles", { .result = MD_SMTP_TEMPFAIL, .attempts = 3 }, 0,
	  MD_FATE_RETRY, 240, 0 },
	{ "the wait stops at retry_max_s", { .result = MD_SMTP_TEMPFAIL, .attempts = 30 }, 0,
	  MD_FATE_RETRY, 3600, 0 },
	{ "no marker, no final dot: retried, marker cleared",
	  { .result = MD_SMTP_TEMPFAIL, .hook_failed = 1, .uncertain = 1, .attempts = 1 }, 0,
	  MD_FATE_RETRY, 60, 0 },
	{ "no verdict on the data: retried, the marker stays",
	  { .result = MD_SMTP_TEMPFAIL, .uncertain = 1, .attempts = 2, .age_s = 6 * DAY }, 0,
	  MD_FATE_RETRY, 120, 1 },
	{ "temporary failures for five days end as a bounce",
	  { .result = MD_SMTP_TEMPFAIL, .attempts = 40, .age_s = 5 * DAY + 1 }, 0,
	  MD_FATE_GIVE_UP, 3600, 0 },
	{ "just under five days is retried",
	  { .result = MD_SMTP_TEMPFAIL, .attempts = 40, .age_s = 5 * DAY }, 0,
	  MD_FATE_RETRY, 3600, 0 },
};

START_TEST(decides_each_row)
{
	const struct row *r = &rows[_i];
	struct md_config cfg;
	struct md_fate_decision d;

	md_config_defaults(&cfg);
	cfg.retry_base_s = 60;
	cfg.retry_max_s = 3600;
	if (r->before)
		md_outbox_fate_before(&r->f, &d);
	else
		md_outbox_fate_after(&cfg, &r->f, &d);
	ck_assert_msg(d.fate == r->fate, "%s: fate %d", r->name, d.fate);
	if (d.fate == MD_FATE_RETRY || d.fate == MD_FATE_GIVE_UP)
		ck_assert_msg(d.delay_s == r->delay_s, "%s: delay %ld", r->name, d.delay_s);
	ck_assert_msg(d.keep_handover == r->keep_handover, "%s: keep", r->name);
	md_config_free(&cfg);
}
END_TEST

START_TEST(relay_unreachable)
{
	ck_assert_int_eq(md_outbox_relay_unreachable("connection refused"), 1);
	ck_assert_int_eq(md_outbox_relay_unreachable("421 4.3.2 shutting down"), 1);
	ck_assert_int_eq(md_outbox_relay_unreachable("451 4.3.0 try later"), 0);
	ck_assert_int_eq(md_outbox_relay_unreachable("450"), 0);
	ck_assert_int_eq(md_outbox_relay_unreachable(""), 1);
}
END_TEST

static Suite *
outbox_fate_suite(void)
{
	Suite *s = suite_create("outbox_fate");
	TCase *tc = tcase_create("outbox_fate");

	tcase_add_loop_test(tc, decides_each_row, 0, (int)(sizeof rows / sizeof rows[0]));
	tcase_add_test(tc, relay_unreachable);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(outbox_fate_suite)
