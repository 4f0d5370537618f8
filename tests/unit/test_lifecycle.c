/* Unit tests of the incident life cycle (core/xf_incident.h): every allowed status
 * transition and every forbidden one, procedure A's shortcut, task actions per
 * status, and due times under grades. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_incident.h"

#define S(x) XF_STATUS_##x

static const struct {
	xf_status from, to;
	char procedure;
} allowed[] = {
    {S(REGISTERED), S(NOT_ACTIVATED), 'A'}, {S(REGISTERED), S(NOT_ACTIVATED), 'B'},
    {S(NOT_ACTIVATED), S(REGISTERED), 'A'}, {S(NOT_ACTIVATED), S(REGISTERED), 'B'},
    {S(ACTIVATED), S(ON_SITE), 'A'},        {S(ACTIVATED), S(ON_SITE), 'B'},
    {S(ACTIVATED), S(RESOLVING), 'A'},      {S(ON_SITE), S(REPLYING), 'A'},
    {S(ON_SITE), S(REPLYING), 'B'},         {S(REPLYING), S(RESOLVING), 'A'},
    {S(REPLYING), S(RESOLVING), 'B'},       {S(RESOLVING), S(EVALUATING), 'A'},
    {S(RESOLVING), S(EVALUATING), 'B'},     {S(EVALUATING), S(REPORTED), 'A'},
    {S(EVALUATING), S(REPORTED), 'B'},      {S(REPORTED), S(ARCHIVED), 'A'},
    {S(REPORTED), S(ARCHIVED), 'B'},        {S(REGISTERED), S(WITHDRAWN), 'A'},
    {S(REGISTERED), S(WITHDRAWN), 'B'},
};

static bool listed(xf_status from, xf_status to, char procedure)
{
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (allowed[i].from == from && allowed[i].to == to &&
		    allowed[i].procedure == procedure)
			return true;
	return false;
}

/* The whole matrix: exactly the listed transitions are allowed, under each procedure. */
static void test_transition_matrix(void **state)
{
	const char procedures[] = {'A', 'B'};
	for (size_t p = 0; p < 2; p++)
		for (int from = 0; from < XF_STATUS_COUNT; from++)
			for (int to = 0; to < XF_STATUS_COUNT; to++) {
				bool want = listed((xf_status)from, (xf_status)to, procedures[p]);
				if (xf_status_can((xf_status)from, (xf_status)to, procedures[p]) !=
				    want)
					fail_msg("%s -> %s under %c: expected %s",
					         xf_status_ids[from], xf_status_ids[to],
					         procedures[p], want ? "allowed" : "forbidden");
			}
}

static void test_forbidden_samples(void **state)
{
	assert_false(xf_status_can(S(REGISTERED), S(ACTIVATED), 'B')); /* only by activation */
	assert_false(xf_status_can(S(ACTIVATED), S(RESOLVING), 'B'));  /* B goes on site */
	assert_false(xf_status_can(S(ARCHIVED), S(REGISTERED), 'A'));
	assert_false(xf_status_can(S(ON_SITE), S(ARCHIVED), 'B'));
	assert_false(xf_status_can(S(REPORTED), S(EVALUATING), 'A'));
}

static void test_allowed_lists(void **state)
{
	xf_status out[XF_STATUS_COUNT];
	assert_int_equal(xf_status_allowed(S(ACTIVATED), 'A', out), 2);
	assert_int_equal(out[0], S(ON_SITE));
	assert_int_equal(out[1], S(RESOLVING));
	assert_int_equal(xf_status_allowed(S(ACTIVATED), 'B', out), 1);
	assert_int_equal(xf_status_allowed(S(ARCHIVED), 'B', out), 0);
	assert_int_equal(xf_status_parse("on_site"), S(ON_SITE));
	assert_int_equal(xf_status_parse("onsite"), -1);
	assert_string_equal(xf_status_zh(S(RESOLVING)), "稳控化解");
	assert_true(xf_status_active(S(EVALUATING)));
	assert_false(xf_status_active(S(ARCHIVED)));
	assert_false(xf_status_reports_progress(S(EVALUATING)));
	assert_true(xf_status_reports_progress(S(ON_SITE)));
}

/* A mistaken registration is withdrawn (作废) only while registered, and stays so:
 * not active, never reopened. */
