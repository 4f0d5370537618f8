// API tests of matters under 《信访工作条例》 (issue 13; docs/matters.md): a matter
// registered on its own (channel, received_at, petitioners with at most 5
// representatives, the unit concerned), walked through acceptance (Art. 22-23), the one
// extension (Art. 34, a second refused), the answer, 复查 (Art. 35) and 复核 (Art. 36)
// with each deadline computed and each refusal tested; the overdue list and exactly one
// matter.overdue event for a matter received 16 days ago; handling (交办, 转办, 退回, 改派)
// and who sees it; a 检举控告 routed to the discipline unit, never to the accused unit,
// whose officials may not handle or be 包保 of the accuser (Art. 18, 28, 30), and whose
// content and petitioner never reach the audit data (Art. 46); repeats (重复访) linked.
// The server counts days by a calendar without rest days
// (tests/api/fixtures/calendar-no-rest.json), so that each deadline is plain whatever the
// weekday; the Civil Code's rest-day rules are tested in tests/unit/test_calendar.c.
'use strict';

const path = require('node:path');
process.env.XINFANG_CALENDAR = path.join(__dirname, 'fixtures', 'calendar-no-rest.json');
process.env.XINFANG_OVERDUE_INTERVAL_MS = '200';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const db = require('../lib/db.js');
const {
  DAY, assertError, expectStatus, ms, setupPeople, makeUnit, auditEvents, createPerson, sleep,
} = require('../lib/fixtures.js');

const BEIJING = 8 * 3600 * 1000;
// 24:00 Beijing time of the n-th day after the day of t (Civil Code Art. 201, 203).
const civilEnd = (t, n) => (Math.floor((t + BEIJING) / DAY) + n + 1) * DAY - BEIJING;
const iso = (t) => new Date(t).toISOString();
const ACCUSATION = '举报综采一队副队长虚报工时套取奖金';

let ctx;
let po;
let zhang;
let li;
let lin; // a petitioner of the incident, for 包保
let discipline;

before(async () => {
  ctx = await setupPeople({ users: ['po', 'leader', 'teamHead', 'deptHead', 'off1', 'auditor', 'dispatch'] });
  po = ctx.as.po;
  discipline = (await makeUnit(ctx.admin, '纪委办', ctx.units.root, 'discipline')).id;
  zhang = await createPerson(po, { name: '张建国', unit_id: ctx.units.team, phone: '13800001111' });
  li = await createPerson(po, { name: '李秀兰', unit_id: ctx.units.dept });
  lin = await createPerson(po, { name: '林志强', unit_id: ctx.units.shift, incident_id: ctx.incident.id, role: 'participant' });
});
after(async () => { if (ctx) await ctx.stop(); });

async function register(body, what = 'POST /matters') {
  return expectStatus(await po.post('/matters', { channel: 'letter', category: 'appeal', ...body }), 201, what);
}

// Issues a written notice of kind through the notices endpoints (api/matter_notices.c).
async function issue(matterId, kind) {
  const draft = expectStatus(await po.post(`/matters/${matterId}/notices`, { kind }), 201, `draft ${kind}`);
  expectStatus(await po.post(`/notices/${draft.id}/issue`, {}), 200, `issue ${kind}`);
  return expectStatus(await po.get(`/matters/${matterId}`), 200, 'GET matter');
}

const clock = (m, name) => m.clocks.find((c) => c.clock === name);

