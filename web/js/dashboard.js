// dashboard.js — 指挥大屏 (#/dashboard), the landing page: one card per active incident from
// GET /dashboard, most severe grade first (drills after the real ones of their grade),
// with number, 演练, grade colour, status, live elapsed time, the next task due with its
// countdown, overdue tasks in red, how many petitioners still have no 包保 official (未包保,
// in red), progress per workstream, the latest timeline entries and a dispatch summary.
// It follows the live stream (re-fetching GET /dashboard, debounced) and shows whether
// the feed is live. A full-screen button and #/dashboard?wall=1 give the dark,
// large-type layout for a wall display, with a top strip of counts (active incidents,
// people on site, overdue tasks, petitioners without 包保 official, and for users who
// may read petitioner files the matters (诉求) near or past their legal deadline, from
// GET /matters?due=soon; clicking that count lists them). On a phone the wall is one
// column.

import { t, joinList } from './i18n.js';
import { get } from './api.js';
import { h, clear, replace, errorText } from './dom.js';
import {
  perms, drillBadge, gradeBadge, statusBadge, destinationName, workstreamName, resourceName,
  dispatchStatusName, countdownEl, clockTime, shortTime, setServerNow, serverNow, tick, debounce,
  serialised, liveIndicator, GRADES, expectedEl,
} from './incident-common.js';
import { subscribe } from './stream.js';
import { entryText } from './timeline.js';
import { taskProgress, escalationBadge } from './incidents.js';
import { pperms, categoryName, longCountdownEl, tickLong } from './people-common.js';
import { warningsLink } from './screening.js';

// "Near" a legal deadline: due within this many days, or already past.
const DUE_DAYS = 3;

function assigneeText(task) {
  return task.assignee ? task.assignee.name || '#' + task.assignee.id : t('dash.unassigned');
}

function taskLine(task, cls) {
  return h('li', { class: 'dash-task ' + (cls || ''), dataset: { taskId: task.id } },
    h('span', { class: 'dash-task-title' }, task.title || task.text || ''),
    h('span', { class: 'dash-task-who' + (task.assignee ? '' : ' unassigned') },
      (task.owner && task.owner.label ? task.owner.label + ' · ' : '') + assigneeText(task)),
    task.due_at ? countdownEl(task.due_at) : null);
}

function workstreamBars(list) {
  if (!Array.isArray(list) || !list.some((w) => w.total > 0)) return null;
  return h('div', { class: 'ws-bars', 'data-testid': 'workstreams' }, list.filter((w) => w.total > 0).map((w) => {
    const fill = h('span', { class: 'bar-fill' });
    fill.style.width = w.total ? Math.round((100 * w.done) / w.total) + '%' : '0%';
    return h('div', { class: 'ws-bar', dataset: { ws: w.id } },
      h('span', { class: 'ws-name' }, w.name || workstreamName(w.id)),
      h('span', { class: 'bar', role: 'img', 'aria-label': `${w.done}/${w.total}` }, fill),
      h('span', { class: 'num ws-count' }, `${w.done}/${w.total}`));
  }));
}

// "保卫干警 4（已到达 2，在途 2）"; released ones are left out of what is on site.
function dispatchSummary(list) {
  if (!Array.isArray(list) || list.length === 0) return h('p', { class: 'muted small' }, t('dash.noDispatch'));
  const byRes = new Map();
  for (const d of list) {
    if (!byRes.has(d.resource)) byRes.set(d.resource, new Map());
    const m = byRes.get(d.resource);
    m.set(d.status, (m.get(d.status) || 0) + (d.quantity || 0));
  }
  return h('ul', { class: 'dash-dispatch', 'data-testid': 'dispatch-summary' }, [...byRes].map(([res, m]) => {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    const parts = ['ordered', 'en_route', 'arrived', 'released'].filter((s) => m.get(s))
      .map((s) => `${dispatchStatusName(s)} ${m.get(s)}`);
    return h('li', null, h('strong', null, `${resourceName(res)} ${total}`), ' ', t('dash.paren', { x: joinList(parts) }));
  }));
}

