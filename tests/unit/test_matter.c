/* Unit tests of the statutory clocks of a matter (core/xf_matter.h) under 《信访工作条例》,
 * the article in each test's name: acceptance (Art. 22-23) 15 days from receipt, stopped
 * only by the notice; conclusion (Art. 34) 60 days from acceptance, one extension of at
 * most 30 days; 复查 (Art. 35) and 复核 (Art. 36) requested within 30 days and answered
 * within 30; days counted as the Civil Code counts them (Art. 201, 203: core/
 * xf_calendar.h), by a calendar given here (a holiday and no weekly rest days, so that
 * each due day is plain); conclusion rules and repeat detection (issue 13). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/xf_matter.h"

/* 2026-11-28T23:10:29.123Z, 07:10 on 11-29 in Beijing. */
#define RECEIVED 1795907429123LL
#define HOUR     (3600 * 1000LL)

static xf_calendar cal;

static int setup(void **state)
{
	(void)state;
	char error[200];
	/* no weekly rest days; 2027-01-01 a holiday */
	return xf_calendar_parse("{\"name\": \"test\", \"rest_weekdays\": [], \"years\": {\"2027\":"
	                         " {\"holidays\": [\"2027-01-01\"]}}}",
	                         &cal, error, sizeof error)
	           ? 0
	           : -1;
}

static int teardown(void **state)
{
	(void)state;
	xf_calendar_free(&cal);
	return 0;
}

/* 24:00 Beijing time of the day n days after the Beijing day of t. */
static int64_t day_end(int64_t t, int n)
{
	return xf_beijing_day_end(xf_beijing_day(t) + n);
}

static xf_matter_clock received(void)
{
	return (xf_matter_clock){.received_ms = RECEIVED, .cal = &cal};
}

static void test_art22_acceptance_due_15_days_after_receipt_civil_code(void **state)
{
	(void)state;
	xf_matter_clock c = received();
	int64_t due = 0;
	assert_true(xf_matter_acceptance_due(&c, &due));
	assert_int_equal(XF_ACCEPTANCE_DAYS, 15);
	/* Civil Code Art. 201, 203: from the next day, to 24:00 Beijing time of the 15th */
	assert_int_equal(due, day_end(RECEIVED, 15));
	assert_int_equal((due + XF_BEIJING_OFFSET_MS) % XF_DAY_MS, 0);
	assert_true(due > RECEIVED + 15 * XF_DAY_MS);
	assert_true(due <= RECEIVED + 16 * XF_DAY_MS);
	xf_clock_state s = xf_matter_clock_state(&c, XF_CLOCK_ACCEPTANCE);
	assert_true(s.running);
	assert_string_equal(xf_clock_article(XF_CLOCK_ACCEPTANCE), "22-23");
}

static void test_art23_acceptance_clock_stops_only_when_the_notice_is_issued(void **state)
{
	(void)state;
	xf_matter_clock c = received();
	int64_t due;
	/* the decision alone does not stop it */
	c.accepted = true;
	c.accepted_ms = RECEIVED + 2 * XF_DAY_MS;
	assert_true(xf_matter_acceptance_due(&c, &due));
	c.acceptance_notice_ms = RECEIVED + 3 * XF_DAY_MS;
	assert_false(xf_matter_acceptance_due(&c, &due));
	xf_clock_state s = xf_matter_clock_state(&c, XF_CLOCK_ACCEPTANCE);
	assert_false(s.running);
	assert_int_equal(s.stopped_ms, RECEIVED + 3 * XF_DAY_MS);
	/* a non-acceptance notice stops it alike */
	c = received();
	c.not_accepted = true;
	c.acceptance_notice_ms = RECEIVED + XF_DAY_MS;
	assert_false(xf_matter_acceptance_due(&c, &due));
}

static void test_art34_conclusion_due_60_days_after_acceptance(void **state)
{
	(void)state;
	xf_matter_clock c = received();
	int64_t due = 0;
	assert_false(xf_matter_conclusion_due(&c, &due)); /* not accepted */
	c.accepted = true;
	c.accepted_ms = RECEIVED + 10 * XF_DAY_MS + 5 * HOUR;
	assert_true(xf_matter_conclusion_due(&c, &due));
	assert_int_equal(XF_CONCLUSION_DAYS, 60);
	assert_int_equal(due, day_end(c.accepted_ms, 60));
	assert_string_equal(xf_clock_article(XF_CLOCK_CONCLUSION), "34");
}

static void test_art34_answer_stops_the_conclusion_clock(void **state)
{
	(void)state;
	xf_matter_clock c = received();
	int64_t due;
	c.accepted = true;
	c.accepted_ms = RECEIVED + XF_DAY_MS;
	c.answered_ms = RECEIVED + 20 * XF_DAY_MS;
	assert_false(xf_matter_conclusion_due(&c, &due));
	assert_int_equal(xf_matter_clock_state(&c, XF_CLOCK_CONCLUSION).stopped_ms, c.answered_ms);
}

