/* The store's own view of its database: the statement-layer connection (store/xf_sql.h)
 * behind an xf_db and the statement helpers every store file uses. Internal to
 * src/store/ (and the unit tests and benchmarks that look beneath the store): nothing
 * in src/ outside src/store includes it (scripts/check-layers), so the store's public
 * headers name no engine, and the same store code runs on SQLite and PostgreSQL. */
#ifndef XF_STORE_DB_H
#define XF_STORE_DB_H

#include "store/xf_sql.h"
#include "store/xf_store.h"

/* The connection behind db. */
xf_sql *xf_db_sql(xf_db *db);
/* The SQLite handle behind db, or NULL on PostgreSQL: for what only SQLite has (FTS5,
 * the backup API, checkpoints, the query planner in tests). The caller includes
 * <sqlite3.h> and casts. */
void *xf_db_sqlite(xf_db *db);
/* Which engine db runs on. */
xf_sql_dialect_kind xf_db_dialect(xf_db *db);
/* The engine's text of a statement written twice where the dialects differ. */
#define XF_DB_SQL(db, sqlite_text, pg_text)                                                        \
	(xf_db_dialect(db) == XF_SQL_PG ? (pg_text) : (sqlite_text))

/* A cached prepared statement, reset and unbound (never NULL: a statement that cannot
 * be prepared fails when stepped). */
xf_sql_stmt *xf_db_prepare(xf_db *db, const char *sql);
/* Records the connection's message of the failure rc (an XF_* code, or what a step
 * returned) and returns it as an XF_* code. */
int xf_db_fail(xf_db *db, int rc);
/* Runs a statement to its end (rows are discarded) and resets it; XF_OK when it ran.
 * The number of rows it changed is then xf_db_changes(db). */
int xf_db_exec(xf_db *db, xf_sql_stmt *st);
/* Rows changed by the last statement run with xf_db_exec (or xf_row_insert). */
int64_t xf_db_changes(xf_db *db);

/* Registers the search tokenizer on a new SQLite connection (every connection, before
 * use; store/xf_search.h). */
int xf_search_register(void *sqlite);

#endif
