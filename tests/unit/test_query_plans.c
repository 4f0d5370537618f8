/* Unit tests that the store's hot queries keep their cost bounded by what they return,
 * not by the history (issue 7, item 10; measured in bench/volume): every statement an
 * operation runs is traced and its EXPLAIN QUERY PLAN checked for the index it must
 * use and for full scans and sorts it must not do. The plans are those SQLite chooses
 * without statistics, as the server runs (it never runs ANALYZE). Also: closing an
 * incident ends its open tasks, and the scoped incident list (two phases) pages
 * exactly as a row-by-row visibility test would. */
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/xf_incident_json.h"
#include "core/xf_perm.h"
#include "store/xf_store.h"
#include "store/xf_store_db.h"
#include "store/xf_store_people.h"
#include "xf_test_store.h"

static char dir[64];
static int64_t plan_id, root, mine, team, other_team, official;

/* ---- tracing ---- */

static struct {
	bool on;
	char *sql[16];
	int n;
} traced;

static int trace_sql(unsigned type, void *ctx, void *p, void *x)
{
	(void)type, (void)ctx, (void)x;
	const char *sql = sqlite3_sql((sqlite3_stmt *)p);
	if (!traced.on || !sql || strncmp(sql, "--", 2) == 0)
		return 0;
	for (int i = 0; i < traced.n; i++)
		if (strcmp(traced.sql[i], sql) == 0)
			return 0;
	if (traced.n < 16)
		traced.sql[traced.n++] = strdup(sql);
	return 0;
}

static void trace_start(void)
{
	traced.on = true;
	traced.n = 0;
}

/* The plans of every statement run since trace_start(), one detail per line; the
 * caller frees. */
static char *trace_plans(xf_db *db)
{
	traced.on = false;
	xf_buf b = XF_BUF_INIT;
	for (int i = 0; i < traced.n; i++) {
		char *q = malloc(strlen(traced.sql[i]) + 32);
		sprintf(q, "EXPLAIN QUERY PLAN %s", traced.sql[i]);
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(xf_db_sqlite(db), q, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW)
			xf_buf_printf(&b, "%s\n", (const char *)sqlite3_column_text(st, 3));
		sqlite3_finalize(st);
		free(q);
		free(traced.sql[i]);
	}
	traced.n = 0;
	xf_buf_puts(&b, "");
	return xf_buf_detach(&b, NULL);
}

/* Fails naming the plan when a line of it starts with one of the prefixes given. */
static void refuse_lines(const char *what, const char *plan, const char *const *prefixes)
{
	for (const char *line = plan; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		for (size_t k = 0; prefixes[k]; k++)
			if (len >= strlen(prefixes[k]) &&
			    strncmp(line, prefixes[k], strlen(prefixes[k])) == 0)
				fail_msg("%s: '%.*s' in the plan:\n%s", what, (int)len, line, plan);
		line += len + (end ? 1 : 0);
	}
}

static void require(const char *what, const char *plan, const char *part)
{
	if (!strstr(plan, part))
		fail_msg("%s: the plan lacks '%s':\n%s", what, part, plan);
}

/* Full scans of the tables that grow with history, temporary sorts, and indexes built
 * at run time (a missing index) are what no hot query may do. */
static const char *const growing_scans[] = {
    "SCAN i",      "SCAN w",       "SCAN t",         "SCAN iu",
    "SCAN u",      "SCAN p",       "SCAN incidents", "SCAN tasks",
    "SCAN events", "SCAN persons", "SCAN units",     "SCAN incident_units",
    NULL,
};

static void refuse_growth(const char *what, const char *plan)
{
	refuse_lines(what, plan, growing_scans);
	if (strstr(plan, "AUTOMATIC"))
		fail_msg("%s: an automatic index (a missing one) in the plan:\n%s", what, plan);
}

/* ---- fixture ---- */

static xf_db *db_of(void)
{
	return xf_db_get();
}

