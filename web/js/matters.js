// matters.js — the 诉求 area: the list of matters with the due/overdue filter and the
// remaining days of each running clock (《信访工作条例》 Art. 22-23, 34-36), a form that
// registers a matter on its own (a letter, a visit, a call, online: POST /matters), and
// the page of one matter: its stage, its clocks, and its written notices (受理告知书 …
// 复核意见书): draft, edit, issue (numbered and locked; a 受理告知书 shows the petitioner's
// query code once), download PDF/DOCX, record the delivery. Chinese first; built with
// dom.js's h(), never innerHTML.

import { t } from './i18n.js';
import { h, replace, field, select, showError, showMessage, clearErrors, busy, formatTime } from './dom.js';
import { get, post, patch } from './api.js';

// The ids the API uses; their words are i18n.js's mtr.* strings.
const STAGES = ['received', 'accepted', 'not_accepted', 'handling', 'answered', 'review_requested', 'reviewed', 're_review_requested', 're_reviewed', 'concluded'];
const CLOCKS = ['acceptance', 'conclusion', 'review_request', 'review', 're_review_request', 're_review'];
const KINDS = ['acceptance', 'non_acceptance', 'extension', 'answer', 'review', 're_review'];
// The fields of the notices' kinds, as the API takes them.
const FIELDS = ['petitioner', 'received', 'summary', 'handling_unit', 'time_limit', 'note', 'reason', 'advice', 'original_due', 'days', 'new_due', 'findings', 'basis', 'decision', 'review_to', 'reviewed', 'request', 're_review_to'];
const LONG = new Set(['summary', 'findings', 'basis', 'note', 'advice', 'reason', 'time_limit', 'request']);
const CHANNELS = ['letter', 'visit', 'phone', 'online'];
const CATEGORIES = ['suggestion', 'accusation', 'appeal'];
const DELIVERY = ['in_person', 'post', 'sms'];

const kindName = (k) => (KINDS.includes(k) ? t('mtr.kind.' + k) : k);
const stageName = (s) => (STAGES.includes(s) ? t('mtr.stage.' + s) : s);
const clockName = (c) => (CLOCKS.includes(c) ? t('mtr.clock.' + c) : c);
const canWrite = (ctx) => ctx.hasRole('petition_office');

function remaining(c) {
  if (!c.running) return c.stopped_at ? t('mtr.stopped', { at: formatTime(c.stopped_at) }) : '';
  if (c.overdue) return t('mtr.overdueDays', { n: -c.remaining_days });
  return t('mtr.daysLeft', { n: c.remaining_days });
}

function clockLine(c) {
  return h('span', { class: c.overdue ? 'clock overdue' : 'clock', dataset: { clock: c.clock } },
    `${clockName(c.clock)}：${formatTime(c.due).slice(0, 10)}（${remaining(c)}）`);
}

// ---- the list ----

export async function renderMatterList(section, ctx, query) {
  const due = query.get('due') || '';
  const filter = select({ id: 'mat-due', 'aria-label': t('mtr.s1') }, [
    { value: '', label: t('mtr.s2') },
    { value: 'soon', label: t('mtr.s3') },
    { value: 'overdue', label: t('mtr.s4') },
  ], due);
  filter.addEventListener('change', () => { location.hash = filter.value ? `#/matters?due=${filter.value}` : '#/matters'; });
  const body = h('div', { id: 'mat-list' });
  replace(section,
    h('div', { class: 'page-head' },
      h('h1', null, t('mtr.s5')),
      filter,
      canWrite(ctx) ? h('a', { class: 'btn primary', href: '#/matters/new', id: 'mat-new' }, t('mtr.s6')) : null),
    h('p', { class: 'muted small' }, t('mtr.civilCode')),
    body);
  let list;
  try {
    list = (await get(due ? `/matters?due=${due}` : '/matters?all=1')).matters || [];
  } catch (e) {
    replace(body, h('p', { class: 'error' }, e.message));
    return null;
  }
  if (!list.length) {
    replace(body, h('p', { class: 'muted', id: 'mat-none' }, t('mtr.s7')));
    return null;
  }
  replace(body, h('table', { class: 'table', id: 'mat-table' },
    h('thead', null, h('tr', null, [t('mtr.s8'), t('mtr.s9'), t('mtr.s10'),
      t('mtr.s11'), t('mtr.s12')].map((x) => h('th', null, x)))),
    h('tbody', null, list.map((m) => h('tr', { dataset: { id: m.id } },
      h('td', null, h('a', { href: `#/matters/${m.id}` }, `#${m.id}`)),
      h('td', null, (m.person && m.person.name) || ((m.persons || [])[0] || {}).name || ''),
      h('td', null, t('cat.' + m.category)),
      h('td', null, stageName(m.stage)),
      h('td', null, (m.clocks || []).filter((c) => c.running).map(clockLine)))))));
  return null;
}

