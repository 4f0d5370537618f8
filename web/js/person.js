// person.js — one petitioner file (#/persons/{id}): the person with masked ID number
// and health data (a 显示 button for the petition office asks GET ?reveal=1 and shows
// them for this view only; every view and reveal is recorded), family members, matters
// (诉求) with the 《信访工作条例》 time limits as countdowns (acceptance within 15 days,
// conclusion within 60 days of acceptance), outcome and satisfaction, the incidents the
// person took part in, the current 包保 assignment with its last follow-up and the form
// to record the next one, and the likely duplicate files (使用已有档案 merges this file into
// one of them); 合并档案 (person-merge.js); the address of a merged file shows the kept one
// with a notice. Editing needs person.write.

import { t } from './i18n.js';
import { get, post, patch, del } from './api.js';
import { h, add, clear, replace, field, select, showError, showMessage, clearErrors, busy, errorText, formatTime } from './dom.js';
import { unitOptions } from './units.js';
import { personFields } from './persons.js';
import { mergePanel } from './person-merge.js';
import {
  CATEGORIES, OUTCOMES, SATISFACTION, employmentName, personRoleName, categoryName, outcomeName,
  satisfactionName, pperms, loadUnits, unitName, longCountdownEl, tickLong, assignmentBadge,
  followupForm, lastFollowupEl,
} from './people-common.js';

