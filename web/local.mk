# maildesk-web: responder web UI and JSON API (libmicrohttpd).
sbin_PROGRAMS += web/maildesk-web
web_maildesk_web_SOURCES = \
	web/main.c web/web.h \
	web/http.c web/router.c web/reply.c \
	web/form.c web/form.h web/params.c \
	web/auth.c \
	web/api_projects.c web/api_templates.c \
	web/api_issues.c web/api_issue_edit.c web/api_download.c \
	web/static.c web/unsub.c web/store_pool.c \
	web/metrics.c
web_maildesk_web_SOURCES += web/api_members.c web/api_mywork.c
web_maildesk_web_SOURCES += web/api_me.c
web_maildesk_web_SOURCES += web/api_triage.c
web_maildesk_web_SOURCES += web/template_json.c
web_maildesk_web_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SODIUM_CFLAGS)
web_maildesk_web_CPPFLAGS = $(AM_CPPFLAGS) -DWEB_STATIC_DEFAULT='"$(pkgdatadir)/web"'
web_maildesk_web_LDADD = $(MD_LIBS) $(MHD_LIBS) $(SODIUM_LIBS)

# The front-end: plain files, no build step.
webstaticdir = $(pkgdatadir)/web
dist_webstatic_DATA = web/static/index.html web/static/app.css \
	web/static/app.js web/static/dom.js web/static/api.js web/static/projects.js \
	web/static/settings.js web/static/issues.js web/static/issue.js \
	web/static/favicon.svg

dist_man_MANS += doc/maildesk-web.8
EXTRA_DIST += contrib/nginx/maildesk-web.conf doc/screenshot-issue.png
# The front-end modules of the responders' pages (issue 18), installed with the rest.
dist_webstatic_DATA += web/static/issue_tools.js web/static/me.js web/static/mywork.js \
	web/static/project_team.js web/static/triage.js
