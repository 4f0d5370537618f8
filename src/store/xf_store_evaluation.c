/* Evaluations, final reports and the rows of the closing rules: the SQL of
 * xf_store_evaluation.h (tables of migration 13 in xf_migrations.c). */
#include "store/xf_store_evaluation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/xf_store_db.h"
#include "store/xf_store_rows.h"
#include "util/xf_util.h"

static json_t *json_column(xf_sql_stmt *st, int i)
{
	json_error_t je;
	json_t *v = json_loads(xf_row_text(st, i), JSON_DECODE_ANY, &je);
	return v ? v : json_null();
}

static json_t *read_evaluation(xf_sql_stmt *st)
{
	return json_pack("{s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "scores", json_column(st, 0),
	                 "lessons", xf_row_text(st, 1), "facts", json_column(st, 2), "completed_at",
	                 xf_row_time(st, 3), "completed_by", xf_row_id(st, 4), "updated_at",
	                 xf_row_time(st, 5), "updated_by", xf_row_id(st, 6));
}

int xf_store_evaluation_get(xf_db *db, int64_t incident_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT scores, lessons, facts, completed_ms, completed_by, updated_ms, updated_by"
	        " FROM evaluations WHERE incident_id = ?");
	xf_sql_bind_int64(st, 1, incident_id);
	return xf_row_json(db, st, read_evaluation, out);
}

/* Whether the one row of st (a yes/no question, its answer no when there is no row)
 * says yes. */
static int row_flag(xf_db *db, xf_sql_stmt *st, bool *flag)
{
	int64_t v = 0;
	int rc = xf_row_int64(db, st, &v);
	*flag = rc == XF_OK && v != 0;
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

int xf_store_evaluation_completed(xf_db *db, int64_t incident_id, bool *completed)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT completed_ms IS NOT NULL FROM evaluations WHERE incident_id = ?");
	xf_sql_bind_int64(st, 1, incident_id);
	return row_flag(db, st, completed);
}

int xf_store_evaluation_save(xf_db *db, int64_t incident_id, const json_t *scores,
                             const char *lessons, const json_t *facts, bool complete, int64_t by,
                             int64_t now_ms)
{
	char *scores_text = json_dumps(scores, JSON_COMPACT | JSON_SORT_KEYS);
	char *facts_text = json_dumps(facts, JSON_COMPACT);
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO evaluations (incident_id, scores, lessons, facts, completed_ms,"
	        " completed_by, updated_ms, updated_by) VALUES (?1, ?2, ?3, ?4,"
	        " CASE WHEN ?5 <> 0 THEN CAST(?6 AS BIGINT) END,"
	        " CASE WHEN ?5 <> 0 THEN CAST(?7 AS BIGINT) END, ?6, ?7)"
	        " ON CONFLICT (incident_id) DO UPDATE SET scores = excluded.scores,"
	        " lessons = excluded.lessons, facts = excluded.facts,"
	        " completed_ms = coalesce(excluded.completed_ms, evaluations.completed_ms),"
	        " completed_by = coalesce(excluded.completed_by, evaluations.completed_by),"
	        " updated_ms = excluded.updated_ms, updated_by = excluded.updated_by");
	xf_sql_bind_int64(st, 1, incident_id);
	xf_sql_bind_text(st, 2, scores_text ? scores_text : "{}", -1);
	xf_sql_bind_text(st, 3, lessons ? lessons : "", -1);
	xf_sql_bind_text(st, 4, facts_text ? facts_text : "{}", -1);
	xf_sql_bind_int64(st, 5, complete);
	xf_sql_bind_int64(st, 6, now_ms);
	xf_sql_bind_int64(st, 7, by);
	free(scores_text);
	free(facts_text);
	return xf_db_exec(db, st);
}

int xf_store_final_report_issued(xf_db *db, int64_t incident_id, bool *issued)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT EXISTS (SELECT 1 FROM reports WHERE incident_id = ? AND kind = 'final'"
	        " AND status = 'issued')");
	xf_sql_bind_int64(st, 1, incident_id);
	return row_flag(db, st, issued);
}

