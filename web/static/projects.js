// projects.js - the list of projects with their addresses and counts.
import { h, replace, link } from './dom.js';
import { get } from './api.js';

export async function projectsView(main) {
  const data = await get('/api/projects');
  const rows = data.projects.map((p) => {
    const base = '/' + encodeURIComponent(p.name);
    return h('tr', { 'data-project': p.name },
      h('td', {}, link(base + '/issues', p.name)),
      h('td', {}, h('span', { class: p.enabled ? 'badge on' : 'badge off' },
        p.enabled ? 'enabled' : 'disabled')),
      h('td', {}, h('code', {}, p.address),
        p.aliases.map((a) => [h('br'), h('code', {}, a)])),
      h('td', { class: 'num' }, p.opened >= 0 ? String(p.opened) : '?'),
      h('td', { class: 'num' }, p.closed >= 0 ? String(p.closed) : '?'),
      h('td', { class: 'my-role' }, p.my_role || ''),
      h('td', {}, link(base + '/settings', 'Settings')));
  });
  replace(main,
    h('h1', {}, 'Projects'),
    rows.length === 0 ? h('p', { class: 'muted' }, 'No projects yet (maildesk project add NAME).') :
      h('table', { class: 'list', id: 'projects' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Project'), h('th', {}, 'Service desk'),
          h('th', {}, 'Addresses'), h('th', { class: 'num' }, 'Open'),
          h('th', { class: 'num' }, 'Closed'), h('th', {}, 'My role'), h('th', {}, ''))),
        h('tbody', {}, rows)));
}
