// screening.js — the 排查 area (docs/prevention.md): tabs for screening campaigns
// (#/screening), the register of grievances (#/screening?tab=risks, risks.js), early
// warnings (#/screening?tab=warnings) and care for vulnerable groups
// (#/screening?tab=care, risks.js); a campaign's page (#/screening/campaigns/ID) with
// each unit's report, the report form of the unit's own head (nil return or findings)
// and the one click that turns a finding into a register entry. Also the open-warnings
// link of the dashboard. The server decides who may do what; the page only hides
// buttons that could not work.

import { t } from './i18n.js';
import { get, post } from './api.js';
import { h, replace, field, select, showError, busy, formatTime, errorText } from './dom.js';
import { DESTINATIONS, destinationName } from './incident-common.js';
import { renderRisks, renderRisk, renderCare } from './risks.js';

const TABS = ['campaigns', 'risks', 'warnings', 'care'];
const KINDS = ['monthly', 'sensitive_date', 'ad_hoc'];

const any = (ctx, roles) => roles.some((r) => ctx.hasRole(r));
export const scrPerms = {
  office: (ctx) => any(ctx, ['petition_office', 'admin']),
  keep: (ctx) => any(ctx, ['petition_office', 'admin', 'unit_head']),
  warnings: (ctx) => any(ctx, ['petition_office', 'admin', 'leader', 'company', 'auditor', 'unit_head']),
  incident: (ctx) => any(ctx, ['petition_office', 'leader']),
};

// 'YYYY-MM-DD' n days from today in Beijing.
export function dayText(n = 0) {
  return new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}

function tabs(current) {
  return h('nav', { class: 'tabs', 'aria-label': t('nav.screening') },
    TABS.map((tab) => h('a', {
      href: tab === 'campaigns' ? '#/screening' : `#/screening?tab=${tab}`,
      'data-testid': `scr-tab-${tab}`,
      'aria-current': tab === current ? 'page' : null,
    }, t(`scr.tab.${tab}`))));
}

export async function renderScreening(section, ctx, parts, query) {
  if (parts[1] === 'campaigns' && /^\d+$/.test(parts[2] || '')) {
    section.append(tabs('campaigns'));
    return renderCampaign(section, ctx, parts[2]);
  }
  if (parts[1] === 'risks' && /^\d+$/.test(parts[2] || '')) {
    section.append(tabs('risks'));
    return renderRisk(section, ctx, parts[2]);
  }
  const tab = TABS.includes(query.get('tab')) ? query.get('tab') : 'campaigns';
  section.append(h('div', { class: 'page-head' }, h('h1', null, t('nav.screening'))), tabs(tab));
  if (tab === 'risks') return renderRisks(section, ctx, query);
  if (tab === 'care') return renderCare(section, ctx);
  if (tab === 'warnings') return renderWarnings(section, ctx);
  return renderCampaigns(section, ctx);
}

// ---- campaigns ----

async function unitOptions() {
  const units = (await get('/units')).units || [];
  return units;
}

function campaignForm(ctx, units, onDone) {
  const title = h('input', { id: 'scr-title', name: 'title', required: true, maxlength: 200 });
  const kind = select({ id: 'scr-kind', name: 'kind' }, KINDS.map((k) => ({ value: k, label: t(`scr.kind.${k}`) })));
  const from = h('input', { id: 'scr-from', name: 'period_from', type: 'date', value: dayText(0) });
  const to = h('input', { id: 'scr-to', name: 'period_to', type: 'date', value: dayText(30) });
  const due = h('input', { id: 'scr-due', name: 'due_date', type: 'date' });
  const boxes = units.filter((u) => u.parent_id !== null).map((u) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', value: String(u.id), 'data-testid': `scr-unit-${u.id}` }), ' ', u.name));
  const unitSet = h('fieldset', { 'data-field': 'units', class: 'checks' }, h('legend', null, t('scr.units')), boxes);
  const form = h('form', { id: 'scr-campaign-form', class: 'form card', novalidate: true },
    h('h2', null, t('scr.new')),
    field(t('scr.title'), title),
    field(t('scr.kind'), kind),
    h('div', { class: 'row' }, field(t('scr.from'), from), field(t('scr.to'), to),
      field(t('scr.due'), due, t('scr.dueHint'))),
    unitSet,
    h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'scr-send' }, t('scr.send')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const done = busy(form);
    try {
      const body = {
        title: title.value.trim(), kind: kind.value, period_from: from.value, period_to: to.value,
        units: [...unitSet.querySelectorAll('input:checked')].map((b) => Number(b.value)),
      };
      if (due.value) body.due_date = due.value;
      const c = await post('/screening/campaigns', body);
      location.hash = `#/screening/campaigns/${c.id}`;
      if (onDone) onDone(c);
    } catch (err) {
      showError(form, err);
    } finally { done(); }
  });
  return form;
}

