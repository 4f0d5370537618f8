/* GET /dashboard: the wall of active incidents, most severe first, each with its
 * next task, overdue tasks, workstream progress, latest events and dispatches. */
#include <stdlib.h>
#include <string.h>

#include "api/xf_incident_json.h"
#include "api/xf_incidents.h"

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

void xf_api_dashboard_get(xf_req *req)
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
			xf_incident_timeline_texts(latest);
			json_object_set_new(incident, "latest", latest);
			json_object_set_new(incident, "dispatches", dispatches);
			json_object_set_new(
			    incident, "rank",
			    json_integer(xf_incident_grade_rank(
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
