// API test of the indexed alarm scan of matters' clocks (src/api/matter_clocks.c,
// xf_store_matter_alarms_due; docs/matters.md): a tick reads only the matters whose
// matters.alarm_ms is past, so every write that moves a clock must move alarm_ms. A
// matter whose conclusion clock the database moved behind the store's back (alarm_ms
// left 57 days out) raises nothing; the one extension (Art. 34) then recomputes it,
// and the due_soon of the new due time fires exactly once, the old one never; after it,
// alarm_ms waits for the overdue mark. Calendar without rest days.
'use strict';

const path = require('node:path');
process.env.XINFANG_CALENDAR = path.join(__dirname, 'fixtures', 'calendar-no-rest.json');
process.env.XINFANG_OVERDUE_INTERVAL_MS = '100';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const db = require('../lib/db.js');
const { DAY, expectStatus, setupPeople, auditEvents, createPerson, sleep } = require('../lib/fixtures.js');

const BEIJING = 8 * 3600 * 1000;
const civilEnd = (t, n) => (Math.floor((t + BEIJING) / DAY) + n + 1) * DAY - BEIJING;
const iso = (t) => new Date(t).toISOString();

let ctx;
before(async () => { ctx = await setupPeople({ users: ['po', 'auditor'] }); });
after(async () => { if (ctx) await ctx.stop(); });

const alarmOf = (id) => db.sql(ctx.srv, `SELECT alarm_ms FROM matters WHERE id = ${id}`);
const eventsOf = async (action, id) => (await auditEvents(ctx.as.auditor))
  .filter((e) => e.action === action && e.data && e.data.matter_id === id);

test('an extension moves the conclusion clock: the scan sees it, its new due_soon fires once', async () => {
  const po = ctx.as.po;
  const person = await createPerson(po, { name: '周卫东', unit_id: ctx.units.team });
  let m = expectStatus(await po.post('/matters', { person_id: person.id, category: 'appeal', channel: 'letter',
    content: '要求核实井下津贴', received_at: iso(Date.now() - 2 * DAY), unit_id: ctx.units.dept }), 201, 'register');
  // acceptance due in 13 days: the alarm waits for the start of its due_soon day
  const first = Number(alarmOf(m.id));
  assert.ok(first > Date.now() + 9 * DAY && first < Date.now() + 11 * DAY, `alarm_ms ${first}`);
  m = expectStatus(await po.post(`/matters/${m.id}/accept`, {}), 200, 'accept');
  const draft = expectStatus(await po.post(`/matters/${m.id}/notices`, { kind: 'acceptance' }), 201, 'draft');
  expectStatus(await po.post(`/notices/${draft.id}/issue`, {}), 200, 'issue');
  // only the conclusion clock runs (60 days): its due_soon is 57 days out
  assert.ok(Number(alarmOf(m.id)) > Date.now() + 55 * DAY, 'conclusion alarm far out');

  // Behind the store's back: accepted 58 days ago, the conclusion due in 2 days. The
  // index still says 57 days, so no scan reads the matter.
  const accepted = Date.now() - 58 * DAY;
  db.sql(ctx.srv, `UPDATE matters SET accepted_ms = ${accepted}, acceptance_notice_ms = ${accepted} WHERE id = ${m.id}`);
  await sleep(500);
  assert.equal((await eventsOf('matter.due_soon', m.id)).length, 0, 'the index hides the matter');

  // The one extension (1 day) is a write of the store: alarm_ms is recomputed.
  expectStatus(await po.post(`/matters/${m.id}/extend`, { days: 1, reason: '需补充调查' }), 200, 'extend');
  const due = civilEnd(accepted, 61);
  let soon = [];
  for (let i = 0; i < 50 && soon.length === 0; i++) {
    await sleep(100);
    soon = await eventsOf('matter.due_soon', m.id);
  }
  await sleep(500); // a few more scans
  soon = await eventsOf('matter.due_soon', m.id);
  assert.equal(soon.length, 1, 'one due_soon');
  assert.equal(soon[0].data.clock, 'conclusion');
  assert.equal(soon[0].data.due, iso(due));
  // the next alarm: the overdue mark at the due time itself
  assert.equal(Number(alarmOf(m.id)), due);
});
