# maildesk(1): the admin and responder command line.  One cmd_<name>.c per
# top-level command, listed in cli/main.c.
bin_PROGRAMS += cli/maildesk
cli_maildesk_SOURCES = cli/main.c cli/cli.h cli/output.c cli/output.h \
	cli/cmd_project.c
cli_maildesk_LDADD = $(MD_LIBS)
cli_maildesk_SOURCES += cli/cmd_user.c
cli_maildesk_SOURCES += cli/cmd_issue.c cli/cmd_queue.c
cli_maildesk_SOURCES += cli/cmd_template.c
cli_maildesk_SOURCES += cli/cmd_db.c cli/cmd_customer.c
cli_maildesk_SOURCES += cli/who.c cli/cmd_issue_edit.c cli/cmd_member.c cli/cmd_mywork.c
cli_maildesk_SOURCES += cli/cmd_doctor.c
cli_maildesk_SOURCES += cli/cmd_triage.c cli/cmd_canned.c
cli_maildesk_SOURCES += cli/error.c cli/connect.c
