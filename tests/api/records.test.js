// API tests for records (记录在案, docs/api.md "Records") against a real server: photo,
// audio and document uploads as real multipart/form-data (FormData through fetch), the
// type sniffed from the content whatever the name says, the same content stored once,
// download headers (attachment with an RFC 5987 Chinese name, nosniff, the sniffed
// type), photo thumbnails re-encoded without the original's EXIF GPS, audit events for
// every upload and download, who may upload and see, malformed bodies, a lowered size
// cap answered 413 with the server fine afterwards, structured 谈话记录 that reference
// people without copying ID numbers, and `xinfang check` naming altered and missing files.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { Client, binary } = require('../lib/server.js');
const { sql, dbArgs } = require('../lib/db.js');
const {
  assertError, expectStatus, setupIncidents, startAdmin, makeUser, registerActive, auditEvents,
  png, wav, upload, getBytes,
} = require('../lib/fixtures.js');

const PHOTO = fs.readFileSync(path.join(__dirname, 'fixtures', 'records', 'gps-photo.jpg'));
const ID_NUMBER = '320102196504121234';

let ctx;
let po;
let incident;

before(async () => {
  ctx = await setupIncidents({ roles: ['petition_office', 'official', 'company', 'auditor'] });
  po = ctx.as.petition_office;
  incident = await registerActive(po, { headcount: 23, place: '集团公司大门' });
});

after(async () => { if (ctx) await ctx.stop(); });

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n' +
  '2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

// The width and height in a JPEG's SOF marker, and whether it holds an APP1 (EXIF).
function jpegInfo(buf) {
  assert.equal(buf.readUInt16BE(0), 0xffd8, 'starts with SOI');
  let at = 2;
  let app1 = false;
  while (at < buf.length) {
    const marker = buf.readUInt16BE(at);
    const len = buf.readUInt16BE(at + 2);
    if (marker === 0xffe1) app1 = true;
    if (marker >= 0xffc0 && marker <= 0xffc2) {
      return { height: buf.readUInt16BE(at + 5), width: buf.readUInt16BE(at + 7), app1 };
    }
    at += 2 + len;
  }
  throw new Error('no SOF marker');
}

function storedPath(dir, hash) {
  return path.join(dir, 'records', hash.slice(0, 2), hash.slice(2));
}

test('a photo upload is stored by its hash, sniffed, described and thumbnailed without EXIF GPS', async () => {
  const r = await upload(po, incident.id, {
    kind: 'photo', title: '大门现场', captured_at: '2026-12-06T09:10:00+08:00',
    place: '集团公司大门', note: '23名退休职工聚集',
  }, { name: '现场照片.jpg', type: 'image/jpeg', data: PHOTO });
  const rec = expectStatus(r, 201, 'upload photo');
  assert.equal(rec.sha256, sha256(PHOTO));
  assert.equal(rec.size, PHOTO.length);
  assert.equal(rec.mime, 'image/jpeg');
  assert.equal(rec.kind, 'photo');
  assert.equal(rec.title, '大门现场');
  assert.equal(rec.captured_at, '2026-12-06T01:10:00.000Z');
  assert.equal(rec.place, '集团公司大门');
  assert.equal(rec.note, '23名退休职工聚集');
  assert.equal(rec.filename, '现场照片.jpg');
  assert.equal(rec.added_by, po.user.id);
  assert.equal(rec.incident_id, incident.id);
  assert.equal(rec.has_thumbnail, true);
  assert.match(rec.added_at, /^\d{4}-\d{2}-\d{2}T/);
  // On disk under its content address, byte for byte; the temporary file is gone.
  assert.deepEqual(fs.readFileSync(storedPath(ctx.srv.dir, rec.sha256)), PHOTO);
  assert.deepEqual(fs.readdirSync(path.join(ctx.srv.dir, 'records', 'tmp')), []);

  // The original keeps its EXIF (it is evidence); the thumbnail has none.
  assert.ok(PHOTO.includes(Buffer.from('Exif\0\0')), 'the fixture carries EXIF');
  assert.equal(jpegInfo(PHOTO).app1, true);
  const t = await getBytes(po, `/records/${rec.id}/thumbnail`);
  assert.equal(t.status, 200);
  assert.equal(t.headers.get('content-type'), 'image/jpeg');
  const info = jpegInfo(t.body);
  assert.equal(info.app1, false, 'no APP1 segment in the thumbnail');
  assert.ok(!t.body.includes(Buffer.from('Exif')), 'no EXIF in the thumbnail');
  assert.ok(!t.body.includes(Buffer.from('GPS')), 'no GPS in the thumbnail');
  assert.equal(info.width, 320);
  assert.equal(info.height, 240);
});

