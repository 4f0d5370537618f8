/* The rosters in SQL (see xf_store_roster.h): migration 4 with the staff, leadership,
 * duty_shifts and contacts tables, their reads and writes, the import of unit and staff
 * CSV files (checked by core/xf_csv.c, applied here), and the people to call for a
 * step of the plan. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/xf_migrations.h"
#include "store/xf_store_db.h"
#include "store/xf_store_roster.h"
#include "store/xf_store_rows.h"
#include "util/xf_buf.h"

const char xf_migration_roster[] =
    "CREATE TABLE staff ("
    "  id INTEGER PRIMARY KEY,"
    "  staff_number TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),"
    "  position TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  user_id INTEGER REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL);"
    "CREATE INDEX staff_unit ON staff (unit_id);"
    "CREATE UNIQUE INDEX staff_user ON staff (user_id) WHERE user_id IS NOT NULL;"
    "CREATE TABLE leadership ("
    "  id INTEGER PRIMARY KEY,"
    "  position TEXT NOT NULL,"
    "  staff_id INTEGER REFERENCES staff(id),"
    "  user_id INTEGER REFERENCES users(id),"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  sort_order INTEGER NOT NULL DEFAULT 0,"
    "  CHECK (staff_id IS NOT NULL OR user_id IS NOT NULL));"
    "CREATE INDEX leadership_position ON leadership (position);"
    "CREATE INDEX leadership_staff ON leadership (staff_id);"
    "CREATE TABLE duty_shifts ("
    "  id INTEGER PRIMARY KEY,"
    "  staff_id INTEGER NOT NULL REFERENCES staff(id),"
    "  starts_ms INTEGER NOT NULL,"
    "  ends_ms INTEGER NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  created_ms INTEGER NOT NULL,"
    "  CHECK (ends_ms > starts_ms));"
    "CREATE INDEX duty_shifts_ends ON duty_shifts (ends_ms);"
    "CREATE INDEX duty_shifts_staff ON duty_shifts (staff_id);"
    "CREATE TABLE contacts ("
    "  id INTEGER PRIMARY KEY,"
    "  label TEXT NOT NULL,"
    "  unit_id INTEGER REFERENCES units(id),"
    "  person TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  note TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX contacts_label ON contacts (label);";

/* ---- helpers ---- */

static json_t *time_json(int64_t ms)
{
	char t[XF_TIME_LEN];
	xf_time_format(ms, t);
	return json_string(t);
}

static void bind_text(xf_sql_stmt *st, int i, const char *s)
{
	xf_sql_bind_text(st, i, s ? s : "", -1);
}

