/* Plans, incidents, tasks, notes and dispatches, in SQL. Times are kept as
 * milliseconds since the epoch (UTC) and shown as ISO 8601 text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_incident.h"
#include "store/xf_store.h"
#include "store/xf_store_db.h"
#include "store/xf_store_mines.h"
#include "store/xf_store_rows.h"

static json_t *json_column(xf_sql_stmt *st, int i)
{
	if (xf_sql_column_is_null(st, i))
		return json_null();
	json_t *v = json_loads(xf_row_text(st, i), JSON_DECODE_ANY, NULL);
	return v ? v : json_null();
}

static void bind_text_or_null(xf_sql_stmt *st, int i, const char *s)
{
	if (s && *s)
		xf_sql_bind_text(st, i, s, -1);
	else
		xf_sql_bind_null(st, i);
}

static void bind_json(xf_sql_stmt *st, int i, json_t *v, const char *fallback)
{
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	xf_sql_bind_text(st, i, text ? text : fallback, -1);
	free(text);
}

/* ---- plans ---- */

int xf_store_plan_register(xf_db *db, const char *hash, const char *key, const char *title,
                           const char *body, int64_t *id)
{
	char now[XF_TIME_LEN];
	xf_time_format(xf_now_ms(), now);
	xf_sql_stmt *st =
	    xf_db_prepare(db, "INSERT INTO plans (hash, plan_key, title, body, loaded_at)"
	                      " VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING");
	xf_sql_bind_text(st, 1, hash, -1);
	xf_sql_bind_text(st, 2, key, -1);
	xf_sql_bind_text(st, 3, title, -1);
	xf_sql_bind_text(st, 4, body, -1);
	xf_sql_bind_text(st, 5, now, -1);
	int rc = xf_db_exec(db, st);
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db, "SELECT id FROM plans WHERE hash = ?");
	xf_sql_bind_text(st, 1, hash, -1);
	if ((rc = xf_row_one(db, st)) != XF_OK)
		return rc;
	*id = xf_sql_column_int64(st, 0);
	xf_sql_reset(st);
	return XF_OK;
}

int xf_store_plan_body(xf_db *db, int64_t id, char **body)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT body FROM plans WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	*body = xf_strdup(xf_row_text(st, 0));
	xf_sql_reset(st);
	return XF_OK;
}

/* ---- incidents ---- */

int xf_store_incident_insert(xf_db *db, const xf_incident_new *in, int64_t *id)
{
	int year = xf_shanghai_year(in->now_ms);
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT coalesce(max(year_seq), 0) + 1 FROM incidents WHERE year = ?");
	xf_sql_bind_int64(st, 1, year);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	int seq = xf_sql_column_int(st, 0);
	xf_sql_reset(st);
	/* The number counts in the series of the mine's prefix (xf_store_mines.h); year_seq
	 * stays the deployment's count of the year. */
	int64_t mine_id, series_seq;
	char prefix[XF_MINE_PREFIX_MAX + 1];
	rc = xf_store_incident_series(db, in->created_by, in->units, in->n_units, year, &mine_id,
	                              prefix, &series_seq);
	if (rc != XF_OK)
		return rc;
	/* A drill (演练) numbers in a series of its own, "YL-" before the mine's prefix
	 * (YL-XF-2026-0001): real incidents keep gapless numbers, and no prefix (letters and
	 * digits only) can spell a drill's series. */
	char series[XF_MINE_PREFIX_MAX + 4];
	snprintf(series, sizeof series, "%s%s", in->drill ? "YL-" : "", prefix);
	if (in->drill) {
		st = xf_db_prepare(db, "SELECT coalesce(max(series_seq), 0) + 1 FROM incidents"
		                       " WHERE number_series = ?1 AND year = ?2");
		xf_sql_bind_text(st, 1, series, -1);
		xf_sql_bind_int64(st, 2, year);
		if ((rc = xf_row_int64(db, st, &series_seq)) != XF_OK)
			return rc;
	}
	char number[40];
	snprintf(number, sizeof number, "%s-%d-%04lld", series, year, (long long)series_seq);

	st = xf_db_prepare(
	    db,
	    "INSERT INTO incidents (number, year, year_seq, headcount, destination, advance_info,"
	    " place, category, demands, drill, status, in_scope, grade, grade_name, grade_computed,"
	    " procedure, procedure_name, reasons, plan_id, created_by, registered_ms, updated_ms,"
	    " occurred_ms, expected_ms, expected_destination, mine_id,"
	    " number_series, series_seq)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?13, ?15, ?16,"
	    " ?17, ?18, ?19, ?20, ?20, ?21, ?22, ?23, ?24, ?25, ?26) RETURNING id");
	xf_sql_bind_text(st, 1, number, -1);
	xf_sql_bind_int64(st, 2, year);
	xf_sql_bind_int64(st, 3, seq);
	xf_sql_bind_int64(st, 4, in->headcount);
	xf_sql_bind_text(st, 5, in->destination, -1);
	xf_sql_bind_int64(st, 6, in->advance_info);
	xf_sql_bind_text(st, 7, in->place, -1);
	xf_sql_bind_text(st, 8, in->category ? in->category : "", -1);
	xf_sql_bind_text(st, 9, in->demands, -1);
	xf_sql_bind_int64(st, 10, in->drill);
	xf_sql_bind_text(st, 11, in->status, -1);
	xf_sql_bind_int64(st, 12, in->in_scope);
	bind_text_or_null(st, 13, in->grade);
	bind_text_or_null(st, 14, in->grade_name);
	bind_text_or_null(st, 15, in->procedure);
	bind_text_or_null(st, 16, in->procedure_name);
	bind_json(st, 17, in->reasons, "[]");
	xf_sql_bind_int64(st, 18, in->plan_id);
	if (in->created_by)
		xf_sql_bind_int64(st, 19, in->created_by);
	xf_sql_bind_int64(st, 20, in->now_ms);
	xf_sql_bind_int64(st, 21, in->occurred_ms ? in->occurred_ms : in->now_ms);
	if (in->expected_ms)
		xf_sql_bind_int64(st, 22, in->expected_ms);
	bind_text_or_null(st, 23, in->expected_destination);
	xf_bind_id(st, 24, mine_id);
	xf_sql_bind_text(st, 25, series, -1);
	xf_sql_bind_int64(st, 26, series_seq);
	if ((rc = xf_row_insert(db, st, id)) != XF_OK)
		return rc;
	for (size_t i = 0; i < in->n_units && rc == XF_OK; i++) {
		st = xf_db_prepare(db, "INSERT INTO incident_units (incident_id, unit_id)"
		                       " VALUES (?, ?) ON CONFLICT DO NOTHING");
		xf_sql_bind_int64(st, 1, *id);
		xf_sql_bind_int64(st, 2, in->units[i]);
		rc = xf_db_exec(db, st);
	}
	return rc;
}

