// API tests of notification channels (issue 12, the delivery half; docs/api.md
// "Notification channels", docs/notifications.md): POST/GET/PATCH/DELETE /channels, the
// delivery log and the test message, admin only (every other role 403 on every
// endpoint), validation naming the field, and secrets (the 企业微信 key, the 钉钉
// access_token, signing secrets, the SMTP password, the SMS token) never in any API
// answer, the server's log, the audit events or the database in clear. Runs on both
// engines (XF_TEST_ENGINE=postgresql).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { assertError, expectStatus, setupIncidents, auditEvents } = require('../lib/fixtures.js');
const { onPostgres } = require('../lib/server.js');

const ROLES = ['petition_office', 'leader', 'unit_head', 'dispatch', 'official', 'company', 'auditor'];
const SECRETS = {
  wecomKey: 'a1b2c3d4-wecom-key-0000-5e6f7a8b9c0d',
  dingToken: 'dingtoken0123456789abcdefSECRET',
  dingSign: 'SECd1ngSigningSecret0123456789',
  hookSecret: 'hook-hmac-secret-abcdef012345',
  smtpPassword: 'smtp-pass-word-9876543210',
  smsToken: 'sms-gateway-token-24680',
  patched: 'patched-secret-value-13579xyz',
};
let w;
const answers = []; // the text of every API answer of this file

async function call(client, method, p, body) {
  const r = await client.request(method, p, body);
  answers.push(r.text);
  return r;
}

before(async () => {
  w = await setupIncidents({ roles: ROLES });
});
after(async () => { if (w) await w.srv.stop(); });

test('every endpoint is the admin\'s: other roles get 403', async () => {
  const c = expectStatus(await call(w.admin, 'POST', '/channels',
    { kind: 'webhook', name: '外部系统', url: 'http://127.0.0.1:9/hook' }), 201, 'POST /channels');
  for (const role of ROLES) {
    const u = w.as[role];
    assertError(await u.get('/channels'), 403, 'forbidden');
    assertError(await u.post('/channels', { kind: 'webhook', name: 'x', url: 'http://127.0.0.1:9/' }), 403, 'forbidden');
    assertError(await u.get(`/channels/${c.id}`), 403, 'forbidden');
    assertError(await u.patch(`/channels/${c.id}`, { name: 'y' }), 403, 'forbidden');
    assertError(await u.del(`/channels/${c.id}`), 403, 'forbidden');
    assertError(await u.get(`/channels/${c.id}/deliveries`), 403, 'forbidden');
    assertError(await u.post(`/channels/${c.id}/test`, {}), 403, 'forbidden');
  }
  expectStatus(await call(w.admin, 'DELETE', `/channels/${c.id}`), 204, 'DELETE');
});

