// app.js — entry point of the xinfang web UI. Holds the session (user and CSRF token
// in memory only), decides which page to show (login, forced password change, or the
// shell with its hash routes), and re-renders everything on a language switch without
// losing what the user has typed.

import { t, getLang, setLang, applyLang } from './js/i18n.js';
import { get, del, setCsrf, setAuthHandlers } from './js/api.js';
import { h, clear, errorText } from './js/dom.js';
import { renderLogin, renderPasswordChange } from './js/auth.js';
import { mountShell } from './js/shell.js';
import { resetSettings } from './js/settings.js';

const root = document.getElementById('app');

// user: the User object from the server; roles: [{id, zh, en}] from GET /roles.
const state = { user: null, roles: null };
let shell = null;

const ctx = {
  state,
  langSwitch,
  signedIn,
  refreshSession,
  reloadSession,
  logout,
  hasRole: (role) => !!(state.user && Array.isArray(state.user.roles) && state.user.roles.includes(role)),
  roleName(id) {
    const r = (state.roles || []).find((x) => x.id === id);
    if (r && getLang() === 'zh' && r.zh) return r.zh;
    // The server's English names are lower case; labels here start with a capital.
    if (r && r.en) return r.en.charAt(0).toUpperCase() + r.en.slice(1);
    const key = 'role.' + id;
    const s = t(key);
    return s === key ? id : s;
  },
};

setAuthHandlers({
  unauthenticated() { signedOut(t('login.expired')); },
  passwordChangeRequired() { refreshSession(); },
});

function langSwitch() {
  const mk = (code, label) => h('button', {
    type: 'button', id: 'lang-' + code, class: 'lang-btn', lang: code === 'zh' ? 'zh-CN' : 'en',
    'aria-pressed': getLang() === code ? 'true' : 'false',
    onclick: () => switchLang(code),
  }, label);
  return h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('lang.label') },
    mk('zh', '中文'), mk('en', 'English'));
}

// The values of every field with an id, so a re-render can put them back.
function snapshotFields() {
  const values = new Map();
  for (const el of root.querySelectorAll('input[id], select[id], textarea[id]')) {
    values.set(el.id, el.type === 'checkbox' || el.type === 'radio' ? { checked: el.checked } : { value: el.value });
  }
  return values;
}

function restoreFields(values) {
  for (const [id, v] of values) {
    const el = document.getElementById(id);
    if (!el || !root.contains(el)) continue;
    if ('checked' in v) el.checked = v.checked;
    else el.value = v.value;
  }
}

async function switchLang(code) {
  if (code === getLang()) return;
  const values = snapshotFields();
  const focusedId = document.activeElement && document.activeElement.id;
  setLang(code);
  await render();
  restoreFields(values);
  const again = focusedId && document.getElementById(focusedId);
  if (again) again.focus();
}

function session(s) {
  state.user = s.user;
  setCsrf(s.csrf);
}

function signedOut(notice) {
  state.user = null;
  state.roles = null;
  setCsrf(null);
  resetSettings();
  render(notice);
}

async function loadRoles() {
  try {
    const r = await get('/roles');
    state.roles = r && Array.isArray(r.roles) ? r.roles : null;
  } catch (_) {
    state.roles = null; // names fall back to the built-in table
  }
}

async function signedIn(s) {
  session(s);
  if (!state.user.must_change_password) await loadRoles();
  if (!location.hash || location.hash === '#' || location.hash === '#/') {
    history.replaceState(null, '', '#/dashboard');
  }
  await render();
}

// Asks the server who we are and shows the matching page.
async function refreshSession() {
  try {
    const s = await get('/session', { own401: true });
    await signedIn(s);
  } catch (err) {
    if (err.status === 401) { signedOut(); return; }
    showFatal(err);
  }
}

// Updates user and CSRF token without re-rendering (after changing one's own password).
async function reloadSession() {
  const s = await get('/session');
  session(s);
}

async function logout() {
  try {
    await del('/session', { own401: true });
  } catch (_) {
    // Whatever the server says, this browser forgets the session.
  }
  // The next person to sign in starts on the dashboard, not on this user's last page.
  history.replaceState(null, '', location.pathname + location.search);
  signedOut();
}

function showFatal(err) {
  shell = null;
  clear(root);
  root.append(h('div', { class: 'login-wrap' },
    h('main', { class: 'login-card', id: 'fatal' },
      h('div', { class: 'login-top' }, langSwitch()),
      h('h1', null, t('app.title')),
      h('p', { class: 'form-error', role: 'alert' }, t('app.fatal', { msg: errorText(err) })),
      h('button', { type: 'button', class: 'btn primary', id: 'retry', onclick: () => refreshSession() },
        t('app.retry')))));
}

// Draws the page for the current state from scratch.
async function render(notice) {
  applyLang();
  shell = null;
  clear(root);
  if (!state.user) {
    renderLogin(root, ctx, notice);
    return;
  }
  if (state.user.must_change_password) {
    renderPasswordChange(root, ctx);
    return;
  }
  shell = mountShell(root, ctx);
  await shell.route();
}

window.addEventListener('hashchange', () => {
  if (shell) shell.route();
});

applyLang();
root.append(h('p', { class: 'boot muted' }, t('app.loading')));
refreshSession();
