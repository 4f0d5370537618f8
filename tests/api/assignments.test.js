// API tests for 包保 (one responsible official per petitioner) in xinfang against a real
// server (docs/api.md, "People (信访人档案) and 包保", Assignment and Followup): assigning
// officials by pairs and by unit, refusing non-officials, the unassigned petitioners of
// an incident and the dashboard's unassigned_persons, the follow-up task each assignment
// creates for its official, 我的包保对象 soonest due first, recording follow-ups (task
// done, next one due interval_days later), only the own official records, resolution
// ends the assignment, reassignment moves the open task and the right to read the file,
// and the assignment and follow-up events on the incident's timeline.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  DAY, assertError, expectStatus, ms, setupPeople, createPerson,
} = require('../lib/fixtures.js');

let ctx;
let po;
let off1;
let off2;
let inc;
const P = {}; // name -> person: 刘一 and 刘二 of 综采一队, 刘三 of 一班, 刘四 of 机电科
const A = {}; // name -> current assignment

before(async () => {
  ctx = await setupPeople({ users: ['po', 'leader', 'teamHead', 'deptHead', 'off1', 'off2', 'auditor'] });
  po = ctx.as.po;
  off1 = ctx.as.off1;
  off2 = ctx.as.off2;
  inc = ctx.incident;
  for (const [name, unit] of [['刘一', 'team'], ['刘二', 'team'], ['刘三', 'shift'], ['刘四', 'dept']]) {
    P[name] = await createPerson(po, { name, unit_id: ctx.units[unit], incident_id: inc.id, role: 'participant' });
  }
});
after(async () => { if (ctx) await ctx.stop(); });

async function incidentAssignments(client = po) {
  return expectStatus(await client.get(`/incidents/${inc.id}/assignments`), 200, 'GET /incidents/{id}/assignments');
}

async function unassignedCount(client = po) {
  const d = expectStatus(await client.get('/dashboard'), 200, 'GET /dashboard');
  const mine = d.incidents.find((i) => i.id === inc.id);
  assert.ok(mine, `the incident is on the dashboard: ${JSON.stringify(d.incidents.map((i) => i.id))}`);
  return mine.unassigned_persons;
}

async function tasks() {
  return expectStatus(await po.get(`/incidents/${inc.id}/tasks`), 200, 'GET tasks').tasks;
}

async function mine(client) {
  return expectStatus(await client.get('/assignments?mine=1'), 200, 'GET /assignments?mine=1').assignments;
}

// Open follow-up tasks naming a person.
async function openFollowups(name) {
  return (await tasks()).filter((t) => t.kind === 'followup' && t.title.includes(name) &&
    (t.status === 'pending' || t.status === 'in_progress'));
}

function byPerson(list, name) {
  return list.find((a) => a.person.id === P[name].id);
}

function near(actual, expected, what, slack = 2000) {
  assert.ok(Math.abs(actual - expected) <= slack,
    `${what}: ${new Date(actual).toISOString()} is not ${new Date(expected).toISOString()}`);
}

test('before any assignment: every petitioner is unassigned; officials see nothing', async () => {
  const list = await incidentAssignments();
  assert.deepEqual(list.assignments, []);
  assert.deepEqual(list.unassigned.map((u) => u.id), ['刘一', '刘二', '刘三', '刘四'].map((n) => P[n].id));
  assert.equal(list.unassigned[0].name, '刘一');
  assert.equal(list.unassigned[0].unit_id, ctx.units.team);
  assert.equal(await unassignedCount(), 4);
  assert.deepEqual(await mine(off1), []);
  assertError(await off1.get(`/persons/${P['刘一'].id}`), 404, 'not_found');
  assert.deepEqual(expectStatus(await off1.get('/persons'), 200, 'GET /persons as official').persons, []);
});

