/* The store: one SQLite file in WAL mode, one connection per thread, numbered
 * migrations compiled in, prepared statements cached per connection, and the small
 * transaction API that handlers use.
 *
 * Promises: every function returns XF_OK or a negative XF_* code; XF_UNAVAILABLE
 * means the database cannot write now (disk full, read-only, locked too long) and
 * nothing was changed; XF_CONFLICT means a uniqueness or reference rule refused the
 * change. xf_db_error() has the message of the last failure on that connection.
 * All SQL of the program lives in src/store/. Reads meant for the API come back as
 * rows the api serialises (incidents, tasks) or as jansson objects the caller owns.
 * The SQLite half (statements, the connection) is in store/xf_store_db.h, internal
 * to the store. */
#ifndef XF_STORE_H
#define XF_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/xf_audit.h"
#include "core/xf_scope.h"
#include "core/xf_task.h"
#include "core/xf_user.h"
#include "util/xf_buf.h"
#include "util/xf_util.h"

typedef struct xf_db xf_db;

/* The database (XINFANG_DB) is a SQLite file path, or a postgresql:// URL of a server;
 * true for the second. */
bool xf_store_is_server(const char *target);
/* Opens (creating if absent) the database at path and applies pending migrations in
 * one transaction. Call once before any xf_db_get(). */
int xf_store_open(const char *path, char *error, size_t error_size);
/* Opens a database that is already up to date without writing to it (no migration,
 * no write lock): XF_ERR when its schema version is not this program's. For check
 * and backup, which run beside a live server. */
int xf_store_open_current(const char *path, char *error, size_t error_size);
/* Closes every thread's connection. */
void xf_store_close(void);
/* The calling thread's connection, opened on first use. */
xf_db *xf_db_get(void);
const char *xf_db_error(xf_db *db);
int xf_store_schema_version(void);

/* How long a write waits for the write lock held by another connection before it
 * gives up with XF_UNAVAILABLE. */
#define XF_STORE_BUSY_MS 5000

/* Transactions. A write transaction takes the write lock at once (BEGIN IMMEDIATE),
 * so the audit chain is appended in order. */
int xf_tx_begin(xf_db *db, bool write);
int xf_tx_commit(xf_db *db);
void xf_tx_rollback(xf_db *db);

/* Accounts and sessions change: a counter that moves after every commit that changed
 * a user or ended a session (a new session or a recorded activity does not move it),
 * so caches of sessions know when to read again. */
uint64_t xf_store_auth_generation(void);
/* Any change: a counter that moves after every commit that appended an audit event
 * (every change appends one), so caches of answers know when to read again. */
uint64_t xf_store_data_generation(void);

/* ---- accounts ---- */

typedef struct xf_user_row {
	xf_user user;
	char phone[64];
	char password_hash[160];
} xf_user_row;

int xf_store_user_count(xf_db *db, int64_t *count);
int xf_store_user_insert(xf_db *db, const char *username, const char *name, int64_t unit_id,
                         const char *phone, xf_roles roles, const char *password_hash,
                         bool must_change, int64_t *id);
/* XF_NOTFOUND when absent. */
int xf_store_user_by_username(xf_db *db, const char *username, xf_user_row *out);
int xf_store_user_by_id(xf_db *db, int64_t id, xf_user_row *out);
int xf_store_user_set_name(xf_db *db, int64_t id, const char *name);
int xf_store_user_set_unit(xf_db *db, int64_t id, int64_t unit_id);
int xf_store_user_set_phone(xf_db *db, int64_t id, const char *phone);
int xf_store_user_set_disabled(xf_db *db, int64_t id, bool disabled);
int xf_store_user_set_roles(xf_db *db, int64_t id, xf_roles roles);
int xf_store_user_set_password(xf_db *db, int64_t id, const char *password_hash, bool must_change);
/* The API shape of a user (docs/api.md). */
json_t *xf_user_json(const xf_user_row *row);
int xf_store_user_list(xf_db *db, json_t **users);