static int64_t incident(xf_db *db, int64_t unit, const char *status, int tasks, int64_t due_ms)
{
	json_t *reasons = json_array();
	int64_t units[1] = {unit};
	xf_incident_new in = {.headcount = 5,
	                      .destination = "mine",
	                      .in_scope = true,
	                      .place = "矿办公楼门前",
	                      .demands = "要求解决拖欠工资问题",
	                      .status = "registered",
	                      .grade = "III",
	                      .grade_name = "三级",
	                      .procedure = "B",
	                      .procedure_name = "B",
	                      .reasons = reasons,
	                      .plan_id = plan_id,
	                      .now_ms = 1000,
	                      .units = units,
	                      .n_units = 1};
	int64_t id, task;
	assert_int_equal(xf_store_incident_insert(db, &in, &id), XF_OK);
	json_decref(reasons);
	char id_text[24];
	snprintf(id_text, sizeof id_text, "%lld", (long long)id);
	xf_actor actor = {.id = 0, .name = "test", .request_id = ""};
	assert_int_equal(
	    xf_audit_append(db, &actor, "incident.register", "incident", id_text, NULL), XF_OK);
	assert_int_equal(xf_audit_append(db, &actor, "person.view", "person", "1", NULL), XF_OK);
	if (tasks) {
		assert_int_equal(xf_store_incident_activate(db, id, 2000), XF_OK);
		for (int k = 0; k < tasks; k++) {
			xf_task_new t = {.incident_id = id,
			                 .position = k + 1,
			                 .kind = "step",
			                 .title = "处置步骤",
			                 .owner_kind = "role",
			                 .owner_value = "petition_office",
			                 .assignee_id = k == 0 && id % 7 == 0 ? official : 0,
			                 .base_ms = 2000,
			                 .due_ms = due_ms,
			                 .now_ms = 2000};
			assert_int_equal(xf_store_task_insert(db, &t, &task), XF_OK);
		}
	}
	if (strcmp(status, "registered") != 0 && strcmp(status, "activated") != 0)
		assert_int_equal(xf_store_incident_set_status(db, id, status, 3000), XF_OK);
	return id;
}

static int open_db(void **state)
{
	if (xf_test_store_open(dir, "plans") != 0)
		return -1;
	xf_db *db = db_of();
	sqlite3_trace_v2(xf_db_sqlite(db), SQLITE_TRACE_STMT, trace_sql, NULL);
	if (xf_tx_begin(db, true) != XF_OK ||
	    xf_store_plan_register(db, "plan-hash", "coal-mine", "预案", "{}", &plan_id) != XF_OK ||
	    xf_store_unit_insert(db, 0, "本矿", "mine", &root) != XF_OK ||
	    xf_store_unit_insert(db, root, "一矿", "mine", &mine) != XF_OK ||
	    xf_store_unit_insert(db, mine, "机电科", "department", &team) != XF_OK ||
	    xf_store_unit_insert(db, root, "综采一队", "team", &other_team) != XF_OK ||
	    xf_store_user_insert(db, "official", "包保责任人", team, "", 1u << XF_ROLE_OFFICIAL,
	                         "-", false, &official) != XF_OK)
		return -1;
	/* 1,200 incidents: enough to fill the scoped list's window (1,024); one in 50
	 * involves 机电科, the rest 综采一队; statuses in turn. */
	static const char *const statuses[] = {"archived", "archived",      "archived",
	                                       "on_site",  "not_activated", "resolving"};
	for (int i = 0; i < 1200; i++) {
		const char *status = statuses[i % 6];
		bool activated = strcmp(status, "not_activated") != 0;
		incident(db, i % 50 == 0 ? team : other_team, status, activated ? 2 : 0, 5000);
	}
	return xf_tx_commit(db) == XF_OK ? 0 : -1;
}

static int close_db(void **state)
{
	return xf_test_store_remove(dir);
}

/* ---- (a) the live feed ---- */

static void test_live_feed_reads_incident_events_by_sequence(void **state)
{
	xf_db *db = db_of();
	int64_t last;
	json_t *events;
	assert_int_equal(xf_store_last_event_seq(db, &last), XF_OK);
	trace_start();
	assert_int_equal(xf_store_incident_events_after(db, last - 10, 256, &events), XF_OK);
	char *plan = trace_plans(db);
	assert_int_equal(json_array_size(events), 5); /* every other event is a person's */
	json_decref(events);
	require("live feed", plan, "events_type_seq (object_type=? AND seq>?)");
	refuse_growth("live feed", plan);
	refuse_lines("live feed", plan, (const char *const[]){"USE TEMP B-TREE", NULL});
	free(plan);
}

/* ---- (b) closing ends open tasks; the overdue scan reads live tasks only ---- */