int xf_store_incident_state(xf_db *db, int64_t id, xf_incident_state *out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id, number, status, coalesce(procedure, ''), coalesce(grade, ''), in_scope,"
	        " drill, advance_info, headcount, destination, plan_id, registered_ms,"
	        " coalesce(activated_ms, 0), coalesce(occurred_ms, registered_ms),"
	        " coalesce(expected_ms, 0), coalesce(expected_destination, '')"
	        " FROM incidents WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	memset(out, 0, sizeof *out);
	out->id = xf_sql_column_int64(st, 0);
	xf_row_copy(out->number, sizeof out->number, st, 1);
	xf_row_copy(out->status, sizeof out->status, st, 2);
	xf_row_copy(out->procedure, sizeof out->procedure, st, 3);
	xf_row_copy(out->grade, sizeof out->grade, st, 4);
	out->in_scope = xf_sql_column_int(st, 5) != 0;
	out->drill = xf_sql_column_int(st, 6) != 0;
	out->advance_info = xf_sql_column_int(st, 7) != 0;
	out->headcount = xf_sql_column_int(st, 8);
	xf_row_copy(out->destination, sizeof out->destination, st, 9);
	out->plan_id = xf_sql_column_int64(st, 10);
	out->registered_ms = xf_sql_column_int64(st, 11);
	out->activated_ms = xf_sql_column_int64(st, 12);
	out->occurred_ms = xf_sql_column_int64(st, 13);
	out->expected_ms = xf_sql_column_int64(st, 14);
	xf_row_copy(out->expected_destination, sizeof out->expected_destination, st, 15);
	xf_sql_reset(st);
	return XF_OK;
}

/* The visibility test, for "i" an incidents row; binds ?1 all, ?2 unit, ?3 user, ?9
 * the mine whose incidents are all visible (xf_scope.mine_id). The
 * incident's own units (one or two) are read and looked up in the subtree ("+" keeps
 * SQLite from probing the index once per unit of the subtree instead). */
#define VISIBLE                                                                                    \
	"(?1 = 1 OR (?9 > 0 AND i.mine_id = ?9)"                                                   \
	" OR (?2 > 0 AND EXISTS (SELECT 1 FROM incident_units iu WHERE iu.incident_id = i.id"      \
	"     AND +iu.unit_id IN (WITH RECURSIVE sub(id) AS (SELECT CAST(?2 AS BIGINT) UNION"      \
	"     SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub)))"    \
	" OR (?3 > 0 AND EXISTS (SELECT 1 FROM tasks t WHERE t.incident_id = i.id"                 \
	"     AND t.assignee_id = ?3))" /* the head of a petitioner's unit */                      \
	" OR (?3 > 0 AND EXISTS (SELECT 1 FROM incident_persons ip JOIN persons p"                 \
	"     ON p.id = ip.person_id JOIN units un ON un.id = p.unit_id"                           \
	"     WHERE ip.incident_id = i.id AND un.head_user_id = ?3)))"

static void bind_scope(xf_sql_stmt *st, const xf_scope *scope)
{
	xf_sql_bind_int64(st, 1, scope->all);
	xf_sql_bind_int64(st, 2, scope->unit_id);
	xf_sql_bind_int64(st, 3, scope->user_id);
	xf_sql_bind_int64(st, 9, scope->mine_id);
}

int xf_store_incident_visible(xf_db *db, const xf_scope *scope, int64_t id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT 1 FROM incidents i WHERE i.id = ?4 AND " VISIBLE);
	bind_scope(st, scope);
	xf_sql_bind_int64(st, 4, id);
	int rc = xf_row_one(db, st);
	if (rc == XF_OK)
		xf_sql_reset(st);
	return rc;
}

/* The tasks an incident's counts are over, for "t" a tasks row: a recurring report
 * counts once, as its latest round. */
#define COUNTED_TASKS                                                                              \
	" FROM tasks t WHERE t.incident_id = i.id"                                                 \
	"    AND NOT (t.kind = 'recurring' AND EXISTS (SELECT 1 FROM tasks r WHERE"                \
	"    r.incident_id = t.incident_id AND r.kind = 'recurring' AND r.position = t.position"   \
	"    AND r.round > t.round))"

/* The columns read_incident reads, in its order. */
#define INCIDENT_COLUMNS                                                                           \
	"i.id, i.number, i.status, i.drill, i.headcount, i.destination, i.advance_info, i.place,"  \
	" i.demands, i.category, i.in_scope, i.grade, i.grade_name, i.grade_computed,"             \
	" i.override, i.procedure, i.procedure_name, i.reasons, i.plan_id, p.hash, p.title,"       \
	" i.registered_ms, i.activated_ms, i.updated_ms,"                                          \
	" (SELECT coalesce(group_concat(unit_id), '') FROM (SELECT unit_id FROM incident_units"    \
	"    WHERE incident_id = i.id ORDER BY unit_id) AS ordered_units),"                        \
	" i.withdrawn, i.escalation, coalesce(i.occurred_ms, i.registered_ms), i.expected_ms,"     \
	" i.expected_destination," /* the task counts: total, done, skipped, overdue (open and     \
	                              reported overdue) */                                         \
	" (SELECT count(*)" COUNTED_TASKS "),"                                                     \
	" (SELECT total(t.status = 'done')" COUNTED_TASKS "),"                                     \
	" (SELECT total(t.status = 'skipped')" COUNTED_TASKS "),"                                  \
	" (SELECT total(t.overdue = 1 AND t.status IN ('pending','in_progress'))" COUNTED_TASKS    \
	"), i.mine_id, (SELECT name FROM units WHERE id = i.mine_id)"

