// venues.js — booking the reply venue (答复场所) for the checklist step that chooses it
// (task.chooses_venue; procedure B step 4: 视人数选择合适的地点，一般选择工会会议室或退休支部
// 会议室). It lists GET /venues?incident_id=&headcount=&starts_at=&ends_at= with the
// plan's venues first, whether each seats the people coming and any booking it would
// clash with; 预订 sends POST /incidents/{id}/bookings and shows the server's capacity or
// conflict refusal in words. The incident's bookings are listed with 取消. The booking
// box is built once per task, so what is typed survives the checklist's live redraws.

import { t } from './i18n.js';
import { get, post, del } from './api.js';
import { h, clear, replace, field, showError, showMessage, clearErrors, errorText } from './dom.js';
import { perms, shortTime, beijingInputToIso } from './incident-common.js';

const pad = (n) => String(n).padStart(2, '0');

// "2026-11-29T10:00" for a datetime-local input, in Beijing time, the next full half hour.
function nextSlotInput() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  d.setUTCMinutes(d.getUTCMinutes() < 30 ? 30 : 60, 0, 0);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function createVenueBooking(ctx, incidentId, reload) {
  const canBook = perms.manage(ctx);
  const base = '/incidents/' + encodeURIComponent(incidentId);
  let bookings = [];
  let incident = null;
  const boxes = new Map(); // task id -> the box element, kept across redraws

  async function load() {
    try {
      const r = await get(base + '/bookings');
      bookings = (r && r.bookings) || [];
    } catch (err) {
      if (err.handled) throw err;
      bookings = [];
    }
    for (const b of boxes.values()) b.drawBookings();
  }

  async function cancel(b, btn) {
    if (!window.confirm(t('ven.confirmCancel', { v: b.venue ? b.venue.name : '' }))) return;
    btn.disabled = true;
    try { await del('/bookings/' + encodeURIComponent(b.id)); await reload(); } catch (err) {
      btn.disabled = false;
      if (!err.handled) window.alert(errorText(err));
    }
  }

  function bookingList() {
    const live = bookings.filter((b) => b.status !== 'cancelled');
    if (!live.length) return h('p', { class: 'muted small' }, t('ven.noBookings'));
    return h('ul', { class: 'bookings', 'data-testid': 'bookings' }, live.map((b) => h('li', { dataset: { bookingId: b.id } },
      h('strong', null, b.venue ? b.venue.name : ''), ' ',
      t('ven.slot', { from: shortTime(b.starts_at), to: shortTime(b.ends_at), n: b.headcount }), ' ',
      b.purpose_name ? h('span', { class: 'badge' }, b.purpose_name) : null, ' ',
      canBook ? h('button', { type: 'button', class: 'btn small', onclick: (ev) => cancel(b, ev.currentTarget) }, t('ven.cancel')) : null)));
  }

  function makeBox(task) {
    const tid = 'venue-' + task.id;
    const bookingsEl = h('div', { class: 'venue-bookings' });
    const panel = h('div', { class: 'venue-panel', hidden: true });
    const headcount = h('input', { id: tid + '-headcount', name: 'headcount', type: 'number', min: '1', step: '1' });
    const starts = h('input', { id: tid + '-starts', name: 'starts_at', type: 'datetime-local', value: nextSlotInput() });
    const hours = h('input', { id: tid + '-hours', name: 'ends_at', type: 'number', min: '0.5', max: '168', step: '0.5', value: '2' });
    const list = h('div', { class: 'venue-list', id: tid + '-list' });
    const form = h('form', { class: 'task-form venue-form', novalidate: true },
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' },
        field(t('ven.headcount'), headcount),
        field(t('ven.starts'), starts, t('common.beijing')),
        field(t('ven.hours'), hours)),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn small', id: tid + '-check' }, t('ven.check'))),
      list);
    panel.append(form);
    const toggle = canBook ? h('button', {
      type: 'button', class: 'btn small primary', id: tid + '-toggle', 'data-testid': 'venue-toggle', 'aria-expanded': 'false',
      onclick: () => {
        panel.hidden = !panel.hidden;
        toggle.setAttribute('aria-expanded', panel.hidden ? 'false' : 'true');
        if (!panel.hidden) { if (!headcount.value && incident) headcount.value = String(incident.headcount || ''); check(); }
      },
    }, t('ven.choose')) : null;
    const el = h('div', { class: 'venue-box', id: tid, 'data-testid': 'venue-box' },
      h('div', { class: 'venue-head' }, h('span', { class: 'contacts-label' }, t('ven.booked')), bookingsEl, toggle), panel);

    // The slot typed in, or a message naming the field at fault.
    function slot() {
      const from = beijingInputToIso(starts.value);
      if (!from) return { error: t('ven.needStart'), field: 'starts_at' };
      const hrs = Number(hours.value);
      if (!(hrs > 0) || hrs > 168) return { error: t('ven.needHours'), field: 'ends_at' };
      const n = Number(headcount.value || (incident && incident.headcount));
      if (!Number.isInteger(n) || n < 1) return { error: t('ven.needHeadcount'), field: 'headcount' };
      return { from, to: new Date(Date.parse(from) + hrs * 3600 * 1000).toISOString(), n };
    }

    async function check() {
      clearErrors(form);
      const s = slot();
      if (s.error) { showMessage(form, s.error, s.field); return; }
      const q = `?incident_id=${encodeURIComponent(incidentId)}&headcount=${s.n}&starts_at=${encodeURIComponent(s.from)}&ends_at=${encodeURIComponent(s.to)}`;
      replace(list, h('p', { class: 'muted small' }, t('common.loading')));
      try {
        const r = await get('/venues' + q);
        drawVenues((r && r.venues) || [], s);
      } catch (err) {
        clear(list);
        if (!err.handled) showError(form, err);
      }
    }

    function drawVenues(venues, s) {
      if (!venues.length) { replace(list, h('p', { class: 'muted' }, t('ven.none'))); return; }
      replace(list, h('table', { class: 'grid venues', 'data-testid': 'venues' },
        h('thead', null, h('tr', null, h('th', null, t('ven.name')), h('th', { class: 'num' }, t('ven.capacity')),
          h('th', null, t('ven.fits')), h('th', null, t('ven.conflict')), h('th', null, ''))),
        h('tbody', null, venues.map((v) => {
          const c = v.conflict;
          return h('tr', { dataset: { venueId: v.id }, class: (v.fits === false ? 'too-small' : '') + (c ? ' clash' : '') },
            h('td', null, v.name, v.in_plan ? [' ', h('span', { class: 'badge ok' }, t('ven.inPlan'))] : null),
            h('td', { class: 'num' }, String(v.capacity)),
            h('td', null, v.fits === false ? h('span', { class: 'late-flag' }, t('ven.tooSmall', { n: s.n })) : v.fits ? h('span', { class: 'ok-text' }, t('ven.fitsYes')) : ''),
            h('td', null, c ? h('span', { class: 'late-flag' }, t('ven.clash', {
              inc: c.incident_number || t('ven.otherIncident'), from: shortTime(c.starts_at), to: shortTime(c.ends_at),
            })) : t('ven.free')),
            h('td', null, h('button', {
              type: 'button', class: 'btn small' + (v.fits !== false && !c ? ' primary' : ''), 'data-testid': 'venue-book',
              onclick: (ev) => book(v, s, ev.currentTarget),
            }, t('ven.book'))));
        }))));
    }

    async function book(v, s, btn) {
      clearErrors(form);
      btn.disabled = true;
      try {
        await post(base + '/bookings', { venue_id: v.id, starts_at: s.from, ends_at: s.to, headcount: s.n, purpose: 'reply' });
        panel.hidden = true;
        if (toggle) toggle.setAttribute('aria-expanded', 'false');
        clear(list);
        await reload();
      } catch (err) {
        btn.disabled = false;
        if (err.handled) return;
        const d = err.detail || {};
        if (err.status === 409 && d.capacity !== undefined) {
          showMessage(form, t('ven.errCapacity', { v: v.name, c: d.capacity, n: d.headcount ?? s.n }), 'headcount');
        } else if (err.status === 409 && d.conflict) {
          showMessage(form, t('ven.errConflict', {
            v: v.name, inc: d.conflict.incident_number || t('ven.otherIncident'),
            from: shortTime(d.conflict.starts_at), to: shortTime(d.conflict.ends_at),
          }), 'starts_at');
        } else showError(form, err);
        check();
      }
    }

    form.addEventListener('submit', (ev) => { ev.preventDefault(); check(); });
    const box = { el, drawBookings: () => replace(bookingsEl, bookingList()) };
    box.drawBookings();
    return box;
  }

  // The box for one task; the same element each time so that its state is kept.
  function forTask(task, inc) {
    incident = inc;
    let box = boxes.get(task.id);
    if (!box) { box = makeBox(task); boxes.set(task.id, box); }
    const open = task.status === 'pending' || task.status === 'in_progress';
    const toggle = box.el.querySelector('[data-testid="venue-toggle"]');
    if (toggle) toggle.hidden = !open;
    if (!open) box.el.querySelector('.venue-panel').hidden = true;
    return box.el;
  }

  return { load, forTask };
}
