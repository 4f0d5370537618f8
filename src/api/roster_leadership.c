/* The leadership group (领导小组, docs/roster.md): its members hold the positions of the
 * plan's organisation (组长/副组长/成员); a member is a staff member, a user or both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/xf_roster.h"

const json_t *xf_roster_plan_positions(void)
{
	int64_t plan_id;
	const xf_plan *plan = xf_plans_current(&plan_id);
	json_t *org = plan ? json_object_get(plan->doc, "organisation") : NULL;
	return json_object_get(json_object_get(org, "command"), "positions");
}

static bool position_ok(xf_req *req, const char *position)
{
	const json_t *positions = xf_roster_plan_positions();
	size_t i;
	json_t *p;
	if (json_array_size(positions) == 0)
		return true;
	json_array_foreach(positions, i,
	                   p) if (strcmp(json_string_value(p), position) == 0) return true;
	char *list = json_dumps(positions, JSON_COMPACT);
	xf_reply_error(req, 400, "invalid_field", "position",
	               "unknown position '%s' (the plan's positions: %s)", position, list);
	free(list);
	return false;
}

void xf_api_leadership_list(xf_req *req)
{
	xf_db *db = xf_db_get();
	json_t *list;
	const json_t *positions = xf_roster_plan_positions();
	int rc = xf_store_leader_list(db, positions, 0, xf_now_ms(), &list);
	if (rc == XF_OK)
		rc = xf_api_keep_mine_rows(req, db, list, NULL); /* per mine (api/mines.c) */
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	/* The plan is shared between threads: answer with a copy of its positions. */
	xf_reply_json(req, 200,
	              json_pack("{s:o, s:o}", "leadership", list, "positions",
	                        positions ? json_deep_copy(positions) : json_array()));
}

/* The member's API shape, read inside or after the transaction. */
static int leader_json(xf_db *db, int64_t id, json_t **out)
{
	json_t *list;
	int rc = xf_store_leader_list(db, xf_roster_plan_positions(), id, xf_now_ms(), &list);
	if (rc != XF_OK)
		return rc;
	*out = json_incref(json_array_get(list, 0));
	json_decref(list);
	return XF_OK;
}

static void reply_leader(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *member;
	int rc = leader_json(db, id, &member);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, member);
}

typedef struct leader_fields {
	const char *position, *phone;
	int64_t staff_id, user_id, sort_order;
	int has_staff, has_user, has_sort;
} leader_fields;

