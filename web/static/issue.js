// issue.js - one issue: the thread, attachments, labels, state, comments.
//
// Public and internal entries look different on purpose (colour, badge,
// wording): a responder must see at a glance what the customer was sent.
// System notes (who changed the state, owner, priority, ...) are one
// grey line each, so they do not read as part of the conversation.
import { h, replace, flash, fmtTime, labelChip, priorityBadge, dueCell } from './dom.js';
import { get, post, issuePath } from './api.js';
import { loadContext, titleHeading, ownershipCard, participantsCard, cannedPicker } from './issue_tools.js';

const KIND = {
  customer: ['From the customer', 'note-customer'],
  public: ['Public reply \u2014 mailed to the customer', 'note-public'],
  internal: ['Internal note \u2014 responders only', 'note-internal'],
};

function sizeText(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
  return (n / 1048576).toFixed(1) + ' MiB';
}

function entry(kind, who, when, text, extra) {
  if (kind === 'system')
    return h('div', { class: 'note note-system', 'data-kind': 'system' },
      h('span', { class: 'note-badge' }, 'System'), ' ', h('strong', { class: 'note-author' }, who), ' ',
      h('span', { class: 'note-text' }, text), ' ', h('time', { class: 'muted' }, fmtTime(when)));
  const [badge, cls] = KIND[kind] || [kind, 'note-system'];
  return h('article', { class: 'note ' + cls, 'data-kind': kind },
    h('header', {}, h('span', { class: 'note-badge' }, badge), ' ',
      h('strong', { class: 'note-author' }, who), ' ',
      h('time', { class: 'muted' }, fmtTime(when)), extra || null),
    h('div', { class: 'note-text' }, text));
}

export async function issueView(main, project, iid) {
  const path = issuePath(project, iid);
  // The issue first: a 404 (no such issue, or not my project) is the page.
  const d = await get(path);
  draw(main, await loadContext(project, path), d);
}

function draw(main, ctx, d) {
  const i = d.issue;
  const path = ctx.path;
  const act = (sub, fields) => async () => {
    try { draw(main, ctx, await post(path + sub, fields)); flash(''); }
    catch (e) { flash(e.message); }
  };
  const reload = async () => {
    try { draw(main, ctx, await get(path)); } catch (e) { flash(e.message); }
  };
  const rawLink = (q, text) => h('a', { href: path + '/raw' + q, target: '_blank',
    rel: 'noopener noreferrer', class: 'raw' }, text);

  const addr = (name, email) => (name && name !== email ? name + ' <' + email + '>' : email);
  const customer = addr(i.customer_name, i.customer_email);
  const thread = [entry('customer', customer, i.created, i.description,
    d.has_raw ? [' ', rawLink('', 'original message')] : null)];
  for (const n of d.notes) {
    const kind = n.kind || n.type;
    const who = kind === 'customer' ? addr(n.author, n.author_email) : n.author;
    const extra = [];
    if (n.has_raw) extra.push(' ', rawLink('?note=' + encodeURIComponent(n.id), 'original message'));
    // A reply via someone else's reply key: accepted, but say so.
    const flags = (n.flags || '').split(',');
    if (n.via === 'email')
      extra.push(' ', h('span', { class: 'via', title: 'Written as a reply to a notification mail' }, 'by email'));
    // A responder's mail that did not prove its sender: kept, not posted.
    if (flags.includes('unverified_responder'))
      extra.push(' ', h('span', { class: 'flag', title: 'Not from the responder\u2019s registered address with an authenticated sender; it was not posted' },
        'unverified responder mail'));
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
    thread.push(entry(kind, who, n.created, n.text, extra.length ? extra : null));
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
  const form = h('form', { id: 'comment', class: 'card' },
    h('div', { class: 'heading' }, h('h2', {}, 'Comment'), cannedPicker(ctx, text)), text,
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
      titleHeading(i, act),
      h('span', { class: 'badge ' + i.state, id: 'issue-state' }, i.state),
      h('button', { type: 'button', id: closed ? 'reopen' : 'close',
        onclick: act('/state', { action: closed ? 'reopen' : 'close' }) },
        closed ? 'Reopen issue' : 'Close issue')),
    h('div', { class: 'meta' },
      h('span', {}, 'Customer: ', h('strong', { id: 'issue-customer' }, customer)),
      // The request's From: was not authenticated: the customer may not be
      // who the mail says (doc/sender-identity.md).
      (i.flags || '').split(',').includes('unverified_sender')
        ? h('span', { class: 'flag', id: 'issue-unverified', title: 'SPF and DKIM did not authenticate the From: address of this request; the customer may not be who the mail says' },
          ' unverified sender')
        : null,
      h('span', { class: 'muted' }, ' opened ' + fmtTime(i.created) + ', updated ' + fmtTime(i.updated)),
      i.score ? h('span', { class: 'muted' }, ' \u00b7 spam score ' + i.score) : null,
      i.spf ? h('span', { class: 'muted' }, ' \u00b7 SPF ' + i.spf) : null,
      ' \u00b7 ', priorityBadge(i.priority), ' ', dueCell(i)),
    h('div', { class: 'labels', id: 'labels' },
      i.labels.map((l) => labelChip(l, act('/labels', { del: l }))), labelForm),
    h('div', { class: 'columns' },
      h('section', { class: 'thread', id: 'thread' }, thread, form),
      h('aside', {},
        ownershipCard(ctx, i, act),
        participantsCard(ctx, d, act, reload),
        h('section', { class: 'card' }, h('h2', {}, 'Attachments'),
          atts.length ? h('ul', { class: 'plain', id: 'attachments' }, atts) : h('p', { class: 'muted' }, 'None')))));
}
