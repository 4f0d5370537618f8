// API test that a booking of an archived (sealed) incident cannot be cancelled: DELETE
// /bookings/{id} answers 409 "sealed" like every other write on an archived incident
// (issue 9 item 8), and the booking stays booked.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  assertError, expectStatus, setupIncidents, registerActive, tasksOf,
} = require('../lib/fixtures.js');

let ctx;
let po; // petition office

before(async () => {
  ctx = await setupIncidents({ roles: ['petition_office', 'leader', 'dispatch', 'official'] });
  po = ctx.as.petition_office;
});

after(async () => { if (ctx) await ctx.stop(); });

const SCORES = Object.fromEntries(['speed', 'measures', 'stability', 'resolution', 'coordination']
  .map((id) => [id, { score: 4, comment: '良好' }]));

async function transition(id, to) {
  return expectStatus(await po.post(`/incidents/${id}/transition`, { to }), 200, `transition to ${to}`);
}

// Takes an active incident through the closing rules to `archived` (as archive.test.js).
async function archive(inc) {
  // Forward along the life cycle (activated → on_site → replying → …) to resolving.
  for (let i = 0; i < 6; i++) {
    const r = await po.post(`/incidents/${inc.id}/transition`, { to: 'resolving' });
    if (r.status === 200) break;
    assert.equal(r.status, 409, `transition to resolving: ${r.text}`);
    await transition(inc.id, r.json.error.allowed[0]);
  }
  await transition(inc.id, 'evaluating');
  expectStatus(await po.request('PUT', `/incidents/${inc.id}/evaluation`,
    { scores: SCORES, lessons: '答复及时', complete: true }), 200, 'evaluation completed');
  const final = expectStatus(await po.post(`/incidents/${inc.id}/reports`, { kind: 'final' }), 201, 'final report');
  expectStatus(await po.post(`/reports/${final.id}/issue`, {}), 200, 'issue the final report');
  expectStatus(await po.post(`/incidents/${inc.id}/reports`, { kind: 'summary' }), 201, 'summary draft');
  await transition(inc.id, 'reported');
  for (const t of await tasksOf(po, inc.id)) {
    if (t.kind === 'closing' && ['C1', 'C2', 'C3', 'C4'].includes(t.step_id)) {
      expectStatus(await po.patch(`/tasks/${t.id}`, { action: 'complete', note: `${t.step_id} 已完成` }), 200, t.step_id);
    } else if (['step', 'recurring', 'decision'].includes(t.kind) && ['pending', 'in_progress'].includes(t.status)) {
      expectStatus(await po.patch(`/tasks/${t.id}`, { action: 'skip', reason: '事件已化解' }), 200, `skip ${t.title}`);
    }
  }
  const archived = await transition(inc.id, 'archived');
  assert.equal(archived.status, 'archived');
}

test('a booking of an archived incident is not cancelled: 409 sealed, the booking stays', async () => {
  const venues = expectStatus(await po.get('/venues'), 200, 'venues').venues;
  const union = venues.find((v) => v.plan_venue_id === 'union_hall');
  assert.ok(union, 'the union hall is listed');
  const inc = await registerActive(po, { headcount: 20, destination: 'mine', advance_info: true,
    place: '集团公司大门', demands: '退休人员要求落实待遇' });
  const booking = expectStatus(await po.post(`/incidents/${inc.id}/bookings`,
    { venue_id: union.id, starts_at: '2031-05-01T02:00:00.000Z', ends_at: '2031-05-01T04:00:00.000Z' }),
  201, 'book the union hall');
  await archive(inc);

  const res = await po.request('DELETE', `/bookings/${booking.id}`, undefined, { 'Accept-Language': 'en' });
  assertError(res, 409, 'sealed');
  assert.match(res.json.error.message, /archived and sealed/);
  const list = expectStatus(await po.get(`/incidents/${inc.id}/bookings`), 200, 'bookings').bookings;
  assert.deepEqual(list.map((b) => [b.id, b.status]), [[booking.id, 'booked']]);

  // A booking of an incident still being handled is cancelled as before.
  const open = await registerActive(po, { advance_info: false, headcount: 20 });
  const other = expectStatus(await po.post(`/incidents/${open.id}/bookings`,
    { venue_id: union.id, starts_at: '2031-05-02T02:00:00.000Z', ends_at: '2031-05-02T04:00:00.000Z' }),
  201, 'book for the open incident');
  assert.equal(expectStatus(await po.request('DELETE', `/bookings/${other.id}`), 200, 'cancel').status, 'cancelled');
});
