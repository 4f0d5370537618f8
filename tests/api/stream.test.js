// API tests for the live stream of xinfang (docs/api.md, "Live stream") against a real
// server: GET /api/v1/stream read with node:http delivers one `event: incident` message
// per incident change with `id:` = audit sequence number, in order; reconnecting with
// Last-Event-ID replays exactly what was missed; a unit head and a responsible official
// only receive messages for incidents they may see; admin is refused; the server's
// overdue scan produces one task.overdue message. A stream lives only as long as its
// session: logout, disabling, removing the role that allows it and a password reset
// (through the API or the command line) end it within one heartbeat; a user holds at
// most XINFANG_STREAMS_PER_USER streams, a new one ends the oldest.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { spawn } = require('node:child_process');
const { Client, binary } = require('../lib/server.js');
const { ISO_MS, assertError, expectStatus, sleep, setupIncidents, makeUser, signIn, register, registerActive, tasksOf, auditEvents } =
  require('../lib/fixtures.js');

// The server of this file sends a heartbeat (and looks at the sessions of its streams
// again) every HEARTBEAT_MS instead of 15 s, and allows STREAMS_PER_USER streams a user.
const HEARTBEAT_MS = 300;
const STREAMS_PER_USER = 3;
process.env.XINFANG_STREAM_HEARTBEAT_MS = String(HEARTBEAT_MS);
process.env.XINFANG_STREAMS_PER_USER = String(STREAMS_PER_USER);
// How late past its heartbeat an ending may come on a slow (sanitizer) build.
const SLACK_MS = 1500;

// One SSE connection: collects messages ({id, event, data}) and comments.
class Sse {
  constructor(client, headers = {}) {
    this.client = client;
    this.headers = headers;
    this.messages = [];
    this.comments = [];
    this.retry = null;
    this.buf = '';
    this.waiters = [];
    this.ended = false;
  }

  open() {
    const url = new URL(this.client.base + '/api/v1/stream');
    return new Promise((resolve, reject) => {
      const headers = { accept: 'text/event-stream', ...this.headers };
      if (this.client.cookie) headers.cookie = this.client.cookie;
      this.req = http.get({ host: url.hostname, port: url.port, path: url.pathname, headers }, (res) => {
        this.res = res;
        this.status = res.statusCode;
        this.responseHeaders = res.headers;
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d) => { body += d; });
          res.on('end', () => { this.body = body; resolve(this); });
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (d) => this.feed(d));
        res.on('end', () => { this.ended = true; this.wake(); });
        res.on('error', () => {});
        resolve(this);
      });
      this.req.on('error', (e) => { if (!this.closed) reject(e); });
    });
  }

  feed(text) {
    this.buf += text.replace(/\r\n?/g, '\n');
    let i;
    while ((i = this.buf.indexOf('\n\n')) >= 0) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      const m = { id: null, event: 'message', data: [] };
      let isMessage = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) { this.comments.push(line.slice(1).trim()); continue; }
        const c = line.indexOf(':');
        const field = c < 0 ? line : line.slice(0, c);
        const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
        if (field === 'id') { m.id = value; isMessage = true; }
        else if (field === 'event') { m.event = value; isMessage = true; }
        else if (field === 'data') { m.data.push(value); isMessage = true; }
        else if (field === 'retry') this.retry = Number(value);
      }
      if (!isMessage) continue;
      const raw = m.data.join('\n');
      let data = raw;
      try { data = JSON.parse(raw); } catch (_) { /* left as text; the test will say */ }
      this.messages.push({ id: m.id, event: m.event, data, raw });
    }
    this.wake();
  }

  wake() { for (const w of this.waiters.splice(0)) w(); }

  // Waits until pred(messages) is truthy; returns its value.
  async until(pred, what, timeout = 5000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const v = pred(this.messages);
      if (v) return v;
      if (this.ended) throw new Error(`stream ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        const got = this.messages.map((m) => (m.data && m.data.seq) || m.raw);
        const shown = got.length > 12 ? [...got.slice(0, 6), '...', ...got.slice(-6)] : got;
        throw new Error(`timed out waiting for ${what}; got ${got.length} messages: ${JSON.stringify(shown)}`);
      }
      await new Promise((r) => { const t = setTimeout(r, left); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }

  // Waits for the message of incident `id` with action `action`.
  message(incidentId, action, timeout) {
    return this.until((ms) => ms.find((m) => m.data && m.data.incident_id === incidentId && m.data.action === action),
      `${action} of incident ${incidentId}`, timeout);
  }

  forIncident(id) { return this.messages.filter((m) => m.data && m.data.incident_id === id); }

  // Waits until the server ends the response; returns how long that took.
  async end(what, timeout) {
    const t0 = Date.now();
    const deadline = t0 + timeout;
    while (!this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the stream was still open ${timeout} ms after ${what}`);
      await new Promise((r) => { const t = setTimeout(r, left); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
    return Date.now() - t0;
  }

  close() {
    this.closed = true;
    if (this.req) this.req.destroy();
  }
}

let ctx;
let po;
const open = [];

async function stream(client, headers) {
  const s = await new Sse(client, headers).open();
  open.push(s);
  return s;
}

// Every streamed message has the documented shape and id = data.seq.
function checkShapes(s) {
  for (const m of s.messages) {
    if (m.event === 'notice') { // a notification for this user: nothing but the fact
      assert.equal(m.id, null, `a notice has no id: ${m.raw}`);
      assert.deepEqual(m.data, {}, `a notice carries nothing: ${m.raw}`);
      continue;
    }
    assert.equal(m.event, 'incident', `event name: ${m.raw}`);
    assert.ok(m.data && typeof m.data === 'object', `data is JSON: ${m.raw}`);
    assert.match(m.id, /^\d+$/);
    assert.equal(Number(m.id), m.data.seq, `id is the audit seq: ${m.raw}`);
    assert.equal(typeof m.data.incident_id, 'number');
    assert.match(m.data.action, /^(incident|task|note|dispatch)\.[a-z_]+$/);
    assert.match(m.data.at, ISO_MS);
    assert.equal(typeof m.data.actor, 'string');
  }
  const seqs = s.messages.filter((m) => m.event === 'incident').map((m) => m.data.seq);
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `messages in order, no duplicate: ${seqs}`);
}

