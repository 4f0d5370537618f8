// API tests for the petitioner files (信访人档案) of xinfang against a real server
// (docs/api.md, "People (信访人档案) and 包保"; DESIGN.md principle 3): ID numbers and
// health data masked by default, every view of a file an audit event, reveal only for
// the petition office and audited, ID numbers and health data never in the audit log,
// likely duplicates flagged, PATCH, family members, quick entry (bulk text) that stores
// nothing when a line is bad, the Art. 20 warning above 5 representatives, field errors,
// list filters and who may read files at all.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  assertError, expectStatus, ms, setupPeople, auditEvents, auditHead, createPerson,
} = require('../lib/fixtures.js');

const ID_NUMBER = '320102196504121234';
const ID_MASKED = '3201**********1234';
const ID_NUMBER_2 = '32010219650412567X';
const ID_MASKED_2 = '3201**********567X';
const HEALTH = '冠心病支架术后，需避免情绪激动';
const HEALTH_2 = '高血压三级，每日服药';

let ctx;
let po;
let zhang; // the file created with family, ID number and health

before(async () => { ctx = await setupPeople(); po = ctx.as.po; });
after(async () => { if (ctx) await ctx.stop(); });

async function newIncident(units = [ctx.units.team]) {
  const inc = expectStatus(await po.post('/incidents', {
    headcount: 10, destination: 'mine', advance_info: true, place: '矿调度楼前', units,
    demands: '要求落实退休待遇', drill: true,
  }), 201, 'POST /incidents');
  return expectStatus(await po.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
}

async function personsOf(client, query) {
  return expectStatus(await client.get(`/persons?${query}`), 200, `GET /persons?${query}`).persons;
}

// Audit events appended after seq (read by the auditor).
async function eventsAfter(seq) {
  return auditEvents(ctx.as.auditor, seq);
}

test('creating a file masks the ID number and withholds health data', async () => {
  const body = {
    name: '张建国', id_number: ID_NUMBER, phone: '13912345678', address: '矿区生活区3栋2单元',
    unit_id: ctx.units.team, employment: 'retired', health: HEALTH, note: '退休前为综采一队采煤机司机',
    family: [{ name: '李梅', relation: '配偶', phone: '13912340000', unit: '矿区医院' }],
    incident_id: ctx.incident.id, role: 'representative',
  };
  const r = await po.post('/persons', body);
  const p = expectStatus(r, 201, 'POST /persons');
  zhang = p;
  assert.equal(typeof p.id, 'number');
  assert.equal(p.name, '张建国');
  assert.equal(p.id_number, ID_MASKED, 'first 4 and last 4 characters shown');
  assert.equal(p.id_number_masked, true);
  assert.equal(p.health, null);
  assert.equal(p.health_recorded, true);
  assert.ok(!r.text.includes(ID_NUMBER), 'the full ID number is not in the answer');
  assert.ok(!r.text.includes(HEALTH), 'health data is not in the answer');
  assert.equal(p.phone, '13912345678');
  assert.equal(p.address, '矿区生活区3栋2单元');
  assert.equal(p.unit_id, ctx.units.team);
  assert.equal(p.employment, 'retired');
  assert.equal(p.note, '退休前为综采一队采煤机司机');
  assert.equal(p.family.length, 1);
  assert.equal(typeof p.family[0].id, 'number');
  assert.equal(p.family[0].name, '李梅');
  assert.equal(p.family[0].relation, '配偶');
  assert.equal(p.family[0].phone, '13912340000');
  assert.equal(p.family[0].unit, '矿区医院');
  assert.deepEqual(p.incidents, [{ incident_id: ctx.incident.id, number: ctx.incident.number, role: 'representative' }]);
  assert.deepEqual(p.matters, []);
  assert.equal(p.assignment, null);
  assert.deepEqual(p.duplicates, []);
  ms(p.created_at, 'created_at');
  ms(p.updated_at, 'updated_at');

  // A file without health data says so.
  const plain = await createPerson(po, { name: '马春生' });
  assert.equal(plain.health, null);
  assert.equal(plain.health_recorded, false);
  assert.equal(plain.id_number_masked, false, 'no ID number: nothing is masked');
  assert.equal(plain.employment, 'employed', 'employment defaults to employed');
  assert.equal(plain.unit_id, null);
});

test('every GET /persons/{id} appends exactly one person.view event', async () => {
  for (const [who, client] of [['xfb', po], ['xfb', po], ['zuzhang', ctx.as.leader], ['zcyd.head', ctx.as.teamHead]]) {
    const seq = await auditHead(ctx.as.auditor);
    const r = await client.get(`/persons/${zhang.id}`);
    const p = expectStatus(r, 200, `GET /persons/${zhang.id} as ${who}`);
    assert.equal(p.id_number, ID_MASKED);
    assert.equal(p.id_number_masked, true);
    assert.equal(p.health, null);
    assert.equal(p.health_recorded, true);
    assert.ok(!r.text.includes(ID_NUMBER) && !r.text.includes(HEALTH), `${who} got unmasked data`);
    const added = await eventsAfter(seq);
    assert.equal(added.length, 1, `one event per view, got ${JSON.stringify(added.map((e) => e.action))}`);
    assert.equal(added[0].action, 'person.view');
    assert.equal(added[0].object_type, 'person');
    assert.equal(added[0].object_id, String(zhang.id));
    assert.equal(added[0].actor, who);
  }
  // A file that does not exist is no event.
  const seq = await auditHead(ctx.as.auditor);
  assertError(await po.get('/persons/999999'), 404, 'not_found');
  assert.equal((await eventsAfter(seq)).length, 0);
});

test('?reveal=1: the petition office sees the ID number and health data, audited; others get 403', async () => {
  let seq = await auditHead(ctx.as.auditor);
  const r = await po.get(`/persons/${zhang.id}?reveal=1`);
  const p = expectStatus(r, 200, 'GET ?reveal=1 as petition office');
  assert.equal(p.id_number, ID_NUMBER);
  assert.equal(p.id_number_masked, false);
  assert.equal(p.health, HEALTH);
  assert.equal(p.health_recorded, true);
  let added = await eventsAfter(seq);
  const reveals = added.filter((e) => e.action === 'person.reveal');
  assert.equal(reveals.length, 1, `one person.reveal event: ${JSON.stringify(added.map((e) => e.action))}`);
  assert.equal(reveals[0].object_id, String(zhang.id));
  assert.equal(reveals[0].actor, 'xfb');
  assert.ok(added.every((e) => ['person.reveal', 'person.view'].includes(e.action)),
    `unexpected events: ${JSON.stringify(added.map((e) => e.action))}`);

  for (const [who, client] of [['leader', ctx.as.leader], ['auditor', ctx.as.auditor], ['unit head', ctx.as.teamHead]]) {
    seq = await auditHead(ctx.as.auditor);
    const denied = await client.get(`/persons/${zhang.id}?reveal=1`);
    assertError(denied, 403, 'forbidden');
    assert.ok(!denied.text.includes(ID_NUMBER) && !denied.text.includes(HEALTH), `${who}: refusal leaks data`);
    added = await eventsAfter(seq);
    assert.equal(added.filter((e) => e.action === 'person.reveal').length, 0, `${who}: no reveal event`);
  }
  // reveal=0 is an ordinary, masked view.
  const masked = expectStatus(await po.get(`/persons/${zhang.id}?reveal=0`), 200, '?reveal=0');
  assert.equal(masked.id_number, ID_MASKED);
  assert.equal(masked.health, null);
});

test('likely duplicates: the same name in the same unit, and the same ID number', async () => {
  const sameName = await createPerson(po, { name: '张建国', unit_id: ctx.units.team, employment: 'employed' });
  assert.deepEqual(sameName.duplicates.map((d) => [d.id, d.reason]), [[zhang.id, 'same_name_unit']]);
  assert.equal(sameName.duplicates[0].name, '张建国');

  const sameId = await createPerson(po, { name: '张健国', id_number: ID_NUMBER, unit_id: ctx.units.dept });
  assert.deepEqual(sameId.duplicates.map((d) => [d.id, d.reason]), [[zhang.id, 'same_id_number']]);
  assert.equal(sameId.id_number, ID_MASKED);

  // Same name elsewhere is no duplicate.
  const elsewhere = await createPerson(po, { name: '张建国', unit_id: ctx.units.dept });
  assert.deepEqual(elsewhere.duplicates, []);

  // The first file now names both.
  const first = expectStatus(await po.get(`/persons/${zhang.id}`), 200, 'GET first');
  const reasons = new Map(first.duplicates.map((d) => [d.id, d.reason]));
  assert.equal(reasons.get(sameName.id), 'same_name_unit');
  assert.equal(reasons.get(sameId.id), 'same_id_number');
  assert.equal(reasons.has(elsewhere.id), false);
  assert.ok(!JSON.stringify(first.duplicates).includes(ID_NUMBER), 'duplicates do not show the ID number');
});

test('PATCH changes fields; the event names the fields, never their values', async () => {
  const seq = await auditHead(ctx.as.auditor);
  const r = await po.patch(`/persons/${zhang.id}`, {
    phone: '13700001111', address: '矿区生活区5栋', employment: 'external',
    id_number: ID_NUMBER_2, health: HEALTH_2,
  });
  const p = expectStatus(r, 200, 'PATCH /persons');
  assert.equal(p.phone, '13700001111');
  assert.equal(p.address, '矿区生活区5栋');
  assert.equal(p.employment, 'external');
  assert.equal(p.id_number, ID_MASKED_2);
  assert.equal(p.health, null);
  assert.equal(p.health_recorded, true);
  assert.equal(p.name, '张建国', 'fields not given stay');
  assert.equal(p.unit_id, ctx.units.team);
  assert.ok(ms(p.updated_at) >= ms(zhang.updated_at));
  assert.ok(!r.text.includes(ID_NUMBER_2) && !r.text.includes(HEALTH_2));
  const added = await eventsAfter(seq);
  const upd = added.filter((e) => e.action === 'person.update');
  assert.equal(upd.length, 1);
  assert.equal(upd[0].object_id, String(zhang.id));

  const revealed = expectStatus(await po.get(`/persons/${zhang.id}?reveal=1`), 200, 'reveal after PATCH');
  assert.equal(revealed.id_number, ID_NUMBER_2);
  assert.equal(revealed.health, HEALTH_2);

  // Field errors name the field; nothing changes.
  assertError(await po.patch(`/persons/${zhang.id}`, { employment: 'x' }), 400, 'invalid_field', 'employment');
  assertError(await po.patch(`/persons/${zhang.id}`, { id_number: 'abc' }), 400, 'invalid_field', 'id_number');
  assertError(await po.patch(`/persons/${zhang.id}`, { unit_id: 999999 }), 400, 'invalid_field', 'unit_id');
  assertError(await po.patch(`/persons/${zhang.id}`, { family: [] }), 400, 'invalid_field', 'family');
  assertError(await po.patch('/persons/999999', { phone: '1' }), 404, 'not_found');
  assertError(await ctx.as.leader.patch(`/persons/${zhang.id}`, { phone: '1' }), 403, 'forbidden');
  const still = expectStatus(await po.get(`/persons/${zhang.id}`), 200, 'GET after refusals');
  assert.equal(still.employment, 'external');
  assert.equal(still.phone, '13700001111');
});

test('family members are added and deleted', async () => {
  const p = expectStatus(await po.post(`/persons/${zhang.id}/family`, { name: '张小军', relation: '儿子', phone: '13600002222' }),
    201, 'POST family');
  assert.equal(p.id, zhang.id);
  assert.deepEqual(p.family.map((f) => [f.name, f.relation]), [['李梅', '配偶'], ['张小军', '儿子']]);
  const son = p.family[1];
  assert.equal(son.phone, '13600002222');
  assert.equal(son.unit, '');

  assertError(await po.post(`/persons/${zhang.id}/family`, { name: '张小红' }), 400, 'invalid_field', 'relation');
  assertError(await po.post('/persons/999999/family', { name: '某某', relation: '女儿' }), 404, 'not_found');
  assertError(await ctx.as.leader.post(`/persons/${zhang.id}/family`, { name: '某某', relation: '女儿' }), 403, 'forbidden');
  assertError(await ctx.as.leader.del(`/family/${son.id}`), 403, 'forbidden');

  const d = await po.del(`/family/${son.id}`);
  assert.equal(d.status, 204, d.text);
  const after = expectStatus(await po.get(`/persons/${zhang.id}`), 200, 'GET after delete');
  assert.deepEqual(after.family.map((f) => f.name), ['李梅']);
  assertError(await po.del(`/family/${son.id}`), 404, 'not_found');
});

test('field errors on create name the field and store nothing', async () => {
  const cases = [
    [{ name: '错误甲', employment: 'x' }, 'employment'],
    [{ name: '错误甲', id_number: 'abc' }, 'id_number'],
    [{ name: '错误甲', unit_id: 999999 }, 'unit_id'],
    [{ name: '' }, 'name'],
    [{ id_number: ID_NUMBER }, 'name'],
    [{ name: '错误甲', role: 'leader', incident_id: ctx.incident.id }, 'role'],
    [{ name: '错误甲', family: [{ name: '某人' }] }, 'family[0].relation'],
    [{ name: '错误甲', colour: 'red' }, 'colour'],
  ];
  for (const [body, field] of cases) {
    assertError(await po.post('/persons', body), 400, 'invalid_field', field);
  }
  assert.deepEqual(await personsOf(po, `q=${encodeURIComponent('错误甲')}`), []);
});

test('quick entry: 8 lines with 代表 markers create 8 linked persons', async () => {
  const inc = await newIncident();
  const text = [
    '王大山 13800000001 综采一队 代表',
    '李小河，13800000002，一班，代表',
    '赵三 机电科',
    '钱四 13800000004',
    '孙五　综采一队　参与',
    '周六 13900000006 一班',
    '吴七 代表',
    '郑八 13800000008 综采一队',
  ].join('\n');
  const seq = await auditHead(ctx.as.auditor);
  const r = expectStatus(await po.post(`/incidents/${inc.id}/persons/bulk`, { text }), 201, 'bulk');
  assert.deepEqual(r.created.map((p) => p.name), ['王大山', '李小河', '赵三', '钱四', '孙五', '周六', '吴七', '郑八']);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.warnings, []);
  assert.ok((await eventsAfter(seq)).some((e) => e.action === 'person.bulk'), 'a person.bulk event');

  const list = expectStatus(await po.get(`/incidents/${inc.id}/persons`), 200, 'incident persons');
  assert.equal(list.persons.length, 8);
  assert.equal(list.representatives, 3);
  assert.deepEqual(list.warnings, []);
  const by = Object.fromEntries(list.persons.map((p) => [p.name, p]));
  assert.deepEqual(Object.keys(by).sort(), ['王大山', '李小河', '赵三', '钱四', '孙五', '周六', '吴七', '郑八'].sort());
  const expected = {
    王大山: ['13800000001', ctx.units.team, 'representative'],
    李小河: ['13800000002', ctx.units.shift, 'representative'],
    赵三: ['', ctx.units.dept, 'participant'],
    钱四: ['13800000004', null, 'participant'],
    孙五: ['', ctx.units.team, 'participant'],
    周六: ['13900000006', ctx.units.shift, 'participant'],
    吴七: ['', null, 'representative'],
    郑八: ['13800000008', ctx.units.team, 'participant'],
  };
  for (const [name, [phone, unit, role]] of Object.entries(expected)) {
    assert.equal(by[name].phone, phone, `${name} phone`);
    assert.equal(by[name].unit_id, unit, `${name} unit`);
    assert.equal(by[name].role, role, `${name} role`);
    assert.equal(by[name].assignment, null);
    assert.ok(!('family' in by[name]) && !('matters' in by[name]) && !('health' in by[name]),
      `the list carries no family, matters or health: ${JSON.stringify(by[name])}`);
  }
  const file = expectStatus(await po.get(`/persons/${by['王大山'].id}`), 200, 'GET bulk person');
  assert.deepEqual(file.incidents, [{ incident_id: inc.id, number: inc.number, role: 'representative' }]);

  // The list filter by incident gives the same 8.
  const filtered = await personsOf(po, `incident_id=${inc.id}`);
  assert.deepEqual(filtered.map((p) => p.id).sort((a, b) => a - b), list.persons.map((p) => p.id).sort((a, b) => a - b));
});

