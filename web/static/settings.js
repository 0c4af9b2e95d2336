// settings.js - one project's service desk settings, aliases, templates,
// team, triage rules and canned replies.  Site admins and the project's
// maintainers can change them; responders see the same page read-only.
import { h, replace, flash } from './dom.js';
import { get, post, projectPath, projectRole, canManage } from './api.js';
import { teamCard } from './project_team.js';
import { triageCard, cannedCard } from './triage.js';

const KINDS = [
  ['thank_you', 'Thank you (new request)'],
  ['new_note', 'New public comment'],
  ['close', 'Issue closed'],
  ['reopen', 'Issue reopened'],
];
const FLAGS = [
  ['verified_senders', 'Confirm new requests only to authenticated senders (SPF or DKIM aligned with From:)'],
  ['reopen_on_reply', 'A reply to a closed issue reopens it'],
  ['notify_state', 'Mail the customer when the issue is closed or reopened'],
];

function copyable(text, extra) {
  const input = h('input', { value: text, readonly: true, class: 'copy' });
  const btn = h('button', { type: 'button', onclick: async () => {
    input.select();
    try { await navigator.clipboard.writeText(text); btn.textContent = 'Copied'; }
    catch (e) { document.execCommand('copy'); }
  } }, 'Copy');
  return h('div', { class: 'copyrow' }, input, btn, extra || null);
}

export async function settingsView(main, name) {
  const [p, members] = await Promise.all([get(projectPath(name)),
    get(projectPath(name) + '/members').catch(() => ({ members: [] }))]);
  const admin = canManage(p.my_role || await projectRole(name));
  const save = async (fields) => {
    try {
      const np = await post(projectPath(name), fields);
      flash('Saved.', 'ok');
      return np;
    } catch (e) { flash(e.message); return null; }
  };

  const enabled = h('input', { type: 'checkbox', id: 'set-enabled', checked: p.enabled,
    disabled: !admin, onchange: () => save({ enabled: enabled.checked ? 'yes' : 'no' }) });

  const aliasInput = h('input', { id: 'alias-add', placeholder: 'help@example.com', disabled: !admin });
  const aliasList = h('ul', { class: 'plain' }, p.aliases.map((a) => h('li', {}, copyable(a,
    admin ? h('button', { type: 'button', onclick: async () => {
      try { await post(projectPath(name) + '/aliases', { del: a }); settingsView(main, name); }
      catch (e) { flash(e.message); }
    } }, 'Remove') : null))));
  const aliasForm = h('form', { class: 'inline' }, aliasInput,
    h('button', { type: 'submit', disabled: !admin }, 'Add alias'));
  aliasForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try { await post(projectPath(name) + '/aliases', { add: aliasInput.value }); settingsView(main, name); }
    catch (e) { flash(e.message); }
  });

  const flags = FLAGS.map(([k, text]) => {
    const box = h('input', { type: 'checkbox', id: 'set-' + k, checked: p.settings[k], disabled: !admin,
      onchange: () => save({ [k]: box.checked ? 'yes' : 'no' }) });
    return h('label', { class: 'check' }, box, ' ', text);
  });
  const policy = h('select', { id: 'set-automated_policy', disabled: !admin },
    ['default', 'accept', 'reject'].map((v) => h('option', { value: v, selected: p.settings.automated_policy === v },
      v === 'default' ? 'default (' + p.defaults.automated_policy + ')' : v)));
  policy.addEventListener('change', () => save({ automated_policy: policy.value }));
  // Sender identity (doc/sender-identity.md): "default" follows maildesk.conf.
  const choice = (k, values) => {
    const sel = h('select', { id: 'set-' + k, disabled: !admin },
      ['default', ...values].map((v) => h('option', { value: v, selected: p.settings[k] === v },
        v === 'default' ? 'default (' + p.defaults[k] + ')' : v)));
    sel.addEventListener('change', () => save({ [k]: sel.value }));
    return sel;
  };
  const num = (k) => {
    const input = h('input', { type: 'number', step: '0.1', min: '0', id: 'set-' + k,
      value: p.settings[k] === null ? '' : String(p.settings[k]),
      placeholder: 'default ' + p.defaults[k], disabled: !admin });
    input.addEventListener('change', () => save({ [k]: input.value === '' ? 'default' : input.value }));
    return input;
  };

  const retention = h('input', { type: 'number', step: '1', min: '1', id: 'set-retention',
    value: p.settings.retention_days === null || p.settings.retention_days === undefined ? ''
      : String(p.settings.retention_days),
    placeholder: 'keep forever', disabled: !admin });
  retention.addEventListener('change', () => save({ retention: retention.value === '' ? 'off' : retention.value }));

  replace(main,
    h('h1', {}, 'Project ', name),
    h('section', { class: 'card' },
      h('h2', {}, 'Service desk'),
      h('label', { class: 'check' }, enabled, ' Service desk enabled'),
      h('h3', {}, 'Addresses customers write to'),
      copyable(p.address),
      aliasList, admin ? aliasForm : null),
    h('section', { class: 'card' },
      h('h2', {}, 'Rules'),
      flags,
      h('label', {}, 'Automated mail (auto-replies, bounces) to the support address', policy),
      h('label', {}, 'Spam score that labels an issue "spam?"', num('spam_mark')),
      h('label', {}, 'Spam score that rejects the message', num('spam_reject')),
      h('label', {}, 'Days after closing to keep original messages and attachments', retention)),
    h('section', { class: 'card' },
      h('h2', {}, 'Sender identity'),
      h('label', {}, 'Refuse mail whose domain asks for it (DMARC p=reject) and that is not authenticated',
        choice('dmarc_reject', ['yes', 'no'])),
      h('label', {}, 'Mail failing DMARC of a p=quarantine domain', choice('dmarc_quarantine', ['accept', 'reject'])),
      h('label', {}, 'Refuse unauthenticated mail from the desk\'s or a responder\'s domain',
        choice('desk_from_auth', ['yes', 'no']))),
    teamCard(name, p, admin, save),
    triageCard(name, admin, members.members),
    cannedCard(name, admin),
    h('section', { class: 'card', id: 'templates' },
      h('h2', {}, 'Mail templates'),
      h('p', { class: 'muted' }, 'Placeholders: %{ISSUE_ID} %{ISSUE_PATH} %{ISSUE_URL} ',
        '%{ISSUE_DESCRIPTION} %{NOTE_TEXT} %{UNSUBSCRIBE_URL} %{PROJECT} %{SUBJECT}'),
      KINDS.map(([k, title]) => templateEditor(name, k, title, p.templates[k], admin))));
}