static int delete_by_id(xf_db *db, const char *sql, int64_t id)
{
	xf_sql_stmt *st = xf_db_prepare(db, sql);
	xf_sql_bind_int64(st, 1, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

/* The rows of st as values; when id > 0 asked for one, XF_NOTFOUND when it is not there. */
static int list_or_one(xf_db *db, xf_sql_stmt *st, json_t *(*read)(xf_sql_stmt *), int64_t id,
                       json_t **out)
{
	int rc = xf_rows_json(db, st, read, out);
	if (rc == XF_OK && id > 0 && json_array_size(*out) == 0) {
		json_decref(*out);
		return XF_NOTFOUND;
	}
	return rc;
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/* ---- rows written whole: staff, leadership seats, contacts ---- */

/* How a member of a roster struct goes into and comes out of its column. */
typedef struct roster_field {
	enum { FIELD_TEXT, FIELD_ID, FIELD_INT64, FIELD_INT } kind; /* FIELD_ID: 0 is NULL */
	size_t offset, size;
} roster_field;

/* The initializer of a roster_field: {FIELD(type, kind, member)}. */
#define FIELD(type, kind, member) kind, offsetof(type, member), sizeof(((type *)0)->member)

/* A roster table: its statements bind the fields in order (?1 ...); after them insert
 * and save take now when stamped, and save then the row's id; get selects the fields
 * of the row ?1. */
typedef struct roster_table {
	const char *insert, *save, *get;
	const roster_field *fields;
	size_t n_fields, size, id_offset;
	bool stamped;
} roster_table;

/* Binds the fields of row; returns the next parameter's index. */
static int bind_fields(xf_sql_stmt *st, const roster_table *t, const void *row)
{
	for (size_t i = 0; i < t->n_fields; i++) {
		const roster_field *f = &t->fields[i];
		const char *p = (const char *)row + f->offset;
		int at = (int)i + 1;
		switch (f->kind) {
		case FIELD_TEXT:
			bind_text(st, at, p);
			break;
		case FIELD_ID:
			xf_bind_id(st, at, *(const int64_t *)p);
			break;
		case FIELD_INT64:
			xf_sql_bind_int64(st, at, *(const int64_t *)p);
			break;
		case FIELD_INT:
			xf_sql_bind_int64(st, at, *(const int *)p);
			break;
		}
	}
	return (int)t->n_fields + 1;
}

static int row_insert(xf_db *db, const roster_table *t, const void *row, int64_t now_ms,
                      int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(db, t->insert);
	int at = bind_fields(st, t, row);
	if (t->stamped)
		xf_sql_bind_int64(st, at, now_ms);
	return xf_row_insert(db, st, id);
}

/* Writes every field of row over the row of its id. */
static int row_save(xf_db *db, const roster_table *t, const void *row, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(db, t->save);
	int at = bind_fields(st, t, row);
	if (t->stamped)
		xf_sql_bind_int64(st, at++, now_ms);
	xf_sql_bind_int64(st, at, *(const int64_t *)((const char *)row + t->id_offset));
	return xf_row_changed(db, xf_db_exec(db, st));
}

static int row_get(xf_db *db, const roster_table *t, int64_t id, void *out)
{
	xf_sql_stmt *st = xf_db_prepare(db, t->get);
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	memset(out, 0, t->size);
	*(int64_t *)((char *)out + t->id_offset) = id;
	for (size_t i = 0; i < t->n_fields; i++) {
		const roster_field *f = &t->fields[i];
		char *p = (char *)out + f->offset;
		int col = (int)i;
		if (f->kind == FIELD_TEXT)
			xf_row_copy(p, f->size, st, col);
		else if (f->kind == FIELD_INT)
			*(int *)p = xf_sql_column_int(st, col);
		else
			*(int64_t *)p = xf_sql_column_int64(st, col);
	}
	xf_sql_reset(st);
	return XF_OK;
}

#define STAFF_FIELDS "staff_number, name, unit_id, position, phone, user_id"
static const roster_field staff_fields[] = {
    {FIELD(xf_staff, FIELD_TEXT, staff_number)}, {FIELD(xf_staff, FIELD_TEXT, name)},
    {FIELD(xf_staff, FIELD_INT64, unit_id)},     {FIELD(xf_staff, FIELD_TEXT, position)},
    {FIELD(xf_staff, FIELD_TEXT, phone)},        {FIELD(xf_staff, FIELD_ID, user_id)},
};
static const roster_table staff_table = {
    .insert = "INSERT INTO staff (" STAFF_FIELDS ", created_ms, updated_ms)"
              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) RETURNING id",
    .save = "UPDATE staff SET (" STAFF_FIELDS ", updated_ms) = (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            " WHERE id = ?8",
    .get = NULL, /* xf_store_staff_get: with the unit's name */
    .fields = staff_fields,
    .n_fields = sizeof staff_fields / sizeof *staff_fields,
    .size = sizeof(xf_staff),
    .id_offset = offsetof(xf_staff, id),
    .stamped = true,
};

#define LEADER_FIELDS "position, staff_id, user_id, phone, sort_order"
static const roster_field leader_fields[] = {
    {FIELD(xf_leader, FIELD_TEXT, position)},  {FIELD(xf_leader, FIELD_ID, staff_id)},
    {FIELD(xf_leader, FIELD_ID, user_id)},     {FIELD(xf_leader, FIELD_TEXT, phone)},
    {FIELD(xf_leader, FIELD_INT, sort_order)},
};
static const roster_table leader_table = {
    .insert = "INSERT INTO leadership (" LEADER_FIELDS ") VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
    .save = "UPDATE leadership SET (" LEADER_FIELDS ") = (?1, ?2, ?3, ?4, ?5) WHERE id = ?6",
    .get = "SELECT " LEADER_FIELDS " FROM leadership WHERE id = ?1",
    .fields = leader_fields,
    .n_fields = sizeof leader_fields / sizeof *leader_fields,
    .size = sizeof(xf_leader),
    .id_offset = offsetof(xf_leader, id),
};

#define CONTACT_FIELDS "label, unit_id, person, phone, note"
static const roster_field contact_fields[] = {
    {FIELD(xf_contact, FIELD_TEXT, label)},  {FIELD(xf_contact, FIELD_ID, unit_id)},
    {FIELD(xf_contact, FIELD_TEXT, person)}, {FIELD(xf_contact, FIELD_TEXT, phone)},
    {FIELD(xf_contact, FIELD_TEXT, note)},
};
static const roster_table contact_table = {
    .insert = "INSERT INTO contacts (" CONTACT_FIELDS ") VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
    .save = "UPDATE contacts SET (" CONTACT_FIELDS ") = (?1, ?2, ?3, ?4, ?5) WHERE id = ?6",
    .get = "SELECT " CONTACT_FIELDS " FROM contacts WHERE id = ?1",
    .fields = contact_fields,
    .n_fields = sizeof contact_fields / sizeof *contact_fields,
    .size = sizeof(xf_contact),
    .id_offset = offsetof(xf_contact, id),
};

/* ---- staff ---- */

#define STAFF_COLUMNS                                                                              \
	"s.id, s.staff_number, s.name, s.unit_id, un.name, s.position, s.phone, s.user_id"         \
	" FROM staff s JOIN units un ON un.id = s.unit_id"

static void read_staff(xf_sql_stmt *st, void *row)
{
	xf_staff *out = row;
	memset(out, 0, sizeof *out);
	out->id = xf_sql_column_int64(st, 0);
	COPY(out->staff_number, xf_row_text(st, 1));
	COPY(out->name, xf_row_text(st, 2));
	out->unit_id = xf_sql_column_int64(st, 3);
	COPY(out->unit, xf_row_text(st, 4));
	COPY(out->position, xf_row_text(st, 5));
	COPY(out->phone, xf_row_text(st, 6));
	out->user_id = xf_sql_column_int64(st, 7);
}

int xf_store_staff_insert(xf_db *db, const xf_staff *s, int64_t now_ms, int64_t *id)
{
	return row_insert(db, &staff_table, s, now_ms, id);
}

int xf_store_staff_save(xf_db *db, const xf_staff *s, int64_t now_ms)
{
	return row_save(db, &staff_table, s, now_ms);
}

int xf_store_staff_get(xf_db *db, int64_t id, xf_staff *out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " STAFF_COLUMNS " WHERE s.id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_staff, out);
}

int xf_store_staff_by_number(xf_db *db, const char *staff_number, xf_staff *out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " STAFF_COLUMNS " WHERE s.staff_number = ?");
	bind_text(st, 1, staff_number);
	return xf_row_get(db, st, read_staff, out);
}

int xf_store_staff_delete(xf_db *db, int64_t id, int64_t *shifts, int64_t *seats)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT (SELECT count(*) FROM duty_shifts WHERE staff_id = ?1),"
	                      " (SELECT count(*) FROM leadership WHERE staff_id = ?1)");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	*shifts = xf_sql_column_int64(st, 0);
	*seats = xf_sql_column_int64(st, 1);
	xf_sql_reset(st);
	if (*shifts || *seats)
		return XF_CONFLICT;
	return delete_by_id(db, "DELETE FROM staff WHERE id = ?", id);
}

