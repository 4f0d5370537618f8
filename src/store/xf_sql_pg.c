/* The PostgreSQL engine of the statement layer (store/xf_sql.h, store/xf_sql_engine.h),
 * through libpq: each statement is prepared once per connection (PQprepare, named
 * xf_N) with its `?` turned into $n, run with PQexecPrepared (parameters as text, blobs
 * as binary bytea), and its rows read one by one from the PGresult. SQLSTATEs map to
 * the XF_* codes the SQLite engine gives for the same cause. A lost connection is
 * opened again outside a transaction (statements are prepared again on use); inside
 * one, everything fails until the caller rolls back. */
#include <assert.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/xf_sql_engine.h"

/* Type oids of pg_type.h, which the client headers do not carry. */
#define PG_BOOLOID    16
#define PG_BYTEAOID   17
#define PG_INT8OID    20
#define PG_TEXTOID    25
#define PG_INT2OID    21
#define PG_INT4OID    23
#define PG_FLOAT4OID  700
#define PG_FLOAT8OID  701
#define PG_NUMERICOID 1700

typedef struct pg_conn {
	xf_sql base;
	PGconn *pg;
	unsigned generation; /* moves when the connection is opened again */
	unsigned names;      /* statements named so far */
	/* A transaction was open after the last command the server answered. */
	bool in_transaction;
	/* The connection was lost inside a transaction: nothing runs until ROLLBACK. */
	bool lost_transaction;
} pg_conn;

typedef struct pg_param {
	char *data;
	size_t len, cap;
	bool null, binary;
} pg_param;

typedef struct pg_stmt {
	xf_sql_stmt base;
	char name[24];
	char *text;
	bool prepared; /* on the connection of this generation: */
	unsigned generation;
	bool is_commit, is_rollback;
	int nparams;
	pg_param *params;
	const char **values;
	int *lengths, *formats;
	PGresult *res;
	int row, nrows;
	unsigned char **blobs; /* decoded bytea of the current row, by column */
	size_t *blob_lens;
} pg_stmt;

static pg_conn *conn_of(const xf_sql *c)
{
	return (pg_conn *)c;
}

static pg_stmt *st_of(const xf_sql_stmt *st)
{
	return (pg_stmt *)st;
}

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* A message without libpq's trailing newline. */
static void set_message(xf_sql *c, const char *message)
{
	size_t n = strlen(message);
	while (n && (message[n - 1] == '\n' || message[n - 1] == ' '))
		n--;
	xf_sql_set_error(c, "%.*s", (int)n, message);
}

static bool unavailable_state(const char *s)
{
	static const char *const codes[] = {
	    "40001",                   /* serialization failure */
	    "40P01",                   /* deadlock detected */
	    "55P03",                   /* lock not available (lock_timeout) */
	    "25006",                   /* read-only transaction: a standby */
	    "57014",                   /* query canceled (statement_timeout) */
	    "57P01", "57P02", "57P03", /* shutting down, cannot connect now */
	};
	/* connection exceptions, insufficient resources (disk full), system errors */
	if (strncmp(s, "08", 2) == 0 || strncmp(s, "53", 2) == 0 || strncmp(s, "58", 2) == 0)
		return true;
	for (size_t i = 0; i < XF_ARRAY_LEN(codes); i++)
		if (strcmp(s, codes[i]) == 0)
			return true;
	return false;
}

/* The XF_* code of a failed result (res may be NULL), recording the server's message. */
static int fail(xf_sql *c, const PGresult *res)
{
	PGconn *pg = conn_of(c)->pg;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	set_message(c, primary                             ? primary
	               : res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
	                                                   : PQerrorMessage(pg));
	if (PQstatus(pg) != CONNECTION_OK || !state)
		return XF_UNAVAILABLE;
	if (strncmp(state, "23", 2) == 0) /* integrity constraint violation */
		return XF_CONFLICT;
	return unavailable_state(state) ? XF_UNAVAILABLE : XF_ERR;
}

/* What every connection runs first: UTF-8, the lock wait of the SQLite engine, no
 * notices on stderr. */
