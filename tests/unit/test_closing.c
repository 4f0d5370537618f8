/* Unit tests of the closing rules (core/xf_closing.h): the evaluation's measured facts
 * from rows, checking an evaluation form against the shipped plan's dimensions, and
 * what is missing before `reported` and `archived`. XF_SOURCE_DIR (set by ctest) is the
 * repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_closing.h"
#include "util/xf_util.h"

#define MIN (60 * 1000LL)
#define T0  1764979200000LL /* 2025-12-06T00:00:00Z */

static xf_plan *shipped_plan(void)
{
	const char *root = getenv("XF_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof path, "%s/plans/coal-mine.json", root ? root : ".");
	xf_plan_errors errors;
	xf_plan *plan = xf_plan_load_file(path, &errors);
	if (!plan)
		fail_msg("the shipped plan does not load: %s", errors.n ? errors.items[0] : "?");
	return plan;
}

static const xf_close_task tasks[] = {
    {1, "step", "done", "B1", "立即向领导小组报告", T0 + 15 * MIN, T0 + 10 * MIN},
    {2, "step", "done", "B2", "通知保卫科", T0 + 15 * MIN, T0 + 42 * MIN},  /* 27 late */
    {3, "step", "skipped", "B3", "了解诉求", T0 + 15 * MIN, T0 + 90 * MIN}, /* skipped */
    {4, "step", "pending", "B4", "给予答复", T0 + 60 * MIN, 0},             /* open */
    {5, "recurring", "in_progress", "B6", "及时汇报", T0 + 60 * MIN, 0},
    {6, "decision", "pending", "", "退休待遇政策解释", 0, 0},
    {7, "followup", "pending", "", "包保回访：张三", T0, 0},
    {8, "report_oral", "pending", "", "口头报告公司信访办公室", T0, 0},
    {9, "closing", "done", "C1", "记录在案", T0 + 1440 * MIN, T0 + 1 * MIN},
    {10, "closing", "pending", "C2", "对应急行动过程进行综合评价", T0, 0},
    {11, "closing", "skipped", "C3", "写出工作总结", T0, T0},
    {12, "closing", "done", "C4", "上报公司信访办公室", T0 + 1440 * MIN, T0 + 2 * MIN},
    {13, "closing", "pending", "C5", "归档保存", T0, 0},
    {14, "manual", "done", "", "无期限的任务", 0, T0 + 500 * MIN},
};

static void test_facts(void **state)
{
	static const int64_t without[] = {31, 35};
	xf_eval_rows rows = {
	    .occurred_ms = T0,
	    .activated_ms = T0 + 12 * MIN + 59 * 1000,
	    .first_arrival_ms = T0 + 38 * MIN,
	    .reply_ms = 0,
	    .tasks = tasks,
	    .n_tasks = XF_ARRAY_LEN(tasks),
	    .petitioners = 5,
	    .without_official = without,
	    .n_without_official = 2,
	    .matters = 4,
	    .matters_resolved = 3,
	    .satisfied = 1,
	    .basically_satisfied = 1,
	    .unsatisfied = 0,
	};
	json_t *f = xf_eval_facts(&rows);
	assert_string_equal(json_string_value(json_object_get(f, "occurred_at")),
	                    "2025-12-06T00:00:00.000Z");
	assert_int_equal(json_integer_value(json_object_get(f, "minutes_to_activation")), 12);
	assert_int_equal(json_integer_value(json_object_get(f, "minutes_to_arrival")), 38);
	assert_true(json_is_null(json_object_get(f, "minutes_to_reply")));
	assert_true(json_is_null(json_object_get(f, "reply_at")));
	/* done after due only: not skipped, not open, not without a due time */
	assert_int_equal(json_integer_value(json_object_get(f, "late_task_count")), 1);
	json_t *late = json_array_get(json_object_get(f, "late_tasks"), 0);
	assert_int_equal(json_integer_value(json_object_get(late, "id")), 2);
	assert_string_equal(json_string_value(json_object_get(late, "step_id")), "B2");
	assert_int_equal(json_integer_value(json_object_get(late, "late_minutes")), 27);
	assert_int_equal(json_integer_value(json_object_get(f, "petitioners")), 5);
	assert_int_equal(json_integer_value(json_object_get(f, "petitioners_without_official")), 2);
	assert_int_equal(json_integer_value(json_array_get(
	                     json_object_get(f, "petitioners_without_official_ids"), 1)),
	                 35);
	assert_int_equal(json_integer_value(json_object_get(f, "matters")), 4);
	assert_int_equal(json_integer_value(json_object_get(f, "matters_resolved")), 3);
	json_t *sat = json_object_get(f, "satisfaction");
	assert_int_equal(json_integer_value(json_object_get(sat, "satisfied")), 1);
	assert_int_equal(json_integer_value(json_object_get(sat, "basically_satisfied")), 1);
	assert_int_equal(json_integer_value(json_object_get(sat, "unsatisfied")), 0);
	assert_int_equal(json_integer_value(json_object_get(sat, "unrated")), 2);
	json_decref(f);

	/* activated ahead of the gathering (advance information): negative minutes */
	xf_eval_rows ahead = {.occurred_ms = T0 + 60 * MIN, .activated_ms = T0, .tasks = tasks};
	f = xf_eval_facts(&ahead);
	assert_int_equal(json_integer_value(json_object_get(f, "minutes_to_activation")), -60);
	assert_true(json_is_null(json_object_get(f, "minutes_to_arrival")));
	assert_int_equal(json_integer_value(json_object_get(f, "late_task_count")), 0);
	json_decref(f);
}

static void check_problem(const xf_plan *plan, const char *scores, int kind, const char *field)
{
	json_error_t je;
	json_t *s = json_loads(scores, JSON_DECODE_ANY, &je);
	assert_non_null(s);
	xf_eval_problem p;
	bool ok = xf_eval_check_scores(plan, s, &p);
	json_decref(s);
	if (kind == XF_EVAL_OK) {
		assert_true(ok);
		return;
	}
	assert_false(ok);
	assert_int_equal(p.kind, kind);
	assert_string_equal(p.field, field);
}

static void test_form(void **state)
{
	xf_plan *plan = shipped_plan();
	static const struct {
		const char *scores;
		int kind;
		const char *field;
	} cases[] = {
	    {"{}", XF_EVAL_OK, ""},
	    {"{\"speed\": {\"score\": 5, \"comment\": \"快\"}, \"measures\": {}}", XF_EVAL_OK, ""},
	    {"{\"speed\": {\"score\": null}}", XF_EVAL_OK, ""},
	    {"[]", XF_EVAL_NOT_OBJECT, "scores"},
	    {"{\"speed\": 3}", XF_EVAL_NOT_OBJECT, "scores.speed"},
	    {"{\"morale\": {\"score\": 3}}", XF_EVAL_UNKNOWN_DIMENSION, "scores.morale"},
	    {"{\"speed\": {\"score\": 6}}", XF_EVAL_SCORE_RANGE, "scores.speed.score"},
	    {"{\"speed\": {\"score\": 0}}", XF_EVAL_SCORE_RANGE, "scores.speed.score"},
	    {"{\"speed\": {\"score\": 3.5}}", XF_EVAL_SCORE_RANGE, "scores.speed.score"},
	    {"{\"speed\": {\"score\": \"3\"}}", XF_EVAL_SCORE_RANGE, "scores.speed.score"},
	    {"{\"speed\": {\"comment\": 3}}", XF_EVAL_COMMENT, "scores.speed.comment"},
	    {"{\"speed\": {\"weight\": 3}}", XF_EVAL_UNKNOWN_KEY, "scores.speed.weight"},
	};
	for (size_t i = 0; i < XF_ARRAY_LEN(cases); i++)
		check_problem(plan, cases[i].scores, cases[i].kind, cases[i].field);

	json_error_t je;
	json_t *scores =
	    json_loads("{\"speed\": {\"score\": 4}, \"measures\": {\"comment\": \"x\"},"
	               " \"coordination\": {\"score\": 1}}",
	               0, &je);
	json_t *unscored = xf_eval_unscored(plan, scores);
	assert_int_equal(json_array_size(unscored), 3);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(unscored, 0), "title")), "处置措施");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(unscored, 2), "dimension")),
	    "resolution");
	json_decref(unscored);
	json_decref(scores);
	xf_plan_free(plan);
}

