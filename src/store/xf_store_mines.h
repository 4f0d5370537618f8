/* Many mines in one deployment (issue 11 item 4), in SQL: the mine of a unit, each
 * mine's incident number series, the group dashboard's rows and the reports the mines
 * issued as the group's 信访办 receives and acknowledges them (schema: migration 16).
 *
 * The unit tree may have a unit of kind 'group' at the top with mines below. The mine
 * of anything is the nearest unit of kind 'mine' at or above its unit; a one-mine
 * database (every database before migration 16) has its root mine and no group, and
 * nothing about it changes. */
#ifndef XF_STORE_MINES_H
#define XF_STORE_MINES_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "store/xf_store.h"

/* The default incident number prefix of a mine without one of its own ("XF-2026-0001"). */
#define XF_MINE_DEFAULT_PREFIX "XF"
/* A number prefix: 1 to 8 ASCII letters and digits. */
#define XF_MINE_PREFIX_MAX 8

/* The mine of a unit into *mine_id (0 when no unit at or above it is a mine), and into
 * *in_group whether that mine has a unit above it (a deployment of many mines). */
int xf_store_unit_mine(xf_db *db, int64_t unit_id, int64_t *mine_id, bool *in_group);

/* The mine of a new incident: the mine of the registering user's unit, else that of
 * the first of the incident's units that has one (0: none); and the series its number
 * counts in: the mine's prefix (at least XF_MINE_PREFIX_MAX + 1 bytes; mines without
 * one share the default's), with the next number of the year in it. */
int xf_store_incident_series(xf_db *db, int64_t user_id, const int64_t *units, size_t n_units,
                             int year, int64_t *mine_id, char *prefix, int64_t *seq);

/* The plan a mine runs under (0: the deployment's), or 0 for mine 0. */
int xf_store_mine_plan(xf_db *db, int64_t mine_id, int64_t *plan_id);
/* Attaches a plan to a mine (plan_id 0 detaches it); XF_NOTFOUND when no such mine. */
int xf_store_mine_set_plan(xf_db *db, int64_t mine_id, int64_t plan_id);

/* Sets a unit's number prefix (NULL: the default); XF_CONFLICT when another unit uses
 * it already. */
int xf_store_unit_set_prefix(xf_db *db, int64_t unit_id, const char *prefix);

/* The mines (id, name, parent_id, number_prefix, plan_id, active: their active
 * incidents) as an array. */
int xf_store_mine_list(xf_db *db, json_t **mines);

/* Every mine's active incidents, newest first, at most limit: id, number, mine_id,
 * mine, grade, grade_name, status, headcount, destination, drill, registered_ms and
 * occurred_ms (ms). */
int xf_store_group_active(xf_db *db, int limit, json_t **incidents);

/* The issued 首报, 续报 and 终报 of every mine, newest first, at most limit (only the
 * unacknowledged when pending), each with its incident, mine and acknowledgement. */
int xf_store_group_reports(xf_db *db, bool pending, int limit, json_t **reports);

/* Acknowledges an issued 首报, 续报 or 终报: XF_NOTFOUND when there is none such,
 * XF_CONFLICT when it was acknowledged already. */
int xf_store_report_acknowledge(xf_db *db, int64_t report_id, int64_t user_id, int64_t now_ms);
/* A report's own JSON (xf_store_report_json) carries its "acknowledgement". */

/* The unit of a roster row: the staff member's, else the user's (0: neither). */
int xf_store_roster_unit(xf_db *db, int64_t staff_id, int64_t user_id, int64_t *unit_id);

/* The mine of an incident (0 when none). */
int xf_store_incident_mine(xf_db *db, int64_t incident_id, int64_t *mine_id);

#endif