test('a matter is registered on its own: channel, received_at, petitioners, unit, clock', async () => {
  const received = Date.now() - 2 * DAY;
  const m = await register({ persons: [{ person_id: zhang.id, representative: true }, { person_id: li.id }],
    content: '要求解决井下作业人员的高温补贴', channel: 'visit', received_at: iso(received), unit_id: ctx.units.dept });
  assert.equal(m.stage, 'received');
  assert.equal(m.channel, 'visit');
  assert.equal(ms(m.received_at, 'received_at'), received);
  assert.ok(ms(m.entered_at, 'entered_at') >= received + 2 * DAY - 60000, 'entered after it was received');
  assert.equal(m.person_id, zhang.id);
  assert.deepEqual(m.persons.map((p) => [p.person_id, p.representative]), [[zhang.id, true], [li.id, false]]);
  assert.equal(m.unit_id, ctx.units.dept);
  // Art. 22-23: 15 days from receipt, by the calendar it names.
  assert.equal(ms(m.acceptance_due, 'acceptance_due'), civilEnd(received, 15));
  const a = clock(m, 'acceptance');
  assert.equal(a.article, '22-23');
  assert.equal(a.calendar, 'test-no-rest-days');
  assert.equal(a.remaining_days, 13);
  assert.equal(m.calendar, 'test-no-rest-days');
  assert.equal(m.due_kind, 'acceptance');
  // Refusals name the field.
  const six = [zhang, li, lin].map((p) => ({ person_id: p.id, representative: true }));
  for (let i = 0; i < 3; i++) six.push({ person_id: (await createPerson(po, { name: `代表${i}` })).id, representative: true });
  assertError(await po.post('/matters', { persons: six, category: 'appeal', content: 'x', channel: 'visit' }), 400, 'invalid_field', 'persons');
  assertError(await po.post('/matters', { person_id: zhang.id, persons: [], category: 'appeal', content: 'x', channel: 'visit' }),
    400, 'invalid_field', 'persons');
  assertError(await po.post('/matters', { person_id: zhang.id, category: 'appeal', content: 'x', channel: 'fax' }), 400, 'invalid_field', 'channel');
  assertError(await po.post('/matters', { person_id: zhang.id, category: 'appeal', content: 'x', channel: 'phone',
    received_at: iso(Date.now() + DAY) }), 400, 'invalid_field', 'received_at');
  assertError(await po.post('/matters', { person_id: 999999, category: 'appeal', content: 'x', channel: 'phone' }), 404, 'not_found');
  assertError(await po.post('/matters', { person_id: zhang.id, category: 'appeal', content: 'x', channel: 'phone',
    accused_unit_id: ctx.units.team }), 400, 'invalid_field', 'accused_unit_id');
  // The unit concerned's head sees it; a unit that is neither does not.
  expectStatus(await ctx.as.deptHead.get(`/matters/${m.id}`), 200, 'dept head');
  expectStatus(await ctx.as.teamHead.get(`/matters/${m.id}`), 200, 'team head: 张建国 is of 综采一队');
});

