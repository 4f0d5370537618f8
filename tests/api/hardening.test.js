// API tests for what no request may do to the server (DESIGN.md, "Reliability and
// security bars"): bytes that are not UTF-8 in the target or the body, odd methods,
// huge numbers and NUL in JSON, bodies that are not JSON, smuggling headers, one
// address taking every connection, and stopping while requests are in flight.
// After every attack the server must still answer.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { startServer, Client } = require('../lib/server.js');
const { ADMIN_PASSWORD, startAdmin, makeUser } = require('../lib/fixtures.js');

let srv, office;

function assertError(r, status, code, field) {
  const what = `${r.status} ${String(r.text).slice(0, 300)}`;
  assert.equal(r.status, status, `expected ${status} ${code}, got ${what}`);
  assert.ok(r.json && r.json.error, `not the error shape: ${what}`);
  assert.equal(r.json.error.code, code, `code: ${what}`);
  if (field !== undefined) assert.equal(r.json.error.field, field, `field: ${what}`);
}

// Sends raw bytes and reads until the server closes or timeoutMs passes. Returns the
// answer text and whether the server closed the connection.
function rawExchange(port, bytes, { timeoutMs = 3000, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port, localAddress });
    const parts = [];
    let closed = false;
    const timer = setTimeout(() => { sock.destroy(); finish(); }, timeoutMs);
    function finish() {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(parts).toString('utf8'), closed });
    }
    sock.on('connect', () => sock.write(bytes));
    sock.on('data', (d) => parts.push(d));
    sock.on('end', () => { closed = true; });
    sock.on('close', finish);
    sock.on('error', (e) => { if (!parts.length) reject(e); });
  });
}

function statusOf(text) {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return m ? Number(m[1]) : 0;
}

function bodyOf(text) {
  const i = text.indexOf('\r\n\r\n');
  try { return JSON.parse(text.slice(i + 4)); } catch (_) { return null; }
}

async function assertAlive() {
  const r = await fetch(`${srv.base}/api/v1/health`);
  assert.equal(r.status, 200, 'the server no longer answers /health');
}

before(async () => {
  let admin;
  ({ srv, admin } = await startAdmin());
  office = await makeUser(admin, { username: 'office', name: '信访办', unit_id: 1, roles: ['petition_office'] });
});

after(async () => { await srv.stop(); });

