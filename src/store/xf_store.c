/* Connections, migrations, transactions and the statement cache: see xf_store.h. */
#include "store/xf_store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/xf_migrations.h"
#include "store/xf_search.h"
#include "store/xf_store_rows.h"

/* Statements are keyed by the address of their SQL literal, so how many there can be
 * is fixed by the code (about 230 prepare sites today); the table is kept well above
 * that, and a full table is a programming error. */
#define CACHE_SLOTS 1024

struct xf_db {
	sqlite3 *sql;
	struct {
		const char *key;
		sqlite3_stmt *st;
	} cache[CACHE_SLOTS];
	char error[512];
	xf_db *next; /* all connections, for closing */
};

static pthread_mutex_t connections_lock = PTHREAD_MUTEX_INITIALIZER;
static xf_db *connections;
static char *db_path;
static _Thread_local xf_db *thread_db;
static _Atomic uint64_t auth_generation;
static _Atomic uint64_t data_generation;
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

const char *xf_db_error(xf_db *db)
{
	return db->error;
}

sqlite3 *xf_db_handle(xf_db *db)
{
	return db->sql;
}

static xf_db *connect_db(const char *path, char *error, size_t error_size)
{
	xf_db *db = xf_calloc(1, sizeof *db);
	int rc = sqlite3_open_v2(path, &db->sql,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                         NULL);
	if (rc != SQLITE_OK) {
		snprintf(error, error_size, "cannot open database '%s': %s", path,
		         db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(rc));
		sqlite3_close(db->sql);
		free(db);
		return NULL;
	}
	sqlite3_busy_timeout(db->sql, 5000);
	if (xf_search_register(db->sql) != XF_OK) {
		snprintf(error, error_size, "cannot register the search tokenizer on '%s'", path);
		sqlite3_close(db->sql);
		free(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db->sql, 1);
	char *msg = NULL;
	rc = sqlite3_exec(db->sql,
	                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
	                  "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
	                  NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(error, error_size, "cannot set up database '%s': %s", path,
		         msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close(db->sql);
		free(db);
		return NULL;
	}
	pthread_mutex_lock(&connections_lock);
	db->next = connections;
	connections = db;
	pthread_mutex_unlock(&connections_lock);
	return db;
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
	int rc = xf_tx_begin(db, true);
	if (rc != XF_OK) {
		snprintf(error, error_size, "cannot migrate database: %s", db->error);
		return rc;
	}
	int version = user_version(db);
	if (version > xf_migration_count) {
		xf_tx_rollback(db);
		snprintf(error, error_size,
		         "database schema version %d is newer than this program knows (%d)", version,
		         xf_migration_count);
		return XF_ERR;
	}
	for (int v = version; v < xf_migration_count; v++) {
		char *msg = NULL;
		if (sqlite3_exec(db->sql, xf_migrations[v], NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(error, error_size, "migration %d failed: %s", v + 1, msg ? msg : "?");
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

int xf_store_open(const char *path, char *error, size_t error_size)
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
	return migrate(db, error, error_size);
}

int xf_store_schema_version(void)
{
	return xf_migration_count;
}

xf_db *xf_db_get(void)
{
	if (thread_db)
		return thread_db;
	char error[512];
	if (!db_path)
		xf_die("the store was used before it was opened");
	thread_db = connect_db(db_path, error, sizeof error);
	if (!thread_db)
		xf_die("%s", error);
	return thread_db;
}

void xf_store_close(void)
{
	pthread_mutex_lock(&connections_lock);
	for (xf_db *db = connections, *next; db; db = next) {
		next = db->next;
		for (int i = 0; i < CACHE_SLOTS; i++)
			sqlite3_finalize(db->cache[i].st);
		sqlite3_close(db->sql);
		free(db);
	}
	connections = NULL;
	pthread_mutex_unlock(&connections_lock);
	thread_db = NULL;
	free(db_path);
	db_path = NULL;
}

sqlite3_stmt *xf_db_prepare(xf_db *db, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % CACHE_SLOTS;
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		size_t slot = (h + i) % CACHE_SLOTS;
		if (db->cache[slot].key == sql) {
			sqlite3_stmt *st = db->cache[slot].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
		if (!db->cache[slot].key) {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
			    SQLITE_OK)
				xf_die("cannot prepare '%s': %s", sql, sqlite3_errmsg(db->sql));
			db->cache[slot].key = sql;
			db->cache[slot].st = st;
			return st;
		}
	}
	xf_die("statement cache is full: more than %d distinct statements; raise CACHE_SLOTS",
	       CACHE_SLOTS);
}

int xf_db_exec(xf_db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	int result = rc == SQLITE_DONE || rc == SQLITE_ROW ? XF_OK : xf_db_fail(db, rc);
	sqlite3_reset(st);
	return result;
}

int xf_tx_begin(xf_db *db, bool write)
{
	sqlite3_stmt *st = write ? xf_db_prepare(db, "BEGIN IMMEDIATE") : xf_db_prepare(db, "BEGIN");
	return xf_db_exec(db, st);
}

int xf_tx_commit(xf_db *db)
{
	int rc = xf_db_exec(db, xf_db_prepare(db, "COMMIT"));
	if (rc != XF_OK)
		xf_tx_rollback(db);
	else {
		/* After the commit: a reader that saw old rows saw an older count. */
		if (xf_store_auth_dirty)
			auth_generation++;
		if (xf_store_data_dirty)
			data_generation++;
	}
	xf_store_auth_dirty = xf_store_data_dirty = false;
	return rc;
}

void xf_tx_rollback(xf_db *db)
{
	xf_store_auth_dirty = xf_store_data_dirty = false;
	if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

int xf_store_integrity(xf_db *db, char *problem, size_t problem_size)
{
	sqlite3_stmt *st = xf_db_prepare(db, "PRAGMA integrity_check(1)");
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		snprintf(problem, problem_size, "integrity check failed: %s", sqlite3_errmsg(db->sql));
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
	static const char *const triggers[] = {"events_append_only_update",
	                                       "events_append_only_delete"};
	for (size_t i = 0; i < XF_ARRAY_LEN(triggers); i++) {
		st = xf_db_prepare(db, "SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND name = ?");
		sqlite3_bind_text(st, 1, triggers[i], -1, SQLITE_STATIC);
		bool present = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (!present) {
			snprintf(problem, problem_size, "trigger %s that keeps events append-only is missing",
			         triggers[i]);
			return XF_ERR;
		}
	}
	return XF_OK;
}

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
		snprintf(error, error_size, "cannot back up to '%s': %s", path, sqlite3_errmsg(dest));
		sqlite3_close(dest);
		return XF_ERR;
	}
	/* One step copies every page under one read transaction: a consistent snapshot
	 * even while the server writes. */
	int rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(error, error_size, "cannot back up to '%s': %s", path, sqlite3_errstr(rc));
		sqlite3_close(dest);
		return XF_ERR;
	}
	sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	sqlite3_close(dest);
	return XF_OK;
}
