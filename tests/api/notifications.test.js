// Who gets what (issue 12 items 3-6, docs/notifications.md "谁收到什么"): the plan's
// recipients get in-app notifications and outbound messages when an incident is
// registered, a task assigned or overdue; an unacknowledged overdue task climbs to the
// assignee's superior, then the 组长, after the grade's (test-shortened) waits, and 收到
// stops the climb; quiet hours delay outbound messages but not in-app ones, except for
// grades I-II; a notification is its recipient's only; the unread count; the incident's
// list of who was told what. One server for the file (XINFANG_NOTIFY_MINUTE_MS=40: a
// grade II wait of 15 minutes is 600 ms).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startAdmin, rootUnit, makeUnit, makeUser, expectStatus, assertError, sleep } = require('../lib/fixtures.js');
const { Client } = require('../lib/server.js');
const { startReceiver, waitFor } = require('../lib/receivers.js');

const MINUTE_MS = 40;
const CAST = {
  po: ['xfb', '信访办刘敏', 'root', ['petition_office']],
  zuzhang: ['zuzhang', '组长陈刚', 'root', ['leader']],
  fuzuzhang: ['fuzuzhang', '副组长王涛', 'root', ['leader']],
  teamHead: ['zcyd.head', '综采一队队长王强', 'team', ['unit_head']],
  off: ['baobao1', '包保责任人周平', 'shift', ['official']],
  other: ['baobao2', '包保责任人吴静', 'dept', ['official']],
  auditor: ['shenji', '审计郑洁', 'root', ['auditor']],
};

let world, as, wecom, personal;
const PHONE = { zuzhang: '13800000001', fuzuzhang: '13800000002' };

before(async () => {
  world = await startAdmin({ env: { XINFANG_OVERDUE_INTERVAL_MS: '100', XINFANG_NOTIFY_MINUTE_MS: String(MINUTE_MS) } });
  const { admin } = world;
  const root = await rootUnit(admin);
  const team = (await makeUnit(admin, '综采一队', root.id, 'team')).id;
  const shift = (await makeUnit(admin, '一班', team, 'team')).id;
  const dept = (await makeUnit(admin, '机电科', root.id, 'department')).id;
  world.units = { root: root.id, team, shift, dept };
  const keys = Object.keys(CAST);
  const made = await Promise.all(keys.map((k) => {
    const [username, name, unit, roles] = CAST[k];
    return makeUser(admin, { username, name, unit_id: world.units[unit], roles });
  }));
  as = { admin };
  keys.forEach((k, i) => { as[k] = made[i]; });
  // 综采一队's head is the superior of 一班's people (一班 has no head of its own).
  expectStatus(await admin.patch(`/units/${world.units.team}`, { head_user_id: as.teamHead.user.id }), 200, 'team head');
  expectStatus(await admin.post('/leadership', { position: '组长', user_id: as.zuzhang.user.id }), 201, '组长');
  expectStatus(await admin.post('/leadership', { position: '副组长', user_id: as.fuzuzhang.user.id }), 201, '副组长');
  for (const who of Object.keys(PHONE)) {
    expectStatus(await admin.patch(`/users/${as[who].user.id}`, { phone: PHONE[who] }), 200, `${who}'s phone`);
  }
  wecom = await startReceiver('wecom');
  // A robot that @mentions each person told: the outbound messages to one user.
  personal = await startReceiver('wecom');
  expectStatus(await admin.post('/channels', { kind: 'wecom', name: '值班提醒群', url: personal.url, mentions: true,
    events: ['matter.due'] }), 201, 'personal channel');
  expectStatus(await admin.post('/channels', { kind: 'wecom', name: '领导小组群', url: wecom.url,
    events: ['incident.register', 'task.escalate'] }), 201, 'wecom channel');
});

after(async () => {
  if (wecom) await wecom.stop();
  if (personal) await personal.stop();
  if (world) await world.stop();
});