/* A text column, NULL for NULL. */
static const char *text_column(xf_sql_stmt *st, int i)
{
	return xf_sql_column_is_null(st, i) ? NULL : xf_row_text(st, i);
}

/* Reads the row of st (INCIDENT_COLUMNS) into out, borrowing its strings. */
static void read_incident(xf_sql_stmt *st, xf_incident_row *out)
{
	*out = (xf_incident_row){
	    .id = xf_sql_column_int64(st, 0),
	    .number = xf_row_text(st, 1),
	    .status = xf_row_text(st, 2),
	    .drill = xf_sql_column_int(st, 3) != 0,
	    .headcount = xf_sql_column_int(st, 4),
	    .destination = xf_row_text(st, 5),
	    .advance_info = xf_sql_column_int(st, 6) != 0,
	    .place = xf_row_text(st, 7),
	    .demands = xf_row_text(st, 8),
	    .category = xf_row_text(st, 9),
	    .in_scope = xf_sql_column_int(st, 10) != 0,
	    .grade = text_column(st, 11),
	    .grade_name = text_column(st, 12),
	    .grade_computed = text_column(st, 13),
	    .override = text_column(st, 14),
	    .procedure = text_column(st, 15),
	    .procedure_name = text_column(st, 16),
	    .reasons = text_column(st, 17),
	    .plan_id = xf_sql_column_int64(st, 18),
	    .plan_hash = xf_row_text(st, 19),
	    .plan_title = xf_row_text(st, 20),
	    .registered_ms = xf_sql_column_int64(st, 21),
	    .activated_ms = xf_sql_column_int64(st, 22),
	    .updated_ms = xf_sql_column_int64(st, 23),
	    .withdrawn = text_column(st, 25),
	    .escalation = text_column(st, 26),
	    .occurred_ms = xf_sql_column_int64(st, 27),
	    .expected_ms = xf_sql_column_int64(st, 28),
	    .expected_destination = text_column(st, 29),
	    .tasks = {xf_sql_column_int(st, 30), xf_sql_column_int(st, 31),
	              xf_sql_column_int(st, 32), xf_sql_column_int(st, 33)},
	    .mine_id = xf_sql_column_int64(st, 34),
	    .mine = text_column(st, 35),
	};
	/* group_concat's ids, ascending */
	for (const char *p = xf_row_text(st, 24); *p && out->n_units < XF_INCIDENT_UNITS_MAX;) {
		char *end;
		out->units[out->n_units++] = strtoll(p, &end, 10);
		p = *end == ',' ? end + 1 : end;
	}
}

int xf_store_incident_row(xf_db *db, int64_t id, xf_incident_each each, void *ctx)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " INCIDENT_COLUMNS " FROM incidents i"
	                                    " JOIN plans p ON p.id = i.plan_id WHERE i.id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	xf_incident_row row;
	read_incident(st, &row);
	rc = each(&row, ctx);
	xf_sql_reset(st);
	return rc;
}

/* The incident list reads only what a page needs, whatever the history: each filter
 * has its own statement (a parameter that may switch a condition off keeps SQLite
 * from using an index), and the page starts at ?6, the id it continues below, as a
 * rowid range. Binds ?1-?3 and ?9 the scope (VISIBLE), ?4 the status, ?6 below, ?7 the limit.
 * A user who sees everything walks the incidents newest first (or the status index,
 * or the partial index of active incidents). A scoped user first walks a window of
 * the newest LIST_WINDOW candidates, testing each; when that does not fill the page
 * (a unit with few incidents), the rest comes from the scope's own rows: the
 * incident_units of the unit's subtree and the tasks assigned to the user, so the
 * cost follows what the user may see, not the whole history. */
#define LIST_WINDOW 1024 /* the same number as in WINDOW() */
#define LIST_SELECT "SELECT " INCIDENT_COLUMNS " FROM incidents i JOIN plans p ON p.id = i.plan_id"
#define LIST_ORDER  " ORDER BY i.id DESC LIMIT ?7"
#define ACTIVE_ONLY(t)                                                                             \
	t ".status NOT IN ('archived','not_activated') AND " t ".status <> 'withdrawn'"
/* Without a status filter, withdrawn registrations (作废) are left out: ?status=withdrawn
 * lists them. */
#define CURRENT(t) t ".status <> 'withdrawn'"
#define WINDOW(filter)                                                                             \
	"(SELECT w.id FROM incidents w WHERE w.id < ?6" filter " ORDER BY w.id DESC LIMIT 1024)"
#define CANDIDATES                                                                                 \
	"WITH RECURSIVE sub(id) AS (SELECT CAST(?2 AS BIGINT) WHERE ?2 > 0 UNION SELECT u.id "     \
	"FROM units u"                                                                             \
	"  JOIN sub ON u.parent_id = sub.id),"                                                     \
	" cand(id) AS (SELECT iu.incident_id FROM incident_units iu WHERE iu.unit_id IN sub"       \
	"  AND iu.incident_id < ?6 UNION SELECT t.incident_id FROM tasks t WHERE ?3 > 0"           \
	"  AND t.assignee_id = ?3 AND t.incident_id < ?6"                                          \
	"  UNION SELECT ip.incident_id FROM units un JOIN persons p ON p.unit_id = un.id"          \
	"  JOIN incident_persons ip ON ip.person_id = p.id WHERE ?3 > 0 AND un.head_user_id = ?3"  \
	"  AND ip.incident_id < ?6"                                                                \
	"  UNION SELECT m.id FROM incidents m WHERE ?9 > 0 AND m.mine_id = ?9 AND m.id < ?6) "

enum list_filter { LIST_ANY, LIST_STATUS, LIST_ACTIVE };

