// API tests of the sealed archive (issue 9 item 8): archiving an incident seals it (a
// SHA-256 over its snapshot, stored and appended as an event); afterwards every kind of
// change to it, its tasks, notes, records, reports, evaluation and links answers 409
// `sealed` while 包保 follow-ups go on; GET /incidents/{id}/archive downloads a ZIP whose
// manifest.json names every file with the SHA-256 of the bytes inside; `xinfang
// retention` lists and deletes records past the plan's retention without breaking the
// seal; a task row edited in the database after sealing makes `xinfang check` fail
// naming the incident.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { binary } = require('../lib/server.js');
const { sql, trySql, dbArgs } = require('../lib/db.js');
const {
  setupIncidents, registerActive, tasksOf, expectStatus, assertError, auditEvents, png: picture, upload: uploadAs,
  getBytes: getBytesAs,
} = require('../lib/fixtures.js');

// Every picture differs (a fresh sha256), and answers come in English.
const png = (w, h) => picture(w, h, (x) => x * 7 + Date.now());
const upload = (client, id, fields, file) => uploadAs(client, id, fields, file, { 'Accept-Language': 'en' });
const getBytes = (client, p) => getBytesAs(client, p, { 'Accept-Language': 'en' });

let ctx, po;
test.before(async () => {
  ctx = await setupIncidents();
  po = ctx.as.petition_office;
});
test.after(async () => { if (ctx) await ctx.stop(); });

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const SCORES = Object.fromEntries(['speed', 'measures', 'stability', 'resolution', 'coordination']
  .map((id) => [id, { score: 4, comment: '良好' }]));

async function transition(client, id, to) {
  return expectStatus(await client.post(`/incidents/${id}/transition`, { to }), 200, `transition to ${to}`);
}

// An incident with records, a note, a person under 包保, a dispatch, an issued 终报 and
// a draft 工作总结, taken through the closing rules (issue 9 item 7) to `archived`.
async function archivedIncident(extra = {}) {
  const inc = await registerActive(po, { headcount: 23, destination: 'mine', advance_info: true,
    place: '集团公司大门', demands: '退休人员要求落实待遇', ...extra });
  const photo = expectStatus(await upload(po, inc.id, { kind: 'photo', title: '现场照片' },
    { name: '现场.png', data: png(40, 30) }), 201, 'upload photo');
  const doc = expectStatus(await upload(po, inc.id, { kind: 'document', title: '来信' },
    { name: 'letter.txt', data: Buffer.from(`来信内容 ${inc.number} ${Date.now()}`) }), 201, 'upload document');
  expectStatus(await po.post(`/incidents/${inc.id}/notes`, { text: '现场秩序平稳' }), 201, 'note');
  const person = expectStatus(await po.post('/persons', { name: '周退休', unit_id: ctx.units.team,
    incident_id: inc.id, role: 'representative' }), 201, 'person');
  const interview = expectStatus(await po.post(`/incidents/${inc.id}/interviews`, {
    title: '与代表谈话', held_at: new Date().toISOString(), place: '接待室',
    officials: [po.user.id], petitioners: [person.id], demands: '落实退休待遇', agreed: '三日内答复' }), 201, 'interview');
  const assignment = expectStatus(await po.post(`/incidents/${inc.id}/assignments`,
    { pairs: [{ person_id: person.id, official_id: ctx.as.official.user.id }] }), 201, '包保');
  const dispatch = expectStatus(await po.post(`/incidents/${inc.id}/dispatches`,
    { resource: 'guards', quantity: 2 }), 201, 'dispatch');
  await transition(po, inc.id, 'resolving');
  await transition(po, inc.id, 'evaluating');
  expectStatus(await po.request('PUT', `/incidents/${inc.id}/evaluation`,
    { scores: SCORES, lessons: '答复及时', complete: true }), 200, 'evaluation completed');
  const final = expectStatus(await po.post(`/incidents/${inc.id}/reports`, { kind: 'final' }), 201, 'final report');
  expectStatus(await po.post(`/reports/${final.id}/issue`, {}), 200, 'issue the final report');
  const summary = expectStatus(await po.post(`/incidents/${inc.id}/reports`, { kind: 'summary' }), 201, 'summary draft');
  await transition(po, inc.id, 'reported');
  for (const t of await tasksOf(po, inc.id)) {
    if (t.kind === 'closing' && ['C1', 'C2', 'C3', 'C4'].includes(t.step_id)) {
      expectStatus(await po.patch(`/tasks/${t.id}`, { action: 'complete', note: `${t.step_id} 已完成` }), 200, t.step_id);
    } else if (['step', 'recurring', 'decision'].includes(t.kind) && ['pending', 'in_progress'].includes(t.status)) {
      expectStatus(await po.patch(`/tasks/${t.id}`, { action: 'skip', reason: '事件已化解' }), 200, `skip ${t.title}`);
    }
  }
  const archived = await transition(po, inc.id, 'archived');
  assert.equal(archived.status, 'archived');
  return { inc, photo, doc, interview, person, assignment, dispatch, final, summary };
}