async function mine(client) {
  return expectStatus(await client.get('/notifications'), 200, 'GET /notifications');
}

function registration(fields) {
  return { headcount: 8, destination: 'mine', advance_info: true, place: '矿办公楼门前', units: [world.units.team],
    demands: '要求补发拖欠工资', drill: false, ...fields };
}

test('a grade II registration tells the leadership group in-app and the 企业微信 group within 2 s', async () => {
  const t0 = Date.now();
  const inc = expectStatus(await as.po.post('/incidents', registration({ headcount: 35 })), 201, 'register');
  assert.equal(inc.grade, 'II');
  const got = await waitFor(() => wecom.received.find((m) => JSON.stringify(m.body).includes(inc.number)),
    2000, 'the 企业微信 message');
  assert.ok(Date.now() - t0 < 2000, 'delivered within 2 s');
  const content = got.body.text ? got.body.text.content : got.body.markdown.content;
  assert.match(content, /二级/);
  assert.doesNotMatch(content, /要求补发拖欠工资/, 'no demands in a message');
  for (const who of ['zuzhang', 'fuzuzhang']) {
    const list = await mine(as[who]);
    const n = list.notifications.find((x) => x.incident_id === inc.id && x.kind === 'incident.register');
    assert.ok(n, `${who} is told`);
    assert.match(n.text, new RegExp(inc.number));
    assert.match(n.text, /35人/);
    assert.equal(n.link, `#/notifications/${n.id}`);
    assert.equal(n.read_at, null);
    assert.equal(n.acknowledged_at, null);
    assert.ok(list.unread >= 1);
  }
  // The one who registered is not told of their own act; nobody outside the rule is.
  for (const who of ['po', 'off', 'other', 'teamHead']) {
    const list = await mine(as[who]);
    assert.equal(list.notifications.filter((x) => x.incident_id === inc.id).length, 0, `${who} not told`);
  }
});

test('a notification is its recipient\'s only; 收到 marks it, the incident shows who was told', async () => {
  const inc = expectStatus(await as.po.post('/incidents', registration({ headcount: 31 })), 201, 'register');
  const n = (await mine(as.zuzhang)).notifications.find((x) => x.incident_id === inc.id);
  assert.ok(n);
  // Another user, whatever the roles: 404, and nothing changes.
  for (const who of ['fuzuzhang', 'po', 'other', 'auditor', 'admin']) {
    assertError(await as[who].get(`/notifications/${n.id}`), 404, 'not_found');
    assertError(await as[who].post(`/notifications/${n.id}/ack`, {}), 404, 'not_found');
  }
  assertError(await new Client(world.srv.base).get('/notifications'), 401, 'unauthenticated');
  assertError(await as.zuzhang.post('/notifications/999999/ack', {}), 404, 'not_found');
  const own = expectStatus(await as.zuzhang.get(`/notifications/${n.id}`), 200, 'own');
  assert.equal(own.acknowledged_at, null);
  const acked = expectStatus(await as.zuzhang.post(`/notifications/${n.id}/ack`, {}), 200, 'ack');
  assert.ok(acked.acknowledged_at && acked.read_at);
  const again = expectStatus(await as.zuzhang.post(`/notifications/${n.id}/ack`, {}), 200, 'ack again');
  assert.equal(again.acknowledged_at, acked.acknowledged_at);
  // Who was told what and when, who acknowledged: for those who may see the incident.
  const told = expectStatus(await as.po.get(`/incidents/${inc.id}/notifications`), 200, 'told').notifications;
  const byName = Object.fromEntries(told.map((x) => [x.name, x]));
  assert.ok(byName['组长陈刚'].acknowledged_at);
  assert.equal(byName['副组长王涛'].acknowledged_at, null);
  assert.equal(byName['组长陈刚'].kind, 'incident.register');
  for (const who of ['zuzhang', 'auditor']) expectStatus(await as[who].get(`/incidents/${inc.id}/notifications`), 200, who);
  assertError(await as.other.get(`/incidents/${inc.id}/notifications`), 404, 'not_found');
  // The timeline says who acknowledged.
  const timeline = expectStatus(await as.po.get(`/incidents/${inc.id}/timeline`), 200, 'timeline');
  assert.ok(JSON.stringify(timeline).includes('组长陈刚已收到通知'));
});

