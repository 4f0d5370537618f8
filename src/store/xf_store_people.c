/* Petitioner files, matters, incident links and 包保 assignments, in SQL; and the
 * visibility rules of xf_store_people.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/xf_migrations.h"
#include "store/xf_store_people.h"

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

/* The visibility test for "p" a persons row; binds ?1 all, ?2 unit, ?3 user. */
#define PERSON_VISIBLE                                                                          \
	"(?1 = 1"                                                                               \
	" OR (?2 > 0 AND (p.unit_id IN (WITH RECURSIVE sub(id) AS (SELECT ?2 UNION"             \
	"     SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub)"    \
	"   OR EXISTS (SELECT 1 FROM incident_persons ip JOIN incident_units iu"                  \
	"     ON iu.incident_id = ip.incident_id WHERE ip.person_id = p.id AND iu.unit_id IN"     \
	"     (WITH RECURSIVE sub(id) AS (SELECT ?2 UNION SELECT u.id FROM units u"               \
	"      JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub))))"                          \
	" OR (?3 > 0 AND EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = p.id"           \
	"     AND a.official_id = ?3 AND a.ended_ms IS NULL)))"

/* Accusations are hidden from users of the accused unit or any unit below it; binds
 * ?4 the viewer's unit, for "m" a matters row. */
#define MATTER_NOT_ACCUSING_VIEWER                                                            \
	"(m.category != 'accusation' OR m.accused_unit_id IS NULL OR ?4 NOT IN"                  \
	" (WITH RECURSIVE sub(id) AS (SELECT m.accused_unit_id UNION SELECT u.id FROM units u"  \
	"  JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub))"

static void bind_viewer(sqlite3_stmt *st, const xf_viewer *v)
{
	sqlite3_bind_int(st, 1, v->scope.all);
	sqlite3_bind_int64(st, 2, v->scope.unit_id);
	sqlite3_bind_int64(st, 3, v->scope.user_id);
	sqlite3_bind_int64(st, 4, v->unit_id);
}

static int exists(xf_db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return XF_OK;
	return rc == SQLITE_DONE ? XF_NOTFOUND : xf_db_fail(db, rc);
}

int xf_store_person_visible(xf_db *db, const xf_viewer *viewer, int64_t person_id)
{
	sqlite3_stmt *st = xf_db_prepare(
		db, "SELECT 1 FROM persons p WHERE p.id = ?5 AND ?4 = ?4 AND " PERSON_VISIBLE);
	bind_viewer(st, viewer);
	sqlite3_bind_int64(st, 5, person_id);
	return exists(db, st);
}

int xf_store_matter_visible(xf_db *db, const xf_viewer *viewer, int64_t matter_id)
{
	sqlite3_stmt *st = xf_db_prepare(
		db, "SELECT 1 FROM matters m JOIN persons p ON p.id = m.person_id WHERE m.id = ?5"
		    " AND " PERSON_VISIBLE " AND " MATTER_NOT_ACCUSING_VIEWER);
	bind_viewer(st, viewer);
	sqlite3_bind_int64(st, 5, matter_id);
	return exists(db, st);
}
