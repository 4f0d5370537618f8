// meetings.js — the 会议 section of the incident page (docs/meetings.md): the meetings
// held for the incident (GET /incidents/{id}/meetings) with attendees, minutes and the
// decisions with their tasks' status, and the form to record one: kind (信访领导小组会议 /
// 信访人员单位主要领导会议), time (Beijing), place, attendees (accounts found by name,
// plus the names of people without one), minutes, the plan step it fulfils, and
// decisions, each with an owner (a role, or a person found by name; user-picker.js) and
// a due time in minutes. Each decision becomes a task of kind
// `decision` on the checklist. The form is built once and survives live reloads.

import { t } from './i18n.js';
import { get, post } from './api.js';
import { h, clear, replace, field, select, setOptions, showError, showMessage, clearErrors, busy, errorText, formatTime } from './dom.js';
import { perms, taskStatusName, beijingInputToIso, shortTime } from './incident-common.js';
import { userPicker, multiPicker } from './user-picker.js';

const KINDS = ['leadership', 'unit_leaders'];
const OWNER_ROLES = ['petition_office', 'leader', 'unit_head', 'dispatch', 'official'];
const ACTIVE = ['activated', 'on_site', 'replying', 'resolving'];

// "张三、李四，王五" -> ["张三", "李四", "王五"] (people without an account, by name)
export function parseAttendees(text) {
  return text.split(/[\n,，、;；]+/).map((s) => s.trim()).filter(Boolean);
}

