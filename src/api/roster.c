/* The roster resources (docs/roster.md): the staff roster (花名册), the leadership group
 * (领导小组: 组长/副组长/成员, the positions of the plan's organisation), the duty roster
 * (值班表) with "who is on duty now" and "whom to call now", the department contacts
 * (矿长办公室, 保卫科, 工会, 退休支部, ...) and the CSV import of units and staff.
 *
 * Reads need roster.read; changes roster.write (the unit import unit.write). Every change
 * is one audit event with a Chinese "summary", in the transaction of the change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/xf_api.h"
#include "store/xf_store_roster.h"

#define TEXT_MAX    64
#define NOTE_MAX    500
#define DAY_MS      (24LL * 3600 * 1000)
#define SHIFT_MAX   (31 * DAY_MS)  /* one shift: at most a month */
#define RANGE_MAX   (366 * DAY_MS) /* one duty listing: at most a year */
#define CHANGED_MAX 200            /* keys of changed rows kept in an import's event */

/* ---- shared ---- */

/* The following check references inside a transaction: each answers (400 on field, or
 * the store error) and returns false when the object is not there. */
static bool unit_exists(xf_req *req, xf_db *db, const char *field, int64_t id, char *name,
                        size_t name_size)
{
	json_t *unit;
	int rc = xf_store_unit_get(db, id, &unit);
	if (rc == XF_OK) {
		if (name)
			snprintf(name, name_size, "%s",
			         json_string_value(json_object_get(unit, "name")));
		json_decref(unit);
		return true;
	}
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 400, "invalid_field", field, "'%s': there is no unit %lld",
		               field, (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

static bool user_exists(xf_req *req, xf_db *db, const char *field, int64_t id)
{
	xf_user_row row;
	int rc = xf_store_user_by_id(db, id, &row);
	if (rc == XF_OK)
		return true;
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 400, "invalid_field", field, "'%s': there is no user %lld",
		               field, (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

static bool staff_exists(xf_req *req, xf_db *db, const char *field, int64_t id, xf_staff *out)
{
	int rc = xf_store_staff_get(db, id, out);
	if (rc == XF_OK)
		return true;
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 400, "invalid_field", field,
		               "'%s': there is no staff member %lld", field, (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

/* Answers a failed load of the object in the path: 404 naming it, or the store error. */
static void reply_load_error(xf_req *req, xf_db *db, int rc, const char *what, int64_t id)
{
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", NULL, "there is no %s %lld", what,
		               (long long)id);
	else
		xf_api_store_error(req, db, rc);
}

/* Appends the event of a change to object_type id with data (taken) and summary. */
static int audit(xf_req *req, xf_db *db, const char *action, const char *object_type, int64_t id,
                 json_t *data, const char *summary)
{
	xf_actor actor = xf_api_actor(req);
	json_object_set_new(data, "summary", json_string(summary));
	return xf_audit_append(db, &actor, action, object_type, xf_api_id_text(req, id), data);
}

/* A string field that PATCH may set: copies it into dst and notes the change. */
static void take_text(json_t *changes, const char *key, const char *value, char *dst, size_t size)
{
	if (!value || strcmp(dst, value) == 0)
		return;
	snprintf(dst, size, "%s", value);
	json_object_set_new(changes, key, json_string(value));
}

static void take_id(json_t *changes, const char *key, int has, int64_t value, int64_t *dst)
{
	if (has != XF_OK || *dst == value)
		return;
	*dst = value;
	json_object_set_new(changes, key, value ? json_integer(value) : json_null());
}

/* ---- times ---- */

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
	time_t t = (time_t)(ms / 1000) + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	return xf_arena_printf(&req->arena, "%02d-%02d %02d:%02d", tm.tm_mon + 1, tm.tm_mday,
	                       tm.tm_hour, tm.tm_min);
}

/* ---- staff (花名册) ---- */

static void xf_api_staff_list(xf_req *req)
{
	int64_t unit_id, after_id, limit, next;
	const char *q = xf_req_query(req, "q");
	if (!xf_api_query_int(req, "unit_id", 0, INT64_MAX, 0, &unit_id) ||
	    !xf_api_query_int(req, "after_id", 0, INT64_MAX, 0, &after_id) ||
	    !xf_api_query_int(req, "limit", 1, 5000, 500, &limit))
		return;
	if (q && strlen(q) > 4 * TEXT_MAX) {
		xf_reply_error(req, 400, "bad_request", "q", "query parameter 'q' is too long");
		return;
	}
	xf_db *db = xf_db_get();
	json_t *list;
	int rc = xf_store_staff_list(db, unit_id, q ? q : "", after_id, (int)limit, &list, &next);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200,
	              json_pack("{s:o, s:o}", "staff", list, "next_after_id",
	                        next ? json_integer(next) : json_null()));
}

/* Reads the staff fields of a body; for PATCH (create false) all are optional. */
typedef struct staff_fields {
	const char *staff_number, *name, *position, *phone;
	int64_t unit_id, user_id;
	int has_unit, has_user;
} staff_fields;

static bool read_staff_fields(xf_req *req, json_t *body, bool create, staff_fields *f)
{
	static const char *const fields[] = {"staff_number", "name",    "unit_id", "position",
	                                     "phone",        "user_id", NULL};
	xf_field_error err;
	memset(f, 0, sizeof *f);
	if (xf_json_only(body, fields, &err) != XF_OK ||
	    xf_json_string(body, "staff_number", create, 1, 32, &f->staff_number, &err) == XF_ERR ||
	    xf_json_string(body, "name", create, 1, TEXT_MAX, &f->name, &err) == XF_ERR ||
	    (f->has_unit = xf_json_int(body, "unit_id", create, 1, INT64_MAX, &f->unit_id, &err)) ==
	        XF_ERR ||
	    xf_json_string(body, "position", false, 0, TEXT_MAX, &f->position, &err) == XF_ERR ||
	    xf_json_string(body, "phone", false, 0, 32, &f->phone, &err) == XF_ERR ||
	    (f->has_user = xf_json_id_or_null(body, "user_id", false, &f->user_id, &err)) ==
	        XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	const char *why = f->staff_number ? xf_staff_number_problem(f->staff_number) : NULL;
	if (why) {
		xf_reply_error(req, 400, "invalid_field", "staff_number", "'staff_number' %s", why);
		return false;
	}
	return xf_api_phone_ok(req, "phone", f->phone);
}

/* Checks the references of the fields inside the transaction; false when answered. */
static bool staff_refs_ok(xf_req *req, xf_db *db, const staff_fields *f, int64_t self_id,
                          char *unit_name, size_t unit_name_size)
{
	xf_staff other;
	if (f->has_unit == XF_OK &&
	    !unit_exists(req, db, "unit_id", f->unit_id, unit_name, unit_name_size))
		return false;
	if (f->has_user == XF_OK && f->user_id && !user_exists(req, db, "user_id", f->user_id))
		return false;
	if (f->staff_number) {
		int rc = xf_store_staff_by_number(db, f->staff_number, &other);
		if (rc == XF_OK && other.id != self_id) {
			xf_reply_error(req, 409, "conflict", "staff_number",
			               "staff number '%s' belongs to '%s' already", f->staff_number,
			               other.name);
			return false;
		}
		if (rc != XF_OK && rc != XF_NOTFOUND) {
			xf_api_store_error(req, db, rc);
			return false;
		}
	}
	return true;
}

static void reply_user_taken(xf_req *req, int64_t user_id)
{
	xf_reply_error(req, 409, "conflict", "user_id",
	               "user %lld is linked to another staff member already", (long long)user_id);
}

static void reply_staff(xf_req *req, xf_db *db, int64_t id, int status)
{
	xf_staff s;
	int rc = xf_store_staff_get(db, id, &s);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, xf_staff_json(&s));
}

static void xf_api_staff_create(xf_req *req)
{
	staff_fields f;
	json_t *body = xf_req_json(req);
	if (!body || !read_staff_fields(req, body, true, &f))
		return;
	xf_db *db = xf_db_get();
	xf_staff s = {.unit_id = f.unit_id, .user_id = f.user_id};
	snprintf(s.staff_number, sizeof s.staff_number, "%s", f.staff_number);
	snprintf(s.name, sizeof s.name, "%s", f.name);
	snprintf(s.position, sizeof s.position, "%s", f.position ? f.position : "");
	snprintf(s.phone, sizeof s.phone, "%s", f.phone ? f.phone : "");
	if (!xf_api_begin(req, db))
		return;
	if (!staff_refs_ok(req, db, &f, 0, s.unit, sizeof s.unit)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t id;
	int rc = xf_store_staff_insert(db, &s, xf_now_ms(), &id);
	if (rc == XF_CONFLICT) {
		xf_tx_rollback(db);
		reply_user_taken(req, s.user_id);
		return;
	}
	if (rc == XF_OK)
		rc = audit(req, db, "staff.create", "staff", id, json_deep_copy(body),
		           xf_arena_printf(&req->arena, "新增员工「%s」（工号 %s，%s）", s.name,
		                           s.staff_number, s.unit));
	if (xf_api_finish(req, db, rc))
		reply_staff(req, db, id, 201);
}

static void xf_api_staff_update(xf_req *req)
{
	int64_t id;
	staff_fields f;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_req_json(req);
	if (!body || !read_staff_fields(req, body, false, &f))
		return;
	xf_db *db = xf_db_get();
	xf_staff s;
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_staff_get(db, id, &s);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		reply_load_error(req, db, rc, "staff member", id);
		return;
	}
	if (!staff_refs_ok(req, db, &f, id, NULL, 0)) {
		xf_tx_rollback(db);
		return;
	}
	json_t *changes = json_object();
	take_text(changes, "staff_number", f.staff_number, s.staff_number, sizeof s.staff_number);
	take_text(changes, "name", f.name, s.name, sizeof s.name);
	take_text(changes, "position", f.position, s.position, sizeof s.position);
	take_text(changes, "phone", f.phone, s.phone, sizeof s.phone);
	take_id(changes, "unit_id", f.has_unit, f.unit_id, &s.unit_id);
	take_id(changes, "user_id", f.has_user, f.user_id, &s.user_id);
	if (json_object_size(changes) == 0) { /* nothing changes: no event */
		json_decref(changes);
		xf_tx_rollback(db);
		reply_staff(req, db, id, 200);
		return;
	}
	rc = xf_store_staff_save(db, &s, xf_now_ms());
	if (rc == XF_CONFLICT) {
		json_decref(changes);
		xf_tx_rollback(db);
		reply_user_taken(req, s.user_id);
		return;
	}
	if (rc == XF_OK)
		rc = audit(req, db, "staff.update", "staff", id, changes,
		           xf_arena_printf(&req->arena, "修改员工「%s」（工号 %s）", s.name,
		                           s.staff_number));
	else
		json_decref(changes);
	if (xf_api_finish(req, db, rc))
		reply_staff(req, db, id, 200);
}

static void xf_api_staff_delete(xf_req *req)
{
	int64_t id, shifts, seats;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_staff s;
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_staff_get(db, id, &s);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		reply_load_error(req, db, rc, "staff member", id);
		return;
	}
	rc = xf_store_staff_delete(db, id, &shifts, &seats);
	if (rc == XF_CONFLICT) {
		xf_tx_rollback(db);
		xf_reply_error(
		    req, 409, "conflict", NULL,
		    "'%s' has %lld duty shifts and %lld leadership seats; remove them first",
		    s.name, (long long)shifts, (long long)seats);
		return;
	}
	if (rc == XF_OK)
		rc = audit(req, db, "staff.delete", "staff", id,
		           json_pack("{s:s, s:s}", "staff_number", s.staff_number, "name", s.name),
		           xf_arena_printf(&req->arena, "删除员工「%s」（工号 %s）", s.name,
		                           s.staff_number));
	if (xf_api_finish(req, db, rc))
		xf_reply_status(req, 204);
}

/* ---- the leadership group (领导小组) ---- */

/* The plan's leadership positions (organisation.command.positions), or NULL. */
static const json_t *plan_positions(void)
{
	int64_t plan_id;
	const xf_plan *plan = xf_plans_current(&plan_id);
	json_t *org = plan ? json_object_get(plan->doc, "organisation") : NULL;
	return json_object_get(json_object_get(org, "command"), "positions");
}

static bool position_ok(xf_req *req, const char *position)
{
	const json_t *positions = plan_positions();
	size_t i;
	json_t *p;
	if (json_array_size(positions) == 0)
		return true;
	json_array_foreach(positions, i,
	                   p) if (strcmp(json_string_value(p), position) == 0) return true;
	char *list = json_dumps(positions, JSON_COMPACT);
	xf_reply_error(req, 400, "invalid_field", "position",
	               "unknown position '%s' (the plan's positions: %s)", position, list);
	free(list);
	return false;
}

static void xf_api_leadership_list(xf_req *req)
{
	xf_db *db = xf_db_get();
	json_t *list;
	const json_t *positions = plan_positions();
	int rc = xf_store_leader_list(db, positions, 0, xf_now_ms(), &list);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	/* The plan is shared between threads: answer with a copy of its positions. */
	xf_reply_json(req, 200,
	              json_pack("{s:o, s:o}", "leadership", list, "positions",
	                        positions ? json_deep_copy(positions) : json_array()));
}

/* The member's API shape, read inside or after the transaction. */
static int leader_json(xf_db *db, int64_t id, json_t **out)
{
	json_t *list;
	int rc = xf_store_leader_list(db, plan_positions(), id, xf_now_ms(), &list);
	if (rc != XF_OK)
		return rc;
	*out = json_incref(json_array_get(list, 0));
	json_decref(list);
	return XF_OK;
}

static void reply_leader(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *member;
	int rc = leader_json(db, id, &member);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, member);
}

typedef struct leader_fields {
	const char *position, *phone;
	int64_t staff_id, user_id, sort_order;
	int has_staff, has_user, has_sort;
} leader_fields;

static bool read_leader_fields(xf_req *req, json_t *body, bool create, leader_fields *f)
{
	static const char *const fields[] = {"position", "staff_id",   "user_id",
	                                     "phone",    "sort_order", NULL};
	xf_field_error err;
	memset(f, 0, sizeof *f);
	if (xf_json_only(body, fields, &err) != XF_OK ||
	    xf_json_string(body, "position", create, 1, 32, &f->position, &err) == XF_ERR ||
	    (f->has_staff = xf_json_id_or_null(body, "staff_id", false, &f->staff_id, &err)) ==
	        XF_ERR ||
	    (f->has_user = xf_json_id_or_null(body, "user_id", false, &f->user_id, &err)) ==
	        XF_ERR ||
	    xf_json_string(body, "phone", false, 0, 32, &f->phone, &err) == XF_ERR ||
	    (f->has_sort = xf_json_int(body, "sort_order", false, 0, 10000, &f->sort_order,
	                               &err)) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	if (f->position && !position_ok(req, f->position))
		return false;
	return xf_api_phone_ok(req, "phone", f->phone);
}

/* The member's references exist and at least one of staff and user is given. */
static bool leader_refs_ok(xf_req *req, xf_db *db, const xf_leader *l)
{
	xf_staff s;
	if (!l->staff_id && !l->user_id) {
		xf_reply_error(
		    req, 400, "invalid_field", "staff_id",
		    "'staff_id' or 'user_id' is required: a member is a staff member or a "
		    "user");
		return false;
	}
	return (!l->staff_id || staff_exists(req, db, "staff_id", l->staff_id, &s)) &&
	       (!l->user_id || user_exists(req, db, "user_id", l->user_id));
}

static const char *leader_name(xf_req *req, xf_db *db, int64_t id)
{
	json_t *member;
	if (leader_json(db, id, &member) != XF_OK)
		return "";
	const char *name =
	    xf_arena_strdup(&req->arena, json_string_value(json_object_get(member, "name")));
	json_decref(member);
	return name;
}

static void xf_api_leadership_create(xf_req *req)
{
	leader_fields f;
	json_t *body = xf_req_json(req);
	if (!body || !read_leader_fields(req, body, true, &f))
		return;
	xf_leader l = {
	    .staff_id = f.staff_id, .user_id = f.user_id, .sort_order = (int)f.sort_order};
	snprintf(l.position, sizeof l.position, "%s", f.position);
	snprintf(l.phone, sizeof l.phone, "%s", f.phone ? f.phone : "");
	xf_db *db = xf_db_get();
	if (!xf_api_begin(req, db))
		return;
	if (!leader_refs_ok(req, db, &l)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t id;
	int rc = xf_store_leader_insert(db, &l, &id);
	if (rc == XF_OK)
		rc = audit(req, db, "leadership.create", "leadership", id, json_deep_copy(body),
		           xf_arena_printf(&req->arena, "领导小组新增%s「%s」", l.position,
		                           leader_name(req, db, id)));
	if (xf_api_finish(req, db, rc))
		reply_leader(req, db, id, 201);
}

static void xf_api_leadership_update(xf_req *req)
{
	int64_t id;
	leader_fields f;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_req_json(req);
	if (!body || !read_leader_fields(req, body, false, &f))
		return;
	xf_db *db = xf_db_get();
	xf_leader l;
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_leader_get(db, id, &l);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		reply_load_error(req, db, rc, "leadership member", id);
		return;
	}
	json_t *changes = json_object();
	take_text(changes, "position", f.position, l.position, sizeof l.position);
	take_text(changes, "phone", f.phone, l.phone, sizeof l.phone);
	take_id(changes, "staff_id", f.has_staff, f.staff_id, &l.staff_id);
	take_id(changes, "user_id", f.has_user, f.user_id, &l.user_id);
	if (f.has_sort == XF_OK && l.sort_order != f.sort_order) {
		l.sort_order = (int)f.sort_order;
		json_object_set_new(changes, "sort_order", json_integer(f.sort_order));
	}
	if (json_object_size(changes) == 0 || !leader_refs_ok(req, db, &l)) {
		bool unchanged = json_object_size(changes) == 0;
		json_decref(changes);
		xf_tx_rollback(db);
		if (unchanged)
			reply_leader(req, db, id, 200);
		return;
	}
	rc = xf_store_leader_save(db, &l);
	if (rc == XF_OK)
		rc = audit(req, db, "leadership.update", "leadership", id, changes,
		           xf_arena_printf(&req->arena, "修改领导小组%s「%s」", l.position,
		                           leader_name(req, db, id)));
	else
		json_decref(changes);
	if (xf_api_finish(req, db, rc))
		reply_leader(req, db, id, 200);
}

static void xf_api_leadership_delete(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_leader l;
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_leader_get(db, id, &l);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		reply_load_error(req, db, rc, "leadership member", id);
		return;
	}
	const char *name = leader_name(req, db, id);
	rc = xf_store_leader_delete(db, id);
	if (rc == XF_OK)
		rc = audit(req, db, "leadership.delete", "leadership", id,
		           json_pack("{s:s, s:s}", "position", l.position, "name", name),
		           xf_arena_printf(&req->arena, "领导小组移除%s「%s」", l.position, name));
	if (xf_api_finish(req, db, rc))
		xf_reply_status(req, 204);
}

/* ---- the duty roster (值班表) ---- */

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

static void xf_api_duty_list(xf_req *req)
{
	int64_t now = xf_now_ms(), from, to;
	if (!query_time(req, "from", now - DAY_MS, &from) ||
	    !query_time(req, "to", from + 8 * DAY_MS, &to))
		return;
	if (to <= from || to - from > RANGE_MAX) {
		xf_reply_error(req, 400, "bad_request", "to",
		               "'to' must be after 'from' and at most 366 days later");
		return;
	}
	xf_db *db = xf_db_get();
	json_t *list;
	int rc = xf_store_duty_list(db, from, to, 0, now, &list);
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

static void xf_api_duty_now(xf_req *req)
{
	int64_t now = xf_now_ms();
	xf_db *db = xf_db_get();
	json_t *shifts = NULL, *leaders = NULL;
	int rc = xf_tx_begin(db, false);
	if (rc == XF_OK)
		rc = xf_store_duty_list(db, now, now + 1, 0, now, &shifts);
	if (rc == XF_OK)
		rc = xf_store_leader_list(db, plan_positions(), 0, now, &leaders);
	xf_tx_rollback(db);
	if (rc != XF_OK) {
		json_decref(shifts);
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
	json_t *list;
	int rc = xf_store_duty_list(db, 0, 0, id, xf_now_ms(), &list);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, json_incref(json_array_get(list, 0)));
	json_decref(list);
}

static void xf_api_duty_create(xf_req *req)
{
	static const char *const fields[] = {"staff_id", "starts_at", "ends_at", "note", NULL};
	xf_field_error err;
	int64_t staff_id, starts = 0, ends = 0;
	const char *note = "";
	json_t *body = xf_req_json(req);
	if (!body)
		return;
	if (xf_json_only(body, fields, &err) != XF_OK ||
	    xf_json_int(body, "staff_id", true, 1, INT64_MAX, &staff_id, &err) != XF_OK ||
	    xf_json_string(body, "note", false, 0, NOTE_MAX, &note, &err) == XF_ERR) {
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
	if (!staff_exists(req, db, "staff_id", staff_id, &s)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t id;
	int rc = xf_store_duty_insert(db, staff_id, starts, ends, note, xf_now_ms(), &id);
	if (rc == XF_OK)
		rc =
		    audit(req, db, "duty.create", "duty", id, json_deep_copy(body),
		          xf_arena_printf(&req->arena, "排班：%s（%s）%s 至 %s（北京时间）", s.name,
		                          s.unit, beijing(req, starts), beijing(req, ends)));
	if (xf_api_finish(req, db, rc))
		reply_shift(req, db, id, 201);
}

static void xf_api_duty_delete(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	json_t *list;
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_duty_list(db, 0, 0, id, xf_now_ms(), &list);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		reply_load_error(req, db, rc, "duty shift", id);
		return;
	}
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
	if (rc == XF_OK)
		rc = audit(req, db, "duty.delete", "duty", id, data, summary);
	else
		json_decref(data);
	if (xf_api_finish(req, db, rc))
		xf_reply_status(req, 204);
}

/* ---- department contacts (部门联系人) ---- */

static void xf_api_contacts_list(xf_req *req)
{
	xf_db *db = xf_db_get();
	json_t *list;
	int rc = xf_store_contact_list(db, 0, &list);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200, json_pack("{s:o}", "contacts", list));
}

static void reply_contact(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *list;
	int rc = xf_store_contact_list(db, id, &list);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, json_incref(json_array_get(list, 0)));
	json_decref(list);
}

typedef struct contact_fields {
	const char *label, *person, *phone, *note;
	int64_t unit_id;
	int has_unit;
} contact_fields;

static bool read_contact_fields(xf_req *req, json_t *body, bool create, contact_fields *f)
{
	static const char *const fields[] = {"label", "unit_id", "person", "phone", "note", NULL};
	xf_field_error err;
	memset(f, 0, sizeof *f);
	if (xf_json_only(body, fields, &err) != XF_OK ||
	    xf_json_string(body, "label", create, 1, TEXT_MAX, &f->label, &err) == XF_ERR ||
	    (f->has_unit = xf_json_id_or_null(body, "unit_id", false, &f->unit_id, &err)) ==
	        XF_ERR ||
	    xf_json_string(body, "person", false, 0, TEXT_MAX, &f->person, &err) == XF_ERR ||
	    xf_json_string(body, "phone", false, 0, 32, &f->phone, &err) == XF_ERR ||
	    xf_json_string(body, "note", false, 0, NOTE_MAX, &f->note, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	return xf_api_phone_ok(req, "phone", f->phone);
}

static void xf_api_contacts_create(xf_req *req)
{
	contact_fields f;
	json_t *body = xf_req_json(req);
	if (!body || !read_contact_fields(req, body, true, &f))
		return;
	xf_contact c = {.unit_id = f.unit_id};
	snprintf(c.label, sizeof c.label, "%s", f.label);
	snprintf(c.person, sizeof c.person, "%s", f.person ? f.person : "");
	snprintf(c.phone, sizeof c.phone, "%s", f.phone ? f.phone : "");
	snprintf(c.note, sizeof c.note, "%s", f.note ? f.note : "");
	xf_db *db = xf_db_get();
	if (!xf_api_begin(req, db))
		return;
	if (c.unit_id && !unit_exists(req, db, "unit_id", c.unit_id, NULL, 0)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t id;
	int rc = xf_store_contact_insert(db, &c, &id);
	if (rc == XF_OK)
		rc = audit(
		    req, db, "contact.create", "contact", id, json_deep_copy(body),
		    xf_arena_printf(&req->arena, "新增部门联系人「%s」%s", c.label, c.person));
	if (xf_api_finish(req, db, rc))
		reply_contact(req, db, id, 201);
}

static void xf_api_contacts_update(xf_req *req)
{
	int64_t id;
	contact_fields f;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_req_json(req);
	if (!body || !read_contact_fields(req, body, false, &f))
		return;
	xf_db *db = xf_db_get();
	xf_contact c;
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_contact_get(db, id, &c);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		reply_load_error(req, db, rc, "contact", id);
		return;
	}
	if (f.has_unit == XF_OK && f.unit_id &&
	    !unit_exists(req, db, "unit_id", f.unit_id, NULL, 0)) {
		xf_tx_rollback(db);
		return;
	}
	json_t *changes = json_object();
	take_text(changes, "label", f.label, c.label, sizeof c.label);
	take_text(changes, "person", f.person, c.person, sizeof c.person);
	take_text(changes, "phone", f.phone, c.phone, sizeof c.phone);
	take_text(changes, "note", f.note, c.note, sizeof c.note);
	take_id(changes, "unit_id", f.has_unit, f.unit_id, &c.unit_id);
	if (json_object_size(changes) == 0) {
		json_decref(changes);
		xf_tx_rollback(db);
		reply_contact(req, db, id, 200);
		return;
	}
	rc = xf_store_contact_save(db, &c);
	if (rc == XF_OK)
		rc = audit(
		    req, db, "contact.update", "contact", id, changes,
		    xf_arena_printf(&req->arena, "修改部门联系人「%s」%s", c.label, c.person));
	else
		json_decref(changes);
	if (xf_api_finish(req, db, rc))
		reply_contact(req, db, id, 200);
}

static void xf_api_contacts_delete(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_contact c;
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_contact_get(db, id, &c);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		reply_load_error(req, db, rc, "contact", id);
		return;
	}
	rc = xf_store_contact_delete(db, id);
	if (rc == XF_OK)
		rc = audit(
		    req, db, "contact.delete", "contact", id,
		    json_pack("{s:s, s:s, s:s}", "label", c.label, "person", c.person, "phone",
		              c.phone),
		    xf_arena_printf(&req->arena, "删除部门联系人「%s」%s", c.label, c.person));
	if (xf_api_finish(req, db, rc))
		xf_reply_status(req, 204);
}

/* ---- imports ---- */

/* 422 with the report inside the error object: nothing was imported. */
static void reply_invalid_rows(xf_req *req, const xf_import *imp)
{
	json_t *err = xf_import_report_json(imp);
	static const char *const drop[] = {"ok", "created", "updated", "unchanged"};
	for (size_t i = 0; i < XF_ARRAY_LEN(drop); i++)
		json_object_del(err, drop[i]);
	size_t n = xf_csv_problem_count(&imp->problems);
	json_object_set_new(err, "code", json_string("invalid_rows"));
	json_object_set_new(err, "message",
	                    json_string(xf_arena_printf(&req->arena,
	                                                "the file has %zu problem%s; nothing was "
	                                                "imported",
	                                                n, n == 1 ? "" : "s")));
	xf_reply_json(req, 422, json_pack("{s:o}", "error", err));
}

static void import_file(xf_req *req, xf_import_kind kind)
{
	int64_t dry_run;
	if (!xf_api_query_int(req, "dry_run", 0, 1, 0, &dry_run))
		return;
	const char *bytes = req->body.data ? req->body.data : "";
	size_t len = req->body.len;
	xf_db *db = xf_db_get();
	xf_import imp;
	json_t *changed = NULL;
	xf_import_init(&imp, kind);
	int rc = dry_run ? xf_tx_begin(db, false) : xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_import(db, &imp, bytes, len, !dry_run, xf_now_ms(), &changed,
		                     CHANGED_MAX);
	bool clean = xf_csv_problem_count(&imp.problems) == 0;
	if (rc != XF_OK || dry_run || !clean) {
		xf_tx_rollback(db);
		if (rc != XF_OK)
			xf_api_store_error(req, db, rc);
		else if (dry_run)
			xf_reply_json(req, 200, xf_import_report_json(&imp));
		else
			reply_invalid_rows(req, &imp);
		json_decref(changed);
		xf_import_release(&imp);
		return;
	}
	xf_actor actor = xf_api_actor(req);
	rc = xf_store_import_audit(db, &actor, &imp, bytes, len, changed);
	json_decref(changed);
	if (xf_api_finish(req, db, rc))
		xf_reply_json(req, 200, xf_import_report_json(&imp));
	xf_import_release(&imp);
}

static void xf_api_import_units(xf_req *req)
{
	import_file(req, XF_IMPORT_UNITS);
}

static void xf_api_import_staff(xf_req *req)
{
	import_file(req, XF_IMPORT_STAFF);
}

static const xf_route routes[] = {
    {"GET", "/staff", XF_PERM_ROSTER_READ, 0, xf_api_staff_list},
    {"POST", "/staff", XF_PERM_ROSTER_WRITE, 0, xf_api_staff_create},
    {"PATCH", "/staff/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_staff_update},
    {"DELETE", "/staff/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_staff_delete},
    {"GET", "/leadership", XF_PERM_ROSTER_READ, 0, xf_api_leadership_list},
    {"POST", "/leadership", XF_PERM_ROSTER_WRITE, 0, xf_api_leadership_create},
    {"PATCH", "/leadership/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_leadership_update},
    {"DELETE", "/leadership/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_leadership_delete},
    {"GET", "/duty", XF_PERM_ROSTER_READ, 0, xf_api_duty_list},
    {"GET", "/duty/now", XF_PERM_ROSTER_READ, 0, xf_api_duty_now},
    {"POST", "/duty", XF_PERM_ROSTER_WRITE, 0, xf_api_duty_create},
    {"DELETE", "/duty/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_duty_delete},
    {"GET", "/contacts", XF_PERM_ROSTER_READ, 0, xf_api_contacts_list},
    {"POST", "/contacts", XF_PERM_ROSTER_WRITE, 0, xf_api_contacts_create},
    {"PATCH", "/contacts/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_contacts_update},
    {"DELETE", "/contacts/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_contacts_delete},
    {"POST", "/imports/units", XF_PERM_UNIT_WRITE, 0, xf_api_import_units},
    {"POST", "/imports/staff", XF_PERM_ROSTER_WRITE, 0, xf_api_import_staff},
};

const xf_route_list xf_routes_roster = {routes, XF_ARRAY_LEN(routes)};
