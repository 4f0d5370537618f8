// API tests of many mines in one deployment (issue 11 item 4; docs/api.md "Mines and the
// group"): a group unit above two mines, each mine's own incident number series, a mine
// user seeing only their mine (incidents, lists, search, persons) while the company
// role (the group's 信访办) sees every mine, the group dashboard, and the reports the
// mines issue arriving in the company's inbox, acknowledged there and seen so by the
// mine. A one-mine database keeps its numbers and its users' view. Runs on both engines
// (XF_TEST_ENGINE=postgresql).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const {
  assertError, expectStatus, startAdmin, rootUnit, makeUnit, makeUser, register, incidentBody,
} = require('../lib/fixtures.js');

let w; // { srv, admin, stop }
let group; let mineA; let mineB; let teamB;
let poA; let poB; let leaderB; let company; let groupOffice;
let incA; let incB; let incB2;

before(async () => {
  w = await startAdmin({ env: { XINFANG_STREAM_HEARTBEAT_MS: '300' } });
  const { admin } = w;
  // The existing database's root 本矿 becomes mine A under a new group.
  mineA = await rootUnit(admin);
  group = expectStatus(await admin.post('/units', { name: '某煤业集团', kind: 'group' }), 201, 'group unit');
  assert.equal(group.kind, 'group');
  assert.equal(group.parent_id, null);
  expectStatus(await admin.patch(`/units/${mineA.id}`, { parent_id: group.id }), 200, 'mine A under the group');
  mineB = expectStatus(await admin.post('/units', { name: '二号矿', kind: 'mine', parent_id: group.id, number_prefix: 'EK' }),
    201, 'mine B');
  assert.equal(mineB.number_prefix, 'EK');
  teamB = await makeUnit(admin, '二号矿综采队', mineB.id, 'team');
  [poA, poB, leaderB, company, groupOffice] = await Promise.all([
    makeUser(admin, { username: 'po_a', name: '一矿信访办', unit_id: mineA.id, roles: ['petition_office'] }),
    makeUser(admin, { username: 'po_b', name: '二矿信访办', unit_id: teamB.id, roles: ['petition_office'] }),
    makeUser(admin, { username: 'leader_b', name: '二矿领导', unit_id: mineB.id, roles: ['leader'] }),
    makeUser(admin, { username: 'company', name: '公司信访办', unit_id: group.id, roles: ['company'] }),
    makeUser(admin, { username: 'group_po', name: '集团信访办', unit_id: group.id, roles: ['petition_office'] }),
  ]);
  incA = await register(poA, { place: '一矿办公楼', demands: '一矿退休职工取暖补贴' });
  incB = await register(poB, { place: '二矿东门', demands: '二矿井下津贴' });
  incB2 = await register(poB, { headcount: 3, place: '二矿西门', demands: '二矿食堂' });
});

after(async () => { if (w) await w.stop(); });

test('a unit of kind group may stand above the mines; prefixes are letters or digits and unique', async () => {
  const units = expectStatus(await w.admin.get('/units'), 200, 'units').units;
  assert.equal(units.find((u) => u.id === mineA.id).parent_id, group.id);
  assertError(await w.admin.post('/units', { name: '三号矿', kind: 'mine', parent_id: group.id, number_prefix: 'X-1' }),
    400, 'bad_request', 'number_prefix');
  assertError(await w.admin.patch(`/units/${teamB.id}`, { number_prefix: 'EK' }), 409, 'conflict', 'number_prefix');
  assertError(await w.admin.patch(`/units/${teamB.id}`, { number_prefix: 'XF' }), 409, 'conflict', 'number_prefix');
});

test('each mine numbers its incidents in its own series with its prefix', () => {
  const year = new Date().getFullYear();
  assert.equal(incA.number, `XF-${year}-0001`);
  assert.equal(incB.number, `EK-${year}-0001`);
  assert.equal(incB2.number, `EK-${year}-0002`);
  assert.equal(incB.mine_id, mineB.id);
  assert.equal(incB.mine, '二号矿');
  assert.equal(incA.mine_id, mineA.id);
});