static bool configure(PGconn *pg)
{
	PQsetNoticeProcessor(pg, quiet_notices, NULL);
	char sql[128];
	snprintf(sql, sizeof sql, "SET client_encoding = 'UTF8'; SET lock_timeout = %d",
	         XF_SQL_BUSY_MS);
	PGresult *res = PQexec(pg, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return ok;
}

/* The URL with its password (if any) replaced by "***", for messages. */
static void redact(const char *url, char *out, size_t out_size)
{
	const char *user = strstr(url, "://");
	user = user ? user + 3 : url;
	const char *at = strchr(user, '@');
	const char *colon = at ? memchr(user, ':', (size_t)(at - user)) : NULL;
	if (!colon)
		snprintf(out, out_size, "%s", url);
	else
		snprintf(out, out_size, "%.*s***%s", (int)(colon + 1 - url), url, at);
}

static xf_sql *pg_open(const char *url, char *error, size_t error_size)
{
	PGconn *pg = PQconnectdb(url);
	if (PQstatus(pg) != CONNECTION_OK || !configure(pg)) {
		char shown[512];
		redact(url, shown, sizeof shown);
		const char *message = PQerrorMessage(pg);
		size_t n = strlen(message);
		while (n && message[n - 1] == '\n')
			n--;
		snprintf(error, error_size, "cannot connect to '%s': %.*s", shown, (int)n, message);
		PQfinish(pg);
		return NULL;
	}
	pg_conn *c = xf_calloc(1, sizeof *c);
	c->pg = pg;
	return &c->base;
}

static void pg_close(xf_sql *c)
{
	PQfinish(conn_of(c)->pg);
	free(c);
}

/* The connection is usable, opened again if it was lost outside a transaction. */
static bool alive(pg_conn *c)
{
	if (c->lost_transaction) {
		xf_sql_set_error(&c->base, "the connection to the database was lost during a "
		                           "transaction; roll it back");
		return false;
	}
	if (PQstatus(c->pg) == CONNECTION_OK)
		return true;
	if (c->in_transaction) {
		c->in_transaction = false;
		c->lost_transaction = true;
		xf_sql_set_error(&c->base, "the connection to the database was lost during a "
		                           "transaction; roll it back");
		return false;
	}
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK || !configure(c->pg)) {
		set_message(&c->base, PQerrorMessage(c->pg));
		return false;
	}
	c->generation++;
	return true;
}

static void note_transaction(pg_conn *c, bool ends_transaction);

/* Prepares st on the connection as it is now. */
/* The types of st's parameters for PQprepare: each one the text uses is left for the
 * server to infer (0); one it never uses is text, since a server cannot infer a type
 * from nothing, while SQLite takes a bind of a parameter a statement skips (the store
 * binds by number, and some statements use only some numbers). Caller frees. */
static Oid *param_types(const pg_stmt *st)
{
	Oid *types = xf_calloc((size_t)(st->nparams ? st->nparams : 1), sizeof *types);
	for (int i = 0; i < st->nparams; i++)
		types[i] = PG_TEXTOID;
	for (const char *p = strchr(st->text, '$'); p; p = strchr(p + 1, '$')) {
		char *end;
		long n = strtol(p + 1, &end, 10);
		if (end != p + 1 && n >= 1 && n <= st->nparams)
			types[n - 1] = 0;
	}
	return types;
}

/* Whether the server took a parameter of st for a 16- or 32-bit integer (from a
 * literal beside it: `? > 0`); if so, types says bigint for those. */
static bool narrow_integers(pg_conn *c, const pg_stmt *st, Oid *types)
{
	PGresult *res = PQdescribePrepared(c->pg, st->name);
	bool narrow = false;
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		for (int i = 0; i < PQnparams(res) && i < st->nparams; i++) {
			Oid t = PQparamtype(res, i);
			if (t == PG_INT2OID || t == PG_INT4OID) {
				types[i] = PG_INT8OID;
				narrow = true;
			}
		}
	}
	PQclear(res);
	return narrow;
}

/* Prepares st under its name. Integer parameters are 64-bit, as SQLite's are: one that
 * the server took for a narrower integer is prepared again as bigint, so that a time in
 * milliseconds fits where `? > 0` made it an int. */
