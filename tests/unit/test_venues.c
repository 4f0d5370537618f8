/* Unit tests of the venue, booking and meeting rules (core/xf_venue.h): collisions of
 * half-open booking intervals, capacity, booking durations, the order venues are
 * offered in, which incident statuses allow meetings, ISO time parsing, the
 * Asia/Shanghai display time and UTF-8-safe shortening. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_venue.h"
#include "util/xf_util.h"

#define H (60 * 60 * 1000LL)

static void test_overlap(void **state)
{
	/* [10, 12) against others. */
	assert_true(xf_interval_overlaps(10 * H, 12 * H, 11 * H, 13 * H));         /* tail */
	assert_true(xf_interval_overlaps(10 * H, 12 * H, 9 * H, 11 * H));          /* head */
	assert_true(xf_interval_overlaps(10 * H, 12 * H, 10 * H, 12 * H));         /* same */
	assert_true(xf_interval_overlaps(10 * H, 12 * H, 10 * H + 1, 10 * H + 2)); /* inside */
	assert_true(xf_interval_overlaps(10 * H, 12 * H, 8 * H, 14 * H));          /* around */
	assert_false(xf_interval_overlaps(10 * H, 12 * H, 12 * H, 14 * H));    /* adjacent after */
	assert_false(xf_interval_overlaps(10 * H, 12 * H, 8 * H, 10 * H));     /* adjacent before */
	assert_false(xf_interval_overlaps(10 * H, 12 * H, 13 * H, 14 * H));    /* apart */
	assert_true(xf_interval_overlaps(10 * H, 12 * H, 12 * H - 1, 14 * H)); /* one ms */
	/* Symmetric. */
	for (int64_t a = 0; a < 6; a++)
		for (int64_t b = a + 1; b < 7; b++)
			for (int64_t c = 0; c < 6; c++)
				for (int64_t d = c + 1; d < 7; d++)
					assert_int_equal(xf_interval_overlaps(a, b, c, d),
					                 xf_interval_overlaps(c, d, a, b));
}

static void test_capacity(void **state)
{
	assert_true(xf_venue_fits(40, 40));
	assert_true(xf_venue_fits(40, 1));
	assert_false(xf_venue_fits(40, 41));
	assert_false(xf_venue_fits(40, 50));
	assert_false(xf_venue_fits(40, 0));
	assert_true(xf_venue_fits(80, 50));
}

static void test_booking_times(void **state)
{
	assert_null(xf_booking_times_problem(10 * H, 12 * H));
	assert_non_null(xf_booking_times_problem(12 * H, 12 * H));
	assert_non_null(xf_booking_times_problem(12 * H, 10 * H));
	assert_null(xf_booking_times_problem(0, XF_BOOKING_MAX_MS));
	assert_non_null(xf_booking_times_problem(0, XF_BOOKING_MAX_MS + 1));
}

static void test_handling_statuses(void **state)
{
	bool want[XF_STATUS_COUNT] = {
	    [XF_STATUS_ACTIVATED] = true,
	    [XF_STATUS_ON_SITE] = true,
	    [XF_STATUS_REPLYING] = true,
	    [XF_STATUS_RESOLVING] = true,
	};
	for (int s = 0; s < XF_STATUS_COUNT; s++)
		if (xf_incident_in_handling((xf_status)s) != want[s])
			fail_msg("status %s: expected %s", xf_status_ids[s],
			         want[s] ? "handling" : "not");
}

static void test_venue_order(void **state)
{
	xf_venue_key keys[] = {
	    {.plan_index = -1, .capacity = 30, .id = 5, .at = 0},
	    {.plan_index = 1, .capacity = 40, .id = 2, .at = 1},
	    {.plan_index = -1, .capacity = 200, .id = 3, .at = 2},
	    {.plan_index = 0, .capacity = 80, .id = 1, .at = 3},
	    {.plan_index = -1, .capacity = 30, .id = 4, .at = 4},
	};
	xf_venue_sort(keys, 5);
	/* The plan's venues in the plan's order, then by capacity, then by id. */
	const int64_t want[] = {1, 2, 4, 5, 3};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(keys[i].id, want[i]);
	assert_int_equal(keys[0].at, 3);
	xf_venue_sort(keys, 0); /* no venues: nothing to do */
}

static void test_meeting_kinds(void **state)
{
	assert_string_equal(xf_meeting_kind_zh("leadership"), "信访领导小组会议");
	assert_string_equal(xf_meeting_kind_zh("unit_leaders"), "信访人员单位主要领导会议");
	assert_string_equal(xf_meeting_kind_zh("other"), "会议");
	assert_string_equal(xf_booking_purpose_zh("reply"), "答复");
	assert_null(xf_meeting_kind_ids[2]);
}

