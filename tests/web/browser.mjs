// browser.mjs - drives the maildesk-web front-end in headless Chromium.
//
// Run by browser.sh, which starts Redis and maildesk-web and files the
// issues.  Prints one line per check, "PASS\tdesc" or "FAIL\tdesc\twhy";
// browser.sh turns them into TAP.  Environment: WEB (base URL), MD_USER,
// MD_PASSWORD, XSS (the hostile subject), ARTIFACTS (screenshot dir),
// PROFILE (a fresh --user-data-dir).
import { check, checkClean, expectIssues, failures, open } from './chromium.mjs';

const { WEB, MD_USER, MD_PASSWORD, XSS, ARTIFACTS, PROFILE } = process.env;

const { ctx, page, errors, dialogs } = await open(PROFILE);

try {
  await check('login page shown', async () => {
    await page.goto(WEB + '/');
    await page.locator('#login-user').waitFor();
  });
  await check('wrong password rejected', async () => {
    await page.fill('#login-user', MD_USER);
    await page.fill('#login-password', 'not-the-password');
    await page.click('#login-submit');
    await page.locator('#login-error').waitFor();
    const t = await page.textContent('#login-error');
    return /wrong user name or password/i.test(t) && await page.locator('#projects').count() === 0;
  });
  await check('login with the right password shows the projects', async () => {
    await page.fill('#login-user', MD_USER);
    await page.fill('#login-password', MD_PASSWORD);
    await page.click('#login-submit');
    await page.locator('#projects tr[data-project="acme"]').waitFor();
  });
  await check('session cookie is HttpOnly (invisible to scripts)', async () =>
    !(await page.evaluate(() => document.cookie)).includes('md_session'));
  await check('project opens its issue list', async () => {
    await page.click('#projects tr[data-project="acme"] a >> text=acme');
    await page.locator('#issues').waitFor();
    return (await page.locator('#issues tr.issue-row').count()) === 3;
  });
  await check('open/closed counts shown', async () =>
    (await page.textContent('#tab-opened')).includes('3'));
  await check('hostile subject renders as text', async () => {
    const t = await page.locator('tr.issue-row[data-iid="2"] .title').textContent();
    if (t !== XSS) throw new Error('title text is ' + JSON.stringify(t));
    return (await page.locator('main img').count()) === 0;
  });
  await check('spam? label is visible in the list', async () =>
    (await page.locator('tr.issue-row[data-iid="3"] .label-spam').textContent()) === 'spam?');
  await page.screenshot({ path: ARTIFACTS + '/list.png', fullPage: true });

  await check('text filter narrows the list', async () => {
    await page.fill('#filter-search', 'printer');
    await page.click('#filter-apply');
    await page.waitForURL(/search=printer/);
    await expectIssues(page, '#issues', ['1']);
  });
  await check('issue page shows customer and description', async () => {
    await page.click('tr.issue-row[data-iid="1"] a');
    await page.locator('#issue-title').waitFor();
    const title = await page.textContent('#issue-title .title');
    const who = await page.textContent('#issue-customer');
    return title === 'Printer on fire' && who.includes('ann@example.org') &&
      (await page.locator('.note-customer .note-text').first().textContent()).includes('on fire');
  });
  await check('public comment posted', async () => {
    await page.fill('#comment-text', 'Please unplug it.');
    await page.check('#vis-public');
    await page.click('#comment-submit');
    await page.locator('.note-public .note-text', { hasText: 'Please unplug it.' }).waitFor();
    return (await page.locator('.note-public .note-badge').first().textContent()).includes('Public');
  });
  await check('internal comment posted and marked internal', async () => {
    await page.fill('#comment-text', 'Third fire this month.');
    await page.check('#vis-internal');
    await page.click('#comment-submit');
    const note = page.locator('.note-internal', { hasText: 'Third fire this month.' });
    await note.waitFor();
    return (await note.locator('.note-badge').textContent()).includes('Internal');
  });
  await check('label added', async () => {
    await page.fill('#label-add', 'hardware');
    await page.press('#label-add', 'Enter');
    await page.locator('#labels .label', { hasText: 'hardware' }).waitFor();
  });
  await check('close and reopen', async () => {
    await page.click('#close');
    await page.locator('#issue-state', { hasText: 'closed' }).waitFor();
    await page.click('#reopen');
    await page.locator('#issue-state', { hasText: 'opened' }).waitFor();
  });
  await page.screenshot({ path: ARTIFACTS + '/issue.png', fullPage: true });

  await check('hostile issue page renders the payload as text', async () => {
    await page.goto(WEB + '/acme/issues/2');
    await page.locator('#issue-title').waitFor();
    const t = await page.textContent('#issue-title .title');
    if (t !== XSS) throw new Error('title text is ' + JSON.stringify(t));
    const body = await page.locator('.note-customer .note-text').first().textContent();
    return body.includes('<script>alert(2)</script>') && (await page.locator('main img').count()) === 0;
  });
  await page.screenshot({ path: ARTIFACTS + '/xss.png' });
  await check('attachment offered as a download', async () => {
    await page.goto(WEB + '/acme/issues/3');
    const a = page.locator('#attachments a').first();
    await a.waitFor();
    const [dl] = await Promise.all([page.waitForEvent('download'), a.click()]);
    return dl.suggestedFilename().endsWith('.html');
  });
  await check('template preview updates while typing', async () => {
    await page.goto(WEB + '/acme/settings');
    await page.locator('#tpl-thank_you').waitFor();
    await page.fill('#tpl-thank_you', 'Ticket %{ISSUE_PATH} for %{PROJECT}');
    await page.locator('#preview-thank_you', { hasText: 'Ticket acme#12 for acme' }).waitFor();
  });
  await page.screenshot({ path: ARTIFACTS + '/settings.png', fullPage: true });
  await check('logout returns to the login form', async () => {
    await page.click('#logout');
    await page.locator('#login-user').waitFor();
    await page.goto(WEB + '/acme/issues');
    await page.locator('#login-user').waitFor();
  });
  await checkClean(errors, dialogs);
} finally {
  await ctx.close();
}
process.exit(failures() ? 1 : 0);