test('only active officials can be assigned; bad bodies are refused and change nothing', async () => {
  const leaderId = ctx.as.leader.user.id;
  const headId = ctx.as.teamHead.user.id;
  assertError(await po.post(`/incidents/${inc.id}/assignments`, { pairs: [{ person_id: P['刘一'].id, official_id: headId }] }),
    400, 'invalid_field', 'pairs[0]');
  assertError(await po.post(`/incidents/${inc.id}/assignments`,
    { pairs: [{ person_id: P['刘一'].id, official_id: off1.user.id }, { person_id: P['刘二'].id, official_id: leaderId }] }),
  400, 'invalid_field', 'pairs[1]');
  assertError(await po.post(`/incidents/${inc.id}/assignments`, { unit_id: ctx.units.team, official_id: leaderId }),
    400, 'invalid_field', 'official_id');
  assertError(await po.post(`/incidents/${inc.id}/assignments`, { unit_id: ctx.units.team, official_id: 999999 }),
    400, 'invalid_field', 'official_id');
  // A person who is not a petitioner of the incident.
  const outsider = await createPerson(po, { name: '局外人', unit_id: ctx.units.team });
  assertError(await po.post(`/incidents/${inc.id}/assignments`, { pairs: [{ person_id: outsider.id, official_id: off1.user.id }] }),
    400, 'invalid_field', 'pairs[0]');
  assertError(await po.post(`/incidents/${inc.id}/assignments`, { pairs: [] }), 400, 'invalid_field', 'pairs');
  // Roles without assignment.write; a unit head who does not see the incident.
  assertError(await off1.post(`/incidents/${inc.id}/assignments`, { pairs: [{ person_id: P['刘一'].id, official_id: off1.user.id }] }),
    403, 'forbidden');
  assertError(await ctx.as.auditor.post(`/incidents/${inc.id}/assignments`, { unit_id: ctx.units.team, official_id: off1.user.id }),
    403, 'forbidden');
  assertError(await ctx.as.deptHead.post(`/incidents/${inc.id}/assignments`, { unit_id: ctx.units.dept, official_id: off1.user.id }),
    404, 'not_found');

  const list = await incidentAssignments();
  assert.deepEqual(list.assignments, [], 'the refused requests (even the half-good one) assigned nobody');
  assert.equal(list.unassigned.length, 4);
  assert.equal((await tasks()).filter((t) => t.kind === 'followup').length, 0, 'no follow-up task either');
});

test('assigning by pairs creates assignments and follow-up tasks for the officials', async () => {
  const before = Date.now();
  const r = expectStatus(await po.post(`/incidents/${inc.id}/assignments`, {
    pairs: [{ person_id: P['刘一'].id, official_id: off1.user.id }, { person_id: P['刘四'].id, official_id: off2.user.id }],
  }), 201, 'POST assignments (pairs)');
  assert.equal(r.assignments.length, 2);
  A['刘一'] = byPerson(r.assignments, '刘一');
  A['刘四'] = byPerson(r.assignments, '刘四');
  for (const [name, official] of [['刘一', off1], ['刘四', off2]]) {
    const a = A[name];
    assert.ok(a, `${name} is assigned`);
    assert.equal(typeof a.id, 'number');
    assert.equal(a.person.name, name);
    assert.equal(a.person.unit_id, P[name].unit_id);
    assert.equal(a.incident_id, inc.id);
    assert.deepEqual(a.official, { id: official.user.id, name: official.user.name });
    assert.equal(a.status, 'stable');
    assert.equal(a.interval_days, 7);
    assert.equal(a.last_followup, null);
    assert.equal(a.ended_at, null);
    const created = ms(a.created_at, 'created_at');
    assert.ok(created >= before - 2000 && created <= Date.now() + 2000);
    near(ms(a.next_due_at, 'next_due_at'), created + 7 * DAY, 'next_due_at is 7 days after the assignment');
    assert.equal(typeof a.task_id, 'number');
    const task = (await tasks()).find((t) => t.id === a.task_id);
    assert.ok(task, `task ${a.task_id} is on the incident`);
    assert.equal(task.kind, 'followup');
    assert.equal(task.status, 'pending');
    assert.equal(task.assignee && task.assignee.id, official.user.id);
    near(ms(task.due_at, 'task due_at'), created + 7 * DAY, 'the follow-up task is due interval_days later');
  }
  const list = await incidentAssignments();
  assert.deepEqual(list.unassigned.map((u) => u.id), [P['刘二'].id, P['刘三'].id]);
  assert.equal(await unassignedCount(), 2);
  const persons = expectStatus(await po.get(`/incidents/${inc.id}/persons`), 200, 'incident persons');
  assert.equal(persons.persons.find((p) => p.id === P['刘一'].id).assignment.id, A['刘一'].id);
  assert.equal(persons.persons.find((p) => p.id === P['刘二'].id).assignment, null);
  const file = expectStatus(await po.get(`/persons/${P['刘一'].id}`), 200, 'file');
  assert.equal(file.assignment.id, A['刘一'].id);
});

