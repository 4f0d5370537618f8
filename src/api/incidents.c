/* The incident resource: registration (scope, grade and procedure decided by the
 * plan, with the reasons, and the dry-run preview), the helpers its parts share
 * (api/xf_incidents.h) and the one route table, xf_routes_incidents. The other parts of an
 * incident's life are in their own files: incident_list.c (the list and one incident),
 * incident_update.c (PATCH: facts and times), incident_activate.c (activation and the
 * tasks of the plan), incident_transitions.c (status moves and withdrawal),
 * incident_override.c (grade override and re-decision), incident_timeline.c (timeline
 * and notes) and incident_wall.c (the dashboard). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/xf_evaluation.h"
#include "api/xf_incident_json.h"
#include "api/xf_incidents.h"
#include "api/xf_notify_rules.h"
#include "core/xf_progress.h"
#include "core/xf_venue.h"
#include "store/xf_search.h"

const char *const xf_incident_destination_zh[] = {"本矿", "集团公司", "市", "省", "进京"};

json_t *xf_incident_allowed(const char *status, const char *procedure)
{
	xf_status allowed[XF_STATUS_COUNT];
	int from = xf_status_parse(status);
	int n = from < 0
	            ? 0
	            : xf_status_allowed((xf_status)from, procedure ? procedure[0] : 0, allowed);
	json_t *list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, json_string(xf_status_ids[allowed[i]]));
	return list;
}

void xf_api_incident_reply(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *incident;
	int rc = xf_api_incident_read(db, id, &incident);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	json_object_set_new(
	    incident, "allowed",
	    xf_incident_allowed(json_string_value(json_object_get(incident, "status")),
	                        json_string_value(json_object_get(incident, "procedure"))));
	xf_reply_json(req, status, incident);
}

xf_plan_facts xf_incident_facts(const xf_incident_state *state)
{
	return (xf_plan_facts){state->headcount,
	                       (xf_destination)xf_destination_parse(state->destination),
	                       state->advance_info};
}

/* Reads "units": an array of existing unit ids; answers 400 naming the item. */
bool xf_incident_read_units(xf_req *req, xf_db *db, json_t *body, int64_t **units, size_t *n)
{
	json_t *list, *item;
	size_t i;
	*units = NULL;
	*n = 0;
	if (!xf_api_array(req, body, "units", 64,
	                  xf_req_message(req, "'units' must be an array of at most 64 unit ids"),
	                  &list))
		return false;
	if (!list)
		return true;
	*units = xf_arena_alloc(&req->arena, (json_array_size(list) + 1) * sizeof **units);
	json_array_foreach(list, i, item)
	{
		char field[32];
		snprintf(field, sizeof field, "units[%zu]", i);
		json_t *unit = NULL;
		if (!json_is_integer(item) || json_integer_value(item) < 1 ||
		    xf_store_unit_get(db, json_integer_value(item), &unit) != XF_OK) {
			xf_reply_error(req, 400, "invalid_field", field,
			               "'%s' is not the id of a unit", field);
			return false;
		}
		json_decref(unit);
		(*units)[(*n)++] = json_integer_value(item);
	}
	return true;
}

/* Puts the incident's number, place and demands in the search index. */
int xf_incident_index(xf_db *db, int64_t id)
{
	json_t *incident;
	int rc = xf_api_incident_read(db, id, &incident);
	if (rc != XF_OK)
		return rc;
	char title[300];
	snprintf(title, sizeof title, "%s %s",
	         json_string_value(json_object_get(incident, "number")),
	         json_string_value(json_object_get(incident, "place")));
	xf_search_doc doc = {.kind = "incident",
	                     .id = id,
	                     .incident_id = id,
	                     .title = title,
	                     .body = json_string_value(json_object_get(incident, "demands"))};
	rc = xf_search_put(db, &doc);
	json_decref(incident);
	return rc;
}

json_t *xf_incident_reasons(const xf_plan_decision *d)
{
	json_t *list = json_array();
	for (size_t i = 0; i < d->n_reasons; i++)
		json_array_append_new(list, json_string(d->reasons[i]));
	return list;
}

