/*
 * doctor.h - `maildesk doctor`: is this installation wired correctly?
 *
 * doctor.c checks the configuration file and then runs the families of
 * checks (doctor_checks.h) in turn; the results are a struct md_doctor
 * (doctor_report.h).  Nothing here prints.  Every network step is bounded
 * by a timeout.
 */
#ifndef MD_DOCTOR_H
#define MD_DOCTOR_H

#include "doctor_report.h"

/*
 * Runs every check.  config_path: the file to load (NULL: none, built-in
 * defaults).  Returns the number of FAIL results (a check that could not
 * even be recorded for lack of memory counts as one).
 */
int	md_doctor_run(struct md_doctor *d, const char *config_path,
	    const struct md_doctor_opts *opts);

#endif