function check(srv) {
  return spawnSync(binary, ['check', ...dbArgs(srv)], { encoding: 'utf8' });
}

let sealed; // the incident of the first test, used by the later ones

test('archiving seals the incident: the seal is stored, an event, and recomputes the same', async () => {
  sealed = await archivedIncident();
  const { inc } = sealed;
  const seal = expectStatus(await po.get(`/incidents/${inc.id}/seal`), 200, 'GET seal');
  assert.equal(seal.sealed, true);
  assert.equal(seal.intact, true);
  assert.match(seal.hash, /^[0-9a-f]{64}$/);
  assert.match(seal.audit_head, /^[0-9a-f]{64}$/);
  assert.equal(seal.format, 'xinfang-seal-v1');
  const events = await auditEvents(ctx.admin);
  const ev = events.filter((e) => e.action === 'incident.seal' && e.object_id === String(inc.id));
  assert.equal(ev.length, 1, 'one incident.seal event');
  assert.equal(ev[0].data.seal, seal.hash);
  assert.equal(ev[0].data.audit_seq, seal.audit_seq);
  // The chain head it was taken at is the archiving transition just before it.
  const at = events.find((e) => e.seq === seal.audit_seq);
  assert.equal(at.action, 'incident.transition');
  assert.equal(at.data.to, 'archived');
  // An incident not archived has no seal.
  const open = await registerActive(po, {});
  assert.equal(expectStatus(await po.get(`/incidents/${open.id}/seal`), 200, 'seal of open').sealed, false);
  const r = check(ctx.srv);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 seals intact/);
});

