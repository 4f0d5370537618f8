/* Matters under 《信访工作条例》 in SQL: registering with petitioners, the stage moves,
 * the notices that stop a clock, handling, the lists and counts of matters near or past
 * a deadline, and the alarm marks. The rules are core's (core/xf_matter.h); see
 * xf_store_matters.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_matter.h"
#include "core/xf_person.h"
#include "store/xf_store_db.h"
#include "store/xf_store_matters.h"
#include "store/xf_store_people_sql.h"
#include "store/xf_store_rows.h"
#include "util/xf_jsonv.h"

static void bind_viewer(xf_sql_stmt *st, const xf_viewer *v)
{
	xf_sql_bind_int64(st, 1, v->scope.all);
	xf_sql_bind_int64(st, 2, v->scope.unit_id);
	xf_sql_bind_int64(st, 3, v->scope.user_id);
	xf_sql_bind_int64(st, 4, v->unit_id);
	xf_sql_bind_int64(st, 9, v->scope.mine_id);
}

static void bind_text_or_null(xf_sql_stmt *st, int i, const char *s)
{
	if (s)
		xf_sql_bind_text(st, i, s, -1);
	else
		xf_sql_bind_null(st, i);
}

static void bind_ms(xf_sql_stmt *st, int i, int64_t ms)
{
	if (ms)
		xf_sql_bind_int64(st, i, ms);
	else
		xf_sql_bind_null(st, i);
}

/* ---- the row ---- */

#define ROW_COLUMNS                                                                                \
	"m.id, m.person_id, m.incident_id, m.unit_id, m.accused_unit_id, m.handling_unit_id,"      \
	" m.handler_id, m.repeat_of, m.category, m.stage, m.outcome, m.satisfaction,"              \
	" m.received_ms, m.accepted_ms, m.acceptance_notice_ms, m.answered_ms, m.concluded_ms,"    \
	" m.review_requested_ms, m.reviewed_ms, m.re_review_requested_ms, m.re_reviewed_ms,"       \
	" m.extended_ms, m.handling_due_ms, m.extension_days"
enum { ROW_N = 24 };

static int64_t col(xf_sql_stmt *st, int i)
{
	return xf_sql_column_is_null(st, i) ? 0 : xf_sql_column_int64(st, i);
}

static void read_row(xf_sql_stmt *st, void *out)
{
	xf_matter_row *r = out;
	memset(r, 0, sizeof *r);
	r->id = col(st, 0);
	r->person_id = col(st, 1);
	r->incident_id = col(st, 2);
	r->unit_id = col(st, 3);
	r->accused_unit_id = col(st, 4);
	r->handling_unit_id = col(st, 5);
	r->handler_id = col(st, 6);
	r->repeat_of = col(st, 7);
	xf_row_copy(r->category, sizeof r->category, st, 8);
	xf_row_copy(r->stage, sizeof r->stage, st, 9);
	xf_row_copy(r->outcome, sizeof r->outcome, st, 10);
	xf_row_copy(r->satisfaction, sizeof r->satisfaction, st, 11);
	r->received_ms = col(st, 12);
	r->accepted_ms = col(st, 13);
	r->acceptance_notice_ms = col(st, 14);
	r->answered_ms = col(st, 15);
	r->concluded_ms = col(st, 16);
	r->review_requested_ms = col(st, 17);
	r->reviewed_ms = col(st, 18);
	r->re_review_requested_ms = col(st, 19);
	r->re_reviewed_ms = col(st, 20);
	r->extended_ms = col(st, 21);
	r->handling_due_ms = col(st, 22);
	r->extension_days = (int)col(st, 23);
}

int xf_store_matter_get(xf_db *db, int64_t id, xf_matter_row *out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " ROW_COLUMNS " FROM matters m WHERE m.id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_row, out);
}

/* The core clock of a row. */
xf_matter_clock xf_store_matter_row_clock(const xf_matter_row *r)
{
	return (xf_matter_clock){
	    .received_ms = r->received_ms,
	    .accepted = r->accepted_ms != 0,
	    .accepted_ms = r->accepted_ms,
	    .concluded = r->concluded_ms != 0,
	    .acceptance_notice_ms = r->acceptance_notice_ms,
	    .not_accepted = strcmp(r->stage, "not_accepted") == 0,
	    .extension_days = r->extension_days,
	    .answered_ms = r->answered_ms,
	    .review_requested_ms = r->review_requested_ms,
	    .reviewed_ms = r->reviewed_ms,
	    .re_review_requested_ms = r->re_review_requested_ms,
	    .re_reviewed_ms = r->re_reviewed_ms,
	};
}

/* After each write that may move a matter's clocks (see the alarms below). */
static int refreshed(xf_db *db, int64_t id, int rc);

/* ---- registering ---- */