before(async () => {
  ctx = await setupIncidents({ roles: ['petition_office', 'leader', 'unit_head', 'official', 'auditor'] });
  po = ctx.as.petition_office;
});

after(async () => {
  for (const s of open) s.close();
  if (ctx) await ctx.stop();
});

test('admin is refused the stream; a reader gets text/event-stream', async () => {
  const a = await stream(ctx.admin);
  assert.equal(a.status, 403);
  assertError({ status: a.status, text: a.body, json: JSON.parse(a.body) }, 403, 'forbidden');
  const l = await stream(ctx.as.leader);
  assert.equal(l.status, 200);
  assert.match(l.responseHeaders['content-type'], /^text\/event-stream/);
  l.close();
});

test('register and activate by another user arrive in order with id = audit seq; Last-Event-ID replays what was missed', async () => {
  const leader = ctx.as.leader;
  const s1 = await stream(leader);
  assert.equal(s1.status, 200);
  const inc = await register(po, { headcount: 12, destination: 'province', advance_info: false, units: [ctx.units.team] });
  const reg = await s1.message(inc.id, 'incident.register');
  expectStatus(await po.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
  const act = await s1.message(inc.id, 'incident.activate');
  assert.ok(act.data.seq > reg.data.seq);
  assert.equal(reg.data.actor, po.user.username);
  assert.deepEqual(s1.forIncident(inc.id).map((m) => m.data.action), ['incident.register', 'incident.activate']);
  checkShapes(s1);

  // The ids are the audit chain's sequence numbers.
  let audit = await auditEvents(ctx.as.auditor);
  const regEvent = audit.find((e) => e.action === 'incident.register' && e.object_id === String(inc.id));
  const actEvent = audit.find((e) => e.action === 'incident.activate' && e.object_id === String(inc.id));
  assert.equal(reg.data.seq, regEvent.seq);
  assert.equal(act.data.seq, actEvent.seq);
  assert.equal(reg.data.at, regEvent.at);

  // Disconnect, change things, reconnect with Last-Event-ID.
  const lastSeen = s1.messages[s1.messages.length - 1].id;
  s1.close();
  await sleep(100);
  const tasks = await tasksOf(po, inc.id);
  expectStatus(await po.post(`/incidents/${inc.id}/transition`, { to: 'on_site' }), 200, 'on_site');
  expectStatus(await po.post(`/incidents/${inc.id}/notes`, { text: '现场约12人' }), 201, 'note');
  expectStatus(await po.patch(`/tasks/${tasks[0].id}`, { action: 'complete' }), 200, 'complete B1');
  const d = expectStatus(await po.post(`/incidents/${inc.id}/dispatches`, { resource: 'guards', quantity: 3 }), 201, 'dispatch');
  expectStatus(await po.patch(`/dispatches/${d.id}`, { arrived: true }), 200, 'arrived');
  const missedActions = ['incident.transition', 'note.create', 'task.complete', 'dispatch.create', 'dispatch.update'];

  const s2 = await stream(leader, { 'Last-Event-ID': lastSeen });
  assert.equal(s2.status, 200);
  await s2.until((ms) => ms.filter((m) => m.data.incident_id === inc.id).length >= missedActions.length, 'the replay');
  // Something new after the replay arrives live, after the replayed messages.
  expectStatus(await po.post(`/incidents/${inc.id}/notes`, { text: '重连后的新情况' }), 201, 'note after reconnect');
  await s2.until((ms) => ms.filter((m) => m.data.action === 'note.create').length >= 2, 'the live note');
  await sleep(200);
  checkShapes(s2);
  assert.ok(s2.messages.every((m) => Number(m.id) > Number(lastSeen)), `nothing at or before ${lastSeen} again`);
  assert.deepEqual(s2.forIncident(inc.id).map((m) => m.data.action), [...missedActions, 'note.create']);
  // Exactly the incident events of the audit log after lastSeen, none left out.
  audit = await auditEvents(ctx.as.auditor);
  const expected = audit.filter((e) => e.object_type === 'incident' && e.seq > Number(lastSeen)).map((e) => e.seq);
  assert.deepEqual(s2.messages.map((m) => m.data.seq), expected);
  assert.equal(s2.retry === null || Number.isInteger(s2.retry), true);
  s2.close();
});

test('a unit head receives only messages of incidents involving their units', async () => {
  const uh = await stream(ctx.as.unit_head);
  const all = await stream(ctx.as.leader);
  const other = await registerActive(po, { headcount: 5, destination: 'mine', advance_info: true, units: [ctx.units.dept] });
  const mine = await registerActive(po, { headcount: 5, destination: 'mine', advance_info: true, units: [ctx.units.shift] });
  // Messages come in seq order, so once the later incident's activation has arrived the
  // earlier incident's messages would have been delivered too.
  await uh.message(mine.id, 'incident.activate');
  await all.message(mine.id, 'incident.activate');
  expectStatus(await po.post(`/incidents/${other.id}/notes`, { text: '机电科现场情况' }), 201, 'note on the other');
  expectStatus(await po.post(`/incidents/${mine.id}/notes`, { text: '综采一队一班现场情况' }), 201, 'note on mine');
  await uh.message(mine.id, 'note.create');
  await all.message(mine.id, 'note.create');
  checkShapes(uh);
  assert.deepEqual(uh.forIncident(other.id), [], 'nothing about the 机电科 incident');
  assert.deepEqual(uh.forIncident(mine.id).map((m) => m.data.action), ['incident.register', 'incident.activate', 'note.create']);
  assert.deepEqual(all.forIncident(other.id).map((m) => m.data.action), ['incident.register', 'incident.activate', 'note.create']);
  uh.close();

  // The replay after Last-Event-ID is filtered the same way.
  const firstSeq = all.forIncident(other.id)[0].data.seq;
  const again = await stream(ctx.as.unit_head, { 'Last-Event-ID': String(firstSeq - 1) });
  await again.message(mine.id, 'note.create');
  await sleep(200);
  checkShapes(again);
  assert.deepEqual(again.forIncident(other.id), [], 'the replay hides the 机电科 incident too');
  assert.deepEqual(again.forIncident(mine.id).map((m) => m.data.action), ['incident.register', 'incident.activate', 'note.create']);
  again.close();
  all.close();
});

test('an official receives messages of an incident once a task of it is assigned to them', async () => {
  const off = await stream(ctx.as.official);
  const inc = await registerActive(po, { headcount: 9, destination: 'mine', advance_info: true, units: [ctx.units.dept] });
  expectStatus(await po.post(`/incidents/${inc.id}/notes`, { text: '指派前' }), 201, 'note before');
  const t = (await tasksOf(po, inc.id))[0];
  expectStatus(await po.patch(`/tasks/${t.id}`, { action: 'assign', assignee_id: ctx.as.official.user.id }), 200, 'assign');
  expectStatus(await po.post(`/incidents/${inc.id}/notes`, { text: '指派后' }), 201, 'note after');
  await off.message(inc.id, 'note.create');
  await sleep(200);
  checkShapes(off);
  const actions = off.forIncident(inc.id).map((m) => m.data.action);
  assert.ok(!actions.includes('incident.register') && !actions.includes('incident.activate'),
    `nothing from before the assignment: ${actions}`);
  assert.equal(actions.filter((a) => a === 'note.create').length, 1, `only the note after the assignment: ${actions}`);
  assert.equal(actions[actions.length - 1], 'note.create');
  off.close();
});

test('a notification made for a user is a notice on their own streams only, without content', async () => {
  const off = await stream(ctx.as.official);
  const other = await stream(ctx.as.auditor);
  const inc = await registerActive(po, { headcount: 7, destination: 'mine', advance_info: true, units: [ctx.units.dept] });
  const before = expectStatus(await ctx.as.official.get('/notifications?limit=1'), 200, 'unread before').unread;
  const t = (await tasksOf(po, inc.id))[0];
  expectStatus(await po.patch(`/tasks/${t.id}`, { action: 'assign', assignee_id: ctx.as.official.user.id }), 200, 'assign');
  await off.until((ms) => ms.find((m) => m.event === 'notice'), 'a notice on the assignee\'s stream');
  const after = expectStatus(await ctx.as.official.get('/notifications?limit=1'), 200, 'unread after').unread;
  assert.ok(after > before, `a new notification (${before} -> ${after})`);
  await other.message(inc.id, 'incident.activate');
  await sleep(300);
  assert.ok(!other.messages.some((m) => m.event === 'notice'), 'no notice on another user\'s stream');
  checkShapes(off);
  checkShapes(other);
  off.close();
  other.close();
});

test('an overdue task produces one task.overdue message', async () => {
  const s = await stream(ctx.as.leader);
  const inc = await registerActive(po, { headcount: 4, destination: 'mine', advance_info: true });
  const task = expectStatus(await po.post(`/incidents/${inc.id}/tasks`, { title: '立即核实人数', due_minutes: 0 }), 201, 'task');
  await s.message(inc.id, 'task.create');
  const t0 = Date.now();
  const m = await s.message(inc.id, 'task.overdue', 3000);
  const took = Date.now() - t0;
  assert.equal(m.data.actor, 'system');
  await sleep(1200); // four more scans at 300 ms
  checkShapes(s);
  assert.equal(s.forIncident(inc.id).filter((x) => x.data.action === 'task.overdue').length, 1, 'exactly one');
  const audit = await auditEvents(ctx.as.auditor);
  const ev = audit.filter((e) => e.action === 'task.overdue' && e.data.task_id === task.id);
  assert.equal(ev.length, 1);
  assert.equal(ev[0].seq, m.data.seq);
  assert.ok(took < 3000, `task.overdue after ${took} ms`);
  s.close();
});

test('Last-Event-ID after more than 500 missed messages still delivers every one of them', async () => {
  // docs/api.md: "A client that reconnects with Last-Event-ID: N first receives every
  // message after N that it may see." 520 notes are missed here.
  const probe = await stream(ctx.as.leader);
  const inc = await registerActive(po, { headcount: 3, destination: 'mine', advance_info: true });
  const last = (await probe.message(inc.id, 'incident.activate')).data.seq;
  probe.close();
  const missed = 520;
  for (let i = 0; i < missed; i += 8) {
    await Promise.all(Array.from({ length: Math.min(8, missed - i) }, (_, k) =>
      po.post(`/incidents/${inc.id}/notes`, { text: `第${i + k + 1}条现场情况` })
        .then((r) => expectStatus(r, 201, 'note'))));
  }
  const s = await stream(ctx.as.leader, { 'Last-Event-ID': String(last) });
  const live = expectStatus(await po.post(`/incidents/${inc.id}/notes`, { text: '重连之后' }), 201, 'live note');
  // Messages come in order: once the live note is there, the replay is complete.
  await s.until((ms) => ms.some((m) => m.data.seq === live.seq), 'the live note after the replay', 8000);
  const seqs = s.messages.filter((m) => m.event === 'incident').map((m) => m.data.seq);
  const want = (await auditEvents(ctx.as.auditor)).filter((e) => e.object_type === 'incident' && e.seq > last).map((e) => e.seq);
  assert.equal(want.length, missed + 1);
  const lost = want.filter((q) => !seqs.includes(q));
  assert.equal(lost.length, 0, `${lost.length} of ${missed} missed messages never arrived (seq ${lost[0]}..${lost[lost.length - 1]}); received ${seqs.length}`);
  checkShapes(s);
  s.close();
});

// ---- streams end with their session ----

let made = 0;
// A new account with the given roles that has signed in and chosen its password.
async function newUser(roles = ['leader']) {
  made += 1;
  const username = `wall${made}`;
  return makeUser(ctx.admin, { username, name: `值班大屏${made}`, unit_id: ctx.units.root, roles });
}

// Runs the command line on the test server's database.
function cli(args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...args, '--db', ctx.srv.db], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(input || '');
  });
}

