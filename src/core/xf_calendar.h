/* Counting days as the Civil Code does (《民法典》 Art. 200-204, ../shared/LAW.md
 * "Counting days"), for the clocks of 《信访工作条例》 (core/xf_matter.h):
 * - a period of n days starts counting the day after the day it starts (Art. 201);
 * - it ends at 24:00 Beijing time (UTC+8, no daylight saving) of its last day
 *   (Art. 203 ¶2);
 * - a last day that is a rest day (法定休假日: a statutory holiday, or a weekly rest day
 *   that is not a make-up working day, 调休) moves to the first working day after it
 *   (Art. 203 ¶1);
 * - working days (Art. 23's "5个工作日") are the days that are not rest days.
 * Which days are holidays and make-up working days is set each year by the State
 * Council: it is data, a calendar file (plans/calendar-cn.json, or the file
 * XINFANG_CALENDAR names) that the administrator updates every year; every due date
 * says the calendar's name. Pure apart from loading that file once. */
#ifndef XF_CALENDAR_H
#define XF_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Beijing time is UTC+8. */
#define XF_BEIJING_OFFSET_MS (8 * 3600 * 1000LL)

typedef struct xf_calendar {
	char name[64];
	/* days since 1970-01-01 (Beijing dates), sorted */
	int32_t *holidays, *workdays;
	size_t n_holidays, n_workdays;
	/* the weekly rest days, bit d for weekday d (0 Sunday .. 6 Saturday) */
	unsigned rest_weekdays;
	/* the years the file covers (first..last); outside them only weekly rest days */
	int first_year, last_year;
} xf_calendar;

/* Reads a calendar from JSON text:
 * {"name": "...", "rest_weekdays": [6, 0] (default Saturday and Sunday),
 *  "years": {"2026": {"holidays": ["2026-01-01", ...], "workdays": ["2026-01-04"]}}}.
 * false with a message in error when it cannot be read. */
bool xf_calendar_parse(const char *text, xf_calendar *out, char *error, size_t error_size);
void xf_calendar_free(xf_calendar *cal);
/* The calendar of the process: XINFANG_CALENDAR, else calendar-cn.json beside the
 * default plan; loaded once. A file that cannot be read gives a calendar named
 * "weekends-only (calendar file missing)" with no holidays, and a line in the log. */
const xf_calendar *xf_calendar_default(void);

/* The Beijing date of ms, as days since 1970-01-01. */
int32_t xf_beijing_day(int64_t ms);
/* 24:00 Beijing time of day (the first instant after it). */
int64_t xf_beijing_day_end(int32_t day);
/* "YYYY-MM-DD" <-> day; false when text is not a date. */
bool xf_day_parse(const char *text, int32_t *day);
void xf_day_format(int32_t day, char out[11]);

bool xf_calendar_rest_day(const xf_calendar *cal, int32_t day);
/* Art. 201, 203: the end (24:00 of the last day, moved past rest days) of a period of
 * days calendar days starting at start_ms. */
int64_t xf_period_end(const xf_calendar *cal, int64_t start_ms, int days);
/* The end of days working days starting at start_ms (the start day not counted). */
int64_t xf_working_days_end(const xf_calendar *cal, int64_t start_ms, int days);
/* Whole days left until a period ending at due_ms: its last day minus today (Beijing);
 * 0 on the last day, negative once past. */
int xf_days_remaining(int64_t due_ms, int64_t now_ms);

#endif
