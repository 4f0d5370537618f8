/* Prevention in SQL (migration "prevention", docs/prevention.md): screening campaigns and
 * each unit's report, findings, the register of grievances and unstable factors (risks)
 * with its people, progress and 包保 assignments, early warnings, and care schedules for
 * vulnerable groups with their 帮扶 visits. Lists come back as JSON objects whose
 * members are the columns, times ("…_at") as ISO text. unit_id 0 in a filter: every
 * unit; otherwise that unit and the units below it. */
#ifndef XF_STORE_PREVENTION_H
#define XF_STORE_PREVENTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/xf_store.h"

/* ---- screening ---- */
typedef struct xf_campaign_in {
	const char *title, *kind, *period_from, *period_to, *due_date, *note;
	const char *checklist_json; /* a JSON array of strings */
	int64_t due_ms, created_by, now_ms;
	const int64_t *units;
	size_t n_units;
} xf_campaign_in;

int xf_store_campaign_insert(xf_db *db, const xf_campaign_in *in, int64_t *id);
/* A campaign with its "reports" (one per unit: status, overdue) and "findings". */
int xf_store_campaign_json(xf_db *db, int64_t id, int64_t now_ms, json_t **out);
/* Campaigns, newest first, with counts (units, reported, overdue); unit_id: only those
 * sent to a unit of that subtree. */
int xf_store_campaign_list(xf_db *db, int64_t unit_id, int64_t now_ms, json_t **out);
/* The status of a unit's report ("pending", "nil", "findings"); XF_NOTFOUND when the
 * campaign was not sent to the unit. */
int xf_store_screening_status(xf_db *db, int64_t campaign_id, int64_t unit_id, char *status,
                              size_t size);
int xf_store_screening_report(xf_db *db, int64_t campaign_id, int64_t unit_id, const char *status,
                              const char *note, int64_t by, int64_t now_ms);
int xf_store_screening_finding_insert(xf_db *db, int64_t campaign_id, int64_t unit_id,
                                      const char *text, int64_t headcount, int64_t by,
                                      int64_t now_ms, int64_t *id);
typedef struct xf_screening_finding_row {
	int64_t id, campaign_id, unit_id, headcount, risk_id;
	char text[4096];
} xf_screening_finding_row;
int xf_store_screening_finding_get(xf_db *db, int64_t id, xf_screening_finding_row *out);
int xf_store_screening_finding_set_risk(xf_db *db, int64_t id, int64_t risk_id);

/* ---- the register ---- */
/* Fields of a risk entry; NULL (or -1 for numbers) leaves a field as it is on update. */
typedef struct xf_risk_in {
	const char *title, *description, *category, *risk_level, *suggested_level, *level_basis;
	const char *resolution_plan, *deadline_date, *expected_visit_date, *status, *trend;
	const char *outcome;
	int64_t unit_id, headcount, leader_id, official_id;
	bool clear_deadline, clear_expected; /* set the date to NULL */
} xf_risk_in;

typedef struct xf_risk_row {
	int64_t id, unit_id, headcount, official_id, leader_id;
	char risk_level[8], status[12], trend[12], expected_visit_date[12], deadline_date[12];
	char title[512];
} xf_risk_row;

int xf_store_risk_insert(xf_db *db, const xf_risk_in *in, int64_t by, int64_t now_ms, int64_t *id);
int xf_store_risk_update(xf_db *db, int64_t id, const xf_risk_in *in, int64_t now_ms);
int xf_store_risk_get(xf_db *db, int64_t id, xf_risk_row *out);
/* XF_OK when the risk's unit is unit_id or below it, XF_NOTFOUND otherwise. */
int xf_store_unit_within(xf_db *db, int64_t unit_id, int64_t top_id);
/* An entry with "persons" (brief), "progress" and "assignments". */
int xf_store_risk_json(xf_db *db, int64_t id, json_t **out);
/* Entries newest first: unit subtree (0: all), level and status (NULL: any); official_id
 * (0: any) keeps those the official is responsible for. */
int xf_store_risk_list(xf_db *db, int64_t unit_id, const char *level, const char *status,
                       int64_t official_id, json_t **out);
int xf_store_risk_person_add(xf_db *db, int64_t risk_id, int64_t person_id);
int xf_store_risk_person_ids(xf_db *db, int64_t risk_id, int64_t **ids, size_t *n);
int xf_store_risk_progress_insert(xf_db *db, int64_t risk_id, const char *text, const char *status,
                                  const char *trend, const char *level, int64_t by, int64_t now_ms);
/* Incidents (drills left out) of the people of the entry, or of persons, since since_ms. */
int xf_store_person_visits(xf_db *db, const int64_t *persons, size_t n, int64_t since_ms,
                           int64_t *count);
int xf_store_assignment_set_risk(xf_db *db, int64_t assignment_id, int64_t risk_id);

/* ---- early warning ---- */
typedef struct xf_warning_in {
	const char *rule, *dedup_key, *text, *expected_date;
	int64_t risk_id, unit_id, person_id, headcount, now_ms;
} xf_warning_in;
/* Stores a warning unless one with the dedup key exists (then *id is 0). */
int xf_store_warning_insert(xf_db *db, const xf_warning_in *in, int64_t *id);
/* Whether a warning whose key starts with prefix was made since since_ms. */
int xf_store_warning_recent(xf_db *db, const char *prefix, int64_t since_ms, bool *found);
/* Groups of related matters since since_ms reaching min: [{kind: "person"|"unit", key_id,
 * category, count}]. */
int xf_store_matter_groups(xf_db *db, int64_t since_ms, int min, json_t **out);
/* Open entries with an expected visit date: [{id, unit_id, title, expected_visit_date,
 * headcount}]. */
int xf_store_risk_planned_visits(xf_db *db, json_t **out);
/* Warnings, newest first; status NULL: any; unit_id as above (warnings with no unit are
 * kept only for 0). */
int xf_store_warning_list(xf_db *db, const char *status, int64_t unit_id, json_t **out);
int xf_store_warning_json(xf_db *db, int64_t id, json_t **out);
int xf_store_warning_count(xf_db *db, const char *status, int64_t *count);
int xf_store_warning_handled(xf_db *db, int64_t id, const char *status, int64_t incident_id,
                             int64_t by, int64_t now_ms);

/* ---- care ---- */
int xf_store_care_insert(xf_db *db, const char *group_kind, int64_t person_id, int64_t unit_id,
                         int interval_days, int64_t official_id, const char *note, int64_t by,
                         int64_t now_ms, int64_t *id);
typedef struct xf_care_row {
	int64_t id, person_id, unit_id, official_id, ended_ms;
	int interval_days;
} xf_care_row;
int xf_store_care_get(xf_db *db, int64_t id, xf_care_row *out);
/* Schedules (ended ones left out) with their person's name, last visit and "overdue";
 * unit_id as above; official_id 0: any; overdue_only: those past due. */
int xf_store_care_list(xf_db *db, int64_t unit_id, int64_t official_id, bool overdue_only,
                       int64_t now_ms, json_t **out);
int xf_store_care_json(xf_db *db, int64_t id, int64_t now_ms, json_t **out);
/* Records a 帮扶 visit and moves the next due time to interval days after now. */
int xf_store_care_visit(xf_db *db, int64_t schedule_id, const char *visited_on, const char *help,
                        int64_t by, int64_t next_due_ms, int64_t now_ms, int64_t *id);
int xf_store_care_end(xf_db *db, int64_t id, int64_t now_ms);

#endif
