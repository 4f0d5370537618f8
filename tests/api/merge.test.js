// API tests for duplicate petitioner files (issue 8 item 7): quick entry asks which
// lines have a likely duplicate (check: true, nothing stored) and links the existing
// file for the lines told so (use_existing) instead of creating a second one; two files
// are merged (POST /persons/{id}/merge): links, matters, family and 包保 move to the kept
// file, its empty fields are filled, the merged file is kept but left out of lists,
// search and duplicates, and answers 308 to the kept one; the merge is audited without
// ID numbers; bad merges name the field; an accusation stays hidden from the accused
// unit after the merge.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { assertError, expectStatus, setupPeople, auditEvents, createPerson } = require('../lib/fixtures.js');

const ID_NUMBER = '320102197001011234';
const ACCUSATION = '检举综采一队队长克扣井下津贴';

let ctx;
let po;

before(async () => {
  ctx = await setupPeople({ users: ['po', 'leader', 'teamHead', 'deptHead', 'auditor', 'off1'] });
  po = ctx.as.po;
});
after(async () => { if (ctx) await ctx.stop(); });

async function newIncident() {
  const inc = expectStatus(await po.post('/incidents', {
    headcount: 5, destination: 'mine', advance_info: true, place: '矿调度楼前', units: [ctx.units.team],
    demands: '要求补发津贴', drill: true,
  }), 201, 'POST /incidents');
  return expectStatus(await po.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
}

async function personCount(name) {
  const list = expectStatus(await po.get(`/persons?q=${encodeURIComponent(name)}`), 200, 'GET /persons').persons;
  return list.filter((p) => p.name === name).length;
}

test('quick entry: check flags duplicates without storing; use_existing links the existing file', async () => {
  const old = await createPerson(po, { name: '严守成', phone: '13700000001', unit_id: ctx.units.team, employment: 'retired' });
  const inc = await newIncident();
  const text = '严守成 综采一队\n柏新民 13700000002 综采一队';
  const check = expectStatus(await po.post(`/incidents/${inc.id}/persons/bulk`, { text, check: true }), 200, 'bulk check');
  assert.equal(check.count, 2);
  assert.equal(check.duplicates.length, 1);
  assert.equal(check.duplicates[0].line, 1);
  assert.equal(check.duplicates[0].name, '严守成');
  assert.deepEqual(check.duplicates[0].matches.map((m) => m.id), [old.id]);
  assert.equal(await personCount('柏新民'), 0, 'check stores nothing');
  const none = expectStatus(await po.get(`/incidents/${inc.id}/persons`), 200, 'incident persons').persons;
  assert.equal(none.length, 0);

  // A line that is not in the list, or a file that does not exist, names the field.
  assertError(await po.post(`/incidents/${inc.id}/persons/bulk`, { text, use_existing: [{ line: 7, person_id: old.id }] }),
    400, 'invalid_field', 'use_existing[0]');
  assertError(await po.post(`/incidents/${inc.id}/persons/bulk`, { text, use_existing: [{ line: 1, person_id: 999999 }] }),
    404, 'not_found', 'use_existing[0].person_id');
  assert.equal(await personCount('柏新民'), 0, 'a refused entry stores nothing');

  const r = expectStatus(await po.post(`/incidents/${inc.id}/persons/bulk`, {
    text, use_existing: [{ line: 1, person_id: old.id }],
  }), 201, 'bulk with use_existing');
  assert.deepEqual(r.linked.map((p) => p.id), [old.id]);
  assert.deepEqual(r.created.map((p) => p.name), ['柏新民']);
  assert.deepEqual(r.duplicates, [], 'a line that used the existing file is not flagged');
  assert.equal(await personCount('严守成'), 1, 'no second file');
  const linked = expectStatus(await po.get(`/incidents/${inc.id}/persons`), 200, 'incident persons').persons;
  assert.deepEqual(linked.map((p) => p.id).sort((a, b) => a - b), [old.id, r.created[0].id].sort((a, b) => a - b));

  // "Create new anyway": without use_existing the line makes a second file, flagged.
  const inc2 = await newIncident();
  const again = expectStatus(await po.post(`/incidents/${inc2.id}/persons/bulk`, { text: '严守成 综采一队' }), 201, 'bulk new anyway');
  assert.equal(again.created.length, 1);
  assert.deepEqual(again.linked, []);
  assert.deepEqual(again.duplicates[0].matches.map((m) => m.id), [old.id]);
  assert.equal(await personCount('严守成'), 2);

  // The persons form of the same request takes use_existing by position (line = index + 1).
  const inc3 = await newIncident();
  const p3 = expectStatus(await po.post(`/incidents/${inc3.id}/persons/bulk`, {
    persons: [{ name: '严守成', unit_id: ctx.units.team, role: 'representative' }], use_existing: [{ line: 1, person_id: old.id }],
  }), 201, 'bulk persons with use_existing');
  assert.deepEqual(p3.linked.map((p) => p.id), [old.id]);
  const rep = expectStatus(await po.get(`/incidents/${inc3.id}/persons`), 200, 'incident persons').persons;
  assert.equal(rep[0].role, 'representative');
});

test('merging two files moves links, fills empty fields, redirects and is audited', async () => {
  const inc = await newIncident();
  const kept = await createPerson(po, { name: '季长庚', unit_id: ctx.units.team, employment: 'retired' });
  const dup = await createPerson(po, {
    name: '季长庚', id_number: ID_NUMBER, phone: '13700000011', address: '矿区生活区5栋', unit_id: ctx.units.team,
    note: '多次上访', family: [{ name: '季梅', relation: '女儿' }], incident_id: inc.id, role: 'representative',
  });
  const matter = expectStatus(await po.post(`/persons/${dup.id}/matters`, { category: 'appeal', content: '申诉退休待遇核算' }),
    201, 'matter on the duplicate');
  const asg = expectStatus(await po.post(`/incidents/${inc.id}/assignments`, {
    pairs: [{ person_id: dup.id, official_id: ctx.as.off1.user.id }],
  }), 201, 'assign the duplicate');
  assert.ok(asg);
  const seq = (await auditEvents(ctx.as.auditor)).slice(-1)[0].seq;

  const merged = expectStatus(await po.post(`/persons/${dup.id}/merge`, { into: kept.id, reason: '同一人重复建档' }),
    200, 'merge');
  assert.equal(merged.id, kept.id);
  assert.equal(merged.phone, '13700000011', 'an empty phone is filled');
  assert.equal(merged.address, '矿区生活区5栋');
  assert.equal(merged.note, '多次上访');
  assert.equal(merged.id_number, '3201**********1234', 'the ID number is filled, masked');
  assert.deepEqual(merged.incidents.map((i) => [i.incident_id, i.role]), [[inc.id, 'representative']]);
  assert.deepEqual(merged.matters.map((m) => m.id), [matter.id]);
  assert.deepEqual(merged.family.map((f) => f.name), ['季梅']);
  assert.ok(merged.assignment && merged.assignment.person.id === kept.id, 'the 包保 moved');
  assert.deepEqual(merged.duplicates, [], 'the merged file is no longer a likely duplicate');

  // The old address answers 308 to the kept file; a client that follows gets it.
  const raw = await fetch(`${ctx.srv.base}/api/v1/persons/${dup.id}`, { headers: { cookie: po.cookie }, redirect: 'manual' });
  assert.equal(raw.status, 308);
  assert.equal(raw.headers.get('location'), `/api/v1/persons/${kept.id}`);
  const body = await raw.json();
  assert.equal(body.merged_into, kept.id);
  const followed = expectStatus(await po.get(`/persons/${dup.id}`), 200, 'GET merged (followed)');
  assert.equal(followed.id, kept.id);

  // Lists, search and the incident list the kept file only.
  const list = expectStatus(await po.get('/persons?q=' + encodeURIComponent('季长庚')), 200, 'list').persons;
  assert.deepEqual(list.map((p) => p.id), [kept.id]);
  assert.equal(list[0].duplicate_count, 0);
  const hits = expectStatus(await po.get('/search?q=' + encodeURIComponent('季长庚')), 200, 'search').hits;
  assert.ok(!hits.some((h) => h.kind === 'person' && h.id === dup.id), `search lists the merged file: ${JSON.stringify(hits)}`);
  const ip = expectStatus(await po.get(`/incidents/${inc.id}/persons`), 200, 'incident persons').persons;
  assert.deepEqual(ip.map((p) => p.id), [kept.id]);

  // The audit event names both files and the reason, never the ID number.
  const events = (await auditEvents(ctx.as.auditor, seq)).filter((e) => e.action === 'person.merge');
  assert.equal(events.length, 1);
  assert.equal(events[0].object_id, String(kept.id));
  assert.equal(events[0].data.from_id, dup.id);
  assert.equal(events[0].data.into_id, kept.id);
  assert.equal(events[0].data.reason, '同一人重复建档');
  assert.ok(events[0].data.filled.includes('id_number'));
  assert.ok(!JSON.stringify(events[0]).includes(ID_NUMBER), 'the ID number is not in the event');

  // A merged file takes no more changes, links or merges.
  assertError(await po.patch(`/persons/${dup.id}`, { phone: '13700000099' }), 409, 'merged');
  assertError(await po.post(`/incidents/${inc.id}/persons`, { person_id: dup.id }), 409, 'merged', 'person_id');
});

test('bad merges name the field; only the petition office merges', async () => {
  const a = await createPerson(po, { name: '郝立新', unit_id: ctx.units.team });
  const b = await createPerson(po, { name: '郝立新', unit_id: ctx.units.team });
  const c = await createPerson(po, { name: '郝立新', unit_id: ctx.units.team });
  assertError(await po.post(`/persons/${a.id}/merge`, { into: a.id, reason: '重复' }), 400, 'invalid_field', 'into');
  assertError(await po.post(`/persons/${a.id}/merge`, { into: b.id }), 400, 'invalid_field', 'reason');
  assertError(await po.post(`/persons/${a.id}/merge`, { into: b.id, reason: '' }), 400, 'invalid_field', 'reason');
  assertError(await po.post(`/persons/${a.id}/merge`, { reason: '重复' }), 400, 'invalid_field', 'into');
  assertError(await po.post(`/persons/${a.id}/merge`, { into: 999999, reason: '重复' }), 404, 'not_found', 'into');
  assertError(await ctx.as.leader.post(`/persons/${a.id}/merge`, { into: b.id, reason: '重复' }), 403, 'forbidden');
  expectStatus(await po.post(`/persons/${b.id}/merge`, { into: c.id, reason: '重复' }), 200, 'merge b into c');
  assertError(await po.post(`/persons/${a.id}/merge`, { into: b.id, reason: '重复' }), 409, 'merged', 'into');
  assertError(await po.post(`/persons/${b.id}/merge`, { into: a.id, reason: '重复' }), 409, 'merged');
  // Merging the kept file on: the older merged file follows to the new one.
  expectStatus(await po.post(`/persons/${c.id}/merge`, { into: a.id, reason: '重复' }), 200, 'merge c into a');
  const raw = await fetch(`${ctx.srv.base}/api/v1/persons/${b.id}`, { headers: { cookie: po.cookie }, redirect: 'manual' });
  assert.equal(raw.status, 308);
  assert.equal(raw.headers.get('location'), `/api/v1/persons/${a.id}`);
});

test('an accusation moved by a merge stays hidden from the accused unit', async () => {
  const inc = await newIncident();
  const kept = await createPerson(po, { name: '褚明远', unit_id: ctx.units.team, incident_id: inc.id });
  const dup = await createPerson(po, { name: '褚明远', unit_id: ctx.units.dept });
  const acc = expectStatus(await po.post(`/persons/${dup.id}/matters`, {
    category: 'accusation', content: ACCUSATION, accused_unit_id: ctx.units.team,
  }), 201, 'accusation');
  expectStatus(await po.post(`/persons/${dup.id}/merge`, { into: kept.id, reason: '同一人' }), 200, 'merge');
  const mine = expectStatus(await po.get(`/persons/${kept.id}`), 200, 'kept as petition office');
  assert.deepEqual(mine.matters.map((m) => m.id), [acc.id]);
  // The head of 综采一队 sees the kept file (their unit) but not the accusation against it.
  const r = await ctx.as.teamHead.get(`/persons/${kept.id}`);
  const f = expectStatus(r, 200, 'kept as team head');
  assert.deepEqual(f.matters, []);
  assert.ok(!r.text.includes('克扣'), 'the accusation leaks to the accused unit');
  // Nor through the old address.
  const old = await ctx.as.teamHead.get(`/persons/${dup.id}`);
  assert.equal(old.status, 200);
  assert.ok(!old.text.includes('克扣'));
  // The 机电科 head saw the merged file (their unit); the kept one is not theirs to see.
  assertError(await ctx.as.deptHead.get(`/persons/${dup.id}`), 404, 'not_found');
});
