/*
 * test_dkim_attacks.c - a second reader's attacks on sender identity
 * (doc/reliability.md, "Attacks tried"): messages signed here with the
 * fixture keys (tests/fixtures/dkim) and then changed the way a forger
 * would, checked through md_dkim_verify() and md_auth_check() with a
 * table "DNS".  Each test names the attack; the expectation is that the
 * forged part is never counted as verified.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <opendkim/dkim.h>

#include "clock.h"
#include "dkim_fixture.h"
#include "dkim_verify.h"
#include "dmarc.h"
#include "dns_txt.h"
#include "sender_auth.h"
#include "spf.h"
#include "unit.h"

/*
 * Under the sanitizers: libopendkim does not free the Ed25519 key it loads
 * to sign (tests/lsan.supp names it), and LeakSanitizer's fast unwinder
 * stops inside libcrypto, short of the frame the suppression names.  The
 * slow one, for this program only (LSAN_OPTIONS still adds to it).
 */
const char *__lsan_default_options(void);
const char *
__lsan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

/* --- a table "DNS" ------------------------------------------------------------- */

static const char *zone_name[8], *zone_txt[8];
static int zone_n;

static void
zone_reset(void)
{
	zone_n = 0;
}

static void
zone_add(const char *name, const char *txt)
{
	zone_name[zone_n] = name;
	zone_txt[zone_n++] = txt;
}

static enum md_dns_status
zone_lookup(void *self, const char *name, long long deadline, md_txt_cb cb, void *arg)
{
	int i, found = 0;

	(void)self;
	(void)deadline;
	for (i = 0; i < zone_n; i++)
		if (strcasecmp(zone_name[i], name) == 0) {
			if (zone_txt[i] == NULL)
				return MD_DNS_TEMP;
			cb(arg, zone_txt[i], strlen(zone_txt[i]));
			found++;
		}
	return found ? MD_DNS_FOUND : MD_DNS_NONE;
}

static const struct md_txt_resolver zone_dns = { zone_lookup, NULL };

/* --- signing ------------------------------------------------------------------- */

static const char hdrs[] =
	"From: Carl <carl@example.org>\r\n"
	"To: support+acme@desk.test\r\n"
	"Subject: signed\r\n";
static const char body[] = "Hello desk,\r\nplease help.\r\n";

/*
 * One verifier for every test (checked fixture); it asks zone_dns, so a
 * test publishes the key it needs with publish().
 */
static struct md_dkim *vd;
static struct md_dkim_result r;
static char *published_key;

static void
publish(const char *selector_name, const char *zonefile)
{
	free(published_key);
	published_key = md_dkim_fixture_key(zonefile);
	zone_reset();
	zone_add(selector_name, published_key);
}

static void
setup(void)
{
	vd = md_dkim_new(&zone_dns);
	ck_assert_ptr_nonnull(vd);
	publish("sel._domainkey.example.org", "sel.txt");
}

static void
teardown(void)
{
	md_dkim_free(vd);
	free(published_key);
	published_key = NULL;
}

/* md_dkim_verify's summary into r (its reasons for the messages). */
static enum md_dkim_res
verify(const char *msg)
{
	ck_assert_int_eq(md_dkim_verify(vd, msg, strlen(msg), "example.org", 0, &r), 0);
	return r.res;
}

/* The control: the helpers make a message that passes. */
START_TEST(control_passes)
{
	struct md_dkim_signing sg = MD_DKIM_SIGNING("example.org");
	char *msg = md_dkim_fixture_sign(&sg, hdrs, body);

	ck_assert_msg(verify(msg) == MD_DKIM_PASS, "%s", r.sigs[0].why);
	free(msg);
}
END_TEST

/*
 * l= (body length): a forger appends text after the signed part of a real
 * signed message.  The signature covers the first l= bytes only, so it
 * must not vouch for the message: fail.  l= covering the whole body passes.
 */
