// API tests of the public lookup of a matter (《信访工作条例》 Art. 21, issue 13 item 6,
// docs/api.md "Public lookup"): with no account, the query code of the 受理告知书 and the
// last 4 digits of the petitioner's phone give only {number, stage, next_due, answered};
// a wrong code and wrong digits get the same 404; a rating is taken only once the matter
// is answered and kept with source "self"; every lookup is logged with a digest of the
// client address; after 5 failures within 10 minutes the address gets 429 with
// Retry-After; the page /lookup is served without a session.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const db = require('../lib/db.js');
const { Client } = require('../lib/server.js');
const { assertError, expectStatus, setupOffice, createPerson } = require('../lib/fixtures.js');

let ctx;
let po;
let pub;
let matter;
let code;

before(async () => {
  ctx = await setupOffice({ username: 'xfb', name: '信访办刘敏' });
  po = ctx.office;
  pub = new Client(ctx.srv.base); // no session, no CSRF token
  const person = await createPerson(po, { name: '张建国', unit_id: ctx.root.id, phone: '13800138000' });
  matter = expectStatus(await po.post(`/persons/${person.id}/matters`,
    { category: 'appeal', content: '补发井下津贴' }), 201, 'POST matter');
  const d = expectStatus(await po.post(`/matters/${matter.id}/notices`, { kind: 'acceptance' }), 201, 'draft');
  const issued = expectStatus(await po.post(`/notices/${d.id}/issue`, {}), 200, 'issue');
  code = issued.query_code;
  matter.acceptanceNumber = issued.number;
});

after(async () => { if (ctx) await ctx.stop(); });

const logRows = () => db.sql(ctx.srv, 'SELECT action, outcome, coalesce(matter_id, 0), client_sha256' +
  ' FROM matter_lookups ORDER BY id').split('\n').filter(Boolean).map((l) => l.split('|'));

test('the page and the route need no account', async () => {
  const page = await fetch(`${ctx.srv.base}/lookup`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.match(page.headers.get('content-security-policy') || '', /default-src 'self'/);
  const html = await page.text();
  assert.match(html, /信访事项查询/);
  assert.match(html, /js\/lookup\.js/);
});

test('the right code and digits give number, stage, next due and answered: nothing else', async () => {
  const r = expectStatus(await pub.post('/lookup', { code, phone_last4: '8000' }), 200, 'lookup');
  assert.deepEqual(Object.keys(r).sort(), ['answered', 'next_due', 'number', 'stage']);
  assert.equal(r.answered, false);
  assert.equal(r.number, matter.acceptanceNumber);
  assert.equal(typeof r.stage, 'string');
  assert.ok(r.next_due === null || /^\d{4}-\d{2}-\d{2}T/.test(r.next_due), r.next_due);
  const text = JSON.stringify(r);
  for (const secret of ['张建国', '13800138000', '补发井下津贴', '信访办刘敏']) assert.ok(!text.includes(secret));
  // Typed in lower case without the dash, the code still works.
  expectStatus(await pub.post('/lookup', { code: code.replace('-', '').toLowerCase(), phone_last4: '8000' }),
    200, 'lookup lower case');
});

test('a wrong code and wrong digits get one and the same 404', async () => {
  const wrongCode = await pub.post('/lookup', { code: 'ZZZZZ-ZZZZZ', phone_last4: '8000' });
  const wrongDigits = await pub.post('/lookup', { code, phone_last4: '8001' });
  assertError(wrongCode, 404, 'not_found');
  assertError(wrongDigits, 404, 'not_found');
  assert.equal(wrongCode.text, wrongDigits.text, 'no oracle: which part was wrong is not told');
  assertError(await pub.post('/lookup', { code, phone_last4: '80' }), 400, 'invalid_field', 'phone_last4');
  assertError(await pub.post('/lookup', { code, phone_last4: '8000', name: 'x' }), 400, 'invalid_field', 'name');
});

test('a rating only once the matter is answered, kept with source self', async () => {
  const early = await pub.post('/lookup/rating', { code, phone_last4: '8000', rating: 'satisfied' });
  assertError(early, 409, 'conflict');
  const answer = expectStatus(await po.post(`/matters/${matter.id}/notices`, { kind: 'answer',
    findings: '经核实属实', basis: '薪酬管理办法', decision: '支持' }), 201, 'answer draft');
  expectStatus(await po.post(`/notices/${answer.id}/issue`, {}), 200, 'issue answer');
  const r = expectStatus(await pub.post('/lookup', { code, phone_last4: '8000' }), 200, 'lookup');
  assert.equal(r.answered, true);
  assertError(await pub.post('/lookup/rating', { code, phone_last4: '8000', rating: 'great' }), 400,
    'invalid_field', 'rating');
  const rated = expectStatus(await pub.post('/lookup/rating',
    { code, phone_last4: '8000', rating: 'basically_satisfied' }), 200, 'rating');
  assert.equal(rated.rating, 'basically_satisfied');
  assert.equal(db.sql(ctx.srv, `SELECT rating, source FROM matter_ratings WHERE matter_id = ${matter.id}`),
    'basically_satisfied|self');
});

test('every lookup is logged with its outcome and a digest of the address', async () => {
  const rows = logRows();
  const outcomes = rows.map((r) => `${r[0]}:${r[1]}`);
  assert.deepEqual(outcomes, ['lookup:found', 'lookup:found', 'lookup:not_found', 'lookup:not_found',
    'rating:refused', 'lookup:found', 'rating:rated']);
  for (const r of rows) {
    assert.match(r[3], /^[0-9a-f]{64}$/);
    assert.ok(!r.join('|').includes('127.0.0.1'), 'the address is kept as a digest only');
  }
  assert.equal(Number(rows[0][2]), matter.id);
  assert.equal(Number(rows[2][2]), 0, 'a failed lookup names no matter');
});

test('5 failures within 10 minutes: 429 with Retry-After, even for the right code', async () => {
  // Two failures were counted above; three more make five.
  for (let i = 0; i < 3; i++) {
    assertError(await pub.post('/lookup', { code: 'AAAAA-AAAAA', phone_last4: '0000' }), 404, 'not_found');
  }
  const r = await pub.post('/lookup', { code, phone_last4: '8000' });
  assertError(r, 429, 'throttled');
  assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After in seconds');
  assertError(await pub.post('/lookup/rating', { code, phone_last4: '8000', rating: 'satisfied' }), 429, 'throttled');
  assert.deepEqual(logRows().slice(-2).map((x) => x[1]), ['throttled', 'throttled']);
});
