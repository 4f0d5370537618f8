/* The 综合评价 (evaluation) of an incident, issue 9 item 4, and the closing checks of
 * item 7 that api/incident_transitions.c and api/tasks.c apply. The form's dimensions and scale
 * come from the incident's plan ("evaluation"); the measured facts are computed when
 * asked (core/xf_closing.h) from the rows the store supplies, and kept with each save
 * as they were then. Routes are listed in api/incidents.c. */
#include "api/xf_evaluation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/xf_store_evaluation.h"

/* The plan's evaluation section as the form shows it: dimensions (id, title, text and
 * their _en) and scale. */
static json_t *form_of(const xf_plan *plan)
{
	json_t *section = plan ? json_object_get(plan->doc, "evaluation") : NULL;
	json_t *dims = json_object_get(section, "dimensions");
	return json_pack("{s:o, s:{s:i, s:i}}", "dimensions",
	                 dims ? json_deep_copy(dims) : json_array(), "scale", "min",
	                 plan ? plan->score_min : 1, "max", plan ? plan->score_max : 5);
}

static int facts_now(xf_db *db, int64_t incident_id, json_t **facts)
{
	xf_close_rows rows;
	int rc = xf_store_close_rows(db, incident_id, &rows);
	if (rc != XF_OK)
		return rc;
	*facts = xf_eval_facts(&rows.eval);
	xf_store_close_rows_free(&rows);
	return XF_OK;
}

/* The answer of GET and PUT: the form, the saved evaluation (or an empty one) and the
 * facts computed now. */
static int evaluation_json(xf_db *db, const xf_incident_state *state, json_t **out)
{
	const xf_plan *plan = xf_plans_get(db, state->plan_id);
	json_t *saved = NULL, *facts = NULL;
	int rc = xf_store_evaluation_get(db, state->id, &saved);
	if (rc == XF_NOTFOUND) {
		saved =
		    json_pack("{s:{}, s:s, s:n, s:n, s:n, s:n, s:n}", "scores", "lessons", "",
		              "facts", "completed_at", "completed_by", "updated_at", "updated_by");
		rc = XF_OK;
	}
	if (rc == XF_OK)
		rc = facts_now(db, state->id, &facts);
	if (rc != XF_OK) {
		json_decref(saved);
		return rc;
	}
	json_t *form = form_of(plan);
	json_object_set_new(saved, "saved_facts", json_incref(json_object_get(saved, "facts")));
	json_object_set_new(saved, "facts", facts);
	json_object_set_new(saved, "incident_id", json_integer(state->id));
	json_object_set_new(saved, "completed",
	                    json_boolean(!json_is_null(json_object_get(saved, "completed_at"))));
	json_object_set_new(saved, "unscored",
	                    plan ? xf_eval_unscored(plan, json_object_get(saved, "scores"))
	                         : json_array());
	json_object_update(saved, form);
	json_decref(form);
	*out = saved;
	return XF_OK;
}

/* Answers 200 with evaluation_json, or the store error. */
static void reply_evaluation(xf_req *req, xf_db *db, const xf_incident_state *state)
{
	json_t *out;
	int rc = evaluation_json(db, state, &out);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200, out);
}

void xf_api_evaluation_get(xf_req *req)
{
	int64_t id;
	xf_incident_state state;
	xf_db *db = xf_db_get();
	if (xf_api_path_incident(req, db, &id, &state))
		reply_evaluation(req, db, &state);
}

static void reply_problem(xf_req *req, const xf_plan *plan, const xf_eval_problem *p)
{
	switch (p->kind) {
	case XF_EVAL_UNKNOWN_DIMENSION:
		xf_reply_error(req, 400, "invalid_field", p->field,
		               "'%s' is not a dimension of the plan's evaluation", p->field);
		break;
	case XF_EVAL_SCORE_RANGE:
		xf_reply_error(req, 400, "invalid_field", p->field,
		               "'%s' must be an integer from %d to %d", p->field, plan->score_min,
		               plan->score_max);
		break;
	case XF_EVAL_UNKNOWN_KEY:
		xf_reply_error(req, 400, "invalid_field", p->field,
		               "'%s' is not part of a score (only 'score' and 'comment')",
		               p->field);
		break;
	case XF_EVAL_COMMENT:
		xf_reply_error(req, 400, "invalid_field", p->field,
		               "'%s' must be text of at most %d characters", p->field,
		               XF_EVAL_COMMENT_MAX);
		break;
	default:
		xf_reply_error(req, 400, "invalid_field", p->field, "'%s' must be an object",
		               p->field);
	}
}