START_TEST(body_length_appended)
{
	struct md_dkim_signing sg = MD_DKIM_SIGNING("example.org");
	char *msg, *longer;
	int i;

	sg.length = (ssize_t)strlen(body);
	msg = md_dkim_fixture_sign(&sg, hdrs, body);
	ck_assert_ptr_nonnull(strstr(msg, "l=27"));
	ck_assert_msg(verify(msg) == MD_DKIM_PASS, "%s", r.sigs[0].why);
	longer = malloc(strlen(msg) + 100);
	sprintf(longer, "%sPay the invoice to IBAN XX00 0000 today.\r\n", msg);
	ck_assert_int_eq(verify(longer), MD_DKIM_FAIL);
	ck_assert_str_eq(r.sigs[0].why, "l= does not cover the whole body");
	/* appended blank lines only: nothing the reader sees, still the whole body */
	sprintf(longer, "%s\r\n\r\n", msg);
	ck_assert_msg(verify(longer) == MD_DKIM_PASS, "%s", r.sigs[0].why);
	free(msg);

	/*
	 * Blanks the relaxed form shortens inside the signed part, and both
	 * body canonicalizations: l= is counted in canonical bytes, so the
	 * signed text must still be recognised as the whole body.
	 */
	for (i = 0; i < 2; i++) {
		static const char spaced[] = "Hello    desk,  \r\n\r\n\tplease\t\thelp.\r\n";

		sg.body_canon = i == 0 ? DKIM_CANON_RELAXED : DKIM_CANON_SIMPLE;
		sg.length = (ssize_t)strlen(spaced);
		msg = md_dkim_fixture_sign(&sg, hdrs, spaced);
		ck_assert_msg(verify(msg) == MD_DKIM_PASS, "%s", r.sigs[0].why);
		sprintf(longer, "%s \r\n\r\n", msg);
		ck_assert_msg(verify(longer) == MD_DKIM_PASS, "%s", r.sigs[0].why);
		sprintf(longer, "%sx", msg);
		ck_assert_int_eq(verify(longer), MD_DKIM_FAIL);
		free(msg);
	}
	free(longer);
}
END_TEST

/* rsa-sha1: RFC 8301 3.1, verifiers must not consider it valid. */
START_TEST(rsa_sha1)
{
	struct md_dkim_signing sg = MD_DKIM_SIGNING("example.org");
	char *msg, *h;

	/* the fixture's record says h=sha256; this one allows any hash */
	h = strstr(zone_txt[0], "h=sha256; ");
	ck_assert_ptr_nonnull(h);
	memmove(h, h + strlen("h=sha256; "), strlen(h + strlen("h=sha256; ")) + 1);
	sg.alg = DKIM_SIGN_RSASHA1;
	msg = md_dkim_fixture_sign(&sg, hdrs, body);
	ck_assert_ptr_nonnull(strstr(msg, "a=rsa-sha1"));
	ck_assert_int_eq(verify(msg), MD_DKIM_FAIL);
	ck_assert_str_eq(r.sigs[0].why, "rsa-sha1 is not accepted (RFC 8301)");
	free(msg);
}
END_TEST

/* A 512-bit RSA key: too small (RFC 8301 3.2: at least 1024). */
START_TEST(small_key)
{
	struct md_dkim_signing sg = { "small512.private", "small512", "example.org",
	    DKIM_SIGN_RSASHA256, -1, 0, 0, DKIM_CANON_RELAXED };
	char *msg;

	publish("small512._domainkey.example.org", "small512.txt");
	msg = md_dkim_fixture_sign(&sg, hdrs, body);
	ck_assert_int_eq(verify(msg), MD_DKIM_FAIL);
	free(msg);
}
END_TEST

/*
 * A key record longer than libopendkim's buffer: cut, it would lose its
 * last tags, here s= (the key is not for email, RFC 6376 3.6.1).  Too
 * long is no key.
 */
START_TEST(key_record_too_long)
{
	struct md_dkim_signing sg = MD_DKIM_SIGNING("example.org");
	char *msg = md_dkim_fixture_sign(&sg, hdrs, body), *rec, *short_rec;

	rec = malloc(strlen(zone_txt[0]) + 5000);
	sprintf(rec, "%s; n=%04000d; s=other", zone_txt[0], 0);
	zone_txt[0] = rec;
	ck_assert_int_eq(verify(msg), MD_DKIM_FAIL);
	/* the same tags in a short record: s=other alone refuses it too */
	short_rec = md_dkim_fixture_key("sel.txt");
	sprintf(rec, "%s; s=other", short_rec);
	ck_assert_int_eq(verify(msg), MD_DKIM_FAIL);
	free(msg);
	free(rec);
	free(short_rec);
}
END_TEST

