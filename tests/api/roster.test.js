// API tests of the rosters (docs/roster.md) against a real server: the CSV import of
// units and of a GBK staff roster (dry run, real import, re-import changes nothing, a
// bad file imports nothing), the command line import, CRUD of staff, leadership group,
// duty roster and department contacts with their audit events, the permissions of every
// roster route per role, and the people to call on the tasks of an incident.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { binary, root } = require('../lib/server.js');
const { setupIncidents, assertError, expectStatus, registerActive, tasksOf, auditEvents } =
  require('../lib/fixtures.js');

const HOUR = 3600 * 1000;
const CSV = { 'content-type': 'text/csv' };
const FIXTURES = path.join(root, 'tests', 'unit', 'fixtures');

// UTF-8 text to GBK bytes, the way a Chinese Excel saves CSV (iconv, as for the fixtures).
function gbk(text) {
  const r = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: Buffer.from(text, 'utf8') });
  assert.equal(r.status, 0, `iconv: ${r.stderr}`);
  return r.stdout;
}

let env; // { srv, admin, as, units, stop }
let admin;
const made = {}; // ids created along the way

before(async () => {
  env = await setupIncidents({ roles: ['petition_office', 'leader', 'unit_head', 'official', 'company'] });
  admin = env.admin;
});

after(async () => { if (env) await env.stop(); });

async function units() { return expectStatus(await admin.get('/units'), 200, 'GET /units').units; }
async function staff(client = admin) {
  return expectStatus(await client.get('/staff?limit=5000'), 200, 'GET /staff').staff;
}
async function eventCount() { return (await auditEvents(admin)).length; }

function assertReport(r, fields) {
  for (const k of ['ok', 'encoding', 'rows', 'problems', 'problems_dropped', 'ignored_columns',
    'created', 'updated', 'unchanged']) assert.ok(k in r, `report has '${k}': ${JSON.stringify(r)}`);
  for (const [k, v] of Object.entries(fields)) assert.deepEqual(r[k], v, `${k} in ${JSON.stringify(r)}`);
}

const UNITS_CSV = '名称,上级单位,类型\n保卫科,本矿,科室\n矿长办公室,本矿,科室\n工会,本矿,其他\n' +
  '退休支部,工会,其他\n一班,综采一队,区队\n';

test('unit import: dry run, import, and the same file again changes nothing', async () => {
  const beforeUnits = await units();
  const events = await eventCount();
  const dry = expectStatus(await admin.post('/imports/units?dry_run=1', UNITS_CSV, CSV), 200, 'dry run');
  assertReport(dry, { ok: true, encoding: 'utf-8', rows: 5, problems: [], created: 5, updated: 0, unchanged: 0 });
  assert.deepEqual(await units(), beforeUnits, 'a dry run imports nothing');
  assert.equal(await eventCount(), events, 'a dry run is no event');

  const real = expectStatus(await admin.post('/imports/units', UNITS_CSV, CSV), 200, 'import');
  assertReport(real, { ok: true, created: 5, updated: 0, unchanged: 0 });
  const list = await units();
  const byName = (n, parent) => list.find((u) => u.name === n && u.parent_id === parent);
  for (const n of ['保卫科', '矿长办公室', '工会']) {
    const u = byName(n, env.units.root);
    assert.ok(u, `${n} under the root`);
    made[n] = u.id;
  }
  assert.equal(byName('保卫科', env.units.root).kind, 'department');
  assert.equal(byName('工会', env.units.root).kind, 'other');
  assert.ok(byName('退休支部', made['工会']), '退休支部 under the 工会 made on an earlier line');
  assert.equal(byName('一班', env.units.team).kind, 'team');

  const evs = await auditEvents(admin);
  const ev = evs[evs.length - 1];
  assert.equal(ev.action, 'unit.import');
  assert.equal(ev.object_type, 'import');
  assert.equal(ev.object_id, 'units');
  assert.equal(ev.data.created, 5);
  assert.match(ev.data.sha256, /^[0-9a-f]{64}$/);
  assert.match(ev.data.summary, /导入单位：新增 5/);

  const again = expectStatus(await admin.post('/imports/units', UNITS_CSV, CSV), 200, 're-import');
  assertReport(again, { ok: true, created: 0, updated: 0, unchanged: 5 });
  assert.deepEqual(await units(), list);
  assert.equal(await eventCount(), evs.length, 'an import that changes nothing is no event');

  // a changed kind is an update
  const changed = expectStatus(await admin.post('/imports/units', '名称,上级单位,类型\n工会,本矿,department\n', CSV), 200, 'kind');
  assertReport(changed, { created: 0, updated: 1, unchanged: 0 });
  assert.equal((await units()).find((u) => u.id === made['工会']).kind, 'department');
});

