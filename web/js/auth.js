// auth.js — the pages before the shell: the login page and the forced change of a
// one-time password, plus the change-password form that settings reuses.

import { t } from './i18n.js';
import { post } from './api.js';
import { h, field, showError, showMessage, clearErrors, busy, showOk } from './dom.js';

// The login page. `notice` is an optional line shown above the form (e.g. session ended).
export function renderLogin(root, ctx, notice) {
  const username = h('input', {
    id: 'login-username', name: 'username', type: 'text', autocomplete: 'username',
    autocapitalize: 'none', spellcheck: 'false', required: true,
  });
  const password = h('input', {
    id: 'login-password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true,
  });
  const form = h('form', { id: 'login-form', class: 'stack', novalidate: true, 'data-testid': 'login-form' },
    h('div', { class: 'form-error', id: 'login-error', role: 'alert', hidden: true }),
    field(t('login.username'), username),
    field(t('login.password'), password),
    h('button', { id: 'login-submit', type: 'submit', class: 'btn primary wide' }, t('login.submit')));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!username.value.trim() || !password.value) {
      showMessage(form, t('login.missing'), !username.value.trim() ? 'username' : 'password');
      return;
    }
    const done = busy(form, t('login.busy'));
    try {
      const s = await post('/session', { username: username.value.trim(), password: password.value }, { own401: true });
      done();
      ctx.signedIn(s);
    } catch (err) {
      done();
      showError(form, err);
      if (err.code === 'bad_credentials') password.select();
    }
  });

  const card = h('main', { class: 'login-card', id: 'login-page' },
    h('div', { class: 'login-top' }, ctx.langSwitch()),
    h('div', { class: 'login-brand' },
      h('img', { src: '/favicon.svg', alt: '', width: 40, height: 40 }),
      h('h1', { id: 'login-title' }, t('login.title'))),
    h('p', { class: 'muted' }, t('login.subtitle')),
    notice ? h('p', { class: 'notice', id: 'login-notice' }, notice) : null,
    form);
  root.append(h('div', { class: 'login-wrap' }, card));
  username.focus();
}

// The change-password form: old, new, confirm. `idPrefix` keeps ids unique where the
// form appears; onDone runs after the server accepted the new password.
export function passwordForm(ctx, idPrefix, onDone) {
  const mk = (suffix, name, autocomplete) => h('input', {
    id: `${idPrefix}-${suffix}`, name, type: 'password', autocomplete, required: true,
  });
  const oldPw = mk('old', 'old_password', 'current-password');
  const newPw = mk('new', 'new_password', 'new-password');
  const confirm = mk('confirm', 'confirm', 'new-password');
  const form = h('form', { id: `${idPrefix}-form`, class: 'stack narrow', novalidate: true },
    h('div', { class: 'form-error', id: `${idPrefix}-error`, role: 'alert', hidden: true }),
    field(t('pw.old'), oldPw),
    field(t('pw.new'), newPw, t('pw.hint')),
    field(t('pw.confirm'), confirm),
    h('button', { id: `${idPrefix}-submit`, type: 'submit', class: 'btn primary' }, t('pw.submit')));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (newPw.value !== confirm.value) {
      showMessage(form, t('pw.mismatch'), 'confirm');
      return;
    }
    const done = busy(form, t('pw.busy'));
    try {
      await post('/session/password', { old_password: oldPw.value, new_password: newPw.value });
      done();
      oldPw.value = ''; newPw.value = ''; confirm.value = '';
      await onDone(form);
    } catch (err) {
      done();
      if (err.handled) return;
      showError(form, err);
    }
  });
  return form;
}

// Shown instead of the shell while the account still has its one-time password.
export function renderPasswordChange(root, ctx) {
  const form = passwordForm(ctx, 'pw', async () => { await ctx.refreshSession(); });
  root.append(h('div', { class: 'login-wrap' },
    h('main', { class: 'login-card', id: 'pw-page' },
      h('div', { class: 'login-top' }, ctx.langSwitch(), ' ',
        h('button', { type: 'button', class: 'btn link', id: 'pw-logout', onclick: () => ctx.logout() }, t('shell.logout'))),
      h('h1', null, t('pw.title')),
      h('p', { class: 'muted' }, t('pw.intro')),
      h('p', { class: 'muted' }, t('pw.who'),
        h('strong', { id: 'pw-username' }, ctx.state.user.name || ctx.state.user.username)),
      form)));
  form.querySelector('input').focus();
}

export function passwordChangedNote(form) { showOk(form, t('pw.done')); }
