/* Evaluation facts, form checks and what closing needs: see xf_closing.h. */
#include "core/xf_closing.h"

#include <stdio.h>
#include <string.h>

#include "util/xf_util.h"

static json_t *time_or_null(int64_t ms)
{
	if (!ms)
		return json_null();
	char at[XF_TIME_LEN];
	xf_time_format(ms, at);
	return json_string(at);
}

/* Whole minutes from one time to another (towards zero), null when either is missing. */
static json_t *minutes_between(int64_t from_ms, int64_t to_ms)
{
	if (!from_ms || !to_ms)
		return json_null();
	return json_integer((to_ms - from_ms) / XF_MINUTE_MS);
}

static bool is_open(const char *status)
{
	return strcmp(status, "pending") == 0 || strcmp(status, "in_progress") == 0;
}

json_t *xf_eval_facts(const xf_eval_rows *r)
{
	json_t *late = json_array();
	for (size_t i = 0; i < r->n_tasks; i++) {
		const xf_close_task *t = &r->tasks[i];
		if (strcmp(t->status, "done") != 0 || !t->due_ms || !t->done_ms ||
		    t->done_ms <= t->due_ms)
			continue;
		json_array_append_new(
		    late, json_pack("{s:I, s:s?, s:s, s:s, s:o, s:o, s:I}", "id", (json_int_t)t->id,
		                    "step_id", t->step_id[0] ? t->step_id : NULL, "kind", t->kind,
		                    "title", t->title, "due_at", time_or_null(t->due_ms), "done_at",
		                    time_or_null(t->done_ms), "late_minutes",
		                    (json_int_t)((t->done_ms - t->due_ms) / XF_MINUTE_MS)));
	}
	json_t *without = json_array();
	for (size_t i = 0; i < r->n_without_official; i++)
		json_array_append_new(without, json_integer(r->without_official[i]));
	int rated = r->satisfied + r->basically_satisfied + r->unsatisfied;
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:i, s:I, s:o, s:i, s:i,"
	                 " s:{s:i, s:i, s:i, s:i}}",
	                 "occurred_at", time_or_null(r->occurred_ms), "activated_at",
	                 time_or_null(r->activated_ms), "first_arrival_at",
	                 time_or_null(r->first_arrival_ms), "reply_at", time_or_null(r->reply_ms),
	                 "minutes_to_activation", minutes_between(r->occurred_ms, r->activated_ms),
	                 "minutes_to_arrival", minutes_between(r->occurred_ms, r->first_arrival_ms),
	                 "minutes_to_reply", minutes_between(r->occurred_ms, r->reply_ms),
	                 "late_task_count", (json_int_t)json_array_size(late), "late_tasks", late,
	                 "petitioners", r->petitioners, "petitioners_without_official",
	                 (json_int_t)r->n_without_official, "petitioners_without_official_ids",
	                 without, "matters", r->matters, "matters_resolved", r->matters_resolved,
	                 "satisfaction", "satisfied", r->satisfied, "basically_satisfied",
	                 r->basically_satisfied, "unsatisfied", r->unsatisfied, "unrated",
	                 r->matters - rated < 0 ? 0 : r->matters - rated);
}

static const xf_plan_named *dimension(const xf_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->n_evaluation_dimensions; i++)
		if (plan->evaluation_dimensions[i].id &&
		    strcmp(plan->evaluation_dimensions[i].id, id) == 0)
			return &plan->evaluation_dimensions[i];
	return NULL;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static bool fail(xf_eval_problem *p, int kind, const char *fmt, const char *a, const char *b)
{
	p->kind = kind;
	snprintf(p->field, sizeof p->field, fmt, a, b);
	return false;
}

