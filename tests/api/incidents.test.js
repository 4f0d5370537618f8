// API tests for the incident lifecycle of xinfang against a real server (docs/api.md,
// "Incidents"), under the shipped coal-mine plan (plans/coal-mine.json):
// procedure A and procedure B run end to end (registration decision, activation into
// tasks with their due times, transitions, task actions, recurring progress reports,
// dispatches, notes, timeline, grade override with re-planning), the scope decision and
// its override, grades by headcount and destination, input validation, listing, and
// the server-side overdue scan that appends exactly one task.overdue per late task.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  MINUTE, assertError, expectStatus, ms, sleep, setupIncidents, incidentBody, register, registerActive,
  tasksOf, auditEvents,
} = require('../lib/fixtures.js');

const NUMBER = /^XF-\d{4}-\d{4}$/;
const HEX64 = /^[0-9a-f]{64}$/;

let ctx;
let po; // petition office
let plan; // GET /plan doc

before(async () => {
  ctx = await setupIncidents({ roles: ['petition_office', 'leader', 'dispatch', 'auditor'] });
  po = ctx.as.petition_office;
  plan = expectStatus(await po.get('/plan'), 200, 'GET /plan').doc;
});

after(async () => { if (ctx) await ctx.stop(); });

function grade(id) { return plan.grades.find((g) => g.id === id); }
function procedure(id) { return plan.procedures.find((p) => p.id === id); }
function stepOf(stepId) {
  for (const s of [...plan.procedures.flatMap((p) => p.steps), ...plan.closing.steps]) {
    if (s.id === stepId) return s;
  }
  return null;
}

// The due time the contract gives a task of the plan, counted from activation (steps
// and progress reports) or registration (report up), under grade g.
function expectedDue(task, incident, g) {
  const activated = ms(incident.activated_at, 'activated_at');
  const registered = ms(incident.registered_at, 'registered_at');
  switch (task.kind) {
    case 'step':
    case 'closing': return activated + stepOf(task.step_id).due_minutes * g.due_percent / 100 * MINUTE;
    case 'recurring': return activated + g.progress_interval_minutes * MINUTE;
    case 'report_oral': return registered + g.report_oral_minutes * MINUTE;
    case 'report_written': return registered + g.report_written_minutes * MINUTE;
    default: throw new Error(`unexpected task kind ${task.kind}`);
  }
}

async function transition(client, id, to, reason) {
  const body = reason ? { to, reason } : { to };
  const inc = expectStatus(await client.post(`/incidents/${id}/transition`, body), 200, `transition to ${to}`);
  assert.equal(inc.status, to);
  return inc;
}

async function refuseTransition(client, id, to, allowed) {
  const r = await client.post(`/incidents/${id}/transition`, { to });
  assertError(r, 409, 'conflict');
  assert.ok(Array.isArray(r.json.error.allowed), `error.allowed missing: ${r.text}`);
  assert.deepEqual([...r.json.error.allowed].sort(), [...allowed].sort(), `allowed after refusing ${to}`);
}

// What the law and the plan require to close (issue 9 item 7, tests/api/closing.test.js):
// before 已上报 a completed 综合评价 and an issued 终报; before 已归档 C1–C4 done with
// notes and no open step, recurring report or meeting decision.
async function readyToReport(client, id) {
  const form = expectStatus(await client.get(`/incidents/${id}/evaluation`), 200, 'GET evaluation');
  const scores = Object.fromEntries(form.dimensions.map((d) => [d.id, { score: 4, comment: '按预案处置' }]));
  expectStatus(await client.request('PUT', `/incidents/${id}/evaluation`, { scores, complete: true }), 200,
    'complete the evaluation');
  const draft = expectStatus(await client.post(`/incidents/${id}/reports`, { kind: 'final' }), 201, 'final report');
  expectStatus(await client.post(`/reports/${draft.id}/issue`, {}), 200, 'issue the final report');
}

async function readyToArchive(client, id) {
  for (const t of (await tasksOf(client, id))) {
    if (t.status !== 'pending' && t.status !== 'in_progress') continue;
    if (t.kind === 'closing' && t.step_id !== 'C5') {
      await act(client, t.id, { action: 'complete', note: `${t.step_id}：已按预案办理` });
    } else if (['step', 'recurring', 'decision'].includes(t.kind)) {
      await act(client, t.id, { action: 'skip', reason: '事件已化解，无需再办' });
    }
  }
}

async function act(client, taskId, body, status = 200) {
  return expectStatus(await client.patch(`/tasks/${taskId}`, body), status, `PATCH /tasks/${taskId} ${JSON.stringify(body)}`);
}

async function timeline(client, id) {
  const entries = expectStatus(await client.get(`/incidents/${id}/timeline`), 200, 'timeline').entries;
  // Oldest first by when each entry happened (a note's 发生时间), then as recorded.
  for (let i = 1; i < entries.length; i++) {
    const a = ms(entries[i - 1].occurred_at, 'occurred_at'), b = ms(entries[i].occurred_at, 'occurred_at');
    assert.ok(a < b || (a === b && entries[i].seq > entries[i - 1].seq), 'timeline is oldest first');
  }
  for (const e of entries) {
    assert.ok(e.kind === 'event' || e.kind === 'note', `timeline kind ${e.kind}`);
    assert.equal(typeof e.text, 'string');
    assert.ok(e.text.length > 0, `empty timeline text: ${JSON.stringify(e)}`);
    ms(e.at, 'timeline at');
  }
  return entries;
}

test('the shipped plan has the grades and procedures these tests rely on', () => {
  assert.deepEqual(plan.grades.map((g) => [g.id, g.due_percent]), [['I', 50], ['II', 75], ['III', 100], ['IV', 100]]);
  assert.equal(grade('IV').report_oral_minutes, 0, 'grade IV has no oral report');
  assert.deepEqual(procedure('A').steps.map((s) => s.id), ['A1', 'A2', 'A3', 'A4', 'A5', 'A6']);
  assert.deepEqual(plan.closing.steps.map((s) => s.id), ['C1', 'C2', 'C3', 'C4', 'C5']);
});