function card(inc, receivedAt) {
  const grade = GRADES.includes(inc.grade) ? inc.grade : 'none';
  // Elapsed counts from the server's figure at the time of the answer.
  const since = Number.isFinite(inc.elapsed_s) ? new Date(receivedAt - inc.elapsed_s * 1000).toISOString()
    : (inc.activated_at || inc.registered_at);
  const overdue = Array.isArray(inc.overdue_tasks) ? inc.overdue_tasks : [];
  return h('article', {
    class: 'dash-card g-' + grade + (inc.drill ? ' is-drill' : '') + (overdue.length ? ' has-overdue' : ''),
    dataset: { incidentId: inc.id, number: inc.number || '' }, 'data-testid': 'incident-card',
  },
  h('header', { class: 'dash-card-head' },
    h('a', { href: '#/incidents/' + inc.id, class: 'dash-number' }, inc.number || '#' + inc.id),
    drillBadge(inc),
    gradeBadge(inc, 'big'),
    escalationBadge(inc, 'big'),
    statusBadge(inc.status)),
  h('p', { class: 'dash-facts' },
    t('dash.facts', { n: inc.headcount ?? '?', d: destinationName(inc.destination) }),
    inc.place ? ' · ' + inc.place : ''),
  inc.expected_at ? h('p', { class: 'dash-expected' },
    h('span', { class: 'dash-label' }, t('dash.expected')), ' ', shortTime(inc.expected_at),
    inc.expected_destination ? ' · ' + destinationName(inc.expected_destination) : '', ' ',
    expectedEl(inc.expected_at, 'expected-countdown')) : null,
  h('div', { class: 'dash-row' },
    h('span', { class: 'dash-label' }, t('dash.elapsed')),
    since ? h('span', { class: 'elapsed', dataset: { since }, 'data-testid': 'elapsed' }, '') : t('common.none'),
    h('span', { class: 'dash-label' }, t('dash.tasks')),
    taskProgress(inc.tasks)),
  h('div', { class: 'dash-next', 'data-testid': 'next-task' },
    h('span', { class: 'dash-label' }, t('dash.next')),
    inc.next_task ? h('ul', { class: 'dash-tasks' }, taskLine(inc.next_task, 'next'))
      : h('span', { class: 'muted' }, inc.status === 'registered' ? t('dash.notActivated') : t('dash.noNext'))),
  overdue.length ? h('div', { class: 'dash-overdue', 'data-testid': 'overdue' },
    h('span', { class: 'dash-label' }, t('dash.overdue', { n: overdue.length })),
    h('ul', { class: 'dash-tasks' }, overdue.slice(0, 5).map((x) => taskLine(x, 'late'))),
    overdue.length > 5 ? h('p', { class: 'small' }, t('dash.moreOverdue', { n: overdue.length - 5 })) : null) : null,
  inc.unassigned_persons ? h('p', { class: 'dash-unassigned', 'data-testid': 'unassigned-persons' },
    h('a', { href: '#/incidents/' + inc.id, class: 'unassigned-flag' },
      t('dash.unassignedPersons', { n: Array.isArray(inc.unassigned_persons) ? inc.unassigned_persons.length : inc.unassigned_persons }))) : null,
  workstreamBars(inc.workstreams),
  h('div', { class: 'dash-cols' },
    h('div', { class: 'dash-latest' },
      h('span', { class: 'dash-label' }, t('dash.latest')),
      Array.isArray(inc.latest) && inc.latest.length
        ? h('ol', { class: 'dash-entries' }, [...inc.latest].sort((a, b) => String(b.at).localeCompare(String(a.at)))
          .map((e) => h('li', { class: e.kind === 'note' ? 'note' : '' },
            h('time', { datetime: e.at || '' }, shortTime(e.at)), ' ',
            e.actor ? h('span', { class: 'tl-actor' }, e.actor) : null, ' ', entryText(e))))
        : h('p', { class: 'muted small' }, t('dash.noEntries'))),
    h('div', { class: 'dash-disp' },
      h('span', { class: 'dash-label' }, t('dash.dispatch')),
      dispatchSummary(inc.dispatches))));
}

