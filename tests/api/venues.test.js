// API tests for reply venues (答复场所) and their bookings against a real server
// (docs/meetings.md), under the shipped coal-mine plan: the plan's 工会会议室 (80) and
// 退休支部会议室 (40) exist at first use, once; a capacity changed here survives a
// restart; venues added by hand; bookings refused when the room is too small or the
// slot is taken, accepted when adjacent, freed by cancelling; the venue list for an
// incident with "fits" and "conflict"; permissions and validation.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, Client, root } = require('../lib/server.js');
const {
  ADMIN_PASSWORD, assertError, expectStatus, setupIncidents, register, registerActive, auditEvents,
} = require('../lib/fixtures.js');

let ctx;
let po; // petition office
let admin;

before(async () => {
  ctx = await setupIncidents({ roles: ['petition_office', 'leader', 'dispatch', 'official'] });
  po = ctx.as.petition_office;
  admin = ctx.as.admin;
});

after(async () => { if (ctx) await ctx.stop(); });

// Beijing 10:00 on 2030-03-01 is 02:00Z.
const at = (hour) => `2030-03-01T${String(hour - 8).padStart(2, '0')}:00:00.000Z`;

async function venues(client, query = '') {
  return expectStatus(await client.get(`/venues${query}`), 200, `GET /venues${query}`);
}

function byPlanId(list, id) {
  const v = list.find((x) => x.plan_venue_id === id);
  assert.ok(v, `venue ${id} is listed`);
  return v;
}

// Stops a server started here, failing when a sanitizer build of it reported a problem.
async function stopChecked(srv) {
  await srv.stop();
  const out = srv.output();
  const m = /(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:)[^\n]*/.exec(out);
  assert.equal(m, null, `the server reported: ${m && out.slice(Math.max(0, m.index - 200), m.index + 3000)}`);
}

async function timelineActions(client, id) {
  const entries = expectStatus(await client.get(`/incidents/${id}/timeline`), 200, 'timeline').entries;
  return entries;
}

test("the plan's two venues exist at first use, once, plan venues first", async () => {
  const first = await venues(ctx.as.official); // any signed-in user
  assert.deepEqual(first.venues.map((v) => [v.plan_venue_id, v.name, v.capacity, v.in_plan, v.active]), [
    ['union_hall', '工会会议室', 80, true, true],
    ['retiree_hall', '退休支部会议室', 40, true, true],
  ]);
  assert.equal(first.venues[0].plan_capacity, 80);
  const again = await venues(po);
  assert.deepEqual(again.venues.map((v) => v.id), first.venues.map((v) => v.id));
  const created = (await auditEvents(admin)).filter((e) => e.action === 'venue.create');
  assert.equal(created.length, 2, 'one venue.create per plan venue, not per request');
  assert.deepEqual(created.map((e) => e.data.plan_venue_id).sort(), ['retiree_hall', 'union_hall']);
  const one = expectStatus(await po.get(`/venues/${first.venues[1].id}`), 200, 'GET /venues/{id}');
  assert.equal(one.name, '退休支部会议室');
  assertError(await po.get('/venues/999999'), 404, 'not_found');
});