json_t *xf_staff_json(const xf_staff *s)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)s->id,
	                 "staff_number", s->staff_number, "name", s->name, "unit_id",
	                 (json_int_t)s->unit_id, "unit", s->unit, "position", s->position, "phone",
	                 s->phone, "user_id", s->user_id ? json_integer(s->user_id) : json_null());
}

int xf_store_staff_list(xf_db *db, int64_t unit_id, const char *q, int64_t after_id, int limit,
                        json_t **out, int64_t *next_after_id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT " STAFF_COLUMNS " WHERE (?1 = 0 OR s.unit_id = ?1)"
	        " AND (?2 = '' OR instr(s.name, ?2) > 0 OR instr(s.staff_number, ?2) > 0)"
	        " AND s.id > ?3 ORDER BY s.id LIMIT ?4");
	xf_sql_bind_int64(st, 1, unit_id);
	bind_text(st, 2, q);
	xf_sql_bind_int64(st, 3, after_id);
	xf_sql_bind_int64(st, 4, limit + 1);
	void *rows;
	size_t n;
	int rc = xf_rows_read(db, st, sizeof(xf_staff), read_staff, &rows, &n);
	if (rc != XF_OK)
		return rc;
	/* one more than limit exists: the page ends at the last one given */
	const xf_staff *staff = rows;
	size_t given = n > (size_t)limit ? (size_t)limit : n;
	*next_after_id = n > given && given > 0 ? staff[given - 1].id : 0;
	*out = json_array();
	for (size_t i = 0; i < given; i++)
		json_array_append_new(*out, xf_staff_json(&staff[i]));
	free(rows);
	return XF_OK;
}

/* ---- the leadership group ---- */

/* Whether the staff member or the user (through their staff record) has a shift at ?N. */
#define ON_DUTY(staff_expr, user_expr, now)                                                        \
	"EXISTS (SELECT 1 FROM duty_shifts d JOIN staff ds ON ds.id = d.staff_id"                  \
	" WHERE (ds.id = " staff_expr " OR ds.user_id = " user_expr ")"                            \
	" AND d.starts_ms <= " now " AND d.ends_ms > " now ")"

int xf_store_leader_insert(xf_db *db, const xf_leader *l, int64_t *id)
{
	return row_insert(db, &leader_table, l, 0, id);
}

int xf_store_leader_save(xf_db *db, const xf_leader *l)
{
	return row_save(db, &leader_table, l, 0);
}

int xf_store_leader_delete(xf_db *db, int64_t id)
{
	return delete_by_id(db, "DELETE FROM leadership WHERE id = ?", id);
}

int xf_store_leader_get(xf_db *db, int64_t id, xf_leader *out)
{
	return row_get(db, &leader_table, id, out);
}

/* The leadership members ordered by their position's place in positions (may be NULL),
 * then sort order: all, or the one id (> 0), or those holding position (not NULL). */
