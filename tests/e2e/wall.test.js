// Browser test of the leader's wall (issue 8 item 12): the fifth count of its top strip,
// matters (诉求) near or past their legal deadline (due within 3 days or overdue, not
// concluded) that the viewer may see, and the list it opens; and the wall and the
// dispatch rows on a 390x844 phone (one column, readable counts, no horizontal scroll).
// Matters received weeks ago are made by moving their receipt back in the database
// with tests/lib/db.js (the sqlite3 shell: e2e runs on SQLite). Screenshots go to
// test-results/wall-*.
'use strict';

// Deadlines are counted as the Civil Code does (issue 13): a calendar without rest days
// keeps "due in 2 days" true whatever the weekday the test runs on.
process.env.XINFANG_CALENDAR = require('node:path').join(__dirname, '..', 'api', 'fixtures', 'calendar-no-rest.json');

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { sql } = require('../lib/db.js');
const { makeUnit, makeUser, registerActive } = require('../lib/fixtures.js');
const { browserSuite, shot } = require('../lib/pages.js');

const DAY = 24 * 3600 * 1000;
const LEADER = { username: 'ld.chen', name: '陈组长', password: 'Leader-pass-2026' };
const HEAD = { username: 'zc.head', name: '综采队长', password: 'Head-pass-2026' };

const suite = browserSuite('wall');
let page;
let incident;

before(async () => {
  const { admin, root: top } = await suite.start();
  const team = await makeUnit(admin, '综采一队', top.id, 'team');
  const dept = await makeUnit(admin, '机电科', top.id, 'department');
  const office = await makeUser(admin, { username: 'xfb.wang', name: '王信访', password: 'Office-pass-2026',
    unit_id: top.id, roles: ['petition_office'] });
  await makeUser(admin, { ...LEADER, unit_id: top.id, roles: ['leader'] });
  await makeUser(admin, { ...HEAD, unit_id: team.id, roles: ['unit_head'] });

  for (const [headcount, unit, drill] of [[23, team.id, false], [8, dept.id, false], [5, team.id, true]]) {
    const a = await registerActive(office, { headcount, destination: 'group', advance_info: false,
      place: '集团公司大门', units: [unit], demands: '要求落实退休待遇', drill });
    incident = incident || a;
    const d = await office.post(`/incidents/${a.id}/dispatches`, { resource: 'guards', quantity: 4,
      note: '东门集合，听从现场指挥安排，带好执法记录仪' });
    assert.equal(d.status, 201, d.text);
  }
  // Matters: one overdue and one due in 2 days in 综采一队, one due in 1 day in 机电科,
  // one due in 10 days and one concluded (neither counts).
  const person = async (name, unitId) => (await office.post('/persons', { name, unit_id: unitId })).json;
  const zhang = await person('张建国', team.id);
  const li = await person('李秀兰', dept.id);
  const now = Date.now();
  const matter = async (p, content, receivedDaysAgo, conclude) => {
    const r = await office.post(`/persons/${p.id}/matters`, { category: 'appeal', content });
    assert.equal(r.status, 201, r.text);
    sql(suite.server, `UPDATE matters SET received_ms = ${Math.round(now - receivedDaysAgo * DAY)} WHERE id = ${r.json.id}`);
    if (conclude) assert.equal((await office.patch(`/matters/${r.json.id}`, { accepted: true, concluded: true })).status, 200);
  };
  await matter(zhang, '补缴养老保险', 20);
  await matter(zhang, '调整退休待遇', 13);
  await matter(li, '报销医药费', 14);
  await matter(li, '解决住房', 5);
  await matter(zhang, '补发津贴', 20, true);

  page = await suite.open('leader', { viewport: { width: 1920, height: 1080 } });
});

const { run } = suite;

async function stripCounts() {
  return Object.fromEntries(await page.locator('#dash-strip [data-count]').evaluateAll((items) =>
    items.map((i) => [i.dataset.count, i.querySelector('.strip-num').textContent])));
}

