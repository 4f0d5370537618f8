// Browser test of choosing a unit's head (第一责任人) on the 单位 settings tab with the shared
// name picker (user-picker.js): the administrator types part of a Chinese name, picks one
// of two matching people and saves; PATCH /units then holds that user's id as
// head_user_id. The head is then cleared the same way. No user number is typed. A
// screenshot of the open editor at 1440x900 goes to test-results/.
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { ADMIN_PASSWORD, makeUnit, makeUser } = require('../lib/fixtures.js');
const { browserSuite, shot } = require('../lib/pages.js');

const HEAD = { username: 'dz.zhou', name: '周明远', roles: ['unit_head'], password: 'Head-pass-2026a' };
const OTHER = { username: 'dz.zhouml', name: '周明亮', roles: ['official'], password: 'Other-pass-2026b' };

const suite = browserSuite('unit-head');
let page;
let admin;
let unit;
const ids = {};

before(async () => {
  const world = await suite.start();
  admin = world.admin;
  unit = await makeUnit(admin, '综采一队', world.root.id, 'team');
  for (const p of [HEAD, OTHER]) ids[p.name] = (await makeUser(admin, { ...p, unit_id: unit.id })).user.id;
  page = await suite.open('admin');
});

const headOf = async () => {
  const r = await admin.get('/units');
  assert.equal(r.status, 200, r.text);
  return r.json.units.find((u) => u.id === unit.id).head_user_id;
};

async function openEditor() {
  await page.click(`[data-testid="unit-edit-${unit.id}"]`);
  await page.locator('#unit-edit-form').waitFor();
}

async function save() {
  const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/units/${unit.id}`));
  await page.click('#unit-edit-submit');
  const r = await saved;
  assert.equal(r.status(), 200);
  await page.locator('#unit-edit-form').waitFor({ state: 'detached' });
}

test('a unit head is picked by name and can be cleared', { timeout: 60000 }, () => suite.run('', async () => {
  await suite.signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
  await suite.visit(page, '/#/settings/units', `[data-testid="unit-${unit.id}"]`);
  assert.equal(await headOf(), null);

  // Two people match "周明"; the administrator chooses 周明远 from the list.
  await openEditor();
  await page.fill('#unit-edit-head-search', '周明');
  await page.locator('#unit-edit-head option', { hasText: OTHER.name }).waitFor({ state: 'attached' });
  await page.locator('#unit-edit-head option', { hasText: HEAD.name }).waitFor({ state: 'attached' });
  await page.selectOption('#unit-edit-head', String(ids[HEAD.name]));
  await shot(page, 'unit-head-1440.png');
  await save();
  assert.equal(await headOf(), ids[HEAD.name]);
  await page.locator(`[data-testid="unit-${unit.id}"] .tree-row`, { hasText: `第一责任人：${HEAD.name}` }).waitFor();

  // Opening the editor again shows the current head chosen; choosing 未指定 clears it.
  await openEditor();
  assert.equal(await page.inputValue('#unit-edit-head'), String(ids[HEAD.name]));
  await page.selectOption('#unit-edit-head', '');
  await save();
  assert.equal(await headOf(), null);
}));