/* The strings item[key] of the items of list joined by sep, at most 8 KiB (in the
 * request's arena). */
static const char *joined(xf_req *req, json_t *list, const char *key, const char *sep)
{
	xf_buf b;
	xf_buf_init(&b, 8192);
	json_t *item;
	size_t i;
	json_array_foreach(list, i, item)
	    xf_buf_printf(&b, "%s%s", i ? sep : "", json_string_value(json_object_get(item, key)));
	const char *out = xf_arena_strdup(&req->arena, b.data ? b.data : "");
	xf_buf_release(&b);
	return out;
}

/* Answers status {"error": {code, message, field, missing}}; steals missing. */
static void reply_missing(xf_req *req, int status, const char *code, const char *field,
                          const char *message, json_t *missing)
{
	json_t *error = json_pack("{s:s, s:s, s:s, s:o}", "code", code, "message", message, "field",
	                          field, "missing", missing);
	xf_reply_json(req, status, json_pack("{s:o}", "error", error));
}

/* Scores given for some dimensions replace those; the others stay as saved. */
static json_t *merged_scores(const json_t *saved, const json_t *given)
{
	json_t *scores = json_is_object(saved) ? json_deep_copy(saved) : json_object();
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)given, key, value)
	{
		json_t *entry = json_object_get(scores, key);
		if (!json_is_object(entry)) {
			entry = json_object();
			json_object_set_new(scores, key, entry);
		}
		json_object_update(entry, value);
		if (json_is_null(json_object_get(entry, "score")))
			json_object_del(entry, "score");
	}
	return scores;
}

/* Answers unless the plan is known and the scores given (NULL: none) fit its form. */
static bool scores_ok(xf_req *req, xf_db *db, const xf_plan *plan, const json_t *given)
{
	xf_eval_problem problem;
	if (!plan)
		xf_api_store_error(req, db, XF_ERR);
	else if (given && !xf_eval_check_scores(plan, given, &problem))
		reply_problem(req, plan, &problem);
	else
		return true;
	return false;
}

/* Answers 409 unless the evaluation may change now: drafts from activation until the
 * incident is reported; completing in 总结评价. */
static bool evaluation_open(xf_req *req, const xf_incident_state *state, bool complete)
{
	xf_status status = xf_api_status(state);
	if (status == XF_STATUS_REGISTERED || status == XF_STATUS_NOT_ACTIVATED ||
	    status == XF_STATUS_WITHDRAWN || status == XF_STATUS_REPORTED ||
	    status == XF_STATUS_ARCHIVED) {
		xf_reply_error(req, 409, "conflict", NULL,
		               "%s is '%s'; its evaluation cannot change", state->number,
		               state->status);
		return false;
	}
	if (complete && status != XF_STATUS_EVALUATING) {
		xf_reply_error(req, 409, "conflict", "complete",
		               "%s is '%s'; the evaluation is completed while evaluating",
		               state->number, state->status);
		return false;
	}
	return true;
}

/* An evaluation about to be saved: the saved one with what the body gives over it. */
typedef struct eval_change {
	json_t *scores; /* owned */
	const char *lessons;
	bool was_completed;
} eval_change;

/* Reads the saved evaluation and lays the given scores (NULL: none) and lessons (NULL:
 * as saved) over it. */
static int eval_merge(xf_req *req, xf_db *db, int64_t id, const json_t *given, const char *lessons,
                      eval_change *out)
{
	json_t *saved = NULL;
	int rc = xf_store_evaluation_get(db, id, &saved);
	if (rc != XF_OK && rc != XF_NOTFOUND)
		return rc;
	out->was_completed = saved && !json_is_null(json_object_get(saved, "completed_at"));
	out->scores = merged_scores(json_object_get(saved, "scores"), given);
	if (!lessons)
		lessons = saved ? json_string_value(json_object_get(saved, "lessons")) : "";
	out->lessons = xf_arena_strdup(&req->arena, lessons ? lessons : "");
	json_decref(saved);
	return XF_OK;
}

