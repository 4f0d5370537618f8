// notifications.js — the notification centre (issue 12 item 5): the bell in the header
// with the unread count, kept current over the live stream (a notice on the user's own
// stream when a notification was made for them makes it ask the server again; the
// stream never carries a notification's text) and every 30 s besides; the list #/notifications, newest first, with 收到 and
// "mark all read"; and one notification #/notifications/7, the page a message's link
// opens, acknowledged with one button.

import { t } from './i18n.js';
import { h, replace, formatTime, showError, showOk, clearErrors } from './dom.js';
import { api, get, post } from './api.js';
import { subscribeNotices } from './stream.js';
import { perms } from './incident-common.js';

const POLL_MS = 30000;
let stopBell = null;

// Ends the running bell (logout, a redrawn shell).
export function endBell() {
  const stop = stopBell;
  stopBell = null;
  if (stop) stop();
}

// The bell: a link to #/notifications with the unread count; starts its own updates (over
// the stream for those who may see incidents: the others have no stream, only the poll).
export function bell(ctx) {
  endBell();
  const count = h('span', { class: 'bell-count', id: 'bell-count', 'data-testid': 'bell-count', hidden: true }, '0');
  const link = h('a', { class: 'bell', id: 'bell', href: '#/notifications', 'data-testid': 'bell',
    title: t('notif.title'), 'aria-label': t('notif.title') }, h('span', { 'aria-hidden': 'true' }, t('notif.title')), count);
  let timer = null, pending = false, stopped = false;
  async function refresh() {
    if (stopped || pending) return;
    pending = true;
    try {
      const r = await get('/notifications?limit=1');
      count.textContent = String(r.unread);
      count.hidden = r.unread === 0;
      link.setAttribute('aria-label', `${t('notif.title')} ${t('notif.unread', { n: r.unread })}`);
    } catch (_) { /* the next event or poll tries again */ }
    pending = false;
  }
  const unsubscribe = perms.read(ctx) ? subscribeNotices(() => { setTimeout(refresh, 150); }) : () => {};
  timer = setInterval(refresh, POLL_MS);
  document.addEventListener('xf-notifications', refresh);
  refresh();
  stopBell = () => {
    stopped = true;
    clearInterval(timer);
    unsubscribe();
    document.removeEventListener('xf-notifications', refresh);
  };
  return link;
}

function changed() { document.dispatchEvent(new Event('xf-notifications')); }

function item(n, onAck) {
  const ack = n.acknowledged_at
    ? h('span', { class: 'muted', 'data-testid': 'acked' }, t('notif.acked', { at: formatTime(n.acknowledged_at) }))
    : h('button', { type: 'button', class: 'btn', 'data-testid': 'ack', onclick: () => onAck(n) }, t('notif.ack'));
  return h('li', { class: 'notif' + (n.read_at ? '' : ' unread'), 'data-testid': 'notification', dataset: { id: n.id } },
    h('div', { class: 'notif-text' }, h('a', { href: `#/notifications/${n.id}` }, n.text)),
    h('div', { class: 'notif-meta muted' },
      formatTime(n.created_at), ' · ', t('notif.kind.' + n.kind),
      n.incident_id ? [' · ', h('a', { href: `#/incidents/${n.incident_id}` }, t('notif.incident'))] : null),
    ack);
}

// The user's quiet hours (免打扰, Beijing time): PUT /me/notification-preferences.
function quietForm(prefs) {
  const from = h('input', { type: 'time', id: 'quiet-from', name: 'quiet_hours', value: prefs.quiet_hours ? prefs.quiet_hours.from : '' });
  const to = h('input', { type: 'time', id: 'quiet-to', value: prefs.quiet_hours ? prefs.quiet_hours.to : '' });
  const form = h('form', { class: 'quiet-form', id: 'quiet-form' },
    h('h2', null, t('notif.quiet')),
    h('p', { class: 'muted small' }, t('notif.quietHint')),
    h('label', { for: 'quiet-from' }, t('notif.quietFrom')), ' ', from, ' ',
    h('label', { for: 'quiet-to' }, t('notif.quietTo')), ' ', to, ' ',
    h('button', { type: 'submit', class: 'btn', id: 'quiet-save' }, t('notif.quietSave')), ' ',
    h('button', { type: 'button', class: 'btn', id: 'quiet-clear', onclick: () => save(null) }, t('notif.quietClear')),
    h('div', { class: 'form-status', role: 'status' }));
  async function save(quiet) {
    clearErrors(form);
    try {
      const r = await api('PUT', '/me/notification-preferences', { quiet_hours: quiet });
      from.value = r.quiet_hours ? r.quiet_hours.from : '';
      to.value = r.quiet_hours ? r.quiet_hours.to : '';
      showOk(form, t('notif.quietSaved'));
    } catch (err) { showError(form, err); }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); save({ from: from.value, to: to.value }); });
  return form;
}

