// Browser test of issue 9's closing half through the 记录与报告 UI: the scenario "23
// retirees at the group company's gate" is registered, activated and its 23 petitioners
// entered through the UI, then closed to `archived`: a photo (a JPEG drawn on a canvas)
// and an audio file (a tiny WAV, dropped on the drop zone) are uploaded, a file over the
// server's cap is refused naming the limit, a 谈话记录 is written with an official picked
// by name and petitioners ticked from the incident's list, 首报 is issued while
// resolving, the evaluation is scored, refused while incomplete and completed, 终报 and
// 工作总结 are drafted, edited, previewed and issued, the refused transitions show what
// is missing, C1–C4 are completed with notes, the other open steps skipped with a
// reason, and the incident archived. The archive list shows the seal intact; the
// archive ZIP is downloaded, unzipped (unzip) and every file's SHA-256 checked against
// manifest.json, the photo and audio byte for byte. A record added by someone else
// shows through the live stream; the company petition office reads and downloads but
// adds nothing. Screenshots at 1440x900 and 390x844
// of the records area, the evaluation form and the report editor go to test-results/
// (records-*.png, evaluation-*.png, report-editor-*.png, archive-list-*.png).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { watchPage } = require('../lib/browser.js');
const { makeUnit, makeUser, wav } = require('../lib/fixtures.js');
const { browserSuite, shot } = require('../lib/pages.js');

const TIMEOUT = 20000;
const CAP = 1024 * 1024; // XINFANG_RECORD_MAX_BYTES of this server: 1 MiB
const OFFICE = { username: 'xfb.wang', name: '王信访', password: 'Office-pass-2026' };
const OFFICIAL = { username: 'bb.zhou', name: '周平', password: 'Official-pass-2026a' };
const COMPANY = { username: 'gs.xfb', name: '公司信访办刘明', password: 'Company-pass-2026' };
const RETIREE_HEAD = { username: 'tx.head', name: '退休支部书记马洪', password: 'Head-pass-2026a' };
const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施';
const GIVEN = ['德福', '桂英', '建华', '秀兰', '国庆', '玉珍', '长顺', '淑芬'];
const RETIREES = Array.from({ length: 23 }, (_, i) => SURNAMES[i] + GIVEN[i % GIVEN.length]);

const suite = browserSuite('closing-ui', { timeout: TIMEOUT });
let page;
let api;
let work;

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

before(async () => {
  const { admin, root: top } = await suite.start({ env: { XINFANG_RECORD_MAX_BYTES: String(CAP) } });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'xinfang-closing-e2e-'));
  const unit = await makeUnit(admin, '退休支部', top.id, 'other');
  api = await makeUser(admin, { ...OFFICE, unit_id: top.id, roles: ['petition_office'] });
  const [head] = await Promise.all([
    makeUser(admin, { ...RETIREE_HEAD, unit_id: unit.id, roles: ['unit_head'] }),
    makeUser(admin, { ...OFFICIAL, unit_id: unit.id, roles: ['official'] }),
    makeUser(admin, { ...COMPANY, unit_id: top.id, roles: ['company'] }),
  ]);
  const r = await admin.patch(`/units/${unit.id}`, { head_user_id: head.user.id });
  assert.equal(r.status, 200, r.text);

  page = await suite.open('office', { acceptDownloads: true });
  await suite.signIn(page, OFFICE);
});

after(() => work && fs.rmSync(work, { recursive: true, force: true }));