async function renderCampaigns(section, ctx) {
  const list = (await get('/screening/campaigns')).campaigns;
  if (scrPerms.office(ctx)) section.append(campaignForm(ctx, await unitOptions()));
  section.append(h('h2', null, t('scr.list')),
    list.length === 0 ? h('p', { class: 'muted', id: 'scr-none' }, t('scr.none'))
      : h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'scr-campaigns' },
        h('thead', null, h('tr', null, ['scr.title', 'scr.kind', 'scr.period', 'scr.due', 'scr.reported',
          'scr.overdue', 'scr.findings'].map((k) => h('th', null, t(k))))),
        h('tbody', null, list.map((c) => h('tr', { 'data-testid': `scr-campaign-${c.id}` },
          h('td', null, h('a', { href: `#/screening/campaigns/${c.id}` }, c.title)),
          h('td', null, t(`scr.kind.${c.kind}`)),
          h('td', null, `${c.period_from} – ${c.period_to}`),
          h('td', null, c.due_date),
          h('td', { class: 'num' }, `${c.reported}/${c.units}`),
          h('td', { class: 'num' }, c.overdue ? h('span', { class: 'badge warn' }, String(c.overdue)) : '0'),
          h('td', { class: 'num' }, String(c.findings))))))));
  return null;
}

function reportStatus(r) {
  const cls = r.status === 'nil' ? 'badge ok' : r.status === 'findings' ? 'badge warn' : 'badge';
  return h('span', null, h('span', { class: cls }, t(`scr.status.${r.status}`)),
    r.overdue ? h('span', { class: 'badge warn scr-overdue' }, t('scr.overdueBadge')) : null,
    r.late ? h('span', { class: 'badge off' }, t('scr.late')) : null);
}

// The report form of the user's own unit, when the campaign was sent to it.
function reportForm(ctx, c, reload) {
  const unitId = ctx.state.user.unit_id;
  const mine = c.reports.find((r) => r.unit_id === unitId);
  if (!mine || !ctx.hasRole('unit_head')) return null;
  const text = h('textarea', { id: 'scr-finding-text', name: 'findings', rows: 3, maxlength: 4000 });
  const headcount = h('input', { id: 'scr-finding-headcount', type: 'number', min: 1, name: 'headcount' });
  const form = h('form', { id: 'scr-report-form', class: 'form card', novalidate: true },
    h('h2', null, t('scr.reportFor', { unit: mine.unit_name })),
    h('p', { class: 'muted' }, t('scr.reportHint')),
    mine.status !== 'findings' ? h('button', {
      type: 'button', class: 'btn', 'data-testid': 'scr-nil',
      onclick: async () => {
        try {
          await post(`/screening/campaigns/${c.id}/reports`, { unit_id: unitId, nil: true });
          await reload();
        } catch (err) { showError(form, err); }
      },
    }, t('scr.nil')) : null,
    field(t('scr.findingText'), text),
    field(t('scr.headcount'), headcount),
    h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'scr-report-findings' }, t('scr.reportFindings')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const finding = { text: text.value.trim() };
    if (headcount.value) finding.headcount = Number(headcount.value);
    const done = busy(form);
    try {
      await post(`/screening/campaigns/${c.id}/reports`, { unit_id: unitId, findings: [finding] });
      await reload();
    } catch (err) { showError(form, err); } finally { done(); }
  });
  return form;
}

