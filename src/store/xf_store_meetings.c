/* Meetings, their attendees and decisions; reply venues and their bookings: the
 * tables (migration 5) and the SQL of xf_store_meetings.h. The collision rule of
 * bookings is core/xf_venue.c's xf_interval_overlaps(); the query below states the
 * same half-open test so the database can use its index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_venue.h"
#include "store/xf_migrations.h"
#include "store/xf_store_db.h"
#include "store/xf_store_meetings.h"
#include "store/xf_store_rows.h"

const char xf_migration_meetings[] =
    "CREATE TABLE meetings ("
    "  id INTEGER PRIMARY KEY,"
    "  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('leadership','unit_leaders')),"
    "  starts_ms INTEGER NOT NULL,"
    "  place TEXT NOT NULL DEFAULT '',"
    "  minutes TEXT NOT NULL DEFAULT '',"
    "  task_id INTEGER REFERENCES tasks(id),"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL);"
    "CREATE INDEX meetings_incident ON meetings (incident_id, starts_ms);"
    "CREATE TABLE meeting_attendees ("
    "  id INTEGER PRIMARY KEY,"
    "  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
    "  user_id INTEGER REFERENCES users(id),"
    "  name TEXT NOT NULL);"
    "CREATE INDEX meeting_attendees_meeting ON meeting_attendees (meeting_id);"
    "CREATE TABLE meeting_decisions ("
    "  id INTEGER PRIMARY KEY,"
    "  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
    "  position INTEGER NOT NULL,"
    "  text TEXT NOT NULL,"
    "  task_id INTEGER NOT NULL REFERENCES tasks(id),"
    "  created_ms INTEGER NOT NULL);"
    "CREATE INDEX meeting_decisions_meeting ON meeting_decisions (meeting_id, position);"
    "CREATE TABLE venues ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 100000),"
    "  plan_venue_id TEXT UNIQUE,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_ms INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL);"
    "CREATE TABLE bookings ("
    "  id INTEGER PRIMARY KEY,"
    "  venue_id INTEGER NOT NULL REFERENCES venues(id),"
    "  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    "  starts_ms INTEGER NOT NULL,"
    "  ends_ms INTEGER NOT NULL,"
    "  headcount INTEGER NOT NULL CHECK (headcount >= 1),"
    "  purpose TEXT NOT NULL DEFAULT 'reply'"
    "    CHECK (purpose IN ('reply','meeting','interview','other')),"
    "  note TEXT NOT NULL DEFAULT '',"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL,"
    "  cancelled_ms INTEGER,"
    "  cancelled_by INTEGER REFERENCES users(id),"
    "  CHECK (ends_ms > starts_ms));"
    "CREATE INDEX bookings_venue_live ON bookings (venue_id, starts_ms)"
    "  WHERE cancelled_ms IS NULL;"
    "CREATE INDEX bookings_incident ON bookings (incident_id, starts_ms);";

/* {id, name} of the user in columns i (id) and i + 1 (name), or null. */
static json_t *user_json(xf_sql_stmt *st, int i)
{
	if (xf_sql_column_is_null(st, i))
		return json_null();
	return json_pack("{s:I, s:s}", "id", (json_int_t)xf_sql_column_int64(st, i), "name",
	                 xf_row_text(st, i + 1));
}

/* ---- meetings ---- */

int xf_store_meeting_insert(xf_db *db, const xf_meeting_new *in, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO meetings (incident_id, kind, starts_ms, place, minutes, task_id,"
	        " created_by, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) "
	        "RETURNING id");
	xf_sql_bind_int64(st, 1, in->incident_id);
	xf_sql_bind_text(st, 2, in->kind, -1);
	xf_sql_bind_int64(st, 3, in->starts_ms);
	xf_sql_bind_text(st, 4, in->place ? in->place : "", -1);
	xf_sql_bind_text(st, 5, in->minutes ? in->minutes : "", -1);
	xf_bind_id(st, 6, in->task_id);
	xf_bind_id(st, 7, in->created_by);
	xf_sql_bind_int64(st, 8, in->now_ms);
	return xf_row_insert(db, st, id);
}

static void read_meeting_row(xf_sql_stmt *st, void *row)
{
	xf_meeting_row *out = row;
	memset(out, 0, sizeof *out);
	out->id = xf_sql_column_int64(st, 0);
	out->incident_id = xf_sql_column_int64(st, 1);
	out->task_id = xf_sql_column_int64(st, 2);
	out->starts_ms = xf_sql_column_int64(st, 3);
	xf_row_copy(out->kind, sizeof out->kind, st, 4);
	out->has_minutes = xf_sql_column_int(st, 5) != 0;
}

