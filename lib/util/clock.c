/*
 * clock.c - CLOCK_MONOTONIC in milliseconds: unaffected by the wall clock
 * being set, which would otherwise stretch or cut timeouts.
 */
#include "config.h"

#include <time.h>

#include "clock.h"

long long
md_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct timeval
md_ms_timeval(int ms)
{
	struct timeval tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	return tv;
}
