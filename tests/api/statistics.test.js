// Statistics (issue 14 item 5, docs/statistics.md): a seeded year (tests/lib/stats-year.js)
// written straight into the store, and the JSON's counts checked against counts the test
// makes itself from what the generator wrote, drills and withdrawn registrations left out;
// the XLSX read with python3-openpyxl and matched to the JSON; the CSV's BOM; the annual
// report; drills' own number series; who may see which subtree.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { setupIncidents, register, registerActive, expectStatus, assertError, getBytes } = require('../lib/fixtures.js');
const { sql } = require('../lib/db.js');
const { generateYear, yearSql, expected, beijing } = require('../lib/stats-year.js');

const YEAR = 2025;
let world;
let po;
let year;
let personUnit;

test.before(async () => {
  world = await setupIncidents();
  po = world.as.petition_office;
  const { units } = world;
  const planId = Number(sql(world.srv, 'SELECT id FROM plans ORDER BY id LIMIT 1'));
  // Petitioners in each unit, written as the generator's rows are.
  const unitIds = [units.root, units.team, units.shift, units.dept];
  personUnit = new Map();
  const persons = [];
  unitIds.forEach((u, k) => {
    for (let j = 0; j < 3; j++) {
      const id = 90000 + k * 10 + j;
      persons.push(`(${id}, '信访人${id}', ${u}, 0, 0)`);
      personUnit.set(id, u);
    }
  });
  sql(world.srv, `INSERT INTO persons (id, name, unit_id, created_ms, updated_ms) VALUES ${persons.join(', ')};`);
  year = generateYear({ seed: 14, year: YEAR, n: 240, m: 360, units: unitIds, persons: [...personUnit.keys()],
    planId, mineId: units.root });
  sql(world.srv, yearSql(year));
});

test.after(async () => { if (world) await world.stop(); });

const from = beijing(YEAR, 1, 1);
const to = beijing(YEAR + 1, 1, 1);

// The JSON's list as {key: count}.
const asMap = (list) => Object.fromEntries(list.filter((x) => x.count).map((x) => [x.key, x.count]));

function checkAgainst(s, want) {
  assert.equal(s.incidents.total, want.incidents.total, 'incidents.total');
  for (const k of ['by_month', 'by_category', 'by_destination', 'by_grade', 'by_procedure', 'by_status']) {
    assert.deepEqual(asMap(s.incidents[k]), want.incidents[k], `incidents.${k}`);
  }
  assert.deepEqual(Object.fromEntries(s.incidents.by_unit.map((x) => [x.unit_id, x.count])),
    Object.fromEntries(Object.entries(want.incidents.by_unit).map(([k, v]) => [Number(k), v])), 'incidents.by_unit');
  assert.equal(s.incidents.time_to_activation.count, want.incidents.activated, 'activated count');
  assert.equal(s.incidents.time_to_resolution.count, want.incidents.resolved, 'resolved count');
  assert.equal(s.matters.total, want.matters.total, 'matters.total');
  for (const k of ['by_month', 'by_category', 'by_channel', 'by_outcome', 'by_satisfaction']) {
    assert.deepEqual(asMap(s.matters[k]), want.matters[k], `matters.${k}`);
  }
  const { acceptance, conclusion } = s.matters.deadlines;
  assert.deepEqual({ met: acceptance.met, missed: acceptance.missed, pending: acceptance.pending },
    want.matters.acceptance, 'acceptance within 15 days');
  assert.deepEqual({ met: conclusion.met, missed: conclusion.missed, pending: conclusion.pending },
    want.matters.conclusion, 'conclusion within 60 days (+ extension)');
}

test('the seeded year: every count matches the generator\'s rows, drills and withdrawn left out', async () => {
  const s = expectStatus(await po.get(`/statistics?from=${YEAR}-01-01&to=${YEAR}-12-31`), 200, 'GET /statistics');
  const want = expected(year, { from, to, personUnit });
  // The generator made drills and withdrawn registrations: they are really left out.
  const all = year.incidents.filter((i) => i.occurred >= from && i.occurred < to).length;
  assert.ok(all - want.incidents.total >= 20, `drills and withdrawn exist (${all} vs ${want.incidents.total})`);
  checkAgainst(s, want);
  assert.equal(s.period.time_zone, 'Asia/Shanghai');
  assert.equal(s.incidents.by_month.length, 12, 'every month, zeros included');
  // 31 December 23:30 Beijing is December; 1 January 00:30 Beijing is the next year.
  const dec = s.incidents.by_month.find((x) => x.key === `${YEAR}-12`).count;
  assert.equal(dec, want.incidents.by_month[`${YEAR}-12`] || 0);
  assert.ok(s.incidents.time_to_activation.median_ms > 0);
  assert.ok(s.incidents.time_to_activation.p90_ms >= s.incidents.time_to_activation.median_ms);
  // Labels are the fixed names, never text of an accusation.
  const cat = s.matters.by_category.find((x) => x.key === 'accusation');
  assert.equal(cat.label, '检举控告');
  assert.ok(!JSON.stringify(s).includes('内容'), 'no matter content');
});

