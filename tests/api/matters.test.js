// API test of GET /matters?due=soon|overdue (issue 8 item 12, the wall's fifth count):
// matters (诉求) not concluded whose acceptance (15 days after receipt) or conclusion
// (60 days after acceptance) falls within the days asked or is already past, among those
// the caller may see, soonest first. Receipt and acceptance times are moved back in the
// database (the sqlite3 shell or psql, tests/lib/db.js) to stand for matters received
// weeks ago. Days are counted as the Civil Code counts them (core/xf_calendar.h: from
// the day after, to 24:00 Beijing time); the server runs with a calendar without rest
// days (tests/api/fixtures/calendar-no-rest.json) so that a deadline is the same number
// of days away whatever the weekday the tests run on. A matter accepted here also had
// its acceptance notice issued: the acceptance clock stops only then (issue 13).
'use strict';

const path = require('node:path');
process.env.XINFANG_CALENDAR = path.join(__dirname, 'fixtures', 'calendar-no-rest.json');

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const db = require('../lib/db.js');
const { DAY, assertError, expectStatus, setupPeople, createPerson } = require('../lib/fixtures.js');

let ctx;
const m = {};

function sql(statement) {
  db.sql(ctx.srv, statement);
}

// Makes a matter for person, then moves its receipt (and acceptance) back.
async function matter(person, body, receivedDaysAgo, acceptedDaysAgo) {
  const r = expectStatus(await ctx.as.po.post(`/persons/${person.id}/matters`, body), 201, 'POST matter');
  const now = Date.now();
  sql(`UPDATE matters SET received_ms = ${Math.round(now - receivedDaysAgo * DAY)}` +
    (acceptedDaysAgo === undefined ? '' : `, accepted_ms = ${Math.round(now - acceptedDaysAgo * DAY)}` +
      `, acceptance_notice_ms = ${Math.round(now - acceptedDaysAgo * DAY)}, stage = 'accepted'`) +
    ` WHERE id = ${r.id}`);
  return r;
}

before(async () => {
  ctx = await setupPeople({ users: ['po', 'leader', 'teamHead', 'deptHead', 'off1', 'dispatch'] });
  const { units } = ctx;
  const zhang = await createPerson(ctx.as.po, { name: '张建国', unit_id: units.team });
  const li = await createPerson(ctx.as.po, { name: '李秀兰', unit_id: units.dept });
  const appeal = (content) => ({ category: 'appeal', content });
  m.late = await matter(li, appeal('补缴养老保险'), 20); // acceptance was due 5 days ago
  m.accusation = await matter(zhang, { category: 'accusation', content: '反映队干部克扣津贴',
    accused_unit_id: units.team }, 14); // acceptance due in 1 day
  m.conclusion = await matter(zhang, appeal('调整退休待遇'), 70, 58); // conclusion due in 2 days
  m.soon = await matter(zhang, appeal('补发井下津贴'), 13); // acceptance due in 2 days
  m.fresh = await matter(zhang, appeal('解决住房'), 0); // due in 15 days
  m.done = await matter(li, appeal('医疗报销'), 20);
  expectStatus(await ctx.as.po.patch(`/matters/${m.done.id}`, { accepted: true, concluded: true }), 200, 'conclude');
});

after(async () => { if (ctx) await ctx.stop(); });

const ids = (r) => r.matters.map((x) => x.id);

test('near or past a legal deadline, soonest first, with person and due time', async () => {
  const r = expectStatus(await ctx.as.po.get('/matters?due=soon&within_days=3'), 200, 'soon');
  assert.deepEqual(ids(r), [m.late.id, m.accusation.id, m.conclusion.id, m.soon.id]);
  assert.equal(r.count, 4);
  assert.equal(r.within_days, 3);
  const late = r.matters[0];
  assert.equal(late.overdue, true);
  assert.equal(late.due_kind, 'acceptance');
  assert.deepEqual(late.person, { id: late.person_id, name: '李秀兰' });
  assert.equal(late.due_at, late.acceptance_due);
  const conclusion = r.matters[2];
  assert.equal(conclusion.due_kind, 'conclusion');
  assert.equal(conclusion.overdue, false);
  assert.equal(conclusion.due_at, conclusion.conclusion_due);
  // Three days is the default.
  assert.deepEqual(ids(expectStatus(await ctx.as.po.get('/matters?due=soon'), 200, 'default')), ids(r));
  assert.deepEqual(ids(expectStatus(await ctx.as.po.get('/matters?due=soon&within_days=1'), 200, '1 day')),
    [m.late.id, m.accusation.id]);
  assert.deepEqual(ids(expectStatus(await ctx.as.po.get('/matters?due=soon&within_days=20'), 200, '20 days')),
    [m.late.id, m.accusation.id, m.conclusion.id, m.soon.id, m.fresh.id]);
});

test('overdue: only the ones already past', async () => {
  const r = expectStatus(await ctx.as.po.get('/matters?due=overdue'), 200, 'overdue');
  assert.deepEqual(ids(r), [m.late.id]);
  assert.equal(r.count, 1);
});

test('each caller counts only what they may see', async () => {
  // 综采一队's head sees 张建国's matters but not the accusation against 综采一队 (Art. 30).
  const head = expectStatus(await ctx.as.teamHead.get('/matters?due=soon'), 200, 'team head');
  assert.deepEqual(ids(head), [m.conclusion.id, m.soon.id]);
  // 机电科's head sees 李秀兰's.
  assert.deepEqual(ids(expectStatus(await ctx.as.deptHead.get('/matters?due=soon'), 200, 'dept head')), [m.late.id]);
  // An official without assignments sees none; the leader all.
  assert.equal(expectStatus(await ctx.as.off1.get('/matters?due=soon'), 200, 'official').count, 0);
  assert.equal(expectStatus(await ctx.as.leader.get('/matters?due=soon'), 200, 'leader').count, 4);
  assertError(await ctx.as.dispatch.get('/matters?due=soon'), 403, 'forbidden');
});

test('bad questions are 400s naming the parameter', async () => {
  assertError(await ctx.as.po.get('/matters'), 400, 'bad_request', 'due');
  assertError(await ctx.as.po.get('/matters?due=later'), 400, 'bad_request', 'due');
  assertError(await ctx.as.po.get('/matters?due=soon&within_days=61'), 400, 'bad_request', 'within_days');
  assertError(await ctx.as.po.get('/matters?due=soon&within_days=x'), 400, 'bad_request', 'within_days');
});