test('create, list, read, change, disable and delete a channel', async () => {
  const url = `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${SECRETS.wecomKey}`;
  const c = expectStatus(await call(w.admin, 'POST', '/channels', {
    kind: 'wecom', name: '应急领导小组群', url, events: ['incident.register', 'task.overdue'],
    grades: ['I', 'II'], mentions: true, format: 'text',
  }), 201, 'POST wecom');
  assert.equal(c.kind, 'wecom');
  assert.equal(c.name, '应急领导小组群');
  assert.equal(c.enabled, true);
  assert.equal(c.mentions, true);
  assert.deepEqual(c.events, ['incident.register', 'task.overdue']);
  assert.deepEqual(c.grades, ['I', 'II']);
  assert.equal(c.rate_per_min, 20, 'a group robot defaults to its 20 messages a minute');
  assert.equal(c.url, 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****9c0d');
  const list = expectStatus(await call(w.admin, 'GET', '/channels'), 200, 'GET /channels').channels;
  assert.ok(list.some((x) => x.id === c.id));
  const one = expectStatus(await call(w.admin, 'GET', `/channels/${c.id}`), 200, 'GET one');
  assert.deepEqual(one, c);
  const p = expectStatus(await call(w.admin, 'PATCH', `/channels/${c.id}`,
    { name: '领导小组群', enabled: false, grades: [], events: ['incident.upgrade'] }), 200, 'PATCH');
  assert.equal(p.name, '领导小组群');
  assert.equal(p.enabled, false);
  assert.deepEqual(p.grades, []);
  assert.deepEqual(p.events, ['incident.upgrade']);
  assert.equal(p.url, c.url, 'the URL stays when not given');
  const log = expectStatus(await call(w.admin, 'GET', `/channels/${c.id}/deliveries`), 200, 'deliveries');
  assert.deepEqual(log.deliveries, []);
  assert.equal(log.next_before, null);
  expectStatus(await call(w.admin, 'DELETE', `/channels/${c.id}`), 204, 'DELETE');
  assertError(await w.admin.get(`/channels/${c.id}`), 404, 'not_found');
  assertError(await w.admin.patch(`/channels/${c.id}`, { name: 'z' }), 404, 'not_found');
  assertError(await w.admin.post(`/channels/${c.id}/test`, {}), 404, 'not_found');
  const events = await auditEvents(w.admin);
  const mine = events.filter((e) => e.object_type === 'channel' && e.object_id === String(c.id)).map((e) => e.action);
  assert.deepEqual(mine, ['channel.create', 'channel.update', 'channel.delete']);
});

test('validation names the field', async () => {
  const bad = [
    [{ name: 'x', url: 'http://127.0.0.1/' }, 'kind'],
    [{ kind: 'fax', name: 'x', url: 'http://127.0.0.1/' }, 'kind'],
    [{ kind: 'webhook', url: 'http://127.0.0.1/' }, 'name'],
    [{ kind: 'webhook', name: 'x' }, 'url'],
    [{ kind: 'webhook', name: 'x', url: 'ftp://127.0.0.1/' }, 'url'],
    [{ kind: 'wecom', name: 'x', url: 'javascript:alert(1)' }, 'url'],
    [{ kind: 'smtp', name: 'x', url: 'http://127.0.0.1/', from: 'a@b.cn' }, 'url'],
    [{ kind: 'smtp', name: 'x', url: 'smtp://127.0.0.1:25' }, 'from'],
    [{ kind: 'smtp', name: 'x', url: 'smtp://127.0.0.1:25', from: 'not an address' }, 'from'],
    [{ kind: 'smtp', name: 'x', url: 'smtp://127.0.0.1:25', from: 'a@b.cn', tls: 'maybe' }, 'tls'],
    [{ kind: 'webhook', name: 'x', url: 'http://127.0.0.1/', events: ['incident.explode'] }, 'events[0]'],
    [{ kind: 'webhook', name: 'x', url: 'http://127.0.0.1/', events: 'incident.register' }, 'events'],
    [{ kind: 'webhook', name: 'x', url: 'http://127.0.0.1/', grades: ['V'] }, 'grades[0]'],
    [{ kind: 'webhook', name: 'x', url: 'http://127.0.0.1/', mentions: true }, 'mentions'],
    [{ kind: 'webhook', name: 'x', url: 'http://127.0.0.1/', password: 'p' }, 'password'],
    [{ kind: 'webhook', name: 'x', url: 'http://127.0.0.1/', format: 'text' }, 'format'],
    [{ kind: 'wecom', name: 'x', url: 'http://127.0.0.1/', format: 'html' }, 'format'],
    [{ kind: 'sms', name: 'x', url: 'http://127.0.0.1/', method: 'DELETE' }, 'method'],
    [{ kind: 'sms', name: 'x', url: 'http://127.0.0.1/', phones: ['not a phone'] }, 'phones'],
    [{ kind: 'webhook', name: 'x', url: 'http://127.0.0.1/', rate_per_min: -1 }, 'rate_per_min'],
    [{ kind: 'webhook', name: 'x', url: 'http://127.0.0.1/', colour: 'red' }, 'colour'],
  ];
  for (const [body, field] of bad) {
    assertError(await call(w.admin, 'POST', '/channels', body), 400, 'invalid_field', field);
  }
  const c = expectStatus(await call(w.admin, 'POST', '/channels',
    { kind: 'webhook', name: 'ok', url: 'http://127.0.0.1:9/' }), 201, 'POST');
  assertError(await call(w.admin, 'PATCH', `/channels/${c.id}`, { kind: 'sms' }), 400, 'invalid_field', 'kind');
  assertError(await call(w.admin, 'PATCH', `/channels/${c.id}`, { url: 'file:///etc/passwd' }), 400, 'invalid_field', 'url');
  assertError(await call(w.admin, 'POST', `/channels/${c.id}/test`, { to: '13800000000' }), 400, 'invalid_field', 'to');
  assertError(await w.admin.get('/channels/0'), 400, 'bad_request', 'id');
  expectStatus(await call(w.admin, 'DELETE', `/channels/${c.id}`), 204, 'DELETE');
});

test('secrets are sealed: never in an answer, the log, the events or the database in clear', async () => {
  const made = [];
  made.push(expectStatus(await call(w.admin, 'POST', '/channels', {
    kind: 'dingtalk', name: '钉钉群', url: `https://oapi.dingtalk.com/robot/send?access_token=${SECRETS.dingToken}`,
    secret: SECRETS.dingSign, events: ['incident.register'],
  }), 201, 'dingtalk'));
  made.push(expectStatus(await call(w.admin, 'POST', '/channels', {
    kind: 'webhook', name: '外部', url: 'https://example.org/hook', secret: SECRETS.hookSecret,
  }), 201, 'webhook'));
  made.push(expectStatus(await call(w.admin, 'POST', '/channels', {
    kind: 'smtp', name: '邮件', url: 'smtp://127.0.0.1:2525', from: 'xinfang@example.org',
    username: 'xinfang', password: SECRETS.smtpPassword, to: ['office@example.org'],
  }), 201, 'smtp'));
  made.push(expectStatus(await call(w.admin, 'POST', '/channels', {
    kind: 'sms', name: '短信', url: 'https://sms.example.org/send?token={token}', token: SECRETS.smsToken,
    body: '{"to":"{phone}","msg":"{text}"}',
  }), 201, 'sms'));
  const [ding, hook, smtp, sms] = made;
  assert.equal(ding.url, 'https://oapi.dingtalk.com/robot/send?access_token=****CRET');
  assert.equal(ding.secret, '****6789');
  assert.equal(hook.secret, '****2345');
  assert.equal(smtp.password, '****3210');
  assert.equal(sms.token, '****4680');
  assert.equal(smtp.tls, 'required', 'STARTTLS is required by default');
  // change a secret; clear one
  const p = expectStatus(await call(w.admin, 'PATCH', `/channels/${hook.id}`, { secret: SECRETS.patched }), 200, 'PATCH');
  assert.equal(p.secret, '****9xyz');
  const q = expectStatus(await call(w.admin, 'PATCH', `/channels/${sms.id}`, { token: '' }), 200, 'PATCH token');
  assert.equal(q.token, undefined);
  await call(w.admin, 'GET', '/channels');
  for (const c of made) {
    await call(w.admin, 'GET', `/channels/${c.id}`);
    await call(w.admin, 'POST', `/channels/${c.id}/test`, {});
    await call(w.admin, 'GET', `/channels/${c.id}/deliveries`);
  }
  const events = JSON.stringify(await auditEvents(w.admin));
  assert.match(events, /channel\.create/);
  let database;
  if (onPostgres) {
    database = execFileSync('psql', [w.srv.db, '-qAtc', 'SELECT * FROM channels; SELECT * FROM outbox; SELECT * FROM deliveries'],
      { encoding: 'utf8' });
  } else {
    database = ['xinfang.db', 'xinfang.db-wal'].map((f) => path.join(w.srv.dir, f))
      .filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('');
  }
  assert.ok(database.length > 0);
  for (const [name, s] of Object.entries(SECRETS)) {
    for (const text of answers) assert.ok(!text.includes(s), `${name} in an API answer: ${text.slice(0, 300)}`);
    assert.ok(!w.srv.output().includes(s), `${name} in the server's log`);
    assert.ok(!events.includes(s), `${name} in the audit events`);
    assert.ok(!database.includes(s), `${name} in the database in clear`);
  }
  const key = fs.statSync(path.join(w.srv.dir, 'notify.key'));
  assert.equal(key.mode & 0o777, 0o600, 'the key file is 0600');
  assert.equal(key.size, 32);
});

test('a user\'s email address, for the channels that reach a person by email', async () => {
  const id = w.as.leader.user.id;
  const before = expectStatus(await w.admin.get(`/users/${id}`), 200, 'GET user');
  assert.equal(before.email, '');
  const u = expectStatus(await w.admin.patch(`/users/${id}`, { email: 'leader@example.org' }), 200, 'PATCH email');
  assert.equal(u.email, 'leader@example.org');
  assert.equal(expectStatus(await w.admin.get(`/users/${id}`), 200, 'GET user').email, 'leader@example.org');
  for (const bad of ['no-at-sign', 'a@b@c', 'a b@c.cn', '<a@b.cn>']) {
    assertError(await w.admin.patch(`/users/${id}`, { email: bad }), 400, 'invalid_field', 'email');
  }
  assertError(await w.as.leader.patch(`/users/${id}`, { email: 'x@example.org' }), 403, 'forbidden');
  assert.equal(expectStatus(await w.admin.patch(`/users/${id}`, { email: '' }), 200, 'clear').email, '');
});
