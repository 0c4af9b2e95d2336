/*
 * sock.h - non-blocking stream sockets against a deadline, for the small
 * clients in lib/ that speak their protocol themselves (spamd, the milter
 * probe).  Deadlines are md_now_ms() values (CLOCK_MONOTONIC ms).
 */
#ifndef MD_SOCK_H
#define MD_SOCK_H

#include <sys/socket.h>
#include <stddef.h>

/* poll() for events on fd until deadline: 1 ready, 0 timed out, -1 error. */
int	md_sock_wait(int fd, short events, long long deadline);
/*
 * A non-blocking, close-on-exec stream socket connected to sa before
 * deadline, or -1 with errno (ETIMEDOUT when the deadline passed).
 */
int	md_sock_dial(const struct sockaddr *sa, socklen_t len, long long deadline);
/* Sends all n bytes before deadline: 0, or -1 with errno (ETIMEDOUT). */
int	md_sock_send(int fd, const void *p, size_t n, long long deadline);

#endif
