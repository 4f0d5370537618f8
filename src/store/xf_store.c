/* Connections, migrations, transactions and the statement cache: see xf_store.h. */
#include "store/xf_store.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/xf_migrations.h"
#include "store/xf_migrations_pg.h"
#include "store/xf_search.h"
#include "store/xf_store_bus.h"
#include "store/xf_store_db.h"
#include "store/xf_store_hooks.h"
#include "store/xf_store_rows.h"

struct xf_db {
	xf_sql *sql;
	xf_sql_dialect_kind dialect; /* of the target, even while the connection is dead */
	/* The database could not be opened on this thread: sql is an empty in-memory
	 * SQLite connection whose every statement fails with the open error (503), and
	 * xf_db_get() tries again. */
	bool dead;
	char dead_error[512];
	int64_t changes; /* of the last xf_db_exec */
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

void xf_store_generations_move(bool data, bool auth)
{
	if (auth)
		auth_generation++;
	if (data)
		data_generation++;
}

int xf_db_fail(xf_db *db, int rc)
{
	snprintf(db->error, sizeof db->error, "%s", xf_sql_error(db->sql));
	return rc < 0 ? rc : XF_ERR;
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

xf_sql *xf_db_sql(xf_db *db)
{
	return db->sql;
}

xf_sql_dialect_kind xf_db_dialect(xf_db *db)
{
	return db->dialect;
}

void *xf_db_sqlite(xf_db *db)
{
	return db->dialect == XF_SQL_SQLITE && !db->dead ? xf_sql_native(db->sql) : NULL;
}

int64_t xf_db_changes(xf_db *db)
{
	return db->changes;
}

/* Opens target into db (whose sql is NULL); on failure leaves db->sql NULL. */
static bool open_into(xf_db *db, const char *target, char *error, size_t error_size)
{
	db->dialect = xf_sql_is_url(target) ? XF_SQL_PG : XF_SQL_SQLITE;
	if (xf_sql_open(target, &db->sql, error, error_size) != XF_OK)
		return false;
	if (db->dialect == XF_SQL_PG)
		return true;
	/* journal_size_limit: once a checkpoint has reset the log, the WAL file is cut
	 * back to this size instead of keeping its largest size for ever. */
	if (xf_sql_exec_script(db->sql, "PRAGMA journal_size_limit=" XF_STORE_WAL_LIMIT_TEXT) !=
	    XF_OK) {
		snprintf(error, error_size, "cannot set up database '%s': %s", target,
		         xf_sql_error(db->sql));
		goto fail;
	}
	if (xf_search_register(xf_sql_native(db->sql)) != XF_OK) {
		snprintf(error, error_size, "cannot register the search tokenizer on '%s'", target);
		goto fail;
	}
	return true;
fail:
	xf_sql_close(db->sql);
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

static xf_db *connect_db(const char *target, char *error, size_t error_size)
{
	xf_db *db = xf_calloc(1, sizeof *db);
	if (!open_into(db, target, error, error_size)) {
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
	char why[512];
	if (xf_sql_open(":memory:", &db->sql, why, sizeof why) != XF_OK)
		xf_die("%s, and no stand-in connection can be made: %s", error, why);
	snprintf(db->dead_error, sizeof db->dead_error, "%s", error);
	db->dead = true;
}

/* Ends a connection's handle and its statements (the struct stays). */
static void close_handle(xf_db *db)
{
	xf_sql_close(db->sql);
	db->sql = NULL;
}

static int user_version(xf_db *db)
{
	xf_sql_stmt *st = xf_db_prepare(db, "PRAGMA user_version");
	int v = xf_sql_step(st) == XF_SQL_ROW ? xf_sql_column_int(st, 0) : -1;
	xf_sql_reset(st);
	return v;
}

/* The schema version of the database (-1 when it cannot be read). */
static int schema_version(xf_db *db)
{
	return db->dialect == XF_SQL_PG ? xf_migrate_pg_version(db->sql) : user_version(db);
}

static int migrate_sqlite(xf_db *db, char *error, size_t error_size)
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
		if (xf_sql_exec_script(db->sql, xf_migrations[v]) != XF_OK) {
			snprintf(error, error_size, "migration %d failed: %s", v + 1,
			         xf_sql_error(db->sql));
			xf_tx_rollback(db);
			return XF_ERR;
		}
	}
	if (version < xf_migration_count) {
		char pragma[48];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", xf_migration_count);
		xf_sql_exec_script(db->sql, pragma);
	}
	rc = xf_tx_commit(db);
	if (rc != XF_OK)
		snprintf(error, error_size, "cannot migrate database: %s", db->error);
	return rc;
}

static int migrate(xf_db *db, char *error, size_t error_size)
{
	if (db->dialect == XF_SQL_PG)
		return xf_migrate_pg(db->sql, error, error_size);
	return migrate_sqlite(db, error, error_size);
}

static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Where the head file of a PostgreSQL database is (xf_store_set_head_dir). */
static char *head_dir;

static int open_store(const char *target, bool migrating, char *error, size_t error_size)
{
	/* Memory statistics take a process-wide mutex on every SQLite allocation; the
	 * connections of the threads would queue on it. */
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_sqlite);
	free(db_path);
	db_path = xf_strdup(target);
	xf_db *db = connect_db(target, error, error_size);
	if (!db)
		return XF_UNAVAILABLE;
	thread_db = db;
	int rc = XF_OK;
	if (migrating) {
		rc = migrate(db, error, error_size);
	} else {
		int version = schema_version(db);
		if (version != xf_migration_count) {
			snprintf(error, error_size,
			         "database '%s' has schema version %d, this program %d: "
			         "start the server on it once to bring it up to date",
			         db->dialect == XF_SQL_PG ? "(PostgreSQL)" : target, version,
			         xf_migration_count);
			rc = XF_ERR;
		}
	}
	if (rc == XF_OK) {
		char *path = NULL;
		if (db->dialect == XF_SQL_PG && head_dir) {
			size_t n = strlen(head_dir) + sizeof "/" XF_STORE_PG_HEAD_FILE;
			path = xf_malloc(n);
			snprintf(path, n, "%s/%s", head_dir, XF_STORE_PG_HEAD_FILE);
		} else if (db->dialect == XF_SQL_SQLITE && strcmp(target, ":memory:") != 0 &&
		           strncmp(target, "file:", 5) != 0) {
			path = xf_store_head_path_of(target);
		}
		xf_head_open(path);
		free(path);
	}
	return rc;
}

void xf_store_set_head_dir(const char *dir)
{
	free(head_dir);
	head_dir = dir ? xf_strdup(dir) : NULL;
}

bool xf_store_is_server(const char *target)
{
	return xf_sql_is_url(target);
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
		thread_db->dialect = xf_sql_is_url(db_path) ? XF_SQL_PG : XF_SQL_SQLITE;
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

xf_sql_stmt *xf_db_prepare(xf_db *db, const char *sql)
{
	assert(sql && *sql);
	if (db->dead)
		return xf_sql_unavailable(db->sql, db->dead_error);
	return xf_sql_prepare(db->sql, sql);
}

int xf_db_exec(xf_db *db, xf_sql_stmt *st)
{
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW)
		;
	db->changes = xf_sql_changes(st);
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}

int xf_tx_begin(xf_db *db, bool write)
{
	if (db->dead)
		return xf_db_exec(db, xf_db_prepare(db, "BEGIN"));
	int rc = xf_sql_begin(db->sql, write);
	return rc == XF_OK ? XF_OK : xf_db_fail(db, rc);
}

int xf_tx_commit(xf_db *db)
{
	/* Only a transaction this connection began is committed (xf_tx_begin succeeded). */
	assert(db->dead || xf_sql_in_transaction(db->sql));
	xf_head_before_commit(db);
	/* Other processes on the same PostgreSQL database hear of the change when, and
	 * only if, it commits (xf_store_bus.h). */
	int rc =
	    db->dead ? XF_OK : xf_store_bus_publish(db, xf_store_data_dirty, xf_store_auth_dirty);
	if (rc == XF_OK)
		rc = xf_sql_commit(db->sql);
	if (rc != XF_OK) {
		xf_db_fail(db, rc);
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
	xf_sql_rollback(db->sql);
}

/* A trigger that must be on events: its name and its text as the migration wrote it. */
typedef struct trigger_rule {
	const char *name, *text;
} trigger_rule;

/* The two triggers that keep events append-only, as migration 1 wrote them. A
 * trigger of the same name with another body (a no-op) is as good as none. */
static const trigger_rule append_only_triggers[] = {
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

/* The rule of the trigger called name, or NULL with the problem of an unexpected one. */
static const trigger_rule *trigger_rule_of(const trigger_rule *rules, size_t n, const char *name,
                                           char *problem, size_t problem_size)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rules[i].name, name) == 0)
			return &rules[i];
	snprintf(problem, problem_size,
	         "unexpected trigger '%.100s' on events: it may change or drop new events", name);
	return NULL;
}

