// Several `xinfang serve` processes on one PostgreSQL database (issue 11 items 3 and 5;
// docs/deploy-group.md): two servers, A and B, on the same database and the same data
// directory. A change made through B reaches a live stream held on A within 1 s (the
// change bus) and A's caches of B's changes are dropped; the overdue scan, running in
// both, appends one task.overdue per late task and does not run while another session
// holds its lease; 1,000 concurrent appends through both
// leave one audit chain with consecutive sequence numbers; sessions and the login
// throttle are shared; and killing one process (SIGKILL) under write load loses no
// acknowledged write while the other goes on answering. PostgreSQL only: on SQLite one
// file has one serving process.
'use strict';
const { test, before, after, describe } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { spawn, spawnSync } = require('node:child_process');
const { startServer, Client, onPostgres, binary } = require('../lib/server.js');
const { ADMIN_PASSWORD, assertError, expectStatus, sleep, setupIncidents, registerActive, auditEvents } =
  require('../lib/fixtures.js');

const SKIP = onPostgres ? false
  : 'several processes on one database need PostgreSQL (XF_TEST_ENGINE=postgresql); one SQLite file has one server';

// A minimal Server-Sent Events reader of GET /api/v1/stream.
class Sse {
  constructor(client) { this.client = client; this.messages = []; this.buf = ''; this.waiters = []; }

  open() {
    const url = new URL(this.client.base + '/api/v1/stream');
    return new Promise((resolve, reject) => {
      const headers = { accept: 'text/event-stream', cookie: this.client.cookie };
      this.req = http.get({ host: url.hostname, port: url.port, path: url.pathname, headers }, (res) => {
        assert.equal(res.statusCode, 200, 'the stream opens');
        res.setEncoding('utf8');
        res.on('data', (d) => this.feed(d));
        res.on('error', () => {});
        resolve(this);
      });
      this.req.on('error', (e) => { if (!this.closed) reject(e); });
    });
  }

  feed(text) {
    this.buf += text;
    let i;
    while ((i = this.buf.indexOf('\n\n')) >= 0) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (data && block.includes('event: incident')) this.messages.push({ at: Date.now(), data: JSON.parse(data.slice(6)) });
    }
    for (const w of this.waiters.splice(0)) w();
  }

  // The first message about the incident, waiting up to timeout ms.
  async message(incidentId, timeout) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const m = this.messages.find((x) => x.data.incident_id === incidentId);
      if (m) return m;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise((r) => { const t = setTimeout(r, left); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }

  close() { this.closed = true; if (this.req) this.req.destroy(); }
}

// The same session (cookie and CSRF token) through another process.
function through(client, srv) {
  const c = new Client(srv.base);
  c.cookie = client.cookie;
  c.csrf = client.csrf;
  c.user = client.user;
  c.password = client.password;
  return c;
}

// Runs n jobs with `width` in flight at once; resolves to their results.
async function pool(n, width, job) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await job(i);
    }
  }));
  return out;
}

let ctx; // server A, its users (setupIncidents)
let srvB;
let po; // 信访办 on A
let auditor;

