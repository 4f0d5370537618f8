// API tests for prevention (issue 14 items 1-4; docs/prevention.md, docs/api.md
// "Prevention"): screening campaigns sent to units with the plan's checklist, a unit's
// nil return (零报告) or findings reported only by its own head, overdue units, a finding
// turned into a register entry in one click, the risk level suggested by the plan's
// rules (headcount, visits, deadlines) and overridden only with a basis, progress with
// trend, closing with the outcome, 包保 outside an incident, the three warning rules, a
// warning turned into a procedure-A incident carrying its people and unit, care
// schedules with 帮扶 visits and overdue follow-ups, and who may do what.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { assertError, expectStatus, setupPeople, createPerson } = require('../lib/fixtures.js');
const { sql } = require('../lib/db.js');

let ctx;
let po;

// 'YYYY-MM-DD' n days from today, Asia/Shanghai.
function day(n) {
  return new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}

before(async () => {
  // the jobs every 250 ms, the warnings job every 3 s (12 times that)
  ctx = await setupPeople({ env: { XINFANG_OVERDUE_INTERVAL_MS: '250' } });
  po = ctx.as.po;
});
after(async () => { if (ctx) await ctx.stop(); });

async function campaign(fields = {}) {
  return expectStatus(await po.post('/screening/campaigns', {
    title: '12月排查走访', kind: 'monthly', period_from: day(-5), period_to: day(20),
    units: [ctx.units.team, ctx.units.shift, ctx.units.dept], ...fields,
  }), 201, 'POST /screening/campaigns');
}

function reportOf(c, unit) {
  return c.reports.find((r) => r.unit_id === unit);
}

async function warnings(client = po, query = '') {
  return expectStatus(await client.get(`/warnings${query}`), 200, 'GET /warnings');
}

test('a campaign is sent to units with the plan checklist; only the office runs one', async () => {
  const c = await campaign();
  assert.equal(c.kind, 'monthly');
  assert.equal(c.due_date, day(7), 'the plan says due 7 days after sending');
  assert.ok(c.checklist.includes('分析员工思想动态'), 'checklist from 五2');
  assert.ok(c.checklist.includes('特殊群体跟踪调查'));
  assert.equal(c.reports.length, 3);
  assert.ok(c.reports.every((r) => r.status === 'pending' && r.overdue === false));
  for (const who of ['leader', 'teamHead', 'off1', 'auditor', 'company', 'dispatch']) {
    assertError(await ctx.as[who].post('/screening/campaigns', {
      title: 'x', kind: 'ad_hoc', period_from: day(0), period_to: day(1), units: [ctx.units.team],
    }), 403, 'forbidden');
  }
  assertError(await po.post('/screening/campaigns', { title: 'x', kind: 'weekly', period_from: day(0),
    period_to: day(1), units: [ctx.units.team] }), 400, 'invalid_field', 'kind');
  assertError(await po.post('/screening/campaigns', { title: 'x', kind: 'ad_hoc', period_from: day(2),
    period_to: day(1), units: [ctx.units.team] }), 400, 'invalid_field', 'period_to');
  assertError(await po.post('/screening/campaigns', { title: 'x', kind: 'ad_hoc', period_from: day(0),
    period_to: day(1), units: [] }), 400, 'invalid_field', 'units');
  assertError(await po.post('/screening/campaigns', { title: 'x', kind: 'ad_hoc', period_from: '2026-02-30',
    period_to: day(1), units: [ctx.units.team] }), 400, 'invalid_field', 'period_from');
  assertError(await po.post('/screening/campaigns', { title: 'x', kind: 'ad_hoc', period_from: day(0),
    units: [ctx.units.team] }), 400, 'invalid_field', 'period_to');
});