/* Answers 422 "incomplete" naming the dimensions not scored (unscored, stolen). */
static void reply_unscored(xf_req *req, json_t *unscored)
{
	reply_missing(req, 422, "incomplete", "scores",
	              xf_req_message(req, "the evaluation is not complete: %s not scored",
	                             joined(req, unscored, "title", "、")),
	              unscored);
}

/* Saves the change with the facts as they are now, and its event. */
static int eval_save(xf_req *req, xf_db *db, int64_t id, const eval_change *e, bool complete)
{
	json_t *facts = NULL;
	xf_actor actor = xf_api_actor(req);
	bool completing = complete && !e->was_completed;
	int rc = facts_now(db, id, &facts);
	if (rc == XF_OK)
		rc = xf_store_evaluation_save(db, id, e->scores, e->lessons, facts, complete,
		                              req->user.id, xf_now_ms());
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor,
		                     completing ? "evaluation.complete" : "evaluation.save",
		                     "incident", xf_api_id_text(req, id),
		                     json_pack("{s:s, s:O, s:s}", "summary",
		                               completing ? "综合评价完成" : "保存综合评价",
		                               "scores", e->scores, "lessons", e->lessons));
	json_decref(facts);
	return rc;
}

void xf_api_evaluation_put(xf_req *req)
{
	static const char *const fields[] = {"scores", "lessons", "complete", NULL};
	xf_field_error err;
	const char *lessons = NULL;
	bool complete = false;
	int64_t id;
	xf_incident_state state;
	json_t *body;
	if (!xf_api_path_id(req, "id", &id) || !(body = xf_api_body(req, fields)))
		return;
	if (xf_json_string(body, "lessons", false, 0, 20000, &lessons, &err) == XF_ERR ||
	    xf_json_bool(body, "complete", false, &complete, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	const xf_plan *plan = xf_plans_get(db, state.plan_id);
	json_t *given = json_object_get(body, "scores");
	if (!scores_ok(req, db, plan, given) || !evaluation_open(req, &state, complete)) {
		xf_tx_rollback(db);
		return;
	}
	eval_change change;
	int rc = eval_merge(req, db, id, given, lessons, &change);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_api_store_error(req, db, rc);
		return;
	}
	/* A completed evaluation keeps every dimension scored. */
	json_t *unscored = xf_eval_unscored(plan, change.scores);
	if ((complete || change.was_completed) && json_array_size(unscored)) {
		xf_tx_rollback(db);
		json_decref(change.scores);
		reply_unscored(req, unscored);
		return;
	}
	json_decref(unscored);
	rc = eval_save(req, db, id, &change, complete);
	json_decref(change.scores);
	if (xf_api_finish(req, db, rc))
		reply_evaluation(req, db, &state);
}

int xf_closing_missing(xf_db *db, const xf_incident_state *state, xf_status to, json_t **missing)
{
	*missing = NULL;
	if (to != XF_STATUS_REPORTED && to != XF_STATUS_ARCHIVED)
		return XF_OK;
	const xf_plan *plan = xf_plans_get(db, state->plan_id);
	xf_close_facts facts = {0};
	xf_close_rows rows;
	int rc = xf_store_final_report_issued(db, state->id, &facts.final_report_issued);
	if (rc == XF_OK)
		rc = xf_store_evaluation_completed(db, state->id, &facts.evaluation_completed);
	if (rc == XF_OK)
		rc = xf_store_close_rows(db, state->id, &rows);
	if (rc != XF_OK)
		return rc;
	facts.tasks = rows.tasks;
	facts.n_tasks = rows.eval.n_tasks;
	facts.archive_step_id =
	    plan && plan->n_closing ? plan->closing[plan->n_closing - 1].id : NULL;
	json_t *list = xf_close_missing(to, &facts);
	xf_store_close_rows_free(&rows);
	if (json_array_size(list))
		*missing = list;
	else
		json_decref(list);
	return XF_OK;
}

void xf_closing_reply_missing(xf_req *req, const xf_incident_state *state, const char *to,
                              json_t *missing)
{
	reply_missing(req, 409, "conflict", "to",
	              xf_req_message(req, "%s cannot go to '%s' yet: %s", state->number, to,
	                             joined(req, missing, "text", "；")),
	              missing);
}