test('quick entry with a bad line answers 422 naming the lines and stores nothing', async () => {
  const inc = await newIncident();
  const before = await personsOf(po, 'limit=200');
  const seq = await auditHead(ctx.as.auditor);
  const text = [
    '韩一 13800000011 综采一队 代表',
    '冯二 13800000012 采煤九队',
    '13800000013 陈三',
    '褚四 一班',
  ].join('\n');
  const r = await po.post(`/incidents/${inc.id}/persons/bulk`, { text });
  assert.equal(r.status, 422, r.text);
  assert.ok(r.json && r.json.error, r.text);
  assert.equal(typeof r.json.error.code, 'string');
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(Array.isArray(r.json.error.problems), `error.problems: ${r.text}`);
  assert.deepEqual(r.json.error.problems.map((p) => p.line), [2, 3]);
  for (const p of r.json.error.problems) assert.ok(typeof p.message === 'string' && p.message.length > 0);
  assert.match(r.json.error.problems[0].message, /采煤九队/, 'the unknown unit is named');

  const after = await personsOf(po, 'limit=200');
  assert.equal(after.length, before.length, 'nothing was created');
  assert.deepEqual(await personsOf(po, `q=${encodeURIComponent('韩一')}`), []);
  assert.deepEqual(await personsOf(po, `incident_id=${inc.id}`), []);
  assert.equal((await eventsAfter(seq)).length, 0, 'no event either');
});

