// roster.js — the roster tabs of 设置: 花名册 (staff roster: number, name, unit,
// position, phone, linked account), 领导小组 (the plan's positions 组长/副组长/成员 and who
// holds them), 值班表 (duty shifts, with "whom to call now" from GET /duty/now) and 联系人
// (department contacts such as 矿长办公室, 保卫科, 工会, 退休支部). Everyone whose roles read
// rosters sees them; the petition office and administrators change them. Times are
// shown and typed in Beijing time. Accounts are linked by finding them by name
// (user-picker.js), never by user number.

import { t } from './i18n.js';
import { get, post, patch, del } from './api.js';
import { h, add, clear, replace, field, select, setOptions, showError, showMessage, clearErrors, busy, showOk, errorText, formatTime } from './dom.js';
import { unitOptions } from './units.js';
import { beijingInputToIso } from './incident-common.js';
import { userPicker } from './user-picker.js';

const any = (ctx, roles) => roles.some((r) => ctx.hasRole(r));
export const rosterPerms = {
  read: (ctx) => any(ctx, ['petition_office', 'leader', 'unit_head', 'dispatch', 'official', 'auditor', 'admin']),
  write: (ctx) => any(ctx, ['petition_office', 'admin']),
};

const tel = (phone) => (phone ? h('a', { href: 'tel:' + String(phone).replace(/[^\d+]/g, ''), class: 'phone' }, phone) : '');

function errorLine(id) { return h('div', { class: 'form-error', role: 'alert', id, hidden: true }); }
function showLineError(el, err) {
  if (err.handled) return;
  el.textContent = errorText(err);
  el.hidden = false;
}

