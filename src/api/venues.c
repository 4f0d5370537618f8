/* The venue resource (答复场所) and bookings of venues for an incident's reply
 * sessions (答复): procedure B step 4 asks to choose a place by the number of people,
 * usually the plan's 工会会议室 or 退休支部会议室. The plan's venues become rows at first
 * use (matched by their plan id; a capacity changed here wins over the plan's);
 * others are added by hand. A booking must seat the people coming and must not share
 * time with another live booking of the same venue. */
#include <stdio.h>
#include <string.h>

#include "api/xf_api.h"
#include "core/xf_venue.h"
#include "store/xf_store_meetings.h"

/* The venue the plan venue became, named as the plan names it unless that name is
 * taken by a venue of another plan. */
static int ensure_plan_venue(xf_req *req, xf_db *db, const xf_actor *actor, const xf_plan_named *v,
                             int64_t now)
{
	int64_t id;
	int rc = xf_store_venue_by_plan_id(db, v->id, &id);
	if (rc != XF_NOTFOUND)
		return rc; /* another request was quicker, or a store error */
	rc = xf_store_venue_adopt(db, v->id, v->name, now, &id);
	if (rc == XF_OK)
		return xf_audit_append(
		    db, actor, "venue.update", "venue", xf_api_id_text(req, id),
		    json_pack(
		        "{s:s, s:s}", "plan_venue_id", v->id, "summary",
		        xf_arena_printf(&req->arena, "场所「%s」对应预案场所 %s", v->name, v->id)));
	if (rc != XF_NOTFOUND)
		return rc;
	const char *name = v->name;
	rc = xf_store_venue_insert(db, name, v->capacity, v->id, "", now, &id);
	if (rc == XF_CONFLICT) {
		name = xf_arena_printf(&req->arena, "%s（%s）", v->name, v->id);
		rc = xf_store_venue_insert(db, name, v->capacity, v->id, "", now, &id);
	}
	if (rc != XF_OK)
		return rc;
	return xf_audit_append(
	    db, actor, "venue.create", "venue", xf_api_id_text(req, id),
	    json_pack("{s:s, s:i, s:s, s:s}", "name", name, "capacity", v->capacity,
	              "plan_venue_id", v->id, "summary",
	              xf_arena_printf(&req->arena, "按预案登记答复场所「%s」，可容纳%d人", name,
	                              v->capacity)));
}

/* Makes sure the current plan's venues exist; cheap reads when they do. Answers and
 * returns false on a store failure. Call outside a transaction. */
static bool plan_venues_ready(xf_req *req, xf_db *db)
{
	int64_t plan_id, id;
	const xf_plan *plan = xf_plans_current(&plan_id);
	bool missing = false;
	for (size_t i = 0; plan && i < plan->n_venues && !missing; i++) {
		int rc = xf_store_venue_by_plan_id(db, plan->venues[i].id, &id);
		if (rc == XF_NOTFOUND)
			missing = true;
		else if (rc != XF_OK) {
			xf_api_store_error(req, db, rc);
			return false;
		}
	}
	if (!missing)
		return true;
	xf_actor system = {.id = 0, .name = "system", .request_id = req->request_id};
	if (!xf_api_begin(req, db))
		return false;
	int rc = XF_OK;
	int64_t now = xf_now_ms();
	for (size_t i = 0; rc == XF_OK && i < plan->n_venues; i++)
		rc = ensure_plan_venue(req, db, &system, &plan->venues[i], now);
	return xf_api_finish(req, db, rc);
}

/* The position of a plan venue id in the current plan, or -1. */
static int plan_index(const xf_plan *plan, const char *plan_venue_id)
{
	for (size_t i = 0; plan && plan_venue_id && i < plan->n_venues; i++)
		if (strcmp(plan->venues[i].id, plan_venue_id) == 0)
			return (int)i;
	return -1;
}

/* Adds what the current plan says about a venue: in_plan and plan_capacity. */
static void add_plan_facts(json_t *venue, const xf_plan *plan)
{
	int at = plan_index(plan, json_string_value(json_object_get(venue, "plan_venue_id")));
	json_object_set_new(venue, "in_plan", json_boolean(at >= 0));
	json_object_set_new(venue, "plan_capacity",
	                    at >= 0 ? json_integer(plan->venues[at].capacity) : json_null());
}

