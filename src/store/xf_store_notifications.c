/* In-app notifications, preferences, escalations and recipient look-ups in SQL (see
 * xf_store_notifications.h). The schema is migration "18: in-app notifications" in
 * xf_migrations.c and xf_migrations_pg.c. */
#include "store/xf_store_notifications.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/xf_store_db.h"
#include "store/xf_store_rows.h"

int xf_store_notification_insert(xf_db *db, const xf_notification_new *n, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO notifications (user_id, kind, grade, incident_id, task_id, matter_id,"
	        " escalation_id, level, text, dedup, created_ms, outbound_not_before_ms)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id");
	xf_sql_bind_int64(st, 1, n->user_id);
	xf_sql_bind_text(st, 2, n->kind, -1);
	if (n->grade && n->grade[0])
		xf_sql_bind_text(st, 3, n->grade, -1);
	else
		xf_sql_bind_null(st, 3);
	xf_bind_id(st, 4, n->incident_id);
	xf_bind_id(st, 5, n->task_id);
	xf_bind_id(st, 6, n->matter_id);
	xf_bind_id(st, 7, n->escalation_id);
	xf_sql_bind_int64(st, 8, n->level);
	xf_sql_bind_text(st, 9, n->text, -1);
	if (n->dedup)
		xf_sql_bind_text(st, 10, n->dedup, -1);
	else
		xf_sql_bind_null(st, 10);
	xf_sql_bind_int64(st, 11, n->created_ms);
	xf_sql_bind_int64(st, 12, n->outbound_not_before_ms);
	int rc = xf_row_insert(db, st, id);
	if (rc != XF_OK)
		return rc;
	char link[48];
	snprintf(link, sizeof link, "#/notifications/%lld", (long long)*id);
	st = xf_db_prepare(db, "UPDATE notifications SET link = ?1 WHERE id = ?2");
	xf_sql_bind_text(st, 1, link, -1);
	xf_sql_bind_int64(st, 2, *id);
	return xf_db_exec(db, st);
}

int xf_store_notification_queued(xf_db *db, int64_t id, int queued)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "UPDATE notifications SET outbound_queued = ?1 WHERE id = ?2");
	xf_sql_bind_int64(st, 1, queued);
	xf_sql_bind_int64(st, 2, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

static void read_row(xf_sql_stmt *st, void *out)
{
	xf_notification_row *r = out;
	xf_row_int64s(st, 0, &r->id, &r->user_id, &r->incident_id, &r->task_id, &r->escalation_id,
	              &r->created_ms, &r->read_ms, &r->acknowledged_ms, (int64_t *)NULL);
	r->level = xf_sql_column_int(st, 8);
	xf_row_copy(r->kind, sizeof r->kind, st, 9);
}

int xf_store_notification_get(xf_db *db, int64_t id, xf_notification_row *out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id, user_id, incident_id, task_id, escalation_id, created_ms, read_ms,"
	        " acknowledged_ms, level, kind FROM notifications WHERE id = ?1");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_row, out);
}

#define NOTICE_COLUMNS                                                                             \
	"id, kind, grade, incident_id, task_id, matter_id, level, text, link, created_ms, "        \
	"read_ms,"                                                                                 \
	" acknowledged_ms"

static json_t *notice_json(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:i, s:s, s:s, s:o, s:o, s:o}", "id",
	                 (json_int_t)xf_sql_column_int64(st, 0), "kind", xf_row_text(st, 1),
	                 "grade", xf_row_string(st, 2), "incident_id", xf_row_id(st, 3), "task_id",
	                 xf_row_id(st, 4), "matter_id", xf_row_id(st, 5), "level",
	                 xf_sql_column_int(st, 6), "text", xf_row_text(st, 7), "link",
	                 xf_row_text(st, 8), "created_at", xf_row_time(st, 9), "read_at",
	                 xf_row_time(st, 10), "acknowledged_at", xf_row_time(st, 11));
}

