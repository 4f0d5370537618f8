// evaluation.js — the 综合评价 tab of the 记录与报告 page (records.js; issue 9 item 4;
// docs/api.md "Evaluation and closing"): the measured facts (GET /incidents/{id}/evaluation,
// computed by the server when asked), and a simple form scoring the plan's dimensions
// with a comment each, plus lessons learned; 保存 saves a draft, 完成评价 completes it
// (in 总结评价 only; the server names the dimensions still unscored). The form is built
// once and keeps what is typed across saves. Read-only for those who cannot manage the
// incident and once the incident is reported.

import { t, joinList } from './i18n.js';
import { api, get } from './api.js';
import { h, clear, field, select, showError, showMessage, clearErrors, showOk, formatTime, errorText } from './dom.js';
import { perms } from './incident-common.js';
import { planText } from './plan-words.js';

const SHOWN = ['activated', 'on_site', 'replying', 'resolving', 'evaluating', 'reported', 'archived'];
const EDITABLE = ['activated', 'on_site', 'replying', 'resolving', 'evaluating'];

// page: records.js's {incident(), refreshIncident()}.
export function createEvaluation(ctx, incidentId, page) {
  const path = '/incidents/' + encodeURIComponent(incidentId) + '/evaluation';
  let data = null;
  let incident = null;
  let dirty = false;
  let built = null; // the dimension ids the form was built for

  const state = h('span', { class: 'eval-state', id: 'eval-state' });
  const facts = h('dl', { class: 'facts eval-facts', id: 'eval-facts' });
  const formBox = h('div', { id: 'eval-form-box' });
  const el = h('section', { class: 'evaluation', id: 'evaluation', 'aria-labelledby': 'eval-title', hidden: true },
    h('h2', { id: 'eval-title' }, t('eval.title'), ' ', state), facts, formBox);

  const minutes = (n) => (n === null || n === undefined ? t('eval.notYet') : t('eval.minutes', { n }));

  function drawFacts() {
    const f = data.facts || {};
    const s = f.satisfaction || {};
    const row = (label, value, id) => [h('dt', null, label), h('dd', { id }, value)];
    clear(facts);
    facts.append(
      ...row(t('eval.toActivation'), minutes(f.minutes_to_activation), 'eval-fact-activation'),
      ...row(t('eval.toArrival'), minutes(f.minutes_to_arrival), 'eval-fact-arrival'),
      ...row(t('eval.toReply'), minutes(f.minutes_to_reply), 'eval-fact-reply'),
      ...row(t('eval.late'), f.late_task_count
        ? t('eval.lateList', { n: f.late_task_count, list: joinList((f.late_tasks || []).map((x) => (x.step_id ? x.step_id + ' ' : '') + x.title)) })
        : t('eval.none'), 'eval-fact-late'),
      ...row(t('eval.noOfficial'), t('eval.ofPetitioners', { n: f.petitioners_without_official || 0, total: f.petitioners || 0 }), 'eval-fact-official'),
      ...row(t('eval.matters'), t('eval.mattersText', {
        done: f.matters_resolved || 0, total: f.matters || 0, s: s.satisfied || 0,
        b: s.basically_satisfied || 0, u: s.unsatisfied || 0, n: s.unrated || 0,
      }), 'eval-fact-matters'));
  }

  function scoreOptions() {
    const scale = data.scale || { min: 1, max: 5 };
    const options = [{ value: '', label: t('eval.noScore') }];
    for (let v = scale.min; v <= scale.max; v++) options.push({ value: String(v), label: String(v) });
    return options;
  }

  function buildForm(editable) {
    const dims = data.dimensions || [];
    built = dims.map((d) => d.id).join(',') + (editable ? ':w' : ':r');
    const rows = dims.map((d) => {
      const score = select({ id: 'eval-score-' + d.id, name: 'score', 'data-field': `scores.${d.id}.score`, disabled: !editable }, scoreOptions());
      const comment = h('input', { id: 'eval-comment-' + d.id, type: 'text', name: 'comment', 'data-field': `scores.${d.id}.comment`, disabled: !editable, autocomplete: 'off' });
      for (const x of [score, comment]) x.addEventListener('input', () => { dirty = true; });
      return h('div', { class: 'eval-dimension', 'data-dimension': d.id },
        field(planText(d, 'title'), score, d.text ? planText(d, 'text') : null),
        field(t('eval.comment'), comment));
    });
    const lessons = h('textarea', { id: 'eval-lessons', name: 'lessons', rows: '3', disabled: !editable });
    lessons.addEventListener('input', () => { dirty = true; });
    const complete = h('button', { type: 'button', class: 'btn', id: 'eval-complete' }, t('eval.complete'));
    const form = h('form', { class: 'eval-form', id: 'eval-form', novalidate: true },
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      ...rows,
      field(t('eval.lessons'), lessons),
      editable ? h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'eval-save' }, t('eval.save')), complete) : null);
    form.addEventListener('submit', (ev) => { ev.preventDefault(); save(form, false); });
    complete.addEventListener('click', () => save(form, true));
    clear(formBox);
    formBox.append(form);
    dirty = false;
  }

  function fillForm() {
    const form = formBox.querySelector('form');
    for (const d of data.dimensions || []) {
      const s = (data.scores || {})[d.id] || {};
      form.querySelector('#eval-score-' + CSS.escape(d.id)).value = s.score ? String(s.score) : '';
      form.querySelector('#eval-comment-' + CSS.escape(d.id)).value = s.comment || '';
    }
    form.querySelector('#eval-lessons').value = data.lessons || '';
  }

  function bodyOf(form) {
    const scores = {};
    for (const d of data.dimensions || []) {
      const v = form.querySelector('#eval-score-' + CSS.escape(d.id)).value;
      scores[d.id] = { score: v ? Number(v) : null, comment: form.querySelector('#eval-comment-' + CSS.escape(d.id)).value.trim() };
    }
    return { scores, lessons: form.querySelector('#eval-lessons').value.trim() };
  }

  async function save(form, complete) {
    clearErrors(form);
    const body = bodyOf(form);
    if (complete) body.complete = true;
    try {
      data = await api('PUT', path, body);
      dirty = false;
      if (complete && page && page.refreshIncident) incident = await page.refreshIncident();
      draw();
      showOk(formBox.querySelector('form'), complete ? t('eval.completed') : t('eval.saved'));
    } catch (err) {
      if (err.handled) return;
      if (err.status === 422 && err.detail && Array.isArray(err.detail.missing)) {
        showMessage(form, t('eval.unscored', { list: joinList(err.detail.missing.map((m) => m.title)) }));
      } else showError(form, err);
    }
  }

  function draw() {
    el.hidden = !(incident && data);
    if (el.hidden) return;
    if (!SHOWN.includes(incident.status)) {
      state.textContent = '';
      built = null;
      clear(facts);
      clear(formBox);
      formBox.append(h('p', { class: 'muted', id: 'eval-not-yet' }, t('eval.notActivated')));
      return;
    }
    state.textContent = data.completed ? t('eval.stateDone', { at: formatTime(data.completed_at) }) : t('eval.stateDraft');
    state.className = 'eval-state ' + (data.completed ? 'done' : 'draft');
    drawFacts();
    const editable = perms.manage(ctx) && EDITABLE.includes(incident.status);
    const key = (data.dimensions || []).map((d) => d.id).join(',') + (editable ? ':w' : ':r');
    if (built !== key) buildForm(editable);
    if (!dirty) fillForm();
    const complete = formBox.querySelector('#eval-complete');
    if (complete) complete.hidden = incident.status !== 'evaluating';
  }

  return {
    el,
    async load() {
      if (page && page.incident) incident = page.incident();
      try {
        data = await get(path);
      } catch (err) {
        if (err.handled) return;
        clear(formBox);
        formBox.append(h('p', { class: 'form-error', role: 'alert', id: 'eval-error' }, errorText(err)));
        el.hidden = false;
        return;
      }
      draw();
    },
  };
}
