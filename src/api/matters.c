/* Matters (诉求) under 《信访工作条例》 (issue 13): registering a matter on its own
 * (POST /matters: channel, received_at, petitioners with representatives, the unit
 * concerned; a 检举控告 routed to the discipline unit; repeats linked as 重复访), the list
 * (GET /matters, with due=soon|overdue the matters near or past a legal deadline), one
 * matter, and its stage moves: accept / not-accept, the one extension (Art. 34), 复查 and
 * 复核 requests (Art. 35, 36), handling (交办 assign, 转办 transfer, 退回 return, 改派
 * reassign), satisfaction with its source (回访), conclusion. The clocks and rules are
 * core's (core/xf_matter.h); the written notices that stop a clock are
 * api/matter_notices.c's (xf_store_matter_notice_issued). Audit events of a matter carry
 * its id and category, never its content or its petitioners (Art. 30, 46). Adding a
 * matter to a person's file stays in persons.c. */
#include <stdlib.h>
#include <string.h>

#include "api/xf_api.h"
#include "api/xf_incidents.h"
#include "api/xf_notify_rules.h"
#include "core/xf_matter.h"
#include "core/xf_person.h"
#include "store/xf_search.h"
#include "store/xf_store_matters.h"

#define DUE_DAYS_MAX       60
#define PERSONS_MAX        200
#define FUTURE_SLACK_MS    (5 * 60 * 1000LL)
#define LIST_LIMIT_MAX     500
#define LIST_LIMIT_DEFAULT 100

static const char *const channel_ids[] = {"letter", "visit", "phone", "online", NULL};
static const char *const source_ids[] = {"phone", "visit", "self", NULL};

static void reply_matter(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *m;
	int rc = xf_store_matter_full_json(db, id, xf_now_ms(), &m);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, m);
}

/* Audit event of a matter: {matter_id, category, summary} and, unless it is an
 * accusation, extra's members (never content or petitioners). Steals extra. */
static int matter_event(xf_req *req, xf_db *db, const char *kind, const xf_matter_row *r,
                        const char *summary, json_t *extra)
{
	xf_actor actor = xf_api_actor(req);
	json_t *data = json_pack("{s:I, s:s, s:s}", "matter_id", (json_int_t)r->id, "category",
	                         r->category, "summary", summary);
	if (extra && strcmp(r->category, "accusation") != 0)
		json_object_update(data, extra);
	json_decref(extra);
	return xf_audit_append(db, &actor, kind, "matter", xf_api_id_text(req, r->id), data);
}

/* Begins a write transaction on a matter the caller may see and reads its row; false
 * when answered (404 for a matter hidden from the caller). */