/*
 * Ed25519 (RFC 8463) passes; the same signature under an RSA key record
 * (a key type that does not match a=) does not.
 */
START_TEST(ed25519)
{
	struct md_dkim_signing sg = { "ed.private", "ed", "example.org", DKIM_SIGN_ED25519SHA256, -1, 0, 0,
	    DKIM_CANON_RELAXED };
	char *msg, *rsa = md_dkim_fixture_key("sel.txt");

	publish("ed._domainkey.example.org", "ed.txt");
	msg = md_dkim_fixture_sign(&sg, hdrs, body);
	ck_assert_ptr_nonnull(strstr(msg, "a=ed25519-sha256"));
	ck_assert_msg(verify(msg) == MD_DKIM_PASS, "%s", r.sigs[0].why);
	zone_txt[0] = rsa;
	ck_assert_int_eq(verify(msg), MD_DKIM_FAIL);
	free(msg);
	free(rsa);
}
END_TEST

/*
 * d= with bytes no host name has (libopendkim's signer refuses them, a
 * forger's need not): never a pass, and never such bytes in the record's
 * dkim field or the log line.
 */
START_TEST(domain_with_control_bytes)
{
	static const char *const odd[] = { "ex\001mple.org", "exa\tple.org", "ex%mple.org" };
	struct md_dkim_signing sg = MD_DKIM_SIGNING("example.org");
	char *msg = md_dkim_fixture_sign(&sg, hdrs, body), *dtag = strstr(msg, "d=example.org;");
	size_t i, k;

	ck_assert_ptr_nonnull(dtag);
	for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		memcpy(dtag + 2, odd[i], strlen(odd[i]));
		ck_assert_int_ne(verify(msg), MD_DKIM_PASS);
		for (k = 0; r.sigs[0].domain[k] != '\0'; k++)
			ck_assert_msg(r.sigs[0].domain[k] > ' ' && r.sigs[0].domain[k] != '%',
			    "byte %d in %s", r.sigs[0].domain[k], odd[i]);
	}
	free(msg);
}
END_TEST

/* An algorithm nobody knows: fail, not pass, not an error that stops the rest. */
START_TEST(unknown_algorithm)
{
	struct md_dkim_signing sg = MD_DKIM_SIGNING("example.org");
	char *msg = md_dkim_fixture_sign(&sg, hdrs, body), *a = strstr(msg, "a=rsa-sha256");

	ck_assert_ptr_nonnull(a);
	memcpy(a, "a=rsa-sha999", 12);
	ck_assert_int_eq(verify(msg), MD_DKIM_FAIL);
	free(msg);
}
END_TEST

/* h= without "from": the signer vouched for other fields; From: is the forger's. */
START_TEST(from_not_signed)
{
	struct md_dkim_signing sg = MD_DKIM_SIGNING("example.org");
	char *msg = md_dkim_fixture_sign(&sg, "To: support+acme@desk.test\r\nSubject: signed\r\n", body), *m2;

	ck_assert_ptr_null(strstr(msg, "from"));
	m2 = malloc(strlen(msg) + 64);
	/* the From: after the signature, where a real one would be */
	sprintf(m2, "From: ceo@example.org\r\n%s", msg);
	ck_assert_int_eq(verify(m2), MD_DKIM_FAIL);
	free(msg);
	free(m2);
}
END_TEST

/* x= in the past, t= in the future. */
START_TEST(expired_and_future)
{
	struct md_dkim_signing sg = MD_DKIM_SIGNING("example.org");
	char *msg;

	sg.when = time(NULL) - 2 * 86400;
	sg.ttl = 3600;
	msg = md_dkim_fixture_sign(&sg, hdrs, body);
	ck_assert_ptr_nonnull(strstr(msg, "x="));
	ck_assert_int_eq(verify(msg), MD_DKIM_FAIL);
	free(msg);
	sg.when = time(NULL) + 2 * 86400;
	sg.ttl = 0;
	msg = md_dkim_fixture_sign(&sg, hdrs, body);
	ck_assert_int_eq(verify(msg), MD_DKIM_FAIL);
	free(msg);
}
END_TEST