test('procedure A: 8 people at the mine with advance information, from registration to archive', async () => {
  const before = Date.now();
  const inc = await register(po, { headcount: 8, destination: 'mine', advance_info: true, units: [ctx.units.team] });
  assert.match(inc.number, NUMBER);
  assert.equal(inc.status, 'registered');
  assert.equal(inc.in_scope, true);
  assert.equal(inc.grade, 'IV');
  assert.equal(inc.grade_name, '四级');
  assert.equal(inc.grade_computed, 'IV');
  assert.equal(inc.override, null);
  assert.equal(inc.procedure, 'A');
  assert.equal(inc.procedure_name, procedure('A').name);
  assert.equal(inc.headcount, 8);
  assert.equal(inc.destination, 'mine');
  assert.equal(inc.advance_info, true);
  assert.equal(inc.drill, false);
  assert.deepEqual(inc.units, [ctx.units.team]);
  assert.ok(Array.isArray(inc.reasons) && inc.reasons.every((s) => typeof s === 'string'));
  assert.ok(inc.reasons.some((s) => s.includes('三人以上的集体访')), `reasons: ${inc.reasons}`);
  assert.ok(!inc.reasons.some((s) => s.includes('到集团公司以上机关')), `reasons: ${inc.reasons}`);
  assert.match(inc.plan.hash, HEX64);
  assert.equal(inc.plan.title, plan.title);
  const registered = ms(inc.registered_at, 'registered_at');
  assert.ok(registered >= before - 2000 && registered <= Date.now() + 2000, 'registered_at is now');
  assert.equal(inc.activated_at, null);
  assert.deepEqual(inc.allowed, ['not_activated', 'withdrawn']);
  assert.deepEqual(inc.tasks, { total: 0, done: 0, skipped: 0, overdue: 0 });
  assert.equal(Number(inc.number.slice(3, 7)), new Date(registered + 8 * 3600e3).getUTCFullYear(),
    'the number carries the year (Asia/Shanghai)');

  const got = expectStatus(await po.get(`/incidents/${inc.id}`), 200, 'GET incident');
  assert.equal(got.number, inc.number);
  assert.deepEqual(got.reasons, inc.reasons);

  // Forbidden transitions before activation.
  await refuseTransition(po, inc.id, 'archived', ['not_activated', 'withdrawn']);
  await refuseTransition(po, inc.id, 'activated', ['not_activated', 'withdrawn']);
  await refuseTransition(po, inc.id, 'on_site', ['not_activated', 'withdrawn']);
  assertError(await po.post(`/incidents/${inc.id}/transition`, { to: 'finished' }), 400, 'invalid_field', 'to');
  assertError(await po.post(`/incidents/${inc.id}/transition`, {}), 400, 'invalid_field', 'to');

  const act1 = expectStatus(await po.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
  assert.equal(act1.status, 'activated');
  const activated = ms(act1.activated_at, 'activated_at');
  assert.ok(activated >= registered, 'activated after registration');
  assert.deepEqual([...act1.allowed].sort(), ['on_site', 'resolving']);
  assertError(await po.post(`/incidents/${inc.id}/activate`, {}), 409, 'conflict');

  const tasks = await tasksOf(po, inc.id);
  assert.equal(act1.tasks.total, tasks.length);
  const planned = tasks.filter((t) => ['step', 'recurring', 'closing'].includes(t.kind));
  assert.deepEqual(planned.map((t) => t.step_id), ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'C1', 'C2', 'C3', 'C4', 'C5'],
    'the steps of procedure A then the closing steps, in plan order');
  assert.deepEqual(planned.map((t) => t.kind), [...Array(5).fill('step'), 'recurring', ...Array(5).fill('closing')]);
  assert.deepEqual(tasks.filter((t) => t.kind === 'recurring').map((t) => t.step_id), ['A6']);
  assert.deepEqual(tasks.filter((t) => t.kind.startsWith('report_')).map((t) => t.kind), ['report_written'],
    'grade IV: a written report only, no oral report');
  assert.equal(tasks.length, 12);
  const g = grade('IV');
  for (const t of tasks) {
    assert.equal(t.incident_id, inc.id);
    assert.equal(t.status, 'pending', `${t.step_id || t.kind} status`);
    assert.equal(t.overdue, false);
    assert.equal(t.assignee, null);
    assert.equal(ms(t.due_at, `${t.step_id || t.kind} due_at`), expectedDue(t, act1, g),
      `${t.step_id || t.kind}: due ${t.due_at}, activated ${act1.activated_at}, registered ${act1.registered_at}`);
    if (t.step_id) assert.equal(t.title, stepOf(t.step_id).title);
  }
  const byStep = Object.fromEntries(planned.map((t) => [t.step_id, t]));
  assert.equal(byStep.A6.round, 1, 'the first progress report is round 1');
  assert.deepEqual(byStep.A1.owner, { kind: 'role', value: 'petition_office', label: byStep.A1.owner.label });
  assert.deepEqual([byStep.A3.owner.kind, byStep.A3.owner.value], ['position', '组长']);
  assert.deepEqual([byStep.A5.owner.kind, byStep.A5.owner.value], ['role', 'dispatch']);
  assert.deepEqual(byStep.A2.evidence, ['家庭档案']);
  assert.equal(ms(byStep.A1.due_at) - activated, 15 * MINUTE, 'A1 is due 15 minutes after activation');

  await refuseTransition(po, inc.id, 'replying', ['on_site', 'resolving']);
  await refuseTransition(po, inc.id, 'archived', ['on_site', 'resolving']);

  // Task actions: start, complete, complete again, skip without and with a reason.
  const started = await act(po, byStep.A1.id, { action: 'start' });
  assert.equal(started.status, 'in_progress');
  ms(started.started_at, 'started_at');
  assert.equal(started.assignee.id, po.user.id, 'starting an unassigned task takes it');
  const done = await act(po, byStep.A1.id, { action: 'complete', note: '已电话汇报分管领导' });
  assert.equal(done.status, 'done');
  assert.equal(done.note, '已电话汇报分管领导');
  assert.ok(ms(done.done_at, 'done_at') >= ms(started.started_at));
  assertError(await po.patch(`/tasks/${byStep.A1.id}`, { action: 'complete' }), 409, 'conflict');
  assertError(await po.patch(`/tasks/${byStep.A1.id}`, { action: 'start' }), 409, 'conflict');
  assertError(await po.patch(`/tasks/${byStep.A2.id}`, { action: 'skip' }), 400, 'invalid_field', 'reason');
  assertError(await po.patch(`/tasks/${byStep.A2.id}`, { action: 'finish' }), 400, 'invalid_field', 'action');
  assertError(await po.patch('/tasks/999999', { action: 'complete' }), 404, 'not_found');
  const skipped = await act(po, byStep.A2.id, { action: 'skip', reason: '上访人员均为在册职工，已有档案' });
  assert.equal(skipped.status, 'skipped');
  assert.equal(skipped.skip_reason, '上访人员均为在册职工，已有档案');
  assertError(await po.patch(`/tasks/${byStep.A2.id}`, { action: 'skip', reason: '再次跳过' }), 409, 'conflict');

  // Completing the recurring progress report schedules the next round.
  const report1 = await act(po, byStep.A6.id, { action: 'complete', note: '第一次调度汇报' });
  assert.equal(report1.status, 'done');
  let now = await tasksOf(po, inc.id);
  const rounds = now.filter((t) => t.step_id === 'A6');
  assert.deepEqual(rounds.map((t) => [t.round, t.status]), [[1, 'done'], [2, 'pending']]);
  assert.equal(rounds[1].kind, 'recurring');
  assert.equal(ms(rounds[1].due_at) - ms(rounds[0].due_at), g.progress_interval_minutes * MINUTE,
    'the next report is due one interval after the due time of the last one');
  assert.equal(now.length, 13);
  const counted = expectStatus(await po.get(`/incidents/${inc.id}`), 200, 'GET incident');
  assert.equal(counted.tasks.total, 12, 'the recurring report counts once, as its open round 2');
  assert.equal(counted.tasks.done, 1, 'done: A1 (A6 goes on with round 2)');
  assert.equal(counted.tasks.skipped, 1, 'skipped: A2');

  // Procedure A may go from activated straight to resolving.
  let cur = await transition(po, inc.id, 'resolving', '信息已提前掌握，未形成现场聚集');
  assert.deepEqual(cur.allowed, ['evaluating']);
  now = await tasksOf(po, inc.id);
  assert.equal(now.find((t) => t.step_id === 'A6' && t.round === 2).status, 'pending', 'reports go on while resolving');

  // Evaluating ends the periodic reports: the open one is skipped with a reason.
  cur = await transition(po, inc.id, 'evaluating');
  assert.deepEqual(cur.allowed, ['reported']);
  now = await tasksOf(po, inc.id);
  const lastRound = now.filter((t) => t.step_id === 'A6');
  assert.equal(lastRound.length, 2, 'no new round once the incident is being evaluated');
  assert.equal(lastRound[1].status, 'skipped');
  assert.ok(lastRound[1].skip_reason.length > 0, 'the automatic skip has a reason');
  assert.equal(now.find((t) => t.step_id === 'C1').status, 'pending', 'closing steps stay open');
  assert.equal(now.find((t) => t.step_id === 'A3').status, 'pending', 'other steps stay open');

  for (const step of ['C1', 'C2', 'C3', 'C4']) {
    await act(po, now.find((t) => t.step_id === step).id, { action: 'complete', note: `${step} 已办理` });
  }
  await refuseTransition(po, inc.id, 'archived', ['reported']);
  await readyToReport(po, inc.id);
  cur = await transition(po, inc.id, 'reported');
  assert.deepEqual(cur.allowed, ['archived']);
  await readyToArchive(po, inc.id);
  cur = await transition(po, inc.id, 'archived');
  assert.deepEqual(cur.allowed, []);
  // The archive is sealed (issue 9 item 8, tests/api/archive.test.js).
  assertError(await po.post(`/incidents/${inc.id}/transition`, { to: 'resolving' }), 409, 'sealed');

  const entries = await timeline(po, inc.id);
  const actions = entries.map((e) => e.action);
  assert.equal(actions[0], 'incident.register');
  assert.equal(actions[1], 'incident.activate');
  for (const a of ['task.start', 'task.complete', 'task.skip']) assert.ok(actions.includes(a), `timeline has ${a}`);
  assert.equal(actions.filter((a) => a === 'incident.transition').length, 4);
  assert.ok(entries.every((e) => e.kind === 'event'), 'no notes were written');
});