int xf_store_matter_register(xf_db *db, const xf_matter_in *in, int64_t repeat_of, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO matters (person_id, incident_id, category, content, accused_unit_id,"
	        " received_ms, created_by, channel, unit_id, repeat_of, entered_ms, stage)"
	        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received') RETURNING id");
	xf_sql_bind_int64(st, 1, in->person_ids[0]);
	xf_bind_id(st, 2, in->incident_id);
	xf_sql_bind_text(st, 3, in->category, -1);
	xf_sql_bind_text(st, 4, in->content, -1);
	xf_bind_id(st, 5, in->accused_unit_id);
	xf_sql_bind_int64(st, 6, in->received_ms);
	xf_bind_id(st, 7, in->created_by);
	bind_text_or_null(st, 8, in->channel);
	xf_bind_id(st, 9, in->unit_id);
	xf_bind_id(st, 10, repeat_of);
	xf_sql_bind_int64(st, 11, in->entered_ms ? in->entered_ms : in->received_ms);
	int rc = xf_row_insert(db, st, id);
	for (size_t i = 0; rc == XF_OK && i < in->n_persons; i++) {
		st = xf_db_prepare(db, "INSERT INTO matter_persons (matter_id, person_id,"
		                       " representative) VALUES (?, ?, ?)");
		xf_sql_bind_int64(st, 1, *id);
		xf_sql_bind_int64(st, 2, in->person_ids[i]);
		xf_sql_bind_int64(st, 3, in->representative && in->representative[i]);
		rc = xf_db_exec(db, st);
	}
	return refreshed(db, *id, rc);
}

int xf_store_matter_find_repeat(xf_db *db, const int64_t *person_ids, size_t n,
                                const char *category, const char *content, int64_t received_ms,
                                int64_t *found)
{
	*found = 0;
	for (size_t i = 0; i < n && !*found; i++) {
		xf_sql_stmt *st = xf_db_prepare(
		    db,
		    "SELECT m.id, m.content FROM matters m JOIN matter_persons mp"
		    " ON mp.matter_id = m.id WHERE mp.person_id = ? AND m.category = ?"
		    " AND m.received_ms >= ? AND m.received_ms <= ? ORDER BY m.received_ms DESC,"
		    " m.id DESC");
		xf_sql_bind_int64(st, 1, person_ids[i]);
		xf_sql_bind_text(st, 2, category, -1);
		xf_sql_bind_int64(st, 3, received_ms - XF_REPEAT_DAYS * XF_DAY_MS);
		xf_sql_bind_int64(st, 4, received_ms + XF_DAY_MS);
		int rc;
		while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
			if (xf_matter_similar(xf_row_text(st, 1), content)) {
				int64_t m = xf_sql_column_int64(st, 0);
				/* the first of a chain: a repeat links to the original */
				*found = m;
				break;
			}
		}
		xf_sql_reset(st);
		if (rc != XF_SQL_ROW && rc != XF_SQL_DONE)
			return xf_db_fail(db, rc);
	}
	if (*found) {
		xf_sql_stmt *st =
		    xf_db_prepare(db, "SELECT coalesce(repeat_of, id) FROM matters WHERE id = ?");
		xf_sql_bind_int64(st, 1, *found);
		return xf_row_int64(db, st, found);
	}
	return XF_OK;
}

/* ---- stage moves ---- */

static int exec_changed(xf_db *db, xf_sql_stmt *st)
{
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_matter_set_stage(xf_db *db, int64_t id, const char *stage)
{
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE matters SET stage = ? WHERE id = ?");
	xf_sql_bind_text(st, 1, stage, -1);
	xf_sql_bind_int64(st, 2, id);
	return refreshed(db, id, exec_changed(db, st));
}

int xf_store_matter_accept(xf_db *db, int64_t id, int64_t at_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE matters SET accepted_ms = coalesce(accepted_ms, ?1),"
	        " stage = CASE WHEN stage IN ('received','not_accepted') THEN 'accepted'"
	        " ELSE stage END, not_accepted_reason = NULL WHERE id = ?2");
	xf_sql_bind_int64(st, 1, at_ms);
	xf_sql_bind_int64(st, 2, id);
	return refreshed(db, id, exec_changed(db, st));
}

int xf_store_matter_not_accept(xf_db *db, int64_t id, const char *reason)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE matters SET stage = 'not_accepted', not_accepted_reason = ? WHERE id = ?");
	xf_sql_bind_text(st, 1, reason, -1);
	xf_sql_bind_int64(st, 2, id);
	return refreshed(db, id, exec_changed(db, st));
}

int xf_store_matter_extend(xf_db *db, int64_t id, int days, const char *reason, int64_t at_ms)
{
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE matters SET extension_days = ?,"
	                                    " extension_reason = ?, extended_ms = ? WHERE id = ?"
	                                    " AND extension_days IS NULL");
	xf_sql_bind_int64(st, 1, days);
	xf_sql_bind_text(st, 2, reason, -1);
	xf_sql_bind_int64(st, 3, at_ms);
	xf_sql_bind_int64(st, 4, id);
	int rc = exec_changed(db, st);
	return rc == XF_NOTFOUND ? XF_CONFLICT : refreshed(db, id, rc);
}