static const char *const list_all_sql[] = {
    [LIST_ANY] = LIST_SELECT " WHERE " CURRENT("i") " AND i.id < ?6" LIST_ORDER,
    [LIST_STATUS] = LIST_SELECT " WHERE i.status = ?4 AND i.id < ?6" LIST_ORDER,
    [LIST_ACTIVE] = LIST_SELECT " WHERE " ACTIVE_ONLY("i") " AND i.id < ?6" LIST_ORDER,
};
static const char *const list_window_sql[] = {
    [LIST_ANY] =
        LIST_SELECT " WHERE i.id IN " WINDOW(" AND " CURRENT("w")) " AND " VISIBLE LIST_ORDER,
    [LIST_STATUS] =
        LIST_SELECT " WHERE i.id IN " WINDOW(" AND w.status = ?4") " AND " VISIBLE LIST_ORDER,
    [LIST_ACTIVE] =
        LIST_SELECT " WHERE i.id IN " WINDOW(" AND " ACTIVE_ONLY("w")) " AND " VISIBLE LIST_ORDER,
};
/* The lowest id of the window and whether it was full. */
static const char *const list_window_end_sql[] = {
    [LIST_ANY] =
        "SELECT coalesce(min(id), 0), count(*) FROM " WINDOW(" AND " CURRENT("w")) " AS recent",
    [LIST_STATUS] =
        "SELECT coalesce(min(id), 0), count(*) FROM " WINDOW(" AND w.status = ?4") " AS recent",
    [LIST_ACTIVE] =
        "SELECT coalesce(min(id), 0), count(*) FROM " WINDOW(" AND " ACTIVE_ONLY("w")) " AS recent",
};
static const char *const list_scope_sql[] = {
    [LIST_ANY] = CANDIDATES LIST_SELECT " WHERE i.id IN cand AND " CURRENT("i") LIST_ORDER,
    [LIST_STATUS] = CANDIDATES LIST_SELECT " WHERE i.id IN cand AND i.status = ?4" LIST_ORDER,
    [LIST_ACTIVE] = CANDIDATES LIST_SELECT " WHERE i.id IN cand AND " ACTIVE_ONLY("i") LIST_ORDER,
};

typedef struct list_page {
	xf_incident_each each;
	void *ctx;
	int limit, n;
	int64_t last_id, *next_before_id;
} list_page;

static xf_sql_stmt *list_bind(xf_db *db, const char *sql, const xf_scope *scope, const char *status,
                              int64_t before_id, int limit)
{
	/* Binding a parameter a statement does not have is a harmless SQLITE_RANGE. */
	xf_sql_stmt *st = xf_db_prepare(db, sql);
	bind_scope(st, scope);
	xf_sql_bind_text(st, 4, status, -1);
	xf_sql_bind_int64(st, 6, before_id);
	xf_sql_bind_int64(st, 7, limit);
	return st;
}

/* Hands the rows of st to the page's callback; one row more than the page holds sets
 * the next page's start. */
static int list_write(xf_db *db, xf_sql_stmt *st, list_page *page)
{
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		if (page->n == page->limit) {
			*page->next_before_id = page->last_id;
			break;
		}
		page->n++;
		xf_incident_row row;
		read_incident(st, &row);
		page->last_id = row.id;
		int each_rc = page->each(&row, page->ctx);
		if (each_rc != XF_OK) {
			xf_sql_reset(st);
			return each_rc;
		}
	}
	xf_sql_reset(st);
	return rc == XF_SQL_ROW || rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}

int xf_store_incident_rows(xf_db *db, const xf_scope *scope, const char *status, bool active_only,
                           int64_t before_id, int limit, xf_incident_each each, void *ctx,
                           int64_t *next_before_id)
{
	enum list_filter filter = status ? LIST_STATUS : active_only ? LIST_ACTIVE : LIST_ANY;
	int parsed = status ? xf_status_parse(status) : -1;
	bool none = status && active_only && (parsed < 0 || !xf_status_active((xf_status)parsed));
	list_page page = {each, ctx, limit, 0, 0, next_before_id};
	int64_t below = before_id > 0 ? before_id : INT64_MAX;
	int rc = XF_OK;
	*next_before_id = 0;
	if (none) {
		/* an inactive status among active incidents: nothing */
	} else if (scope->all) {
		rc = list_write(
		    db, list_bind(db, list_all_sql[filter], scope, status, below, limit + 1),
		    &page);
	} else {
		rc = list_write(
		    db, list_bind(db, list_window_sql[filter], scope, status, below, limit + 1),
		    &page);
		int64_t window_end = 0, window_rows = 0;
		if (rc == XF_OK && !*next_before_id) {
			xf_sql_stmt *st =
			    list_bind(db, list_window_end_sql[filter], scope, status, below, 0);
			if ((rc = xf_row_one(db, st)) == XF_OK) {
				window_end = xf_sql_column_int64(st, 0);
				window_rows = xf_sql_column_int64(st, 1);
				xf_sql_reset(st);
			}
		}
		if (rc == XF_OK && !*next_before_id && window_rows == LIST_WINDOW)
			rc = list_write(db,
			                list_bind(db, list_scope_sql[filter], scope, status,
			                          window_end, limit + 1 - page.n),
			                &page);
	}
	return rc;
}

/* A closed incident (archived, not activated: any status that is not active) keeps no
 * open task: each one is skipped, with the status as the reason, so that lists, the
 * dashboard and the overdue scan (whose index holds only open tasks) never see it
 * again. Migration 8 did the same to the tasks earlier versions left open. */
static int end_open_tasks(xf_db *db, int64_t id, const char *status, int64_t now_ms)
{
	int parsed = xf_status_parse(status);
	if (parsed < 0 || xf_status_active((xf_status)parsed))
		return XF_OK;
	char reason[160];
	snprintf(reason, sizeof reason, "事件状态为「%s」，未完成的任务随之结束",
	         xf_status_zh((xf_status)parsed));
	xf_sql_stmt *st =
	    xf_db_prepare(db, "UPDATE tasks SET status = 'skipped', skip_reason = ?1, done_ms = ?2"
	                      " WHERE incident_id = ?3 AND status IN ('pending','in_progress')"
	                      " AND NOT (?4 AND kind = 'followup')");
	xf_sql_bind_text(st, 1, reason, -1);
	xf_sql_bind_int64(st, 2, now_ms);
	xf_sql_bind_int64(st, 3, id);
	/* 包保 follow-ups belong to the person: they go on after the incident is archived. */
	xf_sql_bind_int64(st, 4, parsed == XF_STATUS_ARCHIVED);
	return xf_db_exec(db, st);
}