static int prepare_now(pg_conn *c, pg_stmt *st)
{
	Oid *types = param_types(st);
	PGresult *res = PQprepare(c->pg, st->name, st->text, st->nparams, types);
	if (PQresultStatus(res) == PGRES_COMMAND_OK && narrow_integers(c, st, types)) {
		PQclear(res);
		char deallocate[64];
		snprintf(deallocate, sizeof deallocate, "DEALLOCATE %s", st->name);
		PQclear(PQexec(c->pg, deallocate));
		res = PQprepare(c->pg, st->name, st->text, st->nparams, types);
	}
	free(types);
	note_transaction(c, false);
	int code = PQresultStatus(res) == PGRES_COMMAND_OK ? XF_OK : fail(&c->base, res);
	PQclear(res);
	st->prepared = code == XF_OK;
	st->generation = c->generation;
	return code;
}

static bool starts_with_word(const char *sql, const char *word)
{
	sql += strspn(sql, " \t\r\n");
	size_t n = strlen(word);
	return strncasecmp(sql, word, n) == 0 && !sql[n + strspn(sql + n, " \t\r\n;")];
}

static void free_stmt(pg_stmt *st)
{
	for (int i = 0; i < st->nparams; i++)
		free(st->params[i].data);
	free(st->params);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->text);
	free(st);
}

static xf_sql_stmt *pg_prepare(xf_sql *base, const char *sql, int *code)
{
	pg_conn *c = conn_of(base);
	bool is_rollback = starts_with_word(sql, "ROLLBACK");
	/* The rollback of a lost transaction runs without the server (see run). */
	if (!alive(c) && !(is_rollback && c->lost_transaction)) {
		*code = XF_UNAVAILABLE;
		return NULL;
	}
	pg_stmt *st = xf_calloc(1, sizeof *st);
	st->text = xf_sql_translate(sql, &st->nparams);
	st->base.text = st->text;
	snprintf(st->name, sizeof st->name, "xf_%u", ++c->names);
	st->is_commit = starts_with_word(sql, "COMMIT");
	st->is_rollback = is_rollback;
	int n = st->nparams ? st->nparams : 1;
	st->params = xf_calloc((size_t)n, sizeof *st->params);
	st->values = xf_calloc((size_t)n, sizeof *st->values);
	st->lengths = xf_calloc((size_t)n, sizeof *st->lengths);
	st->formats = xf_calloc((size_t)n, sizeof *st->formats);
	for (int i = 0; i < st->nparams; i++)
		st->params[i].null = true;
	if (c->lost_transaction)
		return &st->base; /* prepared on its first run after the rollback */
	*code = prepare_now(c, st);
	if (*code != XF_OK) {
		free_stmt(st);
		return NULL;
	}
	return &st->base;
}

static void forget_row(pg_stmt *st)
{
	if (!st->blobs || !st->res)
		return;
	for (int i = 0; i < PQnfields(st->res); i++) {
		PQfreemem(st->blobs[i]);
		st->blobs[i] = NULL;
	}
}

static void pg_reset(xf_sql_stmt *base)
{
	pg_stmt *st = st_of(base);
	forget_row(st);
	free(st->blobs);
	free(st->blob_lens);
	st->blobs = NULL;
	st->blob_lens = NULL;
	PQclear(st->res);
	st->res = NULL;
	st->row = st->nrows = 0;
}

static void pg_finalize(xf_sql_stmt *base)
{
	pg_reset(base);
	free_stmt(st_of(base));
}

/* The parameter i (1-based) made ready for n bytes, or NULL with the error set. */
static pg_param *param(xf_sql_stmt *base, int i, size_t n)
{
	pg_stmt *st = st_of(base);
	if (i < 1 || i > st->nparams) {
		xf_sql_set_error(base->conn, "parameter %d out of range (the statement has %d)", i,
		                 st->nparams);
		return NULL;
	}
	pg_param *p = &st->params[i - 1];
	if (n + 1 > p->cap) {
		p->cap = n + 1 > 32 ? n + 1 : 32;
		free(p->data);
		p->data = xf_malloc(p->cap);
	}
	p->len = n;
	p->null = false;
	p->binary = false;
	return p;
}

static int pg_bind_text(xf_sql_stmt *st, int i, const char *s, size_t n)
{
	pg_param *p = param(st, i, n);
	if (!p)
		return XF_ERR;
	memcpy(p->data, s, n);
	p->data[n] = 0;
	return XF_OK;
}

static int pg_bind_int64(xf_sql_stmt *st, int i, int64_t v)
{
	char text[24];
	int n = snprintf(text, sizeof text, "%lld", (long long)v);
	return pg_bind_text(st, i, text, (size_t)n);
}