int xf_store_matter_review_request(xf_db *db, int64_t id, bool re_review, int64_t at_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, re_review ? "UPDATE matters SET re_review_requested_ms = ?,"
	                    " stage = 're_review_requested', concluded_ms = NULL WHERE id = ?"
	                  : "UPDATE matters SET review_requested_ms = ?,"
	                    " stage = 'review_requested', concluded_ms = NULL WHERE id = ?");
	xf_sql_bind_int64(st, 1, at_ms);
	xf_sql_bind_int64(st, 2, id);
	return refreshed(db, id, exec_changed(db, st));
}

int xf_store_matter_satisfaction(xf_db *db, int64_t id, const char *satisfaction,
                                 const char *source, int64_t at_ms)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "UPDATE matters SET satisfaction = ?,"
	                      " satisfaction_source = ?, satisfaction_ms = ? WHERE id = ?");
	xf_sql_bind_text(st, 1, satisfaction, -1);
	xf_sql_bind_text(st, 2, source, -1);
	xf_sql_bind_int64(st, 3, at_ms);
	xf_sql_bind_int64(st, 4, id);
	return exec_changed(db, st);
}

int xf_store_matter_handle(xf_db *db, int64_t id, const char *action, int64_t unit_id,
                           int64_t handler_id, int64_t due_ms, const char *reason, int64_t by_user,
                           int64_t at_ms)
{
	bool back = strcmp(action, "return") == 0;
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE matters SET handling_unit_id = ?1, handler_id = ?2, handling_due_ms = ?3,"
	        " stage = CASE WHEN ?4 = 1 AND stage = 'handling' THEN 'accepted'"
	        " WHEN ?4 = 0 AND stage = 'accepted' THEN 'handling' ELSE stage END WHERE id = ?5");
	xf_bind_id(st, 1, back ? 0 : unit_id);
	xf_bind_id(st, 2, back ? 0 : handler_id);
	bind_ms(st, 3, back ? 0 : due_ms);
	xf_sql_bind_int64(st, 4, back);
	xf_sql_bind_int64(st, 5, id);
	int rc = exec_changed(db, st);
	if (rc != XF_OK)
		return rc;
	st =
	    xf_db_prepare(db, "INSERT INTO matter_handling (matter_id, action, unit_id, handler_id,"
	                      " due_ms, reason, by_user, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	xf_sql_bind_int64(st, 1, id);
	xf_sql_bind_text(st, 2, action, -1);
	xf_bind_id(st, 3, unit_id);
	xf_bind_id(st, 4, handler_id);
	bind_ms(st, 5, due_ms);
	xf_sql_bind_text(st, 6, reason ? reason : "", -1);
	xf_bind_id(st, 7, by_user);
	xf_sql_bind_int64(st, 8, at_ms);
	return refreshed(db, id, xf_db_exec(db, st));
}

/* ---- the notices (written by src/api/matter_notices.c) ---- */

/* Sets column (a *_ms) to at when it is NULL; also sets the stage when given. */
static int stamp(xf_db *db, int64_t id, const char *sql, int64_t at_ms)
{
	xf_sql_stmt *st = xf_db_prepare(db, sql);
	xf_sql_bind_int64(st, 1, at_ms);
	xf_sql_bind_int64(st, 2, id);
	return refreshed(db, id, xf_db_exec(db, st));
}

int xf_store_matter_notice_issued(xf_db *db, int64_t matter_id, const char *notice_kind,
                                  int64_t issued_ms)
{
	xf_matter_row r;
	int rc = xf_store_matter_get(db, matter_id, &r);
	if (rc != XF_OK)
		return rc;
	const char *k = notice_kind ? notice_kind : "";
	if (strcmp(k, "acceptance") == 0) {
		if (strcmp(r.stage, "not_accepted") == 0)
			return XF_CONFLICT;
		if (!r.accepted_ms &&
		    (rc = xf_store_matter_accept(db, matter_id, issued_ms)) != XF_OK)
			return rc;
		return stamp(
		    db, matter_id,
		    "UPDATE matters SET acceptance_notice_ms = coalesce(acceptance_notice_ms,"
		    " ?1) WHERE id = ?2",
		    issued_ms);
	}
	if (strcmp(k, "non_acceptance") == 0) {
		if (strcmp(r.stage, "not_accepted") != 0)
			return XF_CONFLICT;
		return stamp(
		    db, matter_id,
		    "UPDATE matters SET acceptance_notice_ms = coalesce(acceptance_notice_ms,"
		    " ?1) WHERE id = ?2",
		    issued_ms);
	}
	if (strcmp(k, "extension") == 0) {
		if (!r.extension_days)
			return XF_CONFLICT;
		return stamp(
		    db, matter_id,
		    "UPDATE matters SET extension_notice_ms = coalesce(extension_notice_ms,"
		    " ?1) WHERE id = ?2",
		    issued_ms);
	}
	if (strcmp(k, "answer") == 0) {
		if (r.answered_ms)
			return XF_OK;
		if (!r.accepted_ms)
			return XF_CONFLICT;
		return stamp(
		    db, matter_id,
		    "UPDATE matters SET answered_ms = ?1, stage = 'answered' WHERE id = ?2",
		    issued_ms);
	}
	if (strcmp(k, "review") == 0) {
		if (r.reviewed_ms)
			return XF_OK;
		if (!r.review_requested_ms)
			return XF_CONFLICT;
		return stamp(
		    db, matter_id,
		    "UPDATE matters SET reviewed_ms = ?1, stage = 'reviewed' WHERE id = ?2",
		    issued_ms);
	}
	if (strcmp(k, "re_review") == 0) {
		if (r.re_reviewed_ms)
			return XF_OK;
		if (!r.re_review_requested_ms)
			return XF_CONFLICT;
		return stamp(db, matter_id,
		             "UPDATE matters SET re_reviewed_ms = ?1, stage = 're_reviewed'"
		             " WHERE id = ?2",
		             issued_ms);
	}
	return XF_ERR;
}

