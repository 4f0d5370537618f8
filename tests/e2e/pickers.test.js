// Browser test of picking people by name (issue 8 item 6): the administrator sets up
// three units, a petition-office user, three responsible officials, a security officer
// and a unit head through the API; the petition office registers and activates an
// incident of 23 retirees and enters them. In the browser the petition office assigns a
// checklist task by typing part of a name; on the 包保 screen adds three officials by
// name, previews "平均分配" (8/8/7, nothing saved yet), saves it in one request, and then
// gives one unit's petitioners to one official from that unit's row; records a meeting
// with an attendee found by name; finally links a 花名册 entry and a 领导小组 seat to an
// account found by name. Nowhere is a user number
// typed. Screenshots of the 包保 screen at 1440x900 and 390x844 go to test-results/.
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { makeUnit, makeUser, registerActive } = require('../lib/fixtures.js');
const { browserSuite, shot } = require('../lib/pages.js');

const OFFICE = { username: 'xfb.wang', name: '王信访', roles: ['petition_office'], password: 'Office-pass-2026' };
const OFFICIALS = [
  { username: 'bb.zhao', name: '赵包保', roles: ['official'], password: 'Official-pass-2026a' },
  { username: 'bb.qian', name: '钱包保', roles: ['official'], password: 'Official-pass-2026b' },
  { username: 'bb.sun', name: '孙包保', roles: ['official'], password: 'Official-pass-2026c' },
];
const GUARD = { username: 'bw.wu', name: '吴保卫', roles: ['dispatch'], password: 'Guard-pass-2026' };
const HEAD = { username: 'dz.zhou', name: '周明远', roles: ['unit_head'], password: 'Head-pass-2026' };
// 23 retirees: 10 of 退休一支部, 8 of 退休二支部, 5 of 综采一队.
const SURNAMES = '陈林黄刘杨吴郑谢郭罗梁宋唐许韩冯邓曹彭曾肖田董';
const GIVEN = ['德福', '秀英', '国强', '桂芳', '建军', '玉兰', '振华', '淑珍', '志明', '凤英', '永军', '丽华',
  '海生', '春梅', '金山', '翠英', '长顺', '美兰', '树林', '秋月', '宝山', '素芬', '庆余'];
const UNIT_OF = (i) => (i < 10 ? '退休一支部' : i < 18 ? '退休二支部' : '综采一队');
const PETITIONERS = [...SURNAMES].map((s, i) => [s + GIVEN[i], '1390000' + String(1000 + i), UNIT_OF(i)]);

const suite = browserSuite('pickers');
let page;
let incident;
const ids = {};
const units = {};
const posts = [];
let office;

before(async () => {
  const { admin, root: top } = await suite.start();
  for (const name of ['退休一支部', '退休二支部', '综采一队', '保卫科']) {
    units[name] = (await makeUnit(admin, name, top.id, name === '保卫科' ? 'department' : 'team')).id;
  }
  const add = (p, unit) => makeUser(admin, { ...p, unit_id: unit });
  office = await add(OFFICE, top.id);
  for (const o of OFFICIALS) ids[o.name] = (await add(o, units['退休一支部'])).user.id;
  ids[GUARD.name] = (await add(GUARD, units['保卫科'])).user.id;
  ids[HEAD.name] = (await add(HEAD, units['综采一队'])).user.id;

  incident = await registerActive(office, {
    headcount: 23, destination: 'group', advance_info: false, place: '集团公司大门',
    units: [units['退休一支部'], units['退休二支部'], units['综采一队']], demands: '落实退休待遇', drill: true,
  });
  const bulk = await office.post(`/incidents/${incident.id}/persons/bulk`, { text: PETITIONERS.map((p) => p.join(' ')).join('\n') });
  assert.equal(bulk.status, 201, bulk.text);

  page = await suite.open('office');
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith(`/incidents/${incident.id}/assignments`)) posts.push(r.postDataJSON()); });
});

