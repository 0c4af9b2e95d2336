// mywork.js - "My work", across all my projects: the open issues assigned
// to me and the unassigned open ones of my projects, oldest due first
// (the server's order, GET /api/mywork).  Two tables, so what is mine is
// never lost among what is nobody's.
import { h, replace, link, fmtTime, priorityBadge, dueCell } from './dom.js';
import { session, get } from './api.js';

function table(id, issues) {
  if (!issues.length) return h('p', { class: 'muted', id: id + '-empty' }, 'Nothing here.');
  return h('table', { class: 'list', id },
    h('thead', {}, h('tr', {}, h('th', {}, 'Issue'), h('th', {}, 'Title'), h('th', {}, 'Customer'),
      h('th', {}, 'Priority'), h('th', {}, 'Due'), h('th', {}, 'Created'))),
    h('tbody', {}, issues.map((i) => {
      const base = '/' + encodeURIComponent(i.project) + '/issues';
      return h('tr', { class: 'issue-row' + (i.overdue ? ' is-overdue' : ''), 'data-project': i.project,
        'data-iid': i.iid },
      h('td', { class: 'num' }, link(base, i.project), ' #' + i.iid),
      h('td', {}, link(base + '/' + i.iid, h('span', { class: 'title' }, i.title || '(no subject)'))),
      h('td', {}, h('span', { class: 'muted' }, i.customer_email)),
      h('td', {}, priorityBadge(i.priority)),
      h('td', { class: 'col-due' }, dueCell(i)),
      h('td', { class: 'muted' }, fmtTime(i.created)));
    })));
}

export async function myworkView(main) {
  const data = await get('/api/mywork');
  const mine = data.issues.filter((i) => i.assignee === session.user);
  const free = data.issues.filter((i) => !i.assignee);
  replace(main,
    h('h1', {}, 'My work'),
    h('section', {}, h('h2', {}, 'Assigned to me ', h('span', { class: 'badge', id: 'mywork-mine-count' },
      String(mine.length))), table('mywork-mine', mine)),
    h('section', { class: 'spaced' }, h('h2', {}, 'Unassigned in my projects ',
      h('span', { class: 'badge', id: 'mywork-unassigned-count' }, String(free.length))),
    table('mywork-unassigned', free)));
}
