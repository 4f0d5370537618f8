/* The incident resource: registration (scope, grade and procedure decided by the
 * plan, with the reasons), the list, facts updates, activation (the procedure's steps
 * become tasks), transitions, overrides, the timeline, notes and the dashboard. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/xf_api.h"
#include "api/xf_evaluation.h"
#include "api/xf_incident_json.h"
#include "core/xf_progress.h"
#include "core/xf_venue.h"
#include "store/xf_search.h"
#include "store/xf_store_roster.h"
#include "store/xf_store_seal.h"
#include "util/xf_jsonw.h"

static const char *const destination_zh[] = {"本矿", "集团公司", "市", "省", "进京"};

/* The stored status of an incident as the life cycle's enum (the store writes only
 * xf_status_ids, so it always parses). */
static xf_status state_status(const xf_incident_state *state)
{
	int status = xf_status_parse(state->status);
	return status < 0 ? XF_STATUS_REGISTERED : (xf_status)status;
}

void xf_api_incident_reply(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *incident;
	int rc = xf_api_incident_read(db, id, &incident);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	const char *procedure = json_string_value(json_object_get(incident, "procedure"));
	int from = xf_status_parse(json_string_value(json_object_get(incident, "status")));
	xf_status allowed[XF_STATUS_COUNT];
	int n = from < 0
	            ? 0
	            : xf_status_allowed((xf_status)from, procedure ? procedure[0] : 0, allowed);
	json_t *list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, json_string(xf_status_ids[allowed[i]]));
	json_object_set_new(incident, "allowed", list);
	xf_reply_json(req, status, incident);
}

/* Reads "units": an array of existing unit ids; answers 400 naming the item. */
static bool read_units(xf_req *req, xf_db *db, json_t *body, int64_t **units, size_t *n)
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
static int index_incident(xf_db *db, int64_t id)
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

static json_t *reasons_json(const xf_plan_decision *d)
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
	bool ok = read_units(req, db, body, &units, &n_units);
	xf_tx_rollback(db);
	if (!ok)
		return;
	xf_reply_json(req, 200,
	              json_pack("{s:b, s:b, s:o, s:o, s:s, s:s, s:o, s:s}", "dry_run", true,
	                        "in_scope", d->in_scope, "grade",
	                        d->in_scope ? json_string(d->grade->id) : json_null(), "grade_name",
	                        d->in_scope ? json_string(d->grade->name) : json_null(),
	                        "procedure", d->procedure->id, "procedure_name", d->procedure->name,
	                        "reasons", reasons_json(d), "summary", decision_line(req, d)));
}

/* 发生时间 may lie this far ahead of the server's clock (a browser's clock skew) and
 * this far back (a registration a month late is a typo, not a late registration);
 * 预计到访时间 at most a year ahead. */
#define OCCURRED_SKEW_MS  (5 * 60 * 1000LL)
#define OCCURRED_BACK_MS  (30 * 24 * 3600 * 1000LL)
#define EXPECTED_AHEAD_MS (366 * 24 * 3600 * 1000LL)

/* Reads an optional time field of the body: XF_OK with *ms, XF_NOTFOUND when absent
 * (*cleared when null), XF_ERR after answering 400 naming the field. */
static int read_time(xf_req *req, json_t *body, const char *field, int64_t *ms, bool *cleared)
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
static bool check_times(xf_req *req, int64_t occurred_ms, bool occurred_given, bool advance_info,
                        int64_t expected_ms, const char *expected_destination)
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
static int64_t progress_due(const xf_plan *plan, const xf_incident_state *state,
                            const xf_plan_grade *grade, int64_t base_ms)
{
	const xf_plan_procedure *proc =
	    plan ? xf_plan_procedure_by_id(plan, state->procedure) : NULL;
	return xf_progress_next_due(proc, grade, state->expected_ms, base_ms);
}

static char *local_time(xf_req *req, int64_t ms);

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
	if (read_time(req, body, "occurred_at", &f->occurred_ms, NULL) == XF_ERR ||
	    read_time(req, body, "expected_at", &f->expected_ms, NULL) == XF_ERR)
		return false;
	/* 发生时间 defaults to the registration time (the store's now_ms) */
	return check_times(req, f->occurred_ms ? f->occurred_ms : xf_now_ms(), true,
	                   f->advance_info, f->expected_ms, f->expected_destination);
}

/* The summary of the registration event, as the timeline shows it. */
static char *registration_summary(xf_req *req, const incident_form *f, const xf_plan_decision *d)
{
	char *summary = xf_arena_printf(
	    &req->arena, "登记%s事件：%lld人，去向%s，%s%s", f->drill ? "演练" : "",
	    (long long)f->headcount, destination_zh[xf_destination_parse(f->destination)],
	    d->in_scope ? "适用预案" : "不启动", f->place[0] ? "，地点" : "");
	if (f->place[0])
		summary = xf_arena_printf(&req->arena, "%s%s", summary, f->place);
	if (f->occurred_ms)
		summary = xf_arena_printf(&req->arena, "%s，发生于%s", summary,
		                          local_time(req, f->occurred_ms));
	if (f->expected_ms)
		summary = xf_arena_printf(
		    &req->arena, "%s，预计%s到访%s", summary, local_time(req, f->expected_ms),
		    f->expected_destination
		        ? destination_zh[xf_destination_parse(f->expected_destination)]
		        : "");
	return summary;
}

/* Stores the registration as the plan decided it, its event and its search entry, in
 * the open transaction; the store's answer. */
static int register_incident(xf_req *req, xf_db *db, const incident_form *f,
                             const xf_plan_decision *d, int64_t plan_id, int64_t *units,
                             size_t n_units, int64_t *id)
{
	json_t *reasons = reasons_json(d);
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
		rc = index_incident(db, *id);
	return rc;
}

static void xf_api_incidents_create(xf_req *req)
{
	incident_form f;
	json_t *body = xf_req_json(req);
	if (!body || !read_registration(req, body, &f))
		return;
	int64_t plan_id;
	const xf_plan *plan = xf_plans_current(&plan_id);
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
	if (!read_units(req, db, body, &units, &n_units)) {
		xf_tx_rollback(db);
		return;
	}
	int rc = register_incident(req, db, &f, &d, plan_id, units, n_units, &id);
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_incident_reply(req, db, id, 201);
}

/* Incident lists as recently answered, per scope and query: the list most asked for is
 * served without reading the store while nothing has changed since (the data
 * generation), and for at most LIST_TRUST_MS (elapsed times, changes from the command
 * line). */
#define LIST_SLOTS    64
#define LIST_TRUST_MS 1000

static struct {
	pthread_mutex_t lock;
	struct {
		char key[160];
		char *text;
		size_t len;
		uint64_t generation;
		int64_t at_ms;
	} slot[LIST_SLOTS];
} lists = {.lock = PTHREAD_MUTEX_INITIALIZER};