static void test_closing_ends_open_tasks_and_the_scan_reads_live_ones(void **state)
{
	xf_db *db = db_of();
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	int64_t closing = incident(db, team, "activated", 3, 5000);
	int64_t open = incident(db, team, "on_site", 1, 5000);
	assert_int_equal(xf_store_incident_set_status(db, closing, "archived", 9000), XF_OK);
	xf_task_row *rows;
	size_t n;
	assert_int_equal(xf_store_tasks_open(db, closing, &rows, &n), XF_OK);
	assert_int_equal(n, 0);
	free(rows);
	json_t *tasks;
	assert_int_equal(xf_store_task_list(db, closing, &tasks), XF_OK);
	assert_int_equal(json_array_size(tasks), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *t = json_array_get(tasks, i);
		assert_string_equal(json_string_value(json_object_get(t, "status")), "skipped");
		assert_string_equal(json_string_value(json_object_get(t, "skip_reason")),
		                    "事件状态为「已归档」，未完成的任务随之结束");
		assert_true(json_is_false(json_object_get(t, "overdue")));
	}
	json_decref(tasks);

	int64_t found[2000][2];
	trace_start();
	assert_int_equal(xf_store_tasks_newly_overdue(db, 10000, found, 2000, &n), XF_OK);
	char *plan = trace_plans(db);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(found[i][1], closing);
	bool open_found = false;
	for (size_t i = 0; i < n; i++)
		open_found |= found[i][1] == open;
	assert_true(open_found);
	/* of the fixture's incidents only the active ones (on_site, resolving: 400) have
	 * open tasks left, two each; plus the new one's */
	assert_int_equal(n, 801);
	require("overdue scan", plan, "USING INDEX tasks_live_due (due_ms>? AND due_ms<?)");
	refuse_growth("overdue scan", plan);
	if (strstr(plan, "incidents"))
		fail_msg("overdue scan: reads incidents:\n%s", plan);
	free(plan);
	xf_tx_rollback(db);
}

/* ---- (c) the incident list ---- */

static const xf_scope scopes[] = {
    {.all = true},
    {.unit_id = 3 /* 机电科 */},
    {.unit_id = 1 /* 本矿 */},
    {.user_id = 1},
    {.mine_id = 2 /* 一矿: its incidents are those of 机电科, one in 50 */},
};

static void test_incident_list_plans(void **state)
{
	xf_db *db = db_of();
	static const char *const statuses[] = {NULL, "archived", "on_site", "not_activated"};
	for (size_t s = 0; s < sizeof scopes / sizeof scopes[0]; s++)
		for (size_t f = 0; f < 4; f++)
			for (int active = 0; active < 2; active++)
				for (int64_t before = 0; before <= 600; before += 600) {
					char what[128];
					snprintf(what, sizeof what,
					         "list scope %zu status %s active %d after_id %lld",
					         s, statuses[f] ? statuses[f] : "-", active,
					         (long long)before);
					xf_buf b = XF_BUF_INIT;
					int64_t next;
					trace_start();
					assert_int_equal(xf_api_incident_list_text(
					                     db, &scopes[s], statuses[f], active,
					                     before, 25, &b, &next),
					                 XF_OK);
					char *plan = trace_plans(db);
					refuse_growth(what, plan);
					if (!*plan) /* an inactive status among active incidents: no
					               query */
						assert_true(statuses[f] && active &&
						            strcmp(statuses[f], "on_site") != 0);
					else if (!scopes[s].all && scopes[s].unit_id)
						/* the incident's own units, not one probe per unit
						 * of the subtree */
						require(
						    what, plan,
						    "SEARCH iu USING PRIMARY KEY (incident_id=?)");
					else if (scopes[s].mine_id && !before && !active &&
					         !statuses[f])
						/* the window of 1,024 holds about 20 of the mine's:
						 * the rest come from the mine's own index */
						require(what, plan,
						        "incidents_mine (mine_id=? AND id<?)");
					else if (scopes[s].all && statuses[f])
						require(what, plan,
						        "USING INDEX incidents_status (status=? "
						        "AND rowid<?)");
					else if (scopes[s].all && active)
						require(what, plan,
						        "USING INDEX incidents_active (id<?)");
					else if (scopes[s].all)
						require(
						    what, plan,
						    "SEARCH i USING INTEGER PRIMARY KEY (rowid<?)");
					free(plan);
					xf_buf_release(&b);
				}
}

/* The page sequence of the two-phase scoped list equals newest-first filtering of every
 * incident by xf_store_incident_visible. */
static void test_scoped_list_pages_match_visibility(void **state)
{
	xf_db *db = db_of();
	for (size_t s = 1; s < sizeof scopes / sizeof scopes[0]; s++)
		for (int f = 0; f < 3; f++) {
			const char *status = f == 1 ? "on_site" : NULL;
			bool active = f == 2;
			int64_t expected[1300];
			size_t n_expected = 0;
			for (int64_t id = 1300; id >= 1; id--) {
				xf_incident_state st;
				if (xf_store_incident_visible(db, &scopes[s], id) != XF_OK ||
				    xf_store_incident_state(db, id, &st) != XF_OK)
					continue;
				if (status && strcmp(st.status, status) != 0)
					continue;
				if (active && (strcmp(st.status, "archived") == 0 ||
				               strcmp(st.status, "not_activated") == 0))
					continue;
				expected[n_expected++] = id;
			}
			size_t got = 0;
			int64_t before = 0;
			do {
				json_t *list;
				int64_t next;
				assert_int_equal(xf_api_incident_list(db, &scopes[s], status,
				                                      active, before, 25, &list,
				                                      &next),
				                 XF_OK);
				for (size_t i = 0; i < json_array_size(list); i++, got++) {
					assert_true(got < n_expected);
					assert_int_equal(json_integer_value(json_object_get(
					                     json_array_get(list, i), "id")),
					                 expected[got]);
				}
				assert_true(json_array_size(list) == 25 || next == 0);
				json_decref(list);
				before = next;
			} while (before);
			if (got != n_expected)
				fail_msg("scope %zu filter %d: %zu of %zu incidents listed", s, f,
				         got, n_expected);
		}
}

