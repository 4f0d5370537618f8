// Browser test of the 诉求 area and the public lookup (issue 13 items 1, 4 and 6): the
// petition office registers a matter on its own (a visit) from the 诉求 area, drafts a
// 受理告知书 on the matter's page, issues it (the query code shows once), downloads its
// PDF — whose text pdftotext finds: the notice's number, its title, the matter and the
// query code — and records its delivery; the list shows the matter with its running
// clock. Then, with no account, the public page /lookup takes the code and the last 4
// digits of the phone and shows the matter's number and stage and no name. Screenshots
// go to test-results/matters-*.png.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { officeSuite, shot } = require('../lib/pages.js');

const OFFICE = { username: 'xfb.liu', name: '刘信访', password: 'Office-pass-2026' };
const suite = officeSuite('matters', OFFICE);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'xf-e2e-matters-'));

test('register a matter, issue a 受理告知书, download its PDF, look it up without an account', async () => {
  await suite.run(null, async () => {
    await suite.call('POST', '/persons', { name: '周德明', phone: '13912345678' }, 201);
    const page = await suite.signedIn();
    page.on('dialog', (d) => d.accept());

    // --- register a matter on its own ---
    await page.click('[data-testid="nav-matters"]');
    await page.locator('#area-matters h1').waitFor();
    await page.click('#mat-new');
    await page.locator('#mat-form').waitFor();
    await page.selectOption('#mat-channel', 'visit');
    await page.selectOption('#mat-category', 'appeal');
    await page.fill('#mat-content', '要求补发2025年井下夜班津贴');
    await shot(page, 'matters-new.png');
    await page.click('#mat-submit');
    await page.locator('#area-matter #mat-stage').waitFor();
    assert.equal((await page.locator('#mat-stage').textContent()).trim(), '已登记');
    assert.ok(await page.locator('#mat-clocks tr[data-clock="acceptance"]').count(), 'the acceptance clock runs');
    const matterId = /#\/matters\/(\d+)/.exec(page.url())[1];

    // --- draft and issue the 受理告知书 ---
    await page.selectOption('#ntc-kind', 'acceptance');
    await page.click('#ntc-draft');
    const card = page.locator('article.notice[data-kind="acceptance"]');
    await card.locator('[data-testid="ntc-issue"]').waitFor();
    await card.locator('input[name="handling_unit"]').fill('人力资源部');
    // Saved: the PATCH, then the page reads the notices again.
    await Promise.all([
      page.waitForResponse((res) => /\/notices$/.test(res.url()) && res.request().method() === 'GET'),
      card.locator('form.notice-edit button[type="submit"]').click(),
    ]);
    assert.equal(await page.locator('article.notice[data-kind="acceptance"] input[name="handling_unit"]').inputValue(),
      '人力资源部');
    await page.locator('article.notice[data-kind="acceptance"] [data-testid="ntc-issue"]').click();
    const issued = page.locator('article.notice[data-kind="acceptance"][data-status="issued"]');
    await issued.waitFor({ timeout: 30000 });
    const code = (await page.locator('[data-testid="query-code"]').textContent()).trim();
    assert.match(code, /^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
    const number = (await issued.locator('h3').textContent()).replace('受理告知书', '').trim();
    assert.match(number, /^〔\d{4}〕\d+号$/);
    assert.equal((await page.locator('#mat-stage').textContent()).trim(), '已受理');
    await shot(page, 'matters-issued.png', { fullPage: true });

    // --- its PDF, read with pdftotext ---
    const [dl] = await Promise.all([page.waitForEvent('download'), issued.locator('[data-testid="ntc-pdf"]').click()]);
    const pdfPath = path.join(work, 'acceptance.pdf');
    await dl.saveAs(pdfPath);
    assert.equal(fs.readFileSync(pdfPath).subarray(0, 5).toString(), '%PDF-');
    const r = spawnSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const text = r.stdout.replace(/\s+/g, '');
    for (const phrase of [number, '受理告知书', '予以受理', '人力资源部', code, `诉求编号：${matterId}`, '周德明']) {
      assert.ok(text.includes(phrase), `the PDF has ${phrase}: ${text.slice(0, 300)}`);
    }

    // --- delivery ---
    await issued.locator('select[name="method"]').selectOption('in_person');
    await issued.locator('form.delivery button[type="submit"]').click();
    await page.locator('[data-testid="ntc-delivered"]').waitFor();

    // --- the list with its clock ---
    await page.click('[data-testid="nav-matters"]');
    const row = page.locator(`#mat-table tr[data-id="${matterId}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /已受理/);
    assert.match(await row.textContent(), /办结：.*剩余 \d+ 天/);
    await shot(page, 'matters-list.png');

    // --- the public lookup, no account ---
    const pub = await suite.open('public');
    await pub.goto(`${suite.base}/lookup`);
    await pub.fill('#lookup-code', code.toLowerCase());
    await pub.fill('#lookup-digits', '5678');
    await pub.click('.lookup-form button[type="submit"]');
    await pub.locator('.lookup-facts').waitFor();
    const shown = await pub.locator('#lookup-result').textContent();
    assert.ok(shown.includes(number), shown);
    assert.ok(shown.includes('已受理'), shown);
    assert.ok(!shown.includes('周德明'), 'no name on the public page');
    await shot(pub, 'matters-lookup.png');
  });
});
