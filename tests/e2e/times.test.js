// Browser test of when it happened and when it is expected (issue 8 item 2). The
// petition office registers 8 workers who plan to visit the city next Monday 08:00:
// 发生时间 set two hours back, 是否提前掌握信息 是 reveals 预计到访时间 and 预计去向,
// which go with the registration (the confirmation line names the expected visit). The
// incident page shows 发生时间, 预计到访时间 with a countdown ("距预计到访 …天…小时"),
// 预计去向 市; 更正 on the page moves the visit to 10:00 (an event in the timeline); the
// dashboard card shows the same countdown. An incident whose expected
// time has passed shows 已到预计时间. Screenshots at 1440x900 of the form, the incident
// page, its 更正 form and the dashboard go to test-results/ (times-*-1440.png).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { officeSuite, shot, text, beijingInput } = require('../lib/pages.js');

const OFFICE = { username: 'zhao.liu', name: '赵六', roles: ['petition_office'], password: 'Office-pass-2026' };
const HOUR = 3600 * 1000;
const BEIJING = 8 * HOUR;
const suite = officeSuite('times', OFFICE);

// "2026-12-07T08:00" (Beijing) of the next Monday after today, and its ms.
function nextMonday0800() {
  const local = new Date(Date.now() + BEIJING);
  const days = ((8 - local.getUTCDay()) % 7) || 7;
  const day = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days, 8, 0));
  return { input: day.toISOString().slice(0, 16), ms: day.getTime() - BEIJING };
}
const COUNTDOWN = /距预计到访 (\d+天\d+小时|\d+小时\d+分|\d+分钟)/;

test('advance information with an expected time: the countdown on the incident page and the dashboard', { timeout: 90000 },
  () => suite.run('', flow));

async function flow() {
  const page = await suite.signedIn();
  await suite.visit(page, '/#/incidents/new', '#reg-form');
  // 发生时间 defaults to now (Beijing time, to the minute).
  const shown = await page.inputValue('#reg-occurred');
  assert.ok(Math.abs(Date.parse(shown + ':00+08:00') - Date.now()) < 2 * 60 * 1000, `发生时间 defaults to now, not ${shown}`);
  // 预计到访 appears only with advance information.
  assert.equal(await page.locator('#reg-expected').isVisible(), false);
  await page.fill('#reg-headcount', '8');
  await page.click('label[for="reg-dest-mine"]');
  await page.click('label[for="reg-advance-yes"]');
  await page.locator('#reg-expected').waitFor();
  const monday = nextMonday0800();
  await page.fill('#reg-expected', monday.input);
  await page.click('label[for="reg-expdest-city"]');
  const occurred = Date.now() - 2 * HOUR;
  await page.fill('#reg-occurred', beijingInput(occurred));
  await page.fill('#reg-place', '综采一队');
  await page.click('#reg-submit');
  const summary = page.locator('#reg-summary');
  await summary.waitFor();
  assert.match(await text(summary), /预计.*到访市/);
  await shot(page, 'times-register-1440.png', { fullPage: true });
  await page.click('#reg-confirm');
  await page.waitForURL(/#\/incidents\/\d+$/);
  const id = Number(page.url().match(/#\/incidents\/(\d+)$/)[1]);

  // Stored as given.
  const inc = await suite.api.get(`/incidents/${id}`);
  assert.equal(inc.status, 200, inc.text);
  assert.equal(Date.parse(inc.json.expected_at), monday.ms);
  assert.equal(inc.json.expected_destination, 'city');
  assert.equal(Date.parse(inc.json.occurred_at), Math.floor(occurred / 60000) * 60000);

  // The incident page: times and the countdown.
  const countdown = page.locator('#inc-expected [data-testid="expected-countdown"]');
  await countdown.waitFor();
  assert.match(await text(countdown), COUNTDOWN);
  assert.match(await text(page.locator('#inc-expected-destination')), /市/);
  await page.locator('#inc-occurred').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'times-incident-1440.png');

  // The visit moves to 10:00 through 更正 on the page: stored, shown, in the timeline.
  await page.click('#facts-toggle');
  await page.locator('#facts-expected').waitFor();
  assert.equal(await page.inputValue('#facts-expected'), monday.input);
  const ten = monday.input.replace('T08:00', 'T10:00');
  await page.fill('#facts-expected', ten);
  await page.locator('#facts-form').scrollIntoViewIfNeeded();
  await shot(page, 'times-facts-1440.png');
  await page.click('#facts-submit');
  await page.locator('#inc-expected', { hasText: '10:00:00' }).waitFor();
  await page.locator('li[data-action="incident.facts"]', { hasText: '预计到访时间' }).first().waitFor();
  const moved = await suite.api.get(`/incidents/${id}`);
  assert.equal(Date.parse(moved.json.expected_at), monday.ms + 2 * HOUR);

  // The dashboard card shows the countdown too.
  await page.goto(suite.base + '/#/dashboard');
  const card = page.locator(`[data-testid="incident-card"][data-incident-id="${id}"]`);
  await card.waitFor();
  assert.match(await text(card.locator('[data-testid="expected-countdown"]')), COUNTDOWN);
  await shot(page, 'times-dashboard-1440.png');

  // Once the expected time has passed: 已到预计时间.
  const past = await suite.api.post('/incidents', {
    headcount: 5, destination: 'mine', advance_info: true, place: '矿门口', units: [], demands: '',
    drill: false, occurred_at: new Date(Date.now() - 3 * HOUR).toISOString(),
    expected_at: new Date(Date.now() - HOUR).toISOString(),
  });
  assert.equal(past.status, 201, past.text);
  await page.goto(suite.base + `/#/incidents/${past.json.id}`);
  const reached = page.locator('#inc-expected [data-testid="expected-countdown"]');
  await reached.waitFor();
  assert.equal(await text(reached), '已到预计时间');

  assert.deepEqual(suite.problems, []);
}