test('venues are added and edited by the petition office and the admin', async () => {
  const made = expectStatus(await admin.post('/venues', { name: '矿三楼大会议室', capacity: 120, note: '可容纳120人' }),
    201, 'POST /venues');
  assert.equal(made.capacity, 120);
  assert.equal(made.plan_venue_id, null);
  assert.equal(made.in_plan, false);
  const small = expectStatus(await po.post('/venues', { name: '信访接待室', capacity: 12 }), 201, 'po adds');
  // Plan venues first (in the plan's order), then by capacity.
  const names = (await venues(po)).venues.map((v) => v.name);
  assert.deepEqual(names, ['工会会议室', '退休支部会议室', '信访接待室', '矿三楼大会议室']);

  assertError(await admin.post('/venues', { name: '工会会议室', capacity: 10 }), 409, 'conflict', 'name');
  assertError(await admin.post('/venues', { name: '空', capacity: 0 }), 400, 'invalid_field', 'capacity');
  assertError(await admin.post('/venues', { name: '大', capacity: 100001 }), 400, 'invalid_field', 'capacity');
  assertError(await admin.post('/venues', { name: '', capacity: 10 }), 400, 'invalid_field', 'name');
  assertError(await admin.post('/venues', { capacity: 10 }), 400, 'invalid_field', 'name');
  for (const role of ['dispatch', 'official', 'leader']) {
    assertError(await ctx.as[role].post('/venues', { name: `${role}室`, capacity: 10 }), 403, 'forbidden');
    assertError(await ctx.as[role].patch(`/venues/${small.id}`, { capacity: 10 }), 403, 'forbidden');
  }

  const renamed = expectStatus(await po.patch(`/venues/${small.id}`, { name: '信访接待大厅', capacity: 20 }), 200, 'PATCH');
  assert.equal(renamed.name, '信访接待大厅');
  assert.equal(renamed.capacity, 20);
  assertError(await po.patch(`/venues/${small.id}`, { name: '矿三楼大会议室' }), 409, 'conflict', 'name');
  assertError(await po.patch(`/venues/${small.id}`, {}), 400, 'invalid_field');
  assertError(await po.patch('/venues/999999', { capacity: 5 }), 404, 'not_found');
  const update = (await auditEvents(admin)).filter((e) => e.action === 'venue.update').pop();
  assert.equal(update.object_type, 'venue');
  assert.equal(update.object_id, String(small.id));
  assert.match(update.data.summary, /可容纳人数 12 → 20/);

  // A venue out of use is not offered, unless asked for all.
  expectStatus(await po.patch(`/venues/${made.id}`, { active: false }), 200, 'deactivate');
  assert.ok(!(await venues(po)).venues.some((v) => v.id === made.id));
  assert.ok((await venues(po, '?all=1')).venues.some((v) => v.id === made.id && v.active === false));
  expectStatus(await po.patch(`/venues/${made.id}`, { active: true }), 200, 'reactivate');
});