test('a unit subtree, a single month, and a unit head sees their subtree only', async () => {
  const { units } = world;
  const team = new Set([units.team, units.shift]);
  const s = expectStatus(await po.get(`/statistics?from=${YEAR}-01-01&to=${YEAR}-12-31&unit_id=${units.team}`), 200, 'team');
  checkAgainst(s, expected(year, { from, to, units: team, personUnit }));
  assert.equal(s.unit.id, units.team);
  const march = expectStatus(await po.get(`/statistics?from=${YEAR}-03-01&to=${YEAR}-03-31`), 200, 'march');
  checkAgainst(march, expected(year, { from: beijing(YEAR, 3, 1), to: beijing(YEAR, 4, 1), personUnit }));
  // The unit head of 综采一队: their subtree by default, a unit below it, nothing else.
  const head = world.as.unit_head;
  const own = expectStatus(await head.get(`/statistics?from=${YEAR}-01-01&to=${YEAR}-12-31`), 200, 'head');
  checkAgainst(own, expected(year, { from, to, units: team, personUnit }));
  const shift = expectStatus(await head.get(`/statistics?from=${YEAR}-01-01&to=${YEAR}-12-31&unit_id=${units.shift}`), 200, 'shift');
  checkAgainst(shift, expected(year, { from, to, units: new Set([units.shift]), personUnit }));
  assertError(await head.get(`/statistics?unit_id=${units.dept}`), 403, 'forbidden', 'unit_id');
  assertError(await head.get(`/statistics?unit_id=${units.root}`), 403, 'forbidden', 'unit_id');
});

test('from and to are validated, naming the field', async () => {
  assertError(await po.get('/statistics?from=2025-13-01'), 400, 'bad_request', 'from');
  assertError(await po.get('/statistics?from=2025-02-30'), 400, 'bad_request', 'from');
  assertError(await po.get('/statistics?to=yesterday'), 400, 'bad_request', 'to');
  assertError(await po.get('/statistics?from=2025-05-01&to=2025-04-01'), 400, 'bad_request', 'to');
  assertError(await po.get('/statistics?unit_id=abc'), 400, 'bad_request', 'unit_id');
  assertError(await po.get('/statistics?unit_id=999999'), 400, 'invalid_field', 'unit_id');
  assertError(await po.get('/statistics/annual.pdf?year=20x5'), 400, 'bad_request', 'year');
});

test('every role: who may read statistics and exports', async () => {
  const paths = [`/statistics?from=${YEAR}-01-01&to=${YEAR}-12-31`, `/statistics/export.xlsx?from=${YEAR}-06-01&to=${YEAR}-06-30`,
    `/statistics/export.csv?from=${YEAR}-06-01&to=${YEAR}-06-30`];
  const allowed = { petition_office: 200, leader: 200, company: 200, auditor: 200, unit_head: 200,
    dispatch: 403, official: 403, admin: 403 };
  for (const [role, status] of Object.entries(allowed)) {
    for (const p of paths) {
      const r = await getBytes(world.as[role], p);
      assert.equal(r.status, status, `${role} ${p}: ${r.status}`);
    }
  }
  const anon = await fetch(`${world.srv.base}/api/v1/statistics`);
  assert.equal(anon.status, 401);
});