/* XF_OK when every rule was seen, else XF_ERR naming the first missing trigger. */
static int triggers_all_seen(const trigger_rule *rules, size_t n, const bool *seen, char *problem,
                             size_t problem_size)
{
	for (size_t i = 0; i < n; i++)
		if (!seen[i]) {
			snprintf(problem, problem_size,
			         "trigger %s that keeps events append-only is missing",
			         rules[i].name);
			return XF_ERR;
		}
	return XF_OK;
}

/* Checks that events have exactly the append-only triggers, with their bodies. */
static int check_triggers(xf_db *db, char *problem, size_t problem_size)
{
	bool seen[XF_ARRAY_LEN(append_only_triggers)] = {false};
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT name, sql FROM sqlite_schema"
	                                    " WHERE type = 'trigger' AND tbl_name = 'events'"
	                                    " COLLATE NOCASE ORDER BY name");
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		const char *name = xf_row_text(st, 0), *sql = xf_row_text(st, 1);
		const trigger_rule *rule =
		    trigger_rule_of(append_only_triggers, XF_ARRAY_LEN(append_only_triggers), name,
		                    problem, problem_size);
		if (!rule) {
			xf_sql_reset(st);
			return XF_ERR;
		}
		size_t i = (size_t)(rule - append_only_triggers);
		if (!same_sql(sql, append_only_triggers[i].text)) {
			snprintf(problem, problem_size,
			         "trigger %s that keeps events append-only has been replaced: its "
			         "body is"
			         " '%.200s'",
			         name, sql);
			xf_sql_reset(st);
			return XF_ERR;
		}
		seen[i] = true;
	}
	if (rc != XF_SQL_DONE) {
		snprintf(problem, problem_size, "cannot read the schema: %s",
		         xf_sql_error(db->sql));
		xf_sql_reset(st);
		return XF_ERR;
	}
	xf_sql_reset(st);
	return triggers_all_seen(append_only_triggers, XF_ARRAY_LEN(append_only_triggers), seen,
	                         problem, problem_size);
}

