// API test of GET /assessment (考核, issue 14 item 6): a seeded month (2026-10, Beijing
// time) of incidents of units' people with various destinations and headcounts, matters
// concluded with a satisfaction, a repeat matter, overdue tasks (one a report-up), a
// missed and a late screening report (零报告) and two accountability findings, scored by
// the shipped plan's default rules and checked line by line against points computed by
// hand here, with the "三无" items and the 一票否决 per unit; the CSV export; who may see
// which units. Times are moved into the month in the database (tests/lib/db.js).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const db = require('../lib/db.js');
const { assertError, expectStatus, setupPeople, createPerson, register, registerActive, tasksOf } =
  require('../lib/fixtures.js');

let ctx;
const inc = {};
const mat = {};
const task = {};
let campaign;
const finding = {};

// UTC milliseconds of a Beijing time in October 2026 ("10-03 12:00").
const at = (text) => Date.parse(`2026-${text.replace(' ', 'T')}:00+08:00`);

function sql(statement) {
  return db.sql(ctx.srv, statement);
}

async function incident(fields, when, active = false) {
  const r = active ? await registerActive(ctx.as.po, fields) : await register(ctx.as.po, fields);
  sql(`UPDATE incidents SET occurred_ms = ${at(when)} WHERE id = ${r.id}`);
  return r;
}

// A matter of person, received (and concluded with satisfaction) at the times given.
async function matter(person, unitId, received, concluded, satisfaction) {
  const r = expectStatus(await ctx.as.po.post(`/persons/${person.id}/matters`,
    { category: 'appeal', content: '要求补发津贴' }), 201, 'POST matter');
  sql(`UPDATE matters SET unit_id = ${unitId}, received_ms = ${at(received)}` +
    (concluded ? `, accepted_ms = ${at(received)}, concluded_ms = ${at(concluded)},` +
      ` outcome = 'supported', satisfaction = '${satisfaction}', stage = 'concluded'` : '') +
    ` WHERE id = ${r.id}`);
  return r;
}

