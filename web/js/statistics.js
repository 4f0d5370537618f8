// statistics.js — the 统计 area (#/statistics?from=&to=&unit_id=): filters (period in
// Beijing days, unit subtree), the totals, charts drawn with Apache ECharts (vendored at
// build time into /vendor/echarts.min.js, loaded on first use by a script element: the
// CSP allows scripts from our own origin only) with the table of each chart beside it,
// and the exports (XLSX, CSV, the annual report as PDF/DOCX). A unit head's server
// answer is their subtree; the page shows only what the server counted.

import { t, getLang } from './i18n.js';
import { get } from './api.js';
import { h, replace, select, showError } from './dom.js';
import { statusName, destinationName } from './incident-common.js';

let echartsLoading = null;

// window.echarts, loading the vendored file once; null when it is not there (the page
// then shows the tables alone).
function loadEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsLoading) {
    echartsLoading = new Promise((resolve) => {
      const s = document.createElement('script');
      s.src = '/vendor/echarts.min.js';
      s.onload = () => resolve(window.echarts || null);
      s.onerror = () => { echartsLoading = null; resolve(null); };
      document.head.appendChild(s);
    });
  }
  return echartsLoading;
}

const beijingToday = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

// The label of an item in the UI's language: the server's (Chinese) name, or ours.
function itemLabel(kind, item) {
  if (getLang() === 'zh') return item.label || item.key;
  if (kind === 'status') return statusName(item.key);
  if (kind === 'destination') return destinationName(item.key);
  const k = `stat.k.${item.key}`;
  const v = t(k);
  return v === k ? (item.label || item.key) : v;
}

const hours = (ms) => (ms / 3600000).toFixed(1);
const pct = (part, whole) => (whole ? `${((100 * part) / whole).toFixed(1)}%` : '—');

function table(caption, head, rows, testid) {
  return h('table', { class: 'table stat-table', 'data-testid': testid },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', null, h('tr', null, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, rows.length ? rows.map((r) => h('tr', null, r.map((c, i) => h(i ? 'td' : 'th', i ? { class: 'num' } : { scope: 'row' }, c))))
      : h('tr', null, h('td', { colspan: head.length, class: 'muted' }, t('stat.none')))));
}

