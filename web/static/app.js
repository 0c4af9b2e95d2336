// app.js - start-up, login and the router (paths, not #fragments, so the
// links in outbound mail, base_url/<project>/issues/<iid>, open the page).
import { h, replace, flash, link, navigate } from './dom.js';
import { session, get, post, ApiError } from './api.js';
import { projectsView } from './projects.js';
import { settingsView } from './settings.js';
import { issuesView } from './issues.js';
import { issueView } from './issue.js';
import { myworkView } from './mywork.js';
import { meView } from './me.js';

const main = () => document.getElementById('main');

function crumbs(parts) {
  const nav = document.getElementById('crumbs');
  replace(nav, parts.map((p, i) => [i ? ' / ' : '', p]));
}

function showUser() {
  const who = document.getElementById('who');
  who.textContent = session.user ? session.user + ' (' + session.role + ')' : '';
  who.title = session.user ? 'My settings' : '';
  document.getElementById('logout').hidden = !session.user;
  document.getElementById('nav-mywork').hidden = !session.user;
}

function loginView() {
  crumbs([]);
  showUser();
  const user = h('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true });
  const err = h('p', { id: 'login-error', class: 'error', hidden: true });
  const form = h('form', { id: 'login', class: 'card narrow' },
    h('h1', {}, 'Sign in'),
    h('label', {}, 'User', user),
    h('label', {}, 'Password', pass),
    err,
    h('button', { type: 'submit', id: 'login-submit' }, 'Sign in'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.hidden = true;
    try {
      const me = await post('/api/login', { user: user.value, password: pass.value });
      Object.assign(session, me);
      route();
    } catch (e) {
      err.textContent = e.status === 401 ? 'Wrong user name or password.' : e.message;
      err.hidden = false;
      pass.value = '';
      pass.focus();
    }
  });
  replace(main(), form);
  user.focus();
}

// Not found, and not one of my projects, look the same: the server answers
// 404 for both so that a project's existence does not leak.
function notFound() {
  replace(main(), h('section', { class: 'card narrow', id: 'not-found' },
    h('h1', {}, 'Not found'),
    h('p', {}, 'There is no such page, or it is not in one of your projects.'),
    link('/', 'Your projects')));
}

// The page for location.pathname; every view gets (main, params).
async function route() {
  flash('');
  if (!session.user) {
    try {
      Object.assign(session, await get('/api/me'));
    } catch (e) {
      return loginView();
    }
  }
  showUser();
  const parts = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const q = new URLSearchParams(location.search);
  const home = link('/', 'Projects');
  try {
    if (parts.length === 0) {
      crumbs([home]);
      await projectsView(main());
    } else if (parts.length === 1 && parts[0] === 'mywork') {
      crumbs([home, 'My work']);
      await myworkView(main());
    } else if (parts.length === 1 && parts[0] === 'me') {
      crumbs([home, 'My settings']);
      await meView(main());
    } else if (parts.length === 2 && parts[1] === 'settings') {
      crumbs([home, parts[0], 'settings']);
      await settingsView(main(), parts[0]);
    } else if (parts.length === 2 && parts[1] === 'issues') {
      crumbs([home, parts[0]]);
      await issuesView(main(), parts[0], q);
    } else if (parts.length === 3 && parts[1] === 'issues') {
      crumbs([home, link('/' + encodeURIComponent(parts[0]) + '/issues', parts[0]), '#' + parts[2]]);
      await issueView(main(), parts[0], parts[2]);
    } else {
      notFound();
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return loginView();
    if (e instanceof ApiError && e.status === 404) return notFound();
    replace(main(), h('p', { class: 'error' }, 'Error: ' + e.message));
  }
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a[data-nav]');
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
  ev.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', route);
window.addEventListener('md-logout', () => { showUser(); });
document.getElementById('logout').addEventListener('click', async () => {
  try { await post('/api/logout', {}); } catch (e) { /* gone already */ }
  session.user = session.role = session.csrf = null;
  history.pushState(null, '', '/');
  loginView();
});
route();
