// Browser test of the organising side against a real server: the administrator sets up
// two units and a petition-office user through the API, and the petition office
// registers and activates two drill incidents (procedure A: information known in
// advance, so step A3 is the leadership meeting; procedure B: step B4 chooses the reply
// venue). In the browser the petition office imports a staff roster CSV written in GBK
// under 设置 → 导入 (dry run: gb18030, no problems; import: the counts), records a
// leadership meeting with minutes and one decision that fulfils A3 and sees the decision
// task on the checklist, books the 40-seat 退休支部会议室 on step B4 and sees the booking,
// and finds the meeting minutes with a 2-character fragment in the header search, the
// fragment highlighted. Any console or page error fails it, except the session probe
// before sign-in.
'use strict';

const { execFileSync } = require('node:child_process');
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { makeUnit, makeUser, registerActive } = require('../lib/fixtures.js');
const { browserSuite, shownText: text } = require('../lib/pages.js');

const OFFICE = { username: 'xfb.zhou', name: '周信访', roles: ['petition_office'], password: 'Office-pass-2026' };
// The roster as Excel on a Chinese Windows saves it: GBK bytes, CRLF line ends.
const STAFF_CSV = [
  '工号,姓名,单位,职务,电话',
  '3001,欧阳翠萍,保卫科,科长,13800000001',
  '3002,上官建国,工会,"主席,兼退休支部书记",13800000002',
  '3003,皇甫淑珍,工会,干事,',
].join('\r\n') + '\r\n';
const STAFF = [['3001', '欧阳翠萍', '保卫科'], ['3002', '上官建国', '工会'], ['3003', '皇甫淑珍', '工会']];
const MINUTES = '研究稳控措施：保卫科维持现场秩序，工会负责疏导情绪，信访办当日答复诉求';
const FRAGMENT = '疏导';
const DECISION = '成立稳控工作组，信访办牵头';

const suite = browserSuite('organise');
let page;
let officeApi;
const incidents = {};

const registerAndActivate = (unitId, advanceInfo, headcount) => registerActive(officeApi, {
  headcount, destination: 'province', advance_info: advanceInfo, place: '矿办公楼门前',
  units: [unitId], demands: '要求补发拖欠工资', drill: true,
});

before(async () => {
  const { admin, root } = await suite.start();
  const units = {};
  for (const [name, kind] of [['保卫科', 'department'], ['工会', 'other']]) {
    units[name] = await makeUnit(admin, name, root.id, kind);
  }
  const guard = await admin.post('/users', { username: 'bw.wu', name: '吴保卫', unit_id: units['保卫科'].id, roles: ['dispatch'] });
  assert.equal(guard.status, 201, guard.text);
  officeApi = await makeUser(admin, { ...OFFICE, unit_id: root.id });

  incidents.a = await registerAndActivate(units['保卫科'].id, true, 12);
  assert.equal(incidents.a.procedure, 'A', JSON.stringify(incidents.a));
  incidents.b = await registerAndActivate(units['工会'].id, false, 30);
  assert.equal(incidents.b.procedure, 'B', JSON.stringify(incidents.b));

  page = await suite.open('office', { viewport: { width: 1400, height: 900 } });
});

test('GBK staff import, leadership meeting with a decision, venue booking, search of minutes', { timeout: 60000 },
  () => suite.run('', flow));

