/*
 * doctor_checks_net.c - what the programs reach over the network besides
 * Redis: the tracker database, the resolver, spamd, the relay and the
 * public base_url.  Each step has a timeout, so a black-holed address
 * costs the admin seconds, not a hung command.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <libpq-fe.h>

#include "clock.h"
#include "db.h"
#include "dns_txt.h"
#include "doctor_checks.h"
#include "redact.h"
#include "spamd.h"

/* ---- PostgreSQL --------------------------------------------------------------- */

static void
check_one_db(struct md_doctor *d, const char *role, const char *conninfo)
{
	char name[48], err[512], *withtimeout;
	struct md_db *db;
	size_t len;
	int v;

	snprintf(name, sizeof name, "db.%s", role);
	/*
	 * libpq waits for a connection without limit by default.  A keyword
	 * given twice takes the later value, so the admin's own
	 * connect_timeout still wins; a URI takes no such prefix.
	 */
	len = strlen(conninfo) + 32;
	if ((withtimeout = malloc(len)) == NULL)
		return;
	if (strstr(conninfo, "://") != NULL)
		snprintf(withtimeout, len, "%s", conninfo);
	else
		snprintf(withtimeout, len, "connect_timeout=5 %s", conninfo);
	db = md_db_new(withtimeout);
	free(withtimeout);
	if (db == NULL)
		return;
	if (md_db_connect(db, err, sizeof err) < 0)
		md_doctor_add(d, name, MD_CHECK_FAIL,
		    "start PostgreSQL, or fix database / <program>_database (maildesk.conf(5))",
		    "maildesk-%s cannot reach the database: %s", role, err);
	else if (md_db_schema_check(db, err, sizeof err) < 0)
		md_doctor_add(d, name, MD_CHECK_FAIL, NULL, "%s", err);
	else if ((v = md_db_schema_get(db, err, sizeof err)) < 0)
		md_doctor_add(d, name, MD_CHECK_FAIL, NULL, "%s", err);
	else
		md_doctor_add(d, name, MD_CHECK_OK, NULL,
		    "maildesk-%s connects as role %s; schema version %d as this maildesk needs",
		    role, PQuser(md_db_conn(db)), v);
	md_db_free(db);
}

void
md_doctor_check_db(struct md_doctor *d, const struct md_config *cfg)
{
	const struct { const char *role; const char *own; } dbs[] = {
		{ "worker", cfg->worker_database },
		{ "web", cfg->web_database },
		{ "cli", cfg->cli_database },
	};
	size_t i;

	for (i = 0; i < sizeof dbs / sizeof dbs[0]; i++)
		check_one_db(d, dbs[i].role, dbs[i].own != NULL && *dbs[i].own != '\0' ?
		    dbs[i].own : cfg->database);
}

/* ---- DNS ------------------------------------------------------------------------ */

static void
saw_txt(void *arg, const char *txt, size_t len)
{
	int *spf = arg;

	if (len >= 6 && strncasecmp(txt, "v=spf1", 6) == 0 && (len == 6 || txt[6] == ' '))
		*spf = 1;
}

void
md_doctor_check_dns(struct md_doctor *d, const struct md_config *cfg,
    const struct md_doctor_opts *opts)
{
	/* Only the SPF, DKIM and DMARC checks of the milter need DNS. */
	enum md_check_status bad = cfg->spf_enable || cfg->sender_auth_check ?
	    MD_CHECK_FAIL : MD_CHECK_WARN;
	long long start = md_now_ms(), ms;
	enum md_dns_status st;
	int spf = 0;

	st = md_dns_txt(NULL, opts->dns_name, start + opts->timeout_ms, saw_txt, &spf);
	ms = md_now_ms() - start;
	if (st == MD_DNS_TEMP)
		md_doctor_add(d, "dns", bad,
		    "check /etc/resolv.conf and the resolver it names",
		    "no answer for TXT %s within %lld ms: SPF checks end in temperror "
		    "and DMARC in temperror", opts->dns_name, ms);
	else if (!spf)
		md_doctor_add(d, "dns", MD_CHECK_WARN,
		    "try --dns-name with a domain you know publishes SPF",
		    "the resolver answered for %s in %lld ms, but with no SPF record",
		    opts->dns_name, ms);
	else if (ms > 2000)
		md_doctor_add(d, "dns", MD_CHECK_WARN,
		    "a caching resolver on this host (unbound) makes SPF checks faster",
		    "SPF record of %s in %lld ms: slow for a check made during SMTP",
		    opts->dns_name, ms);
	else
		md_doctor_add(d, "dns", MD_CHECK_OK, NULL, "SPF record of %s in %lld ms",
		    opts->dns_name, ms);
}

/* ---- spamd ------------------------------------------------------------------------ */

