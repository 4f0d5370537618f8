/* The portable statement layer under the store: one connection to SQLite (a file path)
 * or PostgreSQL (a postgresql:// URL, through libpq), statements written once with `?`
 * placeholders, and the same return codes on both. The store is written against this
 * header so that its SQL runs on either engine; where the dialects differ, the store
 * asks xf_sql_dialect() and picks the text for that one statement.
 *
 * Promises:
 * - One connection belongs to one thread at a time; nothing here is shared between
 *   connections, so connections on different threads need no locking.
 * - Placeholders: `?` and `?NNN` (SQLite's numbered form) in the SQL text; on
 *   PostgreSQL they become $1..$n (a bare `?` takes the number after the largest so far,
 *   as SQLite numbers it). A `?` inside a quoted string, a quoted name or a comment is
 *   left alone. Parameters are numbered from 1, as in SQLite.
 * - xf_sql_prepare never returns NULL: a statement that cannot be prepared comes back
 *   as a stand-in whose binds do nothing and whose step fails with the prepare error
 *   (XF_UNAVAILABLE: the database is not in a state to serve the program's statement),
 *   so callers check one result (the step's) as they do today. The next prepare of
 *   the same text tries again.
 * - Statements are cached per connection by their text (the cache owns a copy); the
 *   caller never finalizes one. xf_sql_prepare hands back the cached statement reset
 *   and with its parameters cleared.
 * - Results: xf_sql_step returns XF_SQL_ROW, XF_SQL_DONE, or a negative XF_* code
 *   (util/xf_util.h): XF_CONFLICT when a uniqueness, reference, NOT NULL or CHECK rule
 *   refused the change (SQLITE_CONSTRAINT; PostgreSQL's class 23), XF_UNAVAILABLE when
 *   the database cannot serve now (busy or locked too long, disk full, read-only, the
 *   connection lost, a serialization failure), XF_ERR otherwise. xf_sql_error() keeps
 *   the engine's own message of the last failure on the connection.
 * - Values read from a row (text, blob) stay valid until the next step or reset of
 *   that statement. A SQL NULL reads as NULL text, a NULL blob of length 0, and 0.
 * - After XF_SQL_DONE a statement answers XF_SQL_DONE again until it is reset; reset
 *   keeps the bound parameters (as SQLite does).
 * - Write transactions are serialised: BEGIN IMMEDIATE on SQLite (the one write lock);
 *   on PostgreSQL, a transaction-scoped advisory lock (XF_SQL_WRITE_LOCK_KEY) taken
 *   by xf_sql_begin(write), across every process on the database. Writers that append
 *   to the audit chain also call xf_sql_lock_chain(), which keeps chain appends in one
 *   order even for a writer that did not begin with xf_sql_begin. Waiting for a lock
 *   gives up after XF_SQL_BUSY_MS with XF_UNAVAILABLE on both.
 * - A PostgreSQL connection that was lost is opened again on the next prepare or step
 *   outside a transaction (its statements are prepared again on use); the call that
 *   met the loss fails with XF_UNAVAILABLE. */
#ifndef XF_SQL_H
#define XF_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/xf_util.h"

typedef struct xf_sql xf_sql;
typedef struct xf_sql_stmt xf_sql_stmt;

typedef enum xf_sql_dialect_kind {
	XF_SQL_SQLITE = 1,
	XF_SQL_PG = 2,
} xf_sql_dialect_kind;

/* What xf_sql_step returns besides the negative XF_* codes. */
enum {
	XF_SQL_ROW = 100,
	XF_SQL_DONE = 101,
};

/* How long a statement waits for a lock held by another connection. */
#define XF_SQL_BUSY_MS 5000
/* The key of the audit chain's advisory lock on PostgreSQL ("xf" and 1). */
#define XF_SQL_CHAIN_LOCK_KEY 0x78660001LL
/* The key of the write lock on PostgreSQL ("xf" and 3). */
#define XF_SQL_WRITE_LOCK_KEY 0x78660003LL

/* True when target names a PostgreSQL server (postgresql:// or postgres://). */
bool xf_sql_is_url(const char *target);
/* Opens target: a PostgreSQL URL, or else a SQLite file (created when absent, WAL,
 * synchronous=FULL, foreign keys on). On failure returns XF_UNAVAILABLE (or XF_ERR for
 * a target that cannot be understood) with the reason in error, and *out NULL. */
int xf_sql_open(const char *target, xf_sql **out, char *error, size_t error_size);
/* Ends the connection and every statement it cached. NULL is allowed. */
void xf_sql_close(xf_sql *c);
xf_sql_dialect_kind xf_sql_dialect(const xf_sql *c);
/* The engine's message of the last failure on c ("" when none yet). */
const char *xf_sql_error(const xf_sql *c);
/* The engine's own handle (sqlite3 * or PGconn *), for what only the store does with
 * one engine: SQLite's tokenizer registration, backup API, custom functions. */
