// dispatch.js — the incident's dispatch board, an ICS 201 style resource summary:
// one row per request for 保卫干警 or 车辆 with quantity, status and the ordered / ETA /
// arrived / released times; buttons to set an ETA (minutes from now), mark 已到达 and
// 已撤离 (PATCH /dispatches/{id}); and the request form (POST .../dispatches). Inputs
// are kept across live reloads so nobody loses what they typed. When every vehicle and
// guard a step asks for (B2) has arrived, the board offers to complete that step.

import { t, joinList } from './i18n.js';
import { post, patch } from './api.js';
import { h, clear, field, select, showError, showMessage, clearErrors, busy, errorText } from './dom.js';
import { perms, RESOURCES, resourceName, dispatchStatusName, shortTime, countdownEl, keepFocus } from './incident-common.js';

export function createDispatchBoard(ctx, incidentId, reload) {
  const canUpdate = perms.dispatch(ctx);
  const canRequest = perms.manage(ctx);
  const etaInputs = new Map(); // dispatch id -> its ETA input, reused across redraws
  const rowErrors = new Map();
  let incident = null;
  let list = [];
  let tasks = [];
  const declined = new Set(); // task ids whose completion offer was put aside
  const offer = h('div', { class: 'dispatch-offer', id: 'dispatch-offer', role: 'status', hidden: true });

  const tbody = h('tbody');
  const empty = h('p', { class: 'muted', id: 'dispatch-empty' }, t('disp.empty'));
  const table = h('div', { class: 'table-wrap' },
    h('table', { class: 'grid dispatch', id: 'dispatch-table' },
      h('thead', null, h('tr', null,
        h('th', null, t('disp.resource')), h('th', { class: 'num' }, t('disp.quantity')), h('th', null, t('disp.status')),
        h('th', null, t('disp.ordered')), h('th', null, t('disp.eta')), h('th', null, t('disp.arrived')),
        h('th', null, t('disp.released')), h('th', null, t('disp.orderedBy')), h('th', null, t('disp.note')),
        canUpdate ? h('th', { class: 'actions' }, t('common.actions')) : null)),
      tbody));

  async function change(d, b, btn) {
    rowErrors.delete(d.id);
    if (btn) btn.disabled = true;
    try {
      await patch('/dispatches/' + encodeURIComponent(d.id), b);
      if ('eta_minutes' in b) etaInputs.delete(d.id);
      await reload();
    } catch (err) {
      if (btn) btn.disabled = false;
      if (err.handled) return;
      rowErrors.set(d.id, errorText(err));
      draw();
    }
  }

  function actionsCell(d) {
    if (d.status === 'released') return h('td', { class: 'actions', 'data-label': t('common.actions') }, h('span', { class: 'muted' }, t('common.none')));
    let eta = etaInputs.get(d.id);
    if (!eta) {
      eta = h('input', { type: 'number', min: '0', step: '1', class: 'eta-input', id: 'eta-' + d.id, 'aria-label': t('disp.etaMinutes') });
      etaInputs.set(d.id, eta);
    }
    const setEta = h('button', { type: 'button', class: 'btn small', 'data-testid': 'dispatch-eta',
      onclick: (ev) => {
        const n = Number(eta.value);
        if (eta.value.trim() === '' || !Number.isInteger(n) || n < 0) {
          rowErrors.set(d.id, t('disp.needEta'));
          draw();
          eta.focus();
          return;
        }
        change(d, { eta_minutes: n }, ev.currentTarget);
      } }, t('disp.setEta'));
    return h('td', { class: 'actions', 'data-label': t('common.actions') },
      d.status !== 'arrived' ? h('span', { class: 'eta-set' }, eta, h('span', { class: 'small muted' }, t('disp.minutes')), setEta) : null,
      d.status !== 'arrived' ? h('button', { type: 'button', class: 'btn small primary', 'data-testid': 'dispatch-arrived',
        onclick: (ev) => change(d, { arrived: true }, ev.currentTarget) }, t('disp.markArrived')) : null,
      h('button', { type: 'button', class: 'btn small', 'data-testid': 'dispatch-released',
        onclick: (ev) => change(d, { released: true }, ev.currentTarget) }, t('disp.markReleased')));
  }

  // The open step whose resources have all arrived: each resource it asks for has been
  // requested, and every request of those resources has arrived (or arrived and left).
  function arrivedStep() {
    if (!perms.task(ctx)) return null;
    return tasks.find((task) => (task.status === 'pending' || task.status === 'in_progress')
      && Array.isArray(task.dispatch) && task.dispatch.length && !declined.has(task.id)
      && task.dispatch.every((r) => {
        const mine = list.filter((d) => d.resource === r);
        return mine.length > 0 && mine.every((d) => d.status === 'arrived' || (d.status === 'released' && d.arrived_at))
          && mine.some((d) => d.status === 'arrived');
      })) || null;
  }

  function drawOffer() {
    const task = arrivedStep();
    clear(offer);
    offer.hidden = !task;
    if (!task) return;
    const step = task.step_id || task.title || '';
    const err = h('div', { class: 'form-error', role: 'alert', hidden: true });
    offer.dataset.taskId = task.id;
    offer.append(
      h('p', null, t('disp.allArrived', { r: joinList(task.dispatch.map(resourceName)), step }),
        ' ', h('span', { class: 'muted' }, task.title || '')),
      err,
      h('div', { class: 'buttons' },
        h('button', { type: 'button', class: 'btn primary', id: 'dispatch-complete-step', 'data-testid': 'dispatch-complete-step',
          onclick: async (ev) => {
            const btn = ev.currentTarget;
            btn.disabled = true;
            try {
              await patch('/tasks/' + encodeURIComponent(task.id), { action: 'complete', note: t('disp.allArrivedNote') });
              await reload();
            } catch (e) {
              btn.disabled = false;
              if (e.handled) return;
              err.textContent = errorText(e);
              err.hidden = false;
            }
          } }, t('disp.completeStep', { step })),
        h('button', { type: 'button', class: 'btn', id: 'dispatch-offer-later',
          onclick: () => { declined.add(task.id); drawOffer(); } }, t('disp.later'))));
  }

  function draw() {
    drawOffer();
    clear(tbody);
    empty.hidden = list.length > 0;
    table.hidden = list.length === 0;
    const cols = canUpdate ? 10 : 9;
    for (const d of list) {
      // data-label names the column on a phone, where each row becomes a card that
      // leaves out the empty ('empty') cells.
      const td = (key, attrs, ...kids) => h('td', { ...attrs, 'data-label': t(key) }, ...kids);
      tbody.append(h('tr', { dataset: { dispatchId: d.id, status: d.status || '' }, class: 'ds-' + (d.status || '') },
        td('disp.resource', { class: 'resource' }, resourceName(d.resource)),
        td('disp.quantity', { class: 'num' }, String(d.quantity ?? '')),
        td('disp.status', null, h('span', { class: 'badge ds ds-' + (d.status || '') }, dispatchStatusName(d.status))),
        td('disp.ordered', { class: 'nowrap' }, shortTime(d.ordered_at)),
        td('disp.eta', { class: d.eta_at ? 'eta nowrap' : 'eta nowrap empty' }, d.eta_at ? [shortTime(d.eta_at), ' ',
          d.status === 'ordered' || d.status === 'en_route' ? countdownEl(d.eta_at) : null] : t('common.none')),
        td('disp.arrived', { class: d.arrived_at ? 'nowrap' : 'nowrap empty' }, d.arrived_at ? shortTime(d.arrived_at) : t('common.none')),
        td('disp.released', { class: d.released_at ? 'nowrap' : 'nowrap empty' }, d.released_at ? shortTime(d.released_at) : t('common.none')),
        td('disp.orderedBy', null, d.ordered_by === null || d.ordered_by === undefined ? '' : String(d.ordered_by)),
        td('disp.note', { class: d.note ? 'note' : 'note empty' }, d.note || ''),
        canUpdate ? actionsCell(d) : null));
      const err = rowErrors.get(d.id);
      if (err) tbody.append(h('tr', { class: 'row-error' }, h('td', { colspan: cols }, h('div', { class: 'form-error', role: 'alert' }, err))));
    }
    for (const id of [...etaInputs.keys()]) if (!list.some((d) => d.id === id)) etaInputs.delete(id);
  }

  // The request form.
  let form = null;
  let resource = null;
  let quantity = null;
  if (canRequest) {
    resource = select({ id: 'disp-resource', name: 'resource' }, RESOURCES.map((r) => ({ value: r, label: resourceName(r) })));
    quantity = h('input', { id: 'disp-quantity', name: 'quantity', type: 'number', min: '1', step: '1', value: '1' });
    const note = h('input', { id: 'disp-note', name: 'note', type: 'text', autocomplete: 'off' });
    form = h('form', { id: 'dispatch-form', class: 'inline-form', novalidate: true },
      h('h3', null, t('disp.request')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' },
        field(t('disp.resource'), resource), field(t('disp.quantity'), quantity),
        field(t('disp.note') + ' ' + t('common.optional'), note)),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn primary', id: 'dispatch-submit' }, t('disp.submit'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const n = Number(quantity.value);
      if (!Number.isInteger(n) || n < 1) { showMessage(form, t('disp.needQuantity'), 'quantity'); return; }
      const b = { resource: resource.value, quantity: n };
      if (note.value.trim()) b.note = note.value.trim();
      const done = busy(form, t('common.busy'));
      try {
        await post('/incidents/' + encodeURIComponent(incidentId) + '/dispatches', b);
        done();
        note.value = '';
        await reload();
      } catch (err) {
        done();
        if (!err.handled) showError(form, err);
      }
    });
  }

  const el = h('section', { class: 'dispatch-board', id: 'dispatch-board', 'aria-labelledby': 'dispatch-title' },
    h('h2', { id: 'dispatch-title' }, t('disp.title')),
    offer, empty, table, form);

  function update(inc, dispatches, stepTasks) {
    incident = inc;
    list = dispatches;
    tasks = Array.isArray(stepTasks) ? stepTasks : [];
    keepFocus(tbody, draw);
    el.hidden = !incident || (incident.status === 'not_activated' && list.length === 0);
  }

  // Preselects a resource in the request form and brings it into view (from a step
  // that asks for guards or vehicles).
  function prefill(r) {
    if (!form) return;
    if (RESOURCES.includes(r)) resource.value = r;
    form.scrollIntoView({ block: 'center' });
    quantity.focus();
    quantity.select();
  }

  return { el, update, prefill };
}
