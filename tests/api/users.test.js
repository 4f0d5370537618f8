// API tests for users and roles of xinfang against a real server (docs/api.md):
// GET /roles, POST/GET/PATCH /users, the one-time password of a new account, the
// permission matrix of the account endpoints for every role, validation of user
// fields, disabling an account and the admin password reset.
'use strict';
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Client } = require('../lib/server.js');
const { startAdmin, assertOnlyError: assertError } = require('../lib/fixtures.js');
const ROLES = ['petition_office', 'leader', 'unit_head', 'dispatch', 'official', 'company', 'auditor', 'admin'];

function assertUserShape(u) {
  assert.equal(typeof u.id, 'number');
  assert.equal(typeof u.username, 'string');
  assert.equal(typeof u.name, 'string');
  assert.ok(u.unit_id === null || typeof u.unit_id === 'number', `unit_id: ${u.unit_id}`);
  assert.equal(typeof u.phone, 'string');
  assert.ok(Array.isArray(u.roles));
  assert.equal(typeof u.disabled, 'boolean');
  assert.equal(typeof u.must_change_password, 'boolean');
  for (const k of Object.keys(u)) assert.doesNotMatch(k, /hash|salt|secret|^password$/i, `user exposes ${k}`);
}

let srv;
let admin;
let rootId;
// role -> { client, user, password }
const people = {};

// Creates an account with the given roles, logs it in with its one-time password,
// changes that password and returns a logged-in client.
async function createAndActivate(username, roles) {
  const r = await admin.post('/users', { username, name: `测试 ${username}`, unit_id: rootId, roles, phone: '13800000000' });
  assert.equal(r.status, 201, `POST /users ${username}: ${r.text}`);
  assertUserShape(r.json.user);
  assert.equal(r.json.user.username, username);
  assert.deepEqual([...r.json.user.roles].sort(), [...roles].sort());
  assert.equal(r.json.user.must_change_password, true, 'a new account must change its password');
  assert.equal(r.json.user.disabled, false);
  assert.equal(r.json.user.unit_id, rootId);
  assert.equal(r.json.user.phone, '13800000000');
  const otp = r.json.one_time_password;
  assert.equal(typeof otp, 'string');
  assert.ok(otp.length >= 10, `one-time password too short: ${otp}`);

  const c = new Client(srv.base);
  const l = await c.login(username, otp);
  assert.equal(l.status, 200, `login ${username} with its one-time password: ${l.text}`);
  assert.equal(l.json.user.must_change_password, true);
  assertError(await c.get('/units'), 403, 'password_change_required');
  const password = `pw-${username}-2026!`;
  const ch = await c.post('/session/password', { old_password: otp, new_password: password });
  assert.equal(ch.status, 204, `password change ${username}: ${ch.text}`);
  const fresh = new Client(srv.base);
  const l2 = await fresh.login(username, password);
  assert.equal(l2.status, 200, l2.text);
  assert.equal(l2.json.user.must_change_password, false);
  return { client: fresh, user: r.json.user, password };
}

before(async () => {
  ({ srv, admin } = await startAdmin());
  rootId = (await admin.get('/units')).json.units[0].id;
});

after(async () => { if (srv) await srv.stop(); });

test('GET /roles lists the eight roles with zh and en names', async () => {
  const r = await admin.get('/roles');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.roles.map((x) => x.id).sort(), [...ROLES].sort());
  for (const x of r.json.roles) {
    assert.equal(typeof x.zh, 'string');
    assert.equal(typeof x.en, 'string');
    assert.ok(x.zh.length > 0 && x.en.length > 0);
  }
  const zh = Object.fromEntries(r.json.roles.map((x) => [x.id, x.zh]));
  assert.equal(zh.petition_office, '信访办');
  assert.equal(zh.auditor, '审计');
  assert.equal(zh.admin, '管理员');
});

test('an account with each role can be created and activated', async () => {
  for (const role of ROLES) people[role] = await createAndActivate(`u_${role}`, [role]);
  const list = await admin.get('/users');
  assert.equal(list.status, 200, list.text);
  for (const u of list.json.users) assertUserShape(u);
  const names = list.json.users.map((u) => u.username);
  for (const role of ROLES) assert.ok(names.includes(`u_${role}`), `GET /users lists u_${role}`);
  assert.ok(names.includes('admin'));
  const one = await admin.get(`/users/${people.leader.user.id}`);
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.username, 'u_leader');
  assert.equal(one.json.must_change_password, false, 'after the change the flag is cleared');
});

