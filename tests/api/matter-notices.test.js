// API tests of the written notices of a matter (issue 13 item 4, docs/api.md "Matter
// notices", docs/documents.md): a draft of each kind (受理告知书, 不予受理告知书, 延期告知书,
// 答复意见书, 复查意见书, 复核意见书) made from the matter and edited with PATCH; issuing
// numbers it 〔YEAR〕N号 in one series, locks it (PATCH 409, the database's trigger refuses
// a change), stops the clock it satisfies and answers the query code once (受理告知书);
// a kind that does not fit the matter's stage is refused with 409 saying why; the PDF is
// read with pdftotext and the DOCX unzipped and checked with xmllint; an ID number appears
// masked only and an accusation's content never; delivery is recorded after issue; every
// role is tried on every route; every step is an event without accusation content.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const db = require('../lib/db.js');
const {
  assertError, expectStatus, setupPeople, createPerson, auditEvents, getBytes,
} = require('../lib/fixtures.js');

const ID_NUMBER = '320102195504121234';
const ACCUSATION = '队长私自克扣退休职工的取暖补贴';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xf-notices-'));
const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' })
  .format(new Date()));
let ctx;
let po;
const m = {};
const issued = {};

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60000 });
  if (r.error) throw r.error;
  return r;
}
const squeeze = (s) => s.replace(/\s+/g, '');

function pdfText(bytes, name) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  const r = sh('pdftotext', ['-layout', file, '-']);
  assert.equal(r.status, 0, r.stderr);
  return squeeze(r.stdout);
}

function docxText(bytes, name) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  const x = `${file}-x`;
  assert.equal(sh('unzip', ['-q', '-o', file, '-d', x]).status, 0, 'the DOCX unzips');
  const parts = sh('unzip', ['-Z1', file]).stdout.split('\n').filter((p) => /\.(xml|rels)$/.test(p));
  assert.ok(parts.includes('word/document.xml'), `parts: ${parts}`);
  const r = sh('xmllint', ['--noout', ...parts.map((part) => path.join(x, part))]);
  assert.equal(r.status, 0, `every part parses: ${r.stderr}`);
  return {
    doc: fs.readFileSync(path.join(x, 'word', 'document.xml'), 'utf8'),
    styles: fs.readFileSync(path.join(x, 'word', 'styles.xml'), 'utf8'),
  };
}

async function draft(matter, kind, fields = {}) {
  return expectStatus(await po.post(`/matters/${matter.id}/notices`, { kind, ...fields }), 201, `draft ${kind}`);
}

async function issue(notice) {
  return expectStatus(await po.post(`/notices/${notice.id}/issue`, {}), 200, `issue ${notice.kind}`);
}

before(async () => {
  ctx = await setupPeople({ users: ['po', 'leader', 'teamHead', 'deptHead', 'off1', 'auditor', 'dispatch',
    'company'] });
  po = ctx.as.po;
  const zhang = await createPerson(po, { name: '张建国', unit_id: ctx.units.team, id_number: ID_NUMBER,
    phone: '13800138000' });
  const li = await createPerson(po, { name: '李秀兰', unit_id: ctx.units.team, phone: '13900139001' });
  const matter = async (person, body) =>
    expectStatus(await po.post(`/persons/${person.id}/matters`, body), 201, 'POST matter');
  m.appeal = await matter(zhang, { category: 'appeal', content: `补发井下津贴（身份证${ID_NUMBER}）` });
  m.refused = await matter(li, { category: 'appeal', content: '要求调换工作岗位' });
  m.accusation = await matter(li, { category: 'accusation', content: ACCUSATION,
    accused_unit_id: ctx.units.team });
});

after(async () => { if (ctx) await ctx.stop(); });

test('a draft of each kind comes from the matter and is edited before it is issued', async () => {
  const d = await draft(m.appeal, 'acceptance');
  assert.equal(d.status, 'draft');
  assert.equal(d.number, null);
  assert.equal(d.matter_id, m.appeal.id);
  assert.equal(d.fields.petitioner, '张建国');
  assert.match(d.fields.summary, /补发井下津贴/);
  assert.match(d.fields.time_limit, /60日/);
  const edited = expectStatus(await po.patch(`/notices/${d.id}`, { handling_unit: '人力资源部' }), 200, 'PATCH');
  assert.equal(edited.fields.handling_unit, '人力资源部');
  assert.equal(edited.fields.petitioner, '张建国', 'fields not given stay');
  assertError(await po.patch(`/notices/${d.id}`, { findings: 'x' }), 400, 'invalid_field', 'findings');
  assertError(await po.post(`/matters/${m.appeal.id}/notices`, { kind: 'apology' }), 400, 'invalid_field', 'kind');
  assertError(await po.post('/matters/999999/notices', { kind: 'acceptance' }), 404, 'not_found');
  const list = expectStatus(await po.get(`/matters/${m.appeal.id}/notices`), 200, 'list').notices;
  assert.deepEqual(list.map((n) => n.id), [d.id]);
  m.acceptanceDraft = edited;
});