test('quick entry as a persons array: a bad row stores nothing, good rows are linked', async () => {
  const inc = await newIncident();
  const bad = await po.post(`/incidents/${inc.id}/persons/bulk`, { persons: [
    { name: '卫一', unit_id: ctx.units.team, role: 'representative' },
    { name: '卫二', unit_id: 999999 },
    { name: '卫三', role: 'boss' },
  ] });
  assert.equal(bad.status, 422, bad.text);
  assert.deepEqual(bad.json.error.problems.map((p) => p.line), [2, 3]);
  assert.deepEqual(await personsOf(po, `incident_id=${inc.id}`), []);
  assertError(await po.post(`/incidents/${inc.id}/persons/bulk`, {}), 400, 'invalid_field');
  assertError(await ctx.as.leader.post(`/incidents/${inc.id}/persons/bulk`, { text: '卫四' }), 403, 'forbidden');

  const good = expectStatus(await po.post(`/incidents/${inc.id}/persons/bulk`, { persons: [
    { name: '卫一', unit_id: ctx.units.team, role: 'representative', phone: '13811112222' },
    { name: '卫二' },
  ] }), 201, 'bulk persons');
  assert.deepEqual(good.created.map((p) => p.name), ['卫一', '卫二']);
  const list = expectStatus(await po.get(`/incidents/${inc.id}/persons`), 200, 'list');
  assert.deepEqual(list.persons.map((p) => [p.name, p.role, p.unit_id, p.phone]),
    [['卫一', 'representative', ctx.units.team, '13811112222'], ['卫二', 'participant', null, '']]);
  assert.equal(list.representatives, 1);
});