/* A booking that stands in the way, as the API shows it. The incident is named only to
 * users who may see it. */
static json_t *conflict_json(xf_req *req, xf_db *db, const xf_booking_row *b)
{
	xf_scope scope = xf_api_scope(req);
	bool visible = xf_store_incident_visible(db, &scope, b->incident_id) == XF_OK;
	char starts[XF_TIME_LEN], ends[XF_TIME_LEN];
	xf_time_format(b->starts_ms, starts);
	xf_time_format(b->ends_ms, ends);
	return json_pack("{s:I, s:o, s:o, s:s, s:s, s:i, s:s}", "booking_id", (json_int_t)b->id,
	                 "incident_id", visible ? json_integer(b->incident_id) : json_null(),
	                 "incident_number", visible ? json_string(b->number) : json_null(),
	                 "starts_at", starts, "ends_at", ends, "headcount", b->headcount, "purpose",
	                 b->purpose);
}

/* Reads a time from the query string. A '+' of a zone arrives as a space when the
 * client did not percent-encode it; it is read as the '+' it was meant to be. */
static bool query_time(xf_req *req, const char *key, int64_t *ms, bool *given)
{
	const char *s = xf_req_query(req, key);
	*given = s != NULL;
	if (!s || xf_iso_time_parse(s, ms) == XF_OK)
		return true;
	char *fixed = xf_arena_strdup(&req->arena, s);
	char *space = strrchr(fixed, ' ');
	if (space && space - fixed > 10) {
		*space = '+';
		if (xf_iso_time_parse(fixed, ms) == XF_OK)
			return true;
	}
	xf_reply_error(req, 400, "bad_request", key,
	               "query parameter '%s' must be an ISO 8601 time with a zone, such as "
	               "2026-11-28T23:10:29Z",
	               key);
	return false;
}

/* Reads a required or optional ISO time from the body; answers 400 when malformed. */
static bool body_time(xf_req *req, json_t *body, const char *key, bool required, int64_t *ms,
                      bool *given)
{
	json_t *v = json_object_get(body, key);
	*given = v != NULL;
	if (!v && !required)
		return true;
	if (!v) {
		xf_reply_error(req, 400, "invalid_field", key, "'%s' is required", key);
		return false;
	}
	if (json_is_string(v) && xf_iso_time_parse(json_string_value(v), ms) == XF_OK)
		return true;
	xf_reply_error(req, 400, "invalid_field", key,
	               "'%s' must be an ISO 8601 time with a zone, such as 2026-11-28T23:10:29Z",
	               key);
	return false;
}

/* The query of GET /venues. */
typedef struct venue_query {
	int64_t incident_id, headcount, all, starts_ms, ends_ms;
	bool times; /* starts_at and ends_at given: which venues are free then */
} venue_query;

/* Reads and checks the query; false when it answered. */
static bool read_venue_query(xf_req *req, venue_query *q)
{
	bool starts_given, ends_given;
	*q = (venue_query){0};
	if (!xf_api_query_int(req, "incident_id", 1, INT64_MAX, 0, &q->incident_id) ||
	    !xf_api_query_int(req, "headcount", 1, XF_VENUE_CAPACITY_MAX, 0, &q->headcount) ||
	    !xf_api_query_int(req, "all", 0, 1, 0, &q->all) ||
	    !query_time(req, "starts_at", &q->starts_ms, &starts_given) ||
	    !query_time(req, "ends_at", &q->ends_ms, &ends_given))
		return false;
	if (starts_given != ends_given) {
		xf_reply_error(req, 400, "bad_request", starts_given ? "ends_at" : "starts_at",
		               "give both 'starts_at' and 'ends_at' to see which venues are free");
		return false;
	}
	q->times = starts_given;
	const char *problem = q->times ? xf_booking_times_problem(q->starts_ms, q->ends_ms) : NULL;
	if (problem) {
		xf_reply_error(req, 400, "bad_request", "ends_at", "%s", problem);
		return false;
	}
	return true;
}

/* The stored venues in the order people choose from (core/xf_venue.h: the plan's
 * first, as the plan lists them). */