// The server sends the most severe grade first; within a grade, drills go after real
// incidents, otherwise the server's order stays (the sort is stable).
function drillsLast(list) {
  const rank = (inc) => { const i = GRADES.indexOf(inc.grade); return i < 0 ? GRADES.length : i; };
  return [...list].sort((a, b) => rank(a) - rank(b) || (a.drill ? 1 : 0) - (b.drill ? 1 : 0));
}

// The matters near or past their deadline, soonest first: who, what, which deadline.
function mattersPanel(due) {
  const list = due.matters || [];
  return [
    h('h2', { class: 'dash-matters-title' }, t('strip.mattersTitle', { n: DUE_DAYS })),
    list.length ? h('ul', { class: 'dash-matter-list' }, list.map((m) => h('li', {
      class: 'dash-matter' + (m.overdue ? ' late' : ''), dataset: { matterId: m.id }, 'data-testid': 'due-matter',
    },
    h('a', { href: '#/persons/' + m.person_id, class: 'dash-matter-who' }, m.person ? m.person.name : '#' + m.person_id),
    h('span', { class: 'dash-matter-cat' }, categoryName(m.category)),
    h('span', { class: 'dash-matter-what' }, m.content || ''),
    h('span', { class: 'dash-matter-kind' }, t('strip.due.' + m.due_kind)),
    longCountdownEl(m.due_at, 'due-countdown'))))
      : h('p', { class: 'muted' }, t('strip.mattersNone')),
  ];
}

// The wall's top strip: what a leader takes in at a glance, summed over the cards.
// due: the answer of GET /matters?due=soon, or null when the user may not read files;
// onMatters: what clicking its count does.
function strip(list, due, mattersOpen, onMatters) {
  const sum = (f) => list.reduce((a, inc) => a + f(inc), 0);
  const drills = sum((inc) => (inc.drill ? 1 : 0));
  const item = (key, n, extra, alarm) => h('div', { class: 'strip-item' + (alarm && n ? ' alarm' : ''), dataset: { count: key } },
    h('span', { class: 'strip-num' }, String(n)), h('span', { class: 'strip-label' }, t('strip.' + key), extra || ''));
  return [
    item('incidents', list.length, drills ? t('strip.drills', { n: drills }) : ''),
    // A drill's people are not petitioners on site.
    item('people', sum((inc) => (inc.drill ? 0 : Number(inc.headcount) || 0))),
    item('overdue', sum((inc) => (Array.isArray(inc.overdue_tasks) ? inc.overdue_tasks.length : 0)), '', true),
    item('unassigned', sum((inc) => (Array.isArray(inc.unassigned_persons) ? inc.unassigned_persons.length : Number(inc.unassigned_persons) || 0)), '', true),
    due ? h('button', {
      type: 'button', class: 'strip-item strip-button' + (due.count ? ' alarm' : ''), dataset: { count: 'matters' },
      id: 'strip-matters', 'aria-expanded': mattersOpen ? 'true' : 'false', 'aria-controls': 'dash-matters', onclick: onMatters,
    }, h('span', { class: 'strip-num' }, String(due.count)),
    h('span', { class: 'strip-label' }, t('strip.matters', { n: DUE_DAYS }))) : null,
  ];
}

