// browser_mail.mjs - a responder answers a mailed-in request in Chromium.
//
// Run by browser_mail.sh, which sends the request through Postfix, the
// milter and the worker, then starts maildesk-web.  Logs in, finds the
// issue by its subject in the project's list, posts a public and an
// internal comment.  Prints "PASS\tdesc" or "FAIL\tdesc\twhy" per check
// (the format of browser.mjs).  Environment: WEB, MD_USER, MD_PASSWORD,
// PROJECT, SUBJECT, PUBLIC_TEXT, INTERNAL_TEXT, ARTIFACTS, PROFILE.
import { check, checkClean, failures, open } from './chromium.mjs';

const { WEB, MD_USER, MD_PASSWORD, PROJECT, SUBJECT, PUBLIC_TEXT, INTERNAL_TEXT,
  ARTIFACTS, PROFILE } = process.env;

const { ctx, page, errors, dialogs } = await open(PROFILE);

try {
  await check('login', async () => {
    await page.goto(WEB + '/');
    await page.fill('#login-user', MD_USER);
    await page.fill('#login-password', MD_PASSWORD);
    await page.click('#login-submit');
    await page.locator(`#projects tr[data-project="${PROJECT}"]`).waitFor();
  });
  await check('the mailed-in request is in the project\'s issue list', async () => {
    await page.click(`#projects tr[data-project="${PROJECT}"] a >> text=${PROJECT}`);
    await page.locator('#issues tr.issue-row').first().waitFor();
    const row = page.locator('#issues tr.issue-row', { hasText: SUBJECT });
    return (await row.count()) === 1;
  });
  await check('issue page shows the customer and the mailed text', async () => {
    await page.locator('#issues tr.issue-row', { hasText: SUBJECT }).locator('a').first().click();
    await page.locator('#issue-title').waitFor();
    const title = await page.textContent('#issue-title .title');
    const who = await page.textContent('#issue-customer');
    if (title !== SUBJECT) throw new Error('title is ' + JSON.stringify(title));
    return who.includes('customer@example.org');
  });
  await check('public comment posted', async () => {
    await page.fill('#comment-text', PUBLIC_TEXT);
    await page.check('#vis-public');
    await page.click('#comment-submit');
    const note = page.locator('.note-public', { hasText: PUBLIC_TEXT });
    await note.waitFor();
    return (await note.locator('.note-badge').textContent()).includes('Public');
  });
  await check('internal comment posted', async () => {
    await page.fill('#comment-text', INTERNAL_TEXT);
    await page.check('#vis-internal');
    await page.click('#comment-submit');
    const note = page.locator('.note-internal', { hasText: INTERNAL_TEXT });
    await note.waitFor();
    return (await note.locator('.note-badge').textContent()).includes('Internal');
  });
  await page.screenshot({ path: ARTIFACTS + '/mail-issue.png', fullPage: true });
  await checkClean(errors, dialogs);
} finally {
  await ctx.close();
}
process.exit(failures() ? 1 : 0);
