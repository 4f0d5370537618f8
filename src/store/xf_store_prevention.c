/* Prevention in SQL (xf_store_prevention.h): screening campaigns, the risk register,
 * early warnings and care schedules, written once for SQLite and PostgreSQL. Rows are
 * read into JSON objects by column name (row_object), so each list is its SELECT. */
#include "store/xf_store_prevention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/xf_store_db.h"
#include "store/xf_store_rows.h"

/* Units of the subtree of ?N (0: every unit), as "X IN (...)" for column col. */
#define IN_SUBTREE(col, n)                                                                         \
	"(CAST(?" n " AS BIGINT) = 0 OR " col " IN (WITH RECURSIVE sub(id) AS (SELECT CAST(?" n    \
	" AS BIGINT) UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)"             \
	" SELECT id FROM sub))"

/* A row as an object: "x_ms" columns become "x_at" ISO times, "x_json" columns the JSON
 * value as "x", "x_flag" columns booleans as "x"; other columns keep their value. */
static json_t *row_object(xf_sql_stmt *st)
{
	json_t *o = json_object();
	int n = xf_sql_column_count(st);
	for (int i = 0; i < n; i++) {
		const char *name = xf_sql_column_name(st, i);
		size_t len = strlen(name);
		char key[64];
		snprintf(key, sizeof key, "%s", name);
		json_t *v;
		if (len > 3 && strcmp(name + len - 3, "_ms") == 0) {
			snprintf(key + len - 3, sizeof key - (len - 3), "_at");
			v = xf_row_time(st, i);
		} else if (len > 5 && strcmp(name + len - 5, "_json") == 0) {
			key[len - 5] = '\0';
			v = xf_sql_column_is_null(st, i)
			        ? json_null()
			        : json_loads(xf_row_text(st, i), JSON_DECODE_ANY, NULL);
			if (!v)
				v = json_null();
		} else if (len > 5 && strcmp(name + len - 5, "_flag") == 0) {
			key[len - 5] = '\0';
			v = json_boolean(xf_sql_column_int64(st, i) != 0);
		} else {
			switch (xf_sql_column_kind(st, i)) {
			case XF_SQL_KIND_INTEGER:
				v = json_integer(xf_sql_column_int64(st, i));
				break;
			case XF_SQL_KIND_REAL:
				v = json_real(xf_sql_column_double(st, i));
				break;
			case XF_SQL_KIND_NULL:
				v = json_null();
				break;
			default:
				v = json_string(xf_row_text(st, i));
			}
		}
		json_object_set_new(o, key, v ? v : json_null());
	}
	return o;
}

static void bind_text_or_null(xf_sql_stmt *st, int i, const char *s)
{
	if (s)
		xf_sql_bind_text(st, i, s, -1);
	else
		xf_sql_bind_null(st, i);
}

/* ---- screening ---- */

int xf_store_campaign_insert(xf_db *db, const xf_campaign_in *in, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "INSERT INTO screening_campaigns (title, kind, period_from, period_to, due_date,"
	    " due_ms, checklist, note, created_by, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?) RETURNING id");
	xf_sql_bind_text(st, 1, in->title, -1);
	xf_sql_bind_text(st, 2, in->kind, -1);
	xf_sql_bind_text(st, 3, in->period_from, -1);
	xf_sql_bind_text(st, 4, in->period_to, -1);
	xf_sql_bind_text(st, 5, in->due_date, -1);
	xf_sql_bind_int64(st, 6, in->due_ms);
	xf_sql_bind_text(st, 7, in->checklist_json, -1);
	xf_sql_bind_text(st, 8, in->note ? in->note : "", -1);
	xf_bind_id(st, 9, in->created_by);
	xf_sql_bind_int64(st, 10, in->now_ms);
	int rc = xf_row_insert(db, st, id);
	for (size_t i = 0; rc == XF_OK && i < in->n_units; i++) {
		st = xf_db_prepare(db, "INSERT INTO screening_reports (campaign_id, unit_id)"
		                       " VALUES (?, ?)");
		xf_sql_bind_int64(st, 1, *id);
		xf_sql_bind_int64(st, 2, in->units[i]);
		rc = xf_db_exec(db, st);
	}
	return rc;
}