test('a unit reports a nil return or findings, only for itself', async () => {
  const c = await campaign({ title: '春节前排查', kind: 'sensitive_date' });
  const path = `/screening/campaigns/${c.id}/reports`;
  // the shift's head reports nil for the shift
  let r = expectStatus(await ctx.as.shiftHead.post(path, { unit_id: ctx.units.shift, nil: true }), 201, 'nil');
  assert.equal(reportOf(r, ctx.units.shift).status, 'nil');
  assert.equal(reportOf(r, ctx.units.shift).reported_by_name, '一班班长赵磊');
  // nobody reports for another unit, not even the office or the unit above
  assertError(await ctx.as.teamHead.post(path, { unit_id: ctx.units.dept, nil: true }), 403, 'forbidden', 'unit_id');
  assertError(await ctx.as.teamHead.post(path, { unit_id: ctx.units.shift, nil: true }), 403, 'forbidden', 'unit_id');
  assertError(await po.post(path, { unit_id: ctx.units.team, nil: true }), 403, 'forbidden', 'unit_id');
  assertError(await ctx.as.off1.post(path, { unit_id: ctx.units.team, nil: true }), 403, 'forbidden', 'unit_id');
  // nil and findings together, or neither
  assertError(await ctx.as.teamHead.post(path, { unit_id: ctx.units.team }), 400, 'invalid_field', 'findings');
  assertError(await ctx.as.teamHead.post(path, { unit_id: ctx.units.team, nil: true,
    findings: [{ text: 'x' }] }), 400, 'invalid_field', 'findings');
  r = expectStatus(await ctx.as.teamHead.post(path, { unit_id: ctx.units.team,
    findings: [{ text: '综采一队32名职工反映11月井下津贴未发放', headcount: 32 }] }), 201, 'findings');
  assert.equal(reportOf(r, ctx.units.team).status, 'findings');
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].headcount, 32);
  assertError(await ctx.as.teamHead.post(path, { unit_id: ctx.units.team, nil: true }), 409, 'conflict', 'nil');
  // a campaign not sent to the unit
  const other = await campaign({ title: '专项排查', kind: 'ad_hoc', units: [ctx.units.dept] });
  assertError(await ctx.as.teamHead.post(`/screening/campaigns/${other.id}/reports`,
    { unit_id: ctx.units.team, nil: true }), 404, 'not_found', 'unit_id');
  // the dept head sees only their own unit's report in the campaign
  const seen = expectStatus(await ctx.as.deptHead.get(`/screening/campaigns/${c.id}`), 200, 'GET campaign');
  assert.deepEqual(seen.reports.map((x) => x.unit_id), [ctx.units.dept]);
  assert.deepEqual(seen.findings, []);
  const list = expectStatus(await ctx.as.deptHead.get('/screening/campaigns'), 200, 'GET campaigns').campaigns;
  assert.ok(list.some((x) => x.id === c.id));
  assert.ok(!list.some((x) => x.id === other.id) || other.reports.some((x) => x.unit_id === ctx.units.dept));
});

test('units that did not report by the due date are overdue', async () => {
  const c = await campaign({ title: '上月排查', period_from: day(-40), period_to: day(-10), due_date: day(-3) });
  expectStatus(await ctx.as.deptHead.post(`/screening/campaigns/${c.id}/reports`,
    { unit_id: ctx.units.dept, nil: true }), 201, 'late nil');
  const got = expectStatus(await po.get(`/screening/campaigns/${c.id}`), 200, 'GET campaign');
  assert.equal(reportOf(got, ctx.units.team).overdue, true);
  assert.equal(reportOf(got, ctx.units.shift).overdue, true);
  assert.equal(reportOf(got, ctx.units.dept).overdue, false);
  assert.equal(reportOf(got, ctx.units.dept).late, true, 'reported after the due date');
  const row = expectStatus(await po.get('/screening/campaigns'), 200, 'list').campaigns.find((x) => x.id === c.id);
  assert.equal(row.overdue, 2);
  assert.equal(row.reported, 1);
  assert.equal(row.units, 3);
});

test('a finding becomes a register entry in one click, its level suggested by the rules', async () => {
  const c = await campaign({ title: '一键转台账', units: [ctx.units.team] });
  const r = expectStatus(await ctx.as.teamHead.post(`/screening/campaigns/${c.id}/reports`, { unit_id: ctx.units.team,
    findings: [{ text: '8名职工反映住房分配不公', headcount: 8 }] }), 201, 'finding');
  const fid = r.findings[0].id;
  assertError(await ctx.as.deptHead.post(`/screening/findings/${fid}/risk`, {}), 403, 'forbidden');
  const entry = expectStatus(await ctx.as.teamHead.post(`/screening/findings/${fid}/risk`, {}), 201, 'to risk');
  assert.equal(entry.title, '8名职工反映住房分配不公');
  assert.equal(entry.unit_id, ctx.units.team);
  assert.equal(entry.headcount, 8);
  assert.equal(entry.suggested_level, 'medium');
  assert.equal(entry.risk_level, 'medium');
  assert.match(entry.level_basis, /涉及人数 8 ≥ 5/);
  assertError(await po.post(`/screening/findings/${fid}/risk`, {}), 409, 'conflict');
  const again = expectStatus(await po.get(`/screening/campaigns/${c.id}`), 200, 'campaign');
  assert.equal(again.findings[0].risk_id, entry.id);
});