static void test_art34_extension_once_at_most_30_days(void **state)
{
	(void)state;
	xf_matter_clock c = received();
	assert_int_equal(xf_matter_can_extend(&c, 10), XF_CONFLICT); /* not accepted */
	c.accepted = true;
	c.accepted_ms = RECEIVED;
	assert_int_equal(xf_matter_can_extend(&c, 0), XF_ERR);
	assert_int_equal(xf_matter_can_extend(&c, 31), XF_ERR);
	assert_int_equal(XF_EXTENSION_MAX_DAYS, 30);
	assert_int_equal(xf_matter_can_extend(&c, 1), XF_OK);
	assert_int_equal(xf_matter_can_extend(&c, 30), XF_OK);
	c.extension_days = 30;
	int64_t due;
	assert_true(xf_matter_conclusion_due(&c, &due));
	assert_int_equal(due, day_end(RECEIVED, 90));
	/* a second extension is refused */
	assert_int_equal(xf_matter_can_extend(&c, 5), XF_CONFLICT);
	/* nor after the answer */
	c.extension_days = 0;
	c.answered_ms = RECEIVED + XF_DAY_MS;
	assert_int_equal(xf_matter_can_extend(&c, 5), XF_CONFLICT);
}

static void test_art35_review_requested_within_30_days_of_the_answer(void **state)
{
	(void)state;
	xf_matter_clock c = received();
	int64_t due = 0;
	c.accepted = true;
	c.accepted_ms = RECEIVED;
	/* no answer: nothing to review */
	assert_int_equal(xf_matter_can_request_review(&c, false, false, RECEIVED, &due),
	                 XF_CONFLICT);
	assert_int_equal(due, 0);
	c.answered_ms = RECEIVED + 5 * XF_DAY_MS;
	int64_t window = day_end(c.answered_ms, 30);
	assert_int_equal(xf_matter_can_request_review(&c, false, false, window - 1, &due), XF_OK);
	assert_int_equal(due, window);
	/* at 24:00 of the 30th day the window has closed */
	assert_int_equal(xf_matter_can_request_review(&c, false, false, window, &due), XF_CONFLICT);
	/* a petitioner who declared themselves satisfied asks no review */
	assert_int_equal(xf_matter_can_request_review(&c, false, true, window - 1, &due),
	                 XF_CONFLICT);
	/* once only */
	c.review_requested_ms = window - XF_DAY_MS;
	assert_int_equal(xf_matter_can_request_review(&c, false, false, window - 1, &due),
	                 XF_CONFLICT);
	assert_string_equal(xf_clock_article(XF_CLOCK_REVIEW_REQUEST), "35");
}

static void test_art35_review_answered_within_30_days_of_the_request(void **state)
{
	(void)state;
	xf_matter_clock c = received();
	c.accepted = true;
	c.accepted_ms = RECEIVED;
	c.acceptance_notice_ms = RECEIVED;
	c.answered_ms = RECEIVED + XF_DAY_MS;
	c.review_requested_ms = RECEIVED + 10 * XF_DAY_MS;
	xf_clock_state s = xf_matter_clock_state(&c, XF_CLOCK_REVIEW);
	assert_true(s.running);
	assert_int_equal(s.due_ms, day_end(c.review_requested_ms, 30));
	assert_true(xf_clock_is_duty(XF_CLOCK_REVIEW));
	assert_false(xf_clock_is_duty(XF_CLOCK_REVIEW_REQUEST));
	int64_t due;
	assert_int_equal(xf_matter_next_due(&c, &due), XF_DUE_REVIEW);
	c.reviewed_ms = RECEIVED + 20 * XF_DAY_MS;
	assert_false(xf_matter_clock_state(&c, XF_CLOCK_REVIEW).running);
}

static void test_art36_re_review_requested_and_answered_within_30_days(void **state)
{
	(void)state;
	xf_matter_clock c = received();
	int64_t due = 0;
	c.accepted = true;
	c.accepted_ms = RECEIVED;
	c.acceptance_notice_ms = RECEIVED;
	c.answered_ms = RECEIVED + XF_DAY_MS;
	c.review_requested_ms = RECEIVED + 2 * XF_DAY_MS;
	/* not reviewed yet: no 复核 */
	assert_int_equal(
	    xf_matter_can_request_review(&c, true, false, RECEIVED + 3 * XF_DAY_MS, &due),
	    XF_CONFLICT);
	c.reviewed_ms = RECEIVED + 2 * XF_DAY_MS + HOUR; /* 12-01: the 30th day 12-31 */
	int64_t window = day_end(c.reviewed_ms, 30);
	assert_int_equal(xf_matter_can_request_review(&c, true, false, window - 1, &due), XF_OK);
	assert_int_equal(xf_matter_can_request_review(&c, true, false, window + 1, &due),
	                 XF_CONFLICT);
	c.re_review_requested_ms = RECEIVED + 4 * XF_DAY_MS;
	xf_clock_state s = xf_matter_clock_state(&c, XF_CLOCK_RE_REVIEW);
	assert_int_equal(s.due_ms, day_end(c.re_review_requested_ms, 30));
	assert_string_equal(xf_clock_article(XF_CLOCK_RE_REVIEW), "36");
	c.re_reviewed_ms = RECEIVED + 5 * XF_DAY_MS;
	assert_int_equal(xf_matter_next_due(&c, &due), XF_DUE_NONE);
}

