// Acknowledged writes survive kill -9: a real server is killed while clients write;
// after a restart on the same database every write that was answered 201 is there,
// and the database and the audit chain check clean (the chain head file included).
// A statement the store cannot prepare (a table dropped behind its back) is a 503,
// and the server keeps running.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const { startServer, Client, binary } = require('../lib/server.js');
const { onPostgres, sql, dbArgs } = require('../lib/db.js');

test('acknowledged writes survive kill -9', async () => {
  const first = await startServer({ adminPassword: 'admin-pass-123456' });
  const acknowledged = [];
  try {
    const admin = new Client(first.base);
    assert.strictEqual((await admin.login('admin', 'admin-pass-123456')).status, 200);
    let stop = false;
    const writer = async (w) => {
      for (let i = 0; !stop; i++) {
        const name = `单位-${w}-${i}`;
        try {
          const r = await admin.post('/units', { name, parent_id: 1, kind: 'team' });
          if (r.status === 201) acknowledged.push(name);
        } catch (_) { return; } // the connection died with the server
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((r) => setTimeout(r, 700));
    await first.stop({ keep: true, signal: 'SIGKILL' });
    stop = true;
    await Promise.all(writers);
  } catch (e) {
    await first.stop();
    throw e;
  }
  assert.ok(acknowledged.length > 10, `only ${acknowledged.length} writes were acknowledged`);

  const second = await startServer({ dir: first.dir, adminPassword: 'admin-pass-123456' });
  try {
    const admin = new Client(second.base);
    assert.strictEqual((await admin.login('admin', 'admin-pass-123456')).status, 200);
    const names = new Set((await admin.get('/units')).json.units.map((u) => u.name));
    const lost = acknowledged.filter((n) => !names.has(n));
    assert.deepStrictEqual(lost, [], 'acknowledged units lost after kill -9');
    const check = spawnSync(binary, ['check', ...dbArgs(second)], { encoding: 'utf8' });
    assert.strictEqual(check.status, 0, check.stderr);
    assert.match(check.stdout, /head file at seq \d+/);
    assert.strictEqual((await admin.get('/audit/verify')).json.ok, true);
  } finally {
    await second.stop();
  }
});

test('a statement the store cannot prepare is a 503, not an exit', async () => {
  const server = await startServer({ adminPassword: 'admin-pass-123456' });
  try {
    const admin = new Client(server.base);
    assert.strictEqual((await admin.login('admin', 'admin-pass-123456')).status, 200);
    // Someone with the database drops a table no statement of the server has used yet.
    sql(server, onPostgres ? 'DROP TABLE contacts CASCADE;' : 'DROP TABLE contacts;');
    const missing = onPostgres ? 'relation "contacts" does not exist' : 'no such table: contacts';
    for (let i = 0; i < 3; i++) {
      const r = await admin.get('/contacts');
      assert.strictEqual(r.status, 503, r.text);
      assert.strictEqual(r.json.error.code, 'unavailable');
      assert.ok(r.json.error.message.includes(missing), r.json.error.message);
    }
    assert.strictEqual((await admin.get('/units')).status, 200);
    assert.strictEqual((await fetch(`${server.base}/api/v1/health`)).status, 200);
    assert.strictEqual(server.child.exitCode, null);
    assert.match(server.output(), new RegExp(`cannot prepare '.*contacts.*': ${missing}`));
  } finally {
    await server.stop();
  }
});
