// chromium.mjs - what the browser tests share: the result protocol
// ("PASS\tdesc" / "FAIL\tdesc\twhy", turned into TAP by the .sh wrappers)
// and headless Chromium started the way this machine needs it.
import { chromium } from 'playwright-core';

let failed = 0;

export function result(ok, desc, why) {
  if (!ok) failed++;
  console.log((ok ? 'PASS' : 'FAIL') + '\t' + desc + (ok ? '' : '\t' + String(why || '').replace(/\s+/g, ' ')));
}

// check(desc, async fn): fn throws or returns false on failure.
export async function check(desc, fn) {
  try {
    const r = await fn();
    result(r !== false, desc, 'returned false');
  } catch (e) {
    result(false, desc, e && e.message ? e.message.split('\n')[0] : e);
  }
}

export function failures() {
  return failed;
}

// A fresh profile, no network chatter; page errors collected in `errors`.
export async function open(profile) {
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    timeout: 60000,
  });
  ctx.setDefaultTimeout(10000);
  const page = ctx.pages()[0] || await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  return { ctx, page, errors, dialogs };
}

// What every run ends with: no dialog opened (an alert() smuggled in
// through data would open one) and no script error; a 401 is the login
// page's own first look at /api/me.
export async function checkClean(errors, dialogs) {
  await check('no dialog was ever opened', async () => {
    if (dialogs.length) throw new Error('dialogs: ' + dialogs.join(', '));
  });
  await check('no script errors (CSP violations included)', async () => {
    const real = errors.filter((e) => !/401|Unauthorized/.test(e));
    if (real.length) throw new Error(real.join(' | '));
  });
}

// The rows of an issue table as "iid" (or "project#iid" where the row names
// its project).
export const listedIssues = (page, sel) => page.locator(sel + ' tr.issue-row')
  .evaluateAll((rows) => rows.map((r) => (r.dataset.project ? r.dataset.project + '#' : '') + r.dataset.iid));

// Waits until the table lists exactly `want` (in any order): a filter
// changes the URL at once and the rows when the server has answered, so
// the old rows are still there for a moment.
export async function expectIssues(page, sel, want) {
  const same = (got) => got.slice().sort().join(',') === want.slice().sort().join(',');
  for (let tries = 0; tries < 50; tries++) {
    if (same(await listedIssues(page, sel))) return;
    await page.waitForTimeout(100);
  }
  throw new Error('listed ' + await listedIssues(page, sel));
}