/* One person of the directory (GET /directory): an active account found by name. */
typedef struct xf_directory_row {
	int64_t id, unit_id;
	char name[128], unit_name[128], phone[64];
	xf_roles roles;
} xf_directory_row;

/* Active accounts whose name or username contains q (NULL or "": any), holding role
 * (-1: any), in unit_id or below it (0: anywhere), by name, at most limit. The caller
 * frees *rows. */
int xf_store_directory(xf_db *db, const char *q, int role, int64_t unit_id, int limit,
                       xf_directory_row **rows, size_t *n);

int xf_store_session_create(xf_db *db, int64_t user_id, const char *token_digest, const char *csrf,
                            int64_t now_ms, int64_t *id);
/* Finds a session and its user (XF_NOTFOUND when there is none); the caller judges
 * expiry from *created_ms and *last_seen_ms and the user's disabled flag. */
int xf_store_session_lookup(xf_db *db, const char *token_digest, xf_user *out, int64_t *created_ms,
                            int64_t *last_seen_ms);
/* The same by session id, for holders of a session that outlives a request (streams). */
int xf_store_session_by_id(xf_db *db, int64_t session_id, xf_user *out, int64_t *created_ms,
                           int64_t *last_seen_ms);
/* Deletes the sessions that have expired by now_ms. */
int xf_store_session_purge(xf_db *db, int64_t now_ms, int64_t idle_ms, int64_t absolute_ms);

/* Failed sign-ins counted for a login throttle, shared by every process on the
 * database: scope "account" or "address", key the username or client address. The
 * policy (how long to wait) is core/xf_throttle.h's; these only keep the counts. */
typedef struct xf_throttle_row {
	int64_t failures, first_ms, last_ms;
} xf_throttle_row;
/* XF_OK with *row, or XF_NOTFOUND when nothing is counted for the key. */
int xf_store_throttle_get(xf_db *db, const char *scope, const char *key, xf_throttle_row *row);
/* Writes the key's count (in the caller's write transaction). */
int xf_store_throttle_put(xf_db *db, const char *scope, const char *key,
                          const xf_throttle_row *row);
/* Forgets the key's count (a successful sign-in). */
int xf_store_throttle_clear(xf_db *db, const char *scope, const char *key);
/* Forgets every count whose last failure is older than before_ms. */
int xf_store_throttle_purge(xf_db *db, int64_t before_ms);
/* Records activity; XF_NOTFOUND when the session no longer exists, XF_UNAVAILABLE
 * at once (never waiting) when another connection holds the write lock. */
int xf_store_session_touch(xf_db *db, int64_t session_id, int64_t now_ms);
int xf_store_session_delete(xf_db *db, int64_t session_id);
/* Ends every session of a user except keep_session_id (0: all). */
int xf_store_session_delete_user(xf_db *db, int64_t user_id, int64_t keep_session_id);

/* ---- units ---- */

extern const char *const xf_unit_kinds[]; /* NULL-terminated */
int xf_store_unit_count(xf_db *db, int64_t *count);
int xf_store_unit_insert(xf_db *db, int64_t parent_id, const char *name, const char *kind,
                         int64_t *id);
/* The API shape of one unit, or XF_NOTFOUND. */
int xf_store_unit_get(xf_db *db, int64_t id, json_t **unit);
int xf_store_unit_list(xf_db *db, json_t **units);
/* The same list written as JSON text onto out. */
int xf_store_unit_list_text(xf_db *db, xf_buf *out);
int xf_store_unit_set_name(xf_db *db, int64_t id, const char *name);
int xf_store_unit_set_kind(xf_db *db, int64_t id, const char *kind);
int xf_store_unit_set_head(xf_db *db, int64_t id, int64_t head_user_id);
/* Moves a unit; XF_CONFLICT when parent_id is the unit itself or below it. */
int xf_store_unit_set_parent(xf_db *db, int64_t id, int64_t parent_id);

/* ---- audit chain ---- */

/* Who does a change, and in which request. */
typedef struct xf_actor {
	int64_t id; /* 0: system or command line */
	const char *name;
	const char *request_id;
} xf_actor;

