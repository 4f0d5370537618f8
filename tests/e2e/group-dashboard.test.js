// Browser test of the group dashboard (集团看板, issue 11 item 4) of the company role: a
// group with two mines (the database's 本矿 moved under it and 二号矿 with prefix EK),
// an active incident in each; the company's 信访办 sees both mines' incidents with mine,
// number, grade, status, headcount, destination and a ticking elapsed time, the 首报 a
// mine issued in its inbox, acknowledges it (签收) and the mine's report then shows it.
// A mine's petition office has no group dashboard link. A 1440x900 screenshot goes to
// test-results/group-dashboard-1440.png.
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { makeUnit, makeUser, registerActive } = require('../lib/fixtures.js');
const { browserSuite, shot, text } = require('../lib/pages.js');

const COMPANY = { username: 'gs.xfb', name: '公司信访办李', password: 'Company-pass-2026' };
const OFFICE_B = { username: 'ek.xfb', name: '二矿信访办', password: 'OfficeB-pass-2026' };

const suite = browserSuite('group-dashboard');
let page;
let incA;
let incB;
let report;
let officeB;

before(async () => {
  const { admin, root: mineA } = await suite.start();
  const group = (await admin.post('/units', { name: '某煤业集团', kind: 'group' })).json;
  assert.equal((await admin.patch(`/units/${mineA.id}`, { parent_id: group.id })).status, 200);
  const mineB = (await admin.post('/units', { name: '二号矿', kind: 'mine', parent_id: group.id, number_prefix: 'EK' })).json;
  const teamB = await makeUnit(admin, '综采二队', mineB.id, 'team');
  const officeA = await makeUser(admin, { username: 'yk.xfb', name: '一矿信访办', password: 'OfficeA-pass-2026',
    unit_id: mineA.id, roles: ['petition_office'] });
  officeB = await makeUser(admin, { ...OFFICE_B, unit_id: mineB.id, roles: ['petition_office'] });
  await makeUser(admin, { ...COMPANY, unit_id: group.id, roles: ['company'] });
  incA = await registerActive(officeA, { headcount: 23, destination: 'group', advance_info: false,
    place: '集团公司大门', units: [mineA.id], demands: '要求落实退休待遇' });
  incB = await registerActive(officeB, { headcount: 6, destination: 'city', advance_info: true,
    place: '市信访局', units: [teamB.id], demands: '井下津贴' });
  const draft = await officeB.post(`/incidents/${incB.id}/reports`, { kind: 'first' });
  assert.equal(draft.status, 201, draft.text);
  report = (await officeB.post(`/reports/${draft.json.id}/issue`, {})).json;
  assert.equal(report.status, 'issued');
  page = await suite.open('company', { viewport: { width: 1440, height: 900 } });
});

const { run } = suite;

test('the company sees every mine\'s active incidents and acknowledges a mine\'s report', { timeout: 60000 }, () => run('company', async () => {
  await suite.signIn(page, COMPANY);
  await page.click('[data-testid="nav-group"]');
  await page.locator('#group-incidents [data-testid="group-incident"]').nth(1).waitFor();
  assert.equal(await text(page.locator('#area-group h1')), '集团看板：各矿进行中的信访事件');
  const rowA = page.locator(`#group-incidents tr[data-id="${incA.id}"]`);
  const rowB = page.locator(`#group-incidents tr[data-id="${incB.id}"]`);
  assert.match(await text(rowA), new RegExp(`本矿 ${incA.number}`));
  assert.match(await text(rowB), new RegExp(`二号矿 ${incB.number}`));
  assert.match(incB.number, /^EK-\d{4}-0001$/);
  assert.match(await text(rowA), /23/);
  assert.match(await text(rowA), /集团公司/);
  assert.match(await text(rowB), /市/);
  assert.equal(await rowA.locator('[data-testid="grade"]').getAttribute('data-grade'), incA.grade);
  assert.equal(await rowB.locator('[data-testid="status"]').getAttribute('data-status'), 'activated');
  const before = await text(rowB.locator('[data-testid="elapsed"]'));
  assert.match(before, /^\d\d:\d\d$/);
  await page.waitForTimeout(1100);
  assert.notEqual(await text(rowB.locator('[data-testid="elapsed"]')), before, 'the elapsed time ticks');
  assert.equal(await page.locator('[data-testid="group-mine"]').count(), 2);
  assert.match(await text(page.locator('#group-mines')), /二号矿 1 编号前缀 EK/);

  const inbox = page.locator(`#group-reports tr[data-id="${report.id}"]`);
  assert.match(await text(inbox), new RegExp(`二号矿 首报 ${report.number.replace(/[〔〕]/g, '.')} ${incB.number}`));
  assert.match(await text(page.locator('#group-reports-status')), /待签收 1 份/);
  await shot(page, 'group-dashboard-1440.png');
  await inbox.locator('[data-testid="ack-button"]').click();
  await inbox.locator('.ack-done').waitFor();
  assert.match(await text(inbox.locator('[data-testid="ack"]')), /公司信访办李 已签收 \d{4}-\d\d-\d\d/);
  assert.match(await text(page.locator('#group-reports-status')), /待签收 0 份/);

  const seen = await officeB.get(`/reports/${report.id}`);
  assert.equal(seen.json.acknowledgement.by, COMPANY.name);
}));

test('a mine\'s petition office has no group dashboard', { timeout: 30000 }, () => run('mine', async () => {
  const mine = await suite.open('mine');
  await suite.signIn(mine, OFFICE_B);
  await mine.locator('[data-testid="nav-dashboard"]').waitFor();
  assert.equal(await mine.locator('[data-testid="nav-group"]').count(), 0);
}));
