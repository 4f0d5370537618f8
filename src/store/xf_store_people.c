/* Petitioner files, matters, incident links and 包保 assignments, in SQL; and the
 * visibility rules of xf_store_people.h. The rules of law are core's: the store reads
 * the rows and asks xf_matter_visible_to() (core/xf_person.h) who may see a matter;
 * a Matter itself, its clocks and lists are xf_store_matters.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_assignment.h"
#include "core/xf_matter.h"
#include "core/xf_person.h"
#include "store/xf_migrations.h"
#include "store/xf_store_db.h"
#include "store/xf_store_matters.h"
#include "store/xf_store_people.h"
#include "store/xf_store_people_sql.h"
#include "store/xf_store_rows.h"

const char xf_migration_people[] =
    "CREATE TABLE persons ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  id_number TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  address TEXT NOT NULL DEFAULT '',"
    "  unit_id INTEGER REFERENCES units(id),"
    "  employment TEXT NOT NULL DEFAULT 'employed'"
    "    CHECK (employment IN ('employed','retired','family','external')),"
    "  health TEXT NOT NULL DEFAULT '',"
    "  note TEXT NOT NULL DEFAULT '',"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL);"
    "CREATE INDEX persons_name_unit ON persons (name, unit_id);"
    "CREATE INDEX persons_id_number ON persons (id_number) WHERE id_number != '';"
    "CREATE TABLE family_members ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES persons(id),"
    "  name TEXT NOT NULL,"
    "  relation TEXT NOT NULL,"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  unit TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX family_person ON family_members (person_id);"
    "CREATE TABLE incident_persons ("
    "  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    "  person_id INTEGER NOT NULL REFERENCES persons(id),"
    "  role TEXT NOT NULL CHECK (role IN ('representative','participant')),"
    "  PRIMARY KEY (incident_id, person_id)) WITHOUT ROWID;"
    "CREATE INDEX incident_persons_person ON incident_persons (person_id);"
    "CREATE TABLE matters ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES persons(id),"
    "  incident_id INTEGER REFERENCES incidents(id),"
    "  category TEXT NOT NULL CHECK (category IN ('suggestion','accusation','appeal')),"
    "  content TEXT NOT NULL,"
    "  accused_unit_id INTEGER REFERENCES units(id),"
    "  outcome TEXT CHECK (outcome IN ('supported','explained','not_supported')),"
    "  satisfaction TEXT CHECK (satisfaction IN ('satisfied','basically_satisfied','unsatisfied')),"
    "  received_ms INTEGER NOT NULL,"
    "  accepted_ms INTEGER,"
    "  concluded_ms INTEGER,"
    "  created_by INTEGER REFERENCES users(id));"
    "CREATE INDEX matters_person ON matters (person_id);"
    "CREATE TABLE assignments ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES persons(id),"
    "  incident_id INTEGER REFERENCES incidents(id),"
    "  official_id INTEGER NOT NULL REFERENCES users(id),"
    "  status TEXT NOT NULL DEFAULT 'stable' CHECK (status IN ('stable','relapsed','resolved')),"
    "  interval_days INTEGER NOT NULL,"
    "  next_due_ms INTEGER,"
    "  task_id INTEGER REFERENCES tasks(id),"
    "  created_ms INTEGER NOT NULL,"
    "  ended_ms INTEGER);"
    "CREATE INDEX assignments_person ON assignments (person_id);"
    "CREATE INDEX assignments_official ON assignments (official_id) WHERE ended_ms IS NULL;"
    "CREATE TABLE followups ("
    "  id INTEGER PRIMARY KEY,"
    "  assignment_id INTEGER NOT NULL REFERENCES assignments(id),"
    "  at_ms INTEGER NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('visit','talk','phone','help')),"
    "  content TEXT NOT NULL,"
    "  author_id INTEGER REFERENCES users(id));"
    "CREATE INDEX followups_assignment ON followups (assignment_id, at_ms);";

static void bind_viewer(xf_sql_stmt *st, const xf_viewer *v)
{
	xf_sql_bind_int64(st, 1, v->scope.all);
	xf_sql_bind_int64(st, 2, v->scope.unit_id);
	xf_sql_bind_int64(st, 3, v->scope.user_id);
	xf_sql_bind_int64(st, 4, v->unit_id);
	xf_sql_bind_int64(st, 9, v->scope.mine_id);
}

static int exists(xf_db *db, xf_sql_stmt *st)
{
	int rc = xf_sql_step(st);
	xf_sql_reset(st);
	if (rc == XF_SQL_ROW)
		return XF_OK;
	return rc == XF_SQL_DONE ? XF_NOTFOUND : xf_db_fail(db, rc);
}

int xf_store_person_visible(xf_db *db, const xf_viewer *viewer, int64_t person_id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT 1 FROM persons p WHERE p.id = ?5 AND " PERSON_VISIBLE);
	bind_viewer(st, viewer);
	xf_sql_bind_int64(st, 5, person_id);
	return exists(db, st);
}

/* xf_matter_visible_to() for a row with the category, the accused unit and
 * VIEWER_AT_OR_BELOW_ACCUSED in the columns given. */
static bool matter_row_visible(xf_sql_stmt *st, int category, int accused, int viewer_below,
                               const xf_viewer *viewer)
{
	return xf_matter_visible_to(xf_row_text(st, category), xf_sql_column_int64(st, accused),
	                            viewer->unit_id, xf_sql_column_int(st, viewer_below) != 0,
	                            viewer->roles);
}

