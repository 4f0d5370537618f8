// Browser test of the people side against a real server: the administrator sets up two
// units, a petition-office user, a leader and two responsible officials through the API,
// and the petition office registers and activates a drill incident. In the browser the
// petition office pastes 10 petitioners into the incident page's quick entry (first with
// an unknown unit on one line: the line's problem is shown and the text is kept), sees
// the Art. 20 warning for 6 representatives and the red 未包保 flags, and assigns 5
// petitioners to each official by ticking them. In a second browser context one official
// opens 包保, sees exactly their 5 petitioners, records a 走访 for one and sees the last
// follow-up and the moved next due date. Then the petition office searches a 2-character
// fragment of a petitioner's name and sees it highlighted. Any console or page error
// fails it, except the API refusals the flow provokes on purpose.
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { makeUnit, makeUser, registerActive } = require('../lib/fixtures.js');
const { browserSuite } = require('../lib/pages.js');

const PEOPLE = {
  office: { username: 'xfb.wang', name: '王信访', roles: ['petition_office'], password: 'Office-pass-2026' },
  leader: { username: 'ld.li', name: '李组长', roles: ['leader'], password: 'Leader-pass-2026' },
  off1: { username: 'bb.zhao', name: '赵包保', roles: ['official'], password: 'Official-pass-2026a' },
  off2: { username: 'bb.qian', name: '钱包保', roles: ['official'], password: 'Official-pass-2026b' },
};
// Ten petitioners: name, phone, unit, role. Six representatives: more than Art. 20 allows.
const PETITIONERS = [
  ['欧阳明华', '13800000001', '综采一队', '代表'],
  ['司马秋菊', '13800000002', '综采一队', '代表'],
  ['诸葛青松', '13800000003', '综采一队', '代表'],
  ['上官春燕', '13800000004', '综采一队', '参与'],
  ['东方海涛', '13800000005', '综采一队', ''],
  ['慕容雪梅', '13800000006', '掘进二队', '代表'],
  ['皇甫志强', '13800000007', '掘进二队', '代表'],
  ['尉迟红霞', '13800000008', '掘进二队', '代表'],
  ['公孙德胜', '13800000009', '掘进二队', '参与'],
  ['令狐桂兰', '13800000010', '', '参与'],
];

const suite = browserSuite('people');
let incident;
const users = {};

before(async () => {
  const { admin, root } = await suite.start();
  const units = {};
  for (const name of ['综采一队', '掘进二队']) units[name] = await makeUnit(admin, name, root.id, 'team');
  for (const [key, p] of Object.entries(PEOPLE)) {
    const client = await makeUser(admin, { ...p, unit_id: root.id });
    users[key] = { client, user: client.user };
  }
  // The first official is on the staff roster with their account, so the petition office
  // can pick them from a list; the second is named by user number.
  const staff = await admin.post('/staff', {
    staff_number: 'B001', name: PEOPLE.off1.name, unit_id: units['综采一队'].id, position: '党支部书记', user_id: users.off1.user.id,
  });
  assert.equal(staff.status, 201, staff.text);

  incident = await registerActive(users.office.client, {
    headcount: 10, destination: 'province', advance_info: false, place: '矿办公楼门前',
    units: [units['综采一队'].id, units['掘进二队'].id], demands: '补发工资', drill: true,
  });

  for (const who of ['office', 'off1']) await suite.open(who, { viewport: { width: 1400, height: 900 } });
});

const signIn = (page, who) => suite.signIn(page, PEOPLE[who]);

// Ticks the petitioners with these names in the incident's table and assigns them to
// the official, chosen from the directory's list, after typing part of the name when
// search is given; nobody types a user number.
async function assign(page, names, official, search) {
  for (const name of names) {
    await page.locator('#petitioners-table tr[data-testid="petitioner"]', { hasText: name }).locator('input[type="checkbox"]').check();
  }
  await page.locator('#assign-count', { hasText: `已勾选 ${names.length} 人` }).waitFor();
  assert.equal(await page.locator('#assign-form input[type="number"]').count(), 0, 'no user-number field');
  if (search) await page.fill('#assign-official-search', search);
  await page.locator(`#assign-official option[value="${official.id}"]`).waitFor({ state: 'attached' });
  await page.selectOption('#assign-official', String(official.id));
  await page.click('#assign-submit');
  for (const name of names) {
    await page.locator('#petitioners-table tr[data-testid="petitioner"]', { hasText: name })
      .locator('[data-testid="official"]', { hasText: official.name }).waitFor();
  }
}

test('quick entry of petitioners, 包保 assignment, follow-up by the official, search', { timeout: 60000 },
  () => suite.run('', flow));