test('bookings: capacity, overlap, adjacency and cancelling', async () => {
  const list = (await venues(po)).venues;
  const union = byPlanId(list, 'union_hall');
  const retiree = byPlanId(list, 'retiree_hall');
  const big = await registerActive(po, { advance_info: false, headcount: 50 });
  const small = await registerActive(po, { advance_info: false, headcount: 12 });

  // 50 people do not fit the 40-seat hall; the headcount defaults to the incident's.
  const tooSmall = await po.post(`/incidents/${big.id}/bookings`, { venue_id: retiree.id, starts_at: at(10), ends_at: at(12) });
  assertError(tooSmall, 409, 'conflict', 'headcount');
  assert.equal(tooSmall.json.error.capacity, 40);
  assert.equal(tooSmall.json.error.headcount, 50);
  assert.match(tooSmall.json.error.message, /40/);
  assert.match(tooSmall.json.error.message, /50/);
  // Nor does an explicit 41.
  assertError(await po.post(`/incidents/${small.id}/bookings`,
    { venue_id: retiree.id, starts_at: at(10), ends_at: at(12), headcount: 41 }), 409, 'conflict', 'headcount');

  const b1 = expectStatus(await po.post(`/incidents/${big.id}/bookings`,
    { venue_id: union.id, starts_at: at(10), ends_at: at(12) }), 201, 'book the union hall');
  assert.equal(b1.headcount, 50);
  assert.equal(b1.purpose, 'reply');
  assert.equal(b1.purpose_name, '答复');
  assert.equal(b1.status, 'booked');
  assert.equal(b1.venue.id, union.id);
  assert.equal(b1.starts_at, at(10));
  assert.equal(b1.ends_at, at(12));
  assert.equal(b1.incident_number, big.number);
  assert.equal(b1.created_by.id, po.user.id);

  // Overlapping the same venue: refused, naming the other booking's incident and times.
  const clash = await ctx.as.leader.post(`/incidents/${small.id}/bookings`,
    { venue_id: union.id, starts_at: '2030-03-01T11:00:00+08:00', ends_at: at(13), headcount: 12 });
  assertError(clash, 409, 'conflict', 'starts_at');
  assert.equal(clash.json.error.conflict.booking_id, b1.id);
  assert.equal(clash.json.error.conflict.incident_number, big.number);
  assert.equal(clash.json.error.conflict.starts_at, at(10));
  assert.equal(clash.json.error.conflict.ends_at, at(12));
  assert.ok(clash.json.error.message.includes(big.number), clash.json.error.message);
  assert.ok(clash.json.error.message.includes(at(10)) && clash.json.error.message.includes(at(12)));
  // Inside, around, the same slot: all refused.
  for (const [s, e] of [[10.5, 11], [9, 13], [10, 12]]) {
    const starts = new Date(Date.parse(at(10)) + (s - 10) * 3600e3).toISOString();
    const ends = new Date(Date.parse(at(10)) + (e - 10) * 3600e3).toISOString();
    assertError(await po.post(`/incidents/${small.id}/bookings`, { venue_id: union.id, starts_at: starts, ends_at: ends }),
      409, 'conflict', 'starts_at');
  }
  // The other venue at the same time is free.
  const b2 = expectStatus(await po.post(`/incidents/${small.id}/bookings`,
    { venue_id: retiree.id, starts_at: at(10), ends_at: at(12), purpose: 'interview', note: '个别谈话' }), 201, 'other venue');
  assert.equal(b2.headcount, 12);
  assert.equal(b2.purpose, 'interview');
  // Adjacent bookings are fine: one ends when the next starts.
  const b3 = expectStatus(await po.post(`/incidents/${small.id}/bookings`,
    { venue_id: union.id, starts_at: at(12), ends_at: at(14) }), 201, 'adjacent after');
  expectStatus(await po.post(`/incidents/${small.id}/bookings`,
    { venue_id: union.id, starts_at: at(8), ends_at: at(10) }), 201, 'adjacent before');

  // The venue list for an incident and a slot: fits and conflict, plan venues first.
  const offer = await venues(po, `?incident_id=${big.id}&starts_at=${encodeURIComponent(at(11))}&ends_at=${encodeURIComponent(at(13))}`);
  assert.equal(offer.headcount, 50);
  assert.deepEqual(offer.venues.slice(0, 2).map((v) => v.plan_venue_id), ['union_hall', 'retiree_hall']);
  const u = byPlanId(offer.venues, 'union_hall');
  const r = byPlanId(offer.venues, 'retiree_hall');
  assert.equal(u.fits, true);
  assert.equal(u.conflict.booking_id, b1.id, 'the earliest overlapping booking is named');
  assert.equal(r.fits, false);
  assert.equal(r.conflict.booking_id, b2.id);
  const later = await venues(po, `?incident_id=${small.id}&starts_at=${at(14)}&ends_at=${at(16)}`);
  assert.equal(byPlanId(later.venues, 'union_hall').conflict, null);
  assert.equal(byPlanId(later.venues, 'retiree_hall').fits, true);
  // A '+' that was not percent-encoded arrives as a space and is still understood.
  const plus = await venues(po, '?starts_at=2030-03-01T13:00:00+08:00&ends_at=2030-03-01T13:30:00+08:00');
  assert.equal(byPlanId(plus.venues, 'union_hall').conflict.booking_id, b3.id);
  assert.equal('fits' in byPlanId(plus.venues, 'union_hall'), false, 'no headcount, no fits');
  assertError(await po.get(`/venues?starts_at=${at(10)}`), 400, 'bad_request', 'ends_at');
  assertError(await po.get(`/venues?starts_at=${at(12)}&ends_at=${at(10)}`), 400, 'bad_request', 'ends_at');
  assertError(await po.get('/venues?starts_at=tomorrow&ends_at=later'), 400, 'bad_request', 'starts_at');
  assertError(await po.get('/venues?incident_id=999999'), 404, 'not_found');
  assertError(await admin.get(`/venues?incident_id=${big.id}`), 403, 'forbidden');

  // Cancelling frees the slot.
  assertError(await ctx.as.dispatch.del(`/bookings/${b1.id}`), 403, 'forbidden');
  const cancelled = expectStatus(await po.del(`/bookings/${b1.id}`), 200, 'cancel');
  assert.equal(cancelled.status, 'cancelled');
  assert.ok(cancelled.cancelled_at);
  assert.equal(cancelled.cancelled_by.id, po.user.id);
  assertError(await po.del(`/bookings/${b1.id}`), 409, 'conflict');
  assertError(await po.del('/bookings/999999'), 404, 'not_found');
  const rebooked = expectStatus(await po.post(`/incidents/${small.id}/bookings`,
    { venue_id: union.id, starts_at: at(10), ends_at: at(12) }), 201, 'the freed slot');
  assert.equal(rebooked.incident_id, small.id);

  // The incident's bookings, cancelled ones included, by start time.
  const bigList = expectStatus(await po.get(`/incidents/${big.id}/bookings`), 200, 'list').bookings;
  assert.deepEqual(bigList.map((b) => [b.id, b.status]), [[b1.id, 'cancelled']]);
  const smallList = expectStatus(await ctx.as.dispatch.get(`/incidents/${small.id}/bookings`), 200, 'dispatch reads').bookings;
  assert.equal(smallList.length, 4);
  assert.deepEqual(smallList.map((b) => b.starts_at), [at(8), at(10), at(10), at(12)]);

  // Both the booking and the cancellation are in the timeline.
  const bigEvents = await timelineActions(po, big.id);
  const booked = bigEvents.find((e) => e.action === 'booking.create');
  assert.match(booked.text, /预订「工会会议室」用于答复：2030-03-01 10:00 至 2030-03-01 12:00，50人/);
  const cancel = bigEvents.find((e) => e.action === 'booking.cancel');
  assert.match(cancel.text, /取消预订「工会会议室」/);
});