static bool read_leader_fields(xf_req *req, json_t *body, bool create, leader_fields *f)
{
	static const char *const fields[] = {"position", "staff_id",   "user_id",
	                                     "phone",    "sort_order", NULL};
	xf_field_error err;
	memset(f, 0, sizeof *f);
	if (xf_json_only(body, fields, &err) != XF_OK ||
	    xf_json_string(body, "position", create, 1, 32, &f->position, &err) == XF_ERR ||
	    (f->has_staff = xf_json_id_or_null(body, "staff_id", false, &f->staff_id, &err)) ==
	        XF_ERR ||
	    (f->has_user = xf_json_id_or_null(body, "user_id", false, &f->user_id, &err)) ==
	        XF_ERR ||
	    xf_json_string(body, "phone", false, 0, 32, &f->phone, &err) == XF_ERR ||
	    (f->has_sort = xf_json_int(body, "sort_order", false, 0, 10000, &f->sort_order,
	                               &err)) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	if (f->position && !position_ok(req, f->position))
		return false;
	return xf_api_phone_ok(req, "phone", f->phone);
}

/* The member's references exist and at least one of staff and user is given. */
static bool leader_refs_ok(xf_req *req, xf_db *db, const xf_leader *l)
{
	xf_staff s;
	if (!l->staff_id && !l->user_id) {
		xf_reply_error(
		    req, 400, "invalid_field", "staff_id",
		    "'staff_id' or 'user_id' is required: a member is a staff member or a "
		    "user");
		return false;
	}
	return (!l->staff_id || xf_roster_staff_exists(req, db, "staff_id", l->staff_id, &s)) &&
	       (!l->user_id || xf_api_user_exists(req, db, "user_id", l->user_id, NULL));
}

static const char *leader_name(xf_req *req, xf_db *db, int64_t id)
{
	json_t *member;
	if (leader_json(db, id, &member) != XF_OK)
		return "";
	const char *name =
	    xf_arena_strdup(&req->arena, json_string_value(json_object_get(member, "name")));
	json_decref(member);
	return name;
}

void xf_api_leadership_create(xf_req *req)
{
	leader_fields f;
	json_t *body = xf_req_json(req);
	if (!body || !read_leader_fields(req, body, true, &f))
		return;
	xf_leader l = {
	    .staff_id = f.staff_id, .user_id = f.user_id, .sort_order = (int)f.sort_order};
	snprintf(l.position, sizeof l.position, "%s", f.position);
	snprintf(l.phone, sizeof l.phone, "%s", f.phone ? f.phone : "");
	xf_db *db = xf_db_get();
	if (!xf_api_begin(req, db))
		return;
	if (!leader_refs_ok(req, db, &l)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t id;
	int rc = xf_store_leader_insert(db, &l, &id);
	if (rc == XF_OK)
		rc = xf_roster_audit(req, db, "leadership.create", "leadership", id,
		                     json_deep_copy(body),
		                     xf_arena_printf(&req->arena, "领导小组新增%s「%s」",
		                                     l.position, leader_name(req, db, id)));
	if (xf_api_finish(req, db, rc))
		reply_leader(req, db, id, 201);
}

/* Begins the change of the leadership member in the path; false when answered. */
static bool begin_change(xf_req *req, xf_db *db, int64_t id, xf_leader *l)
{
	return xf_api_begin(req, db) &&
	       xf_roster_loaded(req, db, xf_store_leader_get(db, id, l), "leadership member", id);
}

void xf_api_leadership_update(xf_req *req)
{
	int64_t id;
	leader_fields f;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_req_json(req);
	if (!body || !read_leader_fields(req, body, false, &f))
		return;
	xf_db *db = xf_db_get();
	xf_leader l;
	if (!begin_change(req, db, id, &l))
		return;
	json_t *changes = json_object();
	xf_roster_take_text(changes, "position", f.position, l.position, sizeof l.position);
	xf_roster_take_text(changes, "phone", f.phone, l.phone, sizeof l.phone);
	xf_roster_take_id(changes, "staff_id", f.has_staff, f.staff_id, &l.staff_id);
	xf_roster_take_id(changes, "user_id", f.has_user, f.user_id, &l.user_id);
	if (f.has_sort == XF_OK && l.sort_order != f.sort_order) {
		l.sort_order = (int)f.sort_order;
		json_object_set_new(changes, "sort_order", json_integer(f.sort_order));
	}
	if (xf_roster_unchanged(db, changes)) {
		reply_leader(req, db, id, 200);
		return;
	}
	if (!leader_refs_ok(req, db, &l)) {
		json_decref(changes);
		xf_tx_rollback(db);
		return;
	}
	int rc = xf_store_leader_save(db, &l);
	rc = xf_roster_audit_after(req, db, rc, "leadership.update", "leadership", id, changes,
	                           xf_arena_printf(&req->arena, "修改领导小组%s「%s」", l.position,
	                                           leader_name(req, db, id)));
	if (xf_api_finish(req, db, rc))
		reply_leader(req, db, id, 200);
}

void xf_api_leadership_delete(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_leader l;
	if (!begin_change(req, db, id, &l))
		return;
	const char *name = leader_name(req, db, id);
	int rc = xf_store_leader_delete(db, id);
	if (rc == XF_OK)
		rc = xf_roster_audit(
		    req, db, "leadership.delete", "leadership", id,
		    json_pack("{s:s, s:s}", "position", l.position, "name", name),
		    xf_arena_printf(&req->arena, "领导小组移除%s「%s」", l.position, name));
	if (xf_api_finish(req, db, rc))
		xf_reply_status(req, 204);
}