int xf_store_notifications_mine(xf_db *db, int64_t user_id, int64_t before_id, int limit,
                                json_t **out, int64_t *unread)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " NOTICE_COLUMNS " FROM notifications"
	                                    " WHERE user_id = ?1 AND (?2 = 0 OR id < ?2)"
	                                    " ORDER BY id DESC LIMIT ?3");
	xf_sql_bind_int64(st, 1, user_id);
	xf_sql_bind_int64(st, 2, before_id);
	xf_sql_bind_int64(st, 3, limit);
	int rc = xf_rows_json(db, st, notice_json, out);
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db, "SELECT count(*) FROM notifications WHERE user_id = ?1"
	                       " AND read_ms IS NULL");
	xf_sql_bind_int64(st, 1, user_id);
	rc = xf_row_int64(db, st, unread);
	if (rc != XF_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int xf_store_notification_json(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT " NOTICE_COLUMNS " FROM notifications WHERE id = ?1");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_json(db, st, notice_json, out);
}

int xf_store_notifications_read(xf_db *db, int64_t user_id, const int64_t *ids, size_t n,
                                int64_t now_ms, int64_t *changed)
{
	*changed = 0;
	if (n == 0) {
		xf_sql_stmt *st = xf_db_prepare(db, "UPDATE notifications SET read_ms = ?1"
		                                    " WHERE user_id = ?2 AND read_ms IS NULL");
		xf_sql_bind_int64(st, 1, now_ms);
		xf_sql_bind_int64(st, 2, user_id);
		int rc = xf_db_exec(db, st);
		*changed = rc == XF_OK ? xf_db_changes(db) : 0;
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		xf_sql_stmt *st =
		    xf_db_prepare(db, "UPDATE notifications SET read_ms = ?1"
		                      " WHERE id = ?3 AND user_id = ?2 AND read_ms IS NULL");
		xf_sql_bind_int64(st, 1, now_ms);
		xf_sql_bind_int64(st, 2, user_id);
		xf_sql_bind_int64(st, 3, ids[i]);
		int rc = xf_db_exec(db, st);
		if (rc != XF_OK)
			return rc;
		*changed += xf_db_changes(db);
	}
	return XF_OK;
}

int xf_store_notification_ack(xf_db *db, int64_t id, int64_t by_user, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE notifications SET acknowledged_ms = ?1, read_ms = coalesce(read_ms, ?1)"
	        " WHERE id = ?2 AND acknowledged_ms IS NULL");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, id);
	int rc = xf_db_exec(db, st);
	if (rc != XF_OK)
		return rc;
	if (xf_db_changes(db) == 0)
		return XF_CONFLICT;
	st = xf_db_prepare(db, "UPDATE notification_escalations SET state = 'acknowledged',"
	                       " ended_ms = ?1, next_ms = NULL, acknowledged_by = ?2"
	                       " WHERE state = 'open' AND id = (SELECT escalation_id FROM"
	                       " notifications WHERE id = ?3)");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, by_user);
	xf_sql_bind_int64(st, 3, id);
	return xf_db_exec(db, st);
}

static json_t *told_json(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:i, s:s, s:o, s:o, s:o, s:I, s:o}", "id",
	                 (json_int_t)xf_sql_column_int64(st, 0), "user_id",
	                 (json_int_t)xf_sql_column_int64(st, 1), "name", xf_row_text(st, 2), "kind",
	                 xf_row_text(st, 3), "level", xf_sql_column_int(st, 4), "text",
	                 xf_row_text(st, 5), "created_at", xf_row_time(st, 6), "read_at",
	                 xf_row_time(st, 7), "acknowledged_at", xf_row_time(st, 8),
	                 "outbound_queued", (json_int_t)xf_sql_column_int64(st, 9),
	                 "outbound_not_before", xf_row_time(st, 10));
}

int xf_store_incident_notifications(xf_db *db, int64_t incident_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT n.id, n.user_id, u.name, n.kind, n.level, n.text, n.created_ms, n.read_ms,"
	        " n.acknowledged_ms, n.outbound_queued, n.outbound_not_before_ms"
	        " FROM notifications n JOIN users u ON u.id = n.user_id"
	        " WHERE n.incident_id = ?1 ORDER BY n.id");
	xf_sql_bind_int64(st, 1, incident_id);
	return xf_rows_json(db, st, told_json, out);
}

/* ---- preferences ---- */

int xf_store_notify_prefs_get(xf_db *db, int64_t user_id, int *quiet_from, int *quiet_to,
                              json_t **routes)
{
	*quiet_from = *quiet_to = -1;
	*routes = NULL;
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT quiet_from, quiet_to, routes FROM"
	                                    " notification_preferences WHERE user_id = ?1");
	xf_sql_bind_int64(st, 1, user_id);
	int rc = xf_row_one(db, st);
	if (rc == XF_OK) {
		if (!xf_sql_column_is_null(st, 0) && !xf_sql_column_is_null(st, 1)) {
			*quiet_from = xf_sql_column_int(st, 0);
			*quiet_to = xf_sql_column_int(st, 1);
		}
		*routes = json_loads(xf_row_text(st, 2), 0, NULL);
		xf_sql_reset(st);
	}
	if (!json_is_object(*routes)) {
		json_decref(*routes);
		*routes = json_object();
	}
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

