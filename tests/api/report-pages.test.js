// API tests of how written reports fall on pages (DOCUMENTS.md): a typical 首报 fits one
// A4 page, issued or as a draft; and a table row taller than a page (`xinfang render`) is
// continued on the next pages under the repeated header, all its text printed and
// nothing drawn below the bottom margin. Read with pdfinfo and pdftotext.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { binary } = require('../lib/server.js');
const { expectStatus, setupIncidents, registerActive } = require('../lib/fixtures.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xf-report-pages-'));
let ctx;
let po;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120000, ...opts });
  if (r.error) throw r.error;
  return r;
}
const squeeze = (s) => s.replace(/\s+/g, '');
const pages = (pdf) => Number(/Pages:\s+(\d+)/.exec(sh('pdfinfo', [pdf]).stdout)[1]);
const pageText = (pdf, page) => sh('pdftotext', ['-f', String(page), '-l', String(page), pdf, '-']).stdout;

async function savePdf(name, p) {
  const res = await fetch(`${po.base}/api/v1${p}`, { headers: { cookie: po.cookie } });
  assert.equal(res.status, 200, `GET ${p}`);
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

before(async () => {
  ctx = await setupIncidents({ roles: ['petition_office'] });
  po = ctx.as.petition_office;
});
after(async () => {
  if (ctx) await ctx.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a typical 首报 fits one page, as a draft and issued', async () => {
  const inc = await registerActive(po, { headcount: 23, place: '集团公司大门', destination: 'group',
    units: [ctx.units.team], demands: '退休人员要求落实取暖补贴和医疗待遇' });
  const draft = expectStatus(await po.post(`/incidents/${inc.id}/reports`, { kind: 'first' }), 201, 'draft 首报');
  const draftPdf = await savePdf('first-draft.pdf', `/reports/${draft.id}/pdf`);
  const issued = expectStatus(await po.post(`/reports/${draft.id}/issue`, {}), 200, 'issue');
  const pdf = await savePdf('first.pdf', `/reports/${issued.id}/pdf`);
  fs.mkdirSync(path.join(__dirname, '..', '..', 'test-results'), { recursive: true });
  fs.copyFileSync(pdf, path.join(__dirname, '..', '..', 'test-results', 'first-report.pdf'));
  for (const [what, file] of [['draft', draftPdf], ['issued', pdf]]) {
    const text = squeeze(sh('pdftotext', [file, '-']).stdout);
    for (const s of [inc.number, '一、基本情况', '六、报告人及联系方式', '事件编号']) {
      assert.ok(text.includes(s), `${what}: pdftotext finds '${s}'`);
    }
    assert.equal(pages(file), 1, `${what}: the 首报 is one page:\n${pageText(file, 2)}`);
  }
});

test('a table row taller than a page continues on the next pages under the header', () => {
  // One cell of 150 numbered sentences, about four pages of 12 pt text in its column.
  const long = Array.from({ length: 150 }, (_, i) => `第${i + 1}段记录现场情况并核实诉求内容。`).join('');
  const doc = {
    title: '长表格测试', date: '2026年12月6日',
    sections: [{ heading: '记录', level: 1, blocks: ['表格如下。', {
      type: 'table', columns: 3, widths: [1, 2, 6],
      header: [['序号', '时间', '事项']],
      rows: [['1', '12月6日', '短行'], ['2', '12月6日', long], ['3', '12月7日', '最后一行']],
    }] }],
  };
  const json = path.join(dir, 'long.json');
  const pdf = path.join(dir, 'long.pdf');
  fs.writeFileSync(json, JSON.stringify(doc));
  const r = sh(binary, ['render', '--pdf', pdf, json]);
  assert.equal(r.status, 0, r.stderr);
  fs.copyFileSync(pdf, path.join(__dirname, '..', '..', 'test-results', 'long-row.pdf'));
  const n = pages(pdf);
  assert.ok(n >= 4, `the long row spans pages: ${n}`);
  // read across the page breaks: without the page numbers and repeated headers
  const text = squeeze(sh('pdftotext', [pdf, '-']).stdout).replace(/—\d+—(序号时间事项)?/g, '');
  for (let i = 1; i <= 150; i++) {
    assert.equal(text.split(`第${i}段记录`).length - 1, 1, `sentence ${i} is printed once`);
  }
  assert.ok(text.includes('最后一行'), 'the row after it');
  // the header again on every page the table continues on, and nothing below the bottom
  // margin: only the page number under 262 mm (37 mm + 225 mm) from the top
  for (let p = 2; p <= n; p++) {
    assert.ok(squeeze(pageText(pdf, p)).includes('序号时间事项'), `page ${p} repeats the header`);
    const below = squeeze(sh('pdftotext', ['-f', String(p), '-l', String(p), '-x', '0', '-y',
      String(Math.ceil(262 * 72 / 25.4) + 1), '-W', '600', '-H', '100', pdf, '-']).stdout);
    assert.match(below, /^(—\d+—)?$/, `page ${p}: nothing below the bottom margin but its number`);
  }
});
