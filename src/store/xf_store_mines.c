/* Many mines in one deployment, in SQL: see xf_store_mines.h. */
#include "store/xf_store_mines.h"

#include <stdio.h>
#include <string.h>

#include "store/xf_store_db.h"
#include "store/xf_store_rows.h"

/* The statuses of an incident that is no longer active, as the incident list's. */
#define ACTIVE(t) t ".status NOT IN ('archived','not_activated') AND " t ".status <> 'withdrawn'"

int xf_store_unit_mine(xf_db *db, int64_t unit_id, int64_t *mine_id, bool *in_group)
{
	/* Up from the unit, stopping at the first mine. */
	xf_sql_stmt *st = xf_db_prepare(
	    db, "WITH RECURSIVE up(id, parent_id, kind) AS (SELECT id, parent_id, kind FROM units"
	        " WHERE id = ?1 UNION ALL SELECT u.id, u.parent_id, u.kind FROM units u"
	        " JOIN up ON u.id = up.parent_id WHERE up.kind <> 'mine')"
	        " SELECT id, CASE WHEN parent_id IS NULL THEN 0 ELSE 1 END FROM up"
	        " WHERE kind = 'mine'");
	xf_sql_bind_int64(st, 1, unit_id);
	*mine_id = 0;
	*in_group = false;
	int rc = xf_row_one(db, st);
	if (rc == XF_NOTFOUND)
		return XF_OK;
	if (rc != XF_OK)
		return rc;
	*mine_id = xf_sql_column_int64(st, 0);
	*in_group = xf_sql_column_int(st, 1) != 0;
	xf_sql_reset(st);
	return XF_OK;
}

int xf_store_incident_series(xf_db *db, int64_t user_id, const int64_t *units, size_t n_units,
                             int year, int64_t *mine_id, char *prefix, int64_t *seq)
{
	bool in_group;
	int64_t unit_id = 0;
	int rc = XF_OK;
	*mine_id = 0;
	if (user_id) {
		xf_sql_stmt *st = xf_db_prepare(db, "SELECT unit_id FROM users WHERE id = ?");
		xf_sql_bind_int64(st, 1, user_id);
		rc = xf_row_int64(db, st, &unit_id);
		if (rc == XF_NOTFOUND)
			rc = XF_OK;
	}
	if (rc == XF_OK && unit_id)
		rc = xf_store_unit_mine(db, unit_id, mine_id, &in_group);
	for (size_t i = 0; rc == XF_OK && !*mine_id && i < n_units; i++)
		rc = xf_store_unit_mine(db, units[i], mine_id, &in_group);
	if (rc != XF_OK)
		return rc;
	snprintf(prefix, XF_MINE_PREFIX_MAX + 1, "%s", XF_MINE_DEFAULT_PREFIX);
	xf_sql_stmt *st;
	if (*mine_id) {
		st = xf_db_prepare(db, "SELECT number_prefix FROM units WHERE id = ?");
		xf_sql_bind_int64(st, 1, *mine_id);
		if ((rc = xf_row_one(db, st)) != XF_OK)
			return rc;
		if (!xf_sql_column_is_null(st, 0))
			xf_row_copy(prefix, XF_MINE_PREFIX_MAX + 1, st, 0);
		xf_sql_reset(st);
	}
	/* Mines without a prefix of their own share the default series: numbers stay
	 * unique whatever the prefixes. */
	st = xf_db_prepare(db, "SELECT coalesce(max(series_seq), 0) + 1 FROM incidents"
	                       " WHERE number_series = ?1 AND year = ?2");
	xf_sql_bind_text(st, 1, prefix, -1);
	xf_sql_bind_int64(st, 2, year);
	return xf_row_int64(db, st, seq);
}

int xf_store_mine_plan(xf_db *db, int64_t mine_id, int64_t *plan_id)
{
	*plan_id = 0;
	if (!mine_id)
		return XF_OK;
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT coalesce(plan_id, 0) FROM units WHERE id = ?");
	xf_sql_bind_int64(st, 1, mine_id);
	int rc = xf_row_int64(db, st, plan_id);
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

int xf_store_mine_set_plan(xf_db *db, int64_t mine_id, int64_t plan_id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "UPDATE units SET plan_id = ?1 WHERE id = ?2 AND kind = 'mine'");
	xf_bind_id(st, 1, plan_id);
	xf_sql_bind_int64(st, 2, mine_id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_unit_set_prefix(xf_db *db, int64_t unit_id, const char *prefix)
{
	if (prefix) {
		/* Numbers are unique: no two units number in the same series. */
		xf_sql_stmt *st = xf_db_prepare(
		    db,
		    "SELECT 1 FROM units WHERE id <> ?1 AND (number_prefix = ?2"
		    " OR (number_prefix IS NULL AND kind = 'mine' AND ?2 = '" XF_MINE_DEFAULT_PREFIX
		    "'))");
		xf_sql_bind_int64(st, 1, unit_id);
		xf_sql_bind_text(st, 2, prefix, -1);
		int rc = xf_row_none(db, st);
		if (rc != XF_OK)
			return rc;
	}
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE units SET number_prefix = ?1 WHERE id = ?2");
	if (prefix)
		xf_sql_bind_text(st, 1, prefix, -1);
	else
		xf_sql_bind_null(st, 1);
	xf_sql_bind_int64(st, 2, unit_id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

static json_t *read_mine(xf_sql_stmt *st)
{
	return json_pack(
	    "{s:I, s:s, s:o, s:s, s:o, s:I}", "id", (json_int_t)xf_sql_column_int64(st, 0), "name",
	    xf_row_text(st, 1), "parent_id", xf_row_id(st, 2), "number_prefix", xf_row_text(st, 3),
	    "plan_id", xf_row_id(st, 4), "active", (json_int_t)xf_sql_column_int64(st, 5));
}

int xf_store_mine_list(xf_db *db, json_t **mines)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "SELECT u.id, u.name, u.parent_id, coalesce(u.number_prefix, '" XF_MINE_DEFAULT_PREFIX
	    "'), u.plan_id, (SELECT count(*) FROM incidents i WHERE i.mine_id = u.id"
	    " AND " ACTIVE("i") ") FROM units u WHERE u.kind = 'mine' ORDER BY u.id");
	return xf_rows_json(db, st, read_mine, mines);
}

static json_t *read_active(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:s, s:I, s:s, s:b, s:o, s:o, s:I}", "id",
	                 (json_int_t)xf_sql_column_int64(st, 0), "number", xf_row_text(st, 1),
	                 "mine_id", xf_row_id(st, 2), "mine", xf_row_string(st, 3), "grade",
	                 xf_row_string(st, 4), "grade_name", xf_row_string(st, 5), "status",
	                 xf_row_text(st, 6), "headcount", (json_int_t)xf_sql_column_int64(st, 7),
	                 "destination", xf_row_text(st, 8), "drill", xf_sql_column_int(st, 9) != 0,
	                 "registered_at", xf_row_time(st, 10), "occurred_at", xf_row_time(st, 11),
	                 "occurred_ms", (json_int_t)xf_sql_column_int64(st, 11));
}