test('the rules suggest a level; another level needs its basis', async () => {
  const make = (fields) => po.post('/risks', { title: '工资拖欠', unit_id: ctx.units.dept, ...fields });
  let e = expectStatus(await make({ headcount: 40 }), 201, 'high');
  assert.equal(e.risk_level, 'high');
  assert.match(e.level_basis, /涉及人数 40 ≥ 30/);
  e = expectStatus(await make({ headcount: 2 }), 201, 'low');
  assert.equal(e.risk_level, 'low');
  assert.equal(e.level_basis, '');
  e = expectStatus(await make({ headcount: 2, deadline_date: day(3) }), 201, 'deadline');
  assert.equal(e.risk_level, 'high');
  assert.match(e.level_basis, /距期限 3 天 ≤ 7 天/);
  // a person who came in a real incident this year: one visit is medium
  const inc = expectStatus(await po.post('/incidents', { headcount: 2, destination: 'mine', advance_info: false,
    units: [ctx.units.dept], demands: '讨要工伤补助' }), 201, 'incident');
  const p = await createPerson(po, { name: '孙有福', unit_id: ctx.units.dept, incident_id: inc.id, role: 'participant' });
  e = expectStatus(await make({ persons: [p.id] }), 201, 'visits');
  assert.equal(e.risk_level, 'medium');
  assert.match(e.level_basis, /近一年信访 1 次/);
  assert.deepEqual(e.persons.map((x) => x.id), [p.id]);
  // override
  assertError(await make({ headcount: 2, risk_level: 'high' }), 400, 'invalid_field', 'level_basis');
  e = expectStatus(await make({ headcount: 2, risk_level: 'high', level_basis: '牵头人扬言进京' }), 201, 'override');
  assert.equal(e.risk_level, 'high');
  assert.equal(e.suggested_level, 'low');
  assert.equal(e.level_basis, '牵头人扬言进京');
  assertError(await make({ risk_level: 'severe' }), 400, 'invalid_field', 'risk_level');
  assertError(await po.post('/risks', { unit_id: ctx.units.dept }), 400, 'invalid_field', 'title');
  assertError(await make({ persons: [999999] }), 400, 'invalid_field', 'persons');
});

test('progress with trend, closing with the outcome, 包保 outside an incident', async () => {
  const p = await createPerson(po, { name: '钱多多', unit_id: ctx.units.team });
  const e = expectStatus(await po.post('/risks', { title: '退休待遇', unit_id: ctx.units.team, headcount: 3,
    persons: [p.id], official_id: ctx.as.off1.user.id, leader_id: ctx.as.leader.user.id,
    resolution_plan: '人社部门核算后答复' }), 201, 'entry');
  assert.equal(e.official_name, '包保责任人周平');
  assert.equal(e.assignments.length, 1, 'an assignment with no incident');
  assert.equal(e.assignments[0].person_id, p.id);
  const a = expectStatus(await ctx.as.off1.get('/assignments?mine=1'), 200, 'my assignments');
  assert.ok(JSON.stringify(a).includes(`"id":${e.assignments[0].id}`), 'the official finds it among theirs');
  // the official writes progress; the dept head cannot
  let g = expectStatus(await ctx.as.off1.post(`/risks/${e.id}/progress`, { text: '上门走访，情绪稳定',
    trend: 'falling', status: 'resolving' }), 201, 'progress');
  assert.equal(g.trend, 'falling');
  assert.equal(g.status, 'resolving');
  assertError(await ctx.as.deptHead.post(`/risks/${e.id}/progress`, { text: 'x' }), 404, 'not_found');
  assertError(await ctx.as.off1.post(`/risks/${e.id}/progress`, { text: 'x', risk_level: 'medium' }),
    400, 'invalid_field', 'level_basis');
  assertError(await po.patch(`/risks/${e.id}`, { status: 'closed' }), 400, 'invalid_field', 'outcome');
  g = expectStatus(await po.patch(`/risks/${e.id}`, { status: 'closed', outcome: '已按政策补发，本人满意' }), 200, 'close');
  assert.equal(g.status, 'closed');
  assert.equal(g.outcome, '已按政策补发，本人满意');
  assert.ok(g.closed_at);
  assert.equal(g.progress.length, 1);
  assertError(await ctx.as.off1.post(`/risks/${e.id}/progress`, { text: 'x' }), 409, 'conflict');
});

