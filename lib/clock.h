/*
 * clock.h - the monotonic clock in milliseconds, for deadlines and
 * backoff windows (never for timestamps that are stored: those use time()).
 */
#ifndef MD_CLOCK_H
#define MD_CLOCK_H

long long	md_now_ms(void);

#endif