int xf_store_incident_set_status(xf_db *db, int64_t id, const char *status, int64_t now_ms)
{
	/* resolved_ms (statistics' time to resolution): the first time it reached 总结评价. */
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE incidents SET status = ?1, updated_ms = ?2, resolved_ms = CASE WHEN ?1 IN"
	        " ('evaluating','reported','archived') THEN coalesce(resolved_ms, ?2) ELSE"
	        " resolved_ms END WHERE id = ?3");
	xf_sql_bind_text(st, 1, status, -1);
	xf_sql_bind_int64(st, 2, now_ms);
	xf_sql_bind_int64(st, 3, id);
	int rc = xf_row_changed(db, xf_db_exec(db, st));
	return rc == XF_OK ? end_open_tasks(db, id, status, now_ms) : rc;
}

int xf_store_incident_activate(xf_db *db, int64_t id, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE incidents SET status = 'activated',"
	                                    " activated_ms = ?1, updated_ms = ?1 WHERE id = ?2");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_incident_override(xf_db *db, int64_t id, bool in_scope, const char *grade,
                               const char *grade_name, const char *status, json_t *override,
                               int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "UPDATE incidents SET in_scope = ?1, grade = coalesce(?2, grade),"
	    " grade_name = coalesce(?3, grade_name), status = ?4, override = ?5, updated_ms = ?6"
	    " WHERE id = ?7");
	xf_sql_bind_int64(st, 1, in_scope);
	bind_text_or_null(st, 2, grade);
	bind_text_or_null(st, 3, grade_name);
	xf_sql_bind_text(st, 4, status, -1);
	bind_json(st, 5, override, "null");
	xf_sql_bind_int64(st, 6, now_ms);
	xf_sql_bind_int64(st, 7, id);
	int rc = xf_row_changed(db, xf_db_exec(db, st));
	return rc == XF_OK ? end_open_tasks(db, id, status, now_ms) : rc;
}

int xf_store_incident_set_facts(xf_db *db, int64_t id, const char *place, const char *demands,
                                const char *category, const int64_t *units, size_t n_units,
                                int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE incidents SET place = coalesce(?1, place), demands = coalesce(?2, demands),"
	        " category = coalesce(?3, category), updated_ms = ?4 WHERE id = ?5");
	if (place)
		xf_sql_bind_text(st, 1, place, -1);
	if (demands)
		xf_sql_bind_text(st, 2, demands, -1);
	if (category)
		xf_sql_bind_text(st, 3, category, -1);
	xf_sql_bind_int64(st, 4, now_ms);
	xf_sql_bind_int64(st, 5, id);
	int rc = xf_row_changed(db, xf_db_exec(db, st));
	if (rc != XF_OK || !units)
		return rc;
	st = xf_db_prepare(db, "DELETE FROM incident_units WHERE incident_id = ?");
	xf_sql_bind_int64(st, 1, id);
	rc = xf_db_exec(db, st);
	for (size_t i = 0; rc == XF_OK && i < n_units; i++) {
		st = xf_db_prepare(db, "INSERT INTO incident_units (incident_id, unit_id)"
		                       " VALUES (?, ?) ON CONFLICT DO NOTHING");
		xf_sql_bind_int64(st, 1, id);
		xf_sql_bind_int64(st, 2, units[i]);
		rc = xf_db_exec(db, st);
	}
	return rc;
}

int xf_store_incident_set_decision(xf_db *db, int64_t id, const xf_incident_decision *in,
                                   int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "UPDATE incidents SET headcount = ?1, destination = ?2, advance_info = ?3,"
	    " in_scope = ?4, grade = ?5, grade_name = ?6, grade_computed = ?7,"
	    " procedure = coalesce(?8, procedure), procedure_name = coalesce(?9, procedure_name),"
	    " reasons = ?10, status = ?11,"
	    " escalation = CASE WHEN ?12 <> 0 THEN ?13 ELSE escalation END, updated_ms = ?14"
	    " WHERE id = ?15");
	xf_sql_bind_int64(st, 1, in->headcount);
	xf_sql_bind_text(st, 2, in->destination, -1);
	xf_sql_bind_int64(st, 3, in->advance_info);
	xf_sql_bind_int64(st, 4, in->in_scope);
	bind_text_or_null(st, 5, in->grade);
	bind_text_or_null(st, 6, in->grade_name);
	bind_text_or_null(st, 7, in->grade_computed);
	bind_text_or_null(st, 8, in->procedure);
	bind_text_or_null(st, 9, in->procedure_name);
	bind_json(st, 10, in->reasons, "[]");
	xf_sql_bind_text(st, 11, in->status, -1);
	xf_sql_bind_int64(st, 12, in->set_escalation);
	if (in->escalation)
		bind_json(st, 13, in->escalation, "null");
	xf_sql_bind_int64(st, 14, now_ms);
	xf_sql_bind_int64(st, 15, id);
	int rc = xf_row_changed(db, xf_db_exec(db, st));
	return rc == XF_OK ? end_open_tasks(db, id, in->status, now_ms) : rc;
}

int xf_store_incident_withdraw(xf_db *db, int64_t id, json_t *withdrawn, int64_t now_ms)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "UPDATE incidents SET status = 'withdrawn', withdrawn = ?1,"
	                      " updated_ms = ?2 WHERE id = ?3");
	bind_json(st, 1, withdrawn, "null");
	xf_sql_bind_int64(st, 2, now_ms);
	xf_sql_bind_int64(st, 3, id);
	int rc = xf_row_changed(db, xf_db_exec(db, st));
	return rc == XF_OK ? end_open_tasks(db, id, "withdrawn", now_ms) : rc;
}