/* ---- the Matter as JSON ---- */

static json_t *clocks_json(const xf_matter_clock *c, int64_t now_ms, const char *calendar)
{
	json_t *list = json_array();
	for (int i = 0; i < XF_CLOCK_COUNT; i++) {
		xf_clock_state s = xf_matter_clock_state(c, (xf_clock_id)i);
		if (!s.started)
			continue;
		json_t *o = json_pack(
		    "{s:s, s:s, s:b, s:o, s:o, s:o, s:b, s:s}", "clock",
		    xf_clock_name((xf_clock_id)i), "article", xf_clock_article((xf_clock_id)i),
		    "duty", xf_clock_is_duty(i), "start", xf_jsonv_time(s.start_ms), "due",
		    xf_jsonv_time(s.due_ms), "stopped_at", xf_jsonv_time(s.stopped_ms), "running",
		    s.running, "calendar", calendar);
		if (s.running) {
			json_object_set_new(o, "remaining_days",
			                    json_integer(xf_days_remaining(s.due_ms, now_ms)));
			json_object_set_new(o, "overdue",
			                    json_boolean(xf_matter_overdue(s.due_ms, now_ms)));
		} else {
			json_object_set_new(o, "remaining_days", json_null());
			json_object_set_new(o, "overdue", json_false());
		}
		json_array_append_new(list, o);
	}
	return list;
}

static json_t *read_person_link(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s, s:b}", "person_id", (json_int_t)xf_sql_column_int64(st, 0),
	                 "name", xf_row_text(st, 1), "representative",
	                 xf_sql_column_int(st, 2) != 0);
}

static json_t *read_handling(xf_sql_stmt *st)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:s, s:o, s:o}", "action", xf_row_text(st, 0),
	                 "unit_id", xf_row_id(st, 1), "handler_id", xf_row_id(st, 2), "due",
	                 xf_row_time(st, 3), "reason", xf_row_text(st, 4), "by", xf_row_id(st, 5),
	                 "at", xf_row_time(st, 6));
}

#define MS(i) xf_row_time(st, i)

