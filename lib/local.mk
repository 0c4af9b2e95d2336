# libmaildesk: everything that is not glue.  No libmilter in here.
noinst_LIBRARIES += lib/libmaildesk.a
lib_libmaildesk_a_SOURCES = \
	lib/buf.c lib/buf.h \
	lib/log.c lib/log.h \
	lib/conf.c lib/conf.h \
	lib/record.c lib/record.h \
	lib/address.c lib/address.h \
	lib/keygen.c lib/keygen.h \
	lib/mime.c lib/mime.h \
	lib/html2text.c \
	lib/redis.c lib/redis.h \
	lib/redis_pool.c \
	lib/projects.c lib/projects.h \
	lib/inbox.c lib/inbox.h \
	lib/resolve.c lib/resolve.h \
	lib/ingest.c lib/ingest.h

# What every program linking libmaildesk needs.
MD_LIBS = lib/libmaildesk.a $(GMIME_LIBS) $(HIREDIS_LIBS) $(CURL_LIBS) $(SPF_LIBS) -lpthread
lib_libmaildesk_a_SOURCES += lib/trim.c lib/trim.h
