// API tests for meetings (会议) against a real server (docs/meetings.md), under the
// shipped coal-mine plan: a 信访领导小组会议 with decisions that become decision tasks
// on the incident's checklist (owners, due times, timeline events), a meeting that
// fulfils the plan step A3 (and, minuted later, A4), adding decisions, editing the
// record, who may hold meetings, when an incident may hold them, input validation,
// and that a refused request leaves nothing behind.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  MINUTE, assertError, expectStatus, ms, setupIncidents, register, registerActive, tasksOf,
} = require('../lib/fixtures.js');

let ctx;
let po; // petition office
let leader;
let official;

before(async () => {
  ctx = await setupIncidents({ roles: ['petition_office', 'leader', 'unit_head', 'dispatch', 'official', 'auditor'] });
  po = ctx.as.petition_office;
  leader = ctx.as.leader;
  official = ctx.as.official;
});

after(async () => { if (ctx) await ctx.stop(); });

async function timeline(client, id) {
  return expectStatus(await client.get(`/incidents/${id}/timeline`), 200, 'timeline').entries;
}

function stepTask(tasks, stepId) {
  const t = tasks.find((x) => x.step_id === stepId);
  assert.ok(t, `no task for step ${stepId}`);
  return t;
}

test('a leadership meeting with two decisions fulfils A3 and puts decision tasks on the checklist', async () => {
  const inc = await registerActive(po, { advance_info: true, headcount: 8 });
  assert.equal(inc.procedure, 'A');
  const a3 = stepTask(await tasksOf(po, inc.id), 'A3');
  assert.equal(a3.status, 'pending');

  const t0 = Date.now();
  const r = await po.post(`/incidents/${inc.id}/meetings`, {
    kind: 'leadership',
    starts_at: '2030-03-01T01:00:00Z',
    place: '矿三楼小会议室',
    attendees: [leader.user.id, po.user.id, '矿工会主席王某'],
    minutes: '研究制定稳控措施：成立稳控工作组，逐户走访，三日内答复工资问题。',
    task_id: a3.id,
    decisions: [
      { text: '成立稳控工作组，信访办牵头', owner_role: 'petition_office', due_minutes: 60 },
      { text: '逐户走访上访人员家庭，做好解释疏导', assignee_id: official.user.id, due_minutes: 120 },
    ],
  });
  const t1 = Date.now();
  const meeting = expectStatus(r, 201, 'POST meeting');
  assert.equal(meeting.incident_id, inc.id);
  assert.equal(meeting.incident_number, inc.number);
  assert.equal(meeting.kind, 'leadership');
  assert.equal(meeting.kind_name, '信访领导小组会议');
  assert.equal(meeting.starts_at, '2030-03-01T01:00:00.000Z');
  assert.equal(meeting.place, '矿三楼小会议室');
  assert.equal(meeting.task_id, a3.id);
  assert.deepEqual(meeting.attendees, [
    { user_id: leader.user.id, name: leader.user.name },
    { user_id: po.user.id, name: po.user.name },
    { user_id: null, name: '矿工会主席王某' },
  ]);
  assert.equal(meeting.created_by.id, po.user.id);
  assert.equal(meeting.decisions.length, 2);
  assert.deepEqual(meeting.decisions.map((d) => d.text),
    ['成立稳控工作组，信访办牵头', '逐户走访上访人员家庭，做好解释疏导']);
  for (const d of meeting.decisions) {
    assert.ok(Number.isInteger(d.task_id) && d.task_id > 0, `decision task id ${d.task_id}`);
    assert.equal(d.task.id, d.task_id);
    assert.equal(d.task.kind, 'decision');
  }

  // The checklist has both decisions with their owners and due times (now + due_minutes).
  const tasks = await tasksOf(po, inc.id);
  const [d1, d2] = meeting.decisions.map((d) => tasks.find((t) => t.id === d.task_id));
  assert.ok(d1 && d2, 'decision tasks are on the checklist');
  assert.equal(d1.kind, 'decision');
  assert.equal(d1.title, '成立稳控工作组，信访办牵头');
  assert.match(d1.text, /信访领导小组会议决定：成立稳控工作组/);
  assert.deepEqual(d1.owner, { kind: 'role', value: 'petition_office', label: '信访办' });
  assert.equal(d1.assignee, null);
  assert.equal(d1.status, 'pending');
  const due1 = ms(d1.due_at, 'decision 1 due_at');
  assert.ok(due1 >= t0 + 60 * MINUTE - 1000 && due1 <= t1 + 60 * MINUTE + 1000,
    `decision 1 due ${d1.due_at} is about now + 60 minutes`);
  assert.equal(d2.kind, 'decision');
  assert.deepEqual(d2.owner, { kind: 'user', value: official.user.name, label: official.user.name });
  assert.deepEqual(d2.assignee, { id: official.user.id, name: official.user.name });
  const due2 = ms(d2.due_at, 'decision 2 due_at');
  assert.ok(Math.abs(due2 - due1 - 60 * MINUTE) < 1000, 'decision 2 is due an hour after decision 1');

  // A3 is done with the minutes as its note.
  const a3After = stepTask(tasks, 'A3');
  assert.equal(a3After.status, 'done');
  assert.match(a3After.note, /^会议纪要：研究制定稳控措施/);
  assert.equal(a3After.assignee.id, po.user.id);

  // The timeline tells it: the meeting, its two decisions, then the step done.
  const entries = await timeline(po, inc.id);
  const tail = entries.slice(-4);
  assert.deepEqual(tail.map((e) => e.action), ['meeting.create', 'task.create', 'task.create', 'task.complete']);
  assert.match(tail[0].text, /召开信访领导小组会议（矿三楼小会议室）：3人参加，作出2项决定/);
  assert.match(tail[1].text, /成立稳控工作组/);
  assert.match(tail[1].text, /信访办负责/);
  assert.match(tail[2].text, new RegExp(`${official.user.name}负责`));
  assert.match(tail[3].text, /完成任务「召开信访领导小组会议研究稳控措施」：会议纪要：/);
  for (const e of tail) assert.equal(e.actor, po.user.username);

  // The official now sees the incident through the assigned decision, and the meeting.
  expectStatus(await official.get(`/meetings/${meeting.id}`), 200, 'official reads the meeting');
  const list = expectStatus(await official.get(`/incidents/${inc.id}/meetings`), 200, 'list').meetings;
  assert.deepEqual(list.map((m) => m.id), [meeting.id]);
  assert.equal(list[0].decisions[1].task.assignee.id, official.user.id);

  // And may act on the decision assigned to them.
  const done = expectStatus(await official.patch(`/tasks/${d2.id}`, { action: 'complete', note: '已走访8户' }),
    200, 'official completes the decision');
  assert.equal(done.status, 'done');
});

