// incident.js — one incident (#/incidents/{id}): the header with number, 演练 banner,
// status and the server's decision (适用/不启动, grade, procedure and the reasons, i.e.
// which rules fired), the actions (启动预案, the transitions the server allows, the
// grade/scope override with its required reason), then the checklist, the dispatch
// board and the timeline with the 现场情况 form; the 信访人 panel (petitioners, quick
// entry, 包保 assignment, incident-people.js), the meetings whose decisions become tasks
// (meetings.js) and the reply venue booking on the step that chooses the venue
// (venues.js). The page follows the live stream and
// reloads when a message names this incident; forms being typed in are kept.

import { t, joinList } from './i18n.js';
import { get, post } from './api.js';
import { h, clear, replace, field, select, showError, showMessage, clearErrors, busy, errorText, formatTime } from './dom.js';
import {
  perms, drillBadge, gradeBadge, statusBadge, statusName, destinationName, scopeText, gradeName,
  GRADES, tick, debounce, serialised, liveIndicator, keepFocus,
} from './incident-common.js';
import { subscribe } from './stream.js';
import { createChecklist } from './checklist.js';
import { createDispatchBoard } from './dispatch.js';
import { createTimeline } from './timeline.js';
import { createPeoplePanel } from './incident-people.js';
import { createMeetings } from './meetings.js';
import { createVenueBooking } from './venues.js';

