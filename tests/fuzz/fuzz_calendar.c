/* libFuzzer harness for the holiday calendar file (core/xf_calendar.h): any bytes go
 * through xf_calendar_parse. A calendar it accepts must keep what the clocks of
 * 《信访工作条例》 rely on: a period's end lies after its start and never before a
 * shorter period's end, it is 24:00 Beijing time, and a number of working days ends
 * (a week with no working day is refused). A refusal names its problem.
 * Seeds: tests/fuzz/seeds/fuzz_calendar/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	xf_calendar cal;
	char error[200] = "";
	if (!xf_calendar_parse(text, &cal, error, sizeof error)) {
		if (error[0] == '\0')
			abort();
		free(text);
		return 0;
	}
	int32_t day;
	if (!xf_day_parse("2026-12-06", &day))
		abort();
	int64_t start = xf_beijing_day_end(day) - 3600 * 1000; /* 23:00 Beijing */
	int64_t previous = start;
	for (int days = 1; days <= 40; days++) {
		int64_t end = xf_period_end(&cal, start, days);
		if (end <= start || end < previous || (end + XF_BEIJING_OFFSET_MS) % 86400000 != 0)
			abort();
		previous = end;
	}
	if (xf_working_days_end(&cal, start, 5) <= start)
		abort();
	xf_calendar_free(&cal);
	free(text);
	return 0;
}