int xf_store_matter_visible(xf_db *db, const xf_viewer *viewer, int64_t matter_id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT m.category, m.accused_unit_id, " VIEWER_AT_OR_BELOW_ACCUSED
	                      " FROM matters m WHERE m.id = ?5 AND " MATTER_VISIBLE);
	bind_viewer(st, viewer);
	xf_sql_bind_int64(st, 5, matter_id);
	int rc = xf_sql_step(st);
	bool visible = rc == XF_SQL_ROW && matter_row_visible(st, 0, 1, 2, viewer);
	xf_sql_reset(st);
	if (rc != XF_SQL_ROW && rc != XF_SQL_DONE)
		return xf_db_fail(db, rc);
	return visible ? XF_OK : XF_NOTFOUND;
}

/* ---- persons ---- */

static void bind_or_null(xf_sql_stmt *st, int i, const char *s)
{
	if (s)
		xf_sql_bind_text(st, i, s, -1);
	else
		xf_sql_bind_null(st, i);
}

int xf_store_person_insert(xf_db *db, const xf_person_in *in, int64_t created_by, int64_t now_ms,
                           int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO persons (name, id_number, phone, address, unit_id, employment, health,"
	        " note, created_by, created_ms, updated_ms)"
	        " VALUES (?1, coalesce(?2, ''), coalesce(?3, ''), coalesce(?4, ''), ?5,"
	        " coalesce(?6, 'employed'), coalesce(?7, ''), coalesce(?8, ''), ?9, ?10, ?10) "
	        "RETURNING id");
	xf_sql_bind_text(st, 1, in->name, -1);
	bind_or_null(st, 2, in->id_number);
	bind_or_null(st, 3, in->phone);
	bind_or_null(st, 4, in->address);
	if (in->unit_id > 0)
		xf_sql_bind_int64(st, 5, in->unit_id);
	bind_or_null(st, 6, in->employment);
	bind_or_null(st, 7, in->health);
	bind_or_null(st, 8, in->note);
	if (created_by)
		xf_sql_bind_int64(st, 9, created_by);
	xf_sql_bind_int64(st, 10, now_ms);
	int rc = xf_row_insert(db, st, id);
	return rc;
}

int xf_store_person_update(xf_db *db, int64_t id, const xf_person_in *in, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE persons SET name = coalesce(?1, name), id_number = coalesce(?2, id_number),"
	        " phone = coalesce(?3, phone), address = coalesce(?4, address),"
	        " unit_id = CASE WHEN ?5 < 0 THEN unit_id WHEN ?5 = 0 THEN NULL ELSE ?5 END,"
	        " employment = coalesce(?6, employment), health = coalesce(?7, health),"
	        " note = coalesce(?8, note), updated_ms = ?9 WHERE id = ?10");
	bind_or_null(st, 1, in->name);
	bind_or_null(st, 2, in->id_number);
	bind_or_null(st, 3, in->phone);
	bind_or_null(st, 4, in->address);
	xf_sql_bind_int64(st, 5, in->unit_id);
	bind_or_null(st, 6, in->employment);
	bind_or_null(st, 7, in->health);
	bind_or_null(st, 8, in->note);
	xf_sql_bind_int64(st, 9, now_ms);
	xf_sql_bind_int64(st, 10, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

#define PERSON_COLUMNS                                                                             \
	"p.id, p.name, p.id_number, p.phone, p.address, p.unit_id, p.employment, p.health,"        \
	" p.note, p.created_ms, p.updated_ms"

/* A person row as JSON, masked unless reveal. */
static json_t *read_person(xf_sql_stmt *st, bool reveal)
{
	const char *id_number = xf_row_text(st, 2), *health = xf_row_text(st, 7);
	char masked[128];
	xf_mask_id_number(id_number, masked, sizeof masked);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(xf_sql_column_int64(st, 0)));
	json_object_set_new(o, "name", json_string(xf_row_text(st, 1)));
	json_object_set_new(o, "id_number", json_string(reveal ? id_number : masked));
	json_object_set_new(o, "id_number_masked", json_boolean(!reveal && id_number[0]));
	json_object_set_new(o, "phone", json_string(xf_row_text(st, 3)));
	json_object_set_new(o, "address", json_string(xf_row_text(st, 4)));
	json_object_set_new(o, "unit_id", xf_row_id(st, 5));
	json_object_set_new(o, "employment", json_string(xf_row_text(st, 6)));
	json_object_set_new(o, "health", reveal ? json_string(health) : json_null());
	json_object_set_new(o, "health_recorded", json_boolean(health[0] != '\0'));
	json_object_set_new(o, "note", json_string(xf_row_text(st, 8)));
	json_object_set_new(o, "created_at", xf_row_time(st, 9));
	json_object_set_new(o, "updated_at", xf_row_time(st, 10));
	return o;
}

static json_t *read_person_masked(xf_sql_stmt *st)
{
	json_t *o = read_person(st, false);
	json_object_del(o, "health");
	return o;
}

static json_t *read_duplicate(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s, s:o, s:s}", "id", (json_int_t)xf_sql_column_int64(st, 0),
	                 "name", xf_row_text(st, 1), "unit_id", xf_row_id(st, 2), "reason",
	                 xf_row_text(st, 3));
}

