// records.js — the 记录与报告 page of one incident (#/records/{id}?tab=...): tabs for
// 记录在案 (the records: list with photo thumbnails, kind, title, time, place, size and
// SHA-256, download; upload by drag and drop or the file chooser with a progress bar,
// sent with XMLHttpRequest so the progress of a large file shows; a structured 谈话记录
// whose officials are picked by name and whose petitioners come from the incident's
// petitioner list, never by ID number), 综合评价 (evaluation.js), 报告 (reports.js) and
// 归档 (archive.js). The page follows the live stream.

import { t, joinList, getLang } from './i18n.js';
import { get, post, csrf, ApiError } from './api.js';
import { h, clear, replace, field, select, showError, showMessage, clearErrors, showOk, busy, errorText, formatTime } from './dom.js';
import { perms, statusBadge, drillBadge, beijingInputValue, beijingInputToIso, debounce } from './incident-common.js';
import { subscribe } from './stream.js';
import { multiPicker } from './user-picker.js';
import { createEvaluation } from './evaluation.js';
import { createReports } from './reports.js';
import { createArchivePanel } from './archive.js';

export const RECORD_KINDS = ['photo', 'audio', 'video', 'document', 'interview', 'other'];
const TABS = ['records', 'evaluation', 'reports', 'archive'];

// "11.6 KiB", "200 MiB": sizes as people read them.
export function formatSize(n) {
  if (n === null || n === undefined) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v >= 100 || Number.isInteger(v) ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

// A SHA-256 shown short, the whole on hover (and for screen readers).
export function shortHash(sha, testid) {
  if (!sha) return h('span', { class: 'muted' }, t('common.none'));
  return h('code', { class: 'hash', title: sha, 'aria-label': 'SHA-256 ' + sha, 'data-testid': testid || 'sha256', dataset: { sha256: sha } },
    sha.slice(0, 12) + '…');
}

export const kindName = (k) => t('rec.kind.' + k) === 'rec.kind.' + k ? k : t('rec.kind.' + k);

// The kind a file most likely is, from what the browser says of it (the server sniffs
// the content itself; this only pre-selects the choice).
function guessKind(file) {
  const type = (file && file.type) || '';
  if (type.startsWith('image/')) return 'photo';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  if (/pdf|word|document|text|spreadsheet|officedocument/.test(type)) return 'document';
  return 'other';
}

// The cap the server named in its last 413 (bytes), to name it again.
let knownLimit = null;

// POST multipart/form-data with upload progress; resolves to the answer's JSON, rejects
// with an ApiError as api.js does (the same headers: Accept-Language, X-CSRF-Token).
// onStart(xhr) receives the request, so that the caller may abort it.
export function sendForm(path, form, onProgress, onStart) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    if (onStart) onStart(xhr);
    xhr.open('POST', '/api/v1' + path);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', getLang() === 'zh' ? 'zh-CN,zh' : 'en');
    const token = csrf();
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded, e.total); });
    xhr.addEventListener('load', () => {
      let data = null;
      try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (_) { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(data); return; }
      const e = (data && data.error) || {};
      const err = new ApiError(xhr.status, e.code || 'unknown', e.message || '', e.field, xhr.getResponseHeader('Retry-After'));
      err.detail = e;
      reject(err);
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'upload interrupted', null, null)));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'upload cancelled', null, null)));
    xhr.send(form);
  });
}

// The words for a failed upload: a 413 names the size limit.
function uploadErrorText(err, file) {
  if (err.status === 413) {
    const m = /(\d{4,})/.exec(err.message || '');
    if (m) knownLimit = Number(m[1]);
    return knownLimit ? t('rec.tooLarge', { limit: formatSize(knownLimit), size: formatSize(file.size) })
      : t('rec.tooLargeNoLimit', { size: formatSize(file.size) });
  }
  if (err.code === 'aborted') return t('rec.aborted');
  if (err.status === 0 && err.code === 'network') {
    // The server closes the connection on a body far over its cap before reading it.
    if (knownLimit && file.size > knownLimit) return t('rec.tooLarge', { limit: formatSize(knownLimit), size: formatSize(file.size) });
    return t('rec.interrupted');
  }
  return errorText(err);
}