int xf_store_incident_set_times(xf_db *db, int64_t id, int64_t occurred_ms, int64_t expected_ms,
                                const char *expected_destination, int64_t now_ms)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "UPDATE incidents SET occurred_ms = ?1, expected_ms = ?2,"
	                      " expected_destination = ?3, updated_ms = ?4 WHERE id = ?5");
	xf_sql_bind_int64(st, 1, occurred_ms);
	if (expected_ms)
		xf_sql_bind_int64(st, 2, expected_ms);
	bind_text_or_null(st, 3, expected_destination);
	xf_sql_bind_int64(st, 4, now_ms);
	xf_sql_bind_int64(st, 5, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

/* ---- tasks ---- */

int xf_store_task_insert(xf_db *db, const xf_task_new *in, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO tasks (incident_id, position, step_id, kind, title, text, workstream,"
	        " owner_kind, owner_value, assignee_id, evidence, dispatch, chooses_venue, round,"
	        " base_ms, due_minutes, due_ms, created_ms)"
	        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	xf_sql_bind_int64(st, 1, in->incident_id);
	xf_sql_bind_int64(st, 2, in->position);
	bind_text_or_null(st, 3, in->step_id);
	xf_sql_bind_text(st, 4, in->kind, -1);
	xf_sql_bind_text(st, 5, in->title, -1);
	xf_sql_bind_text(st, 6, in->text ? in->text : "", -1);
	bind_text_or_null(st, 7, in->workstream);
	xf_sql_bind_text(st, 8, in->owner_kind, -1);
	xf_sql_bind_text(st, 9, in->owner_value, -1);
	if (in->assignee_id)
		xf_sql_bind_int64(st, 10, in->assignee_id);
	bind_json(st, 11, in->evidence, "[]");
	bind_json(st, 12, in->dispatch, "[]");
	xf_sql_bind_int64(st, 13, in->chooses_venue);
	xf_sql_bind_int64(st, 14, in->round);
	xf_sql_bind_int64(st, 15, in->base_ms);
	xf_sql_bind_int64(st, 16, in->due_minutes);
	if (in->due_ms)
		xf_sql_bind_int64(st, 17, in->due_ms);
	xf_sql_bind_int64(st, 18, in->now_ms);
	return xf_row_insert(db, st, id);
}

#define TASK_ROW_COLUMNS                                                                           \
	"id, incident_id, coalesce(assignee_id, 0), base_ms, coalesce(due_ms, 0), position,"       \
	" due_minutes, round, kind, status, coalesce(step_id, ''), coalesce(workstream, ''),"      \
	" owner_kind, owner_value, title"

static void read_task_row(xf_sql_stmt *st, void *item)
{
	xf_task_row *out = item;
	memset(out, 0, sizeof *out);
	out->id = xf_sql_column_int64(st, 0);
	out->incident_id = xf_sql_column_int64(st, 1);
	out->assignee_id = xf_sql_column_int64(st, 2);
	out->base_ms = xf_sql_column_int64(st, 3);
	out->due_ms = xf_sql_column_int64(st, 4);
	out->position = xf_sql_column_int(st, 5);
	out->due_minutes = xf_sql_column_int(st, 6);
	out->round = xf_sql_column_int(st, 7);
	xf_row_copy(out->kind, sizeof out->kind, st, 8);
	xf_row_copy(out->status, sizeof out->status, st, 9);
	xf_row_copy(out->step_id, sizeof out->step_id, st, 10);
	xf_row_copy(out->workstream, sizeof out->workstream, st, 11);
	xf_row_copy(out->owner_kind, sizeof out->owner_kind, st, 12);
	xf_row_copy(out->owner_value, sizeof out->owner_value, st, 13);
	xf_row_copy(out->title, sizeof out->title, st, 14);
}

int xf_store_task_get(xf_db *db, int64_t id, xf_task_row *out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " TASK_ROW_COLUMNS " FROM tasks WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_task_row, out);
}

int xf_store_task_update(xf_db *db, int64_t id, const char *status, int64_t assignee_id,
                         const char *note, const char *skip_reason, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE tasks SET status = ?1, assignee_id = ?2, note = coalesce(?3, note),"
	        " skip_reason = coalesce(?4, skip_reason),"
	        " started_ms = CASE WHEN ?1 = 'in_progress' AND started_ms IS NULL THEN ?5"
	        "   ELSE started_ms END,"
	        " done_ms = CASE WHEN ?1 IN ('done','skipped') THEN ?5 ELSE done_ms END"
	        " WHERE id = ?6");
	xf_sql_bind_text(st, 1, status, -1);
	if (assignee_id)
		xf_sql_bind_int64(st, 2, assignee_id);
	if (note)
		xf_sql_bind_text(st, 3, note, -1);
	if (skip_reason)
		xf_sql_bind_text(st, 4, skip_reason, -1);
	xf_sql_bind_int64(st, 5, now_ms);
	xf_sql_bind_int64(st, 6, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_task_fulfilled_by(xf_db *db, int64_t id, int64_t report_id)
{
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE tasks SET report_id = ?1 WHERE id = ?2");
	xf_sql_bind_int64(st, 1, report_id);
	xf_sql_bind_int64(st, 2, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_task_set_due(xf_db *db, int64_t id, int64_t due_ms)
{
	/* A new due time in the future makes the task eligible for a new overdue notice. */
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE tasks SET due_ms = ?1,"
	        " overdue = CASE WHEN CAST(?1 AS BIGINT) IS NULL THEN 0 ELSE overdue END"
	        " WHERE id = ?2");
	if (due_ms)
		xf_sql_bind_int64(st, 1, due_ms);
	xf_sql_bind_int64(st, 2, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_tasks_open(xf_db *db, int64_t incident_id, xf_task_row **rows, size_t *n)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT " TASK_ROW_COLUMNS " FROM tasks"
	                      " WHERE incident_id = ? AND status IN ('pending','in_progress')"
	                      " ORDER BY position");
	xf_sql_bind_int64(st, 1, incident_id);
	void *items;
	int rc = xf_rows_read(db, st, sizeof **rows, read_task_row, &items, n);
	if (rc == XF_OK)
		*rows = items;
	return rc;
}

int xf_store_task_next_position(xf_db *db, int64_t incident_id, int *position)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT coalesce(max(position), 0) + 1 FROM tasks WHERE incident_id = ?");
	xf_sql_bind_int64(st, 1, incident_id);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	*position = xf_sql_column_int(st, 0);
	xf_sql_reset(st);
	return XF_OK;
}

int xf_store_task_count_kind(xf_db *db, int64_t incident_id, const char *kind, int *count)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT count(*) FROM tasks WHERE incident_id = ? AND kind = ?");
	xf_sql_bind_int64(st, 1, incident_id);
	xf_sql_bind_text(st, 2, kind, -1);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	*count = xf_sql_column_int(st, 0);
	xf_sql_reset(st);
	return XF_OK;
}

#define TASK_COLUMNS                                                                               \
	"t.id, t.incident_id, t.step_id, t.kind, t.title, t.text, t.workstream, t.owner_kind,"     \
	" t.owner_value, t.assignee_id, u.name, t.status, t.due_ms, t.overdue, t.evidence,"        \
	" t.dispatch, t.chooses_venue, t.round, t.note, t.skip_reason, t.started_ms, t.done_ms,"   \
	" t.position, t.report_id"

/* The column's text, owned; NULL for NULL. */
static char *text_dup(xf_sql_stmt *st, int i)
{
	return xf_sql_column_is_null(st, i) ? NULL : xf_strdup(xf_row_text(st, i));
}

static void read_task(xf_sql_stmt *st, void *item)
{
	xf_task_view *t = item;
	*t = (xf_task_view){
	    .id = xf_sql_column_int64(st, 0),
	    .incident_id = xf_sql_column_int64(st, 1),
	    .step_id = text_dup(st, 2),
	    .kind = xf_strdup(xf_row_text(st, 3)),
	    .title = xf_strdup(xf_row_text(st, 4)),
	    .text = xf_strdup(xf_row_text(st, 5)),
	    .workstream = text_dup(st, 6),
	    .owner_kind = xf_strdup(xf_row_text(st, 7)),
	    .owner_value = xf_strdup(xf_row_text(st, 8)),
	    .assignee_id = xf_sql_column_int64(st, 9),
	    .assignee_name = xf_strdup(xf_row_text(st, 10)),
	    .status = xf_strdup(xf_row_text(st, 11)),
	    .due_ms = xf_sql_column_int64(st, 12),
	    .evidence = text_dup(st, 14),
	    .dispatch = text_dup(st, 15),
	    .chooses_venue = xf_sql_column_int(st, 16) != 0,
	    .round = xf_sql_column_int(st, 17),
	    .note = xf_strdup(xf_row_text(st, 18)),
	    .skip_reason = xf_strdup(xf_row_text(st, 19)),
	    .started_ms = xf_sql_column_int64(st, 20),
	    .done_ms = xf_sql_column_int64(st, 21),
	    .position = xf_sql_column_int(st, 22),
	    .report_id = xf_sql_column_int64(st, 23),
	};
}

int xf_store_task_read(xf_db *db, int64_t id, xf_task_view *out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT " TASK_COLUMNS " FROM tasks t"
	                      " LEFT JOIN users u ON u.id = t.assignee_id WHERE t.id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_task, out);
}

int xf_store_task_rows(xf_db *db, int64_t incident_id, xf_task_view **rows, size_t *n)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " TASK_COLUMNS " FROM tasks t"
	                                    " LEFT JOIN users u ON u.id = t.assignee_id"
	                                    " WHERE t.incident_id = ? ORDER BY t.position, t.id");
	xf_sql_bind_int64(st, 1, incident_id);
	void *items;
	int rc = xf_rows_read(db, st, sizeof **rows, read_task, &items, n);
	if (rc == XF_OK)
		*rows = items;
	return rc;
}