function templateEditor(project, kind, title, t, admin) {
  const subjIn = h('input', { id: 'tpl-subject-' + kind, class: 'tpl-subject', value: t.subject.text, readonly: !admin });
  const area = h('textarea', { id: 'tpl-' + kind, rows: 8, value: t.body.text, readonly: !admin });
  const subj = h('div', { class: 'preview-subject' });
  const body = h('pre', { class: 'preview', id: 'preview-' + kind });
  const warn = h('p', { class: 'error', hidden: true });
  const state = h('span', { class: 'badge' });
  const showState = (tt) => { state.textContent = tt.body.custom || tt.subject.custom ? 'custom' : 'default'; };
  let timer = null;
  const preview = async () => {
    try {
      const r = await post('/api/preview', { kind, text: area.value, subject: subjIn.value, project });
      subj.textContent = 'Subject: ' + r.subject;
      body.textContent = r.body;
      warn.hidden = !r.unknown;
      warn.textContent = r.unknown ? 'Unknown placeholders: ' + r.unknown : '';
    } catch (e) { warn.textContent = e.message; warn.hidden = false; }
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(preview, 250); };
  area.addEventListener('input', later);
  subjIn.addEventListener('input', later);
  const store = async (text, subject) => {
    try {
      const np = await post(projectPath(project) + '/templates/' + kind, { text, subject });
      const nt = np.templates[kind];
      area.value = nt.body.text;
      subjIn.value = nt.subject.text;
      showState(nt);
      flash('Template saved.', 'ok');
      preview();
    } catch (e) { flash(e.message); }
  };
  showState(t);
  preview();
  return h('div', { class: 'template' },
    h('h3', {}, title, ' ', state),
    h('div', { class: 'split' },
      h('div', {}, h('label', {}, 'Subject', subjIn), h('label', {}, 'Body', area),
        admin ? h('div', { class: 'buttons' },
          h('button', { type: 'button', id: 'tpl-save-' + kind, onclick: () => store(area.value, subjIn.value) }, 'Save'),
          h('button', { type: 'button', onclick: () => store('', '') }, 'Reset to default')) : null),
      h('div', { class: 'preview-box' }, h('div', { class: 'muted' }, 'Preview with sample values'), subj, body, warn)));
}