test('procedure B: 12 people to the province without advance information, dispatches, notes, override', async () => {
  const disp = ctx.as.dispatch;
  const inc = await register(po, { headcount: 12, destination: 'province', advance_info: false,
    place: '省信访局', units: [ctx.units.team] });
  assert.equal(inc.in_scope, true);
  assert.equal(inc.grade, 'II');
  assert.equal(inc.grade_name, '二级');
  assert.equal(inc.procedure, 'B');
  assert.equal(inc.procedure_name, procedure('B').name);
  assert.ok(inc.reasons.some((s) => s.includes('三人以上的集体访')), `reasons: ${inc.reasons}`);
  assert.ok(inc.reasons.some((s) => s.includes('到集团公司以上机关的各类上访')), `reasons: ${inc.reasons}`);

  const act1 = expectStatus(await po.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
  assert.deepEqual(act1.allowed, ['on_site'], 'procedure B has an on-site phase');
  let tasks = await tasksOf(po, inc.id);
  const planned = tasks.filter((t) => ['step', 'recurring', 'closing'].includes(t.kind));
  assert.deepEqual(planned.map((t) => t.step_id), ['B1', 'B2', 'B3.1', 'B3.2', 'B3.3', 'B3.4', 'B3.5', 'B3.6',
    'B4', 'B5', 'B6', 'C1', 'C2', 'C3', 'C4', 'C5']);
  assert.deepEqual(tasks.filter((t) => t.kind === 'closing').map((t) => t.step_id), ['C1', 'C2', 'C3', 'C4', 'C5']);
  assert.deepEqual(tasks.filter((t) => t.kind === 'recurring').map((t) => t.step_id), ['B3.2', 'B6']);
  assert.deepEqual(tasks.filter((t) => t.kind.startsWith('report_')).map((t) => t.kind).sort(),
    ['report_oral', 'report_written'], 'grade II: oral and written reports');
  const g2 = grade('II');
  for (const t of tasks) {
    assert.equal(ms(t.due_at), expectedDue(t, act1, g2),
      `${t.step_id || t.kind}: due ${t.due_at} under grade II (activated ${act1.activated_at})`);
  }
  const byStep = Object.fromEntries(planned.map((t) => [t.step_id, t]));
  assert.deepEqual(byStep.B2.dispatch, ['guards', 'vehicles']);
  assert.deepEqual([byStep.B2.owner.kind, byStep.B2.owner.value], ['role', 'dispatch']);
  assert.equal(byStep.B4.chooses_venue, true);
  assert.equal(ms(byStep.B1.due_at) - ms(act1.activated_at), 7.5 * MINUTE, 'B1: 10 minutes at 75%');
  for (const [ws, steps] of [['control', ['B3.1', 'B3.2']], ['guidance', ['B3.3', 'B3.4']], ['liaison', ['B3.5', 'B3.6']]]) {
    assert.deepEqual(tasks.filter((t) => t.workstream === ws).map((t) => t.step_id), steps, `workstream ${ws}`);
  }
  assert.equal(byStep.B1.workstream, null);

  await refuseTransition(po, inc.id, 'resolving', ['on_site']);

  // Dispatches: guards and vehicles, ordered -> en route -> arrived -> released.
  assertError(await po.post(`/incidents/${inc.id}/dispatches`, { resource: 'tanks', quantity: 1 }), 400, 'invalid_field', 'resource');
  assertError(await po.post(`/incidents/${inc.id}/dispatches`, { resource: 'guards', quantity: 0 }), 400, 'invalid_field', 'quantity');
  const guards = expectStatus(await po.post(`/incidents/${inc.id}/dispatches`,
    { resource: 'guards', quantity: 6, note: '保卫干警' }), 201, 'dispatch guards');
  assert.equal(guards.incident_id, inc.id);
  assert.equal(guards.resource, 'guards');
  assert.equal(guards.quantity, 6);
  assert.equal(guards.status, 'ordered');
  ms(guards.ordered_at, 'ordered_at');
  assert.equal(guards.eta_at, null);
  assert.equal(guards.arrived_at, null);
  assert.equal(guards.released_at, null);
  assert.equal(typeof guards.ordered_by, 'string');
  const vehicles = expectStatus(await po.post(`/incidents/${inc.id}/dispatches`,
    { resource: 'vehicles', quantity: 2 }), 201, 'dispatch vehicles');

  const t0 = Date.now();
  const g1 = expectStatus(await disp.patch(`/dispatches/${guards.id}`, { eta_minutes: 12 }), 200, 'guards eta');
  const t1 = Date.now();
  assert.equal(g1.status, 'en_route');
  const eta = ms(g1.eta_at, 'eta_at');
  assert.ok(eta >= t0 + 12 * MINUTE - 2000 && eta <= t1 + 12 * MINUTE + 2000, `eta_at ${g1.eta_at} is 12 minutes on`);
  const g2r = expectStatus(await disp.patch(`/dispatches/${guards.id}`, { arrived: true }), 200, 'guards arrived');
  assert.equal(g2r.status, 'arrived');
  assert.ok(ms(g2r.arrived_at, 'arrived_at') >= ms(guards.ordered_at));
  assert.equal(g2r.eta_at, g1.eta_at, 'arrival keeps the eta');
  assertError(await disp.patch(`/dispatches/${guards.id}`, { eta_minutes: -1 }), 400, 'invalid_field', 'eta_minutes');
  assertError(await disp.patch('/dispatches/999999', { arrived: true }), 404, 'not_found');

  expectStatus(await disp.patch(`/dispatches/${vehicles.id}`, { eta_minutes: 5 }), 200, 'vehicles eta');
  const v2 = expectStatus(await disp.patch(`/dispatches/${vehicles.id}`, { arrived: true }), 200, 'vehicles arrived');
  const v3 = expectStatus(await disp.patch(`/dispatches/${vehicles.id}`, { released: true, note: '车辆返回' }), 200, 'vehicles released');
  assert.equal(v3.status, 'released');
  assert.ok(ms(v3.released_at, 'released_at') >= ms(v2.arrived_at));
  assert.equal(v3.arrived_at, v2.arrived_at, 'release keeps the arrival time');
  const list = expectStatus(await po.get(`/incidents/${inc.id}/dispatches`), 200, 'GET dispatches').dispatches;
  assert.deepEqual(list.map((d) => [d.id, d.resource, d.status]),
    [[guards.id, 'guards', 'arrived'], [vehicles.id, 'vehicles', 'released']]);

  // The dispatch office completes its own step B2.
  const b2 = await act(disp, byStep.B2.id, { action: 'complete', note: '干警6人、车辆2台已到场' });
  assert.equal(b2.status, 'done');

  // Notes (现场情况) are timeline entries of kind note.
  assertError(await po.post(`/incidents/${inc.id}/notes`, {}), 400, 'invalid_field', 'text');
  const note = expectStatus(await po.post(`/incidents/${inc.id}/notes`, { text: '现场约12人，情绪基本稳定' }), 201, 'note');
  assert.equal(note.kind, 'note');
  assert.equal(note.text, '现场约12人，情绪基本稳定');
  expectStatus(await disp.post(`/incidents/${inc.id}/notes`, { text: '保卫干警已在省信访局门口就位' }), 201, 'dispatch note');

  // Override to grade I: open tasks are re-planned (step due offsets halve), done ones keep theirs.
  await act(po, byStep.B1.id, { action: 'complete' });
  assertError(await po.post(`/incidents/${inc.id}/override`, { grade: 'I' }), 400, 'invalid_field', 'reason');
  assertError(await po.post(`/incidents/${inc.id}/override`, { grade: 'V', reason: '没有此等级' }), 400, 'invalid_field', 'grade');
  const before = await tasksOf(po, inc.id);
  const ov = expectStatus(await po.post(`/incidents/${inc.id}/override`,
    { grade: 'I', reason: '现场人数增加，有进京苗头，提级处置' }), 200, 'override');
  assert.equal(ov.grade, 'I');
  assert.equal(ov.grade_name, '一级');
  assert.equal(ov.grade_computed, 'II', 'the computed grade is kept');
  assert.equal(ov.status, 'activated');
  assert.equal(ov.override.grade, 'I');
  assert.equal(ov.override.in_scope, true);
  assert.equal(ov.override.reason, '现场人数增加，有进京苗头，提级处置');
  assert.equal(ov.override.by, po.user.username);
  ms(ov.override.at, 'override.at');
  tasks = await tasksOf(po, inc.id);
  const g1grade = grade('I');
  for (const t of tasks) {
    const old = before.find((b) => b.id === t.id);
    if (t.status === 'done' || t.status === 'skipped') {
      assert.equal(t.due_at, old.due_at, `${t.step_id || t.kind} is finished: its due time stays`);
    } else {
      assert.equal(ms(t.due_at), expectedDue(t, ov, g1grade), `${t.step_id || t.kind} re-planned under grade I`);
    }
  }
  const b31 = tasks.find((t) => t.step_id === 'B3.1');
  assert.equal(ms(b31.due_at) - ms(ov.activated_at), 22.5 * MINUTE, 'B3.1: 45 minutes at 50%');

  let entries = await timeline(po, inc.id);
  const overrideEntry = entries.find((e) => e.action === 'incident.override');
  assert.ok(overrideEntry, 'the override is in the timeline');
  assert.equal(overrideEntry.kind, 'event');
  assert.deepEqual(entries.filter((e) => e.kind === 'note').map((e) => e.text),
    ['现场约12人，情绪基本稳定', '保卫干警已在省信访局门口就位']);
  assert.ok(entries.filter((e) => e.kind === 'note').every((e) => e.action === 'note.create'));
  for (const a of ['dispatch.create', 'dispatch.update', 'task.complete']) assert.ok(entries.some((e) => e.action === a), `timeline has ${a}`);
  const audit = await auditEvents(ctx.as.auditor);
  const ovEvent = audit.filter((e) => e.action === 'incident.override' && e.object_id === String(inc.id));
  assert.equal(ovEvent.length, 1, 'one incident.override event in the audit log');
  assert.equal(ovEvent[0].seq, overrideEntry.seq);
  assert.equal(ovEvent[0].object_type, 'incident');
  assert.equal(ovEvent[0].actor, po.user.username);
  assert.equal(ovEvent[0].data.reason, '现场人数增加，有进京苗头，提级处置');
  assert.equal(ovEvent[0].data.grade, 'I');

  // Skipping a progress report (with a reason) also schedules the next round.
  const b6 = tasks.find((t) => t.step_id === 'B6' && t.status === 'pending');
  const skippedReport = await act(po, b6.id, { action: 'skip', reason: '本轮无新进展' });
  assert.equal(skippedReport.skip_reason, '本轮无新进展');
  const b6rounds = (await tasksOf(po, inc.id)).filter((t) => t.step_id === 'B6');
  assert.deepEqual(b6rounds.map((t) => [t.round, t.status]), [[1, 'skipped'], [2, 'pending']]);
  assert.equal(ms(b6rounds[1].due_at) - ms(b6rounds[0].due_at), g1grade.progress_interval_minutes * MINUTE,
    `the next report is due one interval (grade I) after the skipped round was due: ${b6rounds[1].due_at}`);

  // The rest of the lifecycle, by the leadership group as well.
  let cur = await transition(po, inc.id, 'on_site');
  assert.deepEqual(cur.allowed, ['replying']);
  await refuseTransition(po, inc.id, 'resolving', ['replying']);
  cur = await transition(ctx.as.leader, inc.id, 'replying');
  assert.deepEqual(cur.allowed, ['resolving']);
  cur = await transition(po, inc.id, 'resolving');
  cur = await transition(po, inc.id, 'evaluating');
  tasks = await tasksOf(po, inc.id);
  for (const t of tasks.filter((x) => x.kind === 'recurring')) {
    assert.equal(t.status, 'skipped', `${t.step_id} round ${t.round} ends at evaluation`);
  }
  await readyToReport(po, inc.id);
  cur = await transition(po, inc.id, 'reported');
  await readyToArchive(po, inc.id);
  cur = await transition(po, inc.id, 'archived');
  assert.equal(cur.grade, 'I');
  entries = await timeline(po, inc.id);
  assert.deepEqual(entries.filter((e) => e.action === 'incident.transition').length, 6);
});

test('scope: 2 people at the mine are not activated; an override brings them in', async () => {
  const out = await register(po, { headcount: 2, destination: 'mine', advance_info: true });
  assert.equal(out.status, 'not_activated');
  assert.equal(out.in_scope, false);
  assert.equal(out.grade, null);
  assert.ok(out.reasons.some((s) => s.includes('不启动')), `reasons: ${out.reasons}`);
  assert.deepEqual(out.allowed, ['registered']);
  assertError(await po.post(`/incidents/${out.id}/activate`, {}), 409, 'conflict');
  assertError(await po.post(`/incidents/${out.id}/override`, { in_scope: true }), 400, 'invalid_field', 'reason');
  assertError(await po.post(`/incidents/${out.id}/override`, { reason: '没有说改什么' }), 400, 'invalid_field');

  const ov = expectStatus(await po.post(`/incidents/${out.id}/override`,
    { in_scope: true, reason: '两人均为多次越级上访人员，按预案处置' }), 200, 'override in scope');
  assert.equal(ov.status, 'registered');
  assert.equal(ov.in_scope, true);
  assert.equal(ov.grade, 'IV');
  assert.equal(ov.override.in_scope, true);
  assert.equal(ov.override.reason, '两人均为多次越级上访人员，按预案处置');
  const a = expectStatus(await po.post(`/incidents/${out.id}/activate`, {}), 200, 'activate after override');
  assert.equal(a.status, 'activated');
  assert.equal(a.procedure, 'A');

  const three = await register(po, { headcount: 3, destination: 'mine', advance_info: false });
  assert.equal(three.in_scope, true);
  assert.equal(three.status, 'registered');
  assert.equal(three.grade, 'IV');
  assert.equal(three.procedure, 'B');
  assert.ok(three.reasons.some((s) => s.includes('三人以上的集体访')));

  const one = await register(po, { headcount: 1, destination: 'group', advance_info: false });
  assert.equal(one.in_scope, true);
  assert.equal(one.status, 'registered');
  assert.equal(one.grade, 'III');
  assert.ok(one.reasons.some((s) => s.includes('到集团公司以上机关的各类上访')), `reasons: ${one.reasons}`);
  assert.ok(!one.reasons.some((s) => s.includes('三人以上的集体访')), `reasons: ${one.reasons}`);

  // A registered incident can be declared out of scope and back.
  const t1 = await transition(po, three.id, 'not_activated', '核实为个人来访');
  assert.deepEqual(t1.allowed, ['registered']);
  await transition(po, three.id, 'registered');
});

test('concurrent registrations get distinct, consecutive numbers', async () => {
  const made = await Promise.all(Array.from({ length: 12 }, () => register(po, { drill: true })));
  const numbers = made.map((i) => i.number);
  assert.equal(new Set(numbers).size, numbers.length, `duplicate numbers: ${numbers}`);
  const seqs = numbers.map((n) => Number(n.slice(-4))).sort((a, b) => a - b);
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1] + 1, `numbers without gaps: ${seqs}`);
});

