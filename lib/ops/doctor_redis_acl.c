/*
 * doctor_redis_acl.c - each program's Redis login, and what it may do.
 *
 * What a login may do is probed as that login, not read from ACL GETUSER:
 * the programs' users may not run ACL commands, and the probe answers the
 * question that matters (can the milter XADD?) whatever wrote the rules.
 * Redis checks a command's ACL before it runs it, so every probe is a
 * command that does nothing even when it is allowed: it names a key that
 * does not exist (<p>rkey:doctor-probe), an ID no entry has (XDEL 0-0), or
 * fails after the ACL check (XADD with ID 0-0, HSET with an odd number of
 * arguments, EVALSHA of a script nobody loaded).  NOPERM means denied;
 * any other answer, an error included, means allowed.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "doctor_redis.h"

#define ADV_ACL	"load contrib/redis-users.acl and give each program its own user " \
		"and password (maildesk.conf(5), LEAST PRIVILEGE)"

/* The probes; '@' at the start of an argument stands for redis_prefix. */
struct acl_probe {
	const char	*what;
	const char	*argv[8];
};

static const struct acl_probe probes[] = {
	/*  0 */ { "XLEN <p>inbox", { "XLEN", "@inbox" } },
	/*  1 */ { "XADD <p>inbox", { "XADD", "@inbox", "0-0", "doctor", "probe" } },
	/*  2 */ { "XRANGE <p>inbox", { "XRANGE", "@inbox", "+", "-", "COUNT", "1" } },
	/*  3 */ { "XACK <p>inbox", { "XACK", "@inbox", "workers", "0-0" } },
	/*  4 */ { "XDEL <p>inbox", { "XDEL", "@inbox", "0-0" } },
	/*  5 */ { "XADD <p>dead", { "XADD", "@dead", "0-0", "doctor", "probe" } },
	/*  6 */ { "XLEN <p>dead", { "XLEN", "@dead" } },
	/*  7 */ { "XDEL <p>dead", { "XDEL", "@dead", "0-0" } },
	/*  8 */ { "GET <p>rate:*", { "GET", "@rate:doctor-probe" } },
	/*  9 */ { "EXPIRE <p>rate:*", { "EXPIRE", "@rate:doctor-probe", "1" } },
	/* 10 */ { "HGET <p>project:*", { "HGET", "@project:doctor-probe", "enabled" } },
	/* 11 */ { "HSET <p>project:*", { "HSET", "@project:doctor-probe", "f", "v", "odd" } },
	/* 12 */ { "DEL <p>rkey:*", { "DEL", "@rkey:doctor-probe" } },
	/* 13 */ { "HGET <p>rkey:*", { "HGET", "@rkey:doctor-probe", "project" } },
	/* 14 */ { "SISMEMBER <p>projects", { "SISMEMBER", "@projects", "doctor-probe" } },
	/* 15 */ { "SCAN", { "SCAN", "0", "MATCH", "@doctor-probe", "COUNT", "1" } },
	/* 16 */ { "CONFIG GET", { "CONFIG", "GET", "maxmemory" } },
	/* 17 */ { "GET (a key outside the prefix)", { "GET", "doctor-probe-outside" } },
	/* 18 */ { "EVALSHA on <p>inbox", { "EVALSHA",
	    "0000000000000000000000000000000000000000", "1", "@inbox" } },
	/* 19 */ { "EVALSHA on <p>project:*", { "EVALSHA",
	    "0000000000000000000000000000000000000000", "1", "@project:doctor-probe" } },
	/* 20 */ { "XADD <p>retry", { "XADD", "@retry", "0-0", "doctor", "probe" } },
	/* 21 */ { "XDEL <p>retry", { "XDEL", "@retry", "0-0" } },
	/* 22 */ { "HMGET <p>retry:*", { "HMGET", "@retry:doctor-probe", "state" } },
	/* 23 */ { "HSET <p>retry:*", { "HSET", "@retry:doctor-probe", "f", "v", "odd" } },
	/* 24 */ { "EVALSHA on <p>dead, inbox, retry, retry:*", { "EVALSHA",
	    "0000000000000000000000000000000000000000", "4", "@dead", "@inbox",
	    "@retry", "@retry:doctor-probe" } },
};
#define NPROBES	(sizeof probes / sizeof probes[0])