int xf_store_person_duplicates(xf_db *db, int64_t exclude_id, const char *name, int64_t unit_id,
                               const char *id_number, json_t **out)
{
	/* Each way of matching reads its own index (persons_id_number, persons_name_unit):
	 * the candidates are gathered first, so no parameter can switch an index off. */
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id, name, unit_id, CASE WHEN ?4 != '' AND id_number = ?4"
	        " THEN 'same_id_number' ELSE 'same_name_unit' END FROM persons"
	        " WHERE id IN (SELECT id FROM persons WHERE id_number = ?4 AND id_number != ''"
	        "   UNION ALL SELECT id FROM persons WHERE name = ?2 AND unit_id = ?3 AND ?3 > 0)"
	        " AND id != ?1 AND merged_into IS NULL ORDER BY id LIMIT 20");
	xf_sql_bind_int64(st, 1, exclude_id);
	xf_sql_bind_text(st, 2, name ? name : "", -1);
	xf_sql_bind_int64(st, 3, unit_id);
	xf_sql_bind_text(st, 4, id_number ? id_number : "", -1);
	return xf_rows_json(db, st, read_duplicate, out);
}

static json_t *read_family(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)xf_sql_column_int64(st, 0),
	                 "name", xf_row_text(st, 1), "relation", xf_row_text(st, 2), "phone",
	                 xf_row_text(st, 3), "unit", xf_row_text(st, 4));
}

static json_t *read_link(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s, s:s}", "incident_id", (json_int_t)xf_sql_column_int64(st, 0),
	                 "number", xf_row_text(st, 1), "role", xf_row_text(st, 2));
}

#define MATTER_COLUMNS                                                                             \
	"m.id, m.person_id, m.incident_id, m.category, m.content, m.accused_unit_id, m.outcome,"   \
	" m.satisfaction, m.received_ms, m.accepted_ms, m.concluded_ms"
/* Among MATTER_COLUMNS; a query adds VIEWER_AT_OR_BELOW_ACCUSED after them. */
enum { MATTER_ID = 0, MATTER_CATEGORY = 3, MATTER_ACCUSED = 5, MATTER_VIEWER_BELOW = 11 };

/* The id of a matter row; the whole Matter is xf_store_matter_full_json's. */
static json_t *read_matter(xf_sql_stmt *st)
{
	return json_pack("{s:I}", "id", (json_int_t)xf_sql_column_int64(st, MATTER_ID));
}

static int person_visible(xf_db *db, const xf_viewer *viewer, int64_t id)
{
	return xf_store_person_visible(db, viewer, id);
}

static int incident_visible(xf_db *db, const xf_viewer *viewer, int64_t id)
{
	return xf_store_incident_visible(db, &viewer->scope, id);
}

/* Drops the entries of list whose object (its id in member key) visible() says the
 * viewer may not open; a viewer who sees everything keeps them all. */
static int keep_visible(xf_db *db, const xf_viewer *viewer, json_t *list, const char *key,
                        int (*visible)(xf_db *, const xf_viewer *, int64_t))
{
	if (viewer->scope.all)
		return XF_OK;
	for (size_t i = json_array_size(list); i > 0; i--) {
		int64_t id = json_integer_value(json_object_get(json_array_get(list, i - 1), key));
		int rc = visible(db, viewer, id);
		if (rc == XF_NOTFOUND)
			json_array_remove(list, i - 1);
		else if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

/* What the parts of a person's file are read with. */
typedef struct person_file {
	const xf_viewer *viewer;
	int64_t id, unit_id;
	char *name, *id_number;
} person_file;

static int add_family(xf_db *db, const person_file *f, json_t *o)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT id, name, relation, phone, unit"
	                                    " FROM family_members WHERE person_id = ? ORDER BY id");
	xf_sql_bind_int64(st, 1, f->id);
	json_t *part = NULL;
	int rc = xf_rows_json(db, st, read_family, &part);
	if (rc == XF_OK)
		json_object_set_new(o, "family", part);
	return rc;
}

/* Sets key to part when rc is XF_OK and the viewer may see the items keep_visible
 * filters; frees part otherwise. */
static int add_visible(xf_db *db, const person_file *f, json_t *o, const char *key, json_t *part,
                       const char *id_key, int (*visible)(xf_db *, const xf_viewer *, int64_t))
{
	int rc = keep_visible(db, f->viewer, part, id_key, visible);
	if (rc == XF_OK)
		json_object_set_new(o, key, part);
	else
		json_decref(part);
	return rc;
}

static int add_incidents(xf_db *db, const person_file *f, json_t *o)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT ip.incident_id, i.number, ip.role FROM incident_persons ip"
	                      " JOIN incidents i ON i.id = ip.incident_id WHERE ip.person_id = ?"
	                      " ORDER BY ip.incident_id DESC");
	xf_sql_bind_int64(st, 1, f->id);
	json_t *part = NULL;
	int rc = xf_rows_json(db, st, read_link, &part);
	return rc == XF_OK
	           ? add_visible(db, f, o, "incidents", part, "incident_id", incident_visible)
	           : rc;
}

/* Whether the viewer (ctx) may see the matter of a MATTER_COLUMNS and
 * VIEWER_AT_OR_BELOW_ACCUSED row. */
static bool matter_shown(xf_sql_stmt *st, const void *ctx)
{
	return matter_row_visible(st, MATTER_CATEGORY, MATTER_ACCUSED, MATTER_VIEWER_BELOW, ctx);
}

