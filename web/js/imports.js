// imports.js — the 导入 tab of 设置: a CSV file of units or of staff (花名册) is read with
// the File API and sent as it is, byte for byte (a GBK file saved by Excel reaches the
// server untouched; the browser decodes nothing). First a dry run (?dry_run=1) shows the
// encoding the server detected, the row count, the columns it ignores and every row's
// problem by line; only a clean check enables 导入, which answers with the counts of
// created, updated and unchanged rows (or, if the data changed meanwhile, the problems).

import { t, has } from './i18n.js';
import { upload } from './api.js';
import { h, clear, replace, field, showError, showMessage, clearErrors, errorText } from './dom.js';

export const importPerms = {
  any: (ctx) => ctx.hasRole('admin') || ctx.hasRole('petition_office'),
  units: (ctx) => ctx.hasRole('admin'),
  staff: (ctx) => ctx.hasRole('admin') || ctx.hasRole('petition_office'),
};

// The column a problem names ("unit"), in the words of the header ("单位").
function fieldName(id) {
  const key = 'impf.' + id;
  return has(key) ? t(key) : id;
}

export async function renderImport(sec, ctx) {
  const kinds = ['staff', 'units'].filter((k) => importPerms[k](ctx));
  const state = { kind: kinds[0], file: null, checked: null };
  const radios = h('fieldset', { class: 'roles', id: 'import-kind', 'data-field': 'kind' },
    h('legend', null, t('imp.kind')),
    kinds.map((k) => h('label', { class: 'check' },
      h('input', {
        type: 'radio', name: 'import-kind', id: 'import-kind-' + k, value: k, checked: k === state.kind,
        onchange: () => { state.kind = k; state.checked = null; drawColumns(); clear(report); sync(); },
      }), ' ', t('imp.kind.' + k))));
  const file = h('input', { id: 'import-file', name: 'file', type: 'file', accept: '.csv,text/csv' });
  const columns = h('p', { class: 'muted small', id: 'import-columns' });
  const report = h('div', { id: 'import-report' });
  const checkBtn = h('button', { type: 'submit', class: 'btn', id: 'import-check' }, t('imp.check'));
  const applyBtn = h('button', { type: 'button', class: 'btn primary', id: 'import-apply', disabled: true }, t('imp.apply'));
  const form = h('form', { class: 'card', id: 'import-form', novalidate: true },
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    radios,
    field(t('imp.file'), file, t('imp.fileHint')),
    columns,
    h('div', { class: 'buttons' }, checkBtn, applyBtn),
    report);

  function drawColumns() { columns.textContent = t('imp.columns.' + state.kind); }
  function sync() { applyBtn.disabled = !(state.checked && state.checked.ok && state.checked.file === state.file && state.checked.kind === state.kind); }

  file.addEventListener('change', () => {
    state.file = file.files && file.files[0] ? file.files[0] : null;
    state.checked = null;
    clear(report);
    sync();
  });

  function drawReport(r, applied) {
    const problems = Array.isArray(r.problems) ? r.problems : [];
    const ignored = Array.isArray(r.ignored_columns) ? r.ignored_columns : [];
    replace(report, h('div', { class: 'import-report', 'data-testid': 'import-report' },
      h('dl', { class: 'facts' },
        h('dt', null, t('imp.encoding')), h('dd', { id: 'import-encoding' }, r.encoding || t('common.none')),
        h('dt', null, t('imp.rows')), h('dd', { id: 'import-rows' }, String(r.rows ?? '')),
        r.created !== undefined ? [h('dt', null, applied ? t('imp.created') : t('imp.willCreate')), h('dd', { id: 'import-created' }, String(r.created))] : null,
        r.updated !== undefined ? [h('dt', null, applied ? t('imp.updated') : t('imp.willUpdate')), h('dd', { id: 'import-updated' }, String(r.updated))] : null,
        r.unchanged !== undefined ? [h('dt', null, t('imp.unchanged')), h('dd', { id: 'import-unchanged' }, String(r.unchanged))] : null,
        ignored.length ? [h('dt', null, t('imp.ignored')), h('dd', null, ignored.join(t('common.sep')))] : null),
      problems.length ? h('div', { class: 'problems', id: 'import-problems' },
        h('strong', null, t('imp.problemsHead', { n: problems.length + (r.problems_dropped || 0) })),
        h('table', { class: 'grid' },
          h('thead', null, h('tr', null, h('th', null, t('imp.line')), h('th', null, t('imp.field')), h('th', null, t('imp.problem')))),
          h('tbody', null, problems.map((p) => h('tr', { dataset: { line: p.line ?? '' } },
            h('td', { class: 'num' }, p.line === null || p.line === undefined ? t('imp.wholeFile') : String(p.line)),
            h('td', null, p.field ? fieldName(p.field) : ''), h('td', null, p.message))))),
        r.problems_dropped ? h('p', { class: 'small' }, t('imp.dropped', { n: r.problems_dropped })) : null)
        : h('div', { class: 'form-ok', role: 'status', id: 'import-ok' }, applied ? t('imp.done') : t('imp.clean'))));
  }

  async function send(dry) {
    clearErrors(form);
    if (!state.file) { showMessage(form, t('imp.needFile'), 'file'); return; }
    const f = state.file;
    const kind = state.kind;
    checkBtn.disabled = true;
    applyBtn.disabled = true;
    replace(report, h('p', { class: 'muted' }, dry ? t('imp.checking') : t('imp.importing')));
    try {
      const r = await upload(`/imports/${kind}${dry ? '?dry_run=1' : ''}`, f, 'text/csv');
      state.checked = dry ? { ok: !!r.ok, file: f, kind } : null;
      drawReport(r, !dry);
    } catch (err) {
      state.checked = null;
      if (err.handled) return;
      // 422: the report of what is wrong, inside the error object; nothing was imported.
      if (err.status === 422 && err.detail && Array.isArray(err.detail.problems)) {
        drawReport(err.detail, false);
        showMessage(form, errorText(err));
      } else {
        clear(report);
        showError(form, err);
      }
    } finally {
      checkBtn.disabled = false;
      sync();
    }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); send(true); });
  applyBtn.addEventListener('click', () => send(false));

  drawColumns();
  sec.append(h('h2', null, t('settings.import')), h('p', { class: 'muted small' }, t('imp.about')), form);
}