// The 记录与报告 page of one incident.
export async function renderIncidentRecords(section, ctx, id, query) {
  if (!perms.read(ctx)) {
    section.append(h('h1', null, t('nav.records')), h('p', { class: 'notice' }, t('inc.noRead')));
    return null;
  }
  const tab = TABS.includes(query.get('tab')) ? query.get('tab') : 'records';
  const head = h('div', { class: 'page-head', id: 'rr-head' });
  const body = h('div', { id: 'rr-body' });
  section.append(
    h('p', { class: 'crumbs' },
      h('a', { href: '#/records', id: 'rr-back-list' }, t('rr.backList')), ' · ',
      h('a', { href: '#/incidents/' + encodeURIComponent(id), id: 'rr-back-incident' }, t('rr.backIncident'))),
    head,
    h('nav', { class: 'tabs', id: 'rr-tabs' }, TABS.map((name) => h('a', {
      href: `#/records/${encodeURIComponent(id)}?tab=${name}`, id: 'rr-tab-' + name, 'data-testid': 'rr-tab-' + name,
      'aria-current': name === tab ? 'page' : undefined,
    }, t('rr.tab.' + name)))),
    body);

  let incident;
  try {
    incident = await get('/incidents/' + encodeURIComponent(id));
  } catch (err) {
    if (err.handled) return null;
    body.append(h('p', { class: 'form-error', role: 'alert', id: 'rr-error' }, err.status === 404 ? t('inc.notFound') : errorText(err)));
    return null;
  }
  const drawHead = (inc) => replace(head,
    h('h1', { id: 'rr-title' }, t('rr.title', { n: inc.number || '#' + inc.id })),
    drillBadge(inc), statusBadge(inc.status),
    inc.place ? h('span', { class: 'muted' }, inc.place) : null);
  drawHead(incident);
  // A panel that changes the incident's state (issuing, completing) asks for it again.
  const ctxPage = {
    incident: () => incident,
    async refreshIncident() {
      try { incident = await get('/incidents/' + encodeURIComponent(id)); drawHead(incident); } catch (err) { if (err.handled) throw err; }
      return incident;
    },
  };
  let panel;
  if (tab === 'records') panel = createRecordsPanel(ctx, id, ctxPage);
  else if (tab === 'evaluation') panel = createEvaluation(ctx, id, ctxPage);
  else if (tab === 'reports') panel = createReports(ctx, id, ctxPage);
  else panel = createArchivePanel(ctx, id, ctxPage);
  body.append(panel.el);
  await panel.load();
  // Live: what others add or issue shows without reloading (the evaluation form keeps
  // what is being typed, so it is only redrawn by its own saves).
  const later = debounce(async () => {
    if (!section.isConnected) return;
    try {
      await ctxPage.refreshIncident();
      if (panel.refresh) await panel.refresh();
    } catch (_) { /* signed out: the app has gone to the login page */ }
  }, 300);
  const unsubscribe = subscribe((msg) => {
    if (msg.resync || String(msg.incident_id) === String(id)) later();
  }, () => {});
  return () => { later.cancel(); unsubscribe(); };
}