test('grades follow destination and headcount', async () => {
  const cases = [
    [{ headcount: 1, destination: 'national' }, 'I'],
    [{ headcount: 50, destination: 'mine' }, 'I'],
    [{ headcount: 1, destination: 'province' }, 'II'],
    [{ headcount: 30, destination: 'mine' }, 'II'],
    [{ headcount: 1, destination: 'city' }, 'III'],
    [{ headcount: 10, destination: 'mine' }, 'III'],
    [{ headcount: 9, destination: 'mine' }, 'IV'],
  ];
  for (const [facts, want] of cases) {
    const inc = await register(po, { ...facts, advance_info: false, drill: true });
    assert.equal(inc.grade, want, `${JSON.stringify(facts)}: grade ${inc.grade}, reasons ${inc.reasons}`);
    assert.equal(inc.drill, true);
  }
});

test('registration validates its fields', async () => {
  const bad = [
    [{ headcount: 0 }, 'headcount'],
    [{ headcount: '8' }, 'headcount'],
    [{ destination: 'moon' }, 'destination'],
    [{ advance_info: 'yes' }, 'advance_info'],
    [{ units: [999999] }, 'units[0]'],
    [{ units: [ctx.units.team, 'x'] }, 'units[1]'],
    [{ drill: 1 }, 'drill'],
  ];
  for (const [fields, field] of bad) {
    assertError(await po.post('/incidents', incidentBody(fields)), 400, 'invalid_field', field);
  }
  const body = incidentBody();
  delete body.advance_info;
  assertError(await po.post('/incidents', body), 400, 'invalid_field', 'advance_info');
  assertError(await po.post('/incidents', '{"headcount":'), 400, 'malformed_json');
  assertError(await po.get('/incidents/999999'), 404, 'not_found');
  assertError(await po.post('/incidents/999999/activate', {}), 404, 'not_found');
});