void
md_doctor_check_spamd(struct md_doctor *d, const struct md_config *cfg,
    const struct md_doctor_opts *opts)
{
	long long start = md_now_ms();
	char err[512];

	if (cfg->spamd_address == NULL || *cfg->spamd_address == '\0') {
		md_doctor_add(d, "spamd", MD_CHECK_OK, NULL,
		    "not configured (spamd_address is empty): the built-in rules score alone");
		return;
	}
	if (md_spamd_ping(cfg->spamd_address, opts->timeout_ms, err, sizeof err) < 0)
		md_doctor_add(d, "spamd", MD_CHECK_FAIL,
		    "start spamd (systemctl status spamd), or fix spamd_address",
		    "%s does not answer PING (%s); meanwhile the milter %s",
		    cfg->spamd_address, err, cfg->spamd_fallback == MD_FALLBACK_TEMPFAIL ?
		    "answers 451 to desk mail (spamd_fallback = tempfail)" :
		    "scores desk mail without it (spamd_fallback = ignore)");
	else
		md_doctor_add(d, "spamd", MD_CHECK_OK, NULL, "%s answers PING in %lld ms",
		    cfg->spamd_address, md_now_ms() - start);
}

/* ---- the relay and base_url (libcurl) ------------------------------------------- */

struct sink {
	size_t	got;
};

/* Throws the body away; stops past 1 MiB (the status line is what counts). */
static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;

	(void)p;
	s->got += size * n;
	return s->got > (1u << 20) ? 0 : size * n;
}

/* The host of a URL, for messages and the loopback test. */
static void
url_host(const char *url, char *out, size_t len)
{
	const char *p = strstr(url, "://"), *at, *end;

	p = p != NULL ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	if ((at = memchr(p, '@', (size_t)(end - p))) != NULL)
		p = at + 1;
	if (*p == '[')
		end = p + strcspn(p, "]") + 1;
	else
		end = p + strcspn(p, ":/?#");
	snprintf(out, len, "%.*s", (int)(end - p), p);
}

static int
is_loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
	    strcmp(host, "[::1]") == 0;
}

/*
 * One bounded transfer of url (protocols: curl's list, custom: a custom
 * request or NULL), the body thrown away; curl's result, the last response
 * code in *code and curl's words in curlerr.
 */
static CURLcode
fetch(const char *url, const char *protocols, const char *custom, int timeout_ms,
    long *code, char *curlerr)
{
	struct sink sink = { 0 };
	CURLcode rc;
	CURL *c;

	*code = 0;
	if ((c = curl_easy_init()) == NULL)
		return CURLE_OUT_OF_MEMORY;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curlerr);
	if (custom != NULL) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, custom);
		/* The relay as the worker reaches it: never through a proxy. */
		curl_easy_setopt(c, CURLOPT_PROXY, "");
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	curl_easy_cleanup(c);
	return rc;
}

void
md_doctor_check_relay(struct md_doctor *d, const struct md_config *cfg,
    const struct md_doctor_opts *opts)
{
	char shown[512], host[256], curlerr[CURL_ERROR_SIZE] = "";
	int tls = strncasecmp(cfg->relay, "smtps:", 6) == 0;
	long code;
	CURLcode rc;

	md_url_redact(cfg->relay, shown, sizeof shown);
	url_host(cfg->relay, host, sizeof host);
	/*
	 * No recipient and no upload: curl connects (TLS for smtps://, the
	 * certificate and name checked), reads the greeting, sends EHLO, logs
	 * in when the URL has a login, sends the custom command and QUIT.
	 */
	rc = fetch(cfg->relay, "smtp,smtps", "NOOP", opts->timeout_ms, &code, curlerr);
	if (rc != CURLE_OK)
		md_doctor_add(d, "relay", MD_CHECK_FAIL,
		    "start the relay or fix relay (maildesk.conf(5)); until then mail "
		    "waits in the outbox and is retried",
		    "%s: %s", shown, *curlerr ? curlerr : curl_easy_strerror(rc));
	else if (!tls && !is_loopback(host))
		md_doctor_add(d, "relay", MD_CHECK_WARN,
		    "use smtps:// for a relay on another host",
		    "%s answers EHLO, but in plain SMTP across the network", shown);
	else
		md_doctor_add(d, "relay", MD_CHECK_OK, NULL, "%s answers EHLO%s (%ld)", shown,
		    tls ? " over TLS, certificate verified" : "", code);
}

void
md_doctor_check_base_url(struct md_doctor *d, const struct md_config *cfg,
    const struct md_doctor_opts *opts)
{
	char curlerr[CURL_ERROR_SIZE] = "";
	long code;
	CURLcode rc;

	rc = fetch(cfg->base_url, "http,https", NULL, opts->timeout_ms, &code, curlerr);
	/* A body cut at 1 MiB still had its status line. */
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && code > 0))
		md_doctor_add(d, "base_url", MD_CHECK_FAIL,
		    "start maildesk-web and its proxy, or fix base_url: the links in "
		    "every mail use it",
		    "%s: %s", cfg->base_url, *curlerr ? curlerr : curl_easy_strerror(rc));
	else if (code >= 500)
		md_doctor_add(d, "base_url", MD_CHECK_FAIL,
		    "is maildesk-web running behind the proxy? (systemctl status maildesk-web)",
		    "%s answers HTTP %ld", cfg->base_url, code);
	else if (code >= 400)
		md_doctor_add(d, "base_url", MD_CHECK_WARN,
		    "base_url should be maildesk-web's public address", "%s answers HTTP %ld",
		    cfg->base_url, code);
	else
		md_doctor_add(d, "base_url", MD_CHECK_OK, NULL, "%s answers HTTP %ld",
		    cfg->base_url, code);
}
