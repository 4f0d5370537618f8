// Browser test of the plan's people and words (issue 8, items 8 and 11). A 退休支部 incident
// is registered by API and opened by the petition office: B3.5 (通知上访人员所在单位负责人)
// lists 退休支部's head with phone, not 机电科's; B3.6, owned by the heads of the
// petitioners' units, is unassigned and says why until a petitioner of 退休支部 is entered,
// then is assigned to that head. In English mode the checklist shows the plan's English
// step titles, the owner label and the principles, and the decision's reasons in English.
// Screenshots at 1440x900 go to test-results/ (plan-words-*-1440.png).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { launchBrowser, openPage, signIn, keepEvidence, closeAll } = require('../lib/browser.js');
const { root } = require('../lib/server.js');
const { startAdmin, rootUnit, makeUser } = require('../lib/fixtures.js');

const TIMEOUT = 10000;
const OFFICE = { username: 'xfb', name: '信访办张三', roles: ['petition_office'], password: 'Office-pass-2026' };

let server;
let browser;
let api;
let incident;
const pages = {};
const problems = [];
const apiFailures = [];

before(async () => {
  const { srv, admin } = await startAdmin();
  server = srv;
  const rootUnit = (await admin.get('/units')).json.units[0].id;
  const mkUnit = async (name) => {
    const r = await admin.post('/units', { name, parent_id: rootUnit, kind: 'other' });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const retired = await mkUnit('退休支部');
  const jidian = await mkUnit('机电科');
  api = await makeUser(admin, { ...OFFICE, unit_id: rootUnit });
  const heads = [
    [retired, { username: 'txzb', name: '退休支部周书记', roles: ['unit_head'], phone: '13100000003', password: 'Head-pass-2026-a' }],
    [jidian, { username: 'jdk', name: '机电科刘科长', roles: ['unit_head'], phone: '13100000001', password: 'Head-pass-2026-b' }],
  ];
  for (const [unit, spec] of heads) {
    const { user: { id } } = await makeUser(admin, { ...spec, unit_id: unit });
    const r = await admin.patch(`/units/${unit}`, { head_user_id: id });
    assert.equal(r.status, 200, r.text);
  }
  let r = await api.post('/incidents', { headcount: 23, destination: 'group', advance_info: false,
    place: '集团公司大门', units: [retired], demands: '要求落实退休待遇', drill: false });
  assert.equal(r.status, 201, r.text);
  r = await api.post(`/incidents/${r.json.id}/activate`, {});
  assert.equal(r.status, 200, r.text);
  incident = r.json;
  incident.retired = retired;

  browser = await launchBrowser();
  pages.zh = await openPage(browser, 'zh', { problems, apiFailures, timeout: TIMEOUT });
  pages.en = await openPage(browser, 'en', { problems, apiFailures, timeout: TIMEOUT }, { locale: 'en-GB', lang: 'en' });
});

after(() => closeAll(browser, server));

const text = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();
const step = (page, id) => page.locator(`li[data-testid="task"][data-step-id="${id}"]`);

function shot(page, name) {
  fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
  return page.screenshot({ path: path.join(root, 'test-results', `plan-words-${name}-1440.png`), fullPage: true });
}

test('B3.5 lists the head of the incident\'s unit; unit-head steps follow the petitioners', { timeout: 90000 }, async () => {
  const page = pages.zh;
  try {
    await signIn(page, server.base, OFFICE.username, OFFICE.password);
    await page.goto(`${server.base}/#/incidents/${incident.id}`);
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
    assert.deepEqual(problems, []);
  } catch (e) {
    await keepEvidence('plan-words', pages, problems);
    throw e;
  }
});

test('English mode shows the plan\'s English step titles, owner labels, principles and reasons', { timeout: 90000 }, async () => {
  const page = pages.en;
  try {
    await signIn(page, server.base, OFFICE.username, OFFICE.password);
    await page.goto(`${server.base}/#/incidents/${incident.id}`);
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
    assert.deepEqual(problems, []);
  } catch (e) {
    await keepEvidence('plan-words', pages, problems);
    throw e;
  }
});
