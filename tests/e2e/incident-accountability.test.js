// Browser test of the incident page's 责任追究 section (issue 14 item 7, "linked from the
// incident"): with two findings linked to an incident (a 通报批评 of 本矿, a 谈话提醒 of an
// official who added a statement), the petition office sees both on the incident page with
// their decision, unit and person, basis, who decided and when, the statement count and a
// link to the 考核 area (in English too); an incident without findings says 暂无责任追究记录; dispatch (not
// allowed to see findings, 403 from the API) sees no section and its page asks nothing; a
// 403 answer hides the section without an error box. Screenshot:
// test-results/incident-accountability.png (the section) and -page.png (the whole page).
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { browserSuite, RESULTS, shot, text } = require('../lib/pages.js');
const { setupOffice, makeUser, expectStatus, incidentBody } = require('../lib/fixtures.js');

const OFFICE = { username: 'xfb.zr', name: '追责信访办', password: 'Office-pass-2026' };
const suite = browserSuite('incident-accountability');
const world = {};

before(async () => {
  const w = await setupOffice(OFFICE);
  suite.server = w.srv;
  world.office = w.office;
  world.root = w.root;
  [world.dispatch, world.official] = await Promise.all([
    makeUser(w.admin, { username: 'dd.zr', name: '追责调度', unit_id: w.root.id, roles: ['dispatch'] }),
    makeUser(w.admin, { username: 'bb.zr', name: '王包保', unit_id: w.root.id, roles: ['official'] }),
  ]);
});

const call = async (client, method, p, body, status) =>
  expectStatus(await client.request(method, p, body), status, `${method} ${p}`);

test('the incident page lists its findings for the petition office, not for dispatch', async () => {
  await suite.run(null, async () => {
    const { office, dispatch, official, root } = world;
    const inc = await call(office, 'POST', '/incidents', incidentBody({ units: [root.id], place: '矿办公楼门前' }), 201);
    const other = await call(office, 'POST', '/incidents', incidentBody({ units: [root.id] }), 201);
    await call(office, 'POST', '/accountability', { unit_id: root.id, basis: 'overdue_tasks', decision: 'notice',
      decided_by: '矿信访工作领导小组', decided_at: '2026-11-20', text: '处置任务逾期', incident_ids: [inc.id] }, 201);
    const talk = await call(office, 'POST', '/accountability', { unit_id: root.id, user_id: official.user.id,
      basis: 'missed_report', decision: 'talk', decided_by: '矿党委', decided_at: '2026-11-25', incident_ids: [inc.id] }, 201);
    await call(official, 'POST', `/accountability/${talk.id}/statement`, { text: '当日值班，已补报。' }, 201);
    await call(dispatch, 'GET', `/incidents/${inc.id}/accountability`, undefined, 403);

    // The petition office: both findings, newest first.
    const page = await suite.open('office');
    await suite.signIn(page, OFFICE);
    await suite.visit(page, `/#/incidents/${inc.id}`, '[data-testid="inc-finding-list"]');
    const section = page.locator('[data-testid="inc-accountability"]');
    assert.equal(await text(section.locator('h2')), '责任追究');
    const items = section.locator('[data-testid="inc-finding"]');
    assert.equal(await items.count(), 2);
    assert.equal(await text(items.nth(0)), `谈话提醒 — 本矿 · 王包保 依据：迟报漏报 · 矿党委 2026-11-25 决定 · 本人说明 1 条`);
    assert.equal(await text(items.nth(1)), '通报批评 — 本矿 依据：任务逾期 · 矿信访工作领导小组 2026-11-20 决定');
    assert.equal(await items.nth(1).locator('a').getAttribute('href'), '#/assessment?period=2026-11');
    await section.screenshot({ path: path.join(RESULTS, 'incident-accountability.png') });
    await shot(page, 'incident-accountability-page.png', { fullPage: true });

    // The link opens the 考核 area of that month, whose list has the finding.
    await items.nth(1).locator('a').click();
    await page.locator('[data-testid="as-finding"]').first().waitFor();
    assert.equal(await page.inputValue('#as-period'), '2026-11');

    // An incident without findings.
    await suite.visit(page, `/#/incidents/${other.id}`, '[data-testid="inc-acc-none"]');
    assert.equal(await text(page.locator('[data-testid="inc-acc-none"]')), '暂无责任追究记录');

    // A 403 answer hides the section, no error box.
    await page.route('**/api/v1/incidents/*/accountability', (route) => route.fulfill({ status: 403,
      contentType: 'application/json', body: JSON.stringify({ error: { code: 'forbidden', message: 'you may not see this' } }) }));
    const refused = page.waitForResponse((r) => r.url().endsWith(`/incidents/${inc.id}/accountability`));
    await page.goto(suite.base + `/#/incidents/${inc.id}`);
    await refused;
    await page.locator('#timeline li').first().waitFor();
    assert.equal(await section.isVisible(), false, 'a refused list shows no section');
    assert.equal(await page.locator('#inc-accountability .form-error').count(), 0);
    await page.unroute('**/api/v1/incidents/*/accountability');

    // In English the plan's English name of the decision.
    await page.evaluate(() => localStorage.setItem('xf.lang', 'en'));
    await page.reload();
    await page.locator('[data-testid="inc-finding-list"]').waitFor();
    assert.equal(await text(section.locator('h2')), 'Accountability');
    assert.equal(await text(items.nth(0)), 'Reminder talk — 本矿 · 王包保 Basis: Missed report · decided by 矿党委 on 2026-11-25'
      + ' · 1 statement(s) by the person concerned');
    await page.evaluate(() => localStorage.setItem('xf.lang', 'zh'));

    // Dispatch sees the incident, not its findings, and its page does not ask for them.
    const asked = [];
    const dpage = await suite.open('dispatch');
    dpage.on('request', (r) => { if (r.url().includes('/accountability')) asked.push(r.url()); });
    await suite.signIn(dpage, { username: 'dd.zr', password: dispatch.password });
    await suite.visit(dpage, `/#/incidents/${inc.id}`, '#inc-guide');
    await dpage.waitForFunction(() => document.querySelector('#inc-head') && document.querySelector('#inc-head').textContent.trim() !== '');
    await dpage.locator('#timeline li').first().waitFor();
    assert.equal(await dpage.locator('[data-testid="inc-accountability"]').isVisible(), false);
    assert.equal(await dpage.locator('[data-testid="inc-finding"]').count(), 0);
    assert.deepEqual(asked, []);

    assert.deepEqual(suite.problems, []);
  });
});