async function flow() {
  await suite.signIn(page, OFFICE);

  // 设置 → 导入: the GBK roster, checked first, then imported.
  const gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: Buffer.from(STAFF_CSV, 'utf8') });
  assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk), 'the file is not UTF-8');
  await page.click('[data-testid="nav-settings"]');
  await page.click('[data-testid="tab-import"]');
  await page.locator('#import-form').waitFor();
  assert.equal(await page.isChecked('#import-kind-staff'), true);
  await page.setInputFiles('#import-file', { name: '花名册.csv', mimeType: 'text/csv', buffer: gbk });
  await page.click('#import-check');
  await page.locator('#import-ok', { hasText: '检查通过' }).waitFor();
  assert.equal(await text(page.locator('#import-encoding')), 'gb18030');
  assert.equal(await text(page.locator('#import-rows')), '3');
  assert.equal(await text(page.locator('#import-created')), '3');
  assert.equal(await page.locator('#import-problems').count(), 0);
  assert.equal(await page.isEnabled('#import-apply'), true);
  await page.click('#import-apply');
  await page.locator('#import-ok', { hasText: '导入完成' }).waitFor();
  assert.equal(await text(page.locator('#import-created')), '3');
  assert.equal(await text(page.locator('#import-updated')), '0');
  assert.equal(await text(page.locator('#import-unchanged')), '0');
  const staff = await officeApi.get('/staff');
  assert.equal(staff.status, 200, staff.text);
  for (const [number, name, unit] of STAFF) {
    const s = staff.json.staff.find((x) => x.staff_number === number);
    assert.ok(s, `staff ${number} imported`);
    assert.equal(s.name, name);
    assert.equal(s.unit, unit);
  }
  assert.equal(staff.json.staff.find((x) => x.staff_number === '3002').position, '主席,兼退休支部书记');

  // Procedure A: the leadership meeting, minuted, with one decision, fulfilling A3.
  const tasksA = await officeApi.get(`/incidents/${incidents.a.id}/tasks`);
  assert.equal(tasksA.status, 200, tasksA.text);
  const a3 = (tasksA.json.tasks || tasksA.json).find((x) => x.step_id === 'A3');
  assert.ok(a3, 'procedure A has step A3');
  await page.goto(`${suite.base}/#/incidents/${incidents.a.id}`);
  await page.locator('#meeting-form').waitFor();
  await page.locator('li[data-testid="task"][data-step-id="A3"][data-status="pending"]').waitFor();
  await page.selectOption('#mtg-kind', 'leadership');
  await page.fill('#mtg-place', '矿三楼小会议室');
  await page.fill('#mtg-attendees', '周信访、矿工会主席');
  await page.fill('#mtg-minutes', MINUTES);
  await page.selectOption('#mtg-task', String(a3.id));
  await page.fill('#mtg-d0-text', DECISION);
  await page.selectOption('#mtg-d0-owner', 'role:petition_office');
  await page.fill('#mtg-d0-due', '120');
  // A second decision for a person found by name (issue 8: nobody types a user number).
  await page.click('#mtg-decision-add');
  await page.fill('#mtg-d1-text', '保卫科加强大门值守');
  await page.selectOption('#mtg-d1-owner', 'user');
  await page.fill('#mtg-d1-user-search', '吴保');
  await page.locator('#mtg-d1-user option', { hasText: '吴保卫（保卫科）' }).waitFor({ state: 'attached' });
  assert.match(await page.locator('#mtg-d1-user option:checked').textContent(), /吴保卫/, 'the one match is chosen');
  await page.fill('#mtg-d1-due', '30');
  await page.click('#meeting-submit');
  const meeting = page.locator('#meetings-list [data-testid="meeting"]', { hasText: '信访领导小组会议' });
  await meeting.waitFor();
  assert.match(await meeting.locator('.meeting-minutes').textContent(), /工会负责疏导情绪/);
  assert.match(await meeting.textContent(), /矿工会主席/);
  assert.equal(await meeting.locator('.meeting-decisions li', { hasText: DECISION }).count(), 1);
  assert.match(await meeting.locator('.meeting-decisions li', { hasText: '保卫科加强大门值守' }).textContent(), /吴保卫/);
  const decisionTask = page.locator('li[data-testid="task"][data-kind="decision"]', { hasText: DECISION });
  await decisionTask.waitFor();
  const guardTask = page.locator('li[data-testid="task"][data-kind="decision"]', { hasText: '保卫科加强大门值守' });
  await guardTask.waitFor();
  assert.match(await guardTask.textContent(), /吴保卫/, 'the decision is the named person\'s task');
  assert.equal(await decisionTask.getAttribute('data-status'), 'pending');
  await page.locator('li[data-testid="task"][data-step-id="A3"][data-status="done"]').waitFor();
  assert.equal(await page.inputValue('#mtg-minutes'), '', 'the form is emptied after saving');

  // Procedure B: step B4 books the reply venue; 30 people fit the 40-seat hall.
  await page.goto(`${suite.base}/#/incidents/${incidents.b.id}`);
  const b4 = page.locator('li[data-testid="task"][data-step-id="B4"]');
  await b4.waitFor();
  const box = b4.locator('[data-testid="venue-box"]');
  await box.locator('[data-testid="venue-toggle"]').click();
  const hall = box.locator('[data-testid="venues"] tr', { hasText: '退休支部会议室' });
  await hall.waitFor();
  assert.match(await hall.textContent(), /40/);
  await hall.locator('[data-testid="venue-book"]').click();
  const booked = box.locator('[data-testid="bookings"] li', { hasText: '退休支部会议室' });
  await booked.waitFor();
  assert.match(await booked.textContent(), /30 人/);
  const bookings = await officeApi.get(`/incidents/${incidents.b.id}/bookings`);
  assert.equal(bookings.status, 200, bookings.text);
  assert.equal(bookings.json.bookings.length, 1);
  assert.equal(bookings.json.bookings[0].venue.name, '退休支部会议室');
  assert.equal(bookings.json.bookings[0].headcount, 30);
  assert.equal(bookings.json.bookings[0].status, 'booked');

  // The header search finds the minutes by a 2-character fragment, highlighted.
  await page.fill('#search-q', FRAGMENT);
  await page.click('#search-submit');
  const hit = page.locator('[data-testid="search-hit"][data-kind="meeting"]').first();
  await hit.waitFor();
  assert.equal((await hit.locator('mark.hit').allTextContents()).join(''), FRAGMENT);
  assert.match(await hit.textContent(), /疏导情绪/);

  // Only the session probe before sign-in was refused.
  for (const f of suite.apiFailures) assert.ok(/ \/api\/v1\/session$/.test(f), `unexpected API failure ${f}`);
  assert.deepEqual(suite.problems, []);
}
