// stream.js — the live feed: one shared EventSource on /api/v1/stream for every page
// that wants it (dashboard, incident page). Pages subscribe and get each message's
// data ({seq, incident_id, action, at, actor}) and the connection state (live,
// reconnecting, down); the bell subscribes to the user's own notices only. The
// EventSource is closed when the last subscriber leaves.
// The browser reconnects by itself with Last-Event-ID; when it gives up (the server
// answered with an error), we start a new one after a pause and ask the pages to
// reload everything, since messages may have been missed meanwhile.

import { get } from './api.js';

const URL_STREAM = '/api/v1/stream';

let source = null;
let state = 'closed'; // 'connecting' | 'live' | 'reconnecting' | 'down' | 'closed'
let retryTimer = null;
let retryDelay = 2000;
let everOpened = false;
const subscribers = new Set();

function setState(next) {
  if (state === next) return;
  state = next;
  for (const s of subscribers) if (s.onState) s.onState(state);
}

function deliver(data) {
  for (const s of subscribers) {
    try { s.onMessage(data); } catch (e) { setTimeout(() => { throw e; }); }
  }
}

function onEvent(ev) {
  let data = null;
  try { data = JSON.parse(ev.data); } catch (_) { return; }
  if (data && typeof data === 'object') deliver(data);
}

function open() {
  if (source || subscribers.size === 0) return;
  setState(everOpened ? 'reconnecting' : 'connecting');
  const es = new EventSource(URL_STREAM, { withCredentials: true });
  source = es;
  es.addEventListener('open', () => {
    if (source !== es) return;
    retryDelay = 2000;
    const resync = everOpened;
    everOpened = true;
    setState('live');
    // After a gap the page may have missed changes: have it reload what it shows.
    if (resync) deliver({ resync: true });
  });
  // The server names its messages "incident"; unnamed ones count the same.
  es.addEventListener('incident', onEvent);
  es.addEventListener('message', onEvent);
  // A notification was made for this user (the message carries nothing else).
  es.addEventListener('notice', () => {
    if (source !== es) return;
    for (const s of subscribers) if (s.onNotice) s.onNotice();
  });
  // The server ends a stream whose session ended (ask for the session: the app goes
  // back to the login page) or that is the oldest of too many of this user's (another
  // tab took its place: stay down rather than take that tab's place in turn).
  es.addEventListener('closed', (ev) => {
    if (source !== es) return;
    let reason = '';
    try { reason = JSON.parse(ev.data).reason; } catch (_) { /* no reason */ }
    es.close();
    source = null;
    setState('down');
    if (reason !== 'too_many_streams') scheduleRetry();
  });
  es.addEventListener('error', () => {
    if (source !== es) return;
    if (es.readyState === EventSource.CLOSED) {
      source = null;
      setState('down');
      scheduleRetry();
    } else {
      setState('reconnecting');
    }
  });
}

// The browser stopped retrying (an error answer such as 401 or 503). Ask for the
// session first: a lost session sends the app back to the login page, which ends
// every subscription; otherwise try the stream again, waiting longer each time.
function scheduleRetry() {
  if (retryTimer || subscribers.size === 0) return;
  retryTimer = setTimeout(async () => {
    retryTimer = null;
    if (subscribers.size === 0) return;
    try {
      await get('/session');
    } catch (err) {
      if (err.handled) return;
    }
    retryDelay = Math.min(retryDelay * 2, 30000);
    open();
  }, retryDelay);
}

function closeAll() {
  if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
  if (source) { source.close(); source = null; }
  everOpened = false;
  retryDelay = 2000;
  setState('closed');
}

// onMessage(data) for each message (data.resync after a gap); onState(state) on
// changes of the connection. Returns the function that ends the subscription.
export function subscribe(onMessage, onState) {
  return join({ onMessage, onState });
}

// Adds a subscriber and opens the stream; returns the function that removes it (and
// closes the stream after the last one).
function join(sub) {
  subscribers.add(sub);
  if (sub.onState) sub.onState(state);
  open();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    subscribers.delete(sub);
    if (subscribers.size === 0) closeAll();
  };
}

// onNotice() when a notification was made for the signed-in user, and after a gap in
// the stream (one may have been missed); nothing for other events. Returns the function
// that ends the subscription.
export function subscribeNotices(onNotice) {
  return join({ onMessage: (data) => { if (data.resync) onNotice(); }, onState: null, onNotice });
}

export function streamState() { return state; }

// Ends every subscription (sign-out).
export function closeStream() {
  subscribers.clear();
  closeAll();
}
