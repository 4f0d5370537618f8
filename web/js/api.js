// api.js — the one way the UI talks to the server: JSON over fetch to /api/v1 (and raw
// bytes for file uploads, sent untouched), the
// X-CSRF-Token header on every state change, Accept-Language of the UI's language (the
// server words its error messages in it), errors turned into ApiError, and a lost
// session (401) or a pending password change (403) handed to the app to re-route.

import { getLang } from './i18n.js';

let csrfToken = null;
let handlers = { unauthenticated() {}, passwordChangeRequired() {} };

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.retryAfter = retryAfter;
    // Set when the app already reacted (e.g. went back to the login page), so the
    // caller only has to stop.
    this.handled = false;
  }
}

export function setCsrf(token) { csrfToken = token || null; }

// The token for requests made outside api() (records.js uploads with XMLHttpRequest to
// follow their progress).
export function csrf() { return csrfToken; }

export function setAuthHandlers(h) { handlers = { ...handlers, ...h }; }

const SAFE = new Set(['GET', 'HEAD']);

// options.own401: the caller handles 401 itself (login form, first session probe).
// options.raw: a Blob/File/ArrayBuffer sent as the body byte for byte (options.type
// names its Content-Type), e.g. a CSV file in whatever encoding it was saved.
export async function api(method, path, body, options = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLang() === 'zh' ? 'zh-CN,zh' : 'en' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (options.raw !== undefined) {
    headers['Content-Type'] = options.type || 'application/octet-stream';
    init.body = options.raw;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (!SAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res;
  try {
    res = await fetch('/api/v1' + path, init);
  } catch (e) {
    throw new ApiError(0, 'network', String(e && e.message ? e.message : e), null, null);
  }

  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (_) { data = null; }
  }
  if (res.ok) return data;

  const e = (data && data.error) || {};
  // No status code or HTTP reason phrase reaches the user: without a JSON error (a proxy's
  // page) the UI says so in its own words (dom.js errorText, code 'unknown').
  const err = new ApiError(res.status, e.code || 'unknown',
    e.message || '', e.field, res.headers.get('Retry-After'));
  err.detail = e; // the whole error object, e.g. `allowed` on a refused transition
  if (res.status === 401 && !options.own401) {
    err.handled = true;
    handlers.unauthenticated(err);
  } else if (res.status === 403 && err.code === 'password_change_required') {
    err.handled = true;
    handlers.passwordChangeRequired(err);
  }
  throw err;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body === undefined ? {} : body, options);
export const patch = (path, body, options) => api('PATCH', path, body, options);
export const del = (path, options) => api('DELETE', path, undefined, options);
export const upload = (path, blob, type) => api('POST', path, undefined, { raw: blob, type });