test('audio and document uploads; the type comes from the content, not the name', async () => {
  const audio = expectStatus(await upload(po, incident.id, { kind: 'audio', title: '谈话录音' },
    { name: '录音.mp3', type: 'audio/mpeg', data: wav() }), 201, 'upload audio');
  assert.match(audio.mime, /^audio\/(x-)?wav$/);
  assert.equal(audio.has_thumbnail, false);
  const doc = expectStatus(await upload(po, incident.id, { kind: 'document' },
    { name: '信访事项登记表.pdf', type: 'application/pdf', data: PDF }), 201, 'upload document');
  assert.equal(doc.mime, 'application/pdf');
  assert.equal(doc.title, '信访事项登记表.pdf', 'the title defaults to the file name');
  // A PNG that says it is a PDF (and carries HTML in its name) is a PNG.
  const image = png(800, 200);
  const liar = expectStatus(await upload(po, incident.id, { kind: 'document', title: '说明' },
    { name: '<b>报告</b>.pdf', type: 'application/pdf', data: image }), 201, 'upload lying name');
  assert.equal(liar.mime, 'image/png');
  assert.equal(liar.has_thumbnail, true);
  const t = await getBytes(po, `/records/${liar.id}/thumbnail`);
  assert.deepEqual([jpegInfo(t.body).width, jpegInfo(t.body).height], [320, 80]);
  const d = await getBytes(po, `/records/${liar.id}/file`);
  assert.equal(d.headers.get('content-type'), 'image/png');
  assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
  // HTML text uploaded as a "photo" is served as text/html only to be downloaded.
  const html = expectStatus(await upload(po, incident.id, { kind: 'other' },
    { name: 'photo.jpg', type: 'image/jpeg', data: Buffer.from('<html><script>alert(1)</script></html>') }),
  201, 'upload html');
  assert.equal(html.mime, 'text/html');
  const h = await getBytes(po, `/records/${html.id}/file`);
  assert.match(h.headers.get('content-disposition'), /^attachment;/);
  assert.equal(h.headers.get('x-content-type-options'), 'nosniff');
  assert.match(h.headers.get('content-security-policy'), /default-src 'self'/);
});

test('the same content twice is stored once', async () => {
  const data = Buffer.from(`同一份材料 ${Date.now()}\n`);
  const a = expectStatus(await upload(po, incident.id, { kind: 'document', title: '第一次' },
    { name: 'a.txt', data }), 201, 'first');
  const b = expectStatus(await upload(po, incident.id, { kind: 'document', title: '第二次' },
    { name: 'b.txt', data }), 201, 'second');
  assert.notEqual(a.id, b.id);
  assert.equal(a.sha256, b.sha256);
  const dir = path.join(ctx.srv.dir, 'records', a.sha256.slice(0, 2));
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f === a.sha256.slice(2)), [a.sha256.slice(2)]);
  const list = expectStatus(await po.get(`/incidents/${incident.id}/records`), 200, 'list').records;
  assert.equal(list.filter((x) => x.sha256 === a.sha256).length, 2);
  assert.deepEqual(list.map((x) => x.id), [...list.map((x) => x.id)].sort((x, y) => x - y));
});

test('download: attachment with an RFC 5987 Chinese name, nosniff, the sniffed type, an audit event', async () => {
  const rec = expectStatus(await upload(po, incident.id, { kind: 'photo' },
    { name: '现场 照片(1).jpg', type: 'image/jpeg', data: PHOTO }), 201, 'upload');
  const d = await getBytes(ctx.as.auditor, `/records/${rec.id}/file`);
  assert.equal(d.status, 200);
  assert.deepEqual(d.body, PHOTO);
  assert.equal(d.headers.get('content-type'), 'image/jpeg');
  assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(d.headers.get('content-disposition'),
    `attachment; filename="______ ______(1).jpg"; filename*=UTF-8''${
      encodeURIComponent('现场 照片(1).jpg').replace('(', '%28').replace(')', '%29')}`);
  assert.equal(d.headers.get('content-length'), String(PHOTO.length));
  const events = await auditEvents(ctx.as.auditor);
  const added = events.filter((e) => e.action === 'record.add' && e.data.record_id === rec.id);
  assert.equal(added.length, 1);
  assert.equal(added[0].actor, po.user.username);
  assert.equal(added[0].object_type, 'incident');
  assert.equal(added[0].object_id, String(incident.id));
  assert.equal(added[0].data.sha256, rec.sha256);
  const viewed = events.filter((e) => e.action === 'record.download' && e.data.record_id === rec.id);
  assert.equal(viewed.length, 1);
  assert.equal(viewed[0].actor, ctx.as.auditor.user.username);
  assert.equal(viewed[0].data.sha256, rec.sha256);
});