// A stream that receives live messages now (proved with a fresh incident).
async function liveStream(client) {
  const s = await stream(client);
  assert.equal(s.status, 200, `stream of ${client.user.username}: ${s.status} ${s.body}`);
  const inc = await register(po, { headcount: 3, destination: 'mine', advance_info: true });
  await s.message(inc.id, 'incident.register');
  return s;
}

// The stream ended within one heartbeat (plus slack), said why, and carries nothing
// about an incident registered afterwards.
async function assertEnded(s, what, reason = 'session_ended') {
  const took = await s.end(what, HEARTBEAT_MS + SLACK_MS);
  const last = s.messages[s.messages.length - 1];
  assert.equal(last.event, 'closed', `the last message says why the stream ends: ${last.raw}`);
  assert.deepEqual(last.data, { reason });
  const later = await register(po, { headcount: 3, destination: 'mine', advance_info: true });
  await sleep(HEARTBEAT_MS);
  assert.deepEqual(s.forIncident(later.id), [], `nothing after ${what}`);
  return { took, later };
}

test('logout ends the streams of that session within one heartbeat, not those of another session', async () => {
  const u = await newUser();
  const second = await signIn(u);
  const s = await liveStream(u);
  const kept = await liveStream(second);
  const stale = new Client(ctx.srv.base);
  stale.cookie = u.cookie;
  expectStatus(await u.del('/session'), 204, 'logout');
  const { later } = await assertEnded(s, 'logout');
  await kept.message(later.id, 'incident.register');
  assert.equal(kept.ended, false, 'the other session keeps its stream');
  // The old cookie cannot open a new one.
  const again = await stream(stale);
  assert.equal(again.status, 401, `reopened: ${again.status} ${again.body}`);
});