test('more than 5 representatives: the Art. 20 warning', async () => {
  const inc = await newIncident();
  const five = ['甲一', '甲二', '甲三', '甲四', '甲五'].map((n) => `${n} 综采一队 代表`).join('\n');
  const r5 = expectStatus(await po.post(`/incidents/${inc.id}/persons/bulk`, { text: five }), 201, 'bulk 5');
  assert.deepEqual(r5.warnings, [], '5 representatives are allowed');
  let list = expectStatus(await po.get(`/incidents/${inc.id}/persons`), 200, 'list');
  assert.equal(list.representatives, 5);
  assert.deepEqual(list.warnings, []);

  const sixth = await createPerson(po, { name: '甲六', unit_id: ctx.units.team });
  list = expectStatus(await po.post(`/incidents/${inc.id}/persons`, { person_id: sixth.id, role: 'representative' }),
    200, 'link a sixth representative');
  assert.equal(list.representatives, 6);
  assert.equal(list.warnings.length, 1, JSON.stringify(list.warnings));
  assert.match(list.warnings[0], /第二十条/);
  list = expectStatus(await po.get(`/incidents/${inc.id}/persons`), 200, 'list');
  assert.equal(list.representatives, 6);
  assert.equal(list.warnings.length, 1);
  assert.match(list.warnings[0], /第二十条/);
  assert.match(list.warnings[0], /6/);

  // Making the sixth a participant clears the warning; unlinking removes the person.
  list = expectStatus(await po.post(`/incidents/${inc.id}/persons`, { person_id: sixth.id, role: 'participant' }), 200, 'relink');
  assert.equal(list.representatives, 5);
  assert.deepEqual(list.warnings, []);
  const d = await po.del(`/incidents/${inc.id}/persons/${sixth.id}`);
  assert.equal(d.status, 204, d.text);
  list = expectStatus(await po.get(`/incidents/${inc.id}/persons`), 200, 'list');
  assert.equal(list.persons.length, 5);
  assert.ok(!list.persons.some((p) => p.id === sixth.id));

  // A bulk entry of 6 representatives warns in its answer too.
  const inc2 = await newIncident();
  const six = ['乙一', '乙二', '乙三', '乙四', '乙五', '乙六'].map((n) => `${n} 代表`).join('\n');
  const r6 = expectStatus(await po.post(`/incidents/${inc2.id}/persons/bulk`, { text: six }), 201, 'bulk 6');
  assert.equal(r6.warnings.length, 1);
  assert.match(r6.warnings[0], /第二十条/);
});