test('who may upload, list and download', async () => {
  const file = { name: 'x.txt', data: Buffer.from('x') };
  assertError(await upload(ctx.as.company, incident.id, { kind: 'other' }, file), 403, 'forbidden');
  assertError(await upload(ctx.as.auditor, incident.id, { kind: 'other' }, file), 403, 'forbidden');
  assertError(await upload(ctx.admin, incident.id, { kind: 'other' }, file), 403, 'forbidden');
  assertError(await upload(new Client(po.base), incident.id, { kind: 'other' }, file), 401, 'unauthenticated');
  assertError(await upload(po, incident.id, { kind: 'other' }, file, { 'X-CSRF-Token': 'wrong' }), 403, 'csrf');
  // An official sees only the incidents of their tasks: this one is not theirs.
  assertError(await upload(ctx.as.official, incident.id, { kind: 'other' }, file), 404, 'not_found');
  assertError(await ctx.as.official.get(`/incidents/${incident.id}/records`), 404, 'not_found');
  const rec = expectStatus(await upload(po, incident.id, { kind: 'other' }, file), 201, 'upload');
  assertError(await ctx.as.official.get(`/records/${rec.id}/file`), 404, 'not_found');
  assertError(await ctx.admin.get(`/records/${rec.id}/file`), 403, 'forbidden');
  expectStatus(await ctx.as.company.get(`/incidents/${incident.id}/records`), 200, 'company lists');
  assert.equal((await getBytes(ctx.as.company, `/records/${rec.id}/file`)).status, 200);
  assertError(await po.get('/records/999999/file'), 404, 'not_found');
  assertError(await upload(po, 999999, { kind: 'other' }, file), 404, 'not_found');
});

test('malformed and incomplete uploads are refused and leave nothing behind', async () => {
  const before = expectStatus(await po.get(`/incidents/${incident.id}/records`), 200, 'list').records.length;
  const file = { name: 'x.txt', data: Buffer.from('hello') };
  assertError(await upload(po, incident.id, { title: 'no kind' }, file), 400, 'invalid_field', 'kind');
  assertError(await upload(po, incident.id, { kind: 'selfie' }, file), 400, 'invalid_field', 'kind');
  assertError(await upload(po, incident.id, { kind: 'photo' }), 400, 'invalid_field', 'file');
  assertError(await upload(po, incident.id, { kind: 'photo', captured_at: '2026-12-06 09:00' }, file),
    400, 'invalid_field', 'captured_at');
  assertError(await upload(po, incident.id, { kind: 'photo', colour: 'red' }, file), 400, 'invalid_field', 'colour');
  assertError(await upload(po, incident.id, { kind: 'photo', title: '长'.repeat(201) }, file), 400, 'invalid_field', 'title');
  // Not multipart at all; a body cut before its closing boundary; a bad part header.
  assertError(await po.post(`/incidents/${incident.id}/records`, { kind: 'photo' }), 415, 'unsupported_media_type');
  const ct = { 'content-type': 'multipart/form-data; boundary=XX' };
  assertError(await po.request('POST', `/incidents/${incident.id}/records`,
    '--XX\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\r\n--XX\r\n' +
    'Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc', ct), 400, 'bad_multipart');
  assertError(await po.request('POST', `/incidents/${incident.id}/records`,
    '--XX\r\nContent-Disposition: form-data; name="file"\nX\r\n\r\nabc\r\n--XX--', ct), 400, 'bad_multipart');
  const afterList = expectStatus(await po.get(`/incidents/${incident.id}/records`), 200, 'list').records;
  assert.equal(afterList.length, before);
  assert.deepEqual(fs.readdirSync(path.join(ctx.srv.dir, 'records', 'tmp')), []);
});

