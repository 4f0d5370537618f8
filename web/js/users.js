// users.js — the 用户 tab: the account table from GET /users and, for administrators,
// creating accounts, editing name/unit/roles/phone, disabling and enabling, and
// resetting passwords. A one-time password from the server is shown once, plainly,
// until the administrator dismisses it.

import { t, joinList } from './i18n.js';
import { get, post, patch } from './api.js';
import { h, add, clear, field, select, showError, clearErrors, showOk, busy, errorText } from './dom.js';
import { unitOptions } from './units.js';

// {username, password}: kept across re-renders (language switch, tab change) so it is
// not lost before it was handed over; cleared on dismissal and on sign-out.
let pendingOtp = null;

export function resetUsers() { pendingOtp = null; }

function roleBoxes(prefix, roles, checked, roleName) {
  return h('fieldset', { class: 'roles', id: prefix + '-roles', 'data-field': 'roles', tabindex: '-1' },
    h('legend', null, t('user.roles')),
    roles.map((r) => h('label', { class: 'check' },
      h('input', {
        type: 'checkbox', id: `${prefix}-role-${r.id}`, value: r.id, name: 'roles',
        checked: checked.includes(r.id),
      }),
      ' ', roleName(r))));
}

const checkedRoles = (fieldset) => Array.from(fieldset.querySelectorAll('input[type="checkbox"]'))
  .filter((c) => c.checked).map((c) => c.value);

