/*
 * tracker_auto.c - mail no person wrote: automated mail, delivery reports,
 * unsubscribe requests.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tracker_int.h"

int
md_trk_unsubscribe(struct md_trk_rec *r)
{
	snprintf(r->err, r->errlen, "not implemented yet");
	return -1;
}

int
md_trk_automated(struct md_trk_rec *r)
{
	snprintf(r->err, r->errlen, "not implemented yet");
	return -1;
}