static xf_sql_stmt *leader_query(xf_db *db, const json_t *positions, int64_t id,
                                 const char *position, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT l.id, l.position, l.staff_id, l.user_id, coalesce(s.name, u.name, ''),"
	        " coalesce(nullif(l.phone, ''), nullif(s.phone, ''), u.phone, ''), "
	        "l.sort_order, " ON_DUTY(
	            "l.staff_id", "l.user_id",
	            "?3") " FROM leadership l LEFT JOIN staff s ON s.id = l.staff_id"
	                  " LEFT JOIN users u ON u.id = coalesce(l.user_id, s.user_id)"
	                  " WHERE (?2 = 0 OR l.id = ?2) AND (CAST(?4 AS TEXT) IS NULL OR "
	                  "l.position = ?4)"
	                  " ORDER BY coalesce(nullif(instr(?1, '|' || l.position || '|'), 0),"
	                  "   1000000), l.sort_order, l.id");
	/* The positions as "|a|b|", so that where a position's name stands orders it (the
	 * plan's position names hold no '|'). */
	xf_buf order;
	xf_buf_init(&order, 0);
	xf_buf_append(&order, "|", 1);
	for (size_t i = 0; i < json_array_size(positions); i++) {
		const char *name = json_string_value(json_array_get(positions, i));
		if (name && !strchr(name, '|'))
			xf_buf_printf(&order, "%s|", name);
	}
	char *text = xf_buf_detach(&order, NULL);
	xf_sql_bind_text(st, 1, text, -1);
	free(text);
	xf_sql_bind_int64(st, 2, id);
	xf_sql_bind_int64(st, 3, now_ms);
	if (position)
		bind_text(st, 4, position);
	else
		xf_sql_bind_null(st, 4);
	return st;
}

static json_t *read_leader(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:s, s:s, s:i, s:b}", "id",
	                 (json_int_t)xf_sql_column_int64(st, 0), "position", xf_row_text(st, 1),
	                 "staff_id", xf_row_id(st, 2), "user_id", xf_row_id(st, 3), "name",
	                 xf_row_text(st, 4), "phone", xf_row_text(st, 5), "sort_order",
	                 xf_sql_column_int(st, 6), "on_duty", xf_sql_column_int(st, 7) != 0);
}

int xf_store_leader_list(xf_db *db, const json_t *positions, int64_t id, int64_t now_ms,
                         json_t **out)
{
	return list_or_one(db, leader_query(db, positions, id, NULL, now_ms), read_leader, id, out);
}

/* ---- the duty roster ---- */

int xf_store_duty_insert(xf_db *db, int64_t staff_id, int64_t starts_ms, int64_t ends_ms,
                         const char *note, int64_t now_ms, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO duty_shifts (staff_id, starts_ms, ends_ms, note, created_ms)"
	        " VALUES (?, ?, ?, ?, ?) RETURNING id");
	xf_sql_bind_int64(st, 1, staff_id);
	xf_sql_bind_int64(st, 2, starts_ms);
	xf_sql_bind_int64(st, 3, ends_ms);
	bind_text(st, 4, note);
	xf_sql_bind_int64(st, 5, now_ms);
	return xf_row_insert(db, st, id);
}

int xf_store_duty_delete(xf_db *db, int64_t id)
{
	return delete_by_id(db, "DELETE FROM duty_shifts WHERE id = ?", id);
}

static json_t *read_shift(xf_sql_stmt *st)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s}", "id",
	                      (json_int_t)xf_sql_column_int64(st, 0), "staff_id",
	                      (json_int_t)xf_sql_column_int64(st, 1), "staff_number",
	                      xf_row_text(st, 2), "name", xf_row_text(st, 3), "unit_id",
	                      (json_int_t)xf_sql_column_int64(st, 4), "unit", xf_row_text(st, 5),
	                      "position", xf_row_text(st, 6), "phone", xf_row_text(st, 7));
	json_object_set_new(o, "starts_at", time_json(xf_sql_column_int64(st, 8)));
	json_object_set_new(o, "ends_at", time_json(xf_sql_column_int64(st, 9)));
	json_object_set_new(o, "note", json_string(xf_row_text(st, 10)));
	json_object_set_new(o, "on_duty", json_boolean(xf_sql_column_int(st, 11) != 0));
	return o;
}

int xf_store_duty_list(xf_db *db, int64_t from_ms, int64_t to_ms, int64_t id, int64_t now_ms,
                       json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT d.id, d.staff_id, s.staff_number, s.name, s.unit_id, un.name, s.position,"
	        " coalesce(nullif(s.phone, ''), u.phone, ''), d.starts_ms, d.ends_ms, d.note,"
	        " d.starts_ms <= ?4 AND ?4 < d.ends_ms"
	        " FROM duty_shifts d JOIN staff s ON s.id = d.staff_id"
	        " JOIN units un ON un.id = s.unit_id LEFT JOIN users u ON u.id = s.user_id"
	        " WHERE (?3 > 0 AND d.id = ?3) OR (?3 = 0 AND d.ends_ms > ?1 AND d.starts_ms < ?2)"
	        " ORDER BY d.starts_ms, d.id");
	xf_sql_bind_int64(st, 1, from_ms);
	xf_sql_bind_int64(st, 2, to_ms);
	xf_sql_bind_int64(st, 3, id);
	xf_sql_bind_int64(st, 4, now_ms);
	return list_or_one(db, st, read_shift, id, out);
}