int xf_store_group_active(xf_db *db, int limit, json_t **incidents)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT i.id, i.number, i.mine_id, m.name, i.grade, i.grade_name, i.status,"
	        " i.headcount, i.destination, i.drill, i.registered_ms,"
	        " coalesce(i.occurred_ms, i.registered_ms)"
	        " FROM incidents i LEFT JOIN units m ON m.id = i.mine_id"
	        " WHERE " ACTIVE("i") " ORDER BY i.id DESC LIMIT ?");
	xf_sql_bind_int64(st, 1, limit);
	return xf_rows_json(db, st, read_active, incidents);
}

static json_t *read_ack(xf_sql_stmt *st, int at)
{
	if (xf_sql_column_is_null(st, at))
		return json_null();
	return json_pack("{s:o, s:o, s:o}", "at", xf_row_time(st, at), "by_id",
	                 xf_row_id(st, at + 1), "by", xf_row_string(st, at + 2));
}

static json_t *read_received(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:I, s:s, s:o, s:o, s:b, s:o}", "id",
	                 (json_int_t)xf_sql_column_int64(st, 0), "kind", xf_row_text(st, 1),
	                 "number", xf_row_string(st, 2), "title", xf_row_text(st, 3), "version",
	                 xf_row_id(st, 4), "issued_at", xf_row_time(st, 5), "incident_id",
	                 (json_int_t)xf_sql_column_int64(st, 6), "incident_number",
	                 xf_row_text(st, 7), "mine_id", xf_row_id(st, 8), "mine",
	                 xf_row_string(st, 9), "drill", xf_sql_column_int(st, 10) != 0,
	                 "acknowledgement", read_ack(st, 11));
}

int xf_store_group_reports(xf_db *db, bool pending, int limit, json_t **reports)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT r.id, r.kind, r.number, r.title, r.version, r.issued_ms, r.incident_id,"
	        " i.number, i.mine_id, m.name, i.drill, a.acknowledged_ms, a.acknowledged_by,"
	        " au.name FROM reports r JOIN incidents i ON i.id = r.incident_id"
	        " LEFT JOIN units m ON m.id = i.mine_id"
	        " LEFT JOIN report_acknowledgements a ON a.report_id = r.id"
	        " LEFT JOIN users au ON au.id = a.acknowledged_by"
	        " WHERE r.status = 'issued' AND r.kind IN ('first','follow_up','final')"
	        " AND (?1 = 0 OR a.report_id IS NULL)"
	        " ORDER BY r.issued_ms DESC, r.id DESC LIMIT ?2");
	xf_sql_bind_int64(st, 1, pending);
	xf_sql_bind_int64(st, 2, limit);
	return xf_rows_json(db, st, read_received, reports);
}

int xf_store_report_acknowledge(xf_db *db, int64_t report_id, int64_t user_id, int64_t now_ms)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT 1 FROM reports WHERE id = ? AND status = 'issued'"
	                      " AND kind IN ('first','follow_up','final')");
	xf_sql_bind_int64(st, 1, report_id);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	xf_sql_reset(st);
	st = xf_db_prepare(db,
	                   "INSERT INTO report_acknowledgements (report_id, acknowledged_ms,"
	                   " acknowledged_by) VALUES (?, ?, ?) ON CONFLICT (report_id) DO NOTHING");
	xf_sql_bind_int64(st, 1, report_id);
	xf_sql_bind_int64(st, 2, now_ms);
	xf_sql_bind_int64(st, 3, user_id);
	if ((rc = xf_db_exec(db, st)) != XF_OK)
		return rc;
	return xf_db_changes(db) > 0 ? XF_OK : XF_CONFLICT;
}

int xf_store_incident_mine(xf_db *db, int64_t incident_id, int64_t *mine_id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT coalesce(mine_id, 0) FROM incidents WHERE id = ?");
	xf_sql_bind_int64(st, 1, incident_id);
	return xf_row_int64(db, st, mine_id);
}

int xf_store_roster_unit(xf_db *db, int64_t staff_id, int64_t user_id, int64_t *unit_id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT coalesce((SELECT unit_id FROM staff WHERE id = ?1),"
	                      " (SELECT unit_id FROM users WHERE id = ?2), 0)");
	xf_sql_bind_int64(st, 1, staff_id);
	xf_sql_bind_int64(st, 2, user_id);
	return xf_row_int64(db, st, unit_id);
}
