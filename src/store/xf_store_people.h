/* Petitioner files (信访人档案): persons, family members, matters (诉求), links to
 * incidents, and the 包保 assignments with their progress entries. Also who may see
 * what: a person is visible within the viewer's scope, a file shows only the
 * incidents and likely duplicates the viewer may open, and a 检举控告 matter follows
 * xf_matter_visible_to() (core/xf_person.h): hidden from the accused unit. */
#ifndef XF_STORE_PEOPLE_H
#define XF_STORE_PEOPLE_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xf_perm.h"
#include "store/xf_store.h"

/* Who is looking: the incident scope of their roles, plus their own unit and roles
 * for the confidentiality of accusations. */
typedef struct xf_viewer {
	xf_scope scope;
	int64_t user_id;
	int64_t unit_id;
	xf_roles roles;
} xf_viewer;

/* XF_OK when the viewer may see the person, XF_NOTFOUND otherwise. */
int xf_store_person_visible(xf_db *db, const xf_viewer *viewer, int64_t person_id);
/* XF_OK when the viewer may see the matter (the person is visible and
 * xf_matter_visible_to() allows it), XF_NOTFOUND otherwise. */
int xf_store_matter_visible(xf_db *db, const xf_viewer *viewer, int64_t matter_id);

/* Fields of a person; NULL leaves a field as it is on update (empty on insert);
 * unit_id < 0 leaves it, 0 clears it. */
typedef struct xf_person_in {
	const char *name, *id_number, *phone, *address, *employment, *health, *note;
	int64_t unit_id;
} xf_person_in;

int xf_store_person_insert(xf_db *db, const xf_person_in *in, int64_t created_by, int64_t now_ms,
                           int64_t *id);
int xf_store_person_update(xf_db *db, int64_t id, const xf_person_in *in, int64_t now_ms);
/* The whole file as the viewer may see it: its matters, incidents and duplicates
 * filtered by the same rules as matters, incidents and persons elsewhere; reveal
 * unmasks ID number and health. */
int xf_store_person_json(xf_db *db, const xf_viewer *viewer, int64_t id, bool reveal, json_t **out);
/* Masked summaries, newest first; q matches name (substring); incident_id 0: any. */
int xf_store_person_list(xf_db *db, const xf_viewer *viewer, const char *q, int64_t incident_id,
                         int64_t before_id, int limit, json_t **out, int64_t *next_before_id);
/* Likely duplicates of these facts, other than person exclude_id:
 * [{id, name, unit_id, reason}] with reason same_name_unit or same_id_number. */
int xf_store_person_duplicates(xf_db *db, int64_t exclude_id, const char *name, int64_t unit_id,
                               const char *id_number, json_t **out);
/* The file person id was merged into (*into 0: not merged); XF_NOTFOUND when there
 * is no person id. */
int xf_store_person_merged_into(xf_db *db, int64_t id, int64_t *into);
/* Merges file from into file into: family members, incident links (a representative
 * in either stays one), matters, 包保 assignments with their follow-ups (when both have
 * an active one, the kept file's stays and the other ends, its open follow-up task
 * skipped) and search documents move to into; fields into leaves empty (ID number,
 * phone, address, unit, health, note) are filled from from, their names appended to
 * filled (a JSON array); from keeps its row marked merged_into, and files merged into
 * from before now point at into. The caller checks that both exist and are not
 * merged. */
int xf_store_person_merge(xf_db *db, int64_t from, int64_t into, int64_t now_ms, json_t *filled);
/* A short masked summary of a person: {id, name, unit_id, employment, phone}. */
int xf_store_person_brief(xf_db *db, int64_t id, json_t **out);

int xf_store_family_insert(xf_db *db, int64_t person_id, const char *name, const char *relation,
                           const char *phone, const char *unit, int64_t *id);
int xf_store_family_delete(xf_db *db, int64_t id, int64_t *person_id);

int xf_store_incident_person_link(xf_db *db, int64_t incident_id, int64_t person_id,
                                  const char *role);
int xf_store_incident_person_unlink(xf_db *db, int64_t incident_id, int64_t person_id);
/* The petitioners of an incident the viewer may see, each {person..., role, assignment},
 * and how many are representatives. */
int xf_store_incident_persons(xf_db *db, const xf_viewer *viewer, int64_t incident_id, json_t **out,
                              int *representatives);
/* Petitioners of the incident in unit_id (0: all) who still need a 包保 official
 * (xf_person_needs_official, core/xf_assignment.h): [{id, name, unit_id}]. */
int xf_store_incident_unassigned(xf_db *db, int64_t incident_id, int64_t unit_id, json_t **out);

int xf_store_matter_insert(xf_db *db, int64_t person_id, int64_t incident_id, const char *category,
                           const char *content, int64_t accused_unit_id, int64_t created_by,
                           int64_t now_ms, int64_t *id);
/* Sets what is given: accepted/concluded stamp now (once); outcome, satisfaction. */
int xf_store_matter_update(xf_db *db, int64_t id, bool accepted, const char *outcome,
                           const char *satisfaction, bool concluded, int64_t now_ms);
int xf_store_matter_json(xf_db *db, int64_t id, json_t **out, int64_t *person_id);
/* Matters not concluded whose legal deadline (xf_matter_next_due(), core/xf_matter.h)
 * falls at or before until_ms, that the viewer may see, soonest first, each with
 * "person", "due_at", "due_kind", "overdue". */
int xf_store_matters_due(xf_db *db, const xf_viewer *viewer, int64_t now_ms, int64_t until_ms,
                         json_t **out);

typedef struct xf_assignment_row {
	int64_t id, person_id, incident_id, official_id, task_id, next_due_ms, ended_ms;
	int interval_days;
	char status[16];
} xf_assignment_row;

/* Ends the person's active assignment, if any (its open follow-up task is skipped),
 * and starts a new one. */
int xf_store_assignment_insert(xf_db *db, int64_t person_id, int64_t incident_id,
                               int64_t official_id, int interval_days, int64_t now_ms, int64_t *id);
int xf_store_assignment_get(xf_db *db, int64_t id, xf_assignment_row *out);
/* Sets official, interval, status, next due time and follow-up task (0 keeps each;
 * status NULL keeps it); a status that ends it (xf_assignment_status_ends) stamps
 * ended_ms and clears the next due time. */
int xf_store_assignment_update(xf_db *db, int64_t id, int64_t official_id, int interval_days,
                               const char *status, int64_t next_due_ms, int64_t task_id,
                               int64_t now_ms);
int xf_store_assignment_json(xf_db *db, int64_t id, json_t **out);
/* Active assignments of an incident, or of an official (soonest due first). */
int xf_store_assignment_list(xf_db *db, int64_t incident_id, int64_t official_id, json_t **out);
int xf_store_followup_insert(xf_db *db, int64_t assignment_id, int64_t at_ms, const char *kind,
                             const char *content, int64_t author_id, int64_t *id);
/* How many petitioners of the incident still need an official (as above). */
int xf_store_incident_unassigned_count(xf_db *db, int64_t incident_id, int *count);

#endif
