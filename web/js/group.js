// group.js — the group dashboard (集团看板) of the company role, the group's 公司信访办:
// every mine's active incidents from GET /group/dashboard (mine, number, grade, status,
// headcount, destination, elapsed time, ticking), a count per mine, and the reports
// the mines issued (首报、续报、终报) from GET /group/reports, each acknowledged (签收)
// with POST /group/reports/{id}/acknowledge. Refreshed every 15 s while on screen.

import { t } from './i18n.js';
import { get, post } from './api.js';
import { h, add, replace, formatTime, errorText } from './dom.js';
import { gradeBadge, statusBadge, drillBadge, destinationName, clockText } from './incident-common.js';

const REFRESH_MS = 15000;

export async function renderGroup(sec, ctx) {
  const error = h('div', { class: 'form-error', id: 'group-error', role: 'alert', hidden: true });
  const mines = h('div', { class: 'group-mines', id: 'group-mines' });
  const incidents = h('tbody', { id: 'group-incidents' });
  const reports = h('tbody', { id: 'group-reports' });
  const status = h('p', { class: 'muted', id: 'group-status' });
  const reportsStatus = h('p', { class: 'muted', id: 'group-reports-status' });
  let loadedAt = 0; // Date.now() when elapsed_s was read
  let timer = null;
  let stopped = false;

  function elapsedText(cell) {
    const s = Number(cell.dataset.elapsed) + Math.round((Date.now() - loadedAt) / 1000);
    return clockText(s);
  }

  function incidentRow(i) {
    const elapsed = h('td', { class: 'num nowrap', 'data-testid': 'elapsed', dataset: { elapsed: i.elapsed_s } });
    elapsed.textContent = clockText(i.elapsed_s);
    return h('tr', { dataset: { id: i.id, mine: i.mine_id || '' }, 'data-testid': 'group-incident' },
      h('td', { 'data-testid': 'mine' }, i.mine || t('common.none')),
      h('td', { class: 'nowrap' }, h('a', { href: `#/incidents/${i.id}` }, i.number), ' ', drillBadge(i)),
      h('td', null, gradeBadge(i)),
      h('td', null, statusBadge(i.status)),
      h('td', { class: 'num' }, String(i.headcount)),
      h('td', null, destinationName(i.destination)),
      elapsed);
  }

  function mineCard(m) {
    return h('div', { class: 'group-mine' + (m.active ? ' busy' : ''), 'data-testid': 'group-mine', dataset: { id: m.id } },
      h('span', { class: 'group-mine-name' }, m.name),
      h('span', { class: 'group-mine-count' }, String(m.active)),
      h('span', { class: 'muted' }, t('group.prefix', { p: m.number_prefix })));
  }

  function ackCell(r) {
    const a = r.acknowledgement;
    if (a) {
      return h('td', { 'data-testid': 'ack' },
        h('span', { class: 'ack-done' }, t('group.acked', { by: a.by || '', at: formatTime(a.at) })));
    }
    const btn = h('button', { type: 'button', class: 'btn primary', 'data-testid': 'ack-button' }, t('group.ack'));
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        await post(`/group/reports/${r.id}/acknowledge`, {});
        await loadReports();
      } catch (err) {
        btn.disabled = false;
        if (!err.handled) { error.textContent = errorText(err); error.hidden = false; }
      }
    });
    return h('td', { 'data-testid': 'ack' }, btn);
  }

  function reportRow(r) {
    return h('tr', { dataset: { id: r.id }, 'data-testid': 'group-report' },
      h('td', null, r.mine || t('common.none')),
      h('td', { class: 'nowrap' }, t('rep.kind.' + r.kind), ' ', r.number || ''),
      h('td', null, h('a', { href: `#/incidents/${r.incident_id}` }, r.incident_number), ' ', drillBadge(r)),
      h('td', { class: 'nowrap' }, h('time', { datetime: r.issued_at }, formatTime(r.issued_at))),
      ackCell(r));
  }

  async function loadDashboard() {
    const d = await get('/group/dashboard');
    loadedAt = Date.now();
    replace(mines, ...(d.mines || []).map(mineCard));
    replace(incidents, ...(d.incidents || []).map(incidentRow));
    status.textContent = (d.incidents || []).length
      ? t('group.count', { n: d.incidents.length, m: (d.mines || []).filter((m) => m.active).length })
      : t('group.empty');
  }

  async function loadReports() {
    const r = await get('/group/reports');
    const list = r.reports || [];
    replace(reports, ...list.map(reportRow));
    const pending = list.filter((x) => !x.acknowledgement).length;
    reportsStatus.textContent = list.length ? t('group.reportsCount', { n: list.length, p: pending }) : t('group.noReports');
  }

  async function refresh() {
    try {
      await Promise.all([loadDashboard(), loadReports()]);
      error.hidden = true;
    } catch (err) {
      if (!err.handled) { error.textContent = errorText(err); error.hidden = false; }
    }
  }

  add(sec,
    h('h1', null, t('group.title')),
    error,
    h('h2', null, t('group.mines')),
    mines,
    h('h2', null, t('group.active')),
    status,
    h('div', { class: 'table-wrap' },
      h('table', { class: 'grid', id: 'group-incident-table' },
        h('thead', null, h('tr', null,
          h('th', null, t('group.mine')), h('th', null, t('inc.number')), h('th', null, t('inc.grade')),
          h('th', null, t('inc.status')), h('th', null, t('inc.headcount')), h('th', null, t('inc.destination')),
          h('th', null, t('dash.elapsed')))),
        incidents)),
    h('h2', null, t('group.reports')),
    reportsStatus,
    h('div', { class: 'table-wrap' },
      h('table', { class: 'grid', id: 'group-report-table' },
        h('thead', null, h('tr', null,
          h('th', null, t('group.mine')), h('th', null, t('rep.kind')), h('th', null, t('group.incident')),
          h('th', null, t('group.issuedAt')), h('th', null, t('group.ackCol')))),
        reports)));
  await refresh();

  const tick = setInterval(() => {
    for (const cell of incidents.querySelectorAll('[data-elapsed]')) cell.textContent = elapsedText(cell);
  }, 1000);
  const poll = async () => {
    await refresh();
    if (!stopped) timer = setTimeout(poll, REFRESH_MS);
  };
  timer = setTimeout(poll, REFRESH_MS);
  return () => { stopped = true; clearInterval(tick); clearTimeout(timer); };
}