test('tasks, 包保 for 23 people and roster links are picked by name', { timeout: 90000 },
  () => suite.run('', flow));

// Types part of a name into a picker and waits until that one person is chosen.
async function typeName(prefix, part, name) {
  await page.fill(`#${prefix}-search`, part);
  await page.locator(`#${prefix} option:checked`, { hasText: name }).waitFor({ state: 'attached' });
}

const rows = () => page.locator('#petitioners-table tr[data-testid="petitioner"]');

async function flow() {
  await suite.signIn(page, OFFICE);
  await page.goto(`${suite.base}/#/incidents/${incident.id}`);
  await rows().nth(22).waitFor();
  assert.equal(await rows().count(), 23);


  // A task is assigned to 吴保卫 by typing "吴保".
  const task = page.locator('li[data-testid="task"]', { has: page.locator('[data-action="assign"]') }).first();
  const taskId = await task.getAttribute('data-task-id');
  await task.locator('[data-action="assign"]').click();
  const prefix = `task-${taskId}-assignee`;
  await page.locator(`#${prefix}-search`).waitFor();
  assert.equal(await task.locator('input[type="number"]').count(), 0, 'no user-number field');
  await typeName(prefix, '吴保', '吴保卫');
  assert.match(await page.locator(`#${prefix} option:checked`).textContent(), /保卫科/, 'the unit is shown with the name');
  await shot(task, 'pickers-task-1440.png');
  await task.locator('[data-testid="assign-confirm"]').click();
  await page.locator(`li[data-task-id="${taskId}"] .assignee`, { hasText: '吴保卫' }).waitFor();
  const tl = (await office.get(`/incidents/${incident.id}/tasks`)).json;
  assert.equal((tl.tasks || tl).find((x) => String(x.id) === taskId).assignee.id, ids['吴保卫']);

  // 包保: one row per unit, and the spread over three officials found by name.
  const screen = page.locator('#baobao');
  await screen.waitFor();
  assert.equal(await page.locator('#people-panel input[type="number"]').count(), 0, 'no user-number field');
  assert.match(await page.locator('#baobao-title').textContent(), /共 23 人，未包保 23 人/);
  assert.equal(await page.locator('#assign-unit-table tr[data-testid="unit-row"]').count(), 3);
  for (const o of OFFICIALS) {
    await typeName('spread-official', o.name[0], o.name);
    await page.click('#spread-official-add');
  }
  assert.deepEqual(await page.locator('#spread-official-chosen .up-chip > span').allTextContents(), OFFICIALS.map((o) => o.name));
  await page.click('#spread-preview');
  const plan = page.locator('#spread-plan [data-testid="plan-official"]');
  await plan.nth(2).waitFor();
  assert.deepEqual(await plan.locator('[data-testid="plan-count"]').allTextContents(), ['8 人', '8 人', '7 人']);
  assert.equal(await page.locator('#petitioners-table [data-testid="planned"]').count(), 23, 'the table shows the plan');
  assert.match(await rows().filter({ hasText: PETITIONERS[0][0] }).textContent(), /拟：赵包保/);
  assert.equal(posts.length, 0, 'a preview saves nothing');
  assert.equal((await office.get(`/incidents/${incident.id}/persons`)).json.persons.filter((p) => p.assignment).length, 0);

  await shot(page.locator('#people-panel'), 'baobao-1440.png');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('#spread-save').scrollIntoViewIfNeeded();
  await shot(page.locator('#people-panel'), 'baobao-390.png');
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.click('#spread-save');
  await page.locator('#people-summary', { hasText: '未包保 0 人' }).waitFor();
  assert.equal(posts.length, 1, 'saved in one request');
  assert.equal(posts[0].pairs.length, 23);
  const counts = async () => {
    const persons = (await office.get(`/incidents/${incident.id}/persons`)).json.persons;
    const by = {};
    for (const p of persons) by[p.assignment.official.name] = (by[p.assignment.official.name] || 0) + 1;
    return by;
  };
  assert.deepEqual(await counts(), { 赵包保: 8, 钱包保: 8, 孙包保: 7 });
  assert.equal(await page.locator('#spread-plan [data-testid="spread-plan"]').count(), 0, 'the preview is gone');

  // Per unit: every petitioner of 退休二支部 goes to 赵包保.
  const unitRow = page.locator(`#assign-unit-table tr[data-unit-id="${units['退休二支部']}"]`);
  assert.match(await unitRow.textContent(), /8 人，未包保 0/);
  await typeName(`assign-unit-${units['退休二支部']}-official`, '赵', '赵包保');
  await unitRow.locator('[data-testid="assign-unit-submit"]').click();
  for (const p of PETITIONERS.filter((x) => x[2] === '退休二支部')) {
    await rows().filter({ hasText: p[0] }).locator('[data-testid="official"]', { hasText: '赵包保' }).waitFor();
  }
  assert.deepEqual(await counts(), { 赵包保: 16, 钱包保: 2, 孙包保: 5 });

  // A meeting's attendees: an account found by name, and a guest by name only.
  await page.locator('#meeting-form').waitFor();
  assert.equal(await page.locator('#meeting-form input[type="number"]:not(.d-due)').count(), 0, 'no user-number field');
  await typeName('mtg-attendee', '周明', HEAD.name);
  await page.click('#mtg-attendee-add');
  await page.locator('#mtg-attendee-chosen .up-chip', { hasText: HEAD.name }).waitFor();
  await page.fill('#mtg-attendees', '矿工会主席');
  await shot(page.locator('#meeting-form'), 'pickers-meeting-1440.png');
  await page.click('#meeting-submit');
  await page.locator('#meetings-list [data-testid="meeting"]', { hasText: HEAD.name }).waitFor();
  const meeting = (await office.get(`/incidents/${incident.id}/meetings`)).json.meetings[0];
  assert.deepEqual(meeting.attendees.map((a) => [a.user_id, a.name]), [[ids[HEAD.name], HEAD.name], [null, '矿工会主席']]);

  // Roster: a 花名册 entry and a 领导小组 seat linked to 周明远's account, found by name.
  await page.goto(`${suite.base}/#/settings/staff`);
  await page.locator('#staff-add-form').waitFor();
  assert.equal(await page.locator('#staff-add-form input[type="number"]').count(), 0, 'no user-number field');
  await page.fill('#staff-add-number', 'Z001');
  await page.fill('#staff-add-name', HEAD.name);
  await page.selectOption('#staff-add-unit', String(units['综采一队']));
  await typeName('staff-add-user', '明远', HEAD.name);
  await shot(page.locator('#staff-add-form'), 'pickers-staff-1440.png');
  await page.click('#staff-add-submit');
  await page.locator('#staff-table tr', { hasText: 'Z001' }).locator('.linked', { hasText: '已关联' }).waitFor();
  const staff = (await office.get('/staff')).json.staff.find((s) => s.staff_number === 'Z001');
  assert.equal(staff.user_id, ids[HEAD.name]);

  await page.goto(`${suite.base}/#/settings/leadership`);
  await page.locator('#leader-add-form').waitFor();
  assert.equal(await page.locator('#leader-add-form input[type="number"]').count(), 0, 'no user-number field');
  await typeName('leader-user', '周明', HEAD.name);
  await page.click('#leader-add-submit');
  await page.locator('#leadership-table tr', { hasText: HEAD.name }).waitFor();
  const seat = (await office.get('/leadership')).json.leadership.find((m) => m.name === HEAD.name);
  assert.equal(seat.user_id, ids[HEAD.name]);

  for (const f of suite.apiFailures) assert.match(f, / \/api\/v1\/session$/, `unexpected API failure ${f}`);
  assert.deepEqual(suite.problems, []);
}