static void test_time_parse(void **state)
{
	int64_t ms;
	assert_int_equal(xf_iso_time_parse("1970-01-01T00:00:00Z", &ms), XF_OK);
	assert_int_equal(ms, 0);
	assert_int_equal(xf_iso_time_parse("2026-11-28T23:10:29.123Z", &ms), XF_OK);
	assert_int_equal(ms, 1795907429123LL);
	/* The same instant in Beijing time, without seconds. */
	assert_int_equal(xf_iso_time_parse("2026-11-29T07:10+08:00", &ms), XF_OK);
	assert_int_equal(ms, 1795907400000LL);
	assert_int_equal(xf_iso_time_parse("2026-11-28T18:10:29-05:00", &ms), XF_OK);
	assert_int_equal(ms, 1795907429000LL);
	/* Fractions: one digit is tenths; more than milliseconds are dropped. */
	assert_int_equal(xf_iso_time_parse("2026-11-28T23:10:29.5Z", &ms), XF_OK);
	assert_int_equal(ms % 1000, 500);
	assert_int_equal(xf_iso_time_parse("2026-11-28T23:10:29.123456789Z", &ms), XF_OK);
	assert_int_equal(ms % 1000, 123);
	/* Leap days. */
	assert_int_equal(xf_iso_time_parse("2028-02-29T00:00:00Z", &ms), XF_OK);
	assert_int_equal(xf_iso_time_parse("2000-02-29T00:00:00Z", &ms), XF_OK);
	assert_int_equal(xf_iso_time_parse("2027-02-29T00:00:00Z", &ms), XF_ERR);
	assert_int_equal(xf_iso_time_parse("2100-02-29T00:00:00Z", &ms), XF_ERR);
	/* Round trip through the server's own format. */
	char text[XF_TIME_LEN];
	xf_time_format(1795907429123LL, text);
	assert_int_equal(xf_iso_time_parse(text, &ms), XF_OK);
	assert_int_equal(ms, 1795907429123LL);

	static const char *const bad[] = {
	    "",
	    "2026-11-28",
	    "2026-11-28T23:10:29", /* no zone */
	    "2026-11-28T23:10Z junk",
	    "2026-13-01T00:00Z",
	    "2026-11-31T00:00Z",
	    "2026-11-28T24:00Z",
	    "2026-11-28T23:60Z",
	    "2026-11-28T23:10:60Z",
	    "2026-11-28T23:10:29.Z",
	    "2026-11-28T23:10:29.1234567890Z",
	    "2026-11-28T23:10+0800",
	    "2026-11-28T23:10+24:00",
	    "1969-12-31T23:59:59Z",
	    "1970-01-01T00:00:00+00:01", /* before the epoch */
	    "26-11-28T23:10Z",
	    "2026/11/28T23:10Z",
	    "２０２６-11-28T23:10Z",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (xf_iso_time_parse(bad[i], &ms) != XF_ERR)
			fail_msg("'%s' should be refused", bad[i]);
	assert_int_equal(xf_iso_time_parse(NULL, &ms), XF_ERR);
}

static void test_local_time(void **state)
{
	char out[XF_LOCAL_TIME_LEN];
	xf_local_time_format(1795907429123LL, out); /* 2026-11-28T23:10:29Z */
	assert_string_equal(out, "2026-11-29 07:10");
	xf_local_time_format(0, out);
	assert_string_equal(out, "1970-01-01 08:00");
}

static void test_utf8_prefix(void **state)
{
	assert_int_equal(xf_utf8_prefix("abc", 2), 2);
	assert_int_equal(xf_utf8_prefix("abc", 5), 3);
	assert_int_equal(xf_utf8_prefix("", 3), 0);
	/* Three bytes per character: never cut inside one. */
	assert_int_equal(xf_utf8_prefix("会议纪要", 2), 6);
	assert_int_equal(xf_utf8_prefix("会议纪要", 0), 0);
	assert_int_equal(xf_utf8_prefix("a会b", 2), 4);
	assert_int_equal(xf_utf8_prefix("会议纪要", 4), strlen("会议纪要"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_overlap),       cmocka_unit_test(test_capacity),
	    cmocka_unit_test(test_booking_times), cmocka_unit_test(test_handling_statuses),
	    cmocka_unit_test(test_venue_order),   cmocka_unit_test(test_meeting_kinds),
	    cmocka_unit_test(test_time_parse),    cmocka_unit_test(test_local_time),
	    cmocka_unit_test(test_utf8_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
