/*
 * test_dmarc.c - sender identity: tag lists, DMARC records, organisational
 * domains, the record lookup through a table "DNS", DKIM verification of
 * messages signed here with the fixture key (tests/fixtures/dkim), and the
 * alignment/policy decision, table-driven.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dkim_fixture.h"
#include "dkim_verify.h"
#include "dmarc.h"
#include "record.h"
#include "sender_auth.h"
#include "spf.h"
#include "unit.h"

/* --- a table "DNS" ----------------------------------------------------------- */

struct txt_rr {
	const char *name, *txt;		/* txt NULL: SERVFAIL */
};

static struct txt_rr zone[16];
static int zone_n;
static int lookups;

static void
zone_reset(void)
{
	zone_n = 0;
	lookups = 0;
}

static void
zone_add(const char *name, const char *txt)
{
	zone[zone_n].name = name;
	zone[zone_n++].txt = txt;
}

static enum md_dns_status
zone_lookup(void *self, const char *name, long long deadline, md_txt_cb cb, void *arg)
{
	int i, found = 0;

	(void)self;
	(void)deadline;
	lookups++;
	for (i = 0; i < zone_n; i++)
		if (strcasecmp(zone[i].name, name) == 0) {
			if (zone[i].txt == NULL)
				return MD_DNS_TEMP;
			cb(arg, zone[i].txt, strlen(zone[i].txt));
			found++;
		}
	return found ? MD_DNS_FOUND : MD_DNS_NONE;
}

static const struct md_txt_resolver zone_dns = { zone_lookup, NULL };

/* --- tag lists and records -------------------------------------------------------- */

START_TEST(taglist)
{
	static const char l[] = " v=DMARC1 ;\tp = reject; rua=mailto:a@b.example;  ";
	char v[64];

	ck_assert_int_eq(md_taglist_get(l, strlen(l), "p", v, sizeof v), 1);
	ck_assert_str_eq(v, "reject");
	ck_assert_int_eq(md_taglist_get(l, strlen(l), "rua", v, sizeof v), 1);
	ck_assert_str_eq(v, "mailto:a@b.example");
	ck_assert_int_eq(md_taglist_get(l, strlen(l), "sp", v, sizeof v), 0);
	ck_assert_int_eq(md_taglist_get("v=1; broken; p=x", 16, "p", v, sizeof v), -1);
	ck_assert_int_eq(md_taglist_get("=x", 2, "p", v, sizeof v), -1);
	ck_assert_int_eq(md_taglist_get("p=reject", 8, "p", v, 4), -1);	/* too long */
	ck_assert_int_eq(md_taglist_get("", 0, "p", v, sizeof v), 0);
}
END_TEST

static const struct {
	const char *txt;
	int rc, p, sp, sspf, sdkim, pct;
} records[] = {
	{ "v=DMARC1; p=reject", 0, MD_DMARC_P_REJECT, MD_DMARC_P_REJECT, 0, 0, 100 },
	{ "v=DMARC1; p=none; sp=quarantine; adkim=s; aspf=s; pct=50", 0,
	  MD_DMARC_P_NONE, MD_DMARC_P_QUARANTINE, 1, 1, 50 },
	{ "v=DMARC1;p=Quarantine;", 0, MD_DMARC_P_QUARANTINE, MD_DMARC_P_QUARANTINE, 0, 0, 100 },
	{ "v=spf1 -all", -1, 0, 0, 0, 0, 0 },
	{ "p=reject; v=DMARC1", -1, 0, 0, 0, 0, 0 },	/* v= must come first */
	{ "v=DMARC2; p=reject", -1, 0, 0, 0, 0, 0 },
	{ "v=DMARC1", -2, 0, 0, 0, 0, 0 },		/* no p= */
	{ "v=DMARC1; p=bounce", -2, 0, 0, 0, 0, 0 },
	{ "v=DMARC1; p=reject; pct=101", -2, 0, 0, 0, 0, 0 },
	{ "v=DMARC1; p=reject; adkim=x", -2, 0, 0, 0, 0, 0 },
	{ "v=DMARC1; p=reject; junk", -2, 0, 0, 0, 0, 0 },
};

