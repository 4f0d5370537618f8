// plan-words.js — the plan's own texts in the UI's language. A plan gives Chinese texts
// and, optionally, English next to them in `<key>_en` fields (docs/plan-format.md:
// title_en, text_en, name_en, label_en); the API passes them through (GET /plan, the
// tasks). In English mode these helpers pick the English and fall back to the Chinese.

import { getLang, t } from './i18n.js';

// obj[key + '_en'] in English mode when the plan gives it, else obj[key].
export function planText(obj, key) {
  if (!obj) return '';
  const en = obj[key + '_en'];
  if (getLang() === 'en' && typeof en === 'string' && en.trim()) return en;
  return obj[key] == null ? '' : obj[key];
}

// A task owner's label: the plan's label_en, else the role's English name, else the
// Chinese label the server gives.
export function ownerLabel(owner, roleName) {
  if (!owner) return '';
  if (getLang() === 'en') {
    if (owner.label_en) return owner.label_en;
    if (owner.kind === 'role' && roleName) return roleName(owner.value);
    if (owner.kind === 'heads_of' && roleName) return roleName('unit_head');
  }
  return owner.label || owner.value || '';
}

// The decision's reasons are Chinese sentences the server composed from the plan's texts
// (scope rule texts, grade and procedure names). In English mode each plan text that has
// English is replaced by it, and the fixed words around them are translated.
const FRAME = [
  [/^适用范围「(.*?)」：/, 'Scope rule “$1”: '],
  [/^等级(.+?)：/, '$1: '],
  [/^处置程序(\w+)「(.*?)」：/, 'Procedure $1 “$2”: '],
  [/^不启动：/, 'Not activated: '],
  [/（默认分级，可在预案中修改）$/, ' (default grading, editable in the plan)'],
  [/已提前掌握信息$/, 'information known in advance'],
  [/未掌握信息源$/, 'no advance information'],
  [/未达到更高等级的条件$/, 'the conditions of no higher grade are met'],
  [/人数 (\d+) ≥ (\d+)/, 'headcount $1 ≥ $2'],
  [/人数 (\d+)，去向/, 'headcount $1, destination '],
  [/，去向/, ', destination '],
  [/去向(.+?)（属于(.+?)）/, 'destination $1 (one of $2)'],
  [/（属于(.+?)）/, ' (one of $1)'],
  [/，不属于预案适用范围/, ', outside the plan\'s scope: '],
  [/、/g, ', '],
  [/「/g, '“'],
  [/」/g, '”'],
];

export function planReason(reason, doc) {
  if (getLang() !== 'en' || !doc || typeof reason !== 'string') return reason;
  const pairs = [];
  const scope = doc.scope && Array.isArray(doc.scope.rules) ? doc.scope.rules : [];
  for (const r of scope) if (r.text && r.text_en) pairs.push([r.text, r.text_en]);
  for (const g of doc.grades || []) if (g.name && g.name_en) pairs.push([g.name, g.name_en]);
  for (const p of doc.procedures || []) if (p.name && p.name_en) pairs.push([p.name, p.name_en]);
  // the plan's destination names (本矿, 集团公司 …) to the UI's names of the five levels
  for (const [id, zh] of Object.entries(doc.destinations || {})) {
    const key = 'dest.' + id;
    if (zh && t(key) !== key) pairs.push([zh, t(key)]);
  }
  pairs.sort((a, b) => b[0].length - a[0].length); // longest first: no partial replacement
  let out = reason;
  for (const [zh, en] of pairs) out = out.split(zh).join(en);
  for (const [re, en] of FRAME) out = out.replace(re, en);
  return out;
}

// The current plan's document (GET /plan), kept by the incident page for the texts the
// incident carries in Chinese only (procedure name, plan title).
let currentDoc = null;
export function setPlanDoc(doc) { currentDoc = doc || null; }

// The incident's procedure name in the UI's language (the plan's name_en when the
// procedure of that id has the same Chinese name in the current plan).
export function procedureName(incident) {
  const zh = incident && incident.procedure_name ? incident.procedure_name : '';
  const p = currentDoc && Array.isArray(currentDoc.procedures)
    ? currentDoc.procedures.find((x) => x.id === incident.procedure && x.name === zh) : null;
  return p ? planText(p, 'name') : zh;
}

// A plan's title in the UI's language, when it is the current plan's.
export function planTitle(title) {
  return currentDoc && currentDoc.title === title ? planText(currentDoc, 'title') : title || '';
}
