#!/bin/bash
# browser.sh - the maildesk-web front-end in headless Chromium (playwright-core):
# login, lists, filters, comments, hostile subjects, downloads, templates.
# Screenshots go to $top_builddir/tests/artifacts/; MD_UPDATE_SCREENSHOT=1
# also copies the issue page to doc/screenshot-issue.png.
. "$top_srcdir/tests/harness/tap.sh"

. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/web/web.sh"

md_node_dir browser.mjs

XSS='<img src=x onerror=alert(1)>'
ARTIFACTS=$top_builddir/tests/artifacts
mkdir -p "$ARTIFACTS"

md_start_redis
md_write_config "web_static_dir=$top_srcdir/web/static" base_url=http://127.0.0.1
md_cli project add acme --alias help@acme.test >/dev/null
printf 'correct horse battery\n' | md_cli user add alice --role admin
i1=$(md_issue acme ann@example.org "Printer on fire" "The printer is on fire.

It started this morning.")
i2=$(md_issue acme eve@example.org "$XSS" "Body with <script>alert(2)</script>")
i3=$(MKISSUE_FLAGS=spam md_issue acme mallory@example.org "See my page" "My page is attached." \
	"$top_srcdir/tests/fixtures/web/attachment.eml")
is "$i1 $i2 $i3" "1 2 3" "issues filed"
md_start_web

export WEB XSS ARTIFACTS MD_USER=alice MD_PASSWORD='correct horse battery' PROFILE=$T/profile
mkdir -p "$PROFILE"
md_browser_run browser.mjs

# What the browser did is in the tracker, where the worker and the CLI see it.
is "$(md_psql "SELECT count(*) FROM notes n JOIN issues i ON i.id = n.issue_id
	WHERE i.project = 'acme' AND i.iid = 1 AND n.kind IN ('public', 'internal')")" 2 \
	"both comments stored"
[ -s "$ARTIFACTS/issue.png" ] && [ -s "$ARTIFACTS/list.png" ]
ok_rc $? "screenshots saved in $ARTIFACTS"
if [ -n "${MD_UPDATE_SCREENSHOT:-}" ] && [ -s "$ARTIFACTS/issue.png" ]; then
	cp "$ARTIFACTS/issue.png" "$top_srcdir/doc/screenshot-issue.png"
fi
done_testing