test('a unit head sees their subtree, an official their own entries', async () => {
  const teamEntry = expectStatus(await po.post('/risks', { title: '班组矛盾', unit_id: ctx.units.shift }), 201, 'shift');
  const deptEntry = expectStatus(await po.post('/risks', { title: '机电科矛盾', unit_id: ctx.units.dept }), 201, 'dept');
  const ids = async (client, q = '') => expectStatus(await client.get(`/risks${q}`), 200, 'GET /risks').risks.map((r) => r.id);
  assert.ok((await ids(ctx.as.teamHead)).includes(teamEntry.id));
  assert.ok(!(await ids(ctx.as.teamHead)).includes(deptEntry.id));
  assert.ok(!(await ids(ctx.as.shiftHead)).includes(deptEntry.id));
  assert.ok((await ids(ctx.as.deptHead)).includes(deptEntry.id));
  assert.ok(!(await ids(ctx.as.deptHead, `?unit_id=${ctx.units.team}`)).includes(teamEntry.id));
  assert.ok((await ids(po, `?unit_id=${ctx.units.team}`)).includes(teamEntry.id));
  assert.ok(!(await ids(po, `?unit_id=${ctx.units.team}`)).includes(deptEntry.id));
  assert.ok((await ids(po, '?level=low')).includes(deptEntry.id));
  assert.ok(!(await ids(po, '?level=high')).includes(deptEntry.id));
  for (const who of ['leader', 'auditor', 'company']) assert.ok((await ids(ctx.as[who])).includes(deptEntry.id), who);
  assert.ok(!(await ids(ctx.as.off2)).includes(deptEntry.id));
  assertError(await ctx.as.dispatch.get('/risks'), 403, 'forbidden');
  assertError(await ctx.as.deptHead.get(`/risks/${teamEntry.id}`), 404, 'not_found');
  expectStatus(await ctx.as.teamHead.get(`/risks/${teamEntry.id}`), 200, 'own subtree');
  assertError(await ctx.as.deptHead.patch(`/risks/${teamEntry.id}`, { trend: 'rising' }), 404, 'not_found');
  assertError(await ctx.as.leader.patch(`/risks/${teamEntry.id}`, { trend: 'rising' }), 403, 'forbidden');
  assertError(await ctx.as.deptHead.post('/risks', { title: 'x', unit_id: ctx.units.team }), 403, 'forbidden');
  expectStatus(await ctx.as.teamHead.post('/risks', { title: '一班夜班补贴', unit_id: ctx.units.shift }), 201, 'head');
});

test('an entry rising to high warns; the warning becomes a procedure-A incident', async () => {
  const p1 = await createPerson(po, { name: '周大勇', unit_id: ctx.units.team });
  const p2 = await createPerson(po, { name: '周小勇', unit_id: ctx.units.team });
  const e = expectStatus(await po.post('/risks', { title: '津贴拖欠', unit_id: ctx.units.team, headcount: 12,
    persons: [p1.id, p2.id] }), 201, 'entry');
  assert.equal(e.risk_level, 'medium');
  let w = await warnings();
  assert.ok(!w.warnings.some((x) => x.risk_id === e.id));
  expectStatus(await ctx.as.teamHead.post(`/risks/${e.id}/progress`, { text: '职工扬言集体上访', trend: 'rising',
    risk_level: 'high', level_basis: '扬言集体到集团公司上访' }), 201, 'raise');
  w = await warnings();
  const warning = w.warnings.find((x) => x.risk_id === e.id && x.rule === 'risk_high');
  assert.ok(warning, 'a risk_high warning');
  assert.equal(warning.status, 'open');
  assert.equal(warning.unit_id, ctx.units.team);
  assert.ok(w.open >= 1);
  // who may see and act
  assertError(await ctx.as.off1.get('/warnings'), 403, 'forbidden');
  assertError(await ctx.as.dispatch.get('/warnings'), 403, 'forbidden');
  for (const who of ['teamHead', 'auditor', 'company', 'dispatch', 'off1']) {
    assertError(await ctx.as[who].post(`/warnings/${warning.id}/incident`, {}), 403, 'forbidden');
  }
  const inc = expectStatus(await po.post(`/warnings/${warning.id}/incident`, { destination: 'group' }), 201, 'incident');
  assert.equal(inc.advance_info, true);
  assert.equal(inc.procedure, 'A');
  assert.equal(inc.headcount, 12);
  assert.ok(inc.units.some((u) => (u.id || u.unit_id || u) === ctx.units.team), 'the unit carried over');
  const persons = expectStatus(await po.get(`/incidents/${inc.id}/persons`), 200, 'persons').persons;
  assert.deepEqual(persons.map((x) => x.id).sort(), [p1.id, p2.id].sort());
  w = await warnings(po, '?status=incident');
  const done = w.warnings.find((x) => x.id === warning.id);
  assert.equal(done.incident_id, inc.id);
  assert.equal(done.incident_number, inc.number);
  assertError(await po.post(`/warnings/${warning.id}/incident`, {}), 409, 'conflict');
  // a second rise after falling warns again; a high entry that stays high does not
  expectStatus(await po.patch(`/risks/${e.id}`, { trend: 'rising' }), 200, 'still high');
  assert.equal((await warnings()).warnings.filter((x) => x.risk_id === e.id).length, 1);
});

