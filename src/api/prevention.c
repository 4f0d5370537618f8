/* Prevention between incidents (issue 14 items 1-4, docs/prevention.md): screening
 * campaigns (排查走访) and each unit's report, the register of grievances and unstable
 * factors (/risks) with its progress and 包保 assignments, early warnings (预警) and the
 * one click that turns one into an incident with advance information, and care
 * schedules for vulnerable groups (五4) with their 帮扶 visits.
 *
 * Who may do what is decided here, from the roles (every route only needs a session):
 * the petition office and administrators run campaigns and see everything; leaders, the
 * company and auditors read everything; a unit head reports for their own unit and sees
 * and keeps the entries of their unit's subtree; a responsible official sees the entries
 * and schedules they are responsible for. The rules themselves are core's
 * (core/xf_plan_prevention.h); a person's file is read only through the person-file rules
 * (xf_store_person_visible). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/xf_api.h"
#include "api/xf_incidents.h"
#include "api/xf_jobs.h"
#include "core/xf_plan_prevention.h"
#include "store/xf_store_bus.h"
#include "store/xf_store_prevention.h"

#define DAY_MS (86400000LL)
/* Asia/Shanghai, where the dates people pick are days. */
#define SHANGHAI_MS (8 * 3600 * 1000LL)

static const char *const campaign_kinds[] = {"monthly", "sensitive_date", "ad_hoc", NULL};
static const char *const risk_statuses[] = {"open", "resolving", "closed", NULL};
static const char *const risk_trends[] = {"rising", "stable", "falling", NULL};

/* ---- who may ---- */

#define R(role) (1u << (role))

static bool is_office(const xf_req *req)
{
	return req->user.roles & (R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_ADMIN));
}

static bool reads_all(const xf_req *req)
{
	return is_office(req) ||
	       (req->user.roles & (R(XF_ROLE_LEADER) | R(XF_ROLE_COMPANY) | R(XF_ROLE_AUDITOR)));
}

static bool is_unit_head(const xf_req *req)
{
	return req->user.roles & R(XF_ROLE_UNIT_HEAD);
}

static bool is_official(const xf_req *req)
{
	return req->user.roles & R(XF_ROLE_OFFICIAL);
}

static void forbidden(xf_req *req)
{
	xf_reply_error(req, 403, "forbidden", NULL, "your roles do not allow this");
}

/* The unit subtree the user reads (0: all); false, having answered 403, when none. */
static bool read_scope(xf_req *req, int64_t *unit_id, int64_t *official_id)
{
	*unit_id = 0;
	*official_id = 0;
	if (reads_all(req))
		return true;
	if (is_unit_head(req)) {
		*unit_id = req->user.unit_id;
		return true;
	}
	if (is_official(req)) {
		*official_id = req->user.id;
		return true;
	}
	forbidden(req);
	return false;
}

