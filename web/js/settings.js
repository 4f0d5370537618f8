// settings.js — the 设置 area: tabs for the signed-in user's own account, the unit
// tree, user accounts, the rosters (花名册, 领导小组, 值班表, 联系人), the CSV import of
// units and staff, and the audit log. Each user sees only the tabs their roles allow;
// the server enforces the same rules on every request.

import { t, joinList } from './i18n.js';
import { h, add, errorText } from './dom.js';
import { passwordForm, passwordChangedNote } from './auth.js';
import { renderUnits } from './units.js';
import { renderUsers, resetUsers } from './users.js';
import { renderAudit } from './audit.js';
import { renderStaff, renderLeadership, renderDuty, renderContacts, rosterPerms } from './roster.js';
import { renderImport, importPerms } from './imports.js';
import { renderChannels } from './channels.js';

// Forgets what must not outlive a session (a one-time password on screen).
export function resetSettings() { resetUsers(); }

function tabsFor(ctx) {
  const admin = ctx.hasRole('admin');
  const auditor = ctx.hasRole('auditor');
  const tabs = [];
  if (admin) tabs.push('units', 'users');
  else if (auditor) tabs.push('users', 'units');
  else tabs.push('units');
  if (rosterPerms.read(ctx)) tabs.push('staff', 'leadership', 'duty', 'contacts');
  if (importPerms.any(ctx)) tabs.push('import');
  if (admin) tabs.push('channels');
  if (admin || auditor) tabs.push('audit');
  tabs.push('account');
  return tabs;
}

function renderAccount(sec, ctx) {
  const u = ctx.state.user;
  const roles = joinList((u.roles || []).map((r) => ctx.roleName(r))) || t('common.none');
  const form = passwordForm(ctx, 'acct-pw', async (f) => {
    await ctx.reloadSession();
    passwordChangedNote(f);
  });
  add(sec,
    h('h2', null, t('account.info')),
    h('dl', { class: 'facts' },
      h('dt', null, t('user.username')), h('dd', { id: 'account-username' }, u.username),
      h('dt', null, t('user.name')), h('dd', null, u.name || t('common.none')),
      h('dt', null, t('user.roles')), h('dd', null, roles),
      h('dt', null, t('user.phone')), h('dd', null, u.phone || t('common.none'))),
    h('h2', null, t('account.changePw')),
    form);
}

export async function renderSettings(section, ctx, sub) {
  const tabs = tabsFor(ctx);
  const current = tabs.includes(sub) ? sub : tabs[0];
  section.append(
    h('h1', null, t('settings.title')),
    h('nav', { class: 'tabs', id: 'settings-tabs' }, tabs.map((name) => h('a', {
      href: '#/settings/' + name, 'data-testid': 'tab-' + name,
      'aria-current': name === current ? 'page' : undefined,
    }, t('settings.' + name)))));
  const body = h('div', { class: 'tab-body', id: 'settings-' + current });
  section.append(body);
  if (sub && !tabs.includes(sub)) {
    body.append(h('p', { class: 'notice' }, t('settings.forbidden')));
    return;
  }
  try {
    if (current === 'units') await renderUnits(body, ctx);
    else if (current === 'users') await renderUsers(body, ctx);
    else if (current === 'audit') await renderAudit(body, ctx);
    else if (current === 'staff') await renderStaff(body, ctx);
    else if (current === 'leadership') await renderLeadership(body, ctx);
    else if (current === 'duty') await renderDuty(body, ctx);
    else if (current === 'contacts') await renderContacts(body, ctx);
    else if (current === 'import') await renderImport(body, ctx);
    else if (current === 'channels') await renderChannels(body, ctx);
    else renderAccount(body, ctx);
  } catch (err) {
    if (err.handled) return;
    body.append(h('p', { class: 'form-error', role: 'alert' }, errorText(err)));
  }
}
