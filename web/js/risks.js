// risks.js — the register of grievances and unstable factors (矛盾纠纷/不稳定因素台账)
// and care for vulnerable groups, in the 排查 area (screening.js draws the tabs): the
// register with its filters and a new entry (the level suggested by the plan's rules
// unless one is chosen with its basis), an entry's page with its people, progress and
// trend over time, the progress form (status, trend, level with basis) and closing with
// the outcome; care schedules with overdue follow-ups and the 帮扶 record form.

import { t } from './i18n.js';
import { get, post, patch } from './api.js';
import { h, replace, field, select, showError, busy, formatTime, errorText } from './dom.js';

const LEVELS = ['low', 'medium', 'high'];
const STATUSES = ['open', 'resolving', 'closed'];
const TRENDS = ['rising', 'stable', 'falling'];
const GROUPS = ['hardship', 'retiree', 'injured_family'];
const TREND_MARK = { rising: '↑', stable: '→', falling: '↓' };

const any = (ctx, roles) => roles.some((r) => ctx.hasRole(r));
const keeps = (ctx) => any(ctx, ['petition_office', 'admin', 'unit_head']);

function levelBadge(level) {
  const cls = level === 'high' ? 'badge warn risk-high' : level === 'medium' ? 'badge risk-medium' : 'badge ok';
  return h('span', { class: cls, 'data-testid': 'risk-level' }, t(`risk.level.${level}`));
}

function trendText(trend) {
  return h('span', { class: `trend trend-${trend}`, 'data-testid': 'risk-trend' }, `${TREND_MARK[trend] || ''} ${t(`risk.trend.${trend}`)}`);
}

const opt = (list, prefix, blank) => [...(blank ? [{ value: '', label: blank }] : []),
  ...list.map((v) => ({ value: v, label: t(prefix + v) }))];

function entryForm(units, officials, leaders, reload) {
  const title = h('input', { id: 'risk-title', name: 'title', maxlength: 200 });
  const unit = select({ id: 'risk-unit', name: 'unit_id' }, units.map((u) => ({ value: u.id, label: u.name })));
  const headcount = h('input', { id: 'risk-headcount', name: 'headcount', type: 'number', min: 1 });
  const deadline = h('input', { id: 'risk-deadline', name: 'deadline_date', type: 'date' });
  const visit = h('input', { id: 'risk-visit', name: 'expected_visit_date', type: 'date' });
  const level = select({ id: 'risk-level', name: 'risk_level' }, opt(LEVELS, 'risk.level.', t('risk.bySuggestion')));
  const basis = h('input', { id: 'risk-basis', name: 'level_basis', maxlength: 1000 });
  const description = h('textarea', { id: 'risk-description', name: 'description', rows: 2 });
  const plan = h('textarea', { id: 'risk-plan', name: 'resolution_plan', rows: 2 });
  const official = select({ id: 'risk-official', name: 'official_id' },
    [{ value: '', label: t('risk.none.person') }, ...officials.map((p) => ({ value: p.id, label: p.name }))]);
  const leader = select({ id: 'risk-leader', name: 'leader_id' },
    [{ value: '', label: t('risk.none.person') }, ...leaders.map((p) => ({ value: p.id, label: p.name }))]);
  const form = h('form', { id: 'risk-form', class: 'form card', novalidate: true },
    h('h2', null, t('risk.new')),
    field(t('risk.title'), title), field(t('risk.unit'), unit),
    h('div', { class: 'row' }, field(t('risk.headcount'), headcount), field(t('risk.deadline'), deadline, t('risk.deadlineHint')),
      field(t('risk.visit'), visit)),
    h('div', { class: 'row' }, field(t('risk.level'), level), field(t('risk.basis'), basis, t('risk.basisHint'))),
    h('div', { class: 'row' }, field(t('risk.leader'), leader), field(t('risk.official'), official)),
    field(t('risk.description'), description), field(t('risk.plan'), plan),
    h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'risk-create' }, t('risk.create')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { title: title.value.trim(), unit_id: Number(unit.value) };
    if (headcount.value) body.headcount = Number(headcount.value);
    if (deadline.value) body.deadline_date = deadline.value;
    if (visit.value) body.expected_visit_date = visit.value;
    if (level.value) body.risk_level = level.value;
    if (basis.value.trim()) body.level_basis = basis.value.trim();
    if (description.value.trim()) body.description = description.value.trim();
    if (plan.value.trim()) body.resolution_plan = plan.value.trim();
    if (official.value) body.official_id = Number(official.value);
    if (leader.value) body.leader_id = Number(leader.value);
    const done = busy(form);
    try {
      const r = await post('/risks', body);
      location.hash = `#/screening/risks/${r.id}`;
    } catch (err) { showError(form, err); } finally { done(); }
    if (reload) await reload();
  });
  return form;
}

