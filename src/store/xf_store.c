/* Connections, migrations, transactions and the statement cache: see xf_store.h. */
#include "store/xf_store.h"

#include <assert.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/xf_migrations.h"
#include "store/xf_search.h"
#include "store/xf_sql_engine.h"
#include "store/xf_store_db.h"
#include "store/xf_store_hooks.h"
#include "store/xf_store_rows.h"

/* Statements are keyed by the address of their SQL literal, so how many there can be
 * is fixed by the code (about 230 prepare sites today); the table is kept well above
 * that, and a full table is a programming error. */
#define STMT_CACHE_SLOTS 1024

/* What a statement that could not be prepared returns when stepped: its callers then
 * see an error like any other and answer 503 (xf_db_fail maps it). */
#define XF_SQLITE_UNPREPARED (SQLITE_ERROR | (0x58 << 8))

struct xf_db {
	sqlite3 *sql;
	struct {
		const char *key;
		sqlite3_stmt *st;
	} cache[STMT_CACHE_SLOTS];
	/* Stands in for a statement that cannot be prepared: "SELECT xf_unprepared()",
	 * which fails with XF_SQLITE_UNPREPARED and prepare_error. */
	sqlite3_stmt *unprepared;
	char prepare_error[512];
	/* The database could not be opened on this thread: sql is an empty in-memory
	 * database whose every statement is the stand-in; xf_db_get() tries again. */
	bool dead;
	char error[512];
	xf_db *next; /* all connections, for closing */
};

static pthread_mutex_t connections_lock = PTHREAD_MUTEX_INITIALIZER;
static xf_db *connections;
static char *db_path;
static _Thread_local xf_db *thread_db;
static _Atomic uint64_t auth_generation;
static _Atomic uint64_t data_generation;
_Atomic uint64_t xf_store_commit_count;
/* Set by account and session writes, and by every audit event; the commit moves the
 * generations. */
_Thread_local bool xf_store_auth_dirty, xf_store_data_dirty;

uint64_t xf_store_data_generation(void)
{
	return data_generation;
}

uint64_t xf_store_auth_generation(void)
{
	return auth_generation;
}

int xf_db_fail(xf_db *db, int rc)
{
	snprintf(db->error, sizeof db->error, "%s", sqlite3_errmsg(db->sql));
	if (rc == XF_SQLITE_UNPREPARED)
		return XF_UNAVAILABLE;
	return xf_sql_sqlite_code(rc);
}

void xf_db_set_error(xf_db *db, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(db->error, sizeof db->error, fmt, ap);
	va_end(ap);
}

const char *xf_db_error(xf_db *db)
{
	return db->error;
}

sqlite3 *xf_db_handle(xf_db *db)
{
	return db->sql;
}

/* The SQL function behind the stand-in statement: fails with the prepare error. */
static void unprepared_function(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	xf_db *db = sqlite3_user_data(ctx);
	char message[600];
	snprintf(message, sizeof message, "cannot prepare a statement: %s", db->prepare_error);
	sqlite3_result_error(ctx, message, -1);
	sqlite3_result_error_code(ctx, XF_SQLITE_UNPREPARED);
}

/* Registers the stand-in statement on db->sql; false when even that fails. */
static bool prepare_stand_in(xf_db *db)
{
	return sqlite3_create_function(db->sql, "xf_unprepared", 0, SQLITE_UTF8, db,
	                               unprepared_function, NULL, NULL) == SQLITE_OK &&
	       sqlite3_prepare_v3(db->sql, "SELECT xf_unprepared()", -1, SQLITE_PREPARE_PERSISTENT,
	                          &db->unprepared, NULL) == SQLITE_OK;
}