// ---- registering a matter on its own ----

export async function renderMatterNew(section, ctx) {
  const [persons, units] = await Promise.all([get('/persons').catch(() => ({ persons: [] })),
    get('/units').catch(() => ({ units: [] }))]);
  const person = select({ id: 'mat-person', name: 'person_id' },
    (persons.persons || []).map((p) => ({ value: p.id, label: p.name })));
  const category = select({ id: 'mat-category', name: 'category' }, CATEGORIES.map((c) => ({ value: c, label: t('cat.' + c) })), 'appeal');
  const channel = select({ id: 'mat-channel', name: 'channel' }, CHANNELS.map((v) => ({ value: v, label: t('mtr.channel.' + v) })), 'letter');
  const unitOptions = [{ value: '', label: t('mtr.s13') }, ...(units.units || []).map((u) => ({ value: u.id, label: u.name }))];
  const unit = select({ id: 'mat-unit', name: 'unit_id' }, unitOptions, '');
  const accused = select({ id: 'mat-accused', name: 'accused_unit_id' }, unitOptions, '');
  const content = h('textarea', { id: 'mat-content', name: 'content', rows: 4, required: true });
  const received = h('input', { id: 'mat-received', name: 'received_at', type: 'date' });
  const form = h('form', { id: 'mat-form', class: 'form', onsubmit: async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!person.value) { showMessage(form, t('mtr.s14'), 'person_id'); return; }
    const body = { person_id: Number(person.value), category: category.value, channel: channel.value,
      content: content.value };
    if (received.value) body.received_at = new Date(`${received.value}T09:00:00+08:00`).toISOString();
    if (unit.value) body.unit_id = Number(unit.value);
    if (category.value === 'accusation' && accused.value) body.accused_unit_id = Number(accused.value);
    const done = busy(form);
    try {
      const m = await post('/matters', body);
      location.hash = `#/matters/${m.id}`;
    } catch (err) {
      done();
      if (!err.handled) showError(form, err);
    }
  } },
  field(t('mtr.s9'), person),
  field(t('mtr.s10'), category),
  field(t('mtr.s15'), channel),
  field(t('mtr.s16'), received, t('mtr.s17')),
  field(t('mtr.s18'), unit),
  field(t('mtr.s19'), accused,
    t('mtr.s20')),
  field(t('mtr.s21'), content),
  h('button', { type: 'submit', class: 'btn primary', id: 'mat-submit' }, t('mtr.s22')));
  replace(section, h('h1', null, t('mtr.s6')),
    h('p', { class: 'muted small' }, t('mtr.art22')), form);
  return null;
}

// ---- one matter ----

function noticeEditor(ctx, n, reload) {
  const inputs = {};
  const rows = Object.entries(n.fields || {}).map(([key, value]) => {
    const id = `ntc-${n.id}-${key}`;
    const input = LONG.has(key) ? h('textarea', { id, name: key, rows: 2, value })
      : h('input', { id, name: key, value });
    inputs[key] = input;
    return field(FIELDS.includes(key) ? t('mtr.field.' + key) : key, input);
  });
  const form = h('form', { class: 'form notice-edit', dataset: { notice: n.id }, onsubmit: async (e) => {
    e.preventDefault();
    const body = {};
    for (const [k, el] of Object.entries(inputs)) body[k] = el.value;
    const done = busy(form);
    try { await patch(`/notices/${n.id}`, body); await reload(); } catch (err) { done(); if (!err.handled) showError(form, err); }
  } }, rows, h('button', { type: 'submit', class: 'btn' }, t('mtr.s23')));
  return form;
}

function deliveryForm(n, reload) {
  const method = select({ name: 'method', id: `dlv-${n.id}-method` }, DELIVERY.map((v) => ({ value: v, label: t('mtr.delivery.' + v) })));
  const date = h('input', { type: 'date', name: 'date', id: `dlv-${n.id}-date`, required: true,
    value: new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10) });
  const ref = h('input', { name: 'reference', id: `dlv-${n.id}-ref`, placeholder: t('mtr.s24') });
  const form = h('form', { class: 'form inline delivery', dataset: { notice: n.id }, onsubmit: async (e) => {
    e.preventDefault();
    const body = { method: method.value, date: date.value };
    if (ref.value) body.reference = ref.value;
    const done = busy(form);
    try { await post(`/notices/${n.id}/delivery`, body); await reload(); } catch (err) { done(); if (!err.handled) showError(form, err); }
  } }, field(t('mtr.s25'), method), field(t('mtr.s26'), date),
  field(t('mtr.s24'), ref), h('button', { type: 'submit', class: 'btn' }, t('mtr.s27')));
  return form;
}

