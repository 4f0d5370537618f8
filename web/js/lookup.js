// lookup.js — the public lookup page (/lookup, no account): a petitioner types the
// query code printed on their 受理告知书 and the last 4 digits of their phone, and sees
// only the matter's number, stage, the due date of its next step and whether it is
// answered; once answered, they may rate the handling themselves. Chinese first; English
// with ?lang=en. Built with dom.js's h(), never innerHTML.

import { h, replace } from './dom.js';

const en = new URLSearchParams(location.search).get('lang') === 'en';
const T = en ? {
  title: 'Look up a petition matter', code: 'Query code', digits: 'Last 4 digits of your phone',
  go: 'Look up', number: 'Number', stage: 'Stage', due: 'Next step due', answered: 'Answered',
  yes: 'yes', no: 'no', rate: 'How satisfied are you with the handling?', thanks: 'Thank you, your rating is recorded.',
  hint: 'The code is on your acceptance notice (受理告知书).', failed: 'Lookup failed',
  none: '—',
} : {
  title: '信访事项查询', code: '查询码', digits: '登记电话号码后4位', go: '查询', number: '编号',
  stage: '办理阶段', due: '下一步办理期限', answered: '是否已答复', yes: '是', no: '否',
  rate: '您对办理情况的评价', thanks: '感谢您的评价，已记录。', hint: '查询码印在您收到的受理告知书上。',
  failed: '查询失败', none: '—',
};
const STAGES = {
  received: ['已登记', 'received'], accepted: ['已受理', 'accepted'], not_accepted: ['不予受理', 'not accepted'],
  extended: ['已延期', 'extended'], handling: ['办理中', 'in handling'], answered: ['已答复', 'answered'],
  review_requested: ['复查中', 'review requested'], reviewed: ['已复查', 'reviewed'],
  re_review_requested: ['复核中', 're-review requested'], re_reviewed: ['已复核', 're-reviewed'],
  concluded: ['已办结', 'concluded'],
};
const RATINGS = [['satisfied', '满意', 'satisfied'], ['basically_satisfied', '基本满意', 'basically satisfied'],
  ['unsatisfied', '不满意', 'unsatisfied']];

function day(iso) {
  if (!iso) return T.none;
  const d = new Date(iso);
  const f = new Intl.DateTimeFormat(en ? 'en-CA' : 'zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric',
    month: 'long', day: 'numeric' });
  return f.format(d);
}

async function call(path, body) {
  const res = await fetch(`/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json',
    'accept-language': en ? 'en' : 'zh-CN' }, body: JSON.stringify(body) });
  let json = null;
  try { json = await res.json(); } catch (_) { /* empty */ }
  return { status: res.status, json, retry: res.headers.get('retry-after') };
}

const root = document.getElementById('lookup');
const code = h('input', { id: 'lookup-code', name: 'code', autocomplete: 'off', maxlength: 20, required: true,
  placeholder: 'XXXXX-XXXXX' });
const digits = h('input', { id: 'lookup-digits', name: 'phone_last4', inputmode: 'numeric', maxlength: 4,
  pattern: '[0-9]{4}', required: true, autocomplete: 'off' });
const result = h('section', { id: 'lookup-result', 'aria-live': 'polite' });

function showError(r) {
  const msg = (r.json && r.json.error && r.json.error.message) || `${T.failed} (${r.status})`;
  replace(result, h('p', { class: 'error', role: 'alert' }, msg));
}

function showMatter(m) {
  const stage = STAGES[m.stage] ? STAGES[m.stage][en ? 1 : 0] : m.stage;
  const rows = [[T.number, m.number || T.none], [T.stage, stage], [T.due, day(m.next_due)],
    [T.answered, m.answered ? T.yes : T.no]];
  const dl = h('dl', { class: 'lookup-facts' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
  const parts = [dl];
  if (m.answered) {
    const note = h('p', { class: 'hint' });
    const buttons = RATINGS.map(([id, zh, e]) => h('button', { type: 'button', class: 'btn', dataset: { rating: id },
      onclick: async () => {
        const r = await call('/lookup/rating', { code: code.value, phone_last4: digits.value, rating: id });
        if (r.status === 200) replace(note, T.thanks);
        else showError(r);
      } }, en ? e : zh));
    parts.push(h('div', { class: 'lookup-rate' }, h('p', null, T.rate), buttons, note));
  }
  replace(result, parts);
}

const form = h('form', { class: 'lookup-form', onsubmit: async (e) => {
  e.preventDefault();
  const r = await call('/lookup', { code: code.value, phone_last4: digits.value });
  if (r.status === 200) showMatter(r.json);
  else showError(r);
} },
h('div', { class: 'field' }, h('label', { for: 'lookup-code' }, T.code), code, h('div', { class: 'hint' }, T.hint)),
h('div', { class: 'field' }, h('label', { for: 'lookup-digits' }, T.digits), digits),
h('button', { type: 'submit', class: 'btn primary' }, T.go));

document.title = T.title;
replace(root, h('h1', null, T.title), form, result);
