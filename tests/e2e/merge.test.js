// Browser test of duplicate petitioner files (issue 8 item 7) against a real server: the
// petition office pastes three people into an incident's quick entry, one of whom
// already has a file; the quick entry asks about that line, "使用已有档案" is chosen and
// the incident lists the existing file (no second one). Then two files of one person
// are merged from the person page (合并档案: search by name, side-by-side preview, reason,
// confirm), and the old file's address opens the kept file with a notice. Last, a file
// made with the single-person form that is flagged as a duplicate offers 使用已有档案,
// which merges it into the existing file. Screenshots at 1440x900 go to
// test-results/merge-*.png. Any console or page error fails it.
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { makeUnit, makeUser, createPerson, registerActive } = require('../lib/fixtures.js');
const { browserSuite, shot } = require('../lib/pages.js');

const OFFICE = { username: 'xfb.merge', name: '信访办韩梅', password: 'Office-merge-2026' };

const suite = browserSuite('merge');
let page;
let office;
let incident;
let unit;
let existing; // 申国栋's file from before

before(async () => {
  const { admin, root: top } = await suite.start();
  unit = await makeUnit(admin, '退休支部', top.id, 'other');
  office = await makeUser(admin, { ...OFFICE, unit_id: top.id, roles: ['petition_office'] });

  existing = await createPerson(office, { name: '申国栋', phone: '13600000001', unit_id: unit.id, employment: 'retired', address: '矿区生活区7栋' });
  incident = await registerActive(office, {
    headcount: 3, destination: 'mine', advance_info: true, place: '集团公司门口', units: [unit.id], demands: '退休待遇', drill: true,
  });

  page = await suite.open('office');
});

// A flow that also fails on any page or console error.
const run = (name, fn) => suite.run(name, async () => {
  await fn();
  assert.deepEqual(suite.problems, [], 'no page or console errors');
});

test('quick entry offers 使用已有档案 for a flagged line', { timeout: 60000 }, () => run('quick', async () => {
  await suite.signIn(page, OFFICE);
  await page.goto(`${suite.base}/#/incidents/${incident.id}`);
  await page.locator('#people-empty').waitFor();
  await page.fill('#quick-text', '申国栋 退休支部\n邵玉兰 13600000002 退休支部\n戚保山 退休支部');
  await page.click('#quick-submit');
  const choices = page.locator('#quick-choices');
  await choices.waitFor();
  assert.match(await choices.textContent(), /第 1 行/);
  assert.match(await choices.textContent(), /使用已有档案：申国栋/);
  assert.equal(await choices.locator('fieldset').count(), 1, 'only the flagged line is asked about');
  assert.equal(await page.locator('#petitioners-table').count(), 0, 'nothing stored before choosing');
  assert.ok(await choices.locator(`[data-testid="qd-use"][data-person-id="${existing.id}"]`).isChecked(), 'the existing file is proposed');
  await shot(page, 'merge-quick-choice-1440x900.png');
  await page.click('#quick-choices-save');
  await page.locator('#quick-ok', { hasText: '已录入 3 人' }).waitFor();
  assert.match(await page.locator('#quick-ok').textContent(), /1 人使用已有档案/);
  await page.locator('#petitioners-table tr[data-testid="petitioner"]').nth(2).waitFor();
  const row = page.locator(`#petitioners-table tr[data-person-id="${existing.id}"]`);
  assert.match(await row.textContent(), /申国栋/);
  const list = await office.get('/persons?q=' + encodeURIComponent('申国栋'));
  assert.equal(list.json.persons.length, 1, 'no second file for 申国栋');
}));