test('unit import needs unit.write: the petition office and an official are refused', async () => {
  assertError(await env.as.petition_office.post('/imports/units?dry_run=1', UNITS_CSV, CSV), 403, 'forbidden');
  assertError(await env.as.official.post('/imports/units', UNITS_CSV, CSV), 403, 'forbidden');
});

test('staff import of a GBK file: dry run, import, re-import unchanged, changed rows updated', async () => {
  const bytes = fs.readFileSync(path.join(FIXTURES, 'staff-gbk.csv')); // iconv -f UTF-8 -t GBK
  const dry = expectStatus(await env.as.petition_office.post('/imports/staff?dry_run=1', bytes, CSV), 200, 'dry run');
  assertReport(dry, { ok: true, encoding: 'gb18030', rows: 4, problems: [], created: 4, updated: 0, unchanged: 0 });
  assert.equal((await staff()).length, 0, 'a dry run imports nothing');

  const real = expectStatus(await env.as.petition_office.post('/imports/staff', bytes, CSV), 200, 'import');
  assertReport(real, { ok: true, encoding: 'gb18030', created: 4, updated: 0, unchanged: 0 });
  const list = await staff();
  assert.equal(list.length, 4);
  const zs = list.find((s) => s.staff_number === '1001');
  assert.deepEqual({ ...zs, id: 0 }, { id: 0, staff_number: '1001', name: '张三', unit_id: made['保卫科'],
    unit: '保卫科', position: '科长', phone: '13800000001', user_id: null });
  assert.equal(list.find((s) => s.staff_number === '1002').phone, '0351-1234567转801');
  assert.equal(list.find((s) => s.staff_number === '1003').unit, '一班'); // 综采一队/一班
  assert.equal(list.find((s) => s.staff_number === '1004').position, '主席,兼退休支部书记');

  const events = await eventCount();
  const again = expectStatus(await env.as.petition_office.post('/imports/staff', bytes, CSV), 200, 're-import');
  assertReport(again, { ok: true, created: 0, updated: 0, unchanged: 4 });
  assert.deepEqual(await staff(), list, 're-importing the same file changes nothing');
  assert.equal(await eventCount(), events);

  // One phone changed, one person added; the position column left out keeps positions.
  const next = gbk('工号,姓名,单位,电话\n1001,张三,保卫科,13900000001\n1002,李四,矿长办公室,0351-1234567转801\n' +
    '1003,王五,综采一队/一班,\n1004,赵六,工会,13800000004\n1005,钱七,保卫科,13800000005\n');
  const upd = expectStatus(await env.as.petition_office.post('/imports/staff', next, CSV), 200, 'update');
  assertReport(upd, { ok: true, created: 1, updated: 1, unchanged: 3 });
  const after1 = await staff();
  assert.equal(after1.find((s) => s.staff_number === '1001').phone, '13900000001');
  assert.equal(after1.find((s) => s.staff_number === '1001').position, '科长');
  assert.equal(after1.find((s) => s.staff_number === '1005').name, '钱七');
  const evs = await auditEvents(admin);
  const ev = evs[evs.length - 1];
  assert.equal(ev.action, 'staff.import');
  assert.equal(ev.actor, 'xfb');
  assert.deepEqual([ev.data.created, ev.data.updated, ev.data.unchanged, ev.data.encoding], [1, 1, 3, 'gb18030']);
  assert.deepEqual(ev.data.changed.sort(), ['1001', '1005']);
  assert.match(ev.data.summary, /导入员工花名册：新增 1，更新 1，未变 3/);
});

