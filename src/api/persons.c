/* The person resource: petitioner files (信访人档案) with family members and matters
 * (诉求), their links to incidents (代表 / 参与), quick entry of many people at once,
 * and the rules that protect them: ID numbers and health data masked unless the role
 * allows and the user asks, every view and reveal an audit event, accusations hidden
 * from the accused unit, likely duplicates flagged (quick entry asks first and may link
 * the existing file instead), two files of one person merged (the merged one answers
 * 308 to the kept one), the Art. 20 warning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/xf_api.h"
#include "core/xf_csv.h"
#include "core/xf_person.h"
#include "store/xf_search.h"
#include "store/xf_store_matters.h"
#include "store/xf_store_people.h"
#include "store/xf_store_roster.h"

xf_viewer xf_api_viewer(const xf_req *req)
{
	return (xf_viewer){xf_api_scope(req), req->user.id, req->user.unit_id, req->user.roles};
}

/* Loads a person the viewer may see; answers 404 otherwise. */
static bool visible_person(xf_req *req, xf_db *db, int64_t id)
{
	xf_viewer viewer = xf_api_viewer(req);
	int rc = xf_store_person_visible(db, &viewer, id);
	if (rc == XF_OK)
		return true;
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", NULL, "there is no person %lld you may see",
		               (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

/* A visible file that was not merged into another; answers 404 or 409 naming field
 * (NULL: the path) otherwise. Changes go to the kept file, never to a merged one. */
static bool live_person(xf_req *req, xf_db *db, int64_t id, const char *field)
{
	xf_viewer viewer = xf_api_viewer(req);
	int64_t into = 0;
	int rc = xf_store_person_visible(db, &viewer, id);
	if (rc == XF_OK)
		rc = xf_store_person_merged_into(db, id, &into);
	if (rc == XF_OK && into) {
		xf_reply_error(req, 409, "merged", field,
		               "%s%s%sperson %lld was merged into person %lld", field ? "'" : "",
		               field ? field : "", field ? "': " : "", (long long)id,
		               (long long)into);
		return false;
	}
	if (rc == XF_OK)
		return true;
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", field,
		               "%s%s%sthere is no person %lld you may see", field ? "'" : "",
		               field ? field : "", field ? "': " : "", (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

/* Begins a write transaction on the live file id (live_person); false when answered. */
static bool begin_person(xf_req *req, xf_db *db, int64_t id)
{
	if (!xf_api_begin(req, db))
		return false;
	if (live_person(req, db, id, NULL))
		return true;
	xf_tx_rollback(db);
	return false;
}

/* Reads the person fields of body; required marks an insert (name required). */
static bool read_person(xf_req *req, json_t *body, bool required, xf_person_in *in)
{
	xf_field_error err;
	int64_t unit_id = -1;
	memset(in, 0, sizeof *in);
	in->unit_id = -1;
	int has_unit;
	if (xf_json_string(body, "name", required, 1, 64, &in->name, &err) == XF_ERR ||
	    xf_json_string(body, "id_number", false, 0, 32, &in->id_number, &err) == XF_ERR ||
	    xf_json_string(body, "phone", false, 0, 32, &in->phone, &err) == XF_ERR ||
	    xf_json_string(body, "address", false, 0, 200, &in->address, &err) == XF_ERR ||
	    (has_unit = xf_json_id_or_null(body, "unit_id", false, &unit_id, &err)) == XF_ERR ||
	    xf_json_choice(body, "employment", false, xf_employment_ids, &in->employment, &err) ==
	        XF_ERR ||
	    xf_json_string(body, "health", false, 0, 1000, &in->health, &err) == XF_ERR ||
	    xf_json_string(body, "note", false, 0, 2000, &in->note, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	if (!xf_api_phone_ok(req, "phone", in->phone))
		return false;
	for (const char *c = in->id_number; c && *c; c++)
		if (!((*c >= '0' && *c <= '9') || *c == 'X' || *c == 'x')) {
			xf_reply_error(req, 400, "invalid_field", "id_number",
			               "'id_number' may hold only digits and X");
			return false;
		}
	if (has_unit == XF_OK)
		in->unit_id = unit_id;
	return true;
}

static int index_person(xf_db *db, int64_t id, const xf_person_in *in)
{
	xf_search_doc doc = {.kind = "person",
	                     .id = id,
	                     .person_id = id,
	                     .title = in->name,
	                     .body = in->note ? in->note : ""};
	return xf_search_put(db, &doc);
}

/* Reads and validates "family": [{name, relation, phone?, unit?}]. */
static bool read_family(xf_req *req, json_t *body)
{
	json_t *list, *m;
	size_t i;
	if (!xf_api_array(req, body, "family", 30,
	                  xf_req_message(req, "'family' must be an array of at most 30 members"),
	                  &list))
		return false;
	if (!list)
		return true;
	json_array_foreach(list, i, m)
	{
		static const char *const fields[] = {"name", "relation", "phone", "unit", NULL};
		xf_field_error err;
		const char *s;
		if (!json_is_object(m) || xf_json_only(m, fields, &err) != XF_OK ||
		    xf_json_string(m, "name", true, 1, 64, &s, &err) != XF_OK ||
		    xf_json_string(m, "relation", true, 1, 16, &s, &err) != XF_OK ||
		    xf_json_string(m, "phone", false, 0, 32, &s, &err) == XF_ERR ||
		    xf_json_string(m, "unit", false, 0, 100, &s, &err) == XF_ERR) {
			char field[128];
			snprintf(field, sizeof field, "family[%zu]%s%s", i, err.field[0] ? "." : "",
			         json_is_object(m) ? err.field : "");
			xf_reply_error(req, 400, "invalid_field", field, "%s",
			               json_is_object(m) ? err.message
			                                 : "a family member must be an object");
			return false;
		}
		char field[48];
		snprintf(field, sizeof field, "family[%zu].phone", i);
		if (!xf_api_phone_ok(req, field, json_string_value(json_object_get(m, "phone"))))
			return false;
	}
	return true;
}

static int insert_family(xf_db *db, int64_t person_id, json_t *body)
{
	json_t *m;
	size_t i;
	int rc = XF_OK;
	json_array_foreach(json_object_get(body, "family"), i, m)
	{
		int64_t id;
		rc = xf_store_family_insert(db, person_id,
		                            json_string_value(json_object_get(m, "name")),
		                            json_string_value(json_object_get(m, "relation")),
		                            json_string_value(json_object_get(m, "phone")),
		                            json_string_value(json_object_get(m, "unit")), &id);
		if (rc != XF_OK)
			break;
	}
	return rc;
}

static void reply_person(xf_req *req, xf_db *db, int64_t id, bool reveal, int status)
{
	xf_viewer viewer = xf_api_viewer(req);
	json_t *person;
	int rc = xf_store_person_json(db, &viewer, id, reveal, &person);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, person);
}

static void xf_api_persons_list(xf_req *req)
{
	int64_t limit, before, incident_id, next;
	if (!xf_api_query_int(req, "limit", 1, 200, 50, &limit) ||
	    !xf_api_query_int(req, "after_id", 0, INT64_MAX, 0, &before) ||
	    !xf_api_query_int(req, "incident_id", 0, INT64_MAX, 0, &incident_id))
		return;
	xf_viewer viewer = xf_api_viewer(req);
	xf_db *db = xf_db_get();
	json_t *list;
	int rc = xf_store_person_list(db, &viewer, xf_req_query(req, "q"), incident_id, before,
	                              (int)limit, &list, &next);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200,
	              json_pack("{s:o, s:o}", "persons", list, "next_after_id",
	                        next ? json_integer(next) : json_null()));
}

/* Links a person to an incident with an event on the incident's timeline. */
static int link_person(xf_req *req, xf_db *db, int64_t incident_id, int64_t person_id,
                       const char *name, const char *role)
{
	xf_actor actor = xf_api_actor(req);
	int heads = 0;
	int rc = xf_store_incident_person_link(db, incident_id, person_id, role);
	/* a new petitioner's unit head takes the steps owned by the petitioners' unit heads */
	if (rc == XF_OK)
		rc = xf_store_tasks_assign_heads(db, incident_id, &heads);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "person.link", "incident", xf_api_id_text(req, incident_id),
		    json_pack(
		        "{s:I, s:s, s:s, s:i}", "person_id", (json_int_t)person_id, "role", role,
		        "summary",
		        xf_arena_printf(&req->arena, "%s 列为%s", name,
		                        strcmp(role, "representative") == 0 ? "代表" : "参与人员"),
		        "heads_assigned", heads));
	return rc;
}

static void xf_api_persons_create(xf_req *req)
{
	static const char *const fields[] = {"name",    "id_number",   "phone",  "address",
	                                     "unit_id", "employment",  "health", "note",
	                                     "family",  "incident_id", "role",   NULL};
	xf_field_error err;
	xf_person_in in;
	int64_t incident_id = 0, id;
	const char *role = "participant";
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	if (xf_json_int(body, "incident_id", false, 1, INT64_MAX, &incident_id, &err) == XF_ERR ||
	    xf_json_choice(body, "role", false, xf_person_role_ids, &role, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!read_person(req, body, true, &in) || !read_family(req, body))
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	xf_incident_state state;
	if (!(incident_id ? xf_api_begin_incident(req, db, incident_id, &state)
	                  : xf_api_begin(req, db)))
		return;
	if (in.unit_id > 0 && !xf_api_unit_exists(req, db, "unit_id", in.unit_id, NULL, 0)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t now = xf_now_ms();
	int rc = xf_store_person_insert(db, &in, req->user.id, now, &id);
	if (rc == XF_OK)
		rc = insert_family(db, id, body);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "person.create", "person", xf_api_id_text(req, id),
		    json_pack("{s:s}", "summary",
		              xf_arena_printf(&req->arena, "建立信访人档案：%s", in.name)));
	if (rc == XF_OK && incident_id)
		rc = link_person(req, db, incident_id, id, in.name, role);
	if (rc == XF_OK)
		rc = index_person(db, id, &in);
	if (!xf_api_finish(req, db, rc))
		return;
	reply_person(req, db, id, false, 201);
}

static void xf_api_persons_get(xf_req *req)
{
	int64_t id;
	const char *reveal_text = xf_req_query(req, "reveal");
	bool reveal = reveal_text && strcmp(reveal_text, "1") == 0;
	if (!xf_api_path_id(req, "id", &id))
		return;
	if (reveal && !xf_perm_allows(req->user.roles, XF_PERM_PERSON_REVEAL)) {
		xf_reply_error(req, 403, "forbidden", "reveal",
		               "your roles do not allow revealing ID numbers and health data");
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	/* A merged file answers 308 to the kept one (when the viewer may see it): fetch
	 * and curl -L follow it; the body says the same for a client that does not. */
	int64_t into = 0;
	if (xf_store_person_merged_into(db, id, &into) == XF_OK && into) {
		xf_tx_rollback(db);
		if (!visible_person(req, db, into))
			return;
		const char *location = xf_arena_printf(&req->arena, "/api/v1/persons/%lld%s",
		                                       (long long)into, reveal ? "?reveal=1" : "");
		xf_reply_header(req, "Location", location);
		xf_reply_json(
		    req, 308,
		    json_pack("{s:I, s:s}", "merged_into", (json_int_t)into, "location", location));
		return;
	}
	if (!visible_person(req, db, id)) {
		xf_tx_rollback(db);
		return;
	}
	/* Every view of a file is recorded; a reveal says so. */
	int rc = xf_audit_append(
	    db, &actor, reveal ? "person.reveal" : "person.view", "person", xf_api_id_text(req, id),
	    reveal ? json_pack("{s:[s, s]}", "fields", "id_number", "health") : NULL);
	if (!xf_api_finish(req, db, rc))
		return;
	reply_person(req, db, id, reveal, 200);
}

static void xf_api_persons_update(xf_req *req)
{
	static const char *const fields[] = {"name",    "id_number", "phone",
	                                     "address", "unit_id",   "employment",
	                                     "health",  "note",      NULL};
	xf_person_in in;
	int64_t id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	if (!read_person(req, body, false, &in))
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!begin_person(req, db, id))
		return;
	if (in.unit_id > 0 && !xf_api_unit_exists(req, db, "unit_id", in.unit_id, NULL, 0)) {
		xf_tx_rollback(db);
		return;
	}
	int rc = xf_store_person_update(db, id, &in, xf_now_ms());
	/* The event names the fields changed, never their values: ID numbers and health
	 * data stay out of the log. */
	json_t *changed = json_array();
	const char *key;
	json_t *value;
	json_object_foreach(body, key, value) json_array_append_new(changed, json_string(key));
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "person.update", "person", xf_api_id_text(req, id),
		                     json_pack("{s:o}", "fields", changed));
	else
		json_decref(changed);
	if (rc == XF_OK && (in.name || in.note)) {
		json_t *brief;
		rc = xf_store_person_brief(db, id, &brief);
		if (rc == XF_OK) {
			xf_person_in now = in;
			if (!now.name)
				now.name = json_string_value(json_object_get(brief, "name"));
			rc = index_person(db, id, &now);
			json_decref(brief);
		}
	}
	if (!xf_api_finish(req, db, rc))
		return;
	reply_person(req, db, id, false, 200);
}

/* POST /persons/{id}/merge {"into", "reason"}: file id is merged into file into
 * (xf_store_person_merge); the audit event names both files and the fields filled,
 * never their values. */
static void xf_api_persons_merge(xf_req *req)
{
	static const char *const fields[] = {"into", "reason", NULL};
	xf_field_error err;
	int64_t id, into;
	const char *reason;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	if (xf_json_int(body, "into", true, 1, INT64_MAX, &into, &err) != XF_OK ||
	    xf_json_string(body, "reason", true, 1, 500, &reason, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (into == id) {
		xf_reply_error(req, 400, "invalid_field", "into",
		               "'into': a file cannot be merged into itself");
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!begin_person(req, db, id))
		return;
	if (!live_person(req, db, into, "into")) {
		xf_tx_rollback(db);
		return;
	}
	json_t *from_brief = NULL, *into_brief = NULL, *filled = json_array();
	int rc = xf_store_person_brief(db, id, &from_brief);
	if (rc == XF_OK)
		rc = xf_store_person_brief(db, into, &into_brief);
	if (rc == XF_OK)
		rc = xf_store_person_merge(db, id, into, xf_now_ms(), filled);
	if (rc == XF_OK)
		rc = xf_search_remove(db, "person", id);
	const char *from_name = json_string_value(json_object_get(from_brief, "name"));
	const char *into_name = json_string_value(json_object_get(into_brief, "name"));
	json_t *data =
	    json_pack("{s:I, s:I, s:s, s:O, s:s}", "from_id", (json_int_t)id, "into_id",
	              (json_int_t)into, "reason", reason, "filled", filled, "summary",
	              xf_arena_printf(&req->arena, "合并信访人档案：%s #%lld 并入 %s #%lld",
	                              from_name ? from_name : "", (long long)id,
	                              into_name ? into_name : "", (long long)into));
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "person.merge", "person",
		                     xf_api_id_text(req, into), data);
	else
		json_decref(data);
	json_decref(filled);
	json_decref(from_brief);
	json_decref(into_brief);
	if (!xf_api_finish(req, db, rc))
		return;
	reply_person(req, db, into, false, 200);
}

static void xf_api_family_create(xf_req *req)
{
	static const char *const fields[] = {"name", "relation", "phone", "unit", NULL};
	xf_field_error err;
	const char *name, *relation, *phone = "", *unit = "";
	int64_t id, member;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	if (xf_json_string(body, "name", true, 1, 64, &name, &err) != XF_OK ||
	    xf_json_string(body, "relation", true, 1, 16, &relation, &err) != XF_OK ||
	    xf_json_string(body, "phone", false, 0, 32, &phone, &err) == XF_ERR ||
	    xf_json_string(body, "unit", false, 0, 100, &unit, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!xf_api_phone_ok(req, "phone", phone))
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!begin_person(req, db, id))
		return;
	int rc = xf_store_family_insert(db, id, name, relation, phone, unit, &member);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "family.create", "person", xf_api_id_text(req, id),
		    json_pack("{s:I, s:s}", "family_id", (json_int_t)member, "relation", relation));
	if (!xf_api_finish(req, db, rc))
		return;
	reply_person(req, db, id, false, 201);
}

static void xf_api_family_delete(xf_req *req)
{
	int64_t id, person_id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_family_delete(db, id, &person_id);
	if (rc == XF_OK && !visible_person(req, db, person_id)) {
		xf_tx_rollback(db);
		return;
	}
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "family.delete", "person",
		                     xf_api_id_text(req, person_id),
		                     json_pack("{s:I}", "family_id", (json_int_t)id));
	if (!xf_api_finish(req, db, rc))
		return;
	xf_reply_status(req, 204);
}

/* ---- matters ---- */

static void reply_matter(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *matter;
	int64_t person_id;
	int rc = xf_store_matter_json(db, id, &matter, &person_id);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, matter);
}

static void xf_api_matters_create(xf_req *req)
{
	static const char *const fields[] = {"category", "content", "incident_id",
	                                     "accused_unit_id", NULL};
	xf_field_error err;
	const char *category, *content;
	int64_t person_id, incident_id = 0, accused = 0, id;
	if (!xf_api_path_id(req, "id", &person_id))
		return;
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	if (xf_json_choice(body, "category", true, xf_category_ids, &category, &err) != XF_OK ||
	    xf_json_string(body, "content", true, 1, XF_API_TEXT_MAX, &content, &err) != XF_OK ||
	    xf_json_int(body, "incident_id", false, 1, INT64_MAX, &incident_id, &err) == XF_ERR ||
	    xf_json_int(body, "accused_unit_id", false, 1, INT64_MAX, &accused, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	xf_incident_state state;
	if (!begin_person(req, db, person_id))
		return;
	if ((incident_id && !xf_api_incident(req, db, incident_id, &state)) ||
	    (accused && !xf_api_unit_exists(req, db, "accused_unit_id", accused, NULL, 0))) {
		xf_tx_rollback(db);
		return;
	}
	int rc = xf_store_matter_insert(db, person_id, incident_id, category, content, accused,
	                                req->user.id, xf_now_ms(), &id);
	/* The event names the category only: an accusation's content and target stay in
	 * the file, where the accused unit cannot read them. */
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "matter.create", "person",
		                     xf_api_id_text(req, person_id),
		                     json_pack("{s:I, s:s, s:s}", "matter_id", (json_int_t)id,
		                               "category", category, "summary",
		                               xf_arena_printf(&req->arena, "登记诉求（%s）",
		                                               xf_category_zh(category))));
	if (rc == XF_OK) {
		xf_search_doc doc = {.kind = "matter",
		                     .id = id,
		                     .incident_id = incident_id,
		                     .person_id = person_id,
		                     .title = xf_category_zh(category),
		                     .body = content};
		rc = xf_search_put(db, &doc);
	}
	if (rc == XF_OK) { /* related matters may now warn (预警) */
		int64_t plan_id;
		rc = xf_warnings_scan(db, xf_plans_for_mine(db, req->user.mine_id, &plan_id),
		                      XF_WARN_REPEATED, &actor, NULL);
	}
	if (!xf_api_finish(req, db, rc))
		return;
	reply_matter(req, db, id, 201);
}

static void xf_api_matters_update(xf_req *req)
{
	static const char *const fields[] = {"accepted", "outcome", "satisfaction", "concluded",
	                                     NULL};
	xf_field_error err;
	const char *outcome = NULL, *satisfaction = NULL;
	bool accepted = false, concluded = false;
	int64_t id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	if (xf_json_bool(body, "accepted", false, &accepted, &err) == XF_ERR ||
	    xf_json_choice(body, "outcome", false, xf_outcome_ids, &outcome, &err) == XF_ERR ||
	    xf_json_choice(body, "satisfaction", false, xf_satisfaction_ids, &satisfaction, &err) ==
	        XF_ERR ||
	    xf_json_bool(body, "concluded", false, &concluded, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	xf_viewer viewer = xf_api_viewer(req);
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_matter_visible(db, &viewer, id);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		if (rc == XF_NOTFOUND)
			xf_reply_error(req, 404, "not_found", NULL,
			               "there is no matter %lld you may see", (long long)id);
		else
			xf_api_store_error(req, db, rc);
		return;
	}
	/* Issue 13 item 5: never concluded before acceptance. The first version's quick path
	 * (accept and conclude in one PATCH) keeps working; the full rule (an outcome and the
	 * answer issued) is POST /matters/{id}/conclude's (matters.c). */
	xf_matter_row row;
	rc = concluded && !accepted ? xf_store_matter_get(db, id, &row) : XF_OK;
	if (rc == XF_OK && concluded && !accepted && !row.accepted_ms) {
		xf_api_refuse_conclusion(req, db, id, "not_accepted");
		return;
	}
	if (rc == XF_OK)
		rc = xf_store_matter_update(db, id, accepted, outcome, satisfaction, concluded,
		                            xf_now_ms());
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "matter.update", "matter", xf_api_id_text(req, id),
		                     json_incref(body));
	if (!xf_api_finish(req, db, rc))
		return;
	reply_matter(req, db, id, 200);
}

/* ---- the petitioners of an incident ---- */

static void reply_incident_persons(xf_req *req, xf_db *db, int64_t incident_id, int status)
{
	xf_viewer viewer = xf_api_viewer(req);
	json_t *list;
	int representatives;
	int rc = xf_store_incident_persons(db, &viewer, incident_id, &list, &representatives);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	json_t *warnings = json_array();
	if (representatives > XF_MAX_REPRESENTATIVES)
		json_array_append_new(
		    warnings, json_string(xf_arena_printf(
		                  &req->arena,
		                  "《信访工作条例》第二十条：多人采用走访形式提出共同的信访事项的，"
		                  "应当推选代表，代表人数不超过%d人；本事件登记代表%d人",
		                  XF_MAX_REPRESENTATIVES, representatives)));
	xf_reply_json(req, status,
	              json_pack("{s:o, s:i, s:o}", "persons", list, "representatives",
	                        representatives, "warnings", warnings));
}

static void xf_api_incident_persons_list(xf_req *req)
{
	xf_api_incident_get(req, reply_incident_persons);
}

static void xf_api_incident_persons_link(xf_req *req)
{
	static const char *const fields[] = {"person_id", "role", NULL};
	xf_field_error err;
	int64_t id, person_id;
	const char *role = "participant";
	xf_incident_state state;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	if (xf_json_int(body, "person_id", true, 1, INT64_MAX, &person_id, &err) != XF_OK ||
	    xf_json_choice(body, "role", false, xf_person_role_ids, &role, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	json_t *brief;
	if (!live_person(req, db, person_id, "person_id") ||
	    xf_store_person_brief(db, person_id, &brief) != XF_OK) {
		if (!req->status)
			xf_api_store_error(req, db, XF_ERR);
		xf_tx_rollback(db);
		return;
	}
	int rc = link_person(
	    req, db, id, person_id,
	    xf_arena_strdup(&req->arena, json_string_value(json_object_get(brief, "name"))), role);
	json_decref(brief);
	if (!xf_api_finish(req, db, rc))
		return;
	reply_incident_persons(req, db, id, 200);
}

static void xf_api_incident_persons_unlink(xf_req *req)
{
	int64_t id, person_id;
	xf_incident_state state;
	if (!xf_api_path_id(req, "id", &id) || !xf_api_path_id(req, "person_id", &person_id))
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	int rc = xf_store_incident_person_unlink(db, id, person_id);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "person.unlink", "incident",
		                     xf_api_id_text(req, id),
		                     json_pack("{s:I, s:s}", "person_id", (json_int_t)person_id,
		                               "summary", "移除一名信访人"));
	if (!xf_api_finish(req, db, rc))
		return;
	xf_reply_status(req, 204);
}

/* Finds a unit by exact name; 0 when there is none. */
static int64_t unit_by_name(json_t *units, const char *name)
{
	size_t i;
	json_t *u;
	json_array_foreach(units, i,
	                   u) if (strcmp(json_string_value(json_object_get(u, "name")), name) ==
	                          0) return json_integer_value(json_object_get(u, "id"));
	return 0;
}

/* The name of unit id in the list of units, or NULL. */
static const char *unit_name_of(json_t *units, int64_t id)
{
	size_t i;
	json_t *u;
	json_array_foreach(units, i,
	                   u) if (json_integer_value(json_object_get(u, "id")) ==
	                          id) return json_string_value(json_object_get(u, "name"));
	return NULL;
}

typedef struct entry {
	xf_quick_entry e;
	int64_t unit_id;
	int line;
	int64_t existing; /* a file to link instead of a new one (use_existing) */
} entry;

/* The likely duplicates of an entry that the viewer may open. */
static int entry_duplicates(xf_req *req, xf_db *db, const entry *en, json_t **out)
{
	xf_viewer viewer = xf_api_viewer(req);
	int rc = xf_store_person_duplicates(db, 0, en->e.name, en->unit_id, "", out);
	for (size_t i = json_array_size(*out); rc == XF_OK && i > 0; i--) {
		int64_t pid =
		    json_integer_value(json_object_get(json_array_get(*out, i - 1), "id"));
		int v = xf_store_person_visible(db, &viewer, pid);
		if (v == XF_NOTFOUND)
			json_array_remove(*out, i - 1);
		else if (v != XF_OK)
			rc = v;
	}
	if (rc != XF_OK && *out) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* Reads "use_existing": [{line, person_id}] onto the entries: each line must be one
 * of them, its file visible and not merged. */
static bool read_use_existing(xf_req *req, xf_db *db, json_t *body, entry *entries, size_t n)
{
	json_t *list, *u;
	size_t i;
	if (!xf_api_array(
	        req, body, "use_existing", 500,
	        xf_req_message(req, "'use_existing' must be an array of {\"line\", \"person_id\"}"),
	        &list))
		return false;
	if (!list)
		return true;
	json_array_foreach(list, i, u)
	{
		static const char *const ufields[] = {"line", "person_id", NULL};
		xf_field_error err;
		int64_t line, pid;
		char field[64];
		snprintf(field, sizeof field, "use_existing[%zu]", i);
		if (!json_is_object(u) || xf_json_only(u, ufields, &err) != XF_OK ||
		    xf_json_int(u, "line", true, 1, INT32_MAX, &line, &err) != XF_OK ||
		    xf_json_int(u, "person_id", true, 1, INT64_MAX, &pid, &err) != XF_OK) {
			xf_reply_error(req, 400, "invalid_field", field,
			               "'%s' must be {\"line\": n, \"person_id\": id}", field);
			return false;
		}
		entry *en = NULL;
		for (size_t k = 0; k < n && !en; k++)
			if (entries[k].line == line)
				en = &entries[k];
		if (!en) {
			xf_reply_error(req, 400, "invalid_field", field,
			               "'%s': there is no person on line %lld", field,
			               (long long)line);
			return false;
		}
		char pfield[80];
		snprintf(pfield, sizeof pfield, "%s.person_id", field);
		if (!live_person(req, db, pid, xf_arena_strdup(&req->arena, pfield)))
			return false;
		en->existing = pid;
	}
	return true;
}

/* Reads the 'text' form, one person per line, appending to *entries (on the heap);
 * a line that cannot be read becomes a problem. */
static void read_text_entries(xf_req *req, const char *text, json_t *units, entry **entries,
                              size_t *n, json_t *problems)
{
	size_t cap = 0;
	int line = 0;
	for (const char *s = text; *s || line == 0;) {
		size_t len = strcspn(s, "\n");
		char *one = xf_arena_strndup(&req->arena, s, len);
		line++;
		s += len + (s[len] == '\n');
		const char *problem;
		entry en = {.line = line};
		if (!xf_quick_entry_parse(one, &en.e, &problem)) {
			if (problem)
				json_array_append_new(
				    problems, json_pack("{s:i, s:s}", "line", line, "message",
				                        xf_req_message(req, "%s", problem)));
			if (!*s)
				break;
			continue;
		}
		if (en.e.unit[0] && !(en.unit_id = unit_by_name(units, en.e.unit))) {
			json_array_append_new(
			    problems,
			    json_pack("{s:i, s:s}", "line", line, "message",
			              xf_req_message(req, "there is no unit '%s'", en.e.unit)));
			continue;
		}
		XF_GROW(*entries, *n + 1, cap);
		(*entries)[(*n)++] = en;
		if (!*s)
			break;
	}
}

/* Reads the 'persons' form, an array of objects, into *entries (on the heap, one per
 * element); an element that cannot be read becomes a problem. */
static void read_given_entries(xf_req *req, xf_db *db, json_t *given, entry **out, size_t *n,
                               json_t *problems)
{
	xf_field_error err;
	json_t *p;
	size_t i;
	*n = json_array_size(given);
	entry *entries = *out = xf_calloc(*n + 1, sizeof *entries);
	json_array_foreach(given, i, p)
	{
		static const char *const pfields[] = {"name", "phone",      "unit_id",
		                                      "role", "employment", NULL};
		const char *name = NULL, *phone = "", *role = "participant", *employment = NULL;
		int64_t unit_id = 0;
		entries[i].line = (int)i + 1;
		if (!json_is_object(p) || xf_json_only(p, pfields, &err) != XF_OK ||
		    xf_json_string(p, "name", true, 1, 63, &name, &err) != XF_OK ||
		    xf_json_string(p, "phone", false, 0, 31, &phone, &err) == XF_ERR ||
		    xf_json_int(p, "unit_id", false, 1, INT64_MAX, &unit_id, &err) == XF_ERR ||
		    xf_json_choice(p, "role", false, xf_person_role_ids, &role, &err) == XF_ERR ||
		    xf_json_choice(p, "employment", false, xf_employment_ids, &employment, &err) ==
		        XF_ERR) {
			json_array_append_new(
			    problems,
			    json_pack("{s:i, s:s}", "line", (int)i + 1, "message",
			              xf_req_message(req, "%s",
			                             json_is_object(p) ? err.message
			                                               : "must be an object")));
			continue;
		}
		const char *why = xf_phone_problem(phone);
		if (why) {
			json_array_append_new(problems,
			                      json_pack("{s:i, s:s, s:s}", "line", (int)i + 1,
			                                "field", "phone", "message",
			                                xf_req_message(req, "'phone' %s", why)));
			continue;
		}
		snprintf(entries[i].e.name, sizeof entries[i].e.name, "%s", name);
		snprintf(entries[i].e.phone, sizeof entries[i].e.phone, "%s", phone);
		entries[i].e.representative = strcmp(role, "representative") == 0;
		entries[i].e.employment = employment;
		entries[i].unit_id = unit_id;
		json_t *unit = NULL;
		if (unit_id && xf_store_unit_get(db, unit_id, &unit) != XF_OK)
			json_array_append_new(
			    problems, json_pack("{s:i, s:s}", "line", (int)i + 1, "message",
			                        xf_req_message(req, "there is no such unit")));
		json_decref(unit);
	}
}

/* Answers a 'check': stores nothing, lists the likely duplicates of each line so that the
 * person can choose per line to use the existing file or create a new one. */
static void reply_bulk_check(xf_req *req, xf_db *db, int64_t id, const entry *entries, size_t n)
{
	xf_incident_state state;
	if (!xf_api_incident(req, db, id, &state))
		return;
	int rc = XF_OK;
	json_t *duplicates = json_array();
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		json_t *dups = NULL;
		rc = entry_duplicates(req, db, &entries[i], &dups);
		if (rc == XF_OK && json_array_size(dups))
			json_array_append_new(
			    duplicates, json_pack("{s:i, s:s, s:o}", "line", entries[i].line,
			                          "name", entries[i].e.name, "matches", dups));
		else
			json_decref(dups);
	}
	if (rc != XF_OK) {
		json_decref(duplicates);
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200, json_pack("{s:i, s:o}", "count", (int)n, "duplicates", duplicates));
}

/* Inside the transaction: creates a file for each entry (or links its existing one),
 * assigns task heads and appends the audit entry. The ids go to created_ids and
 * linked_ids, the likely duplicates of new files to duplicates. */
static int store_bulk_entries(xf_req *req, xf_db *db, int64_t id, const entry *entries, size_t n,
                              json_t *created_ids, json_t *linked_ids, json_t *duplicates)
{
	xf_actor actor = xf_api_actor(req);
	int rc = XF_OK;
	int64_t now = xf_now_ms();
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		xf_person_in in = {.name = entries[i].e.name,
		                   .phone = entries[i].e.phone,
		                   .unit_id = entries[i].unit_id,
		                   .employment = entries[i].e.employment};
		int64_t pid = entries[i].existing;
		json_t *dups = NULL;
		if (!pid) {
			rc = entry_duplicates(req, db, &entries[i], &dups);
			if (rc == XF_OK && json_array_size(dups))
				json_array_append_new(duplicates,
				                      json_pack("{s:i, s:s, s:O}", "line",
				                                entries[i].line, "name", in.name,
				                                "matches", dups));
			json_decref(dups);
			if (rc == XF_OK)
				rc = xf_store_person_insert(db, &in, req->user.id, now, &pid);
			if (rc == XF_OK)
				rc = index_person(db, pid, &in);
		}
		if (rc == XF_OK)
			rc = xf_store_incident_person_link(
			    db, id, pid,
			    entries[i].e.representative ? "representative" : "participant");
		if (rc == XF_OK)
			json_array_append_new(entries[i].existing ? linked_ids : created_ids,
			                      json_integer(pid));
	}
	int heads = 0;
	if (rc == XF_OK)
		rc = xf_store_tasks_assign_heads(db, id, &heads);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "person.bulk", "incident", xf_api_id_text(req, id),
		    json_pack("{s:O, s:O, s:s, s:i}", "person_ids", created_ids,
		              "linked_person_ids", linked_ids, "summary",
		              xf_arena_printf(&req->arena, "批量录入信访人 %zu 人", n),
		              "heads_assigned", heads));
	return rc;
}

/* The briefs of the persons whose ids are listed; takes the list. */
static json_t *person_briefs(xf_db *db, json_t *ids)
{
	json_t *briefs = json_array(), *pid;
	size_t k;
	json_array_foreach(ids, k, pid)
	{
		json_t *brief;
		if (xf_store_person_brief(db, json_integer_value(pid), &brief) == XF_OK)
			json_array_append_new(briefs, brief);
	}
	json_decref(ids);
	return briefs;
}

/* Stores the entries (none unless all), linking the files of body's "use_existing"
 * instead, and answers with the files created and linked. */
static void store_bulk(xf_req *req, xf_db *db, int64_t id, json_t *body, entry *entries, size_t n)
{
	xf_incident_state state;
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	if (!read_use_existing(req, db, body, entries, n)) {
		xf_tx_rollback(db);
		return;
	}
	json_t *created_ids = json_array(), *linked_ids = json_array(), *duplicates = json_array();
	int rc = store_bulk_entries(req, db, id, entries, n, created_ids, linked_ids, duplicates);
	if (!xf_api_finish(req, db, rc)) {
		json_decref(created_ids);
		json_decref(linked_ids);
		json_decref(duplicates);
		return;
	}
	json_t *linked = person_briefs(db, linked_ids);
	json_t *created = person_briefs(db, created_ids);
	int representatives = 0;
	json_t *all;
	xf_viewer viewer = xf_api_viewer(req);
	json_t *warnings = json_array();
	if (xf_store_incident_persons(db, &viewer, id, &all, &representatives) == XF_OK)
		json_decref(all);
	if (representatives > XF_MAX_REPRESENTATIVES)
		json_array_append_new(warnings, json_string(xf_arena_printf(
		                                    &req->arena,
		                                    "《信访工作条例》第二十条：代表人数不超过%d人；"
		                                    "本事件登记代表%d人",
		                                    XF_MAX_REPRESENTATIVES, representatives)));
	xf_reply_json(req, 201,
	              json_pack("{s:o, s:o, s:[], s:o, s:o}", "created", created, "linked", linked,
	                        "problems", "duplicates", duplicates, "warnings", warnings));
}

static void xf_api_incident_persons_bulk(xf_req *req)
{
	static const char *const fields[] = {"text", "persons", "check", "use_existing", NULL};
	xf_field_error err;
	const char *text = NULL;
	bool check = false;
	int64_t id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	json_t *given = json_object_get(body, "persons");
	if (xf_json_string(body, "text", false, 0, 100000, &text, &err) == XF_ERR ||
	    xf_json_bool(body, "check", false, &check, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!text == !given || (given && (!json_is_array(given) || json_array_size(given) > 500))) {
		xf_reply_error(
		    req, 400, "invalid_field", given ? "persons" : "text",
		    "give either 'text' (one person per line) or 'persons' (an array of at "
		    "most 500)");
		return;
	}
	xf_db *db = xf_db_get();
	json_t *units;
	int rc = xf_store_unit_list(db, &units);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	/* Read every line first: nothing is stored unless every line is good. */
	entry *entries = NULL;
	size_t n = 0;
	json_t *problems = json_array();
	if (text)
		read_text_entries(req, text, units, &entries, &n, problems);
	else
		read_given_entries(req, db, given, &entries, &n, problems);
	/* Employment the list leaves out follows the unit: its retirees are retired. */
	for (size_t i = 0; !json_array_size(problems) && i < n; i++)
		if (!entries[i].e.employment)
			entries[i].e.employment =
			    xf_employment_default(unit_name_of(units, entries[i].unit_id));
	json_decref(units);
	if (json_array_size(problems) || n == 0) {
		if (n == 0 && !json_array_size(problems))
			json_array_append_new(problems,
			                      json_pack("{s:i, s:s}", "line", 1, "message",
			                                xf_req_message(req, "no person given")));
		json_t *error =
		    json_pack("{s:s, s:s, s:s, s:o}", "code", "invalid_rows", "message",
		              xf_req_message(req, "some lines cannot be read; nothing was stored"),
		              "field", text ? "text" : "persons", "problems", problems);
		xf_reply_json(req, 422, json_pack("{s:o}", "error", error));
		free(entries);
		return;
	}
	json_decref(problems);
	if (check)
		reply_bulk_check(req, db, id, entries, n);
	else
		store_bulk(req, db, id, body, entries, n);
	free(entries);
}

static const xf_route routes[] = {
    {"GET", "/persons", XF_PERM_PERSON_READ, 0, xf_api_persons_list},
    {"POST", "/persons", XF_PERM_PERSON_WRITE, 0, xf_api_persons_create},
    {"GET", "/persons/{id}", XF_PERM_PERSON_READ, XF_ROUTE_WRITES, xf_api_persons_get},
    {"PATCH", "/persons/{id}", XF_PERM_PERSON_WRITE, 0, xf_api_persons_update},
    {"POST", "/persons/{id}/family", XF_PERM_PERSON_WRITE, 0, xf_api_family_create},
    {"POST", "/persons/{id}/merge", XF_PERM_PERSON_WRITE, 0, xf_api_persons_merge},
    {"DELETE", "/family/{id}", XF_PERM_PERSON_WRITE, 0, xf_api_family_delete},
    {"POST", "/persons/{id}/matters", XF_PERM_PERSON_WRITE, 0, xf_api_matters_create},
    {"PATCH", "/matters/{id}", XF_PERM_PERSON_WRITE, 0, xf_api_matters_update},
    {"GET", "/incidents/{id}/persons", XF_PERM_PERSON_READ, 0, xf_api_incident_persons_list},
    {"POST", "/incidents/{id}/persons", XF_PERM_PERSON_WRITE, 0, xf_api_incident_persons_link},
    {"POST", "/incidents/{id}/persons/bulk", XF_PERM_PERSON_WRITE, 0, xf_api_incident_persons_bulk},
    {"DELETE", "/incidents/{id}/persons/{person_id}", XF_PERM_PERSON_WRITE, 0,
     xf_api_incident_persons_unlink},
};

const xf_route_list xf_routes_persons = {routes, XF_ARRAY_LEN(routes)};
