// API test of accountability findings (责任追究, issue 14 item 7): recording one (a unit
// and/or a person, its basis, the plan's decision, who decided and when, links to
// incidents, matters and tasks), the statement of the person concerned (theirs only),
// who may record and read findings (confidential: the petition office, leaders, auditors,
// the company and the administrator, and the person for their own), the incident's list
// of its findings, and the finding counted in the assessment.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { assertError, expectStatus, setupPeople, register, tasksOf } = require('../lib/fixtures.js');

let ctx;
let incident;
let other;
let tasks;
let unitFinding;
let personFinding;

const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

before(async () => {
  ctx = await setupPeople({ users: ['po', 'leader', 'teamHead', 'off1', 'off2', 'auditor', 'dispatch', 'company'] });
  incident = ctx.incident; // activated, involving 综采一队 (a drill: findings still link to it)
  tasks = await tasksOf(ctx.as.po, incident.id);
  other = await register(ctx.as.po, { headcount: 3, units: [ctx.units.dept] });
  unitFinding = expectStatus(await ctx.as.po.post('/accountability', { unit_id: ctx.units.team,
    basis: 'overdue_tasks', decision: 'notice', decided_by: '矿信访工作领导小组', decided_at: today(),
    text: '首报逾期', incident_ids: [incident.id], task_ids: [tasks[0].id] }), 201, 'unit finding');
  personFinding = expectStatus(await ctx.as.leader.post('/accountability', { user_id: ctx.as.off1.user.id,
    basis: 'retaliation_complaint', decision: 'talk', decided_by: '矿纪委', decided_at: today(),
    text: '经查属实', incident_ids: [incident.id] }), 201, 'person finding');
});

after(async () => { if (ctx) await ctx.stop(); });

test('a finding as recorded, with its links and names', async () => {
  assert.equal(unitFinding.unit_id, ctx.units.team);
  assert.equal(unitFinding.unit_name, '综采一队');
  assert.equal(unitFinding.user_id, null);
  assert.equal(unitFinding.basis, 'overdue_tasks');
  assert.equal(unitFinding.decision, 'notice');
  assert.equal(unitFinding.decided_by, '矿信访工作领导小组');
  assert.equal(unitFinding.decided_at, today());
  assert.deepEqual(unitFinding.links.map((l) => [l.kind, l.id, l.number]),
    [['incident', incident.id, incident.number], ['task', tasks[0].id, incident.number]]);
  assert.deepEqual(unitFinding.statements, []);
  assert.equal(personFinding.user_id, ctx.as.off1.user.id);
  assert.equal(personFinding.user_name, ctx.as.off1.user.name);
});

test('what a finding must have', async () => {
  const base = { unit_id: ctx.units.team, basis: 'other', decision: 'talk', decided_by: '矿领导小组',
    decided_at: '2026-10-01' };
  const bad = async (change, field) => {
    const body = { ...base, ...change };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    assertError(await ctx.as.po.post('/accountability', body), 400, 'invalid_field', field);
  };
  await bad({ decision: 'fine' }, 'decision');
  await bad({ basis: 'rumour' }, 'basis');
  await bad({ unit_id: undefined }, 'unit_id');
  await bad({ decided_at: '2026-02-30' }, 'decided_at');
  await bad({ decided_at: '2026/10/01' }, 'decided_at');
  await bad({ decided_by: undefined }, 'decided_by');
  await bad({ incident_ids: [999999] }, 'incident_ids');
  await bad({ task_ids: 'x' }, 'task_ids');
  await bad({ user_id: 999999 }, 'user_id');
  await bad({ unit_id: 999999 }, 'unit_id');
});

test('who may record a finding: the petition office and leaders', async () => {
  const body = { unit_id: ctx.units.dept, basis: 'missed_report', decision: 'self_review',
    decided_by: '矿信访工作领导小组', decided_at: today() };
  for (const who of ['teamHead', 'off1', 'auditor', 'dispatch', 'company', 'admin']) {
    assertError(await ctx.as[who].post('/accountability', body), 403, 'forbidden');
  }
  expectStatus(await ctx.as.po.post('/accountability', body), 201, 'po');
  expectStatus(await ctx.as.leader.post('/accountability', body), 201, 'leader');
});

