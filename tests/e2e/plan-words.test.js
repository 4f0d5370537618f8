// Browser test of the plan's people and words (issue 8, items 8 and 11). A 退休支部 incident
// is registered by API and opened by the petition office: B3.5 (通知上访人员所在单位负责人)
// lists 退休支部's head with phone, not 机电科's; B3.6, owned by the heads of the
// petitioners' units, is unassigned and says why until a petitioner of 退休支部 is entered,
// then is assigned to that head. In English mode the checklist shows the plan's English
// step titles, the owner label and the principles, and the decision's reasons in English.
// Screenshots at 1440x900 go to test-results/ (plan-words-*-1440.png).
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { makeUnit, makeUser, registerActive } = require('../lib/fixtures.js');
const { browserSuite, shot: shoot, text } = require('../lib/pages.js');

const OFFICE = { username: 'xfb', name: '信访办张三', roles: ['petition_office'], password: 'Office-pass-2026' };

const suite = browserSuite('plan-words');
let api;
let incident;

before(async () => {
  const { admin, root } = await suite.start();
  const top = root.id;
  const retired = (await makeUnit(admin, '退休支部', top, 'other')).id;
  const jidian = (await makeUnit(admin, '机电科', top, 'other')).id;
  api = await makeUser(admin, { ...OFFICE, unit_id: top });
  const heads = [
    [retired, { username: 'txzb', name: '退休支部周书记', roles: ['unit_head'], phone: '13100000003', password: 'Head-pass-2026-a' }],
    [jidian, { username: 'jdk', name: '机电科刘科长', roles: ['unit_head'], phone: '13100000001', password: 'Head-pass-2026-b' }],
  ];
  for (const [unit, spec] of heads) {
    const { user: { id } } = await makeUser(admin, { ...spec, unit_id: unit });
    const r = await admin.patch(`/units/${unit}`, { head_user_id: id });
    assert.equal(r.status, 200, r.text);
  }
  incident = await registerActive(api, { headcount: 23, destination: 'group', advance_info: false,
    place: '集团公司大门', units: [retired], demands: '要求落实退休待遇', drill: false });
  incident.retired = retired;

  await suite.open('zh');
  await suite.open('en', { locale: 'en-GB', lang: 'en' });
});

const step = (page, id) => page.locator(`li[data-testid="task"][data-step-id="${id}"]`);

const shot = (page, name) => shoot(page, `plan-words-${name}-1440.png`, { fullPage: true });

test('B3.5 lists the head of the incident\'s unit; unit-head steps follow the petitioners', { timeout: 90000 }, () => suite.run('', async () => {
  const page = suite.pages.zh;
  await suite.signIn(page, OFFICE);
  await page.goto(`${suite.base}/#/incidents/${incident.id}`);
  const b35 = step(page, 'B3.5');
  await b35.locator('[data-testid="task-contacts"]').waitFor();
  const contacts = await text(b35.locator('[data-testid="task-contacts"]'));
  assert.match(contacts, /退休支部周书记/);
  assert.match(contacts, /13100000003/);
  assert.doesNotMatch(contacts, /机电科/, '机电科\'s head is not offered');
  assert.equal(await b35.locator('a.phone').getAttribute('href'), 'tel:13100000003');

  // B3.6 belongs to the heads of the petitioners' units: none entered yet
  const b36 = step(page, 'B3.6');
  assert.match(await text(b36.locator('.task-meta')), /负责：单位负责人/);
  assert.match(await text(b36.locator('[data-testid="unassigned-why"]')), /尚未录入信访人或其所在单位/);
  await shot(page, 'contacts');

  // a petitioner of 退休支部 is entered: B3.6 goes to 退休支部's head
  const r = await api.post('/persons', { name: '李老汉', unit_id: incident.retired, employment: 'retired',
    incident_id: incident.id, role: 'representative' });
  assert.equal(r.status, 201, r.text);
  await page.reload();
  await step(page, 'B3.6').locator('.assignee', { hasText: '退休支部周书记' }).waitFor();
  assert.equal(await step(page, 'B3.6').locator('[data-testid="unassigned-why"]').count(), 0);
  assert.deepEqual(suite.problems, []);
}));

test('English mode shows the plan\'s English step titles, owner labels, principles and reasons', { timeout: 90000 }, () => suite.run('', async () => {
  const page = suite.pages.en;
  await suite.signIn(page, OFFICE);
  await page.goto(`${suite.base}/#/incidents/${incident.id}`);
  const b35 = step(page, 'B3.5');
  await b35.waitFor();
  assert.equal(await text(b35.locator('.task-title')), 'Call the heads of the petitioners\' units to the scene');
  assert.equal(await text(step(page, 'B1').locator('.task-title')), 'Report to the leader in charge and the principal leader');
  assert.match(await text(step(page, 'B5').locator('.task-meta')), /head of the petitioners' unit/);
  await page.locator('#inc-reasons', { hasText: 'Scope rule “a collective visit of three or more people”' }).waitFor();
  assert.match(await text(page.locator('#inc-decision')), /Procedure for petitions without advance information/);
  assert.match(await text(page.locator('#checklist')), /Procedure for petitions without advance information/);
  assert.match(await text(page.locator('#inc-head')), /Petition emergency plan of the coal mine/);
  await page.click('#inc-guide-toggle');
  await page.locator('#guide-principles li', { hasText: 'Prefer dispersing to gathering' }).waitFor();
  assert.equal(await text(page.locator('#guide-current p strong')), 'B1');
  assert.match(await text(page.locator('#guide-current')), /Report to the leader in charge/);
  // Chinese stays where the plan gives no English
  assert.doesNotMatch(await text(b35.locator('.task-title')), /[\u4e00-\u9fff]/);
  await shot(page, 'english');
  assert.deepEqual(suite.problems, []);
}));
