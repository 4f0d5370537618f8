/* PATCH /incidents/{id}: the facts (人数, 去向, 提前掌握信息 re-decide; place, demands,
 * category, units) and the times (发生时间, 预计到访时间, 预计去向, with the tasks that
 * follow them), one event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/xf_incidents.h"
#include "api/xf_notify_rules.h"

static json_t *time_or_null(int64_t ms)
{
	char text[XF_TIME_LEN];
	if (!ms)
		return json_null();
	xf_time_format(ms, text);
	return json_string(text);
}

/* Adds a time's change (from, to) to changes and a line "LABEL from → to" to summary. */
static void note_time_change(xf_req *req, const char *key, const char *label, int64_t from,
                             int64_t to, json_t *changes, char **summary, const char **sep)
{
	json_object_set_new(
	    changes, key,
	    json_pack("{s:o, s:o}", "from", time_or_null(from), "to", time_or_null(to)));
	*summary =
	    xf_arena_printf(&req->arena, "%s%s%s%s → %s", *summary, *sep, label,
	                    xf_incident_local_time(req, from), xf_incident_local_time(req, to));
	*sep = "；";
}

/* The times a PATCH changes (发生时间, 预计到访时间, 预计去向), checked as at
 * registration, into changes (old and new values) and the summary; the new values are
 * left in state. Advance information withdrawn clears the expected visit. They change
 * while the incident is registered or handled (not once evaluated, archived or
 * withdrawn). False after answering. */
static bool time_fields(xf_req *req, xf_incident_state *state, const xf_plan_facts *facts,
                        bool advance_given, int has_occurred, int64_t occurred_ms, int has_expected,
                        int64_t expected_ms, bool expected_cleared, int has_destination,
                        const char *destination, bool destination_cleared, json_t *changes,
                        char **summary, const char **sep)
{
	int64_t occurred = has_occurred == XF_OK ? occurred_ms : state->occurred_ms;
	int64_t expected = has_expected == XF_OK ? expected_ms
	                   : expected_cleared    ? 0
	                                         : state->expected_ms;
	const char *dest = has_destination == XF_OK ? destination
	                   : destination_cleared || !state->expected_destination[0]
	                       ? NULL
	                       : state->expected_destination;
	if (advance_given && !facts->advance_info) {
		if (has_expected != XF_OK)
			expected = 0;
		if (has_destination != XF_OK)
			dest = NULL;
	}
	bool occurred_changed = occurred != state->occurred_ms;
	bool expected_changed = expected != state->expected_ms;
	bool dest_changed = (dest ? dest : "")[0] ? strcmp(dest, state->expected_destination) != 0
	                                          : state->expected_destination[0] != 0;
	if (!occurred_changed && !expected_changed && !dest_changed)
		return true;
	int status = xf_status_parse(state->status);
	if (status < 0 || !(xf_status_before_activation((xf_status)status) ||
	                    xf_status_reports_progress((xf_status)status))) {
		const char *field = occurred_changed   ? "occurred_at"
		                    : expected_changed ? "expected_at"
		                                       : "expected_destination";
		xf_reply_error(
		    req, 409, "conflict", field,
		    "'%s' can change only while the incident is registered or handled; %s is "
		    "'%s'",
		    field, state->number, state->status);
		return false;
	}
	/* 发生时间 is checked against the clock only when it changes: an old incident keeps
	 * its own. */
	if (!xf_incident_check_times(req, occurred, occurred_changed, facts->advance_info, expected,
	                             dest))
		return false;
	if (occurred_changed)
		note_time_change(req, "occurred_at", "发生时间", state->occurred_ms, occurred,
		                 changes, summary, sep);
	if (expected_changed)
		note_time_change(req, "expected_at", "预计到访时间", state->expected_ms, expected,
		                 changes, summary, sep);
	if (dest_changed) {
		int from = xf_destination_parse(state->expected_destination);
		int to = dest ? xf_destination_parse(dest) : -1;
		json_object_set_new(changes, "expected_destination",
		                    json_pack("{s:o, s:o}", "from",
		                              state->expected_destination[0]
		                                  ? json_string(state->expected_destination)
		                                  : json_null(),
		                              "to", dest ? json_string(dest) : json_null()));
		*summary = xf_arena_printf(&req->arena, "%s%s预计去向%s → %s", *summary, *sep,
		                           from >= 0 ? xf_incident_destination_zh[from] : "无",
		                           to >= 0 ? xf_incident_destination_zh[to] : "无");
		*sep = "；";
	}
	state->occurred_ms = occurred;
	state->expected_ms = expected;
	snprintf(state->expected_destination, sizeof state->expected_destination, "%s",
	         dest ? dest : "");
	return true;
}

