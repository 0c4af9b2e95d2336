/*
 * connect.c - the store and the Redis connection, opened on first use by
 * whichever command needs them (and by who.c, for --as), closed by main.c.
 */
#include "config.h"

#include "cli.h"

static struct md_store *
open_store(struct cli *c, int check_schema)
{
	char err[512];

	if (c->st_open)
		return &c->st;
	if (md_store_open(&c->st, &c->cfg, check_schema, err, sizeof err) < 0) {
		cli_error("%s", err);
		return NULL;
	}
	c->st_open = 1;
	return &c->st;
}

struct md_store *
cli_store(struct cli *c)
{
	return open_store(c, 1);
}

struct md_store *
cli_store_nocheck(struct cli *c)
{
	return open_store(c, 0);
}

struct md_redis *
cli_redis(struct cli *c)
{
	struct md_store *st;

	if ((st = cli_store(c)) == NULL)
		return NULL;
	/* Connect up front so a down Redis is one clear message, not a NULL later. */
	if (md_redis_connect(st->redis) < 0) {
		cli_error("%s", md_redis_errstr(st->redis));
		return NULL;
	}
	return st->redis;
}