test('the list is newest first, filters by status and active, and pages', async () => {
  const all = expectStatus(await po.get('/incidents?limit=200'), 200, 'GET /incidents').incidents;
  assert.ok(all.length >= 10);
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].id > all[i].id, 'newest first');
  const page1 = expectStatus(await po.get('/incidents?limit=3'), 200, 'page 1');
  assert.deepEqual(page1.incidents.map((i) => i.id), all.slice(0, 3).map((i) => i.id));
  assert.equal(page1.next_after_id, all[2].id);
  const page2 = expectStatus(await po.get(`/incidents?limit=3&after_id=${page1.next_after_id}`), 200, 'page 2');
  assert.deepEqual(page2.incidents.map((i) => i.id), all.slice(3, 6).map((i) => i.id));
  const archived = expectStatus(await po.get('/incidents?status=archived'), 200, 'status=archived').incidents;
  assert.ok(archived.length >= 2 && archived.every((i) => i.status === 'archived'));
  const active = expectStatus(await po.get('/incidents?active=1&limit=200'), 200, 'active=1').incidents;
  assert.ok(active.length > 0);
  assert.ok(active.every((i) => i.status !== 'archived' && i.status !== 'not_activated'));
  assert.equal(active.length, all.filter((i) => i.status !== 'archived' && i.status !== 'not_activated').length);
  assertError(await po.get('/incidents?status=closed'), 400, 'bad_request');
  assertError(await po.get('/incidents?limit=0'), 400, 'bad_request');
});