// ---------------------------------------------------------------- 花名册
export async function renderStaff(sec, ctx) {
  const canWrite = rosterPerms.write(ctx);
  const [unitsRes] = await Promise.all([get('/units')]);
  const units = unitsRes.units || [];
  const state = { items: [], next: null, q: '', unit: '' };
  const tbody = h('tbody');
  const status = h('p', { class: 'muted', id: 'staff-status' });
  const error = errorLine('staff-error');
  const more = h('button', { type: 'button', class: 'btn', id: 'staff-more', hidden: true }, t('inc.more'));
  const q = h('input', { id: 'staff-q', type: 'search', autocomplete: 'off', placeholder: t('ros.staffFilterHint') });
  const unitFilter = select({ id: 'staff-unit-filter' }, [{ value: '', label: t('ros.allUnits') }, ...unitOptions(units)]);
  const filter = h('form', { class: 'toolbar filter', id: 'staff-filter', role: 'search', novalidate: true },
    q, unitFilter, h('button', { type: 'submit', class: 'btn' }, t('per.filterGo')));
  filter.addEventListener('submit', (ev) => { ev.preventDefault(); state.q = q.value.trim(); state.unit = unitFilter.value; reload().catch((e) => showLineError(error, e)); });

  let editRow = null;
  function row(s) {
    const tr = h('tr', { dataset: { staffId: s.id } },
      h('td', { class: 'mono' }, s.staff_number), h('td', null, s.name), h('td', null, s.unit || ''),
      h('td', null, s.position || ''), h('td', null, tel(s.phone)),
      h('td', { class: 'linked' }, s.user_id ? h('span', { class: 'badge ok', title: t('ros.linkedTitle') }, t('ros.linked')) : ''),
      canWrite ? h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'btn small', onclick: () => openEdit(tr, s) }, t('common.edit')),
        h('button', { type: 'button', class: 'btn small', onclick: (ev) => remove(s, ev.currentTarget) }, t('fam.remove'))) : null);
    return tr;
  }
  function draw() {
    clear(tbody);
    for (const s of state.items) tbody.append(row(s));
    status.textContent = state.items.length ? (state.next ? t('ros.countMore', { n: state.items.length }) : t('ros.count', { n: state.items.length })) : t('ros.staffEmpty');
    more.hidden = !state.next;
  }
  async function load(again) {
    let path = '/staff?limit=500';
    if (state.q) path += '&q=' + encodeURIComponent(state.q);
    if (state.unit) path += '&unit_id=' + encodeURIComponent(state.unit);
    if (again && state.next) path += '&after_id=' + encodeURIComponent(state.next);
    const r = await get(path);
    if (!again) state.items = [];
    state.items.push(...((r && r.staff) || []));
    state.next = r && r.next_after_id ? r.next_after_id : null;
    error.hidden = true;
    draw();
  }
  const reload = () => load(false);
  more.addEventListener('click', () => load(true).catch((e) => showLineError(error, e)));

  async function remove(s, btn) {
    if (!window.confirm(t('ros.confirmDelete', { name: s.name }))) return;
    btn.disabled = true;
    try { await del('/staff/' + encodeURIComponent(s.id)); await reload(); } catch (err) { btn.disabled = false; showLineError(error, err); }
  }

  function staffFields(prefix, s) {
    return {
      staff_number: h('input', { id: prefix + '-number', name: 'staff_number', type: 'text', autocomplete: 'off', value: s ? s.staff_number : '' }),
      name: h('input', { id: prefix + '-name', name: 'name', type: 'text', autocomplete: 'off', value: s ? s.name : '' }),
      unit_id: select({ id: prefix + '-unit', name: 'unit_id' }, [{ value: '', label: t('user.noUnit') }, ...unitOptions(units)], s ? s.unit_id : ''),
      position: h('input', { id: prefix + '-position', name: 'position', type: 'text', autocomplete: 'off', value: s ? s.position || '' : '' }),
      phone: h('input', { id: prefix + '-phone', name: 'phone', type: 'tel', autocomplete: 'off', value: s ? s.phone || '' : '' }),
      // The linked account, found by name; shown as the staff member's own while unchanged.
      user: userPicker({ id: prefix + '-user', name: 'user_id', label: t('ros.account'), none: t('ros.noAccount'), unitFilter: true,
        initial: s && s.user_id ? { id: s.user_id, name: t('ros.currentAccount', { name: s.name }) } : null }),
    };
  }
  function staffRow(f) {
    return [h('div', { class: 'row' }, field(t('ros.number'), f.staff_number), field(t('per.name'), f.name), field(t('per.unit'), f.unit_id)),
      h('div', { class: 'row' }, field(t('ros.position') + ' ' + t('common.optional'), f.position), field(t('per.phone') + ' ' + t('common.optional'), f.phone)),
      h('div', { class: 'account-link' }, h('div', { class: 'hint' }, t('ros.userIdHint')), f.user.el)];
  }
  function bodyOf(f, old) {
    const b = {};
    const put = (k, v) => { if (!old || v !== (old[k] ?? (k === 'user_id' ? null : ''))) b[k] = v; };
    put('staff_number', f.staff_number.value.trim());
    put('name', f.name.value.trim());
    if (f.unit_id.value) put('unit_id', Number(f.unit_id.value));
    put('position', f.position.value.trim());
    put('phone', f.phone.value.trim());
    const picked = f.user.value();
    const uid = picked ? picked.id : null;
    if (!old ? uid !== null : uid !== (old.user_id || null)) b.user_id = uid;
    return b;
  }

  function openEdit(tr, s) {
    if (editRow) editRow.remove();
    const f = staffFields('staff-edit', s);
    const form = h('form', { class: 'inline-form', id: 'staff-edit-form', novalidate: true },
      h('div', { class: 'form-error', role: 'alert', hidden: true }), staffRow(f),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn primary' }, t('common.save')),
        h('button', { type: 'button', class: 'btn', onclick: () => { editRow.remove(); editRow = null; } }, t('common.cancel'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const b = bodyOf(f, s);
      if (!Object.keys(b).length) { editRow.remove(); editRow = null; return; }
      const done = busy(form, t('common.busy'));
      try { await patch('/staff/' + encodeURIComponent(s.id), b); done(); editRow = null; await reload(); } catch (err) { done(); if (!err.handled) showError(form, err); }
    });
    editRow = h('tr', { class: 'edit-row' }, h('td', { colspan: 7 }, form));
    tr.after(editRow);
    f.name.focus();
  }

  let addForm = null;
  if (canWrite) {
    const f = staffFields('staff-add', null);
    addForm = h('form', { class: 'card', id: 'staff-add-form', novalidate: true },
      h('h2', null, t('ros.staffAdd')), h('div', { class: 'form-error', role: 'alert', hidden: true }), staffRow(f),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn primary', id: 'staff-add-submit' }, t('ros.add'))));
    addForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(addForm);
      if (!f.staff_number.value.trim()) { showMessage(addForm, t('ros.needNumber'), 'staff_number'); return; }
      if (!f.name.value.trim()) { showMessage(addForm, t('per.needName'), 'name'); return; }
      if (!f.unit_id.value) { showMessage(addForm, t('ros.needUnit'), 'unit_id'); return; }
      const b = bodyOf(f, null);
      if (b.position === '') delete b.position;
      if (b.phone === '') delete b.phone;
      const done = busy(addForm, t('common.busy'));
      try {
        const s = await post('/staff', b);
        done();
        for (const el of Object.values(f)) if (el.tagName === 'INPUT') el.value = '';
        f.user.reset().catch(() => {});
        showOk(addForm, t('ros.added', { name: s.name }));
        await reload();
      } catch (err) { done(); if (!err.handled) showError(addForm, err); }
    });
  }

  add(sec, canWrite ? null : h('p', { class: 'notice' }, t('ros.readonly')), addForm,
    h('h2', null, t('settings.staff')), filter, status, error,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'staff-table' },
      h('thead', null, h('tr', null, h('th', null, t('ros.number')), h('th', null, t('per.name')), h('th', null, t('per.unit')),
        h('th', null, t('ros.position')), h('th', null, t('per.phone')), h('th', null, t('ros.account')),
        canWrite ? h('th', null, t('common.actions')) : null)), tbody)),
    h('div', { class: 'buttons' }, more));
  await reload();
}