test('three related matters in 30 days and a planned visit warn', async () => {
  const p = await createPerson(po, { name: '吴反复', unit_id: ctx.units.dept });
  for (let i = 0; i < 2; i++) {
    expectStatus(await po.post(`/persons/${p.id}/matters`, { category: 'appeal', content: `要求解决工伤待遇 ${i}` }), 201, 'matter');
  }
  assert.ok(!(await warnings()).warnings.some((x) => x.rule === 'repeated_matters' && x.person_id === p.id));
  expectStatus(await po.post(`/persons/${p.id}/matters`, { category: 'appeal', content: '要求解决工伤待遇 2' }), 201, 'matter');
  let w = await warnings();
  const byPerson = w.warnings.filter((x) => x.rule === 'repeated_matters' && x.person_id === p.id);
  assert.equal(byPerson.length, 1);
  assert.match(byPerson[0].text, /30 天内同一信访人的申诉求决类诉求 3 件/);
  assert.ok(!byPerson[0].text.includes('吴反复'), 'no names in the warning text');
  assert.ok(w.warnings.some((x) => x.rule === 'repeated_matters' && x.unit_id === ctx.units.dept && !x.person_id));
  // once per window
  w = await warnings();
  assert.equal(w.warnings.filter((x) => x.rule === 'repeated_matters' && x.person_id === p.id).length, 1);
  // a planned visit in 3 days warns; one in 30 days not yet
  const near = expectStatus(await po.post('/risks', { title: '预计到集团上访', unit_id: ctx.units.dept,
    expected_visit_date: day(3), headcount: 6 }), 201, 'near');
  const far = expectStatus(await po.post('/risks', { title: '远期上访', unit_id: ctx.units.dept,
    expected_visit_date: day(30) }), 201, 'far');
  w = await warnings();
  const visit = w.warnings.find((x) => x.rule === 'planned_visit' && x.risk_id === near.id);
  assert.ok(visit);
  assert.equal(visit.expected_date, day(3));
  assert.ok(!w.warnings.some((x) => x.risk_id === far.id));
  // dismissing needs a reason, and only the office
  assertError(await ctx.as.leader.post(`/warnings/${visit.id}/dismiss`, { reason: 'x' }), 403, 'forbidden');
  assertError(await po.post(`/warnings/${visit.id}/dismiss`, {}), 400, 'invalid_field', 'reason');
  const d = expectStatus(await po.post(`/warnings/${visit.id}/dismiss`, { reason: '已化解' }), 200, 'dismiss');
  assert.equal(d.status, 'dismissed');
  // the procedure-A incident of a planned visit carries the expected time
  const farther = expectStatus(await po.post('/risks', { title: '预计到矿上访', unit_id: ctx.units.team,
    expected_visit_date: day(5), headcount: 9 }), 201, 'farther');
  const fw = (await warnings()).warnings.find((x) => x.risk_id === farther.id);
  const inc = expectStatus(await po.post(`/warnings/${fw.id}/incident`, {}), 201, 'incident');
  assert.equal(inc.procedure, 'A');
  assert.ok(inc.expected_at, 'the expected visit');
  // the unit head sees the warnings of their subtree only
  const seen = (await warnings(ctx.as.deptHead)).warnings;
  assert.ok(seen.every((x) => x.unit_id === ctx.units.dept));
});