static xf_venue_key *venue_order(xf_req *req, json_t *stored, const xf_plan *plan)
{
	size_t n = json_array_size(stored);
	xf_venue_key *keys = xf_arena_alloc(&req->arena, (n + 1) * sizeof *keys);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(stored, i);
		keys[i] = (xf_venue_key){
		    .plan_index =
		        plan_index(plan, json_string_value(json_object_get(v, "plan_venue_id"))),
		    .capacity = (int)json_integer_value(json_object_get(v, "capacity")),
		    .id = json_integer_value(json_object_get(v, "id")),
		    .at = i,
		};
	}
	xf_venue_sort(keys, n);
	return keys;
}

/* Adds to venue v what the plan says of it and what the query asks: whether it seats
 * the headcount, and the booking in the way of the times (null when free). */
static int venue_facts(xf_req *req, xf_db *db, json_t *v, const xf_plan *plan,
                       const xf_venue_key *key, const venue_query *q)
{
	add_plan_facts(v, plan);
	if (q->headcount)
		json_object_set_new(v, "fits",
		                    json_boolean(xf_venue_fits(key->capacity, (int)q->headcount)));
	if (!q->times)
		return XF_OK;
	xf_booking_row b;
	int rc = xf_store_booking_conflict(db, key->id, q->starts_ms, q->ends_ms, &b);
	if (rc == XF_OK)
		json_object_set_new(v, "conflict", conflict_json(req, db, &b));
	else if (rc == XF_NOTFOUND)
		json_object_set_new(v, "conflict", json_null());
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

static void xf_api_venues_list(xf_req *req)
{
	venue_query q;
	xf_incident_state state;
	xf_db *db = xf_db_get();
	if (!read_venue_query(req, &q))
		return;
	if (q.incident_id) {
		if (!xf_perm_allows(req->user.roles, XF_PERM_INCIDENT_READ)) {
			xf_reply_error(req, 403, "forbidden", "incident_id",
			               "your roles do not allow reading incidents");
			return;
		}
		if (!xf_api_incident(req, db, q.incident_id, &state))
			return;
		if (!q.headcount)
			q.headcount = state.headcount;
	}
	if (!plan_venues_ready(req, db))
		return;
	int64_t plan_id;
	const xf_plan *plan = xf_plans_current(&plan_id);
	json_t *stored;
	int rc = xf_store_venue_list(db, q.all == 1, &stored);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_venue_key *keys = venue_order(req, stored, plan);
	json_t *list = json_array();
	for (size_t i = 0; rc == XF_OK && i < json_array_size(stored); i++) {
		json_t *v = json_array_get(stored, keys[i].at);
		rc = venue_facts(req, db, v, plan, &keys[i], &q);
		json_array_append(list, v);
	}
	json_decref(stored);
	if (rc != XF_OK) {
		json_decref(list);
		xf_api_store_error(req, db, rc);
		return;
	}
	json_t *out = json_pack("{s:o}", "venues", list);
	if (q.incident_id)
		json_object_set_new(out, "incident_id", json_integer(q.incident_id));
	if (q.headcount)
		json_object_set_new(out, "headcount", json_integer(q.headcount));
	xf_reply_json(req, 200, out);
}

static void reply_venue(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *v;
	int64_t plan_id;
	int rc = xf_store_venue_json(db, id, &v);
	if (rc == XF_NOTFOUND) {
		xf_reply_error(req, 404, "not_found", NULL, "there is no venue %lld",
		               (long long)id);
		return;
	}
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	add_plan_facts(v, xf_plans_current(&plan_id));
	xf_reply_json(req, status, v);
}

static void xf_api_venues_get(xf_req *req)
{
	int64_t id;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) || !plan_venues_ready(req, db))
		return;
	reply_venue(req, db, id, 200);
}

/* Answers 409 on field name when a venue store change hit the unique name. */
static void reply_name_taken(xf_req *req, const char *name)
{
	xf_reply_error(req, 409, "conflict", "name", "there is already a venue named '%s'", name);
}