/* The matters, without accusations hidden from the viewer. */
static int add_matters(xf_db *db, const person_file *f, json_t *o)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " MATTER_COLUMNS ", " VIEWER_AT_OR_BELOW_ACCUSED
	                                    " FROM matters m WHERE m.person_id = ?5 ORDER BY m.id");
	bind_viewer(st, f->viewer);
	xf_sql_bind_int64(st, 5, f->id);
	json_t *part = NULL;
	int rc = xf_rows_json_where(db, st, matter_shown, f->viewer, read_matter, &part);
	/* each as the API shows a Matter (xf_store_matters.c) */
	for (size_t i = 0; rc == XF_OK && i < json_array_size(part); i++) {
		json_t *full;
		rc = xf_store_matter_full_json(
		    db, json_integer_value(json_object_get(json_array_get(part, i), "id")),
		    xf_now_ms(), &full);
		if (rc == XF_OK)
			json_array_set_new(part, i, full);
	}
	if (rc == XF_OK)
		json_object_set_new(o, "matters", part);
	else
		json_decref(part);
	return rc;
}

/* The active assignment, or null. */
static int add_assignment(xf_db *db, const person_file *f, json_t *o)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id FROM assignments WHERE person_id = ? AND ended_ms IS NULL");
	xf_sql_bind_int64(st, 1, f->id);
	int64_t assignment = 0;
	int rc = xf_row_int64(db, st, &assignment);
	json_t *part = NULL;
	if (rc == XF_OK)
		rc = xf_store_assignment_json(db, assignment, &part);
	else if (rc == XF_NOTFOUND)
		rc = XF_OK;
	if (rc == XF_OK)
		json_object_set_new(o, "assignment", part ? part : json_null());
	return rc;
}

/* Likely duplicates; one the viewer may not open is not named to them. */
static int add_duplicates(xf_db *db, const person_file *f, json_t *o)
{
	json_t *part = NULL;
	int rc = xf_store_person_duplicates(db, f->id, f->name, f->unit_id, f->id_number, &part);
	return rc == XF_OK ? add_visible(db, f, o, "duplicates", part, "id", person_visible) : rc;
}

int xf_store_person_json(xf_db *db, const xf_viewer *viewer, int64_t id, bool reveal, json_t **out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT " PERSON_COLUMNS " FROM persons p WHERE p.id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	json_t *o = read_person(st, reveal);
	person_file f = {viewer, id, xf_sql_column_int64(st, 5), xf_strdup(xf_row_text(st, 1)),
	                 xf_strdup(xf_row_text(st, 2))};
	xf_sql_reset(st);
	static int (*const parts[])(xf_db *, const person_file *, json_t *) = {
	    add_family, add_incidents, add_matters, add_assignment, add_duplicates};
	for (size_t i = 0; rc == XF_OK && i < XF_ARRAY_LEN(parts); i++)
		rc = parts[i](db, &f, o);
	free(f.name);
	free(f.id_number);
	if (rc != XF_OK) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return XF_OK;
}

/* duplicate_count counts only the duplicates the viewer may see, by the list's own rule. */
int xf_store_person_list(xf_db *db, const xf_viewer *viewer, const char *q, int64_t incident_id,
                         int64_t before_id, int limit, json_t **out, int64_t *next_before_id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    /* Candidates come from the two indexes, as in xf_store_person_duplicates: an OR
	     * across columns would scan every person for every row of the page. */
	    db,
	    "SELECT " PERSON_COLUMNS ", (SELECT count(*) FROM persons q WHERE q.id != p.id AND"
	    " q.id IN (SELECT id FROM persons WHERE id_number = p.id_number AND id_number != ''"
	    "   UNION ALL SELECT id FROM persons WHERE name = p.name AND unit_id = p.unit_id)"
	    "   AND q.merged_into IS NULL AND " OTHER_PERSON_VISIBLE ")"
	    " FROM persons p WHERE p.merged_into IS NULL AND " PERSON_VISIBLE
	    " AND (CAST(?5 AS TEXT) IS NULL OR instr(p.name, ?5) > 0)"
	    " AND (?6 = 0 OR EXISTS (SELECT 1 FROM incident_persons ip WHERE ip.person_id = p.id"
	    "   AND ip.incident_id = ?6))"
	    " AND (?7 = 0 OR p.id < ?7) ORDER BY p.id DESC LIMIT ?8");
	bind_viewer(st, viewer);
	bind_or_null(st, 5, q && *q ? q : NULL);
	xf_sql_bind_int64(st, 6, incident_id);
	xf_sql_bind_int64(st, 7, before_id);
	xf_sql_bind_int64(st, 8, limit + 1);
	json_t *list = json_array();
	int rc, n = 0;
	*next_before_id = 0;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		if (n == limit) { /* one more row exists: the page ends at the last one kept */
			*next_before_id = json_integer_value(
			    json_object_get(json_array_get(list, (size_t)n - 1), "id"));
			break;
		}
		json_t *o = read_person_masked(st);
		json_object_set_new(o, "duplicate_count", json_integer(xf_sql_column_int(st, 11)));
		json_array_append_new(list, o);
		n++;
	}
	xf_sql_reset(st);
	if (rc != XF_SQL_ROW && rc != XF_SQL_DONE) {
		json_decref(list);
		return xf_db_fail(db, rc);
	}
	*out = list;
	return XF_OK;
}

int xf_store_person_merged_into(xf_db *db, int64_t id, int64_t *into)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT coalesce(merged_into, 0) FROM persons WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW)
		*into = xf_sql_column_int64(st, 0);
	xf_sql_reset(st);
	if (rc == XF_SQL_ROW)
		return XF_OK;
	return rc == XF_SQL_DONE ? XF_NOTFOUND : xf_db_fail(db, rc);
}

