// register.js — 登记事件 (#/incidents/new): the registration form, made for speed
// under pressure. The facts that decide scope, grade and procedure come first as big
// inputs and toggles (人数, 去向, 是否提前掌握信息), then place, units, demands and the
// 演练 box; the rest follows. Submitting posts to /incidents and opens the incident
// page, where the server's decision is shown. Toggles are real radio inputs, so the
// keyboard works and a language switch keeps the choice.

import { t } from './i18n.js';
import { get, post } from './api.js';
import { h, field, showError, showMessage, clearErrors, busy, errorText } from './dom.js';
import { DESTINATIONS, destinationName } from './incident-common.js';
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
    h('div', { class: 'row' },
      field(t('reg.place'), place),
      h('label', { class: 'check drill-check', for: 'reg-drill' }, drill, ' ', t('reg.drill'))),
    unitBox,
    field(t('reg.demands'), demands),
    h('details', { class: 'reg-more' },
      h('summary', null, t('reg.more')),
      h('div', { class: 'row' }, field(t('reg.category') + ' ' + t('common.optional'), category))),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', id: 'reg-submit', class: 'btn primary big' }, t('reg.submit')),
      h('a', { href: '#/incidents', class: 'btn' }, t('common.cancel'))));

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
    const done = busy(form, t('reg.busy'));
    try {
      const inc = await post('/incidents', body);
      done();
      location.hash = '#/incidents/' + inc.id;
    } catch (err) {
      done();
      if (err.handled) return;
      showError(form, err);
    }
  });

  section.append(form);
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
