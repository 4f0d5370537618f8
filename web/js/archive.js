// archive.js — the 记录与报告 area (#/records): the archived incidents with their seal
// (GET /incidents/{id}/seal: sealed, and whether the rows still give the seal) and the
// archive ZIP to download (GET /incidents/{id}/archive), and the incidents still being
// closed (总结评价, 已上报) with a way into their records and reports; and the 归档 tab of
// one incident's 记录与报告 page.

import { t } from './i18n.js';
import { get } from './api.js';
import { h, replace, errorText, formatTime } from './dom.js';
import { perms, statusBadge, drillBadge } from './incident-common.js';
import { shortHash } from './records.js';

// "已封存 · 完好" / "已封存 · 封存后被改动" / "未封存".
function sealBadge(seal) {
  if (!seal) return h('span', { class: 'badge seal-unknown', 'data-testid': 'seal' }, t('arc.sealUnknown'));
  if (!seal.sealed) return h('span', { class: 'badge seal-none', 'data-testid': 'seal', dataset: { seal: 'none' } }, t('arc.notSealed'));
  return seal.intact
    ? h('span', { class: 'badge seal-ok', 'data-testid': 'seal', dataset: { seal: 'intact' } }, t('arc.sealIntact'))
    : h('span', { class: 'badge seal-bad', 'data-testid': 'seal', dataset: { seal: 'broken' }, role: 'status' }, t('arc.sealBroken'));
}

const sealOf = (id) => get('/incidents/' + encodeURIComponent(id) + '/seal').catch((e) => { if (e.handled) throw e; return null; });
const zipLink = (id, testid) => h('a', { class: 'btn small', href: `/api/v1/incidents/${encodeURIComponent(id)}/archive`, download: true, 'data-testid': testid || 'archive-zip' }, t('arc.download'));

export async function renderArchiveList(section, ctx) {
  section.append(h('div', { class: 'page-head' }, h('h1', null, t('nav.records'))),
    h('p', { class: 'muted' }, t('arc.intro')));
  if (!perms.read(ctx)) { section.append(h('p', { class: 'notice' }, t('inc.noRead'))); return null; }
  const error = h('div', { class: 'form-error', role: 'alert', id: 'arc-error', hidden: true });
  const archived = h('div', { id: 'arc-list' });
  const closing = h('div', { id: 'arc-closing' });
  section.append(error,
    h('h2', null, t('arc.archived')), archived,
    h('h2', null, t('arc.closing')), h('p', { class: 'muted small' }, t('arc.closingHint')), closing);
  try {
    const [a, ev, rep] = await Promise.all([
      get('/incidents?status=archived&limit=100'), get('/incidents?status=evaluating&limit=100'), get('/incidents?status=reported&limit=100')]);
    const list = (a && a.incidents) || [];
    const seals = await Promise.all(list.map((inc) => sealOf(inc.id)));
    replace(archived, list.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'arc-table' },
      h('thead', null, h('tr', null, h('th', null, t('arc.number')), h('th', null, t('inc.place')), h('th', null, t('arc.sealedAt')),
        h('th', null, t('arc.seal')), h('th', null, t('arc.hash')), h('th', null, t('rep.actions')))),
      h('tbody', null, list.map((inc, i) => {
        const seal = seals[i];
        return h('tr', { 'data-testid': 'archived-incident', dataset: { incidentId: inc.id } },
          h('td', null, h('a', { href: '#/incidents/' + inc.id, class: 'inc-number' }, inc.number || '#' + inc.id), ' ', drillBadge(inc)),
          h('td', null, inc.place || t('common.none')),
          h('td', { class: 'nowrap' }, seal && seal.sealed_at ? formatTime(seal.sealed_at) : t('common.none')),
          h('td', null, sealBadge(seal)),
          h('td', null, seal && seal.hash ? shortHash(seal.hash, 'seal-hash') : t('common.none')),
          h('td', { class: 'actions' },
            h('a', { class: 'btn small', href: `#/records/${inc.id}`, 'data-testid': 'arc-open' }, t('arc.open')),
            zipLink(inc.id)));
      }))))
      : h('p', { class: 'muted', id: 'arc-empty' }, t('arc.empty')));
    const open = [...((ev && ev.incidents) || []), ...((rep && rep.incidents) || [])];
    replace(closing, open.length ? h('ul', { class: 'arc-closing-list' }, open.map((inc) => h('li', { 'data-testid': 'closing-incident' },
      h('a', { href: `#/records/${inc.id}`, class: 'inc-number' }, inc.number || '#' + inc.id), ' ', statusBadge(inc.status),
      inc.place ? h('span', { class: 'muted' }, ' ', inc.place) : null)))
      : h('p', { class: 'muted' }, t('arc.noneClosing')));
  } catch (err) {
    if (err.handled) return null;
    error.textContent = errorText(err);
    error.hidden = false;
  }
  return null;
}

// The 归档 tab of one incident: its seal and the archive to download once archived.
export function createArchivePanel(ctx, id, page) {
  const box = h('div', { id: 'arc-panel-body' });
  async function load() {
    const inc = page.incident();
    if (inc.status !== 'archived') {
      replace(box, h('p', { class: 'notice', id: 'arc-not-yet' }, t('arc.notYet')));
      return;
    }
    let seal = null;
    try { seal = await sealOf(id); } catch (err) { if (err.handled) return; }
    replace(box, h('dl', { class: 'facts', id: 'arc-seal' },
      h('dt', null, t('arc.seal')), h('dd', null, sealBadge(seal)),
      seal && seal.sealed_at ? [h('dt', null, t('arc.sealedAt')), h('dd', null, formatTime(seal.sealed_at))] : null,
      seal && seal.hash ? [h('dt', null, t('arc.hash')), h('dd', null, h('code', { class: 'hash wrap', id: 'arc-seal-hash' }, seal.hash))] : null),
    h('p', { class: 'muted small' }, t('arc.zipHint')),
    h('div', { class: 'buttons' }, zipLink(id, 'arc-download')));
  }
  const el = h('section', { class: 'rr-panel', id: 'archive-panel' }, h('h2', null, t('arc.title')), box);
  return { el, load };
}