/* Whether the user keeps unit_id: the office, or the head of a unit above or at it. */
static int keeps_unit(xf_req *req, xf_db *db, int64_t unit_id, bool *ok)
{
	*ok = is_office(req);
	if (*ok || !is_unit_head(req))
		return XF_OK;
	int rc = xf_store_unit_within(db, unit_id, req->user.unit_id);
	*ok = rc == XF_OK;
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

/* The body of a request the user makes when allowed (xf_api_body); NULL after answering,
 * 403 when not allowed. */
static json_t *allowed_body(xf_req *req, bool allowed, const char *const *fields)
{
	if (!allowed) {
		forbidden(req);
		return NULL;
	}
	return xf_api_body(req, fields);
}

/* Whether the user reads a row of unit_id whose official is official_id. */
static int reads_row(xf_req *req, xf_db *db, int64_t unit_id, int64_t official_id, bool *ok)
{
	*ok = reads_all(req) || (official_id && official_id == req->user.id);
	if (*ok || !is_unit_head(req))
		return XF_OK;
	int rc = xf_store_unit_within(db, unit_id, req->user.unit_id);
	*ok = rc == XF_OK;
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

/* A GET of one row the store loaded with rc: true when the user may read it (reads_row),
 * else false after answering (404 for a row the user may not see, as for none). */
static bool readable(xf_req *req, xf_db *db, int rc, int64_t unit_id, int64_t official_id,
                     const char *what, int64_t id)
{
	bool ok;
	if (rc == XF_OK)
		rc = reads_row(req, db, unit_id, official_id, &ok);
	if (rc == XF_OK && !ok)
		rc = XF_NOTFOUND;
	return xf_api_loaded(req, db, rc, what, id);
}

static const xf_plan *current_plan(xf_req *req)
{
	int64_t plan_id;
	return xf_plans_for_mine(xf_db_get(), req->user.mine_id, &plan_id);
}

/* Today as days since the epoch, in Asia/Shanghai. */
static long today_days(int64_t now_ms)
{
	return (long)((now_ms + SHANGHAI_MS) / DAY_MS);
}

/* An optional 'YYYY-MM-DD' field: XF_OK with *out, XF_NOTFOUND when absent (*cleared
 * when null), XF_ERR after answering 400. */
static int read_date(xf_req *req, json_t *body, const char *field, const char **out, bool *cleared)
{
	json_t *v = json_object_get(body, field);
	long days;
	*out = NULL;
	if (cleared)
		*cleared = v && json_is_null(v);
	if (!v || json_is_null(v))
		return XF_NOTFOUND;
	if (!json_is_string(v) || !xf_date_days(json_string_value(v), &days)) {
		xf_reply_error(req, 400, "invalid_field", field,
		               "'%s' must be a date such as 2026-12-31", field);
		return XF_ERR;
	}
	*out = json_string_value(v);
	return XF_OK;
}

static void event(xf_req *req, xf_db *db, int *rc, const char *action, const char *type, int64_t id,
                  json_t *data)
{
	if (*rc != XF_OK) {
		json_decref(data);
		return;
	}
	xf_actor actor = xf_api_actor(req);
	*rc = xf_audit_append(db, &actor, action, type, xf_api_id_text(req, id), data);
}

/* ---- screening ---- */

static void reply_campaign(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *c;
	int rc = xf_store_campaign_json(db, id, xf_now_ms(), &c);
	if (!xf_api_loaded(req, db, rc, "screening campaign", id))
		return;
	xf_reply_json(req, status, c);
}

static void campaigns_list(xf_req *req)
{
	int64_t unit_id, official_id;
	if (!read_scope(req, &unit_id, &official_id))
		return;
	if (official_id) {
		xf_reply_json(req, 200, json_pack("{s:[]}", "campaigns"));
		return;
	}
	json_t *list;
	xf_db *db = xf_db_get();
	int rc = xf_store_campaign_list(db, unit_id, xf_now_ms(), &list);
	xf_api_reply_list(req, db, rc, "campaigns", list);
}

static void campaigns_create(xf_req *req)
{
	static const char *const fields[] = {"title",    "kind",  "period_from", "period_to",
	                                     "due_date", "units", "note",        NULL};
	json_t *body = allowed_body(req, is_office(req), fields);
	if (!body)
		return;
	xf_field_error err;
	const char *title, *kind, *note = "", *from, *to, *due = NULL;
	if (xf_json_string(body, "title", true, 1, 200, &title, &err) != XF_OK ||
	    xf_json_choice(body, "kind", true, campaign_kinds, &kind, &err) != XF_OK ||
	    xf_json_string(body, "note", false, 0, XF_API_TEXT_MAX, &note, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	int64_t now = xf_now_ms();
	xf_prevention p;
	xf_prevention_of(current_plan(req), &p);
	int from_rc = read_date(req, body, "period_from", &from, NULL);
	if (from_rc == XF_ERR)
		return;
	int to_rc = read_date(req, body, "period_to", &to, NULL);
	if (to_rc == XF_ERR || read_date(req, body, "due_date", &due, NULL) == XF_ERR)
		return;
	if (from_rc == XF_NOTFOUND || to_rc == XF_NOTFOUND) {
		const char *missing = from_rc == XF_NOTFOUND ? "period_from" : "period_to";
		xf_reply_error(req, 400, "invalid_field", missing, "'%s' is required", missing);
		return;
	}
	long from_days, to_days, due_days;
	xf_date_days(from, &from_days);
	xf_date_days(to, &to_days);
	if (to_days < from_days) {
		xf_reply_error(req, 400, "invalid_field", "period_to",
		               "'period_to' is before 'period_from'");
		return;
	}
	char due_text[40];
	if (due)
		xf_date_days(due, &due_days);
	else {
		/* the plan's days after today */
		due_days = today_days(now) + p.due_days;
		time_t secs = (time_t)due_days * 86400;
		struct tm tm;
		gmtime_r(&secs, &tm);
		snprintf(due_text, sizeof due_text, "%04d-%02d-%02d", tm.tm_year + 1900,
		         tm.tm_mon + 1, tm.tm_mday);
		due = due_text;
	}
	/* due at the end of the due day, Asia/Shanghai */
	int64_t due_ms = (int64_t)(due_days + 1) * DAY_MS - SHANGHAI_MS;
	xf_db *db = xf_db_get();
	int64_t *units;
	size_t n_units;
	if (!xf_api_begin(req, db))
		return;
	if (!xf_incident_read_units(req, db, body, &units, &n_units)) {
		xf_tx_rollback(db);
		return;
	}
	if (n_units == 0) {
		xf_tx_rollback(db);
		xf_reply_error(req, 400, "invalid_field", "units",
		               "'units' must name at least one unit");
		return;
	}
	json_t *checklist = json_array();
	for (size_t i = 0; i < p.n_checklist; i++)
		json_array_append_new(checklist, json_string(p.checklist[i]));
	char *checklist_text = json_dumps(checklist, JSON_COMPACT);
	json_decref(checklist);
	xf_campaign_in in = {.title = title,
	                     .kind = kind,
	                     .period_from = from,
	                     .period_to = to,
	                     .due_date = due,
	                     .note = note,
	                     .checklist_json = checklist_text,
	                     .due_ms = due_ms,
	                     .created_by = req->user.id,
	                     .now_ms = now,
	                     .units = units,
	                     .n_units = n_units};
	int64_t id = 0;
	int rc = xf_store_campaign_insert(db, &in, &id);
	free(checklist_text);
	event(req, db, &rc, "screening.campaign", "screening_campaign", id,
	      json_pack("{s:s, s:s, s:I}", "summary",
	                xf_arena_printf(&req->arena, "排查走访：%s（截止 %s）", title, due), "kind",
	                kind, "units", (json_int_t)n_units));
	if (!xf_api_finish(req, db, rc))
		return;
	reply_campaign(req, db, id, 201);
}

static void campaigns_get(xf_req *req)
{
	int64_t id, unit_id, official_id;
	if (!xf_api_path_id(req, "id", &id) || !read_scope(req, &unit_id, &official_id))
		return;
	xf_db *db = xf_db_get();
	json_t *c;
	int rc = xf_store_campaign_json(db, id, xf_now_ms(), &c);
	if (!xf_api_loaded(req, db, rc, "screening campaign", id))
		return;
	if (!reads_all(req)) {
		/* a unit head sees the reports and findings of their subtree only */
		json_t *lists[2] = {json_object_get(c, "reports"), json_object_get(c, "findings")};
		for (int k = 0; k < 2; k++)
			for (size_t i = json_array_size(lists[k]); i > 0; i--) {
				int64_t u = json_integer_value(
				    json_object_get(json_array_get(lists[k], i - 1), "unit_id"));
				if (official_id || xf_store_unit_within(db, u, unit_id) != XF_OK)
					json_array_remove(lists[k], i - 1);
			}
	}
	xf_reply_json(req, 200, c);
}

/* Whether the user reports for unit_id: its head, or a unit head of that unit. */
static int reports_for(xf_req *req, xf_db *db, int64_t unit_id, bool *ok)
{
	*ok = is_unit_head(req) && req->user.unit_id == unit_id;
	if (*ok)
		return XF_OK;
	json_t *unit;
	int rc = xf_store_unit_get(db, unit_id, &unit);
	if (rc == XF_OK) {
		*ok = json_integer_value(json_object_get(unit, "head_user_id")) == req->user.id;
		json_decref(unit);
	}
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

/* POST /screening/campaigns/{id}/reports {"unit_id", "nil": true | "findings": [{"text",
 * "headcount"}], "note"}: a unit's nil return (零报告) or its findings. */
static void reports_create(xf_req *req)
{
	static const char *const fields[] = {"unit_id", "nil", "findings", "note", NULL};
	int64_t id, unit_id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	xf_field_error err;
	bool nil = false;
	const char *note = NULL;
	json_t *findings;
	if (xf_json_int(body, "unit_id", true, 1, INT64_MAX, &unit_id, &err) != XF_OK ||
	    xf_json_bool(body, "nil", false, &nil, &err) == XF_ERR ||
	    xf_json_string(body, "note", false, 0, XF_API_TEXT_MAX, &note, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!xf_api_array(req, body, "findings", 50,
	                  xf_req_message(req, "'findings' must be an array of at most 50 findings"),
	                  &findings))
		return;
	size_t n = json_array_size(findings);
	if (nil == (n > 0)) {
		xf_reply_error(req, 400, "invalid_field", "findings",
		               "report either 'nil': true or at least one finding, not both");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *f = json_array_get(findings, i);
		const char *text;
		int64_t headcount = 0;
		if (!json_is_object(f) ||
		    xf_json_string(f, "text", true, 1, XF_API_TEXT_MAX, &text, &err) != XF_OK ||
		    xf_json_int(f, "headcount", false, 1, 100000, &headcount, &err) == XF_ERR) {
			xf_reply_error(
			    req, 400, "invalid_field", "findings",
			    "'findings[%zu]' must be {\"text\": \"...\", \"headcount\": n}", i);
			return;
		}
	}
	xf_db *db = xf_db_get();
	if (!xf_api_begin(req, db))
		return;
	bool ok;
	char status[16];
	int rc = reports_for(req, db, unit_id, &ok);
	if (rc == XF_OK && !ok) {
		xf_tx_rollback(db);
		xf_reply_error(req, 403, "forbidden", "unit_id",
		               "only the head of unit %lld reports for it", (long long)unit_id);
		return;
	}
	if (rc == XF_OK)
		rc = xf_store_screening_status(db, id, unit_id, status, sizeof status);
	if (rc == XF_NOTFOUND) {
		xf_tx_rollback(db);
		xf_reply_error(req, 404, "not_found", "unit_id",
		               "screening campaign %lld was not sent to unit %lld", (long long)id,
		               (long long)unit_id);
		return;
	}
	if (rc == XF_OK && nil && strcmp(status, "findings") == 0) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", "nil",
		               "the unit has reported findings; a nil return no longer applies");
		return;
	}
	int64_t now = xf_now_ms();
	if (rc == XF_OK)
		rc = xf_store_screening_report(db, id, unit_id, nil ? "nil" : "findings", note,
		                               req->user.id, now);
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		json_t *f = json_array_get(findings, i);
		int64_t fid;
		json_t *hc = json_object_get(f, "headcount");
		rc = xf_store_screening_finding_insert(
		    db, id, unit_id, json_string_value(json_object_get(f, "text")),
		    hc ? json_integer_value(hc) : 0, req->user.id, now, &fid);
	}
	event(req, db, &rc, nil ? "screening.nil_return" : "screening.findings",
	      "screening_campaign", id,
	      json_pack("{s:I, s:I, s:s}", "unit_id", (json_int_t)unit_id, "findings",
	                (json_int_t)n, "summary",
	                nil ? "零报告" : xf_arena_printf(&req->arena, "排查发现 %zu 项", n)));
	if (!xf_api_finish(req, db, rc))
		return;
	reply_campaign(req, db, id, 201);
}

/* ---- the register ---- */

/* Suggests the level of an entry from the plan's rules and its facts. */
static int suggest(xf_req *req, xf_db *db, const xf_prevention *p, int64_t headcount,
                   const int64_t *persons, size_t n_persons, const char *deadline,
                   const char **level, char *basis, size_t size)
{
	int64_t now = xf_now_ms(), visits = 0;
	int rc = xf_store_person_visits(db, persons, n_persons, now - 365 * DAY_MS, &visits);
	if (rc != XF_OK)
		return rc;
	long d = -1, days;
	if (deadline && xf_date_days(deadline, &days) && days >= today_days(now))
		d = days - today_days(now);
	xf_risk_facts f = {
	    .headcount = (int)headcount, .visits = (int)visits, .deadline_days = (int)d};
	*level = xf_risk_suggest(p, &f, basis, size);
	return XF_OK;
}

static int scan_warnings(xf_db *db, const xf_actor *actor, const xf_prevention *p, unsigned rules,
                         int *raised);

static void risk_warning(xf_req *req, xf_db *db, int *rc, const xf_prevention *p, int64_t id,
                         const char *old_level, const char *new_level)
{
	if (*rc != XF_OK || !xf_warning_risk_high(p, old_level, new_level))
		return;
	xf_risk_row r;
	if ((*rc = xf_store_risk_get(db, id, &r)) != XF_OK)
		return;
	int64_t now = xf_now_ms(), wid;
	xf_warning_in w = {
	    .rule = "risk_high",
	    .dedup_key =
	        xf_arena_printf(&req->arena, "risk_high:%lld:%lld", (long long)id, (long long)now),
	    .text = xf_arena_printf(&req->arena, "台账事项「%s」风险升为高", r.title),
	    .risk_id = id,
	    .unit_id = r.unit_id,
	    .headcount = r.headcount,
	    .now_ms = now};
	*rc = xf_store_warning_insert(db, &w, &wid);
	if (wid)
		event(req, db, rc, "warning.raise", "warning", wid,
		      json_pack("{s:s, s:s, s:I}", "summary", w.text, "rule", w.rule, "risk_id",
		                (json_int_t)id));
}

/* Reads the person ids of "persons" (each a file the user may see); false after
 * answering. */
static bool read_persons(xf_req *req, xf_db *db, json_t *body, int64_t **ids, size_t *n)
{
	json_t *list;
	*ids = NULL;
	*n = 0;
	if (!xf_api_array(
	        req, body, "persons", 64,
	        xf_req_message(req, "'persons' must be an array of at most 64 person ids"), &list))
		return false;
	if (!list)
		return true;
	*ids = xf_arena_alloc(&req->arena, (json_array_size(list) + 1) * sizeof **ids);
	xf_viewer viewer = xf_api_viewer(req);
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item)
	{
		if (!json_is_integer(item) || json_integer_value(item) < 1 ||
		    xf_store_person_visible(db, &viewer, json_integer_value(item)) != XF_OK) {
			xf_reply_error(req, 400, "invalid_field", "persons",
			               "'persons[%zu]' is not a person file you may see", i);
			return false;
		}
		(*ids)[(*n)++] = json_integer_value(item);
	}
	return true;
}

typedef struct risk_form {
	xf_risk_in in;
	const char *basis_given; /* the basis written for an override */
	bool level_given;
} risk_form;

static bool read_risk(xf_req *req, json_t *body, bool create, risk_form *f)
{
	xf_field_error err;
	int64_t v;
	xf_risk_in *in = &f->in;
	memset(f, 0, sizeof *f);
	in->headcount = in->leader_id = in->official_id = -1;
	if (xf_json_string(body, "title", create, 1, 200, &in->title, &err) == XF_ERR ||
	    (create && !in->title) ||
	    xf_json_string(body, "description", false, 0, XF_API_TEXT_MAX, &in->description,
	                   &err) == XF_ERR ||
	    xf_json_string(body, "category", false, 0, 64, &in->category, &err) == XF_ERR ||
	    xf_json_choice(body, "risk_level", false, xf_risk_level_ids, &in->risk_level, &err) ==
	        XF_ERR ||
	    xf_json_string(body, "level_basis", false, 0, 1000, &f->basis_given, &err) == XF_ERR ||
	    xf_json_string(body, "resolution_plan", false, 0, XF_API_TEXT_MAX, &in->resolution_plan,
	                   &err) == XF_ERR ||
	    xf_json_choice(body, "status", false, risk_statuses, &in->status, &err) == XF_ERR ||
	    xf_json_choice(body, "trend", false, risk_trends, &in->trend, &err) == XF_ERR ||
	    xf_json_string(body, "outcome", false, 1, XF_API_TEXT_MAX, &in->outcome, &err) ==
	        XF_ERR) {
		if (create && !in->title && !err.field[0])
			xf_field_error_set(&err, "title", "'%s' is required", "title");
		xf_reply_field_error(req, &err);
		return false;
	}
	f->level_given = in->risk_level != NULL;
	if (json_object_get(body, "headcount")) {
		if (xf_json_id_or_null(body, "headcount", false, &v, &err) == XF_ERR) {
			xf_reply_field_error(req, &err);
			return false;
		}
		in->headcount = v;
	}
	if (json_object_get(body, "leader_id")) {
		if (xf_json_id_or_null(body, "leader_id", false, &v, &err) == XF_ERR) {
			xf_reply_field_error(req, &err);
			return false;
		}
		in->leader_id = v;
	}
	if (json_object_get(body, "official_id")) {
		if (xf_json_id_or_null(body, "official_id", false, &v, &err) == XF_ERR) {
			xf_reply_field_error(req, &err);
			return false;
		}
		in->official_id = v;
	}
	if (read_date(req, body, "deadline_date", &in->deadline_date, &in->clear_deadline) ==
	        XF_ERR ||
	    read_date(req, body, "expected_visit_date", &in->expected_visit_date,
	              &in->clear_expected) == XF_ERR)
		return false;
	if (in->status && strcmp(in->status, "closed") == 0 && !in->outcome) {
		xf_reply_error(req, 400, "invalid_field", "outcome",
		               "an entry is closed with its 'outcome'");
		return false;
	}
	return true;
}

/* Checks the users a form names; false after answering. */
static bool users_ok(xf_req *req, xf_db *db, const xf_risk_in *in)
{
	return (in->leader_id <= 0 ||
	        xf_api_user_exists(req, db, "leader_id", in->leader_id, NULL)) &&
	       (in->official_id <= 0 ||
	        xf_api_user_exists(req, db, "official_id", in->official_id, NULL));
}

/* 包保 outside an incident: an assignment of each person to the entry's official. */
static int assign_persons(xf_req *req, xf_db *db, int64_t risk_id, int64_t official_id,
                          const int64_t *persons, size_t n)
{
	xf_user_row official;
	int rc = xf_store_user_by_id(db, official_id, &official);
	if (rc != XF_OK || !(official.user.roles & R(XF_ROLE_OFFICIAL)))
		return rc == XF_NOTFOUND ? XF_OK : rc;
	const xf_plan *plan = current_plan(req);
	int interval = plan ? plan->followup_interval_days : 7;
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		int64_t aid;
		rc = xf_store_assignment_insert(db, persons[i], 0, official_id, interval,
		                                xf_now_ms(), &aid);
		if (rc == XF_OK)
			rc = xf_store_assignment_set_risk(db, aid, risk_id);
	}
	return rc;
}

/* Creates an entry in the open transaction; *id on XF_OK. */
static int create_risk(xf_req *req, xf_db *db, risk_form *f, const int64_t *persons,
                       size_t n_persons, int64_t *id)
{
	xf_prevention p;
	xf_prevention_of(current_plan(req), &p);
	char basis[512];
	const char *suggested;
	xf_risk_in *in = &f->in;
	int rc = suggest(req, db, &p, in->headcount > 0 ? in->headcount : 0, persons, n_persons,
	                 in->deadline_date, &suggested, basis, sizeof basis);
	if (rc != XF_OK)
		return rc;
	in->suggested_level = suggested;
	if (!in->risk_level)
		in->risk_level = suggested;
	in->level_basis = strcmp(in->risk_level, suggested) == 0 && !f->basis_given
	                      ? xf_arena_strdup(&req->arena, basis)
	                      : f->basis_given;
	int64_t now = xf_now_ms();
	rc = xf_store_risk_insert(db, in, req->user.id, now, id);
	for (size_t i = 0; rc == XF_OK && i < n_persons; i++)
		rc = xf_store_risk_person_add(db, *id, persons[i]);
	if (rc == XF_OK && in->official_id > 0 && n_persons)
		rc = assign_persons(req, db, *id, in->official_id, persons, n_persons);
	event(req, db, &rc, "risk.create", "risk", *id,
	      json_pack("{s:s, s:s, s:s, s:I}", "summary",
	                xf_arena_printf(&req->arena, "登记台账：%s", in->title), "risk_level",
	                in->risk_level, "suggested_level", suggested, "unit_id",
	                (json_int_t)in->unit_id));
	risk_warning(req, db, &rc, &p, *id, "low", in->risk_level);
	if (rc == XF_OK) { /* a planned visit near */
		xf_actor actor = xf_api_actor(req);
		int raised = 0;
		rc = scan_warnings(db, &actor, &p, XF_WARN_PLANNED, &raised);
	}
	return rc;
}

static bool override_basis_ok(xf_req *req, const risk_form *f, const char *suggested)
{
	if (f->level_given && suggested && strcmp(f->in.risk_level, suggested) != 0 &&
	    !f->basis_given) {
		xf_reply_error(req, 400, "invalid_field", "level_basis",
		               "a level other than the suggested '%s' needs its 'level_basis'",
		               suggested);
		return false;
	}
	return true;
}

static void reply_risk(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *r;
	int rc = xf_store_risk_json(db, id, &r);
	if (!xf_api_loaded(req, db, rc, "register entry", id))
		return;
	/* people only through the person-file rules */
	xf_viewer viewer = xf_api_viewer(req);
	json_t *persons = json_object_get(r, "persons");
	for (size_t i = json_array_size(persons); i > 0; i--)
		if (xf_store_person_visible(db, &viewer,
		                            json_integer_value(json_object_get(
		                                json_array_get(persons, i - 1), "id"))) != XF_OK)
			json_array_remove(persons, i - 1);
	xf_reply_json(req, status, r);
}

static void risks_create(xf_req *req)
{
	static const char *const fields[] = {"title",
	                                     "description",
	                                     "unit_id",
	                                     "category",
	                                     "headcount",
	                                     "risk_level",
	                                     "level_basis",
	                                     "persons",
	                                     "leader_id",
	                                     "official_id",
	                                     "resolution_plan",
	                                     "deadline_date",
	                                     "expected_visit_date",
	                                     "trend",
	                                     NULL};
	json_t *body = allowed_body(req, is_office(req) || is_unit_head(req), fields);
	if (!body)
		return;
	risk_form f;
	xf_field_error err;
	if (!read_risk(req, body, true, &f))
		return;
	if (xf_json_int(body, "unit_id", true, 1, INT64_MAX, &f.in.unit_id, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	int64_t *persons, id = 0;
	size_t n_persons;
	bool ok;
	if (!xf_api_begin(req, db))
		return;
	if (!xf_api_unit_exists(req, db, "unit_id", f.in.unit_id, NULL, 0) ||
	    !read_persons(req, db, body, &persons, &n_persons) || !users_ok(req, db, &f.in)) {
		xf_tx_rollback(db);
		return;
	}
	int rc = keeps_unit(req, db, f.in.unit_id, &ok);
	if (rc == XF_OK && !ok) {
		xf_tx_rollback(db);
		forbidden(req);
		return;
	}
	if (rc == XF_OK && f.level_given) {
		/* an override of the suggestion is written with its basis */
		xf_prevention p;
		char basis[512];
		const char *suggested;
		xf_prevention_of(current_plan(req), &p);
		rc = suggest(req, db, &p, f.in.headcount > 0 ? f.in.headcount : 0, persons,
		             n_persons, f.in.deadline_date, &suggested, basis, sizeof basis);
		if (rc == XF_OK && !override_basis_ok(req, &f, suggested)) {
			xf_tx_rollback(db);
			return;
		}
	}
	if (rc == XF_OK)
		rc = create_risk(req, db, &f, persons, n_persons, &id);
	if (!xf_api_finish(req, db, rc))
		return;
	reply_risk(req, db, id, 201);
}

/* POST /screening/findings/{id}/risk: the finding becomes an entry of the register. */
static void finding_to_risk(xf_req *req)
{
	static const char *const fields[] = {"title", "risk_level", "level_basis", NULL};
	int64_t fid, id = 0;
	json_t *body = xf_api_path_body(req, fields, &fid);
	if (!body)
		return;
	risk_form f;
	if (!read_risk(req, body, false, &f))
		return;
	xf_db *db = xf_db_get();
	xf_screening_finding_row finding;
	bool ok;
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_screening_finding_get(db, fid, &finding);
	if (rc == XF_OK)
		rc = keeps_unit(req, db, finding.unit_id, &ok);
	if (rc == XF_OK && !ok) {
		xf_tx_rollback(db);
		forbidden(req);
		return;
	}
	if (rc == XF_OK && finding.risk_id) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL,
		               "finding %lld is already register entry %lld", (long long)fid,
		               (long long)finding.risk_id);
		return;
	}
	if (rc == XF_NOTFOUND) {
		xf_tx_rollback(db);
		xf_api_loaded(req, db, rc, "finding", fid);
		return;
	}
	if (rc == XF_OK) {
		if (!f.in.title) {
			/* the first line of the finding, cut to the title's length */
			char title[200];
			size_t cut = strnlen(finding.text, sizeof title - 1);
			while (cut && finding.text[cut] &&
			       ((unsigned char)finding.text[cut] & 0xC0) == 0x80)
				cut--; /* never cut a character in half */
			memcpy(title, finding.text, cut);
			title[cut] = '\0';
			char *nl = strchr(title, '\n');
			if (nl)
				*nl = '\0';
			f.in.title = xf_arena_strdup(&req->arena, title);
		}
		f.in.description = finding.text;
		f.in.unit_id = finding.unit_id;
		f.in.headcount = finding.headcount;
		rc = create_risk(req, db, &f, NULL, 0, &id);
	}
	if (rc == XF_OK)
		rc = xf_store_screening_finding_set_risk(db, fid, id);
	if (!xf_api_finish(req, db, rc))
		return;
	reply_risk(req, db, id, 201);
}

static void risks_list(xf_req *req)
{
	int64_t unit_id, official_id, filter_unit = 0;
	if (!read_scope(req, &unit_id, &official_id) ||
	    !xf_api_query_int(req, "unit_id", 1, INT64_MAX, 0, &filter_unit))
		return;
	const char *level = xf_req_query(req, "level");
	const char *status = xf_req_query(req, "status");
	if (level && xf_risk_level_rank(level) < 0) {
		xf_reply_error(req, 400, "invalid_field", "level",
		               "'level' must be low, medium or high");
		return;
	}
	xf_db *db = xf_db_get();
	if (filter_unit && unit_id && xf_store_unit_within(db, filter_unit, unit_id) != XF_OK) {
		xf_reply_json(req, 200, json_pack("{s:[]}", "risks"));
		return;
	}
	json_t *list;
	int rc = xf_store_risk_list(db, filter_unit ? filter_unit : unit_id, level, status,
	                            official_id, &list);
	xf_api_reply_list(req, db, rc, "risks", list);
}

static void risks_get(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_risk_row r = {0};
	int rc = xf_store_risk_get(db, id, &r);
	if (!readable(req, db, rc, r.unit_id, r.official_id, "register entry", id))
		return;
	reply_risk(req, db, id, 200);
}

/* Loads entry id for a change by the user (the office, the unit head above it; the
 * official and leader for progress); false after answering. */
static bool begin_risk(xf_req *req, xf_db *db, int64_t id, bool progress, xf_risk_row *r)
{
	bool ok;
	if (!xf_api_begin(req, db))
		return false;
	int rc = xf_store_risk_get(db, id, r);
	if (rc == XF_OK)
		rc = keeps_unit(req, db, r->unit_id, &ok);
	if (rc == XF_OK && !ok && progress)
		ok = r->official_id == req->user.id || r->leader_id == req->user.id;
	if (rc == XF_OK && !ok) {
		bool sees;
		rc = reads_row(req, db, r->unit_id, r->official_id, &sees);
		xf_tx_rollback(db);
		if (rc == XF_OK && sees)
			forbidden(req);
		else
			xf_api_loaded(req, db, rc == XF_OK ? XF_NOTFOUND : rc, "register entry",
			              id);
		return false;
	}
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_api_loaded(req, db, rc, "register entry", id);
		return false;
	}
	return true;
}