/* ---- department contacts ---- */

int xf_store_contact_insert(xf_db *db, const xf_contact *c, int64_t *id)
{
	return row_insert(db, &contact_table, c, 0, id);
}

int xf_store_contact_save(xf_db *db, const xf_contact *c)
{
	return row_save(db, &contact_table, c, 0);
}

int xf_store_contact_delete(xf_db *db, int64_t id)
{
	return delete_by_id(db, "DELETE FROM contacts WHERE id = ?", id);
}

int xf_store_contact_get(xf_db *db, int64_t id, xf_contact *out)
{
	return row_get(db, &contact_table, id, out);
}

static json_t *read_contact(xf_sql_stmt *st)
{
	return json_pack(
	    "{s:I, s:s, s:o, s:o, s:s, s:s, s:s}", "id", (json_int_t)xf_sql_column_int64(st, 0),
	    "label", xf_row_text(st, 1), "unit_id", xf_row_id(st, 2), "unit", xf_row_string(st, 3),
	    "person", xf_row_text(st, 4), "phone", xf_row_text(st, 5), "note", xf_row_text(st, 6));
}

int xf_store_contact_list(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT c.id, c.label, c.unit_id, un.name, c.person, c.phone, c.note"
	                      " FROM contacts c LEFT JOIN units un ON un.id = c.unit_id"
	                      " WHERE (?1 = 0 OR c.id = ?1) ORDER BY c.id");
	xf_sql_bind_int64(st, 1, id);
	return list_or_one(db, st, read_contact, id, out);
}

/* ---- import ---- */

/* The stored units as the checker wants them; strings borrowed from *list. */
static int stored_units(xf_db *db, json_t **list, xf_csv_unit **units, size_t *n)
{
	int rc = xf_store_unit_list(db, list);
	if (rc != XF_OK)
		return rc;
	*n = json_array_size(*list);
	*units = xf_calloc(*n ? *n : 1, sizeof **units);
	for (size_t i = 0; i < *n; i++) {
		json_t *u = json_array_get(*list, i);
		(*units)[i] = (xf_csv_unit){
		    .id = json_integer_value(json_object_get(u, "id")),
		    .parent_id = json_integer_value(json_object_get(u, "parent_id")), /* null: 0 */
		    .name = json_string_value(json_object_get(u, "name")),
		    .kind = json_string_value(json_object_get(u, "kind")),
		};
	}
	return XF_OK;
}

static void note_change(json_t *changed, size_t max, const char *key)
{
	if (json_array_size(changed) < max)
		json_array_append_new(changed, json_string(key));
}

/* Decides create / update / unchanged for every good staff row against the roster. */
static int classify_staff(xf_db *db, xf_import *imp)
{
	for (size_t i = 0; i < imp->n_rows; i++) {
		xf_staff_row *row = &imp->staff_rows[i];
		if (row->bad)
			continue;
		xf_staff s;
		int rc = xf_store_staff_by_number(db, row->staff_number, &s);
		if (rc == XF_NOTFOUND) {
			row->action = XF_IMPORT_CREATE;
			imp->created++;
			continue;
		}
		if (rc != XF_OK)
			return rc;
		bool same = strcmp(s.name, row->name) == 0 && s.unit_id == row->unit_id &&
		            (!row->position || strcmp(s.position, row->position) == 0) &&
		            (!row->phone || strcmp(s.phone, row->phone) == 0);
		row->action = same ? XF_IMPORT_UNCHANGED : XF_IMPORT_UPDATE;
		imp->updated += !same;
		imp->unchanged += same;
	}
	return XF_OK;
}

static int apply_staff(xf_db *db, const xf_import *imp, int64_t now_ms, json_t *changed,
                       size_t max_changed)
{
	int rc = XF_OK;
	for (size_t i = 0; i < imp->n_rows && rc == XF_OK; i++) {
		const xf_staff_row *row = &imp->staff_rows[i];
		xf_staff s;
		if (row->action == XF_IMPORT_UNCHANGED)
			continue;
		if (row->action == XF_IMPORT_CREATE) {
			memset(&s, 0, sizeof s);
		} else if ((rc = xf_store_staff_by_number(db, row->staff_number, &s)) != XF_OK) {
			break;
		}
		COPY(s.staff_number, row->staff_number);
		COPY(s.name, row->name);
		s.unit_id = row->unit_id;
		if (row->position)
			COPY(s.position, row->position);
		if (row->phone)
			COPY(s.phone, row->phone);
		int64_t id;
		rc = row->action == XF_IMPORT_CREATE ? xf_store_staff_insert(db, &s, now_ms, &id)
		                                     : xf_store_staff_save(db, &s, now_ms);
		note_change(changed, max_changed, row->staff_number);
	}
	return rc;
}