/* Stores the changed times and moves the open tasks that follow them: report-up
 * limits from 发生时间, the open round of a progress report from 预计到访时间. */
static int change_times(xf_db *db, const xf_incident_state *state, json_t *changes)
{
	int64_t now = xf_now_ms();
	int rc = xf_store_incident_set_times(
	    db, state->id, state->occurred_ms, state->expected_ms,
	    state->expected_destination[0] ? state->expected_destination : NULL, now);
	const xf_plan *plan = xf_plans_get(db, state->plan_id);
	const xf_plan_grade *grade =
	    plan && state->grade[0] ? xf_plan_grade_by_id(plan, state->grade) : NULL;
	if (rc != XF_OK || !state->activated_ms || !grade)
		return rc;
	xf_task_row *rows;
	size_t n;
	int moved = 0;
	rc = xf_store_tasks_open(db, state->id, &rows, &n);
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		int kind = xf_task_kind_parse(rows[i].kind);
		int64_t due = rows[i].due_ms;
		if (kind == XF_KIND_REPORT_ORAL || kind == XF_KIND_REPORT_WRITTEN)
			due = xf_task_due(grade, (xf_task_kind)kind, state->occurred_ms, 0);
		else if (kind == XF_KIND_RECURRING)
			due = xf_incident_progress_due(plan, state, grade, rows[i].base_ms);
		if (due && due != rows[i].due_ms) {
			rc = xf_store_task_set_due(db, rows[i].id, due);
			moved++;
		}
	}
	free(rows);
	json_object_set_new(changes, "retimed", json_integer(moved));
	return rc;
}

/* The fields of a PATCH of an incident as read from the body: each has_* is XF_OK when
 * its field was given; units are read later, inside the transaction. */
typedef struct {
	const char *place, *demands, *category, *destination, *expected_destination;
	int64_t headcount, occurred_ms, expected_ms, *units;
	size_t n_units;
	bool advance_info, expected_cleared, destination_cleared;
	int has_headcount, has_destination, has_advance, has_occurred, has_expected,
	    has_expected_destination;
} incident_patch;

/* Reads and checks the body of a PATCH; false after answering 400. */
static bool read_patch(xf_req *req, json_t *body, incident_patch *p)
{
	static const char *const fields[] = {
	    "place",       "demands",      "category",    "units",       "headcount",
	    "destination", "advance_info", "occurred_at", "expected_at", "expected_destination",
	    NULL};
	xf_field_error err;
	*p = (incident_patch){.has_expected_destination = XF_NOTFOUND};
	if (xf_json_only(body, fields, &err) != XF_OK ||
	    xf_json_string(body, "place", false, 0, 200, &p->place, &err) == XF_ERR ||
	    xf_json_string(body, "demands", false, 0, XF_API_TEXT_MAX, &p->demands, &err) ==
	        XF_ERR ||
	    xf_json_string(body, "category", false, 0, 64, &p->category, &err) == XF_ERR ||
	    (p->has_headcount =
	         xf_json_int(body, "headcount", false, 1, 100000, &p->headcount, &err)) == XF_ERR ||
	    (p->has_destination = xf_json_choice(body, "destination", false, xf_destination_ids,
	                                         &p->destination, &err)) == XF_ERR ||
	    (p->has_advance = xf_json_bool(body, "advance_info", false, &p->advance_info, &err)) ==
	        XF_ERR ||
	    (!(p->destination_cleared =
	           json_is_null(json_object_get(body, "expected_destination"))) &&
	     (p->has_expected_destination =
	          xf_json_choice(body, "expected_destination", false, xf_destination_ids,
	                         &p->expected_destination, &err)) == XF_ERR)) {
		xf_reply_field_error(req, &err);
		return false;
	}
	return (p->has_occurred = xf_incident_read_time(req, body, "occurred_at", &p->occurred_ms,
	                                                NULL)) != XF_ERR &&
	       (p->has_expected = xf_incident_read_time(req, body, "expected_at", &p->expected_ms,
	                                                &p->expected_cleared)) != XF_ERR;
}