static void risks_update(xf_req *req)
{
	static const char *const fields[] = {"title",
	                                     "description",
	                                     "category",
	                                     "headcount",
	                                     "risk_level",
	                                     "level_basis",
	                                     "leader_id",
	                                     "official_id",
	                                     "resolution_plan",
	                                     "deadline_date",
	                                     "expected_visit_date",
	                                     "status",
	                                     "trend",
	                                     "outcome",
	                                     "persons",
	                                     NULL};
	int64_t id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	risk_form f;
	if (!read_risk(req, body, false, &f))
		return;
	xf_db *db = xf_db_get();
	xf_risk_row r;
	int64_t *persons, *all = NULL;
	size_t n_persons, n_all = 0;
	if (!begin_risk(req, db, id, false, &r))
		return;
	if (!read_persons(req, db, body, &persons, &n_persons) || !users_ok(req, db, &f.in)) {
		xf_tx_rollback(db);
		return;
	}
	int rc = XF_OK;
	for (size_t i = 0; rc == XF_OK && i < n_persons; i++)
		rc = xf_store_risk_person_add(db, id, persons[i]);
	xf_prevention p;
	xf_prevention_of(current_plan(req), &p);
	if (rc == XF_OK)
		rc = xf_store_risk_person_ids(db, id, &all, &n_all);
	char basis[512];
	const char *suggested = NULL;
	if (rc == XF_OK)
		rc = suggest(
		    req, db, &p, f.in.headcount >= 0 ? f.in.headcount : r.headcount, all, n_all,
		    f.in.clear_deadline
		        ? NULL
		        : (f.in.deadline_date ? f.in.deadline_date
		                              : (r.deadline_date[0] ? r.deadline_date : NULL)),
		    &suggested, basis, sizeof basis);
	free(all);
	if (rc == XF_OK && !override_basis_ok(req, &f, suggested)) {
		xf_tx_rollback(db);
		return;
	}
	if (rc == XF_OK) {
		f.in.suggested_level = suggested;
		f.in.level_basis = f.basis_given   ? f.basis_given
		                   : f.level_given ? xf_arena_strdup(&req->arena, basis)
		                                   : NULL;
		rc = xf_store_risk_update(db, id, &f.in, xf_now_ms());
	}
	if (rc == XF_OK && f.in.official_id > 0 && n_persons)
		rc = assign_persons(req, db, id, f.in.official_id, persons, n_persons);
	event(req, db, &rc, "risk.update", "risk", id,
	      json_pack("{s:s, s:O}", "summary",
	                xf_arena_printf(&req->arena, "修改台账：%s", r.title), "changes", body));
	if (f.in.risk_level)
		risk_warning(req, db, &rc, &p, id, r.risk_level, f.in.risk_level);
	if (rc == XF_OK) { /* a planned visit moved near */
		xf_actor actor = xf_api_actor(req);
		rc = xf_warnings_scan(db, current_plan(req), XF_WARN_PLANNED, &actor, NULL);
	}
	if (!xf_api_finish(req, db, rc))
		return;
	reply_risk(req, db, id, 200);
}