#define CAMPAIGN_COLUMNS                                                                           \
	"c.id, c.title, c.kind, c.period_from, c.period_to, c.due_date, c.due_ms,"                 \
	" c.checklist AS checklist_json, c.note, c.created_by, c.created_ms"

int xf_store_campaign_json(xf_db *db, int64_t id, int64_t now_ms, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " CAMPAIGN_COLUMNS
	                                    " FROM screening_campaigns c WHERE c.id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_row_json(db, st, row_object, out);
	if (rc != XF_OK)
		return rc;
	json_t *reports = NULL, *findings = NULL;
	st = xf_db_prepare(
	    db,
	    "SELECT r.unit_id, u.name AS unit_name, r.status, r.note, r.reported_ms,"
	    " r.reported_by, ru.name AS reported_by_name,"
	    " CASE WHEN r.status = 'pending' AND c.due_ms < ?2 THEN 1 ELSE 0 END AS overdue_flag,"
	    " CASE WHEN r.reported_ms > c.due_ms THEN 1 ELSE 0 END AS late_flag"
	    " FROM screening_reports r JOIN screening_campaigns c ON c.id = r.campaign_id"
	    " JOIN units u ON u.id = r.unit_id LEFT JOIN users ru ON ru.id = r.reported_by"
	    " WHERE r.campaign_id = ?1 ORDER BY u.name, r.unit_id");
	xf_sql_bind_int64(st, 1, id);
	xf_sql_bind_int64(st, 2, now_ms);
	rc = xf_rows_json(db, st, row_object, &reports);
	if (rc == XF_OK) {
		st = xf_db_prepare(db, "SELECT f.id, f.unit_id, u.name AS unit_name, f.text,"
		                       " f.headcount, f.risk_id, f.created_by, f.created_ms"
		                       " FROM screening_findings f JOIN units u ON u.id = f.unit_id"
		                       " WHERE f.campaign_id = ? ORDER BY f.id");
		xf_sql_bind_int64(st, 1, id);
		rc = xf_rows_json(db, st, row_object, &findings);
	}
	if (rc != XF_OK) {
		json_decref(reports);
		json_decref(*out);
		return rc;
	}
	json_object_set_new(*out, "reports", reports);
	json_object_set_new(*out, "findings", findings);
	return XF_OK;
}

int xf_store_campaign_list(xf_db *db, int64_t unit_id, int64_t now_ms, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "SELECT " CAMPAIGN_COLUMNS ","
	    " (SELECT count(*) FROM screening_reports r WHERE r.campaign_id = c.id) AS units,"
	    " (SELECT count(*) FROM screening_reports r WHERE r.campaign_id = c.id"
	    "   AND r.status != 'pending') AS reported,"
	    " (SELECT count(*) FROM screening_reports r WHERE r.campaign_id = c.id"
	    "   AND r.status = 'pending' AND c.due_ms < ?2) AS overdue,"
	    " (SELECT count(*) FROM screening_findings f WHERE f.campaign_id = c.id) AS findings"
	    " FROM screening_campaigns c WHERE CAST(?1 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM"
	    " screening_reports r WHERE r.campaign_id = c.id AND " IN_SUBTREE(
	        "r.unit_id", "1") ") ORDER BY c.id DESC LIMIT 200");
	xf_sql_bind_int64(st, 1, unit_id);
	xf_sql_bind_int64(st, 2, now_ms);
	return xf_rows_json(db, st, row_object, out);
}

int xf_store_screening_status(xf_db *db, int64_t campaign_id, int64_t unit_id, char *status,
                              size_t size)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT status FROM screening_reports WHERE campaign_id = ? AND unit_id = ?");
	xf_sql_bind_int64(st, 1, campaign_id);
	xf_sql_bind_int64(st, 2, unit_id);
	int rc = xf_row_one(db, st);
	if (rc == XF_OK) {
		xf_row_copy(status, size, st, 0);
		xf_sql_reset(st);
	}
	return rc;
}

