// checklist.js — the incident's tasks as a checklist: the procedure's main steps in
// plan order, the three on-site workstreams (事态控制 / 教育引导 / 协调联络) side by side,
// the report-up tasks, the recurring progress reports, ad-hoc tasks and the closing
// steps, the decisions of meetings and the 包保 follow-ups. Each task shows owner,
// assignee, due time with a live countdown (red once overdue), the evidence it asks for
// and whom to call (the task's contacts, with phone numbers), with the actions its
// status allows: 认领, 开始, 完成 (with a note), 跳过 (with a reason), 指派; the step that
// chooses the reply venue carries the venue booking (hooks.venue). The open note/reason
// form and its text survive the live reloads. Also the form to add an ad-hoc task.
// 指派 finds the person by name, unit and role (user-picker.js), never by number.
// A recurring progress report is one row, its current round, with all its rounds
// listed under it; the counts hold it once.

import { t, joinList } from './i18n.js';
import { post, patch } from './api.js';
import { h, add, clear, field, select, showError, showMessage, clearErrors, busy, errorText } from './dom.js';
import { userPicker } from './user-picker.js';
import { planText, ownerLabel, procedureName } from './plan-words.js';
import {
  perms, WORKSTREAMS, workstreamName, taskStatusName, resourceName, countdownEl, shortTime, keepFocus,
} from './incident-common.js';

const OPEN = ['pending', 'in_progress'];

// 联系谁: the people the task says to call, with their phone numbers as tel: links.
// Each contact is {name, phone, position | unit | role, on_duty} (docs/api.md).
function contactsEl(task, ctx) {
  const list = Array.isArray(task.contacts) ? task.contacts : [];
  if (!list.length) return null;
  return h('div', { class: 'task-contacts', 'data-testid': 'task-contacts' },
    h('span', { class: 'contacts-label' }, t('cl.whomToCall')),
    list.map((c) => {
      // a unit whose head is not recorded (owner heads_of): said, not left out
      if (c.missing) return h('span', { class: 'contact missing', 'data-testid': 'contact-missing' }, t('cl.noHead', { unit: c.unit || '' }));
      const phone = c.phone || '';
      const who = c.name || '';
      const what = c.position || c.unit || (c.role ? ctx.roleName(c.role) : '');
      return h('span', { class: 'contact' },
        h('strong', null, who), what && what !== who ? ' ' + t('dash.paren', { x: what }) : '',
        c.on_duty ? [' ', h('span', { class: 'badge ok' }, t('ros.onDuty'))] : null,
        phone ? [' ', h('a', { href: 'tel:' + phone.replace(/[^\d+]/g, ''), class: 'phone' }, phone)] : null);
    }));
}

// Why a step of the unit heads has no assignee: the units without a recorded head, or
// no such unit yet (tasks' "unassigned", docs/api.md).
function unassignedWhy(u) {
  const units = Array.isArray(u.units_without_head) ? u.units_without_head : [];
  if (units.length) return joinList(units.map((unit) => t('cl.noHead', { unit })));
  return t(u.heads_of === 'unit_of_incident' ? 'cl.noIncidentUnit' : 'cl.noPetitionerUnit');
}

// Which group a task belongs to, from its kind and workstream.
function groupOf(task) {
  if (task.kind === 'report_oral' || task.kind === 'report_written') return 'report';
  if (task.workstream) return 'ws:' + task.workstream;
  if (task.kind === 'recurring') return 'recurring';
  if (task.kind === 'decision') return 'decision';
  if (task.kind === 'followup') return 'followup';
  if (task.kind === 'manual') return 'manual';
  if (task.kind === 'closing') return 'closing';
  return 'main';
}

// One entry per task, a recurring report's rounds folded into one: the open round (or,
// with none open, the last), carrying every round in `rounds`, oldest first.
export function foldRounds(list) {
  const series = new Map();
  const out = [];
  for (const task of list) {
    if (task.kind !== 'recurring') { out.push(task); continue; }
    const key = [task.position ?? '', task.step_id || '', task.title || ''].join('|');
    if (!series.has(key)) { series.set(key, []); out.push(key); }
    series.get(key).push(task);
  }
  return out.map((x) => {
    if (typeof x !== 'string') return x;
    const rounds = series.get(x).sort((a, b) => (a.round || 0) - (b.round || 0));
    const current = rounds.find((r) => OPEN.includes(r.status)) || rounds[rounds.length - 1];
    return { ...current, rounds };
  });
}

