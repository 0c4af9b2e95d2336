#!/bin/bash
# browser_responders.sh - the responders' pages of maildesk-web (issue 18) in
# headless Chromium: members and the first-response target set in a
# project's settings, a triage rule made there applied to the next request,
# canned replies inserted into the comment box, take / My work / unassign,
# priority and overdue in the list and on the issue page, and the 404 page
# a responder gets for another project's issue.
. "$top_srcdir/tests/harness/tap.sh"

. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/web/web.sh"

md_node_dir browser_responders.mjs

ARTIFACTS=$top_builddir/tests/artifacts
mkdir -p "$ARTIFACTS"

md_start_redis
md_write_config "web_static_dir=$top_srcdir/web/static" base_url=http://127.0.0.1
md_cli project add acme --alias help@acme.test >/dev/null
md_cli project add beta >/dev/null
printf 'correct horse battery\n' | md_cli user add alice --role admin
printf 'battery staple horse\n' | md_cli user add bob --role responder
i1=$(md_issue acme ann@example.org "Printer on fire" "The printer is on fire.")
i2=$(md_issue acme cy@example.org "Where is my parcel" "It did not arrive.")
b1=$(md_issue beta dan@example.org "Beta secret" "Only beta's members may read this.")
is "$i1 $i2 $b1" "1 2 1" "issues filed"
# Issue 1 came in two hours ago: with the one-hour target the browser sets,
# it is overdue, and issue 2 (just filed) is not.
md_psql "UPDATE issues SET created = created - 7200 WHERE project = 'acme' AND iid = 1"
md_start_web

export WEB ARTIFACTS PROFILE=$T/profile MD_CONF MKISSUE=$top_builddir/tests/web/mkissue \
	ADMIN=alice ADMIN_PASSWORD='correct horse battery' \
	RESPONDER=bob RESPONDER_PASSWORD='battery staple horse'
mkdir -p "$PROFILE"
md_browser_run browser_responders.mjs

# What the pages did is in the tracker, where the worker and the CLI see it.
is "$(md_psql "SELECT role FROM project_members WHERE project = 'acme' AND username = 'bob'")" \
	responder "bob is a member of acme"
is "$(md_psql "SELECT count(*) FROM project_members WHERE project = 'beta'")" 0 \
	"and nobody of beta"
is "$(md_psql "SELECT coalesce(assignee, '-') || ' ' || priority FROM issues
	WHERE project = 'acme' AND iid = 1")" "- urgent" "issue 1 unassigned again, urgent"
is "$(md_psql "SELECT entry FROM sender_lists WHERE project = 'acme' AND list = 'block'")" \
	cy@example.org "the blocked sender is on acme's block list"
done_testing
