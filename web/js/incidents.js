// incidents.js — 信访事件 list (#/incidents): newest first, 进行中 or 全部, 25 at a
// time with 加载更多 following next_after_id. Each row links to the incident page and
// shows number, 演练, status, grade, headcount, destination, place, registration time
// and task progress. Users who may register get the 登记事件 button on top. Withdrawn
// registrations (已作废) are left out except under their own tab (?withdrawn=1); a grade
// that rose with the facts shows 升级 (escalationBadge, also on the dashboard and the
// incident page).

import { t } from './i18n.js';
import { get } from './api.js';
import { h, clear, errorText, formatTime } from './dom.js';
import { perms, drillBadge, gradeBadge, statusBadge, destinationName } from './incident-common.js';

const PAGE = 25;

// 升级: the grade rose when the facts changed (incident.escalation {from, to, at}).
export function escalationBadge(inc, extraClass) {
  const e = inc && inc.escalation;
  if (!e) return null;
  return h('span', {
    class: 'escalation-badge' + (extraClass ? ' ' + extraClass : ''), 'data-testid': 'escalation', role: 'status',
    title: t('inc.escalatedFrom', { from: e.from_name || e.from, to: e.to_name || e.to }),
  }, '▲ ', t('inc.escalated'));
}

// The progress cell: "3/17" (done or skipped, of all) with a thin bar, and the overdue
// count in red.
export function taskProgress(tasks) {
  if (!tasks || !tasks.total) return h('span', { class: 'muted' }, t('common.none'));
  const finished = (tasks.done || 0) + (tasks.skipped || 0);
  const bar = h('span', { class: 'bar-fill' });
  bar.style.width = Math.round((100 * finished) / tasks.total) + '%';
  return h('span', { class: 'progress-cell' },
    h('span', { class: 'bar', 'aria-hidden': 'true' }, bar),
    h('span', { class: 'num', 'data-testid': 'progress' }, `${finished}/${tasks.total}`),
    tasks.overdue ? h('span', { class: 'overdue-count' }, t('inc.overdueN', { n: tasks.overdue })) : null);
}

export async function renderIncidentList(section, ctx, query) {
  const withdrawn = query.get('withdrawn') === '1';
  const all = !withdrawn && query.get('all') === '1';
  const tbody = h('tbody');
  const status = h('p', { class: 'muted', id: 'incidents-status' });
  const error = h('div', { class: 'form-error', id: 'incidents-error', role: 'alert', hidden: true });
  const more = h('button', { type: 'button', class: 'btn', id: 'incidents-more', hidden: true }, t('inc.more'));
  let nextAfter = null;
  let shown = 0;

  section.append(
    h('div', { class: 'page-head' },
      h('h1', null, t('nav.incidents')),
      perms.register(ctx) ? h('a', { href: '#/incidents/new', class: 'btn primary big', id: 'register-btn', 'data-testid': 'register-btn' },
        t('reg.button')) : null),
    h('nav', { class: 'tabs', id: 'incident-filter' },
      h('a', { href: '#/incidents', 'aria-current': all || withdrawn ? undefined : 'page', 'data-testid': 'filter-active' }, t('inc.filterActive')),
      h('a', { href: '#/incidents?all=1', 'aria-current': all ? 'page' : undefined, 'data-testid': 'filter-all' }, t('inc.filterAll')),
      h('a', { href: '#/incidents?withdrawn=1', 'aria-current': withdrawn ? 'page' : undefined, 'data-testid': 'filter-withdrawn' }, t('inc.filterWithdrawn'))),
    status,
    error,
    h('div', { class: 'table-wrap' },
      h('table', { class: 'grid incidents', id: 'incidents-table' },
        h('thead', null, h('tr', null,
          h('th', null, t('inc.number')), h('th', null, t('inc.status')), h('th', null, t('inc.grade')),
          h('th', { class: 'num' }, t('inc.headcount')), h('th', null, t('inc.destination')),
          h('th', null, t('inc.place')), h('th', null, t('inc.registeredAt')), h('th', null, t('inc.progress')))),
        tbody)),
    h('div', { class: 'buttons' }, more));

  if (!perms.read(ctx)) {
    status.textContent = t('inc.noRead');
    return null;
  }

  function row(inc) {
    const href = '#/incidents/' + inc.id;
    const cls = [inc.drill ? 'is-drill' : '', inc.status === 'withdrawn' ? 'is-withdrawn' : ''].filter(Boolean).join(' ');
    return h('tr', { dataset: { incidentId: inc.id, number: inc.number || '' }, class: cls || null },
      h('td', { class: 'nowrap' }, h('a', { href, class: 'inc-number' }, inc.number || '#' + inc.id), ' ', drillBadge(inc)),
      h('td', null, statusBadge(inc.status)),
      h('td', null, gradeBadge(inc), ' ', escalationBadge(inc)),
      h('td', { class: 'num' }, String(inc.headcount ?? '')),
      h('td', null, destinationName(inc.destination)),
      h('td', null, inc.place || ''),
      h('td', { class: 'nowrap' }, h('time', { datetime: inc.registered_at || '' }, formatTime(inc.registered_at))),
      h('td', null, taskProgress(inc.tasks)));
  }

  async function load() {
    error.hidden = true;
    more.disabled = true;
    let q = `?limit=${PAGE}`;
    if (withdrawn) q += '&status=withdrawn';
    else if (!all) q += '&active=1';
    if (nextAfter !== null) q += `&after_id=${encodeURIComponent(nextAfter)}`;
    const r = await get('/incidents' + q);
    const list = (r && r.incidents) || [];
    for (const inc of list) tbody.append(row(inc));
    shown += list.length;
    nextAfter = r && r.next_after_id !== undefined && r.next_after_id !== null ? r.next_after_id : null;
    more.hidden = nextAfter === null;
    more.disabled = false;
    if (shown === 0) status.textContent = withdrawn ? t('inc.emptyWithdrawn') : all ? t('inc.emptyAll') : t('inc.emptyActive');
    else status.textContent = nextAfter === null ? t('inc.countEnd', { n: shown }) : t('inc.countMore', { n: shown });
  }

  more.addEventListener('click', async () => {
    try { await load(); } catch (err) {
      more.disabled = false;
      if (!err.handled) { error.textContent = errorText(err); error.hidden = false; }
    }
  });

  try {
    await load();
  } catch (err) {
    if (err.handled) return null;
    clear(tbody);
    error.textContent = errorText(err);
    error.hidden = false;
  }
  return null;
}