static bool begin_matter(xf_req *req, xf_db *db, int64_t id, xf_matter_row *row)
{
	if (!xf_api_begin(req, db))
		return false;
	xf_viewer viewer = xf_api_viewer(req);
	int rc = xf_store_matter_visible(db, &viewer, id);
	if (rc == XF_OK)
		rc = xf_store_matter_get(db, id, row);
	if (rc == XF_OK)
		return true;
	xf_tx_rollback(db);
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", NULL, "there is no matter %lld you may see",
		               (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

/* A handler given a matter whose legal deadline is already within XF_DUE_SOON_DAYS is
 * told at once, as the clocks' scan tells the handler it finds (matter_clocks.c): the
 * scan may have passed that mark before the matter had this handler. Once per handler,
 * matter and clock (the same dedup key as the scan's). */
static int tell_new_handler(xf_db *db, const xf_matter_row *r, int64_t handler, int64_t now)
{
	xf_matter_clock c = xf_store_matter_row_clock(r);
	int64_t soon_until = xf_matter_due_until(now, true, XF_DUE_SOON_DAYS);
	int rc = XF_OK;
	for (int k = 0; rc == XF_OK && k < XF_CLOCK_COUNT; k++) {
		if (!xf_clock_is_duty((xf_clock_id)k))
			continue;
		xf_clock_state st = xf_matter_clock_state(&c, (xf_clock_id)k);
		if (!st.running || st.due_ms > soon_until || xf_matter_overdue(st.due_ms, now))
			continue;
		char dedup[64];
		snprintf(dedup, sizeof dedup, "matter.due:%lld:%s", (long long)r->id,
		         xf_clock_name((xf_clock_id)k));
		xf_notice_event e = {.kind = XF_NOTIFY_MATTER_DUE,
		                     .matter_id = r->id,
		                     .handler_id = handler,
		                     .incident_id = r->incident_id,
		                     .dedup = dedup,
		                     .title = "信访事项",
		                     .due_ms = st.due_ms};
		int64_t plan_id;
		rc = xf_notify_event(db, xf_plans_current(&plan_id), &e, now, NULL);
	}
	return rc;
}

/* Finishes a stage move: the event, the commit, the Matter. */
static void finish(xf_req *req, xf_db *db, int rc, const char *kind, const xf_matter_row *r,
                   const char *summary, json_t *extra)
{
	if (rc == XF_OK)
		rc = matter_event(req, db, kind, r, summary, extra);
	else
		json_decref(extra);
	if (xf_api_finish(req, db, rc))
		reply_matter(req, db, r->id, 200);
}

/* ---- accusations: the discipline unit, never the accused (Art. 18, 28, 30) ---- */

/* For an accusation against accused: false (answered 409) when unit is the accused unit
 * or one above it. */
static bool unit_not_accused(xf_req *req, xf_db *db, const char *field, int64_t unit,
                             int64_t accused)
{
	bool above = false;
	int rc = accused && unit ? xf_store_unit_at_or_above(db, unit, accused, &above) : XF_OK;
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_api_store_error(req, db, rc);
		return false;
	}
	if (above) {
		xf_tx_rollback(db);
		xf_reply_error(
		    req, 409, "conflict", field,
		    "an accusation is not handled by the accused unit %lld or a unit above "
		    "it (Art. 30)",
		    (long long)accused);
		return false;
	}
	return true;
}

/* Art. 18, 28: false (answered 409) when user belongs to a unit a petitioner of the
 * matter accuses. */
static bool handler_not_accused(xf_req *req, xf_db *db, int64_t matter_id, int64_t user)
{
	json_t *m;
	int rc = xf_store_matter_full_json(db, matter_id, xf_now_ms(), &m);
	for (size_t i = 0; rc == XF_OK && i < json_array_size(json_object_get(m, "persons")); i++) {
		int64_t person = json_integer_value(
		    json_object_get(json_array_get(json_object_get(m, "persons"), i), "person_id"));
		int64_t conflict = 0;
		rc = xf_store_accused_conflict(db, person, user, &conflict);
		if (rc == XF_OK && conflict) {
			json_decref(m);
			xf_tx_rollback(db);
			xf_reply_error(
			    req, 409, "conflict", "handler_id",
			    "user %lld belongs to the unit accused in matter %lld and cannot "
			    "handle a matter of the accuser (Art. 18, 28)",
			    (long long)user, (long long)conflict);
			return false;
		}
	}
	if (rc == XF_OK)
		json_decref(m);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_api_store_error(req, db, rc);
		return false;
	}
	return true;
}

/* ---- POST /matters ---- */