static size_t list_slot(const char *key)
{
	size_t h = 5381;
	for (; *key; key++)
		h = h * 33 + (unsigned char)*key;
	return h % LIST_SLOTS;
}

static bool list_cache_get(const char *key, xf_buf *out)
{
	bool hit = false;
	pthread_mutex_lock(&lists.lock);
	size_t i = list_slot(key);
	if (lists.slot[i].text && strcmp(lists.slot[i].key, key) == 0 &&
	    lists.slot[i].generation == xf_store_data_generation() &&
	    xf_now_ms() - lists.slot[i].at_ms < LIST_TRUST_MS) {
		xf_buf_append(out, lists.slot[i].text, lists.slot[i].len);
		hit = true;
	}
	pthread_mutex_unlock(&lists.lock);
	return hit;
}

static void list_cache_put(const char *key, const xf_buf *out, uint64_t generation)
{
	pthread_mutex_lock(&lists.lock);
	size_t i = list_slot(key);
	free(lists.slot[i].text);
	snprintf(lists.slot[i].key, sizeof lists.slot[i].key, "%s", key);
	lists.slot[i].text = xf_malloc(out->len);
	memcpy(lists.slot[i].text, out->data, out->len);
	lists.slot[i].len = out->len;
	lists.slot[i].generation = generation;
	lists.slot[i].at_ms = xf_now_ms();
	pthread_mutex_unlock(&lists.lock);
}

void xf_api_incidents_forget(void)
{
	pthread_mutex_lock(&lists.lock);
	for (size_t i = 0; i < LIST_SLOTS; i++) {
		free(lists.slot[i].text);
		lists.slot[i].text = NULL;
	}
	pthread_mutex_unlock(&lists.lock);
}

/* The parameters of the list and the key of its cached answer. False after answering
 * a bad parameter. */
typedef struct list_query {
	int64_t limit, before;
	const char *status;
	bool active_only;
	xf_scope scope;
	char key[160];
} list_query;

static bool list_query_parse(xf_req *req, list_query *q)
{
	q->status = xf_req_query(req, "status");
	const char *active = xf_req_query(req, "active");
	if (!xf_api_query_int(req, "limit", 1, 200, 25, &q->limit) ||
	    !xf_api_query_int(req, "after_id", 0, INT64_MAX, 0, &q->before))
		return false;
	if (q->status && xf_status_parse(q->status) < 0) {
		xf_reply_error(req, 400, "bad_request", "status", "'%s' is not a status",
		               q->status);
		return false;
	}
	q->scope = xf_api_scope(req);
	q->active_only = active && strcmp(active, "1") == 0;
	snprintf(q->key, sizeof q->key, "%d/%lld/%lld/%s/%d/%lld/%lld", q->scope.all,
	         (long long)q->scope.unit_id, (long long)q->scope.user_id,
	         q->status ? q->status : "", q->active_only, (long long)q->before,
	         (long long)q->limit);
	return true;
}

static void xf_api_incidents_list(xf_req *req)
{
	list_query q;
	int64_t next;
	if (!list_query_parse(req, &q))
		return;
	xf_buf *out = xf_reply_json_text(req, 200);
	if (list_cache_get(q.key, out))
		return;
	if (req->memory_only) {
		req->status = 0; /* not in memory: ask again on the read pool */
		return;
	}
	xf_db *db = xf_db_get();
	/* Read the generation first: a change committed meanwhile leaves the entry stale. */
	uint64_t generation = xf_store_data_generation();
	xf_buf_puts(out, "{\"incidents\":");
	int rc = xf_api_incident_list_text(db, &q.scope, q.status, q.active_only, q.before,
	                                   (int)q.limit, out, &next);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_buf_puts(out, ",\"next_after_id\":");
	if (next)
		xf_jw_int(out, next);
	else
		xf_buf_puts(out, "null");
	xf_buf_puts(out, "}");
	list_cache_put(q.key, out, generation);
}

static void xf_api_incidents_get(xf_req *req)
{
	int64_t id;
	xf_incident_state state;
	xf_db *db = xf_db_get();
	if (!xf_api_path_incident(req, db, &id, &state))
		return;
	xf_api_incident_reply(req, db, id, 200);
}

/* The grade and the plan of an incident, answering 500 when the plan is gone. */
static const xf_plan *incident_plan(xf_req *req, xf_db *db, const xf_incident_state *state)
{
	const xf_plan *plan = xf_plans_get(db, state->plan_id);
	if (!plan)
		xf_reply_error(req, 500, "internal", NULL,
		               "the plan version of incident %s is missing", state->number);
	return plan;
}

static int add_task(xf_db *db, const xf_incident_state *state, const xf_plan_step *step,
                    xf_task_kind kind, const char *title, const xf_plan_owner *owner,
                    int64_t base_ms, int64_t due_ms, int position, int64_t now);

int xf_api_replan(xf_db *db, const xf_incident_state *state, const xf_plan_grade *grade,
                  int *replanned)
{
	xf_task_row *rows;
	size_t n;
	int64_t now = xf_now_ms();
	const xf_plan *plan = xf_plans_get(db, state->plan_id);
	int rc = xf_store_tasks_open(db, state->id, &rows, &n);
	*replanned = 0;
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		int kind = xf_task_kind_parse(rows[i].kind);
		if (kind < 0 || kind == XF_KIND_MANUAL || kind == XF_KIND_DECISION ||
		    kind == XF_KIND_FOLLOWUP)
			continue;
		/* Report-up limits count from when it happened (发生时间). */
		bool report = kind == XF_KIND_REPORT_ORAL || kind == XF_KIND_REPORT_WRITTEN;
		int64_t due = kind == XF_KIND_RECURRING
		                  ? progress_due(plan, state, grade, rows[i].base_ms)
		                  : xf_task_due(grade, (xf_task_kind)kind,
		                                report ? state->occurred_ms : rows[i].base_ms,
		                                rows[i].due_minutes);
		if (due == rows[i].due_ms)
			continue;
		(*replanned)++;
		/* A report the new grade does not require is no longer owed. */
		if (!due && (kind == XF_KIND_REPORT_ORAL || kind == XF_KIND_REPORT_WRITTEN))
			rc = xf_store_task_update(db, rows[i].id, "skipped", rows[i].assignee_id,
			                          NULL, "调整后的等级不要求此项上报", now);
		else
			rc = xf_store_task_set_due(db, rows[i].id, due);
	}
	free(rows);
	/* A report the new grade requires and the incident never had is added. */
	const struct {
		xf_task_kind kind;
		int minutes;
	} reports[] = {{XF_KIND_REPORT_ORAL, grade->report_oral_minutes},
	               {XF_KIND_REPORT_WRITTEN, grade->report_written_minutes}};
	for (size_t i = 0; rc == XF_OK && plan && i < 2; i++) {
		int count, position;
		if (!reports[i].minutes)
			continue;
		rc = xf_store_task_count_kind(db, state->id, xf_task_kind_ids[reports[i].kind],
		                              &count);
		if (rc == XF_OK && count == 0)
			rc = xf_store_task_next_position(db, state->id, &position);
		if (rc == XF_OK && count == 0) {
			rc = add_task(db, state, NULL, reports[i].kind,
			              reports[i].kind == XF_KIND_REPORT_ORAL
			                  ? plan->report_oral_title
			                  : plan->report_written_title,
			              &plan->report_owner, state->occurred_ms,
			              xf_task_due(grade, reports[i].kind, state->occurred_ms, 0),
			              position, now);
			(*replanned)++;
		}
	}
	return rc;
}

