// incident-people.js — the 信访人 panel of the incident page: the petitioners of the
// incident (GET /incidents/{id}/persons) with role (代表/参与), unit, ID number (masked),
// phone and their 包保 official, or a red 未包保 flag; the 《信访工作条例》 Art. 20 warning (more than
// 5 representatives) in plain sight; quick entry of many people at once, one per line
// (POST /incidents/{id}/persons/bulk), which shows each bad line's problem without
// losing the text and the likely duplicates after saving; and the 包保 assignment of
// the ticked petitioners, or of every petitioner of one unit, to a responsible official
// (POST /incidents/{id}/assignments). Forms and ticks survive the live reloads.

import { t, getLang } from './i18n.js';
import { get, post, del } from './api.js';
import { h, clear, replace, field, select, setOptions, showError, showMessage, clearErrors, busy, errorText } from './dom.js';
import { keepFocus } from './incident-common.js';
import { pperms, roleBadge, assignmentBadge, unitName, longCountdownEl } from './people-common.js';

// Officials a 包保 can name: the directory's responsible officials (GET /directory,
// found by name; nobody types a user number), plus every official already named on
// one of this incident's assignments. q narrows by name.
async function findOfficials(q, extra) {
  let people = [];
  try {
    const r = await get('/directory?role=official&limit=50' + (q ? '&q=' + encodeURIComponent(q) : ''));
    people = r && r.people ? r.people : [];
  } catch (err) {
    if (err.handled) throw err;
  }
  const list = [];
  const seen = new Set();
  const addOne = (id, name, detail) => {
    if (!id || seen.has(id)) return;
    seen.add(id);
    list.push({ id, name: name || '#' + id, detail: detail || '' });
  };
  for (const p of people) addOne(p.id, p.name, p.unit_name);
  if (!q) for (const a of extra || []) if (a && a.official) addOne(a.official.id, a.official.name);
  return list;
}

// A search box (by name) over a select of responsible officials.
function officialPicker(prefix, extra) {
  const sel = select({ id: prefix + '-official', name: 'official_id' }, [{ value: '', label: t('asg.chooseOfficial') }]);
  const search = h('input', { id: prefix + '-official-search', type: 'search', autocomplete: 'off', placeholder: t('asg.findOfficialHint') });
  let timer = null;
  let asked = 0;
  const picker = {
    fields: [field(t('asg.findOfficial'), search), field(t('asg.official'), sel)],
    set(officials) {
      const keep = sel.value;
      setOptions(sel, [{ value: '', label: officials.length ? t('asg.chooseOfficial') : t('asg.noOfficials') },
        ...officials.map((o) => ({ value: o.id, label: o.detail ? t('asg.officialOption', { name: o.name, d: o.detail }) : o.name }))]);
      if (officials.some((o) => String(o.id) === keep)) sel.value = keep;
      else if (officials.length === 1) sel.value = String(officials[0].id);
    },
    // The chosen user id, or null with the field to mark.
    value() {
      if (!sel.value) return { error: 'official_id', el: sel };
      return { id: Number(sel.value) };
    },
  };
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++asked;
      try {
        const list = await findOfficials(search.value.trim(), extra());
        if (mine === asked) picker.set(list);
      } catch (_) { /* a lost session is handled by the app */ }
    }, 200);
  });
  return picker;
}