/* Opens path into db (whose sql is NULL); on failure leaves db->sql NULL. */
static bool open_into(xf_db *db, const char *path, char *error, size_t error_size)
{
	int rc = sqlite3_open_v2(
	    path, &db->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(error, error_size, "cannot open database '%s': %s", path,
		         db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(db->sql, XF_STORE_BUSY_MS);
	if (xf_search_register(db->sql) != XF_OK) {
		snprintf(error, error_size, "cannot register the search tokenizer on '%s'", path);
		goto fail;
	}
	sqlite3_extended_result_codes(db->sql, 1);
	char *msg = NULL;
	/* journal_size_limit: once a checkpoint has reset the log, the WAL file is cut
	 * back to this size instead of keeping its largest size for ever. */
	rc = sqlite3_exec(db->sql,
	                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
	                  "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
	                  "PRAGMA journal_size_limit=" XF_STORE_WAL_LIMIT_TEXT ";",
	                  NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(error, error_size, "cannot set up database '%s': %s", path,
		         msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		goto fail;
	}
	if (!prepare_stand_in(db)) {
		snprintf(error, error_size, "cannot set up database '%s': %s", path,
		         sqlite3_errmsg(db->sql));
		goto fail;
	}
	return true;
fail:
	sqlite3_finalize(db->unprepared);
	db->unprepared = NULL;
	sqlite3_close(db->sql);
	db->sql = NULL;
	return false;
}

static void add_connection(xf_db *db)
{
	pthread_mutex_lock(&connections_lock);
	db->next = connections;
	connections = db;
	pthread_mutex_unlock(&connections_lock);
}

static xf_db *connect_db(const char *path, char *error, size_t error_size)
{
	xf_db *db = xf_calloc(1, sizeof *db);
	if (!open_into(db, path, error, error_size)) {
		free(db);
		return NULL;
	}
	add_connection(db);
	return db;
}

/* A connection that answers every statement with the open error, so that a thread
 * that cannot open the database answers 503 instead of stopping the process. */
static void make_dead(xf_db *db, const char *error)
{
	if (sqlite3_open_v2(":memory:", &db->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK ||
	    !prepare_stand_in(db))
		xf_die("%s, and no stand-in connection can be made", error);
	sqlite3_extended_result_codes(db->sql, 1);
	snprintf(db->prepare_error, sizeof db->prepare_error, "%s", error);
	db->dead = true;
}

/* Ends a connection's SQLite handle and its statements (the struct stays). */
static void close_handle(xf_db *db)
{
	for (int i = 0; i < STMT_CACHE_SLOTS; i++) {
		sqlite3_finalize(db->cache[i].st);
		db->cache[i].st = NULL;
		db->cache[i].key = NULL;
	}
	sqlite3_finalize(db->unprepared);
	db->unprepared = NULL;
	sqlite3_close(db->sql);
	db->sql = NULL;
}

static int user_version(xf_db *db)
{
	sqlite3_stmt *st = xf_db_prepare(db, "PRAGMA user_version");
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	return v;
}

static int migrate(xf_db *db, char *error, size_t error_size)
{
	/* Up to date: no write transaction, so that opening never waits for the lock. */
	if (user_version(db) == xf_migration_count)
		return XF_OK;
	int rc = xf_tx_begin(db, true);
	if (rc != XF_OK) {
		snprintf(error, error_size, "cannot migrate database: %s", db->error);
		return rc;
	}
	int version = user_version(db);
	if (version > xf_migration_count) {
		xf_tx_rollback(db);
		snprintf(error, error_size,
		         "database schema version %d is newer than this program knows (%d)",
		         version, xf_migration_count);
		return XF_ERR;
	}
	for (int v = version; v < xf_migration_count; v++) {
		char *msg = NULL;
		if (sqlite3_exec(db->sql, xf_migrations[v], NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(error, error_size, "migration %d failed: %s", v + 1,
			         msg ? msg : "?");
			sqlite3_free(msg);
			xf_tx_rollback(db);
			return XF_ERR;
		}
	}
	if (version < xf_migration_count) {
		char pragma[48];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", xf_migration_count);
		sqlite3_exec(db->sql, pragma, NULL, NULL, NULL);
	}
	rc = xf_tx_commit(db);
	if (rc != XF_OK)
		snprintf(error, error_size, "cannot migrate database: %s", db->error);
	return rc;
}

static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int open_store(const char *path, bool migrating, char *error, size_t error_size)
{
	/* Memory statistics take a process-wide mutex on every SQLite allocation; the
	 * connections of the threads would queue on it. */
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_sqlite);
	free(db_path);
	db_path = xf_strdup(path);
	xf_db *db = connect_db(path, error, error_size);
	if (!db)
		return XF_UNAVAILABLE;
	thread_db = db;
	int rc = XF_OK;
	if (migrating) {
		rc = migrate(db, error, error_size);
	} else {
		int version = user_version(db);
		if (version != xf_migration_count) {
			snprintf(error, error_size,
			         "database '%s' has schema version %d, this program %d: "
			         "start the server on it once to bring it up to date",
			         path, version, xf_migration_count);
			rc = XF_ERR;
		}
	}
	if (rc == XF_OK)
		xf_head_open(path);
	return rc;
}

int xf_store_open(const char *path, char *error, size_t error_size)
{
	return open_store(path, true, error, error_size);
}

int xf_store_open_current(const char *path, char *error, size_t error_size)
{
	return open_store(path, false, error, error_size);
}

const char *xf_store_path(void)
{
	return db_path;
}

int xf_store_schema_version(void)
{
	return xf_migration_count;
}

xf_db *xf_db_get(void)
{
	char error[512];
	if (thread_db && !thread_db->dead)
		return thread_db;
	if (!db_path)
		xf_die("the store was used before it was opened");
	if (thread_db) {
		/* Dead since an open failed: try again, in place, since callers may keep the
		 * pointer. */
		close_handle(thread_db);
		if (open_into(thread_db, db_path, error, sizeof error)) {
			thread_db->dead = false;
			xf_log("the database opens again on this thread");
		} else {
			make_dead(thread_db, error);
		}
		return thread_db;
	}
	thread_db = connect_db(db_path, error, sizeof error);
	if (!thread_db) {
		xf_log("%s; answering 503 on this thread until it opens", error);
		thread_db = xf_calloc(1, sizeof *thread_db);
		make_dead(thread_db, error);
		add_connection(thread_db);
	}
	return thread_db;
}

void xf_store_close(void)
{
	pthread_mutex_lock(&connections_lock);
	for (xf_db *db = connections, *next; db; db = next) {
		next = db->next;
		close_handle(db);
		free(db);
	}
	connections = NULL;
	pthread_mutex_unlock(&connections_lock);
	thread_db = NULL;
	free(db_path);
	db_path = NULL;
	xf_head_close();
}

/* The stand-in for a statement that cannot be prepared now (the caller's step fails
 * and it answers 503); the next call tries to prepare it again. */
static sqlite3_stmt *unprepared(xf_db *db, const char *sql)
{
	if (!db->dead) {
		snprintf(db->prepare_error, sizeof db->prepare_error, "%s",
		         sqlite3_errmsg(db->sql));
		xf_log("cannot prepare '%.200s': %s", sql, db->prepare_error);
	}
	sqlite3_reset(db->unprepared);
	return db->unprepared;
}

sqlite3_stmt *xf_db_prepare(xf_db *db, const char *sql)
{
	assert(sql && *sql); /* the key is the literal's address: never NULL or empty */
	if (db->dead)
		return unprepared(db, sql);
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE_SLOTS;
	for (size_t i = 0; i < STMT_CACHE_SLOTS; i++) {
		size_t slot = (h + i) % STMT_CACHE_SLOTS;
		if (db->cache[slot].key == sql) {
			sqlite3_stmt *st = db->cache[slot].st;
			assert(st); /* a slot is filled with key and statement together */
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
		if (!db->cache[slot].key) {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			                       NULL) != SQLITE_OK) {
				sqlite3_finalize(st);
				return unprepared(db, sql);
			}
			db->cache[slot].key = sql;
			db->cache[slot].st = st;
			return st;
		}
	}
	xf_die("statement cache is full: more than %d distinct statements; raise STMT_CACHE_SLOTS",
	       STMT_CACHE_SLOTS);
}

int xf_db_exec(xf_db *db, sqlite3_stmt *st)
{
	assert(st); /* xf_db_prepare never returns NULL, even on a dead connection */
	int rc = sqlite3_step(st);
	int result = rc == SQLITE_DONE || rc == SQLITE_ROW ? XF_OK : xf_db_fail(db, rc);
	sqlite3_reset(st);
	return result;
}

int xf_tx_begin(xf_db *db, bool write)
{
	sqlite3_stmt *st =
	    write ? xf_db_prepare(db, "BEGIN IMMEDIATE") : xf_db_prepare(db, "BEGIN");
	return xf_db_exec(db, st);
}

int xf_tx_commit(xf_db *db)
{
	/* Only a transaction this connection began is committed (xf_tx_begin succeeded). */
	assert(db->dead || !sqlite3_get_autocommit(db->sql));
	xf_head_before_commit(db);
	int rc = xf_db_exec(db, xf_db_prepare(db, "COMMIT"));
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		return rc;
	}
	xf_store_commit_count++;
	/* After the commit: a reader that saw old rows saw an older count. */
	if (xf_store_auth_dirty)
		auth_generation++;
	if (xf_store_data_dirty)
		data_generation++;
	xf_store_auth_dirty = xf_store_data_dirty = false;
	xf_head_after_commit(true);
	return XF_OK;
}

void xf_tx_rollback(xf_db *db)
{
	xf_store_auth_dirty = xf_store_data_dirty = false;
	xf_head_after_commit(false);
	if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

/* The two triggers that keep events append-only, as migration 1 wrote them. A
 * trigger of the same name with another body (a no-op) is as good as none. */
static const struct {
	const char *name, *sql;
} append_only_triggers[] = {
    {"events_append_only_update", "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
                                  " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"},
    {"events_append_only_delete", "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events"
                                  " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"},
};

/* The statement with every run of white space made one space, and without white
 * space and semicolons at either end (caller frees). */
static char *normal_sql(const char *sql)
{
	char *out = xf_malloc(strlen(sql) + 1), *o = out;
	bool space = false;
	for (const char *p = sql; *p; p++) {
		if (strchr(" \t\r\n", *p)) {
			space = o != out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = false;
		*o++ = *p;
	}
	while (o > out && (o[-1] == ';' || o[-1] == ' '))
		o--;
	*o = '\0';
	return out;
}

/* Whether two statements are the same text up to white space and a final semicolon. */
static bool same_sql(const char *a, const char *b)
{
	char *na = normal_sql(a), *nb = normal_sql(b);
	bool same = strcmp(na, nb) == 0;
	free(na);
	free(nb);
	return same;
}

/* Checks that events have exactly the append-only triggers, with their bodies. */
static int check_triggers(xf_db *db, char *problem, size_t problem_size)
{
	bool seen[XF_ARRAY_LEN(append_only_triggers)] = {false};
	sqlite3_stmt *st = xf_db_prepare(db, "SELECT name, sql FROM sqlite_schema"
	                                     " WHERE type = 'trigger' AND tbl_name = 'events'"
	                                     " COLLATE NOCASE ORDER BY name");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = xf_row_text(st, 0), *sql = xf_row_text(st, 1);
		size_t i = 0;
		while (i < XF_ARRAY_LEN(append_only_triggers) &&
		       strcmp(append_only_triggers[i].name, name) != 0)
			i++;
		if (i == XF_ARRAY_LEN(append_only_triggers)) {
			snprintf(problem, problem_size,
			         "unexpected trigger '%.100s' on events: it may change or drop new "
			         "events",
			         name);
			sqlite3_reset(st);
			return XF_ERR;
		}
		if (!same_sql(sql, append_only_triggers[i].sql)) {
			snprintf(problem, problem_size,
			         "trigger %s that keeps events append-only has been replaced: its "
			         "body is"
			         " '%.200s'",
			         name, sql);
			sqlite3_reset(st);
			return XF_ERR;
		}
		seen[i] = true;
	}
	if (rc != SQLITE_DONE) {
		snprintf(problem, problem_size, "cannot read the schema: %s",
		         sqlite3_errmsg(db->sql));
		sqlite3_reset(st);
		return XF_ERR;
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < XF_ARRAY_LEN(append_only_triggers); i++)
		if (!seen[i]) {
			snprintf(problem, problem_size,
			         "trigger %s that keeps events append-only is missing",
			         append_only_triggers[i].name);
			return XF_ERR;
		}
	return XF_OK;
}

int xf_store_integrity(xf_db *db, char *problem, size_t problem_size)
{
	sqlite3_stmt *st = xf_db_prepare(db, "PRAGMA integrity_check(1)");
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		snprintf(problem, problem_size, "integrity check failed: %s",
		         sqlite3_errmsg(db->sql));
		sqlite3_reset(st);
		return XF_ERR;
	}
	const char *answer = (const char *)sqlite3_column_text(st, 0);
	if (!answer || strcmp(answer, "ok") != 0) {
		snprintf(problem, problem_size, "database damaged: %s", answer ? answer : "?");
		sqlite3_reset(st);
		return XF_ERR;
	}
	sqlite3_reset(st);
	st = xf_db_prepare(db, "PRAGMA foreign_key_check");
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(problem, problem_size, "table %s row %lld refers to a missing %s row",
		         sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1),
		         sqlite3_column_text(st, 2));
		sqlite3_reset(st);
		return XF_ERR;
	}
	sqlite3_reset(st);
	return check_triggers(db, problem, problem_size);
}

