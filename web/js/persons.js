// persons.js — 人员档案 (#/persons): the list of petitioner files with a name filter
// (GET /persons?q=), 50 at a time with 加载更多, masked ID numbers, employment and a
// 疑似重复 flag from the server's duplicate_count; and the form for a new
// file (#/persons/new): name, ID number, phone, address, unit, employment, health,
// note and rows of family members (POST /persons), after which the new file opens and
// the server's likely duplicates are shown on it.

import { t } from './i18n.js';
import { get, post } from './api.js';
import { h, clear, field, select, showError, showMessage, clearErrors, busy, errorText, formatTime } from './dom.js';
import { unitOptions } from './units.js';
import { EMPLOYMENT, employmentName, pperms, loadUnits, unitName } from './people-common.js';

const PAGE = 50;

export async function renderPersonList(section, ctx, query) {
  section.append(h('div', { class: 'page-head' },
    h('h1', null, t('nav.persons')),
    pperms.write(ctx) ? h('a', { href: '#/persons/new', class: 'btn primary big', id: 'person-new-btn', 'data-testid': 'person-new' },
      t('per.new')) : null));
  if (!pperms.read(ctx)) {
    section.append(h('p', { class: 'notice', id: 'persons-no-read' }, t('per.noRead')));
    return null;
  }
  const q = query.get('q') || '';
  const qInput = h('input', { id: 'persons-q', name: 'q', type: 'search', value: q, autocomplete: 'off', placeholder: t('per.filterHint') });
  const filter = h('form', { class: 'toolbar filter', id: 'persons-filter', role: 'search', novalidate: true },
    h('label', { for: 'persons-q' }, t('per.filter')), qInput,
    h('button', { type: 'submit', class: 'btn' }, t('per.filterGo')),
    q ? h('a', { href: '#/persons', class: 'btn link' }, t('per.filterClear')) : null);
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = qInput.value.trim();
    location.hash = v ? '#/persons?q=' + encodeURIComponent(v) : '#/persons';
  });

  const tbody = h('tbody');
  const status = h('p', { class: 'muted', id: 'persons-status' });
  const error = h('div', { class: 'form-error', id: 'persons-error', role: 'alert', hidden: true });
  const more = h('button', { type: 'button', class: 'btn', id: 'persons-more', hidden: true }, t('inc.more'));
  section.append(
    h('p', { class: 'muted small privacy-note' }, t('per.privacy')),
    filter, status, error,
    h('div', { class: 'table-wrap' },
      h('table', { class: 'grid persons', id: 'persons-table' },
        h('thead', null, h('tr', null,
          h('th', null, t('per.name')), h('th', null, t('per.idNumber')), h('th', null, t('per.phone')),
          h('th', null, t('per.unit')), h('th', null, t('per.employment')), h('th', null, t('per.flags')),
          h('th', null, t('per.created')))),
        tbody)),
    h('div', { class: 'buttons' }, more));

  const units = await loadUnits();
  const shown = [];
  let nextAfter = null;

  function draw() {
    clear(tbody);
    for (const p of shown) {
      // The server counts other files with the same name and unit or ID number.
      const dup = (p.duplicate_count || 0) > 0;
      tbody.append(h('tr', { dataset: { personId: p.id }, 'data-testid': 'person-row' },
        h('td', null, h('a', { href: '#/persons/' + p.id, class: 'person-name' }, p.name)),
        h('td', { class: 'mono' }, p.id_number || t('common.none')),
        h('td', null, p.phone || ''),
        h('td', null, unitName(units, p.unit_id)),
        h('td', null, employmentName(p.employment)),
        h('td', null, dup ? h('span', { class: 'badge warn', 'data-testid': 'dup-flag', title: t('per.dupTitle') }, t('per.dup')) : null),
        h('td', { class: 'nowrap' }, formatTime(p.created_at))));
    }
    if (!shown.length) status.textContent = q ? t('per.emptyQ', { q }) : t('per.empty');
    else status.textContent = nextAfter === null ? t('per.countEnd', { n: shown.length }) : t('per.countMore', { n: shown.length });
  }

  async function load() {
    error.hidden = true;
    more.disabled = true;
    let path = `/persons?limit=${PAGE}`;
    if (q) path += '&q=' + encodeURIComponent(q);
    if (nextAfter !== null) path += '&after_id=' + encodeURIComponent(nextAfter);
    const r = await get(path);
    shown.push(...((r && r.persons) || []));
    nextAfter = r && r.next_after_id !== undefined && r.next_after_id !== null ? r.next_after_id : null;
    more.hidden = nextAfter === null;
    more.disabled = false;
    draw();
  }
  more.addEventListener('click', async () => {
    try { await load(); } catch (err) {
      more.disabled = false;
      if (!err.handled) { error.textContent = errorText(err); error.hidden = false; }
    }
  });
  try { await load(); } catch (err) {
    if (err.handled) return null;
    error.textContent = errorText(err);
    error.hidden = false;
  }
  return null;
}

