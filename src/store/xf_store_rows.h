/* Reading result rows, shared by the store's files: a text column, a time column as
 * ISO text, the one-row and changed-one-row outcomes as XF_* codes, the loops that read
 * every row (into structs, ids or JSON values) or the one row of a statement, and JSON
 * text the store wrote, read back. Internal to src/store/. */
#ifndef XF_STORE_ROWS_H
#define XF_STORE_ROWS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/xf_store.h"
#include "store/xf_store_db.h"
#include "util/xf_buf.h"

/* Set by writes of accounts and sessions, and by every audit event, inside a
 * transaction; the commit then moves the generations of xf_store.h. */
extern _Thread_local bool xf_store_auth_dirty, xf_store_data_dirty;

/* The column as text; "" for NULL. */
const char *xf_row_text(xf_sql_stmt *st, int i);
/* Copies the column's text into out (size bytes, cut if longer). */
void xf_row_copy(char *out, size_t size, xf_sql_stmt *st, int i);
/* An id column as a number; null for NULL. */
json_t *xf_row_id(xf_sql_stmt *st, int i);
/* Binds an id, or NULL when id is 0 or less. */
void xf_bind_id(xf_sql_stmt *st, int i, int64_t id);
/* A milliseconds column as an ISO time; null for NULL or 0. */
json_t *xf_row_time(xf_sql_stmt *st, int i);
/* Steps a statement expected to give one row: XF_OK with the row current (the caller
 * resets), XF_NOTFOUND when it gives none. */
int xf_row_one(xf_db *db, xf_sql_stmt *st);
/* XF_OK when st gives no row, XF_CONFLICT when it gives one (a rule the change would
 * break), else the failure. The statement is reset. */
int xf_row_none(xf_db *db, xf_sql_stmt *st);
/* rc of an UPDATE or DELETE, made XF_NOTFOUND when it changed no row. */
int xf_row_changed(xf_db *db, int rc);
/* Steps st to its end, reading each row into the next element of a growing array
 * (elem bytes each) with read; *out (free() it) and *n are set on XF_OK only. The
 * statement is reset. The one loop over rows into structs. */
int xf_rows_read(xf_db *db, xf_sql_stmt *st, size_t elem, void (*read)(xf_sql_stmt *, void *),
                 void **out, size_t *n);
/* The first column of every row as ids, by xf_rows_read. */
int xf_rows_ids(xf_db *db, xf_sql_stmt *st, int64_t **out, size_t *n);
/* Steps st to its end, making each row a value with read: *out is the new array, set on
 * XF_OK only. The statement is reset. read must not use the database. */
int xf_rows_json(xf_db *db, xf_sql_stmt *st, json_t *(*read)(xf_sql_stmt *), json_t **out);
/* The rows of st that keep(st, ctx) accepts (every row when keep is NULL), each made a
 * value with read. */
int xf_rows_json_where(xf_db *db, xf_sql_stmt *st, bool (*keep)(xf_sql_stmt *, const void *),
                       const void *ctx, json_t *(*read)(xf_sql_stmt *), json_t **out);
/* The ids in the first column of st's rows, each made a value by one(db, id, &value):
 * for lists whose items are read with statements of their own. */
int xf_rows_json_by_id(xf_db *db, xf_sql_stmt *st, int (*one)(xf_db *, int64_t, json_t **),
                       json_t **out);
/* The one row of st read into out (a struct) with read; XF_NOTFOUND when none. The
 * statement is reset. */
int xf_row_get(xf_db *db, xf_sql_stmt *st, void (*read)(xf_sql_stmt *, void *), void *out);
/* The one row of st made a value with read; XF_NOTFOUND when none. Reset. */
int xf_row_json(xf_db *db, xf_sql_stmt *st, json_t *(*read)(xf_sql_stmt *), json_t **out);
/* The first column of the one row of st as a number; XF_NOTFOUND when none. Reset. */
int xf_row_int64(xf_db *db, xf_sql_stmt *st, int64_t *out);
/* Runs an INSERT; on XF_OK *id is the new row's id. */
int xf_row_insert(xf_db *db, xf_sql_stmt *st, int64_t *id);
/* The column as a string; null for NULL. */
json_t *xf_row_string(xf_sql_stmt *st, int i);
/* Reads the columns first, first + 1, … as numbers (0 for NULL) into the int64_t
 * fields given, up to a NULL: a row reader's run of ids and times. */
void xf_row_int64s(xf_sql_stmt *st, int first, ...);
/* Sets key of obj to the rows of sql, its one parameter bound to id, each made a value
 * with read: an object's list of children. obj is left as it was on failure. */
int xf_rows_json_key(xf_db *db, json_t *obj, const char *key, const char *sql, int64_t id,
                     json_t *(*read)(xf_sql_stmt *));

#endif
