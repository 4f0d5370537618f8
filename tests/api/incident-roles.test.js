// Permission tests for the incident endpoints of xinfang against a real server
// (docs/api.md, "Incidents" permissions): a table of endpoint x role -> expected status
// for all eight roles, task ownership (a role may act on tasks its role owns),
// the unit head's view limited to their unit subtree, the responsible official's view
// limited to incidents with a task assigned to them, 401 without a session and
// 403 csrf without the token.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const {
  assertError, expectStatus, setupIncidents, incidentBody, register, registerActive, tasksOf,
} = require('../lib/fixtures.js');

const ALL = ['petition_office', 'leader', 'unit_head', 'dispatch', 'official', 'company', 'auditor', 'admin'];

let ctx;
let as;
let po;
let incTeam; // procedure B, grade II, units [综采一队], activated
let incShift; // units [综采一队一班] (below 综采一队), activated
let incDept; // units [机电科], activated
let tasksTeam;

before(async () => {
  ctx = await setupIncidents();
  as = ctx.as;
  po = as.petition_office;
  incTeam = await registerActive(po, { headcount: 12, destination: 'province', advance_info: false, units: [ctx.units.team] });
  incShift = await registerActive(po, { headcount: 4, destination: 'mine', advance_info: true, units: [ctx.units.shift] });
  incDept = await registerActive(po, { headcount: 6, destination: 'mine', advance_info: false, units: [ctx.units.dept] });
  tasksTeam = await tasksOf(po, incTeam.id);
});

after(async () => { if (ctx) await ctx.stop(); });

const step = (tasks, id) => tasks.find((t) => t.step_id === id);

// Runs one request per role and compares statuses; reports every mismatch at once.
async function matrix(name, expected, send) {
  const got = {};
  for (const role of ALL) got[role] = (await send(as[role], role)).status;
  const want = Object.fromEntries(ALL.map((r) => [r, expected[r]]));
  assert.deepEqual(got, want, `${name}: status by role`);
}

// Shorthand: `yes` roles get okStatus, everyone else 403.
function only(yes, okStatus, overrides = {}) {
  return Object.fromEntries(ALL.map((r) => [r, r in overrides ? overrides[r] : yes.includes(r) ? okStatus : 403]));
}

// Status of GET /stream for a client, closing the connection once the head arrives.
function streamStatus(client) {
  const url = new URL(client.base + '/api/v1/stream');
  return new Promise((resolve, reject) => {
    const req = http.get({ host: url.hostname, port: url.port, path: url.pathname,
      headers: client.cookie ? { cookie: client.cookie } : {} }, (res) => {
      resolve({ status: res.statusCode, type: res.headers['content-type'] });
      res.destroy();
    });
    req.on('error', (e) => { if (e.code !== 'ECONNRESET') reject(e); });
    req.setTimeout(5000, () => { req.destroy(); reject(new Error('no answer from /stream')); });
  });
}

test('reading: every role but admin reads incidents; the official sees none yet', async () => {
  const read = only(['petition_office', 'leader', 'unit_head', 'dispatch', 'official', 'company', 'auditor'], 200, { admin: 403 });
  await matrix('GET /incidents', read, (c) => c.get('/incidents'));
  await matrix('GET /dashboard', read, (c) => c.get('/dashboard'));
  // The official has no task yet: incident objects are 404 for them, not 403.
  const one = { ...read, official: 404 };
  await matrix('GET /incidents/{id}', one, (c) => c.get(`/incidents/${incTeam.id}`));
  await matrix('GET /incidents/{id}/tasks', one, (c) => c.get(`/incidents/${incTeam.id}/tasks`));
  await matrix('GET /incidents/{id}/timeline', one, (c) => c.get(`/incidents/${incTeam.id}/timeline`));
  await matrix('GET /incidents/{id}/dispatches', one, (c) => c.get(`/incidents/${incTeam.id}/dispatches`));
  const list = expectStatus(await as.official.get('/incidents'), 200, 'official list').incidents;
  assert.deepEqual(list, [], 'an official with no assigned task sees no incident');
  const dash = expectStatus(await as.official.get('/dashboard'), 200, 'official dashboard').incidents;
  assert.deepEqual(dash, []);
  assertError(await as.admin.get('/incidents'), 403, 'forbidden');
  expectStatus(await po.get('/plan'), 200, 'GET /plan');
});