int xf_store_screening_report(xf_db *db, int64_t campaign_id, int64_t unit_id, const char *status,
                              const char *note, int64_t by, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE screening_reports SET status = ?, note = coalesce(?, note),"
	        " reported_ms = coalesce(reported_ms, ?), reported_by = coalesce(reported_by, ?)"
	        " WHERE campaign_id = ? AND unit_id = ?");
	xf_sql_bind_text(st, 1, status, -1);
	bind_text_or_null(st, 2, note);
	xf_sql_bind_int64(st, 3, now_ms);
	xf_sql_bind_int64(st, 4, by);
	xf_sql_bind_int64(st, 5, campaign_id);
	xf_sql_bind_int64(st, 6, unit_id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_screening_finding_insert(xf_db *db, int64_t campaign_id, int64_t unit_id,
                                      const char *text, int64_t headcount, int64_t by,
                                      int64_t now_ms, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO screening_findings (campaign_id, unit_id, text, headcount, created_by,"
	        " created_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	xf_sql_bind_int64(st, 1, campaign_id);
	xf_sql_bind_int64(st, 2, unit_id);
	xf_sql_bind_text(st, 3, text, -1);
	if (headcount > 0)
		xf_sql_bind_int64(st, 4, headcount);
	xf_bind_id(st, 5, by);
	xf_sql_bind_int64(st, 6, now_ms);
	return xf_row_insert(db, st, id);
}

static void read_finding(xf_sql_stmt *st, void *out)
{
	xf_screening_finding_row *f = out;
	xf_row_int64s(st, 0, &f->id, &f->campaign_id, &f->unit_id, &f->headcount, &f->risk_id,
	              (int64_t *)NULL);
	xf_row_copy(f->text, sizeof f->text, st, 5);
}

int xf_store_screening_finding_get(xf_db *db, int64_t id, xf_screening_finding_row *out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "SELECT id, campaign_id, unit_id, coalesce(headcount, 0), coalesce(risk_id, 0), text"
	    " FROM screening_findings WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_finding, out);
}

int xf_store_screening_finding_set_risk(xf_db *db, int64_t id, int64_t risk_id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "UPDATE screening_findings SET risk_id = ? WHERE id = ?");
	xf_sql_bind_int64(st, 1, risk_id);
	xf_sql_bind_int64(st, 2, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

/* ---- the register ---- */

int xf_store_risk_insert(xf_db *db, const xf_risk_in *in, int64_t by, int64_t now_ms, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO risks (title, description, unit_id, category, headcount, risk_level,"
	        " suggested_level, level_basis, leader_id, official_id, resolution_plan,"
	        " deadline_date, expected_visit_date, status, trend, created_by, created_ms,"
	        " updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	        " ?15, ?16, ?17, ?17) RETURNING id");
	xf_sql_bind_text(st, 1, in->title, -1);
	xf_sql_bind_text(st, 2, in->description ? in->description : "", -1);
	xf_sql_bind_int64(st, 3, in->unit_id);
	xf_sql_bind_text(st, 4, in->category ? in->category : "", -1);
	if (in->headcount > 0)
		xf_sql_bind_int64(st, 5, in->headcount);
	else
		xf_sql_bind_null(st, 5);
	xf_sql_bind_text(st, 6, in->risk_level, -1);
	xf_sql_bind_text(st, 7, in->suggested_level, -1);
	xf_sql_bind_text(st, 8, in->level_basis ? in->level_basis : "", -1);
	xf_bind_id(st, 9, in->leader_id);
	xf_bind_id(st, 10, in->official_id);
	xf_sql_bind_text(st, 11, in->resolution_plan ? in->resolution_plan : "", -1);
	bind_text_or_null(st, 12, in->deadline_date);
	bind_text_or_null(st, 13, in->expected_visit_date);
	xf_sql_bind_text(st, 14, in->status ? in->status : "open", -1);
	xf_sql_bind_text(st, 15, in->trend ? in->trend : "stable", -1);
	xf_bind_id(st, 16, by);
	xf_sql_bind_int64(st, 17, now_ms);
	return xf_row_insert(db, st, id);
}

int xf_store_risk_update(xf_db *db, int64_t id, const xf_risk_in *in, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "UPDATE risks SET title = coalesce(?1, title), description = coalesce(?2, description),"
	    " category = coalesce(?3, category),"
	    " headcount = CASE WHEN CAST(?4 AS BIGINT) < 0 THEN headcount WHEN CAST(?4 AS BIGINT)"
	    "   = 0 THEN NULL ELSE ?4 END,"
	    " risk_level = coalesce(?5, risk_level), suggested_level = coalesce(?6, "
	    "suggested_level),"
	    " level_basis = coalesce(?7, level_basis),"
	    " leader_id = CASE WHEN CAST(?8 AS BIGINT) < 0 THEN leader_id WHEN CAST(?8 AS BIGINT)"
	    "   = 0 THEN NULL ELSE ?8 END,"
	    " official_id = CASE WHEN CAST(?9 AS BIGINT) < 0 THEN official_id"
	    "   WHEN CAST(?9 AS BIGINT) = 0 THEN NULL ELSE ?9 END,"
	    " resolution_plan = coalesce(?10, resolution_plan),"
	    " deadline_date = CASE WHEN ?11 = 1 THEN NULL ELSE coalesce(?12, deadline_date) END,"
	    " expected_visit_date = CASE WHEN ?13 = 1 THEN NULL"
	    "   ELSE coalesce(?14, expected_visit_date) END,"
	    " status = coalesce(?15, status), trend = coalesce(?16, trend),"
	    " outcome = coalesce(?17, outcome),"
	    " closed_ms = CASE WHEN ?15 = 'closed' THEN coalesce(closed_ms, ?18)"
	    "   WHEN ?15 IS NULL THEN closed_ms ELSE NULL END,"
	    " unit_id = CASE WHEN CAST(?19 AS BIGINT) > 0 THEN ?19 ELSE unit_id END,"
	    " updated_ms = ?18 WHERE id = ?20");
	bind_text_or_null(st, 1, in->title);
	bind_text_or_null(st, 2, in->description);
	bind_text_or_null(st, 3, in->category);
	xf_sql_bind_int64(st, 4, in->headcount);
	bind_text_or_null(st, 5, in->risk_level);
	bind_text_or_null(st, 6, in->suggested_level);
	bind_text_or_null(st, 7, in->level_basis);
	xf_sql_bind_int64(st, 8, in->leader_id);
	xf_sql_bind_int64(st, 9, in->official_id);
	bind_text_or_null(st, 10, in->resolution_plan);
	xf_sql_bind_int64(st, 11, in->clear_deadline);
	bind_text_or_null(st, 12, in->deadline_date);
	xf_sql_bind_int64(st, 13, in->clear_expected);
	bind_text_or_null(st, 14, in->expected_visit_date);
	bind_text_or_null(st, 15, in->status);
	bind_text_or_null(st, 16, in->trend);
	bind_text_or_null(st, 17, in->outcome);
	xf_sql_bind_int64(st, 18, now_ms);
	xf_sql_bind_int64(st, 19, in->unit_id);
	xf_sql_bind_int64(st, 20, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

static void read_risk(xf_sql_stmt *st, void *out)
{
	xf_risk_row *r = out;
	xf_row_int64s(st, 0, &r->id, &r->unit_id, &r->headcount, &r->official_id, &r->leader_id,
	              (int64_t *)NULL);
	xf_row_copy(r->risk_level, sizeof r->risk_level, st, 5);
	xf_row_copy(r->status, sizeof r->status, st, 6);
	xf_row_copy(r->trend, sizeof r->trend, st, 7);
	xf_row_copy(r->expected_visit_date, sizeof r->expected_visit_date, st, 8);
	xf_row_copy(r->deadline_date, sizeof r->deadline_date, st, 9);
	xf_row_copy(r->title, sizeof r->title, st, 10);
}

int xf_store_risk_get(xf_db *db, int64_t id, xf_risk_row *out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id, unit_id, coalesce(headcount, 0), coalesce(official_id, 0),"
	        " coalesce(leader_id, 0), risk_level, status, trend, expected_visit_date,"
	        " deadline_date, title FROM risks WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_risk, out);
}

int xf_store_unit_within(xf_db *db, int64_t unit_id, int64_t top_id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT 1 FROM units x WHERE x.id = ?2 AND " IN_SUBTREE("x.id", "1"));
	xf_sql_bind_int64(st, 1, top_id);
	xf_sql_bind_int64(st, 2, unit_id);
	int rc = xf_row_one(db, st);
	xf_sql_reset(st);
	return rc;
}

#define RISK_COLUMNS                                                                               \
	"r.id, r.title, r.description, r.unit_id, u.name AS unit_name, r.category, r.headcount,"   \
	" r.risk_level, r.suggested_level, r.level_basis, r.leader_id, lu.name AS leader_name,"    \
	" r.official_id, ou.name AS official_name, r.resolution_plan, r.deadline_date,"            \
	" r.expected_visit_date, r.status, r.trend, r.outcome, r.created_by, r.created_ms,"        \
	" r.updated_ms, r.closed_ms"
#define RISK_FROM                                                                                  \
	" FROM risks r JOIN units u ON u.id = r.unit_id LEFT JOIN users lu ON lu.id = r.leader_id" \
	" LEFT JOIN users ou ON ou.id = r.official_id"

int xf_store_risk_json(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " RISK_COLUMNS RISK_FROM " WHERE r.id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_row_json(db, st, row_object, out);
	if (rc != XF_OK)
		return rc;
	rc = xf_rows_json_key(db, *out, "persons",
	                      "SELECT p.id, p.name, p.unit_id, p.employment FROM risk_persons rp"
	                      " JOIN persons p ON p.id = rp.person_id WHERE rp.risk_id = ?"
	                      " ORDER BY p.id",
	                      id, row_object);
	if (rc == XF_OK)
		rc = xf_rows_json_key(
		    db, *out, "progress",
		    "SELECT g.id, g.at_ms, g.author_id, au.name AS author_name,"
		    " g.text, g.status, g.trend, g.risk_level FROM risk_progress g"
		    " LEFT JOIN users au ON au.id = g.author_id WHERE g.risk_id = ?"
		    " ORDER BY g.at_ms, g.id",
		    id, row_object);
	if (rc == XF_OK)
		rc = xf_rows_json_key(
		    db, *out, "assignments",
		    "SELECT a.id, a.person_id, a.official_id, a.status,"
		    " a.interval_days, a.next_due_ms, a.ended_ms FROM assignments a"
		    " WHERE a.risk_id = ? ORDER BY a.id",
		    id, row_object);
	if (rc != XF_OK)
		json_decref(*out);
	return rc;
}

int xf_store_risk_list(xf_db *db, int64_t unit_id, const char *level, const char *status,
                       int64_t official_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "SELECT " RISK_COLUMNS ","
	    " (SELECT count(*) FROM risk_persons rp WHERE rp.risk_id = r.id) AS persons" RISK_FROM
	    " WHERE " IN_SUBTREE(
	        "r.unit_id",
	        "1") " AND (CAST(?2 AS TEXT) IS NULL OR"
	             " r.risk_level = ?2) AND (CAST(?3 AS TEXT) IS NULL OR r.status = ?3)"
	             " AND (CAST(?4 AS BIGINT) = 0 OR r.official_id = ?4)"
	             " ORDER BY CASE r.status WHEN 'closed' THEN 1 ELSE 0 END,"
	             " CASE r.risk_level WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, r.id "
	             "DESC"
	             " LIMIT 500");
	xf_sql_bind_int64(st, 1, unit_id);
	bind_text_or_null(st, 2, level);
	bind_text_or_null(st, 3, status);
	xf_sql_bind_int64(st, 4, official_id);
	return xf_rows_json(db, st, row_object, out);
}

int xf_store_risk_person_add(xf_db *db, int64_t risk_id, int64_t person_id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "INSERT INTO risk_persons (risk_id, person_id) SELECT ?1, ?2"
	                      " WHERE NOT EXISTS (SELECT 1 FROM risk_persons WHERE risk_id = ?1"
	                      " AND person_id = ?2)");
	xf_sql_bind_int64(st, 1, risk_id);
	xf_sql_bind_int64(st, 2, person_id);
	return xf_db_exec(db, st);
}

int xf_store_risk_person_ids(xf_db *db, int64_t risk_id, int64_t **ids, size_t *n)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT person_id FROM risk_persons WHERE risk_id = ? ORDER BY person_id");
	xf_sql_bind_int64(st, 1, risk_id);
	return xf_rows_ids(db, st, ids, n);
}

int xf_store_risk_progress_insert(xf_db *db, int64_t risk_id, const char *text, const char *status,
                                  const char *trend, const char *level, int64_t by, int64_t now_ms)
{
	int64_t id;
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO risk_progress (risk_id, at_ms, author_id, text, status, trend,"
	        " risk_level) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
	xf_sql_bind_int64(st, 1, risk_id);
	xf_sql_bind_int64(st, 2, now_ms);
	xf_bind_id(st, 3, by);
	xf_sql_bind_text(st, 4, text, -1);
	xf_sql_bind_text(st, 5, status, -1);
	xf_sql_bind_text(st, 6, trend, -1);
	xf_sql_bind_text(st, 7, level, -1);
	return xf_row_insert(db, st, &id);
}

int xf_store_person_visits(xf_db *db, const int64_t *persons, size_t n, int64_t since_ms,
                           int64_t *count)
{
	*count = 0;
	/* one person at a time: the list is short (the people of one entry) */
	xf_sql_stmt *st;
	int64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t c = 0;
		st = xf_db_prepare(
		    db, "SELECT count(*) FROM incident_persons ip JOIN incidents i ON i.id ="
		        " ip.incident_id WHERE ip.person_id = ? AND i.drill = 0 AND "
		        "i.registered_ms >= ?");
		xf_sql_bind_int64(st, 1, persons[i]);
		xf_sql_bind_int64(st, 2, since_ms);
		int rc = xf_row_int64(db, st, &c);
		if (rc != XF_OK)
			return rc;
		if (c > total)
			total = c;
	}
	*count = total;
	return XF_OK;
}

int xf_store_assignment_set_risk(xf_db *db, int64_t assignment_id, int64_t risk_id)
{
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE assignments SET risk_id = ? WHERE id = ?");
	xf_sql_bind_int64(st, 1, risk_id);
	xf_sql_bind_int64(st, 2, assignment_id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

/* ---- early warning ---- */

int xf_store_warning_insert(xf_db *db, const xf_warning_in *in, int64_t *id)
{
	*id = 0;
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT 1 FROM warnings WHERE dedup_key = ?");
	xf_sql_bind_text(st, 1, in->dedup_key, -1);
	int rc = xf_row_one(db, st);
	xf_sql_reset(st);
	if (rc == XF_OK)
		return XF_OK;
	if (rc != XF_NOTFOUND)
		return rc;
	st = xf_db_prepare(
	    db,
	    "INSERT INTO warnings (rule, dedup_key, risk_id, unit_id, person_id, headcount,"
	    " text, expected_date, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	xf_sql_bind_text(st, 1, in->rule, -1);
	xf_sql_bind_text(st, 2, in->dedup_key, -1);
	xf_bind_id(st, 3, in->risk_id);
	xf_bind_id(st, 4, in->unit_id);
	xf_bind_id(st, 5, in->person_id);
	if (in->headcount > 0)
		xf_sql_bind_int64(st, 6, in->headcount);
	xf_sql_bind_text(st, 7, in->text, -1);
	bind_text_or_null(st, 8, in->expected_date);
	xf_sql_bind_int64(st, 9, in->now_ms);
	return xf_row_insert(db, st, id);
}

int xf_store_warning_recent(xf_db *db, const char *prefix, int64_t since_ms, bool *found)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT 1 FROM warnings WHERE substr(dedup_key, 1, CAST(? AS INTEGER))"
	        " = ? AND created_ms >= ?");
	xf_sql_bind_int64(st, 1, (int64_t)strlen(prefix));
	xf_sql_bind_text(st, 2, prefix, -1);
	xf_sql_bind_int64(st, 3, since_ms);
	int rc = xf_row_one(db, st);
	xf_sql_reset(st);
	*found = rc == XF_OK;
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

int xf_store_matter_groups(xf_db *db, int64_t since_ms, int min, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT 'person' AS kind, m.person_id AS key_id, m.category, count(*) AS n"
	        " FROM matters m WHERE m.received_ms >= ?1 GROUP BY m.person_id, m.category"
	        " HAVING count(*) >= ?2"
	        " UNION ALL SELECT 'unit' AS kind, p.unit_id AS key_id, m.category, count(*) AS n"
	        " FROM matters m JOIN persons p ON p.id = m.person_id WHERE m.received_ms >= ?1"
	        " AND p.unit_id IS NOT NULL GROUP BY p.unit_id, m.category HAVING count(*) >= ?2");
	xf_sql_bind_int64(st, 1, since_ms);
	xf_sql_bind_int64(st, 2, min);
	return xf_rows_json(db, st, row_object, out);
}

int xf_store_risk_planned_visits(xf_db *db, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id, unit_id, title, expected_visit_date, headcount FROM risks"
	        " WHERE status != 'closed' AND expected_visit_date IS NOT NULL ORDER BY id");
	return xf_rows_json(db, st, row_object, out);
}

#define WARNING_COLUMNS                                                                            \
	"w.id, w.rule, w.risk_id, r.title AS risk_title, w.unit_id, u.name AS unit_name,"          \
	" w.person_id, w.headcount, w.text, w.expected_date, w.status, w.incident_id,"             \
	" i.number AS incident_number, w.created_ms, w.handled_ms, w.handled_by"                   \
	" FROM warnings w LEFT JOIN risks r ON r.id = w.risk_id LEFT JOIN units u ON"              \
	" u.id = w.unit_id LEFT JOIN incidents i ON i.id = w.incident_id"

int xf_store_warning_list(xf_db *db, const char *status, int64_t unit_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT " WARNING_COLUMNS " WHERE (CAST(?1 AS TEXT) IS NULL OR w.status = ?1)"
	        " AND (CAST(?2 AS BIGINT) = 0 OR (w.unit_id IS NOT NULL AND " IN_SUBTREE(
	            "w.unit_id", "2") ")) ORDER BY w.id DESC LIMIT 500");
	bind_text_or_null(st, 1, status);
	xf_sql_bind_int64(st, 2, unit_id);
	return xf_rows_json(db, st, row_object, out);
}

