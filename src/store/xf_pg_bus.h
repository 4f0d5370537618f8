/* A change bus between several `xinfang serve` processes on one PostgreSQL database,
 * on PostgreSQL's own LISTEN/NOTIFY: a writer publishes a short payload inside its
 * transaction (delivered only if and when that transaction commits), and every bus
 * opened on the database is called back with it.
 *
 * Promises and limits:
 * - One channel, XF_PG_BUS_CHANNEL. Payloads are short ASCII words such as
 *   "incident 1234" (a sequence number and a kind): never personal data, since every
 *   session of the database may LISTEN. Longer than XF_PG_BUS_PAYLOAD_MAX is refused.
 * - Notifications of one transaction arrive in the order they were published, and
 *   transactions' notifications in their commit order. PostgreSQL folds identical
 *   payloads within one transaction into one: put the sequence number in the payload.
 * - NOTIFY reaches only sessions of the same database: the bus and the writers must
 *   be opened on the same URL's database.
 * - A process also hears what it published itself (dedupe by sequence number).
 * - A bus owns its own libpq connection (never an xf_sql one: a LISTEN connection must
 *   not run other statements). The connection asks for TCP keepalives so that a dead
 *   server host is noticed, not waited on for ever.
 * - Notifications sent while the bus is disconnected are LOST: PostgreSQL keeps no
 *   queue for a session that is gone. After a lost connection the bus connects again
 *   with backoff (XF_PG_BUS_BACKOFF_MIN_MS doubling up to XF_PG_BUS_BACKOFF_MAX_MS),
 *   LISTENs again and then calls back once with resync true and no payload: the
 *   caller re-reads from the last sequence number it has seen.
 * - A bus is used by one thread at a time: either call xf_pg_bus_wait in a loop
 *   yourself, or let xf_pg_bus_start run that loop on a thread of its own. */
#ifndef XF_PG_BUS_H
#define XF_PG_BUS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/xf_sql.h"

#define XF_PG_BUS_CHANNEL        "xinfang_events"
#define XF_PG_BUS_PAYLOAD_MAX    200
#define XF_PG_BUS_BACKOFF_MIN_MS 100
#define XF_PG_BUS_BACKOFF_MAX_MS 5000

typedef struct xf_pg_bus xf_pg_bus;

/* Called with each payload (resync false), or once after a reconnection with payload
 * NULL and resync true. Runs on the thread that waits; keep it short. */
typedef void (*xf_pg_bus_fn)(void *arg, const char *payload, bool resync);

/* Connects to url and LISTENs. XF_OK, or XF_UNAVAILABLE with the reason in error (the
 * URL's password not repeated) and *out NULL. */
int xf_pg_bus_open(const char *url, xf_pg_bus **out, char *error, size_t error_size);
/* Stops the thread (if started) and ends the connection. NULL is allowed. */
void xf_pg_bus_close(xf_pg_bus *bus);

/* Inside the caller's transaction on c: pg_notify on the channel, delivered on commit
 * and never on rollback (outside a transaction: at once). XF_OK; XF_ERR for a payload
 * that is empty, too long or not printable ASCII; another XF_* code when the statement
 * failed. On SQLite (one process) it does nothing and answers XF_OK. */
int xf_pg_bus_publish(xf_sql *c, const char *payload);

/* Waits up to timeout_ms for notifications and calls fn for each that arrived; when
 * the connection is down, tries to connect again (at most once per backoff step) and
 * calls fn(arg, NULL, true) when it succeeds. Returns the number of calls of fn, or
 * XF_UNAVAILABLE when it returns disconnected (the next call tries again). Returns
 * early when xf_pg_bus_wake was called. */
int xf_pg_bus_wait(xf_pg_bus *bus, int timeout_ms, xf_pg_bus_fn fn, void *arg);
/* Makes a waiting (or the next) xf_pg_bus_wait return; any thread may call it. */
void xf_pg_bus_wake(xf_pg_bus *bus);

/* Runs xf_pg_bus_wait in a loop on a thread of its own until xf_pg_bus_close.
 * XF_OK, or XF_ERR when the thread could not start or one already runs. */
int xf_pg_bus_start(xf_pg_bus *bus, xf_pg_bus_fn fn, void *arg);

/* Times the bus connected again after a loss (tests, logs). */
unsigned xf_pg_bus_reconnects(const xf_pg_bus *bus);
/* The server process of the bus's current connection (0 while disconnected). */
int xf_pg_bus_backend_pid(const xf_pg_bus *bus);

#endif
