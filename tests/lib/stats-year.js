// A seeded year of incidents and matters for the statistics (issue 14 item 5): realistic
// rows (months, units, categories, destinations, grades, procedures, statuses, drills,
// withdrawn registrations, matters with their legal clocks) made from a fixed seed, as
// plain objects the test counts itself and as SQL written straight into the store
// (tests/lib/db.js runs it with sqlite3 or psql). Rows get ids from `firstId` up so the
// API's own rows never meet them. Not a test file.
'use strict';

const DAY = 24 * 3600 * 1000;
const HOUR = 3600 * 1000;
const BEIJING = 8 * HOUR;

// mulberry32: a small PRNG that gives the same year for the same seed.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES = ['工资待遇', '劳动关系', '工伤赔偿', '退休待遇', '拆迁补偿'];
const DESTINATIONS = ['mine', 'mine', 'mine', 'group', 'group', 'city', 'province', 'national'];
const GRADES = [['III', '三级'], ['II', '二级'], ['I', '一级']];
const STATUSES = ['registered', 'activated', 'on_site', 'replying', 'resolving', 'evaluating',
  'reported', 'archived', 'not_activated'];
const RESOLVED = new Set(['evaluating', 'reported', 'archived']);
const MATTER_CATEGORIES = ['suggestion', 'accusation', 'appeal', 'appeal'];
const CHANNELS = ['letter', 'visit', 'phone', 'online', null];
const OUTCOMES = ['supported', 'explained', 'not_supported'];
const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'unsatisfied', null];

// The UTC instant of a Beijing wall time.
function beijing(year, month, day, hour = 0, minute = 0) {
  return Date.UTC(year, month - 1, day, hour, minute) - BEIJING;
}

// The Beijing month "YYYY-MM" of an instant.
function monthOf(ms) {
  return new Date(ms + BEIJING).toISOString().slice(0, 7);
}

// { incidents, matters }: n incidents and m matters of `year` (Beijing), a few on the
// year's edges (the last minutes of 31 December and the first of 1 January next year,
// Beijing time), spread over `units` (ids; incidents involve one or two), `persons`
// (ids, for matters), under plan_id and mine_id.
function generateYear({ seed = 20261206, year = 2026, n = 200, m = 300, units, persons, planId,
  mineId, firstId = 100000, now = Date.now() }) {
  const rnd = prng(seed);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const start = beijing(year, 1, 1);
  const end = beijing(year + 1, 1, 1);
  const incidents = [];
  for (let i = 0; i < n; i++) {
    let occurred = start + Math.floor(rnd() * (end - start));
    if (i === 0) occurred = beijing(year, 12, 31, 23, 30); // still this year in Beijing
    if (i === 1) occurred = beijing(year + 1, 1, 1, 0, 30); // already next year
    if (i === 2) occurred = beijing(year, 1, 1, 0, 10); // this year, 31 Dec in UTC
    const status = rnd() < 0.06 ? 'withdrawn' : pick(STATUSES);
    const registered = occurred + Math.floor(rnd() * 2 * HOUR);
    const activated = ['registered', 'not_activated', 'withdrawn'].includes(status) ? null
      : registered + Math.floor(5 * 60 * 1000 + rnd() * 3 * HOUR);
    const resolved = RESOLVED.has(status) ? activated + Math.floor(DAY + rnd() * 20 * DAY) : null;
    const g = pick(GRADES);
    const unitList = [pick(units)];
    if (rnd() < 0.25) {
      const other = pick(units);
      if (other !== unitList[0]) unitList.push(other);
    }
    const advance = rnd() < 0.5;
    incidents.push({
      id: firstId + i, year: new Date(occurred + BEIJING).getUTCFullYear(), seq: firstId + i,
      number: `GEN-${firstId + i}`, occurred, registered, activated, resolved, status,
      drill: rnd() < 0.1 ? 1 : 0, category: pick(CATEGORIES), destination: pick(DESTINATIONS),
      headcount: 1 + Math.floor(rnd() * 60), grade: status === 'not_activated' ? null : g[0],
      grade_name: status === 'not_activated' ? null : g[1],
      procedure: status === 'not_activated' ? null : advance ? 'A' : 'B',
      procedure_name: status === 'not_activated' ? null : advance ? '提前掌握信息' : '未掌握信息源',
      units: unitList,
    });
  }
  const matters = [];
  for (let i = 0; i < m; i++) {
    let received = start + Math.floor(rnd() * (end - start));
    if (i === 0) received = beijing(year + 1, 1, 1, 0, 5); // next year in Beijing
    const accepted = rnd() < 0.8 ? received + Math.floor(rnd() * 20 * DAY) : null;
    const extension = accepted && rnd() < 0.15 ? 30 : null;
    const concluded = accepted && rnd() < 0.7 ? accepted + Math.floor(rnd() * 80 * DAY) : null;
    const incident = rnd() < 0.3 ? pick(incidents) : null;
    matters.push({
      id: firstId + i, received, accepted, concluded, extension, person: pick(persons),
      unit: rnd() < 0.5 ? pick(units) : null, incident: incident ? incident.id : null,
      category: pick(MATTER_CATEGORIES), channel: pick(CHANNELS),
      outcome: concluded ? pick(OUTCOMES) : null, satisfaction: concluded ? pick(SATISFACTIONS) : null,
    });
  }
  return { incidents, matters, planId, mineId, now };
}