static int add_task(xf_db *db, const xf_incident_state *state, const xf_plan_step *step,
                    xf_task_kind kind, const char *title, const xf_plan_owner *owner,
                    int64_t base_ms, int64_t due_ms, int position, int64_t now)
{
	json_t *evidence = json_array(), *dispatch = json_array();
	for (size_t i = 0; step && i < step->n_evidence; i++)
		json_array_append_new(evidence, json_string(step->evidence[i]));
	for (size_t i = 0; step && i < step->n_dispatch; i++)
		json_array_append_new(dispatch, json_string(step->dispatch[i]));
	xf_task_new t = {
	    .incident_id = state->id,
	    .position = position,
	    .step_id = step ? step->id : NULL,
	    .kind = xf_task_kind_ids[kind],
	    .title = title,
	    .text = step ? step->text : "",
	    .workstream = step ? step->workstream : NULL,
	    .owner_kind = xf_owner_kind_ids[owner->kind],
	    .owner_value = owner->value,
	    .evidence = evidence,
	    .dispatch = dispatch,
	    .chooses_venue = step && step->chooses_venue,
	    .round = kind == XF_KIND_RECURRING ? 1 : 0,
	    .base_ms = base_ms,
	    .due_minutes = step ? step->due_minutes : 0,
	    .due_ms = due_ms,
	    .now_ms = now,
	};
	int64_t id;
	int rc = xf_store_task_insert(db, &t, &id);
	json_decref(evidence);
	json_decref(dispatch);
	return rc;
}

/* The tasks of an activation: the procedure's steps, the report-up tasks after the
 * first step, then the closing steps. */
static int create_tasks(xf_db *db, const xf_incident_state *state, const xf_plan *plan,
                        const xf_plan_procedure *proc, const xf_plan_grade *grade, int64_t now,
                        int *count)
{
	int rc = XF_OK, position = 0;
	for (size_t i = 0; rc == XF_OK && i < proc->n_steps; i++) {
		const xf_plan_step *s = &proc->steps[i];
		xf_task_kind kind = s->recurring ? XF_KIND_RECURRING : XF_KIND_STEP;
		int64_t due = s->recurring
		                  ? xf_progress_next_due(proc, grade, state->expected_ms, now)
		                  : xf_task_due(grade, kind, now, s->due_minutes);
		rc = add_task(db, state, s, kind, s->title, &s->owner, now, due, ++position, now);
		if (rc == XF_OK && i == 0) {
			/* Report-up limits count from when it happened (发生时间). */
			int64_t oral =
			    xf_task_due(grade, XF_KIND_REPORT_ORAL, state->occurred_ms, 0);
			int64_t written =
			    xf_task_due(grade, XF_KIND_REPORT_WRITTEN, state->occurred_ms, 0);
			if (oral)
				rc = add_task(db, state, NULL, XF_KIND_REPORT_ORAL,
				              plan->report_oral_title, &plan->report_owner,
				              state->occurred_ms, oral, ++position, now);
			if (rc == XF_OK && written)
				rc = add_task(db, state, NULL, XF_KIND_REPORT_WRITTEN,
				              plan->report_written_title, &plan->report_owner,
				              state->occurred_ms, written, ++position, now);
		}
	}
	for (size_t i = 0; rc == XF_OK && i < plan->n_closing; i++) {
		const xf_plan_step *s = &plan->closing[i];
		rc = add_task(db, state, s, XF_KIND_CLOSING, s->title, &s->owner, now,
		              xf_task_due(grade, XF_KIND_CLOSING, now, s->due_minutes), ++position,
		              now);
	}
	*count = position;
	return rc;
}

static void xf_api_incidents_activate(xf_req *req)
{
	int64_t id;
	xf_incident_state state;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_path_id(req, "id", &id))
		return;
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	int rc;
	if (state_status(&state) != XF_STATUS_REGISTERED || !state.in_scope) {
		xf_tx_rollback(db);
		xf_reply_error(
		    req, 409, "conflict", NULL,
		    "only a registered incident within the plan's scope can be activated; "
		    "%s is '%s'",
		    state.number, state.status);
		return;
	}
	const xf_plan *plan = incident_plan(req, db, &state);
	if (!plan) {
		xf_tx_rollback(db);
		return;
	}
	const xf_plan_grade *grade = xf_plan_grade_by_id(plan, state.grade);
	const xf_plan_procedure *proc = xf_plan_procedure_by_id(plan, state.procedure);
	if (!grade || !proc) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL,
		               "the plan has no grade '%s' or procedure '%s'", state.grade,
		               state.procedure);
		return;
	}
	int64_t now = xf_now_ms();
	int count = 0, heads = 0;
	rc = xf_store_incident_activate(db, id, now);
	if (rc == XF_OK)
		rc = create_tasks(db, &state, plan, proc, grade, now, &count);
	/* Steps owned {"heads_of": ...} go to the heads of the incident's (petitioners')
	 * units; the event counts them. */
	if (rc == XF_OK)
		rc = xf_store_tasks_assign_heads(db, id, &heads);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "incident.activate", "incident", xf_api_id_text(req, id),
		    json_pack("{s:s, s:s, s:s, s:i, s:i}", "summary",
		              xf_arena_printf(&req->arena,
		                              "启动预案：处置程序%s「%s」，等级%s，生成%d项任务",
		                              proc->id, proc->name, grade->name, count),
		              "procedure", proc->id, "grade", grade->id, "tasks", count,
		              "heads_assigned", heads));
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_incident_reply(req, db, id, 200);
}

static void reply_not_allowed(xf_req *req, const xf_incident_state *state, const char *to)
{
	xf_status allowed[XF_STATUS_COUNT];
	int from = xf_status_parse(state->status);
	int n = from < 0 ? 0 : xf_status_allowed((xf_status)from, state->procedure[0], allowed);
	json_t *list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, json_string(xf_status_ids[allowed[i]]));
	char *text = json_dumps(list, JSON_COMPACT);
	const char *message = xf_req_message(
	    req, "%s cannot go from '%s' to '%s'; allowed: %s%s", state->number, state->status, to,
	    text, xf_status_parse(to) == XF_STATUS_ACTIVATED ? " (activate with /activate)" : "");
	free(text);
	json_t *error = json_pack("{s:s, s:s, s:s, s:o}", "code", "conflict", "message", message,
	                          "field", "to", "allowed", list);
	xf_reply_json(req, 409, json_pack("{s:o}", "error", error));
}