test('a bad staff file imports nothing: problems by line and field, 422 without dry run', async () => {
  const file = gbk('工号,姓名,单位,职务,电话\n3001,周一,保卫科,,\n3002,,保卫科,,\n3003,吴二,综采九队,,\n' +
    '3001,郑三,工会,,\n3004,王四,工会,,电话\n');
  const expected = [
    { line: 3, field: 'name', message: "'name' is required" },
    { line: 4, field: 'unit', message: "unknown unit '综采九队'" },
    { line: 5, field: 'staff_number', message: "staff number '3001' is listed twice (first on line 2)" },
    { line: 6, field: 'phone', message: "'phone' '电话' must be digits, spaces, + - ( ) # * , / or 转" },
  ];
  const before1 = await staff();
  const events = await eventCount();
  const dry = expectStatus(await admin.post('/imports/staff?dry_run=1', file, CSV), 200, 'dry run');
  assertReport(dry, { ok: false, encoding: 'gb18030', rows: 5, problems: expected });

  const r = await admin.post('/imports/staff', file, CSV);
  assertError(r, 422, 'invalid_rows');
  assert.deepEqual(r.json.error.problems, expected);
  assert.equal(r.json.error.encoding, 'gb18030');
  assert.equal(r.json.error.rows, 5);
  assert.match(r.json.error.message, /4 problems; nothing was imported/);
  assert.deepEqual(await staff(), before1, 'not even the good row 3001 is imported');
  assert.equal(await eventCount(), events);

  // Neither text nor CSV: one problem for the file.
  const xlsx = await admin.post('/imports/staff', Buffer.from('PK\x03\x04zip...'), CSV);
  assertError(xlsx, 422, 'invalid_rows');
  assert.match(xlsx.json.error.problems[0].message, /Excel workbook/);
  const empty = expectStatus(await admin.post('/imports/staff?dry_run=1', '', CSV), 200, 'empty');
  assertReport(empty, { ok: false, rows: 0 });
  assert.match(empty.problems[0].message, /the file is empty/);
  assertError(await admin.post('/imports/staff?dry_run=yes', 'x', CSV), 400, 'bad_request', 'dry_run');
});