/* POST /risks/{id}/progress {"text", "status"?, "trend"?, "risk_level"?, "level_basis"?,
 * "outcome"?}: a progress entry; the entry takes its status, trend and level. */
static void progress_create(xf_req *req)
{
	static const char *const fields[] = {"text",        "status",  "trend", "risk_level",
	                                     "level_basis", "outcome", NULL};
	int64_t id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	const char *text;
	xf_field_error err;
	if (xf_json_string(body, "text", true, 1, XF_API_TEXT_MAX, &text, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return;
	}
	risk_form f;
	text = xf_arena_strdup(&req->arena, text); /* the body's copy goes with the key */
	json_object_del(body, "text");
	if (!read_risk(req, body, false, &f))
		return;
	if (f.level_given && !f.basis_given) {
		xf_reply_error(req, 400, "invalid_field", "level_basis",
		               "a change of level is written with its 'level_basis'");
		return;
	}
	xf_db *db = xf_db_get();
	xf_risk_row r;
	if (!begin_risk(req, db, id, true, &r))
		return;
	if (strcmp(r.status, "closed") == 0) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL, "register entry %lld is closed",
		               (long long)id);
		return;
	}
	f.in.level_basis = f.basis_given;
	int64_t now = xf_now_ms();
	int rc = xf_store_risk_update(db, id, &f.in, now);
	if (rc == XF_OK)
		rc = xf_store_risk_progress_insert(
		    db, id, text, f.in.status ? f.in.status : r.status,
		    f.in.trend ? f.in.trend : r.trend,
		    f.in.risk_level ? f.in.risk_level : r.risk_level, req->user.id, now);
	event(req, db, &rc, "risk.progress", "risk", id,
	      json_pack("{s:s, s:s, s:s}", "summary",
	                xf_arena_printf(&req->arena, "台账进展：%s", r.title), "trend",
	                f.in.trend ? f.in.trend : r.trend, "risk_level",
	                f.in.risk_level ? f.in.risk_level : r.risk_level));
	if (f.in.risk_level) {
		xf_prevention p;
		xf_prevention_of(current_plan(req), &p);
		risk_warning(req, db, &rc, &p, id, r.risk_level, f.in.risk_level);
	}
	if (!xf_api_finish(req, db, rc))
		return;
	reply_risk(req, db, id, 201);
}

