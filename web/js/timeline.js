// timeline.js — the incident's timeline (GET /incidents/{id}/timeline), newest first
// so that what just happened is on top: every recorded event of the incident and the
// 现场情况 notes people write from the site, plus the form to write one (POST
// /incidents/{id}/notes, optionally with the time it happened, in Beijing time).
// Entries stand in the order they happened (a note's 发生时间); a note written later
// than it happened shows both times: 发生 and 记录于.

import { t, has } from './i18n.js';
import { post } from './api.js';
import { h, clear, field, showError, showMessage, clearErrors, busy, formatTime } from './dom.js';
import { perms, beijingInputToIso, shortTime } from './incident-common.js';

// The words for an event: the server's text, else the action's name, else its code.
export function entryText(e) {
  if (e.text) return e.text;
  if (e.action && has('act.' + e.action)) return t('act.' + e.action);
  return e.action || '';
}

export function createTimeline(ctx, incidentId, reload) {
  const list = h('ol', { class: 'timeline', id: 'timeline', reversed: true });
  const empty = h('p', { class: 'muted' }, t('tl.empty'));

  let form = null;
  if (perms.note(ctx)) {
    const text = h('textarea', { id: 'note-text', name: 'text', rows: '3', required: true });
    const at = h('input', { id: 'note-at', name: 'at', type: 'datetime-local' });
    form = h('form', { id: 'note-form', class: 'inline-form', novalidate: true },
      h('h3', null, t('tl.addNote')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      field(t('tl.noteText'), text),
      h('div', { class: 'row' }, field(t('tl.noteAt') + ' ' + t('common.optional'), at, t('tl.noteAtHint'))),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'btn primary', id: 'note-submit' }, t('tl.save'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      if (!text.value.trim()) { showMessage(form, t('tl.needText'), 'text'); return; }
      const b = { text: text.value.trim() };
      if (at.value) {
        const iso = beijingInputToIso(at.value);
        if (!iso) { showMessage(form, t('tl.badAt'), 'at'); return; }
        b.at = iso;
      }
      const done = busy(form, t('common.busy'));
      try {
        await post('/incidents/' + encodeURIComponent(incidentId) + '/notes', b);
        done();
        text.value = ''; at.value = '';
        await reload();
      } catch (err) {
        done();
        if (!err.handled) showError(form, err);
      }
    });
  }

  const el = h('section', { class: 'timeline-box', id: 'timeline-box', 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, t('tl.title')), form, empty, list);

  function update(entries) {
    clear(list);
    empty.hidden = entries.length > 0;
    for (const e of [...entries].reverse()) {
      const happened = e.occurred_at || e.at;
      const both = formatTime(happened) !== formatTime(e.at);
      list.append(h('li', { class: 'tl-' + (e.kind === 'note' ? 'note' : 'event'), dataset: { seq: e.seq ?? '', action: e.action || '' } },
        h('time', { datetime: happened || '', class: 'tl-occurred', title: both ? t('tl.occurred') : null }, formatTime(happened)),
        both ? h('span', { class: 'tl-recorded muted small', 'data-testid': 'tl-recorded' },
          t('tl.recordedAt', { at: shortTime(e.at) })) : null,
        h('span', { class: 'tl-kind' }, e.kind === 'note' ? t('tl.note') : t('tl.event')),
        h('span', { class: 'tl-actor' }, e.actor || ''),
        h('span', { class: 'tl-text' }, entryText(e))));
    }
  }

  return { el, update };
}