test('a mine user cannot see another mine\'s incident', async () => {
  assertError(await poA.get(`/incidents/${incB.id}`), 404, 'not_found');
  assertError(await poB.get(`/incidents/${incA.id}`), 404, 'not_found');
  assertError(await leaderB.get(`/incidents/${incA.id}`), 404, 'not_found');
  assertError(await poA.get(`/incidents/${incB.id}/timeline`), 404, 'not_found');
  assertError(await poA.post(`/incidents/${incB.id}/activate`, {}), 404, 'not_found');
  expectStatus(await poA.get(`/incidents/${incA.id}`), 200, 'own mine');
  expectStatus(await leaderB.get(`/incidents/${incB.id}`), 200, 'own mine, unit above the registering user');

  const listA = expectStatus(await poA.get('/incidents'), 200, 'list A').incidents.map((i) => i.id);
  assert.deepEqual(listA, [incA.id]);
  const listB = expectStatus(await poB.get('/incidents'), 200, 'list B').incidents.map((i) => i.id).sort();
  assert.deepEqual(listB, [incB.id, incB2.id].sort());
  const activeB = expectStatus(await leaderB.get('/incidents?active=1'), 200, 'active B').incidents.map((i) => i.id);
  assert.ok(!activeB.includes(incA.id));
});

test('search hits and petitioner files stay within the mine', async () => {
  const hits = expectStatus(await poA.get(`/search?q=${encodeURIComponent('津贴')}`), 200, 'search A');
  const ids = JSON.stringify(hits);
  assert.ok(!ids.includes(incB.number), `mine A searching finds mine B's incident: ${ids}`);
  const own = expectStatus(await poB.get(`/search?q=${encodeURIComponent('津贴')}`), 200, 'search B');
  assert.ok(JSON.stringify(own).includes(incB.number), 'mine B finds its own');

  const person = expectStatus(await poB.post('/persons', { name: '二矿王五', unit_id: teamB.id }), 201, 'person B');
  assertError(await poA.get(`/persons/${person.id}`), 404, 'not_found');
  expectStatus(await poB.get(`/persons/${person.id}`), 200, 'own person');
  const listA = expectStatus(await poA.get('/persons'), 200, 'persons A').persons.map((p) => p.id);
  assert.ok(!listA.includes(person.id));
  const found = expectStatus(await poA.get(`/search?q=${encodeURIComponent('王五')}`), 200, 'search person A');
  assert.ok(!JSON.stringify(found).includes('二矿王五'), 'mine A searching finds mine B\'s petitioner');
  const ownFound = expectStatus(await poB.get(`/search?q=${encodeURIComponent('王五')}`), 200, 'search person B');
  assert.ok(JSON.stringify(ownFound).includes('二矿王五'), 'mine B finds its own petitioner');
});

// The incident ids of the SSE messages a client receives, as they come.
function watchStream(client) {
  const seen = [];
  const url = new URL(client.base + '/api/v1/stream');
  return new Promise((resolve, reject) => {
    const req = http.get({ host: url.hostname, port: url.port, path: url.pathname,
      headers: { accept: 'text/event-stream', cookie: client.cookie } }, (res) => {
      assert.equal(res.statusCode, 200);
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        buf += d;
        for (const m of buf.matchAll(/^data: (\{.*\})$/gm)) {
          const id = JSON.parse(m[1]).incident_id;
          if (!seen.includes(id)) seen.push(id);
        }
      });
      const watch = { seen, ended: false, close: () => req.destroy() };
      res.on('end', () => { watch.ended = true; });
      res.on('error', () => {});
      resolve(watch);
    });
    req.on('error', (e) => { if (!req.destroyed) reject(e); });
  });
}

