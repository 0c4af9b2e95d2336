// api.js - the JSON API: GET with query strings, POST as urlencoded forms.
//
// The CSRF token from /api/login or /api/me goes with every POST in the
// X-CSRF-Token header; the session itself is an HttpOnly cookie this
// script never sees.

export const session = { user: null, role: null, csrf: null };

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function call(method, path, params) {
  const opts = { method, credentials: 'same-origin', headers: {} };
  let url = path;
  if (method === 'GET' && params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const s = q.toString();
    if (s) url += '?' + s;
  } else if (method === 'POST') {
    opts.body = new URLSearchParams(params || {});
    if (session.csrf) opts.headers['X-CSRF-Token'] = session.csrf;
  }
  const resp = await fetch(url, opts);
  let data = null;
  try { data = await resp.json(); } catch (e) { data = null; }
  if (!resp.ok) {
    if (resp.status === 401 && path !== '/api/login') {
      session.user = session.csrf = null;
      window.dispatchEvent(new Event('md-logout'));
    }
    throw new ApiError(resp.status, (data && data.error) || resp.statusText);
  }
  return data;
}

export const get = (path, params) => call('GET', path, params);
export const post = (path, params) => call('POST', path, params);

export function projectPath(p) {
  return '/api/projects/' + encodeURIComponent(p);
}

export function issuePath(p, iid) {
  return projectPath(p) + '/issues/' + encodeURIComponent(iid);
}

// The caller's role in project p: "admin", "maintainer" or "responder"
// (a project that is not theirs is a 404).
export async function projectRole(p) {
  if (session.role === 'admin') return 'admin';
  return (await get(projectPath(p))).my_role || 'responder';
}

// Maintainers and site admins change a project's settings, members, rules.
export const canManage = (role) => role === 'admin' || role === 'maintainer';
