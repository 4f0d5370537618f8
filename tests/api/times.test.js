// API tests of when an incident happened and when it is expected (issue 8 item 2,
// docs/api.md "Incidents"): occurred_at (发生时间) defaults to the registration and moves
// the report-up due times when earlier; expected_at (预计到访时间) and
// expected_destination come only with advance information and are validated; both are
// PATCHable with an event holding old and new values; under procedure A the recurring
// progress report runs daily until the day before expected_at and at the grade's
// interval from then on (completing a round schedules the next one accordingly).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  MINUTE, assertError, expectStatus, ms, setupIncidents, incidentBody, register, registerActive, tasksOf,
  auditEvents,
} = require('../lib/fixtures.js');

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SHANGHAI = 8 * HOUR;

let ctx;
let po;
let plan;

before(async () => {
  ctx = await setupIncidents({ roles: ['petition_office', 'auditor'] });
  po = ctx.as.petition_office;
  plan = expectStatus(await po.get('/plan'), 200, 'GET /plan').doc;
});

after(async () => { if (ctx) await ctx.stop(); });

function grade(id) { return plan.grades.find((g) => g.id === id); }
const iso = (t) => new Date(t).toISOString();

// 00:00 Asia/Shanghai of the day before the day of expected: where the daily cadence ends.
function switchOf(expected, daysBefore) {
  const local = expected + SHANGHAI;
  return local - (local % DAY) - SHANGHAI - daysBefore * DAY;
}

async function act(client, id, body) {
  return expectStatus(await client.patch(`/tasks/${id}`, body), 200, `PATCH /tasks/${id}`);
}

test('occurred_at defaults to the registration time and is returned with the expected visit', async () => {
  const inc = await register(po, { advance_info: false });
  assert.equal(inc.occurred_at, inc.registered_at);
  assert.equal(inc.expected_at, null);
  assert.equal(inc.expected_destination, null);
  const expected = Date.now() + 3 * DAY;
  const a = await register(po, { advance_info: true, expected_at: iso(expected), expected_destination: 'city' });
  assert.equal(ms(a.expected_at), expected);
  assert.equal(a.expected_destination, 'city');
  const again = expectStatus(await po.get(`/incidents/${a.id}`), 200, 'GET incident');
  assert.equal(again.expected_at, a.expected_at);
  const list = expectStatus(await po.get('/incidents'), 200, 'GET /incidents').incidents;
  const listed = list.find((i) => i.id === a.id);
  assert.equal(listed.expected_at, a.expected_at);
  assert.equal(listed.occurred_at, a.occurred_at);
});

test('report-up limits count from occurred_at: 3 hours ago with a 4-hour limit leaves 1 hour', async () => {
  // 12 people at the mine without advance information: grade III (oral 60, written 240 min).
  const occurred = Date.now() - 3 * HOUR;
  const inc = await registerActive(po, { headcount: 12, advance_info: false, occurred_at: iso(occurred) });
  assert.equal(ms(inc.occurred_at), occurred);
  assert.ok(ms(inc.registered_at) - occurred >= 3 * HOUR - MINUTE, 'registered after it happened');
  const g = grade(inc.grade);
  assert.equal(g.report_written_minutes, 240);
  const tasks = await tasksOf(po, inc.id);
  const oral = tasks.find((t) => t.kind === 'report_oral');
  const written = tasks.find((t) => t.kind === 'report_written');
  assert.equal(ms(oral.due_at), occurred + g.report_oral_minutes * MINUTE, 'oral report due from occurred_at');
  assert.equal(ms(written.due_at), occurred + g.report_written_minutes * MINUTE, 'written report due from occurred_at');
  const left = ms(written.due_at) - Date.now();
  assert.ok(left > 55 * MINUTE && left <= HOUR, `about one hour left, not ${left / MINUTE} minutes`);
  assert.ok(ms(oral.due_at) < Date.now(), 'the oral report is already overdue');

  // Correcting occurred_at moves the open report-up tasks, with an event (old, new).
  const earlier = occurred - HOUR;
  const patched = expectStatus(await po.patch(`/incidents/${inc.id}`, { occurred_at: iso(earlier) }), 200, 'PATCH occurred_at');
  assert.equal(ms(patched.occurred_at), earlier);
  const moved = (await tasksOf(po, inc.id)).find((t) => t.kind === 'report_written');
  assert.equal(ms(moved.due_at), earlier + g.report_written_minutes * MINUTE);
  const events = await auditEvents(ctx.as.auditor);
  const e = events.filter((x) => x.object_id === String(inc.id) && x.action === 'incident.facts').pop();
  assert.ok(e, 'a facts event');
  assert.deepEqual(e.data.changes.occurred_at, { from: iso(occurred), to: iso(earlier) });
  assert.match(e.data.summary, /发生时间/);
});