static const char *text_at(json_t *list, size_t i)
{
	return json_string_value(json_object_get(json_array_get(list, i), "text"));
}

static void test_missing(void **state)
{
	xf_close_facts f = {
	    .tasks = tasks, .n_tasks = XF_ARRAY_LEN(tasks), .archive_step_id = "C5"};
	json_t *m = xf_close_missing(XF_STATUS_REPORTED, &f);
	assert_int_equal(json_array_size(m), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(m, 0), "code")),
	                    "final_report");
	assert_string_equal(text_at(m, 0), "终报尚未签发");
	assert_string_equal(text_at(m, 1), "综合评价尚未完成");
	json_decref(m);
	f.final_report_issued = true;
	m = xf_close_missing(XF_STATUS_REPORTED, &f);
	assert_int_equal(json_array_size(m), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(m, 0), "code")),
	                    "evaluation");
	json_decref(m);
	f.evaluation_completed = true;
	m = xf_close_missing(XF_STATUS_REPORTED, &f);
	assert_int_equal(json_array_size(m), 0);
	json_decref(m);

	/* archiving: open step, recurring report and decision; closing steps not done (a
	 * skipped one too) but the archive step; follow-ups, report-up and manual tasks do
	 * not hold it */
	m = xf_close_missing(XF_STATUS_ARCHIVED, &f);
	assert_int_equal(json_array_size(m), 5);
	assert_string_equal(text_at(m, 0), "任务 B4 给予答复 未完成");
	assert_string_equal(text_at(m, 1), "任务 B6 及时汇报 未完成");
	assert_string_equal(text_at(m, 2), "任务「退休待遇政策解释」未完成");
	assert_string_equal(text_at(m, 3), "C2 对应急行动过程进行综合评价 未完成");
	assert_string_equal(text_at(m, 4), "C3 写出工作总结 未完成");
	assert_string_equal(json_string_value(json_object_get(json_array_get(m, 3), "code")),
	                    "closing_step");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(m, 3), "task_id")), 10);
	assert_string_equal(json_string_value(json_object_get(json_array_get(m, 0), "code")),
	                    "open_task");
	assert_true(json_is_null(json_object_get(json_array_get(m, 2), "step_id")) ||
	            !json_object_get(json_array_get(m, 2), "step_id"));
	json_decref(m);

	/* without an archive step every closing step is needed */
	f.archive_step_id = NULL;
	m = xf_close_missing(XF_STATUS_ARCHIVED, &f);
	assert_int_equal(json_array_size(m), 6);
	assert_string_equal(text_at(m, 5), "C5 归档保存 未完成");
	json_decref(m);

	/* other targets need nothing */
	m = xf_close_missing(XF_STATUS_EVALUATING, &f);
	assert_int_equal(json_array_size(m), 0);
	json_decref(m);
}

static void test_closing_phase(void **state)
{
	assert_false(xf_closing_step_may_complete(XF_STATUS_ACTIVATED));
	assert_false(xf_closing_step_may_complete(XF_STATUS_ON_SITE));
	assert_false(xf_closing_step_may_complete(XF_STATUS_REPLYING));
	assert_false(xf_closing_step_may_complete(XF_STATUS_RESOLVING));
	assert_true(xf_closing_step_may_complete(XF_STATUS_EVALUATING));
	assert_true(xf_closing_step_may_complete(XF_STATUS_REPORTED));
	assert_false(xf_closing_step_may_complete(XF_STATUS_ARCHIVED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_facts),
	    cmocka_unit_test(test_form),
	    cmocka_unit_test(test_missing),
	    cmocka_unit_test(test_closing_phase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
