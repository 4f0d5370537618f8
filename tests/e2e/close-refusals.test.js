// Browser test of the enforced close (issue 9 item 7) on the incident page: 标记已上报
// before the 终报 is issued and the 综合评价 completed is refused, and the page lists what
// is missing (终报尚未签发, 综合评价尚未完成) instead of a bare message; with both done it
// goes through; 归档 is then refused listing the closing steps C1–C4 and the open steps,
// and goes through once they are done. Screenshots at 1440x900 of both refusals go to
// test-results/ (close-refusals-*-1440.png).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { officeSuite, shot: shoot, text } = require('../lib/pages.js');

const OFFICE = { username: 'li.si', name: '李四', roles: ['petition_office'], password: 'Office-pass-2026' };
const suite = officeSuite('close-refusals', OFFICE);
const { call } = suite;

test('a refused close lists what is missing, in words', { timeout: 90000 }, () => suite.run('', flow));

const shot = (page, name) => shoot(page, `close-refusals-${name}-1440.png`);

async function flow() {
  const page = suite.pages.office;
  const inc = await call('POST', '/incidents', { headcount: 8, destination: 'mine', advance_info: true,
    place: '矿办公楼门前', demands: '要求补发拖欠工资' }, 201);
  await call('POST', `/incidents/${inc.id}/activate`, {}, 200);
  for (const to of ['resolving', 'evaluating']) await call('POST', `/incidents/${inc.id}/transition`, { to }, 200);

  await suite.signIn(page, OFFICE);
  await page.goto(suite.base + `/#/incidents/${inc.id}`);
  await page.locator('#inc-head [data-testid="status"]', { hasText: '总结评价' }).waitFor();

  // 标记已上报: refused, with the two things missing listed.
  await page.click('#transition-reported');
  await page.locator('#transition-form').waitFor();
  await page.click('#transition-submit');
  const box = page.locator('#inc-action-error');
  const missing = page.locator('#transition-missing');
  await missing.waitFor();
  assert.match(await text(box.locator('p')), /尚不能转入「已上报」/);
  assert.deepEqual(await missing.locator('li').allInnerTexts(), ['终报尚未签发', '综合评价尚未完成']);
  assert.equal(await page.locator('#inc-head [data-testid="status"]', { hasText: '总结评价' }).count(), 1);
  await box.scrollIntoViewIfNeeded();
  await shot(page, 'reported');

  // The evaluation completed and the 终报 issued: it goes through, the list is gone.
  const form = await call('GET', `/incidents/${inc.id}/evaluation`, undefined, 200);
  const scores = Object.fromEntries(form.dimensions.map((d) => [d.id, { score: 4 }]));
  await call('PUT', `/incidents/${inc.id}/evaluation`, { scores, complete: true }, 200);
  const draft = await call('POST', `/incidents/${inc.id}/reports`, { kind: 'final' }, 201);
  await call('POST', `/reports/${draft.id}/issue`, {}, 200);
  await page.click('#transition-reported');
  assert.equal(await box.isVisible(), false, 'choosing the transition again puts the list away');
  await page.click('#transition-submit');
  await page.locator('#inc-head [data-testid="status"]', { hasText: '已上报' }).waitFor();

  // 归档: refused while C1–C4 and the plan's steps are open.
  await page.click('#transition-archived');
  await page.click('#transition-submit');
  await missing.waitFor();
  const items = await missing.locator('li').allInnerTexts();
  for (const step of ['C1 记录在案 未完成', 'C2 对应急行动过程进行综合评价 未完成', 'C3 写出工作总结 未完成',
    'C4 上报公司信访办公室 未完成']) {
    assert.ok(items.includes(step), `lists "${step}": ${items.join(' | ')}`);
  }
  assert.ok(items.some((s) => /^任务 A\d+ .+ 未完成$/.test(s)), items.join(' | '));
  assert.ok(!items.some((s) => s.startsWith('C5')));
  await box.scrollIntoViewIfNeeded();
  await shot(page, 'archived');

  // Done as the plan asks: archived.
  const tasks = (await call('GET', `/incidents/${inc.id}/tasks`, undefined, 200)).tasks;
  for (const t of tasks.filter((x) => x.status === 'pending' || x.status === 'in_progress')) {
    if (t.kind === 'closing' && t.step_id !== 'C5') {
      await call('PATCH', `/tasks/${t.id}`, { action: 'complete', note: `${t.step_id} 已办理` }, 200);
    } else if (t.kind === 'step' || t.kind === 'recurring' || t.kind === 'decision') {
      await call('PATCH', `/tasks/${t.id}`, { action: 'skip', reason: '未形成聚集，无需办理' }, 200);
    }
  }
  await page.click('#transition-archived');
  await page.click('#transition-submit');
  await page.locator('#inc-head [data-testid="status"]', { hasText: '已归档' }).waitFor();
  assert.equal(await box.isVisible(), false);
  assert.deepEqual(suite.problems, []);
  // The two refusals are the only API errors the page met (besides the session check
  // before signing in).
  assert.deepEqual(suite.apiFailures.filter((f) => f !== 'office /api/v1/session'),
    Array(2).fill(`office /api/v1/incidents/${inc.id}/transition`));
}
