// issues.js - one project's issues: filters, sort, counts, pages.
// The filter lives in the URL query, so a filtered list can be bookmarked.
// Owner filters: assignee=me|none|USER; overdue=1; priority=X.
import { h, replace, link, fmtTime, labelChip, navigate, select, priorityBadge, dueCell, assigneeCell,
  PRIORITIES } from './dom.js';
import { get, projectPath } from './api.js';

export async function issuesView(main, project, q) {
  const f = {
    state: q.get('state') || 'opened',
    label: q.get('label') || '',
    customer: q.get('customer') || '',
    search: q.get('search') || '',
    sort: q.get('sort') || 'created',
    page: q.get('page') || '1',
    assignee: q.get('assignee') || '',
    priority: q.get('priority') || '',
    overdue: q.get('overdue') || '',
  };
  const [data, members] = await Promise.all([get(projectPath(project) + '/issues', f),
    get(projectPath(project) + '/members').catch(() => ({ members: [] }))]);
  const base = '/' + encodeURIComponent(project) + '/issues';
  const go = (changes) => {
    const nq = new URLSearchParams();
    for (const [k, v] of Object.entries(Object.assign({}, f, changes)))
      if (v && !(k === 'page' && v === '1')) nq.set(k, v);
    navigate(base + (nq.toString() ? '?' + nq : ''));
  };

  const input = (name, placeholder) =>
    h('input', { name, id: 'filter-' + name, value: f[name], placeholder, type: 'search' });
  const state = h('select', { name: 'state', id: 'filter-state' },
    ['opened', 'closed', 'all'].map((s) => h('option', { value: s, selected: f.state === s }, s)));
  const sort = h('select', { name: 'sort', id: 'filter-sort' },
    [['created', 'newest first'], ['updated', 'recently updated']].map(([v, t]) =>
      h('option', { value: v, selected: f.sort === v }, t)));
  const fields = { label: input('label', 'label'), customer: input('customer', 'customer address'),
    search: input('search', 'words in the title, description or notes') };
  const names = members.members.map((m) => m.user);
  if (f.assignee && !['me', 'none', ...names].includes(f.assignee)) names.push(f.assignee);
  const assignee = select({ name: 'assignee', id: 'filter-assignee', 'aria-label': 'Assignee' },
    [['', 'anyone'], ['me', 'assigned to me'], ['none', 'unassigned'], ...names.map((n) => [n, n])], f.assignee);
  const priority = select({ name: 'priority', id: 'filter-priority', 'aria-label': 'Priority' },
    [['', 'any priority'], ...PRIORITIES], f.priority);
  const overdue = h('input', { type: 'checkbox', id: 'filter-overdue', checked: f.overdue === '1' });
  const form = h('form', { id: 'filters', class: 'filters' }, state, fields.search, fields.label,
    fields.customer, assignee, priority, h('label', { class: 'check' }, overdue, ' overdue'), sort,
    h('button', { type: 'submit', id: 'filter-apply' }, 'Filter'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go({ state: state.value, sort: sort.value, label: fields.label.value.trim(),
      customer: fields.customer.value.trim(), search: fields.search.value.trim(),
      assignee: assignee.value, priority: priority.value, overdue: overdue.checked ? '1' : '', page: '1' });
  });
  // One click for the two filters a responder uses all day.
  const quick = (id, text, changes) => h('button', { type: 'button', id, class: 'small',
    onclick: () => go(Object.assign({ assignee: '', overdue: '', page: '1' }, changes)) }, text);

  const tab = (s, n) => h('button', { type: 'button', class: 'tab' + (f.state === s ? ' active' : ''),
    id: 'tab-' + s, onclick: () => go({ state: s, page: '1' }) }, s === 'opened' ? 'Open ' : 'Closed ',
    h('span', { class: 'count' }, String(n)));

  const rows = data.issues.map((i) => h('tr', { class: 'issue-row' + (i.overdue ? ' is-overdue' : ''), 'data-iid': i.iid },
    h('td', { class: 'num' }, '#' + i.iid),
    h('td', {}, link(base + '/' + i.iid, h('span', { class: 'title' }, i.title || '(no subject)')),
      ' ', i.labels.map((l) => labelChip(l))),
    h('td', {}, i.customer_name ? [i.customer_name, ' '] : null,
      h('span', { class: 'muted' }, i.customer_email)),
    h('td', {}, h('span', { class: 'badge ' + i.state }, i.state)),
    h('td', { class: 'col-assignee' }, assigneeCell(i)),
    h('td', { class: 'col-priority' }, priorityBadge(i.priority)),
    h('td', { class: 'col-due' }, dueCell(i)),
    h('td', { class: 'muted' }, fmtTime(f.sort === 'updated' ? i.updated : i.created))));

  const page = Number(f.page);
  const pages = Math.max(1, Math.ceil(data.total / data.per_page));
  replace(main,
    h('div', { class: 'heading' }, h('h1', {}, project),
      link('/' + encodeURIComponent(project) + '/settings', 'Settings')),
    h('div', { class: 'tabs' }, tab('opened', data.opened), tab('closed', data.closed), ' ',
      quick('quick-mine', 'Assigned to me', { assignee: 'me' }),
      quick('quick-unassigned', 'Unassigned', { assignee: 'none' }),
      quick('quick-overdue', 'Overdue', { overdue: '1' })),
    form,
    rows.length === 0 ? h('p', { class: 'muted', id: 'no-issues' }, 'No issues match.') :
      h('table', { class: 'list', id: 'issues' },
        h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'Title'), h('th', {}, 'Customer'),
          h('th', {}, 'State'), h('th', {}, 'Assignee'), h('th', {}, 'Priority'), h('th', {}, 'Due'),
          h('th', {}, f.sort === 'updated' ? 'Updated' : 'Created'))),
        h('tbody', {}, rows)),
    h('div', { class: 'pager' },
      h('button', { type: 'button', disabled: page <= 1, onclick: () => go({ page: String(page - 1) }) }, '\u2190 Newer'),
      h('span', {}, ' page ' + page + ' of ' + pages + ' (' + data.total + ') '),
      h('button', { type: 'button', disabled: page >= pages, onclick: () => go({ page: String(page + 1) }) }, 'Older \u2192')));
}