START_TEST(record_parse)
{
	struct md_dmarc_record r;
	int rc = md_dmarc_record_parse(records[_i].txt, strlen(records[_i].txt), &r);

	ck_assert_msg(rc == records[_i].rc, "%s: rc %d", records[_i].txt, rc);
	if (rc == 0) {
		ck_assert_int_eq(r.p, records[_i].p);
		ck_assert_int_eq(r.sp, records[_i].sp);
		ck_assert_int_eq(r.strict_spf, records[_i].sspf);
		ck_assert_int_eq(r.strict_dkim, records[_i].sdkim);
		ck_assert_int_eq(r.pct, records[_i].pct);
	}
}
END_TEST

START_TEST(org_domain)
{
	static const char *const t[][2] = {
		{ "example.org", "example.org" }, { "Mail.Example.ORG", "example.org" },
		{ "a.b.example.co.uk", "example.co.uk" }, { "co.uk", "co.uk" },
		{ "x.example.test", "example.test" }, { "example.org.", "example.org" },
		/* the list's private section: two customers of a host are not aligned */
		{ "victim.github.io", "victim.github.io" }, { "a.attacker.github.io", "attacker.github.io" },
	};
	char out[256];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		ck_assert_int_eq(md_org_domain(t[i][0], out, sizeof out), 0);
		ck_assert_str_eq(out, t[i][1]);
	}
	ck_assert_int_eq(md_org_domain("", out, sizeof out), -1);
	ck_assert_int_eq(md_org_domain("a..b", out, sizeof out), -1);
	ck_assert_int_eq(md_org_domain("evil%example.org", out, sizeof out), -1);
}
END_TEST

START_TEST(fetch)
{
	struct md_dmarc_record r;
	int at_org;

	zone_reset();
	zone_add("_dmarc.example.org", "v=DMARC1; p=reject; sp=none");
	zone_add("_dmarc.example.org", "some other text");
	zone_add("_dmarc.two.test", "v=DMARC1; p=reject");
	zone_add("_dmarc.two.test", "v=DMARC1; p=none");
	zone_add("_dmarc.bad.test", "v=DMARC1; p=maybe");
	zone_add("_dmarc.temp.test", NULL);
	ck_assert_int_eq(md_dmarc_fetch(&zone_dns, "example.org", 0, &r, &at_org), MD_DMARC_REC_FOUND);
	ck_assert_int_eq(r.p, MD_DMARC_P_REJECT);
	ck_assert_int_eq(at_org, 0);
	ck_assert_int_eq(md_dmarc_fetch(&zone_dns, "mail.example.org", 0, &r, &at_org),
	    MD_DMARC_REC_FOUND);
	ck_assert_int_eq(at_org, 1);
	ck_assert_int_eq(r.sp, MD_DMARC_P_NONE);
	ck_assert_int_eq(md_dmarc_fetch(&zone_dns, "two.test", 0, &r, &at_org), MD_DMARC_REC_NONE);
	/* several records at the From: domain: no policy, not the org domain's instead */
	zone_add("_dmarc.sub.example.org", "v=DMARC1; p=none");
	zone_add("_dmarc.sub.example.org", "v=DMARC1; p=quarantine");
	ck_assert_int_eq(md_dmarc_fetch(&zone_dns, "sub.example.org", 0, &r, &at_org),
	    MD_DMARC_REC_NONE);
	ck_assert_int_eq(md_dmarc_fetch(&zone_dns, "bad.test", 0, &r, &at_org),
	    MD_DMARC_REC_PERMERROR);
	ck_assert_int_eq(md_dmarc_fetch(&zone_dns, "temp.test", 0, &r, &at_org),
	    MD_DMARC_REC_TEMPERROR);
	ck_assert_int_eq(md_dmarc_fetch(&zone_dns, "x.temp.test", 0, &r, &at_org),
	    MD_DMARC_REC_TEMPERROR);
	ck_assert_int_eq(md_dmarc_fetch(&zone_dns, "nothing.test", 0, &r, &at_org),
	    MD_DMARC_REC_NONE);
}
END_TEST

/* --- DKIM with the fixture key ----------------------------------------------------------- */

static const char hdrs[] =
	"From: Carl <carl@example.org>\r\n"
	"To: support+acme@desk.test\r\n"
	"Subject: signed\r\n"
	"\tand folded\r\n";