test('an overdue task escalates to the superior, then the 组长; 收到 stops the climb', async () => {
  const inc = expectStatus(await as.po.post('/incidents', registration({ headcount: 32 })), 201, 'register');
  expectStatus(await as.po.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
  const task = expectStatus(await as.po.post(`/incidents/${inc.id}/tasks`,
    { title: '逐户走访做好解释', due_minutes: 0, assignee_id: as.off.user.id }), 201, 'task');
  // Assigned, then overdue: the assignee is told of both.
  const told = (kind, who) => mine(as[who]).then((l) => l.notifications.find((x) => x.task_id === task.id && x.kind === kind));
  assert.ok(await told('task.assign', 'off'), 'assignee told of the task');
  const overdue = await waitFor(() => told('task.overdue', 'off'), 3000, 'overdue notice');
  assert.equal(overdue.level, 0);
  assert.equal(await told('task.escalate', 'teamHead'), undefined, 'no climb before the wait');
  const l1 = await waitFor(() => told('task.escalate', 'teamHead'), 4000, 'level 1: the superior');
  assert.equal(l1.level, 1);
  const l1at = Date.parse(l1.created_at), l0at = Date.parse(overdue.created_at);
  assert.ok(l1at - l0at >= 15 * MINUTE_MS, `waited the grade's 15 minutes (${l1at - l0at} ms)`);
  const l2 = await waitFor(() => told('task.escalate', 'zuzhang'), 4000, 'level 2: the 组长');
  assert.equal(l2.level, 2);
  assert.ok(Date.parse(l2.created_at) - l1at >= 15 * MINUTE_MS);
  await waitFor(() => wecom.received.some((m) => JSON.stringify(m.body).includes('第2级')), 2000, 'the group channel hears the climb');
  await waitFor(() => personal.received.some((m) => JSON.stringify(m.body).includes('第2级')
    && JSON.stringify(m.body).includes(PHONE.zuzhang)), 2000, 'the 组长 is @mentioned with the climb');

  // A second task whose assignee says 收到 at once never climbs.
  const task2 = expectStatus(await as.po.post(`/incidents/${inc.id}/tasks`,
    { title: '联系家属', due_minutes: 0, assignee_id: as.off.user.id }), 201, 'task 2');
  const o2 = await waitFor(() => mine(as.off).then((l) => l.notifications.find((x) => x.task_id === task2.id && x.kind === 'task.overdue')),
    3000, 'overdue notice 2');
  expectStatus(await as.off.post(`/notifications/${o2.id}/ack`, {}), 200, 'ack');
  await sleep(45 * MINUTE_MS);
  const climbed = (await mine(as.teamHead)).notifications.filter((x) => x.task_id === task2.id);
  assert.equal(climbed.length, 0, 'acknowledged: no escalation');
});

test('quiet hours delay outbound messages but not in-app ones, except grades I-II', async () => {
  // Quiet hours around now, Beijing time.
  const minute = (ms) => { const d = new Date(ms + 8 * 3600000); return d.getUTCHours() * 60 + d.getUTCMinutes(); };
  const hhmm = (m) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const now = Date.now();
  const from = hhmm((minute(now) + 1440 - 60) % 1440), to = hhmm((minute(now) + 60) % 1440);
  const prefs = expectStatus(await as.fuzuzhang.request('PUT', '/me/notification-preferences', { quiet_hours: { from, to } }), 200, 'PUT prefs');
  assert.deepEqual(prefs.quiet_hours, { from, to });
  assert.deepEqual(expectStatus(await as.fuzuzhang.get('/me/notification-preferences'), 200, 'GET prefs').quiet_hours, { from, to });
  assert.equal(expectStatus(await as.zuzhang.get('/me/notification-preferences'), 200, 'others').quiet_hours, null);
  assertError(await as.fuzuzhang.request('PUT', '/me/notification-preferences', { quiet_hours: { from: '25:00', to: '07:00' } }), 400, 'invalid_field', 'quiet_hours');
  assertError(await as.fuzuzhang.request('PUT', '/me/notification-preferences', { routes: { 'x.y': ['app'] } }), 400, 'invalid_field', 'routes');

  const low = expectStatus(await as.po.post('/incidents', registration({ headcount: 4 })), 201, 'grade IV');
  assert.equal(low.grade, 'IV');
  const high = expectStatus(await as.po.post('/incidents', registration({ headcount: 33 })), 201, 'grade II');
  const toldOf = async (inc) => Object.fromEntries(expectStatus(await as.po.get(`/incidents/${inc.id}/notifications`), 200, 'told')
    .notifications.map((x) => [x.name, x]));
  const lowTold = await toldOf(low), highTold = await toldOf(high);
  // In-app at once for everyone.
  assert.ok((await mine(as.fuzuzhang)).notifications.some((x) => x.incident_id === low.id));
  // Outbound after the quiet hours for grade IV; at once for grade II and for those without.
  const until = Date.parse(lowTold['副组长王涛'].outbound_not_before);
  assert.ok(until > now + 55 * 60000 && until <= now + 61 * 60000, `not before the end of quiet hours: ${lowTold['副组长王涛'].outbound_not_before}`);
  assert.equal(lowTold['组长陈刚'].outbound_not_before, null);
  assert.equal(highTold['副组长王涛'].outbound_not_before, null);
  // Delivered: the 组长's grade IV message and the 副组长's grade II one; not the 副组长's grade IV one.
  const sentTo = (who, inc) => personal.received.some((m) => JSON.stringify(m.body).includes(PHONE[who])
    && JSON.stringify(m.body).includes(inc.number));
  await waitFor(() => sentTo('zuzhang', low) && sentTo('fuzuzhang', high), 2000, 'outbound outside quiet hours');
  await sleep(300);
  assert.equal(sentTo('fuzuzhang', low), false, 'held until the quiet hours end');
  expectStatus(await as.fuzuzhang.request('PUT', '/me/notification-preferences', { quiet_hours: null }), 200, 'clear');
});

test('an upgrade tells the leadership group again; an assignment tells the assignee', async () => {
  const inc = expectStatus(await as.po.post('/incidents', registration({ headcount: 5 })), 201, 'register');
  assert.equal(inc.grade, 'IV');
  expectStatus(await as.po.patch(`/incidents/${inc.id}`, { headcount: 36 }), 200, 'more people: grade II');
  const up = (await mine(as.zuzhang)).notifications.find((x) => x.incident_id === inc.id && x.kind === 'incident.upgrade');
  assert.ok(up, 'the 组长 is told of the upgrade');
  assert.match(up.text, /升级为二级/);
  assert.equal(up.grade, 'II');
  expectStatus(await as.po.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
  const task = expectStatus(await as.po.post(`/incidents/${inc.id}/tasks`, { title: '核实人员身份', due_minutes: 60 }), 201, 'task');
  expectStatus(await as.po.patch(`/tasks/${task.id}`, { action: 'assign', assignee_id: as.other.user.id }), 200, 'assign');
  const n = (await mine(as.other)).notifications.find((x) => x.task_id === task.id);
  assert.equal(n.kind, 'task.assign');
  assert.match(n.text, /核实人员身份/);
});

test('a report-up limit about to pass tells the petition office once', async () => {
  // Happened 25 minutes ago: grade II's oral report is due in 5 minutes, within the lead of 10.
  const occurred = new Date(Date.now() - 25 * 60000).toISOString();
  const inc = expectStatus(await as.po.post('/incidents', registration({ headcount: 34, occurred_at: occurred })), 201, 'register');
  expectStatus(await as.po.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
  const dueOf = async () => (await mine(as.po)).notifications.filter((x) => x.incident_id === inc.id && x.kind === 'report_up.due');
  const due = await waitFor(async () => { const l = await dueOf(); return l.length ? l : null; }, 3000, 'report_up.due');
  assert.equal(due.length, 1, 'the oral report only (the written one is due in 35 minutes)');
  assert.match(due[0].text, new RegExp(inc.number));
  await sleep(400);
  assert.equal((await dueOf()).length, 1, 'once per task');
  assert.equal((await mine(as.zuzhang)).notifications.filter((x) => x.kind === 'report_up.due').length, 0);
});

test('the unread count and marking read', async () => {
  const before = await mine(as.fuzuzhang);
  assert.ok(before.unread >= 2);
  assert.equal(before.unread, before.notifications.filter((x) => x.read_at === null).length);
  const one = before.notifications.find((x) => x.read_at === null);
  const r = expectStatus(await as.fuzuzhang.post('/notifications/read', { ids: [one.id] }), 200, 'read one');
  assert.equal(r.read, 1);
  assert.equal(r.unread, before.unread - 1);
  // Another user's ids are not theirs to mark.
  const z = (await mine(as.zuzhang)).notifications.find((x) => x.read_at === null);
  assert.equal(expectStatus(await as.fuzuzhang.post('/notifications/read', { ids: [z.id] }), 200, 'not mine').read, 0);
  assert.equal((await mine(as.zuzhang)).notifications.find((x) => x.id === z.id).read_at, null);
  assertError(await as.fuzuzhang.post('/notifications/read', {}), 400, 'invalid_field', 'ids');
  assertError(await as.fuzuzhang.post('/notifications/read', { ids: ['x'] }), 400, 'invalid_field', 'ids');
  assert.equal(expectStatus(await as.fuzuzhang.post('/notifications/read', { all: true }), 200, 'all').unread, 0);
  assert.equal((await mine(as.fuzuzhang)).unread, 0);
  // Every role reads its own list.
  for (const who of Object.keys(as)) expectStatus(await as[who].get('/notifications?limit=5'), 200, who);
});

test('3 days before a matter\'s legal deadline its handler is told, once, without the matter\'s content', async () => {
  const DAY = 24 * 3600 * 1000;
  const person = expectStatus(await as.po.post('/persons', { name: '赵大海', unit_id: world.units.team }), 201, 'person');
  // Received 13 days ago: Art. 22-23's 15 days end within 3 days.
  const content = '反映井下通风补贴未按标准发放的问题';
  let m = expectStatus(await as.po.post('/matters', { person_id: person.id, category: 'appeal', content,
    channel: 'letter', received_at: new Date(Date.now() - 13 * DAY).toISOString(), unit_id: world.units.dept }), 201, 'matter');
  // Accepted but its 受理告知书 not yet issued: the acceptance clock still runs.
  expectStatus(await as.po.post(`/matters/${m.id}/accept`, {}), 200, 'accept');
  m = expectStatus(await as.po.post(`/matters/${m.id}/assign`, { unit_id: world.units.dept, handler_id: as.other.user.id }), 200, 'assign');
  const told = await waitFor(async () => (await mine(as.other)).notifications.find((n) => n.kind === 'matter.due'), 8000);
  assert.ok(told, 'the handler is told');
  assert.ok(!told.text.includes('通风补贴'), `no content in "${told.text}"`);
  const phone = await waitFor(() => personal.received.find((r) => JSON.stringify(r.body).includes('信访事项')), 5000);
  assert.ok(phone, 'the mentioning robot got the message');
  assert.ok(!JSON.stringify(phone.body).includes('通风补贴'));
  await sleep(500); // a few more scans
  const all = (await mine(as.other)).notifications.filter((n) => n.kind === 'matter.due');
  assert.equal(all.length, 1, 'told once');
});