async function until(pred, what) {
  for (const end = Date.now() + 5000; Date.now() < end;) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('the live stream tells a mine\'s users of their mine only, the company of every mine', async () => {
  const [a, c] = await Promise.all([watchStream(poA), watchStream(company)]);
  try {
    const other = await register(poB, { place: '二矿北门' });
    const own = await register(poA, { place: '一矿北门' });
    await until(() => c.seen.includes(other.id) && c.seen.includes(own.id), 'the company hears both mines');
    await until(() => a.seen.includes(own.id), 'mine A hears its own');
    assert.ok(!a.seen.includes(other.id), `mine A heard mine B's incident: ${a.seen}`);
  } finally {
    a.close();
    c.close();
  }
});

test('moving a unit to another mine ends the open streams of its users', async () => {
  const mineC = expectStatus(await w.admin.post('/units', { name: '三号矿', kind: 'mine', parent_id: group.id, number_prefix: 'SK' }),
    201, 'mine C');
  const teamC = await makeUnit(w.admin, '三号矿掘进队', mineC.id, 'team');
  const poC = await makeUser(w.admin, { username: 'po_c', name: '三矿信访办', unit_id: teamC.id, roles: ['petition_office'] });
  const s = await watchStream(poC);
  try {
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(s.ended, false);
    expectStatus(await w.admin.patch(`/units/${teamC.id}`, { parent_id: mineB.id }), 200, 'move to mine B');
    await until(() => s.ended, 'the stream of the moved user ends');
    const own = await register(poC, { place: '掘进队' });
    assert.match(own.number, /^EK-/, 'the moved unit now numbers in mine B');
  } finally {
    s.close();
  }
});

test('the company role and the group\'s own users see every mine', async () => {
  for (const c of [company, groupOffice]) {
    expectStatus(await c.get(`/incidents/${incA.id}`), 200, 'mine A');
    expectStatus(await c.get(`/incidents/${incB.id}`), 200, 'mine B');
    const list = expectStatus(await c.get('/incidents'), 200, 'list').incidents.map((i) => i.id);
    for (const id of [incA.id, incB.id, incB2.id]) assert.ok(list.includes(id), `${id} in ${list}`);
  }
});

test('the group dashboard shows every mine\'s active incidents, to the company role only', async () => {
  const d = expectStatus(await company.get('/group/dashboard'), 200, 'dashboard');
  const names = d.mines.map((m) => m.name);
  for (const n of ['二号矿', '本矿', '三号矿']) assert.ok(names.includes(n), `${n} in ${names}`);
  assert.equal(d.mines.find((m) => m.id === mineB.id).active, d.incidents.filter((i) => i.mine_id === mineB.id).length);
  assert.ok(d.incidents.filter((i) => i.mine_id === mineB.id).length >= 2);
  assert.equal(d.mines.find((m) => m.id === mineB.id).number_prefix, 'EK');
  const b = d.incidents.find((i) => i.id === incB.id);
  assert.equal(b.number, incB.number);
  assert.equal(b.mine, '二号矿');
  assert.equal(b.mine_id, mineB.id);
  assert.equal(b.headcount, 8);
  assert.equal(b.destination, 'mine');
  assert.equal(b.status, incB.status);
  assert.equal(b.grade, incB.grade);
  assert.equal(typeof b.elapsed_s, 'number');
  assert.ok(d.incidents.some((i) => i.id === incA.id && i.mine === '本矿'));
  for (const c of [poA, leaderB, groupOffice, w.admin]) assertError(await c.get('/group/dashboard'), 403, 'forbidden');
});

test('issued reports of the mines arrive in the company\'s inbox and are acknowledged there', async () => {
  expectStatus(await poB.post(`/incidents/${incB.id}/activate`, {}), 200, 'activate B');
  const draft = expectStatus(await poB.post(`/incidents/${incB.id}/reports`, { kind: 'first' }), 201, 'first report');
  let inbox = expectStatus(await company.get('/group/reports'), 200, 'inbox').reports;
  assert.ok(!inbox.some((r) => r.id === draft.id), 'a draft is not received');
  const issued = expectStatus(await poB.post(`/reports/${draft.id}/issue`, {}), 200, 'issue');
  assert.equal(issued.acknowledgement, null);

  inbox = expectStatus(await company.get('/group/reports?pending=1'), 200, 'inbox').reports;
  const got = inbox.find((r) => r.id === draft.id);
  assert.ok(got, 'the issued 首报 is received');
  assert.equal(got.kind, 'first');
  assert.equal(got.mine, '二号矿');
  assert.equal(got.incident_number, incB.number);
  assert.equal(got.number, issued.number);
  assert.equal(got.acknowledgement, null);

  for (const c of [poB, poA, groupOffice]) {
    assertError(await c.get('/group/reports'), 403, 'forbidden');
    assertError(await c.post(`/group/reports/${draft.id}/acknowledge`, {}), 403, 'forbidden');
  }
  const acked = expectStatus(await company.post(`/group/reports/${draft.id}/acknowledge`, {}), 200, 'acknowledge');
  assert.equal(acked.acknowledgement.by, '公司信访办');
  assert.match(acked.acknowledgement.at, /^\d{4}-\d\d-\d\dT/);
  assertError(await company.post(`/group/reports/${draft.id}/acknowledge`, {}), 409, 'conflict');
  assertError(await company.post('/group/reports/999999/acknowledge', {}), 404, 'not_found');

  // The mine sees it on its report and on the incident's timeline.
  const mine = expectStatus(await poB.get(`/reports/${draft.id}`), 200, 'report as the mine');
  assert.equal(mine.acknowledgement.by, '公司信访办');
  const timeline = expectStatus(await poB.get(`/incidents/${incB.id}/timeline`), 200, 'timeline');
  assert.ok(JSON.stringify(timeline).includes('report.acknowledge'), 'the acknowledgement is on the timeline');
  // Each mine numbers its own reports: mine A's first 首报 is its 1号 too.
  expectStatus(await poA.post(`/incidents/${incA.id}/activate`, {}), 200, 'activate A');
  const draftA = expectStatus(await poA.post(`/incidents/${incA.id}/reports`, { kind: 'first' }), 201, 'first report A');
  const issuedA = expectStatus(await poA.post(`/reports/${draftA.id}/issue`, {}), 200, 'issue A');
  assert.equal(issuedA.number, issued.number);
  assert.match(issuedA.number, /〔\d{4}〕1号/);
  const pending = expectStatus(await company.get('/group/reports?pending=1'), 200, 'pending').reports;
  assert.ok(!pending.some((r) => r.id === draft.id));
  assert.ok(pending.some((r) => r.id === draftA.id && r.mine === '本矿'));
  const audit = expectStatus(await w.admin.get('/audit?after=0&limit=500'), 200, 'audit');
  assert.ok(JSON.stringify(audit).includes('report.acknowledge'), 'audited');
});

test('a mine may have its own plan; the other mines keep the deployment\'s', async () => {
  const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, '../../plans/coal-mine.json'), 'utf8'));
  const own = { ...shipped, title: '二号矿信访工作应急预案' };
  const deployment = expectStatus(await poA.get('/plan'), 200, 'plan A');
  for (const c of [poB, company]) assertError(await c.request('PUT', `/mines/${mineB.id}/plan`, own), 403, 'forbidden');
  assertError(await w.admin.request('PUT', `/mines/${mineB.id}/plan`, { title: 'x' }), 400, 'bad_request');
  assertError(await w.admin.request('PUT', `/mines/${teamB.id}/plan`, own), 404, 'not_found');
  const set = expectStatus(await w.admin.request('PUT', `/mines/${mineB.id}/plan`, own), 200, 'attach');
  assert.equal(set.plan.title, '二号矿信访工作应急预案');
  assert.equal(expectStatus(await poB.get('/plan'), 200, 'plan B').title, '二号矿信访工作应急预案');
  assert.equal(expectStatus(await poA.get('/plan'), 200, 'plan A').id, deployment.id);
  const b = await register(poB, { place: '二矿南门' });
  assert.equal(b.plan.title, '二号矿信访工作应急预案');
  const a = await register(poA, { place: '一矿南门' });
  assert.equal(a.plan.id, deployment.id);
  const mines = expectStatus(await company.get('/group/dashboard'), 200, 'dashboard').mines;
  assert.equal(mines.find((m) => m.id === mineB.id).plan_id, set.plan.id);
  expectStatus(await w.admin.request('DELETE', `/mines/${mineB.id}/plan`), 200, 'detach');
  assert.equal(expectStatus(await poB.get('/plan'), 200, 'plan B').id, deployment.id);
});