describe('permission matrix of account, unit and audit endpoints', () => {
  const plain = ROLES.filter((r) => r !== 'admin' && r !== 'auditor');

  test('every role may read its session, the roles and the units', async () => {
    for (const role of ROLES) {
      const c = people[role].client;
      for (const p of ['/session', '/roles', '/units']) {
        const r = await c.get(p);
        assert.equal(r.status, 200, `${role} GET ${p}: ${r.status} ${r.text}`);
      }
    }
  });

  test('roles other than admin and auditor get 403 forbidden on users, audit and unit changes', async () => {
    const target = people.leader.user.id;
    for (const role of plain) {
      const c = people[role].client;
      const calls = [
        ['GET /users', () => c.get('/users')],
        [`GET /users/${target}`, () => c.get(`/users/${target}`)],
        ['GET /audit', () => c.get('/audit')],
        ['GET /audit/verify', () => c.get('/audit/verify')],
        ['POST /units', () => c.post('/units', { name: `by-${role}`, kind: 'team', parent_id: rootId })],
        [`PATCH /units/${rootId}`, () => c.patch(`/units/${rootId}`, { name: `renamed-by-${role}` })],
        ['POST /users', () => c.post('/users', { username: `made_by_${role}`, name: 'x', unit_id: rootId, roles: ['admin'] })],
        [`PATCH /users/${target}`, () => c.patch(`/users/${target}`, { name: `by ${role}` })],
        [`POST /users/${target}/password`, () => c.post(`/users/${target}/password`, {})],
      ];
      for (const [what, call] of calls) {
        const r = await call();
        try { assertError(r, 403, 'forbidden'); } catch (e) { e.message = `${role} ${what}: ${e.message}`; throw e; }
      }
    }
  });

  test('auditor reads users and the audit log but changes nothing', async () => {
    const c = people.auditor.client;
    const target = people.leader.user.id;
    for (const p of ['/users', `/users/${target}`, '/audit', '/audit/verify']) {
      const r = await c.get(p);
      assert.equal(r.status, 200, `auditor GET ${p}: ${r.status} ${r.text}`);
    }
    assertError(await c.post('/units', { name: 'by-auditor', kind: 'team', parent_id: rootId }), 403, 'forbidden');
    assertError(await c.patch(`/units/${rootId}`, { name: 'renamed-by-auditor' }), 403, 'forbidden');
    assertError(await c.patch(`/users/${target}`, { name: 'by auditor' }), 403, 'forbidden');
    assertError(await c.patch(`/users/${people.auditor.user.id}`, { roles: ['admin'] }), 403, 'forbidden');
    assertError(await c.post('/users', { username: 'made_by_auditor', name: 'x', unit_id: rootId, roles: ['auditor'] }), 403, 'forbidden');
    assertError(await c.post(`/users/${target}/password`, {}), 403, 'forbidden');
  });

  test('the forbidden attempts changed nothing', async () => {
    const units = (await admin.get('/units')).json.units;
    assert.ok(!units.some((u) => /^(by-|renamed-by-)/.test(u.name)), 'no unit created or renamed by a non-admin');
    const users = (await admin.get('/users')).json.users;
    assert.ok(!users.some((u) => /^made_by_/.test(u.username)), 'no user created by a non-admin');
    const leader = (await admin.get(`/users/${people.leader.user.id}`)).json;
    assert.equal(leader.name, '测试 u_leader');
    const aud = (await admin.get(`/users/${people.auditor.user.id}`)).json;
    assert.deepEqual(aud.roles, ['auditor']);
  });

  test('a second admin may do everything the first may', async () => {
    const c = people.admin.client;
    const u = await c.post('/units', { name: '第二管理员的单位', kind: 'department', parent_id: rootId });
    assert.equal(u.status, 201, u.text);
    assert.equal((await c.patch(`/units/${u.json.id}`, { name: '改名' })).status, 200);
    assert.equal((await c.get('/users')).status, 200);
    assert.equal((await c.get('/audit')).status, 200);
    assert.equal((await c.get('/audit/verify')).status, 200);
    const p = await c.patch(`/users/${people.company.user.id}`, { phone: '13900000000' });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.phone, '13900000000');
  });
});

