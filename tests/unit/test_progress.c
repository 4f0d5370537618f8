/* Unit tests of the progress-report cadence before an expected visit
 * (core/xf_progress.h): daily until the day before expected_at, the grade's interval
 * from then on, the daily round never jumping past the switch, and the coal-mine
 * plan's procedure A carrying the daily interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/xf_progress.h"

#define HOUR (3600 * 1000LL)
/* Monday 2026-12-07 08:00 Asia/Shanghai */
#define MONDAY_0800 1796601600000LL
/* Sunday 2026-12-06 00:00 Asia/Shanghai: the day before */
#define SUNDAY_0000 1796486400000LL
/* Thursday 2026-12-03 10:00, Friday 10:00, Saturday 10:00 Asia/Shanghai */
#define THURSDAY_1000 1796263200000LL
#define FRIDAY_1000   1796349600000LL
#define SATURDAY_1000 1796436000000LL

static const xf_plan_grade grade = {.id = "III", .progress_interval_minutes = 60};
static const xf_plan_procedure daily = {.id = "A",
                                        .advance_info = true,
                                        .progress_interval_before_minutes = 1440,
                                        .progress_days_before = 1};
static const xf_plan_procedure plain = {.id = "B"};

static void test_switch(void **state)
{
	(void)state;
	assert_int_equal(xf_progress_switch_ms(&daily, MONDAY_0800), SUNDAY_0000);
	/* 00:30 Monday local is still Monday: the switch is Sunday 00:00 */
	assert_int_equal(xf_progress_switch_ms(&daily, MONDAY_0800 - 7 * HOUR - HOUR / 2),
	                 SUNDAY_0000);
	xf_plan_procedure two = daily;
	two.progress_days_before = 2;
	assert_int_equal(xf_progress_switch_ms(&two, MONDAY_0800), SUNDAY_0000 - 24 * HOUR);
	assert_int_equal(xf_progress_switch_ms(&daily, 0), 0);
	assert_int_equal(xf_progress_switch_ms(&plain, MONDAY_0800), 0);
	assert_int_equal(xf_progress_switch_ms(NULL, MONDAY_0800), 0);
}

static void test_interval(void **state)
{
	(void)state;
	assert_int_equal(xf_progress_interval_minutes(&daily, &grade, MONDAY_0800, THURSDAY_1000),
	                 1440);
	assert_int_equal(xf_progress_interval_minutes(&daily, &grade, MONDAY_0800, SUNDAY_0000 - 1),
	                 1440);
	assert_int_equal(xf_progress_interval_minutes(&daily, &grade, MONDAY_0800, SUNDAY_0000),
	                 60);
	assert_int_equal(
	    xf_progress_interval_minutes(&daily, &grade, MONDAY_0800, MONDAY_0800 + HOUR), 60);
	assert_int_equal(xf_progress_interval_minutes(&daily, &grade, 0, THURSDAY_1000), 60);
	assert_int_equal(xf_progress_interval_minutes(&plain, &grade, MONDAY_0800, THURSDAY_1000),
	                 60);
}

static void test_next_due(void **state)
{
	(void)state;
	/* daily while far off */
	assert_int_equal(xf_progress_next_due(&daily, &grade, MONDAY_0800, THURSDAY_1000),
	                 FRIDAY_1000);
	assert_int_equal(xf_progress_next_due(&daily, &grade, MONDAY_0800, FRIDAY_1000),
	                 SATURDAY_1000);
	/* the daily round stops at the switch */
	assert_int_equal(xf_progress_next_due(&daily, &grade, MONDAY_0800, SATURDAY_1000),
	                 SUNDAY_0000);
	/* the grade's interval from the switch on, and after the expected time */
	assert_int_equal(xf_progress_next_due(&daily, &grade, MONDAY_0800, SUNDAY_0000),
	                 SUNDAY_0000 + HOUR);
	assert_int_equal(xf_progress_next_due(&daily, &grade, MONDAY_0800, MONDAY_0800 + 5 * HOUR),
	                 MONDAY_0800 + 6 * HOUR);
	/* without an expected time or a slower interval: the grade's */
	assert_int_equal(xf_progress_next_due(&daily, &grade, 0, THURSDAY_1000),
	                 THURSDAY_1000 + HOUR);
	assert_int_equal(xf_progress_next_due(NULL, &grade, MONDAY_0800, THURSDAY_1000),
	                 THURSDAY_1000 + HOUR);
}

static void test_coal_mine_plan(void **state)
{
	(void)state;
	char path[1024];
	xf_plan_errors errors;
	snprintf(path, sizeof path, "%s/plans/coal-mine.json", getenv("XF_SOURCE_DIR"));
	xf_plan *plan = xf_plan_load_file(path, &errors);
	assert_non_null(plan);
	const xf_plan_procedure *a = xf_plan_procedure_by_id(plan, "A");
	const xf_plan_procedure *b = xf_plan_procedure_by_id(plan, "B");
	assert_int_equal(a->progress_interval_before_minutes, 1440);
	assert_int_equal(a->progress_days_before, 1);
	assert_int_equal(b->progress_interval_before_minutes, 0);
	xf_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_switch),
	    cmocka_unit_test(test_interval),
	    cmocka_unit_test(test_next_due),
	    cmocka_unit_test(test_coal_mine_plan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