static void xf_api_venues_create(xf_req *req)
{
	static const char *const fields[] = {"name", "capacity", "note", NULL};
	xf_field_error err;
	const char *name, *note = "";
	int64_t capacity, id;
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	if (xf_json_string(body, "name", true, 1, 60, &name, &err) != XF_OK ||
	    xf_json_int(body, "capacity", true, 1, XF_VENUE_CAPACITY_MAX, &capacity, &err) !=
	        XF_OK ||
	    xf_json_string(body, "note", false, 0, 500, &note, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!plan_venues_ready(req, db) || !xf_api_begin(req, db))
		return;
	int rc = xf_store_venue_insert(db, name, (int)capacity, NULL, note, xf_now_ms(), &id);
	if (rc == XF_CONFLICT) {
		xf_tx_rollback(db);
		reply_name_taken(req, name);
		return;
	}
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "venue.create", "venue", xf_api_id_text(req, id),
		    json_pack("{s:s, s:I, s:s}", "name", name, "capacity", (json_int_t)capacity,
		              "summary",
		              xf_arena_printf(&req->arena, "登记答复场所「%s」，可容纳%lld人", name,
		                              (long long)capacity)));
	if (!xf_api_finish(req, db, rc))
		return;
	reply_venue(req, db, id, 201);
}

static void xf_api_venues_update(xf_req *req)
{
	static const char *const fields[] = {"name", "capacity", "note", "active", NULL};
	xf_field_error err;
	const char *name = NULL, *note = NULL;
	int64_t id, capacity = 0;
	bool active = true;
	xf_venue_row before;
	json_t *body;
	if (!xf_api_path_id(req, "id", &id) || !(body = xf_api_body(req, fields)))
		return;
	if (xf_json_string(body, "name", false, 1, 60, &name, &err) == XF_ERR ||
	    xf_json_int(body, "capacity", false, 1, XF_VENUE_CAPACITY_MAX, &capacity, &err) ==
	        XF_ERR ||
	    xf_json_string(body, "note", false, 0, 500, &note, &err) == XF_ERR ||
	    xf_json_bool(body, "active", false, &active, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (json_object_size(body) == 0) {
		xf_reply_error(req, 400, "invalid_field", NULL,
		               "give at least one of 'name', 'capacity', 'note', 'active'");
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!plan_venues_ready(req, db) || !xf_api_begin(req, db))
		return;
	int rc = xf_store_venue_get(db, id, &before);
	if (rc == XF_NOTFOUND) {
		xf_tx_rollback(db);
		xf_reply_error(req, 404, "not_found", NULL, "there is no venue %lld",
		               (long long)id);
		return;
	}
	if (rc == XF_OK)
		rc = xf_store_venue_update(db, id, name, (int)capacity, note,
		                           json_object_get(body, "active") ? active : -1,
		                           xf_now_ms());
	if (rc == XF_CONFLICT) {
		xf_tx_rollback(db);
		reply_name_taken(req, name);
		return;
	}
	if (rc == XF_OK) {
		const char *what = "";
		if (name && strcmp(name, before.name) != 0)
			what = xf_arena_printf(&req->arena, "%s，改名为「%s」", what, name);
		if (capacity && capacity != before.capacity)
			what = xf_arena_printf(&req->arena, "%s，可容纳人数 %d → %lld", what,
			                       before.capacity, (long long)capacity);
		if (json_object_get(body, "active") && active != before.active)
			what =
			    xf_arena_printf(&req->arena, "%s，%s", what, active ? "启用" : "停用");
		if (note)
			what = xf_arena_printf(&req->arena, "%s，更新备注", what);
		json_t *data = json_deep_copy(body);
		json_object_set_new(data, "summary",
		                    json_string(xf_arena_printf(&req->arena, "修改答复场所「%s」%s",
		                                                before.name, what)));
		rc = xf_audit_append(db, &actor, "venue.update", "venue", xf_api_id_text(req, id),
		                     data);
	}
	if (!xf_api_finish(req, db, rc))
		return;
	reply_venue(req, db, id, 200);
}

/* ---- bookings ---- */

static void xf_api_bookings_list(xf_req *req)
{
	xf_api_incident_sublist(req, xf_store_booking_list, "bookings");
}

/* Answers 409 on field with extra members in the error object (stolen). */
static void reply_conflict(xf_req *req, const char *field, const char *message, json_t *extra)
{
	json_t *error =
	    json_pack("{s:s, s:s, s:s}", "code", "conflict", "message", message, "field", field);
	json_object_update(error, extra);
	json_decref(extra);
	xf_reply_json(req, 409, json_pack("{s:o}", "error", error));
}

/* Inside the transaction: whether the incident (state) may book venue_id from starts_ms
 * to ends_ms for *headcount people (0: the incident's headcount, filled in). When not,
 * rolls back and answers why. */
static bool booking_allowed(xf_req *req, xf_db *db, const xf_incident_state *state,
                            int64_t venue_id, int64_t starts_ms, int64_t ends_ms,
                            int64_t *headcount, xf_venue_row *venue)
{
	xf_booking_row other;
	if (!xf_incident_in_handling(xf_api_status(state))) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL,
		               "%s is '%s'; venues are booked only while an incident is handled "
		               "(activated to resolving)",
		               state->number, state->status);
		return false;
	}
	int rc = xf_store_venue_get(db, venue_id, venue);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		if (rc == XF_NOTFOUND)
			xf_reply_error(req, 400, "invalid_field", "venue_id",
			               "there is no venue %lld", (long long)venue_id);
		else
			xf_api_store_error(req, db, rc);
		return false;
	}
	if (!venue->active) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", "venue_id", "venue '%s' is not in use",
		               venue->name);
		return false;
	}
	if (!*headcount)
		*headcount = state->headcount;
	if (!xf_venue_fits(venue->capacity, (int)*headcount)) {
		xf_tx_rollback(db);
		reply_conflict(req, "headcount",
		               xf_req_message(req,
		                              "venue '%s' seats %d; the booking is for %lld people",
		                              venue->name, venue->capacity, (long long)*headcount),
		               json_pack("{s:i, s:I}", "capacity", venue->capacity, "headcount",
		                         (json_int_t)*headcount));
		return false;
	}
	rc = xf_store_booking_conflict(db, venue_id, starts_ms, ends_ms, &other);
	if (rc == XF_OK) {
		json_t *conflict = conflict_json(req, db, &other);
		xf_tx_rollback(db);
		const char *who = json_is_string(json_object_get(conflict, "incident_number"))
		                      ? other.number
		                      : "another incident";
		reply_conflict(
		    req, "starts_at",
		    xf_req_message(req, "venue '%s' is booked for %s from %s to %s (booking %lld)",
		                   venue->name, who,
		                   json_string_value(json_object_get(conflict, "starts_at")),
		                   json_string_value(json_object_get(conflict, "ends_at")),
		                   (long long)other.id),
		    json_pack("{s:o}", "conflict", conflict));
		return false;
	}
	if (rc != XF_NOTFOUND) {
		xf_tx_rollback(db);
		xf_api_store_error(req, db, rc);
		return false;
	}
	return true;
}