// Screenshots at 1440x900 and on a 390x844 phone (the whole page); the page must not
// scroll sideways on the phone.
async function shots(name) {
  for (const [w, hgt] of [[1440, 900], [390, 844]]) {
    await page.setViewportSize({ width: w, height: hgt });
    const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(width <= w, `${name} scrolls sideways at ${w} px: ${width} px`);
    await shot(page, `${name}-${w}.png`, { fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

async function register() {
  await page.goto(`${suite.base}/#/dashboard`);
  await page.click('#dash-register');
  await page.locator('#reg-form').waitFor();
  await page.fill('#reg-headcount', '23');
  await page.click('label[for="reg-dest-group"]');
  await page.click('label[for="reg-advance-no"]');
  await page.fill('#reg-place', '集团公司大门');
  await page.locator('#reg-units label', { hasText: '退休支部' }).click();
  await page.fill('#reg-demands', '要求落实退休人员取暖补贴');
  await page.click('#reg-submit');
  await page.locator('#reg-summary').waitFor({ state: 'visible' });
  await page.click('#reg-confirm');
  await page.locator('#inc-number').waitFor();
  return Number(/#\/incidents\/(\d+)/.exec(page.url())[1]);
}

const status = (label) => page.locator('#inc-head [data-testid="status"]', { hasText: label }).waitFor();

async function transition(to, label) {
  await page.click(`#transition-${to}`);
  await page.locator('#transition-form').waitFor();
  await page.click('#transition-submit');
  await status(label);
}

// A transition the server refuses: the 409's words (what is missing) are shown.
async function refusedTransition(to, words) {
  await page.click(`#transition-${to}`);
  await page.locator('#transition-form').waitFor();
  await page.click('#transition-submit');
  // The incident page lists what is missing (its own part, web/js/incident.js).
  const error = page.locator('#transition-missing');
  await error.waitFor({ state: 'visible' });
  const text = await error.innerText();
  for (const w of words) assert.ok(text.includes(w), `the refusal names "${w}": ${text}`);
  return text;
}

const task = (step) => page.locator(`#checklist [data-testid="task"][data-step-id="${step}"]`).first();

async function completeStep(step, note) {
  const row = task(step);
  await row.locator('[data-testid="task-complete"]').click();
  await row.locator('textarea').fill(note);
  await row.locator('[data-testid="complete-confirm"]').click();
  await page.locator(`#checklist [data-testid="task"][data-step-id="${step}"][data-status="done"]`).first().waitFor();
}

// Skips every open step, recurring report and decision still holding the archive.
async function skipOpenWork() {
  for (let guard = 0; guard < 40; guard++) {
    const open = page.locator('#checklist [data-testid="task"]:is([data-status="pending"],[data-status="in_progress"]):is([data-kind="step"],[data-kind="recurring"],[data-kind="decision"])');
    if (await open.count() === 0) return;
    const row = open.first();
    const id = await row.getAttribute('data-task-id');
    await row.locator('[data-testid="task-skip"]').click();
    await row.locator('textarea').fill('事件已化解，无需再办');
    await row.locator('[data-testid="skip-confirm"]').click();
    await page.locator(`#checklist [data-testid="task"][data-task-id="${id}"][data-status="skipped"]`).waitFor();
  }
  throw new Error('open work does not end');
}

async function recordsTab(id, tab) {
  await page.goto(`${suite.base}/#/records/${id}?tab=${tab}`);
  await page.locator(`#rr-tab-${tab}[aria-current="page"]`).waitFor();
}

// Issues a report of `kind` from the reports tab: drafted, one section edited, saved,
// previewed, issued after the confirmation; returns the issued row's number.
async function issueReport(id, kind, edit) {
  await recordsTab(id, 'reports');
  await page.selectOption('#rep-kind', kind);
  await page.click('#rep-create');
  const editor = page.locator('#rep-editor[data-status="draft"]');
  await editor.waitFor();
  if (edit) {
    const first = editor.locator('textarea').first();
    await first.fill((await first.inputValue()) + '\n' + edit);
    await page.click('#rep-save');
    await editor.locator('.form-ok', { hasText: '已保存' }).waitFor();
    await page.click('#rep-preview-btn');
    await page.locator('#rep-preview', { hasText: edit }).waitFor();
  }
  await page.click('#rep-issue');
  await page.click('#rep-issue-confirm');
  await page.locator('#rep-editor[data-status="issued"]').waitFor({ timeout: 60000 });
  const row = page.locator(`#rep-table tr[data-testid="report"][data-kind="${kind}"][data-status="issued"]`).last();
  await row.waitFor();
  return row;
}

test('23 retirees at the gate: records, evaluation, reports, closing and the sealed archive through the UI', { timeout: 300000 }, () => suite.run('', async () => {
  const id = await register();
  await page.click('#activate-btn');
  await status('启动');
  await page.locator('#checklist [data-testid="task"]').first().waitFor();
  await page.fill('#quick-text', RETIREES.map((n, i) => `${n} 退休支部${i < 3 ? ' 代表' : ''}`).join('\n'));
  await page.click('#quick-submit');
  await page.locator('#quick-ok', { hasText: '已录入 23 人' }).waitFor();
  for (const [to, label] of [['on_site', '现场'], ['replying', '答复'], ['resolving', '稳控化解']]) await transition(to, label);

  // --- 记录在案: from the incident page to its records ---
  await page.click('#inc-records-link');
  await page.locator('#records-panel').waitFor();
  await page.locator('#rec-empty').waitFor();

  // A photo: a JPEG drawn on a canvas in the browser, chosen with the file chooser.
  const photo = Buffer.from(await page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 640; c.height = 360;
    const g = c.getContext('2d');
    g.fillStyle = '#8b1a1a'; g.fillRect(0, 0, 640, 360);
    g.fillStyle = '#f4f2ef'; g.fillRect(60, 200, 520, 100);
    g.fillStyle = '#1f1f1f'; g.font = '48px sans-serif'; g.fillText('GATE 23', 200, 150);
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.9));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }), 'base64');
  assert.equal(photo[0], 0xff); assert.equal(photo[1], 0xd8);
  await page.setInputFiles('#rec-file', { name: '大门现场.jpg', mimeType: 'image/jpeg', buffer: photo });
  assert.equal(await page.inputValue('#rec-kind'), 'photo', 'an image is taken for a photo');
  await page.fill('#rec-title', '集团公司大门现场');
  await page.fill('#rec-captured', '2026-12-06T09:10');
  await page.fill('#rec-place', '集团公司大门');
  await page.fill('#rec-note', '23名退休职工聚集');
  await page.click('#rec-submit');
  await page.locator('#rec-upload-form .form-ok', { hasText: '集团公司大门现场' }).waitFor();
  const photoRow = page.locator('#rec-list [data-testid="record"][data-kind="photo"]');
  await photoRow.waitFor();
  assert.equal(await photoRow.locator('[data-testid="sha256"]').getAttribute('title'), sha256(photo), 'the full SHA-256 on hover');
  const thumb = photoRow.locator('img[data-testid="rec-thumb"]');
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumb.elementHandle());
  assert.ok(await thumb.evaluate((el) => el.naturalWidth <= 320), 'a thumbnail, not the photo');
  assert.match(await photoRow.innerText(), /集团公司大门/);

  // An audio file dropped on the drop zone.
  const audio = wav();
  const dt = await page.evaluateHandle((b64) => {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const d = new DataTransfer();
    d.items.add(new File([bytes], '谈话录音.wav', { type: 'audio/wav' }));
    return d;
  }, audio.toString('base64'));
  await page.dispatchEvent('#rec-drop', 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent('#rec-drop', 'drop', { dataTransfer: dt });
  await page.locator('#rec-chosen', { hasText: '谈话录音.wav' }).waitFor();
  assert.equal(await page.inputValue('#rec-kind'), 'audio');
  await page.click('#rec-submit');
  const audioRow = page.locator('#rec-list [data-testid="record"][data-kind="audio"]');
  await audioRow.waitFor();
  assert.equal(await audioRow.locator('[data-testid="sha256"]').getAttribute('title'), sha256(audio));

  // A file over the server's cap: the progress bar moves while it is sent, then it is
  // refused with the limit named; nothing is listed.
  await page.evaluate(() => {
    window.progressSeen = [];
    new MutationObserver(() => window.progressSeen.push(document.querySelector('#rec-progress-text').textContent))
      .observe(document.querySelector('#rec-progress-text'), { childList: true, characterData: true, subtree: true });
  });
  await page.setInputFiles('#rec-file', { name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(CAP + 300 * 1024, 7) });
  await page.click('#rec-submit');
  const tooLarge = page.locator('#rec-upload-form .form-error');
  await tooLarge.waitFor({ state: 'visible' });
  assert.match(await tooLarge.innerText(), /文件过大.*1 MiB/, 'the 413 names the size limit');
  const seen = await page.evaluate(() => window.progressSeen);
  assert.ok(seen.some((x) => /^已上传 \d+%（.+ \/ 1\.3 MiB）$/.test(x)), `the progress bar showed the upload: ${seen.join(' | ')}`);
  assert.equal(await page.locator('#rec-list [data-testid="record"]').count(), 2);
  assert.ok(suite.apiFailures.splice(0).includes(`office /api/v1/incidents/${id}/records`), 'the refused upload was answered (413)');
  await page.setInputFiles('#rec-file', []);

  // A 谈话记录: the official picked by name, petitioners ticked from the list.
  await page.click('#iv-toggle');
  await page.locator('#iv-form').waitFor();
  await page.fill('#iv-held', '2026-12-06T10:00');
  await page.fill('#iv-place', '集团公司接待室');
  await page.fill('#iv-title', '与退休职工代表谈话');
  await page.fill('#iv-officials-search', OFFICIAL.name);
  const option = page.locator('#iv-officials option', { hasText: OFFICIAL.name });
  await option.first().waitFor({ state: 'attached' });
  await page.selectOption('#iv-officials', await option.first().getAttribute('value'));
  await page.click('#iv-officials-add');
  await page.locator('#iv-officials-chosen li', { hasText: OFFICIAL.name }).waitFor();
  await page.fill('#iv-pet-filter', RETIREES[0]);
  await page.locator('#iv-petitioners label', { hasText: RETIREES[0] }).click();
  await page.fill('#iv-pet-filter', RETIREES[1]);
  await page.locator('#iv-petitioners label', { hasText: RETIREES[1] }).click();
  await page.fill('#iv-pet-filter', '');
  await page.fill('#iv-demands', '“要求按文件补发取暖费。”');
  await page.fill('#iv-explained', '说明了取暖补贴的发放政策');
  await page.fill('#iv-agreed', '12月底前书面答复');
  await page.click('#iv-submit');
  const ivRow = page.locator('#rec-list [data-testid="record"][data-kind="interview"]');
  await ivRow.waitFor();
  await ivRow.locator('summary').click();
  const ivText = await ivRow.innerText();
  for (const w of [OFFICE.name, OFFICIAL.name, RETIREES[0], RETIREES[1], '要求按文件补发取暖费', '12月底前书面答复']) assert.ok(ivText.includes(w), `${w} in ${ivText}`);
  assert.equal(await page.locator('#records-panel input[type="number"]').count(), 0, 'no field asks for a number');
  // Someone else adds a scan meanwhile: the list follows the live stream.
  const fd = new FormData();
  fd.append('kind', 'document');
  fd.append('title', '信访事项登记表');
  fd.append('file', new Blob([Buffer.from('%PDF-1.4\n%%EOF\n')]), '登记表.pdf');
  const up = await fetch(`${suite.base}/api/v1/incidents/${id}/records`, {
    method: 'POST', headers: { cookie: api.cookie, 'X-CSRF-Token': api.csrf }, body: fd });
  assert.equal(up.status, 201, await up.text());
  await page.locator('#rec-list [data-testid="record"][data-kind="document"]', { hasText: '信访事项登记表' }).waitFor();
  await page.locator('#rec-upload-form .form-error').evaluate((el) => { el.hidden = true; });
  await shots('records');

  // The company petition office reads and downloads but adds nothing.
  const other = await suite.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  try {
    const company = await other.newPage();
    const companyFailures = [];
    watchPage(company, 'company', { problems: suite.problems, apiFailures: companyFailures, timeout: TIMEOUT });
    await suite.signIn(company, COMPANY);
    await company.goto(`${suite.base}/#/records/${id}?tab=records`);
    await company.locator('#rec-list [data-testid="record"]').nth(3).waitFor();
    assert.equal(await company.locator('#rec-upload-form').count(), 0, 'no upload form');
    assert.equal(await company.locator('#iv-toggle').isVisible(), false, 'no interview form');
    const href = await company.locator('#rec-list [data-kind="photo"] [data-testid="rec-download"]').getAttribute('href');
    const got = await company.evaluate(async (u) => { const r = await fetch(u); return [r.status, r.headers.get('content-disposition')]; }, href);
    assert.equal(got[0], 200);
    assert.match(got[1], /^attachment/);
    await company.goto(`${suite.base}/#/records/${id}?tab=reports`);
    await company.locator('#rep-empty').waitFor();
    assert.equal(await company.locator('#rep-create').count(), 0, 'no drafting');
    assert.deepEqual(companyFailures.filter((f) => !f.endsWith('/api/v1/session')), [], 'nothing refused: only what the role may do is asked');
  } finally { await other.close(); }

  // --- 首报 while resolving ---
  const first = await issueReport(id, 'first', '现场秩序平稳，无冲击行为。');
  assert.match(await first.innerText(), /首报/);
  // An issued report never changes: a correction is a new version, listed beside it.
  assert.equal(await page.locator('#rep-editor textarea:not([disabled])').count(), 0, 'the issued text is read-only');
  await page.click('#rep-correct');
  await page.locator('#rep-editor[data-status="draft"]').waitFor();
  const fix = page.locator('#rep-editor textarea').first();
  await fix.fill((await fix.inputValue()) + '\n更正：聚集人数为23人。');
  await page.click('#rep-issue');
  await page.click('#rep-issue-confirm');
  await page.locator('#rep-editor[data-status="issued"]').waitFor({ timeout: 60000 });
  const firsts = page.locator('#rep-table tr[data-kind="first"][data-status="issued"]');
  assert.equal(await firsts.count(), 2);
  assert.match(await firsts.nth(1).innerText(), /v2[\s\S]*更正/, 'v2 names the report it corrects');

  // --- 总结评价 ---
  await page.goto(`${suite.base}/#/incidents/${id}`);
  await transition('evaluating', '总结评价');
  // Not yet: no issued 终报 and no completed evaluation; the refusal says so in words.
  await refusedTransition('reported', ['终报尚未签发', '综合评价尚未完成']);

  await recordsTab(id, 'evaluation');
  await page.locator('#eval-form').waitFor();
  assert.match(await page.locator('#eval-fact-official').innerText(), /23/, 'the measured facts count the 23');
  assert.equal(await page.locator('#eval-form .eval-dimension').count(), 5);
  // Completing with dimensions unscored is refused, naming them.
  await page.selectOption('#eval-score-speed', '4');
  await page.click('#eval-complete');
  await page.locator('#eval-form .form-error', { hasText: '处置措施' }).waitFor();
  const scores = { speed: 4, measures: 5, stability: 4, resolution: 3, coordination: 5 };
  for (const [dim, n] of Object.entries(scores)) {
    await page.selectOption(`#eval-score-${dim}`, String(n));
    await page.fill(`#eval-comment-${dim}`, `评分 ${n}：按预案处置`);
  }
  await page.fill('#eval-lessons', '提前掌握退休人员诉求，事前化解。');
  await page.click('#eval-save');
  await page.locator('#eval-form .form-ok').waitFor();
  await shots('evaluation');
  await page.click('#eval-complete');
  await page.locator('#eval-state', { hasText: '已完成' }).waitFor();
  const saved = (await api.get(`/incidents/${id}/evaluation`)).json;
  assert.equal(saved.completed, true);
  assert.deepEqual(Object.fromEntries(Object.entries(saved.scores).map(([k, v]) => [k, v.score])), scores);

  // --- 终报 and 工作总结: edited, previewed, issued ---
  await issueReport(id, 'final', '终报补充：信访人已返回。');
  await recordsTab(id, 'reports');
  await page.selectOption('#rep-kind', 'summary');
  await page.click('#rep-create');
  await page.locator('#rep-editor[data-status="draft"]').waitFor();
  await page.click('#rep-preview-btn');
  await page.locator('#rep-preview').waitFor();
  await shots('report-editor');
  await page.click('#rep-issue');
  await page.click('#rep-issue-confirm');
  await page.locator('#rep-editor[data-status="issued"]').waitFor({ timeout: 60000 });
  const issued = page.locator('#rep-table tr[data-testid="report"][data-status="issued"]');
  assert.equal(await issued.count(), 4, 'four issued reports listed (首报 v1 and v2, 终报, 工作总结)');
  // The issued PDF downloads with the hash the list shows.
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('#rep-dl-pdf')]);
  const pdfPath = path.join(work, 'summary.pdf');
  await pdf.saveAs(pdfPath);
  const pdfBytes = fs.readFileSync(pdfPath);
  assert.equal(pdfBytes.subarray(0, 5).toString(), '%PDF-');
  const listed = await page.locator('#rep-table tr[data-kind="summary"] [data-testid="rep-pdf-sha"]').getAttribute('title');
  assert.equal(sha256(pdfBytes), listed);

  // --- reported, then C1–C4 with notes, open work ended, archived ---
  await page.goto(`${suite.base}/#/incidents/${id}`);
  await transition('reported', '已上报');
  await refusedTransition('archived', ['C1', 'C4']);
  for (const step of ['C1', 'C2', 'C3', 'C4']) await completeStep(step, `${step} 已完成：资料整理齐全`);
  await skipOpenWork();
  await transition('archived', '归档');

  // --- the archive list, the seal, the ZIP ---
  await page.click('[data-testid="nav-records"]');
  const row = page.locator(`#arc-table tr[data-incident-id="${id}"]`);
  await row.waitFor();
  assert.equal(await row.locator('[data-testid="seal"]').getAttribute('data-seal'), 'intact');
  await shots('archive-list');
  const [zip] = await Promise.all([page.waitForEvent('download'), row.locator('[data-testid="archive-zip"]').click()]);
  const zipPath = path.join(work, 'archive.zip');
  await zip.saveAs(zipPath);
  const out = path.join(work, 'archive');
  execFileSync('unzip', ['-q', '-o', zipPath, '-d', out]);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  const seal = (await api.get(`/incidents/${id}/seal`)).json;
  assert.equal(manifest.seal.hash, seal.hash, 'the manifest carries the seal');
  assert.ok(manifest.plan && manifest.plan.version, 'the plan version');
  assert.deepEqual(manifest.missing, []);
  for (const f of manifest.files) {
    const bytes = fs.readFileSync(path.join(out, f.path));
    assert.equal(sha256(bytes), f.sha256, `${f.path} matches the manifest`);
  }
  const hashes = manifest.files.map((f) => f.sha256);
  assert.ok(hashes.includes(sha256(photo)) && hashes.includes(sha256(audio)), 'the photo and the audio are in the archive as uploaded');
  assert.ok(hashes.includes(sha256(pdfBytes)), 'the issued summary PDF is in the archive');
  assert.equal(manifest.files.filter((f) => f.type === 'record').length, 3, 'photo, audio and the scan');
  const kinds = manifest.files.filter((f) => f.type === 'report_pdf').map((f) => f.kind).sort();
  assert.deepEqual(kinds, ['final', 'first', 'first', 'summary']);
  assert.ok(manifest.files.some((f) => f.type === 'report_docx'), 'the DOCX too');
  assert.ok(manifest.files.some((f) => f.type === 'timeline'), 'the timeline PDF');

  // Once archived nothing is offered to add.
  await recordsTab(id, 'records');
  await page.locator('#rec-list [data-testid="record"]').first().waitFor();
  assert.equal(await page.locator('#rec-upload-form').isVisible(), false);
  await recordsTab(id, 'archive');
  await page.locator('#arc-seal-hash', { hasText: seal.hash }).waitFor();

  // The area in English.
  await page.click('#lang-en');
  await page.locator('#rr-tab-records', { hasText: 'Records' }).waitFor();
  await page.locator('#arc-panel-body', { hasText: 'Sealed · intact' }).waitFor();

  assert.deepEqual(suite.problems, []);
}));
