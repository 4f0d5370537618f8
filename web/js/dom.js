// dom.js — small helpers for building the UI without innerHTML: an element builder
// that only ever sets text (so server data can never become markup), form fields with
// labels, error display next to a form, and times shown in Asia/Shanghai.

import { t, getLang, has } from './i18n.js';

// h('button', {class: 'btn', onclick: fn, dataset: {id: 3}}, 'text', child, [more])
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value);
      } else if (key === 'value' || key === 'checked' || key === 'selected'
        || key === 'disabled' || key === 'hidden') {
        el[key] = value;
      } else if (value === true) el.setAttribute(key, '');
      else el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

export function add(el, ...children) {
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

// A labelled field. `input` carries its own id; `name` is the API field it feeds, so
// a server error naming that field can be shown on it.
export function field(label, input, hint) {
  if (!input.dataset.field && input.name) input.dataset.field = input.name;
  const hintEl = hint ? h('div', { class: 'hint', id: input.id + '-hint' }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' },
    h('label', { for: input.id }, label), input, hintEl);
}

export function select(props, options, selected) {
  const el = h('select', props);
  setOptions(el, options, selected);
  return el;
}

// options: [{value, label}]; keeps the current choice when it still exists.
export function setOptions(el, options, selected) {
  const keep = selected !== undefined ? String(selected) : (el.options.length ? el.value : null);
  clear(el);
  for (const o of options) {
    el.appendChild(h('option', { value: String(o.value) }, o.label));
  }
  if (keep !== null && options.some((o) => String(o.value) === keep)) el.value = keep;
}

// The error line of a form: the first element with class form-error inside it.
function errorBox(form) {
  let box = form.querySelector('.form-error');
  if (!box) {
    box = h('div', { class: 'form-error', role: 'alert' });
    form.prepend(box);
  }
  return box;
}

export function clearErrors(form) {
  const box = form.querySelector('.form-error');
  if (box) { box.textContent = ''; box.hidden = true; }
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) {
    el.removeAttribute('aria-invalid');
  }
  const ok = form.querySelector('.form-ok');
  if (ok) { ok.textContent = ''; ok.hidden = true; }
}

export function showOk(form, message) {
  let ok = form.querySelector('.form-ok');
  if (!ok) {
    ok = h('div', { class: 'form-ok', role: 'status' });
    form.append(ok);
  }
  ok.textContent = message;
  ok.hidden = false;
}

// The element of `form` that a server error's field path ("roles[1]", "name") names.
function fieldElement(form, fieldPath) {
  if (!fieldPath) return null;
  const base = String(fieldPath).replace(/[[.].*$/, '');
  for (const name of [fieldPath, base]) {
    for (const el of form.querySelectorAll('[data-field]')) {
      if (el.dataset.field === name) return el;
    }
  }
  return null;
}

function labelOf(el) {
  if (!el) return '';
  if (el.tagName === 'FIELDSET') {
    const legend = el.querySelector('legend');
    return legend ? legend.textContent : '';
  }
  const label = el.id ? el.ownerDocument.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
  return label ? label.textContent : '';
}

// Turns an API error into one line of text in the current language. The server words
// its message in that language (api.js sends Accept-Language) and names the field by
// its label itself, so its message is shown as it is; our own words only for errors
// the user acts on the same way whatever the detail (sign in again, wait), and when
// there is no message. Never a status code.
export function errorText(err, fieldLabel) {
  const code = err && err.code ? err.code : 'unknown';
  if (code === 'throttled') {
    const s = parseInt(err.retryAfter, 10);
    return Number.isFinite(s) ? t('err.throttled', { s }) : t('err.throttledNoWait');
  }
  if (code === 'bad_credentials' || code === 'unauthenticated' || code === 'csrf'
    || code === 'network' || code === 'unavailable' || code === 'password_change_required') {
    return t('err.' + code);
  }
  const message = err && err.message && err.message !== err.code ? err.message : '';
  if (message) return message;
  let base = has('err.' + code) ? t('err.' + code) : t('err.unknown');
  if (fieldLabel) base += getLang() === 'zh' ? `（${fieldLabel}）` : ` (${fieldLabel})`;
  return base;
}

// Shows an error above the form's fields and marks the named field; what the user
// typed stays where it is.
export function showError(form, err) {
  const target = fieldElement(form, err.field);
  showMessage(form, errorText(err, labelOf(target)), err.field);
}

// Shows a message of our own (a check made before asking the server) the same way.
export function showMessage(form, text, fieldPath) {
  clearErrors(form);
  const target = fieldElement(form, fieldPath);
  const box = errorBox(form);
  box.textContent = text;
  box.hidden = false;
  if (target) {
    target.setAttribute('aria-invalid', 'true');
    if (typeof target.focus === 'function') target.focus();
  }
}

// Disables a form's submit button while a request runs; returns a function that
// restores it.
export function busy(form, label) {
  const btn = form.querySelector('[type="submit"]');
  if (!btn) return () => {};
  const old = btn.textContent;
  btn.disabled = true;
  if (label) btn.textContent = label;
  return () => { btn.disabled = false; btn.textContent = old; };
}

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

// "2026-11-29 07:10:29" in Beijing time, the same in both languages so columns line up.
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = {};
  for (const part of timeFormat.formatToParts(d)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