static void test_art203_a_last_day_on_a_holiday_moves_to_the_next_working_day(void **state)
{
	(void)state;
	/* received 2026-12-17 in Beijing: the 15th day is 2027-01-01, a holiday here */
	int32_t day;
	assert_true(xf_day_parse("2026-12-17", &day));
	xf_matter_clock c = {.received_ms = xf_beijing_day_end(day) - HOUR, .cal = &cal};
	int64_t due;
	assert_true(xf_matter_acceptance_due(&c, &due));
	assert_int_equal(due, xf_beijing_day_end(day + 16));
}

static void test_art22_art34_the_soonest_running_duty_is_next(void **state)
{
	(void)state;
	xf_matter_clock c = received();
	int64_t due;
	assert_int_equal(xf_matter_next_due(&c, &due), XF_DUE_ACCEPTANCE);
	assert_string_equal(xf_due_kind_id(XF_DUE_ACCEPTANCE), "acceptance");
	c.accepted = true;
	c.accepted_ms = RECEIVED + XF_DAY_MS;
	c.acceptance_notice_ms = RECEIVED + XF_DAY_MS;
	assert_int_equal(xf_matter_next_due(&c, &due), XF_DUE_CONCLUSION);
	assert_int_equal(due, day_end(RECEIVED, 61));
	c.concluded = true;
	assert_int_equal(xf_matter_next_due(&c, &due), XF_DUE_NONE);
	assert_int_equal(due, 0);
	assert_null(xf_due_kind_id(XF_DUE_NONE));
}

static void test_art22_overdue_from_24_00_of_the_last_day(void **state)
{
	(void)state;
	int64_t due = day_end(RECEIVED, 15);
	assert_false(xf_matter_overdue(due, due - 1));
	assert_true(xf_matter_overdue(due, due));
	assert_int_equal(xf_days_remaining(due, due - 1), 0);
	assert_int_equal(xf_days_remaining(due, due - XF_DAY_MS), 0); /* 00:00 of the last day */
	assert_int_equal(xf_days_remaining(due, due - XF_DAY_MS - 1), 1);
	assert_int_equal(xf_days_remaining(due, due + 1), -1);
	/* soon: due by 24:00 of the 3rd day from today */
	int64_t now = RECEIVED;
	assert_int_equal(xf_matter_due_until(now, true, 3), day_end(now, 3));
	assert_int_equal(xf_matter_due_until(now, false, 3), now);
}

static void test_conclusion_needs_acceptance_outcome_and_answer(void **state)
{
	(void)state;
	xf_matter_clock c = received();
	const char *why;
	assert_int_equal(xf_matter_can_conclude(&c, true, &why), XF_CONFLICT);
	assert_string_equal(why, "not_accepted");
	c.accepted = true;
	c.accepted_ms = RECEIVED;
	assert_int_equal(xf_matter_can_conclude(&c, false, &why), XF_CONFLICT);
	assert_string_equal(why, "no_outcome");
	assert_int_equal(xf_matter_can_conclude(&c, true, &why), XF_CONFLICT);
	assert_string_equal(why, "no_answer");
	c.answered_ms = RECEIVED + XF_DAY_MS;
	assert_int_equal(xf_matter_can_conclude(&c, true, &why), XF_OK);
}

static void test_repeat_contents_are_similar(void **state)
{
	(void)state;
	assert_true(xf_matter_similar("要求补发拖欠的井下津贴", "要求补发拖欠的井下津贴。"));
	assert_true(xf_matter_similar("补发井下津贴", "再次要求补发井下津贴，至今未解决"));
	assert_false(xf_matter_similar("补发井下津贴", "解决住房困难"));
	assert_false(xf_matter_similar("津贴", "补发井下津贴")); /* too short to contain */
	assert_false(xf_matter_similar("", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_art22_acceptance_due_15_days_after_receipt_civil_code),
	    cmocka_unit_test(test_art23_acceptance_clock_stops_only_when_the_notice_is_issued),
	    cmocka_unit_test(test_art34_conclusion_due_60_days_after_acceptance),
	    cmocka_unit_test(test_art34_answer_stops_the_conclusion_clock),
	    cmocka_unit_test(test_art34_extension_once_at_most_30_days),
	    cmocka_unit_test(test_art35_review_requested_within_30_days_of_the_answer),
	    cmocka_unit_test(test_art35_review_answered_within_30_days_of_the_request),
	    cmocka_unit_test(test_art36_re_review_requested_and_answered_within_30_days),
	    cmocka_unit_test(test_art203_a_last_day_on_a_holiday_moves_to_the_next_working_day),
	    cmocka_unit_test(test_art22_art34_the_soonest_running_duty_is_next),
	    cmocka_unit_test(test_art22_overdue_from_24_00_of_the_last_day),
	    cmocka_unit_test(test_conclusion_needs_acceptance_outcome_and_answer),
	    cmocka_unit_test(test_repeat_contents_are_similar),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