test('the walk: acceptance, one extension, answer, 复查, 复核, each deadline and refusal', async () => {
  let m = await register({ person_id: zhang.id, content: '要求补缴2019年至2021年的养老保险', received_at: iso(Date.now() - DAY) });
  assertError(await po.post(`/matters/${m.id}/extend`, { days: 10, reason: '需调查' }), 409, 'conflict', 'days');
  assertError(await po.post(`/matters/${m.id}/review-request`, {}), 409, 'conflict');
  assertError(await po.post(`/matters/${m.id}/conclude`, { outcome: 'supported' }), 409, 'conflict');

  // Art. 22-23 acceptance: the decision starts Art. 34's 60 days; the acceptance clock
  // runs until the acceptance notice is issued.
  m = expectStatus(await po.post(`/matters/${m.id}/accept`, {}), 200, 'accept');
  assert.equal(m.stage, 'accepted');
  const accepted = ms(m.accepted_at, 'accepted_at');
  assert.equal(ms(m.conclusion_due, 'conclusion_due'), civilEnd(accepted, 60));
  assert.equal(clock(m, 'conclusion').article, '34');
  assert.notEqual(m.acceptance_due, null);
  assertError(await po.post(`/matters/${m.id}/accept`, {}), 409, 'conflict');
  assertError(await po.post(`/matters/${m.id}/not-accept`, { reason: 'x' }), 409, 'conflict');
  m = await issue(m.id, 'acceptance');
  assert.equal(m.acceptance_due, null);
  assert.equal(clock(m, 'acceptance').running, false);
  assert.ok(m.acceptance_notice_at);

  // Art. 34: once, 1..30 days.
  assertError(await po.post(`/matters/${m.id}/extend`, { days: 31, reason: '需调查' }), 400, 'invalid_field', 'days');
  assertError(await po.post(`/matters/${m.id}/extend`, { days: 0, reason: '需调查' }), 400, 'invalid_field', 'days');
  assertError(await po.post(`/matters/${m.id}/extend`, { days: 10 }), 400, 'invalid_field', 'reason');
  m = expectStatus(await po.post(`/matters/${m.id}/extend`, { days: 20, reason: '需会同社保部门核实缴费记录' }), 200, 'extend');
  assert.equal(ms(m.conclusion_due, 'conclusion_due'), civilEnd(accepted, 80));
  assert.equal(m.extension.days, 20);
  assertError(await po.post(`/matters/${m.id}/extend`, { days: 5, reason: '再延' }), 409, 'conflict', 'days');

  // The answer stops Art. 34's clock and opens the 复查 window (Art. 35).
  m = await issue(m.id, 'answer');
  assert.equal(m.stage, 'answered');
  const answered = ms(m.answered_at, 'answered_at');
  assert.equal(m.conclusion_due, null);
  const window = clock(m, 'review_request');
  assert.equal(window.article, '35');
  assert.equal(ms(window.due, 'review window'), civilEnd(answered, 30));
  assertError(await po.post(`/matters/${m.id}/re-review-request`, {}), 409, 'conflict');
  m = expectStatus(await po.post(`/matters/${m.id}/satisfaction`, { satisfaction: 'unsatisfied', source: 'phone' }), 200, '回访');
  assert.equal(m.satisfaction, 'unsatisfied');
  assert.equal(m.satisfaction_source, 'phone');
  assertError(await po.post(`/matters/${m.id}/satisfaction`, { satisfaction: 'unsatisfied', source: 'mail' }), 400, 'invalid_field', 'source');

  // 复查: requested within 30 days, answered within 30 of the request.
  m = expectStatus(await po.post(`/matters/${m.id}/review-request`, {}), 200, 'review request');
  assert.equal(m.stage, 'review_requested');
  const review = clock(m, 'review');
  assert.equal(ms(review.due, 'review due'), civilEnd(ms(m.review_requested_at, 'requested'), 30));
  assert.equal(m.due_kind, 'review');
  assertError(await po.post(`/matters/${m.id}/review-request`, {}), 409, 'conflict');
  m = await issue(m.id, 'review');
  assert.equal(m.stage, 'reviewed');
  const reviewed = ms(m.reviewed_at, 'reviewed_at');
  assert.equal(ms(clock(m, 're_review_request').due, 're-review window'), civilEnd(reviewed, 30));

  // 复核 (Art. 36) likewise; after it the same facts are not accepted again.
  m = expectStatus(await po.post(`/matters/${m.id}/re-review-request`, {}), 200, 're-review request');
  assert.equal(m.stage, 're_review_requested');
  assert.equal(ms(clock(m, 're_review').due, 're-review due'), civilEnd(ms(m.re_review_requested_at, 'requested'), 30));
  assert.equal(clock(m, 're_review').article, '36');
  m = await issue(m.id, 're_review');
  assert.equal(m.stage, 're_reviewed');
  assert.equal(m.due_kind, null);
  const again = await register({ person_id: zhang.id, content: '要求补缴2019年至2021年的养老保险' }, 'the same facts again');
  assert.equal(again.repeat_of, m.id);
  const refused = await po.post(`/matters/${again.id}/accept`, {});
  assertError(refused, 409, 'conflict');
  assert.match(refused.json.error.message, /Art\. 36/);

  // Conclusion: with an outcome, after the answer.
  assertError(await po.post(`/matters/${m.id}/conclude`, {}), 409, 'conflict', 'outcome');
  m = expectStatus(await po.post(`/matters/${m.id}/conclude`, { outcome: 'explained' }), 200, 'conclude');
  assert.equal(m.stage, 'concluded');
  assertError(await po.post(`/matters/${m.id}/conclude`, { outcome: 'explained' }), 409, 'conflict');
});

test('复查 out of its window is refused naming the deadline; a satisfied petitioner asks none', async () => {
  let m = await register({ person_id: li.id, content: '要求报销2025年住院医疗费用' });
  m = expectStatus(await po.post(`/matters/${m.id}/accept`, {}), 200, 'accept');
  await issue(m.id, 'acceptance');
  m = await issue(m.id, 'answer');
  const answered = Date.now() - 31 * DAY;
  db.sql(ctx.srv, `UPDATE matters SET answered_ms = ${answered} WHERE id = ${m.id}`);
  const late = await po.post(`/matters/${m.id}/review-request`, {});
  assertError(late, 409, 'conflict');
  assert.ok(late.json.error.message.includes(iso(civilEnd(answered, 30))), late.json.error.message);
  let s = await register({ person_id: li.id, content: '要求调整工作岗位' });
  s = expectStatus(await po.post(`/matters/${s.id}/accept`, {}), 200, 'accept');
  await issue(s.id, 'acceptance');
  await issue(s.id, 'answer');
  expectStatus(await po.post(`/matters/${s.id}/satisfaction`, { satisfaction: 'satisfied', source: 'visit' }), 200, 'satisfied');
  assertError(await po.post(`/matters/${s.id}/review-request`, {}), 409, 'conflict');
  // a refusal before the answer, and not-accept with its reason
  let n = await register({ person_id: li.id, content: '要求撤销处分' });
  assertError(await po.post(`/matters/${n.id}/not-accept`, {}), 400, 'invalid_field', 'reason');
  n = expectStatus(await po.post(`/matters/${n.id}/not-accept`, { reason: '已经依法处理，不属于信访事项' }), 200, 'not accept');
  assert.equal(n.stage, 'not_accepted');
  assert.equal(n.not_accepted_reason, '已经依法处理，不属于信访事项');
  assert.notEqual(n.acceptance_due, null, 'the acceptance clock waits for the 不予受理告知书');
});

