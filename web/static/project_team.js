// project_team.js - the settings page's "Team" card: who the project's
// members are and their role (a maintainer may change the settings), and
// the first-response target that sets every new issue's due time.
import { h, replace, flash, select, fmtDuration } from './dom.js';
import { get, post, projectPath } from './api.js';

const ROLES = [['responder', 'responder'], ['maintainer', 'maintainer']];

export function teamCard(project, p, manage, save) {
  const card = h('section', { class: 'card', id: 'team' });
  const list = h('div', {});
  const setMember = async (user, role) => {
    try {
      const r = await post(projectPath(project) + '/members', { user, role });
      show(r && r.members ? r : await get(projectPath(project) + '/members'));
      flash(role === 'none' ? user + ' removed.' : user + ' is a ' + role + '.', 'ok');
    } catch (e) { flash(e.message); }
  };
  const show = (data) => replace(list, data.members.length === 0
    ? h('p', { class: 'muted', id: 'members-empty' }, 'No members yet: only site admins see this project.')
    : h('table', { class: 'list', id: 'members' },
      h('thead', {}, h('tr', {}, h('th', {}, 'User'), h('th', {}, 'Role'), h('th', {}, ''))),
      h('tbody', {}, data.members.map((m) => {
        const role = select({ class: 'member-role', 'aria-label': 'Role of ' + m.user, disabled: !manage },
          ROLES, m.role);
        role.addEventListener('change', () => setMember(m.user, role.value));
        return h('tr', { 'data-user': m.user }, h('td', {}, m.user), h('td', {}, role),
          h('td', {}, manage ? h('button', { type: 'button', class: 'small member-del',
            onclick: () => setMember(m.user, 'none') }, 'Remove') : null));
      }))));

  const user = h('input', { id: 'member-user', placeholder: 'user name', maxlength: 64 });
  const role = select({ id: 'member-role', 'aria-label': 'Role' }, ROLES, 'responder');
  const form = h('form', { class: 'inline', id: 'member-form' }, user, role,
    h('button', { type: 'submit', id: 'member-add' }, 'Add member'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (user.value.trim()) setMember(user.value.trim(), role.value);
  });

  const target = h('input', { id: 'set-first_response', value: fmtDuration(p.first_response),
    placeholder: 'none (e.g. 8h, 30m, 2d)', disabled: !manage, maxlength: 16 });
  target.addEventListener('change', async () => {
    const np = await save({ first_response: target.value.trim() });
    if (np) target.value = fmtDuration(np.first_response);
  });

  get(projectPath(project) + '/members').then(show,
    (e) => replace(list, h('p', { class: 'error' }, 'Members: ' + e.message)));
  return replace(card, h('h2', {}, 'Team'), list, manage ? form : null,
    h('label', {}, 'First response due within (new issues are overdue after it)', target));
}