/* How long a backup waits before it tries a locked source again. */
#define BACKUP_RETRY_MS 20

int xf_store_backup(xf_db *db, const char *path, char *error, size_t error_size)
{
	sqlite3 *dest;
	if (sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(error, error_size, "cannot open '%s': %s", path, sqlite3_errmsg(dest));
		sqlite3_close(dest);
		return XF_ERR;
	}
	sqlite3_backup *b = sqlite3_backup_init(dest, "main", db->sql, "main");
	if (!b) {
		snprintf(error, error_size, "cannot back up to '%s': %s", path,
		         sqlite3_errmsg(dest));
		sqlite3_close(dest);
		return XF_ERR;
	}
	/* One step copies every page under one read transaction: a consistent snapshot
	 * even while the server writes. A step that finds the source locked (a checkpoint
	 * of the server resetting the log) may be retried: for up to the busy wait. */
	int rc;
	for (int waited = 0;; waited += BACKUP_RETRY_MS) {
		rc = sqlite3_backup_step(b, -1);
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || waited >= XF_STORE_BUSY_MS)
			break;
		sqlite3_sleep(BACKUP_RETRY_MS);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(error, error_size, "cannot back up to '%s': %s", path, sqlite3_errstr(rc));
		sqlite3_close(dest);
		return XF_ERR;
	}
	sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	/* The copy's head goes beside it, so that a check of the copy (or of the
	 * database restored from it) finds a cut-short chain as it does on the live one. */
	sqlite3_stmt *last = NULL;
	xf_audit_head head = {0};
	if (sqlite3_prepare_v2(dest, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", -1,
	                       &last, NULL) == SQLITE_OK &&
	    sqlite3_step(last) == SQLITE_ROW) {
		head.seq = sqlite3_column_int64(last, 0);
		const char *hex = (const char *)sqlite3_column_text(last, 1);
		if (!hex || xf_hex_decode(hex, head.hash, XF_HASH_LEN) != XF_OK)
			head.seq = 0; /* a damaged row: the copy's check names it */
	}
	sqlite3_finalize(last);
	sqlite3_close(dest);
	if (head.seq > 0) {
		char *head_path = xf_store_head_path_of(path);
		rc = xf_audit_head_write(head_path, &head, error, error_size);
		free(head_path);
		if (rc != XF_OK)
			return XF_ERR;
	}
	return XF_OK;
}
