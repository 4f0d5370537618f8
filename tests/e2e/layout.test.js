// Browser test of the incident page's layout and print record (issue 8, items 9, 12, 13).
// The petition office registers two incidents of the same grade through the API (a
// real one, then a drill) with petitioners and dispatches; in the browser the
// dispatch table is checked at 1440x900 and 390x844 (备注 not one character wide,
// buttons inside the window), the plan's principles and the current step open with one
// click, marking every dispatch of B2 arrived offers to complete B2 and doing so
// completes it, printing hides navigation and buttons and keeps the record (checked as
// a PDF with pdftotext when it is installed), the dashboard puts the drill after the
// real incident of its grade, and the wall at 1920x1080 shows a strip of counts above
// incidents side by side. Screenshots and the PDF go to test-results/layout-*.
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { makeUnit, makeUser, registerActive } = require('../lib/fixtures.js');
const { browserSuite, shot, RESULTS: results } = require('../lib/pages.js');

const OFFICE = { username: 'wang.wu', name: '王五', password: 'Office-pass-2026' };
const NOTE = '东门集合，听从现场指挥安排，带好执法记录仪';

const suite = browserSuite('layout');
let page;
let api;
let real;
let drill;

before(async () => {
  const { admin, root: top } = await suite.start();
  const unit = await makeUnit(admin, '综采一队', top.id, 'team');
  api = await makeUser(admin, { ...OFFICE, unit_id: top.id, roles: ['petition_office'] });

  const incident = (isDrill) => registerActive(api, { headcount: 12, destination: 'province', advance_info: false,
    place: '矿办公楼门前', units: [unit.id], demands: '要求补发拖欠工资', drill: isDrill });
  // The drill is the newer one, so that the server's own order puts it first.
  real = await incident(false);
  drill = await incident(true);
  assert.equal(drill.grade, real.grade);
  for (const [resource, quantity] of [['guards', 4], ['vehicles', 2]]) {
    const d = await api.post(`/incidents/${real.id}/dispatches`, { resource, quantity, note: NOTE });
    assert.equal(d.status, 201, d.text);
    // Guards on their way: the ETA column carries a countdown, as on a real day.
    if (resource === 'guards') assert.equal((await api.patch(`/dispatches/${d.json.id}`, { eta_minutes: 20 })).status, 200);
  }
  const p = await api.post('/persons', { name: '赵大', id_number: '110101195003071234', phone: '13800000001',
    unit_id: unit.id, incident_id: real.id, role: 'representative' });
  assert.equal(p.status, 201, p.text);

  page = await suite.open('office');
  await suite.signIn(page, OFFICE);
});

const { run } = suite;

async function openIncident() {
  await page.goto(`${suite.base}/#/incidents/${real.id}`);
  await page.locator('#dispatch-table tbody tr').first().waitFor();
}

// Every 备注 cell is wider than a few characters and every button of the dispatch table
// lies inside the window and inside the table's visible box.
async function checkDispatchTable(width) {
  const notes = await page.locator('#dispatch-table').evaluate((table) => {
    const col = [...table.querySelectorAll('thead th')].findIndex((th) => th.textContent === '备注');
    return [...table.querySelectorAll('tbody tr')].map((tr) => tr.children[col])
      .map((c) => ({ w: c.getBoundingClientRect().width, em: parseFloat(getComputedStyle(c).fontSize), text: c.textContent }));
  });
  assert.equal(notes.length, 2);
  for (const n of notes) {
    assert.equal(n.text, NOTE);
    // Room for at least seven characters a line.
    assert.ok(n.w > 60 && n.w >= 7 * n.em, `at ${width} px a 备注 cell is ${n.w} px wide (${n.w / n.em} characters)`);
  }
  const boxes = await page.locator('#dispatch-table button').evaluateAll((buttons) => buttons.map((b) => {
    const r = b.getBoundingClientRect();
    const wrap = b.closest('.table-wrap').getBoundingClientRect();
    return { text: b.textContent, left: r.left, right: r.right, wrapLeft: wrap.left, wrapRight: wrap.right, vw: window.innerWidth };
  }));
  assert.ok(boxes.length >= 4, `only ${boxes.length} buttons`);
  for (const b of boxes) {
    assert.ok(b.left >= 0 && b.right <= b.vw, `at ${width} px button ${b.text} is at ${b.left}..${b.right} of ${b.vw}`);
    assert.ok(b.left >= b.wrapLeft - 1 && b.right <= b.wrapRight + 1,
      `at ${width} px button ${b.text} (${b.left}..${b.right}) is cut off by the table box (${b.wrapLeft}..${b.wrapRight})`);
  }
}

