/*
 * login_throttle.h - how much password guessing a web login allows, and
 * who pays for the failures: the guesser's address, never the account.
 *
 * Three counters of failed (or still running) password checks live in the
 * login_failures table, each in a fixed window aligned to its length:
 *
 *	a:<client>		every name tried from one client address
 *	p:<user>|<client>	one name from one client address
 *	u:<user>		one name from every address
 *
 * Past the first two the client is REFUSED (429, Retry-After: the end of
 * the window): only the address that failed pays.  The third never
 * refuses: past it every check of that name is DELAYED by a bounded,
 * growing sleep, so a guesser spread over many addresses is slowed while
 * the owner, typing the right password from an address without failures,
 * still gets in.  Names that are not valid user names all count as the
 * one name "!" (no user can have it).
 *
 * Counting is a reservation taken BEFORE the password is checked:
 * md_login_reserve() adds one to all three counters in one statement and
 * returns the new counts, so N parallel attempts see N different counts
 * and at most the limit of them check a password.  md_login_release()
 * gives the reservation back: for a refused attempt, one that was not
 * checked, and a successful login.  A wrong password keeps it: that is the
 * failure.
 *
 * md_login_decide() is the whole policy and touches nothing; the store
 * functions return -1 with err on a database error and never log.
 */
#ifndef MD_LOGIN_THROTTLE_H
#define MD_LOGIN_THROTTLE_H

#include <stddef.h>
#include <sys/socket.h>

struct md_store;

/* A 0 maximum turns that counter off. */
struct md_login_limits {
	long	addr_max, addr_window;	/* 20 per 900 s */
	long	pair_max, pair_window;	/* 5 per 900 s */
	long	user_max, user_window;	/* 50 per 3600 s */
	long	delay_step_ms;		/* 250 per failure past user_max ... */
	long	delay_max_ms;		/* ... up to 3000 */
};

/* The counts after the reservation (this attempt included) and the
 * seconds left in each counter's window. */
struct md_login_counts {
	long	addr, pair, user;
	long	addr_left, pair_left, user_left;
};

enum md_login_verdict {
	MD_LOGIN_CHECK,		/* check the password (after delay_ms) */
	MD_LOGIN_REFUSE		/* 429 without checking; retry_after seconds */
};

struct md_login_decision {
	enum md_login_verdict	verdict;
	long			retry_after;	/* REFUSE: >= 1 */
	long			delay_ms;	/* CHECK: 0..delay_max_ms */
};

#define MD_LOGIN_KEY_MAX	160
#define MD_LOGIN_CLIENT_MAX	64

/* One reservation: the keys and the windows it counted in. */
struct md_login_slot {
	char			key[3][MD_LOGIN_KEY_MAX];
	long			window[3];
	struct md_login_counts	counts;
	int			held;	/* reserved and not yet released */
};

void	md_login_limits_default(struct md_login_limits *l);

/* The policy: refuse, check at once, or check after a delay. */
void	md_login_decide(const struct md_login_limits *l, const struct md_login_counts *c,
	    struct md_login_decision *d);

/*
 * The client part of the keys: an IPv4 address as is (also when mapped
 * into IPv6), an IPv6 address by its /64, which one subscriber gets
 * whole.  0, or -1 for another address family.
 */
int	md_login_client(const struct sockaddr *sa, char *buf, size_t len);

/* Reserves one check for user from client at time now: 0 or -1. */
int	md_login_reserve(struct md_store *st, const struct md_login_limits *l,
	    const char *user, const char *client, long now, struct md_login_slot *slot,
	    char *err, size_t errlen);
/* Gives a held reservation back (a no-op for one not held): 0 or -1. */
int	md_login_release(struct md_store *st, struct md_login_slot *slot,
	    char *err, size_t errlen);
/* Deletes the counters whose windows have all ended; rows deleted or -1. */
long	md_login_sweep(struct md_store *st, const struct md_login_limits *l, long now,
	    char *err, size_t errlen);

#endif