int xf_store_meeting_get(xf_db *db, int64_t id, xf_meeting_row *out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT id, incident_id, coalesce(task_id, 0), starts_ms,"
	                      " kind, minutes != '' FROM meetings WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_meeting_row, out);
}

int xf_store_meeting_update(xf_db *db, int64_t id, const char *place, const char *minutes,
                            int64_t starts_ms, int64_t task_id, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE meetings SET place = coalesce(?1, place), minutes = coalesce(?2, minutes),"
	        " starts_ms = coalesce(?3, starts_ms), task_id = coalesce(?4, task_id),"
	        " updated_ms = ?5 WHERE id = ?6");
	if (place)
		xf_sql_bind_text(st, 1, place, -1);
	if (minutes)
		xf_sql_bind_text(st, 2, minutes, -1);
	if (starts_ms)
		xf_sql_bind_int64(st, 3, starts_ms);
	if (task_id)
		xf_sql_bind_int64(st, 4, task_id);
	xf_sql_bind_int64(st, 5, now_ms);
	xf_sql_bind_int64(st, 6, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_meeting_attendees_clear(xf_db *db, int64_t meeting_id)
{
	xf_sql_stmt *st = xf_db_prepare(db, "DELETE FROM meeting_attendees WHERE meeting_id = ?");
	xf_sql_bind_int64(st, 1, meeting_id);
	return xf_db_exec(db, st);
}

int xf_store_meeting_attendee_add(xf_db *db, int64_t meeting_id, int64_t user_id, const char *name)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO meeting_attendees (meeting_id, user_id, name) VALUES (?, ?, ?)");
	xf_sql_bind_int64(st, 1, meeting_id);
	xf_bind_id(st, 2, user_id);
	xf_sql_bind_text(st, 3, name, -1);
	return xf_db_exec(db, st);
}

int xf_store_meeting_decision_add(xf_db *db, int64_t meeting_id, const char *text, int64_t task_id,
                                  int64_t now_ms, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO meeting_decisions (meeting_id, position, text, task_id, created_ms)"
	        " VALUES (?1, (SELECT coalesce(max(position), 0) + 1 FROM meeting_decisions"
	        " WHERE meeting_id = ?1), ?2, ?3, ?4) RETURNING id");
	xf_sql_bind_int64(st, 1, meeting_id);
	xf_sql_bind_text(st, 2, text, -1);
	xf_sql_bind_int64(st, 3, task_id);
	xf_sql_bind_int64(st, 4, now_ms);
	return xf_row_insert(db, st, id);
}

static json_t *read_attendee(xf_sql_stmt *st)
{
	return json_pack("{s:o, s:s}", "user_id", xf_row_id(st, 0), "name", xf_row_text(st, 1));
}

static int meeting_attendees(xf_db *db, int64_t meeting_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT user_id, name FROM meeting_attendees WHERE meeting_id = ? ORDER BY id");
	xf_sql_bind_int64(st, 1, meeting_id);
	return xf_rows_json(db, st, read_attendee, out);
}

static json_t *read_decision(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:i, s:s, s:I, s:o}", "id", (json_int_t)xf_sql_column_int64(st, 0),
	                 "position", xf_sql_column_int(st, 1), "text", xf_row_text(st, 2),
	                 "task_id", (json_int_t)xf_sql_column_int64(st, 3), "created_at",
	                 xf_row_time(st, 4));
}

static int meeting_decisions(xf_db *db, int64_t meeting_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT id, position, text, task_id, created_ms"
	                                    " FROM meeting_decisions WHERE meeting_id = ?"
	                                    " ORDER BY position, id");
	xf_sql_bind_int64(st, 1, meeting_id);
	json_t *list;
	int rc = xf_rows_json(db, st, read_decision, &list);
	if (rc != XF_OK)
		return rc;
	/* Each decision carries its task as the checklist shows it (status, owner, due). */
	size_t i;
	json_t *d;
	json_array_foreach(list, i, d)
	{
		json_t *task;
		rc = xf_store_task_json(db, json_integer_value(json_object_get(d, "task_id")),
		                        &task);
		if (rc == XF_NOTFOUND)
			task = json_null();
		else if (rc != XF_OK) {
			json_decref(list);
			return rc;
		}
		json_object_set_new(d, "task", task);
	}
	*out = list;
	return XF_OK;
}

