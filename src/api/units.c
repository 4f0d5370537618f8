/* The unit resource: the tree of 单位 every user and incident belongs to (a group at
 * the top of many mines, each numbering its incidents with its number_prefix). */
#include <string.h>

#include "api/xf_api.h"
#include "store/xf_store_mines.h"

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

/* The number_prefix member of a body (xf_store_mines.h): *has XF_OK when given (null
 * included: back to the default), *prefix NULL for null. False, having answered, when
 * it is no prefix. */
static bool read_prefix(xf_req *req, json_t *body, const char **prefix, int *has)
{
	json_t *v = json_object_get(body, "number_prefix");
	*prefix = NULL;
	*has = v ? XF_OK : XF_NOTFOUND;
	if (!v || json_is_null(v))
		return true;
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	size_t n = strlen(s);
	bool ok = n >= 1 && n <= XF_MINE_PREFIX_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		     (s[i] >= '0' && s[i] <= '9');
	if (!ok) {
		xf_reply_error(req, 400, "bad_request", "number_prefix",
		               "'%s' is not a number prefix: 1 to 8 letters or digits", s);
		return false;
	}
	*prefix = s;
	return true;
}

/* Sets the prefix in the open transaction; false, having answered, when it is taken. */
static bool apply_prefix(xf_req *req, xf_db *db, int64_t id, const char *prefix, int *rc)
{
	*rc = xf_store_unit_set_prefix(db, id, prefix);
	if (*rc != XF_CONFLICT)
		return true;
	xf_reply_error(req, 409, "conflict", "number_prefix",
	               "the number prefix '%s' is used by another unit", prefix);
	return false;
}

static void reply_sibling_conflict(xf_req *req, const char *name)
{
	xf_reply_error(req, 409, "conflict", "name", "a unit named '%s' already exists there",
	               name);
}

static void xf_api_units_create(xf_req *req)
{
	static const char *const fields[] = {"name", "parent_id", "kind", "number_prefix", NULL};
	xf_field_error err;
	const char *name, *kind = "department", *prefix;
	int64_t parent_id = 0, id;
	int has_prefix;
	json_t *body = xf_api_body(req, fields);
	if (!body || !read_prefix(req, body, &prefix, &has_prefix))
		return;
	if (xf_json_string(body, "name", true, 1, 64, &name, &err) != XF_OK ||
	    xf_json_id_or_null(body, "parent_id", false, &parent_id, &err) == XF_ERR ||
	    xf_json_choice(body, "kind", false, xf_unit_kinds, &kind, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	if (parent_id && !xf_api_unit_exists(req, db, "parent_id", parent_id, NULL, 0)) {
		xf_tx_rollback(db);
		return;
	}
	int rc = xf_store_unit_insert(db, parent_id, name, kind, &id);
	if (rc == XF_CONFLICT) {
		xf_tx_rollback(db);
		reply_sibling_conflict(req, name);
		return;
	}
	if (rc == XF_OK && prefix && !apply_prefix(req, db, id, prefix, &rc)) {
		xf_tx_rollback(db);
		return;
	}
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "unit.create", "unit", xf_api_id_text(req, id),
		    json_pack("{s:s, s:s, s:o, s:o}", "name", name, "kind", kind, "parent_id",
		              parent_id ? json_integer(parent_id) : json_null(), "number_prefix",
		              prefix ? json_string(prefix) : json_null()));
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_unit_get, id, NULL, 201);
}

/* A PATCH of a unit: what the body sets (has_*: XF_OK when given, null included). */
typedef struct unit_patch {
	const char *name, *kind, *prefix;
	int64_t parent_id, head_user_id;
	int has_parent, has_head, has_prefix;
} unit_patch;

static bool read_unit_patch(xf_req *req, json_t *body, unit_patch *p)
{
	xf_field_error err;
	memset(p, 0, sizeof *p);
	if (xf_json_string(body, "name", false, 1, 64, &p->name, &err) == XF_ERR ||
	    xf_json_choice(body, "kind", false, xf_unit_kinds, &p->kind, &err) == XF_ERR ||
	    (p->has_parent = xf_json_id_or_null(body, "parent_id", false, &p->parent_id, &err)) ==
	        XF_ERR ||
	    (p->has_head = xf_json_id_or_null(body, "head_user_id", false, &p->head_user_id,
	                                      &err)) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	return read_prefix(req, body, &p->prefix, &p->has_prefix);
}

/* Inside the transaction: the unit and the ids the patch names exist. */
static bool unit_patch_ok(xf_req *req, xf_db *db, int64_t id, const unit_patch *p)
{
	json_t *before;
	int rc = xf_store_unit_get(db, id, &before);
	if (!xf_api_loaded(req, db, rc, "unit", id))
		return false;
	json_decref(before);
	if (p->has_parent == XF_OK && p->parent_id &&
	    !xf_api_unit_exists(req, db, "parent_id", p->parent_id, NULL, 0))
		return false;
	return !(p->has_head == XF_OK && p->head_user_id &&
	         !xf_api_user_exists(req, db, "head_user_id", p->head_user_id, NULL));
}

/* Writes the patch. Returns false, having answered, when a change is refused (a name
 * taken among the siblings, a move below itself); otherwise true with the store's code
 * in *rc. */
static bool apply_unit_patch(xf_req *req, xf_db *db, int64_t id, const unit_patch *p, int *rc)
{
	*rc = XF_OK;
	if (p->name && (*rc = xf_store_unit_set_name(db, id, p->name)) == XF_CONFLICT) {
		reply_sibling_conflict(req, p->name);
		return false;
	}
	if (*rc == XF_OK && p->kind)
		*rc = xf_store_unit_set_kind(db, id, p->kind);
	if (*rc == XF_OK && p->has_head == XF_OK)
		*rc = xf_store_unit_set_head(db, id, p->head_user_id);
	if (*rc == XF_OK && p->has_parent == XF_OK &&
	    (*rc = xf_store_unit_set_parent(db, id, p->parent_id)) == XF_CONFLICT) {
		xf_reply_error(req, 409, "conflict", "parent_id",
		               "a unit cannot be moved below itself or a unit under it, and names "
		               "must be unique among siblings");
		return false;
	}
	if (*rc == XF_OK && p->has_prefix == XF_OK)
		return apply_prefix(req, db, id, p->prefix, rc);
	return true;
}

static void xf_api_units_update(xf_req *req)
{
	static const char *const fields[] = {"name",         "parent_id",     "kind",
	                                     "head_user_id", "number_prefix", NULL};
	unit_patch patch;
	int64_t id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body || !read_unit_patch(req, body, &patch))
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	int rc;
	if (!unit_patch_ok(req, db, id, &patch) || !apply_unit_patch(req, db, id, &patch, &rc)) {
		xf_tx_rollback(db);
		return;
	}
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "unit.update", "unit", xf_api_id_text(req, id),
		                     json_incref(body));
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_unit_get, id, NULL, 200);
}

static const xf_route routes[] = {
    {"GET", "/units", XF_PERM_SIGNED_IN, 0, xf_api_units_list},
    {"POST", "/units", XF_PERM_UNIT_WRITE, 0, xf_api_units_create},
    {"PATCH", "/units/{id}", XF_PERM_UNIT_WRITE, 0, xf_api_units_update},
};

const xf_route_list xf_routes_units = {routes, XF_ARRAY_LEN(routes)};