/* A header field longer than MD_DKIM_FIELD_MAX: fail, no pass. */
START_TEST(huge_header)
{
	struct md_dkim_signing sg = MD_DKIM_SIGNING("example.org");
	char *msg = md_dkim_fixture_sign(&sg, hdrs, body), *big;
	size_t n = MD_DKIM_FIELD_MAX + 10;

	big = malloc(strlen(msg) + n + 16);
	memcpy(big, "X-Big: ", 7);
	memset(big + 7, 'a', n);
	sprintf(big + 7 + n, "\r\n%s", msg);
	ck_assert_int_eq(verify(big), MD_DKIM_FAIL);
	free(msg);
	free(big);
}
END_TEST

/*
 * The double-From attack past the header cap: a signed message of the
 * real author, MD_DKIM_HEADERS_MAX filler fields, then the forger's
 * From:.  Two From: fields are no single author, however far apart.
 */
START_TEST(second_from_after_many_fields)
{
	struct md_dkim_signing sg = MD_DKIM_SIGNING("example.org");
	struct md_auth_env env = { 0 };
	struct md_auth_result out;
	struct md_dkim_result dk;
	char *msg = md_dkim_fixture_sign(&sg, hdrs, body), *big, *p, *blank;
	int i;

	env.dkim = vd;
	env.dns = &zone_dns;
	big = malloc(strlen(msg) + (MD_DKIM_HEADERS_MAX + 10) * 16 + 64);
	/* the signed fields, the padding, the forged From:, the body */
	blank = strstr(msg, "\r\n\r\n") + 2;
	memcpy(big, msg, (size_t)(blank - msg));
	p = big + (blank - msg);
	for (i = 0; i < MD_DKIM_HEADERS_MAX + 5; i++)
		p += sprintf(p, "X-Pad: %d\r\n", i);
	p += sprintf(p, "From: ceo@bank.test\r\n");
	strcpy(p, blank);
	ck_assert_int_eq(md_header_count(big, strlen(big), "From"), 2);
	md_auth_check(&env, big, strlen(big), "carl@example.org", 1, MD_SPF_PASS, "example.org",
	    &out, &dk);
	ck_assert_int_eq(out.dmarc, MD_DMARC_PERMERROR);
	ck_assert_int_eq(out.sender_auth, MD_SENDER_AUTH_NO);
	free(msg);
	free(big);
}
END_TEST

/* Many signatures: at most MD_DKIM_MAX_SIGS key lookups, and the work ends. */
static int key_lookups;

static enum md_dns_status
counting_lookup(void *self, const char *name, long long deadline, md_txt_cb cb, void *arg)
{
	key_lookups++;
	return zone_lookup(self, name, deadline, cb, arg);
}

START_TEST(many_signatures)
{
	static const struct md_txt_resolver counting = { counting_lookup, NULL };
	struct md_dkim_signing sg = MD_DKIM_SIGNING("example.org");
	struct md_dkim *d;
	char *msg = md_dkim_fixture_sign(&sg, hdrs, body), *eol, *big, *p;
	size_t siglen;
	int i;

	/* the DKIM-Signature field 50 times in front of the message */
	for (eol = msg; !(eol[0] == '\r' && eol[1] == '\n' && eol[2] != ' ' && eol[2] != '\t');
	    eol++)
		;
	siglen = (size_t)(eol - msg) + 2;
	big = malloc(strlen(msg) + 50 * (siglen + 8));
	for (p = big, i = 0; i < 50; i++) {
		memcpy(p, msg, siglen);
		p += siglen;
	}
	strcpy(p, msg);
	key_lookups = 0;
	d = md_dkim_new(&counting);
	ck_assert_int_eq(md_dkim_verify(d, big, strlen(big), "example.org", 0, &r), 0);
	ck_assert_int_eq(r.res, MD_DKIM_PASS);
	ck_assert_uint_le(r.nsigs, MD_DKIM_MAX_SIGS);
	ck_assert_int_le(key_lookups, MD_DKIM_MAX_SIGS);
	md_dkim_free(d);
	free(msg);
	free(big);
}
END_TEST