static const char body[] = "Hello desk,\r\nplease help.\r\n";

/* The message signed by d=domain with the fixture key, as the milter holds it. */
static char *
signed_message(const char *domain)
{
	struct md_dkim_signing sg = MD_DKIM_SIGNING(domain);

	return md_dkim_fixture_sign(&sg, hdrs, body);
}

START_TEST(dkim_pass_fail_temp)
{
	struct md_dkim *d;
	struct md_dkim_result r;
	char *key = md_dkim_fixture_key("sel.txt"), *msg = signed_message("example.org"), *bad;

	zone_reset();
	zone_add("sel._domainkey.example.org", key);
	d = md_dkim_new(&zone_dns);
	ck_assert_ptr_nonnull(d);

	ck_assert_int_eq(md_dkim_verify(d, msg, strlen(msg), "example.org", 0, &r), 0);
	ck_assert_msg(r.res == MD_DKIM_PASS, "dkim %s (%s)", md_dkim_res_name(r.res), r.sigs[0].why);
	ck_assert_uint_eq(r.nsigs, 1);
	ck_assert_str_eq(r.sigs[0].domain, "example.org");

	/* body changed after signing */
	bad = strdup(msg);
	strstr(bad, "please")[0] = 'P';
	ck_assert_int_eq(md_dkim_verify(d, bad, strlen(bad), "example.org", 0, &r), 0);
	ck_assert_int_eq(r.res, MD_DKIM_FAIL);
	free(bad);

	/* the key cannot be fetched now: temperror; not published: fail */
	zone_reset();
	zone_add("sel._domainkey.example.org", NULL);
	ck_assert_int_eq(md_dkim_verify(d, msg, strlen(msg), "example.org", 0, &r), 0);
	ck_assert_int_eq(r.res, MD_DKIM_TEMPERROR);
	zone_reset();
	ck_assert_int_eq(md_dkim_verify(d, msg, strlen(msg), "example.org", 0, &r), 0);
	ck_assert_int_eq(r.res, MD_DKIM_FAIL);

	/* no signature: none, and no DNS at all */
	zone_reset();
	ck_assert_int_eq(md_dkim_verify(d, hdrs, strlen(hdrs), "example.org", 0, &r), 0);
	ck_assert_int_eq(r.res, MD_DKIM_NONE);
	ck_assert_int_eq(lookups, 0);

	md_dkim_free(d);
	free(msg);
	free(key);
}
END_TEST

/* Another domain's signature whose key lookup fails, in front of a good aligned one. */
START_TEST(dkim_two_signatures)
{
	struct md_dkim *d;
	struct md_dkim_result r;
	char *key = md_dkim_fixture_key("sel.txt"), *good = signed_message("example.org");
	char *other = signed_message("mailer.test"), *msg, *eol;
	size_t i;

	/* other's DKIM-Signature field (up to its final CRLF), then good */
	for (eol = other; !(eol[0] == '\r' && eol[1] == '\n' && eol[2] != ' ' && eol[2] != '\t'); eol++)
		;
	msg = malloc(strlen(good) + (size_t)(eol - other) + 3);
	memcpy(msg, other, (size_t)(eol - other) + 2);
	strcpy(msg + (eol - other) + 2, good);
	zone_reset();
	zone_add("sel._domainkey.example.org", key);
	zone_add("sel._domainkey.mailer.test", NULL);
	d = md_dkim_new(&zone_dns);
	ck_assert_int_eq(md_dkim_verify(d, msg, strlen(msg), "example.org", 0, &r), 0);
	ck_assert_int_eq(r.res, MD_DKIM_PASS);
	ck_assert_uint_eq(r.nsigs, 2);
	for (i = 0; i < r.nsigs; i++)
		ck_assert_int_eq(r.sigs[i].res, strcmp(r.sigs[i].domain, "example.org") == 0 ?
		    MD_DKIM_PASS : MD_DKIM_TEMPERROR);
	md_dkim_free(d);
	free(msg);
	free(good);
	free(other);
	free(key);
}
END_TEST