int xf_store_matter_full_json(xf_db *db, int64_t id, int64_t now_ms, json_t **out)
{
	xf_matter_row r;
	int rc = xf_store_matter_get(db, id, &r);
	if (rc != XF_OK)
		return rc;
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT content, channel, not_accepted_reason, extension_reason,"
	        " extension_notice_ms, satisfaction_source, satisfaction_ms, entered_ms,"
	        " received_ms, accepted_ms, acceptance_notice_ms, answered_ms, concluded_ms,"
	        " review_requested_ms, reviewed_ms, re_review_requested_ms, re_reviewed_ms,"
	        " extended_ms, handling_due_ms FROM matters WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	const xf_calendar *cal = xf_calendar_default();
	xf_matter_clock clock = xf_store_matter_row_clock(&r);
	clock.cal = cal;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r.id));
	json_object_set_new(o, "person_id", json_integer(r.person_id));
	json_object_set_new(o, "incident_id",
	                    r.incident_id ? json_integer(r.incident_id) : json_null());
	json_object_set_new(o, "category", json_string(r.category));
	json_object_set_new(o, "content", json_string(xf_row_text(st, 0)));
	json_object_set_new(o, "channel", xf_row_string(st, 1));
	json_object_set_new(o, "stage", json_string(r.stage));
	json_object_set_new(o, "unit_id", r.unit_id ? json_integer(r.unit_id) : json_null());
	json_object_set_new(o, "accused_unit_id",
	                    r.accused_unit_id ? json_integer(r.accused_unit_id) : json_null());
	json_object_set_new(o, "handling_unit_id",
	                    r.handling_unit_id ? json_integer(r.handling_unit_id) : json_null());
	json_object_set_new(o, "handler_id",
	                    r.handler_id ? json_integer(r.handler_id) : json_null());
	json_object_set_new(o, "handling_due", MS(18));
	json_object_set_new(o, "repeat_of", r.repeat_of ? json_integer(r.repeat_of) : json_null());
	json_object_set_new(o, "outcome", r.outcome[0] ? json_string(r.outcome) : json_null());
	json_object_set_new(o, "satisfaction",
	                    r.satisfaction[0] ? json_string(r.satisfaction) : json_null());
	json_object_set_new(o, "satisfaction_source", xf_row_string(st, 5));
	json_object_set_new(o, "satisfaction_at", MS(6));
	json_object_set_new(o, "not_accepted_reason", xf_row_string(st, 2));
	json_object_set_new(o, "entered_at", MS(7));
	json_object_set_new(o, "received_at", MS(8));
	json_object_set_new(o, "accepted_at", MS(9));
	json_object_set_new(o, "acceptance_notice_at", MS(10));
	json_object_set_new(o, "answered_at", MS(11));
	json_object_set_new(o, "concluded_at", MS(12));
	json_object_set_new(o, "review_requested_at", MS(13));
	json_object_set_new(o, "reviewed_at", MS(14));
	json_object_set_new(o, "re_review_requested_at", MS(15));
	json_object_set_new(o, "re_reviewed_at", MS(16));
	json_object_set_new(
	    o, "extension",
	    r.extension_days ? json_pack("{s:i, s:s, s:o, s:o}", "days", r.extension_days, "reason",
	                                 xf_row_text(st, 3), "at", MS(17), "notice_at", MS(4))
	                     : json_null());
	xf_sql_reset(st);
	int64_t due;
	json_object_set_new(o, "acceptance_due",
	                    xf_matter_acceptance_due(&clock, &due) ? xf_jsonv_time(due)
	                                                           : json_null());
	json_object_set_new(o, "conclusion_due",
	                    xf_matter_conclusion_due(&clock, &due) ? xf_jsonv_time(due)
	                                                           : json_null());
	xf_due_kind kind = xf_matter_next_due(&clock, &due);
	json_object_set_new(o, "due_kind", kind ? json_string(xf_due_kind_id(kind)) : json_null());
	json_object_set_new(o, "due_at", kind ? xf_jsonv_time(due) : json_null());
	json_object_set_new(o, "remaining_days",
	                    kind ? json_integer(xf_days_remaining(due, now_ms)) : json_null());
	json_object_set_new(o, "overdue", json_boolean(kind && xf_matter_overdue(due, now_ms)));
	json_object_set_new(o, "calendar", json_string(cal->name));
	json_object_set_new(o, "clocks", clocks_json(&clock, now_ms, cal->name));

	json_t *part = NULL;
	st = xf_db_prepare(db, "SELECT mp.person_id, p.name, mp.representative FROM matter_persons"
	                       " mp JOIN persons p ON p.id = mp.person_id WHERE mp.matter_id = ?"
	                       " ORDER BY mp.representative DESC, mp.person_id");
	xf_sql_bind_int64(st, 1, id);
	rc = xf_rows_json(db, st, read_person_link, &part);
	if (rc == XF_OK)
		json_object_set_new(o, "persons", part);
	if (rc == XF_OK) {
		st = xf_db_prepare(db,
		                   "SELECT action, unit_id, handler_id, due_ms, reason, by_user,"
		                   " at_ms FROM matter_handling WHERE matter_id = ? ORDER BY id");
		xf_sql_bind_int64(st, 1, id);
		rc = xf_rows_json(db, st, read_handling, &part);
		if (rc == XF_OK)
			json_object_set_new(o, "handling", part);
	}
	if (rc != XF_OK) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return XF_OK;
}

/* ---- lists ---- */

/* Whether the viewer may see the matter of a row whose first columns are
 * category, accused_unit_id, VIEWER_AT_OR_BELOW_ACCUSED. */
static bool accusation_shown(xf_sql_stmt *st, int first, const xf_viewer *viewer)
{
	return xf_matter_visible_to(xf_row_text(st, first), xf_sql_column_int64(st, first + 1),
	                            viewer->unit_id, xf_sql_column_int(st, first + 2) != 0,
	                            viewer->roles);
}

typedef struct listed {
	int64_t due_ms, id;
} listed;