test('the dispatch table fits at 1440x900 and on a 390x844 phone', { timeout: 60000 }, () => run('dispatch', async () => {
  await openIncident();
  await checkDispatchTable(1440);
  await shot(page, 'layout-incident-1440x900.png', { fullPage: true });
  await shot(page.locator('#dispatch-board'), 'layout-dispatch-1440x900.png');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('#dispatch-table').scrollIntoViewIfNeeded();
  await checkDispatchTable(390);
  const overflow = await page.locator('#dispatch-board').evaluate((el) =>
    Math.max(el.getBoundingClientRect().right - window.innerWidth, el.querySelector('.table-wrap').scrollWidth - el.querySelector('.table-wrap').clientWidth));
  assert.ok(overflow <= 0, `the dispatch board overflows by ${overflow} px at 390 px`);
  await shot(page, 'layout-incident-390x844.png', { fullPage: true });
  await shot(page.locator('#dispatch-board'), 'layout-dispatch-390x844.png');
  await page.setViewportSize({ width: 1440, height: 900 });
}));

test('the plan\'s principles and the current step are one click away', { timeout: 30000 }, () => run('guide', async () => {
  await openIncident();
  assert.equal(await page.locator('#guide-principles').isVisible(), false);
  await page.click('#inc-guide-toggle');
  await page.locator('#guide-principles').waitFor({ state: 'visible' });
  assert.match(await page.locator('#guide-principles').innerText(), /宜散不宜聚、宜解不宜结/);
  const tasks = (await api.get(`/incidents/${real.id}/tasks`)).json.tasks;
  const current = tasks.find((x) => x.status === 'pending' || x.status === 'in_progress');
  const shown = await page.locator('#guide-current').innerText();
  assert.ok(shown.includes(current.step_id) && shown.includes(current.text), shown);
  await shot(page.locator('#inc-guide'), 'layout-guide-1440x900.png');
  await page.click('#inc-guide-toggle');
}));

test('all of B2 arrived: the dispatch board offers to complete B2', { timeout: 60000 }, () => run('arrived', async () => {
  await openIncident();
  const b2 = page.locator('[data-testid="task"][data-step-id="B2"]');
  assert.notEqual(await b2.getAttribute('data-status'), 'done');
  assert.equal(await page.locator('#dispatch-offer').isVisible(), false);
  // The first arrival alone is not enough.
  await page.locator('#dispatch-table [data-testid="dispatch-arrived"]').first().click();
  await page.locator('#dispatch-table tr[data-status="arrived"]').waitFor();
  assert.equal(await page.locator('#dispatch-offer').isVisible(), false);
  await page.locator('#dispatch-table [data-testid="dispatch-arrived"]').first().click();
  await page.locator('#dispatch-offer').waitFor({ state: 'visible' });
  assert.match(await page.locator('#dispatch-offer').innerText(), /B2 调派的保卫干警、车辆均已到达/);
  await shot(page.locator('#dispatch-board'), 'layout-dispatch-offer-1440x900.png');
  await page.click('#dispatch-complete-step');
  await page.locator('[data-testid="task"][data-step-id="B2"][data-status="done"]').waitFor();
  await page.locator('#dispatch-offer').waitFor({ state: 'hidden' });
  const t = (await api.get(`/incidents/${real.id}/tasks`)).json.tasks.find((x) => x.step_id === 'B2');
  assert.equal(t.status, 'done');
}));