START_TEST(dkim_through_auth_check)
{
	struct md_auth_env env = { 0 };
	struct md_auth_result out;
	struct md_dkim_result dk;
	char *key = md_dkim_fixture_key("sel.txt"), *msg = signed_message("example.org"), f[300];

	zone_reset();
	zone_add("sel._domainkey.example.org", key);
	zone_add("_dmarc.example.org", "v=DMARC1; p=reject");
	env.dkim = md_dkim_new(&zone_dns);
	env.dns = &zone_dns;
	env.policy.dmarc_reject = 1;
	env.policy.desk_from_auth = 1;
	env.desk_domain = "desk.test";
	/* SPF passed for someone else's domain: DKIM carries it */
	md_auth_check(&env, msg, strlen(msg), "carl@example.org", 1, MD_SPF_PASS, "relay.test",
	    &out, &dk);
	ck_assert_int_eq(out.dmarc, MD_DMARC_PASS);
	ck_assert_int_eq(out.sender_auth, MD_SENDER_AUTH_YES);
	ck_assert_str_eq(out.aligned_by, "dkim");
	ck_assert_int_eq(out.action, MD_AUTH_ACCEPT);
	md_auth_dkim_field(&out, f, sizeof f);
	ck_assert_str_eq(f, "pass example.org");

	/* the same signature under a forged second From: header: no single author */
	{
		char *two = malloc(strlen(msg) + 64);

		sprintf(two, "From: eve@attacker.test\r\n%s", msg);
		md_auth_check(&env, two, strlen(two), "carl@example.org", 1, MD_SPF_PASS,
		    "attacker.test", &out, &dk);
		ck_assert_int_eq(out.dmarc, MD_DMARC_PERMERROR);
		ck_assert_int_eq(out.sender_auth, MD_SENDER_AUTH_NO);
		free(two);
	}
	md_dkim_free(env.dkim);
	free(msg);
	free(key);
}
END_TEST

/* --- the decision, table-driven ------------------------------------------------------------------ */

#define REC(p_, sp_, pct_)	{ p_, sp_, 0, 0, pct_ }
#define SIG(d, r)		{ r, 1, { { d, r, "" } } }

static const struct md_dmarc_record rec_reject = REC(MD_DMARC_P_REJECT, MD_DMARC_P_REJECT, 100);
static const struct md_dmarc_record rec_quar = REC(MD_DMARC_P_QUARANTINE, MD_DMARC_P_QUARANTINE, 100);
static const struct md_dmarc_record rec_reject_sp_none = REC(MD_DMARC_P_REJECT, MD_DMARC_P_NONE, 100);
static const struct md_dmarc_record rec_reject_pct = REC(MD_DMARC_P_REJECT, MD_DMARC_P_REJECT, 20);
static const struct md_dmarc_record rec_strict = { MD_DMARC_P_REJECT, MD_DMARC_P_REJECT, 1, 1, 100 };
static const struct md_dkim_result dk_none = { MD_DKIM_NONE, 0, { { "", 0, "" } } };
static const struct md_dkim_result dk_org = SIG("example.org", MD_DKIM_PASS);
static const struct md_dkim_result dk_sub = SIG("mail.example.org", MD_DKIM_PASS);
static const struct md_dkim_result dk_other = SIG("mailer.test", MD_DKIM_PASS);
static const struct md_dkim_result dk_fail = SIG("example.org", MD_DKIM_FAIL);
static const struct md_dkim_result dk_temp = SIG("example.org", MD_DKIM_TEMPERROR);
static const struct md_dkim_result dk_desk = SIG("desk.test", MD_DKIM_PASS);

#define NO	MD_SENDER_AUTH_NO
#define YES	MD_SENDER_AUTH_YES
#define DEFAULT_POL	{ 1, 0, 1 }