test('assigning by unit: a unit head assigns every petitioner of a unit', async () => {
  const r = expectStatus(await ctx.as.teamHead.post(`/incidents/${inc.id}/assignments`, { unit_id: ctx.units.shift, official_id: off1.user.id }),
    201, 'POST assignments (unit)');
  const a = byPerson(r.assignments, '刘三');
  assert.ok(a, '刘三 of 一班 is assigned');
  assert.equal(a.official.id, off1.user.id);
  assert.ok(!byPerson(r.assignments, '刘二') || byPerson(r.assignments, '刘二').official.id !== off1.user.id,
    '刘二 of 综采一队 is not in 一班');
  A['刘三'] = a;
  const list = await incidentAssignments();
  assert.deepEqual(list.unassigned.map((u) => u.id), [P['刘二'].id]);
  assert.equal(await unassignedCount(), 1);
  assert.equal((await openFollowups('刘三')).length, 1);
});

test('the official reads the files of their petitioners only', async () => {
  expectStatus(await off1.get(`/persons/${P['刘一'].id}`), 200, 'official reads 刘一');
  expectStatus(await off1.get(`/persons/${P['刘三'].id}`), 200, 'official reads 刘三');
  assertError(await off1.get(`/persons/${P['刘二'].id}`), 404, 'not_found');
  assertError(await off1.get(`/persons/${P['刘四'].id}`), 404, 'not_found');
  const listed = expectStatus(await off1.get('/persons'), 200, 'GET /persons as official').persons;
  assert.deepEqual(listed.map((p) => p.id).sort((x, y) => x - y), [P['刘一'].id, P['刘三'].id]);
  // The follow-up task assigned to them opens the incident to them.
  expectStatus(await off1.get(`/incidents/${inc.id}`), 200, 'official reads the incident');
  const persons = expectStatus(await off1.get(`/incidents/${inc.id}/persons`), 200, 'incident persons as official').persons;
  assert.deepEqual(persons.map((p) => p.id).sort((x, y) => x - y), [P['刘一'].id, P['刘三'].id]);
  // GET /assignments without mine=1 is for those who see every file.
  assertError(await off1.get('/assignments'), 403, 'forbidden');
  assert.equal(expectStatus(await po.get('/assignments'), 200, 'GET /assignments as petition office').assignments.length, 3);
});

test("the incident's assignment list shows an official only their own petitioners", async () => {
  // person.read for an official covers the persons assigned to them (docs/api.md).
  const list = await incidentAssignments(off1);
  const names = JSON.stringify(list);
  for (const other of ['刘二', '刘四']) {
    assert.ok(!names.includes(other), `the official's view names ${other}, who is not theirs: ${names}`);
  }
});

test('我的包保对象: the official\'s active assignments, soonest due first', async () => {
  const list = await mine(off1);
  assert.deepEqual(list.map((a) => a.id), [A['刘一'].id, A['刘三'].id], 'created first, due first');
  for (let i = 1; i < list.length; i++) assert.ok(ms(list[i - 1].next_due_at) <= ms(list[i].next_due_at));
  assert.deepEqual((await mine(off2)).map((a) => a.id), [A['刘四'].id]);
  assert.deepEqual(await mine(po), [], 'the petition office holds no assignment');
});