// 记录在案: the record list, the upload form and the 谈话记录 form.
export function createRecordsPanel(ctx, id, page) {
  const base = '/incidents/' + encodeURIComponent(id);
  const canAdd = perms.task(ctx);
  const list = h('div', { id: 'rec-list', class: 'rec-list' });
  const listError = h('div', { class: 'form-error', role: 'alert', id: 'rec-list-error', hidden: true });
  let persons = [];

  // ---- upload ----
  let file = null;
  const fileInput = h('input', { type: 'file', id: 'rec-file', name: 'file', class: 'rec-file-input' });
  const chosen = h('span', { class: 'rec-chosen', id: 'rec-chosen' }, t('rec.noFile'));
  const drop = h('label', { for: 'rec-file', class: 'rec-drop', id: 'rec-drop', 'data-testid': 'rec-drop', 'data-field': 'file' },
    h('span', { class: 'rec-drop-main' }, t('rec.drop')),
    h('span', { class: 'rec-drop-or muted small' }, t('rec.dropOr')),
    chosen);
  const kind = select({ id: 'rec-kind', name: 'kind' }, RECORD_KINDS.map((k) => ({ value: k, label: kindName(k) })), 'photo');
  const title = h('input', { id: 'rec-title', name: 'title', type: 'text', maxlength: '200' });
  const captured = h('input', { id: 'rec-captured', name: 'captured_at', type: 'datetime-local' });
  const place = h('input', { id: 'rec-place', name: 'place', type: 'text', maxlength: '200' });
  const note = h('textarea', { id: 'rec-note', name: 'note', rows: '2', maxlength: '4000' });
  const progress = h('progress', { id: 'rec-progress', max: '100', value: '0' });
  const progressText = h('span', { id: 'rec-progress-text', class: 'small' });
  const progressBox = h('div', { class: 'rec-progress', id: 'rec-progress-box', hidden: true, 'aria-live': 'polite' }, progress, progressText);
  let pending = null;
  const cancelBtn = h('button', { type: 'button', class: 'btn', id: 'rec-cancel', hidden: true, onclick: () => { if (pending) pending.abort(); } }, t('common.cancel'));

  let autoTitle = ''; // the title taken from the file name, replaced with the next file
  function chooseFile(f) {
    file = f || null;
    chosen.textContent = file ? `${file.name}（${formatSize(file.size)}）` : t('rec.noFile');
    const typed = title.value.trim() && title.value !== autoTitle;
    autoTitle = file ? file.name.replace(/\.[^.]+$/, '').slice(0, 200) : '';
    if (!typed) title.value = autoTitle;
    if (file) kind.value = guessKind(file);
    drop.classList.toggle('has-file', Boolean(file));
  }
  fileInput.addEventListener('change', () => chooseFile(fileInput.files && fileInput.files[0]));
  for (const ev of ['dragenter', 'dragover']) {
    drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('dragging'); });
  }
  for (const ev of ['dragleave', 'drop']) drop.addEventListener(ev, () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) chooseFile(f);
  });

  const uploadForm = h('form', { class: 'card rec-upload', id: 'rec-upload-form', novalidate: true },
    h('h2', null, t('rec.uploadTitle')),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    fileInput, drop,
    h('div', { class: 'row' }, field(t('rec.kind'), kind), field(t('rec.titleLabel'), title),
      field(t('rec.captured') + ' ' + t('common.optional'), captured, t('common.beijing'))),
    h('div', { class: 'row' }, field(t('rec.place') + ' ' + t('common.optional'), place)),
    field(t('rec.note') + ' ' + t('common.optional'), note),
    progressBox,
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'btn primary', id: 'rec-submit', 'data-testid': 'rec-submit' }, t('rec.upload')),
      cancelBtn));
  uploadForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(uploadForm);
    if (!file) { showMessage(uploadForm, t('rec.needFile'), 'file'); return; }
    const fd = new FormData();
    fd.append('kind', kind.value);
    if (title.value.trim()) fd.append('title', title.value.trim());
    if (captured.value) fd.append('captured_at', beijingInputToIso(captured.value));
    if (place.value.trim()) fd.append('place', place.value.trim());
    if (note.value.trim()) fd.append('note', note.value.trim());
    fd.append('file', file, file.name);
    const done = busy(uploadForm, t('rec.uploading'));
    progress.value = 0;
    progressText.textContent = '0%';
    progressBox.hidden = false;
    cancelBtn.hidden = false;
    const sending = sendForm(base + '/records', fd, (loaded, total) => {
      const pct = total ? Math.floor((100 * loaded) / total) : 0;
      progress.value = pct;
      progressText.textContent = t('rec.progress', { pct, done: formatSize(loaded), total: formatSize(total) });
    }, (xhr) => { pending = xhr; });
    try {
      const rec = await sending;
      done();
      progressBox.hidden = true;
      cancelBtn.hidden = true;
      chooseFile(null);
      fileInput.value = '';
      title.value = ''; captured.value = ''; place.value = ''; note.value = '';
      showOk(uploadForm, t('rec.uploaded', { title: rec.title || '', sha: (rec.sha256 || '').slice(0, 12) }));
      await load();
    } catch (err) {
      done();
      progressBox.hidden = true;
      cancelBtn.hidden = true;
      showMessage(uploadForm, uploadErrorText(err, file), err.status === 400 ? err.field : 'file');
    } finally { pending = null; }
  });
  // ---- 谈话记录 ----
  const ivHeld = h('input', { id: 'iv-held', name: 'held_at', type: 'datetime-local' });
  const ivPlace = h('input', { id: 'iv-place', name: 'place', type: 'text', maxlength: '200' });
  const ivTitle = h('input', { id: 'iv-title', name: 'title', type: 'text', maxlength: '200' });
  const officials = multiPicker({ id: 'iv-officials', label: t('iv.official'), addLabel: t('iv.addOfficial'), chosenLabel: t('iv.officialsChosen') });
  const petFilter = h('input', { id: 'iv-pet-filter', type: 'search', placeholder: t('iv.petFilter'), 'aria-label': t('iv.petFilter') });
  const petList = h('div', { class: 'iv-petitioners', id: 'iv-petitioners', 'data-field': 'petitioners', role: 'group', 'aria-label': t('iv.petitioners') });
  const ivDemands = h('textarea', { id: 'iv-demands', name: 'demands', rows: '3', maxlength: '10000' });
  const ivExplained = h('textarea', { id: 'iv-explained', name: 'explained', rows: '2', maxlength: '10000' });
  const ivAgreed = h('textarea', { id: 'iv-agreed', name: 'agreed', rows: '2', maxlength: '10000' });
  const ivNote = h('textarea', { id: 'iv-note', name: 'note', rows: '2', maxlength: '4000' });
  petFilter.addEventListener('input', () => {
    const q = petFilter.value.trim();
    for (const label of petList.querySelectorAll('label')) label.hidden = Boolean(q) && !label.textContent.includes(q);
  });
  function drawPetitioners() {
    const keep = new Set([...petList.querySelectorAll('input:checked')].map((x) => x.value));
    clear(petList);
    if (!persons.length) { petList.append(h('p', { class: 'muted small' }, t('iv.noPetitioners'))); return; }
    for (const p of persons) {
      const box = h('input', { type: 'checkbox', value: String(p.id), id: 'iv-pet-' + p.id, checked: keep.has(String(p.id)) });
      petList.append(h('label', { class: 'check', for: 'iv-pet-' + p.id, 'data-testid': 'iv-petitioner' }, box,
        p.name, p.role === 'representative' ? h('span', { class: 'muted small' }, t('iv.rep')) : null));
    }
  }
  const ivForm = h('form', { class: 'card iv-form', id: 'iv-form', novalidate: true, hidden: true },
    h('h2', null, t('iv.title')),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('p', { class: 'muted small' }, t('iv.hint')),
    h('div', { class: 'row' }, field(t('iv.held'), ivHeld, t('common.beijing')), field(t('iv.place') + ' ' + t('common.optional'), ivPlace),
      field(t('iv.titleLabel') + ' ' + t('common.optional'), ivTitle)),
    h('fieldset', { class: 'iv-set', 'data-field': 'officials' }, h('legend', null, t('iv.officials')), officials.el),
    h('fieldset', { class: 'iv-set' }, h('legend', null, t('iv.petitioners')), petFilter, petList),
    field(t('iv.demands'), ivDemands, t('iv.demandsHint')),
    field(t('iv.explained') + ' ' + t('common.optional'), ivExplained),
    field(t('iv.agreed') + ' ' + t('common.optional'), ivAgreed),
    field(t('iv.note') + ' ' + t('common.optional'), ivNote),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'btn primary', id: 'iv-submit', 'data-testid': 'iv-submit' }, t('iv.submit')),
      h('button', { type: 'button', class: 'btn', onclick: () => { ivForm.hidden = true; ivToggle.setAttribute('aria-expanded', 'false'); } }, t('common.cancel'))));
  const ivToggle = h('button', {
    type: 'button', class: 'btn', id: 'iv-toggle', 'data-testid': 'iv-toggle', 'aria-expanded': 'false', 'aria-controls': 'iv-form',
    onclick: () => {
      ivForm.hidden = !ivForm.hidden;
      ivToggle.setAttribute('aria-expanded', ivForm.hidden ? 'false' : 'true');
      if (!ivForm.hidden) {
        if (!ivHeld.value) ivHeld.value = beijingInputValue(Date.now());
        if (!officials.values().length && ctx.state.user) officials.add({ id: ctx.state.user.id, name: ctx.state.user.name || ctx.state.user.username });
        ivHeld.focus();
      }
    },
  }, t('iv.open'));
  ivForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(ivForm);
    const pets = [...petList.querySelectorAll('input:checked')].map((x) => Number(x.value));
    const offs = officials.values().map((p) => p.id);
    if (!ivHeld.value) { showMessage(ivForm, t('iv.needHeld'), 'held_at'); return; }
    if (!offs.length) { showMessage(ivForm, t('iv.needOfficial'), 'officials'); return; }
    if (!pets.length) { showMessage(ivForm, t('iv.needPetitioner'), 'petitioners'); return; }
    if (!ivDemands.value.trim()) { showMessage(ivForm, t('iv.needDemands'), 'demands'); return; }
    const body = { held_at: beijingInputToIso(ivHeld.value), officials: offs, petitioners: pets, demands: ivDemands.value.trim() };
    for (const [key, el] of [['place', ivPlace], ['title', ivTitle], ['explained', ivExplained], ['agreed', ivAgreed], ['note', ivNote]]) {
      if (el.value.trim()) body[key] = el.value.trim();
    }
    const done = busy(ivForm, t('common.busy'));
    try {
      await post(base + '/interviews', body);
      done();
      for (const el of [ivPlace, ivTitle, ivDemands, ivExplained, ivAgreed, ivNote]) el.value = '';
      for (const box of petList.querySelectorAll('input:checked')) box.checked = false;
      officials.clear();
      ivForm.hidden = true;
      ivToggle.setAttribute('aria-expanded', 'false');
      await load();
    } catch (err) {
      done();
      if (!err.handled) showError(ivForm, err);
    }
  });

  // ---- the list ----
  function interviewDetails(r) {
    const iv = r.interview;
    if (!iv) return null;
    const names = (xs) => joinList((xs || []).map((x) => x.name || '#' + x.id));
    return h('details', { class: 'iv-details', 'data-testid': 'iv-details' },
      h('summary', null, t('iv.show')),
      h('dl', { class: 'facts' },
        h('dt', null, t('iv.officials')), h('dd', null, names(iv.officials)),
        h('dt', null, t('iv.petitioners')), h('dd', null, names(iv.petitioners)),
        h('dt', null, t('iv.demands')), h('dd', { class: 'pre' }, iv.demands || ''),
        iv.explained ? [h('dt', null, t('iv.explained')), h('dd', { class: 'pre' }, iv.explained)] : null,
        iv.agreed ? [h('dt', null, t('iv.agreed')), h('dd', { class: 'pre' }, iv.agreed)] : null));
  }
  function recordRow(r) {
    const thumb = r.has_thumbnail
      ? h('img', { class: 'rec-thumb', src: `/api/v1/records/${r.id}/thumbnail`, alt: t('rec.thumbAlt', { title: r.title || '' }), loading: 'lazy', 'data-testid': 'rec-thumb' })
      : h('span', { class: 'rec-thumb rec-icon kind-' + r.kind, 'aria-hidden': 'true' }, kindName(r.kind));
    return h('li', { class: 'rec-item', 'data-testid': 'record', dataset: { recordId: r.id, kind: r.kind } },
      thumb,
      h('div', { class: 'rec-main' },
        h('div', { class: 'rec-line' },
          h('span', { class: 'badge rec-kind' }, kindName(r.kind)),
          h('strong', { class: 'rec-title' }, r.title || r.filename || '#' + r.id)),
        h('div', { class: 'rec-meta small muted' },
          h('span', null, t('rec.when'), formatTime(r.captured_at || r.added_at)),
          r.place ? h('span', null, t('rec.where'), r.place) : null,
          r.size !== null && r.size !== undefined ? h('span', { 'data-testid': 'rec-size' }, formatSize(r.size)) : null,
          r.mime ? h('span', null, r.mime) : null,
          h('span', null, t('rec.by', { name: r.added_by_name || '', at: formatTime(r.added_at) }))),
        r.note ? h('div', { class: 'small pre' }, r.note) : null,
        interviewDetails(r)),
      h('div', { class: 'rec-side' },
        r.sha256 ? shortHash(r.sha256) : null,
        r.sha256 ? h('a', { class: 'btn small', href: `/api/v1/records/${r.id}/file`, download: true, 'data-testid': 'rec-download' }, t('rec.download')) : null));
  }
  async function load() {
    try {
      const [r, p] = await Promise.all([
        get(base + '/records'),
        // The petitioners to pick in the 谈话记录 form, for those who may write one.
        canAdd ? get(base + '/persons').catch((e) => { if (e.handled) throw e; return null; }) : null,
      ]);
      const records = (r && r.records) || [];
      persons = ((p && p.persons) || []).map((x) => ({ id: x.person ? x.person.id : x.id, name: x.person ? x.person.name : x.name, role: x.role }))
        .filter((x) => x.id);
      drawPetitioners();
      listError.hidden = true;
      replace(list, records.length
        ? h('ul', { class: 'rec-items' }, records.slice().reverse().map(recordRow))
        : h('p', { class: 'muted', id: 'rec-empty' }, t('rec.empty')));
      const inc = page.incident();
      const closed = inc && (inc.status === 'archived' || inc.status === 'withdrawn');
      uploadForm.hidden = !canAdd || closed;
      ivToggle.hidden = !canAdd || closed;
      if (closed) ivForm.hidden = true;
    } catch (err) {
      if (err.handled) return;
      listError.textContent = errorText(err);
      listError.hidden = false;
    }
  }
  const el = h('section', { class: 'rr-panel', id: 'records-panel' },
    h('div', { class: 'page-head' }, h('h2', null, t('rec.title')), h('span', { class: 'spacer' }), ivToggle),
    h('p', { class: 'muted small' }, t('rec.hint')),
    ivForm,
    canAdd ? uploadForm : null,
    listError,
    list);
  return { el, load, refresh: load };
}