test('meeting minutes are found by search, only by those who may see the incident', async () => {
  const inc = await registerActive(po, { headcount: 5, advance_info: true });
  const m = await po.post(`/incidents/${inc.id}/meetings`, {
    kind: 'leadership', place: '矿三楼会议室', minutes: '决定由工会牵头核对考勤记录' });
  assert.equal(m.status, 201, m.text);
  const hits = (await po.get('/search?q=' + encodeURIComponent('考勤'))).json.hits;
  const hit = hits.find((h) => h.kind === 'meeting' && h.id === m.json.id);
  assert.ok(hit, 'the minutes are found');
  assert.equal(hit.incident_id, inc.id);
  const other = (await ctx.as.admin.get('/search?q=' + encodeURIComponent('考勤'))).json.hits;
  assert.equal(other.filter((h) => h.kind === 'meeting').length, 0, 'admin does not read incidents');
});

test('a meeting is minuted later: PATCH edits the record, fulfils A4 and decisions are added', async () => {
  const inc = await registerActive(po, { advance_info: true, headcount: 5 });
  const a4 = stepTask(await tasksOf(po, inc.id), 'A4');
  const m = expectStatus(await leader.post(`/incidents/${inc.id}/meetings`, {
    kind: 'unit_leaders', attendees: [po.user.id],
  }), 201, 'POST meeting without minutes');
  assert.equal(m.kind_name, '信访人员单位主要领导会议');
  assert.equal(m.minutes, '');
  assert.equal(m.task_id, null);
  assert.deepEqual(m.decisions, []);
  const startedAt = ms(m.starts_at, 'starts_at');
  assert.ok(Math.abs(startedAt - Date.now()) < 60 * 1000, 'starts_at defaults to now');

  // Fulfilling A4 needs minutes, the step's evidence.
  assertError(await po.patch(`/meetings/${m.id}`, { task_id: a4.id }), 400, 'invalid_field', 'minutes');

  const patched = expectStatus(await po.patch(`/meetings/${m.id}`, {
    minutes: '实行包保责任制，各单位主要领导包保本单位上访人员。',
    place: '矿调度会议室',
    attendees: [po.user.id, leader.user.id, '综采一队队长'],
    task_id: a4.id,
  }), 200, 'PATCH meeting');
  assert.equal(patched.place, '矿调度会议室');
  assert.equal(patched.task_id, a4.id);
  assert.deepEqual(patched.attendees.map((a) => a.name), [po.user.name, leader.user.name, '综采一队队长']);
  const a4After = stepTask(await tasksOf(po, inc.id), 'A4');
  assert.equal(a4After.status, 'done');
  assert.match(a4After.note, /^会议纪要：实行包保责任制/);

  // A meeting fulfils one task only.
  const a5 = stepTask(await tasksOf(po, inc.id), 'A5');
  assertError(await po.patch(`/meetings/${m.id}`, { task_id: a5.id }), 409, 'conflict', 'task_id');

  const decided = expectStatus(await po.post(`/meetings/${m.id}/decisions`, {
    decisions: [{ text: '综采一队包保3名上访人员', owner_role: 'unit_head', due_minutes: 1440 }],
  }), 201, 'POST decisions');
  assert.equal(decided.decisions.length, 1);
  assert.equal(decided.decisions[0].position, 1);
  const task = decided.decisions[0].task;
  assert.equal(task.kind, 'decision');
  assert.deepEqual(task.owner, { kind: 'role', value: 'unit_head', label: '单位负责人' });

  const actions = (await timeline(po, inc.id)).map((e) => e.action);
  assert.ok(actions.includes('meeting.update'), 'meeting.update in the timeline');
  const updated = (await timeline(po, inc.id)).find((e) => e.action === 'meeting.update');
  assert.match(updated.text, /纪要、地点、参会人员、对应任务/);
  assert.equal(actions.filter((a) => a === 'meeting.create').length, 1);
  assert.equal(actions.filter((a) => a === 'task.complete').length, 1);

  // Clearing the attendees is allowed; an empty PATCH is not.
  const cleared = expectStatus(await po.patch(`/meetings/${m.id}`, { attendees: [] }), 200, 'clear');
  assert.deepEqual(cleared.attendees, []);
  assertError(await po.patch(`/meetings/${m.id}`, {}), 400, 'invalid_field');
});