/* ---- early warning ---- */

static const char *category_zh(const char *category)
{
	if (strcmp(category, "suggestion") == 0)
		return "建议意见";
	if (strcmp(category, "accusation") == 0)
		return "检举控告";
	return "申诉求决";
}

/* Writes the audit event of a warning raised (wid 0: none, the key was taken). */
static int warning_raised(xf_db *db, const xf_actor *actor, int64_t wid, json_t *data)
{
	if (!wid) {
		json_decref(data);
		return XF_OK;
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)wid);
	return xf_audit_append(db, actor, "warning.raise", "warning", id, data);
}

/* Runs the rules (XF_WARN_*) over the matters and the register, in the caller's write
 * transaction: a warning per group of related matters reaching the count in the
 * window, and per planned visit coming near; *raised counts the warnings written. */
static int scan_warnings(xf_db *db, const xf_actor *actor, const xf_prevention *p, unsigned rules,
                         int *raised)
{
	int64_t now = xf_now_ms();
	json_t *groups = NULL, *visits = NULL;
	int rc = XF_OK;
	if ((rules & XF_WARN_REPEATED) && p->repeated_count > 0)
		rc = xf_store_matter_groups(db, now - (int64_t)p->repeated_days * DAY_MS,
		                            p->repeated_count, &groups);
	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g)
	{
		if (rc != XF_OK)
			break;
		const char *kind = json_string_value(json_object_get(g, "kind"));
		const char *category = json_string_value(json_object_get(g, "category"));
		int64_t key = json_integer_value(json_object_get(g, "key_id"));
		int count = (int)json_integer_value(json_object_get(g, "n"));
		if (!xf_warning_repeated(p, count))
			continue;
		char prefix[160], dedup[192], text[256];
		snprintf(prefix, sizeof prefix, "repeated:%s:%lld:%s:", kind, (long long)key,
		         category);
		bool found;
		rc = xf_store_warning_recent(db, prefix, now - (int64_t)p->repeated_days * DAY_MS,
		                             &found);
		if (rc != XF_OK || found)
			continue;
		bool person = strcmp(kind, "person") == 0;
		int64_t unit_id = 0;
		if (person) {
			json_t *brief;
			/* no names in a warning's text: the person is linked, read by the file
			 * rules */
			if (xf_store_person_brief(db, key, &brief) == XF_OK) {
				unit_id = json_integer_value(json_object_get(brief, "unit_id"));
				json_decref(brief);
			}
		}
		snprintf(dedup, sizeof dedup, "%s%lld", prefix, (long long)now);
		snprintf(text, sizeof text, "%d 天内同一%s的%s类诉求 %d 件", p->repeated_days,
		         person ? "信访人" : "单位", category_zh(category), count);
		int64_t wid;
		xf_warning_in w = {.rule = "repeated_matters",
		                   .dedup_key = dedup,
		                   .text = text,
		                   .unit_id = person ? unit_id : key,
		                   .person_id = person ? key : 0,
		                   .now_ms = now};
		rc = xf_store_warning_insert(db, &w, &wid);
		if (rc == XF_OK)
			rc = warning_raised(
			    db, actor, wid,
			    json_pack("{s:s, s:s}", "summary", w.text, "rule", w.rule));
		*raised += wid != 0;
	}
	json_decref(groups);
	if (rc == XF_OK && (rules & XF_WARN_PLANNED) && p->planned_visit_days > 0)
		rc = xf_store_risk_planned_visits(db, &visits);
	json_array_foreach(visits, i, g)
	{
		if (rc != XF_OK)
			break;
		const char *date = json_string_value(json_object_get(g, "expected_visit_date"));
		long day;
		if (!xf_date_days(date, &day) || !xf_warning_planned_visit(p, today_days(now), day))
			continue;
		int64_t risk_id = json_integer_value(json_object_get(g, "id")), wid;
		char dedup[96], text[512];
		snprintf(dedup, sizeof dedup, "planned_visit:%lld:%s", (long long)risk_id, date);
		snprintf(text, sizeof text, "台账事项「%s」预计 %s 上访",
		         json_string_value(json_object_get(g, "title")), date);
		xf_warning_in w = {.rule = "planned_visit",
		                   .dedup_key = dedup,
		                   .text = text,
		                   .expected_date = date,
		                   .risk_id = risk_id,
		                   .unit_id = json_integer_value(json_object_get(g, "unit_id")),
		                   .headcount = json_integer_value(json_object_get(g, "headcount")),
		                   .now_ms = now};
		rc = xf_store_warning_insert(db, &w, &wid);
		if (rc == XF_OK)
			rc = warning_raised(db, actor, wid,
			                    json_pack("{s:s, s:s, s:I}", "summary", w.text, "rule",
			                              w.rule, "risk_id", (json_int_t)risk_id));
		*raised += wid != 0;
	}
	json_decref(visits);
	return rc;
}

