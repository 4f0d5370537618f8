/* Civil Code day counting and the holiday calendar: see xf_calendar.h. */
#include "core/xf_calendar.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xf_util.h"

/* Days from civil date (Howard Hinnant's days_from_civil). */
static int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

int32_t xf_beijing_day(int64_t ms)
{
	int64_t t = ms + XF_BEIJING_OFFSET_MS;
	int64_t d = t / XF_DAY_MS;
	if (t % XF_DAY_MS < 0)
		d--;
	return (int32_t)d;
}

int64_t xf_beijing_day_end(int32_t day)
{
	return ((int64_t)day + 1) * XF_DAY_MS - XF_BEIJING_OFFSET_MS;
}

bool xf_day_parse(const char *text, int32_t *day)
{
	int y, m, d;
	char tail;
	if (!text || sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return false;
	int32_t z = days_from_civil(y, m, d);
	int y2, m2, d2;
	civil_from_days(z, &y2, &m2, &d2);
	if (y2 != y || m2 != m || d2 != d)
		return false;
	*day = z;
	return true;
}

void xf_day_format(int32_t day, char out[11])
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	char text[32];
	snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
	memcpy(out, text, 10);
	out[10] = '\0';
}

static int cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return x < y ? -1 : x > y;
}

static bool has_day(const int32_t *days, size_t n, int32_t day)
{
	return n && bsearch(&day, days, n, sizeof *days, cmp_day) != NULL;
}

/* Appends the dates of list (an array of "YYYY-MM-DD") to *days. */
static bool read_days(json_t *list, int32_t **days, size_t *n, size_t *alloc, char *error,
                      size_t error_size)
{
	if (!list)
		return true;
	if (!json_is_array(list)) {
		snprintf(error, error_size, "'holidays' and 'workdays' must be lists of dates");
		return false;
	}
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		int32_t day;
		if (!xf_day_parse(json_string_value(v), &day)) {
			snprintf(error, error_size, "'%s' is not a date (YYYY-MM-DD)",
			         json_is_string(v) ? json_string_value(v) : "?");
			return false;
		}
		XF_GROW(*days, *n + 1, *alloc);
		(*days)[(*n)++] = day;
	}
	return true;
}

bool xf_calendar_parse(const char *text, xf_calendar *out, char *error, size_t error_size)
{
	memset(out, 0, sizeof *out);
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);
	if (!json_is_object(root)) {
		snprintf(error, error_size, "calendar is not a JSON object (line %d)", jerr.line);
		json_decref(root);
		return false;
	}
	const char *name = json_string_value(json_object_get(root, "name"));
	snprintf(out->name, sizeof out->name, "%s", name ? name : "calendar");
	json_t *rest = json_object_get(root, "rest_weekdays");
	if (rest) {
		size_t i;
		json_t *v;
		if (!json_is_array(rest)) {
			snprintf(error, error_size,
			         "'rest_weekdays' must be a list of weekdays 0-6");
			json_decref(root);
			return false;
		}
		json_array_foreach(rest, i, v)
		{
			json_int_t d = json_is_integer(v) ? json_integer_value(v) : -1;
			if (d < 0 || d > 6) {
				snprintf(
				    error, error_size,
				    "'rest_weekdays[%zu]' must be a weekday from 0 (Sunday) to 6",
				    i);
				json_decref(root);
				return false;
			}
			out->rest_weekdays |= 1u << d;
		}
		/* A week without a working day would leave working-day periods no end. */
		if (out->rest_weekdays == 0x7fu) {
			snprintf(error, error_size,
			         "'rest_weekdays' leaves no working day in a week");
			json_decref(root);
			return false;
		}
	} else {
		out->rest_weekdays = (1u << 0) | (1u << 6);
	}
	size_t ah = 0, aw = 0;
	bool ok = true;
	const char *year;
	json_t *y;
	out->first_year = 0;
	json_object_foreach(json_object_get(root, "years"), year, y)
	{
		int yr = atoi(year);
		if (!out->first_year || yr < out->first_year)
			out->first_year = yr;
		if (yr > out->last_year)
			out->last_year = yr;
		ok = ok &&
		     read_days(json_object_get(y, "holidays"), &out->holidays, &out->n_holidays,
		               &ah, error, error_size) &&
		     read_days(json_object_get(y, "workdays"), &out->workdays, &out->n_workdays,
		               &aw, error, error_size);
	}
	json_decref(root);
	if (!ok) {
		xf_calendar_free(out);
		return false;
	}
	if (out->n_holidays)
		qsort(out->holidays, out->n_holidays, sizeof *out->holidays, cmp_day);
	if (out->n_workdays)
		qsort(out->workdays, out->n_workdays, sizeof *out->workdays, cmp_day);
	return true;
}