/* 提前掌握信息 decides the procedure, so it changes only before activation; false after
 * answering 409. */
static bool advance_info_may_change(xf_req *req, const xf_incident_state *state,
                                    const incident_patch *p)
{
	if (p->has_advance != XF_OK || p->advance_info == state->advance_info ||
	    xf_status_before_activation(xf_api_status(state)))
		return true;
	xf_reply_error(req, 409, "conflict", "advance_info",
	               "'advance_info' decides the procedure and can change only before "
	               "activation; %s is '%s'",
	               state->number, state->status);
	return false;
}

/* The facts that decide (人数, 去向, 提前掌握信息) the patch changes: old and new into
 * changes and the summary, the new values into facts. */
static void decisive_changes(xf_req *req, const xf_incident_state *state, const incident_patch *p,
                             xf_plan_facts *facts, json_t *changes, char **summary,
                             const char **sep)
{
	if (p->has_headcount == XF_OK && p->headcount != state->headcount) {
		json_object_set_new(changes, "headcount",
		                    json_pack("{s:i, s:I}", "from", state->headcount, "to",
		                              (json_int_t)p->headcount));
		*summary = xf_arena_printf(&req->arena, "%s%s人数%d → %lld", *summary, *sep,
		                           state->headcount, (long long)p->headcount);
		*sep = "；";
		facts->headcount = (int)p->headcount;
	}
	if (p->has_destination == XF_OK && strcmp(p->destination, state->destination) != 0) {
		json_object_set_new(
		    changes, "destination",
		    json_pack("{s:s, s:s}", "from", state->destination, "to", p->destination));
		int to = xf_destination_parse(p->destination);
		*summary = xf_arena_printf(&req->arena, "%s%s去向%s → %s", *summary, *sep,
		                           xf_incident_destination_zh[facts->destination],
		                           xf_incident_destination_zh[to]);
		*sep = "；";
		facts->destination = (xf_destination)to;
	}
	if (p->has_advance == XF_OK && p->advance_info != state->advance_info) {
		json_object_set_new(
		    changes, "advance_info",
		    json_pack("{s:b, s:b}", "from", state->advance_info, "to", p->advance_info));
		*summary = xf_arena_printf(&req->arena, "%s%s提前掌握信息：%s → %s", *summary, *sep,
		                           state->advance_info ? "是" : "否",
		                           p->advance_info ? "是" : "否");
		*sep = "；";
		facts->advance_info = p->advance_info;
	}
}

/* Appends the event of a PATCH: incident.facts with the changes when something that
 * decides or a time changed, else incident.update. Merges time_changes into changes. */
static int append_update_event(xf_req *req, xf_db *db, int64_t id, json_t *body, json_t *changes,
                               json_t *time_changes, const char *summary)
{
	bool changed = json_object_size(changes) > 0 || json_object_size(time_changes) > 0;
	xf_actor actor = xf_api_actor(req);
	json_t *data = json_deep_copy(body);
	json_object_update(changes, time_changes);
	if (changed)
		json_object_set_new(data, "changes", json_incref(changes));
	json_object_set_new(data, "summary", json_string(changed ? summary : "补充事件信息"));
	return xf_audit_append(db, &actor, changed ? "incident.facts" : "incident.update",
	                       "incident", xf_api_id_text(req, id), data);
}

