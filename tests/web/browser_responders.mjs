// browser_responders.mjs - the responders' pages (issue 18) in headless
// Chromium, driven the way a team would use them on its first day.
//
// Run by browser_responders.sh, which files acme#1 (two hours old), acme#2
// and beta#1 and starts maildesk-web.  Prints "PASS\tdesc" or
// "FAIL\tdesc\twhy" per check.  Environment: WEB, ARTIFACTS, PROFILE,
// ADMIN/ADMIN_PASSWORD (site admin), RESPONDER/RESPONDER_PASSWORD (made a
// member of acme here, never of beta), MKISSUE and MD_CONF to file a new
// request after the triage rule exists.
import { execFileSync } from 'node:child_process';
import { check, checkClean, expectIssues, failures, listedIssues, open } from './chromium.mjs';

const XSS = '<img src=x onerror=alert(1)>';
const { WEB, ARTIFACTS, PROFILE, ADMIN, ADMIN_PASSWORD, RESPONDER, RESPONDER_PASSWORD,
  MKISSUE, MD_CONF } = process.env;

const { ctx, page, errors, dialogs } = await open(PROFILE);

async function login(user, password) {
  if (await page.locator('#logout').isVisible()) {
    await page.click('#logout');
  }
  await page.goto(WEB + '/');
  await page.locator('#login-user').waitFor();
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.locator('#projects').waitFor();
}

// Sets an input that saves on "change" (the settings page's way) and
// waits for the server's answer.
async function setAndLeave(sel, value) {
  await page.fill(sel, value);
  const [resp] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.press(sel, 'Tab')]);
  if (!resp.ok()) throw new Error('saving ' + sel + ': ' + resp.status() + ' ' + await resp.text());
}

const rowIids = (sel) => listedIssues(page, sel);
const expectRows = (sel, want) => expectIssues(page, sel, want);

