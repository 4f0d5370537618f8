// The one set-up helper of the API and browser tests: starts a real server and signs in
// as admin, builds units, makes accounts with roles and their own signed-in sessions
// (each has changed its one-time password), registers common incidents, makes and
// uploads record files (PNG, WAV), reads the audit log and checks the error shape of
// docs/api.md. Presets build the worlds test files share: setupOffice (one petition
// office account), setupIncidents (one user per role) and setupPeople (the
// petitioner-file and 包保 cast with an activated drill incident). Not a test file.
'use strict';
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const { startServer, Client } = require('./server.js');

const ADMIN_PASSWORD = 'admin-pass-123456';
const ROLES = ['petition_office', 'leader', 'unit_head', 'dispatch', 'official', 'company', 'auditor'];
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MINUTE = 60 * 1000;
const DAY = 24 * 3600 * 1000;

// Checks the one error shape {"error":{"code","message","field"?}} and the status.
function assertError(r, status, code, field) {
  const what = `${r.status} ${r.text.slice(0, 400)}`;
  assert.equal(r.status, status, `expected status ${status} (${code}), got ${what}`);
  assert.ok(r.json && typeof r.json === 'object' && r.json.error && typeof r.json.error === 'object',
    `body is not {"error":{...}}: ${what}`);
  assert.equal(r.json.error.code, code, `error code: ${what}`);
  assert.equal(typeof r.json.error.message, 'string', `message is not a string: ${what}`);
  assert.ok(r.json.error.message.length > 0, `empty message: ${what}`);
  if (field !== undefined) assert.equal(r.json.error.field, field, `error field: ${what}`);
}

// assertError, and the body has no key but "error" and a field, when present, is a string.
function assertOnlyError(r, status, code, field) {
  assertError(r, status, code, field);
  assert.deepEqual(Object.keys(r.json), ['error'], `extra top-level keys: ${r.status} ${r.text.slice(0, 400)}`);
  if (field === undefined && 'field' in r.json.error) assert.equal(typeof r.json.error.field, 'string');
}

function expectStatus(r, status, what) {
  assert.equal(r.status, status, `${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 400)}`);
  return r.json;
}

// Milliseconds since the epoch of an ISO time, failing on anything else.
function ms(iso, what = 'time') {
  assert.match(String(iso), ISO_MS, `${what} is not an ISO time with milliseconds: ${iso}`);
  return Date.parse(iso);
}

const sleep = (t) => new Promise((r) => setTimeout(r, t));

// Starts a server (options as startServer; the admin password defaults to ADMIN_PASSWORD)
// and returns { srv, admin, stop }: admin is signed in, admin.user is the login's user.
// stop also fails the run when a sanitizer build of the server reported a problem.
async function startAdmin(options = {}) {
  const adminPassword = options.adminPassword || ADMIN_PASSWORD;
  const srv = await startServer({ ...options, adminPassword });
  try {
    const admin = new Client(srv.base);
    admin.user = expectStatus(await admin.login('admin', adminPassword), 200, 'admin login').user;
    const stop = async () => {
      await srv.stop();
      const out = srv.output();
      const m = /(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:)[^\n]*/.exec(out);
      assert.equal(m, null, `the server reported: ${m && out.slice(Math.max(0, m.index - 200), m.index + 3000)}`);
    };
    return { srv, admin, stop };
  } catch (e) {
    await srv.stop();
    throw e;
  }
}

// The root unit (本矿) of a fresh database.
async function rootUnit(admin) {
  const root = expectStatus(await admin.get('/units'), 200, 'GET /units').units.find((u) => u.parent_id === null);
  assert.ok(root, 'the root unit 本矿 exists');
  return root;
}

// Creates a unit and returns it.
async function makeUnit(admin, name, parentId, kind) {
  return expectStatus(await admin.post('/units', { name, parent_id: parentId, kind }), 201, `unit ${name}`);
}

// Creates an account through the admin's client, signs it in with its one-time password,
// changes that to spec.password (default `${username}-Passw0rd-2026`) and returns the
// account's signed-in client with .user and .password. spec: username, name, unit_id,
// roles, phone?; spec.closedFirst checks that incidents are closed before the change.
async function makeUser(admin, spec) {
  const { username } = spec;
  const made = expectStatus(await admin.post('/users', { username, name: spec.name, unit_id: spec.unit_id,
    roles: spec.roles, ...(spec.phone ? { phone: spec.phone } : {}) }), 201, `POST /users ${username}`);
  const client = new Client(admin.base);
  expectStatus(await client.login(username, made.one_time_password), 200, `login ${username}`);
  if (spec.closedFirst) assertError(await client.get('/incidents'), 403, 'password_change_required');
  const password = spec.password || `${username}-Passw0rd-2026`;
  expectStatus(await client.post('/session/password',
    { old_password: made.one_time_password, new_password: password }), 204, `password ${username}`);
  client.user = made.user;
  client.password = password;
  return client;
}

