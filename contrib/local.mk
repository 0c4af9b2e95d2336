# contrib: deployment examples and helper scripts, shipped in the tarball.
# (tests/run-suite and .ci/run, the test entry points, are listed here too.)
EXTRA_DIST += contrib/install-deps.sh contrib/sandbox.sh \
	contrib/maildesk.conf.example \
	contrib/postfix/main.cf.snippet \
	contrib/sendmail/maildesk.mc contrib/sendmail/README \
	contrib/systemd/maildesk-milter.service \
	contrib/systemd/maildesk-worker.service \
	contrib/systemd/maildesk-web.service \
	contrib/nginx/maildesk-web.conf \
	tests/run-suite .ci/run

# bash completion of maildesk(1) (configure --with-bash-completion-dir).
dist_bashcompletion_DATA = contrib/bash-completion/maildesk
# Redis Sentinel in front of the inbox's Redis (doc/scaling.md).
EXTRA_DIST += contrib/redis-sentinel.conf.example
