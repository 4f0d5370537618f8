/* The dispatch resource: requests for guards (保卫干警) and vehicles (车辆) with their
 * ordered, ETA, arrived and released times, in the manner of the ICS 201 resource
 * summary. */
#include <stdio.h>
#include <string.h>

#include "api/xf_api.h"

static const char *const resources[] = {"guards", "vehicles", NULL};

static const char *resource_zh(const char *resource)
{
	return strcmp(resource, "guards") == 0 ? "保卫干警" : "车辆";
}

static void xf_api_dispatches_list(xf_req *req)
{
	xf_api_incident_sublist(req, xf_store_dispatch_list, "dispatches");
}

static void reply_dispatch(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *d;
	int64_t incident_id;
	int rc = xf_store_dispatch_json(db, id, &d, &incident_id);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, d);
}

static void xf_api_dispatches_create(xf_req *req)
{
	static const char *const fields[] = {"resource", "quantity", "note", NULL};
	xf_field_error err;
	const char *resource, *note = "";
	int64_t id, quantity, dispatch_id;
	xf_incident_state state;
	json_t *body;
	if (!xf_api_path_id(req, "id", &id) || !(body = xf_api_body(req, fields)))
		return;
	if (xf_json_choice(body, "resource", true, resources, &resource, &err) != XF_OK ||
	    xf_json_int(body, "quantity", true, 1, 1000, &quantity, &err) != XF_OK ||
	    xf_json_string(body, "note", false, 0, 500, &note, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	if (!xf_status_active(xf_api_status(&state))) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL,
		               "%s is '%s'; nothing can be dispatched to it", state.number,
		               state.status);
		return;
	}
	int rc = xf_store_dispatch_insert(db, id, resource, (int)quantity, note, req->user.name,
	                                  xf_now_ms(), &dispatch_id);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "dispatch.create", "incident", xf_api_id_text(req, id),
		    json_pack("{s:I, s:s, s:I, s:s}", "dispatch_id", (json_int_t)dispatch_id,
		              "resource", resource, "quantity", (json_int_t)quantity, "summary",
		              xf_arena_printf(&req->arena, "调派%s %lld%s%s%s",
		                              resource_zh(resource), (long long)quantity,
		                              strcmp(resource, "guards") == 0 ? " 人" : " 辆",
		                              note[0] ? "：" : "", note)));
	if (!xf_api_finish(req, db, rc))
		return;
	reply_dispatch(req, db, dispatch_id, 201);
}

static void xf_api_dispatches_update(xf_req *req)
{
	static const char *const fields[] = {"eta_minutes", "arrived", "released", "note", NULL};
	xf_field_error err;
	const char *note = NULL;
	int64_t id, eta_minutes = -1, incident_id;
	bool arrived = false, released = false;
	xf_incident_state state;
	json_t *body;
	if (!xf_api_path_id(req, "id", &id) || !(body = xf_api_body(req, fields)))
		return;
	if (xf_json_int(body, "eta_minutes", false, 0, 24 * 60, &eta_minutes, &err) == XF_ERR ||
	    xf_json_bool(body, "arrived", false, &arrived, &err) == XF_ERR ||
	    xf_json_bool(body, "released", false, &released, &err) == XF_ERR ||
	    xf_json_string(body, "note", false, 0, 500, &note, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	json_t *before;
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_dispatch_json(db, id, &before, &incident_id);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		if (rc == XF_NOTFOUND)
			xf_reply_error(req, 404, "not_found", NULL, "there is no dispatch %lld",
			               (long long)id);
		else
			xf_api_store_error(req, db, rc);
		return;
	}
	const char *resource =
	    xf_arena_strdup(&req->arena, json_string_value(json_object_get(before, "resource")));
	json_decref(before);
	if (!xf_api_incident(req, db, incident_id, &state)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t now = xf_now_ms();
	rc = xf_store_dispatch_update(db, id,
	                              eta_minutes >= 0 ? now + eta_minutes * XF_MINUTE_MS : 0,
	                              arrived, released, note, now);
	if (rc == XF_OK) {
		const char *what = released  ? "已撤离"
		                   : arrived ? "已到达现场"
		                   : eta_minutes >= 0
		                       ? xf_arena_printf(&req->arena, "预计 %lld 分钟后到达",
		                                         (long long)eta_minutes)
		                       : "更新备注";
		json_t *data = json_deep_copy(body);
		json_object_set_new(data, "dispatch_id", json_integer(id));
		json_object_set_new(
		    data, "summary",
		    json_string(xf_arena_printf(&req->arena, "%s%s", resource_zh(resource), what)));
		rc = xf_audit_append(db, &actor, "dispatch.update", "incident",
		                     xf_api_id_text(req, incident_id), data);
	}
	if (!xf_api_finish(req, db, rc))
		return;
	reply_dispatch(req, db, id, 200);
}

static const xf_route routes[] = {
    {"GET", "/incidents/{id}/dispatches", XF_PERM_INCIDENT_READ, 0, xf_api_dispatches_list},
    {"POST", "/incidents/{id}/dispatches", XF_PERM_INCIDENT_MANAGE, 0, xf_api_dispatches_create},
    {"PATCH", "/dispatches/{id}", XF_PERM_DISPATCH_UPDATE, 0, xf_api_dispatches_update},
};

const xf_route_list xf_routes_dispatches = {routes, XF_ARRAY_LEN(routes)};
