/* The schema as numbered migrations. Append new ones; never edit a released one.
 * Migration N brings the database from user_version N-1 to N. */
#include "store/xf_migrations.h"

const char *const xf_migrations[] = {
    /* 1: units, accounts, sessions, the audit chain. */
    "CREATE TABLE units ("
    "  id INTEGER PRIMARY KEY,"
    "  parent_id INTEGER REFERENCES units(id),"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('mine','department','team','other')),"
    "  head_user_id INTEGER REFERENCES users(id),"
    "  created_at TEXT NOT NULL);"
    "CREATE UNIQUE INDEX units_sibling_name ON units (coalesce(parent_id, 0), name);"
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  password_hash TEXT NOT NULL,"
    "  must_change_password INTEGER NOT NULL DEFAULT 0,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX users_unit ON users (unit_id);"
    "CREATE TABLE user_roles ("
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  role TEXT NOT NULL,"
    "  PRIMARY KEY (user_id, role)) WITHOUT ROWID;"
    "CREATE TABLE sessions ("
    "  id INTEGER PRIMARY KEY,"
    "  token_digest TEXT NOT NULL UNIQUE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  csrf TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  last_seen_ms INTEGER NOT NULL);"
    "CREATE INDEX sessions_user ON sessions (user_id);"
    "CREATE TABLE events ("
    "  seq INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor_id INTEGER,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  object_type TEXT NOT NULL,"
    "  object_id TEXT NOT NULL,"
    "  data TEXT NOT NULL,"
    "  request_id TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
    "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;",

    /* 2: plans, incidents, their tasks and dispatches. */
    "CREATE INDEX events_object ON events (object_type, object_id, seq);"
    "CREATE TABLE plans ("
    "  id INTEGER PRIMARY KEY,"
    "  hash TEXT NOT NULL UNIQUE,"
    "  plan_key TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  loaded_at TEXT NOT NULL);"
    "CREATE TABLE incidents ("
    "  id INTEGER PRIMARY KEY,"
    "  number TEXT NOT NULL UNIQUE,"
    "  year INTEGER NOT NULL,"
    "  year_seq INTEGER NOT NULL,"
    "  headcount INTEGER NOT NULL CHECK (headcount >= 1),"
    "  destination TEXT NOT NULL,"
    "  advance_info INTEGER NOT NULL,"
    "  place TEXT NOT NULL,"
    "  category TEXT NOT NULL DEFAULT '',"
    "  demands TEXT NOT NULL,"
    "  drill INTEGER NOT NULL DEFAULT 0,"
    "  status TEXT NOT NULL,"
    "  in_scope INTEGER NOT NULL,"
    "  grade TEXT,"
    "  grade_name TEXT,"
    "  grade_computed TEXT,"
    "  procedure TEXT,"
    "  procedure_name TEXT,"
    "  reasons TEXT NOT NULL,"
    "  override TEXT,"
    "  plan_id INTEGER NOT NULL REFERENCES plans(id),"
    "  created_by INTEGER REFERENCES users(id),"
    "  registered_ms INTEGER NOT NULL,"
    "  activated_ms INTEGER,"
    "  updated_ms INTEGER NOT NULL,"
    "  UNIQUE (year, year_seq));"
    "CREATE INDEX incidents_status ON incidents (status);"
    "CREATE TABLE incident_units ("
    "  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),"
    "  PRIMARY KEY (incident_id, unit_id)) WITHOUT ROWID;"
    "CREATE INDEX incident_units_unit ON incident_units (unit_id);"
    "CREATE TABLE tasks ("
    "  id INTEGER PRIMARY KEY,"
    "  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    "  position INTEGER NOT NULL,"
    "  step_id TEXT,"
    "  kind TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  text TEXT NOT NULL DEFAULT '',"
    "  workstream TEXT,"
    "  owner_kind TEXT NOT NULL,"
    "  owner_value TEXT NOT NULL,"
    "  assignee_id INTEGER REFERENCES users(id),"
    "  evidence TEXT NOT NULL DEFAULT '[]',"
    "  dispatch TEXT NOT NULL DEFAULT '[]',"
    "  chooses_venue INTEGER NOT NULL DEFAULT 0,"
    "  round INTEGER NOT NULL DEFAULT 0,"
    "  base_ms INTEGER NOT NULL,"
    "  due_minutes INTEGER NOT NULL DEFAULT 0,"
    "  due_ms INTEGER,"
    "  status TEXT NOT NULL DEFAULT 'pending',"
    "  overdue INTEGER NOT NULL DEFAULT 0,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  skip_reason TEXT NOT NULL DEFAULT '',"
    "  created_ms INTEGER NOT NULL,"
    "  started_ms INTEGER,"
    "  done_ms INTEGER);"
    "CREATE INDEX tasks_incident ON tasks (incident_id, position);"
    "CREATE INDEX tasks_open_due ON tasks (due_ms) WHERE status IN ('pending','in_progress') AND "
    "overdue = 0;"
    "CREATE INDEX tasks_assignee ON tasks (assignee_id);"
    "CREATE TABLE dispatches ("
    "  id INTEGER PRIMARY KEY,"
    "  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    "  resource TEXT NOT NULL CHECK (resource IN ('guards','vehicles')),"
    "  quantity INTEGER NOT NULL CHECK (quantity >= 1),"
    "  note TEXT NOT NULL DEFAULT '',"
    "  ordered_ms INTEGER NOT NULL,"
    "  eta_ms INTEGER,"
    "  arrived_ms INTEGER,"
    "  released_ms INTEGER,"
    "  ordered_by TEXT NOT NULL);"
    "CREATE INDEX dispatches_incident ON dispatches (incident_id);",

    xf_migration_people,   /* 3: petitioners, matters, 包保 (xf_store_people.c) */
    xf_migration_roster,   /* 4: staff, rosters, duty, contacts (xf_store_roster.c) */
    xf_migration_meetings, /* 5: meetings, venues, bookings (xf_store_meetings.c) */
    xf_migration_search,   /* 6: the full-text index (xf_search.c) */

    /* 7: incident lists count tasks by status from the index alone. */
    "CREATE INDEX tasks_counts ON tasks (incident_id, status, overdue);",

    /* 8: cost does not grow with history (bench/volume). The live feed reads incident
     * events by sequence; a closed incident (archived, not activated) has no open tasks,
     * so the overdue scan's index holds only live ones (the backfill ends those that
     * earlier versions left open, as the store now does on closing: see
     * xf_store_incident_set_status); the incident list's filters, a unit's subtree and
     * the tasks assigned to a user each have an index. */
    "CREATE INDEX events_type_seq ON events (object_type, seq);"
    "UPDATE tasks SET status = 'skipped',"
    "  skip_reason = CASE (SELECT status FROM incidents WHERE id = tasks.incident_id)"
    "    WHEN 'archived' THEN '事件状态为「已归档」，未完成的任务随之结束'"
    "    ELSE '事件状态为「不启动」，未完成的任务随之结束' END,"
    "  done_ms = (SELECT updated_ms FROM incidents WHERE id = tasks.incident_id)"
    "  WHERE status IN ('pending','in_progress') AND incident_id IN"
    "  (SELECT id FROM incidents WHERE status IN ('archived','not_activated'));"
    "DROP INDEX tasks_open_due;"
    "CREATE INDEX tasks_live_due ON tasks (due_ms)"
    "  WHERE status IN ('pending','in_progress') AND overdue = 0 AND due_ms IS NOT NULL;"
    "DROP INDEX tasks_assignee;"
    "CREATE INDEX tasks_assignee_incident ON tasks (assignee_id, incident_id);"
    "CREATE INDEX incidents_active ON incidents (id)"
    "  WHERE status NOT IN ('archived','not_activated');"
    "CREATE INDEX units_parent ON units (parent_id);",

    /* 9: facts that change and mistaken registrations. A withdrawn (作废) registration
     * keeps its row, marked with the reason, who and when (JSON); an incident whose
     * grade rose through changed facts keeps the escalation (JSON: from, to, at) until
     * the grade falls again. */
    "ALTER TABLE incidents ADD COLUMN withdrawn TEXT;"
    "ALTER TABLE incidents ADD COLUMN escalation TEXT;",

    /* 10: merged petitioner files (issue 8 item 7). A file merged into another keeps
     * its row, marked with the kept file's id; its links moved to the kept one
     * (xf_store_person_merge). */
    "ALTER TABLE persons ADD COLUMN merged_into INTEGER REFERENCES persons(id);"
    "CREATE INDEX persons_merged_into ON persons (merged_into) WHERE merged_into IS NOT NULL;",

    /* 11: when it happened and when it is expected (issue 8 item 2): occurred_ms
     * (发生时间, report-up limits count from it; earlier rows: their registration),
     * expected_ms (预计到访时间) and expected_destination, given with advance
     * information. */
    "ALTER TABLE incidents ADD COLUMN occurred_ms INTEGER;"
    "ALTER TABLE incidents ADD COLUMN expected_ms INTEGER;"
    "ALTER TABLE incidents ADD COLUMN expected_destination TEXT;"
    "UPDATE incidents SET occurred_ms = registered_ms;",

    /* 12: records (记录在案, issue 9 items 1-3): files attached to an incident, stored
     * content-addressed under the data directory (sha256 names the file, thumb_sha256
     * a photo's thumbnail), and 谈话记录 whose structured content is JSON in interview
     * (xf_store_records.c). */
    "CREATE TABLE records ("
    "  id INTEGER PRIMARY KEY,"
    "  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    "  kind TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  captured_ms INTEGER,"
    "  place TEXT NOT NULL DEFAULT '',"
    "  note TEXT NOT NULL DEFAULT '',"
    "  filename TEXT,"
    "  sha256 TEXT,"
    "  size INTEGER,"
    "  mime TEXT,"
    "  thumb_sha256 TEXT,"
    "  interview TEXT,"
    "  added_by INTEGER NOT NULL REFERENCES users(id),"
    "  added_ms INTEGER NOT NULL);"
    "CREATE INDEX records_incident ON records (incident_id, id);"
    "CREATE INDEX records_sha256 ON records (sha256);",

    /* 13: written reports (首报, 续报, 终报, 工作总结: issue 9 item 5; a draft until issued,
     * then numbered and never changed) and the 综合评价 of an incident (item 4: scores per
     * plan dimension as JSON, lessons, the measured facts as last saved; completed_ms
     * NULL while a draft). evaluating -> reported needs an issued final report and a
     * completed evaluation (item 7). */
    "CREATE TABLE reports ("
    "  id INTEGER PRIMARY KEY,"
    "  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('first','follow_up','final','summary')),"
    "  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','issued')),"
    "  version INTEGER,"
    "  number TEXT,"
    "  replaces_id INTEGER REFERENCES reports(id),"
    "  title TEXT NOT NULL,"
    "  sections TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL, created_by INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL, updated_by INTEGER NOT NULL,"
    "  issued_ms INTEGER, issued_by INTEGER,"
    "  pdf_sha256 TEXT, docx_sha256 TEXT);"
    "CREATE INDEX reports_incident ON reports (incident_id, kind);"
    "CREATE TABLE evaluations ("
    "  incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),"
    "  scores TEXT NOT NULL,"
    "  lessons TEXT NOT NULL DEFAULT '',"
    "  facts TEXT NOT NULL,"
    "  completed_ms INTEGER, completed_by INTEGER,"
    "  updated_ms INTEGER NOT NULL, updated_by INTEGER NOT NULL);"
    /* The issued report that fulfilled a report-up task (首报, a 续报 round). */
    "ALTER TABLE tasks ADD COLUMN report_id INTEGER REFERENCES reports(id);",

