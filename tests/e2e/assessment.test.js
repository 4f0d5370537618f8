// Browser test of the 考核 area (issue 14 items 6 and 7): with a collective visit of the
// mine's people to the group company this month, the petition office opens 考核 from the
// navigation and sees 本矿's score with the line traced to the incident, the "三无" item
// broken; records a 通报批评 finding from the form; the list shows it and the score drops
// by its points; the print view hides navigation and forms. Screenshots go to
// test-results/assessment-*.png.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { officeSuite, shot, text } = require('../lib/pages.js');

const OFFICE = { username: 'xfb.kh', name: '考核信访办', password: 'Office-pass-2026' };
const suite = officeSuite('assessment', OFFICE);

test('the assessment of this month, a finding recorded, the print view', async () => {
  await suite.run(null, async () => {
    const root = (await suite.call('GET', '/units', undefined, 200)).units.find((u) => u.parent_id === null);
    const inc = await suite.call('POST', '/incidents', { headcount: 5, destination: 'group', advance_info: true,
      place: '集团公司信访办', units: [root.id], demands: '要求补发拖欠工资', drill: false }, 201);
    const page = await suite.signedIn();

    await page.click('[data-testid="nav-assessment"]');
    const unit = page.locator(`[data-testid="as-unit"][data-unit="${root.id}"]`);
    await unit.waitFor();
    assert.equal(await text(unit.locator('[data-testid="as-score"]')), '90 分');
    const row = unit.locator('[data-testid="as-lines"] tbody tr').first();
    assert.match(await text(row), /本单位人员到集团公司集体上访 -10/);
    assert.equal(await row.locator('a').textContent(), inc.number);
    assert.match(await text(unit.locator('[data-testid="three-no-item"]').first()), /无越级上访：未达标（1 起）/);
    await shot(page, 'assessment-unit.png', { fullPage: true });

    await page.selectOption('#af-unit', String(root.id));
    await page.selectOption('#af-decision', 'notice');
    await page.selectOption('#af-basis', 'other');
    await page.fill('#af-by', '矿信访工作领导小组');
    await page.fill('#af-incidents', String(inc.id));
    await page.fill('#af-text', '集体越级上访，化解不力');
    await page.click('#finding-form button[type="submit"]');
    const finding = page.locator('[data-testid="as-finding"]');
    await finding.first().waitFor();
    assert.match(await text(finding.first()), /本矿 — 通报批评 · 其他 · 矿信访工作领导小组/);
    assert.equal(await finding.first().locator('a.as-link').textContent(), inc.number);

    await page.click('#as-filters button[type="submit"]');
    await page.waitForFunction((id) => {
      const el = document.querySelector(`[data-testid="as-unit"][data-unit="${id}"] [data-testid="as-score"]`);
      return el && el.textContent.trim() === '85 分';
    }, root.id);

    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#nav').isVisible(), false, 'no navigation in print');
    assert.equal(await page.locator('#finding-form').isVisible(), false, 'no form in print');
    assert.equal(await unit.isVisible(), true);
    await shot(page, 'assessment-print.png', { fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });
});