int xf_store_notify_prefs_put(xf_db *db, int64_t user_id, int quiet_from, int quiet_to,
                              const json_t *routes, int64_t now_ms)
{
	char *text = json_dumps(routes, JSON_COMPACT | JSON_SORT_KEYS);
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO notification_preferences (user_id, quiet_from, quiet_to, routes,"
	        " updated_ms) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (user_id) DO UPDATE SET"
	        " quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to,"
	        " routes = excluded.routes, updated_ms = excluded.updated_ms");
	xf_sql_bind_int64(st, 1, user_id);
	if (quiet_from >= 0 && quiet_to >= 0) {
		xf_sql_bind_int64(st, 2, quiet_from);
		xf_sql_bind_int64(st, 3, quiet_to);
	} else {
		xf_sql_bind_null(st, 2);
		xf_sql_bind_null(st, 3);
	}
	xf_sql_bind_text(st, 4, text ? text : "{}", -1);
	xf_sql_bind_int64(st, 5, now_ms);
	int rc = xf_db_exec(db, st);
	free(text);
	return rc;
}

/* ---- recipients ---- */

int xf_store_position_users(xf_db *db, const char *position, int64_t **out, size_t *n)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT DISTINCT u.id FROM leadership l LEFT JOIN staff s ON s.id = l.staff_id"
	        " JOIN users u ON u.id = coalesce(l.user_id, s.user_id)"
	        " WHERE l.position = ?1 AND u.disabled = 0 ORDER BY u.id");
	xf_sql_bind_text(st, 1, position, -1);
	return xf_rows_ids(db, st, out, n);
}

int xf_store_role_users(xf_db *db, const char *role, int64_t **out, size_t *n)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT u.id FROM user_roles r JOIN users u ON u.id = r.user_id"
	                      " WHERE r.role = ?1 AND u.disabled = 0 ORDER BY u.id");
	xf_sql_bind_text(st, 1, role, -1);
	return xf_rows_ids(db, st, out, n);
}

int xf_store_duty_users(xf_db *db, int64_t now_ms, int64_t **out, size_t *n)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT DISTINCT u.id FROM duty_shifts d JOIN staff s ON s.id = d.staff_id"
	        " JOIN users u ON u.id = s.user_id"
	        " WHERE d.starts_ms <= ?1 AND d.ends_ms > ?1 AND u.disabled = 0 ORDER BY u.id");
	xf_sql_bind_int64(st, 1, now_ms);
	return xf_rows_ids(db, st, out, n);
}

