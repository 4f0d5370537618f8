// units.js — the 单位 tab: the unit tree drawn as nested lists from GET /units, and for
// administrators the forms to add a unit and to rename, move, re-kind or set the head
// of one (PATCH /units/{id}). Also the tree-ordered unit choices other forms use.

import { t } from './i18n.js';
import { get, post, patch } from './api.js';
import { h, add, clear, field, select, setOptions, showError, clearErrors, showOk, busy } from './dom.js';
import { userPicker } from './user-picker.js';

export const KINDS = ['mine', 'department', 'team', 'other', 'discipline'];

export function kindName(kind) {
  return KINDS.includes(kind) ? t('kind.' + kind) : String(kind || '');
}

// Children lists keyed by parent id; a unit whose parent is missing counts as a root.
function childrenOf(units) {
  const ids = new Set(units.map((u) => u.id));
  const kids = new Map();
  for (const u of units) {
    const p = u.parent_id !== null && u.parent_id !== undefined && ids.has(u.parent_id) ? u.parent_id : null;
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(u);
  }
  for (const list of kids.values()) list.sort((a, b) => a.id - b.id);
  return kids;
}

// [{unit, depth}] in tree order; stops at a cycle rather than looping.
export function flattenUnits(units) {
  const kids = childrenOf(units);
  const out = [];
  const seen = new Set();
  const walk = (parent, depth) => {
    for (const u of kids.get(parent) || []) {
      if (seen.has(u.id)) continue;
      seen.add(u.id);
      out.push({ unit: u, depth });
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
  for (const u of units) if (!seen.has(u.id)) out.push({ unit: u, depth: 0 });
  return out;
}

// Select options for units, indented by depth with ideographic spaces.
export function unitOptions(units, exclude) {
  return flattenUnits(units)
    .filter(({ unit }) => !(exclude && exclude.has(unit.id)))
    .map(({ unit, depth }) => ({ value: unit.id, label: '\u3000'.repeat(depth) + unit.name }));
}

function descendants(units, id) {
  const kids = childrenOf(units);
  const out = new Set([id]);
  const stack = [id];
  while (stack.length) {
    for (const c of kids.get(stack.pop()) || []) {
      if (!out.has(c.id)) { out.add(c.id); stack.push(c.id); }
    }
  }
  return out;
}

const kindOptions = () => KINDS.map((k) => ({ value: k, label: t('kind.' + k) }));

export async function renderUnits(sec, ctx) {
  const admin = ctx.hasRole('admin');
  const canReadUsers = admin || ctx.hasRole('auditor');
  const [unitsRes, usersRes] = await Promise.all([
    get('/units'),
    canReadUsers ? get('/users') : Promise.resolve(null),
  ]);
  const model = { units: unitsRes.units || [], users: usersRes ? usersRes.users || [] : [] };
  const userName = (id) => {
    const u = model.users.find((x) => x.id === id);
    return u ? (u.name || u.username) : '#' + id;
  };

  const count = h('p', { class: 'muted', id: 'unit-count' });
  const tree = h('div', { id: 'unit-tree', class: 'tree-box' });
  let openEditor = null;

  function drawTree() {
    count.textContent = t('unit.count', { n: model.units.length });
    clear(tree);
    openEditor = null;
    if (model.units.length === 0) {
      tree.append(h('p', { class: 'muted' }, t('unit.empty')));
      return;
    }
    const kids = childrenOf(model.units);
    const seen = new Set();
    const list = (parent) => {
      const items = (kids.get(parent) || []).filter((u) => !seen.has(u.id));
      if (items.length === 0) return null;
      return h('ul', { class: 'tree' }, items.map((u) => {
        seen.add(u.id);
        return node(u, list(u.id));
      }));
    };
    add(tree, list(null));
  }

  function node(u, childList) {
    const li = h('li', { class: 'tree-item', dataset: { unitId: u.id }, 'data-testid': 'unit-' + u.id });
    const row = h('div', { class: 'tree-row' },
      h('span', { class: 'unit-name' }, u.name),
      h('span', { class: 'badge' }, kindName(u.kind)),
      u.head_user_id ? h('span', { class: 'muted' }, t('unit.headIs', { name: userName(u.head_user_id) })) : null,
      h('span', { class: 'muted small' }, '#' + u.id),
      admin ? h('button', {
        type: 'button', class: 'btn small', 'data-testid': 'unit-edit-' + u.id,
        onclick: () => openEdit(li, u),
      }, t('common.edit')) : null);
    li.append(row);
    if (childList) li.append(childList);
    return li;
  }

  function openEdit(li, u) {
    if (openEditor) openEditor.remove();
    const name = h('input', { id: 'unit-edit-name', name: 'name', type: 'text', value: u.name, required: true });
    const parent = select({ id: 'unit-edit-parent', name: 'parent_id' },
      [{ value: '', label: t('unit.noParent') }, ...unitOptions(model.units, descendants(model.units, u.id))],
      u.parent_id === null || u.parent_id === undefined ? '' : u.parent_id);
    const kind = select({ id: 'unit-edit-kind', name: 'kind' }, kindOptions(), u.kind);
    // The head is found by name in the directory like every other person choice;
    // 未指定 (the empty choice) clears it.
    const head = canReadUsers ? userPicker({
      id: 'unit-edit-head', name: 'head_user_id', label: t('unit.head'), searchLabel: t('unit.headSearch'),
      none: t('unit.noHead'), showRoles: true,
      initial: u.head_user_id ? { id: u.head_user_id, name: userName(u.head_user_id) } : null,
    }) : null;
    const form = h('form', { class: 'inline-form', id: 'unit-edit-form', novalidate: true },
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' },
        field(t('unit.name'), name), field(t('unit.parent'), parent), field(t('unit.kind'), kind)),
      head ? head.el : null,
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'unit-edit-submit' }, t('common.save')),
        h('button', { type: 'button', class: 'btn', onclick: () => { form.remove(); openEditor = null; } },
          t('common.cancel'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const change = {};
      if (name.value.trim() !== u.name) change.name = name.value.trim();
      const p = parent.value === '' ? null : Number(parent.value);
      if (p !== (u.parent_id ?? null)) change.parent_id = p;
      if (kind.value !== u.kind) change.kind = kind.value;
      if (head) {
        const chosen = head.value();
        const hd = chosen ? chosen.id : null;
        if (hd !== (u.head_user_id ?? null)) change.head_user_id = hd;
      }
      if (Object.keys(change).length === 0) { form.remove(); openEditor = null; return; }
      const done = busy(form, t('common.busy'));
      try {
        await patch('/units/' + u.id, change);
        done();
        await reload();
      } catch (err) {
        done();
        if (!err.handled) showError(form, err);
      }
    });
    li.querySelector('.tree-row').after(form);
    openEditor = form;
    name.focus();
  }

  async function reload() {
    const r = await get('/units');
    model.units = r.units || [];
    drawTree();
    if (addParent) setOptions(addParent, parentChoices());
  }

  // Sub-units are the usual case, so the tree comes first and "top level" last.
  const parentChoices = () => [...unitOptions(model.units), { value: '', label: t('unit.noParent') }];
  let addParent = null;
  let addForm = null;
  if (admin) {
    const name = h('input', { id: 'unit-name', name: 'name', type: 'text', required: true });
    addParent = select({ id: 'unit-parent', name: 'parent_id' }, parentChoices());
    const kind = select({ id: 'unit-kind', name: 'kind' }, kindOptions(), 'department');
    addForm = h('form', { id: 'unit-add-form', class: 'card', novalidate: true },
      h('h2', null, t('unit.add')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' }, field(t('unit.name'), name), field(t('unit.parent'), addParent), field(t('unit.kind'), kind)),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'unit-add-submit' }, t('unit.add'))));
    addForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(addForm);
      const body = {
        name: name.value.trim(),
        parent_id: addParent.value === '' ? null : Number(addParent.value),
        kind: kind.value,
      };
      const done = busy(addForm, t('common.busy'));
      try {
        const u = await post('/units', body);
        done();
        name.value = '';
        await reload();
        showOk(addForm, t('unit.added', { name: u && u.name ? u.name : body.name }));
        name.focus();
      } catch (err) {
        done();
        if (!err.handled) showError(addForm, err);
      }
    });
  }

  drawTree();
  add(sec,
    admin ? null : h('p', { class: 'notice' }, t('settings.readonly')),
    addForm,
    h('h2', null, t('unit.tree')),
    count,
    tree);
}
