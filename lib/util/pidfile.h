/*
 * pidfile.h - the daemons' PID files.
 */
#ifndef MD_PIDFILE_H
#define MD_PIDFILE_H

/* Writes getpid() to path ("" = no PID file); logs and returns -1 on error. */
int	md_pidfile_write(const char *path);
/* Removes it again ("" = nothing to do). */
void	md_pidfile_remove(const char *path);

#endif