export async function renderRisks(section, ctx, query) {
  const level = select({ id: 'risk-filter-level', 'aria-label': t('risk.level') }, opt(LEVELS, 'risk.level.', t('risk.any')), query.get('level') || '');
  const status = select({ id: 'risk-filter-status', 'aria-label': t('risk.status') }, opt(STATUSES, 'risk.status.', t('risk.any')), query.get('status') || '');
  const table = h('div', { id: 'risk-list' });
  async function reload() {
    const q = new URLSearchParams();
    if (level.value) q.set('level', level.value);
    if (status.value) q.set('status', status.value);
    const list = (await get(`/risks?${q}`)).risks;
    replace(table, list.length === 0 ? h('p', { class: 'muted' }, t('risk.none'))
      : h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
        h('thead', null, h('tr', null, ['risk.title', 'risk.unit', 'risk.level', 'risk.trend', 'risk.status', 'risk.headcount', 'risk.official', 'risk.updated']
          .map((k) => h('th', null, t(k))))),
        h('tbody', null, list.map((r) => h('tr', { 'data-testid': `risk-row-${r.id}` },
          h('td', null, h('a', { href: `#/screening/risks/${r.id}` }, r.title)),
          h('td', null, r.unit_name), h('td', null, levelBadge(r.risk_level)), h('td', null, trendText(r.trend)),
          h('td', null, t(`risk.status.${r.status}`)), h('td', { class: 'num' }, r.headcount ? String(r.headcount) : ''),
          h('td', null, r.official_name || ''), h('td', null, formatTime(r.updated_at))))))));
  }
  level.addEventListener('change', reload);
  status.addEventListener('change', reload);
  section.append(h('p', { class: 'muted' }, t('risk.hint')),
    h('div', { class: 'filters' }, level, ' ', status), table);
  if (keeps(ctx)) {
    const people = (role) => get(`/directory?role=${role}`).then((r) => r.people || []).catch(() => []);
    const [units, officials, leaders] = await Promise.all([
      get('/units').then((r) => r.units || []), people('official'), people('leader')]);
    section.append(entryForm(units, officials, leaders, null));
  }
  await reload();
  return null;
}

function progressForm(ctx, r, reload) {
  const text = h('textarea', { id: 'risk-progress-text', name: 'text', rows: 2, maxlength: 4000 });
  const status = select({ id: 'risk-progress-status', name: 'status' }, opt(STATUSES.filter((s) => s !== 'closed'), 'risk.status.', t('risk.unchanged')));
  const trend = select({ id: 'risk-progress-trend', name: 'trend' }, opt(TRENDS, 'risk.trend.', t('risk.unchanged')));
  const level = select({ id: 'risk-progress-level', name: 'risk_level' }, opt(LEVELS, 'risk.level.', t('risk.unchanged')));
  const basis = h('input', { id: 'risk-progress-basis', name: 'level_basis', maxlength: 1000 });
  const form = h('form', { id: 'risk-progress-form', class: 'form card', novalidate: true },
    h('h2', null, t('risk.progressNew')),
    field(t('risk.progressText'), text),
    h('div', { class: 'row' }, field(t('risk.status'), status), field(t('risk.trend'), trend), field(t('risk.level'), level)),
    field(t('risk.basis'), basis, t('risk.basisChange')),
    h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'risk-progress-save' }, t('risk.progressSave')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { text: text.value.trim() };
    if (status.value) body.status = status.value;
    if (trend.value) body.trend = trend.value;
    if (level.value) body.risk_level = level.value;
    if (basis.value.trim()) body.level_basis = basis.value.trim();
    const done = busy(form);
    try {
      await post(`/risks/${r.id}/progress`, body);
      await reload();
    } catch (err) { showError(form, err); done(); }
  });
  return form;
}

function closeForm(r, reload) {
  const outcome = h('textarea', { id: 'risk-outcome', name: 'outcome', rows: 2, maxlength: 4000 });
  const form = h('form', { id: 'risk-close-form', class: 'form card', novalidate: true },
    h('h2', null, t('risk.close')), field(t('risk.outcome'), outcome),
    h('button', { type: 'submit', class: 'btn', 'data-testid': 'risk-close' }, t('risk.closeBtn')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const done = busy(form);
    try {
      await patch(`/risks/${r.id}`, { status: 'closed', outcome: outcome.value.trim() });
      await reload();
    } catch (err) { showError(form, err); done(); }
  });
  return form;
}