async function renderCampaign(section, ctx, id) {
  const body = h('div', { id: 'scr-campaign' });
  section.append(body);
  async function reload() {
    const c = await get(`/screening/campaigns/${id}`);
    const errorLine = h('div', { class: 'form-error', role: 'alert', hidden: true });
    replace(body,
      h('div', { class: 'page-head' }, h('h1', null, c.title),
        h('span', { class: 'badge' }, t(`scr.kind.${c.kind}`))),
      h('p', { class: 'muted' }, t('scr.periodLine', { from: c.period_from, to: c.period_to, due: c.due_date })),
      h('h2', null, t('scr.checklist')),
      h('ol', { class: 'scr-checklist' }, (c.checklist || []).map((x) => h('li', null, x))),
      reportForm(ctx, c, reload),
      h('h2', null, t('scr.reports')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'scr-reports' },
        h('thead', null, h('tr', null, ['scr.unit', 'scr.state', 'scr.reportedAt', 'scr.reportedBy'].map((k) => h('th', null, t(k))))),
        h('tbody', null, c.reports.map((r) => h('tr', { 'data-testid': `scr-report-${r.unit_id}` },
          h('td', null, r.unit_name), h('td', null, reportStatus(r)),
          h('td', null, formatTime(r.reported_at)), h('td', null, r.reported_by_name || '')))))),
      h('h2', null, t('scr.findings')),
      errorLine,
      c.findings.length === 0 ? h('p', { class: 'muted' }, t('scr.noFindings'))
        : h('ul', { class: 'scr-findings', id: 'scr-findings' }, c.findings.map((f) => h('li', { 'data-testid': `scr-finding-${f.id}` },
          h('strong', null, f.unit_name), '：', f.text,
          f.headcount ? ` （${t('scr.people', { n: f.headcount })}）` : '',
          ' ',
          f.risk_id ? h('a', { href: `#/screening/risks/${f.risk_id}`, 'data-testid': 'scr-finding-entry' }, t('scr.toEntry'))
            : scrPerms.keep(ctx) ? h('button', {
              type: 'button', class: 'btn small', 'data-testid': 'scr-finding-register',
              onclick: async () => {
                try {
                  const entry = await post(`/screening/findings/${f.id}/risk`, {});
                  location.hash = `#/screening/risks/${entry.id}`;
                } catch (err) { errorLine.hidden = false; errorLine.textContent = errorText(err); }
              },
            }, t('scr.register')) : null))));
  }
  await reload();
  return null;
}

// ---- warnings ----

function warningRow(ctx, w, reload) {
  const dest = select({ 'aria-label': t('scr.destination'), 'data-testid': `scr-dest-${w.id}` },
    DESTINATIONS.map((d) => ({ value: d, label: destinationName(d) })), 'mine');
  const line = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const act = w.status === 'open' && scrPerms.incident(ctx) ? h('span', { class: 'scr-act' }, dest, ' ',
    h('button', {
      type: 'button', class: 'btn primary small', 'data-testid': `scr-warning-incident-${w.id}`,
      onclick: async () => {
        try {
          const inc = await post(`/warnings/${w.id}/incident`, { destination: dest.value });
          location.hash = `#/incidents/${inc.id}`;
        } catch (err) { line.hidden = false; line.textContent = errorText(err); }
      },
    }, t('scr.toIncident'))) : null;
  return h('tr', { 'data-testid': `scr-warning-${w.id}`, class: w.status === 'open' ? 'scr-open' : '' },
    h('td', null, formatTime(w.created_at)),
    h('td', null, h('span', { class: 'badge warn' }, t(`scr.rule.${w.rule}`))),
    h('td', null, w.text, w.risk_id ? [' ', h('a', { href: `#/screening/risks/${w.risk_id}` }, t('scr.toEntry'))] : null),
    h('td', null, w.unit_name || ''),
    h('td', null, w.status === 'incident' && w.incident_id
      ? h('a', { href: `#/incidents/${w.incident_id}` }, w.incident_number) : t(`scr.wstatus.${w.status}`)),
    h('td', null, act, line));
}

async function renderWarnings(section, ctx) {
  const box = h('div', { id: 'scr-warnings' });
  section.append(h('p', { class: 'muted' }, t('scr.warningsHint')), box);
  async function reload() {
    const r = await get('/warnings');
    replace(box, r.warnings.length === 0 ? h('p', { class: 'muted' }, t('scr.noWarnings'))
      : h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
        h('thead', null, h('tr', null, ['scr.when', 'scr.rule', 'scr.what', 'scr.unit', 'scr.state', ''].map((k) => h('th', null, k ? t(k) : '')))),
        h('tbody', null, r.warnings.map((w) => warningRow(ctx, w, reload))))));
  }
  await reload();
  return null;
}

// The dashboard's link to the open warnings ("预警 3"), filled when the count arrives;
// nothing for users who do not receive warnings.
export function warningsLink(ctx) {
  if (!scrPerms.warnings(ctx)) return null;
  const count = h('span', { class: 'scr-count', id: 'dash-warnings-count' }, '…');
  const a = h('a', { href: '#/screening?tab=warnings', class: 'btn', id: 'dash-warnings', 'data-testid': 'dash-warnings' },
    t('scr.dashWarnings'), ' ', count);
  get('/warnings?status=open').then((r) => {
    count.textContent = String(r.open);
    if (r.open > 0) a.classList.add('scr-alert');
  }).catch(() => { a.hidden = true; });
  return a;
}