export async function renderPerson(section, ctx, id, query) {
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '#/persons' }, t('per.back')));
  if (!pperms.read(ctx)) {
    section.append(crumbs, h('p', { class: 'notice' }, t('per.noRead')));
    return null;
  }
  const canWrite = pperms.write(ctx);
  let base = '/persons/' + encodeURIComponent(id);
  // revealed: this view shows the ID number and health data; forgotten on leaving.
  // mergedFrom: the address asked for was a file merged into this one.
  const ui = { revealed: false, editing: false, openMatter: null, followup: false, mergedFrom: null };
  let person = null;
  let units = [];

  const head = h('div', { class: 'person-head', id: 'person-head' });
  const pageError = h('div', { class: 'form-error', id: 'person-error', role: 'alert', hidden: true });
  const facts = h('div', { id: 'person-facts' });
  const dupBox = h('div', { id: 'person-duplicates' });
  const mergedBox = h('div', { id: 'person-merged' });
  const mergeBox = h('div', { id: 'person-merge' });
  const familyBox = h('section', { id: 'person-family', class: 'person-sec' });
  const mattersBox = h('section', { id: 'person-matters', class: 'person-sec' });
  const incidentsBox = h('section', { id: 'person-incidents', class: 'person-sec' });
  const assignmentBox = h('section', { id: 'person-assignment', class: 'person-sec' });

  async function load(reveal) {
    person = await get(base + (reveal ? '?reveal=1' : ''));
    // A merged file's address answers with the kept file (308, followed by fetch):
    // show the kept file's address from now on.
    if (String(person.id) !== String(id)) {
      ui.mergedFrom = id;
      id = person.id;
      base = '/persons/' + encodeURIComponent(id);
      history.replaceState(null, '', '#/persons/' + id);
    }
    ui.revealed = !!reveal && person.id_number_masked === false;
    draw();
  }
  async function reload() {
    try { await load(ui.revealed); pageError.hidden = true; } catch (err) {
      if (err.handled) return;
      pageError.textContent = errorText(err);
      pageError.hidden = false;
    }
  }

  function drawHead() {
    const p = person;
    replace(head,
      h('div', { class: 'inc-title' },
        h('h1', { id: 'person-name' }, p.name),
        h('span', { class: 'badge' }, employmentName(p.employment)),
        p.duplicates && p.duplicates.length ? h('span', { class: 'badge warn', 'data-testid': 'dup-flag' }, t('per.dup')) : null,
        h('span', { class: 'spacer' }),
        pperms.reveal(ctx) && !ui.revealed ? h('button', {
          type: 'button', class: 'btn', id: 'person-reveal', 'data-testid': 'reveal',
          onclick: (ev) => reveal(ev.currentTarget),
        }, t('per.reveal')) : null,
        ui.revealed ? h('button', { type: 'button', class: 'btn', id: 'person-hide', onclick: () => { load(false).catch(showPageError); } }, t('per.hide')) : null,
        canWrite && !ui.editing ? h('button', { type: 'button', class: 'btn', id: 'person-edit', onclick: () => { ui.editing = true; draw(); } }, t('common.edit')) : null,
        canWrite ? h('button', { type: 'button', class: 'btn', id: 'person-merge-open', 'data-testid': 'merge-open', onclick: () => openMerge(null) }, t('mg.open')) : null),
      h('p', { class: 'privacy-note small', id: 'person-privacy' },
        ui.revealed ? t('per.revealedNote') : t('per.viewNote')));
  }

  function showPageError(err) {
    if (err.handled) return;
    pageError.textContent = errorText(err);
    pageError.hidden = false;
  }

  async function reveal(btn) {
    btn.disabled = true;
    try { await load(true); pageError.hidden = true; } catch (err) {
      btn.disabled = false;
      showPageError(err);
    }
  }

  function drawFacts() {
    const p = person;
    if (ui.editing) { replace(facts, editForm()); return; }
    const idText = p.id_number ? p.id_number : t('per.idNone');
    let health;
    if (ui.revealed) health = p.health ? p.health : t('per.healthNone');
    else health = p.health_recorded ? t('per.healthMasked') : t('per.healthNone');
    replace(facts, h('dl', { class: 'facts inc-facts' },
      h('dt', null, t('per.idNumber')), h('dd', { id: 'person-idno', class: 'mono' + (ui.revealed ? ' revealed' : '') }, idText),
      h('dt', null, t('per.phone')), h('dd', { id: 'person-phone' }, p.phone || t('common.none')),
      h('dt', null, t('per.address')), h('dd', null, p.address || t('common.none')),
      h('dt', null, t('per.unit')), h('dd', { id: 'person-unit' }, unitName(units, p.unit_id)),
      h('dt', null, t('per.employment')), h('dd', null, employmentName(p.employment)),
      h('dt', null, t('per.health')), h('dd', { id: 'person-health', class: ui.revealed ? 'revealed pre' : 'muted' }, health),
      h('dt', null, t('per.note')), h('dd', { class: 'pre' }, p.note || t('common.none')),
      h('dt', null, t('per.created')), h('dd', null, formatTime(p.created_at))));
  }

  function editForm() {
    const p = person;
    const f = personFields('pe', units, p);
    if (ui.revealed) { f.id_number.value = p.id_number || ''; f.health.value = p.health || ''; }
    const form = h('form', { class: 'inline-form', id: 'person-edit-form', novalidate: true },
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' }, field(t('per.name'), f.name), field(t('per.phone'), f.phone), field(t('per.address'), f.address)),
      h('div', { class: 'row' }, field(t('per.unit'), f.unit_id), field(t('per.employment'), f.employment)),
      h('div', { class: 'row' },
        field(t('per.idNumber'), f.id_number, ui.revealed ? null : t('per.editMaskedHint')),
        field(t('per.health'), f.health, ui.revealed ? null : t('per.editMaskedHint'))),
      field(t('per.note'), f.note),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'person-edit-submit' }, t('common.save')),
        h('button', { type: 'button', class: 'btn', onclick: () => { ui.editing = false; draw(); } }, t('common.cancel'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      if (!f.name.value.trim()) { showMessage(form, t('per.needName'), 'name'); return; }
      const change = {};
      const same = (a, b) => (a || '') === (b || '');
      for (const k of ['name', 'phone', 'address', 'note']) if (!same(f[k].value.trim(), p[k])) change[k] = f[k].value.trim();
      if (f.employment.value !== p.employment) change.employment = f.employment.value;
      const u = f.unit_id.value === '' ? null : Number(f.unit_id.value);
      if (u !== (p.unit_id ?? null)) change.unit_id = u;
      // Masked values are only sent when typed anew (or changed after a reveal).
      for (const k of ['id_number', 'health']) {
        const val = f[k].value.trim();
        if (ui.revealed ? !same(val, p[k]) : val !== '') change[k] = val;
      }
      if (!Object.keys(change).length) { ui.editing = false; draw(); return; }
      const done = busy(form, t('common.busy'));
      try {
        await patch(base, change);
        done();
        ui.editing = false;
        await load(false);
      } catch (err) {
        done();
        if (!err.handled) showError(form, err);
      }
    });
    return form;
  }

  function drawDuplicates() {
    const d = person.duplicates || [];
    replace(mergedBox, ui.mergedFrom ? h('div', { class: 'notice', role: 'status', id: 'person-merged-notice', 'data-testid': 'merged-notice' },
      t('mg.redirected', { id: ui.mergedFrom })) : null);
    replace(dupBox, d.length ? h('div', { class: 'notice dup-notice', 'data-testid': 'duplicates' },
      h('strong', null, t('per.dupHead')), ' ',
      d.map((x, i) => [i ? t('common.sep') : '', h('a', { href: '#/persons/' + x.id }, x.name + ' #' + x.id),
        ' ', t('dash.paren', { x: t('dupr.' + x.reason) === 'dupr.' + x.reason ? x.reason : t('dupr.' + x.reason) }),
        // 使用已有档案: this file goes into the existing one (merge, previewed first).
        canWrite ? [' ', h('button', { type: 'button', class: 'btn small', dataset: { personId: x.id }, 'data-testid': 'use-existing',
          onclick: () => openMerge(x.id) }, t('mg.useExisting'))] : null])) : null);
  }

  function openMerge(preset) {
    replace(mergeBox, mergePanel(person, units, (keptId) => {
      location.hash = '#/persons/' + keptId + '?merged=1';
    }, () => clear(mergeBox), preset));
    mergeBox.scrollIntoView({ block: 'start' });
  }

  function drawFamily() {
    const fam = person.family || [];
    clear(familyBox);
    familyBox.append(h('h2', null, t('fam.title')));
    familyBox.append(fam.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'family-table' },
      h('thead', null, h('tr', null, h('th', null, t('fam.name')), h('th', null, t('fam.relation')),
        h('th', null, t('fam.phone')), h('th', null, t('fam.unit')), canWrite ? h('th', null, t('common.actions')) : null)),
      h('tbody', null, fam.map((m) => h('tr', { dataset: { familyId: m.id } },
        h('td', null, m.name), h('td', null, m.relation), h('td', null, m.phone || ''), h('td', null, m.unit || ''),
        canWrite ? h('td', { class: 'actions' }, h('button', {
          type: 'button', class: 'btn small', onclick: (ev) => removeFamily(m, ev.currentTarget),
        }, t('fam.remove'))) : null)))))
      : h('p', { class: 'muted' }, t('fam.empty')));
    if (canWrite) familyBox.append(familyForm);
  }

  async function removeFamily(m, btn) {
    if (!window.confirm(t('fam.confirmRemove', { name: m.name }))) return;
    btn.disabled = true;
    try { await del('/family/' + encodeURIComponent(m.id)); await reload(); } catch (err) {
      btn.disabled = false;
      showPageError(err);
    }
  }

  // Built once so that typing survives reloads.
  const famName = h('input', { id: 'fam-add-name', name: 'name', type: 'text', autocomplete: 'off' });
  const famRel = h('input', { id: 'fam-add-relation', name: 'relation', type: 'text', autocomplete: 'off', placeholder: t('fam.relationHint') });
  const famPhone = h('input', { id: 'fam-add-phone', name: 'phone', type: 'tel', autocomplete: 'off' });
  const famUnit = h('input', { id: 'fam-add-unit', name: 'unit', type: 'text', autocomplete: 'off' });
  const familyForm = h('form', { class: 'inline-form', id: 'family-add-form', novalidate: true },
    h('h3', null, t('fam.add')),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'row' }, field(t('fam.name'), famName), field(t('fam.relation'), famRel),
      field(t('fam.phone') + ' ' + t('common.optional'), famPhone), field(t('fam.unit') + ' ' + t('common.optional'), famUnit)),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn primary', id: 'family-add-submit' }, t('fam.add'))));
  familyForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(familyForm);
    if (!famName.value.trim()) { showMessage(familyForm, t('fam.needBoth'), 'name'); return; }
    if (!famRel.value.trim()) { showMessage(familyForm, t('fam.needBoth'), 'relation'); return; }
    const body = { name: famName.value.trim(), relation: famRel.value.trim() };
    if (famPhone.value.trim()) body.phone = famPhone.value.trim();
    if (famUnit.value.trim()) body.unit = famUnit.value.trim();
    const done = busy(familyForm, t('common.busy'));
    try {
      await post(base + '/family', body);
      done();
      famName.value = ''; famRel.value = ''; famPhone.value = ''; famUnit.value = '';
      await reload();
    } catch (err) {
      done();
      if (!err.handled) showError(familyForm, err);
    }
  });

  function incidentNumber(incId) {
    const x = (person.incidents || []).find((i) => i.incident_id === incId);
    return x ? x.number : '#' + incId;
  }

  function matterItem(m) {
    const open = ui.openMatter === m.id;
    const lines = [];
    if (!m.accepted_at && m.acceptance_due) {
      lines.push(h('div', { class: 'matter-due', 'data-testid': 'acceptance-due' },
        t('mat.acceptBy', { at: formatTime(m.acceptance_due) }), ' ', longCountdownEl(m.acceptance_due), ' ',
        h('span', { class: 'muted small' }, t('mat.art22'))));
    }
    if (m.accepted_at) lines.push(h('div', { class: 'small' }, t('mat.acceptedAt', { at: formatTime(m.accepted_at) })));
    if (m.accepted_at && !m.concluded_at && m.conclusion_due) {
      lines.push(h('div', { class: 'matter-due', 'data-testid': 'conclusion-due' },
        t('mat.concludeBy', { at: formatTime(m.conclusion_due) }), ' ', longCountdownEl(m.conclusion_due), ' ',
        h('span', { class: 'muted small' }, t('mat.art34'))));
    }
    if (m.concluded_at) lines.push(h('div', { class: 'small ok-text' }, t('mat.concludedAt', { at: formatTime(m.concluded_at) })));
    const buttons = [];
    if (canWrite) {
      if (!m.accepted_at) buttons.push(h('button', { type: 'button', class: 'btn small primary', 'data-testid': 'matter-accept', onclick: (ev) => updateMatter(m, { accepted: true }, ev.currentTarget) }, t('mat.accept')));
      buttons.push(h('button', { type: 'button', class: 'btn small', 'aria-expanded': open ? 'true' : 'false', onclick: () => { ui.openMatter = open ? null : m.id; drawMatters(); } }, t('mat.outcomeBtn')));
      if (m.accepted_at && !m.concluded_at) buttons.push(h('button', { type: 'button', class: 'btn small', 'data-testid': 'matter-conclude', onclick: (ev) => updateMatter(m, { concluded: true }, ev.currentTarget) }, t('mat.conclude')));
    }
    return h('li', { class: 'matter cat-' + m.category, dataset: { matterId: m.id }, 'data-testid': 'matter' },
      h('div', { class: 'task-top' },
        h('span', { class: 'badge cat-badge' }, categoryName(m.category)),
        m.incident_id ? h('a', { href: '#/incidents/' + m.incident_id }, incidentNumber(m.incident_id)) : null,
        h('span', { class: 'muted small' }, t('mat.receivedAt', { at: formatTime(m.received_at) }))),
      h('div', { class: 'pre matter-content' }, m.content),
      m.category === 'accusation' && m.accused_unit_id ? h('div', { class: 'small' },
        t('mat.accused'), unitName(units, m.accused_unit_id), ' ', h('span', { class: 'muted' }, t('mat.confidential'))) : null,
      lines,
      h('div', { class: 'task-meta' },
        h('span', null, t('mat.outcome'), m.outcome ? outcomeName(m.outcome) : t('mat.pending')),
        h('span', null, t('mat.satisfaction'), m.satisfaction ? satisfactionName(m.satisfaction) : t('mat.pending'))),
      buttons.length ? h('div', { class: 'task-actions' }, buttons) : null,
      open ? outcomeForm(m) : null);
  }

  function outcomeForm(m) {
    const outcome = select({ id: `mat-${m.id}-outcome`, name: 'outcome' },
      [{ value: '', label: t('mat.choose') }, ...OUTCOMES.map((o) => ({ value: o, label: outcomeName(o) }))], m.outcome || '');
    const satis = select({ id: `mat-${m.id}-satisfaction`, name: 'satisfaction' },
      [{ value: '', label: t('mat.choose') }, ...SATISFACTION.map((o) => ({ value: o, label: satisfactionName(o) }))], m.satisfaction || '');
    const form = h('form', { class: 'task-form', novalidate: true },
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' }, field(t('mat.outcomeLabel'), outcome), field(t('mat.satisfactionLabel'), satis)),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary small' }, t('common.save')),
        h('button', { type: 'button', class: 'btn small', onclick: () => { ui.openMatter = null; drawMatters(); } }, t('common.cancel'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const body = {};
      if (outcome.value && outcome.value !== m.outcome) body.outcome = outcome.value;
      if (satis.value && satis.value !== m.satisfaction) body.satisfaction = satis.value;
      if (!Object.keys(body).length) { showMessage(form, t('mat.needChange'), 'outcome'); return; }
      const done = busy(form, t('common.busy'));
      try {
        await patch('/matters/' + encodeURIComponent(m.id), body);
        done();
        ui.openMatter = null;
        await reload();
      } catch (err) {
        done();
        if (!err.handled) showError(form, err);
      }
    });
    return form;
  }

  async function updateMatter(m, body, btn) {
    btn.disabled = true;
    try { await patch('/matters/' + encodeURIComponent(m.id), body); await reload(); } catch (err) {
      btn.disabled = false;
      showPageError(err);
    }
  }

  // The new-matter form, built once.
  const matCat = select({ id: 'mat-category', name: 'category' }, CATEGORIES.map((c) => ({ value: c, label: categoryName(c) })), 'appeal');
  const matContent = h('textarea', { id: 'mat-content', name: 'content', rows: '3' });
  const matAccused = select({ id: 'mat-accused', name: 'accused_unit_id' }, []);
  const matIncident = select({ id: 'mat-incident', name: 'incident_id' }, []);
  const accusedField = field(t('mat.accusedLabel') + ' ' + t('common.optional'), matAccused, t('mat.accusedHint'));
  const matterForm = h('form', { class: 'inline-form', id: 'matter-add-form', novalidate: true },
    h('h3', null, t('mat.add')),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'row' }, field(t('mat.category'), matCat), field(t('mat.incident') + ' ' + t('common.optional'), matIncident), accusedField),
    field(t('mat.content'), matContent),
    h('p', { class: 'muted small' }, t('mat.limitsHint')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn primary', id: 'matter-add-submit' }, t('mat.addBtn'))));
  const syncAccused = () => { accusedField.hidden = matCat.value !== 'accusation'; };
  matCat.addEventListener('change', syncAccused);
  syncAccused();
  matterForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(matterForm);
    if (!matContent.value.trim()) { showMessage(matterForm, t('mat.needContent'), 'content'); return; }
    const body = { category: matCat.value, content: matContent.value.trim() };
    if (matIncident.value) body.incident_id = Number(matIncident.value);
    if (matCat.value === 'accusation' && matAccused.value) body.accused_unit_id = Number(matAccused.value);
    const done = busy(matterForm, t('common.busy'));
    try {
      await post(base + '/matters', body);
      done();
      matContent.value = '';
      await reload();
    } catch (err) {
      done();
      if (!err.handled) showError(matterForm, err);
    }
  });

  function drawMatters() {
    const list = person.matters || [];
    clear(mattersBox);
    mattersBox.append(h('h2', null, t('mat.title')),
      list.length ? h('ol', { class: 'tasks matters', id: 'matters' }, list.map(matterItem))
        : h('p', { class: 'muted' }, t('mat.empty')));
    if (canWrite) {
      const incs = person.incidents || [];
      const keep = matIncident.value;
      clear(matIncident);
      matIncident.append(h('option', { value: '' }, t('mat.noIncident')),
        incs.map((i) => h('option', { value: String(i.incident_id) }, i.number || '#' + i.incident_id)));
      if (keep && incs.some((i) => String(i.incident_id) === keep)) matIncident.value = keep;
      const keepU = matAccused.value;
      clear(matAccused);
      matAccused.append(h('option', { value: '' }, t('mat.noAccused')),
        unitOptions(units).map((o) => h('option', { value: String(o.value) }, o.label)));
      if (keepU) matAccused.value = keepU;
      mattersBox.append(matterForm);
    }
  }

  function drawIncidents() {
    const list = person.incidents || [];
    replace(incidentsBox, h('h2', null, t('per.incidents')),
      list.length ? h('ul', { class: 'plain-list', id: 'person-incident-list' }, list.map((i) => h('li', null,
        h('a', { href: '#/incidents/' + i.incident_id, class: 'inc-number' }, i.number || '#' + i.incident_id), ' ',
        h('span', { class: 'badge prole-' + i.role }, personRoleName(i.role)))))
        : h('p', { class: 'muted' }, t('per.noIncidents')));
  }

  function drawAssignment() {
    const a = person.assignment;
    clear(assignmentBox);
    assignmentBox.append(h('h2', null, t('asg.current')));
    if (!a) {
      assignmentBox.append(h('p', { class: 'unassigned-flag', 'data-testid': 'unassigned' }, t('asg.none')));
      return;
    }
    assignmentBox.append(h('dl', { class: 'facts', id: 'person-assignment-facts' },
      h('dt', null, t('asg.official')), h('dd', null, a.official ? a.official.name || '#' + a.official.id : t('common.none')),
      h('dt', null, t('asg.status')), h('dd', null, assignmentBadge(a.status)),
      h('dt', null, t('asg.interval')), h('dd', null, t('asg.everyDays', { n: a.interval_days })),
      a.next_due_at && a.status !== 'resolved' ? [h('dt', null, t('asg.nextDue')), h('dd', null, formatTime(a.next_due_at), ' ', longCountdownEl(a.next_due_at, 'next-due'))] : null,
      h('dt', null, t('asg.last')), h('dd', null, lastFollowupEl(a.last_followup)),
      a.incident_id ? [h('dt', null, t('asg.incident')), h('dd', null, h('a', { href: '#/incidents/' + a.incident_id }, incidentNumber(a.incident_id)))] : null));
    // Officials record on their own petitioners; the petition office and unit heads on any.
    const mayFollow = ctx.hasRole('petition_office') || ctx.hasRole('unit_head')
      || (ctx.hasRole('official') && a.official && a.official.id === ctx.state.user.id);
    if (mayFollow && !a.ended_at) {
      if (ui.followup) {
        assignmentBox.append(followupForm(a, 'person-fu', async () => { ui.followup = false; await reload(); },
          () => { ui.followup = false; drawAssignment(); }));
      } else {
        assignmentBox.append(h('div', { class: 'buttons' }, h('button', {
          type: 'button', class: 'btn primary', id: 'person-fu-open', onclick: () => { ui.followup = true; drawAssignment(); const c = document.getElementById('person-fu-content'); if (c) c.focus(); },
        }, t('fu.record'))));
      }
    }
  }

  function draw() {
    drawHead();
    drawFacts();
    drawDuplicates();
    drawFamily();
    drawMatters();
    drawIncidents();
    drawAssignment();
  }

  add(section, crumbs, pageError,
    query && query.get('created') === '1' ? h('div', { class: 'form-ok', role: 'status', id: 'person-created' }, t('per.created1')) : null,
    query && query.get('merged') === '1' ? h('div', { class: 'form-ok', role: 'status', id: 'person-merge-done' }, t('mg.done')) : null,
    head, mergedBox, dupBox, mergeBox, facts,
    h('div', { class: 'person-cols' },
      h('div', null, mattersBox, familyBox),
      h('div', null, assignmentBox, incidentsBox)));

  try {
    units = await loadUnits();
    await load(false);
  } catch (err) {
    if (err.handled) return null;
    clear(section);
    section.append(crumbs, h('p', { class: 'form-error', role: 'alert', id: 'person-error' },
      err.status === 404 ? t('per.notFound') : errorText(err)));
    return null;
  }
  const timer = setInterval(() => {
    if (!section.isConnected) { clearInterval(timer); return; }
    tickLong(section);
  }, 30000);
  // Leaving the page forgets a revealed ID number with the page itself.
  return () => { clearInterval(timer); person = null; };
}