export async function renderIncident(section, ctx, id) {
  if (!perms.read(ctx)) {
    section.append(h('h1', null, t('nav.incidents')), h('p', { class: 'notice' }, t('inc.noRead')));
    return null;
  }
  const model = { incident: null, tasks: [], dispatches: [], entries: [], units: null };
  const ui = { confirm: null, reason: '', lastConflict: null };
  const live = liveIndicator();

  const banner = h('div', { id: 'inc-banner' });
  const head = h('div', { class: 'inc-head', id: 'inc-head' });
  const decision = h('div', { class: 'decision', id: 'inc-decision' });
  const actions = h('div', { class: 'inc-actions', id: 'inc-actions' });
  const actionError = h('div', { class: 'form-error', id: 'inc-action-error', role: 'alert', hidden: true });
  const pageError = h('div', { class: 'form-error', id: 'inc-error', role: 'alert', hidden: true });

  const reload = serialised(async () => {
    const base = '/incidents/' + encodeURIComponent(id);
    const [inc, tasks, disp, tl] = await Promise.all([
      get(base), get(base + '/tasks'), get(base + '/dispatches'), get(base + '/timeline'),
      people.load(), meetings.load(), venues.load(),
    ]);
    model.incident = inc;
    model.tasks = (tasks && tasks.tasks) || [];
    model.dispatches = (disp && disp.dispatches) || [];
    model.entries = (tl && tl.entries) || [];
    draw();
  });

  // Reloads, showing a failure above the page instead of throwing.
  async function refresh() {
    try {
      await reload();
      pageError.hidden = true;
    } catch (err) {
      if (err.handled) return;
      pageError.textContent = errorText(err);
      pageError.hidden = false;
    }
  }

  const venues = createVenueBooking(ctx, id, refresh);
  const checklist = createChecklist(ctx, {
    reload: refresh, requestDispatch: (r) => dispatchBoard.prefill(r), venue: (task, inc) => venues.forTask(task, inc),
  });
  const dispatchBoard = createDispatchBoard(ctx, id, refresh);
  const timeline = createTimeline(ctx, id, refresh);
  const people = createPeoplePanel(ctx, id, refresh);
  const meetings = createMeetings(ctx, id, refresh);

  function unitNames(ids) {
    if (!Array.isArray(ids) || ids.length === 0) return t('common.none');
    return joinList(ids.map((u) => {
      const unit = model.units && model.units.find((x) => x.id === u);
      return unit ? unit.name : '#' + u;
    }));
  }

  function drawHead() {
    const inc = model.incident;
    replace(banner, inc.drill ? h('div', { class: 'drill-banner', 'data-testid': 'drill-banner', role: 'note' },
      h('strong', null, t('inc.drill')), ' ', t('inc.drillBanner')) : null);
    replace(head,
      h('div', { class: 'inc-title' },
        h('h1', { id: 'inc-number' }, inc.number || '#' + inc.id),
        drillBadge(inc),
        statusBadge(inc.status),
        gradeBadge(inc, 'big'),
        h('span', { class: 'spacer' }),
        live.el),
      h('dl', { class: 'facts inc-facts' },
        h('dt', null, t('inc.headcount')), h('dd', { id: 'inc-headcount' }, String(inc.headcount ?? '')),
        h('dt', null, t('inc.destination')), h('dd', { id: 'inc-destination' }, destinationName(inc.destination)),
        h('dt', null, t('inc.advance')), h('dd', null, inc.advance_info ? t('reg.advanceYes') : t('reg.advanceNo')),
        h('dt', null, t('inc.place')), h('dd', null, inc.place || t('common.none')),
        h('dt', null, t('inc.units')), h('dd', null, unitNames(inc.units)),
        h('dt', null, t('inc.demands')), h('dd', { class: 'pre' }, inc.demands || t('common.none')),
        inc.category ? [h('dt', null, t('reg.category')), h('dd', null, inc.category)] : null,
        h('dt', null, t('inc.registeredAt')), h('dd', null, formatTime(inc.registered_at)),
        inc.activated_at ? [h('dt', null, t('inc.activatedAt')), h('dd', null, formatTime(inc.activated_at))] : null,
        inc.plan ? [h('dt', null, t('inc.plan')), h('dd', null, inc.plan.title || '',
          inc.plan.hash ? h('code', { class: 'hash', title: inc.plan.hash }, ' ' + String(inc.plan.hash).slice(0, 8)) : null)] : null));

    const scopeCls = inc.in_scope === true ? 'in' : inc.in_scope === false ? 'out' : 'unknown';
    const ov = inc.override;
    replace(decision,
      h('div', { class: 'decision-main' },
        h('span', { class: 'decision-scope scope-' + scopeCls, id: 'inc-scope', 'data-testid': 'scope' }, scopeText(inc)),
        inc.grade ? gradeBadge(inc, 'huge') : null,
        inc.procedure && inc.in_scope !== false ? h('span', { class: 'decision-proc', id: 'inc-procedure' },
          t('inc.procedureIs', { p: inc.procedure }), ' ', inc.procedure_name || '') : null),
      h('div', { class: 'reasons' },
        h('h2', null, t('inc.reasons')),
        Array.isArray(inc.reasons) && inc.reasons.length
          ? h('ul', { id: 'inc-reasons' }, inc.reasons.map((r) => h('li', null, r)))
          : h('p', { class: 'muted' }, t('inc.noReasons'))),
      ov ? h('p', { class: 'override-note', id: 'inc-override-note' },
        t('inc.overridden', {
          what: joinList([
            ov.grade ? t('inc.overGrade', { g: gradeName(ov.grade) }) : null,
            ov.in_scope === true ? t('inc.inScope') : ov.in_scope === false ? t('inc.outOfScope') : null,
          ].filter(Boolean)),
          by: ov.by || '', at: formatTime(ov.at),
        }),
        inc.grade_computed && inc.grade_computed !== inc.grade
          ? ' ' + t('inc.computedWas', { g: gradeName(inc.grade_computed) }) : null,
        h('br'), t('inc.overrideReason'), ov.reason || '') : null);
  }

  function drawActions() {
    const inc = model.incident;
    clear(actions);
    if (!perms.manage(ctx)) return;
    const buttons = [];
    if (inc.status === 'registered' && inc.in_scope) {
      buttons.push(h('button', {
        type: 'button', class: 'btn primary big', id: 'activate-btn', 'data-testid': 'activate',
        onclick: (ev) => activate(ev.currentTarget),
      }, t('inc.activate')));
    }
    for (const to of inc.allowed || []) {
      if (to === 'activated') continue;
      buttons.push(h('button', {
        type: 'button', class: 'btn' + (ui.confirm === to ? ' pressed' : ''), 'data-testid': 'transition-' + to,
        id: 'transition-' + to, 'aria-expanded': ui.confirm === to ? 'true' : 'false',
        onclick: () => { ui.confirm = ui.confirm === to ? null : to; drawActions(); },
      }, t('trans.' + to) === 'trans.' + to ? t('trans.generic', { s: statusName(to) }) : t('trans.' + to)));
    }
    buttons.push(h('button', {
      type: 'button', class: 'btn', id: 'override-toggle', 'aria-expanded': overrideForm.hidden ? 'false' : 'true',
      onclick: () => { overrideForm.hidden = !overrideForm.hidden; drawActions(); if (!overrideForm.hidden) overrideForm.querySelector('select').focus(); },
    }, t('ov.button')));
    actions.append(h('div', { class: 'buttons' }, buttons));
    if (ui.lastConflict) {
      actions.append(h('p', { class: 'notice', id: 'inc-allowed' }, t('inc.allowedNow', {
        list: (inc.allowed || []).filter((s) => s !== 'activated').length
          ? joinList((inc.allowed || []).filter((s) => s !== 'activated').map(statusName)) : t('inc.allowedNone'),
      })));
    }
    if (ui.confirm && (inc.allowed || []).includes(ui.confirm)) actions.append(confirmForm(ui.confirm));
    else ui.confirm = null;
  }

  function confirmForm(to) {
    const reason = h('textarea', { id: 'transition-reason', name: 'reason', rows: '2' });
    reason.value = ui.reason;
    reason.addEventListener('input', () => { ui.reason = reason.value; });
    const form = h('form', { class: 'inline-form', id: 'transition-form', novalidate: true },
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('p', null, t('trans.confirm', { from: statusName(model.incident.status), to: statusName(to) })),
      field(t('trans.reason') + ' ' + t('common.optional'), reason),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'transition-submit', 'data-testid': 'transition-confirm' }, t('trans.do')),
        h('button', { type: 'button', class: 'btn', onclick: () => { ui.confirm = null; drawActions(); } }, t('common.cancel'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const body = { to };
      if (reason.value.trim()) body.reason = reason.value.trim();
      const done = busy(form, t('common.busy'));
      try {
        await post('/incidents/' + encodeURIComponent(id) + '/transition', body);
        done();
        ui.confirm = null; ui.reason = ''; ui.lastConflict = null;
        actionError.hidden = true;
        await refresh();
      } catch (err) {
        done();
        if (err.handled) return;
        if (err.status === 409) {
          // Someone else moved the incident on: show what is allowed now.
          ui.confirm = null; ui.lastConflict = err;
          actionError.textContent = errorText(err);
          actionError.hidden = false;
          await refresh();
        } else showError(form, err);
      }
    });
    return form;
  }

  async function activate(btn) {
    actionError.hidden = true;
    btn.disabled = true;
    try {
      await post('/incidents/' + encodeURIComponent(id) + '/activate', {});
      ui.lastConflict = null;
      await refresh();
    } catch (err) {
      btn.disabled = false;
      if (err.handled) return;
      actionError.textContent = errorText(err);
      actionError.hidden = false;
      if (err.status === 409) { ui.lastConflict = err; await refresh(); }
    }
  }

  // The override form is built once so that what is typed survives live reloads.
  const ovGrade = select({ id: 'ov-grade', name: 'grade' },
    [{ value: '', label: t('ov.keep') }, ...GRADES.map((g) => ({ value: g, label: gradeName(g) }))]);
  const ovScope = select({ id: 'ov-scope', name: 'in_scope' }, [
    { value: '', label: t('ov.keep') }, { value: 'true', label: t('inc.inScope') }, { value: 'false', label: t('inc.outOfScope') }]);
  const ovReason = h('textarea', { id: 'ov-reason', name: 'reason', rows: '2', required: true });
  const overrideForm = h('form', { class: 'inline-form', id: 'override-form', novalidate: true, hidden: true },
    h('h2', null, t('ov.title')),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('p', { class: 'muted small' }, t('ov.hint')),
    h('div', { class: 'row' }, field(t('ov.grade'), ovGrade), field(t('ov.scope'), ovScope)),
    field(t('ov.reason'), ovReason),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'btn primary', id: 'override-submit' }, t('ov.submit')),
      h('button', { type: 'button', class: 'btn', onclick: () => { overrideForm.hidden = true; drawActions(); } }, t('common.cancel'))));
  overrideForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(overrideForm);
    const body = {};
    if (ovGrade.value) body.grade = ovGrade.value;
    if (ovScope.value) body.in_scope = ovScope.value === 'true';
    if (!('grade' in body) && !('in_scope' in body)) { showMessage(overrideForm, t('ov.needChange'), 'grade'); return; }
    if (!ovReason.value.trim()) { showMessage(overrideForm, t('ov.needReason'), 'reason'); return; }
    body.reason = ovReason.value.trim();
    const done = busy(overrideForm, t('common.busy'));
    try {
      await post('/incidents/' + encodeURIComponent(id) + '/override', body);
      done();
      ovGrade.value = ''; ovScope.value = ''; ovReason.value = '';
      overrideForm.hidden = true;
      await refresh();
    } catch (err) {
      done();
      if (!err.handled) showError(overrideForm, err);
    }
  });

  const incBody = h('div', { class: 'inc-body' },
    h('div', { class: 'inc-main' }, checklist.el, people.el, meetings.el, dispatchBoard.el),
    h('div', { class: 'inc-side' }, timeline.el));

  function draw() {
    drawHead();
    keepFocus(actions, drawActions);
    checklist.update(model.incident, model.tasks);
    dispatchBoard.update(model.incident, model.dispatches);
    timeline.update(model.entries);
    people.update(model.incident);
    meetings.update(model.incident, model.tasks);
    // Out of scope, nothing to check or dispatch: the timeline takes the whole width.
    incBody.classList.toggle('side-only', checklist.el.hidden && dispatchBoard.el.hidden);
    tick(section);
  }

  section.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/incidents' }, t('inc.back'))),
    pageError,
    banner,
    head,
    decision,
    actionError,
    actions,
    overrideForm,
    incBody);

  try {
    const [, units] = await Promise.all([reload(), get('/units').catch((e) => { if (e.handled) throw e; return null; })]);
    model.units = units && units.units ? units.units : null;
    if (model.units) drawHead();
  } catch (err) {
    if (err.handled) return null;
    clear(section);
    section.append(
      h('p', { class: 'crumbs' }, h('a', { href: '#/incidents' }, t('inc.back'))),
      h('p', { class: 'form-error', role: 'alert', id: 'inc-error' },
        err.status === 404 ? t('inc.notFound') : errorText(err)));
    return null;
  }

  // Live: reload when a message names this incident (or after a gap in the feed).
  const later = debounce(refresh, 150);
  const unsubscribe = subscribe((msg) => {
    if (msg.resync || String(msg.incident_id) === String(id)) later();
  }, live.update);
  let disposed = false;
  const timer = setInterval(() => {
    if (!section.isConnected) { dispose(); return; }
    tick(section);
  }, 1000);
  function dispose() {
    if (disposed) return;
    disposed = true;
    clearInterval(timer);
    later.cancel();
    unsubscribe();
  }
  return dispose;
}
