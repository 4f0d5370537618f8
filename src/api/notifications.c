/* The notification centre (issue 12 items 4-6, docs/notifications.md "谁收到什么"): a
 * user's own notifications, newest first with the unread count; marking them read;
 * acknowledging one (收到), which stops its escalation; who of an incident was told
 * what and when; and the user's preferences (quiet hours, routes of each kind).
 * A notification is its recipient's only: another user's is answered 404 whatever
 * that user's roles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/xf_api.h"
#include "api/xf_notify_rules.h"
#include "store/xf_store_notifications.h"

static void xf_api_notifications_list(xf_req *req)
{
	int64_t before, limit, unread = 0;
	if (!xf_api_query_int(req, "before", 0, INT64_MAX, 0, &before) ||
	    !xf_api_query_int(req, "limit", 1, 200, 50, &limit))
		return;
	xf_db *db = xf_db_get();
	json_t *list = NULL;
	int rc = xf_store_notifications_mine(db, req->user.id, before, (int)limit, &list, &unread);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200,
	              json_pack("{s:o, s:I}", "notifications", list, "unread", (json_int_t)unread));
}

/* Loads notification id of the requesting user; answers 404 otherwise. */
static bool own_notification(xf_req *req, xf_db *db, int64_t id, xf_notification_row *row)
{
	int rc = xf_store_notification_get(db, id, row);
	if (rc == XF_OK && row->user_id != req->user.id)
		rc = XF_NOTFOUND;
	if (rc == XF_NOTFOUND) {
		xf_reply_error(req, 404, "not_found", NULL, "there is no notification %lld",
		               (long long)id);
		return false;
	}
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return false;
	}
	return true;
}

static void reply_notification(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *n = NULL;
	int rc = xf_store_notification_json(db, id, &n);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, n);
}

static void xf_api_notifications_get(xf_req *req)
{
	int64_t id;
	xf_notification_row row;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) || !own_notification(req, db, id, &row))
		return;
	reply_notification(req, db, id, 200);
}

/* 收到: the recipient acknowledges; the incident's timeline says so, and an escalation
 * the notification belongs to stops climbing. Acknowledging again changes nothing. */
static void xf_api_notifications_ack(xf_req *req)
{
	int64_t id;
	xf_notification_row row;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) || !xf_api_begin(req, db))
		return;
	if (!own_notification(req, db, id, &row)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t now = xf_now_ms();
	int rc = xf_store_notification_ack(db, id, req->user.id, now);
	if (rc == XF_CONFLICT) { /* acknowledged before */
		xf_tx_rollback(db);
		reply_notification(req, db, id, 200);
		return;
	}
	if (rc == XF_OK && row.incident_id) {
		xf_actor actor = xf_api_actor(req);
		rc = xf_audit_append(
		    db, &actor, "notification.ack", "incident",
		    xf_api_id_text(req, row.incident_id),
		    json_pack("{s:I, s:s, s:i, s:s}", "notification_id", (json_int_t)id, "kind",
		              row.kind, "level", row.level, "summary",
		              xf_arena_printf(&req->arena, "%s已收到通知", req->user.name)));
	}
	if (!xf_api_finish(req, db, rc))
		return;
	reply_notification(req, db, id, 200);
}

/* {"ids": [...]} marks those read, {"all": true} every one. */
static void xf_api_notifications_read(xf_req *req)
{
	static const char *const fields[] = {"ids", "all", NULL};
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	json_t *ids_json = NULL;
	bool all = false;
	xf_field_error err;
	if (xf_json_bool(body, "all", false, &all, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!xf_api_array(req, body, "ids", 500, "'ids' must be an array of notification ids",
	                  &ids_json))
		return;
	size_t n = json_array_size(ids_json);
	if (!all && n == 0) {
		xf_reply_error(req, 400, "invalid_field", "ids",
		               "give 'ids' or 'all' to mark read");
		return;
	}
	int64_t *ids = n ? xf_calloc(n, sizeof *ids) : NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(ids_json, i);
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			free(ids);
			xf_reply_error(req, 400, "invalid_field", "ids",
			               "'ids' must be an array of notification ids");
			return;
		}
		ids[i] = json_integer_value(v);
	}
	xf_db *db = xf_db_get();
	int64_t changed = 0, unread = 0;
	json_t *none = NULL;
	if (!xf_api_begin(req, db)) {
		free(ids);
		return;
	}
	int rc =
	    xf_store_notifications_read(db, req->user.id, ids, all ? 0 : n, xf_now_ms(), &changed);
	free(ids);
	if (rc == XF_OK)
		rc = xf_store_notifications_mine(db, req->user.id, 0, 1, &none, &unread);
	json_decref(none);
	if (!xf_api_finish(req, db, rc))
		return;
	xf_reply_json(
	    req, 200,
	    json_pack("{s:I, s:I}", "read", (json_int_t)changed, "unread", (json_int_t)unread));
}

