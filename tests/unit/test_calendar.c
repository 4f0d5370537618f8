/* Unit tests of Civil Code day counting (core/xf_calendar.h; 《民法典》 Art. 201, 203) by
 * the calendar file plans/calendar-cn.json (the State Council's 2026 holidays and make-up
 * working days): the start day not counted, the end at 24:00 Beijing time, a last day on
 * a holiday or a weekly rest day moved to the next working day, a 调休 Saturday or
 * Sunday a working day, 《信访工作条例》 Art. 23's 5 working days; the file read through
 * XINFANG_CALENDAR; a bad file refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_calendar.h"
#include "util/xf_util.h"

static char path[4096];

static int setup(void **state)
{
	(void)state;
	const char *src = getenv("XF_SOURCE_DIR");
	snprintf(path, sizeof path, "%s/plans/calendar-cn.json", src ? src : ".");
	setenv("XINFANG_CALENDAR", path, 1);
	return 0;
}

/* 10:00 Beijing time on date. */
static int64_t at10(const char *date)
{
	int32_t day;
	assert_true(xf_day_parse(date, &day));
	return (int64_t)day * XF_DAY_MS - XF_BEIJING_OFFSET_MS + 10 * 3600 * 1000LL;
}

/* 24:00 Beijing time of date. */
static int64_t end_of(const char *date)
{
	int32_t day;
	assert_true(xf_day_parse(date, &day));
	return xf_beijing_day_end(day);
}

static void test_calendar_file_is_the_process_calendar(void **state)
{
	(void)state;
	const xf_calendar *cal = xf_calendar_default();
	assert_string_equal(cal->name, "cn-2026-2027");
	assert_int_equal(cal->first_year, 2026);
	assert_int_equal(cal->last_year, 2027);
	int32_t day;
	assert_true(xf_day_parse("2026-10-01", &day));
	assert_true(xf_calendar_rest_day(cal, day)); /* 国庆 */
	assert_true(xf_day_parse("2026-10-10", &day));
	assert_false(xf_calendar_rest_day(cal, day)); /* Saturday, 调休 working day */
	assert_true(xf_day_parse("2026-12-05", &day));
	assert_true(xf_calendar_rest_day(cal, day)); /* a plain Saturday */
	assert_true(xf_day_parse("2026-12-07", &day));
	assert_false(xf_calendar_rest_day(cal, day)); /* a Monday */
}

static void test_art201_start_day_not_counted_art203_ends_24_00_beijing(void **state)
{
	(void)state;
	const xf_calendar *cal = xf_calendar_default();
	/* 2026-09-15 (Tue) + 15 days: 09-30 (Wed), a working day */
	assert_int_equal(xf_period_end(cal, at10("2026-09-15"), 15), end_of("2026-09-30"));
	/* 24:00 Beijing is 16:00 UTC */
	assert_int_equal(end_of("2026-09-30") % XF_DAY_MS, 16 * 3600 * 1000LL);
	/* late in the evening of the start day: still the same start day */
	assert_int_equal(xf_period_end(cal, end_of("2026-09-15") - 1, 15), end_of("2026-09-30"));
	/* one millisecond later is the next day */
	assert_int_equal(xf_period_end(cal, end_of("2026-09-15"), 15),
	                 xf_period_end(cal, at10("2026-09-16"), 15));
}

static void test_art203_last_day_on_a_statutory_holiday_moves_past_it(void **state)
{
	(void)state;
	const xf_calendar *cal = xf_calendar_default();
	/* 09-16 + 15 = 10-01, 国庆 10-01..07: the period ends on 10-08 */
	assert_int_equal(xf_period_end(cal, at10("2026-09-16"), 15), end_of("2026-10-08"));
	/* 02-01 + 15 = 02-16, 春节 02-15..23: ends 02-24 */
	assert_int_equal(xf_period_end(cal, at10("2026-02-01"), 15), end_of("2026-02-24"));
}

static void test_art203_weekly_rest_day_moves_but_a_make_up_working_day_does_not(void **state)
{
	(void)state;
	const xf_calendar *cal = xf_calendar_default();
	/* 12-04 + 15 = 12-19, a Saturday: ends Monday 12-21 */
	assert_int_equal(xf_period_end(cal, at10("2026-12-04"), 15), end_of("2026-12-21"));
	/* 09-05 + 15 = 09-20, a Sunday made a working day (调休): stays */
	assert_int_equal(xf_period_end(cal, at10("2026-09-05"), 15), end_of("2026-09-20"));
}

static void test_art23_five_working_days_skip_holidays(void **state)
{
	(void)state;
	const xf_calendar *cal = xf_calendar_default();
	/* from Mon 09-28: 09-29, 09-30, (10-01..07 off), 10-08, 10-09, Sat 10-10 (调休) */
	assert_int_equal(xf_working_days_end(cal, at10("2026-09-28"), 5), end_of("2026-10-10"));
	/* from Fri 12-04: Mon 12-07 .. Fri 12-11 */
	assert_int_equal(xf_working_days_end(cal, at10("2026-12-04"), 5), end_of("2026-12-11"));
}

static void test_days_remaining_counts_beijing_days(void **state)
{
	(void)state;
	int64_t due = end_of("2026-12-14");
	assert_int_equal(xf_days_remaining(due, at10("2026-12-14")), 0);
	assert_int_equal(xf_days_remaining(due, at10("2026-12-11")), 3);
	assert_int_equal(xf_days_remaining(due, at10("2026-12-16")), -2);
}

static void test_a_bad_calendar_is_refused(void **state)
{
	(void)state;
	xf_calendar cal;
	char error[200];
	assert_false(xf_calendar_parse("[]", &cal, error, sizeof error));
	assert_false(xf_calendar_parse("{\"years\": {\"2026\": {\"holidays\": [\"2026-02-30\"]}}}",
	                               &cal, error, sizeof error));
	assert_non_null(strstr(error, "2026-02-30"));
	/* weekly rest days: weekdays 0-6, and at least one working day a week (else Art.
	 * 23's working days would never end) */
	assert_false(xf_calendar_parse("{\"rest_weekdays\": [7]}", &cal, error, sizeof error));
	assert_non_null(strstr(error, "rest_weekdays[0]"));
	assert_false(xf_calendar_parse("{\"rest_weekdays\": 6}", &cal, error, sizeof error));
	assert_false(xf_calendar_parse("{\"rest_weekdays\": [0, 1, 2, 3, 4, 5, 6]}", &cal, error,
	                               sizeof error));
	assert_non_null(strstr(error, "no working day"));
	assert_true(xf_calendar_parse("{\"name\": \"x\"}", &cal, error, sizeof error));
	/* no rest days given: Saturday and Sunday */
	int32_t day;
	assert_true(xf_day_parse("2026-12-06", &day));
	assert_true(xf_calendar_rest_day(&cal, day));
	xf_calendar_free(&cal);
	char out[11];
	xf_day_format(day, out);
	assert_string_equal(out, "2026-12-06");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_calendar_file_is_the_process_calendar),
	    cmocka_unit_test(test_art201_start_day_not_counted_art203_ends_24_00_beijing),
	    cmocka_unit_test(test_art203_last_day_on_a_statutory_holiday_moves_past_it),
	    cmocka_unit_test(test_art203_weekly_rest_day_moves_but_a_make_up_working_day_does_not),
	    cmocka_unit_test(test_art23_five_working_days_skip_holidays),
	    cmocka_unit_test(test_days_remaining_counts_beijing_days),
	    cmocka_unit_test(test_a_bad_calendar_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