test('two files of one person are merged and the old address opens the kept one', { timeout: 60000 }, () => run('files', async () => {
  // A second file of 申国栋 made by the single-person form elsewhere: same name and unit,
  // with an ID number the first one lacks.
  const dup = await office.post('/persons', { name: '申国栋', unit_id: unit.id, employment: 'retired', id_number: '320102195501011234', note: '曾在综采一队' });
  assert.equal(dup.status, 201, dup.text);
  const dupId = dup.json.id;
  await page.goto(`${suite.base}/#/persons/${dupId}`);
  await page.locator('#person-name', { hasText: '申国栋' }).waitFor();
  await page.locator('[data-testid="duplicates"]').waitFor();
  await page.click('#person-merge-open');
  await page.locator('#merge-panel').waitFor();
  await page.fill('#merge-q', '申国');
  await page.locator(`#merge-results [data-testid="merge-pick"][data-person-id="${existing.id}"]`).click();
  const compare = page.locator('#merge-compare');
  await compare.waitFor();
  // This file goes into the existing one: its ID number fills the empty one there.
  assert.match(await compare.locator('thead').textContent(), new RegExp(`保留.*申国栋 #${existing.id}`));
  const idRow = compare.locator('tr[data-field="id_number"]');
  assert.match(await idRow.getAttribute('class'), /merge-fills/);
  assert.match(await compare.locator('tr[data-field="address"]').textContent(), /矿区生活区7栋/);
  await page.fill('#merge-reason', '同一人重复建档');
  await page.locator('#merge-panel').scrollIntoViewIfNeeded();
  await shot(page, 'merge-preview-1440x900.png');
  await page.click('#merge-submit');
  await page.waitForURL(new RegExp(`#/persons/${existing.id}\\?merged=1$`));
  await page.locator('#person-merge-done').waitFor();
  assert.match(await page.locator('#person-idno').textContent(), /3201\*+1234/);
  assert.equal(await page.locator('[data-testid="duplicates"]').count(), 0, 'no duplicate left');

  // The old address: the kept file opens, with its own address and a notice.
  await page.goto(`${suite.base}/#/persons/${dupId}`);
  await page.locator('#person-merged-notice').waitFor();
  assert.match(await page.locator('#person-merged-notice').textContent(), new RegExp(`#${dupId}`));
  assert.match(page.url(), new RegExp(`#/persons/${existing.id}$`));
  assert.match(await page.locator('#person-phone').textContent(), /13600000001/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'merge-old-address-1440x900.png');
  // The list shows one file.
  await page.goto(`${suite.base}/#/persons?q=${encodeURIComponent('申国栋')}`);
  await page.locator('#persons-table tr[data-testid="person-row"]').first().waitFor();
  assert.equal(await page.locator('#persons-table tr[data-testid="person-row"]').count(), 1);
}));

test('the single-person form: a flagged new file offers 使用已有档案', { timeout: 60000 }, () => run('single', async () => {
  const before = await office.get('/persons?q=' + encodeURIComponent('邵玉兰'));
  assert.equal(before.json.persons.length, 1, '邵玉兰 came in through quick entry');
  const kept = before.json.persons[0];
  await page.goto(`${suite.base}/#/persons/new`);
  await page.locator('#person-new-form').waitFor();
  await page.fill('#pn-name', '邵玉兰');
  await page.selectOption('#pn-unit', String(unit.id));
  await page.click('#person-new-submit');
  await page.locator('#person-created').waitFor();
  const use = page.locator(`[data-testid="duplicates"] [data-testid="use-existing"][data-person-id="${kept.id}"]`);
  await use.click();
  // The existing file is chosen at once, with the reason filled in; this file goes into it.
  await page.locator('#merge-compare').waitFor();
  assert.match(await page.locator('#merge-compare thead').textContent(), new RegExp(`保留.*邵玉兰 #${kept.id}`));
  assert.equal(await page.inputValue('#merge-reason'), '重复建档，使用已有档案');
  await page.click('#merge-submit');
  await page.waitForURL(new RegExp(`#/persons/${kept.id}\\?merged=1$`));
  await page.locator('#person-phone', { hasText: '13600000002' }).waitFor();
  const after = await office.get('/persons?q=' + encodeURIComponent('邵玉兰'));
  assert.deepEqual(after.json.persons.map((p) => p.id), [kept.id], 'one file left');
}));