/* A trigger refusing a change to a sealed incident's rows (item 8), unless seal_unlock
 * has a row (retention, within its own transaction: xf_retention_remove). */
#define XF_SEALED_GUARD(name, op, table, ref) XF_SEALED_GUARD_IF(name, op, table, ref, "1")
#define XF_SEALED_GUARD_IF(name, op, table, ref, cond)                                             \
	"CREATE TRIGGER " name " BEFORE " op " ON " table " WHEN " cond                            \
	" AND EXISTS (SELECT 1 FROM seals WHERE incident_id = " ref ")"                            \
	" AND NOT EXISTS (SELECT 1 FROM seal_unlock) BEGIN SELECT RAISE(ABORT,"                    \
	" 'sealed: the incident is archived and sealed; its rows are read-only'); END;"
    /* 14: seals of archived incidents (issue 9 item 8, xf_store_seal.c): the hash of the
     * incident's snapshot, the audit event it was taken at and a hash per part (so check
     * can say what changed). Triggers make the sealed rows read-only as a second line
     * behind the API's 409 sealed; seals themselves are never changed. */
    "CREATE TABLE seals ("
    "  incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),"
    "  sealed_ms INTEGER NOT NULL,"
    "  format TEXT NOT NULL,"
    "  audit_seq INTEGER NOT NULL,"
    "  audit_head TEXT NOT NULL,"
    "  parts TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE TABLE seal_unlock (reason TEXT NOT NULL);"
    "CREATE TRIGGER seals_update BEFORE UPDATE ON seals"
    "  BEGIN SELECT RAISE(ABORT, 'sealed: a seal is never changed'); END;"
    "CREATE TRIGGER seals_delete BEFORE DELETE ON seals"
    "  BEGIN SELECT RAISE(ABORT, 'sealed: a seal is never changed'); END;" XF_SEALED_GUARD(
        "incidents_sealed_update", "UPDATE", "incidents", "OLD.id")
        XF_SEALED_GUARD("incidents_sealed_delete", "DELETE", "incidents", "OLD.id")
    /* 包保 follow-up tasks belong to the person and go on after archiving. */
    XF_SEALED_GUARD_IF("tasks_sealed_insert", "INSERT", "tasks", "NEW.incident_id",
                       "NEW.kind <> 'followup'") XF_SEALED_GUARD_IF("tasks_sealed_update", "UPDATE",
                                                                    "tasks", "OLD.incident_id",
                                                                    "OLD.kind <> 'followup'")
        XF_SEALED_GUARD_IF("tasks_sealed_delete", "DELETE", "tasks", "OLD.incident_id",
                           "OLD.kind <> 'followup'") XF_SEALED_GUARD("records_sealed_insert",
                                                                     "INSERT", "records",
                                                                     "NEW.incident_id")
            XF_SEALED_GUARD("records_sealed_update", "UPDATE", "records",
                            "OLD.incident_id") XF_SEALED_GUARD("records_sealed_delete", "DELETE",
                                                               "records", "OLD.incident_id")
                XF_SEALED_GUARD("reports_sealed_insert", "INSERT", "reports", "NEW.incident_id")
                    XF_SEALED_GUARD("reports_sealed_update", "UPDATE", "reports",
                                    "OLD.incident_id") XF_SEALED_GUARD("reports_sealed_delete",
                                                                       "DELETE", "reports",
                                                                       "OLD.incident_id")
                        XF_SEALED_GUARD("evaluations_sealed_insert", "INSERT", "evaluations",
                                        "NEW.incident_id")
                            XF_SEALED_GUARD("evaluations_sealed_update", "UPDATE", "evaluations",
                                            "OLD.incident_id")
                                XF_SEALED_GUARD("evaluations_sealed_delete", "DELETE",
                                                "evaluations", "OLD.incident_id")
                                    XF_SEALED_GUARD("incident_units_sealed_insert", "INSERT",
                                                    "incident_units", "NEW.incident_id")
                                        XF_SEALED_GUARD("incident_units_sealed_delete", "DELETE",
                                                        "incident_units", "OLD.incident_id")
                                            XF_SEALED_GUARD("dispatches_sealed_insert", "INSERT",
                                                            "dispatches", "NEW.incident_id")
                                                XF_SEALED_GUARD("dispatches_sealed_update",
                                                                "UPDATE", "dispatches",
                                                                "OLD.incident_id"),
    /* 15: login throttling shared by every process on the database (issue 11 item 3):
     * failed sign-ins per account and per client address, counted by api/session.c
     * under core/xf_throttle.h's policy; a row whose count no longer matters is purged. */
    "CREATE TABLE login_throttle ("
    "  scope TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  failures INTEGER NOT NULL,"
    "  first_ms INTEGER NOT NULL,"
    "  last_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (scope, key));",
    /* 16: many mines in one deployment (issue 11 item 4, xf_store_mines.c): a unit of
     * kind 'group' above the mines (the CHECK on units.kind is widened in place, SQLite's
     * documented way for a looser CHECK: every row stays valid); a mine's incident number
     * prefix (NULL: XF) and its own plan (NULL: the deployment's); an incident's mine and
     * the series its number counts in, the prefix (mines without one of their own share
     * XF), with its place in it (earlier incidents: the root mine, XF and their year_seq;
     * seal_unlock lets the backfill through sealed rows, whose seals do not cover these
     * columns); the group 信访办's acknowledgement of an issued report. */
    "PRAGMA writable_schema=ON;"
    "UPDATE sqlite_master SET sql = replace(sql, '''team'',''other'')',"
    "  '''team'',''other'',''group'')') WHERE type = 'table' AND name = 'units';"
    "PRAGMA writable_schema=RESET;"
    "ALTER TABLE units ADD COLUMN number_prefix TEXT;"
    "ALTER TABLE units ADD COLUMN plan_id INTEGER REFERENCES plans(id);"
    "ALTER TABLE incidents ADD COLUMN mine_id INTEGER REFERENCES units(id);"
    "ALTER TABLE incidents ADD COLUMN number_series TEXT;"
    "ALTER TABLE incidents ADD COLUMN series_seq INTEGER;"
    "INSERT INTO seal_unlock (reason) VALUES ('migration 16');"
    "UPDATE incidents SET number_series = 'XF', series_seq = year_seq, mine_id = (SELECT id"
    "  FROM units WHERE parent_id IS NULL AND kind = 'mine' ORDER BY id LIMIT 1);"
    "DELETE FROM seal_unlock;"
    "CREATE UNIQUE INDEX incidents_series ON incidents (number_series, year, series_seq);"
    "CREATE INDEX incidents_mine ON incidents (mine_id, id);"
    "CREATE TABLE report_acknowledgements ("
    "  report_id INTEGER PRIMARY KEY REFERENCES reports(id),"
    "  acknowledged_ms INTEGER NOT NULL,"
    "  acknowledged_by INTEGER NOT NULL REFERENCES users(id));",
#undef XF_SEALED_GUARD
#undef XF_SEALED_GUARD_IF
};

const int xf_migration_count = (int)(sizeof xf_migrations / sizeof xf_migrations[0]);
