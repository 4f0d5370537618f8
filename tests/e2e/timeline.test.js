// Browser test of the timeline's 发生时间 and the checklist's recurring reports (issue 8,
// items 3 and 4). The petition office's incident (8 people at the mine, procedure A,
// registered and activated through the API) has two rounds of its progress report done
// through the API and a note about something that happened an hour ago. On the incident
// page the user records, through the 现场情况 form, what happened two hours ago with its
// 发生时间: the timeline puts it where it happened (below the one-hour-old note and the
// registration, newest first) and shows both when it happened and when it was recorded.
// The checklist shows the progress report as one row with its three rounds, and its
// counts hold it once. A 1440x900 screenshot of the incident page goes to test-results/.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { expectStatus: ok } = require('../lib/fixtures.js');
const { officeSuite, shot, beijingInput } = require('../lib/pages.js');

const MINUTE = 60 * 1000;
const OFFICE = { username: 'wang.wu', name: '王五', roles: ['petition_office'], password: 'Office-pass-2026' };
const suite = officeSuite('timeline', OFFICE);

test('a note with 发生时间 stands where it happened; a recurring report is one row with its rounds', { timeout: 90000 },
  () => suite.run('', flow));

async function flow() {
  const page = suite.pages.office;
  const inc = ok(await suite.api.post('/incidents', {
    headcount: 8, destination: 'mine', advance_info: true, place: '矿办公楼门前', units: [],
    demands: '要求补发拖欠工资', drill: true,
  }), 201, 'register');
  ok(await suite.api.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
  // Two rounds of the progress report, done early: round 3 is due on the grid.
  for (let i = 0; i < 2; i++) {
    const tasks = ok(await suite.api.get(`/incidents/${inc.id}/tasks`), 200, 'tasks').tasks;
    const open = tasks.find((t) => t.kind === 'recurring' && t.status === 'pending');
    ok(await suite.api.patch(`/tasks/${open.id}`, { action: 'complete', note: `第${i + 1}次调度汇报` }), 200, 'complete round');
  }
  ok(await suite.api.post(`/incidents/${inc.id}/notes`, {
    text: '一小时前：人员在矿门口聚集', at: new Date(Date.now() - 60 * MINUTE).toISOString(),
  }), 201, 'note 1h ago');

  await suite.signIn(page, OFFICE);
  await page.goto(`${suite.base}/#/incidents/${inc.id}`);
  await page.locator('#note-form').waitFor();

  // A 发生时间 in the future is refused: the form marks the field and keeps the text.
  await page.fill('#note-text', '两小时前：退休职工在集团公司门口集合');
  await page.fill('#note-at', beijingInput(Date.now() + 24 * 60 * MINUTE));
  await page.click('#note-submit');
  await page.locator('#note-at[aria-invalid="true"]').waitFor();
  assert.match(await page.locator('#note-form .form-error').textContent(), /发生时间/);
  assert.equal(await page.inputValue('#note-text'), '两小时前：退休职工在集团公司门口集合');
  const refused = `/api/v1/incidents/${inc.id}/notes`;

  // The user records what happened two hours ago, with its 发生时间.
  const twoHoursAgo = Date.now() - 120 * MINUTE;
  await page.fill('#note-at', beijingInput(twoHoursAgo));
  await page.click('#note-submit');
  const mine = page.locator('#timeline li.tl-note', { hasText: '两小时前' });
  await mine.waitFor();
  assert.equal(await page.inputValue('#note-text'), '', 'the form is emptied after saving');

  // Newest first by when it happened: the two-hour-old note is below the one-hour-old
  // note and below the registration (which happened just now).
  const texts = await page.locator('#timeline li .tl-text').allTextContents();
  const i2 = texts.findIndex((x) => x.includes('两小时前')), i1 = texts.findIndex((x) => x.includes('一小时前'));
  const iReg = await page.locator('#timeline li').evaluateAll(
    (lis) => lis.findIndex((li) => li.dataset.action === 'incident.register'));
  assert.ok(i1 >= 0 && i2 > i1, `2h note below the 1h note: ${JSON.stringify(texts)}`);
  assert.ok(iReg >= 0 && i2 > iReg && i1 > iReg, `both notes below the registration: ${JSON.stringify(texts)}`);
  assert.equal(i2, texts.length - 1, 'the 2h-old note is the oldest entry');

  // Both times: when it happened (the entry's time) and when it was recorded.
  const shown = (await mine.locator('time').textContent()).trim();
  const expected = new Date(twoHoursAgo + 8 * 60 * MINUTE).toISOString().slice(0, 16).replace('T', ' ');
  assert.ok(shown.startsWith(expected), `happened at ${shown}, expected ${expected}`);
  assert.equal(await mine.locator('time').getAttribute('title'), '发生时间');
  assert.match((await mine.locator('[data-testid="tl-recorded"]').textContent()).trim(), /^（记录于 \d\d-\d\d \d\d:\d\d）$/);
  // An entry recorded when it happened shows one time only.
  assert.equal(await page.locator('#timeline li[data-action="incident.register"] [data-testid="tl-recorded"]').count(), 0);

  // The checklist: the progress report is one row, its open round 3, with its rounds.
  const group = page.locator('#group-recurring');
  await group.waitFor();
  const rows = group.locator('ol.tasks > li[data-task-id]');
  assert.equal(await rows.count(), 1, 'one row for the recurring report');
  assert.equal(await rows.first().getAttribute('data-status'), 'pending');
  assert.match(await rows.first().locator('.task-top').textContent(), /第 3 次/);
  const rounds = rows.first().locator('[data-testid="task-rounds"] > [data-round]');
  assert.equal(await rounds.count(), 3);
  assert.deepEqual(await rounds.evaluateAll((els) => els.map((el) => [el.dataset.round, el.dataset.status])),
    [['1', 'done'], ['2', 'done'], ['3', 'pending']]);
  assert.match(await rounds.nth(0).textContent(), /第 1 次 · 已完成/);
  assert.match((await group.locator('.group-count').textContent()).trim(), /^0\/1$/);
  // The counts hold it once: as many as rows, not as tasks.
  const tasks = ok(await suite.api.get(`/incidents/${inc.id}/tasks`), 200, 'tasks').tasks;
  const rowCount = await page.locator('#checklist li[data-task-id]').count();
  assert.equal(rowCount, tasks.length - 2, 'rounds 1 and 2 fold into round 3');
  assert.match(await page.locator('#checklist-summary').textContent(), new RegExp(`/${rowCount}`));

  await shot(page, 'timeline-incident-1440x900.png');
  await mine.scrollIntoViewIfNeeded();
  await page.locator('#group-recurring').scrollIntoViewIfNeeded();
  await shot(page, 'timeline-incident-rounds-1440x900.png');

  for (const f of suite.apiFailures) {
    assert.ok(f.endsWith('/api/v1/session') || f.endsWith(refused), `unexpected API failure ${f}`);
  }
  assert.deepEqual(suite.problems, []);
}