/* Appends one event inside the caller's write transaction. Takes the reference to
 * data (may be NULL, stored as {}), as json_*_new() functions do. */
int xf_audit_append(xf_db *db, const xf_actor *actor, const char *action, const char *object_type,
                    const char *object_id, json_t *data);
/* Events with seq > after, at most limit, oldest first; *next_after is 0 at the end. */
int xf_audit_page(xf_db *db, int64_t after, int limit, json_t **events, int64_t *next_after);
/* Walks the whole chain. */
int xf_audit_verify(xf_db *db, xf_audit_walk *walk);
/* The same, keeping the chain's hash at mark_seq (walk->mark_found, mark_hash). */
int xf_audit_verify_marked(xf_db *db, int64_t mark_seq, xf_audit_walk *walk);

/* The head file (core/xf_audit.h, docs/audit.md): the path of a SQLite database plus
 * ".head" (PostgreSQL: xf_store_set_head_dir below). Every commit that appends events writes the
 * new head there after the commit (temporary file, fdatasync, rename; in a server the head writer
 * thread does, moments later), never moving it backwards; when the database no longer holds the
 * head the file records, the file is left alone as evidence and the problem logged. */
char *xf_store_head_path_of(const char *db_path); /* caller frees */
/* A server starts the head writer: from then on a commit hands its head to that
 * thread instead of writing the file itself (no request waits for the fdatasync, and
 * under load one write covers many commits). Stopping writes the last head. */
int xf_store_head_writer_start(void);
void xf_store_head_writer_stop(void);
/* The open database's head file; NULL for an in-memory database. */
const char *xf_store_head_path(void);
/* XF_NOTFOUND when the file does not exist; XF_ERR with error when it cannot be
 * read or is not a head file. */
int xf_audit_head_read(const char *path, xf_audit_head *head, char *error, size_t error_size);
/* Replaces the file atomically and durably. */
int xf_audit_head_write(const char *path, const xf_audit_head *head, char *error,
                        size_t error_size);
/* Writes head unless the file already holds a head at that seq or later, with the
 * read, the comparison and the rename under flock of path plus ".lock", so that
 * several processes writing the same file never move it backwards. *now is the
 * file's head afterwards. XF_ERR with error when the file cannot be read or written. */
int xf_audit_head_raise(const char *path, const xf_audit_head *head, xf_audit_head *now,
                        char *error, size_t error_size);
/* On PostgreSQL the head file is XF_STORE_PG_HEAD_FILE in this directory (the data
 * directory, which every server of a group deployment shares as it shares the record
 * files); set before xf_store_open. NULL (the default): no head file on PostgreSQL. */
#define XF_STORE_PG_HEAD_FILE "audit.head"
void xf_store_set_head_dir(const char *dir);

/* ---- plans ---- */

/* Records a plan version (by hash) if new; *id is its row either way. */
int xf_store_plan_register(xf_db *db, const char *hash, const char *key, const char *title,
                           const char *body, int64_t *id);
/* The file bytes of a stored plan version (caller frees *body). */
int xf_store_plan_body(xf_db *db, int64_t id, char **body);

/* ---- incidents ---- */

typedef struct xf_incident_new {
	int headcount;
	const char *destination;
	bool advance_info, drill, in_scope;
	const char *place, *category, *demands;
	const char *status, *grade, *grade_name, *procedure, *procedure_name;
	json_t *reasons; /* borrowed */
	int64_t plan_id, created_by, now_ms;
	const int64_t *units;
	size_t n_units;
	/* 发生时间 (0: now_ms); with advance information, 预计到访时间 (0: none) and the
	 * expected destination (NULL: none) */
	int64_t occurred_ms, expected_ms;
	const char *expected_destination;
} xf_incident_new;

/* The facts about an incident that its rules need. */
typedef struct xf_incident_state {
	int64_t id;
	char number[24];
	char status[16];
	char procedure[8]; /* "" before a procedure is known */
	char grade[8];     /* "" when out of scope */
	bool in_scope, drill, advance_info;
	int headcount;
	char destination[16];
	int64_t plan_id, registered_ms, activated_ms;
	int64_t occurred_ms, expected_ms; /* expected_ms 0: none */
	char expected_destination[16];    /* "" when none */
} xf_incident_state;