test('who may read: everyone entitled sees all; the person concerned sees their own only', async () => {
  for (const who of ['po', 'leader', 'auditor', 'company', 'admin']) {
    const list = expectStatus(await ctx.as[who].get('/accountability'), 200, who).findings;
    assert.ok(list.some((f) => f.id === unitFinding.id) && list.some((f) => f.id === personFinding.id), who);
    expectStatus(await ctx.as[who].get(`/accountability/${unitFinding.id}`), 200, who);
    expectStatus(await ctx.as[who].get(`/accountability/${personFinding.id}`), 200, who);
  }
  const own = expectStatus(await ctx.as.off1.get('/accountability'), 200, 'off1').findings;
  assert.deepEqual(own.map((f) => f.id), [personFinding.id]);
  // Asking for someone else's gives one's own all the same.
  assert.deepEqual(expectStatus(await ctx.as.off1.get(`/accountability?user_id=${ctx.as.off2.user.id}`), 200,
    'off1 asks for off2').findings.map((f) => f.id), [personFinding.id]);
  expectStatus(await ctx.as.off1.get(`/accountability/${personFinding.id}`), 200, 'own');
  assertError(await ctx.as.off1.get(`/accountability/${unitFinding.id}`), 404, 'not_found');
  for (const who of ['teamHead', 'off2', 'dispatch']) {
    assert.deepEqual(expectStatus(await ctx.as[who].get('/accountability'), 200, who).findings, [], who);
    assertError(await ctx.as[who].get(`/accountability/${personFinding.id}`), 404, 'not_found');
    assertError(await ctx.as[who].get(`/accountability/${unitFinding.id}`), 404, 'not_found');
  }
  assertError(await ctx.as.po.get('/accountability/999999'), 404, 'not_found');
});

test('the statement of the person concerned, and only theirs', async () => {
  const r = expectStatus(await ctx.as.off1.post(`/accountability/${personFinding.id}/statement`,
    { text: '本人对处理无异议，已作检讨' }), 201, 'statement');
  assert.equal(r.statements.length, 1);
  assert.equal(r.statements[0].author_id, ctx.as.off1.user.id);
  assert.equal(r.statements[0].text, '本人对处理无异议，已作检讨');
  for (const who of ['po', 'leader', 'admin', 'auditor', 'company']) {
    assertError(await ctx.as[who].post(`/accountability/${personFinding.id}/statement`, { text: '代为说明' }),
      403, 'forbidden');
  }
  for (const who of ['off2', 'teamHead', 'dispatch']) {
    assertError(await ctx.as[who].post(`/accountability/${personFinding.id}/statement`, { text: '说明' }),
      404, 'not_found');
  }
  // A finding of a unit names no person: nobody adds a statement to it.
  assertError(await ctx.as.po.post(`/accountability/${unitFinding.id}/statement`, { text: '说明' }),
    403, 'forbidden');
  assertError(await ctx.as.off1.post(`/accountability/${unitFinding.id}/statement`, { text: '说明' }),
    404, 'not_found');
  assertError(await ctx.as.off1.post(`/accountability/${personFinding.id}/statement`, { text: '' }),
    400, 'invalid_field', 'text');
  const again = expectStatus(await ctx.as.po.get(`/accountability/${personFinding.id}`), 200, 'read');
  assert.equal(again.statements.length, 1);
});

test('linked from the incident: its page lists its findings', async () => {
  for (const who of ['po', 'leader', 'auditor', 'company']) {
    const list = expectStatus(await ctx.as[who].get(`/incidents/${incident.id}/accountability`), 200, who).findings;
    assert.deepEqual(list.map((f) => f.id).sort(), [unitFinding.id, personFinding.id].sort(), who);
  }
  assert.deepEqual(expectStatus(await ctx.as.po.get(`/incidents/${other.id}/accountability`), 200, 'other')
    .findings, []);
  for (const who of ['teamHead', 'off1', 'dispatch']) {
    assertError(await ctx.as[who].get(`/incidents/${incident.id}/accountability`), 403, 'forbidden');
  }
  // The administrator handles no incident (docs/api.md): no incident page, though
  // GET /accountability shows the findings.
  assertError(await ctx.as.admin.get(`/incidents/${incident.id}/accountability`), 404, 'not_found');
  assertError(await ctx.as.po.get('/incidents/999999/accountability'), 404, 'not_found');
});

test('counted in the assessment of the unit (and of the person\'s unit)', async () => {
  const r = expectStatus(await ctx.as.po.get(`/assessment?period=${today().slice(0, 7)}&unit_id=${ctx.units.team}`),
    200, 'assessment');
  const team = r.units.find((u) => u.unit_id === ctx.units.team);
  const found = team.lines.filter((l) => l.kind === 'finding').map((l) => [l.source.id, l.points]);
  assert.deepEqual(found, [[unitFinding.id, -5], [personFinding.id, -5]]);
});