static int apply_units(xf_db *db, const xf_import *imp, json_t *changed, size_t max_changed)
{
	/* The ids of the units this file creates, by row, for the rows below them. */
	int64_t *created = xf_calloc(imp->n_rows ? imp->n_rows : 1, sizeof *created);
	int rc = XF_OK;
	for (size_t i = 0; i < imp->n_rows && rc == XF_OK; i++) {
		const xf_unit_row *row = &imp->unit_rows[i];
		if (row->action == XF_IMPORT_CREATE) {
			int64_t parent =
			    row->parent_id >= 0 ? row->parent_id : created[-row->parent_id - 1];
			rc =
			    xf_store_unit_insert(db, parent, row->name,
			                         row->kind ? row->kind : "department", &created[i]);
		} else if (row->action == XF_IMPORT_UPDATE) {
			rc = xf_store_unit_set_kind(db, row->unit_id, row->kind);
		} else {
			continue;
		}
		note_change(changed, max_changed, row->name);
	}
	free(created);
	return rc;
}

int xf_store_import(xf_db *db, xf_import *imp, const char *bytes, size_t len, bool apply,
                    int64_t now_ms, json_t **changed, size_t max_changed)
{
	json_t *list;
	xf_csv_unit *units;
	size_t n_units;
	*changed = json_array();
	int rc = stored_units(db, &list, &units, &n_units);
	if (rc != XF_OK)
		return rc;
	xf_import_check(imp, bytes, len, units, n_units);
	free(units);
	json_decref(list);
	if (imp->kind == XF_IMPORT_STAFF && imp->staff_rows)
		rc = classify_staff(db, imp);
	if (rc != XF_OK || !apply || xf_csv_problem_count(&imp->problems) > 0)
		return rc;
	return imp->kind == XF_IMPORT_STAFF ? apply_staff(db, imp, now_ms, *changed, max_changed)
	                                    : apply_units(db, imp, *changed, max_changed);
}

int xf_store_import_audit(xf_db *db, const xf_actor *actor, const xf_import *imp, const char *bytes,
                          size_t len, json_t *changed)
{
	if (imp->created + imp->updated == 0)
		return XF_OK;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1], summary[160];
	crypto_hash_sha256(digest, (const unsigned char *)bytes, len);
	xf_hex_encode(digest, sizeof digest, hex);
	bool units = imp->kind == XF_IMPORT_UNITS;
	snprintf(summary, sizeof summary, "导入%s：新增 %zu，更新 %zu，未变 %zu",
	         units ? "单位" : "员工花名册", imp->created, imp->updated, imp->unchanged);
	json_t *data = json_pack(
	    "{s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:O, s:s}", "kind", units ? "units" : "staff",
	    "encoding", xf_csv_encoding_name(imp->encoding), "rows", (json_int_t)imp->n_rows,
	    "created", (json_int_t)imp->created, "updated", (json_int_t)imp->updated, "unchanged",
	    (json_int_t)imp->unchanged, "sha256", hex, "changed", changed, "summary", summary);
	return xf_audit_append(db, actor, units ? "unit.import" : "staff.import", "import",
	                       units ? "units" : "staff", data);
}

/* ---- whom to call ---- */

/* Adds a person unless the same name and phone are there already (then only on_duty
 * is merged in). */
static void add_person(json_t *list, const char *kind, const char *value, const char *name,
                       const char *phone, bool on_duty)
{
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p)
	{
		if (strcmp(json_string_value(json_object_get(p, "name")), name) == 0 &&
		    strcmp(json_string_value(json_object_get(p, "phone")), phone) == 0) {
			if (on_duty)
				json_object_set_new(p, "on_duty", json_true());
			return;
		}
	}
	json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "name", name, "phone", phone,
	                                      kind, value, "on_duty", on_duty));
}

/* Rows of (name, phone, on_duty) into list. */
static int add_rows(xf_db *db, xf_sql_stmt *st, json_t *list, const char *kind, const char *value)
{
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW)
		add_person(list, kind, value, xf_row_text(st, 0), xf_row_text(st, 1),
		           xf_sql_column_int(st, 2) != 0);
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}

static int position_contacts(xf_db *db, const char *position, int64_t now_ms, json_t *list)
{
	json_t *members;
	int rc =
	    xf_rows_json(db, leader_query(db, NULL, 0, position, now_ms), read_leader, &members);
	if (rc != XF_OK)
		return rc;
	size_t i;
	json_t *m;
	json_array_foreach(members, i, m)
	    add_person(list, "position", position, json_string_value(json_object_get(m, "name")),
	               json_string_value(json_object_get(m, "phone")),
	               json_is_true(json_object_get(m, "on_duty")));
	json_decref(members);
	return XF_OK;
}