test('booking permissions and validation', async () => {
  const union = byPlanId((await venues(po)).venues, 'union_hall');
  const inc = await registerActive(po, { headcount: 6 });
  const path = `/incidents/${inc.id}/bookings`;
  const ok = { venue_id: union.id, starts_at: '2030-04-01T02:00:00Z', ends_at: '2030-04-01T04:00:00Z' };
  for (const role of ['dispatch', 'official', 'admin']) {
    assertError(await ctx.as[role].post(path, ok), 403, 'forbidden');
  }
  assertError(await po.post(path, { ...ok, ends_at: ok.starts_at }), 400, 'invalid_field', 'ends_at');
  assertError(await po.post(path, { ...ok, ends_at: '2030-04-01T01:00:00Z' }), 400, 'invalid_field', 'ends_at');
  assertError(await po.post(path, { ...ok, ends_at: '2030-04-09T02:00:00Z' }), 400, 'invalid_field', 'ends_at');
  assertError(await po.post(path, { venue_id: union.id, ends_at: ok.ends_at }), 400, 'invalid_field', 'starts_at');
  assertError(await po.post(path, { ...ok, starts_at: '2030-04-01T10:00:00' }), 400, 'invalid_field', 'starts_at');
  assertError(await po.post(path, { ...ok, venue_id: 999999 }), 400, 'invalid_field', 'venue_id');
  assertError(await po.post(path, { ...ok, headcount: 0 }), 400, 'invalid_field', 'headcount');
  assertError(await po.post(path, { ...ok, purpose: 'party' }), 400, 'invalid_field', 'purpose');
  assertError(await po.post(path, { ...ok, extra: true }), 400, 'invalid_field', 'extra');
  assertError(await po.post('/incidents/999999/bookings', ok), 404, 'not_found');
  const registered = await register(po, {});
  assertError(await po.post(`/incidents/${registered.id}/bookings`, ok), 409, 'conflict');
  const closed = expectStatus(await po.post('/venues', { name: '停用会议室', capacity: 50 }), 201, 'venue');
  expectStatus(await po.patch(`/venues/${closed.id}`, { active: false }), 200, 'deactivate');
  assertError(await po.post(path, { ...ok, venue_id: closed.id }), 409, 'conflict', 'venue_id');
  assert.deepEqual(expectStatus(await po.get(path), 200, 'list').bookings, [], 'nothing was booked');
  expectStatus(await po.post(path, ok), 201, 'a valid booking');
  // The official has no task on the incident: no sight of its bookings.
  assertError(await ctx.as.official.get(path), 404, 'not_found');
});

