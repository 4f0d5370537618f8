/* The staff roster (花名册, docs/roster.md): list, search and page the staff, add,
 * change and remove a member; a member may be linked to one user. */
#include <stdio.h>
#include <string.h>

#include "api/xf_roster.h"

void xf_api_staff_list(xf_req *req)
{
	int64_t unit_id, after_id, limit, next;
	const char *q = xf_req_query(req, "q");
	if (!xf_api_query_int(req, "unit_id", 0, INT64_MAX, 0, &unit_id) ||
	    !xf_api_query_int(req, "after_id", 0, INT64_MAX, 0, &after_id) ||
	    !xf_api_query_int(req, "limit", 1, 5000, 500, &limit))
		return;
	if (q && strlen(q) > 4 * XF_ROSTER_TEXT_MAX) {
		xf_reply_error(req, 400, "bad_request", "q", "query parameter 'q' is too long");
		return;
	}
	xf_db *db = xf_db_get();
	json_t *list;
	int rc = xf_store_staff_list(db, unit_id, q ? q : "", after_id, (int)limit, &list, &next);
	if (rc == XF_OK)
		rc = xf_api_keep_mine_rows(req, db, list, "unit_id"); /* per mine (api/mines.c) */
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200,
	              json_pack("{s:o, s:o}", "staff", list, "next_after_id",
	                        next ? json_integer(next) : json_null()));
}

/* Reads the staff fields of a body; for PATCH (create false) all are optional. */
typedef struct staff_fields {
	const char *staff_number, *name, *position, *phone;
	int64_t unit_id, user_id;
	int has_unit, has_user;
} staff_fields;

static bool read_staff_fields(xf_req *req, json_t *body, bool create, staff_fields *f)
{
	static const char *const fields[] = {"staff_number", "name",    "unit_id", "position",
	                                     "phone",        "user_id", NULL};
	xf_field_error err;
	memset(f, 0, sizeof *f);
	if (xf_json_only(body, fields, &err) != XF_OK ||
	    xf_json_string(body, "staff_number", create, 1, 32, &f->staff_number, &err) == XF_ERR ||
	    xf_json_string(body, "name", create, 1, XF_ROSTER_TEXT_MAX, &f->name, &err) == XF_ERR ||
	    (f->has_unit = xf_json_int(body, "unit_id", create, 1, INT64_MAX, &f->unit_id, &err)) ==
	        XF_ERR ||
	    xf_json_string(body, "position", false, 0, XF_ROSTER_TEXT_MAX, &f->position, &err) ==
	        XF_ERR ||
	    xf_json_string(body, "phone", false, 0, 32, &f->phone, &err) == XF_ERR ||
	    (f->has_user = xf_json_id_or_null(body, "user_id", false, &f->user_id, &err)) ==
	        XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	const char *why = f->staff_number ? xf_staff_number_problem(f->staff_number) : NULL;
	if (why) {
		xf_reply_error(req, 400, "invalid_field", "staff_number", "'staff_number' %s", why);
		return false;
	}
	return xf_api_phone_ok(req, "phone", f->phone);
}

/* Checks the references of the fields inside the transaction; false when answered. */
static bool staff_refs_ok(xf_req *req, xf_db *db, const staff_fields *f, int64_t self_id,
                          char *unit_name, size_t unit_name_size)
{
	xf_staff other;
	if (f->has_unit == XF_OK &&
	    !xf_api_unit_exists(req, db, "unit_id", f->unit_id, unit_name, unit_name_size))
		return false;
	if (f->has_user == XF_OK && f->user_id &&
	    !xf_api_user_exists(req, db, "user_id", f->user_id, NULL))
		return false;
	if (f->staff_number) {
		int rc = xf_store_staff_by_number(db, f->staff_number, &other);
		if (rc == XF_OK && other.id != self_id) {
			xf_reply_error(req, 409, "conflict", "staff_number",
			               "staff number '%s' belongs to '%s' already", f->staff_number,
			               other.name);
			return false;
		}
		if (rc != XF_OK && rc != XF_NOTFOUND) {
			xf_api_store_error(req, db, rc);
			return false;
		}
	}
	return true;
}

static void reply_user_taken(xf_req *req, int64_t user_id)
{
	xf_reply_error(req, 409, "conflict", "user_id",
	               "user %lld is linked to another staff member already", (long long)user_id);
}

static void reply_staff(xf_req *req, xf_db *db, int64_t id, int status)
{
	xf_staff s;
	int rc = xf_store_staff_get(db, id, &s);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, xf_staff_json(&s));
}

