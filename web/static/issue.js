// issue.js - one issue: the thread, attachments, labels, state, comments.
//
// Public and internal entries look different on purpose (colour, badge,
// wording): a responder must see at a glance what the customer was sent.
import { h, replace, flash, fmtTime, labelChip } from './dom.js';
import { get, post, issuePath } from './api.js';

const KIND = {
  customer: ['From the customer', 'note-customer'],
  public: ['Public reply \u2014 mailed to the customer', 'note-public'],
  internal: ['Internal note \u2014 responders only', 'note-internal'],
  system: ['System', 'note-system'],
};

function sizeText(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
  return (n / 1048576).toFixed(1) + ' MiB';
}

function entry(kind, who, when, text, extra) {
  const [badge, cls] = KIND[kind] || [kind, 'note-system'];
  return h('article', { class: 'note ' + cls, 'data-kind': kind },
    h('header', {}, h('span', { class: 'note-badge' }, badge), ' ',
      h('strong', { class: 'note-author' }, who), ' ',
      h('time', { class: 'muted' }, fmtTime(when)), extra || null),
    h('div', { class: 'note-text' }, text));
}

export async function issueView(main, project, iid) {
  const path = issuePath(project, iid);
  const render = (d) => draw(main, project, iid, path, d);
  render(await get(path));
}

function draw(main, project, iid, path, d) {
  const i = d.issue;
  const act = (sub, fields) => async () => {
    try { draw(main, project, iid, path, await post(path + sub, fields)); }
    catch (e) { flash(e.message); }
  };
  const rawLink = (q, text) => h('a', { href: path + '/raw' + q, target: '_blank',
    rel: 'noopener noreferrer', class: 'raw' }, text);

  const addr = (name, email) => (name && name !== email ? name + ' <' + email + '>' : email);
  const customer = addr(i.customer_name, i.customer_email);
  const thread = [entry('customer', customer, i.created, i.description,
    d.has_raw ? [' ', rawLink('', 'original message')] : null)];
  for (const n of d.notes) {
    const who = n.kind === 'customer' ? addr(n.author, n.author_email) : n.author;
    const extra = [];
    if (n.has_raw) extra.push(' ', rawLink('?note=' + encodeURIComponent(n.id), 'original message'));
    // A reply via someone else's reply key: accepted, but say so.
    const flags = (n.flags || '').split(',');
    if (flags.includes('sender_mismatch'))
      extra.push(' ', h('span', { class: 'flag', title: 'The sender is not a subscriber of this issue' },
        'sender not subscribed'));
    // Neither SPF nor DKIM vouched for the From: domain (doc/sender-identity.md):
    // the mail may be forged, so it was not passed on and reopened nothing.
    if (flags.includes('unverified_sender'))
      extra.push(' ', h('span', { class: 'flag', title: 'SPF and DKIM did not authenticate the From: address; this reply was not forwarded to the other participants' },
        'unverified sender'));
    // Quoted history trimmed for display: let the responder unfold it.
    if (n.full_text && n.full_text !== n.text)
      extra.push(h('details', { class: 'full' }, h('summary', {}, 'show quoted text'),
        h('pre', {}, n.full_text)));
    thread.push(entry(n.kind, who, n.created, n.text, extra.length ? extra : null));
  }

  const atts = d.attachments.map((a) => h('li', {},
    a.stored ? h('a', { href: path + '/attachments/' + a.n, download: a.filename || 'attachment' }, a.filename || 'attachment')
      : h('span', { class: 'muted' }, (a.filename || 'attachment') + ' (not stored: too large)'),
    ' ', h('span', { class: 'muted' }, a.content_type + ', ' + sizeText(a.size))));

  const labelInput = h('input', { id: 'label-add', placeholder: 'add label', maxlength: 64 });
  const labelForm = h('form', { class: 'inline', id: 'label-form' }, labelInput, h('button', { type: 'submit' }, 'Add'));
  labelForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (labelInput.value.trim()) act('/labels', { add: labelInput.value.trim() })();
  });

  const text = h('textarea', { id: 'comment-text', rows: 6, placeholder: 'Write a comment' });
  const vis = (v, label, checked) => h('label', { class: 'check vis-' + v },
    h('input', { type: 'radio', name: 'visibility', value: v, id: 'vis-' + v, checked }), ' ', label);
  const form = h('form', { id: 'comment', class: 'card' }, h('h2', {}, 'Comment'), text,
    h('div', { class: 'visibility' },
      vis('internal', 'Internal note (responders only)', true),
      vis('public', 'Public reply (mailed to the customer)', false)),
    h('button', { type: 'submit', id: 'comment-submit' }, 'Add comment'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = form.querySelector('input[name=visibility]:checked').value;
    if (!text.value.trim()) return flash('The comment is empty.');
    act('/notes', { text: text.value, visibility: v })();
  });

  const closed = i.state === 'closed';
  replace(main,
    h('div', { class: 'heading' },
      h('h1', { id: 'issue-title' }, h('span', { class: 'muted' }, '#' + i.iid + ' '),
        h('span', { class: 'title' }, i.title || '(no subject)')),
      h('span', { class: 'badge ' + i.state, id: 'issue-state' }, i.state),
      h('button', { type: 'button', id: closed ? 'reopen' : 'close',
        onclick: act('/state', { action: closed ? 'reopen' : 'close' }) },
        closed ? 'Reopen issue' : 'Close issue')),
    h('div', { class: 'meta' },
      h('span', {}, 'Customer: ', h('strong', { id: 'issue-customer' }, customer)),
      h('span', { class: 'muted' }, ' opened ' + fmtTime(i.created) + ', updated ' + fmtTime(i.updated)),
      i.score ? h('span', { class: 'muted' }, ' \u00b7 spam score ' + i.score) : null,
      i.spf ? h('span', { class: 'muted' }, ' \u00b7 SPF ' + i.spf) : null),
    h('div', { class: 'labels', id: 'labels' },
      i.labels.map((l) => labelChip(l, act('/labels', { del: l }))), labelForm),
    h('div', { class: 'columns' },
      h('section', { class: 'thread', id: 'thread' }, thread, form),
      h('aside', {},
        h('section', { class: 'card' }, h('h2', {}, 'Attachments'),
          atts.length ? h('ul', { class: 'plain', id: 'attachments' }, atts) : h('p', { class: 'muted' }, 'None')),
        h('section', { class: 'card' }, h('h2', {}, 'Subscribers'),
          h('ul', { class: 'plain' }, d.subscribers.map((s) => h('li', {}, s.email,
            s.subscribed ? null : h('span', { class: 'muted' }, ' (unsubscribed)'))))))));
}
