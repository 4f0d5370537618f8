// bench/statistics/measure.js BASE ADMIN_PASSWORD RUNS — times the statistics queries of a
// running server (bench/statistics/run loaded its database): makes a petition-office
// account, then asks each query RUNS times in a row (one connection, after 3 warm-ups)
// and prints "name p50_ms p99_ms max_ms bytes" per query, and the server's CPU time per
// request (user + system from /proc, found by its port with ss): on a loaded machine the
// wall times grow with the load, the CPU time does not.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { Client } = require(path.join(__dirname, '..', '..', 'tests', 'lib', 'server.js'));
const { makeUser } = require(path.join(__dirname, '..', '..', 'tests', 'lib', 'fixtures.js'));

const [base, password, runsText] = process.argv.slice(2);
const runs = Number(runsText || 100);

// The server's pid (from its listening port) and its CPU time in ms; null when unknown.
function serverPid() {
  try {
    const port = new URL(base).port;
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : null;
  } catch (_) { return null; }
}
function cpuMs(pid) {
  if (!pid) return null;
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, clock ticks of 10 ms
}

(async () => {
  const pid = serverPid();
  const admin = new Client(base);
  if ((await admin.login('admin', password)).status !== 200) throw new Error('admin login failed');
  const root = (await admin.get('/units')).json.units.find((u) => u.parent_id === null);
  const po = await makeUser(admin, { username: 'bench.po', name: '信访办', unit_id: root.id, roles: ['petition_office'] });
  const queries = [
    ['statistics, a year (2026)', '/statistics?from=2026-01-01&to=2026-12-31'],
    ['statistics, a year, a unit subtree (11 units)', '/statistics?from=2026-01-01&to=2026-12-31&unit_id=1001'],
    ['statistics, all five years', '/statistics?from=2022-01-01&to=2026-12-31'],
    ['export.xlsx, a year', '/statistics/export.xlsx?from=2026-01-01&to=2026-12-31'],
    ['export.csv, a year', '/statistics/export.csv?from=2026-01-01&to=2026-12-31'],
  ];
  for (const [name, p] of queries) {
    const times = [];
    let bytes = 0;
    let cpu0 = null;
    for (let i = 0; i < runs + 3; i++) {
      const t = process.hrtime.bigint();
      const r = await fetch(base + '/api/v1' + p, { headers: { cookie: po.cookie } });
      const body = Buffer.from(await r.arrayBuffer());
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (r.status !== 200) throw new Error(`${p}: ${r.status} ${body.toString().slice(0, 300)}`);
      if (i === 2) cpu0 = cpuMs(pid);
      if (i >= 3) times.push(ms);
      bytes = body.length;
      if (i === 3 && p.startsWith('/statistics?')) {
        const s = JSON.parse(body);
        console.log(`# ${name}: incidents.total ${s.incidents.total}, matters.total ${s.matters.total}`);
      }
    }
    const cpu = cpu0 === null ? null : (cpuMs(pid) - cpu0) / runs;
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
    console.log(`${name.padEnd(48)} p50 ${at(0.5).toFixed(1).padStart(7)} ms  p99 ${at(0.99).toFixed(1).padStart(7)} ms  max ${times[times.length - 1].toFixed(1).padStart(7)} ms  cpu/req ${cpu === null ? '?' : cpu.toFixed(1)} ms  ${bytes} B`);
  }
})().catch((e) => { console.error(e); process.exit(1); });
