// incident-people.js — the 信访人 panel of the incident page: the petitioners of the
// incident (GET /incidents/{id}/persons) with role (代表/参与), unit, ID number (masked),
// phone and their 包保 official, or a red 未包保 flag; the 《信访工作条例》 Art. 20 warning (more than
// 5 representatives) in plain sight; quick entry of many people at once, one per line
// (POST /incidents/{id}/persons/bulk), which shows each bad line's problem without
// losing the text, asks first about lines that may already have a file (使用已有档案 or
// 仍新建档案, quick-duplicates.js) and shows the likely duplicates after saving; and the 包保 assignment of
// the ticked petitioners, or of every petitioner of one unit (a row per unit, each with
// its own official), or the unassigned spread evenly over several officials (平均分配:
// previewed, then saved in one request), officials always found by name
// (user-picker.js; POST /incidents/{id}/assignments). Forms, ticks and the preview
// survive the live reloads.

import { t, getLang } from './i18n.js';
import { get, post, del } from './api.js';
import { h, clear, replace, field, showError, showMessage, clearErrors, busy, errorText } from './dom.js';
import { keepFocus } from './incident-common.js';
import { pperms, roleBadge, assignmentBadge, unitName, longCountdownEl } from './people-common.js';
import { duplicateChoice } from './quick-duplicates.js';
import { userPicker, multiPicker } from './user-picker.js';

// 平均分配: the unassigned petitioners, kept together by unit (then in list order), cut
// into one run per official whose sizes differ by at most one. -> [{person, official}]
export function spreadPlan(persons, officials) {
  const open = persons.filter((p) => !p.assignment);
  const unitKey = (p) => (p.unit_id === null || p.unit_id === undefined ? Infinity : p.unit_id);
  open.sort((a, b) => unitKey(a) - unitKey(b) || persons.indexOf(a) - persons.indexOf(b));
  const k = officials.length;
  const plan = [];
  if (!k) return plan;
  let at = 0;
  for (let i = 0; i < k; i++) {
    const size = Math.floor(open.length / k) + (i < open.length % k ? 1 : 0);
    for (const person of open.slice(at, at + size)) plan.push({ person, official: officials[i] });
    at += size;
  }
  return plan;
}

