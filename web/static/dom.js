// dom.js - building the page without ever parsing data as HTML.
//
// Everything shown here may come from a stranger's mail.  h() makes
// elements and puts every string in as a text node; nothing in this
// front-end assigns innerHTML, so a subject like <img onerror=...> stays
// the literal text it is.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked' || k === 'disabled' ||
             k === 'selected' || k === 'hidden') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function fmtTime(t) {
  if (!t) return '';
  const d = new Date(t * 1000);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function flash(msg, kind) {
  const f = document.getElementById('flash');
  f.textContent = msg || '';
  f.className = kind || 'error';
  f.hidden = !msg;
}

// A link handled by the router instead of a page load.
export function link(href, ...children) {
  return h('a', { href, 'data-nav': true }, ...children);
}

export function labelChip(name, onRemove) {
  const chip = h('span', { class: 'label' + (name === 'spam?' ? ' label-spam' : '') }, name);
  if (onRemove) {
    chip.appendChild(h('button', { type: 'button', class: 'label-del',
      title: 'Remove label ' + name, 'aria-label': 'Remove label ' + name,
      onclick: onRemove }, '\u00d7'));
  }
  return chip;
}

// Client-side navigation: the router listens for popstate.
export function navigate(href) {
  history.pushState(null, '', href);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

// A <select> of [value, text] pairs (or plain strings).
export function select(attrs, options, selected) {
  return h('select', attrs, options.map((o) => {
    const [v, t] = Array.isArray(o) ? o : [o, o];
    return h('option', { value: v, selected: v === selected }, t);
  }));
}

// Seconds as the shortest of "2d", "8h", "30m" (what first_response takes).
export function fmtDuration(s) {
  if (s === null || s === undefined || s === '') return '';
  for (const [unit, n] of [['d', 86400], ['h', 3600], ['m', 60]])
    if (s >= n && s % n === 0) return s / n + unit;
  return s + 's';
}

export function priorityBadge(p) {
  return h('span', { class: 'prio prio-' + (p || 'normal') }, p || 'normal');
}

// The first-response due time: "overdue" in red once past, or when it is
// due; nothing when the project has no target, a reply already went out or
// the issue is closed.
export function dueCell(i) {
  if (i.state === 'closed') return null;
  if (i.overdue)
    return h('span', { class: 'overdue', title: i.due ? 'was due ' + fmtTime(i.due) : 'overdue' },
      'overdue', i.due ? ' \u00b7 ' + fmtTime(i.due) : '');
  if (i.due && !i.first_response_at)
    return h('span', { class: 'due', title: 'first response due' }, 'due ' + fmtTime(i.due));
  return null;
}

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

export const assigneeCell = (i) => (i.assignee ? h('span', { class: 'assignee' }, i.assignee)
  : h('span', { class: 'muted unassigned' }, 'unassigned'));