/* Reads person_id or persons into ids / rep; false when answered 400. */
static bool read_persons(xf_req *req, json_t *body, int64_t **ids, bool **rep, size_t *n)
{
	json_t *one = json_object_get(body, "person_id"), *many = json_object_get(body, "persons");
	if ((one != NULL) == (many != NULL)) {
		xf_reply_error(req, 400, "invalid_field", "persons",
		               "give either 'person_id' or 'persons'");
		return false;
	}
	if (one) {
		if (!json_is_integer(one) || json_integer_value(one) < 1) {
			xf_reply_error(req, 400, "invalid_field", "person_id",
			               "'%s' must be a positive integer", "person_id");
			return false;
		}
		*ids = xf_arena_alloc(&req->arena, sizeof **ids);
		*rep = xf_arena_alloc(&req->arena, sizeof **rep);
		(*ids)[0] = json_integer_value(one);
		(*rep)[0] = false;
		*n = 1;
		return true;
	}
	size_t count = json_array_size(many);
	if (!json_is_array(many) || count < 1 || count > PERSONS_MAX) {
		xf_reply_error(req, 400, "invalid_field", "persons",
		               "'persons' must be a list of 1 to %d petitioners", PERSONS_MAX);
		return false;
	}
	*ids = xf_arena_alloc(&req->arena, count * sizeof **ids);
	*rep = xf_arena_alloc(&req->arena, count * sizeof **rep);
	int representatives = 0;
	for (size_t i = 0; i < count; i++) {
		json_t *p = json_array_get(many, i);
		json_t *id = json_object_get(p, "person_id"),
		       *r = json_object_get(p, "representative");
		if (!json_is_integer(id) || json_integer_value(id) < 1 ||
		    (r && !json_is_boolean(r))) {
			xf_reply_error(
			    req, 400, "invalid_field", "persons",
			    "each petitioner is {\"person_id\": id, \"representative\": bool}");
			return false;
		}
		(*ids)[i] = json_integer_value(id);
		(*rep)[i] = json_is_true(r);
		representatives += (*rep)[i];
		for (size_t j = 0; j < i; j++)
			if ((*ids)[j] == (*ids)[i]) {
				xf_reply_error(req, 400, "invalid_field", "persons",
				               "person %lld is listed twice", (long long)(*ids)[i]);
				return false;
			}
	}
	if (representatives > XF_MAX_REPRESENTATIVES) {
		xf_reply_error(req, 400, "invalid_field", "persons",
		               "at most %d representatives (Art. 20), %d given",
		               XF_MAX_REPRESENTATIVES, representatives);
		return false;
	}
	*n = count;
	return true;
}

