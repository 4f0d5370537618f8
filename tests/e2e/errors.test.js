// Browser test of errors in the user's language (issue 8 item 10). The petition office
// registers an incident with a headcount the server refuses: the form shows the server's
// Chinese message naming 人数 (the UI sends Accept-Language of its language), not a
// status code or a field's machine name. An answer with a code the UI does not know
// (422) shows the server's message as it is; an answer without a JSON error (a proxy's
// 502 page) shows the UI's own words; never "HTTP". In English mode the same refusal
// comes in English. 1440x900 screenshots go to test-results/errors-*.png.
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { makeUser } = require('../lib/fixtures.js');
const { browserSuite, shot } = require('../lib/pages.js');

const INCIDENTS = /\/api\/v1\/incidents(\?.*)?$/; // registration, its check included
const OFFICE = { username: 'wang.wu', name: '王五', roles: ['petition_office'], password: 'Office-pass-2026' };
const suite = browserSuite('errors');

before(async () => {
  const { admin, root } = await suite.start();
  await makeUser(admin, { ...OFFICE, unit_id: root.id });
  await suite.open('zh');
  await suite.open('en', { locale: 'zh-CN', lang: 'en' });
});

test('errors are shown in the user\'s language, with the server\'s message and never a status code', { timeout: 90000 },
  () => suite.run('', flow));

async function text(locator) {
  return (await locator.textContent()).trim();
}

// Opens the registration form and fills it with a headcount the server refuses.
async function fillRegistration(page) {
  await suite.visit(page, '/#/incidents/new', '#reg-form');
  await page.fill('#reg-headcount', '1000000000');
  await page.click('label[for="reg-dest-province"]');
  await page.click('label[for="reg-advance-no"]');
}

async function submitAndReadError(page) {
  const sent = page.waitForRequest((r) => INCIDENTS.test(r.url()) && r.method() === 'POST');
  await page.click('#reg-submit');
  const request = await sent;
  await page.locator('#reg-error:not([hidden])').waitFor();
  await page.waitForFunction(() => document.querySelector('#reg-error').textContent.trim() !== '');
  return { message: await text(page.locator('#reg-error')), language: request.headers()['accept-language'] };
}

async function flow() {
  const page = suite.pages.zh;
  await suite.signIn(page, OFFICE);

  // The server refuses the headcount: its Chinese message, naming the field by its label.
  await fillRegistration(page);
  let shown = await submitAndReadError(page);
  assert.match(shown.language, /^zh/, 'the UI asks for Chinese');
  assert.match(shown.message, /^「人数」必须在 1 到 \d+ 之间$/, shown.message);
  assert.doesNotMatch(shown.message, /HTTP|headcount|输入有误/);
  await page.locator('#reg-headcount[aria-invalid="true"]').waitFor();
  await shot(page, 'errors-zh-1440.png');

  // A code the UI has no words for (422): the server's message as it is.
  await page.route(INCIDENTS, (route) => route.fulfill({
    status: 422, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'unprocessable', message: '登记内容无法处理：测试用的拒绝' } }),
  }));
  await page.fill('#reg-headcount', '12');
  shown = await submitAndReadError(page);
  assert.equal(shown.message, '登记内容无法处理：测试用的拒绝');
  await page.unroute(INCIDENTS);

  // No JSON error at all (a proxy's page): the UI's own words, no status code.
  await page.route(INCIDENTS, (route) => route.fulfill({
    status: 502, contentType: 'text/html', body: '<html><body>502 Bad Gateway</body></html>',
  }));
  shown = await submitAndReadError(page);
  assert.equal(shown.message, '出错了，请稍后再试');
  assert.doesNotMatch(shown.message, /HTTP|502|Bad Gateway/);
  await page.unroute(INCIDENTS);

  // In English mode the UI asks for English and shows the server's English message.
  const en = suite.pages.en;
  await suite.signIn(en, OFFICE);
  await fillRegistration(en);
  shown = await submitAndReadError(en);
  assert.equal(shown.language, 'en');
  assert.match(shown.message, /^'headcount' must be between 1 and \d+$/, shown.message);
  assert.doesNotMatch(shown.message, /HTTP|[\u4e00-\u9fff]/);
  await shot(en, 'errors-en-1440.png');

  assert.deepEqual(suite.problems.filter((p) => !/server error 502|status of 502/.test(p)), []);
}