test('care schedules with 帮扶 visits; overdue follow-ups are listed', async () => {
  const p = await createPerson(po, { name: '困难户王', unit_id: ctx.units.team, employment: 'retired' });
  assertError(await ctx.as.deptHead.post('/care', { group_kind: 'retiree', person_id: p.id,
    official_id: ctx.as.off1.user.id }), 400, 'invalid_field', 'person_id');
  for (const who of ['leader', 'auditor', 'off1']) {
    assertError(await ctx.as[who].post('/care', { group_kind: 'retiree', person_id: p.id,
      official_id: ctx.as.off1.user.id }), 403, 'forbidden');
  }
  assertError(await po.post('/care', { group_kind: 'poor', person_id: p.id, official_id: ctx.as.off1.user.id }),
    400, 'invalid_field', 'group_kind');
  const c = expectStatus(await ctx.as.teamHead.post('/care', { group_kind: 'retiree', person_id: p.id,
    official_id: ctx.as.off1.user.id }), 201, 'care');
  assert.equal(c.interval_days, 90, 'the plan interval for retirees');
  assert.equal(c.overdue, false);
  assert.equal(c.person_name, '困难户王');
  sql(ctx.srv, `UPDATE care_schedules SET next_due_ms = 1000 WHERE id = ${c.id}`);
  let overdue = expectStatus(await po.get('/care?overdue=1'), 200, 'overdue').schedules;
  assert.ok(overdue.some((x) => x.id === c.id && x.overdue === true));
  assertError(await ctx.as.off2.post(`/care/${c.id}/visits`, { help: 'x' }), 403, 'forbidden');
  assertError(await ctx.as.off1.post(`/care/${c.id}/visits`, { help: '送米面油', visited_on: day(2) }),
    400, 'invalid_field', 'visited_on');
  const v = expectStatus(await ctx.as.off1.post(`/care/${c.id}/visits`, { help: '送米面油，协调医保报销' }), 201, 'visit');
  assert.equal(v.visits.length, 1);
  assert.equal(v.visits[0].help, '送米面油，协调医保报销');
  assert.equal(v.visits[0].by_name, '包保责任人周平');
  assert.equal(v.overdue, false);
  overdue = expectStatus(await po.get('/care?overdue=1'), 200, 'overdue').schedules;
  assert.ok(!overdue.some((x) => x.id === c.id));
  // who sees it
  assert.ok(expectStatus(await ctx.as.off1.get('/care'), 200, 'own').schedules.some((x) => x.id === c.id));
  assert.ok(!expectStatus(await ctx.as.off2.get('/care'), 200, 'other').schedules.some((x) => x.id === c.id));
  assert.ok(!expectStatus(await ctx.as.deptHead.get('/care'), 200, 'dept').schedules.some((x) => x.id === c.id));
  assertError(await ctx.as.deptHead.get(`/care/${c.id}`), 404, 'not_found');
  assertError(await ctx.as.dispatch.get('/care'), 403, 'forbidden');
});

// GET /warnings only reads (the dashboard asks it on every load): a planned visit that
// comes near as days pass is raised by the warnings job, not by whoever looks first.
test('a planned visit coming near with time: raised by the warnings job, not by GET /warnings', async () => {
  const r = expectStatus(await po.post('/risks', { title: '预计春节前上访', unit_id: ctx.units.dept,
    expected_visit_date: day(40), headcount: 4 }), 201, 'risk');
  const events = () => sql(ctx.srv, 'SELECT count(*) FROM events');
  const raised = () => sql(ctx.srv, `SELECT count(*) FROM warnings WHERE risk_id = ${r.id}`);
  // Forty days pass: the date is now two days away (no write of the store saw it move).
  sql(ctx.srv, `UPDATE risks SET expected_visit_date = '${day(2)}' WHERE id = ${r.id}`);
  const before = events();
  await warnings();
  await warnings();
  assert.equal(raised(), '0', 'GET /warnings raised nothing');
  assert.equal(events(), before, 'GET /warnings wrote no event');
  const deadline = Date.now() + 15000;
  while (raised() === '0' && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
  assert.equal(raised(), '1', 'the warnings job raised the planned visit');
  const w = (await warnings()).warnings.find((x) => x.risk_id === r.id);
  assert.equal(w.rule, 'planned_visit');
  assert.equal(w.expected_date, day(2));
});
