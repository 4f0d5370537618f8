// Browser test of the 综合评价 tab (issue 9 item 4) on the 记录与报告 page
// (#/records/{id}?tab=evaluation): the measured facts show (minutes from occurrence to
// activation and first arrival, tasks done late, petitioners without an official); the
// form has the plan's five dimensions; 完成评价 with one dimension unscored names it
// (协同配合); with all scored the evaluation shows as completed and the API agrees.
// Screenshot at 1440x900: test-results/evaluation-form-1440.png.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { officeSuite, shot, text } = require('../lib/pages.js');

const OFFICE = { username: 'zhao.liu', name: '赵六', roles: ['petition_office'], password: 'Office-pass-2026' };
const suite = officeSuite('evaluation', OFFICE);
const { call } = suite;

test('the evaluation form scores the plan\'s dimensions next to the measured facts', { timeout: 90000 },
  () => suite.run('', flow));

async function flow() {
  const page = suite.pages.office;
  const occurred = new Date(Date.now() - 25 * 60 * 1000).toISOString();
  const inc = await call('POST', '/incidents', { headcount: 23, destination: 'group', advance_info: false,
    place: '集团公司大门', demands: '退休待遇', occurred_at: occurred }, 201);
  await call('POST', `/incidents/${inc.id}/activate`, {}, 200);
  const d = await call('POST', `/incidents/${inc.id}/dispatches`, { resource: 'guards', quantity: 4 }, 201);
  await call('PATCH', `/dispatches/${d.id}`, { arrived: true }, 200);
  const units = (await call('GET', '/units', undefined, 200)).units;
  await call('POST', '/persons', { name: '孙七', unit_id: units[0].id, incident_id: inc.id, role: 'representative' }, 201);
  for (const to of ['on_site', 'replying', 'resolving', 'evaluating']) {
    await call('POST', `/incidents/${inc.id}/transition`, { to }, 200);
  }

  await suite.signIn(page, OFFICE);
  await page.goto(suite.base + `/#/records/${inc.id}?tab=evaluation`);
  await page.locator('#eval-form').waitFor();
  assert.match(await text(page.locator('#eval-fact-activation')), /^2[4-6] 分钟$/);
  assert.match(await text(page.locator('#eval-fact-arrival')), /^2[4-6] 分钟$/);
  assert.equal(await text(page.locator('#eval-fact-late')), '无');
  assert.equal(await text(page.locator('#eval-fact-official')), '1 人（共 1 人）');
  assert.equal(await page.locator('.eval-dimension').count(), 5);
  assert.match(await text(page.locator('#eval-state')), /草稿/);

  for (const [id, score] of [['speed', '4'], ['measures', '5'], ['stability', '4'], ['resolution', '3']]) {
    await page.selectOption(`#eval-score-${id}`, score);
    await page.fill(`#eval-comment-${id}`, `${score} 分：按预案处置`);
  }
  await page.fill('#eval-lessons', '到场及时；答复口径需提前统一');
  await page.click('#eval-complete');
  await page.locator('#eval-form .form-error', { hasText: '协同配合' }).waitFor();
  await page.selectOption('#eval-score-coordination', '4');
  await page.click('#eval-complete');
  await page.locator('#eval-state', { hasText: '已完成' }).waitFor();
  const saved = await call('GET', `/incidents/${inc.id}/evaluation`, undefined, 200);
  assert.equal(saved.completed, true);
  assert.equal(saved.scores.measures.score, 5);
  assert.equal(saved.scores.resolution.comment, '3 分：按预案处置');
  assert.equal(saved.lessons, '到场及时；答复口径需提前统一');
  await shot(page, 'evaluation-form-1440.png', { fullPage: true });
  assert.deepEqual(suite.problems, []);
}
