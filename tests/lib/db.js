// SQL on a test server's database behind the server's back, as someone with access to
// the database would: the sqlite3 shell on a SQLite file, psql on a PostgreSQL URL
// (srv.db is then the URL, tests/lib/server.js). Both print a row as one line with
// its columns joined by '|'. Where the two dialects differ (triggers, holding the
// write lock) the statement for the engine under test is made here, so that a test
// says once what it does to the database.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const onPostgres = process.env.XF_TEST_ENGINE === 'postgresql';

// The write lock's advisory lock key on PostgreSQL, as the store takes it.
function writeLockKey() {
  const header = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'store', 'xf_sql.h'), 'utf8');
  const m = /#define XF_SQL_WRITE_LOCK_KEY (0x[0-9a-fA-F]+)LL/.exec(header);
  if (!m) throw new Error('XF_SQL_WRITE_LOCK_KEY not found in src/store/xf_sql.h');
  return BigInt(m[1]).toString();
}

// Runs statement (one or more, ';'-separated); { status, out, err }, out trimmed.
function trySql(srv, statement) {
  const r = onPostgres
    ? spawnSync('psql', [srv.db, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', statement], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-bail', '-cmd', '.timeout 5000', srv.db, statement], { encoding: 'utf8' });
  return { status: r.status, out: (r.stdout || '').trim(), err: r.stderr || '' };
}

// Runs statement and returns its output ("a|b" lines); throws when it fails.
function sql(srv, statement) {
  const r = trySql(srv, statement);
  if (r.status !== 0) throw new Error(`${onPostgres ? 'psql' : 'sqlite3'} failed on ${statement}: ${r.err}`);
  return r.out;
}

// The head file of the server's database (docs/audit.md): beside a SQLite file, in the
// data directory on PostgreSQL.
function headFile(srv) {
  return onPostgres ? path.join(srv.dir, 'audit.head') : `${srv.db}.head`;
}

// The options that point `xinfang check` (and backup) at the server's database.
function dbArgs(srv) {
  return ['--db', srv.db, '--data-dir', srv.dir];
}

const APPEND_ONLY = 'events are append-only';

// Statements on the triggers of events, in the dialect of the engine under test.
const triggers = {
  drop(name) {
    return onPostgres ? `DROP TRIGGER ${name} ON events;` : `DROP TRIGGER ${name};`;
  },
  // An append-only trigger exactly as migration 1 made it; op is UPDATE or DELETE.
  appendOnly(name, op) {
    return onPostgres
      ? `CREATE TRIGGER ${name} BEFORE ${op} ON events FOR EACH ROW EXECUTE FUNCTION xf_refuse('${APPEND_ONLY}');`
      : `CREATE TRIGGER ${name} BEFORE ${op} ON events BEGIN SELECT RAISE(ABORT, '${APPEND_ONLY}'); END;`;
  },
  // A trigger called name on op that lets every row through.
  noop(name, op) {
    return onPostgres
      ? 'CREATE OR REPLACE FUNCTION xf_test_noop() RETURNS trigger LANGUAGE plpgsql AS' +
        ' $$ BEGIN RETURN OLD; END $$;' +
        ` CREATE TRIGGER ${name} BEFORE ${op} ON events FOR EACH ROW EXECUTE FUNCTION xf_test_noop();`
      : `CREATE TRIGGER ${name} BEFORE ${op} ON events BEGIN SELECT 1; END;`;
  },
  // A trigger called name that silently drops every new event.
  swallowInserts(name) {
    return onPostgres
      ? 'CREATE OR REPLACE FUNCTION xf_test_swallow() RETURNS trigger LANGUAGE plpgsql AS' +
        ' $$ BEGIN RETURN NULL; END $$;' +
        ` CREATE TRIGGER ${name} BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION xf_test_swallow();`
      : `CREATE TRIGGER ${name} BEFORE INSERT ON events BEGIN SELECT RAISE(IGNORE); END;`;
  },
};

// Another process takes the database's write lock, inserts a unit and keeps the lock
// for `seconds`; the child process (it exits 0 when all went well).
function holdWriteLock(srv, seconds) {
  const insert = "INSERT INTO units (parent_id, name, kind, created_at) VALUES (1, '锁', 'team', '2026-01-01T00:00:00.000Z');";
  if (onPostgres) {
    const holder = spawn('psql', [srv.db, '-qAt', '-v', 'ON_ERROR_STOP=1'], { stdio: ['pipe', 'ignore', 'pipe'] });
    holder.stdin.end(`BEGIN; SELECT pg_advisory_xact_lock(${writeLockKey()}); ${insert}\n` +
      `SELECT pg_sleep(${seconds}); COMMIT;\n`);
    return holder;
  }
  const holder = spawn('sqlite3', ['-bail', srv.db], { stdio: ['pipe', 'ignore', 'pipe'] });
  holder.stdin.end(`BEGIN IMMEDIATE; ${insert}\n.system sleep ${seconds}\nCOMMIT;\n`);
  return holder;
}

let restores = 0;

// A database made again from the file `xinfang backup` wrote, as docs/audit.md says to
// restore it: { db, dir, head, drop() } for `check --db db --data-dir dir`, head being
// where its head file is. SQLite: the copy itself with FILE.head beside it; PostgreSQL:
// a new database filled by pg_restore, and FILE.head copied into a data directory.
function restoreBackup(file) {
  if (!onPostgres) return { db: file, dir: path.dirname(file), head: `${file}.head`, drop() {} };
  const server = process.env.XF_TEST_PG_URL;
  const name = `xf_test_restore_${process.pid}_${Date.now()}_${restores++}`;
  spawnSync('psql', [server, '-qAtc', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
  const db = server.replace(/\/postgres\?/, `/${name}?`);
  const r = spawnSync('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', db, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_restore failed: ${r.stderr}`);
  const dir = fs.mkdtempSync(path.join(path.dirname(file), 'restored-'));
  const head = path.join(dir, 'audit.head');
  if (fs.existsSync(`${file}.head`)) fs.copyFileSync(`${file}.head`, head);
  return {
    db, dir, head,
    drop() {
      spawnSync('psql', [server, '-qAtc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'pipe' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { restoreBackup,  onPostgres, sql, trySql, headFile, dbArgs, triggers, holdWriteLock, writeLockKey };
