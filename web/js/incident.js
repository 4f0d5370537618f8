// incident.js — one incident (#/incidents/{id}): the header with number, 演练 banner,
// status and the server's decision (适用/不启动, grade, procedure and the reasons, i.e.
// which rules fired), the actions (启动预案, the transitions the server allows, the
// grade/scope override with its required reason), then the checklist, the dispatch
// board and the timeline with the 现场情况 form; the 信访人 panel (petitioners, quick
// entry, 包保 assignment, incident-people.js), the meetings whose decisions become tasks
// (meetings.js) and the reply venue booking on the step that chooses the venue
// (venues.js). A disclosure under the decision shows the plan's principles (GET /plan)
// and the text of the current step in one click. The page follows the live stream and
// reloads when a message names this incident; forms being typed in are kept.
// Facts that change (人数, 去向, 提前掌握信息 before activation) are corrected with
// 更正人数/去向 (PATCH; the server decides again); a grade that rose shows 升级. A
// registration made by mistake is withdrawn (作废) with its reason through the
// transition form, and the page then shows it as withdrawn. Below, the 责任追究 findings
// linked to the incident, for the roles that see them (incident-accountability.js).

import { t, joinList } from './i18n.js';
import { get, post, patch } from './api.js';
import { h, clear, replace, field, select, showError, showMessage, clearErrors, busy, errorText, formatTime } from './dom.js';
import {
  perms, drillBadge, gradeBadge, statusBadge, statusName, destinationName, scopeText, gradeName, expectedEl,
  beijingInputValue, beijingInputToIso,
  GRADES, tick, debounce, serialised, liveIndicator, keepFocus,
} from './incident-common.js';
import { subscribe } from './stream.js';
import { createChecklist } from './checklist.js';
import { createDispatchBoard } from './dispatch.js';
import { createTimeline } from './timeline.js';
import { createPeoplePanel } from './incident-people.js';
import { createMeetings } from './meetings.js';
import { createToldPanel } from './notifications.js';
import { createVenueBooking } from './venues.js';
import { createAccountability } from './incident-accountability.js';
import { escalationBadge } from './incidents.js';
import { planText, planReason, setPlanDoc, procedureName, planTitle } from './plan-words.js';
import { DESTINATIONS } from './incident-common.js';

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
  // The plan's principles and the current step, one click away; built once so that it
  // stays open across live reloads.
  const guideBody = h('div', { class: 'guide-body' });
  const guide = h('details', { class: 'inc-guide', id: 'inc-guide' },
    h('summary', { id: 'inc-guide-toggle', 'data-testid': 'guide' }, t('guide.button')), guideBody);
  let principles = [];
  let planDoc = null; // the current plan's document: its English for the reasons

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
  const told = createToldPanel(id); // who was told what (notifications.js)
  const accountability = createAccountability(ctx, id); // 责任追究 (incident-accountability.js)

  function unitNames(ids) {
    if (!Array.isArray(ids) || ids.length === 0) return t('common.none');
    return joinList(ids.map((u) => {
      const unit = model.units && model.units.find((x) => x.id === u);
      return unit ? unit.name : '#' + u;
    }));
  }

  function drawHead() {
    const inc = model.incident;
    const w = inc.withdrawn;
    replace(banner, inc.drill ? h('div', { class: 'drill-banner', 'data-testid': 'drill-banner', role: 'note' },
      h('strong', null, t('inc.drill')), ' ', t('inc.drillBanner')) : null,
    inc.status === 'withdrawn' ? h('div', { class: 'withdrawn-banner', id: 'inc-withdrawn', 'data-testid': 'withdrawn-banner', role: 'note' },
      t('inc.withdrawnNote', { by: (w && (w.by_name || w.by)) || '', at: formatTime(w && w.at), reason: (w && w.reason) || '' })) : null);
    replace(head,
      h('div', { class: 'inc-title' },
        h('h1', { id: 'inc-number' }, inc.number || '#' + inc.id),
        drillBadge(inc),
        statusBadge(inc.status),
        gradeBadge(inc, 'big'),
        escalationBadge(inc, 'big'),
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
        inc.expected_at ? [h('dt', null, t('inc.expectedAt')), h('dd', { id: 'inc-expected' }, formatTime(inc.expected_at), ' ',
          expectedEl(inc.expected_at, 'expected-countdown'))] : null,
        inc.expected_destination ? [h('dt', null, t('inc.expectedDestination')), h('dd', { id: 'inc-expected-destination' }, destinationName(inc.expected_destination))] : null,
        inc.occurred_at ? [h('dt', null, t('inc.occurredAt')), h('dd', { id: 'inc-occurred' }, formatTime(inc.occurred_at))] : null,
        h('dt', null, t('inc.registeredAt')), h('dd', null, formatTime(inc.registered_at)),
        inc.activated_at ? [h('dt', null, t('inc.activatedAt')), h('dd', null, formatTime(inc.activated_at))] : null,
        inc.plan ? [h('dt', null, t('inc.plan')), h('dd', null, planTitle(inc.plan.title),
          inc.plan.hash ? h('code', { class: 'hash', title: inc.plan.hash }, ' ' + String(inc.plan.hash).slice(0, 8)) : null)] : null));

    const scopeCls = inc.in_scope === true ? 'in' : inc.in_scope === false ? 'out' : 'unknown';
    const ov = inc.override;
    replace(decision,
      h('div', { class: 'decision-main' },
        h('span', { class: 'decision-scope scope-' + scopeCls, id: 'inc-scope', 'data-testid': 'scope' }, scopeText(inc)),
        inc.grade ? gradeBadge(inc, 'huge') : null,
        inc.procedure && inc.in_scope !== false ? h('span', { class: 'decision-proc', id: 'inc-procedure' },
          t('inc.procedureIs', { p: inc.procedure }), ' ', procedureName(inc)) : null),
      h('div', { class: 'reasons' },
        h('h2', null, t('inc.reasons')),
        Array.isArray(inc.reasons) && inc.reasons.length
          ? h('ul', { id: 'inc-reasons' }, inc.reasons.map((r) => h('li', null, planReason(r, planDoc))))
          : h('p', { class: 'muted' }, t('inc.noReasons'))),
      inc.escalation ? h('p', { class: 'escalation-note', id: 'inc-escalation-note' },
        escalationBadge(inc), ' ', t('inc.escalatedNote', {
          from: gradeName(inc.escalation.from, inc.escalation.from_name),
          to: gradeName(inc.escalation.to, inc.escalation.to_name), at: formatTime(inc.escalation.at),
        })) : null,
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
    ovWithdraw.hidden = !inc.override;
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
        onclick: () => { ui.confirm = ui.confirm === to ? null : to; if (actionError.dataset.missing) actionError.hidden = true; drawActions(); },
      }, t('trans.' + to) === 'trans.' + to ? t('trans.generic', { s: statusName(to) }) : t('trans.' + to)));
    }
    if (inc.status !== 'archived' && inc.status !== 'withdrawn') {
      buttons.push(h('button', {
        type: 'button', class: 'btn', id: 'facts-toggle', 'data-testid': 'facts-toggle', 'aria-expanded': factsForm.hidden ? 'false' : 'true',
        onclick: () => { if (factsForm.hidden) openFacts(); else factsForm.hidden = true; drawActions(); },
      }, t('facts.button')));
    }
    if (inc.status !== 'withdrawn') {
      buttons.push(h('button', {
        type: 'button', class: 'btn', id: 'override-toggle', 'aria-expanded': overrideForm.hidden ? 'false' : 'true',
        onclick: () => { overrideForm.hidden = !overrideForm.hidden; drawActions(); if (!overrideForm.hidden) overrideForm.querySelector('select').focus(); },
      }, t('ov.button')));
    } else {
      overrideForm.hidden = true;
      factsForm.hidden = true;
    }
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

  // A transition the closing rules refused (issue 9 item 7): what is still missing, each
  // item in words (the server's Chinese; English for the items it names by code), in
  // the action error box.
  function showMissing(to, items) {
    const words = (m) => (m.code === 'final_report' || m.code === 'evaluation'
      ? t('missing.' + m.code) : t('missing.task', { text: m.text }));
    replace(actionError,
      h('p', null, t('trans.missing', { to: statusName(to) })),
      h('ul', { id: 'transition-missing', 'data-testid': 'transition-missing' },
        items.map((m) => h('li', { 'data-code': m.code }, words(m)))));
    actionError.dataset.missing = to;
    actionError.hidden = false;
  }

  function confirmForm(to) {
    const withdraw = to === 'withdrawn';
    const reason = h('textarea', { id: 'transition-reason', name: 'reason', rows: '2', required: withdraw });
    reason.value = ui.reason;
    reason.addEventListener('input', () => { ui.reason = reason.value; });
    const form = h('form', { class: 'inline-form', id: 'transition-form', novalidate: true },
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('p', null, t('trans.confirm', { from: statusName(model.incident.status), to: statusName(to) })),
      withdraw ? h('p', { class: 'muted small' }, t('trans.withdrawHint')) : null,
      field(t('trans.reason') + (withdraw ? '' : ' ' + t('common.optional')), reason),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'transition-submit', 'data-testid': 'transition-confirm' }, t('trans.do')),
        h('button', { type: 'button', class: 'btn', onclick: () => { ui.confirm = null; drawActions(); } }, t('common.cancel'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const body = { to };
      if (withdraw && !reason.value.trim()) { showMessage(form, t('trans.needReason'), 'reason'); return; }
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
        if (err.status === 409 && err.detail && Array.isArray(err.detail.missing)) {
          // The closing rules refused it: list what is missing instead of a bare message.
          ui.confirm = null; ui.lastConflict = null;
          showMissing(to, err.detail.missing);
          await refresh();
        } else if (err.status === 409) {
          // Someone else moved the incident on: show what is allowed now.
          ui.confirm = null; ui.lastConflict = err;
          delete actionError.dataset.missing;
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
      delete actionError.dataset.missing;
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
  // Withdrawing the override lets the plan decide from the facts again (same reason field).
  const ovWithdraw = h('button', { type: 'button', class: 'btn', id: 'override-withdraw', hidden: true, onclick: async () => {
    clearErrors(overrideForm);
    if (!ovReason.value.trim()) { showMessage(overrideForm, t('ov.needReason'), 'reason'); return; }
    ovWithdraw.disabled = true;
    try {
      await post('/incidents/' + encodeURIComponent(id) + '/override', { withdraw: true, reason: ovReason.value.trim() });
      ovReason.value = '';
      overrideForm.hidden = true;
      await refresh();
    } catch (err) {
      if (!err.handled) showError(overrideForm, err);
    } finally { ovWithdraw.disabled = false; }
  } }, t('ov.withdraw'));
  const overrideForm = h('form', { class: 'inline-form', id: 'override-form', novalidate: true, hidden: true },
    h('h2', null, t('ov.title')),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('p', { class: 'muted small' }, t('ov.hint')),
    h('div', { class: 'row' }, field(t('ov.grade'), ovGrade), field(t('ov.scope'), ovScope)),
    field(t('ov.reason'), ovReason),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'btn primary', id: 'override-submit' }, t('ov.submit')),
      ovWithdraw,
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

  // The facts form (人数, 去向, and 提前掌握信息 before activation), built once like the
  // override form; opening it fills in the current facts.
  const fHead = h('input', { id: 'facts-headcount', name: 'headcount', type: 'number', min: '1', step: '1', inputmode: 'numeric' });
  const fDest = select({ id: 'facts-destination', name: 'destination' },
    DESTINATIONS.map((d) => ({ value: d, label: destinationName(d) })));
  const fAdv = select({ id: 'facts-advance', name: 'advance_info' },
    [{ value: 'true', label: t('reg.advanceYes') }, { value: 'false', label: t('reg.advanceNo') }]);
  const fAdvField = field(t('inc.advance'), fAdv);
  // 发生时间, and with advance information 预计到访时间 and 预计去向, while registered or handled.
  const fOccurred = h('input', { id: 'facts-occurred', name: 'occurred_at', type: 'datetime-local' });
  const fExpected = h('input', { id: 'facts-expected', name: 'expected_at', type: 'datetime-local' });
  const fExpDest = select({ id: 'facts-expected-destination', name: 'expected_destination' },
    [{ value: '', label: t('common.none') }, ...DESTINATIONS.map((d) => ({ value: d, label: destinationName(d) }))]);
  const fExpectedFields = [field(t('inc.expectedAt'), fExpected, t('common.beijing')), field(t('inc.expectedDestination'), fExpDest)];
  const fTimes = h('div', { class: 'row', id: 'facts-times' }, field(t('inc.occurredAt'), fOccurred, t('common.beijing')), fExpectedFields);
  const timesOpen = (status) => ['registered', 'not_activated', 'activated', 'on_site', 'replying', 'resolving'].includes(status);
  const showExpected = () => {
    const adv = fAdvField.hidden ? Boolean(model.incident.advance_info) : fAdv.value === 'true';
    for (const f of fExpectedFields) f.hidden = !adv;
  };
  fAdv.addEventListener('change', showExpected);
  const factsForm = h('form', { class: 'inline-form', id: 'facts-form', novalidate: true, hidden: true },
    h('h2', null, t('facts.title')),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('p', { class: 'muted small' }, t('facts.hint')),
    h('div', { class: 'row' }, field(t('inc.headcount'), fHead), field(t('inc.destination'), fDest), fAdvField),
    fTimes,
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'btn primary', id: 'facts-submit', 'data-testid': 'facts-submit' }, t('facts.submit')),
      h('button', { type: 'button', class: 'btn', onclick: () => { factsForm.hidden = true; drawActions(); } }, t('common.cancel'))));
  function openFacts() {
    const inc = model.incident;
    fHead.value = String(inc.headcount ?? '');
    fDest.value = inc.destination || '';
    fAdv.value = inc.advance_info ? 'true' : 'false';
    fAdvField.hidden = !(inc.status === 'registered' || inc.status === 'not_activated');
    fOccurred.value = inc.occurred_at ? beijingInputValue(Date.parse(inc.occurred_at)) : '';
    fExpected.value = inc.expected_at ? beijingInputValue(Date.parse(inc.expected_at)) : '';
    fExpDest.value = inc.expected_destination || '';
    fTimes.hidden = !timesOpen(inc.status);
    showExpected();
    clearErrors(factsForm);
    factsForm.hidden = false;
    fHead.focus();
  }
  factsForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(factsForm);
    const inc = model.incident;
    const n = Number(fHead.value);
    if (!fHead.value.trim() || !Number.isInteger(n) || n < 1) { showMessage(factsForm, t('facts.needHeadcount'), 'headcount'); return; }
    const body = {};
    if (n !== inc.headcount) body.headcount = n;
    if (fDest.value !== inc.destination) body.destination = fDest.value;
    if (!fAdvField.hidden && (fAdv.value === 'true') !== Boolean(inc.advance_info)) body.advance_info = fAdv.value === 'true';
    if (!fTimes.hidden) {
      const was = (iso) => (iso ? beijingInputValue(Date.parse(iso)) : '');
      if (fOccurred.value && fOccurred.value !== was(inc.occurred_at)) body.occurred_at = beijingInputToIso(fOccurred.value);
      if (!fExpectedFields[0].hidden) {
        if (fExpected.value !== was(inc.expected_at)) body.expected_at = fExpected.value ? beijingInputToIso(fExpected.value) : null;
        if (fExpDest.value !== (inc.expected_destination || '')) body.expected_destination = fExpDest.value || null;
      }
    }
    if (Object.keys(body).length === 0) { showMessage(factsForm, t('facts.noChange'), 'headcount'); return; }
    const done = busy(factsForm, t('common.busy'));
    try {
      await patch('/incidents/' + encodeURIComponent(id), body);
      done();
      factsForm.hidden = true;
      await refresh();
    } catch (err) {
      done();
      if (!err.handled) showError(factsForm, err);
    }
  });

  const incBody = h('div', { class: 'inc-body' },
    h('div', { class: 'inc-main' }, checklist.el, people.el, meetings.el, dispatchBoard.el),
    h('div', { class: 'inc-side' }, timeline.el, told.el));

  function drawGuide() {
    const cur = model.tasks.find((x) => x.status === 'pending' || x.status === 'in_progress');
    replace(guideBody,
      h('div', { class: 'guide-current', id: 'guide-current' },
        h('h3', null, t('guide.current')),
        cur ? [h('p', null, cur.step_id ? h('strong', null, cur.step_id + ' ') : null, planText(cur, 'title')),
          cur.text && cur.text !== cur.title ? h('p', { class: 'guide-text' }, planText(cur, 'text')) : null,
          cur.due_at ? h('p', { class: 'small muted' }, t('guide.due'), formatTime(cur.due_at)) : null]
          : h('p', { class: 'muted' }, t('guide.noCurrent'))),
      principles.length ? h('div', { class: 'guide-principles', id: 'guide-principles' },
        h('h3', null, t('guide.principles')),
        h('ol', null, principles.map((p) => h('li', null, planText(p, 'text'))))) : null);
  }

  function draw() {
    drawHead();
    keepFocus(actions, drawActions);
    checklist.update(model.incident, model.tasks);
    dispatchBoard.update(model.incident, model.dispatches, model.tasks);
    drawGuide();
    timeline.update(model.entries);
    told.refresh();
    people.update(model.incident);
    meetings.update(model.incident, model.tasks);
    // Out of scope, nothing to check or dispatch: the timeline takes the whole width.
    incBody.classList.toggle('side-only', checklist.el.hidden && dispatchBoard.el.hidden);
    tick(section);
  }

  section.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/incidents' }, t('inc.back')), ' · ',
      h('a', { href: '#/records/' + encodeURIComponent(id), id: 'inc-records-link', 'data-testid': 'inc-records-link' }, t('rr.link'))),
    pageError,
    banner,
    head,
    decision,
    guide,
    actionError,
    actions,
    factsForm,
    overrideForm,
    incBody,
    accountability.el);

  try {
    const [, units] = await Promise.all([reload(), get('/units').catch((e) => { if (e.handled) throw e; return null; }),
      accountability.load()]);
    model.units = units && units.units ? units.units : null;
    if (model.units) drawHead();
    const plan = await get('/plan').catch((e) => { if (e.handled) throw e; return null; });
    principles = plan && plan.doc && Array.isArray(plan.doc.principles) ? plan.doc.principles : [];
    planDoc = plan && plan.doc ? plan.doc : null;
    setPlanDoc(planDoc);
    accountability.setPlan(planDoc);
    if (planDoc) draw();
    drawGuide();
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