static json_t *read_meeting(xf_sql_stmt *st)
{
	const char *kind = xf_row_text(st, 3);
	json_t *m = json_object();
	json_object_set_new(m, "id", json_integer(xf_sql_column_int64(st, 0)));
	json_object_set_new(m, "incident_id", json_integer(xf_sql_column_int64(st, 1)));
	json_object_set_new(m, "incident_number", json_string(xf_row_text(st, 2)));
	json_object_set_new(m, "kind", json_string(kind));
	json_object_set_new(m, "kind_name", json_string(xf_meeting_kind_zh(kind)));
	json_object_set_new(m, "starts_at", xf_row_time(st, 4));
	json_object_set_new(m, "place", json_string(xf_row_text(st, 5)));
	json_object_set_new(m, "minutes", json_string(xf_row_text(st, 6)));
	json_object_set_new(m, "task_id", xf_row_id(st, 7));
	json_object_set_new(m, "created_by", user_json(st, 8));
	json_object_set_new(m, "created_at", xf_row_time(st, 10));
	json_object_set_new(m, "updated_at", xf_row_time(st, 11));
	return m;
}

int xf_store_meeting_json(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT m.id, m.incident_id, i.number, m.kind, m.starts_ms, m.place, m.minutes,"
	        " m.task_id, m.created_by, u.name, m.created_ms, m.updated_ms"
	        " FROM meetings m JOIN incidents i ON i.id = m.incident_id"
	        " LEFT JOIN users u ON u.id = m.created_by WHERE m.id = ?");
	xf_sql_bind_int64(st, 1, id);
	json_t *m;
	int rc = xf_row_json(db, st, read_meeting, &m);
	if (rc != XF_OK)
		return rc;
	json_t *attendees = NULL, *decisions = NULL;
	rc = meeting_attendees(db, id, &attendees);
	if (rc == XF_OK)
		rc = meeting_decisions(db, id, &decisions);
	if (rc != XF_OK) {
		json_decref(attendees);
		json_decref(m);
		return rc;
	}
	json_object_set_new(m, "attendees", attendees);
	json_object_set_new(m, "decisions", decisions);
	*out = m;
	return XF_OK;
}

int xf_store_meeting_list(xf_db *db, int64_t incident_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id FROM meetings WHERE incident_id = ? ORDER BY starts_ms, id");
	xf_sql_bind_int64(st, 1, incident_id);
	return xf_rows_json_by_id(db, st, xf_store_meeting_json, out);
}

/* ---- venues ---- */

int xf_store_venue_by_plan_id(xf_db *db, const char *plan_venue_id, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT id FROM venues WHERE plan_venue_id = ?");
	xf_sql_bind_text(st, 1, plan_venue_id, -1);
	return xf_row_int64(db, st, id);
}

int xf_store_venue_adopt(xf_db *db, const char *plan_venue_id, const char *name, int64_t now_ms,
                         int64_t *id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "UPDATE venues SET plan_venue_id = ?1, updated_ms = ?3"
	                      " WHERE name = ?2 AND plan_venue_id IS NULL RETURNING id");
	xf_sql_bind_text(st, 1, plan_venue_id, -1);
	xf_sql_bind_text(st, 2, name, -1);
	xf_sql_bind_int64(st, 3, now_ms);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	*id = xf_sql_column_int64(st, 0);
	/* Run the statement to its end so the change is complete before the reset. */
	rc = xf_sql_step(st);
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}

int xf_store_venue_insert(xf_db *db, const char *name, int capacity, const char *plan_venue_id,
                          const char *note, int64_t now_ms, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO venues (name, capacity, plan_venue_id, note, created_ms, updated_ms)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id");
	xf_sql_bind_text(st, 1, name, -1);
	xf_sql_bind_int64(st, 2, capacity);
	if (plan_venue_id && *plan_venue_id)
		xf_sql_bind_text(st, 3, plan_venue_id, -1);
	xf_sql_bind_text(st, 4, note ? note : "", -1);
	xf_sql_bind_int64(st, 5, now_ms);
	return xf_row_insert(db, st, id);
}

