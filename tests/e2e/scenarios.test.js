// Browser test of the two scenarios of issue 8, run through the UI from registration to
// 稳控化解 (status `resolving`) without typing a user number anywhere:
// (a) 23 retirees of 退休支部 at the group company's gate without warning: procedure B,
//     quick entry of the 23 (employment follows the unit: 退休), 包保 spread over three
//     officials picked by name, guards and vehicles dispatched and arrived (B2 completed
//     from the dispatch board), steps completed, a step assigned through the name picker,
//     notes, on site -> reply -> 稳控化解;
// (b) 8 workers of 综采一队 planning a visit to the city 信访局 next Monday: procedure A
//     (advance information), 包保 per unit through the unit's name picker, steps, a note,
//     straight to 稳控化解.
// Only the accounts and units are made through the API (the administrator's part). The
// test takes screenshots at 1440x900 and 390x844 of the incident page, the 包保 screen
// and the wall into test-results/ (incident-1440.png, baobao-390.png, wall-1440.png, ...).
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { makeUnit, makeUser } = require('../lib/fixtures.js');
const { browserSuite, shot: shoot } = require('../lib/pages.js');

const OFFICE = { username: 'xfb.wang', name: '王信访', password: 'Office-pass-2026' };
const OFFICIALS = [
  { username: 'bb.zhou', name: '周平', password: 'Official-pass-2026a' },
  { username: 'bb.wu', name: '吴静', password: 'Official-pass-2026b' },
  { username: 'bb.zheng', name: '郑强', password: 'Official-pass-2026c' },
  { username: 'bb.sun', name: '孙立新', password: 'Official-pass-2026d' },
];
const RETIREE_HEAD = { username: 'tx.head', name: '退休支部书记马洪', password: 'Head-pass-2026a' };
const TEAM_HEAD = { username: 'zc.head', name: '综采一队队长王强', password: 'Head-pass-2026b' };
const CLERK = { username: 'xfb.li', name: '李文静', password: 'Clerk-pass-2026' };
// 23 retirees and 8 workers, distinct names.
const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜';
const GIVEN = ['德福', '桂英', '建华', '秀兰', '国庆', '玉珍', '长顺', '淑芬'];
const names = (n, offset) => Array.from({ length: n }, (_, i) => SURNAMES[i + offset] + GIVEN[i % GIVEN.length]);
const RETIREES = names(23, 0);
const WORKERS = names(8, 23);

const suite = browserSuite('scenario', { timeout: 15000 });
let page;
let api;
const units = {};

before(async () => {
  const { admin, root: top } = await suite.start();
  for (const [name, kind] of [['退休支部', 'other'], ['综采一队', 'team'], ['保卫科', 'department']]) {
    units[name] = await makeUnit(admin, name, top.id, kind);
  }
  api = await makeUser(admin, { ...OFFICE, unit_id: top.id, roles: ['petition_office'] });
  const [retireeHead, teamHead] = await Promise.all([
    makeUser(admin, { ...RETIREE_HEAD, unit_id: units['退休支部'].id, roles: ['unit_head'] }),
    makeUser(admin, { ...TEAM_HEAD, unit_id: units['综采一队'].id, roles: ['unit_head'] }),
    makeUser(admin, { ...CLERK, unit_id: top.id, roles: ['petition_office'] }),
    ...OFFICIALS.slice(0, 3).map((o) => makeUser(admin, { ...o, unit_id: units['退休支部'].id, roles: ['official'] })),
    makeUser(admin, { ...OFFICIALS[3], unit_id: units['综采一队'].id, roles: ['official'] }),
  ]);
  // Each unit's first responsible person (单位负责人).
  for (const [unit, head] of [['退休支部', retireeHead], ['综采一队', teamHead]]) {
    const r = await admin.patch(`/units/${units[unit].id}`, { head_user_id: head.user.id });
    assert.equal(r.status, 200, r.text);
  }

  page = await suite.open('office');
  await suite.signIn(page, OFFICE);
});

const { run } = suite;

const shot = (name) => shoot(page, name, { fullPage: true });

// Picks a person by name in a userPicker (its select has id `id`): types the name in
// its search box and chooses the one offered.
async function pickByName(id, name) {
  await page.fill(`#${id}-search`, name);
  const option = page.locator(`#${id} option`, { hasText: name });
  await option.first().waitFor({ state: 'attached' });
  await page.selectOption(`#${id}`, await option.first().getAttribute('value'));
}