test('GET /stream: every role but admin may open the live feed', async () => {
  const got = {};
  for (const role of ALL) got[role] = (await streamStatus(as[role])).status;
  assert.deepEqual(got, only(['petition_office', 'leader', 'unit_head', 'dispatch', 'official', 'company', 'auditor'], 200, { admin: 403 }));
  assert.match((await streamStatus(po)).type, /^text\/event-stream/);
});

test('registering: petition office and leadership group only', async () => {
  await matrix('POST /incidents', only(['petition_office', 'leader'], 201),
    (c) => c.post('/incidents', incidentBody({ units: [ctx.units.dept] })));
});

test('managing: activate, transition, override, tasks and dispatch requests are for petition office and leaders', async () => {
  // One fresh incident per role that may activate; the others are refused before any state check.
  const fresh = {};
  for (const role of ALL) fresh[role] = (await register(po, { units: [ctx.units.team] })).id;
  await matrix('POST /incidents/{id}/activate', only(['petition_office', 'leader'], 200),
    (c, role) => c.post(`/incidents/${fresh[role]}/activate`, {}));
  // Transition: the allowed pair on an incident activated by that role.
  await matrix('POST /incidents/{id}/transition', only(['petition_office', 'leader'], 200),
    (c, role) => c.post(`/incidents/${role === 'leader' ? fresh.leader : fresh.petition_office}/transition`,
      { to: 'on_site', reason: '到达现场' }));
  await matrix('POST /incidents/{id}/override', only(['petition_office', 'leader'], 200),
    (c, role) => c.post(`/incidents/${fresh.petition_office}/override`, { grade: role === 'leader' ? 'II' : 'III', reason: '调整等级' }));
  await matrix('POST /incidents/{id}/tasks', only(['petition_office', 'leader'], 201),
    (c) => c.post(`/incidents/${incTeam.id}/tasks`, { title: '联系家属', due_minutes: 30 }));
  await matrix('POST /incidents/{id}/dispatches', only(['petition_office', 'leader'], 201),
    (c) => c.post(`/incidents/${incTeam.id}/dispatches`, { resource: 'guards', quantity: 2 }));
  // PATCH /incidents/{id} (place, demands, category, units) is served as incident.manage,
  // although docs/api.md does not list it yet.
  await matrix('PATCH /incidents/{id}', only(['petition_office', 'leader'], 200),
    (c) => c.patch(`/incidents/${incTeam.id}`, { place: '省信访局接待大厅' }));
});

test('notes: roles that act on tasks, within what they may read', async () => {
  await matrix('POST /incidents/{id}/notes', only(['petition_office', 'leader', 'unit_head', 'dispatch'], 201,
    { official: 404 }), (c, role) => c.post(`/incidents/${incTeam.id}/notes`, { text: `现场情况（${role}）` }));
  assertError(await as.unit_head.post(`/incidents/${incDept.id}/notes`, { text: '别的单位' }), 404, 'not_found');
});

test('dispatch updates: dispatch office, petition office and leaders', async () => {
  const d = expectStatus(await po.post(`/incidents/${incTeam.id}/dispatches`, { resource: 'vehicles', quantity: 1 }), 201, 'dispatch');
  await matrix('PATCH /dispatches/{id}', only(['petition_office', 'leader', 'dispatch'], 200),
    (c) => c.patch(`/dispatches/${d.id}`, { eta_minutes: 10 }));
  const arrived = expectStatus(await as.dispatch.patch(`/dispatches/${d.id}`, { arrived: true }), 200, 'arrived by dispatch');
  assert.equal(arrived.status, 'arrived');
  assertError(await as.official.patch(`/dispatches/${d.id}`, { arrived: true }), 403, 'forbidden');
});