int xf_store_warning_json(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " WARNING_COLUMNS " WHERE w.id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_json(db, st, row_object, out);
}

int xf_store_warning_count(xf_db *db, const char *status, int64_t *count)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT count(*) FROM warnings WHERE status = ?");
	xf_sql_bind_text(st, 1, status, -1);
	return xf_row_int64(db, st, count);
}

int xf_store_warning_handled(xf_db *db, int64_t id, const char *status, int64_t incident_id,
                             int64_t by, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE warnings SET status = ?, incident_id = ?, handled_by = ?, handled_ms = ?"
	        " WHERE id = ? AND status = 'open'");
	xf_sql_bind_text(st, 1, status, -1);
	xf_bind_id(st, 2, incident_id);
	xf_bind_id(st, 3, by);
	xf_sql_bind_int64(st, 4, now_ms);
	xf_sql_bind_int64(st, 5, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

/* ---- care ---- */

int xf_store_care_insert(xf_db *db, const char *group_kind, int64_t person_id, int64_t unit_id,
                         int interval_days, int64_t official_id, const char *note, int64_t by,
                         int64_t now_ms, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO care_schedules (group_kind, person_id, unit_id, interval_days,"
	        " official_id, next_due_ms, note, created_by, created_ms) VALUES (?, ?, ?, ?, ?, ?,"
	        " ?, ?, ?) RETURNING id");
	xf_sql_bind_text(st, 1, group_kind, -1);
	xf_sql_bind_int64(st, 2, person_id);
	xf_bind_id(st, 3, unit_id);
	xf_sql_bind_int64(st, 4, interval_days);
	xf_sql_bind_int64(st, 5, official_id);
	xf_sql_bind_int64(st, 6, now_ms + (int64_t)interval_days * 86400000LL);
	xf_sql_bind_text(st, 7, note ? note : "", -1);
	xf_bind_id(st, 8, by);
	xf_sql_bind_int64(st, 9, now_ms);
	return xf_row_insert(db, st, id);
}

static void read_care(xf_sql_stmt *st, void *out)
{
	xf_care_row *c = out;
	xf_row_int64s(st, 0, &c->id, &c->person_id, &c->unit_id, &c->official_id, &c->ended_ms,
	              (int64_t *)NULL);
	c->interval_days = xf_sql_column_int(st, 5);
}

int xf_store_care_get(xf_db *db, int64_t id, xf_care_row *out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id, person_id, coalesce(unit_id, 0), official_id, coalesce(ended_ms, 0),"
	        " interval_days FROM care_schedules WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_care, out);
}

#define CARE_COLUMNS                                                                               \
	"c.id, c.group_kind, c.person_id, p.name AS person_name, c.unit_id, u.name AS unit_name,"  \
	" c.interval_days, c.official_id, ou.name AS official_name, c.next_due_ms, c.note,"        \
	" c.created_ms, c.ended_ms,"                                                               \
	" CASE WHEN c.ended_ms IS NULL AND c.next_due_ms < ?1 THEN 1 ELSE 0 END AS overdue_flag,"  \
	" (SELECT max(v.visited_on) FROM care_visits v WHERE v.schedule_id = c.id) AS last_visit," \
	" (SELECT count(*) FROM care_visits v WHERE v.schedule_id = c.id) AS visits"               \
	" FROM care_schedules c JOIN persons p ON p.id = c.person_id"                              \
	" LEFT JOIN units u ON u.id = c.unit_id LEFT JOIN users ou ON ou.id = c.official_id"

int xf_store_care_list(xf_db *db, int64_t unit_id, int64_t official_id, bool overdue_only,
                       int64_t now_ms, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT " CARE_COLUMNS " WHERE c.ended_ms IS NULL AND (CAST(?2 AS BIGINT) = 0 OR"
	        " (c.unit_id IS NOT NULL AND " IN_SUBTREE(
	            "c.unit_id", "2") "))"
	                              " AND (CAST(?3 AS BIGINT) = 0 OR c.official_id = ?3)"
	                              " AND (CAST(?4 AS BIGINT) = 0 OR c.next_due_ms < ?1)"
	                              " ORDER BY c.next_due_ms, c.id LIMIT 500");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, unit_id);
	xf_sql_bind_int64(st, 3, official_id);
	xf_sql_bind_int64(st, 4, overdue_only);
	return xf_rows_json(db, st, row_object, out);
}