/*
 * Per program, one character per probe: 'n' needs it, 'x' must not have
 * it, '-' either (contrib/redis-users.acl and doc/redis-schema.md).  Only
 * the milter (new mail) and the worker (`queue retry`, which the CLI asks
 * for in <p>retry) may write the inbox.
 */
static const struct role {
	const char	*name;		/* config key prefix */
	const char	*program;
	const char	*rights;	/* NPROBES characters */
} roles[] = {
	/*                           0123456789012345678901234 */
	{ "milter", "maildesk-milter", "nnxxxxxxnnnxxnnxxxn-xxxxx" },
	{ "worker", "maildesk-worker", "nnnnnn--xxxxn--xxxn-xn-nn" },
	{ "web", "maildesk-web",       "xxxxxxxxxxnnnnn-xxxnxxxxx" },
	{ "cli", "maildesk-cli",       "nxnxxxnxxxnnnnnnxxxnnxnxx" },
};
#define NROLES	(sizeof roles / sizeof roles[0])

static int
is_noperm(const redisReply *rep)
{
	return rep->type == REDIS_REPLY_ERROR && rep->str != NULL &&
	    strncmp(rep->str, "NOPERM", 6) == 0;
}

/* The probes of one program's login; returns -1 when the connection failed. */
static int
check_acl(struct md_doctor *d, struct md_redis *r, const struct role *ro, const char *who)
{
	char name[48], lacks[400] = "", extra[400] = "";
	int need = 0, forbid = 0;
	redisReply *rep;
	size_t i;

	snprintf(name, sizeof name, "redis.acl.%s", ro->name);
	for (i = 0; i < NPROBES; i++) {
		if (ro->rights[i] == '-')
			continue;
		if ((rep = md_doctor_redis_words(r, NULL, probes[i].argv)) == NULL) {
			md_doctor_add(d, name, MD_CHECK_FAIL, NULL, "%s: %s", probes[i].what,
			    md_redis_errstr(r));
			return -1;
		}
		if (ro->rights[i] == 'n') {
			need++;
			if (is_noperm(rep))
				md_doctor_list_add(lacks, sizeof lacks, probes[i].what);
		} else {
			forbid++;
			if (!is_noperm(rep))
				md_doctor_list_add(extra, sizeof extra, probes[i].what);
		}
		freeReplyObject(rep);
	}
	if (*lacks != '\0')
		md_doctor_add(d, name, MD_CHECK_FAIL,
		    "give the user the rights of its line in contrib/redis-users.acl "
		    "(redis-cli ACL LOAD after editing the aclfile)",
		    "%s may not do what %s needs: %s", who, ro->program, lacks);
	else if (*extra != '\0')
		md_doctor_add(d, name, MD_CHECK_WARN, ADV_ACL,
		    "%s may do more than %s needs: %s", who, ro->program, extra);
	else
		md_doctor_add(d, name, MD_CHECK_OK, NULL,
		    "%s may do the %d things %s needs and none of %d others",
		    who, need, ro->program, forbid);
	return 0;
}

void
md_doctor_redis_logins(struct md_doctor *d, const struct md_config *cfg)
{
	const char *user, *password;
	char name[48], who[160];
	struct md_redis *r;
	redisReply *rep;
	size_t i;

	for (i = 0; i < NROLES; i++) {
		md_doctor_redis_role_login(cfg, roles[i].name, &user, &password);
		snprintf(name, sizeof name, "redis.login.%s", roles[i].name);
		if (*user != '\0')
			snprintf(who, sizeof who, "user %s", user);
		else
			snprintf(who, sizeof who, "the default user%s",
			    *password != '\0' ? " (AUTH with a password)" : "");
		if ((r = md_doctor_redis_login(cfg, user, password)) == NULL) {
			md_doctor_add(d, name, MD_CHECK_FAIL, NULL, "out of memory");
			continue;
		}
		rep = md_redis_connect(r) == 0 ? md_redis_cmd(r, "PING") : NULL;
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			md_doctor_add(d, name, MD_CHECK_FAIL,
			    "set the password of the user's line in the ACL file as "
			    "<program>_redis_password (maildesk.conf(5))",
			    "%s cannot log in as %s: %s", roles[i].program, who,
			    md_redis_errstr(r));
		} else {
			md_doctor_add(d, name, MD_CHECK_OK, NULL, "%s logs in as %s",
			    roles[i].program, who);
			check_acl(d, r, &roles[i], who);
		}
		if (rep != NULL)
			freeReplyObject(rep);
		md_redis_free(r);
	}
}