static void xf_api_matters_register(xf_req *req)
{
	static const char *const fields[] = {
	    "person_id",   "persons", "category",        "content",     "channel",
	    "received_at", "unit_id", "accused_unit_id", "incident_id", NULL};
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	xf_field_error err;
	xf_matter_in in = {0};
	size_t n;
	int64_t *ids;
	bool *rep;
	if (!read_persons(req, body, &ids, &rep, &n))
		return;
	in.person_ids = ids;
	in.representative = rep;
	in.n_persons = n;
	if (xf_json_choice(body, "category", true, xf_category_ids, &in.category, &err) != XF_OK ||
	    xf_json_string(body, "content", true, 1, XF_API_TEXT_MAX, &in.content, &err) != XF_OK ||
	    xf_json_choice(body, "channel", true, channel_ids, &in.channel, &err) != XF_OK ||
	    xf_json_id_or_null(body, "unit_id", false, &in.unit_id, &err) == XF_ERR ||
	    xf_json_id_or_null(body, "accused_unit_id", false, &in.accused_unit_id, &err) ==
	        XF_ERR ||
	    xf_json_id_or_null(body, "incident_id", false, &in.incident_id, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	int64_t now = xf_now_ms();
	in.entered_ms = now;
	in.received_ms = now;
	int has = xf_incident_read_time(req, body, "received_at", &in.received_ms, NULL);
	if (has == XF_ERR)
		return;
	if (has != XF_OK)
		in.received_ms = now;
	if (in.received_ms > now + FUTURE_SLACK_MS) {
		xf_reply_error(req, 400, "invalid_field", "received_at",
		               "'received_at' must not be in the future");
		return;
	}
	bool accusation = strcmp(in.category, "accusation") == 0;
	if (!accusation && in.accused_unit_id) {
		xf_reply_error(req, 400, "invalid_field", "accused_unit_id",
		               "'accused_unit_id' is for accusations only");
		return;
	}
	in.created_by = req->user.id;
	xf_db *db = xf_db_get();
	if (!xf_api_begin(req, db))
		return;
	xf_viewer viewer = xf_api_viewer(req);
	for (size_t i = 0; i < n; i++) {
		int rc = xf_store_person_visible(db, &viewer, ids[i]);
		if (rc != XF_OK) {
			xf_tx_rollback(db);
			if (rc == XF_NOTFOUND)
				xf_reply_error(req, 404, "not_found", "persons",
				               "there is no person %lld you may see",
				               (long long)ids[i]);
			else
				xf_api_store_error(req, db, rc);
			return;
		}
	}
	xf_incident_state state;
	if ((in.unit_id && !xf_api_unit_exists(req, db, "unit_id", in.unit_id, NULL, 0)) ||
	    (in.accused_unit_id &&
	     !xf_api_unit_exists(req, db, "accused_unit_id", in.accused_unit_id, NULL, 0)) ||
	    (in.incident_id && !xf_api_incident(req, db, in.incident_id, &state))) {
		xf_tx_rollback(db);
		return;
	}
	int rc = XF_OK;
	if (accusation) {
		/* Art. 22, 30: to the discipline unit, never the accused or its superiors */
		if (in.unit_id &&
		    !unit_not_accused(req, db, "unit_id", in.unit_id, in.accused_unit_id))
			return;
		if (!in.unit_id) {
			int64_t from = in.accused_unit_id ? in.accused_unit_id : req->user.unit_id;
			if (from)
				rc = xf_store_discipline_unit(db, from, &in.unit_id);
		}
	}
	int64_t repeat_of = 0, id = 0;
	if (rc == XF_OK)
		rc = xf_store_matter_find_repeat(db, ids, n, in.category, in.content,
		                                 in.received_ms, &repeat_of);
	if (rc == XF_OK)
		rc = xf_store_matter_register(db, &in, repeat_of, &id);
	if (rc == XF_OK) {
		xf_matter_row r = {.id = id};
		snprintf(r.category, sizeof r.category, "%s", in.category);
		rc = matter_event(
		    req, db, "matter.register", &r,
		    xf_arena_printf(&req->arena, "登记诉求（%s）", xf_category_zh(in.category)),
		    json_pack("{s:s, s:o, s:o}", "channel", in.channel, "repeat_of",
		              repeat_of ? json_integer(repeat_of) : json_null(), "unit_id",
		              in.unit_id ? json_integer(in.unit_id) : json_null()));
	}
	if (rc == XF_OK) {
		xf_search_doc doc = {.kind = "matter",
		                     .id = id,
		                     .incident_id = in.incident_id,
		                     .person_id = ids[0],
		                     .title = xf_category_zh(in.category),
		                     .body = in.content};
		rc = xf_search_put(db, &doc);
	}
	if (rc == XF_OK) { /* related matters may now warn (预警) */
		xf_actor actor = xf_api_actor(req);
		int64_t plan_id;
		rc = xf_warnings_scan(db, xf_plans_for_mine(db, req->user.mine_id, &plan_id),
		                      XF_WARN_REPEATED, &actor, NULL);
	}
	if (!xf_api_finish(req, db, rc))
		return;
	reply_matter(req, db, id, 201);
}

/* ---- GET /matters ---- */

static void matters_due(xf_req *req, const char *due)
{
	int64_t within_days;
	bool soon = strcmp(due, "soon") == 0;
	if (!soon && strcmp(due, "overdue") != 0) {
		xf_reply_error(req, 400, "bad_request", "due", "'due' must be 'soon' or 'overdue'");
		return;
	}
	if (!xf_api_query_int(req, "within_days", 0, DUE_DAYS_MAX, XF_DUE_SOON_DAYS, &within_days))
		return;
	if (!soon)
		within_days = 0;
	int64_t unit_id;
	if (!xf_api_query_int(req, "unit_id", 0, INT64_MAX, 0, &unit_id))
		return;
	xf_db *db = xf_db_get();
	xf_viewer viewer = xf_api_viewer(req);
	int64_t now = xf_now_ms();
	xf_matter_filter f = {.due = due,
	                      .unit_id = unit_id,
	                      .until_ms = xf_matter_due_until(now, soon, (int)within_days),
	                      .now_ms = now};
	json_t *list;
	int rc = xf_store_matter_list(db, &viewer, &f, &list);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	/* the dashboard's counts: overdue and due within 3 days, per unit */
	json_t *counts;
	rc = xf_store_matter_due_counts(db, &viewer, now, &counts);
	if (rc != XF_OK) {
		json_decref(list);
		xf_api_store_error(req, db, rc);
		return;
	}
	char at[XF_TIME_LEN];
	xf_time_format(now, at);
	xf_reply_json(req, 200,
	              json_pack("{s:s, s:s, s:I, s:I, s:s, s:o, s:o}", "now", at, "due",
	                        soon ? "soon" : "overdue", "within_days", (json_int_t)within_days,
	                        "count", (json_int_t)json_array_size(list), "calendar",
	                        xf_calendar_default()->name, "counts", counts, "matters", list));
}

static void xf_api_matters_list(xf_req *req)
{
	const char *due = xf_req_query(req, "due");
	if (due) {
		matters_due(req, due);
		return;
	}
	if (!xf_req_query(req, "stage") && !xf_req_query(req, "category") &&
	    !xf_req_query(req, "unit_id") && !xf_req_query(req, "person_id") &&
	    !xf_req_query(req, "all")) {
		/* the first version answered only ?due=: a bare list says what it wants */
		xf_reply_error(
		    req, 400, "bad_request", "due",
		    "give 'due' (soon or overdue) or a filter: stage, category, unit_id, "
		    "person_id, all=1");
		return;
	}
	xf_matter_filter f = {.stage = xf_req_query(req, "stage"),
	                      .category = xf_req_query(req, "category"),
	                      .now_ms = xf_now_ms()};
	int64_t limit;
	if (!xf_api_query_int(req, "unit_id", 0, INT64_MAX, 0, &f.unit_id) ||
	    !xf_api_query_int(req, "person_id", 0, INT64_MAX, 0, &f.person_id) ||
	    !xf_api_query_int(req, "limit", 1, LIST_LIMIT_MAX, LIST_LIMIT_DEFAULT, &limit))
		return;
	f.limit = (int)limit;
	xf_db *db = xf_db_get();
	xf_viewer viewer = xf_api_viewer(req);
	json_t *list;
	int rc = xf_store_matter_list(db, &viewer, &f, &list);
	xf_api_reply_list(req, db, rc, "matters", rc == XF_OK ? list : NULL);
}

static void xf_api_matters_get(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_viewer viewer = xf_api_viewer(req);
	int rc = xf_store_matter_visible(db, &viewer, id);
	if (rc == XF_NOTFOUND) {
		xf_reply_error(req, 404, "not_found", NULL, "there is no matter %lld you may see",
		               (long long)id);
		return;
	}
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	reply_matter(req, db, id, 200);
}

/* ---- stage moves ---- */

/* Loads matter id in a write transaction (begin_matter) when it is still received, to
 * be accepted or refused; false after answering. */
static bool begin_received(xf_req *req, xf_db *db, int64_t id, bool refuse, xf_matter_row *r)
{
	if (!begin_matter(req, db, id, r))
		return false;
	if (strcmp(r->stage, "received") == 0)
		return true;
	xf_tx_rollback(db);
	if (refuse)
		xf_reply_error(req, 409, "conflict", NULL,
		               "matter %lld is '%s', only a received matter can be refused",
		               (long long)id, r->stage);
	else
		xf_reply_error(req, 409, "conflict", NULL,
		               "matter %lld is '%s', only a received matter can be accepted",
		               (long long)id, r->stage);
	return false;
}

static void xf_api_matter_accept(xf_req *req)
{
	static const char *const fields[] = {NULL};
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	(void)fields;
	xf_db *db = xf_db_get();
	xf_matter_row r;
	if (!begin_received(req, db, id, false, &r))
		return;
	if (r.repeat_of) {
		xf_matter_row first;
		int rc = xf_store_matter_get(db, r.repeat_of, &first);
		if (rc == XF_OK && first.re_reviewed_ms) {
			xf_tx_rollback(db);
			xf_reply_error(
			    req, 409, "conflict", NULL,
			    "matter %lld repeats matter %lld, re-reviewed already: the same "
			    "facts are not accepted again (Art. 36)",
			    (long long)id, (long long)r.repeat_of);
			return;
		}
	}
	finish(req, db, xf_store_matter_accept(db, id, xf_now_ms()), "matter.accept", &r,
	       "受理诉求", NULL);
}

static void xf_api_matter_not_accept(xf_req *req)
{
	static const char *const fields[] = {"reason", NULL};
	int64_t id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	xf_field_error err;
	const char *reason;
	if (xf_json_string(body, "reason", true, 1, XF_API_TEXT_MAX, &reason, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_matter_row r;
	if (!begin_received(req, db, id, true, &r))
		return;
	finish(req, db, xf_store_matter_not_accept(db, id, reason), "matter.not_accept", &r,
	       "不予受理", NULL);
}

static void xf_api_matter_extend(xf_req *req)
{
	static const char *const fields[] = {"days", "reason", NULL};
	int64_t id, days;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	xf_field_error err;
	const char *reason;
	if (xf_json_int(body, "days", true, 1, XF_EXTENSION_MAX_DAYS, &days, &err) != XF_OK ||
	    xf_json_string(body, "reason", true, 1, XF_API_TEXT_MAX, &reason, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_matter_row r;
	if (!begin_matter(req, db, id, &r))
		return;
	xf_matter_clock c = xf_store_matter_row_clock(&r);
	int ok = xf_matter_can_extend(&c, (int)days);
	if (ok != XF_OK) {
		xf_tx_rollback(db);
		if (r.extension_days)
			xf_reply_error(req, 409, "conflict", "days",
			               "matter %lld was extended already: once only (Art. 34)",
			               (long long)id);
		else
			xf_reply_error(
			    req, 409, "conflict", "days",
			    "matter %lld is '%s': only an accepted matter not yet answered "
			    "can be extended (Art. 34)",
			    (long long)id, r.stage);
		return;
	}
	finish(req, db, xf_store_matter_extend(db, id, (int)days, reason, xf_now_ms()),
	       "matter.extend", &r, "延期办理", json_pack("{s:I}", "days", (json_int_t)days));
}

static void review_request(xf_req *req, bool re_review)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_matter_row r;
	if (!begin_matter(req, db, id, &r))
		return;
	xf_matter_clock c = xf_store_matter_row_clock(&r);
	int64_t now = xf_now_ms(), due = 0;
	bool satisfied = strcmp(r.satisfaction, "satisfied") == 0;
	if (xf_matter_can_request_review(&c, re_review, satisfied, now, &due) != XF_OK) {
		char at[XF_TIME_LEN];
		xf_time_format(due, at);
		bool asked = re_review ? r.re_review_requested_ms : r.review_requested_ms;
		xf_tx_rollback(db);
		if (!due && re_review)
			xf_reply_error(
			    req, 409, "conflict", NULL,
			    "matter %lld has not been reviewed: a re-review (Art. 36) is "
			    "requested after the review",
			    (long long)id);
		else if (!due)
			xf_reply_error(
			    req, 409, "conflict", NULL,
			    "matter %lld has no answer yet: a review (Art. 35) is requested "
			    "after it",
			    (long long)id);
		else if (asked && re_review)
			xf_reply_error(req, 409, "conflict", NULL,
			               "a re-review of matter %lld was requested already",
			               (long long)id);
		else if (asked)
			xf_reply_error(req, 409, "conflict", NULL,
			               "a review of matter %lld was requested already",
			               (long long)id);
		else if (!re_review && satisfied)
			xf_reply_error(
			    req, 409, "conflict", NULL,
			    "the petitioner declared themselves satisfied with the answer to "
			    "matter %lld",
			    (long long)id);
		else if (re_review)
			xf_reply_error(
			    req, 409, "conflict", NULL,
			    "the re-review of matter %lld had to be requested by %s (Art. 36)",
			    (long long)id, at);
		else
			xf_reply_error(
			    req, 409, "conflict", NULL,
			    "the review of matter %lld had to be requested by %s (Art. 35)",
			    (long long)id, at);
		return;
	}
	finish(req, db, xf_store_matter_review_request(db, id, re_review, now),
	       re_review ? "matter.re_review_request" : "matter.review_request", &r,
	       re_review ? "申请复核" : "申请复查", NULL);
}

static void xf_api_matter_review_request(xf_req *req)
{
	review_request(req, false);
}

static void xf_api_matter_re_review_request(xf_req *req)
{
	review_request(req, true);
}

/* ---- handling: 交办, 转办, 退回, 改派 ---- */

static void handle(xf_req *req, const char *action)
{
	static const char *const fields[] = {"unit_id", "handler_id", "due", "reason", NULL};
	bool back = strcmp(action, "return") == 0;
	int64_t id, unit = 0, handler = 0, due = 0;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	xf_field_error err;
	const char *reason = NULL;
	bool reason_needed = back || strcmp(action, "transfer") == 0;
	if (xf_json_id_or_null(body, "unit_id", !back && strcmp(action, "reassign") != 0, &unit,
	                       &err) == XF_ERR ||
	    xf_json_id_or_null(body, "handler_id", false, &handler, &err) == XF_ERR ||
	    xf_json_string(body, "reason", reason_needed, 1, XF_API_TEXT_MAX, &reason, &err) ==
	        XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (xf_incident_read_time(req, body, "due", &due, NULL) == XF_ERR)
		return;
	xf_db *db = xf_db_get();
	xf_matter_row r;
	if (!begin_matter(req, db, id, &r))
		return;
	bool open = strcmp(r.stage, "accepted") == 0 || strcmp(r.stage, "handling") == 0;
	bool handled = r.handling_unit_id != 0;
	bool assign = strcmp(action, "assign") == 0;
	if (assign && !(open && !handled)) {
		xf_tx_rollback(db);
		xf_reply_error(
		    req, 409, "conflict", NULL,
		    "matter %lld is '%s': it must be accepted and not handed to a unit yet",
		    (long long)id, r.stage);
		return;
	}
	if (!assign && !(open && handled)) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL,
		               "matter %lld is '%s': it must be handed to a unit first",
		               (long long)id, r.stage);
		return;
	}
	if (!back && !unit)
		unit = r.handling_unit_id;
	if (unit && !xf_api_unit_exists(req, db, "unit_id", unit, NULL, 0)) {
		xf_tx_rollback(db);
		return;
	}
	if (handler && !xf_api_user_exists(req, db, "handler_id", handler, NULL)) {
		xf_tx_rollback(db);
		return;
	}
	if (!back && strcmp(r.category, "accusation") == 0 &&
	    !unit_not_accused(req, db, "unit_id", unit, r.accused_unit_id))
		return;
	if (handler && !handler_not_accused(req, db, id, handler))
		return;
	if (!back && !due)
		due = r.handling_due_ms;
	int64_t now = xf_now_ms();
	int rc =
	    xf_store_matter_handle(db, id, action, unit, handler, due, reason, req->user.id, now);
	if (rc == XF_OK && handler && handler != r.handler_id)
		rc = tell_new_handler(db, &r, handler, now);
	static const char *const zh[][2] = {
	    {"assign", "交办"}, {"transfer", "转办"}, {"return", "退回"}, {"reassign", "改派"}};
	const char *summary = action;
	for (size_t i = 0; i < XF_ARRAY_LEN(zh); i++)
		if (strcmp(zh[i][0], action) == 0)
			summary = zh[i][1];
	finish(req, db, rc, xf_arena_printf(&req->arena, "matter.%s", action), &r, summary,
	       json_pack("{s:o}", "unit_id", unit && !back ? json_integer(unit) : json_null()));
}

static void xf_api_matter_assign(xf_req *req)
{
	handle(req, "assign");
}

static void xf_api_matter_transfer(xf_req *req)
{
	handle(req, "transfer");
}

static void xf_api_matter_return(xf_req *req)
{
	handle(req, "return");
}

static void xf_api_matter_reassign(xf_req *req)
{
	handle(req, "reassign");
}

/* ---- satisfaction and conclusion ---- */

static void xf_api_matter_satisfaction(xf_req *req)
{
	static const char *const fields[] = {"satisfaction", "source", NULL};
	int64_t id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	xf_field_error err;
	const char *satisfaction, *source;
	if (xf_json_choice(body, "satisfaction", true, xf_satisfaction_ids, &satisfaction, &err) !=
	        XF_OK ||
	    xf_json_choice(body, "source", true, source_ids, &source, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_matter_row r;
	if (!begin_matter(req, db, id, &r))
		return;
	if (!r.answered_ms) {
		xf_tx_rollback(db);
		xf_reply_error(
		    req, 409, "conflict", NULL,
		    "matter %lld has no answer yet: satisfaction is asked after the answer",
		    (long long)id);
		return;
	}
	int rc = xf_store_matter_satisfaction(db, id, satisfaction, source, xf_now_ms());
	finish(req, db, rc, "matter.satisfaction", &r, "记录满意度",
	       json_pack("{s:s, s:s}", "satisfaction", satisfaction, "source", source));
}

void xf_api_refuse_conclusion(xf_req *req, xf_db *db, int64_t id, const char *why)
{
	xf_tx_rollback(db);
	if (strcmp(why, "not_accepted") == 0)
		xf_reply_error(req, 409, "conflict", NULL,
		               "matter %lld cannot be concluded: it was not accepted",
		               (long long)id);
	else if (strcmp(why, "no_outcome") == 0)
		xf_reply_error(req, 409, "conflict", "outcome",
		               "matter %lld cannot be concluded: it has no outcome", (long long)id);
	else
		xf_reply_error(req, 409, "conflict", NULL,
		               "matter %lld cannot be concluded: its answer was not issued",
		               (long long)id);
}

static void xf_api_matter_conclude(xf_req *req)
{
	static const char *const fields[] = {"outcome", NULL};
	int64_t id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	xf_field_error err;
	const char *outcome = NULL;
	if (xf_json_choice(body, "outcome", false, xf_outcome_ids, &outcome, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_matter_row r;
	if (!begin_matter(req, db, id, &r))
		return;
	xf_matter_clock c = xf_store_matter_row_clock(&r);
	const char *why;
	if (r.concluded_ms) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL, "matter %lld is concluded already",
		               (long long)id);
		return;
	}
	if (xf_matter_can_conclude(&c, outcome || r.outcome[0], &why) != XF_OK) {
		xf_api_refuse_conclusion(req, db, id, why);
		return;
	}
	int rc = xf_store_matter_update(db, id, false, outcome, NULL, true, xf_now_ms());
	finish(req, db, rc, "matter.conclude", &r, "办结诉求", NULL);
}

static const xf_route routes[] = {
    {"GET", "/matters", XF_PERM_PERSON_READ, 0, xf_api_matters_list},
    {"POST", "/matters", XF_PERM_PERSON_WRITE, 0, xf_api_matters_register},
    {"GET", "/matters/{id}", XF_PERM_PERSON_READ, 0, xf_api_matters_get},
    {"POST", "/matters/{id}/accept", XF_PERM_PERSON_WRITE, 0, xf_api_matter_accept},
    {"POST", "/matters/{id}/not-accept", XF_PERM_PERSON_WRITE, 0, xf_api_matter_not_accept},
    {"POST", "/matters/{id}/extend", XF_PERM_PERSON_WRITE, 0, xf_api_matter_extend},
    {"POST", "/matters/{id}/review-request", XF_PERM_PERSON_WRITE, 0, xf_api_matter_review_request},
    {"POST", "/matters/{id}/re-review-request", XF_PERM_PERSON_WRITE, 0,
     xf_api_matter_re_review_request},
    {"POST", "/matters/{id}/assign", XF_PERM_PERSON_WRITE, 0, xf_api_matter_assign},
    {"POST", "/matters/{id}/transfer", XF_PERM_PERSON_WRITE, 0, xf_api_matter_transfer},
    {"POST", "/matters/{id}/return", XF_PERM_PERSON_WRITE, 0, xf_api_matter_return},
    {"POST", "/matters/{id}/reassign", XF_PERM_PERSON_WRITE, 0, xf_api_matter_reassign},
    {"POST", "/matters/{id}/satisfaction", XF_PERM_PERSON_WRITE, 0, xf_api_matter_satisfaction},
    {"POST", "/matters/{id}/conclude", XF_PERM_PERSON_WRITE, 0, xf_api_matter_conclude},
};

const xf_route_list xf_routes_matters = {routes, XF_ARRAY_LEN(routes)};
