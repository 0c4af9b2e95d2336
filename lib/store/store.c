/* store.c - opening the tracker's two connections (store.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "store.h"

int
md_store_open(struct md_store *st, const struct md_config *cfg, int check_schema,
    char *err, size_t errlen)
{
	memset(st, 0, sizeof *st);
	st->cfg = cfg;
	if ((st->db = md_db_new(cfg->database)) == NULL ||
	    (st->redis = md_redis_new(cfg)) == NULL) {
		snprintf(err, errlen, "out of memory");
		md_store_close(st);
		return -1;
	}
	if (md_db_connect(st->db, err, errlen) < 0 ||
	    (check_schema && md_db_schema_check(st->db, err, errlen) < 0)) {
		md_store_close(st);
		return -1;
	}
	return 0;
}

void
md_store_close(struct md_store *st)
{
	md_db_free(st->db);
	md_redis_free(st->redis);
	st->db = NULL;
	st->redis = NULL;
}