static const struct {
	const char *what;
	const char *from;
	int spf;
	const char *spf_domain;
	const struct md_dkim_result *dkim;
	enum md_dmarc_lookup st;
	const struct md_dmarc_record *rec;
	int at_org;
	struct md_auth_policy pol;
	/* expected */
	enum md_dmarc_res dmarc;
	enum md_sender_auth auth;
	enum md_auth_action action;
	const char *dkim_field;
} cases[] = {
	{ "aligned DKIM, p=reject", "example.org", MD_SPF_NONE, "x.test", &dk_org,
	  MD_DMARC_REC_FOUND, &rec_reject, 0, DEFAULT_POL, MD_DMARC_PASS, YES, MD_AUTH_ACCEPT,
	  "pass example.org" },
	{ "aligned SPF, no DKIM", "example.org", MD_SPF_PASS, "bounce.example.org", &dk_none,
	  MD_DMARC_REC_FOUND, &rec_reject, 0, DEFAULT_POL, MD_DMARC_PASS, YES, MD_AUTH_ACCEPT, "none" },
	{ "subdomain DKIM, relaxed", "example.org", MD_SPF_NONE, "", &dk_sub,
	  MD_DMARC_REC_FOUND, &rec_reject, 0, DEFAULT_POL, MD_DMARC_PASS, YES, MD_AUTH_ACCEPT,
	  "pass mail.example.org" },
	{ "subdomain DKIM, adkim=s", "example.org", MD_SPF_NONE, "", &dk_sub,
	  MD_DMARC_REC_FOUND, &rec_strict, 0, DEFAULT_POL, MD_DMARC_FAIL, NO, MD_AUTH_REJECT,
	  "pass mail.example.org" },
	{ "forged From:, p=reject", "example.org", MD_SPF_PASS, "attacker.test", &dk_other,
	  MD_DMARC_REC_FOUND, &rec_reject, 0, DEFAULT_POL, MD_DMARC_FAIL, NO, MD_AUTH_REJECT,
	  "pass mailer.test" },
	{ "forged From:, p=reject, dmarc_reject=no", "example.org", MD_SPF_PASS, "attacker.test",
	  &dk_none, MD_DMARC_REC_FOUND, &rec_reject, 0, { 0, 0, 1 }, MD_DMARC_FAIL, NO,
	  MD_AUTH_ACCEPT, "none" },
	{ "SPF fail-through, broken DKIM", "example.org", MD_SPF_SOFTFAIL, "example.org", &dk_fail,
	  MD_DMARC_REC_FOUND, &rec_reject, 0, DEFAULT_POL, MD_DMARC_FAIL, NO, MD_AUTH_REJECT, "fail" },
	{ "aligned key unavailable: temperror, accepted", "example.org", MD_SPF_NONE, "", &dk_temp,
	  MD_DMARC_REC_FOUND, &rec_reject, 0, DEFAULT_POL, MD_DMARC_TEMPERROR, NO, MD_AUTH_ACCEPT,
	  "temperror" },
	{ "record temperror: accepted", "example.org", MD_SPF_NONE, "", &dk_none,
	  MD_DMARC_REC_TEMPERROR, NULL, 0, DEFAULT_POL, MD_DMARC_TEMPERROR, NO, MD_AUTH_ACCEPT, "none" },
	{ "p=quarantine fail: accepted by default", "example.org", MD_SPF_NONE, "", &dk_none,
	  MD_DMARC_REC_FOUND, &rec_quar, 0, DEFAULT_POL, MD_DMARC_FAIL, NO, MD_AUTH_ACCEPT, "none" },
	{ "p=quarantine fail, dmarc_quarantine=reject", "example.org", MD_SPF_NONE, "", &dk_none,
	  MD_DMARC_REC_FOUND, &rec_quar, 0, { 1, 1, 1 }, MD_DMARC_FAIL, NO, MD_AUTH_REJECT, "none" },
	{ "pct=20: reject becomes quarantine", "example.org", MD_SPF_NONE, "", &dk_none,
	  MD_DMARC_REC_FOUND, &rec_reject_pct, 0, DEFAULT_POL, MD_DMARC_FAIL, NO, MD_AUTH_ACCEPT, "none" },
	{ "subdomain under sp=none", "news.example.org", MD_SPF_NONE, "", &dk_none,
	  MD_DMARC_REC_FOUND, &rec_reject_sp_none, 1, DEFAULT_POL, MD_DMARC_FAIL, NO, MD_AUTH_ACCEPT,
	  "none" },
	{ "no record, no auth", "example.org", MD_SPF_NEUTRAL, "example.org", &dk_none,
	  MD_DMARC_REC_NONE, NULL, 0, DEFAULT_POL, MD_DMARC_NONE, NO, MD_AUTH_ACCEPT, "none" },
	{ "no record, aligned SPF", "example.org", MD_SPF_PASS, "example.org", NULL,
	  MD_DMARC_REC_NONE, NULL, 0, DEFAULT_POL, MD_DMARC_NONE, YES, MD_AUTH_ACCEPT, "none" },
	{ "broken record", "example.org", MD_SPF_NONE, "", &dk_none,
	  MD_DMARC_REC_PERMERROR, NULL, 0, DEFAULT_POL, MD_DMARC_PERMERROR, NO, MD_AUTH_ACCEPT, "none" },
	{ "desk domain, unauthenticated", "desk.test", MD_SPF_PASS, "attacker.test", &dk_none,
	  MD_DMARC_REC_NONE, NULL, 0, DEFAULT_POL, MD_DMARC_NONE, NO, MD_AUTH_REJECT, "none" },
	{ "desk subdomain, unauthenticated", "mail.desk.test", MD_SPF_NONE, "", &dk_none,
	  MD_DMARC_REC_NONE, NULL, 0, DEFAULT_POL, MD_DMARC_NONE, NO, MD_AUTH_REJECT, "none" },
	{ "desk domain, desk_from_auth=no", "desk.test", MD_SPF_NONE, "", &dk_none,
	  MD_DMARC_REC_NONE, NULL, 0, { 1, 0, 0 }, MD_DMARC_NONE, NO, MD_AUTH_ACCEPT, "none" },
	{ "desk domain, DKIM signed", "desk.test", MD_SPF_NONE, "", &dk_desk,
	  MD_DMARC_REC_NONE, NULL, 0, DEFAULT_POL, MD_DMARC_NONE, YES, MD_AUTH_ACCEPT, "pass desk.test" },
	{ "desk domain, DNS trouble: 451", "desk.test", MD_SPF_NONE, "", &dk_none,
	  MD_DMARC_REC_TEMPERROR, NULL, 0, DEFAULT_POL, MD_DMARC_TEMPERROR, NO, MD_AUTH_TEMPFAIL, "none" },
	{ "lookalike of the desk domain", "notdesk.test", MD_SPF_NONE, "", &dk_none,
	  MD_DMARC_REC_NONE, NULL, 0, DEFAULT_POL, MD_DMARC_NONE, NO, MD_AUTH_ACCEPT, "none" },
	/* SPF of an aligned domain not known now: doubt, never a 550 (the milter's RCPT rule 451s first) */
	{ "aligned SPF temperror, p=reject", "example.org", MD_SPF_TEMPERROR, "example.org", &dk_none,
	  MD_DMARC_REC_FOUND, &rec_reject, 0, DEFAULT_POL, MD_DMARC_TEMPERROR, NO, MD_AUTH_ACCEPT,
	  "none" },
	{ "desk domain, SPF temperror: 451", "desk.test", MD_SPF_TEMPERROR, "desk.test", &dk_none,
	  MD_DMARC_REC_NONE, NULL, 0, DEFAULT_POL, MD_DMARC_NONE, NO, MD_AUTH_TEMPFAIL, "none" },
	{ "unaligned SPF temperror, p=reject", "example.org", MD_SPF_TEMPERROR, "other.test",
	  &dk_none, MD_DMARC_REC_FOUND, &rec_reject, 0, DEFAULT_POL, MD_DMARC_FAIL, NO,
	  MD_AUTH_REJECT, "none" },
	{ "no From: domain", "", MD_SPF_PASS, "example.org", &dk_org,
	  MD_DMARC_REC_NONE, NULL, 0, DEFAULT_POL, MD_DMARC_PERMERROR, NO, MD_AUTH_ACCEPT,
	  "pass example.org" },
};

