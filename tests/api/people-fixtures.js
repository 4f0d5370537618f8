// Shared set-up for the petitioner-file and 包保 API tests (persons.test.js,
// confidentiality.test.js, assignments.test.js): starts a real server, builds the unit
// tree 本矿 > 综采一队 > 一班 and 本矿 > 机电科, creates one signed-in user per role the
// tests need (each has changed its one-time password), registers and activates a drill
// incident involving 综采一队, and offers small helpers (error shape, audit reading,
// person creation). Not a test file.
'use strict';
const assert = require('node:assert/strict');
const { startServer, Client } = require('../lib/server.js');

const ADMIN_PASSWORD = 'admin-pass-people-2026';
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DAY = 24 * 3600 * 1000;

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

function ms(iso, what = 'time') {
  assert.match(String(iso), ISO_MS, `${what} is not an ISO time with milliseconds: ${iso}`);
  return Date.parse(iso);
}

// The users made by setup: key -> [username, display name, unit key, roles].
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

// Creates a user, signs in with the one-time password and changes it.
async function makeUser(admin, base, username, name, unitId, roles) {
  const c = expectStatus(await admin.post('/users', { username, name, unit_id: unitId, roles }),
    201, `POST /users ${username}`);
  const client = new Client(base);
  expectStatus(await client.login(username, c.one_time_password), 200, `login ${username}`);
  const password = `${username}-Pw-2026-xf`;
  expectStatus(await client.post('/session/password',
    { old_password: c.one_time_password, new_password: password }), 204, `password ${username}`);
  client.user = c.user;
  return client;
}

// Starts a server and returns { srv, admin, as: {key: Client}, units, incident, stop }.
// options.users: the keys of USERS to create (default all but shiftClerk).
async function setup(options = {}) {
  const srv = await startServer({ adminPassword: ADMIN_PASSWORD });
  try {
    const admin = new Client(srv.base);
    expectStatus(await admin.login('admin', ADMIN_PASSWORD), 200, 'admin login');
    const units = expectStatus(await admin.get('/units'), 200, 'GET /units').units;
    const root = units.find((u) => u.parent_id === null);
    assert.ok(root, 'the root unit 本矿 exists');
    const mkUnit = async (name, parent, kind) =>
      expectStatus(await admin.post('/units', { name, parent_id: parent, kind }), 201, `unit ${name}`).id;
    const team = await mkUnit('综采一队', root.id, 'team');
    const shift = await mkUnit('一班', team, 'team');
    const dept = await mkUnit('机电科', root.id, 'department');
    const unitIds = { root: root.id, team, shift, dept };
    const keys = options.users || DEFAULT_USERS;
    // Password hashing is slow on purpose: make the users in parallel.
    const made = await Promise.all(keys.map((k) => {
      const [username, name, unit, roles] = USERS[k];
      return makeUser(admin, srv.base, username, name, unitIds[unit], roles);
    }));
    const as = { admin };
    keys.forEach((k, i) => { as[k] = made[i]; });
    admin.user = expectStatus(await admin.get('/session'), 200, 'GET /session').user;
    let incident = null;
    if (as.po) {
      const inc = expectStatus(await as.po.post('/incidents', {
        headcount: 12, destination: 'mine', advance_info: true, place: '矿办公楼门前',
        units: [team], demands: '要求补发拖欠的井下津贴', drill: true,
      }), 201, 'POST /incidents');
      incident = expectStatus(await as.po.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
      assert.equal(incident.status, 'activated');
    }
    const stop = async () => {
      await srv.stop();
      const out = srv.output();
      const m = /(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:)[^\n]*/.exec(out);
      assert.equal(m, null, `the server reported: ${m && out.slice(Math.max(0, m.index - 200), m.index + 3000)}`);
    };
    return { srv, admin, as, units: unitIds, incident, stop };
  } catch (e) {
    await srv.stop();
    throw e;
  }
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

module.exports = { ADMIN_PASSWORD, ISO_MS, DAY, USERS, assertError, expectStatus, ms, setup,
  auditEvents, auditHead, createPerson };
