/* Several `xinfang serve` processes on one PostgreSQL database: the store's side of the
 * change bus (store/xf_pg_bus.h) and of job leases (store/xf_pg_lease.h).
 *
 * - Every commit that moved the data or the accounts publishes, inside its own
 *   transaction, a payload "data", "auth" or "data auth" followed by "from" and this
 *   process's origin (a random word): xf_tx_commit does it on PostgreSQL, in the server
 *   and in the command line alike. SQLite (one serving process per file): nothing.
 * - A server opens the bus (xf_store_bus_open): for each payload of another process it
 *   moves this process's generations (xf_store_data_generation, xf_store_auth_generation,
 *   so that caches read again) and calls the change hook (the live feed reads the new
 *   events). After the bus lost its connection and found it again, notifications
 *   may have been lost meanwhile: both generations move and the hook is called once.
 * - A periodic job that writes takes its lease on its own thread's connection before
 *   each run and gives it back after (xf_store_lease_try, xf_store_lease_release), so
 *   that it runs in one process at a time; on SQLite every try wins. */
#ifndef XF_STORE_BUS_H
#define XF_STORE_BUS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/xf_store.h"

/* Called on the bus's thread after another process committed a change. Keep it short. */
typedef void (*xf_store_change_fn)(void);

/* Opens the bus on the PostgreSQL URL and starts its thread; hook may be NULL. XF_OK,
 * or XF_UNAVAILABLE with the reason in error. Not for SQLite targets (XF_ERR). */
int xf_store_bus_open(const char *url, xf_store_change_fn hook, char *error, size_t error_size);
/* Stops the bus's thread and closes it; nothing when none is open. */
void xf_store_bus_close(void);
/* Payloads of other processes acted upon, and reconnections of the bus (logs, tests). */
unsigned long xf_store_bus_heard(void);
/* This process's word in the payloads, and the bus's server process (tests). */
const char *xf_store_bus_origin(void);
int xf_store_bus_backend_pid(void);

/* Inside the writer's transaction on PostgreSQL, before COMMIT (xf_tx_commit). */
int xf_store_bus_publish(xf_db *db, bool data, bool auth);
/* Moves the generations as a commit of this process would (xf_store.c). */
void xf_store_generations_move(bool data, bool auth);

/* 1 when the connection db now holds the lease of job, 0 when another process holds
 * it, or a negative XF_* code. Never waits. On SQLite: 1. */
int xf_store_lease_try(xf_db *db, const char *job);
/* Gives the lease back (on the same connection). */
void xf_store_lease_release(xf_db *db, const char *job);

#endif