test('every kind of change to a sealed incident answers 409 sealed; 包保 follow-ups go on', async () => {
  const { inc, photo, person, assignment, dispatch, final, summary } = sealed;
  const tasks = await tasksOf(po, inc.id);
  const task = tasks[0];
  const before = expectStatus(await po.get(`/incidents/${inc.id}`), 200, 'GET incident');
  const attempts = [
    ['PATCH incident facts', () => po.patch(`/incidents/${inc.id}`, { place: '改过的地点' })],
    ['PATCH incident headcount', () => po.patch(`/incidents/${inc.id}`, { headcount: 50 })],
    ['POST note', () => po.post(`/incidents/${inc.id}/notes`, { text: '补记' })],
    ['upload a record', () => upload(po, inc.id, { kind: 'photo' }, { name: 'x.png', data: png(8, 8) })],
    ['POST interview', () => po.post(`/incidents/${inc.id}/interviews`, { held_at: new Date().toISOString(),
      officials: [po.user.id], petitioners: [person.id], demands: '补谈' })],
    ['complete a task', () => po.patch(`/tasks/${task.id}`, { action: 'complete', note: '补' })],
    ['reopen a task', () => po.patch(`/tasks/${task.id}`, { action: 'start' })],
    ['add a task', () => po.post(`/incidents/${inc.id}/tasks`, { title: '补充任务', due_minutes: 60 })],
    ['status change', () => po.post(`/incidents/${inc.id}/transition`, { to: 'reported' })],
    ['override', () => po.post(`/incidents/${inc.id}/override`, { grade: 'I', reason: '改级别' })],
    ['evaluation', () => po.request('PUT', `/incidents/${inc.id}/evaluation`, { lessons: '改' })],
    ['new report', () => po.post(`/incidents/${inc.id}/reports`, { kind: 'summary' })],
    ['edit a draft report', () => po.patch(`/reports/${summary.id}`, { title: '改过的标题' })],
    ['issue a draft report', () => po.post(`/reports/${summary.id}/issue`, {})],
    ['correct an issued report', () => po.post(`/reports/${final.id}/correct`, {})],
    ['link a person', () => po.post(`/incidents/${inc.id}/persons`, { person_id: person.id, role: 'participant' })],
    ['unlink a person', () => po.del(`/incidents/${inc.id}/persons/${person.id}`)],
    ['new person of the incident', () => po.post('/persons', { name: '吴新增', unit_id: ctx.units.team, incident_id: inc.id })],
    ['new 包保 on the incident', () => po.post(`/incidents/${inc.id}/assignments`,
      { pairs: [{ person_id: person.id, official_id: ctx.as.official.user.id }] })],
    ['dispatch', () => po.post(`/incidents/${inc.id}/dispatches`, { resource: 'vehicles', quantity: 1 })],
    ['update a dispatch', () => po.patch(`/dispatches/${dispatch.id}`, { released: true })],
    ['meeting', () => po.post(`/incidents/${inc.id}/meetings`, { kind: 'leadership',
      starts_at: new Date().toISOString(), place: '会议室', attendees: [po.user.id] })],
  ];
  for (const [what, run] of attempts) {
    const r = await run();
    assert.equal(r.status, 409, `${what}: expected 409 sealed, got ${r.status} ${r.text.slice(0, 300)}`);
    assertError(r, 409, 'sealed');
    assert.match(r.json.error.message, /archived and sealed|sealed/, what);
  }
  // Nothing changed, and the seal still holds.
  const after = expectStatus(await po.get(`/incidents/${inc.id}`), 200, 'GET incident');
  assert.equal(after.place, before.place);
  assert.equal(after.headcount, before.headcount);
  assert.equal(after.updated_at, before.updated_at);
  assert.equal(expectStatus(await po.get(`/incidents/${inc.id}/seal`), 200, 'seal').intact, true);
  // The message says so in Chinese too.
  const zh = await po.request('POST', `/incidents/${inc.id}/notes`, { text: '补记' }, { 'Accept-Language': 'zh' });
  assert.equal(zh.status, 409);
  assert.match(zh.json.error.message, /已归档封存/);
  // Reads and downloads go on.
  expectStatus(await po.get(`/incidents/${inc.id}/tasks`), 200, 'tasks');
  const file = await getBytes(po, `/records/${photo.id}/file`);
  assert.equal(file.status, 200);
  // 包保 belongs to the person: follow-ups continue after archiving.
  const f = await ctx.as.official.post(`/assignments/${assignment.assignments[0].id}/followups`,
    { kind: 'visit', content: '归档后回访，情绪稳定' });
  assert.equal(f.status, 201, `follow-up after archiving: ${f.status} ${f.text.slice(0, 300)}`);
  const r = check(ctx.srv);
  assert.equal(r.status, 0, r.stderr);
});

