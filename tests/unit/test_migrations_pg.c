/* Unit tests of the schema on PostgreSQL (store/xf_migrations_pg.h) against the SQLite
 * one: on a fresh database of the server named by XF_TEST_PG_URL (make test starts
 * one with scripts/pg-test), every migration applied, then the same tables, columns
 * with their nullability and defaults, primary and unique keys, foreign keys, indexes
 * and triggers as a store opened the normal way on SQLite (with the differences listed
 * below and why); a second run changes nothing; the sealed-archive triggers refuse the
 * same changes with the same message on both engines and let the same ones through; a
 * failed migration is undone whole; processes migrating a fresh database together do
 * it once. Without XF_TEST_PG_URL the suite prints a line saying it was skipped. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/xf_migrations.h"
#include "store/xf_migrations_pg.h"
#include "store/xf_sql.h"
#include "store/xf_store_db.h"
#include "xf_test_store.h"

/* The two databases: the SQLite store's file and a PostgreSQL database made for this
 * run (dropped at the end through admin, a connection to the server's own). */
static char store_dir[64], store_path[128];
static char pg_db[64], pg_url[512];
static xf_sql *admin, *lite, *pg;

/* Tables and columns on one engine only, and why. */
static const char *const sqlite_only[] = {
    /* The FTS5 index and its shadow tables: PostgreSQL searches search_docs.tsv. */
    "search_fts", "search_fts_config", "search_fts_data", "search_fts_docsize", "search_fts_idx",
};
static const char *const pg_only[] = {
    /* SQLite keeps the schema version in PRAGMA user_version. */
    "schema_version",
    /* What takes the place of search_fts (xf_search_pg.c): the tokens as a tsvector
     * with a GIN index, and the document's length for bm25 (FTS5's docsize). */
    "search_docs.tsv",
    "search_docs.size",
    "search_docs_tsv",
    /* TRUNCATE, which SQLite does not have, is refused where SQLite's triggers make a
     * table append-only. */
    "events_append_only_truncate",
    "seals_truncate",
};

/* ---- lists of strings ---- */

typedef struct names {
	char **v;
	size_t n;
} names;

static void names_add(names *l, const char *s)
{
	l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
	assert_non_null(l->v);
	l->v[l->n++] = strdup(s);
}

static void names_free(names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (names){0};
}