int xf_warnings_scan(xf_db *db, const xf_plan *plan, unsigned rules, const xf_actor *actor,
                     int *raised)
{
	int64_t plan_id;
	xf_prevention p;
	xf_prevention_of(plan ? plan : xf_plans_current(&plan_id), &p);
	int n = 0;
	int rc = scan_warnings(db, actor, &p, rules, &n);
	if (raised)
		*raised += n;
	return rc;
}

#define WARNINGS_JOB "warnings scan"

/* The job: the planned-visit rule fires as days pass, not on a write. */
static void warnings_tick(xf_db *db)
{
	xf_actor system = {.id = 0, .name = "system", .request_id = ""};
	int raised = 0;
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_warnings_scan(db, NULL, XF_WARN_REPEATED | XF_WARN_PLANNED, &system,
		                      &raised);
	if (rc == XF_OK)
		rc = xf_tx_commit(db);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_log("warnings scan failed: %s", xf_db_error(db));
		return;
	}
	if (raised)
		xf_stream_notify();
}

void xf_warnings_start(int interval_ms)
{
	xf_job_start(WARNINGS_JOB, interval_ms, warnings_tick);
}

void xf_warnings_stop(void)
{
	xf_job_stop(WARNINGS_JOB);
}

/* GET /warnings?status=open|incident|dismissed: the list (a read: the rules run on the
 * writes that can fire them and in the warnings job); "open" counts the open ones for
 * the dashboard. */
