/* tracker_purge.c - retention and erasure (stub until the real one lands). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tracker.h"
#include "tracker_int.h"

int
md_tracker_retention(struct md_store *st, long now, long limit, long *raws,
    long *atts, char *err, size_t errlen)
{
	(void)st;
	(void)now;
	(void)limit;
	*raws = *atts = 0;
	snprintf(err, errlen, "not implemented yet");
	return -1;
}

int
md_tracker_purge_customer(struct md_store *st, const char *addr,
    const char *actor, struct md_purge_stats *out, char *err, size_t errlen)
{
	(void)st;
	(void)addr;
	(void)actor;
	memset(out, 0, sizeof *out);
	snprintf(err, errlen, "not implemented yet");
	return -1;
}
