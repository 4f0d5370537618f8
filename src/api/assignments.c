/* The assignment resource: 包保责任制, one responsible official per petitioner.
 * Officials are assigned per person or for every petitioner of a unit at once; each
 * assignment carries a follow-up that falls due as a task on the incident, assigned to
 * the official; recording a follow-up (visit, talk, phone call, help given) completes
 * that task and schedules the next, until the petitioner's matter is resolved. */
#include <stdio.h>
#include <string.h>

#include "api/xf_api.h"
#include "core/xf_person.h"
#include "store/xf_store_matters.h"

/* Answers 400 unless user id is active and holds the responsible official role. */
static bool official_ok(xf_req *req, xf_db *db, const char *field, int64_t id, xf_user_row *row)
{
	int rc = xf_store_user_by_id(db, id, row);
	if (rc == XF_OK && !row->user.disabled && (row->user.roles & (1u << XF_ROLE_OFFICIAL)))
		return true;
	if (rc == XF_OK)
		xf_reply_error(req, 400, "invalid_field", field,
		               "'%s': user '%s' is not an active 包保责任人 (role official)", field,
		               row->user.name);
	else if (rc == XF_NOTFOUND)
		xf_reply_error(req, 400, "invalid_field", field, "'%s': there is no user %lld",
		               field, (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

/* Creates the follow-up task of an assignment, due interval days from now. */
static int followup_task(xf_req *req, xf_db *db, int64_t incident_id, const char *person,
                         const xf_user_row *official, int interval_days, int64_t now,
                         int64_t *task_id)
{
	int position;
	int rc = xf_store_task_next_position(db, incident_id, &position);
	xf_task_new t = {
	    .incident_id = incident_id,
	    .position = position,
	    .kind = "followup",
	    .title = xf_arena_printf(&req->arena, "包保回访：%s", person),
	    .text = "走访、谈话、电话或帮扶，记录情况",
	    .owner_kind = "user",
	    .owner_value = official->user.name,
	    .assignee_id = official->user.id,
	    .base_ms = now,
	    .due_minutes = xf_followup_minutes(interval_days),
	    .due_ms = xf_followup_due(now, interval_days),
	    .now_ms = now,
	};
	if (rc == XF_OK)
		rc = xf_store_task_insert(db, &t, task_id);
	return rc;
}

/* Drops the entries whose person the viewer may not see (an official sees only their
 * own petitioners); nested: the person is the entry's "person" member. */
static int keep_visible(xf_db *db, const xf_viewer *viewer, json_t *list, bool nested)
{
	for (size_t i = json_array_size(list); i > 0; i--) {
		json_t *e = json_array_get(list, i - 1);
		json_t *person = nested ? json_object_get(e, "person") : e;
		int rc = xf_store_person_visible(db, viewer,
		                                 json_integer_value(json_object_get(person, "id")));
		if (rc == XF_NOTFOUND)
			json_array_remove(list, i - 1);
		else if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

static void reply_incident_assignments(xf_req *req, xf_db *db, int64_t incident_id, int status)
{
	xf_viewer viewer = xf_api_viewer(req);
	json_t *assignments, *unassigned = NULL;
	int rc = xf_store_assignment_list(db, incident_id, 0, &assignments);
	if (rc == XF_OK)
		rc = xf_store_incident_unassigned(db, incident_id, 0, &unassigned);
	if (rc == XF_OK && !viewer.scope.all)
		rc = keep_visible(db, &viewer, assignments, true);
	if (rc == XF_OK && !viewer.scope.all)
		rc = keep_visible(db, &viewer, unassigned, false);
	if (rc != XF_OK) {
		json_decref(assignments);
		json_decref(unassigned);
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(
	    req, status,
	    json_pack("{s:o, s:o}", "assignments", assignments, "unassigned", unassigned));
}

static void xf_api_incident_assignments_list(xf_req *req)
{
	xf_api_incident_get(req, reply_incident_assignments);
}

/* Assigns one petitioner of the incident to an official. */
static int assign_one(xf_req *req, xf_db *db, int64_t incident_id, int64_t person_id,
                      const xf_user_row *official, int interval_days, int64_t now)
{
	xf_actor actor = xf_api_actor(req);
	json_t *brief;
	int rc = xf_store_person_brief(db, person_id, &brief);
	if (rc != XF_OK)
		return rc;
	const char *name =
	    xf_arena_strdup(&req->arena, json_string_value(json_object_get(brief, "name")));
	json_decref(brief);
	int64_t id, task_id;
	rc = xf_store_assignment_insert(db, person_id, incident_id, official->user.id,
	                                interval_days, now, &id);
	if (rc == XF_OK)
		rc = followup_task(req, db, incident_id, name, official, interval_days, now,
		                   &task_id);
	if (rc == XF_OK)
		rc = xf_store_assignment_update(db, id, 0, 0, NULL, 0, task_id, now);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "assignment.create", "incident", xf_api_id_text(req, incident_id),
		    json_pack("{s:I, s:I, s:I, s:s}", "assignment_id", (json_int_t)id, "person_id",
		              (json_int_t)person_id, "official_id", (json_int_t)official->user.id,
		              "summary",
		              xf_arena_printf(&req->arena, "包保：%s 负责 %s", official->user.name,
		                              name)));
	return rc;
}

/* 《信访工作条例》 Art. 18, 28 (issue 13): an official of a unit the petitioner accuses (or
 * below it) is not their 包保. False, having answered 409 naming the conflict, when
 * official_id is one; *rc holds a store failure otherwise. */
static bool not_accused_official(xf_req *req, xf_db *db, const char *field, int64_t person_id,
                                 int64_t official_id, int *rc)
{
	int64_t matter = 0;
	*rc = xf_store_accused_conflict(db, person_id, official_id, &matter);
	if (*rc == XF_OK && matter) {
		xf_reply_error(
		    req, 409, "conflict", field,
		    "user %lld belongs to the unit accused in matter %lld and cannot be the "
		    "包保 of the accuser (Art. 18, 28)",
		    (long long)official_id, (long long)matter);
		return false;
	}
	return true;
}

static bool person_in_incident(json_t *persons, int64_t person_id)
{
	size_t i;
	json_t *p;
	json_array_foreach(persons, i, p) if (json_integer_value(json_object_get(p, "id")) ==
	                                      person_id) return true;
	return false;
}

/* Assigns each {person_id, official_id} of pairs to the petitioners (persons) of incident
 * id. Returns false, having answered, when a pair is refused; otherwise true with the
 * store's code in *rc. */
static bool assign_pairs(xf_req *req, xf_db *db, int64_t id, const xf_incident_state *state,
                         json_t *persons, json_t *pairs, int interval, int64_t now, int *rc)
{
	xf_field_error err;
	xf_user_row official;
	json_t *pair;
	size_t i;
	json_array_foreach(pairs, i, pair)
	{
		char field[48];
		int64_t person_id, pair_official;
		snprintf(field, sizeof field, "pairs[%zu]", i);
		if (!json_is_object(pair) ||
		    xf_json_int(pair, "person_id", true, 1, INT64_MAX, &person_id, &err) != XF_OK ||
		    xf_json_int(pair, "official_id", true, 1, INT64_MAX, &pair_official, &err) !=
		        XF_OK) {
			xf_reply_error(req, 400, "invalid_field", field,
			               "'%s' must be {\"person_id\": id, \"official_id\": id}",
			               field);
			return false;
		}
		if (!person_in_incident(persons, person_id)) {
			xf_reply_error(req, 400, "invalid_field", field,
			               "person %lld is not a petitioner of %s",
			               (long long)person_id, state->number);
			return false;
		}
		if (!official_ok(req, db, field, pair_official, &official))
			return false;
		if (!not_accused_official(req, db, field, person_id, pair_official, rc))
			return false;
		if (*rc != XF_OK)
			break;
		if ((*rc = assign_one(req, db, id, person_id, &official, interval, now)) != XF_OK)
			break;
	}
	return true;
}

/* Assigns official_id to every petitioner (of persons) in unit_id, assigned or not.
 * Returns false, having answered, when the official is refused; otherwise true with the
 * store's code in *rc. */
static bool assign_unit(xf_req *req, xf_db *db, int64_t id, json_t *persons, int64_t unit_id,
                        int64_t official_id, int interval, int64_t now, int *rc)
{
	xf_user_row official;
	json_t *p;
	size_t i;
	if (!official_ok(req, db, "official_id", official_id, &official))
		return false;
	json_array_foreach(persons, i, p)
	{
		if (json_integer_value(json_object_get(p, "unit_id")) != unit_id)
			continue;
		if (!not_accused_official(req, db, "official_id",
		                          json_integer_value(json_object_get(p, "id")), official_id,
		                          rc))
			return false;
		if (*rc != XF_OK)
			break;
		if ((*rc = assign_one(req, db, id, json_integer_value(json_object_get(p, "id")),
		                      &official, interval, now)) != XF_OK)
			break;
	}
	return true;
}

static void xf_api_incident_assignments_create(xf_req *req)
{
	static const char *const fields[] = {"pairs", "unit_id", "official_id", NULL};
	xf_field_error err;
	int64_t id, unit_id = 0, official_id = 0;
	xf_incident_state state;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	json_t *pairs = json_object_get(body, "pairs");
	if (xf_json_int(body, "unit_id", false, 1, INT64_MAX, &unit_id, &err) == XF_ERR ||
	    xf_json_int(body, "official_id", !pairs, 1, INT64_MAX, &official_id, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!pairs == !unit_id || (pairs && (!json_is_array(pairs) || json_array_size(pairs) == 0 ||
	                                     json_array_size(pairs) > 500))) {
		xf_reply_error(
		    req, 400, "invalid_field", pairs ? "pairs" : "unit_id",
		    "give either 'pairs' (1 to 500 of {person_id, official_id}) or 'unit_id' "
		    "with 'official_id'");
		return;
	}
	xf_db *db = xf_db_get();
	xf_viewer viewer = xf_api_viewer(req);
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	int status = xf_status_parse(state.status);
	if (status < 0 || !xf_status_active((xf_status)status)) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL, "%s is '%s'", state.number,
		               state.status);
		return;
	}
	/* The follow-up interval comes from the incident's plan version. */
	const xf_plan *plan = xf_plans_get(db, state.plan_id);
	int interval = plan ? plan->followup_interval_days : 7;
	json_t *persons = NULL;
	int representatives,
	    rc = xf_store_incident_persons(db, &viewer, id, &persons, &representatives);
	int64_t now = xf_now_ms();
	bool ok = true;
	if (rc == XF_OK && pairs)
		ok = assign_pairs(req, db, id, &state, persons, pairs, interval, now, &rc);
	else if (rc == XF_OK)
		ok = assign_unit(req, db, id, persons, unit_id, official_id, interval, now, &rc);
	json_decref(persons);
	if (!ok) {
		xf_tx_rollback(db);
		return;
	}
	if (!xf_api_finish(req, db, rc))
		return;
	reply_incident_assignments(req, db, id, 201);
}

static void xf_api_assignments_list(xf_req *req)
{
	const char *mine = xf_req_query(req, "mine");
	xf_scope scope = xf_api_scope(req);
	bool own = mine && strcmp(mine, "1") == 0;
	if (!own && !scope.all && !scope.mine_id) {
		xf_reply_error(req, 403, "forbidden", "mine", "ask for your own: mine=1");
		return;
	}
	xf_db *db = xf_db_get();
	json_t *list;
	int rc = xf_store_assignment_list(db, 0, own ? req->user.id : 0, &list);
	/* A user of one mine among many: the petitioners of their mine (xf_scope.h). */
	if (rc == XF_OK && !own && !scope.all) {
		xf_viewer viewer = xf_api_viewer(req);
		if ((rc = keep_visible(db, &viewer, list, true)) != XF_OK)
			json_decref(list);
	}
	xf_api_reply_list(req, db, rc, "assignments", list);
}

/* Loads an assignment whose petitioner the user may see; answers 404 otherwise. */
static bool load_assignment(xf_req *req, xf_db *db, int64_t id, xf_assignment_row *row)
{
	xf_viewer viewer = xf_api_viewer(req);
	int rc = xf_store_assignment_get(db, id, row);
	if (rc == XF_OK)
		rc = xf_store_person_visible(db, &viewer, row->person_id);
	if (rc == XF_OK)
		return true;
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", NULL,
		               "there is no assignment %lld you may see", (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

/* Answers 409 and returns false when the assignment has ended. */
static bool assignment_open(xf_req *req, int64_t id, const xf_assignment_row *row)
{
	if (!row->ended_ms)
		return true;
	xf_reply_error(req, 409, "conflict", NULL, "assignment %lld has ended", (long long)id);
	return false;
}

static void xf_api_assignments_update(xf_req *req)
{
	static const char *const fields[] = {"official_id", "interval_days", "status", NULL};
	xf_field_error err;
	int64_t id, official_id = 0, interval = 0;
	const char *status = NULL;
	xf_assignment_row row;
	xf_user_row official;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	if (xf_json_int(body, "official_id", false, 1, INT64_MAX, &official_id, &err) == XF_ERR ||
	    xf_json_int(body, "interval_days", false, 1, 365, &interval, &err) == XF_ERR ||
	    xf_json_choice(body, "status", false, xf_assignment_status_ids, &status, &err) ==
	        XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	if (!load_assignment(req, db, id, &row) ||
	    (official_id && !official_ok(req, db, "official_id", official_id, &official)) ||
	    !assignment_open(req, id, &row)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t now = xf_now_ms();
	int rc = XF_OK;
	if (official_id &&
	    !not_accused_official(req, db, "official_id", row.person_id, official_id, &rc)) {
		xf_tx_rollback(db);
		return;
	}
	if (rc == XF_OK)
		rc = xf_store_assignment_update(db, id, official_id, (int)interval, status, 0, 0,
		                                now);
	/* The open follow-up task follows the assignment: new official, or closed when the
	 * matter is resolved. */
	if (rc == XF_OK && row.task_id && official_id)
		rc = xf_store_task_update(db, row.task_id, "pending", official_id, NULL, NULL, now);
	if (rc == XF_OK && row.task_id && status && strcmp(status, "resolved") == 0)
		rc = xf_store_task_update(db, row.task_id, "skipped", row.official_id, NULL,
		                          "已化解", now);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "assignment.update", row.incident_id ? "incident" : "person",
		    xf_api_id_text(req, row.incident_id ? row.incident_id : row.person_id),
		    json_pack("{s:I, s:O, s:s}", "assignment_id", (json_int_t)id, "changes", body,
		              "summary", "调整包保"));
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_reply_read(req, db, xf_store_assignment_json, id, NULL, 200);
}

/* Inside the transaction: loads assignment id for a follow-up the user may record
 * (officials on their own petitioners; the petition office and unit heads on any they
 * may see) on an assignment that has not ended; answers and returns false otherwise. */
static bool followup_allowed(xf_req *req, xf_db *db, int64_t id, xf_assignment_row *row)
{
	if (!load_assignment(req, db, id, row))
		return false;
	if (row->official_id != req->user.id &&
	    !xf_perm_allows(req->user.roles, XF_PERM_ASSIGNMENT_WRITE)) {
		xf_reply_error(
		    req, 403, "forbidden", NULL,
		    "only the responsible official records follow-ups of assignment %lld",
		    (long long)id);
		return false;
	}
	return assignment_open(req, id, row);
}

/* The next follow-up of an unresolved assignment on an incident falls due as a task
 * of its official; *brief gets the petitioner (the caller releases it). */
static int schedule_followup(xf_req *req, xf_db *db, const xf_assignment_row *row, int64_t now,
                             int64_t *task_id, json_t **brief)
{
	xf_user_row official;
	int rc = xf_store_user_by_id(db, row->official_id, &official);
	if (rc == XF_OK)
		rc = xf_store_person_brief(db, row->person_id, brief);
	if (rc == XF_OK)
		rc = followup_task(req, db, row->incident_id,
		                   json_string_value(json_object_get(*brief, "name")), &official,
		                   row->interval_days, now, task_id);
	return rc;
}

/* The audit summary of a follow-up: "包保走访：张三，状态：稳定". */
static const char *followup_summary(xf_req *req, const char *kind, const json_t *brief,
                                    const char *status)
{
	static const char *const status_zh[] = {"稳定", "有反复", "已化解"};
	int s = 0;
	while (status && strcmp(xf_assignment_status_ids[s], status) != 0)
		s++;
	return xf_arena_printf(&req->arena, "包保%s：%s%s%s", xf_followup_kind_zh(kind),
	                       brief ? json_string_value(json_object_get(brief, "name")) : "",
	                       status ? "，状态：" : "", status ? status_zh[s] : "");
}

/* Reads a follow-up: its kind, what happened, and the petitioner's status (NULL: not
 * given). */
static bool read_followup(xf_req *req, json_t *body, const char **kind, const char **content,
                          const char **status)
{
	xf_field_error err;
	*status = NULL;
	if (xf_json_choice(body, "kind", true, xf_followup_kind_ids, kind, &err) != XF_OK ||
	    xf_json_string(body, "content", true, 1, XF_API_TEXT_MAX, content, &err) != XF_OK ||
	    xf_json_choice(body, "status", false, xf_assignment_status_ids, status, &err) ==
	        XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	return true;
}

static void xf_api_followups_create(xf_req *req)
{
	static const char *const fields[] = {"kind", "content", "status", NULL};
	const char *kind, *content, *status;
	int64_t id, followup_id;
	xf_assignment_row row;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body || !read_followup(req, body, &kind, &content, &status))
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	if (!followup_allowed(req, db, id, &row)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t now = xf_now_ms(), task_id = 0;
	bool resolved = status && strcmp(status, "resolved") == 0;
	json_t *brief = NULL;
	int rc = xf_store_followup_insert(db, id, now, kind, content, req->user.id, &followup_id);
	if (rc == XF_OK && row.task_id)
		rc = xf_store_task_update(db, row.task_id, "done", row.official_id, content, NULL,
		                          now);
	if (rc == XF_OK && !resolved && row.incident_id)
		rc = schedule_followup(req, db, &row, now, &task_id, &brief);
	if (rc == XF_OK)
		rc = xf_store_assignment_update(
		    db, id, 0, 0, status, xf_followup_due(now, row.interval_days), task_id, now);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "followup.create", row.incident_id ? "incident" : "person",
		    xf_api_id_text(req, row.incident_id ? row.incident_id : row.person_id),
		    json_pack("{s:I, s:I, s:s, s:s}", "assignment_id", (json_int_t)id,
		              "followup_id", (json_int_t)followup_id, "kind", kind, "summary",
		              followup_summary(req, kind, brief, status)));
	json_decref(brief);
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_reply_read(req, db, xf_store_assignment_json, id, NULL, 201);
}

static const xf_route routes[] = {
    {"GET", "/incidents/{id}/assignments", XF_PERM_PERSON_READ, 0,
     xf_api_incident_assignments_list},
    {"POST", "/incidents/{id}/assignments", XF_PERM_ASSIGNMENT_WRITE, 0,
     xf_api_incident_assignments_create},
    {"GET", "/assignments", XF_PERM_PERSON_READ, 0, xf_api_assignments_list},
    {"PATCH", "/assignments/{id}", XF_PERM_ASSIGNMENT_WRITE, 0, xf_api_assignments_update},
    {"POST", "/assignments/{id}/followups", XF_PERM_FOLLOWUP_WRITE, 0, xf_api_followups_create},
};

const xf_route_list xf_routes_assignments = {routes, XF_ARRAY_LEN(routes)};
