// assessment.js — the 考核 area (#/assessment?period=&unit_id=): the score of a unit and
// of each unit below it for a month, quarter or year, every line traced to the incident,
// matter, task, screening report or finding that caused it, the "三无" items and the
// 一票否决; printing (CSS @media print shows the tables alone) and the CSV export; and
// the 责任追究 findings: the list (the server gives each user what they may see), the
// form for the petition office and leaders, and the statement of the person concerned.

import { t, getLang } from './i18n.js';
import { get, post } from './api.js';
import { h, replace, select, field, showError, busy } from './dom.js';
import { userPicker } from './user-picker.js';

const beijingMonth = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
const beijingToday = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const BASES = ['overdue_tasks', 'evaluation', 'retaliation_complaint', 'missed_report', 'other'];

const zh = () => getLang() === 'zh';
const named = (o, key) => (!zh() && o[`${key}_en`]) || o[key];

// A line's source as a link where the UI has a page for it.
function sourceCell(src) {
  const label = src.number || src.title || `${t('as.src.' + src.type)} ${src.id}`;
  if (src.type === 'incident') return h('a', { href: `#/incidents/${src.id}` }, label);
  if (src.type === 'matter') return h('a', { href: `#/matters/${src.id}` }, `${t('as.src.matter')} ${src.id}${src.number ? ` (${src.number})` : ''}`);
  if (src.type === 'task' && src.number) return h('span', null, `${src.number} · ${src.title || ''}`);
  return h('span', null, label);
}

