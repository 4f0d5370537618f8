// assignments.js — 包保 (#/assignments): 我的包保对象 (GET /assignments?mine=1), the
// petitioners assigned to the signed-in official, soonest due first, each with status
// (稳定/有反复/已化解), the next follow-up due with a countdown (red once overdue), the
// last follow-up, and the form to record one (走访/谈话/电话/帮扶, what was done, the
// status now; POST /assignments/{id}/followups). The petition office and others who see
// every file can switch to all assignments (#/assignments?all=1).

import { t } from './i18n.js';
import { get } from './api.js';
import { h, clear, replace, errorText, formatTime } from './dom.js';
import { tick } from './incident-common.js';
import { pperms, loadUnits, unitName, longCountdownEl, tickLong, assignmentBadge, followupForm, lastFollowupEl, ASSIGNMENT_STATUSES } from './people-common.js';

export async function renderAssignments(section, ctx, query) {
  const seeAll = pperms.allAssignments(ctx);
  const all = seeAll && query.get('all') === '1';
  section.append(h('div', { class: 'page-head' }, h('h1', null, t('nav.assignments'))));
  if (!pperms.read(ctx) && !pperms.followup(ctx)) {
    section.append(h('p', { class: 'notice', id: 'assignments-no-read' }, t('asg.noRead')));
    return null;
  }
  if (seeAll) {
    section.append(h('nav', { class: 'tabs', id: 'assignment-filter' },
      h('a', { href: '#/assignments', 'aria-current': all ? undefined : 'page', 'data-testid': 'filter-mine' }, t('asg.mine')),
      h('a', { href: '#/assignments?all=1', 'aria-current': all ? 'page' : undefined, 'data-testid': 'filter-all' }, t('asg.all'))));
  }
  const status = h('p', { class: 'muted', id: 'assignments-status' });
  const error = h('div', { class: 'form-error', role: 'alert', id: 'assignments-error', hidden: true });
  const list = h('div', { class: 'assignment-cards', id: 'assignment-list' });
  section.append(h('h2', null, all ? t('asg.allTitle') : t('asg.mineTitle')),
    h('p', { class: 'muted small' }, t('asg.about')), status, error, list);

  const ui = { open: null, notice: null };
  let items = [];
  let units = [];
  const numbers = new Map(); // incident id -> number, for the links

  async function incidentNumbers() {
    const ids = [...new Set(items.map((a) => a.incident_id).filter((x) => x && !numbers.has(x)))];
    await Promise.all(ids.map(async (iid) => {
      try {
        const inc = await get('/incidents/' + encodeURIComponent(iid));
        numbers.set(iid, inc.number || '#' + iid);
      } catch (err) {
        if (err.handled) throw err;
        numbers.set(iid, '#' + iid);
      }
    }));
  }

  function card(a) {
    const resolved = a.status === 'resolved';
    const late = !resolved && a.next_due_at && Date.parse(a.next_due_at) < Date.now();
    const open = ui.open === a.id;
    const mayRecord = !a.ended_at && (ctx.hasRole('petition_office') || ctx.hasRole('unit_head')
      || (ctx.hasRole('official') && a.official && a.official.id === ctx.state.user.id));
    const p = a.person || {};
    return h('article', {
      class: 'assignment-card astatus-' + a.status + (late ? ' overdue' : ''),
      dataset: { assignmentId: a.id, personId: p.id ?? '' }, 'data-testid': 'assignment',
    },
    h('header', { class: 'task-top' },
      h('a', { href: '#/persons/' + p.id, class: 'person-name big-name' }, p.name || '#' + p.id),
      assignmentBadge(a.status),
      h('span', { class: 'muted' }, unitName(units, p.unit_id)),
      a.incident_id ? h('a', { href: '#/incidents/' + a.incident_id, class: 'inc-number' }, numbers.get(a.incident_id) || '#' + a.incident_id) : null),
    h('dl', { class: 'facts' },
      all ? [h('dt', null, t('asg.official')), h('dd', null, a.official ? a.official.name : t('common.none'))] : null,
      h('dt', null, t('asg.nextDue')),
      h('dd', { class: 'next-due' }, resolved ? t('asg.noNext')
        : [h('time', { datetime: a.next_due_at || '' }, formatTime(a.next_due_at)), ' ', longCountdownEl(a.next_due_at, 'next-due')]),
      h('dt', null, t('asg.last')), h('dd', null, lastFollowupEl(a.last_followup)),
      h('dt', null, t('asg.interval')), h('dd', null, t('asg.everyDays', { n: a.interval_days }))),
    ui.notice && ui.notice.id === a.id ? h('div', { class: 'form-ok', role: 'status', 'data-testid': 'followup-saved' }, ui.notice.text) : null,
    mayRecord && !open ? h('div', { class: 'buttons' }, h('button', {
      type: 'button', class: 'btn primary', 'data-testid': 'followup-open', id: 'fu-open-' + a.id,
      onclick: () => { ui.open = a.id; ui.notice = null; draw(); const c = document.getElementById(`fu-${a.id}-content`); if (c) c.focus(); },
    }, t('fu.record'))) : null,
    open ? followupForm(a, 'fu-' + a.id, async (updated) => {
      ui.open = null;
      ui.notice = { id: a.id, text: t('fu.saved', { at: formatTime(updated.next_due_at) }) };
      items = items.map((x) => (x.id === updated.id ? updated : x));
      draw();
      load().catch(showError);
    }, () => { ui.open = null; draw(); }) : null);
  }

  function draw() {
    const counts = Object.fromEntries(ASSIGNMENT_STATUSES.map((s) => [s, items.filter((a) => a.status === s).length]));
    const late = items.filter((a) => a.status !== 'resolved' && a.next_due_at && Date.parse(a.next_due_at) < Date.now()).length;
    status.textContent = items.length ? t('asg.count', { n: items.length, s: counts.stable, r: counts.relapsed, d: counts.resolved, l: late })
      : (all ? t('asg.emptyAll') : t('asg.emptyMine'));
    status.classList.toggle('has-overdue', late > 0);
    replace(list, items.map(card));
  }

  function showError(err) {
    if (err.handled) return;
    error.textContent = errorText(err);
    error.hidden = false;
  }

  async function load() {
    const r = await get(all ? '/assignments' : '/assignments?mine=1');
    items = (r && r.assignments) || [];
    await incidentNumbers();
    error.hidden = true;
    // An open form keeps its text: redraw only when none is open.
    if (ui.open === null) draw();
  }

  try {
    units = await loadUnits();
    await load();
  } catch (err) {
    clear(list);
    showError(err);
    if (err.handled) return null;
  }
  const timer = setInterval(() => {
    if (!section.isConnected) { clearInterval(timer); return; }
    tickLong(section);
    tick(section);
  }, 30000);
  return () => clearInterval(timer);
}