test('disabling a user ends every stream of the user within one heartbeat', async () => {
  const u = await newUser();
  const second = await signIn(u);
  const s1 = await liveStream(u);
  const s2 = await liveStream(second);
  expectStatus(await ctx.admin.patch(`/users/${u.user.id}`, { disabled: true }), 200, 'disable');
  await assertEnded(s1, 'disabling');
  await assertEnded(s2, 'disabling');
  assertError(await u.get('/session'), 401, 'unauthenticated');
});

test('removing the role that allows the stream ends it; reopening is refused', async () => {
  const u = await newUser(['leader', 'admin']);
  const s = await liveStream(u);
  expectStatus(await ctx.admin.patch(`/users/${u.user.id}`, { roles: ['admin'] }), 200, 'remove leader');
  await assertEnded(s, 'the role removal');
  const again = await stream(u);
  assert.equal(again.status, 403, `reopened: ${again.status} ${again.body}`);
});

test('a password reset by the administrator ends the streams of the user', async () => {
  const u = await newUser();
  const s = await liveStream(u);
  expectStatus(await ctx.admin.post(`/users/${u.user.id}/password`, {}), 200, 'reset');
  await assertEnded(s, 'the password reset');
  const again = await stream(u);
  assert.equal(again.status, 401, `reopened: ${again.status} ${again.body}`);
});