START_TEST(decide)
{
	struct md_auth_input in = {
		.from_domain = cases[_i].from, .from_count = 1, .from_headers = 1,
		.spf = cases[_i].spf, .spf_domain = cases[_i].spf_domain, .dkim = cases[_i].dkim,
		.rec_status = cases[_i].st, .rec = cases[_i].rec, .rec_at_org = cases[_i].at_org,
		.desk_domain = "desk.test",
	};
	struct md_auth_result out;
	char f[300];

	md_auth_evaluate(&in, &cases[_i].pol, &out);
	ck_assert_msg(out.dmarc == cases[_i].dmarc, "%s: dmarc=%s", cases[_i].what,
	    md_dmarc_res_name(out.dmarc));
	ck_assert_msg(out.sender_auth == cases[_i].auth, "%s: sender_auth=%d", cases[_i].what,
	    out.sender_auth);
	ck_assert_msg(out.action == cases[_i].action, "%s: action=%d (%s)", cases[_i].what,
	    out.action, out.reason);
	md_auth_dkim_field(&out, f, sizeof f);
	ck_assert_msg(strcmp(f, cases[_i].dkim_field) == 0, "%s: dkim=%s", cases[_i].what, f);
	if (out.action == MD_AUTH_REJECT) {
		ck_assert_str_eq(out.xcode, "5.7.1");
		ck_assert_ptr_null(strpbrk(out.reason, "%\r\n"));
		ck_assert_uint_gt(strlen(out.reason), 20);
	}
}
END_TEST