test('a target that is not UTF-8 is 400, signed in or not, and the server lives', async () => {
  for (const target of ['/%ff', '/api/v1/%ff', '/api/v1/incidents/%e4%b8']) {
    const { text } = await rawExchange(srv.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.equal(statusOf(text), 400, `${target}: ${text.slice(0, 200)}`);
    assert.equal(bodyOf(text).error.code, 'bad_request');
    await assertAlive();
  }
  assertError(await office.get('/incidents?status=%ff'), 400, 'bad_request', 'status');
  await assertAlive();
});

test('raw non-ASCII bytes in the path and a long CJK path get whole-character messages', async () => {
  const raw = Buffer.concat([Buffer.from('GET /api/v1/'), Buffer.from('井'.repeat(1300)), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]);
  const { text } = await rawExchange(srv.port, raw);
  assert.equal(statusOf(text), 404, text.slice(0, 200));
  const body = bodyOf(text);
  assert.ok(body && body.error.message.length > 0, 'a JSON error answers');
  assert.ok(!body.error.message.includes('\ufffd'), 'no character cut in half');
  await assertAlive();
});

test('a method that is not an ASCII token is 400 and the connection closes', async () => {
  const raw = Buffer.concat([Buffer.from('G'), Buffer.from('ËT', 'utf8'), Buffer.from(' /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n')]);
  const { text, closed } = await rawExchange(srv.port, raw);
  assert.ok(statusOf(text) === 400 || closed, `answer: ${text.slice(0, 200)}`);
  await assertAlive();
});

test('an unknown key of 100 CJK characters names it in whole characters', async () => {
  const key = '井'.repeat(100);
  const r = await office.post('/incidents', { [key]: 1 });
  assertError(r, 400, 'invalid_field');
  assert.ok(key.startsWith(r.json.error.field), 'the field is a prefix of the key, cut between characters');
  assert.ok(!r.json.error.message.includes('\ufffd'));
  await assertAlive();
});

test('huge integers and NUL get 400 naming the field; nothing is stored', async () => {
  const before = (await office.get('/incidents')).json.incidents.length;
  let r = await office.post('/incidents', '{"headcount": 123456789012345678901234567890, "destination": "group"}');
  assertError(r, 400, 'invalid_field', 'headcount');
  r = await office.post('/incidents', '{"headcount": -99999999999999999999999}');
  assertError(r, 400, 'invalid_field', 'headcount');
  r = await office.post('/incidents', '{"headcount": 5, "place": "a\\u0000b"}');
  assertError(r, 400, 'invalid_field', 'place');
  r = await office.post('/incidents', '{"units": [1, "\\u0000"]}');
  assertError(r, 400, 'invalid_field', 'units[1]');
  assert.equal((await office.get('/incidents')).json.incidents.length, before);
});

test('a body that is not declared JSON on a JSON endpoint is 415', async () => {
  const body = JSON.stringify({ headcount: 3, destination: 'group', advance_info: false, place: '大门', units: [1], demands: '工资' });
  let r = await office.post('/incidents', body, { 'content-type': 'text/plain' });
  assertError(r, 415, 'unsupported_media_type');
  r = await office.post('/incidents', body, { 'content-type': 'application/x-www-form-urlencoded' });
  assertError(r, 415, 'unsupported_media_type');
  r = await office.post('/incidents', body, { 'content-type': 'application/json; charset=utf-8' });
  assert.equal(r.status, 201, r.text);
});

test('two Content-Length headers, or one with Transfer-Encoding: 400 and the connection closed', async () => {
  const cookie = office.cookie;
  const body = '{"headcount":3}';
  const twoLengths = `POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\nX-CSRF-Token: ${office.csrf}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nContent-Length: 2\r\n\r\n${body}`;
  let { text, closed } = await rawExchange(srv.port, twoLengths);
  assert.equal(statusOf(text), 400, text.slice(0, 300));
  assert.ok(closed, 'the connection is closed');
  const smuggled = `POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\nX-CSRF-Token: ${office.csrf}\r\n` +
    `Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n`;
  ({ text, closed } = await rawExchange(srv.port, smuggled));
  assert.equal(statusOf(text), 400, text.slice(0, 300));
  assert.equal((text.match(/HTTP\/1\.1 /g) || []).length, 1, 'the smuggled second request is not answered');
  assert.ok(closed, 'the connection is closed');
  await assertAlive();
});

test('one address cannot take every connection; others and signed-in users still get in', async () => {
  const limited = await startServer({ adminPassword: ADMIN_PASSWORD,
    env: { XINFANG_CONNECTIONS_PER_ADDRESS: '8', XINFANG_MAX_CONNECTIONS: '40', XINFANG_CONNECTION_RESERVE: '10' } });
  const socks = [];
  try {
    // 20 idle connections from 127.0.0.2: at most 8 stay open.
    for (let i = 0; i < 20; i++) {
      const s = net.connect({ host: '127.0.0.1', port: limited.port, localAddress: '127.0.0.2' });
      s.on('error', () => {});
      s.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n'); // never finished
      socks.push(s);
    }
    await new Promise((r) => setTimeout(r, 500));
    const open = socks.filter((s) => !s.destroyed && s.readyState === 'open').length;
    assert.ok(open <= 8, `${open} connections of one address stayed open`);
    const r = await fetch(`${limited.base}/api/v1/health`);
    assert.equal(r.status, 200, 'another address is served');
    // Near the total, requests without a session are turned away, signed-in ones are not.
    const admin = new Client(limited.base);
    assert.equal((await admin.login('admin', ADMIN_PASSWORD)).status, 200);
    for (const addr of ['127.0.0.3', '127.0.0.4', '127.0.0.5']) {
      for (let i = 0; i < 8; i++) {
        const s = net.connect({ host: '127.0.0.1', port: limited.port, localAddress: addr });
        s.on('error', () => {});
        s.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n');
        socks.push(s);
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    const anonymous = await rawExchange(limited.port, 'GET /api/v1/units HTTP/1.1\r\nHost: x\r\n\r\n', { localAddress: '127.0.0.6' });
    assert.equal(statusOf(anonymous.text), 503, anonymous.text.slice(0, 200));
    assert.ok(anonymous.closed, 'the anonymous connection is closed');
    // A made-up session cookie is answered, but keeps no place.
    const madeUp = await rawExchange(limited.port, 'GET /api/v1/units HTTP/1.1\r\nHost: x\r\nCookie: xf_session=made-up\r\n\r\n', { localAddress: '127.0.0.6' });
    assert.equal(statusOf(madeUp.text), 401, madeUp.text.slice(0, 200));
    assert.ok(madeUp.closed, 'the made-up session\'s connection is closed');
    const signedIn = await rawExchange(limited.port,
      `GET /api/v1/units HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\nConnection: close\r\n\r\n`, { localAddress: '127.0.0.6' });
    assert.equal(statusOf(signedIn.text), 200, signedIn.text.slice(0, 200));
  } finally {
    for (const s of socks) s.destroy();
    await limited.stop();
  }
});

test('stopping while requests are on the worker pools answers or closes them and exits 0', async () => {
  const s = await startServer({ adminPassword: ADMIN_PASSWORD });
  const client = new Client(s.base);
  await client.login('admin', ADMIN_PASSWORD);
  // Logins hash passwords on the slow pool; a live stream stays parked.
  const inFlight = [];
  for (let i = 0; i < 6; i++) {
    inFlight.push(fetch(`${s.base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'wrong-password-' + i }) }).then((r) => r.status, () => 'closed'));
  }
  const stream = fetch(`${s.base}/api/v1/stream`, { headers: { cookie: client.cookie } }).then((r) => r.status, () => 'closed');
  await new Promise((r) => setTimeout(r, 30));
  const exited = new Promise((r) => s.child.once('exit', (code, signal) => r({ code, signal })));
  s.child.kill('SIGTERM');
  const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 8000))]);
  assert.notEqual(result, 'hung', 'the server did not stop within 8 s');
  assert.deepEqual(result, { code: 0, signal: null }, `exit: ${JSON.stringify(result)}\n${s.output().slice(-2000)}`);
  for (const st of await Promise.all(inFlight)) assert.ok(st === 401 || st === 429 || st === 'closed', `login answer ${st}`);
  await stream;
  await s.stop();
});