/* ---- (d) a unit's subtree ---- */

static void test_unit_subtree_uses_the_parent_index(void **state)
{
	xf_db *db = db_of();
	int64_t *ids;
	size_t n;
	trace_start();
	assert_int_equal(xf_store_unit_subtree(db, mine, &ids, &n), XF_OK);
	char *plan = trace_plans(db);
	assert_int_equal(n, 2);
	free(ids);
	require("unit subtree", plan, "units_parent (parent_id=?)");
	refuse_growth("unit subtree", plan);
	free(plan);
}

/* ---- (e) likely duplicates of a person ---- */

static void test_duplicates_read_their_indexes(void **state)
{
	xf_db *db = db_of();
	int64_t a, b, c, d;
	xf_person_in same_name = {.name = "王建国", .unit_id = team, .id_number = ""};
	xf_person_in same_id = {
	    .name = "王建", .unit_id = other_team, .id_number = "140121195001011234"};
	xf_person_in both = {.name = "王建国", .unit_id = team, .id_number = "140121195001011234"};
	xf_person_in neither = {.name = "李四", .unit_id = team, .id_number = ""};
	assert_int_equal(xf_store_person_insert(db, &same_name, 0, 1000, &a), XF_OK);
	assert_int_equal(xf_store_person_insert(db, &same_id, 0, 1000, &b), XF_OK);
	assert_int_equal(xf_store_person_insert(db, &both, 0, 1000, &c), XF_OK);
	assert_int_equal(xf_store_person_insert(db, &neither, 0, 1000, &d), XF_OK);
	json_t *list;
	trace_start();
	assert_int_equal(
	    xf_store_person_duplicates(db, c, "王建国", team, "140121195001011234", &list), XF_OK);
	char *plan = trace_plans(db);
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "id")), a);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "reason")),
	                    "same_name_unit");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "id")), b);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "reason")),
	                    "same_id_number");
	json_decref(list);
	require("duplicates", plan, "persons_id_number (id_number=?)");
	require("duplicates", plan, "persons_name_unit (name=? AND unit_id=?)");
	refuse_growth("duplicates", plan);
	free(plan);
	/* a line of bulk entry: no ID number, the name and unit only; one match both ways
	 * is listed once, under its ID number */
	assert_int_equal(xf_store_person_duplicates(db, 0, "王建国", team, "", &list), XF_OK);
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
	assert_int_equal(
	    xf_store_person_duplicates(db, 0, "王建国", team, "140121195001011234", &list), XF_OK);
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 2), "reason")),
	                    "same_id_number");
	json_decref(list);

	/* the list of files counts each row's duplicates from the same two indexes */
	xf_viewer everyone = {.scope = {.all = true}, .unit_id = root};
	int64_t next;
	trace_start();
	assert_int_equal(xf_store_person_list(db, &everyone, NULL, 0, 0, 10, &list, &next), XF_OK);
	plan = trace_plans(db);
	json_t *row;
	size_t i;
	json_array_foreach(list, i, row)
	{
		/* a~c by name and unit, b~c by ID number */
		int64_t id = json_integer_value(json_object_get(row, "id"));
		int64_t want = id == c ? 2 : id == a || id == b ? 1 : id == d ? 0 : -1;
		if (want >= 0)
			assert_int_equal(
			    json_integer_value(json_object_get(row, "duplicate_count")), want);
	}
	json_decref(list);
	require("person list", plan, "persons_id_number (id_number=?)");
	require("person list", plan, "persons_name_unit (name=? AND unit_id=?)");
	free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_live_feed_reads_incident_events_by_sequence),
	    cmocka_unit_test(test_closing_ends_open_tasks_and_the_scan_reads_live_ones),
	    cmocka_unit_test(test_incident_list_plans),
	    cmocka_unit_test(test_scoped_list_pages_match_visibility),
	    cmocka_unit_test(test_unit_subtree_uses_the_parent_index),
	    cmocka_unit_test(test_duplicates_read_their_indexes),
	};
	return cmocka_run_group_tests(tests, open_db, close_db);
}