test('tasks: a role acts on the tasks its role owns; others get 403', async () => {
  const b1 = step(tasksTeam, 'B1'); // petition_office
  const b2 = step(tasksTeam, 'B2'); // dispatch
  const b36 = step(tasksTeam, 'B3.6'); // the heads of the petitioners' units
  assert.equal(b2.owner.value, 'dispatch');
  assert.deepEqual([b36.owner.kind, b36.owner.value], ['heads_of', 'unit_of_petitioners']);
  assertError(await as.dispatch.patch(`/tasks/${b1.id}`, { action: 'complete' }), 403, 'forbidden');
  assertError(await as.unit_head.patch(`/tasks/${b1.id}`, { action: 'start' }), 403, 'forbidden');
  assertError(await as.unit_head.patch(`/tasks/${b2.id}`, { action: 'complete' }), 403, 'forbidden');
  for (const role of ['company', 'auditor', 'admin']) {
    assertError(await as[role].patch(`/tasks/${b2.id}`, { action: 'complete' }), 403, 'forbidden');
  }
  const done = expectStatus(await as.dispatch.patch(`/tasks/${b2.id}`, { action: 'complete', note: '车辆、干警已出发' }), 200, 'dispatch completes B2');
  assert.equal(done.status, 'done');
  const started = expectStatus(await as.unit_head.patch(`/tasks/${b36.id}`, { action: 'start' }), 200, 'unit head starts B3.6');
  assert.equal(started.status, 'in_progress');
  // Only managers assign.
  assertError(await as.unit_head.patch(`/tasks/${b1.id}`, { action: 'assign', assignee_id: as.unit_head.user.id }), 403, 'forbidden');
  const claimed = expectStatus(await po.patch(`/tasks/${b1.id}`, { action: 'claim' }), 200, 'petition office claims B1');
  assert.equal(claimed.assignee.id, po.user.id);
  // A unit head cannot touch a task of an incident outside their units.
  const deptTask = (await tasksOf(po, incDept.id)).find((t) => t.owner.kind === 'heads_of');
  assert.ok(deptTask, 'procedure B has a task for the unit head');
  assertError(await as.unit_head.patch(`/tasks/${deptTask.id}`, { action: 'start' }), 404, 'not_found');
});

test('official: sees an incident only once a task is assigned to them', async () => {
  const off = as.official;
  assertError(await off.get(`/incidents/${incTeam.id}`), 404, 'not_found');
  const b33 = step(tasksTeam, 'B3.3');
  const b34 = step(tasksTeam, 'B3.4');
  const assigned = expectStatus(await po.patch(`/tasks/${b33.id}`, { action: 'assign', assignee_id: off.user.id }), 200, 'assign B3.3');
  assert.equal(assigned.assignee.id, off.user.id);
  const list = expectStatus(await off.get('/incidents'), 200, 'official list').incidents;
  assert.deepEqual(list.map((i) => i.id), [incTeam.id]);
  expectStatus(await off.get(`/incidents/${incTeam.id}`), 200, 'official reads the incident');
  assertError(await off.get(`/incidents/${incDept.id}`), 404, 'not_found');
  const dash = expectStatus(await off.get('/dashboard'), 200, 'official dashboard').incidents;
  assert.deepEqual(dash.map((i) => i.id), [incTeam.id]);
  // Acts on the assigned task, not on the others.
  const done = expectStatus(await off.patch(`/tasks/${b33.id}`, { action: 'complete', note: '主要诉求：补发工资' }), 200, 'official completes B3.3');
  assert.equal(done.status, 'done');
  assertError(await off.patch(`/tasks/${b34.id}`, { action: 'complete' }), 403, 'forbidden');
  expectStatus(await off.post(`/incidents/${incTeam.id}/notes`, { text: '已与上访人员谈话' }), 201, 'official note');
  assertError(await off.post(`/incidents/${incTeam.id}/transition`, { to: 'on_site' }), 403, 'forbidden');
  // A manual task created for them opens a second incident to them.
  const t = expectStatus(await po.post(`/incidents/${incDept.id}/tasks`,
    { title: '一对一包保谈话', due_minutes: 120, assignee_id: off.user.id }), 201, 'task for the official');
  assert.equal(t.assignee.id, off.user.id);
  const list2 = expectStatus(await off.get('/incidents'), 200, 'official list').incidents;
  assert.deepEqual(list2.map((i) => i.id).sort((a, b) => a - b), [incTeam.id, incDept.id].sort((a, b) => a - b));
});