test('received 16 days ago: on the overdue list, exactly one matter.overdue event', async () => {
  const late = await register({ person_id: li.id, content: '要求补发2024年取暖费', received_at: iso(Date.now() - 16 * DAY),
    unit_id: ctx.units.dept });
  const soon = await register({ person_id: li.id, content: '要求更换劳保用品', received_at: iso(Date.now() - 13 * DAY),
    unit_id: ctx.units.dept });
  const r = expectStatus(await po.get(`/matters?due=overdue&unit_id=${ctx.units.dept}`), 200, 'overdue');
  const found = r.matters.find((x) => x.id === late.id);
  assert.ok(found, 'the late matter is listed');
  assert.equal(found.overdue, true);
  assert.equal(found.due_kind, 'acceptance');
  assert.equal(found.remaining_days, -1);
  assert.ok(!r.matters.some((x) => x.id === soon.id));
  assert.equal(r.calendar, 'test-no-rest-days');
  const s = expectStatus(await po.get('/matters?due=soon'), 200, 'soon');
  const near = s.matters.find((x) => x.id === soon.id);
  assert.equal(near.remaining_days, 2);
  // the dashboard's counts, per unit
  assert.ok(s.counts.overdue >= 1 && s.counts.soon >= 1, JSON.stringify(s.counts));
  const dept = s.counts.units.find((u) => u.unit_id === ctx.units.dept);
  assert.ok(dept.overdue >= 1 && dept.soon >= 1, JSON.stringify(s.counts));

  // The scan (every 200 ms here) writes one event per matter, clock and mark.
  const eventsOf = async (action, id) => (await auditEvents(ctx.as.auditor))
    .filter((e) => e.action === action && e.data && e.data.matter_id === id);
  let overdue = [];
  for (let i = 0; i < 50 && overdue.length === 0; i++) {
    await sleep(100);
    overdue = await eventsOf('matter.overdue', late.id);
  }
  await sleep(800);
  overdue = await eventsOf('matter.overdue', late.id);
  assert.equal(overdue.length, 1);
  assert.equal(overdue[0].data.clock, 'acceptance');
  assert.equal(overdue[0].data.due, iso(civilEnd(Date.now() - 16 * DAY, 15)));
  assert.equal((await eventsOf('matter.due_soon', late.id)).length, 0);
  assert.equal((await eventsOf('matter.due_soon', soon.id)).length, 1);
  assert.equal((await eventsOf('matter.overdue', soon.id)).length, 0);
});