export async function renderStatistics(section, ctx, query) {
  const charts = [];
  let disposed = false;
  const onResize = () => charts.forEach((c) => c.resize());
  window.addEventListener('resize', onResize);
  const stop = () => {
    disposed = true;
    window.removeEventListener('resize', onResize);
    charts.splice(0).forEach((c) => c.dispose());
  };

  const year = beijingToday().slice(0, 4);
  const params = {
    from: query.get('from') || `${year}-01-01`,
    to: query.get('to') || `${year}-12-31`,
    unit_id: query.get('unit_id') || '',
  };
  let units = [];
  try { units = (await get('/units')).units || []; } catch (_) { units = []; }

  const fromIn = h('input', { type: 'date', id: 'stat-from', name: 'from', value: params.from, required: true });
  const toIn = h('input', { type: 'date', id: 'stat-to', name: 'to', value: params.to, required: true });
  const unitSel = select({ id: 'stat-unit', name: 'unit_id' },
    [{ value: '', label: t('stat.allUnits') }, ...units.map((u) => ({ value: u.id, label: u.name }))], params.unit_id);
  const qs = () => new URLSearchParams(Object.entries({ from: fromIn.value, to: toIn.value, unit_id: unitSel.value })
    .filter(([, v]) => v)).toString();
  const form = h('form', { class: 'stat-filters', id: 'stat-filters', 'data-testid': 'stat-filters',
    onsubmit: (e) => { e.preventDefault(); location.hash = `#/statistics?${qs()}`; } },
  h('label', { for: 'stat-from' }, t('stat.from')), fromIn,
  h('label', { for: 'stat-to' }, t('stat.to')), toIn,
  h('label', { for: 'stat-unit' }, t('stat.unit')), unitSel,
  h('button', { type: 'submit', class: 'btn primary', id: 'stat-apply' }, t('stat.apply')));

  // The exports of the period and unit shown (the filters take effect with 查询).
  const shown = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  const download = (path, label, testid) => h('a', { class: 'btn', download: '', 'data-testid': testid,
    href: `/api/v1/statistics/${path}${path.includes('?') ? (params.unit_id ? `&unit_id=${params.unit_id}` : '') : `?${shown}`}` }, label);
  const exportsBar = h('div', { class: 'stat-exports', 'data-testid': 'stat-exports' },
    download('export.xlsx', t('stat.xlsx'), 'stat-xlsx'), download('export.csv', t('stat.csv'), 'stat-csv'),
    download(`annual.pdf?year=${params.from.slice(0, 4)}`, t('stat.annualPdf', { year: params.from.slice(0, 4) }), 'stat-annual-pdf'),
    download(`annual.docx?year=${params.from.slice(0, 4)}`, t('stat.annualDocx', { year: params.from.slice(0, 4) }), 'stat-annual-docx'));

  const body = h('div', { id: 'stat-body' });
  replace(section, h('h1', null, t('nav.statistics')),
    h('p', { class: 'muted' }, t('stat.scope')), form, exportsBar, body);

  let s;
  try {
    s = await get(`/statistics?${new URLSearchParams(Object.entries(params).filter(([, v]) => v))}`);
  } catch (err) {
    showError(form, err);
    return stop;
  }
  const echarts = await loadEcharts();
  if (disposed) return stop;

  const inc = s.incidents;
  const mat = s.matters;
  const acc = mat.deadlines.acceptance;
  const con = mat.deadlines.conclusion;
  const tile = (label, value, testid) => h('div', { class: 'stat-tile', 'data-testid': testid },
    h('div', { class: 'stat-value' }, String(value)), h('div', { class: 'stat-label' }, label));
  const tiles = h('div', { class: 'stat-tiles' },
    tile(t('stat.incidents'), inc.total, 'stat-incidents-total'),
    tile(t('stat.matters'), mat.total, 'stat-matters-total'),
    tile(t('stat.acceptRate'), pct(acc.met, acc.met + acc.missed), 'stat-accept-rate'),
    tile(t('stat.concludeRate'), pct(con.met, con.met + con.missed), 'stat-conclude-rate'),
    tile(t('stat.activation'), `${hours(inc.time_to_activation.median_ms)} h`, 'stat-activation'),
    tile(t('stat.resolution'), `${hours(inc.time_to_resolution.median_ms)} h`, 'stat-resolution'));

  const cards = [];
  // A card: its chart (when ECharts is there) and its table beside it.
  const card = (id, title, option, tbl) => {
    const el = h('div', { class: 'stat-chart', id: `chart-${id}`, 'data-testid': `chart-${id}`, role: 'img', 'aria-label': title });
    cards.push({ el, option });
    return h('section', { class: 'stat-card', 'data-testid': `card-${id}` }, h('h2', null, title),
      h('div', { class: 'stat-pair' }, echarts ? el : null, tbl));
  };
  const bar = (names, series) => ({
    tooltip: { trigger: 'axis' }, legend: { bottom: 0 }, grid: { left: 40, right: 16, top: 16, bottom: 48 },
    xAxis: { type: 'category', data: names }, yAxis: { type: 'value', minInterval: 1 },
    series: series.map(([name, data]) => ({ name, type: 'bar', barMaxWidth: 36, data })),
  });
  const pie = (items) => ({ tooltip: { trigger: 'item' }, legend: { bottom: 0, type: 'scroll' },
    series: [{ type: 'pie', radius: ['35%', '65%'], data: items.map(([name, value]) => ({ name, value })) }] });
  const listCard = (id, title, kind, list, whole) => {
    const rows = list.map((x) => [itemLabel(kind, x), String(x.count), pct(x.count, whole)]);
    return card(id, title, pie(list.map((x) => [itemLabel(kind, x), x.count])),
      table(title, [t('stat.item'), t('stat.count'), t('stat.share')], rows, `table-${id}`));
  };

  const months = inc.by_month.map((x) => x.key);
  const monthRows = inc.by_month.map((x, i) => [x.key, String(x.count), String(mat.by_month[i].count)]);
  replace(body, tiles,
    card('month', t('stat.byMonth'), bar(months, [[t('stat.incidents'), inc.by_month.map((x) => x.count)],
      [t('stat.matters'), mat.by_month.map((x) => x.count)]]),
    table(t('stat.byMonth'), [t('stat.month'), t('stat.incidents'), t('stat.matters')], monthRows, 'table-month')),
    card('unit', t('stat.byUnit'), bar(inc.by_unit.map((x) => x.label), [[t('stat.incidents'), inc.by_unit.map((x) => x.count)]]),
      table(t('stat.byUnit'), [t('stat.unit'), t('stat.count')], inc.by_unit.map((x) => [x.label, String(x.count)]), 'table-unit')),
    listCard('category', t('stat.byCategory'), 'category', inc.by_category, inc.total),
    listCard('destination', t('stat.byDestination'), 'destination', inc.by_destination, inc.total),
    listCard('grade', t('stat.byGrade'), 'grade', inc.by_grade, inc.total),
    listCard('procedure', t('stat.byProcedure'), 'procedure', inc.by_procedure, inc.total),
    listCard('status', t('stat.byStatus'), 'status', inc.by_status, inc.total),
    listCard('mcategory', t('stat.mByCategory'), 'mcategory', mat.by_category, mat.total),
    listCard('channel', t('stat.mByChannel'), 'channel', mat.by_channel, mat.total),
    listCard('outcome', t('stat.mByOutcome'), 'outcome', mat.by_outcome, mat.total),
    listCard('satisfaction', t('stat.mBySatisfaction'), 'satisfaction', mat.by_satisfaction, mat.total),
    card('deadlines', t('stat.deadlines'), bar([t('stat.accept'), t('stat.conclude')],
      [[t('stat.met'), [acc.met, con.met]], [t('stat.missed'), [acc.missed, con.missed]], [t('stat.pending'), [acc.pending, con.pending]]]),
    table(t('stat.deadlines'), [t('stat.deadline'), t('stat.met'), t('stat.missed'), t('stat.pending')],
      [[t('stat.accept'), String(acc.met), String(acc.missed), String(acc.pending)],
        [t('stat.conclude'), String(con.met), String(con.missed), String(con.pending)]], 'table-deadlines')),
    h('p', { class: 'muted stat-note' }, t('stat.note')));

  if (echarts) {
    const locale = getLang() === 'zh' ? 'ZH' : 'EN';
    for (const c of cards) {
      const chart = echarts.init(c.el, null, { renderer: 'canvas', locale });
      chart.setOption({ animation: false, ...c.option });
      charts.push(chart);
    }
  }
  return stop;
}
