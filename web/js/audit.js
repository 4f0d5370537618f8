// audit.js — the 审计日志 tab for auditors and administrators: the hash-chained event
// log from GET /audit, one page at a time via next_after, and a button that asks the
// server to verify the whole chain (GET /audit/verify).

import { t } from './i18n.js';
import { get } from './api.js';
import { h, add, formatTime, errorText } from './dom.js';

const PAGE = 100;

export async function renderAudit(sec, ctx) {
  const tbody = h('tbody');
  const status = h('p', { class: 'muted', id: 'audit-status' });
  const error = h('div', { class: 'form-error', id: 'audit-error', role: 'alert', hidden: true });
  const more = h('button', { type: 'button', class: 'btn', id: 'audit-more', hidden: true }, t('audit.more'));
  const verifyBtn = h('button', { type: 'button', class: 'btn primary', id: 'audit-verify' }, t('audit.verify'));
  const verifyResult = h('p', { id: 'audit-verify-result', class: 'verify', role: 'status', hidden: true });
  let shown = 0;
  let nextAfter = null;

  function row(e) {
    const hash = String(e.hash || '');
    const object = [e.object_type, e.object_id].filter((x) => x !== null && x !== undefined && x !== '').join(' #');
    return h('tr', { dataset: { seq: e.seq } },
      h('td', { class: 'num' }, String(e.seq)),
      h('td', { class: 'nowrap' }, h('time', { datetime: e.at }, formatTime(e.at))),
      h('td', null, e.actor || (e.actor_id ? '#' + e.actor_id : t('common.none'))),
      h('td', null, h('code', null, e.action || '')),
      h('td', null, object || t('common.none')),
      h('td', null, h('code', { class: 'hash', title: hash }, hash.slice(0, 12))));
  }

  async function load() {
    error.hidden = true;
    more.disabled = true;
    const q = `?limit=${PAGE}` + (nextAfter !== null ? `&after=${encodeURIComponent(nextAfter)}` : '');
    const r = await get('/audit' + q);
    const events = r.events || [];
    for (const e of events) tbody.append(row(e));
    shown += events.length;
    nextAfter = r.next_after === undefined ? null : r.next_after;
    more.hidden = nextAfter === null;
    more.disabled = false;
    if (shown === 0) status.textContent = t('audit.empty');
    else status.textContent = nextAfter === null ? t('audit.end', { n: shown }) : t('audit.shown', { n: shown });
  }

  more.addEventListener('click', async () => {
    try { await load(); } catch (err) {
      more.disabled = false;
      if (!err.handled) { error.textContent = errorText(err); error.hidden = false; }
    }
  });

  verifyBtn.addEventListener('click', async () => {
    verifyBtn.disabled = true;
    verifyResult.hidden = false;
    verifyResult.className = 'verify';
    verifyResult.textContent = t('audit.verifying');
    try {
      const r = await get('/audit/verify');
      if (r && r.ok) {
        verifyResult.classList.add('ok');
        verifyResult.textContent = t('audit.ok', { n: r.count, h: String(r.head || '').slice(0, 16) });
        verifyResult.title = String(r.head || '');
      } else {
        verifyResult.classList.add('bad');
        verifyResult.textContent = t('audit.bad', { n: r ? r.bad_seq : '?', p: r ? r.problem : '' });
      }
    } catch (err) {
      if (err.handled) return;
      verifyResult.classList.add('bad');
      verifyResult.textContent = errorText(err);
    } finally {
      verifyBtn.disabled = false;
    }
  });

  add(sec,
    h('div', { class: 'toolbar' }, verifyBtn, verifyResult),
    status,
    error,
    h('div', { class: 'table-wrap' },
      h('table', { class: 'grid', id: 'audit-table' },
        h('thead', null, h('tr', null,
          h('th', null, t('audit.seq')), h('th', null, t('audit.time')), h('th', null, t('audit.actor')),
          h('th', null, t('audit.action')), h('th', null, t('audit.object')), h('th', null, t('audit.hash')))),
        tbody)),
    h('div', { class: 'buttons' }, more));
  await load();
}
