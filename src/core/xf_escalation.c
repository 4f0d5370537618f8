/* The escalation decision and quiet hours (see xf_escalation.h): arithmetic only, so
 * that tests/unit/test_escalation.c can drive every case with made-up times. */
#include "core/xf_escalation.h"

#define MINUTE_OF_DAY_MS 60000LL
#define DAY_MS           86400000LL
#define BEIJING_OFFSET   (8 * 3600000LL)

xf_escalation_step xf_escalation_decide(const xf_escalation_state *s, int64_t now_ms,
                                        int64_t *next_ms)
{
	if (next_ms)
		*next_ms = 0;
	if (s->acknowledged)
		return XF_ESCALATION_ACKNOWLEDGED;
	if (!s->open)
		return XF_ESCALATION_RESOLVED;
	if (s->level >= s->n_levels)
		return XF_ESCALATION_EXHAUSTED;
	int64_t minute = s->minute_ms > 0 ? s->minute_ms : MINUTE_OF_DAY_MS;
	int64_t due = s->level_ms + (int64_t)s->wait_minutes[s->level] * minute;
	if (now_ms >= due)
		return XF_ESCALATION_CLIMB;
	if (next_ms)
		*next_ms = due;
	return XF_ESCALATION_WAIT;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int xf_beijing_minute(int64_t ms)
{
	int64_t local = ms + BEIJING_OFFSET;
	int64_t in_day = local - floor_div(local, DAY_MS) * DAY_MS;
	return (int)(in_day / MINUTE_OF_DAY_MS);
}

int64_t xf_quiet_hours_end(int64_t ms, int from_min, int to_min)
{
	if (from_min == to_min || from_min < 0 || to_min < 0 || from_min > 1439 || to_min > 1439)
		return 0;
	int minute = xf_beijing_minute(ms);
	bool inside = from_min < to_min ? minute >= from_min && minute < to_min
	                                : minute >= from_min || minute < to_min;
	if (!inside)
		return 0;
	int64_t local = ms + BEIJING_OFFSET;
	int64_t day_start = floor_div(local, DAY_MS) * DAY_MS; /* local midnight, local ms */
	int64_t end = day_start + (int64_t)to_min * MINUTE_OF_DAY_MS;
	if (end <= local)
		end += DAY_MS;
	return end - BEIJING_OFFSET;
}