static int pg_bind_double(xf_sql_stmt *st, int i, double v)
{
	char text[40];
	int n = snprintf(text, sizeof text, "%.17g", v);
	return pg_bind_text(st, i, text, (size_t)n);
}

static int pg_bind_blob(xf_sql_stmt *st, int i, const void *bytes, size_t n)
{
	int rc = pg_bind_text(st, i, bytes, n);
	if (rc == XF_OK)
		st_of(st)->params[i - 1].binary = true;
	return rc;
}

static int pg_bind_null(xf_sql_stmt *st, int i)
{
	pg_param *p = param(st, i, 0);
	if (!p)
		return XF_ERR;
	p->null = true;
	return XF_OK;
}

static void pg_clear_bindings(xf_sql_stmt *base)
{
	pg_stmt *st = st_of(base);
	for (int i = 0; i < st->nparams; i++)
		st->params[i].null = true;
}

/* Rows changed, from the command tag ("INSERT 0 3", "UPDATE 2", "DELETE 1", "MERGE 1"). */
static int64_t changed_rows(const PGresult *res)
{
	const char *tag = PQcmdStatus((PGresult *)res);
	static const char *const writes[] = {"INSERT ", "UPDATE ", "DELETE ", "MERGE "};
	for (size_t i = 0; i < XF_ARRAY_LEN(writes); i++)
		if (strncmp(tag, writes[i], strlen(writes[i])) == 0)
			return strtoll(PQcmdTuples((PGresult *)res), NULL, 10);
	return 0;
}

/* After a command: whether a transaction is open, and whether one was lost with the
 * connection (not when the command ended the transaction anyway). */
static void note_transaction(pg_conn *c, bool ends_transaction)
{
	if (PQstatus(c->pg) == CONNECTION_OK) {
		PGTransactionStatusType s = PQtransactionStatus(c->pg);
		c->in_transaction = s == PQTRANS_INTRANS || s == PQTRANS_INERROR;
		return;
	}
	if (c->in_transaction && !ends_transaction)
		c->lost_transaction = true;
	c->in_transaction = false;
}

/* Runs the statement: its result in st->res, or an XF_* code. */
static int run(pg_conn *c, pg_stmt *st)
{
	if (c->lost_transaction && st->is_rollback) {
		/* The server ended the transaction when the connection went. */
		c->lost_transaction = false;
		return XF_OK;
	}
	if (!alive(c))
		return XF_UNAVAILABLE;
	if (!st->prepared || st->generation != c->generation) {
		int code = prepare_now(c, st);
		if (code != XF_OK)
			return code;
	}
	for (int i = 0; i < st->nparams; i++) {
		pg_param *p = &st->params[i];
		st->values[i] = p->null ? NULL : p->data;
		st->lengths[i] = (int)p->len;
		st->formats[i] = p->binary;
	}
	st->res =
	    PQexecPrepared(c->pg, st->name, st->nparams, st->values, st->lengths, st->formats, 0);
	note_transaction(c, st->is_commit || st->is_rollback);
	ExecStatusType status = PQresultStatus(st->res);
	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
		int code = fail(&c->base, st->res);
		PQclear(st->res);
		st->res = NULL;
		return code;
	}
	if (st->is_commit && strcmp(PQcmdStatus(st->res), "ROLLBACK") == 0) {
		xf_sql_set_error(&c->base,
		                 "the transaction was rolled back: a statement in it failed");
		return XF_ERR;
	}
	st->base.changes = changed_rows(st->res);
	st->nrows = status == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
	st->row = -1;
	int ncols = PQnfields(st->res);
	if (ncols > 0) {
		st->blobs = xf_calloc((size_t)ncols, sizeof *st->blobs);
		st->blob_lens = xf_calloc((size_t)ncols, sizeof *st->blob_lens);
	}
	return XF_OK;
}

static int pg_step(xf_sql_stmt *base)
{
	pg_stmt *st = st_of(base);
	pg_conn *c = conn_of(base->conn);
	if (base->run == XF_SQL_RUN_IDLE) {
		pg_reset(base);
		int code = run(c, st);
		if (code != XF_OK)
			return code;
	}
	forget_row(st);
	if (st->res && st->row + 1 < st->nrows) {
		st->row++;
		return XF_SQL_ROW;
	}
	return XF_SQL_DONE;
}

