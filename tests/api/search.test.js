// API tests for full-text search (GET /api/v1/search, docs/search.md) against a real
// server: incidents registered through POST /incidents are found by one- and
// two-character Chinese queries of their demands; a match in the title ranks above a
// match in the body; the highlight marks exactly the matched characters; notes,
// petitioners and matters are found too; every hit is filtered by what the user may
// see (admin has no incident.read, a unit head sees only incidents of their unit, an
// accusation is hidden from the accused unit); quotes and operators are plain text;
// q and limit are validated with the one error shape.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Client } = require('../lib/server.js');
const { assertError, expectStatus, setupIncidents, register } = require('../lib/fixtures.js');

let ctx;
let po; // petition office
let A; // 矿办公楼门前, 综采一队: 要求补发拖欠工资
let B; // 副井口, 机电科: 井下作业安全补贴
let C; // 工资科门前, no unit: 反映住房困难问题

before(async () => {
  ctx = await setupIncidents({ roles: ['petition_office', 'unit_head', 'official', 'auditor'] });
  po = ctx.as.petition_office;
  A = await register(po, { place: '矿办公楼门前', units: [ctx.units.team], demands: '要求补发拖欠工资' });
  B = await register(po, { place: '副井口', units: [ctx.units.dept], demands: '井下作业安全补贴' });
  C = await register(po, { place: '工资科门前', units: [], demands: '反映住房困难问题' });
});

after(async () => { if (ctx) await ctx.stop(); });

async function search(client, q, extra = '') {
  return expectStatus(await client.get(`/search?q=${encodeURIComponent(q)}${extra}`), 200, `search ${q}`);
}

// The hits as "kind:id" in rank order.
function keys(answer) {
  return answer.hits.map((h) => `${h.kind}:${h.id}`);
}

const inc = (x) => `incident:${x.id}`;

test('the answer has the documented shape', async () => {
  const r = await search(po, '拖欠');
  assert.equal(r.q, '拖欠');
  assert.equal(typeof r.took_ms, 'number');
  assert.ok(r.took_ms >= 0);
  assert.equal(r.hits.length, 1);
  const hit = r.hits[0];
  assert.deepEqual(Object.keys(hit).sort(),
    ['highlight', 'id', 'incident_id', 'kind', 'person_id', 'rank', 'title']);
  assert.equal(hit.kind, 'incident');
  assert.equal(hit.id, A.id);
  assert.equal(hit.incident_id, A.id);
  assert.equal(hit.person_id, null);
  assert.equal(hit.title, `${A.number} 矿办公楼门前`);
  assert.equal(typeof hit.rank, 'number');
  assert.ok(hit.rank > 0);
});

test('one- and two-character queries find an incident by its demands', async () => {
  assert.deepEqual(keys(await search(po, '欠')), [inc(A)]);
  assert.deepEqual(keys(await search(po, '贴')), [inc(B)]);
  assert.deepEqual(keys(await search(po, '补贴')), [inc(B)]);
  assert.deepEqual(keys(await search(po, '住房')), [inc(C)]);
  assert.deepEqual(keys(await search(po, '井下作业')), [inc(B)]);
  assert.deepEqual(keys(await search(po, '煤')), []);
  // two words: both must occur; a phrase must occur as written
  assert.deepEqual(keys(await search(po, '补发 工资')), [inc(A)]);
  assert.deepEqual(keys(await search(po, '工资补发')), []);
  // the incident number, in any width and case
  assert.deepEqual(keys(await search(po, B.number.toLowerCase())), [inc(B)]);
});

test('a match in the title ranks above a match in the body', async () => {
  // C has 工资 in its title (工资科门前), A in its demands; A is older, so the order is
  // the rank's and not the age's
  assert.deepEqual(keys(await search(po, '工资')), [inc(C), inc(A)]);
  assert.deepEqual(keys(await search(po, '资')), [inc(C), inc(A)]);
  const r = await search(po, '工资');
  assert.ok(r.hits[0].rank > r.hits[1].rank, JSON.stringify(r.hits));
});

test('the highlight marks the matched characters, as text segments', async () => {
  assert.deepEqual((await search(po, '拖欠')).hits[0].highlight,
    [['要求补发', false], ['拖欠', true], ['工资', false]]);
  assert.deepEqual((await search(po, '欠')).hits[0].highlight,
    [['要求补发拖', false], ['欠', true], ['工资', false]]);
  // a title match is highlighted in the title
  assert.deepEqual((await search(po, '办公楼')).hits[0].highlight,
    [[`${A.number} 矿`, false], ['办公楼', true], ['门前', false]]);
  // two words, each marked; no HTML anywhere
  const r = await search(po, '补发 工资');
  assert.deepEqual(r.hits[0].highlight, [['要求', false], ['补发', true], ['拖欠', false], ['工资', true]]);
  assert.ok(!/[<>]/.test(JSON.stringify(r)));
});

