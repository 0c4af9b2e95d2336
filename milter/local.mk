sbin_PROGRAMS += milter/maildesk-milter
milter_maildesk_milter_SOURCES = \
	milter/main.c milter/milter.h \
	milter/callbacks.c \
	milter/reply.c milter/reply.h \
	milter/eom.c \
	milter/verdict.c milter/verdict.h \
	milter/trust.c milter/milter_trust.h \
	milter/auth.c milter/milter_auth.h \
	milter/metrics.c milter/milter_metrics.h
milter_maildesk_milter_LDADD = $(MD_LIBS) $(MILTER_LIBS)
EXTRA_DIST += doc/sender-identity.md