function roundsEl(task) {
  if (!Array.isArray(task.rounds) || task.rounds.length < 2) return null;
  return h('div', { class: 'task-rounds', 'data-testid': 'task-rounds' }, task.rounds.map((r) =>
    h('div', { class: OPEN.includes(r.status) ? 'task-round small' : 'task-round task-done', dataset: { round: r.round || '', status: r.status } },
      t('cl.round', { n: r.round }), ' · ', taskStatusName(r.status),
      r.due_at ? ' · ' + t('cl.due') + shortTime(r.due_at) : '',
      r.status === 'done' && r.done_at ? ' · ' + t('cl.doneAt', { at: shortTime(r.done_at) }) : '',
      r.status === 'skipped' && r.skip_reason ? ' · ' + t('cl.skippedBecause') + r.skip_reason : '')));
}

export function createChecklist(ctx, hooks) {
  const me = ctx.state.user;
  const canAct = perms.task(ctx);
  const canManage = perms.manage(ctx);
  // The inline form that is open: {taskId, kind: 'complete'|'skip'|'assign', value,
  // picker (assign: kept, so what was typed survives the live reloads)}.
  const ui = { open: null, errors: new Map() };
  let incident = null;
  let tasks = [];

  const summary = h('p', { class: 'muted', id: 'checklist-summary' });
  const body = h('div', { id: 'checklist-body' });
  const el = h('section', { class: 'checklist', id: 'checklist', 'aria-labelledby': 'checklist-title' },
    h('h2', { id: 'checklist-title' }, t('cl.title')), summary, body);

  async function act(task, body, btn) {
    ui.errors.delete(task.id);
    if (btn) btn.disabled = true;
    try {
      await patch('/tasks/' + encodeURIComponent(task.id), body);
      if (ui.open && ui.open.taskId === task.id) ui.open = null;
      await hooks.reload();
    } catch (err) {
      if (btn) btn.disabled = false;
      if (err.handled) return;
      ui.errors.set(task.id, errorText(err));
      draw();
      if (err.status === 409) await hooks.reload();
    }
  }

  function openForm(task, kind) {
    ui.open = ui.open && ui.open.taskId === task.id && ui.open.kind === kind ? null : { taskId: task.id, kind, value: '' };
    ui.errors.delete(task.id);
    draw();
    const f = ui.open && body.querySelector(`[data-task-id="${task.id}"] .task-form textarea, [data-task-id="${task.id}"] .task-form select`);
    if (f) f.focus();
  }

  // People offered before anything is typed: me, then whoever already has a task here.
  function knownPeople() {
    const list = [{ id: me.id, name: me.name || me.username }];
    for (const x of tasks) if (x.assignee && x.assignee.id && !list.some((u) => u.id === x.assignee.id)) list.push({ id: x.assignee.id, name: x.assignee.name || '#' + x.assignee.id });
    return list;
  }

  function openAssign(task) {
    if (ui.open && ui.open.taskId === task.id && ui.open.kind === 'assign') { ui.open = null; draw(); return; }
    const picker = userPicker({
      id: 'task-' + task.id + '-assignee', name: 'assignee_id', label: t('cl.assignTo'),
      roleFilter: true, unitFilter: true, showRoles: true, extra: knownPeople,
      labelOf: (u) => (u.id === me.id ? t('cl.meOption', { name: u.name }) : null),
    });
    ui.open = { taskId: task.id, kind: 'assign', value: '', picker };
    ui.errors.delete(task.id);
    draw();
    picker.search.focus();
  }

  function taskForm(task) {
    const o = ui.open;
    const tid = 'task-' + task.id;
    if (o.kind === 'assign') {
      const form = h('form', { class: 'task-form task-assign', novalidate: true },
        h('div', { class: 'form-error', role: 'alert', hidden: true }),
        o.picker.el,
        h('div', { class: 'buttons' },
          h('button', { type: 'submit', class: 'btn primary small', 'data-testid': 'assign-confirm' }, t('cl.assign')),
          h('button', { type: 'button', class: 'btn small', onclick: () => { ui.open = null; draw(); } }, t('common.cancel'))));
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        clearErrors(form);
        const u = o.picker.value();
        if (!u) { showMessage(form, t('cl.needAssignee'), 'assignee_id'); o.picker.search.focus(); return; }
        act(task, { action: 'assign', assignee_id: u.id }, form.querySelector('[type="submit"]'));
      });
      return form;
    }
    const complete = o.kind === 'complete';
    const text = h('textarea', {
      id: tid + (complete ? '-note' : '-reason'), name: complete ? 'note' : 'reason', rows: '2',
      placeholder: complete && task.evidence && task.evidence.length ? t('cl.notePlaceholder', { e: joinList(task.evidence) }) : null,
    });
    text.value = o.value;
    text.addEventListener('input', () => { o.value = text.value; });
    const form = h('form', { class: 'task-form', novalidate: true },
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      field(complete ? t('cl.note') + ' ' + t('common.optional') : t('cl.reason'), text),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary small', 'data-testid': complete ? 'complete-confirm' : 'skip-confirm' },
          complete ? t('cl.completeConfirm') : t('cl.skipConfirm')),
        h('button', { type: 'button', class: 'btn small', onclick: () => { ui.open = null; draw(); } }, t('common.cancel'))));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const v = text.value.trim();
      if (!complete && !v) { showMessage(form, t('cl.needReason'), 'reason'); return; }
      const b = complete ? { action: 'complete' } : { action: 'skip', reason: v };
      if (complete && v) b.note = v;
      act(task, b, form.querySelector('[type="submit"]'));
    });
    return form;
  }

  function taskItem(task) {
    const open = OPEN.includes(task.status);
    const mine = task.assignee && task.assignee.id === me.id;
    const late = open && task.overdue;
    const cls = ['task', 'st-' + task.status, late ? 'overdue' : '', mine ? 'mine' : ''].filter(Boolean).join(' ');
    const buttons = [];
    if (canAct && open) {
      const b = (action, label, onclick, primary) => h('button', {
        type: 'button', class: 'btn small' + (primary ? ' primary' : ''), 'data-action': action,
        'data-testid': 'task-' + action, onclick,
      }, label);
      if (!mine) buttons.push(b('claim', t('cl.claim'), (ev) => act(task, { action: 'claim' }, ev.currentTarget)));
      if (task.status === 'pending') buttons.push(b('start', t('cl.start'), (ev) => act(task, { action: 'start' }, ev.currentTarget)));
      buttons.push(b('complete', t('cl.complete'), () => openForm(task, 'complete'), true));
      buttons.push(b('skip', t('cl.skip'), () => openForm(task, 'skip')));
      buttons.push(b('assign', t('cl.assignBtn'), () => openAssign(task)));
      if (canManage && Array.isArray(task.dispatch) && task.dispatch.length) {
        buttons.push(b('dispatch', t('cl.requestDispatch', { r: joinList(task.dispatch.map(resourceName)) }),
          () => hooks.requestDispatch(task.dispatch[0])));
      }
    }
    const err = ui.errors.get(task.id);
    return h('li', {
      class: cls, dataset: { taskId: task.id, stepId: task.step_id || '', status: task.status, kind: task.kind || '' },
      'data-testid': 'task',
    },
    h('div', { class: 'task-top' },
      task.step_id ? h('span', { class: 'task-step' }, task.step_id) : null,
      h('span', { class: 'task-title', title: planText(task, 'text') || null }, planText(task, 'title') || planText(task, 'text')),
      task.round ? h('span', { class: 'badge' }, t('cl.round', { n: task.round })) : null,
      h('span', { class: 'task-status badge ts-' + task.status, 'data-testid': 'task-status' }, taskStatusName(task.status))),
    task.text && task.text !== task.title ? h('div', { class: 'task-text' }, planText(task, 'text')) : null,
    h('div', { class: 'task-meta' },
      h('span', null, t('cl.owner'), task.owner ? ownerLabel(task.owner, ctx.roleName) : t('common.none')),
      h('span', { class: task.assignee ? 'assignee' : 'unassigned' },
        t('cl.assignee'), task.assignee ? task.assignee.name || '#' + task.assignee.id : t('cl.unassigned'),
        !task.assignee && task.unassigned && open ? h('span', { class: 'unassigned-why', 'data-testid': 'unassigned-why' }, ' ' + t('dash.paren', { x: unassignedWhy(task.unassigned) })) : null),
      task.due_at ? h('span', { class: 'due' }, t('cl.due'), shortTime(task.due_at), ' ',
        open ? countdownEl(task.due_at) : null) : null,
      late ? h('span', { class: 'late-flag' }, t('cl.overdue')) : null),
    task.evidence && task.evidence.length ? h('div', { class: 'task-evidence' }, t('cl.evidence'), joinList(task.evidence)) : null,
    task.chooses_venue && open ? h('div', { class: 'task-evidence' }, t('cl.choosesVenue')) : null,
    open ? contactsEl(task, ctx) : null,
    task.chooses_venue && hooks.venue ? hooks.venue(task, incident) : null,
    task.status === 'done' ? h('div', { class: 'task-done' }, t('cl.doneAt', { at: shortTime(task.done_at) }),
      task.note ? h('span', { class: 'task-note' }, ' ' + t('cl.noteIs') + task.note) : null) : null,
    task.status === 'skipped' ? h('div', { class: 'task-done' }, t('cl.skippedBecause'), task.skip_reason || '') : null,
    roundsEl(task),
    err ? h('div', { class: 'form-error', role: 'alert' }, err) : null,
    buttons.length ? h('div', { class: 'task-actions' }, buttons) : null,
    ui.open && ui.open.taskId === task.id && open ? taskForm(task) : null);
  }

  function group(id, title, list, extraClass) {
    if (!list.length) return null;
    const done = list.filter((x) => x.status === 'done' || x.status === 'skipped').length;
    return h('div', { class: 'task-group ' + (extraClass || ''), id: 'group-' + id, 'data-testid': 'group-' + id },
      h('h3', null, title, ' ', h('span', { class: 'muted small group-count' }, `${done}/${list.length}`)),
      h('ol', { class: 'tasks' }, list.map(taskItem)));
  }

  function draw() {
    clear(body);
    if (!incident) return;
    if (!tasks.length) {
      summary.textContent = incident.status === 'registered' ? t('cl.notYet') : t('cl.none');
      add(body, addForm);
      return;
    }
    const rows = foldRounds(tasks);
    const done = rows.filter((x) => x.status === 'done').length;
    const skipped = rows.filter((x) => x.status === 'skipped').length;
    const overdue = rows.filter((x) => OPEN.includes(x.status) && x.overdue).length;
    summary.textContent = t('cl.summary', { done, total: rows.length, skipped, overdue });
    summary.classList.toggle('has-overdue', overdue > 0);

    const groups = new Map();
    for (const task of rows) {
      const g = groupOf(task);
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(task);
    }
    const wsIds = [...WORKSTREAMS, ...[...groups.keys()].filter((k) => k.startsWith('ws:'))
      .map((k) => k.slice(3)).filter((w) => !WORKSTREAMS.includes(w))];
    const wsCols = wsIds.filter((w) => groups.has('ws:' + w)).map((w) => group('ws-' + w, workstreamName(w), groups.get('ws:' + w), 'ws-col'));
    if (ui.open && !tasks.some((x) => x.id === ui.open.taskId && OPEN.includes(x.status))) ui.open = null;

    add(body,
      group('main', incident.procedure_name ? t('cl.mainOf', { p: procedureName(incident) }) : t('cl.main'), groups.get('main') || []),
      wsCols.length ? h('div', { class: 'ws-block' },
        h('h3', null, t('cl.onSite')),
        h('div', { class: 'ws-columns', id: 'ws-columns' }, wsCols)) : null,
      group('report', t('cl.report'), groups.get('report') || []),
      group('recurring', t('cl.recurring'), groups.get('recurring') || []),
      group('decision', t('cl.decision'), groups.get('decision') || []),
      group('manual', t('cl.manual'), groups.get('manual') || []),
      group('followup', t('cl.followup'), groups.get('followup') || []),
      group('closing', t('cl.closing'), groups.get('closing') || []),
      addForm);
  }

  // Add an ad-hoc task (incident.manage). Built once, so typing survives reloads.
  let addForm = null;
  if (canManage) {
    const title = h('input', { id: 'task-add-title', name: 'title', type: 'text', autocomplete: 'off', required: true });
    const due = h('input', { id: 'task-add-due', name: 'due_minutes', type: 'number', min: '0', step: '1', value: '30' });
    const ws = select({ id: 'task-add-ws', name: 'workstream' },
      [{ value: '', label: t('cl.noWorkstream') }, ...WORKSTREAMS.map((w) => ({ value: w, label: workstreamName(w) }))]);
    addForm = h('form', { id: 'task-add-form', class: 'inline-form task-add', novalidate: true },
      h('h3', null, t('cl.addTitle')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' },
        field(t('cl.addName'), title), field(t('cl.addDue'), due), field(t('cl.addWs'), ws)),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'task-add-submit' }, t('cl.add'))));
    addForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(addForm);
      if (!title.value.trim()) { showMessage(addForm, t('cl.needTitle'), 'title'); return; }
      const n = Number(due.value);
      if (due.value.trim() === '' || !Number.isInteger(n) || n < 0) { showMessage(addForm, t('cl.needDue'), 'due_minutes'); return; }
      const b = { title: title.value.trim(), due_minutes: n };
      if (ws.value) b.workstream = ws.value;
      const done = busy(addForm, t('common.busy'));
      try {
        await post('/incidents/' + encodeURIComponent(incident.id) + '/tasks', b);
        done();
        title.value = '';
        await hooks.reload();
      } catch (err) {
        done();
        if (!err.handled) showError(addForm, err);
      }
    });
  }

  function update(inc, list) {
    incident = inc;
    tasks = list;
    // Keep focus in the open note/reason while the list is redrawn under it.
    keepFocus(body, draw);
    el.hidden = !inc || (inc.status === 'not_activated' && !list.length);
    // Nothing more is added to a withdrawn registration or an archived incident.
    if (addForm) addForm.hidden = !inc || ['archived', 'withdrawn'].includes(inc.status);
  }

  return { el, update };
}