test('a mine\'s users read the rosters of their own mine', async () => {
  const { admin } = w;
  const iso = (ms) => new Date(ms).toISOString();
  const now = Date.now();
  const sa = expectStatus(await admin.post('/staff', { staff_number: 'A001', name: '一矿值班员', unit_id: mineA.id }), 201, 'staff A');
  const sb = expectStatus(await admin.post('/staff', { staff_number: 'B001', name: '二矿值班员', unit_id: teamB.id }), 201, 'staff B');
  expectStatus(await admin.post('/leadership', { position: '组长', staff_id: sa.id }), 201, 'leader A');
  expectStatus(await admin.post('/leadership', { position: '组长', staff_id: sb.id }), 201, 'leader B');
  for (const s of [sa, sb]) {
    expectStatus(await admin.post('/duty', { staff_id: s.id, starts_at: iso(now - 3600000), ends_at: iso(now + 3600000) }), 201, 'duty');
  }
  expectStatus(await admin.post('/contacts', { label: '一矿保卫科', unit_id: mineA.id, person: '赵', phone: '13500000011' }), 201, 'contact A');
  expectStatus(await admin.post('/contacts', { label: '二矿保卫科', unit_id: mineB.id, person: '钱', phone: '13500000012' }), 201, 'contact B');
  expectStatus(await admin.post('/contacts', { label: '集团总值班室', person: '孙', phone: '13500000013' }), 201, 'contact of no unit');
  const names = async (c, p, key, field = 'name') => expectStatus(await c.get(p), 200, p)[key].map((x) => x[field]).sort();
  assert.deepEqual(await names(poB, '/staff', 'staff'), ['二矿值班员']);
  assert.deepEqual(await names(poA, '/staff', 'staff'), ['一矿值班员']);
  assert.deepEqual(await names(poB, '/leadership', 'leadership'), ['二矿值班员']);
  assert.deepEqual(await names(poB, `/duty?from=${encodeURIComponent(iso(now - 7200000))}&to=${encodeURIComponent(iso(now + 7200000))}`, 'shifts'),
    ['二矿值班员']);
  const call = expectStatus(await poB.get('/duty/now'), 200, 'duty now');
  assert.ok(!JSON.stringify(call).includes('一矿值班员'), JSON.stringify(call));
  assert.deepEqual(await names(poB, '/contacts', 'contacts', 'label'), ['二矿保卫科', '集团总值班室'].sort());
  assert.deepEqual(await names(groupOffice, '/staff', 'staff'), ['一矿值班员', '二矿值班员'].sort());
  assert.deepEqual(await names(groupOffice, '/contacts', 'contacts', 'label'), ['一矿保卫科', '二矿保卫科', '集团总值班室'].sort());
});

test('a one-mine database keeps its numbers and its users see everything as before', async () => {
  const one = await startAdmin();
  try {
    const root = await rootUnit(one.admin);
    const team = await makeUnit(one.admin, '综采一队', root.id, 'team');
    const po = await makeUser(one.admin, { username: 'po', name: '信访办', unit_id: team.id, roles: ['petition_office'] });
    const rootPo = await makeUser(one.admin, { username: 'po2', name: '信访办2', unit_id: root.id, roles: ['petition_office'] });
    const a = expectStatus(await po.post('/incidents', incidentBody()), 201, 'register');
    const b = expectStatus(await rootPo.post('/incidents', incidentBody()), 201, 'register');
    const year = new Date().getFullYear();
    assert.equal(a.number, `XF-${year}-0001`);
    assert.equal(b.number, `XF-${year}-0002`);
    assert.equal(a.mine_id, root.id, 'the root 本矿 is the mine');
    expectStatus(await rootPo.get(`/incidents/${a.id}`), 200, 'sees the other unit\'s registration');
    expectStatus(await po.get(`/incidents/${b.id}`), 200, 'sees the root\'s registration');
  } finally {
    await one.stop();
  }
});