// Another session of an account made by makeUser.
async function signIn(user) {
  const client = new Client(user.base);
  expectStatus(await client.login(user.user.username, user.password), 200, `second login ${user.user.username}`);
  client.user = user.user;
  client.password = user.password;
  return client;
}

// Starts a server (startAdmin options) and makes `person` (roles default petition_office)
// in the root unit: returns { srv, admin, root, office, stop }, office signed in.
async function setupOffice(person, options = {}) {
  const world = await startAdmin(options);
  try {
    world.root = await rootUnit(world.admin);
    world.office = await makeUser(world.admin, { roles: ['petition_office'], ...person, unit_id: world.root.id });
    return world;
  } catch (e) {
    await world.srv.stop();
    throw e;
  }
}

// Starts a server, builds 本矿 > 综采一队 > shiftName and 本矿 > 机电科, and makes the
// users of `cast` (key -> [username, display name, unit key, roles]) in parallel:
// password hashing is slow on purpose. Returns { srv, admin, as: {key: Client}, units, stop }.
async function setupWorld({ env, shiftName, cast, keys, closedFirst = false }) {
  const world = await startAdmin({ env });
  try {
    const { admin } = world;
    const root = await rootUnit(admin);
    const team = (await makeUnit(admin, '综采一队', root.id, 'team')).id;
    const shift = (await makeUnit(admin, shiftName, team, 'team')).id;
    const dept = (await makeUnit(admin, '机电科', root.id, 'department')).id;
    const units = { root: root.id, team, shift, dept };
    const made = await Promise.all(keys.map((k) => {
      const [username, name, unit, roles] = cast[k];
      return makeUser(admin, { username, name, unit_id: units[unit], roles, closedFirst });
    }));
    const as = { admin };
    keys.forEach((k, i) => { as[k] = made[i]; });
    admin.user = expectStatus(await admin.get('/session'), 200, 'GET /session').user;
    return { ...world, as, units };
  } catch (e) {
    await world.srv.stop();
    throw e;
  }
}

// The incident tests' world: one user per role (as[role]); the unit head belongs to
// 综采一队; 综采一队一班 is a team below it, 机电科 is elsewhere. options.roles: the roles to
// make users for (default all); options.overdueMs: the overdue scan interval.
const ROLE_USERS = {
  petition_office: ['xfb', '信访办张三', 'root', ['petition_office']],
  leader: ['leader', '领导小组李四', 'root', ['leader']],
  unit_head: ['zcyd', '综采一队王五', 'team', ['unit_head']],
  dispatch: ['bwk', '保卫科赵六', 'root', ['dispatch']],
  official: ['bbzr', '包保责任人钱七', 'team', ['official']],
  company: ['gsxfb', '公司信访办孙八', 'root', ['company']],
  auditor: ['sj', '审计周九', 'root', ['auditor']],
};
async function setupIncidents(options = {}) {
  return setupWorld({ env: { XINFANG_OVERDUE_INTERVAL_MS: String(options.overdueMs || 300) },
    shiftName: '综采一队一班', cast: ROLE_USERS, keys: options.roles || ROLES, closedFirst: true });
}

// The petitioner-file and 包保 tests' world: key -> [username, display name, unit key, roles].
const USERS = {
  po: ['xfb', '信访办刘敏', 'root', ['petition_office']],
  leader: ['zuzhang', '领导小组陈刚', 'root', ['leader']],
  teamHead: ['zcyd.head', '综采一队队长王强', 'team', ['unit_head']],
  shiftHead: ['yiban.head', '一班班长赵磊', 'shift', ['unit_head']],
  deptHead: ['jdk.head', '机电科科长孙涛', 'dept', ['unit_head']],
  off1: ['baobao1', '包保责任人周平', 'team', ['official']],
  off2: ['baobao2', '包保责任人吴静', 'team', ['official']],
  auditor: ['shenji', '审计郑洁', 'root', ['auditor']],
  dispatch: ['baoweike', '保卫科冯军', 'root', ['dispatch']],
  company: ['gongsi', '公司信访办何丽', 'root', ['company']],
  // Not made unless asked for: a petition-office clerk working in 一班 (below 综采一队).
  shiftClerk: ['yiban.xfy', '一班信访员钱程', 'shift', ['petition_office']],
};
const DEFAULT_USERS = Object.keys(USERS).filter((k) => k !== 'shiftClerk');