/* The append-only triggers of events on PostgreSQL, as migration 1 wrote them and
 * pg_get_triggerdef prints them back (SCHEMA: where events is). */
static const trigger_rule append_only_triggers_pg[] = {
    {"events_append_only_delete",
     "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON %s.events FOR EACH ROW"
     " EXECUTE FUNCTION xf_refuse('events are append-only')"},
    {"events_append_only_truncate",
     "CREATE TRIGGER events_append_only_truncate BEFORE TRUNCATE ON %s.events FOR EACH"
     " STATEMENT EXECUTE FUNCTION xf_refuse('events are append-only')"},
    {"events_append_only_update",
     "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON %s.events FOR EACH ROW"
     " EXECUTE FUNCTION xf_refuse('events are append-only')"},
};
/* The body of xf_refuse as migration 1 wrote it. */
#define PG_REFUSE_BODY                                                                             \
	"BEGIN RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation'; END"

/* A catalog read that failed: says so in problem; XF_ERR. */
static int catalog_failed(xf_db *db, xf_sql_stmt *st, char *problem, size_t problem_size)
{
	snprintf(problem, problem_size, "cannot read the catalog: %s", xf_sql_error(db->sql));
	xf_sql_reset(st);
	return XF_ERR;
}

/* PostgreSQL: no trigger of the schema is disabled (foreign keys are triggers there
 * too), no rule rewrites events, and events has exactly the append-only triggers,
 * enabled, with the definitions migration 1 gave them and xf_refuse's own body. */