void xf_api_staff_create(xf_req *req)
{
	staff_fields f;
	json_t *body = xf_req_json(req);
	if (!body || !read_staff_fields(req, body, true, &f))
		return;
	xf_db *db = xf_db_get();
	xf_staff s = {.unit_id = f.unit_id, .user_id = f.user_id};
	snprintf(s.staff_number, sizeof s.staff_number, "%s", f.staff_number);
	snprintf(s.name, sizeof s.name, "%s", f.name);
	snprintf(s.position, sizeof s.position, "%s", f.position ? f.position : "");
	snprintf(s.phone, sizeof s.phone, "%s", f.phone ? f.phone : "");
	if (!xf_api_begin(req, db))
		return;
	if (!staff_refs_ok(req, db, &f, 0, s.unit, sizeof s.unit)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t id;
	int rc = xf_store_staff_insert(db, &s, xf_now_ms(), &id);
	if (rc == XF_CONFLICT) {
		xf_tx_rollback(db);
		reply_user_taken(req, s.user_id);
		return;
	}
	if (rc == XF_OK)
		rc = xf_roster_audit(req, db, "staff.create", "staff", id, json_deep_copy(body),
		                     xf_arena_printf(&req->arena, "新增员工「%s」（工号 %s，%s）",
		                                     s.name, s.staff_number, s.unit));
	if (xf_api_finish(req, db, rc))
		reply_staff(req, db, id, 201);
}

/* Begins the change of the staff member in the path; false when answered. */
static bool begin_change(xf_req *req, xf_db *db, int64_t id, xf_staff *s)
{
	return xf_api_begin(req, db) &&
	       xf_roster_loaded(req, db, xf_store_staff_get(db, id, s), "staff member", id);
}

void xf_api_staff_update(xf_req *req)
{
	int64_t id;
	staff_fields f;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_req_json(req);
	if (!body || !read_staff_fields(req, body, false, &f))
		return;
	xf_db *db = xf_db_get();
	xf_staff s;
	if (!begin_change(req, db, id, &s))
		return;
	if (!staff_refs_ok(req, db, &f, id, NULL, 0)) {
		xf_tx_rollback(db);
		return;
	}
	json_t *changes = json_object();
	xf_roster_take_text(changes, "staff_number", f.staff_number, s.staff_number,
	                    sizeof s.staff_number);
	xf_roster_take_text(changes, "name", f.name, s.name, sizeof s.name);
	xf_roster_take_text(changes, "position", f.position, s.position, sizeof s.position);
	xf_roster_take_text(changes, "phone", f.phone, s.phone, sizeof s.phone);
	xf_roster_take_id(changes, "unit_id", f.has_unit, f.unit_id, &s.unit_id);
	xf_roster_take_id(changes, "user_id", f.has_user, f.user_id, &s.user_id);
	if (xf_roster_unchanged(db, changes)) {
		reply_staff(req, db, id, 200);
		return;
	}
	int rc = xf_store_staff_save(db, &s, xf_now_ms());
	if (rc == XF_CONFLICT) {
		json_decref(changes);
		xf_tx_rollback(db);
		reply_user_taken(req, s.user_id);
		return;
	}
	rc = xf_roster_audit_after(
	    req, db, rc, "staff.update", "staff", id, changes,
	    xf_arena_printf(&req->arena, "修改员工「%s」（工号 %s）", s.name, s.staff_number));
	if (xf_api_finish(req, db, rc))
		reply_staff(req, db, id, 200);
}

void xf_api_staff_delete(xf_req *req)
{
	int64_t id, shifts, seats;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_staff s;
	if (!begin_change(req, db, id, &s))
		return;
	int rc = xf_store_staff_delete(db, id, &shifts, &seats);
	if (rc == XF_CONFLICT) {
		xf_tx_rollback(db);
		xf_reply_error(
		    req, 409, "conflict", NULL,
		    "'%s' has %lld duty shifts and %lld leadership seats; remove them first",
		    s.name, (long long)shifts, (long long)seats);
		return;
	}
	if (rc == XF_OK)
		rc = xf_roster_audit(
		    req, db, "staff.delete", "staff", id,
		    json_pack("{s:s, s:s}", "staff_number", s.staff_number, "name", s.name),
		    xf_arena_printf(&req->arena, "删除员工「%s」（工号 %s）", s.name,
		                    s.staff_number));
	if (xf_api_finish(req, db, rc))
		xf_reply_status(req, 204);
}