async function flow() {
  const office = suite.pages.office;
  await signIn(office, 'office');
  await office.goto(`${suite.base}/#/incidents/${incident.id}`);
  await office.locator('#people-panel').waitFor();
  await office.locator('#people-empty').waitFor();

  // Quick entry with one unknown unit: the server names the line, nothing is stored,
  // and the text stays in the box to be fixed.
  const lines = PETITIONERS.map((p) => p.filter(Boolean).join(' '));
  const bad = [...lines];
  bad[2] = bad[2].replace('综采一队', '综采九队');
  await office.fill('#quick-text', bad.join('\n'));
  await office.click('#quick-submit');
  const problem = office.locator('#quick-problems li[data-line="3"]');
  await problem.waitFor();
  assert.match(await problem.textContent(), /第 3 行/);
  assert.match(await problem.textContent(), /综采九队/);
  assert.equal(await office.inputValue('#quick-text'), bad.join('\n'), 'the pasted text is kept');
  assert.equal(await office.locator('#petitioners-table').count(), 0, 'nothing was stored');

  // Fixed: all ten are stored, the Art. 20 warning is in plain sight, nobody has an official.
  await office.fill('#quick-text', lines.join('\n'));
  await office.click('#quick-submit');
  await office.locator('#quick-ok', { hasText: '已录入 10 人' }).waitFor();
  await office.locator('#petitioners-table tr[data-testid="petitioner"]').nth(9).waitFor();
  assert.equal(await office.locator('#petitioners-table tr[data-testid="petitioner"]').count(), 10);
  assert.equal(await office.inputValue('#quick-text'), '');
  const warning = await office.locator('#art20-warning').textContent();
  assert.match(warning, /第二十条/);
  assert.match(warning, /6/);
  assert.equal(await office.locator('#petitioners-table [data-testid="unassigned"]').count(), 10);
  const rep = office.locator('#petitioners-table tr', { hasText: '欧阳明华' });
  assert.match(await rep.textContent(), /代表/);
  assert.match(await rep.textContent(), /综采一队/);

  // 包保: five to each official, ticked in the table.
  const names = PETITIONERS.map((p) => p[0]);
  await assign(office, names.slice(0, 5), users.off1.user);
  await assign(office, names.slice(5), users.off2.user, '钱');
  await office.locator('#people-summary', { hasText: '未包保 0 人' }).waitFor();
  assert.equal(await office.locator('#petitioners-table [data-testid="unassigned"]').count(), 0);
  // Each assignment's follow-up falls due as a task of the official on the checklist.
  await office.locator('#group-followup li[data-testid="task"]').nth(9).waitFor();

  // The official: 包保 shows their own five, soonest due first.
  const official = suite.pages.off1;
  await signIn(official, 'off1');
  await official.click('[data-testid="nav-assignments"]');
  await official.locator('#assignment-list [data-testid="assignment"]').nth(4).waitFor();
  assert.equal(await official.locator('#assignment-list [data-testid="assignment"]').count(), 5);
  const listed = await official.locator('#assignment-list .person-name').allTextContents();
  assert.deepEqual([...listed].sort(), names.slice(0, 5).sort());
  const card = official.locator('#assignment-list [data-testid="assignment"]', { hasText: '欧阳明华' });
  assert.match(await card.textContent(), /尚无跟进记录/);
  assert.match(await card.textContent(), /稳定/);
  const dueBefore = await card.locator('[data-testid="next-due"]').getAttribute('data-due-long');
  assert.match(await card.locator('[data-testid="next-due"]').textContent(), /剩余 6 天|剩余 7 天/);

  // A 走访 recorded: the last follow-up shows it and the next one falls due later.
  await card.locator('[data-testid="followup-open"]').click();
  const form = card.locator('[data-testid="followup-form"]');
  await form.locator('select[name="kind"]').selectOption('visit');
  await form.locator('textarea[name="content"]').fill('到家中走访，讲解补发工资政策，情绪稳定');
  await form.locator('[data-testid="followup-submit"]').click();
  const saved = official.locator('#assignment-list [data-testid="assignment"]', { hasText: '欧阳明华' });
  await saved.locator('[data-testid="followup-saved"]').waitFor();
  const last = await saved.locator('[data-testid="last-followup"]').textContent();
  assert.match(last, /走访/);
  assert.match(last, /讲解补发工资政策/);
  assert.match(last, /赵包保/);
  const dueAfter = await saved.locator('[data-testid="next-due"]').getAttribute('data-due-long');
  assert.ok(Date.parse(dueAfter) > Date.parse(dueBefore), `next due moved: ${dueBefore} -> ${dueAfter}`);
  // The petition office's file of that person shows the same follow-up.
  const api = await users.office.client.get('/assignments');
  const a = api.json.assignments.find((x) => x.person.name === '欧阳明华');
  assert.equal(a.last_followup.kind, 'visit');

  // Search: a 2-character fragment of a name, highlighted, linking to the file.
  await office.fill('#search-q', '秋菊');
  await office.click('#search-submit');
  const hit = office.locator('#search-person [data-testid="search-hit"]', { hasText: '司马秋菊' });
  await hit.waitFor();
  assert.equal((await hit.locator('mark.hit').allTextContents()).join(''), '秋菊');
  await hit.locator('a').first().click();
  await office.locator('#person-name', { hasText: '司马秋菊' }).waitFor();
  assert.match(await office.locator('#person-privacy').textContent(), /记录在案/);
  assert.match(await office.locator('#person-assignment').textContent(), /赵包保/);

  // Only the refusals the flow provokes: the session probe on load, the bad line.
  for (const f of suite.apiFailures) {
    assert.ok(/ \/api\/v1\/session$/.test(f) || f === `office /api/v1/incidents/${incident.id}/persons/bulk`, `unexpected API failure ${f}`);
  }
  assert.deepEqual(suite.problems, []);
}
