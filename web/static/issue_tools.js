// issue_tools.js - the responder's controls on an issue page: owner,
// priority, due time, title, participants, blocking the sender, canned
// replies.  issue.js draws the thread and calls these for the side cards.
//
// ctx: { project, path, role, members: [{user, role}], canned: [{name}] }
// act(sub, fields): a click handler that POSTs to path + sub and redraws.
import { h, flash, select, dueCell, fmtTime, PRIORITIES } from './dom.js';
import { session, get, post, projectPath, projectRole, canManage } from './api.js';

// What issue.js needs besides the issue itself; each part is optional (an
// older server, or a responder who may not list the members) so a failure
// leaves that control out instead of the whole page.
export async function loadContext(project, path) {
  const quiet = (p) => p.catch(() => null);
  const [role, members, canned] = await Promise.all([
    quiet(projectRole(project)),
    quiet(get(projectPath(project) + '/members')),
    quiet(get(projectPath(project) + '/canned')),
  ]);
  return { project, path, role, members: members ? members.members : [],
    canned: canned ? canned.canned : [] };
}

// The title with an Edit button that turns it into a form.
export function titleHeading(i, act) {
  const shown = h('span', { class: 'title' }, i.title || '(no subject)');
  const h1 = h('h1', { id: 'issue-title' }, h('span', { class: 'muted' }, '#' + i.iid + ' '), shown);
  const input = h('input', { id: 'title-input', value: i.title || '', maxlength: 255, required: true });
  const form = h('form', { id: 'title-form', class: 'inline title-form', hidden: true }, input,
    h('button', { type: 'submit', id: 'title-save' }, 'Save'),
    h('button', { type: 'button', onclick: () => { form.hidden = true; h1.hidden = false; edit.hidden = false; } },
      'Cancel'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (input.value.trim()) act('/title', { title: input.value.trim() })();
  });
  const edit = h('button', { type: 'button', id: 'title-edit', class: 'small',
    onclick: () => { form.hidden = false; h1.hidden = true; edit.hidden = true; input.focus(); } }, 'Edit title');
  return [h1, form, edit];
}

export function ownershipCard(ctx, i, act) {
  const names = ctx.members.map((m) => m.user);
  if (i.assignee && !names.includes(i.assignee)) names.push(i.assignee);
  const assignee = select({ id: 'assignee-select', 'aria-label': 'Assignee' },
    [['', '\u2014 unassigned \u2014'], ...names.map((n) => [n, n])], i.assignee || '');
  assignee.addEventListener('change', () => act('/assignee', { user: assignee.value })());
  const prio = select({ id: 'priority-select', 'aria-label': 'Priority' }, PRIORITIES, i.priority || 'normal');
  prio.addEventListener('change', () => act('/priority', { priority: prio.value })());
  const mine = i.assignee === session.user;
  return h('section', { class: 'card', id: 'ownership' },
    h('h2', {}, 'Owner'),
    h('p', { id: 'issue-assignee', class: i.assignee ? 'assigned' : 'muted' },
      i.assignee ? i.assignee : 'Unassigned'),
    h('label', {}, 'Assign to', assignee),
    h('div', { class: 'buttons' },
      mine ? null : h('button', { type: 'button', id: 'assign-take', onclick: act('/assignee', { user: 'me' }) }, 'Take'),
      i.assignee ? h('button', { type: 'button', id: 'assign-none', onclick: act('/assignee', { user: '' }) }, 'Unassign')
        : null),
    h('h2', { class: 'spaced' }, 'Priority'),
    prio,
    h('h2', { class: 'spaced' }, 'First response'),
    h('p', { id: 'issue-due' }, dueCell(i) || h('span', { class: 'muted' },
      i.first_response_at ? 'answered ' + fmtTime(i.first_response_at)
        : i.due ? 'closed without a public reply' : 'no target')));
}

export function participantsCard(ctx, d, act, reload) {
  const input = h('input', { id: 'participant-add', type: 'email', placeholder: 'add address (Cc)', maxlength: 254 });
  const form = h('form', { class: 'inline', id: 'participant-form' }, input, h('button', { type: 'submit' }, 'Add'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (input.value.trim()) act('/participants', { add: input.value.trim() })();
  });
  const block = async () => {
    try {
      await post(ctx.path + '/block', {});
      flash('Sender ' + d.issue.customer_email + ' blocked for ' + ctx.project + '.', 'ok');
      reload();
    } catch (e) { flash(e.message); }
  };
  return h('section', { class: 'card', id: 'participants' }, h('h2', {}, 'Participants'),
    h('ul', { class: 'plain', id: 'participant-list' }, d.subscribers.map((s) => h('li', { 'data-email': s.email },
      s.email, s.subscribed ? null : h('span', { class: 'muted' }, ' (unsubscribed)'), ' ',
      h('button', { type: 'button', class: 'small participant-del', title: 'Remove ' + s.email,
        'aria-label': 'Remove ' + s.email, onclick: act('/participants', { del: s.email }) }, '\u00d7')))),
    form,
    canManage(ctx.role) ? h('p', {}, h('button', { type: 'button', id: 'block-sender', class: 'danger',
      title: 'Add ' + d.issue.customer_email + ' to the project\u2019s block list', onclick: block },
    'Block sender')) : null);
}

// A select of the project's canned replies; choosing one fetches it
// rendered for this issue and inserts it at the cursor of the comment box.
export function cannedPicker(ctx, textarea) {
  if (!ctx.canned.length) return null;
  const pick = select({ id: 'canned-select', 'aria-label': 'Insert a canned reply' },
    [['', 'Insert canned reply\u2026'], ...ctx.canned.map((c) => [c.name, c.name])], '');
  pick.addEventListener('change', async () => {
    const name = pick.value;
    if (!name) return;
    try {
      const r = await get(ctx.path + '/canned/' + encodeURIComponent(name));
      const at = textarea.selectionStart, end = textarea.selectionEnd;
      textarea.setRangeText(r.text, at, end, 'end');
      textarea.focus();
    } catch (e) { flash(e.message); }
    pick.value = '';
  });
  return h('div', { class: 'canned' }, pick);
}