before(async () => {
  ctx = await setupPeople({ users: ['po', 'leader', 'teamHead', 'shiftHead', 'deptHead', 'off1', 'auditor',
    'dispatch', 'company'] });
  const { units } = ctx;
  // Incidents. I1: 5 people of 综采一队 to the group company, activated (its tasks below).
  inc.i1 = await incident({ headcount: 5, destination: 'group', units: [units.team] }, '10-03 09:00', true);
  inc.i2 = await incident({ headcount: 1, destination: 'city', units: [units.shift] }, '10-08 10:00');
  inc.i6 = await incident({ headcount: 4, destination: 'mine', units: [units.team, units.shift] }, '10-09 10:00');
  inc.i3 = await incident({ headcount: 60, destination: 'mine', units: [units.dept] }, '10-20 08:00');
  // Not counted: a drill to Beijing, an incident of November, a withdrawn registration.
  await incident({ headcount: 2, destination: 'national', units: [units.team], drill: true }, '10-10 10:00');
  await incident({ headcount: 2, destination: 'national', units: [units.team] }, '11-02 10:00');
  const withdrawn = await incident({ headcount: 9, destination: 'province', units: [units.dept] }, '10-11 10:00');
  expectStatus(await ctx.as.po.post(`/incidents/${withdrawn.id}/transition`, { to: 'withdrawn', reason: '登记有误，重复登记' }),
    200, 'withdraw');

  // Matters: A1 satisfied (+2), A2 received after A1 was concluded (a repeat, -3),
  // B1 unsatisfied (no rule: no line), C1 basically satisfied in 机电科 (+1).
  const a = await createPerson(ctx.as.po, { name: '张建国', unit_id: units.team });
  const b = await createPerson(ctx.as.po, { name: '王秀英', unit_id: units.team });
  const c = await createPerson(ctx.as.po, { name: '李明', unit_id: units.dept });
  mat.a1 = await matter(a, units.team, '09-20 09:00', '10-05 09:00', 'satisfied');
  mat.a2 = await matter(a, units.team, '10-20 09:00');
  mat.b1 = await matter(b, units.team, '09-01 09:00', '10-12 09:00', 'unsatisfied');
  mat.c1 = await matter(c, units.dept, '10-01 09:00', '10-15 09:00', 'basically_satisfied');

  // Tasks of I1 that went overdue in October: a step (-1) and the oral report up (-5).
  const tasks = await tasksOf(ctx.as.po, inc.i1.id);
  task.step = tasks.find((t) => t.kind === 'step');
  task.report = tasks.find((t) => t.kind === 'report_oral');
  assert.ok(task.step && task.report, 'I1 has a step and an oral report-up task');
  sql(`UPDATE tasks SET overdue = 1, due_ms = ${at('10-03 10:00')} WHERE id = ${task.step.id}`);
  sql(`UPDATE tasks SET overdue = 1, due_ms = ${at('10-03 10:30')} WHERE id = ${task.report.id}`);

  // A screening campaign due 10-25: 综采一队 never reported (-2), 机电科 reported its nil
  // return late (-1), 一班 on time.
  campaign = Number(sql(`INSERT INTO screening_campaigns (title, kind, period_from, period_to, due_date,` +
    ` due_ms, created_ms) VALUES ('十月排查', 'monthly', '2026-10-01', '2026-10-31', '2026-10-25',` +
    ` ${at('10-25 18:00')}, ${at('10-01 08:00')}) RETURNING id`).split('\n')[0]);
  sql(`INSERT INTO screening_reports (campaign_id, unit_id, status, reported_ms) VALUES` +
    ` (${campaign}, ${units.team}, 'pending', NULL), (${campaign}, ${units.dept}, 'nil', ${at('10-26 09:00')}),` +
    ` (${campaign}, ${units.shift}, 'nil', ${at('10-24 09:00')})`);

  // Findings: 综采一队 criticised for the overdue tasks (-5), its official given
  // organisational measures (-10), both counted for 综采一队.
  finding.unit = expectStatus(await ctx.as.po.post('/accountability', { unit_id: units.team,
    basis: 'overdue_tasks', decision: 'notice', decided_by: '矿信访工作领导小组', decided_at: '2026-10-28',
    text: '未按时限上报', incident_ids: [inc.i1.id], task_ids: [task.step.id, task.report.id] }), 201, 'finding');
  finding.person = expectStatus(await ctx.as.leader.post('/accountability', { user_id: ctx.as.off1.user.id,
    basis: 'evaluation', decision: 'organisational', decided_by: '矿党委', decided_at: '2026-10-29',
    incident_ids: [inc.i1.id] }), 201, 'finding of a person');
  // Decided in November: not in October.
  expectStatus(await ctx.as.po.post('/accountability', { unit_id: units.dept, basis: 'other',
    decision: 'talk', decided_by: '矿信访工作领导小组', decided_at: '2026-11-01' }), 201, 'november finding');
});

after(async () => { if (ctx) await ctx.stop(); });

// [rule, points, source type, source id] of a unit's lines.
const lines = (u) => u.lines.map((l) => [l.rule, l.points, l.source.type, l.source.id]);
const unitOf = (r, id) => {
  const u = r.units.find((x) => x.unit_id === id);
  assert.ok(u, `unit ${id} in the answer`);
  return u;
};
const items = (u) => Object.fromEntries(u.three_no.items.map((i) => [i.id, [i.held, i.breaks]]));

test('综采一队 in October, line by line', async () => {
  const r = expectStatus(await ctx.as.po.get(`/assessment?period=2026-10&unit_id=${ctx.units.team}`), 200, 'GET');
  assert.equal(r.from, '2026-10-01');
  assert.equal(r.to, '2026-11-01');
  assert.deepEqual(r.units.map((u) => u.unit_id), [ctx.units.team, ctx.units.shift], 'the unit and its child');
  const team = unitOf(r, ctx.units.team);
  assert.deepEqual(lines(team), [
    ['collective_group', -10, 'incident', inc.i1.id],
    ['skip_level', -5, 'incident', inc.i2.id],
    ['collective_mine', -3, 'incident', inc.i6.id], // two units of the subtree: once
    ['matter_satisfied', 2, 'matter', mat.a1.id],
    ['repeat_matter', -3, 'matter', mat.a2.id],
    ['task_overdue', -1, 'task', task.step.id],
    ['report_up_overdue', -5, 'task', task.report.id],
    ['screening_missed', -2, 'screening', campaign],
    ['finding', -5, 'finding', finding.unit.id],
    ['finding_organisational', -10, 'finding', finding.person.id],
  ]);
  assert.equal(team.base, 100);
  assert.equal(team.score, 100 - 10 - 5 - 3 + 2 - 3 - 1 - 5 - 2 - 5 - 10); // 58
  const first = team.lines[0];
  assert.equal(first.source.number, inc.i1.number);
  assert.equal(first.date, '2026-10-03');
  assert.equal(first.kind, 'incident');
  assert.equal(first.name, '本单位人员到集团公司集体上访');
  assert.equal(team.lines[5].source.number, inc.i1.number, 'a task line names its incident');
  assert.equal(team.lines[7].source.title, '十月排查');
  assert.deepEqual(items(team), { no_skip_level: [false, 2], no_collective: [false, 2], no_repeat: [false, 1] });
  assert.equal(team.three_no.held, false);
  assert.equal(team.three_no.items[0].broken_by.id, inc.i1.id);
  assert.equal(team.veto, false);

  const shift = unitOf(r, ctx.units.shift);
  assert.deepEqual(lines(shift), [['skip_level', -5, 'incident', inc.i2.id],
    ['collective_mine', -3, 'incident', inc.i6.id]]);
  assert.equal(shift.score, 92);
  assert.deepEqual(items(shift), { no_skip_level: [false, 1], no_collective: [false, 1], no_repeat: [true, 0] });
});

