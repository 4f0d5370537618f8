// The command line against a real database: `xinfang check` names a row edited behind
// the server's back with the sqlite3 shell, finds the newest events deleted, an
// append-only trigger replaced by a no-op of the same name, an extra trigger on events
// and a missing head file; it runs while another process holds the write lock;
// `xinfang backup` copies a database that the server is writing to, the copy has the
// same audit-chain head and carries its head file; and every subcommand answers --help.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, Client, binary } = require('../lib/server.js');

function run(args, input) {
  const r = spawnSync(binary, args, { encoding: 'utf8', input, env: { ...process.env, XINFANG_DB: '' } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

// SQL run with the sqlite3 shell, as someone with the database file would; it never
// touches the search table, whose tokenizer the shell does not have.
function sqlite(db, sql) {
  const r = spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const APPEND_ONLY = "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;";

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
    const copy = path.join(server.dir, 'copy.db');
    const backup = run(['backup', copy, '--db', server.db]);
    writing = false;
    await writer;
    assert.strictEqual(backup.status, 0, backup.err);
    const checked = run(['check', '--db', copy]);
    assert.strictEqual(checked.status, 0, checked.err);
    const head = /head ([0-9a-f]{64})/.exec(checked.out)[1];
    const seq = /(\d+) events/.exec(checked.out)[1];
    // The copy's head is the live chain's hash at that sequence number.
    const page = await admin.get(`/audit?after=${Number(seq) - 1}&limit=1`);
    assert.strictEqual(page.json.events[0].hash, head);

    const live = run(['check', '--db', server.db]);
    assert.strictEqual(live.status, 0, live.err);

    // Edit an event with the sqlite3 shell, the way someone would behind our back.
    const edit = spawnSync('sqlite3', [server.db,
      "DROP TRIGGER events_append_only_update; UPDATE events SET actor = 'mallory' WHERE seq = 3;" +
      " CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events" +
      " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"], { encoding: 'utf8' });
    assert.strictEqual(edit.status, 0, edit.stderr);
    const bad = run(['check', '--db', server.db]);
    assert.strictEqual(bad.status, 1);
    assert.match(bad.err, /events row seq=3: hash does not match/);
    const verify = await admin.get('/audit/verify');
    assert.strictEqual(verify.json.ok, false);
    assert.strictEqual(verify.json.bad_seq, 3);

    // Without the trigger, check says so even before it walks the chain.
    spawnSync('sqlite3', [server.db, 'DROP TRIGGER events_append_only_delete;']);
    assert.match(run(['check', '--db', server.db]).err, /events_append_only_delete/);
  } finally {
    await server.stop();
  }
});

test('check finds the newest events deleted, even after the server wrote again', async () => {
  const { server, admin } = await serverWithEvents();
  try {
    assert.strictEqual(run(['check', '--db', server.db]).status, 0);
    const last = Number(sqlite(server.db, 'SELECT max(seq) FROM events'));
    // Cut the chain short and put the trigger back exactly as it was: the chain that
    // is left is whole, only shorter.
    sqlite(server.db, 'DROP TRIGGER events_append_only_delete;' +
      ` DELETE FROM events WHERE seq > ${last - 3};` +
      ` CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events ${APPEND_ONLY}`);
    const cut = run(['check', '--db', server.db]);
    assert.strictEqual(cut.status, 1, cut.out);
    assert.match(cut.err, new RegExp(`events end at seq=${last - 3} but the head file records seq=${last}`));
    // The server appends again, past the recorded head (new rows where the removed
    // ones were): the head file is not moved over the gap.
    for (let i = 0; i < 4; i++) {
      assert.strictEqual((await admin.post('/units', { name: `之后${i}`, parent_id: 1, kind: 'team' })).status, 201);
    }
    assert.ok(Number(sqlite(server.db, 'SELECT max(seq) FROM events')) > last);
    const after = run(['check', '--db', server.db]);
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
    sqlite(server.db, 'DROP TRIGGER events_append_only_delete;' +
      ' CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events BEGIN SELECT 1; END;');
    const noop = run(['check', '--db', server.db]);
    assert.strictEqual(noop.status, 1, noop.out);
    assert.match(noop.err, /trigger events_append_only_delete that keeps events append-only has been replaced/);

    sqlite(server.db, 'DROP TRIGGER events_append_only_delete;' +
      ` CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events ${APPEND_ONLY}` +
      ' CREATE TRIGGER events_swallow BEFORE INSERT ON events BEGIN SELECT RAISE(IGNORE); END;');
    const extra = run(['check', '--db', server.db]);
    assert.strictEqual(extra.status, 1, extra.out);
    assert.match(extra.err, /unexpected trigger 'events_swallow' on events/);
  } finally {
    await server.stop();
  }
});

test('a change whose event a trigger swallows is not committed', async () => {
  const { server, admin } = await serverWithEvents();
  try {
    const events = sqlite(server.db, 'SELECT count(*) FROM events');
    sqlite(server.db, 'CREATE TRIGGER events_swallow BEFORE INSERT ON events BEGIN SELECT RAISE(IGNORE); END;');
    const r = await admin.post('/units', { name: '无痕', parent_id: 1, kind: 'team' });
    assert.ok(r.status >= 500, `status ${r.status}`);
    assert.strictEqual(sqlite(server.db, "SELECT count(*) FROM units WHERE name = '无痕'"), '0');
    assert.strictEqual(sqlite(server.db, 'SELECT count(*) FROM events'), events);
  } finally {
    await server.stop();
  }
});

test('check says when the head file is missing; a backup carries its own', async () => {
  const { server } = await serverWithEvents();
  try {
    // The server's head writer follows the commits within moments.
    const head = `${server.db}.head`;
    const last = sqlite(server.db, 'SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').split('|');
    let text = '';
    for (let i = 0; i < 40 && text !== `xinfang-head-v1 ${last[0]} ${last[1]}\n`; i++) {
      await new Promise((r) => setTimeout(r, 50));
      text = fs.readFileSync(head, 'utf8');
    }
    assert.strictEqual(text, `xinfang-head-v1 ${last[0]} ${last[1]}\n`);

    const copy = path.join(server.dir, 'copy.db');
    const backup = run(['backup', copy, '--db', server.db]);
    assert.strictEqual(backup.status, 0, backup.err);
    assert.match(fs.readFileSync(`${copy}.head`, 'utf8'), /^xinfang-head-v1 \d+ [0-9a-f]{64}\n$/);
    const checked = run(['check', '--db', copy]);
    assert.strictEqual(checked.status, 0, checked.err);
    assert.match(checked.out, /head file at seq \d+/);

    fs.unlinkSync(`${copy}.head`);
    const missing = run(['check', '--db', copy]);
    assert.strictEqual(missing.status, 1);
    assert.match(missing.err, /head file '.*copy\.db\.head' is missing/);

    fs.writeFileSync(`${copy}.head`, 'nonsense\n');
    const garbled = run(['check', '--db', copy]);
    assert.strictEqual(garbled.status, 1);
    assert.match(garbled.err, /is not one line 'xinfang-head-v1 SEQ HASH'/);
  } finally {
    await server.stop();
  }
});

test('check runs while another process holds the write lock', async () => {
  const { server } = await serverWithEvents();
  try {
    // The sqlite3 shell takes the write lock, writes, and keeps it for 6 s.
    const holder = spawn('sqlite3', ['-bail', server.db], { stdio: ['pipe', 'ignore', 'pipe'] });
    holder.stdin.end("BEGIN IMMEDIATE; INSERT INTO units (parent_id, name, kind, created_at) VALUES (1, '锁', 'team', '2026-01-01T00:00:00.000Z');\n" +
      '.system sleep 6\nCOMMIT;\n');
    const exited = new Promise((r) => holder.once('exit', r));
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    const checked = run(['check', '--db', server.db]);
    const took = Date.now() - started;
    assert.strictEqual(checked.status, 0, checked.err);
    assert.ok(took < 4000, `check took ${took} ms`);
    assert.strictEqual(holder.exitCode, null, 'the lock was released before check ran');
    assert.strictEqual(await exited, 0, 'the sqlite3 shell failed');
  } finally {
    await server.stop();
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