static void xf_api_incident_notifications(xf_req *req)
{
	xf_api_incident_sublist(req, xf_store_incident_notifications, "notifications");
}

/* ---- preferences ---- */

static json_t *minute_text(int m)
{
	char s[8];
	snprintf(s, sizeof s, "%02d:%02d", m / 60 % 24, m % 60);
	return json_string(s);
}

static void reply_prefs(xf_req *req, xf_db *db, int status)
{
	int from, to;
	json_t *routes;
	int rc = xf_store_notify_prefs_get(db, req->user.id, &from, &to, &routes);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	json_t *quiet =
	    from >= 0 ? json_pack("{s:o, s:o}", "from", minute_text(from), "to", minute_text(to))
	              : json_null();
	xf_reply_json(req, status,
	              json_pack("{s:o, s:o, s:s, s:[s,s]}", "quiet_hours", quiet, "routes", routes,
	                        "time_zone", "Asia/Shanghai", "quiet_hours_exempt_grades", "I",
	                        "II"));
}

static void xf_api_prefs_get(xf_req *req)
{
	reply_prefs(req, xf_db_get(), 200);
}

/* "HH:MM" as minutes of the day; -1 when it is not one. */
static int parse_minute(const char *s)
{
	unsigned h, m;
	char extra;
	if (!s || sscanf(s, "%2u:%2u%c", &h, &m, &extra) != 2 || h > 23 || m > 59 || strlen(s) != 5)
		return -1;
	return (int)(h * 60 + m);
}

/* {"quiet_hours": {"from": "22:00", "to": "07:00"} | null, "routes": {kind: ["app"] |
 * ["app","outbound"]}}: what is given replaces what was. */
static void xf_api_prefs_put(xf_req *req)
{
	static const char *const fields[] = {"quiet_hours", "routes", NULL};
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	xf_db *db = xf_db_get();
	int from, to;
	json_t *routes;
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_notify_prefs_get(db, req->user.id, &from, &to, &routes);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_api_store_error(req, db, rc);
		return;
	}
	json_t *quiet = json_object_get(body, "quiet_hours");
	if (json_is_null(quiet))
		from = to = -1;
	else if (quiet) {
		int f = parse_minute(json_string_value(json_object_get(quiet, "from")));
		int t = parse_minute(json_string_value(json_object_get(quiet, "to")));
		if (!json_is_object(quiet) || json_object_size(quiet) != 2 || f < 0 || t < 0 ||
		    f == t) {
			xf_tx_rollback(db);
			json_decref(routes);
			xf_reply_error(
			    req, 400, "invalid_field", "quiet_hours",
			    "'quiet_hours' must be null or {\"from\": \"HH:MM\", \"to\": "
			    "\"HH:MM\"} with two different times");
			return;
		}
		from = f;
		to = t;
	}
	json_t *given = json_object_get(body, "routes");
	if (given) {
		const char *kind;
		json_t *r;
		bool ok = json_is_object(given);
		json_object_foreach(given, kind, r)
		{
			ok = ok && xf_notify_kind_parse(kind) >= 0 && json_is_array(r);
			size_t i;
			json_t *v;
			json_array_foreach(r, i, v) ok =
			    ok && json_is_string(v) &&
			    (strcmp(json_string_value(v), "app") == 0 ||
			     strcmp(json_string_value(v), "outbound") == 0);
		}
		if (!ok) {
			xf_tx_rollback(db);
			json_decref(routes);
			xf_reply_error(req, 400, "invalid_field", "routes",
			               "'routes' must map notification kinds to lists of 'app' and "
			               "'outbound'");
			return;
		}
		json_decref(routes);
		routes = json_incref(given);
	}
	rc = xf_store_notify_prefs_put(db, req->user.id, from, to, routes, xf_now_ms());
	json_decref(routes);
	if (!xf_api_finish(req, db, rc))
		return;
	reply_prefs(req, db, 200);
}

static const xf_route routes[] = {
    {"GET", "/notifications", XF_PERM_SIGNED_IN, 0, xf_api_notifications_list},
    {"POST", "/notifications/read", XF_PERM_SIGNED_IN, 0, xf_api_notifications_read},
    {"GET", "/notifications/{id}", XF_PERM_SIGNED_IN, 0, xf_api_notifications_get},
    {"POST", "/notifications/{id}/ack", XF_PERM_SIGNED_IN, 0, xf_api_notifications_ack},
    {"GET", "/incidents/{id}/notifications", XF_PERM_INCIDENT_READ, 0,
     xf_api_incident_notifications},
    {"GET", "/me/notification-preferences", XF_PERM_SIGNED_IN, 0, xf_api_prefs_get},
    {"PUT", "/me/notification-preferences", XF_PERM_SIGNED_IN, 0, xf_api_prefs_put},
};

const xf_route_list xf_routes_notifications = {routes, XF_ARRAY_LEN(routes)};