// setupWorld with USERS (options.users: the keys, default all but shiftClerk) under
// 本矿 > 综采一队 > 一班; when po is made, also an activated drill incident involving
// 综采一队, returned as incident.
async function setupPeople(options = {}) {
  const world = await setupWorld({ shiftName: '一班', cast: USERS, keys: options.users || DEFAULT_USERS, env: options.env });
  try {
    world.incident = null;
    if (world.as.po) {
      const inc = await register(world.as.po, { headcount: 12, units: [world.units.team],
        demands: '要求补发拖欠的井下津贴', drill: true });
      world.incident = expectStatus(await world.as.po.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
      assert.equal(world.incident.status, 'activated');
    }
    return world;
  } catch (e) {
    await world.srv.stop();
    throw e;
  }
}

// A registration body with defaults; fields given override them.
function incidentBody(fields = {}) {
  return { headcount: 8, destination: 'mine', advance_info: true, place: '矿办公楼门前',
    units: [], demands: '要求补发拖欠工资', drill: false, ...fields };
}

async function register(client, fields) {
  return expectStatus(await client.post('/incidents', incidentBody(fields)), 201, 'POST /incidents');
}

async function registerActive(client, fields) {
  const inc = await register(client, fields);
  return expectStatus(await client.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
}

async function tasksOf(client, id) {
  return expectStatus(await client.get(`/incidents/${id}/tasks`), 200, 'GET tasks').tasks;
}

// Every audit event (auditor or admin client), oldest first, or those after seq.
async function auditEvents(client, after = 0) {
  const out = [];
  for (;;) {
    const page = expectStatus(await client.get(`/audit?after=${after}&limit=500`), 200, 'GET /audit');
    out.push(...page.events);
    if (page.next_after === null) return out;
    after = page.next_after;
  }
}

// The seq of the newest audit event (0 when none).
async function auditHead(client) {
  const all = await auditEvents(client);
  return all.length ? all[all.length - 1].seq : 0;
}

async function createPerson(po, body, what = 'POST /persons') {
  return expectStatus(await po.post('/persons', body), 201, what);
}

// A PNG of w x h pixels (RGB, a gradient), written by hand; red(x) gives the red of
// column x (mod 256), so that a test can make every picture different.
function png(w, h, red = (x) => x) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const o = y * (w * 3 + 1) + 1 + x * 3;
    raw[o] = red(x) % 256; raw[o + 1] = y % 256; raw[o + 2] = 200;
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// A WAV file: 0.5 s of a 440 Hz tone, 8 kHz mono 16 bit.
function wav() {
  const n = 4000;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / 8000)), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8);
  h.write('fmt ', 12); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24); h.writeUInt32LE(16000, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34);
  h.write('data', 36); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

// Uploads a record (multipart: fields, then file { name, data, type? } when given) to an
// incident as client, with extraHeaders; answers like Client.request.
async function upload(client, incidentId, fields, file, extraHeaders = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([file.data], { type: file.type || 'application/octet-stream' }), file.name);
  const headers = { ...extraHeaders };
  if (client.cookie) headers.cookie = client.cookie;
  if (client.csrf && !('X-CSRF-Token' in headers)) headers['X-CSRF-Token'] = client.csrf;
  const res = await fetch(`${client.base}/api/v1/incidents/${incidentId}/records`,
    { method: 'POST', headers, body: form });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (_) { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text };
}

// The raw bytes of a GET.
async function getBytes(client, p, headers = {}) {
  const res = await fetch(`${client.base}/api/v1${p}`, { headers: { cookie: client.cookie, ...headers } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

module.exports = { ADMIN_PASSWORD, ROLES, ISO_MS, MINUTE, DAY, USERS, assertError, assertOnlyError,
  expectStatus, ms, sleep, startAdmin, rootUnit, makeUnit, makeUser, signIn, setupOffice, setupIncidents, setupPeople,
  incidentBody, register, registerActive, tasksOf, auditEvents, auditHead, createPerson,
  png, wav, upload, getBytes };
