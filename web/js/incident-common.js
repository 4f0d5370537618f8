// incident-common.js — the vocabulary the incident pages and the dashboard share:
// names of statuses, destinations, grades, workstreams and dispatch resources; which
// buttons a user's roles make worth showing (the server decides for real); badges for
// grade, status and 演练; and clock helpers for elapsed times and countdowns in
// Asia/Shanghai, corrected by the server's clock where the server told us its time.

import { t, has, getLang } from './i18n.js';
import { h } from './dom.js';

export const STATUSES = ['registered', 'not_activated', 'activated', 'on_site', 'replying',
  'resolving', 'evaluating', 'reported', 'archived', 'withdrawn'];
export const DESTINATIONS = ['mine', 'group', 'city', 'province', 'national'];
export const GRADES = ['I', 'II', 'III', 'IV'];
export const WORKSTREAMS = ['control', 'guidance', 'liaison'];
export const RESOURCES = ['guards', 'vehicles'];

const named = (prefix, id) => (id && has(prefix + id) ? t(prefix + id) : String(id || ''));

export const statusName = (s) => named('status.', s);
export const destinationName = (d) => named('dest.', d);
export const workstreamName = (w) => named('ws.', w);
export const resourceName = (r) => named('res.', r);
export const dispatchStatusName = (s) => named('dstatus.', s);
export const taskStatusName = (s) => named('tstatus.', s);
// The server's own name ("二级") in Chinese; a fixed one in English.
export function gradeName(id, serverName) {
  if (!id) return t('grade.none');
  if (serverName && getLang() === 'zh') return serverName;
  return named('grade.', id);
}

// What a user's roles allow, mirrored from docs/api.md so that only useful buttons
// are drawn. Every request is still checked by the server.
const any = (ctx, roles) => roles.some((r) => ctx.hasRole(r));
export const perms = {
  read: (ctx) => (ctx.state.user.roles || []).some((r) => r !== 'admin'),
  register: (ctx) => any(ctx, ['petition_office', 'leader']),
  manage: (ctx) => any(ctx, ['petition_office', 'leader']),
  task: (ctx) => any(ctx, ['petition_office', 'leader', 'unit_head', 'dispatch', 'official']),
  dispatch: (ctx) => any(ctx, ['dispatch', 'petition_office', 'leader']),
  note: (ctx) => any(ctx, ['petition_office', 'leader', 'unit_head', 'dispatch', 'official']),
};

export function drillBadge(incident, extraClass) {
  if (!incident || !incident.drill) return null;
  return h('span', { class: 'drill-badge' + (extraClass ? ' ' + extraClass : ''), 'data-testid': 'drill' },
    t('inc.drill'));
}

export function gradeBadge(incident, extraClass) {
  const g = incident && incident.grade;
  const cls = 'grade-badge grade-' + (GRADES.includes(g) ? g : 'none') + (extraClass ? ' ' + extraClass : '');
  return h('span', { class: cls, 'data-testid': 'grade', dataset: { grade: g || '' } },
    gradeName(g, incident && incident.grade_name));
}

export function statusBadge(status) {
  return h('span', { class: 'status-badge status-' + String(status || ''), 'data-testid': 'status', dataset: { status: status || '' } },
    statusName(status));
}

export function scopeText(incident) {
  if (incident.in_scope === true) return t('inc.inScope');
  if (incident.in_scope === false) return t('inc.outOfScope');
  return t('common.none');
}

// ---- clocks ----

// Milliseconds to add to Date.now() to get the server's time; set from GET /dashboard.
let clockOffset = 0;
export function setServerNow(iso) {
  const ms = Date.parse(iso);
  if (Number.isFinite(ms)) clockOffset = ms - Date.now();
}
export const serverNow = () => Date.now() + clockOffset;

const pad = (n) => String(n).padStart(2, '0');

// 75 s -> "01:15"; 3725 s -> "1:02:05". Negative values count the magnitude.
export function clockText(seconds) {
  const s = Math.max(0, Math.floor(Math.abs(seconds)));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return hh > 0 ? `${hh}:${pad(mm)}:${pad(ss)}` : `${pad(mm)}:${pad(ss)}`;
}

// Seconds until `iso` (negative once past), on the server's clock.
export function secondsUntil(iso) {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return null;
  return Math.round((ms - serverNow()) / 1000);
}

// "剩余 12:30" / "超时 03:10": the text of a countdown and whether it is past.
export function countdown(iso) {
  const s = secondsUntil(iso);
  if (s === null) return { text: '', late: false };
  return s >= 0 ? { text: t('time.left', { c: clockText(s) }), late: false }
    : { text: t('time.late', { c: clockText(s) }), late: true };
}

