// person-merge.js — 合并档案 on a petitioner file (#/persons/{id}): find the other file
// by name (GET /persons?q=), see both side by side (what each holds, and which empty
// fields of the kept file the other fills), choose which file stays, give a reason and
// confirm (POST /persons/{id}/merge). The merged file then answers with the kept one
// (docs/api.md, "Merging files"). Also offered from a likely duplicate ("使用已有档案"),
// with that file already chosen.

import { t } from './i18n.js';
import { get, post } from './api.js';
import { h, clear, replace, field, showError, showMessage, clearErrors, busy, errorText } from './dom.js';
import { employmentName, unitName } from './people-common.js';

// The fields the merge fills in the kept file when it has none (as the server does).
const FILLED = ['id_number', 'phone', 'address', 'unit_id', 'note'];

// panel(person, units, onMerged(keptId), onCancel, preset) -> element. preset: the id of
// the other file to preview at once, kept (使用已有档案).
export function mergePanel(person, units, onMerged, onCancel, preset) {
  const ui = { other: null, keepOther: true, searching: 0 };
  const q = h('input', { id: 'merge-q', type: 'search', autocomplete: 'off', placeholder: t('mg.searchHint'), value: person.name });
  const results = h('div', { id: 'merge-results' });
  const preview = h('div', { id: 'merge-preview' });
  const reason = h('textarea', { id: 'merge-reason', name: 'reason', rows: '2', placeholder: t('mg.reasonHint') });
  const form = h('form', { class: 'inline-form merge-form', id: 'merge-form', novalidate: true },
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    field(t('mg.reason'), reason),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'btn primary', id: 'merge-submit', 'data-testid': 'merge-submit' }, t('mg.confirm')),
      h('button', { type: 'button', class: 'btn', onclick: onCancel }, t('common.cancel'))));
  form.hidden = true;
  const el = h('section', { class: 'person-sec merge-panel', id: 'merge-panel', 'aria-labelledby': 'merge-title' },
    h('h2', { id: 'merge-title' }, t('mg.title')),
    h('p', { class: 'muted small' }, t('mg.hint')),
    h('form', { class: 'toolbar filter', id: 'merge-search', role: 'search', novalidate: true,
      onsubmit: (ev) => { ev.preventDefault(); search(); } },
    h('label', { for: 'merge-q' }, t('mg.search')), q, h('button', { type: 'submit', class: 'btn' }, t('mg.searchGo'))),
    results, preview, form);

  async function search() {
    const mine = ++ui.searching;
    const text = q.value.trim();
    try {
      const r = await get('/persons?limit=20' + (text ? '&q=' + encodeURIComponent(text) : ''));
      if (mine !== ui.searching) return;
      const list = ((r && r.persons) || []).filter((p) => p.id !== person.id);
      replace(results, list.length ? h('ul', { class: 'merge-candidates' }, list.map((p) => h('li', null,
        h('button', { type: 'button', class: 'btn small', dataset: { personId: p.id }, 'data-testid': 'merge-pick',
          onclick: () => choose(p.id) }, t('mg.pick')), ' ',
        h('strong', null, p.name), ' #' + p.id, ' · ', unitName(units, p.unit_id), ' · ', p.phone || t('common.none'))))
        : h('p', { class: 'muted' }, t('mg.noneFound')));
    } catch (err) {
      if (!err.handled) replace(results, h('p', { class: 'form-error', role: 'alert' }, errorText(err)));
    }
  }
  q.addEventListener('input', () => { clearTimeout(ui.timer); ui.timer = setTimeout(search, 250); });

  async function choose(otherId) {
    try {
      ui.other = await get('/persons/' + encodeURIComponent(otherId));
      clear(results);
      drawPreview();
      form.hidden = false;
      reason.focus();
    } catch (err) {
      if (!err.handled) replace(preview, h('p', { class: 'form-error', role: 'alert' }, errorText(err)));
    }
  }

  // Two columns: the file that goes (并入) and the file that stays (保留).
  function drawPreview() {
    const other = ui.other;
    const from = ui.keepOther ? person : other;
    const into = ui.keepOther ? other : person;
    const show = (p, k) => {
      if (k === 'unit_id') return unitName(units, p.unit_id);
      if (k === 'employment') return employmentName(p.employment);
      return p[k] || t('common.none');
    };
    const empty = (p, k) => p[k] === null || p[k] === undefined || p[k] === '';
    const rows = [['name', t('per.name')], ['id_number', t('per.idNumber')], ['phone', t('per.phone')],
      ['address', t('per.address')], ['unit_id', t('per.unit')], ['employment', t('per.employment')], ['note', t('per.note')]];
    const counts = (p) => t('mg.counts', {
      i: (p.incidents || []).length, m: (p.matters || []).length, f: (p.family || []).length,
    });
    replace(preview,
      h('div', { class: 'buttons' },
        h('label', { class: 'check' }, h('input', { type: 'radio', name: 'merge-keep', id: 'merge-keep-other', checked: ui.keepOther,
          onchange: () => { ui.keepOther = true; drawPreview(); } }), ' ', t('mg.keepOther', { name: other.name, id: other.id })),
        h('label', { class: 'check' }, h('input', { type: 'radio', name: 'merge-keep', id: 'merge-keep-this', checked: !ui.keepOther,
          onchange: () => { ui.keepOther = false; drawPreview(); } }), ' ', t('mg.keepThis', { name: person.name, id: person.id }))),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid merge-compare', id: 'merge-compare', 'data-testid': 'merge-compare' },
        h('thead', null, h('tr', null, h('th', null, ''),
          h('th', null, t('mg.from'), ' ', h('span', { class: 'muted' }, `${from.name} #${from.id}`)),
          h('th', null, t('mg.into'), ' ', h('span', { class: 'muted' }, `${into.name} #${into.id}`)))),
        h('tbody', null,
          rows.map(([k, label]) => {
            const fills = FILLED.includes(k) && empty(into, k) && !empty(from, k);
            return h('tr', { class: fills ? 'merge-fills' : null, dataset: { field: k } },
              h('th', null, label), h('td', null, show(from, k)),
              h('td', null, fills ? [show(from, k), ' ', h('span', { class: 'badge' }, t('mg.filled'))] : show(into, k)));
          }),
          h('tr', null, h('th', null, t('mg.links')), h('td', null, counts(from)), h('td', null, counts(into)))))),
      h('p', { class: 'muted small', id: 'merge-summary' }, t('mg.summary', { from: `${from.name} #${from.id}`, into: `${into.name} #${into.id}` })));
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!ui.other) return;
    if (!reason.value.trim()) { showMessage(form, t('mg.needReason'), 'reason'); return; }
    const from = ui.keepOther ? person.id : ui.other.id;
    const into = ui.keepOther ? ui.other.id : person.id;
    const done = busy(form, t('common.busy'));
    try {
      const kept = await post('/persons/' + encodeURIComponent(from) + '/merge', { into, reason: reason.value.trim() });
      done();
      onMerged(kept.id);
    } catch (err) {
      done();
      if (!err.handled) showError(form, err);
    }
  });

  if (preset) {
    reason.value = t('mg.reasonExisting');
    choose(preset);
  } else search();
  return el;
}