/* Runs one statement of a merge, binding ?1 from, ?2 into, ?3 now. */
static int merge_step(xf_db *db, const char *sql, int64_t from, int64_t into, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(db, sql);
	xf_sql_bind_int64(st, 1, from);
	xf_sql_bind_int64(st, 2, into);
	if (xf_sql_parameter_count(st) >= 3)
		xf_sql_bind_int64(st, 3, now_ms);
	return xf_db_exec(db, st);
}

int xf_store_person_merge(xf_db *db, int64_t from, int64_t into, int64_t now_ms, json_t *filled)
{
	/* Which of the kept file's empty fields the merged one fills: names only, for the
	 * audit event (never the values). */
	static const char *const fields[] = {"id_number", "phone",  "address",
	                                     "unit_id",   "health", "note"};
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT k.id_number = '' AND m.id_number != '', k.phone = '' AND m.phone != '',"
	        " k.address = '' AND m.address != '', k.unit_id IS NULL AND m.unit_id IS NOT NULL,"
	        " k.health = '' AND m.health != '', k.note = '' AND m.note != ''"
	        " FROM persons k, persons m WHERE k.id = ?2 AND m.id = ?1");
	xf_sql_bind_int64(st, 1, from);
	xf_sql_bind_int64(st, 2, into);
	int rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW)
		for (int i = 0; i < 6; i++)
			if (xf_sql_column_int(st, i))
				json_array_append_new(filled, json_string(fields[i]));
	xf_sql_reset(st);
	if (rc != XF_SQL_ROW)
		return rc == XF_SQL_DONE ? XF_NOTFOUND : xf_db_fail(db, rc);
	static const char *const steps[] = {
	    "UPDATE persons SET"
	    " id_number = CASE WHEN id_number = '' THEN (SELECT id_number FROM persons WHERE id = "
	    "?1)"
	    "   ELSE id_number END,"
	    " phone = CASE WHEN phone = '' THEN (SELECT phone FROM persons WHERE id = ?1) ELSE "
	    "phone END,"
	    " address = CASE WHEN address = '' THEN (SELECT address FROM persons WHERE id = ?1)"
	    "   ELSE address END,"
	    " unit_id = coalesce(unit_id, (SELECT unit_id FROM persons WHERE id = ?1)),"
	    " health = CASE WHEN health = '' THEN (SELECT health FROM persons WHERE id = ?1) ELSE "
	    "health END,"
	    " note = CASE WHEN note = '' THEN (SELECT note FROM persons WHERE id = ?1) ELSE note "
	    "END,"
	    " updated_ms = ?3 WHERE id = ?2",
	    "UPDATE family_members SET person_id = ?2 WHERE person_id = ?1",
	    /* both in one incident: one link, a representative if either was one */
	    "INSERT INTO incident_persons (incident_id, person_id, role)"
	    " SELECT incident_id, ?2, role FROM incident_persons WHERE person_id = ?1 AND true"
	    " ON CONFLICT (incident_id, person_id) DO UPDATE SET role ="
	    "   CASE WHEN excluded.role = 'representative' THEN excluded.role ELSE "
	    "incident_persons.role END",
	    "DELETE FROM incident_persons WHERE person_id = ?1",
	    "UPDATE matters SET person_id = ?2 WHERE person_id = ?1",
	    /* the petitioners of a matter (issue 13): both in one matter stay one, a
	     * representative if either was one */
	    "INSERT INTO matter_persons (matter_id, person_id, representative)"
	    " SELECT matter_id, ?2, representative FROM matter_persons"
	    " WHERE person_id = ?1 AND true"
	    " ON CONFLICT (matter_id, person_id) DO UPDATE SET representative = CASE"
	    "   WHEN excluded.representative = 1 THEN 1 ELSE matter_persons.representative END",
	    "DELETE FROM matter_persons WHERE person_id = ?1",
	    /* one active 包保 per person: the kept file's wins */
	    "UPDATE tasks SET status = 'skipped', skip_reason = '档案已合并', done_ms = ?3"
	    " WHERE status IN ('pending','in_progress') AND id IN (SELECT task_id FROM assignments"
	    " WHERE person_id = ?1 AND ended_ms IS NULL) AND EXISTS (SELECT 1 FROM assignments"
	    " WHERE person_id = ?2 AND ended_ms IS NULL)",
	    ("UPDATE assignments SET ended_ms = ?3 WHERE person_id = ?1 AND ended_ms IS NULL"
	     " AND EXISTS (SELECT 1 FROM assignments WHERE person_id = ?2 AND ended_ms IS NULL)"),
	    "UPDATE assignments SET person_id = ?2 WHERE person_id = ?1",
	    /* the index keeps title and body; only the owner of matters and notes moves */
	    "UPDATE search_docs SET person_id = ?2 WHERE person_id = ?1 AND kind != 'person'",
	    "UPDATE persons SET merged_into = ?2, updated_ms = ?3 WHERE merged_into = ?1 OR id = "
	    "?1",
	};
	rc = XF_OK;
	for (size_t i = 0; rc == XF_OK && i < sizeof steps / sizeof steps[0]; i++)
		rc = merge_step(db, steps[i], from, into, now_ms);
	return rc;
}

