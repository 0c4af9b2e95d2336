/*
 * dmarc.h - who sent it: DMARC (RFC 7489) alignment of the From: domain
 * with SPF and DKIM, the domain's published policy, and maildesk's answer.
 *
 * Pure parts (no DNS, unit tested table-driven and fuzzed):
 *   md_taglist_get()        tag=value; lists (DKIM-Signature, DMARC record)
 *   md_dmarc_record_parse() one TXT string -> struct md_dmarc_record
 *   md_org_domain()         organisational domain (libpsl, Debian's list)
 *   md_auth_evaluate()      facts -> dmarc result, sender_auth, action
 *   md_auth_record_set()    result -> the inbox record fields
 * DNS: md_dmarc_fetch() looks up _dmarc.<domain>, then _dmarc.<org domain>,
 * through a struct md_txt_resolver (dns_txt.h) that tests replace.
 * doc/sender-identity.md describes the whole path and the policy.
 */
#ifndef MD_DMARC_H
#define MD_DMARC_H

#include <stddef.h>

#include "dkim_verify.h"
#include "dns_txt.h"
#include "record.h"

#define MD_DOMAIN_MAX	255

/*
 * Finds tag in a tag-list ("v=DMARC1; p=reject") and copies its value,
 * blanks (FWS) around it removed, into out.  1 found, 0 not found, -1 the
 * list is malformed (a tag without '=', an empty or invalid tag name)
 * or the value does not fit.
 */
int	md_taglist_get(const char *list, size_t len, const char *tag, char *out,
	    size_t outlen);

enum md_dmarc_policy { MD_DMARC_P_NONE = 0, MD_DMARC_P_QUARANTINE, MD_DMARC_P_REJECT };

struct md_dmarc_record {
	enum md_dmarc_policy p;
	enum md_dmarc_policy sp;	/* = p when absent */
	int	strict_spf;		/* aspf=s */
	int	strict_dkim;		/* adkim=s */
	int	pct;			/* 0..100, 100 when absent */
};

/*
 * 0 parsed; -1 not a DMARC record (does not start with v=DMARC1); -2 a
 * DMARC record with an invalid or missing p=, or bad sp/adkim/aspf/pct.
 */
int	md_dmarc_record_parse(const char *txt, size_t len, struct md_dmarc_record *out);

/*
 * domain as every comparison needs it, into out: lower case (ASCII, whatever
 * the locale), without the DNS root's trailing dot ("Desk.Example." is
 * desk.example, which MTAs deliver to).  0, or -1 (empty, too long, not a
 * host name: only letters, digits, '-', '_' and non-empty labels).
 */
int	md_domain_norm(const char *domain, char *out, size_t outlen);

/*
 * Organisational domain of domain (lower case, no trailing dot) into out:
 * the registrable domain by the public suffix list, or domain itself when
 * it is a public suffix.  0, or -1 (empty/too long/not a host name).
 * Thread safe; the list is loaded once.
 */
int	md_org_domain(const char *domain, char *out, size_t outlen);

enum md_dmarc_lookup {
	MD_DMARC_REC_NONE = 0,		/* no DMARC record at the domain nor its org domain */
	MD_DMARC_REC_FOUND,
	MD_DMARC_REC_TEMPERROR,		/* DNS failed: the policy is unknown */
	MD_DMARC_REC_PERMERROR		/* a v=DMARC1 record that does not parse */
};

/*
 * _dmarc.<from_domain> TXT, then _dmarc.<org domain> when there is none
 * (RFC 7489 6.6.3).  More than one DMARC record at a name counts as none.
 * *at_org is set when the record is the organisational domain's (its sp=
 * then applies to a subdomain).
 */
enum md_dmarc_lookup md_dmarc_fetch(const struct md_txt_resolver *dns, const char *from_domain,
	    long long deadline_ms, struct md_dmarc_record *rec, int *at_org);

enum md_dmarc_res {
	MD_DMARC_NONE = 0,	/* no record: no policy, alignment still judged */
	MD_DMARC_PASS,
	MD_DMARC_FAIL,
	MD_DMARC_TEMPERROR,
	MD_DMARC_PERMERROR,	/* no usable From: domain, or a broken record */
	MD_DMARC_SKIPPED	/* not judged: a trusted client, or sender_auth_check = no */
};
const char *md_dmarc_res_name(enum md_dmarc_res r);

enum md_auth_action { MD_AUTH_ACCEPT = 0, MD_AUTH_REJECT, MD_AUTH_TEMPFAIL };