/* Inserts booking b of venue and appends its audit entry. */
static int booking_store(xf_req *req, xf_db *db, const xf_actor *actor, const xf_venue_row *venue,
                         const xf_booking_new *b, int64_t *booking_id)
{
	int rc = xf_store_booking_insert(db, b, booking_id);
	if (rc != XF_OK)
		return rc;
	char starts[XF_TIME_LEN], ends[XF_TIME_LEN];
	char starts_local[XF_LOCAL_TIME_LEN], ends_local[XF_LOCAL_TIME_LEN];
	xf_time_format(b->starts_ms, starts);
	xf_time_format(b->ends_ms, ends);
	xf_local_time_format(b->starts_ms, starts_local);
	xf_local_time_format(b->ends_ms, ends_local);
	return xf_audit_append(
	    db, actor, "booking.create", "incident", xf_api_id_text(req, b->incident_id),
	    json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "booking_id",
	              (json_int_t)*booking_id, "venue_id", (json_int_t)b->venue_id, "venue",
	              venue->name, "starts_at", starts, "ends_at", ends, "headcount",
	              (json_int_t)b->headcount, "purpose", b->purpose, "summary",
	              xf_arena_printf(&req->arena, "预订「%s」用于%s：%s 至 %s，%lld人",
	                              venue->name, xf_booking_purpose_zh(b->purpose), starts_local,
	                              ends_local, (long long)b->headcount)));
}

