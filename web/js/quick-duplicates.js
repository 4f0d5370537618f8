// quick-duplicates.js — the choice quick entry offers before saving when some lines may
// already have a file (POST /incidents/{id}/persons/bulk with "check": the likely
// duplicates per line): for each such line, "使用已有档案" (one per matching file, the
// first chosen) or "仍新建档案". Saving hands back the use_existing list for the bulk
// request (docs/api.md); the lines not listed are created as new files.

import { t } from './i18n.js';
import { h } from './dom.js';
import { unitName } from './people-common.js';

// dups: [{line, name, matches:[{id,name,unit_id}]}]; onSave(useExisting), onCancel().
export function duplicateChoice(dups, units, onSave, onCancel) {
  const groups = dups.map((d) => {
    const name = 'qd-line-' + d.line;
    const options = (d.matches || []).map((m, i) => h('label', { class: 'check qd-option' },
      h('input', { type: 'radio', name, value: String(m.id), checked: i === 0, 'data-testid': 'qd-use', dataset: { line: d.line, personId: m.id } }),
      ' ', t('qd.use', { name: m.name, id: m.id, unit: unitName(units, m.unit_id) })));
    options.push(h('label', { class: 'check qd-option' },
      h('input', { type: 'radio', name, value: '', 'data-testid': 'qd-new', dataset: { line: d.line } }), ' ', t('qd.new')));
    return h('fieldset', { class: 'qd-line', dataset: { line: d.line } },
      h('legend', null, t('pp.lineNo', { n: d.line }), ' ', h('strong', null, d.name)), options);
  });
  const el = h('div', { class: 'notice dup-notice', id: 'quick-choices', 'data-testid': 'quick-choices' },
    h('strong', null, t('qd.head', { n: dups.length })),
    groups,
    h('div', { class: 'buttons' },
      h('button', { type: 'button', class: 'btn primary', id: 'quick-choices-save', 'data-testid': 'quick-choices-save',
        onclick: () => {
          const use = [];
          for (const g of groups) {
            const chosen = g.querySelector('input[type="radio"]:checked');
            if (chosen && chosen.value) use.push({ line: Number(g.dataset.line), person_id: Number(chosen.value) });
          }
          onSave(use);
        } }, t('qd.save')),
      h('button', { type: 'button', class: 'btn', id: 'quick-choices-cancel', onclick: onCancel }, t('common.cancel'))));
  return el;
}