test('the archive downloads as a ZIP whose manifest hashes match the files inside', async () => {
  const { inc, photo, doc, final } = sealed;
  // Only an archived incident has an archive.
  const open = await registerActive(po, {});
  assertError(await po.get(`/incidents/${open.id}/archive`), 409, 'not_archived');

  const res = await getBytes(po, `/incidents/${inc.id}/archive`);
  assert.equal(res.status, 200, res.body.toString().slice(0, 300));
  assert.equal(res.headers.get('content-type'), 'application/zip');
  assert.match(res.headers.get('content-disposition'), /attachment; filename="XF-\d{4}-\d{4}-archive\.zip"/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinfang-archive-'));
  try {
    const zip = path.join(dir, 'archive.zip');
    fs.writeFileSync(zip, res.body);
    const out = path.join(dir, 'x');
    const u = spawnSync('unzip', ['-q', zip, '-d', out], { encoding: 'utf8' });
    assert.equal(u.status, 0, u.stderr);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    const seal = expectStatus(await po.get(`/incidents/${inc.id}/seal`), 200, 'seal');
    assert.equal(manifest.format, 'xinfang-archive-v1');
    assert.equal(manifest.incident.number, inc.number);
    assert.equal(manifest.seal.hash, seal.hash);
    const plan = expectStatus(await po.get('/plan'), 200, 'GET /plan');
    assert.match(manifest.plan.version, /^[0-9a-f]{64}$/);
    if (plan.hash || plan.version) assert.equal(manifest.plan.version, plan.hash || plan.version);
    assert.deepEqual(manifest.missing, []);
    // Every file listed is inside with that hash and size, and every file inside is listed.
    for (const f of manifest.files) {
      const bytes = fs.readFileSync(path.join(out, f.path));
      assert.equal(sha256(bytes), f.sha256, `hash of ${f.path}`);
      assert.equal(bytes.length, f.size, `size of ${f.path}`);
    }
    const listed = new Set(manifest.files.map((f) => f.path).concat('manifest.json'));
    const inside = [];
    const walk = (d, rel) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), path.join(rel, e.name));
      else inside.push(path.join(rel, e.name));
    } };
    walk(out, '');
    assert.deepEqual(inside.sort(), [...listed].sort());
    // The issued report as PDF and DOCX, the records' files, the timeline.
    const types = manifest.files.map((f) => f.type).sort();
    assert.deepEqual(types, ['interview', 'record', 'record', 'report_docx', 'report_pdf', 'timeline']);
    // A 谈话记录 typed in is there as its structured content.
    const talk = manifest.files.find((f) => f.type === 'interview');
    assert.equal(talk.record_id, sealed.interview.id);
    const content = JSON.parse(fs.readFileSync(path.join(out, talk.path), 'utf8'));
    assert.equal(content.interview.demands, '落实退休待遇');
    const pdf = manifest.files.find((f) => f.type === 'report_pdf');
    assert.equal(pdf.report_id, final.id);
    assert.equal(fs.readFileSync(path.join(out, pdf.path)).subarray(0, 5).toString(), '%PDF-');
    assert.equal(fs.readFileSync(path.join(out, manifest.files.find((f) => f.type === 'report_docx').path)).subarray(0, 2).toString(), 'PK');
    for (const rec of [photo, doc]) {
      const f = manifest.files.find((x) => x.record_id === rec.id);
      assert.ok(f, `record ${rec.id} is in the archive`);
      assert.equal(f.sha256, rec.sha256, 'the record as uploaded');
    }
    const timeline = fs.readFileSync(path.join(out, 'timeline.pdf'));
    fs.mkdirSync(path.join(__dirname, '..', '..', 'test-results'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, '..', '..', 'test-results', 'archive-timeline.pdf'), timeline);
    assert.equal(timeline.subarray(0, 5).toString(), '%PDF-');
    const txt = spawnSync('pdftotext', [path.join(out, 'timeline.pdf'), '-'], { encoding: 'utf8' });
    if (txt.status === 0) {
      assert.ok(txt.stdout.includes(inc.number), 'the timeline names the incident');
      assert.ok(txt.stdout.includes('现场秩序平稳'), 'the timeline holds the note');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // Each download is an audit event.
  const events = (await auditEvents(ctx.admin)).filter((e) => e.action === 'archive.download' && e.object_id === String(inc.id));
  assert.equal(events.length, 1);
  assert.equal(events[0].data.seal, sealed.sealHash || events[0].data.seal);
  assert.equal(events[0].actor, po.user.username);
});

function retention(args) {
  return spawnSync(binary, ['retention', '--db', ctx.srv.db, '--data-dir', ctx.srv.dir, ...args], { encoding: 'utf8' });
}

