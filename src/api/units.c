/* The unit resource: the tree of 单位 every user and incident belongs to. */
#include "api/xf_api.h"

static void xf_api_units_list(xf_req *req)
{
	xf_db *db = xf_db_get();
	xf_buf *out = xf_reply_json_text(req, 200);
	xf_buf_puts(out, "{\"units\":");
	int rc = xf_store_unit_list_text(db, out);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_buf_puts(out, "}");
}

/* Answers 400 naming field when unit id does not exist. */
static bool unit_exists(xf_req *req, xf_db *db, const char *field, int64_t id)
{
	json_t *unit;
	int rc = xf_store_unit_get(db, id, &unit);
	if (rc == XF_OK) {
		json_decref(unit);
		return true;
	}
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 400, "invalid_field", field, "'%s': there is no unit %lld",
		               field, (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

static void reply_sibling_conflict(xf_req *req, const char *name)
{
	xf_reply_error(req, 409, "conflict", "name", "a unit named '%s' already exists there",
	               name);
}

static void xf_api_units_create(xf_req *req)
{
	static const char *const fields[] = {"name", "parent_id", "kind", NULL};
	xf_field_error err;
	const char *name, *kind = "department";
	int64_t parent_id = 0, id;
	json_t *body = xf_req_json(req);
	if (!body)
		return;
	if (xf_json_only(body, fields, &err) != XF_OK ||
	    xf_json_string(body, "name", true, 1, 64, &name, &err) != XF_OK ||
	    xf_json_id_or_null(body, "parent_id", false, &parent_id, &err) == XF_ERR ||
	    xf_json_choice(body, "kind", false, xf_unit_kinds, &kind, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	int rc = XF_OK;
	if (parent_id && !unit_exists(req, db, "parent_id", parent_id)) {
		xf_tx_rollback(db);
		return;
	}
	rc = xf_store_unit_insert(db, parent_id, name, kind, &id);
	if (rc == XF_CONFLICT) {
		xf_tx_rollback(db);
		reply_sibling_conflict(req, name);
		return;
	}
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "unit.create", "unit", xf_api_id_text(req, id),
		                     json_pack("{s:s, s:s, s:o}", "name", name, "kind", kind,
		                               "parent_id",
		                               parent_id ? json_integer(parent_id) : json_null()));
	if (!xf_api_finish(req, db, rc))
		return;
	json_t *unit;
	rc = xf_store_unit_get(db, id, &unit);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 201, unit);
}

static void xf_api_units_update(xf_req *req)
{
	static const char *const fields[] = {"name", "parent_id", "kind", "head_user_id", NULL};
	xf_field_error err;
	const char *name = NULL, *kind = NULL;
	int64_t id, parent_id = 0, head_user_id = 0;
	int has_parent, has_head;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_req_json(req);
	if (!body)
		return;
	if (xf_json_only(body, fields, &err) != XF_OK ||
	    xf_json_string(body, "name", false, 1, 64, &name, &err) == XF_ERR ||
	    xf_json_choice(body, "kind", false, xf_unit_kinds, &kind, &err) == XF_ERR ||
	    (has_parent = xf_json_id_or_null(body, "parent_id", false, &parent_id, &err)) ==
	        XF_ERR ||
	    (has_head = xf_json_id_or_null(body, "head_user_id", false, &head_user_id, &err)) ==
	        XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	int rc = XF_OK;
	json_t *before;
	rc = xf_store_unit_get(db, id, &before);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		if (rc == XF_NOTFOUND)
			xf_reply_error(req, 404, "not_found", NULL, "there is no unit %lld",
			               (long long)id);
		else
			xf_api_store_error(req, db, rc);
		return;
	}
	json_decref(before);
	if (has_parent == XF_OK && parent_id && !unit_exists(req, db, "parent_id", parent_id)) {
		xf_tx_rollback(db);
		return;
	}
	if (has_head == XF_OK && head_user_id) {
		xf_user_row head;
		rc = xf_store_user_by_id(db, head_user_id, &head);
		if (rc != XF_OK) {
			xf_tx_rollback(db);
			if (rc == XF_NOTFOUND)
				xf_reply_error(req, 400, "invalid_field", "head_user_id",
				               "'head_user_id': there is no user %lld",
				               (long long)head_user_id);
			else
				xf_api_store_error(req, db, rc);
			return;
		}
	}
	if (name && (rc = xf_store_unit_set_name(db, id, name)) == XF_CONFLICT) {
		xf_tx_rollback(db);
		reply_sibling_conflict(req, name);
		return;
	}
	if (rc == XF_OK && kind)
		rc = xf_store_unit_set_kind(db, id, kind);
	if (rc == XF_OK && has_head == XF_OK)
		rc = xf_store_unit_set_head(db, id, head_user_id);
	if (rc == XF_OK && has_parent == XF_OK) {
		rc = xf_store_unit_set_parent(db, id, parent_id);
		if (rc == XF_CONFLICT) {
			xf_tx_rollback(db);
			xf_reply_error(
			    req, 409, "conflict", "parent_id",
			    "a unit cannot be moved below itself or a unit under it, and names "
			    "must be unique among siblings");
			return;
		}
	}
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "unit.update", "unit", xf_api_id_text(req, id),
		                     json_incref(body));
	if (!xf_api_finish(req, db, rc))
		return;
	json_t *unit;
	rc = xf_store_unit_get(db, id, &unit);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200, unit);
}

static const xf_route routes[] = {
    {"GET", "/units", XF_PERM_SIGNED_IN, 0, xf_api_units_list},
    {"POST", "/units", XF_PERM_UNIT_WRITE, 0, xf_api_units_create},
    {"PATCH", "/units/{id}", XF_PERM_UNIT_WRITE, 0, xf_api_units_update},
};

const xf_route_list xf_routes_units = {routes, XF_ARRAY_LEN(routes)};