static void warnings_list(xf_req *req)
{
	int64_t unit_id, official_id;
	if (!read_scope(req, &unit_id, &official_id))
		return;
	if (official_id) {
		forbidden(req);
		return;
	}
	static const char *const statuses[] = {"open", "incident", "dismissed", NULL};
	const char *status = xf_req_query(req, "status");
	bool known = !status;
	for (int i = 0; status && statuses[i]; i++)
		known = known || strcmp(status, statuses[i]) == 0;
	if (!known) {
		xf_reply_error(req, 400, "invalid_field", "status",
		               "'status' must be open, incident or dismissed");
		return;
	}
	xf_db *db = xf_db_get();
	json_t *list;
	int64_t open = 0;
	int rc = xf_store_warning_list(db, status, unit_id, &list);
	if (rc == XF_OK && !unit_id)
		rc = xf_store_warning_count(db, "open", &open);
	else if (rc == XF_OK) {
		size_t i;
		json_t *w;
		json_array_foreach(list, i, w) open +=
		    strcmp(json_string_value(json_object_get(w, "status")), "open") == 0;
	}
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200,
	              json_pack("{s:o, s:I}", "warnings", list, "open", (json_int_t)open));
}

/* Loads an open warning for the office; false after answering. */
static bool begin_warning(xf_req *req, xf_db *db, int64_t id, json_t **w)
{
	if (!xf_api_begin(req, db))
		return false;
	int rc = xf_store_warning_json(db, id, w);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_api_loaded(req, db, rc, "warning", id);
		return false;
	}
	if (strcmp(json_string_value(json_object_get(*w, "status")), "open") != 0) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL, "warning %lld is no longer open",
		               (long long)id);
		json_decref(*w);
		return false;
	}
	return true;
}

/* POST /warnings/{id}/incident {"destination"?, "headcount"?, "place"?}: the warning
 * becomes an incident with advance information (procedure A) carrying its people and
 * unit, registered as POST /incidents registers one. */