int xf_store_person_brief(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT id, name, unit_id, employment, phone FROM persons"
	                      " WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW)
		*out = json_pack("{s:I, s:s, s:o, s:s, s:s}", "id",
		                 (json_int_t)xf_sql_column_int64(st, 0), "name", xf_row_text(st, 1),
		                 "unit_id", xf_row_id(st, 2), "employment", xf_row_text(st, 3),
		                 "phone", xf_row_text(st, 4));
	xf_sql_reset(st);
	if (rc == XF_SQL_ROW)
		return XF_OK;
	return rc == XF_SQL_DONE ? XF_NOTFOUND : xf_db_fail(db, rc);
}

/* ---- family ---- */

int xf_store_family_insert(xf_db *db, int64_t person_id, const char *name, const char *relation,
                           const char *phone, const char *unit, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(db, "INSERT INTO family_members (person_id, name, relation,"
	                                    " phone, unit) VALUES (?, ?, ?, ?, ?) RETURNING id");
	xf_sql_bind_int64(st, 1, person_id);
	xf_sql_bind_text(st, 2, name, -1);
	xf_sql_bind_text(st, 3, relation, -1);
	xf_sql_bind_text(st, 4, phone ? phone : "", -1);
	xf_sql_bind_text(st, 5, unit ? unit : "", -1);
	int rc = xf_row_insert(db, st, id);
	return rc;
}

int xf_store_family_delete(xf_db *db, int64_t id, int64_t *person_id)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT person_id FROM family_members WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW)
		*person_id = xf_sql_column_int64(st, 0);
	xf_sql_reset(st);
	if (rc != XF_SQL_ROW)
		return rc == XF_SQL_DONE ? XF_NOTFOUND : xf_db_fail(db, rc);
	st = xf_db_prepare(db, "DELETE FROM family_members WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_db_exec(db, st);
}

/* ---- incident links ---- */

int xf_store_incident_person_link(xf_db *db, int64_t incident_id, int64_t person_id,
                                  const char *role)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO incident_persons (incident_id, person_id, role) VALUES (?1, ?2, ?3)"
	        " ON CONFLICT (incident_id, person_id) DO UPDATE SET role = ?3");
	xf_sql_bind_int64(st, 1, incident_id);
	xf_sql_bind_int64(st, 2, person_id);
	xf_sql_bind_text(st, 3, role, -1);
	return xf_db_exec(db, st);
}

int xf_store_incident_person_unlink(xf_db *db, int64_t incident_id, int64_t person_id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "DELETE FROM incident_persons WHERE incident_id = ? AND person_id = ?");
	xf_sql_bind_int64(st, 1, incident_id);
	xf_sql_bind_int64(st, 2, person_id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_incident_persons(xf_db *db, const xf_viewer *viewer, int64_t incident_id, json_t **out,
                              int *representatives)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT " PERSON_COLUMNS ", ip.role, (SELECT a.id FROM assignments a"
	                      " WHERE a.person_id = p.id AND a.ended_ms IS NULL)"
	                      " FROM incident_persons ip JOIN persons p ON p.id = ip.person_id"
	                      " WHERE ip.incident_id = ?5 AND " PERSON_VISIBLE " ORDER BY p.id");
	bind_viewer(st, viewer);
	xf_sql_bind_int64(st, 5, incident_id);
	json_t *list = json_array();
	int64_t *assignment_ids = NULL;
	size_t n = 0, alloc = 0;
	int rc;
	*representatives = 0;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		json_t *o = read_person_masked(st);
		const char *role = xf_row_text(st, 11);
		*representatives += strcmp(role, "representative") == 0;
		json_object_set_new(o, "role", json_string(role));
		XF_GROW(assignment_ids, n + 1, alloc);
		assignment_ids[n++] = xf_sql_column_int64(st, 12);
		json_array_append_new(list, o);
	}
	xf_sql_reset(st);
	if (rc != XF_SQL_DONE) {
		free(assignment_ids);
		json_decref(list);
		return xf_db_fail(db, rc);
	}
	rc = XF_OK;
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		json_t *a = NULL;
		if (assignment_ids[i])
			rc = xf_store_assignment_json(db, assignment_ids[i], &a);
		json_object_set_new(json_array_get(list, i), "assignment", a ? a : json_null());
	}
	free(assignment_ids);
	if (rc != XF_OK) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return XF_OK;
}

static bool needs_official(xf_sql_stmt *st, const void *ctx)
{
	(void)ctx;
	return xf_person_needs_official(xf_sql_column_int(st, 3), xf_sql_column_int(st, 4));
}

static json_t *read_brief(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s, s:o}", "id", (json_int_t)xf_sql_column_int64(st, 0), "name",
	                 xf_row_text(st, 1), "unit_id", xf_row_id(st, 2));
}

/* The petitioners of an incident in unit_id (0: all) with how many of their
 * assignments are active and how many ended resolved; core decides who still needs
 * an official (xf_person_needs_official). */
int xf_store_incident_unassigned(xf_db *db, int64_t incident_id, int64_t unit_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT p.id, p.name, p.unit_id,"
	        " (SELECT count(*) FROM assignments a WHERE a.person_id = p.id"
	        "  AND a.ended_ms IS NULL),"
	        " (SELECT count(*) FROM assignments a WHERE a.person_id = p.id"
	        "  AND a.status = 'resolved')"
	        " FROM incident_persons ip JOIN persons p ON p.id = ip.person_id"
	        " WHERE ip.incident_id = ?1 AND (?2 = 0 OR p.unit_id = ?2) ORDER BY p.id");
	xf_sql_bind_int64(st, 1, incident_id);
	xf_sql_bind_int64(st, 2, unit_id);
	return xf_rows_json_where(db, st, needs_official, NULL, read_brief, out);
}