static int check_triggers_pg(xf_db *db, char *problem, size_t problem_size)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
	        " WHERE c.relnamespace = (SELECT relnamespace FROM pg_class"
	        "   WHERE oid = 'events'::regclass) AND t.tgenabled = 'D'"
	        " ORDER BY c.relname, t.tgname LIMIT 1");
	int rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW) {
		snprintf(problem, problem_size, "trigger '%.100s' on %.100s is disabled",
		         xf_row_text(st, 1), xf_row_text(st, 0));
		xf_sql_reset(st);
		return XF_ERR;
	}
	if (rc != XF_SQL_DONE)
		return catalog_failed(db, st, problem, problem_size);
	xf_sql_reset(st);

	st = xf_db_prepare(db, "SELECT rulename FROM pg_rewrite"
	                       " WHERE ev_class = 'events'::regclass ORDER BY rulename LIMIT 1");
	rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW) {
		snprintf(problem, problem_size,
		         "unexpected rule '%.100s' on events: it may change or drop new events",
		         xf_row_text(st, 0));
		xf_sql_reset(st);
		return XF_ERR;
	}
	if (rc != XF_SQL_DONE)
		return catalog_failed(db, st, problem, problem_size);
	xf_sql_reset(st);

	bool seen[XF_ARRAY_LEN(append_only_triggers_pg)] = {false};
	st = xf_db_prepare(db, "SELECT t.tgname, pg_get_triggerdef(t.oid), p.prosrc,"
	                       " quote_ident(n.nspname), t.tgenabled::text"
	                       " FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid"
	                       " JOIN pg_class c ON c.oid = t.tgrelid"
	                       " JOIN pg_namespace n ON n.oid = c.relnamespace"
	                       " WHERE t.tgrelid = 'events'::regclass AND NOT t.tgisinternal"
	                       " ORDER BY t.tgname");
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		const char *name = xf_row_text(st, 0), *def = xf_row_text(st, 1);
		const char *body = xf_row_text(st, 2), *schema = xf_row_text(st, 3);
		const trigger_rule *rule =
		    trigger_rule_of(append_only_triggers_pg, XF_ARRAY_LEN(append_only_triggers_pg),
		                    name, problem, problem_size);
		if (!rule) {
			xf_sql_reset(st);
			return XF_ERR;
		}
		size_t i = (size_t)(rule - append_only_triggers_pg);
		const char *enabled = xf_row_text(st, 4);
		if (strcmp(enabled, "O") != 0 && strcmp(enabled, "A") != 0) {
			/* 'R': it fires only on a replica, that is never on the primary */
			snprintf(
			    problem, problem_size,
			    "trigger %s that keeps events append-only is not enabled (tgenabled"
			    " '%.4s')",
			    name, enabled);
			xf_sql_reset(st);
			return XF_ERR;
		}
		char expected[400];
		snprintf(expected, sizeof expected, append_only_triggers_pg[i].text, schema);
		if (!same_sql(def, expected) || !same_sql(body, PG_REFUSE_BODY)) {
			snprintf(problem, problem_size,
			         "trigger %s that keeps events append-only has been replaced: it is"
			         " '%.200s' calling '%.200s'",
			         name, def, body);
			xf_sql_reset(st);
			return XF_ERR;
		}
		seen[i] = true;
	}
	if (rc != XF_SQL_DONE)
		return catalog_failed(db, st, problem, problem_size);
	xf_sql_reset(st);
	return triggers_all_seen(append_only_triggers_pg, XF_ARRAY_LEN(append_only_triggers_pg),
	                         seen, problem, problem_size);
}

int xf_store_integrity(xf_db *db, char *problem, size_t problem_size)
{
	if (db->dialect == XF_SQL_PG)
		return check_triggers_pg(db, problem, problem_size);
	xf_sql_stmt *st = xf_db_prepare(db, "PRAGMA integrity_check(1)");
	int rc = xf_sql_step(st);
	if (rc != XF_SQL_ROW) {
		snprintf(problem, problem_size, "integrity check failed: %s",
		         xf_sql_error(db->sql));
		xf_sql_reset(st);
		return XF_ERR;
	}
	const char *answer = xf_sql_column_text(st, 0);
	if (!answer || strcmp(answer, "ok") != 0) {
		snprintf(problem, problem_size, "database damaged: %s", answer ? answer : "?");
		xf_sql_reset(st);
		return XF_ERR;
	}
	xf_sql_reset(st);
	st = xf_db_prepare(db, "PRAGMA foreign_key_check");
	if (xf_sql_step(st) == XF_SQL_ROW) {
		snprintf(problem, problem_size, "table %s row %lld refers to a missing %s row",
		         xf_sql_column_text(st, 0), (long long)xf_sql_column_int64(st, 1),
		         xf_sql_column_text(st, 2));
		xf_sql_reset(st);
		return XF_ERR;
	}
	xf_sql_reset(st);
	return check_triggers(db, problem, problem_size);
}