/* From: domain spelled with a trailing dot or in capitals is still the desk's. */
START_TEST(desk_domain_spelled_differently)
{
	static const char *const spellings[] = { "desk.test.", "DESK.test", "Sub.Desk.Test." };
	struct md_auth_policy pol = { 1, 0, 1 };
	struct md_auth_result out;
	struct md_auth_input in;
	size_t i;

	for (i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
		memset(&in, 0, sizeof in);
		in.from_domain = spellings[i];
		in.from_count = 1;
		in.from_headers = 1;
		in.spf = MD_SPF_PASS;
		in.spf_domain = "attacker.test";
		in.desk_domain = "desk.test";
		md_auth_evaluate(&in, &pol, &out);
		ck_assert_msg(out.action == MD_AUTH_REJECT, "%s accepted", spellings[i]);
		ck_assert_int_eq(out.sender_auth, MD_SENDER_AUTH_NO);
		ck_assert_ptr_null(strchr(out.from_domain, 'D'));
		ck_assert_int_ne(out.from_domain[strlen(out.from_domain) - 1], '.');
	}
}
END_TEST

/*
 * A From: in the desk domain with a second From: field, or a second
 * mailbox: no single author, and still refused unauthenticated (the
 * tracker files the first mailbox).  Without a From: domain: accepted,
 * sender_auth=no.
 */
START_TEST(desk_from_with_second_author)
{
	struct md_auth_policy pol = { 1, 0, 1 };
	struct md_auth_result out;
	struct md_auth_input in;
	int variant;

	/* a From: domain that is no host name never reaches the reply (CR LF, '%') */
	memset(&in, 0, sizeof in);
	in.from_domain = "desk.test\r\n250 ok %s";
	in.from_count = 2;
	in.from_headers = 1;
	in.desk_domain = "desk.test";
	md_auth_evaluate(&in, &pol, &out);
	ck_assert_int_eq(out.action, MD_AUTH_ACCEPT);
	ck_assert_str_eq(out.from_domain, "");
	ck_assert_ptr_null(strpbrk(out.reason, "\r\n%"));
	for (variant = 0; variant < 3; variant++) {
		memset(&in, 0, sizeof in);
		in.from_domain = variant == 2 ? "" : "Desk.Test";
		in.from_count = variant == 1 ? 2 : 1;
		in.from_headers = variant == 0 ? 2 : 1;
		in.spf = MD_SPF_PASS;
		in.spf_domain = "attacker.test";
		in.desk_domain = "desk.test";
		md_auth_evaluate(&in, &pol, &out);
		ck_assert_int_eq(out.dmarc, MD_DMARC_PERMERROR);
		ck_assert_int_eq(out.sender_auth, MD_SENDER_AUTH_NO);
		ck_assert_int_eq(out.action, variant == 2 ? MD_AUTH_ACCEPT : MD_AUTH_REJECT);
	}
}
END_TEST

/*
 * A resolver like the real one about time: past the deadline every lookup
 * fails at once, and names under slow.test take until the deadline (a
 * forger's name server that never answers).
 */
static enum md_dns_status
slow_lookup(void *self, const char *name, long long deadline, md_txt_cb cb, void *arg)
{
	size_t n = strlen(name);

	if (deadline != 0 && md_now_ms() >= deadline)
		return MD_DNS_TEMP;
	if (n >= 9 && strcmp(name + n - 9, "slow.test") == 0) {
		while (deadline != 0 && md_now_ms() < deadline)
			usleep(5000);
		return MD_DNS_TEMP;
	}
	return zone_lookup(self, name, deadline, cb, arg);
}

/*
 * A forged From: of a p=reject domain carrying a signature of the forger's
 * own domain whose key server never answers: the DNS budget is spent on
 * that key, and the DMARC record must not then be "temperror" (accepted)
 * instead of the refusal the domain asked for.
 */
START_TEST(slow_key_does_not_hide_policy)
{
	static const struct md_txt_resolver slow = { slow_lookup, NULL };
	struct md_dkim_signing sg = MD_DKIM_SIGNING("slow.test");
	struct md_auth_env env = { 0 };
	struct md_auth_result out;
	struct md_dkim_result dk;
	char *msg = md_dkim_fixture_sign(&sg, hdrs, body);

	zone_reset();
	zone_add("_dmarc.example.org", "v=DMARC1; p=reject");
	env.dkim = md_dkim_new(&slow);
	env.dns = &slow;
	env.policy.dmarc_reject = 1;
	env.desk_domain = "desk.test";
	env.timeout_ms = 300;
	md_auth_check(&env, msg, strlen(msg), "carl@example.org", 1, MD_SPF_PASS, "attacker.test",
	    &out, &dk);
	ck_assert_int_eq(out.sender_auth, MD_SENDER_AUTH_NO);
	ck_assert_int_eq(out.dmarc, MD_DMARC_FAIL);
	ck_assert_int_eq(out.action, MD_AUTH_REJECT);
	md_dkim_free(env.dkim);
	free(msg);
}
END_TEST