function noticeCard(ctx, n, reload, showCode) {
  const issued = n.status === 'issued';
  const head = h('h3', null, kindName(n.kind), ' ', issued ? n.number : h('span', { class: 'badge' }, t('mtr.s28')));
  const links = h('p', { class: 'actions' },
    h('a', { class: 'btn small', href: `/api/v1/notices/${n.id}/pdf`, download: true, 'data-testid': 'ntc-pdf' }, 'PDF'),
    h('a', { class: 'btn small', href: `/api/v1/notices/${n.id}/docx`, download: true, 'data-testid': 'ntc-docx' }, 'DOCX'));
  const parts = [head, links];
  if (issued) {
    parts.push(h('p', { class: 'muted small' }, t('mtr.issuedBy', { at: formatTime(n.issued_at), who: n.issued_by_name || '' })));
    if (showCode) {
      parts.push(h('p', { class: 'notice', id: 'ntc-code' }, t('mtr.s29'),
        h('strong', { 'data-testid': 'query-code' }, showCode)));
    }
    if (n.delivery) {
      parts.push(h('p', { class: 'small', 'data-testid': 'ntc-delivered' }, t('mtr.s30'),
        DELIVERY.includes(n.delivery.method) ? t('mtr.delivery.' + n.delivery.method) : n.delivery.method, ' ', n.delivery.date, n.delivery.reference ? ` ${n.delivery.reference}` : ''));
    } else if (canWrite(ctx)) {
      parts.push(deliveryForm(n, reload));
    }
  } else if (canWrite(ctx)) {
    const issueForm = h('form', { class: 'form inline', onsubmit: async (e) => {
      e.preventDefault();
      if (!window.confirm(t('mtr.s31'))) return;
      const done = busy(issueForm);
      try {
        const r = await post(`/notices/${n.id}/issue`, {});
        await reload(r.query_code ? { id: r.id, code: r.query_code } : null);
      } catch (err) { done(); if (!err.handled) showError(issueForm, err); }
    } }, h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'ntc-issue' }, t('mtr.s32')));
    parts.push(noticeEditor(ctx, n, reload), issueForm);
  }
  return h('article', { class: 'card notice', dataset: { notice: n.id, kind: n.kind, status: n.status } }, parts);
}

export async function renderMatter(section, ctx, id) {
  let code = null;
  async function reload(shown) {
    if (shown) code = shown;
    let m;
    let notices;
    try {
      [m, notices] = await Promise.all([get(`/matters/${id}`), get(`/matters/${id}/notices`)]);
    } catch (e) {
      replace(section, h('p', { class: 'error' }, e.message));
      return;
    }
    const kind = select({ id: 'ntc-kind', name: 'kind' }, KINDS.map((v) => ({ value: v, label: t('mtr.kind.' + v) })));
    const create = h('form', { class: 'form inline', id: 'ntc-create', onsubmit: async (e) => {
      e.preventDefault();
      const done = busy(create);
      try { await post(`/matters/${id}/notices`, { kind: kind.value }); await reload(); } catch (err) { done(); if (!err.handled) showError(create, err); }
    } }, field(t('mtr.s33'), kind), h('button', { type: 'submit', class: 'btn', id: 'ntc-draft' }, t('mtr.s34')));
    const clocks = m.clocks || [];
    replace(section,
      h('p', null, h('a', { href: '#/matters' }, t('mtr.s35'))),
      h('h1', null, t('mtr.matterTitle', { id: m.id }), ' ', h('span', { class: 'badge', id: 'mat-stage' }, stageName(m.stage))),
      h('dl', { class: 'facts' },
        h('dt', null, t('mtr.s36')), h('dd', null, (m.persons || []).map((p) => p.name).join('、')),
        h('dt', null, t('mtr.s10')), h('dd', null, t('cat.' + m.category)),
        h('dt', null, t('mtr.s37')), h('dd', null, formatTime(m.received_at)),
        h('dt', null, t('mtr.s38')), h('dd', null, m.content || '')),
      h('h2', null, t('mtr.s39')),
      clocks.length ? h('table', { class: 'table', id: 'mat-clocks' },
        h('thead', null, h('tr', null, [t('mtr.s40'), t('mtr.s41'), t('mtr.s42'), t('mtr.s43')].map((x) => h('th', null, x)))),
        h('tbody', null, clocks.map((c) => h('tr', { class: c.overdue ? 'overdue' : null, dataset: { clock: c.clock } },
          h('td', null, clockName(c.clock)), h('td', null, c.article ? t('mtr.article', { a: c.article }) : ''),
          h('td', null, formatTime(c.due).slice(0, 10)), h('td', null, remaining(c))))))
        : h('p', { class: 'muted' }, t('mtr.s44')),
      h('h2', null, t('mtr.s45')),
      canWrite(ctx) ? create : null,
      h('div', { id: 'ntc-list' }, notices.notices.length
        ? notices.notices.map((n) => noticeCard(ctx, n, reload, code && code.id === n.id ? code.code : null))
        : h('p', { class: 'muted' }, t('mtr.s46'))));
  }
  await reload();
  return null;
}