/* The one line a person confirms before registering: what the plan decided. */
static char *decision_line(xf_req *req, const xf_plan_decision *d)
{
	if (!d->in_scope)
		return xf_arena_printf(&req->arena, "不适用预案（不启动）");
	return xf_arena_printf(&req->arena, "适用预案，等级%s，处置程序%s「%s」", d->grade->name,
	                       d->procedure->id, d->procedure->name);
}

/* POST /incidents?dry_run=1: the same validation and decision as a registration,
 * nothing stored, so the form can show what the plan decided before confirming. */
static void preview_reply(xf_req *req, xf_db *db, json_t *body, const xf_plan_decision *d)
{
	int64_t *units;
	size_t n_units;
	int rc = xf_tx_begin(db, false);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	bool ok = xf_incident_read_units(req, db, body, &units, &n_units);
	xf_tx_rollback(db);
	if (!ok)
		return;
	xf_reply_json(
	    req, 200,
	    json_pack("{s:b, s:b, s:o, s:o, s:s, s:s, s:o, s:s}", "dry_run", true, "in_scope",
	              d->in_scope, "grade", d->in_scope ? json_string(d->grade->id) : json_null(),
	              "grade_name", d->in_scope ? json_string(d->grade->name) : json_null(),
	              "procedure", d->procedure->id, "procedure_name", d->procedure->name,
	              "reasons", xf_incident_reasons(d), "summary", decision_line(req, d)));
}

/* 发生时间 may lie this far ahead of the server's clock (a browser's clock skew) and
 * this far back (a registration a month late is a typo, not a late registration);
 * 预计到访时间 at most a year ahead. */
#define OCCURRED_SKEW_MS  (5 * 60 * 1000LL)
#define OCCURRED_BACK_MS  (30 * 24 * 3600 * 1000LL)
#define EXPECTED_AHEAD_MS (366 * 24 * 3600 * 1000LL)

/* Reads an optional time field of the body: XF_OK with *ms, XF_NOTFOUND when absent
 * (*cleared when null), XF_ERR after answering 400 naming the field. */
int xf_incident_read_time(xf_req *req, json_t *body, const char *field, int64_t *ms, bool *cleared)
{
	json_t *v = json_object_get(body, field);
	*ms = 0;
	if (cleared)
		*cleared = v && json_is_null(v);
	if (!v || json_is_null(v))
		return XF_NOTFOUND;
	if (!json_is_string(v) || xf_iso_time_parse(json_string_value(v), ms) != XF_OK) {
		xf_reply_error(
		    req, 400, "invalid_field", field,
		    "'%s' must be an ISO 8601 time with a zone, such as 2026-11-28T23:10:29Z",
		    field);
		return XF_ERR;
	}
	return XF_OK;
}

/* The rules of the times of an incident, answering 400 naming the field: 发生时间
 * not in the future (beyond clock skew) nor more than 30 days back; 预计到访时间 and
 * the expected destination only with advance information, the visit not expected
 * before it happened nor more than a year ahead. */
bool xf_incident_check_times(xf_req *req, int64_t occurred_ms, bool occurred_given,
                             bool advance_info, int64_t expected_ms,
                             const char *expected_destination)
{
	int64_t now = xf_now_ms();
	if (occurred_given && occurred_ms > now + OCCURRED_SKEW_MS) {
		xf_reply_error(
		    req, 400, "invalid_field", "occurred_at",
		    "'occurred_at' is in the future; it records when the incident happened");
		return false;
	}
	if (occurred_given && occurred_ms < now - OCCURRED_BACK_MS) {
		xf_reply_error(req, 400, "invalid_field", "occurred_at",
		               "'occurred_at' is more than 30 days ago");
		return false;
	}
	if (!advance_info && (expected_ms || expected_destination)) {
		const char *field = expected_ms ? "expected_at" : "expected_destination";
		xf_reply_error(req, 400, "invalid_field", field,
		               "'%s' is given only with advance information ('advance_info': true)",
		               field);
		return false;
	}
	if (expected_ms && expected_ms < occurred_ms) {
		xf_reply_error(req, 400, "invalid_field", "expected_at",
		               "'expected_at' is before 'occurred_at'");
		return false;
	}
	if (expected_ms > now + EXPECTED_AHEAD_MS) {
		xf_reply_error(req, 400, "invalid_field", "expected_at",
		               "'expected_at' is more than a year ahead");
		return false;
	}
	return true;
}