int xf_store_care_json(xf_db *db, int64_t id, int64_t now_ms, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " CARE_COLUMNS " WHERE c.id = ?2");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, id);
	int rc = xf_row_json(db, st, row_object, out);
	if (rc != XF_OK)
		return rc;
	json_t *visits;
	st =
	    xf_db_prepare(db, "SELECT v.id, v.visited_on, v.help, v.by_user_id, bu.name AS by_name,"
	                      " v.created_ms FROM care_visits v LEFT JOIN users bu ON"
	                      " bu.id = v.by_user_id WHERE v.schedule_id = ?"
	                      " ORDER BY v.visited_on DESC, v.id DESC");
	xf_sql_bind_int64(st, 1, id);
	rc = xf_rows_json(db, st, row_object, &visits);
	if (rc != XF_OK) {
		json_decref(*out);
		return rc;
	}
	json_object_set_new(*out, "visits", visits);
	return XF_OK;
}

int xf_store_care_visit(xf_db *db, int64_t schedule_id, const char *visited_on, const char *help,
                        int64_t by, int64_t next_due_ms, int64_t now_ms, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO care_visits (schedule_id, visited_on, help, by_user_id, created_ms)"
	        " VALUES (?, ?, ?, ?, ?) RETURNING id");
	xf_sql_bind_int64(st, 1, schedule_id);
	xf_sql_bind_text(st, 2, visited_on, -1);
	xf_sql_bind_text(st, 3, help, -1);
	xf_bind_id(st, 4, by);
	xf_sql_bind_int64(st, 5, now_ms);
	int rc = xf_row_insert(db, st, id);
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db, "UPDATE care_schedules SET next_due_ms = ? WHERE id = ?");
	xf_sql_bind_int64(st, 1, next_due_ms);
	xf_sql_bind_int64(st, 2, schedule_id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_care_end(xf_db *db, int64_t id, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE care_schedules SET ended_ms = ? WHERE id = ? AND ended_ms IS NULL");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}
