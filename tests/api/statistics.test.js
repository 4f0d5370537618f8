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

test('a period cutting months: its whole months from the roll-up, the days at each end from the matters', async () => {
  const { units } = world;
  const cut = { from: beijing(YEAR, 2, 15), to: beijing(YEAR, 5, 11) };
  const s = expectStatus(await po.get(`/statistics?from=${YEAR}-02-15&to=${YEAR}-05-10`), 200, 'cut');
  checkAgainst(s, expected(year, { ...cut, personUnit }));
  const team = expectStatus(await po.get(`/statistics?from=${YEAR}-02-15&to=${YEAR}-05-10&unit_id=${units.team}`), 200, 'team');
  checkAgainst(team, expected(year, { ...cut, units: new Set([units.team, units.shift]), personUnit }));
  const days = expectStatus(await po.get(`/statistics?from=${YEAR}-07-03&to=${YEAR}-07-19`), 200, 'days');
  checkAgainst(days, expected(year, { from: beijing(YEAR, 7, 3), to: beijing(YEAR, 7, 20), personUnit }));
});

// Every kind of write that changes what a matter counts for, straight in the database as
// any writer would; the roll-up (migration 25's triggers) must then equal a recount.
test('the roll-ups equal the matters and incidents recounted after every kind of write', async () => {
  const { units } = world;
  const cols = { matter: 'unit_id, month, dim, key', incident: 'month, dim, key, label, unit_id' };
  const rollup = (t) => sql(world.srv, `SELECT ${cols[t]}, n FROM ${t}_statistics WHERE n <> 0 ORDER BY ${cols[t]}`);
  const recount = (t) => sql(world.srv, `SELECT ${cols[t]}, count(*) FROM ${t}_statistics_rows`
    + ` GROUP BY ${cols[t]} ORDER BY ${cols[t]}`);
  // Rows of either roll-up that a recount does not give, and rows a recount gives that
  // the roll-up lacks: 0 when both are right (one statement, so a write and its check
  // are one psql/sqlite3 run).
  const differ = ['matter', 'incident'].map((t) => {
    const kept = `SELECT ${cols[t]}, n FROM ${t}_statistics WHERE n <> 0`;
    const counted = `SELECT ${cols[t]}, count(*) FROM ${t}_statistics_rows GROUP BY ${cols[t]}`;
    return `(SELECT count(*) FROM (${kept} EXCEPT ${counted}) a) + (SELECT count(*) FROM (${counted} EXCEPT ${kept}) b)`;
  }).join(' + ');
  const same = (what, write = '') => {
    const out = sql(world.srv, `${write}${write ? '; ' : ''}SELECT ${differ}`);
    if (out.split('\n').pop() !== '0') {
      for (const t of ['matter', 'incident']) assert.equal(rollup(t), recount(t), `${t}s: ${what}`);
    }
    assert.equal(out.split('\n').pop(), '0', what);
  };
  assert.ok(rollup('matter').split('\n').length > 100, 'the roll-up holds the seeded year');
  assert.ok(rollup('incident').split('\n').length > 50, 'the roll-up holds the seeded year');
  same('after the seeded year');
  const ms = year.matters;
  const open = ms.filter((m) => m.accepted === null);
  const accepted = ms.filter((m) => m.accepted !== null && m.concluded === null);
  const unitless = ms.find((m) => m.unit === null);
  const withIncident = ms.find((m) => m.incident !== null && !year.incidents.find((i) => i.id === m.incident).drill);
  const day = 24 * 3600 * 1000;
  const real = year.incidents.filter((i) => !i.drill && i.status !== 'withdrawn' && i.units.length
    && !ms.some((m) => m.incident === i.id));
  const writes = [
    `UPDATE matters SET accepted_ms = received_ms + 1000 WHERE id = ${open[0].id}`,
    `UPDATE matters SET accepted_ms = received_ms + ${20 * day} WHERE id = ${open[1].id}`,
    `UPDATE matters SET acceptance_notice_ms = received_ms + ${3 * day} WHERE id = ${open[2].id}`,
    `UPDATE matters SET concluded_ms = accepted_ms + ${100 * day} WHERE id = ${accepted[0].id}`,
    `UPDATE matters SET extension_days = 30, answered_ms = accepted_ms + ${80 * day} WHERE id = ${accepted[1].id}`,
    `UPDATE matters SET category = 'suggestion', channel = NULL, outcome = 'supported', satisfaction = 'satisfied' WHERE id = ${ms[3].id}`,
    `UPDATE matters SET received_ms = received_ms + ${40 * day} WHERE id = ${ms[4].id}`,
    `UPDATE matters SET unit_id = NULL WHERE id = ${ms[5].id}`,
    `UPDATE matters SET unit_id = ${units.dept} WHERE id = ${ms[6].id}`,
    `UPDATE matters SET person_id = ${unitless.person === ms[7].person ? ms[8].person : ms[7].person} WHERE id = ${unitless.id}`,
    `UPDATE persons SET unit_id = ${units.dept} WHERE id = ${unitless.person}`,
    `UPDATE persons SET unit_id = NULL WHERE id = ${ms[9].person}`,
    `UPDATE incidents SET status = 'withdrawn' WHERE id = ${withIncident.incident}`,
    `UPDATE incidents SET drill = 1 WHERE id = ${ms.find((m) => m.incident !== null && m.incident !== withIncident.incident).incident}`,
    `UPDATE incidents SET status = 'archived' WHERE id = ${withIncident.incident}`,
    `UPDATE matters SET alarm_ms = 1 WHERE id = ${ms[10].id}`,
    `DELETE FROM matters WHERE id = ${ms[11].id}`,
    `UPDATE incidents SET status = 'resolving' WHERE id = ${real[0].id}`,
    `UPDATE incidents SET grade = 'I', grade_name = '一级', procedure = 'B' WHERE id = ${real[1].id}`,
    `UPDATE incidents SET occurred_ms = occurred_ms + ${45 * day} WHERE id = ${real[2].id}`,
    `UPDATE incidents SET category = '其他', destination = 'national' WHERE id = ${real[3].id}`,
    `INSERT INTO incident_units (incident_id, unit_id) VALUES (${real.find((i) => !i.units.includes(units.dept)).id}, ${units.dept})`,
    `DELETE FROM incident_units WHERE incident_id = ${real[5].id} AND unit_id = ${real[5].units[0]}`,
    `UPDATE incidents SET drill = 1 WHERE id = ${real[6].id}`,
    `UPDATE incidents SET status = 'withdrawn' WHERE id = ${real[7].id}`,
    `UPDATE incidents SET updated_ms = updated_ms + 1 WHERE id = ${real[8].id}`,
  ];
  for (const w of writes) same(w, w);
  // A matter registered through the API is counted at once, in its month and unit.
  const before = expectStatus(await po.get('/statistics'), 200, 'before').matters.total;
  const person = expectStatus(await po.post('/persons', { name: '统计测试人', unit_id: units.team }), 201, 'person');
  expectStatus(await po.post('/matters', { person_id: person.id, category: 'appeal', content: '工资', channel: 'letter',
    received_at: new Date(Date.now() - 3 * day).toISOString() }), 201, 'matter');
  same('a matter registered through the API');
  // An incident registered through the API: counted at once in the roll-up of incidents.
  const incidents = expectStatus(await po.get('/statistics'), 200, 'incidents').incidents.total;
  await register(po, { units: [units.team] });
  same('an incident registered through the API');
  assert.equal(expectStatus(await po.get('/statistics'), 200, 'after').incidents.total, incidents + 1);
  assert.equal(expectStatus(await po.get('/statistics'), 200, 'after').matters.total, before + 1);
});