export function createPeoplePanel(ctx, incidentId, reload) {
  const canRead = pperms.read(ctx);
  const canWrite = pperms.write(ctx);
  const canAssign = pperms.assign(ctx);
  const base = '/incidents/' + encodeURIComponent(incidentId);
  const ui = { selected: new Set(), lastResult: null, loadError: null, plan: null };
  let data = null; // {persons, representatives, warnings}
  let units = null;
  let incident = null;

  const warningsBox = h('div', { id: 'people-warnings' });
  const summary = h('p', { class: 'muted', id: 'people-summary' });
  const tableBox = h('div', { id: 'people-table-box' });
  const errorBox = h('div', { class: 'form-error', role: 'alert', id: 'people-error', hidden: true });
  const el = h('section', { class: 'people-panel', id: 'people-panel', 'aria-labelledby': 'people-title', hidden: !canRead },
    h('h2', { id: 'people-title' }, t('pp.title')), errorBox, warningsBox, summary, tableBox);

  // ---- quick entry ----
  let quickForm = null;
  const quickText = h('textarea', { id: 'quick-text', name: 'text', rows: '6', spellcheck: 'false', placeholder: t('pp.quickPlaceholder') });
  const quickResult = h('div', { id: 'quick-result' });
  if (canWrite) {
    quickForm = h('form', { class: 'inline-form', id: 'quick-form', novalidate: true },
      h('h3', null, t('pp.quickTitle')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('p', { class: 'muted small' }, t('pp.quickHint')),
      field(t('pp.quickLabel'), quickText),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'quick-submit', 'data-testid': 'quick-submit' }, t('pp.quickSave')),
        h('span', { class: 'muted small', id: 'quick-count' })),
      quickResult);
    const count = quickForm.querySelector('#quick-count');
    const countLines = () => {
      const n = quickText.value.split('\n').filter((l) => l.trim()).length;
      count.textContent = n ? t('pp.quickLines', { n }) : '';
    };
    quickText.addEventListener('input', countLines);
    quickForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(quickForm);
      clear(quickResult);
      const text = quickText.value.replace(/\r\n?/g, '\n');
      if (!text.trim()) { showMessage(quickForm, t('pp.quickEmpty'), 'text'); return; }
      // Lines that may already have a file are asked about first (use the existing
      // file or create a new one); nothing is stored until then.
      const done = busy(quickForm, t('common.busy'));
      try {
        const c = await post(base + '/persons/bulk', { text, check: true });
        done();
        if (c && c.duplicates && c.duplicates.length) {
          replace(quickResult, duplicateChoice(c.duplicates, units, (use) => saveQuick(text, use), () => clear(quickResult)));
          return;
        }
        await saveQuick(text, []);
      } catch (err) {
        done();
        quickFailed(err, text);
      }
    });
    const saveQuick = async (text, use) => {
      clearErrors(quickForm);
      const done = busy(quickForm, t('common.busy'));
      try {
        const r = await post(base + '/persons/bulk', use.length ? { text, use_existing: use } : { text });
        done();
        quickText.value = '';
        countLines();
        ui.lastResult = r;
        drawResult();
        await reload();
      } catch (err) {
        done();
        quickFailed(err, text);
      }
    };
    const quickFailed = (err, text) => {
      if (err.handled) return;
      const problems = err.detail && Array.isArray(err.detail.problems) ? err.detail.problems : null;
      showError(quickForm, err);
      if (problems && problems.length) drawProblems(problems, text);
    };
  }

  // Each bad line with its own text, so it can be found and fixed in the box.
  function drawProblems(problems, text) {
    const lines = text.split('\n');
    replace(quickResult, h('div', { class: 'problems', id: 'quick-problems', 'data-testid': 'quick-problems' },
      h('strong', null, t('pp.problemsHead', { n: problems.length })),
      h('ul', null, problems.map((p) => h('li', { dataset: { line: p.line } },
        h('span', { class: 'line-no' }, t('pp.lineNo', { n: p.line })), ' ',
        lines[p.line - 1] !== undefined ? h('code', { class: 'line-text' }, lines[p.line - 1]) : null, ' ',
        h('span', { class: 'line-problem' }, p.message))))));
  }

  function drawResult() {
    const r = ui.lastResult;
    if (!r) { clear(quickResult); return; }
    const created = r.created || [];
    const dups = r.duplicates || [];
    replace(quickResult,
      h('div', { class: 'form-ok', role: 'status', id: 'quick-ok' }, t('pp.quickDone', { n: created.length + (r.linked || []).length }),
        (r.linked || []).length ? ' ' + t('pp.quickLinked', { n: r.linked.length }) : ''),
      warningList(r.warnings, 'quick-warnings'),
      dups.length ? h('div', { class: 'notice dup-notice', id: 'quick-duplicates', 'data-testid': 'quick-duplicates' },
        h('strong', null, t('pp.dupHead', { n: dups.length })),
        h('ul', null, dups.map((d) => h('li', null,
          t('pp.lineNo', { n: d.line }), ' ', h('strong', null, d.name), t('common.colon'),
          t('pp.mayBe'), ' ',
          (d.matches || []).map((m, i) => [i ? t('common.sep') : '', h('a', { href: '#/persons/' + m.id }, `${m.name} #${m.id}`),
            m.reason ? ' ' + t('dash.paren', { x: t('dupr.' + m.reason) === 'dupr.' + m.reason ? m.reason : t('dupr.' + m.reason) }) : ''])))),
        h('p', { class: 'small' }, t('pp.dupAfter'))) : null);
  }

  // The server words the warnings in Chinese; an English reader gets our line first.
  function warningList(warnings, id) {
    if (!Array.isArray(warnings) || !warnings.length) return null;
    return h('div', { class: 'art20', id, role: 'alert', 'data-testid': 'art20' },
      getLang() === 'zh' ? null : h('p', null, t('pp.art20')),
      warnings.map((w) => h('p', null, h('strong', null, '⚠ '), w)));
  }

  // ---- assignment (包保): per ticked person, per unit, or spread evenly ----
  let assignForm = null;
  let unitForm = null;
  let spreadForm = null;
  const assignedOfficials = () => {
    const seen = new Map();
    for (const p of data ? data.persons : []) {
      const o = p.assignment && p.assignment.official;
      if (o && o.id && !seen.has(o.id)) seen.set(o.id, { id: o.id, name: o.name || '#' + o.id });
    }
    return [...seen.values()];
  };
  const officialOpts = (id) => ({ id, role: 'official', name: 'official_id', label: t('asg.official'), extra: assignedOfficials });
  const pick = userPicker(officialOpts('assign-official'));
  const assignCount = h('span', { class: 'muted', id: 'assign-count' });
  const unitRows = h('tbody', { id: 'assign-unit-rows' });
  const unitPickers = new Map(); // unit id (or 'none') -> {tr, picker, counts}
  const spread = multiPicker({ ...officialOpts('spread-official'), addLabel: t('asg.spreadAdd'), onChange: () => { ui.plan = null; drawPlan(); } });
  const planBox = h('div', { id: 'spread-plan', 'aria-live': 'polite' });
  const baobaoHead = h('h3', { id: 'baobao-title', class: 'baobao-title' });
  const baobao = h('div', { class: 'baobao', id: 'baobao', 'aria-labelledby': 'baobao-title' });
  if (canAssign) {
    assignForm = h('form', { class: 'inline-form', id: 'assign-form', novalidate: true },
      h('h3', null, t('asg.assignTitle')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('p', { class: 'muted small' }, t('asg.assignHint')),
      pick.el,
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'assign-submit', 'data-testid': 'assign-submit' }, t('asg.assignSelected')),
        assignCount));
    assignForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(assignForm);
      const ids = [...ui.selected].filter((pid) => data && data.persons.some((p) => p.id === pid));
      if (!ids.length) { showMessage(assignForm, t('asg.needSelection')); return; }
      const o = pick.value();
      if (!o) { showMessage(assignForm, t('asg.needOfficial'), 'official_id'); pick.search.focus(); return; }
      const done = busy(assignForm, t('common.busy'));
      try {
        await post(base + '/assignments', { pairs: ids.map((pid) => ({ person_id: pid, official_id: o.id })) });
        done();
        ui.selected.clear();
        await reload();
      } catch (err) {
        done();
        if (!err.handled) showAssignError(assignForm, err, ids);
      }
    });

    unitForm = h('div', { class: 'inline-form', id: 'assign-unit-form' },
      h('h3', null, t('asg.byUnitTitle')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('p', { class: 'muted small' }, t('asg.byUnitHint')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid unit-assign', id: 'assign-unit-table' },
        h('thead', null, h('tr', null, h('th', null, t('asg.unit')), h('th', null, t('asg.unitPeople')),
          h('th', null, t('asg.official')), h('th', null, t('common.actions')))),
        unitRows)));

    spreadForm = h('form', { class: 'inline-form', id: 'spread-form', novalidate: true },
      h('h3', null, t('asg.spreadTitle')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('p', { class: 'muted small' }, t('asg.spreadHint')),
      spread.el,
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn', id: 'spread-preview', 'data-testid': 'spread-preview' }, t('asg.spreadPreview'))),
      planBox);
    baobao.append(baobaoHead, unitForm, h('div', { class: 'baobao-forms' }, spreadForm, assignForm));
    spreadForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(spreadForm);
      const officials = spread.values();
      if (!officials.length) { showMessage(spreadForm, t('asg.spreadNeedOfficials'), 'official_id'); spread.picker.search.focus(); return; }
      const plan = spreadPlan(data ? data.persons : [], officials);
      if (!plan.length) { showMessage(spreadForm, t('asg.spreadNobody')); return; }
      ui.plan = plan;
      drawPlan();
      drawTable();
      const save = planBox.querySelector('#spread-save');
      if (save) save.focus();
    });
  }

  // Assigns every petitioner of the unit (POST with unit_id) to the row's official.
  async function assignUnit(uid, entry, btn) {
    const box = unitForm.querySelector('.form-error');
    box.hidden = true;
    const o = entry.picker.value();
    if (!o) { box.textContent = t('asg.needOfficialFor', { u: entry.name }); box.hidden = false; entry.picker.search.focus(); return; }
    btn.disabled = true;
    try {
      const persons = data.persons.filter((p) => (p.unit_id ?? 'none') === uid);
      // Petitioners without a unit go as pairs: the unit form of the API needs a unit.
      if (uid === 'none') await post(base + '/assignments', { pairs: persons.map((p) => ({ person_id: p.id, official_id: o.id })) });
      else await post(base + '/assignments', { unit_id: uid, official_id: o.id });
      btn.disabled = false;
      await reload();
    } catch (err) {
      btn.disabled = false;
      if (err.handled) return;
      box.textContent = errorText(err);
      box.hidden = false;
    }
  }

  function drawUnitRows() {
    const persons = data ? data.persons : [];
    const ids = [...new Set(persons.map((p) => p.unit_id ?? 'none'))];
    for (const [uid, entry] of unitPickers) if (!ids.includes(uid)) { entry.tr.remove(); unitPickers.delete(uid); }
    for (const uid of ids) {
      let entry = unitPickers.get(uid);
      const name = uid === 'none' ? t('asg.noUnit') : unitName(units, uid);
      if (!entry) {
        const key = uid === 'none' ? 'none' : String(uid);
        const picker = userPicker({ ...officialOpts('assign-unit-' + key + '-official'), name: null, compact: true });
        const counts = h('span', { class: 'unit-counts' });
        const btn = h('button', { type: 'button', class: 'btn small', id: 'assign-unit-' + key + '-submit', 'data-testid': 'assign-unit-submit' }, t('asg.assignUnit'));
        entry = { picker, counts, name, tr: h('tr', { dataset: { unitId: key }, 'data-testid': 'unit-row' },
          h('td', { class: 'unit-name' }), h('td', null, counts), h('td', { class: 'unit-picker' }, picker.el), h('td', { class: 'actions' }, btn)) };
        btn.addEventListener('click', () => assignUnit(uid, entry, btn));
        unitPickers.set(uid, entry);
      }
      entry.name = name;
      entry.tr.firstChild.textContent = name;
      const mine = persons.filter((p) => (p.unit_id ?? 'none') === uid);
      const open = mine.filter((p) => !p.assignment).length;
      entry.counts.textContent = t('asg.unitCounts', { n: mine.length, u: open });
      entry.counts.classList.toggle('has-unassigned', open > 0);
      unitRows.append(entry.tr); // in order; moving keeps what was typed
    }
  }

  // The plan as {official, persons}: the unassigned, by unit, cut into even runs.
  function planByOfficial() {
    const by = new Map();
    for (const x of ui.plan || []) {
      if (!by.has(x.official.id)) by.set(x.official.id, { official: x.official, persons: [] });
      by.get(x.official.id).persons.push(x.person);
    }
    return [...by.values()];
  }

  function drawPlan() {
    if (!spreadForm) return;
    // Drop from the plan whoever got an official (or left) meanwhile.
    if (ui.plan && data) {
      ui.plan = ui.plan.filter((x) => data.persons.some((p) => p.id === x.person.id && !p.assignment));
      if (!ui.plan.length) ui.plan = null;
    }
    if (!ui.plan) { clear(planBox); return; }
    const groups = planByOfficial();
    replace(planBox, h('div', { class: 'spread-plan', 'data-testid': 'spread-plan' },
      h('strong', null, t('asg.planHead', { n: ui.plan.length, k: groups.length })),
      h('ul', null, groups.map((g) => h('li', { dataset: { officialId: g.official.id }, 'data-testid': 'plan-official' },
        h('strong', { class: 'plan-name' }, g.official.name), ' ',
        h('span', { class: 'plan-count', 'data-testid': 'plan-count' }, t('asg.planCount', { n: g.persons.length })), t('common.colon'),
        h('span', { class: 'muted small' }, g.persons.map((p) => p.name).join(t('common.sep')))))),
      h('div', { class: 'buttons' },
        h('button', { type: 'button', class: 'btn primary', id: 'spread-save', 'data-testid': 'spread-save', onclick: (ev) => savePlan(ev.currentTarget) },
          t('asg.planSave', { n: ui.plan.length })),
        h('button', { type: 'button', class: 'btn', id: 'spread-cancel', onclick: () => { ui.plan = null; drawPlan(); drawTable(); } }, t('common.cancel')))));
  }

  async function savePlan(btn) {
    clearErrors(spreadForm);
    const plan = ui.plan || [];
    if (!plan.length) return;
    btn.disabled = true;
    const ids = plan.map((x) => x.person.id);
    try {
      await post(base + '/assignments', { pairs: plan.map((x) => ({ person_id: x.person.id, official_id: x.official.id })) });
      ui.plan = null;
      spread.clear();
      drawPlan();
      await reload();
    } catch (err) {
      btn.disabled = false;
      if (!err.handled) showAssignError(spreadForm, err, ids);
    }
  }

  // "pairs[3]" names the fourth pair sent: say which petitioner that was.
  function showAssignError(form, err, ids) {
    const m = /^pairs\[(\d+)\]/.exec(err.field || '');
    if (m && ids && data) {
      const p = data.persons.find((x) => x.id === ids[Number(m[1])]);
      showMessage(form, errorText(err) + (p ? t('asg.forPerson', { name: p.name }) : ''), 'official_id');
      return;
    }
    showError(form, err);
  }

  // One directory request for all the 包保 pickers, again when the officials named change.
  let offered = null;
  async function refreshOfficials() {
    if (!canAssign) return;
    const key = assignedOfficials().map((o) => o.id).sort().join(',') + '|' + unitPickers.size;
    if (key === offered) return;
    offered = key;
    try {
      const r = await get('/directory?role=official&limit=50');
      const list = (r && r.people) || [];
      for (const p of [pick, spread.picker, ...[...unitPickers.values()].map((e) => e.picker)]) p.offer(list);
    } catch (err) {
      offered = null;
      /* a lost session is handled by the app */
    }
  }

  function drawTable() {
    const persons = data ? data.persons : [];
    clear(tableBox);
    if (!persons.length) {
      tableBox.append(h('p', { class: 'muted', id: 'people-empty' }, t('pp.empty')));
      return;
    }
    for (const pid of [...ui.selected]) if (!persons.some((p) => p.id === pid)) ui.selected.delete(pid);
    const all = h('input', {
      type: 'checkbox', id: 'pp-select-all', 'aria-label': t('asg.selectAll'), 'data-testid': 'select-all',
      checked: persons.length > 0 && persons.every((p) => ui.selected.has(p.id)),
      onchange: (ev) => {
        for (const p of persons) { if (ev.currentTarget.checked) ui.selected.add(p.id); else ui.selected.delete(p.id); }
        drawTable();
      },
    });
    tableBox.append(h('div', { class: 'table-wrap' }, h('table', { class: 'grid petitioners', id: 'petitioners-table' },
      h('thead', null, h('tr', null,
        canAssign ? h('th', null, h('label', { class: 'check' }, all, ' ', t('asg.selectAll'))) : null,
        h('th', null, t('per.name')), h('th', null, t('pp.role')), h('th', null, t('per.unit')),
        h('th', null, t('per.idNumber')), h('th', null, t('per.phone')), h('th', null, t('pp.assignment')),
        canWrite ? h('th', null, t('common.actions')) : null)),
      h('tbody', null, persons.map((p) => {
        const a = p.assignment;
        const planned = !a && ui.plan ? ui.plan.find((x) => x.person.id === p.id) : null;
        return h('tr', { dataset: { personId: p.id }, 'data-testid': 'petitioner', class: a ? null : 'no-official' },
          canAssign ? h('td', { class: 'pp-check' }, h('input', {
            type: 'checkbox', id: 'pp-check-' + p.id, 'aria-label': p.name, checked: ui.selected.has(p.id), dataset: { personId: p.id },
            onchange: (ev) => { if (ev.currentTarget.checked) ui.selected.add(p.id); else ui.selected.delete(p.id); drawCount(); all.checked = persons.every((x) => ui.selected.has(x.id)); },
          })) : null,
          h('td', { class: 'pp-name' }, h('a', { href: '#/persons/' + p.id, class: 'person-name' }, p.name)),
          h('td', { class: 'pp-role' }, roleBadge(p.role)),
          h('td', { class: 'pp-unit' }, unitName(units, p.unit_id)),
          h('td', { class: 'id-number' + (p.id_number ? '' : ' empty') }, p.id_number || ''), // masked by the server
          h('td', { class: 'pp-phone' + (p.phone ? '' : ' empty') }, p.phone || ''),
          h('td', { class: 'pp-assignment' }, a
            ? [h('span', { class: 'official-name', 'data-testid': 'official' }, a.official ? a.official.name || '#' + a.official.id : ''), ' ',
              assignmentBadge(a.status), ' ', a.next_due_at && a.status !== 'resolved' ? longCountdownEl(a.next_due_at) : null]
            : [h('span', { class: 'unassigned-flag', 'data-testid': 'unassigned' }, t('pp.unassigned')),
              planned ? [' ', h('span', { class: 'planned', 'data-testid': 'planned' }, t('asg.plannedFor', { name: planned.official.name }))] : null]),
          canWrite ? h('td', { class: 'actions' }, h('button', {
            type: 'button', class: 'btn small', onclick: (ev) => unlink(p, ev.currentTarget),
          }, t('pp.unlink'))) : null);
      })))));
  }

  async function unlink(p, btn) {
    if (!window.confirm(t('pp.confirmUnlink', { name: p.name }))) return;
    btn.disabled = true;
    errorBox.hidden = true;
    try { await del(base + '/persons/' + encodeURIComponent(p.id)); ui.selected.delete(p.id); await reload(); } catch (err) {
      btn.disabled = false;
      if (err.handled) return;
      errorBox.textContent = errorText(err);
      errorBox.hidden = false;
    }
  }

  function drawCount() {
    assignCount.textContent = t('asg.selectedN', { n: ui.selected.size });
  }

  function draw() {
    errorBox.hidden = !ui.loadError;
    if (ui.loadError) errorBox.textContent = ui.loadError;
    if (!data) return;
    const persons = data.persons;
    const unassigned = persons.filter((p) => !p.assignment).length;
    replace(warningsBox, warningList(data.warnings, 'art20-warning'));
    summary.textContent = persons.length ? t('pp.summary', {
      n: persons.length, r: data.representatives ?? persons.filter((p) => p.role === 'representative').length, u: unassigned,
    }) : '';
    summary.classList.toggle('has-unassigned', unassigned > 0);
    drawTable();
    // Forms go below the table once; they are never rebuilt.
    if (assignForm && !baobao.isConnected) el.append(baobao);
    if (quickForm && !quickForm.isConnected) el.append(quickForm);
    // A withdrawn registration or an archived incident takes no more people.
    if (quickForm) quickForm.hidden = !!incident && ['archived', 'withdrawn'].includes(incident.status);
    if (assignForm) {
      const active = incident && !['registered', 'not_activated', 'archived', 'withdrawn'].includes(incident.status);
      baobao.hidden = !persons.length || !active;
      baobaoHead.textContent = t('asg.screenTitle', { n: persons.length, u: unassigned });
      drawCount();
      drawUnitRows();
      drawPlan();
    }
  }

  // Asked by the incident page together with its own data; never throws except for a
  // lost session, so that the rest of the page still shows.
  async function load() {
    if (!canRead) return;
    try {
      const [r, u] = await Promise.all([get(base + '/persons'), units ? Promise.resolve(null) : get('/units').catch((e) => { if (e.handled) throw e; return null; })]);
      data = { persons: (r && r.persons) || [], representatives: r ? r.representatives : 0, warnings: (r && r.warnings) || [] };
      if (u && u.units) units = u.units;
      ui.loadError = null;
    } catch (err) {
      if (err.handled) throw err;
      if (err.status === 403) { el.hidden = true; data = null; return; }
      ui.loadError = errorText(err);
    }
  }

  function update(inc) {
    incident = inc;
    if (!canRead) return;
    keepFocus(el, draw);
    if (data) refreshOfficials();
  }

  return { el, load, update, names: () => (data ? data.persons : []) };
}

