// API tests for the unit tree of xinfang against a real server (docs/api.md):
// GET/POST/PATCH /units — building a tree, renaming, moving, refusing cycles and
// unknown parents, validating fields, and setting a unit head.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startAdmin, assertOnlyError: assertError } = require('../lib/fixtures.js');

// 400 invalid_field naming `field`, or 404 not_found: the contract allows either for
// a reference to an object that does not exist.
function assertUnknownRef(r, field) {
  assert.ok(r.status === 400 || r.status === 404, `unknown ${field}: ${r.status} ${r.text}`);
  if (r.status === 400) assertError(r, 400, 'invalid_field', field);
  else assertError(r, 404, 'not_found');
}

function assertUnitShape(u) {
  assert.deepEqual(Object.keys(u).sort(), ['head_user_id', 'id', 'kind', 'name', 'number_prefix', 'parent_id'],
    `unit keys: ${JSON.stringify(u)}`);
  assert.equal(typeof u.id, 'number');
  assert.ok(u.parent_id === null || typeof u.parent_id === 'number');
  assert.equal(typeof u.name, 'string');
  assert.ok(['mine', 'department', 'team', 'other', 'group'].includes(u.kind), `kind ${u.kind}`);
  assert.ok(u.number_prefix === null || typeof u.number_prefix === 'string');
  assert.ok(u.head_user_id === null || typeof u.head_user_id === 'number');
}

let srv;
let admin;
let root;
const ids = {};

async function units() {
  const r = await admin.get('/units');
  assert.equal(r.status, 200, r.text);
  return r.json.units;
}
async function unit(id) { return (await units()).find((u) => u.id === id); }

before(async () => {
  ({ srv, admin } = await startAdmin());
});

after(async () => { if (srv) await srv.stop(); });

test('a fresh database has one root unit of kind mine', async () => {
  const list = await units();
  assert.ok(list.length >= 1, 'at least the root unit');
  for (const u of list) assertUnitShape(u);
  root = list[0];
  assert.equal(root.parent_id, null, 'the first unit is a root');
  assert.equal(root.kind, 'mine');
});

test('POST /units builds a tree and answers 201 with the unit', async () => {
  const mk = async (name, parent, kind) => {
    const r = await admin.post('/units', { name, parent_id: parent, kind });
    assert.equal(r.status, 201, `${name}: ${r.text}`);
    assertUnitShape(r.json);
    assert.equal(r.json.name, name);
    assert.equal(r.json.parent_id, parent);
    assert.equal(r.json.kind, kind);
    assert.equal(r.json.head_user_id, null);
    return r.json.id;
  };
  ids.a = await mk('安全科', root.id, 'department');
  ids.b = await mk('综采一队', ids.a, 'team');
  ids.c = await mk('综采一队一班', ids.b, 'other');
  ids.d = await mk('机电科', root.id, 'department');
  const list = await units();
  const sorted = [...list].sort((x, y) => x.id - y.id);
  assert.deepEqual(list.map((u) => u.id), sorted.map((u) => u.id), 'GET /units is ordered by id');
  const byId = Object.fromEntries(list.map((u) => [u.id, u]));
  assert.equal(byId[ids.a].parent_id, root.id);
  assert.equal(byId[ids.b].parent_id, ids.a);
  assert.equal(byId[ids.c].parent_id, ids.b);
  assert.equal(byId[ids.c].name, '综采一队一班');
});

test('PATCH renames a unit and keeps the rest', async () => {
  const before = await unit(ids.a);
  const r = await admin.patch(`/units/${ids.a}`, { name: '安全监察科' });
  assert.equal(r.status, 200, r.text);
  assertUnitShape(r.json);
  assert.deepEqual(r.json, { ...before, name: '安全监察科' });
  assert.deepEqual(await unit(ids.a), r.json);
});