test('a password reset or disabling from the command line, another process, ends the streams within one heartbeat', async () => {
  const u = await newUser();
  const s = await liveStream(u);
  const r = await cli(['user', 'passwd', u.user.username, '--password-stdin'], 'a-new-long-password-2026\n');
  assert.equal(r.code, 0, r.out);
  await assertEnded(s, 'xinfang user passwd');
  assert.equal((await stream(u)).status, 401);

  const v = await newUser();
  const t = await liveStream(v);
  const d = await cli(['user', 'disable', v.user.username]);
  assert.equal(d.code, 0, d.out);
  await assertEnded(t, 'xinfang user disable');
});

test(`a user holds at most ${STREAMS_PER_USER} streams: a new one ends the oldest`, async () => {
  const u = await newUser();
  const others = await liveStream(ctx.as.leader);
  const streams = [];
  for (let i = 0; i < STREAMS_PER_USER; i++) streams.push(await liveStream(i ? await signIn(u) : u));
  const newest = await liveStream(u);
  const { later } = await assertEnded(streams[0], 'one stream too many', 'too_many_streams');
  for (const s of [...streams.slice(1), newest, others]) {
    await s.message(later.id, 'incident.register');
    assert.equal(s.ended, false);
  }
  // The session of the ended stream is still good: a reconnect is served (and ends
  // the next oldest).
  const back = await liveStream(u);
  await assertEnded(streams[1], 'the reconnect', 'too_many_streams');
  assert.equal(back.ended, false);
});