static int by_due(const void *a, const void *b)
{
	const listed *x = a, *y = b;
	if (x->due_ms != y->due_ms)
		return x->due_ms < y->due_ms ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int by_id_desc(const void *a, const void *b)
{
	const listed *x = a, *y = b;
	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* The visible matters matching f, as (id, next due) pairs, in order. */
static int list_ids(xf_db *db, const xf_viewer *viewer, const xf_matter_filter *f, listed **out,
                    size_t *count)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT m.category, m.accused_unit_id, " VIEWER_AT_OR_BELOW_ACCUSED ", " ROW_COLUMNS
	        " FROM matters m WHERE " MATTER_VISIBLE
	        " AND (CAST(?5 AS TEXT) IS NULL OR m.stage = ?5)"
	        " AND (CAST(?6 AS TEXT) IS NULL OR m.category = ?6)"
	        " AND (?7 = 0 OR m.unit_id = ?7 OR m.handling_unit_id = ?7)"
	        " AND (?8 = 0 OR EXISTS (SELECT 1 FROM matter_persons f WHERE f.matter_id = m.id"
	        "   AND f.person_id = ?8))"
	        " AND (?10 = 0 OR m.concluded_ms IS NULL)");
	bind_viewer(st, viewer);
	bind_text_or_null(st, 5, f->stage);
	bind_text_or_null(st, 6, f->category);
	xf_sql_bind_int64(st, 7, f->unit_id);
	xf_sql_bind_int64(st, 8, f->person_id);
	xf_sql_bind_int64(st, 10, f->due != NULL);
	listed *items = NULL;
	size_t n = 0, alloc = 0;
	int rc;
	const xf_calendar *cal = xf_calendar_default();
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		if (!accusation_shown(st, 0, viewer))
			continue;
		/* the row columns follow the three of the accusation test */
		xf_matter_row r;
		memset(&r, 0, sizeof r);
		r.id = xf_sql_column_int64(st, 3);
		int64_t due = 0;
		if (f->due) {
			/* read the stamps the clock needs */
			r.received_ms = col(st, 3 + 12);
			r.accepted_ms = col(st, 3 + 13);
			r.acceptance_notice_ms = col(st, 3 + 14);
			r.answered_ms = col(st, 3 + 15);
			r.concluded_ms = col(st, 3 + 16);
			r.review_requested_ms = col(st, 3 + 17);
			r.reviewed_ms = col(st, 3 + 18);
			r.re_review_requested_ms = col(st, 3 + 19);
			r.re_reviewed_ms = col(st, 3 + 20);
			r.extension_days = (int)col(st, 3 + 23);
			xf_row_copy(r.stage, sizeof r.stage, st, 3 + 9);
			xf_matter_clock c = xf_store_matter_row_clock(&r);
			c.cal = cal;
			xf_due_kind kind = xf_matter_next_due(&c, &due);
			/* a repeat (重复访) not accepted on its own is the original's: not counted
			 * twice */
			bool folded = col(st, 3 + 7) && strcmp(r.stage, "received") == 0;
			if (kind == XF_DUE_NONE || due > f->until_ms || folded)
				continue;
		}
		XF_GROW(items, n + 1, alloc);
		items[n++] = (listed){due, r.id};
	}
	xf_sql_reset(st);
	if (rc != XF_SQL_DONE) {
		free(items);
		return xf_db_fail(db, rc);
	}
	if (n)
		qsort(items, n, sizeof *items, f->due ? by_due : by_id_desc);
	*out = items;
	*count = n;
	return XF_OK;
}

int xf_store_matter_list(xf_db *db, const xf_viewer *viewer, const xf_matter_filter *f,
                         json_t **out)
{
	listed *items = NULL;
	size_t n = 0;
	int rc = list_ids(db, viewer, f, &items, &n);
	if (rc != XF_OK)
		return rc;
	json_t *list = json_array();
	size_t limit = f->limit > 0 ? (size_t)f->limit : n;
	for (size_t i = 0; rc == XF_OK && i < n && i < limit; i++) {
		json_t *m;
		rc = xf_store_matter_full_json(db, items[i].id, f->now_ms, &m);
		if (rc != XF_OK)
			break;
		/* the person named, for the lists of the wall and the office */
		xf_sql_stmt *st = xf_db_prepare(db, "SELECT name FROM persons WHERE id = ?");
		int64_t pid = json_integer_value(json_object_get(m, "person_id"));
		xf_sql_bind_int64(st, 1, pid);
		rc = xf_row_one(db, st);
		if (rc == XF_OK) {
			json_object_set_new(m, "person",
			                    json_pack("{s:I, s:s}", "id", (json_int_t)pid, "name",
			                              xf_row_text(st, 0)));
			xf_sql_reset(st);
		}
		json_array_append_new(list, m);
	}
	free(items);
	if (rc != XF_OK) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return XF_OK;
}

/* Kept under the name of the first version (xf_store_people.h). */
int xf_store_matters_due(xf_db *db, const xf_viewer *viewer, int64_t now_ms, int64_t until_ms,
                         json_t **out)
{
	xf_matter_filter f = {.due = "soon", .until_ms = until_ms, .now_ms = now_ms};
	return xf_store_matter_list(db, viewer, &f, out);
}

int xf_store_matter_due_counts(xf_db *db, const xf_viewer *viewer, int64_t now_ms, json_t **out)
{
	xf_matter_filter f = {.due = "soon",
	                      .until_ms = xf_matter_due_until(now_ms, true, XF_DUE_SOON_DAYS),
	                      .now_ms = now_ms};
	listed *items = NULL;
	size_t n = 0;
	int rc = list_ids(db, viewer, &f, &items, &n);
	if (rc != XF_OK)
		return rc;
	json_t *units = json_object();
	int overdue = 0, soon = 0;
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		bool late = xf_matter_overdue(items[i].due_ms, now_ms);
		late ? overdue++ : soon++;
		xf_sql_stmt *st = xf_db_prepare(
		    db, "SELECT coalesce(handling_unit_id, unit_id, 0) FROM matters WHERE id = ?");
		xf_sql_bind_int64(st, 1, items[i].id);
		int64_t unit = 0;
		rc = xf_row_int64(db, st, &unit);
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)unit);
		json_t *u = json_object_get(units, key);
		if (!u) {
			u = json_pack("{s:o, s:i, s:i}", "unit_id",
			              unit ? json_integer(unit) : json_null(), "overdue", 0, "soon",
			              0);
			json_object_set_new(units, key, u);
		}
		const char *which = late ? "overdue" : "soon";
		json_object_set_new(
		    u, which, json_integer(json_integer_value(json_object_get(u, which)) + 1));
	}
	free(items);
	json_t *list = json_array();
	const char *key;
	json_t *u;
	json_object_foreach(units, key, u) json_array_append(list, u);
	json_decref(units);
	if (rc != XF_OK) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:i, s:i, s:o}", "overdue", overdue, "soon", soon, "units", list);
	return XF_OK;
}