function unitBlock(u) {
  const points = (p) => (p > 0 ? `+${p}` : String(p));
  const items = u.three_no.items.map((i) => h('li', { class: i.held ? 'as-held' : 'as-broken', 'data-testid': 'three-no-item' },
    `${named(i, 'text')}：${i.held ? t('as.held') : t('as.broken', { n: i.breaks })}`));
  const vetoes = u.vetoes.filter((v) => v.fired).map((v) => h('li', null, named(v, 'text')));
  return h('article', { class: 'as-unit', 'data-testid': 'as-unit', dataset: { unit: u.unit_id } },
    h('h2', null, u.name, ' ', h('span', { class: 'as-score', 'data-testid': 'as-score' }, t('as.score', { n: u.score })),
      u.veto ? h('span', { class: 'badge danger as-veto', 'data-testid': 'as-veto' }, t('as.veto')) : null),
    h('p', { class: 'muted small' }, t('as.base', { n: u.base })),
    h('div', { class: 'as-three' }, h('strong', null, u.three_no.held ? t('as.threeHeld') : t('as.threeBroken')),
      h('ul', null, items)),
    vetoes.length ? h('ul', { class: 'as-vetoes' }, vetoes) : null,
    h('table', { class: 'table as-lines', 'data-testid': 'as-lines' },
      h('thead', null, h('tr', null, [t('as.col.item'), t('as.col.points'), t('as.col.source'), t('as.col.date')]
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, u.lines.length
        ? u.lines.map((l) => h('tr', null, h('td', null, named(l, 'name')), h('td', { class: 'num' }, points(l.points)),
          h('td', null, sourceCell(l.source)), h('td', null, l.date)))
        : h('tr', null, h('td', { colspan: 4, class: 'muted' }, t('as.noLines'))))));
}

function findingItem(f, ctx, decisions, reload) {
  const decision = decisions.find((d) => d.id === f.decision);
  const who = [f.unit_name, f.user_name].filter(Boolean).join(' · ');
  const mine = f.user_id && f.user_id === ctx.state.user.id;
  let form = null;
  if (mine) {
    const text = h('textarea', { id: `stmt-${f.id}`, name: 'text', rows: 3, required: true });
    form = h('form', { class: 'as-statement', 'data-testid': 'as-statement-form', onsubmit: async (e) => {
      e.preventDefault();
      const done = busy(form);
      try { await post(`/accountability/${f.id}/statement`, { text: text.value }); await reload(); }
      catch (err) { done(); showError(form, err); }
    } }, h('p', { class: 'form-error', role: 'alert', hidden: true }),
    field(t('as.statement'), text), h('button', { type: 'submit', class: 'btn' }, t('as.addStatement')));
  }
  return h('li', { class: 'as-finding', 'data-testid': 'as-finding' },
    h('div', null, h('strong', null, who), ' — ', decision ? named(decision, 'name') : f.decision,
      ' · ', t('as.basis.' + f.basis), ' · ', f.decided_by, ' · ', f.decided_at),
    f.text ? h('p', null, f.text) : null,
    f.links.length ? h('p', { class: 'small' }, f.links.map((l) => (l.kind === 'incident'
      ? h('a', { href: `#/incidents/${l.id}`, class: 'as-link' }, l.number || l.id)
      : h('span', { class: 'as-link' }, `${t('as.src.' + l.kind)} ${l.id}`)))) : null,
    f.statements.length ? h('ul', { class: 'as-statements' }, f.statements.map((s) => h('li', null,
      h('span', { class: 'muted small' }, `${s.author || ''} ${s.at ? s.at.slice(0, 10) : ''}：`), s.text))) : null,
    form);
}

function findingForm(ctx, units, decisions, reload) {
  const unitSel = select({ id: 'af-unit', name: 'unit_id' }, [{ value: '', label: t('as.noUnit') },
    ...units.map((u) => ({ value: u.id, label: u.name }))]);
  const person = userPicker({ id: 'af-user', name: 'user_id', label: t('as.person'), none: t('as.noPerson') });
  const basis = select({ id: 'af-basis', name: 'basis' }, BASES.map((b) => ({ value: b, label: t('as.basis.' + b) })));
  const decision = select({ id: 'af-decision', name: 'decision' }, decisions.map((d) => ({ value: d.id, label: named(d, 'name') })));
  const by = h('input', { id: 'af-by', name: 'decided_by', required: true, maxlength: 200 });
  const at = h('input', { id: 'af-at', name: 'decided_at', type: 'date', value: beijingToday(), required: true });
  const incidents = h('input', { id: 'af-incidents', name: 'incident_ids', inputmode: 'numeric', placeholder: '12, 15' });
  const text = h('textarea', { id: 'af-text', name: 'text', rows: 3 });
  const ids = (s) => s.split(/[\s,，、]+/).filter(Boolean).map(Number);
  const form = h('form', { id: 'finding-form', class: 'as-form no-print', 'data-testid': 'finding-form', onsubmit: async (e) => {
    e.preventDefault();
    const done = busy(form);
    const who = person.value();
    const body = { basis: basis.value, decision: decision.value, decided_by: by.value, decided_at: at.value, text: text.value };
    if (unitSel.value) body.unit_id = Number(unitSel.value);
    if (who) body.user_id = who.id;
    if (incidents.value.trim()) body.incident_ids = ids(incidents.value);
    try { await post('/accountability', body); form.reset(); at.value = beijingToday(); done(); await reload(); }
    catch (err) { done(); showError(form, err); }
  } },
  h('h3', null, t('as.newFinding')),
  h('p', { class: 'form-error', role: 'alert', hidden: true }),
  field(t('as.unit'), unitSel), person.el, field(t('as.basis'), basis), field(t('as.decision'), decision),
  field(t('as.decidedBy'), by), field(t('as.decidedAt'), at), field(t('as.incidentIds'), incidents, t('as.incidentIdsHint')),
  field(t('as.text'), text), h('button', { type: 'submit', class: 'btn primary' }, t('as.record')));
  return form;
}

export async function renderAssessment(section, ctx, query) {
  const params = { period: query.get('period') || beijingMonth(), unit_id: query.get('unit_id') || '' };
  let units = [];
  try { units = (await get('/units')).units || []; } catch (_) { units = []; }
  const periodIn = h('input', { id: 'as-period', name: 'period', value: params.period, required: true,
    pattern: '\\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?', size: 8 });
  const unitSel = select({ id: 'as-unit', name: 'unit_id' },
    [{ value: '', label: t('as.topUnits') }, ...units.map((u) => ({ value: u.id, label: u.name }))], params.unit_id);
  const qs = () => new URLSearchParams(Object.entries({ period: periodIn.value, unit_id: unitSel.value })
    .filter(([, v]) => v)).toString();
  const csv = h('a', { class: 'btn', id: 'as-csv', 'data-testid': 'as-csv', href: `/api/v1/assessment/export.csv?${qs()}` }, t('as.csv'));
  const xlsx = h('a', { class: 'btn', id: 'as-xlsx', 'data-testid': 'as-xlsx', href: `/api/v1/assessment/export.xlsx?${qs()}` }, t('as.xlsx'));
  const form = h('form', { class: 'stat-filters no-print', id: 'as-filters', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/assessment?${qs()}`;
  } }, h('p', { class: 'form-error', role: 'alert', hidden: true }),
  field(t('as.period'), periodIn, t('as.periodHint')), field(t('as.unitFilter'), unitSel),
  h('button', { type: 'submit', class: 'btn primary' }, t('as.show')),
  h('button', { type: 'button', class: 'btn', id: 'as-print', onclick: () => window.print() }, t('as.print')), csv, xlsx);
  const body = h('div', { id: 'as-body', 'data-testid': 'as-body' });
  const findings = h('section', { id: 'as-findings', class: 'as-findings', 'data-testid': 'as-findings' });
  replace(section, h('h1', null, t('as.title')), form, body, findings);

  let data = null;
  try {
    data = await get(`/assessment?${new URLSearchParams(Object.entries(params).filter(([, v]) => v))}`);
  } catch (err) {
    if (err.status === 403) replace(body, h('p', { class: 'notice' }, t('as.forbidden')));
    else showError(form, err);
  }
  if (data) {
    replace(body, h('p', { class: 'as-period muted' }, t('as.range', { from: data.from, to: data.to })),
      data.units.map(unitBlock), h('p', { class: 'muted small' }, t('as.note')));
  }

  const decisions = (data && data.decisions) || [];
  const canRecord = ctx.hasRole('petition_office') || ctx.hasRole('leader');
  async function reload() {
    let list = [];
    try { list = (await get('/accountability')).findings || []; } catch (_) { list = []; }
    replace(findings, h('h2', null, t('as.findings')),
      list.length ? h('ul', { class: 'as-finding-list' }, list.map((f) => findingItem(f, ctx, decisions, reload)))
        : h('p', { class: 'muted' }, t('as.noFindings')),
      canRecord && decisions.length ? findingForm(ctx, units, decisions, reload) : null);
  }
  await reload();
  return null;
}
