// user-picker.js — the one way to pick a person with an account: a search-as-you-type
// box over the directory (GET /directory, by name, username or unit name), optionally
// narrowed by role and unit, feeding a list to choose from. Used wherever someone is
// assigned or scheduled (包保 officials, task assignees, meeting attendees and decision
// owners, roster links), so that nobody types a user number. userPicker() picks one
// person; multiPicker() collects several (shown as removable chips).

import { t } from './i18n.js';
import { get } from './api.js';
import { h, clear, field, select, setOptions } from './dom.js';

const ROLES = ['petition_office', 'leader', 'unit_head', 'dispatch', 'official', 'company'];

// Units for the unit filter, asked once per page load.
let unitsPromise = null;
function loadUnits() {
  if (!unitsPromise) {
    unitsPromise = get('/units').then((r) => (r && r.units) || []).catch((err) => {
      unitsPromise = null;
      if (err.handled) throw err;
      return [];
    });
  }
  return unitsPromise;
}

const roleLabel = (r) => t('role.' + r);

// "张三（保卫科）· 包保责任人"
export function personLabel(p, showRoles) {
  let s = p.name || '#' + p.id;
  if (p.unit_name) s += t('up.inUnit', { u: p.unit_name });
  if (showRoles && Array.isArray(p.roles) && p.roles.length) s += ' · ' + p.roles.map(roleLabel).join(t('common.sep'));
  return s;
}

// opts: id (the select's id; the search box is id + '-search'), label, compact, role (fixed
// role), roleFilter / unitFilter (show those filters), showRoles, extra() (people
// offered while nothing is typed: [{id, name, unit_name?}]), none (label of an empty
// choice that is valid, e.g. "不关联账户"), initial ({id, name}), selectClass, name,
// preload (false: nothing listed before something is typed), onChange(person | null).
export function userPicker(opts) {
  const o = opts || {};
  const search = h('input', {
    id: o.id + '-search', type: 'search', autocomplete: 'off', class: 'up-search',
    placeholder: o.placeholder || t('up.searchHint'), 'aria-controls': o.id,
  });
  const sel = select({ id: o.id, name: o.name || null, class: ['up-select', o.selectClass].filter(Boolean).join(' ') },
    [{ value: '', label: o.none || t('up.typeFirst') }]);
  const roleSel = o.roleFilter && !o.role
    ? select({ id: o.id + '-role', class: 'up-role', 'aria-label': t('up.role') }, [{ value: '', label: t('up.anyRole') }, ...ROLES.map((r) => ({ value: r, label: roleLabel(r) }))])
    : null;
  const unitSel = o.unitFilter
    ? select({ id: o.id + '-unit', class: 'up-unit', 'aria-label': t('up.unit') }, [{ value: '', label: t('up.anyUnit') }])
    : null;
  if (o.compact) {
    search.setAttribute('aria-label', o.searchLabel || t('up.search'));
    sel.setAttribute('aria-label', o.label || t('up.person'));
  }
  const status = h('span', { class: 'up-status muted small', id: o.id + '-status', 'aria-live': 'polite' });
  let people = new Map(); // id -> person, of the list shown
  let timer = null;
  let asked = 0;
  let loaded = false;
  let pending = null;
  const picker = {
    forbidden: false,
    search, select: sel,
    // compact (e.g. in a table row): no visible labels, only accessible names.
    el: o.compact
      ? h('div', { class: 'user-picker compact', dataset: { picker: o.id } }, search, roleSel, unitSel, sel, status)
      : h('div', { class: 'user-picker row', dataset: { picker: o.id } },
        field(o.searchLabel || t('up.search'), search),
        roleSel ? field(t('up.role'), roleSel) : null,
        unitSel ? field(t('up.unit'), unitSel) : null,
        field(o.label || t('up.person'), sel, null), status),
    // The chosen person ({id, name, ...}) or null.
    value() {
      const id = Number(sel.value);
      if (!sel.value || !Number.isInteger(id) || id < 1) return null;
      return people.get(id) || { id, name: sel.selectedOptions[0] ? sel.selectedOptions[0].textContent : '#' + id };
    },
    // Shows this person chosen (e.g. the current one), without asking the server.
    choose(p) {
      if (p && p.id && !people.has(p.id)) { people.set(p.id, p); draw([...people.values()]); }
      sel.value = p && p.id ? String(p.id) : '';
    },
    reset() { search.value = ''; sel.value = ''; return picker.refresh(); },
    // Asks the directory for the current search; resolves to the list shown.
    async refresh() {
      const mine = ++asked;
      const q = search.value.trim();
      let list = [];
      let failed = false;
      let path = '/directory?limit=50';
      if (q) path += '&q=' + encodeURIComponent(q);
      const role = o.role || (roleSel && roleSel.value);
      if (role) path += '&role=' + encodeURIComponent(role);
      if (unitSel && unitSel.value) path += '&unit_id=' + encodeURIComponent(unitSel.value);
      try {
        const r = await get(path);
        list = (r && r.people) || [];
        picker.forbidden = false;
      } catch (err) {
        if (err.handled) throw err;
        failed = true;
        picker.forbidden = err.status === 403;
      }
      if (mine !== asked) return [...people.values()];
      if (!q) list = withExtra(list);
      loaded = true;
      draw(list);
      status.textContent = failed && !picker.forbidden ? t('up.failed') : q && !list.length ? t('up.nobody') : '';
      if (q && list.length === 1) { sel.value = String(list[0].id); if (o.onChange) o.onChange(picker.value()); }
      return list;
    },
    // Shows a list asked for elsewhere (several pickers sharing one request), unless
    // someone is searching in this one.
    offer(list) {
      if (search.value.trim() || (roleSel && roleSel.value) || (unitSel && unitSel.value)) return;
      ++asked;
      loaded = true;
      draw(withExtra([...list]));
    },
    // First load, once (e.g. when the picker is first shown).
    ensure() {
      if (loaded) return Promise.resolve([...people.values()]);
      if (!pending) pending = picker.refresh().finally(() => { pending = null; });
      return pending;
    },
  };
  function withExtra(list) {
    const seen = new Set(list.map((p) => p.id));
    if (o.extra) for (const p of o.extra() || []) if (p && p.id && !seen.has(p.id)) { seen.add(p.id); list.push(p); }
    return list;
  }
  function draw(list) {
    const keep = sel.value;
    const current = keep ? people.get(Number(keep)) : null;
    people = new Map(list.map((p) => [p.id, p]));
    // The chosen person stays in the list while another search runs.
    if (current && !people.has(current.id)) { people.set(current.id, current); list = [...list, current]; }
    setOptions(sel, [{ value: '', label: o.none || (list.length ? t('up.choose') : t('up.nobodyOption')) },
      ...list.map((p) => ({ value: p.id, label: (o.labelOf && o.labelOf(p)) || personLabel(p, o.showRoles) }))]);
    if (list.some((p) => String(p.id) === keep)) sel.value = keep;
  }
  const later = () => { clearTimeout(timer); timer = setTimeout(() => picker.refresh().catch(() => {}), 200); };
  search.addEventListener('input', later);
  // The first list comes when the box is first entered, unless preload is false.
  search.addEventListener('focus', () => { if (o.preload !== false) picker.ensure().catch(() => {}); });
  // Enter in the search box picks the first match rather than submitting the form.
  search.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    ev.preventDefault();
    clearTimeout(timer);
    picker.refresh().then((list) => {
      if (!sel.value && list.length) { sel.value = String(list[0].id); if (o.onChange) o.onChange(picker.value()); }
      sel.focus();
    }).catch(() => {});
  });
  if (roleSel) roleSel.addEventListener('change', later);
  if (unitSel) {
    unitSel.addEventListener('change', later);
    loadUnits().then((units) => setOptions(unitSel, [{ value: '', label: t('up.anyUnit') },
      ...units.map((u) => ({ value: u.id, label: u.name }))])).catch(() => {});
  }
  sel.addEventListener('change', () => { if (o.onChange) o.onChange(picker.value()); });
  if (o.initial && o.initial.id) picker.choose(o.initial);
  return picker;
}

