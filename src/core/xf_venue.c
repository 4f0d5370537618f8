/* The pure rules of meetings, reply venues and bookings (see xf_venue.h): collision
 * and capacity checks, the offering order of venues, and the time formats. */
#include "core/xf_venue.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/xf_util.h"

const char *const xf_meeting_kind_ids[] = {"leadership", "unit_leaders", NULL};
static const char *const meeting_kind_zh[] = {"信访领导小组会议", "信访人员单位主要领导会议"};

const char *const xf_booking_purpose_ids[] = {"reply", "meeting", "interview", "other", NULL};
static const char *const booking_purpose_zh[] = {"答复", "会议", "谈话", "其他"};

static const char *name_of(const char *const *ids, const char *const *names, const char *id,
                           const char *fallback)
{
	for (size_t i = 0; id && ids[i]; i++)
		if (strcmp(ids[i], id) == 0)
			return names[i];
	return fallback;
}

const char *xf_meeting_kind_zh(const char *kind)
{
	return name_of(xf_meeting_kind_ids, meeting_kind_zh, kind, "会议");
}

const char *xf_booking_purpose_zh(const char *purpose)
{
	return name_of(xf_booking_purpose_ids, booking_purpose_zh, purpose, "其他");
}

bool xf_incident_in_handling(xf_status status)
{
	return status == XF_STATUS_ACTIVATED || status == XF_STATUS_ON_SITE ||
	       status == XF_STATUS_REPLYING || status == XF_STATUS_RESOLVING;
}

bool xf_interval_overlaps(int64_t a_start, int64_t a_end, int64_t b_start, int64_t b_end)
{
	return a_start < b_end && b_start < a_end;
}

bool xf_venue_fits(int capacity, int headcount)
{
	return headcount >= 1 && headcount <= capacity;
}

const char *xf_booking_times_problem(int64_t starts_ms, int64_t ends_ms)
{
	if (ends_ms <= starts_ms)
		return "'ends_at' must be after 'starts_at'";
	if (ends_ms - starts_ms > XF_BOOKING_MAX_MS)
		return "a booking lasts at most 7 days";
	return NULL;
}

static int compare_keys(const void *pa, const void *pb)
{
	const xf_venue_key *a = pa, *b = pb;
	bool a_plan = a->plan_index >= 0, b_plan = b->plan_index >= 0;
	if (a_plan != b_plan)
		return a_plan ? -1 : 1;
	if (a_plan && a->plan_index != b->plan_index)
		return a->plan_index < b->plan_index ? -1 : 1;
	if (a->capacity != b->capacity)
		return a->capacity < b->capacity ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

void xf_venue_sort(xf_venue_key *keys, size_t n)
{
	if (n > 1)
		qsort(keys, n, sizeof *keys, compare_keys);
}

/* Reads exactly n digits at *p into *out, advancing *p. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to the given proleptic Gregorian date. */
static int64_t days_since_epoch(int y, int m, int d)
{
	static const int before_month[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	int64_t days = 0;
	for (int year = 1970; year < y; year++)
		days += leap_year(year) ? 366 : 365;
	days += before_month[m - 1] + (m > 2 && leap_year(y)) + (d - 1);
	return days;
}

int xf_iso_time_parse(const char *text, int64_t *ms)
{
	static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const char *p = text;
	int y, mo, d, h, mi, s = 0, frac_ms = 0;
	if (!p || !digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
		return XF_ERR;
	p++;
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
		return XF_ERR;
	if (*p == ':') {
		p++;
		if (!digits(&p, 2, &s))
			return XF_ERR;
		if (*p == '.' || *p == ',') {
			p++;
			int n = 0, scale = 100;
			for (; *p >= '0' && *p <= '9'; p++, n++) {
				if (n >= 9)
					return XF_ERR;
				frac_ms += (*p - '0') * scale;
				scale /= 10;
			}
			if (n == 0)
				return XF_ERR;
		}
	}
	int offset_min = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;
		if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om) || oh > 23 || om > 59)
			return XF_ERR;
		offset_min = sign * (oh * 60 + om);
	} else {
		return XF_ERR; /* no zone */
	}
	if (*p)
		return XF_ERR;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59)
		return XF_ERR;
	if (d > month_days[mo - 1] + (mo == 2 && leap_year(y)))
		return XF_ERR;
	int64_t secs =
	    days_since_epoch(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - (int64_t)offset_min * 60;
	if (secs < 0)
		return XF_ERR;
	*ms = secs * 1000 + frac_ms;
	return XF_OK;
}

void xf_local_time_format(int64_t ms, char out[XF_LOCAL_TIME_LEN])
{
	time_t secs = (time_t)(ms / 1000) + XF_CST_OFFSET_S;
	struct tm tm;
	gmtime_r(&secs, &tm);
	if (strftime(out, XF_LOCAL_TIME_LEN, "%Y-%m-%d %H:%M", &tm) == 0)
		out[0] = '\0';
}

size_t xf_utf8_prefix(const char *s, size_t max_chars)
{
	size_t i = 0, chars = 0;
	while (s[i]) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (chars == max_chars)
				break;
			chars++;
		}
		i++;
	}
	return i;
}
