/* view_rebuild.c - md_view_rebuild (view.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "store.h"
#include "view.h"

int
md_view_rebuild(struct md_store *st, struct md_view_stats *out, char *err,
    size_t errlen)
{
	(void)st;
	memset(out, 0, sizeof *out);
	snprintf(err, errlen, "view rebuild: not implemented yet");
	return -1;
}