int xf_store_task_json(xf_db *db, int64_t id, json_t **out)
{
	xf_task_view t;
	int rc = xf_store_task_read(db, id, &t);
	if (rc != XF_OK)
		return rc;
	*out = xf_task_json(&t, xf_now_ms());
	xf_task_view_free(&t);
	return XF_OK;
}

int xf_store_task_list(xf_db *db, int64_t incident_id, json_t **out)
{
	xf_task_view *rows;
	size_t n;
	int rc = xf_store_task_rows(db, incident_id, &rows, &n);
	if (rc != XF_OK)
		return rc;
	*out = xf_task_list_json(rows, n, xf_now_ms());
	xf_task_views_free(rows, n);
	return XF_OK;
}

int xf_store_tasks_newly_overdue(xf_db *db, int64_t now_ms, int64_t (*out)[2], size_t max,
                                 size_t *n)
{
	/* SQLite is told the index (its planner may otherwise walk every task by due
	 * time); PostgreSQL's planner finds the partial index itself. */
#define NEWLY_OVERDUE(tasks)                                                                       \
	"SELECT id, incident_id FROM " tasks " WHERE status IN ('pending','in_progress')"          \
	" AND overdue = 0 AND due_ms IS NOT NULL AND due_ms < ? ORDER BY due_ms LIMIT ?"
	xf_sql_stmt *st =
	    xf_db_prepare(db, XF_DB_SQL(db, NEWLY_OVERDUE("tasks INDEXED BY tasks_live_due"),
	                                NEWLY_OVERDUE("tasks")));
#undef NEWLY_OVERDUE
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, max);
	int rc;
	*n = 0;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		out[*n][0] = xf_sql_column_int64(st, 0);
		out[*n][1] = xf_sql_column_int64(st, 1);
		(*n)++;
	}
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}

int xf_store_task_mark_overdue(xf_db *db, int64_t id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "UPDATE tasks SET overdue = 1 WHERE id = ? AND overdue = 0");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

/* ---- the timeline ---- */

static json_t *read_timeline_entry(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o}", "seq", (json_int_t)xf_sql_column_int64(st, 0),
	                 "at", xf_row_text(st, 1), "actor", xf_row_text(st, 2), "action",
	                 xf_row_text(st, 3), "data", json_column(st, 4));
}

int xf_store_timeline(xf_db *db, int64_t incident_id, int limit, json_t **out)
{
	char id_text[24];
	snprintf(id_text, sizeof id_text, "%lld", (long long)incident_id);
	/* Newest first, then reversed, so a limit keeps the newest entries. The whole
	 * timeline is in the order things happened (a note's 发生时间 "at" in its data, both
	 * times in the same ISO form, so they compare as text), then as recorded; a limited
	 * one holds the entries recorded last. */
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT seq, at, actor, action, data FROM events WHERE object_type = 'incident'"
	        " AND object_id = ?1 ORDER BY CASE WHEN ?3 = 0 THEN coalesce(CASE WHEN action ="
	        " 'note.create' THEN json_extract(data, '$.at') END, at) END DESC, seq DESC"
	        " LIMIT ?2");
	xf_sql_bind_text(st, 1, id_text, -1);
	xf_sql_bind_int64(st, 2, limit > 0 ? limit : INT64_MAX);
	xf_sql_bind_int64(st, 3, limit > 0);
	json_t *newest;
	int rc = xf_rows_json(db, st, read_timeline_entry, &newest);
	if (rc != XF_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = json_array_size(newest); i > 0; i--)
		json_array_append(list, json_array_get(newest, i - 1));
	json_decref(newest);
	*out = list;
	return XF_OK;
}

