// Shared set-up for the incident API tests (incidents.test.js, incident-roles.test.js,
// stream.test.js): starts a real server, builds a small unit tree, creates one signed-in
// user per role (each has changed its one-time password), and offers helpers to
// register incidents and to check the error shape of docs/api.md. Not a test file.
'use strict';
const assert = require('node:assert/strict');
const { startServer, Client } = require('../lib/server.js');

const ADMIN_PASSWORD = 'admin-pass-123456';
const ROLES = ['petition_office', 'leader', 'unit_head', 'dispatch', 'official', 'company', 'auditor'];
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MINUTE = 60 * 1000;

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

// Creates a user with the given roles, signs them in and changes the one-time password.
async function makeUser(admin, base, username, name, unitId, roles) {
  const c = await admin.post('/users', { username, name, unit_id: unitId, roles });
  expectStatus(c, 201, `POST /users ${username}`);
  const client = new Client(base);
  expectStatus(await client.login(username, c.json.one_time_password), 200, `login ${username}`);
  // Before the change, incident endpoints are closed to the account.
  assertError(await client.get('/incidents'), 403, 'password_change_required');
  const password = `${username}-Passw0rd-2026`;
  expectStatus(await client.post('/session/password',
    { old_password: c.json.one_time_password, new_password: password }), 204, `password ${username}`);
  client.user = c.json.user;
  client.password = password;
  return client;
}

// Starts a server and returns { srv, admin, as: {role: Client}, units: {...}, stop }.
// The unit head belongs to 综采一队; 综采一队一班 is a team below it, 机电科 is elsewhere.
// options.roles: the roles to create users for (default all); options.overdueMs: the
// overdue scan interval. Password hashing is slow on purpose, so users are made in parallel.
async function setup(options = {}) {
  const env = { XINFANG_OVERDUE_INTERVAL_MS: String(options.overdueMs || 300) };
  const srv = await startServer({ adminPassword: ADMIN_PASSWORD, env });
  try {
    const admin = new Client(srv.base);
    expectStatus(await admin.login('admin', ADMIN_PASSWORD), 200, 'admin login');
    const root = expectStatus(await admin.get('/units'), 200, 'GET /units').units[0];
    const mkUnit = async (name, parent, kind) =>
      expectStatus(await admin.post('/units', { name, parent_id: parent, kind }), 201, `unit ${name}`);
    const team = await mkUnit('综采一队', root.id, 'team');
    const shift = await mkUnit('综采一队一班', team.id, 'team');
    const dept = await mkUnit('机电科', root.id, 'department');
    const units = { root: root.id, team: team.id, shift: shift.id, dept: dept.id };
    const as = { admin };
    const names = {
      petition_office: ['xfb', '信访办张三', units.root],
      leader: ['leader', '领导小组李四', units.root],
      unit_head: ['zcyd', '综采一队王五', units.team],
      dispatch: ['bwk', '保卫科赵六', units.root],
      official: ['bbzr', '包保责任人钱七', units.team],
      company: ['gsxfb', '公司信访办孙八', units.root],
      auditor: ['sj', '审计周九', units.root],
    };
    const roles = options.roles || ROLES;
    const made = await Promise.all(roles.map((role) => {
      const [username, name, unit] = names[role];
      return makeUser(admin, srv.base, username, name, unit, [role]);
    }));
    roles.forEach((role, i) => { as[role] = made[i]; });
    const adminSession = expectStatus(await admin.get('/session'), 200, 'GET /session');
    admin.user = adminSession.user;
    // Stopping also fails the run when a sanitizer build of the server reported a problem.
    const stop = async () => {
      await srv.stop();
      const out = srv.output();
      const m = /(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:)[^\n]*/.exec(out);
      assert.equal(m, null, `the server reported: ${m && out.slice(Math.max(0, m.index - 200), m.index + 3000)}`);
    };
    return { srv, admin, as, units, stop };
  } catch (e) {
    await srv.stop();
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

// Every audit event (auditor or admin client), oldest first.
async function auditEvents(client) {
  const out = [];
  let after = 0;
  for (;;) {
    const page = expectStatus(await client.get(`/audit?after=${after}&limit=500`), 200, 'GET /audit');
    out.push(...page.events);
    if (page.next_after === null) return out;
    after = page.next_after;
  }
}

module.exports = { ADMIN_PASSWORD, ROLES, ISO_MS, MINUTE, assertError, expectStatus, ms, sleep,
  setup, incidentBody, register, registerActive, tasksOf, auditEvents };