bool xf_eval_check_scores(const xf_plan *plan, const json_t *scores, xf_eval_problem *p)
{
	const char *id, *key;
	json_t *entry, *value;
	p->kind = XF_EVAL_OK;
	p->field[0] = 0;
	if (!json_is_object(scores))
		return fail(p, XF_EVAL_NOT_OBJECT, "%s%s", "scores", "");
	json_object_foreach((json_t *)scores, id, entry)
	{
		if (!dimension(plan, id))
			return fail(p, XF_EVAL_UNKNOWN_DIMENSION, "scores.%s%s", id, "");
		if (!json_is_object(entry))
			return fail(p, XF_EVAL_NOT_OBJECT, "scores.%s%s", id, "");
		json_object_foreach(entry, key, value)
		{
			if (strcmp(key, "score") == 0) {
				if (json_is_null(value))
					continue;
				json_int_t n =
				    json_is_integer(value) ? json_integer_value(value) : -1;
				if (!json_is_integer(value) || n < plan->score_min ||
				    n > plan->score_max)
					return fail(p, XF_EVAL_SCORE_RANGE, "scores.%s.%s", id,
					            key);
			} else if (strcmp(key, "comment") == 0) {
				if (!json_is_string(value) ||
				    utf8_chars(json_string_value(value)) > XF_EVAL_COMMENT_MAX)
					return fail(p, XF_EVAL_COMMENT, "scores.%s.%s", id, key);
			} else {
				return fail(p, XF_EVAL_UNKNOWN_KEY, "scores.%s.%s", id, key);
			}
		}
	}
	return true;
}

json_t *xf_eval_unscored(const xf_plan *plan, const json_t *scores)
{
	json_t *list = json_array();
	for (size_t i = 0; i < plan->n_evaluation_dimensions; i++) {
		const xf_plan_named *d = &plan->evaluation_dimensions[i];
		json_t *entry = json_object_get(scores, d->id);
		if (json_is_integer(json_object_get(entry, "score")))
			continue;
		json_array_append_new(
		    list, json_pack("{s:s, s:s}", "dimension", d->id, "title", d->name));
	}
	return list;
}

/* A closing step reads "C2 对应急行动过程进行综合评价 未完成", another task "任务 B4 … 未完成"
 * (with its step id) or "任务「…」未完成" (a meeting decision). */
static json_t *missing_task(const char *code, const xf_close_task *t)
{
	char text[400];
	if (!t->step_id[0])
		snprintf(text, sizeof text, "任务「%s」未完成", t->title);
	else
		snprintf(text, sizeof text, "%s%s %s 未完成",
		         strcmp(code, "open_task") == 0 ? "任务 " : "", t->step_id, t->title);
	return json_pack("{s:s, s:s, s:I, s:s?}", "code", code, "text", text, "task_id",
	                 (json_int_t)t->id, "step_id", t->step_id[0] ? t->step_id : NULL);
}

json_t *xf_close_missing(xf_status to, const xf_close_facts *f)
{
	json_t *list = json_array();
	if (to == XF_STATUS_REPORTED) {
		if (!f->final_report_issued)
			json_array_append_new(list, json_pack("{s:s, s:s}", "code", "final_report",
			                                      "text", "终报尚未签发"));
		if (!f->evaluation_completed)
			json_array_append_new(list, json_pack("{s:s, s:s}", "code", "evaluation",
			                                      "text", "综合评价尚未完成"));
	} else if (to == XF_STATUS_ARCHIVED) {
		for (size_t i = 0; i < f->n_tasks; i++) {
			const xf_close_task *t = &f->tasks[i];
			if (strcmp(t->kind, "closing") == 0) {
				bool archive_step = f->archive_step_id &&
				                    strcmp(t->step_id, f->archive_step_id) == 0;
				if (!archive_step && strcmp(t->status, "done") != 0)
					json_array_append_new(list,
					                      missing_task("closing_step", t));
			} else if ((strcmp(t->kind, "step") == 0 ||
			            strcmp(t->kind, "recurring") == 0 ||
			            strcmp(t->kind, "decision") == 0) &&
			           is_open(t->status)) {
				json_array_append_new(list, missing_task("open_task", t));
			}
		}
	}
	return list;
}

bool xf_closing_step_may_complete(xf_status s)
{
	return s == XF_STATUS_EVALUATING || s == XF_STATUS_REPORTED;
}