static void test_withdrawn(void **state)
{
	xf_status out[XF_STATUS_COUNT];
	assert_int_equal(xf_status_parse("withdrawn"), S(WITHDRAWN));
	assert_string_equal(xf_status_zh(S(WITHDRAWN)), "已作废");
	assert_true(xf_status_can(S(REGISTERED), S(WITHDRAWN), 0));
	assert_false(xf_status_can(S(NOT_ACTIVATED), S(WITHDRAWN), 'A'));
	assert_false(xf_status_can(S(ACTIVATED), S(WITHDRAWN), 'A'));
	assert_false(xf_status_can(S(WITHDRAWN), S(REGISTERED), 'A'));
	assert_int_equal(xf_status_allowed(S(WITHDRAWN), 'A', out), 0);
	assert_false(xf_status_active(S(WITHDRAWN)));
	assert_false(xf_status_reports_progress(S(WITHDRAWN)));
}

static void test_task_actions(void **state)
{
	assert_int_equal(xf_task_apply(XF_TASK_PENDING, XF_TASK_START), XF_TASK_IN_PROGRESS);
	assert_int_equal(xf_task_apply(XF_TASK_IN_PROGRESS, XF_TASK_START), -1);
	assert_int_equal(xf_task_apply(XF_TASK_PENDING, XF_TASK_COMPLETE), XF_TASK_DONE);
	assert_int_equal(xf_task_apply(XF_TASK_IN_PROGRESS, XF_TASK_SKIP), XF_TASK_SKIPPED);
	assert_int_equal(xf_task_apply(XF_TASK_IN_PROGRESS, XF_TASK_CLAIM), XF_TASK_IN_PROGRESS);
	for (int a = 0; a < XF_TASK_ACTION_COUNT; a++) {
		assert_int_equal(xf_task_apply(XF_TASK_DONE, (xf_task_action)a), -1);
		assert_int_equal(xf_task_apply(XF_TASK_SKIPPED, (xf_task_action)a), -1);
	}
}

static void test_due_times(void **state)
{
	xf_plan_grade top = {.report_oral_minutes = 30,
	                     .report_written_minutes = 60,
	                     .progress_interval_minutes = 30,
	                     .due_percent = 50};
	xf_plan_grade low = {.report_oral_minutes = 0,
	                     .report_written_minutes = 1440,
	                     .progress_interval_minutes = 120,
	                     .due_percent = 100};
	const int64_t base = 1000000, min = 60000;
	assert_int_equal(xf_task_due(&top, XF_KIND_STEP, base, 60), base + 30 * min);
	assert_int_equal(xf_task_due(&low, XF_KIND_STEP, base, 60), base + 60 * min);
	assert_int_equal(xf_task_due(&top, XF_KIND_RECURRING, base, 0), base + 30 * min);
	assert_int_equal(xf_task_due(&top, XF_KIND_REPORT_ORAL, base, 0), base + 30 * min);
	assert_int_equal(xf_task_due(&low, XF_KIND_REPORT_ORAL, base, 0), 0);
	assert_int_equal(xf_task_due(&low, XF_KIND_REPORT_WRITTEN, base, 0), base + 1440 * min);
	assert_int_equal(xf_task_due(&top, XF_KIND_MANUAL, base, 15), base + 15 * min);
}

static void test_status_groups(void **state)
{
	for (int s = 0; s < XF_STATUS_COUNT; s++) {
		bool before = s == S(REGISTERED) || s == S(NOT_ACTIVATED);
		bool closed = s == S(ARCHIVED) || s == S(WITHDRAWN);
		assert_int_equal(xf_status_before_activation((xf_status)s), before);
		assert_int_equal(xf_status_closed((xf_status)s), closed);
		/* Only the two statuses before activation move with the scope. */
		if (!before) {
			assert_int_equal(xf_status_for_scope((xf_status)s, true), s);
			assert_int_equal(xf_status_for_scope((xf_status)s, false), s);
		}
	}
	assert_int_equal(xf_status_for_scope(S(REGISTERED), false), S(NOT_ACTIVATED));
	assert_int_equal(xf_status_for_scope(S(REGISTERED), true), S(REGISTERED));
	assert_int_equal(xf_status_for_scope(S(NOT_ACTIVATED), true), S(REGISTERED));
	assert_int_equal(xf_status_for_scope(S(NOT_ACTIVATED), false), S(NOT_ACTIVATED));
}

static void test_shanghai_year(void **state)
{
	/* 2026-12-31T16:30:00Z is already 2027 in Shanghai. */
	assert_int_equal(xf_shanghai_year(1798734600000LL), 2027);
	assert_int_equal(xf_shanghai_year(1798727400000LL), 2026);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_transition_matrix), cmocka_unit_test(test_forbidden_samples),
	    cmocka_unit_test(test_allowed_lists),     cmocka_unit_test(test_withdrawn),
	    cmocka_unit_test(test_task_actions),      cmocka_unit_test(test_status_groups),
	    cmocka_unit_test(test_due_times),         cmocka_unit_test(test_shanghai_year),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