/* The responder-domain rule: asked only when it matters, then the desk domain's answer. */
START_TEST(responder_domain)
{
	struct md_auth_policy pol = DEFAULT_POL, off = { 1, 0, 0 };
	struct md_auth_input in = {
		.from_domain = "Team.Example", .from_count = 1, .from_headers = 1,
		.spf = MD_SPF_PASS, .spf_domain = "attacker.test", .dkim = &dk_none,
		.rec_status = MD_DMARC_REC_NONE, .desk_domain = "desk.test",
	};
	struct md_auth_result out;

	md_auth_evaluate(&in, &pol, &out);
	ck_assert_int_eq(out.action, MD_AUTH_ACCEPT);
	ck_assert_str_eq(out.from_domain, "team.example");	/* the view's case */
	ck_assert_int_eq(md_auth_wants_responder_check(&out, &pol), 1);
	ck_assert_int_eq(md_auth_wants_responder_check(&out, &off), 0);
	md_auth_responder_domain(&out);
	ck_assert_int_eq(out.action, MD_AUTH_REJECT);
	ck_assert_str_eq(out.xcode, "5.7.1");
	ck_assert_ptr_nonnull(strstr(out.reason, "team.example (the domain of a responder's "
	    "address) must be authenticated"));
	ck_assert_ptr_null(strpbrk(out.reason, "%\r\n"));

	/* DNS trouble: retry, as for the desk domain */
	in.rec_status = MD_DMARC_REC_TEMPERROR;
	md_auth_evaluate(&in, &pol, &out);
	ck_assert_int_eq(md_auth_wants_responder_check(&out, &pol), 1);
	md_auth_responder_domain(&out);
	ck_assert_int_eq(out.action, MD_AUTH_TEMPFAIL);
	ck_assert_str_eq(out.xcode, "4.4.3");

	/* authenticated: Redis is not even asked */
	in.rec_status = MD_DMARC_REC_NONE;
	in.spf_domain = "mail.team.example";
	md_auth_evaluate(&in, &pol, &out);
	ck_assert_int_eq(out.sender_auth, MD_SENDER_AUTH_YES);
	ck_assert_int_eq(md_auth_wants_responder_check(&out, &pol), 0);

	/* refused already (p=reject), no single From:, not judged */
	in.spf_domain = "attacker.test";
	in.rec_status = MD_DMARC_REC_FOUND;
	in.rec = &rec_reject;
	md_auth_evaluate(&in, &pol, &out);
	ck_assert_int_eq(out.action, MD_AUTH_REJECT);
	ck_assert_int_eq(md_auth_wants_responder_check(&out, &pol), 0);
	/*
	 * No single From: (a second field): not authenticated, and the first
	 * mailbox, which the tracker files, is still checked against the
	 * responder domains (a second From: must not get a responder's past)
	 */
	in.rec_status = MD_DMARC_REC_NONE;
	in.from_headers = 2;
	md_auth_evaluate(&in, &pol, &out);
	ck_assert_int_eq(out.dmarc, MD_DMARC_PERMERROR);
	ck_assert_int_eq(out.sender_auth, MD_SENDER_AUTH_NO);
	ck_assert_int_eq(md_auth_wants_responder_check(&out, &pol), 1);
	in.from_domain = "";
	md_auth_evaluate(&in, &pol, &out);
	ck_assert_int_eq(md_auth_wants_responder_check(&out, &pol), 0);
	md_auth_skipped(&out);
	ck_assert_int_eq(md_auth_wants_responder_check(&out, &pol), 0);
	md_auth_unchecked(&out);
	ck_assert_int_eq(md_auth_wants_responder_check(&out, &pol), 0);
}
END_TEST