/* ---- units and conflicts ---- */

int xf_store_discipline_unit(xf_db *db, int64_t unit_id, int64_t *found)
{
	/* the mine of unit_id: walk up to the unit of kind mine (or the root) */
	xf_sql_stmt *st = xf_db_prepare(
	    db, "WITH RECURSIVE up(id, parent_id, kind, depth) AS (SELECT id, parent_id, kind, 0"
	        " FROM units WHERE id = ?1 UNION SELECT u.id, u.parent_id, u.kind, up.depth + 1"
	        " FROM units u JOIN up ON u.id = up.parent_id),"
	        " mine(id) AS (SELECT id FROM up WHERE kind = 'mine' OR parent_id IS NULL"
	        "   ORDER BY depth LIMIT 1),"
	        " down(id, kind, depth) AS (SELECT id, kind, 0 FROM units WHERE id = (SELECT id"
	        "   FROM mine) UNION SELECT u.id, u.kind, down.depth + 1 FROM units u JOIN down"
	        "   ON u.parent_id = down.id)"
	        " SELECT id FROM down WHERE kind = 'discipline' ORDER BY depth, id LIMIT 1");
	xf_sql_bind_int64(st, 1, unit_id);
	*found = 0;
	int rc = xf_row_int64(db, st, found);
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

int xf_store_unit_at_or_above(xf_db *db, int64_t a, int64_t b, bool *yes)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "WITH RECURSIVE up(id) AS (SELECT CAST(?1 AS BIGINT) UNION SELECT u.parent_id FROM"
	        " units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL)"
	        " SELECT 1 FROM up WHERE id = ?2");
	xf_sql_bind_int64(st, 1, b);
	xf_sql_bind_int64(st, 2, a);
	int rc = xf_row_none(db, st);
	*yes = rc == XF_CONFLICT;
	return rc == XF_CONFLICT ? XF_OK : rc;
}

int xf_store_accused_conflict(xf_db *db, int64_t person_id, int64_t user_id, int64_t *matter_id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT m.id FROM matters m JOIN matter_persons mp ON mp.matter_id = m.id"
	        " JOIN users us ON us.id = ?2 WHERE mp.person_id = ?1 AND m.category = 'accusation'"
	        " AND m.accused_unit_id IS NOT NULL AND us.unit_id IS NOT NULL"
	        " AND m.accused_unit_id IN (WITH RECURSIVE up(id) AS (SELECT us.unit_id UNION"
	        "   SELECT u.parent_id FROM units u JOIN up ON u.id = up.id"
	        "   WHERE u.parent_id IS NOT NULL) SELECT id FROM up)"
	        " ORDER BY m.id LIMIT 1");
	xf_sql_bind_int64(st, 1, person_id);
	xf_sql_bind_int64(st, 2, user_id);
	*matter_id = 0;
	int rc = xf_row_int64(db, st, matter_id);
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

/* ---- alarms ---- */

/* The first moment the alarm scan calls a clock due at due_ms "due soon": the start of the
 * first Beijing day whose window (xf_matter_due_until) takes due_ms in. */
static int64_t soon_at(int64_t due_ms)
{
	for (int32_t d = xf_beijing_day(due_ms) - XF_DUE_SOON_DAYS - 2;; d++) {
		int64_t t = xf_beijing_day_end(d - 1);
		if (xf_matter_due_until(t, true, XF_DUE_SOON_DAYS) >= due_ms)
			return t;
	}
}

static int mark_written(xf_db *db, int64_t id, const char *clock, const char *mark, int64_t due_ms,
                        bool *yes)
{
	xf_sql_stmt *q = xf_db_prepare(db, "SELECT 1 FROM matter_alarms WHERE matter_id = ? AND"
	                                   " clock = ? AND mark = ? AND due_ms = ?");
	xf_sql_bind_int64(q, 1, id);
	xf_sql_bind_text(q, 2, clock, -1);
	xf_sql_bind_text(q, 3, mark, -1);
	xf_sql_bind_int64(q, 4, due_ms);
	int rc = xf_row_none(db, q);
	*yes = rc == XF_CONFLICT;
	return rc == XF_CONFLICT ? XF_OK : rc;
}

/* Whether the alarms of a row are raised at all: an open matter, not a repeat that the
 * original's clocks cover (a repeat not accepted on its own). */
