// API tests of the outbox and its sender (issue 12, the delivery half;
// docs/notifications.md) with real receivers on loopback (tests/lib/receivers.js): a
// test message delivered to each kind of channel (企业微信 and 钉钉 robots, the latter
// signed, a signed webhook, an SMS gateway template, SMTP without TLS to aiosmtpd, and
// SMTP refused when STARTTLS is required but missing); a retry after the receiver failed
// (the log shows failed then sent); a robot's rate-limit answer; the channel's own rate
// limit; giving up after the last attempt; and a server killed with 100 messages queued
// delivering all 100 exactly once after its restart. The sender's waits are shortened
// through XINFANG_NOTIFY_* variables. Runs on both engines (XF_TEST_ENGINE=postgresql).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { expectStatus, startAdmin, ADMIN_PASSWORD, makeUser, rootUnit, register } = require('../lib/fixtures.js');
const { startServer, Client, onPostgres } = require('../lib/server.js');
const { startReceiver, startSmtpReceiver, waitFor } = require('../lib/receivers.js');

const FAST = {
  XINFANG_NOTIFY_INTERVAL_MS: '100', XINFANG_NOTIFY_RETRY_MS: '150', XINFANG_NOTIFY_RETRY_CAP_MS: '600',
  XINFANG_NOTIFY_RATE_WAIT_MS: '300', XINFANG_NOTIFY_LEASE_MS: '3000', XINFANG_NOTIFY_MAX_ATTEMPTS: '3',
  XINFANG_PUBLIC_URL: 'https://xinfang.example.org',
};
const TEST_TEXT = 'xinfang 测试消息';
let w;
const receivers = [];

before(async () => { w = await startAdmin({ env: FAST }); });
after(async () => {
  for (const r of receivers) await r.stop();
  if (w) await w.stop();
});

async function channel(body) {
  return expectStatus(await w.admin.post('/channels', body), 201, `POST /channels ${body.kind}`);
}
async function testMessage(id, body = {}) {
  return expectStatus(await w.admin.post(`/channels/${id}/test`, body), 202, 'POST test');
}
// The delivery log of a channel, oldest first.
async function log(id) {
  const r = expectStatus(await w.admin.get(`/channels/${id}/deliveries?limit=200`), 200, 'deliveries');
  return r.deliveries.slice().reverse();
}
async function statuses(id, outboxId) {
  return (await log(id)).filter((d) => d.outbox_id === outboxId).map((d) => d.status);
}

test('a test message reaches a 企业微信 robot, with the log queued then sent', async () => {
  const rx = await startReceiver('wecom');
  receivers.push(rx);
  const c = await channel({ kind: 'wecom', name: '企业微信群', url: rx.url });
  const t0 = Date.now();
  const m = await testMessage(c.id);
  assert.match(m.message_id, /^xf-\d+$/);
  await waitFor(() => rx.received.length === 1, 2000, 'the wecom message');
  assert.ok(Date.now() - t0 < 2000);
  const got = rx.received[0].body;
  assert.equal(got.msgtype, 'text');
  assert.equal(got.text.content, TEST_TEXT);
  assert.deepEqual(got.text.mentioned_mobile_list, []);
  await waitFor(async () => (await statuses(c.id, m.outbox_id)).join() === 'queued,sent', 2000, 'log sent');
  const sent = (await log(c.id)).find((d) => d.status === 'sent');
  assert.equal(sent.http_status, 200);
  assert.match(sent.answer, /"errcode":0/);
  assert.equal(sent.message_id, m.message_id);
  assert.equal(sent.text, TEST_TEXT);
});

test('a grade II incident registered reaches a 企业微信 group within 2 s, with its number', async () => {
  const rx = await startReceiver('wecom');
  receivers.push(rx);
  const c = await channel({ kind: 'wecom', name: '领导小组群', url: rx.url, events: ['incident.register'], grades: ['I', 'II'] });
  const po = await makeUser(w.admin, { username: 'xfb', name: '信访办', unit_id: (await rootUnit(w.admin)).id,
    roles: ['petition_office'] });
  const t0 = Date.now();
  const inc = await register(po, { headcount: 35, destination: 'province' });
  await waitFor(() => rx.received.length === 1, 2000, 'the registration on the group robot');
  assert.ok(Date.now() - t0 < 2000);
  assert.ok(rx.received[0].body.text.content.includes(inc.number), rx.received[0].body.text.content);
  assert.ok(rx.received[0].body.text.content.includes('https://xinfang.example.org/'), 'the link is absolute');
  // a grade IV registration is not for this channel
  await register(po, { headcount: 4, destination: 'mine' });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(rx.received.length, 1);
  expectStatus(await w.admin.patch(`/channels/${c.id}`, { enabled: false }), 200, 'disable');
});

