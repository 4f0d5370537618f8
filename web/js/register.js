// register.js — 登记事件 (#/incidents/new): the registration form, made for speed
// under pressure. The facts that decide scope, grade and procedure come first as big
// inputs and toggles (人数, 去向, 是否提前掌握信息), then place, units, demands and the
// 演练 box; the rest follows. Enter in a field never registers: 核对并登记 asks the
// server what the plan decides (POST /incidents?dry_run=1, nothing stored) and shows it
// as one line (in scope or not, grade, procedure) with 确认登记; only that posts to
// /incidents and opens the incident page. Changing a field after the check hides the
// confirmation. Toggles are real radio inputs, so the keyboard works and a language
// switch keeps the choice. 发生时间 (default now, Beijing time) follows the facts; when
// the information came in advance, 预计到访时间 and 预计去向 appear with it (sent only when
// given; 发生时间 only when changed, so a form left open does not date the incident back).

import { t } from './i18n.js';
import { get, post } from './api.js';
import { h, field, showError, showMessage, clearErrors, busy, errorText } from './dom.js';
import { DESTINATIONS, destinationName, gradeName, beijingInputValue, beijingInputToIso, shortTime } from './incident-common.js';
import { flattenUnits } from './units.js';

function toggleGroup(name, legend, choices, extraClass) {
  return h('fieldset', { class: 'toggles ' + (extraClass || ''), id: 'reg-' + name, 'data-field': name, tabindex: '-1' },
    h('legend', null, legend),
    h('div', { class: 'toggle-row' }, choices.map((c) => [
      h('input', { type: 'radio', class: 'toggle-input', name, id: c.id, value: c.value }),
      h('label', { class: 'toggle', for: c.id, 'data-testid': c.id }, c.label),
    ])));
}

const checkedValue = (form, name) => {
  const el = form.querySelector(`input[name="${name}"]:checked`);
  return el ? el.value : null;
};

