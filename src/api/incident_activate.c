/* POST /incidents/{id}/activate: the procedure's steps, the report-up tasks and the
 * closing steps become tasks; and the re-planning of those tasks when the grade
 * changes (xf_api_replan). */
#include <stdlib.h>
#include <string.h>

#include "api/xf_incidents.h"
#include "core/xf_progress.h"
#include "store/xf_store_roster.h"

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
		                  ? xf_incident_progress_due(plan, state, grade, rows[i].base_ms)
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

void xf_api_incidents_activate(xf_req *req)
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
	if (xf_api_status(&state) != XF_STATUS_REGISTERED || !state.in_scope) {
		xf_tx_rollback(db);
		xf_reply_error(
		    req, 409, "conflict", NULL,
		    "only a registered incident within the plan's scope can be activated; "
		    "%s is '%s'",
		    state.number, state.status);
		return;
	}
	const xf_plan *plan = xf_incident_plan(req, db, &state);
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