test('only the petition office and the leadership group hold meetings', async () => {
  const inc = await registerActive(po, {});
  const body = { kind: 'leadership', minutes: '纪要' };
  for (const role of ['dispatch', 'official', 'unit_head', 'auditor', 'admin']) {
    assertError(await ctx.as[role].post(`/incidents/${inc.id}/meetings`, body), 403, 'forbidden');
  }
  const m = expectStatus(await leader.post(`/incidents/${inc.id}/meetings`, body), 201, 'leader');
  for (const role of ['dispatch', 'official']) {
    assertError(await ctx.as[role].patch(`/meetings/${m.id}`, { minutes: 'x' }), 403, 'forbidden');
    assertError(await ctx.as[role].post(`/meetings/${m.id}/decisions`,
      { decisions: [{ text: 'x', owner_role: 'dispatch', due_minutes: 5 }] }), 403, 'forbidden');
  }
  // Readers of the incident read its meetings; the admin does not read incidents.
  expectStatus(await ctx.as.dispatch.get(`/incidents/${inc.id}/meetings`), 200, 'dispatch reads');
  expectStatus(await ctx.as.auditor.get(`/meetings/${m.id}`), 200, 'auditor reads');
  assertError(await ctx.as.admin.get(`/meetings/${m.id}`), 403, 'forbidden');
  // The official has no task on this incident: it stays out of sight.
  assertError(await official.get(`/meetings/${m.id}`), 404, 'not_found');
  assertError(await official.get(`/incidents/${inc.id}/meetings`), 404, 'not_found');
  assertError(await po.get('/meetings/999999'), 404, 'not_found');
});