export async function renderDashboard(section, ctx, query) {
  const wall = query.get('wall') === '1';
  section.classList.add('dashboard');
  if (wall) {
    section.classList.add('wall');
    document.body.classList.add('wall-body');
  }
  const live = liveIndicator();
  const clock = h('span', { class: 'dash-clock', id: 'dash-clock' });
  const status = h('p', { class: 'muted', id: 'dash-status' });
  const error = h('div', { class: 'form-error', id: 'dash-error', role: 'alert', hidden: true });
  const cards = h('div', { class: 'dash-cards', id: 'dash-cards' });
  const counts = h('div', { class: 'dash-strip', id: 'dash-strip', 'data-testid': 'dash-strip' });
  const matters = h('section', { class: 'dash-matters', id: 'dash-matters', 'data-testid': 'due-matters', hidden: true });
  const canMatters = pperms.read(ctx);
  let lastList = [];
  let lastDue = null;
  const fsBtn = document.fullscreenEnabled ? h('button', {
    type: 'button', class: 'btn', id: 'dash-fullscreen', 'data-testid': 'fullscreen',
    onclick: () => toggleFullscreen(),
  }, t('dash.fullscreen')) : null;

  section.append(
    h('div', { class: 'page-head dash-head' },
      h('h1', null, t('nav.dashboard')),
      live.el,
      clock,
      h('span', { class: 'spacer' }),
      perms.register(ctx) && !wall ? h('a', { href: '#/incidents/new', class: 'btn primary big', id: 'dash-register', 'data-testid': 'register-btn' },
        t('reg.button')) : null,
      wall ? null : warningsLink(ctx),
      fsBtn,
      wall ? h('a', { href: '#/dashboard', class: 'btn', id: 'dash-wall-exit' }, t('dash.wallExit'))
        : h('a', { href: '#/dashboard?wall=1', class: 'btn', id: 'dash-wall' }, t('dash.wall'))),
    counts,
    matters,
    error,
    status,
    cards);

  function drawStrip() {
    replace(counts, strip(lastList, lastDue, !matters.hidden, () => {
      matters.hidden = !matters.hidden;
      drawStrip();
      const again = counts.querySelector('#strip-matters');
      if (again) again.focus();
    }));
    if (lastDue) replace(matters, mattersPanel(lastDue));
    else matters.hidden = true;
    tickLong(matters);
  }

  function updateClock() { clock.textContent = clockTime(new Date(serverNow()).toISOString()); }
  updateClock();

  if (!perms.read(ctx)) {
    live.el.hidden = true;
    status.textContent = '';
    cards.append(h('p', { class: 'notice', id: 'dash-no-read' }, t('dash.noRead')));
    const timer = setInterval(() => { if (!section.isConnected) clearInterval(timer); else updateClock(); }, 1000);
    return () => { clearInterval(timer); leaveWall(); };
  }

  async function fetchDashboard() {
    // The matters are a count beside the incidents: without them the wall still shows.
    const [r, due] = await Promise.all([get('/dashboard'),
      canMatters ? get(`/matters?due=soon&within_days=${DUE_DAYS}`).catch((e) => { if (e.handled) throw e; return null; }) : null]);
    const receivedAt = Date.now();
    if (r && r.now) setServerNow(r.now);
    const list = drillsLast((r && r.incidents) || []);
    replace(cards, list.map((inc) => card(inc, receivedAt + (serverNow() - Date.now()))));
    lastList = list;
    lastDue = due;
    drawStrip();
    status.textContent = list.length ? t('dash.count', { n: list.length }) : '';
    if (!list.length) cards.append(h('p', { class: 'dash-empty', id: 'dash-empty', 'data-testid': 'dash-empty' }, t('dash.empty')));
    error.hidden = true;
    tick(section);
  }
  const load = serialised(fetchDashboard);
  async function refresh() {
    try { await load(); } catch (err) {
      if (err.handled) return;
      error.textContent = errorText(err);
      error.hidden = false;
    }
  }

  try {
    await load();
  } catch (err) {
    if (err.handled) return leaveWall;
    clear(cards);
    error.textContent = errorText(err);
    error.hidden = false;
  }

  const later = debounce(refresh, 150);
  const unsubscribe = subscribe(() => later(), live.update);
  const onFs = () => {
    const on = document.fullscreenElement === section;
    section.classList.toggle('wall', on || wall);
    if (fsBtn) fsBtn.textContent = on ? t('dash.fullscreenExit') : t('dash.fullscreen');
  };
  document.addEventListener('fullscreenchange', onFs);

  let disposed = false;
  const timer = setInterval(() => {
    if (!section.isConnected) { dispose(); return; }
    updateClock();
    tick(section);
    tickLong(matters);
  }, 1000);

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else section.requestFullscreen().catch((e) => {
      error.textContent = t('dash.fullscreenFailed', { msg: e && e.message ? e.message : String(e) });
      error.hidden = false;
    });
  }

  function leaveWall() {
    document.body.classList.remove('wall-body');
  }

  function dispose() {
    if (disposed) return;
    disposed = true;
    clearInterval(timer);
    later.cancel();
    unsubscribe();
    document.removeEventListener('fullscreenchange', onFs);
    if (document.fullscreenElement === section) document.exitFullscreen().catch(() => {});
    leaveWall();
  }
  return dispose;
}