// Staff to pick from (leadership seats, duty shifts): the first 5,000 by id.
async function staffChoices() {
  try {
    const r = await get('/staff?limit=5000');
    return ((r && r.staff) || []).map((s) => ({ value: s.id, label: `${s.name}（${s.unit || ''}${s.position ? ' ' + s.position : ''}）` }));
  } catch (err) {
    if (err.handled) throw err;
    return [];
  }
}

// ---------------------------------------------------------------- 领导小组
export async function renderLeadership(sec, ctx) {
  const canWrite = rosterPerms.write(ctx);
  const tbody = h('tbody');
  const error = errorLine('leadership-error');
  const status = h('p', { class: 'muted', id: 'leadership-status' });
  let positions = [];
  let staff = [];

  async function reload() {
    const r = await get('/leadership');
    positions = (r && r.positions) || [];
    const members = (r && r.leadership) || [];
    clear(tbody);
    for (const m of members) {
      tbody.append(h('tr', { dataset: { leaderId: m.id } },
        h('td', null, h('strong', null, m.position)), h('td', null, m.name || ''), h('td', null, tel(m.phone)),
        h('td', null, m.on_duty ? h('span', { class: 'badge ok' }, t('ros.onDuty')) : ''),
        canWrite ? h('td', { class: 'actions' }, h('button', { type: 'button', class: 'btn small', onclick: (ev) => remove(m, ev.currentTarget) }, t('fam.remove'))) : null));
    }
    status.textContent = members.length ? t('ros.count', { n: members.length }) : t('ros.leadershipEmpty');
    if (posSel) setOptions(posSel, positions.length ? positions.map((p) => ({ value: p, label: p })) : [{ value: '', label: t('ros.noPositions') }]);
    error.hidden = true;
  }
  async function remove(m, btn) {
    if (!window.confirm(t('ros.confirmDelete', { name: `${m.position} ${m.name || ''}` }))) return;
    btn.disabled = true;
    try { await del('/leadership/' + encodeURIComponent(m.id)); await reload(); } catch (err) { btn.disabled = false; showLineError(error, err); }
  }

  let posSel = null;
  let addForm = null;
  if (canWrite) {
    staff = await staffChoices();
    posSel = select({ id: 'leader-position', name: 'position' }, []);
    const staffSel = select({ id: 'leader-staff', name: 'staff_id' }, [{ value: '', label: staff.length ? t('ros.chooseStaff') : t('ros.noStaff') }, ...staff]);
    const account = userPicker({ id: 'leader-user', name: 'user_id', label: t('ros.orAccount'), none: t('ros.noAccount'), unitFilter: true, showRoles: true });
    const phone = h('input', { id: 'leader-phone', name: 'phone', type: 'tel', autocomplete: 'off' });
    addForm = h('form', { class: 'card', id: 'leader-add-form', novalidate: true },
      h('h2', null, t('ros.leaderAdd')), h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' }, field(t('ros.position'), posSel), field(t('ros.staffMember'), staffSel),
        field(t('per.phone') + ' ' + t('common.optional'), phone, t('ros.phoneHint'))),
      account.el,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn primary', id: 'leader-add-submit' }, t('ros.add'))));
    addForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(addForm);
      const b = { position: posSel.value };
      if (staffSel.value) b.staff_id = Number(staffSel.value);
      const picked = account.value();
      if (picked) b.user_id = picked.id;
      if (!b.staff_id && !b.user_id) { showMessage(addForm, t('ros.needMember'), 'staff_id'); return; }
      if (phone.value.trim()) b.phone = phone.value.trim();
      const done = busy(addForm, t('common.busy'));
      try { await post('/leadership', b); done(); staffSel.value = ''; account.reset().catch(() => {}); phone.value = ''; await reload(); } catch (err) { done(); if (!err.handled) showError(addForm, err); }
    });
  }
  add(sec, canWrite ? null : h('p', { class: 'notice' }, t('ros.readonly')), addForm,
    h('h2', null, t('settings.leadership')), h('p', { class: 'muted small' }, t('ros.leadershipAbout')), status, error,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'leadership-table' },
      h('thead', null, h('tr', null, h('th', null, t('ros.position')), h('th', null, t('per.name')), h('th', null, t('per.phone')),
        h('th', null, t('ros.duty')), canWrite ? h('th', null, t('common.actions')) : null)), tbody)));
  await reload();
}