test('a signed 钉钉 robot, an @mention by phone, and its bad-signature answer', async () => {
  const rx = await startReceiver('dingtalk', { secret: 'SECtest-signing-secret' });
  receivers.push(rx);
  const c = await channel({ kind: 'dingtalk', name: '钉钉群', url: rx.url, secret: 'SECtest-signing-secret', mentions: true });
  await testMessage(c.id, { to: '13800138000' });
  await waitFor(() => rx.received.length === 1, 2000, 'the dingtalk message');
  const got = rx.received[0];
  assert.equal(got.body.text.content, TEST_TEXT);
  assert.deepEqual(got.body.at.atMobiles, ['13800138000']);
  assert.ok(got.query.timestamp && got.query.sign, 'signed');
  // a wrong secret: the receiver answers 310000, the log says failed with that answer
  const bad = await channel({ kind: 'dingtalk', name: '钉钉群2', url: rx.url, secret: 'SECwrong' });
  const m = await testMessage(bad.id);
  await waitFor(async () => (await statuses(bad.id, m.outbox_id)).includes('failed'), 2000, 'failed');
  const failed = (await log(bad.id)).find((d) => d.status === 'failed');
  assert.match(failed.answer, /310000/);
  assert.equal(rx.rejected[0].reason, 'sign');
  expectStatus(await w.admin.del(`/channels/${bad.id}`), 204, 'delete');
});

test('a webhook is signed with X-Xinfang-Signature and carries the message id', async () => {
  const rx = await startReceiver('webhook', { secret: 'hook-secret-1' });
  receivers.push(rx);
  const c = await channel({ kind: 'webhook', name: '外部系统', url: rx.url, secret: 'hook-secret-1' });
  const m = await testMessage(c.id);
  await waitFor(() => rx.received.length === 1, 2000, 'the webhook');
  const got = rx.received[0];
  assert.equal(got.body.id, m.message_id);
  assert.equal(got.headers['x-xinfang-id'], m.message_id);
  assert.equal(got.body.kind, 'test');
  assert.equal(got.body.text, TEST_TEXT);
  assert.equal(got.body.event_seq, 0);
  assert.equal(rx.rejected.length, 0, 'the signature verified');
});

test('an SMS gateway template gets {phone}, {text} and {token}', async () => {
  const rx = await startReceiver('sms');
  receivers.push(rx);
  const c = await channel({ kind: 'sms', name: '短信网关', url: `${rx.url}?token={token}`, token: 'tok-123',
    body: '{"mobile":"{phone}","content":"{text}"}', phones: ['13900000000'] });
  await testMessage(c.id, { to: '13700000000' });
  await waitFor(() => rx.received.length === 1, 2000, 'the sms');
  const got = rx.received[0];
  assert.equal(got.query.token, 'tok-123');
  assert.deepEqual(got.body, { mobile: '13700000000', content: TEST_TEXT });
  await testMessage(c.id); // the channel's own list
  await waitFor(() => rx.received.length === 2, 2000, 'the second sms');
  assert.equal(rx.received[1].body.mobile, '13900000000');
});

test('email over SMTP; STARTTLS required by default is refused by a receiver without TLS', async () => {
  const smtp = await startSmtpReceiver();
  receivers.push(smtp);
  const plain = await channel({ kind: 'smtp', name: '邮件', url: smtp.url, from: 'xinfang@example.org', tls: 'none' });
  const m = await testMessage(plain.id, { to: 'leader@example.org' });
  const mail = await waitFor(() => smtp.messages()[0], 3000, 'the email');
  assert.deepEqual(mail.rcpt_tos, ['leader@example.org']);
  assert.equal(mail.mail_from, 'xinfang@example.org');
  assert.match(mail.data, new RegExp(`Message-ID: <${m.message_id}@xinfang>`));
  const body = /\r?\n\r?\n([\s\S]*)$/.exec(mail.data)[1].replace(/\s+/g, '');
  assert.equal(Buffer.from(body, 'base64').toString('utf8'), TEST_TEXT);
  const strict = await channel({ kind: 'smtp', name: '邮件TLS', url: smtp.url, from: 'xinfang@example.org' });
  const s = await testMessage(strict.id, { to: 'leader@example.org' });
  await waitFor(async () => (await statuses(strict.id, s.outbox_id)).includes('failed'), 3000, 'refused without TLS');
  assert.equal(smtp.messages().length, 1, 'nothing sent in clear');
  expectStatus(await w.admin.del(`/channels/${strict.id}`), 204, 'delete');
});

test('retry after the receiver failed: failed, failed, sent', async () => {
  const rx = await startReceiver('webhook');
  receivers.push(rx);
  const c = await channel({ kind: 'webhook', name: '重试', url: rx.url });
  rx.failNext(2);
  const m = await testMessage(c.id);
  await waitFor(() => rx.received.length === 1, 4000, 'delivery after two failures');
  await waitFor(async () => (await statuses(c.id, m.outbox_id)).join() === 'queued,failed,failed,sent', 2000,
    'the log');
  const entries = (await log(c.id)).filter((d) => d.outbox_id === m.outbox_id);
  assert.equal(entries[1].http_status, 500);
  assert.match(entries[1].answer, /failing on purpose/);
  assert.deepEqual(entries.map((d) => d.attempt), [0, 1, 2, 3]);
});