test('the command line imports with the same checks, and --dry-run imports nothing', () => {
  const dir = fs.mkdtempSync(path.join(env.srv.dir, 'cli-'));
  const run = (...args) => spawnSync(binary, ['import', ...args, '--db', env.srv.db], { encoding: 'utf8' });
  const bad = path.join(dir, 'bad.csv');
  fs.writeFileSync(bad, gbk('工号,姓名,单位\n4001,,保卫科\n4002,孙五,不存在的单位\n'));
  let r = run('staff', bad);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: name: 'name' is required`));
  assert.match(r.stdout, /:3: unit: unknown unit '不存在的单位'/);
  assert.match(r.stdout, /gb18030, 2 rows, 2 problems; nothing was imported/);

  const good = path.join(dir, 'units.csv');
  fs.writeFileSync(good, '\ufeffname,parent,kind\n掘进二队,本矿,team\n');
  r = run('units', good, '--dry-run');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /utf-8, 1 rows: 1 to create, 0 to update, 0 unchanged \(dry run/);
  r = run('units', good);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 created, 0 updated, 0 unchanged/);
  r = run('units', good);
  assert.match(r.stdout, /0 created, 0 updated, 1 unchanged/);

  r = spawnSync(binary, ['import', 'staff', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^usage: xinfang import units\|staff FILE/);
  assert.equal(spawnSync(binary, ['import', 'people', good], { encoding: 'utf8' }).status, 2);
  r = spawnSync(binary, ['import', 'units', good, '--db', path.join(dir, 'none.db')], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot open database/);
});

test('staff: create, read, change, delete, with field errors', async () => {
  const po = env.as.petition_office;
  const c = expectStatus(await admin.post('/staff', { staff_number: 'S100', name: '冯八', unit_id: made['保卫科'],
    position: '干事', phone: '13700000001' }), 201, 'POST /staff');
  assert.deepEqual({ ...c, id: 0 }, { id: 0, staff_number: 'S100', name: '冯八', unit_id: made['保卫科'],
    unit: '保卫科', position: '干事', phone: '13700000001', user_id: null });
  made.s100 = c.id;

  assertError(await po.post('/staff', { staff_number: 'S100', name: 'x', unit_id: env.units.root }), 409, 'conflict', 'staff_number');
  assertError(await po.post('/staff', { staff_number: 'S101', name: 'x', unit_id: 99999 }), 400, 'invalid_field', 'unit_id');
  assertError(await po.post('/staff', { staff_number: 'S101', name: 'x', unit_id: env.units.root, phone: 'abc' }), 400, 'invalid_field', 'phone');
  assertError(await po.post('/staff', { staff_number: 'S 101', name: 'x', unit_id: env.units.root }), 400, 'invalid_field', 'staff_number');
  assertError(await po.post('/staff', { name: 'x', unit_id: env.units.root }), 400, 'invalid_field', 'staff_number');
  assertError(await po.post('/staff', { staff_number: 'S101', name: 'x', unit_id: env.units.root, age: 3 }), 400, 'invalid_field', 'age');
  assertError(await po.post('/staff', { staff_number: 'S101', name: 'x', unit_id: env.units.root, user_id: 9999 }), 400, 'invalid_field', 'user_id');

  // link to an account; a second link to the same account is refused
  const p = expectStatus(await po.patch(`/staff/${c.id}`, { phone: '13700000002', user_id: env.as.unit_head.user.id }), 200, 'PATCH');
  assert.equal(p.phone, '13700000002');
  assert.equal(p.user_id, env.as.unit_head.user.id);
  const other = (await staff()).find((s) => s.staff_number === '1002');
  assertError(await po.patch(`/staff/${other.id}`, { user_id: env.as.unit_head.user.id }), 409, 'conflict', 'user_id');
  assertError(await po.patch(`/staff/${other.id}`, { staff_number: 'S100' }), 409, 'conflict', 'staff_number');
  expectStatus(await po.patch(`/staff/${c.id}`, { user_id: null }), 200, 'unlink');
  assertError(await po.patch('/staff/99999', { name: 'x' }), 404, 'not_found');

  // filters and paging
  const byUnit = expectStatus(await po.get(`/staff?unit_id=${made['保卫科']}`), 200, 'by unit').staff;
  assert.ok(byUnit.length >= 2 && byUnit.every((s) => s.unit_id === made['保卫科']));
  const q = expectStatus(await po.get(`/staff?q=${encodeURIComponent('冯')}`), 200, 'q').staff;
  assert.deepEqual(q.map((s) => s.staff_number), ['S100']);
  const page1 = expectStatus(await po.get('/staff?limit=2'), 200, 'page 1');
  assert.equal(page1.staff.length, 2);
  assert.equal(page1.next_after_id, page1.staff[1].id);
  const page2 = expectStatus(await po.get(`/staff?limit=2&after_id=${page1.next_after_id}`), 200, 'page 2');
  assert.ok(page2.staff[0].id > page1.staff[1].id);

  const tmp = expectStatus(await po.post('/staff', { staff_number: 'TMP1', name: '临时', unit_id: env.units.root }), 201, 'tmp');
  assert.equal((await po.del(`/staff/${tmp.id}`)).status, 204);
  assertError(await po.del(`/staff/${tmp.id}`), 404, 'not_found');

  const evs = (await auditEvents(admin)).filter((e) => e.object_type === 'staff');
  assert.deepEqual(evs.map((e) => e.action), ['staff.create', 'staff.update', 'staff.update', 'staff.create', 'staff.delete']);
  assert.equal(evs[0].data.summary, '新增员工「冯八」（工号 S100，保卫科）');
  assert.equal(evs[1].object_id, String(c.id));
  assert.deepEqual(evs[1].data.phone, '13700000002');
  assert.equal(evs[4].data.summary, '删除员工「临时」（工号 TMP1）');
});

test('leadership group: positions from the plan, ordered 组长, 副组长, 成员', async () => {
  const list0 = expectStatus(await admin.get('/leadership'), 200, 'GET');
  assert.deepEqual(list0.positions, ['组长', '副组长', '成员']);
  const zs = (await staff()).find((s) => s.staff_number === '1001');
  // the leader account gets a phone; a member who is a user takes it
  expectStatus(await admin.patch(`/users/${env.as.leader.user.id}`, { phone: '13600000002' }), 200, 'user phone');
  const member = expectStatus(await admin.post('/leadership', { position: '成员', staff_id: made.s100 }), 201, 'member');
  const deputy = expectStatus(await admin.post('/leadership', { position: '副组长', user_id: env.as.leader.user.id }), 201, 'deputy');
  const head = expectStatus(await admin.post('/leadership', { position: '组长', staff_id: zs.id, phone: '13500000001' }), 201, 'head');
  assert.deepEqual({ ...head, id: 0 }, { id: 0, position: '组长', staff_id: zs.id, user_id: null, name: '张三',
    phone: '13500000001', sort_order: 0, on_duty: false });
  assert.equal(deputy.name, '领导小组李四');
  assert.equal(deputy.phone, '13600000002');
  assert.equal(member.phone, '13700000002', 'the staff phone when the member has none of its own');
  made.head = head.id;

  const list = expectStatus(await env.as.official.get('/leadership'), 200, 'GET').leadership;
  assert.deepEqual(list.map((m) => m.position), ['组长', '副组长', '成员']);

  assertError(await admin.post('/leadership', { position: '主任', staff_id: zs.id }), 400, 'invalid_field', 'position');
  assertError(await admin.post('/leadership', { position: '成员' }), 400, 'invalid_field', 'staff_id');
  assertError(await admin.post('/leadership', { position: '成员', staff_id: 99999 }), 400, 'invalid_field', 'staff_id');

  const p = expectStatus(await admin.patch(`/leadership/${member.id}`, { sort_order: 5, phone: '' }), 200, 'PATCH');
  assert.equal(p.sort_order, 5);
  assertError(await admin.patch(`/leadership/${member.id}`, { staff_id: null }), 400, 'invalid_field', 'staff_id');
  // a member of the roster cannot be deleted while in the group
  assertError(await admin.del(`/staff/${made.s100}`), 409, 'conflict');
  assert.equal((await admin.del(`/leadership/${member.id}`)).status, 204);
  assertError(await admin.del(`/leadership/${member.id}`), 404, 'not_found');

  const evs = (await auditEvents(admin)).filter((e) => e.object_type === 'leadership');
  assert.deepEqual(evs.map((e) => e.action), ['leadership.create', 'leadership.create', 'leadership.create',
    'leadership.update', 'leadership.delete']);
  assert.equal(evs[2].data.summary, '领导小组新增组长「张三」');
  assert.equal(evs[4].data.summary, '领导小组移除成员「冯八」');
});

test('duty roster: shifts, who is on duty now and whom to call now', async () => {
  const now = Date.now();
  const iso = (t) => new Date(t).toISOString();
  const qian = (await staff()).find((s) => s.staff_number === '1005');
  const shift = expectStatus(await env.as.petition_office.post('/duty', { staff_id: qian.id,
    starts_at: iso(now - HOUR), ends_at: iso(now + HOUR), note: '大门值守' }), 201, 'POST /duty');
  assert.equal(shift.name, '钱七');
  assert.equal(shift.unit, '保卫科');
  assert.equal(shift.phone, '13800000005');
  assert.equal(shift.on_duty, true);
  assert.equal(shift.starts_at, iso(now - HOUR));
  made.shift = shift.id;
  // a shift tomorrow, given in Beijing time
  const d = new Date(now + 24 * HOUR + 8 * HOUR);
  const day = d.toISOString().slice(0, 10);
  const later = expectStatus(await env.as.petition_office.post('/duty', { staff_id: made.s100,
    starts_at: `${day}T08:00:00+08:00`, ends_at: `${day}T20:00:00+08:00` }), 201, 'later');
  assert.equal(later.starts_at, `${day}T00:00:00.000Z`);
  assert.equal(later.on_duty, false);

  const ranged = expectStatus(await env.as.official.get(`/duty?from=${encodeURIComponent(iso(now))}&to=${encodeURIComponent(iso(now + 3 * 24 * HOUR))}`), 200, 'range');
  assert.deepEqual(ranged.shifts.map((s) => s.id), [shift.id, later.id]);
  const none = expectStatus(await admin.get(`/duty?from=${encodeURIComponent(iso(now + 48 * HOUR))}&to=${encodeURIComponent(iso(now + 49 * HOUR))}`), 200, 'none');
  assert.deepEqual(none.shifts, []);

  const onDuty = expectStatus(await env.as.official.get('/duty/now'), 200, 'GET /duty/now');
  assert.deepEqual(onDuty.on_duty.map((s) => s.id), [shift.id]);
  assert.deepEqual(onDuty.call.map((c) => [c.name, c.phone, c.on_duty]), [
    ['钱七', '13800000005', true], ['张三', '13500000001', false], ['领导小组李四', '13600000002', false]]);
  assert.match(onDuty.call[0].reason, /值班/);
  assert.equal(onDuty.call[1].reason, '领导小组组长');

  assertError(await admin.post('/duty', { staff_id: qian.id, starts_at: iso(now), ends_at: iso(now - 1) }), 400, 'invalid_field', 'ends_at');
  assertError(await admin.post('/duty', { staff_id: qian.id, starts_at: '2026-11-28 08:00', ends_at: iso(now) }), 400, 'invalid_field', 'starts_at');
  assertError(await admin.post('/duty', { staff_id: 99999, starts_at: iso(now), ends_at: iso(now + HOUR) }), 400, 'invalid_field', 'staff_id');
  assertError(await admin.get('/duty?from=yesterday'), 400, 'bad_request', 'from');
  assert.equal((await admin.del(`/duty/${later.id}`)).status, 204);
  assertError(await admin.del(`/duty/${later.id}`), 404, 'not_found');
  const evs = (await auditEvents(admin)).filter((e) => e.object_type === 'duty');
  assert.deepEqual(evs.map((e) => e.action), ['duty.create', 'duty.create', 'duty.delete']);
  assert.match(evs[1].data.summary, /^排班：冯八（保卫科）\d\d-\d\d 08:00 至 \d\d-\d\d 20:00（北京时间）$/);
});

test('department contacts: create, change, delete', async () => {
  const c = expectStatus(await env.as.petition_office.post('/contacts', { label: '保卫科', unit_id: made['保卫科'],
    person: '保卫科值班室', phone: '0351-7654321', note: '24 小时' }), 201, 'POST');
  assert.deepEqual({ ...c, id: 0 }, { id: 0, label: '保卫科', unit_id: made['保卫科'], unit: '保卫科',
    person: '保卫科值班室', phone: '0351-7654321', note: '24 小时' });
  const office = expectStatus(await admin.post('/contacts', { label: '矿长办公室', person: '刘主任', phone: '13300000001' }), 201, 'office');
  assert.equal(office.unit, null);
  const tmp = expectStatus(await admin.post('/contacts', { label: '退休支部', phone: '13300000009' }), 201, 'tmp');
  const p = expectStatus(await admin.patch(`/contacts/${tmp.id}`, { person: '老周', unit_id: made['工会'] }), 200, 'PATCH');
  assert.equal(p.person, '老周');
  assert.equal(p.unit, '工会');
  assertError(await admin.patch(`/contacts/${tmp.id}`, { unit_id: 99999 }), 400, 'invalid_field', 'unit_id');
  assertError(await admin.post('/contacts', { label: '' }), 400, 'invalid_field', 'label');
  assertError(await admin.post('/contacts', { label: '工会', phone: 'x' }), 400, 'invalid_field', 'phone');
  const list = expectStatus(await env.as.official.get('/contacts'), 200, 'GET').contacts;
  assert.deepEqual(list.map((x) => x.label), ['保卫科', '矿长办公室', '退休支部']);
  assert.equal((await admin.del(`/contacts/${tmp.id}`)).status, 204);
  assertError(await admin.del(`/contacts/${tmp.id}`), 404, 'not_found');
  const evs = (await auditEvents(admin)).filter((e) => e.object_type === 'contact');
  assert.deepEqual(evs.map((e) => e.action), ['contact.create', 'contact.create', 'contact.create',
    'contact.update', 'contact.delete']);
  assert.equal(evs[0].data.summary, '新增部门联系人「保卫科」保卫科值班室');
});

test('permissions: admin and the petition office write; an official reads only; no roster.read, no access', async () => {
  const reads = ['/staff', '/leadership', '/duty', '/duty/now', '/contacts'];
  const writes = [['POST', '/staff', { staff_number: 'P1', name: 'x', unit_id: env.units.root }],
    ['PATCH', `/staff/${made.s100}`, { name: 'x' }], ['DELETE', `/staff/${made.s100}`],
    ['POST', '/leadership', { position: '成员', staff_id: made.s100 }], ['PATCH', `/leadership/${made.head}`, {}],
    ['DELETE', `/leadership/${made.head}`], ['POST', '/duty', {}], ['DELETE', `/duty/${made.shift}`],
    ['POST', '/contacts', { label: 'x' }], ['PATCH', '/contacts/1', {}], ['DELETE', '/contacts/1'],
    ['POST', '/imports/staff?dry_run=1', 'x']];
  for (const p of reads) {
    for (const role of ['official', 'leader', 'unit_head', 'petition_office']) {
      expectStatus(await env.as[role].get(p), 200, `${role} GET ${p}`);
    }
    expectStatus(await admin.get(p), 200, `admin GET ${p}`);
    assertError(await env.as.company.get(p), 403, 'forbidden');
  }
  for (const [method, p, body] of writes) {
    for (const role of ['official', 'company', 'leader', 'unit_head']) {
      assertError(await env.as[role].request(method, p, body), 403, 'forbidden');
    }
  }
  // without the CSRF token a write is refused before anything else
  assertError(await admin.request('POST', '/contacts', { label: 'x' }, { 'X-CSRF-Token': 'nope' }), 403, 'csrf');
});

test('task contacts: B1 lists the 组长 and 副组长 with phones; B2 the offices; B3.5 the unit head', async () => {
  const po = env.as.petition_office;
  // 综采一队's head is the unit-head account; the incident involves the team below it
  expectStatus(await admin.patch(`/units/${env.units.team}`, { head_user_id: env.as.unit_head.user.id }), 200, 'head');
  expectStatus(await admin.patch(`/users/${env.as.unit_head.user.id}`, { phone: '13200000003' }), 200, 'phone');
  const inc = await registerActive(po, { advance_info: false, units: [env.units.shift], headcount: 12 });
  assert.equal(inc.procedure, 'B');
  const tasks = await tasksOf(po, inc.id);
  for (const t of tasks) assert.ok(Array.isArray(t.contacts), `task ${t.step_id} has contacts`);
  const byStep = Object.fromEntries(tasks.filter((t) => t.step_id).map((t) => [t.step_id, t]));

  assert.deepEqual(byStep.B1.contacts, [
    { name: '张三', phone: '13500000001', position: '组长', on_duty: false },
    { name: '领导小组李四', phone: '13600000002', position: '副组长', on_duty: false },
  ]);
  assert.deepEqual(byStep.B2.contacts, [
    { name: '刘主任', phone: '13300000001', unit: '矿长办公室', on_duty: false },
    { name: '保卫科值班室', phone: '0351-7654321', unit: '保卫科', on_duty: false },
    { name: '钱七', phone: '13800000005', unit: '保卫科', on_duty: true },
  ]);
  assert.deepEqual(byStep['B3.5'].contacts, [
    { name: '综采一队王五', phone: '13200000003', unit: '综采一队', on_duty: false },
  ]);
  assert.deepEqual(byStep['B3.3'].contacts, []);
  for (const t of tasks.filter((x) => !x.step_id)) assert.deepEqual(t.contacts, []);

  // phone numbers of staff are roster data: a reader of incidents without roster.read
  // (the company's petition office) sees the tasks but not whom to call
  const seen = await tasksOf(env.as.company, inc.id);
  assert.deepEqual(seen.find((t) => t.step_id === 'B1').contacts, []);

  // procedure A: A1 the same leaders, A5 the security office
  const a = await registerActive(po, { advance_info: true, headcount: 5 });
  const aTasks = Object.fromEntries((await tasksOf(po, a.id)).filter((t) => t.step_id).map((t) => [t.step_id, t]));
  assert.deepEqual(aTasks.A1.contacts.map((c) => c.position), ['组长', '副组长']);
  assert.deepEqual(aTasks.A5.contacts.map((c) => c.name), ['保卫科值班室', '钱七']);
});
