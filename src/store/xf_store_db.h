/* The store's own view of its database: the SQLite connection behind an xf_db and the
 * statement helpers every store file uses. Internal to src/store/ (and the unit tests
 * and benchmarks that look beneath the store): nothing in src/ outside src/store
 * includes it (scripts/check-layers), so the store's public headers hold no sqlite3
 * type and a second backend can replace this file's half. */
#ifndef XF_STORE_DB_H
#define XF_STORE_DB_H

#include <sqlite3.h>

#include "store/xf_store.h"

sqlite3 *xf_db_handle(xf_db *db);

/* A cached prepared statement, reset and unbound. sql must be a string literal (its
 * address is the cache key). */
sqlite3_stmt *xf_db_prepare(xf_db *db, const char *sql);
/* Maps a SQLite result to an XF_* code, recording the message. */
int xf_db_fail(xf_db *db, int sqlite_rc);
/* Runs a statement that returns no rows; XF_OK on SQLITE_DONE. */
int xf_db_exec(xf_db *db, sqlite3_stmt *st);

/* Registers the search tokenizer on a new connection (every connection, before use;
 * store/xf_search.h). */
int xf_search_register(sqlite3 *sql);

#endif
