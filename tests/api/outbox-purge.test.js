// The outbox keeps a message's address and text only as long as needed (docs/notifications.md,
// "Delivery"): the sender deletes the messages sent or given up more than
// XINFANG_NOTIFY_KEEP_DAYS ago, with their delivery log, and keeps the recent ones and those
// still queued. Here the sender purges every 200 ms and keeps one day.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { expectStatus, startAdmin, sleep } = require('../lib/fixtures.js');
const { sql } = require('../lib/db.js');

const DAY = 24 * 3600 * 1000;
let w;

before(async () => {
  w = await startAdmin({ env: { XINFANG_NOTIFY_KEEP_DAYS: '1', XINFANG_NOTIFY_PURGE_INTERVAL_MS: '200' } });
});
after(async () => { if (w) await w.stop(); });

test('messages done more than the kept days ago leave the outbox with their delivery log', async () => {
  // A disabled channel: the sender leaves its queued message alone.
  const c = expectStatus(await w.admin.post('/channels', { kind: 'webhook', name: '外部系统',
    url: 'http://127.0.0.1:9/hook', events: ['incident.register'] }), 201, 'POST /channels');
  expectStatus(await w.admin.patch(`/channels/${c.id}`, { enabled: false }), 200, 'disable');
  const now = Date.now();
  const rows = {
    oldSent: ['sent', now - 3 * DAY], oldGaveUp: ['gave_up', now - 2 * DAY],
    recentSent: ['sent', now - 3600 * 1000], oldQueued: ['queued', 0],
  };
  const ids = {};
  for (const [name, [state, done]] of Object.entries(rows)) {
    const created = now - 4 * DAY;
    ids[name] = Number(sql(w.srv, `INSERT INTO outbox (channel_id, address, kind, text, state, next_ms, created_ms, done_ms)
      VALUES (${c.id}, '13800000000', 'incident.register', '【II级】${name}', '${state}', ${created}, ${created}, ${done})
      RETURNING id`));
    sql(w.srv, `INSERT INTO deliveries (outbox_id, channel_id, at_ms, status) VALUES (${ids[name]}, ${c.id}, ${created}, 'queued')`);
  }
  const left = () => sql(w.srv, `SELECT id FROM outbox WHERE channel_id = ${c.id} ORDER BY id`).split('\n').map(Number);
  const deadline = Date.now() + 10000;
  while (left().length > 2 && Date.now() < deadline) await sleep(100);
  assert.deepEqual(left(), [ids.recentSent, ids.oldQueued], 'the old sent and given-up messages are gone');
  const logged = sql(w.srv, `SELECT DISTINCT outbox_id FROM deliveries WHERE channel_id = ${c.id} ORDER BY outbox_id`)
    .split('\n').map(Number);
  assert.deepEqual(logged, [ids.recentSent, ids.oldQueued], 'and their delivery log with them');
});
