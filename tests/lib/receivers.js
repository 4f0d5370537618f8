// Real receivers for the notification tests (issue 12), on loopback: HTTP servers that
// imitate the 企业微信 group robot (POST /cgi-bin/webhook/send?key=KEY, {"msgtype":"text",
// "text":{"content","mentioned_mobile_list"}} or markdown; answers {"errcode":0,
// "errmsg":"ok"}, 93000 for a wrong key, 40008 for a bad message, 45009 past 20
// messages a minute), the 钉钉 group robot (POST /robot/send?access_token=TOKEN
// [&timestamp=&sign=], {"msgtype":"text","text":{"content"},"at":{"atMobiles"}};
// answers {"errcode":0}, 300001 for a wrong token, 310000 for a bad signature, 130101
// past 20 a minute), a generic webhook receiver that verifies X-Xinfang-Signature (401
// otherwise) and an SMS gateway; each with a switch to fail the next N requests (HTTP
// 500, or the robot's rate-limit answer), to go down (refuse connections) and come back
// on the same port. And a local SMTP receiver: tests/lib/smtp-receiver.py (aiosmtpd),
// started from here. Not a test file.
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { freePort } = require('./server.js');

const LIMIT_PER_MIN = 20;

class Receiver {
  // kind: 'wecom' | 'dingtalk' | 'webhook' | 'sms'; options: key/token (robot URL
  // secret), secret (dingtalk signing or webhook HMAC key), limit (per minute).
  constructor(kind, options = {}) {
    this.kind = kind;
    this.key = options.key || crypto.randomBytes(12).toString('hex');
    this.secret = options.secret || null;
    this.limit = options.limit || LIMIT_PER_MIN;
    this.received = []; // accepted messages: { body, headers, query }
    this.rejected = []; // refused: { reason, body, headers }
    this.failures = 0;
    this.failMode = 'http500';
    this.delayMs = 0;
    this.times = [];
    this.server = null;
    this.port = 0;
  }

  // The URL a channel is configured with.
  get url() {
    const base = `http://127.0.0.1:${this.port}`;
    if (this.kind === 'wecom') return `${base}/cgi-bin/webhook/send?key=${this.key}`;
    if (this.kind === 'dingtalk') return `${base}/robot/send?access_token=${this.key}`;
    if (this.kind === 'sms') return `${base}/sms/send`;
    return `${base}/hook`;
  }

  // Fails the next n requests: mode 'http500' or 'limit' (the robot's rate-limit answer;
  // HTTP 429 for the webhook and SMS).
  failNext(n, mode = 'http500') { this.failures = n; this.failMode = mode; }

  async start(port) {
    this.port = port || this.port || await freePort();
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.sockets = new Set();
    this.server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', resolve);
    });
    return this;
  }

  // Stops listening (connections are refused) until start() again.
  async stop() {
    if (!this.server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
    this.server = null;
  }

  answer(res, status, body) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(text);
  }

  handle(req, res) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      const raw = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url, 'http://x');
      const query = Object.fromEntries(u.searchParams);
      let body = null;
      try { body = raw ? JSON.parse(raw) : null; } catch (_) { body = raw; }
      const seen = { body, raw, headers: req.headers, query, method: req.method, path: u.pathname };
      if (this.failures > 0) {
        this.failures--;
        if (this.failMode === 'limit') {
          if (this.kind === 'wecom') return this.answer(res, 200, { errcode: 45009, errmsg: 'api freq out of limit' });
          if (this.kind === 'dingtalk') return this.answer(res, 200, { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
          return this.answer(res, 429, { error: 'too many requests' });
        }
        return this.answer(res, 500, { error: 'receiver failing on purpose' });
      }
      const reject = (reason, status, answer) => { this.rejected.push({ reason, ...seen }); this.answer(res, status, answer); };
      const now = Date.now();
      this.times = this.times.filter((t) => t > now - 60000);
      if (this.kind === 'wecom') {
        if (req.method !== 'POST' || u.pathname !== '/cgi-bin/webhook/send') return reject('path', 404, 'not found');
        if (query.key !== this.key) return reject('key', 200, { errcode: 93000, errmsg: 'invalid webhook url' });
        const ok = body && ((body.msgtype === 'text' && typeof body.text?.content === 'string') ||
          (body.msgtype === 'markdown' && typeof body.markdown?.content === 'string'));
        if (!ok) return reject('message', 200, { errcode: 40008, errmsg: 'invalid message type' });
        if (this.times.length >= this.limit) return reject('limit', 200, { errcode: 45009, errmsg: 'api freq out of limit' });
        this.times.push(now);
        this.received.push(seen);
        return this.answer(res, 200, { errcode: 0, errmsg: 'ok' });
      }
      if (this.kind === 'dingtalk') {
        if (req.method !== 'POST' || u.pathname !== '/robot/send') return reject('path', 404, 'not found');
        if (query.access_token !== this.key) return reject('token', 200, { errcode: 300001, errmsg: 'token is not exist' });
        if (this.secret) {
          const ts = Number(query.timestamp);
          const want = crypto.createHmac('sha256', this.secret).update(`${query.timestamp}\n${this.secret}`).digest('base64');
          if (!ts || Math.abs(now - ts) > 3600 * 1000 || query.sign !== want) {
            return reject('sign', 200, { errcode: 310000, errmsg: 'sign not match' });
          }
        }
        if (!body || body.msgtype !== 'text' || typeof body.text?.content !== 'string') {
          return reject('message', 200, { errcode: 40035, errmsg: 'missing parameter' });
        }
        if (this.times.length >= this.limit) return reject('limit', 200, { errcode: 130101, errmsg: 'send too fast' });
        this.times.push(now);
        this.received.push(seen);
        return this.answer(res, 200, { errcode: 0, errmsg: 'ok' });
      }
      if (this.kind === 'webhook') {
        if (this.secret) {
          const want = 'sha256=' + crypto.createHmac('sha256', this.secret).update(raw).digest('hex');
          const got = String(req.headers['x-xinfang-signature'] || '');
          if (got.length !== want.length || !crypto.timingSafeEqual(Buffer.from(got), Buffer.from(want))) {
            return reject('signature', 401, { error: 'bad signature' });
          }
        }
        this.received.push(seen);
        return this.answer(res, 200, { ok: true });
      }
      // sms gateway
      this.received.push(seen);
      return this.answer(res, 200, { code: 0, message: 'queued' });
    });
  }
}

// Starts a receiver of kind; see Receiver.
async function startReceiver(kind, options) {
  return new Receiver(kind, options).start();
}

// Starts tests/lib/smtp-receiver.py on a free port: { port, url, messages(), stop() }.
async function startSmtpReceiver() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xf-smtp-'));
  const file = path.join(dir, 'mail.jsonl');
  const child = spawn('/usr/bin/python3', [path.join(__dirname, 'smtp-receiver.py'), String(port), file],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`smtp receiver did not start: ${out}`)), 10000);
    const seen = (d) => { out += d; if (/ready/.test(out)) { clearTimeout(t); resolve(); } };
    child.stdout.on('data', seen);
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', () => { clearTimeout(t); reject(new Error(`smtp receiver exited: ${out}`)); });
  });
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages() {
      if (!fs.existsSync(file)) return [];
      return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Polls until check() is truthy (returns its value) or fails after ms.
async function waitFor(check, ms = 5000, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

module.exports = { Receiver, startReceiver, startSmtpReceiver, waitFor };