/* Configuration (maildesk.conf: dmarc_reject, dmarc_quarantine, desk_from_auth). */
struct md_auth_policy {
	int	dmarc_reject;		/* refuse DMARC fail of a p=reject domain */
	int	quarantine_reject;	/* ... and of a p=quarantine domain */
	int	desk_from_auth;		/* refuse an unauthenticated From: in desk_domain
					 * or in a responder's domain */
};

/* The facts about one message. */
struct md_auth_input {
	const char	*from_domain;	/* From: address's domain, "" when none */
	int		 from_count;	/* From: mailboxes (mime.h from_count) */
	int		 from_headers;	/* From: header fields */
	int		 spf;		/* enum md_spf_res, -1 = not checked */
	const char	*spf_domain;	/* MAIL FROM domain, or the HELO for <> */
	const struct md_dkim_result *dkim;	/* NULL = not verified (none) */
	enum md_dmarc_lookup rec_status;
	const struct md_dmarc_record *rec;	/* when MD_DMARC_REC_FOUND */
	int		 rec_at_org;
	const char	*desk_domain;
};

/* The record's sender_auth: only YES lets the tracker trust the From:. */
enum md_sender_auth {
	MD_SENDER_AUTH_NO = 0,	/* judged, and nothing authenticates the From: */
	MD_SENDER_AUTH_YES,	/* SPF or DKIM pass aligned with From: (or trusted) */
	MD_SENDER_AUTH_SKIPPED	/* sender_auth_check = no: nothing was judged */
};

struct md_auth_result {
	enum md_dmarc_res dmarc;
	enum md_sender_auth sender_auth;
	const char	*aligned_by;	/* "spf", "dkim" or "" */
	enum md_dkim_res dkim;		/* summary of all signatures */
	char		 dkim_domain[MD_DOMAIN_MAX + 1];	/* a passing d= (aligned first) */
	int		 policy;	/* effective enum md_dmarc_policy, -1 = no record */
	char		 from_domain[MD_DOMAIN_MAX + 1];	/* the single From: domain, else "" */
	int		 dns_trouble;	/* a DNS error kept it from being verified */
	enum md_auth_action action;
	char		 xcode[8];	/* "5.7.1" ... for the reply */
	char		 reason[480];	/* a sentence for the SMTP reply, no '%' or CR/LF */
};

void	md_auth_evaluate(const struct md_auth_input *in, const struct md_auth_policy *pol,
	    struct md_auth_result *out);

/*
 * The policy's part of md_auth_evaluate, again on a result: sets action,
 * xcode and reason from the facts in out (desk_domain rule, then DMARC
 * p=reject / p=quarantine).  The milter judges a message with the global
 * policy first and decides again once the recipients' projects, which may
 * override it, are known.
 */
void	md_auth_decide(struct md_auth_result *out, const struct md_auth_policy *pol,
	    const char *desk_domain);

/*
 * The responder-domain rule (desk_from_auth): an unauthenticated From: in
 * the domain of a registered user's address is refused like one in
 * desk_domain.  The set of those domains is in the Redis view, which
 * md_auth_evaluate does not read: the milter asks it only when
 * md_auth_wants_responder_check() (accepted so far, judged, not
 * authenticated, one From: domain; so authenticated mail costs nothing),
 * and when the domain is in it, md_auth_responder_domain() turns r into
 * the refusal: 550 5.7.1, or 451 4.4.3 after a DNS error.
 */
int	md_auth_wants_responder_check(const struct md_auth_result *r,
	    const struct md_auth_policy *pol);
void	md_auth_responder_domain(struct md_auth_result *r);

/* A result for trusted clients: dmarc=skipped, sender_auth=yes. */
void	md_auth_skipped(struct md_auth_result *out);

/*
 * A result when the admin turned the check off (sender_auth_check = no):
 * dmarc=skipped, sender_auth=skipped.  Nobody vouched for the From:, so
 * the tracker must not take it as authenticated (only "yes" is).
 */
void	md_auth_unchecked(struct md_auth_result *out);

/* The record's sender_auth value: "yes", "no" or "skipped" (unchecked). */
const char *md_auth_sender_auth_name(const struct md_auth_result *r);

/* Sets the dmarc, dkim and sender_auth fields of rec.  0 or -1 (ENOMEM). */
int	md_auth_record_set(struct md_record *rec, const struct md_auth_result *r);

/* "pass example.org", "fail", "none", "temperror", "skipped" into out. */
void	md_auth_dkim_field(const struct md_auth_result *r, char *out, size_t outlen);

#endif