/* The due time of the next round of a recurring progress report after base_ms: under
 * a procedure with a slower interval before the expected visit, that rule
 * (core/xf_progress.h); otherwise one grade interval. */
int64_t xf_incident_progress_due(const xf_plan *plan, const xf_incident_state *state,
                                 const xf_plan_grade *grade, int64_t base_ms)
{
	const xf_plan_procedure *proc =
	    plan ? xf_plan_procedure_by_id(plan, state->procedure) : NULL;
	return xf_progress_next_due(proc, grade, state->expected_ms, base_ms);
}

/* A time as people read it in the summary: Asia/Shanghai, "12-07 08:00". */
char *xf_incident_local_time(xf_req *req, int64_t ms)
{
	if (!ms)
		return "无";
	time_t secs = (time_t)(ms / 1000) + 8 * 3600;
	struct tm tm;
	gmtime_r(&secs, &tm);
	return xf_arena_printf(&req->arena, "%02d-%02d %02d:%02d", tm.tm_mon + 1, tm.tm_mday,
	                       tm.tm_hour, tm.tm_min);
}

/* The grade and the plan of an incident, answering 500 when the plan is gone. */
const xf_plan *xf_incident_plan(xf_req *req, xf_db *db, const xf_incident_state *state)
{
	const xf_plan *plan = xf_plans_get(db, state->plan_id);
	if (!plan)
		xf_reply_error(req, 500, "internal", NULL,
		               "the plan version of incident %s is missing", state->number);
	return plan;
}

int xf_incident_grade_rank(const xf_plan *plan, const char *grade)
{
	for (size_t i = 0; plan && grade && i < plan->n_grades; i++)
		if (strcmp(plan->grades[i].id, grade) == 0)
			return (int)i;
	return 99;
}

/* The fields of a registration as read from the body. */
typedef struct {
	int64_t headcount, occurred_ms, expected_ms;
	const char *destination, *place, *demands, *category, *expected_destination;
	bool advance_info, drill;
} incident_form;

/* Reads and checks the body of a registration, times included; false after answering
 * 400. */
static bool read_registration(xf_req *req, json_t *body, incident_form *f)
{
	static const char *const fields[] = {"headcount",
	                                     "destination",
	                                     "advance_info",
	                                     "place",
	                                     "units",
	                                     "demands",
	                                     "drill",
	                                     "category",
	                                     "occurred_at",
	                                     "expected_at",
	                                     "expected_destination",
	                                     NULL};
	xf_field_error err;
	*f = (incident_form){.place = "", .demands = "", .category = ""};
	if (xf_json_only(body, fields, &err) != XF_OK ||
	    xf_json_int(body, "headcount", true, 1, 100000, &f->headcount, &err) != XF_OK ||
	    xf_json_choice(body, "destination", true, xf_destination_ids, &f->destination, &err) !=
	        XF_OK ||
	    xf_json_bool(body, "advance_info", true, &f->advance_info, &err) != XF_OK ||
	    xf_json_string(body, "place", false, 0, 200, &f->place, &err) == XF_ERR ||
	    xf_json_string(body, "demands", false, 0, XF_API_TEXT_MAX, &f->demands, &err) ==
	        XF_ERR ||
	    xf_json_string(body, "category", false, 0, 64, &f->category, &err) == XF_ERR ||
	    xf_json_bool(body, "drill", false, &f->drill, &err) == XF_ERR ||
	    (json_is_null(json_object_get(body, "expected_destination"))
	         ? false
	         : xf_json_choice(body, "expected_destination", false, xf_destination_ids,
	                          &f->expected_destination, &err) == XF_ERR)) {
		xf_reply_field_error(req, &err);
		return false;
	}
	if (xf_incident_read_time(req, body, "occurred_at", &f->occurred_ms, NULL) == XF_ERR ||
	    xf_incident_read_time(req, body, "expected_at", &f->expected_ms, NULL) == XF_ERR)
		return false;
	/* 发生时间 defaults to the registration time (the store's now_ms) */
	return xf_incident_check_times(req, f->occurred_ms ? f->occurred_ms : xf_now_ms(), true,
	                               f->advance_info, f->expected_ms, f->expected_destination);
}

