/* The engine-independent half of the statement layer (store/xf_sql.h): opening by the
 * form of the target, the per-connection statement cache keyed by SQL text, the
 * stand-in for a statement that cannot be prepared, the state of a run (so that both
 * engines answer the same after the end or a failure), placeholder translation for
 * PostgreSQL, and transactions written once with each engine's SQL. */
#include "store/xf_sql.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/xf_sql_engine.h"
#include "util/xf_buf.h"

#define FIRST_SLOTS 64

bool xf_sql_is_url(const char *target)
{
	return target && (strncmp(target, "postgresql://", 13) == 0 ||
	                  strncmp(target, "postgres://", 11) == 0);
}

int xf_sql_open(const char *target, xf_sql **out, char *error, size_t error_size)
{
	*out = NULL;
	if (!target || !*target) {
		snprintf(error, error_size,
		         "no database given (a file path or a postgresql:// URL)");
		return XF_ERR;
	}
	const xf_sql_engine *engine =
	    xf_sql_is_url(target) ? &xf_sql_pg_engine : &xf_sql_sqlite_engine;
	xf_sql *c = engine->open(target, error, error_size);
	if (!c)
		return XF_UNAVAILABLE;
	c->engine = engine;
	c->nslots = FIRST_SLOTS;
	c->slots = xf_calloc(c->nslots, sizeof *c->slots);
	c->stand_in.conn = c;
	c->stand_in.stand_in = true;
	c->stand_in.text = "";
	*out = c;
	return XF_OK;
}

void xf_sql_close(xf_sql *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nslots; i++) {
		if (!c->slots[i].key)
			continue;
		c->engine->finalize(c->slots[i].st);
		free(c->slots[i].key);
	}
	free(c->slots);
	c->engine->close(c);
}

xf_sql_dialect_kind xf_sql_dialect(const xf_sql *c)
{
	return c->engine->dialect;
}

const char *xf_sql_error(const xf_sql *c)
{
	return c->error;
}

void *xf_sql_native(xf_sql *c)
{
	return c->engine->native(c);
}

void xf_sql_set_error(xf_sql *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->error, sizeof c->error, fmt, ap);
	va_end(ap);
}

int xf_sql_exec_script(xf_sql *c, const char *sql)
{
	return c->engine->exec_script(c, sql);
}

/* ---- placeholders ---- */

/* Copies a quoted run (string or name) starting at the quote *p, up to and including
 * the closing quote; a doubled quote inside is two runs, which is the same. */
static const char *copy_quoted(const char *p, xf_buf *out)
{
	char quote = *p;
	const char *end = strchr(p + 1, quote);
	end = end ? end + 1 : p + strlen(p);
	xf_buf_append(out, p, (size_t)(end - p));
	return end;
}

/* Copies a comment starting at p ("--" to the end of the line, or a block). */
static const char *copy_comment(const char *p, xf_buf *out)
{
	const char *end;
	if (p[0] == '-') {
		end = strchr(p, '\n');
		end = end ? end : p + strlen(p);
	} else {
		end = strstr(p + 2, "*/");
		end = end ? end + 2 : p + strlen(p);
	}
	xf_buf_append(out, p, (size_t)(end - p));
	return end;
}

char *xf_sql_translate(const char *sql, int *count)
{
	xf_buf out;
	xf_buf_init(&out, 0);
	int largest = 0;
	const char *p = sql;
	while (*p) {
		if (*p == '\'' || *p == '"') {
			p = copy_quoted(p, &out);
		} else if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*')) {
			p = copy_comment(p, &out);
		} else if (*p == '?') {
			char *end;
			long n = strtol(p + 1, &end, 10);
			if (end == p + 1 || n <= 0)
				n = largest + 1;
			if (n > largest)
				largest = (int)n;
			xf_buf_printf(&out, "$%ld", n);
			p = end;
		} else {
			xf_buf_append(&out, p, 1);
			p++;
		}
	}
	*count = largest;
	return xf_buf_detach(&out, NULL);
}

/* ---- the statement cache ---- */

static uint64_t text_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static xf_sql_slot *find_slot(xf_sql_slot *slots, size_t nslots, const char *sql, uint64_t h)
{
	size_t mask = nslots - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		xf_sql_slot *s = &slots[i];
		if (!s->key || (s->hash == h && strcmp(s->key, sql) == 0))
			return s;
	}
}

