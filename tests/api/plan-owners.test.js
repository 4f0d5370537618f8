// API tests of the plan's unit-head owners (docs/plan-format.md, owners `heads_of`):
// B3.5 "通知上访人员所在单位负责人" lists the heads of the incident's units and of the
// petitioners' units (not a fixed department); B3.6 and B5, owned by the heads of the
// petitioners' units, are assigned when a petitioner of a unit with a head is linked,
// stay unassigned and say why when no head is known; the head of a petitioner's unit sees
// the incident, the head of an unrelated unit does not; and the plan's English texts
// (title_en, text_en, owner.label_en) come with the tasks.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { setupIncidents, makeUser, makeUnit, assertError, expectStatus, registerActive, tasksOf } = require('../lib/fixtures.js');

let env; // { srv, admin, as, units, stop }
let admin, po;
const unit = {};
const head = {}; // unit name -> signed-in client of its head

async function makeHead(username, name, unitId, phone) {
  const client = await makeUser(admin, { username, name, unit_id: unitId, roles: ['unit_head'] });
  expectStatus(await admin.patch(`/users/${client.user.id}`, { phone }), 200, 'phone');
  expectStatus(await admin.patch(`/units/${unitId}`, { head_user_id: client.user.id }), 200, 'head');
  return client;
}

before(async () => {
  env = await setupIncidents({ roles: ['petition_office', 'company'] });
  admin = env.admin;
  po = env.as.petition_office;
  const mk = async (name, kind) => (await makeUnit(admin, name, env.units.root, kind)).id;
  unit.retired = await mk('退休支部', 'other');
  unit.security = await mk('保卫科', 'department');
  unit.jidian = env.units.dept; // 机电科
  head['机电科'] = await makeHead('jdk', '机电科刘科长', unit.jidian, '13100000001');
  head['保卫科'] = await makeHead('bwk2', '保卫科陈科长', unit.security, '13100000002');
});

after(async () => { if (env) await env.stop(); });

const byStep = (tasks) => Object.fromEntries(tasks.filter((t) => t.step_id).map((t) => [t.step_id, t]));

test('B3.5 of a 退休支部 incident: no head known is said so, 机电科 is not offered', async () => {
  const inc = await registerActive(po, { advance_info: false, units: [unit.retired], headcount: 23, destination: 'group' });
  const t = byStep(await tasksOf(po, inc.id));
  assert.deepEqual(t['B3.5'].contacts, [
    { name: '', phone: '', unit: '退休支部', heads_of: 'unit_of_incident', on_duty: false, missing: '退休支部未登记负责人' },
  ]);
  // B3.6 and B5 belong to the heads of the petitioners' units: none yet
  for (const s of ['B3.6', 'B5']) {
    assert.deepEqual([t[s].owner.kind, t[s].owner.value, t[s].owner.label], ['heads_of', 'unit_of_petitioners', '单位负责人']);
    assert.equal(t[s].assignee, null);
    assert.equal(t[s].unassigned.heads_of, 'unit_of_petitioners');
  }
  // the head of an unrelated unit does not see it
  assertError(await head['机电科'].get(`/incidents/${inc.id}`), 404, 'not_found');
});

test('a head registered for 退休支部 is listed with phone; the petitioners\' heads get B3.6 and B5 and see the incident', async () => {
  head['退休支部'] = await makeHead('txzb', '退休支部周书记', unit.retired, '13100000003');
  const inc = await registerActive(po, { advance_info: false, units: [unit.retired], headcount: 5 });
  let t = byStep(await tasksOf(po, inc.id));
  assert.deepEqual(t['B3.5'].contacts, [
    { name: '退休支部周书记', phone: '13100000003', unit: '退休支部', on_duty: false },
  ]);
  assert.equal(t['B3.6'].assignee, null, 'no petitioners yet');
  assertError(await head['保卫科'].get(`/incidents/${inc.id}`), 404, 'not_found');

  // a petitioner of 保卫科 (no head for the second one's unit: 机电科 has one)
  expectStatus(await po.post('/persons', { name: '王大山', unit_id: unit.security, employment: 'retired',
    incident_id: inc.id, role: 'representative' }), 201, 'petitioner of 保卫科');
  const events = expectStatus(await admin.get('/audit?after=0&limit=500'), 200, 'GET /audit').events;
  const link = events.filter((e) => e.action === 'person.link').pop();
  assert.equal(link.data.heads_assigned, 2, 'the link event counts B3.6 and B5 assigned');
  t = byStep(await tasksOf(po, inc.id));
  assert.deepEqual(t['B3.5'].contacts.map((c) => [c.name, c.unit, c.phone]), [
    ['退休支部周书记', '退休支部', '13100000003'],
    ['保卫科陈科长', '保卫科', '13100000002'],
  ]);
  for (const s of ['B3.6', 'B5']) {
    assert.equal(t[s].assignee && t[s].assignee.name, '保卫科陈科长', `${s} is assigned to the petitioner's unit head`);
    assert.equal(t[s].unassigned, undefined);
  }
  // the head of the petitioners' unit sees it (read and list); the head of an unrelated unit does not
  expectStatus(await head['保卫科'].get(`/incidents/${inc.id}`), 200, 'petitioners\' unit head reads');
  const list = expectStatus(await head['保卫科'].get('/incidents?limit=200'), 200, 'list').incidents;
  assert.ok(list.some((i) => i.id === inc.id), 'listed for the petitioners\' unit head');
  assertError(await head['机电科'].get(`/incidents/${inc.id}`), 404, 'not_found');
  const other = expectStatus(await head['机电科'].get('/incidents?limit=200'), 200, 'list').incidents;
  assert.ok(!other.some((i) => i.id === inc.id), 'not listed for an unrelated head');
  // and acts on the assigned step
  expectStatus(await head['保卫科'].patch(`/tasks/${t['B3.6'].id}`, { action: 'start' }), 200, 'head starts B3.6');

  // phones only with roster.read: the company's petition office sees no contacts
  const seen = byStep(await tasksOf(env.as.company, inc.id));
  assert.deepEqual(seen['B3.5'].contacts, []);
});

test('tasks carry the plan\'s English, falling back to none', async () => {
  const inc = await registerActive(po, { advance_info: false, units: [unit.jidian], headcount: 12 });
  const tasks = await tasksOf(po, inc.id);
  const t = byStep(tasks);
  assert.equal(t['B3.5'].title, '通知上访人员所在单位负责人赴现场劝导');
  assert.equal(t['B3.5'].title_en, 'Call the heads of the petitioners\' units to the scene');
  assert.match(t['B3.5'].text_en, /^\(3\) liaison/);
  assert.equal(t.B5.owner.label_en, 'head of the petitioners\' unit');
  assert.equal(t.B1.owner.label_en, undefined);
  const written = tasks.find((x) => x.kind === 'report_written');
  assert.equal(written.title_en, 'Written report to the company petition office');
  // the plan itself passes its English through
  const plan = expectStatus(await po.get('/plan'), 200, 'GET /plan');
  assert.equal(plan.doc.principles[0].text_en.slice(0, 25), 'Prefer dispersing to gath');
  assert.equal(plan.doc.scope.rules[0].text_en, 'a collective visit of three or more people');
});
