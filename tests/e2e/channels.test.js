// Browser test of 设置 → 通知渠道 (issue 12, the delivery half): the administrator adds a
// 企业微信 group robot by its form (the robot is a loopback imitation,
// tests/lib/receivers.js), sees it listed with its key masked, sends a test message, and
// reads the delivery log showing it queued and sent; then disables the channel. A
// 1440x900 screenshot goes to test-results/channels-1440.png.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ADMIN_PASSWORD } = require('../lib/fixtures.js');
const { browserSuite, shot, text } = require('../lib/pages.js');
const { startReceiver, waitFor } = require('../lib/receivers.js');

const suite = browserSuite('channels');
let page;
let rx;

before(async () => {
  rx = await startReceiver('wecom');
  await suite.start({ env: { XINFANG_NOTIFY_INTERVAL_MS: '200' } });
  page = await suite.open('admin', { viewport: { width: 1440, height: 900 } });
});
after(async () => { if (rx) await rx.stop(); });

test('the admin adds a 企业微信 robot, tests it and reads its delivery log', { timeout: 60000 }, () => suite.run('admin', async () => {
  await suite.signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
  await suite.visit(page, '/#/settings/channels', '#channel-add');
  assert.equal(await text(page.locator('[data-testid="tab-channels"]')), '通知渠道');
  await page.click('#channel-add');
  await page.selectOption('#channel-kind', 'wecom');
  await page.fill('#channel-name', '应急领导小组群');
  await page.fill('#channel-url', rx.url);
  await page.check('#channel-form input[value="incident.register"]');
  await page.check('#channel-form input[value="II"]');
  await page.click('#channel-submit');
  const row = page.locator('#channel-table tbody tr').first();
  await row.waitFor();
  const shown = await text(row);
  assert.match(shown, /应急领导小组群/);
  assert.match(shown, /企业微信群机器人/);
  assert.match(shown, /事件登记/);
  assert.match(shown, /key=\*\*\*\*/);
  assert.ok(!shown.includes(rx.key), 'the key is masked');
  await row.locator('[data-testid^="channel-test-"]').click();
  await page.locator('#channel-test-ok').waitFor();
  await waitFor(() => rx.received.length === 1, 5000, 'the robot got the test message');
  assert.equal(rx.received[0].body.text.content, 'xinfang 测试消息');
  await row.locator('[data-testid^="channel-log-"]').click();
  await page.locator('#delivery-table tr.delivery-sent').waitFor();
  assert.match(await text(page.locator('#delivery-table')), /已送达/);
  await shot(page, 'channels-1440.png');
  await row.locator('[data-testid^="channel-toggle-"]').click();
  await page.locator('#channel-table tbody tr', { hasText: '停用' }).first().waitFor();
}));
