// API tests for the directory (docs/api.md, "Directory"): people found by name, role
// and unit for whoever assigns or schedules them; disabled accounts never listed;
// phone numbers only for callers who may read the rosters; bad parameters named.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Client } = require('../lib/server.js');
const { startAdmin, makeUser, makeUnit } = require('../lib/fixtures.js');
let srv, admin, office, company;
const units = {};

function account(username, name, unitId, roles, phone = '') {
  return makeUser(admin, { username, name, unit_id: unitId, roles, phone });
}

before(async () => {
  ({ srv, admin } = await startAdmin());
  units.jidian = (await makeUnit(admin, '机电科', 1, 'department')).id;
  units.zongcai = (await makeUnit(admin, '综采一队', 1, 'team')).id;
  units.yiban = (await makeUnit(admin, '一班', units.zongcai, 'team')).id;
  office = await account('office', '王信访', 1, ['petition_office']);
  company = await account('company', '集团信访办', 1, ['company']);
  await account('zhang1', '张建国', units.jidian, ['official'], '13800000001');
  await account('zhang2', '张建华', units.yiban, ['official', 'unit_head'], '13800000002');
  await account('li', '李明', units.zongcai, ['dispatch']);
  const gone = await account('zhang3', '张建设', units.jidian, ['official']);
  assert.equal((await admin.patch(`/users/${gone.user.id}`, { disabled: true })).status, 200);
});

after(async () => { await srv.stop(); });

test('people are found by part of their name, with unit and roles; disabled ones never', async () => {
  const r = await office.get(`/directory?q=${encodeURIComponent('张建')}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.people.map((p) => p.name), ['张建华', '张建国']);
  const hua = r.json.people[0];
  assert.equal(hua.unit_name, '一班');
  assert.deepEqual(hua.roles.sort(), ['official', 'unit_head']);
  assert.equal(hua.phone, '13800000002', 'the petition office reads rosters: phones shown');
});

test('role and unit (with the units below it) narrow the list', async () => {
  let r = await office.get(`/directory?role=official&unit_id=${units.zongcai}`);
  assert.deepEqual(r.json.people.map((p) => p.name), ['张建华']);
  r = await office.get('/directory?role=dispatch');
  assert.deepEqual(r.json.people.map((p) => p.name), ['李明']);
  r = await office.get(`/directory?q=${encodeURIComponent('张')}&limit=1`);
  assert.equal(r.json.people.length, 1);
});

test('the search text also finds people by the name of their unit', async () => {
  const r = await office.get(`/directory?q=${encodeURIComponent('机电')}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.people.map((p) => p.name), ['张建国'], 'the disabled 张建设 of 机电科 is not listed');
  const team = await office.get(`/directory?q=${encodeURIComponent('综采')}&role=dispatch`);
  assert.deepEqual(team.json.people.map((p) => p.name), ['李明']);
});

test('only those who assign or schedule may look; bad parameters are named', async () => {
  assert.equal((await company.get('/directory?q=a')).status, 403);
  assert.equal((await new Client(srv.base).get('/directory')).status, 401);
  for (const [query, field] of [['role=boss', 'role'], ['unit_id=x', 'unit_id'], ['limit=0', 'limit'],
    [`q=${encodeURIComponent('张'.repeat(51))}`, 'q']]) {
    const r = await office.get(`/directory?${query}`);
    assert.equal(r.status, 400, `${query}: ${r.text}`);
    assert.equal(r.json.error.field, field);
  }
});