export async function renderUsers(sec, ctx) {
  const admin = ctx.hasRole('admin');
  const [usersRes, unitsRes, rolesRes] = await Promise.all([
    get('/users'), get('/units'),
    ctx.state.roles ? Promise.resolve({ roles: ctx.state.roles }) : get('/roles'),
  ]);
  const model = { users: usersRes.users || [], units: unitsRes.units || [], roles: rolesRes.roles || [] };
  const roleName = (r) => ctx.roleName(typeof r === 'string' ? r : r.id);
  const unitName = (id) => {
    const u = model.units.find((x) => x.id === id);
    return u ? u.name : (id === null || id === undefined ? t('common.none') : '#' + id);
  };
  const unitChoices = () => [{ value: '', label: t('user.noUnit') }, ...unitOptions(model.units)];
  const me = ctx.state.user.id;

  // The one-time password, shown until dismissed.
  const otpBox = h('div', { id: 'otp-slot' });
  function drawOtp() {
    clear(otpBox);
    if (!pendingOtp) return;
    const box = h('div', { class: 'otp', id: 'otp-box', role: 'alert', 'data-testid': 'one-time-password' },
      h('h2', null, t('otp.title')),
      h('p', null, t('otp.text', { u: pendingOtp.username })),
      h('p', { class: 'otp-line' },
        h('span', { class: 'otp-user' }, pendingOtp.username),
        h('code', { id: 'otp-value', class: 'otp-value' }, pendingOtp.password)),
      h('button', {
        type: 'button', class: 'btn', id: 'otp-dismiss',
        onclick: () => { pendingOtp = null; drawOtp(); },
      }, t('otp.dismiss')));
    otpBox.append(box);
    box.scrollIntoView({ block: 'nearest' });
  }

  const tableError = h('div', { class: 'form-error', id: 'users-error', role: 'alert', hidden: true });
  const count = h('p', { class: 'muted', id: 'user-count' });
  const tbody = h('tbody');
  const table = h('table', { class: 'grid', id: 'users-table' },
    h('thead', null, h('tr', null,
      h('th', null, t('user.username')), h('th', null, t('user.name')), h('th', null, t('user.unit')),
      h('th', null, t('user.roles')), h('th', null, t('user.phone')), h('th', null, t('user.status')),
      admin ? h('th', null, t('common.actions')) : null)),
    tbody);
  const columns = admin ? 7 : 6;

  function status(u) {
    if (u.disabled) return h('span', { class: 'badge off' }, t('user.disabled'));
    if (u.must_change_password) return h('span', { class: 'badge warn' }, t('user.mustChange'));
    return h('span', { class: 'badge ok' }, t('user.active'));
  }

  function drawTable() {
    count.textContent = t('user.count', { n: model.users.length });
    clear(tbody);
    for (const u of model.users) {
      const tr = h('tr', { dataset: { userId: u.id, username: u.username }, class: u.disabled ? 'disabled' : null },
        h('td', null, h('code', null, u.username), u.id === me ? ' ' + t('user.self') : null),
        h('td', null, u.name),
        h('td', null, unitName(u.unit_id)),
        h('td', null, joinList((u.roles || []).map(roleName))),
        h('td', null, u.phone || ''),
        h('td', null, status(u)),
        admin ? h('td', { class: 'actions' },
          h('button', { type: 'button', class: 'btn small', 'data-testid': 'user-edit-' + u.username,
            onclick: () => openEdit(tr, u) }, t('user.edit')),
          u.id === me ? null : h('button', { type: 'button', class: 'btn small',
            'data-testid': 'user-toggle-' + u.username, onclick: () => toggle(u) },
          u.disabled ? t('user.enable') : t('user.disable')),
          u.id === me ? null : h('button', { type: 'button', class: 'btn small',
            'data-testid': 'user-reset-' + u.username, onclick: () => reset(u) }, t('user.reset'))) : null);
      tbody.append(tr);
    }
  }

  async function reload() {
    const r = await get('/users');
    model.users = r.users || [];
    drawTable();
  }

  function rowError(err) {
    if (err.handled) return;
    tableError.textContent = errorText(err);
    tableError.hidden = false;
  }

  async function toggle(u) {
    tableError.hidden = true;
    if (!u.disabled && !window.confirm(t('user.confirmDisable', { u: u.username }))) return;
    try {
      await patch('/users/' + u.id, { disabled: !u.disabled });
      await reload();
    } catch (err) { rowError(err); }
  }

  async function reset(u) {
    tableError.hidden = true;
    if (!window.confirm(t('user.confirmReset', { u: u.username }))) return;
    try {
      const r = await post('/users/' + u.id + '/password', {});
      pendingOtp = { username: u.username, password: r.one_time_password };
      drawOtp();
      await reload();
    } catch (err) { rowError(err); }
  }

  let editRow = null;
  function openEdit(tr, u) {
    if (editRow) editRow.remove();
    const name = h('input', { id: 'user-edit-name', name: 'name', type: 'text', value: u.name || '' });
    const unit = select({ id: 'user-edit-unit', name: 'unit_id' }, unitChoices(),
      u.unit_id === null || u.unit_id === undefined ? '' : u.unit_id);
    const roles = roleBoxes('user-edit', model.roles, u.roles || [], roleName);
    const phone = h('input', { id: 'user-edit-phone', name: 'phone', type: 'tel', value: u.phone || '' });
    const form = h('form', { class: 'inline-form', id: 'user-edit-form', novalidate: true },
      h('h3', null, t('user.editTitle', { u: u.username })),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' }, field(t('user.name'), name), field(t('user.unit'), unit),
        field(t('user.phone'), phone)),
      roles,
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'user-edit-submit' }, t('common.save')),
        h('button', { type: 'button', class: 'btn', onclick: () => { editRow.remove(); editRow = null; } },
          t('common.cancel'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const change = {};
      if (name.value.trim() !== (u.name || '')) change.name = name.value.trim();
      const unitId = unit.value === '' ? null : Number(unit.value);
      if (unitId !== (u.unit_id ?? null)) change.unit_id = unitId;
      const r = checkedRoles(roles);
      const before = [...(u.roles || [])].sort().join(',');
      if ([...r].sort().join(',') !== before) change.roles = r;
      if (phone.value.trim() !== (u.phone || '')) change.phone = phone.value.trim();
      if (Object.keys(change).length === 0) { editRow.remove(); editRow = null; return; }
      const done = busy(form, t('common.busy'));
      try {
        await patch('/users/' + u.id, change);
        done();
        editRow = null;
        await reload();
      } catch (err) {
        done();
        if (!err.handled) showError(form, err);
      }
    });
    editRow = h('tr', { class: 'edit-row' }, h('td', { colspan: columns }, form));
    tr.after(editRow);
    name.focus();
  }

  let addForm = null;
  if (admin) {
    const username = h('input', {
      id: 'user-username', name: 'username', type: 'text', autocomplete: 'off',
      autocapitalize: 'none', spellcheck: 'false', required: true,
    });
    const name = h('input', { id: 'user-fullname', name: 'name', type: 'text', autocomplete: 'off', required: true });
    const unit = select({ id: 'user-unit', name: 'unit_id' }, unitChoices());
    const roles = roleBoxes('user-add', model.roles, [], roleName);
    const phone = h('input', { id: 'user-phone', name: 'phone', type: 'tel', autocomplete: 'off' });
    addForm = h('form', { id: 'user-add-form', class: 'card', novalidate: true },
      h('h2', null, t('user.add')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' },
        field(t('user.username'), username, t('user.usernameHint')),
        field(t('user.name'), name),
        field(t('user.unit'), unit),
        field(t('user.phone') + ' ' + t('common.optional'), phone)),
      roles,
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'user-add-submit' }, t('user.add'))));
    addForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(addForm);
      const body = {
        username: username.value.trim(),
        name: name.value.trim(),
        unit_id: unit.value === '' ? null : Number(unit.value),
        roles: checkedRoles(roles),
      };
      if (phone.value.trim()) body.phone = phone.value.trim();
      const done = busy(addForm, t('common.busy'));
      try {
        const r = await post('/users', body);
        done();
        pendingOtp = { username: r.user ? r.user.username : body.username, password: r.one_time_password };
        username.value = ''; name.value = ''; phone.value = '';
        for (const c of roles.querySelectorAll('input')) c.checked = false;
        drawOtp();
        showOk(addForm, t('user.created', { u: pendingOtp.username }));
        await reload();
      } catch (err) {
        done();
        if (!err.handled) showError(addForm, err);
      }
    });
  }

  drawTable();
  add(sec,
    admin ? null : h('p', { class: 'notice' }, t('settings.readonly')),
    otpBox,
    addForm,
    h('h2', null, t('user.list')),
    count,
    tableError,
    h('div', { class: 'table-wrap' }, table));
  drawOtp();
}