/* Open recurring progress reports end when the incident is no longer handled on
 * the ground (from evaluation on). */
static int stop_progress_reports(xf_db *db, int64_t incident_id, int64_t now)
{
	xf_task_row *rows;
	size_t n;
	int rc = xf_store_tasks_open(db, incident_id, &rows, &n);
	for (size_t i = 0; rc == XF_OK && i < n; i++)
		if (strcmp(rows[i].kind, "recurring") == 0)
			rc = xf_store_task_update(db, rows[i].id, "skipped", rows[i].assignee_id,
			                          NULL, "事件进入总结评价阶段，定期汇报结束", now);
	free(rows);
	return rc;
}

/* Inside the transaction: the life cycle allows the move from the incident's status to
 * target, and closing is enforced (issue 9 item 7: an issued final report and a
 * completed evaluation before `reported`, the closing steps and no open work before
 * `archived`); answers 409 (or the store error) and returns false otherwise. */
static bool transition_allowed(xf_req *req, xf_db *db, const xf_incident_state *state,
                               const char *to, xf_status target)
{
	int from = xf_status_parse(state->status);
	if (from < 0 || !xf_status_can((xf_status)from, target, state->procedure[0])) {
		reply_not_allowed(req, state, to);
		return false;
	}
	json_t *missing = NULL;
	int rc = xf_closing_missing(db, state, target, &missing);
	if (rc == XF_OK && !missing)
		return true;
	if (missing)
		xf_closing_reply_missing(req, state, to, missing);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

/* Withdraws a mistaken registration (作废), marked with its reason and who withdrew it. */
static int withdraw_registration(xf_req *req, xf_db *db, const xf_actor *actor,
                                 const xf_incident_state *state, const char *to, const char *reason,
                                 int64_t now)
{
	char at[XF_TIME_LEN];
	xf_time_format(now, at);
	json_t *mark = json_pack("{s:s, s:s, s:s, s:s}", "reason", reason, "by", req->user.username,
	                         "by_name", req->user.name, "at", at);
	int rc = xf_store_incident_withdraw(db, state->id, mark, now);
	json_decref(mark);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, actor, "incident.withdraw", "incident", xf_api_id_text(req, state->id),
		    json_pack("{s:s, s:s, s:s, s:s}", "summary",
		              xf_arena_printf(&req->arena, "登记作废；理由：%s", reason), "from",
		              state->status, "to", to, "reason", reason));
	return rc;
}

/* Moves the incident to target: open progress reports end once it is no longer handled
 * on the ground, and archiving seals (issue 9 item 8: the snapshot's hash, in the same
 * transaction). */
static int move_status(xf_req *req, xf_db *db, const xf_actor *actor,
                       const xf_incident_state *state, const char *to, xf_status target,
                       const char *reason, int64_t now)
{
	int rc = xf_store_incident_set_status(db, state->id, to, now);
	if (rc == XF_OK && !xf_status_reports_progress(target))
		rc = stop_progress_reports(db, state->id, now);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, actor, "incident.transition", "incident", xf_api_id_text(req, state->id),
		    json_pack("{s:s, s:s, s:s, s:s}", "summary",
		              xf_arena_printf(&req->arena, "状态：%s → %s%s%s",
		                              xf_status_zh(state_status(state)),
		                              xf_status_zh(target), reason[0] ? "；" : "", reason),
		              "from", state->status, "to", to, "reason", reason));
	if (rc == XF_OK && target == XF_STATUS_ARCHIVED)
		rc = xf_seal_incident(db, actor, state->id, NULL);
	return rc;
}