describe('user validation', () => {
  test('bad roles name the element', async () => {
    assertError(await admin.post('/users', { username: 'badrole', name: 'x', unit_id: rootId, roles: ['nope'] }),
      400, 'invalid_field', 'roles[0]');
    assertError(await admin.post('/users', { username: 'badrole', name: 'x', unit_id: rootId, roles: ['auditor', 'nope'] }),
      400, 'invalid_field', 'roles[1]');
    assertError(await admin.post('/users', { username: 'badrole', name: 'x', unit_id: rootId, roles: ['auditor', 3] }),
      400, 'invalid_field', 'roles[1]');
    assertError(await admin.post('/users', { username: 'badrole', name: 'x', unit_id: rootId, roles: 'admin' }),
      400, 'invalid_field', 'roles');
    assertError(await admin.patch(`/users/${people.leader.user.id}`, { roles: ['leader', 'boss'] }),
      400, 'invalid_field', 'roles[1]');
  });

  test('usernames follow the rule: 2-32 of a-z 0-9 . _ -, starting with a letter', async () => {
    for (const bad of ['9abc', 'a', 'Upper', 'has space', 'ü-name', '-dash', 'x'.repeat(33), '', 5]) {
      const r = await admin.post('/users', { username: bad, name: 'x', unit_id: rootId, roles: ['auditor'] });
      try { assertError(r, 400, 'invalid_field', 'username'); } catch (e) { e.message = `username ${JSON.stringify(bad)}: ${e.message}`; throw e; }
    }
    for (const good of ['ab', 'a.b_c-9', 'z'.repeat(32)]) {
      const r = await admin.post('/users', { username: good, name: 'x', unit_id: rootId, roles: ['auditor'] });
      assert.equal(r.status, 201, `username ${good}: ${r.text}`);
    }
  });

  test('missing or mistyped fields are named', async () => {
    assertError(await admin.post('/users', { name: 'x', unit_id: rootId, roles: ['auditor'] }), 400, 'invalid_field', 'username');
    assertError(await admin.post('/users', { username: 'noname', unit_id: rootId, roles: ['auditor'] }), 400, 'invalid_field', 'name');
    assertError(await admin.post('/users', { username: 'noroles', name: 'x', unit_id: rootId }), 400, 'invalid_field', 'roles');
    assertError(await admin.post('/users', { username: 'badunit', name: 'x', unit_id: 'one', roles: ['auditor'] }), 400, 'invalid_field', 'unit_id');
    assertError(await admin.post('/users', { username: 'badphone', name: 'x', unit_id: rootId, roles: ['auditor'], phone: 13800000000 }),
      400, 'invalid_field', 'phone');
    assertError(await admin.patch(`/users/${people.leader.user.id}`, { disabled: 'yes' }), 400, 'invalid_field', 'disabled');
    assertError(await admin.patch(`/users/${people.leader.user.id}`, { name: 7 }), 400, 'invalid_field', 'name');
  });

  test('phone numbers follow docs/api.md: digits, spaces, + - ( ) # * , / and 转, at least one digit (issue 7 item 9)', async () => {
    const id = people.leader.user.id;
    for (const bad of ['abc', 'call me', '138-0000-000x', '--', '1.38E+10', '1'.repeat(33)]) {
      const r = await admin.post('/users', { username: 'phonebad', name: 'x', unit_id: rootId, roles: ['auditor'], phone: bad });
      try {
        assertError(r, 400, 'invalid_field', 'phone');
        assert.match(r.json.error.message, /'phone'/, 'the message names the field');
        assertError(await admin.patch(`/users/${id}`, { phone: bad }), 400, 'invalid_field', 'phone');
      } catch (e) { e.message = `phone ${JSON.stringify(bad)}: ${e.message}`; throw e; }
    }
    const users = (await admin.get('/users')).json.users;
    assert.ok(!users.some((u) => u.username === 'phonebad'), 'no account was made with a bad phone');
    for (const good of ['13800000000', '+86 138 0000 0000', '0351-7654321', '0351-1234567转801', '(0351) 7654321', '']) {
      const r = await admin.patch(`/users/${id}`, { phone: good });
      assert.equal(r.status, 200, `phone ${JSON.stringify(good)}: ${r.text}`);
      assert.equal(r.json.phone, good);
    }
  });

  test('an unknown unit is refused', async () => {
    const r = await admin.post('/users', { username: 'nounit', name: 'x', unit_id: 999999, roles: ['auditor'] });
    assert.ok(r.status === 400 || r.status === 404, `unknown unit_id: ${r.status} ${r.text}`);
    if (r.status === 400) assertError(r, 400, 'invalid_field', 'unit_id');
    else assertError(r, 404, 'not_found');
  });

  test('a duplicate username -> 409 conflict', async () => {
    assertError(await admin.post('/users', { username: 'u_leader', name: 'dup', unit_id: rootId, roles: ['leader'] }), 409, 'conflict');
    assertError(await admin.post('/users', { username: 'admin', name: 'dup', unit_id: rootId, roles: ['admin'] }), 409, 'conflict');
  });

  test('unknown and malformed user ids', async () => {
    assertError(await admin.get('/users/999999'), 404, 'not_found');
    assertError(await admin.patch('/users/999999', { name: 'x' }), 404, 'not_found');
    assertError(await admin.post('/users/999999/password', {}), 404, 'not_found');
    assertError(await admin.get('/users/abc'), 400, 'bad_request');
  });
});