int xf_store_venue_update(xf_db *db, int64_t id, const char *name, int capacity, const char *note,
                          int active, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE venues SET name = coalesce(?1, name), capacity = coalesce(?2, capacity),"
	        " note = coalesce(?3, note), active = coalesce(?4, active), updated_ms = ?5"
	        " WHERE id = ?6");
	if (name)
		xf_sql_bind_text(st, 1, name, -1);
	if (capacity > 0)
		xf_sql_bind_int64(st, 2, capacity);
	if (note)
		xf_sql_bind_text(st, 3, note, -1);
	if (active >= 0)
		xf_sql_bind_int64(st, 4, active ? 1 : 0);
	xf_sql_bind_int64(st, 5, now_ms);
	xf_sql_bind_int64(st, 6, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

static void read_venue_row(xf_sql_stmt *st, void *row)
{
	xf_venue_row *out = row;
	memset(out, 0, sizeof *out);
	out->id = xf_sql_column_int64(st, 0);
	out->capacity = xf_sql_column_int(st, 1);
	out->active = xf_sql_column_int(st, 2) != 0;
	xf_row_copy(out->name, sizeof out->name, st, 3);
	xf_row_copy(out->plan_venue_id, sizeof out->plan_venue_id, st, 4);
}

int xf_store_venue_get(xf_db *db, int64_t id, xf_venue_row *out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT id, capacity, active, name,"
	                      " coalesce(plan_venue_id, '') FROM venues WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_venue_row, out);
}

#define VENUE_COLUMNS "id, name, capacity, plan_venue_id, note, active, created_ms, updated_ms"

static json_t *read_venue(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s, s:i, s:o, s:s, s:b, s:o, s:o}", "id",
	                 (json_int_t)xf_sql_column_int64(st, 0), "name", xf_row_text(st, 1),
	                 "capacity", xf_sql_column_int(st, 2), "plan_venue_id",
	                 xf_row_string(st, 3), "note", xf_row_text(st, 4), "active",
	                 xf_sql_column_int(st, 5) != 0, "created_at", xf_row_time(st, 6),
	                 "updated_at", xf_row_time(st, 7));
}

int xf_store_venue_json(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " VENUE_COLUMNS " FROM venues WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_json(db, st, read_venue, out);
}

int xf_store_venue_list(xf_db *db, bool all, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " VENUE_COLUMNS " FROM venues"
	                                    " WHERE ?1 = 1 OR active = 1 ORDER BY capacity, id");
	xf_sql_bind_int64(st, 1, all);
	return xf_rows_json(db, st, read_venue, out);
}

/* ---- bookings ---- */

#define BOOKING_ROW_COLUMNS                                                                        \
	"b.id, b.venue_id, b.incident_id, b.starts_ms, b.ends_ms, coalesce(b.cancelled_ms, 0),"    \
	" b.headcount, i.number, b.purpose, v.name"
#define BOOKING_JOINS                                                                              \
	" FROM bookings b JOIN incidents i ON i.id = b.incident_id JOIN venues v ON v.id = "       \
	"b.venue_id"

static void read_booking_row(xf_sql_stmt *st, void *row)
{
	xf_booking_row *out = row;
	memset(out, 0, sizeof *out);
	out->id = xf_sql_column_int64(st, 0);
	out->venue_id = xf_sql_column_int64(st, 1);
	out->incident_id = xf_sql_column_int64(st, 2);
	out->starts_ms = xf_sql_column_int64(st, 3);
	out->ends_ms = xf_sql_column_int64(st, 4);
	out->cancelled_ms = xf_sql_column_int64(st, 5);
	out->headcount = xf_sql_column_int(st, 6);
	xf_row_copy(out->number, sizeof out->number, st, 7);
	xf_row_copy(out->purpose, sizeof out->purpose, st, 8);
	xf_row_copy(out->venue_name, sizeof out->venue_name, st, 9);
}

int xf_store_booking_conflict(xf_db *db, int64_t venue_id, int64_t starts_ms, int64_t ends_ms,
                              xf_booking_row *out)
{
	/* xf_interval_overlaps(): b.starts < ends AND starts < b.ends. */
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " BOOKING_ROW_COLUMNS BOOKING_JOINS
	                                    " WHERE b.venue_id = ?1 AND b.cancelled_ms IS NULL"
	                                    " AND b.starts_ms < ?3 AND ?2 < b.ends_ms"
	                                    " ORDER BY b.starts_ms, b.id LIMIT 1");
	xf_sql_bind_int64(st, 1, venue_id);
	xf_sql_bind_int64(st, 2, starts_ms);
	xf_sql_bind_int64(st, 3, ends_ms);
	return xf_row_get(db, st, read_booking_row, out);
}