/* ---- dispatches ---- */

int xf_store_dispatch_insert(xf_db *db, int64_t incident_id, const char *resource, int quantity,
                             const char *note, const char *ordered_by, int64_t now_ms, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO dispatches (incident_id, resource, quantity,"
	        " note, ordered_ms, ordered_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	xf_sql_bind_int64(st, 1, incident_id);
	xf_sql_bind_text(st, 2, resource, -1);
	xf_sql_bind_int64(st, 3, quantity);
	xf_sql_bind_text(st, 4, note ? note : "", -1);
	xf_sql_bind_int64(st, 5, now_ms);
	xf_sql_bind_text(st, 6, ordered_by, -1);
	return xf_row_insert(db, st, id);
}

int xf_store_dispatch_update(xf_db *db, int64_t id, int64_t eta_ms, bool arrived, bool released,
                             const char *note, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "UPDATE dispatches SET eta_ms = coalesce(?1, eta_ms),"
	    " arrived_ms = CASE WHEN ?2 = 1 THEN coalesce(arrived_ms, ?5) ELSE arrived_ms END,"
	    " released_ms = CASE WHEN ?3 = 1 THEN coalesce(released_ms, ?5) ELSE released_ms END,"
	    " note = coalesce(?4, note) WHERE id = ?6");
	if (eta_ms)
		xf_sql_bind_int64(st, 1, eta_ms);
	xf_sql_bind_int64(st, 2, arrived);
	xf_sql_bind_int64(st, 3, released);
	if (note)
		xf_sql_bind_text(st, 4, note, -1);
	xf_sql_bind_int64(st, 5, now_ms);
	xf_sql_bind_int64(st, 6, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

#define DISPATCH_COLUMNS                                                                           \
	"id, incident_id, resource, quantity, note, ordered_ms, eta_ms, arrived_ms,"               \
	" released_ms, ordered_by"

static json_t *read_dispatch(xf_sql_stmt *st)
{
	const char *status = !xf_sql_column_is_null(st, 8)   ? "released"
	                     : !xf_sql_column_is_null(st, 7) ? "arrived"
	                     : !xf_sql_column_is_null(st, 6) ? "en_route"
	                                                     : "ordered";
	return json_pack("{s:I, s:I, s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:s}", "id",
	                 (json_int_t)xf_sql_column_int64(st, 0), "incident_id",
	                 (json_int_t)xf_sql_column_int64(st, 1), "resource", xf_row_text(st, 2),
	                 "quantity", xf_sql_column_int(st, 3), "note", xf_row_text(st, 4), "status",
	                 status, "ordered_at", xf_row_time(st, 5), "eta_at", xf_row_time(st, 6),
	                 "arrived_at", xf_row_time(st, 7), "released_at", xf_row_time(st, 8),
	                 "ordered_by", xf_row_text(st, 9));
}

int xf_store_dispatch_json(xf_db *db, int64_t id, json_t **out, int64_t *incident_id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT " DISPATCH_COLUMNS " FROM dispatches WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	*out = read_dispatch(st);
	*incident_id = xf_sql_column_int64(st, 1);
	xf_sql_reset(st);
	return XF_OK;
}

int xf_store_dispatch_list(xf_db *db, int64_t incident_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " DISPATCH_COLUMNS
	                                    " FROM dispatches WHERE incident_id = ? ORDER BY id");
	xf_sql_bind_int64(st, 1, incident_id);
	return xf_rows_json(db, st, read_dispatch, out);
}

int xf_store_note_append(xf_db *db, const xf_actor *actor, const char *incident_id, json_t *data,
                         int64_t *seq)
{
	int rc = xf_audit_append(db, actor, "note.create", "incident", incident_id, data);
	if (rc != XF_OK)
		return rc;
	/* The event just appended is the chain's last: the transaction holds the chain. */
	return xf_row_int64(db, xf_db_prepare(db, "SELECT max(seq) FROM events"), seq);
}

/* ---- the live feed ---- */

int xf_store_last_event_seq(xf_db *db, int64_t *seq)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT coalesce(max(seq), 0) FROM events");
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	*seq = xf_sql_column_int64(st, 0);
	xf_sql_reset(st);
	return XF_OK;
}

static json_t *read_feed_event(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s}", "seq", (json_int_t)xf_sql_column_int64(st, 0),
	                 "incident_id", (json_int_t)xf_sql_column_int64(st, 1), "action",
	                 xf_row_text(st, 2), "at", xf_row_text(st, 3), "actor", xf_row_text(st, 4));
}

int xf_store_incident_events_after(xf_db *db, int64_t after, int limit, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT seq, CAST(object_id AS INTEGER), action, at, actor FROM events"
	        " WHERE seq > ? AND object_type = 'incident' ORDER BY seq LIMIT ?");
	xf_sql_bind_int64(st, 1, after);
	xf_sql_bind_int64(st, 2, limit);
	*out = NULL;
	return xf_rows_json(db, st, read_feed_event, out);
}

static int collect_ids(xf_db *db, xf_sql_stmt *st, int64_t *ids, size_t max, size_t *n)
{
	int rc;
	*n = 0;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW && *n < max)
		ids[(*n)++] = xf_sql_column_int64(st, 0);
	xf_sql_reset(st);
	return rc == XF_SQL_ROW || rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}

int xf_store_incident_links(xf_db *db, int64_t incident_id, int64_t *units, size_t max_units,
                            size_t *n_units, int64_t *assignees, size_t max_assignees,
                            size_t *n_assignees)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT unit_id FROM incident_units WHERE incident_id = ?");
	xf_sql_bind_int64(st, 1, incident_id);
	int rc = collect_ids(db, st, units, max_units, n_units);
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db, "SELECT DISTINCT assignee_id FROM tasks WHERE incident_id = ?"
	                       " AND assignee_id IS NOT NULL");
	xf_sql_bind_int64(st, 1, incident_id);
	return collect_ids(db, st, assignees, max_assignees, n_assignees);
}

int xf_store_unit_subtree(xf_db *db, int64_t unit_id, int64_t **ids, size_t *n)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) UNION SELECT u.id FROM units u"
	        " JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub");
	xf_sql_bind_int64(st, 1, unit_id);
	return xf_rows_ids(db, st, ids, n);
}