int xf_store_incident_unassigned_count(xf_db *db, int64_t incident_id, int *count)
{
	json_t *list;
	int rc = xf_store_incident_unassigned(db, incident_id, 0, &list);
	if (rc == XF_OK) {
		*count = (int)json_array_size(list);
		json_decref(list);
	}
	return rc;
}

/* ---- matters ---- */

int xf_store_matter_insert(xf_db *db, int64_t person_id, int64_t incident_id, const char *category,
                           const char *content, int64_t accused_unit_id, int64_t created_by,
                           int64_t now_ms, int64_t *id)
{
	xf_matter_in in = {.person_ids = &person_id,
	                   .n_persons = 1,
	                   .incident_id = incident_id,
	                   .category = category,
	                   .content = content,
	                   .received_ms = now_ms,
	                   .entered_ms = now_ms,
	                   .accused_unit_id = accused_unit_id,
	                   .created_by = created_by};
	return xf_store_matter_register(db, &in, 0, id);
}

int xf_store_matter_update(xf_db *db, int64_t id, bool accepted, const char *outcome,
                           const char *satisfaction, bool concluded, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "UPDATE matters SET"
	    " accepted_ms = CASE WHEN ?1 = 1 THEN coalesce(accepted_ms, ?5) ELSE accepted_ms END,"
	    " outcome = coalesce(?2, outcome), satisfaction = coalesce(?3, satisfaction),"
	    " concluded_ms = CASE WHEN ?4 = 1 THEN coalesce(concluded_ms, ?5)"
	    " ELSE concluded_ms END,"
	    " stage = CASE WHEN ?4 = 1 THEN 'concluded' WHEN ?1 = 1 AND stage IN"
	    "  ('received','not_accepted') THEN 'accepted' ELSE stage END"
	    " WHERE id = ?6");
	xf_sql_bind_int64(st, 1, accepted);
	bind_or_null(st, 2, outcome);
	bind_or_null(st, 3, satisfaction);
	xf_sql_bind_int64(st, 4, concluded);
	xf_sql_bind_int64(st, 5, now_ms);
	xf_sql_bind_int64(st, 6, id);
	int rc = xf_row_changed(db, xf_db_exec(db, st));
	/* its clocks may have started or ended: the alarm scan's index follows */
	if (rc == XF_OK)
		rc = xf_store_matter_alarm_refresh(db, id);
	return rc;
}

int xf_store_matter_json(xf_db *db, int64_t id, json_t **out, int64_t *person_id)
{
	int rc = xf_store_matter_full_json(db, id, xf_now_ms(), out);
	if (rc == XF_OK)
		*person_id = json_integer_value(json_object_get(*out, "person_id"));
	return rc;
}

/* xf_store_matters_due: in xf_store_matters.c. */

/* ---- assignments (包保) ---- */

int xf_store_assignment_insert(xf_db *db, int64_t person_id, int64_t incident_id,
                               int64_t official_id, int interval_days, int64_t now_ms, int64_t *id)
{
	/* The replaced assignment's open follow-up task goes with it. */
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "UPDATE tasks SET status = 'skipped', skip_reason = '包保已调整', done_ms = ?1"
	    " WHERE status IN ('pending','in_progress') AND id IN (SELECT task_id FROM assignments"
	    " WHERE person_id = ?2 AND ended_ms IS NULL)");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, person_id);
	int rc = xf_db_exec(db, st);
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db, "UPDATE assignments SET ended_ms = ? WHERE person_id = ?"
	                       " AND ended_ms IS NULL");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, person_id);
	rc = xf_db_exec(db, st);
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(
	    db, "INSERT INTO assignments (person_id, incident_id, official_id,"
	        " interval_days, next_due_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	xf_sql_bind_int64(st, 1, person_id);
	if (incident_id)
		xf_sql_bind_int64(st, 2, incident_id);
	xf_sql_bind_int64(st, 3, official_id);
	xf_sql_bind_int64(st, 4, interval_days);
	xf_sql_bind_int64(st, 5, xf_followup_due(now_ms, interval_days));
	xf_sql_bind_int64(st, 6, now_ms);
	return xf_row_insert(db, st, id);
}

int xf_store_assignment_get(xf_db *db, int64_t id, xf_assignment_row *out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id, person_id, coalesce(incident_id, 0), official_id, coalesce(task_id, 0),"
	        " coalesce(next_due_ms, 0), coalesce(ended_ms, 0), interval_days, status"
	        " FROM assignments WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW) {
		memset(out, 0, sizeof *out);
		out->id = xf_sql_column_int64(st, 0);
		out->person_id = xf_sql_column_int64(st, 1);
		out->incident_id = xf_sql_column_int64(st, 2);
		out->official_id = xf_sql_column_int64(st, 3);
		out->task_id = xf_sql_column_int64(st, 4);
		out->next_due_ms = xf_sql_column_int64(st, 5);
		out->ended_ms = xf_sql_column_int64(st, 6);
		out->interval_days = xf_sql_column_int(st, 7);
		snprintf(out->status, sizeof out->status, "%s", xf_row_text(st, 8));
	}
	xf_sql_reset(st);
	if (rc == XF_SQL_ROW)
		return XF_OK;
	return rc == XF_SQL_DONE ? XF_NOTFOUND : xf_db_fail(db, rc);
}

