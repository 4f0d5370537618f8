/* Run-once background jobs across several `xinfang serve` processes on one PostgreSQL
 * database (overdue scan, outbox sender, legal clocks): before a run, a process takes
 * the job's lease; only one process holds it at a time.
 *
 * A lease is PostgreSQL's session-level advisory lock (pg_try_advisory_lock) on a
 * stable 64-bit key derived from the job's name (xf_pg_lease_key). It is held by the
 * connection that took it, so:
 * - use a dedicated connection for leases (not one shared with request handlers), and
 *   release on that same connection;
 * - a process that dies, or whose connection is lost, releases it because its session
 *   ends; the other processes then win their next try. After the xf_sql layer opens a
 *   lost connection again, the lease is gone: a long job checks xf_pg_lease_held
 *   between steps and stops when it answers 0;
 * - rollback does not release it (session level, not transaction level);
 * - it is counted: a connection that wins twice must release twice.
 * The keys never equal XF_SQL_CHAIN_LOCK_KEY. On SQLite (one serving process per
 * file) every try wins and release does nothing. */
#ifndef XF_PG_LEASE_H
#define XF_PG_LEASE_H

#include <stdint.h>

#include "store/xf_sql.h"

/* The advisory-lock key of job: FNV-1a 64 of "xinfang job:" + job, kept non-negative
 * and away from the chain lock's key. The same in every process and version. */
int64_t xf_pg_lease_key(const char *job);
/* 1 when c now holds job's lease, 0 when another session holds it, or a negative XF_*
 * code when the statement failed. Never waits. */
int xf_pg_lease_try(xf_sql *c, const char *job);
/* Gives up one hold of job's lease on c: XF_OK, XF_ERR when c did not hold it, or
 * another XF_* code. */
int xf_pg_lease_release(xf_sql *c, const char *job);
/* 1 when c (its current session) holds job's lease, 0 when not, or an XF_* code. */
int xf_pg_lease_held(xf_sql *c, const char *job);

#endif