export async function renderRegister(section, ctx) {
  section.append(h('h1', null, t('reg.title')));
  if (!ctx.hasRole('petition_office') && !ctx.hasRole('leader')) {
    section.append(h('p', { class: 'notice' }, t('reg.forbidden')));
    return null;
  }

  const headcount = h('input', {
    id: 'reg-headcount', name: 'headcount', 'data-field': 'headcount', type: 'number', min: '1', step: '1',
    inputmode: 'numeric', class: 'big-input', autocomplete: 'off', required: true,
  });
  const dest = toggleGroup('destination', t('reg.destination'),
    DESTINATIONS.map((d) => ({ id: 'reg-dest-' + d, value: d, label: destinationName(d) })), 'five');
  const advance = toggleGroup('advance_info', t('reg.advance'), [
    { id: 'reg-advance-yes', value: 'yes', label: t('reg.advanceYes') },
    { id: 'reg-advance-no', value: 'no', label: t('reg.advanceNo') },
  ], 'two');
  const occurredDefault = beijingInputValue(Date.now());
  const occurred = h('input', { id: 'reg-occurred', name: 'occurred_at', type: 'datetime-local', value: occurredDefault, 'data-testid': 'reg-occurred' });
  const expectedAt = h('input', { id: 'reg-expected', name: 'expected_at', type: 'datetime-local', 'data-testid': 'reg-expected' });
  const expectedDest = toggleGroup('expected_destination', t('reg.expectedDestination'),
    DESTINATIONS.map((d) => ({ id: 'reg-expdest-' + d, value: d, label: destinationName(d) })), 'five');
  const expectedBox = h('fieldset', { class: 'reg-expected', id: 'reg-expected-box', hidden: true },
    h('legend', null, t('reg.expected')),
    h('div', { class: 'row' }, field(t('reg.expectedAt'), expectedAt, t('common.beijing'))),
    expectedDest);
  const place = h('input', { id: 'reg-place', name: 'place', type: 'text', autocomplete: 'off' });
  const demands = h('textarea', { id: 'reg-demands', name: 'demands', rows: '3' });
  const drill = h('input', { id: 'reg-drill', name: 'drill', type: 'checkbox' });
  const category = h('input', { id: 'reg-category', name: 'category', type: 'text', autocomplete: 'off' });
  const unitBox = h('fieldset', { class: 'unit-picks', id: 'reg-units', 'data-field': 'units', tabindex: '-1' },
    h('legend', null, t('reg.units')),
    h('p', { class: 'muted small' }, t('common.loading')));

  const form = h('form', { id: 'reg-form', class: 'register', novalidate: true, 'data-testid': 'register-form' },
    h('div', { class: 'form-error', id: 'reg-error', role: 'alert', hidden: true }),
    h('div', { class: 'reg-facts' },
      h('div', { class: 'field headcount-field' },
        h('label', { for: 'reg-headcount' }, t('reg.headcount')), headcount,
        h('div', { class: 'hint' }, t('reg.headcountHint'))),
      dest,
      advance),
    expectedBox,
    h('div', { class: 'row' },
      field(t('reg.occurredAt'), occurred, t('reg.occurredHint')),
      field(t('reg.place'), place),
      h('label', { class: 'check drill-check', for: 'reg-drill' }, drill, ' ', t('reg.drill'))),
    unitBox,
    field(t('reg.demands'), demands),
    h('details', { class: 'reg-more' },
      h('summary', null, t('reg.more')),
      h('div', { class: 'row' }, field(t('reg.category') + ' ' + t('common.optional'), category))),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', id: 'reg-submit', class: 'btn primary big', 'data-testid': 'reg-submit' }, t('reg.preview')),
      h('a', { href: '#/incidents', class: 'btn' }, t('common.cancel'))));

  // The confirmation: the plan's decision in one line, then 确认登记 or 返回修改.
  let pending = null;
  const summary = h('p', { class: 'reg-summary', id: 'reg-summary', 'data-testid': 'reg-summary' });
  const confirmBtn = h('button', { type: 'button', class: 'btn primary big', id: 'reg-confirm', 'data-testid': 'reg-confirm' }, t('reg.confirm'));
  const editBtn = h('button', { type: 'button', class: 'btn', id: 'reg-edit' }, t('reg.edit'));
  const confirmBox = h('div', { class: 'reg-confirm', id: 'reg-confirm-box', role: 'region', 'aria-label': t('reg.confirmTitle'), hidden: true },
    h('h2', null, t('reg.confirmTitle')), summary, h('div', { class: 'buttons' }, confirmBtn, editBtn));
  function hideConfirm() { pending = null; confirmBox.hidden = true; }
  editBtn.addEventListener('click', () => { hideConfirm(); headcount.focus(); });
  form.addEventListener('input', hideConfirm);
  form.addEventListener('change', hideConfirm);
  // 预计到访时间 and 预计去向 belong to information had in advance.
  form.addEventListener('change', () => { expectedBox.hidden = checkedValue(form, 'advance_info') !== 'yes'; });
  // Enter in a field must not submit the form (a mistaken registration).
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && ev.target instanceof HTMLInputElement) ev.preventDefault();
  });
  confirmBtn.addEventListener('click', async () => {
    if (!pending) return;
    clearErrors(form);
    confirmBtn.disabled = true;
    confirmBtn.textContent = t('reg.busy');
    const done = () => { confirmBtn.disabled = false; confirmBtn.textContent = t('reg.confirm'); };
    try {
      const inc = await post('/incidents', pending);
      done();
      location.hash = '#/incidents/' + inc.id;
    } catch (err) {
      done();
      hideConfirm();
      if (err.handled) return;
      showError(form, err);
    }
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const n = Number(headcount.value);
    if (!headcount.value.trim() || !Number.isInteger(n) || n < 1) {
      showMessage(form, t('reg.needHeadcount'), 'headcount');
      return;
    }
    const destination = checkedValue(form, 'destination');
    if (!destination) { showMessage(form, t('reg.needDestination'), 'destination'); return; }
    const adv = checkedValue(form, 'advance_info');
    if (!adv) { showMessage(form, t('reg.needAdvance'), 'advance_info'); return; }
    const body = {
      headcount: n,
      destination,
      advance_info: adv === 'yes',
      place: place.value.trim(),
      units: Array.from(unitBox.querySelectorAll('input:checked')).map((c) => Number(c.value)),
      demands: demands.value.trim(),
      drill: drill.checked,
    };
    if (category.value.trim()) body.category = category.value.trim();
    if (occurred.value && occurred.value !== occurredDefault) {
      body.occurred_at = beijingInputToIso(occurred.value);
      if (!body.occurred_at) { showMessage(form, t('reg.badTime'), 'occurred_at'); return; }
    }
    if (body.advance_info && expectedAt.value) {
      body.expected_at = beijingInputToIso(expectedAt.value);
      if (!body.expected_at) { showMessage(form, t('reg.badTime'), 'expected_at'); return; }
    }
    const expDest = checkedValue(form, 'expected_destination');
    if (body.advance_info && expDest) body.expected_destination = expDest;
    const done = busy(form, t('reg.previewBusy'));
    try {
      const d = await post('/incidents?dry_run=1', body);
      done();
      const facts = { n: body.headcount, d: destinationName(body.destination) };
      summary.textContent = (d.in_scope
        ? t('reg.sumIn', { ...facts, g: gradeName(d.grade, d.grade_name), p: d.procedure, pn: d.procedure_name || '' })
        : t('reg.sumOut', facts))
        + (body.expected_at ? t('reg.sumExpected', { at: shortTime(body.expected_at), d: body.expected_destination ? destinationName(body.expected_destination) : '' }) : '')
        + (body.drill ? t('reg.sumDrill') : '');
      summary.classList.toggle('out', !d.in_scope);
      pending = body;
      confirmBox.hidden = false;
      confirmBtn.focus();
    } catch (err) {
      done();
      if (err.handled) return;
      showError(form, err);
    }
  });

  section.append(form, confirmBox);
  headcount.focus();

  try {
    const r = await get('/units');
    const units = (r && r.units) || [];
    unitBox.querySelector('p').remove();
    if (units.length === 0) unitBox.append(h('p', { class: 'muted small' }, t('reg.noUnits')));
    unitBox.append(h('div', { class: 'unit-list' }, flattenUnits(units).map(({ unit, depth }) => h('label', {
      class: 'check unit-pick depth-' + Math.min(depth, 4), for: 'reg-unit-' + unit.id,
    }, h('input', { type: 'checkbox', id: 'reg-unit-' + unit.id, value: unit.id, name: 'units' }), ' ', unit.name))));
  } catch (err) {
    if (err.handled) return null;
    unitBox.querySelector('p').replaceWith(h('p', { class: 'form-error' }, errorText(err)));
  }
  return null;
}
