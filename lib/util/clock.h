/*
 * clock.h - the monotonic clock in milliseconds, for deadlines and
 * backoff windows (never for timestamps that are stored: those use time()).
 */
#ifndef MD_CLOCK_H
#define MD_CLOCK_H

#include <sys/time.h>

long long	md_now_ms(void);
/* A duration in ms as the struct timeval hiredis and setsockopt take. */
struct timeval	md_ms_timeval(int ms);

#endif