/* The summary of the registration event, as the timeline shows it. */
static char *registration_summary(xf_req *req, const incident_form *f, const xf_plan_decision *d)
{
	char *summary =
	    xf_arena_printf(&req->arena, "登记%s事件：%lld人，去向%s，%s%s", f->drill ? "演练" : "",
	                    (long long)f->headcount,
	                    xf_incident_destination_zh[xf_destination_parse(f->destination)],
	                    d->in_scope ? "适用预案" : "不启动", f->place[0] ? "，地点" : "");
	if (f->place[0])
		summary = xf_arena_printf(&req->arena, "%s%s", summary, f->place);
	if (f->occurred_ms)
		summary = xf_arena_printf(&req->arena, "%s，发生于%s", summary,
		                          xf_incident_local_time(req, f->occurred_ms));
	if (f->expected_ms)
		summary = xf_arena_printf(
		    &req->arena, "%s，预计%s到访%s", summary,
		    xf_incident_local_time(req, f->expected_ms),
		    f->expected_destination
		        ? xf_incident_destination_zh[xf_destination_parse(f->expected_destination)]
		        : "");
	return summary;
}

/* Stores the registration as the plan decided it, its event and its search entry, in
 * the open transaction; the store's answer. */
static int register_incident(xf_req *req, xf_db *db, const incident_form *f,
                             const xf_plan_decision *d, int64_t plan_id, int64_t *units,
                             size_t n_units, int64_t *id)
{
	json_t *reasons = xf_incident_reasons(d);
	xf_incident_new in = {
	    .headcount = (int)f->headcount,
	    .destination = f->destination,
	    .advance_info = f->advance_info,
	    .drill = f->drill,
	    .in_scope = d->in_scope,
	    .place = f->place,
	    .category = f->category,
	    .demands = f->demands,
	    .status = xf_status_ids[d->in_scope ? XF_STATUS_REGISTERED : XF_STATUS_NOT_ACTIVATED],
	    .grade = d->in_scope ? d->grade->id : NULL,
	    .grade_name = d->in_scope ? d->grade->name : NULL,
	    .procedure = d->procedure->id,
	    .procedure_name = d->procedure->name,
	    .reasons = reasons,
	    .plan_id = plan_id,
	    .created_by = req->user.id,
	    .now_ms = xf_now_ms(),
	    .units = units,
	    .n_units = n_units,
	    .occurred_ms = f->occurred_ms,
	    .expected_ms = f->expected_ms,
	    .expected_destination = f->expected_destination,
	};
	int rc = xf_store_incident_insert(db, &in, id);
	if (rc == XF_OK) {
		xf_actor actor = xf_api_actor(req);
		char *summary = registration_summary(req, f, d);
		rc = xf_audit_append(
		    db, &actor, "incident.register", "incident", xf_api_id_text(req, *id),
		    json_pack(
		        "{s:s, s:I, s:s, s:b, s:b, s:b, s:o, s:O}", "summary", summary, "headcount",
		        (json_int_t)f->headcount, "destination", f->destination, "advance_info",
		        f->advance_info, "drill", f->drill, "in_scope", d->in_scope, "grade",
		        d->in_scope ? json_string(d->grade->id) : json_null(), "reasons", reasons));
	}
	json_decref(reasons);
	if (rc == XF_OK)
		rc = xf_incident_index(db, *id);
	if (rc == XF_OK && d->in_scope) { /* who gets what: api/notify_rules.c */
		xf_notice_event e = {.kind = XF_NOTIFY_INCIDENT_REGISTER,
		                     .incident_id = *id,
		                     .actor_id = req->user.id};
		rc = xf_notify_event(db, xf_plans_get(db, plan_id), &e, in.now_ms, NULL);
	}
	return rc;
}

