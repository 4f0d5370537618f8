// API tests of error messages in the user's language (issue 8 item 10): Chinese by
// default with fields named by their Chinese labels, English with Accept-Language: en
// (q-values weighed), no internal paths such as pairs[0] in any message, while the
// JSON `field` member keeps the machine name that clients use.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { assertError, setupPeople, createPerson } = require('../lib/fixtures.js');

let ctx;
let po;
let person;

before(async () => {
  ctx = await setupPeople({ users: ['po', 'leader', 'off1'] });
  po = ctx.as.po;
  person = await createPerson(po, { name: '刘一', unit_id: ctx.units.team, incident_id: ctx.incident.id, role: 'participant' });
});
after(async () => { if (ctx) await ctx.stop(); });

// Assigns the leader (not an official) to 刘一 in the first row, in a language.
function badPair(lang) {
  const headers = lang === undefined ? {} : { 'Accept-Language': lang };
  return po.request('POST', `/incidents/${ctx.incident.id}/assignments`,
    { pairs: [{ person_id: person.id, official_id: ctx.as.leader.user.id }] }, headers);
}

test('without Accept-Language the message is Chinese and names the field by its label', async () => {
  // The test client sends "en" unless told otherwise; an empty header names no language.
  const r = await badPair('');
  assertError(r, 400, 'invalid_field', 'pairs[0]');
  assert.equal(r.json.error.message, '包保责任人（第1行）：用户「领导小组陈刚」不是在岗的包保责任人');
  // Without the header at all (a plain fetch).
  const raw = await fetch(`${ctx.srv.base}/api/v1/session`);
  assert.equal(raw.status, 401);
  assert.equal((await raw.json()).error.message, '请先登录');
});

test('Accept-Language: en gives English, still without the internal path', async () => {
  const r = await badPair('en');
  assertError(r, 400, 'invalid_field', 'pairs[0]');
  assert.equal(r.json.error.message,
    "'official (row 1)': user '领导小组陈刚' is not an active 包保责任人 (role official)");
  assert.ok(!r.json.error.message.includes('pairs['), r.json.error.message);
});

test('q-values decide between English and Chinese', async () => {
  const cases = [
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    ['en;q=0.9,zh;q=0.8', 'en'],
    ['zh;q=0.5, en;q=0.8', 'en'],
    ['zh;q=0.8, en', 'en'],
    ['en;q=0, zh', 'zh'],
    ['en;q=0', 'zh'],
    ['fr, en;q=0.5', 'en'],
    ['fr, de', 'zh'],
    ['zh, en', 'zh'],
    ['en, zh', 'en'],
    ['EN-gb;Q=1.0', 'en'],
    ['english', 'zh'],
  ];
  for (const [header, want] of cases) {
    const r = await badPair(header);
    assert.equal(r.status, 400);
    const zh = /[\u4e00-\u9fff]（第1行）/.test(r.json.error.message);
    assert.equal(zh ? 'zh' : 'en', want, `Accept-Language: ${header} -> ${r.json.error.message}`);
  }
});

test('validators and nested field errors are translated piece by piece', async () => {
  const zh = { 'Accept-Language': 'zh-CN' };
  // A phone the validator refuses: "'phone' %s" with the validator's reason.
  let r = await po.request('POST', '/persons', { name: '刘二', unit_id: ctx.units.team, phone: 'abc' }, zh);
  assertError(r, 400, 'invalid_field', 'phone');
  assert.match(r.json.error.message, /^手机号只能含数字/);
  // A field error of the JSON readers, from a family row.
  r = await po.request('POST', '/persons',
    { name: '刘二', unit_id: ctx.units.team, family: [{ relation: '妻子' }] }, zh);
  assert.equal(r.status, 400);
  assert.doesNotMatch(r.json.error.message, /family\[|[a-z]_[a-z]|required/, r.json.error.message);
  assert.match(r.json.error.message, /[\u4e00-\u9fff]/);
  // An unknown field and a plain required one.
  r = await po.request('POST', `/incidents/${ctx.incident.id}/notes`, { text: '到场', when: 'x' }, zh);
  assertError(r, 400, 'invalid_field', 'when');
  assert.equal(r.json.error.message, '未知字段「when」');
  r = await po.request('POST', '/incidents', {}, zh);
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^请填写「[\u4e00-\u9fff]+」$/);
  // A status given as an argument is named in Chinese.
  r = await po.request('POST', `/incidents/${ctx.incident.id}/activate`, {}, zh);
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /当前为「已启动」/);
});

test('no message names an internal path, in either language', async () => {
  const bodies = [
    { pairs: [{ person_id: person.id, official_id: ctx.as.leader.user.id }] },
    { pairs: [{ person_id: person.id }] },
    { pairs: [{ person_id: 999999, official_id: ctx.as.off1.user.id }] },
    { pairs: [{ person_id: person.id, official_id: 999999 }] },
  ];
  for (const lang of ['zh', 'en']) {
    for (const body of bodies) {
      const r = await po.request('POST', `/incidents/${ctx.incident.id}/assignments`, body, { 'Accept-Language': lang });
      assert.equal(r.status, 400, JSON.stringify(r.json));
      assert.equal(r.json.error.field, 'pairs[0]', 'the field stays the machine name');
      assert.ok(!/pairs\[/.test(r.json.error.message), `${lang}: ${r.json.error.message}`);
      if (lang === 'zh') assert.ok(!/[a-z]_[a-z]/.test(r.json.error.message), r.json.error.message);
      if (process.env.XF_SHOW_MESSAGES) console.log(lang, r.json.error.message);
    }
    const r = await po.request('POST', `/incidents/${ctx.incident.id}/meetings`,
      { kind: 'leadership', starts_at: new Date().toISOString(), attendees: [999999] }, { 'Accept-Language': lang });
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.ok(!/attendees\[/.test(r.json.error.message), `${lang}: ${r.json.error.message}`);
    if (process.env.XF_SHOW_MESSAGES) console.log(lang, r.json.error.message);
  }
});

test('the lines quick entry cannot read are named in Chinese too', async () => {
  const r = await po.request('POST', `/incidents/${ctx.incident.id}/persons/bulk`,
    { text: '刘五 13800000000 13900000000\n刘六 采煤九十九队' }, { 'Accept-Language': 'zh-CN' });
  assertError(r, 422, 'invalid_rows');
  assert.equal(r.json.error.message, '有些行无法识别，未保存任何内容');
  const messages = r.json.error.problems.map((p) => p.message);
  assert.ok(messages.includes('一行中有两个电话号码'), JSON.stringify(messages));
});

test('the problems of an import file are named in Chinese too', async () => {
  const zh = { 'content-type': 'text/csv', 'Accept-Language': 'zh-CN' };
  const empty = await ctx.admin.request('POST', '/imports/staff?dry_run=1', '', zh);
  assert.equal(empty.status, 200, empty.text);
  assert.equal(empty.json.problems[0].message, '文件为空：第一行须为列名');
  const xlsx = await ctx.admin.request('POST', '/imports/staff', Buffer.from('PK\x03\x04zip...'), zh);
  assertError(xlsx, 422, 'invalid_rows');
  assert.equal(xlsx.json.error.message, '文件中有 1 个问题，未导入任何数据');
  assert.equal(xlsx.json.error.problems[0].message, '文件是 Excel 工作簿而不是 CSV，请先另存为 CSV');
});
