// people-common.js — the vocabulary the people pages share (人员档案, the incident's
// 信访人 panel, 包保): names of employment, incident roles, matter categories, outcomes,
// satisfaction, assignment statuses and follow-up kinds; which forms a user's roles
// make worth showing (the server decides for real); unit names; long countdowns in
// days for the 《信访工作条例》 time limits and follow-ups; and the follow-up form that
// the 包保 page and the person page both use.

import { t, has } from './i18n.js';
import { get, post } from './api.js';
import { h, field, select, showError, showMessage, clearErrors, busy, formatTime } from './dom.js';
import { serverNow } from './incident-common.js';

export const EMPLOYMENT = ['employed', 'retired', 'family', 'external'];
export const PERSON_ROLES = ['representative', 'participant'];
export const CATEGORIES = ['suggestion', 'accusation', 'appeal'];
export const OUTCOMES = ['supported', 'explained', 'not_supported'];
export const SATISFACTION = ['satisfied', 'basically_satisfied', 'unsatisfied'];
export const ASSIGNMENT_STATUSES = ['stable', 'relapsed', 'resolved'];
export const FOLLOWUP_KINDS = ['visit', 'talk', 'phone', 'help'];

const named = (prefix, id) => (id && has(prefix + id) ? t(prefix + id) : String(id || ''));
export const employmentName = (e) => named('emp.', e);
export const personRoleName = (r) => named('prole.', r);
export const categoryName = (c) => named('cat.', c);
export const outcomeName = (o) => named('outcome.', o);
export const satisfactionName = (s) => named('satis.', s);
export const assignmentStatusName = (s) => named('astatus.', s);
export const followupKindName = (k) => named('fkind.', k);

// What a user's roles allow, mirrored from docs/api.md ("People and 包保").
const any = (ctx, roles) => roles.some((r) => ctx.hasRole(r));
export const pperms = {
  read: (ctx) => any(ctx, ['petition_office', 'leader', 'auditor', 'unit_head', 'official']),
  write: (ctx) => ctx.hasRole('petition_office'),
  reveal: (ctx) => ctx.hasRole('petition_office'),
  assign: (ctx) => any(ctx, ['petition_office', 'leader', 'unit_head']),
  followup: (ctx) => any(ctx, ['petition_office', 'unit_head', 'official']),
  // GET /assignments without mine=1: users who see every file.
  allAssignments: (ctx) => any(ctx, ['petition_office', 'leader', 'auditor']),
};

// The unit list, asked once per page; names fall back to "#id".
export async function loadUnits() {
  try {
    const r = await get('/units');
    return (r && r.units) || [];
  } catch (err) {
    if (err.handled) throw err;
    return [];
  }
}

export function unitName(units, id) {
  if (id === null || id === undefined || id === '') return t('common.none');
  const u = (units || []).find((x) => x.id === id);
  return u ? u.name : '#' + id;
}

// "剩余 12 天 3 小时" / "超期 2 天" for time limits counted in days.
export function longCountdown(iso) {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return { text: '', late: false };
  const diff = ms - serverNow();
  const s = Math.abs(diff) / 1000;
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const mins = Math.floor((s % 3600) / 60);
  let c;
  if (days > 0) c = t('time.dh', { d: days, h: hours });
  else if (hours > 0) c = t('time.hm', { h: hours, m: mins });
  else c = t('time.m', { m: Math.max(mins, diff >= 0 ? 0 : 1) });
  return diff >= 0 ? { text: t('time.left', { c }), late: false } : { text: t('time.late', { c }), late: true };
}

// A span a page can refresh with tickLong(): <span data-due-long="iso">.
export function longCountdownEl(iso, testid) {
  const c = longCountdown(iso);
  return h('span', {
    class: 'countdown' + (c.late ? ' late' : ''), dataset: { dueLong: iso }, 'data-testid': testid || null,
    title: formatTime(iso),
  }, c.text);
}

export function tickLong(root) {
  for (const el of root.querySelectorAll('[data-due-long]')) {
    const c = longCountdown(el.dataset.dueLong);
    if (el.textContent !== c.text) el.textContent = c.text;
    el.classList.toggle('late', c.late);
  }
}

export function assignmentBadge(status) {
  return h('span', { class: 'badge astatus-' + String(status || ''), 'data-testid': 'assignment-status', dataset: { status: status || '' } },
    assignmentStatusName(status));
}

export function roleBadge(role) {
  return h('span', { class: 'badge prole-' + String(role || ''), dataset: { role: role || '' } }, personRoleName(role));
}

// The follow-up form (POST /assignments/{id}/followups): kind, what was done, and the
// petitioner's status now. onDone(assignment) gets the server's updated assignment.
// `prefix` keeps element ids unique on the page.
export function followupForm(assignment, prefix, onDone, onCancel) {
  const kind = select({ id: prefix + '-kind', name: 'kind' },
    FOLLOWUP_KINDS.map((k) => ({ value: k, label: followupKindName(k) })), 'visit');
  const content = h('textarea', { id: prefix + '-content', name: 'content', rows: '3', required: true });
  const status = select({ id: prefix + '-status', name: 'status' },
    [{ value: '', label: t('fu.keepStatus', { s: assignmentStatusName(assignment.status) }) },
      ...ASSIGNMENT_STATUSES.map((s) => ({ value: s, label: assignmentStatusName(s) }))]);
  const form = h('form', { class: 'inline-form followup-form', id: prefix + '-form', novalidate: true, 'data-testid': 'followup-form' },
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'row' }, field(t('fu.kind'), kind), field(t('fu.status'), status)),
    field(t('fu.content'), content),
    h('p', { class: 'muted small' }, t('fu.hint', { n: assignment.interval_days || 7 })),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'btn primary', id: prefix + '-submit', 'data-testid': 'followup-submit' }, t('fu.save')),
      onCancel ? h('button', { type: 'button', class: 'btn', onclick: onCancel }, t('common.cancel')) : null));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!content.value.trim()) { showMessage(form, t('fu.needContent'), 'content'); return; }
    const body = { kind: kind.value, content: content.value.trim() };
    if (status.value) body.status = status.value;
    const done = busy(form, t('common.busy'));
    try {
      const a = await post('/assignments/' + encodeURIComponent(assignment.id) + '/followups', body);
      done();
      content.value = '';
      await onDone(a);
    } catch (err) {
      done();
      if (!err.handled) showError(form, err);
    }
  });
  return form;
}

// The last follow-up in one line: "11-29 07:10 走访（赵官）：内容".
export function lastFollowupEl(f) {
  if (!f) return h('span', { class: 'muted', 'data-testid': 'last-followup' }, t('fu.none'));
  return h('span', { class: 'last-followup', 'data-testid': 'last-followup' },
    h('time', { datetime: f.at || '' }, formatTime(f.at)), ' ',
    h('strong', null, followupKindName(f.kind)),
    f.author ? ' ' + t('dash.paren', { x: f.author }) : '',
    t('common.colon'), f.content || '');
}
