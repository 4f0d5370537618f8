/* Inside the statement layer (store/xf_sql.h): what xf_sql.c shares with the two
 * engines, xf_sql_sqlite.c and xf_sql_pg.c. xf_sql.c keeps what is the same on both
 * (the statement cache, the stand-in for a statement that cannot be prepared, the
 * state of a run, placeholder translation); an engine fills in the operations below.
 * An engine's connection and statement structs begin with xf_sql / xf_sql_stmt. Only
 * the layer's own files include this header. */
#ifndef XF_SQL_ENGINE_H
#define XF_SQL_ENGINE_H

#include "store/xf_sql.h"

typedef struct xf_sql_engine {
	xf_sql_dialect_kind dialect;
	/* A new connection (its base zeroed but for engine) or NULL with error. */
	xf_sql *(*open)(const char *target, char *error, size_t error_size);
	void (*close)(xf_sql *c);
	/* A new statement for the translated text, or NULL with the error recorded and
	 * *code set. */
	xf_sql_stmt *(*prepare)(xf_sql *c, const char *sql, int *code);
	void (*finalize)(xf_sql_stmt *st);
	int (*bind_int64)(xf_sql_stmt *st, int i, int64_t v);
	int (*bind_double)(xf_sql_stmt *st, int i, double v);
	int (*bind_text)(xf_sql_stmt *st, int i, const char *s, size_t n);
	int (*bind_blob)(xf_sql_stmt *st, int i, const void *p, size_t n);
	int (*bind_null)(xf_sql_stmt *st, int i);
	void (*clear_bindings)(xf_sql_stmt *st);
	/* XF_SQL_ROW, XF_SQL_DONE (with st->changes set) or an XF_* code. */
	int (*step)(xf_sql_stmt *st);
	void (*reset)(xf_sql_stmt *st);
	int (*parameter_count)(const xf_sql_stmt *st);
	int (*column_count)(const xf_sql_stmt *st);
	xf_sql_kind (*column_kind)(const xf_sql_stmt *st, int col);
	const char *(*column_name)(const xf_sql_stmt *st, int col);
	bool (*column_is_null)(const xf_sql_stmt *st, int col);
	int64_t (*column_int64)(const xf_sql_stmt *st, int col);
	double (*column_double)(const xf_sql_stmt *st, int col);
	const char *(*column_text)(const xf_sql_stmt *st, int col);
	const void *(*column_blob)(const xf_sql_stmt *st, int col, size_t *n);
	int (*exec_script)(xf_sql *c, const char *sql);
	bool (*in_transaction)(const xf_sql *c);
	void *(*native)(xf_sql *c);
} xf_sql_engine;

typedef enum xf_sql_run {
	XF_SQL_RUN_IDLE,   /* reset: the next step runs the statement */
	XF_SQL_RUN_ROWS,   /* running: a row may be current */
	XF_SQL_RUN_DONE,   /* finished (or failed): steps answer XF_SQL_DONE */
	XF_SQL_RUN_FAILED, /* the run failed; steps repeat the failure until reset */
} xf_sql_run;

struct xf_sql_stmt {
	xf_sql *conn;
	const char *text; /* as the engine got it */
	xf_sql_run run;
	int failure; /* the code of a failed run */
	int64_t changes;
	/* The stand-in: no engine statement behind it; its step fails with the
	 * connection's prepare_code. */
	bool stand_in;
};

typedef struct xf_sql_slot {
	char *key; /* the caller's text */
	uint64_t hash;
	xf_sql_stmt *st;
} xf_sql_slot;

struct xf_sql {
	const xf_sql_engine *engine;
	char error[1024];
	xf_sql_slot *slots; /* open addressing; size a power of two */
	size_t nslots, used;
	xf_sql_stmt stand_in;
	int prepare_code;         /* what the stand-in's step returns */
	char prepare_error[1024]; /* and the message it records */
};

extern const xf_sql_engine xf_sql_sqlite_engine;
extern const xf_sql_engine xf_sql_pg_engine;

/* Records the message of a failure on c. */
/* The XF_* code of a SQLite result code (extended codes too): the one mapping, used by
 * the SQLite engine and by the store's xf_db_fail until the store runs on xf_sql. */
int xf_sql_sqlite_code(int rc);
void xf_sql_set_error(xf_sql *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text with `?` and `?NNN` turned into $n outside quotes and comments (malloc'd),
 * and the number of parameters in *count. */
char *xf_sql_translate(const char *sql, int *count);

#endif