/* Inserts with the next number of the year (XF-2026-0007) into *id. */
int xf_store_incident_insert(xf_db *db, const xf_incident_new *in, int64_t *id);
int xf_store_incident_state(xf_db *db, int64_t id, xf_incident_state *out);
/* XF_OK when scope lets the user see the incident, XF_NOTFOUND otherwise. */
int xf_store_incident_visible(xf_db *db, const xf_scope *scope, int64_t id);
/* At most this many units are linked to one incident (the API refuses more). */
#define XF_INCIDENT_UNITS_MAX 64

/* One incident as read for the API, which serialises it (api/incident_json.c). The
 * strings are borrowed from the store and valid only during the callback that gets
 * the row; NULL where the column is empty (grade, procedure, expected destination
 * before they are known). override, reasons, withdrawn and escalation are the JSON
 * text stored for them, NULL when none. Times are ms, 0 when none. */
typedef struct xf_incident_row {
	int64_t id;
	const char *number, *status, *destination, *place, *demands, *category;
	bool drill, advance_info, in_scope;
	int headcount;
	const char *grade, *grade_name, *grade_computed, *procedure, *procedure_name;
	const char *override, *reasons, *withdrawn, *escalation;
	int64_t plan_id;
	const char *plan_hash, *plan_title;
	int64_t registered_ms, activated_ms, updated_ms, occurred_ms, expected_ms;
	const char *expected_destination;
	/* A recurring report counts once, as its latest round; overdue counts open tasks. */
	struct {
		int total, done, skipped, overdue;
	} tasks;
	int64_t units[XF_INCIDENT_UNITS_MAX]; /* ascending */
	size_t n_units;
	int64_t mine_id;  /* the mine it belongs to (xf_store_mines.h), 0: none */
	const char *mine; /* that mine's name, NULL: none */
} xf_incident_row;

/* Gets each row read; a code other than XF_OK stops the reading and is returned. */
typedef int (*xf_incident_each)(const xf_incident_row *row, void *ctx);

/* Reads one incident (XF_NOTFOUND when absent) and hands it to each. */
int xf_store_incident_row(xf_db *db, int64_t id, xf_incident_each each, void *ctx);
/* A page of the list, newest first: status NULL for any; active_only drops archived
 * and not_activated; at most limit rows from below before_id (0: from the newest).
 * *next_before_id is where the next page starts, 0 when this was the last. */
int xf_store_incident_rows(xf_db *db, const xf_scope *scope, const char *status, bool active_only,
                           int64_t before_id, int limit, xf_incident_each each, void *ctx,
                           int64_t *next_before_id);
/* Sets the status; a status that is not active (archived, not_activated) also ends
 * the incident's open tasks: skipped, with the status as the reason. */
int xf_store_incident_set_status(xf_db *db, int64_t id, const char *status, int64_t now_ms);
int xf_store_incident_activate(xf_db *db, int64_t id, int64_t now_ms);
/* Records an override: in_scope, grade (NULL keeps it), the status it leads to (a
 * closed one ends open tasks, as above) and the override object (borrowed). */
int xf_store_incident_override(xf_db *db, int64_t id, bool in_scope, const char *grade,
                               const char *grade_name, const char *status, json_t *override,
                               int64_t now_ms);

/* Sets the facts given (NULL keeps one); units non-NULL replaces the unit list. */
int xf_store_incident_set_facts(xf_db *db, int64_t id, const char *place, const char *demands,
                                const char *category, const int64_t *units, size_t n_units,
                                int64_t now_ms);

/* The facts that decide (headcount, destination, advance information) and what the
 * plan decides from them, after a change of facts. grade is the effective grade (an
 * override's wins), grade_computed the plan's; procedure NULL keeps it; escalation
 * (borrowed, NULL clears it) is written only when set_escalation. */