void xf_calendar_free(xf_calendar *cal)
{
	free(cal->holidays);
	free(cal->workdays);
	cal->holidays = cal->workdays = NULL;
	cal->n_holidays = cal->n_workdays = 0;
}

static xf_calendar process_calendar;
static pthread_once_t process_once = PTHREAD_ONCE_INIT;

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t n = 0, alloc = 0, got;
	char chunk[4096];
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		XF_GROW(buf, n + got + 1, alloc);
		memcpy(buf + n, chunk, got);
		n += got;
	}
	fclose(f);
	if (!buf)
		buf = xf_strdup("");
	else
		buf[n] = '\0';
	return buf;
}

static void load_default(void)
{
	const char *path = getenv("XINFANG_CALENDAR");
	char beside[4096];
	if (!path || !*path) {
#ifdef XF_DEFAULT_PLAN
		snprintf(beside, sizeof beside, "%s", XF_DEFAULT_PLAN);
		char *slash = strrchr(beside, '/');
		if (slash)
			snprintf(slash + 1, sizeof beside - (size_t)(slash + 1 - beside), "%s",
			         "calendar-cn.json");
		path = beside;
#else
		path = "plans/calendar-cn.json";
#endif
	}
	char *text = read_text(path);
	char error[200] = "cannot read the file";
	if (!text || !xf_calendar_parse(text, &process_calendar, error, sizeof error)) {
		xf_log("calendar '%s': %s; counting weekends only", path, error);
		memset(&process_calendar, 0, sizeof process_calendar);
		snprintf(process_calendar.name, sizeof process_calendar.name, "%s",
		         "weekends-only (calendar file missing)");
		process_calendar.rest_weekdays = (1u << 0) | (1u << 6);
	}
	free(text);
}

const xf_calendar *xf_calendar_default(void)
{
	pthread_once(&process_once, load_default);
	return &process_calendar;
}

bool xf_calendar_rest_day(const xf_calendar *cal, int32_t day)
{
	if (has_day(cal->holidays, cal->n_holidays, day))
		return true;
	if (has_day(cal->workdays, cal->n_workdays, day))
		return false;
	/* 1970-01-01 was a Thursday (4) */
	int weekday = (int)(((day % 7) + 7 + 4) % 7);
	return (cal->rest_weekdays >> weekday) & 1u;
}

int64_t xf_period_end(const xf_calendar *cal, int64_t start_ms, int days)
{
	int32_t last = xf_beijing_day(start_ms) + days;
	/* a rest day at the end moves the end past it (at most a few weeks) */
	for (int i = 0; i < 60 && xf_calendar_rest_day(cal, last); i++)
		last++;
	return xf_beijing_day_end(last);
}

int64_t xf_working_days_end(const xf_calendar *cal, int64_t start_ms, int days)
{
	int32_t day = xf_beijing_day(start_ms);
	for (int counted = 0; counted < days;) {
		day++;
		if (!xf_calendar_rest_day(cal, day))
			counted++;
	}
	return xf_beijing_day_end(day);
}

int xf_days_remaining(int64_t due_ms, int64_t now_ms)
{
	return (int)(xf_beijing_day(due_ms - 1) - xf_beijing_day(now_ms));
}