static bool listed(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* Whether an entry ("table", "table.column" or "table.column nullability") belongs to
 * an exception: the table or the column is listed. */
static bool excepted(const char *entry, const char *const *list, size_t n)
{
	char key[256];
	snprintf(key, sizeof key, "%s", entry);
	key[strcspn(key, " ")] = '\0';
	if (listed(key, list, n))
		return true;
	key[strcspn(key, ".")] = '\0';
	return listed(key, list, n);
}

/* The number of entries in one list only (both sorted), exceptions aside, each named. */
static int differences(const names *lite_names, const names *pg_names)
{
	int missing = 0;
	size_t i = 0, j = 0;
	while (i < lite_names->n || j < pg_names->n) {
		int cmp = i == lite_names->n ? 1
		          : j == pg_names->n ? -1
		                             : strcmp(lite_names->v[i], pg_names->v[j]);
		if (cmp < 0) {
			if (!excepted(lite_names->v[i], sqlite_only, XF_ARRAY_LEN(sqlite_only))) {
				print_message("only on SQLite: %s\n", lite_names->v[i]);
				missing++;
			}
			i++;
		} else if (cmp > 0) {
			if (!excepted(pg_names->v[j], pg_only, XF_ARRAY_LEN(pg_only))) {
				print_message("only on PostgreSQL: %s\n", pg_names->v[j]);
				missing++;
			}
			j++;
		} else {
			i++, j++;
		}
	}
	return missing;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every row of a query whose columns are text, joined by spaces, into a list sorted
 * byte by byte (as strcmp). */
static names query(xf_sql *c, const char *sql)
{
	names out = {0};
	xf_sql_stmt *st = xf_sql_prepare(c, sql);
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		char row[16384] = ""; /* a function's whole definition fits */
		size_t used = 0;
		for (int col = 0; col < xf_sql_column_count(st); col++) {
			const char *v = xf_sql_column_text(st, col);
			used += (size_t)snprintf(row + used, sizeof row - used, "%s%s",
			                         col ? " " : "", v ? v : "NULL");
			assert_true(used < sizeof row);
		}
		names_add(&out, row);
	}
	if (rc != XF_SQL_DONE)
		fail_msg("%s: %s", sql, xf_sql_error(c));
	xf_sql_reset(st);
	qsort(out.v, out.n, sizeof *out.v, compare_strings);
	return out;
}

/* ---- the two schemas ---- */

/* The tables of the SQLite schema as m, after a FROM and before a WHERE's more. */
#define LITE_FROM                                                                                  \
	" sqlite_schema m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
#define LITE_TABLES " FROM" LITE_FROM
#define PG_COLUMNS                                                                                 \
	" FROM information_schema.columns c JOIN information_schema.tables t"                      \
	" ON t.table_schema = c.table_schema AND t.table_name = c.table_name"                      \
	" WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
#define PG_CONSTRAINTS(types)                                                                      \
	" FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"                      \
	" WHERE n.nspname = current_schema() AND c.contype IN (" types ")"
/* The columns of a constraint's conkey in order, joined by ','. */
#define PG_KEY_COLUMNS                                                                             \
	"(SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.conkey)"                  \
	" WITH ORDINALITY k(num, ord) JOIN pg_attribute a"                                         \
	" ON a.attrelid = c.conrelid AND a.attnum = k.num)"

/* What is compared, one text per table, column, key, index or trigger, its first word
 * naming the table, "table.column" or the index or trigger (for the exceptions). */
static const struct {
	const char *what, *on_lite, *on_pg;
} compared[] = {
    {"tables", "SELECT m.name" LITE_TABLES,
     "SELECT table_name::text FROM information_schema.tables"
     " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"},
    /* A rowid alias (INTEGER PRIMARY KEY) is never NULL although table_info says
     * notnull 0. */
    {"columns and their nullability",
     "SELECT m.name || '.' || p.name, CASE WHEN p.\"notnull\" OR (p.pk = 1 AND p.type ="
     " 'INTEGER') THEN 'not null' ELSE 'null' END FROM pragma_table_info(m.name) p," LITE_FROM,
     "SELECT c.table_name || '.' || c.column_name, CASE c.is_nullable WHEN 'YES' THEN 'null'"
     " ELSE 'not null' END" PG_COLUMNS},
    /* PostgreSQL shows a text default with its cast ('[]'::text); an identity column
     * has none, as a rowid alias. */
    {"defaults",
     "SELECT m.name || '.' || p.name, 'default', coalesce(p.dflt_value, 'none')"
     " FROM pragma_table_info(m.name) p," LITE_FROM,
     "SELECT c.table_name || '.' || c.column_name, 'default',"
     " coalesce(regexp_replace(c.column_default, '::[a-z ]+$', ''), 'none')" PG_COLUMNS},
    {"primary keys",
     "SELECT t, 'primary key(' || group_concat(col, ',') || ')' FROM (SELECT m.name AS t,"
     " p.name AS col FROM pragma_table_info(m.name) p," LITE_FROM
     " AND p.pk > 0 ORDER BY m.name, p.pk) GROUP BY t",
     "SELECT c.conrelid::regclass::text, 'primary key(' || " PG_KEY_COLUMNS
     " || ')'" PG_CONSTRAINTS("'p'")},
    {"unique constraints",
     "SELECT t, 'unique(' || group_concat(col, ',') || ')' FROM (SELECT m.name AS t,"
     " il.name AS i, ii.name AS col FROM pragma_index_list(m.name) il,"
     " pragma_index_info(il.name) ii," LITE_FROM " AND il.origin = 'u'"
     " ORDER BY m.name, il.name, ii.seqno) GROUP BY t, i",
     "SELECT c.conrelid::regclass::text, 'unique(' || " PG_KEY_COLUMNS
     " || ')'" PG_CONSTRAINTS("'u'")},
    {"foreign keys",
     "SELECT m.name || '.' || f.\"from\", 'references', f.\"table\" || '.' || f.\"to\""
     " FROM pragma_foreign_key_list(m.name) f," LITE_FROM,
     "SELECT c.conrelid::regclass::text || '.' || a.attname, 'references',"
     " c.confrelid::regclass::text || '.' || b.attname"
     " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
     " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
     " JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1]"
     " WHERE n.nspname = current_schema() AND c.contype = 'f'"},
    /* Indexes made by CREATE INDEX (not those of keys): table, columns (an
     * expression as "expr"), unique, partial. */
    {"indexes",
     "SELECT i, 'on', t || '(' || group_concat(col, ',') || ')',"
     " CASE WHEN u THEN 'unique' ELSE '' END, CASE WHEN part THEN 'partial' ELSE '' END"
     " FROM (SELECT il.name AS i, m.name AS t, il.\"unique\" AS u, il.partial AS part,"
     " coalesce(ii.name, 'expr') AS col FROM pragma_index_list(m.name) il,"
     " pragma_index_info(il.name) ii," LITE_FROM " AND il.origin = 'c'"
     " ORDER BY il.name, ii.seqno) GROUP BY i",
     "SELECT ic.relname::text, 'on', t.relname || '(' || (SELECT string_agg(CASE k.num"
     " WHEN 0 THEN 'expr' ELSE a.attname::text END, ',' ORDER BY k.ord)"
     " FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(num, ord) LEFT JOIN pg_attribute a"
     " ON a.attrelid = x.indrelid AND a.attnum = k.num) || ')',"
     " CASE WHEN x.indisunique THEN 'unique' ELSE '' END,"
     " CASE WHEN x.indpred IS NOT NULL THEN 'partial' ELSE '' END"
     " FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid"
     " JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
     " WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
     " WHERE c.conindid = x.indexrelid AND c.contype IN ('p','u'))"},
    {"triggers", "SELECT name, 'on', tbl_name FROM sqlite_schema WHERE type = 'trigger'",
     "SELECT t.tgname::text, 'on', t.tgrelid::regclass::text FROM pg_trigger t"
     " WHERE NOT t.tgisinternal"},
};
/* Everything PostgreSQL knows of the schema, for "a second run changes nothing":
 * columns with types and defaults, constraints, indexes, triggers, functions, the
 * version. */
static const char pg_catalog[] =
    "WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
    " SELECT 'column', table_name || '.' || column_name || ' ' || data_type || ' ' ||"
    "  is_nullable || ' ' || coalesce(column_default, '') || ' ' || is_identity"
    "  FROM information_schema.columns WHERE table_schema = current_schema()"
    " UNION ALL SELECT 'constraint', conname || ' ' || conrelid::regclass::text || ' ' ||"
    "  pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace IN (SELECT oid FROM ns)"
    " UNION ALL SELECT 'index', indexdef FROM pg_indexes WHERE schemaname = current_schema()"
    " UNION ALL SELECT 'trigger', pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
    " UNION ALL SELECT 'function', pg_get_functiondef(oid) FROM pg_proc"
    "  WHERE pronamespace IN (SELECT oid FROM ns) AND prokind = 'f'"
    " UNION ALL SELECT 'aggregate', proname || ' ' || pg_get_function_arguments(oid)"
    "  FROM pg_proc WHERE pronamespace IN (SELECT oid FROM ns) AND prokind = 'a'"
    " UNION ALL SELECT 'version', version::text FROM schema_version";

static void test_same_schema(void **state)
{
	(void)state;
	assert_int_equal(xf_migration_pg_count, xf_migration_count);
	assert_int_equal(xf_migrate_pg_version(pg), xf_migration_count);
	int differ = 0;
	for (size_t i = 0; i < XF_ARRAY_LEN(compared); i++) {
		names a = query(lite, compared[i].on_lite), b = query(pg, compared[i].on_pg);
		print_message("%s: %zu on SQLite, %zu on PostgreSQL\n", compared[i].what, a.n, b.n);
		assert_true(a.n > 0);
		differ += differences(&a, &b);
		names_free(&a);
		names_free(&b);
	}
	assert_int_equal(differ, 0);
	/* the exceptions are real: each is on its side only */
	names tables = query(lite, compared[0].on_lite);
	for (size_t i = 0; i < XF_ARRAY_LEN(sqlite_only); i++)
		assert_true(listed(sqlite_only[i], (const char *const *)tables.v, tables.n));
	names_free(&tables);
	names cols = query(pg, compared[1].on_pg);
	assert_true(listed("search_docs.tsv not null", (const char *const *)cols.v, cols.n));
	names_free(&cols);
}

static void test_second_run_changes_nothing(void **state)
{
	(void)state;
	char error[512] = "";
	names before = query(pg, pg_catalog);
	assert_true(before.n > 300);
	assert_int_equal(xf_migrate_pg(pg, error, sizeof error), XF_OK);
	/* and from another connection, which finds the version and stops */
	xf_sql *other = NULL;
	assert_int_equal(xf_sql_open(pg_url, &other, error, sizeof error), XF_OK);
	assert_int_equal(xf_migrate_pg(other, error, sizeof error), XF_OK);
	xf_sql_close(other);
	names after = query(pg, pg_catalog);
	assert_int_equal(after.n, before.n);
	for (size_t i = 0; i < before.n; i++)
		assert_string_equal(after.v[i], before.v[i]);
	names_free(&before);
	names_free(&after);
	assert_int_equal(xf_migrate_pg_version(pg), xf_migration_count);
}

/* An archived incident with its seal, and what may and may not change after: the
 * same statements on both engines, the same outcome and message. */
static const char sealed_incident[] =
    "INSERT INTO units (id, name, kind, created_at) VALUES (1, '一号矿', 'mine', 't');"
    "INSERT INTO users (id, username, name, unit_id, password_hash, created_at, updated_at)"
    " VALUES (1, 'zhang', '张三', 1, 'x', 't', 't');"
    "INSERT INTO plans (id, hash, plan_key, title, body, loaded_at)"
    " VALUES (1, 'h', 'coal', '预案', '{}', 't');"
    "INSERT INTO incidents (id, number, year, year_seq, headcount, destination,"
    " advance_info, place, demands, status, in_scope, reasons, plan_id, registered_ms,"
    " updated_ms) VALUES (1, 'XF-2026-001', 2026, 1, 12, 'company', 0, '矿门口',"
    " '工资', 'archived', 1, '[]', 1, 0, 0);"
    "INSERT INTO records (id, incident_id, kind, title, added_by, added_ms)"
    " VALUES (1, 1, 'note', '谈话', 1, 0);"
    "INSERT INTO seals (incident_id, sealed_ms, format, audit_seq, audit_head, parts, hash)"
    " VALUES (1, 0, 'v1', 0, 'h', '{}', 'h');";

static const struct {
	const char *sql;
	bool refused;
} after_seal[] = {
    {"INSERT INTO records (incident_id, kind, title, added_by, added_ms)"
     " VALUES (1, 'note', '补充', 1, 0)",
     true},
    {"UPDATE records SET title = '改' WHERE id = 1", true},
    {"DELETE FROM records WHERE id = 1", true},
    {"UPDATE incidents SET place = '别处' WHERE id = 1", true},
    {"INSERT INTO tasks (incident_id, position, kind, title, owner_kind, owner_value, base_ms,"
     " created_ms) VALUES (1, 1, 'step', '任务', 'role', 'x', 0, 0)",
     true},
    {"INSERT INTO dispatches (incident_id, resource, quantity, ordered_ms, ordered_by)"
     " VALUES (1, 'guards', 2, 0, 'x')",
     true},
    {"INSERT INTO incident_units (incident_id, unit_id) VALUES (1, 1)", true},
    {"INSERT INTO evaluations (incident_id, scores, facts, updated_ms, updated_by)"
     " VALUES (1, '{}', '{}', 0, 1)",
     true},
    {"INSERT INTO reports (incident_id, kind, title, sections, created_ms, created_by,"
     " updated_ms, updated_by) VALUES (1, 'final', '终报', '[]', 0, 1, 0, 1)",
     true},
    {"UPDATE seals SET hash = 'x'", true},
    {"DELETE FROM seals", true},
    {"UPDATE events SET actor = 'x'", false}, /* no rows: the row trigger does not fire */
    /* 包保 follow-ups go on after archiving */
    {"INSERT INTO tasks (incident_id, position, kind, title, owner_kind, owner_value, base_ms,"
     " created_ms) VALUES (1, 2, 'followup', '回访', 'user', '1', 0, 0)",
     false},
    {"UPDATE tasks SET note = '已回访' WHERE kind = 'followup'", false},
    /* retention unlocks within its own transaction */
    {"INSERT INTO seal_unlock (reason) VALUES ('retention')", false},
    {"DELETE FROM records WHERE id = 1", false},
    {"DELETE FROM seal_unlock", false},
    {"UPDATE incidents SET place = '别处' WHERE id = 1", true},
};

/* Runs sql on c: XF_OK, or the code with the message in message. */
static int run(xf_sql *c, const char *sql, char *message, size_t n)
{
	int rc = xf_sql_exec(xf_sql_prepare(c, sql));
	snprintf(message, n, "%s", rc == XF_OK ? "" : xf_sql_error(c));
	return rc;
}

static void test_sealed_rows_refused_alike(void **state)
{
	(void)state;
	assert_int_equal(xf_sql_exec_script(lite, sealed_incident), XF_OK);
	assert_int_equal(xf_sql_exec_script(pg, sealed_incident), XF_OK);
	for (size_t i = 0; i < XF_ARRAY_LEN(after_seal); i++) {
		char on_lite[1024], on_pg[1024];
		int a = run(lite, after_seal[i].sql, on_lite, sizeof on_lite);
		int b = run(pg, after_seal[i].sql, on_pg, sizeof on_pg);
		if (a != b || strcmp(on_lite, on_pg) != 0)
			fail_msg("%s\n  SQLite: %d %s\n  PostgreSQL: %d %s", after_seal[i].sql, a,
			         on_lite, b, on_pg);
		assert_int_equal(a, after_seal[i].refused ? XF_CONFLICT : XF_OK);
		if (after_seal[i].refused)
			assert_non_null(strstr(on_pg, "sealed: "));
	}
	/* the audit chain is append-only on both */
	const char *event = "INSERT INTO events (at, actor, action, object_type, object_id, data,"
	                    " request_id, prev_hash, hash) VALUES ('t', 'a', 'x', 'incident',"
	                    " '1', '{}', 'r', 'p', 'h')";
	char on_lite[1024], on_pg[1024];
	assert_int_equal(run(lite, event, on_lite, sizeof on_lite), XF_OK);
	assert_int_equal(run(pg, event, on_pg, sizeof on_pg), XF_OK);
	assert_int_equal(run(lite, "DELETE FROM events", on_lite, sizeof on_lite), XF_CONFLICT);
	assert_int_equal(run(pg, "DELETE FROM events", on_pg, sizeof on_pg), XF_CONFLICT);
	assert_string_equal(on_pg, on_lite);
	assert_string_equal(on_pg, "events are append-only");
	assert_int_equal(run(pg, "TRUNCATE events", on_pg, sizeof on_pg), XF_CONFLICT);
	assert_string_equal(on_pg, "events are append-only");
}

/* ---- setup: a fresh PostgreSQL database and a SQLite store ---- */

/* url with its database name replaced by db. */
static void url_with_db(const char *url, const char *db, char *out, size_t n)
{
	const char *host = strstr(url, "://");
	host = host ? host + 3 : url;
	const char *path = host + strcspn(host, "/?");
	const char *query_part = path + strcspn(path, "?");
	snprintf(out, n, "%.*s/%s%s", (int)(path - url), url, db, query_part);
}

static xf_sql *open_or_fail(const char *target)
{
	char error[512];
	xf_sql *c = NULL;
	if (xf_sql_open(target, &c, error, sizeof error) != XF_OK) {
		fprintf(stderr, "xf_sql_open: %s\n", error);
		return NULL;
	}
	return c;
}

/* Makes (again) the database NAME_<suffix>_<pid> on the server and its URL in url;
 * 0 or -1. */
static int make_database(const char *suffix, char *name, size_t name_size, char *url,
                         size_t url_size)
{
	char sql[160];
	snprintf(name, name_size, "xf_test_migrations_%s_%ld", suffix, (long)getpid());
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	xf_sql_exec_script(admin, sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	if (xf_sql_exec_script(admin, sql) != XF_OK) {
		fprintf(stderr, "%s: %s\n", sql, xf_sql_error(admin));
		return -1;
	}
	url_with_db(getenv("XF_TEST_PG_URL"), name, url, url_size);
	return 0;
}

static int drop_database(const char *name)
{
	char sql[160];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	return xf_sql_exec_script(admin, sql) == XF_OK ? 0 : -1;
}

/* A migration that fails is undone whole (its transaction) and the version stays at
 * the one before; once the cause is gone, the next run goes on from there. */
static void test_failed_migration_leaves_nothing(void **state)
{
	(void)state;
	char name[64], url[512], error[512] = "";
	assert_int_equal(make_database("fail", name, sizeof name, url, sizeof url), 0);
	xf_sql *c = open_or_fail(url);
	assert_non_null(c);
	/* in the way of migration 2 */
	assert_int_equal(xf_sql_exec_script(c, "CREATE TABLE plans (x int)"), XF_OK);
	assert_int_equal(xf_migrate_pg(c, error, sizeof error), XF_ERR);
	assert_string_equal(error, "migration 2 failed: relation \"plans\" already exists");
	assert_false(xf_sql_in_transaction(c));
	assert_int_equal(xf_migrate_pg_version(c), 1);
	names left = query(c, "SELECT count(*) FROM pg_class WHERE relname IN ('incidents',"
	                      " 'events_object', 'tasks')");
	assert_string_equal(left.v[0], "0");
	names_free(&left);
	assert_int_equal(xf_sql_exec_script(c, "DROP TABLE plans"), XF_OK);
	assert_int_equal(xf_migrate_pg(c, error, sizeof error), XF_OK);
	assert_int_equal(xf_migrate_pg_version(c), xf_migration_count);
	/* a database newer than the program */
	assert_int_equal(xf_sql_exec_script(c, "UPDATE schema_version SET version = 99"), XF_OK);
	assert_int_equal(xf_migrate_pg(c, error, sizeof error), XF_ERR);
	assert_non_null(strstr(error, "schema version 99 is newer than this program knows"));
	xf_sql_close(c);
	assert_int_equal(drop_database(name), 0);
}

typedef struct racer {
	const char *url;
	int rc;
	char error[512];
} racer;

static void *race(void *arg)
{
	racer *r = arg;
	xf_sql *c = NULL;
	r->rc = xf_sql_open(r->url, &c, r->error, sizeof r->error);
	if (r->rc == XF_OK)
		r->rc = xf_migrate_pg(c, r->error, sizeof r->error);
	xf_sql_close(c);
	return NULL;
}

/* Processes that start together on a fresh database migrate it once (the advisory
 * lock), and neither fails. */
static void test_concurrent_migrations_run_once(void **state)
{
	(void)state;
	char name[64], url[512];
	assert_int_equal(make_database("race", name, sizeof name, url, sizeof url), 0);
	racer racers[3];
	pthread_t threads[3];
	for (int i = 0; i < 3; i++) {
		racers[i] = (racer){.url = url};
		assert_int_equal(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(threads[i], NULL);
		if (racers[i].rc != XF_OK)
			fail_msg("racer %d: %s", i, racers[i].error);
	}
	xf_sql *c = open_or_fail(url);
	assert_non_null(c);
	assert_int_equal(xf_migrate_pg_version(c), xf_migration_count);
	names rows = query(c, "SELECT count(*) FROM schema_version");
	assert_string_equal(rows.v[0], "1");
	names_free(&rows);
	xf_sql_close(c);
	assert_int_equal(drop_database(name), 0);
}

static int setup(void **state)
{
	(void)state;
	char error[512];
	if (!(admin = open_or_fail(getenv("XF_TEST_PG_URL"))))
		return -1;
	if (make_database("main", pg_db, sizeof pg_db, pg_url, sizeof pg_url) != 0)
		return -1;
	if (!(pg = open_or_fail(pg_url)))
		return -1;
	if (xf_migrate_pg(pg, error, sizeof error) != XF_OK) {
		fprintf(stderr, "xf_migrate_pg: %s\n", error);
		return -1;
	}
	/* SQLite: the store migrates its file; a second connection with the tokenizer
	 * (pragma_table_info over the FTS5 table needs it) reads it. */
	if (xf_test_store_open(store_dir, "migrations-pg") != 0)
		return -1;
	snprintf(store_path, sizeof store_path, "%s/x.db", store_dir);
	if (!(lite = open_or_fail(store_path)))
		return -1;
	return xf_search_register(xf_sql_native(lite)) == XF_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	xf_sql_close(lite);
	xf_sql_close(pg);
	int rc = xf_test_store_remove(store_dir);
	if (drop_database(pg_db) != 0)
		rc = -1;
	xf_sql_close(admin);
	return rc;
}

int main(void)
{
	const char *url = getenv("XF_TEST_PG_URL");
	if (!url || !*url) {
		printf("[  SKIPPED ] migrations on PostgreSQL: XF_TEST_PG_URL is not set "
		       "(make test sets it; scripts/pg-test starts a server)\n");
		return 0;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_schema),
	    cmocka_unit_test(test_second_run_changes_nothing),
	    cmocka_unit_test(test_sealed_rows_refused_alike),
	    cmocka_unit_test(test_failed_migration_leaves_nothing),
	    cmocka_unit_test(test_concurrent_migrations_run_once),
	};
	return cmocka_run_group_tests_name("migrations on PostgreSQL", tests, setup, teardown);
}