/* "2026-11-28T23:10:29.123Z" (events.at) as ms; 0 when it does not read. */
static int64_t iso_ms(const char *s)
{
	struct tm tm = {0};
	int ms = 0;
	if (sscanf(s, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	           &tm.tm_min, &tm.tm_sec, &ms) < 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000 + ms;
}

/* A task as read: the rules' view of it and the strings it points to. */
typedef struct task_row {
	xf_close_task task;
	char kind[16], status[16], step_id[32], title[256];
} task_row;

static void read_task_row(xf_sql_stmt *st, void *row)
{
	task_row *t = row;
	t->task = (xf_close_task){.id = xf_sql_column_int64(st, 0),
	                          .due_ms = xf_sql_column_int64(st, 5),
	                          .done_ms = xf_sql_column_int64(st, 6)};
	xf_row_copy(t->kind, sizeof t->kind, st, 1);
	xf_row_copy(t->status, sizeof t->status, st, 2);
	xf_row_copy(t->step_id, sizeof t->step_id, st, 3);
	xf_row_copy(t->title, sizeof t->title, st, 4);
}

static int read_tasks(xf_db *db, int64_t incident_id, xf_close_rows *out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id, kind, status, coalesce(step_id, ''), title, coalesce(due_ms, 0),"
	        " coalesce(done_ms, 0) FROM tasks WHERE incident_id = ? ORDER BY position, id");
	xf_sql_bind_int64(st, 1, incident_id);
	void *rows;
	size_t n;
	int rc = xf_rows_read(db, st, sizeof(task_row), read_task_row, &rows, &n);
	if (rc != XF_OK)
		return rc;
	/* the rules take the tasks as one array; their strings stay in the rows */
	task_row *text = rows;
	xf_close_task *tasks = xf_calloc(n ? n : 1, sizeof *tasks);
	for (size_t i = 0; i < n; i++) {
		tasks[i] = text[i].task;
		tasks[i].kind = text[i].kind;
		tasks[i].status = text[i].status;
		tasks[i].step_id = text[i].step_id;
		tasks[i].title = text[i].title;
	}
	out->tasks = tasks;
	out->text = text;
	out->eval.tasks = tasks;
	out->eval.n_tasks = n;
	return XF_OK;
}

static int read_people(xf_db *db, int64_t incident_id, xf_close_rows *out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT ip.person_id FROM incident_persons ip WHERE ip.incident_id = ?1"
	        " AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = ip.person_id"
	        " AND (a.ended_ms IS NULL OR a.incident_id = ?1)) ORDER BY ip.person_id");
	xf_sql_bind_int64(st, 1, incident_id);
	int rc = xf_rows_ids(db, st, &out->without_official, &out->eval.n_without_official);
	if (rc != XF_OK)
		return rc;
	out->eval.without_official = out->without_official;

	st = xf_db_prepare(
	    db, "SELECT (SELECT count(*) FROM incident_persons WHERE incident_id = ?1),"
	        " count(*), count(concluded_ms), count(CASE satisfaction WHEN 'satisfied'"
	        " THEN 1 END), count(CASE satisfaction WHEN 'basically_satisfied' THEN 1 END),"
	        " count(CASE satisfaction WHEN 'unsatisfied' THEN 1 END) FROM matters"
	        " WHERE incident_id = ?1");
	xf_sql_bind_int64(st, 1, incident_id);
	if ((rc = xf_row_one(db, st)) != XF_OK)
		return rc;
	out->eval.petitioners = xf_sql_column_int(st, 0);
	out->eval.matters = xf_sql_column_int(st, 1);
	out->eval.matters_resolved = xf_sql_column_int(st, 2);
	out->eval.satisfied = xf_sql_column_int(st, 3);
	out->eval.basically_satisfied = xf_sql_column_int(st, 4);
	out->eval.unsatisfied = xf_sql_column_int(st, 5);
	xf_sql_reset(st);
	return XF_OK;
}

int xf_store_close_rows(xf_db *db, int64_t incident_id, xf_close_rows *out)
{
	memset(out, 0, sizeof *out);
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT coalesce(occurred_ms, registered_ms), coalesce(activated_ms, 0),"
	        " (SELECT coalesce(min(arrived_ms), 0) FROM dispatches WHERE incident_id = ?1),"
	        " (SELECT at FROM events WHERE object_type = 'incident' AND object_id = ?2"
	        "   AND action = 'incident.transition' AND json_extract(data, '$.to') = 'replying'"
	        "   ORDER BY seq LIMIT 1)"
	        " FROM incidents WHERE id = ?1");
	char id_text[24];
	snprintf(id_text, sizeof id_text, "%lld", (long long)incident_id);
	xf_sql_bind_int64(st, 1, incident_id);
	xf_sql_bind_text(st, 2, id_text, -1);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	out->eval.occurred_ms = xf_sql_column_int64(st, 0);
	out->eval.activated_ms = xf_sql_column_int64(st, 1);
	out->eval.first_arrival_ms = xf_sql_column_int64(st, 2);
	out->eval.reply_ms = iso_ms(xf_row_text(st, 3));
	xf_sql_reset(st);
	rc = read_tasks(db, incident_id, out);
	if (rc == XF_OK)
		rc = read_people(db, incident_id, out);
	if (rc != XF_OK)
		xf_store_close_rows_free(out);
	return rc;
}

void xf_store_close_rows_free(xf_close_rows *rows)
{
	free(rows->tasks);
	free(rows->text);
	free(rows->without_official);
	memset(rows, 0, sizeof *rows);
}
