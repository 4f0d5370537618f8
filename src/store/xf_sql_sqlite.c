/* The SQLite engine of the statement layer (store/xf_sql.h, store/xf_sql_engine.h): a
 * file opened as the store runs it (WAL, synchronous=FULL, foreign keys, a busy
 * timeout), statements prepared as persistent, and SQLite's result codes mapped the
 * way xf_db_fail maps them. SQLite takes `?` and `?NNN` itself: no translation. */
#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/xf_sql_engine.h"

typedef struct lite_conn {
	xf_sql base;
	sqlite3 *db;
} lite_conn;

typedef struct lite_stmt {
	xf_sql_stmt base;
	sqlite3_stmt *st;
	int64_t total_before; /* sqlite3_total_changes64 when the run began */
} lite_stmt;

static sqlite3 *db_of(const xf_sql *c)
{
	return ((const lite_conn *)c)->db;
}

static sqlite3_stmt *st_of(const xf_sql_stmt *st)
{
	return ((const lite_stmt *)st)->st;
}

int xf_sql_sqlite_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		return XF_UNAVAILABLE;
	case SQLITE_CONSTRAINT:
		return XF_CONFLICT;
	default:
		return XF_ERR;
	}
}

/* The XF_* code of a SQLite result, recording the message. */
static int fail(xf_sql *c, int rc)
{
	xf_sql_set_error(c, "%s", sqlite3_errmsg(db_of(c)));
	return xf_sql_sqlite_code(rc);
}

static int bound(xf_sql_stmt *st, int rc)
{
	return rc == SQLITE_OK ? XF_OK : fail(st->conn, rc);
}

