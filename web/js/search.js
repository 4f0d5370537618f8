// search.js — the search box in the shell header and the results page
// (#/search?q=...): GET /search answers hits of what the user may see, grouped here by
// kind (事件, 信访人, 诉求, 现场情况, 会议纪要), each linking to its incident or person, with the
// matched text marked from the server's `highlight` segments (built as text nodes and
// <mark> elements, never as markup). One-character queries are allowed.

import { t, has } from './i18n.js';
import { get } from './api.js';
import { h, clear, errorText } from './dom.js';

const KINDS = ['incident', 'person', 'matter', 'note', 'meeting'];

function currentQuery() {
  const raw = location.hash.replace(/^#\/?/, '');
  const i = raw.indexOf('?');
  if (!raw.startsWith('search') || i < 0) return '';
  return new URLSearchParams(raw.slice(i + 1)).get('q') || '';
}

// The header's search form; going to #/search?q= runs the search.
export function searchBox() {
  const input = h('input', {
    id: 'search-q', name: 'q', type: 'search', autocomplete: 'off', maxlength: '100',
    placeholder: t('search.placeholder'), 'aria-label': t('search.label'), value: currentQuery(),
  });
  const form = h('form', { class: 'top-search', id: 'search-form', role: 'search', novalidate: true },
    input, h('button', { type: 'submit', class: 'btn on-dark', id: 'search-submit' }, t('search.go')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    if (!q) { input.focus(); return; }
    const target = '#/search?q=' + encodeURIComponent(q);
    if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = target;
  });
  return form;
}

// The segments of a highlight: [[text, matched], ...] or [{text, match}, ...].
export function highlighted(segments, fallback) {
  if (!Array.isArray(segments) || !segments.length) return [fallback || ''];
  return segments.map((s) => {
    const text = Array.isArray(s) ? s[0] : s && (s.text ?? s.t);
    const hit = Array.isArray(s) ? s[1] : s && (s.match ?? s.hit ?? s.m);
    return hit ? h('mark', { class: 'hit' }, String(text ?? '')) : String(text ?? '');
  });
}

function hitLink(hit) {
  if (hit.kind === 'person' || hit.kind === 'matter') {
    const pid = hit.person_id ?? (hit.kind === 'person' ? hit.id : null);
    if (pid) return '#/persons/' + pid;
  }
  const iid = hit.incident_id ?? (hit.kind === 'incident' ? hit.id : null);
  return iid ? '#/incidents/' + iid : null;
}

const kindName = (k) => (has('search.kind.' + k) ? t('search.kind.' + k) : k);

export async function renderSearch(section, ctx, query) {
  const q = (query.get('q') || '').trim();
  const box = document.getElementById('search-q');
  if (box && box.value !== q) box.value = q;
  const status = h('p', { class: 'muted', id: 'search-status' });
  const error = h('div', { class: 'form-error', role: 'alert', id: 'search-error', hidden: true });
  const results = h('div', { id: 'search-results' });
  section.append(h('h1', null, t('search.title')), status, error, results);
  if (!q) {
    status.textContent = t('search.empty');
    return null;
  }
  status.textContent = t('search.running', { q });
  let r;
  try {
    r = await get('/search?q=' + encodeURIComponent(q) + '&limit=50');
  } catch (err) {
    if (err.handled) return null;
    status.textContent = '';
    error.textContent = errorText(err);
    error.hidden = false;
    return null;
  }
  const hits = (r && (r.hits || r.results)) || [];
  status.textContent = hits.length ? t('search.count', { q, n: hits.length }) : t('search.none', { q });
  const groups = new Map();
  for (const hit of hits) {
    const k = KINDS.includes(hit.kind) ? hit.kind : 'other';
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(hit);
  }
  clear(results);
  for (const k of [...KINDS, 'other']) {
    const list = groups.get(k);
    if (!list) continue;
    results.append(h('section', { class: 'search-group', id: 'search-' + k, 'data-testid': 'search-group-' + k },
      h('h2', null, kindName(k), ' ', h('span', { class: 'muted small' }, String(list.length))),
      h('ol', { class: 'search-hits' }, list.map((hit) => {
        const href = hitLink(hit);
        const body = highlighted(hit.highlight, hit.title || hit.snippet || '');
        const hasSnippet = hit.title && Array.isArray(hit.highlight) && hit.highlight.map((s) => (Array.isArray(s) ? s[0] : s && s.text)).join('') !== hit.title;
        return h('li', { class: 'search-hit', dataset: { kind: hit.kind, id: hit.id ?? '' }, 'data-testid': 'search-hit' },
          hasSnippet ? h('div', { class: 'hit-title' }, href ? h('a', { href }, hit.title) : hit.title) : null,
          h('div', { class: 'hit-text' }, href && !hasSnippet ? h('a', { href }, body) : body),
          hit.number ? h('span', { class: 'muted small' }, hit.number) : null);
      }))));
  }
  return null;
}
