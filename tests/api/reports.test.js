// API tests for written reports (docs/api.md "Reports"; issue 9 item 5) against a real
// server: a draft of each kind (首报, 续报, 终报, 工作总结) carries the incident number and
// its Chinese section titles; PATCH edits a draft; issuing numbers (〔YYYY〕N号) and
// versions it, renders PDF and DOCX once and keeps their SHA-256, after which it is
// immutable (PATCH 409) and its bytes never change; a correction is a new version naming
// the one it replaces; the PDF is read with pdftotext and pdftoppm, the DOCX unzipped and
// its XML parsed; ID numbers appear masked only and an accusation's content never; roles
// without incident.manage are refused; issuing a 首报 completes the written report-up
// task and a 续报 the current progress round, each showing report_id.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const {
  assertError, expectStatus, setupIncidents, registerActive, tasksOf, auditEvents,
} = require('../lib/fixtures.js');

const ID_NUMBER = '320102195504121234';
const ID_MASKED = '3201**********1234';
const ACCUSATION = '队长私自克扣退休职工的取暖补贴';
const KINDS = {
  first: ['基本情况', '涉及单位', '事件等级及依据', '已采取的措施', '下一步工作', '报告人及联系方式'],
  follow_up: ['事态变化', '处置措施', '现场人员', '包保情况', '答复安排', '下一步工作', '报告人及联系方式'],
  final: ['事件经过', '诉求办理结果', '信访人满意度', '原因分析', '经验教训', '责任追究建议'],
  summary: ['基本情况', '处置经过', '主要做法', '存在问题', '经验教训', '下一步工作', '综合评价',
    '人员及包保情况', '记录清单'],
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xf-reports-'));
let ctx;
let po;
let incident;
const drafts = {};

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120000, ...opts });
  if (r.error) throw r.error;
  return r;
}
const squeeze = (s) => s.replace(/\s+/g, '');
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