test('PATCH changes the kind', async () => {
  const r = await admin.patch(`/units/${ids.c}`, { kind: 'team' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.kind, 'team');
  assertError(await admin.patch(`/units/${ids.c}`, { kind: 'castle' }), 400, 'invalid_field', 'kind');
  assert.equal((await unit(ids.c)).kind, 'team');
});

test('PATCH moves a unit to another parent', async () => {
  const r = await admin.patch(`/units/${ids.c}`, { parent_id: ids.d });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.parent_id, ids.d);
  assert.equal((await unit(ids.c)).parent_id, ids.d);
  const back = await admin.patch(`/units/${ids.c}`, { parent_id: ids.b });
  assert.equal(back.status, 200, back.text);
  assert.equal((await unit(ids.c)).parent_id, ids.b);
});

test('a cycle -> 409 conflict and the tree is unchanged', async () => {
  const before = await units();
  // a -> b -> c: make a the child of its grandchild, of its child, of itself
  assertError(await admin.patch(`/units/${ids.a}`, { parent_id: ids.c }), 409, 'conflict');
  assertError(await admin.patch(`/units/${ids.a}`, { parent_id: ids.b }), 409, 'conflict');
  assertError(await admin.patch(`/units/${ids.a}`, { parent_id: ids.a }), 409, 'conflict');
  assertError(await admin.patch(`/units/${root.id}`, { parent_id: ids.c }), 409, 'conflict');
  // a rename in the same request as a cycle must not be applied either
  assertError(await admin.patch(`/units/${ids.b}`, { name: 'half applied', parent_id: ids.c }), 409, 'conflict');
  assert.deepEqual(await units(), before, 'tree unchanged after refused cycles');
});

test('an unknown parent is refused', async () => {
  const before = await units();
  assertUnknownRef(await admin.post('/units', { name: '孤儿', parent_id: 999999, kind: 'team' }), 'parent_id');
  assertUnknownRef(await admin.patch(`/units/${ids.b}`, { parent_id: 999999 }), 'parent_id');
  assert.deepEqual(await units(), before);
});

test('invalid unit fields are named', async () => {
  assertError(await admin.post('/units', { name: 5, parent_id: root.id, kind: 'team' }), 400, 'invalid_field', 'name');
  assertError(await admin.post('/units', { parent_id: root.id, kind: 'team' }), 400, 'invalid_field', 'name');
  assertError(await admin.post('/units', { name: '', parent_id: root.id, kind: 'team' }), 400, 'invalid_field', 'name');
  assertError(await admin.post('/units', { name: 'k', parent_id: root.id, kind: 'castle' }), 400, 'invalid_field', 'kind');
  assertError(await admin.post('/units', { name: 'k', parent_id: root.id, kind: 3 }), 400, 'invalid_field', 'kind');
  assertError(await admin.post('/units', { name: 'k', parent_id: 'root', kind: 'team' }), 400, 'invalid_field', 'parent_id');
  assertError(await admin.post('/units', { name: 'k', parent_id: 1.5, kind: 'team' }), 400, 'invalid_field', 'parent_id');
  assertError(await admin.patch(`/units/${ids.b}`, { name: null }), 400, 'invalid_field', 'name');
  assertError(await admin.patch(`/units/${ids.b}`, { head_user_id: 'me' }), 400, 'invalid_field', 'head_user_id');
  assert.ok(!(await units()).some((u) => u.name === 'k'), 'nothing created');
});

test('unknown and malformed unit ids', async () => {
  assertError(await admin.patch('/units/999999', { name: 'x' }), 404, 'not_found');
  assertError(await admin.patch('/units/abc', { name: 'x' }), 400, 'bad_request');
});

test('PATCH sets and clears the unit head', async () => {
  const me = (await admin.get('/session')).json.user.id;
  let r = await admin.patch(`/units/${ids.b}`, { head_user_id: me });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.head_user_id, me);
  assert.equal((await unit(ids.b)).head_user_id, me);
  assertUnknownRef(await admin.patch(`/units/${ids.b}`, { head_user_id: 999999 }), 'head_user_id');
  assert.equal((await unit(ids.b)).head_user_id, me);
  r = await admin.patch(`/units/${ids.b}`, { head_user_id: null });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.head_user_id, null);
});