// ---------------------------------------------------------------- 值班表
const pad = (n) => String(n).padStart(2, '0');
function beijingInput(ms) {
  const d = new Date(ms + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export async function renderDuty(sec, ctx) {
  const canWrite = rosterPerms.write(ctx);
  const callBox = h('div', { id: 'duty-now' });
  const tbody = h('tbody');
  const error = errorLine('duty-error');
  const status = h('p', { class: 'muted', id: 'duty-status' });

  async function reload() {
    const [now, list] = await Promise.all([get('/duty/now'), get('/duty')]);
    const call = (now && now.call) || [];
    replace(callBox, h('div', { class: 'card call-now', 'data-testid': 'call-now' },
      h('h2', null, t('ros.callNow')),
      call.length ? h('ol', { class: 'call-list' }, call.map((c) => h('li', null,
        h('strong', null, c.name), ' ', tel(c.phone), ' ', h('span', { class: 'muted' }, c.reason || ''),
        c.on_duty ? [' ', h('span', { class: 'badge ok' }, t('ros.onDuty'))] : null)))
        : h('p', { class: 'muted' }, t('ros.nobodyNow'))));
    const shifts = (list && list.shifts) || [];
    clear(tbody);
    for (const s of shifts) {
      tbody.append(h('tr', { dataset: { shiftId: s.id }, class: s.on_duty ? 'on-duty' : null },
        h('td', { class: 'nowrap' }, formatTime(s.starts_at)), h('td', { class: 'nowrap' }, formatTime(s.ends_at)),
        h('td', null, s.name, s.on_duty ? [' ', h('span', { class: 'badge ok' }, t('ros.onDuty'))] : null),
        h('td', null, s.unit || ''), h('td', null, s.position || ''), h('td', null, tel(s.phone)), h('td', null, s.note || ''),
        canWrite ? h('td', { class: 'actions' }, h('button', { type: 'button', class: 'btn small', onclick: (ev) => remove(s, ev.currentTarget) }, t('fam.remove'))) : null));
    }
    status.textContent = shifts.length ? t('ros.shiftsRange', { from: formatTime(list.from), to: formatTime(list.to), n: shifts.length }) : t('ros.dutyEmpty');
    error.hidden = true;
  }
  async function remove(s, btn) {
    if (!window.confirm(t('ros.confirmDelete', { name: `${s.name} ${formatTime(s.starts_at)}` }))) return;
    btn.disabled = true;
    try { await del('/duty/' + encodeURIComponent(s.id)); await reload(); } catch (err) { btn.disabled = false; showLineError(error, err); }
  }

  let addForm = null;
  if (canWrite) {
    const staff = await staffChoices();
    const staffSel = select({ id: 'duty-staff', name: 'staff_id' }, [{ value: '', label: staff.length ? t('ros.chooseStaff') : t('ros.noStaff') }, ...staff]);
    const start = Date.now();
    const starts = h('input', { id: 'duty-starts', name: 'starts_at', type: 'datetime-local', value: beijingInput(start - (start % 3600000)) });
    const ends = h('input', { id: 'duty-ends', name: 'ends_at', type: 'datetime-local', value: beijingInput(start - (start % 3600000) + 24 * 3600000) });
    const note = h('input', { id: 'duty-note', name: 'note', type: 'text', autocomplete: 'off' });
    addForm = h('form', { class: 'card', id: 'duty-add-form', novalidate: true },
      h('h2', null, t('ros.dutyAdd')), h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' }, field(t('ros.staffMember'), staffSel), field(t('ros.from'), starts, t('common.beijing')),
        field(t('ros.to'), ends), field(t('ros.note') + ' ' + t('common.optional'), note)),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn primary', id: 'duty-add-submit' }, t('ros.add'))));
    addForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(addForm);
      if (!staffSel.value) { showMessage(addForm, t('ros.needStaff'), 'staff_id'); return; }
      const a = beijingInputToIso(starts.value);
      const b = beijingInputToIso(ends.value);
      if (!a) { showMessage(addForm, t('tl.badAt'), 'starts_at'); return; }
      if (!b) { showMessage(addForm, t('tl.badAt'), 'ends_at'); return; }
      const body = { staff_id: Number(staffSel.value), starts_at: a, ends_at: b };
      if (note.value.trim()) body.note = note.value.trim();
      const done = busy(addForm, t('common.busy'));
      try { await post('/duty', body); done(); note.value = ''; await reload(); } catch (err) { done(); if (!err.handled) showError(addForm, err); }
    });
  }
  add(sec, callBox, canWrite ? null : h('p', { class: 'notice' }, t('ros.readonly')), addForm,
    h('h2', null, t('settings.duty')), status, error,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'duty-table' },
      h('thead', null, h('tr', null, h('th', null, t('ros.from')), h('th', null, t('ros.to')), h('th', null, t('per.name')),
        h('th', null, t('per.unit')), h('th', null, t('ros.position')), h('th', null, t('per.phone')), h('th', null, t('ros.note')),
        canWrite ? h('th', null, t('common.actions')) : null)), tbody)));
  await reload();
}