int xf_store_superior_of(xf_db *db, int64_t user_id, int64_t *out)
{
	*out = 0;
	int64_t unit = 0;
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT unit_id FROM users WHERE id = ?1");
	xf_sql_bind_int64(st, 1, user_id);
	int rc = xf_row_int64(db, st, &unit);
	/* Up the tree, at most as deep as any real organisation goes. */
	for (int depth = 0; rc == XF_OK && unit && depth < 32; depth++) {
		st = xf_db_prepare(db, "SELECT coalesce(h.id, 0), coalesce(un.parent_id, 0)"
		                       " FROM units un LEFT JOIN users h ON h.id = un.head_user_id"
		                       " AND h.disabled = 0 WHERE un.id = ?1");
		xf_sql_bind_int64(st, 1, unit);
		rc = xf_row_one(db, st);
		if (rc != XF_OK)
			break;
		int64_t head = xf_sql_column_int64(st, 0), parent = xf_sql_column_int64(st, 1);
		xf_sql_reset(st);
		if (head && head != user_id) {
			*out = head;
			return XF_OK;
		}
		unit = parent;
	}
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

/* ---- escalations ---- */

int xf_store_escalation_start(xf_db *db, const char *kind, int64_t incident_id, int64_t task_id,
                              const char *grade, int64_t now_ms, int64_t next_ms, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO notification_escalations (kind, incident_id, task_id, grade, level,"
	        " started_ms, level_ms, next_ms, state) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?5, ?6,"
	        " ?7) RETURNING id");
	xf_sql_bind_text(st, 1, kind, -1);
	xf_bind_id(st, 2, incident_id);
	xf_bind_id(st, 3, task_id);
	if (grade && grade[0])
		xf_sql_bind_text(st, 4, grade, -1);
	else
		xf_sql_bind_null(st, 4);
	xf_sql_bind_int64(st, 5, now_ms);
	xf_bind_id(st, 6, next_ms);
	xf_sql_bind_text(st, 7, next_ms ? "open" : "exhausted", -1);
	return xf_row_insert(db, st, id);
}

static void read_escalation(xf_sql_stmt *st, void *out)
{
	xf_escalation_row *r = out;
	xf_row_int64s(st, 0, &r->id, &r->incident_id, &r->task_id, (int64_t *)NULL);
	r->level = xf_sql_column_int(st, 3);
	r->level_ms = xf_sql_column_int64(st, 4);
	xf_row_copy(r->grade, sizeof r->grade, st, 5);
	xf_row_copy(r->task_status, sizeof r->task_status, st, 6);
	r->assignee_id = xf_sql_column_int64(st, 7);
	r->plan_id = xf_sql_column_int64(st, 8);
	r->acknowledged = xf_sql_column_int64(st, 9) != 0;
}

int xf_store_escalations_due(xf_db *db, int64_t now_ms, size_t max, xf_escalation_row **rows,
                             size_t *n)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT e.id, e.incident_id, e.task_id, e.level, e.level_ms, e.grade,"
	        " coalesce(t.status, ''), coalesce(t.assignee_id, 0), coalesce(i.plan_id, 0),"
	        " (SELECT count(*) FROM notifications a WHERE a.escalation_id = e.id"
	        "  AND a.acknowledged_ms IS NOT NULL)"
	        " FROM notification_escalations e LEFT JOIN tasks t ON t.id = e.task_id"
	        " LEFT JOIN incidents i ON i.id = e.incident_id"
	        " WHERE e.state = 'open' AND e.next_ms <= ?1 ORDER BY e.next_ms, e.id LIMIT ?2");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, (int64_t)max);
	return xf_rows_read(db, st, sizeof **rows, read_escalation, (void **)rows, n);
}

int xf_store_escalation_set(xf_db *db, int64_t id, int level, int64_t level_ms, int64_t next_ms,
                            const char *state)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE notification_escalations SET level = ?1, level_ms = ?2, next_ms = ?3,"
	        " state = ?4, ended_ms = ?6 WHERE id = ?5");
	xf_sql_bind_int64(st, 1, level);
	xf_sql_bind_int64(st, 2, level_ms);
	if (state || !next_ms)
		xf_sql_bind_null(st, 3);
	else
		xf_sql_bind_int64(st, 3, next_ms);
	xf_sql_bind_text(st, 4, state ? state : "open", -1);
	xf_sql_bind_int64(st, 5, id);
	if (state)
		xf_sql_bind_int64(st, 6, level_ms);
	else
		xf_sql_bind_null(st, 6);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_report_up_due(xf_db *db, int64_t now_ms, int64_t lead_ms, int64_t **out, size_t *n)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT t.id FROM tasks t WHERE t.kind IN ('report_oral','report_written')"
	        " AND t.status IN ('pending','in_progress') AND t.overdue = 0"
	        " AND t.due_ms > ?1 AND t.due_ms <= ?2 AND NOT EXISTS (SELECT 1 FROM"
	        " notifications n WHERE n.task_id = t.id AND n.kind = 'report_up.due')"
	        " ORDER BY t.due_ms LIMIT 100");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, now_ms + lead_ms);
	return xf_rows_ids(db, st, out, n);
}

int xf_store_notification_users_after(xf_db *db, int64_t after_id, int64_t *users, size_t max,
                                      size_t *n, int64_t *last_id)
{
	*n = 0;
	*last_id = after_id;
	xf_sql_stmt *st =
	    after_id < 0 ? xf_db_prepare(db, "SELECT coalesce(max(id), 0), 0 FROM notifications")
	                 : xf_db_prepare(db, "SELECT id, user_id FROM notifications WHERE id > ?"
	                                     " ORDER BY id LIMIT ?");
	if (after_id >= 0) {
		xf_sql_bind_int64(st, 1, after_id);
		xf_sql_bind_int64(st, 2, (int64_t)max);
	}
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		*last_id = xf_sql_column_int64(st, 0);
		if (after_id >= 0 && *n < max)
			users[(*n)++] = xf_sql_column_int64(st, 1);
	}
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}
