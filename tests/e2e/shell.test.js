// Browser test of the web UI shell against a real server: Chinese login page, forced
// change of the admin's one-time password (with a rejected short one first), the
// shell and its navigation, creating a unit and a user in 设置, the audit log, the
// switch to English, and signing out. Any console error or page error fails it.
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, Client } = require('../lib/server.js');
const { browserSuite, shownText } = require('../lib/pages.js');

const NEW_PASSWORD = 'Xinfang-e2e-2026';
const suite = browserSuite('shell');
let server;
let page;

// The 4xx API answers of the flow (401 before login, 401 for a wrong password, 400 for
// a short password) land in suite.apiFailures and are checked against the expected list.
before(async () => {
  server = await startServer();
  suite.server = server;
  assert.ok(server.oneTimePassword, `server printed no one-time password:\n${server.output()}`);
  page = await suite.open('failure', { viewport: { width: 1280, height: 800 } });
});

// Text of the element, waiting until it is visible.
const textOf = (selector) => shownText(page.locator(selector));

test('login, forced password change, settings, language switch, sign out', { timeout: 45000 }, () => suite.run('', flow));

async function flow() {
  await page.goto(server.base + '/');

  // The Chinese login page.
  await page.locator('#login-form').waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await textOf('#login-title'), '信访应急指挥平台');
  assert.equal(await textOf('label[for="login-username"]'), '用户名');
  assert.equal(await textOf('label[for="login-password"]'), '密码');
  assert.equal(await textOf('#login-submit'), '登录');

  // A wrong password: the server's error in Chinese, and the username stays typed.
  await page.fill('#login-username', 'admin');
  await page.fill('#login-password', 'not-the-password');
  await page.click('#login-submit');
  await page.locator('#login-error', { hasText: '用户名或密码错误' }).waitFor();
  assert.equal(await page.inputValue('#login-username'), 'admin');

  // The one-time password works and forces a password change.
  await page.fill('#login-password', server.oneTimePassword);
  await page.click('#login-submit');
  await page.locator('#pw-form').waitFor();
  assert.equal(await textOf('label[for="pw-old"]'), '旧密码');
  assert.equal(await textOf('label[for="pw-new"]'), '新密码');
  assert.equal(await textOf('label[for="pw-confirm"]'), '确认新密码');
  assert.equal(await textOf('#pw-submit'), '修改密码');

  // Too short: the server names the field, the UI marks it and keeps the input.
  await page.fill('#pw-old', server.oneTimePassword);
  await page.fill('#pw-new', 'short');
  await page.fill('#pw-confirm', 'short');
  await page.click('#pw-submit');
  await page.locator('#pw-new[aria-invalid="true"]').waitFor();
  const pwError = await textOf('#pw-error');
  assert.match(pwError, /新密码/, `error names the field: ${pwError}`);
  assert.equal(await page.inputValue('#pw-old'), server.oneTimePassword);
  assert.equal(await page.locator('#nav').count(), 0, 'no shell before the password is changed');

  await page.fill('#pw-new', NEW_PASSWORD);
  await page.fill('#pw-confirm', NEW_PASSWORD);
  await page.click('#pw-submit');

  // The shell, in Chinese, with the signed-in user's name.
  await page.locator('#nav').waitFor();
  const nav = await textOf('#nav');
  for (const label of ['指挥大屏', '信访事件', '人员档案', '包保', '记录与报告', '排查', '统计', '设置']) {
    assert.ok(nav.includes(label), `nav shows ${label}: ${nav}`);
  }
  const me = await page.evaluate(async () => (await (await fetch('/api/v1/session')).json()).user);
  assert.equal(me.must_change_password, false);
  assert.equal(await textOf('#user-name'), me.name || me.username);
  assert.match(await textOf('#user-roles'), /管理员/);
  // The landing page is the dashboard; an administrator does not handle incidents, so it
  // says so instead of asking the server for them.
  assert.match(await textOf('#dash-no-read'), /不处理信访事件/);

  // 设置 -> 单位: add a team under the first unit.
  await page.click('[data-testid="nav-settings"]');
  await page.locator('#unit-add-form').waitFor();
  assert.equal(page.url().endsWith('#/settings'), true);
  await page.fill('#unit-name', '综采一队');
  await page.selectOption('#unit-kind', 'team');
  await page.click('#unit-add-submit');
  await page.locator('#unit-tree .tree .tree .unit-name', { hasText: '综采一队' }).waitFor();
  await page.locator('#unit-add-form .form-ok', { hasText: '综采一队' }).waitFor();
  const unitId = await page.locator('#unit-tree li', { hasText: '综采一队' }).last().getAttribute('data-unit-id');
  assert.match(unitId, /^\d+$/);

  // 设置 -> 用户: create a user in that unit; the one-time password is shown once.
  await page.click('[data-testid="tab-users"]');
  await page.locator('#user-add-form').waitFor();
  await page.fill('#user-username', 'zhang.san');
  await page.fill('#user-fullname', '张三');
  await page.selectOption('#user-unit', unitId);
  await page.check('#user-add-role-petition_office');
  await page.fill('#user-phone', '13800000000');
  await page.click('#user-add-submit');
  const otp = await textOf('#otp-box #otp-value');
  assert.ok(otp.length >= 8, `one-time password shown: ${otp}`);
  assert.match(await textOf('#otp-box'), /zhang\.san/);
  const row = page.locator('#users-table tr[data-username="zhang.san"]');
  await row.waitFor();
  assert.match(await row.textContent(), /张三/);
  assert.match(await row.textContent(), /综采一队/);
  assert.match(await row.textContent(), /信访办/);
  // The password shown is the one the server set.
  const zhang = new Client(server.base);
  const login = await zhang.login('zhang.san', otp);
  assert.equal(login.status, 200);
  assert.equal(login.json.user.must_change_password, true);

  // 审计日志: the events of this run are listed and the chain verifies.
  await page.click('[data-testid="tab-audit"]');
  await page.locator('#audit-table tbody tr').first().waitFor();
  assert.match(await textOf('#audit-table'), /user\.create|user/);
  await page.click('#audit-verify');
  await page.locator('#audit-verify-result.ok').waitFor();

  // English.
  await page.click('#lang-en');
  await page.locator('#nav', { hasText: 'Dashboard' }).waitFor();
  const navEn = await textOf('#nav');
  for (const label of ['Dashboard', 'Incidents', 'Settings']) assert.ok(navEn.includes(label), navEn);
  assert.ok(!navEn.includes('指挥大屏'), navEn);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await textOf('#logout'), 'Sign out');

  // Sign out: back to the login page, still in English, and the session is gone.
  await page.click('#logout');
  await page.locator('#login-form').waitFor();
  assert.equal(await textOf('#login-submit'), 'Sign in');
  const status = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
  assert.equal(status, 401);

  // Only the API failures the flow provokes were logged by the browser: the session
  // probe on load, the wrong password, the short password, the probe after sign-out.
  const paths = suite.apiFailures.map((f) => f.split(' ')[1]);
  for (const p of paths) {
    assert.ok(['/api/v1/session', '/api/v1/session/password'].includes(p), `unexpected API failure ${p}`);
  }
  assert.deepEqual(suite.problems, []);
}
