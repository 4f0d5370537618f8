// Browser test of the notification centre (issue 12 item 5): the 组长 is signed in on
// the dashboard; the petition office registers a grade II incident from its own session;
// the bell's unread count rises without a reload (over the live stream); the 组长 opens
// the bell, the notification's own page (#/notifications/{id}, the link of an outbound
// message) and acknowledges it with one button (收到); the count falls; the incident
// page lists who was told and that the 组长 acknowledged; quiet hours are set on the
// notifications page. Screenshots:
// test-results/notifications-*.png.
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { makeUser, expectStatus } = require('../lib/fixtures.js');
const { browserSuite, shot, shownText } = require('../lib/pages.js');

const LEADER = { username: 'zuzhang', name: '组长陈刚', roles: ['leader'], password: 'Leader-pass-2026' };
const OFFICE = { username: 'xfb', name: '信访办刘敏', roles: ['petition_office'], password: 'Office-pass-2026' };
const suite = browserSuite('notifications');
let office, leaderApi;

before(async () => {
  const { admin, root } = await suite.start();
  const leader = await makeUser(admin, { ...LEADER, unit_id: root.id });
  leaderApi = leader;
  office = await makeUser(admin, { ...OFFICE, unit_id: root.id });
  expectStatus(await admin.post('/leadership', { position: '组长', user_id: leader.user.id }), 201, '组长');
  await suite.open('leader');
});

test('the bell counts a registration by another user; open, 收到', { timeout: 60000 }, () => suite.run('', async () => {
  const page = suite.pages.leader;
  await suite.signIn(page, LEADER);
  await page.locator('#bell').waitFor();
  assert.equal(await page.locator('#bell-count').isHidden(), true, 'no unread at first');

  const inc = expectStatus(await office.post('/incidents', { headcount: 35, destination: 'mine', advance_info: true,
    place: '矿办公楼门前', units: [], demands: '要求补发拖欠工资', drill: false }), 201, 'register');
  await page.waitForFunction(() => document.querySelector('#bell-count').textContent === '1'
    && !document.querySelector('#bell-count').hidden, null, { timeout: 10000 });
  await shot(page, 'notifications-bell.png', { clip: { x: 0, y: 0, width: 1440, height: 80 } });

  await page.click('#bell');
  const item = page.locator('[data-testid="notification"]').first();
  assert.match(await shownText(item), new RegExp(inc.number));
  await item.locator('a').first().click();
  assert.match(await shownText(page.locator('[data-testid="notification-text"]')), new RegExp(`${inc.number}.*35人`));
  await shot(page, 'notifications-one.png');
  await page.click('[data-testid="ack"]');
  await page.locator('[data-testid="acked"]').waitFor();
  await page.waitForFunction(() => document.querySelector('#bell-count').hidden);
  // The incident page says who was told and who acknowledged.
  await page.click('[data-testid="to-incident"]');
  await page.locator('#inc-told summary').click();
  const row = page.locator('[data-testid="told-row"]').first();
  const shown = await shownText(row);
  assert.match(shown, /组长陈刚/);
  assert.match(shown, /事件登记/);
  assert.doesNotMatch(shown, /未收到/);
  await shot(page, 'notifications-incident.png');
  const mine = expectStatus(await leaderApi.get('/notifications'), 200, 'GET /notifications');
  assert.equal(mine.unread, 0);
  assert.ok(mine.notifications.find((n) => n.incident_id === inc.id).acknowledged_at, 'acknowledged');

  // Quiet hours, set on the notifications page.
  await suite.visit(page, '/#/notifications', '#quiet-form');
  await page.fill('#quiet-from', '22:00');
  await page.fill('#quiet-to', '07:00');
  await page.click('#quiet-save');
  await page.locator('#quiet-form .form-ok').waitFor();
  await shot(page, 'notifications-list.png');
  const prefs = expectStatus(await leaderApi.get('/me/notification-preferences'), 200, 'prefs');
  assert.deepEqual(prefs.quiet_hours, { from: '22:00', to: '07:00' });
}));