// #/notifications and #/notifications/{id}.
export async function renderNotifications(section, ctx, id) {
  const status = h('div', { class: 'form-status', role: 'status' });
  async function acknowledge(n) {
    try {
      await post(`/notifications/${n.id}/ack`, {});
      changed();
      await draw();
    } catch (err) { showError(section, err); }
  }
  async function draw() {
    if (id) {
      const n = await get(`/notifications/${id}`);
      if (!n.read_at) { await post('/notifications/read', { ids: [n.id] }); changed(); }
      replace(section,
        h('h1', null, t('notif.one')),
        h('p', { class: 'notif-big', 'data-testid': 'notification-text' }, n.text),
        h('p', { class: 'muted' }, formatTime(n.created_at), ' · ', t('notif.kind.' + n.kind)),
        n.acknowledged_at
          ? h('p', { class: 'notice', 'data-testid': 'acked' }, t('notif.acked', { at: formatTime(n.acknowledged_at) }))
          : h('button', { type: 'button', class: 'btn primary big', 'data-testid': 'ack', onclick: () => acknowledge(n) }, t('notif.ack')),
        n.incident_id ? h('p', null, h('a', { href: `#/incidents/${n.incident_id}`, 'data-testid': 'to-incident' }, t('notif.incident'))) : null,
        h('p', null, h('a', { href: '#/notifications' }, t('notif.all'))),
        status);
      return;
    }
    const [r, prefs] = await Promise.all([get('/notifications?limit=100'), get('/me/notification-preferences')]);
    replace(section,
      h('h1', null, t('notif.title'), ' ', h('span', { class: 'muted', 'data-testid': 'unread' }, t('notif.unread', { n: r.unread }))),
      h('p', null, h('button', { type: 'button', class: 'btn', 'data-testid': 'read-all', disabled: r.unread === 0,
        onclick: async () => { await post('/notifications/read', { all: true }); changed(); await draw(); } }, t('notif.readAll'))),
      r.notifications.length
        ? h('ul', { class: 'notif-list' }, r.notifications.map((n) => item(n, acknowledge)))
        : h('p', { class: 'muted' }, t('notif.none')),
      quietForm(prefs),
      status);
  }
  try { await draw(); } catch (err) {
    replace(section, h('p', { class: 'notice' }, err.status === 404 ? t('notif.gone') : String(err.message || err)));
  }
  return null;
}

// The incident page's panel of who was told what and when, and who acknowledged
// (GET /incidents/{id}/notifications); refresh() reads it again.
export function createToldPanel(incidentId) {
  const summary = h('summary', null, t('notif.told', { n: 0 }));
  const body = h('div', null);
  const el = h('details', { class: 'told panel-sub', id: 'inc-told', 'data-testid': 'inc-told' }, summary, body);
  let pending = false;
  async function refresh() {
    if (pending) return;
    pending = true;
    try {
      const list = (await get(`/incidents/${encodeURIComponent(incidentId)}/notifications`)).notifications;
      const acked = list.filter((n) => n.acknowledged_at).length;
      summary.textContent = t('notif.told', { n: list.length, acked });
      replace(body, list.length === 0 ? h('p', { class: 'muted' }, t('notif.none')) : h('table', { class: 'told-table' },
        h('thead', null, h('tr', null, ['notif.col.at', 'notif.col.who', 'notif.col.kind', 'notif.col.ack'].map((k) => h('th', null, t(k))))),
        h('tbody', null, list.map((n) => h('tr', { 'data-testid': 'told-row' },
          h('td', null, formatTime(n.created_at)),
          h('td', null, n.name),
          h('td', { title: n.text }, t('notif.kind.' + n.kind), n.level ? ` (${t('notif.level', { n: n.level })})` : ''),
          h('td', null, n.acknowledged_at ? formatTime(n.acknowledged_at)
            : h('span', { class: 'muted' }, n.outbound_not_before
              ? t('notif.waiting', { at: formatTime(n.outbound_not_before) }) : t('notif.notAcked'))))))));
    } catch (_) { /* shown again on the next refresh */ }
    pending = false;
  }
  return { el, refresh };
}
