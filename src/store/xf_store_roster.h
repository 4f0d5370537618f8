/* The rosters in SQL: the staff roster (花名册), the leadership group (领导小组), the duty
 * roster (值班表) and the department contacts (矿长办公室, 保卫科, 工会, ...); the CSV
 * import of units and staff; and "whom to call" for a step of the plan.
 *
 * Promises, beyond xf_store.h: functions run inside the caller's transaction; a
 * uniqueness or reference rule that refuses a change gives XF_CONFLICT, an id that
 * does not exist XF_NOTFOUND. Reads for the API come back as jansson values the caller
 * owns, in the shapes of docs/roster.md. */
#ifndef XF_STORE_ROSTER_H
#define XF_STORE_ROSTER_H

#include "core/xf_csv.h"
#include "core/xf_plan.h"
#include "store/xf_store.h"

/* ---- staff ---- */

typedef struct xf_staff {
	int64_t id, unit_id, user_id; /* user_id 0: no account */
	char staff_number[132];
	char name[260], position[260], phone[132];
	char unit[260]; /* the unit's name, read only */
} xf_staff;

/* Inserts s (id ignored) into *id; XF_CONFLICT when the staff number or the user is taken. */
int xf_store_staff_insert(xf_db *db, const xf_staff *s, int64_t now_ms, int64_t *id);
/* Writes every field of s over the row s->id. */
int xf_store_staff_save(xf_db *db, const xf_staff *s, int64_t now_ms);
int xf_store_staff_get(xf_db *db, int64_t id, xf_staff *out);
int xf_store_staff_by_number(xf_db *db, const char *staff_number, xf_staff *out);
/* XF_CONFLICT (nothing deleted) while duty shifts or leadership seats name the staff;
 * *shifts and *seats say how many. */
int xf_store_staff_delete(xf_db *db, int64_t id, int64_t *shifts, int64_t *seats);
json_t *xf_staff_json(const xf_staff *s);
/* Staff with id > after_id, by id, at most limit: of unit_id (0: all) whose name or
 * number contains q ("" all). *next_after_id is 0 at the end. */
int xf_store_staff_list(xf_db *db, int64_t unit_id, const char *q, int64_t after_id, int limit,
                        json_t **out, int64_t *next_after_id);

/* ---- the leadership group ---- */

typedef struct xf_leader {
	int64_t id, staff_id, user_id; /* at least one of staff_id, user_id */
	char position[132];
	char phone[132]; /* "" takes the staff member's or the user's phone */
	int sort_order;
} xf_leader;

int xf_store_leader_insert(xf_db *db, const xf_leader *l, int64_t *id);
int xf_store_leader_save(xf_db *db, const xf_leader *l);
int xf_store_leader_delete(xf_db *db, int64_t id);
int xf_store_leader_get(xf_db *db, int64_t id, xf_leader *out);
/* Members ordered by their position's place in positions (a JSON array of the plan's
 * positions, borrowed; may be NULL), then sort order; id > 0 gives that member only
 * (XF_NOTFOUND when absent). Each: {"id","position","staff_id","user_id","name",
 * "phone","sort_order","on_duty"}. */
int xf_store_leader_list(xf_db *db, const json_t *positions, int64_t id, int64_t now_ms,
                         json_t **out);

/* ---- the duty roster ---- */

int xf_store_duty_insert(xf_db *db, int64_t staff_id, int64_t starts_ms, int64_t ends_ms,
                         const char *note, int64_t now_ms, int64_t *id);
int xf_store_duty_delete(xf_db *db, int64_t id);
/* Shifts overlapping [from_ms, to_ms), by start; with id > 0 that shift only
 * (XF_NOTFOUND when absent). Each: {"id","staff_id","staff_number","name","unit_id",
 * "unit","position","phone","starts_at","ends_at","note","on_duty"}. */
int xf_store_duty_list(xf_db *db, int64_t from_ms, int64_t to_ms, int64_t id, int64_t now_ms,
                       json_t **out);

/* ---- department contacts ---- */

typedef struct xf_contact {
	int64_t id, unit_id; /* unit_id 0: none */
	char label[260], person[260], phone[132], note[2004];
} xf_contact;

int xf_store_contact_insert(xf_db *db, const xf_contact *c, int64_t *id);
int xf_store_contact_save(xf_db *db, const xf_contact *c);
int xf_store_contact_delete(xf_db *db, int64_t id);
int xf_store_contact_get(xf_db *db, int64_t id, xf_contact *out);
/* By id; with id > 0 that contact only (XF_NOTFOUND when absent). Each: {"id","label",
 * "unit_id","unit","person","phone","note"}. */
int xf_store_contact_list(xf_db *db, int64_t id, json_t **out);

/* ---- import ---- */

/* Checks an import file (xf_import_check) against the stored units and, for staff, the
 * stored roster; with apply and not one problem, makes the changes. Counts end up in
 * imp. *changed lists what changed (unit names, staff numbers; at most max_changed
 * entries) for the audit event. */
int xf_store_import(xf_db *db, xf_import *imp, const char *bytes, size_t len, bool apply,
                    int64_t now_ms, json_t **changed, size_t max_changed);
/* Appends the one event of an applied import ("unit.import" / "staff.import", object
 * "import" "units" / "staff") with the counts, the file's SHA-256 and changed
 * (borrowed); nothing when the import changed nothing. */
int xf_store_import_audit(xf_db *db, const xf_actor *actor, const xf_import *imp, const char *bytes,
                          size_t len, json_t *changed);

/* ---- whom to call ---- */

/* Resolves a step's contacts (xf_plan_step.contacts) to people for an incident, as a
 * JSON array of {"name","phone","position"|"unit"|"role","on_duty"}: a position gives
 * the leadership members holding it; a unit the department contacts with that label
 * or unit name, and staff of a unit of that name on duty now; a role the active users
 * holding it, and for unit_head the heads of the incident's units (the nearest head
 * above each, when a unit has none) when there are any. Duplicates are dropped. */
int xf_store_step_contacts(xf_db *db, const xf_plan_owner *contacts, size_t n_contacts,
                           int64_t incident_id, int64_t now_ms, json_t **out);
/* heads_of contacts ({"heads_of": "unit_of_incident" | "unit_of_petitioners"}) give, for
 * each such unit, its first responsible person (its active head, or the nearest above
 * it) as {"name","phone","unit": the unit they head,"on_duty"}, and a unit with none as
 * {"name":"","phone":"","unit","heads_of","missing": "<unit>未登记负责人"}. */

/* Assigns the open, unassigned tasks of the incident owned {"heads_of": ...} to the
 * first responsible person of the first such unit (by unit id) that has one; tasks
 * whose units have none stay unassigned. Run at activation and when petitioners are
 * linked. */
int xf_store_tasks_assign_heads(xf_db *db, int64_t incident_id, int *assigned);

#endif