/* --- DNS answers ------------------------------------------------------------------- */

struct txts {
	int	n;
	char	txt[4][600];
	size_t	len[4];
};

static void
collect_txt(void *arg, const char *txt, size_t len)
{
	struct txts *t = arg;

	if (t->n < 4) {
		memcpy(t->txt[t->n], txt, len + 1);
		t->len[t->n++] = len;
	}
}

/* An answer with one TXT RR whose rdata is given; ancount as given. */
static size_t
answer(unsigned char *buf, const unsigned char *rdata, size_t rdlen, int ancount)
{
	static const unsigned char head[] = {
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0,
		1, 'x', 4, 't', 'e', 's', 't', 0, 0, 16, 0, 1,
	};
	size_t o = sizeof head;

	memcpy(buf, head, sizeof head);
	buf[7] = (unsigned char)ancount;
	buf[o++] = 0xc0;
	buf[o++] = 12;				/* the name: a pointer to the question's */
	buf[o++] = 0;
	buf[o++] = 16;				/* TXT */
	buf[o++] = 0;
	buf[o++] = 1;				/* IN */
	memset(buf + o, 0, 4);			/* TTL */
	o += 4;
	buf[o++] = (unsigned char)(rdlen >> 8);
	buf[o++] = (unsigned char)rdlen;
	memcpy(buf + o, rdata, rdlen);
	return o + rdlen;
}

START_TEST(txt_split_and_hostile)
{
	unsigned char buf[2048], rd[600];
	struct txts t;
	size_t len, i;

	/* a record in many strings (keys are): concatenated without separators */
	for (i = 0; i < 100; i++) {
		rd[2 * i] = 1;
		rd[2 * i + 1] = (unsigned char)('a' + i % 26);
	}
	memset(&t, 0, sizeof t);
	len = answer(buf, rd, 200, 1);
	ck_assert_int_eq(md_dns_txt_parse(buf, len, collect_txt, &t), 1);
	ck_assert_uint_eq(t.len[0], 100);
	ck_assert_int_eq(t.txt[0][99], 'a' + 99 % 26);

	/* a string length past the rdata: malformed, no read beyond it */
	memcpy(rd, "\x05v=DMARC1\xff", 10);
	len = answer(buf, rd, 10, 1);
	ck_assert_int_eq(md_dns_txt_parse(buf, len, collect_txt, &t), -1);

	/* ancount larger than the answers present: a record may be missing */
	len = answer(buf, (const unsigned char *)"\x03" "abc", 4, 2);
	ck_assert_int_eq(md_dns_txt_parse(buf, len, collect_txt, &t), -1);

	/* rdlength past the end of the message */
	memset(&t, 0, sizeof t);
	len = answer(buf, (const unsigned char *)"\x03" "abc", 4, 1);
	buf[len - 5] = 0xff;
	ck_assert_int_eq(md_dns_txt_parse(buf, len, collect_txt, &t), -1);
	ck_assert_int_eq(t.n, 0);

	/* shorter than a DNS header */
	ck_assert_int_eq(md_dns_txt_parse(buf, 5, collect_txt, &t), -1);
}
END_TEST

static Suite *
dkim_attacks_suite(void)
{
	Suite *s = suite_create("dkim_attacks");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, control_passes);
	tcase_add_test(tc, body_length_appended);
	tcase_add_test(tc, rsa_sha1);
	tcase_add_test(tc, small_key);
	tcase_add_test(tc, unknown_algorithm);
	tcase_add_test(tc, ed25519);
	tcase_add_test(tc, domain_with_control_bytes);
	tcase_add_test(tc, key_record_too_long);
	tcase_add_test(tc, from_not_signed);
	tcase_add_test(tc, expired_and_future);
	tcase_add_test(tc, huge_header);
	tcase_add_test(tc, second_from_after_many_fields);
	tcase_add_test(tc, many_signatures);
	tcase_add_test(tc, desk_domain_spelled_differently);
	tcase_add_test(tc, desk_from_with_second_author);
	tcase_add_test(tc, slow_key_does_not_hide_policy);
	tcase_add_test(tc, txt_split_and_hostile);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(dkim_attacks_suite)