// One row of the family fieldset: name, relation, phone, unit, and a remove button.
function familyRow(list, n) {
  const id = (s) => `fam-${n}-${s}`;
  const row = h('div', { class: 'row family-row', dataset: { row: n } },
    field(t('fam.name'), h('input', { id: id('name'), type: 'text', autocomplete: 'off', dataset: { field: `family[${n}].name` } })),
    field(t('fam.relation'), h('input', { id: id('relation'), type: 'text', autocomplete: 'off', placeholder: t('fam.relationHint'), dataset: { field: `family[${n}].relation` } })),
    field(t('fam.phone') + ' ' + t('common.optional'), h('input', { id: id('phone'), type: 'tel', autocomplete: 'off', dataset: { field: `family[${n}].phone` } })),
    field(t('fam.unit') + ' ' + t('common.optional'), h('input', { id: id('unit'), type: 'text', autocomplete: 'off', dataset: { field: `family[${n}].unit` } })),
    h('div', { class: 'field narrow-field' }, h('span', { class: 'label-gap' }, '\u00a0'),
      h('button', { type: 'button', class: 'btn small', onclick: () => { row.remove(); } }, t('fam.remove'))));
  list.append(row);
  return row;
}

// The fields of a new file; also used by the person page's edit form (without family).
export function personFields(prefix, units, p) {
  const v = (x) => (x === null || x === undefined ? '' : x);
  const f = {
    name: h('input', { id: prefix + '-name', name: 'name', type: 'text', autocomplete: 'off', required: true, value: v(p && p.name) }),
    id_number: h('input', { id: prefix + '-idno', name: 'id_number', type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '32' }),
    phone: h('input', { id: prefix + '-phone', name: 'phone', type: 'tel', autocomplete: 'off', value: v(p && p.phone) }),
    address: h('input', { id: prefix + '-address', name: 'address', type: 'text', autocomplete: 'off', value: v(p && p.address) }),
    unit_id: select({ id: prefix + '-unit', name: 'unit_id' }, [{ value: '', label: t('per.noUnit') }, ...unitOptions(units)], p ? v(p.unit_id) : ''),
    employment: select({ id: prefix + '-employment', name: 'employment' }, EMPLOYMENT.map((e) => ({ value: e, label: employmentName(e) })), p ? p.employment : 'employed'),
    health: h('textarea', { id: prefix + '-health', name: 'health', rows: '2' }),
    note: h('textarea', { id: prefix + '-note', name: 'note', rows: '2' }),
  };
  if (p && p.note) f.note.value = p.note;
  return f;
}

export async function renderPersonNew(section, ctx) {
  section.append(h('p', { class: 'crumbs' }, h('a', { href: '#/persons' }, t('per.back'))),
    h('h1', null, t('per.newTitle')));
  if (!pperms.write(ctx)) {
    section.append(h('p', { class: 'notice' }, t('per.noWrite')));
    return null;
  }
  const units = await loadUnits();
  const f = personFields('pn', units, null);
  const famList = h('div', { class: 'family-rows', id: 'pn-family' });
  let famCount = 0;
  const form = h('form', { class: 'card', id: 'person-new-form', novalidate: true },
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('p', { class: 'muted small' }, t('per.minimal')),
    h('div', { class: 'row' },
      field(t('per.name'), f.name), field(t('per.idNumber') + ' ' + t('common.optional'), f.id_number, t('per.idHint')),
      field(t('per.phone') + ' ' + t('common.optional'), f.phone)),
    h('div', { class: 'row' },
      field(t('per.unit'), f.unit_id), field(t('per.employment'), f.employment),
      field(t('per.address') + ' ' + t('common.optional'), f.address)),
    field(t('per.health') + ' ' + t('common.optional'), f.health, t('per.healthHint')),
    field(t('per.note') + ' ' + t('common.optional'), f.note),
    h('fieldset', { class: 'family', 'data-field': 'family', tabindex: '-1' },
      h('legend', null, t('fam.title')),
      famList,
      h('button', { type: 'button', class: 'btn small', id: 'pn-family-add', onclick: () => { familyRow(famList, famCount++).querySelector('input').focus(); } }, t('fam.add'))),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'btn primary', id: 'person-new-submit' }, t('per.create'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!f.name.value.trim()) { showMessage(form, t('per.needName'), 'name'); return; }
    const body = { name: f.name.value.trim(), employment: f.employment.value };
    for (const k of ['id_number', 'phone', 'address', 'health', 'note']) {
      const val = f[k].value.trim();
      if (val) body[k] = val;
    }
    if (f.unit_id.value) body.unit_id = Number(f.unit_id.value);
    const family = [];
    let bad = null;
    // Rows are numbered as sent, so that a server error on family[i] marks the row.
    famList.querySelectorAll('.family-row').forEach((row) => {
      const val = (s) => row.querySelector(`[id$="-${s}"]`).value.trim();
      const m = { name: val('name'), relation: val('relation') };
      if (!m.name && !m.relation && !val('phone') && !val('unit')) return;
      const i = family.length;
      for (const s of ['name', 'relation', 'phone', 'unit']) row.querySelector(`[id$="-${s}"]`).dataset.field = `family[${i}].${s}`;
      if (val('phone')) m.phone = val('phone');
      if (val('unit')) m.unit = val('unit');
      if (!bad && (!m.name || !m.relation)) bad = `family[${i}].${m.name ? 'relation' : 'name'}`;
      family.push(m);
    });
    if (bad) { showMessage(form, t('fam.needBoth'), bad); return; }
    if (family.length) body.family = family;
    const done = busy(form, t('common.busy'));
    try {
      const p = await post('/persons', body);
      done();
      location.hash = '#/persons/' + p.id + '?created=1';
    } catch (err) {
      done();
      if (!err.handled) showError(form, err);
    }
  });
  section.append(form);
  f.name.focus();
  return null;
}