test('overdue: a task past its due time gets exactly one task.overdue event', async () => {
  const inc = await registerActive(po, { headcount: 5, destination: 'mine', advance_info: true });
  const late = expectStatus(await po.post(`/incidents/${inc.id}/tasks`,
    { title: '核实来访人员身份', due_minutes: 0 }), 201, 'ad-hoc task');
  assert.equal(late.kind, 'manual');
  assert.equal(late.status, 'pending');
  assert.ok(Math.abs(ms(late.due_at) - Date.now()) < 5000, 'due now');
  const later = expectStatus(await po.post(`/incidents/${inc.id}/tasks`,
    { title: '准备答复材料', due_minutes: 60, workstream: 'guidance' }), 201, 'ad-hoc task in an hour');
  assert.equal(later.workstream, 'guidance');
  assertError(await po.post(`/incidents/${inc.id}/tasks`, { title: 'x', due_minutes: -1 }), 400, 'invalid_field', 'due_minutes');
  assertError(await po.post(`/incidents/${inc.id}/tasks`, { due_minutes: 5 }), 400, 'invalid_field', 'title');

  const overdueFor = async (taskId) => (await auditEvents(ctx.as.auditor))
    .filter((e) => e.action === 'task.overdue' && e.data && e.data.task_id === taskId);
  const start = Date.now();
  let found = [];
  while (Date.now() - start < 3000) {
    found = await overdueFor(late.id);
    if (found.length) break;
    await sleep(100);
  }
  const took = Date.now() - start;
  assert.equal(found.length, 1, `one task.overdue event within 3 s (scan every 300 ms), found ${found.length}`);
  assert.ok(took <= 3000, `took ${took} ms`);
  assert.equal(found[0].object_type, 'incident');
  assert.equal(found[0].object_id, String(inc.id));

  await sleep(1500); // five more scans
  assert.equal((await overdueFor(late.id)).length, 1, 'still exactly one after further scans');
  assert.equal((await overdueFor(later.id)).length, 0, 'a task due in an hour is not overdue');
  const tasks = await tasksOf(po, inc.id);
  assert.equal(tasks.find((t) => t.id === late.id).overdue, true);
  assert.equal(tasks.find((t) => t.id === later.id).overdue, false);
  const got = expectStatus(await po.get(`/incidents/${inc.id}`), 200, 'GET incident');
  assert.equal(got.tasks.overdue, 1);
  const entries = await timeline(po, inc.id);
  assert.equal(entries.filter((e) => e.action === 'task.overdue').length, 1, 'the timeline shows it once');
  const done = await act(po, late.id, { action: 'complete', note: '已核实' });
  assert.equal(done.status, 'done');
});

test('archiving ends the open tasks: skipped with the reason, never overdue, not scanned again', async () => {
  const inc = await registerActive(po, { headcount: 5, destination: 'mine', advance_info: true });
  const first = await tasksOf(po, inc.id);
  await act(po, first.find((t) => t.step_id === 'A1').id, { action: 'complete', note: '已汇报' });
  await transition(po, inc.id, 'resolving');
  await transition(po, inc.id, 'evaluating');
  await readyToReport(po, inc.id);
  await transition(po, inc.id, 'reported');
  // The plan's steps are closed by hand (archiving needs that); an added task and C5
  // (归档保存) may still be open.
  await readyToArchive(po, inc.id);
  // A task already due when the incident is archived: before, it stayed open and showed
  // as overdue in the archived incident for ever.
  const late = expectStatus(await po.post(`/incidents/${inc.id}/tasks`,
    { title: '补充上报材料', due_minutes: 0 }), 201, 'ad-hoc task due now');
  const archived = await transition(po, inc.id, 'archived');
  assert.equal(archived.tasks.overdue, 0, 'an archived incident counts no overdue task');
  const archivedAt = ms(archived.updated_at, 'updated_at');

  const tasks = await tasksOf(po, inc.id);
  assert.ok(tasks.length > 5);
  for (const t of tasks) {
    assert.ok(t.status === 'done' || t.status === 'skipped', `${t.title} is ${t.status} after archiving`);
    assert.equal(t.overdue, false, `${t.title} is not overdue after archiving`);
  }
  assert.equal(tasks.find((t) => t.step_id === 'A1').status, 'done', 'a finished task stays done');
  const ended = tasks.find((t) => t.id === late.id);
  assert.equal(ended.status, 'skipped');
  assert.equal(ended.skip_reason, '事件状态为「已归档」，未完成的任务随之结束');
  assert.ok(Math.abs(ms(ended.done_at) - archivedAt) < 1000, 'ended when the incident was archived');
  const c5 = tasks.find((t) => t.step_id === 'C5');
  assert.equal(c5.status, 'skipped', 'the closing step the archive fulfils is ended too');
  assert.equal(c5.skip_reason, ended.skip_reason);

  // Five scans later: no task.overdue for the archived incident after it was archived.
  // Archiving seals in the same transaction (incident.seal comes right after it).
  const archiveSeq = (await timeline(po, inc.id)).filter((e) => e.action === 'incident.seal').pop().seq;
  await sleep(1500);
  const since = (await auditEvents(ctx.as.auditor)).filter((e) => e.seq > archiveSeq &&
    e.object_type === 'incident' && e.object_id === String(inc.id));
  assert.deepEqual(since.map((e) => e.action), [], 'nothing happens to an archived incident');
  assertError(await po.patch(`/tasks/${late.id}`, { action: 'complete' }), 409, 'sealed');
});