test('meetings are held only while the incident is handled', async () => {
  const registered = await register(po, {});
  assertError(await po.post(`/incidents/${registered.id}/meetings`, { kind: 'leadership' }), 409, 'conflict');
  const out = await register(po, { headcount: 1, destination: 'mine' });
  assert.equal(out.status, 'not_activated');
  assertError(await po.post(`/incidents/${out.id}/meetings`, { kind: 'leadership' }), 409, 'conflict');
  assertError(await po.post('/incidents/999999/meetings', { kind: 'leadership' }), 404, 'not_found');
  const list = expectStatus(await po.get(`/incidents/${registered.id}/meetings`), 200, 'list');
  assert.deepEqual(list.meetings, []);
});

test('meeting input is validated and a refused meeting leaves nothing behind', async () => {
  const inc = await registerActive(po, { advance_info: true });
  const other = await registerActive(po, { advance_info: true });
  const path = `/incidents/${inc.id}/meetings`;
  const tasksBefore = (await tasksOf(po, inc.id)).length;
  const eventsBefore = (await timeline(po, inc.id)).length;
  const decision = { text: '做好解释疏导', owner_role: 'petition_office', due_minutes: 30 };

  assertError(await po.post(path, {}), 400, 'invalid_field', 'kind');
  assertError(await po.post(path, { kind: 'party' }), 400, 'invalid_field', 'kind');
  assertError(await po.post(path, { kind: 'leadership', extra: 1 }), 400, 'invalid_field', 'extra');
  assertError(await po.post(path, { kind: 'leadership', starts_at: '2030-03-01 10:00' }), 400, 'invalid_field', 'starts_at');
  assertError(await po.post(path, { kind: 'leadership', starts_at: 5 }), 400, 'invalid_field', 'starts_at');
  assertError(await po.post(path, { kind: 'leadership', attendees: 'all' }), 400, 'invalid_field', 'attendees');
  assertError(await po.post(path, { kind: 'leadership', attendees: [po.user.id, 999999] }), 400, 'invalid_field', 'attendees[1]');
  assertError(await po.post(path, { kind: 'leadership', attendees: [po.user.id, po.user.id] }), 400, 'invalid_field', 'attendees[1]');
  assertError(await po.post(path, { kind: 'leadership', attendees: ['  '] }), 400, 'invalid_field', 'attendees[0]');
  assertError(await po.post(path, { kind: 'leadership', attendees: ['王\n某'] }), 400, 'invalid_field', 'attendees[0]');
  assertError(await po.post(path, { kind: 'leadership', attendees: ['长'.repeat(61)] }), 400, 'invalid_field', 'attendees[0]');
  assertError(await po.post(path, { kind: 'leadership', attendees: [true] }), 400, 'invalid_field', 'attendees[0]');
  assertError(await po.post(path, { kind: 'leadership', decisions: {} }), 400, 'invalid_field', 'decisions');
  assertError(await po.post(path, { kind: 'leadership', decisions: ['x'] }), 400, 'invalid_field', 'decisions[0]');
  assertError(await po.post(path, { kind: 'leadership', decisions: [decision, { text: 'x', due_minutes: 5 }] }),
    400, 'invalid_field', 'decisions[1].owner_role');
  assertError(await po.post(path, { kind: 'leadership',
    decisions: [{ text: 'x', due_minutes: 5, owner_role: 'leader', assignee_id: po.user.id }] }),
  400, 'invalid_field', 'decisions[0].owner_role');
  assertError(await po.post(path, { kind: 'leadership', decisions: [{ ...decision, owner_role: 'auditor' }] }),
    400, 'invalid_field', 'decisions[0].owner_role');
  assertError(await po.post(path, { kind: 'leadership', decisions: [{ ...decision, text: '' }] }),
    400, 'invalid_field', 'decisions[0].text');
  assertError(await po.post(path, { kind: 'leadership', decisions: [{ ...decision, due_minutes: -1 }] }),
    400, 'invalid_field', 'decisions[0].due_minutes');
  assertError(await po.post(path, { kind: 'leadership', decisions: [{ ...decision, due_minutes: '30' }] }),
    400, 'invalid_field', 'decisions[0].due_minutes');
  // Owners are checked in the transaction: the first decision is not kept either.
  assertError(await po.post(path, { kind: 'leadership',
    decisions: [decision, { text: 'x', assignee_id: 999999, due_minutes: 5 }] }),
  400, 'invalid_field', 'decisions[1].assignee_id');
  // The auditor account exists but cannot act on tasks.
  assertError(await po.post(path, { kind: 'leadership',
    decisions: [{ text: 'x', assignee_id: ctx.as.auditor.user.id, due_minutes: 5 }] }),
  400, 'invalid_field', 'decisions[0].assignee_id');

  // The step it fulfils must be an open task of this incident, with minutes.
  const a3 = stepTask(await tasksOf(po, inc.id), 'A3');
  const otherA3 = stepTask(await tasksOf(po, other.id), 'A3');
  const a6 = stepTask(await tasksOf(po, inc.id), 'A6');
  assertError(await po.post(path, { kind: 'leadership', task_id: a3.id }), 400, 'invalid_field', 'minutes');
  assertError(await po.post(path, { kind: 'leadership', minutes: 'm', task_id: otherA3.id }), 400, 'invalid_field', 'task_id');
  assertError(await po.post(path, { kind: 'leadership', minutes: 'm', task_id: a6.id }), 400, 'invalid_field', 'task_id');
  assertError(await po.post(path, { kind: 'leadership', minutes: 'm', task_id: 999999 }), 400, 'invalid_field', 'task_id');
  // A decision plus a task that is already done: refused as a whole.
  expectStatus(await po.patch(`/tasks/${a3.id}`, { action: 'complete', note: '已开会' }), 200, 'complete A3');
  assertError(await po.post(path, { kind: 'leadership', minutes: 'm', task_id: a3.id, decisions: [decision] }),
    409, 'conflict', 'task_id');

  assert.equal((await tasksOf(po, inc.id)).length, tasksBefore, 'no task was added by refused meetings');
  const entries = await timeline(po, inc.id);
  assert.equal(entries.length, eventsBefore + 1, 'only the manual completion was recorded');
  assert.deepEqual(expectStatus(await po.get(path), 200, 'list').meetings, []);

  // Validation of the decisions endpoint and of PATCH.
  const m = expectStatus(await po.post(path, { kind: 'leadership' }), 201, 'plain meeting');
  assertError(await po.post(`/meetings/${m.id}/decisions`, { decisions: [] }), 400, 'invalid_field', 'decisions');
  assertError(await po.post(`/meetings/${m.id}/decisions`, {}), 400, 'invalid_field', 'decisions');
  assertError(await po.post('/meetings/999999/decisions', { decisions: [decision] }), 404, 'not_found');
  assertError(await po.patch(`/meetings/${m.id}`, { kind: 'unit_leaders' }), 400, 'invalid_field', 'kind');
  assertError(await po.patch('/meetings/999999', { minutes: 'x' }), 404, 'not_found');
  assertError(await po.patch(`/meetings/${m.id}`, { starts_at: '2030-02-30T10:00:00Z' }), 400, 'invalid_field', 'starts_at');
  const moved = expectStatus(await po.patch(`/meetings/${m.id}`, { starts_at: '2030-03-01T10:00:00+08:00' }), 200, 'move');
  assert.equal(moved.starts_at, '2030-03-01T02:00:00.000Z');
});