test('stage refusals: each kind only where it fits, with 409 saying why', async () => {
  const answer = await draft(m.appeal, 'answer', { findings: '经核实', basis: '集团公司薪酬管理办法',
    decision: '支持' });
  const r = await po.post(`/notices/${answer.id}/issue`, {});
  assertError(r, 409, 'conflict');
  assert.match(r.json.error.message, /no issued acceptance notice/);
  const review = await draft(m.appeal, 'review');
  assert.match((await po.post(`/notices/${review.id}/issue`, {})).json.error.message, /no issued answer/);
  const reReview = await draft(m.appeal, 're_review');
  assert.match((await po.post(`/notices/${reReview.id}/issue`, {})).json.error.message, /no issued review/);
  const zh = await po.post(`/notices/${answer.id}/issue`, {}, { 'Accept-Language': 'zh-CN' });
  assert.match(zh.json.error.message, /尚未签发受理告知书/);
  m.answerDraft = answer;
  m.reviewDraft = review;
  m.reReviewDraft = reReview;
});

test('issuing numbers in one series, locks, stops the clock and answers the query code once', async () => {
  const a = await issue(m.acceptanceDraft);
  assert.equal(a.status, 'issued');
  assert.equal(a.number, `〔${year}〕1号`);
  assert.match(a.query_code, /^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
  assert.match(a.pdf_sha256, /^[0-9a-f]{64}$/);
  issued.acceptance = a;
  const again = expectStatus(await po.get(`/notices/${a.id}`), 200, 'GET notice');
  assert.equal(again.query_code, undefined, 'the code is shown once');
  assertError(await po.patch(`/notices/${a.id}`, { note: 'x' }), 409, 'conflict');
  assertError(await po.post(`/notices/${a.id}/issue`, {}), 409, 'conflict');
  const t = db.trySql(ctx.srv, `UPDATE matter_notices SET fields = '{}' WHERE id = ${a.id}`);
  assert.notEqual(t.status, 0, 'the database refuses to change an issued notice');
  assert.match(t.err, /an issued notice never changes/);
  // The acceptance clock stopped: the matter is accepted and no longer waits for acceptance.
  const accepted = expectStatus(await po.get(`/matters/${m.appeal.id}`), 200, 'GET matter');
  assert.equal(accepted.stage, 'accepted');
  assert.equal(accepted.acceptance_notice_at, a.issued_at);
  assert.notEqual(accepted.due_kind, 'acceptance', 'the acceptance clock stopped');
  // The second acceptance notice and a non-acceptance no longer fit.
  const second = await draft(m.appeal, 'acceptance');
  assert.match((await po.post(`/notices/${second.id}/issue`, {})).json.error.message, /decided by an issued notice/);

  const ext = await draft(m.appeal, 'extension', { original_due: '2027年2月4日', new_due: '2027年2月24日' });
  const notExtended = await po.post(`/notices/${ext.id}/issue`, {});
  assertError(notExtended, 409, 'conflict');
  assert.match(notExtended.json.error.message, /is not extended: extend it first/);
  expectStatus(await po.post(`/matters/${m.appeal.id}/extend`, { days: 20, reason: '需调取历年工资台账' }), 200,
    'extend');
  const ext1 = await draft(m.appeal, 'extension', { original_due: '2027年2月4日', new_due: '2027年2月24日' });
  assert.equal(ext1.fields.days, '20', 'the draft takes the extension from the matter');
  assert.equal(ext1.fields.reason, '需调取历年工资台账');
  issued.extension = await issue(ext1);
  assert.equal(issued.extension.number, `〔${year}〕2号`);
  const ext2 = await draft(m.appeal, 'extension', { days: '10', reason: '再延' });
  const r = await po.post(`/notices/${ext2.id}/issue`, {});
  assertError(r, 409, 'conflict');
  assert.match(r.json.error.message, /extended once only \(Art\. 34\)/);

  issued.answer = await issue(m.answerDraft);
  assert.equal(issued.answer.number, `〔${year}〕3号`);
  const early = await po.post(`/notices/${m.reviewDraft.id}/issue`, {});
  assertError(early, 409, 'conflict');
  assert.match(early.json.error.message, /has not requested a 复查/);
  expectStatus(await po.post(`/matters/${m.appeal.id}/review-request`, {}), 200, 'review request');
  const review = expectStatus(await po.patch(`/notices/${m.reviewDraft.id}`, { reviewed: issued.answer.number,
    findings: '复查属实', basis: '条例第三十五条', decision: '维持原答复意见', re_review_to: '集团公司信访办公室' }),
  200, 'PATCH review');
  issued.review = await issue(review);
  expectStatus(await po.post(`/matters/${m.appeal.id}/re-review-request`, {}), 200, 're-review request');
  issued.re_review = await issue(m.reReviewDraft);
  assert.equal(issued.re_review.number, `〔${year}〕5号`);
  const again2 = await draft(m.appeal, 're_review');
  assert.match((await po.post(`/notices/${again2.id}/issue`, {})).json.error.message, /Art\. 36/);

  const refusal = await draft(m.refused, 'non_acceptance', { reason: '该事项属于劳动争议仲裁范围',
    advice: '请依法向劳动人事争议仲裁委员会申请仲裁' });
  const undecided = await po.post(`/notices/${refusal.id}/issue`, {});
  assertError(undecided, 409, 'conflict');
  assert.match(undecided.json.error.message, /record the decision not to accept/);
  expectStatus(await po.post(`/matters/${m.refused.id}/not-accept`, { reason: '属于劳动争议仲裁范围' }), 200,
    'not-accept');
  issued.non_acceptance = await issue(refusal);
  assert.equal(issued.non_acceptance.number, `〔${year}〕6号`);
  assert.equal(issued.non_acceptance.query_code, undefined, 'only a 受理告知书 carries a code');
});

test('PDF and DOCX carry the number, the matter and the key phrases; ID numbers masked', async () => {
  const phrases = {
    acceptance: ['受理告知书', '予以受理', '人力资源部', '查询码', issued.acceptance.query_code],
    extension: ['延期告知书', '延长20日', '需调取历年工资台账', '第三十四条'],
    answer: ['答复意见书', '经调查核实', '支持', '30日内', '请求复查'],
    review: ['复查意见书', '维持原答复意见', '请求复核', issued.answer.number],
    re_review: ['复核意见书', '不再受理', '第三十六条'],
    non_acceptance: ['不予受理告知书', '劳动争议仲裁', '不予受理的理由'],
  };
  for (const [kind, n] of Object.entries(issued)) {
    const pdf = await getBytes(po, `/notices/${n.id}/pdf`);
    assert.equal(pdf.status, 200, kind);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const text = pdfText(pdf.body, `${kind}.pdf`);
    for (const p of [n.number, `诉求编号：${n.matter_id}`, ...phrases[kind]]) {
      assert.ok(text.includes(squeeze(p)), `${kind} PDF has ${p}: ${text.slice(0, 400)}`);
    }
    assert.ok(!text.includes(ID_NUMBER), `${kind}: no ID number in full`);
    const docx = await getBytes(po, `/notices/${n.id}/docx`);
    assert.equal(docx.status, 200);
    const xml = docxText(docx.body, `${kind}.docx`);
    assert.ok(xml.doc.replace(/<[^>]+>/g, '').includes(n.number), `${kind} DOCX has its number`);
    assert.ok(xml.styles.includes('仿宋_GB2312'), 'the DOCX names the standard body font');
  }
  const acceptance = pdfText((await getBytes(po, `/notices/${issued.acceptance.id}/pdf`)).body, 'a2.pdf');
  assert.ok(acceptance.includes('3201**********1234'), 'the ID number shows masked');
  // A draft renders with its 草稿 watermark, never stored.
  const d = await draft(m.accusation, 'acceptance');
  assert.equal(d.fields.summary, '您反映的检举控告事项', 'an accusation is summarised by its category');
  const text = pdfText((await getBytes(po, `/notices/${d.id}/pdf`)).body, 'draft.pdf');
  assert.ok(text.includes('草稿'));
  assert.ok(!text.includes(ACCUSATION), 'the accusation content is not in the notice');
  m.accusationDraft = d;
});

test('delivery is recorded after issue: method, date and tracking number', async () => {
  assertError(await po.post(`/notices/${m.accusationDraft.id}/delivery`, { method: 'sms', date: '2026-12-06' }),
    409, 'conflict');
  const id = issued.acceptance.id;
  assertError(await po.post(`/notices/${id}/delivery`, { method: 'pigeon', date: '2026-12-06' }), 400,
    'invalid_field', 'method');
  assertError(await po.post(`/notices/${id}/delivery`, { method: 'post', date: '2026-12-06' }), 400,
    'invalid_field', 'reference');
  assertError(await po.post(`/notices/${id}/delivery`, { method: 'post', date: '6.12.2026', reference: 'x' }),
    400, 'invalid_field', 'date');
  const n = expectStatus(await po.post(`/notices/${id}/delivery`,
    { method: 'post', date: '2026-12-07', reference: 'EMS1234567890' }), 200, 'delivery');
  assert.equal(n.delivery.method, 'post');
  assert.equal(n.delivery.date, '2026-12-07');
  assert.equal(n.delivery.reference, 'EMS1234567890');
  assert.equal(n.number, issued.acceptance.number, 'recording the delivery changes nothing else');
});

test('roles: the petition office writes; viewers of the matter read; others 403 or 404', async () => {
  const { as } = ctx;
  const id = issued.answer.id;
  const writes = [
    (c) => c.post(`/matters/${m.appeal.id}/notices`, { kind: 'answer' }),
    (c) => c.patch(`/notices/${m.accusationDraft.id}`, { note: 'x' }),
    (c) => c.post(`/notices/${m.accusationDraft.id}/issue`, {}),
    (c) => c.post(`/notices/${id}/delivery`, { method: 'sms', date: '2026-12-06' }),
  ];
  for (const who of ['leader', 'teamHead', 'deptHead', 'off1', 'auditor', 'dispatch', 'company', 'admin']) {
    for (const w of writes) assertError(await w(as[who]), 403, 'forbidden');
  }
  const reads = [`/matters/${m.appeal.id}/notices`, `/notices/${id}`, `/notices/${id}/pdf`, `/notices/${id}/docx`];
  for (const who of ['po', 'leader', 'teamHead', 'auditor']) {
    for (const p of reads) assert.equal((await getBytes(as[who], p)).status, 200, `${who} reads ${p}`);
  }
  for (const p of reads) assert.equal((await getBytes(as.deptHead, p)).status, 404, `deptHead: ${p}`);
  for (const who of ['dispatch', 'company', 'admin']) {
    for (const p of reads) assert.equal((await getBytes(as[who], p)).status, 403, `${who}: ${p}`);
  }
  // The accused unit never sees an accusation's notices.
  assert.equal((await getBytes(as.teamHead, `/matters/${m.accusation.id}/notices`)).status, 404);
  assert.equal((await getBytes(as.teamHead, `/notices/${m.accusationDraft.id}/pdf`)).status, 404);
});

test('every step is an event naming the notice, never the accusation content', async () => {
  const events = await auditEvents(ctx.as.auditor);
  const actions = new Set(events.map((e) => e.action));
  for (const a of ['notice.create', 'notice.edit', 'notice.issue', 'notice.deliver', 'notice.download']) {
    assert.ok(actions.has(a), `an event ${a}`);
  }
  const issue = events.find((e) => e.action === 'notice.issue' && e.data.notice_id === issued.acceptance.id);
  assert.equal(issue.object_type, 'matter');
  assert.equal(issue.data.number, issued.acceptance.number);
  assert.ok(!JSON.stringify(events.filter((e) => e.action.startsWith('notice.'))).includes(ACCUSATION));
  assert.ok(!JSON.stringify(events).includes(issued.acceptance.query_code), 'the query code is in no event');
});

test('notices issued at the same moment get distinct numbers of the one series', async () => {
  const person = await createPerson(po, { name: '王淑芬', unit_id: ctx.units.team, phone: '13700137000' });
  const drafts = [];
  for (const content of ['补发取暖费', '调整岗位工资', '补缴医疗保险']) {
    const matter = expectStatus(await po.post(`/persons/${person.id}/matters`, { category: 'appeal', content }), 201,
      'POST matter');
    drafts.push(await draft(matter, 'acceptance'));
  }
  const done = await Promise.all(drafts.map((d) => po.post(`/notices/${d.id}/issue`, {})));
  const numbers = done.map((r) => expectStatus(r, 200, 'concurrent issue').number).sort();
  assert.deepEqual(numbers, [7, 8, 9].map((n) => `〔${year}〕${n}号`));
  assert.equal(new Set(done.map((r) => r.json.query_code)).size, 3, 'each matter its own code');
});