test('occurred_at, expected_at and expected_destination are validated, naming the field', async () => {
  const post = (fields) => po.post('/incidents', incidentBody(fields));
  assertError(await post({ occurred_at: iso(Date.now() + HOUR) }), 400, 'invalid_field', 'occurred_at');
  assertError(await post({ occurred_at: 'yesterday' }), 400, 'invalid_field', 'occurred_at');
  assertError(await post({ occurred_at: iso(Date.now() - 40 * DAY) }), 400, 'invalid_field', 'occurred_at');
  // a small clock skew is accepted
  expectStatus(await post({ occurred_at: iso(Date.now() + MINUTE) }), 201, 'a minute ahead');
  assertError(await post({ advance_info: false, expected_at: iso(Date.now() + DAY) }), 400, 'invalid_field', 'expected_at');
  assertError(await post({ advance_info: false, expected_destination: 'city' }), 400, 'invalid_field', 'expected_destination');
  assertError(await post({ expected_destination: 'moon' }), 400, 'invalid_field', 'expected_destination');
  assertError(await post({ expected_at: 12 }), 400, 'invalid_field', 'expected_at');
  assertError(await post({ occurred_at: iso(Date.now() - HOUR), expected_at: iso(Date.now() - 2 * HOUR) }),
    400, 'invalid_field', 'expected_at');
  assertError(await post({ expected_at: iso(Date.now() + 400 * DAY) }), 400, 'invalid_field', 'expected_at');

  // PATCH: the same rules; withdrawing advance information clears the expected visit.
  const inc = await register(po, { expected_at: iso(Date.now() + 2 * DAY), expected_destination: 'province' });
  assertError(await po.patch(`/incidents/${inc.id}`, { occurred_at: iso(Date.now() + HOUR) }), 400, 'invalid_field', 'occurred_at');
  const later = Date.now() + 4 * DAY;
  const p1 = expectStatus(await po.patch(`/incidents/${inc.id}`, { expected_at: iso(later), expected_destination: 'city' }), 200, 'PATCH expected');
  assert.equal(ms(p1.expected_at), later);
  assert.equal(p1.expected_destination, 'city');
  const p2 = expectStatus(await po.patch(`/incidents/${inc.id}`, { advance_info: false }), 200, 'PATCH advance_info');
  assert.equal(p2.expected_at, null);
  assert.equal(p2.expected_destination, null);
  assertError(await po.patch(`/incidents/${inc.id}`, { expected_at: iso(later) }), 400, 'invalid_field', 'expected_at');
  // An expected time already past is fine as long as it is not before occurred_at.
  const old = await register(po, { occurred_at: iso(Date.now() - 3 * HOUR) });
  const past = Date.now() - HOUR;
  const p3 = expectStatus(await po.patch(`/incidents/${old.id}`, { expected_at: iso(past) }), 200, 'PATCH past expected_at');
  assert.equal(ms(p3.expected_at), past);
  assertError(await po.patch(`/incidents/${old.id}`, { expected_at: iso(Date.now() - 4 * HOUR) }), 400, 'invalid_field', 'expected_at');
  const events = await auditEvents(ctx.as.auditor);
  const facts = events.filter((x) => x.object_id === String(inc.id) && x.action === 'incident.facts');
  assert.deepEqual(facts[0].data.changes.expected_destination, { from: 'province', to: 'city' });
  assert.equal(facts[1].data.changes.expected_at.from, iso(later));
  assert.equal(facts[1].data.changes.expected_at.to, null);
});