static bool alarms_apply(const xf_matter_row *r)
{
	return !r->concluded_ms && strcmp(r->stage, "re_reviewed") != 0 &&
	       !(r->repeat_of && strcmp(r->stage, "received") == 0);
}

/* Sets matters.alarm_ms of a row: the earliest time one of its duty clocks reaches a mark
 * (due_soon, then overdue) not yet written for its due time; NULL when none. */
static int alarm_set(xf_db *db, const xf_matter_row *r)
{
	int64_t next = 0;
	int rc = XF_OK;
	xf_matter_clock c = xf_store_matter_row_clock(r);
	for (int k = 0; rc == XF_OK && alarms_apply(r) && k < XF_CLOCK_COUNT; k++) {
		if (!xf_clock_is_duty((xf_clock_id)k))
			continue;
		xf_clock_state s = xf_matter_clock_state(&c, (xf_clock_id)k);
		if (!s.running)
			continue;
		const char *clock = xf_clock_name((xf_clock_id)k);
		bool late = false, soon = false;
		rc = mark_written(db, r->id, clock, "overdue", s.due_ms, &late);
		if (rc == XF_OK && !late)
			rc = mark_written(db, r->id, clock, "due_soon", s.due_ms, &soon);
		if (rc != XF_OK || late)
			continue;
		int64_t at = soon ? s.due_ms : soon_at(s.due_ms);
		if (!next || at < next)
			next = at;
	}
	if (rc != XF_OK)
		return rc;
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE matters SET alarm_ms = ? WHERE id = ?");
	bind_ms(st, 1, next);
	xf_sql_bind_int64(st, 2, r->id);
	return xf_db_exec(db, st);
}

int xf_store_matter_alarm_refresh(xf_db *db, int64_t id)
{
	xf_matter_row r;
	int rc = xf_store_matter_get(db, id, &r);
	return rc == XF_OK ? alarm_set(db, &r) : rc;
}

/* Refreshes the alarm of matter id after a write that answered rc. */
static int refreshed(xf_db *db, int64_t id, int rc)
{
	return rc == XF_OK ? xf_store_matter_alarm_refresh(db, id) : rc;
}

int xf_store_matter_alarms_due(xf_db *db, int64_t now_ms, bool write, xf_matter_alarm *out,
                               size_t max, size_t *n)
{
	*n = 0;
	/* only the matters whose alarm is due (the partial index matters_alarm) */
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " ROW_COLUMNS " FROM matters m"
	                                    " WHERE m.alarm_ms IS NOT NULL AND m.alarm_ms <= ?"
	                                    " ORDER BY m.alarm_ms, m.id LIMIT ?");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, (int64_t)max);
	xf_matter_row *rows = NULL;
	size_t count = 0;
	int rc = xf_rows_read(db, st, sizeof *rows, read_row, (void **)&rows, &count);
	if (rc != XF_OK)
		return rc;
	if (!write) { /* the look before the write lock: how many are to be visited */
		free(rows);
		*n = count;
		return XF_OK;
	}
	int64_t soon_until = xf_matter_due_until(now_ms, true, XF_DUE_SOON_DAYS);
	for (size_t i = 0; rc == XF_OK && i < count && *n < max; i++) {
		xf_matter_clock c = xf_store_matter_row_clock(&rows[i]);
		for (int k = 0;
		     rc == XF_OK && alarms_apply(&rows[i]) && k < XF_CLOCK_COUNT && *n < max; k++) {
			if (!xf_clock_is_duty((xf_clock_id)k))
				continue;
			xf_clock_state s = xf_matter_clock_state(&c, (xf_clock_id)k);
			if (!s.running || s.due_ms > soon_until)
				continue;
			const char *mark =
			    xf_matter_overdue(s.due_ms, now_ms) ? "overdue" : "due_soon";
			const char *clock = xf_clock_name((xf_clock_id)k);
			bool written = false;
			rc = mark_written(db, rows[i].id, clock, mark, s.due_ms, &written);
			if (rc != XF_OK || written)
				continue;
			xf_sql_stmt *q =
			    xf_db_prepare(db, "INSERT INTO matter_alarms (matter_id, clock,"
			                      " mark, due_ms, at_ms) VALUES (?, ?, ?, ?, ?)");
			xf_sql_bind_int64(q, 1, rows[i].id);
			xf_sql_bind_text(q, 2, clock, -1);
			xf_sql_bind_text(q, 3, mark, -1);
			xf_sql_bind_int64(q, 4, s.due_ms);
			xf_sql_bind_int64(q, 5, now_ms);
			rc = xf_db_exec(db, q);
			xf_matter_alarm *a = &out[(*n)++];
			a->matter_id = rows[i].id;
			a->due_ms = s.due_ms;
			a->handler_id = rows[i].handler_id;
			a->incident_id = rows[i].incident_id;
			snprintf(a->clock, sizeof a->clock, "%s", clock);
			snprintf(a->mark, sizeof a->mark, "%s", mark);
		}
		/* the next alarm of the matter (NULL when none is left) */
		if (rc == XF_OK)
			rc = alarm_set(db, &rows[i]);
	}
	free(rows);
	return rc;
}