test("a capacity changed here wins over the plan's default, across a restart and a new plan", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinfang-venues-'));
  const env = { XINFANG_DB: path.join(dir, 'xinfang.db') };
  try {
    let srv = await startServer({ adminPassword: ADMIN_PASSWORD, env });
    let a = new Client(srv.base);
    let hall;
    try {
      expectStatus(await a.login('admin', ADMIN_PASSWORD), 200, 'login');
      const retiree = byPlanId((await venues(a)).venues, 'retiree_hall');
      const edited = expectStatus(await a.patch(`/venues/${retiree.id}`, { capacity: 45 }), 200, 'PATCH');
      assert.equal(edited.capacity, 45);
      assert.equal(edited.plan_capacity, 40);
      assert.equal(byPlanId((await venues(a)).venues, 'retiree_hall').capacity, 45);
      hall = expectStatus(await a.post('/venues', { name: '矿三楼大会议室', capacity: 150 }), 201, 'POST');
    } finally {
      await stopChecked(srv);
    }
    srv = await startServer({ env });
    a = new Client(srv.base);
    try {
      expectStatus(await a.login('admin', ADMIN_PASSWORD), 200, 'login again');
      const list = (await venues(a)).venues;
      assert.deepEqual(list.map((v) => [v.plan_venue_id, v.capacity]),
        [['union_hall', 80], ['retiree_hall', 45], [null, 150]]);
      const created = (await auditEvents(a)).filter((e) => e.action === 'venue.create');
      assert.equal(created.length, 3, 'the restart made no new venues');
    } finally {
      await stopChecked(srv);
    }
    // A new plan version that names the hall added by hand adopts it, keeping its capacity.
    const plan = JSON.parse(fs.readFileSync(path.join(root, 'plans', 'coal-mine.json'), 'utf8'));
    plan.venues.push({ id: 'big_hall', name: '矿三楼大会议室', capacity: 100 });
    const planFile = path.join(dir, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify(plan));
    srv = await startServer({ env: { ...env, XINFANG_PLAN: planFile } });
    a = new Client(srv.base);
    try {
      expectStatus(await a.login('admin', ADMIN_PASSWORD), 200, 'login with the new plan');
      const list = (await venues(a)).venues;
      assert.deepEqual(list.map((v) => [v.id, v.plan_venue_id, v.capacity, v.plan_capacity]), [
        [list[0].id, 'union_hall', 80, 80], [list[1].id, 'retiree_hall', 45, 40], [hall.id, 'big_hall', 150, 100],
      ]);
      const events = await auditEvents(a);
      assert.equal(events.filter((e) => e.action === 'venue.create').length, 3, 'adopted, not created');
      const adopted = events.filter((e) => e.action === 'venue.update').pop();
      assert.equal(adopted.object_id, String(hall.id));
      assert.equal(adopted.actor, 'system');
      assert.equal(adopted.data.plan_venue_id, 'big_hall');
    } finally {
      await stopChecked(srv);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