static int pg_column_count(const xf_sql_stmt *st)
{
	return st_of(st)->res ? PQnfields(st_of(st)->res) : 0;
}

static const char *pg_column_name(const xf_sql_stmt *st, int col)
{
	return st_of(st)->res ? PQfname(st_of(st)->res, col) : NULL;
}

/* The current row has column col. */
static bool in_row(const pg_stmt *st, int col)
{
	return st->res && st->row >= 0 && st->row < st->nrows && col >= 0 &&
	       col < PQnfields(st->res);
}

static bool pg_column_is_null(const xf_sql_stmt *base, int col)
{
	const pg_stmt *st = st_of(base);
	return !in_row(st, col) || PQgetisnull(st->res, st->row, col);
}

static int pg_parameter_count(const xf_sql_stmt *st)
{
	return st_of(st)->nparams;
}

static xf_sql_kind pg_column_kind(const xf_sql_stmt *base, int col)
{
	if (pg_column_is_null(base, col))
		return XF_SQL_KIND_NULL;
	switch (PQftype(st_of(base)->res, col)) {
	case PG_BOOLOID:
	case PG_INT2OID:
	case PG_INT4OID:
	case PG_INT8OID:
		return XF_SQL_KIND_INTEGER;
	case PG_FLOAT4OID:
	case PG_FLOAT8OID:
	case PG_NUMERICOID:
		return XF_SQL_KIND_REAL;
	case PG_BYTEAOID:
		return XF_SQL_KIND_BLOB;
	default:
		return XF_SQL_KIND_TEXT;
	}
}

static const char *pg_column_text(const xf_sql_stmt *base, int col)
{
	const pg_stmt *st = st_of(base);
	return pg_column_is_null(base, col) ? NULL : PQgetvalue(st->res, st->row, col);
}

static int64_t pg_column_int64(const xf_sql_stmt *base, int col)
{
	const char *v = pg_column_text(base, col);
	if (!v)
		return 0;
	if (PQftype(st_of(base)->res, col) == PG_BOOLOID)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static double pg_column_double(const xf_sql_stmt *base, int col)
{
	const char *v = pg_column_text(base, col);
	return v ? strtod(v, NULL) : 0;
}

static const void *pg_column_blob(const xf_sql_stmt *base, int col, size_t *n)
{
	pg_stmt *st = st_of(base);
	const char *v = pg_column_text(base, col);
	if (!v)
		return NULL;
	if (PQftype(st->res, col) != PG_BYTEAOID) {
		*n = (size_t)PQgetlength(st->res, st->row, col);
		return v;
	}
	if (!st->blobs[col]) {
		st->blobs[col] = PQunescapeBytea((const unsigned char *)v, &st->blob_lens[col]);
		if (!st->blobs[col])
			xf_die("out of memory decoding a bytea column");
	}
	*n = st->blob_lens[col];
	return st->blobs[col];
}

static int pg_exec_script(xf_sql *base, const char *sql)
{
	pg_conn *c = conn_of(base);
	if (!alive(c))
		return XF_UNAVAILABLE;
	PGresult *res = PQexec(c->pg, sql);
	note_transaction(c, false);
	ExecStatusType status = PQresultStatus(res);
	int code =
	    status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? XF_OK : fail(base, res);
	PQclear(res);
	return code;
}

static bool pg_in_transaction(const xf_sql *base)
{
	const pg_conn *c = conn_of(base);
	if (c->lost_transaction)
		return true;
	PGTransactionStatusType s = PQtransactionStatus(c->pg);
	return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

static void *pg_native(xf_sql *c)
{
	return conn_of(c)->pg;
}

const xf_sql_engine xf_sql_pg_engine = {
    .dialect = XF_SQL_PG,
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .clear_bindings = pg_clear_bindings,
    .step = pg_step,
    .reset = pg_reset,
    .parameter_count = pg_parameter_count,
    .column_count = pg_column_count,
    .column_kind = pg_column_kind,
    .column_name = pg_column_name,
    .column_is_null = pg_column_is_null,
    .column_int64 = pg_column_int64,
    .column_double = pg_column_double,
    .column_text = pg_column_text,
    .column_blob = pg_column_blob,
    .exec_script = pg_exec_script,
    .in_transaction = pg_in_transaction,
    .native = pg_native,
};