static void xf_api_incidents_transition(xf_req *req)
{
	static const char *const fields[] = {"to", "reason", NULL};
	xf_field_error err;
	const char *to, *reason = "";
	int64_t id;
	xf_incident_state state;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	if (xf_json_choice(body, "to", true, xf_status_ids, &to, &err) != XF_OK ||
	    xf_json_string(body, "reason", false, 0, 500, &reason, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_status target = (xf_status)xf_status_parse(to);
	/* Withdrawing a mistaken registration (作废) needs its reason. */
	bool withdraw = target == XF_STATUS_WITHDRAWN;
	if (withdraw && strlen(reason) < 2) {
		xf_reply_error(req, 400, "invalid_field", "reason",
		               "'reason' is required to withdraw a registration");
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	if (!transition_allowed(req, db, &state, to, target)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t now = xf_now_ms();
	int rc = withdraw ? withdraw_registration(req, db, &actor, &state, to, reason, now)
	                  : move_status(req, db, &actor, &state, to, target, reason, now);
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_incident_reply(req, db, id, 200);
}

static int change_decision(xf_req *req, xf_db *db, const xf_incident_state *state,
                           const xf_plan *plan, const xf_plan_facts *facts, json_t *changes,
                           char **summary);

/* Withdraws an override: the plan's decision from the current facts holds again
 * (re-planning and 升级 as for changed facts). */
static int withdraw_override(xf_req *req, xf_db *db, const xf_incident_state *state,
                             const xf_plan *plan, const char *reason, xf_actor *actor)
{
	int64_t now = xf_now_ms();
	int rc = xf_store_incident_override(db, state->id, state->in_scope, NULL, NULL,
	                                    state->status, NULL, now);
	xf_plan_facts facts = {state->headcount,
	                       (xf_destination)xf_destination_parse(state->destination),
	                       state->advance_info};
	json_t *changes = json_object();
	char *summary =
	    xf_arena_printf(&req->arena, "撤销人工调整，恢复按预案判定；理由：%s", reason);
	if (rc == XF_OK)
		rc = change_decision(req, db, state, plan, &facts, changes, &summary);
	if (rc == XF_OK)
		rc = xf_audit_append(db, actor, "incident.override", "incident",
		                     xf_api_id_text(req, state->id),
		                     json_pack("{s:b, s:s, s:s, s:O}", "withdraw", true, "reason",
		                               reason, "summary", summary, "changes", changes));
	json_decref(changes);
	return rc;
}

/* What POST /incidents/{id}/override asks: a grade, a scope, or to withdraw. */
typedef struct override_in {
	const char *grade_id, *reason;
	bool in_scope, withdraw;
	int has_scope; /* XF_OK when in_scope was given */
} override_in;

static bool read_override(xf_req *req, json_t *body, override_in *o)
{
	xf_field_error err;
	memset(o, 0, sizeof *o);
	if (xf_json_string(body, "grade", false, 1, 16, &o->grade_id, &err) == XF_ERR ||
	    (o->has_scope = xf_json_bool(body, "in_scope", false, &o->in_scope, &err)) == XF_ERR ||
	    xf_json_string(body, "reason", true, 2, 500, &o->reason, &err) != XF_OK ||
	    xf_json_bool(body, "withdraw", false, &o->withdraw, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	if (o->withdraw && (o->grade_id || o->has_scope == XF_OK)) {
		xf_reply_error(req, 400, "invalid_field", "withdraw",
		               "'withdraw' takes no 'grade' or 'in_scope'");
		return false;
	}
	if (!o->withdraw && !o->grade_id && o->has_scope != XF_OK) {
		xf_reply_error(req, 400, "invalid_field", "grade",
		               "give 'grade' or 'in_scope' to override");
		return false;
	}
	return true;
}

/* Withdraws the incident's override; answers 409 and returns false when it has none,
 * otherwise true with the store's code in *rc. */
static bool override_withdrawn(xf_req *req, xf_db *db, const xf_incident_state *state,
                               const xf_plan *plan, const char *reason, xf_actor *actor, int *rc)
{
	json_t *incident = NULL;
	*rc = xf_api_incident_read(db, state->id, &incident);
	bool has = *rc == XF_OK && json_is_object(json_object_get(incident, "override"));
	json_decref(incident);
	if (*rc == XF_OK && !has) {
		xf_reply_error(req, 409, "conflict", "withdraw", "%s has no override to withdraw",
		               state->number);
		return false;
	}
	if (*rc == XF_OK)
		*rc = withdraw_override(req, db, state, plan, reason, actor);
	return true;
}

/* The grade an override sets: the one named, or, bringing an incident into scope
 * without a grade, its own or the computed one; NULL out of scope. Answers 400 and
 * returns false when the plan has no such grade. */
static bool override_grade(xf_req *req, const xf_plan *plan, const xf_incident_state *state,
                           const override_in *o, const xf_plan_grade **grade)
{
	*grade = NULL;
	if (o->grade_id) {
		*grade = xf_plan_grade_by_id(plan, o->grade_id);
		if (!*grade)
			xf_reply_error(req, 400, "invalid_field", "grade",
			               "the plan has no grade '%s'", o->grade_id);
		return *grade != NULL;
	}
	if (o->in_scope) {
		xf_plan_facts facts = {state->headcount,
		                       (xf_destination)xf_destination_parse(state->destination),
		                       state->advance_info};
		xf_plan_decision d;
		xf_plan_decide(plan, &facts, &d);
		*grade = state->grade[0] ? xf_plan_grade_by_id(plan, state->grade) : d.grade;
	}
	return true;
}

/* Stores the override (re-planning the tasks of an activated incident whose grade
 * changes) and its event. */
static int apply_override(xf_req *req, xf_db *db, const xf_incident_state *state,
                          const override_in *o, const xf_plan_grade *grade, const char *status,
                          xf_actor *actor)
{
	char at[XF_TIME_LEN];
	int64_t now = xf_now_ms();
	xf_time_format(now, at);
	json_t *override = json_pack(
	    "{s:o, s:b, s:s, s:s, s:s}", "grade", grade ? json_string(grade->id) : json_null(),
	    "in_scope", o->in_scope, "reason", o->reason, "by", req->user.username, "at", at);
	int rc = xf_store_incident_override(db, state->id, o->in_scope, grade ? grade->id : NULL,
	                                    grade ? grade->name : NULL, status, override, now);
	int replanned = 0;
	if (rc == XF_OK && grade && state->activated_ms && strcmp(grade->id, state->grade) != 0)
		rc = xf_api_replan(db, state, grade, &replanned);
	if (rc == XF_OK) {
		json_object_set_new(override, "from_grade",
		                    state->grade[0] ? json_string(state->grade) : json_null());
		json_object_set_new(override, "replanned", json_integer(replanned));
		json_object_set_new(override, "summary",
		                    json_string(xf_arena_printf(
		                        &req->arena, "人工调整：%s%s%s；理由：%s",
		                        o->in_scope ? "适用预案" : "不启动", grade ? "，等级" : "",
		                        grade ? grade->name : "", o->reason)));
		rc = xf_audit_append(db, actor, "incident.override", "incident",
		                     xf_api_id_text(req, state->id), json_incref(override));
	}
	json_decref(override);
	return rc;
}

/* Sets the override's grade and status; answers and returns false when refused (no such
 * grade, or taking out of scope an incident already handled), otherwise true with the
 * store's code in *rc. */
static bool override_set(xf_req *req, xf_db *db, const xf_incident_state *state,
                         const xf_plan *plan, override_in *o, xf_actor *actor, int *rc)
{
	const xf_plan_grade *grade;
	if (o->has_scope != XF_OK)
		o->in_scope = state->in_scope;
	if (!override_grade(req, plan, state, o, &grade))
		return false;
	xf_status to = xf_status_for_scope(state_status(state), o->in_scope);
	if (!o->in_scope && to != XF_STATUS_NOT_ACTIVATED) {
		xf_reply_error(req, 409, "conflict", "in_scope",
		               "%s is already being handled; it cannot be taken out of scope",
		               state->number);
		return false;
	}
	*rc = apply_override(req, db, state, o, grade, xf_status_ids[to], actor);
	return true;
}

static void xf_api_incidents_override(xf_req *req)
{
	static const char *const fields[] = {"grade", "in_scope", "reason", "withdraw", NULL};
	override_in o;
	int64_t id;
	xf_incident_state state;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_api_body(req, fields);
	if (!body || !read_override(req, body, &o))
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	int rc = XF_OK;
	const xf_plan *plan;
	if (!xf_api_incident(req, db, id, &state) || !(plan = incident_plan(req, db, &state))) {
		xf_tx_rollback(db);
		return;
	}
	if (xf_status_closed(state_status(&state))) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL, "%s is '%s'", state.number,
		               state.status);
		return;
	}
	bool ok = o.withdraw ? override_withdrawn(req, db, &state, plan, o.reason, &actor, &rc)
	                     : override_set(req, db, &state, plan, &o, &actor, &rc);
	if (!ok) {
		xf_tx_rollback(db);
		return;
	}
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_incident_reply(req, db, id, 200);
}

static int grade_rank(const xf_plan *plan, const char *grade);

/* A decision recomputed from changed facts, beside what the incident held before. */
typedef struct redecision {
	const xf_incident_state *state;
	const xf_plan *plan;
	xf_plan_decision d;
	bool before; /* not yet activated: the procedure may change */
	bool in_scope;
	const xf_plan_grade *grade; /* NULL out of scope */
	xf_status to;               /* the status for the scope */
	const char *ov_grade;       /* the override's grade, or NULL */
	const char *old_computed;   /* the grade the facts gave before, or NULL */
	bool escalated;             /* the grade rises now */
} redecision;

/* Decides from facts: an override decided the scope; once handled, an incident stays
 * in scope; an override's grade wins over the computed one. */
static void redecide(redecision *r, const json_t *incident, const xf_plan_facts *facts)
{
	const xf_incident_state *state = r->state;
	json_t *ov = json_object_get(incident, "override");
	r->ov_grade = json_string_value(json_object_get(ov, "grade"));
	r->old_computed = json_string_value(json_object_get(incident, "grade_computed"));
	xf_plan_decide(r->plan, facts, &r->d);
	r->before = xf_status_before_activation(state_status(state));
	r->in_scope = json_is_object(ov) ? state->in_scope : r->before ? r->d.in_scope : true;
	r->grade = NULL;
	if (r->in_scope)
		r->grade = r->ov_grade && xf_plan_grade_by_id(r->plan, r->ov_grade)
		               ? xf_plan_grade_by_id(r->plan, r->ov_grade)
		               : r->d.grade;
	r->to = xf_status_for_scope(state_status(state), r->in_scope);
}

/* The 升级 to store (NULL: none), and whether the grade rises now (r->escalated). 升级
 * counts from the grade before the first rise, and holds while the grade stays above
 * it. *set: the stored escalation changes (set or cleared). */
static json_t *escalation_of(redecision *r, const json_t *incident, const char *at, bool *set)
{
	const xf_incident_state *state = r->state;
	int old_rank = state->grade[0] ? grade_rank(r->plan, state->grade) : 99;
	int new_rank = r->grade ? grade_rank(r->plan, r->grade->id) : 99;
	r->escalated = state->grade[0] && r->grade && new_rank < old_rank;
	json_t *old_escalation = json_object_get(incident, "escalation");
	const char *base = json_string_value(json_object_get(old_escalation, "from"));
	if (!base)
		base = state->grade[0] ? state->grade : NULL;
	bool above = base && r->grade && new_rank < grade_rank(r->plan, base);
	*set = above || json_is_object(old_escalation);
	if (!above)
		return NULL;
	const xf_plan_grade *from = xf_plan_grade_by_id(r->plan, base);
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "from", base, "from_name",
	                 from ? from->name : base, "to", r->grade->id, "to_name", r->grade->name,
	                 "at",
	                 new_rank == old_rank && json_is_object(old_escalation)
	                     ? json_string_value(json_object_get(old_escalation, "at"))
	                     : at);
}

/* Adds the grade's change (or why an override's grade holds) to changes and summary. */
static void note_grade_change(xf_req *req, const redecision *r, json_t *changes, char **summary)
{
	const xf_incident_state *state = r->state;
	const char *new_grade = r->grade ? r->grade->id : NULL;
	bool grade_changed = state->grade[0] ? !new_grade || strcmp(state->grade, new_grade) != 0
	                                     : new_grade != NULL;
	if (grade_changed) {
		const xf_plan_grade *from =
		    state->grade[0] ? xf_plan_grade_by_id(r->plan, state->grade) : NULL;
		json_object_set_new(
		    changes, "grade",
		    json_pack("{s:o, s:o}", "from",
		              state->grade[0] ? json_string(state->grade) : json_null(), "to",
		              new_grade ? json_string(new_grade) : json_null()));
		*summary = xf_arena_printf(
		    &req->arena, "%s；等级%s → %s%s", *summary, from ? from->name : "无",
		    r->grade ? r->grade->name : "无", r->escalated ? "（升级）" : "");
	} else if (r->ov_grade && r->in_scope &&
	           (!r->old_computed || strcmp(r->old_computed, r->d.grade->id) != 0)) {
		*summary = xf_arena_printf(&req->arena, "%s；按事实应为%s，人工调整的等级%s不变",
		                           *summary, r->d.grade->name, r->grade->name);
	}
}

/* Adds what else the decision changed (old and new values) to changes. */
static void note_decision_changes(const redecision *r, const char *grade_computed, json_t *changes)
{
	const xf_incident_state *state = r->state;
	if (!r->old_computed || !grade_computed || strcmp(r->old_computed, grade_computed) != 0)
		json_object_set_new(
		    changes, "grade_computed",
		    json_pack("{s:o, s:o}", "from",
		              r->old_computed ? json_string(r->old_computed) : json_null(), "to",
		              grade_computed ? json_string(grade_computed) : json_null()));
	if (r->in_scope != state->in_scope)
		json_object_set_new(
		    changes, "in_scope",
		    json_pack("{s:b, s:b}", "from", state->in_scope, "to", r->in_scope));
	if (r->to != state_status(state))
		json_object_set_new(
		    changes, "status",
		    json_pack("{s:s, s:s}", "from", state->status, "to", xf_status_ids[r->to]));
	if (r->before && strcmp(state->procedure, r->d.procedure->id) != 0)
		json_object_set_new(
		    changes, "procedure",
		    json_pack("{s:s, s:s}", "from", state->procedure, "to", r->d.procedure->id));
}

/* The facts that decide, as changed by a PATCH: the decision is recomputed with its
 * reasons; an override keeps winning (scope and grade) until withdrawn; a grade
 * change of an activated incident re-plans its tasks as an override does; a grade
 * that rises is an escalation (升级), shown until the grade falls again. Adds what
 * changed (old and new values) to changes and a line to summary. */
static int change_decision(xf_req *req, xf_db *db, const xf_incident_state *state,
                           const xf_plan *plan, const xf_plan_facts *facts, json_t *changes,
                           char **summary)
{
	json_t *incident;
	int rc = xf_api_incident_read(db, state->id, &incident);
	if (rc != XF_OK)
		return rc;
	redecision r = {.state = state, .plan = plan};
	redecide(&r, incident, facts);
	char at[XF_TIME_LEN];
	int64_t now = xf_now_ms();
	xf_time_format(now, at);
	bool set_escalation;
	json_t *escalation = escalation_of(&r, incident, at, &set_escalation);
	json_t *reasons = reasons_json(&r.d);
	xf_incident_decision upd = {
	    .headcount = facts->headcount,
	    .destination = xf_destination_ids[facts->destination],
	    .advance_info = facts->advance_info,
	    .in_scope = r.in_scope,
	    .grade = r.grade ? r.grade->id : NULL,
	    .grade_name = r.grade ? r.grade->name : NULL,
	    .grade_computed = r.in_scope ? r.d.grade->id : NULL,
	    .procedure = r.before ? r.d.procedure->id : NULL,
	    .procedure_name = r.before ? r.d.procedure->name : NULL,
	    .status = xf_status_ids[r.to],
	    .reasons = reasons,
	    .set_escalation = set_escalation,
	    .escalation = escalation,
	};
	rc = xf_store_incident_set_decision(db, state->id, &upd, now);
	int replanned = 0;
	if (rc == XF_OK && r.grade && state->activated_ms && strcmp(r.grade->id, state->grade) != 0)
		rc = xf_api_replan(db, state, r.grade, &replanned);
	note_grade_change(req, &r, changes, summary);
	note_decision_changes(&r, upd.grade_computed, changes);
	if (replanned)
		*summary =
		    xf_arena_printf(&req->arena, "%s，重新安排%d项任务", *summary, replanned);
	json_object_set_new(changes, "escalated", json_boolean(r.escalated));
	json_object_set_new(changes, "replanned", json_integer(replanned));
	json_object_set_new(changes, "reasons", reasons);
	json_decref(escalation);
	json_decref(incident);
	return rc;
}

/* A time as people read it in the summary: Asia/Shanghai, "12-07 08:00". */
static char *local_time(xf_req *req, int64_t ms)
{
	if (!ms)
		return "无";
	time_t secs = (time_t)(ms / 1000) + 8 * 3600;
	struct tm tm;
	gmtime_r(&secs, &tm);
	return xf_arena_printf(&req->arena, "%02d-%02d %02d:%02d", tm.tm_mon + 1, tm.tm_mday,
	                       tm.tm_hour, tm.tm_min);
}

static json_t *time_or_null(int64_t ms)
{
	char text[XF_TIME_LEN];
	if (!ms)
		return json_null();
	xf_time_format(ms, text);
	return json_string(text);
}

/* The times a PATCH changes (发生时间, 预计到访时间, 预计去向), checked as at
 * registration, into changes (old and new values) and the summary; the new values are
 * left in state. Advance information withdrawn clears the expected visit. They change
 * while the incident is registered or handled (not once evaluated, archived or
 * withdrawn). False after answering. */
/* Adds a time's change (from, to) to changes and a line "LABEL from → to" to summary. */
static void note_time_change(xf_req *req, const char *key, const char *label, int64_t from,
                             int64_t to, json_t *changes, char **summary, const char **sep)
{
	json_object_set_new(
	    changes, key,
	    json_pack("{s:o, s:o}", "from", time_or_null(from), "to", time_or_null(to)));
	*summary = xf_arena_printf(&req->arena, "%s%s%s%s → %s", *summary, *sep, label,
	                           local_time(req, from), local_time(req, to));
	*sep = "；";
}

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
	if (!check_times(req, occurred, occurred_changed, facts->advance_info, expected, dest))
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
		                           from >= 0 ? destination_zh[from] : "无",
		                           to >= 0 ? destination_zh[to] : "无");
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
			due = progress_due(plan, state, grade, rows[i].base_ms);
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
	return (p->has_occurred = read_time(req, body, "occurred_at", &p->occurred_ms, NULL)) !=
	           XF_ERR &&
	       (p->has_expected = read_time(req, body, "expected_at", &p->expected_ms,
	                                    &p->expected_cleared)) != XF_ERR;
}

/* 提前掌握信息 decides the procedure, so it changes only before activation; false after
 * answering 409. */
static bool advance_info_may_change(xf_req *req, const xf_incident_state *state,
                                    const incident_patch *p)
{
	if (p->has_advance != XF_OK || p->advance_info == state->advance_info ||
	    xf_status_before_activation(state_status(state)))
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
		                           destination_zh[facts->destination], destination_zh[to]);
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
	xf_plan_facts facts = {state->headcount,
	                       (xf_destination)xf_destination_parse(state->destination),
	                       state->advance_info};
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
	if (decides && xf_status_closed(state_status(state))) {
		xf_reply_error(req, 409, "conflict", NULL,
		               "%s is '%s'; its facts can no longer change", state->number,
		               state->status);
		return false;
	}
	if (decides && !(plan = incident_plan(req, db, state)))
		return false;
	*rc = xf_store_incident_set_facts(db, id, p->place, p->demands, p->category,
	                                  json_object_get(body, "units") ? p->units : NULL,
	                                  p->n_units, xf_now_ms());
	if (*rc == XF_OK && times)
		*rc = change_times(db, state, time_changes);
	if (*rc == XF_OK && decides)
		*rc = change_decision(req, db, state, plan, &facts, changes, &summary);
	if (*rc == XF_OK)
		*rc = append_update_event(req, db, id, body, changes, time_changes, summary);
	return true;
}