int xf_store_booking_insert(xf_db *db, const xf_booking_new *in, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "INSERT INTO bookings (venue_id, incident_id, starts_ms, ends_ms, headcount, purpose,"
	    " note, created_by, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	xf_sql_bind_int64(st, 1, in->venue_id);
	xf_sql_bind_int64(st, 2, in->incident_id);
	xf_sql_bind_int64(st, 3, in->starts_ms);
	xf_sql_bind_int64(st, 4, in->ends_ms);
	xf_sql_bind_int64(st, 5, in->headcount);
	xf_sql_bind_text(st, 6, in->purpose, -1);
	xf_sql_bind_text(st, 7, in->note ? in->note : "", -1);
	xf_bind_id(st, 8, in->created_by);
	xf_sql_bind_int64(st, 9, in->now_ms);
	return xf_row_insert(db, st, id);
}

int xf_store_booking_get(xf_db *db, int64_t id, xf_booking_row *out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT " BOOKING_ROW_COLUMNS BOOKING_JOINS " WHERE b.id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_booking_row, out);
}

int xf_store_booking_cancel(xf_db *db, int64_t id, int64_t by_user_id, int64_t now_ms)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "UPDATE bookings SET cancelled_ms = ?1, cancelled_by = ?2"
	                      " WHERE id = ?3 AND cancelled_ms IS NULL");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_bind_id(st, 2, by_user_id);
	xf_sql_bind_int64(st, 3, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

#define BOOKING_COLUMNS                                                                            \
	"b.id, b.incident_id, i.number, b.venue_id, v.name, v.capacity, b.starts_ms, b.ends_ms,"   \
	" b.headcount, b.purpose, b.note, b.created_by, cu.name, b.created_ms, b.cancelled_ms,"    \
	" b.cancelled_by, xu.name"
#define BOOKING_JSON_JOINS                                                                         \
	BOOKING_JOINS " LEFT JOIN users cu ON cu.id = b.created_by"                                \
	              " LEFT JOIN users xu ON xu.id = b.cancelled_by"

static json_t *read_booking(xf_sql_stmt *st)
{
	const char *purpose = xf_row_text(st, 9);
	bool cancelled = !xf_sql_column_is_null(st, 14);
	json_t *b = json_object();
	json_object_set_new(b, "id", json_integer(xf_sql_column_int64(st, 0)));
	json_object_set_new(b, "incident_id", json_integer(xf_sql_column_int64(st, 1)));
	json_object_set_new(b, "incident_number", json_string(xf_row_text(st, 2)));
	json_object_set_new(b, "venue",
	                    json_pack("{s:I, s:s, s:i}", "id",
	                              (json_int_t)xf_sql_column_int64(st, 3), "name",
	                              xf_row_text(st, 4), "capacity", xf_sql_column_int(st, 5)));
	json_object_set_new(b, "starts_at", xf_row_time(st, 6));
	json_object_set_new(b, "ends_at", xf_row_time(st, 7));
	json_object_set_new(b, "headcount", json_integer(xf_sql_column_int(st, 8)));
	json_object_set_new(b, "purpose", json_string(purpose));
	json_object_set_new(b, "purpose_name", json_string(xf_booking_purpose_zh(purpose)));
	json_object_set_new(b, "note", json_string(xf_row_text(st, 10)));
	json_object_set_new(b, "status", json_string(cancelled ? "cancelled" : "booked"));
	json_object_set_new(b, "created_by", user_json(st, 11));
	json_object_set_new(b, "created_at", xf_row_time(st, 13));
	json_object_set_new(b, "cancelled_at", xf_row_time(st, 14));
	json_object_set_new(b, "cancelled_by", user_json(st, 15));
	return b;
}

int xf_store_booking_json(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT " BOOKING_COLUMNS BOOKING_JSON_JOINS " WHERE b.id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_json(db, st, read_booking, out);
}

int xf_store_booking_list(xf_db *db, int64_t incident_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " BOOKING_COLUMNS BOOKING_JSON_JOINS
	                                    " WHERE b.incident_id = ? ORDER BY b.starts_ms, b.id");
	xf_sql_bind_int64(st, 1, incident_id);
	return xf_rows_json(db, st, read_booking, out);
}
