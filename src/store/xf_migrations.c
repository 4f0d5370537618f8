/* The schema as numbered migrations. Append new ones; never edit a released one.
 * Migration N brings the database from user_version N-1 to N. */
#include "store/xf_migrations.h"

/* Adds sign (1 or -1) for each row of the view TABLE_rows that meets cond to the
 * roll-up TABLE keyed by cols (migration 25's triggers: before a change a row's
 * contribution leaves, after it it comes back as it now is). SQLite applies an upsert
 * row by row, so rows of several matters with one key need no grouping. */
#define XF_ROLLUP_MOVE(table, cols, sign, cond)                                                    \
	"INSERT INTO " table " (" cols ", n) SELECT " cols ", " sign " FROM " table "_rows"        \
	" WHERE " cond " ON CONFLICT (" cols ") DO UPDATE SET n = " table ".n + excluded.n;"
#define XF_MATTER_STATISTICS_MOVE(sign, cond)                                                      \
	XF_ROLLUP_MOVE("matter_statistics", "unit_id, month, dim, key", sign, cond)
#define XF_INCIDENT_STATISTICS_MOVE(sign, cond)                                                    \
	XF_ROLLUP_MOVE("incident_statistics", "month, dim, key, label, unit_id", sign, cond)

/* One clause a line, as the SQL reads (the formatter would pile the triggers up). */
/* clang-format off */
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
    /* 17: notifications, delivery half (issue 12; xf_store_channels.c, xf_store_outbox.c,
     * notify/): the admin's channels (kind-specific settings as JSON in `settings`, the
     * secrets sealed with libsodium secretbox in `sealed`, base64 of nonce and box; a
     * deleted channel keeps its row for its delivery log), the outbox of messages to
     * send (one row per channel and recipient; `dedupe` is NULL for a message that may
     * be queued again, else the event, notification, level and user that make it one;
     * `lease_owner`/`lease_until_ms` are the sender's claim), the delivery log, and a
     * user's email address. */
    "CREATE TABLE channels ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('wecom','dingtalk','webhook','smtp','sms')),"
    "  name TEXT NOT NULL,"
    "  enabled INTEGER NOT NULL DEFAULT 1,"
    "  url_shown TEXT NOT NULL DEFAULT '',"
    "  events TEXT NOT NULL DEFAULT '[]',"
    "  grades TEXT NOT NULL DEFAULT '[]',"
    "  mentions INTEGER NOT NULL DEFAULT 0,"
    "  settings TEXT NOT NULL DEFAULT '{}',"
    "  sealed TEXT NOT NULL DEFAULT '',"
    "  deleted INTEGER NOT NULL DEFAULT 0,"
    "  created_ms INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL);"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  channel_id INTEGER NOT NULL REFERENCES channels(id),"
    "  user_id INTEGER REFERENCES users(id),"
    "  address TEXT NOT NULL DEFAULT '',"
    "  kind TEXT NOT NULL,"
    "  grade INTEGER NOT NULL DEFAULT 0,"
    "  event_seq INTEGER NOT NULL DEFAULT 0,"
    "  notification_id INTEGER NOT NULL DEFAULT 0,"
    "  level INTEGER NOT NULL DEFAULT 0,"
    "  text TEXT NOT NULL,"
    "  link TEXT NOT NULL DEFAULT '',"
    "  dedupe TEXT,"
    "  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','sent','gave_up')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_ms INTEGER NOT NULL,"
    "  lease_owner TEXT NOT NULL DEFAULT '',"
    "  lease_until_ms INTEGER NOT NULL DEFAULT 0,"
    "  created_ms INTEGER NOT NULL,"
    "  done_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE UNIQUE INDEX outbox_dedupe ON outbox (channel_id, dedupe);"
    "CREATE INDEX outbox_due ON outbox (state, next_ms);"
    "CREATE TABLE deliveries ("
    "  id INTEGER PRIMARY KEY,"
    "  outbox_id INTEGER NOT NULL REFERENCES outbox(id),"
    "  channel_id INTEGER NOT NULL REFERENCES channels(id),"
    "  at_ms INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('queued','sent','failed','gave_up')),"
    "  attempt INTEGER NOT NULL DEFAULT 0,"
    "  http_status INTEGER NOT NULL DEFAULT 0,"
    "  answer TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX deliveries_channel ON deliveries (channel_id, id);"
    "CREATE INDEX deliveries_sent ON deliveries (channel_id, at_ms);"
    "ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';",
    /* 18: in-app notifications (issue 12 items 3-5, helper notify-rules): one row per
     * recipient user, with what it is about, its text and link, when it was read and
     * acknowledged (收到); a user's notification preferences (quiet hours in minutes of
     * Beijing time, the routes of each kind); the escalation of an unacknowledged
     * notification (one per overdue task), climbing one level after its grade's wait;
     * dedup keeps a once-only notice (report_up.due of a task) from repeating. */
    "CREATE TABLE notification_escalations ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  incident_id INTEGER REFERENCES incidents(id),"
    "  task_id INTEGER REFERENCES tasks(id),"
    "  grade TEXT,"
    "  level INTEGER NOT NULL DEFAULT 0,"
    "  started_ms INTEGER NOT NULL,"
    "  level_ms INTEGER NOT NULL,"
    "  next_ms INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'open'"
    "    CHECK (state IN ('open','acknowledged','resolved','exhausted')),"
    "  ended_ms INTEGER,"
    "  acknowledged_by INTEGER REFERENCES users(id));"
    "CREATE UNIQUE INDEX notification_escalations_task ON notification_escalations (kind, task_id);"
    "CREATE INDEX notification_escalations_due ON notification_escalations (next_ms)"
    "  WHERE state = 'open';"
    "CREATE TABLE notifications ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  kind TEXT NOT NULL,"
    "  grade TEXT,"
    "  incident_id INTEGER REFERENCES incidents(id),"
    "  task_id INTEGER REFERENCES tasks(id),"
    "  matter_id INTEGER,"
    "  escalation_id INTEGER REFERENCES notification_escalations(id),"
    "  level INTEGER NOT NULL DEFAULT 0,"
    "  text TEXT NOT NULL,"
    "  link TEXT NOT NULL DEFAULT '',"
    "  dedup TEXT,"
    "  created_ms INTEGER NOT NULL,"
    "  outbound_not_before_ms INTEGER NOT NULL DEFAULT 0,"
    "  outbound_queued INTEGER NOT NULL DEFAULT 0,"
    "  read_ms INTEGER,"
    "  acknowledged_ms INTEGER);"
    "CREATE INDEX notifications_user ON notifications (user_id, id);"
    "CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_ms IS NULL;"
    "CREATE INDEX notifications_incident ON notifications (incident_id, id);"
    "CREATE INDEX notifications_escalation ON notifications (escalation_id);"
    "CREATE UNIQUE INDEX notifications_dedup ON notifications (user_id, dedup)"
    "  WHERE dedup IS NOT NULL;"
    "CREATE TABLE notification_preferences ("
    "  user_id INTEGER PRIMARY KEY REFERENCES users(id),"
    "  quiet_from INTEGER CHECK (quiet_from BETWEEN 0 AND 1439),"
    "  quiet_to INTEGER CHECK (quiet_to BETWEEN 0 AND 1439),"
    "  routes TEXT NOT NULL DEFAULT '{}',"
    "  updated_ms INTEGER NOT NULL);",
    /* 19: matters under the law (issue 13, xf_store_matters.c): a matter's stage
     * (received -> accepted | not_accepted -> handling -> answered -> review_requested
     * -> reviewed -> re_review_requested -> re_reviewed; concluded closes the file),
     * channel, the unit concerned, the handling unit (交办) with its due time and
     * handler, the non-acceptance reason, the notices that stopped a clock (acceptance
     * or non-acceptance, answer, review, re-review: *_ms set by
     * xf_store_matter_notice_issued), the one extension (Art. 34), the 复查 / 复核
     * requests, how satisfaction was obtained (回访) and when, the matter it repeats
     * (重复访), when it was entered (received_ms may be earlier); a unit kind
     * 'discipline' (纪检) widened in place as migration 16 did; the petitioners of a
     * matter with representatives (Art. 20); the handling log (交办/转办/退回/改派); the
     * clock alarms written (one per matter, clock, mark and due time). */
    "PRAGMA writable_schema=ON;"
    "UPDATE sqlite_master SET sql = replace(sql, '''other'',''group'')',"
    "  '''other'',''group'',''discipline'')') WHERE type = 'table' AND name = 'units';"
    "PRAGMA writable_schema=RESET;"
    "ALTER TABLE matters ADD COLUMN stage TEXT NOT NULL DEFAULT 'received' CHECK (stage IN"
    "  ('received','accepted','not_accepted','handling','answered','review_requested',"
    "   'reviewed','re_review_requested','re_reviewed','concluded'));"
    "ALTER TABLE matters ADD COLUMN channel TEXT"
    "  CHECK (channel IN ('letter','visit','phone','online'));"
    "ALTER TABLE matters ADD COLUMN unit_id INTEGER REFERENCES units(id);"
    "ALTER TABLE matters ADD COLUMN handling_unit_id INTEGER REFERENCES units(id);"
    "ALTER TABLE matters ADD COLUMN handling_due_ms INTEGER;"
    "ALTER TABLE matters ADD COLUMN handler_id INTEGER REFERENCES users(id);"
    "ALTER TABLE matters ADD COLUMN not_accepted_reason TEXT;"
    "ALTER TABLE matters ADD COLUMN acceptance_notice_ms INTEGER;"
    "ALTER TABLE matters ADD COLUMN extension_days INTEGER;"
    "ALTER TABLE matters ADD COLUMN extension_reason TEXT;"
    "ALTER TABLE matters ADD COLUMN extended_ms INTEGER;"
    "ALTER TABLE matters ADD COLUMN extension_notice_ms INTEGER;"
    "ALTER TABLE matters ADD COLUMN answered_ms INTEGER;"
    "ALTER TABLE matters ADD COLUMN review_requested_ms INTEGER;"
    "ALTER TABLE matters ADD COLUMN reviewed_ms INTEGER;"
    "ALTER TABLE matters ADD COLUMN re_review_requested_ms INTEGER;"
    "ALTER TABLE matters ADD COLUMN re_reviewed_ms INTEGER;"
    "ALTER TABLE matters ADD COLUMN satisfaction_source TEXT"
    "  CHECK (satisfaction_source IN ('phone','visit','self'));"
    "ALTER TABLE matters ADD COLUMN satisfaction_ms INTEGER;"
    "ALTER TABLE matters ADD COLUMN repeat_of INTEGER REFERENCES matters(id);"
    "ALTER TABLE matters ADD COLUMN entered_ms INTEGER;"
    "UPDATE matters SET entered_ms = received_ms, stage = CASE"
    "  WHEN concluded_ms IS NOT NULL THEN 'concluded'"
    "  WHEN accepted_ms IS NOT NULL THEN 'accepted' ELSE 'received' END;"
    "CREATE INDEX matters_repeat ON matters (repeat_of) WHERE repeat_of IS NOT NULL;"
    "CREATE TABLE matter_persons ("
    "  matter_id INTEGER NOT NULL REFERENCES matters(id),"
    "  person_id INTEGER NOT NULL REFERENCES persons(id),"
    "  representative INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (matter_id, person_id));"
    "CREATE INDEX matter_persons_person ON matter_persons (person_id);"
    "INSERT INTO matter_persons (matter_id, person_id) SELECT id, person_id FROM matters;"
    "CREATE TABLE matter_handling ("
    "  id INTEGER PRIMARY KEY,"
    "  matter_id INTEGER NOT NULL REFERENCES matters(id),"
    "  action TEXT NOT NULL CHECK (action IN ('assign','transfer','return','reassign')),"
    "  unit_id INTEGER REFERENCES units(id),"
    "  handler_id INTEGER REFERENCES users(id),"
    "  due_ms INTEGER,"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  by_user INTEGER REFERENCES users(id),"
    "  at_ms INTEGER NOT NULL);"
    "CREATE INDEX matter_handling_matter ON matter_handling (matter_id, id);"
    "CREATE TABLE matter_alarms ("
    "  matter_id INTEGER NOT NULL REFERENCES matters(id),"
    "  clock TEXT NOT NULL,"
    "  mark TEXT NOT NULL CHECK (mark IN ('due_soon','overdue')),"
    "  due_ms INTEGER NOT NULL,"
    "  at_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (matter_id, clock, mark, due_ms));",
    /* 20: prevention (issue 14 items 1-4; docs/prevention.md): screening campaigns
     * (排查走访) sent to units, each unit's report (status 'pending' until it reports
     * findings or a nil return, 零报告; a report is missed when reported_ms IS NULL and
     * due_ms has passed, late when reported_ms > due_ms), the findings; the register of
     * grievances and unstable factors (risks) with its people, progress entries and
     * 包保 assignments (assignments.risk_id, outside an incident); early warnings (one
     * row per rule firing, dedup_key unique); care schedules for vulnerable groups with
     * their 帮扶 visits. Dates people pick are 'YYYY-MM-DD' (Asia/Shanghai). */
    "CREATE TABLE screening_campaigns ("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('monthly','sensitive_date','ad_hoc')),"
    "  period_from TEXT NOT NULL,"
    "  period_to TEXT NOT NULL,"
    "  due_date TEXT NOT NULL,"
    "  due_ms INTEGER NOT NULL,"
    "  checklist TEXT NOT NULL DEFAULT '[]',"
    "  note TEXT NOT NULL DEFAULT '',"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL);"
    "CREATE INDEX screening_campaigns_due ON screening_campaigns (due_ms);"
    "CREATE TABLE screening_reports ("
    "  campaign_id INTEGER NOT NULL REFERENCES screening_campaigns(id),"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),"
    "  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','nil','findings')),"
    "  note TEXT NOT NULL DEFAULT '',"
    "  reported_ms INTEGER,"
    "  reported_by INTEGER REFERENCES users(id),"
    "  PRIMARY KEY (campaign_id, unit_id)) WITHOUT ROWID;"
    "CREATE INDEX screening_reports_unit ON screening_reports (unit_id, status);"
    "CREATE TABLE risks ("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  description TEXT NOT NULL DEFAULT '',"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),"
    "  category TEXT NOT NULL DEFAULT '',"
    "  headcount INTEGER,"
    "  risk_level TEXT NOT NULL CHECK (risk_level IN ('low','medium','high')),"
    "  suggested_level TEXT NOT NULL CHECK (suggested_level IN ('low','medium','high')),"
    "  level_basis TEXT NOT NULL DEFAULT '',"
    "  leader_id INTEGER REFERENCES users(id),"
    "  official_id INTEGER REFERENCES users(id),"
    "  resolution_plan TEXT NOT NULL DEFAULT '',"
    "  deadline_date TEXT,"
    "  expected_visit_date TEXT,"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolving','closed')),"
    "  trend TEXT NOT NULL DEFAULT 'stable' CHECK (trend IN ('rising','stable','falling')),"
    "  outcome TEXT,"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL,"
    "  closed_ms INTEGER);"
    "CREATE INDEX risks_unit ON risks (unit_id, status);"
    "CREATE TABLE risk_persons ("
    "  risk_id INTEGER NOT NULL REFERENCES risks(id),"
    "  person_id INTEGER NOT NULL REFERENCES persons(id),"
    "  PRIMARY KEY (risk_id, person_id)) WITHOUT ROWID;"
    "CREATE INDEX risk_persons_person ON risk_persons (person_id);"
    "CREATE TABLE risk_progress ("
    "  id INTEGER PRIMARY KEY,"
    "  risk_id INTEGER NOT NULL REFERENCES risks(id),"
    "  at_ms INTEGER NOT NULL,"
    "  author_id INTEGER REFERENCES users(id),"
    "  text TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  trend TEXT NOT NULL,"
    "  risk_level TEXT NOT NULL);"
    "CREATE INDEX risk_progress_risk ON risk_progress (risk_id, at_ms);"
    "CREATE TABLE screening_findings ("
    "  id INTEGER PRIMARY KEY,"
    "  campaign_id INTEGER NOT NULL REFERENCES screening_campaigns(id),"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),"
    "  text TEXT NOT NULL,"
    "  headcount INTEGER,"
    "  risk_id INTEGER REFERENCES risks(id),"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL);"
    "CREATE INDEX screening_findings_campaign ON screening_findings (campaign_id, unit_id);"
    "ALTER TABLE assignments ADD COLUMN risk_id INTEGER REFERENCES risks(id);"
    "CREATE INDEX assignments_risk ON assignments (risk_id) WHERE risk_id IS NOT NULL;"
    "CREATE TABLE warnings ("
    "  id INTEGER PRIMARY KEY,"
    "  rule TEXT NOT NULL CHECK (rule IN ('risk_high','repeated_matters','planned_visit')),"
    "  dedup_key TEXT NOT NULL UNIQUE,"
    "  risk_id INTEGER REFERENCES risks(id),"
    "  unit_id INTEGER REFERENCES units(id),"
    "  person_id INTEGER REFERENCES persons(id),"
    "  headcount INTEGER,"
    "  text TEXT NOT NULL,"
    "  expected_date TEXT,"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','incident','dismissed')),"
    "  incident_id INTEGER REFERENCES incidents(id),"
    "  created_ms INTEGER NOT NULL,"
    "  handled_ms INTEGER,"
    "  handled_by INTEGER REFERENCES users(id));"
    "CREATE INDEX warnings_status ON warnings (status, id);"
    "CREATE TABLE care_schedules ("
    "  id INTEGER PRIMARY KEY,"
    "  group_kind TEXT NOT NULL CHECK (group_kind IN ('hardship','retiree','injured_family')),"
    "  person_id INTEGER NOT NULL REFERENCES persons(id),"
    "  unit_id INTEGER REFERENCES units(id),"
    "  interval_days INTEGER NOT NULL,"
    "  official_id INTEGER NOT NULL REFERENCES users(id),"
    "  next_due_ms INTEGER NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL,"
    "  ended_ms INTEGER);"
    "CREATE INDEX care_schedules_due ON care_schedules (next_due_ms) WHERE ended_ms IS NULL;"
    "CREATE TABLE care_visits ("
    "  id INTEGER PRIMARY KEY,"
    "  schedule_id INTEGER NOT NULL REFERENCES care_schedules(id),"
    "  visited_on TEXT NOT NULL,"
    "  help TEXT NOT NULL,"
    "  by_user_id INTEGER REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL);"
    "CREATE INDEX care_visits_schedule ON care_visits (schedule_id, visited_on);",
    /* 21: accountability findings (责任追究, issue 14 item 7, xf_store_assessment.c): a
     * finding names a unit and/or a user, its basis, the decision (an id from the plan's
     * assessment.decisions), who decided (words) and when (decided_on, YYYY-MM-DD in
     * Asia/Shanghai); linked to incidents, matters and tasks; the person concerned adds
     * statements. Scores of the assessment (考核) are computed, never stored. */
    "CREATE TABLE accountability_findings ("
    "  id INTEGER PRIMARY KEY,"
    "  unit_id INTEGER REFERENCES units(id),"
    "  user_id INTEGER REFERENCES users(id),"
    "  basis TEXT NOT NULL CHECK (basis IN ('overdue_tasks','evaluation',"
    "    'retaliation_complaint','missed_report','other')),"
    "  decision TEXT NOT NULL,"
    "  decided_by TEXT NOT NULL,"
    "  decided_on TEXT NOT NULL,"
    "  text TEXT NOT NULL DEFAULT '',"
    "  created_by INTEGER NOT NULL REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL,"
    "  CHECK (unit_id IS NOT NULL OR user_id IS NOT NULL));"
    "CREATE INDEX accountability_findings_decided ON accountability_findings (decided_on);"
    "CREATE INDEX accountability_findings_user ON accountability_findings (user_id);"
    "CREATE TABLE accountability_links ("
    "  finding_id INTEGER NOT NULL REFERENCES accountability_findings(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('incident','matter','task')),"
    "  ref_id INTEGER NOT NULL,"
    "  PRIMARY KEY (finding_id, kind, ref_id)) WITHOUT ROWID;"
    "CREATE INDEX accountability_links_ref ON accountability_links (kind, ref_id);"
    "CREATE TABLE accountability_statements ("
    "  id INTEGER PRIMARY KEY,"
    "  finding_id INTEGER NOT NULL REFERENCES accountability_findings(id),"
    "  author_id INTEGER NOT NULL REFERENCES users(id),"
    "  text TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL);"
    "CREATE INDEX accountability_statements_finding ON accountability_statements (finding_id);",
    /* 22: statistics (issue 14 item 5, xf_store_statistics.c): when an incident was
     * resolved (resolved_ms: it first reached 总结评价, set by xf_store_incident_set_status;
     * earlier incidents have none and are left out of the time to resolution); the
     * indexes the statistics read: the real incidents by when they happened and the
     * matters by when they were received (with migration 19's columns), each covering
     * what is counted, the incidents left out (drills, withdrawn registrations) for
     * their matters, and the matters and petitioners of a unit subtree. */
    "ALTER TABLE incidents ADD COLUMN resolved_ms INTEGER;"
    "CREATE INDEX incidents_statistics ON incidents (occurred_ms, status, category,"
    "  destination, grade, grade_name, procedure, procedure_name, registered_ms, activated_ms,"
    "  resolved_ms) WHERE drill = 0;"
    "CREATE INDEX incidents_not_counted ON incidents (id) WHERE drill <> 0 OR status = 'withdrawn';"
    "CREATE INDEX matters_statistics ON matters (received_ms, category, outcome, satisfaction,"
    "  accepted_ms, acceptance_notice_ms, answered_ms, concluded_ms, extension_days, channel,"
    "  unit_id, incident_id, person_id);"
    "CREATE INDEX matters_unit_received ON matters (unit_id, received_ms);"
    "CREATE INDEX matters_person_received ON matters (person_id, received_ms);"
    "CREATE INDEX persons_unit ON persons (unit_id);",
    /* 23: written notices to the petitioner and the public lookup (issue 13 items 4 and 6,
     * store/xf_store_notices.c): a notice of a matter is a draft the office edits (fields,
     * JSON) until issued: then numbered 〔YEAR〕N号 in one series a year for every kind,
     * rendered once (SHA-256 of its PDF and DOCX in the row) and locked by trigger; only
     * its delivery may still be recorded. A matter's query code is kept as its SHA-256
     * only; every public lookup is logged (client address as a digest); the rating a
     * petitioner gives themself through the lookup is kept with source 'self'. */
    "CREATE TABLE matter_notices ("
    "  id INTEGER PRIMARY KEY,"
    "  matter_id INTEGER NOT NULL REFERENCES matters(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('acceptance','non_acceptance','extension','answer',"
    "    'review','re_review')),"
    "  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','issued')),"
    "  fields TEXT NOT NULL,"
    "  year INTEGER,"
    "  seq INTEGER,"
    "  number TEXT,"
    "  version INTEGER NOT NULL DEFAULT 1,"
    "  created_ms INTEGER NOT NULL,"
    "  created_by INTEGER NOT NULL REFERENCES users(id),"
    "  updated_ms INTEGER NOT NULL,"
    "  issued_ms INTEGER,"
    "  issued_by INTEGER REFERENCES users(id),"
    "  pdf_sha256 TEXT,"
    "  docx_sha256 TEXT,"
    "  delivery_method TEXT CHECK (delivery_method IN ('in_person','post','sms')),"
    "  delivery_date TEXT,"
    "  delivery_reference TEXT,"
    "  delivered_ms INTEGER,"
    "  delivered_by INTEGER REFERENCES users(id));"
    "CREATE INDEX matter_notices_matter ON matter_notices (matter_id);"
    "CREATE UNIQUE INDEX matter_notices_number ON matter_notices (year, seq)"
    "  WHERE seq IS NOT NULL;"
    "CREATE TRIGGER matter_notices_locked BEFORE UPDATE ON matter_notices"
    "  WHEN OLD.status = 'issued' AND (NEW.status <> 'issued' OR NEW.fields <> OLD.fields"
    "    OR NEW.number <> OLD.number OR NEW.kind <> OLD.kind OR NEW.matter_id <> OLD.matter_id"
    "    OR NEW.pdf_sha256 <> OLD.pdf_sha256 OR NEW.docx_sha256 <> OLD.docx_sha256)"
    "  BEGIN SELECT RAISE(ABORT, 'an issued notice never changes'); END;"
    "CREATE TRIGGER matter_notices_keep BEFORE DELETE ON matter_notices"
    "  WHEN OLD.status = 'issued'"
    "  BEGIN SELECT RAISE(ABORT, 'an issued notice never changes'); END;"
    "CREATE TABLE matter_query_codes ("
    "  matter_id INTEGER PRIMARY KEY REFERENCES matters(id),"
    "  code_sha256 TEXT NOT NULL UNIQUE,"
    "  notice_id INTEGER NOT NULL REFERENCES matter_notices(id),"
    "  created_ms INTEGER NOT NULL);"
    "CREATE TABLE matter_lookups ("
    "  id INTEGER PRIMARY KEY,"
    "  at_ms INTEGER NOT NULL,"
    "  matter_id INTEGER REFERENCES matters(id),"
    "  action TEXT NOT NULL CHECK (action IN ('lookup','rating')),"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('found','not_found','throttled','refused',"
    "    'rated')),"
    "  client_sha256 TEXT NOT NULL);"
    "CREATE INDEX matter_lookups_at ON matter_lookups (at_ms);"
    "CREATE TABLE matter_ratings ("
    "  id INTEGER PRIMARY KEY,"
    "  matter_id INTEGER NOT NULL REFERENCES matters(id),"
    "  rating TEXT NOT NULL CHECK (rating IN ('satisfied','basically_satisfied','unsatisfied')),"
    "  source TEXT NOT NULL CHECK (source IN ('self')),"
    "  rated_ms INTEGER NOT NULL);"
    "CREATE INDEX matter_ratings_matter ON matter_ratings (matter_id);",
    /* 24: indexed matter clock alarms (xf_store_matters.c): alarm_ms, the earliest time
     * one of a matter's clocks reaches a due_soon or overdue mark not yet written (NULL:
     * none), kept by every write of a matter and after each alarm; a tick reads only the
     * matters whose alarm_ms is past. 0 on the open matters: the first scan computes it. */
    "ALTER TABLE matters ADD COLUMN alarm_ms INTEGER;"
    "UPDATE matters SET alarm_ms = 0 WHERE concluded_ms IS NULL;"
    "CREATE INDEX matters_alarm ON matters (alarm_ms) WHERE alarm_ms IS NOT NULL;",
/* The Beijing month (YYYYMM) of the instant ms. */
#define LITE_MONTH(ms) "CAST(strftime('%Y%m', (" ms " + 28800000) / 1000, 'unixepoch') AS INTEGER)"
    /* 25: the statistics' monthly roll-ups (xf_store_statistics.c). Matters: per scope
     * (0: every unit; else a unit), Beijing month, dimension and key, how many matters,
     * kept by triggers in the transaction of every write that changes what a matter
     * adds (the matter's own columns, its petitioner's unit, its incident becoming or
     * ceasing to be a drill or withdrawn), so that every writer keeps it without
     * knowing of it; rows at 0 stay. Filled from the matters already there. The open
     * clocks by receipt and by due time, for those falling due in the month the
     * statistics are read in; the matters of an incident, for when it becomes a drill
     * or is withdrawn. Incidents likewise, for every unit: per Beijing month,
     * dimension, key with its label, and unit (dimension unit), how many incidents. */
    "CREATE TABLE matter_statistics ("
    "  unit_id INTEGER NOT NULL,"
    "  month INTEGER NOT NULL,"
    "  dim TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY (unit_id, month, dim, key)) WITHOUT ROWID;"
    XF_MATTER_STATISTICS_VIEW(LITE_MONTH)
    "INSERT INTO matter_statistics (unit_id, month, dim, key, n)"
    "  SELECT unit_id, month, dim, key, count(*) FROM matter_statistics_rows"
    "  WHERE true GROUP BY unit_id, month, dim, key;"
    "CREATE TRIGGER matters_statistics_insert AFTER INSERT ON matters"
    "  BEGIN " XF_MATTER_STATISTICS_MOVE("1", "matter_id = new.id") " END;"
    "CREATE TRIGGER matters_statistics_leave BEFORE UPDATE OF " XF_MATTER_STATISTICS_COLUMNS
    "  ON matters BEGIN " XF_MATTER_STATISTICS_MOVE("-1", "matter_id = old.id") " END;"
    "CREATE TRIGGER matters_statistics_return AFTER UPDATE OF " XF_MATTER_STATISTICS_COLUMNS
    "  ON matters BEGIN " XF_MATTER_STATISTICS_MOVE("1", "matter_id = new.id") " END;"
    "CREATE TRIGGER matters_statistics_delete BEFORE DELETE ON matters"
    "  BEGIN " XF_MATTER_STATISTICS_MOVE("-1", "matter_id = old.id") " END;"
    "CREATE TRIGGER persons_matter_statistics_leave BEFORE UPDATE OF unit_id ON persons"
    "  WHEN old.unit_id IS NOT new.unit_id BEGIN " XF_MATTER_STATISTICS_MOVE(
        "-1", "person_id = old.id AND own_unit_id IS NULL AND unit_id <> 0") " END;"
    "CREATE TRIGGER persons_matter_statistics_return AFTER UPDATE OF unit_id ON persons"
    "  WHEN old.unit_id IS NOT new.unit_id BEGIN " XF_MATTER_STATISTICS_MOVE(
        "1", "person_id = new.id AND own_unit_id IS NULL AND unit_id <> 0") " END;"
    "CREATE TRIGGER incidents_matter_statistics_leave BEFORE UPDATE OF drill, status"
    "  ON incidents WHEN " XF_MATTER_STATISTICS_LEFT_OUT("old") " <> "
    XF_MATTER_STATISTICS_LEFT_OUT("new") "  BEGIN " XF_MATTER_STATISTICS_MOVE(
        "-1", "incident_id = old.id") " END;"
    "CREATE TRIGGER incidents_matter_statistics_return AFTER UPDATE OF drill, status"
    "  ON incidents WHEN " XF_MATTER_STATISTICS_LEFT_OUT("old") " <> "
    XF_MATTER_STATISTICS_LEFT_OUT("new") "  BEGIN " XF_MATTER_STATISTICS_MOVE(
        "1", "incident_id = new.id") " END;"
    "CREATE TABLE incident_statistics ("
    "  month INTEGER NOT NULL,"
    "  dim TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  label TEXT NOT NULL,"
    "  unit_id INTEGER NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY (month, dim, key, label, unit_id)) WITHOUT ROWID;"
    XF_INCIDENT_STATISTICS_VIEW(LITE_MONTH)
    "INSERT INTO incident_statistics (month, dim, key, label, unit_id, n)"
    "  SELECT month, dim, key, label, unit_id, count(*) FROM incident_statistics_rows"
    "  WHERE true GROUP BY month, dim, key, label, unit_id;"
    "CREATE TRIGGER incidents_statistics_insert AFTER INSERT ON incidents"
    "  BEGIN " XF_INCIDENT_STATISTICS_MOVE("1", "incident_id = new.id") " END;"
    "CREATE TRIGGER incidents_statistics_leave BEFORE UPDATE OF "
    XF_INCIDENT_STATISTICS_COLUMNS " ON incidents"
    "  BEGIN " XF_INCIDENT_STATISTICS_MOVE("-1", "incident_id = old.id") " END;"
    "CREATE TRIGGER incidents_statistics_return AFTER UPDATE OF "
    XF_INCIDENT_STATISTICS_COLUMNS " ON incidents"
    "  BEGIN " XF_INCIDENT_STATISTICS_MOVE("1", "incident_id = new.id") " END;"
    "CREATE TRIGGER incidents_statistics_delete BEFORE DELETE ON incidents"
    "  BEGIN " XF_INCIDENT_STATISTICS_MOVE("-1", "incident_id = old.id") " END;"
    "CREATE TRIGGER incident_units_statistics_insert AFTER INSERT ON incident_units"
    "  BEGIN " XF_INCIDENT_STATISTICS_MOVE("1", "incident_id = new.incident_id"
    "  AND dim = 'unit' AND unit_id = new.unit_id") " END;"
    "CREATE TRIGGER incident_units_statistics_leave BEFORE UPDATE ON incident_units"
    "  BEGIN " XF_INCIDENT_STATISTICS_MOVE("-1", "incident_id = old.incident_id"
    "  AND dim = 'unit' AND unit_id = old.unit_id") " END;"
    "CREATE TRIGGER incident_units_statistics_return AFTER UPDATE ON incident_units"
    "  BEGIN " XF_INCIDENT_STATISTICS_MOVE("1", "incident_id = new.incident_id"
    "  AND dim = 'unit' AND unit_id = new.unit_id") " END;"
    "CREATE TRIGGER incident_units_statistics_delete BEFORE DELETE ON incident_units"
    "  BEGIN " XF_INCIDENT_STATISTICS_MOVE("-1", "incident_id = old.incident_id"
    "  AND dim = 'unit' AND unit_id = old.unit_id") " END;"
    XF_MATTER_OPEN_INDEXES
    "CREATE INDEX matters_incident ON matters (incident_id) WHERE incident_id IS NOT NULL;",
#undef LITE_MONTH
#undef XF_SEALED_GUARD
#undef XF_SEALED_GUARD_IF
};

/* clang-format on */

const int xf_migration_count = (int)(sizeof xf_migrations / sizeof xf_migrations[0]);