test('a follow-up completes the open task and schedules the next interval_days later', async () => {
  // A longer interval first: the next follow-up falls due 10 days after it.
  const patched = expectStatus(await po.patch(`/assignments/${A['刘一'].id}`, { interval_days: 10 }), 200, 'PATCH interval');
  assert.equal(patched.interval_days, 10);
  assertError(await po.patch(`/assignments/${A['刘一'].id}`, { interval_days: 0 }), 400, 'invalid_field', 'interval_days');
  assertError(await po.patch(`/assignments/${A['刘一'].id}`, { status: 'gone' }), 400, 'invalid_field', 'status');

  const oldTask = A['刘一'].task_id;
  const content = '上门走访，了解津贴诉求，本人情绪稳定，表示等待答复';
  assertError(await off1.post(`/assignments/${A['刘一'].id}/followups`, { kind: 'walk', content }), 400, 'invalid_field', 'kind');
  assertError(await off1.post(`/assignments/${A['刘一'].id}/followups`, { kind: 'visit' }), 400, 'invalid_field', 'content');
  const before = Date.now();
  const a = expectStatus(await off1.post(`/assignments/${A['刘一'].id}/followups`, { kind: 'visit', content }), 201, 'POST followup');
  const now = Date.now();
  assert.equal(a.id, A['刘一'].id);
  assert.equal(a.status, 'stable');
  assert.ok(a.last_followup, 'last_followup is shown');
  assert.equal(a.last_followup.kind, 'visit');
  assert.equal(a.last_followup.content, content);
  assert.equal(a.last_followup.author, off1.user.name);
  const at = ms(a.last_followup.at, 'followup at');
  assert.ok(at >= before - 2000 && at <= now + 2000);
  near(ms(a.next_due_at, 'next_due_at'), at + 10 * DAY, 'the next follow-up is due interval_days after now');
  assert.notEqual(a.task_id, oldTask, 'a new follow-up task');

  const all = await tasks();
  const done = all.find((t) => t.id === oldTask);
  assert.equal(done.status, 'done', 'the open follow-up task is done');
  ms(done.done_at, 'done_at');
  const next = all.find((t) => t.id === a.task_id);
  assert.equal(next.kind, 'followup');
  assert.equal(next.status, 'pending');
  assert.equal(next.assignee.id, off1.user.id);
  near(ms(next.due_at, 'next task due_at'), at + 10 * DAY, 'the new task is due interval_days after now');
  assert.equal((await openFollowups('刘一')).length, 1, 'exactly one open follow-up task for 刘一');
  A['刘一'] = a;

  // 刘三 is now due first.
  assert.deepEqual((await mine(off1)).map((x) => x.id), [A['刘三'].id, A['刘一'].id]);
});

test('another official cannot record a follow-up on it', async () => {
  const r = await off2.post(`/assignments/${A['刘一'].id}/followups`, { kind: 'phone', content: '电话回访' });
  // The other official may not even see the petitioner: refused, whether as 403 or 404.
  assert.ok(r.status === 403 || r.status === 404, `expected 403 (or 404), got ${r.status} ${r.text}`);
  assertError(r, r.status, r.status === 403 ? 'forbidden' : 'not_found');
  const now = byPerson((await incidentAssignments()).assignments, '刘一');
  assert.equal(now.last_followup.kind, 'visit', 'no follow-up was recorded');
  assert.equal(now.task_id, A['刘一'].task_id);
  // Nor change it: officials hold no assignment.write.
  assertError(await off1.patch(`/assignments/${A['刘一'].id}`, { official_id: off2.user.id }), 403, 'forbidden');
});

test('reassigning moves the open task and the file to the new official', async () => {
  const task = A['刘三'].task_id;
  assertError(await po.patch(`/assignments/${A['刘三'].id}`, { official_id: ctx.as.leader.user.id }), 400, 'invalid_field', 'official_id');
  const a = expectStatus(await po.patch(`/assignments/${A['刘三'].id}`, { official_id: off2.user.id }), 200, 'PATCH official');
  assert.deepEqual(a.official, { id: off2.user.id, name: off2.user.name });
  assert.equal(a.task_id, task, 'the same open task');
  const t = (await tasks()).find((x) => x.id === task);
  assert.equal(t.status, 'pending');
  assert.equal(t.assignee.id, off2.user.id, 'the open task moved to the new official');
  assertError(await off1.get(`/persons/${P['刘三'].id}`), 404, 'not_found');
  expectStatus(await off2.get(`/persons/${P['刘三'].id}`), 200, 'the new official reads the file');
  assert.deepEqual((await mine(off1)).map((x) => x.id), [A['刘一'].id]);
  assert.deepEqual((await mine(off2)).map((x) => x.id).sort((x, y) => x - y), [A['刘三'].id, A['刘四'].id].sort((x, y) => x - y));
  // The old official can no longer record on it; the new one can.
  const old = await off1.post(`/assignments/${A['刘三'].id}/followups`, { kind: 'talk', content: '谈话' });
  assert.ok(old.status === 403 || old.status === 404, `${old.status} ${old.text}`);
  A['刘三'] = expectStatus(await off2.post(`/assignments/${A['刘三'].id}/followups`, { kind: 'phone', content: '电话回访，诉求未变' }),
    201, 'new official records');
  assert.equal(A['刘三'].last_followup.author, off2.user.name);
});