static xf_sql *lite_open(const char *path, char *error, size_t error_size)
{
	lite_conn *c = xf_calloc(1, sizeof *c);
	int rc = sqlite3_open_v2(
	    path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	char *msg = NULL;
	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(c->db, 1);
		sqlite3_busy_timeout(c->db, XF_SQL_BUSY_MS);
		rc = sqlite3_exec(c->db,
		                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
		                  "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
		                  NULL, NULL, &msg);
	}
	if (rc != SQLITE_OK) {
		snprintf(error, error_size, "cannot open database '%s': %s", path,
		         msg     ? msg
		         : c->db ? sqlite3_errmsg(c->db)
		                 : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close(c->db);
		free(c);
		return NULL;
	}
	return &c->base;
}

static void lite_close(xf_sql *c)
{
	sqlite3_close(db_of(c));
	free(c);
}

static xf_sql_stmt *lite_prepare(xf_sql *c, const char *sql, int *code)
{
	sqlite3_stmt *raw = NULL;
	int rc = sqlite3_prepare_v3(db_of(c), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, NULL);
	if (rc != SQLITE_OK || !raw) {
		*code = rc == SQLITE_OK ? XF_ERR : fail(c, rc);
		if (rc == SQLITE_OK)
			xf_sql_set_error(c, "no statement in the text");
		sqlite3_finalize(raw);
		return NULL;
	}
	lite_stmt *st = xf_calloc(1, sizeof *st);
	st->st = raw;
	st->base.text = sqlite3_sql(raw);
	return &st->base;
}

static void lite_finalize(xf_sql_stmt *st)
{
	sqlite3_finalize(st_of(st));
	free(st);
}

static int lite_bind_int64(xf_sql_stmt *st, int i, int64_t v)
{
	return bound(st, sqlite3_bind_int64(st_of(st), i, v));
}

static int lite_bind_double(xf_sql_stmt *st, int i, double v)
{
	return bound(st, sqlite3_bind_double(st_of(st), i, v));
}

static int lite_bind_text(xf_sql_stmt *st, int i, const char *s, size_t n)
{
	return bound(st, sqlite3_bind_text64(st_of(st), i, s, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int lite_bind_blob(xf_sql_stmt *st, int i, const void *p, size_t n)
{
	return bound(st, sqlite3_bind_blob64(st_of(st), i, p, n, SQLITE_TRANSIENT));
}

static int lite_bind_null(xf_sql_stmt *st, int i)
{
	return bound(st, sqlite3_bind_null(st_of(st), i));
}

static void lite_clear_bindings(xf_sql_stmt *st)
{
	sqlite3_clear_bindings(st_of(st));
}

static int lite_step(xf_sql_stmt *base)
{
	lite_stmt *st = (lite_stmt *)base;
	sqlite3 *db = db_of(base->conn);
	if (base->run == XF_SQL_RUN_IDLE)
		st->total_before = sqlite3_total_changes64(db);
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return XF_SQL_ROW;
	if (rc != SQLITE_DONE)
		return fail(base->conn, rc);
	/* sqlite3_changes64 keeps the count of the last INSERT, UPDATE or DELETE: it is
	 * this statement's only when this statement changed something. */
	base->changes = sqlite3_total_changes64(db) != st->total_before ? sqlite3_changes64(db) : 0;
	return XF_SQL_DONE;
}

static void lite_reset(xf_sql_stmt *st)
{
	sqlite3_reset(st_of(st));
}

static int lite_parameter_count(const xf_sql_stmt *st)
{
	return sqlite3_bind_parameter_count(st_of(st));
}

static xf_sql_kind lite_column_kind(const xf_sql_stmt *st, int col)
{
	switch (sqlite3_column_type(st_of(st), col)) {
	case SQLITE_INTEGER:
		return XF_SQL_KIND_INTEGER;
	case SQLITE_FLOAT:
		return XF_SQL_KIND_REAL;
	case SQLITE_BLOB:
		return XF_SQL_KIND_BLOB;
	case SQLITE_NULL:
		return XF_SQL_KIND_NULL;
	default:
		return XF_SQL_KIND_TEXT;
	}
}

static int lite_column_count(const xf_sql_stmt *st)
{
	return sqlite3_column_count(st_of(st));
}

static const char *lite_column_name(const xf_sql_stmt *st, int col)
{
	return sqlite3_column_name(st_of(st), col);
}

static bool lite_column_is_null(const xf_sql_stmt *st, int col)
{
	return sqlite3_column_type(st_of(st), col) == SQLITE_NULL;
}

static int64_t lite_column_int64(const xf_sql_stmt *st, int col)
{
	return sqlite3_column_int64(st_of(st), col);
}

static double lite_column_double(const xf_sql_stmt *st, int col)
{
	return sqlite3_column_double(st_of(st), col);
}

static const char *lite_column_text(const xf_sql_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st_of(st), col);
}

static const void *lite_column_blob(const xf_sql_stmt *st, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(st_of(st), col);
	*n = (size_t)sqlite3_column_bytes(st_of(st), col);
	return p;
}

static int lite_exec_script(xf_sql *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db_of(c), sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return XF_OK;
	int code = fail(c, rc);
	if (msg)
		xf_sql_set_error(c, "%s", msg);
	sqlite3_free(msg);
	return code;
}

static bool lite_in_transaction(const xf_sql *c)
{
	return !sqlite3_get_autocommit(db_of(c));
}

static void *lite_native(xf_sql *c)
{
	return db_of(c);
}

const xf_sql_engine xf_sql_sqlite_engine = {
    .dialect = XF_SQL_SQLITE,
    .open = lite_open,
    .close = lite_close,
    .prepare = lite_prepare,
    .finalize = lite_finalize,
    .bind_int64 = lite_bind_int64,
    .bind_double = lite_bind_double,
    .bind_text = lite_bind_text,
    .bind_blob = lite_bind_blob,
    .bind_null = lite_bind_null,
    .clear_bindings = lite_clear_bindings,
    .step = lite_step,
    .reset = lite_reset,
    .parameter_count = lite_parameter_count,
    .column_count = lite_column_count,
    .column_kind = lite_column_kind,
    .column_name = lite_column_name,
    .column_is_null = lite_column_is_null,
    .column_int64 = lite_column_int64,
    .column_double = lite_column_double,
    .column_text = lite_column_text,
    .column_blob = lite_column_blob,
    .exec_script = lite_exec_script,
    .in_transaction = lite_in_transaction,
    .native = lite_native,
};
