/* The duty roster (值班表, docs/roster.md): shifts of staff members between two times
 * with their zone, "who is on duty now" and "whom to call now" (who is on duty, then the
 * leadership group in the plan's order). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/xf_roster.h"

#define SHIFT_MAX (31 * XF_DAY_MS)  /* one shift: at most a month */
#define RANGE_MAX (366 * XF_DAY_MS) /* one duty listing: at most a year */

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

/* Parses "2026-11-28T08:00:00.000Z", "2026-11-28T16:00+08:00" and the like (seconds
 * and milliseconds optional, a zone required: Z or ±HH:MM). A space may stand for the
 * 'T', and for the '+' of a zone (a '+' left unencoded in a query string). */
static bool parse_time(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec = 0, frac = 0, zh = 0, zm = 0, sign = 1;
	if (strlen(s) < 17 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi))
		return false;
	const char *p = s + 16;
	if (*p == ':') {
		if (!digits(p + 1, 2, &sec))
			return false;
		p += 3;
		if (*p == '.') {
			if (!digits(p + 1, 3, &frac))
				return false;
			p += 4;
		}
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == ' ' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (!digits(p + 1, 2, &zh) || p[3] != ':' || !digits(p + 4, 2, &zm))
			return false;
		p += 6;
	} else {
		return false;
	}
	static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (*p || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 59 || zh > 14 || zm > 59)
		return false;
	int64_t seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	                  sign * (zh * 3600 + zm * 60);
	*ms = seconds * 1000 + frac;
	return true;
}