typedef struct xf_incident_decision {
	int headcount;
	const char *destination;
	bool advance_info, in_scope;
	const char *grade, *grade_name, *grade_computed, *procedure, *procedure_name, *status;
	json_t *reasons; /* borrowed */
	bool set_escalation;
	json_t *escalation;
} xf_incident_decision;

/* Records changed facts and the decision recomputed from them (a closed status ends
 * open tasks, as xf_store_incident_set_status). */
int xf_store_incident_set_decision(xf_db *db, int64_t id, const xf_incident_decision *in,
                                   int64_t now_ms);
/* Sets when it happened and, with advance information, when and where the visit is
 * expected (expected_ms 0 and expected_destination NULL clear them). */
int xf_store_incident_set_times(xf_db *db, int64_t id, int64_t occurred_ms, int64_t expected_ms,
                                const char *expected_destination, int64_t now_ms);
/* Marks a registration withdrawn (作废), with {reason, by, at} (borrowed). */
int xf_store_incident_withdraw(xf_db *db, int64_t id, json_t *withdrawn, int64_t now_ms);

/* ---- tasks ---- */

typedef struct xf_task_new {
	int64_t incident_id;
	int position;
	const char *step_id, *kind, *title, *text, *workstream, *owner_kind, *owner_value;
	int64_t assignee_id;
	json_t *evidence, *dispatch; /* borrowed, may be NULL */
	bool chooses_venue;
	int round;
	int64_t base_ms;
	int due_minutes;
	int64_t due_ms; /* 0: none */
	int64_t now_ms;
} xf_task_new;

typedef struct xf_task_row {
	int64_t id, incident_id, assignee_id, base_ms, due_ms;
	int position, due_minutes, round;
	char kind[16], status[16], step_id[32], workstream[32], owner_kind[16], owner_value[64];
	char title[256];
} xf_task_row;

int xf_store_task_insert(xf_db *db, const xf_task_new *in, int64_t *id);
int xf_store_task_get(xf_db *db, int64_t id, xf_task_row *out);
/* Sets status and assignee; note and skip_reason NULL keep theirs; start and finish
 * times follow the status. */
int xf_store_task_update(xf_db *db, int64_t id, const char *status, int64_t assignee_id,
                         const char *note, const char *skip_reason, int64_t now_ms);
/* Links a report-up task to the issued report that fulfilled it. */
int xf_store_task_fulfilled_by(xf_db *db, int64_t id, int64_t report_id);
int xf_store_task_set_due(xf_db *db, int64_t id, int64_t due_ms);
/* The open (pending or in progress) tasks of an incident; caller frees *rows. */
int xf_store_tasks_open(xf_db *db, int64_t incident_id, xf_task_row **rows, size_t *n);
int xf_store_task_next_position(xf_db *db, int64_t incident_id, int *position);
/* How many tasks of a kind an incident has, in any status. */
int xf_store_task_count_kind(xf_db *db, int64_t incident_id, const char *kind, int *count);
/* The whole task (core/xf_task.h; XF_NOTFOUND when absent), which the caller frees
 * with xf_task_view_free. */
int xf_store_task_read(xf_db *db, int64_t id, xf_task_view *out);
/* The tasks of an incident in checklist order; the caller frees them with
 * xf_task_views_free. */
int xf_store_task_rows(xf_db *db, int64_t incident_id, xf_task_view **rows, size_t *n);
/* The same in the API shape: the rows above through core's one serialiser
 * (xf_task_json), for the task routes and the store's composed JSON (meeting
 * decisions, report facts). */
int xf_store_task_json(xf_db *db, int64_t id, json_t **out);
int xf_store_task_list(xf_db *db, int64_t incident_id, json_t **out);
/* Open tasks due before now_ms and not yet reported overdue, up to max of them as
 * (task id, incident id) pairs, from an index of exactly those tasks (a closed
 * incident has no open tasks: xf_store_incident_set_status ends them). */
int xf_store_tasks_newly_overdue(xf_db *db, int64_t now_ms, int64_t (*out)[2], size_t max,
                                 size_t *n);
int xf_store_task_mark_overdue(xf_db *db, int64_t id);