static void xf_api_bookings_create(xf_req *req)
{
	static const char *const fields[] = {"venue_id", "starts_at", "ends_at", "headcount",
	                                     "purpose",  "note",      NULL};
	xf_field_error err;
	const char *purpose = "reply", *note = "";
	int64_t id, venue_id, headcount = 0, starts_ms, ends_ms, booking_id;
	bool given;
	xf_incident_state state;
	xf_venue_row venue;
	json_t *body;
	if (!xf_api_path_id(req, "id", &id) || !(body = xf_api_body(req, fields)))
		return;
	if (xf_json_int(body, "venue_id", true, 1, INT64_MAX, &venue_id, &err) != XF_OK ||
	    xf_json_int(body, "headcount", false, 1, XF_VENUE_CAPACITY_MAX, &headcount, &err) ==
	        XF_ERR ||
	    xf_json_choice(body, "purpose", false, xf_booking_purpose_ids, &purpose, &err) ==
	        XF_ERR ||
	    xf_json_string(body, "note", false, 0, 500, &note, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!body_time(req, body, "starts_at", true, &starts_ms, &given) ||
	    !body_time(req, body, "ends_at", true, &ends_ms, &given))
		return;
	const char *problem = xf_booking_times_problem(starts_ms, ends_ms);
	if (problem) {
		xf_reply_error(req, 400, "invalid_field", "ends_at", "%s", problem);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!plan_venues_ready(req, db) || !xf_api_begin_incident(req, db, id, &state))
		return;
	if (!booking_allowed(req, db, &state, venue_id, starts_ms, ends_ms, &headcount, &venue))
		return;
	xf_booking_new b = {
	    .venue_id = venue_id,
	    .incident_id = id,
	    .starts_ms = starts_ms,
	    .ends_ms = ends_ms,
	    .headcount = (int)headcount,
	    .purpose = purpose,
	    .note = note,
	    .created_by = req->user.id,
	    .now_ms = xf_now_ms(),
	};
	int rc = booking_store(req, db, &actor, &venue, &b, &booking_id);
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_booking_json, booking_id, NULL, 201);
}

static void xf_api_bookings_cancel(xf_req *req)
{
	int64_t id;
	xf_booking_row b;
	xf_incident_state state;
	xf_scope scope = xf_api_scope(req);
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_booking_get(db, id, &b);
	if (rc == XF_OK)
		rc = xf_store_incident_visible(db, &scope, b.incident_id);
	if (rc == XF_OK)
		rc = xf_store_incident_state(db, b.incident_id, &state);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		if (rc == XF_NOTFOUND)
			xf_reply_error(req, 404, "not_found", NULL,
			               "there is no booking %lld you may see", (long long)id);
		else
			xf_api_store_error(req, db, rc);
		return;
	}
	/* The archive is sealed (issue 9 item 8): an archived incident's bookings stay. */
	if (!xf_api_unsealed(req, &state)) {
		xf_tx_rollback(db);
		return;
	}
	if (b.cancelled_ms) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL, "booking %lld is already cancelled",
		               (long long)id);
		return;
	}
	rc = xf_store_booking_cancel(db, id, req->user.id, xf_now_ms());
	if (rc == XF_OK) {
		char starts_local[XF_LOCAL_TIME_LEN], ends_local[XF_LOCAL_TIME_LEN];
		xf_local_time_format(b.starts_ms, starts_local);
		xf_local_time_format(b.ends_ms, ends_local);
		rc = xf_audit_append(
		    db, &actor, "booking.cancel", "incident", xf_api_id_text(req, b.incident_id),
		    json_pack("{s:I, s:I, s:s, s:s}", "booking_id", (json_int_t)id, "venue_id",
		              (json_int_t)b.venue_id, "venue", b.venue_name, "summary",
		              xf_arena_printf(&req->arena, "取消预订「%s」：%s 至 %s", b.venue_name,
		                              starts_local, ends_local)));
	}
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_booking_json, id, NULL, 200);
}

static const xf_route routes[] = {
    {"GET", "/venues", XF_PERM_SIGNED_IN, 0, xf_api_venues_list},
    {"POST", "/venues", XF_PERM_VENUE_WRITE, 0, xf_api_venues_create},
    {"GET", "/venues/{id}", XF_PERM_SIGNED_IN, 0, xf_api_venues_get},
    {"PATCH", "/venues/{id}", XF_PERM_VENUE_WRITE, 0, xf_api_venues_update},
    {"GET", "/incidents/{id}/bookings", XF_PERM_INCIDENT_READ, 0, xf_api_bookings_list},
    {"POST", "/incidents/{id}/bookings", XF_PERM_INCIDENT_MANAGE, 0, xf_api_bookings_create},
    {"DELETE", "/bookings/{id}", XF_PERM_INCIDENT_MANAGE, 0, xf_api_bookings_cancel},
};

const xf_route_list xf_routes_venues = {routes, XF_ARRAY_LEN(routes)};