test('status resolved ends the assignment with no new follow-up task', async () => {
  // Recorded with the follow-up by the official.
  const taskBefore = A['刘一'].task_id;
  const a = expectStatus(await off1.post(`/assignments/${A['刘一'].id}/followups`,
    { kind: 'help', content: '协调补发津贴到位，本人表示满意', status: 'resolved' }), 201, 'resolving follow-up');
  assert.equal(a.status, 'resolved');
  ms(a.ended_at, 'ended_at');
  assert.equal(a.last_followup.kind, 'help');
  const all = await tasks();
  assert.equal(all.find((t) => t.id === taskBefore).status, 'done');
  assert.equal((await openFollowups('刘一')).length, 0, 'no new follow-up task');
  assert.deepEqual(await mine(off1), []);
  assert.ok(!(await incidentAssignments()).assignments.some((x) => x.id === a.id), 'ended assignments are not listed');
  assertError(await off1.post(`/assignments/${a.id}/followups`, { kind: 'visit', content: '再访' }), 404, 'not_found');
  assertError(await po.post(`/assignments/${a.id}/followups`, { kind: 'visit', content: '再访' }), 409, 'conflict');

  // Set by PATCH: the open task is closed, none follows.
  const task4 = A['刘四'].task_id;
  const b = expectStatus(await po.patch(`/assignments/${A['刘四'].id}`, { status: 'resolved' }), 200, 'PATCH resolved');
  assert.equal(b.status, 'resolved');
  ms(b.ended_at, 'ended_at');
  const t4 = (await tasks()).find((t) => t.id === task4);
  assert.ok(t4.status === 'done' || t4.status === 'skipped', `the open task is closed: ${t4.status}`);
  assert.equal((await openFollowups('刘四')).length, 0);
  assertError(await po.patch(`/assignments/${b.id}`, { interval_days: 3 }), 409, 'conflict');
  assert.deepEqual((await mine(off2)).map((x) => x.id), [A['刘三'].id]);
});

test('a new assignment ends the previous one and leaves one open follow-up task', async () => {
  // 刘二 of 综采一队: first to official 2, then the whole unit to official 1.
  const first = byPerson(expectStatus(await po.post(`/incidents/${inc.id}/assignments`,
    { pairs: [{ person_id: P['刘二'].id, official_id: off2.user.id }] }), 201, 'assign 刘二').assignments, '刘二');
  const r = expectStatus(await ctx.as.teamHead.post(`/incidents/${inc.id}/assignments`, { unit_id: ctx.units.team, official_id: off1.user.id }),
    201, 'assign 综采一队');
  const second = byPerson(r.assignments, '刘二');
  assert.ok(second && second.id !== first.id, 'a new assignment');
  assert.equal(second.official.id, off1.user.id);
  assert.ok(!r.assignments.some((x) => x.id === first.id), 'the previous assignment ended');
  assertError(await off2.get(`/persons/${P['刘二'].id}`), 404, 'not_found');
  const open = await openFollowups('刘二');
  assert.deepEqual(open.map((t) => [t.id, t.assignee && t.assignee.id]), [[second.task_id, off1.user.id]],
    'only the new assignment\'s follow-up task is open');
});

test('the timeline records assignments and follow-ups', async () => {
  const entries = expectStatus(await po.get(`/incidents/${inc.id}/timeline`), 200, 'timeline').entries;
  const actions = entries.map((e) => e.action);
  const creates = entries.filter((e) => e.action === 'assignment.create');
  const followups = entries.filter((e) => e.action === 'followup.create');
  // 刘一, 刘四 (pairs), 刘三 (unit), 刘二 (pairs), 刘一 and 刘二 (unit 综采一队)
  assert.equal(creates.length, 6, JSON.stringify(actions));
  assert.equal(followups.length, 3, JSON.stringify(actions));
  for (const e of [...creates, ...followups]) {
    assert.equal(e.kind, 'event');
    assert.ok(typeof e.text === 'string' && e.text.length > 0);
  }
  assert.ok(creates.some((e) => e.text.includes('刘一') && e.text.includes(off1.user.name)), JSON.stringify(creates));
  assert.ok(followups.some((e) => e.text.includes('刘一')), JSON.stringify(followups));
  assert.ok(actions.includes('assignment.update'));
});
