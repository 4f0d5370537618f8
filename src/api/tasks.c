/* The task resource: the checklist of an incident. Steps of the plan become tasks at
 * activation (incident_activate.c); here tasks are listed, added by hand, and acted on:
 * claimed, assigned, started, completed with a note, or skipped with a reason.
 * Completing a periodic progress report schedules the next one. */
#include <stdio.h>
#include <string.h>

#include "api/xf_api.h"
#include "api/xf_notify_rules.h"
#include "core/xf_closing.h"
#include "core/xf_progress.h"
#include "store/xf_store_roster.h"
#include "util/xf_buf.h"

static const char *const action_zh[] = {"认领", "指派", "开始", "完成", "跳过"};

/* The plan's English for a task (title_en, text_en, owner.label_en), when the plan gives
 * it; the UI shows it in English mode and falls back to the Chinese. */
static void plan_words(json_t *task, const xf_plan *plan, const xf_plan_step *step)
{
	const char *kind = json_string_value(json_object_get(task, "kind"));
	const char *title_en = step ? step->title_en : NULL;
	if (!step && plan && kind && json_is_object(plan->doc)) {
		json_t *r = json_object_get(plan->doc, "report_up");
		if (strcmp(kind, "report_oral") == 0)
			title_en = json_string_value(json_object_get(r, "oral_title_en"));
		else if (strcmp(kind, "report_written") == 0)
			title_en = json_string_value(json_object_get(r, "written_title_en"));
	}
	if (title_en)
		json_object_set_new(task, "title_en", json_string(title_en));
	if (step && step->text_en)
		json_object_set_new(task, "text_en", json_string(step->text_en));
	json_t *owner = json_object_get(task, "owner");
	if (step && step->owner.label_en && json_is_object(owner))
		json_object_set_new(owner, "label_en", json_string(step->owner.label_en));
}

/* Why a step owned by unit heads has no assignee: "退休支部未登记负责人" for each unit
 * without a head, or that the incident has no such unit (yet). No names or phones. */
static int unassigned_reason(xf_db *db, json_t *task, const xf_plan_owner *owner,
                             int64_t incident_id, int64_t now)
{
	json_t *heads;
	int rc = xf_store_step_contacts(db, owner, 1, incident_id, now, &heads);
	if (rc != XF_OK)
		return rc;
	json_t *missing = json_array();
	size_t i;
	json_t *h;
	json_array_foreach(heads, i, h)
	{
		if (json_object_get(h, "missing"))
			json_array_append(missing, json_object_get(h, "unit"));
	}
	json_decref(heads);
	/* the words for people, Chinese as the rest of the plan's texts */
	xf_buf words;
	xf_buf_init(&words, 4096);
	json_array_foreach(missing, i, h)
	{
		xf_buf_puts(&words, i ? "；" : "");
		xf_buf_puts(&words, json_string_value(h));
		xf_buf_puts(&words, "未登记负责人");
	}
	if (!json_array_size(missing))
		xf_buf_puts(&words, strcmp(owner->value, "unit_of_incident") == 0
		                        ? "事件未关联单位"
		                        : "尚未录入信访人或其所在单位");
	json_t *reason = json_pack("{s:s, s:o, s:s%}", "heads_of", owner->value,
	                           "units_without_head", missing, "message", words.data, words.len);
	xf_buf_release(&words);
	json_object_set_new(task, "unassigned", reason);
	return XF_OK;
}

/* Replies with the task as it is now, in its API shape. */
static void reply_task(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *out;
	int rc = xf_store_task_json(db, id, &out);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, out);
}

static void xf_api_tasks_list(xf_req *req)
{
	int64_t id;
	xf_incident_state state;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) || !xf_api_incident(req, db, id, &state))
		return;
	json_t *tasks;
	int rc = xf_store_task_list(db, id, &tasks);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	/* Whom to call for each task: its step's contacts in the incident's plan version,
	 * resolved against the rosters now; [] for tasks without them, and for users who
	 * may not read the rosters (their phone numbers are staff data). */
	bool roster = xf_perm_allows(req->user.roles, XF_PERM_ROSTER_READ);
	const xf_plan *plan = xf_plans_get(db, state.plan_id);
	int64_t now = xf_now_ms();
	size_t i;
	json_t *task;
	json_array_foreach(tasks, i, task)
	{
		const xf_plan_step *step =
		    xf_plan_step_by_id(plan, json_string_value(json_object_get(task, "step_id")));
		json_t *contacts = NULL;
		plan_words(task, plan, step);
		if (step && step->owner.kind == XF_OWNER_HEADS_OF &&
		    json_is_null(json_object_get(task, "assignee")))
			rc = unassigned_reason(db, task, &step->owner, id, now);
		if (rc == XF_OK && roster && step && step->n_contacts)
			rc = xf_store_step_contacts(db, step->contacts, step->n_contacts, id, now,
			                            &contacts);
		if (rc != XF_OK) {
			json_decref(tasks);
			xf_api_store_error(req, db, rc);
			return;
		}
		json_object_set_new(task, "contacts", contacts ? contacts : json_array());
	}
	xf_reply_json(req, 200, json_pack("{s:o}", "tasks", tasks));
}