test('机电科: a collective visit of 60 is a veto; the mine sums its subtree', async () => {
  const r = expectStatus(await ctx.as.leader.get(`/assessment?period=2026-10&unit_id=${ctx.units.root}`), 200, 'GET');
  assert.deepEqual(r.units.map((u) => u.unit_id).sort(), [ctx.units.root, ctx.units.team, ctx.units.dept].sort());
  const dept = unitOf(r, ctx.units.dept);
  assert.deepEqual(lines(dept), [
    ['collective_mine', -3, 'incident', inc.i3.id],
    ['matter_basically_satisfied', 1, 'matter', mat.c1.id],
    ['screening_late', -1, 'screening', campaign],
  ]);
  assert.equal(dept.score, 97);
  assert.equal(dept.veto, true);
  assert.deepEqual(dept.vetoes.map((v) => [v.id, v.count, v.fired]),
    [['veto_national', 0, false], ['veto_large_collective', 1, true]]);
  assert.deepEqual(items(dept), { no_skip_level: [true, 0], no_collective: [false, 1], no_repeat: [true, 0] });
  const root = unitOf(r, ctx.units.root);
  assert.equal(root.lines.length, 13);
  assert.equal(root.score, 100 - 42 - 3);
  assert.equal(root.veto, true);
  assert.equal(unitOf(r, ctx.units.team).score, 58);
  // Without a unit: the top units only.
  const top = expectStatus(await ctx.as.auditor.get('/assessment?period=2026-10'), 200, 'top');
  assert.deepEqual(top.units.map((u) => u.unit_id), [ctx.units.root]);
  assert.equal(top.units[0].score, 55);
});

test('quarter and year include the month; another month is clean', async () => {
  for (const p of ['2026-Q4', '2026']) {
    const r = expectStatus(await ctx.as.company.get(`/assessment?period=${p}&unit_id=${ctx.units.dept}`), 200, p);
    assert.equal(unitOf(r, ctx.units.dept).score, 97 - 5, `${p}: with the finding of November (talk, -5)`);
  }
  const sept = expectStatus(await ctx.as.po.get(`/assessment?period=2026-09&unit_id=${ctx.units.team}`), 200, 'sept');
  const team = unitOf(sept, ctx.units.team);
  assert.deepEqual(team.lines, []);
  assert.equal(team.score, 100);
  assert.equal(team.three_no.held, true);
  for (const bad of ['2026-13', '2026-Q5', '26-10', '2026-10-01', '']) {
    assertError(await ctx.as.po.get(`/assessment?period=${bad}`), 400, 'invalid_field', 'period');
  }
  assertError(await ctx.as.po.get('/assessment'), 400, 'invalid_field', 'period');
});

