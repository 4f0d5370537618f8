// reports.js — the written reports of an incident (首报, 续报, 终报, 工作总结): a draft is
// made per kind from the incident's own data (POST /incidents/{id}/reports), its
// sections are edited in text areas (PATCH /reports/{id}), previewed as the document's
// text (and the draft PDF, watermarked 草稿, one click away), issued after a
// confirmation (POST /reports/{id}/issue: numbered, never changed again) and downloaded
// as PDF or DOCX. Every version is listed; an issued report is corrected by a new
// version (POST /reports/{id}/correct).

import { t } from './i18n.js';
import { get, post, patch } from './api.js';
import { h, clear, replace, field, select, showError, clearErrors, showOk, errorText, formatTime } from './dom.js';
import { perms } from './incident-common.js';
import { shortHash } from './records.js';

export const REPORT_KINDS = ['first', 'follow_up', 'final', 'summary'];
export const reportKindName = (k) => (t('rep.kind.' + k) === 'rep.kind.' + k ? k : t('rep.kind.' + k));

export function createReports(ctx, id, page) {
  const base = '/incidents/' + encodeURIComponent(id);
  const canManage = perms.manage(ctx);
  const list = h('div', { id: 'rep-list' });
  const editor = h('div', { id: 'rep-editor-box' });
  const pageError = h('div', { class: 'form-error', role: 'alert', id: 'rep-error', hidden: true });
  let reports = [];
  let current = null; // the report open in the editor
  let dirty = false;

  const kindSel = select({ id: 'rep-kind', name: 'kind' }, REPORT_KINDS.map((k) => ({ value: k, label: reportKindName(k) })));
  const createForm = h('form', { class: 'toolbar rep-create', id: 'rep-create-form', novalidate: true },
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    field(t('rep.kind'), kindSel),
    h('button', { type: 'submit', class: 'btn primary', id: 'rep-create', 'data-testid': 'rep-create' }, t('rep.create')));
  createForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(createForm);
    const btn = createForm.querySelector('#rep-create');
    btn.disabled = true;
    try {
      const r = await post(base + '/reports', { kind: kindSel.value });
      btn.disabled = false;
      await loadList();
      open(r);
    } catch (err) {
      btn.disabled = false;
      if (!err.handled) showError(createForm, err);
    }
  });

  const statusName = (r) => (r.status === 'issued' ? t('rep.issued') : t('rep.draft'));

  function drawList() {
    if (!reports.length) { replace(list, h('p', { class: 'muted', id: 'rep-empty' }, t('rep.empty'))); return; }
    const sorted = reports.slice().sort((a, b) => REPORT_KINDS.indexOf(a.kind) - REPORT_KINDS.indexOf(b.kind)
      || (a.version || 1e9) - (b.version || 1e9) || a.id - b.id);
    replace(list, h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'rep-table' },
      h('thead', null, h('tr', null,
        h('th', null, t('rep.kind')), h('th', null, t('rep.version')), h('th', null, t('rep.number')), h('th', null, t('rep.status')),
        h('th', null, t('rep.when')), h('th', null, 'SHA-256'), h('th', null, t('rep.actions')))),
      h('tbody', null, sorted.map((r) => h('tr', {
        'data-testid': 'report', class: current && current.id === r.id ? 'current' : null,
        dataset: { reportId: r.id, kind: r.kind, status: r.status },
      },
      h('td', null, reportKindName(r.kind)),
      h('td', { class: 'num' }, r.version ? 'v' + r.version : t('common.none')),
      h('td', null, r.number || t('common.none'), r.replaces_number ? h('div', { class: 'small muted' }, t('rep.replaces', { n: r.replaces_number })) : null),
      h('td', null, h('span', { class: 'badge rep-status-' + r.status }, statusName(r))),
      h('td', { class: 'nowrap' }, formatTime(r.issued_at || r.updated_at || r.created_at)),
      h('td', null, r.pdf_sha256 ? shortHash(r.pdf_sha256, 'rep-pdf-sha') : h('span', { class: 'muted' }, t('common.none'))),
      h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'btn small', 'data-testid': 'rep-open', onclick: () => openById(r.id) },
          r.status === 'draft' && canManage ? t('rep.edit') : t('rep.view')),
        h('a', { class: 'btn small', href: `/api/v1/reports/${r.id}/pdf`, download: true, 'data-testid': 'rep-pdf' }, 'PDF'),
        h('a', { class: 'btn small', href: `/api/v1/reports/${r.id}/docx`, download: true, 'data-testid': 'rep-docx' }, 'DOCX'))))))));
  }

  async function openById(rid) {
    try {
      open(await get('/reports/' + encodeURIComponent(rid)));
    } catch (err) {
      if (err.handled) return;
      pageError.textContent = errorText(err);
      pageError.hidden = false;
    }
  }

  // The document as it will read: title, then each section's heading and text.
  function preview(title, sections) {
    return h('article', { class: 'rep-preview', id: 'rep-preview', 'data-testid': 'rep-preview' },
      h('h3', { class: 'rep-preview-title' }, title),
      sections.map((s) => h('section', null, h('h4', null, s.heading), h('p', { class: 'pre' }, s.text))));
  }

  function open(r) {
    current = r;
    dirty = false;
    drawList();
    const editable = canManage && r.status === 'draft';
    const titleInput = h('input', { id: 'rep-title', name: 'title', type: 'text', maxlength: '200', disabled: !editable });
    titleInput.value = r.title || '';
    const areas = (r.sections || []).map((s, i) => {
      const ta = h('textarea', { id: `rep-sec-${i}`, rows: String(Math.min(14, Math.max(3, String(s.text || '').split('\n').length + 1))), disabled: !editable, dataset: { key: s.key }, 'data-field': `sections[${i}]` });
      ta.value = s.text || '';
      ta.addEventListener('input', () => { dirty = true; });
      return { s, ta };
    });
    titleInput.addEventListener('input', () => { dirty = true; });
    const sectionsNow = () => areas.map(({ s, ta }) => ({ key: s.key, heading: s.heading, text: ta.value }));
    const previewBox = h('div', { id: 'rep-preview-box', hidden: true });
    const confirmBox = h('div', { id: 'rep-issue-box', hidden: true });

    const form = h('form', { class: 'card rep-editor', id: 'rep-editor', novalidate: true, 'data-testid': 'rep-editor', dataset: { reportId: r.id, status: r.status } },
      h('div', { class: 'page-head' },
        h('h3', { id: 'rep-editor-title' }, reportKindName(r.kind), ' ', r.number ? r.number : t('rep.draft')),
        h('span', { class: 'badge rep-status-' + r.status }, statusName(r)),
        r.version ? h('span', { class: 'muted small' }, 'v' + r.version) : null,
        h('span', { class: 'spacer' }),
        h('button', { type: 'button', class: 'btn small', id: 'rep-close', onclick: () => { current = null; clear(editor); drawList(); } }, t('rep.close'))),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      r.status === 'issued' ? h('p', { class: 'muted small', id: 'rep-issued-note' },
        t('rep.issuedNote', { by: r.issued_by_name || '', at: formatTime(r.issued_at) })) : null,
      field(t('rep.titleLabel'), titleInput),
      areas.map(({ s, ta }) => field(s.heading, ta)),
      h('div', { class: 'buttons' },
        editable ? h('button', { type: 'submit', class: 'btn', id: 'rep-save', 'data-testid': 'rep-save' }, t('rep.save')) : null,
        h('button', {
          type: 'button', class: 'btn', id: 'rep-preview-btn', 'data-testid': 'rep-preview-btn',
          onclick: () => {
            replace(previewBox, preview(titleInput.value, sectionsNow()),
              h('p', { class: 'small' }, h('a', { href: `/api/v1/reports/${r.id}/pdf`, download: true, id: 'rep-preview-pdf' },
                r.status === 'draft' ? t('rep.draftPdf') : t('rep.pdf'))));
            previewBox.hidden = !previewBox.hidden;
          },
        }, t('rep.preview')),
        editable ? h('button', {
          type: 'button', class: 'btn primary', id: 'rep-issue', 'data-testid': 'rep-issue',
          onclick: () => { confirmBox.hidden = !confirmBox.hidden; if (!confirmBox.hidden) confirmBox.querySelector('button').focus(); },
        }, t('rep.issue')) : null,
        canManage && r.status === 'issued' ? h('button', {
          type: 'button', class: 'btn', id: 'rep-correct', 'data-testid': 'rep-correct',
          onclick: async () => {
            try { const c = await post('/reports/' + r.id + '/correct', {}); await loadList(); open(c); } catch (err) { if (!err.handled) showError(form, err); }
          },
        }, t('rep.correct')) : null,
        h('a', { class: 'btn', href: `/api/v1/reports/${r.id}/pdf`, download: true, id: 'rep-dl-pdf' }, t('rep.pdf')),
        h('a', { class: 'btn', href: `/api/v1/reports/${r.id}/docx`, download: true, id: 'rep-dl-docx' }, t('rep.docx'))),
      confirmBox,
      previewBox);

    async function save() {
      const body = { title: titleInput.value.trim(), sections: sectionsNow() };
      const saved = await patch('/reports/' + r.id, body);
      dirty = false;
      return saved;
    }
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      try {
        current = await save();
        showOk(form, t('common.saved'));
        await loadList();
      } catch (err) { if (!err.handled) showError(form, err); }
    });
    replace(confirmBox, h('div', { class: 'inline-form', id: 'rep-issue-confirm-box' },
      h('p', null, t('rep.issueConfirm', { kind: reportKindName(r.kind) })),
      h('div', { class: 'buttons' },
        h('button', {
          type: 'button', class: 'btn primary', id: 'rep-issue-confirm', 'data-testid': 'rep-issue-confirm',
          onclick: async (e) => {
            const btn = e.currentTarget;
            clearErrors(form);
            btn.disabled = true;
            btn.textContent = t('rep.issuing');
            try {
              if (dirty) await save();
              const issued = await post('/reports/' + r.id + '/issue', {});
              await loadList();
              open(issued && issued.id ? issued : await get('/reports/' + r.id));
              await page.refreshIncident();
            } catch (err) {
              btn.disabled = false;
              btn.textContent = t('rep.issueDo');
              if (!err.handled) showError(form, err);
            }
          },
        }, t('rep.issueDo')),
        h('button', { type: 'button', class: 'btn', onclick: () => { confirmBox.hidden = true; } }, t('common.cancel')))));
    replace(editor, form);
    form.scrollIntoView({ block: 'nearest' });
  }

  async function loadList() {
    const r = await get(base + '/reports');
    reports = (r && r.reports) || [];
    drawList();
  }
  async function load() {
    try {
      await loadList();
      pageError.hidden = true;
    } catch (err) {
      if (err.handled) return;
      pageError.textContent = errorText(err);
      pageError.hidden = false;
    }
  }

  const inc = page.incident();
  const closed = inc && (inc.status === 'archived' || inc.status === 'withdrawn');
  const el = h('section', { class: 'rr-panel', id: 'reports-panel' },
    h('h2', null, t('rep.title')),
    h('p', { class: 'muted small' }, t('rep.hint')),
    pageError,
    canManage && !closed ? createForm : null,
    list,
    editor);
  return { el, load, refresh: load };
}