test('retention lists records past the plan\'s period and --apply removes them; the seal still checks', async () => {
  const { inc, photo, doc, interview } = sealed;
  const active = await registerActive(po, {});
  const activePhoto = expectStatus(await upload(po, active.id, { kind: 'photo' }, { name: 'a.png', data: png(9, 9) }), 201, 'photo of an open incident');
  // Today nothing is due: photos are kept 1825 days after the incident closed.
  let r = retention([]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^0 records past their retention/m);
  // In 2100 the archived incident's photo and 谈话记录 are due; documents are kept for good,
  // and an incident being handled keeps everything.
  const future = ['--as-of', '2100-01-01T00:00:00Z'];
  r = retention(future);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${inc.number} record ${photo.id} photo .*kept 1825 days`));
  assert.ok(!r.stdout.includes(`record ${doc.id} `), 'documents are kept');
  assert.ok(!r.stdout.includes(`record ${activePhoto.id} `), 'an open incident keeps its records');
  assert.match(r.stdout, new RegExp(`${inc.number} record ${interview.id} interview .*kept 3650 days`));
  assert.match(r.stdout, /^2 records past their retention/m);
  const file = path.join(ctx.srv.dir, 'records', photo.sha256.slice(0, 2), photo.sha256.slice(2));
  assert.ok(fs.existsSync(file));

  r = retention([...future, '--apply']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /removed 2 records of 1 incidents; deleted \d+ stored files/);
  assert.ok(!fs.existsSync(file), 'the photo\'s file is deleted');
  const recs = expectStatus(await po.get(`/incidents/${inc.id}/records`), 200, 'records').records;
  assert.deepEqual(recs.map((x) => x.id), [doc.id]);
  // The event says what was removed, never the content.
  const ev = (await auditEvents(ctx.admin)).filter((e) => e.action === 'retention.apply');
  assert.equal(ev.length, 1);
  assert.equal(ev[0].object_id, String(inc.id));
  assert.deepEqual(ev[0].data.counts, { photo: 1, interview: 1 });
  assert.deepEqual(ev[0].data.records.map((x) => [x.id, x.kind, x.sha256]),
    [[photo.id, 'photo', photo.sha256], [interview.id, 'interview', null]]);
  const said = JSON.stringify(ev[0].data);
  assert.ok(!said.includes('现场照片') && !said.includes('落实退休待遇'), 'no title or content in the event');
  // The seal covers hashes, and the event keeps them: check accepts the removal.
  assert.equal(expectStatus(await po.get(`/incidents/${inc.id}/seal`), 200, 'seal').intact, true);
  const c = check(ctx.srv);
  assert.equal(c.status, 0, c.stderr);
  r = retention(future);
  assert.match(r.stdout, /^0 records past their retention/m);
  // The archive now lists the remaining record only.
  const zip = await getBytes(po, `/incidents/${inc.id}/archive`);
  assert.equal(zip.status, 200);
});

test('a task row edited in the database after sealing makes xinfang check fail naming the incident', async () => {
  const { inc } = sealed;
  const task = (await tasksOf(po, inc.id))[0];
  // The triggers refuse it as they are...
  const refused = trySql(ctx.srv, `UPDATE tasks SET title = '改过的标题' WHERE id = ${task.id};`);
  assert.notEqual(refused.status, 0, 'a trigger refuses the edit');
  assert.match(refused.err, /sealed/);
  // ...so the tamperer lifts them first.
  sql(ctx.srv,
    `INSERT INTO seal_unlock VALUES ('tamper'); UPDATE tasks SET title = '改过的标题' WHERE id = ${task.id}; DELETE FROM seal_unlock;`);
  let r = check(ctx.srv);
  assert.equal(r.status, 1, `check must fail: ${r.stdout} ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`incident ${inc.id} '${inc.number}' changed after it was sealed \\(tasks\\)`));
  // A record's row changed too (its title, not its file): check names both parts.
  sql(ctx.srv,
    `INSERT INTO seal_unlock VALUES ('tamper'); UPDATE records SET title = '另一标题' WHERE id = ${sealed.doc.id}; DELETE FROM seal_unlock;`);
  r = check(ctx.srv);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`'${inc.number}' changed after it was sealed \\(tasks, records\\)`));
  const seal = expectStatus(await po.get(`/incidents/${inc.id}/seal`), 200, 'seal');
  assert.equal(seal.intact, false);
});