test('a robot\'s rate-limit answer (45009) waits and sends again', async () => {
  const rx = await startReceiver('wecom');
  receivers.push(rx);
  const c = await channel({ kind: 'wecom', name: '限流', url: rx.url });
  rx.failNext(1, 'limit');
  const m = await testMessage(c.id);
  await waitFor(() => rx.received.length === 1, 3000, 'delivery after the limit');
  await waitFor(async () => (await statuses(c.id, m.outbox_id)).join() === 'queued,failed,sent', 2000, 'the log');
  const failed = (await log(c.id)).find((d) => d.status === 'failed');
  assert.match(failed.answer, /45009/);
});

test('the channel\'s own rate limit holds messages beyond it', async () => {
  const rx = await startReceiver('webhook');
  receivers.push(rx);
  const c = await channel({ kind: 'webhook', name: '限速', url: rx.url, rate_per_min: 3 });
  for (let i = 0; i < 5; i++) await testMessage(c.id);
  await waitFor(() => rx.received.length === 3, 2000, 'three messages');
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(rx.received.length, 3, 'the other two wait for the minute to pass');
  const queued = (await log(c.id)).filter((d) => d.status === 'queued').length;
  assert.equal(queued, 5);
});

test('a receiver that never answers: the message gives up after the last attempt', async () => {
  const rx = await startReceiver('webhook');
  await rx.stop(); // a port nobody listens on
  const c = await channel({ kind: 'webhook', name: '不可达', url: rx.url });
  const m = await testMessage(c.id);
  await waitFor(async () => (await statuses(c.id, m.outbox_id)).includes('gave_up'), 4000, 'gave up');
  assert.deepEqual(await statuses(c.id, m.outbox_id), ['queued', 'failed', 'failed', 'gave_up']);
});

test('killed with 100 messages queued, the restarted server delivers all 100 exactly once', async () => {
  const rx = await startReceiver('webhook', { secret: 'restart-secret' });
  receivers.push(rx);
  await rx.stop(); // down while the messages are queued
  const env = { ...FAST, XINFANG_NOTIFY_MAX_ATTEMPTS: '100' };
  const srv = await startServer({ adminPassword: ADMIN_PASSWORD, env });
  let again = null;
  try {
    const admin = new Client(srv.base);
    expectStatus(await admin.login('admin', ADMIN_PASSWORD), 200, 'login');
    const c = expectStatus(await admin.post('/channels',
      { kind: 'webhook', name: '重启', url: rx.url, secret: 'restart-secret' }), 201, 'channel');
    const ids = new Set();
    for (let i = 0; i < 100; i++) ids.add(expectStatus(await admin.post(`/channels/${c.id}/test`, {}), 202, 'test').message_id);
    assert.equal(ids.size, 100);
    await srv.stop({ keep: true, signal: 'SIGKILL' });
    await rx.start();
    again = await startServer({ adminPassword: ADMIN_PASSWORD, env, dir: srv.dir });
    await waitFor(() => rx.received.length >= 100, 10000, 'all 100 after the restart');
    await new Promise((r) => setTimeout(r, 600)); // anything repeated would arrive now
    const got = rx.received.map((m) => m.body.id);
    assert.equal(got.length, 100, 'exactly once');
    assert.deepEqual(new Set(got), ids);
    assert.equal(rx.rejected.length, 0);
  } finally {
    if (again) await again.stop();
    else await srv.stop();
  }
});

test('two server processes on one PostgreSQL database send each message once', { skip: !onPostgres &&
  'several processes share one database only on PostgreSQL (XF_TEST_ENGINE=postgresql)' }, async () => {
  const rx = await startReceiver('webhook');
  receivers.push(rx);
  const env = { ...FAST, XINFANG_NOTIFY_MAX_ATTEMPTS: '100' };
  const a = await startServer({ adminPassword: ADMIN_PASSWORD, env });
  let b = null;
  try {
    b = await startServer({ adminPassword: ADMIN_PASSWORD, env, dir: a.dir }); // same database and key
    const admin = new Client(a.base);
    expectStatus(await admin.login('admin', ADMIN_PASSWORD), 200, 'login');
    const c = expectStatus(await admin.post('/channels', { kind: 'webhook', name: '双进程', url: rx.url }), 201, 'channel');
    for (let i = 0; i < 60; i++) expectStatus(await admin.post(`/channels/${c.id}/test`, {}), 202, 'test');
    await waitFor(() => rx.received.length >= 60, 10000, 'all 60');
    await new Promise((r) => setTimeout(r, 500));
    const ids = rx.received.map((m) => m.body.id);
    assert.equal(ids.length, 60, 'each message once');
    assert.equal(new Set(ids).size, 60);
  } finally {
    if (b) await b.stop({ keep: true });
    await a.stop();
  }
});
