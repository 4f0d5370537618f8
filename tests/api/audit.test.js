// API tests for the audit log of xinfang against a real server (docs/api.md):
// state-changing requests append events with actor and request id, failed logins are
// recorded, the hash chain links every event to the previous one, paging with
// after/limit walks the log, and GET /audit/verify reports the chain head.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Client } = require('../lib/server.js');
const { startAdmin, assertOnlyError: assertError } = require('../lib/fixtures.js');
const HEX64 = /^[0-9a-f]{64}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let srv;
let admin;
let adminId;
let rootId;

// Reads the whole log by pages of `limit`; returns the events and the pages seen.
async function readAll(client, limit = 500) {
  const events = [];
  const pages = [];
  let after = 0;
  for (let i = 0; i < 10000; i++) {
    const r = await client.get(`/audit?after=${after}&limit=${limit}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.json.events), 'events is an array');
    assert.ok('next_after' in r.json, 'next_after is present');
    pages.push(r.json);
    events.push(...r.json.events);
    if (r.json.next_after === null) return { events, pages };
    assert.equal(typeof r.json.next_after, 'number');
    assert.ok(r.json.next_after > after, 'next_after moves forward');
    after = r.json.next_after;
  }
  throw new Error('audit paging did not end');
}

function assertEventShape(e) {
  for (const k of ['seq', 'at', 'actor_id', 'actor', 'action', 'object_type', 'object_id', 'data', 'request_id', 'prev_hash', 'hash']) {
    assert.ok(k in e, `event lacks ${k}: ${JSON.stringify(e)}`);
  }
  assert.ok(Number.isInteger(e.seq) && e.seq > 0);
  assert.match(e.at, ISO_MS);
  assert.equal(typeof e.action, 'string');
  assert.match(e.action, /^[a-z_]+\.[a-z_.]+$/, `action ${e.action}`);
  assert.match(e.hash, HEX64);
  assert.match(e.prev_hash, HEX64);
  assert.ok(e.object_id === null || typeof e.object_id === 'string', `object_id is a string: ${JSON.stringify(e.object_id)}`);
  assert.ok(e.actor_id === null || typeof e.actor_id === 'number');
  assert.ok(e.data !== null && typeof e.data === 'object', `data is an object: ${JSON.stringify(e.data)}`);
}

before(async () => {
  ({ srv, admin } = await startAdmin());
  adminId = admin.user.id;
  rootId = (await admin.get('/units')).json.units[0].id;
});

after(async () => { if (srv) await srv.stop(); });

test('POST /users appends user.create with actor admin and the request id', async () => {
  const before = (await readAll(admin)).events;
  const r = await admin.post('/users', { username: 'audited', name: '被审计', unit_id: rootId, roles: ['auditor'] });
  assert.equal(r.status, 201, r.text);
  const requestId = r.headers.get('x-request-id');
  const events = (await readAll(admin)).events;
  assert.deepEqual(events.slice(0, before.length), before, 'earlier events are unchanged');
  const added = events.slice(before.length);
  assert.ok(added.length >= 1, 'at least one event appended');
  const ev = added.find((e) => e.action === 'user.create');
  assert.ok(ev, `no user.create among ${JSON.stringify(added.map((e) => e.action))}`);
  assertEventShape(ev);
  assert.equal(ev.actor, 'admin');
  assert.equal(ev.actor_id, adminId);
  assert.equal(ev.object_type, 'user');
  assert.equal(ev.object_id, String(r.json.user.id));
  assert.equal(ev.request_id, requestId, 'event request_id is the X-Request-Id of the request');
  assert.ok(!JSON.stringify(ev).includes(r.json.one_time_password), 'the one-time password is not in the log');
});

test('unit changes and password resets append events for their object', async () => {
  const n0 = (await readAll(admin)).events.length;
  const u = await admin.post('/units', { name: '审计科', parent_id: rootId, kind: 'department' });
  assert.equal(u.status, 201, u.text);
  let events = (await readAll(admin)).events;
  assert.ok(events.length > n0, 'POST /units appended');
  assert.ok(events.slice(n0).some((e) => e.object_type === 'unit' && e.object_id === String(u.json.id) && e.actor === 'admin'),
    `no unit event: ${JSON.stringify(events.slice(n0))}`);

  const n1 = events.length;
  const p = await admin.patch(`/units/${u.json.id}`, { name: '内审科' });
  assert.equal(p.status, 200, p.text);
  events = (await readAll(admin)).events;
  const pe = events.slice(n1).find((e) => e.object_type === 'unit' && e.object_id === String(u.json.id));
  assert.ok(pe, 'PATCH /units appended a unit event');
  assert.equal(pe.request_id, p.headers.get('x-request-id'));

  const n2 = events.length;
  const users = (await admin.get('/users')).json.users;
  const target = users.find((x) => x.username === 'audited');
  const rp = await admin.post(`/users/${target.id}/password`, {});
  assert.equal(rp.status, 200, rp.text);
  events = (await readAll(admin)).events;
  const re = events.slice(n2).find((e) => e.object_type === 'user' && e.object_id === String(target.id));
  assert.ok(re, 'password reset appended a user event');
  assert.ok(!JSON.stringify(re).includes(rp.json.one_time_password), 'the one-time password is not in the log');
});

test('a failed login appends session.login_failed', async () => {
  const n0 = (await readAll(admin)).events.length;
  const r = await new Client(srv.base).login('admin', 'wrong-password-xyz');
  assert.equal(r.status, 401);
  const events = (await readAll(admin)).events;
  const ev = events.slice(n0).find((e) => e.action === 'session.login_failed');
  assert.ok(ev, `no session.login_failed among ${JSON.stringify(events.slice(n0).map((e) => e.action))}`);
  assertEventShape(ev);
  assert.doesNotMatch(JSON.stringify(ev), /wrong-password-xyz/, 'the tried password is not logged');
});

test('a refused change appends nothing', async () => {
  const n0 = (await readAll(admin)).events.length;
  assert.equal((await admin.post('/units', { name: 5, parent_id: rootId, kind: 'team' })).status, 400);
  assert.equal((await admin.patch(`/units/${rootId}`, { parent_id: rootId })).status, 409);
  assert.equal((await admin.post('/units', '{"name":')).status, 400);
  assert.equal((await admin.get('/units')).status, 200);
  assert.equal((await readAll(admin)).events.length, n0);
});

test('the events form a hash chain with consecutive seq', async () => {
  const { events } = await readAll(admin);
  assert.ok(events.length >= 5, `only ${events.length} events`);
  for (const e of events) assertEventShape(e);
  assert.equal(events[0].seq, 1, 'the log starts at seq 1');
  for (let i = 1; i < events.length; i++) {
    assert.equal(events[i].seq, events[i - 1].seq + 1, `seq gap after ${events[i - 1].seq}`);
    assert.equal(events[i].prev_hash, events[i - 1].hash, `prev_hash of seq ${events[i].seq} is the hash of seq ${events[i - 1].seq}`);
    assert.ok(events[i].at >= events[i - 1].at, `time goes backwards at seq ${events[i].seq}`);
  }
  assert.equal(new Set(events.map((e) => e.hash)).size, events.length, 'hashes are unique');
});

test('GET /audit/verify is ok and its head is the last hash', async () => {
  const { events } = await readAll(admin);
  const r = await admin.get('/audit/verify');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ok, true, r.text);
  assert.equal(r.json.count, events.length);
  assert.equal(r.json.head, events[events.length - 1].hash);
});

test('paging with after and limit walks the whole log; next_after is null at the end', async () => {
  const all = (await readAll(admin, 500)).events;
  const { events, pages } = await readAll(admin, 2);
  assert.deepEqual(events.map((e) => e.seq), all.map((e) => e.seq));
  assert.deepEqual(events, all);
  for (const p of pages.slice(0, -1)) {
    assert.equal(p.events.length, 2, 'every page but the last is full');
    assert.equal(p.next_after, p.events[p.events.length - 1].seq, 'next_after is the last seq of the page');
  }
  assert.equal(pages[pages.length - 1].next_after, null);

  const last = all[all.length - 1].seq;
  const end = await admin.get(`/audit?after=${last}&limit=10`);
  assert.equal(end.status, 200, end.text);
  assert.deepEqual(end.json.events, []);
  assert.equal(end.json.next_after, null);

  const one = await admin.get('/audit?limit=1');
  assert.equal(one.status, 200);
  assert.equal(one.json.events.length, 1);
  assert.equal(one.json.events[0].seq, 1, 'default after starts at the beginning');
  assert.equal(one.json.next_after, 1);

  const mid = await admin.get(`/audit?after=2&limit=3`);
  assert.deepEqual(mid.json.events.map((e) => e.seq), all.filter((e) => e.seq > 2).slice(0, 3).map((e) => e.seq));
});

test('the default page is 100 events and limit 500 is allowed', async () => {
  let n = (await readAll(admin)).events.length;
  for (let i = 0; n <= 105; i++) {
    const r = await admin.post('/units', { name: `批量单位 ${i}`, parent_id: rootId, kind: 'other' });
    assert.equal(r.status, 201, r.text);
    n = (await admin.get('/audit/verify')).json.count;
  }
  const r = await admin.get('/audit');
  assert.equal(r.status, 200);
  assert.equal(r.json.events.length, 100);
  assert.equal(r.json.next_after, r.json.events[99].seq);
  const big = await admin.get('/audit?limit=500');
  assert.equal(big.status, 200);
  assert.equal(big.json.events.length, n);
  assert.equal(big.json.next_after, null);
});

test('bad paging parameters -> 400 bad_request', async () => {
  for (const q of ['limit=0', 'limit=501', 'limit=abc', 'after=abc', 'after=-1', 'limit=1.5']) {
    const r = await admin.get(`/audit?${q}`);
    try { assertError(r, 400, 'bad_request'); } catch (e) { e.message = `GET /audit?${q}: ${e.message}`; throw e; }
  }
});

test('the log needs a session and a role that may read it', async () => {
  assertError(await new Client(srv.base).get('/audit'), 401, 'unauthenticated');
  assertError(await new Client(srv.base).get('/audit/verify'), 401, 'unauthenticated');
});
