// API tests of XINFANG_TRUSTED_PROXIES against a real server (docs/deploy-group.md):
// behind a trusted proxy the login throttle counts the address X-Forwarded-For names,
// so one throttled client does not lock out another; without the setting the header is
// ignored (a client could forge it) and every request counts as the connection's
// address; a malformed list stops the server at start-up.
'use strict';
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, Client, binary } = require('../lib/server.js');
const { assertOnlyError: assertError } = require('../lib/fixtures.js');

const ADMIN_PASSWORD = 'admin-pass-123456';

// Fails sign-ins under ever new usernames (so the account throttle never applies) from
// the address `forwarded` until the address throttle answers 429; returns the failures.
async function failUntilThrottled(srv, forwarded) {
  const c = new Client(srv.base);
  for (let i = 0; i < 100; i++) {
    const r = await c.request('POST', '/session', { username: `someone${i}`, password: 'wrong-password' },
      { 'X-Forwarded-For': forwarded });
    if (r.status === 429) {
      assertError(r, 429, 'throttled');
      return i;
    }
    assertError(r, 401, 'bad_credentials');
  }
  assert.fail(`no 429 after 100 failed sign-ins from ${forwarded}`);
}

function signIn(srv, forwarded) {
  return new Client(srv.base).request('POST', '/session',
    { username: 'admin', password: ADMIN_PASSWORD }, { 'X-Forwarded-For': forwarded });
}

const servers = {};
before(async () => {
  const [trusted, plain] = await Promise.all([
    startServer({ adminPassword: ADMIN_PASSWORD, env: { XINFANG_TRUSTED_PROXIES: '127.0.0.1' } }),
    startServer({ adminPassword: ADMIN_PASSWORD, env: { XINFANG_TRUSTED_PROXIES: '' } }),
  ]);
  Object.assign(servers, { trusted, plain });
});
after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

describe('behind a trusted proxy (XINFANG_TRUSTED_PROXIES=127.0.0.1)', () => {
  test('a throttled client does not throttle another; the audit log names each', async () => {
    const srv = servers.trusted;
    const failures = await failUntilThrottled(srv, '10.0.0.1');
    assert.ok(failures >= 20, `throttled after only ${failures} failures`);
    // the same client again, also with a forged address to the left of the proxy's
    const again = await new Client(srv.base).request('POST', '/session',
      { username: 'admin', password: ADMIN_PASSWORD }, { 'X-Forwarded-For': '10.0.0.2, 10.0.0.1' });
    assertError(again, 429, 'throttled');

    const other = await signIn(srv, '10.0.0.2');
    assert.equal(other.status, 200, `another client is signed in: ${other.text}`);

    const admin = new Client(srv.base);
    assert.equal((await admin.login('admin', ADMIN_PASSWORD)).status, 200);
    const audit = await admin.get('/audit?limit=200');
    assert.equal(audit.status, 200);
    assert.match(audit.text, /"address":\s*"10\.0\.0\.1"/, 'the failed sign-ins carry the client address');
  });
});

describe('without the setting', () => {
  test('X-Forwarded-For has no effect: every request is one address', async () => {
    const srv = servers.plain;
    await failUntilThrottled(srv, '10.0.0.1');
    assertError(await signIn(srv, '10.0.0.2'), 429, 'throttled');
  });
});

describe('a malformed list', () => {
  test('stops the server at start-up naming the setting and the item', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinfang-test-'));
    try {
      const r = spawnSync(binary, ['serve'], {
        env: { ...process.env, XINFANG_DB: path.join(dir, 'xinfang.db'), XINFANG_DATA_DIR: dir,
          XINFANG_LISTEN: '127.0.0.1:1', XINFANG_TRUSTED_PROXIES: '127.0.0.1, nginx' },
        encoding: 'utf8', timeout: 10000,
      });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /XINFANG_TRUSTED_PROXIES: 'nginx' is not an IPv4 or IPv6 address/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