static void xf_api_incidents_update(xf_req *req)
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
	    !read_units(req, db, body, &p.units, &p.n_units)) {
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
		rc = index_incident(db, id);
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_incident_reply(req, db, id, 200);
}

/* Timeline entries as people read them: manual entries (现场情况) are notes with their
 * text; every other event shows its summary. "at" is when the entry was recorded;
 * "occurred_at" when it happened (a note's 发生时间, else the same as "at"). */
static void add_texts(json_t *entries)
{
	size_t i;
	json_t *e;
	json_array_foreach(entries, i, e)
	{
		json_t *data = json_object_get(e, "data");
		bool note =
		    strcmp(json_string_value(json_object_get(e, "action")), "note.create") == 0;
		json_t *text = json_object_get(data, note ? "text" : "summary");
		json_object_set_new(e, "kind", json_string(note ? "note" : "event"));
		json_t *occurred = json_object_get(data, "at");
		json_object_set(e, "occurred_at",
		                note && json_is_string(occurred) ? occurred
		                                                 : json_object_get(e, "at"));
		json_object_set_new(
		    e, "text",
		    json_string(json_is_string(text)
		                    ? json_string_value(text)
		                    : json_string_value(json_object_get(e, "action"))));
		json_object_del(e, "data");
	}
}