/* The copy's head goes beside it (path.head), so that a check of the copy, or of the
 * database restored from it, finds a cut-short chain as it does on the live one. A
 * copy without events has no head. */
static int write_backup_head(const char *path, const xf_audit_head *head, char *error,
                             size_t error_size)
{
	if (head->seq <= 0)
		return XF_OK;
	char *head_path = xf_store_head_path_of(path);
	int rc = xf_audit_head_write(head_path, head, error, error_size);
	free(head_path);
	return rc == XF_OK ? XF_OK : XF_ERR;
}

/* How long a backup waits before it tries a locked source again. */
#define BACKUP_RETRY_MS 20

/* PostgreSQL: pg_dump -Fc of one snapshot into path, which this creates (never
 * overwrites); the head is the snapshot's newest event. */
static int backup_pg(xf_db *db, const char *path, char *error, size_t error_size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		snprintf(error, error_size, "cannot create '%s': %s", path, strerror(errno));
		return XF_ERR;
	}
	close(fd);
	xf_audit_head head = {0};
	char snapshot[128] = "";
	int rc = xf_tx_begin(db, false);
	if (rc == XF_OK) {
		/* The transaction's snapshot, handed to pg_dump: the dump and the head read
		 * here see the same rows however the servers write meanwhile. */
		xf_sql_stmt *st = xf_db_prepare(db, "SELECT pg_export_snapshot()");
		if (xf_sql_step(st) == XF_SQL_ROW)
			snprintf(snapshot, sizeof snapshot, "%s", xf_row_text(st, 0));
		xf_sql_reset(st);
		st = xf_db_prepare(db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
		if (xf_sql_step(st) == XF_SQL_ROW) {
			head.seq = xf_sql_column_int64(st, 0);
			if (xf_hex_decode(xf_row_text(st, 1), head.hash, XF_HASH_LEN) != XF_OK)
				head.seq = 0; /* a damaged row: the check of the copy names it */
		}
		xf_sql_reset(st);
	}
	if (rc != XF_OK || !snapshot[0]) {
		snprintf(error, error_size, "cannot back up to '%s': %s", path, xf_db_error(db));
		xf_tx_rollback(db);
		unlink(path);
		return XF_ERR;
	}
	size_t option_size = strlen(path) + 16;
	char *file_option = xf_malloc(option_size), snapshot_option[160];
	snprintf(file_option, option_size, "--file=%s", path);
	snprintf(snapshot_option, sizeof snapshot_option, "--snapshot=%s", snapshot);
	fflush(NULL);
	pid_t child = fork();
	if (child == 0) {
		execlp("pg_dump", "pg_dump", "--format=custom", "--no-password", snapshot_option,
		       file_option, "--dbname", xf_store_path(), (char *)NULL);
		fprintf(stderr, "xinfang: cannot run pg_dump: %s\n", strerror(errno));
		_exit(127);
	}
	int status = 0;
	bool ok = child > 0;
	while (ok && waitpid(child, &status, 0) < 0)
		ok = errno == EINTR;
	free(file_option);
	xf_tx_rollback(db);
	if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(error, error_size,
		         !ok ? "cannot back up to '%s': cannot start pg_dump"
		         : WIFEXITED(status) && WEXITSTATUS(status) == 127
		             ? "cannot back up to '%s': pg_dump is not installed (Debian: "
		               "postgresql-client)"
		             : "cannot back up to '%s': pg_dump failed",
		         path);
		unlink(path);
		return XF_ERR;
	}
	return write_backup_head(path, &head, error, error_size);
}

int xf_store_backup(xf_db *db, const char *path, char *error, size_t error_size)
{
	if (db->dialect == XF_SQL_PG)
		return backup_pg(db, path, error, error_size);
	sqlite3 *dest;
	if (sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(error, error_size, "cannot open '%s': %s", path, sqlite3_errmsg(dest));
		sqlite3_close(dest);
		return XF_ERR;
	}
	sqlite3_backup *b = sqlite3_backup_init(dest, "main", xf_db_sqlite(db), "main");
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
	return write_backup_head(path, &head, error, error_size);
}
