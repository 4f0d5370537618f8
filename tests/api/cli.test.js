// The command line against a real database: `xinfang check` names a row edited behind
// the server's back (the sqlite3 shell or psql, tests/lib/db.js), finds the newest
// events deleted, an append-only trigger replaced by a no-op of the same name, an extra
// trigger on events and a missing head file; it runs while another process holds the
// write lock; `xinfang backup` copies a database that the server is writing to (pg_dump
// on PostgreSQL), the copy (restored, on PostgreSQL) has the same audit-chain head and
// carries its head file; and every subcommand answers --help. On PostgreSQL also: a
// disabled trigger, a rule on events and a replaced xf_refuse fail check, and two
// servers on one database keep one head file in the shared data directory that never
// goes back.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, Client, binary } = require('../lib/server.js');
const { onPostgres, sql, headFile, dbArgs, triggers, holdWriteLock, restoreBackup } = require('../lib/db.js');

function run(args, input) {
  const r = spawnSync(binary, args, { encoding: 'utf8', input, env: { ...process.env, XINFANG_DB: '' } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

// The copy a backup makes is a file for SQLite, a pg_dump archive for PostgreSQL.
const COPY = onPostgres ? 'copy.dump' : 'copy.db';

// A server with an admin signed in and a few events written.
async function serverWithEvents() {
  const server = await startServer({ adminPassword: 'admin-pass-123456' });
  const admin = new Client(server.base);
  assert.strictEqual((await admin.login('admin', 'admin-pass-123456')).status, 200);
  for (let i = 0; i < 5; i++) {
    assert.strictEqual((await admin.post('/units', { name: `单位${i}`, parent_id: 1, kind: 'team' })).status, 201);
  }
  return { server, admin };
}

test('every subcommand answers --help', () => {
  for (const args of [['serve'], ['init'], ['user', 'add'], ['user', 'passwd'], ['user', 'list'],
    ['user', 'disable'], ['user', 'roles'], ['unit', 'add'], ['unit', 'list'], ['backup'],
    ['check'], ['version']]) {
    const r = run([...args, '--help']);
    assert.strictEqual(r.status, 0, `${args.join(' ')} --help: ${r.err}`);
    assert.match(r.out, new RegExp(`^usage: xinfang ${args.join(' ')}`), args.join(' '));
  }
  assert.notStrictEqual(run(['frobnicate']).status, 0);
});

test('backup while the server writes, then check finds a tampered row', async () => {
  const server = await startServer({ adminPassword: 'admin-pass-123456' });
  try {
    const admin = new Client(server.base);
    assert.strictEqual((await admin.login('admin', 'admin-pass-123456')).status, 200);
    // Keep writing while the backup runs.
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const r = await admin.post('/units', { name: `单位${i}`, parent_id: 1, kind: 'team' });
        assert.strictEqual(r.status, 201);
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    const copy = path.join(server.dir, COPY);
    const backup = run(['backup', copy, ...dbArgs(server)]);
    writing = false;
    await writer;
    assert.strictEqual(backup.status, 0, backup.err);
    if (onPostgres) assert.match(backup.out, /with pg_dump \(custom format: restore with pg_restore/);
    assert.match(run(['backup', copy, ...dbArgs(server)]).err, /exists; not overwriting it/);
    const restored = restoreBackup(copy);
    const checked = run(['check', '--db', restored.db, '--data-dir', restored.dir]);
    restored.drop();
    assert.strictEqual(checked.status, 0, checked.err);
    const head = /head ([0-9a-f]{64})/.exec(checked.out)[1];
    const seq = /(\d+) events/.exec(checked.out)[1];
    // The copy's head is the live chain's hash at that sequence number.
    const page = await admin.get(`/audit?after=${Number(seq) - 1}&limit=1`);
    assert.strictEqual(page.json.events[0].hash, head);

    const live = run(['check', ...dbArgs(server)]);
    assert.strictEqual(live.status, 0, live.err);

    // Edit an event with the sqlite3 shell or psql, the way someone would behind our back.
    sql(server, triggers.drop('events_append_only_update') +
      " UPDATE events SET actor = 'mallory' WHERE seq = 3;" +
      ` ${triggers.appendOnly('events_append_only_update', 'UPDATE')}`);
    const bad = run(['check', ...dbArgs(server)]);
    assert.strictEqual(bad.status, 1);
    assert.match(bad.err, /events row seq=3: hash does not match/);
    const verify = await admin.get('/audit/verify');
    assert.strictEqual(verify.json.ok, false);
    assert.strictEqual(verify.json.bad_seq, 3);

    // Without the trigger, check says so even before it walks the chain.
    sql(server, triggers.drop('events_append_only_delete'));
    assert.match(run(['check', ...dbArgs(server)]).err, /events_append_only_delete/);
  } finally {
    await server.stop();
  }
});

test('check finds the newest events deleted, even after the server wrote again', async () => {
  const { server, admin } = await serverWithEvents();
  try {
    // The server's head writer follows the commits within moments.
    const last = Number(sql(server, 'SELECT max(seq) FROM events'));
    for (let i = 0; i < 40 && !fs.readFileSync(headFile(server), 'utf8').includes(` ${last} `); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.strictEqual(run(['check', ...dbArgs(server)]).status, 0);
    // Cut the chain short and put the trigger back exactly as it was: the chain that
    // is left is whole, only shorter.
    sql(server, triggers.drop('events_append_only_delete') +
      ` DELETE FROM events WHERE seq > ${last - 3};` +
      ` ${triggers.appendOnly('events_append_only_delete', 'DELETE')}`);
    const cut = run(['check', ...dbArgs(server)]);
    assert.strictEqual(cut.status, 1, cut.out);
    assert.match(cut.err, new RegExp(`events end at seq=${last - 3} but the head file records seq=${last}`));
    // The server appends again, past the recorded head (new rows where the removed
    // ones were): the head file is not moved over the gap.
    for (let i = 0; i < 4; i++) {
      assert.strictEqual((await admin.post('/units', { name: `之后${i}`, parent_id: 1, kind: 'team' })).status, 201);
    }
    assert.ok(Number(sql(server, 'SELECT max(seq) FROM events')) > last);
    const after = run(['check', ...dbArgs(server)]);
    assert.strictEqual(after.status, 1, after.out);
    assert.match(after.err, new RegExp(`events row seq=${last} is not the one the head file records`));
    assert.match(server.output(), /head file .* is kept as evidence/);
  } finally {
    await server.stop();
  }
});

test('check finds an append-only trigger replaced by a no-op of the same name, or an extra trigger', async () => {
  const { server } = await serverWithEvents();
  try {
    sql(server, triggers.drop('events_append_only_delete') +
      ` ${triggers.noop('events_append_only_delete', 'DELETE')}`);
    const noop = run(['check', ...dbArgs(server)]);
    assert.strictEqual(noop.status, 1, noop.out);
    assert.match(noop.err, /trigger events_append_only_delete that keeps events append-only has been replaced/);

    sql(server, triggers.drop('events_append_only_delete') +
      ` ${triggers.appendOnly('events_append_only_delete', 'DELETE')}` +
      ` ${triggers.swallowInserts('events_swallow')}`);
    const extra = run(['check', ...dbArgs(server)]);
    assert.strictEqual(extra.status, 1, extra.out);
    assert.match(extra.err, /unexpected trigger 'events_swallow' on events/);
  } finally {
    await server.stop();
  }
});

test('a change whose event a trigger swallows is not committed', async () => {
  const { server, admin } = await serverWithEvents();
  try {
    const events = sql(server, 'SELECT count(*) FROM events');
    sql(server, triggers.swallowInserts('events_swallow'));
    const r = await admin.post('/units', { name: '无痕', parent_id: 1, kind: 'team' });
    assert.ok(r.status >= 500, `status ${r.status}`);
    assert.strictEqual(sql(server, "SELECT count(*) FROM units WHERE name = '无痕'"), '0');
    assert.strictEqual(sql(server, 'SELECT count(*) FROM events'), events);
  } finally {
    await server.stop();
  }
});

test('check says when the head file is missing; a backup carries its own', async () => {
  const { server } = await serverWithEvents();
  let restored;
  try {
    // The server's head writer follows the commits within moments.
    const head = headFile(server);
    const last = sql(server, 'SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').split('|');
    let text = '';
    for (let i = 0; i < 40 && text !== `xinfang-head-v1 ${last[0]} ${last[1]}\n`; i++) {
      await new Promise((r) => setTimeout(r, 50));
      text = fs.readFileSync(head, 'utf8');
    }
    assert.strictEqual(text, `xinfang-head-v1 ${last[0]} ${last[1]}\n`);

    const copy = path.join(server.dir, COPY);
    const backup = run(['backup', copy, ...dbArgs(server)]);
    assert.strictEqual(backup.status, 0, backup.err);
    assert.match(fs.readFileSync(`${copy}.head`, 'utf8'), /^xinfang-head-v1 \d+ [0-9a-f]{64}\n$/);
    restored = restoreBackup(copy);
    const checkCopy = () => run(['check', '--db', restored.db, '--data-dir', restored.dir]);
    const checked = checkCopy();
    assert.strictEqual(checked.status, 0, checked.err);
    assert.match(checked.out, /head file at seq \d+/);

    fs.unlinkSync(restored.head);
    const missing = checkCopy();
    assert.strictEqual(missing.status, 1);
    assert.match(missing.err, new RegExp(`head file '.*${path.basename(restored.head).replace(/\./g, '\\.')}' is missing`));

    fs.writeFileSync(restored.head, 'nonsense\n');
    const garbled = checkCopy();
    assert.strictEqual(garbled.status, 1);
    assert.match(garbled.err, /is not one line 'xinfang-head-v1 SEQ HASH'/);
  } finally {
    if (restored) restored.drop();
    await server.stop();
  }
});

test('check runs while another process holds the write lock', async () => {
  const { server } = await serverWithEvents();
  try {
    // The sqlite3 shell (or psql) takes the write lock, writes, and keeps it for 6 s.
    const holder = holdWriteLock(server, 6);
    const exited = new Promise((r) => holder.once('exit', r));
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    const checked = run(['check', ...dbArgs(server)]);
    const took = Date.now() - started;
    assert.strictEqual(checked.status, 0, checked.err);
    assert.ok(took < 4000, `check took ${took} ms`);
    assert.strictEqual(holder.exitCode, null, 'the lock was released before check ran');
    assert.strictEqual(await exited, 0, 'the sqlite3 shell or psql failed');
  } finally {
    await server.stop();
  }
});

test('on PostgreSQL check finds a disabled trigger, a rule on events and a replaced xf_refuse',
  { skip: !onPostgres && 'PostgreSQL only: SQLite has no disabled triggers, rules or trigger functions' },
  async () => {
    const { server } = await serverWithEvents();
    try {
      const check = () => run(['check', ...dbArgs(server)]);
      assert.strictEqual(check().status, 0);
      // Without the data directory there is no head file to compare: check refuses.
      assert.match(run(['check', '--db', server.db]).err, /needs its data directory/);

      sql(server, 'ALTER TABLE events DISABLE TRIGGER events_append_only_delete;');
      assert.match(check().err, /trigger 'events_append_only_delete' on events is disabled/);
      sql(server, 'ALTER TABLE events ENABLE REPLICA TRIGGER events_append_only_delete;');
      assert.match(check().err, /events_append_only_delete that keeps events append-only is not enabled/);
      sql(server, 'ALTER TABLE events ENABLE TRIGGER events_append_only_delete;');
      assert.strictEqual(check().status, 0);

      // Foreign keys are triggers too on PostgreSQL.
      sql(server, 'ALTER TABLE units DISABLE TRIGGER ALL;');
      assert.match(check().err, /trigger 'RI_ConstraintTrigger_\w+' on units is disabled/);
      sql(server, 'ALTER TABLE units ENABLE TRIGGER ALL;');

      sql(server, 'CREATE RULE events_hide AS ON INSERT TO events DO INSTEAD NOTHING;');
      assert.match(check().err, /unexpected rule 'events_hide' on events/);
      sql(server, 'DROP RULE events_hide ON events;');

      // The triggers as they were, calling a function that no longer refuses.
      sql(server, 'CREATE OR REPLACE FUNCTION xf_refuse() RETURNS trigger LANGUAGE plpgsql' +
        ' AS $$ BEGIN RETURN OLD; END $$;');
      const replaced = check();
      assert.strictEqual(replaced.status, 1, replaced.out);
      assert.match(replaced.err, /that keeps events append-only has been replaced: .* calling ' BEGIN RETURN OLD; END '/);
    } finally {
      await server.stop();
    }
  });

test('two servers on one PostgreSQL database keep one head file that never goes back',
  { skip: !onPostgres && 'PostgreSQL only: one SQLite file has one server' },
  async () => {
    const first = await startServer({ adminPassword: 'admin-pass-123456' });
    let second;
    try {
      // The second server shares the database and the data directory.
      second = await startServer({ dir: first.dir, adminPassword: 'admin-pass-123456' });
      const clients = [];
      for (const srv of [first, second]) {
        const c = new Client(srv.base);
        assert.strictEqual((await c.login('admin', 'admin-pass-123456')).status, 200);
        clients.push(c);
      }
      // Both write at once; every commit hands its head to its server's head writer.
      let highest = 0;
      const seen = [];
      const watcher = setInterval(() => {
        let text = '';
        try { text = fs.readFileSync(headFile(first), 'utf8'); } catch (_) { /* not yet written */ }
        const m = /^xinfang-head-v1 (\d+) /.exec(text);
        if (m) seen.push(Number(m[1]));
      }, 5);
      await Promise.all(clients.map(async (c, k) => {
        for (let i = 0; i < 60; i++) {
          const r = await c.post('/units', { name: `进程${k}-${i}`, parent_id: 1, kind: 'team' });
          assert.strictEqual(r.status, 201);
        }
      }));
      await new Promise((r) => setTimeout(r, 300));
      clearInterval(watcher);
      for (const seq of seen) {
        assert.ok(seq >= highest, `the head file went back from ${highest} to ${seq}`);
        highest = seq;
      }
      const last = sql(first, 'SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').split('|');
      assert.strictEqual(fs.readFileSync(headFile(first), 'utf8'), `xinfang-head-v1 ${last[0]} ${last[1]}\n`);
      const checked = run(['check', ...dbArgs(first)]);
      assert.strictEqual(checked.status, 0, checked.err);
      assert.match(checked.out, new RegExp(`head file at seq ${last[0]}`));
    } finally {
      if (second) await second.stop({ keep: true });
      await first.stop();
    }
  });

test('user and unit commands write audit events and keep the chain whole', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinfang-cli-'));
  const db = path.join(dir, 'x.db');
  try {
    const init = run(['init', '--db', db]);
    assert.strictEqual(init.status, 0, init.err);
    assert.match(init.out, /one-time password: \S{16}/);
    assert.strictEqual(run(['unit', 'add', '保卫科', '--parent', '1', '--db', db]).status, 0);
    const add = run(['user', 'add', 'wang', '--name', '王五', '--unit', '2', '--roles', 'dispatch,official', '--db', db]);
    assert.strictEqual(add.status, 0, add.err);
    assert.match(add.out, /one-time password: \S{16}/);
    assert.notStrictEqual(run(['user', 'add', 'wang', '--name', 'x', '--unit', '2', '--roles', 'dispatch', '--db', db]).status, 0);
    assert.match(run(['user', 'roles', 'wang', 'nope', '--db', db]).err, /unknown role 'nope'/);
    assert.strictEqual(run(['user', 'roles', 'wang', 'leader', '--db', db]).status, 0);
    assert.strictEqual(run(['user', 'passwd', 'wang', '--password-stdin', '--db', db], 'a-long-password-1\n').status, 0);
    assert.match(run(['user', 'passwd', 'wang', '--password-stdin', '--db', db], 'short\n').err, /at least 10 characters/);
    assert.strictEqual(run(['user', 'disable', 'wang', '--db', db]).status, 0);
    const list = run(['user', 'list', '--db', db]);
    assert.match(list.out, /wang.*disabled.*\["leader"\]/);
    assert.match(run(['unit', 'list', '--db', db]).out, /保卫科/);
    const check = run(['check', '--db', db]);
    assert.strictEqual(check.status, 0, check.err);
    assert.match(check.out, /audit chain ok: 7 events/);
    // Commits from the command line move the head file too.
    assert.match(fs.readFileSync(`${db}.head`, 'utf8'), /^xinfang-head-v1 7 [0-9a-f]{64}\n$/);
    assert.match(check.out, /head file at seq 7/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('plan check names the JSON path of each problem; serve refuses an invalid plan', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinfang-plan-'));
  try {
    const good = path.join(__dirname, '..', '..', 'plans', 'coal-mine.json');
    const ok = run(['plan', 'check', good]);
    assert.strictEqual(ok.status, 0, ok.err);
    assert.match(ok.out, /is valid; version [0-9a-f]{64}/);

    const plan = JSON.parse(fs.readFileSync(good, 'utf8'));
    plan.grades[0].due_percent = 'fast';
    plan.procedures[1].steps[1].owner = { role: 'boss' };
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify(plan));
    const checked = run(['plan', 'check', bad]);
    assert.strictEqual(checked.status, 1);
    assert.match(checked.err, /grades\[0\]\.due_percent: must be an integer/);
    assert.match(checked.err, /procedures\[1\]\.steps\[1\]\.owner: unknown role 'boss'/);

    const serve = spawnSync(binary, ['serve', '--plan', bad, '--db', path.join(dir, 'x.db'),
      '--listen', '127.0.0.1:1'], { encoding: 'utf8', timeout: 10000,
      env: { ...process.env, XINFANG_ADMIN_PASSWORD: 'admin-pass-123456' } });
    assert.strictEqual(serve.status, 1);
    assert.match(serve.stderr, /the plan is invalid; not starting/);
    assert.match(serve.stderr, /unknown role 'boss'/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
