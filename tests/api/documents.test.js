// The document engine through `xinfang render`: the PDF is read back with poppler
// (pdftotext finds the title, number and Chinese headings; pdftoppm renders page 1,
// which must not be blank and must carry the red head; pdffonts shows the CJK fonts
// embedded), a 20-page summary numbers every page "— N —" and repeats the table header,
// a draft shows its watermark (草稿) in both formats,
// the DOCX unzips, every XML part parses (xmllint), the text is escaped and the 公文
// font names are set, the same input gives the same bytes, LibreOffice opens the
// DOCX (skipped when soffice is not installed), and a bad document is refused naming
// its field.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { binary } = require('../lib/server.js');
const { summary } = require('../lib/document-fixture.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xf-documents-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: opts.encoding || 'utf8', timeout: 180000, ...opts });
  if (r.error) throw r.error;
  return r;
}

function have(cmd) {
  return sh('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

// Renders doc to NAME.pdf and NAME.docx in the scratch directory.
function render(name, doc) {
  const pdf = path.join(dir, `${name}.pdf`), docx = path.join(dir, `${name}.docx`);
  const r = sh(binary, ['render', '--pdf', pdf, '--docx', docx], { input: JSON.stringify(doc) });
  assert.strictEqual(r.status, 0, r.stderr);
  return { pdf, docx, out: r.stdout };
}

const squeeze = (s) => s.replace(/\s+/g, '');
const pdfText = (pdf, page) =>
  sh('pdftotext', [...(page ? ['-f', String(page), '-l', String(page)] : []), pdf, '-']).stdout;
const pages = (pdf) => Number(/Pages:\s+(\d+)/.exec(sh('pdfinfo', [pdf]).stdout)[1]);

test('the PDF has the title, number, headings and embedded CJK fonts', () => {
  const { pdf, out } = render('summary', summary());
  assert.match(out, /wrote '.*summary\.pdf' \(\d+ pages?\)/);
  const text = squeeze(pdfText(pdf));
  for (const s of ['关于“23名退休职工到集团公司门前聚集”事件处置情况的工作总结', '〔2026〕15号',
    '红旗煤矿信访办公室', '集团公司信访办公室：', '一、基本情况', '二、处置经过', '（一）事态控制',
    '（三）协调联络', '三、主要做法', '七、下一步工作', '附件：记录清单', '2026年12月6日',
    '发生地点：集团公司大门前', '版本：第1版', '— 1 —'.replace(/ /g, '')]) {
    assert.ok(text.includes(s), `pdftotext finds '${s}'`);
  }
  // the attachment's record list keeps whole hashes (no hyphen inserted where they wrap)
  assert.ok(!/[0-9a-f]{6,}-/.test(text), 'no hyphen where a hash wraps');
  const fonts = sh('pdffonts', [pdf]).stdout;
  for (const f of ['NotoSerifCJKsc-Regular', 'NotoSerifCJKsc-Bold', 'NotoSansCJKsc', 'UKaiCN']) {
    const line = fonts.split('\n').find((l) => l.includes(f));
    assert.ok(line, `font ${f} in:\n${fonts}`);
    assert.match(line, /\syes\s+yes\s/, `font ${f} embedded (subset): ${line}`);
  }
  const info = sh('pdfinfo', [pdf]).stdout;
  assert.match(info, /Title:\s+关于“23名退休职工/);
  assert.match(info, /Keywords:.*仿宋_GB2312 → Noto Serif CJK SC/, 'metadata names the substitutes');
});

test('pdftoppm renders page 1 not blank, with the red head', () => {
  const { pdf } = render('page1', summary());
  const prefix = path.join(dir, 'page1');
  assert.strictEqual(sh('pdftoppm', ['-r', '40', '-f', '1', '-l', '1', '-singlefile', pdf, prefix]).status, 0);
  const ppm = fs.readFileSync(`${prefix}.ppm`);
  // P6\n<w> <h>\n255\n then RGB bytes
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'));
  assert.ok(header, 'a binary PPM');
  const [w, h] = [Number(header[1]), Number(header[2])];
  const px = ppm.subarray(header[0].length);
  assert.strictEqual(px.length, w * h * 3);
  let ink = 0, red = 0;
  for (let i = 0; i < px.length; i += 3) {
    const [r, g, b] = [px[i], px[i + 1], px[i + 2]];
    if (r < 200 || g < 200 || b < 200) ink++;
    if (r > 150 && g < 90 && b < 90) red++;
  }
  assert.ok(ink / (w * h) > 0.02, `page 1 has ink on ${((100 * ink) / (w * h)).toFixed(2)}% of pixels`);
  assert.ok(red > 50, `the issuer head and rule are red (${red} red pixels)`);
});

test('a 20-page summary numbers every page and repeats the table header', () => {
  const { pdf } = render('long', summary({ timelineRows: 190 }));
  const n = pages(pdf);
  assert.ok(n >= 20 && n <= 24, `about 20 pages, got ${n}`);
  for (let p = 1; p <= n; p++) {
    const text = squeeze(pdfText(pdf, p));
    assert.ok(text.includes(`—${p}—`), `page ${p} shows — ${p} —`);
    assert.ok(!text.includes(`—${p + 1}—`) || p + 1 > n, `page ${p} shows only its own number`);
  }
  // the timeline runs from page 1 or 2 to the page before the evaluation; every page
  // it continues on starts with its header row
  let tablePages = 0;
  for (let p = 2; p <= n; p++) {
    const text = squeeze(pdfText(pdf, p));
    if (/包保责任人与第\d+号信访人/.test(text)) {
      tablePages++;
      assert.ok(text.includes('序号') && text.includes('工作内容'), `page ${p} repeats the header`);
    }
  }
  assert.ok(tablePages >= 15, `the timeline spans ${tablePages} pages`);
  assert.ok(squeeze(pdfText(pdf)).includes('第190号信访人'), 'the last row is there');
});

test('the DOCX unzips, its XML parses, text is escaped and the 公文 fonts are named', () => {
  const doc = summary();
  doc.sections[0].blocks.push('特殊字符 <b>&amp; "引号" \u0001控制符', { type: 'kv', items: [['多行', '第一行\n第二行']] });
  const { docx } = render('escape', doc);
  const t = sh('unzip', ['-t', docx]);
  assert.strictEqual(t.status, 0, t.stdout);
  assert.match(t.stdout, /No errors detected/);
  const x = path.join(dir, 'escape-docx');
  assert.strictEqual(sh('unzip', ['-q', '-o', docx, '-d', x]).status, 0);
  const parts = ['[Content_Types].xml', '_rels/.rels', 'docProps/core.xml', 'docProps/app.xml',
    'word/document.xml', 'word/styles.xml', 'word/settings.xml', 'word/footer1.xml',
    'word/footer2.xml', 'word/header1.xml', 'word/_rels/document.xml.rels'];
  for (const part of parts) {
    assert.ok(fs.existsSync(path.join(x, part)), `part ${part}`);
    if (have('xmllint')) {
      const r = sh('xmllint', ['--noout', path.join(x, part)]);
      assert.strictEqual(r.status, 0, `${part}: ${r.stderr}`);
    }
  }
  const body = fs.readFileSync(path.join(x, 'word/document.xml'), 'utf8');
  assert.ok(body.includes('特殊字符 &lt;b&gt;&amp;amp; &quot;引号&quot; 控制符'), 'escaped, control character dropped');
  assert.ok(body.includes('第一行</w:t><w:br/><w:t xml:space="preserve">第二行'), 'a line break inside a value');
  assert.ok(body.includes('<w:tbl>') && body.includes('<w:tblHeader/>'), 'real tables with repeating headers');
  assert.ok(body.includes('〔2026〕15号') && body.includes('一、') && body.includes('（一）'));
  const styles = fs.readFileSync(path.join(x, 'word/styles.xml'), 'utf8');
  for (const f of ['仿宋_GB2312', '方正小标宋简体', '黑体', '楷体_GB2312']) {
    assert.ok(styles.includes(`w:eastAsia="${f}"`), `styles name ${f}`);
  }
  assert.match(styles, /w:pgSz|w:docDefaults/);
  assert.match(body, /<w:pgSz w:w="11906" w:h="16838"\/>/, 'A4');
});

test('a draft carries its watermark on every PDF page and in the DOCX header', () => {
  const { pdf, docx } = render('draft', summary({ watermark: '草稿' }));
  const n = pages(pdf);
  // the watermark is set diagonally: pdftotext -raw reads it in drawing order
  const raw = (p) => squeeze(sh('pdftotext', ['-raw', '-f', String(p), '-l', String(p), pdf, '-']).stdout);
  for (let p = 1; p <= n; p++) assert.ok(raw(p).startsWith('草稿'), `page ${p} says 草稿`);
  const x = path.join(dir, 'draft-docx');
  assert.strictEqual(sh('unzip', ['-q', '-o', docx, '-d', x]).status, 0);
  assert.match(fs.readFileSync(path.join(x, 'word/header1.xml'), 'utf8'), /<w:t xml:space="preserve">草稿<\/w:t>/);
  assert.match(fs.readFileSync(path.join(x, 'word/document.xml'), 'utf8'), /<w:headerReference w:type="default" r:id="rIdHeader"\/>/);
  const plain = render('issued', summary());
  assert.ok(!squeeze(sh('pdftotext', ['-raw', '-l', '1', plain.pdf, '-']).stdout).startsWith('草稿'), 'an issued document has none');
});

test('the same document gives the same PDF and DOCX bytes', () => {
  const sha = (f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  const a = render('same-a', summary()), b = render('same-b', summary());
  assert.strictEqual(sha(a.docx), sha(b.docx));
  assert.strictEqual(sha(a.pdf), sha(b.pdf));
  assert.match(sh('pdfinfo', [a.pdf]).stdout, /CreationDate:\s+Sun Dec\s+6 00:00:00 2026/, 'dated by the document');
});

test('LibreOffice opens the DOCX and converts it to PDF', (t) => {
  if (!have('soffice')) {
    t.skip('soffice not installed (Debian: libreoffice-writer-nogui; scripts/setup installs it)');
    return;
  }
  const { docx } = render('lo', summary());
  const out = path.join(dir, 'lo-out');
  const r = sh('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', out, docx],
    { env: { ...process.env, HOME: path.join(dir, 'lo-home') } });
  assert.strictEqual(r.status, 0, r.stderr);
  const pdf = path.join(out, 'lo.pdf');
  assert.ok(fs.existsSync(pdf), `soffice wrote no pdf: ${r.stdout} ${r.stderr}`);
  const text = squeeze(pdfText(pdf));
  for (const s of ['红旗煤矿信访办公室', '〔2026〕15号', '一、基本情况', '（二）教育引导', '事态控制', 'SHA-256']) {
    assert.ok(text.includes(s), `LibreOffice's PDF has '${s}'`);
  }
  assert.match(text, /—2—/, 'page numbers from the footer field');
});

test('a bad document is refused naming its field, and no file is left', () => {
  const cases = [
    [{ sections: [] }, /^xinfang: '-': title: missing/],
    ['{"title": "t", "sections": [', /\(document\): not valid JSON at line 1/],
    [{ title: 't', sections: {} }, /sections: expected an array of sections/],
    [{ title: 't', sections: [{ blocks: [{ type: 'table', columns: 3, rows: [['a', 'b', 'c'], ['a', 'b']] }] }] },
      /sections\[0\]\.blocks\[0\]\.rows\[1\]: expected 3 cells, found 2/],
    [{ title: 't', sections: [{}, { blocks: [{ type: 'kv', items: [['k', 5]] }] }] },
      /sections\[1\]\.blocks\[0\]\.items\[0\]\[1\]: expected a string/],
    [{ title: 't', sections: [{ blocks: [{ type: 'image' }] }] }, /sections\[0\]\.blocks\[0\]: unknown type 'image'/],
    [{ title: 't', sections: [{ level: 4 }] }, /sections\[0\]: level: expected 1, 2 or 3/],
    [{ title: 't', sections: [], numbr: 'x' }, /numbr: unknown field/],
    [{ title: 7, sections: [] }, /title: expected a string/],
  ];
  const pdf = path.join(dir, 'bad.pdf');
  for (const [doc, re] of cases) {
    const r = sh(binary, ['render', '--pdf', pdf], { input: typeof doc === 'string' ? doc : JSON.stringify(doc) });
    assert.strictEqual(r.status, 1, `${JSON.stringify(doc)}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.ok(!fs.existsSync(pdf) && !fs.existsSync(`${pdf}.tmp`), 'no file left');
  }
  let r = sh(binary, ['render']);
  assert.strictEqual(r.status, 2);
  assert.match(r.stderr, /give --pdf FILE, --docx FILE or both/);
  r = sh(binary, ['render', '--help']);
  assert.strictEqual(r.status, 0);
  assert.match(r.stdout, /usage: xinfang render/);
  r = sh(binary, ['render', '--pdf', path.join(dir, 'no-such-dir', 'x.pdf')], { input: JSON.stringify(summary()) });
  assert.strictEqual(r.status, 1);
  assert.match(r.stderr, /cannot create '.*x\.pdf\.tmp'/);
});