export function createMeetings(ctx, incidentId, reload) {
  const canWrite = perms.manage(ctx);
  const base = '/incidents/' + encodeURIComponent(incidentId);
  let meetings = [];
  let incident = null;
  let tasks = [];
  let loadError = null;

  const list = h('div', { id: 'meetings-list' });
  const errorBox = h('div', { class: 'form-error', role: 'alert', hidden: true, id: 'meetings-error' });
  const el = h('section', { class: 'meetings', id: 'meetings', 'aria-labelledby': 'meetings-title' },
    h('h2', { id: 'meetings-title' }, t('mtg.title')), errorBox, list);

  // ---- the form ----
  let form = null;
  const kind = select({ id: 'mtg-kind', name: 'kind' }, KINDS.map((k) => ({ value: k, label: t('mtg.kind.' + k) })));
  const at = h('input', { id: 'mtg-at', name: 'starts_at', type: 'datetime-local' });
  const place = h('input', { id: 'mtg-place', name: 'place', type: 'text', autocomplete: 'off' });
  const accounts = multiPicker({ id: 'mtg-attendee', label: t('mtg.attendees'), unitFilter: true, addLabel: t('mtg.attendeeAdd') });
  const attendees = h('textarea', { id: 'mtg-attendees', name: 'attendees', rows: '2', placeholder: t('mtg.attendeesHint') });
  const minutes = h('textarea', { id: 'mtg-minutes', name: 'minutes', rows: '4' });
  const step = select({ id: 'mtg-task', name: 'task_id' }, [{ value: '', label: t('mtg.noStep') }]);
  const rows = h('div', { class: 'decision-rows', id: 'mtg-decisions' });
  let rowSeq = 0;

  // Owners: a role, a person known on this incident (assignees of its tasks, officials,
  // oneself), or anyone found by name.
  function ownerOptions() {
    const me = ctx.state.user;
    const people = new Map([[me.id, me.name || me.username]]);
    for (const x of tasks) if (x.assignee && x.assignee.id) people.set(x.assignee.id, x.assignee.name || '#' + x.assignee.id);
    return [
      ...OWNER_ROLES.map((r) => ({ value: 'role:' + r, label: ctx.roleName(r) })),
      ...[...people].map(([uid, name]) => ({ value: 'user:' + uid, label: name })),
      { value: 'user', label: t('mtg.ownerUser') }];
  }

  function decisionRow() {
    const n = rowSeq++;
    const id = (s) => `mtg-d${n}-${s}`;
    const text = h('input', { id: id('text'), type: 'text', autocomplete: 'off', class: 'd-text' });
    const owner = select({ id: id('owner'), class: 'd-owner' }, ownerOptions());
    // Anyone else is found by name in the directory, never by number.
    const picker = userPicker({ id: id('user'), selectClass: 'd-user', label: t('mtg.ownerUserId'), preload: false });
    const userField = picker.el;
    userField.hidden = true;
    owner.addEventListener('change', () => { userField.hidden = owner.value !== 'user'; if (!userField.hidden) picker.search.focus(); });
    const due = h('input', { id: id('due'), type: 'number', min: '0', max: '129600', step: '1', value: '60', class: 'd-due' });
    const row = h('div', { class: 'row decision-row' },
      field(t('mtg.decisionText'), text), field(t('mtg.owner'), owner), userField, field(t('mtg.due'), due),
      h('div', { class: 'field narrow-field' }, h('span', { class: 'label-gap' }, '\u00a0'),
        h('button', { type: 'button', class: 'btn small', onclick: () => row.remove() }, t('fam.remove'))));
    rows.append(row);
    return row;
  }

  if (canWrite) {
    form = h('form', { class: 'inline-form', id: 'meeting-form', novalidate: true },
      h('h3', null, t('mtg.add')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' }, field(t('mtg.kind'), kind), field(t('mtg.at') + ' ' + t('common.optional'), at, t('tl.noteAtHint')),
        field(t('mtg.place') + ' ' + t('common.optional'), place)),
      h('fieldset', { class: 'attendees', 'data-field': 'attendees', tabindex: '-1' },
        h('legend', null, t('mtg.attendeeAccounts')), accounts.el,
        field(t('mtg.attendeeOthers') + ' ' + t('common.optional'), attendees, t('mtg.attendeesHint'))),
      field(t('mtg.minutes'), minutes),
      field(t('mtg.step'), step, t('mtg.stepHint')),
      h('fieldset', { class: 'decisions', 'data-field': 'decisions', tabindex: '-1' },
        h('legend', null, t('mtg.decisions')),
        h('p', { class: 'muted small' }, t('mtg.decisionsHint')),
        rows,
        h('button', { type: 'button', class: 'btn small', id: 'mtg-decision-add', onclick: () => decisionRow().querySelector('input').focus() }, t('mtg.decisionAdd'))),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn primary', id: 'meeting-submit' }, t('mtg.save'))));
    decisionRow();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const body = { kind: kind.value };
      if (at.value) {
        const iso = beijingInputToIso(at.value);
        if (!iso) { showMessage(form, t('tl.badAt'), 'starts_at'); return; }
        body.starts_at = iso;
      }
      if (place.value.trim()) body.place = place.value.trim();
      const people = [...accounts.values().map((u) => u.id), ...parseAttendees(attendees.value)];
      if (people.length) body.attendees = people;
      if (minutes.value.trim()) body.minutes = minutes.value.trim();
      if (step.value) {
        if (!body.minutes) { showMessage(form, t('mtg.needMinutes'), 'minutes'); return; }
        body.task_id = Number(step.value);
      }
      const decisions = [];
      let bad = null;
      for (const row of rows.querySelectorAll('.decision-row')) {
        const text = row.querySelector('.d-text');
        const owner = row.querySelector('.d-owner');
        const user = row.querySelector('.d-user');
        const due = row.querySelector('.d-due');
        if (!text.value.trim()) continue;
        const i = decisions.length;
        text.dataset.field = `decisions[${i}].text`;
        owner.dataset.field = `decisions[${i}].owner_role`;
        user.dataset.field = `decisions[${i}].assignee_id`;
        due.dataset.field = `decisions[${i}].due_minutes`;
        const d = { text: text.value.trim() };
        const m = Number(due.value);
        if (!bad && (due.value.trim() === '' || !Number.isInteger(m) || m < 0)) bad = [t('cl.needDue'), due.dataset.field];
        d.due_minutes = m;
        if (owner.value === 'user') {
          const uid = Number(user.value);
          if (!bad && (!Number.isInteger(uid) || uid < 1)) bad = [t('mtg.needUser'), user.dataset.field];
          d.assignee_id = uid;
        } else if (owner.value.startsWith('user:')) {
          owner.dataset.field = `decisions[${i}].assignee_id`;
          d.assignee_id = Number(owner.value.slice(5));
        } else d.owner_role = owner.value.slice(5);
        decisions.push(d);
      }
      if (bad) { showMessage(form, bad[0], bad[1]); return; }
      if (decisions.length) body.decisions = decisions;
      const done = busy(form, t('common.busy'));
      try {
        await post(base + '/meetings', body);
        done();
        at.value = ''; place.value = ''; attendees.value = ''; minutes.value = ''; step.value = '';
        accounts.clear();
        clear(rows);
        decisionRow();
        await reload();
      } catch (err) {
        done();
        if (!err.handled) showError(form, err);
      }
    });
  }

  function meetingItem(m) {
    const people = (m.attendees || []).map((a) => a.name || '#' + a.user_id);
    return h('article', { class: 'meeting', dataset: { meetingId: m.id }, 'data-testid': 'meeting' },
      h('header', { class: 'task-top' },
        h('strong', null, m.kind_name || t('mtg.kind.' + m.kind)),
        h('span', { class: 'muted' }, formatTime(m.starts_at)),
        m.place ? h('span', null, m.place) : null,
        m.task_id ? h('span', { class: 'badge ok' }, t('mtg.fulfils')) : null),
      people.length ? h('div', { class: 'small' }, t('mtg.attendeesAre'), people.join(t('common.sep'))) : null,
      m.minutes ? h('div', { class: 'pre meeting-minutes' }, m.minutes) : null,
      (m.decisions || []).length ? h('ol', { class: 'meeting-decisions' }, m.decisions.map((d) => {
        const task = d.task;
        return h('li', { dataset: { taskId: d.task_id ?? '' } }, d.text, ' ',
          task ? h('span', { class: 'badge ts-' + task.status }, taskStatusName(task.status)) : null, ' ',
          task && task.owner ? h('span', { class: 'muted small' }, t('cl.owner'), task.owner.label || task.owner.value || '') : null, ' ',
          task && task.due_at ? h('span', { class: 'muted small' }, t('cl.due'), shortTime(task.due_at)) : null);
      })) : null);
  }

  function draw() {
    errorBox.hidden = !loadError;
    if (loadError) errorBox.textContent = loadError;
    replace(list, meetings.length ? meetings.map(meetingItem) : h('p', { class: 'muted' }, t('mtg.empty')));
    if (form) {
      const active = incident && ACTIVE.includes(incident.status);
      form.hidden = !active;
      if (!form.isConnected) el.append(form);
      // The open, non-recurring steps a meeting may fulfil; procedure A's meeting steps first.
      const open = tasks.filter((x) => (x.status === 'pending' || x.status === 'in_progress') && x.kind !== 'recurring');
      const meetingSteps = open.filter((x) => /会议/.test(x.title || '') && x.kind === 'step');
      const others = open.filter((x) => !meetingSteps.includes(x) && (x.kind === 'step' || x.kind === 'manual'));
      for (const sel of rows.querySelectorAll('.d-owner')) setOptions(sel, ownerOptions());
      setOptions(step, [{ value: '', label: t('mtg.noStep') },
        ...[...meetingSteps, ...others].map((x) => ({ value: x.id, label: (x.step_id ? x.step_id + ' ' : '') + (x.title || '') }))]);
    }
  }

  async function load() {
    try {
      const r = await get(base + '/meetings');
      meetings = (r && r.meetings) || [];
      loadError = null;
    } catch (err) {
      if (err.handled) throw err;
      loadError = err.status === 404 ? null : errorText(err);
    }
  }

  function update(inc, taskList) {
    incident = inc;
    tasks = taskList || [];
    el.hidden = !inc || (inc.status === 'registered' || inc.status === 'not_activated') && !meetings.length;
    draw();
  }

  return { el, load, update };
}