/* Keeps the table at most half full, so that a probe ends soon. */
static void grow_cache(xf_sql *c)
{
	if (2 * (c->used + 1) <= c->nslots)
		return;
	size_t n = c->nslots * 2;
	xf_sql_slot *slots = xf_calloc(n, sizeof *slots);
	for (size_t i = 0; i < c->nslots; i++)
		if (c->slots[i].key)
			*find_slot(slots, n, c->slots[i].key, c->slots[i].hash) = c->slots[i];
	free(c->slots);
	c->slots = slots;
	c->nslots = n;
}

static void restart(xf_sql_stmt *st)
{
	st->conn->engine->reset(st);
	st->run = XF_SQL_RUN_IDLE;
}

xf_sql_stmt *xf_sql_prepare(xf_sql *c, const char *sql)
{
	assert(c && sql);
	uint64_t h = text_hash(sql);
	xf_sql_slot *slot = find_slot(c->slots, c->nslots, sql, h);
	if (slot->key) {
		restart(slot->st);
		c->engine->clear_bindings(slot->st);
		return slot->st;
	}
	int code = XF_ERR;
	xf_sql_stmt *st = c->engine->prepare(c, sql, &code);
	if (!st) {
		/* A statement of the program that the database cannot prepare (a table
		 * missing, a schema of another version) is no fault of the request: the
		 * database cannot serve it now. */
		c->prepare_code = code == XF_ERR ? XF_UNAVAILABLE : code;
		snprintf(c->prepare_error, sizeof c->prepare_error,
		         "cannot prepare '%.200s': %.800s", sql, c->error);
		return &c->stand_in;
	}
	st->conn = c;
	st->run = XF_SQL_RUN_IDLE;
	grow_cache(c);
	slot = find_slot(c->slots, c->nslots, sql, h);
	*slot = (xf_sql_slot){xf_strdup(sql), h, st};
	c->used++;
	return st;
}

xf_sql_stmt *xf_sql_unavailable(xf_sql *c, const char *message)
{
	c->prepare_code = XF_UNAVAILABLE;
	snprintf(c->prepare_error, sizeof c->prepare_error, "%s", message);
	return &c->stand_in;
}

int xf_sql_parameter_count(const xf_sql_stmt *st)
{
	return st->stand_in ? 0 : st->conn->engine->parameter_count(st);
}

const char *xf_sql_text(const xf_sql_stmt *st)
{
	return st->text;
}

/* ---- binding ---- */

int xf_sql_bind_int64(xf_sql_stmt *st, int i, int64_t v)
{
	return st->stand_in ? XF_OK : st->conn->engine->bind_int64(st, i, v);
}

int xf_sql_bind_double(xf_sql_stmt *st, int i, double v)
{
	return st->stand_in ? XF_OK : st->conn->engine->bind_double(st, i, v);
}

int xf_sql_bind_text(xf_sql_stmt *st, int i, const char *s, int length)
{
	if (st->stand_in)
		return XF_OK;
	if (!s)
		return st->conn->engine->bind_null(st, i);
	return st->conn->engine->bind_text(st, i, s, length < 0 ? strlen(s) : (size_t)length);
}

int xf_sql_bind_blob(xf_sql_stmt *st, int i, const void *p, size_t n)
{
	return st->stand_in ? XF_OK : st->conn->engine->bind_blob(st, i, p ? p : "", n);
}

int xf_sql_bind_null(xf_sql_stmt *st, int i)
{
	return st->stand_in ? XF_OK : st->conn->engine->bind_null(st, i);
}

/* ---- running ---- */

int xf_sql_step(xf_sql_stmt *st)
{
	xf_sql *c = st->conn;
	if (st->stand_in) {
		xf_sql_set_error(c, "%s", c->prepare_error);
		return c->prepare_code;
	}
	switch (st->run) {
	case XF_SQL_RUN_DONE:
		return XF_SQL_DONE;
	case XF_SQL_RUN_FAILED:
		return st->failure;
	case XF_SQL_RUN_IDLE:
		st->changes = 0;
		break;
	case XF_SQL_RUN_ROWS:
		break;
	}
	int rc = c->engine->step(st);
	if (rc == XF_SQL_ROW) {
		st->run = XF_SQL_RUN_ROWS;
	} else if (rc == XF_SQL_DONE) {
		st->run = XF_SQL_RUN_DONE;
	} else {
		assert(rc < 0);
		st->run = XF_SQL_RUN_FAILED;
		st->failure = rc;
	}
	return rc;
}