test('a 谈话记录 references officials and petitioners without copying ID numbers', async () => {
  const person = expectStatus(await po.post('/persons', {
    name: '张建国', id_number: ID_NUMBER, phone: '13912345678', unit_id: ctx.units.team,
    employment: 'retired', incident_id: incident.id, role: 'representative',
  }), 201, 'person');
  const r = await po.post(`/incidents/${incident.id}/interviews`, {
    held_at: '2026-12-06T10:00:00+08:00', place: '集团公司接待室',
    officials: [po.user.id], petitioners: [person.id],
    demands: '“我们要求按文件补发2019年以来的取暖费。”',
    explained: '说明了取暖费发放政策和时间表', agreed: '12月底前答复', title: '与退休职工代表谈话',
  });
  const rec = expectStatus(r, 201, 'interview');
  assert.equal(rec.kind, 'interview');
  assert.equal(rec.sha256, null);
  assert.equal(rec.captured_at, '2026-12-06T02:00:00.000Z');
  assert.deepEqual(rec.interview.officials, [{ id: po.user.id, name: po.user.name }]);
  assert.deepEqual(rec.interview.petitioners, [{ id: person.id, name: '张建国' }]);
  assert.equal(rec.interview.demands, '“我们要求按文件补发2019年以来的取暖费。”');
  assert.equal(rec.interview.agreed, '12月底前答复');
  assert.equal(rec.interview.matter_id, null);
  assert.ok(!JSON.stringify(rec).includes(ID_NUMBER.slice(4, 14)), 'no ID number in the record');
  const row = sql(ctx.srv, 'SELECT interview FROM records WHERE id = ' + rec.id);
  assert.ok(row.length > 0, 'the row is there');
  assert.ok(!row.includes(ID_NUMBER.slice(4, 14)), 'no ID number in the row');
  assertError(await po.post(`/incidents/${incident.id}/interviews`, {
    held_at: '2026-12-06T10:00:00+08:00', officials: [po.user.id], petitioners: [999999], demands: 'x',
  }), 400, 'invalid_field', 'petitioners');
  assertError(await po.post(`/incidents/${incident.id}/interviews`, {
    held_at: '2026-12-06T10:00:00+08:00', officials: [], petitioners: [person.id], demands: 'x',
  }), 400, 'invalid_field', 'officials');
  assertError(await po.post(`/incidents/${incident.id}/interviews`, {
    held_at: '2026-12-06T10:00:00+08:00', officials: [po.user.id], petitioners: [person.id],
  }), 400, 'invalid_field', 'demands');
  assertError(await ctx.as.company.post(`/incidents/${incident.id}/interviews`, {}), 403, 'forbidden');
  assertError(await po.get(`/records/${rec.id}/file`), 404, 'not_found');
  const events = await auditEvents(ctx.as.auditor);
  assert.ok(events.some((e) => e.action === 'record.add' && e.data.record_id === rec.id));
});

test('xinfang check names an altered and a missing file', async () => {
  const run = () => spawnSync(binary, ['check', ...dbArgs(ctx.srv)], { encoding: 'utf8' });
  const ok = run();
  assert.equal(ok.status, 0, ok.stderr);
  const aData = Buffer.from(`将被篡改 ${Date.now()}`);
  const bData = Buffer.from(`将被删除 ${Date.now()}`);
  const a = expectStatus(await upload(po, incident.id, { kind: 'document' },
    { name: 'a.txt', data: aData }), 201, 'a');
  const b = expectStatus(await upload(po, incident.id, { kind: 'document' },
    { name: 'b.txt', data: bData }), 201, 'b');
  fs.appendFileSync(storedPath(ctx.srv.dir, a.sha256), 'x');
  fs.unlinkSync(storedPath(ctx.srv.dir, b.sha256));
  const bad = run();
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, new RegExp(`record ${a.id}: file '[^']*${a.sha256.slice(2)}' is altered`));
  assert.match(bad.stderr, new RegExp(`record ${b.id}: file '[^']*${b.sha256.slice(2)}' is missing`));
  // The server says so too instead of sending something else.
  assertError(await po.get(`/records/${b.id}/file`), 500, 'file_missing');
  // Put back, check passes again.
  fs.writeFileSync(storedPath(ctx.srv.dir, a.sha256), aData);
  fs.writeFileSync(storedPath(ctx.srv.dir, b.sha256), bData);
  const again = run();
  assert.equal(again.status, 0, again.stderr);
});

test('over a lowered cap: 413, nothing stored, and the server goes on serving', async () => {
  const { srv, admin } = await startAdmin({ env: { XINFANG_RECORD_MAX_BYTES: '65536' } });
  try {
    const client = await makeUser(admin, { username: 'xfb', name: '信访办', unit_id: 1, roles: ['petition_office'] });
    const inc = await registerActive(client);
    const big = crypto.randomBytes(100 * 1024);
    let r;
    for (let attempt = 0; attempt < 5; attempt++) {
      try { r = await upload(client, inc.id, { kind: 'video' }, { name: 'big.mp4', data: big }); break; } catch (e) {
        if (attempt === 4) throw e; // a reset before the 413 could be read
      }
    }
    assertError(r, 413, 'body_too_large');
    expectStatus(await client.get('/health'), 200, 'health after 413');
    const small = expectStatus(await upload(client, inc.id, { kind: 'other' },
      { name: 's.bin', data: crypto.randomBytes(60 * 1024) }), 201, 'upload under the cap');
    assert.equal(small.size, 60 * 1024);
    const list = expectStatus(await client.get(`/incidents/${inc.id}/records`), 200, 'list').records;
    assert.deepEqual(list.map((x) => x.id), [small.id]);
    assert.deepEqual(fs.readdirSync(path.join(srv.dir, 'records', 'tmp')), []);
  } finally {
    await srv.stop();
  }
});