static void xf_api_incidents_timeline(xf_req *req)
{
	int64_t id;
	xf_incident_state state;
	xf_db *db = xf_db_get();
	if (!xf_api_path_incident(req, db, &id, &state))
		return;
	json_t *entries;
	int rc = xf_store_timeline(db, id, 0, &entries);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	add_texts(entries);
	xf_reply_json(req, 200, json_pack("{s:o}", "entries", entries));
}

/* How far a note's 发生时间 may lie ahead of the server's clock (clock skew between the
 * browser and the server) and before the incident's registration (what happened before
 * someone registered it: the gathering began at dawn, a letter came last week). */
#define NOTE_AT_SKEW_MS                (60 * 1000LL)
#define NOTE_AT_BEFORE_REGISTRATION_MS (7 * 24 * 3600 * 1000LL)

static void xf_api_notes_create(xf_req *req)
{
	static const char *const fields[] = {"text", "at", NULL};
	xf_field_error err;
	const char *text;
	int64_t id, at_ms = 0;
	xf_incident_state state;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	if (xf_json_string(body, "text", true, 1, XF_API_TEXT_MAX, &text, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return;
	}
	json_t *at = json_object_get(body, "at");
	if (at && !json_is_null(at) &&
	    (!json_is_string(at) || xf_iso_time_parse(json_string_value(at), &at_ms) != XF_OK)) {
		xf_reply_error(
		    req, 400, "invalid_field", "at",
		    "'at' must be an ISO 8601 time with a zone, such as 2026-11-28T23:10:29Z");
		return;
	}
	if (at_ms && at_ms > xf_now_ms() + NOTE_AT_SKEW_MS) {
		xf_reply_error(req, 400, "invalid_field", "at",
		               "'at' is in the future; a note records what has happened");
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin_incident(req, db, id, &state))
		return; /* an archived incident answers 409 "sealed" there */
	if (at_ms && at_ms < state.registered_ms - NOTE_AT_BEFORE_REGISTRATION_MS) {
		xf_tx_rollback(db);
		xf_reply_error(req, 400, "invalid_field", "at",
		               "'at' is more than 7 days before %s was registered", state.number);
		return;
	}
	json_t *data = json_pack("{s:s, s:s}", "text", text, "author", req->user.name);
	if (at_ms) {
		char at_text[XF_TIME_LEN];
		xf_time_format(at_ms, at_text);
		json_object_set_new(data, "at", json_string(at_text));
	}
	int64_t seq = 0;
	int rc = xf_store_note_append(db, &actor, xf_api_id_text(req, id), data, &seq);
	if (rc == XF_OK) {
		/* A note is the event itself; its sequence number identifies it. */
		xf_search_doc doc = {.kind = "note",
		                     .id = seq,
		                     .incident_id = id,
		                     .title = state.number,
		                     .body = text};
		rc = xf_search_put(db, &doc);
	}
	if (!xf_api_finish(req, db, rc))
		return;
	json_t *latest;
	if ((rc = xf_store_timeline(db, id, 1, &latest)) != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	add_texts(latest);
	xf_reply_json(req, 201, json_incref(json_array_get(latest, 0)));
	json_decref(latest);
}

/* ---- the dashboard ---- */

static int grade_rank(const xf_plan *plan, const char *grade)
{
	for (size_t i = 0; plan && grade && i < plan->n_grades; i++)
		if (strcmp(plan->grades[i].id, grade) == 0)
			return (int)i;
	return 99;
}

static int by_severity(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int rx = (int)json_integer_value(json_object_get(x, "rank"));
	int ry = (int)json_integer_value(json_object_get(y, "rank"));
	if (rx != ry)
		return rx - ry;
	return (int)(json_integer_value(json_object_get(y, "id")) -
	             json_integer_value(json_object_get(x, "id")));
}

/* Whether t is a round of a recurring report that a later round of the same step
 * follows: progress counts a recurring report once, as its latest round. */
static bool superseded_round(json_t *tasks, json_t *t)
{
	const char *step = json_string_value(json_object_get(t, "step_id"));
	json_int_t round = json_integer_value(json_object_get(t, "round"));
	size_t i;
	json_t *o;
	if (!step || strcmp(json_string_value(json_object_get(t, "kind")), "recurring") != 0)
		return false;
	json_array_foreach(tasks, i, o)
	{
		const char *s = json_string_value(json_object_get(o, "step_id"));
		if (s && strcmp(s, step) == 0 &&
		    json_integer_value(json_object_get(o, "round")) > round)
			return true;
	}
	return false;
}

/* Adds next task, overdue tasks and workstream progress from the incident's tasks. */
static void summarise_tasks(json_t *incident, json_t *tasks, const xf_plan *plan)
{
	json_t *next = NULL, *overdue = json_array(), *streams = json_array(), *t;
	size_t i;
	json_array_foreach(tasks, i, t)
	{
		const char *status = json_string_value(json_object_get(t, "status"));
		bool open = strcmp(status, "pending") == 0 || strcmp(status, "in_progress") == 0;
		const char *due = json_string_value(json_object_get(t, "due_at"));
		if (!open || !due)
			continue;
		if (json_is_true(json_object_get(t, "overdue")))
			json_array_append(overdue, t);
		else if (!next ||
		         strcmp(due, json_string_value(json_object_get(next, "due_at"))) < 0)
			next = t;
	}
	for (size_t w = 0; plan && w < plan->n_workstreams; w++) {
		int done = 0, total = 0;
		json_array_foreach(tasks, i, t)
		{
			const char *ws = json_string_value(json_object_get(t, "workstream"));
			if (!ws || strcmp(ws, plan->workstreams[w].id) != 0 ||
			    superseded_round(tasks, t))
				continue;
			total++;
			const char *status = json_string_value(json_object_get(t, "status"));
			done += strcmp(status, "done") == 0 || strcmp(status, "skipped") == 0;
		}
		json_array_append_new(streams, json_pack("{s:s, s:s, s:i, s:i}", "id",
		                                         plan->workstreams[w].id, "name",
		                                         plan->workstreams[w].name, "done", done,
		                                         "total", total));
	}
	json_object_set_new(incident, "next_task", next ? json_incref(next) : json_null());
	json_object_set_new(incident, "overdue_tasks", overdue);
	json_object_set_new(incident, "workstreams", streams);
}

static void xf_api_dashboard_get(xf_req *req)
{
	xf_scope scope = xf_api_scope(req);
	xf_db *db = xf_db_get();
	json_t *list;
	int64_t next, now = xf_now_ms();
	int rc = xf_tx_begin(db, false);
	if (rc == XF_OK)
		rc = xf_api_incident_list(db, &scope, NULL, true, 0, 50, &list, &next);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_api_store_error(req, db, rc);
		return;
	}
	size_t n = json_array_size(list), i;
	json_t **items = xf_arena_alloc(&req->arena, (n + 1) * sizeof *items);
	json_t *incident;
	json_array_foreach(list, i, incident)
	{
		int64_t id = json_integer_value(json_object_get(incident, "id"));
		const xf_plan *plan = xf_plans_get(
		    db,
		    json_integer_value(json_object_get(json_object_get(incident, "plan"), "id")));
		json_t *tasks = NULL, *latest = NULL, *dispatches = NULL;
		if (rc == XF_OK)
			rc = xf_store_task_list(db, id, &tasks);
		if (rc == XF_OK)
			rc = xf_store_timeline(db, id, 5, &latest);
		if (rc == XF_OK)
			rc = xf_store_dispatch_list(db, id, &dispatches);
		int unassigned = 0;
		if (rc == XF_OK)
			rc = xf_store_incident_unassigned_count(db, id, &unassigned);
		if (rc == XF_OK) {
			json_object_set_new(incident, "unassigned_persons",
			                    json_integer(unassigned));
			summarise_tasks(incident, tasks, plan);
			add_texts(latest);
			json_object_set_new(incident, "latest", latest);
			json_object_set_new(incident, "dispatches", dispatches);
			json_object_set_new(
			    incident, "rank",
			    json_integer(grade_rank(
			        plan, json_string_value(json_object_get(incident, "grade")))));
		} else {
			json_decref(latest);
			json_decref(dispatches);
		}
		json_decref(tasks);
		items[i] = incident;
	}
	xf_tx_rollback(db);
	if (rc != XF_OK) {
		json_decref(list);
		xf_api_store_error(req, db, rc);
		return;
	}
	qsort(items, n, sizeof *items, by_severity);
	json_t *sorted = json_array();
	for (i = 0; i < n; i++) {
		json_object_del(items[i], "rank");
		json_array_append(sorted, items[i]);
	}
	json_decref(list);
	char at[XF_TIME_LEN];
	xf_time_format(now, at);
	xf_reply_json(req, 200, json_pack("{s:s, s:o}", "now", at, "incidents", sorted));
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