/* ---- timeline and dispatches ---- */

/* The events about an incident, oldest first: [{seq, at, actor, action, data}], in the
 * order they happened (a note's data "at", its 发生时间, else the event's own "at"); with
 * limit > 0 only the newest `limit` recorded, in recorded order. Manual entries
 * (现场情况) are note.create events. */
int xf_store_timeline(xf_db *db, int64_t incident_id, int limit, json_t **out);
/* Appends a note (现场情况) about the incident as a note.create event inside the
 * caller's write transaction; *seq is the event's number, which identifies the note.
 * Takes the reference to data, as xf_audit_append. */
int xf_store_note_append(xf_db *db, const xf_actor *actor, const char *incident_id, json_t *data,
                         int64_t *seq);

int xf_store_dispatch_insert(xf_db *db, int64_t incident_id, const char *resource, int quantity,
                             const char *note, const char *ordered_by, int64_t now_ms, int64_t *id);
/* Sets what is given: eta_ms > 0, arrived/released (stamped now_ms), note non-NULL. */
int xf_store_dispatch_update(xf_db *db, int64_t id, int64_t eta_ms, bool arrived, bool released,
                             const char *note, int64_t now_ms);
int xf_store_dispatch_json(xf_db *db, int64_t id, json_t **out, int64_t *incident_id);
int xf_store_dispatch_list(xf_db *db, int64_t incident_id, json_t **out);

/* ---- the live feed ---- */

int xf_store_last_event_seq(xf_db *db, int64_t *seq);
/* Incident events with seq > after, oldest first, at most limit:
 * [{seq, incident_id, action, at, actor}]. */
int xf_store_incident_events_after(xf_db *db, int64_t after, int limit, json_t **out);
/* The units an incident involves and the users its tasks are assigned to. */
int xf_store_incident_links(xf_db *db, int64_t incident_id, int64_t *units, size_t max_units,
                            size_t *n_units, int64_t *assignees, size_t max_assignees,
                            size_t *n_assignees);
/* A unit and every unit below it; caller frees *ids. */
int xf_store_unit_subtree(xf_db *db, int64_t unit_id, int64_t **ids, size_t *n);

/* ---- maintenance ---- */

/* The write-ahead log stays bounded while the server runs: every connection has
 * journal_size_limit XF_STORE_WAL_LIMIT (a log reset cuts the file back to it), and
 * the WAL keeper thread, once a tick, resets the log with a RESTART checkpoint when
 * the file has grown past that size under load (waiting at most
 * XF_STORE_WAL_WAIT_MS for readers, which new writers wait behind), and truncates it
 * with a TRUNCATE checkpoint when no commit came for XF_STORE_WAL_IDLE_MS. SQLite's
 * own checkpoint after commits (PASSIVE, every 1,000 pages) copies pages back in
 * between. bench/wal shows the bound. */
#define XF_STORE_WAL_LIMIT      (16 * 1024 * 1024)
#define XF_STORE_WAL_LIMIT_TEXT "16777216"
#define XF_STORE_WAL_TICK_MS    250
#define XF_STORE_WAL_WAIT_MS    100
#define XF_STORE_WAL_IDLE_MS    2000
int xf_store_wal_start(void);
void xf_store_wal_stop(void);
/* What the keeper did so far (for logs and benchmarks). */
typedef struct xf_wal_stats {
	uint64_t restarts, truncates, busy;
} xf_wal_stats;
void xf_store_wal_stats(xf_wal_stats *out);

/* SQLite's integrity and foreign key checks, or on PostgreSQL that no trigger is
 * disabled; on both, that events have exactly the append-only triggers migration 1
 * made, calling what it made. On damage returns XF_ERR with the first problem in
 * problem. */
int xf_store_integrity(xf_db *db, char *problem, size_t problem_size);
/* A consistent copy of the live database into path (SQLite: online backup; PostgreSQL:
 * pg_dump -Fc of one snapshot), with the copy's chain head in the head file beside it
 * (path plus ".head"). */
int xf_store_backup(xf_db *db, const char *path, char *error, size_t error_size);

#endif