test('handling: 交办, 转办 with reason, 退回, 改派; the handling unit head sees it', async () => {
  let m = await register({ person_id: li.id, content: '要求解决宿舍漏水问题', unit_id: ctx.units.dept });
  assertError(await po.post(`/matters/${m.id}/assign`, { unit_id: ctx.units.dept }), 409, 'conflict');
  m = expectStatus(await po.post(`/matters/${m.id}/accept`, {}), 200, 'accept');
  assertError(await ctx.as.teamHead.get(`/matters/${m.id}`), 404, 'not_found');
  assertError(await po.post(`/matters/${m.id}/transfer`, { unit_id: ctx.units.team, reason: 'x' }), 409, 'conflict');
  const due = Date.now() + 10 * DAY;
  m = expectStatus(await po.post(`/matters/${m.id}/assign`, { unit_id: ctx.units.dept, due: iso(due) }), 200, 'assign');
  assert.equal(m.stage, 'handling');
  assert.equal(m.handling_unit_id, ctx.units.dept);
  assert.equal(ms(m.handling_due, 'handling_due'), due);
  assertError(await po.post(`/matters/${m.id}/assign`, { unit_id: ctx.units.team }), 409, 'conflict');
  assertError(await po.post(`/matters/${m.id}/transfer`, { unit_id: ctx.units.team }), 400, 'invalid_field', 'reason');
  m = expectStatus(await po.post(`/matters/${m.id}/transfer`, { unit_id: ctx.units.team, reason: '属综采一队管辖' }), 200, 'transfer');
  assert.equal(m.handling_unit_id, ctx.units.team);
  expectStatus(await ctx.as.teamHead.get(`/matters/${m.id}`), 200, 'the handling unit head sees it');
  const listed = expectStatus(await ctx.as.teamHead.get(`/matters?unit_id=${ctx.units.team}`), 200, 'list');
  assert.ok(listed.matters.some((x) => x.id === m.id));
  m = expectStatus(await po.post(`/matters/${m.id}/return`, { reason: '不属本单位职责' }), 200, 'return');
  assert.equal(m.stage, 'accepted');
  assert.equal(m.handling_unit_id, null);
  assertError(await po.post(`/matters/${m.id}/reassign`, { handler_id: ctx.as.off1.user.id }), 409, 'conflict');
  m = expectStatus(await po.post(`/matters/${m.id}/assign`, { unit_id: ctx.units.dept }), 200, 'assign again');
  m = expectStatus(await po.post(`/matters/${m.id}/reassign`, { handler_id: ctx.as.deptHead.user.id }), 200, 'reassign');
  assert.equal(m.handler_id, ctx.as.deptHead.user.id);
  assert.deepEqual(m.handling.map((x) => x.action), ['assign', 'transfer', 'return', 'assign', 'reassign']);
  assert.equal(m.handling[2].reason, '不属本单位职责');
});

test('检举控告: routed to 纪检, hidden from the accused unit, no accused official handles it or is 包保', async () => {
  assertError(await po.post('/matters', { person_id: lin.id, category: 'accusation', content: ACCUSATION, channel: 'letter',
    accused_unit_id: ctx.units.team, unit_id: ctx.units.team }), 409, 'conflict', 'unit_id');
  assertError(await po.post('/matters', { person_id: lin.id, category: 'accusation', content: ACCUSATION, channel: 'letter',
    accused_unit_id: ctx.units.team, unit_id: ctx.units.root }), 409, 'conflict', 'unit_id');
  let m = await register({ person_id: lin.id, category: 'accusation', content: ACCUSATION, accused_unit_id: ctx.units.team });
  assert.equal(m.unit_id, discipline, 'routed to the discipline unit');
  assertError(await ctx.as.teamHead.get(`/matters/${m.id}`), 404, 'not_found');
  const all = expectStatus(await ctx.as.teamHead.get('/matters?all=1'), 200, 'team head list');
  assert.ok(!all.matters.some((x) => x.id === m.id));
  assert.ok(!JSON.stringify(expectStatus(await ctx.as.teamHead.get('/matters?due=soon&within_days=20'), 200, 'due')).includes('虚报工时'));
  m = expectStatus(await po.post(`/matters/${m.id}/accept`, {}), 200, 'accept');
  assertError(await po.post(`/matters/${m.id}/assign`, { unit_id: ctx.units.team }), 409, 'conflict', 'unit_id');
  const conflict = await po.post(`/matters/${m.id}/assign`, { unit_id: discipline, handler_id: ctx.as.off1.user.id });
  assertError(conflict, 409, 'conflict', 'handler_id');
  assert.match(conflict.json.error.message, new RegExp(`matter ${m.id}`));
  m = expectStatus(await po.post(`/matters/${m.id}/assign`, { unit_id: discipline, handler_id: ctx.as.deptHead.user.id }), 200, 'assign');
  // 包保 of the accuser: not an official of the accused unit (Art. 18, 28).
  assertError(await po.post(`/incidents/${ctx.incident.id}/assignments`,
    { pairs: [{ person_id: lin.id, official_id: ctx.as.off1.user.id }] }), 409, 'conflict', 'pairs[0]');
  // Art. 46: the audit data names the matter and its category only.
  const text = db.sql(ctx.srv, `SELECT data FROM events WHERE action LIKE 'matter.%' AND object_id = '${m.id}'`);
  assert.ok(text.length > 0);
  assert.ok(!text.includes('虚报工时') && !text.includes('林志强') && !text.includes(`${lin.id},`), text);
  for (const line of text.split('\n')) {
    assert.deepEqual(Object.keys(JSON.parse(line)).sort(), ['category', 'matter_id', 'summary'], line);
  }
  assert.equal(db.sql(ctx.srv, "SELECT count(*) FROM events WHERE data LIKE '%虚报工时%'"), '0');
});