test('CSV: UTF-8 with a byte-order mark, a row per line and a total per unit', async () => {
  const r = await ctx.as.po.get(`/assessment/export.csv?period=2026-10&unit_id=${ctx.units.team}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const raw = Buffer.from(await (await fetch(`${ctx.as.po.base}/api/v1/assessment/export.csv?period=2026-10&unit_id=${ctx.units.team}`,
    { headers: { cookie: ctx.as.po.cookie } })).arrayBuffer());
  assert.deepEqual([...raw.subarray(0, 3)], [0xEF, 0xBB, 0xBF]);
  const rows = raw.subarray(3).toString('utf8').trim().split('\r\n');
  assert.equal(rows[0], '单位,项目,类别,分值,来源,编号,日期');
  assert.equal(rows.length, 1 + 10 + 1 + 2 + 1);
  assert.equal(rows[1], `综采一队,本单位人员到集团公司集体上访,incident,-10,incident ${inc.i1.id},${inc.i1.number},2026-10-03`);
  assert.ok(rows.includes('综采一队,得分,score,58,三无：未达标,,2026-10'), rows.join('\n'));
});

test('XLSX: the units with their scores, and every line with its points, as in the JSON', async () => {
  const q = `period=2026-10&unit_id=${ctx.units.team}`;
  const res = await fetch(`${ctx.as.po.base}/api/v1/assessment/export.xlsx?${q}`, { headers: { cookie: ctx.as.po.cookie } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  const file = path.join(ctx.srv.dir, 'assessment.xlsx');
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const py = spawnSync(python, ['-c', `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"charts": [c.title for c in wb.chartsheets], "data": {}}
for ws in wb.worksheets:
    rows = list(ws.iter_rows(values_only=True))
    out["data"][ws.title] = {"header": list(rows[1]), "rows": [list(r) for r in rows[2:]]}
print(json.dumps(out, ensure_ascii=False))
`, file], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const book = JSON.parse(py.stdout);
  assert.deepEqual(book.data['考核结果'].header, ['单位', '得分', '一票否决', '三无达标', '扣加分项数']);
  assert.deepEqual(book.data['考核结果'].rows, [['综采一队', 58, 0, 0, 10], ['一班', 92, 0, 0, 2]]);
  const detail = book.data['扣加分明细'].rows;
  assert.equal(detail.length, 12);
  assert.deepEqual(detail.map((r) => r[1]), [-10, -5, -3, 2, -3, -1, -5, -2, -5, -10, -5, -3]);
  assert.equal(detail[0][0], `综采一队 · 本单位人员到集团公司集体上访 · incident ${inc.i1.id} ${inc.i1.number} · 2026-10-03`);
  assert.deepEqual(book.charts, ['得分图']);
});

test('who may see it: a unit head their subtree; dispatch and officials not at all', async () => {
  const own = expectStatus(await ctx.as.teamHead.get('/assessment?period=2026-10'), 200, 'team head');
  assert.deepEqual(own.units.map((u) => u.unit_id), [ctx.units.team, ctx.units.shift]);
  expectStatus(await ctx.as.teamHead.get(`/assessment?period=2026-10&unit_id=${ctx.units.shift}`), 200, 'below');
  assertError(await ctx.as.teamHead.get(`/assessment?period=2026-10&unit_id=${ctx.units.dept}`), 403, 'forbidden');
  assertError(await ctx.as.shiftHead.get(`/assessment?period=2026-10&unit_id=${ctx.units.team}`), 403, 'forbidden');
  assertError(await ctx.as.deptHead.get(`/assessment?period=2026-10&unit_id=${ctx.units.root}`), 403, 'forbidden');
  expectStatus(await ctx.as.deptHead.get(`/assessment?period=2026-10&unit_id=${ctx.units.dept}`), 200, 'dept');
  for (const who of ['po', 'leader', 'auditor', 'company', 'admin']) {
    expectStatus(await ctx.as[who].get(`/assessment?period=2026-10&unit_id=${ctx.units.dept}`), 200, who);
    expectStatus(await ctx.as[who].get(`/assessment/export.csv?period=2026-10`), 200, `${who} csv`);
    assert.equal((await ctx.as[who].get('/assessment/export.xlsx?period=2026-10')).status, 200, `${who} xlsx`);
  }
  for (const who of ['dispatch', 'off1']) {
    assertError(await ctx.as[who].get('/assessment?period=2026-10'), 403, 'forbidden');
    assertError(await ctx.as[who].get('/assessment/export.csv?period=2026-10'), 403, 'forbidden');
    assertError(await ctx.as[who].get('/assessment/export.xlsx?period=2026-10'), 403, 'forbidden');
  }
  assertError(await ctx.as.po.get('/assessment?period=2026-10&unit_id=99999'), 404, 'not_found');
});