/* Applies a checked patch in the open transaction: the facts, the times and the tasks
 * that follow them, a new decision when a deciding fact changed, and the event. False
 * after answering (the caller rolls back); else *rc is the store's answer. changes and
 * time_changes stay the caller's. */
static bool apply_patch(xf_req *req, xf_db *db, int64_t id, json_t *body, const incident_patch *p,
                        xf_incident_state *state, json_t *changes, json_t *time_changes, int *rc)
{
	if (!advance_info_may_change(req, state, p))
		return false;
	xf_plan_facts facts = xf_incident_facts(state);
	char *summary = xf_arena_printf(&req->arena, "事实变更");
	const char *sep = "：";
	decisive_changes(req, state, p, &facts, changes, &summary, &sep);
	/* When it happened and when it is expected: not decisive, but report-up limits
	 * count from 发生时间 and progress reports follow 预计到访时间. */
	if (!time_fields(req, state, &facts, p->has_advance == XF_OK, p->has_occurred,
	                 p->occurred_ms, p->has_expected, p->expected_ms, p->expected_cleared,
	                 p->has_expected_destination, p->expected_destination,
	                 p->destination_cleared, time_changes, &summary, &sep))
		return false;
	bool decides = json_object_size(changes) > 0;
	bool times = json_object_size(time_changes) > 0;
	const xf_plan *plan = NULL;
	if (decides && xf_status_closed(xf_api_status(state))) {
		xf_reply_error(req, 409, "conflict", NULL,
		               "%s is '%s'; its facts can no longer change", state->number,
		               state->status);
		return false;
	}
	if (decides && !(plan = xf_incident_plan(req, db, state)))
		return false;
	*rc = xf_store_incident_set_facts(db, id, p->place, p->demands, p->category,
	                                  json_object_get(body, "units") ? p->units : NULL,
	                                  p->n_units, xf_now_ms());
	if (*rc == XF_OK && times)
		*rc = change_times(db, state, time_changes);
	if (*rc == XF_OK && decides)
		*rc = xf_incident_change_decision(req, db, state, plan, &facts, changes, &summary);
	if (*rc == XF_OK)
		*rc = append_update_event(req, db, id, body, changes, time_changes, summary);
	if (*rc == XF_OK && json_is_true(json_object_get(changes, "escalated"))) {
		xf_notice_event e = {.kind = XF_NOTIFY_INCIDENT_UPGRADE,
		                     .incident_id = id,
		                     .actor_id = req->user.id};
		*rc = xf_notify_event(db, plan, &e, xf_now_ms(), NULL); /* api/notify_rules.c */
	}
	return true;
}

void xf_api_incidents_update(xf_req *req)
{
	int64_t id;
	incident_patch p;
	xf_incident_state state;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_req_json(req);
	if (!body || !read_patch(req, body, &p))
		return;
	xf_db *db = xf_db_get();
	if (!xf_api_begin(req, db))
		return;
	if (!xf_api_incident(req, db, id, &state) ||
	    !xf_incident_read_units(req, db, body, &p.units, &p.n_units)) {
		xf_tx_rollback(db);
		return;
	}
	/* the one place changes and time_changes are released, whatever apply_patch did */
	json_t *changes = json_object();
	json_t *time_changes = json_object();
	int rc = XF_OK;
	bool applied = apply_patch(req, db, id, body, &p, &state, changes, time_changes, &rc);
	json_decref(changes);
	json_decref(time_changes);
	if (!applied) {
		xf_tx_rollback(db);
		return;
	}
	if (rc == XF_OK)
		rc = xf_incident_index(db, id);
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_incident_reply(req, db, id, 200);
}
