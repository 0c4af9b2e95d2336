/*
 * sock.c - connect, wait and send against a deadline (see sock.h).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "clock.h"
#include "sock.h"

int
md_sock_wait(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long long left;
	int n;

	for (;;) {
		if ((left = deadline - md_now_ms()) <= 0)
			return 0;
		n = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

int
md_sock_dial(const struct sockaddr *sa, socklen_t len, long long deadline)
{
	int fd, soerr = 0;
	socklen_t elen = sizeof soerr;

	if ((fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, sa, len) == 0)
		return fd;
	if (errno == EINPROGRESS) {
		switch (md_sock_wait(fd, POLLOUT, deadline)) {
		case 1:
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen) == 0 && soerr == 0)
				return fd;
			errno = soerr ? soerr : EIO;
			break;
		case 0:
			errno = ETIMEDOUT;
			break;
		}
	}
	soerr = errno;
	close(fd);
	errno = soerr;
	return -1;
}

int
md_sock_send(int fd, const void *buf, size_t n, long long deadline)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
			return -1;
		} else if (md_sock_wait(fd, POLLOUT, deadline) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
	return 0;
}