describe('changing accounts', () => {
  test('PATCH /users/{id} changes name, roles and phone', async () => {
    const id = people.official.user.id;
    const r = await admin.patch(`/users/${id}`, { name: '包保 王', roles: ['official', 'unit_head'], phone: '010-1234' });
    assert.equal(r.status, 200, r.text);
    assertUserShape(r.json);
    assert.equal(r.json.name, '包保 王');
    assert.deepEqual([...r.json.roles].sort(), ['official', 'unit_head']);
    assert.equal(r.json.phone, '010-1234');
    assert.deepEqual((await admin.get(`/users/${id}`)).json, r.json, 'GET agrees with the PATCH answer');
  });

  test('a new password must not be the username nor too short', async () => {
    const p = people.dispatch;
    const c = p.client;
    assertError(await c.post('/session/password', { old_password: p.password, new_password: 'u_dispatch' }), 400, 'invalid_field', 'new_password');
    assertError(await c.post('/session/password', { old_password: p.password, new_password: '123456789' }), 400, 'invalid_field', 'new_password');
    assertError(await c.post('/session/password', { old_password: p.password, new_password: p.password }), 400, 'invalid_field', 'new_password');
  });

  test('a disabled user cannot log in and their session ends', async () => {
    const p = people.petition_office;
    assert.equal((await p.client.get('/session')).status, 200);
    const r = await admin.patch(`/users/${p.user.id}`, { disabled: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.disabled, true);
    assertError(await p.client.get('/session'), 401, 'unauthenticated');
    assertError(await p.client.get('/units'), 401, 'unauthenticated');
    const l = await new Client(srv.base).login(p.user.username, p.password);
    assert.equal(l.status, 401, `disabled login: ${l.status} ${l.text}`);
    assert.ok(l.json && l.json.error && typeof l.json.error.code === 'string', 'error shape');
    assert.equal(l.headers.get('set-cookie'), null, 'no cookie for a disabled account');

    const e = await admin.patch(`/users/${p.user.id}`, { disabled: false });
    assert.equal(e.status, 200, e.text);
    assert.equal(e.json.disabled, false);
    const again = new Client(srv.base);
    assert.equal((await again.login(p.user.username, p.password)).status, 200, 're-enabled account logs in');
    p.client = again;
  });

  test('an admin password reset ends the sessions and gives a new one-time password', async () => {
    const p = people.leader;
    const second = new Client(srv.base);
    assert.equal((await second.login(p.user.username, p.password)).status, 200);
    const r = await admin.post(`/users/${p.user.id}/password`, {});
    assert.equal(r.status, 200, r.text);
    const otp = r.json.one_time_password;
    assert.equal(typeof otp, 'string');
    assert.ok(otp.length >= 10);
    assertError(await p.client.get('/session'), 401, 'unauthenticated');
    assertError(await second.get('/session'), 401, 'unauthenticated');
    assertError(await new Client(srv.base).login(p.user.username, p.password), 401, 'bad_credentials');
    const c = new Client(srv.base);
    const l = await c.login(p.user.username, otp);
    assert.equal(l.status, 200, l.text);
    assert.equal(l.json.user.must_change_password, true);
    assertError(await c.get('/units'), 403, 'password_change_required');
    assert.equal((await admin.get(`/users/${p.user.id}`)).json.must_change_password, true);
  });
});