// Several people: a userPicker with 添加, and the chosen ones as chips with ×.
// opts as userPicker, plus addLabel; onChange(list) when the chosen change.
export function multiPicker(opts) {
  const o = opts || {};
  const chosen = [];
  const chips = h('ul', { class: 'up-chips', id: o.id + '-chosen', 'aria-label': o.chosenLabel || t('up.chosen') });
  const one = userPicker({ ...o, onChange: null });
  const addBtn = h('button', { type: 'button', class: 'btn small', id: o.id + '-add', 'data-testid': o.id + '-add' }, o.addLabel || t('up.add'));
  function drawChips() {
    clear(chips);
    for (const p of chosen) {
      chips.append(h('li', { class: 'up-chip', dataset: { userId: p.id } },
        h('span', null, p.name || '#' + p.id),
        h('button', {
          type: 'button', class: 'up-remove', 'aria-label': t('up.remove', { name: p.name }), title: t('up.remove', { name: p.name }),
          onclick: () => { chosen.splice(chosen.indexOf(p), 1); drawChips(); if (o.onChange) o.onChange([...chosen]); },
        }, '×')));
    }
    chips.hidden = !chosen.length;
  }
  const multi = {
    picker: one,
    el: h('div', { class: 'multi-picker' }, one.el, h('div', { class: 'buttons' }, addBtn), chips),
    values: () => [...chosen],
    add(p) {
      if (!p || chosen.some((x) => x.id === p.id)) return false;
      chosen.push({ id: p.id, name: p.name, unit_name: p.unit_name });
      drawChips();
      if (o.onChange) o.onChange([...chosen]);
      return true;
    },
    clear() { chosen.length = 0; drawChips(); },
  };
  addBtn.addEventListener('click', () => {
    const p = one.value();
    if (!p) { one.search.focus(); return; }
    multi.add(p);
    one.search.value = '';
    one.select.value = '';
    one.search.focus();
  });
  drawChips();
  return multi;
}