test('the wall counts matters near their legal deadline and lists them on a click', { timeout: 60000 }, () => run('matters', async () => {
  await suite.signIn(page, LEADER);
  await page.goto(`${suite.base}/#/dashboard?wall=1`);
  await page.locator('.dash-card').nth(2).waitFor();
  await page.locator('#strip-matters').waitFor();
  assert.deepEqual(await stripCounts(), { incidents: '3', people: '31', overdue: '0', unassigned: '0', matters: '3' });
  assert.match(await page.locator('#strip-matters').innerText(), /临近法定期限的诉求/);
  assert.equal(await page.locator('#dash-matters').isVisible(), false);
  await page.click('#strip-matters');
  await page.locator('#dash-matters').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#strip-matters').getAttribute('aria-expanded'), 'true');
  const rows = page.locator('#dash-matters [data-testid="due-matter"]');
  assert.equal(await rows.count(), 3);
  const texts = await rows.allInnerTexts();
  assert.match(texts[0], /张建国[\s\S]*补缴养老保险[\s\S]*受理期限[\s\S]*超时/);
  assert.match(texts[1], /李秀兰[\s\S]*报销医药费[\s\S]*剩余/);
  assert.match(texts[2], /张建国[\s\S]*调整退休待遇[\s\S]*剩余/);
  assert.ok(await rows.first().evaluate((r) => r.classList.contains('late')));
  await shot(page, 'wall-matters-1920.png');
  // The name leads to the file.
  assert.match(await rows.first().locator('a').getAttribute('href'), /^#\/persons\/\d+$/);
  // The panel follows the live refresh and closes on a second click.
  await page.click('#strip-matters');
  await page.locator('#dash-matters').waitFor({ state: 'hidden' });
  assert.deepEqual(suite.problems, []);
}));

test('a unit head counts only the matters of their unit', { timeout: 60000 }, () => run('head', async () => {
  await page.goto(`${suite.base}/#/dashboard`);
  await page.locator('#nav').waitFor();
  await page.click('#logout');
  await suite.signIn(page, HEAD);
  await page.goto(`${suite.base}/#/dashboard?wall=1`);
  await page.locator('#strip-matters').waitFor();
  assert.equal((await stripCounts()).matters, '2');
  await page.goto(`${suite.base}/#/dashboard`);
  await page.locator('#nav').waitFor();
  await page.click('#logout');
  await suite.signIn(page, LEADER);
}));

test('the wall and the dispatch rows on a 390x844 phone', { timeout: 60000 }, () => run('phone', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.goto(`${suite.base}/#/dashboard?wall=1`);
    await page.locator('.dash-card').nth(2).waitFor();
    await page.locator('#strip-matters').waitFor();
    await page.click('#strip-matters');
    await page.locator('#dash-matters').waitFor({ state: 'visible' });
    const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(width <= 390, `the wall scrolls sideways: ${width} px wide`);
    // One column: every card starts at the same left edge and fits the screen.
    const boxes = await page.locator('.dash-card').evaluateAll((cards) => cards.map((c) => c.getBoundingClientRect())
      .map((r) => ({ left: Math.round(r.left), right: r.right })));
    assert.equal(new Set(boxes.map((b) => b.left)).size, 1, `cards side by side: ${JSON.stringify(boxes)}`);
    for (const b of boxes) assert.ok(b.right <= 390, `a card ends at ${b.right}`);
    // Counts readable: large numbers, labels inside their box.
    const nums = await page.locator('#dash-strip .strip-item').evaluateAll((items) => items.map((i) => {
      const n = i.querySelector('.strip-num');
      const r = i.getBoundingClientRect();
      return { size: parseFloat(getComputedStyle(n).fontSize), right: r.right, label: i.querySelector('.strip-label').scrollWidth <= i.clientWidth };
    }));
    assert.equal(nums.length, 5);
    for (const n of nums) {
      assert.ok(n.size >= 24, `a count is ${n.size} px`);
      assert.ok(n.right <= 390 && n.label, JSON.stringify(n));
    }
    await shot(page, 'wall-phone-390.png', { fullPage: true });

    // The dispatch rows of an incident on the phone.
    await page.goto(`${suite.base}/#/incidents/${incident.id}`);
    await page.locator('#dispatch-table tbody tr').first().waitFor();
    const w2 = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(w2 <= 390, `the incident page scrolls sideways: ${w2} px wide`);
    const row = await page.locator('#dispatch-table tbody tr').first().evaluate((tr) => {
      const r = tr.getBoundingClientRect();
      return { left: r.left, right: r.right };
    });
    assert.ok(row.left >= 0 && row.right <= 390, `a dispatch row is at ${row.left}..${row.right}`);
    await shot(page.locator('#dispatch-board'), 'wall-dispatch-390.png');
    assert.deepEqual(suite.problems, []);
  } finally {
    await page.setViewportSize({ width: 1920, height: 1080 });
  }
}));