test('unit head: only incidents involving a unit in their subtree', async () => {
  const uh = as.unit_head;
  const list = expectStatus(await uh.get('/incidents?limit=200'), 200, 'unit head list').incidents;
  const ids = list.map((i) => i.id);
  assert.ok(ids.includes(incTeam.id), 'sees the incident of 综采一队');
  assert.ok(ids.includes(incShift.id), 'sees the incident of 综采一队一班 (below 综采一队)');
  assert.ok(!ids.includes(incDept.id), 'does not see the incident of 机电科');
  for (const i of list) {
    assert.ok(i.units.some((u) => u === ctx.units.team || u === ctx.units.shift), `incident ${i.id} units ${i.units}`);
  }
  assertError(await uh.get(`/incidents/${incDept.id}`), 404, 'not_found');
  assertError(await uh.get(`/incidents/${incDept.id}/tasks`), 404, 'not_found');
  assertError(await uh.get(`/incidents/${incDept.id}/timeline`), 404, 'not_found');
  expectStatus(await uh.get(`/incidents/${incShift.id}`), 200, 'unit head reads the shift incident');
  const dash = expectStatus(await uh.get('/dashboard'), 200, 'unit head dashboard').incidents;
  assert.ok(!dash.some((i) => i.id === incDept.id), 'the dashboard hides it too');
  assert.ok(dash.some((i) => i.id === incTeam.id));
  // Petition office and company see all three.
  for (const role of ['petition_office', 'company', 'auditor', 'dispatch', 'leader']) {
    const all = expectStatus(await as[role].get('/incidents?limit=200'), 200, role).incidents.map((i) => i.id);
    for (const id of [incTeam.id, incShift.id, incDept.id]) assert.ok(all.includes(id), `${role} sees incident ${id}`);
  }
});

test('401 without a session, 403 csrf without the token', async () => {
  const anon = new (require('../lib/server.js').Client)(ctx.srv.base);
  assertError(await anon.get('/incidents'), 401, 'unauthenticated');
  assertError(await anon.get(`/incidents/${incTeam.id}`), 401, 'unauthenticated');
  assertError(await anon.post('/incidents', incidentBody()), 401, 'unauthenticated');
  assertError(await anon.get('/dashboard'), 401, 'unauthenticated');
  assert.equal((await streamStatus(anon)).status, 401);

  const inc = await register(po, { units: [ctx.units.team] });
  const url = `${ctx.srv.base}/api/v1/incidents/${inc.id}/activate`;
  const raw = async (headers) => {
    const r = await fetch(url, { method: 'POST', headers: { cookie: po.cookie, 'content-type': 'application/json', ...headers }, body: '{}' });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch (_) { /* not JSON */ }
    return { status: r.status, text, json };
  };
  assertError(await raw({}), 403, 'csrf');
  assertError(await raw({ 'X-CSRF-Token': 'not-the-token' }), 403, 'csrf');
  const still = expectStatus(await po.get(`/incidents/${inc.id}`), 200, 'GET');
  assert.equal(still.status, 'registered', 'the refused request changed nothing');
  assertError(await po.post('/incidents', incidentBody(), { 'X-CSRF-Token': 'wrong' }), 403, 'csrf');
  const ok = await raw({ 'X-CSRF-Token': po.csrf });
  assert.equal(ok.status, 200, ok.text);
});