test('a note takes its 发生时间 "at": listed where it happened, never in the future', async () => {
  const inc = await registerActive(po, { headcount: 12, destination: 'province', advance_info: false });
  // An event that happened an hour ago (a note about it), then a note written now about
  // what happened two hours ago: the timeline puts the older one first.
  const hourAgo = new Date(Date.now() - 60 * MINUTE).toISOString();
  const twoHoursAgo = new Date(Date.now() - 120 * MINUTE).toISOString();
  const n1 = expectStatus(await po.post(`/incidents/${inc.id}/notes`, { text: '一小时前：人员到达省信访局', at: hourAgo }), 201, 'note 1h ago');
  assert.equal(ms(n1.occurred_at), ms(hourAgo));
  assert.ok(ms(n1.at) > ms(hourAgo), 'recorded now');
  const n2 = expectStatus(await po.post(`/incidents/${inc.id}/notes`, { text: '两小时前：人员在矿门口集合', at: twoHoursAgo }), 201, 'note 2h ago');
  assert.equal(ms(n2.occurred_at), ms(twoHoursAgo));
  const plain = expectStatus(await po.post(`/incidents/${inc.id}/notes`, { text: '现在：情绪稳定' }), 201, 'note now');
  assert.equal(plain.occurred_at, plain.at, 'without at a note happened when recorded');
  const entries = await timeline(po, inc.id);
  const texts = entries.map((e) => e.text);
  const i2 = texts.indexOf('两小时前：人员在矿门口集合'), i1 = texts.indexOf('一小时前：人员到达省信访局');
  assert.ok(i2 >= 0 && i1 > i2, `the 2h-ago note precedes the 1h-ago one: ${JSON.stringify(texts)}`);
  assert.ok(i2 < texts.indexOf(entries.find((e) => e.action === 'incident.register').text), 'and the registration');
  assert.equal(texts[texts.length - 1], '现在：情绪稳定');

  // A future time (beyond a minute of clock skew), a malformed one, a zone-less one
  // and one long before the registration are refused, naming "at".
  const future = new Date(Date.now() + 10 * MINUTE).toISOString();
  assertError(await po.post(`/incidents/${inc.id}/notes`, { text: '未来', at: future }), 400, 'invalid_field', 'at');
  assertError(await po.post(`/incidents/${inc.id}/notes`, { text: '格式', at: '昨天' }), 400, 'invalid_field', 'at');
  assertError(await po.post(`/incidents/${inc.id}/notes`, { text: '无时区', at: '2026-01-01T08:00' }), 400, 'invalid_field', 'at');
  assertError(await po.post(`/incidents/${inc.id}/notes`, { text: '太早', at: new Date(Date.now() - 8 * 24 * 60 * MINUTE).toISOString() }), 400, 'invalid_field', 'at');
  const skew = new Date(Date.now() + 20 * 1000).toISOString();
  expectStatus(await po.post(`/incidents/${inc.id}/notes`, { text: '时钟偏差', at: skew }), 201, 'note within clock skew');
});

test('a recurring report converges: round 2 is due one interval after round 1 was due, done early or late', async () => {
  const inc = await registerActive(po, {});
  const g = grade(inc.grade);
  const interval = g.progress_interval_minutes * MINUTE;
  const round1 = (await tasksOf(po, inc.id)).find((t) => t.kind === 'recurring' && t.round === 1);
  const due1 = ms(round1.due_at);
  assert.ok(due1 - Date.now() > 10 * MINUTE, 'round 1 is done at least 10 minutes early');
  await act(po, round1.id, { action: 'complete', note: '提前十分钟以上汇报' });
  let tasks = await tasksOf(po, inc.id);
  const round2 = tasks.find((t) => t.kind === 'recurring' && t.round === 2);
  assert.equal(ms(round2.due_at), due1 + interval, 'round 2 due = round 1 due + interval');
  assert.equal(round2.step_id, round1.step_id);
  // Skipping round 2 keeps the grid too.
  await act(po, round2.id, { action: 'skip', reason: '与专题会合并汇报' });
  tasks = await tasksOf(po, inc.id);
  const round3 = tasks.find((t) => t.kind === 'recurring' && t.round === 3);
  assert.equal(ms(round3.due_at), due1 + 2 * interval, 'round 3 due = round 1 due + 2 intervals');
  // The incident's counts hold the recurring report once.
  const counted = expectStatus(await po.get(`/incidents/${inc.id}`), 200, 'GET incident');
  const series = new Set(tasks.map((t) => (t.kind === 'recurring' ? 'r' + t.step_id : 't' + t.id)));
  assert.equal(counted.tasks.total, series.size, 'three rounds count as one task');

  // On the dashboard too: procedure B's on-site report B3.2 (workstream 事态控制) counts
  // once in its workstream's progress, whatever its round.
  const b = await registerActive(po, { headcount: 12, destination: 'province', advance_info: false });
  const control = async () => expectStatus(await po.get('/dashboard'), 200, 'dashboard').incidents
    .find((i) => i.id === b.id).workstreams.find((w) => w.id === 'control');
  const before = await control();
  const b32 = (await tasksOf(po, b.id)).find((t) => t.step_id === 'B3.2' && t.round === 1);
  assert.ok(b32, 'procedure B has the recurring report B3.2');
  await act(po, b32.id, { action: 'complete' });
  const after = await control();
  assert.deepEqual([after.done, after.total], [before.done, before.total], 'round 2 replaces round 1 in the counts');
  const dash = expectStatus(await po.get('/dashboard'), 200, 'dashboard').incidents.find((i) => i.id === b.id);
  assert.equal(dash.tasks.total, expectStatus(await po.get(`/incidents/${b.id}`), 200, 'GET').tasks.total);
  assert.equal(dash.tasks.done, 0, 'a recurring report with an open round is not done');
});

// ---- issue 8: facts that change, mistaken registrations ----

test('PATCH headcount 5 → 30 re-grades with reasons, re-plans report-up tasks and records old and new', async () => {
  const inc = await registerActive(po, { headcount: 5, destination: 'mine', advance_info: true });
  assert.equal(inc.grade, 'IV');
  assert.equal(inc.escalation, null);
  const before = await tasksOf(po, inc.id);
  assert.equal(before.filter((t) => t.kind === 'report_oral').length, 0, 'grade IV owes no oral report');
  const written = before.find((t) => t.kind === 'report_written');
  assert.equal(ms(written.due_at) - ms(inc.registered_at), grade('IV').report_written_minutes * MINUTE);

  const up = expectStatus(await po.patch(`/incidents/${inc.id}`, { headcount: 30 }), 200, 'PATCH headcount');
  assert.equal(up.headcount, 30);
  assert.equal(up.grade, 'II');
  assert.equal(up.grade_computed, 'II');
  assert.ok(up.reasons.some((r) => r.includes('30')), `reasons name the new headcount: ${up.reasons}`);
  assert.equal(up.escalation.from, 'IV');
  assert.equal(up.escalation.to, 'II');
  ms(up.escalation.at, 'escalation.at');
  const after = await tasksOf(po, inc.id);
  const oral = after.filter((t) => t.kind === 'report_oral');
  assert.equal(oral.length, 1, 'grade II adds the oral report');
  assert.equal(ms(oral[0].due_at) - ms(inc.registered_at), grade('II').report_oral_minutes * MINUTE);
  const w2 = after.find((t) => t.id === written.id);
  assert.equal(ms(w2.due_at) - ms(inc.registered_at), grade('II').report_written_minutes * MINUTE,
    'the written report is re-planned under grade II');

  const entries = await timeline(po, inc.id);
  const ev = entries.find((e) => e.action === 'incident.facts');
  assert.ok(ev, 'the change is in the timeline');
  assert.match(ev.text, /人数5 → 30/);
  assert.match(ev.text, /升级/);
  const audit = (await auditEvents(ctx.as.auditor)).filter((e) => e.action === 'incident.facts' && e.object_id === String(inc.id));
  assert.equal(audit.length, 1);
  assert.deepEqual(audit[0].data.changes.headcount, { from: 5, to: 30 });
  assert.deepEqual(audit[0].data.changes.grade, { from: 'IV', to: 'II' });
  assert.equal(audit[0].data.changes.escalated, true);

  // The grade falls again: no longer marked escalated; the oral report is no longer owed.
  const down = expectStatus(await po.patch(`/incidents/${inc.id}`, { headcount: 6 }), 200, 'PATCH down');
  assert.equal(down.grade, 'IV');
  assert.equal(down.escalation, null);
  const oral2 = (await tasksOf(po, inc.id)).find((t) => t.kind === 'report_oral');
  assert.equal(oral2.status, 'skipped');
});