static int unit_contacts(xf_db *db, const char *unit, int64_t now_ms, json_t *list)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT name, phone, on_duty FROM ("
	        " SELECT CASE WHEN c.person != '' THEN c.person ELSE c.label END AS name,"
	        "  c.phone AS phone, 0 AS on_duty, 0 AS part, c.id AS k"
	        "  FROM contacts c LEFT JOIN units un ON un.id = c.unit_id"
	        "  WHERE c.label = ?1 OR un.name = ?1"
	        " UNION ALL"
	        " SELECT s.name, coalesce(nullif(s.phone, ''), u.phone, ''), 1, 1, d.starts_ms"
	        "  FROM duty_shifts d JOIN staff s ON s.id = d.staff_id"
	        "  JOIN units un ON un.id = s.unit_id LEFT JOIN users u ON u.id = s.user_id"
	        "  WHERE un.name = ?1 AND d.starts_ms <= ?2 AND d.ends_ms > ?2) AS unit_rows"
	        " ORDER BY part, k");
	bind_text(st, 1, unit);
	xf_sql_bind_int64(st, 2, now_ms);
	return add_rows(db, st, list, "unit", unit);
}

static int role_contacts(xf_db *db, const char *role, int64_t incident_id, int64_t now_ms,
                         json_t *list)
{
	xf_sql_stmt *st;
	size_t before = json_array_size(list);
	if (strcmp(role, "unit_head") == 0) {
		/* The first responsible person of each unit of the incident: its head, or the
		 * nearest head above it. */
		st = xf_db_prepare(
		    db,
		    "WITH RECURSIVE up(origin, id, depth) AS ("
		    "  SELECT unit_id, unit_id, 0 FROM incident_units WHERE incident_id = ?1"
		    "  UNION ALL SELECT up.origin, un.parent_id, up.depth + 1 FROM up"
		    "  JOIN units un ON un.id = up.id"
		    "  WHERE un.parent_id IS NOT NULL AND up.depth < 64),"
		    " heads AS (SELECT up.origin, up.depth, us.id AS user_id FROM up"
		    "  JOIN units un ON un.id = up.id"
		    "  JOIN users us ON us.id = un.head_user_id AND us.disabled = 0),"
		    " nearest AS (SELECT origin, min(depth) AS depth FROM heads GROUP BY origin)"
		    " SELECT u.name, coalesce(nullif(u.phone, ''),"
		    "  (SELECT s.phone FROM staff s WHERE s.user_id = u.id), ''), " ON_DUTY(
		        "0", "u.id", "?2") " FROM nearest n JOIN heads h ON h.origin = n.origin "
		                           "AND h.depth = n.depth"
		                           " JOIN users u ON u.id = h.user_id ORDER BY n.origin");
		xf_sql_bind_int64(st, 1, incident_id);
		xf_sql_bind_int64(st, 2, now_ms);
		int rc = add_rows(db, st, list, "role", role);
		if (rc != XF_OK || json_array_size(list) > before)
			return rc;
	}
	st = xf_db_prepare(
	    db, "SELECT u.name, coalesce(nullif(u.phone, ''),"
	        "  (SELECT s.phone FROM staff s WHERE s.user_id = u.id), ''), " ON_DUTY(
	            "0", "u.id", "?2") " FROM users u JOIN user_roles r ON r.user_id = u.id"
	                               " WHERE r.role = ?1 AND u.disabled = 0 ORDER BY u.id");
	bind_text(st, 1, role);
	xf_sql_bind_int64(st, 2, now_ms);
	return add_rows(db, st, list, "role", role);
}

/* The units an owner {"heads_of": ...} names for an incident (?1), in unit order, each
 * with its first responsible person: its active head, or the nearest one above it (as for
 * the role unit_head); ?2 the time for on_duty. Columns: unit name, name of the unit
 * the head heads, head's name, phone, on duty, head's user id (0: none known). */
#define HEADS_SQL(origin)                                                                          \
	"WITH RECURSIVE origin(id) AS (" origin "),"                                               \
	" up(origin, id, depth) AS (SELECT id, id, 0 FROM origin"                                  \
	"  UNION ALL SELECT up.origin, un.parent_id, up.depth + 1 FROM up"                         \
	"  JOIN units un ON un.id = up.id WHERE un.parent_id IS NOT NULL AND up.depth < 64),"      \
	" heads AS (SELECT up.origin, up.depth, un.name AS unit, us.id AS user_id FROM up"         \
	"  JOIN units un ON un.id = up.id"                                                         \
	"  JOIN users us ON us.id = un.head_user_id AND us.disabled = 0),"                         \
	" nearest AS (SELECT origin, min(depth) AS depth FROM heads GROUP BY origin)"              \
	" SELECT o.name, coalesce(h.unit, o.name), coalesce(u.name, ''),"                          \
	"  coalesce(nullif(u.phone, ''), (SELECT s.phone FROM staff s WHERE s.user_id = u.id), "   \
	"''),"                                                                                     \
	"  u.id IS NOT NULL AND " ON_DUTY(                                                         \
	    "0", "u.id", "?2") ", coalesce(u.id, 0)"                                               \
	                       " FROM origin JOIN units o ON o.id = origin.id"                     \
	                       " LEFT JOIN nearest n ON n.origin = o.id"                           \
	                       " LEFT JOIN heads h ON h.origin = o.id AND h.depth = n.depth"       \
	                       " LEFT JOIN users u ON u.id = h.user_id ORDER BY o.id"