async function getBytes(client, p) {
  const res = await fetch(`${client.base}/api/v1${p}`, { headers: { cookie: client.cookie } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

// Writes bytes to a scratch file and returns its path.
function save(name, bytes) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

// The text of a DOCX's document.xml after checking every XML part parses.
function docxText(file) {
  const x = path.join(dir, `${path.basename(file)}-x`);
  assert.equal(sh('unzip', ['-q', '-o', file, '-d', x]).status, 0, 'the DOCX unzips');
  const parts = sh('unzip', ['-Z1', file]).stdout.split('\n').filter((p) => /\.(xml|rels)$/.test(p));
  assert.ok(parts.includes('word/document.xml'), `parts: ${parts}`);
  for (const part of parts) {
    const r = sh('xmllint', ['--noout', path.join(x, part)]);
    assert.equal(r.status, 0, `${part} parses: ${r.stderr}`);
  }
  const xml = fs.readFileSync(path.join(x, 'word', 'document.xml'), 'utf8');
  return xml.replace(/<[^>]+>/g, '');
}

before(async () => {
  ctx = await setupIncidents({ roles: ['petition_office', 'official', 'auditor'] });
  po = ctx.as.petition_office;
  incident = await registerActive(po, { headcount: 23, place: '集团公司大门', destination: 'group',
    units: [ctx.units.team] });
  const person = expectStatus(await po.post('/persons', {
    name: '林志强', id_number: ID_NUMBER, unit_id: ctx.units.shift, employment: 'retired',
    incident_id: incident.id, role: 'representative',
  }), 201, 'POST /persons');
  expectStatus(await po.post(`/persons/${person.id}/matters`, {
    category: 'accusation', content: ACCUSATION, incident_id: incident.id, accused_unit_id: ctx.units.team,
  }), 201, 'POST accusation');
  expectStatus(await po.post(`/persons/${person.id}/matters`, {
    category: 'appeal', content: '要求补发取暖补贴', incident_id: incident.id,
  }), 201, 'POST appeal');
});
after(async () => {
  if (ctx) await ctx.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a draft of each kind has the incident number and its Chinese section titles', async () => {
  for (const [kind, headings] of Object.entries(KINDS)) {
    const r = expectStatus(await po.post(`/incidents/${incident.id}/reports`, { kind }), 201, `draft ${kind}`);
    drafts[kind] = r;
    assert.equal(r.kind, kind);
    assert.equal(r.status, 'draft');
    assert.equal(r.version, null);
    assert.equal(r.number, null);
    assert.equal(r.incident_number, incident.number);
    assert.ok(r.title.includes(incident.number), `title ${r.title}`);
    assert.deepEqual(r.sections.map((s) => s.heading), headings);
    for (const s of r.sections) {
      assert.equal(typeof s.key, 'string');
      assert.equal(typeof s.text, 'string');
    }
    const all = JSON.stringify(r);
    assert.ok(!all.includes(ID_NUMBER), `${kind}: no full ID number`);
    assert.ok(!all.includes('克扣'), `${kind}: no accusation content`);
  }
  assert.ok(drafts.first.sections[0].text.includes('23名信访人在集团公司大门'), drafts.first.sections[0].text);
  assert.ok(drafts.first.sections[0].text.includes('要求补发拖欠工资'));
  assert.ok(drafts.first.sections[1].text.includes('综采一队'));
  assert.ok(drafts.first.sections[5].text.includes('信访办张三'));
  assert.ok(drafts.final.sections[1].text.includes('要求补发取暖补贴'), drafts.final.sections[1].text);
  assert.ok(drafts.final.sections[1].text.includes('检举控告'), 'the accusation is counted, not told');
  const list = expectStatus(await po.get(`/incidents/${incident.id}/reports`), 200, 'list').reports;
  assert.deepEqual(list.map((r) => r.kind), ['first', 'follow_up', 'final', 'summary']);
  assert.deepEqual(await assertError(await po.post(`/incidents/${incident.id}/reports`, { kind: 'weekly' }),
    400, 'invalid_field', 'kind'), undefined);
});

test('other roles are refused; readers may read and download', async () => {
  const official = ctx.as.official, auditor = ctx.as.auditor;
  assertError(await official.post(`/incidents/${incident.id}/reports`, { kind: 'first' }), 403, 'forbidden');
  assertError(await auditor.patch(`/reports/${drafts.first.id}`, { title: 'x' }), 403, 'forbidden');
  assertError(await auditor.post(`/reports/${drafts.first.id}/issue`, {}), 403, 'forbidden');
  expectStatus(await auditor.get(`/reports/${drafts.first.id}`), 200, 'auditor reads');
  assertError(await po.get('/reports/99999'), 404, 'not_found');
});

test('a draft renders with 草稿 and masks an ID number typed into its text', async () => {
  const sections = drafts.first.sections.map((s) => ({ ...s }));
  sections[0].text += `\n代表身份证号${ID_NUMBER}。`;
  const edited = expectStatus(await po.patch(`/reports/${drafts.first.id}`,
    { title: `关于${incident.number}号信访事件的首报（修改）`, sections }), 200, 'PATCH');
  assert.ok(edited.title.endsWith('（修改）'));
  assert.ok(edited.sections[0].text.includes(ID_NUMBER), 'the draft keeps what was typed');
  assertError(await po.patch(`/reports/${drafts.first.id}`, { sections: [{ key: 'a' }] }), 400, 'invalid_field', 'sections[0]');
  const pdf = await getBytes(po, `/reports/${drafts.first.id}/pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(pdf.headers.get('x-content-type-options'), 'nosniff');
  assert.match(pdf.headers.get('content-disposition'), /^attachment; filename="report-\d+-draft\.pdf"; filename\*=UTF-8''%E8%8D%89/);
  const text = squeeze(sh('pdftotext', [save('draft.pdf', pdf.body), '-']).stdout);
  assert.ok(text.includes('草稿'), 'the watermark');
  assert.ok(text.includes(incident.number));
  assert.ok(!text.includes(ID_NUMBER), 'no full ID number in the PDF');
  assert.ok(text.includes(ID_MASKED), 'the masked ID number');
});

let issued;
test('issuing numbers, versions and locks a report; the report-up task completes', async () => {
  const before = (await tasksOf(po, incident.id)).find((t) => t.kind === 'report_written');
  assert.equal(before.status, 'pending');
  assert.equal(before.report_id, null);
  issued = expectStatus(await po.post(`/reports/${drafts.first.id}/issue`, {}), 200, 'issue');
  assert.equal(issued.status, 'issued');
  assert.equal(issued.version, 1);
  const year = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
  assert.equal(issued.number, `〔${year}〕1号`);
  assert.equal(issued.issued_by_name, '信访办张三');
  assert.match(issued.issued_at, /^\d{4}-\d\d-\d\dT/);
  assert.match(issued.pdf_sha256, /^[0-9a-f]{64}$/);
  assert.match(issued.docx_sha256, /^[0-9a-f]{64}$/);
  const task = (await tasksOf(po, incident.id)).find((t) => t.id === before.id);
  assert.equal(task.status, 'done');
  assert.equal(task.report_id, issued.id);
  assert.ok(task.note.includes(issued.number), task.note);
  assert.deepEqual(issued.task_ids, [before.id]);

  assertError(await po.patch(`/reports/${issued.id}`, { title: '改' }), 409, 'conflict');
  assertError(await po.post(`/reports/${issued.id}/issue`, {}), 409, 'conflict');

  // the stored bytes, the same on every download
  const a = await getBytes(po, `/reports/${issued.id}/pdf`);
  const b = await getBytes(po, `/reports/${issued.id}/pdf`);
  assert.equal(a.status, 200);
  assert.equal(sha256(a.body), issued.pdf_sha256);
  assert.ok(a.body.equals(b.body));
  assert.match(a.headers.get('content-disposition'), /^attachment; filename="report-\d+\.pdf"; filename\*=UTF-8''/);
  const file = save('first.pdf', a.body);
  const text = squeeze(sh('pdftotext', [file, '-']).stdout);
  for (const s of [issued.number, incident.number, '一、基本情况', '三、事件等级及依据', '版本：第1版',
    '签发人：信访办张三', ID_MASKED]) {
    assert.ok(text.includes(s), `pdftotext finds '${s}'`);
  }
  assert.ok(!text.includes('草稿'), 'no watermark on an issued report');
  assert.ok(!text.includes(ID_NUMBER));
  // page 1 is not blank
  const prefix = path.join(dir, 'first-p1');
  assert.equal(sh('pdftoppm', ['-r', '30', '-f', '1', '-l', '1', '-singlefile', file, prefix]).status, 0);
  const ppm = fs.readFileSync(`${prefix}.ppm`);
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'));
  const px = ppm.subarray(header[0].length);
  let ink = 0;
  for (let i = 0; i < px.length; i += 3) if (px[i] < 200 || px[i + 1] < 200 || px[i + 2] < 200) ink++;
  assert.ok(ink / (px.length / 3) > 0.01, `page 1 has ink (${ink} pixels)`);

  const docx = await getBytes(po, `/reports/${issued.id}/docx`);
  assert.equal(docx.status, 200);
  assert.equal(docx.headers.get('content-type'),
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  assert.equal(sha256(docx.body), issued.docx_sha256);
  const dtext = docxText(save('first.docx', docx.body));
  for (const s of [issued.number, incident.number, '基本情况', ID_MASKED]) assert.ok(dtext.includes(s), `DOCX has '${s}'`);
  assert.ok(!dtext.includes(ID_NUMBER));

  const events = await auditEvents(ctx.admin);
  const actions = events.filter((e) => e.data && e.data.report_id === issued.id).map((e) => e.action);
  for (const a of ['report.create', 'report.edit', 'report.issue', 'report.download']) {
    assert.ok(actions.includes(a), `event ${a} in ${actions}`);
  }
});

test('a correction is a new version naming the one it replaces, numbered anew', async () => {
  const draft = expectStatus(await po.post(`/reports/${issued.id}/correct`, {}), 201, 'correct');
  assert.equal(draft.status, 'draft');
  assert.equal(draft.replaces_id, issued.id);
  assert.equal(draft.replaces_number, issued.number);
  assert.deepEqual(draft.sections, (await po.get(`/reports/${issued.id}`)).json.sections);
  assertError(await po.post(`/reports/${drafts.final.id}/correct`, {}), 409, 'conflict');
  assertError(await po.post(`/incidents/${incident.id}/reports`, { kind: 'final', replaces: issued.id }),
    400, 'invalid_field', 'replaces');
  const v2 = expectStatus(await po.post(`/reports/${draft.id}/issue`, {}), 200, 'issue v2');
  assert.equal(v2.version, 2);
  assert.match(v2.number, /〕2号$/);
  const text = squeeze(sh('pdftotext', [save('v2.pdf', (await getBytes(po, `/reports/${v2.id}/pdf`)).body), '-']).stdout);
  assert.ok(text.includes(`本版更正${issued.number}`), 'the correction names the version it replaces');
  assert.ok(text.includes('版本：第2版'));
  // the first version is unchanged
  const again = await getBytes(po, `/reports/${issued.id}/pdf`);
  assert.equal(sha256(again.body), issued.pdf_sha256);
  const list = expectStatus(await po.get(`/incidents/${incident.id}/reports`), 200, 'list').reports;
  assert.deepEqual(list.filter((r) => r.kind === 'first').map((r) => [r.version, r.status]), [[1, 'issued'], [2, 'issued']]);
});

test('a 续报 completes the current progress round; the summary lists records with hashes', async () => {
  const round = (await tasksOf(po, incident.id)).find((t) => t.kind === 'recurring' && t.status === 'pending');
  assert.ok(round, 'a progress round is open');
  const fu = expectStatus(await po.post(`/reports/${drafts.follow_up.id}/issue`, {}), 200, 'issue 续报');
  assert.equal(fu.version, 1);
  assert.match(fu.number, /〕3号$/);
  const tasks = await tasksOf(po, incident.id);
  const done = tasks.find((t) => t.id === round.id);
  assert.equal(done.status, 'done');
  assert.equal(done.report_id, fu.id);
  assert.ok(tasks.some((t) => t.kind === 'recurring' && t.round === round.round + 1 && t.status === 'pending'),
    'the next round is scheduled');

  // a record, then a fresh summary draft lists it in the attachment with its hash
  const form = new FormData();
  form.append('kind', 'document');
  form.append('title', '现场登记表');
  form.append('file', new Blob([Buffer.from('%PDF-1.4\n% registration form\n')], { type: 'application/pdf' }), 'form.pdf');
  const res = await fetch(`${po.base}/api/v1/incidents/${incident.id}/records`,
    { method: 'POST', headers: { cookie: po.cookie, 'X-CSRF-Token': po.csrf }, body: form });
  assert.equal(res.status, 201, await res.clone().text());
  const record = await res.json();
  expectStatus(await po.request('PUT', `/incidents/${incident.id}/evaluation`, {
    scores: { speed: { score: 4, comment: '到达现场及时' } }, lessons: '提前掌握信息，包保到人。',
  }), 200, 'PUT evaluation');
  const summary = expectStatus(await po.post(`/incidents/${incident.id}/reports`, { kind: 'summary' }), 201, 'summary');
  assert.equal(summary.sections.find((x) => x.key === 'lessons').text, '提前掌握信息，包保到人。');
  const docx = await getBytes(po, `/reports/${summary.id}/docx`);
  assert.equal(docx.status, 200);
  const dtext = docxText(save('summary.docx', docx.body));
  for (const s of ['基本情况', '处置经过', '事态控制', '教育引导', '协调联络', '主要做法', '存在问题',
    '经验教训', '下一步工作', '记录清单', '现场登记表', record.sha256, ID_MASKED, '林志强',
    '反应速度', '到达现场及时']) {
    assert.ok(dtext.includes(s), `the summary DOCX has '${s}'`);
  }
  assert.ok(!dtext.includes(ID_NUMBER) && !dtext.includes('克扣'));
  const pdf = await getBytes(po, `/reports/${summary.id}/pdf`);
  const text = squeeze(sh('pdftotext', [save('summary.pdf', pdf.body), '-']).stdout);
  for (const s of ['一、基本情况', '二、处置经过', '附件', '记录清单', incident.number]) {
    assert.ok(text.includes(s), `the summary PDF has '${s}'`);
  }
  assert.ok(!text.includes('克扣'));
});