test('list: filter by name and by incident, masked, paged', async () => {
  const hits = await personsOf(po, `q=${encodeURIComponent('建国')}`);
  const ids = hits.map((p) => p.id);
  assert.ok(ids.includes(zhang.id));
  assert.ok(hits.every((p) => p.name.includes('建国')), JSON.stringify(hits.map((p) => p.name)));
  const z = hits.find((p) => p.id === zhang.id);
  assert.equal(z.id_number, ID_MASKED_2);
  assert.equal(z.id_number_masked, true);
  assert.ok(!('health' in z) || z.health === null);
  assert.ok(!('family' in z) && !('matters' in z));
  assert.ok(!JSON.stringify(hits).includes(ID_NUMBER_2) && !JSON.stringify(hits).includes(HEALTH_2));

  const inIncident = await personsOf(po, `incident_id=${ctx.incident.id}`);
  assert.deepEqual(inIncident.map((p) => p.id), [zhang.id], 'only the person linked to the first incident');

  // Paging: newest first, next_after_id continues.
  const page1 = expectStatus(await po.get('/persons?limit=2'), 200, 'page 1');
  assert.equal(page1.persons.length, 2);
  assert.ok(page1.persons[0].id > page1.persons[1].id);
  assert.equal(page1.next_after_id, page1.persons[1].id);
  const page2 = expectStatus(await po.get(`/persons?limit=2&after_id=${page1.next_after_id}`), 200, 'page 2');
  assert.ok(page2.persons.every((p) => p.id < page1.persons[1].id));
  assertError(await po.get('/persons?limit=0'), 400, 'bad_request');
});

