/* Run-once background jobs across processes: advisory-lock leases on PostgreSQL
 * (see xf_pg_lease.h). */
#include "store/xf_pg_lease.h"

#include <string.h>

int64_t xf_pg_lease_key(const char *job)
{
	static const char prefix[] = "xinfang job:";
	uint64_t h = 14695981039346656037ULL; /* FNV-1a 64 */
	for (const char *p = prefix; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (const char *p = job; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	int64_t key = (int64_t)(h & (uint64_t)INT64_MAX);
	if (key == XF_SQL_CHAIN_LOCK_KEY)
		key ^= (int64_t)1 << 62;
	return key;
}

/* Runs a one-row boolean query on job's key: 1, 0 or an XF_* code. */
static int ask(xf_sql *c, const char *sql, const char *job)
{
	xf_sql_stmt *st = xf_sql_prepare(c, sql);
	xf_sql_bind_int64(st, 1, xf_pg_lease_key(job));
	int rc = xf_sql_step(st);
	int answer = rc == XF_SQL_ROW ? (xf_sql_column_int64(st, 0) != 0) : rc;
	xf_sql_reset(st);
	return answer == XF_SQL_DONE ? 0 : answer;
}

int xf_pg_lease_try(xf_sql *c, const char *job)
{
	if (xf_sql_dialect(c) != XF_SQL_PG)
		return 1;
	return ask(c, "SELECT pg_try_advisory_lock(?::bigint)", job);
}

int xf_pg_lease_release(xf_sql *c, const char *job)
{
	if (xf_sql_dialect(c) != XF_SQL_PG)
		return XF_OK;
	int rc = ask(c, "SELECT pg_advisory_unlock(?::bigint)", job);
	return rc == 1 ? XF_OK : rc == 0 ? XF_ERR : rc;
}

int xf_pg_lease_held(xf_sql *c, const char *job)
{
	if (xf_sql_dialect(c) != XF_SQL_PG)
		return 1;
	/* a bigint key shows in pg_locks as classid (high half), objid (low), objsubid 1 */
	return ask(c,
	           "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
	           " AND pid = pg_backend_pid() AND objsubid = 1"
	           " AND (classid::bigint << 32 | objid::bigint) = ?::bigint",
	           job);
}