test('procedure A reports daily while the visit is far off, at the grade interval from the day before', async () => {
  const procA = plan.procedures.find((p) => p.id === 'A');
  assert.equal(procA.progress_interval_before_minutes, 1440, 'the daily interval is in the plan');
  const daily = procA.progress_interval_before_minutes * MINUTE;

  // Expected in six days: rounds are daily.
  const far = Date.now() + 6 * DAY;
  const inc = await registerActive(po, { expected_at: iso(far) });
  assert.equal(inc.procedure, 'A');
  const activated = ms(inc.activated_at);
  let rounds = (await tasksOf(po, inc.id)).filter((t) => t.kind === 'recurring');
  assert.equal(ms(rounds[0].due_at), activated + daily, 'round 1 due a day after activation');
  await act(po, rounds[0].id, { action: 'complete', note: '日报' });
  rounds = (await tasksOf(po, inc.id)).filter((t) => t.kind === 'recurring');
  const round2 = rounds.find((t) => t.round === 2);
  assert.equal(ms(round2.due_at), activated + 2 * daily, 'round 2 due a day after round 1');

  // The visit moved forward to tomorrow: the open round follows the grade's interval.
  const g = grade(inc.grade);
  const soon = Date.now() + 3 * HOUR;
  expectStatus(await po.patch(`/incidents/${inc.id}`, { expected_at: iso(soon) }), 200, 'PATCH expected_at');
  const sw = switchOf(soon, procA.progress_days_before);
  const base = ms(round2.due_at) - daily; // round 2 counts from round 1's due time
  const retimed = (await tasksOf(po, inc.id)).find((t) => t.kind === 'recurring' && t.round === 2);
  assert.equal(ms(retimed.due_at), base >= sw ? base + g.progress_interval_minutes * MINUTE : Math.min(base + daily, sw));

  // Expected within the day before: the grade's interval from the start.
  const near = Date.now() + 2 * HOUR;
  const b = await registerActive(po, { expected_at: iso(near) });
  const nearRounds = (await tasksOf(po, b.id)).filter((t) => t.kind === 'recurring');
  const interval = grade(b.grade).progress_interval_minutes * MINUTE;
  assert.equal(ms(nearRounds[0].due_at), ms(b.activated_at) + interval, 'round 1 at the grade interval');
  await act(po, nearRounds[0].id, { action: 'complete', note: '按等级间隔汇报' });
  const next = (await tasksOf(po, b.id)).find((t) => t.kind === 'recurring' && t.round === 2);
  assert.equal(ms(next.due_at), ms(nearRounds[0].due_at) + interval, 'round 2 one grade interval later');

  // Two days ahead: daily, but never past 00:00 of the day before.
  const two = Date.now() + 2 * DAY;
  const c = await registerActive(po, { expected_at: iso(two) });
  const cRound = (await tasksOf(po, c.id)).find((t) => t.kind === 'recurring');
  const cSwitch = switchOf(two, procA.progress_days_before);
  const cAct = ms(c.activated_at);
  assert.equal(ms(cRound.due_at), cAct < cSwitch ? Math.min(cAct + daily, cSwitch) : cAct + grade(c.grade).progress_interval_minutes * MINUTE);

  // Without expected_at: the grade's interval (as before).
  const d = await registerActive(po, {});
  const dRound = (await tasksOf(po, d.id)).find((t) => t.kind === 'recurring');
  assert.equal(ms(dRound.due_at), ms(d.activated_at) + grade(d.grade).progress_interval_minutes * MINUTE);
});
