// me.js - my own settings: the address notifications go to (and the only
// one my answers by email are accepted from), which notifications I get,
// and the signature appended to my public replies.
import { h, replace, flash, select } from './dom.js';
import { get, post } from './api.js';

const NOTIFY = [
  ['all', 'All: new requests and replies in my projects, and assignments'],
  ['mine', 'Only mine: issues assigned to me, and assignments'],
  ['none', 'None'],
];

export async function meView(main) {
  const me = await get('/api/me');
  const email = h('input', { id: 'me-email', type: 'email', value: me.email || '', maxlength: 254,
    placeholder: 'you@example.com' });
  const notify = select({ id: 'me-notify' }, NOTIFY, me.notify || 'all');
  const signature = h('textarea', { id: 'me-signature', rows: 5, value: me.signature || '',
    placeholder: 'Appended to your public replies' });
  const form = h('form', { id: 'me-form', class: 'card' },
    h('h2', {}, 'Notifications and replies'),
    h('label', {}, 'Email address', email),
    h('p', { class: 'muted' }, 'Notifications go here; replies to them are accepted only from this address.'),
    h('label', {}, 'Notify me', notify),
    h('label', {}, 'Signature', signature),
    h('button', { type: 'submit', id: 'me-save' }, 'Save'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await post('/api/me', { email: email.value.trim(), notify: notify.value, signature: signature.value });
      flash('Saved.', 'ok');
    } catch (e) { flash(e.message); }
  });
  replace(main, h('h1', {}, 'My settings'), h('p', { class: 'muted' }, 'Signed in as ', h('strong', {}, me.user),
    ' (' + me.role + ')'), form);
}