export async function renderRisk(section, ctx, id) {
  const body = h('div', { id: 'risk-entry' });
  section.append(body);
  async function reload() {
    const r = await get(`/risks/${id}`);
    const mayWrite = r.status !== 'closed' && (keeps(ctx) || r.official_id === ctx.state.user.id || r.leader_id === ctx.state.user.id);
    replace(body,
      h('div', { class: 'page-head' }, h('h1', null, r.title), levelBadge(r.risk_level), ' ', trendText(r.trend), ' ',
        h('span', { class: 'badge', 'data-testid': 'risk-status' }, t(`risk.status.${r.status}`))),
      h('dl', { class: 'facts' },
        h('dt', null, t('risk.unit')), h('dd', null, r.unit_name),
        h('dt', null, t('risk.headcount')), h('dd', null, r.headcount ? String(r.headcount) : '—'),
        h('dt', null, t('risk.suggested')), h('dd', null, t(`risk.level.${r.suggested_level}`)),
        h('dt', null, t('risk.basis')), h('dd', { 'data-testid': 'risk-basis' }, r.level_basis || '—'),
        h('dt', null, t('risk.deadline')), h('dd', null, r.deadline_date || '—'),
        h('dt', null, t('risk.visit')), h('dd', null, r.expected_visit_date || '—'),
        h('dt', null, t('risk.leader')), h('dd', null, r.leader_name || '—'),
        h('dt', null, t('risk.official')), h('dd', null, r.official_name || '—'),
        h('dt', null, t('risk.persons')), h('dd', null, r.persons.length
          ? r.persons.map((p, i) => [i ? '、' : '', h('a', { href: `#/persons/${p.id}` }, p.name)]) : '—'),
        h('dt', null, t('risk.description')), h('dd', null, r.description || '—'),
        h('dt', null, t('risk.plan')), h('dd', null, r.resolution_plan || '—'),
        r.outcome ? [h('dt', null, t('risk.outcome')), h('dd', null, r.outcome)] : null),
      h('h2', null, t('risk.progress')),
      r.progress.length === 0 ? h('p', { class: 'muted' }, t('risk.noProgress'))
        : h('ol', { class: 'risk-progress', id: 'risk-progress' }, r.progress.map((g) => h('li', null,
          h('span', { class: 'muted' }, formatTime(g.at_at || g.at)), ' ', levelBadge(g.risk_level), ' ', trendText(g.trend), ' ',
          g.text, g.author_name ? h('span', { class: 'muted' }, ` — ${g.author_name}`) : null))),
      mayWrite ? progressForm(ctx, r, reload) : null,
      mayWrite && keeps(ctx) ? closeForm(r, reload) : null);
  }
  await reload();
  return null;
}

// ---- care ----

function careForm(persons, officials, reload) {
  const group = select({ id: 'care-group', name: 'group_kind' }, opt(GROUPS, 'care.group.', null));
  const person = select({ id: 'care-person', name: 'person_id' }, persons.map((p) => ({ value: p.id, label: p.name })));
  const official = select({ id: 'care-official', name: 'official_id' }, officials.map((p) => ({ value: p.id, label: p.name })));
  const interval = h('input', { id: 'care-interval', name: 'interval_days', type: 'number', min: 1, max: 366 });
  const form = h('form', { id: 'care-form', class: 'form card', novalidate: true },
    h('h2', null, t('care.new')),
    h('div', { class: 'row' }, field(t('care.group'), group), field(t('care.person'), person), field(t('care.official'), official),
      field(t('care.interval'), interval, t('care.intervalHint'))),
    h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'care-create' }, t('care.create')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { group_kind: group.value, person_id: Number(person.value), official_id: Number(official.value) };
    if (interval.value) body.interval_days = Number(interval.value);
    const done = busy(form);
    try { await post('/care', body); await reload(); } catch (err) { showError(form, err); } finally { done(); }
  });
  return form;
}

function visitCell(s, reload) {
  const help = h('input', { 'aria-label': t('care.help'), name: 'help', maxlength: 4000, 'data-testid': `care-help-${s.id}` });
  const line = h('span', { class: 'form-error', role: 'alert', hidden: true });
  return h('td', null, help, ' ', h('button', {
    type: 'button', class: 'btn small', 'data-testid': `care-visit-${s.id}`,
    onclick: async () => {
      try { await post(`/care/${s.id}/visits`, { help: help.value.trim() }); await reload(); } catch (err) {
        line.hidden = false;
        line.textContent = errorText(err);
      }
    },
  }, t('care.record')), line);
}

export async function renderCare(section, ctx) {
  const box = h('div', { id: 'care-list' });
  async function reload() {
    const list = (await get('/care')).schedules;
    replace(box, list.length === 0 ? h('p', { class: 'muted' }, t('care.none'))
      : h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
        h('thead', null, h('tr', null, ['care.group', 'care.person', 'care.official', 'care.interval', 'care.next', 'care.last', '']
          .map((k) => h('th', null, k ? t(k) : '')))),
        h('tbody', null, list.map((s) => h('tr', { 'data-testid': `care-row-${s.id}`, class: s.overdue ? 'care-overdue' : '' },
          h('td', null, t(`care.group.${s.group_kind}`)), h('td', null, s.person_name), h('td', null, s.official_name || ''),
          h('td', { class: 'num' }, t('care.days', { n: s.interval_days })),
          h('td', null, formatTime(s.next_due_at), s.overdue ? [' ', h('span', { class: 'badge warn' }, t('care.overdue'))] : null),
          h('td', null, s.last_visit || '—'),
          visitCell(s, reload)))))));
  }
  section.append(h('p', { class: 'muted' }, t('care.hint')), box);
  if (keeps(ctx)) {
    const [persons, officials] = await Promise.all([
      get('/persons').then((r) => r.persons || []).catch(() => []),
      get('/directory?role=official').then((r) => r.people || []).catch(() => []),
    ]);
    section.append(careForm(persons, officials, reload));
  }
  await reload();
  return null;
}