test('who may read files: dispatch, company and admin none; officials none until assigned; unit heads their own', async () => {
  for (const key of ['dispatch', 'company', 'admin']) {
    assertError(await ctx.as[key].get('/persons'), 403, 'forbidden');
    assertError(await ctx.as[key].get(`/persons/${zhang.id}`), 403, 'forbidden');
    assertError(await ctx.as[key].get(`/incidents/${ctx.incident.id}/persons`), 403, 'forbidden');
  }
  for (const key of ['leader', 'teamHead', 'off1', 'auditor']) {
    assertError(await ctx.as[key].post('/persons', { name: '无权建档' }), 403, 'forbidden');
  }
  // Auditor and leader read every file.
  const all = await personsOf(po, 'limit=200');
  assert.equal((await personsOf(ctx.as.auditor, 'limit=200')).length, all.length);
  assert.equal((await personsOf(ctx.as.leader, 'limit=200')).length, all.length);

  // An official sees no person before an assignment.
  assert.deepEqual(await personsOf(ctx.as.off1, 'limit=200'), []);
  assertError(await ctx.as.off1.get(`/persons/${zhang.id}`), 404, 'not_found');

  // The 机电科 head sees the persons of 机电科 only (their incidents do not involve it).
  const dept = await personsOf(ctx.as.deptHead, 'limit=200');
  const expectedDept = all.filter((p) => p.unit_id === ctx.units.dept).map((p) => p.id).sort((a, b) => a - b);
  assert.ok(expectedDept.length >= 2);
  assert.deepEqual(dept.map((p) => p.id).sort((a, b) => a - b), expectedDept);
  assertError(await ctx.as.deptHead.get(`/persons/${zhang.id}`), 404, 'not_found');

  // The 综采一队 head sees its subtree's persons and every person of incidents involving it.
  const team = await personsOf(ctx.as.teamHead, 'limit=200');
  const teamIds = new Set(team.map((p) => p.id));
  for (const p of all) {
    if (p.unit_id === ctx.units.team || p.unit_id === ctx.units.shift) assert.ok(teamIds.has(p.id), `team head misses ${p.name}`);
  }
  // 吴七 has no unit but is a petitioner of an incident involving 综采一队.
  const wu = all.find((p) => p.name === '吴七');
  assert.ok(teamIds.has(wu.id), 'the team head sees petitioners of incidents involving the team');
  // 马春生 has no unit and no incident.
  const ma = all.find((p) => p.name === '马春生');
  assert.ok(!teamIds.has(ma.id));
  assertError(await ctx.as.teamHead.get(`/persons/${ma.id}`), 404, 'not_found');
});

