/* The schema on PostgreSQL: one migration text per SQLite migration (store/xf_migrations.h),
 * with the same numbering, so that after migration N both engines have the same tables
 * and columns (tests/unit/test_migrations_pg.c compares them), and the function that
 * applies them through the statement layer (store/xf_sql.h). */
#ifndef XF_MIGRATIONS_PG_H
#define XF_MIGRATIONS_PG_H

#include <stddef.h>

#include "store/xf_sql.h"

/* xf_migrations_pg[N - 1] brings a PostgreSQL database from schema version N - 1 to N,
 * as xf_migrations[N - 1] does on SQLite; NULL where that SQLite text runs unchanged on
 * PostgreSQL (xf_migrate_pg runs it). */
extern const char *const xf_migrations_pg[];
extern const int xf_migration_pg_count;

/* The key of the advisory lock that serialises migrating processes ("xf" and 2). */
#define XF_MIGRATE_PG_LOCK_KEY 0x78660002LL

/* Brings the PostgreSQL database of c up to date: the version lives in the one-row
 * table schema_version (SQLite's PRAGMA user_version); each missing migration runs
 * in its own transaction together with the version's update, under an advisory lock
 * so that processes starting together migrate once. Re-running on an up-to-date
 * database changes nothing. XF_OK, or an XF_* code with the reason in error (a
 * database newer than this program is XF_ERR). c must not be in a transaction. */
int xf_migrate_pg(xf_sql *c, char *error, size_t error_size);

/* The schema version recorded in the database of c: 0 for a database without the
 * version table yet (a new one), -1 when it cannot be read. */
int xf_migrate_pg_version(xf_sql *c);

#endif