test('notes are found and point to their incident', async () => {
  const note = expectStatus(await po.post(`/incidents/${A.id}/notes`, { text: '现场有人拉横幅，情绪激动' }),
    201, 'POST note');
  const r = await search(po, '横幅');
  assert.equal(r.hits.length, 1, JSON.stringify(r));
  assert.equal(r.hits[0].kind, 'note');
  assert.equal(r.hits[0].incident_id, A.id);
  assert.ok(note);
  assert.deepEqual(r.hits[0].highlight, [['现场有人拉', false], ['横幅', true], ['，情绪激动', false]]);
  // the unit head of 综采一队 sees A, so its notes too; the official has no task of A
  assert.equal((await search(ctx.as.unit_head, '横幅')).hits.length, 1);
  assert.deepEqual((await search(ctx.as.official, '横幅')).hits, []);
});

test('hits are filtered by what the user may see', async () => {
  // admin manages accounts, not incidents: no incident.read, no hits
  assert.deepEqual((await search(ctx.admin, '工资')).hits, []);
  assert.deepEqual((await search(ctx.admin, '门前')).hits, []);
  // the unit head of 综采一队 sees only A
  assert.deepEqual(keys(await search(ctx.as.unit_head, '门前')), [inc(A)]);
  assert.deepEqual(keys(await search(ctx.as.unit_head, '补')), [inc(A)]);
  // the official sees incidents with a task assigned to them: none
  assert.deepEqual((await search(ctx.as.official, '门前')).hits, []);
  // the auditor reads everything
  assert.deepEqual(keys(await search(ctx.as.auditor, '门前')).sort(), [inc(A), inc(C)].sort());
  // the filter does not cost hits that are visible: limit counts what is shown
  assert.equal((await search(ctx.as.unit_head, '门前', '&limit=1')).hits.length, 1);
});

test('petitioners and matters are found; an accusation is hidden from the accused unit', async () => {
  const person = expectStatus(await po.post('/persons', {
    name: '林志强', unit_id: ctx.units.team, note: '综采一队职工',
  }), 201, 'POST /persons');
  const accusation = expectStatus(await po.post(`/persons/${person.id}/matters`, {
    category: 'accusation', content: '举报队长克扣津贴', accused_unit_id: ctx.units.team,
  }), 201, 'POST accusation');
  const suggestion = expectStatus(await po.post(`/persons/${person.id}/matters`, {
    category: 'suggestion', content: '建议公开津贴明细',
  }), 201, 'POST suggestion');

  assert.deepEqual(keys(await search(po, '林志强')), [`person:${person.id}`]);
  assert.deepEqual(keys(await search(po, '克扣')), [`matter:${accusation.id}`]);
  assert.equal((await search(po, '克扣')).hits[0].person_id, person.id);
  assert.deepEqual(keys(await search(po, '津贴')).sort(),
    [`matter:${accusation.id}`, `matter:${suggestion.id}`].sort());
  // the unit head of 综采一队 sees the person and the suggestion, never the accusation
  const head = ctx.as.unit_head;
  assert.deepEqual(keys(await search(head, '林志强')), [`person:${person.id}`]);
  assert.deepEqual(keys(await search(head, '克扣')), []);
  assert.deepEqual(keys(await search(head, '津贴')), [`matter:${suggestion.id}`]);
  // admin has no person.read
  assert.deepEqual((await search(ctx.admin, '林志强')).hits, []);
});

test('quotes, operators and column filters are plain text', async () => {
  for (const q of ['"工资" OR 住房', 'NOT 工资', 'title:工资', 'NEAR(工资 住房)', '工资*', '^工资',
    '{title}: 工资', '(工资)', '"', '***', 'AND']) {
    const r = await search(po, q);
    assert.ok(Array.isArray(r.hits), q);
  }
  // an operator word is a word that must occur: nothing has "or"
  assert.deepEqual(keys(await search(po, '"工资" OR 住房')), []);
  // quote marks and stars are separators
  assert.deepEqual(keys(await search(po, '"拖欠"')), [inc(A)]);
  assert.deepEqual(keys(await search(po, '拖欠*')), [inc(A)]);
  // nothing searchable: no hits, no error
  assert.deepEqual((await search(po, ' ，。！')).hits, []);
});

test('q and limit are validated', async () => {
  assertError(await po.get('/search'), 400, 'bad_request', 'q');
  assertError(await po.get('/search?q='), 400, 'bad_request', 'q');
  assertError(await po.get(`/search?q=${encodeURIComponent('工'.repeat(101))}`), 400, 'bad_request', 'q');
  assert.ok(Array.isArray((await search(po, '工'.repeat(100))).hits), '100 characters are fine');
  assertError(await po.get(`/search?q=${encodeURIComponent('a'.repeat(101))}`), 400, 'bad_request', 'q');
  assertError(await po.get('/search?q=%FF%FE'), 400, 'bad_request', 'q');
  assertError(await po.get('/search?q=a&limit=0'), 400, 'bad_request', 'limit');
  assertError(await po.get('/search?q=a&limit=51'), 400, 'bad_request', 'limit');
  assertError(await po.get('/search?q=a&limit=x'), 400, 'bad_request', 'limit');
  assert.equal((await search(po, '门前', '&limit=1')).hits.length, 1);
  assert.equal((await search(po, '门前', '&limit=50')).hits.length, 2);
  // signed in only
  assertError(await new Client(ctx.srv.base).get('/search?q=a'), 401, 'unauthenticated');
});