static void warning_incident(xf_req *req)
{
	static const char *const fields[] = {"destination", "headcount", "place", NULL};
	int64_t id;
	if (!xf_perm_allows(req->user.roles, XF_PERM_INCIDENT_REGISTER)) {
		forbidden(req);
		return;
	}
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	xf_field_error err;
	const char *destination = "mine", *place = "";
	int64_t headcount = 0;
	if (xf_json_choice(body, "destination", false, xf_destination_ids, &destination, &err) ==
	        XF_ERR ||
	    xf_json_int(body, "headcount", false, 1, 100000, &headcount, &err) == XF_ERR ||
	    xf_json_string(body, "place", false, 0, 200, &place, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	json_t *w;
	if (!begin_warning(req, db, id, &w))
		return;
	int64_t risk_id = json_integer_value(json_object_get(w, "risk_id"));
	int64_t person_id = json_integer_value(json_object_get(w, "person_id"));
	int64_t unit = json_integer_value(json_object_get(w, "unit_id"));
	int64_t *persons = NULL;
	size_t n_persons = 0;
	int rc = XF_OK;
	if (risk_id)
		rc = xf_store_risk_person_ids(db, risk_id, &persons, &n_persons);
	if (!headcount)
		headcount = json_integer_value(json_object_get(w, "headcount"));
	if (!headcount)
		headcount = n_persons ? (int64_t)n_persons : 1;
	int64_t expected_ms = 0;
	long day;
	const char *date = json_string_value(json_object_get(w, "expected_date"));
	/* an expected visit at 09:00 Asia/Shanghai of the day, when still ahead */
	if (date && xf_date_days(date, &day) &&
	    (int64_t)day * DAY_MS + 9 * 3600000LL - SHANGHAI_MS > xf_now_ms())
		expected_ms = (int64_t)day * DAY_MS + 9 * 3600000LL - SHANGHAI_MS;
	xf_incident_registration reg = {
	    .headcount = headcount,
	    .expected_ms = expected_ms,
	    .destination = destination,
	    .place = place,
	    .demands = json_string_value(json_object_get(w, "text")),
	    .advance_info = true,
	    .units = unit ? &unit : NULL,
	    .n_units = unit ? 1 : 0,
	};
	int64_t incident_id = 0;
	if (rc == XF_OK)
		rc = xf_incident_register(req, db, &reg, &incident_id);
	for (size_t i = 0; rc == XF_OK && i < n_persons; i++)
		rc = xf_store_incident_person_link(db, incident_id, persons[i], "participant");
	if (rc == XF_OK && person_id && !risk_id)
		rc = xf_store_incident_person_link(db, incident_id, person_id, "participant");
	free(persons);
	if (rc == XF_OK)
		rc = xf_store_warning_handled(db, id, "incident", incident_id, req->user.id,
		                              xf_now_ms());
	event(req, db, &rc, "warning.incident", "warning", id,
	      json_pack("{s:s, s:I}", "summary", "预警转为事件（提前掌握信息）", "incident_id",
	                (json_int_t)incident_id));
	json_decref(w);
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_incident_reply(req, db, incident_id, 201);
}

static void warning_dismiss(xf_req *req)
{
	static const char *const fields[] = {"reason", NULL};
	int64_t id;
	if (!is_office(req)) {
		forbidden(req);
		return;
	}
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	const char *reason;
	xf_field_error err;
	if (xf_json_string(body, "reason", true, 1, 1000, &reason, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	json_t *w;
	if (!begin_warning(req, db, id, &w))
		return;
	json_decref(w);
	int rc = xf_store_warning_handled(db, id, "dismissed", 0, req->user.id, xf_now_ms());
	event(req, db, &rc, "warning.dismiss", "warning", id,
	      json_pack("{s:s, s:s}", "summary",
	                xf_arena_printf(&req->arena, "预警不予处理：%s", reason), "reason",
	                reason));
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_reply_read(req, db, xf_store_warning_json, id, NULL, 200);
}

/* ---- care ---- */

static void care_list(xf_req *req)
{
	int64_t unit_id, official_id;
	if (!read_scope(req, &unit_id, &official_id))
		return;
	const char *overdue = xf_req_query(req, "overdue");
	xf_db *db = xf_db_get();
	json_t *list;
	int rc = xf_store_care_list(db, unit_id, official_id, overdue && strcmp(overdue, "1") == 0,
	                            xf_now_ms(), &list);
	xf_api_reply_list(req, db, rc, "schedules", list);
}

static void reply_care(xf_req *req, xf_db *db, int64_t id, int status)
{
	json_t *c;
	int rc = xf_store_care_json(db, id, xf_now_ms(), &c);
	if (!xf_api_loaded(req, db, rc, "care schedule", id))
		return;
	xf_reply_json(req, status, c);
}

static void care_create(xf_req *req)
{
	static const char *const fields[] = {"group_kind",  "person_id", "interval_days",
	                                     "official_id", "note",      NULL};
	json_t *body = allowed_body(req, is_office(req) || is_unit_head(req), fields);
	if (!body)
		return;
	xf_field_error err;
	const char *group, *note = "";
	int64_t person_id, official_id, interval = 0;
	if (xf_json_choice(body, "group_kind", true, xf_care_group_ids, &group, &err) != XF_OK ||
	    xf_json_int(body, "person_id", true, 1, INT64_MAX, &person_id, &err) != XF_OK ||
	    xf_json_int(body, "official_id", true, 1, INT64_MAX, &official_id, &err) != XF_OK ||
	    xf_json_int(body, "interval_days", false, 1, 366, &interval, &err) == XF_ERR ||
	    xf_json_string(body, "note", false, 0, XF_API_TEXT_MAX, &note, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!interval) {
		xf_prevention p;
		xf_prevention_of(current_plan(req), &p);
		for (int g = 0; g < XF_CARE_GROUP_COUNT; g++)
			if (strcmp(group, xf_care_group_ids[g]) == 0)
				interval = p.care_interval_days[g];
	}
	xf_db *db = xf_db_get();
	if (!xf_api_begin(req, db))
		return;
	xf_viewer viewer = xf_api_viewer(req);
	json_t *brief = NULL;
	int rc = xf_store_person_visible(db, &viewer, person_id);
	if (rc == XF_OK)
		rc = xf_store_person_brief(db, person_id, &brief);
	if (rc == XF_NOTFOUND) {
		xf_tx_rollback(db);
		xf_reply_error(req, 400, "invalid_field", "person_id",
		               "'person_id' is not a person file you may see");
		return;
	}
	int64_t unit_id = json_integer_value(json_object_get(brief, "unit_id"));
	json_decref(brief);
	bool ok = false;
	if (rc == XF_OK)
		rc = unit_id ? keeps_unit(req, db, unit_id, &ok) : XF_OK;
	if (rc == XF_OK && !unit_id)
		ok = is_office(req);
	if (rc == XF_OK && !ok) {
		xf_tx_rollback(db);
		forbidden(req);
		return;
	}
	if (rc == XF_OK && !xf_api_user_exists(req, db, "official_id", official_id, NULL)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t id = 0;
	if (rc == XF_OK)
		rc = xf_store_care_insert(db, group, person_id, unit_id, (int)interval, official_id,
		                          note, req->user.id, xf_now_ms(), &id);
	event(req, db, &rc, "care.create", "care_schedule", id,
	      json_pack("{s:s, s:s, s:I}", "summary", "关爱回访计划", "group_kind", group,
	                "interval_days", (json_int_t)interval));
	if (!xf_api_finish(req, db, rc))
		return;
	reply_care(req, db, id, 201);
}

static void care_get(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_care_row c = {0};
	int rc = xf_store_care_get(db, id, &c);
	if (!readable(req, db, rc, c.unit_id, c.official_id, "care schedule", id))
		return;
	reply_care(req, db, id, 200);
}

/* POST /care/{id}/visits {"visited_on"?, "help"}: a 帮扶 record; the next follow-up falls
 * due one interval later. */
static void care_visit(xf_req *req)
{
	static const char *const fields[] = {"visited_on", "help", NULL};
	int64_t id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	const char *help, *visited_on;
	xf_field_error err;
	if (xf_json_string(body, "help", true, 1, XF_API_TEXT_MAX, &help, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return;
	}
	int64_t now = xf_now_ms();
	char today[40];
	int drc = read_date(req, body, "visited_on", &visited_on, NULL);
	if (drc == XF_ERR)
		return;
	if (drc == XF_NOTFOUND) {
		time_t secs = (time_t)((now + SHANGHAI_MS) / 1000);
		struct tm tm;
		gmtime_r(&secs, &tm);
		snprintf(today, sizeof today, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday);
		visited_on = today;
	}
	long day;
	xf_date_days(visited_on, &day);
	if (day > today_days(now)) {
		xf_reply_error(req, 400, "invalid_field", "visited_on",
		               "'visited_on' is in the future");
		return;
	}
	xf_db *db = xf_db_get();
	xf_care_row c;
	bool ok;
	if (!xf_api_begin(req, db))
		return;
	int rc = xf_store_care_get(db, id, &c);
	if (rc == XF_OK)
		rc = c.unit_id ? keeps_unit(req, db, c.unit_id, &ok) : (ok = is_office(req), XF_OK);
	if (rc == XF_OK && !ok)
		ok = c.official_id == req->user.id;
	if (rc == XF_OK && !ok) {
		xf_tx_rollback(db);
		forbidden(req);
		return;
	}
	if (rc == XF_OK && c.ended_ms) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL, "care schedule %lld has ended",
		               (long long)id);
		return;
	}
	int64_t vid = 0;
	if (rc == XF_OK)
		rc = xf_store_care_visit(db, id, visited_on, help, req->user.id,
		                         now + (int64_t)c.interval_days * DAY_MS, now, &vid);
	else {
		xf_tx_rollback(db);
		xf_api_loaded(req, db, rc, "care schedule", id);
		return;
	}
	event(req, db, &rc, "care.visit", "care_schedule", id,
	      json_pack("{s:s, s:s}", "summary", "帮扶走访", "visited_on", visited_on));
	if (!xf_api_finish(req, db, rc))
		return;
	reply_care(req, db, id, 201);
}

static const xf_route routes[] = {
    {"GET", "/screening/campaigns", XF_PERM_SIGNED_IN, 0, campaigns_list},
    {"POST", "/screening/campaigns", XF_PERM_SIGNED_IN, 0, campaigns_create},
    {"GET", "/screening/campaigns/{id}", XF_PERM_SIGNED_IN, 0, campaigns_get},
    {"POST", "/screening/campaigns/{id}/reports", XF_PERM_SIGNED_IN, 0, reports_create},
    {"POST", "/screening/findings/{id}/risk", XF_PERM_SIGNED_IN, 0, finding_to_risk},
    {"GET", "/risks", XF_PERM_SIGNED_IN, 0, risks_list},
    {"POST", "/risks", XF_PERM_SIGNED_IN, 0, risks_create},
    {"GET", "/risks/{id}", XF_PERM_SIGNED_IN, 0, risks_get},
    {"PATCH", "/risks/{id}", XF_PERM_SIGNED_IN, 0, risks_update},
    {"POST", "/risks/{id}/progress", XF_PERM_SIGNED_IN, 0, progress_create},
    {"GET", "/warnings", XF_PERM_SIGNED_IN, XF_ROUTE_WRITES, warnings_list},
    {"POST", "/warnings/{id}/incident", XF_PERM_SIGNED_IN, 0, warning_incident},
    {"POST", "/warnings/{id}/dismiss", XF_PERM_SIGNED_IN, 0, warning_dismiss},
    {"GET", "/care", XF_PERM_SIGNED_IN, 0, care_list},
    {"POST", "/care", XF_PERM_SIGNED_IN, 0, care_create},
    {"GET", "/care/{id}", XF_PERM_SIGNED_IN, 0, care_get},
    {"POST", "/care/{id}/visits", XF_PERM_SIGNED_IN, 0, care_visit},
};

const xf_route_list xf_routes_prevention = {routes, XF_ARRAY_LEN(routes)};
