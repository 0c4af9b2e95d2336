/* tracker_newreq.c - new requests become issues. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tracker_int.h"

int
md_trk_new_request(struct md_trk_rec *r, long follows)
{
	(void)follows;
	snprintf(r->err, r->errlen, "not implemented yet");
	return -1;
}
