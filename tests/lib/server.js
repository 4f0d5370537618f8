// Starts a real xinfang server on a free loopback port with a temporary database,
// for the API and browser tests, and gives them a small cookie-aware client (accounts,
// units and the rest of the set-up: tests/lib/fixtures.js).
//
// The database is a SQLite file in the server's directory, or, with XF_TEST_ENGINE=
// postgresql, a new database of the PostgreSQL server at XF_TEST_PG_URL (scripts/pg-test)
// whose name is kept in the directory, so that a server started again on the same
// directory finds it; stop() drops it with the directory.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');

const root = path.resolve(__dirname, '..', '..');
const binary = process.env.XF_BIN || path.join(root, 'build', 'xinfang');
const onPostgres = process.env.XF_TEST_ENGINE === 'postgresql';

// The server's PostgreSQL URL for a test directory, making its database on first use.
function postgresDatabase(dir) {
  const server = process.env.XF_TEST_PG_URL;
  if (!server) throw new Error('XF_TEST_ENGINE=postgresql needs XF_TEST_PG_URL (scripts/pg-test run)');
  const file = path.join(dir, 'pg-database');
  let name = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null;
  if (!name) {
    name = `xf_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    execFileSync('psql', [server, '-qAtc', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
    fs.writeFileSync(file, name);
  }
  return server.replace(/\/postgres\?/, `/${name}?`);
}

function dropPostgresDatabase(dir) {
  const file = path.join(dir, 'pg-database');
  if (!onPostgres || !fs.existsSync(file)) return;
  const name = fs.readFileSync(file, 'utf8').trim();
  execFileSync('psql', [process.env.XF_TEST_PG_URL, '-qAtc',
    `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'pipe' });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Starts the server. With options.adminPassword the admin account gets that password;
// without it the server prints a one-time password, returned as oneTimePassword.
// options.dir reuses a directory (and its database) from an earlier server.
async function startServer(options = {}) {
  const dir = options.dir || fs.mkdtempSync(path.join(os.tmpdir(), 'xinfang-test-'));
  const port = await freePort();
  const database = onPostgres ? postgresDatabase(dir) : path.join(dir, 'xinfang.db');
  const env = { ...process.env, XINFANG_DB: database,
    XINFANG_DATA_DIR: dir, XINFANG_LISTEN: `127.0.0.1:${port}`, ...(options.env || {}) };
  if (options.adminPassword) env.XINFANG_ADMIN_PASSWORD = options.adminPassword;
  else delete env.XINFANG_ADMIN_PASSWORD;
  const child = spawn(binary, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const r = await fetch(`${base}/api/v1/health`);
      if (r.ok) break;
    } catch (_) { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`server did not start:\n${output}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = /one-time password: (\S+)/.exec(output);
  return {
    base, port, dir, db: env.XINFANG_DB, child,
    oneTimePassword: m ? m[1] : null,
    output: () => output,
    // Stops the server; { keep: true } keeps its directory, { signal: 'SIGKILL' } kills.
    async stop({ keep = false, signal = 'SIGTERM' } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill(signal);
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      if (!keep) {
        dropPostgresDatabase(dir);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// A client that keeps the session cookie and sends the CSRF token on state changes.
class Client {
  constructor(base) { this.base = base; this.cookie = null; this.csrf = null; }

  async request(method, urlPath, body, headers = {}) {
    const h = { ...headers };
    // Error messages come in English here, which the tests match; the server's default
    // is Chinese (tests/api/language.test.js asks for each language itself).
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'accept-language')) h['Accept-Language'] = 'en';
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && !('X-CSRF-Token' in h)) h['X-CSRF-Token'] = this.csrf;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      h['content-type'] = h['content-type'] || 'application/json';
    }
    const res = await fetch(this.base + '/api/v1' + urlPath, { method, headers: h, body: payload });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = /xf_session=([^;]*)/.exec(setCookie);
      if (m) this.cookie = m[1] ? `xf_session=${m[1]}` : null;
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (_) { /* not JSON */ }
    return { status: res.status, headers: res.headers, json, text };
  }

  async login(username, password) {
    const r = await this.request('POST', '/session', { username, password });
    if (r.status === 200) this.csrf = r.json.csrf;
    return r;
  }

  get(p, headers) { return this.request('GET', p, undefined, headers); }
  post(p, body, headers) { return this.request('POST', p, body === undefined ? {} : body, headers); }
  patch(p, body, headers) { return this.request('PATCH', p, body, headers); }
  del(p, headers) { return this.request('DELETE', p, undefined, headers); }
}

module.exports = { startServer, Client, freePort, root, binary, onPostgres };