/* Answers 400 on field when the user does not exist or is disabled. */
static bool active_user(xf_req *req, xf_db *db, const char *field, int64_t id, xf_user_row *row)
{
	int rc = xf_store_user_by_id(db, id, row);
	if (rc == XF_OK && !row->user.disabled)
		return true;
	if (rc == XF_OK || rc == XF_NOTFOUND)
		xf_reply_error(req, 400, "invalid_field", field,
		               "'%s': there is no active user %lld", field, (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

static bool incident_open(xf_req *req, const xf_incident_state *state)
{
	int status = xf_status_parse(state->status);
	if (status >= 0 && status != XF_STATUS_REGISTERED && xf_status_active((xf_status)status))
		return true;
	xf_reply_error(req, 409, "conflict", NULL, "%s is '%s'; its tasks cannot change",
	               state->number, state->status);
	return false;
}

static void xf_api_tasks_create(xf_req *req)
{
	static const char *const fields[] = {
	    "title", "text", "workstream", "due_minutes", "assignee_id", "owner_role", NULL};
	xf_field_error err;
	const char *title, *text = "", *workstream = NULL, *owner_role = "petition_office";
	int64_t id, due_minutes, assignee_id = 0, task_id;
	xf_incident_state state;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	if (xf_json_string(body, "title", true, 1, 200, &title, &err) != XF_OK ||
	    xf_json_string(body, "text", false, 0, 2000, &text, &err) == XF_ERR ||
	    xf_json_string(body, "workstream", false, 1, 32, &workstream, &err) == XF_ERR ||
	    xf_json_int(body, "due_minutes", true, 0, 60 * 24 * 90, &due_minutes, &err) != XF_OK ||
	    xf_json_int(body, "assignee_id", false, 1, INT64_MAX, &assignee_id, &err) == XF_ERR ||
	    xf_json_choice(body, "owner_role", false, xf_role_ids, &owner_role, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	xf_user_row assignee;
	if (!xf_api_begin(req, db))
		return;
	int rc = XF_OK;
	if (!xf_api_incident(req, db, id, &state) || !incident_open(req, &state) ||
	    (assignee_id && !active_user(req, db, "assignee_id", assignee_id, &assignee))) {
		xf_tx_rollback(db);
		return;
	}
	const xf_plan *plan = xf_plans_get(db, state.plan_id);
	if (workstream) {
		bool known = false;
		for (size_t i = 0; plan && i < plan->n_workstreams; i++)
			known |= strcmp(plan->workstreams[i].id, workstream) == 0;
		if (!known) {
			xf_tx_rollback(db);
			xf_reply_error(req, 400, "invalid_field", "workstream",
			               "the plan has no workstream '%s'", workstream);
			return;
		}
	}
	int position;
	int64_t now = xf_now_ms();
	rc = xf_store_task_next_position(db, id, &position);
	xf_task_new t = {
	    .incident_id = id,
	    .position = position,
	    .kind = "manual",
	    .title = title,
	    .text = text,
	    .workstream = workstream,
	    .owner_kind = assignee_id ? "user" : "role",
	    .owner_value = assignee_id ? assignee.user.name : owner_role,
	    .assignee_id = assignee_id,
	    .base_ms = now,
	    .due_minutes = (int)due_minutes,
	    .due_ms = now + due_minutes * XF_MINUTE_MS,
	    .now_ms = now,
	};
	if (rc == XF_OK)
		rc = xf_store_task_insert(db, &t, &task_id);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "task.create", "incident", xf_api_id_text(req, id),
		    json_pack("{s:I, s:s, s:s}", "task_id", (json_int_t)task_id, "title", title,
		              "summary", xf_arena_printf(&req->arena, "新增任务「%s」", title)));
	if (rc == XF_OK && assignee_id) { /* who gets what: api/notify_rules.c */
		xf_notice_event e = {.kind = XF_NOTIFY_TASK_ASSIGN,
		                     .incident_id = id,
		                     .task_id = task_id,
		                     .actor_id = req->user.id};
		rc = xf_notify_event(db, plan, &e, now, NULL);
	}
	if (!xf_api_finish(req, db, rc))
		return;
	reply_task(req, db, task_id, 201);
}

/* Whether the user may act on the task: the petition office and the leadership group
 * on any; others on tasks assigned to them or, unassigned, owned by one of their roles. */
static bool may_act(const xf_req *req, const xf_task_row *task, xf_task_action action)
{
	if (xf_perm_allows(req->user.roles, XF_PERM_INCIDENT_MANAGE))
		return true;
	if (action == XF_TASK_ASSIGN)
		return false;
	if (task->assignee_id)
		return task->assignee_id == req->user.id;
	if (strcmp(task->owner_kind, "role") == 0) {
		int role = xf_role_parse(task->owner_value);
		return role >= 0 && (req->user.roles & (1u << role));
	}
	/* a unit head's step no head could be found for: any unit head who sees it */
	if (strcmp(task->owner_kind, "heads_of") == 0)
		return (req->user.roles & (1u << XF_ROLE_UNIT_HEAD)) != 0;
	return false;
}

/* After a progress report is done or skipped, the next one falls due one interval after
 * the due time of the round just done (not after now), so rounds stay on their schedule
 * whether a round is done early or late. A round without a due time counts from now. */
static int schedule_next_report(xf_db *db, const xf_incident_state *state, const xf_task_row *task,
                                int64_t now)
{
	int status = xf_status_parse(state->status);
	const xf_plan *plan = xf_plans_get(db, state->plan_id);
	const xf_plan_grade *grade = plan ? xf_plan_grade_by_id(plan, state->grade) : NULL;
	if (status < 0 || !xf_status_reports_progress((xf_status)status) || !grade)
		return XF_OK;
	xf_task_new t = {
	    .incident_id = state->id,
	    .position = task->position,
	    .step_id = task->step_id[0] ? task->step_id : NULL,
	    .kind = "recurring",
	    .title = task->title,
	    .workstream = task->workstream[0] ? task->workstream : NULL,
	    .owner_kind = task->owner_kind,
	    .owner_value = task->owner_value,
	    .round = task->round + 1,
	    .base_ms = task->due_ms ? task->due_ms : now,
	    /* daily while an expected visit is far off, the grade's interval from the day
	     * before it (core/xf_progress.h) */
	    .due_ms = xf_progress_next_due(xf_plan_procedure_by_id(plan, state->procedure), grade,
	                                   state->expected_ms, task->due_ms ? task->due_ms : now),
	    .now_ms = now,
	};
	int64_t id;
	return xf_store_task_insert(db, &t, &id);
}

/* Inside the transaction: whether the user may take action on task (of the incident in
 * state), and the status it moves to (*to). When not, rolls back and answers why. */
static bool task_action_allowed(xf_req *req, xf_db *db, const xf_task_row *task,
                                const xf_incident_state *state, xf_task_action action,
                                const char *note, int *to)
{
	if (!may_act(req, task, action)) {
		xf_tx_rollback(db);
		xf_reply_error(
		    req, 403, "forbidden", NULL,
		    "task %lld belongs to someone else; ask the petition office to assign it",
		    (long long)task->id);
		return false;
	}
	int from = xf_task_status_parse(task->status);
	*to = from < 0 ? -1 : xf_task_apply((xf_task_status)from, action);
	if (*to < 0) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", "action", "cannot %s a task that is %s",
		               xf_task_action_ids[action], task->status);
		return false;
	}
	/* A closing step (收尾: record, evaluate, summarise, report, archive) is done with a
	 * note saying what was done, once the incident is being evaluated, and is never
	 * skipped: archiving needs it (issue 9 item 7). */
	if (strcmp(task->kind, "closing") == 0 && action == XF_TASK_SKIP) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", "action",
		               "closing step %s cannot be skipped; complete it with a note",
		               task->step_id);
		return false;
	}
	if (strcmp(task->kind, "closing") == 0 && action == XF_TASK_COMPLETE) {
		int phase = xf_status_parse(state->status);
		if (!note || !note[0]) {
			xf_tx_rollback(db);
			xf_reply_error(
			    req, 422, "invalid_field", "note",
			    "a closing step is completed with a 'note' saying what was done");
			return false;
		}
		if (phase < 0 || !xf_closing_step_may_complete((xf_status)phase)) {
			xf_tx_rollback(db);
			xf_reply_error(req, 409, "conflict", "action",
			               "%s is '%s'; closing step %s is completed from '%s' on",
			               state->number, state->status, task->step_id, "evaluating");
			return false;
		}
	}
	return true;
}