test('PATCH destination changes the grade; an override keeps winning until then', async () => {
  const inc = await registerActive(po, { headcount: 8, destination: 'city', advance_info: true });
  assert.equal(inc.grade, 'III');
  const ov = expectStatus(await po.post(`/incidents/${inc.id}/override`,
    { grade: 'I', reason: '领导小组决定提级处置' }), 200, 'override');
  assert.equal(ov.grade, 'I');
  const moved = expectStatus(await po.patch(`/incidents/${inc.id}`, { destination: 'province' }), 200, 'PATCH destination');
  assert.equal(moved.destination, 'province');
  assert.equal(moved.grade_computed, 'II', 'the computed grade follows the facts');
  assert.equal(moved.grade, 'I', 'the override still wins');
  assert.equal(moved.override.grade, 'I');
  const entries = await timeline(po, inc.id);
  assert.ok(entries.some((e) => e.action === 'incident.facts' && /去向市 → 省/.test(e.text)));

  // advance_info decides the procedure: only before activation.
  assertError(await po.patch(`/incidents/${inc.id}`, { advance_info: false }), 409, 'conflict', 'advance_info');
  const reg = await register(po, { headcount: 8, destination: 'mine', advance_info: true });
  assert.equal(reg.procedure, 'A');
  const b = expectStatus(await po.patch(`/incidents/${reg.id}`, { advance_info: false }), 200, 'PATCH advance_info');
  assert.equal(b.procedure, 'B');
  // Down to 2 people at the mine while registered: out of scope, not activated.
  const out = expectStatus(await po.patch(`/incidents/${reg.id}`, { headcount: 2 }), 200, 'PATCH out of scope');
  assert.equal(out.in_scope, false);
  assert.equal(out.status, 'not_activated');
  assertError(await po.patch(`/incidents/${reg.id}`, { headcount: 0 }), 400, 'invalid_field', 'headcount');
  assertError(await po.patch(`/incidents/${reg.id}`, { destination: 'moon' }), 400, 'invalid_field', 'destination');
});

test('registration preview: dry_run decides without storing', async () => {
  const count = async () => expectStatus(await po.get('/incidents?limit=200'), 200, 'list').incidents.length;
  const n = await count();
  const p = expectStatus(await po.post('/incidents?dry_run=1', incidentBody({ headcount: 23, destination: 'group', advance_info: false })), 200, 'dry run');
  assert.equal(p.dry_run, true);
  assert.equal(p.in_scope, true);
  assert.equal(p.grade, 'III');
  assert.equal(p.procedure, 'B');
  assert.ok(Array.isArray(p.reasons) && p.reasons.length > 0);
  assert.match(p.summary, /适用预案，等级三级，处置程序B/);
  const o = expectStatus(await po.post('/incidents?dry_run=1', incidentBody({ headcount: 2 })), 200, 'dry run out');
  assert.equal(o.in_scope, false);
  assert.equal(o.grade, null);
  assertError(await po.post('/incidents?dry_run=1', incidentBody({ headcount: 0 })), 400, 'invalid_field', 'headcount');
  assert.equal(await count(), n, 'nothing stored');
});

test('withdraw (作废) a mistaken registration: reason required, only while registered, kept and hidden', async () => {
  const inc = await register(po, { place: '误登记' });
  assertError(await po.post(`/incidents/${inc.id}/transition`, { to: 'withdrawn' }), 400, 'invalid_field', 'reason');
  const w = expectStatus(await po.post(`/incidents/${inc.id}/transition`, { to: 'withdrawn', reason: '重复登记' }), 200, 'withdraw');
  assert.equal(w.status, 'withdrawn');
  assert.equal(w.withdrawn.reason, '重复登记');
  assert.equal(w.withdrawn.by, po.user.username);
  assert.deepEqual(w.allowed, []);
  // Kept, marked, excluded from the list by default and from the dashboard.
  expectStatus(await po.get(`/incidents/${inc.id}`), 200, 'still there');
  const list = expectStatus(await po.get('/incidents?limit=200'), 200, 'list').incidents;
  assert.ok(!list.some((i) => i.id === inc.id), 'not in the default list');
  const shown = expectStatus(await po.get('/incidents?status=withdrawn'), 200, 'status=withdrawn').incidents;
  assert.ok(shown.some((i) => i.id === inc.id), 'status=withdrawn lists it');
  const dash = expectStatus(await po.get('/dashboard'), 200, 'dashboard').incidents;
  assert.ok(!dash.some((i) => i.id === inc.id), 'not on the dashboard');
  const entries = await timeline(po, inc.id);
  assert.ok(entries.some((e) => e.action === 'incident.withdraw' && /重复登记/.test(e.text)));
  // Not again, and not once activated; its facts no longer change.
  assertError(await po.post(`/incidents/${inc.id}/transition`, { to: 'withdrawn', reason: '再次' }), 409, 'conflict');
  assertError(await po.patch(`/incidents/${inc.id}`, { headcount: 40 }), 409, 'conflict');
  const act = await registerActive(po);
  assertError(await po.post(`/incidents/${act.id}/transition`, { to: 'withdrawn', reason: '误登记' }), 409, 'conflict');
});

test('withdrawing an override lets the facts decide again', async () => {
  const inc = await registerActive(po, { headcount: 8, destination: 'mine', advance_info: true });
  assertError(await po.post(`/incidents/${inc.id}/override`, { withdraw: true, reason: '没有人工调整' }), 409, 'conflict', 'withdraw');
  expectStatus(await po.post(`/incidents/${inc.id}/override`, { grade: 'III', reason: '先按三级处置' }), 200, 'override');
  const up = expectStatus(await po.patch(`/incidents/${inc.id}`, { headcount: 30 }), 200, 'PATCH');
  assert.equal(up.grade, 'III', 'the override wins');
  assert.equal(up.grade_computed, 'II');
  assertError(await po.post(`/incidents/${inc.id}/override`, { withdraw: true }), 400, 'invalid_field', 'reason');
  assertError(await po.post(`/incidents/${inc.id}/override`, { withdraw: true, grade: 'I', reason: '两样都要' }), 400, 'invalid_field', 'withdraw');
  const back = expectStatus(await po.post(`/incidents/${inc.id}/override`, { withdraw: true, reason: '人数已核实，按预案判定' }), 200, 'withdraw override');
  assert.equal(back.override, null);
  assert.equal(back.grade, 'II');
  assert.equal(back.escalation.from, 'III');
  const oral = (await tasksOf(po, inc.id)).filter((t) => t.kind === 'report_oral');
  assert.equal(ms(oral[0].due_at) - ms(inc.registered_at), grade('II').report_oral_minutes * MINUTE);
  const entries = await timeline(po, inc.id);
  assert.ok(entries.some((e) => e.action === 'incident.override' && /撤销人工调整/.test(e.text)));
});