// Registration through the form, its one-line summary confirmed; returns the incident id.
async function register({ headcount, destination, advance, place, unit, demands, expectedAt }) {
  await page.goto(`${suite.base}/#/dashboard`);
  await page.click('#dash-register');
  await page.locator('#reg-form').waitFor();
  await page.fill('#reg-headcount', String(headcount));
  await page.click(`label[for="reg-dest-${destination}"]`);
  await page.click(`label[for="reg-advance-${advance ? 'yes' : 'no'}"]`);
  await page.fill('#reg-place', place);
  await page.locator('#reg-units label', { hasText: unit }).click();
  await page.fill('#reg-demands', demands);
  // The expected time of arrival, where the form asks for it (procedure A).
  const expected = page.locator('#reg-form input[name="expected_at"]');
  if (expectedAt && await expected.count() && await expected.isVisible()) await expected.fill(expectedAt);
  await page.click('#reg-submit');
  await page.locator('#reg-summary').waitFor({ state: 'visible' });
  const summary = await page.locator('#reg-summary').innerText();
  await page.click('#reg-confirm');
  await page.locator('#inc-number').waitFor();
  const id = Number(/#\/incidents\/(\d+)/.exec(page.url())[1]);
  return { id, summary };
}

async function activate() {
  await page.click('#activate-btn');
  await page.locator('#inc-head [data-testid="status"]', { hasText: '启动' }).waitFor();
  await page.locator('#checklist [data-testid="task"]').first().waitFor();
}

async function quickEntry(lines, n) {
  await page.fill('#quick-text', lines.join('\n'));
  await page.click('#quick-submit');
  await page.locator('#quick-ok', { hasText: `已录入 ${n} 人` }).waitFor();
  await page.locator('#petitioners-table tr[data-testid="petitioner"]').nth(n - 1).waitFor();
}

const task = (step) => page.locator(`#checklist [data-testid="task"][data-step-id="${step}"]`).first();

async function complete(step, note) {
  const row = task(step);
  await row.locator('[data-testid="task-complete"]').click();
  if (note) await row.locator('textarea').fill(note);
  await row.locator('[data-testid="complete-confirm"]').click();
  await page.locator(`#checklist [data-testid="task"][data-step-id="${step}"][data-status="done"]`).first().waitFor();
}

async function addNote(text) {
  await page.fill('#note-text', text);
  await page.click('#note-submit');
  await page.locator('#timeline li', { hasText: text }).first().waitFor();
}

async function transition(to, label) {
  await page.click(`#transition-${to}`);
  await page.locator('#transition-form').waitFor();
  await page.click('#transition-submit');
  await page.locator('#inc-head [data-testid="status"]', { hasText: label }).waitFor();
}

// Nowhere on the page is there a field for a user number.
async function noUserNumberFields() {
  const fields = await page.locator('input[type="number"]').evaluateAll((els) =>
    els.map((e) => e.name || e.id).filter((n) => /(^|_|-)(user|official|assignee|owner)(_id)?$|_id$/.test(n)));
  assert.deepEqual(fields, [], 'fields asking for a user number');
}

// Screenshots at 1440x900 and on a 390x844 phone: what the window shows from the top
// (name.png) and, with full, the whole page (name-full.png); the page must not scroll
// sideways on the phone. element: a selector to take alone instead.
async function shots(name, { full = false, element = null } = {}) {
  for (const [w, hgt] of [[1440, 900], [390, 844]]) {
    await page.setViewportSize({ width: w, height: hgt });
    const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(width <= w, `${name} scrolls sideways at ${w} px: ${width} px`);
    if (element) {
      await shoot(page.locator(element), `${name}-${w}.png`);
      continue;
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot(page, `${name}-${w}.png`);
    if (full) await shot(`${name}-${w}-full.png`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('(a) 23 retirees at the group company\'s gate without warning, to 稳控化解', { timeout: 180000 }, () => run('retirees', async () => {
  const { id, summary } = await register({ headcount: 23, destination: 'group', advance: false, place: '集团公司大门',
    unit: '退休支部', demands: '要求落实退休人员取暖补贴' });
  assert.match(summary, /23/);
  assert.match(summary, /B/);
  assert.match(await page.locator('#inc-procedure').innerText(), /B/);
  await activate();

  // Quick entry of the 23: three representatives; employment follows the unit.
  await quickEntry(RETIREES.map((n, i) => `${n} 退休支部${i < 3 ? ' 代表' : ''}`), 23);
  const persons = (await api.get(`/incidents/${id}/persons`)).json.persons;
  assert.equal(persons.length, 23);
  assert.deepEqual([...new Set(persons.map((p) => p.employment))], ['retired']);
  await page.locator('#people-summary', { hasText: '未包保 23 人' }).waitFor();

  // 包保 on one screen: spread over three officials picked by name.
  for (const o of OFFICIALS.slice(0, 3)) {
    await pickByName('spread-official', o.name);
    await page.click('#spread-official-add');
    await page.locator('#spread-official-chosen li', { hasText: o.name }).waitFor();
  }
  await page.click('#spread-preview');
  await page.locator('#spread-plan [data-testid="plan-official"]').nth(2).waitFor();
  const counts = await page.locator('#spread-plan [data-testid="plan-count"]').allInnerTexts();
  assert.equal(counts.map((c) => Number(/\d+/.exec(c)[0])).reduce((a, b) => a + b, 0), 23, counts.join());
  await shots('baobao', { element: '#people-panel' });
  await page.click('#spread-save');
  await page.locator('#people-summary', { hasText: '未包保 0 人' }).waitFor();
  const officials = (await api.get(`/incidents/${id}/assignments`)).json.assignments.map((a) => a.official.name);
  assert.deepEqual([...new Set(officials)].sort(), OFFICIALS.slice(0, 3).map((o) => o.name).sort());

  // Guards and vehicles; when both have arrived the board offers to complete B2.
  for (const [resource, quantity] of [['guards', 6], ['vehicles', 2]]) {
    await page.selectOption('#disp-resource', resource);
    await page.fill('#disp-quantity', String(quantity));
    await page.fill('#disp-note', '集团公司大门集合，听从现场指挥');
    await page.click('#dispatch-submit');
    await page.locator('#dispatch-table tbody tr[data-status]').nth(resource === 'guards' ? 0 : 1).waitFor();
  }
  for (let i = 0; i < 2; i++) {
    await page.locator('#dispatch-table [data-testid="dispatch-arrived"]').first().click();
    await page.locator('#dispatch-table tr[data-status="arrived"]').nth(i).waitFor();
  }
  await page.locator('#dispatch-offer').waitFor({ state: 'visible' });
  await page.click('#dispatch-complete-step');
  await page.locator('#checklist [data-testid="task"][data-step-id="B2"][data-status="done"]').waitFor();

  // Steps, one handed to a colleague through the name picker.
  await complete('B1', '已电话报告分管领导和矿长');
  await complete('B3.1', '现场方案：大门东侧集中，保卫干警维持秩序');
  await complete('B3.3', '主要诉求：取暖补贴标准');
  const b32 = task('B3.2');
  await b32.locator('[data-testid="task-assign"]').click();
  const pickerId = await b32.locator('select.up-select').getAttribute('id');
  await pickByName(pickerId, CLERK.name);
  await b32.locator('[data-testid="assign-confirm"]').click();
  await page.locator('#checklist [data-testid="task"][data-step-id="B3.2"] .assignee', { hasText: CLERK.name }).waitFor();
  await addNote('退休人员情绪平稳，已劝离大门通道');
  await transition('on_site', '现场处置');
  await complete('B3.4', '在工会会议室对话，解释补贴政策');
  await complete('B4', '工会会议室答复代表三人');
  await transition('replying', '答复');
  await addNote('答复后人员已全部返回，包保责任人已逐户联系');
  await noUserNumberFields();
  await transition('resolving', '稳控化解');
  assert.equal((await api.get(`/incidents/${id}`)).json.status, 'resolving');
  await page.locator('#timeline li', { hasText: '退休人员情绪平稳' }).first().waitFor();

  await shots('incident', { full: true });
  assert.deepEqual(suite.problems, []);
}));

test('(b) 8 workers of 综采一队 planning a visit to the city 信访局 next Monday, to 稳控化解', { timeout: 180000 }, () => run('workers', async () => {
  // Next Monday 08:00 in Beijing time, as a datetime-local value.
  const bj = new Date(Date.now() + 8 * 3600 * 1000);
  const days = ((8 - bj.getUTCDay()) % 7) || 7;
  const monday = new Date(Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), bj.getUTCDate() + days));
  const expectedAt = monday.toISOString().slice(0, 10) + 'T08:00';
  const { id, summary } = await register({ headcount: 8, destination: 'city', advance: true, place: '市信访局',
    unit: '综采一队', demands: '反映井下津贴发放不足', expectedAt });
  assert.match(summary, /A/);
  assert.match(await page.locator('#inc-procedure').innerText(), /A/);
  await activate();

  await quickEntry(WORKERS.map((n, i) => `${n} 综采一队${i === 0 ? ' 代表' : ''}`), 8);
  const persons = (await api.get(`/incidents/${id}/persons`)).json.persons;
  assert.deepEqual([...new Set(persons.map((p) => p.employment))], ['employed']);

  // 包保 per unit: the unit's row, its official picked by name.
  const uid = units['综采一队'].id;
  await pickByName(`assign-unit-${uid}-official`, OFFICIALS[3].name);
  await page.click(`#assign-unit-${uid}-submit`);
  await page.locator('#people-summary', { hasText: '未包保 0 人' }).waitFor();
  assert.equal(await page.locator('#petitioners-table [data-testid="official"]', { hasText: OFFICIALS[3].name }).count(), 8);

  await complete('A1', '已报告分管领导');
  await complete('A2', '8人基本家庭档案已建立');
  await complete('A3', '领导小组会议研究稳控措施');
  await complete('A4', '综采一队主要领导会议，落实包保');
  await addNote('包保责任人已逐一谈话，8人表示不去市信访局');
  await noUserNumberFields();
  await transition('resolving', '稳控化解');
  assert.equal((await api.get(`/incidents/${id}`)).json.status, 'resolving');
  assert.deepEqual(suite.problems, []);
}));

test('the wall with both incidents at 1440x900 and 390x844', { timeout: 60000 }, () => run('wall', async () => {
  await page.goto(`${suite.base}/#/dashboard?wall=1`);
  await page.locator('.dash-card').nth(1).waitFor();
  await page.locator('#strip-matters').waitFor();
  await shots('wall', { full: true });
  await page.goto(`${suite.base}/#/dashboard`);
  assert.deepEqual(suite.problems, []);
}));