test('the ID numbers and health data never appear in any audit event', async () => {
  const events = await auditEvents(ctx.as.auditor);
  assert.ok(events.some((e) => e.action === 'person.reveal'), 'the log has the reveals');
  for (const e of events) {
    const text = JSON.stringify(e);
    for (const secret of [ID_NUMBER, ID_NUMBER_2, HEALTH, HEALTH_2, '冠心病', '高血压']) {
      assert.ok(!text.includes(secret), `audit event ${e.seq} ${e.action} contains "${secret}": ${text.slice(0, 400)}`);
    }
  }
});

// Issue 7 item 6: a file shows nothing outside the viewer's scope. Its incidents[] and
// duplicates[] are filtered as GET /incidents and GET /persons are: a unit head and an
// official see only the incidents and the likely duplicates they may open.
test('a file lists only the incidents and duplicates the viewer may open', async () => {
  const OWN_ID = '410101197003031116';
  const elsewhere = await newIncident([ctx.units.dept]); // involves 机电科 only
  const gao = await createPerson(po, {
    name: '高德胜', id_number: OWN_ID, unit_id: ctx.units.team, incident_id: ctx.incident.id,
  });
  expectStatus(await po.post(`/incidents/${elsewhere.id}/persons`, { person_id: gao.id, role: 'participant' }),
    200, 'link to the 机电科 incident');
  // A likely duplicate the team head may open (same name, same unit) and one they may not
  // (the same ID number, in 机电科).
  const sameName = await createPerson(po, { name: '高德胜', unit_id: ctx.units.team });
  const sameIdElsewhere = await createPerson(po, { name: '高得胜', id_number: OWN_ID, unit_id: ctx.units.dept });

  // The petition office sees everything.
  const full = expectStatus(await po.get(`/persons/${gao.id}`), 200, 'GET as petition office');
  assert.deepEqual(full.incidents.map((i) => i.incident_id).sort((a, b) => a - b),
    [ctx.incident.id, elsewhere.id].sort((a, b) => a - b));
  assert.deepEqual(full.duplicates.map((d) => d.id).sort((a, b) => a - b),
    [sameName.id, sameIdElsewhere.id].sort((a, b) => a - b));

  // The 综采一队 head: the incident of 机电科 and the person of 机电科 are not theirs.
  assertError(await ctx.as.teamHead.get(`/incidents/${elsewhere.id}`), 404, 'not_found');
  assertError(await ctx.as.teamHead.get(`/persons/${sameIdElsewhere.id}`), 404, 'not_found');
  const r = await ctx.as.teamHead.get(`/persons/${gao.id}`);
  const head = expectStatus(r, 200, 'GET as team head');
  assert.deepEqual(head.incidents.map((i) => i.incident_id), [ctx.incident.id]);
  assert.deepEqual(head.duplicates.map((d) => [d.id, d.reason]), [[sameName.id, 'same_name_unit']]);
  assert.ok(!r.text.includes(elsewhere.number), `the team head reads the number ${elsewhere.number}: ${r.text.slice(0, 600)}`);
  assert.ok(!r.text.includes('高得胜'), 'the team head reads the name of a person outside their scope');

  // An official assigned to the petitioner (包保): only the incident of the assignment,
  // and no duplicate, since neither other person is theirs.
  expectStatus(await po.post(`/incidents/${ctx.incident.id}/assignments`,
    { pairs: [{ person_id: gao.id, official_id: ctx.as.off1.user.id }] }), 201, 'assign 周平');
  assertError(await ctx.as.off1.get(`/incidents/${elsewhere.id}`), 404, 'not_found');
  assertError(await ctx.as.off1.get(`/persons/${sameName.id}`), 404, 'not_found');
  const r2 = await ctx.as.off1.get(`/persons/${gao.id}`);
  const official = expectStatus(r2, 200, 'GET as the official');
  assert.deepEqual(official.incidents.map((i) => i.incident_id), [ctx.incident.id]);
  assert.deepEqual(official.duplicates, []);
  assert.ok(!r2.text.includes(elsewhere.number));
});