// Clocks still open when the statistics are read: the roll-up knows the month each falls
// due; those due this month are counted from the matters. The same months read whole
// (roll-up) and as half months (from the matters) must agree on every deadline count.
test('open clocks due this month: whole months (roll-up) equal their halves (matters)', async () => {
  const day = 24 * 3600 * 1000;
  const now = Date.now();
  const person = expectStatus(await po.post('/persons', { name: '时限测试人', unit_id: world.units.team }), 201, 'person');
  const matter = async (receivedAgo) => expectStatus(await po.post('/matters', { person_id: person.id, category: 'appeal',
    content: `时限${receivedAgo}`, channel: 'visit', received_at: new Date(now - receivedAgo).toISOString() }), 201, 'matter');
  await matter(16 * day); // acceptance past due since a day
  await matter(day); // acceptance running
  await matter(15 * day - 3600 * 1000); // acceptance due in an hour
  const late = await matter(75 * day);
  const running = await matter(70 * day);
  // accepted 14 and 11 days after receipt: the conclusion fell due a day ago / falls due in 2 days
  sql(world.srv, `UPDATE matters SET accepted_ms = ${now - 61 * day} WHERE id = ${late.id}`);
  sql(world.srv, `UPDATE matters SET accepted_ms = ${now - 58 * day} WHERE id = ${running.id}`);
  // Beijing months from three before this one to this one, and their halves.
  const bj = new Date(now + 8 * 3600 * 1000);
  const months = [];
  for (let k = 3; k >= 0; k--) {
    const d = new Date(Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth() - k, 1));
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    months.push({ y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, last });
  }
  const ymd = (y, m, dd) => `${y}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
  const pick = ({ met, missed, pending }) => ({ met, missed, pending });
  const deadlines = (s) => ({ acceptance: pick(s.matters.deadlines.acceptance), conclusion: pick(s.matters.deadlines.conclusion) });
  const first = months[0];
  const lastMonth = months[months.length - 1];
  const whole = expectStatus(await po.get(`/statistics?from=${ymd(first.y, first.m, 1)}&to=${ymd(lastMonth.y, lastMonth.m, lastMonth.last)}`), 200, 'whole');
  const sum = { acceptance: { met: 0, missed: 0, pending: 0 }, conclusion: { met: 0, missed: 0, pending: 0 } };
  let total = 0;
  for (const { y, m, last } of months) {
    for (const [a, b] of [[1, 14], [15, last]]) {
      const half = expectStatus(await po.get(`/statistics?from=${ymd(y, m, a)}&to=${ymd(y, m, b)}`), 200, 'half');
      total += half.matters.total;
      for (const c of ['acceptance', 'conclusion']) {
        for (const k of ['met', 'missed', 'pending']) sum[c][k] += deadlines(half)[c][k];
      }
    }
  }
  assert.equal(whole.matters.total, total, 'matters.total');
  assert.deepEqual(deadlines(whole).acceptance, sum.acceptance, 'acceptance: whole months vs halves');
  assert.deepEqual(deadlines(whole).conclusion, sum.conclusion, 'conclusion: whole months vs halves');
  assert.ok(deadlines(whole).acceptance.missed >= 1 && deadlines(whole).acceptance.pending >= 2, JSON.stringify(deadlines(whole)));
  assert.ok(deadlines(whole).conclusion.missed >= 1 && deadlines(whole).conclusion.pending >= 1, JSON.stringify(deadlines(whole)));
});