test('the incident page prints as a clean record', { timeout: 60000 }, () => run('print', async () => {
  await openIncident();
  await page.emulateMedia({ media: 'print' });
  try {
    for (const sel of ['#nav', '.topbar', '.crumbs', '#inc-actions', '[data-testid="live"]', '#dispatch-form', '#note-form']) {
      const n = await page.locator(sel).count();
      for (let i = 0; i < n; i++) assert.equal(await page.locator(sel).nth(i).isVisible(), false, `${sel} prints`);
    }
    const buttons = await page.locator('button, .btn, input, select, textarea').evaluateAll((els) =>
      els.filter((e) => e.getClientRects().length > 0).map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(buttons, [], 'controls print');
    for (const sel of ['#inc-number', '#inc-headcount', '#inc-decision', '#inc-reasons', '#checklist',
      '#dispatch-table', '#timeline', '#people-panel']) {
      assert.equal(await page.locator(sel).first().isVisible(), true, `${sel} does not print`);
    }
    const pdf = path.join(results, 'layout-incident.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    assert.ok(fs.statSync(pdf).size > 1000);
    let text = null;
    try { text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }); } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
    if (text !== null) {
      fs.writeFileSync(path.join(results, 'layout-incident-pdf.txt'), text);
      for (const want of [real.number, '判定依据', 'B2', '赵大', '时间线', NOTE]) assert.ok(text.includes(want), `the PDF lacks ${want}`);
      assert.ok(!text.includes('110101195003071234'), 'the PDF shows a full ID number');
      assert.ok(text.includes('1101**********1234'), 'the PDF lacks the masked ID number');
      for (const chrome of ['启动预案', '退出登录', '调派', '已撤离']) {
        assert.ok(!new RegExp(`^\\s*${chrome}\\s*$`, 'm').test(text), `the PDF shows the control ${chrome}`);
      }
    }
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
}));

test('drills sort after real incidents of the same grade on the dashboard', { timeout: 30000 }, () => run('dashboard', async () => {
  await page.goto(`${suite.base}/#/dashboard`);
  await page.locator('.dash-card').nth(1).waitFor();
  const order = await page.locator('.dash-card').evaluateAll((cards) => cards.map((c) => c.classList.contains('is-drill')));
  assert.deepEqual(order, [false, true]);
  assert.deepEqual(suite.problems, []);
}));

test('the wall at 1920x1080: a strip of counts above incidents side by side', { timeout: 30000 }, () => run('wall', async () => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  try {
    await page.goto(`${suite.base}/#/dashboard?wall=1`);
    await page.locator('.dash-card').nth(1).waitFor();
    const counts = Object.fromEntries(await page.locator('#dash-strip [data-count]').evaluateAll((items) =>
      items.map((i) => [i.dataset.count, i.querySelector('.strip-num').textContent])));
    // the drill's 12 people are not counted as on site
    assert.deepEqual(counts, { incidents: '2', people: '12', overdue: '0', unassigned: '1', matters: '0' });
    assert.match(await page.locator('#dash-strip').innerText(), /含演练 1/);
    const tops = await page.locator('.dash-card').evaluateAll((cards) => cards.map((c) => Math.round(c.getBoundingClientRect().top)));
    assert.equal(tops[0], tops[1], 'the incidents are not side by side');
    await shot(page, 'layout-wall-1920x1080.png');
    // Not on the ordinary dashboard.
    await page.goto(`${suite.base}/#/dashboard`);
    await page.locator('.dash-card').nth(1).waitFor();
    assert.equal(await page.locator('#dash-strip').isVisible(), false);
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
}));
