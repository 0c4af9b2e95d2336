// triage.js - the settings page's triage rules and canned replies.
//
// Rules run in order on every new request (every match adds its labels,
// the first assignee and priority win), so the list shows positions and
// moves rules up and down.  Canned replies take the same placeholders as the templates.
import { h, replace, flash, select, labelChip, priorityBadge, PRIORITIES } from './dom.js';
import { get, post, projectPath } from './api.js';

const FIELDS = [['recipient', 'recipient or alias'], ['sender', 'sender address or domain'],
  ['subject', 'subject'], ['body', 'body text']];
const MATCHES = [['substring', 'contains'], ['regex', 'matches regex']];

function ruleRow(rule, last, manage, run) {
  const field = (FIELDS.find(([v]) => v === rule.field) || [rule.field, rule.field])[1];
  const match = (MATCHES.find(([v]) => v === rule.match) || [rule.match, rule.match])[1];
  const base = '/triage/' + encodeURIComponent(rule.id);
  return h('tr', { class: 'rule', 'data-id': rule.id },
    h('td', { class: 'num' }, String(rule.position)),
    h('td', {}, field, ' ', h('span', { class: 'muted' }, match), ' ', h('code', { class: 'pattern' }, rule.pattern)),
    h('td', { class: 'actions' },
      (rule.labels || []).map((l) => labelChip(l)),
      rule.assign ? h('span', { class: 'rule-assign' }, '\u2192 ' + rule.assign, ' ') : null,
      rule.priority ? priorityBadge(rule.priority) : null),
    h('td', {}, manage ? h('span', { class: 'buttons' },
      h('button', { type: 'button', class: 'small rule-up', title: 'Move up', 'aria-label': 'Move up',
        disabled: rule.position <= 1, onclick: () => run(base + '/move', { position: rule.position - 1 }) }, '\u2191'),
      h('button', { type: 'button', class: 'small rule-down', title: 'Move down', 'aria-label': 'Move down',
        disabled: last, onclick: () => run(base + '/move', { position: rule.position + 1 }) }, '\u2193'),
      h('button', { type: 'button', class: 'small rule-del', onclick: () => run(base + '/delete', {}) },
        'Delete')) : null));
}

export function triageCard(project, manage, members) {
  const card = h('section', { class: 'card', id: 'triage' });
  const list = h('div', {});
  const show = (data) => {
    const rules = data.rules.slice().sort((a, b) => a.position - b.position);
    replace(list, rules.length === 0 ? h('p', { class: 'muted', id: 'rules-empty' }, 'No rules.')
      : h('table', { class: 'list', id: 'rules' },
        h('thead', {}, h('tr', {}, h('th', { class: 'num' }, '#'), h('th', {}, 'When'), h('th', {}, 'Then'),
          h('th', {}, ''))),
        h('tbody', {}, rules.map((r, i) => ruleRow(r, i === rules.length - 1, manage, run)))));
  };
  const refresh = () => get(projectPath(project) + '/triage').then(show,
    (e) => replace(list, h('p', { class: 'error' }, 'Triage rules: ' + e.message)));
  // Each change answers with the rules; an answer without them is re-read.
  async function run(sub, fields) {
    try {
      const r = await post(projectPath(project) + sub, fields);
      if (r && r.rules) show(r); else await refresh();
      return true;
    } catch (e) { flash(e.message); return false; }
  }

  const field = select({ id: 'triage-field', 'aria-label': 'Field' }, FIELDS, 'subject');
  const match = select({ id: 'triage-match', 'aria-label': 'Match' }, MATCHES, 'substring');
  const pattern = h('input', { id: 'triage-pattern', placeholder: 'text or regex', required: true, maxlength: 255 });
  const labels = h('input', { id: 'triage-labels', placeholder: 'labels (a,b)', maxlength: 255 });
  const assign = select({ id: 'triage-assign', 'aria-label': 'Assign to' },
    [['', 'nobody'], ...members.map((m) => [m.user, m.user])], '');
  const prio = select({ id: 'triage-priority', 'aria-label': 'Priority' }, [['', 'priority unchanged'], ...PRIORITIES], '');
  const form = h('form', { id: 'triage-form', class: 'filters' },
    h('span', {}, 'When'), field, match, pattern, h('span', {}, 'then'), labels, assign, prio,
    h('button', { type: 'submit', id: 'triage-add' }, 'Add rule'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (await run('/triage', { field: field.value, match: match.value, pattern: pattern.value,
      labels: labels.value.replace(/\s+/g, ''), assign: assign.value, priority: prio.value })) {
      pattern.value = labels.value = '';
      flash('Rule added.', 'ok');
    }
  });
  refresh();
  return replace(card, h('h2', {}, 'Triage rules'),
    h('p', { class: 'muted' }, 'Checked in order, top first, on every new request: every matching rule adds ' +
      'its labels; the first matching rule that assigns, or sets a priority, decides that.'),
    list, manage ? form : null);
}

export function cannedCard(project, manage) {
  const card = h('section', { class: 'card', id: 'canned' });
  const list = h('div', {});
  const show = (data) => replace(list, data.canned.length === 0
    ? h('p', { class: 'muted', id: 'canned-empty' }, 'No canned replies.')
    : h('ul', { class: 'plain', id: 'canned-list' }, data.canned.map((c) => h('li', { 'data-name': c.name },
      h('div', { class: 'heading' }, h('strong', {}, c.name),
        manage ? h('button', { type: 'button', class: 'small canned-edit', onclick: () => {
          name.value = c.name; text.value = c.text; text.focus();
        } }, 'Edit') : null,
        manage ? h('button', { type: 'button', class: 'small canned-del',
          onclick: () => store(c.name, '') }, 'Delete') : null),
      h('pre', { class: 'preview canned-text' }, c.text)))));
  const refresh = () => get(projectPath(project) + '/canned').then(show,
    (e) => replace(list, h('p', { class: 'error' }, 'Canned replies: ' + e.message)));
  const store = async (n, t) => {
    try {
      const r = await post(projectPath(project) + '/canned', { name: n, text: t });
      if (r && r.canned) show(r); else await refresh();
      flash(t ? 'Canned reply ' + n + ' saved.' : 'Canned reply ' + n + ' deleted.', 'ok');
      return true;
    } catch (e) { flash(e.message); return false; }
  };

  const name = h('input', { id: 'canned-name', placeholder: 'name', required: true, maxlength: 64 });
  const text = h('textarea', { id: 'canned-text', rows: 5, required: true,
    placeholder: 'Text; placeholders as in the templates, e.g. %{ISSUE_PATH}' });
  const form = h('form', { id: 'canned-form' }, h('label', {}, 'Name', name), h('label', {}, 'Text', text),
    h('button', { type: 'submit', id: 'canned-save' }, 'Save canned reply'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (name.value.trim() && text.value && await store(name.value.trim(), text.value))
      name.value = text.value = '';
  });
  refresh();
  return replace(card, h('h2', {}, 'Canned replies'), list, manage ? form : null);
}
