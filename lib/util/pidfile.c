/*
 * pidfile.c - write and remove a daemon's PID file.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pidfile.h"

int
md_pidfile_write(const char *path)
{
	FILE *fp;

	if (*path == '\0')
		return 0;
	if ((fp = fopen(path, "w")) == NULL) {
		md_log(LOG_ERR, "cannot write PID file %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	if (fclose(fp) != 0) {
		md_log(LOG_ERR, "cannot write PID file %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void
md_pidfile_remove(const char *path)
{
	if (*path != '\0')
		unlink(path);
}