void *xf_sql_native(xf_sql *c);

/* Runs SQL text that may hold several statements and no parameters (migrations,
 * settings); XF_OK or an XF_* code. */
int xf_sql_exec_script(xf_sql *c, const char *sql);

/* The cached statement for sql, reset and cleared (never NULL; see above). */
xf_sql_stmt *xf_sql_prepare(xf_sql *c, const char *sql);
/* The SQL text as the engine got it (placeholders translated on PostgreSQL). */
const char *xf_sql_text(const xf_sql_stmt *st);
/* Parameters are numbered from 1; XF_ERR (with the message) for a number out of
 * range. Text and blobs are copied. A NULL text binds SQL NULL; length < 0 means
 * up to the terminating NUL. */
int xf_sql_bind_int64(xf_sql_stmt *st, int i, int64_t v);
int xf_sql_bind_double(xf_sql_stmt *st, int i, double v);
int xf_sql_bind_text(xf_sql_stmt *st, int i, const char *s, int length);
int xf_sql_bind_blob(xf_sql_stmt *st, int i, const void *p, size_t n);
int xf_sql_bind_null(xf_sql_stmt *st, int i);

/* XF_SQL_ROW, XF_SQL_DONE or a negative XF_* code. */
int xf_sql_step(xf_sql_stmt *st);
/* Steps to the end and resets: XF_OK when the statement ran (rows are discarded). */
int xf_sql_exec(xf_sql_stmt *st);
/* Ends the current run; the parameters stay bound. */
void xf_sql_reset(xf_sql_stmt *st);
/* Rows inserted, updated or deleted by the statement's last run, once it returned
 * XF_SQL_DONE (0 for a query, and for rows changed by triggers). */
int64_t xf_sql_changes(const xf_sql_stmt *st);

/* The stand-in statement (see xf_sql_prepare) failing with XF_UNAVAILABLE and message:
 * for a caller that knows the database cannot serve now and still wants one shape of
 * code (a connection that could not open). */
xf_sql_stmt *xf_sql_unavailable(xf_sql *c, const char *message);
/* How many parameters the statement takes (the largest number used). */
int xf_sql_parameter_count(const xf_sql_stmt *st);

/* What a column of the current row holds, by the engine's type of the value (SQLite)
 * or of the column (PostgreSQL: integers and booleans, floating and numeric, bytea,
 * anything else as text). */
typedef enum xf_sql_kind {
	XF_SQL_KIND_NULL,
	XF_SQL_KIND_INTEGER,
	XF_SQL_KIND_REAL,
	XF_SQL_KIND_TEXT,
	XF_SQL_KIND_BLOB,
} xf_sql_kind;

/* Columns of the current row, numbered from 0. */
int xf_sql_column_count(const xf_sql_stmt *st);
const char *xf_sql_column_name(const xf_sql_stmt *st, int col);
bool xf_sql_column_is_null(const xf_sql_stmt *st, int col);
/* PostgreSQL's booleans read as 1 and 0. */
int64_t xf_sql_column_int64(const xf_sql_stmt *st, int col);
/* The same, for a column the schema keeps within int (counts, flags, positions). */
int xf_sql_column_int(const xf_sql_stmt *st, int col);
xf_sql_kind xf_sql_column_kind(const xf_sql_stmt *st, int col);
double xf_sql_column_double(const xf_sql_stmt *st, int col);
const char *xf_sql_column_text(const xf_sql_stmt *st, int col);
/* The bytes of a blob (bytea on PostgreSQL) and their number in *n. */
const void *xf_sql_column_blob(const xf_sql_stmt *st, int col, size_t *n);

/* Transactions. write takes the write lock at once on SQLite (BEGIN IMMEDIATE); a read
 * transaction reads one snapshot on both (REPEATABLE READ on PostgreSQL). */
int xf_sql_begin(xf_sql *c, bool write);
/* XF_OK, or a code when the commit failed (nothing was written); on PostgreSQL a
 * transaction in which a statement failed is rolled back and this returns XF_ERR. */
int xf_sql_commit(xf_sql *c);
void xf_sql_rollback(xf_sql *c);
bool xf_sql_in_transaction(const xf_sql *c);
/* Inside a write transaction, before appending to the audit chain: on PostgreSQL
 * waits for the chain's advisory lock (held until commit or rollback); on SQLite
 * BEGIN IMMEDIATE already serialises writers and this does nothing. */
int xf_sql_lock_chain(xf_sql *c);

#endif