// ---------------------------------------------------------------- 联系人
export async function renderContacts(sec, ctx) {
  const canWrite = rosterPerms.write(ctx);
  const units = (await get('/units')).units || [];
  const tbody = h('tbody');
  const error = errorLine('contacts-error');
  const status = h('p', { class: 'muted', id: 'contacts-status' });
  let editRow = null;

  function fields(prefix, c) {
    const f = {
      label: h('input', { id: prefix + '-label', name: 'label', type: 'text', autocomplete: 'off', value: c ? c.label : '', placeholder: t('ros.labelHint') }),
      unit_id: select({ id: prefix + '-unit', name: 'unit_id' }, [{ value: '', label: t('ros.noUnit') }, ...unitOptions(units)], c && c.unit_id ? c.unit_id : ''),
      person: h('input', { id: prefix + '-person', name: 'person', type: 'text', autocomplete: 'off', value: c ? c.person || '' : '' }),
      phone: h('input', { id: prefix + '-phone', name: 'phone', type: 'tel', autocomplete: 'off', value: c ? c.phone || '' : '' }),
      note: h('input', { id: prefix + '-note', name: 'note', type: 'text', autocomplete: 'off', value: c ? c.note || '' : '' }),
    };
    return f;
  }
  const layout = (f) => h('div', { class: 'row' }, field(t('ros.label'), f.label), field(t('per.unit') + ' ' + t('common.optional'), f.unit_id),
    field(t('ros.person') + ' ' + t('common.optional'), f.person), field(t('per.phone'), f.phone), field(t('ros.note') + ' ' + t('common.optional'), f.note));
  function bodyOf(f, old) {
    const b = {};
    for (const k of ['label', 'person', 'phone', 'note']) {
      const v = f[k].value.trim();
      if (!old ? v !== '' : v !== (old[k] || '')) b[k] = v;
    }
    const u = f.unit_id.value ? Number(f.unit_id.value) : null;
    if (!old ? u !== null : u !== (old.unit_id || null)) b.unit_id = u;
    return b;
  }

  async function reload() {
    const r = await get('/contacts');
    const list = (r && r.contacts) || [];
    clear(tbody);
    for (const c of list) {
      const tr = h('tr', { dataset: { contactId: c.id } },
        h('td', null, h('strong', null, c.label)), h('td', null, c.unit || ''), h('td', null, c.person || ''),
        h('td', null, tel(c.phone)), h('td', null, c.note || ''),
        canWrite ? h('td', { class: 'actions' },
          h('button', { type: 'button', class: 'btn small', onclick: () => openEdit(tr, c) }, t('common.edit')),
          h('button', { type: 'button', class: 'btn small', onclick: (ev) => remove(c, ev.currentTarget) }, t('fam.remove'))) : null);
      tbody.append(tr);
    }
    status.textContent = list.length ? t('ros.count', { n: list.length }) : t('ros.contactsEmpty');
    error.hidden = true;
  }
  async function remove(c, btn) {
    if (!window.confirm(t('ros.confirmDelete', { name: c.label }))) return;
    btn.disabled = true;
    try { await del('/contacts/' + encodeURIComponent(c.id)); await reload(); } catch (err) { btn.disabled = false; showLineError(error, err); }
  }
  function openEdit(tr, c) {
    if (editRow) editRow.remove();
    const f = fields('contact-edit', c);
    const form = h('form', { class: 'inline-form', id: 'contact-edit-form', novalidate: true },
      h('div', { class: 'form-error', role: 'alert', hidden: true }), layout(f),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn primary' }, t('common.save')),
        h('button', { type: 'button', class: 'btn', onclick: () => { editRow.remove(); editRow = null; } }, t('common.cancel'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const b = bodyOf(f, c);
      if (!Object.keys(b).length) { editRow.remove(); editRow = null; return; }
      const done = busy(form, t('common.busy'));
      try { await patch('/contacts/' + encodeURIComponent(c.id), b); done(); editRow = null; await reload(); } catch (err) { done(); if (!err.handled) showError(form, err); }
    });
    editRow = h('tr', { class: 'edit-row' }, h('td', { colspan: 6 }, form));
    tr.after(editRow);
    f.label.focus();
  }

  let addForm = null;
  if (canWrite) {
    const f = fields('contact-add', null);
    addForm = h('form', { class: 'card', id: 'contact-add-form', novalidate: true },
      h('h2', null, t('ros.contactAdd')), h('div', { class: 'form-error', role: 'alert', hidden: true }), layout(f),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn primary', id: 'contact-add-submit' }, t('ros.add'))));
    addForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(addForm);
      if (!f.label.value.trim()) { showMessage(addForm, t('ros.needLabel'), 'label'); return; }
      const done = busy(addForm, t('common.busy'));
      try {
        await post('/contacts', bodyOf(f, null));
        done();
        for (const el of Object.values(f)) if (el.tagName === 'INPUT') el.value = '';
        await reload();
      } catch (err) { done(); if (!err.handled) showError(addForm, err); }
    });
  }
  add(sec, canWrite ? null : h('p', { class: 'notice' }, t('ros.readonly')), addForm,
    h('h2', null, t('settings.contacts')), h('p', { class: 'muted small' }, t('ros.contactsAbout')), status, error,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'contacts-table' },
      h('thead', null, h('tr', null, h('th', null, t('ros.label')), h('th', null, t('per.unit')), h('th', null, t('ros.person')),
        h('th', null, t('per.phone')), h('th', null, t('ros.note')), canWrite ? h('th', null, t('common.actions')) : null)), tbody)));
  await reload();
}