/* Reads an optional time field of the body; answers 400 and returns false when bad. */
static bool time_field(xf_req *req, json_t *body, const char *key, bool required, int64_t *ms)
{
	xf_field_error err;
	const char *s;
	int rc = xf_json_string(body, key, required, 1, 40, &s, &err);
	if (rc == XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	if (rc == XF_NOTFOUND)
		return true;
	if (!parse_time(s, ms)) {
		xf_reply_error(
		    req, 400, "invalid_field", key,
		    "'%s' must be a time with its zone, e.g. '2026-11-28T08:00:00+08:00' "
		    "or '2026-11-28T00:00:00.000Z'",
		    key);
		return false;
	}
	return true;
}

/* "11-28 08:00" in Beijing time, for summaries people read. */
static const char *beijing(xf_req *req, int64_t ms)
{
	time_t t = (time_t)(ms / 1000) + XF_CST_OFFSET_S;
	struct tm tm;
	gmtime_r(&t, &tm);
	return xf_arena_printf(&req->arena, "%02d-%02d %02d:%02d", tm.tm_mon + 1, tm.tm_mday,
	                       tm.tm_hour, tm.tm_min);
}

/* Reads an optional time from the query string; answers 400 and returns false when bad. */
static bool query_time(xf_req *req, const char *key, int64_t fallback, int64_t *ms)
{
	const char *s = xf_req_query(req, key);
	*ms = fallback;
	if (!s)
		return true;
	if (parse_time(s, ms))
		return true;
	xf_reply_error(req, 400, "bad_request", key,
	               "query parameter '%s' must be a time with its zone, e.g. "
	               "'2026-11-28T00:00:00.000Z'",
	               key);
	return false;
}

void xf_api_duty_list(xf_req *req)
{
	int64_t now = xf_now_ms(), from, to;
	if (!query_time(req, "from", now - XF_DAY_MS, &from) ||
	    !query_time(req, "to", from + 8 * XF_DAY_MS, &to))
		return;
	if (to <= from || to - from > RANGE_MAX) {
		xf_reply_error(req, 400, "bad_request", "to",
		               "'to' must be after 'from' and at most 366 days later");
		return;
	}
	xf_db *db = xf_db_get();
	json_t *list;
	int rc = xf_store_duty_list(db, from, to, 0, now, &list);
	if (rc == XF_OK)
		rc = xf_api_keep_mine_rows(req, db, list, "unit_id"); /* per mine (api/mines.c) */
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	char f[XF_TIME_LEN], t[XF_TIME_LEN];
	xf_time_format(from, f);
	xf_time_format(to, t);
	xf_reply_json(req, 200, json_pack("{s:s, s:s, s:o}", "from", f, "to", t, "shifts", list));
}

/* Adds one entry to the "call now" list unless the same name and phone are there. */
static void add_call(json_t *call, const char *name, const char *phone, const char *reason,
                     bool on_duty)
{
	size_t i;
	json_t *c;
	json_array_foreach(
	    call, i,
	    c) if (strcmp(json_string_value(json_object_get(c, "name")), name) == 0 &&
	           strcmp(json_string_value(json_object_get(c, "phone")), phone) == 0) return;
	json_array_append_new(call, json_pack("{s:s, s:s, s:s, s:b}", "name", name, "phone", phone,
	                                      "reason", reason, "on_duty", on_duty));
}

void xf_api_duty_now(xf_req *req)
{
	int64_t now = xf_now_ms();
	xf_db *db = xf_db_get();
	json_t *shifts = NULL, *leaders = NULL;
	int rc = xf_tx_begin(db, false);
	if (rc == XF_OK)
		rc = xf_store_duty_list(db, now, now + 1, 0, now, &shifts);
	if (rc == XF_OK)
		rc = xf_store_leader_list(db, xf_roster_plan_positions(), 0, now, &leaders);
	if (rc == XF_OK)
		rc = xf_api_keep_mine_rows(req, db, shifts, "unit_id"); /* per mine (api/mines.c) */
	if (rc == XF_OK)
		rc = xf_api_keep_mine_rows(req, db, leaders, NULL);
	xf_tx_rollback(db);
	if (rc != XF_OK) {
		json_decref(shifts);
		json_decref(leaders);
		xf_api_store_error(req, db, rc);
		return;
	}
	/* Whom to call now: who is on duty, then the leadership group in the plan's order. */
	json_t *call = json_array(), *x;
	size_t i;
	json_array_foreach(shifts, i, x)
	    add_call(call, json_string_value(json_object_get(x, "name")),
	             json_string_value(json_object_get(x, "phone")),
	             xf_arena_printf(&req->arena, "值班（%s）",
	                             json_string_value(json_object_get(x, "unit"))),
	             true);
	json_array_foreach(leaders, i, x)
	    add_call(call, json_string_value(json_object_get(x, "name")),
	             json_string_value(json_object_get(x, "phone")),
	             xf_arena_printf(&req->arena, "领导小组%s",
	                             json_string_value(json_object_get(x, "position"))),
	             json_is_true(json_object_get(x, "on_duty")));
	json_decref(leaders);
	char t[XF_TIME_LEN];
	xf_time_format(now, t);
	xf_reply_json(req, 200,
	              json_pack("{s:s, s:o, s:o}", "now", t, "on_duty", shifts, "call", call));
}

static void reply_shift(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *list = NULL;
	int rc = xf_store_duty_list(db, 0, 0, id, xf_now_ms(), &list);
	xf_roster_reply_row(req, db, rc, list, status);
}

void xf_api_duty_create(xf_req *req)
{
	static const char *const fields[] = {"staff_id", "starts_at", "ends_at", "note", NULL};
	xf_field_error err;
	int64_t staff_id, starts = 0, ends = 0;
	const char *note = "";
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	if (xf_json_int(body, "staff_id", true, 1, INT64_MAX, &staff_id, &err) != XF_OK ||
	    xf_json_string(body, "note", false, 0, XF_ROSTER_NOTE_MAX, &note, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!time_field(req, body, "starts_at", true, &starts) ||
	    !time_field(req, body, "ends_at", true, &ends))
		return;
	if (ends <= starts || ends - starts > SHIFT_MAX) {
		xf_reply_error(req, 400, "invalid_field", "ends_at",
		               "'ends_at' must be after 'starts_at' and at most 31 days later");
		return;
	}
	xf_db *db = xf_db_get();
	xf_staff s;
	if (!xf_api_begin(req, db))
		return;
	if (!xf_roster_staff_exists(req, db, "staff_id", staff_id, &s)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t id;
	int rc = xf_store_duty_insert(db, staff_id, starts, ends, note, xf_now_ms(), &id);
	if (rc == XF_OK)
		rc = xf_roster_audit(
		    req, db, "duty.create", "duty", id, json_deep_copy(body),
		    xf_arena_printf(&req->arena, "排班：%s（%s）%s 至 %s（北京时间）", s.name,
		                    s.unit, beijing(req, starts), beijing(req, ends)));
	if (xf_api_finish(req, db, rc))
		reply_shift(req, db, id, 201);
}

void xf_api_duty_delete(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	json_t *list;
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_duty_list(db, 0, 0, id, xf_now_ms(), &list);
	if (!xf_roster_loaded(req, db, rc, "duty shift", id))
		return;
	json_t *shift = json_array_get(list, 0);
	const char *name = json_string_value(json_object_get(shift, "name"));
	int64_t starts = 0, ends = 0;
	parse_time(json_string_value(json_object_get(shift, "starts_at")), &starts);
	parse_time(json_string_value(json_object_get(shift, "ends_at")), &ends);
	const char *summary = xf_arena_printf(&req->arena, "删除排班：%s %s 至 %s（北京时间）",
	                                      name, beijing(req, starts), beijing(req, ends));
	json_t *data =
	    json_pack("{s:O, s:s, s:O, s:O}", "staff_id", json_object_get(shift, "staff_id"),
	              "name", name, "starts_at", json_object_get(shift, "starts_at"), "ends_at",
	              json_object_get(shift, "ends_at"));
	json_decref(list);
	rc = xf_store_duty_delete(db, id);
	rc = xf_roster_audit_after(req, db, rc, "duty.delete", "duty", id, data, summary);
	if (xf_api_finish(req, db, rc))
		xf_reply_status(req, 204);
}