export function createPeoplePanel(ctx, incidentId, reload) {
  const canRead = pperms.read(ctx);
  const canWrite = pperms.write(ctx);
  const canAssign = pperms.assign(ctx);
  const base = '/incidents/' + encodeURIComponent(incidentId);
  const ui = { selected: new Set(), lastResult: null, loadError: null };
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
      const done = busy(quickForm, t('common.busy'));
      try {
        const r = await post(base + '/persons/bulk', { text });
        done();
        quickText.value = '';
        countLines();
        ui.lastResult = r;
        drawResult();
        await reload();
      } catch (err) {
        done();
        if (err.handled) return;
        const problems = err.detail && Array.isArray(err.detail.problems) ? err.detail.problems : null;
        showError(quickForm, err);
        if (problems && problems.length) drawProblems(problems, text);
      }
    });
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
      h('div', { class: 'form-ok', role: 'status', id: 'quick-ok' }, t('pp.quickDone', { n: created.length })),
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

  // ---- assignment ----
  let assignForm = null;
  let unitForm = null;
  const assignedOfficials = () => (data ? data.persons.map((p) => p.assignment).filter(Boolean) : []);
  const pick = officialPicker('assign', assignedOfficials);
  const pickUnit = officialPicker('assign-unit', assignedOfficials);
  const assignCount = h('span', { class: 'muted', id: 'assign-count' });
  const unitSel = select({ id: 'assign-unit', name: 'unit_id' }, []);
  if (canAssign) {
    assignForm = h('form', { class: 'inline-form', id: 'assign-form', novalidate: true },
      h('h3', null, t('asg.assignTitle')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('p', { class: 'muted small' }, t('asg.assignHint')),
      h('div', { class: 'row' }, pick.fields),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'assign-submit', 'data-testid': 'assign-submit' }, t('asg.assignSelected')),
        assignCount));
    assignForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(assignForm);
      const ids = [...ui.selected].filter((pid) => data && data.persons.some((p) => p.id === pid));
      if (!ids.length) { showMessage(assignForm, t('asg.needSelection')); return; }
      const o = pick.value();
      if (o.error) { showMessage(assignForm, t('asg.needOfficial')); o.el.setAttribute('aria-invalid', 'true'); o.el.focus(); return; }
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

    unitForm = h('form', { class: 'inline-form', id: 'assign-unit-form', novalidate: true },
      h('h3', null, t('asg.byUnitTitle')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('p', { class: 'muted small' }, t('asg.byUnitHint')),
      h('div', { class: 'row' }, field(t('asg.unit'), unitSel), pickUnit.fields),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn', id: 'assign-unit-submit' }, t('asg.assignUnit'))));
    unitForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(unitForm);
      if (!unitSel.value) { showMessage(unitForm, t('asg.needUnit'), 'unit_id'); return; }
      const o = pickUnit.value();
      if (o.error) { showMessage(unitForm, t('asg.needOfficial')); o.el.setAttribute('aria-invalid', 'true'); o.el.focus(); return; }
      const done = busy(unitForm, t('common.busy'));
      try {
        await post(base + '/assignments', { unit_id: Number(unitSel.value), official_id: o.id });
        done();
        await reload();
      } catch (err) {
        done();
        if (!err.handled) showAssignError(unitForm, err);
      }
    });
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

  async function refreshOfficials() {
    if (!canAssign) return;
    try {
      const list = await findOfficials('', assignedOfficials());
      pick.set(list);
      pickUnit.set(list);
    } catch (_) { /* a lost session is handled by the app */ }
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
        return h('tr', { dataset: { personId: p.id }, 'data-testid': 'petitioner', class: a ? null : 'no-official' },
          canAssign ? h('td', null, h('input', {
            type: 'checkbox', id: 'pp-check-' + p.id, 'aria-label': p.name, checked: ui.selected.has(p.id), dataset: { personId: p.id },
            onchange: (ev) => { if (ev.currentTarget.checked) ui.selected.add(p.id); else ui.selected.delete(p.id); drawCount(); all.checked = persons.every((x) => ui.selected.has(x.id)); },
          })) : null,
          h('td', null, h('a', { href: '#/persons/' + p.id, class: 'person-name' }, p.name)),
          h('td', null, roleBadge(p.role)),
          h('td', null, unitName(units, p.unit_id)),
          h('td', { class: 'id-number' }, p.id_number || ''), // masked by the server
          h('td', null, p.phone || ''),
          h('td', { class: 'pp-assignment' }, a
            ? [h('span', { class: 'official-name', 'data-testid': 'official' }, a.official ? a.official.name || '#' + a.official.id : ''), ' ',
              assignmentBadge(a.status), ' ', a.next_due_at && a.status !== 'resolved' ? longCountdownEl(a.next_due_at) : null]
            : h('span', { class: 'unassigned-flag', 'data-testid': 'unassigned' }, t('pp.unassigned'))),
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

  function drawUnits() {
    const ids = [...new Set((data ? data.persons : []).map((p) => p.unit_id).filter((u) => u !== null && u !== undefined))];
    setOptions(unitSel, [{ value: '', label: ids.length ? t('asg.chooseUnit') : t('asg.noUnits') },
      ...ids.map((u) => {
        const n = data.persons.filter((p) => p.unit_id === u).length;
        return { value: u, label: t('asg.unitOption', { name: unitName(units, u), n }) };
      })]);
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
    if (quickForm && !quickForm.isConnected) el.append(quickForm);
    if (assignForm && !assignForm.isConnected) el.append(assignForm, unitForm);
    // A withdrawn registration or an archived incident takes no more people.
    if (quickForm) quickForm.hidden = !!incident && ['archived', 'withdrawn'].includes(incident.status);
    if (assignForm) {
      const active = incident && !['registered', 'not_activated', 'archived', 'withdrawn'].includes(incident.status);
      assignForm.hidden = !persons.length || !active;
      unitForm.hidden = !persons.length || !active;
      drawCount();
      drawUnits();
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

