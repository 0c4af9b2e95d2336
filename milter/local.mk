sbin_PROGRAMS += milter/maildesk-milter
milter_maildesk_milter_SOURCES = \
	milter/main.c
milter_maildesk_milter_LDADD = $(MD_LIBS) $(MILTER_LIBS)