test('repeats (重复访) are linked, not counted twice', async () => {
  const first = await register({ person_id: zhang.id, content: '要求补发2025年井下夜班津贴', received_at: iso(Date.now() - 14 * DAY) });
  const repeat = await register({ person_id: zhang.id, content: '再次要求补发2025年井下夜班津贴！', received_at: iso(Date.now() - 14 * DAY) });
  assert.equal(repeat.repeat_of, first.id);
  const other = await register({ person_id: zhang.id, content: '要求解决子女入学问题' });
  assert.equal(other.repeat_of, null);
  const suggestion = await register({ person_id: zhang.id, category: 'suggestion', content: '要求补发2025年井下夜班津贴' });
  assert.equal(suggestion.repeat_of, null, 'another category is another matter');
  const due = expectStatus(await po.get('/matters?due=soon'), 200, 'due');
  assert.ok(due.matters.some((x) => x.id === first.id));
  assert.ok(!due.matters.some((x) => x.id === repeat.id), 'the repeat is counted once, with the original');
  const list = expectStatus(await po.get(`/matters?person_id=${zhang.id}`), 200, 'list');
  assert.ok(list.matters.some((x) => x.id === repeat.id), 'it is still listed');
});

test('merging files moves the petitioners of a matter too', async () => {
  const a = await createPerson(po, { name: '周海', unit_id: ctx.units.dept });
  const b = await createPerson(po, { name: '周海', unit_id: ctx.units.dept });
  const m = await register({ persons: [{ person_id: a.id, representative: true }, { person_id: li.id }], content: '要求补发加班费' });
  expectStatus(await po.post(`/persons/${a.id}/merge`, { into: b.id, reason: '同一人' }), 200, 'merge');
  const after = expectStatus(await po.get(`/matters/${m.id}`), 200, 'GET matter');
  assert.equal(after.person_id, b.id);
  assert.deepEqual(after.persons.map((p) => [p.person_id, p.representative]), [[b.id, true], [li.id, false]]);
});

test('roles: the petition office registers and handles; others read what they may, or nothing', async () => {
  const m = await register({ person_id: li.id, content: '要求核实工龄' });
  const writes = [['post', '/matters', { person_id: li.id, category: 'appeal', content: 'x', channel: 'letter' }],
    ['post', `/matters/${m.id}/accept`, {}], ['post', `/matters/${m.id}/not-accept`, { reason: 'x' }],
    ['post', `/matters/${m.id}/extend`, { days: 5, reason: 'x' }], ['post', `/matters/${m.id}/review-request`, {}],
    ['post', `/matters/${m.id}/re-review-request`, {}], ['post', `/matters/${m.id}/assign`, { unit_id: ctx.units.dept }],
    ['post', `/matters/${m.id}/transfer`, { unit_id: ctx.units.dept, reason: 'x' }],
    ['post', `/matters/${m.id}/return`, { reason: 'x' }], ['post', `/matters/${m.id}/reassign`, { unit_id: ctx.units.dept }],
    ['post', `/matters/${m.id}/satisfaction`, { satisfaction: 'satisfied', source: 'phone' }],
    ['post', `/matters/${m.id}/conclude`, { outcome: 'supported' }]];
  for (const key of ['leader', 'teamHead', 'deptHead', 'off1', 'auditor', 'dispatch', 'admin']) {
    for (const [method, url, body] of writes) {
      assertError(await ctx.as[key][method](url, body), 403, 'forbidden');
    }
  }
  for (const key of ['dispatch', 'admin']) {
    assertError(await ctx.as[key].get(`/matters/${m.id}`), 403, 'forbidden');
    assertError(await ctx.as[key].get('/matters?all=1'), 403, 'forbidden');
  }
  for (const key of ['leader', 'auditor', 'deptHead']) {
    expectStatus(await ctx.as[key].get(`/matters/${m.id}`), 200, `${key} reads`);
  }
  assertError(await ctx.as.off1.get(`/matters/${m.id}`), 404, 'not_found');
  assertError(await po.get('/matters'), 400, 'bad_request', 'due');
});