int xf_store_assignment_update(xf_db *db, int64_t id, int64_t official_id, int interval_days,
                               const char *status, int64_t next_due_ms, int64_t task_id,
                               int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "UPDATE assignments SET official_id = CASE WHEN ?1 > 0 THEN ?1 ELSE official_id END,"
	    " interval_days = CASE WHEN ?2 > 0 THEN ?2 ELSE interval_days END,"
	    " status = coalesce(?3, status),"
	    " next_due_ms = CASE WHEN ?8 <> 0 THEN NULL WHEN ?4 > 0 THEN ?4 ELSE next_due_ms END,"
	    " task_id = CASE WHEN ?5 > 0 THEN ?5 ELSE task_id END,"
	    " ended_ms = CASE WHEN ?8 <> 0 THEN ?6 ELSE ended_ms END WHERE id = ?7");
	xf_sql_bind_int64(st, 1, official_id);
	xf_sql_bind_int64(st, 2, interval_days);
	bind_or_null(st, 3, status);
	xf_sql_bind_int64(st, 4, next_due_ms);
	xf_sql_bind_int64(st, 5, task_id);
	xf_sql_bind_int64(st, 6, now_ms);
	xf_sql_bind_int64(st, 7, id);
	xf_sql_bind_int64(st, 8, xf_assignment_status_ends(status));
	return xf_row_changed(db, xf_db_exec(db, st));
}

#define ASSIGNMENT_COLUMNS                                                                         \
	"a.id, a.person_id, p.name, p.unit_id, a.incident_id, a.official_id, u.name, a.status,"    \
	" a.interval_days, a.next_due_ms, a.task_id, a.created_ms, a.ended_ms,"                    \
	" f.id, f.at_ms, f.kind, f.content, fu.name"
#define ASSIGNMENT_FROM                                                                            \
	" FROM assignments a JOIN persons p ON p.id = a.person_id"                                 \
	" JOIN users u ON u.id = a.official_id"                                                    \
	" LEFT JOIN followups f ON f.id = (SELECT max(id) FROM followups WHERE assignment_id = "   \
	"a.id)"                                                                                    \
	" LEFT JOIN users fu ON fu.id = f.author_id"

static json_t *read_assignment(xf_sql_stmt *st)
{
	json_t *last = xf_sql_column_is_null(st, 13)
	                   ? json_null()
	                   : json_pack("{s:I, s:o, s:s, s:s, s:s}", "id",
	                               (json_int_t)xf_sql_column_int64(st, 13), "at",
	                               xf_row_time(st, 14), "kind", xf_row_text(st, 15), "content",
	                               xf_row_text(st, 16), "author", xf_row_text(st, 17));
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(xf_sql_column_int64(st, 0)));
	json_object_set_new(o, "person",
	                    json_pack("{s:I, s:s, s:o}", "id",
	                              (json_int_t)xf_sql_column_int64(st, 1), "name",
	                              xf_row_text(st, 2), "unit_id", xf_row_id(st, 3)));
	json_object_set_new(o, "incident_id", xf_row_id(st, 4));
	json_object_set_new(o, "official",
	                    json_pack("{s:I, s:s}", "id", (json_int_t)xf_sql_column_int64(st, 5),
	                              "name", xf_row_text(st, 6)));
	json_object_set_new(o, "status", json_string(xf_row_text(st, 7)));
	json_object_set_new(o, "interval_days", json_integer(xf_sql_column_int(st, 8)));
	json_object_set_new(o, "next_due_at", xf_row_time(st, 9));
	json_object_set_new(o, "task_id", xf_row_id(st, 10));
	json_object_set_new(o, "created_at", xf_row_time(st, 11));
	json_object_set_new(o, "ended_at", xf_row_time(st, 12));
	json_object_set_new(o, "last_followup", last);
	return o;
}

int xf_store_assignment_json(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT " ASSIGNMENT_COLUMNS ASSIGNMENT_FROM " WHERE a.id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW)
		*out = read_assignment(st);
	xf_sql_reset(st);
	if (rc == XF_SQL_ROW)
		return XF_OK;
	return rc == XF_SQL_DONE ? XF_NOTFOUND : xf_db_fail(db, rc);
}

int xf_store_assignment_list(xf_db *db, int64_t incident_id, int64_t official_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT " ASSIGNMENT_COLUMNS ASSIGNMENT_FROM " WHERE a.ended_ms IS NULL"
	        " AND (?1 = 0 OR a.incident_id = ?1) AND (?2 = 0 OR a.official_id = ?2)"
	        " ORDER BY a.next_due_ms IS NULL, a.next_due_ms, a.id");
	xf_sql_bind_int64(st, 1, incident_id);
	xf_sql_bind_int64(st, 2, official_id);
	return xf_rows_json(db, st, read_assignment, out);
}

int xf_store_followup_insert(xf_db *db, int64_t assignment_id, int64_t at_ms, const char *kind,
                             const char *content, int64_t author_id, int64_t *id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "INSERT INTO followups (assignment_id, at_ms, kind, content,"
	                      " author_id) VALUES (?, ?, ?, ?, ?) RETURNING id");
	xf_sql_bind_int64(st, 1, assignment_id);
	xf_sql_bind_int64(st, 2, at_ms);
	xf_sql_bind_text(st, 3, kind, -1);
	xf_sql_bind_text(st, 4, content, -1);
	if (author_id)
		xf_sql_bind_int64(st, 5, author_id);
	return xf_row_insert(db, st, id);
}
