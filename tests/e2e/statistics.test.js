// Browser test of the 统计 area (issue 14 item 5): a seeded year (tests/lib/stats-year.js)
// written into the store; the petition office opens 统计 for that year and sees the totals
// the test counted itself (drills and withdrawn left out), ECharts canvases drawn beside
// their tables (the vendored /vendor/echarts.min.js under the strict CSP: no console
// error), the month table, and the export links of the period. A 1440x900 screenshot
// goes to test-results/statistics-1440.png, the whole page to statistics-full.png.
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { browserSuite, shot, text } = require('../lib/pages.js');
const { makeUser } = require('../lib/fixtures.js');
const { sql } = require('../lib/db.js');
const { root } = require('../lib/server.js');
const { generateYear, yearSql, expected, beijing } = require('../lib/stats-year.js');

const OFFICE = { username: 'tj.xfb', name: '信访办统计员', password: 'Office-pass-2026' };
const YEAR = 2025;
const suite = browserSuite('statistics');
let want;

before(async () => {
  // `make` vendors ECharts (Makefile: vendor); a test run straight from node does it here.
  if (!fs.existsSync(path.join(root, 'web', 'vendor', 'echarts.min.js'))) {
    execFileSync('make', ['--no-print-directory', 'vendor'], { cwd: root, stdio: 'pipe' });
  }
  const { admin, root: rootUnit } = await suite.start();
  await makeUser(admin, { ...OFFICE, unit_id: rootUnit.id, roles: ['petition_office'] });
  await suite.open('office');
  const srv = suite.server;
  const rootId = rootUnit.id;
  const planId = Number(sql(srv, 'SELECT id FROM plans ORDER BY id LIMIT 1'));
  sql(srv, `INSERT INTO persons (id, name, unit_id, created_ms, updated_ms) VALUES (90001, '信访人甲', ${rootId}, 0, 0), (90002, '信访人乙', ${rootId}, 0, 0);`);
  const year = generateYear({ seed: 8, year: YEAR, n: 120, m: 150, units: [rootId], persons: [90001, 90002], planId, mineId: rootId });
  sql(srv, yearSql(year));
  want = expected(year, { from: beijing(YEAR, 1, 1), to: beijing(YEAR + 1, 1, 1), personUnit: new Map([[90001, rootId], [90002, rootId]]) });
});

test('the statistics page shows the seeded year\'s totals, charts beside their tables and the exports', { timeout: 60000 }, () => suite.run('office', async () => {
  const page = suite.pages.office;
  await page.setViewportSize({ width: 1440, height: 900 });
  await suite.signIn(page, OFFICE);
  await page.click('[data-testid="nav-statistics"]');
  await page.locator('#stat-from').waitFor();
  await page.fill('#stat-from', `${YEAR}-01-01`);
  await page.fill('#stat-to', `${YEAR}-12-31`);
  await page.click('#stat-apply');
  await page.waitForFunction((total) => {
    const el = document.querySelector('[data-testid="stat-incidents-total"] .stat-value');
    return el && el.textContent === String(total);
  }, want.incidents.total);
  assert.equal(await text(page.locator('[data-testid="stat-matters-total"] .stat-value')), String(want.matters.total));
  // Charts: ECharts drew a canvas in each card; the month table holds every month.
  await page.locator('#chart-month canvas').first().waitFor();
  const canvases = await page.locator('.stat-chart canvas').count();
  assert.ok(canvases >= 10, `charts drawn: ${canvases}`);
  const monthRows = page.locator('[data-testid="table-month"] tbody tr');
  assert.equal(await monthRows.count(), 12);
  const march = await text(monthRows.nth(2));
  assert.equal(march, `${YEAR}-03 ${want.incidents.by_month[`${YEAR}-03`] || 0} ${want.matters.by_month[`${YEAR}-03`] || 0}`);
  const acc = want.matters.acceptance;
  const rate = `${((100 * acc.met) / (acc.met + acc.missed)).toFixed(1)}%`;
  assert.equal(await text(page.locator('[data-testid="stat-accept-rate"] .stat-value')), rate);
  // The exports name the period shown.
  assert.match(await page.locator('[data-testid="stat-xlsx"]').getAttribute('href'),
    new RegExp(`^/api/v1/statistics/export\\.xlsx\\?from=${YEAR}-01-01&to=${YEAR}-12-31`));
  assert.match(await page.locator('[data-testid="stat-annual-pdf"]').getAttribute('href'), new RegExp(`annual\\.pdf\\?year=${YEAR}`));
  assert.match(await text(page.locator('#area-statistics')), /不含演练和作废/);
  await shot(page, 'statistics-1440.png', { fullPage: false });
  await shot(page, 'statistics-full.png', { fullPage: true });
  assert.deepEqual(suite.problems, []);
}));