try {
  // --- the admin sets up the team ---------------------------------------
  await check('admin logs in', () => login(ADMIN, ADMIN_PASSWORD));
  await check('settings: a member added with a role', async () => {
    await page.goto(WEB + '/acme/settings');
    await page.locator('#member-user').waitFor();
    await page.fill('#member-user', RESPONDER);
    await page.selectOption('#member-role', 'responder');
    await page.click('#member-add');
    await page.locator(`#members tr[data-user="${RESPONDER}"]`).waitFor();
    return (await page.locator(`#members tr[data-user="${RESPONDER}"] select`).inputValue()) === 'responder';
  });
  await check('settings: first response target saved as 1h', async () => {
    await setAndLeave('#set-first_response', '60m');
    await page.reload();
    await page.locator('#set-first_response').waitFor();
    const v = await page.inputValue('#set-first_response');
    if (v !== '1h') throw new Error('first_response shows ' + JSON.stringify(v));
  });
  await check('settings: canned reply saved', async () => {
    await page.fill('#canned-name', 'thanks');
    await page.fill('#canned-text', 'Thanks for writing about %{ISSUE_PATH}.');
    await page.click('#canned-save');
    await page.locator('#canned-list li[data-name="thanks"]').waitFor();
  });
  await check('settings: triage rule added', async () => {
    await page.selectOption('#triage-field', 'subject');
    await page.selectOption('#triage-match', 'substring');
    await page.fill('#triage-pattern', 'invoice');
    await page.fill('#triage-labels', 'billing');
    await page.selectOption('#triage-assign', RESPONDER);
    await page.selectOption('#triage-priority', 'high');
    await page.click('#triage-add');
    const row = page.locator('#rules tr.rule', { hasText: 'invoice' });
    await row.waitFor();
    const t = await row.textContent();
    return t.includes('billing') && t.includes(RESPONDER) && t.includes('high');
  });
  await check('settings: a second rule can be moved above the first', async () => {
    await page.fill('#triage-pattern', 'refund');
    await page.fill('#triage-labels', 'money');
    await page.selectOption('#triage-assign', '');
    await page.selectOption('#triage-priority', '');
    await page.click('#triage-add');
    const second = page.locator('#rules tr.rule', { hasText: 'refund' });
    await second.waitFor();
    await second.locator('.rule-up').click();
    await page.locator('#rules tr.rule').first().filter({ hasText: 'refund' }).waitFor();
    await page.locator('#rules tr.rule', { hasText: 'refund' }).locator('.rule-del').click();
    await page.locator('#rules tr.rule', { hasText: 'refund' }).waitFor({ state: 'detached' });
    return (await page.locator('#rules tr.rule').count()) === 1;
  });
  await page.screenshot({ path: ARTIFACTS + '/responders-settings.png', fullPage: true });

  // --- triage: the rule applies to the next request ---------------------
  let iid = '';
  await check('a new request matching the rule is labelled, assigned and prioritised', async () => {
    iid = execFileSync(MKISSUE, [MD_CONF, 'acme', 'finance@example.org', 'Invoice 4711 is wrong',
      'The amount is twice what we ordered.'], { encoding: 'utf8' }).trim();
    await page.goto(WEB + '/acme/issues/' + iid);
    await page.locator('#issue-title').waitFor();
    const labels = await page.locator('#labels .label').allTextContents();
    const who = (await page.textContent('#issue-assignee')).trim();
    const prio = await page.inputValue('#priority-select');
    if (!labels.some((l) => l.startsWith('billing')) || who !== RESPONDER || prio !== 'high')
      throw new Error(`labels ${labels} assignee ${who} priority ${prio}`);
  });

  // --- priority and overdue ---------------------------------------------
  await check('the list marks the old issue overdue and not the new one', async () => {
    await page.goto(WEB + '/acme/issues');
    await page.locator('#issues').waitFor();
    return (await page.locator('tr.issue-row[data-iid="1"] .col-due .overdue').count()) === 1 &&
      (await page.locator('tr.issue-row[data-iid="2"] .col-due .overdue').count()) === 0 &&
      (await page.locator('tr.issue-row[data-iid="2"] .col-due .due').count()) === 1;
  });
  await check('the list shows assignee and priority columns', async () => {
    const row = page.locator(`tr.issue-row[data-iid="${iid}"]`);
    return (await row.locator('.col-assignee').textContent()) === RESPONDER &&
      (await row.locator('.col-priority .prio-high').count()) === 1;
  });
  await page.screenshot({ path: ARTIFACTS + '/responders-list.png', fullPage: true });
  await check('the assignee filter lists the issues of one member', async () => {
    await page.selectOption('#filter-assignee', RESPONDER);
    await page.click('#filter-apply');
    await page.waitForURL(new RegExp('assignee=' + RESPONDER));
    await expectRows('#issues', [iid]);
  });
  await check('the overdue filter lists only the overdue issue', async () => {
    await page.goto(WEB + '/acme/issues');
    await page.locator('#issues').waitFor();
    await page.click('#quick-overdue');
    await page.waitForURL(/overdue=1/);
    await expectRows('#issues', ['1']);
  });
  await check('the issue page shows overdue; priority changed to urgent', async () => {
    await page.goto(WEB + '/acme/issues/1');
    await page.locator('#issue-due .overdue').waitFor();
    await page.selectOption('#priority-select', 'urgent');
    await page.locator('.note-system', { hasText: 'urgent' }).waitFor();
    return (await page.locator('.meta .prio-urgent').count()) === 1;
  });
  await check('system notes are drawn apart from the conversation', async () => {
    const sys = page.locator('#thread .note-system').first();
    const bg = await sys.evaluate((el) => getComputedStyle(el).backgroundColor);
    const pub = await page.locator('#thread .note-customer').evaluate((el) => getComputedStyle(el).backgroundColor);
    return (await sys.locator('.note-badge').textContent()) === 'System' && bg !== pub;
  });
  await check('the title is edited in place', async () => {
    await page.click('#title-edit');
    await page.fill('#title-input', 'Printer on fire (3rd floor)');
    await page.click('#title-save');
    await page.locator('#issue-title .title', { hasText: '3rd floor' }).waitFor();
    await page.locator('.note-system', { hasText: '3rd floor' }).waitFor();
  });
  await check('a hostile title stays text, in the heading and in its system note', async () => {
    await page.goto(WEB + '/acme/issues/2');
    await page.click('#title-edit');
    await page.fill('#title-input', XSS);
    await page.click('#title-save');
    await page.locator('.note-system', { hasText: XSS }).waitFor();
    const t = await page.textContent('#issue-title .title');
    if (t !== XSS) throw new Error('title text is ' + JSON.stringify(t));
    return (await page.locator('main img').count()) === 0;
  });
  await check('block sender puts the customer on the block list', async () => {
    await page.click('#block-sender');
    await page.locator('#flash.ok', { hasText: 'cy@example.org' }).waitFor();
    await page.locator('.note-system', { hasText: 'blocked sender cy@example.org' }).waitFor();
  });
  await check('a participant added and removed', async () => {
    await page.goto(WEB + '/acme/issues/1');
    await page.locator('#participant-add').waitFor();
    await page.fill('#participant-add', 'boss@example.org');
    await page.press('#participant-add', 'Enter');
    const li = page.locator('#participant-list li[data-email="boss@example.org"]');
    await li.waitFor();
    await li.locator('.participant-del').click();
    await li.waitFor({ state: 'detached' });
  });
  await check('the admin sees both projects', async () => {
    await page.goto(WEB + '/');
    await page.locator('#projects tr[data-project="beta"]').waitFor();
  });

  // --- the responder: take, My work, canned reply, unassign --------------
  await check('responder logs in and sees only acme', async () => {
    await login(RESPONDER, RESPONDER_PASSWORD);
    return (await page.locator('#projects tr[data-project]').evaluateAll((r) => r.map((x) => x.dataset.project)))
      .join(',') === 'acme';
  });
  await check('responder takes issue 1', async () => {
    await page.goto(WEB + '/acme/issues/1');
    await page.click('#assign-take');
    await page.locator('#issue-assignee', { hasText: RESPONDER }).waitFor();
    await page.locator('.note-system', { hasText: 'assigned to ' + RESPONDER }).waitFor();
    return (await page.locator('#assign-take').count()) === 0;
  });
  await check('no block sender button for a responder', async () =>
    (await page.locator('#block-sender').count()) === 0);
  await check('a responder sees the project settings read-only', async () => {
    await page.goto(WEB + '/acme/settings');
    await page.locator('#rules tr.rule').first().waitFor();
    await page.locator('#canned-list li[data-name="thanks"]').waitFor();
    const forms = await page.locator('#member-form, #triage-form, #canned-form, .rule-del, .member-del').count();
    return forms === 0 && await page.locator('#set-first_response').isDisabled();
  });
  await check('canned reply inserted into the comment box at the cursor', async () => {
    await page.goto(WEB + '/acme/issues/1');
    await page.fill('#comment-text', 'Hello,\n\n');
    await page.locator('#comment-text').evaluate((t) => t.setSelectionRange(t.value.length, t.value.length));
    await page.selectOption('#canned-select', 'thanks');
    await page.waitForFunction(() => document.getElementById('comment-text').value.includes('Thanks'));
    const v = await page.inputValue('#comment-text');
    if (v !== 'Hello,\n\nThanks for writing about acme#1.') throw new Error('comment box: ' + JSON.stringify(v));
    return (await page.inputValue('#canned-select')) === '';
  });
  await page.screenshot({ path: ARTIFACTS + '/responders-issue.png', fullPage: true });
  await check('My work (header link): the taken issues, overdue first; issue 2 unassigned', async () => {
    await page.click('#nav-mywork');
    await page.waitForURL(/\/mywork$/);
    await page.locator('#mywork-mine').waitFor();
    const mine = await rowIids('#mywork-mine');
    const free = await rowIids('#mywork-unassigned');
    // acme#1 is overdue, so it is due before the triaged one.
    if (mine.join(',') !== 'acme#1,acme#' + iid || free.join(',') !== 'acme#2')
      throw new Error(`mine ${mine} unassigned ${free}`);
    return (await page.locator('#mywork-mine tr[data-iid="1"] .overdue').count()) === 1;
  });
  await page.screenshot({ path: ARTIFACTS + '/responders-mywork.png', fullPage: true });
  await check('"assigned to me" filter in the list', async () => {
    await page.goto(WEB + '/acme/issues');
    await page.locator('#issues').waitFor();
    await page.click('#quick-mine');
    await page.waitForURL(/assignee=me/);
    await expectRows('#issues', ['1', iid]);
  });
  await check('unassign puts issue 1 back among the unassigned', async () => {
    await page.goto(WEB + '/acme/issues/1');
    await page.click('#assign-none');
    await page.locator('#issue-assignee', { hasText: 'Unassigned' }).waitFor();
    await page.goto(WEB + '/mywork');
    await page.locator('#mywork-unassigned').waitFor();
    const free = await rowIids('#mywork-unassigned');
    if (!free.includes('acme#1') || (await rowIids('#mywork-mine')).includes('acme#1'))
      throw new Error('unassigned ' + free);
  });
  await check('"unassigned" filter in the list', async () => {
    await page.goto(WEB + '/acme/issues?assignee=none');
    await page.locator('#issues tr.issue-row').first().waitFor();
    await expectRows('#issues', ['1', '2']);
    return (await page.inputValue('#filter-assignee')) === 'none';
  });

  // --- another project's issue is not there --------------------------------
  const before = errors.length;
  await check('a non-member gets the 404 page for issue 1 of beta', async () => {
    await page.goto(WEB + '/beta/issues/1');
    await page.locator('#not-found').waitFor();
    return !(await page.textContent('main')).includes('Beta secret');
  });
  await check('and for beta\'s issue list and settings', async () => {
    await page.goto(WEB + '/beta/issues');
    await page.locator('#not-found').waitFor();
    await page.goto(WEB + '/beta/settings');
    await page.locator('#not-found').waitFor();
  });
  // Those pages logged their 404 answers; only those.
  const notFound = errors.splice(before).filter((e) => !/404/.test(e));
  errors.push(...notFound);

  // --- my settings -------------------------------------------------------
  await check('my settings: email, notifications and signature saved', async () => {
    await page.click('#who');
    await page.locator('#me-form').waitFor();
    await page.fill('#me-email', 'bob@acme.test');
    await page.selectOption('#me-notify', 'mine');
    await page.fill('#me-signature', '-- \nBob, acme support');
    await page.click('#me-save');
    await page.locator('#flash.ok').waitFor();
    await page.reload();
    await page.locator('#me-form').waitFor();
    const got = [await page.inputValue('#me-email'), await page.inputValue('#me-notify'),
      await page.inputValue('#me-signature')];
    if (got.join('|') !== 'bob@acme.test|mine|-- \nBob, acme support') throw new Error('shows ' + JSON.stringify(got));
  });

  await checkClean(errors, dialogs);
} finally {
  await ctx.close();
}
process.exit(failures() ? 1 : 0);