test('the XLSX: real sheets with Chinese headers and a chart sheet; its numbers are the JSON\'s', async () => {
  const q = `from=${YEAR}-01-01&to=${YEAR}-12-31&unit_id=${world.units.team}`;
  const s = expectStatus(await po.get(`/statistics?${q}`), 200, 'json');
  const r = await getBytes(po, `/statistics/export.xlsx?${q}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.match(r.headers.get('content-disposition'), /^attachment;/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  const file = path.join(world.srv.dir, 'stats.xlsx');
  fs.writeFileSync(file, r.body);
  // Debian's python3 has python3-openpyxl (a python3 earlier in PATH may not).
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const py = spawnSync(python, ['-c', `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames, "charts": [c.title for c in wb.chartsheets], "data": {}}
for ws in wb.worksheets:
    rows = list(ws.iter_rows(values_only=True))
    out["data"][ws.title] = {"title": rows[0][0], "header": list(rows[1]), "rows": [list(r) for r in rows[2:]]}
print(json.dumps(out, ensure_ascii=False))
`, file], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const book = JSON.parse(py.stdout);
  assert.ok(book.charts.includes('图表-按月'), `a chart sheet: ${book.sheets}`);
  const overview = book.data['概览'];
  assert.deepEqual(overview.header, ['指标', '数值']);
  assert.equal(overview.rows[0][1], s.incidents.total);
  assert.equal(overview.rows[1][1], s.matters.total);
  const months = book.data['按月'];
  assert.deepEqual(months.header, ['月份', '信访事件', '信访诉求']);
  assert.deepEqual(months.rows.map((x) => x[0]), s.incidents.by_month.map((x) => x.key));
  assert.deepEqual(months.rows.map((x) => x[1]), s.incidents.by_month.map((x) => x.count));
  assert.deepEqual(months.rows.map((x) => x[2]), s.matters.by_month.map((x) => x.count));
  const dest = book.data['事件-去向'];
  assert.deepEqual(dest.header, ['去向', '数量', '占比']);
  assert.deepEqual(Object.fromEntries(dest.rows.map((x) => [x[0], x[1]])),
    Object.fromEntries(s.incidents.by_destination.map((x) => [x.label, x.count])));
  const units = book.data['事件-单位'];
  assert.deepEqual(units.rows.map((x) => x[1]), s.incidents.by_unit.map((x) => x.count));
  const cats = book.data['诉求-类别'];
  assert.deepEqual(Object.fromEntries(cats.rows.map((x) => [x[0], x[1]])),
    Object.fromEntries(s.matters.by_category.map((x) => [x.label, x.count])));
  const dl = book.data['法定时限'];
  assert.deepEqual(dl.rows[0].slice(1, 4), [s.matters.deadlines.acceptance.met, s.matters.deadlines.acceptance.missed,
    s.matters.deadlines.acceptance.pending]);
  assert.deepEqual(dl.rows[1].slice(1, 4), [s.matters.deadlines.conclusion.met, s.matters.deadlines.conclusion.missed,
    s.matters.deadlines.conclusion.pending]);
});

test('the CSV is UTF-8 with a BOM and the same totals', async () => {
  const s = expectStatus(await po.get(`/statistics?from=${YEAR}-01-01&to=${YEAR}-12-31`), 200, 'json');
  const r = await getBytes(po, `/statistics/export.csv?from=${YEAR}-01-01&to=${YEAR}-12-31`);
  assert.equal(r.status, 200);
  assert.deepEqual([...r.body.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM');
  assert.match(r.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(r.headers.get('content-disposition'), /^attachment;/);
  const lines = r.body.subarray(3).toString('utf8').split('\r\n');
  assert.equal(lines[0], '统计项,项目,数量');
  assert.ok(lines.includes(`信访事件,合计（不含演练、作废）,${s.incidents.total}`), lines.slice(0, 6).join('\n'));
  assert.ok(lines.includes(`信访诉求,合计,${s.matters.total}`));
  for (const m of s.incidents.by_month) assert.ok(lines.includes(`事件-按月,${m.key},${m.count}`), m.key);
});

test('the annual report (Art. 41) as PDF and DOCX', async () => {
  const pdf = await getBytes(po, `/statistics/annual.pdf?year=${YEAR}`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
  assert.match(pdf.headers.get('content-disposition'), /^attachment;/);
  const docx = await getBytes(po, `/statistics/annual.docx?year=${YEAR}`);
  assert.equal(docx.status, 200);
  assert.equal(docx.body.subarray(0, 2).toString(), 'PK');
  assert.equal((await getBytes(world.as.official, `/statistics/annual.pdf?year=${YEAR}`)).status, 403);
});

test('drills number in their own series; registered drills and withdrawn registrations are not counted', async () => {
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  const q = `/statistics?from=${today}&to=${today}`;
  const before = expectStatus(await po.get(q), 200, 'before');
  const real1 = await register(po, { units: [world.units.team] });
  const drill = await registerActive(po, { units: [world.units.team], drill: true });
  const drill2 = await register(po, { drill: true });
  const real2 = await register(po, {});
  assert.match(drill.number, /^YL-XF-\d{4}-0001$/, drill.number);
  assert.match(drill2.number, /^YL-XF-\d{4}-0002$/, drill2.number);
  // Real numbers stay gapless: the drills took none of them.
  const n1 = Number(real1.number.split('-').pop());
  assert.equal(Number(real2.number.split('-').pop()), n1 + 1, `${real1.number} then ${real2.number}`);
  const gone = await register(po, {});
  expectStatus(await po.post(`/incidents/${gone.id}/transition`, { to: 'withdrawn', reason: '重复登记' }), 200, 'withdraw');
  const after = expectStatus(await po.get(q), 200, 'after');
  assert.equal(after.incidents.total, before.incidents.total + 2, 'two real incidents; drills and withdrawn left out');
  assert.ok(!after.incidents.by_status.some((x) => x.key === 'withdrawn'));
});