describe('two server processes on one PostgreSQL database', { skip: SKIP }, () => {
  before(async () => {
    ctx = await setupIncidents({ roles: ['petition_office', 'auditor'] });
    po = ctx.as.petition_office;
    auditor = ctx.as.auditor;
    // B: the same database (the directory's pg-database) and data directory.
    srvB = await startServer({ dir: ctx.srv.dir, adminPassword: ADMIN_PASSWORD,
      env: { XINFANG_OVERDUE_INTERVAL_MS: '300' } });
  });

  after(async () => {
    if (srvB) await srvB.stop({ keep: true });
    if (ctx) await ctx.stop();
  });

  test('(a) an incident registered through B reaches a stream held on A within 1 s', async () => {
    const stream = await new Sse(po).open();
    try {
      const poB = through(po, srvB);
      const latencies = [];
      for (let i = 0; i < 10; i++) {
        const sent = Date.now();
        const inc = expectStatus(await poB.post('/incidents', { headcount: 3 + i, destination: 'mine',
          advance_info: true, place: '矿办公楼门前', units: [], demands: '跨进程推送', drill: true }), 201, 'register on B');
        const m = await stream.message(inc.id, 1000);
        assert.ok(m, `incident ${inc.id} registered on B reached A's stream within 1 s`);
        assert.equal(m.data.action, 'incident.register');
        latencies.push(m.at - sent);
      }
      latencies.sort((x, y) => x - y);
      console.log(`# stream delivery across processes (register on B -> message on A, ms): ` +
        `median ${latencies[5]}, max ${latencies[9]}`);
    } finally {
      stream.close();
    }
  });

  test('(a) a change through B is seen at once through A (A\'s caches are dropped)', async () => {
    const poB = through(po, srvB);
    const before = expectStatus(await po.get('/incidents'), 200, 'list on A').incidents.length;
    const inc = await registerActive(poB, { drill: true });
    // A's list cache would otherwise trust its answer for up to 1 s.
    const deadline = Date.now() + 500;
    let list;
    do {
      list = expectStatus(await po.get('/incidents'), 200, 'list on A').incidents;
    } while (!list.some((x) => x.id === inc.id) && Date.now() < deadline && !(await sleep(20)));
    assert.ok(list.some((x) => x.id === inc.id), 'the list on A shows the incident registered on B');
    assert.equal(list.length, before + 1);
  });

  test('(b) with both processes scanning, a late task gets exactly one task.overdue', async () => {
    const poB = through(po, srvB);
    const inc = await registerActive(poB, { drill: true });
    const late = expectStatus(await poB.post(`/incidents/${inc.id}/tasks`,
      { title: '核实来访人员身份', due_minutes: 0 }), 201, 'task due now, made on B');
    const overdueFor = async () => (await auditEvents(auditor))
      .filter((e) => e.action === 'task.overdue' && e.data && e.data.task_id === late.id);
    const start = Date.now();
    let found = [];
    while (Date.now() - start < 3000 && found.length === 0) {
      await sleep(100);
      found = await overdueFor();
    }
    assert.equal(found.length, 1, 'one task.overdue within 3 s (both scan every 300 ms)');
    await sleep(1500); // five more ticks in each process
    assert.equal((await overdueFor()).length, 1, 'still exactly one');
  });

  test('(b) while another session holds the overdue lease, neither process scans', async () => {
    // The lease's key as store/xf_pg_lease.c derives it: FNV-1a 64, kept non-negative.
    let h = 14695981039346656037n;
    for (const b of Buffer.from('xinfang job:overdue scan')) h = ((h ^ BigInt(b)) * 1099511628211n) & ((1n << 64n) - 1n);
    const key = (h & ((1n << 63n) - 1n)).toString();
    const holder = spawn('psql', [ctx.srv.db, '-qAt'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let said = '';
    holder.stdout.on('data', (d) => { said += d; });
    try {
      holder.stdin.write(`SELECT pg_try_advisory_lock(${key});\n`);
      for (let i = 0; i < 100 && !said.includes('t'); i++) await sleep(20);
      assert.equal(said.trim(), 't', 'the lease is taken from outside');
      const inc = await registerActive(po, { drill: true });
      const late = expectStatus(await po.post(`/incidents/${inc.id}/tasks`,
        { title: '核实来访人员身份', due_minutes: 0 }), 201, 'task due now');
      const overdueFor = async () => (await auditEvents(auditor))
        .filter((e) => e.action === 'task.overdue' && e.data && e.data.task_id === late.id);
      await sleep(1500); // five ticks in each process
      assert.equal((await overdueFor()).length, 0, 'no scan while the lease is held elsewhere');
      holder.stdin.write(`SELECT pg_advisory_unlock(${key});\n`);
      const start = Date.now();
      let found = [];
      while (Date.now() - start < 3000 && found.length === 0) {
        await sleep(100);
        found = await overdueFor();
      }
      assert.equal(found.length, 1, 'one task.overdue once the lease is free');
    } finally {
      holder.stdin.end();
      if (holder.exitCode === null) await new Promise((r) => holder.once('exit', r));
    }
  });

  test('(c) 1,000 concurrent appends through two processes leave one consecutive chain', async () => {
    const adminB = through(ctx.admin, srvB);
    const root = expectStatus(await ctx.admin.get('/units'), 200, 'units').units.find((u) => u.parent_id === null);
    const head = (await auditEvents(auditor)).at(-1).seq;
    const t0 = Date.now();
    const made = await Promise.all([ctx.admin, adminB].map((c, p) => pool(500, 16, async (i) =>
      (await c.post('/units', { name: `并发${p ? 'B' : 'A'}${i}`, parent_id: root.id, kind: 'team' })).status)));
    const took = Date.now() - t0;
    for (const statuses of made) assert.deepEqual(statuses.filter((s) => s !== 201), [], 'every append answered 201');
    console.log(`# 1,000 unit creations through two processes (16 in flight each): ${took} ms, ` +
      `${Math.round(1000000 / took)} appends/s`);
    const events = await auditEvents(auditor, head);
    const creates = events.filter((e) => e.action === 'unit.create');
    assert.equal(creates.length, 1000, 'one unit.create per append');
    events.forEach((e, i) => assert.equal(e.seq, head + 1 + i, 'consecutive sequence numbers'));
    const verify = expectStatus(await auditor.get('/audit/verify'), 200, 'verify on A');
    assert.equal(verify.ok, true, JSON.stringify(verify));
    assert.equal(expectStatus(await through(auditor, srvB).get('/audit/verify'), 200, 'verify on B').ok, true);
    // `xinfang check` on the same database, when this build checks PostgreSQL.
    const check = spawnSync(binary, ['check'], { encoding: 'utf8',
      env: { ...process.env, XINFANG_DB: ctx.srv.db, XINFANG_DATA_DIR: ctx.srv.dir } });
    const said = check.stdout + check.stderr;
    if (!/postgres/i.test(said) || !/not (supported|available)|only .*sqlite/i.test(said))
      assert.equal(check.status, 0, `xinfang check: ${said}`);
    else console.log(`# xinfang check on PostgreSQL not available in this build: ${said.trim()}`);
  });

  test('(e) a failed sign-in counted on A is counted on B', async () => {
    const a = new Client(ctx.srv.base);
    const b = new Client(srvB.base);
    // The account throttle allows 5 failures; the 6th is counted and the next attempt waits.
    for (let i = 0; i < 6; i++) assertError(await a.login('xfb', 'wrong-password'), 401, 'bad_credentials');
    const r = await b.login('xfb', po.password);
    assertError(r, 429, 'throttled');
    assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After');
    assertError(await a.login('xfb', po.password), 429, 'throttled');
  });

  test('(f) a session made on A works on B; signing out on A ends it on B', async () => {
    const admin = new Client(ctx.srv.base);
    expectStatus(await admin.login('admin', ADMIN_PASSWORD), 200, 'sign in on A');
    const onB = through(admin, srvB);
    assert.equal(expectStatus(await onB.get('/session'), 200, 'the session on B').user.username, 'admin');
    expectStatus(await onB.get('/units'), 200, 'a read on B'); // B now holds it in its cache
    assert.equal((await admin.del('/session')).status, 204, 'sign out on A');
    const deadline = Date.now() + 1000;
    let r;
    do r = await onB.get('/session'); while (r.status === 200 && Date.now() < deadline && !(await sleep(20)));
    assertError(r, 401, 'unauthenticated');
  });

  test('(d) SIGKILL of one process under write load: no acknowledged write lost, the other goes on', async () => {
    const adminB = through(ctx.admin, srvB);
    const root = expectStatus(await ctx.admin.get('/units'), 200, 'units').units.find((u) => u.parent_id === null);
    const acked = [];
    let stop = false;
    let killedAt = null;
    const afterKillOnA = [];
    const writer = (c, tag) => async (w) => {
      for (let i = 0; !stop; i++) {
        const name = `故障${tag}${w}-${i}`;
        let status;
        try {
          status = (await c.post('/units', { name, parent_id: root.id, kind: 'team' })).status;
        } catch (_) {
          status = 'refused';
          await sleep(20);
        }
        if (status === 201) acked.push(name);
        if (tag === 'A' && killedAt !== null) afterKillOnA.push(status);
      }
    };
    const load = [...Array.from({ length: 4 }, (_, w) => writer(ctx.admin, 'A')(w)),
      ...Array.from({ length: 4 }, (_, w) => writer(adminB, 'B')(w))];
    await sleep(700);
    await srvB.stop({ signal: 'SIGKILL', keep: true });
    killedAt = Date.now();
    srvB = null;
    await sleep(1500);
    stop = true;
    await Promise.all(load);
    assert.ok(afterKillOnA.length > 10, `A went on writing after the kill (${afterKillOnA.length} writes)`);
    assert.deepEqual(afterKillOnA.filter((s) => s !== 201), [], 'every write on A after the kill answered 201');
    const names = new Set(expectStatus(await ctx.admin.get('/units'), 200, 'units').units.map((u) => u.name));
    const lost = acked.filter((n) => !names.has(n));
    assert.deepEqual(lost, [], `every acknowledged write is stored (${acked.length} acknowledged)`);
    assert.ok(acked.some((n) => n.startsWith('故障B')), 'B acknowledged writes before it was killed');
    const verify = expectStatus(await auditor.get('/audit/verify'), 200, 'verify');
    assert.equal(verify.ok, true, JSON.stringify(verify));
  });
});