// A span that a ticker can refresh: <span data-due="iso">.
export function countdownEl(iso, testid) {
  const c = countdown(iso);
  return h('span', { class: 'countdown' + (c.late ? ' late' : ''), dataset: { due: iso }, 'data-testid': testid || null }, c.text);
}

// The countdown to an expected visit (预计到访时间): "距预计到访 2天3小时", "已到预计时间"
// once the time has come.
export function expectedText(iso) {
  const s = secondsUntil(iso);
  if (s === null) return '';
  if (s <= 0) return t('time.expectedReached');
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const span = d > 0 ? t('time.expDh', { d, h: hh }) : hh > 0 ? t('time.expHm', { h: hh, m: mm }) : t('time.expM', { m: Math.max(mm, 1) });
  return t('time.toExpected', { c: span });
}

// A span the ticker refreshes: <span data-expected="iso">.
export function expectedEl(iso, testid) {
  const s = secondsUntil(iso);
  return h('span', { class: 'expected-countdown' + (s !== null && s <= 0 ? ' reached' : ''), dataset: { expected: iso }, 'data-testid': testid || null }, expectedText(iso));
}

// Refreshes every countdown and elapsed clock inside `root`; pages call it each second.
export function tick(root) {
  for (const el of root.querySelectorAll('[data-expected]')) {
    const text = expectedText(el.dataset.expected);
    if (el.textContent !== text) el.textContent = text;
    el.classList.toggle('reached', (secondsUntil(el.dataset.expected) ?? 1) <= 0);
  }
  for (const el of root.querySelectorAll('[data-due]')) {
    const c = countdown(el.dataset.due);
    if (el.textContent !== c.text) el.textContent = c.text;
    el.classList.toggle('late', c.late);
  }
  for (const el of root.querySelectorAll('[data-since]')) {
    const ms = Date.parse(el.dataset.since);
    if (!Number.isFinite(ms)) continue;
    el.textContent = clockText((serverNow() - ms) / 1000);
  }
}

const shortFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
const clockFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

// "11-29 07:10" in Beijing time, for dense tables.
export function shortTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = {};
  for (const part of shortFormat.formatToParts(d)) p[part.type] = part.value;
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

// "07:10:29" in Beijing time.
export function clockTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return clockFormat.format(d);
}

// "2026-11-29T10:00" for a datetime-local input: ms in Beijing time, to the minute.
export function beijingInputValue(ms) {
  return new Date(ms + 8 * 3600000).toISOString().slice(0, 16);
}

// A value typed into <input type="datetime-local"> means Beijing time (UTC+8, no
// daylight saving); returns the UTC ISO string the API takes, or null.
export function beijingInputToIso(value) {
  if (!value) return null;
  const withSeconds = value.length === 16 ? value + ':00' : value;
  const d = new Date(withSeconds + '+08:00');
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

// Runs fn at most once per `ms`, after the last call (a burst of stream messages
// becomes one reload).
export function debounce(fn, ms) {
  let timer = null;
  const wrapped = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => { timer = null; fn(); }, ms);
  };
  wrapped.cancel = () => { if (timer) clearTimeout(timer); timer = null; };
  return wrapped;
}

// Serialises reloads: while one runs, further calls coalesce into one more run after it.
export function serialised(fn) {
  let running = null;
  let again = false;
  const run = async () => {
    if (running) { again = true; return running; }
    running = (async () => {
      try {
        do { again = false; await fn(); } while (again);
      } finally { running = null; }
    })();
    return running;
  };
  return run;
}

// The small 实时 / 重连中 light; `update` takes the stream state.
export function liveIndicator() {
  const label = h('span', { class: 'live-label' });
  const el = h('span', { class: 'live', role: 'status', 'data-testid': 'live', 'aria-live': 'polite' },
    h('span', { class: 'live-dot', 'aria-hidden': 'true' }), label);
  const update = (state) => {
    el.dataset.state = state;
    label.textContent = t('live.' + state);
  };
  update('connecting');
  return { el, update };
}

// Runs `redraw` (which rebuilds part of `container`) and puts the focus and caret back
// into the field with the same id, so a live reload does not interrupt typing.
export function keepFocus(container, redraw) {
  const active = document.activeElement;
  const id = active && active !== document.body && container.contains(active) && active.id ? active.id : null;
  const caret = id && typeof active.selectionStart === 'number' ? [active.selectionStart, active.selectionEnd] : null;
  redraw();
  if (!id) return;
  const again = document.getElementById(id);
  if (!again || again === document.activeElement) return;
  again.focus();
  if (caret && typeof again.setSelectionRange === 'function') {
    try { again.setSelectionRange(caret[0], caret[1]); } catch (_) { /* not a text field */ }
  }
}
