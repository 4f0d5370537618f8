/* The department contacts (部门联系人, docs/roster.md): whom to call in 矿长办公室,
 * 保卫科, 工会, 退休支部, ...; a contact may name its unit. */
#include <stdio.h>
#include <string.h>

#include "api/xf_roster.h"

void xf_api_contacts_list(xf_req *req)
{
	xf_db *db = xf_db_get();
	json_t *list;
	int rc = xf_store_contact_list(db, 0, &list);
	if (rc == XF_OK)
		rc = xf_api_keep_mine_rows(req, db, list, "unit_id"); /* per mine (api/mines.c) */
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200, json_pack("{s:o}", "contacts", list));
}

static void reply_contact(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *list = NULL;
	int rc = xf_store_contact_list(db, id, &list);
	xf_roster_reply_row(req, db, rc, list, status);
}

typedef struct contact_fields {
	const char *label, *person, *phone, *note;
	int64_t unit_id;
	int has_unit;
} contact_fields;

static bool read_contact_fields(xf_req *req, json_t *body, bool create, contact_fields *f)
{
	static const char *const fields[] = {"label", "unit_id", "person", "phone", "note", NULL};
	xf_field_error err;
	memset(f, 0, sizeof *f);
	if (xf_json_only(body, fields, &err) != XF_OK ||
	    xf_json_string(body, "label", create, 1, XF_ROSTER_TEXT_MAX, &f->label, &err) ==
	        XF_ERR ||
	    (f->has_unit = xf_json_id_or_null(body, "unit_id", false, &f->unit_id, &err)) ==
	        XF_ERR ||
	    xf_json_string(body, "person", false, 0, XF_ROSTER_TEXT_MAX, &f->person, &err) ==
	        XF_ERR ||
	    xf_json_string(body, "phone", false, 0, 32, &f->phone, &err) == XF_ERR ||
	    xf_json_string(body, "note", false, 0, XF_ROSTER_NOTE_MAX, &f->note, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	return xf_api_phone_ok(req, "phone", f->phone);
}

void xf_api_contacts_create(xf_req *req)
{
	contact_fields f;
	json_t *body = xf_req_json(req);
	if (!body || !read_contact_fields(req, body, true, &f))
		return;
	xf_contact c = {.unit_id = f.unit_id};
	snprintf(c.label, sizeof c.label, "%s", f.label);
	snprintf(c.person, sizeof c.person, "%s", f.person ? f.person : "");
	snprintf(c.phone, sizeof c.phone, "%s", f.phone ? f.phone : "");
	snprintf(c.note, sizeof c.note, "%s", f.note ? f.note : "");
	xf_db *db = xf_db_get();
	if (!xf_api_begin(req, db))
		return;
	if (c.unit_id && !xf_api_unit_exists(req, db, "unit_id", c.unit_id, NULL, 0)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t id;
	int rc = xf_store_contact_insert(db, &c, &id);
	if (rc == XF_OK)
		rc = xf_roster_audit(
		    req, db, "contact.create", "contact", id, json_deep_copy(body),
		    xf_arena_printf(&req->arena, "新增部门联系人「%s」%s", c.label, c.person));
	if (xf_api_finish(req, db, rc))
		reply_contact(req, db, id, 201);
}

/* Begins the change of the contact in the path; false when answered. */
static bool begin_change(xf_req *req, xf_db *db, int64_t id, xf_contact *c)
{
	return xf_api_begin(req, db) &&
	       xf_roster_loaded(req, db, xf_store_contact_get(db, id, c), "contact", id);
}

void xf_api_contacts_update(xf_req *req)
{
	int64_t id;
	contact_fields f;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_req_json(req);
	if (!body || !read_contact_fields(req, body, false, &f))
		return;
	xf_db *db = xf_db_get();
	xf_contact c;
	if (!begin_change(req, db, id, &c))
		return;
	if (f.has_unit == XF_OK && f.unit_id &&
	    !xf_api_unit_exists(req, db, "unit_id", f.unit_id, NULL, 0)) {
		xf_tx_rollback(db);
		return;
	}
	json_t *changes = json_object();
	xf_roster_take_text(changes, "label", f.label, c.label, sizeof c.label);
	xf_roster_take_text(changes, "person", f.person, c.person, sizeof c.person);
	xf_roster_take_text(changes, "phone", f.phone, c.phone, sizeof c.phone);
	xf_roster_take_text(changes, "note", f.note, c.note, sizeof c.note);
	xf_roster_take_id(changes, "unit_id", f.has_unit, f.unit_id, &c.unit_id);
	if (xf_roster_unchanged(db, changes)) {
		reply_contact(req, db, id, 200);
		return;
	}
	int rc = xf_store_contact_save(db, &c);
	rc = xf_roster_audit_after(
	    req, db, rc, "contact.update", "contact", id, changes,
	    xf_arena_printf(&req->arena, "修改部门联系人「%s」%s", c.label, c.person));
	if (xf_api_finish(req, db, rc))
		reply_contact(req, db, id, 200);
}

void xf_api_contacts_delete(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_contact c;
	if (!begin_change(req, db, id, &c))
		return;
	int rc = xf_store_contact_delete(db, id);
	if (rc == XF_OK)
		rc = xf_roster_audit(
		    req, db, "contact.delete", "contact", id,
		    json_pack("{s:s, s:s, s:s}", "label", c.label, "person", c.person, "phone",
		              c.phone),
		    xf_arena_printf(&req->arena, "删除部门联系人「%s」%s", c.label, c.person));
	if (xf_api_finish(req, db, rc))
		xf_reply_status(req, 204);
}