/* The audit data of action on task, now in status `to`. */
static json_t *task_audit_data(xf_req *req, int64_t id, const xf_task_row *task,
                               xf_task_action action, int to, int64_t new_assignee,
                               const char *assignee_name, const char *note, const char *reason)
{
	const char *detail = action == XF_TASK_SKIP     ? reason
	                     : action == XF_TASK_ASSIGN ? assignee_name
	                     : note                     ? note
	                                                : "";
	json_t *data = json_pack("{s:I, s:s, s:s, s:s}", "task_id", (json_int_t)id, "title",
	                         task->title, "status", xf_task_status_ids[to], "summary",
	                         xf_arena_printf(&req->arena, "%s任务「%s」%s%s", action_zh[action],
	                                         task->title, detail[0] ? "：" : "", detail));
	if (new_assignee)
		json_object_set_new(data, "assignee_id", json_integer(new_assignee));
	if (note)
		json_object_set_new(data, "note", json_string(note));
	if (reason)
		json_object_set_new(data, "reason", json_string(reason));
	return data;
}

static void xf_api_tasks_update(xf_req *req)
{
	static const char *const fields[] = {"action", "assignee_id", "note", "reason", NULL};
	xf_field_error err;
	const char *action_id, *note = NULL, *reason = NULL;
	int64_t id, assignee_id = 0;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	if (xf_json_choice(body, "action", true, xf_task_action_ids, &action_id, &err) != XF_OK ||
	    xf_json_int(body, "assignee_id", false, 1, INT64_MAX, &assignee_id, &err) == XF_ERR ||
	    xf_json_string(body, "note", false, 0, 2000, &note, &err) == XF_ERR ||
	    xf_json_string(body, "reason", false, 1, 500, &reason, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_task_action action = (xf_task_action)0;
	while (strcmp(xf_task_action_ids[action], action_id) != 0)
		action++;
	if (action == XF_TASK_SKIP && !reason) {
		xf_reply_error(req, 400, "invalid_field", "reason",
		               "'reason' is required to skip a task");
		return;
	}
	if (action == XF_TASK_ASSIGN && !assignee_id) {
		xf_reply_error(req, 400, "invalid_field", "assignee_id",
		               "'assignee_id' is required to assign a task");
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	xf_task_row task;
	xf_incident_state state;
	xf_user_row assignee;
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_task_get(db, id, &task);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		if (rc == XF_NOTFOUND)
			xf_reply_error(req, 404, "not_found", NULL, "there is no task %lld",
			               (long long)id);
		else
			xf_api_store_error(req, db, rc);
		return;
	}
	if (!xf_api_incident(req, db, task.incident_id, &state) || !incident_open(req, &state) ||
	    (action == XF_TASK_ASSIGN &&
	     !active_user(req, db, "assignee_id", assignee_id, &assignee))) {
		xf_tx_rollback(db);
		return;
	}
	int to;
	if (!task_action_allowed(req, db, &task, &state, action, note, &to))
		return;
	int64_t new_assignee = action == XF_TASK_CLAIM    ? req->user.id
	                       : action == XF_TASK_ASSIGN ? assignee_id
	                       : task.assignee_id         ? task.assignee_id
	                       : action == XF_TASK_START || action == XF_TASK_COMPLETE
	                           ? req->user.id
	                           : 0;
	int64_t now = xf_now_ms();
	rc = xf_store_task_update(db, id, xf_task_status_ids[to], new_assignee, note,
	                          action == XF_TASK_SKIP ? reason : NULL, now);
	if (rc == XF_OK && strcmp(task.kind, "recurring") == 0 &&
	    (to == XF_TASK_DONE || to == XF_TASK_SKIPPED))
		rc = schedule_next_report(db, &state, &task, now);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, xf_arena_printf(&req->arena, "task.%s", action_id),
		                     "incident", xf_api_id_text(req, task.incident_id),
		                     task_audit_data(req, id, &task, action, to, new_assignee,
		                                     assignee.user.name, note, reason));
	if (rc == XF_OK && action == XF_TASK_ASSIGN) { /* who gets what: api/notify_rules.c */
		xf_notice_event e = {.kind = XF_NOTIFY_TASK_ASSIGN,
		                     .incident_id = task.incident_id,
		                     .task_id = id,
		                     .actor_id = req->user.id};
		rc = xf_notify_event(db, xf_plans_get(db, state.plan_id), &e, now, NULL);
	}
	if (!xf_api_finish(req, db, rc))
		return;
	reply_task(req, db, id, 200);
}

static const xf_route routes[] = {
    {"GET", "/incidents/{id}/tasks", XF_PERM_INCIDENT_READ, 0, xf_api_tasks_list},
    {"POST", "/incidents/{id}/tasks", XF_PERM_INCIDENT_MANAGE, 0, xf_api_tasks_create},
    {"PATCH", "/tasks/{id}", XF_PERM_TASK_ACT, 0, xf_api_tasks_update},
};

const xf_route_list xf_routes_tasks = {routes, XF_ARRAY_LEN(routes)};