/* A project's policy decides again on the same facts (md_auth_decide). */
START_TEST(decide_again)
{
	struct md_auth_policy strict = { 1, 1, 1 }, relaxed = { 0, 0, 0 };
	struct md_auth_input in = {
		.from_domain = "example.org", .from_count = 1, .from_headers = 1,
		.spf = MD_SPF_PASS, .spf_domain = "attacker.test", .dkim = &dk_none,
		.rec_status = MD_DMARC_REC_FOUND, .rec = &rec_reject, .desk_domain = "desk.test",
	};
	struct md_auth_result out;

	md_auth_evaluate(&in, &strict, &out);
	ck_assert_int_eq(out.action, MD_AUTH_REJECT);
	md_auth_decide(&out, &relaxed, "desk.test");
	ck_assert_int_eq(out.action, MD_AUTH_ACCEPT);
	ck_assert_str_eq(out.reason, "");
	ck_assert_int_eq(out.dmarc, MD_DMARC_FAIL);	/* the facts stay */
	md_auth_decide(&out, &strict, "desk.test");
	ck_assert_int_eq(out.action, MD_AUTH_REJECT);
	ck_assert_ptr_nonnull(strstr(out.reason, "example.org asks receivers to reject"));
	/* the desk domain under desk_from_auth off, then on */
	in.from_domain = "desk.test";
	in.rec_status = MD_DMARC_REC_NONE;
	md_auth_evaluate(&in, &relaxed, &out);
	ck_assert_int_eq(out.action, MD_AUTH_ACCEPT);
	md_auth_decide(&out, &strict, "desk.test");
	ck_assert_int_eq(out.action, MD_AUTH_REJECT);
	/* nothing judged: nothing to refuse */
	md_auth_unchecked(&out);
	md_auth_decide(&out, &strict, "desk.test");
	ck_assert_int_eq(out.action, MD_AUTH_ACCEPT);
}
END_TEST

START_TEST(record_fields)
{
	struct md_record rec;
	struct md_auth_result r;

	md_record_init(&rec);
	md_auth_skipped(&r);
	ck_assert_int_eq(md_auth_record_set(&rec, &r), 0);
	ck_assert_str_eq(md_record_get(&rec, MD_F_DMARC), "skipped");
	ck_assert_str_eq(md_record_get(&rec, MD_F_DKIM), "skipped");
	ck_assert_str_eq(md_record_get(&rec, MD_F_SENDER_AUTH), "yes");
	ck_assert_str_eq(md_record_field_name(MD_F_SENDER_AUTH), "sender_auth");
	md_record_free(&rec);

	/* sender_auth_check = no: "skipped", which the tracker does not take
	 * as authenticated (only "yes" is); never "yes" (issue 17 audit). */
	md_record_init(&rec);
	md_auth_unchecked(&r);
	ck_assert_int_eq(md_auth_record_set(&rec, &r), 0);
	ck_assert_str_eq(md_record_get(&rec, MD_F_DMARC), "skipped");
	ck_assert_str_eq(md_record_get(&rec, MD_F_DKIM), "skipped");
	ck_assert_str_eq(md_record_get(&rec, MD_F_SENDER_AUTH), "skipped");
	ck_assert_int_eq(r.sender_auth, MD_SENDER_AUTH_SKIPPED);
	md_record_free(&rec);
}
END_TEST

static Suite *
dmarc_suite(void)
{
	Suite *s = suite_create("dmarc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, taglist);
	tcase_add_loop_test(tc, record_parse, 0, (int)(sizeof records / sizeof records[0]));
	tcase_add_test(tc, org_domain);
	tcase_add_test(tc, fetch);
	tcase_add_test(tc, dkim_pass_fail_temp);
	tcase_add_test(tc, dkim_two_signatures);
	tcase_add_test(tc, dkim_through_auth_check);
	tcase_add_loop_test(tc, decide, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, responder_domain);
	tcase_add_test(tc, decide_again);
	tcase_add_test(tc, record_fields);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(dmarc_suite)
