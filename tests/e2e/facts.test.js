// Browser test of facts that change and mistaken registrations (issue 8, items 1 and 5).
// The petition office opens the registration form: Enter in the 地点 field does not
// register; 核对并登记 shows the plan's decision in one line (适用预案，等级四级，处置程序A)
// and only 确认登记 stores the incident. Activated, the incident goes from 5 to 30 people
// through 更正人数/去向 on its page: the grade becomes 二级, 升级 shows on the page and on
// the dashboard, the oral report-up task appears and the change is in the timeline; an
// override (一级) wins until 撤销人工调整 on the page gives the grade back to the facts.
// A second registration is withdrawn (作废) from its page with a reason: marked on the
// page, left out of the incident list except under 已作废. Screenshots at 1440x900 of
// the registration check, the incident page after 升级, the dashboard and the withdrawn
// registration go to test-results/ (facts-*-1440.png).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { officeSuite, shot, text } = require('../lib/pages.js');

const OFFICE = { username: 'wang.wu', name: '王五', roles: ['petition_office'], password: 'Office-pass-2026' };
const suite = officeSuite('facts', OFFICE);

async function count() {
  const r = await suite.api.get('/incidents?limit=200');
  assert.equal(r.status, 200, r.text);
  return r.json.incidents.length;
}

test('Enter does not register, the decision is confirmed, 升级 shows, a registration is withdrawn', { timeout: 90000 },
  () => suite.run('', flow));

async function flow() {
  const page = await suite.signedIn();

  // Registration: Enter in a field must not register.
  await suite.visit(page, '/#/incidents/new', '#reg-form');
  await page.fill('#reg-headcount', '5');
  await page.click('label[for="reg-dest-mine"]');
  await page.click('label[for="reg-advance-yes"]');
  await page.fill('#reg-place', '矿办公楼门前');
  await page.press('#reg-place', 'Enter');
  await page.press('#reg-headcount', 'Enter');
  await page.waitForTimeout(500);
  assert.equal(await count(), 0, 'Enter registered nothing');
  assert.match(page.url(), /#\/incidents\/new$/);
  assert.equal(await page.locator('#reg-confirm-box').isVisible(), false, 'Enter did not even ask');

  // 核对并登记: the one-line decision, nothing stored yet.
  await page.click('#reg-submit');
  const summary = page.locator('#reg-summary');
  await summary.waitFor();
  assert.match(await text(summary), /5人，去向本矿：适用预案，等级四级，处置程序A/);
  assert.equal(await count(), 0, 'the check stores nothing');
  // Changing a field takes the confirmation away; checking again brings it back.
  await page.fill('#reg-place', '矿办公楼东门');
  assert.equal(await page.locator('#reg-confirm-box').isVisible(), false);
  await page.click('#reg-submit');
  await summary.waitFor();
  await shot(page, 'facts-register-confirm-1440.png', { fullPage: true });
  await page.click('#reg-confirm');
  await page.waitForURL(/#\/incidents\/\d+$/);
  assert.equal(await count(), 1);
  const id = Number(page.url().match(/#\/incidents\/(\d+)$/)[1]);
  await page.locator('#inc-decision [data-testid="grade"]', { hasText: '四级' }).waitFor();
  assert.equal(await page.locator('[data-testid="escalation"]').count(), 0);

  // Activate, then 5 become 30 on the incident page.
  await page.click('#activate-btn');
  await page.locator('#inc-head [data-testid="status"]', { hasText: '已启动' }).waitFor();
  await page.click('#facts-toggle');
  await page.locator('#facts-form').waitFor();
  assert.equal(await page.locator('#facts-advance').isVisible(), false, 'advance information is fixed once activated');
  await page.fill('#facts-headcount', '30');
  await page.click('#facts-submit');
  await page.locator('#inc-head [data-testid="escalation"]', { hasText: '升级' }).waitFor();
  await page.locator('#inc-head [data-testid="grade"]', { hasText: '二级' }).waitFor();
  assert.equal(await text(page.locator('#inc-headcount')), '30');
  assert.match(await text(page.locator('#inc-escalation-note')), /四级.*二级/);
  assert.match(await text(page.locator('#inc-reasons')), /30/);
  await page.locator('li[data-action="incident.facts"]', { hasText: '人数5 → 30' }).first().waitFor();
  const tasks = (await suite.api.get(`/incidents/${id}/tasks`)).json.tasks;
  assert.equal(tasks.filter((t) => t.kind === 'report_oral').length, 1, 'grade II adds the oral report');
  await shot(page, 'facts-incident-escalated-1440.png');

  // An override wins until it is withdrawn from the page.
  const ov = await suite.api.post(`/incidents/${id}/override`, { grade: 'I', reason: '领导小组决定提级' });
  assert.equal(ov.status, 200, ov.text);
  await page.locator('#inc-head [data-testid="grade"]', { hasText: '一级' }).waitFor();
  await page.click('#override-toggle');
  await page.fill('#ov-reason', '人数已核实，按预案判定');
  await page.click('#override-withdraw');
  await page.locator('#inc-head [data-testid="grade"]', { hasText: '二级' }).waitFor();
  assert.equal(await page.locator('#inc-override-note').count(), 0);

  // The dashboard shows 升级 on the card.
  await page.goto(suite.base + '/#/dashboard');
  const card = page.locator(`[data-testid="incident-card"][data-incident-id="${id}"]`);
  await card.locator('[data-testid="escalation"]', { hasText: '升级' }).waitFor();
  await shot(page, 'facts-dashboard-escalated-1440.png');

  // A mistaken registration is withdrawn from its page, with its reason.
  const wrong = await suite.api.post('/incidents', { headcount: 4, destination: 'city', advance_info: false, place: '误登记' });
  assert.equal(wrong.status, 201, wrong.text);
  await page.goto(suite.base + `/#/incidents/${wrong.json.id}`);
  await page.click('#transition-withdrawn');
  await page.locator('#transition-form').waitFor();
  await page.click('#transition-submit');
  await page.locator('#transition-reason[aria-invalid="true"]').waitFor();
  await page.fill('#transition-reason', '重复登记，与前一件为同一批人');
  await page.click('#transition-submit');
  const banner = page.locator('#inc-withdrawn');
  await banner.waitFor();
  assert.match(await text(banner), /已作废.*重复登记/);
  assert.equal(await page.locator('#override-toggle').count(), 0, 'no override of a withdrawn registration');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'facts-incident-withdrawn-1440.png');
  await page.locator('#inc-head [data-testid="status"]', { hasText: '已作废' }).waitFor();
  assert.equal(await page.locator('#transition-withdrawn').count(), 0);
  assert.equal(await page.locator('#facts-toggle').count(), 0, 'no facts to change');

  // Left out of the list, shown under 已作废.
  await page.goto(suite.base + '/#/incidents?all=1');
  await page.locator(`#incidents-table tr[data-incident-id="${id}"]`).waitFor();
  assert.equal(await page.locator(`#incidents-table tr[data-incident-id="${wrong.json.id}"]`).count(), 0);
  await page.click('[data-testid="filter-withdrawn"]');
  await page.locator(`#incidents-table tr.is-withdrawn[data-incident-id="${wrong.json.id}"]`).waitFor();

  assert.deepEqual(suite.problems, []);
}