/* in the order of xf_heads_of_ids */
static const char *const heads_sql[] = {
    HEADS_SQL("SELECT unit_id FROM incident_units WHERE incident_id = ?1"),
    HEADS_SQL("SELECT DISTINCT p.unit_id FROM incident_persons ip JOIN persons p"
              " ON p.id = ip.person_id WHERE ip.incident_id = ?1 AND p.unit_id IS NOT NULL"),
};

static xf_sql_stmt *heads_query(xf_db *db, const char *which, int64_t incident_id, int64_t now_ms)
{
	size_t k = 0;
	while (xf_heads_of_ids[k] && strcmp(xf_heads_of_ids[k], which) != 0)
		k++;
	if (!xf_heads_of_ids[k])
		return NULL;
	xf_sql_stmt *st = xf_db_prepare(db, heads_sql[k]);
	xf_sql_bind_int64(st, 1, incident_id);
	xf_sql_bind_int64(st, 2, now_ms);
	return st;
}

static int heads_contacts(xf_db *db, const char *which, int64_t incident_id, int64_t now_ms,
                          json_t *list)
{
	xf_sql_stmt *st = heads_query(db, which, incident_id, now_ms);
	if (!st)
		return XF_OK;
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		const char *unit = xf_row_text(st, 0);
		if (xf_sql_column_int64(st, 5)) {
			add_person(list, "unit", xf_row_text(st, 1), xf_row_text(st, 2),
			           xf_row_text(st, 3), xf_sql_column_int(st, 4) != 0);
			continue;
		}
		/* A unit without a head is said so, once, rather than left out silently. */
		bool listed = false;
		size_t i;
		json_t *p;
		json_array_foreach(list, i, p)
		{
			if (json_object_get(p, "missing") &&
			    strcmp(json_string_value(json_object_get(p, "unit")), unit) == 0)
				listed = true;
		}
		if (!listed)
			json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:b, s:s+}",
			                                      "name", "", "phone", "", "unit", unit,
			                                      "heads_of", which, "on_duty", 0,
			                                      "missing", unit, "未登记负责人"));
	}
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}

int xf_store_tasks_assign_heads(xf_db *db, int64_t incident_id, int *assigned)
{
	int total = 0;
	for (size_t k = 0; xf_heads_of_ids[k]; k++) {
		xf_sql_stmt *st = heads_query(db, xf_heads_of_ids[k], incident_id, 0);
		int64_t head = 0;
		int rc;
		while (!head && (rc = xf_sql_step(st)) == XF_SQL_ROW)
			head = xf_sql_column_int64(st, 5);
		xf_sql_reset(st);
		if (!head && rc != XF_SQL_DONE)
			return xf_db_fail(db, rc);
		if (!head)
			continue;
		st = xf_db_prepare(
		    db, "UPDATE tasks SET assignee_id = ?1 WHERE incident_id = ?2"
		        " AND owner_kind = 'heads_of' AND owner_value = ?3"
		        " AND assignee_id IS NULL AND status IN ('pending', 'in_progress')");
		xf_sql_bind_int64(st, 1, head);
		xf_sql_bind_int64(st, 2, incident_id);
		bind_text(st, 3, xf_heads_of_ids[k]);
		rc = xf_sql_step(st);
		xf_sql_reset(st);
		if (rc != XF_SQL_DONE)
			return xf_db_fail(db, rc);
		total += xf_db_changes(db);
	}
	if (assigned)
		*assigned = total;
	return XF_OK;
}

int xf_store_step_contacts(xf_db *db, const xf_plan_owner *contacts, size_t n_contacts,
                           int64_t incident_id, int64_t now_ms, json_t **out)
{
	json_t *list = json_array();
	int rc = XF_OK;
	for (size_t i = 0; i < n_contacts && rc == XF_OK; i++) {
		const xf_plan_owner *c = &contacts[i];
		switch (c->kind) {
		case XF_OWNER_POSITION:
			rc = position_contacts(db, c->value, now_ms, list);
			break;
		case XF_OWNER_UNIT:
			rc = unit_contacts(db, c->value, now_ms, list);
			break;
		case XF_OWNER_ROLE:
			rc = role_contacts(db, c->value, incident_id, now_ms, list);
			break;
		case XF_OWNER_HEADS_OF:
			rc = heads_contacts(db, c->value, incident_id, now_ms, list);
			break;
		}
	}
	if (rc != XF_OK) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return XF_OK;
}
