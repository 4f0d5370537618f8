/* Reading result rows, shared by the store's files: a text column, a time column as
 * ISO text, the one-row and changed-one-row outcomes as XF_* codes, and JSON text the
 * store wrote, read back. Internal to src/store/. */
#ifndef XF_STORE_ROWS_H
#define XF_STORE_ROWS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/xf_store.h"
#include "util/xf_buf.h"

/* Set by writes of accounts and sessions, and by every audit event, inside a
 * transaction; the commit then moves the generations of xf_store.h. */
extern _Thread_local bool xf_store_auth_dirty, xf_store_data_dirty;

/* The column as text; "" for NULL. */
const char *xf_row_text(sqlite3_stmt *st, int i);
/* Copies the column's text into out (size bytes, cut if longer). */
void xf_row_copy(char *out, size_t size, sqlite3_stmt *st, int i);
/* An id column as a number; null for NULL. */
json_t *xf_row_id(sqlite3_stmt *st, int i);
/* Binds an id, or NULL when id is 0 or less. */
void xf_bind_id(sqlite3_stmt *st, int i, int64_t id);
/* A milliseconds column as an ISO time; null for NULL or 0. */
json_t *xf_row_time(sqlite3_stmt *st, int i);
/* Steps a statement expected to give one row: XF_OK with the row current (the caller
 * resets), XF_NOTFOUND when it gives none. */
int xf_row_one(xf_db *db, sqlite3_stmt *st);
/* rc of an UPDATE or DELETE, made XF_NOTFOUND when it changed no row. */
int xf_row_changed(xf_db *db, int rc);
/* JSON text the store wrote, as a value; the buffer is released. */
json_t *xf_row_parse_own(xf_buf *b);

#endif