const q = (v) => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v)
  : `'${String(v).replace(/'/g, "''")}'`);

// The INSERT statements of a generated year (one statement per table, in one transaction).
function yearSql(y, personUnit) {
  const out = ['BEGIN;'];
  const inc = y.incidents.map((i) => `(${[i.id, q(i.number), i.year, i.seq, i.headcount,
    q(i.destination), 0, q('某地'), q(i.category), q('诉求'), i.drill, q(i.status),
    i.status === 'not_activated' ? 0 : 1, q(i.grade), q(i.grade_name), q(i.grade), q(i.procedure),
    q(i.procedure_name), q('[]'), y.planId, i.registered, q(i.activated), i.registered, i.occurred,
    q(i.resolved), y.mineId, q('GEN'), i.seq,
    q(i.status === 'withdrawn' ? '{"reason":"登记错误"}' : null)].join(', ')})`);
  out.push(`INSERT INTO incidents (id, number, year, year_seq, headcount, destination, advance_info,
    place, category, demands, drill, status, in_scope, grade, grade_name, grade_computed, procedure,
    procedure_name, reasons, plan_id, registered_ms, activated_ms, updated_ms, occurred_ms,
    resolved_ms, mine_id, number_series, series_seq, withdrawn) VALUES ${inc.join(',\n')};`);
  const iu = y.incidents.flatMap((i) => i.units.map((u) => `(${i.id}, ${u})`));
  out.push(`INSERT INTO incident_units (incident_id, unit_id) VALUES ${iu.join(', ')};`);
  const mat = y.matters.map((m) => `(${[m.id, m.person, q(m.incident), q(m.category), q('内容'),
    q(m.outcome), q(m.satisfaction), m.received, q(m.accepted), q(m.concluded), q(m.extension),
    q(m.channel), q(m.unit)].join(', ')})`);
  out.push(`INSERT INTO matters (id, person_id, incident_id, category, content, outcome,
    satisfaction, received_ms, accepted_ms, concluded_ms, extension_days, channel, unit_id)
    VALUES ${mat.join(',\n')};`);
  out.push('COMMIT;');
  void personUnit;
  return out.join('\n');
}

// What the statistics should say, counted here from the generated rows alone, for
// [from, to) and the units counted (a Set of ids; null: all), with persons' units.
function expected(y, { from, to, units = null, personUnit }) {
  const inUnits = (ids) => !units || ids.some((u) => units.has(u));
  const real = y.incidents.filter((i) => !i.drill && i.status !== 'withdrawn'
    && i.occurred >= from && i.occurred < to && inUnits(i.units));
  const excluded = new Set(y.incidents.filter((i) => i.drill || i.status === 'withdrawn').map((i) => i.id));
  const matters = y.matters.filter((m) => m.received >= from && m.received < to
    && !(m.incident && excluded.has(m.incident))
    && (!units || units.has(m.unit !== null ? m.unit : personUnit.get(m.person))));
  const count = (rows, key) => {
    const o = {};
    for (const r of rows) {
      const k = key(r) ?? 'none';
      o[k] = (o[k] || 0) + 1;
    }
    return o;
  };
  const deadline = (startOf, stopOf, daysOf, rows) => {
    const d = { met: 0, missed: 0, pending: 0 };
    for (const r of rows) {
      const start = startOf(r);
      const stop = stopOf(r);
      const limit = daysOf(r) * DAY;
      if (stop !== null) d[stop - start <= limit ? 'met' : 'missed']++;
      else d[y.now - start > limit ? 'missed' : 'pending']++;
    }
    return d;
  };
  const byUnit = {};
  for (const i of real) for (const u of i.units) if (!units || units.has(u)) byUnit[u] = (byUnit[u] || 0) + 1;
  return {
    incidents: {
      total: real.length,
      by_month: count(real, (i) => monthOf(i.occurred)),
      by_unit: byUnit,
      by_category: count(real, (i) => i.category),
      by_destination: count(real, (i) => i.destination),
      by_grade: count(real, (i) => i.grade),
      by_procedure: count(real, (i) => i.procedure),
      by_status: count(real, (i) => i.status),
      activated: real.filter((i) => i.activated !== null).length,
      resolved: real.filter((i) => i.resolved !== null).length,
    },
    matters: {
      total: matters.length,
      by_month: count(matters, (m) => monthOf(m.received)),
      by_category: count(matters, (m) => m.category),
      by_channel: count(matters, (m) => m.channel),
      by_outcome: count(matters, (m) => m.outcome),
      by_satisfaction: count(matters, (m) => m.satisfaction),
      acceptance: deadline((m) => m.received, (m) => m.accepted, () => 15, matters),
      conclusion: deadline((m) => m.accepted, (m) => m.concluded, (m) => 60 + (m.extension || 0),
        matters.filter((m) => m.accepted !== null)),
    },
  };
}

module.exports = { generateYear, yearSql, expected, beijing, monthOf, prng };