test('phone numbers of persons and family members follow docs/api.md (issue 7 item 9)', async () => {
  const before = (await personsOf(po, 'limit=200')).length;
  for (const bad of ['abc', '电话13800000000', '--', '1.38E+10', '1'.repeat(33)]) {
    try {
      const r = await po.post('/persons', { name: '电话测试', phone: bad });
      assertError(r, 400, 'invalid_field', 'phone');
      assert.match(r.json.error.message, /'phone'/);
      assertError(await po.post('/persons', {
        name: '电话测试', family: [{ name: '家属甲', relation: '配偶', phone: '13800000000' }, { name: '家属乙', relation: '儿子', phone: bad }],
      }), 400, 'invalid_field', 'family[1].phone');
      assertError(await po.patch(`/persons/${zhang.id}`, { phone: bad }), 400, 'invalid_field', 'phone');
      assertError(await po.post(`/persons/${zhang.id}/family`, { name: '家属丙', relation: '女儿', phone: bad }), 400, 'invalid_field', 'phone');
    } catch (e) { e.message = `phone ${JSON.stringify(bad)}: ${e.message}`; throw e; }
  }
  // Quick entry as an array names the line and stores nothing.
  const bulk = await po.post(`/incidents/${ctx.incident.id}/persons/bulk`,
    { persons: [{ name: '批量甲', phone: '13800000001' }, { name: '批量乙', phone: 'x13' }] });
  assertError(bulk, 422, 'invalid_rows');
  assert.deepEqual(bulk.json.error.problems.map((p) => p.line), [2]);
  assert.equal((await personsOf(po, 'limit=200')).length, before, 'nothing was stored');

  for (const good of ['13800000000', '+86 138 0000 0000', '0351-7654321', '0351-1234567转801', '']) {
    const p = expectStatus(await po.post('/persons', {
      name: '电话测试', phone: good, family: [{ name: '家属', relation: '配偶', phone: good }],
    }), 201, `phone ${JSON.stringify(good)}`);
    assert.equal(p.phone, good);
    assert.equal(p.family[0].phone, good);
  }
  const unchanged = expectStatus(await po.get(`/persons/${zhang.id}`), 200, 'GET');
  assert.equal(unchanged.phone, '13700001111', 'the refused PATCH changed nothing');
});

test('quick entry: an employment word per line, else the unit decides (退休支部 gives retired)', async () => {
  const root = expectStatus(await ctx.admin.get('/units'), 200, 'units').units.find((u) => u.parent_id === null);
  const retirees = expectStatus(await ctx.admin.post('/units', { name: '退休支部', parent_id: root.id, kind: 'other' }), 201, 'unit');
  const inc = await newIncident();
  const text = ['甲一 13800000011 退休 综采一队', '乙二 退休支部', '丙三 家属', '丁四 外部 代表', '戊五 综采一队'].join('\n');
  const r = expectStatus(await po.post(`/incidents/${inc.id}/persons/bulk`, { text }), 201, 'bulk');
  const by = Object.fromEntries(r.created.map((p) => [p.name, p.employment]));
  assert.deepEqual(by, { 甲一: 'retired', 乙二: 'retired', 丙三: 'family', 丁四: 'external', 戊五: 'employed' });
  // the list form takes the field too
  const r2 = expectStatus(await po.post(`/incidents/${inc.id}/persons/bulk`, { persons: [
    { name: '己六', unit_id: retirees.id }, { name: '庚七', unit_id: retirees.id, employment: 'family' }] }), 201, 'bulk list');
  assert.deepEqual(r2.created.map((p) => p.employment), ['retired', 'family']);
  // two words on a line: nothing is stored
  const bad = await po.post(`/incidents/${inc.id}/persons/bulk`, { text: '辛八 退休 在职' });
  assert.equal(bad.status, 422, bad.text);
  assert.match(bad.json.error.problems[0].message, /employment/);
});
