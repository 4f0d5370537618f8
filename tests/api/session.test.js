// API tests for sessions of xinfang against a real server (docs/api.md): login and
// its cookie, bad credentials, GET/DELETE /session, the one-time admin password and
// POST /session/password, CSRF on state changes, and login throttling per account and
// per client address (each throttling test has its own server).
'use strict';
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, Client } = require('../lib/server.js');
const { assertOnlyError: assertError } = require('../lib/fixtures.js');

const ADMIN_PASSWORD = 'admin-pass-123456';

// A second client that holds the same session cookie but no CSRF token.
function sameSessionNoToken(c) {
  const b = new Client(c.base);
  b.cookie = c.cookie;
  return b;
}

function assertUser(u, username) {
  assert.ok(u && typeof u === 'object', 'user object');
  assert.equal(u.username, username);
  assert.equal(typeof u.id, 'number');
  assert.ok(Array.isArray(u.roles), 'roles is an array');
  assert.equal(typeof u.disabled, 'boolean');
  assert.equal(typeof u.must_change_password, 'boolean');
  for (const k of Object.keys(u)) {
    assert.doesNotMatch(k, /hash|salt|secret|^password$/i, `user object exposes ${k}`);
  }
}

async function waitForOneTimePassword(srv) {
  const deadline = Date.now() + 3000;
  for (;;) {
    const m = /one-time password: (\S+)/.exec(srv.output());
    if (m) return m[1];
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Five servers, started at once to save time: the main one, one that prints a
// one-time password, one for each throttling test (throttle state is per server), and
// one that records a session's activity on every request instead of once a minute.
const servers = {};
before(async () => {
  const [main, fresh, account, address, touch] = await Promise.all([
    startServer({ adminPassword: ADMIN_PASSWORD }),
    startServer({}),
    startServer({ adminPassword: ADMIN_PASSWORD }),
    startServer({ adminPassword: ADMIN_PASSWORD }),
    startServer({ adminPassword: ADMIN_PASSWORD, env: { XINFANG_SESSION_TOUCH_MS: '0' } }),
  ]);
  Object.assign(servers, { main, fresh, account, address, touch });
});
after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

describe('login, session, logout', () => {
  let srv;
  before(() => { srv = servers.main; });

  test('login sets an HttpOnly SameSite=Strict cookie and returns user + csrf', async () => {
    const c = new Client(srv.base);
    const r = await c.login('admin', ADMIN_PASSWORD);
    assert.equal(r.status, 200, r.text);
    const sc = r.headers.get('set-cookie') || '';
    assert.match(sc, /(^|,\s*)xf_session=[^;,\s]+/, `Set-Cookie: ${sc}`);
    assert.match(sc, /;\s*HttpOnly/i, `HttpOnly missing: ${sc}`);
    assert.match(sc, /;\s*SameSite=Strict/i, `SameSite=Strict missing: ${sc}`);
    assert.match(sc, /;\s*Path=\/(;|$|\s)/i, `Path=/ missing: ${sc}`);
    assertUser(r.json.user, 'admin');
    assert.ok(r.json.user.roles.includes('admin'), 'admin has role admin');
    assert.equal(r.json.user.must_change_password, false, 'a password from XINFANG_ADMIN_PASSWORD need not change');
    assert.equal(typeof r.json.csrf, 'string');
    assert.ok(r.json.csrf.length >= 16, `csrf token too short: ${r.json.csrf}`);
    assert.match(r.headers.get('cache-control') || '', /no-store/);
  });

  test('GET /session with the cookie returns the user and a csrf token', async () => {
    const c = new Client(srv.base);
    const l = await c.login('admin', ADMIN_PASSWORD);
    const r = await c.get('/session');
    assert.equal(r.status, 200, r.text);
    assertUser(r.json.user, 'admin');
    assert.equal(r.json.user.id, l.json.user.id);
    assert.equal(typeof r.json.csrf, 'string');
    assert.ok(r.json.csrf.length > 0);
    // the token from GET /session works for a state change
    const d = await c.request('DELETE', '/session', undefined, { 'X-CSRF-Token': r.json.csrf });
    assert.equal(d.status, 204, d.text);
  });

  test('two logins are two sessions with different cookies and tokens', async () => {
    const a = new Client(srv.base);
    const b = new Client(srv.base);
    await a.login('admin', ADMIN_PASSWORD);
    await b.login('admin', ADMIN_PASSWORD);
    assert.notEqual(a.cookie, b.cookie, 'session ids must differ');
    assert.notEqual(a.csrf, b.csrf, 'csrf tokens must differ per session');
    assert.equal((await a.del('/session')).status, 204);
    assert.equal((await b.get('/session')).status, 200, 'logging out one session keeps the other');
    assert.equal((await b.del('/session')).status, 204);
  });

  test('wrong password and unknown user -> 401 bad_credentials with the same message', async () => {
    const c = new Client(srv.base);
    const wrong = await c.login('admin', 'not-the-password');
    assertError(wrong, 401, 'bad_credentials');
    assert.equal(wrong.headers.get('set-cookie'), null, 'no cookie on a failed login');
    const unknown = await c.login('nobody-here', 'not-the-password');
    assertError(unknown, 401, 'bad_credentials');
    assert.equal(unknown.json.error.message, wrong.json.error.message, 'messages must not reveal whether the user exists');
    assert.equal(c.cookie, null);
  });

  test('login without username or password -> 400 invalid_field', async () => {
    const c = new Client(srv.base);
    assertError(await c.request('POST', '/session', { password: 'x-password-1' }), 400, 'invalid_field', 'username');
    assertError(await c.request('POST', '/session', { username: 'admin' }), 400, 'invalid_field', 'password');
    assertError(await c.request('POST', '/session', { username: 7, password: 'x' }), 400, 'invalid_field', 'username');
  });

  test('GET /session without or with a bogus cookie -> 401 unauthenticated', async () => {
    assertError(await new Client(srv.base).get('/session'), 401, 'unauthenticated');
    const c = new Client(srv.base);
    c.cookie = 'xf_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    assertError(await c.get('/session'), 401, 'unauthenticated');
    c.cookie = 'xf_session=';
    assertError(await c.get('/session'), 401, 'unauthenticated');
    assertError(await new Client(srv.base).get('/units'), 401, 'unauthenticated');
    assertError(await new Client(srv.base).get('/users'), 401, 'unauthenticated');
  });

  test('DELETE /session -> 204 and the old cookie then gets 401', async () => {
    const c = new Client(srv.base);
    await c.login('admin', ADMIN_PASSWORD);
    const old = sameSessionNoToken(c);
    const r = await c.del('/session');
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '', '204 has no body');
    assertError(await old.get('/session'), 401, 'unauthenticated');
    assertError(await old.get('/units'), 401, 'unauthenticated');
    const again = await old.request('DELETE', '/session', undefined, { 'X-CSRF-Token': c.csrf });
    assert.equal(again.status, 401, `second logout with the dead cookie: ${again.status}`);
  });

  describe('CSRF', () => {
    let admin;
    let rootId;
    before(async () => {
      admin = new Client(srv.base);
      assert.equal((await admin.login('admin', ADMIN_PASSWORD)).status, 200);
      rootId = (await admin.get('/units')).json.units[0].id;
    });

    test('POST /units without or with a wrong X-CSRF-Token -> 403 csrf and nothing created', async () => {
      const before = (await admin.get('/units')).json.units;
      const body = { name: 'csrf-probe', kind: 'department', parent_id: rootId };
      assertError(await sameSessionNoToken(admin).post('/units', body), 403, 'csrf');
      assertError(await admin.post('/units', body, { 'X-CSRF-Token': 'wrong-token' }), 403, 'csrf');
      assertError(await admin.post('/units', body, { 'X-CSRF-Token': '' }), 403, 'csrf');
      assertError(await admin.post('/units', body, { 'X-CSRF-Token': admin.csrf + 'x' }), 403, 'csrf');
      const after = (await admin.get('/units')).json.units;
      assert.deepEqual(after, before, 'units unchanged');
      // positive control: the right token works
      const ok = await admin.post('/units', body);
      assert.equal(ok.status, 201, ok.text);
    });

    test('the csrf token of another session is refused', async () => {
      const other = new Client(srv.base);
      await other.login('admin', ADMIN_PASSWORD);
      const body = { name: 'csrf-cross', kind: 'team', parent_id: rootId };
      assertError(await admin.post('/units', body, { 'X-CSRF-Token': other.csrf }), 403, 'csrf');
      assert.ok(!(await admin.get('/units')).json.units.some((u) => u.name === 'csrf-cross'));
      await other.del('/session');
    });

    test('PATCH /users/1 without or with a wrong token -> 403 csrf and the user unchanged', async () => {
      const before = (await admin.get('/users/1')).json;
      assert.equal(before.id, 1);
      assertError(await sameSessionNoToken(admin).patch('/users/1', { name: 'csrf changed' }), 403, 'csrf');
      assertError(await admin.patch('/users/1', { name: 'csrf changed' }, { 'X-CSRF-Token': 'nope' }), 403, 'csrf');
      assert.deepEqual((await admin.get('/users/1')).json, before, 'user 1 unchanged');
    });

    test('DELETE /session without or with a wrong token -> 403 csrf and the session lives', async () => {
      assertError(await sameSessionNoToken(admin).del('/session'), 403, 'csrf');
      assertError(await admin.del('/session', { 'X-CSRF-Token': 'nope' }), 403, 'csrf');
      const r = await admin.get('/session');
      assert.equal(r.status, 200, 'session still valid');
    });
  });
});

describe('one-time admin password', () => {
  let srv;
  let otp;
  let restarted = null; // the second server process of the restart test
  before(async () => {
    srv = servers.fresh;
    otp = srv.oneTimePassword || await waitForOneTimePassword(srv);
  });
  after(async () => {
    if (restarted && restarted.exitCode === null) {
      const exited = new Promise((r) => restarted.once('exit', r));
      restarted.kill('SIGTERM');
      const t = setTimeout(() => restarted.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
  });

  test('the server prints a one-time password and forces a change before anything else', async () => {
    assert.ok(otp, `no "one-time password: ..." in server output:\n${srv.output()}`);
    const c = new Client(srv.base);
    const l = await c.login('admin', otp);
    assert.equal(l.status, 200, l.text);
    assert.equal(l.json.user.must_change_password, true);

    assertError(await c.get('/users'), 403, 'password_change_required');
    assertError(await c.get('/units'), 403, 'password_change_required');
    assertError(await c.get('/audit'), 403, 'password_change_required');
    assertError(await c.post('/units', { name: 'x', kind: 'team', parent_id: 1 }), 403, 'password_change_required');
    const s = await c.get('/session');
    assert.equal(s.status, 200, 'GET /session is allowed before the change');
    assert.equal(s.json.user.must_change_password, true);
    const other = new Client(srv.base);
    assert.equal((await other.login('admin', otp)).status, 200);
    const out = await other.del('/session');
    assert.equal(out.status, 204, `DELETE /session is allowed before the change: ${out.status} ${out.text}`);

    assertError(await c.post('/session/password', { old_password: otp, new_password: 'short' }),
      400, 'invalid_field', 'new_password');
    assertError(await c.post('/session/password', { old_password: otp, new_password: otp }),
      400, 'invalid_field', 'new_password');
    const wrongOld = await c.post('/session/password', { old_password: 'definitely-wrong-1', new_password: 'a-brand-new-pass-1' });
    assert.ok(wrongOld.status === 400 || wrongOld.status === 403, `wrong old password: ${wrongOld.status} ${wrongOld.text}`);
    assertError(wrongOld, wrongOld.status, wrongOld.json && wrongOld.json.error ? wrongOld.json.error.code : '?', 'old_password');
    assertError(await c.post('/session/password', { old_password: otp }), 400, 'invalid_field', 'new_password');
    // still unchanged: the one-time password still logs in
    assert.equal((await new Client(srv.base).login('admin', otp)).status, 200, 'failed changes kept the one-time password');

    const ch = await c.post('/session/password', { old_password: otp, new_password: 'a-brand-new-pass-1' });
    assert.equal(ch.status, 204, ch.text);

    // the changing session is not stuck in password_change_required
    const same = await c.get('/users');
    assert.ok(same.status === 200 || same.status === 401, `same session after change: ${same.status} ${same.text}`);

    assertError(await new Client(srv.base).login('admin', otp), 401, 'bad_credentials');
    const n = new Client(srv.base);
    const nl = await n.login('admin', 'a-brand-new-pass-1');
    assert.equal(nl.status, 200, nl.text);
    assert.equal(nl.json.user.must_change_password, false);
    assert.equal((await n.get('/users')).status, 200);
  });

  test('a second start of the same database prints no new password', async () => {
    // restart the server on the same DB: the admin exists, no one-time password again
    const { spawn } = require('node:child_process');
    if (srv.child.exitCode === null) {
      await new Promise((resolve) => {
        srv.child.once('exit', resolve);
        srv.child.kill('SIGTERM');
      });
    }
    const env = { ...process.env, XINFANG_DB: srv.db, XINFANG_DATA_DIR: srv.dir, XINFANG_LISTEN: `127.0.0.1:${srv.port}` };
    delete env.XINFANG_ADMIN_PASSWORD;
    const child = spawn(require('../lib/server.js').binary, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    restarted = child;
    const deadline = Date.now() + 10000;
    for (;;) {
      try { if ((await fetch(srv.base + '/api/v1/health')).ok) break; } catch (_) { /* not up */ }
      assert.ok(Date.now() < deadline, `restart failed:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.doesNotMatch(out, /one-time password/, `a restart must not print a new one-time password:\n${out}`);
    const c = new Client(srv.base);
    const l = await c.login('admin', 'a-brand-new-pass-1');
    assert.equal(l.status, 200, `the changed password survives a restart: ${l.status} ${l.text}\n${out}`);
  });
});

describe('throttling per account', () => {
  let srv;
  before(() => { srv = servers.account; });

  test('repeated wrong passwords -> 429 throttled with Retry-After; then even the right one', async () => {
    const c = new Client(srv.base);
    let r;
    let failures = 0;
    for (let i = 0; i < 30; i++) {
      r = await c.login('admin', `wrong-password-${i}`);
      if (r.status === 429) break;
      assertError(r, 401, 'bad_credentials');
      failures++;
    }
    assert.ok(failures >= 3, `throttled after only ${failures} failures`);
    assertError(r, 429, 'throttled');
    const ra = r.headers.get('retry-after');
    assert.match(ra || '', /^\d+$/, `Retry-After must be whole seconds, got ${ra}`);
    assert.ok(Number(ra) > 0, `Retry-After > 0, got ${ra}`);
    const right = await c.login('admin', ADMIN_PASSWORD);
    assertError(right, 429, 'throttled');
    assert.equal(right.headers.get('set-cookie'), null, 'no session while throttled');
    assert.match(right.headers.get('retry-after') || '', /^[1-9]\d*$/);
  });
});

describe('throttling per client address', () => {
  let srv;
  before(() => { srv = servers.address; });

  test('failed logins across many usernames from one address -> 429 throttled', async () => {
    const c = new Client(srv.base);
    let r;
    let failures = 0;
    for (let i = 0; i < 100; i++) {
      r = await c.login(`someone${i}`, 'wrong-password');
      if (r.status === 429) break;
      assertError(r, 401, 'bad_credentials');
      failures++;
    }
    assertError(r, 429, 'throttled');
    assert.ok(failures >= 3, `throttled after only ${failures} failures`);
    assert.match(r.headers.get('retry-after') || '', /^[1-9]\d*$/, `Retry-After: ${r.headers.get('retry-after')}`);
    assertError(await c.login('yet-another-name', 'wrong-password'), 429, 'throttled');
  });
});

describe('the session cache and recording activity', () => {
  let srv;
  before(() => { srv = servers.touch; });

  // Recording activity writes the session row; a request that read the user just before
  // an administrator disabled them waits for that write until the disabling commits. The
  // session cache must then not keep the user it read as if it were current.
  test('a disabled user is signed out at once although their requests keep recording activity', async () => {
    const admin = new Client(srv.base);
    assert.equal((await admin.login('admin', ADMIN_PASSWORD)).status, 200);
    const rootId = (await admin.get('/units')).json.units[0].id;
    for (let round = 0; round < 5; round++) {
      const made = await admin.post('/users', { username: `busy${round}`, name: `忙碌用户${round}`,
        unit_id: rootId, roles: ['leader'] });
      assert.equal(made.status, 201, made.text);
      const u = new Client(srv.base);
      assert.equal((await u.login(`busy${round}`, made.json.one_time_password)).status, 200);
      let stop = false;
      const busy = Array.from({ length: 4 }, async () => {
        while (!stop) await u.get('/session');
      });
      await new Promise((r) => setTimeout(r, 50));
      const d = await admin.patch(`/users/${made.json.user.id}`, { disabled: true });
      assert.equal(d.status, 200, d.text);
      // From here on the session is over; the busy requests go on meanwhile.
      const statuses = [];
      for (let i = 0; i < 10; i++) statuses.push((await u.get('/session')).status);
      stop = true;
      await Promise.all(busy);
      assert.deepEqual(statuses.filter((st) => st !== 401), [],
        `round ${round}: requests after the disabling were served: ${statuses}`);
    }
  });
});