int xf_incident_register(xf_req *req, xf_db *db, const xf_incident_registration *r, int64_t *id)
{
	incident_form f = {.headcount = r->headcount,
	                   .destination = r->destination,
	                   .place = r->place ? r->place : "",
	                   .demands = r->demands ? r->demands : "",
	                   .category = r->category ? r->category : "",
	                   .advance_info = r->advance_info,
	                   .expected_ms = r->expected_ms};
	int64_t plan_id;
	const xf_plan *plan = xf_plans_for_mine(db, req->user.mine_id, &plan_id);
	xf_plan_facts facts = {.headcount = (int)f.headcount,
	                       .destination = (xf_destination)xf_destination_parse(f.destination),
	                       .advance_info = f.advance_info};
	xf_plan_decision d;
	xf_plan_decide(plan, &facts, &d);
	return register_incident(req, db, &f, &d, plan_id, r->units, r->n_units, id);
}

static void xf_api_incidents_create(xf_req *req)
{
	incident_form f;
	json_t *body = xf_req_json(req);
	if (!body || !read_registration(req, body, &f))
		return;
	int64_t plan_id;
	/* The registering user's mine's own plan, else the deployment's. */
	const xf_plan *plan = xf_plans_for_mine(xf_db_get(), req->user.mine_id, &plan_id);
	xf_plan_facts facts = {.headcount = (int)f.headcount,
	                       .destination = (xf_destination)xf_destination_parse(f.destination),
	                       .advance_info = f.advance_info};
	xf_plan_decision d;
	xf_plan_decide(plan, &facts, &d);

	xf_db *db = xf_db_get();
	const char *dry_run = xf_req_query(req, "dry_run");
	if (dry_run && strcmp(dry_run, "1") == 0) {
		preview_reply(req, db, body, &d);
		return;
	}
	int64_t *units, id;
	size_t n_units;
	if (!xf_api_begin(req, db))
		return;
	if (!xf_incident_read_units(req, db, body, &units, &n_units)) {
		xf_tx_rollback(db);
		return;
	}
	int rc = register_incident(req, db, &f, &d, plan_id, units, n_units, &id);
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_incident_reply(req, db, id, 201);
}

static const xf_route routes[] = {
    {"POST", "/incidents", XF_PERM_INCIDENT_REGISTER, 0, xf_api_incidents_create},
    {"GET", "/incidents", XF_PERM_INCIDENT_READ, XF_ROUTE_MEMORY_FIRST, xf_api_incidents_list},
    {"GET", "/incidents/{id}", XF_PERM_INCIDENT_READ, 0, xf_api_incidents_get},
    {"PATCH", "/incidents/{id}", XF_PERM_INCIDENT_MANAGE, 0, xf_api_incidents_update},
    {"POST", "/incidents/{id}/activate", XF_PERM_INCIDENT_MANAGE, 0, xf_api_incidents_activate},
    {"POST", "/incidents/{id}/transition", XF_PERM_INCIDENT_MANAGE, 0, xf_api_incidents_transition},
    {"POST", "/incidents/{id}/override", XF_PERM_INCIDENT_MANAGE, 0, xf_api_incidents_override},
    {"GET", "/incidents/{id}/timeline", XF_PERM_INCIDENT_READ, 0, xf_api_incidents_timeline},
    {"POST", "/incidents/{id}/notes", XF_PERM_TASK_ACT, 0, xf_api_notes_create},
    {"GET", "/incidents/{id}/evaluation", XF_PERM_INCIDENT_READ, 0, xf_api_evaluation_get},
    {"PUT", "/incidents/{id}/evaluation", XF_PERM_INCIDENT_MANAGE, 0, xf_api_evaluation_put},
    {"GET", "/dashboard", XF_PERM_INCIDENT_READ, 0, xf_api_dashboard_get},
};

const xf_route_list xf_routes_incidents = {routes, XF_ARRAY_LEN(routes)};