int xf_sql_exec(xf_sql_stmt *st)
{
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW)
		;
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : rc;
}

void xf_sql_reset(xf_sql_stmt *st)
{
	if (!st->stand_in)
		restart(st);
}

int64_t xf_sql_changes(const xf_sql_stmt *st)
{
	return st->changes;
}

/* ---- columns: only of a current row ---- */

static bool has_row(const xf_sql_stmt *st)
{
	return !st->stand_in && st->run == XF_SQL_RUN_ROWS;
}

int xf_sql_column_count(const xf_sql_stmt *st)
{
	return st->stand_in ? 0 : st->conn->engine->column_count(st);
}

const char *xf_sql_column_name(const xf_sql_stmt *st, int col)
{
	return st->stand_in ? NULL : st->conn->engine->column_name(st, col);
}

bool xf_sql_column_is_null(const xf_sql_stmt *st, int col)
{
	return !has_row(st) || st->conn->engine->column_is_null(st, col);
}

int64_t xf_sql_column_int64(const xf_sql_stmt *st, int col)
{
	return has_row(st) ? st->conn->engine->column_int64(st, col) : 0;
}

int xf_sql_column_int(const xf_sql_stmt *st, int col)
{
	return (int)xf_sql_column_int64(st, col);
}

xf_sql_kind xf_sql_column_kind(const xf_sql_stmt *st, int col)
{
	return has_row(st) ? st->conn->engine->column_kind(st, col) : XF_SQL_KIND_NULL;
}

double xf_sql_column_double(const xf_sql_stmt *st, int col)
{
	return has_row(st) ? st->conn->engine->column_double(st, col) : 0;
}

const char *xf_sql_column_text(const xf_sql_stmt *st, int col)
{
	return has_row(st) ? st->conn->engine->column_text(st, col) : NULL;
}

const void *xf_sql_column_blob(const xf_sql_stmt *st, int col, size_t *n)
{
	*n = 0;
	return has_row(st) ? st->conn->engine->column_blob(st, col, n) : NULL;
}

/* ---- transactions ---- */

int xf_sql_begin(xf_sql *c, bool write)
{
	if (xf_sql_dialect(c) == XF_SQL_SQLITE)
		return xf_sql_exec(xf_sql_prepare(c, write ? "BEGIN IMMEDIATE" : "BEGIN"));
	if (!write)
		return xf_sql_exec(xf_sql_prepare(c, "BEGIN ISOLATION LEVEL REPEATABLE READ"));
	/* One writer at a time across every connection and process, as SQLite's write
	 * lock does: the store reads and then writes in one transaction (the next
	 * incident number, the chain's last link) and relies on no writer between. */
	int rc = xf_sql_exec(xf_sql_prepare(c, "BEGIN"));
	if (rc != XF_OK)
		return rc;
	xf_sql_stmt *lock = xf_sql_prepare(c, "SELECT pg_advisory_xact_lock(?)");
	xf_sql_bind_int64(lock, 1, XF_SQL_WRITE_LOCK_KEY);
	rc = xf_sql_exec(lock);
	if (rc != XF_OK)
		xf_sql_rollback(c);
	return rc;
}

int xf_sql_commit(xf_sql *c)
{
	int rc = xf_sql_exec(xf_sql_prepare(c, "COMMIT"));
	if (rc != XF_OK)
		xf_sql_rollback(c);
	return rc;
}

void xf_sql_rollback(xf_sql *c)
{
	if (!xf_sql_in_transaction(c))
		return;
	/* The failure that led here keeps its message. */
	char error[sizeof c->error];
	memcpy(error, c->error, sizeof error);
	xf_sql_exec(xf_sql_prepare(c, "ROLLBACK"));
	memcpy(c->error, error, sizeof error);
}

bool xf_sql_in_transaction(const xf_sql *c)
{
	return c->engine->in_transaction(c);
}

int xf_sql_lock_chain(xf_sql *c)
{
	if (xf_sql_dialect(c) == XF_SQL_SQLITE)
		return XF_OK;
	if (!xf_sql_in_transaction(c)) {
		xf_sql_set_error(c, "the audit chain lock is taken inside a write transaction");
		return XF_ERR;
	}
	xf_sql_stmt *st = xf_sql_prepare(c, "SELECT pg_advisory_xact_lock(?)");
	xf_sql_bind_int64(st, 1, XF_SQL_CHAIN_LOCK_KEY);
	return xf_sql_exec(st);
}
